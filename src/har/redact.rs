//! `redact-har`: a copy of a HAR that is safe to attach to a ticket. Cookies (headers and
//! `cookies` arrays), Authorization-like headers, authorization codes, `state`, tokens (in
//! URLs, fragments, form, multipart and JSON bodies, Entra's form_post page), passwords,
//! client secrets and API keys are masked, by name (`client_secret`, `clientSecret`,
//! `X-Api-Key`, ...) and by shape (long random-looking values, JWTs, Entra secrets);
//! everything else, and the structure (every entry and field), is kept, so the copy still
//! opens in a browser's HAR viewer and `sso-triage scan` still reads it.
//!
//! The copy is written entry by entry as the input is read (`redact_stream`): a HAR of a
//! million entries needs no more memory than its largest entry.

use std::io::{self, Read, Write};
use std::sync::LazyLock;

use base64::Engine;
use regex::{Captures, Regex};
use serde_json::Value;

use super::stream::{self, Failure, Level, Sink};
use crate::redact::{Placeholders, mask_value, redact};

/// Names (normalised: lowercase, without `_`, `-`, `.`) whose values are secrets.
const SECRET_NAMES: &[&str] = &[
    "code",
    "state",
    "sessionstate",
    "idtoken",
    "accesstoken",
    "refreshtoken",
    "clientsecret",
    "clientassertion",
    "codeverifier",
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "assertion",
    "samlresponse",
    "csrfmiddlewaretoken",
    "sessionid",
    "csrftoken",
    "apikey",
    "xapikey",
    "sig",
    "signature",
    "otc",
    "canary",
    "sft",
];

/// Parts of a normalised name that make its value a secret (`myAppToken`, `dbPassword`).
const SECRET_PARTS: &[&str] = &[
    "token",
    "secret",
    "passw",
    "apikey",
    "privatekey",
    "accesskey",
    "subscriptionkey",
    "credential",
    "assertion",
    "sessionid",
    "sessionstate",
    "sessionkey",
    "samlresponse",
    "cookie",
];

/// Endings of a normalised name that describe a secret rather than hold one (`token_type`,
/// `token_endpoint`, `expires_in`): their values stay readable.
const DESCRIBING: &[&str] = &[
    "type",
    "uri",
    "url",
    "endpoint",
    "expiresin",
    "expiresat",
    "expires",
    "name",
    "kind",
    "count",
    "length",
    "lifetime",
    "format",
    "method",
    "mode",
    "hint",
    "usage",
];

/// Header names (lowercase) whose value is never a secret even if their name says `auth`.
const PLAIN_HEADERS: &[&str] = &[":authority"];

/// Parts of a header name (lowercase) that make its whole value a secret.
const SECRET_HEADER_PARTS: &[&str] = &["token", "secret", "key", "auth", "session", "cookie"];

fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | ' ' | '$'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// True when a parameter, form field, JSON key or hidden input named `name` holds a secret:
/// the OAuth and SAML names, and any name that says token, secret, password, API key...
/// (`client_secret`, `clientSecret`, `X-Api-Key`), but not `token_type` or `expires_in`.
pub fn secret_name(name: &str) -> bool {
    let n = normalise(name);
    if SECRET_NAMES.contains(&n.as_str()) {
        return true;
    }
    SECRET_PARTS.iter().any(|p| n.contains(p)) && !DESCRIBING.iter().any(|d| n.ends_with(d))
}

/// The placeholder kind for a secret named `name`.
fn kind_of(name: &str) -> &'static str {
    let n = normalise(name);
    match n.as_str() {
        "code" => "code",
        "state" => "state",
        "sessionstate" => "session",
        "samlresponse" => "saml",
        _ if n.contains("passw") || n == "pwd" => "password",
        _ if n.contains("cookie")
            || n.contains("sessionid")
            || n == "csrftoken"
            || n == "csrfmiddlewaretoken" =>
        {
            "cookie"
        }
        _ if n.contains("secret")
            || n.contains("assertion")
            || n.contains("verifier")
            || n.contains("key")
            || n.starts_with("sig") =>
        {
            "secret"
        }
        _ => "token",
    }
}

