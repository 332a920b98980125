//! Where bytes come from: files, directories (walked recursively in name order; hidden
//! entries passed over), gzip files (detected by their magic bytes, decompressed while
//! reading), stdin, support bundles (`bundle`: tar archives and extracted bundle folders)
//! and HAR files (`har`: told apart and handed on as bytes; `crate::har` reads them).
//! [`detect`] says what a named path is. Every input of `scan` is read here, except the
//! cluster (`crate::kube`). It hands out buffers of whole lines and says what it could not
//! read. Whether a file is text is told by its content ([`sniff_binary`]), never by its
//! name: a binary file named on the command line fails the run, one found in a folder or an
//! archive is passed over ([`Error::BinarySkipped`]).
//!
//! A new kind of file is more than its module and its line in [`detect::FILE_KINDS`]: see
//! "How to add" in docs/ARCHITECTURE.md for the full list and which reader to build on
//! (`read_stream`, `open_raw`).

use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;

use crate::error::{Error, Result};

pub mod bundle;
pub mod detect;
pub mod har;
mod walk;

pub use walk::{Expanded, expand, expand_all, hidden_note, not_files_note};
pub(crate) use walk::{is_hidden, list_dir};

/// Target size of one buffer handed to the framer.
pub const BLOCK: usize = 1 << 20;

/// A line longer than this is handed on in pieces (each counted in `split_lines`), so one
/// endless line cannot take all memory: a piece is built in the reader's buffer, scanned on
/// a worker, and the framer keeps the last line of each buffer, so a few pieces are in
/// memory at once (issue #15: at most 300 MiB for a 10 GiB line; 256 MiB pieces made it
/// 1.1 GB).
pub const MAX_LINE: usize = 64 << 20;

/// A buffer that must hold a line longer than this gets room for a whole piece
/// ([`MAX_LINE`]) at once: its capacity is set aside in one step (no bytes are touched
/// until read), so growing it does not copy it again and again. Doubling a buffer copies
/// it each time, and the allocator keeps the old and the new copy for a moment.
const LONG_LINE: usize = 4 << 20;

/// One buffer of whole lines handed on by a reader: the lines are `data[start..start + len]`.
/// The reader reads into `data`, so a consumer that keeps the lines past the call (a worker
/// thread) takes the buffer by swapping another into `data`, instead of copying it; the
/// reader then reads into whatever buffer it finds there, growing it as needed.
#[derive(Debug, Default)]
pub struct Block {
    /// The buffer; bytes outside the lines are the reader's scratch.
    pub data: Vec<u8>,
    /// Where the lines start in `data` (see [`Block::place`]).
    pub start: usize,
    /// How many bytes the lines fill.
    pub len: usize,
}

/// Reads write to a multiple of this many bytes in memory. The kernel copies a cached file
/// into a buffer whose start is off by 16 bytes (where `malloc` puts a large block) at a
/// quarter of the speed: 750 ms per GiB instead of 195 ms on the benchmark machine, which
/// made the copy a fifth of all the work or a fourteenth, depending on where the buffer
/// happened to land.
pub const READ_ALIGN: usize = 64;

impl Block {
    /// The lines.
    pub fn bytes(&self) -> &[u8] {
        &self.data[self.start..self.start + self.len]
    }

    /// Makes room for `size` bytes from [`Block::start`], placed so that the byte `head`
    /// bytes in is [`READ_ALIGN`]ed in memory: a reader that keeps `head` bytes of a line
    /// from the last buffer copies them in first, then reads after them. Moves nothing:
    /// the bytes from `start` are the caller's to fill.
    pub fn place(&mut self, head: usize, size: usize) {
        if self.data.len() < size + READ_ALIGN {
            self.data.resize(size + READ_ALIGN, 0);
        }
        let at = self.data.as_ptr() as usize + head;
        self.start = (READ_ALIGN - at % READ_ALIGN) % READ_ALIGN;
    }

