//! The generator's unit tests: the PRNG, argument and size parsing, the calendar, and the
//! shape and determinism of the output.

use super::args::parse_size;
use super::clock::{civil_from_days, days_from_civil};
use super::*;

fn gen_bytes(seed: u64, size: u64, rate: f64) -> (Vec<u8>, Stats) {
    let mut v = Vec::new();
    let s = generate(seed, size, rate, &mut v).unwrap();
    (v, s)
}

fn count(hay: &[u8], needle: &[u8]) -> u64 {
    hay.windows(needle.len()).filter(|w| *w == needle).count() as u64
}

#[test]
fn splitmix64_reference_values() {
    // Reference outputs of splitmix64 for seed 1234567 (from the public C reference).
    let mut r = SplitMix64::new(1_234_567);
    assert_eq!(r.next_u64(), 6_457_827_717_110_365_317);
    assert_eq!(r.next_u64(), 3_203_168_211_198_807_973);
    assert_eq!(r.next_u64(), 9_817_491_932_198_370_423);
}

#[test]
fn prng_is_deterministic_and_seed_dependent() {
    let a: Vec<u64> = {
        let mut r = SplitMix64::new(1);
        (0..100).map(|_| r.next_u64()).collect()
    };
    let b: Vec<u64> = {
        let mut r = SplitMix64::new(1);
        (0..100).map(|_| r.next_u64()).collect()
    };
    let c: Vec<u64> = {
        let mut r = SplitMix64::new(2);
        (0..100).map(|_| r.next_u64()).collect()
    };
    assert_eq!(a, b);
    assert_ne!(a, c);
    let mut r = SplitMix64::new(7);
    for _ in 0..10_000 {
        assert!(r.below(10) < 10);
        let x = r.range(5, 9);
        assert!((5..=9).contains(&x));
        let u = r.unit();
        assert!((0.0..1.0).contains(&u));
    }
}

#[test]
fn size_parsing() {
    assert_eq!(parse_size("4096"), Ok(4096));
    assert_eq!(parse_size("1K"), Ok(1024));
    assert_eq!(parse_size("1k"), Ok(1024));
    assert_eq!(parse_size("20M"), Ok(20 * 1_048_576));
    assert_eq!(parse_size("100M"), Ok(104_857_600));
    assert_eq!(parse_size("1G"), Ok(1_073_741_824));
    assert_eq!(parse_size("2MiB"), Ok(2 * 1_048_576));
    assert_eq!(parse_size("3mb"), Ok(3 * 1_048_576));
    assert!(parse_size("").is_err());
    assert!(parse_size("M").is_err());
    assert!(parse_size("12X").is_err());
    assert!(parse_size("1.5G").is_err());
    assert!(parse_size("-1M").is_err());
    assert!(parse_size("99999999999999999999G").is_err());
    assert!(parse_size("18446744073709551615G").is_err());
}

#[test]
fn args_parsing() {
    let a = parse_args(
        [
            "--size",
            "20M",
            "--seed",
            "3",
            "--out=/tmp/x",
            "--failure-rate",
            "0.01",
        ]
        .map(String::from),
    )
    .unwrap();
    assert_eq!(a.size, 20 << 20);
    assert_eq!(a.seed, 3);
    assert_eq!(a.out.as_deref(), Some("/tmp/x"));
    assert!(a.manifest.is_none());
    assert!((a.failure_rate - 0.01).abs() < 1e-12);
    assert!(parse_args(["--seed", "1"].map(String::from)).is_err());
    assert!(parse_args(["--size", "1M", "--bogus"].map(String::from)).is_err());
    assert!(parse_args(["--size", "1M", "--failure-rate", "2"].map(String::from)).is_err());
}

#[test]
fn calendar_round_trip() {
    assert_eq!(days_from_civil(1970, 1, 1), 0);
    assert_eq!(
        civil_from_days(days_from_civil(2026, 11, 20)),
        (2026, 11, 20)
    );
    assert_eq!(
        civil_from_days(days_from_civil(2028, 2, 29) + 1),
        (2028, 3, 1)
    );
    assert_eq!(
        civil_from_days(days_from_civil(2026, 12, 31) + 1),
        (2027, 1, 1)
    );
    let c =
        Clock::new(days_from_civil(2026, 11, 20) as u64 * 86_400_000_000_000 + 33_242_123_456_789);
    assert_eq!(&c.date, b"2026-11-20");
    assert_eq!(&c.hms, b"09:14:02");
    assert_eq!(&c.ndate, b"20/Nov/2026");
}

