//! `diff`'s model: two runs compared by rule id and symptom, each side a report read back
//! from `scan -o json` (a side given as logs is scanned by the app and read back the same
//! way). Says what is fixed, still failing or new, with each side's verdict and login-flow
//! counts. Every string read from a side is input, however trusted the file looks: it is
//! masked and escaped on the way in ([`Masking::show_line`]) and cut to a bounded length.
//! The renderers are in `render.rs`; the app reads the files (`app::diff`).

pub mod render;

use std::collections::BTreeMap;
use std::io::{BufReader, Read};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::SCHEMA_VERSION;
use crate::catalog::Severity;
use crate::redact::{Masking, Placeholders, Shown};

/// Version of the `diff -o json` document; bumped only when a field changes meaning.
pub const DIFF_SCHEMA_VERSION: u32 = 1;

/// A report larger than this is refused: `scan` writes a few evidence lines per finding
/// and at most a few thousand flows per input, far below it, and parsing more would only
/// cost memory.
pub const MAX_REPORT_BYTES: u64 = 256 << 20;

/// How many bytes at the start of a file tell a report apart from a log.
const HEAD_BYTES: usize = 4096;

/// The longest text kept from a side (rule ids and titles are far shorter); longer ones
/// are cut, saying how much was left out.
const MAX_TEXT: usize = 200;

/// The most of a parser's message repeated in an error (it may quote the file).
const MAX_PROBLEM: usize = 240;

/// `diff -o`: the formats a comparison is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// Terminal text: each side's verdict and flows, then the findings by status.
    Table,
    /// One JSON document (docs/schema/diff.schema.json).
    Json,
    /// A Markdown section for a ticket.
    Markdown,
}

/// What became of a finding between the two sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// In OLD, not seen again in NEW, and a login worked in NEW.
    Fixed,
    /// In OLD, not seen again in NEW, but no login worked in NEW either: nothing tells
    /// whether it is fixed (an empty log, probes only, a log of the same hours as OLD).
    NotSeen,
    /// In both (NEW saw it after the last time OLD did, when both have times).
    StillFailing,
    /// Only in NEW.
    New,
}

impl Status {
    /// Every status, in the order the output lists them.
    pub const ALL: [Status; 4] = [
        Status::Fixed,
        Status::NotSeen,
        Status::StillFailing,
        Status::New,
    ];

    /// The heading word (`Fixed`, `Still failing`, `New`).
    pub fn heading(self) -> &'static str {
        match self {
            Status::Fixed => "Fixed",
            Status::NotSeen => "Not seen, not confirmed",
            Status::StillFailing => "Still failing",
            Status::New => "New",
        }
    }

    /// What the status means, for a reader of the output.
    pub fn meaning(self) -> &'static str {
        match self {
            Status::Fixed => "in OLD, not seen again in NEW, where logins worked",
            Status::NotSeen => {
                "in OLD, not seen again in NEW, but no login worked in NEW to confirm it is fixed"
            }
            Status::StillFailing => "in both",
            Status::New => "only in NEW",
        }
    }
}

/// How a side was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ReadAs {
    /// A JSON report written by `scan -o json`.
    Report,
    /// Logs, scanned as `scan` would with its defaults.
    Logs,
}

/// The comparison: `diff -o json` writes it as it is.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Diff {
    /// Version of this document.
    pub schema_version: u32,
    /// The before side (OLD).
    pub old: Side,
    /// The after side (NEW).
    pub new: Side,
    /// How many findings have each status.
    pub counts: Counts,
    /// One entry per rule id and symptom seen on either side: fixed, then still failing,
    /// then new; within each, most severe first, then by rule id and symptom.
    pub changes: Vec<Change>,
}

