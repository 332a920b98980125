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

// ---------------------------------------------------------------------------------------
// Issue #15: large captures, gzip, secrets everywhere, stdout, errors without content.
// ---------------------------------------------------------------------------------------

#[allow(dead_code, clippy::all)]
#[path = "../tools/src/genhar.rs"]
mod genhar;

/// splitmix64, for the planted secrets.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn pick(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| alphabet[(self.next() % alphabet.len() as u64) as usize] as char)
            .collect()
    }
    fn alnum(&mut self, n: usize) -> String {
        // Letters and digits both, as random credentials have.
        format!(
            "{}7k",
            self.pick(
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                n - 2
            )
        )
    }
}

/// Fake secrets of every shape a HAR carries, different for each seed.
struct Secrets {
    /// Entra client secret values (`xxx8Q~` and 34 more).
    entra: Vec<String>,
    jwt: String,
    /// Opaque tokens of 32 to 48 characters.
    opaque: Vec<String>,
    /// A SAMLResponse (base64 of an XML assertion).
    saml: String,
    /// Passwords with spaces.
    password: Vec<String>,
    code: String,
    state: Vec<String>,
}

impl Secrets {
    fn new(seed: u64) -> Secrets {
        let mut r = Rng(seed);
        let entra_tail = |r: &mut Rng| {
            r.pick(
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_~.-",
                34,
            )
        };
        let entra = (0..3)
            .map(|_| format!("{}8Q~{}", r.alnum(3), entra_tail(&mut r)))
            .collect();
        let jwt = jwt(
            &json!({"aud": CLIENT, "tid": TENANT, "sub": r.alnum(24), "nonce": "n",
            "upn": "jdoe@corp.example", "email": "jdoe@corp.example"}),
        );
        let opaque = (0..12).map(|i| r.alnum(32 + i)).collect();
        let saml = base64::engine::general_purpose::STANDARD.encode(format!(
            "<samlp:Response ID=\"_{}\" xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"><saml:Assertion><saml:Subject>jdoe@corp.example</saml:Subject><ds:SignatureValue>{}</ds:SignatureValue></saml:Assertion></samlp:Response>",
            r.alnum(32),
            r.alnum(64)
        ));
        let password = (0..3)
            .map(|_| format!("correct horse {} staple", r.alnum(8)))
            .collect();
        let code = format!("0.AXoA{}", r.alnum(90));
        let state = (0..3).map(|_| r.alnum(32)).collect();
        Secrets {
            entra,
            jwt,
            opaque,
            saml,
            password,
            code,
            state,
        }
    }

    /// Every value, and the forms it takes in a URL or form body.
    fn all(&self) -> Vec<String> {
        let mut all: Vec<String> = Vec::new();
        all.extend(self.entra.iter().cloned());
        all.push(self.jwt.split('.').nth(1).unwrap().to_string());
        all.extend(self.opaque.iter().cloned());
        all.push(self.saml[..60].to_string());
        for p in &self.password {
            all.push(p.clone());
            all.push(p.replace(' ', "+"));
            all.push(p.replace(' ', "%20"));
        }
        all.push(self.code.clone());
        all.extend(self.state.iter().cloned());
        all
    }
}

