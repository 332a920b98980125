//! A nom parser for the subset of Python that NetBox configuration overrides use: top-level
//! `NAME = value` with strings (single, double, triple quotes, `r`/`u`/`b` prefixes, implicit
//! and `+` concatenation), numbers, `True`/`False`/`None`, lists, tuples and dicts, comments
//! and line continuations. Nothing is executed. A statement outside the subset (an import, a
//! function call, an f-string, `os.environ.get(...)`, a block) is skipped whole and recorded
//! with its line and why, so the run goes on.

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_while, take_while1},
    character::complete::{char, digit1, one_of},
    combinator::{not, opt, peek, recognize},
    error::{Error, ErrorKind},
};

/// Containers nested deeper than this are not read (a hostile `[[[[...` must not overflow
/// the stack).
pub const MAX_DEPTH: u32 = 48;

/// A value the subset can express.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string (escapes decoded unless raw; adjacent literals joined).
    Str(String),
    /// A number, as written.
    Num(String),
    /// `True` or `False`.
    Bool(bool),
    /// `None`.
    None,
    /// `[...]`.
    List(Vec<Value>),
    /// `(...)` with a comma, or a bare `a, b` on the right of `=`.
    Tuple(Vec<Value>),
    /// `{key: value, ...}`.
    Dict(Vec<(Value, Value)>),
}

impl Value {
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The items of a list or tuple, or the value itself.
    pub fn items(&self) -> Vec<&Value> {
        match self {
            Value::List(v) | Value::Tuple(v) => v.iter().collect(),
            other => vec![other],
        }
    }

    /// Every string inside, depth first (dict keys and values included).
    pub fn strings(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_strings(&mut out);
        out
    }

    fn collect_strings<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Value::Str(s) => out.push(s),
            Value::List(v) | Value::Tuple(v) => v.iter().for_each(|x| x.collect_strings(out)),
            Value::Dict(kv) => kv.iter().for_each(|(k, v)| {
                k.collect_strings(out);
                v.collect_strings(out);
            }),
            _ => {}
        }
    }
}

/// One `NAME = value` read.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// The setting name.
    pub name: String,
    /// 1-based line of the name.
    pub line: usize,
    /// The value.
    pub value: Value,
}

/// A statement outside the subset: skipped, never run.
#[derive(Debug, Clone, PartialEq)]
pub struct Unread {
    /// 1-based first line.
    pub line: usize,
    /// Lines the statement spans.
    pub lines: usize,
    /// The name it assigns, when it is an assignment whose value could not be read.
    pub name: Option<String>,
    /// Why it was not read (`function call`, `import`, ...).
    pub reason: &'static str,
    /// The statement with every string literal's content replaced by `…`, whitespace
    /// collapsed and cut to a short length: its shape, never its values.
    pub shape: String,
}

/// A configuration file as read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// Assignments in file order.
    pub assignments: Vec<Assignment>,
    /// Statements skipped, in file order.
    pub unread: Vec<Unread>,
    /// Lines in the file.
    pub lines: usize,
}

type Res<'a, T> = IResult<&'a str, T>;

fn fail<T>(i: &str, kind: ErrorKind) -> Res<'_, T> {
    Err(nom::Err::Error(Error::new(i, kind)))
}

/// Spaces, tabs, form feeds, `\r` and backslash-newline continuations: the whitespace allowed
/// between tokens of one logical line outside brackets.
fn hspace(i: &str) -> Res<'_, &str> {
    recognize(nom::multi::many0_count(alt((
        take_while1(|c| matches!(c, ' ' | '\t' | '\x0c' | '\r')),
        tag("\\\n"),
        tag("\\\r\n"),
    ))))
    .parse(i)
}

fn comment(i: &str) -> Res<'_, &str> {
    recognize((char('#'), take_while(|c| c != '\n'))).parse(i)
}

/// Whitespace inside brackets: newlines and comments too.
fn bspace(i: &str) -> Res<'_, &str> {
    recognize(nom::multi::many0_count(alt((
        take_while1(|c: char| c.is_whitespace()),
        tag("\\\n"),
        comment,
    ))))
    .parse(i)
}

fn identifier(i: &str) -> Res<'_, &str> {
    recognize((
        take_while1(|c: char| c.is_ascii_alphabetic() || c == '_'),
        take_while(|c: char| c.is_ascii_alphanumeric() || c == '_'),
    ))
    .parse(i)
}

