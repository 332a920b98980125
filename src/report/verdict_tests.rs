use super::*;
use crate::app::build_catalog;
use crate::report::{EntraIds, Summary};

fn finding(rule: &str, symptom: Symptom, severity: Severity, count: u64) -> Finding {
    Finding {
        rule: rule.to_string(),
        symptom,
        title: Shown::ours(format!("title of {rule}")),
        severity,
        codes: Vec::new(),
        codes_seen: Vec::new(),
        codes_inferred: Vec::new(),
        errors_seen: Vec::new(),
        count,
        first_seen: Some("2026-11-21T14:02:11Z".into()),
        last_seen: Some("2026-11-21T14:58:06Z".into()),
        sources: vec![Shown::ours("pod/netbox-7d9c6b5f4-x2x9k/netbox")],
        meaning: Shown::ours("meaning"),
        likely_causes: Vec::new(),
        diagnosis: Vec::new(),
        entra: EntraIds::default(),
        evidence: Vec::new(),
        resolution: vec![Shown::ours(format!("first step of {rule}"))],
        flows: Vec::new(),
        references: Vec::new(),
        also_seen_as: Vec::new(),
        folded_into: None,
        incidents: Vec::new(),
        timeline: Default::default(),
        hours: Vec::new(),
    }
}

fn at(place: &str, line: u64, time: &str) -> Incident {
    Incident::new(place, line, Some(time.parse().unwrap()))
}

fn report(findings: Vec<Finding>) -> Report {
    Report {
        schema_version: crate::report::SCHEMA_VERSION,
        show_secrets: false,
        inputs: Vec::new(),
        verdict: None,
        findings,
        flows: Vec::new(),
        changes: Vec::new(),
        hours: Vec::new(),
        summary: Summary::default(),
    }
}

const POD: &str = "pod/netbox-7d9c6b5f4-x2x9k/netbox";

#[test]
fn a_generic_finding_on_the_same_requests_folds_under_the_code_entra_stated() {
    let compiled = build_catalog(&[]).unwrap();
    let mut expired = finding(
        "aadsts7000222-client-secret-expired",
        Symptom::ClientSecretExpired,
        Severity::Error,
        2,
    );
    expired.codes = vec![Shown::ours("AADSTS7000222")];
    expired.codes_seen = vec![Shown::ours("AADSTS7000222")];
    expired.incidents = vec![
        at(POD, 10, "2026-11-21T14:02:11.469Z"),
        at(POD, 77, "2026-11-21T14:31:47.100Z"),
    ];
    // More events than the specific finding: count alone must not make it the cause.
    let mut generic = finding(
        "auth-forbidden-credentials-not-allowed",
        Symptom::InvalidClientCredentials,
        Severity::Error,
        3,
    );
    generic.incidents = vec![
        at(POD, 26, "2026-11-21T14:02:11.482Z"),
        at(POD, 27, "2026-11-21T14:02:11.483Z"),
        at(POD, 93, "2026-11-21T14:31:47.300Z"),
    ];
    let mut r = report(vec![generic, expired]);
    decide(&mut r, &compiled);
    let v = r.verdict.as_ref().expect("a verdict");
    assert_eq!(v.rule, "aadsts7000222-client-secret-expired");
    assert_eq!(v.finding, 0);
    assert!(v.others.is_empty());
    assert_eq!(
        v.first_step.as_deref(),
        Some("first step of aadsts7000222-client-secret-expired")
    );
    assert_eq!(
        r.findings[0].also_seen_as,
        ["auth-forbidden-credentials-not-allowed"]
    );
    assert_eq!(
        r.findings[1].folded_into.as_deref(),
        Some("aadsts7000222-client-secret-expired")
    );
}

#[test]
fn a_finding_with_events_of_its_own_stays_a_root_cause() {
    let compiled = build_catalog(&[]).unwrap();
    let mut a = finding(
        "auth-state-missing",
        Symptom::SessionStateLost,
        Severity::Error,
        2,
    );
    a.incidents = vec![at(POD, 10, "2026-11-21T14:02:11Z")];
    let mut b = finding(
        "auth-token-error-invalid-key-secret",
        Symptom::InvalidClientCredentials,
        Severity::Error,
        1,
    );
    // Same pod, a minute later: another request.
    b.incidents = vec![at(POD, 12, "2026-11-21T14:03:11Z")];
    let mut r = report(vec![b, a]);
    decide(&mut r, &compiled);
    assert!(r.findings.iter().all(|f| f.folded_into.is_none()));
    let v = r.verdict.unwrap();
    assert_eq!(v.rule, "auth-state-missing", "more events rank first");
    assert_eq!(v.others, [1]);
}

