//! `redact-har`: a copy of a HAR that is safe to attach to a ticket. Cookies (headers and
//! `cookies` arrays), Authorization headers, authorization codes, `state`, tokens (in URLs,
//! fragments, form and JSON bodies), passwords and client secrets are masked; everything
//! else, and the structure (every entry and field), is kept, so the copy still opens in a
//! browser's HAR viewer and `sso-triage scan` still reads it.

use base64::Engine;
use serde_json::Value;

use crate::redact::{Placeholders, mask_value, redact};

/// Query, form and JSON names whose values are secrets.
const SECRET_NAMES: &[&str] = &[
    "code",
    "state",
    "session_state",
    "id_token",
    "access_token",
    "refresh_token",
    "client_secret",
    "client_assertion",
    "code_verifier",
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
];

/// Headers whose whole value is a secret.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "x-csrftoken",
    "x-xsrf-token",
    "x-csrf-token",
    "x-api-key",
];

fn secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    SECRET_NAMES.contains(&n.as_str())
}

fn kind_of(name: &str) -> &'static str {
    match name.to_ascii_lowercase().as_str() {
        "code" => "code",
        "state" => "state",
        "session_state" => "session",
        "password" | "passwd" | "pwd" => "password",
        "client_secret" | "secret" | "client_assertion" | "code_verifier" | "assertion" => "secret",
        "sessionid" | "csrftoken" | "csrfmiddlewaretoken" => "cookie",
        _ => "token",
    }
}

/// Counts of what was masked.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Entries in the copy (the same as in the input).
    pub entries: usize,
}

/// Masks every secret in `har` (a parsed HAR document) in place.
pub fn redact_value(har: &mut Value) -> Stats {
    let mut numbers = Placeholders::default();
    let mut stats = Stats::default();
    // The masks written below are delimited by control characters: the capture's own are
    // replaced first, so the capture cannot forge a mask that hides a value from the masker.
    strings(har, &mut |s| {
        if s.contains(['\u{1}', '\u{2}']) {
            *s = s.replace(['\u{1}', '\u{2}'], "\u{fffd}");
        }
    });
    if let Some(entries) = har
        .get_mut("log")
        .and_then(|l| l.get_mut("entries"))
        .and_then(Value::as_array_mut)
    {
        stats.entries = entries.len();
        for entry in entries.iter_mut() {
            entry_in_place(entry);
        }
    }
    // Then every string left anywhere (pages, comments, initiator stacks): secret shapes
    // masked, and every mask turned into its numbered placeholder.
    strings(har, &mut |s| {
        let masked = redact(s).into_owned();
        *s = numbers.apply(&masked).into_owned();
    });
    stats
}

fn strings(v: &mut Value, f: &mut dyn FnMut(&mut String)) {
    match v {
        Value::String(s) => f(s),
        Value::Array(a) => a.iter_mut().for_each(|x| strings(x, f)),
        Value::Object(o) => o.values_mut().for_each(|x| strings(x, f)),
        _ => {}
    }
}

fn entry_in_place(entry: &mut Value) {
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
                let name = c
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                if let Some(v) = c.get_mut("value").filter(|v| v.is_string()) {
                    let old = v.as_str().unwrap_or("").to_string();
                    *v = Value::String(cookie_mask(&name, &old));
                }
            }
        }
        for key in ["url", "redirectURL"] {
            if let Some(Value::String(u)) = part.get_mut(key) {
                *u = url(u);
            }
        }
        if let Some(qs) = part.get_mut("queryString").and_then(Value::as_array_mut) {
            pairs_in_place(qs);
        }
    }
    if let Some(post) = entry.pointer_mut("/request/postData") {
        if let Some(params) = post.get_mut("params").and_then(Value::as_array_mut) {
            pairs_in_place(params);
        }
        if let Some(Value::String(t)) = post.get_mut("text") {
            *t = body(t);
        }
    }
    if let Some(content) = entry.pointer_mut("/response/content") {
        let base64 = content
            .get("encoding")
            .and_then(Value::as_str)
            .is_some_and(|e| e.eq_ignore_ascii_case("base64"));
        if let Some(Value::String(t)) = content.get_mut("text") {
            if base64 {
                let engine = base64::engine::general_purpose::STANDARD;
                // A text body hidden in base64 is masked and encoded again; binary bodies
                // (images, fonts) carry no login secrets and are kept.
                if let Some(text) = engine
                    .decode(t.trim())
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                {
                    *t = engine.encode(body(&text));
                }
            } else {
                *t = body(t);
            }
        }
    }
}

