//! Wires the pipeline: catalog -> (per input, in parallel) source -> framing -> matcher ->
//! findings -> report. The only module that knows every stage. Returns the exit status.
//! `kube.rs` does the same for the cluster as a source.

mod assemble;
mod catalog;
mod check_config;
mod count;
#[cfg(feature = "kube")]
mod kube;
mod pipeline;
mod redact_har;
mod scan;

use std::io::{self};

use anyhow::Result;

use crate::catalog::Severity;
use crate::cli::{Args, CatalogCommand, Command};
use crate::config::ScanConfig;
use crate::error::Error;

#[cfg(feature = "kube")]
use assemble::{ReportParts, finish_report, record_leaks};
pub use catalog::build_catalog;
use catalog::{check, explain, export_anchors, export_regex, list};
use count::run_count;
pub use count::{Counts, count_blocks};
use redact_har::redact_har;
use scan::run_scan;
#[cfg(feature = "kube")]
use scan::{PartScan, scan_source};
pub use scan::{scan_text, scan_to};

/// The process exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Nothing at or above `--fail-on`.
    Clean = 0,
    /// Findings at or above `--fail-on` (or, for `explain`, an unknown code).
    Findings = 1,
    /// Usage error, unreadable input, broken catalog.
    Error = 2,
}

/// Runs the parsed command line.
pub fn run(args: Args) -> Result<Exit> {
    match &args.command {
        Command::Scan(scan) => {
            let config = match ScanConfig::from_args(scan, args.color) {
                Ok(c) => c,
                Err(msg) => {
                    crate::message!("sso-triage: {msg}");
                    return Ok(Exit::Error);
                }
            };
            let compiled = build_catalog(&args.patterns)?;
            if scan.count {
                return run_count(&config, &compiled);
            }
            run_scan(&config, &compiled)
        }
        #[cfg(feature = "kube")]
        Command::Kube(k) => {
            let compiled = build_catalog(&args.patterns)?;
            kube::run_kube(k, args.color, &compiled)
        }
        #[cfg(not(feature = "kube"))]
        Command::Kube(_) => {
            crate::message!(
                "sso-triage: this build has no Kubernetes support (built without the `kube` feature); pipe `kubectl logs --prefix --timestamps` into `sso-triage scan` instead"
            );
            Ok(Exit::Error)
        }
        Command::Explain(e) => {
            let compiled = build_catalog(&args.patterns)?;
            explain(e, &compiled)
        }
        Command::Catalog(CatalogCommand::List) => {
            let compiled = build_catalog(&args.patterns)?;
            list(&compiled)
        }
        Command::Catalog(CatalogCommand::Check { dir }) => check(&args.patterns, dir.as_ref()),
        Command::CheckConfig(c) => check_config::run(c, args.color),
        Command::RedactHar(r) => redact_har(&r.input, &r.output),
        Command::Catalog(CatalogCommand::Export { anchors, .. }) => {
            let compiled = build_catalog(&args.patterns)?;
            if *anchors {
                export_anchors(&compiled)
            } else {
                export_regex(&compiled)
            }
        }
    }
}

/// Matching threads for one input: one per core (`-j`), the calling thread among them (it
/// frames, and does queued jobs while it would wait), or none at all with `-j 1`.
fn workers(config: &ScanConfig) -> usize {
    let threads = config.threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    if threads > 1 { threads } else { 0 }
}

/// Ends quietly when the reader of our output went away (`| head`).
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            || e.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(io::ErrorKind::BrokenPipe))
            || e.downcast_ref::<Error>()
                .is_some_and(|e| e.io_kind() == Some(io::ErrorKind::BrokenPipe))
    })
}

fn clone_error(e: &Error) -> Error {
    match e {
        Error::MissingInput { path } => Error::MissingInput { path: path.clone() },
        Error::ReadInput { path, source } => Error::ReadInput {
            path: path.clone(),
            source: io::Error::new(source.kind(), source.to_string()),
        },
        other => Error::Catalog {
            problems: vec![other.to_string()],
        },
    }
}

/// Prints an error chain the way the binary reports it, and picks the exit status: a broken
/// pipe ends quietly with 0.
pub fn report_error(err: &anyhow::Error) -> Exit {
    if is_broken_pipe(err) {
        return Exit::Clean;
    }
    crate::message!("sso-triage: {err:#}");
    Exit::Error
}

/// Whether the worst severity found reaches `threshold` (`--fail-on`): the exit status.
pub fn exceeds(worst: Option<Severity>, threshold: Option<Severity>) -> bool {
    matches!((worst, threshold), (Some(w), Some(t)) if w >= t)
}

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
