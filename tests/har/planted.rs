//! Issue #15: secrets of every shape planted in every place a HAR has; neither `redact-har`
//! nor `scan` lets one through.

use base64::Engine;
use serde_json::{Value, json};

use super::{CLIENT, TENANT, jwt, rules, run, scan, write};

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
pub(super) struct Secrets {
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
    pub(super) fn new(seed: u64) -> Secrets {
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
pub(super) fn planted_har(s: &Secrets) -> Value {
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
