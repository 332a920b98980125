use super::*;
use crate::parse::access;

fn feed(lines: &[&str]) -> Vec<Flow> {
    let mut c = Correlator::new(Duration::seconds(DEFAULT_FLOW_TIMEOUT_SECS));
    for (n, line) in lines.iter().enumerate() {
        let origin = |time| Origin {
            source: "test.log",
            line: n as u64 + 1,
            pod: None,
            time,
        };
        match access::parse(line) {
            Some(a) => c.request(&a, &origin(a.time)),
            None => {
                let t = crate::parse::timestamp::find(line.as_bytes());
                c.error(
                    &origin(t),
                    &[line.split_whitespace().last().unwrap_or("x").to_string()],
                );
            }
        }
    }
    c.finish(None)
}

const UA_A: &str = "Mozilla/5.0 (Windows NT 10.0) Chrome/155.0";
const UA_B: &str = "Mozilla/5.0 (Macintosh) Safari/18.1";

fn req(ua: &str, time: &str, target: &str, status: u16) -> String {
    format!(
        r#"10.42.0.1 - - [20/Nov/2026:{time} +0000] "GET {target} HTTP/1.1" {status} 0 "-" "{ua}""#
    )
}

#[test]
fn success() {
    let flows = feed(&[
        &req(UA_A, "09:00:00", "/oauth/login/azuread-oauth2/?next=/", 302),
        &req(
            UA_A,
            "09:00:05",
            "/oauth/complete/azuread-oauth2/?code=c1&state=s1",
            302,
        ),
        &req(UA_A, "09:30:00", "/oauth/login/azuread-oauth2/?next=/", 302),
    ]);
    assert_eq!(flows[0].outcome, Outcome::Succeeded);
    assert_eq!(flows[0].stopped_at, Stop::Done);
    assert_eq!(flows[0].backend.as_deref(), Some("azuread-oauth2"));
    assert_eq!(flows[0].steps.len(), 2);
    assert!(flows[0].keys.iter().any(|k| k.starts_with("state:")));
    assert!(
        !flows[0].keys.iter().any(|k| k.contains("s1")),
        "keys never show values"
    );
}

#[test]
fn abandoned_at_entra_and_incomplete_at_end() {
    let flows = feed(&[
        &req(UA_A, "09:00:00", "/oauth/login/azuread-oauth2/", 302),
        &req(UA_B, "09:20:00", "/login/", 200),
        &req(UA_B, "09:20:01", "/oauth/login/azuread-oauth2/", 302),
    ]);
    assert_eq!(flows[0].outcome, Outcome::Abandoned);
    assert_eq!(flows[0].conditions, vec![(Condition::NoCallback, 1)]);
    assert_eq!(
        flows[1].outcome,
        Outcome::Incomplete,
        "the log ends within the timeout"
    );
    assert!(flows[1].conditions.is_empty());
}

#[test]
fn bounce_to_login_and_redirect_loop() {
    let flows = feed(&[
        &req(UA_A, "09:00:00", "/oauth/login/azuread-oauth2/", 302),
        &req(
            UA_A,
            "09:00:04",
            "/oauth/complete/azuread-oauth2/?code=c1&state=s1",
            302,
        ),
        &req(UA_A, "09:00:05", "/login/", 200),
        &req(UA_B, "09:01:00", "/oauth/login/azuread-oauth2/", 302),
        &req(
            UA_B,
            "09:01:04",
            "/oauth/complete/azuread-oauth2/?code=c2&state=s2",
            302,
        ),
        &req(UA_B, "09:01:05", "/login/?next=/", 200),
    ]);
    assert_eq!(flows.len(), 2, "two users behind one address stay apart");
    assert_eq!(flows[0].conditions, vec![(Condition::BouncedToLogin, 3)]);
    assert_eq!(flows[0].stopped_at, Stop::Landing);
    assert_eq!(flows[1].conditions, vec![(Condition::RedirectLoop, 6)]);
}

#[test]
fn replayed_code_and_error_callback_and_404() {
    let flows = feed(&[
        &req(
            UA_A,
            "09:00:04",
            "/oauth/complete/azuread-oauth2/?code=same&state=s1",
            302,
        ),
        &req(
            UA_A,
            "09:00:09",
            "/oauth/complete/azuread-oauth2/?code=same&state=s1",
            302,
        ),
        &req(
            UA_B,
            "09:02:00",
            "/oauth/complete/azuread-oauth2/?error=access_denied&state=s3",
            302,
        ),
        &req(
            UA_B,
            "09:05:00",
            "/oauth/complete/azuread-tenant-oauth2/?code=c9&state=s9",
            404,
        ),
    ]);
    assert_eq!(flows[1].conditions, vec![(Condition::ReplayedCode, 2)]);
    assert_eq!(flows[2].outcome, Outcome::Failed);
    assert_eq!(flows[2].stopped_at, Stop::Callback);
    assert_eq!(flows[3].conditions, vec![(Condition::Callback404, 4)]);
    assert_eq!(flows[3].backend.as_deref(), Some("azuread-tenant-oauth2"));
}

#[test]
fn errors_join_the_nearest_callback_before_or_after() {
    let flows = feed(&[
        "2026-11-20T09:00:03Z Request failed with 400: invalid_grant aadsts54005-code-already-redeemed",
        &req(
            UA_A,
            "09:00:04",
            "/oauth/complete/azuread-oauth2/?code=c1&state=s1",
            302,
        ),
        "2026-11-20T09:00:05Z social_core.exceptions.AuthCanceled auth-canceled-token-endpoint-400",
    ]);
    assert_eq!(flows.len(), 1);
    assert_eq!(flows[0].outcome, Outcome::Failed);
    assert_eq!(
        flows[0].findings,
        vec![
            "aadsts54005-code-already-redeemed".to_string(),
            "auth-canceled-token-endpoint-400".to_string()
        ]
    );
}