#[test]
fn shared_login_flows_fold_and_count_as_failed_logins() {
    use crate::correlate::{Outcome, Stop};
    use crate::report::{FlowClient, LoginFlow};
    let compiled = build_catalog(&[]).unwrap();
    let mut https = finding(
        "redirect-uri-must-be-https",
        Symptom::HttpsRequired,
        Severity::Error,
        3,
    );
    https.flows = vec!["f1".into(), "f2".into()];
    https.diagnosis = vec![Shown::ours("the redirect URI is http://")];
    https.incidents = vec![at(POD, 24, "2026-11-24T11:04:13Z")];
    let mut nocb = finding(
        "flow-no-callback",
        Symptom::NoCallback,
        Severity::Warning,
        2,
    );
    nocb.flows = vec!["f1".into(), "f2".into()];
    nocb.incidents = vec![at("ingress", 3, "2026-11-24T11:05:13Z")];
    let mut r = report(vec![nocb, https]);
    let flow = |id: &str| LoginFlow {
        id: id.into(),
        outcome: Outcome::Failed,
        stopped_at: Stop::Callback,
        keys: Vec::new(),
        client: FlowClient {
            address: Shown::ours("10.42.0.17"),
            user_agent: None,
        },
        backend: None,
        started: None,
        ended: None,
        steps: Vec::new(),
        rules: Vec::new(),
    };
    r.flows = vec![flow("f1"), flow("f2")];
    decide(&mut r, &compiled);
    let v = r.verdict.unwrap();
    assert_eq!(v.rule, "redirect-uri-must-be-https");
    assert_eq!(v.failed_logins, Some(2));
    assert_eq!(
        r.findings[1].folded_into.as_deref(),
        Some("redirect-uri-must-be-https")
    );
}

#[test]
fn a_login_that_never_came_back_folds_under_the_browser_error_of_that_moment() {
    let compiled = build_catalog(&[]).unwrap();
    let mut mismatch = finding(
        "aadsts50011-redirect-uri-mismatch",
        Symptom::RedirectUriMismatch,
        Severity::Error,
        1,
    );
    mismatch.incidents = vec![at("browser-error.txt", 16, "2026-11-20T09:14:05Z")];
    let mut nocb = finding(
        "flow-no-callback",
        Symptom::NoCallback,
        Severity::Warning,
        1,
    );
    nocb.incidents = vec![at(POD, 90, "2026-11-20T09:14:04Z")];
    let mut late = finding(
        "flow-no-callback",
        Symptom::NoCallback,
        Severity::Warning,
        1,
    );
    late.incidents = vec![at(POD, 90, "2026-11-20T10:14:04Z")];
    for (nocb, folds) in [(nocb, true), (late, false)] {
        let mut r = report(vec![nocb, mismatch.clone()]);
        decide(&mut r, &compiled);
        assert_eq!(r.findings[1].folded_into.is_some(), folds);
    }
    // An error finding of another input is never folded by time alone.
    let mut other = finding(
        "auth-state-missing",
        Symptom::SessionStateLost,
        Severity::Error,
        1,
    );
    other.incidents = vec![at(POD, 90, "2026-11-20T09:14:04Z")];
    let mut r = report(vec![other, mismatch]);
    decide(&mut r, &compiled);
    assert!(r.findings.iter().all(|f| f.folded_into.is_none()));
}

#[test]
fn info_notes_give_no_verdict() {
    let compiled = build_catalog(&[]).unwrap();
    let mut r = report(vec![finding(
        "jwt-token-expired",
        Symptom::ClockSkew,
        Severity::Info,
        1,
    )]);
    decide(&mut r, &compiled);
    assert!(r.verdict.is_none());
    assert_eq!(r.findings.len(), 1);
}