    /// Makes room for `size` bytes from [`Block::start`], keeping the bytes there (a line
    /// that outgrew the buffer; reads after them need not be aligned). Past `LONG_LINE`
    /// the capacity for a whole [`MAX_LINE`] piece is reserved at once, so that growing on
    /// up to it moves nothing.
    pub fn grow(&mut self, size: usize) {
        let want = self.start + size;
        if want > LONG_LINE {
            let piece = self.start + MAX_LINE + BLOCK;
            self.data.reserve_exact(piece.max(want) - self.data.len());
        }
        if self.data.len() < want {
            self.data.resize(want, 0);
        }
    }

    /// The buffer from [`Block::start`] on, to read into.
    pub fn area(&mut self) -> &mut [u8] {
        &mut self.data[self.start..]
    }

    /// Replaces the lines with a copy of `bytes`, for producers that do not read into a
    /// buffer of their own.
    pub fn fill_from(&mut self, bytes: &[u8]) {
        self.data.clear();
        self.data.extend_from_slice(bytes);
        self.start = 0;
        self.len = bytes.len();
    }
}

/// What a reader hands each [`Block`] to.
pub type BlockFn<'f> = dyn FnMut(&mut Block) + 'f;

/// One input to analyse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input.
    Stdin,
    /// A file named on the command line.
    File(PathBuf),
    /// A file found in a walked folder: read as a named file is, whatever its name, except
    /// that a binary one is passed over with a note ([`Error::BinarySkipped`]) instead of
    /// failing the run, as ripgrep passes over the binary files it finds.
    Found(PathBuf),
    /// A pod's log file in a support bundle folder
    /// (`cluster-resources/pods/logs/NAMESPACE/POD/CONTAINER.log`): each line is read with the
    /// `[pod/POD/CONTAINER] ` header that `kubectl logs --prefix` would give it.
    PodLog {
        /// The file.
        path: PathBuf,
        /// The pod, from the folder name.
        pod: String,
        /// The container, from the file name (`-previous` dropped).
        container: String,
        /// Found in a walked folder rather than named on the command line (see
        /// [`Input::Found`]).
        found: bool,
    },
}

impl Input {
    /// Name for messages and evidence: the path as given, or `<stdin>`.
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".to_string(),
            Input::File(p) | Input::Found(p) | Input::PodLog { path: p, .. } => {
                p.display().to_string()
            }
        }
    }

    fn path(&self) -> PathBuf {
        match self {
            Input::Stdin => PathBuf::from("<stdin>"),
            Input::File(p) | Input::Found(p) | Input::PodLog { path: p, .. } => p.clone(),
        }
    }

    /// Whether the input was found in a walked folder rather than named on the command line.
    pub fn found(&self) -> bool {
        matches!(self, Input::Found(_) | Input::PodLog { found: true, .. })
    }

    /// A file input, named or `found` in a folder, tagged as a pod log when its path has
    /// the bundle layout.
    fn file(path: PathBuf, found: bool) -> Input {
        match bundle::pod_log_of(&path) {
            Some(tag) => Input::PodLog {
                path,
                pod: tag.pod,
                container: tag.container,
                found,
            },
            None if found => Input::Found(path),
            None => Input::File(path),
        }
    }
}

/// An input, opened: it reads itself to its end and hands what it holds to a [`Sink`], part
/// by part (a log file is one part, a support bundle archive one per log it holds). The
/// kinds of file are told apart in [`detect`], which opens each as its source; the cluster
/// is one too (`crate::kube::KubeSource`). Adding an input format is a type that implements
/// this and one line in [`detect::FILE_KINDS`].
pub trait Source {
    /// Reads the input to its end: every part to `sink`, in order, and what could not be
    /// read as problems.
    fn read(&mut self, sink: &mut dyn Sink);
}

