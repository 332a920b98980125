//! Folds framed events into findings: runs the matcher on each candidate event, reads its
//! time, captures, Entra ids and refined causes, masks secrets, and keeps a bounded sample of
//! evidence. One [`Analyzer`] per input; [`Collected::merge`] joins them in input order so
//! the report never depends on thread timing.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::LazyLock;

use chrono::{DateTime, SecondsFormat, Utc};
use regex::Regex;

use crate::catalog::compile::Compiled;
use crate::catalog::{self, Refine, Severity, Symptom};
use crate::correlate::{Correlator, Flow, Origin, Orphan, Outcome, Released, Step};
use crate::matcher::Fired;
use crate::parse::access::{self, Access};
use crate::parse::jsonl::{self, Decoded};
use crate::parse::{Frame, FrameStats, decode, lossy, timestamp};
use crate::redact::{Masking, Shown};
use crate::refine;
use crate::report::{EntraIds, Evidence, Finding};

/// Evidence items kept per finding.
pub const MAX_EVIDENCE: usize = 5;
/// Entra ids kept per finding and kind.
pub const MAX_IDS: usize = 20;
/// Pods or files, and codes seen, listed per finding at most.
pub const MAX_SOURCES: usize = 64;
/// AADSTS codes the catalog does not know that get a finding each; the rest share one.
pub const MAX_UNKNOWN_CODES: usize = 100;
/// The key of the finding those others share.
const OTHER_UNKNOWN_CODES: u32 = u32::MAX;
/// Evidence text longer than this is cut to a window around the match.
pub const MAX_TEXT: usize = 2000;

/// Rule id of the finding made for an AADSTS code that no rule knows.
pub const UNKNOWN_AADSTS: &str = "unknown-aadsts-code";

static ENTRA_ID: LazyLock<Regex> = LazyLock::new(|| {
    // No word boundary in front: pasted text glues the label to what came before
    // (`...8ef2Correlation Id: ...`). The separator may be a colon, `=`, `%3a`, or only
    // spaces (an HTML table cell turned into text).
    Regex::new(
        r#"(?i)(trace|correlation|request)(?:[ _+]|%20)?id["']?\s*(?::|=|%3a)?\+?\s*["']?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"#,
    )
    .expect("fixed regex")
});
/// Labels of the Entra ids [`ENTRA_ID`] and [`ENTRA_TIME`] read, as searchers built once.
static ID_LABELS: LazyLock<Vec<memchr::memmem::Finder<'static>>> = LazyLock::new(|| {
    [
        &b"orrelation"[..],
        b"Request",
        b"Trace",
        b"Timestamp",
        b"trace_id",
        b"request_id",
    ]
    .into_iter()
    .map(memchr::memmem::Finder::new)
    .collect()
});
static ENTRA_TIME: LazyLock<Regex> = LazyLock::new(|| {
    // Entra writes `Timestamp: 2026-11-21 14:02:11Z` in error text (a `T` and sometimes a
    // fraction on the browser page) and `"timestamp":"2026-11-21 14:02:11Z"` in JSON bodies.
    // Log records' own lowercase `timestamp` fields carry offsets or `T`, so only Entra's
    // space-separated JSON form is taken from them.
    Regex::new(r#"(?:Timestamp(?::|%3a|%3A)?\+?\s*([0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ]|\+|%20)[0-9]{2}(?::|%3a|%3A)[0-9]{2}(?::|%3a|%3A)[0-9]{2}(?:\.[0-9]{1,9})?Z)|"timestamp"\s*:\s*"([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}Z)")"#)
        .expect("fixed regex")
});

/// Which finding an event adds to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    /// A catalog rule, by index.
    Rule(usize),
    /// An AADSTS code no rule knows.
    UnknownCode(u32),
}

/// A finding under construction.
#[derive(Debug, Clone, Default)]
pub struct Acc {
    count: u64,
    first: Option<DateTime<Utc>>,
    last: Option<DateTime<Utc>>,
    /// Inputs and pods, as read (masked when the finding is made).
    sources: BTreeSet<String>,
    evidence: Vec<Evidence>,
    /// What the refiners said, as written (masked when the finding is made).
    diagnosis: BTreeSet<String>,
    codes_seen: BTreeSet<String>,
    trace_ids: BTreeSet<String>,
    correlation_ids: BTreeSet<String>,
    timestamps: BTreeSet<String>,
}

fn push_capped<T: Ord>(set: &mut BTreeSet<T>, value: T) {
    if set.len() < MAX_IDS {
        set.insert(value);
    }
}

impl Acc {
    fn merge(&mut self, other: Acc) {
        self.count += other.count;
        self.first = min_opt(self.first, other.first);
        self.last = self.last.max(other.last);
        self.sources.extend(other.sources);
        for e in other.evidence {
            if self.evidence.len() < MAX_EVIDENCE {
                self.evidence.push(e);
            }
        }
        for d in other.diagnosis {
            push_capped(&mut self.diagnosis, d);
        }
        self.codes_seen.extend(other.codes_seen);
        for v in other.trace_ids {
            push_capped(&mut self.trace_ids, v);
        }
        for v in other.correlation_ids {
            push_capped(&mut self.correlation_ids, v);
        }
        for v in other.timestamps {
            push_capped(&mut self.timestamps, v);
        }
    }
}

