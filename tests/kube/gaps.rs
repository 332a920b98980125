//! What could not be read is said: every log request failing, a stream cut and not resumed
//! or back without its last line, outages while following, a stream bounded by the request
//! timeout.

use std::time::{Duration, Instant};

use sso_triage::kube::{KubeError, KubeOptions};

use super::kube_support::{Container, End, FakeApi, Fault, State, line, run_stream};
use super::{LIMIT, expect, netbox_pod, steady};

#[test]
fn every_log_request_failing_is_an_error_naming_the_status_and_the_pods() {
    let mut state = State::new(vec![
        netbox_pod("netbox-a", steady(10)),
        netbox_pod("netbox-b", steady(10)),
    ]);
    state.log_status = Some((500, "etcdserver: request timed out".into()));
    let api = FakeApi::start(state);
    let run = run_stream(&api.options(), None, LIMIT, |_| {});
    assert!(
        matches!(run.result, Err(KubeError::LogsFailed { .. })),
        "{:?}",
        run.result
    );
    assert_eq!(
        run.error(),
        "no log could be read in namespace kotsadm: every log request failed: HTTP 500: etcdserver: request timed out for pod/netbox-a/netbox, pod/netbox-b/netbox; check the API server and the nodes' kubelets (kubectl logs fails the same way), then try again"
    );
    assert_eq!(api.log_requests().len(), 10, "five attempts per container");

    // While following, the run does not wait for Ctrl-C when nothing can be read at all.
    let opts = KubeOptions {
        follow: true,
        ..api.options()
    };
    let started = Instant::now();
    let run = run_stream(&opts, None, LIMIT, |_| {});
    assert!(started.elapsed() < LIMIT / 2, "ended on its own");
    assert!(
        run.error().contains("HTTP 500: etcdserver"),
        "{}",
        run.error()
    );
}

#[test]
fn a_stream_cut_and_not_resumed_reports_the_missing_range() {
    let mut cut = Container::new("netbox", steady(3000));
    cut.fault = Some(Fault::Cut(1500));
    cut.resume_fails = Some((503, "the server is shutting down", usize::MAX));
    let api = FakeApi::start(State::new(vec![
        netbox_pod("netbox-a", vec![]).with(cut),
        netbox_pod("netbox-b", steady(3000)),
    ]));
    let run = run_stream(&api.options(), None, LIMIT, |_| {});
    let stats = run.stats();
    assert_eq!(stats.lines, 4500, "b whole, a up to the cut");
    assert_eq!(stats.gaps.len(), 1, "{:?}", stats.gaps);
    let gap = &stats.gaps[0];
    assert!(
        gap.starts_with(
            "pod/netbox-a/netbox: log lines after 2026-11-20T09:00:29.980Z (the last line read) up to 20"
        ),
        "{gap}"
    );
    assert!(
        gap.contains("(when it gave up) are missing")
            && gap
                .ends_with("5 attempt(s) failed, the last: HTTP 503: the server is shutting down"),
        "{gap}"
    );
    assert!(!gap.contains('\n'));
    assert!(stats.outages.is_empty());
}

#[test]
fn a_stream_back_without_its_last_line_says_what_may_be_missing() {
    let mut c = Container::new("netbox", steady(100));
    c.fault = Some(Fault::Cut(60));
    // The container restarted while the stream was down: its log begins anew at 09:01:00.
    c.restarted = Some(vec![line(60, 0, "booted again"), line(61, 0, "serving")]);
    let api = FakeApi::start(State::new(vec![netbox_pod("netbox-r", vec![]).with(c)]));
    let run = run_stream(&api.options(), None, LIMIT, |_| {});
    let stats = run.stats();
    assert_eq!(stats.lines, 62);
    assert_eq!(
        stats.gaps.len(),
        1,
        "a resume that does not reach back: {stats:?}"
    );
    assert!(
        stats.gaps[0].starts_with(
            "pod/netbox-r/netbox: log lines after 2026-11-20T09:00:01.180Z (the last line read) and before 2026-11-20T09:01:00Z (the first line after it came back) may be missing"
        ),
        "{}",
        stats.gaps[0]
    );
}

