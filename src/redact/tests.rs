use super::*;

/// `text` as a report shows it: masked, escaped, masks numbered.
pub(super) fn shown(text: &str) -> String {
    let mut s = Masking::default().show(text);
    s.number(&mut Placeholders::default());
    s.as_str().to_string()
}

/// Each case holds the secret between `[[` and `]]`; the masked text must not hold it, and
/// must keep the rest readable.
#[test]
fn every_shape_of_the_issue_is_masked() {
    let cases = [
        // Keys in every casing and separator.
        "client_secret=[[Zq18Q~FAKEfakeFAKEfakeFAKEfakeFAKEfake99]]&client_id=c0ffee00-1111-4222-8333-444455556666",
        "SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET = '[[hunter2-not-a-real-one]]'",
        "clientSecret: [[s3cr3tValue]]",
        "{\"clientSecret\":\"[[abc def ghi]]\"}",
        "{'password': '[[correct horse battery staple]]', 'user': 'admin'}",
        "password=[[correct horse battery staple]] user=admin",
        "DB: Driver={ODBC};Server=db;Uid=netbox;Pwd=[[Tr0ub4dor&3x]];",
        "X-Api-Key: [[k_live_51Habc]]",
        "x-functions-key=[[Zm9vYmFy]]",
        "SECRET_KEY = \"[[django-insecure-^x9!k2#qp]]\"",
        "api-key: [[5b1a2f9c]]",
        "MySQLPassword=[[pa55]]",
        "db_pass: [[hunter2]]",
        "appPwd=[[letmein]]",
        // Spellings an attack found (short values after them were shown).
        "appkey=[[Sup3rS3cret]] clientkey=[[Sup3rS3cret]] pkey=[[Sup3rS3cret]]",
        "pword=[[HuntEr2]] psw=[[HuntEr2]] bindpw=[[HuntEr2]] totp=[[481516]]",
        "{\"cred\": \"[[HuntEr2x]]\", \"creds\": \"[[HuntEr2y]]\"}",
        "Cookie: PHPSESSID=[[a1b2c3d4]]; connect.sid=[[s%3Aabc]]",
        "sid=[[a1b2c3d4e5]] rt=[[Xrefresh9]] refresh=[[Xrefresh9]] sFT=[[AQABAAEAAAA]]",
        "dsn=[[postgres://u:p@db/x]] conn_str=[[Server=db;Pwd=x]] connection_string=[[Server=db]]",
        "ApiKey=[[0123456789]]",
        "nonce=[[n0nceValue]] prompt=login",
        "assertion=[[PHNhbWw6QXNzZXJ0aW9u]]",
        "SAMLResponse=[[PHNhbWxwOlJlc3BvbnNlIHhtbG5zOnNhbWxwPSJ1cm46b2FzaXM]]",
        "code_verifier=[[dBjftJeZ4CVP-mB92K27uhbUJU1p1r]]",
        "refreshToken=[[0.ARoAv4j5cvGGr0]]",
        "\"id_token\": \"[[eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln]]\"",
        // URL-encoded once and twice, and JSON in a query.
        "GET /x?password%3D[[hunter22]]%26user%3Dbob",
        "GET /x?data=%2522password%2522%253A%2522[[hunter22]]%2522",
        "GET /x?q=%7B%22client_secret%22%3A%22[[abcdef12]]%22%7D",
        // Base64 of a credential.
        "payload=[[Y2xpZW50X3NlY3JldD1odW50ZXIy]] ok",
        // Shapes anywhere.
        "ERROR AADSTS7000215 secret [[Abc8Q~FAKEfakeFAKEfakeFAKEfakeFAKEfake12]] raw",
        "AADSTS700016: Application with identifier '[[Abc8Q~FAKEfakeFAKEfakeFAKEfakeFAKEfake12]]' was not found",
        "glued AADSTS[[abc8Q~FAKEfakeFAKEfakeFAKEfakeFAKEfake12]]",
        "code [[0.AXoAREALCODEfakeFAKEfakeFAKEfakeFAKE123]] already redeemed",
        "pi@mirror:~ $ [[M.R3_BAY.1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b]]",
        "token [[eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl]] sent",
        "opaque [[Xy7aBcDeFgHiJkLmNoPqRsTuVwXyZ012]] value",
        "hex [[9f86d081884c7d659a2feaa0c55ad015a3bf4f1b]] value",
        // Authorization schemes.
        "Authorization: Bearer [[eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9]]",
        "Authorization: Basic [[dXNlcjpwYXNzd29yZA==]]",
        "Authorization: Negotiate [[YIIGhgYJKoZIhvcSAQICAQBuggZ1]]",
        "authorization: token [[ghp_abcdefghijkl]]",
        "Authorization: SharedKey [[myaccount:ctzMq410TV3wS7upTBcunJTDLEJwMAZuFPfr0mrrA08=]]",
        "'Authorization': 'Bearer [[abc.def.ghi]]'",
        "Proxy-Authorization: Basic [[Zm9vOmJhcg==]]",
        // URL user info.
        "postgres://netbox:[[s3cr3t/pass]]@db:5432/netbox",
        "redis://:[[p4ss@word]]@redis:6379/0",
        "https://[[ghp_tokenvalue123]]@github.example/x",
        // Cookies.
        "Cookie: sessionid=[[k3j4h5g6f7d8s9a0]]; csrftoken=[[AbCdEf12]]; ESTSAUTH=[[aBcD1234]]",
        "Set-Cookie: ESTSAUTHPERSISTENT=[[0.AXoAq1]]; path=/; secure; HttpOnly",
        "Cookie: buid=[[0.ARoA1]]; fpc=[[AkXy]]",
        // JSON with escaped quotes inside a JSON string.
        "{\"msg\": \"body {\\\"client_secret\\\": \\\"[[zzz yyy]]\\\"}\"}",
        // HTML form_post.
        "<input type=\"hidden\" name=\"code\" value=\"[[0.AXoAq1fakeFAKEcode]]\" />",
        "<input type=\"hidden\" name=\"state\" value=\"[[Xy7aBcDe]]\" />",
        // SAML, raw.
        "<samlp:Response><saml:Assertion ID=\"x\">[[<saml:NameID>jdoe</saml:NameID>]]</saml:Assertion></samlp:Response>",
        // A literal mask or placeholder in the input does not switch masking off.
        "<redacted:token:0000000000000000 password=[[hunter2]]",
        "\u{1}code:0123456789abcdef\u{2} secret=[[tops3cret]]",
        "password=<password#1>[[hunter2]]",
        // What a fresh-eyes attack found (issue 15): header variants,
        "Authorization: Token  [[ZqA1doublespace]]",
        "Authorization: Negotiate\t[[ZqA2tabsep]]",
        "Authorization: Token token=\"[[ZqA3railsstyle]]\"",
        "Authorization: Bearer: [[ZqA4colonafterscheme]]",
        // command lines,
        "curl -u admin:[[ZqB1curlpass]] https://netbox.example.com/api/",
        "curl --user admin:[[ZqB2curlpass]] https://x",
        "az login --service-principal -u 6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b -p [[ZqB3azpass]] --tenant t",
        "--client-secret [[ZqB4flagsecret]] --password [[ZqB5flagpass]]",
        // XML, name/value pairs,
        "<password>[[ZqC1xmlpass]]</password>",
        "<ClientSecret>[[ZqC2xmlsecret]]</ClientSecret>",
        "<add key=\"ClientSecret\" value=\"[[ZqC3webconfig]]\"/>",
        "{\"name\": \"client_secret\", \"value\": \"[[ZqD1namevalue]]\"}",
        "- name: CLIENT_SECRET\n  value: [[ZqD2k8senv]]",
        // containers and calls,
        "requests.post(url, auth=('6f1c2a3b', '[[ZqE1authtuple]]'))",
        "{\"client_secret\": [\"[[ZqE2jsonarray]]\"]}",
        "{\"secret\": {\"value\": \"[[ZqE3nested]]\"}}",
        "[('client_id', '6f1c'), ('client_secret', '[[ZqE4tuplelist]]')]",
        "HTTPBasicAuth('6f1c', '[[ZqE5basicauth]]')",
        "password=['[[ZqE6pylist]]']",
        "{\n  \"secret\": {\n    \"value\": \"[[ZqE7pretty]]\"\n  }\n}",
        // escaped separators and quotes,
        "password\\u003d[[ZqF1gson]]",
        "password\\x3d[[ZqF2hexescaped]]",
        "password&#61;[[ZqF3htmlentity]]",
        "{\\\\\\\"password\\\\\\\": \\\\\\\"[[ZqF4tripleescaped]]\\\\\\\"}",
        "{\\\\\\\\\\\\\\\"password\\\\\\\\\\\\\\\": \\\\\\\\\\\\\\\"[[ZqF5sevenslashes]]\\\\\\\\\\\\\\\"}",
        // URLs,
        "https:\\/\\/admin:[[ZqG1jsonslashes]]@db.example.com\\/x",
        "//admin:[[ZqG2protorelative]]@db.example.com/x",
        "proxy admin:[[ZqG3noscheme]]@proxy.example.com",
        // escaped SAML,
        "got &lt;saml:Assertion&gt;[[ZqH1htmlescaped]]&lt;/saml:Assertion&gt;",
        "got \\u003csaml:Assertion\\u003e[[ZqH2goescaped]]\\u003c/saml:Assertion\\u003e",
        // random values without digits, or in groups,
        "sent [[ZqIhKwPfLrTbXcVuKsMgDjYeAoBiQnWzLettersOnly]]",
        "sent [[ZQI2-7KD3-MXPQ-2LR8-VNTW-4HJ9-XC5T]]",
        // invisible characters inside a token,
        "sent [[ZqJ17kP2mX9vL4\u{200b}nR8tW1yC6hJ3dF5gA0]]",
        "[[abc8Q\u{200b}~ZqJ2plainsecretvalue0123456789abcdefg]]",
        // quoting and key-name variants.
        "\u{2018}password\u{2019}: \u{2018}[[ZqK1smartquotes]]\u{2019}",
        "\"password\"\u{ff1a}\u{201c}[[ZqK2fullwidthcolon]]\u{201d}",
        "secret: !!binary [[WnFLM3BsYWlu]]",
        "passcode=[[ZqK4passcode]]",
        "dbpwd=[[ZqK5dbpwd]] PGPASS=[[ZqK6pgpass]]",
        "\u{420}assword=[[ZqK7cyrillic]]",
        "Authorization: [[ZqAWplaintoken1]] Bearer",
        "password -> [[ZqBDplainvalue]]",
        "SECRET='''[[ZqBQplainvalue]]'''",
        "pass\\u0077ord=[[ZqBXplainvalue]]",
        "pass&#119;ord=[[ZqBZplainvalue]]",
        "password+%3D+[[ZqCDplainvalue]]",
        "Cookie: [[ZqEEplaincookie]]",
        "SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET [[ZqNJplainsecret]]",
        // Name/value tables (issue 17, shapes): Django's debug page copied, a TSV export,
        // a padded or barred table.
        "sessionid\t'[[shortsess1]]'",
        "csrftoken\t'[[shortcsrf1]]'",
        "SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET\t'[[shortsecr1]]'",
        "PASSWORD\t'[[Summer2024x]]'",
        "state\t'[[shortstate1]]'",
        "code\t'[[0.AXoAshortcode]]'",
        "sessionid    '[[shortsess3]]'",
        "HTTP_COOKIE\t'csrftoken=[[PlainCsrf1]]; sessionid=[[PlainSess1]]'",
        "| sessionid | [[PlainSess2]] |",
        "\u{2502} client_secret \u{2502} [[PlainSecr2]] \u{2502}",
        "USER\tjdoe\nsessionid\t'[[shortsess4]]'",
        "got <saml:EncryptedAssertion>[[ZqSYplain]]</saml:EncryptedAssertion>",
    ];
    for case in cases {
        let mut plain = String::new();
        let mut secrets = Vec::new();
        let mut rest = case;
        while let Some(open) = rest.find("[[") {
            plain.push_str(&rest[..open]);
            let close = rest[open..].find("]]").expect("closed") + open;
            secrets.push(&rest[open + 2..close]);
            plain.push_str(&rest[open + 2..close]);
            rest = &rest[close + 2..];
        }
        plain.push_str(rest);
        let out = shown(&plain);
        for secret in &secrets {
            // The value as a whole, and any long piece of it.
            assert!(!out.contains(secret), "{secret:?} leaked in {out:?}");
            if secret.len() >= 12 {
                let half = &secret[..secret.len() / 2];
                assert!(!out.contains(half), "half of {secret:?} leaked in {out:?}");
            }
        }
        assert!(out.contains('#'), "nothing masked in {out:?}");
        assert_eq!(leak(&out), None, "{out}");
    }
}

