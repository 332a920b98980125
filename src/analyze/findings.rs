//! What is gathered per finding while reading ([`FindingTally`], [`Collected`]), and the report's
//! findings made from it: evidence masked when kept, sources and diagnoses masked once.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};

use crate::catalog::compile::Compiled;
use crate::catalog::{self, Detector, FlowCondition, Severity, Symptom};
use crate::correlate::{Flow, Orphan, Outcome, Released, Step};
use crate::parse::timestamp::rfc3339;
use crate::parse::{FrameStats, timestamp};
use crate::redact::{Masking, Shown};
use crate::report::build::MAX_EVIDENCE_SAMPLES;
use crate::report::timeline::{self, Change, ChangeEvidence, ChangeKind, FailureTimes};
use crate::report::verdict::push_incident;
use crate::report::{EntraAttempt, EntraIds, Evidence, Finding, Incident};

use super::{
    MAX_ERRORS_SEEN, MAX_EVIDENCE_TEXT, MAX_IDS, MAX_SOURCES, MAX_UNKNOWN_CODES,
    OTHER_UNKNOWN_CODES, UNKNOWN_AADSTS,
};

/// Which finding an event adds to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingKey {
    /// A catalog rule, by index.
    Rule(usize),
    /// An AADSTS code no rule knows.
    UnknownCode(u32),
}

/// A finding under construction.
#[derive(Debug, Clone, Default)]
pub struct FindingTally {
    pub(super) count: u64,
    pub(super) first: Option<DateTime<Utc>>,
    pub(super) last: Option<DateTime<Utc>>,
    /// Whether an event of the finding had a log time: Entra's own timestamps then give
    /// none of its times (they only fill in for events with no time of their own).
    pub(super) log_timed: bool,
    /// Inputs and pods, as read (masked when the finding is made).
    pub(super) sources: BTreeSet<String>,
    pub(super) evidence: Vec<Evidence>,
    /// What the refiners said, as written (masked when the finding is made).
    pub(super) diagnosis: BTreeSet<String>,
    pub(super) codes_seen: BTreeSet<String>,
    /// Error identifiers the events printed, as read (masked when the finding is made).
    pub(super) errors_seen: BTreeSet<String>,
    pub(super) trace_ids: BTreeSet<String>,
    pub(super) correlation_ids: BTreeSet<String>,
    pub(super) timestamps: BTreeSet<String>,
    /// Where and when its events happened (the first ones), for folding.
    pub(super) incidents: Vec<Incident>,
    /// Entra attempts: (time, trace id, correlation id) of each event that named one.
    pub(super) attempts: BTreeSet<EntraRow>,
    /// All attempts, past the kept ones too.
    pub(super) attempts_total: u64,
    /// Events by hour (see [`crate::report::timeline::hour_of`]).
    pub(super) hours: BTreeMap<i64, u64>,
    /// The last time on each pod (at most [`MAX_SOURCES`] pods).
    pub(super) pod_last: BTreeMap<String, DateTime<Utc>>,
}

impl FindingTally {
    /// Counts one event at `time` on `pod` in the timeline's figures.
    pub(super) fn in_time(&mut self, time: Option<DateTime<Utc>>, pod: Option<&str>) {
        let Some(t) = time else {
            return;
        };
        *self
            .hours
            .entry(crate::report::timeline::hour_of(t))
            .or_default() += 1;
        if let Some(pod) = pod {
            note_last(&mut self.pod_last, pod, t);
        }
    }
}

/// Keeps `t` as `pod`'s last time in `map` (at most [`MAX_SOURCES`] pods).
fn note_last(map: &mut BTreeMap<String, DateTime<Utc>>, pod: &str, t: DateTime<Utc>) {
    if let Some(last) = map.get_mut(pod) {
        *last = (*last).max(t);
    } else if map.len() < MAX_SOURCES {
        map.insert(pod.to_string(), t);
    }
}

