//! `diff OLD NEW`: before and after, each side a report of `scan -o json` or logs. What is
//! fixed, still failing or new, the exit status, and that nothing from a side (a hostile
//! report, a report with secrets shown) reaches the output as an escape, markup or secret.

use serde_json::Value;

use super::{fixture, run, sample};

fn diff_fixture(name: &str) -> String {
    fixture(&format!("diff/{name}")).display().to_string()
}

/// The statuses of `diff -o json`'s changes, by rule id.
fn statuses(v: &Value) -> Vec<(String, String)> {
    v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["rule"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn diff_an_expired_secret_then_healthy_logs_says_fixed_and_exits_0() {
    let r = run(&["diff", &sample("client-secret-expired"), &sample("healthy")]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("Fixed (2), in OLD, not seen again in NEW, where logins worked:"),
        "{}",
        r.stdout
    );
    let row = r
        .stdout
        .lines()
        .find(|l| l.contains("aadsts7000222-client-secret-expired") && l.contains("ERROR"))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(row.contains("client-secret-expired"), "{row}");
    assert!(row.contains("2026-11-21T14:58:06.232Z"), "{row}");
    assert!(r.stdout.contains("Still failing: none"), "{}", r.stdout);
    assert!(r.stdout.contains("New: none"), "{}", r.stdout);
    // Each side's verdict and login flows.
    assert!(
        r.stdout
            .contains("Verdict: Client secret of the Entra app has expired (3 failed logins;"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("Login flows: 3 (0 succeeded, 3 failed"));
    assert!(r.stdout.contains("Login flows: 2 (2 succeeded, 0 failed"));
    assert!(
        r.stdout
            .contains("Result: 2 fixed, 0 still failing, 0 new.")
    );
    assert!(!r.stdout.contains('\x1b'), "no colour off a terminal");

    let j = run(&[
        "diff",
        "-o",
        "json",
        &sample("client-secret-expired"),
        &sample("healthy"),
    ]);
    assert_eq!(j.code, 0, "{}", j.stderr);
    let v: Value = serde_json::from_str(&j.stdout).unwrap();
    assert_eq!(v["counts"]["fixed"], 2);
    assert_eq!(v["old"]["verdict"]["symptom"], "client-secret-expired");
    assert_eq!(v["old"]["verdict"]["failed_logins"], 3);
    assert_eq!(v["new"]["verdict"], Value::Null);
    assert_eq!(v["new"]["flows"]["succeeded"], 2);
    assert!(
        statuses(&v).contains(&("aadsts7000222-client-secret-expired".into(), "fixed".into())),
        "{v}"
    );
}

#[test]
fn diff_of_a_sample_against_itself_is_not_confirmed_and_exits_1() {
    // NEW holds OLD's lines and nothing after them, and no login worked: neither fixed nor
    // still failing, and not good news (exit 1).
    let s = sample("client-secret-expired");
    let r = run(&["diff", &s, &s, "-o", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["counts"]["not_seen"], 2, "{v}");
    assert_eq!(v["counts"]["still_failing"], 0, "{v}");
    assert_eq!(v["counts"]["fixed"], 0);
    assert_eq!(v["counts"]["new"], 0);
    let c = &v["changes"][0];
    assert_eq!(c["status"], "not-seen");
    assert_eq!(c["old"]["count"], c["new"]["count"]);
    // `--fail-on never` keeps 0; `--fail-on error` still fails on errors.
    assert_eq!(run(&["diff", &s, &s, "--fail-on", "never"]).code, 0);
    assert_eq!(run(&["diff", &s, &s, "--fail-on", "error"]).code, 1);
}

#[test]
fn diff_reads_a_json_report_as_old_and_logs_as_new() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("before.json");
    let scanned = run(&["scan", "-o", "json", &sample("client-secret-expired")]);
    assert_eq!(scanned.code, 1, "{}", scanned.stderr);
    std::fs::write(&report, &scanned.stdout).unwrap();
    let report = report.to_str().unwrap();

    let r = run(&[
        "diff",
        "-o",
        "json",
        report,
        &sample("redirect-uri-mismatch"),
    ]);
    assert_eq!(r.code, 1, "something new: {}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["old"]["read_as"], "report");
    assert_eq!(v["new"]["read_as"], "logs");
    let got = statuses(&v);
    // No login worked in NEW (Entra refused the redirect URI): gone, but not confirmed.
    assert!(got.contains(&(
        "aadsts7000222-client-secret-expired".into(),
        "not-seen".into()
    )));
    assert!(got.contains(&("aadsts50011-redirect-uri-mismatch".into(), "new".into())));
    assert!(v["counts"]["new"].as_u64().unwrap() >= 1);

    // The report against the logs it was made from: the same findings, nothing after them.
    let same = run(&[
        "diff",
        "-o",
        "json",
        report,
        &sample("client-secret-expired"),
    ]);
    assert_eq!(same.code, 1);
    let v: Value = serde_json::from_str(&same.stdout).unwrap();
    assert_eq!(v["counts"]["not_seen"], 2, "{v}");
    assert_eq!(v["counts"]["fixed"], 0);
    assert_eq!(v["counts"]["new"], 0);
}

#[test]
fn diff_of_two_healthy_sides_has_nothing_and_exits_0() {
    let h = sample("healthy");
    let r = run(&["diff", "-o", "markdown", &h, &h]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("**Result:** 0 fixed, 0 still failing, 0 new.")
    );
    assert!(
        r.stdout.contains("## Still failing (0)\n\nNone."),
        "{}",
        r.stdout
    );
}

#[test]
fn a_report_written_with_secrets_shown_is_masked_again() {
    let shown = diff_fixture("secrets-shown-report.json");
    for format in ["table", "json", "markdown"] {
        let r = run(&["diff", "-o", format, &shown, &sample("healthy")]);
        assert_eq!(r.code, 0, "{format}: {}", r.stderr);
        assert!(r.stdout.contains("custom-secret-echo"), "{}", r.stdout);
        for out in [&r.stdout, &r.stderr] {
            assert!(
                !out.contains("Abc8Q~"),
                "{format}: the secret leaked: {out}"
            );
        }
        assert!(
            r.stderr.contains("written with secrets shown"),
            "{format}: {}",
            r.stderr
        );
    }
    let v: Value =
        serde_json::from_str(&run(&["diff", "-o", "json", &shown, &sample("healthy")]).stdout)
            .unwrap();
    assert_eq!(v["old"]["secrets_remasked"], true);
    assert!(v["new"].get("secrets_remasked").is_none());
}

#[test]
fn a_hostile_report_never_becomes_an_escape_markup_or_a_link() {
    let hostile = diff_fixture("hostile-report.json");
    for format in ["table", "json", "markdown"] {
        let r = run(&["diff", "-o", format, &hostile, &hostile]);
        // Its finding says error, and it is in both: still failing.
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        for c in ['\x1b', '\x07'] {
            assert!(!r.stdout.contains(c), "{format}: {:?}", r.stdout);
        }
        assert!(r.stdout.contains("evil"), "{format}: {}", r.stdout);
    }
    let md = run(&["diff", "-o", "markdown", &hostile, &hostile]).stdout;
    use pulldown_cmark::{Event, Options, Parser, Tag};
    for event in Parser::new_ext(&md, Options::all()) {
        match event {
            Event::Html(h) | Event::InlineHtml(h) => panic!("markup from a report: {h}\n{md}"),
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                panic!("a link from a report: {dest_url}\n{md}")
            }
            _ => {}
        }
    }
    // Every table row keeps its columns: a `|` from the report does not end a cell.
    for line in md.lines().filter(|l| l.starts_with("| error")) {
        assert_eq!(line.matches(" | ").count(), 6, "{line}");
    }
}

#[test]
fn unusable_sides_are_refused_with_one_line_naming_the_file_and_exit_2() {
    let healthy = sample("healthy");
    let cases = [
        (
            diff_fixture("truncated-report.json"),
            "truncated JSON report",
        ),
        (diff_fixture("newer-schema-report.json"), "newer sso-triage"),
        (
            diff_fixture("not-a-report.json"),
            "not an sso-triage report",
        ),
        (
            diff_fixture("no-such-report.json"),
            "no such file or directory",
        ),
    ];
    for (path, want) in &cases {
        for args in [
            ["diff", path.as_str(), healthy.as_str()],
            ["diff", healthy.as_str(), path.as_str()],
        ] {
            let r = run(&args);
            assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
            assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
            let lines: Vec<&str> = r.stderr.lines().collect();
            assert_eq!(lines.len(), 1, "{args:?}: {}", r.stderr);
            assert!(
                lines[0].starts_with(&format!("sso-triage: {path}: ")) && lines[0].contains(want),
                "{args:?}: {}",
                r.stderr
            );
        }
    }
    let r = run(&["diff", "-", &healthy]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not stdin"), "{}", r.stderr);
    let r = run(&["diff", &healthy]);
    assert_eq!(r.code, 2, "NEW is required: {}", r.stderr);
}
