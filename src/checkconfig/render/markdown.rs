//! `check-config -o markdown` and `-o html`: the check as a document for a ticket. Text from
//! the file or the flags goes into code spans and fenced blocks only, so it never becomes
//! markup, a link or an image (the escaping is the incident report's, `report/markdown.rs`);
//! the HTML is this Markdown rendered with raw HTML kept as text and links dropped, as
//! `report/html.rs` does.

use std::io::Write;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

use super::{Checked, Place};
use crate::catalog::{Severity, Symptom};
use crate::error::Result;
use crate::report::Finding;

/// The longest run of backticks in `text`.
fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// Input text as a fenced block whose fence is longer than any backtick run in it.
fn fence(text: &str) -> String {
    let fence = "`".repeat(longest_backtick_run(text).max(2) + 1);
    format!("{fence}text\n{text}\n{fence}\n")
}

/// Input text as an inline code span on one line (`|` escaped for tables).
fn code_span(text: &str) -> String {
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

/// The catalog's and the program's words: `<placeholders>` outside code spans as entities,
/// brackets escaped (no link, no image), one line.
fn ours(text: &str) -> String {
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

/// Writes the check as Markdown.
pub(super) fn render(checked: &Checked, out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "# Configuration check: NetBox Enterprise sign-in with Entra ID\n"
    )?;
    writeln!(out, "- File: {}", code_span(checked.file()))?;
    writeln!(out, "- Read: {}", checked.read())?;
    writeln!(out, "- Result: {}\n", checked.outcome())?;
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        let group: Vec<&Finding> = checked
            .report
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
            Severity::Info => "Info",
        };
        writeln!(out, "## {heading}\n")?;
        for f in group {
            finding(checked.file(), f, out)?;
        }
    }
    if !checked.notes.is_empty() {
        writeln!(out, "## Notes\n")?;
        for n in checked.notes {
            writeln!(out, "### {}\n", ours(&n.title))?;
            writeln!(out, "{}\n", code_span(&n.text))?;
            writeln!(out, "- Rule: `{}`", n.rule)?;
            writeln!(out, "- From: {}", Place::of_note(n).show(code_span))?;
            writeln!(out, "- Detail: {}\n", code_span(&n.detail))?;
            for (i, step) in n.advice.iter().enumerate() {
                writeln!(out, "{}. {}", i + 1, ours(step))?;
            }
            writeln!(out)?;
        }
    }
    Ok(())
}

/// One finding: check, severity, symptom, codes, where; meaning; what the file shows; the
/// evidence; resolution.
fn finding(file: &str, f: &Finding, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "### {}\n", ours(&f.title))?;
    // The failure a mistake leads to at sign-in, as the table says it: not for a remark.
    if f.severity > Severity::Info && f.symptom != Symptom::Unknown {
        writeln!(
            out,
            "- Check: `{}`; severity: {}; sign-in fails as: {}",
            f.rule, f.severity, f.symptom
        )?;
    } else {
        writeln!(out, "- Check: `{}`; severity: {}", f.rule, f.severity)?;
    }
    if !f.codes.is_empty() {
        let codes: Vec<String> = f.codes.iter().map(|c| code_span(c)).collect();
        writeln!(out, "- Codes: {}", codes.join(", "))?;
    }
    if f.evidence.is_empty() {
        writeln!(out, "- Where: not set in {}", code_span(file))?;
    } else {
        let mut places: Vec<String> = f
            .evidence
            .iter()
            .map(|e| Place::of_evidence(e).show(code_span))
            .collect();
        places.dedup();
        if f.count as usize > places.len() {
            places.push(format!("(+{} more)", f.count as usize - places.len()));
        }
        writeln!(out, "- Where: {}", places.join(", "))?;
    }
    writeln!(out, "\n{}\n", ours(&f.meaning))?;
    if !f.diagnosis.is_empty() {
        writeln!(out, "**What the file shows:**\n")?;
        for d in &f.diagnosis {
            writeln!(out, "- {}", code_span(d))?;
        }
        writeln!(out)?;
    }
    if let Some(e) = f.evidence.first() {
        writeln!(
            out,
            "**Evidence**, {}:\n",
            Place::of_evidence(e).show(code_span)
        )?;
        write!(out, "{}", fence(&e.text))?;
        writeln!(out)?;
    }
    writeln!(out, "**Resolution:**\n")?;
    for (i, step) in f.resolution.iter().enumerate() {
        writeln!(out, "{}. {}", i + 1, ours(step))?;
    }
    writeln!(out)?;
    Ok(())
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45;color:#1b1b1b}\
h1{font-size:1.6rem}h2{border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2rem}\
pre{background:#f4f4f4;padding:.6rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}\
code{background:#f4f4f4;padding:0 .2rem}";

/// Writes the check as one self-contained HTML document (inline style, no scripts, nothing
/// loaded from elsewhere).
pub(super) fn render_html(checked: &Checked, out: &mut dyn Write) -> Result<()> {
    let mut md = Vec::new();
    render(checked, &mut md)?;
    let md = String::from_utf8_lossy(&md);
    // Raw HTML stays text, and nothing becomes a link or an image, whatever got through.
    let events = Parser::new_ext(&md, Options::empty()).filter_map(|event| match event {
        Event::Html(t) | Event::InlineHtml(t) => Some(Event::Text(t)),
        Event::Start(Tag::Link { .. } | Tag::Image { .. })
        | Event::End(TagEnd::Link | TagEnd::Image) => None,
        other => Some(other),
    });
    let mut body = String::new();
    html::push_html(&mut body, events);
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Configuration check</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )?;
    Ok(())
}
