//! Where a credential's value ends, and values that stand apart from their key: the
//! context of a key on its line (the field separator before it, open quotes and
//! brackets), unquoted values run to the end of their field, HTML cells, CSV rows, values
//! glued to `-p`, and `value=` before `name=` in a tag.

use super::Span;
use super::keys::{closing, is_placeholder, push_value, quote_at, skip_blanks, value};
use super::words::{CredentialClass, is_key_byte};

/// Where a value stands, for where an unquoted one ends (see [`unquoted_end`]).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Ctx {
    /// The byte that set the key apart from what came before it, which ends the value too:
    /// `&` in a query (`?a=1&code=X&state=Y`), `;` in a connection string, `,` in a list,
    /// the closing bracket of `(token=X)`; or the `,` between the cells of a CSV row.
    pub(super) end_at: Option<u8>,
    /// The key stands in a double-quoted string opened before it on its line
    /// (`"msg": "password=X"`): the string's closing quote ends the value.
    pub(super) in_dq: bool,
    /// The same in a single-quoted string.
    pub(super) in_sq: bool,
    /// `(`, `[`, `{` opened before the key on its line and not closed: a closing bracket
    /// of that kind at the end of the value closes them (`f(a=1, token=X)`).
    pub(super) open: [bool; 3],
    /// The value is one argument (a flag's, a cell's): it ends at a blank, password or not.
    pub(super) word: bool,
    /// A CSV cell: `""` in a quoted value is one quote, `"""` no Python string.
    pub(super) csv: bool,
}

/// What a line holds from its start to `pos`: which quotes and brackets are open. Moved on
/// as keys are found further on, so the text is read once whatever the number of keys.
#[derive(Default)]
pub(super) struct LineState {
    pos: usize,
    dq: bool,
    sq: bool,
    depth: [u32; 3],
}

impl LineState {
    fn advance(&mut self, b: &[u8], to: usize) {
        if to < self.pos {
            // Never in key order; read the line again from its start.
            let from = memchr::memrchr(b'\n', &b[..to]).map_or(0, |p| p + 1);
            *self = LineState {
                pos: from,
                ..LineState::default()
            };
        }
        while self.pos < to {
            let c = b[self.pos];
            let at = self.pos;
            self.pos += 1;
            match c {
                b'\n' => {
                    *self = LineState {
                        pos: self.pos,
                        ..LineState::default()
                    }
                }
                b'"' if at == 0 || b[at - 1] != b'\\' => self.dq = !self.dq,
                // An apostrophe between letters (`can't`) opens no string.
                b'\''
                    if !(at > 0
                        && b[at - 1].is_ascii_alphanumeric()
                        && b.get(at + 1).is_some_and(u8::is_ascii_alphanumeric)) =>
                {
                    self.sq = !self.sq
                }
                b'(' => self.depth[0] += 1,
                b'[' => self.depth[1] += 1,
                b'{' => self.depth[2] += 1,
                b')' => self.depth[0] = self.depth[0].saturating_sub(1),
                b']' => self.depth[1] = self.depth[1].saturating_sub(1),
                b'}' => self.depth[2] = self.depth[2].saturating_sub(1),
                _ => {}
            }
        }
    }

    /// The context of a key whose run of key bytes starts at `run_start`.
    pub(super) fn ctx(&mut self, b: &[u8], run_start: usize) -> Ctx {
        self.advance(b, run_start);
        let before = run_start.checked_sub(1).map(|p| b[p]);
        let end_at = match before {
            Some(b'&' | b'?' | b'#') => Some(b'&'),
            // `&amp;code=X` in an HTML page's link.
            Some(b';') if b[..run_start].ends_with(b"&amp;") => Some(b'&'),
            Some(b';') => Some(b';'),
            Some(b',') => Some(b','),
            Some(b'(') => Some(b')'),
            Some(b'[') => Some(b']'),
            Some(b'{') => Some(b'}'),
            _ => None,
        };
        Ctx {
            end_at,
            in_dq: self.dq,
            in_sq: self.sq,
            open: self.depth.map(|d| d > 0),
            word: false,
            csv: false,
        }
    }
}

