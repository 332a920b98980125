//! `scan`: every input through framing, matching and the analyzer (in parallel across
//! inputs, and across the buffers of one input), then the report.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::path::Path;
use std::sync::mpsc;

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::analyze::{Analyzer, Collected, MatchRecord, Observation};
use crate::catalog::compile::Compiled;
use crate::config::ScanConfig;
use crate::error::Error;
use crate::parse::{Event, Framer};
use crate::redact::Placeholders;
use crate::report::{self, Format, Summary};
use crate::source::{self, Input, Log, ReadFailure, ReadFn, ReadStats, Sink, Source, bundle};

use super::assemble::{ReportParts, finish_report, record_leaks};
use super::{Exit, error_line, pipeline, workers};

/// Runs `text` through framing, matching and the correlator, as a scan of a file would.
pub fn scan_text(compiled: &Compiled, text: &[u8]) -> Collected {
    let mut framer = Framer::with_scanner(compiled.scanner());
    let mut analyzer = Analyzer::new(compiled, "example".into(), false);
    analyzer.set_match_records(false);
    let mut ignore = |_: &MatchRecord<'_>| {};
    framer.feed(text, &mut |frame| analyzer.event(frame, &mut ignore));
    framer.finish(&mut |frame| analyzer.event(frame, &mut ignore));
    analyzer.finish(framer.last_line(), &mut ignore);
    let mut collected = analyzer.collected;
    collected.settle_flows(
        compiled,
        chrono::Duration::seconds(crate::correlate::DEFAULT_FLOW_TIMEOUT_SECS),
    );
    collected
}

/// What one input (a file, or one log of a support bundle) produced.
pub(super) struct PartScan {
    pub(super) collected: Collected,
    pub(super) read: std::result::Result<ReadStats, ReadFailure>,
}

/// What one named input produced: one part, or one per log of a support bundle archive.
pub(super) struct InputScan {
    pub(super) parts: Vec<PartScan>,
    /// Non-log and empty members of an archive.
    pub(super) counts: bundle::PassedOver,
}

