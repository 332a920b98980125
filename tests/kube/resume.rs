//! Streams that break: resumed with sinceTime after a cut, an early end or a stall; a
//! replaced pod picked up after a relist; the stop flag ending a follow.

use std::time::{Duration, Instant};

use sso_triage::kube::KubeOptions;

use super::kube_support::{Container, End, FakeApi, FakePod, Fault, State, line, run_stream, ts};
use super::{LIMIT, expect, netbox_pod};

#[test]
fn a_cut_stream_is_resumed_with_since_time_without_loss_or_duplicates() {
    let history = vec![line(1, 0, "L1"), line(2, 100_000_000, "L2")];
    let live = vec![
        line(2, 500_000_000, "L3"),
        line(2, 900_000_000, "L4"),
        line(3, 200_000_000, "L5"),
        line(4, 0, "L6"),
    ];
    let mut c = Container::new("netbox", history.clone());
    c.live = live.clone();
    c.end = End::Hang;
    // First connection: L1..L4, half of L5, then EOF without the terminal chunk.
    c.fault = Some(Fault::Cut(4));
    let pod = FakePod::new("netbox-a", &[("app", "netbox")], vec![c]);
    let api = FakeApi::start(State::new(vec![pod]));
    let opts = KubeOptions {
        follow: true,
        tail: Some(100),
        ..api.options()
    };
    let run = run_stream(&opts, Some(6), LIMIT, |_| {});
    let all: Vec<Vec<u8>> = history.iter().chain(live.iter()).cloned().collect();
    assert_eq!(run.text(), expect("[pod/netbox-a/netbox]", &all));
    let logs = api.log_requests();
    assert_eq!(logs.len(), 2, "{logs:?}");
    assert_eq!(logs[0].param("tailLines"), Some("100"));
    assert_eq!(logs[0].param("sinceTime"), None);
    assert_eq!(logs[1].param("follow"), Some("true"));
    assert_eq!(
        logs[1].param("sinceTime"),
        Some("2026-11-20T09:00:02Z"),
        "the second of L4, the last line seen"
    );
    assert_eq!(
        logs[1].param("tailLines"),
        None,
        "a resume must not cut history"
    );
    let stats = run.stats();
    assert_eq!(stats.reconnects, 1);
    assert_eq!(stats.streams_opened, 2);
    assert_eq!(stats.duplicates_dropped, 3, "L2, L3, L4 replayed");
    assert_eq!(stats.lines, 6);
    assert!(
        stats.gaps.is_empty() && stats.outages.is_empty(),
        "a reconnect at the first try that reaches back is only counted: {stats:?}"
    );
}

#[test]
fn a_stream_ended_while_the_pod_runs_is_resumed() {
    let mut c = Container::new("netbox", vec![line(1, 0, "one"), line(1, 5, "two")]);
    c.live = vec![line(2, 0, "three")];
    c.fault = Some(Fault::EndEarly(2));
    c.end = End::Hang;
    let api = FakeApi::start(State::new(vec![netbox_pod("netbox-e", vec![]).with(c)]));
    let opts = KubeOptions {
        follow: true,
        ..api.options()
    };
    let run = run_stream(&opts, Some(3), LIMIT, |_| {});
    assert_eq!(
        run.text(),
        vec![
            format!("[pod/netbox-e/netbox] {} one\n", ts(1, 0)),
            format!("[pod/netbox-e/netbox] {} two\n", ts(1, 5)),
            format!("[pod/netbox-e/netbox] {} three\n", ts(2, 0)),
        ]
    );
    let paths: Vec<String> = api.requests().iter().map(|r| r.path.clone()).collect();
    assert!(
        paths.contains(&"/api/v1/namespaces/kotsadm/pods/netbox-e".to_string()),
        "the pod was looked up after the clean end: {paths:?}"
    );
    let logs = api.log_requests();
    assert_eq!(logs[1].param("sinceTime"), Some("2026-11-20T09:00:01Z"));
    let stats = run.stats();
    assert_eq!((stats.reconnects, stats.duplicates_dropped), (1, 2));
}