/// What must stay readable: ids, codes, error names, URLs, config names, module paths.
#[test]
fn diagnosis_text_stays_readable() {
    let keep = [
        "Error code: AADSTS50011: The redirect URI 'https://netbox.example.com/oauth/complete/azuread-oauth2/' specified",
        "\"error_codes\":[7000215],\"error_uri\":\"https://login.microsoftonline.com/error?code=7000215\"",
        "Trace ID: 1a2b3c4d-0000-4111-8222-333344445555 Correlation ID: 5e6f7a8b-9999-4aaa-8bbb-cccc0000dddd",
        "SOCIAL_AUTH_AZUREAD_OAUTH2_KEY = 'c0ffee00-1111-4222-8333-444455556666'",
        "REMOTE_AUTH_BACKEND = 'social_core.backends.azuread_tenant.AzureADTenantOAuth2'",
        "social_core.exceptions.AuthStateMissing: Session value state missing.",
        "social_core.exceptions.AuthTokenError: Token error: invalid_grant",
        "[pod/netbox-6f7c9d8b5-q8w2e/netbox] 2026-11-24T10:02:11.200000000Z ERROR",
        "\"grant_type\": \"authorization_code\", \"token_type\": \"Bearer\", \"expires_in\": 3599",
        "File \"/opt/netbox/venv/lib/python3.12/site-packages/social_core/backends/azuread.py\", line 120, in auth_complete",
        "GET /oauth/login/azuread-oauth2/?next=%2F HTTP/1.1",
        "code=invalid_request state=pending error_code=500",
        "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value",
        "SOCIAL_AUTH_REDIRECT_IS_HTTPS = True",
        "SESSION_COOKIE_AGE = 1209600",
        "netbox-worker-5b7f9c6d48-zx9kq started",
        "error=\"oauth2: cannot fetch token: 400 Bad Request\"",
        "social_core.exceptions.AuthTokenError: Token error: Incorrect id_token: iat",
        "Request Id: 7aaf4542-e6ae-4c3c-ba6b-b9c4b5ef5e70Correlation Id: 913400e0-4d0a-43ee-9941-7427cedc267a",
        "with an empty SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET: no client secret and no federated credential",
        "    self.id_token = self.validate_and_return_id_token(",
        "Mozilla/5.0 (compatible; SafeLinksScanner/3.1; +https://scanner.example/bot)",
    ];
    for text in keep {
        assert_eq!(shown(text), text, "changed");
    }
    // A traceback calling a method named after a token passes variables, not secrets.
    let tb = "  File \"/opt/netbox/social_core/backends/oauth.py\", line 442, in auth_complete\n    response = self.request_access_token(\n               ^^^^^^^^^^^^^^^^^^^^^^^^^^\n  File \"x.py\", line 419, in request_access_token\n    return self.get_json(";
    assert_eq!(shown(tb), tb);
}

