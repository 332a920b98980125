//! Tokens built here (base64url claims, fake signature): clock skew, group overage and
//! audience in a HAR's token response, and tokens in a debug log line.

use serde_json::json;

use super::{CLIENT, SECRETS, TENANT, finding, jwt, run, scan, token_har, write};

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
