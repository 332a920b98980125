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
    shapes(b, out, depth);
    continue_over_lines(b, out, first);
}

// ---------------------------------------------------------------------------------------
// Keys that name a credential

/// How a key's value is masked and what counts as harmless.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Password,
    Secret,
    Token,
    Code,
    State,
    Session,
    Cookie,
    /// `Cookie:` / `Set-Cookie:` headers: every `name=value` pair after them.
    CookieHeader,
    Key,
    /// `Authorization:`: the scheme stays, the credential after it goes.
    Authorization,
}

impl Class {
    fn kind(self) -> Kind {
        match self {
            Class::Password => Kind::Password,
            Class::Secret => Kind::Secret,
            Class::Token | Class::Authorization => Kind::Token,
            Class::Code => Kind::Code,
            Class::State => Kind::State,
            Class::Session => Kind::Session,
            Class::Cookie | Class::CookieHeader => Kind::Cookie,
            Class::Key => Kind::Key,
        }
    }
}

/// Last words of a key that make it name a property of a credential, not hold one
/// (`token_type`, `SESSION_COOKIE_AGE`, `code_challenge_method`).
const PROPERTY_WORDS: &[&str] = &[
    "type",
    "types",
    "endpoint",
    "url",
    "uri",
    "path",
    "name",
    "names",
    "length",
    "len",
    "count",
    "expiry",
    "expires",
    "expiration",
    "lifetime",
    "age",
    "in",
    "at",
    "version",
    "format",
    "kind",
    "backend",
    "backends",
    "engine",
    "class",
    "time",
    "timeout",
    "enabled",
    "mode",
    "method",
    "required",
    "secure",
    "httponly",
    "samesite",
    "domain",
    "size",
    "max",
    "min",
    "policy",
    "validators",
    "changed",
    "reset",
    "field",
    "label",
    "hint",
    "prompt",
    "error",
    "errors",
    "exception",
    "missing",
    "failed",
    "failure",
    "forbidden",
    "canceled",
    "cancelled",
    "expired",
    "invalid",
    "mismatch",
    "unknown",
    "denied",
    "revoked",
    "unreachable",
    "storage",
    "store",
    "provider",
    "pipeline",
];

/// Last words of a key that say it holds the value of the word before (`code_value`).
const VALUE_WORDS: &[&str] = &[
    "value", "val", "str", "string", "raw", "b64", "base64", "encoded", "plain", "text", "data",
    "param", "hash", "bytes", "header",
];

/// Whole words of a key that make it a credential.
const CREDENTIAL_WORDS: &[(&str, Class)] = &[
    ("pwd", Class::Password),
    ("pw", Class::Password),
    ("pass", Class::Password),
    ("pw", Class::Password),
    ("otp", Class::Password),
    ("pin", Class::Password),
    ("key", Class::Key),
    ("code", Class::Code),
    ("state", Class::State),
    ("nonce", Class::State),
    ("verifier", Class::Secret),
    ("sig", Class::Token),
    ("signature", Class::Token),
    ("jwt", Class::Token),
    ("bearer", Class::Token),
    ("auth", Class::Authorization),
    ("wresult", Class::Secret),
    ("esctx", Class::Cookie),
    ("buid", Class::Cookie),
    ("fpc", Class::Cookie),
    ("ccstate", Class::Cookie),
];

/// Parts of a key, wherever they stand in it (glued to the word before: `clientsecret`,
/// `mysqlpassword`, `ESTSAUTHPERSISTENT`), checked in this order.
const CREDENTIAL_PARTS: &[(&str, Class)] = &[
    ("passw", Class::Password),
    // The same with a look-alike first letter (Cyrillic `Р`), and glued forms: `passcode`,
    // `PGPASS`, `dbpwd`.
    ("assword", Class::Password),
    ("pass", Class::Password),
    ("pwd", Class::Password),
    ("passphrase", Class::Password),
    ("passwd", Class::Password),
    ("cookie", Class::Cookie),
    ("estsauth", Class::Cookie),
    // Django's cookies: masked as cookies wherever they stand, so a HAR's Set-Cookie
    // header and its cookies array give one placeholder.
    ("sessionid", Class::Cookie),
    ("csrftoken", Class::Cookie),
    ("csrfmiddlewaretoken", Class::Cookie),
    ("secret", Class::Secret),
    ("ecret", Class::Secret),
    ("credential", Class::Secret),
    ("assertion", Class::Secret),
    ("samlresponse", Class::Secret),
    ("privatekey", Class::Secret),
    ("token", Class::Token),
    ("authorization", Class::Authorization),
    ("apikey", Class::Key),
    ("accesskey", Class::Key),
    ("signingkey", Class::Key),
    ("masterkey", Class::Key),
    ("sharedkey", Class::Key),
    ("sessionstate", Class::Session),
    ("sessionkey", Class::Session),
    ("session", Class::Session),
    ("relaystate", Class::State),
    ("nonce", Class::State),
    ("authcode", Class::Code),
];

/// The class of a key (a run of letters, digits, `_` and `-`), if it names a credential.
fn class_of(key: &[u8]) -> Option<Class> {
    if key.len() < 2 || key.len() > 96 || !key.iter().any(u8::is_ascii_alphabetic) {
        return None;
    }
    // Lower-case words split at `_`, `-`, `.` and camelCase humps (`SAMLResponse`: saml,
    // response), and all of them glued.
    let mut words: [(usize, usize); 16] = [(0, 0); 16];
    let mut n = 0;
    let mut lower = [0u8; 96];
    let mut start = None;
    for (i, &c) in key.iter().enumerate() {
        lower[i] = c.to_ascii_lowercase();
        let sep = matches!(c, b'_' | b'-' | b'.');
        let hump = i > 0
            && c.is_ascii_uppercase()
            && (key[i - 1].is_ascii_lowercase()
                || (key[i - 1].is_ascii_uppercase()
                    && key.get(i + 1).is_some_and(u8::is_ascii_lowercase)));
        if (sep || hump)
            && let Some(s) = start.take()
            && n < words.len()
        {
            words[n] = (s, i);
            n += 1;
        }
        if !sep && start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start
        && n < words.len()
    {
        words[n] = (s, key.len());
        n += 1;
    }
    let lower = &lower[..key.len()];
    let words = &words[..n];
    let word = |&(s, e): &(usize, usize)| &lower[s..e];
    let last = words.last().map(word)?;
    if PROPERTY_WORDS.contains(&std::str::from_utf8(last).unwrap_or("")) {
        return None;
    }
    // Identifiers of a credential, not the credential: `key_id`, `secret_id`, but
    // `sessionid` is Django's session cookie.
    let mut glued_buf = [0u8; 96];
    let mut g = 0;
    for &c in lower {
        if !matches!(c, b'_' | b'-' | b'.') {
            glued_buf[g] = c;
            g += 1;
        }
    }
    let glued = &glued_buf[..g];
    if matches!(last, b"id" | b"ids") && words.len() > 1 && glued != b"sessionid" {
        return None;
    }
    if words.len() <= 2 && (lower == b"cookie" || lower == b"set-cookie") {
        return Some(Class::CookieHeader);
    }
    if matches!(glued, b"auth" | b"basicauth" | b"httpauth" | b"proxyauth") {
        return Some(Class::Authorization);
    }
    for (part, class) in CREDENTIAL_PARTS {
        // Keys are short: a plain window scan beats building a searcher per key.
        if glued.windows(part.len()).any(|w| w == part.as_bytes()) {
            return Some(*class);
        }
    }
    // A whole word decides only at the end of the key, where the noun stands
    // (`SOCIAL_AUTH_AZUREAD_OAUTH2_KEY`, `state`), or before a word that says "its value"
    // (`code_b64`); `AuthStateMissing` names an error, not a state.
    let before_last = (words.len() > 1
        && VALUE_WORDS.contains(&std::str::from_utf8(last).unwrap_or("")))
    .then(|| word(&words[words.len() - 2]));
    for w in std::iter::once(last).chain(before_last) {
        if let Some((_, class)) = CREDENTIAL_WORDS.iter().find(|(c, _)| c.as_bytes() == w) {
            return Some(*class);
        }
    }
    None
}

fn is_key_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.')
}