fn is_guid(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// A host name (`netbox-7d9f.kotsadm.svc.cluster.local`) rather than a credential.
fn is_host(v: &str) -> bool {
    let labels: Vec<&str> = v.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty() && l.len() < 24)
        && labels
            .last()
            .is_some_and(|l| l.len() >= 2 && l.bytes().all(|b| b.is_ascii_alphabetic()))
}

/// True for a value that looks like a credential whatever its name: 20 characters or more
/// of the base64/base64url/hex alphabet (Entra's `~` too), letters and digits mixed, random
/// enough (entropy), and not a GUID (request and correlation ids are what a ticket needs)
/// nor a host name.
pub fn looks_like_credential(v: &str) -> bool {
    let v = v.trim_matches(|c| c == '"' || c == '\'');
    if v.len() < 20
        || !v
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=_-.~".contains(&b))
        || is_guid(v)
        || is_host(v)
    {
        return false;
    }
    let digits = v.bytes().filter(u8::is_ascii_digit).count();
    let letters = v.bytes().filter(u8::is_ascii_alphabetic).count();
    if digits == 0 || letters == 0 {
        return false;
    }
    if v.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') && v.len() < 32 {
        return false;
    }
    crate::redact::scan::entropy(v.as_bytes()) >= 3.0
}

/// The internal mask for `value` under `name`, or `None` when it is not a secret.
fn mask_named(name: &str, value: &str) -> Option<String> {
    if value.is_empty() || is_masked(value) {
        return None;
    }
    if secret_name(name) {
        return Some(mask_value(kind_of(name), value));
    }
    looks_like_credential(&crate::parse::decode::url(value)).then(|| mask_value("token", value))
}

/// A value that is already a mask or a placeholder.
fn is_masked(v: &str) -> bool {
    // Exactly a placeholder's shape: `<secret#hunter2>` from a capture is a value.
    v.starts_with('\u{1}') || crate::redact::scan::is_placeholder(v.as_bytes())
}

/// Counts of what was masked.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Entries in the copy (the same as in the input).
    pub entries: usize,
}

/// Masks the secrets of one document, entry by entry, with placeholders numbered across it.
#[derive(Debug, Default)]
pub struct Redactor {
    numbers: Placeholders,
}

impl Redactor {
    /// Shape-based masking of what names did not catch, and internal masks turned into
    /// numbered placeholders.
    fn finish(&mut self, s: &str) -> String {
        let masked = redact(s);
        self.numbers.apply(&masked).into_owned()
    }

    /// Masks one entry (`log.entries[i]`) in place.
    pub fn entry(&mut self, entry: &mut Value) {
        neutralize(entry);
        entry_in_place(entry, self);
        // A base64 body was decoded, masked and encoded again above; the pass over every
        // string would take the encoded text for one random token.
        let content = entry
            .get_mut("response")
            .and_then(|r| r.get_mut("content"))
            .filter(|c| c.get("encoding").and_then(Value::as_str) == Some("base64"))
            .and_then(|c| c.get_mut("text"))
            .map(Value::take);
        self.strings(entry);
        if let Some(text) = content
            && let Some(c) = entry
                .get_mut("response")
                .and_then(|r| r.get_mut("content"))
                .and_then(Value::as_object_mut)
        {
            c.insert("text".into(), text);
        }
    }

    /// Masks a value outside the entries (pages, creator, comments) in place.
    pub fn other(&mut self, v: &mut Value) {
        neutralize(v);
        self.strings(v);
    }