/// True when the line of `b` before `at` (at most 256 bytes of it) holds one of `words`.
pub(super) fn line_mentions(b: &[u8], at: usize, words: &[&[u8]]) -> bool {
    let from = at.saturating_sub(256);
    let from = memchr::memrchr(b'\n', &b[from..at]).map_or(from, |p| from + p + 1);
    let seg = &b[from..at];
    words.iter().any(|w| memchr::memmem::find(seg, w).is_some())
}

/// `mysql -pPASSWORD`, `-p'PASSWORD'`, `sshpass -pPASSWORD`: a password glued to its flag.
/// `-p` followed by a lower-case word (`-print`, `-pthread`) is a flag of its own, unless
/// the line runs a client that takes a password so. Returns where the value ends.
pub(super) fn glued_password(b: &[u8], start: usize, out: &mut Vec<Span>) -> Option<usize> {
    if !(b[start] == b'-'
        && b.get(start + 1) == Some(&b'p')
        && (start == 0 || matches!(b[start - 1], b' ' | b'\t' | b'"' | b'\'' | b'=' | b',')))
    {
        return None;
    }
    let mut vs = start + 2;
    if b.get(vs) == Some(&b'=') {
        vs += 1;
    }
    if vs >= b.len() || b[vs].is_ascii_whitespace() {
        return None;
    }
    let (s, e, end) = match quote_at(b, vs) {
        Some(q) => {
            let e = closing(b, vs + q.len(), q);
            (vs + q.len(), e, (e + q.len()).min(b.len()))
        }
        None => {
            let e = vs
                + b[vs..]
                    .iter()
                    .position(|c| c.is_ascii_whitespace() || matches!(c, b'"' | b'\''))
                    .unwrap_or(b.len() - vs);
            (vs, e, e)
        }
    };
    let v = &b[s..e];
    let client = line_mentions(
        b,
        start,
        &[
            b"mysql",
            b"mariadb",
            b"sshpass",
            b"mysqldump",
            b"mysqladmin",
        ],
    );
    let flag_word =
        v.iter().all(u8::is_ascii_lowercase) || v.iter().all(|c| c.is_ascii_digit() || *c == b':');
    if !client && (flag_word || start + 2 == vs && quote_at(b, vs).is_none() && v.len() < 2) {
        return None;
    }
    push_value(b, s, e, CredentialClass::Password, out);
    Some(end)
}

/// After a key that is all its HTML element holds (`<td>client_secret</td>`): where the
/// next element's text starts (`<td class="code"><pre>`), the tags between written plain
/// or escaped by JSON (`<\/td>\n<td class=\"code\">`). `None` when no element follows in
/// the same row.
pub(super) fn html_cell(b: &[u8], ks: usize, ke: usize) -> Option<usize> {
    let mut s = ks;
    while s > 0 && matches!(b[s - 1], b' ' | b'\t') {
        s -= 1;
    }
    if s == 0 || b[s - 1] != b'>' || b.get(ke) != Some(&b'<') {
        return None;
    }
    let (mut closed, mut opened) = (false, false);
    let mut j = ke;
    loop {
        // Blanks, line breaks and their JSON escapes.
        loop {
            if j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            } else if j + 1 < b.len() && b[j] == b'\\' && matches!(b[j + 1], b'n' | b'r' | b't') {
                j += 2;
            } else {
                break;
            }
        }
        if j >= b.len() || b[j] != b'<' || j - ke > 512 {
            break;
        }
        let mut n = j + 1;
        let close = if b.get(n) == Some(&b'/') {
            n += 1;
            true
        } else if b[n..].starts_with(b"\\/") {
            n += 2;
            true
        } else {
            false
        };
        let name_len = b[n..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if name_len == 0 {
            return None;
        }
        let name = &b[n..n + name_len];
        if [&b"tr"[..], b"table", b"tbody", b"thead", b"br", b"hr"]
            .iter()
            .any(|t| name.eq_ignore_ascii_case(t))
        {
            return None;
        }
        let gt = memchr::memchr2(b'>', b'\n', &b[j..b.len().min(j + 256)])?;
        if b[j + gt] != b'>' {
            return None;
        }
        if close {
            // A closing tag after an opening one: the next element is empty.
            if opened {
                return None;
            }
            closed = true;
        } else {
            if !closed {
                return None;
            }
            opened = true;
        }
        j += gt + 1;
    }
    (closed && opened).then_some(j)
}

