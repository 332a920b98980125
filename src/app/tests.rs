use crate::catalog::Severity;
use crate::catalog::compile;
use crate::redact::Masking;
use crate::report::{self, Report, Summary};

use super::assemble::*;
use super::rules::*;
use super::scan::*;
use super::*;

#[test]
fn every_built_in_rule_passes_its_examples() {
    let (compiled, problems) = build_checked(&[], true);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let compiled = compiled.unwrap();
    assert!(compiled.rules.len() >= 60);
    assert!(compiled.anchors.len() < compile::MAX_ANCHORS + 1);
}

#[test]
fn every_rule_with_patterns_is_tagged_by_an_anchor() {
    let compiled = build_catalog(&[]).unwrap();
    for (i, r) in compiled.rules.iter().enumerate() {
        if !r.rule.patterns.is_empty() {
            assert!(
                compiled
                    .anchor_rules
                    .iter()
                    .any(|rules| rules.contains(&(i as u32))),
                "{} has no anchor",
                r.rule.id
            );
        }
    }
}

#[test]
fn the_guides_four_sections_are_first_class_rules() {
    let compiled = build_catalog(&[]).unwrap();
    let symptom = |id: &str| {
        compiled
            .rules
            .iter()
            .find(|r| r.rule.id == id)
            .map(|r| r.rule.symptom.key())
            .unwrap_or_else(|| panic!("rule {id} missing"))
    };
    assert_eq!(
        symptom("aadsts50011-redirect-uri-mismatch"),
        "redirect-uri-mismatch"
    );
    assert_eq!(
        symptom("sso-failed-redirect-to-login"),
        "not-logged-in-after-auth"
    );
    assert_eq!(
        symptom("aadsts7000222-client-secret-expired"),
        "client-secret-expired"
    );
    assert_eq!(
        symptom("aadsts7000215-invalid-client-secret"),
        "invalid-client-credentials"
    );
    assert_eq!(
        symptom("oauth-invalid-client"),
        "invalid-client-credentials"
    );
    assert_eq!(symptom("redirect-uri-must-be-https"), "https-required");
}

/// The raw line holds an anchor but not the rule's keyword, which shows only once the
/// JSON escapes are decoded (`\u0027` for `'`): the decoded view must still be matched.
#[test]
fn a_keyword_only_in_the_decoded_view_still_fires() {
    let compiled = build_catalog(&[]).unwrap();
    let line = br#"<script>var $Config={"sErrorCode":"700016","strServiceExceptionMessage":"Application with identifier \u0027None\u0027 was not found in the directory \u0027Example Networks Ltd\u0027.","urlLogin":"https://login.microsoftonline.com/common/login"};</script>"#;
    let collected = scan_text(&compiled, line);
    assert_eq!(collected.matched_events, 1);
}

/// An endless stream of logins that never come back: the input keeps at most
/// MAX_HELD_FLOWS flows, and every one of them still counts, listed or not.
#[test]
fn failed_flows_beyond_the_cap_are_counted_not_kept() {
    use crate::correlate::{MAX_HELD_FLOWS, Outcome};
    let compiled = build_catalog(&[]).unwrap();
    let logins = 3 * MAX_HELD_FLOWS;
    let start = chrono::DateTime::parse_from_rfc3339("2026-11-20T00:00:00Z").unwrap();
    let mut text = String::new();
    for i in 0..logins {
        let t = start + chrono::Duration::seconds(2 * i as i64);
        text.push_str(&format!(
            "10.9.{}.{} - - [{}] \"GET /oauth/login/azuread-oauth2/?next=/ HTTP/1.1\" 302 0 \"-\" \"Mozilla/5.0\"\n",
            i / 250,
            i % 250,
            t.format("%d/%b/%Y:%H:%M:%S +0000"),
        ));
    }
    let collected = scan_text(&compiled, text.as_bytes());
    assert!(
        collected.flows.len() <= MAX_HELD_FLOWS,
        "{} flows held",
        collected.flows.len()
    );
    let released = collected.released.clone();
    assert!(released.abandoned > 0);
    assert_eq!(
        collected.flows.len() as u64 + released.abandoned + released.failed + released.succeeded,
        logins as u64
    );
    // Every abandoned flow, listed or not, counts once in the no-callback finding.
    let abandoned = collected
        .flows
        .iter()
        .filter(|f| f.outcome == Outcome::Abandoned)
        .count() as u64
        + released.abandoned;
    let findings = collected.findings(&compiled);
    let no_callback = findings.iter().find(|f| f.rule == "flow-no-callback");
    assert_eq!(no_callback.unwrap().count, abandoned);
    // The last ten minutes are still waiting for their callback when the log ends.
    assert_eq!(abandoned, logins as u64 - 300);
}

