//! `redact-har`: a copy of a HAR capture with every credential masked.

use std::io::{self};
use std::path::PathBuf;

use anyhow::Result;

use crate::error::Error;

use super::{Exit, error_line};

/// `redact-har IN OUT`: a masked copy of a HAR, written entry by entry; OUT `-` is stdout
/// (a closed pipe ends quietly). Exit 2 with one line on a bad input; a file OUT is then
/// not left half written.
pub(super) fn redact_har(input: &std::path::Path, output: &std::path::Path) -> Result<Exit> {
    let fail = |msg: String| {
        crate::message!("sso-triage: {msg}");
        Ok(Exit::Error)
    };
    let to_stdout = output.as_os_str() == "-";
    let same = match (input.canonicalize(), output.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => input == output,
    };
    if same && !to_stdout {
        return fail(format!(
            "{}: refusing to overwrite the input; name another OUT file",
            output.display()
        ));
    }
    if to_stdout {
        let mut out = io::BufWriter::with_capacity(256 * 1024, io::stdout().lock());
        return match crate::har::redact_to(input, &mut out) {
            Ok(stats) => {
                crate::message!(
                    "sso-triage: {} entries written to stdout with cookies, codes, state, tokens and secrets masked",
                    stats.entries
                );
                Ok(Exit::Clean)
            }
            Err(e) if e.io_kind() == Some(io::ErrorKind::BrokenPipe) => Ok(Exit::Clean),
            Err(e) => fail(error_line(&e)),
        };
    }
    // Written next to OUT, renamed when complete: a failure leaves no half copy.
    let mut partial = output.as_os_str().to_owned();
    partial.push(format!(".partial-{}", std::process::id()));
    let partial = PathBuf::from(partial);
    let file = match std::fs::File::create(&partial) {
        Ok(f) => f,
        Err(e) => return fail(format!("{}: cannot write: {e}", output.display())),
    };
    let mut out = io::BufWriter::with_capacity(256 * 1024, file);
    let written = crate::har::redact_to(input, &mut out);
    let flushed = out.into_inner().map_err(|e| e.into_error());
    let result = match (written, flushed) {
        (Ok(stats), Ok(_)) => std::fs::rename(&partial, output)
            .map(|()| stats)
            .map_err(|e| format!("{}: cannot write: {e}", output.display())),
        (Err(Error::Write(e)), _) | (Ok(_), Err(e)) => {
            Err(format!("{}: cannot write: {e}", output.display()))
        }
        (Err(e), _) => Err(error_line(&e)),
    };
    match result {
        Ok(stats) => {
            crate::message!(
                "sso-triage: {} entries written to {} with cookies, codes, state, tokens and secrets masked",
                stats.entries,
                output.display()
            );
            Ok(Exit::Clean)
        }
        Err(msg) => {
            let _ = std::fs::remove_file(&partial);
            fail(msg)
        }
    }
}