/// One side of the comparison.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Side {
    /// The file or folder as named on the command line.
    pub input: Shown,
    /// Whether it was read as a report or scanned as logs.
    pub read_as: ReadAs,
    /// True when the report was written with `--show-secrets`: its texts were masked again
    /// here.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secrets_remasked: bool,
    /// The side's most likely cause (`null` when nothing at warning or above was found).
    pub verdict: Option<SideVerdict>,
    /// Its login flows by outcome.
    pub flows: FlowCounts,
    /// How many findings it has (folded ones included).
    pub findings: u64,
}

/// A side's verdict, as its report states it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SideVerdict {
    /// Rule id of the most likely cause.
    pub rule: Shown,
    /// Its symptom.
    pub symptom: Shown,
    /// Its title.
    pub title: Shown,
    /// Failed or abandoned logins it explains (`null` when the logs showed no login flow
    /// for it).
    pub failed_logins: Option<u64>,
    /// The rule is in this sso-triage's catalog, and the title is the catalog's.
    #[serde(skip)]
    pub known: bool,
}

/// Login flows of one side by outcome, those counted but not listed included.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct FlowCounts {
    /// All login flows.
    pub total: u64,
    /// Logins that worked.
    pub succeeded: u64,
    /// Logins that failed.
    pub failed: u64,
    /// Logins started that never came back.
    pub abandoned: u64,
    /// Logins the log ends in the middle of.
    pub incomplete: u64,
}

/// How many changes have each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Counts {
    /// In OLD, not in NEW.
    pub fixed: u64,
    /// In OLD, not in NEW, and no login worked in NEW.
    pub not_seen: u64,
    /// In both.
    pub still_failing: u64,
    /// Only in NEW.
    pub new: u64,
}

/// One finding (a rule id and symptom) and what became of it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Change {
    /// Fixed, still failing or new.
    pub status: Status,
    /// Rule id.
    pub rule: Shown,
    /// Symptom key.
    pub symptom: Shown,
    /// Rule title (the catalog's when this sso-triage knows the rule, else the report's).
    pub title: Shown,
    /// Severity: NEW's when it is there, else OLD's.
    pub severity: Severity,
    /// What OLD saw of it (`null` when new).
    pub old: Option<Seen>,
    /// What NEW saw of it (`null` when fixed).
    pub new: Option<Seen>,
    /// The rule is in this sso-triage's catalog, and the title is the catalog's.
    #[serde(skip)]
    pub known: bool,
}

/// One side's view of a finding; findings of the same rule id and symptom are added up.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Seen {
    /// Severity on that side (the highest, when several findings were added up).
    pub severity: Severity,
    /// Matching events.
    pub count: u64,
    /// Time of the last matching event (RFC 3339, UTC), when known.
    pub last_seen: Option<Shown>,
}

/// What `diff` takes from a report: masked, cut, ready to compare.
#[derive(Debug, Clone, Default)]
pub struct SideReport {
    /// The report was written with `--show-secrets`.
    pub secrets_shown: bool,
    /// Its verdict.
    pub verdict: Option<SideVerdict>,
    /// Its login flows by outcome.
    pub flows: FlowCounts,
    /// Its findings.
    pub findings: Vec<SideFinding>,
}

/// One finding of a report, as `diff` compares it.
#[derive(Debug, Clone)]
pub struct SideFinding {
    /// Rule id.
    pub rule: Shown,
    /// Symptom key.
    pub symptom: Shown,
    /// Title.
    pub title: Shown,
    /// What the report saw.
    pub seen: Seen,
}

/// The top level of a file that starts like a JSON object: the fields that tell a report,
/// each kept as any JSON value so that a log record that happens to be JSON still parses
/// (and is told apart by what it lacks).
#[derive(Deserialize)]
struct Probe {
    schema_version: Option<Value>,
    findings: Option<Value>,
    secrets_shown: Option<Value>,
    verdict: Option<Value>,
    flows: Option<Value>,
    summary: Option<Value>,
}

#[derive(Deserialize)]
struct FindingView {
    rule: String,
    symptom: String,
    #[serde(default)]
    title: String,
    severity: Severity,
    #[serde(default)]
    count: u64,
    #[serde(default)]
    last_seen: Option<String>,
}

