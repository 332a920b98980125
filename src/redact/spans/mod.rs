//! Where the secrets are in a text: byte spans to mask, found by allow-lists rather than by
//! a list of known shapes. A value after any key that names a credential is masked unless
//! it is one of a few harmless kinds (empty, `None`, a short number, an error name); any
//! long token that looks random is masked unless it is a GUID; a few shapes (Entra client
//! secrets, JWTs, Entra authorization codes, credentials in URLs, SAML assertions) are
//! masked wherever they stand. Percent-encoded text (once or twice) is read through a
//! decoded view, and base64 that decodes to a credential is masked whole.
//!
//! Every search moves forward only, and a span's inside is never searched again, so the
//! cost is linear in the text (a line of a million `password=` still takes one pass).

use std::sync::LazyLock;

use regex::bytes::Regex;

mod commands;
mod fields;
mod keys;
mod prose;
mod quotes;
mod shapes;
mod views;
mod words;

use keys::key_values;
pub use keys::{is_guid, is_placeholder, masks_value};
use shapes::{continue_over_lines, shapes};
pub use shapes::{entropy, looks_random};
use views::{
    fold_invisible, has_escape, map_back, percent_decode, strip_ansi, unescape_view, view_spans,
};
pub use words::is_error_identifier;

/// What a masked value was, for its placeholder (`<password#1>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A client secret, an API key's value, a private key, a SAML assertion.
    Secret,
    /// A password or passphrase.
    Password,
    /// A token: JWT, bearer, access/refresh/id token, or a random-looking value.
    Token,
    /// An OAuth authorization code.
    Code,
    /// An OAuth `state` or `nonce`.
    State,
    /// A session id (`session_state`, `sessionid`).
    Session,
    /// A cookie value.
    Cookie,
    /// A value after a `key` (API key, access key).
    Key,
    /// A user identity (`--redact-users`).
    User,
}

impl Kind {
    /// The name used in placeholders.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Secret => "secret",
            Kind::Password => "password",
            Kind::Token => "token",
            Kind::Code => "code",
            Kind::State => "state",
            Kind::Session => "session",
            Kind::Cookie => "cookie",
            Kind::Key => "key",
            Kind::User => "user",
        }
    }
}

/// A byte range of the text to mask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// What it is.
    pub kind: Kind,
}

/// The spans to mask in `text`, sorted and not overlapping. `users`: e-mail addresses and
/// UPNs too.
pub fn spans(text: &str, users: bool) -> Vec<Span> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    find_all(bytes, &mut out, 0);
    // Percent-encoded text, read once or twice decoded: `password%3Dx`, `%2522secret%2522`.
    if has_escape(bytes) {
        let (once, map1) = percent_decode(bytes);
        let mut found = Vec::new();
        find_all(&once, &mut found, 1);
        if has_escape(&once) {
            let (twice, map2) = percent_decode(&once);
            view_spans(&twice, &map2, once.len(), 1, &mut found);
        }
        map_back(found, &map1, bytes.len(), &mut out);
    }
    // Escaped letters (`pass\u0077ord`, `pass&#119;ord`, `\x3d`): read once more unescaped.
    if let Some((plain, map)) = unescape_view(bytes) {
        view_spans(&plain, &map, bytes.len(), 1, &mut out);
    }
    // Invisible characters inside a token (a zero-width space, a soft hyphen, an invalid
    // byte shown as U+FFFD) would cut it in two: read once more without them.
    if let Some((folded, map)) = fold_invisible(text) {
        view_spans(&folded, &map, bytes.len(), 0, &mut out);
    }
    // Terminal colours between a key and its separator, or inside a value: read once more
    // without them.
    if let Some((plain, map)) = strip_ansi(bytes) {
        view_spans(&plain, &map, bytes.len(), 0, &mut out);
    }
    if users {
        for m in USER.find_iter(bytes) {
            out.push(Span {
                start: m.start(),
                end: m.end(),
                kind: Kind::User,
            });
        }
    }
    for s in &mut out {
        // Spans end at ASCII delimiters, but a decoded view can map into a multi-byte char.
        while s.start > 0 && !text.is_char_boundary(s.start) {
            s.start -= 1;
        }
        while s.end < bytes.len() && !text.is_char_boundary(s.end) {
            s.end += 1;
        }
        s.end = s.end.min(bytes.len());
    }
    merge(out)
}

/// Sorts spans and merges the ones that overlap or touch; a secret wins over a user.
fn merge(mut spans: Vec<Span>) -> Vec<Span> {
    spans.retain(|s| s.end > s.start);
    spans.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(last) if s.start <= last.end => {
                if s.end > last.end {
                    last.end = s.end;
                }
                if last.kind == Kind::User && s.kind != Kind::User {
                    last.kind = s.kind;
                }
            }
            _ => out.push(s),
        }
    }
    out
}

/// Every detector over one view of the text. `depth` > 0 for a decoded view (no further
/// base64 look inside).
fn find_all(b: &[u8], out: &mut Vec<Span>, depth: u8) {
    let first = out.len();
    key_values(b, out);
    prose::other_languages(b, out);
    shapes(b, out, depth);
    continue_over_lines(b, out, first);
}

/// E-mail addresses and UPNs, guest UPNs (`jdoe_corp.example#EXT#@tenant...`), non-ASCII
/// local parts, and `@` percent-encoded once or twice.
static USER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?u)[\p{L}\p{N}._%+#'!$&*=?^{|}~-]+(?:@|%40|%2540)[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}",
    )
    .expect("fixed regex")
});

/// `text` with two layers of percent, form, JSON and HTML encoding undone, and for each
/// byte its offset in `text`; `None` when it holds no escape. For the echo search: a value
/// masked in one place is looked for in every encoding it may be repeated in.
pub fn decoded_view(text: &str) -> Option<(Vec<u8>, Vec<u32>)> {
    views::decoded_view(text.as_bytes())
}
