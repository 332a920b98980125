//! How `check-config` prints what it found, in every `-o` format. A configuration is not a
//! log: it has lines and settings, no times, no counts of events, no login flows and no
//! Entra ids, so the report renderers' "seen", time window and "evidence missing" parts do
//! not fit it. These renderers show the same findings (the report model, so JSON keeps the
//! scan's contract) with where each mistake is in the file, and the notes apart from them.
//! Text is already masked and escaped for a terminal ([`crate::redact::Shown`]); the
//! Markdown escapes it for Markdown too.

mod markdown;
mod table;

use std::io::Write;

use serde::Serialize;

use crate::catalog::Severity;
use crate::error::Result;
use crate::redact::Shown;
use crate::report::{Evidence, Finding, Format, Report, Summary, json};

use super::Note;

/// What one run of `check-config` prints.
#[derive(Debug, Clone, Copy)]
pub struct Checked<'a> {
    /// The findings, the file's name (the one input) and the summary counts.
    pub report: &'a Report,
    /// The notes.
    pub notes: &'a [Note],
    /// Assignments read.
    pub assignments: usize,
    /// Statements not read.
    pub unread: usize,
}

/// How a table looks.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// ANSI colours.
    pub color: bool,
    /// Width in columns.
    pub width: u16,
}

/// Writes `checked` in `format`.
pub fn render(checked: &Checked, format: Format, style: Style, out: &mut dyn Write) -> Result<()> {
    match format {
        Format::Table => table::render(checked, style, out),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &Document::of(checked))?;
            out.write_all(b"\n")?;
            Ok(())
        }
        Format::Jsonl => {
            for finding in &checked.report.findings {
                json::record::<Finding>("finding", finding, out)?;
            }
            for note in checked.notes {
                json::record::<Note>("note", note, out)?;
            }
            json::record::<Summary>("summary", &checked.report.summary, out)
        }
        Format::Markdown => markdown::render(checked, out),
        Format::Html => markdown::render_html(checked, out),
    }
}

/// The JSON document: the report as `scan` writes it (same fields, same meaning), and the
/// notes.
#[derive(Serialize)]
struct Document<'a> {
    #[serde(flatten)]
    report: &'a Report,
    notes: &'a [Note],
}

impl<'a> Document<'a> {
    fn of(checked: &Checked<'a>) -> Self {
        Document {
            report: checked.report,
            notes: checked.notes,
        }
    }
}

impl Checked<'_> {
    /// The file checked, as named.
    fn file(&self) -> &str {
        self.report.inputs.first().map_or("-", Shown::as_str)
    }

    /// What was found, in a few words: `no problems found`, or the findings by severity.
    pub fn outcome(&self) -> String {
        let findings = &self.report.findings;
        if findings.is_empty() {
            return "no problems found".into();
        }
        let by_severity: Vec<String> = [Severity::Error, Severity::Warning, Severity::Info]
            .into_iter()
            .filter_map(|s| {
                let n = findings.iter().filter(|f| f.severity == s).count();
                match s {
                    _ if n == 0 => None,
                    Severity::Info => Some(format!("{n} info")),
                    s => Some(count(n, s.key())),
                }
            })
            .collect();
        format!(
            "{}: {}",
            count(findings.len(), "finding"),
            by_severity.join(", ")
        )
    }

    /// What was read: lines, settings, statements not read.
    fn read(&self) -> String {
        let mut text = format!(
            "{} from {}",
            count(self.assignments, "setting"),
            count(self.report.summary.lines as usize, "line")
        );
        if self.unread > 0 {
            text.push_str(&format!("; {} not read", count(self.unread, "statement")));
        }
        text
    }
}

/// `1 error`, `2 errors`.
fn count(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Where a finding's evidence is, in short: `line 4`, `lines 3, 4 and 5`, the flag, or
/// `not set` for a setting missing from the file (it has no line).
fn where_short(finding: &Finding) -> String {
    let lines: Vec<String> = finding
        .evidence
        .iter()
        .filter(|e| e.line > 0)
        .map(|e| e.line.to_string())
        .collect();
    let flags: Vec<&str> = finding
        .evidence
        .iter()
        .filter(|e| e.line == 0)
        .map(|e| e.source.as_str())
        .collect();
    let mut parts = Vec::new();
    match lines.len() {
        0 => {}
        1 => parts.push(format!("line {}", lines[0])),
        _ => parts.push(format!("lines {}", lines.join(", "))),
    }
    parts.extend(flags.iter().map(|f| f.to_string()));
    parts.dedup();
    if parts.is_empty() {
        "not set".into()
    } else {
        parts.join("; ")
    }
}

/// Where one evidence entry or note is: a line of the file (the headline names the file)
/// and the setting there, or the flag whose value it is.
enum Place<'a> {
    /// A line of the file, and the setting assigned there.
    Line(u64, Option<&'a Shown>),
    /// A flag (`--redirect-uri`).
    Flag(&'a Shown),
}

impl<'a> Place<'a> {
    fn of_evidence(e: &'a Evidence) -> Self {
        if e.line > 0 {
            Place::Line(e.line, e.captures.get("setting"))
        } else {
            Place::Flag(&e.source)
        }
    }

    fn of_note(n: &'a Note) -> Self {
        match n.line {
            Some(line) => Place::Line(line, n.setting.as_ref()),
            None => Place::Flag(&n.source),
        }
    }

    /// `line 4 (SETTING)`, or the flag; `code` writes the text from the file.
    fn show(&self, code: impl Fn(&str) -> String) -> String {
        match self {
            Place::Line(line, Some(setting)) => format!("line {line} ({})", code(setting)),
            Place::Line(line, None) => format!("line {line}"),
            Place::Flag(flag) => code(flag),
        }
    }
}

#[cfg(test)]
mod tests;
