use super::*;

fn joined(lines: &[&str]) -> (String, u64) {
    let mut w = Wrap::open(lines[0].as_bytes());
    for line in &lines[1..] {
        match w.next(line.as_bytes()) {
            Next::Join(join) => w.take(line.as_bytes(), join),
            _ => break,
        }
    }
    (String::from_utf8(w.text).unwrap(), w.lines)
}

#[test]
fn openness_counts_strings_and_brackets() {
    assert!(
        Openness::of(br#"x {"error":"invalid_request","error_description":"AADSTS9001"#).is_open()
    );
    assert!(!Openness::of(br#"x {"a":"}\"{"}"#).is_open());
    assert!(!Openness::of(b"[2026-11-20 09:14:02 +0000] [25] [ERROR] x").is_open());
    assert!(!Openness::of(b"Invalid 'state' parameter (it's gone)").is_open());
}

#[test]
fn records_start_with_a_time_level_json_or_client() {
    for line in [
        "2026-11-20 09:14:02,123 ERROR x",
        "09:14:02 high: Job OK",
        "[2026-11-20 09:14:02 +0000] [25] [ERROR] x",
        "ERROR 2026-11-20 x",
        "WARNING: x",
        "[ERROR] x",
        "{\"level\":\"error\"}",
        "10.42.0.7 - - [20/Nov/2026:09:14:02 +0000] \"GET / HTTP/1.1\" 200",
        "time=\"2026-11-20T09:14:02Z\" level=error",
        "Traceback (most recent call last):",
    ] {
        assert!(starts_record(line.as_bytes()), "{line}");
    }
    for line in [
        "lient_id'.\"}",
        "application to block users",
        "Errors: 2",
        "  indented",
    ] {
        assert!(!starts_record(line.as_bytes()), "{line}");
    }
}

/// A terminal cut a JSON value inside a string: glued back without a space.
#[test]
fn wrapped_inside_a_string_is_glued() {
    let (text, lines) = joined(&[
        r#"2024-05-02 10:11:12,123 ERROR social Request failed with 400: {"error":"invalid_request","error_description":"AADSTS900144: The request body must contain the following parameter: 'c"#,
        r#"lient_id'.\r\nTrace ID: 0a1b2c3d"}"#,
        "2024-05-02 10:11:13,000 INFO next",
    ]);
    assert_eq!(lines, 2);
    assert!(text.contains("parameter: 'client_id'."), "{text}");
}

/// journalctl: the message goes on on an indented line under the same prefix.
#[test]
fn indented_continuation_is_spaced() {
    let (text, lines) = joined(&[
        "ERROR social_core.backends Token request failed: invalid_client:",
        "    AADSTS7000215: Invalid client secret provided.",
        "    Trace ID: 0a1b2c3d-1111-2222-3333-444455556666",
        "INFO next",
    ]);
    assert_eq!(lines, 3);
    assert_eq!(
        text,
        "ERROR social_core.backends Token request failed: invalid_client: AADSTS7000215: Invalid client secret provided. Trace ID: 0a1b2c3d-1111-2222-3333-444455556666"
    );
}

/// Python and Go frames, a next record, a blank line: not continuations (a Python
/// traceback has its own framing; Java and JavaScript frames go on, see below).
#[test]
fn frames_and_records_end_it() {
    for next in [
        "  File \"/opt/netbox/x.py\", line 1, in f",
        "    /usr/local/go/src/net/http/server.go:2136 +0x29",
        "2024-05-02 10:11:13,000 INFO next",
        "",
        "plain next line",
    ] {
        let (_, lines) = joined(&["ERROR something failed", next]);
        assert_eq!(lines, 1, "{next:?}");
    }
}

/// Django's report header takes its value lines, then its details: the ones that matter
/// in the text, the others only counted; a blank line before the details is stepped over.
#[test]
fn report_header_takes_its_value_lines_and_details() {
    let (text, lines) = joined(&[
        "AuthCanceled at /oauth/complete/azuread-oauth2/",
        "Authentication process canceled: AADSTS65004: User declined to consent to access the app.",
        "Trace ID: 2d2bcb9e-ea27-46dc-a02e-da1d65d30abe",
        "",
        "Request Method: GET",
        "Request URL: https://netbox.example.test/oauth/complete/azuread-oauth2/?error=access_denied",
        "Installed Applications:",
        "['django.contrib.auth',",
        " 'social_django']",
        "Server time: Thu, 02 May 2024 10:42:19 +0000",
        "",
        "",
        "Traceback (most recent call last):",
    ]);
    assert_eq!(lines, 10);
    assert!(text.starts_with("AuthCanceled at /oauth/complete/azuread-oauth2/\nAuthentication"));
    assert!(text.contains("\nRequest URL: https://"));
    assert!(
        !text.contains("Request Method") && !text.contains("social_django"),
        "{text}"
    );
    let mut w = Wrap::open(b"AuthCanceled at /oauth/complete/azuread-oauth2/");
    for line in [
        "Authentication process canceled",
        "Server time: Thu, 02 May 2024 10:42:19 +0000",
    ] {
        let Next::Join(join) = w.next(line.as_bytes()) else {
            panic!("{line}")
        };
        w.take(line.as_bytes(), join);
    }
    assert_eq!(
        w.report_time(),
        Some(&b"Server time: Thu, 02 May 2024 10:42:19 +0000"[..])
    );
}

#[test]
fn lead_in_then_json() {
    let w = Wrap::open(b"2024-05-02 10:11:12,001 ERROR social Token request failed. Response:");
    assert_eq!(w.next(b"{"), Next::Json);
    assert_eq!(w.next(b"{'error': 'invalid_grant',"), Next::Json);
    assert_eq!(
        w.next(br#"{"error":"invalid_grant","error_codes":[70008]}"#),
        Next::Join(Join::Line)
    );
    assert_eq!(w.next(b"[2024-05-02 10:11:13] INFO x"), Next::End);
}

#[test]
fn start_of_looks_back_to_the_head() {
    let head: &[u8] = b"ERROR social_core.backends Token request failed: invalid_client:";
    let (n, w) = start_of(
        b"    AADSTS7000215: Invalid client secret provided.",
        [Some(head), Some(&b"INFO before"[..])],
    )
    .unwrap();
    assert_eq!(n, 1);
    assert!(
        w.text
            .ends_with(b"invalid_client: AADSTS7000215: Invalid client secret provided.")
    );
    // Another stream in between, a record start, or no head that takes it: nothing.
    assert!(start_of(b"    AADSTS7000215: x", [None, Some(head)]).is_none());
    assert!(start_of(b"2024-05-02 10:11:12 ERROR AADSTS7000215", [Some(head)]).is_none());
    assert!(
        start_of(
            b"AADSTS50011: The redirect URI",
            [Some(&b"INFO all good"[..])]
        )
        .is_none()
    );
    let wrapped: &[u8] =
        br#"2024-05-02 ERROR {"error_description":"AADSTS90014: The required field 'c"#;
    let (n, _) = start_of(br#"lient_id' is missing."}"#, [Some(wrapped)]).unwrap();
    assert_eq!(n, 1);
}

#[test]
fn a_stack_trace_goes_on_under_its_exception_line_with_its_causes() {
    let lines: [&[u8]; 6] = [
        b"InternalOAuthError: Failed to obtain access token",
        b"    at OAuth2Strategy._createOAuthError (/srv/node_modules/passport-oauth2/lib/strategy.js:423:17)",
        b"    at TLSSocket.socketErrorListener (node:_http_client:500:9)",
        b"Caused by: java.net.SocketTimeoutException: connect timed out",
        b"\tat java.net.PlainSocketImpl.socketConnect(Native Method)",
        b"\t... 42 more",
    ];
    let mut wrap = Wrap::open(lines[0]);
    for line in &lines[1..] {
        match wrap.next(line) {
            Next::Join(join) => wrap.take(line, join),
            other => panic!("{other:?} for {}", String::from_utf8_lossy(line)),
        }
    }
    assert_eq!(wrap.lines, 6);
    assert!(continued_by(lines[0], lines[1]));
    // A cause line goes on only below frames; prose indented with `at` is no frame.
    assert!(!continued_by(
        b"Token request failed",
        b"Caused by: nothing"
    ));
    assert!(!is_stack_frame(b"    at the moment nothing"));
    assert!(!is_stack_frame(b"at Foo.bar(Foo.java:1)"));
    assert!(is_stack_frame(b"   at Microsoft.Identity.Web.TokenAcquisition.GetAccessTokenAsync() in C:\\src\\X.cs:line 9"));
}