    /// Masks the secret shapes in every string of `v` (pages, creator, comments).
    pub fn strings(&mut self, v: &mut Value) {
        match v {
            Value::String(s) => *s = self.finish(s),
            // A member whose name says credential is masked whole, whatever field it is in
            // (`"password"`, `"_auth": {"password": ...}`, `"clientSecret"`).
            Value::Object(o) => {
                for (k, x) in o.iter_mut() {
                    if let Value::String(s) = x
                        && !is_masked(s)
                        && let Some(kind) = crate::redact::scan::masks_value(k, s)
                    {
                        let masked = crate::redact::mask_value(kind.name(), s);
                        *s = self.numbers.apply(&masked).into_owned();
                    } else {
                        self.strings(x);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|x| self.strings(x)),
            _ => {}
        }
    }
}

/// The masks written here are delimited by control characters U+0001 and U+0002: the
/// capture's own are replaced with U+FFFD first, so a capture cannot forge a mask that
/// would hide a value from the masker.
fn neutralize(v: &mut Value) {
    match v {
        Value::String(s) if s.contains(['\u{1}', '\u{2}']) => {
            *s = s.replace(['\u{1}', '\u{2}'], "\u{fffd}");
        }
        Value::Array(a) => a.iter_mut().for_each(neutralize),
        Value::Object(o) => o.values_mut().for_each(neutralize),
        _ => {}
    }
}

/// Masks every secret in `har` (a parsed HAR document) in place.
pub fn redact_value(har: &mut Value) -> Stats {
    let mut r = Redactor::default();
    let mut stats = Stats::default();
    neutralize(har);
    if let Some(entries) = har
        .get_mut("log")
        .and_then(|l| l.get_mut("entries"))
        .and_then(Value::as_array_mut)
    {
        stats.entries = entries.len();
        for entry in entries.iter_mut() {
            r.entry(entry);
        }
    }
    r.strings(har);
    stats
}

fn entry_in_place(entry: &mut Value, r: &mut Redactor) {
    for side in ["request", "response"] {
        let Some(part) = entry.get_mut(side) else {
            continue;
        };
        if let Some(headers) = part.get_mut("headers").and_then(Value::as_array_mut) {
            for h in headers {
                header_in_place(h);
            }
        }
        if let Some(cookies) = part.get_mut("cookies").and_then(Value::as_array_mut) {
            for c in cookies {
                if let Some(Value::String(v)) = c.get_mut("value") {
                    *v = cookie_mask(v);
                }
            }
        }
        for key in ["url", "redirectURL"] {
            if let Some(Value::String(u)) = part.get_mut(key) {
                *u = mask_url(u);
            }
        }
        if let Some(qs) = part.get_mut("queryString").and_then(Value::as_array_mut) {
            pairs_in_place(qs);
        }
    }
    if let Some(post) = entry.pointer_mut("/request/postData") {
        let mime = post
            .get("mimeType")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if let Some(params) = post.get_mut("params").and_then(Value::as_array_mut) {
            pairs_in_place(params);
        }
        if let Some(Value::String(t)) = post.get_mut("text") {
            *t = mask_body(t, &mime);
        }
    }
    if let Some(content) = entry.pointer_mut("/response/content") {
        let base64 = content
            .get("encoding")
            .and_then(Value::as_str)
            .is_some_and(|e| e.eq_ignore_ascii_case("base64"));
        let mime = content
            .get("mimeType")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if let Some(Value::String(t)) = content.get_mut("text") {
            *t = if base64 {
                base64_body(t, &mime, r)
            } else {
                mask_body(t, &mime)
            };
        }
    }
}

/// A base64 body (MIME line breaks allowed): a text body is decoded, masked, numbered and
/// encoded again (one line); a binary body is kept unless a secret shows in it, then it is
/// replaced whole; a body that is not base64 at all is replaced whole.
fn base64_body(text: &str, mime: &str, r: &mut Redactor) -> String {
    let engine = base64::engine::general_purpose::STANDARD;
    let Some(bytes) = super::model::decode_base64(text) else {
        return r.finish(&mask_value("body", text));
    };
    match String::from_utf8(bytes) {
        Ok(decoded) => {
            let masked = r.finish(&mask_body(&decoded, mime));
            engine.encode(masked)
        }
        Err(e) => {
            // Images and fonts carry no login secrets; anything else that shows one is
            // dropped whole rather than patched inside binary data.
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            if mask_body(&lossy, mime) != lossy || redact(&lossy) != lossy {
                r.finish(&mask_value("body", text))
            } else {
                text.to_string()
            }
        }
    }
}

fn cookie_mask(value: &str) -> String {
    if value.is_empty() || is_masked(value) {
        return value.to_string();
    }
    mask_value("cookie", value)
}

fn pairs_in_place(pairs: &mut [Value]) {
    for p in pairs {
        let name = p
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if let Some(Value::String(v)) = p.get_mut("value")
            && let Some(m) = mask_named(&name, v)
        {
            *v = m;
        }
    }
}

/// `Bearer xyz` keeps its scheme; anything else is masked whole.
fn mask_credential(kind: &str, v: &str) -> String {
    match v.split_once(' ') {
        Some((scheme, cred))
            if !cred.trim().is_empty()
                && scheme.len() <= 20
                && scheme.bytes().all(|b| b.is_ascii_alphabetic()) =>
        {
            format!("{scheme} {}", mask_value(kind, cred.trim()))
        }
        _ => mask_value(kind, v),
    }
}

fn header_in_place(h: &mut Value) {
    let name = h
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_ascii_lowercase();
    let Some(Value::String(v)) = h.get_mut("value") else {
        return;
    };
    if v.is_empty() || is_masked(v) {
        return;
    }
    *v = mask_header(&name, v);
}

/// The value of header `name` (lowercase) with its secrets masked.
pub(crate) fn mask_header(name: &str, v: &str) -> String {
    match name {
        "cookie" => v
            .split(';')
            .map(|part| match part.split_once('=') {
                Some((n, val)) => format!("{n}={}", cookie_mask(val.trim())),
                None => part.to_string(),
            })
            .collect::<Vec<_>>()
            .join(";"),
        "set-cookie" => v
            .lines()
            .map(|line| {
                let (first, attrs) = line.split_once(';').unwrap_or((line, ""));
                let first = match first.split_once('=') {
                    Some((n, val)) => format!("{n}={}", cookie_mask(val.trim())),
                    None => first.to_string(),
                };
                if attrs.is_empty() {
                    first
                } else {
                    format!("{first};{attrs}")
                }
            })
            .collect::<Vec<_>>()
            .join("\n"),
        // `:path` is HTTP/2's request line: the query with `code` and `state`.
        "location" | "referer" | "content-location" | "origin" | ":path" => mask_url(v),
        "refresh" => match v.split_once("url=").or_else(|| v.split_once("URL=")) {
            Some((delay, u)) => format!("{delay}url={}", mask_url(u)),
            None => v.to_string(),
        },
        n if PLAIN_HEADERS.contains(&n) => v.to_string(),
        n if SECRET_HEADER_PARTS.iter().any(|p| n.contains(p)) => mask_credential("token", v),
        _ => mask_tokens(v),
    }
}

static WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[^\s,;]+").expect("a fixed regex"));

/// Free text (a header of unknown name): each word, or the value of each `k=v`, that looks
/// like a credential is masked.
fn mask_tokens(v: &str) -> String {
    WORD.replace_all(v, |caps: &Captures<'_>| {
        let word = &caps[0];
        let (key, value) = match word.split_once('=') {
            Some((k, val)) if !val.is_empty() => (Some(k), val),
            _ => (None, word),
        };
        let value_bare = value.trim_matches(|c| c == '"' || c == '\'');
        let secret = key.is_some_and(secret_name) || looks_like_credential(value_bare);
        if !secret || value_bare.is_empty() || is_masked(value_bare) {
            return word.to_string();
        }
        let masked = value.replace(value_bare, &mask_value("token", value_bare));
        match key {
            Some(k) => format!("{k}={masked}"),
            None => masked,
        }
    })
    .into_owned()
}

/// A URL with the values of secret query and fragment parameters masked (internal masks).
pub(crate) fn mask_url(u: &str) -> String {
    let (before_fragment, fragment) = match u.split_once('#') {
        Some((a, f)) => (a, Some(f)),
        None => (u, None),
    };
    let (base, query) = match before_fragment.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (before_fragment, None),
    };
    let mut out = base.to_string();
    if let Some(q) = query {
        out.push('?');
        out.push_str(&form(q));
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(&form(f));
    }
    out
}

