//! The report model and its renderers. Every output format renders the same [`Report`], so
//! they cannot drift apart; renderers take the report and a writer and nothing else (the
//! table also its [`Style`]). A format is a variant of [`Format`] (a clap `ValueEnum`: its
//! doc comment is its `--help` text) and its arm in [`render`]; see "How to add" in
//! docs/ARCHITECTURE.md for the tests and docs that go with it.

pub mod brief;
pub mod build;
pub mod chart;
pub mod diff;
pub mod html;
pub mod json;
pub mod markdown;
pub mod schema;
pub mod table;
pub mod timeline;
pub mod verdict;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalog::{Severity, Symptom};
use crate::correlate::{Outcome, Stop};
use crate::redact::{Placeholders, ShowCache, Shown};
pub use verdict::{Incident, Verdict};

/// The banner of a report printed with masking off.
pub const SECRETS_WARNING: &str = "WARNING: secrets are NOT masked in this output (--show-secrets / --no-redact). Do not attach it to a ticket.";

/// [`SECRETS_WARNING`] as a stderr line.
pub const SECRETS_WARNING_LINE: &str = "sso-triage: WARNING: secrets are NOT masked in this output (--show-secrets / --no-redact). Do not attach it to a ticket.";

/// Version of the JSON document; bumped only when a field changes meaning.
pub const SCHEMA_VERSION: u32 = 1;

/// Everything one run found.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Report {
    /// JSON schema version.
    pub schema_version: u32,
    /// True when the user turned masking off (`--show-secrets` / `--no-redact`).
    #[serde(default, rename = "secrets_shown")]
    pub show_secrets: bool,
    /// The inputs read, as named.
    #[serde(default)]
    pub inputs: Vec<Shown>,
    /// The most likely cause and the other root causes (`null` when nothing at warning or
    /// above was found).
    #[serde(default)]
    pub verdict: Option<Verdict>,
    /// Findings by rank: the root causes first, most likely first, then the findings folded
    /// under them (`folded_into`); see [`verdict`].
    pub findings: Vec<Finding>,
    /// Login flows, in input order then time.
    pub flows: Vec<LoginFlow>,
    /// Pod lifecycle changes the logs show (rollouts, restarts, first starts), by time.
    #[serde(default)]
    pub changes: Vec<timeline::Change>,
    /// Logins that worked and failures of the root causes, by hour, from the first hour
    /// with either to the last.
    #[serde(default)]
    pub hours: Vec<timeline::Hour>,
    /// Counts of what was read.
    pub summary: Summary,
}

impl Report {
    /// Turns the internal masks in every text of the report into numbered placeholders
    /// (`<code#1>`), in a fixed order: findings as listed (diagnosis, evidence, captures),
    /// then flows, then problems. Run once before rendering, so every format numbers alike.
    pub fn number_placeholders(&mut self, numbers: &mut Placeholders) {
        self.each_input_text(&mut |t| t.number(numbers));
    }

    /// Calls `f` on every text of the report that came from the input, in the order the
    /// output shows them: the one list both placeholder numbering and the last check before
    /// output walk, so neither can miss a field the other sees.
    pub fn each_input_text(&mut self, f: &mut dyn FnMut(&mut Shown)) {
        if let Some(v) = &mut self.verdict {
            v.sources.iter_mut().for_each(&mut *f);
        }
        for finding in &mut self.findings {
            finding.errors_seen.iter_mut().for_each(&mut *f);
            finding.diagnosis.iter_mut().for_each(&mut *f);
            for e in &mut finding.evidence {
                e.each_text_mut(&mut *f);
            }
            finding.sources.iter_mut().for_each(&mut *f);
            let entra = &mut finding.entra;
            entra.trace_ids.iter_mut().for_each(&mut *f);
            entra.correlation_ids.iter_mut().for_each(&mut *f);
            entra.timestamps.iter_mut().for_each(&mut *f);
            for a in &mut entra.attempts {
                a.trace_id.iter_mut().for_each(&mut *f);
                a.correlation_id.iter_mut().for_each(&mut *f);
            }
            finding
                .timeline
                .failing_pods_after_change
                .iter_mut()
                .for_each(&mut *f);
        }
        for change in &mut self.changes {
            change.pods_before.iter_mut().for_each(&mut *f);
            change.pods_after.iter_mut().for_each(&mut *f);
            change.pods_still_old.iter_mut().for_each(&mut *f);
            for e in &mut change.evidence {
                f(&mut e.source);
                e.pod.iter_mut().for_each(&mut *f);
            }
        }
        for flow in &mut self.flows {
            flow.keys.iter_mut().for_each(&mut *f);
            f(&mut flow.client.address);
            flow.client.user_agent.iter_mut().for_each(&mut *f);
            flow.backend.iter_mut().for_each(&mut *f);
            for step in &mut flow.steps {
                f(&mut step.detail);
                f(&mut step.source);
                step.pod.iter_mut().for_each(&mut *f);
                step.container.iter_mut().for_each(&mut *f);
            }
        }
        self.summary.problems.iter_mut().for_each(&mut *f);
        self.summary.notes.iter_mut().for_each(&mut *f);
        self.inputs.iter_mut().for_each(&mut *f);
    }