/// A string literal: prefix, quotes, body. f-strings are refused (they hold expressions).
fn string_literal(i: &str) -> Res<'_, String> {
    let (i, prefix) =
        take_while(|c: char| matches!(c, 'r' | 'R' | 'u' | 'U' | 'b' | 'B')).parse(i)?;
    if prefix.len() > 2 {
        return fail(i, ErrorKind::Tag);
    }
    let raw = prefix.contains(['r', 'R']);
    let (i, quote) = alt((tag("'''"), tag("\"\"\""), tag("'"), tag("\""))).parse(i)?;
    let triple = quote.len() == 3;
    let q = quote.as_bytes()[0];
    let bytes = i.as_bytes();
    let mut k = 0;
    let mut out = String::new();
    let mut run_start = 0;
    while k < bytes.len() {
        let b = bytes[k];
        if b == b'\\' {
            out.push_str(&i[run_start..k]);
            let Some(next) = i[k + 1..].chars().next() else {
                return fail(i, ErrorKind::Escaped);
            };
            let (text, used) = if raw {
                (format!("\\{next}"), next.len_utf8())
            } else {
                escape(&i[k + 1..])
            };
            out.push_str(&text);
            k += 1 + used;
            run_start = k;
            continue;
        }
        if b == b'\n' && !triple {
            return fail(i, ErrorKind::Char);
        }
        if b == q && (!triple || i[k..].starts_with(quote)) {
            out.push_str(&i[run_start..k]);
            return Ok((&i[k + quote.len()..], out));
        }
        k += 1;
    }
    fail(i, ErrorKind::Eof)
}

/// Decodes one escape after its backslash: (text, bytes used). Unknown escapes keep the
/// backslash, as Python does.
fn escape(s: &str) -> (String, usize) {
    let mut chars = s.chars();
    let Some(c) = chars.next() else {
        return ("\\".into(), 0);
    };
    let simple = match c {
        '\n' => Some(""),
        '\\' => Some("\\"),
        '\'' => Some("'"),
        '"' => Some("\""),
        'n' => Some("\n"),
        't' => Some("\t"),
        'r' => Some("\r"),
        'a' => Some("\x07"),
        'b' => Some("\x08"),
        'f' => Some("\x0c"),
        'v' => Some("\x0b"),
        _ => None,
    };
    if let Some(t) = simple {
        return (t.to_string(), c.len_utf8());
    }
    if c == '\r' && s[1..].starts_with('\n') {
        return (String::new(), 2);
    }
    let hex = |n: usize| -> Option<(String, usize)> {
        let digits = s.get(1..1 + n)?;
        let code = u32::from_str_radix(digits, 16).ok()?;
        Some((char::from_u32(code)?.to_string(), 1 + n))
    };
    let decoded = match c {
        'x' => hex(2),
        'u' => hex(4),
        'U' => hex(8),
        '0'..='7' => {
            let n = s
                .bytes()
                .take(3)
                .take_while(|b| (b'0'..=b'7').contains(b))
                .count();
            u32::from_str_radix(&s[..n], 8)
                .ok()
                .and_then(char::from_u32)
                .map(|ch| (ch.to_string(), n))
        }
        _ => None,
    };
    decoded.unwrap_or_else(|| (format!("\\{c}"), c.len_utf8()))
}

/// Adjacent string literals (`'a' 'b'`), joined as Python joins them.
fn strings(inside: bool) -> impl Fn(&str) -> Res<'_, String> {
    move |i| {
        let (mut i, mut s) = string_literal(i)?;
        loop {
            let (j, _) = if inside { bspace(i)? } else { hspace(i)? };
            match string_literal(j) {
                Ok((k, more)) => {
                    s.push_str(&more);
                    i = k;
                }
                Err(_) => return Ok((i, s)),
            }
        }
    }
}

fn number(i: &str) -> Res<'_, Value> {
    let digits = |i| recognize((digit1, nom::multi::many0_count((char('_'), digit1)))).parse(i);
    let (rest, text) = recognize((
        opt(one_of("+-")),
        alt((
            recognize((
                tag("0x"),
                take_while1(|c: char| c.is_ascii_hexdigit() || c == '_'),
            )),
            recognize((
                digits,
                opt((char('.'), opt(digits))),
                opt((one_of("eE"), opt(one_of("+-")), digit1)),
            )),
        )),
    ))
    .parse(i)?;
    let (rest, _) = not(peek(take_while1(|c: char| {
        c.is_ascii_alphanumeric() || c == '_'
    })))
    .parse(rest)?;
    Ok((rest, Value::Num(text.to_string())))
}

