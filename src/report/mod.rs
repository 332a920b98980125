//! The report model and its renderers. Every output format renders the same [`Report`], so
//! they cannot drift apart; renderers take the report and a writer and nothing else.

pub mod html;
pub mod json;
pub mod markdown;
pub mod table;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalog::{Severity, Symptom};
use crate::correlate::Flow;
use crate::redact::Placeholders;

/// The banner of a report printed with masking off.
pub const SECRETS_WARNING: &str = "WARNING: secrets are NOT masked in this output (--show-secrets / --no-redact). Do not attach it to a ticket.";

/// Version of the JSON document; bumped only when a field changes meaning.
pub const SCHEMA_VERSION: u32 = 1;

/// Everything one run found.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Report {
    /// JSON schema version.
    pub schema_version: u32,
    /// True when the user turned masking off (`--show-secrets` / `--no-redact`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secrets_shown: bool,
    /// The inputs read, as named.
    #[serde(default)]
    pub inputs: Vec<String>,
    /// Findings, most severe first, then by first time seen, then rule id.
    pub findings: Vec<Finding>,
    /// Login flows, in input order then time.
    pub flows: Vec<Flow>,
    /// Counts of what was read.
    pub summary: Summary,
}

impl Report {
    /// Turns the internal masks in every text of the report into numbered placeholders
    /// (`<code#1>`), in a fixed order: findings as listed (diagnosis, evidence, captures),
    /// then flows. Run once before rendering, so every format numbers alike.
    pub fn number_placeholders(&mut self, numbers: &mut Placeholders) {
        for finding in &mut self.findings {
            for d in &mut finding.diagnosis {
                numbers.apply_in_place(d);
            }
            for e in &mut finding.evidence {
                numbers.apply_in_place(&mut e.text);
                if let Some(d) = &mut e.decoded {
                    numbers.apply_in_place(d);
                }
                for v in e.captures.values_mut() {
                    numbers.apply_in_place(v);
                }
            }
        }
        for flow in &mut self.flows {
            for k in &mut flow.keys {
                numbers.apply_in_place(k);
            }
            if let Some(ua) = &mut flow.client.user_agent {
                numbers.apply_in_place(ua);
            }
            for step in &mut flow.steps {
                numbers.apply_in_place(&mut step.detail);
            }
        }
    }

    /// `N (a succeeded, b failed, c abandoned, d incomplete)` for the login flows, those
    /// released from memory included.
    pub fn flow_counts(&self) -> String {
        use crate::correlate::Outcome;
        let count = |o: Outcome| self.flows.iter().filter(|f| f.outcome == o).count();
        let unlisted = self.summary.flows_unlisted as usize;
        let failed = self.summary.failed_flows_unlisted as usize;
        let abandoned = self.summary.abandoned_flows_unlisted as usize;
        let mut text = format!(
            "{} ({} succeeded, {} failed, {} abandoned, {} incomplete)",
            self.flows.len() + unlisted + failed + abandoned,
            count(Outcome::Succeeded) + unlisted,
            count(Outcome::Failed) + failed,
            count(Outcome::Abandoned) + abandoned,
            count(Outcome::Incomplete)
        );
        if unlisted > 0 {
            text.push_str(&format!(
                "; {unlisted} succeeded flow(s) with nothing to report are not listed"
            ));
        }
        if failed + abandoned > 0 {
            text.push_str(&format!(
                "; {} older failed or abandoned flow(s) beyond the {} one input keeps are \
                 counted in the findings but not listed",
                failed + abandoned,
                crate::correlate::MAX_HELD_FLOWS
            ));
        }
        text
    }
}

/// One symptom found in the input, with its evidence and what to do.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Finding {
    /// Rule id (`unknown-aadsts-code` for a code no rule knows).
    pub rule: String,
    /// Symptom key.
    pub symptom: Symptom,
    /// Rule title.
    pub title: String,
    /// Severity.
    pub severity: Severity,
    /// Codes the rule reports, or the unknown code.
    pub codes: Vec<String>,
    /// Codes actually seen in the matching events.
    pub codes_seen: Vec<String>,
    /// Matching events.
    pub count: u64,
    /// Time of the first matching event that had one (RFC 3339, UTC).
    pub first_seen: Option<String>,
    /// Time of the last matching event that had one.
    pub last_seen: Option<String>,
    /// Pods (`pod/NAME/CONTAINER`) or files the events came from.
    pub sources: Vec<String>,
    /// What the error means.
    pub meaning: String,
    /// Likely causes, from the rule.
    pub likely_causes: Vec<String>,
    /// Causes read from the evidence itself (e.g. what is wrong with a quoted redirect URI).
    pub diagnosis: Vec<String>,
    /// Entra ids to look up in the sign-in logs.
    pub entra: EntraIds,
    /// A few matching events, secrets masked.
    pub evidence: Vec<Evidence>,
    /// Ordered resolution steps.
    pub resolution: Vec<String>,
    /// Ids of the login flows that show this finding.
    #[serde(default)]
    pub flows: Vec<String>,
    /// Documentation links.
    pub references: Vec<String>,
}