#[test]
fn two_reasons_entra_stated_are_two_causes_however_close() {
    let compiled = build_catalog(&[]).unwrap();
    let mut secret = finding(
        "aadsts7000215-invalid-client-secret",
        Symptom::InvalidClientCredentials,
        Severity::Error,
        2,
    );
    secret.codes = vec![Shown::ours("AADSTS7000215")];
    secret.codes_seen = vec![Shown::ours("AADSTS7000215")];
    secret.incidents = vec![at(POD, 2, "2026-11-24T10:02:11.200Z")];
    let mut redirect = finding(
        "aadsts50011-redirect-uri-mismatch",
        Symptom::RedirectUriMismatch,
        Severity::Error,
        1,
    );
    redirect.codes = vec![Shown::ours("AADSTS50011")];
    redirect.codes_seen = vec![Shown::ours("AADSTS50011")];
    redirect.incidents = vec![at(POD, 3, "2026-11-24T10:02:11.300Z")];
    let mut r = report(vec![redirect.clone(), secret.clone()]);
    decide(&mut r, &compiled);
    assert!(r.findings.iter().all(|f| f.folded_into.is_none()));
    assert_eq!(r.verdict.unwrap().others, [1]);
    // The very same event is one cause, whatever each rule reads in it.
    redirect.incidents = secret.incidents.clone();
    let mut r = report(vec![redirect, secret]);
    decide(&mut r, &compiled);
    assert_eq!(r.findings[0].also_seen_as.len(), 1);
}

#[test]
fn a_lost_state_next_to_an_expired_secret_is_another_cause() {
    let compiled = build_catalog(&[]).unwrap();
    let mut expired = finding(
        "aadsts7000222-client-secret-expired",
        Symptom::ClientSecretExpired,
        Severity::Error,
        1,
    );
    expired.codes = vec![Shown::ours("AADSTS7000222")];
    expired.codes_seen = vec![Shown::ours("AADSTS7000222")];
    expired.incidents = vec![at(POD, 3, "2026-11-25T08:00:02Z")];
    let mut state = finding(
        "auth-state-missing",
        Symptom::SessionStateLost,
        Severity::Error,
        1,
    );
    state.incidents = vec![at(POD, 2, "2026-11-25T08:00:01Z")];
    let mut generic = finding(
        "auth-forbidden-credentials-not-allowed",
        Symptom::InvalidClientCredentials,
        Severity::Error,
        1,
    );
    generic.incidents = vec![at(POD, 4, "2026-11-25T08:00:02.100Z")];
    let mut r = report(vec![state, generic, expired]);
    decide(&mut r, &compiled);
    let v = r.verdict.unwrap();
    assert_eq!(v.rule, "aadsts7000222-client-secret-expired");
    assert_eq!(
        r.findings[0].also_seen_as,
        ["auth-forbidden-credentials-not-allowed"]
    );
    assert_eq!(r.findings[v.others[0]].rule, "auth-state-missing");
}

#[test]
fn an_inner_code_names_the_cause_before_its_wrapper() {
    let compiled = build_catalog(&[]).unwrap();
    let mut wrapper = finding(
        "aadsts-client-credentials-rejected-legacy",
        Symptom::InvalidClientCredentials,
        Severity::Error,
        1,
    );
    wrapper.codes = vec![Shown::ours("AADSTS70002"), Shown::ours("AADSTS50012")];
    wrapper.codes_seen = vec![Shown::ours("AADSTS70002"), Shown::ours("AADSTS54005")];
    wrapper.incidents = vec![at(POD, 7, "2026-11-25T08:00:02Z")];
    let mut inner = finding(
        "aadsts54005-code-already-redeemed",
        Symptom::TokenRedemptionFailed,
        Severity::Warning,
        1,
    );
    inner.codes = vec![Shown::ours("AADSTS54005")];
    inner.codes_seen = wrapper.codes_seen.clone();
    inner.incidents = wrapper.incidents.clone();
    let mut r = report(vec![wrapper.clone(), inner]);
    decide(&mut r, &compiled);
    assert_eq!(r.verdict.unwrap().rule, "aadsts54005-code-already-redeemed");
    assert_eq!(
        r.findings[1].folded_into.as_deref(),
        Some("aadsts54005-code-already-redeemed")
    );
    // Alone, the wrapper is the cause.
    let mut r = report(vec![wrapper]);
    decide(&mut r, &compiled);
    assert_eq!(
        r.verdict.unwrap().rule,
        "aadsts-client-credentials-rejected-legacy"
    );
}

