//! The report in time (issue 19): when sign-in last worked, what changed (pods rolled or
//! restarted), and whether each failure went on after the change. The model's types and
//! the pure reckoning; the analyzer supplies the times (`analyze::findings`), the renderers
//! show them.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::Symptom;
use crate::parse::timestamp::rfc3339;
use crate::redact::Shown;

/// What kind of change the logs show.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// Pods of a new ReplicaSet started (a config deploy rolls the pods).
    Rollout,
    /// A pod's container started again.
    Restart,
    /// A pod started for the first time in the log.
    Start,
}

impl ChangeKind {
    /// The word for it in a sentence.
    pub fn noun(self) -> &'static str {
        match self {
            ChangeKind::Rollout => "rollout",
            ChangeKind::Restart => "restart",
            ChangeKind::Start => "start",
        }
    }
}

/// Where a change shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChangeEvidence {
    /// The input.
    pub source: Shown,
    /// Its line.
    pub line: u64,
    /// The pod, if named.
    pub pod: Option<Shown>,
}

/// A pod lifecycle change seen in the logs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Change {
    /// When (RFC 3339, UTC): the first start of a new pod, or the restart.
    pub at: Option<String>,
    /// Rollout, restart or start.
    pub kind: ChangeKind,
    /// Pods before the change (a rollout: the old ReplicaSet's).
    pub pods_before: Vec<Shown>,
    /// Pods after it (a rollout: the new ReplicaSet's).
    pub pods_after: Vec<Shown>,
    /// A rollout's old pods still logging well after it: not every replica was replaced.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pods_still_old: Vec<Shown>,
    /// Lines that show it (start lines, the first line of a new pod).
    pub evidence: Vec<ChangeEvidence>,
    /// When, parsed; not part of any output.
    #[serde(skip)]
    pub time: Option<DateTime<Utc>>,
    /// The pods as read (`pods_before`, `pods_after`, `pods_still_old`), to compare with the
    /// pods of failures; not part of any output.
    #[serde(skip)]
    pub raw_pods: [Vec<String>; 3],
}

/// Whether a finding went on after the last change since it began.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AfterChange {
    /// It was seen again after the change.
    Persists,
    /// It was not seen again, and a login worked after the change.
    Stopped,
    /// Neither: no login after the change tells.
    NotSeen,
}

/// A finding in time.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FindingTimeline {
    /// The last login that worked before the first failure (RFC 3339, UTC).
    pub last_success_before: Option<String>,
    /// The first failure.
    pub first_failure: Option<String>,
    /// The last failure.
    pub last_failure: Option<String>,
    /// The last change (rollout or restart) after the first failure, when there is one.
    pub change: Option<String>,
    /// Its kind.
    pub change_kind: Option<ChangeKind>,
    /// Whether the failure went on after that change.
    pub after_last_change: Option<AfterChange>,
    /// The last change between the last login that worked and the first failure: what
    /// changed before it began (a suspect).
    #[serde(default)]
    pub change_before: Option<String>,
    /// Its kind.
    #[serde(default)]
    pub change_before_kind: Option<ChangeKind>,
    /// Other failures came before that change: logins were failing already, and this
    /// failure is what they turned into (or what the change let the logs show).
    #[serde(default)]
    pub failing_before_change: bool,
    /// Pods the failure was seen on after the change.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failing_pods_after_change: Vec<Shown>,
    /// After a rollout, the failure went on only on pods of the old ReplicaSet.
    #[serde(default)]
    pub old_pods_only: bool,
    /// The first login that worked after the last failure, when there is one.
    #[serde(default)]
    pub worked_after: Option<String>,
}

impl FindingTimeline {
    /// Whether the failure is over: not seen after a change and a login came after it, or
    /// a login worked after its last failure and no change says it went on.
    pub fn over(&self) -> bool {
        match self.after_last_change {
            Some(after) => after == AfterChange::Stopped,
            None => self.worked_after.is_some(),
        }
    }
}

/// How long after a rollout its old pods may still finish the requests they hold: a
/// failure there then is the rollout's drain, not the fix failing.
pub const DRAIN_SECS: i64 = 300;

/// The Deployment (or StatefulSet) a pod name belongs to: `netbox-7d9f8b6c5-x2k4q` and
/// `netbox-5c8d7f9b4-q8w2n` are both `netbox`, `netbox-worker-...` is `netbox-worker`,
/// `netbox-0` is `netbox`.
fn family(pod: &str) -> &str {
    let mut parts = pod.rsplitn(3, '-');
    let (last, second, rest) = (parts.next(), parts.next(), parts.next());
    match (last, second, rest) {
        (Some(_), Some(_), Some(rest)) => rest,
        (Some(_), Some(rest), None) => rest,
        _ => pod,
    }
}

