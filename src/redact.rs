//! Masks secrets before any text leaves the program: client secret values, authorization
//! codes and `state` values, tokens and JWTs, bearer credentials, session and CSRF cookies,
//! passwords in URLs. The same value always gets the same mask within a run, so an engineer
//! can still see that two lines carry the same code, without seeing the code.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

struct Secret {
    kind: &'static str,
    re: Regex,
}

/// Each regex has a `v` group: the secret itself; the rest of the match stays visible. The
/// patterns with a `k` group (a parameter or key name) take their placeholder kind from it.
static SECRETS: LazyLock<Vec<Secret>> = LazyLock::new(|| {
    let s = |kind, pattern: &str| Secret {
        kind,
        re: Regex::new(pattern).expect("redaction patterns are fixed and tested"),
    };
    vec![
        // JWTs first: they also appear as values of the keys below.
        s(
            "token",
            r"(?P<v>eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*)",
        ),
        // Entra client secret values: 3 chars, a digit, `Q~`, 31 to 34 chars.
        s(
            "secret",
            r"(?P<v>\b[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34})",
        ),
        // Entra authorization codes have a shape of their own (`0.AXoA...`, `1.AVEA...`), so
        // they are masked wherever they stand, not only after `code=`.
        s(
            "code",
            r"(?P<v>\b[01]\.A[A-Za-z0-9_-]{3}[A-Za-z0-9_.-]{24,})",
        ),
        // OAuth parameters in query strings, form bodies, JSON and Python reprs.
        // Codes and states are long random strings; the length floor keeps `?code=7000222`
        // in Entra's error_uri and `"code": 500` readable.
        s(
            "oauth-param",
            r#"(?i)(?:\b|%22|["'])(?P<k>code|state|session_state)(?:["']|%22)?\s*(?:=|:|%3[aAdD])\s*(?:["']|%22)?(?P<v>[^\s&"',;}\]<>]{12,})"#,
        ),
        s(
            "credential",
            r#"(?i)(?:\b|%22|["'_])(?P<k>client_secret|secret|id_token|access_token|refresh_token|client_assertion|password|passwd|token)(?:["']|%22)?\s*(?:=|:|%3[aAdD])\s*(?:["']|%22)?(?P<v>[^\s&"',;}\]<>]{3,})"#,
        ),
        s(
            "token",
            r"(?i)\b(?:Bearer|Basic)\s+(?P<v>[A-Za-z0-9._~+/=-]{8,})",
        ),
        // Cookies: Django's session and CSRF cookies, and whole Cookie headers.
        s(
            "cookie",
            r"(?i)\b(?:sessionid|csrftoken|csrfmiddlewaretoken|[a-z_]*session[a-z_]*)=(?P<v>[^;\s&\x22']{6,})",
        ),
        s(
            "password",
            r"(?i)\b[a-z][a-z0-9+.-]*://[^/\s:@]+:(?P<v>[^@\s/]+)@",
        ),
    ]
});

/// The placeholder kind for a secret found by `secret`'s pattern, from the key it stood
/// after where the pattern has one.
fn kind_of(secret: &Secret, caps: &Captures<'_>) -> &'static str {
    let Some(key) = caps.name("k") else {
        return secret.kind;
    };
    match key.as_str().to_ascii_lowercase().as_str() {
        "code" => "code",
        "state" => "state",
        "session_state" => "session",
        "password" | "passwd" => "password",
        "client_secret" | "secret" | "client_assertion" => "secret",
        _ => "token",
    }
}

/// The mask written in place of a secret inside the program: `<redacted:KIND:TAG>`, where
/// TAG is a 64-bit hash of the value, equal for equal values on every thread. It never
/// reaches the output: [`Placeholders`] turns it into `<KIND#N>` as the report is written.
fn mask(kind: &str, value: &str) -> String {
    format!("<redacted:{kind}:{}>", tag(value))
}

/// 16 hex digits (a 64-bit hash) that stand for a value: equal values get equal tags in
/// every run and on every thread. Internal only; output shows [`Placeholders`] numbers.
/// The hash takes eight bytes a step (an authorization code is a kilobyte long, and a
/// byte-at-a-time hash of it was a visible part of a scan) and mixes the result at the end.
pub fn tag(value: &str) -> String {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let bytes = value.as_bytes();
    let mut hash = 0xcbf2_9ce4_8422_2325 ^ (bytes.len() as u64).wrapping_mul(K);
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        hash = (hash ^ u64::from_le_bytes(w))
            .wrapping_mul(K)
            .rotate_left(29);
    }
    let mut last = [0u8; 8];
    last[..words.remainder().len()].copy_from_slice(words.remainder());
    hash = (hash ^ u64::from_le_bytes(last)).wrapping_mul(K);
    // splitmix64's finaliser: every input bit reaches every output bit.
    hash ^= hash >> 30;
    hash = hash.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash ^= hash >> 27;
    hash = hash.wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^= hash >> 31;
    format!("{hash:016x}")
}