/// One attempt's time, trace id and correlation id, as read.
pub(super) type EntraRow = (Option<DateTime<Utc>>, Option<String>, Option<String>);

pub(super) fn push_capped<T: Ord>(set: &mut BTreeSet<T>, value: T) {
    if set.len() < MAX_IDS {
        set.insert(value);
    }
}

impl FindingTally {
    pub(super) fn merge(&mut self, other: FindingTally) {
        self.count += other.count;
        for i in other.incidents {
            push_incident(&mut self.incidents, i);
        }
        self.first = min_opt(self.first, other.first);
        self.last = self.last.max(other.last);
        self.log_timed |= other.log_timed;
        for (h, n) in other.hours {
            *self.hours.entry(h).or_default() += n;
        }
        for (pod, t) in other.pod_last {
            note_last(&mut self.pod_last, &pod, t);
        }
        self.sources.extend(other.sources);
        for e in other.evidence {
            if self.evidence.len() < MAX_EVIDENCE_SAMPLES {
                self.evidence.push(e);
            }
        }
        for d in other.diagnosis {
            push_capped(&mut self.diagnosis, d);
        }
        self.codes_seen.extend(other.codes_seen);
        for e in other.errors_seen {
            if self.errors_seen.len() < MAX_ERRORS_SEEN {
                self.errors_seen.insert(e);
            }
        }
        for v in other.trace_ids {
            push_capped(&mut self.trace_ids, v);
        }
        for v in other.correlation_ids {
            push_capped(&mut self.correlation_ids, v);
        }
        for v in other.timestamps {
            push_capped(&mut self.timestamps, v);
        }
        self.attempts_total += other.attempts_total;
        for v in other.attempts {
            push_capped(&mut self.attempts, v);
        }
    }
}

