//! `sso-triage kube`: the cluster as an input. Pod logs stream in through
//! [`crate::kube::stream`] shaped like `kubectl logs --prefix --timestamps`, so one framer
//! and analyzer read them exactly as they would read a saved file; the report half is the
//! one `scan` uses. With `--follow`, matches are printed as they are found and Ctrl-C (or
//! SIGTERM) ends the streams and prints the final report.

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;

use super::{Exit, PartScan, ReportParts, finish_report, record_leaks, scan_source};
use crate::analyze::MatchRecord;
use crate::catalog::compile::Compiled;
use crate::cli::{ColorChoice, KubeArgs};
use crate::config::{ScanConfig, parse_duration};
use crate::kube::{KubeOptions, KubeSource};
use crate::redact::Placeholders;
use crate::report::{self, Format, Summary};

/// The checked `kube` flags.
fn options(args: &KubeArgs) -> std::result::Result<KubeOptions, String> {
    let since = args
        .since
        .as_deref()
        .map(parse_duration)
        .transpose()?
        .map(|s| std::time::Duration::from_secs(s.unsigned_abs()));
    let since_time = args
        .since_time
        .as_deref()
        .map(|t| {
            chrono::DateTime::parse_from_rfc3339(t)
                .map(|t| t.with_timezone(&chrono::Utc))
                .map_err(|e| {
                    format!(
                        "invalid --since-time {t:?} ({e}): use RFC 3339, e.g. 2026-11-27T14:00:00Z"
                    )
                })
        })
        .transpose()?;
    if args.max_log_requests == 0 {
        return Err("--max-log-requests must be at least 1".into());
    }
    let request_timeout = crate::kube::parse_request_timeout(&args.request_timeout)?;
    Ok(KubeOptions {
        pods: args.pods.clone(),
        namespace: Some(args.namespace.clone()),
        selector: args.selector.clone(),
        container: args.container.clone(),
        since,
        since_time,
        tail: args.tail,
        previous: args.previous,
        follow: args.follow,
        context: args.context.clone(),
        kubeconfig: args.kubeconfig.clone(),
        max_log_requests: args.max_log_requests,
        request_timeout,
        ..KubeOptions::default()
    })
}

/// Runs `sso-triage kube`.
pub fn run_kube(args: &KubeArgs, color: ColorChoice, compiled: &Compiled) -> Result<Exit> {
    let checked = ScanConfig::from_report_args(&args.report, color)
        .and_then(|config| Ok((config, options(args)?)));
    let (mut config, opts) = match checked {
        Ok(c) => c,
        Err(msg) => {
            crate::message!("sso-triage: {msg}");
            return Ok(Exit::Error);
        }
    };
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = Arc::clone(&stop);
        // SIGINT and SIGTERM both end the streams; the report still comes out. A second
        // Ctrl-C while the report is written is ignored (it is quick).
        if let Err(e) = ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst)) {
            crate::message!(
                "sso-triage: warning: cannot catch Ctrl-C ({e}); it will end the run without a report"
            );
        }
    }
    let name = format!("kube:{}", args.namespace);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut numbers = Placeholders::default();
    let mut source = KubeSource::new(name.clone(), &opts, &stop);
    let mut write_error: Option<io::Error> = None;
    let live = Live {
        format: config.format,
        follow: opts.follow,
        quiet: config.quiet,
        show_secrets: config.show_secrets,
    };
    config.match_records = live.prints();
    config.live = opts.follow;
    let scanned = {
        let mut emit = |rec: &MatchRecord<'_>| {
            if write_error.is_none()
                && let Err(e) = live.print(rec, compiled, &mut numbers, &mut out)
            {
                // Nobody reads any more (`| head`): stop following.
                stop.store(true, Ordering::SeqCst);
                write_error = Some(e);
            }
        };
        // The cluster is one log.
        let mut parts = scan_source(&mut source, compiled, &config, 0, &mut emit).parts;
        parts.pop().unwrap_or_else(|| PartScan {
            collected: Default::default(),
            read: Ok(Default::default()),
        })
    };
    if let Some(e) = write_error {
        return Err(anyhow::Error::new(e).context("cannot write output"));
    }
    let stats = source.stats;
    for note in &stats.notes {
        crate::message!("sso-triage: note: {note}");
    }
    let mut summary = Summary {
        inputs: 1,
        ..Summary::default()
    };
    let mut errors = Vec::new();
    match scanned.read {
        Ok(read) => {
            summary.bytes = read.bytes;
            summary.split_lines = read.split_lines;
        }
        Err(failure) => {
            // Nothing was read when setting up failed: the message alone says it all.
            if scanned.collected.frames.lines == 0 {
                crate::message!("sso-triage: {}", failure.error);
                return Ok(Exit::Error);
            }
            summary.inputs_unreadable = 1;
            errors.push(failure.error.to_string());
        }
    }
    // Spans of the logs not read fail the run (exit 2) after the report; outages that lost
    // no line are listed in the report without failing it.
    errors.extend(stats.gaps.iter().cloned());
    // Listed in the report, and on stderr with the other problems as it is printed.
    summary.problems = stats
        .outages
        .iter()
        .map(|o| crate::redact::Masking::default().show(o))
        .collect();
    if !config.quiet {
        crate::message!(
            "sso-triage: read {} container(s) of {} pod(s); {} reconnect(s), {} replayed line(s) dropped",
            stats.containers,
            stats.pods,
            stats.reconnects,
            stats.duplicates_dropped
        );
    }
    finish_report(
        &config,
        compiled,
        ReportParts {
            collected: scanned.collected,
            summary,
            errors,
            binary_skipped: Vec::new(),
            inputs: vec![name],
            files: Vec::new(),
        },
        &mut numbers,
        &mut out,
    )
}