/// The quotes a value or key may stand in, longest first: JSON escaped inside JSON, HTML
/// entities, JSON and nginx escapes.
const QUOTES: &[&[u8]] = &[
    b"\\\\\\\"",
    b"\\u0022",
    b"\\u0027",
    b"\\x22",
    b"\\x27",
    b"\\\"",
    b"\\'",
    b"&quot;",
    b"&#34;",
    b"&#39;",
    b"&#x27;",
    b"\"",
    b"'",
    b"`",
];

fn quote_at(b: &[u8], i: usize) -> Option<&[u8]> {
    // Most bytes open no quote: one test before the lists (this runs after every word).
    if !matches!(b[i], b'"' | b'\'' | b'`' | b'\\' | b'&' | 0xe2 | 0xef) {
        return None;
    }
    // Python's triple quotes.
    if b[i..].starts_with(b"\"\"\"") || b[i..].starts_with(b"\'\'\'") {
        return Some(&b[i..i + 3]);
    }
    // JSON in JSON in JSON: any run of backslashes before a quote is one quote.
    if b[i] == b'\\' {
        let n = b[i..].iter().take_while(|c| **c == b'\\').count();
        if matches!(b.get(i + n), Some(b'"' | b'\'')) {
            return Some(&b[i..i + n + 1]);
        }
    }
    if let Some(q) = QUOTES.iter().copied().find(|q| b[i..].starts_with(q)) {
        return Some(q);
    }
    // Typographic and full-width quotes (a value pasted through a word processor or chat).
    for q in [
        "\u{2018}", "\u{2019}", "\u{201c}", "\u{201d}", "\u{ff02}", "\u{ff07}",
    ] {
        if b[i..].starts_with(q.as_bytes()) {
            return Some(&b[i..i + q.len()]);
        }
    }
    None
}

fn skip_blanks(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    i
}

/// An `=` or `:` escaped by JSON, C or HTML, or written full-width, at `i`: its length.
fn escaped_separator(b: &[u8], i: usize) -> Option<usize> {
    if !matches!(b[i], b'\\' | b'&' | 0xef) {
        return None;
    }
    [
        &b"\\u003d"[..],
        b"\\u003D",
        b"\\u003a",
        b"\\u003A",
        b"\\x3d",
        b"\\x3D",
        b"\\x3a",
        b"\\x3A",
        b"&#61;",
        b"&#x3d;",
        b"&#x3D;",
        b"&#58;",
        b"&equals;",
        b"&colon;",
        "\u{ff1a}".as_bytes(),
        "\u{ff1d}".as_bytes(),
    ]
    .iter()
    .find(|e| b[i..].starts_with(e))
    .map(|e| e.len())
}

/// After a key ending at `i`: the position after its separator (`=`, `:`, `=>`, `:=`,
/// with a closing quote and blanks around), or `None` when the key is not followed by one.
fn separator(b: &[u8], mut i: usize) -> Option<usize> {
    if i < b.len()
        && let Some(q) = quote_at(b, i)
    {
        i += q.len();
        // `name="code" value="..."` (an HTML form): the value attribute is the separator.
        let j = skip_blanks(b, i);
        if j > i && b.len() >= j + 6 && b[j..j + 6].eq_ignore_ascii_case(b"value=") {
            return Some(j + 6);
        }
    }
    // Quotes whose escaping was mangled on the way (`\ key\ : \ value`): a few quote,
    // backslash and blank bytes may stand between a key and its separator.
    let mut k = 0;
    while i < b.len() && k < 16 {
        if let Some(n) = escaped_separator(b, i) {
            return Some(i + n);
        }
        if let Some(q) = quote_at(b, i) {
            i += q.len();
            k += q.len();
        } else if matches!(b[i], b' ' | b'\t' | b'\\' | b'+') {
            // `+` is a form's space: `password+%3D+X`.
            i += 1;
            k += 1;
        } else {
            break;
        }
    }
    if i >= b.len() {
        return None;
    }
    if k > 0 && b.len() >= i + 6 && b[i..i + 6].eq_ignore_ascii_case(b"value=") {
        return Some(i + 6);
    }
    match b[i] {
        b'-' if b.get(i + 1) == Some(&b'>') => Some(i + 2),
        b'=' => {
            // `==` is a comparison, not an assignment.
            if b.get(i + 1) == Some(&b'=') {
                return None;
            }
            if b.get(i + 1) == Some(&b'>') {
                return Some(i + 2);
            }
            Some(i + 1)
        }
        b':' => {
            // `a::b` is a path and `http://` a URL, not a key.
            match b.get(i + 1) {
                Some(b':') => None,
                Some(b'/') if b.get(i + 2) == Some(&b'/') => None,
                Some(b'=') => Some(i + 2),
                _ => Some(i + 1),
            }
        }
        _ => None,
    }
}

