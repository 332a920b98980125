//! Framing: bytes in, events out. A read buffer of whole lines is scanned once for the
//! catalog's anchor literals and the traceback opener; only lines near a hit are split
//! (kubectl, journal and viewer headers, body) and only multi-line events (tracebacks,
//! pretty-printed JSON, records wrapped over lines) are followed line by line. Lines with
//! no anchor are counted and skipped without being looked at.
//!
//! Sits between `source` (which fills the buffers) and the matcher (which takes [`Event`]s).

pub mod access;
pub mod decode;
pub mod django;
pub mod entra;
mod framer;
pub mod journal;
pub mod jsonblock;
pub mod jsonl;
pub mod kubectl;
pub mod timestamp;
pub mod traceback;
pub mod viewer;
pub mod wrap;

use memchr::{memchr, memchr_iter, memrchr};

use crate::search::BlockSearcher;
pub use framer::{At, Framer};
use traceback::Traceback;

/// One event handed to the matcher: a single line, or a joined traceback.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    /// Line number (1-based) of the first line.
    pub line: u64,
    /// Physical lines in the event.
    pub lines: u64,
    /// Pod from a kubectl `--prefix` header.
    pub pod: Option<&'a [u8]>,
    /// Container from a kubectl `--prefix` header.
    pub container: Option<&'a [u8]>,
    /// Time from a kubectl `--timestamps` header, a log viewer's time column or a
    /// journal's dated prefix, unparsed (see `kubectl::Split::time`).
    pub kube_time: Option<&'a [u8]>,
    /// For a traceback, the nearest line before it in the same stream that has a time
    /// (whole, kubectl headers included).
    pub context: Option<&'a [u8]>,
    /// The event text without kubectl headers.
    pub body: &'a [u8],
    /// Whether this is a joined traceback.
    pub traceback: bool,
}

impl<'a> Event<'a> {
    /// The event of one line, numbered `line`.
    fn single(line: u64, split: &kubectl::Split<'a>) -> Self {
        Event {
            line,
            lines: 1,
            pod: split.pod,
            container: split.container,
            kube_time: split.time,
            context: None,
            body: split.body,
            traceback: false,
        }
    }
}

/// Line and event counts of one input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FrameStats {
    /// Physical lines.
    pub lines: u64,
    /// Lines with bytes that are not valid UTF-8 (matched anyway, shown lossily).
    pub invalid_utf8_lines: u64,
    /// Tracebacks joined.
    pub tracebacks: u64,
    /// Lines inside joined tracebacks.
    pub traceback_lines: u64,
    /// Pretty-printed JSON values joined.
    pub json_blocks: u64,
    /// Lines inside them.
    pub json_block_lines: u64,
    /// Records wrapped over lines joined (a message and its continuation lines).
    pub wrapped: u64,
    /// Lines inside them.
    pub wrapped_lines: u64,
    /// Pieces of lines the container runtime cut (CRI `P`) joined to the piece after them:
    /// the line they make counts as one line, wherever it goes.
    pub cut_pieces: u64,
}

impl FrameStats {
    /// Events: every line is one, except that a multi-line event's lines make one together.
    pub fn events(&self) -> u64 {
        // Saturating: a count of the report must never stop it.
        self.lines.saturating_sub(
            self.traceback_lines + self.json_block_lines + self.wrapped_lines + self.cut_pieces,
        ) + self.tracebacks
            + self.json_blocks
            + self.wrapped
    }

    /// Adds the counts of another part of the same input.
    pub fn merge(&mut self, other: &FrameStats) {
        self.lines += other.lines;
        self.invalid_utf8_lines += other.invalid_utf8_lines;
        self.tracebacks += other.tracebacks;
        self.traceback_lines += other.traceback_lines;
        self.json_blocks += other.json_blocks;
        self.json_block_lines += other.json_block_lines;
        self.wrapped += other.wrapped;
        self.wrapped_lines += other.wrapped_lines;
        self.cut_pieces += other.cut_pieces;
    }
}

/// True when two split lines are of one stream (kubectl header, CRI stream and process
/// prefix).
fn same_stream(a: &kubectl::Split<'_>, b: &kubectl::Split<'_>) -> bool {
    a.stream == b.stream && a.cri == b.cri && a.process == b.process
}

/// Whether the raw line `next_raw` goes on from the record whose only line is `split`
/// (same stream, and [`wrap::continued_by`]). Runs for every candidate line, so the
/// cheap tests come first: the next line's stream, then its start, and only for a next
/// line that starts no record of its own a read through the candidate's text.
fn continues_into(split: &kubectl::Split<'_>, next_raw: &[u8]) -> bool {
    // Under `kubectl logs --prefix` a line of the same stream begins with the same header:
    // lines of the other pods are told apart without being split.
    if split.stream.starts_with(b"[pod/")
        && !(next_raw.starts_with(split.stream) && next_raw.get(split.stream.len()) == Some(&b' '))
    {
        return false;
    }
    let next = kubectl::split(strip_cr(next_raw));
    same_stream(&next, split) && wrap::continued_by(split.body, next.body)
}

