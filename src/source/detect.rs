//! What a named input is, decided in one place. A path on the command line is stdin (`-`),
//! a folder (an extracted support bundle when it holds `cluster-resources/`, else walked for
//! its files) or a file; a file is told by its content, in the order of [`FILE_KINDS`]:
//! a HAR capture, a tar archive (a support bundle), else a log (plain or gzip). Adding a kind
//! of input is a variant, its test here and its reader (see docs/ARCHITECTURE.md).

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;

use super::bundle;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A browser HAR capture (plain or gzip): read entry by entry by `crate::har`.
    Har,
    /// A tar archive, plain or gzip: a support bundle, read member by member.
    Archive,
    /// Log text, plain or gzip.
    Log,
}

/// A test of a file's content (errors say "no").
pub type FileTest = fn(&Path) -> bool;

/// The kinds a file is tested for, in order; a file that is none of them is a log.
pub const FILE_KINDS: &[(FileKind, FileTest)] = &[
    (FileKind::Har, is_har),
    (FileKind::Archive, bundle::is_archive),
];

/// What the file at `path` holds. Errors say "a log": reading it then reports them.
pub fn detect_file(path: &Path) -> FileKind {
    FILE_KINDS
        .iter()
        .find(|(_, test)| test(path))
        .map_or(FileKind::Log, |(kind, _)| *kind)
}

/// What a folder is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderKind {
    /// The root of an extracted support bundle: only its pod logs are read.
    Bundle,
    /// Any other folder: every file below it is an input.
    Plain,
}

/// What the folder `dir` is.
pub fn detect_folder(dir: &Path) -> FolderKind {
    if bundle::is_bundle_dir(dir) {
        FolderKind::Bundle
    } else {
        FolderKind::Plain
    }
}

/// True when `head` (the start of a file) opens a HAR: `{"log": {`, allowing whitespace and
/// a byte-order mark. Docker's JSON log lines (`{"log":"...`) do not qualify.
pub fn looks_like_har(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let text = String::from_utf8_lossy(&head[..head.len().min(4096)]);
    let mut rest = text.trim_start();
    for token in ["{", "\"log\"", ":", "{"] {
        let Some(r) = rest.strip_prefix(token) else {
            return false;
        };
        rest = r.trim_start();
    }
    true
}

/// True when the file at `path` is a HAR: by content (gzip undone first, so a
/// `capture.har.gz` or any gzip holding a HAR counts), or by a `.har` / `.har.gz` name, so a
/// broken one is reported as such rather than read as a log.
pub fn is_har(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if name.ends_with(".har") || name.ends_with(".har.gz") {
        return true;
    }
    looks_like_har(&head(path, 4096))
}

/// The first bytes of `path`'s content, gzip undone (up to `n` bytes; fewer if the file is
/// shorter or the gzip stream is broken).
pub fn head(path: &Path, n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n);
    let Ok(file) = std::fs::File::open(path) else {
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
