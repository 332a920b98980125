//! Joins the flows of several inputs (or several pods of one input) once all of them are
//! read: an ingress controller's log and NetBox's own log each see part of a login, and
//! an error logged by a NetBox pod often has its callback only in the ingress's access log.
//!
//! Two steps, both deterministic:
//! 1. flows of different inputs that share a key (request id, `state`, authorization code)
//!    and whose callbacks are at most [`SAME_REQUEST_SECS`] apart are one login seen twice;
//!    a flow that only began in one input and a flow that only came back in another (the
//!    pods of two log files) are one login when the client (address and user agent) is the
//!    same and the callback follows the start within the flow timeout;
//! 2. an error that found no callback in its own pod joins the flow that has one of its
//!    Entra ids (trace or correlation id), else the flow whose callback is nearest in time
//!    within [`ERROR_WINDOW_SECS`]: a callback logged after the error (the request's own
//!    access line) before one logged earlier, then the same pod first; a login that worked
//!    never takes an error logged after its callback.
//!
//! Finally the flows are ordered by start time, so ids follow the timeline across inputs.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::{Client, ERROR_WINDOW_SECS, Flow, Orphan, Outcome};
use crate::catalog::FlowCondition;

/// How far apart two inputs may log the callback of one login.
pub const SAME_REQUEST_SECS: i64 = 2;

/// The flows of all inputs (in input order) and the errors that found no callback, joined.
/// Indexes by key, client and callback time keep it linear in the number of flows.
pub fn join(flows: Vec<Flow>, orphans: Vec<Orphan>, timeout: Duration) -> Vec<Flow> {
    let one_source = flows.iter().all(|f| f.source() == flows[0].source());
    let mut slots: Vec<Option<Flow>> = flows.into_iter().map(Some).collect();
    if !one_source {
        let peers = Peers::new(&slots);
        for i in 0..slots.len() {
            while let Some(j) = peers.partner(&slots, i, timeout) {
                let other = slots[j].take().expect("partner is a live slot");
                if let Some(flow) = slots[i].as_mut() {
                    flow.absorb(other);
                }
            }
        }
    }
    let mut flows: Vec<Flow> = slots.into_iter().flatten().collect();
    if !orphans.is_empty() {
        let mut index = OrphanIndex::new(&flows);
        for orphan in orphans {
            if let Some(i) = index.nearest(&flows, &orphan) {
                flows[i].add_error(&orphan.origin(), &orphan.rules, &orphan.keys);
                flows[i].stamp_times();
                index.keys_added(i, &orphan.keys);
            }
        }
    }
    // Stable: flows without times keep their input order, after the timed ones.
    flows.sort_by_key(|f| (f.start_time.is_none(), f.start_time));
    flows
}

