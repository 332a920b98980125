//! `scan --count`: matching only, the counts of what fired per rule.

use std::io::{self, Read, Write};
use std::path::Path;

use anyhow::{Context, Result};

use crate::analyze::Observer;
use crate::catalog::compile::Compiled;
use crate::config::ScanConfig;
use crate::error::Error;
use crate::parse::Framer;
use crate::redact::Masking;
use crate::report::Format;
use crate::source::{self, BlockFn, Log, ReadFailure, ReadStats, Sink, bundle};

use super::scan::scan_har;
use super::{Exit, error_line, pipeline, workers};

/// Line and match counts of the matching stage alone (`scan --count`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Physical lines.
    pub lines: u64,
    /// Events (a joined traceback or JSON block is one).
    pub events: u64,
    /// Lines in events that fired a rule.
    pub matched_lines: u64,
    /// Events that fired a rule.
    pub matched_events: u64,
}

/// Frames and matches what `read` hands out, and counts; no login flows, findings or
/// report. With `workers` above 0 the buffers are scanned and matched on that many other
/// threads. What `scan --count` and the matcher benchmark measure.
pub fn count_blocks<E>(
    compiled: &Compiled,
    workers: usize,
    read: impl FnOnce(&mut BlockFn<'_>) -> E,
) -> (Counts, E) {
    count_with(compiled, workers, |framer, observers, sink| {
        pipeline::run(framer, observers, sink, read)
    })
}

/// Counts what `drive` frames with a matching-only observer per worker.
pub(super) fn count_with<'c, E>(
    compiled: &'c Compiled,
    workers: usize,
    drive: impl FnOnce(&mut Framer<'c>, Vec<Observer<'c>>, &mut pipeline::OnEvent<'_>) -> E,
) -> (Counts, E) {
    let mut framer = Framer::with_scanner(compiled.scanner());
    let mut observer = Observer::new(compiled, String::new(), Masking::default()).matching_only();
    let observers = (0..workers).map(|_| observer.clone()).collect();
    let mut counts = Counts::default();
    let read = drive(&mut framer, observers, &mut |frame, observed| {
        let fired = match observed {
            Some(o) => o.fired(),
            None => observer.observe(frame).fired(),
        };
        if fired {
            counts.matched_events += 1;
            counts.matched_lines += frame.lines;
        }
    });
    counts.lines = framer.stats.lines;
    counts.events = framer.stats.events();
    (counts, read)
}

/// `scan --count`'s entry for what a source hands on: each log framed and matched, each
/// HAR analysed (its error lines are what the catalog reads), the counts added up.
struct CountSink<'a> {
    compiled: &'a Compiled,
    config: &'a ScanConfig,
    total: Counts,
    failed: bool,
    /// Hidden entries of folders and archives, for the note that says so.
    passed: bundle::PassedOver,
}

impl CountSink<'_> {
    fn add(&mut self, c: Counts, read: std::result::Result<ReadStats, ReadFailure>) {
        match read {
            // Found in a folder or an archive: a note, as `scan` gives it, not a failure.
            Err(failure) if matches!(failure.error, Error::BinarySkipped { .. }) => {
                crate::message!("sso-triage: note: {}", error_line(&failure.error));
            }
            Err(failure) => self.problem(failure.error),
            Ok(_) => {}
        }
        self.total.lines += c.lines;
        self.total.events += c.events;
        self.total.matched_lines += c.matched_lines;
        self.total.matched_events += c.matched_events;
    }
}

impl Sink for CountSink<'_> {
    /// A plain file big enough is read by the worker threads, as `scan` reads it.
    fn log(&mut self, _: String, log: Log<'_, '_>) {
        let workers = workers(self.config);
        let (counts, read) = match log {
            Log::Input(input) => match source::Ranged::open(input).filter(|_| workers > 0) {
                Some(file) => count_with(self.compiled, workers, |framer, observers, sink| {
                    pipeline::run_ranged(framer, observers, sink, &file)
                }),
                None => count_blocks(self.compiled, workers, |f| source::read_blocks(input, f)),
            },
            Log::Blocks(read) => count_blocks(self.compiled, workers, |f| read(f)),
        };
        self.add(counts, read);
    }

    fn har(&mut self, name: String, path: &Path, raw: &mut dyn Read) {
        let mut matched = Counts::default();
        let part = scan_har(raw, path, &name, self.compiled, self.config, &mut |rec| {
            matched.matched_events += 1;
            matched.matched_lines += rec.evidence.text.lines().count().max(1) as u64;
        });
        let frames = part.collected.frames;
        let counts = Counts {
            lines: frames.lines,
            events: frames.events(),
            ..matched
        };
        self.add(counts, part.read);
    }

    fn problem(&mut self, error: Error) {
        self.failed = true;
        crate::message!("sso-triage: {}", error_line(&error));
    }

    fn passed_over(&mut self, counts: bundle::PassedOver) {
        self.passed.add(counts);
    }
}

/// `scan --count`: every input in turn, opened as the source its content calls for, through
/// framing and matching; totals on stdout.
pub(super) fn run_count(config: &ScanConfig, compiled: &Compiled) -> Result<Exit> {
    let expanded = source::expand_all(&config.inputs);
    if let Some(note) = source::not_files_note(&expanded.not_files) {
        crate::message!("sso-triage: {note}");
    }
    for e in &expanded.errors {
        crate::message!("sso-triage: {}", error_line(e));
    }
    let mut sink = CountSink {
        compiled,
        config,
        total: Counts::default(),
        failed: !expanded.errors.is_empty(),
        passed: bundle::PassedOver {
            hidden: expanded.hidden.len() as u64,
            first_hidden: expanded.hidden.first().map(|p| p.display().to_string()),
            ..bundle::PassedOver::default()
        },
    };
    for input in &expanded.inputs {
        source::detect::open(input).read(&mut sink);
    }
    let passed = &sink.passed;
    if let Some(note) = source::hidden_note(passed.hidden, passed.first_hidden.as_deref()) {
        crate::message!("sso-triage: {note}");
    }
    let total = sink.total;
    let mut out = io::stdout().lock();
    match config.format {
        // One JSON object on one line, for `-o json` and `-o jsonl` alike.
        Format::Json | Format::Jsonl => writeln!(
            out,
            "{}",
            serde_json::json!({
                "lines": total.lines,
                "events": total.events,
                "matched_lines": total.matched_lines,
                "matched_events": total.matched_events,
            })
        ),
        _ => writeln!(
            out,
            "lines {}\nevents {}\nmatched_lines {}\nmatched_events {}",
            total.lines, total.events, total.matched_lines, total.matched_events
        ),
    }
    .context("cannot write output")?;
    Ok(if crate::interrupt::requested() {
        crate::message!(
            "sso-triage: interrupted (Ctrl-C): the counts cover only what was read before"
        );
        Exit::Interrupted
    } else if sink.failed {
        Exit::Error
    } else {
        Exit::Clean
    })
}