fn keyword(i: &str) -> Res<'_, Value> {
    let (rest, word) = identifier(i)?;
    match word {
        "True" => Ok((rest, Value::Bool(true))),
        "False" => Ok((rest, Value::Bool(false))),
        "None" => Ok((rest, Value::None)),
        _ => fail(i, ErrorKind::Tag),
    }
}

/// Items between `open` and `close`, separated by commas, a trailing comma allowed:
/// (items, whether a comma was seen).
fn sequence(i: &str, open: char, close: char, depth: u32) -> Res<'_, (Vec<Value>, bool)> {
    let (mut i, _) = (char(open), bspace).parse(i)?;
    let mut items = Vec::new();
    let mut comma = false;
    loop {
        if let Ok((rest, _)) = char::<_, Error<&str>>(close).parse(i) {
            return Ok((rest, (items, comma)));
        }
        let (rest, v) = expr(i, depth + 1, true)?;
        items.push(v);
        let (rest, _) = bspace(rest)?;
        match char::<_, Error<&str>>(',').parse(rest) {
            Ok((rest, _)) => {
                comma = true;
                i = bspace(rest)?.0;
            }
            Err(_) => {
                let (rest, _) = char(close).parse(rest)?;
                return Ok((rest, (items, comma)));
            }
        }
    }
}

fn dict(i: &str, depth: u32) -> Res<'_, Value> {
    let (mut i, _) = (char('{'), bspace).parse(i)?;
    let mut items = Vec::new();
    loop {
        if let Ok((rest, _)) = char::<_, Error<&str>>('}').parse(i) {
            return Ok((rest, Value::Dict(items)));
        }
        let (rest, k) = expr(i, depth + 1, true)?;
        let (rest, _) = (bspace, char(':'), bspace).parse(rest)?;
        let (rest, v) = expr(rest, depth + 1, true)?;
        items.push((k, v));
        let (rest, _) = bspace(rest)?;
        match char::<_, Error<&str>>(',').parse(rest) {
            Ok((rest, _)) => i = bspace(rest)?.0,
            Err(_) => {
                let (rest, _) = char('}').parse(rest)?;
                return Ok((rest, Value::Dict(items)));
            }
        }
    }
}

fn term(i: &str, depth: u32, inside: bool) -> Res<'_, Value> {
    if depth > MAX_DEPTH {
        return fail(i, ErrorKind::TooLarge);
    }
    match i.chars().next() {
        Some('[') => {
            let (rest, (items, _)) = sequence(i, '[', ']', depth)?;
            Ok((rest, Value::List(items)))
        }
        Some('(') => {
            let (rest, (mut items, comma)) = sequence(i, '(', ')', depth)?;
            if items.len() == 1 && !comma {
                Ok((rest, items.remove(0)))
            } else {
                Ok((rest, Value::Tuple(items)))
            }
        }
        Some('{') => dict(i, depth),
        _ => alt((
            |i| strings(inside)(i).map(|(r, s)| (r, Value::Str(s))),
            number,
            keyword,
        ))
        .parse(i),
    }
}

/// A term, or string terms joined with `+`.
fn expr(i: &str, depth: u32, inside: bool) -> Res<'_, Value> {
    let space = if inside { bspace } else { hspace };
    let (mut i, mut value) = term(i, depth, inside)?;
    loop {
        let Ok((rest, _)) = (space, char::<_, Error<&str>>('+'), space).parse(i) else {
            return Ok((i, value));
        };
        let (rest, right) = term(rest, depth, inside)?;
        match (&mut value, right) {
            (Value::Str(a), Value::Str(b)) => a.push_str(&b),
            _ => return fail(i, ErrorKind::Verify),
        }
        i = rest;
    }
}

/// The right side of `=`: one expression, or a bare tuple `a, b`.
fn rhs(i: &str) -> Res<'_, Value> {
    let (mut i, first) = expr(i, 0, false)?;
    let mut items = vec![first];
    let mut comma = false;
    loop {
        let Ok((rest, _)) = (hspace, char::<_, Error<&str>>(','), hspace).parse(i) else {
            break;
        };
        comma = true;
        match expr(rest, 1, false) {
            Ok((rest, v)) => {
                items.push(v);
                i = rest;
            }
            Err(_) => {
                i = rest;
                break;
            }
        }
    }
    if comma {
        Ok((i, Value::Tuple(items)))
    } else {
        Ok((i, items.remove(0)))
    }
}