/// Masks the value after every key that names a credential.
fn key_values(b: &[u8], out: &mut Vec<Span>) {
    let mut i = 0;
    // The class a `name`/`key` field announced for the next `value` field, and where.
    let mut pending: Option<(Class, usize)> = None;
    while i < b.len() {
        if !is_key_byte(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && is_key_byte(b[i]) {
            i += 1;
        }
        // A key is one word: `.` and `-` at its ends are punctuation.
        let (mut ks, mut ke) = (start, i);
        while ks < ke && matches!(b[ks], b'.' | b'-') {
            ks += 1;
        }
        while ke > ks && matches!(b[ke - 1], b'.' | b'-') {
            ke -= 1;
        }
        if ke < i {
            continue;
        }
        // A key right after an escaped quote (`\x22secret\x22`, nginx's escaping) starts
        // after the escape.
        if ks > 0 && b[ks - 1] == b'\\' {
            for esc in [&b"x22"[..], b"x27", b"u0022", b"u0027"] {
                if b[ks..ke].starts_with(esc) {
                    ks += esc.len();
                    break;
                }
            }
        }
        let (after, flag) = match separator(b, ke) {
            Some(after) => (after, false),
            None => match other_separator(b, start, ks, ke) {
                Some(after) => (after, b[start] == b'-'),
                None => continue,
            },
        };
        let key = &b[ks..ke];
        if flag && (key == b"u" || key == b"user") {
            // `curl -u user:PASSWORD`: the part after the colon.
            let vs = skip_blanks(b, after);
            let ve = unquoted_end(b, vs, Class::Secret);
            if let Some(c) = memchr::memchr(b':', &b[vs..ve]) {
                push_value(b, vs + c + 1, ve, Class::Password, out);
            }
            i = ve.max(i);
            continue;
        }
        if flag && (key == b"p" || key == b"pass") {
            if let Some(end) = value(b, after, Class::Password, out) {
                i = end.max(i);
            }
            continue;
        }
        // `name: client_secret ... value: X`, `{"name": "password", "value": "X"}`,
        // `key="ClientSecret" value="X"`: the name says what the next `value` holds.
        if is_naming_key(key)
            && let Some((class, end)) = named_value(b, after)
        {
            pending = Some((class, end));
            i = end.max(i);
            continue;
        }
        let class = match class_of(key) {
            Some(class) => class,
            None => match pending.take() {
                Some((class, end)) if key.eq_ignore_ascii_case(b"value") && ks - end < 256 => class,
                _ => continue,
            },
        };
        if let Some(end) = value(b, after, class, out) {
            i = end.max(i);
        }
    }
}

/// The kind a value under `key` is masked as (a JSON member, a form field), or `None`
/// when the key names no credential or the value is harmless for it.
pub fn masks_value(key: &str, value: &str) -> Option<Kind> {
    let class = class_of(key.as_bytes())?;
    (!harmless(value.as_bytes(), class)).then_some(class.kind())
}

/// True when the word at the start of `rest` reads as a value rather than prose: a digit,
/// a capital after its first letter, or a symbol (`SECRET Zq9x...`, not `SECRET was`).
fn looks_like_value(rest: &[u8]) -> bool {
    let mut word: &[u8] = &rest[..rest
        .iter()
        .position(|c| c.is_ascii_whitespace())
        .unwrap_or(rest.len())];
    // Sentence punctuation after a word is not part of it.
    while let [head @ .., b';' | b':' | b',' | b'.' | b')' | b'!' | b'?'] = word {
        word = head;
    }
    word.len() >= 6
        && word.iter().skip(1).any(|c| {
            c.is_ascii_digit() || c.is_ascii_uppercase() || (c.is_ascii_punctuation() && *c != b'.')
        })
}

/// Keys whose value names another field: `name`, `key`, `field`, `param`, `header`.
fn is_naming_key(key: &[u8]) -> bool {
    [
        &b"name"[..],
        b"key",
        b"field",
        b"param",
        b"parameter",
        b"header",
        b"id",
    ]
    .iter()
    .any(|k| key.eq_ignore_ascii_case(k))
}

/// The value after a naming key, when it names a credential: its class and where it ends.
fn named_value(b: &[u8], at: usize) -> Option<(Class, usize)> {
    let mut i = skip_blanks(b, at);
    let quote = quote_at(b, i.min(b.len().saturating_sub(1))).filter(|_| i < b.len());
    if let Some(q) = quote {
        i += q.len();
    }
    let s = i;
    while i < b.len() && is_key_byte(b[i]) {
        i += 1;
    }
    let class = class_of(&b[s..i])?;
    if let Some(q) = quote
        && b[i..].starts_with(q)
    {
        i += q.len();
    }
    Some((class, i))
}

/// Separators other than `=` and `:` that only some keys take: a command-line flag's space
/// (`--client-secret X`, `-p X`, `curl -u user:X`), an XML element's `>`
/// (`<password>X</password>`), a quoted name's comma in a tuple (`('client_secret', 'X')`),
/// and a call's parenthesis (`HTTPBasicAuth('id', 'X')`).
fn other_separator(b: &[u8], run_start: usize, ks: usize, ke: usize) -> Option<usize> {
    let next = b.get(ke).copied();
    // Flags: the run began with one or two dashes.
    if ks > run_start && matches!(next, Some(b' ' | b'\t' | b'=')) && b[run_start] == b'-' {
        let name = &b[ks..ke];
        let flag_class = class_of(name).is_some()
            || [&b"u"[..], b"p", b"user", b"pass", b"token"].contains(&name);
        return flag_class.then_some(ke + 1);
    }
    // `SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET X`: an environment-style name, then a space.
    let name = &b[ks..ke];
    if next == Some(b' ')
        && name.contains(&b'_')
        && name
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_')
        && looks_like_value(&b[ke + 1..])
    {
        return Some(ke + 1);
    }
    // `<password>X</password>`, `<ClientSecret>X<...`.
    if ks > 0 && b[ks - 1] == b'<' && next == Some(b'>') {
        return Some(ke + 1);
    }
    // `('client_secret', 'X')`: a quoted name first in a tuple or list.
    if let Some(q) = quote_at(b, ke.min(b.len().saturating_sub(1))).filter(|_| ke < b.len())
        && ks >= 2
        && matches!(b[ks - 2], b'(' | b'[')
        && matches!(b[ks - 1], b'"' | b'\'')
    {
        let j = skip_blanks(b, ke + q.len());
        if b.get(j) == Some(&b',') {
            return Some(j + 1);
        }
    }
    // `HTTPBasicAuth('id', 'X')`, `ClientSecretCredential(t, c, 'X')`, `set_password('X')`:
    // the arguments of a call that takes a credential. Not any call whose name mentions
    // one: `self.request_access_token(` in a traceback passes variables.
    if next == Some(b'(') {
        let lower: Vec<u8> = name.iter().map(u8::to_ascii_lowercase).collect();
        let takes = [&b"auth"[..], b"credential", b"credentials"]
            .iter()
            .any(|w| lower.ends_with(w))
            || [
                &b"set_password"[..],
                b"set_secret",
                b"setpassword",
                b"setsecret",
            ]
            .iter()
            .any(|w| lower == *w);
        return takes.then_some(ke);
    }
    None
}

/// Masks the value that starts at (or after blanks from) `at` for a key of `class`; the end
/// of what was read.
fn value(b: &[u8], at: usize, class: Class, out: &mut Vec<Span>) -> Option<usize> {
    let mut i = skip_blanks(b, at);
    // A stray backslash before the value (a quote lost on the way) is not the value.
    while i + 1 < b.len()
        && b[i] == b'\\'
        && (matches!(b[i + 1], b' ' | b'\t')
            || quote_at(b, i + 1).is_some_and(|q| q.starts_with(b"\\x") || q.starts_with(b"\\u")))
    {
        i = skip_blanks(b, i + 1);
    }
    if i >= b.len() {
        return None;
    }
    // Python bytes and raw strings: b'...', r"...".
    if matches!(b[i], b'b' | b'r' | b'u') && i + 1 < b.len() && matches!(b[i + 1], b'\'' | b'"') {
        i += 1;
    }
    // A YAML tag before the value (`!!binary`, `!secret`) is not the value.
    if b[i] == b'!' {
        let tag = b[i..]
            .iter()
            .take_while(|c| !c.is_ascii_whitespace())
            .count();
        let j = skip_blanks(b, i + tag);
        if j > i + tag && j < b.len() && !matches!(b[j], b'\n' | b'\r') {
            i = j;
        }
    }
    // A list, tuple or object after a credential key: all of it
    // (`auth=('id', 'X')`, `"client_secret": ["X"]`, `{"secret": {"value": "X"}}`).
    if matches!(b[i], b'[' | b'(' | b'{') {
        let mut end = group_end(b, i);
        // Arguments of a call stay on their line; an object or list may run over lines.
        if b[i] == b'(' {
            end = end.min(memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |p| i + p));
        }
        push_value(b, i + 1, end.saturating_sub(1).max(i + 1), class, out);
        return Some(end);
    }
    let (start, end, closed_by) = match quote_at(b, i) {
        Some(q) => {
            let s = i + q.len();
            let e = closing(b, s, q);
            (s, e, Some(q))
        }
        None => (i, unquoted_end(b, i, class), None),
    };
    if class == Class::CookieHeader {
        return Some(cookie_pairs(b, start, end, out));
    }
    let (mut vs, ve) = (start, end);
    if class == Class::Authorization {
        // The scheme word stays readable: `Authorization: Bearer <token#1>`.
        let scheme = b[vs..ve]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-')
            .count();
        let known = SCHEMES
            .iter()
            .chain(&[&b"token"[..], b"apikey", b"sso-key"])
            .any(|w| b[vs..vs + scheme].eq_ignore_ascii_case(w));
        if known && matches!(b.get(vs + scheme), Some(b' ' | b'\t' | b':')) {
            vs += scheme;
            if b.get(vs) == Some(&b':') {
                vs += 1;
            }
            vs = skip_blanks(b, vs);
        }
        if closed_by.is_none() {
            // A header's value runs to the end of the line: every scheme's parameters
            // (`Token token="X"`, Digest's, AWS's) are the credential.
            let stop = memchr::memchr2(b'\n', b'\r', &b[vs..]).map_or(b.len(), |p| vs + p);
            push_value(b, vs, stop, class, out);
            return Some(stop.max(at));
        }
    }
    push_value(b, vs, ve, class, out);
    Some(end.max(at))
}