/// Ids from Entra error text, for the sign-in logs.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct EntraIds {
    /// `Trace ID` / `Request Id` values.
    pub trace_ids: Vec<String>,
    /// `Correlation ID` values.
    pub correlation_ids: Vec<String>,
    /// `Timestamp` values from the error text.
    pub timestamps: Vec<String>,
}

impl EntraIds {
    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.trace_ids.is_empty() && self.correlation_ids.is_empty() && self.timestamps.is_empty()
    }
}

/// One matching event.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Evidence {
    /// The input (file name or `<stdin>`).
    pub source: String,
    /// Line number of the event's first line.
    pub line: u64,
    /// Lines in the event (more than one for a traceback).
    pub lines: u64,
    /// Pod from the kubectl prefix.
    pub pod: Option<String>,
    /// Container from the kubectl prefix.
    pub container: Option<String>,
    /// Event time.
    pub time: Option<String>,
    /// The event text, secrets masked, long lines cut around the match.
    pub text: String,
    /// The text with URL encoding, JSON escapes or HTML undone, when that changed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decoded: Option<String>,
    /// Named captures of the rule, secrets masked.
    pub captures: BTreeMap<String, String>,
}

/// Counts of what was read and found.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    /// Inputs named or found in folders.
    pub inputs: u64,
    /// Inputs that could not be read (missing, unreadable, binary, cut short).
    pub inputs_unreadable: u64,
    /// Of those, inputs skipped as binary.
    pub inputs_binary: u64,
    /// Bytes read, after decompression.
    pub bytes: u64,
    /// Lines read.
    pub lines: u64,
    /// Events (a traceback counts once).
    pub events: u64,
    /// Tracebacks joined.
    pub tracebacks: u64,
    /// Events that fired at least one rule.
    pub matched_events: u64,
    /// Lines in those events.
    pub matched_lines: u64,
    /// Lines with invalid UTF-8 (matched anyway).
    pub invalid_utf8_lines: u64,
    /// Matched lines that looked like JSON but did not parse (matched as text).
    pub json_lines_broken: u64,
    /// Lines longer than the line limit, read in pieces.
    pub split_lines: u64,
    /// Files in support bundles that are not logs (JSON resources, host info, links): counted,
    /// not read.
    #[serde(default)]
    pub bundle_skipped: u64,
    /// Log files of 0 bytes in support bundles: nothing to read.
    #[serde(default)]
    pub empty_logs: u64,
    /// Findings by severity.
    pub findings: BTreeMap<String, u64>,
    /// Succeeded login flows with nothing to report that were counted but not kept (a
    /// long input releases them to stay in bounded memory); `flows` lists the others.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub flows_unlisted: u64,
    /// Failed login flows beyond the number one input holds (4,096), settled while
    /// reading: their findings are counted, but they are not listed (bounded memory on an
    /// endless stream).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub failed_flows_unlisted: u64,
    /// Abandoned or incomplete login flows settled the same way.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub abandoned_flows_unlisted: u64,
    /// One line per input that could not be read.
    pub problems: Vec<String>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Terminal tables.
    Table,
    /// One JSON document.
    Json,
    /// JSON lines: a `match` record per matching event as found, then `finding` records and a
    /// `summary` record.
    Jsonl,
    /// A Markdown incident report for a ticket.
    Markdown,
    /// The incident report as one self-contained HTML file.
    Html,
}

/// Renders `report` in `format` to `out`: the one place that maps a format to its renderer.
pub fn render(
    report: &Report,
    format: Format,
    style: Style,
    out: &mut dyn std::io::Write,
) -> crate::error::Result<()> {
    match format {
        Format::Table => table::render(report, style, out),
        Format::Json => json::document(report, out),
        Format::Jsonl => json::lines_tail(report, out),
        Format::Markdown => markdown::render(report, out),
        Format::Html => html::render(report, out),
    }
}

/// Options that change how a report is drawn, never what it says.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Use ANSI colours.
    pub color: bool,
    /// Table width in columns; `None` lets the table measure the terminal.
    pub width: Option<u16>,
}
