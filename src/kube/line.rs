//! Per-line work of one log stream, free of I/O: cutting what the connection brings into
//! lines (a line of any length is one line, as `scan` reads it), the kubelet's timestamp in
//! front of a line, the de-duplication window that makes a resumed stream (opened again with
//! `sinceTime`) drop the lines it replays, and the batch of formatted lines a stream hands to
//! the merger.

use std::collections::{HashMap, VecDeque};
use std::hash::{DefaultHasher, Hash, Hasher};

use chrono::DateTime;

const NANOS_PER_SEC: i64 = 1_000_000_000;

/// Most lines the de-duplication window remembers. One second of output is normally far
/// less; past this the oldest entries go, and a replay of them would be emitted twice (never
/// lost), which is the safer side.
const WINDOW_MAX: usize = 50_000;

/// The kubelet's `--timestamps` time at the start of `line` (RFC 3339, 0 to 9 fraction
/// digits, `Z` or an offset, then one space) as nanoseconds since the Unix epoch.
pub(crate) fn timestamp(line: &[u8]) -> Option<i64> {
    let end = memchr::memchr(b' ', &line[..line.len().min(40)])?;
    let text = std::str::from_utf8(&line[..end]).ok()?;
    DateTime::parse_from_rfc3339(text)
        .ok()?
        .timestamp_nanos_opt()
}

/// Whole seconds of `nanos`, rounded down: what a resume asks for as `sinceTime` (kube rounds
/// `since_time` to the nearest second, which could skip up to half a second of lines, so the
/// value is floored before kube sees it).
pub(crate) fn floor_second(nanos: i64) -> i64 {
    nanos.div_euclid(NANOS_PER_SEC)
}

/// Hash of a line's bytes (without its newline) for the de-duplication window.
pub(crate) fn line_hash(line: &[u8]) -> u64 {
    let mut h = DefaultHasher::new();
    line.hash(&mut h);
    h.finish()
}

/// Remembers the lines of the last second a stream emitted, so that when the stream is
/// reopened with `sinceTime` (whole seconds, at or before the last line seen) the replayed
/// lines are recognised by timestamp and content and dropped. Memory: one `(i64, u64)` per
/// line of the latest second.
#[derive(Debug, Default)]
pub(crate) struct Seen {
    /// The newest timestamp emitted.
    last: Option<i64>,
    /// (timestamp, hash) of emitted lines whose time is in the second of `last` or later.
    window: VecDeque<(i64, u64)>,
    /// Lines a resumed stream may replay, with how often each was emitted.
    replay: HashMap<(i64, u64), u32>,
    /// True from a resume until the first line newer than `last`.
    replaying: bool,
    /// Since the last resume: a replayed line was recognised, so the reopened stream reaches
    /// back to what was read before and nothing between was lost.
    matched: bool,
    /// Since the last resume: the time of the first new line.
    first_new: Option<i64>,
}

impl Seen {
    /// A fresh window for a stream that has emitted nothing.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// The newest timestamp emitted, if any.
    pub(crate) fn last(&self) -> Option<i64> {
        self.last
    }

    /// Prepares for a reopened stream; returns the `sinceTime` (whole seconds since the
    /// epoch) to ask for, or `None` when nothing with a timestamp was emitted yet.
    pub(crate) fn resume(&mut self) -> Option<i64> {
        self.matched = false;
        self.first_new = None;
        let last = self.last?;
        self.replay.clear();
        for &key in &self.window {
            *self.replay.entry(key).or_insert(0) += 1;
        }
        self.replaying = true;
        Some(floor_second(last))
    }

    /// Decides whether a line is new (true: emit it) or a replay of one already emitted.
    pub(crate) fn admit(&mut self, ts: Option<i64>, hash: u64) -> bool {
        let Some(ts) = ts else {
            // No timestamp: cannot be matched, so never dropped.
            return true;
        };
        if self.replaying {
            let last = self
                .last
                .expect("replaying is only set when a line was seen");
            if ts <= last {
                if let Some(count) = self.replay.get_mut(&(ts, hash)) {
                    *count -= 1;
                    if *count == 0 {
                        self.replay.remove(&(ts, hash));
                    }
                    self.matched = true;
                    return false;
                }
                if floor_second(ts) < floor_second(last) {
                    // Older than the second asked for: the server replays history we had.
                    return false;
                }
                // A line of the replayed second that was never emitted (it came after the
                // cut): new.
            } else {
                self.replaying = false;
                self.replay.clear();
                self.replay.shrink_to(64);
            }
        }
        if self.first_new.is_none() {
            self.first_new = Some(ts);
        }
        self.record(ts, hash);
        true
    }

    /// Since the last [`resume`](Self::resume): whether a replayed line was recognised (the
    /// reopened stream overlaps what was read before, so no line between was lost).
    pub(crate) fn matched(&self) -> bool {
        self.matched
    }