/// Where the bracketed group opening at `i` ends (after its closing bracket), quotes
/// respected, over lines; at most 64 KiB.
fn group_end(b: &[u8], i: usize) -> usize {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut j = i;
    while j < b.len() {
        let c = b[j];
        match quote {
            Some(q) if c == q && b[j - 1] != b'\\' => quote = None,
            Some(_) => {}
            None => match c {
                b'"' | b'\'' => quote = Some(c),
                b'[' | b'(' | b'{' => depth += 1,
                b']' | b')' | b'}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return j + 1;
                    }
                }
                _ => {}
            },
        }
        j += 1;
        // A pretty-printed object runs over lines; a group that never closes is cut.
        if j - i > 64 * 1024 {
            return j;
        }
    }
    b.len()
}

fn push_value(b: &[u8], start: usize, end: usize, class: Class, out: &mut Vec<Span>) -> bool {
    let mut end = end;
    while end > start && matches!(b[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    if end <= start || harmless(&b[start..end], class) {
        return false;
    }
    out.push(Span {
        start,
        end,
        kind: class.kind(),
    });
    true
}

/// Where a value opened by quote `q` at `s` ends: the same quote not escaped by a
/// backslash, else the end of the line.
fn closing(b: &[u8], s: usize, q: &[u8]) -> usize {
    // An opening curly quote closes with its pair.
    let pair: &[u8] = match q {
        b"\xe2\x80\x98" => "\u{2019}".as_bytes(),
        b"\xe2\x80\x9c" => "\u{201d}".as_bytes(),
        other => other,
    };
    let q = pair;
    let mut i = s;
    while let Some(p) = memchr::memchr2(q[0], b'\n', &b[i..]) {
        let at = i + p;
        if b[at] == b'\n' && q[0] != b'\n' {
            return at;
        }
        // For a plain quote, a backslash before it escapes it (an odd number of them).
        let escaped =
            q.len() == 1 && b[s..at].iter().rev().take_while(|c| **c == b'\\').count() % 2 == 1;
        if b[at..].starts_with(q) && !escaped {
            return at;
        }
        i = at + 1;
    }
    b.len()
}

/// Where an unquoted value starting at `s` ends. Passwords may hold spaces: theirs runs to
/// the next `key=` or the end of the value.
fn unquoted_end(b: &[u8], s: usize, class: Class) -> usize {
    let mut i = s;
    while i < b.len() {
        let c = b[i];
        let stop = match c {
            b'\n' | b'\r' | b'&' | b'"' | b'\'' => true,
            b'<' => i > s,
            b'\\' => b.get(i + 1) == Some(&b'"'),
            b' ' | b'\t' | b',' | b';' | b'}' | b']' | b')' => {
                if class != Class::Password {
                    true
                } else {
                    // The next word is a key: the password ended before it.
                    let w = skip_blanks(b, i + 1);
                    let mut k = w;
                    while k < b.len() && is_key_byte(b[k]) {
                        k += 1;
                    }
                    k > w && k < b.len() && matches!(b[k], b'=' | b':')
                }
            }
            _ => false,
        };
        if stop {
            break;
        }
        i += 1;
    }
    i
}

/// Masks the value of every `name=value` pair of a Cookie header between `s` and `e`.
fn cookie_pairs(b: &[u8], s: usize, e: usize, out: &mut Vec<Span>) -> usize {
    let line_end = memchr::memchr2(b'\n', b'\r', &b[s..]).map_or(b.len(), |p| s + p);
    let e = e.max(line_end);
    let mut i = s;
    while i < e {
        let eq = memchr::memchr(b'=', &b[i..e]).map(|p| i + p);
        let semi = memchr::memchr(b';', &b[i..e]).map_or(e, |p| i + p);
        match eq {
            Some(q) if q < semi => {
                let v = q + 1;
                let mut ve = semi;
                while ve > v && matches!(b[ve - 1], b' ' | b'"' | b'\'') {
                    ve -= 1;
                }
                let name = &b[i..q];
                let attribute = name.trim_ascii().eq_ignore_ascii_case(b"path")
                    || name.trim_ascii().eq_ignore_ascii_case(b"domain")
                    || name.trim_ascii().eq_ignore_ascii_case(b"expires")
                    || name.trim_ascii().eq_ignore_ascii_case(b"max-age")
                    || name.trim_ascii().eq_ignore_ascii_case(b"samesite");
                if ve > v && !attribute {
                    out.push(Span {
                        start: v,
                        end: ve,
                        kind: Kind::Cookie,
                    });
                }
            }
            // A value without a name (`Cookie: X`) is a cookie value all the same.
            None if semi > i && !b[i..semi].trim_ascii().is_empty() => {
                let t = b[i..semi].trim_ascii();
                let at = i + b[i..semi]
                    .iter()
                    .take_while(|c| c.is_ascii_whitespace())
                    .count();
                let attribute = [&b"secure"[..], b"httponly"]
                    .iter()
                    .any(|a| t.eq_ignore_ascii_case(a));
                if !attribute {
                    out.push(Span {
                        start: at,
                        end: at + t.len(),
                        kind: Kind::Cookie,
                    });
                }
            }
            _ => {}
        }
        i = semi + 1;
    }
    e
}

/// Values that are not secrets whatever the key: empty, null-like, already starred out.
/// Beyond those, codes may be numbers or error names, states and sessions short words, and
/// keys GUIDs (`SOCIAL_AUTH_AZUREAD_OAUTH2_KEY` is the client id).
fn harmless(v: &[u8], class: Class) -> bool {
    let mut v = v.trim_ascii();
    while let [rest @ .., b':' | b'.' | b','] = v {
        v = rest;
    }
    if v.is_empty()
        || matches!(
            v,
            b"None"
                | b"none"
                | b"null"
                | b"NULL"
                | b"nil"
                | b"undefined"
                | b"true"
                | b"false"
                | b"True"
                | b"False"
                | b"\"\""
                | b"''"
                // Prose after a key: `SECRET: no client secret`, `token: missing`.
                | b"no"
                | b"not"
                | b"is"
                | b"was"
                | b"empty"
                | b"unset"
                | b"missing"
                | b"expired"
                | b"invalid"
        )
        || v.iter()
            .all(|&c| c == b'*' || c == b'x' || c == b'X' || c == b'.')
        || is_placeholder(v)
    {
        return true;
    }
    // Code read from a traceback: `self.id_token = self.validate_and_return_id_token(`.
    if v.starts_with(b"self.") || v.starts_with(b"cls.") || v.ends_with(b"(") {
        return true;
    }
    let digits = v.iter().all(u8::is_ascii_digit);
    let word = v
        .iter()
        .all(|c| c.is_ascii_lowercase() || *c == b'_' || *c == b'-');
    match class {
        // `cannot fetch token: 400`, `Incorrect id_token: iat`: a status or a claim's name.
        Class::Token if (digits && v.len() <= 4) || (word && v.len() <= 10) => true,
        Class::Password | Class::Secret | Class::Token | Class::Authorization | Class::Cookie => {
            // An expression that reads the value elsewhere is not the value.
            v.starts_with(b"os.environ") || v.starts_with(b"os.getenv") || v.starts_with(b"$")
        }
        Class::CookieHeader => false,
        Class::Code => {
            (digits && v.len() <= 9)
                || (v.len() > 6
                    && v[..6].eq_ignore_ascii_case(b"AADSTS")
                    && v[6..].iter().all(u8::is_ascii_digit))
                || (word && v.len() <= 48)
                || v.iter().all(|c| c.is_ascii_uppercase() || *c == b'_')
        }
        Class::State | Class::Session => (digits && v.len() <= 6) || (word && v.len() <= 16),
        Class::Key => (digits && v.len() <= 6) || is_guid(v),
    }
}

/// A placeholder as the report writes it, `<code#3>`, and nothing else: text masked once
/// already (a live line, a report read back) keeps its numbers.
pub fn is_placeholder(v: &[u8]) -> bool {
    let Some(inner) = v.strip_prefix(b"<").and_then(|r| r.strip_suffix(b">")) else {
        return false;
    };
    let Some(hash) = memchr::memchr(b'#', inner) else {
        return false;
    };
    let (kind, number) = (&inner[..hash], &inner[hash + 1..]);
    !kind.is_empty()
        && kind.iter().all(|c| c.is_ascii_lowercase() || *c == b'-')
        && !number.is_empty()
        && number.iter().all(u8::is_ascii_digit)
}

/// `8-4-4-4-12` hex digits.
pub fn is_guid(v: &[u8]) -> bool {
    v.len() == 36
        && v.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

// ---------------------------------------------------------------------------------------
// Shapes

fn is_token_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'_' | b'~' | b'.' | b'-')
}

fn is_b64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b'=')
}

