//! A login flow and what it is made of: its steps, its client, how it ended and where it
//! stopped; errors without a flow (orphans); the counts of flows released while reading.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Correlator, MAX_KEYS, MAX_STEPS, rfc3339};
use crate::catalog::FlowCondition;

/// Succeeded flows with nothing to report that a long input no longer holds in memory:
/// they count in the report's totals but are not listed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Released {
    /// How many.
    pub succeeded: u64,
    /// Failed flows settled early (see [`MAX_HELD_FLOWS`](super::MAX_HELD_FLOWS)); their
    /// findings are counted.
    pub failed: u64,
    /// Abandoned or incomplete flows settled early.
    pub abandoned: u64,
    /// Whether one of them began on one pod and came back to another (which shows the
    /// replicas share sessions).
    pub switched_pods: bool,
    /// When each released login that worked came back (its callback), and on which pod:
    /// the timeline's successes (the held flows add theirs). At most
    /// [`MAX_SUCCESS_TIMES`](super::MAX_SUCCESS_TIMES); `succeeded` counts them all.
    pub successes: Vec<(DateTime<Utc>, Option<String>)>,
}

impl Released {
    /// Adds `other`'s counts.
    pub fn add(&mut self, other: Released) {
        self.succeeded += other.succeeded;
        self.failed += other.failed;
        self.abandoned += other.abandoned;
        self.switched_pods |= other.switched_pods;
        let room = super::MAX_SUCCESS_TIMES.saturating_sub(self.successes.len());
        self.successes
            .extend(other.successes.into_iter().take(room));
    }

    /// Keeps the time and pod of a released login that worked.
    pub(super) fn success(&mut self, flow: &Flow) {
        if self.successes.len() < super::MAX_SUCCESS_TIMES
            && let Some(t) = flow.callback_time.or(flow.last_time)
        {
            self.successes.push((t, flow.pod.clone()));
        }
    }
}

/// What [`Correlator::finish`] hands back.
#[derive(Debug, Default)]
pub struct Finished {
    /// The flows still held, in order of start.
    pub flows: Vec<Flow>,
    /// Errors that found no callback of their pod.
    pub orphans: Vec<Orphan>,
    /// Flows released while reading.
    pub released: Released,
}

/// How a flow ended.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The callback was accepted and the user was not sent back to the login page.
    Succeeded,
    /// The callback carried an error, failed, or bounced to the login page.
    Failed,
    /// Started, but no callback came back within the flow timeout.
    Abandoned,
    /// The log ends before the flow could finish.
    Incomplete,
}

/// Where a flow stopped.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Stop {
    /// At Entra: the browser never came back (only it saw the error).
    Authorize,
    /// At the callback: Entra's error, a 4xx/5xx, or an exception while redeeming the code.
    Callback,
    /// After the callback: bounced to the login page, or a redirect loop.
    Landing,
    /// It did not stop: signed in.
    Done,
}

/// One request or event in a flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// When.
    pub time: Option<String>,
    /// `begin`, `callback`, `landing`, `error`.
    pub step: Cow<'static, str>,
    /// Input and line.
    pub source: String,
    /// Line number.
    pub line: u64,
    /// Pod that logged it, from the kubectl prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod: Option<String>,
    /// Its container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// HTTP status, for requests.
    pub status: Option<u16>,
    /// What it says: the path, the error value, the rule ids.
    pub detail: String,
}

/// The client of a flow.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Client {
    /// Address as the access log shows it.
    pub address: String,
    /// User agent.
    pub user_agent: Option<String>,
}

/// One login attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flow {
    /// `f1`, `f2`, ... in order of start.
    pub id: String,
    /// How it ended.
    pub outcome: Outcome,
    /// Where it stopped.
    pub stopped_at: Stop,
    /// Correlation keys seen: `request_id:...`, `state:VALUE`, `code:VALUE`, as read (the
    /// report masks them: `state:<state#1>`, the placeholder of the evidence).
    pub keys: Vec<String>,
    /// Who.
    pub client: Client,
    /// The social-auth backend in the path (`azuread-oauth2`).
    pub backend: Option<String>,
    /// First step's time.
    pub started: Option<String>,
    /// Last step's time.
    pub ended: Option<String>,
    /// The steps in order.
    pub steps: Vec<Step>,
    /// Rule ids of the findings this flow shows (`findings` in JSON).
    #[serde(rename = "findings")]
    pub rules: Vec<String>,
    #[serde(skip)]
    pub(super) phase: Phase,
    #[serde(skip)]
    pub(super) start_time: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub(super) last_time: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub(super) callback_time: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub(super) pod: Option<String>,
    #[serde(skip)]
    /// Flow-level conditions found (see [`FlowCondition`]), with the step that shows each.
    pub conditions: Vec<(FlowCondition, Step)>,
    #[serde(skip)]
    /// First line of the flow in its input.
    pub first_line: u64,
    #[serde(skip)]
    pub(super) serial: u64,
    /// Pages answered 403 to the client after this login worked (see
    /// [`Correlator::denied`]).
    #[serde(skip)]
    pub(super) denied: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Phase {
    #[default]
    Begun,
    AwaitLanding,
    Closed,
}

