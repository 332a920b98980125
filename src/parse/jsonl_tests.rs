use super::*;

#[test]
fn structlog_line() {
    let got = decode(br#"{"timestamp":"2026-11-22T08:01:02.123Z","level":"error","logger":"social","message":"Request failed with 401: {\"error\":\"invalid_client\"}"}"#);
    let Some(Decoded::Object(line)) = got else {
        panic!("{got:?}")
    };
    assert_eq!(
        line.message.as_deref(),
        Some(r#"Request failed with 401: {"error":"invalid_client"}"#)
    );
    assert_eq!(line.level.as_deref(), Some("error"));
    assert_eq!(line.logger.as_deref(), Some("social"));
    assert_eq!(
        line.time.unwrap().to_rfc3339(),
        "2026-11-22T08:01:02.123+00:00"
    );
}

#[test]
fn event_key_epoch_time_and_exception() {
    let got = decode(br#"{"event":"login failed","ts":1795000000.5,"exception":"Traceback ...\nAuthStateMissing"}"#);
    let Some(Decoded::Object(line)) = got else {
        panic!()
    };
    assert_eq!(
        line.message.as_deref(),
        Some("login failed\nTraceback ...\nAuthStateMissing")
    );
    assert_eq!(line.time.unwrap().timestamp(), 1_795_000_000);
}

#[test]
fn broken_and_not_json() {
    assert_eq!(decode(b"{\"message\": \"cut"), Some(Decoded::Broken));
    assert_eq!(decode(b"[1,2]"), None);
    assert_eq!(decode(b"plain"), None);
}

/// zap: float seconds under `ts`, the error beside the message (shown and matched with it).
#[test]
fn zap_line_keeps_its_error_and_exact_time() {
    let got = decode(br#"{"level":"error","ts":1714644672.123,"caller":"oidc/callback.go:88","msg":"token exchange failed","error":"oauth2: cannot fetch token: 401 Unauthorized\nResponse: {\"error\":\"invalid_client\"}"}"#);
    let Some(Decoded::Object(line)) = got else {
        panic!("{got:?}")
    };
    assert_eq!(
        line.message.as_deref(),
        Some(
            "token exchange failed: oauth2: cannot fetch token: 401 Unauthorized\nResponse: {\"error\":\"invalid_client\"}"
        )
    );
    assert_eq!(
        line.time.unwrap().to_rfc3339(),
        "2024-05-02T10:11:12.123+00:00"
    );
}

/// bunyan: numeric level, `err` as an object with its class; pino: epoch milliseconds.
#[test]
fn bunyan_and_pino_lines() {
    let got = decode(br#"{"name":"sso","hostname":"web-1","pid":42,"level":50,"msg":"callback failed","err":{"message":"AADSTS50011: The redirect URI ...","name":"OAuth2Error","stack":"OAuth2Error: ...\n    at x"},"time":"2024-05-02T10:11:14.000Z","v":0}"#);
    let Some(Decoded::Object(line)) = got else {
        panic!("{got:?}")
    };
    assert_eq!(line.level.as_deref(), Some("error"));
    assert_eq!(
        line.message.as_deref(),
        Some("callback failed: OAuth2Error: AADSTS50011: The redirect URI ...")
    );
    assert_eq!(line.time.unwrap().to_rfc3339(), "2024-05-02T10:11:14+00:00");
    let got = decode(br#"{"level":40,"time":1714644675123,"pid":7,"msg":"retrying"}"#);
    let Some(Decoded::Object(line)) = got else {
        panic!("{got:?}")
    };
    assert_eq!(line.level.as_deref(), Some("warn"));
    assert_eq!(
        line.time.unwrap().to_rfc3339(),
        "2024-05-02T10:11:15.123+00:00"
    );
}

/// An Entra error body has `error` but no message: it is not read as a logger's error.
#[test]
fn entra_body_error_is_not_a_message() {
    let got = decode(br#"{"error":"invalid_client","error_description":"AADSTS7000215: x"}"#);
    let Some(Decoded::Object(line)) = got else {
        panic!("{got:?}")
    };
    assert_eq!(line.message, None);
    // ECS: the message and a flat `error.message`.
    let got = decode(br#"{"@timestamp":"2024-05-02T10:11:16.000Z","log.level":"error","message":"Login failed","error.message":"AADSTS700016: not found"}"#);
    let Some(Decoded::Object(line)) = got else {
        panic!("{got:?}")
    };
    assert_eq!(
        line.message.as_deref(),
        Some("Login failed: AADSTS700016: not found")
    );
    assert_eq!(line.level.as_deref(), Some("error"));
}
