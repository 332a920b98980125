//! `scan --count`: matching only, the counts of what fired per rule.

use std::io::{self, Write};

use anyhow::{Context, Result};

use crate::analyze::Observer;
use crate::catalog::compile::Compiled;
use crate::config::ScanConfig;
use crate::parse::Framer;
use crate::redact::Masking;
use crate::source::{self, BlockFn, Input, ReadFailure, ReadStats};

use super::{Exit, clone_error, pipeline, workers};

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

/// [`count_blocks`] of one input, read by the worker threads when it is a plain file big
/// enough (as `scan` reads it).
pub(super) fn count_input(
    compiled: &Compiled,
    workers: usize,
    input: &Input,
) -> (Counts, std::result::Result<ReadStats, ReadFailure>) {
    match source::Ranged::open(input).filter(|_| workers > 0) {
        Some(file) => count_with(compiled, workers, |framer, observers, sink| {
            pipeline::run_ranged(framer, observers, sink, &file)
        }),
        None => count_blocks(compiled, workers, |f| source::read_blocks(input, f)),
    }
}

/// Counts what `drive` frames with a matching-only observer per worker.
pub(super) fn count_with<'c, E>(
    compiled: &'c Compiled,
    workers: usize,
    drive: impl FnOnce(&mut Framer<'c>, Vec<Observer<'c>>, &mut pipeline::Sink<'_>) -> E,
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

/// `scan --count`: every input in turn through [`count_blocks`], totals on stdout.
pub(super) fn run_count(config: &ScanConfig, compiled: &Compiled) -> Result<Exit> {
    let expanded = source::expand_all(&config.inputs);
    let mut total = Counts::default();
    let mut failed = !expanded.errors.is_empty();
    for e in &expanded.errors {
        crate::message!("sso-triage: {:#}", anyhow::Error::new(clone_error(e)));
    }
    for input in &expanded.inputs {
        let (c, read) = count_input(compiled, workers(config), input);
        if let Err(failure) = read {
            failed = true;
            crate::message!("sso-triage: {:#}", anyhow::Error::new(failure.error));
        }
        total.lines += c.lines;
        total.events += c.events;
        total.matched_lines += c.matched_lines;
        total.matched_events += c.matched_events;
    }
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "lines {}\nevents {}\nmatched_lines {}\nmatched_events {}",
        total.lines, total.events, total.matched_lines, total.matched_events
    )
    .context("cannot write output")?;
    Ok(if failed { Exit::Error } else { Exit::Clean })
}
