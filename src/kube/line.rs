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
mod tests {
    use super::*;

    const S: i64 = NANOS_PER_SEC;

    #[test]
    fn timestamps_parse_with_any_fraction_and_offset() {
        assert_eq!(timestamp(b"1970-01-01T00:00:01.5Z hi"), Some(S + S / 2));
        assert_eq!(timestamp(b"1970-01-01T00:00:01.000000001Z x"), Some(S + 1));
        assert_eq!(timestamp(b"1970-01-01T01:00:00+01:00 x"), Some(0));
        assert_eq!(timestamp(b"not a time at all"), None);
        assert_eq!(timestamp(b"1970-01-01T00:00:01Z"), None, "needs the space");
        assert_eq!(timestamp(b""), None);
    }

    #[test]
    fn floor_second_rounds_down_even_before_1970() {
        assert_eq!(floor_second(S + S - 1), 1);
        assert_eq!(floor_second(-1), -1);
    }

    #[test]
    fn replayed_lines_are_dropped_once_and_new_ones_kept() {
        let mut seen = Seen::new();
        // Emitted before the cut: two lines in second 10 (one of them twice, same content).
        for (ts, h) in [
            (9 * S + 5, 1),
            (10 * S + 1, 2),
            (10 * S + 1, 2),
            (10 * S + 7, 3),
        ] {
            assert!(seen.admit(Some(ts), h));
        }
        assert_eq!(seen.resume(), Some(10));
        // The server replays second 10, then brings a line of second 10 never seen, then more.
        assert!(!seen.admit(Some(10 * S + 1), 2));
        assert!(!seen.admit(Some(10 * S + 1), 2));
        assert!(
            seen.admit(Some(10 * S + 1), 2),
            "a third identical line was never emitted"
        );
        assert!(!seen.admit(Some(10 * S + 7), 3));
        assert!(seen.admit(Some(10 * S + 7), 4), "same time, other content");
        assert!(seen.admit(Some(11 * S), 5));
        // After the replay, identical lines are new again (a program may log the same twice).
        assert!(seen.admit(Some(11 * S), 5));
    }

    #[test]
    fn replay_older_than_the_asked_second_is_dropped() {
        let mut seen = Seen::new();
        assert!(seen.admit(Some(10 * S + 5), 1));
        seen.resume();
        assert!(!seen.admit(Some(9 * S), 7));
        assert!(seen.admit(Some(12 * S), 8));
    }

    #[test]
    fn lines_without_timestamp_are_never_dropped() {
        let mut seen = Seen::new();
        assert_eq!(seen.resume(), None);
        assert!(seen.admit(None, 1));
        assert!(seen.admit(None, 1));
    }

    #[test]
    fn window_keeps_only_the_latest_second() {
        let mut seen = Seen::new();
        for i in 0..10_000 {
            assert!(seen.admit(Some(i * S / 100), i as u64));
        }
        // 100 lines per second: the window holds the last second only.
        assert!(seen.window_len() <= 100, "{}", seen.window_len());
        assert_eq!(seen.last(), Some(9_999 * S / 100));
    }

    #[test]
    fn batch_offsets() {
        let mut b = Batch::with_capacity(64);
        b.push(1, b"[pod/p/c] ", b"a");
        b.push(2, b"[pod/p/c] ", b"bc");
        assert_eq!(b.data, b"[pod/p/c] a\n[pod/p/c] bc\n");
        assert_eq!(b.start(1), 12);
        assert_eq!(&b.data[b.start(1)..b.lines[1].1], b"[pod/p/c] bc\n");
    }

    fn cut(cutter: &mut Cutter, parts: &[&[u8]]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for p in parts {
            cutter.feed(p, &mut |l| out.push(l.to_vec()));
        }
        cutter.finish(&mut |l| out.push(l.to_vec()));
        out
    }

    #[test]
    fn a_line_longer_than_any_buffer_is_one_line() {
        let mut c = Cutter::new(1 << 20);
        let long = vec![b'x'; 300_000];
        let mut parts: Vec<&[u8]> = vec![b"a\nb"];
        parts.extend(long.chunks(4096));
        parts.push(b"\nlast");
        let lines = cut(&mut c, &parts);
        let mut want_b = b"b".to_vec();
        want_b.extend_from_slice(&long);
        assert_eq!(lines, vec![b"a".to_vec(), want_b, b"last".to_vec()]);
        assert_eq!(c.split, 0);
    }

    #[test]
    fn a_line_past_the_limit_is_handed_on_in_counted_pieces() {
        let mut c = Cutter::new(10);
        let lines = cut(&mut c, &[b"0123456", b"789abcdefghij", b"klm\nok\n"]);
        assert_eq!(
            lines,
            vec![
                b"0123456789abcdefghij".to_vec(),
                b"klm".to_vec(),
                b"ok".to_vec()
            ]
        );
        assert_eq!(c.split, 1, "one line, cut once");
        assert!(
            c.carry.capacity() == 0,
            "the long line's memory is given back"
        );
    }

    #[test]
    fn a_broken_connection_drops_the_unfinished_line() {
        let mut c = Cutter::new(64);
        let mut out = Vec::new();
        c.feed(b"done\nhalf of a li", &mut |l| out.push(l.to_vec()));
        c.clear();
        c.finish(&mut |l| out.push(l.to_vec()));
        assert_eq!(out, vec![b"done".to_vec()]);
    }

    #[test]
    fn a_resume_tells_whether_it_reached_back_to_the_last_line() {
        let mut seen = Seen::new();
        assert!(seen.admit(Some(10 * S + 5), 1));
        seen.resume();
        assert!(!seen.matched());
        assert!(!seen.admit(Some(10 * S + 5), 1));
        assert!(seen.matched(), "the last line came again");
        assert!(seen.admit(Some(11 * S), 2));
        assert_eq!(seen.first_new(), Some(11 * S));
        // Next resume: the log no longer holds the last line (container restarted).
        seen.resume();
        assert!(seen.admit(Some(20 * S), 3));
        assert!(!seen.matched());
        assert_eq!(seen.first_new(), Some(20 * S));
    }
}
