//! The verdict: findings that explain the same events or login flows are folded into one
//! root cause, the root causes are ranked, and the first of them is the most likely cause,
//! which every format opens with.
//!
//! A finding B folds under a finding A ranked above it when every event of B happened where
//! one of A's did: in a login flow of A, or in the same input or pod within
//! [`SAME_REQUEST_SECS`] (by line distance, [`SAME_REQUEST_LINES`], when either has no time).
//! A flow finding (a login that never came back) also folds under an error of another input
//! seen within [`FLOW_CROSS_SOURCE_SECS`] (the browser's error page explains it). A finding
//! with events of its own stays a root cause of its own, and so does one that names its own
//! reason (an AADSTS code Entra stated, a diagnosis read from its evidence) unless it is
//! the very same event or login: two stated reasons are two causes, however close in time.
//!
//! Rank: severity, then whether it still fails (one that stopped after a rollout or restart,
//! or after which logins worked, comes after one that did not), then how specific the
//! evidence is ([`specificity`]), then how often it
//! was seen, then how recently, then the rule id (a fixed order). Two corrections look at
//! the other findings (`rank`): a wrapper code (AADSTS70002) gives way to the inner code
//! on the same event, and a narrower symptom (https-required within
//! redirect-uri-mismatch) outranks the broader one on the same event.

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::hash::{DefaultHasher, Hash, Hasher};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Finding, Report};
use crate::catalog::compile::Compiled;
use crate::catalog::{Detector, FlowCondition, RuleLookup, Severity, Symptom};
use crate::correlate::Outcome;
use crate::redact::Shown;

/// Events of two findings within this many seconds in one input or pod are one request.
pub const SAME_REQUEST_SECS: i64 = 2;

/// Without times, events of two findings within this many lines in one input are one
/// request (an error line and the traceback logged after it).
pub const SAME_REQUEST_LINES: u64 = 40;

/// A login flow that never came back is explained by an error of another input (the
/// browser's page, an ingress log) within this many seconds.
pub const FLOW_CROSS_SOURCE_SECS: i64 = 10;

/// Most incidents a finding keeps for folding (the first ones).
pub const MAX_INCIDENTS: usize = 256;

/// Where and when one event of a finding happened: what folding compares. The place is a
/// hash of the input or pod, so no input text rides along.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Incident {
    /// Hash of the input name or `pod/NAME/CONTAINER`.
    pub place: u64,
    /// Line of the event in its input.
    pub line: u64,
    /// The event's time (the log's, or Entra's timestamp in its text).
    pub time: Option<DateTime<Utc>>,
}

impl Incident {
    /// The incident of an event at `line` of `place` (an input name or pod key).
    pub fn new(place: &str, line: u64, time: Option<DateTime<Utc>>) -> Incident {
        let mut h = DefaultHasher::new();
        place.hash(&mut h);
        Incident {
            place: h.finish(),
            line,
            time,
        }
    }

    /// True when `self` and `other` are one request: the same place and close in time (or
    /// in lines, when a time is missing); or, with `cross_source`, any place within
    /// [`FLOW_CROSS_SOURCE_SECS`].
    fn near(&self, other: &Incident, cross_source: bool) -> bool {
        let secs = match (self.time, other.time) {
            (Some(a), Some(b)) => Some((a - b).num_milliseconds().abs()),
            _ => None,
        };
        if self.place == other.place {
            return match secs {
                Some(ms) => ms <= SAME_REQUEST_SECS * 1000,
                None => self.line.abs_diff(other.line) <= SAME_REQUEST_LINES,
            };
        }
        cross_source && secs.is_some_and(|ms| ms <= FLOW_CROSS_SOURCE_SECS * 1000)
    }
}

/// Adds `incident` to `list` while it has room.
pub fn push_incident(list: &mut Vec<Incident>, incident: Incident) {
    if list.len() < MAX_INCIDENTS {
        list.push(incident);
    }
}

