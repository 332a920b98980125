//! Wires the pipeline: catalog -> (per input, in parallel) source -> framing -> matcher ->
//! findings -> report. The only module that knows every stage. Returns the exit status.
//! `cluster.rs` does the same for the cluster as a source (`sso-triage kube`).

mod assemble;
mod check_config;
#[cfg(feature = "kube")]
mod cluster;
mod context;
mod count;
mod diff;
mod explain;
mod install;
mod pipeline;
mod redact_har;
mod rules;
mod scan;
mod terminal;

use std::io::{self};

use anyhow::Result;

use crate::catalog::Severity;
use crate::cli::{Args, CatalogCommand, Command};
use crate::config::ScanConfig;
use crate::error::Error;

#[cfg(feature = "kube")]
use assemble::{ReportParts, finish_report, record_leaks};
pub use context::MAX_CONTEXT;
use count::run_count;
pub use count::{Counts, count_blocks};
use redact_har::redact_har;
pub use rules::build_catalog;
use rules::{check, export_anchors, export_regex, list};
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
    /// Stopped by Ctrl-C; the report of what was read was printed.
    Interrupted = 130,
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
            crate::interrupt::install();
            if scan.count {
                return run_count(&config, &compiled);
            }
            run_scan(&config, &compiled)
        }
        #[cfg(feature = "kube")]
        Command::Kube(k) => {
            let compiled = build_catalog(&args.patterns)?;
            cluster::run_kube(k, args.color, &compiled)
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
            explain::explain(e, &compiled, args.color)
        }
        Command::Catalog(CatalogCommand::List) => {
            let compiled = build_catalog(&args.patterns)?;
            list(&compiled)
        }
        Command::Catalog(CatalogCommand::Check { dir }) => check(&args.patterns, dir.as_ref()),
        Command::CheckConfig(c) => check_config::run(c, args.color),
        Command::Diff(d) => diff::run(d, &args.patterns, args.color),
        Command::RedactHar(r) => redact_har(&r.input, &r.output),
        Command::Completions(c) => install::completions(c),
        Command::Man(m) => install::man(m),
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

/// An error and its causes on one line (`outer: cause: cause`), as the binary reports it.
fn error_line(e: &(dyn std::error::Error + 'static)) -> String {
    let mut line = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        line.push_str(": ");
        line.push_str(&c.to_string());
        cause = c.source();
    }
    line
}

/// Prints an error chain the way the binary reports it, and picks the exit status: a broken
/// pipe ends quietly with 0.
pub fn report_error(err: &anyhow::Error) -> Exit {
    if is_broken_pipe(err) {
        return Exit::Clean;
    }
    // An error that lists several problems (a broken catalog) prints one line each.
    let text = format!("{err:#}");
    let mut lines = text.lines();
    crate::message!("sso-triage: {}", lines.next().unwrap_or_default());
    for line in lines {
        crate::message!("  {line}");
    }
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
