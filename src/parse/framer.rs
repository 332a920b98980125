//! The framing state machine: it walks the candidate lines of each buffer (and the lines
//! of the multi-line events open on them), joins tracebacks, pretty-printed JSON, Django's
//! reports and records wrapped over lines, and hands each event on. What a line is made of
//! (headers, body, may it join?) is in the modules beside it; `mod.rs` has the event, the
//! scan of a buffer and what the threads that match ahead are told.

use memchr::{memchr, memrchr};

use super::jsonblock::{self, JsonBlock};
use super::traceback::Traceback;
use super::wrap::{self, Next, Wrap};
use super::{
    BlockScan, Event, FrameStats, Scanner, continues_into, django, kubectl, same_stream,
    stream_key, strip_cr, timestamp,
};
use crate::search::BlockSearcher;

/// Lines a traceback looks back for the time of the message it belongs to.
const CONTEXT_LOOK_BACK: usize = 8;

/// Lines a traceback looks back for the time of the report it is part of (Django lists its
/// installed applications and middleware between the two).
const REPORT_LOOK_BACK: usize = 256;

/// How far back (in bytes, from the start of the line looking) the framer looks for a
/// traceback's context line or a JSON block's opening line, across buffers.
const KEPT_BYTES: usize = 64 << 10;

/// Multi-line events open at once (tracebacks, JSON values, wrapped records, one per
/// stream at most): past it the oldest is closed, so a log of many streams each opening
/// an event that never ends costs time linear in its size.
const MAX_OPEN: usize = 64;

/// Streams with pieces of a cut line waiting for their last piece at once; past it the
/// oldest is framed as it stands.
const MAX_PIECE_STREAMS: usize = 64;

/// Bytes of a cut line's pieces joined at most; past it what was joined is framed as a
/// line of its own and the next pieces start another (as the reader does with a line
/// longer than its limit).
const MAX_PIECES_BYTES: usize = 4 << 20;

/// The pieces of a line the container runtime cut (CRI `P` lines), waiting for the last.
#[derive(Debug)]
struct Pieces {
    /// The stream the pieces are of: `--prefix` header and CRI stream.
    stream: Vec<u8>,
    cri: Vec<u8>,
    /// The first piece's line up to its tag, the tag made `F `: what the joined line is
    /// read after.
    head: Vec<u8>,
    /// The pieces so far, joined.
    text: Vec<u8>,
    first_line: u64,
    lines: u64,
}

impl Pieces {
    /// Whether `split` is a piece of this stream (a process prefix is no part of a piece).
    fn is_of(&self, split: &kubectl::Split<'_>) -> bool {
        self.stream == split.stream && self.cri == split.cri
    }
}

/// Where a line is (its first physical line) and how many physical lines it is made of
/// (more than one for a line the runtime cut).
#[derive(Debug, Clone, Copy)]
struct LineAt {
    line: u64,
    lines: u64,
}

/// The first line start at or after `at` in `buf` (its length when none).
fn line_start_at(buf: &[u8], at: usize) -> usize {
    if at == 0 || buf[at - 1] == b'\n' {
        return at;
    }
    memchr(b'\n', &buf[at..]).map_or(buf.len(), |i| at + i + 1)
}

/// Where a line found by looking back starts: in the current buffer, or among the lines
/// kept from earlier ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// Offset in the current buffer.
    Block(usize),
    /// Offset in the kept lines.
    Earlier(usize),
}

/// The lines before a line, nearest first (see `Framer::before`); each comes raw (a
/// carriage return left on), with where it starts.
struct Before<'a> {
    block: &'a [u8],
    earlier: &'a [u8],
    /// Where the looking line starts in `block`.
    start: usize,
    /// Where the line last handed out starts, in `block` or `earlier`.
    end: usize,
    in_block: bool,
}