fn cookie_mask(name: &str, value: &str) -> String {
    if value.is_empty() {
        return String::new();
    }
    let _ = name;
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
            && secret_name(&name)
            && !v.is_empty()
        {
            *v = mask_value(kind_of(&name), v);
        }
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
    *v = match name.as_str() {
        "cookie" => v
            .split(';')
            .map(|part| match part.split_once('=') {
                Some((n, val)) => format!("{n}={}", cookie_mask(n.trim(), val.trim())),
                None => part.to_string(),
            })
            .collect::<Vec<_>>()
            .join(";"),
        "set-cookie" => v
            .lines()
            .map(|line| {
                let (first, attrs) = line.split_once(';').unwrap_or((line, ""));
                let first = match first.split_once('=') {
                    Some((n, val)) => format!("{n}={}", cookie_mask(n.trim(), val.trim())),
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
        "location" | "referer" | "content-location" | "refresh" => url(v),
        n if SECRET_HEADERS.contains(&n) => match v.split_once(' ') {
            Some((scheme, cred)) if !cred.is_empty() => {
                format!("{scheme} {}", mask_value("token", cred))
            }
            _ => mask_value("token", v),
        },
        _ => v.clone(),
    };
}

/// A URL with the values of secret query and fragment parameters masked.
fn url(u: &str) -> String {
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
            Some((k, v)) if secret_name(&crate::parse::decode::url(k)) && !v.is_empty() => {
                format!(
                    "{k}={}",
                    mask_value(kind_of(&crate::parse::decode::url(k)), v)
                )
            }
            _ => part.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A body: JSON with secret keys masked, a form with secret fields masked, anything else
/// (HTML, text) through the shape-based masking.
fn body(text: &str) -> String {
    let trimmed = text.trim_start();
    if (trimmed.starts_with('{') || trimmed.starts_with('['))
        && let Ok(mut v) = serde_json::from_str::<Value>(text)
    {
        json_in_place(&mut v);
        return serde_json::to_string(&v).unwrap_or_default();
    }
    if !text.contains(char::is_whitespace) && text.contains('=') && !text.contains('<') {
        return form(text);
    }
    text.to_string()
}

fn json_in_place(v: &mut Value) {
    match v {
        Value::Object(o) => {
            for (k, x) in o.iter_mut() {
                match x {
                    Value::String(s) if secret_name(k) && !s.is_empty() => {
                        *s = mask_value(kind_of(k), s);
                    }
                    _ => json_in_place(x),
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(json_in_place),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_forms_and_json() {
        let u = url(
            "https://nb.example.com/oauth/complete/azuread-oauth2/?code=0.AXoAsecretcode&state=StateStateState12&next=%2F#id_token=eyJa.eyJb.c",
        );
        assert!(!u.contains("secretcode") && !u.contains("StateState") && !u.contains("eyJa"));
        assert!(u.contains("next=%2F"));
        let b = body(
            r#"{"access_token":"abc","token_type":"Bearer","nested":[{"refresh_token":"def"}]}"#,
        );
        assert!(
            !b.contains("\"abc\"") && !b.contains("def") && b.contains("Bearer"),
            "{b}"
        );
        let f = body("grant_type=authorization_code&client_secret=hunter2&code=xyz");
        assert!(
            !f.contains("hunter2")
                && !f.contains("=xyz")
                && f.contains("grant_type=authorization_code")
        );
    }
}
