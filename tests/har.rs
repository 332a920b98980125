//! HAR captures end to end: `sso-triage scan capture.har` on the browser stories in
//! `tests/fixtures/har/`, tokens built here (base64url claims, fake signature), and
//! `redact-har`. Every test runs the built binary.
//!
//! One test binary: the topics are modules in `tests/har/`; this file holds the helpers they
//! share and includes the tools crate's `genhar`.

#![allow(clippy::unwrap_used)] // a failing test should panic with the value it got

use std::path::PathBuf;

use assert_cmd::Command;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

#[path = "support/schema.rs"]
mod schema;

#[path = "har/captures.rs"]
mod captures;
#[path = "har/no_panic.rs"]
mod no_panic;
#[path = "har/planted.rs"]
mod planted;
#[path = "har/redact.rs"]
mod redact;
#[path = "har/stories.rs"]
mod stories;
#[path = "har/tokens.rs"]
mod tokens;

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
    let report =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("bad JSON ({e}): {out}\n{err}"));
    schema::check_report(&report);
    report
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

// The HAR generator of the tools crate, for large captures (`captures`, `no_panic`).
#[allow(dead_code, clippy::all)]
#[path = "../tools/src/genhar.rs"]
mod genhar;
