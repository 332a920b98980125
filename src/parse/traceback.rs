//! Joins a Python traceback into one event: from `Traceback (most recent call last):` through
//! the indented frame lines to the exception line, and on through chained blocks ("During
//! handling of the above exception..." / "The above exception was the direct cause...").

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Inside the frames: indented lines continue it, the first other line is the exception.
    Frames,
    /// After an exception line: a chain marker continues it (blank lines may come first).
    AfterException,
    /// After a chain marker: waiting for the next `Traceback` line.
    AwaitTraceback,
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
}

impl Traceback {
    /// Opens a traceback at its first line.
    pub fn open(body: &[u8]) -> Self {
        Traceback {
            text: body.to_vec(),
            lines: 1,
            state: State::Frames,
            pending_blank: 0,
        }
    }

    /// True when `body` opens a traceback.
    pub fn starts(body: &[u8]) -> bool {
        body.starts_with(TRACEBACK_START)
    }

    fn take(&mut self, body: &[u8]) {
        self.text.push(b'\n');
        self.text.extend_from_slice(body);
        self.lines += 1 + self.pending_blank;
        self.pending_blank = 0;
    }

    /// Offers the next line of the same stream; true when it belongs to the traceback.
    pub fn offer(&mut self, body: &[u8]) -> bool {
        if self.lines + self.pending_blank >= MAX_LINES || self.text.len() >= MAX_BYTES {
            return false;
        }
        let indented = body.first().is_some_and(|&b| b == b' ' || b == b'\t');
        match self.state {
            State::Frames if indented => self.take(body),
            State::Frames if body.is_empty() => return false,
            State::Frames => {
                self.take(body);
                self.state = State::AfterException;
            }
            State::AfterException | State::AwaitTraceback if body.is_empty() => {
                self.pending_blank += 1;
            }
            State::AfterException if CHAINS.iter().any(|c| body.starts_with(c)) => {
                self.take(body);
                self.state = State::AwaitTraceback;
            }
            State::AwaitTraceback if Self::starts(body) => {
                self.take(body);
                self.state = State::Frames;
            }
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
