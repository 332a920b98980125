use super::*;

fn s(b: Option<&[u8]>) -> Option<String> {
    b.map(|b| String::from_utf8_lossy(b).into_owned())
}

#[test]
fn pod_names_kubernetes_generates() {
    for name in [
        "netbox-7d9f8c6b5-x2kqp",
        "netbox-worker-6f7c9d8b5-fghij",
        "migrate-28573920-q7w2x",
        "fluentd-x2kq9",
    ] {
        assert!(is_pod_name(name.as_bytes()), "{name}");
    }
    for name in [
        "netbox",
        "netbox-1",
        "social-login",
        "Netbox-7d9f8c6b5-x2kqp",
        "netbox-abcdefgh-x2kqp-",
        "error",
    ] {
        assert!(!is_pod_name(name.as_bytes()), "{name}");
    }
}

#[test]
fn box_drawing_rows_give_pod_time_and_message() {
    let row = "│ netbox-7d9f8c6b5-x2kqp │ 2024-05-02T10:11:12.123Z │ Request failed with 401: AADSTS7000222 │".as_bytes();
    let c = table(row).unwrap();
    assert_eq!(s(c.pod).as_deref(), Some("netbox-7d9f8c6b5-x2kqp"));
    assert_eq!(s(c.time).as_deref(), Some("2024-05-02T10:11:12.123Z"));
    assert_eq!(c.body, b"Request failed with 401: AADSTS7000222");
    // Pipes, a container column, and a message that holds a pipe of its own.
    let row =
        b"| netbox-7d9f8c6b5-x2kqp | netbox | 2024-05-02 10:11:12 | nginx stdout | GET / 200 |";
    let c = table(row).unwrap();
    assert_eq!(s(c.container).as_deref(), Some("netbox"));
    assert_eq!(s(c.time).as_deref(), Some("2024-05-02 10:11:12"));
    assert_eq!(c.body, b"nginx stdout | GET / 200");
    // Kibana's time, time first.
    let row = b"Nov 20, 2026 @ 09:14:02.123 | netbox-7d9f8c6b5-x2kqp | {\"level\":\"error\"}";
    let c = table(row).unwrap();
    assert_eq!(s(c.time).as_deref(), Some("Nov 20, 2026 @ 09:14:02.123"));
    assert_eq!(c.body, b"{\"level\":\"error\"}");
}

#[test]
fn tab_columns_from_grafana_and_loki() {
    let c = table(b"2024-05-02 10:11:14.456\t{\"level\":\"error\",\"msg\":\"x\"}").unwrap();
    assert_eq!(s(c.time).as_deref(), Some("2024-05-02 10:11:14.456"));
    assert_eq!(c.body, b"{\"level\":\"error\",\"msg\":\"x\"}");
    let c = table(b"netbox-7d9f8c6b5-x2kqp\tnetbox\t1714644672123\t  File \"x.py\"").unwrap();
    assert_eq!(s(c.pod).as_deref(), Some("netbox-7d9f8c6b5-x2kqp"));
    assert_eq!(s(c.container).as_deref(), Some("netbox"));
    assert_eq!(c.body, b"  File \"x.py\"");
}

/// Not chrome: rows with no time or pod cell, a time that is the message's own, Django's
/// `NAME<TAB>VALUE` tables, compose and supervisord prefixes.
#[test]
fn lookalikes_are_not_tables() {
    for line in [
        &b"| 2026 | stdout | x |"[..],
        b"netbox-1  | ERROR boom",
        b"nginx stdout | GET / 200",
        b"SOCIAL_AUTH_LOGIN_ERROR_URL\t'/login/?error=sso'",
        b"2024-05-02 10:11:12,123 ERROR social x | y",
        b"Variable\tValue",
        b"plain text",
    ] {
        assert_eq!(table(line), None, "{}", String::from_utf8_lossy(line));
    }
}

#[test]
fn k9s_pod_and_container_before_the_message() {
    let c = k9s(b"netbox-7d9f8c6b5-x2kqp netbox {\"level\":\"error\"}").unwrap();
    assert_eq!(s(c.pod).as_deref(), Some("netbox-7d9f8c6b5-x2kqp"));
    assert_eq!(s(c.container).as_deref(), Some("netbox"));
    assert_eq!(c.body, b"{\"level\":\"error\"}");
    // One container: the pod, then the message (lowercase prose is not a container).
    let c = k9s(b"netbox-7d9f8c6b5-x2kqp request failed with 401").unwrap();
    assert_eq!(c.container, None);
    assert_eq!(c.body, b"request failed with 401");
    let c = k9s(b"netbox-7d9f8c6b5-x2kqp Request failed").unwrap();
    assert_eq!(c.container, None, "a capital is not a DNS label");
    assert_eq!(k9s(b"netbox Request failed"), None);
}
