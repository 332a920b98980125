//! Masks secrets before any text leaves the program: client secret values, authorization
//! codes and `state` values, tokens and JWTs, bearer credentials, session and CSRF cookies,
//! passwords in URLs. The same value always gets the same mask within a run, so an engineer
//! can still see that two lines carry the same code, without seeing the code.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use regex::{Captures, Regex};

struct Secret {
    kind: &'static str,
    re: Regex,
}

/// Each regex has a `v` group: the secret itself; the rest of the match stays visible.
static SECRETS: LazyLock<Vec<Secret>> = LazyLock::new(|| {
    let s = |kind, pattern: &str| Secret {
        kind,
        re: Regex::new(pattern).expect("redaction patterns are fixed and tested"),
    };
    vec![
        // JWTs first: they also appear as values of the keys below.
        s(
            "jwt",
            r"(?P<v>eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*)",
        ),
        // Entra client secret values: 3 chars, a digit, `Q~`, 31 to 34 chars.
        s(
            "client-secret",
            r"(?P<v>\b[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34})",
        ),
        // OAuth parameters in query strings, form bodies, JSON and Python reprs.
        // Codes and states are long random strings; the length floor keeps `?code=7000222`
        // in Entra's error_uri and `"code": 500` readable.
        s(
            "oauth-param",
            r#"(?i)(?:\b|%22|["'])(?:code|state|session_state)(?:["']|%22)?\s*(?:=|:|%3[aAdD])\s*(?:["']|%22)?(?P<v>[^\s&"',;}\]]{12,})"#,
        ),
        s(
            "credential",
            r#"(?i)(?:\b|%22|["'_])(?:client_secret|secret|id_token|access_token|refresh_token|client_assertion|password|passwd|token)(?:["']|%22)?\s*(?:=|:|%3[aAdD])\s*(?:["']|%22)?(?P<v>[^\s&"',;}\]]{3,})"#,
        ),
        s(
            "bearer",
            r"(?i)\b(?:Bearer|Basic)\s+(?P<v>[A-Za-z0-9._~+/=-]{8,})",
        ),
        // Cookies: Django's session and CSRF cookies, and whole Cookie headers.
        s(
            "cookie",
            r"(?i)\b(?:sessionid|csrftoken|csrfmiddlewaretoken|[a-z_]*session[a-z_]*)=(?P<v>[^;\s&\x22']{6,})",
        ),
        s(
            "url-password",
            r"(?i)\b[a-z][a-z0-9+.-]*://[^/\s:@]+:(?P<v>[^@\s/]+)@",
        ),
    ]
});

/// Gives each distinct secret value a short stable number within the run.
#[derive(Default)]
struct Names {
    seen: HashMap<String, usize>,
}

static NAMES: LazyLock<Mutex<Names>> = LazyLock::new(|| Mutex::new(Names::default()));

fn mask(kind: &str, value: &str) -> String {
    let mut names = NAMES.lock().unwrap_or_else(|e| e.into_inner());
    let next = names.seen.len() + 1;
    let n = *names.seen.entry(value.to_string()).or_insert(next);
    format!("<redacted:{kind}#{n}>")
}

/// `text` with every secret masked; borrowed when there is nothing to mask.
pub fn redact(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    for secret in SECRETS.iter() {
        if !secret.re.is_match(&out) {
            continue;
        }
        let replaced = secret
            .re
            .replace_all(&out, |caps: &Captures<'_>| {
                let whole = caps.get(0).expect("group 0 always exists");
                let v = caps.name("v").expect("every secret pattern has a v group");
                if v.as_str().starts_with("<redacted:") {
                    return whole.as_str().to_string();
                }
                let mut s = String::with_capacity(whole.len());
                s.push_str(&text_between(whole.as_str(), whole.start(), v.start()));
                s.push_str(&mask(secret.kind, v.as_str()));
                s.push_str(&whole.as_str()[v.end() - whole.start()..]);
                s
            })
            .into_owned();
        out = Cow::Owned(replaced);
    }
    out
}

fn text_between(whole: &str, whole_start: usize, v_start: usize) -> String {
    whole[..v_start - whole_start].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_every_kind_and_keeps_the_rest() {
        let cases = [
            "GET /oauth/complete/azuread-oauth2/?code=0.AXoAq1fakeFAKEcode123&state=Xy7aBcDeFgHiJkLmNoPqRsTuVwXyZ012&session_state=0d5c2a55-1c1e HTTP/1.1",
            "SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET = 'Abc8Q~FAKEfakeFAKEfakeFAKEfakeFAKEfake12'",
            "Authorization: Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl",
            "Cookie: sessionid=k3j4h5g6f7d8s9a0; csrftoken=AbCdEf123456789",
            "{\"client_secret\": \"hunter2-very-secret\", \"grant_type\": \"authorization_code\"}",
            "postgres://netbox:s3cr3tpass@db:5432/netbox",
        ];
        let secrets = [
            "0.AXoAq1fakeFAKEcode123",
            "Xy7aBcDeFgHiJkLmNoPqRsTuVwXyZ012",
            "Abc8Q~FAKEfakeFAKEfakeFAKEfakeFAKEfake12",
            "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9",
            "k3j4h5g6f7d8s9a0",
            "AbCdEf123456789",
            "hunter2-very-secret",
            "s3cr3tpass",
        ];
        for case in cases {
            let out = redact(case);
            for secret in secrets {
                assert!(!out.contains(secret), "{secret} leaked in {out}");
            }
            assert!(out.contains("<redacted:"), "{out}");
        }
        assert!(redact(cases[0]).contains("/oauth/complete/azuread-oauth2/?code=<redacted:"));
        assert!(redact(cases[4]).contains("\"grant_type\": \"authorization_code\""));
    }

    #[test]
    fn same_value_same_mask_and_clean_text_is_borrowed() {
        let a = redact("code=SameCodeValue1xyz and later code=SameCodeValue1xyz").into_owned();
        let masks: Vec<&str> = a.matches("<redacted:oauth-param#").collect();
        assert!(!a.contains("SameCodeValue1xyz"));
        assert_eq!(masks.len(), 2);
        let first = &a[a.find("<redacted").unwrap()..]
            [..a[a.find("<redacted").unwrap()..].find('>').unwrap()];
        assert_eq!(a.matches(first).count(), 2, "{a}");
        let clean = "AADSTS50011: The redirect URI 'https://netbox.example.com/oauth/complete/azuread-oauth2/' specified";
        assert!(matches!(redact(clean), Cow::Borrowed(_)));
        let uri = "\"error_uri\":\"https://login.microsoftonline.com/error?code=7000222\"";
        assert_eq!(redact(uri), uri);
    }
}