#[test]
fn output_is_deterministic_and_stops_at_a_record_boundary() {
    let (a, sa) = gen_bytes(1, 300_000, 0.005);
    let (b, sb) = gen_bytes(1, 300_000, 0.005);
    assert_eq!(a, b);
    assert_eq!(sa, sb);
    let (c, _) = gen_bytes(2, 300_000, 0.005);
    assert_ne!(a, c);
    assert_eq!(sa.bytes, a.len() as u64);
    assert!(sa.bytes >= 300_000);
    assert_eq!(a.last(), Some(&b'\n'));
    assert_eq!(sa.lines, count(&a, b"\n"));
    // A smaller limit gives a prefix of the same stream, up to the pending records.
    let (small, _) = gen_bytes(1, 100_000, 0.005);
    assert!(small.len() >= 100_000);
}

#[test]
fn every_line_has_prefix_and_increasing_timestamp() {
    let (v, _) = gen_bytes(5, 400_000, 0.02);
    let mut last: Vec<u8> = Vec::new();
    for line in v.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        assert!(
            line.starts_with(b"[pod/netbox-"),
            "{}",
            String::from_utf8_lossy(line)
        );
        let close = line.iter().position(|&b| b == b']').unwrap();
        let ts = &line[close + 2..close + 2 + 30];
        assert_eq!(ts[10], b'T');
        assert_eq!(ts[29], b'Z');
        assert!(ts > last.as_slice(), "timestamps must increase");
        last = ts.to_vec();
    }
}

#[test]
fn planted_events_match_the_manifest() {
    let (v, s) = gen_bytes(3, 3_000_000, 0.05);
    let markers: [&[u8]; 9] = [
        b"AADSTS54005: OAuth2",
        b"AADSTS7000222: The provided",
        b"social_core.exceptions.AuthStateMissing: Session value state missing.",
        b"AADSTS7000215: Invalid client secret",
        b"AADSTS65004%3a",
        b"Invalid key/secret, perhaps expired",
        b"social_core.exceptions.AuthCanceled: Authentication process canceled",
        b"Max retries exceeded with url:",
        b"AADSTS9999999:",
    ];
    for (i, m) in markers.iter().enumerate() {
        assert_eq!(count(&v, m), s.by_kind[i], "kind {}", KINDS[i]);
        assert!(s.by_kind[i] > 0, "kind {} never planted", KINDS[i]);
    }
    assert_eq!(s.by_kind.iter().sum::<u64>(), s.failure_events);
    assert_eq!(
        count(&v, b"Traceback (most recent call last):"),
        s.by_kind[KIND_C]
    );
    let frac = s.failure_lines as f64 / s.lines as f64;
    assert!((0.03..0.07).contains(&frac), "failure line fraction {frac}");
}

#[test]
fn tracebacks_are_not_interleaved_with_their_own_pod() {
    let (v, s) = gen_bytes(9, 3_000_000, 0.05);
    assert!(s.by_kind[KIND_C] > 5);
    // `[pod/netbox-h-id/container]`: the prefix, and the pod part before the container.
    let prefix = |l: &[u8]| l[..=l.iter().position(|&b| b == b']').unwrap()].to_vec();
    let pod_of = |p: &[u8]| p[..p.iter().rposition(|&b| b == b'/').unwrap()].to_vec();
    let mut open: Option<Vec<u8>> = None;
    let mut seen = 0;
    for l in v.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let p = prefix(l);
        let body = &l[p.len() + 32..];
        if body.starts_with(b"Traceback (most recent call last):") {
            assert!(open.is_none(), "nested traceback");
            open = Some(p);
            seen += 1;
            continue;
        }
        let Some(op) = &open else { continue };
        if *op == p {
            assert!(
                body.starts_with(b"  ")
                    || body.starts_with(b"social_core.exceptions.AuthStateMissing"),
                "foreign line inside traceback: {}",
                String::from_utf8_lossy(l)
            );
            if body.starts_with(b"social_core.") {
                open = None;
            }
        } else {
            // Lines of other pods may interleave; other containers of the same pod may not.
            assert_ne!(pod_of(op), pod_of(&p), "{}", String::from_utf8_lossy(l));
        }
    }
    assert!(open.is_none());
    assert_eq!(seen, s.by_kind[KIND_C]);
}

