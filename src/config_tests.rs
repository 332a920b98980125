use super::*;

#[test]
fn durations() {
    assert_eq!(parse_duration("10m"), Ok(600));
    assert_eq!(parse_duration("90"), Ok(90));
    assert_eq!(parse_duration("1h30m"), Ok(5400));
    assert!(parse_duration("ten").is_err());
    assert!(parse_duration("0s").is_err());
    assert!(parse_duration("5x").is_err());
    // See: issue 15. A huge value panicked in chrono (TimeDelta::seconds out of bounds).
    assert!(parse_duration("99999999999999d").is_err());
    assert!(parse_duration("5000000000000h").is_err());
    assert!(parse_duration("99999999999999999999999").is_err());
    assert_eq!(parse_duration("365d"), Ok(365 * 86400));
}
