//! Values that prose puts after a credential word, with no `=` or `:` between them
//! (`password C3J2...`, `password is X`, `password was "X"`, `set password to X`,
//! `client secret X`, `Secret Value: X`, `sessionid X`, `credentials ("admin", "X")`), and
//! YAML block scalars (`client_secret: >-`, the value on the lines below).
//!
//! The word's position decides, not the value's shape: the next token after the word (and
//! after linking words: `is`, `was`, `to`, `value`, `=`, `:`) is masked unless it is plainly
//! prose or an identifier the report needs: a lower-case word (`password reset failed`), an
//! error code (`AADSTS7000215`), an error name (`InvalidClientSecret`), a GUID, a
//! placeholder, a number, a time, a URL or a path, or shorter than 8 bytes.

use std::sync::LazyLock;

use regex::bytes::Regex;

use super::Span;
use super::fields::{Ctx, unquoted_end};
use super::keys::{closing, is_guid, is_placeholder, push_value, quote_at, skip_blanks, value};
use super::words::{CredentialClass, class_of, is_error_identifier, is_key_byte};

/// How a key that names a credential in prose ends, glued (`clientsecret`, `apikey`,
/// `SECRET_KEY`): the nouns of credentials. `passed`, `bypass`, `code` and `state` are not
/// among them: the words after those are not their values.
const NOUNS: &[&[u8]] = &[
    b"password",
    b"passwords",
    b"passwd",
    b"passphrase",
    b"passcode",
    b"pwd",
    b"secret",
    b"secrets",
    b"token",
    b"tokens",
    b"key",
    b"cookie",
    b"cookies",
    b"session",
    b"sessionid",
    b"sessid",
    b"credential",
    b"credentials",
    b"creds",
    b"assertion",
];

/// Words that link a credential word to its value: `password is X`, `set password to X`,
/// `Secret Value: X`.
const LINKS: &[&[u8]] = &[b"is", b"was", b"are", b"to", b"now", b"set", b"value"];

/// The class of a prose word that names a credential (`password`, `client_secret`,
/// `api-key`, `sessionid`), if it is one.
fn prose_class(key: &[u8]) -> Option<CredentialClass> {
    let class = match class_of(key)? {
        CredentialClass::Code | CredentialClass::State | CredentialClass::Authorization => {
            return None;
        }
        CredentialClass::CookieHeader => CredentialClass::Cookie,
        other => other,
    };
    let mut glued = [0u8; 96];
    let mut n = 0;
    for &c in key.iter().filter(|c| !matches!(c, b'_' | b'-' | b'.')) {
        glued[n] = c.to_ascii_lowercase();
        n += 1;
    }
    let glued = &glued[..n];
    NOUNS.iter().any(|w| glued.ends_with(w)).then_some(class)
}

