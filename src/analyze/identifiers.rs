//! The error identifiers a program printed in an event a rule fired on, read by their shape
//! in any syntax: exception class names (`urllib3.exceptions.MaxRetryError: ...`,
//! `Caused by: com.example.FooException`, `raise SuspiciousOperation(`), vendor error codes
//! as the value of an error key (`"suberror": "basic_action"`, `errorCode=AD_ERROR_X`), an
//! error tag (`[next-auth][error][OAUTH_CALLBACK_ERROR]`) or constant (`LOGIN_ERROR`), SAML
//! statuses, AD FS codes (`MSIS7012`) and Microsoft.IdentityModel codes (`IDX10223`).
//! They are a finding's `errors_seen`, apart from its `codes_seen`: codes decide what
//! fires, what yields and what is inferred, these never do. A value the masker masks where
//! it stands, or that looks random, is never one.

use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use crate::redact::{Masking, spans};

use super::observe::OAUTH_ERRORS;

/// Identifiers one event adds at most.
pub(super) const MAX_PER_EVENT: usize = 16;
/// The longest identifier kept.
const MAX_LEN: usize = 64;
/// How much of a text is read: identifiers stand near the error, and the masker sees
/// [`MARGIN`] bytes more so that a secret cut at the end is still seen whole.
const READ: usize = 64 * 1024;
/// See [`READ`].
const MARGIN: usize = 4 * 1024;

/// Class names end in one of these (`HTTPError`, `MsalServiceException`, oauth2-proxy's
/// `[AuthFailure]`).
const SUFFIXES: [&str; 4] = ["Error", "Exception", "Warning", "Failure"];
/// A module or namespace of these names holds exception classes whatever they end in
/// (`social_core.exceptions.AuthStateMissing`, `League\...\Exception\Foo`).
const EXCEPTION_MODULES: [&str; 5] = ["exceptions", "exception", "errors", "error", "exc"];
/// What comes just before a class name that was raised or thrown, whatever it ends in.
const RAISED: [&str; 6] = [
    "raise ",
    "throw new ",
    "Exception Type: ",
    "Exception Type:\t",
    "Caused by: ",
    "Exception: ",
];

/// The error identifiers an event printed, as read: checked against the masker only when
/// they can still add to a finding ([`Printed::verified`]). The check masks the event's
/// texts, which costs as much as showing it; most events repeat identifiers their findings
/// list already, and the finding they go to is known only in input order.
#[derive(Debug, Clone, Default)]
pub(super) struct Printed {
    /// The heads of the event's texts (its text, JSON message and decoded view).
    texts: Vec<String>,
    /// Each candidate: the text it is in, the span the masker must leave whole (the
    /// qualified name, the key and value), and the identifier's range.
    found: Vec<(usize, Range<usize>, Range<usize>)>,
}

impl Printed {
    /// The candidates in an event's `texts`, by shape: at most [`MAX_PER_EVENT`] distinct
    /// ones, never an AADSTS code or an OAuth error value (codes).
    pub(super) fn read(texts: &[&str]) -> Printed {
        let mut found: Vec<(usize, Range<usize>, Range<usize>)> = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            let text = head(text, READ);
            let mut add = |span: Range<usize>, name: Range<usize>| found.push((i, span, name));
            class_names(text, &mut add);
            keyed_values(text, &mut add);
            tagged(text, &mut add);
            error_constants(text, &mut add);
            saml_statuses(text, &mut add);
            numbered(text, &mut add);
        }
        let mut values: Vec<&str> = Vec::new();
        found.retain(|(i, _, name)| {
            let value = &texts[*i][name.clone()];
            if values.contains(&value) {
                return true;
            }
            if values.len() >= MAX_PER_EVENT || !shaped(value) {
                return false;
            }
            values.push(value);
            true
        });
        if found.is_empty() {
            return Printed::default();
        }
        Printed {
            texts: texts
                .iter()
                .map(|t| head(t, READ + MARGIN).to_string())
                .collect(),
            found,
        }
    }

    /// Whether nothing was read.
    pub(super) fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// About how many bytes it holds on the heap.
    pub(super) fn weight(&self) -> usize {
        self.texts.iter().map(|t| t.len() + 32).sum::<usize>()
            + self.found.capacity() * std::mem::size_of::<(usize, Range<usize>, Range<usize>)>()
    }

    /// The identifiers `wanted` asks about that the masker (secrets masked, whatever the
    /// run shows) leaves alone, in order: not on their own, not in the span they were read
    /// from, nor anywhere else they stand in the event (a value that is a secret somewhere
    /// is not an identifier anywhere).
    pub(super) fn verified(&self, wanted: &dyn Fn(&str) -> bool) -> Vec<String> {
        let mut masked: Vec<Option<Vec<Range<usize>>>> = vec![None; self.texts.len()];
        let mut out: Vec<String> = Vec::new();
        let mut refused: Vec<&str> = Vec::new();
        for (i, span, name) in &self.found {
            let value = &self.texts[*i][name.clone()];
            if out.iter().any(|o| o == value) || refused.contains(&value) || !wanted(value) {
                continue;
            }
            let secret = !Masking::default().masked_ranges(value).is_empty()
                || overlaps(masks(&mut masked, &self.texts, *i), span)
                || (0..self.texts.len()).any(|j| {
                    self.texts[j].contains(value)
                        && self.texts[j].match_indices(value).any(|(at, _)| {
                            overlaps(masks(&mut masked, &self.texts, j), &(at..at + value.len()))
                        })
                });
            if secret {
                refused.push(value);
            } else {
                out.push(value.to_string());
            }
        }
        out
    }
}