/// The pipeline's entry for each kind of content a [`Source`] hands on.
pub trait Sink {
    /// A log, named `name` in the report: buffers of whole lines.
    fn log(&mut self, name: String, log: Log<'_, '_>);
    /// A HAR capture, named `name`: its bytes (plain or gzip), read entry by entry by the
    /// HAR front end; `path` names it in errors.
    fn har(&mut self, name: String, path: &Path, raw: &mut dyn Read);
    /// A part that could not be read at all: an unreadable input of its own.
    fn problem(&mut self, error: Error);
    /// Members of a bundle that are not logs, or empty: counted, not read.
    fn passed_over(&mut self, counts: bundle::PassedOver);
}

/// Reads one log to its end, handing buffers of whole lines to the function it is given.
pub type ReadFn<'a> =
    dyn FnMut(&mut BlockFn<'_>) -> std::result::Result<ReadStats, ReadFailure> + 'a;

/// How a log's lines are had.
pub enum Log<'r, 'a> {
    /// A file or stdin: read by [`read_blocks`], or by worker threads a range each when it
    /// is a plain file ([`Ranged::open`]).
    Input(&'r Input),
    /// A stream only its own reader can hand out, in order (an archive member, the cluster).
    Blocks(&'r mut ReadFn<'a>),
}

/// A log file, a pod log of a bundle folder or stdin is a source of one log.
impl Source for Input {
    fn read(&mut self, sink: &mut dyn Sink) {
        sink.log(self.name(), Log::Input(self));
    }
}

/// What reading one input produced besides its lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadStats {
    /// Bytes read (after decompression).
    pub bytes: u64,
    /// Whether the input was gzip-compressed.
    pub gzip: bool,
    /// Lines longer than [`MAX_LINE`], handed on in pieces.
    pub split_lines: u64,
    /// NUL bytes skipped at the start of the input: the hole logrotate's `copytruncate`
    /// leaves where the truncated lines were, while the writer goes on at its old offset.
    pub nul_lead: u64,
}

/// Why an input could not be read to its end; what came before was still handed on.
#[derive(Debug)]
pub struct ReadFailure {
    /// The error to report.
    pub error: Error,
    /// What had been read before it.
    pub stats: ReadStats,
}

impl ReadFailure {
    /// The failure of a part that was found (in a walked folder, in an archive), not named:
    /// a binary file is passed over ([`Error::BinarySkipped`]), not an error of the run.
    pub(crate) fn of_found(self) -> ReadFailure {
        match self.error {
            Error::BinaryInput { path, why } => ReadFailure {
                error: Error::BinarySkipped { path, why },
                stats: self.stats,
            },
            _ => self,
        }
    }
}

fn open_raw(input: &Input) -> Result<Box<dyn Read + Send>> {
    match input {
        Input::Stdin => Ok(Box::new(io::stdin())),
        Input::File(path) | Input::Found(path) | Input::PodLog { path, .. } => File::open(path)
            .map(|f| Box::new(f) as Box<dyn Read + Send>)
            .map_err(|source| match source.kind() {
                io::ErrorKind::NotFound => Error::MissingInput { path: path.clone() },
                _ => Error::ReadInput {
                    path: path.clone(),
                    source,
                },
            }),
    }
}

/// The first bytes of `path`'s content, gzip undone (up to `n` bytes; fewer if the file is
/// shorter or the gzip stream is broken).
pub fn head(path: &Path, n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n);
    let Ok(file) = File::open(path) else {
        return out;
    };
    let mut raw = BufReader::new(file);
    let gzip = matches!(raw.fill_buf(), Ok(h) if h.starts_with(&[0x1f, 0x8b]));
    let reader: Box<dyn Read> = if gzip {
        Box::new(MultiGzDecoder::new(raw))
    } else {
        Box::new(raw)
    };
    let mut reader = reader.take(n as u64);
    // A cut gzip stream still gives the bytes before the cut.
    let mut buf = [0u8; 4096];
    loop {
        match reader.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(k) => out.extend_from_slice(&buf[..k]),
        }
    }
    out
}