impl<'a> Iterator for Before<'a> {
    type Item = (At, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        if self.in_block && self.end == 0 {
            self.in_block = false;
            self.end = self.earlier.len();
        }
        let buf = if self.in_block {
            self.block
        } else {
            self.earlier
        };
        if self.end == 0 {
            return None;
        }
        // Every line there ends with a newline, the one at `end - 1`.
        let line_end = self.end - 1;
        let from = memrchr(b'\n', &buf[..line_end]).map_or(0, |i| i + 1);
        let distance = if self.in_block {
            self.start - from
        } else {
            self.start + self.earlier.len() - from
        };
        if distance > KEPT_BYTES {
            return None;
        }
        self.end = from;
        let at = if self.in_block {
            At::Block(from)
        } else {
            At::Earlier(from)
        };
        Some((at, &buf[from..line_end]))
    }
}

/// What a multi-line event is.
#[derive(Debug, Clone)]
enum Joined {
    Traceback(Traceback),
    Json(JsonBlock),
    Wrap(Wrap),
}

/// A multi-line event still taking lines, with the stream it belongs to.
#[derive(Debug, Clone)]
struct Open {
    stream: Vec<u8>,
    /// The CRI stream (`stdout`, `stderr`), empty for other lines.
    cri: Vec<u8>,
    process: Vec<u8>,
    pod: Option<Vec<u8>>,
    container: Option<Vec<u8>>,
    kube_time: Option<Vec<u8>>,
    context: Option<Vec<u8>>,
    first_line: u64,
    joined: Joined,
    /// For a record that may go on (a [`Wrap`] of one line so far): the candidate index
    /// of its line, so it is handed on as the single-line event matched ahead of time when
    /// nothing joins it, and the buffer (by count) the index is one of.
    index: Option<(usize, u64)>,
}

impl Open {
    fn new(split: &kubectl::Split<'_>, first_line: u64, joined: Joined) -> Self {
        Open {
            stream: split.stream.to_vec(),
            cri: split.cri.to_vec(),
            process: split.process.to_vec(),
            pod: split.pod.map(<[u8]>::to_vec),
            container: split.container.map(<[u8]>::to_vec),
            kube_time: split.time.map(<[u8]>::to_vec),
            context: None,
            first_line,
            joined,
            index: None,
        }
    }

    fn is_stream_of(&self, split: &kubectl::Split<'_>) -> bool {
        self.stream == split.stream && self.cri == split.cri && self.process == split.process
    }

    fn offer(&mut self, body: &[u8]) -> bool {
        match &mut self.joined {
            Joined::Traceback(tb) => tb.offer(body),
            Joined::Json(js) => {
                if js.offer(body) {
                    return true;
                }
                // A line that opened a value and goes on without the indent of a
                // pretty-printed one: a long line wrapped or split (`{"msg":"... ` then the
                // rest), one record.
                if js.lines == 1 {
                    let mut wrap = Wrap::open(&js.text);
                    if let Next::Join(join) = wrap.next(body) {
                        wrap.take(body, join);
                        self.joined = Joined::Wrap(wrap);
                        return true;
                    }
                }
                false
            }
            Joined::Wrap(w) => match w.next(body) {
                Next::Join(join) => {
                    w.take(body, join);
                    true
                }
                Next::Json => {
                    let lead = std::mem::take(&mut w.text);
                    self.joined = Joined::Json(JsonBlock::open([&lead[..], body]));
                    true
                }
                Next::End => false,
            },
        }
    }
}

/// The framing state machine of one input.
pub struct Framer<'c> {
    scanner: Scanner<'c>,
    scan: BlockScan,
    open: Vec<Open>,
    /// Whole lines before the current buffer, each with its newline: every line that starts
    /// within [`KEPT_BYTES`] of the buffer's start (and the last line, however long), so a
    /// look back gives the same answer wherever the buffers were cut.
    earlier: Vec<u8>,
    /// The last line (1-based) of a multi-line event handed on: a record found by looking
    /// back never starts at or before it, so no line is in two events.
    joined_to: u64,
    /// The last line looked at for a request dump: its number, stream and section.
    dump_memo: Option<(u64, Vec<u8>, Option<django::Section>)>,
    /// Buffers framed so far.
    feeds: u64,
    /// A live stream: the last line of a buffer is not held for the next (see
    /// [`Framer::set_live`]).
    live: bool,
    /// Cut lines waiting for their last piece, oldest first.
    pieces: Vec<Pieces>,
    /// Counts so far.
    pub stats: FrameStats,
}