/// A capture with `s` planted in every place a HAR has: request and response headers
/// (known, `X-Api-Key`-like, `*token*`/`*session*` names, and unknown names), cookies
/// (arrays, Cookie, Set-Cookie), URLs and `queryString`, postData params and text (form,
/// camelCase JSON, multipart), response bodies plain and base64 (one line and MIME lines),
/// Entra's form_post page plain and base64, and error pages the catalog reads.
fn planted_har(s: &Secrets) -> Value {
    let b64 = |t: &str| base64::engine::general_purpose::STANDARD.encode(t);
    let mime_lines = |t: &str| {
        b64(t)
            .as_bytes()
            .chunks(76)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("\r\n")
    };
    let form_post = format!(
        r#"<html><head><title>Working...</title></head><body><form method="POST" name="hiddenform" action="https://netbox.example.com/oauth/complete/azuread-oauth2/"><input type="hidden" name="code" value="{}" /><input type="hidden" name="id_token" value="{}" /><input type="hidden" name="state" value="{}" /><input type="hidden" name="session_state" value="{}" /><noscript><input type="submit" value="Continue" /></noscript></form><script>document.forms[0].submit();</script></body></html>"#,
        s.code, s.jwt, s.state[0], s.opaque[0]
    );
    let saml_post = format!(
        r#"<html><body onload="document.forms[0].submit()"><form method="post" action="https://netbox.example.com/sso/acs/"><input type='hidden' name='SAMLResponse' value='{}'/><input type='hidden' name='RelayState' value='{}'/></form></body></html>"#,
        s.saml, s.opaque[1]
    );
    let authorize = format!(
        "https://login.microsoftonline.com/{TENANT}/oauth2/authorize?client_id={CLIENT}&redirect_uri=https%3A%2F%2Fnetbox.example.com%2Foauth%2Fcomplete%2Fazuread-oauth2%2F&response_type=code&state={}&nonce={}&scope=openid",
        s.state[0], s.opaque[2]
    );
    let token_json = json!({"tokenType": "Bearer", "accessToken": s.jwt, "idToken": s.jwt,
        "refreshToken": s.opaque[3], "sessionState": s.opaque[4], "apiKey": s.opaque[5],
        "expiresIn": 3599, "nested": {"clientSecret": s.entra[0]}})
    .to_string();
    let error_body = json!({"error": "invalid_client",
        "error_description": "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.",
        "error_codes": [7000215], "clientSecret": s.entra[1], "refreshToken": s.opaque[6],
        "correlation_id": "7c6b5a49-3827-4165-9f8e-7d6c5b4a3928"})
    .to_string();
    let multipart = format!(
        "--XyZ\r\nContent-Disposition: form-data; name=\"client_secret\"\r\n\r\n{}\r\n--XyZ\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\n{}\r\n--XyZ\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nclient_credentials\r\n--XyZ--\r\n",
        s.entra[2], s.password[2]
    );
    let at = "2026-11-20T10:00:00.000Z";
    let ua =
        json!({"name": "User-Agent", "value": "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"});
    json!({"log": {"version": "1.2", "creator": {"name": "test", "version": "1"},
    "pages": [{"id": "page_1", "title": format!("https://netbox.example.com/?token={}", s.opaque[7])}],
    "entries": [
        {"startedDateTime": at, "request": {"method": "GET",
            "url": format!("https://netbox.example.com/oauth/login/azuread-oauth2/?apiKey={}", s.opaque[8]),
            "queryString": [{"name": "apiKey", "value": s.opaque[8]}],
            "headers": [ua, {"name": "Authorization", "value": format!("Bearer {}", s.jwt)},
                {"name": "X-Api-Key", "value": s.opaque[9]},
                {"name": "X-Request-Token", "value": s.opaque[10]},
                {"name": "X-Upstream-Session", "value": s.password[0]},
                {"name": "X-Trace-Blob", "value": s.opaque[11]},
                {"name": "Cookie", "value": format!("sessionid={}; csrftoken={}", s.opaque[0], s.opaque[1])}],
            "cookies": [{"name": "sessionid", "value": s.opaque[0]}, {"name": "other", "value": s.password[1]}]},
         "response": {"status": 302, "headers": [{"name": "Location", "value": authorize},
                {"name": "Set-Cookie", "value": format!("sessionid={}; Path=/; SameSite=Lax; Secure", s.opaque[2])}],
            "cookies": [{"name": "sessionid", "value": s.opaque[2]}], "content": {"size": 0, "mimeType": "text/html"}}},
        {"startedDateTime": at, "request": {"method": "GET", "url": authorize, "headers": [ua]},
         "response": {"status": 200, "headers": [], "content": {"mimeType": "text/html",
            "text": format!("<html><script>var $Config={{\"sFT\":\"{}\",\"clientSecret\":\"{}\",\"title\":\"Sign in\"}};</script></html>", s.opaque[3], s.entra[0])}}},
        {"startedDateTime": at, "request": {"method": "POST", "url": "https://login.microsoftonline.com/common/login", "headers": [ua],
            "postData": {"mimeType": "application/x-www-form-urlencoded",
                "params": [{"name": "login", "value": "jdoe@corp.example"}, {"name": "passwd", "value": s.password[0]}],
                "text": format!("login=jdoe%40corp.example&passwd={}", s.password[0].replace(' ', "+"))}},
         "response": {"status": 200, "headers": [], "content": {"mimeType": "text/html", "text": form_post}}},
        {"startedDateTime": at, "request": {"method": "POST", "url": "https://login.microsoftonline.com/common/login", "headers": [ua]},
         "response": {"status": 200, "headers": [], "content": {"mimeType": "text/html", "text": mime_lines(&form_post), "encoding": "base64"}}},
        {"startedDateTime": at, "request": {"method": "POST", "url": "https://login.microsoftonline.com/common/saml2", "headers": [ua]},
         "response": {"status": 200, "headers": [], "content": {"mimeType": "text/html", "text": b64(&saml_post), "encoding": "base64"}}},
        {"startedDateTime": at, "request": {"method": "POST", "url": "https://netbox.example.com/oauth/complete/azuread-oauth2/",
            "headers": [ua, {"name": "Cookie", "value": format!("sessionid={}", s.opaque[2])}],
            "postData": {"mimeType": "application/x-www-form-urlencoded",
                "params": [{"name": "code", "value": s.code}, {"name": "state", "value": s.state[0]}, {"name": "SAMLResponse", "value": s.saml}],
                "text": format!("code={}&state={}", s.code, s.state[0])}},
         "response": {"status": 302, "headers": [{"name": "Location", "value": "/"}], "content": {}}},
        {"startedDateTime": at, "request": {"method": "POST", "url": format!("https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/token"), "headers": [ua],
            "postData": {"mimeType": "application/json", "text": json!({"clientSecret": s.entra[1], "refreshToken": s.opaque[4], "password": s.password[1]}).to_string()}},
         "response": {"status": 200, "headers": [], "content": {"mimeType": "application/json", "text": token_json}}},
        {"startedDateTime": at, "request": {"method": "POST", "url": format!("https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/token"), "headers": [ua],
            "postData": {"mimeType": "multipart/form-data; boundary=XyZ", "text": multipart}},
         "response": {"status": 200, "headers": [], "content": {"mimeType": "application/json", "text": b64(&token_json), "encoding": "base64"}}},
        {"startedDateTime": at, "request": {"method": "POST", "url": format!("https://login.microsoftonline.com/{TENANT}/oauth2/token?client_secret={}", s.entra[2]), "headers": [ua]},
         "response": {"status": 401, "headers": [], "content": {"mimeType": "application/json", "text": error_body}}},
        {"startedDateTime": at, "request": {"method": "GET", "url": format!("https://login.microsoftonline.com/{TENANT}/oauth2/token"), "headers": [ua]},
         "response": {"status": 401, "headers": [], "content": {"mimeType": "application/json", "text": mime_lines(&error_body), "encoding": "base64"}}},
        {"startedDateTime": at, "request": {"method": "GET",
            "url": format!("https://netbox.example.com/oauth/complete/azuread-oauth2/?error=access_denied&error_description=AADSTS65004%3a+User+declined+to+consent&state={}&access_token={}", s.state[1], s.opaque[5]),
            "headers": [ua]},
         "response": {"status": 302, "headers": [{"name": "Location", "value": "/login/?next=/"}], "content": {}}},
        {"startedDateTime": at, "request": {"method": "GET", "url": authorize, "headers": [ua]},
         "response": {"status": 302, "redirectURL": format!("https://netbox.example.com/oauth/complete/azuread-oauth2/?error=invalid_request&state={}&code={}&id_token={}", s.state[2], s.code, s.jwt),
            "headers": [], "content": {}}},
    ]}})
}

