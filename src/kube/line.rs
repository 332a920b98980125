//! Per-line work of one log stream, free of I/O: the kubelet's timestamp in front of a line,
//! the de-duplication window that makes a resumed stream (opened again with `sinceTime`) drop
//! the lines it replays, and the batch of formatted lines a stream hands to the merger.

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
        self.record(ts, hash);
        true
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
}
