//! The terminal's full view (`scan -v`): the verdict, one line per finding, then a card per
//! finding (codes, errors printed, evidence, meaning, diagnosis or likely causes, Entra
//! attempts, resolution) and the failed login flows. Laid out as text, like the compact
//! view ([`super::brief`]): lines wrap between words and never inside an id, a time or a
//! URL, and columns that do not fit are dropped.

use std::io::Write;

use comfy_table::{Attribute, Cell, Color};

use super::brief::{cause_lines, cut, wrap};
use crate::catalog::Severity;
use crate::correlate::Outcome;
use crate::error::Result;
use crate::report::{Finding, Report, Style};

/// The severity as a table cell, coloured on a terminal (`check-config`'s tables).
pub(crate) fn severity_cell(severity: Severity, color: bool) -> Cell {
    let cell = Cell::new(severity.key().to_uppercase());
    if !color {
        return cell;
    }
    match severity {
        Severity::Error => cell.fg(Color::Red).add_attribute(Attribute::Bold),
        Severity::Warning => cell.fg(Color::Yellow),
        Severity::Info => cell.fg(Color::Cyan),
    }
}

/// Width of a card's label column.
const LABEL: usize = 15;

/// Column where a card's values start (after the label and a space).
const VALUE_AT: usize = 2 + LABEL + 1;

/// Characters of evidence text shown in a card (JSON has up to 2,000).
const EVIDENCE_CHARS: usize = 600;

/// Most items of a list shown in a card (causes, diagnoses, sources).
const MAX_ITEMS: usize = 6;

/// Most failed and abandoned flows listed.
const MAX_FLOW_ROWS: usize = 20;

/// Writes the report for the terminal: compact, or in full with `-v`.
pub fn render(report: &Report, style: Style, out: &mut dyn Write) -> Result<()> {
    if report.show_secrets {
        writeln!(out, "{}\n", crate::report::SECRETS_WARNING)?;
    }
    if report.findings.is_empty() {
        nothing_found(report, style, out)?;
        flows(report, style, out)?;
    } else if style.details {
        if report.verdict.is_some() {
            super::brief::verdict(report, style, out)?;
            writeln!(out)?;
        }
        overview(report, style, out)?;
        for f in &report.findings {
            writeln!(out)?;
            card(f, style, out)?;
        }
        flows(report, style, out)?;
    } else {
        super::brief::render(report, style, out)?;
    }
    problems(report, out)
}

/// What a report without findings says.
fn nothing_found(report: &Report, style: Style, out: &mut dyn Write) -> Result<()> {
    let s = &report.summary;
    let width = style.columns();
    let mut text = format!(
        "No SSO failure found in {} line(s) from {} input(s){}.",
        s.lines,
        s.inputs,
        if s.inputs_unreadable > 0 {
            format!(
                "; {} input(s) could not be read (see the errors above)",
                s.inputs_unreadable
            )
        } else {
            String::new()
        }
    );
    if let Some(left) = super::left_out(s) {
        text.push(' ');
        text.push_str(&left);
    }
    for l in wrap(&text, width, "", "") {
        writeln!(out, "{l}")?;
    }
    if s.lines > 0 {
        for l in wrap(
            "If users still cannot sign in, the failure may have happened at Entra (only the browser saw it) or NetBox swallowed it: collect the browser's error page text (Request Id, Correlation Id, AADSTS code) and enable the `social` logger at DEBUG.",
            width,
            "",
            "",
        ) {
            writeln!(out, "{l}")?;
        }
    }
    Ok(())
}

/// One line per finding (severity, symptom, rule, count, last seen), those folded under
/// another marked.
fn overview(report: &Report, style: Style, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "Findings ({}):", report.findings.len())?;
    let all: Vec<&Finding> = report.findings.iter().collect();
    let mut lines = Vec::new();
    cause_lines(&all, style, style.columns(), &mut lines)?;
    let lines = String::from_utf8_lossy(&lines);
    for (line, f) in lines.lines().zip(&report.findings) {
        writeln!(out, "{line}")?;
        if let Some(root) = &f.folded_into {
            writeln!(
                out,
                "{}",
                cut(&format!("          part of {root}"), style.columns())
            )?;
        }
    }
    Ok(())
}

