//! The Markdown incident report (`-o markdown`): a document to paste into a ticket. Renders
//! the same [`Report`] as the other formats; same input, same bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use crate::catalog::{Severity, Symptom};
use crate::correlate::Outcome;
use crate::error::Result;
use crate::redact::Shown;
use crate::report::{Finding, Report, Verdict, chart};

/// The vendor guide's checks, in our words: the appendix of every report.
const CHECKLIST: &[&str] = &[
    "The app registration's Web platform lists exactly `https://<domain>/oauth/complete/azuread-oauth2/` (https, public host, no port, trailing slash; the tenant backend uses `/oauth/complete/azuread-tenant-oauth2/`).",
    "`REMOTE_AUTH_BACKEND` names the backend class whose settings prefix holds the key and secret (`social_core.backends.azuread.AzureADOAuth2` with `SOCIAL_AUTH_AZUREAD_OAUTH2_*`, `social_core.backends.azuread_tenant.AzureADTenantOAuth2` with `SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_*`).",
    "`SOCIAL_AUTH_<BACKEND>_KEY` is the Application (client) ID of that app registration.",
    "`SOCIAL_AUTH_<BACKEND>_SECRET` is the secret **Value** (not the Secret ID) and is not expired (Certificates & secrets > Expires).",
    "The tenant setting is the Directory (tenant) ID of the app (tenant backend only).",
    "NetBox is reached over https and the ingress sends `X-Forwarded-Proto: https` (or `SOCIAL_AUTH_REDIRECT_IS_HTTPS = True`); http is accepted by Entra only for localhost/127.0.0.1.",
    "Users who must sign in are assigned to the enterprise application when assignment is required, and Conditional Access allows the sign-in.",
    "After a change in the admin console, the configuration was deployed and every NetBox pod restarted.",
];

/// The longest run of backticks in `text`.
fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// Input text as a fenced block: a fence longer than any backtick run in it, so the text
/// cannot close the block and become Markdown.
pub(crate) fn fence(text: &str) -> String {
    let fence = "`".repeat(longest_backtick_run(text).max(2) + 1);
    format!("{fence}text\n{text}\n{fence}\n")
}

