//! Masking inside the parts of an entry: headers, cookies, URLs (query and fragment), form,
//! multipart and JSON bodies, and the hidden inputs of Entra's form_post page. Each function
//! takes the text as written and returns it with the secrets replaced by masks.

use std::sync::LazyLock;

use regex::{Captures, Regex};
use serde_json::Value;

use super::secrets::*;
use crate::redact::mask_value;

pub(super) fn cookie_mask(value: &str) -> String {
    if value.is_empty() || is_masked(value) {
        return value.to_string();
    }
    mask_value("cookie", value)
}

pub(super) fn pairs_in_place(pairs: &mut [Value]) {
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
pub(super) fn mask_credential(kind: &str, v: &str) -> String {
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

pub(super) fn header_in_place(h: &mut Value) {
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

pub(super) static WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[^\s,;]+").expect("a fixed regex"));

/// Free text (a header of unknown name): each word, or the value of each `k=v`, that looks
/// like a credential is masked.
pub(super) fn mask_tokens(v: &str) -> String {
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
pub(super) fn form(text: &str) -> String {
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
pub(super) fn json_in_place(v: &mut Value, under: Option<&str>) {
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

pub(super) static INPUT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?is)<input\b[^>]*>").expect("a fixed regex"));
pub(super) static ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?is)\b(?P<k>[a-z_:-]+)\s*=\s*(?:"(?P<v1>[^"]*)"|'(?P<v2>[^']*)'|(?P<v3>[^\s"'>]+))"#,
    )
    .expect("a fixed regex")
});

/// HTML `<input>` tags (a form_post page's hidden `code`, `state`, `id_token`,
/// `SAMLResponse`...): the value of a secret-named or credential-looking input is masked.
pub(super) fn inputs(html: &str) -> String {
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

pub(super) static PAIR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?:"(?P<k1>[A-Za-z_$][\w$.-]{0,63})"|'(?P<k2>[A-Za-z_$][\w$.-]{0,63})'|\b(?P<k3>[A-Za-z_$][\w$]{0,63}))\s*(?::|=)\s*(?:"(?P<v1>(?:[^"\\\n]|\\.)+)"|'(?P<v2>(?:[^'\\\n]|\\.)+)')"#,
    )
    .expect("a fixed regex")
});

/// `"clientSecret": "..."`, `accessToken = '...'` and the like in a script or a text body:
/// the quoted value of a secret key, or a quoted value that looks like a credential.
pub(super) fn pairs_in_text(text: &str) -> String {
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
        splice(whole, v, mask)
    })
    .into_owned()
}

/// The text of match `whole` with its part `value` replaced by `mask` (unchanged without one).
fn splice(whole: regex::Match<'_>, value: regex::Match<'_>, mask: Option<String>) -> String {
    match mask {
        Some(m) => {
            let s = whole.start();
            format!(
                "{}{m}{}",
                &whole.as_str()[..value.start() - s],
                &whole.as_str()[value.end() - s..]
            )
        }
        None => whole.as_str().to_string(),
    }
}

pub(super) static PART: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)name="(?P<k>[^"\r\n]+)"[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\n(?P<v>[^\r\n]*)"#)
        .expect("a fixed regex")
});

/// `multipart/form-data`: the value of each secret-named part.
pub(super) fn multipart(text: &str) -> String {
    PART.replace_all(text, |caps: &Captures<'_>| {
        let whole = caps.get(0).expect("group 0 always exists");
        let v = caps.name("v").expect("the pattern has v");
        splice(whole, v, mask_named(&caps["k"], v.as_str()))
    })
    .into_owned()
}