/// The stream key of a raw line: kubectl header, CRI stream and process prefix.
fn stream_key(split: &kubectl::Split<'_>) -> Vec<u8> {
    let mut key = split.stream.to_vec();
    key.push(0);
    key.extend_from_slice(split.cri);
    key.push(0);
    key.extend_from_slice(split.process);
    key
}

/// A line the anchor scan picked out of a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// Where the line starts in the block.
    pub start: usize,
    /// Where it ends (its newline, or the end of the block).
    pub end: usize,
    /// Lines of the block before it.
    pub index: u64,
    /// Whether the first literal found on it opens a traceback.
    pub opens: bool,
}

/// What the anchor scan found in one block: the lines worth framing, in order, and the counts
/// that need every byte. It depends on the block alone, so blocks can be scanned on any thread.
#[derive(Debug, Clone, Default)]
pub struct BlockScan {
    /// Lines holding an anchor or the traceback opener.
    pub candidates: Vec<Candidate>,
    /// Lines in the block (a last line without a newline counts).
    pub lines: u64,
    /// Lines with bytes that are not UTF-8.
    pub invalid_utf8_lines: u64,
}

/// Stage one of matching: finds the candidate lines of a block with one SIMD scan.
#[derive(Debug, Clone, Copy)]
pub struct Scanner<'c> {
    searcher: &'c BlockSearcher,
    traceback_pattern: usize,
    probe_anchor: Option<usize>,
}

impl<'c> Scanner<'c> {
    /// A scanner over `searcher`, whose pattern `traceback_pattern` opens tracebacks.
    pub fn new(searcher: &'c BlockSearcher, traceback_pattern: usize) -> Self {
        Scanner {
            searcher,
            traceback_pattern,
            probe_anchor: None,
        }
    }

    /// Leaves out Kubernetes health probes: lines whose only literal is anchor `anchor` (the
    /// login page) and that [`access::is_probe`] calls a probe. They are 5 % of a NetBox log
    /// and can never be part of a sign-in.
    pub fn skip_probes(mut self, anchor: usize) -> Self {
        self.probe_anchor = Some(anchor);
        self
    }

    /// Scans `block` (whole lines) into `out`.
    pub fn scan(&self, block: &[u8], out: &mut BlockScan) {
        out.candidates.clear();
        out.invalid_utf8_lines = count_invalid_utf8_lines(block);
        let len = block.len();
        let mut pos = 0;
        let mut index = 0u64;
        let mut hit = self.searcher.find(block, 0);
        while let Some((h, p)) = hit {
            let start = memrchr(b'\n', &block[pos..h]).map_or(pos, |i| pos + i + 1);
            index += memchr_iter(b'\n', &block[pos..start]).count() as u64;
            let end = memchr(b'\n', &block[h..]).map_or(len, |i| h + i);
            let next = if end < len {
                self.searcher.find(block, h + 1)
            } else {
                None
            };
            let probe = Some(p) == self.probe_anchor
                && next.is_none_or(|(n, _)| n > end)
                && access::is_probe(&block[start..end]);
            if !probe {
                out.candidates.push(Candidate {
                    start,
                    end,
                    index,
                    opens: p == self.traceback_pattern,
                });
            }
            index += 1;
            pos = end + 1;
            hit = match next {
                Some((n, _)) if n < pos => self.searcher.find(block, pos),
                other => other,
            };
        }
        if pos < len {
            index += count_lines(&block[pos..]);
        }
        out.lines = index;
        cut_lines(block, &mut out.candidates);
    }
}

/// How far into a line a CRI tag may stand: after a `--prefix` header (at most 323 bytes)
/// and a time.
const CRI_TAG_WITHIN: usize = 400;

