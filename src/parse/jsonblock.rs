//! Joins pretty-printed JSON spread over several lines (an Entra error body logged with an
//! indent, or pasted into a ticket) into one event, so `"error_codes": [` / `54005` / `]`
//! and the `error_description` two lines above are matched together.
//!
//! The framer meets such a block at its first anchor hit, in the middle: [`start_of`] walks
//! back to the line that opened it (over lines of other pods interleaved with it), and
//! [`JsonBlock::offer`] takes lines until the braces balance. A block opens on a line that
//! ends with `{` (`Request failed with 400: {`), or on a line that starts the value (`{`,
//! Python's pprint `{'error': 'invalid_grant',`); the line above a bare opener that leads
//! in to it (`... Response:`) is the event's first line, with its time. Python's quotes
//! count as strings where a value starts, so `'}'` inside one is not a bracket.

use crate::parse::wrap::Openness;

/// Lines a block may span before it is closed as it stands.
pub const MAX_LINES: u64 = 1000;
/// Lines in a row a string cut by a terminal may go on over.
const MAX_WRAPPED: u64 = 32;
/// Lines the framer looks back for the opening brace.
pub const LOOK_BACK: usize = 64;

/// An open pretty-printed JSON block of one stream.
#[derive(Debug, Clone)]
pub struct JsonBlock {
    /// Joined text, lines separated by `\n`.
    pub text: Vec<u8>,
    /// Lines taken.
    pub lines: u64,
    depth: i64,
    /// Whether the text so far ends inside a JSON string: a value a terminal wrapped goes
    /// on on the next line whatever its indent.
    strings: Openness,
    /// Lines in a row taken only because a string goes on (a paste cut in a string must
    /// not take the rest of the ticket).
    wrapped: u64,
}