/// `a=1&code=...` with the secret values masked.
fn form(text: &str) -> String {
    text.split('&')
        .map(|part| match part.split_once('=') {
            Some((k, v)) => match mask_named(&crate::parse::decode::url(k), v) {
                Some(m) => format!("{k}={m}"),
                None => part.to_string(),
            },
            None => part.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A body (request or response, as text) with its secrets masked (internal masks): JSON by
/// key, forms by field name, multipart parts by name, HTML hidden inputs (Entra's form_post
/// page) by name or shape, and `key: "value"` pairs in scripts and other text by key name.
pub(crate) fn mask_body(text: &str, mime: &str) -> String {
    let trimmed = text.trim_start();
    if (trimmed.starts_with('{') || trimmed.starts_with('['))
        && let Ok(mut v) = serde_json::from_str::<Value>(text)
    {
        json_in_place(&mut v, None);
        return serde_json::to_string(&v).unwrap_or_default();
    }
    let mime = mime.to_ascii_lowercase();
    if mime.contains("x-www-form-urlencoded")
        || (!text.contains(char::is_whitespace)
            && text.contains('=')
            && !text.contains(['<', '{', '"']))
    {
        return form(text.trim_end());
    }
    let mut out = std::borrow::Cow::Borrowed(text);
    if out.contains("form-data") || mime.contains("multipart") {
        out = std::borrow::Cow::Owned(multipart(&out));
    }
    if out.contains('<') {
        out = std::borrow::Cow::Owned(inputs(&out));
    }
    if out.contains(':') || out.contains('=') {
        out = std::borrow::Cow::Owned(pairs_in_text(&out));
    }
    out.into_owned()
}

/// JSON: a string under a secret key, every string inside an object or array under one, and
/// any string that looks like a credential.
fn json_in_place(v: &mut Value, under: Option<&str>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o.iter_mut() {
                let secret = under.or(secret_name(k).then_some(k.as_str()));
                json_in_place(x, secret);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| json_in_place(x, under)),
        Value::String(s) if !s.is_empty() && !is_masked(s) => match under {
            Some(k) => *s = mask_value(kind_of(k), s),
            None if looks_like_credential(s) => *s = mask_value("token", s),
            None => {}
        },
        _ => {}
    }
}

static INPUT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?is)<input\b[^>]*>").expect("a fixed regex"));
static ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?is)\b(?P<k>[a-z_:-]+)\s*=\s*(?:"(?P<v1>[^"]*)"|'(?P<v2>[^']*)'|(?P<v3>[^\s"'>]+))"#,
    )
    .expect("a fixed regex")
});