/// The most likely cause and the other root causes, as every format opens with them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Verdict {
    /// Index in `findings` of the most likely cause (findings are sorted by rank, so 0).
    pub finding: usize,
    /// Its rule id.
    pub rule: String,
    /// Its symptom.
    pub symptom: Symptom,
    /// Its title.
    pub title: Shown,
    /// Its severity.
    pub severity: Severity,
    /// Failed or abandoned login flows it explains (its own and those of the findings
    /// folded under it); `None` when the logs showed no login flow for it.
    pub failed_logins: Option<u64>,
    /// Matching events.
    pub count: u64,
    /// First time seen (RFC 3339, UTC).
    pub since: Option<String>,
    /// Last time seen.
    pub last_seen: Option<String>,
    /// Pods or inputs it was seen in (at most three; `sources` of the finding has all).
    pub sources: Vec<Shown>,
    /// Its first resolution step.
    pub first_step: Option<Shown>,
    /// Indexes in `findings` of the other root causes, by rank.
    pub others: Vec<usize>,
    /// Its timeline as a sentence: "worked until T1, failing since T2; stopped after the
    /// rollout at T3" (see [`super::timeline::sentence`]); `None` without times.
    #[serde(default)]
    pub timeline: Option<String>,
}

/// How specific a finding's evidence is, higher first: 4 when Entra stated the reason (an
/// AADSTS code of the rule seen in its events), 3 when the evidence itself was read (a
/// diagnosis), 2 for any other rule, 1 for a fallback or a login-flow condition, 0 for a
/// failure known only as unknown.
pub fn specificity(f: &Finding, compiled: &Compiled) -> u8 {
    if f.symptom == Symptom::Unknown {
        return 0;
    }
    let rule = compiled.rule(&f.rule);
    if rule.is_some_and(|r| r.fallback || r.detector() == Detector::Flow) {
        return 1;
    }
    let stated = f
        .codes
        .iter()
        .any(|c| crate::catalog::parse_aadsts(c).is_some() && f.codes_seen.iter().any(|s| s == c));
    if stated {
        4
    } else if !f.diagnosis.is_empty() {
        3
    } else {
        2
    }
}

/// True when a failure of symptom `a` is a kind of failure of symptom `b`, named more
/// precisely: an http redirect URI is a redirect URI Entra does not know; an expired
/// secret is a secret Entra refuses.
pub fn narrower(a: Symptom, b: Symptom) -> bool {
    use Symptom as S;
    matches!(
        (a, b),
        (S::HttpsRequired, S::RedirectUriMismatch)
            | (S::ClientSecretExpired, S::InvalidClientCredentials)
    )
}

/// True when every event of `x` is one of `y`'s (the same place and line).
fn same_events(x: &Finding, y: &Finding) -> bool {
    !x.incidents.is_empty()
        && x.incidents.iter().all(|i| {
            y.incidents
                .iter()
                .any(|j| i.place == j.place && i.line == j.line)
        })
}

/// A finding with what ranks it: how specific its evidence is, and the severity it ranks
/// with (a wrapper code's finding ranks with the inner code's).
struct Ranked {
    finding: Finding,
    specificity: u8,
    severity: Severity,
}

/// The rank order of two findings: the more likely cause first.
fn by_rank(a: &Ranked, b: &Ranked) -> Ordering {
    // A failure that stopped after a change is history: what still fails comes first.
    let stopped = |r: &Ranked| {
        r.finding.timeline.after_last_change == Some(super::timeline::AfterChange::Stopped)
    };
    b.severity
        .cmp(&a.severity)
        .then_with(|| stopped(a).cmp(&stopped(b)))
        .then_with(|| b.specificity.cmp(&a.specificity))
        .then_with(|| {
            let (a, b) = (&a.finding, &b.finding);
            b.count
                .cmp(&a.count)
                .then_with(|| b.last_seen.cmp(&a.last_seen))
                .then_with(|| a.rule.cmp(&b.rule))
                .then_with(|| a.codes.cmp(&b.codes))
        })
}