/// Bracket depth change of one line, ignoring brackets inside JSON strings and Python's
/// single-quoted strings (a `'` opens one only where a value starts: after `{`, `[`, `(`,
/// `,` or `:`, or first on the line, so the apostrophe in `couldn't` is prose).
pub fn depth_change(line: &[u8]) -> i64 {
    let mut depth = 0;
    let mut quote: Option<u8> = None;
    let mut escaped = false;
    // The last byte outside strings that is not a blank.
    let mut last = b'\n';
    for &b in line {
        if let Some(q) = quote {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                _ if b == q => {
                    quote = None;
                    last = b;
                }
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => quote = Some(b'"'),
            b'\'' if matches!(last, b'{' | b'[' | b'(' | b',' | b':' | b'\n') => {
                quote = Some(b'\'')
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth -= 1,
            _ => {}
        }
        if b != b' ' && b != b'\t' {
            last = b;
        }
    }
    depth
}

/// True for a line inside a pretty-printed JSON value: indented, or a closing bracket.
pub fn is_inner(body: &[u8]) -> bool {
    let t = body.trim_ascii_start();
    body.first().is_some_and(|b| *b == b' ' || *b == b'\t')
        || t.starts_with(b"}")
        || t.starts_with(b"]")
}

/// True for what a paste puts where it left lines out (`...`, `…`, `<snip>`, `[truncated]`):
/// a pretty-printed value goes on after it.
pub fn is_elision(body: &[u8]) -> bool {
    let t = body.trim_ascii();
    let lower = t.to_ascii_lowercase();
    !t.is_empty()
        && t.len() <= 40
        && (!t.iter().any(u8::is_ascii_alphanumeric)
            || [&b"snip"[..], b"truncated", b"omitted", b"elided"]
                .iter()
                .any(|w| memchr::memmem::find(&lower, w).is_some()))
}

/// True for a line that starts a JSON (or Python) value at its first byte: `{`, `[`,
/// `{  'error': 'invalid_grant',`, `[{"id": 1,` (not a log line's `[2026-11-20 ...]` or
/// `[pod/...]`).
pub fn is_bare_opener(body: &[u8]) -> bool {
    let Some(&first) = body.first() else {
        return false;
    };
    if first != b'{' && first != b'[' {
        return false;
    }
    match body.get(1) {
        None => true,
        Some(b) => !b.is_ascii_alphanumeric() || first == b'{',
    }
}

/// True for a line that opens a block: it ends with `{` or `[` and is not itself indented
/// JSON (`{`, `Request failed with 400: {`, `body = {`), or it starts a value that it does
/// not close (`{'error': 'invalid_grant',`).
pub fn opens(body: &[u8]) -> bool {
    let t = body.trim_ascii_end();
    let ends_open = t.ends_with(b"{") || t.ends_with(b"[");
    (ends_open || is_bare_opener(body)) && depth_change(body) > 0
}

/// Walks `lines` (the raw lines before an inner JSON line, nearest first, each with where it
/// starts) back to the line that opened the JSON value it sits in. `body_of` splits a raw
/// line into (stream key, body). Lines of other streams (another pod's, interleaved by
/// `kubectl logs -l`) are stepped over. Returns where the opening line starts, and where the
/// line leading in to it starts when it has one (`... Response:` above a bare `{`), when
/// every line of the stream `key` in between is inner JSON.
pub fn start_of<'l, P: Copy>(
    lines: impl IntoIterator<Item = (P, &'l [u8])>,
    key: &[u8],
    body_of: impl Fn(&[u8]) -> (Vec<u8>, Vec<u8>),
) -> Option<(P, Option<P>)> {
    let mut opener: Option<(P, bool)> = None;
    for (at, raw) in lines.into_iter().take(LOOK_BACK) {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let (k, body) = body_of(raw);
        if k != key {
            continue;
        }
        if let Some((open_at, bare)) = opener {
            // The line above the opener: it leads in when it ends with a colon.
            let lead = bare && !is_inner(&body) && body.trim_ascii_end().ends_with(b":");
            return Some((open_at, lead.then_some(at)));
        }
        if opens(&body) && !is_inner(&body) {
            opener = Some((at, is_bare_opener(&body)));
            continue;
        }
        if !is_inner(&body) && !is_elision(&body) {
            return None;
        }
    }
    opener.map(|(at, _)| (at, None))
}

impl JsonBlock {
    /// A block opened by the lines in `bodies` (the opening line first).
    pub fn open<'a>(bodies: impl IntoIterator<Item = &'a [u8]>) -> Self {
        let mut block = JsonBlock {
            text: Vec::new(),
            lines: 0,
            depth: 0,
            strings: Openness::default(),
            wrapped: 0,
        };
        for body in bodies {
            block.take(body);
        }
        block
    }

    fn take(&mut self, body: &[u8]) {
        if !self.text.is_empty() {
            self.text.push(b'\n');
        }
        self.text.extend_from_slice(body);
        self.lines += 1;
        self.depth += depth_change(body);
        self.strings.feed(body);
    }

    /// True while the brackets are not balanced yet.
    pub fn is_open(&self) -> bool {
        self.depth > 0 && self.lines < MAX_LINES
    }

    /// Offers the next line of the same stream; true when it belongs to the block: an inner
    /// line (indented, or a closing bracket). Anything else ends a block left open (a log
    /// line cut short, a paste that stops in the middle), so it cannot swallow the log.
    pub fn offer(&mut self, body: &[u8]) -> bool {
        let wrapped = self.strings.in_string()
            && self.wrapped < MAX_WRAPPED
            && !crate::parse::wrap::starts_record(body);
        let goes_on = is_inner(body) || is_elision(body) || wrapped;
        if !self.is_open() || body.trim_ascii().is_empty() || !goes_on {
            return false;
        }
        self.wrapped = if is_inner(body) { 0 } else { self.wrapped + 1 };
        self.take(body);
        true
    }
}

#[cfg(test)]
#[path = "jsonblock_tests.rs"]
mod tests;