/// NULs in a row that make a hole rather than content (see [`sniff_binary`]).
const HOLE_RUN: usize = 64;

/// Says why the start of an input is not log text, if it is not.
pub fn sniff_binary(head: &[u8]) -> Option<String> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x7fELF", "an ELF executable"),
        (b"\x89PNG", "a PNG image"),
        (b"PK\x03\x04", "a zip archive"),
        (b"%PDF-", "a PDF document"),
        (b"SQLite format 3\0", "an SQLite database"),
        (b"\xfd7zXZ\0", "an xz archive"),
        (b"BZh", "a bzip2 archive"),
        (b"\x28\xb5\x2f\xfd", "a zstd archive"),
    ];
    for (magic, what) in MAGIC {
        if head.starts_with(magic) {
            return Some(format!("looks like {what}"));
        }
    }
    let utf16_bom = head.starts_with(&[0xff, 0xfe]) || head.starts_with(&[0xfe, 0xff]);
    let utf16_shape = head.len() >= 64
        && head[..64]
            .chunks(2)
            .filter(|p| p.len() == 2 && (p[0] == 0) != (p[1] == 0))
            .count()
            >= 28;
    if utf16_bom || utf16_shape {
        return Some(
            "looks like UTF-16 text, as PowerShell's `>` writes it; convert it first: iconv -f UTF-16 -t UTF-8 FILE > FILE.utf8, or use Out-File -Encoding utf8"
                .into(),
        );
    }
    if head.len() > 262 && &head[257..262] == b"ustar" {
        return Some(
            "looks like a tar archive; pass it as a file of its own (sso-triage scan bundle.tar.gz) or extract it and pass the folder"
                .into(),
        );
    }
    let sample = &head[..head.len().min(8192)];
    if sample.is_empty() {
        return None;
    }
    // Runs of 64 NULs or more are holes (a log truncated in place while its writer kept
    // its offset, a preallocated file), not content: neither counted nor weighed.
    let (mut hole, mut control) = (0usize, 0usize);
    for run in sample.chunk_by(|a, b| (*a == 0) == (*b == 0)) {
        if run[0] == 0 && run.len() >= HOLE_RUN {
            hole += run.len();
        } else {
            control += run
                .iter()
                .filter(|&&b| {
                    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)) || b == 0x7f
                })
                .count();
        }
    }
    // Nothing but NULs: a log's leading hole is skipped before its start is sniffed, so
    // this is a file of nothing (or an image of a disk).
    let weighed = sample.len() - hole;
    if weighed == 0 {
        return Some(format!(
            "its first {} bytes are all NUL bytes",
            sample.len()
        ));
    }
    if control * 10 > weighed {
        return Some(format!(
            "{control} of its first {} bytes are control bytes",
            sample.len()
        ));
    }
    let invalid: usize = sample.utf8_chunks().map(|c| c.invalid().len()).sum();
    if invalid * 10 > sample.len() * 3 {
        return Some(format!(
            "{invalid} of its first {} bytes are not text",
            sample.len()
        ));
    }
    None
}

/// Reads `input` to its end, handing `f` buffers of whole lines (each ends with `\n`, except
/// the input's last line, and the pieces of a line longer than [`MAX_LINE`]). A pod log found
/// in a bundle folder gets its `[pod/NAME/CONTAINER] ` header on each line. A binary file
/// found in a folder fails with [`Error::BinarySkipped`], one named with
/// [`Error::BinaryInput`].
pub fn read_blocks(
    input: &Input,
    f: &mut BlockFn<'_>,
) -> std::result::Result<ReadStats, ReadFailure> {
    let raw = open_raw(input).map_err(|error| ReadFailure {
        error,
        stats: ReadStats::default(),
    })?;
    let read = match input {
        Input::PodLog { pod, container, .. } => {
            let mut tagger = bundle::Tagger::new(pod, container);
            read_stream(raw, &input.path(), &mut |block| {
                tagger.feed(block.bytes(), f)
            })
        }
        _ => read_stream(raw, &input.path(), f),
    };
    match read {
        Err(failure) if input.found() => Err(failure.of_found()),
        read => read,
    }
}

