//! The report, assembled once: findings joined with their flows, every input text masked
//! ([`Masking`]), placeholders numbered, the fail-closed leak check, the summary line; then
//! rendered in the asked format.

use std::io::Write;

use anyhow::Result;

use crate::analyze::{Collected, MatchRecord};
use crate::catalog::compile::Compiled;
use crate::config::ScanConfig;
use crate::redact::{Masking, Placeholders};
use crate::report::{self, Report, Summary};

use super::{Exit, exceeds, workers};

/// Everything read, ready to become the report.
pub(super) struct ReportParts {
    pub(super) collected: Collected,
    /// Read counts so far (inputs, bytes); the rest is filled in from `collected`.
    pub(super) summary: Summary,
    /// One line per input that could not be read.
    pub(super) errors: Vec<String>,
    /// One line per binary file found in a folder or an archive and passed over: a note on
    /// stderr and a count on the summary line, not an error of the run.
    pub(super) binary_skipped: Vec<String>,
    /// The inputs as the user named them.
    pub(super) inputs: Vec<String>,
    /// The files read (named, or found in folders), for `-C` context.
    pub(super) files: Vec<std::path::PathBuf>,
}

/// Joins the flows, builds the report, checks it for leaks, renders it to `out` and
/// decides the exit status.
/// The report's view of `flows`, masked on `threads` threads, in order. Each flow is freed
/// as its view is made: never both for all of them.
pub(super) fn show_flows(
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

pub(super) fn finish_report(
    config: &ScanConfig,
    compiled: &Compiled,
    gathered: ReportParts,
    numbers: &mut Placeholders,
    out: &mut dyn Write,
) -> Result<Exit> {
    let ReportParts {
        mut collected,
        mut summary,
        errors,
        binary_skipped,
        inputs,
        files,
    } = gathered;
    // Every input text is masked as the run asks, whatever the parts merged carried (a
    // bundle member that could not be read is merged as an empty part).
    collected.masking = Masking {
        show_secrets: config.show_secrets,
        users: config.redact_users,
    };
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
    let changes = collected.changes();
    summary.notes = collected
        .lifecycle
        .newest_first()
        .iter()
        .map(|name| {
            collected.masking.show_line(&format!(
                "{name}: times run backwards (the newest line first, as log viewers export): login flows and changes may be misread; put the lines oldest first (tac) and scan again"
            ))
        })
        .collect();
    // The logins that worked, once, while the flows are still collected's: the timelines
    // and the hours count them.
    let successes = collected.successes();
    let mut findings = collected.findings_in_time(compiled, &changes, &successes);
    super::context::add_context(&mut findings, &files, config.context, collected.masking);
    summary.filtered_events = collected.filtered_events;
    let before = findings.len();
    findings.retain(|f| {
        config.min_severity.is_none_or(|s| f.severity >= s)
            && (config.symptoms.is_empty() || config.symptoms.contains(&f.symptom))
    });
    summary.findings_filtered = (before - findings.len()) as u64;
    let mut flows = std::mem::take(&mut collected.flows);
    for (n, flow) in flows.iter_mut().enumerate() {
        flow.id = format!("f{}", n + 1);
    }
    for finding in &mut findings {
        finding.flows = flows
            .iter()
            .filter(|f| f.rules.contains(&finding.rule))
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
    let interrupted = crate::interrupt::requested();
    if interrupted {
        summary.problems.push(crate::redact::Shown::ours(format!(
            "interrupted (Ctrl-C) after {} bytes: the report covers only what was read before; inputs or parts not reached were not read",
            summary.bytes
        )));
    }
    let mut report = Report {
        schema_version: report::SCHEMA_VERSION,
        show_secrets: config.show_secrets,
        inputs: inputs.iter().map(|i| masking.show_line(i)).collect(),
        verdict: None,
        findings,
        flows: show_flows(flows, masking, workers(config).max(1)),
        changes,
        hours: Vec::new(),
        summary,
    };
    report::verdict::decide(&mut report, compiled);
    report.hours = report::timeline::hours(&report.findings, &successes);

    report.number_placeholders(numbers);
    // Fail closed: whatever slipped past the masking is not printed. Only the text that came
    // from the input is checked; the catalog's own prose mentions "secret: ..." freely.
    if let Some(kind) = leak_in(&mut report, config.show_secrets) {
        crate::message!(
            "sso-triage: refusing to print the report: it would show a secret-shaped value or an unnumbered mask ({kind}); this is a bug in sso-triage's masking, please report it (--show-secrets prints it anyway)"
        );
        return Ok(Exit::Error);
    }
    for note in &binary_skipped {
        crate::message!("sso-triage: note: {}", masking.show_line(note));
    }
    for p in &report.summary.problems {
        crate::message!("sso-triage: {p}");
    }
    for n in &report.summary.notes {
        crate::message!("sso-triage: note: {n}");
    }
    // Straight to the output: every text of the model is numbered above (the property tests
    // fail on an internal mask left in any format), and a copy of a large report in memory
    // is what pushed dense input past its memory bound.
    report::render(&report, config.format, config.style, out)?;
    out.flush().map_err(anyhow::Error::new)?;
    if !config.quiet {
        crate::message!(
            "sso-triage: {}",
            summary_line(&report.summary, binary_skipped.len())
        );
    }
    if config.show_secrets {
        crate::messages::write_ours(report::SECRETS_WARNING_LINE);
    }
    if report.summary.lines == 0 && errors.is_empty() && !interrupted {
        // A pipe that brought nothing usually means the command feeding it failed.
        let piped = config.inputs.iter().any(|p| p.as_os_str() == "-")
            || config.inputs.is_empty()
            || config
                .inputs
                .iter()
                .any(|p| std::fs::metadata(p).is_ok_and(|m| !m.is_file() && !m.is_dir()));
        crate::message!(
            "sso-triage: warning: the input was empty: no log line was read{}",
            if piped {
                " (did the command feeding the pipe fail?)"
            } else {
                ""
            }
        );
    }

    let worst = report.findings.iter().map(|f| f.severity).max();
    // Freeing thousands of flows and findings one by one takes a good part of the time
    // after the output is written; another thread does it while this one returns (the
    // process may end before it is done, which is fine).
    std::thread::spawn(move || drop(report));
    if interrupted {
        return Ok(Exit::Interrupted);
    }
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
pub(super) fn record_leaks(rec: &MatchRecord<'_>) -> bool {
    rec.evidence
        .texts()
        .any(|t| crate::redact::leak(t).is_some())
}

/// What must not be printed in the parts of `report` that come from the input (see
/// [`Report::each_input_text`]): an internal mask the numbering missed, or (unless secrets
/// are `shown`) the first secret-shaped value left unmasked.
pub(super) fn leak_in(report: &mut Report, shown: bool) -> Option<&'static str> {
    // Flow steps and user agents repeat by the thousand: each text is checked once.
    let mut checked = std::collections::HashSet::new();
    let mut found = None;
    report.each_input_text(&mut |t| {
        if found.is_none() && checked.insert(t.to_string()) {
            found = crate::redact::unnumbered_mask(t)
                .or_else(|| (!shown).then(|| crate::redact::leak(t)).flatten());
        }
    });
    found
}

/// The one-line summary; `binary_skipped` binary files found in folders or archives were
/// passed over (those named on the command line are among the unreadable inputs).
pub(super) fn summary_line(s: &Summary, binary_skipped: usize) -> String {
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
            binary_skipped as u64,
            "binary file(s) in folders or archives skipped",
        ),
        (
            s.invalid_utf8_lines,
            "line(s) with invalid UTF-8 shown lossily",
        ),
        (s.json_lines_broken, "broken JSON line(s) matched as text"),
        (s.split_lines, "over-long line(s) read in pieces"),
        (
            s.nul_lead_bytes,
            "NUL byte(s) skipped at the start of a log (truncated in place)",
        ),
        (s.bundle_skipped, "non-log file(s) in bundles skipped"),
        (s.empty_logs, "empty log(s) in bundles"),
        (
            s.filtered_events,
            "event(s) of interest left out by --since/--until/--pod/--exclude-pod",
        ),
        (
            s.findings_filtered,
            "finding(s) not reported (--severity/--symptom)",
        ),
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

/// The report of one part read in memory, named `name` (tests): what [`finish_report`]
/// writes for a run of one input that read `collected` and `bytes` bytes.
#[cfg(test)]
pub(super) fn report_of_one(
    config: &ScanConfig,
    compiled: &Compiled,
    collected: Collected,
    bytes: u64,
    name: &str,
    numbers: &mut Placeholders,
) -> Vec<u8> {
    let mut out = Vec::new();
    finish_report(
        config,
        compiled,
        ReportParts {
            collected,
            summary: Summary {
                inputs: 1,
                bytes,
                ..Summary::default()
            },
            errors: Vec::new(),
            binary_skipped: Vec::new(),
            inputs: vec![name.into()],
            files: Vec::new(),
        },
        numbers,
        &mut out,
    )
    .expect("rendering to memory does not fail");
    out
}
