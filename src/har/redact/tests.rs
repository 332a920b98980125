use super::*;

#[test]
fn urls_forms_and_json() {
    let u = mask_url(
        "https://nb.example.com/oauth/complete/azuread-oauth2/?code=0.AXoAsecretcode&state=StateStateState12&next=%2F#id_token=eyJa.eyJb.c",
    );
    assert!(!u.contains("secretcode") && !u.contains("StateState") && !u.contains("eyJa"));
    assert!(u.contains("next=%2F"));
    let b = mask_body(
        r#"{"access_token":"abc","token_type":"Bearer","nested":[{"refresh_token":"def"}],"expires_in":3599}"#,
        "application/json",
    );
    assert!(
        !b.contains("\"abc\"") && !b.contains("def") && b.contains("Bearer"),
        "{b}"
    );
    assert!(b.contains("3599"), "{b}");
    let f = mask_body(
        "grant_type=authorization_code&client_secret=hunter2&code=xyz",
        "",
    );
    assert!(
        !f.contains("hunter2")
            && !f.contains("=xyz")
            && f.contains("grant_type=authorization_code")
    );
}

#[test]
fn names() {
    for n in [
        "clientSecret",
        "client_secret",
        "accessToken",
        "refreshToken",
        "idToken",
        "apiKey",
        "X-Api-Key",
        "sessionState",
        "SAMLResponse",
        "dbPassword",
        "myAppToken",
        "code",
    ] {
        assert!(secret_name(n), "{n}");
    }
    for n in [
        "token_type",
        "tokenType",
        "expires_in",
        "grant_type",
        "scope",
        "redirect_uri",
        "client_id",
        "next",
    ] {
        assert!(!secret_name(n), "{n}");
    }
    assert_eq!(kind_of("clientSecret"), "secret");
    assert_eq!(kind_of("sessionState"), "session");
    assert_eq!(kind_of("Password"), "password");
}

#[test]
fn credential_shapes() {
    for v in [
        "Abc8Q~FAKEfakeFAKEfakeFAKEfakeFAKEfake12",
        "k3j4h5g6f7d8s9a0fakesessionvalue",
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "dGhpcyBpcyBhIGZha2UgdG9rZW4gMTIzNDU2Nzg5MA==",
    ] {
        assert!(looks_like_credential(v), "{v}");
    }
    for v in [
        "3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9",
        "netbox-7d9f8c6b5-x2kqp.kotsadm.svc.cluster.local",
        "application/x-www-form-urlencoded",
        "Mozilla/5.0",
        "2026-11-20T10:00:00.000Z",
        "text/html; charset=utf-8",
        "aaaaaaaaaaaaaaaaaaaaaaaaa1",
        "1.2.840.113556.1.4.1941",
    ] {
        assert!(!looks_like_credential(v), "{v}");
    }
}

#[test]
fn headers() {
    let h = |n: &str, v: &str| mask_header(&n.to_ascii_lowercase(), v);
    assert!(h("X-Api-Key", "plainkey").starts_with("\u{1}token:"));
    assert!(h("X-My-Session", "abc").starts_with("\u{1}"));
    assert!(h("Authorization", "Bearer abc.def").starts_with("Bearer \u{1}"));
    assert!(h("X-Custom", "v=k3j4h5g6f7d8s9a0fakesessionvalue; other=1").contains("other=1"));
    assert!(!h("X-Custom", "v=k3j4h5g6f7d8s9a0fakesessionvalue").contains("fakesession"));
    assert!(!h("X-Opaque", "k3j4h5g6f7d8s9a0fakesessionvalue").contains("fakesession"));
    let id = "x 3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9";
    assert_eq!(h("X-Ms-Request-Id", id), id);
    assert_eq!(h(":authority", "netbox.example.com"), "netbox.example.com");
    let p = h(
        ":path",
        "/oauth/complete/azuread-oauth2/?apiKey=plain&state=st&next=/",
    );
    assert!(
        !p.contains("plain") && !p.contains("=st&") && p.ends_with("&next=/"),
        "{p}"
    );
    assert_eq!(
        h("Content-Type", "text/html; charset=utf-8"),
        "text/html; charset=utf-8"
    );
}

