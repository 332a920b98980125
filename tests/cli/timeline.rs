//! Issue 19: the multi-day scenarios of `tests/fixtures/timeline` (two ReplicaSets, a fix
//! that takes and one that does not, a half-finished rollout, a restart, a replayed
//! callback, a user without permissions, an inactive user, session expiry), each checked
//! against what its `expected.toml` table says a correct tool reports.

use serde_json::Value;

use super::{fixture, json, root, run};

fn expected() -> toml::Table {
    let text = std::fs::read_to_string(fixture("timeline/expected.toml")).unwrap();
    text.parse().unwrap()
}

fn strings(v: Option<&toml::Value>) -> Vec<String> {
    v.and_then(|v| v.as_array())
        .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

/// Seconds between two RFC 3339 times.
fn apart(a: &str, b: &str) -> i64 {
    let a = chrono::DateTime::parse_from_rfc3339(a).unwrap();
    let b = chrono::DateTime::parse_from_rfc3339(b).unwrap();
    (a - b).num_seconds().abs()
}

fn report_of(scenario: &str, files: &[String]) -> (i32, Value) {
    let dir = fixture(&format!("timeline/{scenario}"));
    let paths: Vec<String> = files
        .iter()
        .map(|f| dir.join(f).display().to_string())
        .collect();
    let args: Vec<&str> = paths.iter().map(String::as_str).collect();
    let (code, report, _) = json(&args);
    (code, report)
}

/// The finding whose timeline decides for the scenario: the verdict's.
fn top(report: &Value) -> &Value {
    let i = report["verdict"]["finding"].as_u64().unwrap() as usize;
    &report["findings"][i]
}

#[test]
fn every_scenario_reports_what_its_expectations_say() {
    for (name, e) in expected() {
        let e = e.as_table().unwrap();
        let (code, report) = report_of(&name, &strings(e.get("files")));
        let findings = report["findings"].as_array().unwrap();
        let symptoms: Vec<&str> = findings
            .iter()
            .map(|f| f["symptom"].as_str().unwrap())
            .collect();
        let rules: Vec<&str> = findings
            .iter()
            .map(|f| f["rule"].as_str().unwrap())
            .collect();
        for s in strings(e.get("findings_at_least")) {
            assert!(
                symptoms.contains(&s.as_str()),
                "{name}: no {s} in {symptoms:?}"
            );
        }
        for r in strings(e.get("rules_at_least")) {
            assert!(rules.contains(&r.as_str()), "{name}: no {r} in {rules:?}");
        }
        for s in strings(e.get("findings_none_of")) {
            assert!(
                !symptoms.contains(&s.as_str()),
                "{name}: {s} in {symptoms:?}"
            );
        }
        if let Some(max) = e.get("max_severity").and_then(|v| v.as_str()) {
            let rank = |s: &str| ["info", "warning", "error"].iter().position(|x| *x == s);
            // Root causes only: a generic error folded under the warning that explains it
            // (AuthCanceled under AADSTS54005) is not a cause of its own.
            for f in findings.iter().filter(|f| f["folded_into"].is_null()) {
                assert!(
                    rank(f["severity"].as_str().unwrap()) <= rank(max),
                    "{name}: {} is {} (at most {max})",
                    f["rule"],
                    f["severity"]
                );
            }
        }
        if e.get("no_failure").and_then(|v| v.as_bool()) == Some(true) {
            assert!(report["verdict"].is_null(), "{name}: {}", report["verdict"]);
            assert_eq!(code, 0, "{name}");
            continue;
        }
        // Changes: every kind expected is there, at the expected time (start lines are
        // found from the app server's, a few seconds after the entrypoint's first line).
        let changes = report["changes"].as_array().unwrap();
        let kinds: Vec<&str> = changes
            .iter()
            .map(|c| c["kind"].as_str().unwrap())
            .filter(|k| *k != "start")
            .collect();
        let want_kinds = strings(e.get("change_kinds"));
        assert_eq!(kinds, want_kinds, "{name}: {changes:#?}");
        if let Some(at) = e.get("change").and_then(|v| v.as_str()) {
            let found = changes
                .iter()
                .filter(|c| c["kind"] != "start")
                .any(|c| apart(c["at"].as_str().unwrap(), at) <= 30);
            assert!(found, "{name}: no change near {at}: {changes:#?}");
        }
        if report["verdict"].is_null() {
            continue;
        }
        let t = &top(&report)["timeline"];
        for key in ["last_success_before", "first_failure"] {
            if let Some(want) = e.get(key).and_then(|v| v.as_str()) {
                let got = t[key]
                    .as_str()
                    .unwrap_or_else(|| panic!("{name}: no {key}: {t}"));
                // The verdict's cause is what fails now: after a change, its own start.
                let want = if key == "first_failure" {
                    e.get("first_failure_after")
                        .filter(|_| t["change_before"].is_string())
                        .and_then(|v| v.as_str())
                        .unwrap_or(want)
                } else {
                    want
                };
                assert!(apart(got, want) <= 1, "{name}: {key} {got}, want {want}");
            }
        }
        match e.get("after_last_change").and_then(|v| v.as_str()) {
            Some("not-applicable") | None => {
                assert!(t["after_last_change"].is_null(), "{name}: {t}");
            }
            Some(want) => {
                // A new cause that began after the change (the fix did not take with
                // another error) says so instead of judging the change it followed.
                if t["change_before"].is_string() {
                    assert_eq!(want, "persists", "{name}: {t}");
                    assert!(t["last_failure"].is_string(), "{name}: {t}");
                } else {
                    assert_eq!(t["after_last_change"], want, "{name}: {t}");
                }
            }
        }
        let want_pods = strings(e.get("failing_pods_after_change"));
        if !want_pods.is_empty() {
            let mut got: Vec<String> = t["failing_pods_after_change"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap().to_string())
                .collect();
            got.sort();
            let mut want = want_pods;
            want.sort();
            assert_eq!(got, want, "{name}: {t}");
        }
        if e.get("pods_not_replaced").is_some() {
            assert_eq!(t["old_pods_only"], true, "{name}: {t}");
        }
    }
}

/// The verdict reads like an engineer: the terminal says when it worked, when it broke
/// and whether the rollout fixed it.
#[test]
fn the_verdict_says_whether_the_fix_took() {
    let cases = [
        ("fix-took", "stopped after the rollout at 2026-11-20T14:05"),
        (
            "fix-did-not-take",
            "first seen after the rollout at 2026-11-20T14:05",
        ),
        (
            "half-rollout",
            "failing only on pods of the old ReplicaSet: not every replica restarted",
        ),
        (
            "restart",
            "still failing after the restart at 2026-11-20T11:02",
        ),
    ];
    for (scenario, words) in cases {
        let dir = fixture(&format!("timeline/{scenario}/logs"));
        let r = run(&[
            "scan",
            "--color",
            "never",
            "--width",
            "400",
            &dir.display().to_string(),
        ]);
        let head: String = r.stdout.lines().take(6).collect::<Vec<_>>().join("\n");
        assert!(
            head.contains("In time: worked until 2026-11-19T16:48"),
            "{scenario}: {head}"
        );
        assert!(head.contains(words), "{scenario}: {head}");
    }
    // The half-finished rollout names the pod still failing.
    let dir = fixture("timeline/half-rollout/logs");
    let r = run(&[
        "scan",
        "--color",
        "never",
        "-o",
        "markdown",
        &dir.display().to_string(),
    ]);
    assert!(
        r.stdout
            .contains("Failing after the change on `netbox-7d9f8b6c5-m9p3t`"),
        "{}",
        r.stdout
    );
}

/// A log listed newest first (as log viewers export) is named in the report and on stderr;
/// the same lines oldest first are not.
#[test]
fn a_log_listed_newest_first_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        std::fs::read_to_string(root().join("samples/client-secret-expired/netbox.log")).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let forward = dir.path().join("oldest-first.log");
    std::fs::write(&forward, lines.join("\n") + "\n").unwrap();
    lines.reverse();
    let backward = dir.path().join("newest-first.log");
    std::fs::write(&backward, lines.join("\n") + "\n").unwrap();
    let notes = |path: &std::path::Path| {
        let (_, report, stderr) = json(&["scan", "-o", "json", &path.display().to_string()]);
        (report["summary"]["notes"].clone(), stderr)
    };
    let (none, stderr) = notes(&forward);
    assert!(none.is_null(), "{none}");
    assert!(!stderr.contains("times run backwards"), "{stderr}");
    let (named, stderr) = notes(&backward);
    let named = named.as_array().expect("notes listed");
    assert_eq!(named.len(), 1, "{named:?}");
    let note = named[0].as_str().unwrap();
    assert!(
        note.contains("newest-first.log") && note.contains("times run backwards"),
        "{note}"
    );
    assert!(
        stderr.contains("note: ") && stderr.contains("times run backwards"),
        "{stderr}"
    );
}
