//! What counts as a secret in a HAR: names of headers, cookies, parameters and JSON keys
//! whose values are secrets (`client_secret`, `X-Api-Key`, ...), names that only describe
//! one, and values that look like a credential by their shape.

use crate::redact::mask_value;

/// Names (normalised: lowercase, without `_`, `-`, `.`) whose values are secrets.
pub(super) const SECRET_NAMES: &[&str] = &[
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
pub(super) const SECRET_PARTS: &[&str] = &[
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
pub(super) const DESCRIBING: &[&str] = &[
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
pub(super) const PLAIN_HEADERS: &[&str] = &[":authority"];

/// Parts of a header name (lowercase) that make its whole value a secret.
pub(super) const SECRET_HEADER_PARTS: &[&str] =
    &["token", "secret", "key", "auth", "session", "cookie"];

pub(super) fn normalise(name: &str) -> String {
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
pub(super) fn kind_of(name: &str) -> &'static str {
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

pub(super) fn is_guid(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// A host name (`netbox-7d9f.kotsadm.svc.cluster.local`) rather than a credential.
pub(super) fn is_host(v: &str) -> bool {
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
    crate::redact::spans::entropy(v.as_bytes()) >= 3.0
}

/// The internal mask for `value` under `name` (a parameter, a form field, a multipart
/// part, a `queryString` or `params` member), or `None` when it is not a secret.
pub(super) fn mask_named(name: &str, value: &str) -> Option<String> {
    if value.is_empty() || is_masked(value) {
        return None;
    }
    if secret_name(name) {
        return Some(mask_value(kind_of(name), value));
    }
    // The masker's own key rules too (`pw`, `passcode`, `user_pin`): a `queryString` or
    // `params` array, a URL and a form's text mask the same names, each value on its own.
    if let Some(kind) = crate::redact::spans::masks_value(name, value) {
        return Some(mask_value(kind.name(), value));
    }
    looks_like_credential(&crate::parse::decode::url(value)).then(|| mask_value("token", value))
}

/// A value that is already a mask or a placeholder.
pub(super) fn is_masked(v: &str) -> bool {
    // Exactly a placeholder's shape: `<secret#hunter2>` from a capture is a value.
    v.starts_with('\u{1}') || crate::redact::spans::is_placeholder(v.as_bytes())
}