#[test]
fn an_http_redirect_uri_is_named_before_the_mismatch_it_causes() {
    let compiled = build_catalog(&[]).unwrap();
    let mut mismatch = finding(
        "aadsts50011-redirect-uri-mismatch",
        Symptom::RedirectUriMismatch,
        Severity::Error,
        1,
    );
    mismatch.codes = vec![Shown::ours("AADSTS50011")];
    mismatch.codes_seen = vec![Shown::ours("AADSTS50011")];
    mismatch.incidents = vec![at("browser-error.txt", 16, "2026-11-20T09:14:05Z")];
    let mut https = finding(
        "redirect-uri-must-be-https",
        Symptom::HttpsRequired,
        Severity::Error,
        1,
    );
    https.diagnosis = vec![Shown::ours("the redirect URI uses http://")];
    https.incidents = mismatch.incidents.clone();
    let mut r = report(vec![mismatch.clone(), https]);
    decide(&mut r, &compiled);
    assert_eq!(r.verdict.unwrap().rule, "redirect-uri-must-be-https");
    assert_eq!(
        r.findings[0].also_seen_as,
        ["aadsts50011-redirect-uri-mismatch"]
    );
    // On other events, the stated code ranks first.
    let mut other = finding(
        "redirect-uri-must-be-https",
        Symptom::HttpsRequired,
        Severity::Error,
        1,
    );
    other.diagnosis = vec![Shown::ours("the redirect URI uses http://")];
    other.incidents = vec![at(POD, 3, "2026-11-21T09:14:05Z")];
    let mut r = report(vec![other, mismatch]);
    decide(&mut r, &compiled);
    assert_eq!(r.verdict.unwrap().rule, "aadsts50011-redirect-uri-mismatch");
}

#[test]
fn the_attack_cases_of_session_12_stay_apart() {
    let compiled = build_catalog(&[]).unwrap();
    // A finding with more events than it kept does not fold by what it kept.
    let mut expired = finding(
        "aadsts7000222-client-secret-expired",
        Symptom::ClientSecretExpired,
        Severity::Error,
        1,
    );
    expired.codes = vec![Shown::ours("AADSTS7000222")];
    expired.codes_seen = expired.codes.clone();
    expired.incidents = vec![at(POD, 1, "2026-11-25T08:00:00Z")];
    let mut generic = finding(
        "sso-failed-redirect-to-login",
        Symptom::NotLoggedInAfterAuth,
        Severity::Error,
        600,
    );
    generic.incidents = vec![at(POD, 2, "2026-11-25T08:00:01Z")];
    let mut r = report(vec![expired.clone(), generic.clone()]);
    decide(&mut r, &compiled);
    assert!(
        r.findings.iter().all(|f| f.folded_into.is_none()),
        "600 events, 1 kept"
    );
    generic.count = 1;
    let mut r = report(vec![expired.clone(), generic]);
    decide(&mut r, &compiled);
    assert_eq!(r.findings[0].also_seen_as, ["sso-failed-redirect-to-login"]);

    // Only a login that never came back folds across inputs by time.
    let mut callback_404 = finding(
        "flow-callback-404",
        Symptom::WrongTenantOrApp,
        Severity::Error,
        1,
    );
    callback_404.incidents = vec![at("ingress.log", 2, "2026-11-25T07:59:56Z")];
    let mut r = report(vec![expired.clone(), callback_404]);
    decide(&mut r, &compiled);
    assert!(r.findings.iter().all(|f| f.folded_into.is_none()));

    // An unknown code Entra stated is a reason of its own.
    let mut unknown = finding(
        "unknown-aadsts-code",
        Symptom::Unknown,
        Severity::Warning,
        1,
    );
    unknown.codes_seen = vec![Shown::ours("AADSTS1234567")];
    unknown.incidents = vec![at(POD, 2, "2026-11-25T08:00:01Z")];
    let mut r = report(vec![expired.clone(), unknown]);
    decide(&mut r, &compiled);
    assert!(r.findings.iter().all(|f| f.folded_into.is_none()));

    // A warning that names the reason comes before the generic error it causes.
    let mut code_expired = finding(
        "aadsts70008-code-expired",
        Symptom::TokenRedemptionFailed,
        Severity::Warning,
        1,
    );
    code_expired.codes = vec![Shown::ours("AADSTS70008")];
    code_expired.codes_seen = code_expired.codes.clone();
    code_expired.incidents = vec![at(POD, 5, "2026-11-25T09:00:00.000Z")];
    let mut hidden = finding(
        "sso-failed-redirect-to-login",
        Symptom::NotLoggedInAfterAuth,
        Severity::Error,
        1,
    );
    hidden.incidents = vec![at(POD, 6, "2026-11-25T09:00:00.100Z")];
    let mut r = report(vec![hidden, code_expired]);
    decide(&mut r, &compiled);
    assert_eq!(r.verdict.unwrap().rule, "aadsts70008-code-expired");
    assert_eq!(
        r.findings[1].folded_into.as_deref(),
        Some("aadsts70008-code-expired")
    );
}
