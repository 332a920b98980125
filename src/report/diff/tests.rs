use super::*;

fn report(json: &str) -> Result<Option<SideReport>, String> {
    read_report(json.as_bytes())
}

fn finding(rule: &str, symptom: &str, severity: &str, count: u64, last: &str) -> String {
    format!(
        r#"{{"rule":"{rule}","symptom":"{symptom}","title":"T {rule}","severity":"{severity}","count":{count},"last_seen":"{last}"}}"#
    )
}

fn doc(findings: &[String], flows: &str) -> String {
    format!(
        r#"{{"schema_version":1,"secrets_shown":false,"inputs":[],"verdict":null,"findings":[{}],"flows":{flows},"summary":{{"problems":[]}}}}"#,
        findings.join(",")
    )
}

/// A NEW side's flows with a login that worked: what lets a finding gone from it count
/// as fixed.
const OK_FLOW: &str = r#"[{"id":"f1","outcome":"succeeded"}]"#;

fn side(r: &SideReport) -> Side {
    Side::new("x", ReadAs::Report, r)
}

#[test]
fn a_report_is_read_and_a_log_is_not() {
    let r = report(&doc(
        &[finding(
            "a",
            "clock-skew",
            "error",
            2,
            "2026-01-01T00:00:00Z",
        )],
        r#"[{"outcome":"failed"},{"outcome":"succeeded"},{"outcome":"abandoned"}]"#,
    ))
    .unwrap()
    .unwrap();
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].rule, "a");
    assert_eq!(r.findings[0].seen.count, 2);
    assert_eq!(
        r.flows,
        FlowCounts {
            total: 3,
            succeeded: 1,
            failed: 1,
            abandoned: 1,
            incomplete: 0
        }
    );
    // Plain text, JSON lines (the first record parses, then more follow), a brace line.
    for log in [
        "2026-01-01 ERROR AADSTS50011\n",
        "{\"level\":\"error\",\"msg\":\"AADSTS50011\"}\n{\"level\":\"info\"}\n",
        "{ not json at all\n",
        "",
    ] {
        assert!(report(log).unwrap().is_none(), "{log:?}");
    }
}