/// Ranks `findings`: the specificity of each, then two corrections that need the others.
/// A wrapper code's finding (AADSTS70002) on the same events as an inner code's ranks
/// below it, at its severity; a finding whose symptom names the failure more precisely
/// ([`narrower`]) on the same events as another ranks above it.
fn rank(findings: Vec<Finding>, compiled: &Compiled) -> Vec<Ranked> {
    let mut ranked: Vec<Ranked> = findings
        .into_iter()
        .map(|f| Ranked {
            specificity: specificity(&f, compiled),
            severity: f.severity,
            finding: f,
        })
        .collect();
    let wrapper = |f: &Finding| compiled.rule(&f.rule).is_some_and(|r| r.wrapper);
    for w in 0..ranked.len() {
        if !wrapper(&ranked[w].finding) {
            continue;
        }
        let inner = (0..ranked.len()).find(|&k| {
            k != w
                && !wrapper(&ranked[k].finding)
                && ranked[k].specificity == 4
                && same_events(&ranked[w].finding, &ranked[k].finding)
        });
        if let Some(k) = inner {
            ranked[w].severity = ranked[w].severity.min(ranked[k].severity);
            ranked[w].specificity = 3;
        }
    }
    // A generic error whose every event is explained by a specific finding (the warning
    // AADSTS70008 then NetBox's "Single sign-on failed" 100 ms later) ranks with it: the
    // specific one names the cause.
    for g in 0..ranked.len() {
        let kind = Kind::of(&ranked[g].finding, ranked[g].specificity, compiled);
        if kind.flow || kind.specific {
            continue;
        }
        let specific = (0..ranked.len()).find(|&k| {
            k != g
                && ranked[k].specificity >= 3
                && ranked[k].severity < ranked[g].severity
                && explains(&ranked[k].finding, &ranked[g].finding, kind)
        });
        if let Some(k) = specific {
            ranked[g].severity = ranked[k].severity;
        }
    }
    for x in 0..ranked.len() {
        for y in 0..ranked.len() {
            let (fx, fy) = (&ranked[x].finding, &ranked[y].finding);
            if x != y
                && narrower(fx.symptom, fy.symptom)
                && ranked[x].severity >= ranked[y].severity
                && (same_events(fx, fy) || same_events(fy, fx))
            {
                ranked[x].specificity = ranked[x].specificity.max(ranked[y].specificity + 1);
            }
        }
    }
    ranked.sort_by(by_rank);
    ranked
}

/// True when a failure of symptom `b` can be what a failure of symptom `a` looks like
/// further on in the same login: the same symptom, a generic one (not logged in, no
/// callback, unknown), credentials refused when the secret expired, or a code that could
/// not be redeemed because the credentials, tenant, clock or network failed. A state lost
/// at the callback is never the same request as a secret refused at the token endpoint:
/// social-auth stops at the first.
pub fn consequence(b: Symptom, a: Symptom) -> bool {
    use Symptom as S;
    b == a
        || matches!(b, S::Unknown | S::NotLoggedInAfterAuth | S::NoCallback)
        || (b == S::InvalidClientCredentials && a == S::ClientSecretExpired)
        || (b == S::TokenRedemptionFailed
            && matches!(
                a,
                S::ClientSecretExpired
                    | S::InvalidClientCredentials
                    | S::WrongTenantOrApp
                    | S::ClockSkew
                    | S::ProviderUnreachable
            ))
}

/// What kind of finding is being folded.
#[derive(Debug, Clone, Copy)]
struct Kind {
    /// A login-flow finding.
    flow: bool,
    /// A login that never came back (the browser's error page of another input explains it).
    no_callback: bool,
    /// It names a reason of its own (an AADSTS code stated, a diagnosis read).
    specific: bool,
}

impl Kind {
    fn of(f: &Finding, specificity: u8, compiled: &Compiled) -> Kind {
        let rule = compiled.rule(&f.rule);
        let stated_unknown = f.symptom == Symptom::Unknown
            && f.codes_seen
                .iter()
                .any(|c| crate::catalog::parse_aadsts(c).is_some());
        Kind {
            flow: rule.is_some_and(|r| r.detector() == Detector::Flow),
            no_callback: rule.is_some_and(|r| r.flow == Some(FlowCondition::NoCallback)),
            specific: specificity >= 3 || stated_unknown,
        }
    }
}

/// True when every event of `b` is explained by `a`. Always when each is the same event
/// as one of `a`'s (two rules read one line). A login-flow finding also when its flows are
/// `a`'s, or each of its steps is near one of `a`'s events in the same input; a login that
/// never came back also near one in any input. A log finding also when its symptom can be
/// a [`consequence`] of `a`'s, and its flows are `a`'s, or (when it names no reason of its
/// own) each of its events is near one of `a`'s. Two findings that each name their own
/// reason (two AADSTS codes, two diagnoses) are two causes, however close in time. A
/// finding with more events than it kept ([`MAX_INCIDENTS`]) folds only by its flows: its
/// other events are not known.
fn explains(a: &Finding, b: &Finding, kind: Kind) -> bool {
    if b.incidents.is_empty() && b.flows.is_empty() {
        return false;
    }
    let complete = b.incidents.len() as u64 >= b.count;
    let same = |i: &Incident, j: &Incident| i.place == j.place && i.line == j.line;
    let all_near = |near: &dyn Fn(&Incident, &Incident) -> bool| {
        complete
            && !b.incidents.is_empty()
            && b.incidents
                .iter()
                .all(|i| a.incidents.iter().any(|j| near(i, j)))
    };
    if all_near(&same) {
        return true;
    }
    let flows_covered =
        !b.flows.is_empty() && b.flows.iter().all(|id| a.flows.iter().any(|x| x == id));
    if kind.flow {
        return flows_covered || all_near(&|i, j| i.near(j, kind.no_callback));
    }
    consequence(b.symptom, a.symptom)
        && (flows_covered || (!kind.specific && all_near(&|i, j| i.near(j, false))))
}