#[test]
fn following_an_outage_that_comes_back_is_listed_and_nothing_is_lost() {
    let history = steady(3);
    let live: Vec<Vec<u8>> = (3..8).map(|i| line(i, 0, &format!("live {i}"))).collect();
    let mut c = Container::new("netbox", history.clone());
    c.live = live.clone();
    c.end = End::Hang;
    c.fault = Some(Fault::Cut(5));
    c.resume_fails = Some((503, "apiserver restarting", 2));
    let api = FakeApi::start(State::new(vec![netbox_pod("netbox-o", vec![]).with(c)]));
    let opts = KubeOptions {
        follow: true,
        ..api.options()
    };
    let run = run_stream(&opts, Some(8), LIMIT, |_| {});
    let all: Vec<Vec<u8>> = history.iter().chain(live.iter()).cloned().collect();
    assert_eq!(run.text(), expect("[pod/netbox-o/netbox]", &all));
    let stats = run.stats();
    assert!(stats.gaps.is_empty(), "{:?}", stats.gaps);
    assert_eq!(stats.outages.len(), 1, "{stats:?}");
    let o = &stats.outages[0];
    assert!(
        o.starts_with("pod/netbox-o/netbox: stream down from 20"),
        "{o}"
    );
    assert!(
        o.ends_with(
            "; 2 attempt(s) failed, the last: HTTP 503: apiserver restarting; it came back reaching to the last line read, no line lost"
        ),
        "{o}"
    );
}

#[test]
fn following_an_outage_still_going_at_the_stop_is_a_gap() {
    let mut c = Container::new("netbox", steady(3));
    c.live = vec![line(3, 0, "live 3"), line(4, 0, "live 4")];
    c.end = End::Hang;
    c.fault = Some(Fault::Die(4));
    let api = FakeApi::start(State::new(vec![netbox_pod("netbox-d", vec![]).with(c)]));
    let opts = KubeOptions {
        follow: true,
        ..api.options()
    };
    // No stop by line count: the stop comes while the API is gone.
    let run = run_stream(&opts, None, Duration::from_secs(2), |_| {});
    let stats = run.stats();
    assert_eq!(stats.lines, 4);
    assert_eq!(stats.gaps.len(), 1, "{stats:?}");
    let gap = &stats.gaps[0];
    assert!(
        gap.starts_with(
            "pod/netbox-d/netbox: log lines after 2026-11-20T09:00:03Z (the last line read) up to 20"
        ) && gap.contains("(when the run stopped) are missing: the stream was down since 20"),
        "{gap}"
    );
    assert!(
        gap.contains("attempt(s) failed, the last: no answer: "),
        "{gap}"
    );
    assert!(
        api.log_requests().len() > 2,
        "resumes were tried while following"
    );
}

#[test]
fn a_stream_that_never_ends_is_bounded_by_the_request_timeout() {
    assert_eq!(
        KubeOptions::default().request_timeout,
        Some(Duration::from_secs(120))
    );
    let mut c = Container::new("netbox", steady(3));
    c.fault = Some(Fault::Stall(3));
    let api = FakeApi::start(State::new(vec![
        netbox_pod("netbox-h", vec![]).with(c),
        netbox_pod("netbox-ok", steady(2)),
    ]));
    let opts = KubeOptions {
        request_timeout: Some(Duration::from_millis(700)),
        ..api.options()
    };
    let started = Instant::now();
    let run = run_stream(&opts, None, LIMIT, |_| {});
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(700) && took < Duration::from_secs(4),
        "{took:?}"
    );
    let stats = run.stats();
    assert_eq!(stats.lines, 5);
    assert_eq!(stats.gaps.len(), 1, "{stats:?}");
    let gap = &stats.gaps[0];
    assert!(
        gap.starts_with(
            "pod/netbox-h/netbox: log lines after 2026-11-20T09:00:00.040Z (the last line read) up to 20"
        ) && gap.ends_with(
            "are missing: the stream did not end within --request-timeout 700ms; raise it (0: no limit) to read all of it"
        ),
        "{gap}"
    );
    assert_eq!(
        api.log_requests().len(),
        2,
        "a timed-out stream is not reopened"
    );
}