#[test]
fn users_are_masked_on_request_only() {
    let t = "Could not assign group netbox-admins to remotely-authenticated user jdoe@corp.example: Group not found";
    assert_eq!(shown(t), t, "identities are kept by default");
    let users = Masking {
        show_secrets: false,
        users: true,
    };
    for (text, user) in [
        (t, "jdoe@corp.example"),
        (
            "login jdoe_corp.example#EXT#@tenant.onmicrosoft.com denied",
            "jdoe_corp.example#EXT#@tenant.onmicrosoft.com",
        ),
        (
            "next=%2F&login_hint=jdoe%40corp.example",
            "jdoe%40corp.example",
        ),
        ("user josé.müller@corp.example", "josé.müller@corp.example"),
        ("u=jdoe%2540corp.example", "jdoe%2540corp.example"),
    ] {
        let mut out = users.show(text);
        out.number(&mut Placeholders::default());
        assert!(!out.contains(user), "{out}");
        assert!(out.contains("<user#1>"), "{out}");
    }
}

#[test]
fn input_cannot_forge_a_mask_or_escape_the_terminal() {
    // An internal mask's delimiters in the input are escaped, not numbered.
    let out = shown("x \u{1}user:0123456789abcdef\u{2} y");
    assert_eq!(out, "x \\u{1}user:0123456789abcdef\\u{2} y");
    let out = shown("a\u{1b}[31mb\u{7}c\u{202e}d\u{9b}e\r");
    assert_eq!(out, "a\\u{1b}[31mb\\u{7}c\\u{202e}d\\u{9b}e\\r");
    // Our own words are escaped the same way.
    assert_eq!(Shown::ours("a\u{1b}b").as_str(), "a\\u{1b}b");
}

