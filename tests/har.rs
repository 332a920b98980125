//! HAR captures end to end: `sso-triage scan capture.har` on the browser stories in
//! `tests/fixtures/har/`, tokens built here (base64url claims, fake signature), and
//! `redact-har`. Every test runs the built binary.

#![allow(clippy::unwrap_used)] // a failing test should panic with the value it got

use std::path::PathBuf;

use assert_cmd::Command;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

const CLIENT: &str = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const TENANT: &str = "0b0e7a1c-2d3f-4a5b-8c9d-0e1f2a3b4c5d";
/// Secrets planted in the fixtures.
const SECRETS: &[&str] = &[
    "0.AXoAFAKEcode",
    "Qm9uZ1N0YXRlVmFsdWVGYWtlMTIzNDU2",
    "k3j4h5g6f7d8s9a0fakesessionvalue",
    "FakeCsrfTokenValue1234567890abcd",
];

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/har")
        .join(name)
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("sso-triage")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn scan(args: &[&str]) -> Value {
    let mut all = vec!["scan", "-o", "json"];
    all.extend_from_slice(args);
    let (_, out, err) = run(&all);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("bad JSON ({e}): {out}\n{err}"))
}

fn rules(r: &Value) -> Vec<&str> {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect()
}

fn finding<'a>(r: &'a Value, rule: &str) -> &'a Value {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} in {:?}", rules(r)))
}

fn flow(r: &Value, n: usize) -> (&str, &str) {
    let f = &r["flows"][n];
    (
        f["outcome"].as_str().unwrap(),
        f["stopped_at"].as_str().unwrap(),
    )
}

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

