//! What each format of `check-config` prints: the same findings and notes everywhere,
//! nothing empty, and one line for a file that is no configuration.

use std::path::PathBuf;

use super::{fixture, json_document, rules, run, run_stdin};

#[test]
fn every_renderer_shows_the_findings() {
    let file = fixture("secret-id-pasted.py");
    let table = run(&[&file, "-o", "table", "--width", "200"]);
    assert!(
        table.stdout.contains("config-secret-is-guid"),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("GUID-shaped"));
    let md = run(&[&file, "-o", "markdown"]);
    assert!(
        md.stdout.contains("`config-secret-is-guid`"),
        "{}",
        md.stdout
    );
    let html = run(&[&file, "-o", "html"]);
    assert!(html.stdout.starts_with("<!DOCTYPE html>"));
    assert!(html.stdout.contains("config-secret-is-guid"));
    let jsonl = run(&[&file, "-o", "jsonl"]);
    let last: serde_json::Value =
        serde_json::from_str(jsonl.stdout.lines().last().unwrap()).unwrap();
    assert_eq!(last["type"], "summary");
}

/// A file that is no NetBox configuration (another Python program, a log, a README, an
/// empty file, only comments) is refused with one line naming it and exit 2, in every
/// format, instead of dozens of "statement not read" notes and a missing backend.
#[test]
fn a_file_that_is_no_configuration_is_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.py");
    std::fs::write(&empty, "").unwrap();
    let comments = dir.path().join("comments.py");
    std::fs::write(&comments, "# NetBox overrides go here\n\n").unwrap();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let files = [
        (fixture("not-a-config.py"), "none of its "),
        (
            root.join("tests/fixtures/quirks.log").display().to_string(),
            "none of its ",
        ),
        (root.join("README.md").display().to_string(), "none of its "),
        (empty.display().to_string(), "it is empty"),
        (
            comments.display().to_string(),
            "it holds only comments and blank lines",
        ),
    ];
    for (file, why) in &files {
        for format in ["table", "json", "jsonl", "markdown", "html"] {
            let r = run(&[file, "-o", format, "--fail-on", "never"]);
            assert_eq!(r.code, 2, "{file} -o {format}: {}", r.stdout);
            assert!(r.stdout.is_empty(), "{file} -o {format}: {}", r.stdout);
            assert_eq!(r.stderr.lines().count(), 1, "{file}: {}", r.stderr);
            let expected = format!("sso-triage: {file}: not a NetBox configuration: {why}");
            assert!(r.stderr.starts_with(&expected), "{file}: {}", r.stderr);
            assert!(
                r.stderr.ends_with("; nothing was checked\n"),
                "{}",
                r.stderr
            );
        }
    }
    let r = run_stdin(
        &["-"],
        Some(b"2026-11-25T08:00:00Z ERROR AuthStateMissing\n"),
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("sso-triage: <stdin>: not a NetBox configuration: "),
        "{}",
        r.stderr
    );
}

/// Every format reports the same findings and notes, and none shows an empty "seen", a
/// time, or a missing setting at "line 0".
#[test]
fn every_format_says_the_same_and_nothing_empty() {
    for (file, args) in [
        ("missing-keys.py", &[][..]),
        (
            "correct-tenant.py",
            &["--base-url", "https://netbox.example.com"][..],
        ),
        ("https-without-redirect-is-https.py", &[][..]),
        ("backend-missing.py", &[][..]),
        (
            "tenant-backend-with-single-tenant-prefix.py",
            &[
                "--redirect-uri",
                "https://netbox.example.com/oauth/complete/azuread-oauth2/",
            ][..],
        ),
    ] {
        let path = fixture(file);
        let output = |format: &str| {
            let r = run(&[&[path.as_str(), "-o", format][..], args].concat());
            assert!(r.code < 2, "{file} -o {format}: {}", r.stderr);
            r.stdout
        };
        let (_, document) = json_document(file, args);
        let findings: Vec<&str> = rules(&document.report);
        let notes: Vec<&str> = document.notes.iter().map(|n| n.rule.as_str()).collect();
        let records: Vec<serde_json::Value> = output("jsonl")
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let of = |kind: &str| -> Vec<String> {
            records
                .iter()
                .filter(|r| r["type"] == kind)
                .map(|r| r["rule"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(of("finding"), findings, "{file}");
        assert_eq!(of("note"), notes, "{file}");
        let table = output("table");
        let markdown = output("markdown");
        let html = output("html");
        for id in findings.iter().chain(&notes) {
            assert!(table.contains(id), "{file}: {id} not in the table\n{table}");
            assert!(
                markdown.contains(&format!("`{id}`")),
                "{file}: {id} not in Markdown"
            );
            assert!(html.contains(id), "{file}: {id} not in HTML");
        }
        let outcome = if findings.is_empty() {
            "no problems found".to_string()
        } else {
            format!("{} finding", findings.len())
        };
        assert!(
            table.lines().next().unwrap().contains(&outcome),
            "{file}: {table}"
        );
        assert!(
            markdown.contains(&format!("- Result: {outcome}")),
            "{file}: {markdown}"
        );
        for text in [&table, &markdown] {
            for absent in [
                "Seen",
                "time(s)",
                "time not in the log",
                ":0",
                "line 0",
                "First / last",
            ] {
                assert!(!text.contains(absent), "{file}: {absent:?} in\n{text}");
            }
        }
        for f in &document.report.findings {
            assert!(
                f.evidence
                    .iter()
                    .all(|e| e.line > 0 || e.source.starts_with("--")),
                "{file} {}: {:?}",
                f.rule,
                f.evidence
            );
        }
    }
}
