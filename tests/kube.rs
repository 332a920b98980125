//! The Kubernetes log source against a fake API server (tests/kube_support): selection,
//! output shape, time merge, resume after a cut or a stall, pod replacement while following,
//! stop, TLS, error messages, and (when kubectl is installed) equality with `kubectl logs
//! --prefix --timestamps`.

mod kube_support;

use std::time::{Duration, Instant};

use kube_support::{Container, End, FakeApi, FakePod, Fault, State, USER, line, run_stream, ts};
use sso_triage::kube::{KubeError, KubeOptions};

const LIMIT: Duration = Duration::from_secs(15);

fn netbox_pod(name: &str, lines: Vec<Vec<u8>>) -> FakePod {
    FakePod::new(
        name,
        &[("app", "netbox")],
        vec![Container::new("netbox", lines)],
    )
}

fn expect(prefix: &str, lines: &[Vec<u8>]) -> Vec<String> {
    lines
        .iter()
        .map(|l| {
            let mut s = format!("{prefix} {}", String::from_utf8_lossy(l));
            if !s.ends_with('\n') {
                s.push('\n');
            }
            s
        })
        .collect()
}

#[test]
fn label_selector_reaches_the_server_and_lines_are_prefixed() {
    let lines = vec![line(1, 0, "GET /login/ 302"), line(2, 5, "GET /oauth/ 200")];
    let api = FakeApi::start(State::new(vec![
        netbox_pod("netbox-7d9f-abcde", lines.clone()),
        FakePod::new(
            "redis-0",
            &[("app", "redis")],
            vec![Container::new("redis", vec![line(1, 0, "redis")])],
        ),
    ]));
    let opts = KubeOptions {
        selector: Some("app=netbox".into()),
        ..api.options()
    };
    let run = run_stream(&opts, None, LIMIT, |_| {});
    assert_eq!(run.text(), expect("[pod/netbox-7d9f-abcde/netbox]", &lines));
    let list = api
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/v1/namespaces/kotsadm/pods")
        .expect("a pod list");
    assert_eq!(list.param("labelSelector"), Some("app=netbox"));
    let logs = api.log_requests();
    assert_eq!(logs.len(), 1, "redis is not selected");
    assert_eq!(
        logs[0].path,
        "/api/v1/namespaces/kotsadm/pods/netbox-7d9f-abcde/log"
    );
    assert_eq!(logs[0].param("timestamps"), Some("true"));
    assert_eq!(logs[0].param("container"), Some("netbox"));
    assert_eq!(logs[0].param("follow"), None);
    let stats = run.stats();
    assert_eq!((stats.pods, stats.containers, stats.lines), (1, 1, 2));
    assert_eq!(
        stats.bytes,
        run.lines.iter().map(|l| l.len() as u64).sum::<u64>()
    );
}

#[test]
fn every_container_of_a_pod_is_read_and_named() {
    let mut pod = FakePod::new(
        "netbox-0",
        &[("app", "netbox")],
        vec![
            Container::new(
                "netbox",
                vec![line(1, 0, "app one"), line(3, 0, "app three")],
            ),
            Container::new(
                "nginx",
                vec![line(2, 0, "proxy two"), line(4, 0, "proxy four")],
            ),
        ],
    );
    pod.init = vec![Container::new(
        "migrate",
        vec![line(0, 0, "migrations done")],
    )];
    let api = FakeApi::start(State::new(vec![pod]));
    let opts = KubeOptions {
        pods: vec!["netbox-0".into()],
        since: Some(Duration::from_millis(1500)),
        tail: Some(50),
        previous: true,
        ..api.options()
    };
    let run = run_stream(&opts, None, LIMIT, |_| {});
    assert_eq!(
        run.text(),
        vec![
            format!("[pod/netbox-0/migrate] {} migrations done\n", ts(0, 0)),
            format!("[pod/netbox-0/netbox] {} app one\n", ts(1, 0)),
            format!("[pod/netbox-0/nginx] {} proxy two\n", ts(2, 0)),
            format!("[pod/netbox-0/netbox] {} app three\n", ts(3, 0)),
            format!("[pod/netbox-0/nginx] {} proxy four\n", ts(4, 0)),
        ]
    );
    let mut containers: Vec<String> = api
        .log_requests()
        .iter()
        .map(|r| {
            assert_eq!(
                r.param("sinceSeconds"),
                Some("2"),
                "rounded up like kubectl"
            );
            assert_eq!(r.param("tailLines"), Some("50"));
            assert_eq!(r.param("previous"), Some("true"));
            r.param("container").unwrap().to_string()
        })
        .collect();
    containers.sort();
    assert_eq!(containers, ["migrate", "netbox", "nginx"]);
    assert_eq!(run.stats().containers, 3);
}