/// Adds to `candidates` (in line order) the pieces of lines the container runtime cut (CRI
/// `stdout P ` / `stderr P `), whatever they hold: the framer joins them with the pieces
/// after them, and an error may stand in any piece. One search of the block for ` P `.
fn cut_lines(block: &[u8], candidates: &mut Vec<Candidate>) {
    let mut pieces: Vec<Candidate> = Vec::new();
    let mut counted = 0;
    let mut index = 0u64;
    let mut after = 0;
    for hit in memchr::memmem::find_iter(block, b" P ") {
        if hit < after {
            continue;
        }
        let start = memrchr(b'\n', &block[..hit]).map_or(0, |i| i + 1);
        let end = memchr(b'\n', &block[hit..]).map_or(block.len(), |i| hit + i);
        after = end;
        if hit - start > CRI_TAG_WITHIN
            || !(block[..hit].ends_with(b"stdout") || block[..hit].ends_with(b"stderr"))
            || !kubectl::split(strip_cr(&block[start..end])).partial
        {
            continue;
        }
        index += memchr_iter(b'\n', &block[counted..start]).count() as u64;
        counted = start;
        pieces.push(Candidate {
            start,
            end,
            index,
            opens: false,
        });
    }
    if pieces.is_empty() {
        return;
    }
    let anchored = std::mem::take(candidates);
    candidates.reserve(anchored.len() + pieces.len());
    let (mut a, mut p) = (
        anchored.into_iter().peekable(),
        pieces.into_iter().peekable(),
    );
    loop {
        let next = match (a.peek(), p.peek()) {
            (Some(x), Some(y)) if x.start == y.start => {
                p.next();
                a.next()
            }
            (Some(x), Some(y)) if y.start < x.start => p.next(),
            (Some(_), _) => a.next(),
            (None, _) => p.next(),
        };
        match next {
            Some(c) => candidates.push(c),
            None => break,
        }
    }
}

fn strip_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Lines in `region`: its newlines, plus one for a last line without one.
fn count_lines(region: &[u8]) -> u64 {
    let nl = memchr_iter(b'\n', region).count() as u64;
    nl + u64::from(region.last().is_some_and(|&b| b != b'\n'))
}

/// Lines of `block` holding bytes that are not UTF-8. Validation runs over the whole block
/// and restarts after each bad line, so a clean block costs one fast pass.
fn count_invalid_utf8_lines(block: &[u8]) -> u64 {
    // simdutf8 checks at several times the speed of the standard library, and its `compat`
    // flavour says where the valid part ends, as std does: one bad line in a megabyte
    // (common in real logs and in the generated ones) costs no second pass.
    let mut count = 0;
    let mut rest = block;
    while let Err(err) = simdutf8::compat::from_utf8(rest) {
        count += 1;
        let bad = err.valid_up_to();
        match memchr(b'\n', &rest[bad..]) {
            Some(i) => rest = &rest[bad + i + 1..],
            None => break,
        }
    }
    count
}

/// `bytes` as text, invalid UTF-8 shown as U+FFFD: [`String::from_utf8_lossy`] with a SIMD
/// check first, since the standard library walks even clean text byte by byte here (it was
/// 4% of a scan).
pub fn lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// The frame a candidate line becomes when no multi-line event is open on its stream, with
/// its line number counted from the start of its block (`None` when the line may open or
/// continue a multi-line event: the framer decides those in order). What a worker thread
/// matches ahead of the framer.
pub fn single_line_frame<'b>(block: &'b [u8], candidate: &Candidate) -> Option<Event<'b>> {
    let split = kubectl::split(strip_cr(&block[candidate.start..candidate.end]));
    if (candidate.opens && Traceback::starts(split.body))
        || split.partial
        || jsonblock::opens(split.body)
        || jsonblock::is_inner(split.body)
        || may_join(block, candidate, &split)
    {
        return None;
    }
    Some(Event::single(candidate.index + 1, &split))
}

/// Whether a candidate line may be part of a record over several lines or of a request
/// dump, judged from its neighbours in the block (the framer decides; this only keeps the
/// threads that match ahead from matching what it may join). Cheap: a look at the line
/// above and the line below.
fn may_join(block: &[u8], candidate: &Candidate, split: &kubectl::Split<'_>) -> bool {
    let body = split.body;
    fn neighbour<'b>(raw: &'b [u8], split: &kubectl::Split<'_>) -> Option<kubectl::Split<'b>> {
        let s = kubectl::split(strip_cr(raw));
        same_stream(&s, split).then_some(s)
    }
    let indented = wrap::is_indented_text(body);
    if indented || !wrap::starts_record(body) {
        // It may sit in a request dump, or go on from the line above.
        if candidate.start == 0 || django::dump_line(body).is_some() {
            return true;
        }
        let from = memrchr(b'\n', &block[..candidate.start - 1]).map_or(0, |i| i + 1);
        if let Some(prev) = neighbour(&block[from..candidate.start - 1], split)
            && !prev.body.trim_ascii().is_empty()
            && (indented
                || !wrap::starts_record(prev.body)
                || wrap::Openness::of(prev.body).is_open())
        {
            return true;
        }
    }
    if candidate.end >= block.len() {
        return true;
    }
    let next_end =
        memchr(b'\n', &block[candidate.end + 1..]).map_or(block.len(), |i| candidate.end + 1 + i);
    continues_into(split, &block[candidate.end + 1..next_end])
}

#[cfg(test)]
mod tests;