#[test]
fn masking_twice_keeps_the_numbers() {
    let once =
        shown("code=0.AXoAq1fakeFAKEcode1234567890abcdef&state=Xy7aBcDeFgHiJkLm password=hunter2");
    assert_eq!(once, "code=<code#1>&state=<state#1> password=<password#1>");
    assert_eq!(shown(&once), once);
    // A placeholder with more after it is a value like any other.
    assert_eq!(shown("password=<code#1>hunter2"), "password=<password#1>");
}

#[test]
fn same_value_same_placeholder_and_clean_text_is_borrowed() {
    let masked = redact("code=SameCodeValue1xyzSameCode and later code=SameCodeValue1xyzSameCode, code=OtherCodeValue2xyzOther state=StateValueStateValue1").into_owned();
    assert!(!masked.contains("SameCodeValue1xyz"), "{masked}");
    let mut numbers = Placeholders::default();
    let out = numbers.apply(&masked).into_owned();
    assert_eq!(
        out,
        "code=<code#1> and later code=<code#1>, code=<code#2> state=<state#1>"
    );
    let mut key = mask_value("state", "StateValueStateValue1");
    numbers.apply_in_place(&mut key);
    assert_eq!(
        key, "<state#1>",
        "a flow key gets the evidence's placeholder"
    );
    assert_eq!(
        Placeholders::default().apply(&redact("password=hunter2")),
        "password=<password#1>"
    );
    let clean = "AADSTS50011: The redirect URI 'https://netbox.example.com/oauth/complete/azuread-oauth2/' specified";
    assert!(matches!(redact(clean), Cow::Borrowed(_)));
    assert!(matches!(numbers.apply(clean), Cow::Borrowed(_)));
}

#[test]
fn a_cut_does_not_split_a_mask_or_a_char() {
    let text = Masking::default().show(&format!(
        "{} code=SameCodeValue1xyzSameCode é {}",
        "a".repeat(50),
        "b".repeat(50)
    ));
    for at in 0..text.len() {
        for max in [10, 30, 60, 90] {
            let w = text.window_at(at, max);
            let mut n = w.clone();
            n.number(&mut Placeholders::default());
            assert!(!n.contains('\u{1}') && !n.contains('\u{2}'), "{n:?}");
        }
    }
}

#[test]
fn the_guard_catches_what_the_masker_would_miss() {
    assert!(leak("code=0.AXoAq1fakeFAKEcode123&state=Xy7aBcDeFgHiJkLmNoPqRsTuVwXyZ012").is_some());
    assert_eq!(
        leak("Check SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET in the admin console."),
        None
    );
    assert_eq!(leak("password=<password#1>"), None);
    // The guard masks on its own in `show`, whatever the scanner decided.
    let spans = guard_spans("state=Xy7aBcDeFgHiJkLmNoPqRsTuVwXyZ012", &[]);
    assert_eq!(spans.len(), 1);
}