/// A plain (not compressed) regular file that worker threads read themselves, each a range
/// of its own with positioned reads (`pread`), instead of one thread reading everything and
/// handing the buffers on: the copy out of the page cache then runs on every core, and
/// each buffer is scanned while it is still in its reader's cache. Standard input
/// qualifies when it is redirected from such a file (`< FILE`). The calling thread puts
/// the ranges back together in order ([`Stitch`]): a line cut by a range boundary is joined
/// there, so every line still reaches the framer whole.
#[derive(Debug)]
pub struct Ranged {
    file: File,
    /// Where reading starts: 0, or stdin's position when it was handed on part-read.
    start: u64,
    path: PathBuf,
    /// Bytes per range.
    size: usize,
}

impl Ranged {
    /// `input` opened for ranged reading, when it is a regular file whose start is neither
    /// gzip nor binary. Anything else (a pipe, a pod log of a bundle folder), and any
    /// error, gives `None`: [`read_blocks`] reads it (and reports what is wrong with it).
    pub fn open(input: &Input) -> Option<Ranged> {
        use std::io::Seek;
        let (file, path) = match input {
            // Not even opened unless regular: opening a FIFO and closing it again would
            // drop what its writer had sent, and the next open would wait for a writer.
            Input::File(path) | Input::Found(path) if fs::metadata(path).ok()?.is_file() => {
                (File::open(path).ok()?, path.clone())
            }
            Input::File(_) | Input::Found(_) => return None,
            Input::Stdin => {
                use std::os::fd::AsFd;
                let fd = io::stdin().as_fd().try_clone_to_owned().ok()?;
                (File::from(fd), PathBuf::from("<stdin>"))
            }
            // Pod logs of a bundle folder get a header on every line: read in order.
            Input::PodLog { .. } => return None,
        };
        if !file.metadata().ok()?.is_file() {
            return None;
        }
        let start = if matches!(input, Input::Stdin) {
            (&file).stream_position().ok()?
        } else {
            0
        };
        let ranged = Ranged {
            file,
            start,
            path,
            size: BLOCK,
        };
        let mut head = vec![0u8; 64 << 10];
        let n = ranged.read_at(0, &mut head).ok()?;
        let head = &head[..n];
        // A file truncated in place starts with a hole of NULs: read in order, which skips it.
        if head.starts_with(&[0x1f, 0x8b])
            || head.first() == Some(&0)
            || sniff_binary(head).is_some()
        {
            return None;
        }
        Some(ranged)
    }

