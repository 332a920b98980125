//! `redact-har` and the fixtures' secrets: no output format shows one, the redacted copy keeps
//! its structure, and bad input is one line and never overwritten.

use std::path::PathBuf;

use serde_json::{Value, json};

use super::{CLIENT, SECRETS, fixture, jwt, rules, run, scan, token_har, write};

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

/// A Django debug page (500) whose local variables hold the client secret: `scan` does not
/// show it in any format, and `redact-har` does not keep it (the hostile tester's capture).
#[test]
fn a_debug_pages_local_variables_are_masked() {
    let dir = tempfile::tempdir().unwrap();
    let page = "<html><body><h1>AuthStateMissing at /oauth/complete/azuread-oauth2/</h1>\n\
        <pre class=\"exception_value\">Session value state missing. AADSTS50011</pre>\n\
        <table class=\"vars\"><tbody>\n<tr>\n  <td>SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET</td>\n  \
        <td class=\"code\"><pre>&#x27;plainword-debug-one&#x27;</pre></td>\n</tr>\n<tr>\n  \
        <td>client_secret</td>\n  <td class=\"code\"><pre>&#x27;plainword-debug-two&#x27;</pre></td>\n\
        </tr>\n</tbody></table></body></html>";
    let har = json!({"log": {"version": "1.2", "creator": {"name": "test", "version": "1"},
        "entries": [{
            "startedDateTime": "2026-11-20T10:00:00.000Z", "time": 50,
            "request": {"method": "GET",
                "url": "https://netbox.example.com/oauth/complete/azuread-oauth2/?state=abc",
                "httpVersion": "HTTP/1.1", "headers": [], "queryString": [], "cookies": [],
                "headersSize": -1, "bodySize": 0},
            "response": {"status": 500, "statusText": "Internal Server Error",
                "httpVersion": "HTTP/1.1",
                "headers": [{"name": "Content-Type", "value": "text/html; charset=utf-8"}],
                "cookies": [],
                "content": {"size": page.len(), "mimeType": "text/html; charset=utf-8", "text": page},
                "redirectURL": "", "headersSize": -1, "bodySize": page.len()},
            "cache": {}, "timings": {"send": 0, "wait": 50, "receive": 0}}]}});
    let input = write(&dir, "debug500.har", &har);
    let secrets = ["plainword-debug-one", "plainword-debug-two"];
    for format in ["table", "json", "jsonl", "markdown", "html"] {
        // The terminal's full view (-v) shows every finding's evidence.
        let (_, out, err) = run(&["scan", "-v", "-o", format, input.to_str().unwrap()]);
        assert!(
            out.contains("AADSTS50011"),
            "{format}: the page is evidence: {out}"
        );
        for s in secrets {
            assert!(!out.contains(s) && !err.contains(s), "{format} shows {s}");
        }
    }
    let out = dir.path().join("out.har");
    let (code, _, err) = run(&["redact-har", input.to_str().unwrap(), out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&out).unwrap();
    for s in secrets {
        assert!(!text.contains(s), "redact-har keeps {s}");
    }
    assert!(text.contains("SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET"), "{text}");
}