/// Scans one named input, opened as the source its content calls for
/// ([`source::detect::open`]).
pub(super) fn scan_input(
    input: &Input,
    compiled: &Compiled,
    config: &ScanConfig,
    workers: usize,
    on_match: &mut dyn FnMut(&MatchRecord<'_>),
) -> InputScan {
    scan_source(
        &mut *source::detect::open(input),
        compiled,
        config,
        workers,
        on_match,
    )
}

/// Scans every part `source` hands on. A support bundle archive is streamed member by
/// member on this thread: a compressed tar can only be read in order, and one member at a
/// time keeps memory at one buffer and the output in archive order. Inputs still run in
/// parallel.
pub(super) fn scan_source(
    source: &mut dyn Source,
    compiled: &Compiled,
    config: &ScanConfig,
    workers: usize,
    on_match: &mut dyn FnMut(&MatchRecord<'_>),
) -> InputScan {
    let mut sink = ScanSink {
        compiled,
        config,
        workers,
        on_match,
        scanned: InputScan {
            parts: Vec::new(),
            counts: bundle::PassedOver::default(),
        },
    };
    source.read(&mut sink);
    sink.scanned
}

/// `scan`'s entry for what a source hands on: each log and HAR through the analyzer.
struct ScanSink<'a, 'm> {
    compiled: &'a Compiled,
    config: &'a ScanConfig,
    workers: usize,
    on_match: &'a mut (dyn FnMut(&MatchRecord<'_>) + 'm),
    scanned: InputScan,
}

impl Sink for ScanSink<'_, '_> {
    fn log(&mut self, name: String, log: Log<'_, '_>) {
        // With worker threads, a plain file big enough is read by them, a range each.
        let ranged = match &log {
            Log::Input(input) if self.workers > 0 => source::Ranged::open(input),
            _ => None,
        };
        let feed = match (&ranged, log) {
            (Some(file), _) => Feed::Ranged(file),
            (None, Log::Input(input)) => Feed::Blocks(&mut |f| source::read_blocks(input, f)),
            (None, Log::Blocks(read)) => Feed::Blocks(read),
        };
        let part = scan_blocks(
            name,
            self.compiled,
            self.config,
            self.workers,
            self.on_match,
            feed,
        );
        self.scanned.parts.push(part);
    }

    fn har(&mut self, name: String, path: &Path, raw: &mut dyn Read) {
        let part = scan_har(raw, path, &name, self.compiled, self.config, self.on_match);
        self.scanned.parts.push(part);
    }

    fn problem(&mut self, error: Error) {
        self.scanned.parts.push(PartScan {
            collected: Collected::default(),
            read: Err(ReadFailure {
                error,
                stats: ReadStats::default(),
            }),
        });
    }

    fn passed_over(&mut self, counts: bundle::PassedOver) {
        self.scanned.counts.add(counts);
    }
}

/// Reads and analyses a HAR capture entry by entry (see [`crate::har::scan`]).
pub(super) fn scan_har(
    raw: &mut dyn Read,
    path: &Path,
    name: &str,
    compiled: &Compiled,
    config: &ScanConfig,
    on_match: &mut dyn FnMut(&MatchRecord<'_>),
) -> PartScan {
    let (collected, read) =
        crate::har::scan(raw, path, name, compiled, &har_options(config), on_match);
    PartScan {
        collected,
        read: read.map_err(|error| ReadFailure {
            error,
            stats: ReadStats::default(),
        }),
    }
}

/// What the HAR front end needs of the run's settings.
fn har_options(config: &ScanConfig) -> crate::har::Options {
    crate::har::Options {
        show_secrets: config.show_secrets,
        redact_users: config.redact_users,
        flow_timeout_secs: config.flow_timeout_secs,
        redirect_uri: config.redirect_uri.clone(),
    }
}

/// Where one input's bytes come from: a reader handing out buffers, or a file the worker
/// threads read themselves (only with workers: [`pipeline::run_ranged`] needs them).
pub(super) enum Feed<'r, 'a> {
    Blocks(&'r mut ReadFn<'a>),
    Ranged(&'r source::Ranged),
}

/// Runs what `read` hands out through one framer and analyzer, named `name`. With
/// `workers` above 0 the buffers are scanned and matched on that many other threads (see
/// [`pipeline`]); the result is the same.
pub(super) fn scan_blocks(
    name: String,
    compiled: &Compiled,
    config: &ScanConfig,
    workers: usize,
    on_match: &mut dyn FnMut(&MatchRecord<'_>),
    feed: Feed<'_, '_>,
) -> PartScan {
    let mut framer = Framer::with_scanner(compiled.scanner());
    framer.set_live(config.live);
    let mut analyzer = Analyzer::new(compiled, name, config.show_secrets);
    analyzer.set_flow_timeout(chrono::Duration::seconds(config.flow_timeout_secs));
    analyzer.set_redact_users(config.redact_users);
    analyzer.set_match_records(config.match_records);
    let observers = (0..workers).map(|_| analyzer.observer()).collect();
    let filter = &config.filter;
    let mut kept = crate::filter::FilterState::default();
    let mut left_out = 0u64;
    let sink = &mut |frame: &Event<'_>, observed: Option<Observation>| {
        if !filter.is_empty() && !filter.keeps(frame, &mut kept) {
            left_out += 1;
            return;
        }
        match observed {
            Some(o) => analyzer.event_observed(frame, o, on_match),
            None => analyzer.event(frame, on_match),
        }
    };
    let read = match feed {
        Feed::Ranged(file) => pipeline::run_ranged(&mut framer, observers, sink, file),
        Feed::Blocks(read) => pipeline::run(&mut framer, observers, sink, |f| read(f)),
    };
    analyzer.finish(framer.last_line(), on_match);
    analyzer.collected.frames = framer.stats;
    analyzer.collected.filtered_events = left_out;
    PartScan {
        collected: analyzer.collected,
        read,
    }
}

pub(super) fn run_scan(config: &ScanConfig, compiled: &Compiled) -> Result<Exit> {
    let stdout = io::stdout();
    scan_to(config, compiled, &mut io::BufWriter::new(stdout.lock()))
}

/// `scan`, with the report (and `-o jsonl` match records) written to `out` instead of
/// stdout; messages still go to stderr. Tests use it to run the corpus in one process.
pub fn scan_to(config: &ScanConfig, compiled: &Compiled, out: &mut dyn Write) -> Result<Exit> {
    let expanded = source::expand_all(&config.inputs);
    if let Some(note) = source::not_files_note(&expanded.not_files) {
        crate::message!("sso-triage: {note}");
    }
    // Masks become numbered placeholders as output is written, in output order.
    let mut numbers = Placeholders::default();
    // Cleared when dropped: before the report is written, or on an early return.
    let progress = progress_line(config, &expanded.inputs);
    let results = match expanded.inputs.as_slice() {
        [] => Vec::new(),
        [input] => vec![scan_single(input, compiled, config, &mut numbers, out)?],
        inputs => scan_parallel(inputs, compiled, config, &mut numbers, out)?,
    };
    drop(progress);
    let parts = gather(config, expanded, results);
    finish_report(config, compiled, parts, &mut numbers, out)
}

/// Whether a match record is written: `-o jsonl` only, and never one that would leak.
fn writes_record(config: &ScanConfig, rec: &MatchRecord<'_>) -> bool {
    config.format == Format::Jsonl && (config.show_secrets || !record_leaks(rec))
}

/// One input, its buffers scanned and matched on every core (none with `-j 1`); match
/// records stream out as they are found.
fn scan_single(
    input: &Input,
    compiled: &Compiled,
    config: &ScanConfig,
    numbers: &mut Placeholders,
    out: &mut dyn Write,
) -> Result<InputScan> {
    let mut write_error: Option<io::Error> = None;
    let mut emit = |rec: &MatchRecord<'_>| {
        if write_error.is_some() || !writes_record(config, rec) {
            return;
        }
        let mut buf = Vec::new();
        // Writing into a Vec cannot fail.
        let _ = report::json::record("match", rec, &mut buf);
        let line = String::from_utf8_lossy(&buf);
        if let Err(e) = out
            .write_all(numbers.apply(&line).as_bytes())
            .and_then(|_| out.flush())
            .map_err(Error::from)
        {
            // Keep the kind: a closed pipe must still end quietly.
            let kind = e.io_kind().unwrap_or(io::ErrorKind::Other);
            write_error = Some(io::Error::new(kind, e.to_string()));
        }
    };
    let scanned = scan_input(input, compiled, config, workers(config), &mut emit);
    match write_error {
        Some(e) => Err(anyhow::Error::new(e).context("cannot write output")),
        None => Ok(scanned),
    }
}

/// Several inputs in parallel, one task each; results and match records are put back in
/// input order as soon as each input and all before it are done.
fn scan_parallel(
    inputs: &[Input],
    compiled: &Compiled,
    config: &ScanConfig,
    numbers: &mut Placeholders,
    out: &mut dyn Write,
) -> Result<Vec<InputScan>> {
    let pool = {
        let mut b = rayon::ThreadPoolBuilder::new();
        if let Some(n) = config.threads {
            b = b.num_threads(n);
        }
        b.build().context("cannot start worker threads")?
    };
    let mut results: Vec<InputScan> = Vec::with_capacity(inputs.len());
    let mut write_error: Option<io::Error> = None;
    let (tx, rx) = mpsc::channel::<(usize, InputScan, Vec<u8>)>();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            pool.install(|| {
                inputs
                    .par_iter()
                    .enumerate()
                    .for_each_with(tx, |tx, (i, input)| {
                        let mut buf = Vec::new();
                        let scanned = scan_input(input, compiled, config, 0, &mut |rec| {
                            if writes_record(config, rec) {
                                // Writing into a Vec cannot fail.
                                let _ = report::json::record("match", rec, &mut buf);
                            }
                        });
                        let _ = tx.send((i, scanned, buf));
                    });
            });
        });
        let mut pending = BTreeMap::new();
        for (i, scanned, buf) in rx {
            pending.insert(i, (scanned, buf));
            while let Some((scanned, buf)) = pending.remove(&results.len()) {
                let text = String::from_utf8_lossy(&buf);
                if write_error.is_none()
                    && let Err(e) = out
                        .write_all(numbers.apply(&text).as_bytes())
                        .and_then(|_| out.flush())
                {
                    write_error = Some(e);
                }
                results.push(scanned);
            }
        }
    });
    match write_error {
        Some(e) => Err(anyhow::Error::new(e).context("cannot write output")),
        None => Ok(results),
    }
}

