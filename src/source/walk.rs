//! The user's arguments expanded into inputs: `-` is stdin, a file is itself, a folder is
//! walked for its files (recursively, in path order; an extracted support bundle by
//! [`super::bundle`]'s rules). Every file found is an input whatever its name ([`Input::Found`]:
//! its content decides, when read, whether it is text); hidden entries and what is neither a
//! file nor a folder are passed over and said so.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::Error;

use super::{Input, bundle, detect};

/// What the user's arguments expand to.
#[derive(Debug, Default)]
pub struct Expanded {
    /// The inputs, in order.
    pub inputs: Vec<Input>,
    /// Paths that do not exist or cannot be listed, in order.
    pub errors: Vec<Error>,
    /// Files in support bundle folders that are not logs (JSON resources, host info, links):
    /// counted, not read.
    pub skipped: u64,
    /// Log files of 0 bytes in support bundle folders: counted, no input of their own.
    pub empty: u64,
    /// Entries of a walked folder that are neither files nor folders (FIFOs, sockets,
    /// devices, broken or looping links, links to folders): not read, and said so.
    pub not_files: Vec<PathBuf>,
    /// Hidden entries of walked folders (a name starting with `.`: `.git`, `.DS_Store`),
    /// passed over as ripgrep does; a folder among them is not walked. Not read, and said
    /// so ([`hidden_note`]).
    pub hidden: Vec<PathBuf>,
}

/// Turns the user's arguments into inputs: `-` is stdin, a directory becomes its files
/// (recursively, sorted by path; symlinked directories are not followed, so loops cannot
/// occur). Paths that do not exist or cannot be listed come back as errors, in order.
pub fn expand(args: &[PathBuf]) -> (Vec<Input>, Vec<Error>) {
    let e = expand_all(args);
    (e.inputs, e.errors)
}

/// [`expand`], and a folder holding `cluster-resources/` is read as an extracted support
/// bundle: only its log files become inputs (see [`bundle`]), the rest is counted.
pub fn expand_all(args: &[PathBuf]) -> Expanded {
    let mut out = Expanded::default();
    for arg in args {
        if arg.as_os_str() == "-" {
            out.inputs.push(Input::Stdin);
            continue;
        }
        match fs::metadata(arg) {
            Ok(meta) if meta.is_dir() => {
                let seen = |o: &Expanded| {
                    (
                        o.inputs.len(),
                        o.errors.len(),
                        o.skipped,
                        o.empty,
                        o.not_files.len(),
                    )
                };
                let before = seen(&out);
                walk(arg, &mut out);
                // Nothing in it at all (a wrong path, a bundle not extracted yet), or only
                // hidden entries: said, not taken for a clean log.
                if seen(&out) == before {
                    out.errors.push(Error::EmptyFolder { path: arg.clone() });
                }
            }
            Ok(_) => out.inputs.push(Input::file(arg.clone(), false)),
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                out.errors.push(Error::MissingInput { path: arg.clone() })
            }
            Err(source) => out.errors.push(Error::ReadInput {
                path: arg.clone(),
                source,
            }),
        }
    }
    out
}

/// A folder's entries, sorted by path.
pub(crate) fn list_dir(dir: &Path, errors: &mut Vec<Error>) -> Vec<(PathBuf, fs::FileType)> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(source) => {
            errors.push(Error::ReadInput {
                path: dir.to_path_buf(),
                source,
            });
            return Vec::new();
        }
    };
    let mut paths: Vec<(PathBuf, fs::FileType)> = Vec::new();
    for entry in entries {
        match entry {
            Ok(e) => match e.file_type() {
                Ok(t) => paths.push((e.path(), t)),
                Err(source) => errors.push(Error::ReadInput {
                    path: e.path(),
                    source,
                }),
            },
            Err(source) => errors.push(Error::ReadInput {
                path: dir.to_path_buf(),
                source,
            }),
        }
    }
    paths.sort_by(|a, b| a.0.cmp(&b.0));
    paths
}

/// Whether a folder entry is hidden: its name starts with `.` (`.git`, `.DS_Store`,
/// macOS's `._` copies of attributes). Walks pass these over, as ripgrep does; one named
/// on the command line is read.
pub(crate) fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

fn walk(dir: &Path, out: &mut Expanded) {
    if detect::detect_folder(dir) == detect::FolderKind::Bundle {
        bundle::walk_folder(dir, out);
        return;
    }
    for (path, kind) in list_dir(dir, &mut out.errors) {
        if path.file_name().is_some_and(is_hidden) {
            out.hidden.push(path);
        } else if kind.is_dir() {
            walk(&path, out);
        } else if kind.is_file() || (kind.is_symlink() && path.is_file()) {
            // Every file, whatever its name: whether it is text is told by its content
            // when it is read (a binary one is passed over with a note).
            out.inputs.push(Input::file(path, true));
        } else {
            // A FIFO, a socket, a device, a broken or looping link, a link to a folder.
            out.not_files.push(path);
        }
    }
}

/// The note for the entries of walked folders that were not read, if any: how many, and the
/// first.
pub fn not_files_note(not_files: &[PathBuf]) -> Option<String> {
    let first = not_files.first()?;
    Some(format!(
        "note: {} folder entr{} not read: neither a file nor a folder (a FIFO, socket or device, a broken or looping link, a link to a folder), e.g. {}",
        not_files.len(),
        if not_files.len() == 1 { "y" } else { "ies" },
        first.display()
    ))
}

/// The note for the hidden entries passed over, if any: how many (in walked folders and in
/// archives) and the first.
pub fn hidden_note(count: u64, first: Option<&str>) -> Option<String> {
    let first = first.filter(|_| count > 0)?;
    Some(format!(
        "note: {count} hidden file(s) or folder(s) not read: their names start with `.` (ripgrep passes them over too; name one on the command line to read it), e.g. {first}"
    ))
}