fn gap(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<Duration> {
    Some((a? - b?).abs())
}

/// Which flows can be the same login as another: those that share a key or the client.
struct Peers {
    by_key: HashMap<String, Vec<usize>>,
    by_client: HashMap<Client, Vec<usize>>,
}

impl Peers {
    fn new(slots: &[Option<Flow>]) -> Self {
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_client: HashMap<Client, Vec<usize>> = HashMap::new();
        for (j, f) in slots.iter().enumerate() {
            let Some(f) = f else { continue };
            for k in &f.keys {
                by_key.entry(k.clone()).or_default().push(j);
            }
            by_client.entry(f.client.clone()).or_default().push(j);
        }
        Peers { by_key, by_client }
    }

    /// The best flow after `i` from another input that is the same login as flow `i`.
    /// Flows after `i` have absorbed nothing yet, so the index built from them holds.
    fn partner(&self, slots: &[Option<Flow>], i: usize, timeout: Duration) -> Option<usize> {
        let a = slots[i].as_ref()?;
        let sharing_key = a.keys.iter().filter_map(|k| self.by_key.get(k));
        let same_client = self.by_client.get(&a.client);
        sharing_key
            .chain(same_client)
            .flatten()
            .filter(|&&j| j > i)
            .filter_map(|&j| {
                let b = slots[j].as_ref()?;
                if b.source() == a.source() {
                    return None;
                }
                same_login(a, b, timeout)
                    .or_else(|| same_login(b, a, timeout))
                    .map(|gap| (gap, j))
            })
            .min()
            .map(|(_, j)| j)
    }
}

/// How close `a` and `b` (of different inputs) are, if they are one login: a shared key
/// with callbacks seconds apart, or `a` only began and `b` only came back, same client.
fn same_login(a: &Flow, b: &Flow, timeout: Duration) -> Option<Duration> {
    if let Some(gap) = gap(a.callback_time, b.callback_time) {
        let shared = a.keys.iter().any(|k| b.keys.contains(k));
        return (shared && gap <= Duration::seconds(SAME_REQUEST_SECS)).then_some(gap);
    }
    let began_only = a.callback_time.is_none() && a.steps.iter().any(|s| s.step == "begin");
    let came_back_only = !b.steps.iter().any(|s| s.step == "begin");
    let wait = b.callback_time? - a.start_time?;
    (began_only
        && came_back_only
        && a.client == b.client
        && wait >= Duration::zero()
        && wait <= timeout)
        .then_some(wait)
}

/// Finds the flow an orphan error belongs to: the first flow holding one of its keys, else
/// a callback within the error window.
struct OrphanIndex {
    /// Key -> the first flow that holds it.
    first_with_key: HashMap<String, usize>,
    /// (callback time, flow), sorted.
    callbacks: Vec<(DateTime<Utc>, usize)>,
}

impl OrphanIndex {
    fn new(flows: &[Flow]) -> Self {
        let mut index = OrphanIndex {
            first_with_key: HashMap::new(),
            callbacks: flows
                .iter()
                .enumerate()
                .filter_map(|(i, f)| Some((f.callback_time?, i)))
                .collect(),
        };
        index.callbacks.sort_unstable();
        for (i, f) in flows.iter().enumerate() {
            index.keys_added(i, &f.keys);
        }
        index
    }

    /// Flow `i` now holds `keys` too.
    fn keys_added(&mut self, i: usize, keys: &[String]) {
        for k in keys {
            let first = self.first_with_key.entry(k.clone()).or_insert(i);
            *first = (*first).min(i);
        }
    }

    /// The flow an orphan error belongs to: a callback within the error window, of the
    /// same pod if there is one, else the nearest in time.
    fn nearest(&self, flows: &[Flow], orphan: &Orphan) -> Option<usize> {
        if let Some(i) = orphan
            .keys
            .iter()
            .filter_map(|k| self.first_with_key.get(k))
            .min()
        {
            return Some(*i);
        }
        let limit = Duration::seconds(ERROR_WINDOW_SECS);
        let t = orphan.time?;
        let from = self.callbacks.partition_point(|&(c, _)| c < t - limit);
        self.callbacks[from..]
            .iter()
            .take_while(|&&(c, _)| c <= t + limit)
            // A callback logged after the error first (its own request's access line:
            // Django logs the error before it), allowing a second of clock skew between
            // pods; then the same pod; then the nearest.
            .filter_map(|&(c, i)| {
                let before = c < t - Duration::seconds(1);
                // A login that worked never takes a later error (see `Correlator::error`).
                if before && flows[i].outcome == Outcome::Succeeded {
                    return None;
                }
                Some(((before, flows[i].pod != orphan.pod, (c - t).abs()), i))
            })
            .min()
            .map(|(_, i)| i)
    }
}

/// How much an outcome says: a failure outranks a success seen by a log that missed the
/// error, which outranks not having seen the end.
fn outcome_rank(o: Outcome) -> u8 {
    match o {
        Outcome::Failed => 3,
        Outcome::Succeeded => 2,
        Outcome::Abandoned => 1,
        Outcome::Incomplete => 0,
    }
}

impl Flow {
    /// Takes in `other`, the same login as seen by another input.
    fn absorb(&mut self, other: Flow) {
        if outcome_rank(other.outcome) > outcome_rank(self.outcome) {
            self.outcome = other.outcome;
            self.stopped_at = other.stopped_at;
        }
        for k in other.keys {
            if !self.keys.contains(&k) {
                self.keys.push(k);
            }
        }
        for r in other.rules {
            if !self.rules.contains(&r) {
                self.rules.push(r);
            }
        }
        for (condition, line) in other.conditions {
            if !self.conditions.iter().any(|(c, _)| *c == condition) {
                self.conditions.push((condition, line));
            }
        }
        if self.client.user_agent.is_none() && other.client.user_agent.is_some() {
            self.client = other.client;
        }
        if self.backend.is_none() {
            self.backend = other.backend;
        }
        self.steps.extend(other.steps);
        let time_of = |t: &Option<String>| {
            t.as_deref()
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&Utc))
        };
        // Stable: steps without a time stay after their input's earlier steps.
        self.steps
            .sort_by_key(|s| (time_of(&s.time).is_none(), time_of(&s.time)));
        self.start_time = match (self.start_time, other.start_time) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last_time = self.last_time.max(other.last_time);
        self.callback_time = match (self.callback_time, other.callback_time) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.stamp_times();
        if self.callback_time.is_some() {
            // It did come back, in the other input.
            self.conditions
                .retain(|(c, _)| *c != FlowCondition::NoCallback);
        }
    }
}