fn min_opt(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Counts and findings of one or more inputs.
#[derive(Debug, Clone, Default)]
pub struct Collected {
    /// Findings under construction.
    pub findings: HashMap<Key, Acc>,
    /// Events that fired a rule.
    pub matched_events: u64,
    /// Lines in those events.
    pub matched_lines: u64,
    /// Matched lines that looked like JSON but did not parse.
    pub json_lines_broken: u64,
    /// Framing counts.
    pub frames: FrameStats,
    /// Login flows, in input order until [`Collected::settle_flows`] joins them (ids are
    /// given when the report is built).
    pub flows: Vec<Flow>,
    /// Errors without a client that found no callback in their own input and pod.
    pub orphans: Vec<Orphan>,
    /// Succeeded flows with nothing to report, counted but released while reading.
    pub released: Released,
    /// How evidence is masked (the same for every input of a run).
    pub masking: Masking,
    /// Findings made outside the catalog (HAR captures, tokens: see [`crate::har`]), already
    /// masked; listed with the catalog's findings.
    pub extra: Vec<Finding>,
}

impl Collected {
    /// Adds `other` (a later input) to `self`.
    pub fn merge(&mut self, other: Collected) {
        let mut keys: Vec<Key> = other.findings.keys().copied().collect();
        keys.sort();
        let mut other_findings = other.findings;
        for key in keys {
            let acc = other_findings
                .remove(&key)
                .expect("key listed from the map");
            self.findings.entry(key).or_default().merge(acc);
        }
        self.matched_events += other.matched_events;
        self.matched_lines += other.matched_lines;
        self.json_lines_broken += other.json_lines_broken;
        self.frames.lines += other.frames.lines;
        self.frames.invalid_utf8_lines += other.frames.invalid_utf8_lines;
        self.frames.tracebacks += other.frames.tracebacks;
        self.frames.traceback_lines += other.frames.traceback_lines;
        self.frames.json_blocks += other.frames.json_blocks;
        self.frames.json_block_lines += other.frames.json_block_lines;
        self.flows.extend(other.flows);
        self.orphans.extend(other.orphans);
        self.released.add(other.released);
        self.masking = other.masking;
        crate::har::merge_findings(&mut self.extra, other.extra);
    }

    /// Joins the flows of all inputs (see [`crate::correlate::join`]) and turns their
    /// flow-level conditions into findings. Called once, after the last merge.
    pub fn settle_flows(&mut self, compiled: &Compiled, timeout: chrono::Duration) {
        let flows = std::mem::take(&mut self.flows);
        let orphans = std::mem::take(&mut self.orphans);
        let mut flows = crate::correlate::join(flows, orphans, timeout);
        // A login that came back to another pod and failed points at sessions that are not
        // shared between replicas, unless another such login worked, and unless the flow
        // failed for a reason of its own.
        let shared_sessions = self.released.switched_pods
            || flows
                .iter()
                .any(|f| f.outcome == Outcome::Succeeded && f.switched_pods().is_some());
        for flow in &mut flows {
            self.settle_flow(compiled, flow, shared_sessions);
        }
        self.flows = flows;
    }

    /// Turns one flow's conditions into findings. `shared_sessions`: a login that switched
    /// pods worked, so a failed one that switched pods does not point at unshared sessions.
    pub fn settle_flow(&mut self, compiled: &Compiled, flow: &mut Flow, shared_sessions: bool) {
        let session_rule = |id: &String| {
            compiled
                .rules
                .iter()
                .any(|r| &r.rule.id == id && r.rule.symptom == Symptom::SessionStateLost)
        };
        // A redirect loop came after a callback that found its state: not this.
        let looped = flow
            .conditions
            .iter()
            .any(|(c, _)| *c == crate::catalog::FlowCondition::RedirectLoop);
        if let (false, false, Outcome::Failed, Some(callback)) =
            (shared_sessions, looped, flow.outcome, flow.switched_pods())
            && flow.findings.iter().all(session_rule)
        {
            // First, so that a bounce to the login page counts as explained.
            let callback = callback.clone();
            flow.conditions
                .insert(0, (crate::catalog::FlowCondition::PodSwitch, callback));
        }
        let conditions = flow.conditions.clone();
        for (condition, step) in conditions {
            // A bounce to the login page is the finding only when nothing else explains it.
            if condition == crate::catalog::FlowCondition::BouncedToLogin
                && !flow.findings.is_empty()
            {
                continue;
            }
            let Some(r) = compiled
                .rules
                .iter()
                .position(|r| r.rule.flow == Some(condition))
            else {
                continue;
            };
            let rule_id = compiled.rules[r].rule.id.clone();
            if !flow.findings.contains(&rule_id) {
                flow.findings.push(rule_id);
            }
            self.flow_evidence(r, flow, &step, condition);
        }
    }

    /// Counts a flow-level finding of rule `r`, with the flow's `step` that shows it as
    /// evidence.
    fn flow_evidence(
        &mut self,
        r: usize,
        flow: &Flow,
        step: &Step,
        condition: crate::catalog::FlowCondition,
    ) {
        let time = step
            .time
            .as_deref()
            .and_then(|t| timestamp::parse_value(t.as_bytes()));
        let mut text = String::new();
        if condition == crate::catalog::FlowCondition::PodSwitch
            && let Some(begin) = flow.steps.iter().find(|s| s.step == "begin")
        {
            text.push_str(&format!(
                "began on pod/{} at {}, came back to pod/{}: ",
                begin.pod.as_deref().unwrap_or("?"),
                begin.time.as_deref().unwrap_or("?"),
                step.pod.as_deref().unwrap_or("?"),
            ));
        }
        text.push_str(&format!(
            "{} {} -> {} from {}{}",
            step.step,
            step.detail,
            step.status.map_or("-".to_string(), |st| st.to_string()),
            flow.client.address,
            flow.client
                .user_agent
                .as_deref()
                .map_or(String::new(), |ua| format!(" ({ua})")),
        ));
        let masking = self.masking;
        let shown = masking.show(&text).window(MAX_TEXT);
        let source = masking.show_line(&step.source);
        let acc = self.findings.entry(Key::Rule(r)).or_default();
        acc.count += 1;
        acc.first = min_opt(acc.first, time);
        acc.last = acc.last.max(time);
        acc.sources.insert(match (&step.pod, &step.container) {
            (Some(p), Some(c)) => format!("pod/{p}/{c}"),
            (Some(p), None) => format!("pod/{p}"),
            _ => step.source.clone(),
        });
        if acc.evidence.len() < MAX_EVIDENCE {
            acc.evidence.push(Evidence {
                source,
                line: step.line,
                lines: 1,
                pod: step.pod.as_deref().map(|p| masking.show_line(p)),
                container: step.container.as_deref().map(|c| masking.show_line(c)),
                time: time.map(rfc3339),
                text: shown,
                decoded: None,
                captures: BTreeMap::new(),
            });
        }
    }

    /// Turns the accumulated findings into report findings, most severe first, then by first
    /// time seen, then rule id.
    pub fn findings(&self, compiled: &Compiled) -> Vec<Finding> {
        let mut out: Vec<Finding> = self
            .findings
            .iter()
            .map(|(key, acc)| finding(compiled, *key, acc, &self.masking))
            .chain(self.extra.iter().cloned())
            .collect();
        out.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| match (&a.first_seen, &b.first_seen) {
                    (Some(x), Some(y)) => x.cmp(y),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                })
                .then_with(|| a.rule.cmp(&b.rule))
                .then_with(|| a.codes.cmp(&b.codes))
        });
        out
    }
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn finding(compiled: &Compiled, key: Key, acc: &Acc, masking: &Masking) -> Finding {
    let shown = |set: &BTreeSet<String>| set.iter().map(|v| masking.show(v)).collect();
    let entra = EntraIds {
        trace_ids: shown(&acc.trace_ids),
        correlation_ids: shown(&acc.correlation_ids),
        timestamps: shown(&acc.timestamps),
    };
    let ours = |list: &[String]| list.iter().map(Shown::ours).collect::<Vec<_>>();
    // Codes seen are the catalog's codes and AADSTS numbers the matcher parsed.
    let codes_seen: Vec<Shown> = acc.codes_seen.iter().map(Shown::ours).collect();
    let base = |rule: String,
                symptom,
                title: String,
                severity,
                codes: Vec<String>,
                meaning: String,
                causes: Vec<String>,
                resolution: Vec<String>,
                references: Vec<String>| Finding {
        rule,
        symptom,
        title: Shown::ours(title),
        severity,
        codes: ours(&codes),
        codes_seen: codes_seen.clone(),
        count: acc.count,
        first_seen: acc.first.map(rfc3339),
        last_seen: acc.last.map(rfc3339),
        sources: acc
            .sources
            .iter()
            .map(|s| masking.show_line(s))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
        meaning: Shown::ours(meaning),
        likely_causes: ours(&causes),
        diagnosis: acc
            .diagnosis
            .iter()
            .map(|d| masking.show(d))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
        entra: entra.clone(),
        evidence: acc.evidence.clone(),
        resolution: ours(&resolution),
        references: ours(&references),
        flows: Vec::new(),
    };
    match key {
        Key::Rule(r) => {
            let rule = &compiled.rules[r].rule;
            base(
                rule.id.clone(),
                rule.symptom,
                rule.title.clone(),
                rule.severity,
                rule.codes.clone(),
                rule.meaning.clone(),
                rule.causes.clone(),
                rule.resolution.clone(),
                rule.references.clone(),
            )
        }
        Key::UnknownCode(OTHER_UNKNOWN_CODES) => base(
            UNKNOWN_AADSTS.to_string(),
            Symptom::Unknown,
            format!("More Entra error codes the catalog does not know (past the first {MAX_UNKNOWN_CODES})"),
            Severity::Warning,
            Vec::new(),
            "Entra ID answered with more AADSTS codes than sso-triage lists one by one; they are counted here together. So many distinct codes in one log is unusual: check whether the log is what it seems.".to_string(),
            vec!["See the error text in the evidence; Microsoft's error-code lookup explains each code.".to_string()],
            vec![
                "Look each code up: https://login.microsoftonline.com/error?code=<number>".to_string(),
                "In the Entra admin center, open Sign-in logs and filter by the Correlation ID or Trace ID shown with the evidence.".to_string(),
            ],
            vec!["https://learn.microsoft.com/entra/identity-platform/reference-error-codes".to_string()],
        ),
        Key::UnknownCode(code) => base(
            UNKNOWN_AADSTS.to_string(),
            Symptom::Unknown,
            format!("Entra error AADSTS{code}, which the catalog does not know yet"),
            Severity::Warning,
            vec![format!("AADSTS{code}")],
            format!("Entra ID answered with AADSTS{code}. sso-triage has no rule for this code yet, so it can only point you to where the meaning is looked up."),
            vec!["See the error text in the evidence; Microsoft's error-code lookup explains the code.".to_string()],
            vec![
                format!("Look the code up: https://login.microsoftonline.com/error?code={code}"),
                "In the Entra admin center, open Sign-in logs and filter by the Correlation ID or Trace ID shown with this finding; the log entry names the failure reason and the policy or setting involved.".to_string(),
                "Tell the sso-triage maintainers about the code, with the evidence line, so a rule with NetBox-specific steps can be added.".to_string(),
            ],
            vec!["https://learn.microsoft.com/entra/identity-platform/reference-error-codes".to_string()],
        ),
    }
}