fn jwt(claims: &Value) -> String {
    format!(
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.{}.ZmFrZS1zaWduYXR1cmUtbm90LXJlYWw",
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

/// A HAR of one login whose token response (as a developer's capture of the token
/// endpoint would show it) carries `id_token`.
fn token_har(id_token: &str, at: &str) -> Value {
    let authorize = format!(
        "https://login.microsoftonline.com/{TENANT}/oauth2/authorize?client_id={CLIENT}&redirect_uri=https%3A%2F%2Fnetbox.example.com%2Foauth%2Fcomplete%2Fazuread-oauth2%2F&response_type=code&state=Qm9uZ1N0YXRlVmFsdWVGYWtlMTIzNDU2&scope=openid"
    );
    let body =
        json!({"token_type": "Bearer", "id_token": id_token, "access_token": id_token}).to_string();
    json!({"log": {"version": "1.2", "entries": [
        {"startedDateTime": at, "request": {"method": "GET", "url": "https://netbox.example.com/oauth/login/azuread-oauth2/", "headers": []},
         "response": {"status": 302, "headers": [{"name": "Location", "value": authorize}], "content": {}}},
        {"startedDateTime": at, "request": {"method": "GET", "url": authorize, "headers": []},
         "response": {"status": 200, "headers": [], "content": {}}},
        {"startedDateTime": at, "request": {"method": "POST", "url": format!("https://login.microsoftonline.com/{TENANT}/oauth2/token"), "headers": [],
            "postData": {"mimeType": "application/x-www-form-urlencoded", "text": "grant_type=authorization_code&client_secret=Abc8Q~FAKEfakeFAKEfakeFAKEfakeFAKEfake12&code=0.AXoAFAKEcodeFAKEcodeFAKEcodeFAKE"}},
         "response": {"status": 200, "headers": [], "content": {"mimeType": "application/json", "text": body}}},
    ]}})
}

fn write(dir: &tempfile::TempDir, name: &str, v: &Value) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    p
}

#[test]
fn tokens_clock_skew_overage_and_audience() {
    let at = "2026-11-20T10:00:00.000Z";
    let now = 1_795_168_800; // 2026-11-20T10:00:00Z
    let dir = tempfile::tempdir().unwrap();
    let skewed = jwt(
        &json!({"aud": CLIENT, "tid": TENANT, "iss": format!("https://sts.windows.net/{TENANT}/"),
        "iat": now + 900, "nbf": now + 900, "exp": now + 4500, "upn": "jdoe@corp.example", "email": "jdoe@corp.example",
        "groups": ["g1"], "nonce": "n"}),
    );
    let overage = jwt(
        &json!({"aud": CLIENT, "tid": TENANT, "iat": now, "nbf": now, "exp": now + 3600,
        "upn": "jdoe@corp.example", "email": "jdoe@corp.example", "_claim_names": {"groups": "src1"},
        "_claim_sources": {"src1": {"endpoint": "https://graph.windows.net/x/users/y/getMemberObjects"}}, "nonce": "n"}),
    );
    let other_app = jwt(
        &json!({"aud": "11111111-2222-4333-8444-555555555555", "tid": TENANT, "iat": now, "nbf": now,
        "exp": now + 3600, "email": "guest@other.example", "groups": ["g"], "nonce": "n"}),
    );
    let mut planted = Vec::new();
    for (name, token) in [
        ("skew.har", &skewed),
        ("overage.har", &overage),
        ("aud.har", &other_app),
    ] {
        planted.push(write(&dir, name, &token_har(token, at)));
    }
    let paths: Vec<&str> = planted.iter().map(|p| p.to_str().unwrap()).collect();
    let r = scan(&paths);
    let skew = finding(&r, "token-clock-skew");
    assert_eq!(skew["symptom"], "clock-skew");
    assert!(
        skew["diagnosis"][0]
            .as_str()
            .unwrap()
            .contains("900 s after")
    );
    assert_eq!(
        finding(&r, "token-group-overage")["symptom"],
        "group-claims"
    );
    let aud = finding(&r, "token-audience-mismatch");
    assert_eq!(aud["symptom"], "wrong-tenant-or-app");
    assert!(
        aud["evidence"][0]["text"]
            .as_str()
            .unwrap()
            .contains("aud=11111111-2222-4333-8444-555555555555")
    );
    let missing = finding(&r, "token-missing-claim");
    assert!(missing["diagnosis"][0].as_str().unwrap().contains("no upn"));
    // No token, code or secret in any format; identities masked on request.
    for format in ["table", "json", "jsonl", "markdown", "html"] {
        let mut args = vec!["scan", "-o", format, "--color", "never"];
        args.extend(paths.iter().copied());
        let (_, out, err) = run(&args);
        for t in [&skewed, &overage, &other_app] {
            let payload = t.split('.').nth(1).unwrap();
            assert!(
                !out.contains(payload) && !err.contains(payload),
                "{format} shows a token"
            );
        }
        for s in SECRETS.iter().chain(&["FAKEfakeFAKE"]) {
            assert!(!out.contains(s), "{format} shows {s}");
        }
    }
    let mut args = vec!["scan", "-o", "json", "--redact-users"];
    args.extend(paths.iter().copied());
    let (_, out, _) = run(&args);
    assert!(!out.contains("jdoe@corp.example"));
}

#[test]
fn no_format_shows_a_fixture_secret() {
    let all: Vec<PathBuf> = std::fs::read_dir(fixture(""))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    for format in ["table", "json", "jsonl", "markdown", "html"] {
        let mut args = vec!["scan".to_string(), "-o".into(), format.into()];
        args.extend(all.iter().map(|p| p.display().to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, out, err) = run(&args);
        assert_eq!(code, 1, "{err}");
        for s in SECRETS {
            assert!(!out.contains(s) && !err.contains(s), "{format} shows {s}");
        }
    }
}

#[test]
fn redact_har_keeps_structure_and_drops_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let at = "2026-11-20T10:00:00.000Z";
    let token = jwt(&json!({"aud": CLIENT, "nonce": "n"}));
    let mut tokens = token_har(&token, at);
    tokens["log"]["entries"][0]["request"]["headers"] =
        json!([{"name": "Authorization", "value": "Bearer sekritbearervalue123"}]);
    let inputs = [
        fixture("lost-session-cookie.har"),
        fixture("consent-declined.har"),
        write(&dir, "tokens.har", &tokens),
    ];
    for input in inputs {
        let out = dir.path().join("out.har");
        let (code, _, err) = run(&["redact-har", input.to_str().unwrap(), out.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        let before: Value = serde_json::from_slice(&std::fs::read(&input).unwrap()).unwrap();
        let text = std::fs::read_to_string(&out).unwrap();
        let after: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            before["log"]["entries"].as_array().unwrap().len(),
            after["log"]["entries"].as_array().unwrap().len()
        );
        assert_eq!(
            before["log"]["entries"][0]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            after["log"]["entries"][0]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>()
        );
        for s in SECRETS.iter().chain(&[
            "FAKEfakeFAKE",
            "sekritbearervalue123",
            token.split('.').nth(1).unwrap(),
        ]) {
            assert!(!text.contains(s), "{s} left in {}", input.display());
        }
        // Still a HAR sso-triage reads, with the same findings (token findings go: the
        // claims are masked with the token).
        let a = scan(&[input.to_str().unwrap()]);
        let b = scan(&[out.to_str().unwrap()]);
        let kept: Vec<&str> = rules(&a)
            .into_iter()
            .filter(|r| !r.starts_with("token-"))
            .collect();
        assert_eq!(kept, rules(&b));
    }
}

#[test]
fn bad_input_is_one_line_and_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.har");
    std::fs::write(&broken, b"{\"log\": {\"entries\": [ {\"request\": ").unwrap();
    let (code, _, err) = run(&["scan", broken.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.lines()
            .any(|l| l.contains("broken.har: not a valid HAR file")),
        "{err}"
    );
    let (code, _, err) = run(&[
        "redact-har",
        broken.to_str().unwrap(),
        dir.path().join("o.har").to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert_eq!(err.lines().count(), 1, "{err}");
    let good = fixture("success.har");
    let (code, _, err) = run(&["redact-har", good.to_str().unwrap(), good.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("refusing to overwrite"), "{err}");
    // Binary content with a .har name, and a HAR told by content without the name.
    let bin = dir.path().join("x.har");
    std::fs::write(
        &bin,
        b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0\x01\0\0\0",
    )
    .unwrap();
    let (code, _, err) = run(&["scan", bin.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("x.har: not a HAR file: binary"), "{err}");
    let renamed = dir.path().join("capture.json");
    std::fs::copy(fixture("consent-declined.har"), &renamed).unwrap();
    let r = scan(&[renamed.to_str().unwrap()]);
    assert!(rules(&r).contains(&"aadsts65004-consent-declined"));
    // Entries with missing fields and a base64 body.
    let odd = write(
        &dir,
        "odd.har",
        &json!({"log": {"entries": [{}, {"request": {}}, {"response": {"content": {"text": "PGh0bWw+QUFEU1RTNTAxMDU6IFVzZXIgbm90IGFzc2lnbmVkPC9odG1sPg==", "encoding": "base64"}}},
        {"request": {"url": "https://login.microsoftonline.com/common/oauth2/authorize"}, "response": {"status": 200, "content": {"text": "PGh0bWw+QUFEU1RTNTAxMDU6IFVzZXIgbm90IGFzc2lnbmVkPC9odG1sPg==", "encoding": "base64"}}}]}}),
    );
    let r = scan(&[odd.to_str().unwrap()]);
    assert!(
        rules(&r).iter().any(|r| r.contains("50105")),
        "{:?}",
        rules(&r)
    );
}

#[test]
fn tokens_in_a_debug_log_line() {
    let now = 1_795_168_800; // 2026-11-20T10:00:00Z
    let token = jwt(
        &json!({"aud": CLIENT, "tid": TENANT, "iat": now - 1200, "nbf": now - 1200,
        "exp": now - 900, "upn": "jdoe@corp.example", "email": "jdoe@corp.example",
        "hasgroups": true, "nonce": "n"}),
    );
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("netbox.log");
    std::fs::write(
        &log,
        format!("[pod/netbox-7d9f8c6b5-x2kqp/netbox] 2026-11-20T10:00:00Z DEBUG social_core.backends: token response {{'token_type': 'Bearer', 'id_token': '{token}'}}\n"),
    )
    .unwrap();
    let r = scan(&[log.to_str().unwrap()]);
    let skew = finding(&r, "token-clock-skew");
    assert!(
        skew["diagnosis"][0].as_str().unwrap().contains("exp"),
        "{skew}"
    );
    assert_eq!(
        skew["sources"],
        json!(["pod/netbox-7d9f8c6b5-x2kqp/netbox"])
    );
    assert_eq!(
        finding(&r, "token-group-overage")["symptom"],
        "group-claims"
    );
    for format in ["table", "json", "markdown"] {
        let (_, out, _) = run(&["scan", "-o", format, log.to_str().unwrap()]);
        assert!(!out.contains(token.split('.').nth(1).unwrap()), "{format}");
    }
}