/// Puts the pieces together in input order: the findings and flows of every part, the
/// summary's counts and the errors of what could not be read.
fn gather(config: &ScanConfig, expanded: source::Expanded, results: Vec<InputScan>) -> ReportParts {
    let files = expanded
        .inputs
        .iter()
        .filter_map(|i| match i {
            Input::File(p) | Input::Found(p) | Input::PodLog { path: p, .. } => Some(p.clone()),
            Input::Stdin => None,
        })
        .collect();
    // A folder named on the command line whose every file was passed over as binary holds
    // no log: said, and the run fails, as for an empty folder.
    let read_any: Vec<bool> = results
        .iter()
        .map(|r| {
            r.parts.iter().any(
                |p| !matches!(&p.read, Err(f) if matches!(f.error, Error::BinarySkipped { .. })),
            )
        })
        .collect();
    let mut no_logs: Vec<String> = Vec::new();
    for dir in config.inputs.iter().filter(|p| p.is_dir()) {
        let under: Vec<usize> = expanded
            .inputs
            .iter()
            .enumerate()
            .filter(|(_, i)| match i {
                Input::Found(p) | Input::File(p) | Input::PodLog { path: p, .. } => {
                    p.starts_with(dir)
                }
                Input::Stdin => false,
            })
            .map(|(n, _)| n)
            .collect();
        if !under.is_empty()
            && under
                .iter()
                .all(|&n| !read_any.get(n).copied().unwrap_or(true))
        {
            no_logs.push(format!(
                "{}: no log files in this folder: its {} file(s) are all binary",
                dir.display(),
                under.len()
            ));
        }
    }
    let missing = expanded.errors;
    let mut collected = Collected::default();
    let parts: usize = results.iter().map(|r| r.parts.len()).sum();
    let mut summary = Summary {
        inputs: (parts + missing.len()) as u64,
        inputs_unreadable: missing.len() as u64,
        bundle_skipped: expanded.skipped,
        empty_logs: expanded.empty,
        ..Summary::default()
    };
    let mut errors: Vec<String> = missing.iter().map(|e| error_line(e)).collect();
    summary.inputs_unreadable += no_logs.len() as u64;
    errors.extend(no_logs);
    let mut binary_skipped = Vec::new();
    // What folders and archives held besides the logs read.
    let mut passed = bundle::PassedOver {
        hidden: expanded.hidden.len() as u64,
        first_hidden: expanded.hidden.first().map(|p| p.display().to_string()),
        ..bundle::PassedOver::default()
    };
    for scanned in results.into_iter().flat_map(|r| {
        passed.add(r.counts);
        r.parts
    }) {
        let stats = match scanned.read {
            Ok(stats) => stats,
            // Found in a folder or an archive, not named: noted and counted, as ripgrep
            // passes such files over; the run does not fail for it.
            Err(failure) if matches!(failure.error, Error::BinarySkipped { .. }) => {
                summary.inputs_binary += 1;
                binary_skipped.push(error_line(&failure.error));
                failure.stats
            }
            Err(failure) => {
                summary.inputs_unreadable += 1;
                if matches!(failure.error, Error::BinaryInput { .. }) {
                    summary.inputs_binary += 1;
                }
                errors.push(error_line(&failure.error));
                failure.stats
            }
        };
        summary.bytes += stats.bytes;
        summary.split_lines += stats.split_lines;
        summary.nul_lead_bytes += stats.nul_lead;
        collected.merge(scanned.collected);
    }
    let inputs = config
        .inputs
        .iter()
        .map(|p| {
            if p.as_os_str() == "-" {
                "<stdin>".to_string()
            } else {
                p.display().to_string()
            }
        })
        .collect();
    summary.bundle_skipped += passed.skipped;
    summary.empty_logs += passed.empty;
    if let Some(note) = source::hidden_note(passed.hidden, passed.first_hidden.as_deref()) {
        crate::message!("sso-triage: {note}");
    }
    ReportParts {
        collected,
        summary,
        errors,
        binary_skipped,
        inputs,
        files,
    }
}