/// HTML `<input>` tags (a form_post page's hidden `code`, `state`, `id_token`,
/// `SAMLResponse`...): the value of a secret-named or credential-looking input is masked.
fn inputs(html: &str) -> String {
    INPUT
        .replace_all(html, |caps: &Captures<'_>| {
            let tag = &caps[0];
            let mut name = None;
            let mut value = None;
            for a in ATTR.captures_iter(tag) {
                let v = a.name("v1").or(a.name("v2")).or(a.name("v3"));
                match a["k"].to_ascii_lowercase().as_str() {
                    "name" | "id" if name.is_none() => name = v.map(|m| m.as_str().to_string()),
                    "value" => value = v,
                    _ => {}
                }
            }
            let Some(value) = value else {
                return tag.to_string();
            };
            let raw = value.as_str();
            let decoded = crate::parse::decode::html(raw);
            let name = name.unwrap_or_default();
            let masked = if raw.is_empty() || is_masked(raw) {
                None
            } else if secret_name(&name) {
                Some(mask_value(kind_of(&name), &decoded))
            } else if looks_like_credential(&decoded) {
                Some(mask_value("token", &decoded))
            } else {
                None
            };
            match masked {
                Some(m) => format!("{}{m}{}", &tag[..value.start()], &tag[value.end()..]),
                None => tag.to_string(),
            }
        })
        .into_owned()
}

