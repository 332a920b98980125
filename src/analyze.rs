//! Folds framed events into findings: runs the matcher on each candidate event, reads its
//! time, captures, Entra ids and refined causes, masks secrets, and keeps a bounded sample of
//! evidence. One [`Analyzer`] per input; [`Collected::merge`] joins them in input order so
//! the report never depends on thread timing.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::LazyLock;

use chrono::{DateTime, SecondsFormat, Utc};
use regex::Regex;

use crate::catalog::compile::Compiled;
use crate::catalog::{Refine, Severity, Symptom};
use crate::matcher::Fired;
use crate::parse::jsonl::{self, Decoded};
use crate::parse::{Frame, FrameStats, decode, timestamp};
use crate::redact::redact;
use crate::refine;
use crate::report::{EntraIds, Evidence, Finding};

/// Evidence items kept per finding.
pub const MAX_EVIDENCE: usize = 5;
/// Entra ids kept per finding and kind.
pub const MAX_IDS: usize = 20;
/// Evidence text longer than this is cut to a window around the match.
pub const MAX_TEXT: usize = 2000;

/// Rule id of the finding made for an AADSTS code that no rule knows.
pub const UNKNOWN_AADSTS: &str = "unknown-aadsts-code";

static ENTRA_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)\b(trace|correlation|request)(?:[ _+]|%20)?id["']?\s*(?::|=|%3a)\+?\s*["']?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"#,
    )
    .expect("fixed regex")
});
static ENTRA_TIME: LazyLock<Regex> = LazyLock::new(|| {
    // Entra writes `Timestamp: 2026-11-21 14:02:11Z` in error text (a `T` on the browser
    // page) and `"timestamp":"2026-11-21 14:02:11Z"` in JSON bodies. Log records' own
    // lowercase `timestamp` fields carry fractions or offsets, so they are not taken.
    Regex::new(r#"(?:\bTimestamp(?::|%3a|%3A)\+?\s*|"timestamp"\s*:\s*")([0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ]|\+|%20)[0-9]{2}(?::|%3a|%3A)[0-9]{2}(?::|%3a|%3A)[0-9]{2}Z)"#)
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
    sources: BTreeSet<String>,
    evidence: Vec<Evidence>,
    diagnosis: BTreeSet<String>,
    codes_seen: BTreeSet<u32>,
    trace_ids: BTreeSet<String>,
    correlation_ids: BTreeSet<String>,
    timestamps: BTreeSet<String>,
}

fn push_capped(set: &mut BTreeSet<String>, value: String) {
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
        self.diagnosis.extend(other.diagnosis);
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
    }

    /// Turns the accumulated findings into report findings, most severe first, then by first
    /// time seen, then rule id.
    pub fn findings(&self, compiled: &Compiled) -> Vec<Finding> {
        let mut out: Vec<Finding> = self
            .findings
            .iter()
            .map(|(key, acc)| finding(compiled, *key, acc))
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

fn finding(compiled: &Compiled, key: Key, acc: &Acc) -> Finding {
    let entra = EntraIds {
        trace_ids: acc.trace_ids.iter().cloned().collect(),
        correlation_ids: acc.correlation_ids.iter().cloned().collect(),
        timestamps: acc.timestamps.iter().cloned().collect(),
    };
    let codes_seen: Vec<String> = acc
        .codes_seen
        .iter()
        .map(|c| format!("AADSTS{c}"))
        .collect();
    let base = |rule: String,
                symptom,
                title: String,
                severity,
                codes,
                meaning: String,
                causes,
                resolution,
                references| Finding {
        rule,
        symptom,
        title,
        severity,
        codes,
        codes_seen: codes_seen.clone(),
        count: acc.count,
        first_seen: acc.first.map(rfc3339),
        last_seen: acc.last.map(rfc3339),
        sources: acc.sources.iter().cloned().collect(),
        meaning,
        likely_causes: causes,
        diagnosis: acc.diagnosis.iter().cloned().collect(),
        entra: entra.clone(),
        evidence: acc.evidence.clone(),
        resolution,
        references,
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
    /// Always `"match"`.
    #[serde(rename = "type")]
    pub kind: &'static str,
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

/// Analyses the events of one input.
pub struct Analyzer<'c> {
    compiled: &'c Compiled,
    source: String,
    fired: Vec<Fired>,
    reveal: bool,
    loose: Vec<LooseIds>,
    last: Option<LastFired>,
    /// What has been collected so far.
    pub collected: Collected,
}

impl<'c> Analyzer<'c> {
    /// An analyzer for the input called `source`. `reveal` turns redaction off.
    pub fn new(compiled: &'c Compiled, source: String, reveal: bool) -> Self {
        Analyzer {
            compiled,
            source,
            fired: Vec::new(),
            reveal,
            loose: Vec::new(),
            last: None,
            collected: Collected::default(),
        }
    }

    fn mask<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        if self.reveal {
            std::borrow::Cow::Borrowed(text)
        } else {
            redact(text)
        }
    }

    /// Matches one framed event; calls `on_match` with the record when a rule fired.
    pub fn event(&mut self, frame: &Frame<'_>, on_match: &mut dyn FnMut(&MatchRecord<'_>)) {
        let compiled = self.compiled;
        self.fired.clear();
        compiled.fire(frame.body, &mut self.fired);
        let decoded = if frame.body.first() == Some(&b'{')
            || frame.body.trim_ascii_start().first() == Some(&b'{')
        {
            jsonl::decode(frame.body)
        } else {
            None
        };
        let json = match &decoded {
            Some(Decoded::Object(line)) => Some(line),
            _ => None,
        };
        let message = json.and_then(|j| j.message.as_deref());
        if let Some(msg) = message {
            compiled.fire(msg.as_bytes(), &mut self.fired);
        }
        // Shapes: URL-encoded, JSON-escaped or HTML text is matched once more, decoded.
        let raw = String::from_utf8_lossy(frame.body);
        let view = decode::view(message.unwrap_or(&raw));
        if let Some(v) = &view {
            compiled.fire(v.as_bytes(), &mut self.fired);
        }
        dedup_fired(&mut self.fired);
        compiled.apply_fallback(&mut self.fired);
        if self.fired.is_empty() {
            self.loose_ids(frame);
            return;
        }
        if matches!(decoded, Some(Decoded::Broken)) {
            self.collected.json_lines_broken += 1;
        }
        self.collected.matched_events += 1;
        self.collected.matched_lines += frame.lines;

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
                s.push_str(line.message.as_deref().unwrap_or(&raw));
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
        let full_text = match (message, &view) {
            (_, Some(v)) => format!("{raw}\n{v}"),
            (Some(msg), None) => format!("{raw}\n{msg}"),
            (None, None) => raw.to_string(),
        };
        let ids = entra_ids(&full_text);
        let pod = frame.pod.map(|p| String::from_utf8_lossy(p).into_owned());
        let container = frame
            .container
            .map(|c| String::from_utf8_lossy(c).into_owned());
        let source_key = match (&pod, &container) {
            (Some(p), Some(c)) => format!("pod/{p}/{c}"),
            (Some(p), None) => format!("pod/{p}"),
            _ => self.source.clone(),
        };
        let masked = self.mask(&shown).into_owned();
        let text = window(&masked, MAX_TEXT);
        let decoded_text = view
            .as_deref()
            .filter(|_| json.is_none() && !frame.traceback)
            .map(|v| window(&self.mask(v), MAX_TEXT));

        let fired = std::mem::take(&mut self.fired);
        let mut rules = Vec::new();
        let mut symptoms = Vec::new();
        let mut first_evidence: Option<Evidence> = None;
        for f in &fired {
            let key = match f.rule {
                Some(r) => Key::Rule(r),
                None => Key::UnknownCode(f.code.unwrap_or_default()),
            };
            let mut captures = BTreeMap::new();
            let mut diagnosis = Vec::new();
            if let Some(r) = f.rule {
                let mut caps = compiled.captures(r, frame.body);
                for text in [message, view.as_deref()].into_iter().flatten() {
                    if caps.is_empty() {
                        caps = compiled.captures(r, text.as_bytes());
                    }
                }
                let rule = &compiled.rules[r].rule;
                for (name, value) in &caps {
                    match (rule.refine, name.as_str()) {
                        (Some(Refine::RedirectUri), "redirect_uri") => {
                            diagnosis.extend(refine::redirect_uri(&decode::url(value)))
                        }
                        (Some(Refine::ClientId), "client_id") => {
                            diagnosis.extend(refine::client_id(value))
                        }
                        _ => {}
                    }
                }
                for (name, value) in caps {
                    captures.insert(name, self.mask(&value).into_owned());
                }
                rules.push(rule.id.as_str());
                symptoms.push(rule.symptom);
            } else {
                rules.push(UNKNOWN_AADSTS);
                symptoms.push(Symptom::Unknown);
            }
            let evidence = Evidence {
                source: self.source.clone(),
                line: frame.line,
                lines: frame.lines,
                pod: pod.clone(),
                container: container.clone(),
                time: time.map(rfc3339),
                text: text.clone(),
                decoded: decoded_text.clone(),
                captures,
            };
            let acc = self.collected.findings.entry(key).or_default();
            acc.count += 1;
            acc.first = min_opt(acc.first, time);
            acc.last = acc.last.max(time);
            acc.sources.insert(source_key.clone());
            if let Some(code) = f.code {
                acc.codes_seen.insert(code);
            }
            acc.diagnosis.extend(diagnosis);
            for (kind, value) in &ids {
                let set = match *kind {
                    IdKind::Trace => &mut acc.trace_ids,
                    IdKind::Correlation => &mut acc.correlation_ids,
                    IdKind::Timestamp => &mut acc.timestamps,
                };
                push_capped(set, value.clone());
            }
            if first_evidence.is_none() {
                first_evidence = Some(evidence.clone());
            }
            if acc.evidence.len() < MAX_EVIDENCE {
                acc.evidence.push(evidence);
            }
        }
        let keys: Vec<Key> = fired
            .iter()
            .map(|f| {
                f.rule
                    .map_or(Key::UnknownCode(f.code.unwrap_or_default()), Key::Rule)
            })
            .collect();
        let line = frame.line;
        let waiting: Vec<LooseIds> = std::mem::take(&mut self.loose);
        for loose in waiting {
            if loose.pod == pod && line.saturating_sub(loose.line) <= ID_CONTEXT_LINES {
                self.attach(&keys, &loose.ids);
            }
        }
        self.last = Some(LastFired {
            line: frame.line + frame.lines - 1,
            pod: pod.clone(),
            keys,
        });
        if let Some(evidence) = &first_evidence {
            on_match(&MatchRecord {
                kind: "match",
                rules,
                symptoms,
                evidence,
            });
        }
        self.fired = fired;
    }
}

impl Analyzer<'_> {
    /// A line that fired nothing may still carry Entra ids for a finding next to it.
    fn loose_ids(&mut self, frame: &Frame<'_>) {
        let text = String::from_utf8_lossy(frame.body);
        let ids = entra_ids(&text);
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

#[derive(Debug, Clone, Copy)]
enum IdKind {
    Trace,
    Correlation,
    Timestamp,
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
    for caps in ENTRA_ID.captures_iter(text) {
        let kind = if caps[1].eq_ignore_ascii_case("correlation") {
            IdKind::Correlation
        } else {
            IdKind::Trace
        };
        out.push((kind, caps[2].to_ascii_lowercase()));
    }
    for caps in ENTRA_TIME.captures_iter(text) {
        out.push((IdKind::Timestamp, caps[1].to_string()));
    }
    out
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

/// `text` cut to about `max` bytes around its middle part when longer, on char boundaries.
fn window(text: &str, max: usize) -> String {
    if text.len() <= max {
        return sanitize(text);
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}… [{} more bytes]",
        sanitize(&text[..end]),
        text.len() - end
    )
}

/// Control characters (other than tab) and bidi overrides shown as escapes, so log text
/// cannot move the cursor or reorder a terminal line.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' | '\n' => out.push(c),
            c if c.is_control() => out.extend(c.escape_default()),
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' => {
                out.extend(c.escape_unicode())
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn traceback_summary_keeps_exception_lines() {
        let tb = "Traceback (most recent call last):\n  File \"x\"\nHTTPError: 401\n\nThe above exception was the direct cause of the following exception:\n\nTraceback (most recent call last):\n  File \"y\"\nAuthForbidden: no";
        assert_eq!(
            traceback_summary(tb),
            "Traceback (9 lines): HTTPError: 401 | AuthForbidden: no"
        );
    }

    #[test]
    fn sanitize_escapes_terminal_controls() {
        assert_eq!(sanitize("a\x1b[31mb\u{202e}c"), "a\\u{1b}[31mb\\u{202e}c");
        assert_eq!(window(&"é".repeat(10), 5), "éé… [16 more bytes]");
    }
}