/// The error identifiers in an event's `texts`, checked: [`Printed::read`], all verified.
#[cfg(test)]
pub(super) fn read(texts: &[&str]) -> Vec<String> {
    Printed::read(texts).verified(&|_| true)
}

/// The ranges the masker masks in `texts[i]`, computed once.
fn masks<'m>(
    masked: &'m mut [Option<Vec<Range<usize>>>],
    texts: &[String],
    i: usize,
) -> &'m [Range<usize>] {
    masked[i].get_or_insert_with(|| Masking::default().masked_ranges(&texts[i]))
}

/// The first `max` bytes of `text`, cut on a character boundary.
fn head(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    &text[..cut]
}

fn overlaps(masks: &[Range<usize>], span: &Range<usize>) -> bool {
    let k = masks.partition_point(|m| m.end <= span.start);
    masks.get(k).is_some_and(|m| m.start < span.end)
}

/// Whether `value` has an identifier's shape: short, neither an AADSTS code nor an OAuth
/// error value (codes, which `codes_seen` lists), no null word, made of words, not
/// random-looking. The masker has its say in [`Printed::verified`].
fn shaped(value: &str) -> bool {
    let upper = value.to_ascii_uppercase();
    (3..=MAX_LEN).contains(&value.len())
        && !upper.starts_with("AADSTS")
        && !OAUTH_ERRORS.contains(&value)
        && !matches!(
            upper.as_str(),
            "NONE" | "NULL" | "NIL" | "NAN" | "TRUE" | "FALSE" | "UNDEFINED"
        )
        && !spans::looks_random(value.as_bytes())
        && (numbered_code(value) || wordy(value))
}

/// Whether `value` is made of words, as names and codes are (`OAuth2AuthenticationException`,
/// `AD_ERROR_SERVER_OAUTH`, `basic_action`), not of characters drawn at random: few
/// digits, and within each `_`-separated part at most one lower-case letter standing alone
/// between capitals or digits (`OpenIdConnect` has one; `kQ3pZrTbW` has several).
fn wordy(value: &str) -> bool {
    let b = value.as_bytes();
    if b.iter().filter(|c| c.is_ascii_digit()).count() > 3 {
        return false;
    }
    b.split(|&c| c == b'_').all(|part| {
        // A lower-case letter with a capital or digit on each side (`Id` in `OpenIdC`).
        let lone = part
            .windows(3)
            .filter(|w| {
                w[1].is_ascii_lowercase()
                    && !w[0].is_ascii_lowercase()
                    && !w[2].is_ascii_lowercase()
            })
            .count();
        lone <= 1
    })
}

