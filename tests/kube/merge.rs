//! Several streams merged by time, taking turns when requests are limited; and (when
//! kubectl is installed) the same lines as `kubectl logs --prefix --timestamps`.

use sso_triage::kube::KubeOptions;

use super::kube_support::{Container, FakeApi, FakePod, State, line, run_stream};
use super::{LIMIT, netbox_pod};

fn two_interleaved_pods(n: u32) -> (State, Vec<String>) {
    let mut a = Vec::new();
    let mut b = Vec::new();
    let mut want = Vec::new();
    for i in 0..n {
        // 50 lines a second per pod, b half a millisecond after a; some lines padded so
        // batches fill unevenly.
        let pad = "x".repeat((i % 7) as usize * 40);
        let la = line(i / 50, (i % 50) * 20_000_000, &format!("a{i} {pad}"));
        let lb = line(i / 50, (i % 50) * 20_000_000 + 500_000, &format!("b{i}"));
        want.push(format!(
            "[pod/netbox-a/netbox] {}",
            String::from_utf8_lossy(&la)
        ));
        want.push(format!(
            "[pod/netbox-b/netbox] {}",
            String::from_utf8_lossy(&lb)
        ));
        a.push(la);
        b.push(lb);
    }
    (
        State::new(vec![netbox_pod("netbox-a", a), netbox_pod("netbox-b", b)]),
        want,
    )
}

#[test]
fn two_streams_are_merged_by_time() {
    let (state, want) = two_interleaved_pods(3000);
    let api = FakeApi::start(state);
    let run = run_stream(&api.options(), None, LIMIT, |_| {});
    assert_eq!(run.text().len(), want.len());
    assert!(run.text() == want, "lines are not in time order");
    assert!(run.blocks > 1, "large output comes in several blocks");
    assert_eq!(run.stats().reconnects, 0);
}

#[test]
fn more_streams_than_requests_take_turns_and_still_merge() {
    let (state, want) = two_interleaved_pods(3000);
    let api = FakeApi::start(state);
    let opts = KubeOptions {
        max_log_requests: 1,
        ..api.options()
    };
    let run = run_stream(&opts, None, LIMIT, |_| {});
    assert!(run.text() == want, "lines lost, doubled or out of order");
    let stats = run.stats();
    assert!(
        stats.streams_opened > 2,
        "streams reopened in turns: {stats:?}"
    );
    assert_eq!(stats.reconnects, 0, "turns are not reconnects");
    assert_eq!(stats.lines, 6000);
}

#[test]
fn following_more_streams_than_allowed_is_refused() {
    let api = FakeApi::start(State::new(vec![
        netbox_pod("netbox-a", vec![]),
        netbox_pod("netbox-b", vec![]),
    ]));
    let opts = KubeOptions {
        follow: true,
        max_log_requests: 1,
        ..api.options()
    };
    let run = run_stream(&opts, None, LIMIT, |_| {});
    assert_eq!(
        run.error(),
        "following 2 log streams needs --max-log-requests 2 or more (it is 1); raise it or narrow the selection with -l, -c or pod names"
    );
}

#[test]
fn kubectl_gives_the_same_lines() {
    let Ok(kubectl) = which("kubectl") else {
        eprintln!("note: kubectl not installed; skipping the kubectl comparison");
        return;
    };
    let mut pod = FakePod::new(
        "netbox-k",
        &[("app", "netbox")],
        vec![
            Container::new("netbox", vec![line(1, 0, "app"), line(3, 0, "app again")]),
            Container::new("nginx", vec![line(2, 0, "proxy \u{e9}")]),
        ],
    );
    pod.phase = "Running".into();
    let mut state = State::new(vec![
        pod,
        netbox_pod("netbox-l", vec![line(4, 0, "second pod")]),
    ]);
    // kubectl sends no credentials over plain http.
    state.token = None;
    let api = FakeApi::start(state);
    let opts = KubeOptions {
        selector: Some("app=netbox".into()),
        ..api.options()
    };
    let run = run_stream(&opts, None, LIMIT, |_| {});
    let out = api.kubectl_logs(&kubectl);
    let mut theirs: Vec<Vec<u8>> = out
        .split_inclusive(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    theirs.sort();
    let mut ours = run.lines.clone();
    ours.sort();
    assert_eq!(
        String::from_utf8_lossy(&ours.concat()),
        String::from_utf8_lossy(&theirs.concat())
    );
    assert_eq!(ours.len(), 4);
}

fn which(name: &str) -> Result<std::path::PathBuf, ()> {
    let path = std::env::var_os("PATH").ok_or(())?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .ok_or(())
}