/// One matched event, as written to `-o jsonl` while scanning.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MatchRecord<'a> {
    /// Rule ids that fired.
    pub rules: Vec<&'a str>,
    /// Their symptoms.
    pub symptoms: Vec<Symptom>,
    /// The event.
    #[serde(flatten)]
    pub evidence: &'a Evidence,
}

/// How far (in lines of the same pod) Entra ids on lines of their own are attached to a
/// finding: a pasted browser error page puts them a few lines below the AADSTS message.
pub const ID_CONTEXT_LINES: u64 = 12;

/// How far (in lines of the same pod) a specific finding explains a fallback one: Django logs
/// "Internal Server Error: /oauth/complete/..." just before the traceback that names the
/// cause, and the access log's 500 comes just after it.
pub const FALLBACK_WINDOW_LINES: u64 = 50;

/// The rule whose symptom an `http://` redirect URI also shows.
const HTTPS_RULE: &str = "redirect-uri-must-be-https";

/// Ids seen on a line that fired no rule, waiting for a finding nearby.
#[derive(Debug, Clone)]
struct LooseIds {
    line: u64,
    pod: Option<String>,
    ids: Vec<(IdKind, String)>,
}

/// The last event that fired, so ids on the lines after it can join its findings.
#[derive(Debug, Clone)]
struct LastFired {
    line: u64,
    pod: Option<String>,
    keys: Vec<Key>,
}

/// What one matched event adds to one finding.
#[derive(Debug, Clone)]
struct Item {
    key: Key,
    code: Option<u32>,
    rule_id: String,
    symptom: Symptom,
    /// The rule's named captures, as read.
    captures: Vec<(String, String)>,
    /// What the refiners said of them, as written (quoting input).
    diagnosis: Vec<String>,
}

/// A matched event's evidence as read, masked only when a finding keeps it or a match
/// record prints it ([`Observer::show`]): most matched events are only counted.
#[derive(Debug, Clone)]
struct Draft {
    line: u64,
    lines: u64,
    time: Option<String>,
    /// The stretch of the event's text evidence is cut from ([`stretch`]).
    text: String,
    /// Where in `text` the first anchor is: the window is cut around it.
    at: usize,
    /// Bytes of the event's text before and after the stretch.
    before: usize,
    after: usize,
    decoded: Option<DraftView>,
}

/// The start of an event's decoded view, and the raw text it was decoded from.
#[derive(Debug, Clone)]
struct DraftView {
    text: String,
    raw: String,
    /// Bytes of the view past `text`.
    after: usize,
}

/// A matched event, ready to be added to the findings.
#[derive(Debug, Clone)]
struct Observed {
    line: u64,
    end_line: u64,
    pod: Option<String>,
    container: Option<String>,
    time: Option<DateTime<Utc>>,
    source_key: String,
    ids: Vec<(IdKind, String)>,
    codes_seen: BTreeSet<String>,
    items: Vec<Item>,
    draft: Draft,
    fallback_only: bool,
    /// An access-log line: the correlator has it as a request already.
    is_access: bool,
    /// The login flow (its serial in this input's correlator) the access-log line belongs to.
    flow: Option<u64>,
}

/// Analyses the events of one input.
pub struct Analyzer<'c> {
    source: String,
    observer: Observer<'c>,
    loose: Vec<LooseIds>,
    last: Option<LastFired>,
    last_specific: Option<(u64, Option<String>)>,
    pending: Vec<Observed>,
    correlator: Option<Correlator>,
    /// Whether `on_match` is called ([`Analyzer::set_match_records`]).
    match_records: bool,
    /// What has been collected so far.
    pub collected: Collected,
}

impl<'c> Analyzer<'c> {
    /// An analyzer for the input called `source`. `reveal` turns redaction off.
    pub fn new(compiled: &'c Compiled, source: String, reveal: bool) -> Self {
        let masking = Masking {
            reveal,
            users: false,
        };
        Analyzer {
            observer: Observer::new(compiled, source.clone(), masking),
            source,
            loose: Vec::new(),
            last: None,
            last_specific: None,
            pending: Vec::new(),
            match_records: true,
            correlator: Some(Correlator::new(chrono::Duration::seconds(
                crate::correlate::DEFAULT_FLOW_TIMEOUT_SECS,
            ))),
            // Flows settled early turn into evidence before the input ends.
            collected: Collected {
                masking,
                ..Collected::default()
            },
        }
    }

    /// Whether `on_match` gets a record of every matched event (the default), or is never
    /// called: then only the evidence findings keep is masked.
    pub fn set_match_records(&mut self, yes: bool) {
        self.match_records = yes;
    }

    /// Masks e-mail addresses and UPNs too (`--redact-users`).
    pub fn set_redact_users(&mut self, yes: bool) {
        self.collected.masking.users = yes;
        self.observer.masking.users = yes;
        self.observer.source_shown = self.observer.masking.show_line(&self.observer.source);
    }