/// `MSIS` and four digits, `IDX` and five: the codes [`numbered`] reads.
fn numbered_code(value: &str) -> bool {
    let digits = |rest: &str, n: usize| rest.len() == n && rest.bytes().all(|c| c.is_ascii_digit());
    value.strip_prefix("MSIS").is_some_and(|r| digits(r, 4))
        || value.strip_prefix("IDX").is_some_and(|r| digits(r, 5))
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Whether `b[i]` is the letter of a `\n`, `\r` or `\t` escape (a traceback or a message
/// in a JSON field that is not the line's message): what follows it starts a word.
fn escape_letter(b: &[u8], i: usize) -> bool {
    i > 0 && matches!(b[i], b'n' | b'r' | b't') && b[i - 1] == b'\\' && (i < 2 || b[i - 2] != b'\\')
}

/// Bytes before a name that make it part of a longer token (a path, a URL, base64,
/// percent-encoding, an option): then it is no name.
fn glued(b: &[u8], start: usize) -> bool {
    start > 0 && matches!(b[start - 1], b'-' | b'+' | b'/' | b'~' | b'%' | b'@')
}

/// A class-like name: an upper-case letter first, a lower-case letter somewhere.
fn class_like(s: &[u8]) -> bool {
    s.first().is_some_and(u8::is_ascii_uppercase) && s.iter().any(u8::is_ascii_lowercase)
}

/// Where the separator at `at` between two parts of a qualified name ends, if one is
/// there: `.`, `$`, `::`, or one or two backslashes before an upper-case letter (PHP and
/// .NET namespaces, raw or JSON-escaped; `\n` and `\u0027` are escapes, not separators).
fn separator(b: &[u8], at: usize) -> Option<usize> {
    let next_ident = |i: usize| b.get(i).copied().is_some_and(is_ident);
    match b.get(at)? {
        b'.' | b'$' if next_ident(at + 1) => Some(at + 1),
        b':' if b.get(at + 1) == Some(&b':') && next_ident(at + 2) => Some(at + 2),
        b'\\' => {
            let mut end = at + 1;
            if b.get(end) == Some(&b'\\') {
                end += 1;
            }
            b.get(end)
                .is_some_and(u8::is_ascii_uppercase)
                .then_some(end)
        }
        _ => None,
    }
}

/// Exception class names in exception position. A qualified name (`a.b.C`, `A\B\C`,
/// `a::B`, `A$B`) is reported by its last part, the class, when that part ends in
/// Error/Exception/Warning, or sits in an exception module, or was raised or thrown; and
/// when the name stands where a program prints an exception: before `:`, `(`, a quote, a
/// bracket, the line's end, ` (` or ` at `.
fn class_names(text: &str, add: &mut dyn FnMut(Range<usize>, Range<usize>)) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !is_ident(b[i]) || (i > 0 && is_ident(b[i - 1])) {
            i += 1;
            continue;
        }
        // One qualified name, walked part by part: its last part, and whether a part
        // before it names a module of exceptions.
        let mut start = i;
        if escape_letter(b, i) && b.get(i + 1).copied().is_some_and(is_ident) {
            start = i + 1;
        }
        let mut at = start;
        let mut in_module = false;
        let last = loop {
            let from = at;
            while at < b.len() && is_ident(b[at]) {
                at += 1;
            }
            match separator(b, at) {
                Some(next) => {
                    let part = &text[from..at];
                    in_module |= EXCEPTION_MODULES
                        .iter()
                        .any(|m| part.eq_ignore_ascii_case(m));
                    at = next;
                }
                None => break from..at,
            }
        };
        i = at.max(i + 1);
        let class = &b[last.clone()];
        if !class_like(class) {
            continue;
        }
        let suffixed = SUFFIXES
            .iter()
            .any(|s| class.len() > s.len() && class.ends_with(s.as_bytes()));
        let raised = RAISED.iter().any(|r| text[..start].ends_with(r));
        if !(suffixed || in_module || raised) {
            continue;
        }
        if glued(b, start) {
            continue;
        }
        if exception_position(&b[at..]) {
            add(start..at, last);
            if let Some(code) = message_code(b, at) {
                add(start..code.end, code);
            }
        }
    }
}

/// The error code an exception's message starts with, if it does (`ClientAuthError:
/// endpoints_resolution_error: ...`, `OAuth2AuthenticationException: [invalid_token_response]
/// ...`): a snake-case word with an underscore, ended by `:`, `]`, ` (`, `,` or the line's
/// end. `at` is where the exception's name ends.
fn message_code(b: &[u8], at: usize) -> Option<Range<usize>> {
    let mut vs = b.get(at..)?.strip_prefix(b":").map(|_| at + 1)?;
    vs = skip_spaces(b, vs);
    if b.get(vs) == Some(&b'[') {
        vs += 1;
    }
    let mut ve = vs;
    while ve < b.len() && is_ident(b[ve]) {
        ve += 1;
    }
    let word = &b[vs..ve];
    let snake = word.contains(&b'_')
        && (!word.iter().any(u8::is_ascii_uppercase) || !word.iter().any(u8::is_ascii_lowercase));
    let ends = match b.get(ve) {
        None => true,
        Some(b':' | b']' | b',' | b'\n' | b'\r') => true,
        Some(b' ') => b.get(ve + 1) == Some(&b'('),
        _ => false,
    };
    (snake && ends && code_shaped(word)).then_some(vs..ve)
}

