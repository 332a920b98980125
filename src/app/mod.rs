//! Wires the pipeline: catalog -> (per input, in parallel) source -> framing -> matcher ->
//! findings -> report. The only module that knows every stage. Returns the exit status.
//! `kube.rs` does the same for the cluster as a source.

mod check_config;
#[cfg(feature = "kube")]
mod kube;
mod pipeline;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::mpsc;

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::analyze::{Analyzer, Collected, MatchRecord, Observation, Observer};
use crate::catalog::compile::{self, Compiled};
use crate::catalog::{self, Catalog, Detector, Severity, export, load, validate};
use crate::cli::{Args, CatalogCommand, Command, ExplainArgs};
use crate::config::ScanConfig;
use crate::error::Error;
use crate::parse::{Frame, Framer};
use crate::redact::{Masking, Placeholders};
use crate::report::{self, Format, Report, Summary};
use crate::source::{self, BlockFn, Input, ReadFailure, ReadStats, bundle};

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

/// Loads, validates and compiles the catalog; every problem is reported at once. The
/// examples of user-supplied rules run here too (built-in ones are run by the test suite).
pub fn build_catalog(dirs: &[PathBuf]) -> Result<Compiled> {
    let (compiled, problems) = build_checked(dirs, false);
    if problems.is_empty() {
        Ok(compiled.expect("a catalog without problems compiles"))
    } else {
        Err(Error::Catalog { problems }.into())
    }
}

fn build_checked(dirs: &[PathBuf], all_examples: bool) -> (Option<Compiled>, Vec<String>) {
    let mut problems = Vec::new();
    let mut catalog = Catalog::default();
    load::add_group(&mut catalog, &load::embedded_rule_files(), &mut problems);
    let mut user_ids = Vec::new();
    for dir in dirs {
        match load::read_dir_files(dir) {
            Ok(files) => {
                let before = catalog.clone();
                load::add_group(&mut catalog, &files, &mut problems);
                user_ids.extend(
                    catalog
                        .rules
                        .iter()
                        .filter(|(id, l)| before.rules.get(*id).is_none_or(|b| b.file != l.file))
                        .map(|(id, _)| id.clone()),
                );
            }
            Err(e) => problems.push(format!("{e:#}")),
        }
    }
    validate::lint_catalog(&catalog, &mut problems);
    let compiled = compile::compile(&catalog, &mut problems);
    let selected = |id: &str| all_examples || user_ids.iter().any(|u| u == id);
    validate::run_examples(
        &compiled,
        selected,
        |idx, example| {
            let detector = compiled.rules[idx].rule.detector();
            match detector {
                Detector::Log => Ok(validate::fires_on_line(&compiled, idx, example)),
                Detector::Flow | Detector::UnknownCode => {
                    // Checked end to end: each example is a small log.
                    let mut bytes = example.as_bytes().to_vec();
                    bytes.push(b'\n');
                    let findings = scan_text(&compiled, &bytes).findings;
                    Ok(findings.keys().any(|key| match key {
                        crate::analyze::Key::Rule(r) => *r == idx,
                        crate::analyze::Key::UnknownCode(_) => detector == Detector::UnknownCode,
                    }))
                }
                _ => crate::detectors::fires(&compiled, idx, example),
            }
        },
        &mut problems,
    );
    (Some(compiled), problems)
}

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
struct Scanned {
    collected: Collected,
    read: std::result::Result<ReadStats, ReadFailure>,
}

/// What one named input produced: one part, or one per log of a support bundle archive.
struct ScannedInput {
    parts: Vec<Scanned>,
    /// Non-log and empty members of an archive.
    counts: bundle::Counts,
}

