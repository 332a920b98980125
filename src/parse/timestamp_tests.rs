use super::*;

fn s(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

#[test]
fn rfc3339_fractions_and_offsets() {
    let cases: &[(&[u8], &str)] = &[
        (b"2026-11-20T09:14:02Z", "2026-11-20T09:14:02Z"),
        (b"2026-11-20T09:14:02.1Z", "2026-11-20T09:14:02.100Z"),
        (
            b"2026-11-20T09:14:02.123456789Z",
            "2026-11-20T09:14:02.123456789Z",
        ),
        (b"2026-11-20T10:14:02+01:00", "2026-11-20T09:14:02Z"),
        (b"2026-11-20T04:14:02.5-05:00", "2026-11-20T09:14:02.500Z"),
    ];
    for (input, want) in cases {
        let (rest, t) = rfc3339_strict(input).unwrap();
        assert!(rest.is_empty());
        assert_eq!(s(t), *want);
    }
    assert!(
        rfc3339_strict(b"2026-11-20T09:14:02").is_err(),
        "zone is required"
    );
    assert!(rfc3339_strict(b"2026-13-20T09:14:02Z").is_err(), "month 13");
}

#[test]
fn python_iso_and_access_shapes() {
    let cases: &[(&[u8], &str)] = &[
        (
            b"INFO 2026-11-20 09:14:02,123 social x",
            "2026-11-20T09:14:02.123Z",
        ),
        (b"2026-11-20 09:14:02 x", "2026-11-20T09:14:02Z"),
        (
            b"ts=2026-11-20T09:14:02.5+0100 level=info",
            "2026-11-20T08:14:02.500Z",
        ),
        (
            b"10.42.0.1 - - [20/Nov/2026:09:14:02 +0000] \"GET / HTTP/1.1\" 200",
            "2026-11-20T09:14:02Z",
        ),
        (
            b"[2026-11-20 09:00:01 +0000] [1] [INFO] Starting gunicorn",
            "2026-11-20T09:00:01Z",
        ),
    ];
    for (input, want) in cases {
        assert_eq!(
            find(input).map(s).as_deref(),
            Some(*want),
            "{}",
            String::from_utf8_lossy(input)
        );
    }
    assert_eq!(find(b"no time here 12345"), None);
}

#[test]
fn epoch_units() {
    assert_eq!(
        s(from_epoch(1_795_000_000.0).unwrap()),
        "2026-11-18T11:06:40Z"
    );
    assert_eq!(
        s(from_epoch(1_795_000_000_250.0).unwrap()),
        "2026-11-18T11:06:40.250Z"
    );
    assert_eq!(from_epoch(-1.0), None);
}

#[test]
fn zone_after_a_space_and_go_time_strings() {
    let cases: &[(&[u8], &str)] = &[
        (b"2026-11-20 10:14:02 +0100 x", "2026-11-20T09:14:02Z"),
        (
            b"time=\"2026-11-20 04:14:02.5 -0500 EST\" level=error",
            "2026-11-20T09:14:02.500Z",
        ),
        (
            b"[2026-11-20 11:14:02 +0200] [1] [ERROR]",
            "2026-11-20T09:14:02Z",
        ),
        // Not a zone: a number after the time.
        (b"2026-11-20 09:14:02 -12 items", "2026-11-20T09:14:02Z"),
        (b"2026-11-20 09:14:02 +1", "2026-11-20T09:14:02Z"),
    ];
    for (input, want) in cases {
        assert_eq!(
            find(input).map(s).as_deref(),
            Some(*want),
            "{}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn mail_django_and_kibana_dates() {
    let cases: &[(&[u8], &str)] = &[
        (
            b"Server time: Fri, 20 Nov 2026 09:14:02 +0000",
            "2026-11-20T09:14:02Z",
        ),
        (
            b"Date: Fri, 6 Nov 2026 10:14:02 +0100",
            "2026-11-06T09:14:02Z",
        ),
        (
            b"Date: Fri, 20 Nov 2026 09:14:02 GMT",
            "2026-11-20T09:14:02Z",
        ),
        (
            b"| Nov 20, 2026 @ 09:14:02.123 | netbox |",
            "2026-11-20T09:14:02.123Z",
        ),
        (b"Nov 2, 2026, 09:14:02", "2026-11-02T09:14:02Z"),
    ];
    for (input, want) in cases {
        assert_eq!(
            find(input).map(s).as_deref(),
            Some(*want),
            "{}",
            String::from_utf8_lossy(input)
        );
    }
    // A journal's short time has no year: no time rather than a guessed one.
    assert_eq!(find(b"Nov 20 09:14:02 host netbox[7]: x"), None);
    assert_eq!(
        parse_value(b"Nov 20, 2026 @ 09:14:02.500")
            .map(s)
            .as_deref(),
        Some("2026-11-20T09:14:02.500Z")
    );
}

#[test]
fn epoch_numbers_read_exactly_after_a_time_key() {
    let cases: &[(&[u8], &str)] = &[
        (
            b"level=error ts=1714644672.123 caller=x.go:1",
            "2024-05-02T10:11:12.123Z",
        ),
        (
            b"{\"time\":1714644672123,\"msg\":\"x\"}",
            "2024-05-02T10:11:12.123Z",
        ),
        (b"t=1714644672 msg=x", "2024-05-02T10:11:12Z"),
        (
            b"ts=1714644672123456789 msg=x",
            "2024-05-02T10:11:12.123456789Z",
        ),
    ];
    for (input, want) in cases {
        assert_eq!(
            find(input).map(s).as_deref(),
            Some(*want),
            "{}",
            String::from_utf8_lossy(input)
        );
    }
    // A number after any other key, or alone, is not a time.
    assert_eq!(find(b"pid=1714644672 msg=x"), None);
    assert_eq!(find(b"took 1714644672 ms"), None);
    assert_eq!(find(b"ts=17146446 msg=x"), None);
    assert_eq!(
        parse_value(b"1714644672.5").map(s).as_deref(),
        Some("2024-05-02T10:11:12.500Z")
    );
}

/// The quick length of a strict RFC 3339 time agrees with the parser on what is one.
#[test]
fn strict_length_agrees_with_the_parser() {
    for input in [
        &b"2026-11-20T09:14:02Z x"[..],
        b"2026-11-20T09:14:02.123456789Z",
        b"2026-11-20T09:14:02.1234567891234Z",
        b"2026-11-20T09:14:02.Z",
        b"2026-11-20T10:14:02+01:00 x",
        b"2026-11-20T10:14:02+0100",
        b"2026-11-20T10:14:02+01",
        b"2026-11-20T10:14:02-05:30x",
        b"2026-11-20T09:14:02",
        b"2026-11-20 09:14:02Z",
        b"2026-13-20T09:14:02Z",
        b"2026-02-30T09:14:02Z",
        b"2026-11-20T24:14:02Z",
        b"2026-11-20T09:60:02Z",
        b"2026-11-20T09:14:60Z",
        b"2026-11-20T09:14:02+24:00",
        b"2026-11-2",
        b"",
    ] {
        let parsed = rfc3339_strict(input)
            .ok()
            .map(|(rest, _)| input.len() - rest.len());
        assert_eq!(
            rfc3339_strict_len(input),
            parsed,
            "{}",
            String::from_utf8_lossy(input)
        );
    }
}
