//! `scan -C N`: the lines around each piece of evidence, read again from the files the scan
//! read (plain or gzip). Reading stays one pass over the input and never keeps neighbours
//! of every line; only the few evidence events of the report are looked up afterwards, each
//! file read once up to its last wanted line. Stdin, archive members and HAR captures have
//! no file to go back to: their evidence has no context, and the README says so. Every
//! context line is input text and is masked like the evidence.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::redact::Masking;
use crate::report::Finding;

pub use crate::config::MAX_CONTEXT;

/// Characters of one context line shown (the rest is cut after masking, as long evidence
/// is).
const MAX_CONTEXT_CHARS: usize = 500;

/// Bytes of one context line read: a longer line is read to here and its last, cut word
/// dropped before masking, so no piece of a cut secret is shown.
const MAX_CONTEXT_READ: u64 = 64 << 10;

/// Fills `context_before` / `context_after` of the evidence of `findings` with up to `n`
/// lines each side, for evidence from one of `files`.
pub(super) fn add_context(findings: &mut [Finding], files: &[PathBuf], n: usize, masking: Masking) {
    if n == 0 {
        return;
    }
    // The evidence names its input as the report shows it (masked); only inputs the scan
    // read are opened again.
    let by_name: BTreeMap<String, &PathBuf> = files
        .iter()
        // Only regular files are opened again: a FIFO would wait for a writer for ever.
        .filter(|p| !is_har(p) && std::fs::metadata(p).is_ok_and(|m| m.is_file()))
        .map(|p| {
            (
                masking
                    .show_line(&p.display().to_string())
                    .as_str()
                    .to_string(),
                p,
            )
        })
        .collect();
    let mut wanted: BTreeMap<&PathBuf, BTreeSet<u64>> = BTreeMap::new();
    for e in findings.iter().flat_map(|f| f.evidence.iter()) {
        let Some(path) = by_name.get(e.source.as_str()) else {
            continue;
        };
        let set = wanted.entry(path).or_default();
        let end = e.line + e.lines.max(1);
        set.extend(e.line.saturating_sub(n as u64).max(1)..e.line);
        set.extend(end..end + n as u64);
    }
    let mut lines: BTreeMap<&PathBuf, BTreeMap<u64, String>> = BTreeMap::new();
    for (path, want) in &wanted {
        // And the two lines before each: a line may hold the value of a credential the
        // line before names (`- name: X_SECRET` / `value: V`).
        let mut with_before = want.clone();
        with_before.extend(want.iter().flat_map(|&l| l.saturating_sub(2).max(1)..l));
        lines.insert(path, read_lines(path, &with_before).unwrap_or_default());
    }
    for e in findings.iter_mut().flat_map(|f| f.evidence.iter_mut()) {
        let Some(found) = by_name.get(e.source.as_str()).and_then(|p| lines.get(p)) else {
            continue;
        };
        // Masked whole, then cut: a cut secret would no longer look like one.
        let body = |t: &str| -> usize {
            let b = crate::parse::kubectl::split(t.as_bytes()).body;
            (b.as_ptr() as usize)
                .checked_sub(t.as_ptr() as usize)
                .filter(|&at| at <= t.len() && t.is_char_boundary(at))
                .unwrap_or(0)
        };
        let show = |l: &u64| {
            found.get(l).map(|t| {
                let before: Vec<&str> = (l.saturating_sub(2).max(1)..*l)
                    .filter_map(|p| found.get(&p))
                    .map(|p| &p[body(p)..])
                    .collect();
                masking
                    .show_line_after(&before, t, body(t))
                    .window(MAX_CONTEXT_CHARS)
            })
        };
        let end = e.line + e.lines.max(1);
        e.context_before = (e.line.saturating_sub(n as u64).max(1)..e.line)
            .filter_map(|l| show(&l))
            .collect();
        e.context_after = (end..end + n as u64).filter_map(|l| show(&l)).collect();
    }
}

fn is_har(path: &Path) -> bool {
    path.extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("har"))
}

/// The lines of `path` numbered in `want` (1-based), each cut to [`MAX_CONTEXT_CHARS`] and
/// decoded lossily; gzip is undone. Stops after the last wanted line.
fn read_lines(path: &Path, want: &BTreeSet<u64>) -> std::io::Result<BTreeMap<u64, String>> {
    let Some(&last) = want.last() else {
        return Ok(BTreeMap::new());
    };
    let mut file = BufReader::new(std::fs::File::open(path)?);
    let gzip = file.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    let reader: Box<dyn BufRead> = if gzip {
        Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(file)))
    } else {
        Box::new(file)
    };
    let mut out = BTreeMap::new();
    let mut line = Vec::new();
    let mut number = 0u64;
    // A line is read whole only when wanted; others are skipped in bounded pieces.
    let mut reader = reader;
    loop {
        number += 1;
        if number > last {
            break;
        }
        line.clear();
        let keep = want.contains(&number);
        let read = if keep {
            (&mut reader)
                .take(MAX_CONTEXT_READ)
                .read_until(b'\n', &mut line)?
        } else {
            0
        };
        if keep && read > 0 {
            let text = String::from_utf8_lossy(&line);
            let mut text = text.trim_end_matches(['\n', '\r']);
            if !line.ends_with(b"\n") && read as u64 == MAX_CONTEXT_READ {
                // Cut by the read limit: the last word may be part of a secret.
                text = text
                    .rsplit_once(char::is_whitespace)
                    .map_or("", |(head, _)| head);
            }
            out.insert(number, text.to_string());
        }
        if !line.ends_with(b"\n") && !skip_line(&mut reader)? {
            break;
        }
    }
    Ok(out)
}

/// Skips to just after the next newline; false at the end of the input.
fn skip_line(reader: &mut dyn BufRead) -> std::io::Result<bool> {
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(false);
        }
        match memchr::memchr(b'\n', buf) {
            Some(i) => {
                reader.consume(i + 1);
                return Ok(true);
            }
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    }
}

#[cfg(test)]
#[path = "context_tests.rs"]
mod tests;