/// `client_secret,X` (a CSV row), `"client_secret","X"`: where the value starts.
pub(super) fn csv_cell(b: &[u8], ks: usize, ke: usize) -> Option<usize> {
    let quoted = ks > 0 && matches!(b[ks - 1], b'"' | b'\'') && b.get(ke) == Some(&b[ks - 1]);
    let (cell, j) = if quoted { (ks - 1, ke + 1) } else { (ks, ke) };
    let first = cell == 0 || matches!(b[cell - 1], b'\n' | b'\r' | b' ' | b'\t' | b',' | b';');
    (first && b.get(j) == Some(&b',') && b.get(j + 1).is_some_and(|c| !c.is_ascii_whitespace()))
        .then_some(j + 1)
}

/// `<param value="X" name="client_secret"/>`: the value attribute before the naming one in
/// the same tag.
pub(super) fn value_before_name(b: &[u8], ks: usize, class: CredentialClass, out: &mut Vec<Span>) {
    let from = ks.saturating_sub(256);
    let Some(lt) = memchr::memrchr(b'<', &b[from..ks]).map(|p| from + p) else {
        return;
    };
    if b[lt..ks].contains(&b'>') {
        return;
    }
    let tag = &b[lt..ks];
    let mut k = 0;
    while let Some(p) = memchr::memchr(b'=', &tag[k..]).map(|p| k + p) {
        let mut ne = p;
        while ne > 0 && matches!(tag[ne - 1], b' ' | b'\t') {
            ne -= 1;
        }
        if ne >= 6
            && tag[ne - 5..ne].eq_ignore_ascii_case(b"value")
            && matches!(tag[ne - 6], b' ' | b'\t' | b'\n')
        {
            let ctx = Ctx {
                word: true,
                ..Ctx::default()
            };
            value(b, lt + p + 1, class, ctx, out);
        }
        k = p + 1;
    }
}

/// How an unquoted value in a cell ends: at the next tag.
pub(super) fn cell_value(
    b: &[u8],
    at: usize,
    class: CredentialClass,
    out: &mut Vec<Span>,
) -> Option<usize> {
    let vs = skip_blanks(b, at);
    let ve = vs
        + b[vs..]
            .iter()
            .position(|c| matches!(c, b'<' | b'\n' | b'\r'))
            .unwrap_or(b.len() - vs);
    // A quoted value that fills its cell (`&#x27;X&#x27;`): its quotes stay.
    if let Some(q) = quote_at(b, vs.min(b.len().saturating_sub(1))).filter(|_| vs < b.len()) {
        let e = closing(b, vs + q.len(), q);
        if e < ve
            && b[(e + q.len()).min(ve)..ve]
                .iter()
                .all(u8::is_ascii_whitespace)
        {
            return value(b, vs, class, Ctx::default(), out);
        }
    }
    push_value(b, vs, ve, class, out);
    Some(ve)
}

