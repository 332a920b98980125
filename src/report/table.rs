//! The terminal renderer: an overview table of findings, then one block per finding grouped
//! by symptom, with the evidence line, the diagnosis, Entra ids and the resolution steps.

use std::io::Write;

use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, presets};

use crate::catalog::Severity;
use crate::correlate::Outcome;
use crate::error::Result;
use crate::report::{Finding, Report, Style};

fn severity_cell(severity: Severity, style: Style) -> Cell {
    let cell = Cell::new(severity.key().to_uppercase());
    if !style.color {
        return cell;
    }
    match severity {
        Severity::Error => cell.fg(Color::Red).add_attribute(Attribute::Bold),
        Severity::Warning => cell.fg(Color::Yellow),
        Severity::Info => cell.fg(Color::Cyan),
    }
}

fn new_table(style: Style) -> Table {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    table.set_width(style.columns() as u16);
    if !style.color {
        table.force_no_tty();
    } else {
        table.enforce_styling();
    }
    table
}

fn when(finding: &Finding, style: Style) -> String {
    match (&finding.first_seen, &finding.last_seen) {
        (Some(a), Some(b)) if a == b => style.time(a),
        (Some(a), Some(b)) => format!("{}\n{}", style.time(a), style.time(b)),
        _ => "-".into(),
    }
}

/// `text` cut to `max` characters with an ellipsis: a table cell's width is measured
/// grapheme by grapheme, over and over while it wraps, so no cell holds a long text.
fn short(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]).into(),
        None => text.into(),
    }
}

/// The most characters of one item of a list cell, or of a name.
const MAX_CELL_ITEM_CHARS: usize = 1000;

/// The first `max` of `items`, one a line, each cut to [`MAX_CELL_ITEM_CHARS`], and how
/// many more there are.
fn list_cell<T: AsRef<str>>(items: &[T], max: usize) -> String {
    let mut s = items
        .iter()
        .take(max)
        .map(|i| short(i.as_ref(), MAX_CELL_ITEM_CHARS))
        .collect::<Vec<_>>()
        .join("\n");
    if items.len() > max {
        s.push_str(&format!("\n(+{} more)", items.len() - max));
    }
    s
}

/// Most failed and abandoned flows listed in the flows table.
const MAX_FLOW_ROWS: usize = 20;

/// The login flow counts, and a table of the failed and abandoned flows.
fn flows_table(report: &Report, style: Style, out: &mut dyn Write) -> Result<()> {
    if report.flows.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nLogin flows: {}", report.flow_counts())?;
    let failed_or_abandoned: Vec<_> = report
        .flows
        .iter()
        .filter(|f| matches!(f.outcome, Outcome::Failed | Outcome::Abandoned))
        .collect();
    if failed_or_abandoned.is_empty() {
        return Ok(());
    }
    let mut t = new_table(style);
    t.set_header(vec![
        "Flow",
        "Outcome",
        "Stopped at",
        "Started",
        "Client",
        "Backend",
        "Findings",
    ]);
    for f in failed_or_abandoned.iter().take(MAX_FLOW_ROWS) {
        let client = match &f.client.user_agent {
            Some(ua) => format!(
                "{}\n{}",
                short(&f.client.address, MAX_CELL_ITEM_CHARS),
                ua.chars().take(40).collect::<String>()
            ),
            None => short(&f.client.address, MAX_CELL_ITEM_CHARS).into_owned(),
        };
        t.add_row(vec![
            Cell::new(&f.id),
            Cell::new(
                serde_json::to_value(f.outcome)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
            ),
            Cell::new(
                serde_json::to_value(f.stopped_at)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
            ),
            Cell::new(f.started.as_deref().unwrap_or("-")),
            // Masked and escaped in the report model already.
            Cell::new(client),
            Cell::new(short(
                f.backend.as_deref().unwrap_or("-"),
                MAX_CELL_ITEM_CHARS,
            )),
            Cell::new(f.rules.join("\n")),
        ]);
    }
    writeln!(out, "{t}")?;
    if failed_or_abandoned.len() > MAX_FLOW_ROWS {
        writeln!(
            out,
            "(+{} more failed or abandoned flows; see -o json)",
            failed_or_abandoned.len() - MAX_FLOW_ROWS
        )?;
    }
    Ok(())
}