/// How matches are shown while the streams run.
struct Live {
    format: Format,
    follow: bool,
    quiet: bool,
    show_secrets: bool,
}

impl Live {
    /// Whether [`Live::print`] prints anything.
    fn prints(&self) -> bool {
        self.format == Format::Jsonl
            || (self.follow && !(self.quiet && self.format != Format::Table))
    }

    /// `-o jsonl`: every match record, as `scan` writes them. With `--follow` and the table
    /// format: one line per matching event on stdout, as it happens (the final table
    /// follows on Ctrl-C). Other formats keep stdout for the document: the live lines go to
    /// stderr unless `-q`.
    fn print(
        &self,
        rec: &MatchRecord<'_>,
        compiled: &Compiled,
        numbers: &mut Placeholders,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        if !self.show_secrets && record_leaks(rec) {
            return Ok(());
        }
        if self.format == Format::Jsonl {
            let mut buf = Vec::new();
            report::json::record("match", rec, &mut buf).map_err(io::Error::other)?;
            let line = String::from_utf8_lossy(&buf);
            out.write_all(numbers.apply(&line).as_bytes())?;
            return out.flush();
        }
        if !self.prints() {
            return Ok(());
        }
        let line = numbers.apply(&live_line(rec, compiled)).into_owned();
        if self.format == Format::Table {
            writeln!(out, "{line}")?;
            out.flush()
        } else {
            crate::message!("{line}");
            Ok(())
        }
    }
}

/// `TIME  SEVERITY  RULE  POD  TEXT`, one line, the text cut to 160 characters.
fn live_line(rec: &MatchRecord<'_>, compiled: &Compiled) -> String {
    let e = rec.evidence;
    let severity = rec
        .rules
        .iter()
        .filter_map(|id| compiled.rules.iter().find(|r| r.rule.id == *id))
        .map(|r| r.rule.severity)
        .max()
        .map_or("info", |s| s.key());
    let place = match (&e.pod, &e.container) {
        (Some(p), Some(c)) => format!("pod/{p}/{c}"),
        (Some(p), None) => format!("pod/{p}"),
        _ => format!("{}:{}", e.source, e.line),
    };
    let first = e.text.lines().next().unwrap_or("");
    let text: String = first.chars().take(160).collect();
    format!(
        "{}  {:<7}  {}  {}  {}",
        e.time.as_deref().unwrap_or("-"),
        severity,
        rec.rules.join(","),
        place,
        text
    )
}
