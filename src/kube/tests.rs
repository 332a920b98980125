use super::*;

#[test]
fn request_timeouts_read_like_kubectl() {
    let secs = |s| Ok(Some(Duration::from_secs(s)));
    assert_eq!(parse_request_timeout("30"), secs(30));
    assert_eq!(parse_request_timeout("30s"), secs(30));
    assert_eq!(parse_request_timeout("5m"), secs(300));
    assert_eq!(parse_request_timeout("1h30m"), secs(5400));
    assert_eq!(
        parse_request_timeout("1.5s"),
        Ok(Some(Duration::from_millis(1500)))
    );
    assert_eq!(
        parse_request_timeout("250ms"),
        Ok(Some(Duration::from_millis(250)))
    );
    assert_eq!(parse_request_timeout("0"), Ok(None));
    assert_eq!(parse_request_timeout("0s"), Ok(None));
    for bad in ["", "5 m", "5x", "-1s", "m", "1d", "abc", "1.2.3s"] {
        let e = parse_request_timeout(bad).unwrap_err();
        assert!(e.starts_with("invalid --request-timeout"), "{bad}: {e}");
    }
}