    /// `N (a succeeded, b failed, c abandoned, d incomplete)` for the login flows, those
    /// released from memory included.
    pub fn flow_counts(&self) -> String {
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
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Finding {
    /// Rule id (`unknown-aadsts-code` for a code no rule knows).
    pub rule: String,
    /// Symptom key.
    pub symptom: Symptom,
    /// Rule title.
    pub title: Shown,
    /// Severity.
    pub severity: Severity,
    /// Codes the rule reports, or the unknown code.
    pub codes: Vec<Shown>,
    /// Codes actually seen in the matching events.
    pub codes_seen: Vec<Shown>,
    /// The rule's AADSTS codes when no matching event carried one: the rule fired on
    /// Entra's wording (or a pattern) alone, so its code is inferred, not seen.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes_inferred: Vec<Shown>,
    /// Error identifiers the matching events printed, as read by their shape: exception
    /// class names (`MaxRetryError`), vendor error codes given as the value of an error key
    /// (`basic_action`, `AD_ERROR_SERVER_OAUTH`), error tags (`OAUTH_CALLBACK_ERROR`), AD FS
    /// (`MSIS7012`) and Microsoft.IdentityModel (`IDX10223`) codes. Input text, masked;
    /// none of `codes_seen`, and none decides what fires.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors_seen: Vec<Shown>,
    /// Matching events.
    pub count: u64,
    /// Time of the first matching event that had one (RFC 3339, UTC).
    pub first_seen: Option<String>,
    /// Time of the last matching event that had one.
    pub last_seen: Option<String>,
    /// Pods (`pod/NAME/CONTAINER`) or files the events came from.
    pub sources: Vec<Shown>,
    /// What the error means.
    pub meaning: Shown,
    /// Likely causes, from the rule.
    pub likely_causes: Vec<Shown>,
    /// Causes read from the evidence itself (e.g. what is wrong with a quoted redirect URI).
    pub diagnosis: Vec<Shown>,
    /// Entra ids to look up in the sign-in logs.
    pub entra: EntraIds,
    /// A few matching events, secrets masked.
    pub evidence: Vec<Evidence>,
    /// Ordered resolution steps.
    pub resolution: Vec<Shown>,
    /// Ids of the login flows that show this finding.
    #[serde(default)]
    pub flows: Vec<String>,
    /// Documentation links.
    pub references: Vec<Shown>,
    /// Rule ids of the findings folded under this one: they explain the same events or
    /// login flows (see [`verdict`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_seen_as: Vec<String>,
    /// For a finding folded under another, that finding's rule id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folded_into: Option<String>,
    /// Where and when its events happened, for folding; not part of any output.
    #[serde(skip)]
    pub incidents: Vec<Incident>,
    /// The finding in time: the last login that worked before it, its first and last
    /// failure, and whether it went on after the last change (see [`timeline`]).
    #[serde(default)]
    pub timeline: timeline::FindingTimeline,
    /// Its events by hour (hour since the epoch, count), for the report's `hours`; not part
    /// of any output.
    #[serde(skip)]
    pub hours: Vec<(i64, u64)>,
}

/// One matched event, as written to `-o jsonl` while scanning.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct MatchRecord<'a> {
    /// Rule ids that fired.
    pub rules: Vec<&'a str>,
    /// Their symptoms.
    pub symptoms: Vec<Symptom>,
    /// The event.
    #[serde(flatten)]
    pub evidence: &'a Evidence,
}

/// Ids from Entra error text, for the sign-in logs.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct EntraIds {
    /// `Trace ID` / `Request Id` values.
    pub trace_ids: Vec<Shown>,
    /// `Correlation ID` values.
    pub correlation_ids: Vec<Shown>,
    /// `Timestamp` values from the error text (RFC 3339 when they read as a time).
    pub timestamps: Vec<Shown>,
    /// One row per attempt, by time: what to look up together in the sign-in logs.
    #[serde(default)]
    pub attempts: Vec<EntraAttempt>,
    /// Attempts seen, the rows not kept included.
    #[serde(default)]
    pub attempts_total: u64,
}

