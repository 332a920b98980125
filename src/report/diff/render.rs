//! `diff`'s renderers: terminal text in the style of the brief view (wrapped at spaces,
//! columns dropped when narrow, colour only when asked), one JSON document, and a Markdown
//! section. Each takes the [`Diff`] and a writer. Texts from a side are already masked and
//! escaped for a terminal; Markdown still puts each in a code span, since a report file is
//! input: only the catalog's own titles are written as text.

use std::io::Write;

use unicode_width::UnicodeWidthStr;

use super::{Change, Diff, DiffFormat, FlowCounts, ReadAs, Side, Status};
use crate::error::Result;
use crate::report::Style;
use crate::report::brief::{bold, cut, severity_word, wrap};
use crate::report::markdown::{code_span, ours};

/// Writes `diff` in `format`.
pub fn render(diff: &Diff, format: DiffFormat, style: Style, out: &mut dyn Write) -> Result<()> {
    match format {
        DiffFormat::Table => table(diff, style, out),
        DiffFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, diff)?;
            out.write_all(b"\n")?;
            Ok(())
        }
        DiffFormat::Markdown => markdown(diff, out),
    }
}

fn read_as(r: ReadAs) -> &'static str {
    match r {
        ReadAs::Report => "report",
        ReadAs::Logs => "logs",
    }
}

/// `3 (0 succeeded, 3 failed, 0 abandoned, 0 incomplete)`, or `none`.
fn flow_line(f: &FlowCounts) -> String {
    if f.total == 0 {
        return "none".into();
    }
    format!(
        "{} ({} succeeded, {} failed, {} abandoned, {} incomplete)",
        f.total, f.succeeded, f.failed, f.abandoned, f.incomplete
    )
}

/// `3 failed logins` or `no login flow`.
fn logins(n: Option<u64>) -> String {
    match n {
        Some(n) => format!("{n} failed login{}", if n == 1 { "" } else { "s" }),
        None => "no login flow".into(),
    }
}

/// The result in words: `2 fixed, 0 still failing, 0 new`.
fn result_line(diff: &Diff) -> String {
    let c = &diff.counts;
    let not_seen = if c.not_seen > 0 {
        format!(
            ", {} not seen but not confirmed (no login worked in NEW)",
            c.not_seen
        )
    } else {
        String::new()
    };
    format!(
        "{} fixed{not_seen}, {} still failing, {} new",
        c.fixed, c.still_failing, c.new
    )
}

/// `text` padded with spaces to `width` display columns.
fn pad(text: &str, width: usize) -> String {
    let mut s = text.to_string();
    s.push_str(&" ".repeat(width.saturating_sub(text.width())));
    s
}

fn side_lines(label: &str, side: &Side, style: Style, out: &mut dyn Write) -> Result<()> {
    let width = style.columns();
    let head = format!("{} ({})", side.input, read_as(side.read_as));
    let mut lines = wrap(&head, width, label, "  ");
    if style.color
        && let Some(first) = lines.first_mut()
        && let Some(rest) = first.strip_prefix(label)
    {
        *first = format!("{}{rest}", bold(label, style));
    }
    for l in lines {
        writeln!(out, "{l}")?;
    }
    let verdict = match &side.verdict {
        Some(v) => format!(
            "{} ({}; rule {}, symptom {})",
            v.title,
            logins(v.failed_logins),
            v.rule,
            v.symptom
        ),
        None => "no sign-in failure found (nothing at warning or above)".into(),
    };
    for l in wrap(&verdict, width, "  Verdict:", "    ") {
        writeln!(out, "{l}")?;
    }
    for l in wrap(&flow_line(&side.flows), width, "  Login flows:", "    ") {
        writeln!(out, "{l}")?;
    }
    if side.secrets_remasked {
        for l in wrap(
            "written with --show-secrets; its texts are masked again here",
            width,
            "  Note:",
            "    ",
        ) {
            writeln!(out, "{l}")?;
        }
    }
    Ok(())
}