/// `value` after `label` in the label column, wrapped; each `\n` in it starts a line.
fn row(label: &str, value: &str, width: usize, out: &mut dyn Write) -> Result<()> {
    let indent = " ".repeat(VALUE_AT);
    for (n, line) in value.split('\n').enumerate() {
        let lead = if n == 0 && !label.is_empty() {
            format!("  {label:<LABEL$}")
        } else {
            indent.clone()
        };
        for l in wrap(line, width, &lead, &indent) {
            writeln!(out, "{}", l.trim_end())?;
        }
    }
    Ok(())
}

/// The first `max` of `items` as `- item` lines, and how many more there are.
fn items<T: AsRef<str>>(items: &[T], max: usize) -> String {
    let mut s: Vec<String> = items
        .iter()
        .take(max)
        .map(|i| format!("- {}", i.as_ref()))
        .collect();
    if items.len() > max {
        s.push(format!("(+{} more)", items.len() - max));
    }
    s.join("\n")
}

/// One finding as a card.
fn card(f: &Finding, style: Style, out: &mut dyn Write) -> Result<()> {
    let width = style.columns();
    let severity = f.severity.key().to_uppercase();
    let head = format!("{severity} {} ({})", f.title, f.rule);
    for (n, l) in wrap(&head, width, "", "  ").into_iter().enumerate() {
        match (n, style.color) {
            (0, true) => writeln!(out, "\x1b[1m{l}\x1b[0m")?,
            _ => writeln!(out, "{l}")?,
        }
    }
    row("Symptom", f.symptom.key(), width, out)?;
    if let Some(root) = &f.folded_into {
        row(
            "Part of",
            &format!("{root} (the same events or logins)"),
            width,
            out,
        )?;
    }
    if !f.also_seen_as.is_empty() {
        row("Also seen as", &f.also_seen_as.join(", "), width, out)?;
    }
    let codes = if f.codes_seen.is_empty() && f.codes_inferred.is_empty() {
        &f.codes
    } else {
        &f.codes_seen
    };
    let mut shown: Vec<String> = codes.iter().map(ToString::to_string).collect();
    shown.extend(
        f.codes_inferred
            .iter()
            .map(|c| format!("{c} (inferred from the wording)")),
    );
    if !shown.is_empty() {
        row("Codes", &shown.join(", "), width, out)?;
    }
    if !f.errors_seen.is_empty() {
        let errors: Vec<&str> = f.errors_seen.iter().map(|e| e.as_str()).collect();
        row("Errors printed", &errors.join(", "), width, out)?;
    }
    let when = match (&f.first_seen, &f.last_seen) {
        (Some(a), Some(b)) if a == b => style.time(a),
        (Some(a), Some(b)) => format!("{} .. {}", style.time(a), style.time(b)),
        _ => "time not in the log".into(),
    };
    row("Seen", &format!("{} time(s); {when}", f.count), width, out)?;
    row("Where", &items(&f.sources, 3).replace("- ", ""), width, out)?;
    evidence(f, width, out)?;
    row("Meaning", &f.meaning, width, out)?;
    if f.diagnosis.is_empty() {
        row(
            "Likely causes",
            &items(&f.likely_causes, MAX_ITEMS),
            width,
            out,
        )?;
    } else {
        row("Diagnosis", &items(&f.diagnosis, MAX_ITEMS), width, out)?;
    }
    entra(f, style, out)?;
    let steps: Vec<String> = f
        .resolution
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{}. {s}", i + 1))
        .collect();
    row("Resolution", &steps.join("\n"), width, out)
}

/// The first piece of evidence: where, the lines around it (`-C`), its text cut to
/// [`EVIDENCE_CHARS`], and its decoded view.
fn evidence(f: &Finding, width: usize, out: &mut dyn Write) -> Result<()> {
    let Some(e) = f.evidence.first() else {
        return Ok(());
    };
    let place = match (&e.pod, &e.container) {
        (Some(p), Some(c)) => format!("{}:{} (pod/{p}/{c})", e.source, e.line),
        _ => format!("{}:{}", e.source, e.line),
    };
    let clip = |t: &str| -> String {
        let mut s: String = t.chars().take(EVIDENCE_CHARS).collect();
        if t.chars().nth(EVIDENCE_CHARS).is_some() {
            s.push('…');
        }
        s
    };
    row("Evidence", &place, width, out)?;
    let inner = width.saturating_sub(VALUE_AT + 2);
    let indent = " ".repeat(VALUE_AT);
    for l in &e.context_before {
        writeln!(out, "{indent}  {}", cut(l, inner))?;
    }
    let mark = if e.context_before.is_empty() && e.context_after.is_empty() {
        ""
    } else {
        "> "
    };
    row("", &format!("{mark}{}", clip(&e.text)), width, out)?;
    for l in &e.context_after {
        writeln!(out, "{indent}  {}", cut(l, inner))?;
    }
    if let Some(d) = &e.decoded {
        row("Decoded", &clip(d), width, out)?;
    }
    Ok(())
}

