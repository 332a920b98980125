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