/// True when the byte at `at`, right after a quoted value or a bracketed group, goes on
/// with the same value (`'ab'cd`, `(ab)cd`) rather than ending its field: it is not a
/// blank, a field separator, a quote, a tag or a bracket closing what the line opened.
pub(super) fn continues_value(b: &[u8], at: usize, ctx: Ctx) -> bool {
    let Some(&c) = b.get(at) else {
        return false;
    };
    if c.is_ascii_whitespace() || b"\\>".contains(&c) || (c == b'<' && tag_at(b, at)) {
        return false;
    }
    // A field separator, unless more of a word follows it (`'ab',cd`; not `'a', 'b'` nor
    // `"a","b"`).
    if matches!(c, b',' | b';' | b':') {
        return ctx.end_at != Some(c)
            && b.get(at + 1)
                .is_some_and(|n| !n.is_ascii_whitespace() && !matches!(n, b'"' | b'\'' | b'\\'));
    }
    if c == b'&' {
        return ctx.end_at != Some(b'&') && !oauth_param_at(b, at + 1) && !entity_quote_at(b, at);
    }
    if c == b'/' && b.get(at + 1) == Some(&b'>') {
        return false;
    }
    if matches!(c, b')' | b']' | b'}') {
        let k = match c {
            b')' => 0,
            b']' => 1,
            _ => 2,
        };
        return !(ctx.end_at == Some(c) || (ctx.open[k] && closes_word(b, at)));
    }
    true
}

