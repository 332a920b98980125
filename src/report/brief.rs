//! The default terminal view: the verdict, one line per other root cause, and what to do
//! about the most likely cause, fitted to the terminal's width. `-v` adds the full cards
//! ([`super::table`]).
//!
//! Lines are wrapped at spaces and never inside a word, so ids, times, addresses and URLs
//! stay whole; a column that does not fit is dropped, and a one-line excerpt is cut with an
//! ellipsis.

use std::io::Write;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::{Finding, Report, Style, Verdict};
use crate::catalog::Severity;
use crate::error::Result;

/// Most Entra attempt rows shown before "+N more".
const MAX_ATTEMPT_ROWS: usize = 5;

/// `text` as lines of at most `width` columns: the first starts with `first`, the others
/// with `indent`; breaks only at spaces (a word longer than a line gets a line of its own).
pub fn wrap(text: &str, width: usize, first: &str, indent: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first.to_string();
    // After a label (`First step:`, `1.`) the first word follows a space.
    let mut empty = first.trim().is_empty();
    for word in text.split_whitespace() {
        let needed = line.width() + usize::from(!empty) + word.width();
        if !empty && needed > width {
            lines.push(std::mem::replace(&mut line, indent.to_string()));
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    lines.push(line);
    lines
}

/// `text` on one line of at most `width` columns, cut with an ellipsis.
pub fn cut(text: &str, width: usize) -> String {
    let text = text.replace(['\n', '\r', '\t'], " ");
    if text.width() <= width {
        return text;
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

pub(crate) fn severity_word(severity: Severity, style: Style) -> String {
    let word = format!("{:<7}", severity.key().to_uppercase());
    if !style.color {
        return word;
    }
    let code = match severity {
        Severity::Error => "1;31",
        Severity::Warning => "33",
        Severity::Info => "36",
    };
    format!("\x1b[{code}m{word}\x1b[0m")
}

pub(crate) fn bold(text: &str, style: Style) -> String {
    if style.color {
        format!("\x1b[1m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// `text` wrapped after `label` (bold on a colour terminal), continued with `indent`: the
/// wrapping measures the plain label, so colour never changes where lines break.
fn labelled(label: &str, text: &str, width: usize, indent: &str, style: Style) -> Vec<String> {
    let mut lines = wrap(text, width, label, indent);
    if style.color
        && let Some(first) = lines.first_mut()
        && let Some(rest) = first.strip_prefix(label)
    {
        *first = format!("{}{rest}", bold(label, style));
    }
    lines
}

/// `3 failed logins since T, pod/a, pod/b` or `seen 3 time(s) since T, ...`.
pub fn extent(v: &Verdict, style: Style) -> String {
    let mut s = match v.failed_logins {
        Some(n) => format!("{n} failed login{}", if n == 1 { "" } else { "s" }),
        None => format!(
            "seen {} time{}",
            v.count,
            if v.count == 1 { "" } else { "s" }
        ),
    };
    if let Some(t) = &v.since {
        s.push_str(&format!(" since {}", style.time(t)));
    }
    for src in &v.sources {
        s.push_str(&format!(", {src}"));
    }
    s
}

/// Writes the verdict lines: the cause, its extent, its first step.
pub fn verdict(report: &Report, style: Style, out: &mut dyn Write) -> Result<()> {
    let width = style.columns();
    let Some(v) = &report.verdict else {
        return Ok(());
    };
    let head = format!("{} ({}).", v.title, extent(v, style));
    for l in labelled("Most likely cause:", &head, width, "  ", style) {
        writeln!(out, "{l}")?;
    }
    let top = &report.findings[v.finding];
    if let Some(when) = super::timeline::sentence(&top.timeline, &|t| style.time(t)) {
        let pods = &top.timeline.failing_pods_after_change;
        let on = if pods.is_empty() {
            String::new()
        } else {
            let pods: Vec<String> = pods.iter().map(|p| p.to_string()).collect();
            format!(" Failing after the change on {}.", pods.join(", "))
        };
        for l in labelled("In time:", &format!("{when}.{on}"), width, "  ", style) {
            writeln!(out, "{l}")?;
        }
    }
    if let Some(step) = &v.first_step {
        for l in labelled("First step:", step, width, "  ", style) {
            writeln!(out, "{l}")?;
        }
    }
    Ok(())
}

/// The compact view.
pub fn render(report: &Report, style: Style, out: &mut dyn Write) -> Result<()> {
    let width = style.columns();
    let Some(v) = &report.verdict else {
        return notes_only(report, style, out);
    };
    verdict(report, style, out)?;
    let top = &report.findings[v.finding];
    writeln!(out)?;
    for l in wrap(
        &format!("Rule: {} (symptom {})", top.rule, top.symptom),
        width,
        "",
        "  ",
    ) {
        writeln!(out, "{l}")?;
    }
    if !top.also_seen_as.is_empty() {
        for l in wrap(
            &format!(
                "{} (the same events or logins)",
                top.also_seen_as.join(", ")
            ),
            width,
            "Also seen as:",
            "  ",
        ) {
            writeln!(out, "{l}")?;
        }
    }
    if !v.others.is_empty() {
        writeln!(out, "\n{}", bold("Other causes:", style))?;
        let others: Vec<&Finding> = v.others.iter().map(|&i| &report.findings[i]).collect();
        cause_lines(&others, style, width, out)?;
    }
    if !top.diagnosis.is_empty() {
        writeln!(out, "\n{}", bold("What the evidence shows:", style))?;
        for d in &top.diagnosis {
            for l in wrap(d, width, "  -", "    ") {
                writeln!(out, "{l}")?;
            }
        }
    }
    writeln!(out, "\n{}", bold("What to do:", style))?;
    for (i, step) in top.resolution.iter().enumerate() {
        for l in wrap(step, width, &format!("  {}.", i + 1), "     ") {
            writeln!(out, "{l}")?;
        }
    }
    if let Some(e) = top.evidence.first() {
        let place = match (&e.pod, &e.container) {
            (Some(p), Some(c)) => format!("{}:{} (pod/{p}/{c})", e.source, e.line),
            _ => format!("{}:{}", e.source, e.line),
        };
        writeln!(out, "\n{}", cut(&format!("Evidence: {place}"), width))?;
        let inner = width.saturating_sub(2);
        if e.context_before.is_empty() && e.context_after.is_empty() {
            writeln!(out, "  {}", cut(&e.text, inner))?;
        } else {
            // With -C: the lines around it, the event marked with `>`.
            for l in &e.context_before {
                writeln!(out, "  {}", cut(l, inner))?;
            }
            writeln!(out, "> {}", cut(&e.text, inner))?;
            for l in &e.context_after {
                writeln!(out, "  {}", cut(l, inner))?;
            }
        }
    }
    entra_rows(top, style, out)?;
    if !report.flows.is_empty() {
        writeln!(out)?;
        for l in wrap(&report.flow_counts(), width, "Login flows:", "  ") {
            writeln!(out, "{l}")?;
        }
        if report.hours.len() >= 2 {
            writeln!(out)?;
            for l in super::chart::sparklines(report, width, style.color) {
                writeln!(out, "{l}")?;
            }
        }
    }
    if let Some(left) = super::left_out(&report.summary) {
        writeln!(out)?;
        for l in wrap(&left, width, "", "") {
            writeln!(out, "{l}")?;
        }
    }
    let hidden = report.findings.len() - 1 - v.others.len();
    let more = format!(
        "Run with -v for every finding in full{} and the login flows; `sso-triage explain {}` for the rule.",
        if hidden > 0 {
            format!(" ({hidden} more: folded or notes)")
        } else {
            String::new()
        },
        top.rule
    );
    writeln!(out)?;
    for l in wrap(&more, width, "", "") {
        writeln!(out, "{}", l.trim_start())?;
    }
    Ok(())
}

/// One line per finding: severity, symptom, rule, count, last seen; the columns that do
/// not fit dropped from the right, the rule cut last.
pub fn cause_lines(
    findings: &[&Finding],
    style: Style,
    width: usize,
    out: &mut dyn Write,
) -> Result<()> {
    let sym = findings
        .iter()
        .map(|f| f.symptom.key().len())
        .max()
        .unwrap_or(0);
    let rule = findings.iter().map(|f| f.rule.len()).max().unwrap_or(0);
    let count = findings
        .iter()
        .map(|f| f.count.to_string().len())
        .max()
        .unwrap_or(0);
    // "  SEVERITY symptom  rule  count  last"
    let base = 2 + 7 + 1 + sym + 2;
    let with_count = base + rule + 2 + count + 1;
    let with_time = with_count + 2 + 24;
    for f in findings {
        let mut line = format!(
            "  {} {:<sym$}  ",
            severity_word(f.severity, style),
            f.symptom.key()
        );
        if width >= with_time {
            line.push_str(&format!(
                "{:<rule$}  {:>count$}x  {}",
                f.rule,
                f.count,
                f.last_seen
                    .as_deref()
                    .map_or_else(|| "-".into(), |t| style.time(t))
            ));
        } else if width >= with_count {
            line.push_str(&format!("{:<rule$}  {:>count$}x", f.rule, f.count));
        } else {
            line.push_str(&f.rule);
        }
        // Too narrow for the columns: the rule on a line of its own (never cut).
        if line.trim_end().width() > width {
            writeln!(
                out,
                "  {} {}",
                severity_word(f.severity, style).trim_end(),
                f.symptom.key()
            )?;
            writeln!(out, "    {}", f.rule)?;
            continue;
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// The Entra attempts of `f`, one row each (time, trace id, correlation id); the time
/// column is dropped when the row would not fit.
fn entra_rows(f: &Finding, style: Style, out: &mut dyn Write) -> Result<()> {
    let width = style.columns();
    let rows = &f.entra.attempts;
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "\n{}",
        cut(
            "Entra sign-in logs (Entra admin center > Sign-in logs; filter by these ids):",
            width
        )
    )?;
    let id_w = rows
        .iter()
        .flat_map(|r| [&r.trace_id, &r.correlation_id])
        .filter_map(|v| v.as_ref().map(|v| v.width()))
        .max()
        .unwrap_or(8)
        .max(14);
    // The whole time, else its clock part (`14:02:11.469Z`), else none.
    let full_w = rows
        .iter()
        .filter_map(|r| r.time.as_deref().map(|t| style.time(t).width()))
        .max()
        .unwrap_or(24);
    let mut time_w = full_w;
    if 2 + time_w + 2 + id_w + 2 + id_w > width {
        time_w = full_w - 11;
    }
    let with_time = 2 + time_w + 2 + id_w + 2 + id_w <= width;
    let clock = |t: &str| -> String {
        let t = style.time(t);
        if time_w == full_w {
            t
        } else {
            t.get(11..).unwrap_or(&t).to_string()
        }
    };
    if 2 + id_w + 2 + id_w > width {
        // Too narrow for two ids side by side: one id a line, each attempt apart.
        for (n, r) in rows.iter().take(MAX_ATTEMPT_ROWS).enumerate() {
            if n > 0 {
                writeln!(out)?;
            }
            if let Some(t) = &r.time {
                let t = style.time(t);
                if 2 + 14 + 2 + t.width() <= width {
                    writeln!(out, "  {:<14}  {t}", "Time")?;
                } else {
                    writeln!(out, "  Time\n    {t}")?;
                }
            }
            for (label, v) in [
                ("Trace ID", &r.trace_id),
                ("Correlation ID", &r.correlation_id),
            ] {
                if let Some(v) = v {
                    if 2 + 14 + 2 + v.width() <= width {
                        writeln!(out, "  {label:<14}  {v}")?;
                    } else {
                        writeln!(out, "  {label}\n    {v}")?;
                    }
                }
            }
        }
        return more_attempts(f, out);
    }
    let mut header = String::from("  ");
    if with_time {
        header.push_str(&format!("{:<time_w$}  ", "Time"));
    }
    header.push_str(&format!("{:<id_w$}  Correlation ID", "Trace ID"));
    writeln!(out, "{header}")?;
    for r in rows.iter().take(MAX_ATTEMPT_ROWS) {
        let mut line = String::from("  ");
        if with_time {
            line.push_str(&format!(
                "{:<time_w$}  ",
                r.time.as_deref().map_or_else(|| "-".to_string(), clock)
            ));
        }
        line.push_str(&format!(
            "{:<id_w$}  {}",
            r.trace_id.as_deref().unwrap_or("-"),
            r.correlation_id.as_deref().unwrap_or("-")
        ));
        writeln!(out, "{}", line.trim_end())?;
    }
    more_attempts(f, out)
}

/// `+N more` under the attempt rows when some were not shown.
fn more_attempts(f: &Finding, out: &mut dyn Write) -> Result<()> {
    let rows = &f.entra.attempts;
    let shown = MAX_ATTEMPT_ROWS.min(rows.len());
    let total = f.entra.attempts_total.max(rows.len() as u64) as usize;
    if total > shown {
        writeln!(
            out,
            "  +{} more (-o json lists {})",
            total - shown,
            rows.len()
        )?;
    }
    Ok(())
}

/// A report with findings but no verdict: only notes (info).
fn notes_only(report: &Report, style: Style, out: &mut dyn Write) -> Result<()> {
    let width = style.columns();
    for l in wrap(
        "No sign-in failure found. Notes (info, no action needed unless users report a problem):",
        width,
        "",
        "",
    ) {
        writeln!(out, "{l}")?;
    }
    let all: Vec<&Finding> = report.findings.iter().collect();
    cause_lines(&all, style, width, out)?;
    writeln!(out, "Run with -v for the notes in full.")?;
    Ok(())
}

#[cfg(test)]
#[path = "brief_tests.rs"]
mod tests;