#[test]
fn unmasked_evidence_is_caught_before_printing() {
    let compiled = build_catalog(&[]).unwrap();
    let collected = scan_text(
        &compiled,
        b"2026-11-20T09:00:00Z social_core.exceptions.AuthStateMissing: Session value state missing.\n",
    );
    let mut findings = collected.findings(&compiled);
    let mut report = Report {
        schema_version: report::SCHEMA_VERSION,
        show_secrets: false,
        inputs: vec![],
        verdict: None,
        findings: findings.clone(),
        flows: collected
            .flows
            .iter()
            .map(|f| {
                report::LoginFlow::new(f, &mut crate::redact::ShowCache::new(Masking::default()))
            })
            .collect(),
        changes: Vec::new(),
        hours: Vec::new(),
        summary: Summary::default(),
    };
    assert_eq!(leak_in(&mut report, false), None);
    // Only a bug could put unmasked input into the model (our own words carrying a
    // token): the second line catches it.
    findings[0].evidence[0].text =
        crate::redact::Shown::ours("token=eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJ4In0.c2ln");
    report.findings = findings;
    assert!(leak_in(&mut report, false).is_some());
}

/// Every text of the report that came from the input is numbered: an evidence pod, an Entra
/// id, a flow's backend and a step's container once kept their internal masks (a hash of the
/// value) in every format. One left over is refused, secrets shown or not.
#[test]
fn every_input_text_is_numbered_and_a_missed_mask_is_refused() {
    let masking = Masking::default();
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwb2QifQ.c2lnbmF0dXJlcG9k";
    let masked = masking.show_line(&format!("netbox-{jwt}"));
    assert!(masked.contains('\u{1}'));
    let compiled = build_catalog(&[]).unwrap();
    let collected = scan_text(
        &compiled,
        b"2026-11-20T09:14:02Z ERROR AADSTS7000215: Invalid client secret provided.\n",
    );
    let mut findings = collected.findings(&compiled);
    findings[0].evidence[0].pod = Some(masked.clone());
    findings[0].entra.trace_ids.push(masked.clone());
    let mut report = Report {
        schema_version: report::SCHEMA_VERSION,
        show_secrets: false,
        inputs: Vec::new(),
        verdict: None,
        findings,
        flows: Vec::new(),
        changes: Vec::new(),
        hours: Vec::new(),
        summary: Summary::default(),
    };
    let before = report.clone();
    assert_eq!(leak_in(&mut report, true), Some("internal mask"));
    report.number_placeholders(&mut crate::redact::Placeholders::default());
    assert_eq!(leak_in(&mut report, false), None);
    let pod = report.findings[0].evidence[0].pod.as_deref().unwrap();
    assert!(
        pod.starts_with("netbox-<token#") && !pod.contains(jwt),
        "{pod}"
    );
    assert_ne!(report, before);
}

/// See: issue 15. Every made-up AADSTS code was a finding of its own: hostile input
/// grew the findings without bound.
#[test]
fn unknown_codes_past_a_number_share_one_finding() {
    let compiled = build_catalog(&[]).unwrap();
    let text: String = (0..300)
        .map(|i| {
            format!(
                "2026-11-20T09:00:00Z AADSTS{} something failed\n",
                81_000_000 + i
            )
        })
        .collect();
    let collected = scan_text(&compiled, text.as_bytes());
    let findings = collected.findings(&compiled);
    let unknown: Vec<_> = findings
        .iter()
        .filter(|f| f.rule == crate::analyze::UNKNOWN_AADSTS)
        .collect();
    assert_eq!(unknown.len(), crate::analyze::MAX_UNKNOWN_CODES + 1);
    let total: u64 = unknown.iter().map(|f| f.count).sum();
    assert_eq!(total, 300, "every event is still counted");
    assert!(
        unknown
            .iter()
            .all(|f| f.codes_seen.len() <= crate::analyze::MAX_CODES_SEEN)
    );
}

#[test]
fn threshold() {
    assert!(exceeds(Some(Severity::Error), Some(Severity::Warning)));
    assert!(!exceeds(Some(Severity::Info), Some(Severity::Warning)));
    assert!(!exceeds(Some(Severity::Error), None));
    assert!(!exceeds(None, Some(Severity::Info)));
}

/// The two walks over an evidence's input texts visit the same fields in the same order:
/// the match records' check and the report's numbering cannot drift apart.
#[test]
fn evidence_texts_are_one_list() {
    let m = Masking::default();
    let mut e = report::Evidence {
        source: m.show("a.log"),
        line: 1,
        lines: 1,
        pod: Some(m.show("netbox-1")),
        container: Some(m.show("netbox")),
        time: None,
        text: m.show("text"),
        decoded: Some(m.show("decoded")),
        captures: [("redirect_uri".to_string(), m.show("capture"))]
            .into_iter()
            .collect(),
        context_before: vec![m.show("before")],
        context_after: vec![m.show("after")],
    };
    let read: Vec<String> = e.texts().map(|t| t.to_string()).collect();
    let mut walked = Vec::new();
    e.each_text_mut(&mut |t| walked.push(t.to_string()));
    assert_eq!(read, walked);
    assert_eq!(read.len(), 8);
}

#[test]
fn the_progress_total_is_known_only_for_plain_files() {
    use crate::source::Input;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("netbox.log");
    std::fs::write(&log, b"0123456789").unwrap();
    let gz = dir.path().join("netbox.log.gz");
    std::fs::write(&gz, b"\x1f\x8b").unwrap();
    let total = super::scan::total_of;
    assert_eq!(
        total(&[Input::File(log.clone()), Input::Found(log.clone())]),
        Some(20)
    );
    assert_eq!(total(&[Input::File(log.clone()), Input::File(gz)]), None);
    assert_eq!(total(&[Input::Stdin]), None);
}
