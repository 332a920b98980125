//! Records split over lines that are not a traceback or pretty-printed JSON: a message
//! wrapped by a terminal or a paste (the line ends inside an open quote or bracket, and
//! the next one goes on without a record's own start), a journal or log record whose
//! message goes on on indented lines (`invalid_client:` then `    AADSTS7000215: ...`), a
//! container runtime's partial line, and the header of Django's technical 500 report
//! (`AuthCanceled at /oauth/complete/azuread-oauth2/` and the exception value under it).
//! Joined, the code and its description are one event, matched together.
//!
//! Only the next physical line of the same stream can continue a record: a line of
//! another stream in between ends it. See: issue 17 (shapes).

use crate::parse::{django, jsonblock};

/// Lines a wrapped record may span.
pub const MAX_LINES: u64 = 64;
/// The same bound in bytes.
pub const MAX_BYTES: usize = 64 << 10;

/// Where a text stands at its end: inside a `"` string, and how many `{`/`[` are open
/// outside strings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Openness {
    depth: i64,
    in_string: bool,
    escaped: bool,
}

impl Openness {
    /// The state after `text`, from this one.
    pub fn feed(&mut self, text: &[u8]) {
        for &b in text {
            if self.in_string {
                match b {
                    _ if self.escaped => self.escaped = false,
                    b'\\' => self.escaped = true,
                    b'"' => self.in_string = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => self.depth = (self.depth - 1).max(0),
                _ => {}
            }
        }
    }

    /// The state at the end of `text` alone.
    pub fn of(text: &[u8]) -> Self {
        let mut o = Openness::default();
        o.feed(text);
        o
    }

    /// True inside a string or an unclosed bracket.
    pub fn is_open(&self) -> bool {
        self.in_string || self.depth > 0
    }

    /// True inside a string.
    pub fn in_string(&self) -> bool {
        self.in_string
    }
}

const LEVELS: &[&[u8]] = &[
    b"ERROR",
    b"INFO",
    b"WARNING",
    b"WARN",
    b"DEBUG",
    b"CRITICAL",
    b"FATAL",
    b"TRACE",
    b"NOTICE",
];

fn digits(b: &[u8], n: usize) -> bool {
    b.len() >= n && b[..n].iter().all(u8::is_ascii_digit)
}

/// True when `body` begins a log record of its own: a date or clock time, a bracketed one
/// or level, a level word, a JSON object, an access-log client address, logfmt's first
/// key, or a traceback's first line. A line that starts none of these may be the rest of
/// the record above it.
pub fn starts_record(body: &[u8]) -> bool {
    let b = body;
    // 2026-11-20..., 09:14:02 (an RQ worker), 20/Nov/2026...
    if (digits(b, 4) && b.get(4) == Some(&b'-'))
        || (digits(b, 2) && b.get(2) == Some(&b':') && digits(&b[3..], 2))
        || (digits(b, 2) && b.get(2) == Some(&b'/'))
    {
        return true;
    }
    // An IPv4 client: 10.42.0.7 - - [...]
    if b.first().is_some_and(u8::is_ascii_digit) {
        let dots = b
            .iter()
            .take(16)
            .take_while(|c| c.is_ascii_digit() || **c == b'.')
            .filter(|c| **c == b'.')
            .count();
        if dots == 3 {
            return true;
        }
    }
    if b.starts_with(b"{\"") || b.starts_with(b"[20") || b.starts_with(b"[pod/") {
        return true;
    }
    if let Some(inner) = b.strip_prefix(b"[")
        && LEVELS.iter().any(|l| inner.starts_with(l))
    {
        return true;
    }
    if LEVELS
        .iter()
        .any(|l| b.starts_with(l) && matches!(b.get(l.len()), Some(b' ' | b':' | b'\t' | b']')))
    {
        return true;
    }
    for key in [&b"time="[..], b"ts=", b"level=", b"t=", b"lvl=", b"msg="] {
        if b.starts_with(key) {
            return true;
        }
    }
    b.starts_with(b"Traceback (most recent call last)")
}

/// True for an indented line that reads as a message going on: not a stack frame (`at
/// ...`, `File "..."`, a path), a caret line, a table or a JSON member.
pub fn is_indented_text(body: &[u8]) -> bool {
    if !body.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
        return false;
    }
    let t = body.trim_ascii_start();
    let Some(&first) = t.first() else {
        return false;
    };
    if !(first.is_ascii_alphanumeric() || first == b'(') {
        return false;
    }
    !(t.starts_with(b"at ") || t.starts_with(b"File \"") || t.starts_with(b"Caused by"))
}

/// True for a frame of a Java, JavaScript or .NET stack trace (`    at pkg.Class.m(File.java:42)`,
/// `    at fn (/srv/app/x.js:1:2)`, `   at Ns.Type.M() in X.cs:line 9`) or Java's `... 12 more`:
/// indented, and never a record of its own.
pub fn is_stack_frame(body: &[u8]) -> bool {
    if !body.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
        return false;
    }
    let t = body.trim_ascii();
    if let Some(rest) = t.strip_prefix(b"at ") {
        return rest.first().is_some_and(|b| !b.is_ascii_whitespace())
            && rest.iter().any(|b| matches!(b, b'(' | b':' | b'.' | b'/'));
    }
    t.starts_with(b"... ") && t.ends_with(b" more")
}