impl<'c> Framer<'c> {
    /// A framer using the compiled catalog's block searcher; `traceback_pattern` is the
    /// pattern id of the traceback opener in it.
    pub fn new(searcher: &'c BlockSearcher, traceback_pattern: usize) -> Self {
        Self::with_scanner(Scanner::new(searcher, traceback_pattern))
    }

    /// A framer whose blocks are scanned by `scanner`.
    pub fn with_scanner(scanner: Scanner<'c>) -> Self {
        Framer {
            scanner,
            scan: BlockScan::default(),
            open: Vec::new(),
            earlier: Vec::new(),
            joined_to: 0,
            dump_memo: None,
            feeds: 0,
            live: false,
            pieces: Vec::new(),
            stats: FrameStats::default(),
        }
    }

    /// Frames a live stream (`kube -f`): a buffer's last line is handed on at once instead
    /// of waiting for the next buffer to tell whether it wraps onto the next line. A stream
    /// may go quiet for hours after the line that matters; records wrapped over lines are a
    /// terminal copy's shape, not a pod's.
    pub fn set_live(&mut self, live: bool) {
        self.live = live;
    }

    /// The scanner this framer scans its blocks with.
    pub fn scanner(&self) -> Scanner<'c> {
        self.scanner
    }

    /// Frames a buffer of whole lines (the last may lack its newline only at the end of the
    /// input) and hands each candidate event to `emit`.
    pub fn feed(&mut self, block: &[u8], emit: &mut dyn FnMut(&Event<'_>)) {
        let mut scan = std::mem::take(&mut self.scan);
        self.scanner.scan(block, &mut scan);
        self.feed_scanned(block, &scan, &mut |frame, _| emit(frame));
        self.scan = scan;
    }

    /// [`Framer::feed`] with the scan already done (by [`Scanner::scan`] on any thread).
    /// `emit` also gets the index in `scan.candidates` of the line a single-line event was
    /// made from: [`super::single_line_frame`] of it is the same event, numbered from the block.
    pub fn feed_scanned(
        &mut self,
        block: &[u8],
        scan: &BlockScan,
        emit: &mut dyn FnMut(&Event<'_>, Option<usize>),
    ) {
        if block.is_empty() {
            return;
        }
        self.feeds += 1;
        self.stats.invalid_utf8_lines += scan.invalid_utf8_lines;
        let base = self.stats.lines;
        let len = block.len();
        let mut pos = 0;
        let mut index = 0u64;
        let mut next = 0;
        while pos < len {
            if self.open.is_empty() && self.pieces.is_empty() {
                let Some(c) = scan.candidates.get(next) else {
                    break;
                };
                pos = c.start;
                index = c.index;
            }
            let end = memchr(b'\n', &block[pos..]).map_or(len, |i| pos + i);
            let candidate = scan
                .candidates
                .get(next)
                .filter(|c| c.start == pos)
                .map(|c| (next, c.opens));
            if candidate.is_some() {
                next += 1;
            }
            self.stats.lines = base + index + 1;
            self.line(block, pos, end, candidate, emit);
            pos = end + 1;
            index += 1;
        }
        self.stats.lines = base + scan.lines;
        self.keep(block);
    }

    /// Keeps the end of `block` for the next buffer's lines to look back on. A run of
    /// small buffers (a live stream hands on a line at a time) is trimmed only when twice
    /// the kept size has gathered, so each byte is moved a bounded number of times.
    fn keep(&mut self, block: &[u8]) {
        let last = memrchr(b'\n', &block[..block.len() - 1]).map_or(0, |i| i + 1);
        if block.len() >= KEPT_BYTES {
            let from = line_start_at(block, block.len() - KEPT_BYTES).min(last);
            self.earlier.clear();
            if self.earlier.capacity() > 4 * KEPT_BYTES + block.len() - from {
                // A piece of an over-long line was kept before: give its room back.
                self.earlier = Vec::new();
            }
            // With room for the newline below: pushing it past the capacity would copy a
            // long line's piece (64 MiB) into a buffer twice its size.
            self.earlier.reserve_exact(block.len() - from + 1);
            self.earlier.extend_from_slice(&block[from..]);
        } else {
            self.earlier.extend_from_slice(block);
            if self.earlier.len() > 2 * KEPT_BYTES {
                let last = self.earlier.len() - (block.len() - last);
                let from = line_start_at(&self.earlier, self.earlier.len() - KEPT_BYTES).min(last);
                self.earlier.drain(..from);
            }
        }
        // A piece of an over-long line (or the input's last line) is a line of its own.
        if self.earlier.last() != Some(&b'\n') {
            self.earlier.push(b'\n');
        }
    }

    /// The lines before the one starting at `start` in `block`, nearest first, as far back
    /// as [`KEPT_BYTES`] from its start, through the kept lines of earlier buffers.
    fn before<'a>(&'a self, block: &'a [u8], start: usize) -> Before<'a> {
        Before {
            block,
            earlier: &self.earlier,
            start,
            end: start,
            in_block: true,
        }
    }

    /// One line; `candidate` is its index in the scan and whether it may open a traceback.
    fn line(
        &mut self,
        block: &[u8],
        start: usize,
        end: usize,
        candidate: Option<(usize, bool)>,
        emit: &mut dyn FnMut(&Event<'_>, Option<usize>),
    ) {
        let raw = strip_cr(&block[start..end]);
        let split = kubectl::split(raw);
        let at = LineAt {
            line: self.stats.lines,
            lines: 1,
        };
        // A line the container runtime cut: its pieces wait, apart from other streams',
        // until the last comes; the line they make is then framed as any other line.
        let cut = !split.cri.is_empty();
        let waiting = cut
            .then(|| self.pieces.iter().position(|p| p.is_of(&split)))
            .flatten();
        if let Some(i) = waiting {
            let p = &mut self.pieces[i];
            p.text.extend_from_slice(split.piece);
            p.lines += 1;
            if split.partial && p.text.len() < MAX_PIECES_BYTES {
                return;
            }
            let p = self.pieces.remove(i);
            self.joined(block, start, end, p, emit);
            return;
        }
        if !(cut && split.partial) {
            let candidate = candidate.map(|(i, o)| (Some(i), o));
            self.framed(block, start, end, &split, at, candidate, emit);
            return;
        }
        if self.pieces.len() >= MAX_PIECE_STREAMS {
            let p = self.pieces.remove(0);
            self.joined(block, start, start, p, emit);
        }
        // The first piece's headers with its tag made `F `: the joined line reads as one
        // the runtime never cut (none when the piece is not the line's end, in a table row).
        let head = raw
            .strip_suffix(split.piece)
            .and_then(|h| h.strip_suffix(b"P "))
            .map(|h| [h, b"F "].concat())
            .unwrap_or_default();
        self.pieces.push(Pieces {
            stream: split.stream.to_vec(),
            cri: split.cri.to_vec(),
            head,
            text: split.piece.to_vec(),
            first_line: at.line,
            lines: 1,
        });
    }

    /// Frames the line a cut line's pieces make, as a candidate (no index: the line was
    /// not matched ahead).
    fn joined(
        &mut self,
        block: &[u8],
        start: usize,
        end: usize,
        pieces: Pieces,
        emit: &mut dyn FnMut(&Event<'_>, Option<usize>),
    ) {
        self.stats.cut_pieces += pieces.lines - 1;
        let mut line = pieces.head;
        line.extend_from_slice(&pieces.text);
        let split = kubectl::split(&line);
        let at = LineAt {
            line: pieces.first_line,
            lines: pieces.lines,
        };
        self.framed(block, start, end, &split, at, Some((None, true)), emit);
        if pieces.lines > 1 {
            self.joined_to = self.joined_to.max(self.stats.lines);
        }
    }

    /// Multi-line events open now.
    #[cfg(test)]
    pub(super) fn open_events(&self) -> usize {
        self.open.len() + self.pieces.len()
    }

    /// Opens a multi-line event; past [`MAX_OPEN`] the oldest open one is closed first.
    fn push_open(&mut self, open: Open, emit: &mut dyn FnMut(&Event<'_>, Option<usize>)) {
        if self.open.len() >= MAX_OPEN
            && let Some(i) = (0..self.open.len()).min_by_key(|&i| self.open[i].first_line)
        {
            let done = self.open.remove(i);
            self.close(done, emit);
        }
        self.open.push(open);
    }

    /// Frames one line (`split`, at `at`; for a cut line, the line its pieces make) that
    /// ends at `end` in `block` (the look-back starts at `start`). `candidate`: its index in
    /// the scan (none for a joined line) and whether it may open a traceback.
    #[allow(clippy::too_many_arguments)]
    fn framed(
        &mut self,
        block: &[u8],
        start: usize,
        end: usize,
        split: &kubectl::Split<'_>,
        at: LineAt,
        candidate: Option<(Option<usize>, bool)>,
        emit: &mut dyn FnMut(&Event<'_>, Option<usize>),
    ) {
        let split = *split;
        let joined = at.lines > 1 || candidate.is_some_and(|(i, _)| i.is_none());
        // A wrapped record goes on only on the very next line: a line of another stream
        // ends it.
        while let Some(i) = self
            .open
            .iter()
            .position(|o| matches!(o.joined, Joined::Wrap(_)) && !o.is_stream_of(&split))
        {
            let done = self.open.swap_remove(i);
            self.close(done, emit);
        }
        if let Some(i) = self.open.iter().position(|o| o.is_stream_of(&split)) {
            if self.open[i].offer(split.body) {
                return;
            }
            let done = self.open.swap_remove(i);
            self.close(done, emit);
        }
        let line = at.line;
        let Some((index, may_open)) = candidate else {
            return;
        };
        if may_open && Traceback::starts(split.body) {
            let mut open = Open::new(&split, line, Joined::Traceback(Traceback::open(split.body)));
            open.context = self.context_before(block, start, &split, true);
            self.push_open(open, emit);
            return;
        }
        if !joined && self.json(block, start, end, &split, emit) {
            return;
        }
        // Django's request dump (cookies, headers, settings) says nothing went wrong.
        if !wrap::starts_record(split.body) && django::dump_line(split.body).is_some() {
            let key = stream_key(&split);
            let known = self
                .dump_memo
                .as_ref()
                .filter(|(at, k, _)| *at < line && *k == key)
                .map(|&(at, _, section)| ((line - at) as usize, section));
            let section =
                django::section_of(split.body, self.bodies_before(block, start, &split), known);
            self.dump_memo = Some((line, key, section));
            let shown = section == Some(django::Section::Get) && django::is_error_row(split.body);
            if section.is_some() && !shown {
                return;
            }
        }
        // A record wrapped over lines: this line goes on from the lines above it...
        if let Some((above, record)) = (!joined)
            .then(|| wrap::start_of(split.body, self.bodies_before(block, start, &split)))
            .flatten()
        {
            let first_line = line - above as u64;
            if first_line > self.joined_to {
                let head = self
                    .before(block, start)
                    .map(|(_, raw)| strip_cr(raw))
                    .filter(|raw| same_stream(&kubectl::split(raw), &split))
                    .nth(above - 1)
                    .map(<[u8]>::to_vec)
                    .unwrap_or_default();
                let head = kubectl::split(&head);
                let mut open = Open::new(&head, first_line, Joined::Wrap(record));
                open.process = split.process.to_vec();
                self.push_open(open, emit);
                return;
            }
        }
        // ... or the lines below may go on from it.
        if !joined && self.may_go_on(block, end, &split) {
            let mut open = Open::new(&split, line, Joined::Wrap(Wrap::open(split.body)));
            open.index = index.map(|i| (i, self.feeds));
            self.push_open(open, emit);
            return;
        }
        let mut event = Event::single(line, &split);
        event.lines = at.lines;
        emit(&event, index);
    }

    /// The bodies of the lines before the one at `start`, nearest first, `None` for a line
    /// of another stream than `key`.
    fn bodies_before<'a>(
        &'a self,
        block: &'a [u8],
        start: usize,
        split: &'a kubectl::Split<'a>,
    ) -> impl Iterator<Item = Option<&'a [u8]>> + 'a {
        self.before(block, start).map(move |(_, raw)| {
            let s = kubectl::split(strip_cr(raw));
            same_stream(&s, split).then_some(s.body)
        })
    }

    /// Whether the line after the one ending at `end` may go on from it: the next line when
    /// it is in the block, else yes (the next buffer's first line decides).
    fn may_go_on(&self, block: &[u8], end: usize, split: &kubectl::Split<'_>) -> bool {
        if end + 1 >= block.len() {
            return !self.live;
        }
        let next_end = memchr(b'\n', &block[end + 1..]).map_or(block.len(), |i| end + 1 + i);
        continues_into(split, &block[end + 1..next_end])
    }

    /// Pretty-printed JSON: opens a block at this line, or at the line above that opened
    /// the value this line sits in (and the line leading in to it). True when it did.
    fn json(
        &mut self,
        block: &[u8],
        start: usize,
        end: usize,
        split: &kubectl::Split<'_>,
        emit: &mut dyn FnMut(&Event<'_>, Option<usize>),
    ) -> bool {
        let line = self.stats.lines;
        let json_start = if jsonblock::opens(split.body) && !jsonblock::is_inner(split.body) {
            // A bare `{` has its lead-in on the line above (`... Response:`).
            let lead = jsonblock::is_bare_opener(split.body)
                .then(|| {
                    self.before(block, start)
                        .map(|(at, raw)| (at, kubectl::split(strip_cr(raw))))
                        .find(|(_, s)| same_stream(s, split))
                        .filter(|(_, s)| s.body.trim_ascii_end().ends_with(b":"))
                        .map(|(at, _)| at)
                })
                .flatten();
            Some((At::Block(start), lead))
        } else if jsonblock::is_inner(split.body) {
            let key = stream_key(split);
            jsonblock::start_of(self.before(block, start), &key, |raw| {
                let s = kubectl::split(raw);
                (stream_key(&s), s.body.to_vec())
            })
        } else {
            None
        };
        let Some((opener, lead)) = json_start else {
            return false;
        };
        let from = lead.unwrap_or(opener);
        // The opening line may be in an earlier buffer, among the kept lines.
        let (kept, from) = match from {
            At::Earlier(at) => (&self.earlier[at..self.earlier.len() - 1], 0),
            At::Block(at) => (&[][..], at),
        };
        let raws: Vec<&[u8]> = (!kept.is_empty())
            .then(|| kept.split(|&b| b == b'\n'))
            .into_iter()
            .flatten()
            .chain(block[from..end].split(|&b| b == b'\n'))
            .map(strip_cr)
            .collect();
        let first_line = line + 1 - raws.len() as u64;
        if first_line <= self.joined_to {
            return false;
        }
        // Lines of other pods interleaved with the value are not part of it.
        let ours: Vec<&[u8]> = raws
            .iter()
            .copied()
            .filter(|raw| same_stream(&kubectl::split(raw), split))
            .collect();
        let bodies: Vec<&[u8]> = ours.iter().map(|l| kubectl::split(l).body).collect();
        let first = kubectl::split(ours[0]);
        let block_json = JsonBlock::open(bodies);
        let mut open = Open::new(&first, first_line, Joined::Json(block_json));
        open.process = split.process.to_vec();
        // A value with no line leading in to it takes its time from the line above, as a
        // traceback does.
        if lead.is_none()
            && let At::Block(at) = opener
        {
            open.context = self.context_before(block, at, &first, false);
        }
        let still_open = matches!(&open.joined, Joined::Json(j) if j.is_open());
        if still_open {
            self.push_open(open, emit);
        } else {
            self.close(open, emit);
        }
        true
    }

    /// The nearest line of the same stream before a traceback that carries a time (the
    /// message the traceback belongs to is usually right above it), looking back at most
    /// [`CONTEXT_LOOK_BACK`] lines of the current buffer, then the last line of the previous one.
    /// A report with no time near its traceback (Django's e-mail or technical 500 page) has
    /// one further up: its `Server time:` (or the e-mail's `Date:`), looked for as far as
    /// [`REPORT_LOOK_BACK`] lines. A JSON value (`report` false) takes the time of the line
    /// of its stream right above it only.
    fn context_before(
        &self,
        block: &[u8],
        start: usize,
        split: &kubectl::Split<'_>,
        report: bool,
    ) -> Option<Vec<u8>> {
        let mut before = self.before(block, start);
        for (_, raw) in before.by_ref().take(CONTEXT_LOOK_BACK) {
            let raw = strip_cr(raw);
            let prev = kubectl::split(raw);
            if !same_stream(&prev, split) {
                continue;
            }
            if prev.time.is_some() || timestamp::find(prev.body).is_some() {
                return Some(raw.to_vec());
            }
            // A JSON value's time is that of the line right above it, or none.
            if !report {
                return None;
            }
        }
        if !report {
            return None;
        }
        // Further up, only the report's own time lines are read (they are pasted as the
        // program wrote them, with no prefix).
        before
            .take(REPORT_LOOK_BACK - CONTEXT_LOOK_BACK)
            .map(|(_, raw)| strip_cr(raw))
            .find(|raw| {
                (raw.starts_with(b"Server time:") || raw.starts_with(b"Date: "))
                    && timestamp::find(raw).is_some()
            })
            .map(<[u8]>::to_vec)
    }

    fn close(&mut self, open: Open, emit: &mut dyn FnMut(&Event<'_>, Option<usize>)) {
        let (text, lines, traceback) = match &open.joined {
            Joined::Traceback(tb) => {
                self.stats.tracebacks += 1;
                self.stats.traceback_lines += tb.lines;
                (&tb.text, tb.lines, true)
            }
            Joined::Json(js) => {
                self.stats.json_blocks += 1;
                self.stats.json_block_lines += js.lines;
                (&js.text, js.lines, false)
            }
            Joined::Wrap(w) if w.lines == 1 => (&w.text, 1, false),
            Joined::Wrap(w) => {
                self.stats.wrapped += 1;
                self.stats.wrapped_lines += w.lines;
                (&w.text, w.lines, false)
            }
        };
        // Django's report header has its time in its details.
        let report_time = match (&open.joined, &open.context) {
            (Joined::Wrap(w), None) => w.report_time().map(<[u8]>::to_vec),
            _ => None,
        };
        let context = open.context.as_deref().or(report_time.as_deref());
        if lines > 1 {
            self.joined_to = self.joined_to.max(open.first_line + lines - 1);
        }
        emit(
            &Event {
                line: open.first_line,
                lines,
                pod: open.pod.as_deref(),
                container: open.container.as_deref(),
                kube_time: open.kube_time.as_deref(),
                context,
                body: text,
                traceback,
            },
            // A record nothing joined is the single-line event matched ahead, when it is
            // closed in the buffer it was found in (an index is one of that buffer's).
            open.index
                .filter(|&(_, fed)| lines == 1 && fed == self.feeds)
                .map(|(i, _)| i),
        );
    }

    /// The last line read so far (kubectl headers included): its time is the end of the log.
    pub fn last_line(&self) -> Option<&[u8]> {
        let kept = self.earlier.strip_suffix(b"\n")?;
        let from = memrchr(b'\n', kept).map_or(0, |i| i + 1);
        Some(strip_cr(&kept[from..]))
    }

    /// Closes tracebacks still open at the end of the input, oldest first.
    pub fn finish(&mut self, emit: &mut dyn FnMut(&Event<'_>)) {
        // Pieces whose last piece never came: the line they make so far.
        for p in std::mem::take(&mut self.pieces) {
            self.joined(&[], 0, 0, p, &mut |frame, _| emit(frame));
        }
        let mut open = std::mem::take(&mut self.open);
        open.sort_by_key(|o| o.first_line);
        for o in open {
            self.close(o, &mut |frame, _| emit(frame));
        }
    }
}