const SCHEMES: &[&[u8]] = &[
    b"bearer",
    b"basic",
    b"negotiate",
    b"ntlm",
    b"digest",
    b"dpop",
    b"pop",
    b"hoba",
    b"mutual",
    b"sharedkey",
    b"sharedkeylite",
    b"sharedaccesssignature",
    b"aws4-hmac-sha256",
    b"mac",
];

/// Shapes masked wherever they stand, and random-looking tokens.
fn shapes(b: &[u8], out: &mut Vec<Span>, depth: u8) {
    entra_secrets(b, out);
    userinfo(b, out);
    saml(b, out);
    let mut i = 0;
    while i < b.len() {
        if !is_token_byte(b[i]) {
            i += 1;
            continue;
        }
        let mut s = i;
        while i < b.len() && is_token_byte(b[i]) {
            i += 1;
        }
        // A token right after an escaped quote (`\x22TOKEN`) starts after the escape.
        if s > 0 && b[s - 1] == b'\\' {
            for esc in [&b"x22"[..], b"x27", b"u0022", b"u0027"] {
                if b[s..i].starts_with(esc) {
                    s += esc.len();
                    break;
                }
            }
        }
        // Base64 padding belongs to the token.
        while i < b.len() && b[i] == b'=' && i - s < 4096 * 1024 && b.get(i + 1) != Some(&b'=') {
            if i + 1 < b.len() && is_token_byte(b[i + 1]) {
                break;
            }
            i += 1;
        }
        let mut e = i;
        // Sentence punctuation after a token is not part of it.
        while e > s && matches!(b[e - 1], b'.' | b'-' | b'/') {
            e -= 1;
        }
        if e <= s {
            continue;
        }
        // What a token read past its run (a JWT's dots and padding, a scheme's credential)
        // is not read again.
        i = i.max(token(b, s, e, out, depth));
    }
}

