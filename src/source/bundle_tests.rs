use super::*;

#[test]
fn pod_logs_are_told_by_their_place() {
    let tag = pod_log_of(Path::new(
        "b/cluster-resources/pods/logs/kotsadm/netbox-7d9f-x2/netbox-previous.log",
    ))
    .unwrap();
    assert_eq!(tag.pod, "netbox-7d9f-x2");
    assert_eq!(tag.container, "netbox");
    assert!(tag.previous);
    assert!(pod_log_of(Path::new("cluster-resources/pods/kotsadm.json")).is_none());
    assert!(pod_log_of(Path::new("cluster-resources/pods/logs/ns/p/c.json")).is_none());
    assert!(pod_log_of(Path::new("cluster-resources/pods/logs/ns/p/.log")).is_none());
}

#[test]
fn log_names() {
    for yes in ["a.log", "a.log.1", "a.log.gz"] {
        assert!(is_log_name(yes), "{yes}");
    }
    for no in ["a.json", "a.log.x", "log", "a.logs", "a.log."] {
        assert!(!is_log_name(no), "{no}");
    }
}

#[test]
fn paths_that_leave_the_bundle_are_refused() {
    assert_eq!(clean_path("./b/c.log").as_deref(), Some("b/c.log"));
    assert_eq!(clean_path("b//c.log").as_deref(), Some("b/c.log"));
    assert!(clean_path("../etc/passwd").is_none());
    assert!(clean_path("b/../../x.log").is_none());
    assert!(clean_path("/etc/x.log").is_none());
    assert_eq!(resolve("b/x", "../../y/z.log").as_deref(), Some("y/z.log"));
    assert!(resolve("b", "../../z.log").is_none());
    assert!(resolve("b", "/z.log").is_none());
}

#[test]
fn tagger_adds_headers_once_per_line() {
    let mut t = Tagger::new("netbox-1", "netbox");
    let mut out = Vec::new();
    t.feed(b"a\n[pod/x/y] b\nlong", &mut |b| {
        out.extend_from_slice(b.bytes())
    });
    t.feed(b" line\nc", &mut |b| out.extend_from_slice(b.bytes()));
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "[pod/netbox-1/netbox] a\n[pod/x/y] b\n[pod/netbox-1/netbox] long line\n[pod/netbox-1/netbox] c"
    );
    assert!(!has_kubectl_prefix(b"[pod/x] a"));
    assert!(!has_kubectl_prefix(b"[pod/x/y]a"));
}

/// troubleshoot's own layout holds no logs: files below its resource folders (at any depth)
/// and its files at the top. Anything else is read and told by its content.
#[test]
fn resources_are_told_by_their_place_in_the_layout() {
    for yes in [
        "cluster-resources/pods/kotsadm.json",
        "support-bundle-x/cluster-info/cluster_version.json",
        "host-collectors/run-host/journal.txt",
        "secrets/kotsadm/netbox.json",
        "case-123/support-bundle-x/configmaps/kotsadm/netbox.json",
    ] {
        assert!(is_resource(yes, false), "{yes}");
    }
    assert!(is_resource("version.yaml", true));
    assert!(is_resource("support-bundle-x/analysis.json", true));
    for no in [
        "netbox-exec/kotsadm/pod/netbox-exec-stdout.txt",
        "redirect-uri-mismatch/browser-error.txt",
        "cluster-resources.txt",
        "notes/version.yaml",
    ] {
        assert!(!is_resource(no, false), "{no}");
    }
    assert!(!is_resource("version.yaml", false));
}