#[test]
fn long_and_non_utf8_lines_exist() {
    let (v, _) = gen_bytes(1, 8 << 20, 0.005);
    let lines: Vec<&[u8]> = v.split(|&b| b == b'\n').filter(|l| !l.is_empty()).collect();
    assert!(lines.iter().any(|l| l.len() >= 2048));
    assert!(lines.iter().all(|l| l.len() <= 66 * 1024));
    let bad = lines
        .iter()
        .filter(|l| std::str::from_utf8(l).is_err())
        .count();
    assert!(bad > 0);
    // Invalid UTF-8 yes, NUL bytes no: rg and grep would treat the file as binary.
    assert!(!v.contains(&0));
    let mean = v.len() as f64 / lines.len() as f64;
    assert!((200.0..290.0).contains(&mean), "mean line length {mean}");
}

#[test]
fn manifest_shape() {
    let s = Stats {
        bytes: 10,
        lines: 2,
        failure_events: 1,
        failure_lines: 1,
        by_kind: [1, 0, 0, 0, 0, 0, 0, 0, 0],
    };
    let j = manifest_json(1, 0.005, &s);
    assert!(j.starts_with(
        "{\"seed\":1,\"bytes\":10,\"lines\":2,\"failure_events\":1,\"by_kind\":{\"a\":1,\"b\":0,"
    ));
    let parsed: serde_json::Value = serde_json::from_str(&j).unwrap();
    assert_eq!(parsed["by_kind"]["i"], 0);
}

#[test]
fn every_anchor_of_the_catalog_is_rare_in_healthy_traffic() {
    // An anchor that many everyday lines hold makes each of them a candidate the matcher
    // must look at: two such anchors once made the scan twice as slow. The stored anchors
    // are what the built-in catalog uses.
    let (log, _) = gen_bytes(11, 4 << 20, 0.0);
    let lines: Vec<&[u8]> = log.split(|&b| b == b'\n').collect();
    let anchors: Vec<String> = sso_triage::catalog::compile::STORED_ANCHORS
        .lines()
        .filter(|l| l.starts_with('"'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(anchors.len() > 20, "{anchors:?}");
    for anchor in &anchors {
        let hits = lines
            .iter()
            .filter(|l| l.windows(anchor.len()).any(|w| w == anchor.as_bytes()))
            .count();
        // Logins themselves pass /oauth/login/ and /oauth/complete/: one line in a hundred.
        assert!(
            hits * 100 < lines.len() * 2,
            "anchor {anchor:?} is on {hits} of {} healthy lines",
            lines.len()
        );
    }
}

#[test]
fn eight_mib_of_healthy_traffic_gives_nothing_at_warning_or_above() {
    use clap::Parser;
    use sso_triage::cli::{Args, Command};

    let (log, stats) = gen_bytes(17, 8 << 20, 0.0);
    assert_eq!(stats.failure_events, 0);
    let path = std::env::temp_dir().join(format!("healthy-{}.log", std::process::id()));
    std::fs::write(&path, &log).unwrap();
    let argv = ["sso-triage", "scan", "-q", "-o", "json"];
    let args = Args::try_parse_from(argv.iter().copied().chain([path.to_str().unwrap()]))
        .expect("scan arguments parse");
    let Command::Scan(scan) = &args.command else {
        unreachable!("parsed as scan")
    };
    let config = sso_triage::config::ScanConfig::from_args(scan, args.color).unwrap();
    let catalog = sso_triage::app::build_catalog(&[]).unwrap();
    let mut out = Vec::new();
    let result = sso_triage::app::scan_to(&config, &catalog, &mut out);
    std::fs::remove_file(&path).ok();
    result.unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let loud: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "info")
        .collect();
    assert!(loud.is_empty(), "{loud:#?}");
    assert!(
        report["summary"]["lines"].as_u64().unwrap() > 10_000,
        "{}",
        report["summary"]
    );
}
