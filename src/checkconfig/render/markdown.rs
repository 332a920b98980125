//! `check-config -o markdown` and `-o html`: the check as a document for a ticket. Text from
//! the file or the flags goes into code spans and fenced blocks only, so it never becomes
//! markup, a link or an image (the escaping is the incident report's, `report/markdown.rs`);
//! the HTML is this Markdown rendered with raw HTML kept as text and links dropped, as
//! `report/html.rs` does.

use std::io::Write;

use super::{Checked, Place};
use crate::catalog::{Severity, Symptom};
use crate::error::Result;
use crate::report::Finding;
use crate::report::markdown::{code_span, fence, ours};

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

/// The check as one self-contained HTML file (the Markdown rendered, no script, nothing
/// loaded from elsewhere).
pub(super) fn render_html(checked: &Checked, out: &mut dyn Write) -> Result<()> {
    let mut md = Vec::new();
    render(checked, &mut md)?;
    crate::report::html::page(&String::from_utf8_lossy(&md), "Configuration check", out)
}
