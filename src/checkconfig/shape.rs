//! Shapes of identifiers and secrets: what a value looks like, described without showing a
//! single character of it. Secrets leave this module only as their shape.

use crate::refine::is_guid;

/// True for the current Entra client secret value format (the public secret-scanning shape):
/// 3 of `[A-Za-z0-9_~.]`, a digit, `Q~`, then 31 to 34 of `[A-Za-z0-9_~.-]`.
pub fn is_entra_secret_value(s: &str) -> bool {
    let b = s.as_bytes();
    let head = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'~' | b'.');
    let tail = |c: u8| head(c) || c == b'-';
    (37..=40).contains(&b.len())
        && b[..3].iter().all(|&c| head(c))
        && b[3].is_ascii_digit()
        && &b[4..6] == b"Q~"
        && b[6..].iter().all(|&c| tail(c))
}

/// True for a name whose value is a credential: never shown, only its shape.
pub fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    [
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "TOKEN",
        "PRIVATE",
        "ASSERTION",
        "CREDENTIAL",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// What `s` looks like: length, character classes, GUID shape, `Q~`, whitespace, quotes.
/// Never a character of the value itself.
pub fn describe(s: &str) -> String {
    let len = s.chars().count();
    let mut parts = vec![format!(
        "{len} character{}",
        if len == 1 { "" } else { "s" }
    )];
    if s.is_empty() {
        return "empty".into();
    }
    let inner = s.trim().trim_matches(['"', '\'']);
    if is_guid(inner) {
        parts.push("GUID-shaped (8-4-4-4-12 hex digits)".into());
    } else if is_entra_secret_value(inner) {
        parts.push("Entra secret value shape (digit then 'Q~' at the 4th-6th character)".into());
    } else {
        let mut classes = Vec::new();
        if inner.chars().any(|c| c.is_ascii_uppercase()) {
            classes.push("upper-case letters");
        }
        if inner.chars().any(|c| c.is_ascii_lowercase()) {
            classes.push("lower-case letters");
        }
        if inner.chars().any(|c| c.is_ascii_digit()) {
            classes.push("digits");
        }
        if inner.chars().any(|c| "_~.-".contains(c)) {
            classes.push("_~.-");
        }
        if inner
            .chars()
            .any(|c| !(c.is_ascii_alphanumeric() || "_~.-".contains(c)))
        {
            classes.push("other characters");
        }
        if !classes.is_empty() {
            parts.push(classes.join(", "));
        }
        if inner.contains("Q~") {
            parts.push("contains 'Q~' but not where an Entra secret value has it".into());
        } else {
            parts.push("no 'Q~'".into());
        }
    }
    if s.starts_with(char::is_whitespace) {
        parts.push("leading whitespace".into());
    }
    if s.ends_with(['\n', '\r']) {
        parts.push("trailing newline".into());
    } else if s.ends_with(char::is_whitespace) {
        parts.push("trailing whitespace".into());
    }
    if s.trim().contains(char::is_whitespace) {
        parts.push("whitespace inside".into());
    }
    if s.contains(['"', '\'']) {
        parts.push("quote characters inside".into());
    }
    parts.join(", ")
}

/// The value as a report may show it: quoted and escaped (so whitespace is visible), or only
/// its shape when it is a credential or looks like one.
pub fn display(name: &str, value: &str) -> String {
    if is_secret_name(name) || looks_secret(value) {
        // Stars first: the masker takes them for a value already hidden, and leaves the
        // description after them readable.
        format!("*** (value not shown: {})", describe(value))
    } else {
        format!("{value:?}")
    }
}

/// True when a value has a credential's shape wherever it stands (an Entra secret value, or
/// anything the report masking would catch).
pub fn looks_secret(value: &str) -> bool {
    let inner = value.trim().trim_matches(['"', '\'']);
    is_entra_secret_value(inner) || crate::redact::leak(value).is_some()
}

/// A tenant value that is a host name (`contoso.onmicrosoft.com`, `corp.example`).
pub fn is_domain(s: &str) -> bool {
    s.contains('.')
        && !s.starts_with('.')
        && !s.ends_with('.')
        && s.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

#[cfg(test)]
#[path = "shape_tests.rs"]
mod tests;