/// The internal mask of a value of `kind` (a correlation key such as a `state`), so it
/// gets the same placeholder as the same value masked in evidence text.
pub fn mask_value(kind: &str, value: &str) -> String {
    mask(kind, value)
}

static INTERNAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(<|&lt;)(?:redacted:([a-z-]+)|(user)):([0-9a-f]{16})(>|&gt;)")
        .expect("fixed regex")
});

/// Turns internal masks into numbered placeholders, `<code#1>`, `<state#2>`, `<user#1>`,
/// counted per kind in the order the output shows them. One `Placeholders` serves a whole
/// run, so the same value has the same placeholder in every record and section, and the
/// same input gives the same bytes. The numbers say nothing about the values.
#[derive(Debug, Default)]
pub struct Placeholders {
    seen: std::collections::HashMap<String, usize>,
    next: std::collections::HashMap<String, usize>,
}

impl Placeholders {
    /// `text` with every internal mask replaced; borrowed when there is none. Masks escaped
    /// for HTML (`&lt;...&gt;`) keep their escaping.
    pub fn apply<'t>(&mut self, text: &'t str) -> Cow<'t, str> {
        if !text.contains("redacted:") && !text.contains("user:") {
            return Cow::Borrowed(text);
        }
        INTERNAL.replace_all(text, |caps: &Captures<'_>| {
            let kind = caps.get(2).or(caps.get(3)).map_or("", |m| m.as_str());
            let key = format!("{kind}:{}", &caps[4]);
            let n = match self.seen.get(&key) {
                Some(&n) => n,
                None => {
                    let next = self.next.entry(kind.to_string()).or_insert(0);
                    *next += 1;
                    self.seen.insert(key, *next);
                    *next
                }
            };
            format!("{}{kind}#{n}{}", &caps[1], &caps[5])
        })
    }

    /// Applies [`Placeholders::apply`] to `s` in place.
    pub fn apply_in_place(&mut self, s: &mut String) {
        if let Cow::Owned(new) = self.apply(s) {
            *s = new;
        }
    }
}

/// Where a cut at byte `at` of `text` would split an internal mask, the mask's start, so
/// the cut can move there instead.
pub fn mask_start_around(text: &str, at: usize) -> Option<usize> {
    let before = text.get(..at)?;
    let open = before.rfind('<')?;
    let rest = &text[open..];
    if !(rest.starts_with("<redacted:") || rest.starts_with("<user:")) {
        return None;
    }
    let close = rest.find('>').map_or(text.len(), |c| open + c);
    (close >= at).then_some(open)
}

/// The kind of the first secret-shaped value left unmasked in `text` (a rendered report), if
/// any: the last check before output.
pub fn leak(text: &str) -> Option<&'static str> {
    SECRETS.iter().find_map(|secret| {
        secret
            .re
            .captures_iter(text)
            .any(|caps| {
                let start = caps.get(0).map_or(0, |m| m.start());
                caps.name("v")
                    .is_some_and(|v| needs_mask(text, start, v.as_str()))
            })
            .then_some(secret.kind)
    })
}

static USER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
        .expect("fixed regex")
});

/// `text` with e-mail addresses and UPNs masked (`--redact-users`), each as `<user:TAG>` so
/// one user's lines still line up.
pub fn redact_users(text: &str) -> Cow<'_, str> {
    USER.replace_all(text, |caps: &Captures<'_>| {
        format!("<user:{}>", tag(&caps[0]))
    })
}

/// What a run masks: secrets unless revealed, user identities on request.
#[derive(Debug, Clone, Copy, Default)]
pub struct Masking {
    /// `--show-secrets`: leave secrets as they are.
    pub reveal: bool,
    /// `--redact-users`: mask e-mail addresses and UPNs too.
    pub users: bool,
}