    /// Since the last [`resume`](Self::resume): the time of the first new line, if any.
    pub(crate) fn first_new(&self) -> Option<i64> {
        self.first_new
    }

    fn record(&mut self, ts: i64, hash: u64) {
        if self.last.is_none_or(|last| ts > last) {
            self.last = Some(ts);
            let keep_from = floor_second(ts) * NANOS_PER_SEC;
            while self.window.front().is_some_and(|&(t, _)| t < keep_from) {
                self.window.pop_front();
            }
        }
        if self.window.len() >= WINDOW_MAX {
            self.window.pop_front();
        }
        self.window.push_back((ts, hash));
    }

    /// Lines held in the window (for tests of the memory bound).
    #[cfg(test)]
    pub(crate) fn window_len(&self) -> usize {
        self.window.len()
    }
}

/// Complete output lines of one stream, each `[pod/P/C] <timestamp> <text>\n`, with the
/// timestamp and end offset of each line for the merger. One allocation per batch, not per
/// line.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    /// The formatted lines, back to back.
    pub(crate) data: Vec<u8>,
    /// (timestamp in nanoseconds, end offset in `data`) per line.
    pub(crate) lines: Vec<(i64, usize)>,
}

impl Batch {
    /// An empty batch with room for about `bytes`.
    pub(crate) fn with_capacity(bytes: usize) -> Self {
        Batch {
            data: Vec::with_capacity(bytes),
            lines: Vec::with_capacity(bytes / 64),
        }
    }

    /// Appends `prefix`, the line (without newline) and a newline.
    pub(crate) fn push(&mut self, ts: i64, prefix: &[u8], line: &[u8]) {
        // One reservation, so a long line is not copied again at every doubling.
        self.data.reserve(prefix.len() + line.len() + 1);
        self.data.extend_from_slice(prefix);
        self.data.extend_from_slice(line);
        self.data.push(b'\n');
        self.lines.push((ts, self.data.len()));
    }

    /// True when no line was pushed.
    pub(crate) fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Bytes held.
    pub(crate) fn len_bytes(&self) -> usize {
        self.data.len()
    }

    /// Where line `i` starts in `data`.
    pub(crate) fn start(&self, i: usize) -> usize {
        if i == 0 { 0 } else { self.lines[i - 1].1 }
    }
}

/// Cuts what a connection brings into lines (without their newline). A line is held until
/// its newline comes, however long it is; only past `max_line` bytes (like `scan`, see
/// [`crate::source::MAX_LINE`]) is it handed on in pieces, each counted in
/// [`split`](Self::split), so one endless line cannot take all memory.
#[derive(Debug)]
pub(crate) struct Cutter {
    /// The start of a line whose newline has not come yet.
    carry: Vec<u8>,
    max_line: usize,
    /// Lines handed on in pieces (one per piece cut at `max_line`).
    pub(crate) split: u64,
}

impl Cutter {
    /// A cutter that hands on a line in pieces once it holds `max_line` bytes of it.
    pub(crate) fn new(max_line: usize) -> Self {
        Cutter {
            carry: Vec::new(),
            max_line,
            split: 0,
        }
    }

    /// Hands `line` every line `buf` completes, in order; keeps the unfinished rest.
    pub(crate) fn feed(&mut self, buf: &[u8], line: &mut dyn FnMut(&[u8])) {
        let mut at = 0;
        for end in memchr::memchr_iter(b'\n', buf) {
            if self.carry.is_empty() {
                line(&buf[at..end]);
            } else {
                self.carry.extend_from_slice(&buf[at..end]);
                line(&self.carry);
                self.release();
            }
            at = end + 1;
        }
        let rest = &buf[at..];
        if rest.is_empty() {
            return;
        }
        let need = self.carry.len() + rest.len();
        if need > self.carry.capacity() {
            // Doubling, but never far past the most a piece can hold.
            let want = (self.carry.capacity() * 2).clamp(need, need.max(self.max_line));
            self.carry.reserve_exact(want - self.carry.len());
        }
        self.carry.extend_from_slice(rest);
        if self.carry.len() >= self.max_line {
            self.split += 1;
            line(&self.carry);
            self.carry = Vec::new();
        }
    }

    /// The input ended: hands on a last line that has no newline, if any.
    pub(crate) fn finish(&mut self, line: &mut dyn FnMut(&[u8])) {
        if !self.carry.is_empty() {
            line(&self.carry);
        }
        self.carry = Vec::new();
    }

    /// The connection broke: the unfinished line is dropped (a resume brings it whole).
    pub(crate) fn clear(&mut self) {
        self.carry = Vec::new();
    }

    /// Empties the carry, giving back the memory of a long line.
    fn release(&mut self) {
        if self.carry.capacity() > 1 << 20 {
            self.carry = Vec::new();
        } else {
            self.carry.clear();
        }
    }
}

#[cfg(test)]
#[path = "line_tests.rs"]
mod tests;