/// Logins and failures in one hour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Hour {
    /// The hour's start (RFC 3339, UTC).
    pub hour: String,
    /// Logins that worked.
    pub succeeded: u64,
    /// Failures (events of the root causes), by symptom.
    pub failed: BTreeMap<Symptom, u64>,
}

/// The hour (seconds since the epoch, floored) of `t`.
pub fn hour_of(t: DateTime<Utc>) -> i64 {
    t.timestamp().div_euclid(3600)
}

/// When a finding happened, as the analyzer counted it.
#[derive(Debug, Clone, Default)]
pub struct FailureTimes {
    /// First and last time.
    pub first: Option<DateTime<Utc>>,
    /// Last time.
    pub last: Option<DateTime<Utc>>,
    /// The last time on each pod (by pod name).
    pub pod_last: BTreeMap<String, DateTime<Utc>>,
}

/// Reckons `failure`'s timeline against the logins that worked (`successes`, sorted by
/// time, each with its pod), the first and last failure of any finding at warning or above
/// (a login after the change that failed for another reason shows this one stopped too;
/// one before the change it began after shows logins were failing already) and the
/// `changes` (by time). `show` masks a pod name.
pub fn reckon(
    failure: &FailureTimes,
    successes: &[(DateTime<Utc>, Option<String>)],
    (earliest_failure, latest_failure): (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    changes: &[Change],
    show: &dyn Fn(&str) -> Shown,
) -> FindingTimeline {
    let mut t = FindingTimeline {
        first_failure: failure.first.map(rfc3339),
        last_failure: failure.last.map(rfc3339),
        ..FindingTimeline::default()
    };
    let Some(first) = failure.first else {
        return t;
    };
    let before = successes.partition_point(|(s, _)| *s < first);
    let last_ok = before.checked_sub(1).map(|i| successes[i].0);
    t.last_success_before = last_ok.map(rfc3339);
    if let Some(c) = changes.iter().rev().find(|c| {
        c.kind != ChangeKind::Start
            && c.time
                .is_some_and(|at| at <= first && last_ok.is_none_or(|ok| at > ok))
    }) {
        t.change_before = c.at.clone();
        t.change_before_kind = Some(c.kind);
        t.failing_before_change = earliest_failure.is_some_and(|e| {
            c.time
                .is_some_and(|at| e < at && last_ok.is_none_or(|ok| e > ok))
        });
    }
    if let Some(last) = failure.last {
        let after = successes.partition_point(|(s, _)| *s <= last);
        t.worked_after = successes.get(after).map(|(s, _)| rfc3339(*s));
    }
    // A change counts for this failure when it touched the pods it failed on (the same
    // Deployment), or when the failure names no pod.
    let relevant = |c: &Change| {
        failure.pod_last.is_empty()
            || c.raw_pods
                .iter()
                .flatten()
                .any(|p| failure.pod_last.keys().any(|f| family(f) == family(p)))
    };
    let Some(change) = changes.iter().rev().find(|c| {
        c.kind != ChangeKind::Start && c.time.is_some_and(|at| at > first) && relevant(c)
    }) else {
        return t;
    };
    let at = change.time.expect("found with a time");
    t.change = Some(rfc3339(at));
    t.change_kind = Some(change.kind);
    let [before_pods, after_pods, still_old] = &change.raw_pods;
    // After a rollout, an old pod's failure within the drain time is the rollout itself.
    let drained = at + chrono::Duration::seconds(DRAIN_SECS);
    let failing: Vec<&String> = failure
        .pod_last
        .iter()
        .filter(|(pod, last)| {
            **last > at
                && (change.kind != ChangeKind::Rollout
                    || after_pods.contains(pod)
                    || **last > drained)
        })
        .map(|(pod, _)| pod)
        .collect();
    let persists = if failure.pod_last.is_empty() {
        failure.last.is_some_and(|last| last > at)
    } else {
        !failing.is_empty()
    };
    t.after_last_change = Some(if persists {
        AfterChange::Persists
    } else if successes.last().is_some_and(|(s, _)| *s > at)
        || latest_failure.is_some_and(|l| l > at)
    {
        // A login after the change, that worked or failed for another reason.
        AfterChange::Stopped
    } else {
        AfterChange::NotSeen
    });
    if persists {
        t.failing_pods_after_change = failing.iter().map(|p| show(p)).collect();
        t.old_pods_only = change.kind == ChangeKind::Rollout
            && !failing.is_empty()
            && failing.iter().all(|p| {
                (before_pods.contains(p) || still_old.contains(p)) && !after_pods.contains(p)
            });
    }
    t
}

/// The timeline as an engineer says it: "worked until T1, failing since T2; stopped after
/// the rollout at T3", or `None` when it would say no more than "failing since T" (no login
/// worked before it and no change is near it) or the finding has no time. Only our words and times
/// (`time` writes one): the pods are in [`FindingTimeline::failing_pods_after_change`].
pub fn sentence(t: &FindingTimeline, time: &dyn Fn(&str) -> String) -> Option<String> {
    let since = t.first_failure.as_deref()?;
    if t.last_success_before.is_none()
        && t.change_before.is_none()
        && t.change.is_none()
        && t.worked_after.is_none()
    {
        // "failing since T" alone says no more than the verdict's own "since".
        return None;
    }
    let mut s = match &t.last_success_before {
        Some(ok) => format!("worked until {}, failing since {}", time(ok), time(since)),
        None => format!("failing since {}", time(since)),
    };
    if let (Some(at), Some(kind)) = (&t.change_before, t.change_before_kind) {
        let (noun, at) = (kind.noun(), time(at));
        s.push_str(&if t.failing_before_change {
            format!(
                "; first seen after the {noun} at {at}, while logins were failing already: the {noun} did not fix sign-in"
            )
        } else {
            format!(", which began after the {noun} at {at}")
        });
    }
    if let (None, Some(ok), Some(last)) = (t.after_last_change, &t.worked_after, &t.last_failure) {
        s.push_str(&format!(
            "; last seen at {}, and logins worked after it (from {})",
            time(last),
            time(ok)
        ));
    }
    if let (Some(at), Some(kind), Some(after)) = (&t.change, t.change_kind, t.after_last_change) {
        let at = time(at);
        let noun = kind.noun();
        s.push_str(&match after {
            AfterChange::Stopped => format!("; stopped after the {noun} at {at}"),
            AfterChange::NotSeen => {
                format!("; no login since the {noun} at {at} shows whether it took")
            }
            AfterChange::Persists if t.old_pods_only => format!(
                "; after the {noun} at {at} failing only on pods of the old ReplicaSet: not every replica restarted"
            ),
            AfterChange::Persists if kind == ChangeKind::Rollout => {
                format!("; still failing after the {noun} at {at}: the fix did not take")
            }
            AfterChange::Persists => format!("; still failing after the {noun} at {at}"),
        });
    }
    Some(s)
}

/// Longest span `hours` covers: a log of years would otherwise list every hour between.
pub const MAX_HOURS: i64 = 24 * 92;

/// Logins that worked (`successes`) and failures of the root causes among `findings` (those
/// not folded under another, at warning or above) by hour, from the first hour with either
/// to the last (at most [`MAX_HOURS`], the latest kept).
pub fn hours(
    findings: &[super::Finding],
    successes: &[(DateTime<Utc>, Option<String>)],
) -> Vec<Hour> {
    let mut by_hour: BTreeMap<i64, (u64, BTreeMap<Symptom, u64>)> = BTreeMap::new();
    for (t, _) in successes {
        by_hour.entry(hour_of(*t)).or_default().0 += 1;
    }
    let roots = findings
        .iter()
        .filter(|f| f.folded_into.is_none() && f.severity >= crate::catalog::Severity::Warning);
    for f in roots {
        for &(h, n) in &f.hours {
            *by_hour
                .entry(h)
                .or_default()
                .1
                .entry(f.symptom)
                .or_default() += n;
        }
    }
    let (Some(&first), Some(&last)) = (by_hour.keys().next(), by_hour.keys().next_back()) else {
        return Vec::new();
    };
    let first = first.max(last - MAX_HOURS + 1);
    (first..=last)
        .map(|h| {
            let (succeeded, failed) = by_hour.remove(&h).unwrap_or_default();
            Hour {
                hour: DateTime::from_timestamp(h * 3600, 0).map_or_else(String::new, rfc3339),
                succeeded,
                failed,
            }
        })
        .collect()
}

#[cfg(test)]
#[path = "timeline_tests.rs"]
mod tests;