#[derive(Deserialize)]
struct VerdictView {
    rule: String,
    symptom: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    failed_logins: Option<u64>,
}

#[derive(Deserialize)]
struct FlowView {
    outcome: String,
}

#[derive(Deserialize, Default)]
struct SummaryView {
    #[serde(default)]
    flows_unlisted: u64,
    #[serde(default)]
    failed_flows_unlisted: u64,
    #[serde(default)]
    abandoned_flows_unlisted: u64,
}

/// Reads a file's content as a report when it is one: `Ok(None)` when it is not JSON that
/// starts like a report (a log, JSON lines included: scan it), `Err` with one sentence when
/// it is JSON but not a report `diff` can read (truncated, wrong types, not ours, too new,
/// too large).
pub fn read_report(mut reader: impl Read) -> Result<Option<SideReport>, String> {
    let mut head = Vec::with_capacity(HEAD_BYTES);
    (&mut reader)
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|e| format!("cannot read: {e}"))?;
    let body = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&head);
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Ok(None);
    }
    // A report names its version first; a log record that starts with `{` rarely says it.
    let looks_like_report = memchr::memmem::find(&head, b"\"schema_version\"").is_some();
    let mut limited = BufReader::new((&head[..]).chain(reader).take(MAX_REPORT_BYTES + 1));
    let parsed: serde_json::Result<Probe> = serde_json::from_reader(&mut limited);
    match parsed {
        Ok(probe) => probe.into_report().map(Some),
        // JSON lines (the first record parses, then "trailing characters"), or text that
        // only starts with a brace: a log.
        Err(_) if !looks_like_report => Ok(None),
        Err(_) if limited.get_ref().limit() == 0 => Err(format!(
            "larger than {} MiB: not a report `scan -o json` writes",
            MAX_REPORT_BYTES >> 20
        )),
        Err(e) if e.is_eof() => Err(format!(
            "truncated JSON report: it ends inside the document (line {}, column {}); write it again with `sso-triage scan -o json`",
            e.line(),
            e.column()
        )),
        Err(e) if e.is_io() => Err(format!("cannot read: {}", clip(&e.to_string()))),
        Err(e) => Err(format!("not a valid JSON report: {}", clip(&e.to_string()))),
    }
}