/// Every text a redacted copy holds: the file, and each base64 body decoded.
fn texts_of(copy: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(copy).unwrap_or_else(|e| panic!("not JSON ({e})"));
    let mut out = vec![copy.to_string()];
    for e in v["log"]["entries"].as_array().unwrap() {
        let c = &e["response"]["content"];
        if c["encoding"] == "base64"
            && let Some(t) = c["text"].as_str()
        {
            let packed: String = t.chars().filter(|c| !c.is_whitespace()).collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(packed)
                .expect("the copy's base64 bodies stay base64");
            out.push(String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    out
}

#[test]
fn planted_secrets_survive_neither_redact_har_nor_scan() {
    let dir = tempfile::tempdir().unwrap();
    for seed in [1, 2, 3] {
        let secrets = Secrets::new(seed);
        let input = write(&dir, "planted.har", &planted_har(&secrets));
        let out = dir.path().join("safe.har");
        let (code, _, err) = run(&["redact-har", input.to_str().unwrap(), out.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        let copy = std::fs::read_to_string(&out).unwrap();
        for text in texts_of(&copy) {
            for secret in secrets.all() {
                assert!(
                    !text.contains(&secret),
                    "seed {seed}: {secret} left in\n{text}"
                );
            }
            assert!(
                !text.contains("redacted:") && !text.contains('\u{1}'),
                "an internal mask left: {text}"
            );
        }
        let v: Value = serde_json::from_str(&copy).unwrap();
        assert_eq!(v["log"]["entries"].as_array().unwrap().len(), 12);
        // Numbered placeholders; the same value keeps its number across the document.
        assert!(
            copy.contains("<token#1>") && copy.contains("<cookie#1>"),
            "{copy}"
        );
        assert!(copy.contains("<secret#1>") && copy.contains("<password#1>"));
        assert!(copy.contains("<code#1>") && copy.contains("<state#1>"));
        // What diagnosis needs is kept.
        assert!(copy.contains("client_id=6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"));
        assert!(copy.contains("7c6b5a49-3827-4165-9f8e-7d6c5b4a3928"));
        assert!(copy.contains(r#"value=\"Continue\""#));
        assert!(copy.contains(r#"\"expiresIn\":3599"#), "{copy}");
        // The same copy on stdout.
        let (code, stdout, err) = run(&["redact-har", input.to_str().unwrap(), "-"]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(stdout, copy);
        assert!(err.contains("12 entries written to stdout"), "{err}");
        // Both read by scan, and neither shows a secret in any format.
        for file in [&input, &out] {
            for format in ["json", "jsonl", "table", "markdown"] {
                let (code, stdout, err) = run(&[
                    "scan",
                    "-o",
                    format,
                    "--color",
                    "never",
                    file.to_str().unwrap(),
                ]);
                assert!(code == 0 || code == 1, "{format} {}: {err}", file.display());
                for secret in secrets.all() {
                    assert!(
                        !stdout.contains(&secret) && !err.contains(&secret),
                        "seed {seed}: scan -o {format} of {} shows {secret}",
                        file.display()
                    );
                }
            }
        }
        let r = scan(&[input.to_str().unwrap()]);
        assert!(
            rules(&r).contains(&"aadsts7000215-invalid-client-secret"),
            "{:?}",
            rules(&r)
        );
    }
}

#[test]
fn gzipped_har_is_a_har() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let plain = std::fs::read(fixture("consent-declined.har")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&plain).unwrap();
    let gz = gz.finish().unwrap();
    let expected = scan(&[fixture("consent-declined.har").to_str().unwrap()]);
    // By name, and by content whatever the name.
    for name in ["capture.har.gz", "capture.gz", "whatever.json.gz"] {
        let p = dir.path().join(name);
        std::fs::write(&p, &gz).unwrap();
        let r = scan(&[p.to_str().unwrap()]);
        assert_eq!(rules(&r), rules(&expected), "{name}");
        let steps = |r: &Value| -> Vec<(Value, Value)> {
            r["flows"][0]["steps"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| (s["step"].clone(), s["line"].clone()))
                .collect()
        };
        assert_eq!(steps(&r), steps(&expected), "{name}");
        assert_eq!(r["flows"][0]["outcome"], "failed");
        assert_eq!(r["summary"]["bytes"], plain.len() as u64, "{name}");
        // redact-har reads it too.
        let out = dir.path().join("safe.har");
        let (code, _, err) = run(&["redact-har", p.to_str().unwrap(), out.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        let copy = std::fs::read_to_string(&out).unwrap();
        for s in SECRETS {
            assert!(!copy.contains(s));
        }
    }
    // A gzip cut short: one line naming the file, and exit 2.
    let cut = dir.path().join("cut.har.gz");
    std::fs::write(&cut, &gz[..gz.len() / 2]).unwrap();
    let (code, _, err) = run(&["scan", cut.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.lines().any(|l| l.contains("cut.har.gz")), "{err}");
}

#[test]
fn broken_har_names_the_place_never_the_content() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], &str); 4] = [
        (
            "syntax.har",
            b"{\"log\": {\"entries\": [\n  {\"request\": {\"url\": \"https://h/?code=SeKrEtCoDe0123456789\"}},\n  {\"request\": SeKrEtCoDe0123456789}\n]}}",
            "JSON syntax error at line 3, column 15",
        ),
        (
            "type.har",
            b"{\"log\": {\"entries\": [{}, {\"response\": {\"status\": \"SeKrEtCoDe0123456789\"}}]}}",
            "entry 2 has a field of the wrong type at line 1, column",
        ),
        (
            "cut.har",
            b"{\"log\": {\"entries\": [{\"request\": {\"url\": \"SeKrEtCoDe0123456789",
            "the JSON ends early at line 1, column",
        ),
        (
            "entries.har",
            b"{\"log\": {\"entries\": \"SeKrEtCoDe0123456789\"}}",
            "log.entries is not an array (line 1, column",
        ),
    ];
    for (name, bytes, message) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        let out = dir.path().join("o.har");
        let mut runs = vec![vec!["scan", p.to_str().unwrap()]];
        // redact-har reads entries as plain JSON: a field of another type is still masked.
        if name != "type.har" {
            runs.push(vec![
                "redact-har",
                p.to_str().unwrap(),
                out.to_str().unwrap(),
            ]);
            runs.push(vec!["redact-har", p.to_str().unwrap(), "-"]);
        }
        for args in runs {
            let (code, _, err) = run(&args);
            assert_eq!(code, 2, "{args:?}");
            let line = err
                .lines()
                .find(|l| l.contains(name))
                .unwrap_or_else(|| panic!("{args:?}: {err}"));
            assert!(line.contains(message), "{args:?}: {line}");
            assert!(!err.contains("SeKrEt"), "{args:?} quotes the input: {err}");
        }
        assert!(!out.exists(), "no half copy left behind");
        assert!(
            std::fs::read_dir(dir.path()).unwrap().all(|e| !e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("partial")),
            "no partial file left"
        );
    }
}

#[test]
fn closed_stdout_ends_quietly() {
    use std::io::Read;
    use std::process::{Command as Std, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.har");
    let mut bytes = Vec::new();
    genhar::generate(&mut bytes, 3000, 7).unwrap();
    std::fs::write(&big, &bytes).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("sso-triage");
    for args in [
        vec!["redact-har", big.to_str().unwrap(), "-"],
        vec!["scan", "-o", "json", big.to_str().unwrap()],
    ] {
        let mut child = Std::new(&bin)
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut head = [0u8; 100];
        child.stdout.take().unwrap().read_exact(&mut head).unwrap();
        // The pipe is closed here, as `| head -c 100` would.
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(
            out.status.code() == Some(0) || out.status.code() == Some(1),
            "{args:?}: {:?} {err}",
            out.status
        );
    }
}

#[test]
fn a_long_capture_is_counted_with_bounded_flows() {
    let dir = tempfile::tempdir().unwrap();
    // Few failures (every one listed), then so many that the oldest are counted, not held.
    for (logins, refuse, lose) in [(3000u64, 50u64, 70u64), (6000, 2, 3)] {
        let mut bytes = Vec::new();
        genhar::generate_with(&mut bytes, logins * 7, 3, refuse, lose).unwrap();
        let p = dir.path().join("long.har");
        std::fs::write(&p, &bytes).unwrap();
        let r = scan(&[p.to_str().unwrap()]);
        let refused = logins / refuse;
        let lost = (1..=logins)
            .filter(|l| l.is_multiple_of(lose) && !l.is_multiple_of(refuse))
            .count() as u64;
        assert_eq!(
            finding(&r, "aadsts50011-redirect-uri-mismatch")["count"],
            refused
        );
        assert_eq!(finding(&r, "har-session-cookie-lost")["count"], lost);
        let flows = r["flows"].as_array().unwrap();
        let listed = flows.len() as u64;
        let s = &r["summary"];
        let count = |k: &str| s[k].as_u64().unwrap_or(0);
        assert_eq!(
            listed
                + count("flows_unlisted")
                + count("failed_flows_unlisted")
                + count("abandoned_flows_unlisted"),
            logins,
            "every login is counted: {s}"
        );
        assert!(listed <= 4096, "flows held are bounded: {listed}");
        let failed = flows.iter().filter(|f| f["outcome"] == "failed").count() as u64;
        assert_eq!(
            failed + count("failed_flows_unlisted"),
            refused + lost,
            "{s}"
        );
        assert_eq!(count("abandoned_flows_unlisted"), 0, "{s}");
        // No secret of the generated capture in the report.
        let text = r.to_string();
        assert!(!text.contains("0.AXoA") && !text.contains("sessionid="));
    }
}

/// No input makes the HAR reader or redact-har panic: mutated captures (bytes deleted,
/// inserted, replaced, cut, repeated) and arbitrary JSON under `log.entries`. A copy that
/// redact-har writes is JSON, and scan reads it whenever it read the input.
mod no_panic {
    use std::sync::OnceLock;

    use proptest::prelude::*;
    use serde_json::{Map, Value, json};
    use sso_triage::catalog::compile::Compiled;
    use sso_triage::har;

    fn compiled() -> &'static Compiled {
        static C: OnceLock<Compiled> = OnceLock::new();
        C.get_or_init(|| sso_triage::app::build_catalog(&[]).expect("the embedded catalog"))
    }

    fn base() -> &'static [u8] {
        static B: OnceLock<Vec<u8>> = OnceLock::new();
        B.get_or_init(|| {
            let mut har = super::planted_har(&super::Secrets::new(11));
            let mut more = Vec::new();
            super::genhar::generate(&mut more, 14, 5).unwrap();
            let more: Value = serde_json::from_slice(&more).unwrap();
            let entries = har["log"]["entries"].as_array_mut().unwrap();
            entries.extend(more["log"]["entries"].as_array().unwrap().iter().cloned());
            serde_json::to_vec_pretty(&har).unwrap()
        })
    }

    fn check(bytes: &[u8]) {
        let options = har::Options {
            flow_timeout_secs: 600,
            ..har::Options::default()
        };
        let (_, read) = har::scan_bytes(bytes, "mutated.har", compiled(), &options);
        let mut copy = Vec::new();
        let redacted = har::redact_reader(std::path::Path::new("m.har"), bytes, &mut copy);
        if let Err(e) = &read {
            let line = e.to_string();
            assert!(!line.contains('\n'), "{line}");
        }
        if redacted.is_ok() {
            let v: Value = serde_json::from_slice(&copy).expect("the copy is JSON");
            assert!(v["log"]["entries"].is_array());
            if read.is_ok() {
                let (_, again) = har::scan_bytes(&copy, "copy.har", compiled(), &options);
                assert!(again.is_ok(), "{again:?}");
            }
        }
    }

    fn mutate(base: &[u8], ops: &[(usize, u8, u8, usize)]) -> Vec<u8> {
        let mut b = base.to_vec();
        for &(at, op, byte, len) in ops {
            if b.is_empty() {
                break;
            }
            let at = at % b.len();
            let end = (at + len).min(b.len());
            match op {
                0 => {
                    b.drain(at..end);
                }
                1 => b.insert(at, byte),
                2 => b[at] = byte,
                3 => b.truncate(at),
                _ => {
                    let piece = b[at..end].to_vec();
                    b.splice(at..at, piece);
                }
            }
        }
        b
    }

    /// Strings that reach every branch of the masking: secrets, URLs, forms, HTML, base64.
    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("Abc8Q~FAKEfakeFAKEfakeFAKEfakeFAKEfake12".to_string()),
            Just("https://nb.example.com/oauth/complete/azuread-oauth2/?code=0.AXoAxxxxxxxxxxxxxxxxxxxxxxxxxxx&state=s".to_string()),
            Just("<input type=hidden name=code value=0.AXoAzzzzzzzzzzzzzzzzzzzzzzzzz>".to_string()),
            Just("PGlucHV0IG5hbWU9ImNvZGUiIHZhbHVlPSJ4Ij4=".to_string()),
            Just("a=b&client_secret=x y&c".to_string()),
            Just("{\"clientSecret\": \"x\", \"a\": [1, {\"idToken\": null}]}".to_string()),
            Just("sessionid=abc; Path=/\ncsrftoken=def".to_string()),
            Just("base64".to_string()),
            Just("AADSTS50011: The redirect URI 'http://x/' specified".to_string()),
            ".{0,40}",
            "[A-Za-z0-9+/=~._-]{0,80}",
        ]
    }

    fn key() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(vec![
                "request",
                "response",
                "url",
                "headers",
                "name",
                "value",
                "content",
                "text",
                "encoding",
                "postData",
                "mimeType",
                "cookies",
                "status",
                "queryString",
                "redirectURL",
                "startedDateTime",
                "params",
                "method",
            ])
            .prop_map(str::to_string),
            "[a-zA-Z_]{1,12}",
        ]
    }

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(|f| json!(f)),
            text().prop_map(Value::String),
        ];
        leaf.prop_recursive(5, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((key(), inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn mutated_captures(ops in prop::collection::vec((any::<usize>(), 0u8..5, any::<u8>(), 0usize..200), 1..6)) {
            check(&mutate(base(), &ops));
        }

        #[test]
        fn arbitrary_entries(entries in prop::collection::vec(value(), 0..8), extra in value()) {
            let doc = json!({"log": {"entries": entries, "pages": extra.clone()}, "x": extra});
            check(&serde_json::to_vec(&doc).unwrap());
            check(&serde_json::to_vec_pretty(&doc).unwrap());
        }
    }
}