/// One run of token bytes: a scheme's credential after it, a JWT, an Entra code, random.
/// Returns how far it read.
fn token(b: &[u8], s: usize, e: usize, out: &mut Vec<Span>, depth: u8) -> usize {
    let run = &b[s..e];
    // `Bearer X`, `Negotiate\tX`, `Bearer: X`: the next token is the credential.
    if SCHEMES.iter().any(|w| run.eq_ignore_ascii_case(w))
        && matches!(b.get(e), Some(b' ' | b'\t' | b':'))
    {
        let mut cs = e;
        if b.get(cs) == Some(&b':') {
            cs += 1;
        }
        cs = skip_blanks(b, cs);
        let mut ce = cs;
        while ce < b.len() && (is_token_byte(b[ce]) || b[ce] == b'=' || b[ce] == b':') {
            ce += 1;
        }
        if ce - cs >= 8 {
            out.push(Span {
                start: cs,
                end: ce,
                kind: Kind::Token,
            });
        }
        return ce;
    }
    let jwt = run.windows(3).position(|w| w == b"eyJ");
    if let (true, Some(p)) = (run.len() >= 16, jwt) {
        // A JWT (or a JWT's part): base64url JSON.
        let at = s + p;
        let mut je = at;
        while je < b.len() && is_b64url(b[je]) {
            je += 1;
        }
        if je - at >= 16 {
            out.push(Span {
                start: at,
                end: je,
                kind: Kind::Token,
            });
            return je;
        }
    }
    // Microsoft account authorization codes: `M.R3_BAY.` and a GUID or more.
    if run.len() >= 30 && msa_code_prefix(run) {
        out.push(Span {
            start: s,
            end: e,
            kind: Kind::Code,
        });
        return e;
    }
    if run.len() >= 30 && (run.starts_with(b"0.A") || run.starts_with(b"1.A")) {
        out.push(Span {
            start: s,
            end: e,
            kind: Kind::Code,
        });
        return e;
    }
    if looks_random(run) {
        out.push(Span {
            start: s,
            end: e,
            kind: Kind::Token,
        });
        return e;
    }
    // A path or dotted name may hold one random part: mask that part only.
    if run.len() >= 20 && run.iter().any(|c| matches!(c, b'/' | b'.')) {
        let mut p = s;
        for piece in run.split(|c| matches!(c, b'/' | b'.')) {
            if looks_random(piece) {
                out.push(Span {
                    start: p,
                    end: p + piece.len(),
                    kind: Kind::Token,
                });
            }
            p += piece.len() + 1;
        }
    }
    if depth == 0 && run.len() >= 12 {
        base64_credential(b, s, e, out);
    }
    e
}

/// `M.` then a data-centre tag with an underscore (`R3_BAY`, `C521_BL2`) and a dot: how a
/// Microsoft account's authorization code begins.
fn msa_code_prefix(run: &[u8]) -> bool {
    let Some(rest) = run.strip_prefix(b"M.") else {
        return false;
    };
    let Some(dot) = rest.iter().position(|c| *c == b'.') else {
        return false;
    };
    let tag = &rest[..dot];
    (4..=12).contains(&tag.len())
        && tag.contains(&b'_')
        && tag
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_')
}

/// True for a token that looks like a random value: 20 or more characters, letters and
/// digits mixed the way generated values mix them, and not a GUID, a number or a time.
pub fn looks_random(t: &[u8]) -> bool {
    if t.len() < 20 || is_guid(t) {
        return false;
    }
    // A GUID glued to the next word (`...5e70Correlation` in a pasted error page).
    if t.len() > 36 && is_guid(&t[..36]) {
        return looks_random(&t[36..]);
    }
    let (mut lower, mut upper, mut digit, mut other) = (0usize, 0usize, 0usize, 0usize);
    let mut switches = 0usize;
    let mut prev = 0u8;
    let mut longest_piece = 0usize;
    let mut piece = 0usize;
    for &c in t {
        let class = if c.is_ascii_lowercase() {
            lower += 1;
            1
        } else if c.is_ascii_uppercase() {
            upper += 1;
            2
        } else if c.is_ascii_digit() {
            digit += 1;
            3
        } else {
            other += 1;
            4
        };
        if class == 4 {
            longest_piece = longest_piece.max(piece);
            piece = 0;
        } else {
            piece += 1;
        }
        // Case and digit switches within the alphanumeric pieces (a `/` or `.` between
        // two names is no sign of chance).
        if prev != 0 && prev != 4 && class != 4 && class != prev {
            switches += 1;
        }
        prev = class;
    }
    longest_piece = longest_piece.max(piece);
    let letters = lower + upper;
    if letters == 0 || digit + other == t.len() {
        return false;
    }
    // Hex of more than 32 (keys, digests, API tokens). 32 hex digits are a GUID without
    // its dashes, the shape of nginx's `$request_id`: a known id, kept for correlation.
    if t.len() > 32 && other == 0 && t.iter().all(u8::is_ascii_hexdigit) && digit >= 4 {
        return true;
    }
    if t.len() == 32
        && other == 0
        && t.iter().all(u8::is_ascii_hexdigit)
        && (lower == 0 || upper == 0)
    {
        return false;
    }
    // Letters only, both cases mixed at random (no word humps): 32 or more.
    if digit == 0
        && other == 0
        && t.len() >= 32
        && upper >= 4
        && lower >= 4
        && switches * 10 >= t.len() * 3
        && entropy(t) >= 4.2
    {
        return true;
    }
    // Product-key style: four or more equal groups of letters and digits (`ZQI2-7KD3-...`).
    if other > 0 && digit >= 4 && letters >= 4 && grouped(t) {
        return true;
    }
    if digit < 2 || letters < 6 || longest_piece < 12 {
        return false;
    }
    if entropy(t) < 3.3 {
        return false;
    }
    if upper >= 2 && lower >= 2 {
        // Names in camelCase switch class at word humps only (`SafeLinksScanner`: 5 in
        // 16); generated values at most characters (about 3 in 5).
        switches * 5 >= (t.len() - other) * 2
    } else {
        digit >= 4 && longest_piece >= 16 && switches * 4 >= t.len()
    }
}