#[test]
fn linear_time_on_dense_credentials() {
    let unit = "state=Xy7aBcDeFgHi password=hunter2 Bearer eyJhbGciOiJIUzI1NiJ9.e30.x ";
    let text = unit.repeat(3 * 1024 * 1024 / unit.len());
    let t = std::time::Instant::now();
    let out = Masking::default().show(&text);
    let elapsed = t.elapsed();
    assert!(!out.contains("hunter2"));
    // Generous for a debug build on a busy machine; the quadratic masker took a minute.
    assert!(elapsed.as_secs() < 20, "{elapsed:?}");
}

#[test]
fn shape_of_never_shows_the_value() {
    let v = "Abc8Q~FAKEfakeFAKEfakeFAKEfakeFAKEfake12";
    let s = shape_of(v);
    assert!(!s.contains("FAKE"), "{s}");
    assert!(s.contains("client secret"), "{s}");
}

/// Tags tell apart values that differ in one byte anywhere, or only in length.
#[test]
fn tags_differ_for_near_values() {
    let base = "1.AXoA".to_string() + &"q".repeat(60);
    let mut seen = std::collections::HashSet::new();
    assert!(seen.insert(tag(&base)));
    for i in 0..base.len() {
        let mut v = base.clone().into_bytes();
        v[i] = b'r';
        assert!(
            seen.insert(tag(std::str::from_utf8(&v).unwrap())),
            "byte {i}"
        );
    }
    for n in 0..20 {
        assert!(seen.insert(tag(&"\0".repeat(n + 1))), "{n} NULs");
    }
    assert_eq!(tag(&base), tag(&base.clone()));
    assert_eq!(tag(&base).len(), 16);
}

/// Flow keys take a short way past the scan: a state or code is masked whole, with the mask
/// the scan gives it (so placeholders number alike), and an id of hex digits is shown as the
/// scan shows it; anything else still goes through the scan.
#[test]
fn flow_keys_mask_as_the_scan_does() {
    let m = Masking::default();
    for (name, kind, value) in [
        (
            "state",
            spans::Kind::State,
            "Yx3kQ9vLm2Rt8Wp4Zs6Nd1Hf7Jc5Bg0",
        ),
        (
            "code",
            spans::Kind::Code,
            "0.AVYA1b2c3d4e5f6g7h8i9j0kLmNoPqRsTuVwXyZ-_aBcDeFg",
        ),
    ] {
        let text = format!("{name}:{value}");
        assert_eq!(m.show_credential(name, kind, value), m.show_line(&text));
        assert!(!m.show_credential(name, kind, value).contains(value));
    }
    // Whatever its shape: the scan would keep a short or spaced value's words.
    let odd = m.show_credential("state", spans::Kind::State, "a b\x1b[2J");
    assert!(!odd.contains("a b") && !odd.contains('\x1b'), "{odd}");
    let revealed = Masking {
        show_secrets: true,
        users: false,
    };
    assert_eq!(
        revealed.show_credential("state", spans::Kind::State, "abc"),
        revealed.show_line("state:abc")
    );
    // Hex of every length and case, as request ids come (nginx's are 32 digits; others
    // 40, 48 or 64, which the scan masks as tokens).
    let hex = "84aa2f357db221421dc57807f7d50edcc9c1048f84aa2f357db221421dc57807f7d50edc";
    for len in 1..=hex.len() {
        for value in [hex[..len].to_string(), hex[..len].to_ascii_uppercase()] {
            let text = format!("request_id:{value}");
            assert_eq!(
                m.show_id("request_id", &value),
                m.show_line(&text),
                "{value}"
            );
        }
    }
    let mixed = "84aA2f357dB221421dC57807f7D50edc";
    assert_eq!(
        m.show_id("trace_id", mixed),
        m.show_line(&format!("trace_id:{mixed}"))
    );
    for value in [
        "293e15039e7ac8c65132e570ed8f13ea",
        "a40fe051-07f9-4604-867b-6c727a545cef",
        "Zq8~Kp2Lm9Nx4Rt7Vw1Yb3Dc6Fg0Hj5Ks8Lq2Mw",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2lnbmF0dXJl",
        "",
    ] {
        let text = format!("request_id:{value}");
        assert_eq!(
            m.show_id("request_id", value),
            m.show_line(&text),
            "{value}"
        );
    }
}