static PAIR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?:"(?P<k1>[A-Za-z_$][\w$.-]{0,63})"|'(?P<k2>[A-Za-z_$][\w$.-]{0,63})'|\b(?P<k3>[A-Za-z_$][\w$]{0,63}))\s*(?::|=)\s*(?:"(?P<v1>(?:[^"\\\n]|\\.)+)"|'(?P<v2>(?:[^'\\\n]|\\.)+)')"#,
    )
    .expect("a fixed regex")
});

/// `"clientSecret": "..."`, `accessToken = '...'` and the like in a script or a text body:
/// the quoted value of a secret key, or a quoted value that looks like a credential.
fn pairs_in_text(text: &str) -> String {
    PAIR.replace_all(text, |caps: &Captures<'_>| {
        let whole = caps.get(0).expect("group 0 always exists");
        let key = caps
            .name("k1")
            .or(caps.name("k2"))
            .or(caps.name("k3"))
            .map_or("", |m| m.as_str());
        let Some(v) = caps.name("v1").or(caps.name("v2")) else {
            return whole.as_str().to_string();
        };
        let value = v.as_str();
        let mask = if is_masked(value) {
            None
        } else if secret_name(key) {
            Some(mask_value(kind_of(key), value))
        } else if looks_like_credential(value) {
            Some(mask_value("token", value))
        } else {
            None
        };
        match mask {
            Some(m) => {
                let s = whole.start();
                format!(
                    "{}{m}{}",
                    &whole.as_str()[..v.start() - s],
                    &whole.as_str()[v.end() - s..]
                )
            }
            None => whole.as_str().to_string(),
        }
    })
    .into_owned()
}

static PART: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)name="(?P<k>[^"\r\n]+)"[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\n(?P<v>[^\r\n]*)"#)
        .expect("a fixed regex")
});

/// `multipart/form-data`: the value of each secret-named part.
fn multipart(text: &str) -> String {
    PART.replace_all(text, |caps: &Captures<'_>| {
        let whole = caps.get(0).expect("group 0 always exists");
        let v = caps.name("v").expect("the pattern has v");
        match mask_named(&caps["k"], v.as_str()) {
            Some(m) => {
                let s = whole.start();
                format!(
                    "{}{m}{}",
                    &whole.as_str()[..v.start() - s],
                    &whole.as_str()[v.end() - s..]
                )
            }
            None => whole.as_str().to_string(),
        }
    })
    .into_owned()
}

/// Writes `value` as indented JSON, each line after the first shifted by `indent`.
fn write_json(out: &mut dyn Write, value: &Value, indent: usize) -> io::Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    let pad = " ".repeat(indent);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
            out.write_all(pad.as_bytes())?;
        }
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// Writes the masked copy as the input is read. Members before `log.entries` are held until
/// the entries begin, so an input that turns out not to be a HAR writes nothing.
struct Writer<'w> {
    out: &'w mut dyn Write,
    r: Redactor,
    held_top: Vec<(String, Value)>,
    held_log: Vec<(String, Value)>,
    /// Whether `{"log": {` and the held members are out.
    opened: bool,
    /// A member was written in the object at [`Level::Top`] / [`Level::Log`].
    wrote_top: bool,
    wrote_log: bool,
    entries: usize,
    log_closed: bool,
}