/// Ranks `report.findings`, folds those another explains (their `folded_into`, the
/// other's `also_seen_as`), orders the root causes by rank and then the folded findings,
/// and sets `report.verdict` from the first root cause at warning or above.
pub fn decide(report: &mut Report, compiled: &Compiled) {
    let mut ranked = rank(std::mem::take(&mut report.findings), compiled);
    let mut roots: Vec<usize> = Vec::new();
    let mut folded_under: Vec<Option<usize>> = vec![None; ranked.len()];
    for b in 0..ranked.len() {
        let kind = Kind::of(&ranked[b].finding, ranked[b].specificity, compiled);
        let under = roots.iter().copied().find(|&a| {
            ranked[a].severity >= ranked[b].severity
                && explains(&ranked[a].finding, &ranked[b].finding, kind)
        });
        match under {
            Some(a) => folded_under[b] = Some(a),
            None => roots.push(b),
        }
    }
    for (b, under) in folded_under.iter().enumerate() {
        if let Some(a) = *under {
            let rule = ranked[b].finding.rule.clone();
            ranked[b].finding.folded_into = Some(ranked[a].finding.rule.clone());
            if !ranked[a].finding.also_seen_as.contains(&rule) {
                ranked[a].finding.also_seen_as.push(rule);
            }
        }
    }
    // Failed logins a root explains: its flows and those of what folds under it.
    let failed_ids: BTreeSet<&str> = report
        .flows
        .iter()
        .filter(|f| matches!(f.outcome, Outcome::Failed | Outcome::Abandoned))
        .map(|f| f.id.as_str())
        .collect();
    let mut failed: Vec<BTreeSet<String>> = vec![BTreeSet::new(); ranked.len()];
    for (i, r) in ranked.iter().enumerate() {
        let root = folded_under[i].unwrap_or(i);
        failed[root].extend(
            r.finding
                .flows
                .iter()
                .filter(|id| failed_ids.contains(id.as_str()))
                .cloned(),
        );
    }
    let mut order: Vec<usize> = roots.clone();
    order.extend((0..ranked.len()).filter(|i| folded_under[*i].is_some()));
    let top = roots.first().copied();
    let failed_top = top.map(|t| failed[t].len() as u64);
    // Since the earliest event of the cause and of what folds under it.
    let since_top = top.and_then(|t| {
        ranked
            .iter()
            .enumerate()
            .filter(|(i, _)| *i == t || folded_under[*i] == Some(t))
            .filter_map(|(_, r)| r.finding.first_seen.clone())
            .min()
    });
    let mut slots: Vec<Option<Finding>> = ranked.into_iter().map(|r| Some(r.finding)).collect();
    report.findings = order
        .iter()
        .map(|&i| slots[i].take().expect("each finding placed once"))
        .collect();
    report.verdict = match (top, report.findings.first()) {
        (Some(_), Some(f)) if f.severity >= Severity::Warning => Some(Verdict {
            finding: 0,
            rule: f.rule.clone(),
            symptom: f.symptom,
            title: f.title.clone(),
            severity: f.severity,
            failed_logins: failed_top.filter(|n| *n > 0),
            count: f.count,
            since: since_top.or_else(|| f.first_seen.clone()),
            last_seen: f.last_seen.clone(),
            sources: f.sources.iter().take(3).cloned().collect(),
            first_step: f.resolution.first().cloned(),
            others: (1..roots.len())
                .take_while(|&i| report.findings[i].severity >= Severity::Warning)
                .collect(),
            timeline: super::timeline::sentence(&f.timeline, &|t| t.to_string()),
        }),
        _ => None,
    };
}

#[cfg(test)]
#[path = "verdict_tests.rs"]
pub(crate) mod tests;