    /// A matcher for this input's events that can run on another thread: what it returns
    /// goes to [`Analyzer::event_observed`] with the same frame, in input order.
    pub fn observer(&self) -> Observer<'c> {
        self.observer.clone()
    }

    /// Matches one framed event; calls `on_match` with the record of each event that ends up
    /// in a finding.
    pub fn event(&mut self, frame: &Frame<'_>, on_match: &mut dyn FnMut(&MatchRecord<'_>)) {
        let observation = self.observer.observe(frame);
        self.event_observed(frame, observation, on_match);
    }

    /// [`Analyzer::event`] with the matching already done by an [`Observer`] of this
    /// analyzer: the stateful part (login flows, fallback windows, findings), which must see
    /// the events in input order.
    pub fn event_observed(
        &mut self,
        frame: &Frame<'_>,
        observation: Observation,
        on_match: &mut dyn FnMut(&MatchRecord<'_>),
    ) {
        if crate::token::may_contain(frame.body) {
            self.tokens(frame);
        }
        let (is_access, flow) = self.request(frame, observation.access);
        let Some((mut observed, broken)) = observation.found else {
            self.loose_ids(frame);
            self.flush(frame.line, false, on_match);
            return;
        };
        if broken {
            self.collected.json_lines_broken += 1;
        }
        self.collected.matched_events += 1;
        self.collected.matched_lines += frame.lines;
        observed.is_access = is_access;
        observed.flow = flow;
        if observed.fallback_only {
            let explained = self.last_specific.as_ref().is_some_and(|(line, pod)| {
                *pod == observed.pod && observed.line.saturating_sub(*line) <= FALLBACK_WINDOW_LINES
            });
            if !explained {
                self.pending.push(observed);
            }
            self.flush(frame.line, false, on_match);
            return;
        }
        // A specific finding explains the fallback events just before it in the same pod.
        let (line, pod) = (observed.line, observed.pod.clone());
        self.pending.retain(|p| {
            !(p.pod == pod && line.saturating_sub(p.end_line) <= FALLBACK_WINDOW_LINES)
        });
        self.flush(frame.line, true, on_match);
        self.last_specific = Some((observed.end_line, observed.pod.clone()));
        self.commit(observed, on_match);
    }

    /// Commits pending fallback events that no specific event can explain any more (all of
    /// them when `all`, or at the end of the input).
    fn flush(&mut self, now: u64, all: bool, on_match: &mut dyn FnMut(&MatchRecord<'_>)) {
        if self.pending.is_empty() {
            return;
        }
        let (ready, waiting): (Vec<Observed>, Vec<Observed>) = std::mem::take(&mut self.pending)
            .into_iter()
            .partition(|p| all || now.saturating_sub(p.end_line) > FALLBACK_WINDOW_LINES);
        self.pending = waiting;
        for observed in ready {
            self.commit(observed, on_match);
        }
    }

    /// Sets how long a started login may take before it counts as abandoned.
    pub fn set_flow_timeout(&mut self, timeout: chrono::Duration) {
        self.correlator = Some(Correlator::new(timeout));
    }

    /// Feeds an access-log line on a login path (`access`, parsed by the observer) to the
    /// correlator: whether it was one, and the flow it joined.
    fn request(&mut self, frame: &Frame<'_>, access: Option<Access>) -> (bool, Option<u64>) {
        let Some(access) = access else {
            return (false, None);
        };
        if access::OAUTH.find(frame.body).is_none() {
            // A plain /login/ request matters only as the landing of a recent callback.
            let now = frame.kube_time.and_then(timestamp::parse_value);
            let waiting = self
                .correlator
                .as_mut()
                .is_some_and(|c| c.awaiting_landing(now));
            if !waiting {
                return (false, None);
            }
        }
        let mut flow = None;
        if let Some(correlator) = self.correlator.as_mut() {
            let pod = frame.pod.map(String::from_utf8_lossy);
            let container = frame.container.map(String::from_utf8_lossy);
            let time = access
                .time
                .or_else(|| frame.kube_time.and_then(timestamp::parse_value));
            flow = correlator.request(
                &access,
                &Origin {
                    source: &self.source,
                    line: frame.line,
                    pod: pod.as_deref(),
                    container: container.as_deref(),
                    time,
                },
            );
            let overflow = correlator.take_overflow();
            if !overflow.is_empty() {
                // Their findings are counted now: the report will not list them.
                let shared = correlator.sessions_shared();
                for mut flow in overflow {
                    self.collected
                        .settle_flow(self.observer.compiled, &mut flow, shared);
                }
            }
        }
        (true, flow)
    }

    /// Ends the input: commits what is still pending and turns flow conditions into findings.
    /// `last_line` is the input's last line; its time is the end of the log.
    pub fn finish(&mut self, last_line: Option<&[u8]>, on_match: &mut dyn FnMut(&MatchRecord<'_>)) {
        self.flush(u64::MAX, true, on_match);
        let Some(correlator) = self.correlator.take() else {
            return;
        };
        let end = last_line.and_then(|l| {
            let split = crate::parse::kubectl::split(l);
            split
                .time
                .and_then(timestamp::parse_value)
                .or_else(|| timestamp::find(split.body))
        });
        let finished = correlator.finish(end);
        self.collected.flows = finished.flows;
        self.collected.orphans = finished.orphans;
        self.collected.released.add(finished.released);
    }
}

/// An access-log line on one of NetBox's login paths (health probes left out), parsed.
fn login_request(body: &[u8]) -> Option<Access> {
    if access::OAUTH.find(body).is_none()
        && (access::LOGIN.find(body).is_none() || access::is_probe(body))
    {
        return None;
    }
    access::parse(&lossy(body))
}

/// The pure half of analysing an event: runs the matcher on every view of the event and
/// gathers what a finding needs. It holds no state between events, so several can run on
/// other threads while one [`Analyzer`] takes their results in input order.
#[derive(Clone)]
pub struct Observer<'c> {
    compiled: &'c Compiled,
    source: String,
    /// The input's name as evidence shows it.
    source_shown: Shown,
    masking: Masking,
    https_rule: Option<usize>,
    fired: Vec<Fired>,
    /// Whether to parse access-log requests for the correlator.
    requests: bool,
}

/// What an [`Observer`] found in one event, for [`Analyzer::event_observed`].
#[derive(Debug)]
pub struct Observation {
    /// What fired, and whether the event was a broken JSON line.
    found: Option<(Observed, bool)>,
    /// The event as an access-log request on a login path, for the correlator.
    access: Option<Access>,
}

impl Observation {
    /// Whether a rule (or an AADSTS code) fired on the event.
    pub fn fired(&self) -> bool {
        self.found.is_some()
    }

    /// About how many bytes the observation holds on the heap (its strings and sets, each
    /// counted with an allocator's overhead); not its own size. The pipeline adds these up
    /// to bound what waits between the matching threads and the calling thread.
    pub fn weight(&self) -> usize {
        // Per allocation: the allocator's rounding and headers, and a B-tree node's share.
        const BLOCK: usize = 32;
        let s = |t: &str| if t.is_empty() { 0 } else { t.len() + BLOCK };
        let o = |t: &Option<String>| t.as_deref().map_or(0, s);
        let mut bytes = 0;
        if let Some((observed, _)) = &self.found {
            bytes += o(&observed.pod) + o(&observed.container) + s(&observed.source_key);
            bytes += observed.ids.capacity() * std::mem::size_of::<(IdKind, String)>();
            bytes += observed.ids.iter().map(|(_, v)| s(v)).sum::<usize>();
            bytes += observed
                .codes_seen
                .iter()
                .map(|c| s(c) + 2 * BLOCK)
                .sum::<usize>();
            bytes += observed.items.capacity() * std::mem::size_of::<Item>();
            let d = &observed.draft;
            bytes += s(&d.text) + o(&d.time);
            bytes += d.decoded.as_ref().map_or(0, |v| s(&v.text) + s(&v.raw));
            for item in &observed.items {
                bytes += s(&item.rule_id);
                bytes += item.captures.capacity() * std::mem::size_of::<(String, String)>();
                bytes += item
                    .captures
                    .iter()
                    .map(|(k, v)| s(k) + s(v))
                    .sum::<usize>();
                bytes += item.diagnosis.iter().map(|d| s(d) + BLOCK).sum::<usize>();
            }
        }
        if let Some(a) = &self.access {
            bytes += s(&a.client) + s(&a.method) + s(&a.path);
            bytes += o(&a.user_agent) + o(&a.request_id);
            bytes += a.query.capacity() * std::mem::size_of::<(String, String)>();
            bytes += a.query.iter().map(|(k, v)| s(k) + s(v)).sum::<usize>();
        }
        bytes
    }

    /// Moves what was observed to start at `line`: a worker numbers a line from the start of
    /// its block, the framer knows where the block starts.
    pub fn relocate(&mut self, line: u64) {
        if let Some((observed, _)) = &mut self.found {
            let from = observed.line;
            let shift = |l: &mut u64| *l = *l - from + line;
            shift(&mut observed.end_line);
            shift(&mut observed.draft.line);
            observed.line = line;
        }
    }
}

impl<'c> Observer<'c> {
    /// An observer of the input called `source`, masking evidence as `masking` says.
    pub fn new(compiled: &'c Compiled, source: String, masking: Masking) -> Self {
        Observer {
            compiled,
            source_shown: masking.show_line(&source),
            source,
            masking,
            https_rule: compiled.rules.iter().position(|r| r.rule.id == HTTPS_RULE),
            fired: Vec::new(),
            requests: true,
        }
    }

    /// The evidence `observed` shows, masked, without captures.
    fn show(&self, observed: &Observed) -> Evidence {
        let draft = &observed.draft;
        let masked = self.masking.show(&draft.text);
        let at = self
            .compiled
            .tagger
            .find(masked.as_bytes())
            .map_or(draft.at, |m| m.start());
        // What was masked in the text stays masked in its decoded view, whatever the
        // decoding made of its neighbours (`code=a%20b` is one value, `code=a b` two words).
        let decoded = draft.decoded.as_ref().map(|v| {
            self.masking
                .show_decoded(&v.text, &v.raw, &|s| {
                    decode::view(s).unwrap_or_else(|| s.to_string())
                })
                .window_within(0, MAX_TEXT, 0, v.after)
        });
        Evidence {
            source: self.source_shown.clone(),
            line: draft.line,
            lines: draft.lines,
            pod: observed.pod.as_deref().map(|p| self.masking.show_line(p)),
            container: observed
                .container
                .as_deref()
                .map(|c| self.masking.show_line(c)),
            time: draft.time.clone(),
            text: masked.window_within(at, MAX_TEXT, draft.before, draft.after),
            decoded,
            captures: BTreeMap::new(),
        }
    }

    /// A rule's named `captures` (as read), masked.
    fn show_captures(&self, captures: &[(String, String)]) -> BTreeMap<String, Shown> {
        captures
            .iter()
            .map(|(name, value)| (name.clone(), self.masking.show(value)))
            .collect()
    }

    /// An observer that only matches: no access-log parsing, for counting matches.
    pub fn matching_only(mut self) -> Self {
        self.requests = false;
        self
    }

    /// Runs the matcher on every view of the event and gathers what a finding needs.
    pub fn observe(&mut self, frame: &Frame<'_>) -> Observation {
        Observation {
            found: self.observe_inner(frame),
            access: if self.requests {
                login_request(frame.body)
            } else {
                None
            },
        }
    }

    fn observe_inner(&mut self, frame: &Frame<'_>) -> Option<(Observed, bool)> {
        let compiled = self.compiled;
        let raw = lossy(frame.body);
        // In a traceback only the exception lines say what happened; frame and source lines
        // (`raise AuthCanceled(...)`) would only add noise.
        let text: std::borrow::Cow<'_, str> = if frame.traceback {
            std::borrow::Cow::Owned(exception_lines(&raw))
        } else {
            std::borrow::Cow::Borrowed(&raw)
        };
        let decoded = if text.trim_start().starts_with('{') {
            jsonl::decode(text.as_bytes())
        } else {
            None
        };
        let json = match &decoded {
            Some(Decoded::Object(line)) => Some(line),
            _ => None,
        };
        let message = json.and_then(|j| j.message.as_deref());
        if !compiled.may_fire(text.as_bytes())
            && message.is_none_or(|m| !compiled.may_fire(m.as_bytes()))
        {
            return None;
        }
        self.fired.clear();
        compiled.fire(text.as_bytes(), &mut self.fired);
        if let Some(m) = message {
            compiled.fire(m.as_bytes(), &mut self.fired);
        }
        // Shapes: URL-encoded, JSON-escaped or HTML text is matched once more, decoded. Most
        // candidate lines (health probes on /login/) have nothing to decode.
        let view = decode::view(message.unwrap_or(&text));
        if let Some(v) = &view {
            compiled.fire(v.as_bytes(), &mut self.fired);
        }
        let texts: Vec<&str> = [Some(&*text), message, view.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        dedup_fired(&mut self.fired);
        if self.fired.is_empty() {
            return None;
        }
        // Codes seen: the AADSTS codes read, and every code of a rule that fired (a
        // suppressed fallback included) that the text holds literally.
        let mut codes_seen = BTreeSet::new();
        for f in &self.fired {
            if let Some(code) = f.code {
                codes_seen.insert(format!("AADSTS{code}"));
            }
            if let Some(r) = f.rule {
                for code in &compiled.rules[r].rule.codes {
                    if catalog::parse_aadsts(code).is_none()
                        && texts.iter().any(|t| contains_word(t, code))
                    {
                        codes_seen.insert(code.clone());
                    }
                }
            }
        }
        compiled.apply_fallback(&mut self.fired);
        // A rule with a single class-like code implies it: "Session value state missing." is
        // what AuthStateMissing says, whether or not the class name was logged.
        for f in &self.fired {
            if let Some(r) = f.rule {
                let mut own = compiled.rules[r]
                    .rule
                    .codes
                    .iter()
                    .filter(|c| catalog::parse_aadsts(c).is_none() && !c.starts_with("HTTP "));
                if let (Some(only), None) = (own.next(), own.next()) {
                    codes_seen.insert(only.clone());
                }
            }
        }
        let broken = matches!(decoded, Some(Decoded::Broken));

        let shown: String = match json {
            Some(line) => {
                let mut s = String::new();
                if let Some(level) = &line.level {
                    s.push_str(&level.to_uppercase());
                    s.push(' ');
                }
                if let Some(logger) = &line.logger {
                    s.push_str(logger);
                    s.push_str(": ");
                }
                s.push_str(message.unwrap_or(&raw));
                s
            }
            None if frame.traceback => traceback_summary(&raw),
            None => raw.to_string(),
        };
        let time = frame
            .kube_time
            .and_then(timestamp::parse_value)
            .or_else(|| json.and_then(|j| j.time))
            .or_else(|| timestamp::find(frame.body))
            .or_else(|| frame.context.and_then(timestamp::find));
        let ids = entra_ids(&texts.join("\n"));
        let pod = frame.pod.map(|p| String::from_utf8_lossy(p).into_owned());
        let container = frame
            .container
            .map(|c| String::from_utf8_lossy(c).into_owned());
        let source_key = match (&pod, &container) {
            (Some(p), Some(c)) => format!("pod/{p}/{c}"),
            (Some(p), None) => format!("pod/{p}"),
            _ => self.source.clone(),
        };
        // A long line is cut around the first anchor, where the error text is. A very long
        // one is cut to a wide stretch first, so the masker does not copy megabytes to show
        // two thousand bytes; the stretch reaches far past what is shown, so no secret is
        // cut where the masker would miss its shape.
        let (raw_at, (from, to)) = {
            let at = compiled
                .tagger
                .find(shown.as_bytes())
                .map_or(0, |m| m.start());
            (at, stretch(&shown, at))
        };
        // The decoded view: only its start is shown, so what lies far past it need not be
        // kept (nor masked). Its raw text is kept as far as a decoding three times shorter
        // could reach.
        let decoded = view
            .as_deref()
            .filter(|_| json.is_none() && !frame.traceback)
            .map(|v| {
                let mut cut = v.len().min(4 * MAX_TEXT);
                while !v.is_char_boundary(cut) {
                    cut += 1;
                }
                let raw = message.unwrap_or(&text);
                let mut raw_cut = raw.len().min(3 * cut);
                while !raw.is_char_boundary(raw_cut) {
                    raw_cut += 1;
                }
                DraftView {
                    text: v[..cut].to_string(),
                    raw: raw[..raw_cut].to_string(),
                    after: v.len() - cut,
                }
            });
        let draft = Draft {
            line: frame.line,
            lines: frame.lines,
            time: time.map(rfc3339),
            at: raw_at - from,
            before: from,
            after: shown.len() - to,
            text: shown[from..to].to_string(),
            decoded,
        };

        let mut fired = std::mem::take(&mut self.fired);
        let mut items = Vec::with_capacity(fired.len());
        let mut i = 0;
        while i < fired.len() {
            let f = fired[i];
            i += 1;
            let mut captures = Vec::new();
            let mut diagnosis = Vec::new();
            let (key, rule_id, symptom) = match f.rule {
                Some(r) => {
                    let rule = &compiled.rules[r].rule;
                    let mut caps = Vec::new();
                    for t in &texts {
                        if caps.is_empty() {
                            caps = compiled.captures(r, t.as_bytes());
                        }
                    }
                    for (name, value) in &caps {
                        match (rule.refine, name.as_str()) {
                            (Some(Refine::RedirectUri), "redirect_uri") => {
                                let uri = decode::url(value);
                                diagnosis.extend(refine::redirect_uri(&uri));
                                // The guide's "redirect_uri must be HTTPS" applies as well.
                                if let Some(h) = self.https_rule.filter(|&h| {
                                    h != r
                                        && refine::insecure_scheme(&uri)
                                        && !fired.iter().any(|x| x.rule == Some(h))
                                }) {
                                    fired.push(Fired {
                                        rule: Some(h),
                                        code: None,
                                    });
                                }
                            }
                            (Some(Refine::ClientId), "client_id") => {
                                diagnosis.extend(refine::client_id(value))
                            }
                            (Some(Refine::Tenant), "tenant") => {
                                diagnosis.extend(refine::tenant(value))
                            }
                            _ => {}
                        }
                    }
                    captures = caps;
                    (Key::Rule(r), rule.id.clone(), rule.symptom)
                }
                None => (
                    Key::UnknownCode(f.code.unwrap_or_default()),
                    UNKNOWN_AADSTS.to_string(),
                    Symptom::Unknown,
                ),
            };
            items.push(Item {
                key,
                code: f.code,
                rule_id,
                symptom,
                captures,
                diagnosis,
            });
        }
        let fallback_only = fired
            .iter()
            .all(|f| f.rule.is_some_and(|r| compiled.rules[r].rule.fallback));
        fired.clear();
        self.fired = fired;
        let observed = Observed {
            line: frame.line,
            end_line: frame.line + frame.lines - 1,
            pod,
            container,
            time,
            source_key,
            ids,
            codes_seen,
            items,
            draft,
            fallback_only,
            is_access: false,
            flow: None,
        };
        Some((observed, broken))
    }
}

impl Analyzer<'_> {
    /// Adds an observed event to its findings.
    fn commit(&mut self, observed: Observed, on_match: &mut dyn FnMut(&MatchRecord<'_>)) {
        let keys: Vec<Key> = observed
            .items
            .iter()
            .map(|i| self.finding_key(i.key))
            .collect();
        // Evidence is masked only when a finding keeps it or a match record prints it.
        let mut shown: Option<Evidence> = None;
        for (item, &key) in observed.items.iter().zip(&keys) {
            let acc = self.collected.findings.entry(key).or_default();
            acc.count += 1;
            acc.first = min_opt(acc.first, observed.time);
            acc.last = acc.last.max(observed.time);
            if acc.sources.len() < MAX_SOURCES && !acc.sources.contains(&observed.source_key) {
                acc.sources.insert(observed.source_key.clone());
            }
            if let Some(code) = item.code
                && acc.codes_seen.len() < MAX_SOURCES
            {
                acc.codes_seen.insert(format!("AADSTS{code}"));
            }
            for c in &observed.codes_seen {
                if acc.codes_seen.len() < MAX_SOURCES {
                    acc.codes_seen.insert(c.clone());
                }
            }
            for d in &item.diagnosis {
                if !acc.diagnosis.contains(d) {
                    push_capped(&mut acc.diagnosis, d.clone());
                }
            }
            if acc.evidence.len() < MAX_EVIDENCE {
                let mut evidence = shown
                    .get_or_insert_with(|| self.observer.show(&observed))
                    .clone();
                evidence.captures = self.observer.show_captures(&item.captures);
                acc.evidence.push(evidence);
            }
        }
        self.attach(&keys, &observed.ids);
        let waiting: Vec<LooseIds> = std::mem::take(&mut self.loose);
        for loose in waiting {
            if loose.pod == observed.pod
                && observed.line.saturating_sub(loose.line) <= ID_CONTEXT_LINES
            {
                self.attach(&keys, &loose.ids);
            } else {
                self.loose.push(loose);
            }
        }
        self.last = Some(LastFired {
            line: observed.end_line,
            pod: observed.pod.clone(),
            keys,
        });
        let rules: Vec<String> = observed.items.iter().map(|i| i.rule_id.clone()).collect();
        // Entra's trace and correlation ids are flow keys: the same id in two events puts
        // them in one flow.
        let id_keys: Vec<String> = observed
            .ids
            .iter()
            .filter_map(|(kind, v)| match kind {
                IdKind::Trace => Some(format!("trace_id:{v}")),
                IdKind::Correlation => Some(format!("correlation_id:{v}")),
                IdKind::Timestamp => None,
            })
            .collect();
        if let (Some(flow), Some(correlator)) = (observed.flow, self.correlator.as_mut()) {
            // The request line itself says what went wrong (an `error=` callback).
            correlator.note(flow, &rules, &id_keys);
        }
        if let (false, false, Some(correlator)) = (
            observed.is_access,
            observed.fallback_only,
            self.correlator.as_mut(),
        ) {
            {
                correlator.error(
                    &Origin {
                        source: &self.source,
                        line: observed.line,
                        pod: observed.pod.as_deref(),
                        container: observed.container.as_deref(),
                        time: observed.time,
                    },
                    &rules,
                    &id_keys,
                );
            }
        }
        if self.match_records
            && let Some(first) = observed.items.first()
        {
            let mut evidence = shown.unwrap_or_else(|| self.observer.show(&observed));
            evidence.captures = self.observer.show_captures(&first.captures);
            on_match(&MatchRecord {
                rules: observed.items.iter().map(|i| i.rule_id.as_str()).collect(),
                symptoms: observed.items.iter().map(|i| i.symptom).collect(),
                evidence: &evidence,
            });
        }
    }
}

impl Analyzer<'_> {
    /// Checks the claims of tokens a debug log shows (see [`crate::token`]); the token
    /// itself is never kept.
    fn tokens(&mut self, frame: &Frame<'_>) {
        let text = lossy(frame.body);
        if crate::token::find(&text).is_empty() {
            return;
        }
        let at = crate::har::LogLine {
            source: &self.source,
            line: frame.line,
            pod: frame.pod.map(|p| {
                (
                    String::from_utf8_lossy(p).into_owned(),
                    frame
                        .container
                        .map(|c| String::from_utf8_lossy(c).into_owned()),
                )
            }),
            time: frame
                .kube_time
                .and_then(timestamp::parse_value)
                .or_else(|| timestamp::find(frame.body)),
        };
        let found =
            crate::har::log_tokens(&at, &text, self.collected.masking, self.observer.compiled);
        crate::har::merge_findings(&mut self.collected.extra, found);
    }

    /// A line that fired nothing may still carry Entra ids for a finding next to it.
    fn loose_ids(&mut self, frame: &Frame<'_>) {
        // Only the lines that hold an id label are worth the regexes.
        if !ID_LABELS.iter().any(|l| l.find(frame.body).is_some()) {
            return;
        }
        let raw = lossy(frame.body);
        let mut ids = entra_ids(&raw);
        if let (true, Some(v)) = (ids.is_empty(), decode::view(&raw)) {
            ids = entra_ids(&v);
        }
        if ids.is_empty() {
            return;
        }
        let pod = frame.pod.map(|p| String::from_utf8_lossy(p).into_owned());
        if let Some(last) = self
            .last
            .as_ref()
            .filter(|l| l.pod == pod && frame.line.saturating_sub(l.line) <= ID_CONTEXT_LINES)
        {
            let keys = last.keys.clone();
            self.attach(&keys, &ids);
            return;
        }
        self.loose
            .retain(|l| frame.line.saturating_sub(l.line) <= ID_CONTEXT_LINES);
        if self.loose.len() < 16 {
            self.loose.push(LooseIds {
                line: frame.line,
                pod,
                ids,
            });
        }
    }

    /// The finding an item adds to. Each unknown code is a finding of its own up to
    /// [`MAX_UNKNOWN_CODES`]; past it, hostile input (a million made-up codes) would grow
    /// the findings without bound, so the rest share one.
    fn finding_key(&self, key: Key) -> Key {
        let full = || {
            self.collected
                .findings
                .keys()
                .filter(|k| matches!(k, Key::UnknownCode(_)))
                .count()
                >= MAX_UNKNOWN_CODES
        };
        match key {
            Key::UnknownCode(_) if !self.collected.findings.contains_key(&key) && full() => {
                Key::UnknownCode(OTHER_UNKNOWN_CODES)
            }
            key => key,
        }
    }

    fn attach(&mut self, keys: &[Key], ids: &[(IdKind, String)]) {
        for key in keys {
            if let Some(acc) = self.collected.findings.get_mut(key) {
                for (kind, value) in ids {
                    let set = match kind {
                        IdKind::Trace => &mut acc.trace_ids,
                        IdKind::Correlation => &mut acc.correlation_ids,
                        IdKind::Timestamp => {
                            // A pasted error page has no log time; Entra's own timestamp is
                            // the best time the finding can get.
                            if acc.first.is_none() {
                                let t = timestamp::parse_value(value.as_bytes());
                                acc.first = t;
                                acc.last = t;
                            }
                            &mut acc.timestamps
                        }
                    };
                    push_capped(set, value.clone());
                }
            }
        }
    }
}

