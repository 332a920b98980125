use super::*;

#[test]
fn user_is_taken_from_the_status_message() {
    let m = "pods \"netbox-1\" is forbidden: User \"system:serviceaccount:r:default\" cannot get resource \"pods/log\" in API group \"\" in the namespace \"r\"";
    assert_eq!(
        user_in(m).as_deref(),
        Some("system:serviceaccount:r:default")
    );
    assert_eq!(user_in("forbidden"), None);
}

#[test]
fn long_lists_are_cut() {
    let names: Vec<String> = (0..25).map(|i| format!("p{i}")).collect();
    let s = list(&names);
    assert!(s.starts_with("p0, p1"));
    assert!(s.ends_with("p19 and 5 more"), "{s}");
    assert_eq!(list(&[]), "none");
}

#[test]
fn failed_streams_are_grouped_by_what_failed_them() {
    let e = KubeError::LogsFailed {
        namespace: "kotsadm".into(),
        failures: vec![
            ("pod/a/netbox".into(), "HTTP 500: boom".into()),
            ("pod/b/netbox".into(), "HTTP 503: busy".into()),
            ("pod/b/nginx".into(), "HTTP 500: boom".into()),
        ],
    };
    assert_eq!(
        e.to_string(),
        "no log could be read in namespace kotsadm: every log request failed: HTTP 500: boom for pod/a/netbox, pod/b/nginx; HTTP 503: busy for pod/b/netbox; check the API server and the nodes' kubelets (kubectl logs fails the same way), then try again"
    );
    assert_eq!(shorten("é".repeat(10), 5), "éé...");
}

#[test]
fn messages_are_one_line_and_actionable() {
    let e = KubeError::NoPodsMatched {
        namespace: "kotsadm".into(),
        selector: None,
        existing: vec![],
        namespaces: Some(vec!["default".into(), "netbox".into()]),
    };
    assert_eq!(
        e.to_string(),
        "no pod whose name starts with \"netbox\" in namespace kotsadm; the namespace has no pods; namespaces: default, netbox; name pods, pass -l SELECTOR or pick the namespace with -n"
    );
    let e = KubeError::Forbidden {
        user: None,
        verb: "list".into(),
        resource: "pods".into(),
        namespace: "kotsadm".into(),
        context: "prod".into(),
    };
    assert!(!e.to_string().contains('\n'));
    assert!(
        e.to_string()
            .starts_with("the credentials of context prod may not list pods in namespace kotsadm")
    );
}
