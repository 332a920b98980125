//! The samples: the guide's four troubleshooting sections and a healthy login.

use serde_json::Value;

use super::{bin, finding, json, rules, run, sample};

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
    let r = run(&[
        "scan", "-v", "samples", "--color", "never", "--width", "140",
    ]);
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
    // Matches stream first, then the verdict, then the findings by rank.
    let verdict = records.iter().position(|r| r["type"] == "verdict").unwrap();
    assert!(
        records[..verdict].iter().all(|r| r["type"] == "match"),
        "matches stream first"
    );
    assert_eq!(
        records[verdict]["rule"],
        "aadsts7000222-client-secret-expired"
    );
    assert_eq!(records[verdict + 1]["type"], "finding");
    assert_eq!(records[verdict + 1]["rule"], records[verdict]["rule"]);
}

/// Issue 18's bar: on every sample a new user sees the right cause and its first step on
/// the first screen, at 80 and at 120 columns, without a line wider than the terminal
/// (a single word may overflow: ids, URLs and times are never split).
#[test]
fn every_sample_opens_with_its_cause_and_first_step() {
    let cases = [
        (
            "client-secret-expired",
            "aadsts7000222-client-secret-expired",
        ),
        ("https-required", "redirect-uri-must-be-https"),
        ("invalid-secret", "aadsts7000215-invalid-client-secret"),
        // The generic "Single sign-on failed" stopped after the redeploy with DEBUG; what
        // fails after it is the token error it hid (issue 19: what still fails comes first).
        ("not-logged-in", "auth-token-error-invalid-key-secret"),
        // AADSTS50011 for an http:// URI: the narrower https-required names the cause.
        ("redirect-uri-mismatch", "redirect-uri-must-be-https"),
    ];
    for (dir, rule) in cases {
        let (_, report, _) = json(&[&sample(dir)]);
        let verdict = &report["verdict"];
        assert_eq!(verdict["rule"], rule, "{dir}: {verdict}");
        assert_eq!(verdict["finding"], 0, "{dir}");
        assert_eq!(report["findings"][0]["rule"], rule, "{dir}");
        let title = verdict["title"].as_str().unwrap();
        let step = verdict["first_step"].as_str().unwrap();
        for width in [80usize, 120] {
            let w = width.to_string();
            let r = run(&["scan", "--color", "never", "--width", &w, &sample(dir)]);
            assert_eq!(r.code, 1, "{dir} at {width}: {}", r.stderr);
            // The first screen of a 24-row terminal holds the cause and its first step.
            let screen: Vec<&str> = r.stdout.lines().take(22).collect();
            let joined = screen
                .iter()
                .map(|l| l.trim())
                .collect::<Vec<_>>()
                .join(" ");
            assert!(
                screen[0].starts_with("Most likely cause: "),
                "{dir}:\n{}",
                r.stdout
            );
            assert!(
                joined.contains(title),
                "{dir} at {width}: {title}\n{}",
                r.stdout
            );
            assert!(
                joined.contains(&format!("First step: {step}")),
                "{dir} at {width}:\n{}",
                r.stdout
            );
            for line in r.stdout.lines() {
                let words = line.split_whitespace().count();
                assert!(
                    line.chars().count() <= width || words == 1,
                    "{dir}: line wider than {width}: {line:?}"
                );
            }
            // Full cards only with -v.
            assert!(!r.stdout.contains("Likely causes"), "{dir}");
            let v = run(&[
                "scan",
                "-v",
                "--color",
                "never",
                "--width",
                &w,
                &sample(dir),
            ]);
            assert!(v.stdout.starts_with("Most likely cause: "), "{dir}");
            assert!(v.stdout.contains(&format!("({rule})")), "{dir}");
            assert!(v.stdout.contains("  Resolution      1. "), "{dir}");
            for line in v.stdout.lines() {
                assert!(
                    line.chars().count() <= width || line.split_whitespace().count() == 1,
                    "{dir} -v: line wider than {width}: {line:?}"
                );
            }
        }
    }
    let (code, report, _) = json(&[&sample("healthy")]);
    assert_eq!(code, 0);
    assert!(report["verdict"].is_null(), "{report}");
}

/// `COLUMNS` sets the width of piped output, as it does for other tools.
#[test]
fn columns_sets_the_width_of_piped_output() {
    let narrow = bin()
        .args(["scan", "--color", "never", &sample("client-secret-expired")])
        .env("COLUMNS", "60")
        .output()
        .unwrap();
    let text = String::from_utf8(narrow.stdout).unwrap();
    // A single word wider than the line (the sample's path, which is as long as the
    // checkout's) has a line of its own and is never split; every other line fits.
    let fits = |l: &str| l.chars().count() <= 60 || l.split_whitespace().count() == 1;
    assert!(text.lines().all(fits), "{text}");
    let widest = text.lines().filter(|l| l.split_whitespace().count() > 1);
    assert!(
        widest.map(|l| l.chars().count()).max().unwrap() > 50,
        "{text}"
    );
    // A wrapped paragraph never has a blank line inside it.
    let flows = text.find("Login flows:").expect("flow counts");
    let after = &text[flows..];
    let paragraph = &after[..after.find("\n\n").unwrap_or(after.len())];
    assert!(paragraph.contains("incomplete)"), "{text}");
}

/// `--local-time` shows the terminal's times in the machine's zone; JSON stays UTC.
#[test]
fn local_time_shows_the_zone_on_the_terminal_only() {
    let path = sample("client-secret-expired");
    let local = bin()
        .args(["scan", "--local-time", "--color", "never", &path])
        .env("TZ", "Asia/Kolkata")
        .output()
        .unwrap();
    let text = String::from_utf8(local.stdout).unwrap();
    assert!(
        text.contains("since 2026-11-21T19:32:11.469+05:30"),
        "{text}"
    );
    let utc = run(&["scan", "--color", "never", &path]);
    assert!(
        utc.stdout.contains("since 2026-11-21T14:02:11.469Z"),
        "{}",
        utc.stdout
    );
    let json = bin()
        .args(["scan", "--local-time", "-o", "json", &path])
        .env("TZ", "Asia/Kolkata")
        .output()
        .unwrap();
    let json = String::from_utf8(json.stdout).unwrap();
    assert!(json.contains("\"2026-11-21T14:02:11.469Z\""), "{json}");
}
