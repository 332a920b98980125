use super::*;

fn run(lines: &[&str]) -> (Traceback, usize) {
    let mut tb = Traceback::open(lines[0].as_bytes());
    let mut taken = 1;
    for line in &lines[1..] {
        if !tb.offer(line.as_bytes()) {
            break;
        }
        taken += 1;
    }
    (tb, taken)
}

#[test]
fn single_traceback_ends_at_exception_line() {
    let (tb, taken) = run(&[
        "Traceback (most recent call last):",
        "  File \"/opt/netbox/venv/lib/python3.12/site-packages/social_core/utils.py\", line 256, in wrapper",
        "    return func(*args, **kwargs)",
        "social_core.exceptions.AuthStateMissing: Session value state missing.",
        "10.42.0.1 - - [20/Nov/2026:09:14:02 +0000] \"GET / HTTP/1.1\" 200",
    ]);
    assert_eq!(taken, 4);
    assert!(tb.text.ends_with(b"Session value state missing."));
    assert_eq!(tb.lines, 4);
}

#[test]
fn chained_blocks_join() {
    let (tb, taken) = run(&[
        "Traceback (most recent call last):",
        "  File \"x.py\", line 1, in f",
        "requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://login.microsoftonline.com/common/oauth2/token",
        "",
        "The above exception was the direct cause of the following exception:",
        "",
        "Traceback (most recent call last):",
        "  File \"y.py\", line 2, in g",
        "social_core.exceptions.AuthForbidden: Your credentials aren't allowed",
        "",
        "INFO next line",
    ]);
    assert_eq!(taken, 10);
    assert_eq!(tb.lines, 9);
    assert_eq!(tb.trailing_blank(), 1);
    let text = String::from_utf8(tb.text).unwrap();
    assert!(text.contains("HTTPError: 401"));
    assert!(text.ends_with("Your credentials aren't allowed"));
}

#[test]
fn during_handling_chain() {
    let (tb, _) = run(&[
        "Traceback (most recent call last):",
        "  File \"a.py\", line 1, in f",
        "KeyError: 'state'",
        "",
        "During handling of the above exception, another exception occurred:",
        "",
        "Traceback (most recent call last):",
        "  File \"b.py\", line 2, in g",
        "social_core.exceptions.AuthMissingParameter: Missing needed parameter state",
    ]);
    assert!(tb.text.ends_with(b"Missing needed parameter state"));
    assert_eq!(tb.lines, 9);
}

#[test]
fn bounded() {
    let mut tb = Traceback::open(TRACEBACK_START);
    let mut n = 1;
    while tb.offer(b"  File \"x\"") {
        n += 1;
        assert!(n <= MAX_LINES);
    }
    assert_eq!(n, MAX_LINES);
}

/// See: issue 17 (shapes). An exception message that opens a JSON body: its lines are
/// joined onto the exception line (only exception lines are matched), until it closes.
#[test]
fn exception_that_opens_json_takes_its_body() {
    let (tb, taken) = run(&[
        "Traceback (most recent call last):",
        "  File \"x.py\", line 1, in f",
        "requests.exceptions.HTTPError: 400 Client Error. Response: {",
        "  \"error\": \"invalid_grant\",",
        "  \"error_codes\": [70008]",
        "}",
        "2024-05-02 10:20:05,120 INFO next",
    ]);
    assert_eq!(taken, 6);
    let text = String::from_utf8(tb.text).unwrap();
    assert!(
        text.ends_with("Response: { \"error\": \"invalid_grant\", \"error_codes\": [70008] }"),
        "{text}"
    );
}

/// See: issue 17 (shapes). Django's text report: a blank line before its chain marker
/// (frames follow it with no `Traceback` line) and before `Exception Type:`, then
/// `Exception Value:`, then the request dump, counted but kept out of the text except the
/// query's error rows.
#[test]
fn django_report_traceback_and_request_dump() {
    let (tb, taken) = run(&[
        "Traceback (most recent call last):",
        "  File \"a.py\", line 1, in f",
        "",
        "During handling of the above exception (401 Client Error), another exception occurred:",
        "  File \"b.py\", line 2, in g",
        "",
        "Exception Type: AuthCanceled at /oauth/complete/azuread-oauth2/",
        "Exception Value: Authentication process canceled",
        "Raised during: social_django.views.complete",
        "Request information:",
        "USER: AnonymousUser",
        "",
        "GET:",
        "error = 'access_denied'",
        "state = 'abc'",
        "",
        "COOKIES:",
        "sessionid = 'x'",
        "",
        "Settings:",
        "Using settings module netbox.settings",
        "SOCIAL_AUTH_LOGIN_ERROR_URL = '/login/?error=sso'",
        "2024-05-02 10:20:05,120 INFO next",
    ]);
    assert_eq!(taken, 22);
    assert_eq!(tb.lines, 22);
    let text = String::from_utf8(tb.text).unwrap();
    assert!(text.contains("Exception Value: Authentication process canceled"));
    assert!(text.contains("error = 'access_denied'"));
    assert!(!text.contains("state = 'abc'"), "{text}");
    assert!(!text.contains("sessionid"), "{text}");
    assert!(!text.contains("LOGIN_ERROR_URL"), "{text}");
}

/// A blank line in the frames followed by anything but Django's shapes ends the
/// traceback there, as before.
#[test]
fn blank_in_frames_then_a_log_line_ends_it() {
    let (tb, taken) = run(&[
        "Traceback (most recent call last):",
        "  File \"a.py\", line 1, in f",
        "",
        "INFO something else",
    ]);
    assert_eq!((taken, tb.lines), (3, 2));
    // Entra's lines under its message go with the exception.
    let (tb, taken) = run(&[
        "Traceback (most recent call last):",
        "  File \"a.py\", line 1, in f",
        "oauthlib.oauth2.rfc6749.errors.InvalidClientError: (invalid_client) AADSTS7000215: Invalid client secret provided.",
        "Trace ID: 5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d",
        "Correlation ID: 0f1e2d3c-4b5a-4968-8778-695a4b3c2d1e",
        "Timestamp: 2024-05-02 10:11:12Z",
        "INFO next",
    ]);
    assert_eq!((taken, tb.lines), (6, 6));
}