/// Writes the report as tables.
pub fn render(report: &Report, style: Style, out: &mut dyn Write) -> Result<()> {
    if report.show_secrets {
        writeln!(out, "{}\n", crate::report::SECRETS_WARNING)?;
    }
    if report.findings.is_empty() {
        nothing_found(report, out)?;
        flows_table(report, style, out)?;
    } else if style.details {
        if report.verdict.is_some() {
            super::brief::verdict(report, style, out)?;
            writeln!(out)?;
        }
        overview_table(report, style, out)?;
        finding_tables(report, style, out)?;
        flows_table(report, style, out)?;
    } else {
        super::brief::render(report, style, out)?;
    }
    problems(report, out)
}

/// What a report without findings says instead of the tables.
fn nothing_found(report: &Report, out: &mut dyn Write) -> Result<()> {
    let s = &report.summary;
    writeln!(
        out,
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
    )?;
    if s.lines > 0 {
        writeln!(
            out,
            "If users still cannot sign in, the failure may have happened at Entra (only the browser saw it) or NetBox swallowed it: collect the browser's error page text (Request Id, Correlation Id, AADSTS code) and enable the `social` logger at DEBUG."
        )?;
    }
    Ok(())
}

/// One row per finding: severity, symptom, rule, count, times, sources.
fn overview_table(report: &Report, style: Style, out: &mut dyn Write) -> Result<()> {
    let mut overview = new_table(style);
    overview.set_header(vec![
        "Severity",
        "Symptom",
        "Rule",
        "Count",
        "First / last seen",
        "Sources",
    ]);
    for f in &report.findings {
        let rule = match &f.folded_into {
            Some(root) => format!("{}\n(part of {root})", f.rule),
            None => f.rule.clone(),
        };
        overview.add_row(vec![
            severity_cell(f.severity, style),
            Cell::new(f.symptom.key()),
            Cell::new(rule),
            Cell::new(f.count),
            Cell::new(when(f, style)),
            Cell::new(list_cell(&f.sources, 3)),
        ]);
    }
    writeln!(out, "{overview}")?;
    Ok(())
}

/// A table per finding, grouped under a heading per symptom in the order the overview
/// shows them.
fn finding_tables(report: &Report, style: Style, out: &mut dyn Write) -> Result<()> {
    let mut symptoms = Vec::new();
    for f in &report.findings {
        if !symptoms.contains(&f.symptom) {
            symptoms.push(f.symptom);
        }
    }
    for symptom in symptoms {
        writeln!(out)?;
        let heading = format!("== {symptom} ==");
        if style.color {
            writeln!(out, "\x1b[1m{heading}\x1b[0m")?;
        } else {
            writeln!(out, "{heading}")?;
        }
        for f in report.findings.iter().filter(|f| f.symptom == symptom) {
            writeln!(out, "{}", finding_table(f, style))?;
        }
    }
    Ok(())
}