#[test]
fn without_names_or_selector_pods_starting_with_netbox_are_read() {
    let api = FakeApi::start(State::new(vec![
        netbox_pod("netbox-5c7-aaaaa", vec![line(1, 0, "web")]),
        FakePod::new(
            "netbox-worker-6d8-bbbbb",
            &[("app", "worker")],
            vec![Container::new("worker", vec![line(2, 0, "rq")])],
        ),
        FakePod::new(
            "postgres-0",
            &[("app", "netbox")],
            vec![Container::new("postgres", vec![line(0, 0, "db")])],
        ),
    ]));
    let run = run_stream(&api.options(), None, LIMIT, |_| {});
    assert_eq!(
        run.text(),
        vec![
            format!("[pod/netbox-5c7-aaaaa/netbox] {} web\n", ts(1, 0)),
            format!("[pod/netbox-worker-6d8-bbbbb/worker] {} rq\n", ts(2, 0)),
        ]
    );
    assert!(
        api.log_requests()
            .iter()
            .all(|r| !r.path.contains("postgres")),
        "postgres-0 is not a netbox pod"
    );
    let list = &api.requests()[0];
    assert_eq!(list.path, "/api/v1/namespaces/kotsadm/pods");
    assert_eq!(list.param("labelSelector"), None);
}

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
fn unauthorized_names_the_context_and_server() {
    let api = FakeApi::start(State::new(vec![netbox_pod("netbox-a", vec![])]));
    let opts = KubeOptions {
        context: Some("other".into()),
        ..api.options()
    };
    let run = run_stream(&opts, None, LIMIT, |_| {});
    assert!(matches!(run.result, Err(KubeError::Unauthorized { .. })));
    assert_eq!(
        run.error(),
        format!(
            "the API server {} rejected the credentials of context other (401 Unauthorized); log in again or refresh the token or client certificate, or pick another context with --context",
            api.url
        )
    );
    assert!(run.lines.is_empty());
}

#[test]
fn forbidden_names_verb_resource_namespace_and_user() {
    let api = FakeApi::start(State::new(vec![netbox_pod(
        "netbox-a",
        vec![line(1, 0, "x")],
    )]));
    api.state.lock().unwrap().forbid = vec![("get".into(), "pods/log".into())];
    let run = run_stream(&api.options(), None, LIMIT, |_| {});
    assert_eq!(
        run.error(),
        format!(
            "user \"{USER}\" (context test) may not get pods/log in namespace kotsadm (403 Forbidden); ask for a Role that grants \"get\" on \"pods/log\" there, or pick another context with --context"
        )
    );
    assert_eq!(api.log_requests().len(), 1, "403 is not retried");

    api.state.lock().unwrap().forbid = vec![("list".into(), "pods".into())];
    let run = run_stream(&api.options(), None, LIMIT, |_| {});
    assert!(
        run.error()
            .contains("may not list pods in namespace kotsadm"),
        "{}",
        run.error()
    );
}

#[test]
fn not_found_lists_what_exists() {
    let api = FakeApi::start(State::new(vec![
        netbox_pod("netbox-a", vec![]),
        netbox_pod("netbox-b", vec![]),
    ]));
    let opts = KubeOptions {
        pods: vec!["netbox-gone".into()],
        ..api.options()
    };
    let run = run_stream(&opts, None, LIMIT, |_| {});
    assert_eq!(
        run.error(),
        "pod netbox-gone not found in namespace kotsadm; pods there: netbox-a, netbox-b"
    );

    let opts = KubeOptions {
        namespace: Some("netbox".into()),
        ..api.options()
    };
    let run = run_stream(&opts, None, LIMIT, |_| {});
    assert_eq!(
        run.error(),
        "namespace netbox not found; namespaces: default, kotsadm, kube-system; pick one with -n"
    );

    let opts = KubeOptions {
        selector: Some("app=nope".into()),
        ..api.options()
    };
    let run = run_stream(&opts, None, LIMIT, |_| {});
    assert!(matches!(run.result, Err(KubeError::NoPodsMatched { .. })));
    assert!(
        run.error().starts_with(
            "no pod in namespace kotsadm matches -l app=nope; pods there: netbox-a, netbox-b"
        ),
        "{}",
        run.error()
    );

    let opts = KubeOptions {
        container: Some("sidecar".into()),
        ..api.options()
    };
    let run = run_stream(&opts, None, LIMIT, |_| {});
    assert_eq!(
        run.error(),
        "no selected pod in namespace kotsadm has a container sidecar; containers there: netbox"
    );
}