/// `NAME = value` up to the end of its logical line (a comment may follow).
fn assignment(i: &str) -> Res<'_, (&str, Value)> {
    let (i, name) = identifier(i)?;
    let (i, _) = (hspace, char('='), not(char('=')), hspace).parse(i)?;
    let (i, value) = rhs(i)?;
    let (i, _) = (hspace, opt(comment)).parse(i)?;
    let (i, _) = alt((tag("\n"), nom::combinator::eof)).parse(i)?;
    Ok((i, (name, value)))
}

/// Byte length of the logical line at the start of `s`: brackets, strings, comments and
/// continuations are followed so a multi-line call is skipped as one statement. If the
/// brackets or a triple-quoted string never close, only the first physical line is taken,
/// so one broken line cannot hide the rest of the file.
fn logical_line_len(s: &str) -> usize {
    let b = s.as_bytes();
    let first_line = memchr::memchr(b'\n', b).map_or(b.len(), |n| n + 1);
    let mut depth = 0usize;
    let mut k = 0;
    while k < b.len() {
        match b[k] {
            b'\\' => k += 2,
            b'#' => k += memchr::memchr(b'\n', &b[k..]).unwrap_or(b.len() - k),
            b'(' | b'[' | b'{' => {
                depth += 1;
                k += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                k += 1;
            }
            b'\n' if depth == 0 => return k + 1,
            q @ (b'\'' | b'"') => {
                let triple = b[k..].starts_with(&[q, q, q]);
                k += if triple { 3 } else { 1 };
                loop {
                    if k >= b.len() {
                        return first_line;
                    }
                    match b[k] {
                        b'\\' => k += 2,
                        b'\n' if !triple => break,
                        c if c == q && (!triple || b[k..].starts_with(&[q, q, q])) => {
                            k += if triple { 3 } else { 1 };
                            break;
                        }
                        _ => k += 1,
                    }
                }
            }
            _ => k += 1,
        }
    }
    if depth > 0 { first_line } else { b.len() }
}

/// Why a statement is outside the subset, from its text.
fn classify(stmt: &str) -> &'static str {
    let head = stmt.trim_start();
    let word = head
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()
        .unwrap_or_default();
    if stmt.starts_with([' ', '\t']) {
        return "indented line (inside a block the reader does not run)";
    }
    match word {
        "import" | "from" => return "import",
        "if" | "elif" | "else" | "for" | "while" | "try" | "except" | "finally" | "with"
        | "def" | "class" | "async" | "match" => return "block statement",
        "del" | "global" | "assert" | "pass" | "raise" | "return" => {
            return "statement that is not an assignment";
        }
        _ => {}
    }
    if head.starts_with('@') {
        return "decorator";
    }
    let scrubbed = scrub_strings(stmt, false);
    let bytes = stmt.as_bytes();
    let fstring = bytes.windows(2).enumerate().any(|(n, w)| {
        matches!(w[0], b'f' | b'F')
            && matches!(w[1], b'\'' | b'"')
            && (n == 0 || !(bytes[n - 1].is_ascii_alphanumeric() || bytes[n - 1] == b'_'))
    }) || stmt.contains("rf'")
        || stmt.contains("rf\"")
        || stmt.contains("fr'")
        || stmt.contains("fr\"");
    if fstring {
        return "f-string";
    }
    if scrubbed.contains("environ") || scrubbed.contains("getenv") {
        return "environment lookup";
    }
    let call = scrubbed.as_bytes().windows(2).any(|w| {
        (w[0].is_ascii_alphanumeric() || w[0] == b'_' || w[0] == b')' || w[0] == b']')
            && w[1] == b'('
    });
    if call {
        return "function call";
    }
    if ["+=", "-=", "|=", "*="]
        .iter()
        .any(|op| scrubbed.contains(op))
    {
        return "augmented assignment";
    }
    if let Some(eq) = scrubbed.find('=') {
        let target = scrubbed[..eq].trim();
        if target.contains(':') {
            return "annotated assignment";
        }
        if target.contains(['.', '[']) {
            return "assignment to an attribute or item";
        }
        if target.contains(',') {
            return "assignment to several names";
        }
        if scrubbed[eq + 1..].contains('=') && !scrubbed[eq + 1..].contains("==") {
            return "chained assignment";
        }
        let value = scrubbed[eq + 1..].trim();
        if value
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        {
            return "reference to another name";
        }
    }
    "syntax the reader does not know"
}

