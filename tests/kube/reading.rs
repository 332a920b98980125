//! What is read and how it comes out: selection by label, container or name prefix, TLS
//! with certificate-authority-data, bytes passed through, a line of any length.

use std::time::Duration;

use sso_triage::kube::KubeOptions;

use super::kube_support::{Container, FakeApi, FakePod, State, line, run_stream, ts};
use super::{LIMIT, expect, netbox_pod};

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