#[test]
fn config_problems_name_the_file_context_or_server() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.yaml");
    let opts = KubeOptions {
        kubeconfig: Some(missing.clone()),
        ..KubeOptions::default()
    };
    let run = run_stream(&opts, None, LIMIT, |_| {});
    assert_eq!(
        run.error(),
        format!(
            "kubeconfig {}: no such file; pass --kubeconfig FILE or set KUBECONFIG",
            missing.display()
        )
    );

    let api = FakeApi::start(State::new(vec![]));
    let opts = KubeOptions {
        context: Some("prod".into()),
        ..api.options()
    };
    let run = run_stream(&opts, None, LIMIT, |_| {});
    assert!(
        run.error()
            .starts_with("context prod is not in kubeconfig ")
            && run.error().ends_with("; contexts there: test, other"),
        "{}",
        run.error()
    );

    // Credentials from an exec plugin that fails (kubelogin with an expired login, say).
    let path = dir.path().join("exec");
    let text = std::fs::read_to_string(api.kubeconfig()).unwrap().replace(
        "    token: good-token",
        "    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: false\n      interactiveMode: Never",
    );
    std::fs::write(&path, text).unwrap();
    let opts = KubeOptions {
        kubeconfig: Some(path),
        ..KubeOptions::default()
    };
    let run = run_stream(&opts, None, LIMIT, |_| {});
    assert!(
        run.error()
            .starts_with("cannot get credentials for context test: "),
        "{}",
        run.error()
    );

    // A server that is gone: bind a port, then free it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let path = dir.path().join("dead");
    let text = std::fs::read_to_string(api.kubeconfig())
        .unwrap()
        .replace(&api.url, &format!("http://127.0.0.1:{port}"));
    std::fs::write(&path, text).unwrap();
    let opts = KubeOptions {
        kubeconfig: Some(path),
        ..KubeOptions::default()
    };
    let run = run_stream(&opts, None, LIMIT, |_| {});
    assert!(matches!(run.result, Err(KubeError::Unreachable { .. })));
    assert!(
        run.error().starts_with(&format!(
            "cannot reach the Kubernetes API server http://127.0.0.1:{port} (context test): "
        )),
        "{}",
        run.error()
    );
    assert!(
        run.error().to_lowercase().contains("refused"),
        "{}",
        run.error()
    );
}

#[test]
fn tls_with_certificate_authority_data() {
    let lines = vec![line(1, 0, "over tls")];
    let api = FakeApi::start_tls(State::new(vec![netbox_pod("netbox-t", lines.clone())]));
    assert!(api.url.starts_with("https://"));
    let run = run_stream(&api.options(), None, LIMIT, |_| {});
    assert_eq!(run.text(), expect("[pod/netbox-t/netbox]", &lines));
    assert!(
        api.requests()
            .iter()
            .all(|r| r.authorization.as_deref() == Some("Bearer good-token"))
    );
}

#[test]
fn bytes_pass_through_and_a_last_line_gets_its_newline() {
    let mut odd = format!("{} bad utf8 ", ts(1, 0)).into_bytes();
    odd.extend_from_slice(b"\xff\xfe\x00 nul \r");
    odd.push(b'\n');
    let last = format!("{} no newline at the end", ts(2, 0)).into_bytes();
    let api = FakeApi::start(State::new(vec![netbox_pod(
        "netbox-u",
        vec![odd.clone(), last.clone()],
    )]));
    let run = run_stream(&api.options(), None, LIMIT, |_| {});
    let mut want_odd = b"[pod/netbox-u/netbox] ".to_vec();
    want_odd.extend_from_slice(&odd);
    let mut want_last = b"[pod/netbox-u/netbox] ".to_vec();
    want_last.extend_from_slice(&last);
    want_last.push(b'\n');
    assert_eq!(run.lines, vec![want_odd, want_last]);
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

/// One container of `n` lines, 50 a second from 09:00:00.
fn steady(n: u32) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| line(i / 50, (i % 50) * 20_000_000, &format!("line {i}")))
        .collect()
}

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

#[test]
fn a_line_of_any_length_is_one_line() {
    let mut long = format!("{} ", ts(1, 0)).into_bytes();
    long.extend(std::iter::repeat_n(b'x', 10 << 20));
    long.push(b'\n');
    let api = FakeApi::start(State::new(vec![netbox_pod(
        "netbox-w",
        vec![line(0, 0, "before"), long.clone(), line(2, 0, "after")],
    )]));
    let run = run_stream(&api.options(), None, LIMIT, |_| {});
    let stats = run.stats();
    assert_eq!(stats.lines, 3);
    assert_eq!(stats.split_lines, 0);
    assert_eq!(run.lines.len(), 3);
    let mut want = b"[pod/netbox-w/netbox] ".to_vec();
    want.extend_from_slice(&long);
    assert!(run.lines[1] == want, "the long line whole, once");
}