/// Four or more groups of the same length (4 to 8), letters and digits, split by one kind
/// of separator.
fn grouped(t: &[u8]) -> bool {
    let Some(&sep) = t.iter().find(|c| !c.is_ascii_alphanumeric()) else {
        return false;
    };
    let groups: Vec<&[u8]> = t.split(|c| *c == sep).collect();
    let len = groups[0].len();
    groups.len() >= 4
        && (4..=8).contains(&len)
        && groups
            .iter()
            .all(|g| g.len() == len && g.iter().all(u8::is_ascii_alphanumeric))
        // Mixed within groups: a date or a version is digits in every group.
        && groups.iter().filter(|g| g.iter().any(u8::is_ascii_alphabetic)).count() * 2
            >= groups.len()
}

/// Shannon entropy in bits per byte.
pub fn entropy(t: &[u8]) -> f64 {
    let mut counts = [0u32; 256];
    for &c in t {
        counts[c as usize] += 1;
    }
    let n = t.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// Entra client secret values (`xxx8Q~` and 31 to 34 more), wherever they stand, glued to
/// a word before them too (`AADSTSabc8Q~...`).
fn entra_secrets(b: &[u8], out: &mut Vec<Span>) {
    let secret_byte = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'~' | b'.' | b'-');
    static FINDER: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new(b"Q~"));
    for at in FINDER.find_iter(b) {
        let mut s = at;
        while s > 0 && at - s < 40 && secret_byte(b[s - 1]) {
            s -= 1;
        }
        let mut e = at + 2;
        while e < b.len() && e - at < 80 && secret_byte(b[e]) {
            e += 1;
        }
        if at - s >= 3 && e - s >= 30 {
            out.push(Span {
                start: s,
                end: e,
                kind: Kind::Secret,
            });
        }
    }
}

/// Credentials in URLs: `scheme://user:PASSWORD@host`, `scheme://:PASSWORD@host`,
/// `scheme://TOKEN@host`, `//user:PASSWORD@host`, `user:PASSWORD@host` without a scheme,
/// JSON's `https:\/\/`, a password holding `/` or `@`. Found from each `@` that a host
/// name follows, looking back at most 256 bytes (linear, whatever the line).
fn userinfo(b: &[u8], out: &mut Vec<Span>) {
    let stop = |c: u8| {
        matches!(
            c,
            b' ' | b'\t'
                | b'\n'
                | b'\r'
                | b'"'
                | b'\''
                | b'<'
                | b'>'
                | b'`'
                | b'('
                | b'['
                | b'{'
                | b','
        )
    };
    for at in memchr::memchr_iter(b'@', b) {
        let host = &b[at + 1..];
        let host_len = host
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'[' | b']'))
            .count();
        if host_len == 0
            || host
                .get(host_len)
                .is_some_and(|&c| c == b'@' || c.is_ascii_alphanumeric())
        {
            continue;
        }
        let mut s = at;
        while s > 0 && at - s < 256 && !stop(b[s - 1]) {
            s -= 1;
        }
        let token = &b[s..at];
        // After the scheme's slashes, plain or escaped by JSON.
        let (info_start, schemed) = match (
            memchr::memmem::rfind(token, b"//"),
            memchr::memmem::rfind(token, b"\\/\\/"),
        ) {
            (Some(p), Some(q)) if q + 4 > p + 2 => (s + q + 4, true),
            (Some(p), _) => (s + p + 2, true),
            (None, Some(q)) => (s + q + 4, true),
            (None, None) => (s, false),
        };
        if info_start >= at {
            continue;
        }
        let info = &b[info_start..at];
        match memchr::memchr(b':', info) {
            Some(c) if info_start + c + 1 < at => out.push(Span {
                start: info_start + c + 1,
                end: at,
                kind: Kind::Password,
            }),
            // A path before the `@` is a path (`/users/jdoe@corp`), not user info.
            None if schemed && !info.contains(&b'/') => out.push(Span {
                start: info_start,
                end: at,
                kind: Kind::Token,
            }),
            _ => {}
        }
    }
}

/// SAML assertions in XML, whole: `<saml:Assertion ...>` to its end tag, the angle
/// brackets written plain, as HTML entities or as JSON escapes.
fn saml(b: &[u8], out: &mut Vec<Span>) {
    static FINDER: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new(b"Assertion"));
    const OPENS: [&[u8]; 4] = [b"<", b"&lt;", b"\\u003c", b"\\u003C"];
    let mut from = 0;
    while let Some(p) = FINDER.find(&b[from..]) {
        let at = from + p;
        from = at + 9;
        // The tag's start: `<Assertion` or `<prefix:Assertion`, the prefix letters and
        // digits (an escape such as `\u003c` ends in them too, so each start is tried).
        let prefix_ok = |j: usize| {
            // `saml:`, `saml2p:`, `Encrypted`: letters, digits and colons before the name.
            b[j..at]
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || *c == b':')
        };
        let Some(start) = (at.saturating_sub(16)..=at).rev().find_map(|j| {
            if !prefix_ok(j) {
                return None;
            }
            OPENS
                .iter()
                .find(|o| b[..j].ends_with(o))
                .map(|o| j - o.len())
        }) else {
            continue;
        };
        // The end tag is the next `Assertion` after a `/`.
        let mut end = b.len();
        let mut k = from;
        while let Some(q) = FINDER.find(&b[k..]) {
            let next = k + q;
            if b[next.saturating_sub(16)..next].contains(&b'/') {
                end = next + 9;
                for close in [&b">"[..], b"&gt;", b"\\u003e", b"\\u003E"] {
                    if b[end..].starts_with(close) {
                        end += close.len();
                        break;
                    }
                }
                break;
            }
            k = next + 9;
        }
        out.push(Span {
            start,
            end,
            kind: Kind::Secret,
        });
        from = end;
    }
}

/// A base64 run that decodes to text holding a credential (`cGFzc3dvcmQ9...` for
/// `password=...`) is masked whole.
fn base64_credential(b: &[u8], s: usize, e: usize, out: &mut Vec<Span>) {
    use base64::Engine as _;
    let run = &b[s..e];
    // Base64 of text mixes both cases and digits; names, paths and words rarely do, and
    // decoding each of them was a visible part of masking.
    if run.len() < 16
        || !run
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=' | b'-' | b'_'))
        || !run.iter().any(u8::is_ascii_uppercase)
        || !run.iter().any(u8::is_ascii_lowercase)
        || !run.iter().any(u8::is_ascii_digit)
    {
        return;
    }
    let trimmed: &[u8] = {
        let mut t = run;
        while let [rest @ .., b'='] = t {
            t = rest;
        }
        t
    };
    if trimmed.len() % 4 == 1 {
        return;
    }
    let engine = if trimmed.iter().any(|c| matches!(c, b'-' | b'_')) {
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
    } else {
        &base64::engine::general_purpose::STANDARD_NO_PAD
    };
    let Ok(decoded) = engine.decode(trimmed) else {
        return;
    };
    let printable = decoded
        .iter()
        .filter(|c| c.is_ascii_graphic() || **c == b' ')
        .count();
    if printable * 10 < decoded.len() * 9 {
        return;
    }
    let mut inner = Vec::new();
    find_all(&decoded, &mut inner, 1);
    if !inner.is_empty() {
        out.push(Span {
            start: s,
            end: e,
            kind: Kind::Secret,
        });
    }
}

