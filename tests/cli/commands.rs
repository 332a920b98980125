//! The other commands: `catalog` (user rules, unknown codes, `export --regex`), `explain`,
//! and `kube` in a build without the feature.

use serde_json::Value;

use super::{bin, finding, fixture, root, run};

#[test]
fn user_rules_add_to_the_catalog() {
    let dir = fixture("good-rules");
    let out = bin()
        .args(["--patterns", dir.to_str().unwrap(), "-o", "json"])
        .write_stdin("2026-11-25T08:00:00Z sso-probe FAILED: connect timeout\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = finding(&report, "netbox-custom-probe").unwrap();
    assert_eq!(f["evidence"][0]["captures"]["error"], "connect timeout");
    assert_eq!(run(&["catalog", "check", dir.to_str().unwrap()]).code, 0);
}

#[test]
fn unknown_aadsts_code_is_still_reported() {
    let out = bin()
        .args(["-o", "json"])
        .write_stdin("Request failed with 400: {\"error\":\"invalid_request\",\"error_description\":\"AADSTS9999999: Something new.\"}\n")
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = finding(&report, "unknown-aadsts-code").expect("unknown code finding");
    assert_eq!(f["symptom"], "unknown");
    assert_eq!(f["codes"][0], "AADSTS9999999");
}

#[test]
fn export_regex_lists_patterns() {
    let r = run(&["catalog", "export", "--regex"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.lines().count() > 20);
    assert!(!r.stdout.contains("(?P<"));
    for line in r.stdout.lines() {
        regex::Regex::new(line).unwrap_or_else(|e| panic!("{line}: {e}"));
    }
}

#[test]
fn explain_answers_for_every_reference_code() {
    // The 125 codes of the reference table (shared/reference/aadsts-codes.tsv).
    let codes = std::fs::read_to_string(fixture("aadsts-codes.txt")).unwrap();
    let codes: Vec<&str> = codes.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(codes.len(), 125);
    let listed = run(&["catalog", "list"]).stdout;
    for code in codes {
        let needle = format!("AADSTS{code}");
        assert!(
            listed.split([',', ' ', '\n']).any(|w| w == needle),
            "no rule lists {needle}"
        );
    }
    for code in ["AADSTS50011", "7000222", "AADSTS90094", "AADSTS80002"] {
        let r = run(&["explain", code]);
        assert_eq!(r.code, 0, "{code}: {}", r.stderr);
        assert!(r.stdout.contains("Resolution:"));
    }
}

/// Built without the `kube` feature (`cargo test --no-default-features`, as CI runs it),
/// `kube` says what to do instead and exits 2.
#[cfg(not(feature = "kube"))]
#[test]
fn kube_without_the_feature_points_to_kubectl() {
    let r = run(&["kube"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("built without the `kube` feature")
            && r.stderr.contains("kubectl logs --prefix --timestamps"),
        "{}",
        r.stderr
    );
}

#[test]
fn scan_count_prints_json_when_asked_and_refuses_report_formats() {
    let sample = root().join("samples/client-secret-expired");
    let sample = sample.to_str().unwrap();
    let text = run(&["scan", "--count", sample]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    let value = |name: &str| -> u64 {
        text.stdout
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap()
    };
    for format in ["json", "jsonl"] {
        let r = run(&["scan", "--count", "-o", format, sample]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let counts: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        for name in ["lines", "events", "matched_lines", "matched_events"] {
            assert_eq!(counts[name].as_u64(), Some(value(name)), "{format} {name}");
        }
    }
    for format in ["markdown", "html"] {
        let r = run(&["scan", "--count", "-o", format, sample]);
        assert_eq!(r.code, 2, "{format}: {}", r.stdout);
        assert!(r.stderr.contains("--count"), "{}", r.stderr);
    }
}