/// Input text as an inline code span, on one line: neither HTML, a link, emphasis nor a
/// table cell's end (`|` is escaped, as GFM tables need even inside code).
pub(crate) fn code_span(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ").replace('|', "\\|");
    if text.is_empty() {
        return "` `".into();
    }
    let ticks = "`".repeat(longest_backtick_run(&text) + 1);
    let pad = if text.starts_with(['`', ' ']) || text.ends_with(['`', ' ']) {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{text}{pad}{ticks}")
}

/// Input texts as code spans, joined.
fn code_spans<'a>(texts: impl IntoIterator<Item = &'a Shown>) -> String {
    texts
        .into_iter()
        .map(|t| code_span(t))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The catalog's and the program's own Markdown: placeholders such as `<domain>` outside
/// code spans are written as entities, so they show as text instead of vanishing as tags,
/// and brackets are escaped, so a rule's text never makes a link or an image.
pub(crate) fn ours(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for c in text.chars() {
        match c {
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            '<' if !in_code => out.push_str("&lt;"),
            '>' if !in_code => out.push_str("&gt;"),
            // No link or image: rules of one's own (`--patterns`) are text too.
            '[' | ']' if !in_code => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn outcome_key(o: Outcome) -> &'static str {
    match o {
        Outcome::Succeeded => "succeeded",
        Outcome::Failed => "failed",
        Outcome::Abandoned => "abandoned",
        Outcome::Incomplete => "incomplete",
    }
}

/// The first and last time the report's findings and flows show.
fn time_window(report: &Report) -> (Option<&str>, Option<&str>) {
    let first = report
        .findings
        .iter()
        .filter_map(|f| f.first_seen.as_deref())
        .chain(report.flows.iter().filter_map(|f| f.started.as_deref()))
        .min();
    let last = report
        .findings
        .iter()
        .filter_map(|f| f.last_seen.as_deref())
        .chain(report.flows.iter().filter_map(|f| f.ended.as_deref()))
        .max();
    (first, last)
}

fn finding_block(f: &Finding, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "### {} — {}\n", ours(&f.title), f.symptom)?;
    writeln!(out, "- Rule: `{}`; severity: {}", f.rule, f.severity)?;
    if let Some(root) = &f.folded_into {
        writeln!(
            out,
            "- Part of: `{root}` (explains the same events or logins)"
        )?;
    }
    if !f.also_seen_as.is_empty() {
        writeln!(out, "- Also seen as: {}", rule_ids(&f.also_seen_as))?;
    }
    let shown_codes = if f.codes_seen.is_empty() && f.codes_inferred.is_empty() {
        &f.codes
    } else {
        &f.codes_seen
    };
    if !shown_codes.is_empty() {
        writeln!(out, "- Codes: {}", code_spans(shown_codes))?;
    }
    if !f.codes_inferred.is_empty() {
        writeln!(
            out,
            "- Inferred from the wording (the events do not carry it): {}",
            code_spans(&f.codes_inferred)
        )?;
    }
    if !f.errors_seen.is_empty() {
        writeln!(out, "- Errors printed: {}", code_spans(&f.errors_seen))?;
    }
    let when = match (&f.first_seen, &f.last_seen) {
        (Some(a), Some(b)) if a == b => a.clone(),
        (Some(a), Some(b)) => format!("{a} to {b}"),
        _ => "time not in the log".into(),
    };
    writeln!(out, "- Seen {} time(s), {when}", f.count)?;
    writeln!(out, "- Where: {}", code_spans(&f.sources))?;
    if !f.flows.is_empty() {
        writeln!(out, "- Login flows: {}", f.flows.join(", "))?;
    }
    writeln!(out, "\n{}\n", ours(&f.meaning))?;
    if !f.diagnosis.is_empty() {
        writeln!(out, "**What the evidence shows:**\n")?;
        for d in &f.diagnosis {
            writeln!(out, "- {}", code_span(d))?;
        }
        writeln!(out)?;
    } else {
        writeln!(out, "**Likely causes:**\n")?;
        for c in &f.likely_causes {
            writeln!(out, "- {}", ours(c))?;
        }
        writeln!(out)?;
    }
    if let Some(e) = f.evidence.first() {
        let place = match (&e.pod, &e.container) {
            (Some(p), Some(c)) => format!(
                "{}:{} ({})",
                code_span(&e.source),
                e.line,
                code_span(&format!("pod/{p}/{c}"))
            ),
            _ => format!("{}:{}", code_span(&e.source), e.line),
        };
        writeln!(out, "**Evidence** ({place}):\n")?;
        if e.context_before.is_empty() && e.context_after.is_empty() {
            write!(out, "{}", fence(&e.text))?;
        } else {
            // With -C: the lines around the event, which is marked with `>`.
            let mut block: Vec<String> =
                e.context_before.iter().map(|l| format!("  {l}")).collect();
            block.push(format!("> {}", e.text));
            block.extend(e.context_after.iter().map(|l| format!("  {l}")));
            write!(out, "{}", fence(&block.join("\n")))?;
        }
        if let Some(d) = &e.decoded {
            writeln!(out, "\nDecoded:\n")?;
            write!(out, "{}", fence(d))?;
        }
        writeln!(out)?;
    }
    writeln!(out, "**Resolution:**\n")?;
    for (i, step) in f.resolution.iter().enumerate() {
        writeln!(out, "{}. {}", i + 1, ours(step))?;
    }
    writeln!(out)?;
    Ok(())
}

/// Writes the incident report.
pub fn render(report: &Report, out: &mut dyn Write) -> Result<()> {
    render_head(report, out)?;
    render_tail(report, out)
}

/// The report up to the timeline's span: the header, the summary, `## Timeline` and its
/// first line (the HTML report draws its chart under it).
pub(crate) fn render_head(report: &Report, out: &mut dyn Write) -> Result<()> {
    header(report, out)?;
    summary_section(report, out)?;
    timeline_head(report, out)
}

/// The rest of the report: the timeline's days and changes, the findings, the login flows,
/// the Entra ids, what is missing, the checklist.
pub(crate) fn render_tail(report: &Report, out: &mut dyn Write) -> Result<()> {
    timeline_body(report, out)?;
    findings_by_severity(report, out)?;
    flow_timeline(report, out)?;
    entra_cross_reference(report, out)?;
    evidence_missing(report, out)?;
    inputs_not_read(report, out)?;
    checklist(out)
}

/// The title, the secrets banner, and what was read: time window, inputs, pods, counts.
fn header(report: &Report, out: &mut dyn Write) -> Result<()> {
    let s = &report.summary;
    writeln!(
        out,
        "# SSO incident report: NetBox Enterprise sign-in with Entra ID\n"
    )?;
    if report.show_secrets {
        writeln!(out, "> **{}**\n", crate::report::SECRETS_WARNING)?;
    }
    let (first, last) = time_window(report);
    writeln!(
        out,
        "- Time window: {} to {}",
        first.unwrap_or("unknown"),
        last.unwrap_or("unknown")
    )?;
    writeln!(
        out,
        "- Inputs: {}",
        if report.inputs.is_empty() {
            "-".to_string()
        } else {
            code_spans(&report.inputs)
        }
    )?;
    let pods: BTreeSet<&Shown> = report
        .findings
        .iter()
        .flat_map(|f| f.sources.iter())
        .filter(|s| s.starts_with("pod/"))
        .collect();
    if !pods.is_empty() {
        writeln!(out, "- Pods: {}", code_spans(pods))?;
    }
    writeln!(
        out,
        "- Read: {} lines, {} events, {} matched; {} input(s) unreadable\n",
        s.lines, s.events, s.matched_events, s.inputs_unreadable
    )?;
    Ok(())
}

/// Rule ids (ours, never input) as code spans, joined.
fn rule_ids(ids: &[String]) -> String {
    ids.iter()
        .map(|r| format!("`{r}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The verdict: the most likely cause, its extent and first step, and the other causes.
fn verdict_lines(report: &Report, v: &Verdict, out: &mut dyn Write) -> Result<()> {
    let mut extent = match v.failed_logins {
        Some(n) => format!("{n} failed login(s)"),
        None => format!("seen {} time(s)", v.count),
    };
    if let Some(t) = &v.since {
        extent.push_str(&format!(" since {t}"));
    }
    if !v.sources.is_empty() {
        extent.push_str(&format!(", {}", code_spans(&v.sources)));
    }
    writeln!(
        out,
        "**Most likely cause: {}** ({extent}; rule `{}`, symptom `{}`).\n",
        ours(&v.title),
        v.rule,
        v.symptom
    )?;
    let top = &report.findings[v.finding];
    if let Some(when) = &v.timeline {
        let pods = &top.timeline.failing_pods_after_change;
        let on = if pods.is_empty() {
            String::new()
        } else {
            format!(" Failing after the change on {}.", code_spans(pods))
        };
        writeln!(
            out,
            "**In time:** {}.{on}\n",
            ours(&Shown::ours(when.clone()))
        )?;
    }
    if let Some(step) = &v.first_step {
        writeln!(out, "**First step:** {}\n", ours(step))?;
    }
    if !top.also_seen_as.is_empty() {
        writeln!(
            out,
            "Also seen as (the same events or logins): {}.\n",
            rule_ids(&top.also_seen_as)
        )?;
    }
    if !v.others.is_empty() {
        writeln!(out, "Other causes:\n")?;
        for &i in &v.others {
            let f = &report.findings[i];
            writeln!(
                out,
                "- {} ({}, `{}`, seen {} time(s))",
                ours(&f.title),
                f.severity,
                f.rule,
                f.count
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// `## Summary`: the most likely cause, the findings by severity, the login flows.
fn summary_section(report: &Report, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "## Summary\n")?;
    if report.findings.is_empty() {
        writeln!(out, "No SSO failure was found in the logs.\n")?;
    }
    if let Some(left) = super::left_out(&report.summary) {
        writeln!(out, "{left}\n")?;
    }
    if report.findings.is_empty() {
    } else {
        match &report.verdict {
            Some(v) => verdict_lines(report, v, out)?,
            None => writeln!(
                out,
                "No sign-in failure was found; the findings below are notes.\n"
            )?,
        }
        let count = |sev: Severity| report.findings.iter().filter(|f| f.severity == sev).count();
        let (errors, warnings, notes) = (
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info),
        );
        writeln!(
            out,
            "{} finding(s): {errors} error, {warnings} warning, {notes} note.",
            report.findings.len()
        )?;
    }
    if !report.flows.is_empty() {
        let clients: BTreeSet<&str> = report
            .flows
            .iter()
            .filter(|f| f.outcome != Outcome::Succeeded)
            .map(|f| f.client.address.as_str())
            .collect();
        writeln!(
            out,
            "Login flows: {}; {} client address(es) affected.",
            report.flow_counts(),
            clients.len()
        )?;
    }
    writeln!(out)?;
    Ok(())
}

/// Most days the timeline's table lists; the busiest are kept.
const MAX_DAY_ROWS: usize = 14;

/// Most changes the timeline lists.
const MAX_CHANGE_ROWS: usize = 20;

/// `## Timeline` and the span it covers, when the report has hours or changes.
fn timeline_head(report: &Report, out: &mut dyn Write) -> Result<()> {
    if report.hours.is_empty() && report.changes.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "## Timeline
"
    )?;
    if let Some((first, last)) = chart::bounds(report) {
        let rows = chart::series(&report.hours);
        let worked = rows.first().map_or(0, chart::Series::total);
        let failed: u64 = rows.iter().skip(1).map(chart::Series::total).sum();
        writeln!(
            out,
            "From {first} to {last} UTC ({} hour(s)): {worked} login(s) worked, {failed} failure(s).\n",
            report.hours.len()
        )?;
    }
    Ok(())
}

/// The timeline's table, a row per day (logins that worked, failures by symptom; the
/// busiest [`MAX_DAY_ROWS`] days of a long log), then the changes with time, kind and pods.
fn timeline_body(report: &Report, out: &mut dyn Write) -> Result<()> {
    type Day<'a> = (&'a str, u64, BTreeMap<Symptom, u64>);
    let mut days: Vec<Day> = Vec::new();
    for h in &report.hours {
        let day = h.hour.get(..10).unwrap_or(&h.hour);
        if days.last().is_none_or(|d| d.0 != day) {
            days.push((day, 0, BTreeMap::new()));
        }
        let Some(d) = days.last_mut() else { continue };
        d.1 += h.succeeded;
        for (s, n) in &h.failed {
            *d.2.entry(*s).or_default() += n;
        }
    }
    if !days.is_empty() {
        let all = days.len();
        if all > MAX_DAY_ROWS {
            let busy = |d: &Day| d.1 + d.2.values().sum::<u64>();
            let mut order: Vec<usize> = (0..all).collect();
            order.sort_by_key(|&i| std::cmp::Reverse(busy(&days[i])));
            order.truncate(MAX_DAY_ROWS);
            order.sort_unstable();
            days = order.into_iter().map(|i| days[i].clone()).collect();
        }
        writeln!(
            out,
            "| Day (UTC) | Logins that worked | Failures by symptom |"
        )?;
        writeln!(out, "|---|---|---|")?;
        for (day, worked, failed) in &days {
            let failures = if failed.is_empty() {
                "-".to_string()
            } else {
                failed
                    .iter()
                    .map(|(s, n)| format!("{} {n}", code_span(s.key())))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            writeln!(out, "| {day} | {worked} | {failures} |")?;
        }
        if all > days.len() {
            writeln!(
                out,
                "\n{} quieter day(s) left out; `-o json` lists every hour.",
                all - days.len()
            )?;
        }
        writeln!(out)?;
    }
    if report.changes.is_empty() {
        return Ok(());
    }
    writeln!(out, "Changes (pods started, rolled or restarted):\n")?;
    for c in report.changes.iter().take(MAX_CHANGE_ROWS) {
        let mut line = format!(
            "- {}: {}",
            c.at.as_deref()
                .map_or_else(|| "time unknown".into(), code_span),
            c.kind.noun()
        );
        for (label, pods) in [
            ("pods before", &c.pods_before),
            ("pods after", &c.pods_after),
            ("old pods still logging", &c.pods_still_old),
        ] {
            if !pods.is_empty() {
                line.push_str(&format!("; {label}: {}", code_spans(pods)));
            }
        }
        writeln!(out, "{line}")?;
    }
    if report.changes.len() > MAX_CHANGE_ROWS {
        writeln!(
            out,
            "- +{} more (`-o json` lists them)",
            report.changes.len() - MAX_CHANGE_ROWS
        )?;
    }
    writeln!(out)?;
    Ok(())
}

/// `## Errors`, `## Warnings`, `## Notes`: a block per finding, for the severities found.
fn findings_by_severity(report: &Report, out: &mut dyn Write) -> Result<()> {
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        let group: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .collect();
        if group.is_empty() {
            continue;
        }
        let heading = match severity {
            Severity::Error => "Errors",
            Severity::Warning => "Warnings",
            Severity::Info => "Notes",
        };
        writeln!(out, "## {heading}\n")?;
        for f in group {
            finding_block(f, out)?;
        }
    }
    Ok(())
}

/// `## Timeline of login flows`: a table row per flow, when there are flows.
fn flow_timeline(report: &Report, out: &mut dyn Write) -> Result<()> {
    if report.flows.is_empty() {
        return Ok(());
    }
    writeln!(out, "## Timeline of login flows\n")?;
    writeln!(
        out,
        "| Flow | Started | Outcome | Stopped at | Client | Backend | Findings |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|")?;
    for f in &report.flows {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            f.id,
            f.started.as_deref().unwrap_or("-"),
            outcome_key(f.outcome),
            serde_json::to_value(f.stopped_at)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            code_span(&format!(
                "{} {}",
                f.client.address,
                f.client.user_agent.as_deref().unwrap_or("")
            )),
            f.backend.as_deref().map_or("-".to_string(), code_span),
            f.rules.join(", ")
        )?;
    }
    writeln!(out)?;
    Ok(())
}

/// `## Entra sign-in logs cross-reference`: the Entra ids of every finding, to look up.
fn entra_cross_reference(report: &Report, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "## Entra sign-in logs cross-reference\n")?;
    let with_rows: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| !f.entra.attempts.is_empty())
        .collect();
    let with_times: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.entra.attempts.is_empty() && !f.entra.timestamps.is_empty())
        .collect();
    if with_rows.is_empty() && with_times.is_empty() {
        writeln!(
            out,
            "No Entra Trace ID, Correlation ID or Timestamp appears in the logs.\n"
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "Look these up in the Entra admin center, Sign-in logs (filter by Correlation ID or Request ID), one row per attempt:\n"
    )?;
    writeln!(out, "| Finding | Time | Trace ID | Correlation ID |")?;
    writeln!(out, "|---|---|---|---|")?;
    let dash = |v: Option<&Shown>| v.map_or_else(|| "-".to_string(), |v| code_span(v));
    for f in &with_rows {
        for a in &f.entra.attempts {
            writeln!(
                out,
                "| {} | {} | {} | {} |",
                code_span(&f.rule),
                a.time.as_deref().unwrap_or("-"),
                dash(a.trace_id.as_ref()),
                dash(a.correlation_id.as_ref())
            )?;
        }
        let total = f.entra.attempts_total.max(f.entra.attempts.len() as u64);
        if total > f.entra.attempts.len() as u64 {
            writeln!(
                out,
                "| {} | +{} more | | |",
                code_span(&f.rule),
                total - f.entra.attempts.len() as u64
            )?;
        }
    }
    for f in &with_times {
        for t in &f.entra.timestamps {
            writeln!(out, "| {} | {} | - | - |", code_span(&f.rule), code_span(t))?;
        }
    }
    writeln!(out)?;
    Ok(())
}

/// `## Evidence missing`: what to collect next when the logs say little about the cause.
fn evidence_missing(report: &Report, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "## Evidence missing\n")?;
    let quiet = report
        .findings
        .iter()
        .all(|f| f.rule.starts_with("flow-") || f.severity != Severity::Error);
    if quiet {
        writeln!(
            out,
            "The pod logs say little about the cause. Collect next:\n"
        )?;
        writeln!(
            out,
            "- The browser's error page text (Request Id, Correlation Id, Timestamp, the AADSTS message) or a HAR capture of one failed sign-in."
        )?;
        writeln!(
            out,
            "- A pod log with the `social` and `django.request` loggers at DEBUG (a LOGGING setting in the configuration override), taken while reproducing the failure."
        )?;
        writeln!(
            out,
            "- The Entra sign-in log entry of the failed attempt, and the app registration's Authentication and Certificates & secrets pages.\n"
        )?;
    } else {
        writeln!(
            out,
            "The logs hold the failure itself; nothing else is needed to act on the findings above.\n"
        )?;
    }
    Ok(())
}

/// `## Inputs not read in full`, when some were not.
fn inputs_not_read(report: &Report, out: &mut dyn Write) -> Result<()> {
    if !report.summary.problems.is_empty() {
        writeln!(out, "## Inputs not read in full\n")?;
        for p in &report.summary.problems {
            writeln!(out, "- {}", code_span(p))?;
        }
        writeln!(out)?;
    }
    if !report.summary.notes.is_empty() {
        writeln!(out, "## Notes on the input\n")?;
        for n in &report.summary.notes {
            writeln!(out, "- {}", code_span(n))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// The appendix: the configuration checklist.
fn checklist(out: &mut dyn Write) -> Result<()> {
    writeln!(out, "## Appendix: the configuration checklist\n")?;
    for item in CHECKLIST {
        writeln!(out, "- [ ] {item}")?;
    }
    Ok(())
}