/// Where an unquoted value starting at `s` ends, for a key whose context is `ctx`.
///
/// A credential's value runs to the end of its word, whatever punctuation it holds
/// (`SECRET_KEY=abc)def&ghi`, `password=ab;cd`): a blank or a line break ends it, and so
/// does what ends the field it stands in, as the key's context tells:
/// - the byte before the key, which sets fields apart (`&` in a query — a `&` in a
///   query's value is written `%26`; `;` in a connection string; `,` in a list; the
///   closing bracket of `(token=X)`), and the `,` of a CSV row;
/// - the closing quote of a string the key stands in (`"msg": "password=X"`), or a `\"`;
/// - a tag (`</td>`, `<br>`) or an HTML-escaped quote (`&quot;`);
/// - a closing bracket at the end of the word when the line opened one before the key
///   (`f(a=1, token=X)`);
/// - a `,` or `;` at the end of the word (sentence punctuation), or before a blank and the
///   next `key=` (`password=X, user=admin`).
///
/// Passwords may hold spaces: theirs runs over blanks to the next `key=` or the end of the
/// line, unless the value is one argument (`ctx.word`: a flag's, a CSV cell's).
///
/// So a value is cut short only where its own context says its field ends: a secret whose
/// characters include its field's separator (`?password=a&b`) was written wrongly by
/// whatever wrote it, and is masked up to that separator.
pub(super) fn unquoted_end(b: &[u8], s: usize, class: CredentialClass, ctx: Ctx) -> usize {
    let next_is_key = |from: usize| {
        let w = skip_blanks(b, from);
        let mut k = w;
        while k < b.len() && is_key_byte(b[k]) {
            k += 1;
        }
        k > w && k < b.len() && matches!(b[k], b'=' | b':')
    };
    let ends_word = |at: usize| b.get(at).is_none_or(u8::is_ascii_whitespace);
    let mut i = s;
    while i < b.len() {
        let c = b[i];
        let stop = match c {
            b'\n' | b'\r' => true,
            b' ' | b'\t' => class != CredentialClass::Password || ctx.word || next_is_key(i + 1),
            // The value's first byte is the value's (`password=)x`, `code=<code#1>x`).
            _ if i == s => false,
            b'"' => ctx.in_dq,
            b'\'' => ctx.in_sq,
            b'\\' => b.get(i + 1) == Some(&b'"'),
            b'<' => tag_at(b, i),
            b'&' => ctx.end_at == Some(b'&') || entity_quote_at(b, i) || oauth_param_at(b, i + 1),
            b',' | b';' => {
                ctx.end_at == Some(c)
                    || ends_word(i + 1)
                    || (matches!(b.get(i + 1), Some(b' ' | b'\t')) && next_is_key(i + 1))
            }
            b')' | b']' | b'}' => {
                let k = match c {
                    b')' => 0,
                    b']' => 1,
                    _ => 2,
                };
                ctx.end_at == Some(c) || (ctx.open[k] && closes_word(b, i))
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

/// Parameters of OAuth and OpenID Connect requests and responses: after `&` one of them
/// starts a new parameter even where the key before gave no query context (a form body
/// logged on its own: `code=X&state=Y&session_state=Z`). Words of four letters or more,
/// which a random value does not hold by chance.
const OAUTH_PARAMS: &[&[u8]] = &[
    b"state",
    b"session_state",
    b"code",
    b"client_id",
    b"client_secret",
    b"client_assertion",
    b"client_assertion_type",
    b"client_info",
    b"redirect_uri",
    b"grant_type",
    b"scope",
    b"response_type",
    b"response_mode",
    b"nonce",
    b"code_verifier",
    b"code_challenge",
    b"code_challenge_method",
    b"id_token",
    b"access_token",
    b"refresh_token",
    b"token_type",
    b"expires_in",
    b"error",
    b"error_description",
    b"error_uri",
    b"prompt",
    b"login_hint",
    b"domain_hint",
    b"next",
    b"username",
    b"password",
    b"assertion",
    b"SAMLResponse",
    b"RelayState",
];

/// True when `b[at..]` starts with a parameter of [`OAUTH_PARAMS`] and `=`.
pub(super) fn oauth_param_at(b: &[u8], at: usize) -> bool {
    let rest = b.get(at..).unwrap_or_default();
    OAUTH_PARAMS.iter().any(|p| {
        rest.len() > p.len() && rest[..p.len()].eq_ignore_ascii_case(p) && rest[p.len()] == b'='
    })
}

/// True when the closing brackets from `at` end the word: what follows them is a blank,
/// the end, a quote or punctuation.
pub(super) fn closes_word(b: &[u8], at: usize) -> bool {
    let mut j = at;
    while j < b.len() && matches!(b[j], b')' | b']' | b'}') {
        j += 1;
    }
    b.get(j)
        .is_none_or(|c| c.is_ascii_whitespace() || b",;.:\"'".contains(c))
}

/// A tag at `i`: `</x`, `<\/x`, `<!`, or `<name` then `>`, `/` or a blank.
pub(super) fn tag_at(b: &[u8], i: usize) -> bool {
    let rest = &b[i + 1..];
    if rest.starts_with(b"!") {
        return true;
    }
    // A closing tag: `</td>`, `<\/td>`.
    let close = if rest.starts_with(b"/") {
        1
    } else if rest.starts_with(b"\\/") {
        2
    } else {
        0
    };
    if close > 0 {
        let n = rest[close..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b':' | b'-'))
            .count();
        return n > 0 && rest.get(close + n) == Some(&b'>');
    }
    let n = rest
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b':' | b'-'))
        .count();
    if n == 0 || !rest[0].is_ascii_alphabetic() {
        return false;
    }
    match rest.get(n) {
        Some(b'>') => true,
        Some(b'/') => rest.get(n + 1) == Some(&b'>'),
        // `<td class="x">`: attributes, then the tag's end on the same line.
        Some(b' ' | b'\t') => rest[n..rest.len().min(n + 200)]
            .iter()
            .take_while(|c| !matches!(c, b'<' | b'\n' | b'\r'))
            .any(|c| *c == b'>'),
        _ => false,
    }
}

/// A quote or angle bracket written as an HTML entity at `i`.
pub(super) fn entity_quote_at(b: &[u8], i: usize) -> bool {
    [
        &b"&quot;"[..],
        b"&#34;",
        b"&#39;",
        b"&#x27;",
        b"&#X27;",
        b"&#x22;",
        b"&apos;",
        b"&lt;",
        b"&gt;",
    ]
    .iter()
    .any(|e| b[i..].starts_with(e))
}

/// The length of a placeholder (`<code#3>`) at the start of `v`.
pub(super) fn placeholder_len(v: &[u8]) -> Option<usize> {
    if v.first() != Some(&b'<') {
        return None;
    }
    let close = memchr::memchr(b'>', &v[..v.len().min(40)])?;
    is_placeholder(&v[..=close]).then_some(close + 1)
}