/// The terminal view.
fn table(diff: &Diff, style: Style, out: &mut dyn Write) -> Result<()> {
    let width = style.columns();
    side_lines("Before:", &diff.old, style, out)?;
    side_lines("After:", &diff.new, style, out)?;
    let count = |c: Option<&super::Seen>| c.map_or(0, |s| s.count).to_string();
    // One set of column widths for every group, so the groups line up.
    let sym = diff
        .changes
        .iter()
        .map(|c| c.symptom.width())
        .chain([7])
        .max()
        .unwrap_or(7);
    let rule = diff
        .changes
        .iter()
        .map(|c| c.rule.width())
        .chain([4])
        .max()
        .unwrap_or(4);
    let last = diff
        .changes
        .iter()
        .filter_map(last_seen)
        .map(|t| t.width())
        .chain([9])
        .max()
        .unwrap_or(9);
    // "  SEVERITY symptom  rule  BEFORE  AFTER  LAST SEEN"
    let with_counts = 2 + 8 + 1 + sym + 2 + rule + 2 + 6 + 2 + 5;
    let with_time = with_counts + 2 + last;
    let row = |sev: &str, s: &str, r: &str, before: &str, after: &str, t: &str| {
        let mut line = format!("  {sev} {}  ", pad(s, sym));
        if width >= with_time {
            line.push_str(&format!("{}  {before:>6}  {after:>5}  {t}", pad(r, rule)));
        } else if width >= with_counts {
            line.push_str(&format!("{}  {before:>6}  {after:>5}", pad(r, rule)));
        } else {
            line.push_str(r);
        }
        line.trim_end().to_string()
    };
    for status in Status::ALL {
        let group: Vec<&Change> = diff.changes.iter().filter(|c| c.status == status).collect();
        writeln!(out)?;
        if group.is_empty() {
            writeln!(
                out,
                "{}",
                cut(&format!("{}: none", status.heading()), width)
            )?;
            continue;
        }
        let head = format!(
            "{} ({}), {}:",
            status.heading(),
            group.len(),
            status.meaning()
        );
        writeln!(out, "{}", bold(&cut(&head, width), style))?;
        // Too narrow even for severity, symptom and rule: two lines a finding, no header.
        if 2 + 8 + 1 + sym + 2 + rule <= width {
            writeln!(
                out,
                "{}",
                row(
                    "SEVERITY",
                    "SYMPTOM",
                    "RULE",
                    "BEFORE",
                    "AFTER",
                    "LAST SEEN"
                )
            )?;
        }
        for c in group {
            let plain = row(
                &pad(c.severity.key(), 8).to_uppercase(),
                &c.symptom,
                &c.rule,
                &count(c.old.as_ref()),
                &count(c.new.as_ref()),
                last_seen(c).unwrap_or("-"),
            );
            // Too narrow for the columns: the rule on a line of its own (never cut).
            if plain.width() > width {
                writeln!(
                    out,
                    "  {} {}",
                    severity_word(c.severity, style).trim_end(),
                    c.symptom
                )?;
                writeln!(out, "    {}", c.rule)?;
                continue;
            }
            // Colour replaces the plain word after the layout is measured.
            let word = pad(c.severity.key(), 8).to_uppercase();
            let shown = match plain.strip_prefix(&format!("  {word}")) {
                Some(rest) if style.color => {
                    format!("  {} {rest}", severity_word(c.severity, style))
                }
                _ => plain,
            };
            writeln!(out, "{shown}")?;
        }
    }
    writeln!(out)?;
    for l in wrap(&format!("{}.", result_line(diff)), width, "Result:", "  ") {
        writeln!(out, "{l}")?;
    }
    Ok(())
}

/// The last time a change was seen: NEW's when it is there, else OLD's.
fn last_seen(c: &Change) -> Option<&str> {
    c.new
        .as_ref()
        .and_then(|s| s.last_seen.as_deref())
        .or_else(|| c.old.as_ref().and_then(|s| s.last_seen.as_deref()))
}

/// A title in Markdown: the catalog's words as text, a report's as code.
fn md_title(title: &str, known: bool) -> String {
    if known {
        ours(title).replace('|', "\\|")
    } else {
        code_span(title)
    }
}

fn md_side(side: &Side) -> (String, String, String) {
    let input = format!("{} ({})", code_span(&side.input), read_as(side.read_as));
    let verdict = match &side.verdict {
        Some(v) => format!(
            "{} ({}; rule {}, symptom {})",
            md_title(&v.title, v.known),
            logins(v.failed_logins),
            code_span(&v.rule),
            code_span(&v.symptom)
        ),
        None => "No sign-in failure found".into(),
    };
    (input, verdict, flow_line(&side.flows))
}

/// The Markdown section.
fn markdown(diff: &Diff, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "# SSO before and after\n")?;
    writeln!(out, "**Result:** {}.\n", result_line(diff))?;
    let (oi, ov, of) = md_side(&diff.old);
    let (ni, nv, nf) = md_side(&diff.new);
    writeln!(out, "| | Before | After |")?;
    writeln!(out, "|---|---|---|")?;
    writeln!(out, "| Input | {oi} | {ni} |")?;
    writeln!(out, "| Verdict | {ov} | {nv} |")?;
    writeln!(out, "| Login flows | {of} | {nf} |")?;
    writeln!(out)?;
    for side in [&diff.old, &diff.new] {
        if side.secrets_remasked {
            writeln!(
                out,
                "{} was written with `--show-secrets`; its texts are masked again here.\n",
                code_span(&side.input)
            )?;
        }
    }
    for status in Status::ALL {
        let group: Vec<&Change> = diff.changes.iter().filter(|c| c.status == status).collect();
        writeln!(out, "## {} ({})\n", status.heading(), group.len())?;
        if group.is_empty() {
            writeln!(out, "None.\n")?;
            continue;
        }
        writeln!(
            out,
            "Findings {}.\n\n| Severity | Symptom | Rule | Title | Before | After | Last seen |\n|---|---|---|---|---|---|---|",
            status.meaning()
        )?;
        for c in group {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                c.severity,
                code_span(&c.symptom),
                code_span(&c.rule),
                md_title(&c.title, c.known),
                c.old.as_ref().map_or(0, |s| s.count),
                c.new.as_ref().map_or(0, |s| s.count),
                last_seen(c).map_or_else(|| "-".to_string(), code_span)
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}
