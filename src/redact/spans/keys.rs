//! Values after keys that name a credential: separators in every syntax (`=`, `:`, JSON,
//! Python reprs, XML, CLI flags, name/value pairs), quoted and unquoted values, lists and
//! cookies, and the few harmless values left shown.

use super::commands::command_value;
use super::fields::{
    Ctx, LineState, cell_value, continues_value, csv_cell, glued_password, html_cell,
    line_mentions, placeholder_len, unquoted_end, value_before_name,
};
use super::prose::{block_scalar, joined_block_scalar, prose_value};
use super::shapes::SCHEMES;
use super::words::{CredentialClass, class_of, is_error_identifier, is_key_byte};
use super::{Kind, Span};

pub(super) use super::quotes::{closing, quote_at};

pub(super) fn skip_blanks(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    i
}

/// An `=` or `:` escaped by JSON, C or HTML, or written full-width, at `i`: its length.
pub(super) fn escaped_separator(b: &[u8], i: usize) -> Option<usize> {
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
pub(super) fn separator(b: &[u8], mut i: usize) -> Option<usize> {
    if i < b.len()
        && let Some(q) = quote_at(b, i)
    {
        i += q.len();
        // `s:13:"client_secret";s:13:"X";`: a PHP serialized array's next member.
        if b[i..].starts_with(b";s:") {
            let d = b[i + 3..].iter().take_while(|c| c.is_ascii_digit()).count();
            if d > 0 && b.get(i + 3 + d) == Some(&b':') {
                return Some(i + 4 + d);
            }
        }
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
            // `a == b` is a comparison, not an assignment; `key==x` is a value that starts
            // with `=`.
            if b.get(i + 1) == Some(&b'=') {
                return (!b.get(i + 2).is_none_or(u8::is_ascii_whitespace)).then_some(i + 1);
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
pub(super) fn key_values(b: &[u8], out: &mut Vec<Span>) {
    let mut i = 0;
    // The class a `name`/`key` field announced for the next `value` field, and where.
    let mut pending: Option<(CredentialClass, usize)> = None;
    let mut line = LineState::default();
    while i < b.len() {
        if !is_key_byte(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && is_key_byte(b[i]) {
            i += 1;
        }
        if let Some(end) = glued_password(b, start, out) {
            i = end.max(i);
            continue;
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
        let ctx = line.ctx(b, start);
        if let Some(end) = command_value(b, start, ks, ke, ctx, out) {
            i = end.max(i);
            continue;
        }
        // A key in a template's brackets (`{client_secret}=X`, `${SECRET}=X`, `[pwd]=X`):
        // the separator comes after the brackets.
        let mut kend = ke;
        if ks > 0
            && let Some(close) = match b[ks - 1] {
                b'{' => Some(b'}'),
                b'[' => Some(b']'),
                b'(' => Some(b')'),
                _ => None,
            }
        {
            while b.get(kend) == Some(&close) {
                kend += 1;
            }
        }
        let mut cell = false;
        let mut csv = false;
        let (after, flag) = match separator(b, kend) {
            Some(after) => (after, false),
            None => match other_separator(b, start, ks, ke) {
                Some(after) => (after, b[start] == b'-'),
                None => match html_cell(b, ks, ke) {
                    Some(after) => {
                        cell = true;
                        (after, false)
                    }
                    None => match csv_cell(b, ks, ke) {
                        Some(after) => {
                            csv = true;
                            (after, false)
                        }
                        None => {
                            // `password is X`, `client secret X`: prose.
                            let ctx = line.ctx(b, start);
                            if let Some(end) = prose_value(b, ks, ke, ctx, out) {
                                i = end.max(i);
                            }
                            continue;
                        }
                    },
                },
            },
        };
        let key = &b[ks..ke];
        let mut ctx = line.ctx(b, start);
        if csv {
            ctx.end_at = Some(b',');
            ctx.csv = true;
        }
        ctx.word = flag || csv;
        if flag && (key == b"u" || key == b"user") {
            // `curl -u user:PASSWORD`: the part after the colon.
            let vs = skip_blanks(b, after);
            let ve = unquoted_end(b, vs, CredentialClass::Secret, ctx);
            if let Some(c) = memchr::memchr(b':', &b[vs..ve]) {
                push_value(b, vs + c + 1, ve, CredentialClass::Password, out);
            }
            i = ve.max(i);
            continue;
        }
        if flag && (key == b"p" || key == b"pass" || key == b"a") {
            if let Some(end) = value(b, after, CredentialClass::Password, ctx, out) {
                i = end.max(i);
            }
            continue;
        }
        // `name: client_secret ... value: X`, `{"name": "password", "value": "X"}`,
        // `key="ClientSecret" value="X"`: the name says what the next `value` holds.
        if is_naming_key(key)
            && let Some((class, end)) = named_value(b, after)
        {
            value_before_name(b, ks, class, out);
            pending = Some((class, end));
            i = end.max(i);
            continue;
        }
        let class = match class_of(key).or_else(|| query_password(b, ks, key)) {
            // `<ClientCredential><Value>X</Value>`: an element named like a credential
            // that holds elements; its `Value` child holds the credential.
            Some(class)
                if ks > 0
                    && b[ks - 1] == b'<'
                    && after == ke + 1
                    && b.get(ke) == Some(&b'>')
                    && b.get(skip_blanks(b, after)) == Some(&b'<') =>
            {
                pending = Some((class, after));
                i = after.max(i);
                continue;
            }
            Some(class) => class,
            None => match pending.take() {
                Some((class, end)) if key.eq_ignore_ascii_case(b"value") && ks - end < 256 => class,
                _ => continue,
            },
        };
        let mut end = if cell {
            cell_value(b, after, class, out)
        } else {
            value(b, after, class, ctx, out)
        };
        // `~ password = "old" -> "new"` (a Terraform plan): the new value too.
        if let Some(e) = end
            && !cell
        {
            // The value's closing quote, if it had one, then the arrow.
            let k = e
                + (e < b.len())
                    .then(|| quote_at(b, e))
                    .flatten()
                    .map_or(0, <[u8]>::len);
            let j = skip_blanks(b, k);
            if j > k && b[j..].starts_with(b"-> ") {
                end = value(b, j + 2, class, ctx, out).or(end);
            }
        }
        if let Some(end) = end {
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
pub(super) fn looks_like_value(rest: &[u8]) -> bool {
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

/// `?u=svc&p=X`: a one-letter `p` in a query that also carries a user (`u`, `user`,
/// `username`, `login`) is its password; alone (`?p=2`) it is a page.
fn query_password(b: &[u8], ks: usize, key: &[u8]) -> Option<CredentialClass> {
    if !key.eq_ignore_ascii_case(b"p") || ks == 0 || !matches!(b[ks - 1], b'?' | b'&') {
        return None;
    }
    let stop = |c: &u8| c.is_ascii_whitespace() || matches!(c, b'"' | b'\'' | b'<' | b'>');
    let from = b[..ks].iter().rposition(stop).map_or(0, |p| p + 1);
    let to = b[ks..].iter().position(stop).map_or(b.len(), |p| ks + p);
    let query = &b[from..to];
    let q = memchr::memchr(b'?', query)?;
    query[q + 1..]
        .split(|c| *c == b'&')
        .filter_map(|pair| pair.split(|c| *c == b'=').next())
        .any(|name| {
            [&b"u"[..], b"user", b"username", b"login"]
                .iter()
                .any(|u| name.eq_ignore_ascii_case(u))
        })
        .then_some(CredentialClass::Password)
}

/// Keys whose value names another field: `name`, `key`, `field`, `param`, `header`.
pub(super) fn is_naming_key(key: &[u8]) -> bool {
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
pub(super) fn named_value(b: &[u8], at: usize) -> Option<(CredentialClass, usize)> {
    let mut i = skip_blanks(b, at);
    let quote = quote_at(b, i.min(b.len().saturating_sub(1))).filter(|_| i < b.len());
    if let Some(q) = quote {
        i += q.len();
    }
    let mut s = i;
    while i < b.len() && is_key_byte(b[i]) {
        i += 1;
    }
    // A quoted name in a namespace (`key="ida:ClientSecret"`, .NET's appSettings;
    // `AzureAd:ClientSecret`, ASP.NET Core's configuration): its last part names it.
    while quote.is_some()
        && b.get(i) == Some(&b':')
        && b.get(i + 1).is_some_and(|c| is_key_byte(*c))
    {
        i += 1;
        s = i;
        while i < b.len() && is_key_byte(b[i]) {
            i += 1;
        }
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
pub(super) fn other_separator(b: &[u8], run_start: usize, ks: usize, ke: usize) -> Option<usize> {
    let next = b.get(ke).copied();
    // Flags: the run began with one or two dashes.
    if ks > run_start && b[run_start] == b'-' {
        let name = &b[ks..ke];
        let flag_class = class_of(name).is_some()
            || [&b"u"[..], b"p", b"user", b"pass", b"token"].contains(&name)
            || (name == b"a" && line_mentions(b, run_start, &[b"redis-cli"]));
        if matches!(next, Some(b' ' | b'\t' | b'=')) {
            return flag_class.then_some(ke + 1);
        }
        // An argument vector: `["--client-secret", "X"]`, `'--password' 'X'`.
        if let Some(q) = next
            .as_ref()
            .filter(|q| matches!(q, b'"' | b'\'') && run_start > 0 && b[run_start - 1] == **q)
        {
            let mut j = skip_blanks(b, ke + 1);
            if b.get(j) == Some(&b',') {
                j = skip_blanks(b, j + 1);
            }
            if flag_class
                && j > ke + 1
                && b.get(j).is_some_and(|c| !matches!(c, b'\n' | b'\r'))
                && quote_at(b, j).is_some_and(|v| v.ends_with(&[*q]))
            {
                return Some(j);
            }
        }
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
    // A table row: the name in a cell of its own, then a tab, a run of spaces or a
    // column bar, then the value (Django's debug page copied as `sessionid<TAB>'...'`,
    // `csrftoken    '...'`, a `| HTTP_COOKIE | '...' |` table, a TSV export).
    // See: issue 17 (shapes).
    if cell_start(b, ks) {
        let gap = skip_blanks(b, ke);
        let tabbed = b[ke..gap].contains(&b'\t') || gap >= ke + 2;
        if tabbed && gap < b.len() && !matches!(b[gap], b'\n' | b'\r') {
            return Some(gap);
        }
        if let Some(bar) = ["|", "\u{2502}", "\u{2503}"]
            .iter()
            .find(|bar| b[gap..].starts_with(bar.as_bytes()))
        {
            return Some(skip_blanks(b, gap + bar.len()));
        }
    }
    // A padded column anywhere in a line, its value quoted (`client_secret   'X'`): a
    // table whose tags were dropped for display (a debug page's local variables).
    let gap = skip_blanks(b, ke);
    if gap >= ke + 2 && gap < b.len() && quote_at(b, gap).is_some() && class_of(name).is_some() {
        return Some(gap);
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

/// True when a key starting at `ks` is first in its table cell: at the start of its line
/// (after blanks), or after a tab or a column bar.
fn cell_start(b: &[u8], ks: usize) -> bool {
    let mut i = ks;
    while i > 0 && b[i - 1] == b' ' {
        i -= 1;
    }
    if i == 0 || matches!(b[i - 1], b'\n' | b'\r' | b'\t' | b'|') {
        return true;
    }
    // A box-drawing bar (`│`, `┃`) ends with one of these bytes.
    i >= 3 && b[i - 3] == 0xe2 && b[i - 2] == 0x94 && matches!(b[i - 1], 0x82 | 0x83)
}

/// Masks the value that starts at (or after blanks from) `at` for a key of `class`; the end
/// of what was read.
pub(super) fn value(
    b: &[u8],
    at: usize,
    class: CredentialClass,
    ctx: Ctx,
    out: &mut Vec<Span>,
) -> Option<usize> {
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
    // A YAML block scalar (`client_secret: >-`): the value is on the lines below.
    if let Some(end) = block_scalar(b, i, class, out) {
        return Some(end);
    }
    // The same with its lines joined by a space (a wrapped record): the value follows.
    if let Some(next) = joined_block_scalar(b, i) {
        i = next;
    }
    // A list, tuple or object after a credential key: all of it
    // (`auth=('id', 'X')`, `"client_secret": ["X"]`, `{"secret": {"value": "X"}}`).
    if matches!(b[i], b'[' | b'(' | b'{') {
        let mut end = group_end(b, i);
        // Arguments of a call stay on their line; an object or list may run over lines.
        if b[i] == b'(' {
            end = end.min(memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |p| i + p));
        }
        let mut inner_end = end.saturating_sub(1).max(i + 1);
        // More after the group is the same value (`client_secret=(abc)def`).
        if continues_value(b, end, ctx) {
            let word = Ctx { word: true, ..ctx };
            inner_end = unquoted_end(b, end, class, word);
            end = inner_end;
        }
        push_value(b, i + 1, inner_end, class, out);
        return Some(end);
    }
    // A placeholder this program wrote, then the value's end: text masked already.
    if let Some(n) = placeholder_len(&b[i..])
        && b.get(i + n)
            .is_none_or(|c| c.is_ascii_whitespace() || b"&,;)]}\"'".contains(c))
    {
        return Some(i + n);
    }
    let quote = if ctx.csv && b[i] == b'"' {
        Some(&b[i..=i])
    } else {
        quote_at(b, i)
    };
    let (start, end, closed_by) = match quote {
        Some(q) => {
            let s = i + q.len();
            let e = closing(b, s, q);
            // A quote inside an unquoted value (`'ab'cd`): the value runs on.
            if e < b.len() && continues_value(b, e + q.len(), ctx) {
                let word = Ctx { word: true, ..ctx };
                let e = unquoted_end(b, e + q.len(), class, word);
                (i, e, None)
            } else {
                (s, e, Some(q))
            }
        }
        None => (i, unquoted_end(b, i, class, ctx), None),
    };
    if class == CredentialClass::CookieHeader {
        return Some(cookie_pairs(b, start, end, out));
    }
    let (mut vs, ve) = (start, end);
    if class == CredentialClass::Authorization {
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
pub(super) fn group_end(b: &[u8], i: usize) -> usize {
    // The closing brackets awaited, innermost last: a bracket of another kind closes
    // nothing (`{""]x}` is one group).
    let mut open: Vec<u8> = Vec::new();
    let mut quote: Option<u8> = None;
    let mut j = i;
    while j < b.len() {
        let c = b[j];
        match quote {
            Some(q) if c == q && b[j - 1] != b'\\' => quote = None,
            Some(_) => {}
            None => match c {
                b'"' | b'\'' => quote = Some(c),
                b'[' => open.push(b']'),
                b'(' => open.push(b')'),
                b'{' => open.push(b'}'),
                b']' | b')' | b'}' if open.last() == Some(&c) => {
                    open.pop();
                    if open.is_empty() {
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

pub(super) fn push_value(
    b: &[u8],
    start: usize,
    end: usize,
    class: CredentialClass,
    out: &mut Vec<Span>,
) -> bool {
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

/// Masks the value of every `name=value` pair of a Cookie header between `s` and `e`.
pub(super) fn cookie_pairs(b: &[u8], s: usize, e: usize, out: &mut Vec<Span>) -> usize {
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
pub(super) fn harmless(v: &[u8], class: CredentialClass) -> bool {
    let mut v = v.trim_ascii();
    // What may follow a value where its field's end was not seen (a JSON string cut by a
    // decoded line break: `code=7000222"}`) is not part of what makes it harmless.
    while let [
        rest @ ..,
        b':' | b'.' | b',' | b';' | b'"' | b'\'' | b')' | b']' | b'}',
    ] = v
        && !rest.is_empty()
    {
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
    let call = v.ends_with(b"(")
        && v[..v.len() - 1]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.'));
    if v.starts_with(b"self.") || v.starts_with(b"cls.") || call {
        return true;
    }
    let digits = v.iter().all(u8::is_ascii_digit);
    let word = v
        .iter()
        .all(|c| c.is_ascii_lowercase() || *c == b'_' || *c == b'-');
    match class {
        // `cannot fetch token: 400`, `Incorrect id_token: iat`: a status or a claim's name.
        CredentialClass::Token if (digits && v.len() <= 4) || (word && v.len() <= 10) => true,
        CredentialClass::Password
        | CredentialClass::Secret
        | CredentialClass::Token
        | CredentialClass::Authorization
        | CredentialClass::Cookie => {
            // An expression that reads the value elsewhere is not the value.
            v.starts_with(b"os.environ") || v.starts_with(b"os.getenv") || v.starts_with(b"$")
        }
        CredentialClass::CookieHeader => false,
        CredentialClass::Code => {
            (digits && v.len() <= 9)
                || (v.len() > 6
                    && v[..6].eq_ignore_ascii_case(b"AADSTS")
                    && v[6..].iter().all(u8::is_ascii_digit))
                || (word && v.len() <= 48)
                || v.iter().all(|c| c.is_ascii_uppercase() || *c == b'_')
                || is_error_identifier(v)
        }
        CredentialClass::State | CredentialClass::Session => {
            (digits && v.len() <= 6) || (word && v.len() <= 16)
        }
        CredentialClass::Key => (digits && v.len() <= 6) || is_guid(v),
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