impl Masking {
    /// `text` masked as this run asks.
    pub fn apply<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let masked = if self.reveal {
            Cow::Borrowed(text)
        } else {
            redact(text)
        };
        if !self.users {
            return masked;
        }
        match redact_users(&masked) {
            Cow::Borrowed(_) => masked,
            Cow::Owned(s) => Cow::Owned(s),
        }
    }
}

/// Literals one of which every match of `SECRETS[i]` holds (ignoring case), for the
/// pattern at the same place: one pass over a text rules out most patterns before any
/// of them runs.
const TRIGGERS: [&[&str]; 8] = [
    &["eyJ"],
    &["Q~"],
    &["0.A", "1.A"],
    &["code", "state"],
    &["secret", "token", "client_assertion", "passw"],
    &["bearer", "basic"],
    &["session", "csrf"],
    &["://"],
];

/// The automaton over [`TRIGGERS`], and the pattern each of its literals stands for.
static GATE: LazyLock<(aho_corasick::AhoCorasick, Vec<usize>)> = LazyLock::new(|| {
    let (literals, owners): (Vec<&str>, Vec<usize>) = TRIGGERS
        .iter()
        .enumerate()
        .flat_map(|(i, list)| list.iter().map(move |l| (*l, i)))
        .unzip();
    let automaton = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(literals)
        .expect("a few fixed literals always build");
    (automaton, owners)
});

/// `text` with every secret masked; borrowed when there is nothing to mask.
pub fn redact(text: &str) -> Cow<'_, str> {
    // Which patterns can match, from the original text: a mask written by an earlier
    // pattern can add a trigger (`<redacted:token:...>`), but a match inside a mask is
    // never masked again.
    let (gate, owners) = &*GATE;
    let mut may = 0u32;
    for m in gate.find_overlapping_iter(text) {
        may |= 1 << owners[m.pattern().as_usize()];
    }
    if may == 0 {
        return Cow::Borrowed(text);
    }
    let mut out = Cow::Borrowed(text);
    for (i, secret) in SECRETS.iter().enumerate() {
        if may & (1 << i) == 0 || !secret.re.is_match(&out) {
            continue;
        }
        let haystack: &str = &out;
        let replaced = secret
            .re
            .replace_all(haystack, |caps: &Captures<'_>| {
                let whole = caps.get(0).expect("group 0 always exists");
                let v = caps.name("v").expect("every secret pattern has a v group");
                if !needs_mask(haystack, whole.start(), v.as_str()) {
                    return whole.as_str().to_string();
                }
                let mut s = String::with_capacity(whole.len());
                s.push_str(&text_between(whole.as_str(), whole.start(), v.start()));
                s.push_str(&mask(kind_of(secret, caps), v.as_str()));
                s.push_str(&whole.as_str()[v.end() - whole.start()..]);
                s
            })
            .into_owned();
        out = Cow::Owned(replaced);
    }
    out
}

/// False for what only looks like a secret: a mask already in place (or a match inside one),
/// and an AADSTS code after `code:` (`Error code: AADSTS50011`).
fn needs_mask(haystack: &str, start: usize, value: &str) -> bool {
    if value.starts_with("<redacted:")
        || is_placeholder(value)
        || value.to_ascii_uppercase().starts_with("AADSTS")
    {
        return false;
    }
    // Inside an earlier mask: the last `<redacted:` before the match is not closed yet.
    let before = &haystack[..start];
    match before.rfind("<redacted:") {
        Some(open) => before[open..].contains('>'),
        None => true,
    }
}