pub(super) fn min_opt(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Counts and findings of one or more inputs.
#[derive(Debug, Clone, Default)]
pub struct Collected {
    /// Findings under construction, by the finding each event adds to (the report's
    /// findings are made of them by [`Collected::findings`]).
    pub tallies: HashMap<FindingKey, FindingTally>,
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
    /// Events left out by `--since`, `--until`, `--pod`, `--exclude-pod`.
    pub filtered_events: u64,
    /// Findings made outside the catalog (HAR captures, tokens: see [`crate::har`]), already
    /// masked; listed with the catalog's findings.
    pub extra: Vec<Finding>,
    /// The pods' first and last events and start lines, for the changes.
    pub lifecycle: super::lifecycle::Lifecycle,
}

impl Collected {
    /// The logins that worked, by time, each with its pod: those released while reading and
    /// the held flows' (after [`Collected::settle_flows`]).
    pub fn successes(&self) -> Vec<(DateTime<Utc>, Option<String>)> {
        let mut all = self.released.successes.clone();
        all.extend(
            self.flows
                .iter()
                .filter(|f| f.outcome == Outcome::Succeeded)
                .filter_map(|f| Some((f.callback_time()?, f.pod().map(str::to_string)))),
        );
        all.sort();
        all
    }

    /// The pod lifecycle changes of all inputs, as the report shows them (names masked).
    pub fn changes(&self) -> Vec<Change> {
        let masking = self.masking;
        let show = |names: &[String]| -> Vec<Shown> {
            names.iter().map(|n| masking.show_line(n)).collect()
        };
        self.lifecycle
            .changes()
            .into_iter()
            .map(|c| Change {
                at: c.at.map(rfc3339),
                time: c.at,
                kind: match c.kind {
                    super::changes::ChangeKind::Rollout => ChangeKind::Rollout,
                    super::changes::ChangeKind::Restart => ChangeKind::Restart,
                    super::changes::ChangeKind::Start => ChangeKind::Start,
                },
                pods_before: show(&c.pods_before),
                pods_after: show(&c.pods_after),
                pods_still_old: show(&c.pods_still_old),
                evidence: c
                    .evidence
                    .iter()
                    .map(|e| ChangeEvidence {
                        source: masking.show_line(&e.source),
                        line: e.line,
                        pod: e.pod.as_deref().map(|p| masking.show_line(p)),
                    })
                    .collect(),
                raw_pods: [c.pods_before, c.pods_after, c.pods_still_old],
            })
            .collect()
    }

    /// Adds `other` (a later input) to `self`.
    pub fn merge(&mut self, other: Collected) {
        let mut keys: Vec<FindingKey> = other.tallies.keys().copied().collect();
        keys.sort();
        let mut other_tallies = other.tallies;
        for key in keys {
            let tally = other_tallies.remove(&key).expect("key listed from the map");
            self.tallies.entry(key).or_default().merge(tally);
        }
        self.matched_events += other.matched_events;
        self.matched_lines += other.matched_lines;
        self.json_lines_broken += other.json_lines_broken;
        self.filtered_events += other.filtered_events;
        self.frames.merge(&other.frames);
        self.flows.extend(other.flows);
        self.orphans.extend(other.orphans);
        self.released.add(other.released);
        self.lifecycle.merge(other.lifecycle);
        // A part that could not be read is a default `Collected`: it must not turn masking
        // down. Whatever is merged, the report masks as the run asks (see `finish_report`).
        self.masking.users |= other.masking.users;
        crate::report::build::merge_findings(&mut self.extra, other.extra);
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
        mark_bounced_alone(&mut flows, &self.released.successes);
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
            .any(|(c, _)| *c == FlowCondition::RedirectLoop);
        if let (false, false, Outcome::Failed, Some(callback)) =
            (shared_sessions, looped, flow.outcome, flow.switched_pods())
            && flow.rules.iter().all(session_rule)
        {
            // First, so that a bounce to the login page counts as explained.
            let callback = callback.clone();
            flow.conditions
                .insert(0, (FlowCondition::PodSwitch, callback));
        }
        let conditions = flow.conditions.clone();
        for (condition, step) in conditions {
            // A bounce to the login page is the finding only when nothing else explains it.
            if condition == FlowCondition::BouncedToLogin && !flow.rules.is_empty() {
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
            if !flow.rules.contains(&rule_id) {
                flow.rules.push(rule_id);
            }
            self.flow_evidence(r, flow, &step, condition);
        }
    }

    /// Counts a flow-level finding of rule `r`, with the flow's `step` that shows it as
    /// evidence.
    pub(super) fn flow_evidence(
        &mut self,
        r: usize,
        flow: &Flow,
        step: &Step,
        condition: FlowCondition,
    ) {
        let time = step
            .time
            .as_deref()
            .and_then(|t| timestamp::parse_value(t.as_bytes()));
        let mut text = String::new();
        if condition == FlowCondition::PodSwitch
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
        let shown = masking.show(&text).window(MAX_EVIDENCE_TEXT);
        let source = masking.show_line(&step.source);
        let tally = self.tallies.entry(FindingKey::Rule(r)).or_default();
        tally.count += 1;
        tally.in_time(time, step.pod.as_deref());
        let place = match (&step.pod, &step.container) {
            (Some(p), Some(c)) => format!("pod/{p}/{c}"),
            (Some(p), None) => format!("pod/{p}"),
            _ => step.source.clone(),
        };
        push_incident(&mut tally.incidents, Incident::new(&place, step.line, time));
        tally.first = min_opt(tally.first, time);
        tally.last = tally.last.max(time);
        tally.sources.insert(match (&step.pod, &step.container) {
            (Some(p), Some(c)) => format!("pod/{p}/{c}"),
            (Some(p), None) => format!("pod/{p}"),
            _ => step.source.clone(),
        });
        if tally.evidence.len() < MAX_EVIDENCE_SAMPLES {
            tally.evidence.push(Evidence {
                source,
                line: step.line,
                lines: 1,
                pod: step.pod.as_deref().map(|p| masking.show_line(p)),
                container: step.container.as_deref().map(|c| masking.show_line(c)),
                time: time.map(rfc3339),
                text: shown,
                decoded: None,
                captures: BTreeMap::new(),
                context_before: Vec::new(),
                context_after: Vec::new(),
            });
        }
    }

    /// Turns the accumulated findings into report findings, most severe first, then by first
    /// time seen, then rule id.
    pub fn findings(&self, compiled: &Compiled) -> Vec<Finding> {
        self.findings_in_time(compiled, &self.changes(), &self.successes())
    }

    /// [`Collected::findings`] with each finding's timeline reckoned against `changes`
    /// (from [`Collected::changes`]) and `successes` (from [`Collected::successes`]).
    pub fn findings_in_time(
        &self,
        compiled: &Compiled,
        changes: &[Change],
        successes: &[(DateTime<Utc>, Option<String>)],
    ) -> Vec<Finding> {
        let failing = self.tallies.iter().filter(|(key, _)| match key {
            FindingKey::Rule(r) => compiled.rules[*r].rule.severity >= Severity::Warning,
            FindingKey::UnknownCode(_) => true,
        });
        let span = (
            failing.clone().filter_map(|(_, t)| t.first).min(),
            failing.filter_map(|(_, t)| t.last).max(),
        );
        let masking = self.masking;
        let show = |pod: &str| masking.show_line(pod);
        let mut out: Vec<Finding> = self
            .tallies
            .iter()
            .map(|(key, tally)| {
                let mut f = finding(compiled, *key, tally, &self.masking);
                let times = FailureTimes {
                    first: tally.first,
                    last: tally.last,
                    pod_last: tally.pod_last.clone(),
                };
                f.timeline = if f.symptom == Symptom::SignedInNoPermissions {
                    // Sign-in works: no "worked until, failing since" for it.
                    timeline::FindingTimeline {
                        first_failure: times.first.map(rfc3339),
                        last_failure: times.last.map(rfc3339),
                        ..Default::default()
                    }
                } else {
                    timeline::reckon(&times, successes, span, changes, &show)
                };
                f
            })
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

pub(super) fn finding(
    compiled: &Compiled,
    key: FindingKey,
    tally: &FindingTally,
    masking: &Masking,
) -> Finding {
    let shown = |set: &BTreeSet<String>| set.iter().map(|v| masking.show(v)).collect();
    // Entra writes `2026-11-21 14:02:11Z`; the report writes every time one way.
    let normal = |t: &String| {
        timestamp::parse_value(t.as_bytes())
            .map_or_else(|| masking.show(t), |t| Shown::ours(rfc3339(t)))
    };
    let entra = EntraIds {
        trace_ids: shown(&tally.trace_ids),
        correlation_ids: shown(&tally.correlation_ids),
        timestamps: tally.timestamps.iter().map(normal).collect(),
        attempts: tally
            .attempts
            .iter()
            .map(|(time, trace, correlation)| EntraAttempt {
                time: time.map(rfc3339),
                trace_id: trace.as_deref().map(|v| masking.show(v)),
                correlation_id: correlation.as_deref().map(|v| masking.show(v)),
            })
            .collect(),
        attempts_total: tally.attempts_total,
    };
    let ours = |list: &[String]| list.iter().map(Shown::ours).collect::<Vec<_>>();
    // Codes seen are the catalog's codes and AADSTS numbers the matcher parsed.
    let codes_seen: Vec<Shown> = tally.codes_seen.iter().map(Shown::ours).collect();
    // Error identifiers, masked as all input text; a code listed in `codes_seen` is not
    // listed twice, and one the masker touched is no identifier.
    let errors_seen: Vec<Shown> = tally
        .errors_seen
        .iter()
        .filter(|e| !tally.codes_seen.contains(*e))
        .map(|e| masking.show_line(e))
        .filter(|e| crate::redact::unnumbered_mask(e).is_none())
        .collect();
    let codes_inferred = |codes: &[String]| -> Vec<Shown> {
        let aadsts = codes.iter().filter(|c| catalog::parse_aadsts(c).is_some());
        if aadsts.clone().any(|c| tally.codes_seen.contains(c)) {
            return Vec::new();
        }
        aadsts.map(Shown::ours).collect()
    };
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
        codes_inferred: Vec::new(),
        errors_seen: errors_seen.clone(),
        count: tally.count,
        first_seen: tally.first.map(rfc3339),
        last_seen: tally.last.map(rfc3339),
        sources: tally
            .sources
            .iter()
            .map(|s| masking.show_line(s))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
        meaning: Shown::ours(meaning),
        likely_causes: ours(&causes),
        diagnosis: tally
            .diagnosis
            .iter()
            .map(|d| masking.show(d))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
        entra: entra.clone(),
        evidence: tally.evidence.clone(),
        resolution: ours(&resolution),
        references: ours(&references),
        flows: Vec::new(),
        also_seen_as: Vec::new(),
        folded_into: None,
        incidents: tally.incidents.clone(),
        timeline: Default::default(),
        hours: tally.hours.iter().map(|(h, n)| (*h, *n)).collect(),
    };
    match key {
        FindingKey::Rule(r) => {
            let rule = &compiled.rules[r].rule;
            let mut finding = base(
                rule.id.clone(),
                rule.symptom,
                rule.title.clone(),
                rule.severity,
                rule.codes.clone(),
                rule.meaning.clone(),
                rule.causes.clone(),
                rule.resolution.clone(),
                rule.references.clone(),
            );
            if rule.detector() == Detector::Log {
                finding.codes_inferred = codes_inferred(&rule.codes);
            }
            finding
        }
        FindingKey::UnknownCode(OTHER_UNKNOWN_CODES) => base(
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
        FindingKey::UnknownCode(code) => base(
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

/// How far apart in time another user's login must be to show that the set-up works while
/// one user is bounced (see [`mark_bounced_alone`]).
pub const ALONE_WINDOW_HOURS: i64 = 12;

/// A login bounced to the login page with no error, while another client's login worked
/// within [`ALONE_WINDOW_HOURS`] and no other client was bounced in that time, points at
/// the user's NetBox account (inactive), not the set-up everyone shares: its
/// `bounced-to-login` becomes `bounced-alone`. `released` are the times of the logins that
/// worked and were released while reading (their clients are not kept; they count as
/// another user's, or the same user's earlier success, which shows the same).
fn mark_bounced_alone(flows: &mut [Flow], released: &[(DateTime<Utc>, Option<String>)]) {
    let window = chrono::Duration::hours(ALONE_WINDOW_HOURS);
    let bounced = |f: &Flow| {
        f.rules.is_empty()
            && f.conditions
                .iter()
                .any(|(c, _)| *c == FlowCondition::BouncedToLogin)
    };
    let near = |a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>| match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= window,
        _ => false,
    };
    let alone: Vec<usize> = (0..flows.len())
        .filter(|&i| bounced(&flows[i]))
        .filter(|&i| {
            let me = &flows[i];
            let t = me.callback_time();
            // The same browser signed in afterwards: whatever it was, it passed.
            let later_ok = flows.iter().any(|f| {
                f.client == me.client
                    && f.outcome == Outcome::Succeeded
                    && matches!((f.callback_time(), t), (Some(a), Some(b)) if a > b)
            });
            if later_ok {
                return false;
            }
            let others = flows.iter().filter(|f| f.client != me.client);
            let mut ok = released.iter().any(|(r, _)| near(Some(*r), t));
            for f in others {
                if near(f.callback_time(), t) {
                    if bounced(f) {
                        return false;
                    }
                    ok |= f.outcome == Outcome::Succeeded;
                }
            }
            ok
        })
        .collect();
    for i in alone {
        for (c, _) in &mut flows[i].conditions {
            if *c == FlowCondition::BouncedToLogin {
                *c = FlowCondition::BouncedAlone;
            }
        }
    }
}
