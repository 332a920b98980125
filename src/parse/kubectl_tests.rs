use super::*;

#[test]
fn prefix_and_timestamp() {
    let s =
        split(b"[pod/netbox-7d9c6b5f4-x2x9k/netbox] 2026-11-20T09:14:02.123456789Z Request failed");
    assert_eq!(s.stream, b"[pod/netbox-7d9c6b5f4-x2x9k/netbox]");
    assert_eq!(s.pod, Some(&b"netbox-7d9c6b5f4-x2x9k"[..]));
    assert_eq!(s.container, Some(&b"netbox"[..]));
    assert_eq!(s.time, Some(&b"2026-11-20T09:14:02.123456789Z"[..]));
    assert_eq!(s.body, b"Request failed");
}

/// Names as long as Kubernetes allows are a header; longer ones are not (a fuzzed line
/// with a 29 KB "pod" made every table cell that lists pods take seconds to lay out).
#[test]
fn names_longer_than_kubernetes_allows_are_no_header() {
    let line = |pod: usize, container: usize| {
        format!("[pod/{}/{}] body", "p".repeat(pod), "c".repeat(container))
    };
    let longest = line(MAX_POD_NAME, MAX_CONTAINER_NAME);
    assert_eq!(split(longest.as_bytes()).pod.map(<[u8]>::len), Some(253));
    for (pod, container) in [
        (MAX_POD_NAME + 1, 5),
        (5, MAX_CONTAINER_NAME + 1),
        (29_000, 5),
    ] {
        let text = line(pod, container);
        let s = split(text.as_bytes());
        assert_eq!(s.pod, None);
        assert_eq!(s.body, text.as_bytes());
    }
}

#[test]
fn timestamp_only_with_offset_and_no_fraction() {
    let s = split(b"2026-11-20T09:14:02+01:00 hello");
    assert_eq!(s.pod, None);
    assert_eq!(s.time, Some(&b"2026-11-20T09:14:02+01:00"[..]));
    assert_eq!(s.body, b"hello");
}

#[test]
fn prefix_only() {
    let s = split(b"[pod/nb/worker] INFO 2026-11-20 09:14:02,123 ok");
    assert_eq!(s.container, Some(&b"worker"[..]));
    assert_eq!(s.time, None);
    assert_eq!(s.body, b"INFO 2026-11-20 09:14:02,123 ok");
}

#[test]
fn python_time_is_not_a_kubectl_header() {
    let line = b"2026-11-20 09:14:02,123 INFO x";
    let s = split(line);
    assert_eq!(s.time, None);
    assert_eq!(s.body, line);
}

#[test]
fn cri_and_process_prefixes() {
    let s = split(b"2026-11-20T09:14:02.123456789Z stderr F Traceback (most recent call last):");
    assert_eq!(s.time, Some(&b"2026-11-20T09:14:02.123456789Z"[..]));
    assert_eq!(s.body, b"Traceback (most recent call last):");
    let s = split(b"gunicorn stderr | Traceback (most recent call last):");
    assert_eq!(s.process, b"gunicorn stderr");
    assert_eq!(s.body, b"Traceback (most recent call last):");
    let s = split(b"netbox-1  | ERROR boom");
    assert_eq!(s.process, b"netbox-1");
    assert_eq!(s.body, b"ERROR boom");
    // Not prefixes: a pipe without the name-spaces shape, a table row, plain text.
    for line in [
        &b"a|b"[..],
        b"| 2026 | stdout | x |",
        b"stdout F x",
        b"a b | c",
    ] {
        let s = split(line);
        assert_eq!(s.body, line, "{}", String::from_utf8_lossy(line));
        assert!(s.process.is_empty());
    }
}

#[test]
fn lookalikes_stay_body() {
    for line in [
        &b"[pod/] x"[..],
        b"[pod/a] x",
        b"[pod/a/b]x",
        b"[20/Nov/2026:09:14:02 +0000] x",
        b"",
    ] {
        let s = split(line);
        assert_eq!(s.body, line, "{:?}", String::from_utf8_lossy(line));
        assert_eq!(s.pod, None);
    }
}

/// See: issue 17 (shapes). A journal prefix is the stream; its dated time is the line's.
#[test]
fn journal_prefixes() {
    let s = split(b"May 02 10:11:12 netbox-vm netbox[2211]: Traceback (most recent call last):");
    assert_eq!(s.process, b"netbox-vm netbox[2211]");
    assert_eq!(s.time, None);
    assert_eq!(s.body, b"Traceback (most recent call last):");
    let s = split(b"2024-05-02T10:11:12+0000 netbox-vm netbox[2211]: x");
    assert_eq!(s.time, Some(&b"2024-05-02T10:11:12+0000"[..]));
    assert_eq!(s.process, b"netbox-vm netbox[2211]");
    assert_eq!(s.body, b"x");
    // A kubectl time and a message that only looks like `host program:`.
    let s = split(b"2024-05-02T10:11:12Z ERROR social: x");
    assert_eq!(s.body, b"ERROR social: x");
    assert!(s.process.is_empty());
}

/// See: issue 17 (shapes). Viewer chrome: a table row's and k9s's pod, container and time.
#[test]
fn viewer_columns_and_k9s() {
    let s =
        split("│ netbox-7d9f8c6b5-x2kqp │ 2024-05-02T10:11:12.123Z │ {\"msg\":\"x\"} │".as_bytes());
    assert_eq!(s.pod, Some(&b"netbox-7d9f8c6b5-x2kqp"[..]));
    assert_eq!(s.stream, b"netbox-7d9f8c6b5-x2kqp");
    assert_eq!(s.time, Some(&b"2024-05-02T10:11:12.123Z"[..]));
    assert_eq!(s.body, b"{\"msg\":\"x\"}");
    let s = split(b"2024-05-02T10:11:12.123Z netbox-7d9f8c6b5-x2kqp netbox ERROR x");
    assert_eq!(s.time, Some(&b"2024-05-02T10:11:12.123Z"[..]));
    assert_eq!(s.pod, Some(&b"netbox-7d9f8c6b5-x2kqp"[..]));
    assert_eq!(s.container, Some(&b"netbox"[..]));
    assert_eq!(s.body, b"ERROR x");
    // A kubectl prefix wins over a k9s lookalike in the message.
    let s = split(b"[pod/a-1/b] netbox-7d9f8c6b5-x2kqp netbox ERROR x");
    assert_eq!(s.pod, Some(&b"a-1"[..]));
    assert_eq!(s.body, b"netbox-7d9f8c6b5-x2kqp netbox ERROR x");
}