/// One finding's table: codes, when, evidence, meaning, diagnosis or likely causes, Entra
/// ids, resolution.
fn finding_table(f: &Finding, style: Style) -> Table {
    let mut t = new_table(style);
    t.set_header(vec![
        severity_cell(f.severity, style),
        Cell::new(format!("{}  ({})", f.title, f.rule)).add_attribute(Attribute::Bold),
    ]);
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
        t.add_row(vec![Cell::new("Codes"), Cell::new(shown.join(", "))]);
    }
    if !f.errors_seen.is_empty() {
        let errors: Vec<&str> = f.errors_seen.iter().map(|e| e.as_str()).collect();
        t.add_row(vec![
            Cell::new("Errors printed"),
            Cell::new(errors.join(", ")),
        ]);
    }
    t.add_row(vec![
        Cell::new("Seen"),
        Cell::new(format!(
            "{} time(s); {}",
            f.count,
            when(f, style).replace('\n', " .. ")
        )),
    ]);
    evidence_rows(&mut t, f);
    t.add_row(vec![Cell::new("Meaning"), Cell::new(&f.meaning)]);
    if !f.diagnosis.is_empty() {
        t.add_row(vec![
            Cell::new("Diagnosis"),
            Cell::new(list_cell(&f.diagnosis, 6)),
        ]);
    } else {
        t.add_row(vec![
            Cell::new("Likely causes"),
            Cell::new(list_cell(&f.likely_causes, 4)),
        ]);
    }
    if !f.entra.attempts.is_empty() {
        let mut rows: Vec<String> = f
            .entra
            .attempts
            .iter()
            .take(5)
            .map(|a| {
                format!(
                    "{}  trace {}  correlation {}",
                    a.time.as_deref().unwrap_or("-"),
                    a.trace_id.as_deref().unwrap_or("-"),
                    a.correlation_id.as_deref().unwrap_or("-")
                )
            })
            .collect();
        let total = f.entra.attempts_total.max(f.entra.attempts.len() as u64);
        if total > 5 {
            rows.push(format!("(+{} more)", total - 5));
        }
        t.add_row(vec![
            Cell::new("Entra sign-in logs"),
            Cell::new(rows.join("\n")),
        ]);
    } else if !f.entra.is_empty() {
        let mut ids = Vec::new();
        for (label, values) in [
            ("Trace ID", &f.entra.trace_ids),
            ("Correlation ID", &f.entra.correlation_ids),
            ("Timestamp", &f.entra.timestamps),
        ] {
            for v in values.iter().take(3) {
                ids.push(format!("{label}: {v}"));
            }
        }
        t.add_row(vec![
            Cell::new("Entra sign-in logs"),
            Cell::new(ids.join("\n")),
        ]);
    }
    let steps: Vec<String> = f
        .resolution
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{}. {s}", i + 1))
        .collect();
    t.add_row(vec![Cell::new("Resolution"), Cell::new(steps.join("\n"))]);
    t
}

/// The finding's first evidence (where, and its text), and its decoded view, as rows of
/// `t`.
fn evidence_rows(t: &mut Table, f: &Finding) {
    let Some(e) = f.evidence.first() else {
        return;
    };
    let source = short(&e.source, MAX_CELL_ITEM_CHARS);
    let place = match (&e.pod, &e.container) {
        (Some(p), Some(c)) => format!(
            "{source}:{} (pod/{}/{})",
            e.line,
            short(p, MAX_CELL_ITEM_CHARS),
            short(c, MAX_CELL_ITEM_CHARS)
        ),
        _ => format!("{source}:{}", e.line),
    };
    let text: String = e.text.chars().take(600).collect();
    let mut cell = format!("{place}\n");
    let around = |lines: &[crate::redact::Shown]| -> String {
        lines
            .iter()
            .map(|l| format!("  {}\n", short(l, 200)))
            .collect()
    };
    cell.push_str(&around(&e.context_before));
    if e.context_before.is_empty() && e.context_after.is_empty() {
        cell.push_str(&text);
    } else {
        cell.push_str(&format!("> {text}\n"));
        cell.push_str(&around(&e.context_after));
    }
    t.add_row(vec![Cell::new("Evidence"), Cell::new(cell.trim_end())]);
    if let Some(decoded) = &e.decoded {
        let decoded: String = decoded.chars().take(600).collect();
        t.add_row(vec![Cell::new("Decoded"), Cell::new(decoded)]);
    }
}

/// The inputs, pods or time ranges that could not be read, after everything else: a
/// report of part of the logs says so.
fn problems(report: &Report, out: &mut dyn Write) -> Result<()> {
    if report.summary.problems.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nNot read in full:")?;
    for p in &report.summary.problems {
        writeln!(out, "- {p}")?;
    }
    Ok(())
}
