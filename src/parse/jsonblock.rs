//! Joins pretty-printed JSON spread over several lines (an Entra error body logged with an
//! indent, or pasted into a ticket) into one event, so `"error_codes": [` / `54005` / `]`
//! and the `error_description` two lines above are matched together.
//!
//! The framer meets such a block at its first anchor hit, in the middle: [`start_of`] walks
//! back to the line that opened it, and [`JsonBlock::offer`] takes lines until the braces
//! balance.

/// Lines a block may span before it is closed as it stands.
pub const MAX_LINES: u64 = 1000;
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
}

/// Bracket depth change of one line, ignoring brackets inside JSON strings.
pub fn depth_change(line: &[u8]) -> i64 {
    let mut depth = 0;
    let mut in_string = false;
    let mut escaped = false;
    for &b in line {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth -= 1,
            _ => {}
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

/// True for a line that opens a block: it ends with `{` and is not itself indented JSON
/// (`{`, `Request failed with 400: {`, `body = {`).
pub fn opens(body: &[u8]) -> bool {
    body.trim_ascii_end().ends_with(b"{") && depth_change(body) > 0
}

/// Walks `lines` (the raw lines before an inner JSON line, nearest first, each with where it
/// starts) back to the line that opened the JSON value it sits in. `body_of` splits a raw
/// line into (stream key, body). Returns where the opening line starts when every line in
/// between is inner JSON of the same stream `key`.
pub fn start_of<'l, P>(
    lines: impl IntoIterator<Item = (P, &'l [u8])>,
    key: &[u8],
    body_of: impl Fn(&[u8]) -> (Vec<u8>, Vec<u8>),
) -> Option<P> {
    for (at, raw) in lines.into_iter().take(LOOK_BACK) {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let (k, body) = body_of(raw);
        if k != key {
            return None;
        }
        if opens(&body) && !is_inner(&body) {
            return Some(at);
        }
        if !is_inner(&body) {
            return None;
        }
    }
    None
}

impl JsonBlock {
    /// A block opened by the lines in `bodies` (the opening line first).
    pub fn open<'a>(bodies: impl IntoIterator<Item = &'a [u8]>) -> Self {
        let mut block = JsonBlock {
            text: Vec::new(),
            lines: 0,
            depth: 0,
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
    }

    /// True while the brackets are not balanced yet.
    pub fn is_open(&self) -> bool {
        self.depth > 0 && self.lines < MAX_LINES
    }

    /// Offers the next line of the same stream; true when it belongs to the block.
    pub fn offer(&mut self, body: &[u8]) -> bool {
        if !self.is_open() {
            return false;
        }
        self.take(body);
        true
    }
}

#[cfg(test)]
#[path = "jsonblock_tests.rs"]
mod tests;