impl Flow {
    /// Adds rule ids to the flow's rules and Entra ids to its keys, each once.
    pub(super) fn add_rules(&mut self, rules: &[String], keys: &[String]) {
        for r in rules {
            if !self.rules.contains(r) {
                self.rules.push(r.clone());
            }
        }
        for k in keys {
            if self.keys.len() < MAX_KEYS && !self.keys.contains(k) {
                self.keys.push(k.clone());
            }
        }
    }

    /// Notes `condition`, shown by the flow's latest step.
    /// When the callback came back (the login's time on the timeline), else the last step's.
    pub fn callback_time(&self) -> Option<DateTime<Utc>> {
        self.callback_time.or(self.last_time)
    }

    /// The pod the login began on.
    pub fn pod(&self) -> Option<&str> {
        self.pod.as_deref()
    }

    pub(super) fn note_condition(&mut self, condition: FlowCondition) {
        if let Some(step) = self.steps.last().cloned() {
            self.conditions.push((condition, step));
        }
    }

    pub(super) fn touch(&mut self, origin: &Origin<'_>, step: Step) {
        if self.steps.len() < MAX_STEPS {
            self.steps.push(step);
        }
        if origin.time.is_some() {
            self.last_time = origin.time;
        }
    }

    /// Writes [`Flow::started`] and [`Flow::ended`] from the times kept. Done once, when
    /// the flow leaves the correlator: most flows are released without being shown, and
    /// formatting a time at every step was a visible part of the correlator's work.
    pub(crate) fn stamp_times(&mut self) {
        self.started = rfc3339(self.start_time);
        self.ended = rfc3339(self.last_time);
    }

    /// An error event without a client of its own joins this flow: it failed at the callback
    /// (or at the landing, if it had got that far).
    pub(super) fn add_error(&mut self, origin: &Origin<'_>, rules: &[String], keys: &[String]) {
        let step = Correlator::step(origin, "error", None, rules.join(", "));
        self.touch(origin, step);
        self.add_rules(rules, keys);
        self.outcome = Outcome::Failed;
        // The error happened at the callback (the token exchange), even if the user was
        // then bounced to the login page; only a redirect loop stops after a callback
        // that worked.
        if !self
            .conditions
            .iter()
            .any(|(c, _)| *c == FlowCondition::RedirectLoop)
        {
            self.stopped_at = Stop::Callback;
        }
        self.phase = Phase::Closed;
    }

    /// The callback step, when the login began on one pod and came back to another.
    pub fn switched_pods(&self) -> Option<&Step> {
        let begin = self.steps.iter().find(|s| s.step == "begin")?;
        let callback = self.steps.iter().find(|s| s.step == "callback")?;
        match (&begin.pod, &callback.pod) {
            (Some(a), Some(b)) if a != b => Some(callback),
            _ => None,
        }
    }

    /// The input the flow was read from (its first step's).
    pub fn source(&self) -> &str {
        self.steps.first().map_or("", |s| s.source.as_str())
    }
}

/// Where an input event came from.
#[derive(Debug, Clone)]
pub struct Origin<'a> {
    /// Input name.
    pub source: &'a str,
    /// Line number.
    pub line: u64,
    /// Pod, from the kubectl prefix.
    pub pod: Option<&'a str>,
    /// Container, from the kubectl prefix.
    pub container: Option<&'a str>,
    /// Event time.
    pub time: Option<DateTime<Utc>>,
}

/// An error event with no client of its own that has not found its callback (yet): it
/// waits in the correlator, and one that never finds a callback in its own input is handed
/// to [`join`](super::join) to try the flows of the other inputs and pods.
#[derive(Debug, Clone)]
pub struct Orphan {
    pub(super) source: String,
    pub(super) line: u64,
    pub(super) pod: Option<String>,
    pub(super) container: Option<String>,
    pub(super) time: Option<DateTime<Utc>>,
    pub(super) rules: Vec<String>,
    /// Entra ids it carries (`trace_id:...`, `correlation_id:...`).
    pub(super) keys: Vec<String>,
}

impl Orphan {
    pub(super) fn origin(&self) -> Origin<'_> {
        Origin {
            source: &self.source,
            line: self.line,
            pod: self.pod.as_deref(),
            container: self.container.as_deref(),
            time: self.time,
        }
    }
}