impl Writer<'_> {
    fn key(&mut self, level: Level, key: &str) -> io::Result<()> {
        let (wrote, pad) = match level {
            Level::Top => (&mut self.wrote_top, "  "),
            Level::Log => (&mut self.wrote_log, "    "),
        };
        if *wrote {
            self.out.write_all(b",")?;
        }
        *wrote = true;
        let key = serde_json::to_string(key).map_err(io::Error::other)?;
        write!(self.out, "\n{pad}{key}: ")
    }

    fn member_out(&mut self, level: Level, key: &str, mut value: Value) -> io::Result<()> {
        self.r.other(&mut value);
        self.key(level, key)?;
        let indent = if level == Level::Top { 2 } else { 4 };
        write_json(self.out, &value, indent)
    }

    fn open(&mut self) -> io::Result<()> {
        if self.opened {
            return Ok(());
        }
        self.opened = true;
        self.out.write_all(b"{")?;
        for (k, v) in std::mem::take(&mut self.held_top) {
            self.member_out(Level::Top, &k, v)?;
        }
        self.key(Level::Top, "log")?;
        self.out.write_all(b"{")?;
        for (k, v) in std::mem::take(&mut self.held_log) {
            self.member_out(Level::Log, &k, v)?;
        }
        Ok(())
    }
}

impl Sink for Writer<'_> {
    type Entry = Value;
    type Other = Value;

    fn member(&mut self, level: Level, key: String, value: Value) -> io::Result<()> {
        if !self.opened {
            match level {
                Level::Top => self.held_top.push((key, value)),
                Level::Log => self.held_log.push((key, value)),
            }
            return Ok(());
        }
        self.member_out(level, &key, value)
    }

    fn entries_start(&mut self) -> io::Result<()> {
        self.open()?;
        self.key(Level::Log, "entries")?;
        self.out.write_all(b"[")
    }

    fn entry(&mut self, mut entry: Value) -> io::Result<()> {
        self.r.entry(&mut entry);
        if self.entries > 0 {
            self.out.write_all(b",")?;
        }
        self.entries += 1;
        self.out.write_all(b"\n      ")?;
        write_json(self.out, &entry, 6)
    }

    fn entries_end(&mut self) -> io::Result<()> {
        if self.entries > 0 {
            self.out.write_all(b"\n    ")?;
        }
        self.out.write_all(b"]")
    }

    fn end(&mut self, level: Level) -> io::Result<()> {
        if !self.opened {
            return Ok(());
        }
        match level {
            Level::Log => {
                self.log_closed = true;
                self.out.write_all(b"\n  }")
            }
            Level::Top => self.out.write_all(b"\n}\n"),
        }
    }
}

/// Reads the HAR in `input` (plain or gzip) and writes its masked copy to `out` as it goes.
/// On a failure part of the copy may have been written: the caller discards it.
pub(crate) fn redact_stream(input: impl Read, out: &mut dyn Write) -> Result<Stats, Failure> {
    let mut w = Writer {
        out,
        r: Redactor::default(),
        held_top: Vec::new(),
        held_log: Vec::new(),
        opened: false,
        wrote_top: false,
        wrote_log: false,
        entries: 0,
        log_closed: false,
    };
    stream::read(input, &mut w)?;
    w.out.flush().map_err(Failure::Sink)?;
    Ok(Stats { entries: w.entries })
}

#[cfg(test)]
mod tests {
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
        assert!(
            out.contains("action=\"https://netbox.example.com/oauth/complete/azuread-oauth2/\"")
        );
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
}