/// Whether `after` (the text after a name) is how a program goes on after an exception's
/// name: `: message`, `(args)`, a closing quote or bracket, the end of the line, ` (0x80..)`
/// (.NET), ` at /path` (Django's debug page).
fn exception_position(after: &[u8]) -> bool {
    match after.first() {
        None => true,
        Some(b':' | b'(' | b')' | b']' | b'}' | b'>' | b'\'' | b'"' | b',' | b';') => true,
        Some(b'\n' | b'\r' | b'\t' | b'\\') => true,
        Some(b' ') => after[1..].starts_with(b"(") || after[1..].starts_with(b"at "),
        _ => false,
    }
}

/// Keys whose value names an error, as written in any case and with `_` or `-` anywhere:
/// `error`, `suberror`, `code` and every `...errorcode` (`errorCode`, `error_code`,
/// `ProtocolErrorCode`).
fn error_key(key: &str) -> bool {
    // The key's letters, lower-cased, without `_` and `-`, on the stack: a key is looked at
    // wherever `error` or `code` stands.
    let mut k = [0u8; 24];
    let mut n = 0;
    for &c in key.as_bytes().iter().filter(|c| !matches!(c, b'_' | b'-')) {
        if n == k.len() {
            return false;
        }
        k[n] = c.to_ascii_lowercase();
        n += 1;
    }
    let k = &k[..n];
    matches!(k, b"error" | b"suberror" | b"code") || k.ends_with(b"errorcode")
}

/// Finds the words every error key holds.
static KEY_WORDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(["error", "code"])
        .expect("two fixed words always build")
});

/// An error code's shape: `UPPER_SNAKE` (an underscore in it), `lower_snake` (likewise),
/// or `CamelCase` with two upper-case letters at least (`InvalidAuthenticationToken`,
/// `Authorization_RequestDenied`). A plain word (`Failed`, `timeout`) is prose.
fn code_shaped(v: &[u8]) -> bool {
    if !v.first().is_some_and(u8::is_ascii_alphabetic) || !v.iter().all(|&c| is_ident(c)) {
        return false;
    }
    let upper = v.iter().filter(|c| c.is_ascii_uppercase()).count();
    let lower = v.iter().filter(|c| c.is_ascii_lowercase()).count();
    // The first byte is a letter, so an underscore has one beside it somewhere.
    let one_case_snake = v.contains(&b'_') && (lower == 0 || upper == 0);
    one_case_snake || (v[0].is_ascii_uppercase() && upper >= 2 && lower > 0)
}

/// Values of error keys: `"errorCode": "X"`, `'suberror': 'x'`, `error_code=X`,
/// `ErrorCode: X`, `\"error\":\"x\"`, `error => X`.
fn keyed_values(text: &str, add: &mut dyn FnMut(Range<usize>, Range<usize>)) {
    let b = text.as_bytes();
    let mut done = 0;
    for m in KEY_WORDS.find_iter(text) {
        if m.start() < done {
            continue;
        }
        let is_key = |c: u8| is_ident(c) || c == b'-';
        let mut ks = m.start();
        while ks > 0 && is_key(b[ks - 1]) {
            ks -= 1;
        }
        if escape_letter(b, ks) {
            ks += 1;
        }
        let mut ke = m.end();
        while ke < b.len() && is_key(b[ke]) {
            ke += 1;
        }
        done = ke;
        if !error_key(&text[ks..ke]) {
            continue;
        }
        let mut at = skip_quote(b, ke);
        at = skip_spaces(b, at);
        at = if b[at..].starts_with(b"=>") {
            at + 2
        } else if matches!(b.get(at), Some(b':' | b'=')) && b.get(at + 1) != Some(&b':') {
            at + 1
        } else {
            continue;
        };
        at = skip_spaces(b, at);
        at = skip_quote(b, at);
        let vs = at;
        while at < b.len() && is_ident(b[at]) {
            at += 1;
        }
        let ends_well = match b.get(at) {
            None => true,
            Some(&c) => {
                c.is_ascii_whitespace()
                    || matches!(
                        c,
                        b'"' | b'\''
                            | b'\\'
                            | b','
                            | b';'
                            | b'&'
                            | b')'
                            | b']'
                            | b'}'
                            | b'>'
                            | b':'
                            | b'|'
                    )
            }
        };
        let value = &b[vs..at];
        // An error key's value may also be one upper-case word (`ENOTFOUND`), a log level
        // aside.
        let shouted = value.len() >= 5
            && value.iter().all(u8::is_ascii_uppercase)
            && !matches!(
                value,
                b"ERROR" | b"WARNING" | b"FATAL" | b"CRITICAL" | b"DEBUG"
            );
        if vs < at && ends_well && (code_shaped(value) || shouted) {
            add(ks..at, vs..at);
        }
    }
}