    /// Reads into `buf` from `at` bytes past the start; fills it unless the file ends
    /// first. Returns the bytes read.
    pub fn read_at(&self, at: u64, buf: &mut [u8]) -> io::Result<usize> {
        use std::os::unix::fs::FileExt;
        let mut filled = 0;
        while filled < buf.len() {
            match self
                .file
                .read_at(&mut buf[filled..], self.start + at + filled as u64)
            {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        Ok(filled)
    }

    /// Reads ranges of `size` bytes instead of [`BLOCK`] (at least 1).
    pub fn with_range_size(mut self, size: usize) -> Self {
        self.size = size.max(1);
        self
    }

    /// Bytes per range.
    pub fn range_size(&self) -> usize {
        self.size
    }

    /// The file, for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Where a range's whole lines are: from after its first newline to after its last one;
/// `None` when it holds no newline (it lies inside one long line).
pub fn whole_lines(range: &[u8]) -> Option<(usize, usize)> {
    let first = memchr::memchr(b'\n', range)?;
    let last = memchr::memrchr(b'\n', range)?;
    Some((first + 1, last + 1))
}

/// Puts ranges read on their own back into lines, in order: the piece of a line before a
/// range's first newline ends the line the previous range left open.
#[derive(Debug)]
pub struct Stitch {
    carry: Vec<u8>,
    max_line: usize,
    /// Lines longer than [`MAX_LINE`] handed on in pieces.
    pub split_lines: u64,
}

impl Default for Stitch {
    fn default() -> Self {
        Stitch::with_max_line(MAX_LINE)
    }
}

impl Stitch {
    /// A stitch that hands on a line in pieces once it reaches `max_line` bytes.
    pub fn with_max_line(max_line: usize) -> Self {
        Stitch {
            carry: Vec::new(),
            max_line,
            split_lines: 0,
        }
    }

    /// Takes the next range (`cut` is its [`whole_lines`]); hands `line` the line completed
    /// at its start (or a [`MAX_LINE`] piece of an endless one), if any. The caller then
    /// frames `range[cut.0..cut.1]` itself.
    pub fn join(&mut self, range: &[u8], cut: Option<(usize, usize)>, line: &mut dyn FnMut(&[u8])) {
        match cut {
            Some((head, tail)) => {
                self.carry.extend_from_slice(&range[..head]);
                line(&self.carry);
                self.carry.clear();
                self.carry.extend_from_slice(&range[tail..]);
            }
            None => {
                let want = self.carry.len() + range.len();
                if want > LONG_LINE && self.carry.capacity() < want {
                    // A long line: room for a whole piece at once (see [`Block::grow`]).
                    let piece = self.max_line + range.len();
                    self.carry.reserve_exact(piece.max(want) - self.carry.len());
                }
                self.carry.extend_from_slice(range);
                if self.carry.len() >= self.max_line {
                    self.split_lines += 1;
                    line(&self.carry);
                    // One endless line must not keep its memory for the rest of the run.
                    self.carry = Vec::new();
                }
            }
        }
    }

    /// Ends the input: hands `line` a last line without a newline, if any.
    pub fn finish(&mut self, line: &mut dyn FnMut(&[u8])) {
        if !self.carry.is_empty() {
            line(&self.carry);
            self.carry = Vec::new();
        }
    }
}

/// `path` could not be read past `stats`.
fn read_failed(path: &Path, source: io::Error, stats: ReadStats) -> ReadFailure {
    ReadFailure {
        error: Error::ReadInput {
            path: path.to_path_buf(),
            source,
        },
        stats,
    }
}

/// [`read_blocks`] on an open stream (a file, stdin, a member of a tar archive); `path` names
/// it in errors.
pub(crate) fn read_stream<'a>(
    raw: Box<dyn Read + 'a>,
    path: &Path,
    f: &mut BlockFn<'_>,
) -> std::result::Result<ReadStats, ReadFailure> {
    let mut stats = ReadStats::default();
    if crate::interrupt::requested() {
        return Ok(stats);
    }
    let mut raw = BufReader::with_capacity(64 << 10, raw);
    // Sniff gzip by its magic bytes, not the file name: rotated logs are often `.1`, `.gz.1`.
    let head = match io::BufRead::fill_buf(&mut raw) {
        Ok(head) => head,
        Err(source) => {
            return Err(read_failed(path, source, stats));
        }
    };
    stats.gzip = head.starts_with(&[0x1f, 0x8b]);
    let mut reader: Box<dyn Read + 'a> = if stats.gzip {
        Box::new(MultiGzDecoder::new(raw))
    } else {
        Box::new(raw)
    };

    // The buffer read into; `size` is how much of it reads may fill (more after a line
    // longer than a block), and `carry` keeps the piece of a line after a buffer's last
    // newline while the buffer itself is handed on.
    let mut block = Block::default();
    let mut size = BLOCK * 2;
    block.place(0, size);
    let mut carry = Vec::new();
    let mut filled = 0usize;
    let mut first = true;
    let mut lines_before = 0u64;
    let gzip = stats.gzip;
    // Hands on the first `len` bytes. Only a truncated gzip names the line it stopped at, so
    // only gzip pays for counting lines here (the scan counts them anyway).
    let mut hand_on = |block: &mut Block, len: usize, lines_before: &mut u64| {
        if gzip {
            *lines_before += memchr::memchr_iter(b'\n', &block.area()[..len]).count() as u64;
        }
        block.len = len;
        f(block);
    };
    let mut want_full = false;
    // A log truncated in place (`copytruncate`) while its writer kept its offset starts with
    // a run of NULs as long as what was cut: skipped and counted, so the first line after it
    // is framed (and sniffed) as the line it is.
    loop {
        match reader.read(&mut block.area()[..size]) {
            Ok(0) => break,
            Ok(n) => {
                stats.bytes += n as u64;
                crate::progress::add(n);
                let area = &mut block.area()[..n];
                if stats.nul_lead == 0 && area[0] != 0 {
                    filled = n;
                    break;
                }
                let lead = area.iter().take_while(|&&b| b == 0).count();
                stats.nul_lead += lead as u64;
                if lead < n {
                    area.copy_within(lead.., 0);
                    filled = n - lead;
                    break;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(source) => {
                return Err(read_failed(path, source, stats));
            }
        }
    }
    loop {
        // Fill up to at least one block, or to the end of the input.
        let mut eof = false;
        let mut failure = None;
        // After a buffer without a newline, fill the (grown) buffer completely: a pipe or a
        // decoder returns little per read, and a half-full buffer would never reach the
        // point where an over-long line is handed on in pieces.
        let target = if want_full { size } else { BLOCK };
        while filled < target {
            if filled == size {
                break;
            }
            if crate::interrupt::requested() {
                // Ctrl-C: what was read is the input.
                eof = true;
                break;
            }
            match reader.read(&mut block.area()[filled..size]) {
                Ok(0) => {
                    eof = true;
                    break;
                }
                Ok(n) => {
                    filled += n;
                    stats.bytes += n as u64;
                    crate::progress::add(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(source) => {
                    failure = Some(source);
                    eof = true;
                    break;
                }
            }
        }
        if first && filled > 0 {
            first = false;
            if let Some(why) = sniff_binary(&block.area()[..filled]) {
                return Err(ReadFailure {
                    error: Error::BinaryInput {
                        path: path.to_path_buf(),
                        why,
                    },
                    stats,
                });
            }
        }
        if eof {
            if filled > 0 {
                hand_on(&mut block, filled, &mut lines_before);
            }
            if let Some(source) = failure {
                let error = if stats.gzip {
                    Error::TruncatedGzip {
                        path: path.to_path_buf(),
                        bytes: stats.bytes,
                        line: lines_before + 1,
                        source,
                    }
                } else {
                    Error::ReadInput {
                        path: path.to_path_buf(),
                        source,
                    }
                };
                return Err(ReadFailure { error, stats });
            }
            return Ok(stats);
        }
        match memchr::memrchr(b'\n', &block.area()[..filled]) {
            Some(i) => {
                want_full = false;
                carry.clear();
                carry.extend_from_slice(&block.area()[i + 1..filled]);
                hand_on(&mut block, i + 1, &mut lines_before);
                // The consumer may have taken the buffer and left another, of any size.
                size = (BLOCK * 2).max(carry.len() + BLOCK);
                block.place(carry.len(), size);
                block.area()[..carry.len()].copy_from_slice(&carry);
                filled = carry.len();
                if carry.capacity() > 8 << 20 {
                    // The rest of a long line must not keep its room for the whole run.
                    carry = Vec::new();
                }
            }
            None if filled >= MAX_LINE => {
                stats.split_lines += 1;
                hand_on(&mut block, filled, &mut lines_before);
                block.place(0, size);
                filled = 0;
                want_full = false;
            }
            None => {
                want_full = true;
                if filled == size {
                    size = (size * 2).min(MAX_LINE + BLOCK);
                    block.grow(size);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