/// One sign-in attempt as Entra's error text names it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct EntraAttempt {
    /// Entra's timestamp, or the log's time of the event (RFC 3339).
    pub time: Option<String>,
    /// `Trace ID` (`Request Id` on Entra's page).
    pub trace_id: Option<Shown>,
    /// `Correlation ID`.
    pub correlation_id: Option<Shown>,
}

impl EntraIds {
    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.trace_ids.is_empty() && self.correlation_ids.is_empty() && self.timestamps.is_empty()
    }
}

/// One matching event.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Evidence {
    /// The input (file name or `<stdin>`).
    pub source: Shown,
    /// Line number of the event's first line.
    pub line: u64,
    /// Lines in the event (more than one for a traceback).
    pub lines: u64,
    /// Pod from the kubectl prefix.
    pub pod: Option<Shown>,
    /// Container from the kubectl prefix.
    pub container: Option<Shown>,
    /// Event time.
    pub time: Option<String>,
    /// The event text, secrets masked, long lines cut around the match.
    pub text: Shown,
    /// The text with URL encoding, JSON escapes or HTML undone, when that changed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decoded: Option<Shown>,
    /// Named captures of the rule, secrets masked.
    pub captures: BTreeMap<String, Shown>,
    /// With `scan -C N`: up to N lines before the event, masked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub context_before: Vec<Shown>,
    /// With `scan -C N`: up to N lines after the event, masked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub context_after: Vec<Shown>,
}

impl Evidence {
    /// Every text of the evidence that came from the input, in the order the output shows
    /// them: the one list placeholder numbering, the last check and the match records' check
    /// walk. A field of input text added to `Evidence` is added here.
    pub fn texts(&self) -> impl Iterator<Item = &Shown> {
        std::iter::once(&self.text)
            .chain(&self.decoded)
            .chain(self.captures.values())
            .chain(&self.context_before)
            .chain(&self.context_after)
            .chain(std::iter::once(&self.source))
            .chain(&self.pod)
            .chain(&self.container)
    }

    /// [`Evidence::texts`], to change them (placeholder numbering).
    pub fn each_text_mut(&mut self, f: &mut dyn FnMut(&mut Shown)) {
        f(&mut self.text);
        self.decoded.iter_mut().for_each(&mut *f);
        self.captures.values_mut().for_each(&mut *f);
        self.context_before.iter_mut().for_each(&mut *f);
        self.context_after.iter_mut().for_each(&mut *f);
        f(&mut self.source);
        self.pod.iter_mut().for_each(&mut *f);
        self.container.iter_mut().for_each(&mut *f);
    }
}