/// `stmt` with the content of every string literal replaced by `…` (and comments dropped
/// when `comments` is false): what a report may show of a line it could not read.
fn scrub_strings(stmt: &str, comments: bool) -> String {
    let b = stmt.as_bytes();
    let mut out = String::with_capacity(stmt.len().min(256));
    let mut k = 0;
    let mut plain = 0;
    while k < b.len() {
        match b[k] {
            b'#' if !comments => {
                out.push_str(&stmt[plain..k]);
                k += memchr::memchr(b'\n', &b[k..]).unwrap_or(b.len() - k);
                plain = k;
            }
            q @ (b'\'' | b'"') => {
                let triple = b[k..].starts_with(&[q, q, q]);
                let n = if triple { 3 } else { 1 };
                out.push_str(&stmt[plain..k + n]);
                k += n;
                loop {
                    if k >= b.len() {
                        break;
                    }
                    match b[k] {
                        b'\\' => k += 2,
                        b'\n' if !triple => break,
                        c if c == q && (!triple || b[k..].starts_with(&[q, q, q])) => break,
                        _ => k += 1,
                    }
                }
                out.push('…');
                let k_end = k.min(b.len());
                let close = if k_end < b.len() && b[k_end] == q {
                    n
                } else {
                    0
                };
                out.push_str(&stmt[k_end..(k_end + close).min(b.len())]);
                k = (k_end + close).min(b.len());
                plain = k;
            }
            _ => k += 1,
        }
    }
    if plain < b.len() {
        out.push_str(&stmt[plain..]);
    }
    out
}

/// The shape of a statement that was not read: strings emptied, whitespace collapsed, at
/// most 120 characters.
fn statement_shape(stmt: &str) -> String {
    let scrubbed = scrub_strings(stmt, false);
    let collapsed = scrubbed.split_whitespace().collect::<Vec<_>>().join(" ");
    let collapsed = collapsed.replace("\\ ", " ");
    if collapsed.chars().count() > 120 {
        let cut: String = collapsed.chars().take(119).collect();
        format!("{cut}…")
    } else {
        collapsed
    }
}

/// Skips blank and comment-only lines at the start of `i`.
fn skip_blank(i: &str) -> &str {
    let mut i = i;
    loop {
        let line_end = memchr::memchr(b'\n', i.as_bytes());
        let line = &i[..line_end.unwrap_or(i.len())];
        let t = line.trim_start_matches([' ', '\t', '\r', '\x0c']);
        if t.is_empty() || t.starts_with('#') {
            match line_end {
                Some(n) => i = &i[n + 1..],
                None => return &i[i.len()..],
            }
        } else {
            return i;
        }
    }
}

/// Reads a configuration file. Never fails: what is outside the subset lands in
/// [`Document::unread`].
pub fn parse_document(text: &str) -> Document {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let starts: Vec<usize> = std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|n| n + 1))
        .collect();
    let line_of = |offset: usize| starts.partition_point(|&s| s <= offset);
    let mut doc = Document {
        lines: starts.len() - usize::from(text.ends_with('\n') || text.is_empty()),
        ..Document::default()
    };
    let mut i = text;
    loop {
        i = skip_blank(i);
        if i.is_empty() {
            break;
        }
        let at = text.len() - i.len();
        let indented = i.starts_with([' ', '\t', '\x0c']);
        if !indented && let Ok((rest, (name, value))) = assignment(i) {
            doc.assignments.push(Assignment {
                name: name.to_string(),
                line: line_of(at),
                value,
            });
            i = rest;
            continue;
        }
        // Always at least one character, always on a character boundary.
        let mut len = logical_line_len(i).clamp(1, i.len());
        while !i.is_char_boundary(len) {
            len += 1;
        }
        let stmt = &i[..len];
        let name = (!indented)
            .then(|| {
                (
                    identifier,
                    hspace,
                    char::<_, Error<&str>>('='),
                    not(char('=')),
                )
                    .parse(stmt)
                    .ok()
                    .map(|(_, (n, ..))| n.to_string())
            })
            .flatten();
        let first = line_of(at);
        let last = line_of(at + stmt.trim_end().len().saturating_sub(1));
        doc.unread.push(Unread {
            line: first,
            lines: last.saturating_sub(first) + 1,
            name,
            reason: classify(stmt),
            shape: statement_shape(stmt),
        });
        i = &i[stmt.len()..];
    }
    doc
}

#[cfg(test)]
mod tests;