#[test]
fn json_that_is_not_a_usable_report_is_refused_with_a_reason() {
    let cases = [
        (r#"{"a":1}"#, "not an sso-triage report"),
        (r#"{"schema_version":1}"#, "no `findings`"),
        (r#"{"findings":[]}"#, "no `schema_version`"),
        (r#"{"schema_version":"1","findings":[]}"#, "whole number"),
        (r#"{"schema_version":2,"findings":[]}"#, "newer sso-triage"),
        (r#"{"schema_version":0,"findings":[]}"#, "never written"),
        (r#"{"schema_version":1,"findings":"x"}"#, "`findings`"),
        (
            r#"{"schema_version":1,"findings":[{"rule":"a","symptom":"b","severity":"fatal"}]}"#,
            "`findings`",
        ),
        (
            r#"{"schema_version":1,"findings":[],"flows":[{"outcome":3}]}"#,
            "`flows`",
        ),
        (
            r#"{"schema_version":1,"findings":[{"rule":"a""#,
            "truncated",
        ),
        (
            r#"{"schema_version":1,"findings":[}"#,
            "not a valid JSON report",
        ),
    ];
    for (json, want) in cases {
        let err = report(json).unwrap_err();
        assert!(err.contains(want), "{json}: {err}");
    }
}

#[test]
fn texts_from_a_report_are_escaped_masked_and_cut() {
    let hostile = "\u{1b}[31mred\u{1b}]8;;http://x\u{7}";
    let json = doc(
        &[format!(
            r#"{{"rule":{},"symptom":"s","title":"{}","severity":"warning"}}"#,
            serde_json::to_string(hostile).unwrap(),
            "t".repeat(5000)
        )],
        "[]",
    );
    let r = report(&json).unwrap().unwrap();
    let f = &r.findings[0];
    assert!(
        !f.rule.contains('\u{1b}') && !f.rule.contains('\u{7}'),
        "{}",
        f.rule
    );
    assert!(f.rule.contains("red"));
    assert!(f.title.len() < 300, "{}", f.title.len());
    let secret = doc(
        &[finding(
            "client_secret=Abc8Q~abcdefghijklmnopqrstuvwxyz0123456789",
            "s",
            "info",
            1,
            "t",
        )],
        "[]",
    )
    .replace(r#""secrets_shown":false"#, r#""secrets_shown":true"#);
    let r = report(&secret).unwrap().unwrap();
    assert!(r.secrets_shown);
    assert!(
        !r.findings[0].rule.contains("Abc8Q~"),
        "{}",
        r.findings[0].rule
    );
}

#[test]
fn findings_are_fixed_still_failing_or_new_by_rule_and_symptom() {
    let old = report(&doc(
        &[
            finding("a", "clock-skew", "error", 2, "2026-01-01T00:00:00Z"),
            finding("b", "clock-skew", "warning", 1, "2026-01-01T00:00:00Z"),
            finding("c", "unknown", "info", 1, "2026-01-01T00:00:00Z"),
        ],
        "[]",
    ))
    .unwrap()
    .unwrap();
    let new = report(&doc(
        &[
            finding("b", "clock-skew", "error", 4, "2026-02-01T00:00:00Z"),
            // The same rule and symptom twice: added up.
            finding("b", "clock-skew", "warning", 1, "2026-03-01T00:00:00Z"),
            finding("d", "unknown", "info", 1, "2026-02-01T00:00:00Z"),
            // Same rule, other symptom: its own entry.
            finding("a", "unknown", "warning", 1, "2026-02-01T00:00:00Z"),
        ],
        OK_FLOW,
    ))
    .unwrap()
    .unwrap();
    let diff = compare(side(&old), &old, side(&new), &new);
    let got: Vec<(Status, &str, &str)> = diff
        .changes
        .iter()
        .map(|c| (c.status, c.rule.as_str(), c.symptom.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (Status::Fixed, "a", "clock-skew"),
            (Status::Fixed, "c", "unknown"),
            (Status::StillFailing, "b", "clock-skew"),
            (Status::New, "a", "unknown"),
            (Status::New, "d", "unknown"),
        ]
    );
    let b = &diff.changes[2];
    let seen = b.new.as_ref().unwrap();
    assert_eq!((seen.count, seen.severity), (5, Severity::Error));
    assert_eq!(seen.last_seen.as_deref(), Some("2026-03-01T00:00:00Z"));
    assert_eq!(b.old.as_ref().unwrap().count, 1);
    assert_eq!(
        diff.counts,
        Counts {
            fixed: 2,
            not_seen: 0,
            still_failing: 1,
            new: 2
        }
    );
    assert!(diff.failing(Some(Severity::Warning)));
    assert!(!diff.failing(None));
}

#[test]
fn only_fixed_findings_or_notes_left_do_not_fail() {
    let old = report(&doc(&[finding("a", "clock-skew", "error", 2, "t")], "[]"))
        .unwrap()
        .unwrap();
    let new = report(&doc(&[finding("n", "unknown", "info", 1, "t")], OK_FLOW))
        .unwrap()
        .unwrap();
    let diff = compare(side(&old), &old, side(&new), &new);
    assert!(!diff.failing(Some(Severity::Warning)));
    assert!(diff.failing(Some(Severity::Info)));
    let empty = SideReport::default();
    let nothing = compare(side(&empty), &empty, side(&empty), &empty);
    assert!(nothing.changes.is_empty() && !nothing.failing(Some(Severity::Info)));
}

/// A finding gone from a NEW side where no login worked (an empty log, probes only) is not
/// confirmed fixed, and one NEW saw only at OLD's own times (the same log read again) is
/// not still failing.
#[test]
fn gone_without_a_login_that_worked_is_not_seen_and_old_lines_are_not_again() {
    let old = report(&doc(
        &[finding(
            "a",
            "clock-skew",
            "error",
            2,
            "2026-01-01T00:00:00Z",
        )],
        "[]",
    ))
    .unwrap()
    .unwrap();
    let empty = report(&doc(&[], "[]")).unwrap().unwrap();
    let diff = compare(side(&old), &old, side(&empty), &empty);
    assert_eq!(diff.changes[0].status, Status::NotSeen);
    assert_eq!(diff.counts.not_seen, 1);
    assert!(diff.failing(Some(Severity::Warning)));
    // The same finding at the same last time, and logins that worked after it.
    let again = report(&doc(
        &[finding(
            "a",
            "clock-skew",
            "error",
            2,
            "2026-01-01T00:00:00Z",
        )],
        OK_FLOW,
    ))
    .unwrap()
    .unwrap();
    let diff = compare(side(&old), &old, side(&again), &again);
    assert_eq!(diff.changes[0].status, Status::Fixed);
    assert!(!diff.failing(Some(Severity::Warning)));
    // Seen later in NEW: still failing.
    let later = report(&doc(
        &[finding(
            "a",
            "clock-skew",
            "error",
            3,
            "2026-01-02T00:00:00Z",
        )],
        OK_FLOW,
    ))
    .unwrap()
    .unwrap();
    let diff = compare(side(&old), &old, side(&later), &later);
    assert_eq!(diff.changes[0].status, Status::StillFailing);
}
