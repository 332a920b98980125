//! `check-config -o table` (the default): a line saying what was found, an overview of the
//! findings (severity, problem, check, where), a table per finding (where in the file,
//! what it shows, meaning, the failure it leads to, resolution), then the notes.

use std::io::Write;

use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, presets};

use super::{Checked, Place, Style, where_short};
use crate::catalog::{Severity, Symptom};
use crate::error::Result;
use crate::redact::Shown;
use crate::report::Finding;

/// Evidence entries and diagnosis lines a finding's table shows at most.
const MAX_LISTED: usize = 6;

/// Writes the findings and notes as tables.
pub(super) fn render(checked: &Checked, style: Style, out: &mut dyn Write) -> Result<()> {
    let headline = format!(
        "{}: {}; read {}.",
        checked.file(),
        checked.outcome(),
        checked.read()
    );
    if style.color {
        writeln!(out, "\x1b[1m{headline}\x1b[0m")?;
    } else {
        writeln!(out, "{headline}")?;
    }
    let findings = &checked.report.findings;
    if !findings.is_empty() {
        let mut overview = new_table(style);
        overview.set_header(vec!["Severity", "Problem", "Check", "Where"]);
        for f in findings {
            overview.add_row(vec![
                crate::report::table::severity_cell(f.severity, style.color),
                Cell::new(&f.title),
                Cell::new(&f.rule),
                Cell::new(where_short(f)),
            ]);
        }
        writeln!(out, "{overview}")?;
        for f in findings {
            writeln!(out, "{}", finding_table(checked.file(), f, style))?;
        }
    }
    for n in checked.notes {
        let mut t = new_table(style);
        let label = Cell::new("NOTE");
        t.set_header(vec![
            if style.color {
                label.fg(Color::Cyan)
            } else {
                label
            },
            Cell::new(format!("{}  ({})", n.title, n.rule)).add_attribute(Attribute::Bold),
        ]);
        t.add_row(vec![Cell::new("Value"), Cell::new(&n.text)]);
        t.add_row(vec![
            Cell::new("From"),
            Cell::new(Place::of_note(n).show(str::to_string)),
        ]);
        t.add_row(vec![Cell::new("Detail"), Cell::new(&n.detail)]);
        t.add_row(vec![Cell::new("To do"), Cell::new(numbered(&n.advice))]);
        writeln!(out, "{t}")?;
    }
    Ok(())
}

/// A table as the report's: full width, condensed lines, colour only when asked.
fn new_table(style: Style) -> Table {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(style.width);
    if style.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table
}

/// One finding: where in the file, what it shows, meaning, the failure it leads to,
/// resolution.
fn finding_table(file: &str, f: &Finding, style: Style) -> Table {
    let mut t = new_table(style);
    t.set_header(vec![
        crate::report::table::severity_cell(f.severity, style.color),
        Cell::new(format!("{}  ({})", f.title, f.rule)).add_attribute(Attribute::Bold),
    ]);
    // A flag's evidence is the flag and its value; a line's, where it is and what it says.
    let mut places: Vec<String> = f
        .evidence
        .iter()
        .take(MAX_LISTED)
        .map(|e| match Place::of_evidence(e) {
            Place::Flag(_) => e.text.to_string(),
            line => format!("{}\n{}", line.show(str::to_string), e.text),
        })
        .collect();
    if f.evidence.is_empty() {
        // A setting missing from the file: the diagnosis names it.
        places.push(format!("not set in {file}"));
    } else if f.count as usize > places.len() {
        places.push(format!("(+{} more)", f.count as usize - places.len()));
    }
    t.add_row(vec![Cell::new("Where"), Cell::new(places.join("\n"))]);
    let mut diagnosis: Vec<&str> = f
        .diagnosis
        .iter()
        .take(MAX_LISTED)
        .map(Shown::as_str)
        .collect();
    let more = format!("(+{} more)", f.diagnosis.len().saturating_sub(MAX_LISTED));
    if f.diagnosis.len() > MAX_LISTED {
        diagnosis.push(&more);
    }
    t.add_row(vec![
        Cell::new("Diagnosis"),
        Cell::new(diagnosis.join("\n")),
    ]);
    t.add_row(vec![Cell::new("Meaning"), Cell::new(&f.meaning)]);
    if f.severity > Severity::Info && f.symptom != Symptom::Unknown {
        let codes: Vec<&str> = f.codes.iter().map(Shown::as_str).collect();
        let fails = if codes.is_empty() {
            f.symptom.key().to_string()
        } else {
            format!("{} ({})", f.symptom, codes.join(", "))
        };
        t.add_row(vec![Cell::new("Sign-in fails as"), Cell::new(fails)]);
    }
    t.add_row(vec![
        Cell::new("Resolution"),
        Cell::new(numbered(&f.resolution)),
    ]);
    t
}

/// Steps numbered from 1, one a line.
fn numbered(steps: &[Shown]) -> String {
    steps
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{}. {s}", i + 1))
        .collect::<Vec<_>>()
        .join("\n")
}