/// Counts of what was read and found.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Summary {
    /// Inputs named or found in folders.
    pub inputs: u64,
    /// Inputs that could not be read (missing, unreadable, binary, cut short).
    pub inputs_unreadable: u64,
    /// Binary files skipped: those named on the command line (also counted as unreadable)
    /// and those found in folders or archives (passed over with a note, not unreadable).
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
    /// NUL bytes skipped at the start of inputs (a log truncated in place by logrotate's
    /// `copytruncate`).
    #[serde(default)]
    pub nul_lead_bytes: u64,
    /// Files in support bundles that are not logs (JSON resources, host info, links): counted,
    /// not read.
    #[serde(default)]
    pub bundle_skipped: u64,
    /// Log files of 0 bytes in support bundles: nothing to read.
    #[serde(default)]
    pub empty_logs: u64,
    /// Findings by severity (those reported).
    pub findings: BTreeMap<String, u64>,
    /// Events the matcher would have read (those that hold a rule's keyword or a login
    /// request) left out by `--since`, `--until`, `--pod` or `--exclude-pod`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub filtered_events: u64,
    /// Findings not reported because of `--severity` or `--symptom`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub findings_filtered: u64,
    /// Succeeded login flows with nothing to report that were counted but not kept (a
    /// long input releases them to stay in bounded memory); `flows` lists the others.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub flows_unlisted: u64,
    /// Failed login flows beyond the number one input holds (2,048), settled while
    /// reading: their findings are counted, but they are not listed (bounded memory on an
    /// endless stream).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub failed_flows_unlisted: u64,
    /// Abandoned or incomplete login flows settled the same way.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub abandoned_flows_unlisted: u64,
    /// One line per input that could not be read.
    pub problems: Vec<Shown>,
    /// What in inputs that were read may make the report less accurate (times that run
    /// backwards), one line each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Shown>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// One login attempt, as the report shows it: the correlator's flow with every text that
/// came from the input masked. The JSON field names are the contract.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct LoginFlow {
    /// `f1`, `f2`, ... in order of start.
    pub id: String,
    /// How it ended.
    pub outcome: Outcome,
    /// Where it stopped.
    pub stopped_at: Stop,
    /// Correlation keys seen: `request_id:...`, `state:<state#1>`, `code:<code#2>` (the
    /// placeholders of the values masked in the evidence).
    pub keys: Vec<Shown>,
    /// Who.
    pub client: FlowClient,
    /// The social-auth backend in the path (`azuread-oauth2`).
    pub backend: Option<Shown>,
    /// First step's time.
    pub started: Option<String>,
    /// Last step's time.
    pub ended: Option<String>,
    /// The steps in order.
    pub steps: Vec<FlowStep>,
    /// Rule ids of the findings this flow shows (`findings` in JSON).
    #[serde(rename = "findings")]
    pub rules: Vec<String>,
}

/// The client of a login flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FlowClient {
    /// Address as the access log shows it.
    pub address: Shown,
    /// User agent.
    pub user_agent: Option<Shown>,
}

/// One request or event of a login flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FlowStep {
    /// When.
    pub time: Option<String>,
    /// `begin`, `callback`, `landing`, `error`, `authorize`, `entra-error`.
    pub step: String,
    /// Input and line.
    pub source: Shown,
    /// Line number.
    pub line: u64,
    /// Pod that logged it, from the kubectl prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod: Option<Shown>,
    /// Its container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<Shown>,
    /// HTTP status, for requests.
    pub status: Option<u16>,
    /// What it says: the path, the error value, the rule ids.
    pub detail: Shown,
}

impl LoginFlow {
    /// The report's view of `flow`: every input text masked as `cache` says (names that
    /// repeat over flows are masked once).
    pub fn new(flow: &crate::correlate::Flow, cache: &mut ShowCache) -> LoginFlow {
        LoginFlow {
            id: flow.id.clone(),
            outcome: flow.outcome,
            stopped_at: flow.stopped_at,
            keys: flow.keys.iter().map(|k| flow_key(k, cache)).collect(),
            client: FlowClient {
                address: cache.line(&flow.client.address),
                user_agent: flow.client.user_agent.as_deref().map(|u| cache.line(u)),
            },
            backend: flow.backend.as_deref().map(|b| cache.line(b)),
            started: flow.started.clone(),
            ended: flow.ended.clone(),
            steps: flow
                .steps
                .iter()
                .map(|s| FlowStep {
                    time: s.time.clone(),
                    step: s.step.to_string(),
                    source: cache.line(&s.source),
                    line: s.line,
                    pod: s.pod.as_deref().map(|p| cache.line(p)),
                    container: s.container.as_deref().map(|c| cache.line(c)),
                    status: s.status,
                    detail: cache.line(&s.detail),
                })
                .collect(),
            rules: flow.rules.clone(),
        }
    }
}