/// True when `needle` occurs in `text` as a whole word (`ConnectionError` is not in
/// `NewConnectionError`).
fn contains_word(text: &str, needle: &str) -> bool {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    text.match_indices(needle).any(|(at, _)| {
        !word(text[..at].chars().next_back()) && !word(text[at + needle.len()..].chars().next())
    })
}

/// The lines of a joined traceback that are not indented: the `Traceback` headers, chain
/// markers and exception lines.
fn exception_lines(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with(' ') && !l.starts_with('\t'))
        .collect::<Vec<_>>()
        .join("\n")
}

fn dedup_fired(fired: &mut Vec<Fired>) {
    let mut seen = Vec::with_capacity(fired.len());
    fired.retain(|f| {
        let key = (f.rule, if f.rule.is_none() { f.code } else { None });
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IdKind {
    Trace,
    Correlation,
    Timestamp,
}

/// How far around its anchor a long event is read for evidence: far more than
/// [`MAX_TEXT`], and more than any secret is long.
const EVIDENCE_STRETCH: usize = 64 * 1024;

/// The byte range of `text` (on character boundaries) that evidence is cut from: all of it
/// when short, else [`EVIDENCE_STRETCH`] before and after `at`.
fn stretch(text: &str, at: usize) -> (usize, usize) {
    if text.len() <= 4 * EVIDENCE_STRETCH {
        return (0, text.len());
    }
    let mut from = at.saturating_sub(EVIDENCE_STRETCH);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (at + EVIDENCE_STRETCH).min(text.len());
    while !text.is_char_boundary(to) {
        to += 1;
    }
    (from, to)
}

fn entra_ids(text: &str) -> Vec<(IdKind, String)> {
    let mut out = Vec::new();
    let decoded;
    let text = if text.contains('%') {
        decoded = decode::url(text);
        decoded.as_str()
    } else {
        text
    };
    // Most events hold neither an id nor a timestamp label, and cheap byte checks tell.
    ids_in(text, &mut out);
    if memchr::memmem::find(text.as_bytes(), b"imestamp").is_some() {
        times_in(text, &mut out);
    }
    out
}

/// Where `text` may hold a GUID: the (start, end) of each place with four dashes 5, 5 and
/// 5 bytes apart (`8-4-4-4-12`), in order.
fn guid_shapes(text: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    memchr::memchr_iter(b'-', text)
        .filter(|&i| {
            i >= 8
                && text.len() >= i + 28
                && text[i + 5] == b'-'
                && text[i + 10] == b'-'
                && text[i + 15] == b'-'
        })
        .map(|i| (i - 8, i + 28))
}

/// Bytes other than white space that the label and separators of an id may take before
/// its GUID (`correlation%20id%3a+"` is 21).
const ID_LABEL_REACH: usize = 48;

/// The Entra ids in `text`. An id ends with its GUID, so [`ENTRA_ID`] runs only on a short
/// window before each GUID-shaped place (white space in it not counted), not over the whole
/// event: a joined traceback is kilobytes long and holds one or two ids.
fn ids_in(text: &str, out: &mut Vec<(IdKind, String)>) {
    let bytes = text.as_bytes();
    let mut done = 0;
    for (start, end) in guid_shapes(bytes) {
        // The dashes say nothing of the bytes between them: a GUID shape may start or end
        // inside a multi-byte character, and such a place is no GUID.
        if start < done || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            continue;
        }
        let (mut from, mut reach) = (start, ID_LABEL_REACH);
        while from > done && reach > 0 {
            from -= 1;
            if !bytes[from].is_ascii_whitespace() {
                reach -= 1;
            }
        }
        while !text.is_char_boundary(from) {
            from -= 1;
        }
        let window = &text[from..end];
        let Some(caps) = ENTRA_ID
            .captures_iter(window)
            .find(|c| c.get(0).is_some_and(|m| m.end() == window.len()))
        else {
            continue;
        };
        let kind = if caps[1].eq_ignore_ascii_case("correlation") {
            IdKind::Correlation
        } else {
            IdKind::Trace
        };
        out.push((kind, caps[2].to_ascii_lowercase()));
        done = end;
    }
}

fn times_in(text: &str, out: &mut Vec<(IdKind, String)>) {
    for caps in ENTRA_TIME.captures_iter(text) {
        if let Some(t) = caps.get(1).or_else(|| caps.get(2)) {
            out.push((IdKind::Timestamp, t.as_str().to_string()));
        }
    }
}

/// The exception lines of a joined traceback (the lines that are neither frames nor
/// markers), which say what went wrong; `Traceback (N lines): a | b`.
fn traceback_summary(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let exceptions: Vec<&str> = lines
        .iter()
        .filter(|l| {
            !l.is_empty()
                && !l.starts_with(' ')
                && !l.starts_with('\t')
                && !l.starts_with("Traceback (most recent call last)")
                && !l.starts_with("During handling of the above exception")
                && !l.starts_with("The above exception was the direct cause")
        })
        .copied()
        .collect();
    format!(
        "Traceback ({} lines): {}",
        lines.len(),
        exceptions.join(" | ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Looking for ids only before GUID-shaped places finds what a search of the whole text
    /// finds: on every sample, corpus and fixture line, and on labels far from their GUID.
    #[test]
    fn ids_found_near_guids_are_all_the_ids() {
        let whole = |text: &str| -> Vec<(IdKind, String)> {
            ENTRA_ID
                .captures_iter(text)
                .map(|caps| {
                    let kind = if caps[1].eq_ignore_ascii_case("correlation") {
                        IdKind::Correlation
                    } else {
                        IdKind::Trace
                    };
                    (kind, caps[2].to_ascii_lowercase())
                })
                .collect()
        };
        let guid = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
        let mut texts = vec![
            format!("Trace ID:{}{guid}", " ".repeat(300)),
            format!(
                "Correlation Id{}={}\"{guid}",
                "\t".repeat(70),
                " ".repeat(70)
            ),
            format!("request_id=\"{guid}\" trace%20id%3a+{guid}x Trace ID: {guid}-1234"),
            format!("{guid} {guid}-{guid}trace id {guid}"),
            format!("é{}Trace ID: {guid}", "ü".repeat(30)),
        ];
        texts.extend(crate::test_support::repo_lines());
        texts.extend(
            crate::test_support::repo_files(&["samples", "tests/corpus", "tests/fixtures"])
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned()),
        );
        let mut with_ids = 0;
        for text in &texts {
            let mut near = Vec::new();
            ids_in(text, &mut near);
            assert_eq!(near, whole(text), "{text}");
            with_ids += usize::from(!near.is_empty());
        }
        assert!(with_ids > 50, "{with_ids} texts with ids");
    }

    #[test]
    fn entra_ids_in_plain_json_and_url_encoded_text() {
        let plain = "AADSTS50011: x. Trace ID: 0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 Correlation ID: 11111111-2222-4333-8444-555555555555 Timestamp: 2026-11-20 09:14:05Z";
        let ids = entra_ids(plain);
        assert_eq!(ids.len(), 3);
        let json = r#"{"trace_id":"0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0","correlation_id":"11111111-2222-4333-8444-555555555555"}"#;
        assert_eq!(entra_ids(json).len(), 2);
        let encoded = "error_description=AADSTS65004%3a+User+declined.%0d%0aTrace+ID%3a+0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0%0d%0aCorrelation+ID%3a+11111111-2222-4333-8444-555555555555";
        let ids = entra_ids(encoded);
        assert!(
            matches!(ids[1], (IdKind::Correlation, ref v) if v == "11111111-2222-4333-8444-555555555555"),
            "{ids:?}"
        );
    }

    #[test]
    fn whole_words_only() {
        assert!(contains_word("x ConnectionError: y", "ConnectionError"));
        assert!(!contains_word("NewConnectionError(", "ConnectionError"));
        assert!(contains_word("error=invalid_grant&", "invalid_grant"));
        assert!(!contains_word("invalid_grants", "invalid_grant"));
    }

    #[test]
    fn traceback_summary_keeps_exception_lines() {
        let tb = "Traceback (most recent call last):\n  File \"x\"\nHTTPError: 401\n\nThe above exception was the direct cause of the following exception:\n\nTraceback (most recent call last):\n  File \"y\"\nAuthForbidden: no";
        assert_eq!(
            traceback_summary(tb),
            "Traceback (9 lines): HTTPError: 401 | AuthForbidden: no"
        );
    }

    /// See: issue 15. A non-ASCII byte right after a GUID-shaped text panicked the run.
    #[test]
    fn guid_shapes_next_to_multibyte_chars_do_not_panic() {
        for text in [
            "Trace ID: 1a2b3c4d-0000-4111-8222-33334444555é",
            "Trace ID: é1a2b3c4d-0000-4111-8222-333344445555",
            "Trace ID: 1a2b3c4d-0000-4111-8222-3333444455é5 x",
            "éééééééé-éééé-éééé-éééé-éééééééééééé",
            "Correlation ID: 1a2b3c4d-0000-4111-8222-333344445555€",
        ] {
            let _ = entra_ids(text);
        }
        let ids = entra_ids("Trace ID: 1a2b3c4d-0000-4111-8222-333344445555 é");
        assert_eq!(ids.len(), 1);
    }

    #[test]
    fn sanitize_escapes_terminal_controls() {
        let sanitize = crate::redact::sanitize;
        assert_eq!(sanitize("a\x1b[31mb\u{202e}c"), "a\\u{1b}[31mb\\u{202e}c");
        let shown = |t: &str| Masking::default().show(t);
        assert_eq!(shown(&"é".repeat(10)).window(5), "éé… [16 more bytes]");
        let long = format!("{}AADSTS50011 here{}", "x".repeat(5000), "y".repeat(5000));
        let w = shown(&long).window_at(5000, 100);
        assert!(w.starts_with("[4975 bytes before] …"), "{w}");
        assert!(w.contains("AADSTS50011 here"), "{w}");
    }

    /// Evidence is masked only when kept or printed: with match records off, `on_match` is
    /// never called and the findings are those of a run with them on; with them on, every
    /// matched event gets a record, masked, its captures too.
    #[test]
    fn evidence_is_masked_when_kept_or_printed() {
        let compiled = crate::app::build_catalog(&[]).expect("catalog");
        let secret = "Zq8~Kp2Lm9Nx4Rt7Vw1Yb3Dc6Fg0Hj5Ks8Lq2Mw";
        let mut text = String::new();
        for i in 0..12 {
            text.push_str(&format!(
                "2026-11-20 09:14:{i:02} ERROR AADSTS7000215: Invalid client secret provided. client_secret={secret}{i} redirect_uri=https://netbox.example.com/oauth/complete/azuread-oauth2/\n"
            ));
        }
        let run = |records: bool| {
            let mut framer = crate::parse::Framer::with_scanner(compiled.scanner());
            let mut analyzer = Analyzer::new(&compiled, "app.log".into(), false);
            analyzer.set_match_records(records);
            let mut printed = Vec::new();
            let mut on_match = |r: &MatchRecord<'_>| {
                printed.push(serde_json::to_string(r).expect("record serialises"));
            };
            framer.feed(text.as_bytes(), &mut |frame| {
                analyzer.event(frame, &mut on_match)
            });
            framer.finish(&mut |frame| analyzer.event(frame, &mut on_match));
            analyzer.finish(framer.last_line(), &mut on_match);
            let findings = serde_json::to_string(&analyzer.collected.findings(&compiled))
                .expect("findings serialise");
            (findings, printed)
        };
        let (quiet, none) = run(false);
        let (loud, records) = run(true);
        assert!(none.is_empty());
        assert_eq!(quiet, loud);
        assert_eq!(records.len(), 12);
        assert!(quiet.contains("AADSTS7000215"), "{quiet}");
        for out in records.iter().chain([&quiet]) {
            assert!(!out.contains("Zq8~Kp2"), "{out}");
        }
    }
}
