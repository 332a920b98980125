//! HAR captures as an input: told by their content (or a `.har` name) and handed to the
//! pipeline's HAR front end (`crate::har`) as a byte stream, which reads them entry by entry.

use std::path::{Path, PathBuf};

use super::{Input, Sink, Source, open_raw};

/// A HAR file, plain or gzip (the HAR reader undoes gzip itself).
pub struct HarFile {
    path: PathBuf,
}

impl HarFile {
    /// The HAR at `path`, opened when read.
    pub fn new(path: &Path) -> HarFile {
        HarFile {
            path: path.to_path_buf(),
        }
    }
}

impl Source for HarFile {
    fn read(&mut self, sink: &mut dyn Sink) {
        match open_raw(&Input::File(self.path.clone())) {
            Ok(mut raw) => sink.har(self.path.display().to_string(), &self.path, &mut raw),
            Err(error) => sink.problem(error),
        }
    }
}

/// True when `head` (the start of a file) opens a HAR: `{"log": {`, allowing whitespace and
/// a byte-order mark. Docker's JSON log lines (`{"log":"...`) do not qualify, nor JSON lines
/// whose first line is a whole object `{"log": {...}}` with more lines after it (log
/// shippers that nest the record): a HAR is one document.
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
    let body = text.trim_start();
    let json_lines = body.split_once('\n').is_some_and(|(first, more)| {
        !more.trim().is_empty()
            && serde_json::from_str::<serde::de::IgnoredAny>(first.trim_end()).is_ok()
    });
    !json_lines
}

/// True when the file at `path` is a HAR: by content (gzip undone first, so a
/// `capture.har.gz` or any gzip holding a HAR counts), or by a `.har` / `.har.gz` name, so a
/// broken one is reported as such rather than read as a log; a file so named whose text
/// does not open with `{` is not a HAR of any kind and is read as a log.
pub fn is_har(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let head = super::head(path, 4096);
    if name.ends_with(".har") || name.ends_with(".har.gz") {
        // Named a HAR: one, broken or not, unless it is plainly text of another kind (a
        // pod log saved as `capture.har`), which is read as what it is.
        let body = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&head);
        return match body.iter().find(|b| !b.is_ascii_whitespace()) {
            None | Some(b'{') => true,
            Some(_) => super::sniff_binary(&head).is_some(),
        };
    }
    looks_like_har(&head)
}
