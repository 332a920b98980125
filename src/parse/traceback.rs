//! Joins a Python traceback into one event: from `Traceback (most recent call last):` through
//! the indented frame lines to the exception line, and on through chained blocks ("During
//! handling of the above exception..." / "The above exception was the direct cause...").
//! Also the shapes around it: an exception message that opens a JSON body and prints it
//! pretty on the lines below (`HTTPError: 400 ... Response: {`), Entra's `Trace ID:` lines
//! under the message, and Django's report (blank lines between frames, chain markers with
//! no `Traceback` line after them, `Exception Type:` / `Exception Value:`, and the request
//! dump after it, kept out of the text but its `GET` part). See: issue 17 (shapes).

use crate::parse::django::{self, DumpLine, Section};
use crate::parse::jsonblock;
use crate::parse::wrap::{Openness, starts_record};

/// The line that opens a Python traceback; the framer needs to see it in the block scan.
pub const TRACEBACK_START: &[u8] = b"Traceback (most recent call last):";

const CHAINS: [&[u8]; 2] = [
    b"During handling of the above exception",
    b"The above exception was the direct cause",
];

/// A traceback longer than this is closed and reported as it stands, so a stream of indented
/// lines cannot grow one event without bound.
pub const MAX_LINES: u64 = 2000;
/// The same bound in bytes.
pub const MAX_BYTES: usize = 4 << 20;

/// Blank lines a traceback steps over inside its frames (Django's report has one).
const MAX_BLANKS_IN_FRAMES: u64 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Inside the frames: indented lines continue it, the first other line is the exception.
    Frames,
    /// The exception line opened a JSON value: its lines are joined onto it until it closes.
    ExceptionJson,
    /// After an exception line: a chain marker continues it (blank lines may come first).
    AfterException,
    /// After a chain marker: waiting for the next `Traceback` line.
    AwaitTraceback,
    /// In Django's request dump, in this section.
    Dump(Section),
}

/// An open traceback of one stream (the framer keeps which stream).
#[derive(Debug, Clone)]
pub struct Traceback {
    /// Joined text, lines separated by `\n`.
    pub text: Vec<u8>,
    /// Physical lines taken.
    pub lines: u64,
    state: State,
    pending_blank: u64,
    json: Openness,
}

impl Traceback {
    /// Opens a traceback at its first line.
    pub fn open(body: &[u8]) -> Self {
        Traceback {
            text: body.to_vec(),
            lines: 1,
            state: State::Frames,
            pending_blank: 0,
            json: Openness::default(),
        }
    }

    /// True when `body` opens a traceback.
    pub fn starts(body: &[u8]) -> bool {
        body.starts_with(TRACEBACK_START)
    }

    fn take(&mut self, body: &[u8]) {
        self.text.push(b'\n');
        self.text.extend_from_slice(body);
        self.count();
    }

    /// Counts a line (and the blank lines before it) without adding it to the text.
    fn count(&mut self) {
        self.lines += 1 + self.pending_blank;
        self.pending_blank = 0;
    }

    /// Takes an exception line; one that opens a JSON value takes the value's lines next.
    fn exception(&mut self, body: &[u8]) {
        self.take(body);
        self.json = Openness::of(body);
        self.state = if self.json.is_open() {
            State::ExceptionJson
        } else {
            State::AfterException
        };
    }

    /// Offers the next line of the same stream; true when it belongs to the traceback.
    pub fn offer(&mut self, body: &[u8]) -> bool {
        if self.lines + self.pending_blank >= MAX_LINES || self.text.len() >= MAX_BYTES {
            return false;
        }
        let indented = body.first().is_some_and(|&b| b == b' ' || b == b'\t');
        let blank = body.trim_ascii().is_empty();
        match self.state {
            State::Frames if blank => {
                if self.pending_blank >= MAX_BLANKS_IN_FRAMES {
                    return false;
                }
                self.pending_blank += 1;
            }
            State::Frames if indented => self.take(body),
            // Django's chain marker: the frames of the next exception follow at once.
            State::Frames if django::is_chain_marker(body) => self.take(body),
            // After a blank line only Django's shapes go on; anything else is not ours.
            State::Frames if self.pending_blank > 0 => {
                if !body.starts_with(b"Exception Type:") {
                    return false;
                }
                self.exception(body);
            }
            State::Frames => self.exception(body),
            State::ExceptionJson => {
                if blank || !jsonblock::is_inner(body) || starts_record(body) {
                    self.state = State::AfterException;
                    return self.offer(body);
                }
                // Onto the exception line, as one line: only exception lines are matched.
                let part = body.trim_ascii_start();
                self.text.push(b' ');
                self.text.extend_from_slice(part);
                self.json.feed(part);
                self.count();
                if !self.json.is_open() {
                    self.state = State::AfterException;
                }
            }
            State::AfterException | State::AwaitTraceback if blank => {
                self.pending_blank += 1;
            }
            State::AfterException if CHAINS.iter().any(|c| body.starts_with(c)) => {
                self.take(body);
                self.state = State::AwaitTraceback;
            }
            State::AfterException
                if self.pending_blank == 0 && django::continues_exception(body) =>
            {
                self.exception(body);
            }
            State::AfterException if django::starts_dump(body) => {
                self.count();
                self.state = State::Dump(Section::Other);
            }
            State::AwaitTraceback if Self::starts(body) => {
                self.take(body);
                self.state = State::Frames;
            }
            // Django's chain marker is followed by frames, not by a `Traceback` line.
            State::AwaitTraceback if indented => {
                self.take(body);
                self.state = State::Frames;
            }
            State::Dump(section) => match django::dump_line(body) {
                Some(DumpLine::Blank) => self.pending_blank += 1,
                Some(DumpLine::Heading(next)) => {
                    if next == Section::Get && django::is_error_row(body.get(4..).unwrap_or(b"")) {
                        self.take(body);
                    } else {
                        self.count();
                    }
                    self.state = State::Dump(next);
                }
                Some(DumpLine::Row) if section == Section::Get && django::is_error_row(body) => {
                    self.take(body)
                }
                Some(DumpLine::Row | DumpLine::Start) => self.count(),
                None => return false,
            },
            State::AfterException | State::AwaitTraceback => return false,
        }
        true
    }

    /// Blank lines taken tentatively after the last real line; they belong to nobody.
    pub fn trailing_blank(&self) -> u64 {
        self.pending_blank
    }
}

#[cfg(test)]
#[path = "traceback_tests.rs"]
mod tests;