/// `<code#3>` and the like at the start of `value`: a placeholder already written.
fn is_placeholder(value: &str) -> bool {
    let Some(rest) = value.strip_prefix('<') else {
        return false;
    };
    let Some((kind, rest)) = rest.split_once('#') else {
        return false;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    !kind.is_empty()
        && kind.bytes().all(|b| b.is_ascii_lowercase())
        && digits > 0
        && rest[digits..].starts_with('>')
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
    fn users_are_masked_on_request_only() {
        let t = "Could not assign group netbox-admins to remotely-authenticated user jdoe@corp.example: Group not found";
        assert_eq!(redact(t), t, "identities are kept by default");
        let out = redact_users(t);
        assert!(!out.contains("jdoe@corp.example"));
        assert!(out.contains(&format!("<user:{}>", tag("jdoe@corp.example"))));
    }

    #[test]
    fn review_cases() {
        // An AADSTS code after `code:` stays readable.
        let t = "Error code: AADSTS50011: The redirect URI 'http://x/' specified";
        assert_eq!(redact(t), t);
        // A bare client secret gets one clean mask, not a mask inside a mask.
        let out = redact("ERROR AADSTS7000215 secret Abc8Q~FAKEfakeFAKEfakeFAKEfakeFAKEfake12 raw")
            .into_owned();
        assert!(!out.contains("FAKEfake"), "{out}");
        assert_eq!(out.matches("<redacted:").count(), 1, "{out}");
        // A bare authorization code is masked.
        let out = redact("ERROR invalid_grant AADSTS54005: code 0.AXoAREALCODEfakeFAKEfakeFAKEfakeFAKE123 already redeemed").into_owned();
        assert!(!out.contains("REALCODE"), "{out}");
        assert_eq!(leak(&out), None);
    }

    #[test]
    fn leaks_are_found_and_masked_text_is_clean() {
        let raw = "GET /oauth/complete/azuread-oauth2/?code=0.AXoAq1fakeFAKEcode123&state=Xy7aBcDeFgHiJkLmNoPqRsTuVwXyZ012";
        assert_eq!(leak(raw), Some("oauth-param"));
        assert_eq!(leak(&redact(raw)), None);
        assert_eq!(
            leak("Check SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET in the admin console."),
            None
        );
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
        // The same numbering carries on across texts of one run, HTML-escaped or not.
        let html = mask("code", "OtherCodeValue2xyzOther")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        assert_eq!(numbers.apply(&html), "&lt;code#2&gt;");
        let mut key = mask_value("state", "StateValueStateValue1");
        numbers.apply_in_place(&mut key);
        assert_eq!(
            key, "<state#1>",
            "a flow key gets the evidence's placeholder"
        );
        // A fresh run numbers from 1 in order of appearance, whatever the values.
        assert_eq!(
            Placeholders::default().apply(&redact("password=hunter2")),
            "password=<password#1>"
        );
        let clean = "AADSTS50011: The redirect URI 'https://netbox.example.com/oauth/complete/azuread-oauth2/' specified";
        assert!(matches!(redact(clean), Cow::Borrowed(_)));
        assert!(matches!(numbers.apply(clean), Cow::Borrowed(_)));
        let uri = "\"error_uri\":\"https://login.microsoftonline.com/error?code=7000222\"";
        assert_eq!(redact(uri), uri);
    }

    #[test]
    fn a_cut_does_not_split_a_mask() {
        let text = format!("x code={} y", mask("code", "SameCodeValue1xyzSameCode"));
        let inside = text.find("redacted").expect("mask") + 3;
        assert_eq!(mask_start_around(&text, inside), Some(7));
        assert_eq!(mask_start_around(&text, 3), None);
        assert_eq!(mask_start_around(&text, text.len()), None);
    }

    /// The gate never rules out a pattern that matches: every match of every secret
    /// pattern, on every sample, corpus and fixture line, holds one of its triggers.
    #[test]
    fn every_match_holds_a_trigger() {
        assert_eq!(TRIGGERS.len(), SECRETS.len());
        let mut lines = crate::test_support::repo_lines();
        for rule in crate::test_support::repo_files(&["patterns"]) {
            lines.extend(String::from_utf8_lossy(&rule).lines().map(str::to_string));
        }
        // Shapes the logs above lack.
        lines.push("DATABASE_URL=postgres://netbox:s3cr3tpass@db:5432/netbox".into());
        lines.push("Authorization: BASIC dXNlcjpwYXNzd29yZA== and bearer AbCdEf123456".into());
        let mut matched = [0usize; 8];
        for line in &lines {
            for (i, secret) in SECRETS.iter().enumerate() {
                for m in secret.re.find_iter(line) {
                    let found = m.as_str().to_ascii_lowercase();
                    assert!(
                        TRIGGERS[i]
                            .iter()
                            .any(|t| found.contains(&t.to_ascii_lowercase())),
                        "pattern {i} matched {:?} without a trigger",
                        m.as_str()
                    );
                    matched[i] += 1;
                }
            }
        }
        assert!(
            matched.iter().all(|&n| n > 0),
            "every pattern is exercised: {matched:?}"
        );
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
}