fn skip_spaces(b: &[u8], mut at: usize) -> usize {
    while matches!(b.get(at), Some(b' ' | b'\t')) {
        at += 1;
    }
    at
}

/// Past a quote at `at` (`"`, `'`, or `\"` in escaped JSON), if there is one.
fn skip_quote(b: &[u8], at: usize) -> usize {
    match b.get(at) {
        Some(b'"' | b'\'') => at + 1,
        Some(b'\\') if matches!(b.get(at + 1), Some(b'"' | b'\'')) => at + 2,
        _ => at,
    }
}

/// An error tag followed by the error's name: `[next-auth][error][OAUTH_CALLBACK_ERROR]`,
/// `[ERROR][InvalidState]`.
fn tagged(text: &str, add: &mut dyn FnMut(Range<usize>, Range<usize>)) {
    const TAG: &[u8] = b"[error][";
    let b = text.as_bytes();
    for at in memchr::memmem::find_iter(b, b"][") {
        let Some(start) = (at + 2).checked_sub(TAG.len()) else {
            continue;
        };
        if !b[start..at + 2].eq_ignore_ascii_case(TAG) {
            continue;
        }
        let vs = at + 2;
        let mut ve = vs;
        while ve < b.len() && is_ident(b[ve]) {
            ve += 1;
        }
        if b.get(ve) == Some(&b']') && code_shaped(&b[vs..ve]) {
            add(start..ve + 1, vs..ve);
        }
    }
}

/// Error constants: an `UPPER_SNAKE` name of two parts or more whose last part is `ERROR`
/// (`IDENTITY_PROVIDER_LOGIN_ERROR`, `OAUTH_CALLBACK_ERROR`), standing on its own.
fn error_constants(text: &str, add: &mut dyn FnMut(Range<usize>, Range<usize>)) {
    let b = text.as_bytes();
    for (at, _) in text.match_indices("_ERROR") {
        let end = at + "_ERROR".len();
        if b.get(end).copied().is_some_and(is_ident) {
            continue;
        }
        let constant = |c: &u8| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_';
        let mut start = at;
        while start > 0 && constant(&b[start - 1]) {
            start -= 1;
        }
        // A word before it makes it part of that word, unless it is an escape (`\nX_ERROR`).
        if start > 0 && is_ident(b[start - 1]) && !escape_letter(b, start - 1) {
            continue;
        }
        if glued(b, start) || !b[start].is_ascii_uppercase() || start == at {
            continue;
        }
        add(start..end, start..end);
    }
}

/// SAML status codes (`urn:oasis:names:tc:SAML:2.0:status:AuthnFailed`), by their name.
fn saml_statuses(text: &str, add: &mut dyn FnMut(Range<usize>, Range<usize>)) {
    const STATUS: &str = "SAML:2.0:status:";
    let b = text.as_bytes();
    for (at, _) in text.match_indices(STATUS) {
        let vs = at + STATUS.len();
        let mut ve = vs;
        while ve < b.len() && is_ident(b[ve]) {
            ve += 1;
        }
        if class_like(&b[vs..ve]) {
            add(at..ve, vs..ve);
        }
    }
}

/// AD FS codes (`MSIS` and four digits) and Microsoft.IdentityModel codes (`IDX` and
/// five), whole, or glued to what comes after them.
fn numbered(text: &str, add: &mut dyn FnMut(Range<usize>, Range<usize>)) {
    let b = text.as_bytes();
    for (prefix, digits) in [("MSIS", 4), ("IDX", 5)] {
        for (at, _) in text.match_indices(prefix) {
            if at > 0 && b[at - 1].is_ascii_alphabetic() && !escape_letter(b, at - 1) {
                continue;
            }
            let ds = at + prefix.len();
            let n = b[ds..].iter().take_while(|c| c.is_ascii_digit()).count();
            if n == digits {
                add(at..ds + n, at..ds + n);
            }
        }
    }
}
