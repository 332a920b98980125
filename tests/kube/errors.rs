//! Errors in one line naming what to fix: unauthorized, forbidden, not found, and problems
//! of the kubeconfig.

use sso_triage::kube::{KubeError, KubeOptions};

use super::kube_support::{FakeApi, State, USER, line, run_stream};
use super::{LIMIT, netbox_pod};

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