/// True for the line that opens a chained cause under a stack trace: Java's `Caused by: ...`,
/// .NET's ` ---> Ns.SomeException: ...`.
fn is_cause(body: &[u8]) -> bool {
    let t = body.trim_ascii_start();
    t.starts_with(b"Caused by: ") || t.starts_with(b"---> ")
}

/// How a line joins the record above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Join {
    /// Glued on: a terminal wrap cuts anywhere, a word or a value included.
    Glued,
    /// After a space, its indentation dropped.
    Spaced,
    /// On a line of its own (the report header's value).
    Line,
    /// Counted as the record's, not added to its text (a report's details that say
    /// nothing of the failure, and blank lines between its parts).
    Counted,
}

/// What the next line of the same stream is to an open record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// It goes on.
    Join(Join),
    /// The record led in to a pretty-printed JSON value that opens on this line (`...
    /// Response:` then `{`).
    Json,
    /// The record is over.
    End,
}

/// Where Django's report header stands: its exception value, after a blank line, or in
/// its details (`Request Method:` ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Report {
    Value,
    Blank,
    Details,
}

/// Details of Django's report under its header: the lines matched (the request's URL holds
/// Entra's `error_description`; `Server time:` is the event's time), then the others.
const DETAILS_SHOWN: &[&[u8]] = &[
    b"Request URL:",
    b"Exception Type:",
    b"Exception Value:",
    b"Exception Location:",
    b"Raised during:",
    b"Server time:",
];
const DETAILS_COUNTED: &[&[u8]] = &[
    b"Request Method:",
    b"Django Version:",
    b"Python Executable:",
    b"Python Version:",
    b"Python Path:",
    b"Installed Applications:",
    b"Installed Middleware:",
];

/// What `body` is to Django's report header at `at`.
fn report_line(at: Report, body: &[u8]) -> Next {
    if body.trim_ascii().is_empty() {
        return if at == Report::Blank {
            Next::End
        } else {
            Next::Join(Join::Counted)
        };
    }
    if DETAILS_SHOWN.iter().any(|d| body.starts_with(d)) {
        return Next::Join(Join::Line);
    }
    // The details' labels, and the lists pprint spreads over lines under two of them.
    if DETAILS_COUNTED.iter().any(|d| body.starts_with(d))
        || (at == Report::Details && (body.starts_with(b"[") || body.starts_with(b" '")))
    {
        return Next::Join(Join::Counted);
    }
    if at == Report::Value && !starts_record(body) {
        return Next::Join(Join::Line);
    }
    Next::End
}

/// What `body` is to a record: `lead_in` when its only line ends with a colon, `open`
/// whether its text ends inside a string or bracket (asked last: it reads the whole
/// record).
fn decide(lead_in: bool, frames: bool, open: impl FnOnce() -> bool, body: &[u8]) -> Next {
    if body.trim_ascii().is_empty() {
        return Next::End;
    }
    // A stack trace under its exception line, and the causes chained below its frames: one
    // event, so the exception and what caused it are matched together.
    if is_stack_frame(body) || (frames && is_cause(body)) {
        return Next::Join(Join::Line);
    }
    // `Token request failed. Response:` then the body: pretty-printed, or on one line.
    if lead_in && jsonblock::is_bare_opener(body) {
        return if Openness::of(body).is_open() {
            Next::Json
        } else {
            Next::Join(Join::Line)
        };
    }
    if is_indented_text(body) {
        return Next::Join(Join::Spaced);
    }
    if !starts_record(body) && open() {
        let indented = body[0] == b' ' || body[0] == b'\t';
        return Next::Join(if indented { Join::Spaced } else { Join::Glued });
    }
    Next::End
}

/// A record still taking lines.
#[derive(Debug, Clone)]
pub struct Wrap {
    /// Joined text.
    pub text: Vec<u8>,
    /// Physical lines taken.
    pub lines: u64,
    state: Openness,
    report: Option<Report>,
    lead_in: bool,
    /// Blank lines taken and not yet counted (a report header's, before its details).
    pending: u64,
    /// It took a stack frame: a cause line below goes on with it.
    frames: bool,
}

impl Wrap {
    /// A record whose first line is `body`.
    pub fn open(body: &[u8]) -> Self {
        Wrap {
            text: body.to_vec(),
            lines: 1,
            state: Openness::of(body),
            report: django::is_report_header(body).then_some(Report::Value),
            lead_in: body.trim_ascii_end().ends_with(b":"),
            pending: 0,
            frames: false,
        }
    }