#[test]
fn form_post_page_and_scripts() {
    let page = r#"<html><body onload="javascript:document.forms[0].submit()"><form method="POST" name="hiddenform" action="https://netbox.example.com/oauth/complete/azuread-oauth2/">
<input type="hidden" name="code" value="0.AXoAFAKEformpostcodeFAKEFAKEFAKE" />
<input type="hidden" name='state' value='StateFromFormPost1234567' />
<input type=hidden value="sessstate-plain-value" name="session_state">
<input type="hidden" name="SAMLResponse" value="PHNhbWxwOlJlc3BvbnNlIHhtbG5zOnNhbWxwPSJ1cm4=" />
<input type="submit" value="Continue" />
</form><script>var $Config={"clientSecret":"hunter2 with spaces","sFT":"AQABAAEAAAFAKEflowtokenFAKE1234567890","title":"Sign in"};</script></body></html>"#;
    let out = mask_body(page, "text/html");
    for s in [
        "FAKEformpostcode",
        "StateFromFormPost",
        "sessstate-plain-value",
        "PHNhbWxw",
        "hunter2",
        "FAKEflowtoken",
    ] {
        assert!(!out.contains(s), "{s} in {out}");
    }
    assert!(out.contains(r#"value="Continue""#) && out.contains(r#""title":"Sign in""#));
    assert!(out.contains("action=\"https://netbox.example.com/oauth/complete/azuread-oauth2/\""));
}

#[test]
fn multipart_and_mime_base64() {
    let body = "--b\r\nContent-Disposition: form-data; name=\"client_secret\"\r\n\r\nmultipart secret value\r\n--b\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nauthorization_code\r\n--b--\r\n";
    let out = mask_body(body, "multipart/form-data; boundary=b");
    assert!(
        !out.contains("multipart secret value") && out.contains("authorization_code"),
        "{out}"
    );
    let json = r#"{"access_token": "opaque access value with spaces", "note": "keep me"}"#;
    let encoded = base64::engine::general_purpose::STANDARD.encode(json.repeat(3));
    let mime: String = encoded
        .as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\r\n");
    let mut r = Redactor::default();
    let out = base64_body(&mime, "text/plain", &mut r);
    let decoded = String::from_utf8(super::super::model::decode_base64(&out).unwrap()).unwrap();
    assert!(
        !decoded.contains("opaque access") && decoded.contains("keep me"),
        "{decoded}"
    );
    assert!(
        decoded.contains("<token#1>") && !decoded.contains('\u{1}'),
        "{decoded}"
    );
    // Not base64 at all: replaced whole.
    let out = base64_body("not base64 !!! secret", "text/plain", &mut r);
    assert!(!out.contains("secret"), "{out}");
}

#[test]
fn streamed_copy_is_the_same_har() {
    let input = br#"{"log": {"version": "1.2", "creator": {"name": "x"}, "entries": [
        {"request": {"url": "https://h/?code=0.AXoAFAKEcodeFAKEcodeFAKE", "headers": [{"name": "X-Api-Key", "value": "k"}]}, "response": {}},
        {"request": {}, "response": {"content": {"text": "{\"clientSecret\": \"s3cr3t value\"}"}}}
    ], "pages": [{"title": "code=0.AXoAFAKEcodeFAKEcodeFAKE"}]}, "other": 1}"#;
    let mut out = Vec::new();
    let stats = redact_stream(&input[..], &mut out).expect("a HAR");
    assert_eq!(stats.entries, 2);
    let text = String::from_utf8(out).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(v["log"]["entries"].as_array().unwrap().len(), 2);
    assert_eq!(v["other"], 1);
    assert_eq!(v["log"]["version"], "1.2");
    assert!(
        !text.contains("FAKEcode") && !text.contains("s3cr3t"),
        "{text}"
    );
    // The same code in the entry and the page: one placeholder.
    assert_eq!(text.matches("<code#1>").count(), 2, "{text}");
    // Not a HAR: nothing written.
    let mut out = Vec::new();
    assert!(redact_stream(&br#"{"x": {"y": 1}}"#[..], &mut out).is_err());
    assert!(out.is_empty());
}

#[test]
fn arrays_get_the_key_rules_and_a_value_masked_anywhere_is_masked_everywhere() {
    let input = br#"{"log": {"version": "1.2", "creator": {"name": "x"},
      "pages": [{"id": "p", "title": "retry with harPasscode22"}],
      "entries": [
        {"request": {"url": "https://h/other", "comment": "note harTulipPw991"}, "response": {}},
        {"request": {"url": "https://h/login/?pw=harTulipPw991",
          "queryString": [{"name": "pw", "value": "harTulipPw991"}],
          "postData": {"mimeType": "application/x-www-form-urlencoded",
            "text": "passcode=harPasscode22&user_pin=harUserPin333",
            "params": [{"name": "client_secret", "value": "harPasscode22"},
                       {"name": "user_pin", "value": "harUserPin333"},
                       {"name": "next", "value": "/dcim/devices/"}]}},
         "response": {}}
    ]}}"#;
    let echoes = learn_stream(&input[..]).expect("a HAR");
    let mut out = Vec::new();
    redact_stream_knowing(&input[..], &mut out, echoes).expect("a HAR");
    let text = String::from_utf8(out).unwrap();
    for secret in ["harTulipPw991", "harPasscode22", "harUserPin333"] {
        assert!(!text.contains(secret), "{secret}: {text}");
    }
    assert!(text.contains("/dcim/devices/"), "{text}");
    // One value, one placeholder: the URL, its queryString, and the entry before it.
    assert_eq!(text.matches("<password#1>").count(), 3, "{text}");
    // The form's text and its params, whatever name each gave it, and the page.
    assert_eq!(text.matches("<secret#1>").count(), 3, "{text}");
    // The same through a parsed document.
    let mut v: Value = serde_json::from_slice(input).unwrap();
    redact_value(&mut v);
    let text = v.to_string();
    for secret in ["harTulipPw991", "harPasscode22", "harUserPin333"] {
        assert!(!text.contains(secret), "{secret}: {text}");
    }
}