/// The Entra attempts (time, trace id, correlation id), one line each, or the ids found.
fn entra(f: &Finding, style: Style, out: &mut dyn Write) -> Result<()> {
    let width = style.columns();
    let mut lines: Vec<String> = f
        .entra
        .attempts
        .iter()
        .take(5)
        .map(|a| {
            format!(
                "{} trace {} correlation {}",
                a.time
                    .as_deref()
                    .map_or_else(|| "-".into(), |t| style.time(t)),
                a.trace_id.as_deref().unwrap_or("-"),
                a.correlation_id.as_deref().unwrap_or("-")
            )
        })
        .collect();
    let total = f.entra.attempts_total.max(f.entra.attempts.len() as u64);
    if total > 5 {
        lines.push(format!("(+{} more)", total - 5));
    }
    if lines.is_empty() {
        for (label, values) in [
            ("Trace ID", &f.entra.trace_ids),
            ("Correlation ID", &f.entra.correlation_ids),
            ("Timestamp", &f.entra.timestamps),
        ] {
            lines.extend(values.iter().take(3).map(|v| format!("{label}: {v}")));
        }
    }
    if lines.is_empty() {
        return Ok(());
    }
    row("Entra sign-ins", &lines.join("\n"), width, out)
}

/// The login flow counts, then one line per failed or abandoned flow: id, outcome, where
/// it stopped, start, client, findings; columns dropped from the right when narrow.
fn flows(report: &Report, style: Style, out: &mut dyn Write) -> Result<()> {
    if report.flows.is_empty() {
        return Ok(());
    }
    let width = style.columns();
    writeln!(out)?;
    for l in wrap(&report.flow_counts(), width, "Login flows:", "  ") {
        writeln!(out, "{l}")?;
    }
    let failed: Vec<_> = report
        .flows
        .iter()
        .filter(|f| matches!(f.outcome, Outcome::Failed | Outcome::Abandoned))
        .collect();
    let key = |v: serde_json::Value| v.as_str().unwrap_or_default().to_string();
    for f in failed.iter().take(MAX_FLOW_ROWS) {
        let cols = [
            f.id.clone(),
            key(serde_json::to_value(f.outcome).unwrap_or_default()),
            key(serde_json::to_value(f.stopped_at).unwrap_or_default()),
            f.started
                .as_deref()
                .map_or_else(|| "-".into(), |t| style.time(t)),
            f.client.address.to_string(),
            f.rules.join(","),
        ];
        let mut line = String::from(" ");
        for c in &cols {
            if line.chars().count() + 2 + c.chars().count() > width {
                break;
            }
            line.push_str("  ");
            line.push_str(c);
        }
        writeln!(out, "{line}")?;
    }
    if failed.len() > MAX_FLOW_ROWS {
        writeln!(
            out,
            "  (+{} more failed or abandoned flows; see -o json)",
            failed.len() - MAX_FLOW_ROWS
        )?;
    }
    // The hours after the flows they count.
    if report.hours.len() >= 2 {
        writeln!(out)?;
        for l in super::chart::sparklines(report, width, style.color) {
            writeln!(out, "{l}")?;
        }
    }
    Ok(())
}

/// After everything else: the inputs, pods or time ranges that could not be read (a report
/// of part of the logs says so), then what may make the report less accurate in inputs that
/// were read.
fn problems(report: &Report, out: &mut dyn Write) -> Result<()> {
    for (heading, lines) in [
        ("Not read in full", &report.summary.problems),
        ("Notes on the input", &report.summary.notes),
    ] {
        if lines.is_empty() {
            continue;
        }
        writeln!(out, "\n{heading}:")?;
        for line in lines {
            writeln!(out, "- {line}")?;
        }
    }
    Ok(())
}
