//! The browser stories of `tests/fixtures/har/`: a healthy login, AADSTS50011 with an http
//! redirect URI, consent declined, a lost session cookie, a redirect loop.

use serde_json::json;

use super::{CLIENT, finding, fixture, flow, rules, scan};

#[test]
fn success_reports_nothing() {
    let r = scan(&[fixture("success.har").to_str().unwrap()]);
    assert!(rules(&r).is_empty(), "{:?}", rules(&r));
    assert_eq!(flow(&r, 0), ("succeeded", "done"));
    let steps: Vec<&str> = r["flows"][0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["begin", "authorize", "callback"]);
    let authorize = &r["flows"][0]["steps"][1]["detail"].as_str().unwrap();
    assert!(
        authorize.contains(&format!("client_id={CLIENT}")),
        "{authorize}"
    );
    assert!(
        authorize.contains("response_type=code") && authorize.contains("prompt=select_account")
    );
}

#[test]
fn aadsts50011_with_http_redirect_uri() {
    let path = fixture("aadsts50011-http.har");
    let r = scan(&[path.to_str().unwrap()]);
    let f = finding(&r, "aadsts50011-redirect-uri-mismatch");
    assert_eq!(
        f["entra"]["trace_ids"][0],
        "3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9"
    );
    assert_eq!(
        f["entra"]["correlation_ids"][0],
        "7c6b5a49-3827-4165-9f8e-7d6c5b4a3928"
    );
    assert_eq!(f["evidence"][0]["line"], 2, "the entry number");
    assert_eq!(
        finding(&r, "redirect-uri-must-be-https")["symptom"],
        "https-required"
    );
    let sent = finding(&r, "har-redirect-uri-invalid");
    assert!(sent["diagnosis"][0].as_str().unwrap().contains("http://"));
    assert_eq!(flow(&r, 0), ("failed", "authorize"));
    // Against the registered URI: exactly which part differs.
    let r = scan(&[
        path.to_str().unwrap(),
        "--redirect-uri",
        "https://netbox.example.com/oauth/complete/azuread-oauth2/",
    ]);
    let d = finding(&r, "har-redirect-uri-differs");
    assert_eq!(
        d["diagnosis"],
        json!(["scheme: sent http://, expected https://"])
    );
}

#[test]
fn consent_declined_on_the_callback() {
    let r = scan(&[fixture("consent-declined.har").to_str().unwrap()]);
    let f = finding(&r, "aadsts65004-consent-declined");
    assert_eq!(f["symptom"], "user-not-assigned-or-consent");
    assert!(
        f["codes_seen"]
            .as_array()
            .unwrap()
            .contains(&json!("AADSTS65004"))
    );
    assert_eq!(
        f["entra"]["correlation_ids"][0],
        "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
    );
    assert_eq!(flow(&r, 0), ("failed", "callback"));
}

#[test]
fn lost_session_cookie() {
    let r = scan(&[fixture("lost-session-cookie.har").to_str().unwrap()]);
    let f = finding(&r, "har-session-cookie-lost");
    assert_eq!(f["symptom"], "session-state-lost");
    assert_eq!(f["codes_seen"], json!(["AuthStateMissing"]));
    assert!(
        f["diagnosis"][0]
            .as_str()
            .unwrap()
            .contains("SameSite=Strict")
    );
    assert_eq!(flow(&r, 0), ("failed", "callback"));
    assert_eq!(
        r["flows"][0]["findings"],
        json!(["har-session-cookie-lost"])
    );
    assert!(
        !rules(&r).contains(&"flow-bounced-to-login"),
        "the lost cookie explains the bounce"
    );
}

#[test]
fn redirect_loop() {
    let r = scan(&[fixture("redirect-loop.har").to_str().unwrap()]);
    assert_eq!(finding(&r, "flow-redirect-loop")["count"], 3);
    assert_eq!(r["flows"].as_array().unwrap().len(), 3);
    assert_eq!(flow(&r, 2), ("failed", "landing"));
}