/// After a credential word at `ks..ke` that no separator follows: masks the value that prose
/// puts after it, and returns where that value ends; `None` when the next word is not one.
pub(super) fn prose_value(
    b: &[u8],
    ks: usize,
    ke: usize,
    ctx: Ctx,
    out: &mut Vec<Span>,
) -> Option<usize> {
    // A word of prose: a blank after it, and before it the start of a line, a blank, a
    // quote or an opening bracket (not a path: `/oauth2/token HTTP/1.1`).
    if !matches!(b.get(ke), Some(b' ' | b'\t'))
        || (ks > 0
            && !matches!(
                b[ks - 1],
                b' ' | b'\t'
                    | b'\n'
                    | b'\r'
                    | b'"'
                    | b'\''
                    | b'('
                    | b'['
                    | b'{'
                    | b','
                    | b';'
                    | b'>'
                    | b'|'
                    | b'*'
            ))
    {
        return None;
    }
    let class = prose_class(&b[ks..ke])?;
    // `the password is X`: a sentence that states the password (see `stated_value`).
    let mut stated = class == CredentialClass::Password && after_determiner(b, ks);
    let mut links = 0;
    let mut i = ke;
    for _ in 0..4 {
        let j = skip_blanks(b, i);
        match b.get(j) {
            Some(b'=' | b':') if !matches!(b.get(j + 1), Some(b'=' | b':' | b'/')) => {
                stated = false;
                i = j + 1;
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let w = b[j..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .count();
                let linked = LINKS.iter().any(|l| b[j..j + w].eq_ignore_ascii_case(l))
                    && matches!(b.get(j + w), Some(b' ' | b'\t' | b':' | b'='));
                if !linked {
                    break;
                }
                let is = [&b"is"[..], b"was"]
                    .iter()
                    .any(|l| b[j..j + w].eq_ignore_ascii_case(l));
                stated &= links == 0 && is;
                links += 1;
                i = j + w;
            }
            _ => break,
        }
    }
    let v = skip_blanks(b, i);
    let &first = b.get(v)?;
    if let Some(q) = quote_at(b, v) {
        // `password was "X"`: masked when a word of it is not plainly prose.
        // A quote not closed within 1 KiB is read that far: a prose word found again
        // inside it is not read to the line's end each time.
        let s = v + q.len();
        let e = closing(&b[..b.len().min(s + 1024)], s, q);
        let content = &b[s..e];
        if !content.split(u8::is_ascii_whitespace).any(secret_like) {
            return None;
        }
        push_value(b, s, e, class, out);
        return Some((e + q.len()).min(b.len()));
    }
    // `ID token {"error": ...}`: a JSON object after the word is the next field, no value.
    if first == b'{' {
        return None;
    }
    if matches!(first, b'(' | b'[') {
        // `credentials ("admin", "X")`: a tuple or list of strings, all of it.
        let inside = skip_blanks(b, v + 1);
        if inside < b.len() && quote_at(b, inside).is_some() {
            return value(b, v, class, ctx, out);
        }
        return None;
    }
    // The next field (`token exc=HTTPError(...)`, `cookie is SameSite=Strict`) is no value.
    let name = b[v..].iter().take_while(|c| is_key_byte(**c)).count();
    if name > 0 && b.get(v + name) == Some(&b'=') && b.get(v + name + 1) != Some(&b'=') {
        return None;
    }
    let word = Ctx { word: true, ..ctx };
    let mut e = unquoted_end(b, v, CredentialClass::Secret, word);
    // A line break escaped by JSON ends the word (`provided.\r\nTrace ID`).
    if let Some(k) = (v + 1..e)
        .find(|&k| b[k] == b'\\' && b.get(k + 1).is_some_and(|c| b"nrt\\\"/u".contains(c)))
    {
        e = k;
    }
    // Sentence punctuation after the value is not part of it.
    while e > v && matches!(b[e - 1], b'.' | b',' | b';' | b':' | b'!' | b'?' | b')') {
        e -= 1;
    }
    // `the password is X`: one `is` or `was` between them.
    let stated = stated && links == 1 && stated_value(&b[v..e]);
    if !stated && !secret_like(&b[v..e]) {
        return None;
    }
    push_value(b, v, e, class, out).then_some(e)
}

/// True when the word before `ks` is a determiner (`the password`, `my password`): the
/// noun starts a sentence about a password, not a message's label.
fn after_determiner(b: &[u8], ks: usize) -> bool {
    let end = b[..ks].trim_ascii_end().len();
    if end == ks {
        return false;
    }
    let start = b[..end]
        .iter()
        .rposition(|c| !c.is_ascii_alphabetic() && *c != b'\'')
        .map_or(0, |p| p + 1);
    let w = &b[start..end];
    [
        &b"the"[..],
        b"my",
        b"your",
        b"his",
        b"her",
        b"their",
        b"our",
        b"its",
        b"new",
        b"user's",
    ]
    .iter()
    .any(|d| w.eq_ignore_ascii_case(d))
}

/// Words that describe a password rather than being one: `the password is wrong`, `is
/// too short`, `is case sensitive`, `is not set`.
const DESCRIPTIONS: &[&[u8]] = &[
    b"a",
    b"an",
    b"the",
    b"not",
    b"too",
    b"very",
    b"now",
    b"still",
    b"also",
    b"being",
    b"about",
    b"in",
    b"on",
    b"at",
    b"for",
    b"of",
    b"from",
    b"only",
    b"just",
    b"never",
    b"always",
    b"already",
    b"correct",
    b"incorrect",
    b"wrong",
    b"right",
    b"invalid",
    b"valid",
    b"empty",
    b"blank",
    b"missing",
    b"weak",
    b"strong",
    b"short",
    b"long",
    b"old",
    b"new",
    b"same",
    b"different",
    b"case",
    b"unknown",
    b"known",
    b"null",
    b"none",
    b"ok",
    b"okay",
    b"fine",
    b"good",
    b"bad",
    b"required",
    b"optional",
    b"mandatory",
    b"secret",
    b"hidden",
    b"visible",
    b"stale",
    b"current",
    b"temporary",
    b"random",
    b"there",
    b"here",
    b"set",
    b"unset",
    b"correctly",
    b"incorrectly",
    b"sensitive",
    b"insensitive",
];

/// A value stated after `the password is`, whatever its letters: a word of four letters or
/// more that does not describe the password (`sunflowerbattery`, not `wrong` or
/// `expired`), or a number of four digits or more (a PIN).
fn stated_value(t: &[u8]) -> bool {
    let t = t.trim_ascii();
    if t.len() >= 4 && t.iter().all(u8::is_ascii_digit) {
        return true;
    }
    let lower: Vec<u8> = t.iter().map(u8::to_ascii_lowercase).collect();
    t.len() >= 4
        && !DESCRIPTIONS.contains(&lower.as_slice())
        && ![&b"ed"[..], b"ing", b"ly", b"able", b"ible"]
            .iter()
            .any(|s| lower.ends_with(s))
        && !t.starts_with(b"<")
}

/// True unless `t` is plainly prose or an identifier the report needs (see the module).
pub(super) fn secret_like(t: &[u8]) -> bool {
    // Punctuation before a word of prose (`(see`, `?oidc_state`) is not part of it.
    let t = t.trim_ascii();
    let lead = t.iter().take_while(|c| b"?!(\"'`#".contains(c)).count();
    let t = &t[lead..];
    if t.len() < 8 || !t.iter().any(u8::is_ascii_alphabetic) || keep_piece(t) {
        return false;
    }
    // A time (`2026-11-20T09:14:03.123Z`).
    if t.iter()
        .all(|c| c.is_ascii_digit() || b"-:.,+TZ".contains(c))
    {
        return false;
    }
    // Placeholders others write (`<redacted>`, `[REDACTED]`, `${SECRET}`, `%(pw)s`), URLs
    // and paths.
    let wrapped = |o: u8, c: u8| t[0] == o && t[t.len() - 1] == c;
    if wrapped(b'<', b'>')
        || wrapped(b'[', b']')
        || wrapped(b'{', b'}')
        || matches!(t[0], b'$' | b'%' | b'/')
        || is_guid(t)
        || is_placeholder(t)
        || memchr::memmem::find(t, b"://").is_some()
    {
        return false;
    }
    // A name in parts: `social_core.backends`, `HTTP/1.1`, `S-1-5-21-...`, `python3.12`.
    let pieces = t.split(|c| matches!(c, b'.' | b'-' | b'/' | b':' | b'_' | b'@'));
    !(t.iter()
        .any(|c| matches!(c, b'.' | b'-' | b'/' | b':' | b'_' | b'@'))
        && pieces.clone().all(|p| keep_piece(p) || short_word(p)))
}

/// Prose, a number, an error code or an error name.
fn keep_piece(p: &[u8]) -> bool {
    if p.is_empty() || p.iter().all(u8::is_ascii_digit) {
        return true;
    }
    // A word of prose, perhaps capitalized (`expired`, `Expired`, `don't`, `für`).
    let plain =
        p.iter().skip(1).all(|&c| {
            c.is_ascii_lowercase() || c >= 0x80 || matches!(c, b'\'' | b'-' | b'_' | b'.')
        }) && (p[0].is_ascii_alphabetic() || p[0] >= 0x80);
    // An error code: capitals, then digits (`AADSTS7000215`, `HTTP`, `ERR_CONNECTION`).
    let letters = p
        .iter()
        .take_while(|c| c.is_ascii_uppercase() || **c == b'_')
        .count();
    let code = letters > 0 && p[letters..].iter().all(u8::is_ascii_digit);
    // A number with its unit (`3600s`, `1500ms`), a time or a date (`10:02:11`).
    let digits = p.iter().take_while(|c| c.is_ascii_digit()).count();
    let unit =
        digits > 0 && p.len() - digits <= 4 && p[digits..].iter().all(u8::is_ascii_lowercase);
    plain || code || unit || is_error_identifier(p)
}

/// A lower-case word and a version number in one part of a name (`oauth2`, `python3`).
fn short_word(p: &[u8]) -> bool {
    let letters = p.iter().take_while(|c| c.is_ascii_lowercase()).count();
    p.len() <= 12
        && letters > 0
        && p.len() - letters <= 3
        && p[letters..].iter().all(u8::is_ascii_digit)
}

/// The end of a block scalar's indicator at `i` (`|`, `>-`, `|+2`).
fn indicator_end(b: &[u8], i: usize) -> Option<usize> {
    if !matches!(b.get(i), Some(b'|' | b'>')) {
        return None;
    }
    let mut j = i + 1;
    while j < b.len() && j - i < 3 && (matches!(b[j], b'-' | b'+') || b[j].is_ascii_digit()) {
        j += 1;
    }
    Some(j)
}

/// `client_secret: >- X`: a block scalar's indicator, then on the same line the value its
/// next line held (the lines of a wrapped record are joined by a space). Where the value
/// starts.
pub(super) fn joined_block_scalar(b: &[u8], i: usize) -> Option<usize> {
    let j = indicator_end(b, i)?;
    let k = skip_blanks(b, j);
    (k > j && b.get(k).is_some_and(|c| !matches!(c, b'\n' | b'\r' | b'#'))).then_some(k)
}

/// `client_secret: >-` (or `|`, `|-`, `>`, `|+`, `>2`...) at `i`, the end of its line
/// next: the value is on the lines below, more indented than the key's. Masks each of them
/// and returns where the last ends; `None` when `i` starts no block scalar.
pub(super) fn block_scalar(
    b: &[u8],
    i: usize,
    class: CredentialClass,
    out: &mut Vec<Span>,
) -> Option<usize> {
    let j = indicator_end(b, i)?;
    let k = skip_blanks(b, j);
    let mut eol = k;
    if b.get(k) == Some(&b'#') && k > j {
        eol = memchr::memchr(b'\n', &b[k..]).map_or(b.len(), |p| k + p);
    }
    if b.get(eol) == Some(&b'\r') {
        eol += 1;
    }
    match b.get(eol) {
        None => return Some(eol),
        Some(b'\n') => {}
        _ => return None,
    }
    let line_start = memchr::memrchr(b'\n', &b[..i]).map_or(0, |p| p + 1);
    let indent = skip_blanks(b, line_start) - line_start;
    let mut end = eol;
    let mut pos = eol + 1;
    // At most 64 KiB of value (a PEM key is a few KiB).
    while pos < b.len() && pos - eol < 64 * 1024 {
        let line_end = memchr::memchr(b'\n', &b[pos..]).map_or(b.len(), |p| pos + p);
        let mut text_end = line_end;
        if text_end > pos && b[text_end - 1] == b'\r' {
            text_end -= 1;
        }
        let text = skip_blanks(b, pos);
        if text < text_end {
            if text - pos <= indent {
                break;
            }
            push_value(b, text, text_end, class, out);
            end = text_end;
        }
        pos = line_end + 1;
    }
    Some(end)
}

/// The word for a password in other languages than English (German's `Passwort`, French's
/// `mot de passe` and `mdp` hold `pass` and are read as keys already).
static OTHER_LANGUAGES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?iu)kennwort|contrase(?:ñ|n)a|senha|wachtwoord|has(?:ł|l)o|l(?:ö|o)senord|salasana|adgangskode|passord|пароль|парола|лозинка|heslo|jelsz(?:ó|o)|parola|şifre|sifre",
    )
    .expect("fixed regex")
});