/// Scans one named input. A support bundle archive is streamed member by member on this
/// thread: a compressed tar can only be read in order, and one member at a time keeps
/// memory at one buffer and the output in archive order. Inputs still run in parallel.
fn scan_input(
    input: &Input,
    compiled: &Compiled,
    config: &ScanConfig,
    workers: usize,
    on_match: &mut dyn FnMut(&MatchRecord<'_>),
) -> ScannedInput {
    let archive = match input {
        // A browser capture, told by its content: see crate::har.
        Input::File(path) if crate::har::is_har(path) => {
            return ScannedInput {
                parts: vec![scan_har(path, compiled, config, on_match)],
                counts: bundle::Counts::default(),
            };
        }
        Input::File(path) if bundle::is_archive(path) => path,
        _ => {
            return ScannedInput {
                parts: vec![scan_one(input, compiled, config, workers, on_match)],
                counts: bundle::Counts::default(),
            };
        }
    };
    let mut parts = Vec::new();
    let counts = bundle::read_archive(archive, &mut |item| match item {
        bundle::Item::Log(member) => {
            let name = member.name().to_string();
            parts.push(scan_blocks(
                name,
                compiled,
                config,
                workers,
                on_match,
                Feed::Blocks(&mut |f| member.read_blocks(f)),
            ));
        }
        bundle::Item::Problem(error) => parts.push(Scanned {
            collected: Collected::default(),
            read: Err(ReadFailure {
                error,
                stats: ReadStats::default(),
            }),
        }),
    });
    ScannedInput { parts, counts }
}

fn scan_one(
    input: &Input,
    compiled: &Compiled,
    config: &ScanConfig,
    workers: usize,
    on_match: &mut dyn FnMut(&MatchRecord<'_>),
) -> Scanned {
    // With worker threads, a plain file big enough is read by them, a range each.
    let ranged = if workers > 0 {
        source::Ranged::open(input)
    } else {
        None
    };
    let feed = match &ranged {
        Some(file) => Feed::Ranged(file),
        None => Feed::Blocks(&mut |f| source::read_blocks(input, f)),
    };
    scan_blocks(input.name(), compiled, config, workers, on_match, feed)
}

/// Reads and analyses a HAR capture entry by entry; a broken one is an unreadable input
/// with one line (what came before the break is still analysed).
fn scan_har(
    path: &std::path::Path,
    compiled: &Compiled,
    config: &ScanConfig,
    on_match: &mut dyn FnMut(&MatchRecord<'_>),
) -> Scanned {
    let options = crate::har::Options {
        reveal: config.reveal_secrets,
        redact_users: config.redact_users,
        flow_timeout_secs: config.flow_timeout_secs,
        redirect_uri: config.redirect_uri.clone(),
    };
    let name = path.display().to_string();
    let (collected, read) = crate::har::scan(path, &name, compiled, &options, on_match);
    Scanned {
        collected,
        read: read.map_err(|error| ReadFailure {
            error,
            stats: ReadStats::default(),
        }),
    }
}

/// `redact-har IN OUT`: a masked copy of a HAR, written entry by entry; OUT `-` is stdout
/// (a closed pipe ends quietly). Exit 2 with one line on a bad input; a file OUT is then
/// not left half written.
fn redact_har(input: &std::path::Path, output: &std::path::Path) -> Result<Exit> {
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
            Err(e) => fail(format!("{:#}", anyhow::Error::new(e))),
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
        (Err(e), _) => Err(format!("{:#}", anyhow::Error::new(e))),
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

/// Reads one input to its end, handing buffers of whole lines to the function it is given.
type ReadFn<'a> = dyn FnMut(&mut BlockFn<'_>) -> std::result::Result<ReadStats, ReadFailure> + 'a;

/// Where one input's bytes come from: a reader handing out buffers, or a file the worker
/// threads read themselves (only with workers: [`pipeline::run_ranged`] needs them).
enum Feed<'r, 'a> {
    Blocks(&'r mut ReadFn<'a>),
    Ranged(&'r source::Ranged),
}

/// Runs what `read` hands out through one framer and analyzer, named `name`. With
/// `workers` above 0 the buffers are scanned and matched on that many other threads (see
/// [`pipeline`]); the result is the same.
fn scan_blocks(
    name: String,
    compiled: &Compiled,
    config: &ScanConfig,
    workers: usize,
    on_match: &mut dyn FnMut(&MatchRecord<'_>),
    feed: Feed<'_, '_>,
) -> Scanned {
    let mut framer = Framer::with_scanner(compiled.scanner());
    let mut analyzer = Analyzer::new(compiled, name, config.reveal_secrets);
    analyzer.set_flow_timeout(chrono::Duration::seconds(config.flow_timeout_secs));
    analyzer.set_redact_users(config.redact_users);
    analyzer.set_match_records(config.match_records);
    let observers = (0..workers).map(|_| analyzer.observer()).collect();
    let sink = &mut |frame: &Frame<'_>, observed: Option<Observation>| match observed {
        Some(o) => analyzer.event_observed(frame, o, on_match),
        None => analyzer.event(frame, on_match),
    };
    let read = match feed {
        Feed::Ranged(file) => pipeline::run_ranged(&mut framer, observers, sink, file),
        Feed::Blocks(read) => pipeline::run(&mut framer, observers, sink, |f| read(f)),
    };
    analyzer.finish(framer.last_line(), on_match);
    analyzer.collected.frames = framer.stats;
    Scanned {
        collected: analyzer.collected,
        read,
    }
}

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
fn count_input(
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
fn count_with<'c, E>(
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

/// Matching threads for one input: one per core (`-j`), the calling thread among them (it
/// frames, and does queued jobs while it would wait), or none at all with `-j 1`.
fn workers(config: &ScanConfig) -> usize {
    let threads = config.threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    if threads > 1 { threads } else { 0 }
}

/// `scan --count`: every input in turn through [`count_blocks`], totals on stdout.
fn run_count(config: &ScanConfig, compiled: &Compiled) -> Result<Exit> {
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

fn run_scan(config: &ScanConfig, compiled: &Compiled) -> Result<Exit> {
    let source::Expanded {
        inputs,
        errors: missing,
        skipped,
        empty,
    } = source::expand_all(&config.inputs);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let jsonl = config.format == Format::Jsonl;

    let reveal = config.reveal_secrets;
    // Masks become numbered placeholders as output is written, in output order.
    let mut numbers = Placeholders::default();
    let mut write_error: Option<io::Error> = None;
    let mut results: Vec<ScannedInput> = Vec::with_capacity(inputs.len());
    if inputs.len() == 1 {
        // One input: match records stream out as they are found.
        let mut emit = |rec: &MatchRecord<'_>| {
            if !jsonl || write_error.is_some() || (!reveal && record_leaks(rec)) {
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
        // One input: its buffers are scanned and matched on every core (none with -j 1).
        results.push(scan_input(
            &inputs[0],
            compiled,
            config,
            workers(config),
            &mut emit,
        ));
    } else if !inputs.is_empty() {
        // Several inputs in parallel; results and match records are put back in input order
        // as soon as each input and all before it are done.
        let pool = {
            let mut b = rayon::ThreadPoolBuilder::new();
            if let Some(n) = config.threads {
                b = b.num_threads(n);
            }
            b.build().context("cannot start worker threads")?
        };
        let (tx, rx) = mpsc::channel::<(usize, ScannedInput, Vec<u8>)>();
        std::thread::scope(|scope| -> Result<()> {
            let inputs = &inputs;
            scope.spawn(move || {
                pool.install(|| {
                    inputs
                        .par_iter()
                        .enumerate()
                        .for_each_with(tx, |tx, (i, input)| {
                            let mut buf = Vec::new();
                            let scanned = scan_input(input, compiled, config, 0, &mut |rec| {
                                if jsonl && (reveal || !record_leaks(rec)) {
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
            Ok(())
        })?;
    }
    if let Some(e) = write_error {
        return Err(anyhow::Error::new(e).context("cannot write output"));
    }

    // Put the pieces together in input order.
    let mut collected = Collected::default();
    let parts: usize = results.iter().map(|r| r.parts.len()).sum();
    let mut summary = Summary {
        inputs: (parts + missing.len()) as u64,
        inputs_unreadable: missing.len() as u64,
        bundle_skipped: skipped,
        empty_logs: empty,
        ..Summary::default()
    };
    let mut errors: Vec<String> = missing
        .iter()
        .map(|e| format!("{:#}", anyhow::Error::new(clone_error(e))))
        .collect();
    for scanned in results.into_iter().flat_map(|r| {
        summary.bundle_skipped += r.counts.skipped;
        summary.empty_logs += r.counts.empty;
        r.parts
    }) {
        let stats = match scanned.read {
            Ok(stats) => stats,
            Err(failure) => {
                summary.inputs_unreadable += 1;
                if matches!(failure.error, Error::BinaryInput { .. }) {
                    summary.inputs_binary += 1;
                }
                errors.push(format!("{:#}", anyhow::Error::new(failure.error)));
                failure.stats
            }
        };
        summary.bytes += stats.bytes;
        summary.split_lines += stats.split_lines;
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
    finish_report(
        config,
        compiled,
        Gathered {
            collected,
            summary,
            errors,
            inputs,
        },
        &mut numbers,
        &mut out,
    )
}

/// Everything read, ready to become the report.
struct Gathered {
    collected: Collected,
    /// Read counts so far (inputs, bytes); the rest is filled in from `collected`.
    summary: Summary,
    /// One line per input that could not be read.
    errors: Vec<String>,
    /// The inputs as the user named them.
    inputs: Vec<String>,
}

/// Joins the flows, builds the report, checks it for leaks, renders it to `out` and
/// decides the exit status.
/// The report's view of `flows`, masked on `threads` threads, in order. Each flow is freed
/// as its view is made: never both for all of them.
fn show_flows(
    mut flows: Vec<crate::correlate::Flow>,
    masking: Masking,
    threads: usize,
) -> Vec<report::LoginFlow> {
    let show = |flows: Vec<crate::correlate::Flow>| {
        let mut shown = crate::redact::ShowCache::new(masking);
        flows
            .into_iter()
            .map(|f| report::LoginFlow::new(&f, &mut shown))
            .collect::<Vec<_>>()
    };
    // A thread is worth starting for a few hundred flows, not for a handful.
    let threads = threads.min(flows.len() / 256).max(1);
    if threads == 1 {
        return show(flows);
    }
    let per = flows.len().div_ceil(threads);
    let mut chunks = Vec::with_capacity(threads);
    while flows.len() > per {
        chunks.push(flows.split_off(flows.len() - per));
    }
    chunks.push(flows);
    chunks.reverse();
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| scope.spawn(move || show(chunk)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(views) => views,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

fn finish_report(
    config: &ScanConfig,
    compiled: &Compiled,
    gathered: Gathered,
    numbers: &mut Placeholders,
    out: &mut dyn Write,
) -> Result<Exit> {
    let Gathered {
        mut collected,
        mut summary,
        errors,
        inputs,
    } = gathered;
    summary.lines = collected.frames.lines;
    summary.events = collected.frames.events();
    summary.tracebacks = collected.frames.tracebacks;
    summary.invalid_utf8_lines = collected.frames.invalid_utf8_lines;
    summary.matched_events = collected.matched_events;
    summary.matched_lines = collected.matched_lines;
    summary.json_lines_broken = collected.json_lines_broken;
    summary.flows_unlisted = collected.released.succeeded;
    summary.failed_flows_unlisted = collected.released.failed;
    summary.abandoned_flows_unlisted = collected.released.abandoned;
    collected.settle_flows(
        compiled,
        chrono::Duration::seconds(config.flow_timeout_secs),
    );
    let mut findings = collected.findings(compiled);
    let mut flows = std::mem::take(&mut collected.flows);
    for (n, flow) in flows.iter_mut().enumerate() {
        flow.id = format!("f{}", n + 1);
    }
    for finding in &mut findings {
        finding.flows = flows
            .iter()
            .filter(|f| f.findings.contains(&finding.rule))
            .map(|f| f.id.clone())
            .collect();
    }
    for f in &findings {
        *summary
            .findings
            .entry(f.severity.key().to_string())
            .or_default() += 1;
    }
    // Everything that came from the input passes the masker on its way into the report.
    // Errors first; a caller may have listed problems that do not fail the run (`kube`: a
    // stream that was down and came back without losing a line).
    let masking = collected.masking;
    summary
        .problems
        .splice(0..0, errors.iter().map(|e| masking.show_line(e)));
    let mut report = Report {
        schema_version: report::SCHEMA_VERSION,
        secrets_shown: config.reveal_secrets,
        inputs: inputs.iter().map(|i| masking.show_line(i)).collect(),
        findings,
        flows: show_flows(flows, masking, workers(config).max(1)),
        summary,
    };

    report.number_placeholders(numbers);
    // Fail closed: whatever slipped past the masking is not printed. Only the text that came
    // from the input is checked; the catalog's own prose mentions "secret: ..." freely.
    if let (false, Some(kind)) = (config.reveal_secrets, leak_in(&report)) {
        crate::message!(
            "sso-triage: refusing to print the report: it would show a secret-shaped value ({kind}); this is a bug in sso-triage's masking, please report it (--show-secrets prints it anyway)"
        );
        return Ok(Exit::Error);
    }
    for p in &report.summary.problems {
        crate::message!("sso-triage: {p}");
    }
    // Straight to the output: every text of the model is numbered above (the property tests
    // fail on an internal mask left in any format), and a copy of a large report in memory
    // is what pushed dense input past its memory bound.
    report::render(&report, config.format, config.style, out)?;
    out.flush().map_err(anyhow::Error::new)?;
    if !config.quiet {
        crate::message!("sso-triage: {}", summary_line(&report.summary));
    }
    if config.reveal_secrets {
        crate::message!("sso-triage: {}", report::SECRETS_WARNING);
    }
    if report.summary.lines == 0 && errors.is_empty() {
        crate::message!(
            "sso-triage: warning: the input was empty: no log line was read (did the command feeding the pipe fail?)"
        );
    }

    let worst = report.findings.iter().map(|f| f.severity).max();
    // Freeing thousands of flows and findings one by one takes a good part of the time
    // after the output is written; another thread does it while this one returns (the
    // process may end before it is done, which is fine).
    std::thread::spawn(move || drop(report));
    if !errors.is_empty() {
        return Ok(Exit::Error);
    }
    Ok(if exceeds(worst, config.fail_on) {
        Exit::Findings
    } else {
        Exit::Clean
    })
}

/// True when a streamed match record would show an unmasked secret; such a record is held
/// back (and the final check fails the run).
fn record_leaks(rec: &MatchRecord<'_>) -> bool {
    let e = rec.evidence;
    std::iter::once(&e.text)
        .chain(&e.decoded)
        .chain(e.captures.values())
        .any(|t| crate::redact::leak(t).is_some())
}

/// The first secret-shaped value left unmasked in the parts of `report` that come from the
/// input (see [`Report::input_texts`]).
fn leak_in(report: &Report) -> Option<&'static str> {
    // Flow steps and user agents repeat by the thousand: each text is checked once.
    let mut checked = std::collections::HashSet::new();
    report
        .input_texts()
        .map(|t| t.as_str())
        .filter(|t| checked.insert(*t))
        .find_map(crate::redact::leak)
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

fn summary_line(s: &Summary) -> String {
    let findings: u64 = s.findings.values().sum();
    let by_sev: Vec<String> = ["error", "warning", "info"]
        .iter()
        .filter_map(|k| s.findings.get(*k).map(|n| format!("{n} {k}")))
        .collect();
    let mut line = format!(
        "{} input(s), {} bytes, {} lines, {} events, {} matched; {} finding(s)",
        s.inputs, s.bytes, s.lines, s.events, s.matched_events, findings
    );
    if !by_sev.is_empty() {
        line.push_str(&format!(" ({})", by_sev.join(", ")));
    }
    let counts = [
        (s.inputs_unreadable, "input(s) unreadable"),
        (
            s.invalid_utf8_lines,
            "line(s) with invalid UTF-8 shown lossily",
        ),
        (s.json_lines_broken, "broken JSON line(s) matched as text"),
        (s.split_lines, "over-long line(s) read in pieces"),
        (s.bundle_skipped, "non-log file(s) in bundles skipped"),
        (s.empty_logs, "empty log(s) in bundles"),
    ];
    let unread: Vec<String> = counts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
    if !unread.is_empty() {
        line.push_str("; ");
        line.push_str(&unread.join(", "));
    }
    line
}

fn explain(args: &ExplainArgs, compiled: &Compiled) -> Result<Exit> {
    let query = args.code.trim();
    let code = catalog::parse_aadsts(query).or_else(|| {
        (query.len() >= 4 && query.bytes().all(|b| b.is_ascii_digit()))
            .then(|| query.parse().ok())
            .flatten()
    });
    let mut hits: Vec<usize> = match code {
        Some(code) => compiled
            .code_table
            .get(&code)
            .map(|r| r.iter().map(|&i| i as usize).collect())
            .unwrap_or_default(),
        None => compiled
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.rule.id == query || r.rule.codes.iter().any(|c| c.eq_ignore_ascii_case(query))
            })
            .map(|(i, _)| i)
            .collect(),
    };
    hits.sort_by_key(|&i| {
        (
            compiled.rules[i].rule.fallback,
            compiled.rules[i].rule.id.clone(),
        )
    });
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if hits.is_empty() {
        let mut names: Vec<&str> = compiled
            .rules
            .iter()
            .flat_map(|r| {
                std::iter::once(r.rule.id.as_str()).chain(r.rule.codes.iter().map(String::as_str))
            })
            .collect();
        names.sort_unstable();
        names.dedup();
        let mut close: Vec<(f64, &str)> = names
            .iter()
            .map(|n| {
                (
                    strsim::jaro_winkler(&n.to_lowercase(), &query.to_lowercase()),
                    *n,
                )
            })
            .filter(|(s, _)| *s > 0.85)
            .collect();
        close.sort_by(|a, b| b.0.total_cmp(&a.0));
        crate::message!("sso-triage: {query:?} is not a code or rule the catalog knows");
        if let Some(code) = code {
            crate::message!(
                "sso-triage: look it up at https://login.microsoftonline.com/error?code={code}"
            );
        }
        if !close.is_empty() {
            let names: Vec<&str> = close.iter().take(3).map(|c| c.1).collect();
            crate::message!("sso-triage: did you mean {}?", names.join(", "));
        }
        return Ok(Exit::Findings);
    }
    for (n, &i) in hits.iter().enumerate() {
        let r = &compiled.rules[i].rule;
        if n > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{} ({})", r.title, r.id)?;
        writeln!(
            out,
            "symptom: {}   severity: {}   codes: {}",
            r.symptom,
            r.severity,
            r.codes.join(", ")
        )?;
        writeln!(out, "\nMeaning:\n  {}", r.meaning)?;
        writeln!(out, "\nLikely causes in NetBox Enterprise:")?;
        for c in &r.causes {
            writeln!(out, "  - {c}")?;
        }
        writeln!(out, "\nResolution:")?;
        for (k, s) in r.resolution.iter().enumerate() {
            writeln!(out, "  {}. {s}", k + 1)?;
        }
        if !r.references.is_empty() {
            writeln!(out, "\nReferences:")?;
            for s in &r.references {
                writeln!(out, "  {s}")?;
            }
        }
    }
    Ok(Exit::Clean)
}

fn list(compiled: &Compiled) -> Result<Exit> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for r in &compiled.rules {
        let r = &r.rule;
        writeln!(
            out,
            "{:<55} {:<28} {:<8} {}",
            r.id,
            r.symptom.key(),
            r.severity.key(),
            r.codes.join(",")
        )?;
    }
    Ok(Exit::Clean)
}

fn check(dirs: &[PathBuf], dir: Option<&PathBuf>) -> Result<Exit> {
    // A mistyped folder would otherwise pass as "the built-in catalog is fine".
    if let Some(d) =
        dir.filter(|d| matches!(load::read_dir_files(d), Ok(files) if files.is_empty()))
    {
        crate::message!(
            "sso-triage: {}: no rule files (*.toml) in this folder",
            d.display()
        );
        return Ok(Exit::Error);
    }
    let mut all = dirs.to_vec();
    all.extend(dir.cloned());
    let (compiled, problems) = build_checked(&all, dir.is_none());
    if !problems.is_empty() {
        for p in &problems {
            crate::message!("sso-triage: {p}");
        }
        crate::message!("sso-triage: {} problem(s)", problems.len());
        return Ok(Exit::Error);
    }
    let compiled = compiled.expect("built");
    let examples: usize = compiled
        .rules
        .iter()
        .map(|r| r.rule.examples.matches.len() + r.rule.examples.no_match.len())
        .sum();
    println!(
        "ok: {} rules, {} examples, {} anchors",
        compiled.rules.len(),
        examples,
        compiled.anchors.len()
    );
    Ok(Exit::Clean)
}

fn export_regex(compiled: &Compiled) -> Result<Exit> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    writeln!(out, "AADSTS[0-9]{{4,9}}")?;
    let mut seen = std::collections::BTreeSet::new();
    for r in &compiled.rules {
        for p in &r.rule.patterns {
            match export::portable(p) {
                Some(p) => {
                    if seen.insert(p.clone()) {
                        writeln!(out, "{p}")?;
                    }
                }
                None => crate::message!(
                    "sso-triage: rule {}: pattern has no grep -E form, left out: {p}",
                    r.rule.id
                ),
            }
        }
    }
    out.flush()?;
    Ok(Exit::Clean)
}

fn export_anchors(compiled: &Compiled) -> Result<Exit> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    for anchor in &compiled.anchors {
        out.write_all(anchor)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(Exit::Clean)
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

/// Severity threshold helper for tests.
pub fn exceeds(worst: Option<Severity>, threshold: Option<Severity>) -> bool {
    matches!((worst, threshold), (Some(w), Some(t)) if w >= t)
}

#[cfg(test)]
mod proptests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_rule_passes_its_examples() {
        let (compiled, problems) = build_checked(&[], true);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        let compiled = compiled.unwrap();
        assert!(compiled.rules.len() >= 60);
        assert!(compiled.anchors.len() < compile::MAX_ANCHORS + 1);
    }

    #[test]
    fn every_rule_with_patterns_is_tagged_by_an_anchor() {
        let compiled = build_catalog(&[]).unwrap();
        for (i, r) in compiled.rules.iter().enumerate() {
            if !r.rule.patterns.is_empty() {
                assert!(
                    compiled
                        .anchor_rules
                        .iter()
                        .any(|rules| rules.contains(&(i as u32))),
                    "{} has no anchor",
                    r.rule.id
                );
            }
        }
    }

    #[test]
    fn the_guides_four_sections_are_first_class_rules() {
        let compiled = build_catalog(&[]).unwrap();
        let symptom = |id: &str| {
            compiled
                .rules
                .iter()
                .find(|r| r.rule.id == id)
                .map(|r| r.rule.symptom.key())
                .unwrap_or_else(|| panic!("rule {id} missing"))
        };
        assert_eq!(
            symptom("aadsts50011-redirect-uri-mismatch"),
            "redirect-uri-mismatch"
        );
        assert_eq!(
            symptom("sso-failed-redirect-to-login"),
            "not-logged-in-after-auth"
        );
        assert_eq!(
            symptom("aadsts7000222-client-secret-expired"),
            "client-secret-expired"
        );
        assert_eq!(
            symptom("aadsts7000215-invalid-client-secret"),
            "invalid-client-credentials"
        );
        assert_eq!(
            symptom("oauth-invalid-client"),
            "invalid-client-credentials"
        );
        assert_eq!(symptom("redirect-uri-must-be-https"), "https-required");
    }

    /// The raw line holds an anchor but not the rule's keyword, which shows only once the
    /// JSON escapes are decoded (`\u0027` for `'`): the decoded view must still be matched.
    #[test]
    fn a_keyword_only_in_the_decoded_view_still_fires() {
        let compiled = build_catalog(&[]).unwrap();
        let line = br#"<script>var $Config={"sErrorCode":"700016","strServiceExceptionMessage":"Application with identifier \u0027None\u0027 was not found in the directory \u0027Example Networks Ltd\u0027.","urlLogin":"https://login.microsoftonline.com/common/login"};</script>"#;
        let collected = scan_text(&compiled, line);
        assert_eq!(collected.matched_events, 1);
    }

    /// An endless stream of logins that never come back: the input keeps at most
    /// MAX_HELD_FLOWS flows, and every one of them still counts, listed or not.
    #[test]
    fn failed_flows_beyond_the_cap_are_counted_not_kept() {
        use crate::correlate::{MAX_HELD_FLOWS, Outcome};
        let compiled = build_catalog(&[]).unwrap();
        let logins = 3 * MAX_HELD_FLOWS;
        let start = chrono::DateTime::parse_from_rfc3339("2026-11-20T00:00:00Z").unwrap();
        let mut text = String::new();
        for i in 0..logins {
            let t = start + chrono::Duration::seconds(2 * i as i64);
            text.push_str(&format!(
                "10.9.{}.{} - - [{}] \"GET /oauth/login/azuread-oauth2/?next=/ HTTP/1.1\" 302 0 \"-\" \"Mozilla/5.0\"\n",
                i / 250,
                i % 250,
                t.format("%d/%b/%Y:%H:%M:%S +0000"),
            ));
        }
        let collected = scan_text(&compiled, text.as_bytes());
        assert!(
            collected.flows.len() <= MAX_HELD_FLOWS,
            "{} flows held",
            collected.flows.len()
        );
        let released = collected.released;
        assert!(released.abandoned > 0);
        assert_eq!(
            collected.flows.len() as u64
                + released.abandoned
                + released.failed
                + released.succeeded,
            logins as u64
        );
        // Every abandoned flow, listed or not, counts once in the no-callback finding.
        let abandoned = collected
            .flows
            .iter()
            .filter(|f| f.outcome == Outcome::Abandoned)
            .count() as u64
            + released.abandoned;
        let findings = collected.findings(&compiled);
        let no_callback = findings.iter().find(|f| f.rule == "flow-no-callback");
        assert_eq!(no_callback.unwrap().count, abandoned);
        // The last ten minutes are still waiting for their callback when the log ends.
        assert_eq!(abandoned, logins as u64 - 300);
    }

    #[test]
    fn unmasked_evidence_is_caught_before_printing() {
        let compiled = build_catalog(&[]).unwrap();
        let collected = scan_text(
            &compiled,
            b"2026-11-20T09:00:00Z social_core.exceptions.AuthStateMissing: Session value state missing.\n",
        );
        let mut findings = collected.findings(&compiled);
        let mut report = Report {
            schema_version: report::SCHEMA_VERSION,
            secrets_shown: false,
            inputs: vec![],
            findings: findings.clone(),
            flows: collected
                .flows
                .iter()
                .map(|f| {
                    report::LoginFlow::new(
                        f,
                        &mut crate::redact::ShowCache::new(Masking::default()),
                    )
                })
                .collect(),
            summary: Summary::default(),
        };
        assert_eq!(leak_in(&report), None);
        // Only a bug could put unmasked input into the model (our own words carrying a
        // token): the second line catches it.
        findings[0].evidence[0].text =
            crate::redact::Shown::ours("token=eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJ4In0.c2ln");
        report.findings = findings;
        assert!(leak_in(&report).is_some());
    }

    /// See: issue 15. Every made-up AADSTS code was a finding of its own: hostile input
    /// grew the findings without bound.
    #[test]
    fn unknown_codes_past_a_number_share_one_finding() {
        let compiled = build_catalog(&[]).unwrap();
        let text: String = (0..300)
            .map(|i| {
                format!(
                    "2026-11-20T09:00:00Z AADSTS{} something failed\n",
                    81_000_000 + i
                )
            })
            .collect();
        let collected = scan_text(&compiled, text.as_bytes());
        let findings = collected.findings(&compiled);
        let unknown: Vec<_> = findings
            .iter()
            .filter(|f| f.rule == crate::analyze::UNKNOWN_AADSTS)
            .collect();
        assert_eq!(unknown.len(), crate::analyze::MAX_UNKNOWN_CODES + 1);
        let total: u64 = unknown.iter().map(|f| f.count).sum();
        assert_eq!(total, 300, "every event is still counted");
        assert!(
            unknown
                .iter()
                .all(|f| f.codes_seen.len() <= crate::analyze::MAX_SOURCES)
        );
    }

    #[test]
    fn threshold() {
        assert!(exceeds(Some(Severity::Error), Some(Severity::Warning)));
        assert!(!exceeds(Some(Severity::Info), Some(Severity::Warning)));
        assert!(!exceeds(Some(Severity::Error), None));
        assert!(!exceeds(None, Some(Severity::Info)));
    }
}
