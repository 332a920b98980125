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
