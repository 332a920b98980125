//! The samples: the guide's four troubleshooting sections and a healthy login.

use serde_json::Value;

use super::{finding, json, rules, run, sample};

#[test]
fn redirect_uri_mismatch_sample_names_the_http_scheme() {
    let (code, report, _) = json(&[&sample("redirect-uri-mismatch")]);
    assert_eq!(code, 1);
    let f = finding(&report, "aadsts50011-redirect-uri-mismatch").expect("50011 finding");
    assert_eq!(f["symptom"], "redirect-uri-mismatch");
    assert_eq!(f["severity"], "error");
    let diagnosis = f["diagnosis"].to_string();
    assert!(diagnosis.contains("http://"), "{diagnosis}");
    assert!(
        !f["entra"]["correlation_ids"].as_array().unwrap().is_empty(),
        "{f}"
    );
    assert!(
        f["evidence"][0]["captures"]["redirect_uri"]
            .as_str()
            .unwrap()
            .starts_with("http://")
    );
    assert!(f["resolution"].as_array().unwrap().len() >= 3);
}

#[test]
fn client_secret_expired_sample() {
    let (code, report, _) = json(&[&sample("client-secret-expired")]);
    assert_eq!(code, 1);
    let f = finding(&report, "aadsts7000222-client-secret-expired").expect("7000222 finding");
    assert_eq!(f["symptom"], "client-secret-expired");
    assert!(f["count"].as_u64().unwrap() >= 3, "{f}");
    assert!(f["first_seen"].as_str().unwrap().starts_with("2026-11-"));
    assert!(f["first_seen"].as_str() <= f["last_seen"].as_str());
    assert!(
        f["codes_seen"]
            .as_array()
            .unwrap()
            .contains(&Value::from("AADSTS7000222"))
    );
    // The traceback that follows is one event, not a dozen lines.
    assert!(report["summary"]["tracebacks"].as_u64().unwrap() >= 3);
}

#[test]
fn invalid_secret_sample_in_json_lines() {
    let (code, report, _) = json(&[&sample("invalid-secret")]);
    assert_eq!(code, 1);
    let f = finding(&report, "aadsts7000215-invalid-client-secret").expect("7000215 finding");
    assert_eq!(f["symptom"], "invalid-client-credentials");
    // Times come from the JSON records' own time field.
    assert!(f["first_seen"].as_str().unwrap().starts_with("2026-11-22T"));
}

#[test]
fn not_logged_in_sample() {
    let (code, report, _) = json(&[&sample("not-logged-in")]);
    assert_eq!(code, 1);
    let symptoms: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["symptom"].as_str().unwrap())
        .collect();
    assert!(
        symptoms.contains(&"not-logged-in-after-auth"),
        "{symptoms:?}"
    );
    assert!(symptoms.contains(&"session-state-lost"), "{symptoms:?}");
}

#[test]
fn https_required_sample() {
    let (code, report, _) = json(&[&sample("https-required")]);
    assert_eq!(code, 1);
    let f = finding(&report, "redirect-uri-must-be-https").expect("https finding");
    assert_eq!(f["symptom"], "https-required");
}

#[test]
fn healthy_sample_is_clean() {
    let (code, report, _) = json(&[&sample("healthy")]);
    assert_eq!(code, 0, "{report}");
    assert!(rules(&report).is_empty(), "{:?}", rules(&report));
    assert!(report["summary"]["lines"].as_u64().unwrap() > 20);
}

#[test]
fn whole_samples_folder_table_output() {
    let r = run(&["scan", "samples", "--color", "never", "--width", "140"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    for needle in [
        "redirect-uri-mismatch",
        "client-secret-expired",
        "https-required",
        "Resolution",
        "1. ",
    ] {
        assert!(r.stdout.contains(needle), "{needle} missing:\n{}", r.stdout);
    }
    assert!(!r.stdout.contains("\x1b["), "no colour when asked");
    assert!(r.stderr.starts_with("sso-triage: "), "{}", r.stderr);
    assert!(r.stderr.contains("finding(s)"));
}

#[test]
fn output_does_not_depend_on_threads() {
    let a = run(&["scan", "-o", "json", "-j", "1", "samples"]);
    let b = run(&["scan", "-o", "json", "-j", "2", "samples"]);
    let c = run(&["scan", "-o", "jsonl", "-j", "2", "samples"]);
    let d = run(&["scan", "-o", "jsonl", "-j", "1", "samples"]);
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(c.stdout, d.stdout);
}

#[test]
fn jsonl_records_are_typed() {
    let r = run(&["scan", "-o", "jsonl", &sample("client-secret-expired")]);
    let records: Vec<Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(records.iter().any(|r| r["type"] == "match"));
    assert!(records.iter().any(|r| r["type"] == "finding"));
    assert_eq!(records.last().unwrap()["type"], "summary");
    let first_finding = records.iter().position(|r| r["type"] == "finding").unwrap();
    assert!(
        records[..first_finding]
            .iter()
            .all(|r| r["type"] == "match"),
        "matches stream first"
    );
}