/// A long masked token that ends a line and goes on at the start of the next (a JWT or a
/// base64 body wrapped over lines): the rest on the next lines is masked too.
fn continue_over_lines(b: &[u8], out: &mut Vec<Span>, first: usize) {
    let mut k = first;
    while k < out.len() {
        let s = out[k];
        k += 1;
        if s.end - s.start < 40 || !matches!(s.kind, Kind::Token | Kind::Secret | Kind::Code) {
            continue;
        }
        let mut end = s.end;
        loop {
            let mut i = end;
            if b.get(i) == Some(&b'\r') {
                i += 1;
            }
            if b.get(i) != Some(&b'\n') {
                break;
            }
            i = skip_blanks(b, i + 1);
            let ts = i;
            while i < b.len() && (is_token_byte(b[i]) || b[i] == b'=') {
                i += 1;
            }
            // The whole next line is one run of token bytes.
            if i - ts < 4 || !matches!(b.get(i), None | Some(b'\n' | b'\r' | b'"' | b'\'' | b',')) {
                break;
            }
            out.push(Span {
                start: ts,
                end: i,
                kind: s.kind,
            });
            if i - ts < 40 {
                break;
            }
            end = i;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Percent-encoded views

/// Characters that show nothing (or a replacement mark) and may stand inside a token.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{34f}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2060}'..='\u{2064}'
            | '\u{feff}'
            | '\u{fffd}'
    )
}

/// `text` without its invisible characters, and for each byte left its offset in `text`;
/// `None` when it has none (nearly always: one byte check first).
fn fold_invisible(text: &str) -> Option<(Vec<u8>, Vec<u32>)> {
    if text.is_ascii() || !text.chars().any(invisible) {
        return None;
    }
    let mut out = Vec::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        if invisible(c) {
            continue;
        }
        let mut buf = [0u8; 4];
        for (k, byte) in c.encode_utf8(&mut buf).bytes().enumerate() {
            out.push(byte);
            map.push((at + k) as u32);
        }
    }
    Some((out, map))
}

/// `b` with `\uXXXX`, `\xHH`, `&#N;` and `&#xH;` escapes of ASCII characters undone, and
/// for each byte its offset in `b`; `None` when it holds none.
fn unescape_view(b: &[u8]) -> Option<(Vec<u8>, Vec<u32>)> {
    let hex = |s: &[u8]| -> Option<u32> {
        std::str::from_utf8(s)
            .ok()
            .and_then(|t| u32::from_str_radix(t, 16).ok())
    };
    let escape_at = |i: usize| -> Option<(u8, usize)> {
        let rest = &b[i..];
        let (value, len) = if rest.starts_with(b"\\u") && rest.len() >= 6 {
            (hex(&rest[2..6])?, 6)
        } else if rest.starts_with(b"\\x") && rest.len() >= 4 {
            (hex(&rest[2..4])?, 4)
        } else if rest.starts_with(b"&#x") || rest.starts_with(b"&#X") {
            let end = rest.iter().take(10).position(|c| *c == b';')?;
            (hex(&rest[3..end])?, end + 1)
        } else if rest.starts_with(b"&#") {
            let end = rest.iter().take(10).position(|c| *c == b';')?;
            (
                std::str::from_utf8(&rest[2..end]).ok()?.parse().ok()?,
                end + 1,
            )
        } else {
            return None;
        };
        // Only printable ASCII: anything else stays as written.
        u8::try_from(value)
            .ok()
            .filter(|c| c.is_ascii_graphic() || *c == b' ')
            .map(|c| (c, len))
    };
    let first = memchr::memchr2_iter(b'\\', b'&', b).find(|&i| escape_at(i).is_some())?;
    let mut out = Vec::with_capacity(b.len());
    let mut map = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..first]);
    map.extend(0..first as u32);
    let mut i = first;
    while i < b.len() {
        if matches!(b[i], b'\\' | b'&')
            && let Some((c, len)) = escape_at(i)
        {
            out.push(c);
            map.push(i as u32);
            i += len;
        } else {
            out.push(b[i]);
            map.push(i as u32);
            i += 1;
        }
    }
    Some((out, map))
}

fn has_escape(b: &[u8]) -> bool {
    memchr::memchr_iter(b'%', b)
        .any(|i| b.len() > i + 2 && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit())
}

/// `b` with `%XX` escapes decoded, and for each decoded byte the offset in `b` it came from.
fn percent_decode(b: &[u8]) -> (Vec<u8>, Vec<u32>) {
    let mut out = Vec::with_capacity(b.len());
    let mut map = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && b[i + 1].is_ascii_hexdigit()
            && b[i + 2].is_ascii_hexdigit()
        {
            let hex = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
            out.push(hex(b[i + 1]) * 16 + hex(b[i + 2]));
            map.push(i as u32);
            i += 3;
        } else {
            out.push(b[i]);
            map.push(i as u32);
            i += 1;
        }
    }
    (out, map)
}

/// The spans of a view of a text (`view`, whose bytes came from the offsets in `map` of a
/// text `len` long), as spans of that text.
fn view_spans(view: &[u8], map: &[u32], len: usize, depth: u8, out: &mut Vec<Span>) {
    let mut found = Vec::new();
    find_all(view, &mut found, depth);
    map_back(found, map, len, out);
}

/// `found`, spans of a view, moved onto the text the view was made from.
fn map_back(found: Vec<Span>, map: &[u32], len: usize, out: &mut Vec<Span>) {
    out.extend(found.into_iter().map(|s| Span {
        start: map_start(map, s.start),
        end: map_end(map, s.end, len),
        kind: s.kind,
    }));
}

fn map_start(map: &[u32], at: usize) -> usize {
    map.get(at).map_or(usize::MAX, |&p| p as usize)
}

fn map_end(map: &[u32], at: usize, len: usize) -> usize {
    map.get(at).map_or(len, |&p| p as usize)
}

// ---------------------------------------------------------------------------------------
// Users

/// E-mail addresses and UPNs, guest UPNs (`jdoe_corp.example#EXT#@tenant...`), non-ASCII
/// local parts, and `@` percent-encoded once or twice.
static USER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?u)[\p{L}\p{N}._%+#'!$&*=?^{|}~-]+(?:@|%40|%2540)[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}",
    )
    .expect("fixed regex")
});