/// A flow key as the correlator writes it, `KIND:VALUE`, masked: a state or code whole, an
/// id as [`crate::redact::Masking::show_id`] shows it.
fn flow_key(key: &str, cache: &ShowCache) -> Shown {
    use crate::redact::spans::Kind;
    let masking = cache.masking();
    match key.split_once(':') {
        Some(("state", v)) => masking.show_credential("state", Kind::State, v),
        Some(("code", v)) => masking.show_credential("code", Kind::Code, v),
        Some((name @ ("request_id" | "trace_id" | "correlation_id"), v)) => {
            masking.show_id(name, v)
        }
        _ => cache.once(key),
    }
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

/// What the filters left out, as a sentence for the report itself (`None` when nothing
/// was): a report that shows nothing must say when a filter is why.
pub fn left_out(s: &Summary) -> Option<String> {
    let mut parts = Vec::new();
    if s.filtered_events > 0 {
        parts.push(format!(
            "{} event(s) of interest were left out by --since/--until/--pod/--exclude-pod",
            s.filtered_events
        ));
    }
    if s.findings_filtered > 0 {
        parts.push(format!(
            "{} finding(s) were not reported because of --severity/--symptom",
            s.findings_filtered
        ));
    }
    (!parts.is_empty()).then(|| format!("Filtered: {}.", parts.join("; ")))
}

/// Options that change how a report is drawn, never what it says.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Use ANSI colours.
    pub color: bool,
    /// Width in columns; `None`: 120 (the command line resolves `--width`, `COLUMNS` and
    /// the terminal's width into it, see [`terminal_width`]).
    pub width: Option<u16>,
    /// The terminal view shows every finding in full and the login flows (`-v`), not only
    /// the verdict and the first cause's steps.
    pub details: bool,
    /// The terminal view shows times in the machine's time zone (`--local-time`).
    pub local_time: bool,
}

impl Style {
    /// The width to draw at.
    pub fn columns(&self) -> usize {
        usize::from(self.width.unwrap_or(DEFAULT_WIDTH))
    }

    /// A report time (RFC 3339, UTC) as the terminal shows it: as is, or with
    /// `--local-time` in the machine's zone with its offset (`2026-11-21T15:02:11.469+01:00`).
    pub fn time(&self, t: &str) -> String {
        if !self.local_time {
            return t.to_string();
        }
        match chrono::DateTime::parse_from_rfc3339(t) {
            Ok(at) => at
                .with_timezone(&chrono::Local)
                .format("%Y-%m-%dT%H:%M:%S%.3f%:z")
                .to_string(),
            Err(_) => t.to_string(),
        }
    }
}

/// Width when neither `--width`, `COLUMNS` nor a terminal says.
pub const DEFAULT_WIDTH: u16 = 120;

/// Narrowest width drawn; `--width` below it is refused, `COLUMNS` below it is raised.
pub const MIN_WIDTH: u16 = 40;

/// The width to draw at: `--width`, else `COLUMNS` (as a shell sets it, and as a user sets
/// it for a pipe), else the terminal's width when stdout is one, else 120; never below
/// [`MIN_WIDTH`]. The one rule for the report, `explain` and `check-config`.
pub fn terminal_width(explicit: Option<u16>) -> u16 {
    let columns = std::env::var("COLUMNS").ok();
    let terminal = || terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| w.0);
    choose_width(explicit, columns.as_deref(), terminal)
}

/// [`terminal_width`] with its sources given: `COLUMNS`' value, and how to measure the
/// terminal. A `COLUMNS` that is not a width is passed over, not an error.
pub fn choose_width(
    explicit: Option<u16>,
    columns: Option<&str>,
    terminal: impl FnOnce() -> Option<u16>,
) -> u16 {
    explicit
        .or_else(|| {
            columns
                .and_then(|c| c.trim().parse().ok())
                .filter(|&c| c > 0)
        })
        .or_else(terminal)
        .unwrap_or(DEFAULT_WIDTH)
        .max(MIN_WIDTH)
}