/// The progress line for a scan of `inputs`, or `None` when it must not show: stderr not a
/// terminal, `-q`, a live stream, or JSON lines on a terminal (they would interleave).
fn progress_line(config: &ScanConfig, inputs: &[Input]) -> Option<crate::progress::Progress> {
    use std::io::IsTerminal;
    let jsonl_on_terminal = config.format == Format::Jsonl && io::stdout().is_terminal();
    if config.quiet || config.live || jsonl_on_terminal || !io::stderr().is_terminal() {
        return None;
    }
    Some(crate::progress::Progress::start(total_of(inputs)))
}

/// The bytes the inputs hold when every one is a plain file whose size is what will be
/// read (not stdin, not compressed, not an archive).
pub(super) fn total_of(inputs: &[Input]) -> Option<u64> {
    let mut total = 0u64;
    for input in inputs {
        let path = match input {
            Input::File(p) | Input::Found(p) | Input::PodLog { path: p, .. } => p,
            Input::Stdin => return None,
        };
        let name = path.to_string_lossy().to_ascii_lowercase();
        if [".gz", ".tgz", ".tar", ".zip", ".har"]
            .iter()
            .any(|ext| name.ends_with(ext))
        {
            return None;
        }
        let meta = std::fs::metadata(path).ok()?;
        if !meta.is_file() {
            return None;
        }
        total += meta.len();
    }
    Some(total)
}