#[test]
fn a_secret_found_once_is_masked_where_it_repeats() {
    // The cookie header makes the value a secret; its echo in an escaped page body, a
    // shape no rule knows, is masked by the value alone.
    let text = concat!(
        "{\"name\": \"Cookie\", \"value\": \"sessionid=plainwordcookie\"},\n",
        r#""text": "var c={\\",\\"zz\\":\\"plainwordcookie\\"};"#,
        r#" and bare plainwordcookie at the end"#
    );
    let out = shown(text);
    assert!(!out.contains("plainwordcookie"), "{out}");
    assert!(out.ends_with("and bare <cookie#2> at the end"), "{out}");
    // A short value repeats by chance and is not followed.
    let out = shown(r#"{"password": "abc12", "note": "then abc12 again"}"#);
    assert!(out.contains("then abc12 again"), "{out}");
}

#[test]
fn echoes_stay_linear_on_a_line_of_many_secrets() {
    let text: String = (0..20_000)
        .map(|i| format!("password=Pw{i:08}xyz "))
        .collect();
    let t = std::time::Instant::now();
    let out = Masking::default().show(&text);
    assert!(!out.contains("Pw00001234xyz"));
    assert!(t.elapsed().as_secs() < 20, "{:?}", t.elapsed());
}

#[test]
fn echoes_stay_fast_on_long_values() {
    // The fuzz case: a pasted page whose masked spans run for tens of kilobytes, shown as
    // evidence again and again. A DFA over such values took minutes to build each time.
    let text: String = (0..6)
        .map(|i| {
            format!(
                "{{\"client_secret\": \"{}\"}} ",
                format!("v{i:05}x").repeat(3000)
            )
        })
        .collect();
    let t = std::time::Instant::now();
    for _ in 0..20 {
        let out = Masking::default().show(&text);
        assert!(!out.contains("v00003x"));
    }
    assert!(t.elapsed().as_secs() < 20, "{:?}", t.elapsed());
}

/// Each case's secret is between `[[` and `]]`; none of it may be shown, nor any piece of
/// eight bytes or more of it.
pub(super) fn assert_masked(cases: &[&str]) {
    let mut failures = Vec::new();
    for case in cases {
        let mut plain = String::new();
        let mut secrets = Vec::new();
        let mut rest = *case;
        while let Some(open) = rest.find("[[") {
            plain.push_str(&rest[..open]);
            let close = rest[open..].find("]]").expect("closed") + open;
            secrets.push(&rest[open + 2..close]);
            plain.push_str(&rest[open + 2..close]);
            rest = &rest[close + 2..];
        }
        plain.push_str(rest);
        let out = shown(&plain);
        for secret in &secrets {
            let piece = (0..secret.len().saturating_sub(7))
                .filter_map(|i| secret.get(i..i + 8))
                .find(|p| out.contains(p));
            if out.contains(secret) || piece.is_some() {
                failures.push(format!("{secret:?} ({piece:?}) leaked in {out:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A credential's name and its value in separate cells, fields or arguments.
#[test]
fn names_and_values_in_separate_cells_are_masked() {
    assert_masked(&[
        "<tr><td>client_secret</td><td>[[ZqL1tdvalue77]]</td></tr>",
        "<tr>\n  <td>SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET</td>\n  <td class=\"code\"><pre>&#x27;[[ZqL1djangoval7]]&#x27;</pre></td>\n</tr>",
        "<tr><td>SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET<\\/td>\\n<td class=\\\"code\\\"><pre>&#x27;[[ZqL1jsonhtml77]]&#x27;<\\/pre><\\/td>",
        "<th>password</th><td> [[two words pw]] </td>",
        "<dt>client_secret</dt><dd>[[ZqL1dtddval77]]</dd>",
        // The same table with its tags dropped for display.
        "Variable Value SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET   &#x27;[[plainword-one]]&#x27;  client_secret   &#x27;[[plainword-two]]&#x27; self",
        "<param name=\"client_secret\" value=\"[[ZqL2paramval77]]\"/>",
        "<param name='client_secret' value='[[ZqL2paramsq77]]'/>",
        "<param value=\"[[ZqL2valuefirst]]\" name=\"client_secret\"/>",
        "<add key=\"ClientSecret\" value=\"[[ZqL3addkey77]]\" />",
        "<add key = \"ClientSecret\" value = \"[[ZqL3spaced77]]\" />",
        "client_secret,[[ZqL4csvvalue77]]",
        "\"client_secret\",\"[[ZqL4csvquoted]]\"",
        "id,abc\nclient_secret,[[ZqL4csvline2]],x",
        "[\"--client-secret\", \"[[ZqL5argvjson77]]\"]",
        "['az', 'login', '--password', '[[ZqL5argvpy77]]']",
        "'--client-secret' '[[ZqL6argvsh77]]'",
        "\"--client-secret\" \"[[ZqL6argvdq77]]\"",
        "\u{1b}[32mclient_secret\u{1b}[0m=[[ZqL7ansival77]]",
        "\u{1b}[1;32mcode\u{1b}[0m: [[ZqL7ansicode7]]",
        "password=\u{1b}[31m[[ZqL7ansiinval]]\u{1b}[0m",
    ]);
}

/// An unquoted value runs to the end of its field, whatever punctuation it holds.
#[test]
fn unquoted_values_are_not_cut_at_punctuation() {
    assert_masked(&[
        "SECRET_KEY=[[abc)ZqL8parenval&ghi9xyz]]",
        "password=[[ab;ZqL9semival]]",
        "password=[[ab,ZqM1commaval]] rest",
        "client_secret=[[ab]ZqM2brack}ZqM3brace<ZqM4angle]]",
        "client_secret=[[ab<ZqM4angle]] AADSTS7000215: Invalid client secret provided.",
        "client_secret=[[ZqM5q'uote\"ZqM6dq]] next",
        "token=[[x#^ZqM7hash=%+/(}{]] done",
        "Driver={ODBC};Server=db;access_token=[[a}#^0=a0]];",
        "Driver={ODBC};Server=db;Pwd=[[a}#;^0=a0]]",
        "client_secret=([[ZqP1parenval99]])",
        "client_secret=([[ZqP1paren)after99]]",
        "{client_secret}=[[ZqP2bracekey99]]",
        "${CLIENT_SECRET}=[[ZqP2dollarkey9]]",
        "{{password}}: [[ZqP2twobrace99]]",
        "[password]=[[ZqP2squarekey99]]",
    ]);
    // What ends a value in its context still ends it: the next parameter of a query, the
    // end of the quoted string the pair stands in, the list the key is in.
    for (text, keep) in [
        (
            "GET /cb?code=0.AXoAq1fakeFAKEcode1234567890&state=Xy7aBcDeFgHiJkLm&session_state=abc HTTP/1.1",
            "HTTP/1.1",
        ),
        (
            "GET /cb?x=1&password=hunter22&next=%2Fhome",
            "&next=%2Fhome",
        ),
        (
            "{\"msg\": \"login password=hunter22\", \"level\": \"error\"}",
            "\", \"level\": \"error\"}",
        ),
        ("Server=db;Pwd=hunter22;Uid=netbox;", ";Uid=netbox;"),
        ("password=hunter22, user=admin", ", user=admin"),
        ("f(a=1, token=Zq9hunter22)", ")"),
        ("(password=hunter22) ok", ") ok"),
    ] {
        let out = shown(text);
        assert!(!out.contains("hunter22"), "{out}");
        assert!(out.ends_with(keep), "{out:?} should end with {keep:?}");
    }
}

/// Passwords on command lines.
#[test]
fn command_line_passwords_are_masked() {
    assert_masked(&[
        "mysql -uroot -p[[ZqN1mysqlpw]] netbox",
        "mysql -uroot -p'[[ZqN2mysqlq]]' netbox",
        "mysqldump -h db -p\"[[ZqN2mysqldq]]\" netbox",
        "pg_dump --password=[[ZqN3dashpw]] db",
        "cmd --password [[ZqN4spacepw]] db",
        "PGPASSWORD=[[ZqN5pgpw]] psql -h db",
        "sshpass -p [[ZqN6sshpw]] ssh host",
        "sshpass -p[[ZqN6sshglued]] ssh host",
        "MYSQL_PWD=[[ZqN7mysqlpwd]] mysql",
        "redis-cli -a [[ZqN8redispw]] ping",
    ]);
    // Flags that are words stay.
    for text in [
        "find . -print",
        "gcc -pthread -o x",
        "docker run -p8080:80 x",
    ] {
        assert_eq!(shown(text), text);
    }
}

/// A value masked in one place is masked where it is repeated in another encoding.
#[test]
fn echoes_in_other_encodings_are_masked() {
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let cases = [
        "password=[[ZqQ1echoval99]] later '  [[ZqQ1echoval99]] ' and \"[[ZqQ1echoval99]]\"".to_string(),
        "client_secret=\"[[Zq Q2 space val]]\" then [[Zq+Q2+space+val]] and [[Zq%20Q2%20space%20val]]".to_string(),
        "client_secret=[[ZqQ3/pct=v/x]] then [[ZqQ3%2Fpct%3Dv%2Fx]] and [[ZqQ3%252Fpct%253Dv%252Fx]]".to_string(),
        "client_secret=[[ZqQ3%2Fenc%3D]] then [[ZqQ3/enc=]] decoded".to_string(),
        "client_secret=[[ZqQ4/jsonesc/v]] then [[ZqQ4\\/jsonesc\\/v]]".to_string(),
        "client_secret=\"[[ZqQ5&/html/v]]\" then [[ZqQ5&amp;&#x2F;html&#x2F;v]] or [[ZqQ5&amp;&#47;html&#47;v]]".to_string(),
        "client_secret=[[ZqQ6/uesc/v7]] then [[ZqQ6\\u002Fuesc\\u002Fv7]]".to_string(),
        format!(
            "client_secret=[[ZqQ7basicval99]] then header: [[{}]]",
            b64("c0ffee00-1111-4222-8333-444455556666:ZqQ7basicval99")
        ),
        format!(
            "client_secret=[[ZqQ8basicval99x]] then {{\"h\": \"[[{}]]\"}}",
            b64("a:ZqQ8basicval99x")
        ),
    ];
    let cases: Vec<&str> = cases.iter().map(String::as_str).collect();
    assert_masked(&cases);
}

/// Error identifiers under a `code` key stay readable; authorization codes do not.
#[test]
fn error_codes_are_shown_and_authorization_codes_masked() {
    for text in [
        r#"{"error":{"code":"InvalidAuthenticationToken","message":"Access token has expired."}}"#,
        r#"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges."}}"#,
        r#"{"error":{"code":"Request_ResourceNotFound"}}"#,
        r#"{"error": {"code": "itemNotFound"}}"#,
        "code=ErrorAccessDenied",
        r#"(Domain: "ADOAuthServerErrorDomain" Code: AD_ERROR_SERVER_OAUTH ProtocolCode: "invalid_client""#,
        "errorCode=MSAL_ERROR_INTERACTION_REQUIRED",
    ] {
        assert_eq!(shown(text), text);
    }
    assert_masked(&[
        "code=[[0.AXoAq1fakeFAKEcode1234567890abcdef]]",
        "{\"code\": \"[[M.C521_BL2.2.U.7b2a3c4d-1e2f-4a5b-8c6d-7e8f9a0b1c2d]]\"}",
        "code=[[AbCdEfGhIjKlMnOp]]",
        "code=[[Qx7Kp2Lm9Nx4Rt7]]",
        "\"code\": \"[[AwABAAEAAAACAOz_BAD0_8xyz]]\"",
        "code=[[QWERTYUIOPASDF_ZXCVBNMLKJHGFDSAQWE]]",
    ]);
}

/// Random secrets, punctuation and all, after random credential keys in random syntaxes in
/// a log line, and short letters-and-digits secrets after credential words in prose:
/// [`Masking::show`] shows none of them, nor any piece of eight bytes or more.
/// `PROPTEST_CASES` sets how many (20,000 were run when this test was written).
#[test]
fn generated_secrets_in_every_syntax_are_masked() {
    use crate::test_support::planted;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRng, TestRunner};
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(500);
    let new_runner = || {
        TestRunner::new_with_rng(
            Config {
                cases,
                failure_persistence: None,
                ..Config::default()
            },
            TestRng::deterministic_rng(proptest::test_runner::RngAlgorithm::ChaCha),
        )
    };
    let strategy = (
        0..planted::KEYS.len(),
        planted::secret(),
        any::<u8>(),
        planted::words(),
        any::<u8>(),
    );
    new_runner()
        .run(&strategy, |(k, secret, how, words, at)| {
            let line = planted::line(&planted::place(planted::KEYS[k], &secret, how), &words, at);
            let out = shown(&line);
            let piece = planted::shown_piece(&out, &secret);
            prop_assert!(
                piece.is_none(),
                "{piece:?} of {secret:?} shown: {line:?} -> {out:?}"
            );
            Ok(())
        })
        .unwrap();
    // The same in prose: `password X`, `set password to X`, `client_secret: >-` and the
    // value on the next line.
    let strategy = (
        0..planted::PROSE_KEYS.len(),
        planted::prose_secret(),
        any::<u8>(),
        planted::words(),
        any::<u8>(),
    );
    new_runner()
        .run(&strategy, |(k, secret, how, words, at)| {
            let placed = planted::place_prose(planted::PROSE_KEYS[k], &secret, how);
            let line = planted::line(&placed, &words, at);
            let out = shown(&line);
            let piece = planted::shown_piece(&out, &secret);
            prop_assert!(
                piece.is_none(),
                "{piece:?} of {secret:?} shown: {line:?} -> {out:?}"
            );
            Ok(())
        })
        .unwrap();
}

#[test]
fn vendor_tokens_are_masked_whole_wherever_they_stand() {
    for (text, secret, kept) in [
        (
            "notify via slack xoxb-69003124474-851899472181-MI7gJPW6PurT0vhsZZy1L6bE now",
            "xoxb-69003124474-851899472181-MI7gJPW6PurT0vhsZZy1L6bE",
            "notify via slack",
        ),
        (
            "billing hook sk_live_BEavTORuWqXPgr1VPVivEQds failed",
            "sk_live_BEavTORuWqXPgr1VPVivEQds",
            "billing hook",
        ),
        (
            "aws id AKIAKXPQ7Z3M2N4B5C6D region",
            "AKIAKXPQ7Z3M2N4B5C6D",
            "aws id",
        ),
        (
            "alert bot 619062270:AATbKfrxfvNZYRTQZB13KbO9Uy9mIi9yDBj down",
            "619062270:AATbKfrxfvNZYRTQZB13KbO9Uy9mIi9yDBj",
            "alert bot",
        ),
        (
            "signing with django-insecure-6995spkdz67o%ef2a5@faeqfg@^a4w*c^*cnp-d24(3_z73^gs ok",
            "django-insecure-6995spkdz67o%ef2a5@faeqfg@^a4w*c^*cnp-d24(3_z73^gs",
            "signing with",
        ),
    ] {
        let out = shown(text);
        let pieces: Vec<&str> = (0..secret.len() - 7).map(|i| &secret[i..i + 8]).collect();
        assert!(pieces.iter().all(|p| !out.contains(p)), "{text} -> {out}");
        assert!(out.contains(kept), "{out}");
    }
    // Hex that decodes to text is masked; a request id in hex is not text.
    let out =
        shown("raw bytes 77696c6c6f77637265656b3535 in request 0af7651916cd43dd8448eb211c80319c");
    assert!(!out.contains("77696c6c"), "{out}");
    assert!(out.contains("0af7651916cd43dd8448eb211c80319c"), "{out}");
    // A time, a port and a short prefix-like word stay.
    let plain = "at 2026-11-24T10:02:10 listening on 1234567890:8080 sk_live_ x";
    assert_eq!(shown(plain), plain);
}