    /// What `body`, the next line of the same stream, is to this record.
    pub fn next(&self, body: &[u8]) -> Next {
        if self.lines >= MAX_LINES || self.text.len() >= MAX_BYTES {
            return Next::End;
        }
        match self.report {
            Some(at) => report_line(at, body),
            None => decide(
                self.lines == 1 && self.lead_in,
                self.frames,
                || self.state.is_open(),
                body,
            ),
        }
    }

    /// Takes `body` as the record's next line, joined as `join` says.
    pub fn take(&mut self, body: &[u8], join: Join) {
        if let Some(at) = self.report {
            if body.trim_ascii().is_empty() {
                self.report = Some(Report::Blank);
                self.pending += 1;
                return;
            }
            let label = DETAILS_SHOWN
                .iter()
                .chain(DETAILS_COUNTED)
                .any(|d| body.starts_with(d));
            self.report = Some(if label || at != Report::Value {
                Report::Details
            } else {
                Report::Value
            });
        }
        if join == Join::Counted {
            self.lines += 1 + self.pending;
            self.pending = 0;
            return;
        }
        self.lines += self.pending;
        self.pending = 0;
        self.frames |= is_stack_frame(body);
        let part = match join {
            Join::Counted => return,
            Join::Glued => body,
            Join::Spaced => {
                if !self.text.ends_with(b" ") {
                    self.text.push(b' ');
                }
                body.trim_ascii_start()
            }
            Join::Line => {
                self.text.push(b'\n');
                body
            }
        };
        self.text.extend_from_slice(part);
        self.state.feed(part);
        self.lines += 1;
    }

    /// The report's `Server time:` line, the event's time, when the record is Django's
    /// report header with its details.
    pub fn report_time(&self) -> Option<&[u8]> {
        self.report?;
        let at = memchr::memmem::find(&self.text, b"\nServer time:")? + 1;
        let end = memchr::memchr(b'\n', &self.text[at..]).map_or(self.text.len(), |i| at + i);
        Some(&self.text[at..end])
    }
}

/// Whether the line `next` continues a record whose only line is `body` (the same stream):
/// what the framer and the threads that match ahead of it ask of a candidate line. Copies
/// nothing, and reads `body` through only when `next` could go on from it.
pub fn continued_by(body: &[u8], next: &[u8]) -> bool {
    let step = if django::is_report_header(body) {
        report_line(Report::Value, next)
    } else {
        let lead_in = body.trim_ascii_end().ends_with(b":");
        decide(lead_in, false, || Openness::of(body).is_open(), next)
    };
    !matches!(step, Next::End)
}

/// Lines a non-indented line looks back for the start of a wrapped record it ends.
const LOOK_BACK: usize = 8;
/// Lines an indented line looks back over indented lines for the line they go on from.
const LOOK_BACK_INDENTED: usize = 16;

/// Walks `before` (the bodies of the lines of the same stream above `body`, nearest first,
/// with `None` for a line of another stream) back to the line a wrapped record starts on,
/// when `body` is part of one: how many lines above it the record starts, and the record up
/// to and with `body`. An indented line looks back over indented lines to the first line
/// that is not, at most 16 lines; another line, when it starts no record
/// itself, at most 8 lines.
pub fn start_of<'l>(
    body: &[u8],
    before: impl IntoIterator<Item = Option<&'l [u8]>>,
) -> Option<(usize, Wrap)> {
    let indented = is_indented_text(body);
    if !indented && starts_record(body) {
        return None;
    }
    let limit = if indented {
        LOOK_BACK_INDENTED
    } else {
        LOOK_BACK
    };
    let mut above: Vec<&[u8]> = Vec::new();
    for line in before.into_iter().take(limit) {
        let line = line?;
        if line.trim_ascii().is_empty() {
            return None;
        }
        above.push(line);
        let head = if indented {
            !is_indented_text(line)
        } else {
            starts_record(line)
        };
        if head {
            break;
        }
    }
    // Try each line above as the head, nearest first: the record must take every line down
    // to `body`. Indented lines go on from the first line above them that is not.
    let heads = if indented {
        if above.last().is_none_or(|l| is_indented_text(l)) {
            return None;
        }
        above.len()..=above.len()
    } else {
        1..=above.len()
    };
    for n in heads {
        if n == 0 {
            break;
        }
        let head = above[n - 1];
        // Only an open line, or a report's header, goes on with an unindented one: the
        // other heads are passed over before anything is built.
        if !(indented || Openness::of(head).is_open() || django::is_report_header(head)) {
            continue;
        }
        let mut wrap = Wrap::open(head);
        let chain = above[..n - 1]
            .iter()
            .rev()
            .copied()
            .chain(std::iter::once(body));
        let mut whole = true;
        for line in chain {
            match wrap.next(line) {
                Next::Join(join) => wrap.take(line, join),
                _ => {
                    whole = false;
                    break;
                }
            }
        }
        if whole {
            return Some((n, wrap));
        }
    }
    None
}

#[cfg(test)]
#[path = "wrap_tests.rs"]
mod tests;