/// Words that link a password to its value in those languages: `Kennwort ist X`,
/// `contraseña es X`, `пароль это X`.
const OTHER_LINKS: &[&str] = &[
    "ist", "war", "es", "era", "est", "é", "är", "er", "on", "jest", "je", "это", "is",
];

/// True when the character that ends just before `at` (or starts at `at`, `after`) is a
/// letter or a digit: the match is inside a longer word.
fn in_word(b: &[u8], at: usize, after: bool) -> bool {
    let c = if after {
        let n = b[at..].iter().take(4).count();
        (1..=n).find_map(|k| std::str::from_utf8(&b[at..at + k]).ok()?.chars().next())
    } else {
        (1..=at.min(4)).find_map(|k| std::str::from_utf8(&b[at - k..at]).ok()?.chars().next())
    };
    c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// Masks the value after the word for a password in another language: after `=` or `:`
/// whatever it is (`contraseña=X`, `пароль: X`), after a linking word when it is not a
/// word of prose (`Kennwort ist X`).
pub(super) fn other_languages(b: &[u8], out: &mut Vec<Span>) {
    for m in OTHER_LANGUAGES.find_iter(b) {
        if in_word(b, m.start(), false) || in_word(b, m.end(), true) {
            continue;
        }
        let word = Ctx {
            word: true,
            ..Ctx::default()
        };
        let j = skip_blanks(b, m.end());
        if matches!(b.get(j), Some(b'=' | b':')) || b[j..].starts_with("\u{ff1a}".as_bytes()) {
            let sep = if b[j] == b'=' || b[j] == b':' { 1 } else { 3 };
            value(b, j + sep, CredentialClass::Password, word, out);
            continue;
        }
        let w = b[j..]
            .iter()
            .position(|c| c.is_ascii_whitespace())
            .unwrap_or(b.len() - j);
        if j == m.end()
            || !OTHER_LINKS
                .iter()
                .any(|l| b[j..j + w].eq_ignore_ascii_case(l.as_bytes()))
        {
            continue;
        }
        let v = skip_blanks(b, j + w);
        if v == j + w || v >= b.len() {
            continue;
        }
        let mut e = unquoted_end(b, v, CredentialClass::Secret, word);
        while e > v && matches!(b[e - 1], b'.' | b',' | b';' | b':' | b'!' | b'?' | b')') {
            e -= 1;
        }
        if secret_like(&b[v..e]) {
            push_value(b, v, e, CredentialClass::Password, out);
        }
    }
}