#[test]
fn a_stalled_stream_is_reopened_after_the_stall_timeout() {
    let mut c = Container::new(
        "netbox",
        vec![
            line(1, 0, "before"),
            line(2, 0, "stall"),
            line(3, 0, "after"),
        ],
    );
    c.fault = Some(Fault::Stall(2));
    c.end = End::Hang;
    let api = FakeApi::start(State::new(vec![FakePod::new("netbox-s", &[], vec![c])]));
    let opts = KubeOptions {
        follow: true,
        stall_timeout: Duration::from_millis(300),
        ..api.options()
    };
    let started = Instant::now();
    let run = run_stream(&opts, Some(3), LIMIT, |_| {});
    assert_eq!(
        run.text(),
        vec![
            format!("[pod/netbox-s/netbox] {} before\n", ts(1, 0)),
            format!("[pod/netbox-s/netbox] {} stall\n", ts(2, 0)),
            format!("[pod/netbox-s/netbox] {} after\n", ts(3, 0)),
        ]
    );
    assert!(started.elapsed() >= Duration::from_millis(300));
    let logs = api.log_requests();
    assert!(logs.len() >= 2);
    assert_eq!(logs[1].param("sinceTime"), Some("2026-11-20T09:00:02Z"));
    assert!(run.stats().reconnects >= 1);
    assert_eq!(
        run.stats().duplicates_dropped,
        1,
        "the 'stall' line is replayed"
    );
}

#[test]
fn a_replaced_pod_is_picked_up_after_a_relist() {
    let mut old = Container::new("netbox", vec![line(1, 0, "old pod")]);
    old.live = vec![line(2, 0, "old pod shutting down")];
    old.end = End::Close;
    let api = FakeApi::start(State::new(vec![FakePod::new(
        "netbox-old",
        &[("app", "netbox")],
        vec![old],
    )]));
    let state = std::sync::Arc::clone(&api.state);
    let opts = KubeOptions {
        follow: true,
        ..api.options()
    };
    let run = run_stream(&opts, Some(4), LIMIT, |l| {
        if l.ends_with(b"old pod shutting down\n") {
            // The rollout: the old pod goes, a new one with the same labels comes.
            let mut st = state.lock().unwrap();
            st.pods.clear();
            let mut new = Container::new("netbox", vec![line(3, 0, "new pod")]);
            new.live = vec![line(4, 0, "new pod serving")];
            new.end = End::Hang;
            st.pods
                .push(FakePod::new("netbox-new", &[("app", "netbox")], vec![new]));
        }
    });
    assert_eq!(
        run.text(),
        vec![
            format!("[pod/netbox-old/netbox] {} old pod\n", ts(1, 0)),
            format!(
                "[pod/netbox-old/netbox] {} old pod shutting down\n",
                ts(2, 0)
            ),
            format!("[pod/netbox-new/netbox] {} new pod\n", ts(3, 0)),
            format!("[pod/netbox-new/netbox] {} new pod serving\n", ts(4, 0)),
        ]
    );
    let stats = run.stats();
    assert_eq!((stats.pods, stats.containers), (2, 2));
    let new_log = api
        .log_requests()
        .into_iter()
        .find(|r| r.path.contains("netbox-new"))
        .expect("the new pod was read");
    assert_eq!(new_log.param("tailLines"), None);
    assert_eq!(new_log.param("follow"), Some("true"));
}

#[test]
fn the_stop_flag_ends_a_follow_cleanly_with_stats() {
    let mut c = Container::new("netbox", vec![line(1, 0, "a"), line(2, 0, "b")]);
    c.live = vec![line(3, 0, "c")];
    c.end = End::Hang;
    let api = FakeApi::start(State::new(vec![netbox_pod("netbox-f", vec![]).with(c)]));
    let opts = KubeOptions {
        follow: true,
        ..api.options()
    };
    let started = Instant::now();
    let run = run_stream(&opts, Some(3), LIMIT, |_| {});
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "stopped promptly"
    );
    let stats = run.stats();
    assert_eq!(stats.lines, 3);
    assert_eq!(stats.streams_opened, 1);
    assert_eq!(stats.reconnects, 0);
    assert_eq!(run.lines.len(), 3);
}