/// At most [`MAX_PROBLEM`] bytes of a parser's message, cut on a character boundary.
fn clip(text: &str) -> String {
    if text.len() <= MAX_PROBLEM {
        return text.to_string();
    }
    let mut end = MAX_PROBLEM;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// One string of a side, as it may be shown: masked, escaped onto one line, cut.
fn show(masking: &Masking, text: &str) -> Shown {
    masking.show_line(text).window(MAX_TEXT)
}

impl Probe {
    fn into_report(self) -> Result<SideReport, String> {
        let (version, findings) = match (self.schema_version, self.findings) {
            (Some(v), Some(f)) => (v, f),
            (None, None) => {
                return Err("JSON, but not an sso-triage report: it has no `schema_version` and `findings` (a report is what `sso-triage scan -o json` writes; to scan a one-record JSON log, name its folder)".into());
            }
            (None, Some(_)) => return Err("not an sso-triage report: no `schema_version`".into()),
            (Some(_), None) => return Err("not an sso-triage report: no `findings`".into()),
        };
        let version = version
            .as_u64()
            .ok_or("not an sso-triage report: `schema_version` is not a whole number")?;
        if version == 0 {
            return Err("not an sso-triage report: `schema_version` 0 was never written".into());
        }
        if version > u64::from(SCHEMA_VERSION) {
            return Err(format!(
                "written by a newer sso-triage (report schema_version {version}; this one reads up to {SCHEMA_VERSION}): upgrade sso-triage, or compare the logs themselves"
            ));
        }
        let field = |name: &str, e: serde_json::Error| {
            format!(
                "not a valid sso-triage report: `{name}`: {}",
                clip(&e.to_string())
            )
        };
        let findings: Vec<FindingView> =
            serde_json::from_value(findings).map_err(|e| field("findings", e))?;
        let verdict: Option<VerdictView> = match self.verdict {
            None => None,
            Some(v) => serde_json::from_value(v).map_err(|e| field("verdict", e))?,
        };
        let flows: Vec<FlowView> = match self.flows {
            None => Vec::new(),
            Some(v) => serde_json::from_value(v).map_err(|e| field("flows", e))?,
        };
        let summary: SummaryView = match self.summary {
            None => SummaryView::default(),
            Some(v) => serde_json::from_value(v).map_err(|e| field("summary", e))?,
        };
        // Masked again whatever the report says: one written with `--show-secrets` shows
        // them, and a report is only a file anyone may have edited.
        let secrets_shown = !matches!(self.secrets_shown, None | Some(Value::Bool(false)));
        let masking = Masking::default();
        let mut counts = FlowCounts::default();
        for f in &flows {
            match f.outcome.as_str() {
                "succeeded" => counts.succeeded += 1,
                "failed" => counts.failed += 1,
                "abandoned" => counts.abandoned += 1,
                _ => counts.incomplete += 1,
            }
        }
        counts.succeeded = counts.succeeded.saturating_add(summary.flows_unlisted);
        counts.failed = counts.failed.saturating_add(summary.failed_flows_unlisted);
        counts.abandoned = counts
            .abandoned
            .saturating_add(summary.abandoned_flows_unlisted);
        counts.total = counts
            .succeeded
            .saturating_add(counts.failed)
            .saturating_add(counts.abandoned)
            .saturating_add(counts.incomplete);
        Ok(SideReport {
            secrets_shown,
            verdict: verdict.map(|v| SideVerdict {
                rule: show(&masking, &v.rule),
                symptom: show(&masking, &v.symptom),
                title: show(&masking, &v.title),
                failed_logins: v.failed_logins,
                known: false,
            }),
            flows: counts,
            findings: findings
                .into_iter()
                .map(|f| SideFinding {
                    rule: show(&masking, &f.rule),
                    symptom: show(&masking, &f.symptom),
                    title: show(&masking, &f.title),
                    seen: Seen {
                        severity: f.severity,
                        count: f.count,
                        last_seen: f.last_seen.as_deref().map(|t| show(&masking, t)),
                    },
                })
                .collect(),
        })
    }
}

impl Side {
    /// A side named `input` (as typed), read as `read_as`, from its report.
    pub fn new(input: &str, read_as: ReadAs, report: &SideReport) -> Side {
        Side {
            input: show(&Masking::default(), input),
            read_as,
            secrets_remasked: report.secrets_shown,
            verdict: report.verdict.clone(),
            flows: report.flows,
            findings: report.findings.len() as u64,
        }
    }
}

/// A side's findings by rule id and symptom, added up: counts summed, the highest severity,
/// the latest time, the first title.
fn by_key(report: &SideReport) -> BTreeMap<(Shown, Shown), (Shown, Seen)> {
    let mut map: BTreeMap<(Shown, Shown), (Shown, Seen)> = BTreeMap::new();
    for f in &report.findings {
        let key = (f.rule.clone(), f.symptom.clone());
        match map.get_mut(&key) {
            None => {
                map.insert(key, (f.title.clone(), f.seen.clone()));
            }
            Some((_, seen)) => {
                seen.severity = seen.severity.max(f.seen.severity);
                seen.count = seen.count.saturating_add(f.seen.count);
                if f.seen.last_seen > seen.last_seen {
                    seen.last_seen = f.seen.last_seen.clone();
                }
            }
        }
    }
    map
}

/// Compares two sides by rule id and symptom.
pub fn compare(old: Side, old_report: &SideReport, new: Side, new_report: &SideReport) -> Diff {
    let mut before = by_key(old_report);
    let after = by_key(new_report);
    // Gone from NEW: fixed only when a login worked in NEW; else nothing tells.
    let gone = if new_report.flows.succeeded > 0 {
        Status::Fixed
    } else {
        Status::NotSeen
    };
    let mut changes = Vec::with_capacity(before.len() + after.len());
    for ((rule, symptom), (title, seen)) in after {
        let old_seen = before
            .remove(&(rule.clone(), symptom.clone()))
            .map(|(_, s)| s);
        // NEW holding only what OLD saw (the same log, read again with later lines): not
        // seen again. Times are RFC 3339 UTC, so they compare as text.
        let again = match (&old_seen, &seen.last_seen) {
            (Some(o), Some(n)) => o.last_seen.as_ref().is_none_or(|o| n.as_str() > o.as_str()),
            _ => true,
        };
        let status = match old_seen {
            Some(_) if again => Status::StillFailing,
            Some(_) => gone,
            None => Status::New,
        };
        changes.push(Change {
            status,
            rule,
            symptom,
            title,
            severity: seen.severity,
            old: old_seen,
            new: Some(seen),
            known: false,
        });
    }
    for ((rule, symptom), (title, seen)) in before {
        changes.push(Change {
            status: gone,
            rule,
            symptom,
            title,
            severity: seen.severity,
            old: Some(seen),
            new: None,
            known: false,
        });
    }
    changes.sort_by(|a, b| {
        (a.status, b.severity, &a.rule, &a.symptom)
            .cmp(&(b.status, a.severity, &b.rule, &b.symptom))
    });
    let count = |s: Status| changes.iter().filter(|c| c.status == s).count() as u64;
    let counts = Counts {
        fixed: count(Status::Fixed),
        not_seen: count(Status::NotSeen),
        still_failing: count(Status::StillFailing),
        new: count(Status::New),
    };
    Diff {
        schema_version: DIFF_SCHEMA_VERSION,
        old,
        new,
        counts,
        changes,
    }
}

impl Diff {
    /// Whether something still fails or is new at `threshold` or above (`--fail-on`;
    /// `None`: never): the exit status.
    pub fn failing(&self, threshold: Option<Severity>) -> bool {
        threshold.is_some_and(|t| {
            self.changes
                .iter()
                .any(|c| c.status != Status::Fixed && c.severity >= t)
        })
    }

    /// Takes the title of every rule the catalog knows from the catalog (`title_of` gives
    /// it by rule id): those titles are our own words, the others stay input.
    pub fn use_catalog_titles(&mut self, title_of: &dyn Fn(&str) -> Option<String>) {
        for c in &mut self.changes {
            if let Some(t) = title_of(&c.rule) {
                c.title = Shown::ours(t);
                c.known = true;
            }
        }
        for side in [&mut self.old, &mut self.new] {
            if let Some(v) = &mut side.verdict
                && let Some(t) = title_of(&v.rule)
            {
                v.title = Shown::ours(t);
                v.known = true;
            }
        }
    }

    /// Calls `f` on every text that came from a side (titles from the catalog included:
    /// they are escaped alike), in output order: what placeholder numbering and the last
    /// check before output walk.
    pub fn each_input_text(&mut self, f: &mut dyn FnMut(&mut Shown)) {
        for side in [&mut self.old, &mut self.new] {
            f(&mut side.input);
            if let Some(v) = &mut side.verdict {
                f(&mut v.rule);
                f(&mut v.symptom);
                f(&mut v.title);
            }
        }
        for c in &mut self.changes {
            f(&mut c.rule);
            f(&mut c.symptom);
            f(&mut c.title);
            for seen in [&mut c.old, &mut c.new].into_iter().flatten() {
                seen.last_seen.iter_mut().for_each(&mut *f);
            }
        }
    }

    /// Numbers the internal masks of every text (`<secret#1>`), once, before rendering.
    pub fn number_placeholders(&mut self, numbers: &mut Placeholders) {
        self.each_input_text(&mut |t| t.number(numbers));
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
