//! What a named input is, decided in one place, and the input opened as its [`Source`]. A
//! path on the command line is stdin (`-`), a folder (an extracted support bundle when it
//! holds `cluster-resources/`, else walked for its files) or a file; a file is told by its
//! content, by the tests of [`FILE_KINDS`] in order (a HAR capture, a tar archive: a support
//! bundle), else it is a log (plain or gzip). Stdin, the pod logs of a bundle folder and
//! the members of an archive are never tested: they are logs (a binary one is told when it
//! is read, by [`super::sniff_binary`]). Adding a kind of file is its
//! module (its source type and the function that tells it by content; `pub mod` in
//! `source/mod.rs`), its entry in [`FILE_KINDS`] and its cases in
//! `inputs_are_told_apart_by_content_in_one_place` (`source/tests.rs`); see "How to add" in
//! docs/ARCHITECTURE.md. [`super::head`] gives a file's first bytes, gzip undone.

use std::path::Path;

use super::{Input, Source, bundle, har};

/// A kind of file the tool reads, and how.
pub struct FileKind {
    /// Its name in tests and messages.
    pub name: &'static str,
    /// Whether the file at a path is of this kind, by its content (errors say "no").
    pub test: fn(&Path) -> bool,
    /// The file opened as a source.
    pub open: fn(&Path) -> Box<dyn Source>,
}

/// The kinds a file is tested for, in order; a file that is none of them is a [`LOG`].
pub const FILE_KINDS: &[FileKind] = &[
    FileKind {
        name: "har",
        test: har::is_har,
        open: |path| Box::new(har::HarFile::new(path)),
    },
    FileKind {
        name: "archive",
        test: bundle::is_archive,
        open: |path| Box::new(bundle::Archive::new(path)),
    },
];

/// Log text, plain or gzip: what a file is when no other kind claims it.
pub const LOG: FileKind = FileKind {
    name: "log",
    test: |_| true,
    open: |path| Box::new(Input::File(path.to_path_buf())),
};

/// What the file at `path` holds. Errors say "a log": reading it then reports them. Only a
/// regular file is sniffed: reading the start of a pipe or a FIFO (`<(kubectl logs ...)`)
/// would take those bytes from the log, or wait for a writer that has gone.
pub fn detect_file(path: &Path) -> &'static FileKind {
    kind_of(path).unwrap_or(&LOG)
}

/// The kind of [`FILE_KINDS`] the file at `path` is, if any (see [`detect_file`]).
fn kind_of(path: &Path) -> Option<&'static FileKind> {
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    FILE_KINDS.iter().find(|kind| (kind.test)(path))
}

/// `input` opened as the source its content calls for: a file by [`detect_file`]; stdin and
/// the pod logs of a bundle folder are logs. A log is the input itself, so that one found
/// in a folder is still read as found (a binary one passed over, not an error).
pub fn open(input: &Input) -> Box<dyn Source> {
    match input {
        Input::File(path) | Input::Found(path) => match kind_of(path) {
            Some(kind) => (kind.open)(path),
            None => Box::new(input.clone()),
        },
        Input::Stdin | Input::PodLog { .. } => Box::new(input.clone()),
    }
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
