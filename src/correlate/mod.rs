//! Login flows: puts the access-log requests of one sign-in (begin at `/oauth/login/`, the
//! round trip to Entra, the callback at `/oauth/complete/`, the landing) and the errors
//! logged around them together, and says where each flow stopped.
//!
//! Pure: requests and error events go in ([`Correlator::request`], [`Correlator::error`]),
//! flows come out ([`Correlator::finish`]). Sits after the matcher; the analyzer feeds it.
//! Keys, in order of trust: request id, OAuth `state`, authorization code, then the client
//! (address + user agent) within the flow timeout. Two users behind one ingress address
//! stay apart because their user agents (or states) differ.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use crate::catalog::FlowCondition;
use crate::parse::access::Access;
use crate::redact::tag;

mod flow;
use flow::Phase;
pub use flow::{Client, Finished, Flow, Origin, Orphan, Outcome, Released, Step, Stop};

/// How long a started login may take before it counts as abandoned.
pub const DEFAULT_FLOW_TIMEOUT_SECS: i64 = 600;
/// How long after a callback a bounce to `/login/` still belongs to it.
pub const LANDING_WINDOW_SECS: i64 = 60;
/// How far in time an error without a client joins the nearest callback of its pod.
pub const ERROR_WINDOW_SECS: i64 = 10;
/// Entra authorization codes are short-lived (minutes); a replay is looked for this long.
const CODE_LIFETIME_SECS: i64 = 15 * 60;
/// The correlator releases quiet flows once it holds this many (and each time the count
/// doubles after that).
const COMPACT_MIN: usize = 1024;
/// Flows one input holds at most (give or take those still open). Past three quarters of
/// it, the oldest settled ones are handed to the analyzer, which counts their findings at once; the report
/// counts them but does not list them, and they are not joined with other inputs' flows.
/// This is what keeps an endless stream in bounded memory when logins keep failing.
pub const MAX_HELD_FLOWS: usize = 2048;
/// Steps kept per flow; a flow that runs longer (a loop) keeps its first ones and a count.
pub const MAX_STEPS: usize = 64;
/// Correlation keys kept per flow: errors joining a flow add their Entra ids, and a burst
/// of errors after one callback must not grow it (nor make each `contains` check longer).
const MAX_KEYS: usize = 32;
/// Authorization codes remembered for replay detection, beyond those of held flows: a log
/// with thousands of callbacks a minute would otherwise keep every code of the last 15
/// minutes. The oldest go first.
const MAX_CODES: usize = 16_384;

/// Success times kept for the timeline (see [`Released::successes`]).
pub const MAX_SUCCESS_TIMES: usize = 1_000_000;
/// How long after a login that worked the pages its client opens are watched for 403s.
pub const SIGNED_IN_WINDOW_SECS: i64 = 3600;
/// Pages answered 403 after a login that worked that make it "signed in, no permissions".
pub const DENIED_PAGES: u32 = 3;
/// How long a login that worked is held after its last step, waiting for its first pages
/// (longer than the landing and error windows: a user reads the dashboard before clicking).
const SIGNED_IN_QUIET_SECS: i64 = 600;

/// Errors waiting for the callback that follows them (see [`Correlator::error`]).
const MAX_PENDING: usize = 64;
/// Without times, an error waits this many lines for its callback.
pub const PENDING_LINES: u64 = 40;

/// At most this many orphan errors are kept per input: they are a hint for the join, and a
/// log full of errors without any login traffic should not fill memory with them.
const MAX_ORPHANS: usize = 256;

/// Builds the flows of one input.
#[derive(Debug)]
pub struct Correlator {
    timeout: Duration,
    flows: Vec<Flow>,
    /// Open flow (by serial) of each client, by [`Correlator::client_key`]: a request is
    /// looked up without copying its address and user agent. Keys are checked against the
    /// flow's client, so a hash collision only starts a new flow.
    by_client: HashMap<u64, u64>,
    /// Hashes client keys.
    hasher: std::collections::hash_map::RandomState,
    /// Authorization codes seen (by tag): the flow (serial) and when.
    codes: HashMap<String, (u64, Option<DateTime<Utc>>)>,
    pending_errors: Vec<Orphan>,
    orphans: Vec<Orphan>,
    last_time: Option<DateTime<Utc>>,
    /// Flows (by serial) whose callback waits for its landing.
    awaiting: Vec<u64>,
    next_serial: u64,
    /// Flow count at which the next [`Correlator::compact`] runs.
    compact_at: usize,
    /// Flows (by serial) holding each key: finding the latest flow with an Entra id by
    /// scanning every held flow made a long input quadratic (1 GiB: 30 s instead of 3).
    key_flows: HashMap<String, Vec<u64>>,
    /// Succeeded flows with nothing to report, released from memory.
    released: Released,
    /// Settled flows beyond [`MAX_HELD_FLOWS`], for [`Correlator::take_overflow`].
    overflow: Vec<Flow>,
    /// [`Correlator::compact`]'s list of held serials, kept for its next run.
    held_serials: Vec<u64>,
}

/// Whether `path` is one of NetBox's object pages, where a user without permissions is
/// refused: not static or other files (a dot in the last segment), not the API or GraphQL
/// (tokens, not the SSO session), not the login paths, and not the admin areas (`/admin/`,
/// `/users/`, `/core/`), which most users may not see anyway.
pub fn object_page(path: &str) -> bool {
    const NOT: &[&str] = &[
        "/static/", "/media/", "/api/", "/graphql", "/oauth/", "/login/", "/logout/", "/admin/",
        "/users/", "/core/",
    ];
    let file = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'));
    !file && !NOT.iter().any(|p| path.contains(p))
}

fn rfc3339(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(crate::parse::timestamp::rfc3339)
}

fn backend_of(path: &str, prefix: &str) -> Option<String> {
    let at = path.find(prefix)? + prefix.len();
    let name = path[at..].trim_end_matches('/');
    (!name.is_empty() && !name.contains('/')).then(|| name.to_string())
}

impl Correlator {
    /// A correlator with the given flow timeout.
    pub fn new(timeout: Duration) -> Self {
        Correlator {
            timeout,
            flows: Vec::new(),
            by_client: HashMap::new(),
            hasher: std::collections::hash_map::RandomState::new(),
            codes: HashMap::new(),
            pending_errors: Vec::new(),
            orphans: Vec::new(),
            last_time: None,
            awaiting: Vec::new(),
            next_serial: 0,
            compact_at: COMPACT_MIN,
            overflow: Vec::new(),
            released: Released::default(),
            key_flows: HashMap::new(),
            held_serials: Vec::new(),
        }
    }

    /// Records flow `i`'s keys in [`Correlator::key_flows`]; called after each change of
    /// a flow's keys.
    fn index_keys(&mut self, i: usize) {
        let flow = &self.flows[i];
        for k in &flow.keys {
            // Looked up before inserting: `entry` would copy the key every time.
            match self.key_flows.get_mut(k) {
                Some(serials) if serials.contains(&flow.serial) => {}
                Some(serials) => serials.push(flow.serial),
                None => {
                    self.key_flows.insert(k.clone(), vec![flow.serial]);
                }
            }
        }
    }

    /// The latest held flow that has one of `keys`.
    fn latest_with_key(&self, keys: &[String]) -> Option<usize> {
        keys.iter()
            .filter_map(|k| self.key_flows.get(k))
            .flatten()
            .filter_map(|&serial| self.at(serial))
            .max()
    }

    /// True while a callback waits for its landing: only then do plain `/login/` requests
    /// (health probes, mostly) matter.
    pub fn awaiting_landing(&mut self, now: Option<DateTime<Utc>>) -> bool {
        let window = Duration::seconds(LANDING_WINDOW_SECS);
        let awaiting = std::mem::take(&mut self.awaiting);
        self.awaiting = awaiting
            .into_iter()
            .filter(|&serial| {
                self.at(serial).is_some_and(|i| {
                    let flow = &self.flows[i];
                    flow.phase == Phase::AwaitLanding
                        && match (flow.callback_time, now) {
                            (Some(c), Some(n)) => n - c <= window,
                            _ => true,
                        }
                })
            })
            .collect();
        !self.awaiting.is_empty()
    }

    /// The index of the flow with `serial`, if it is still held (flows stay in serial order).
    fn at(&self, serial: u64) -> Option<usize> {
        self.flows.binary_search_by_key(&serial, |f| f.serial).ok()
    }

    /// Releases what a long input no longer needs: succeeded flows with nothing to report,
    /// once no landing or error can join them any more, and codes older than any replay.
    /// Failed and abandoned flows are kept for the report. Runs when the number of flows
    /// doubles, so its cost per request stays constant.
    fn compact(&mut self) {
        let now = self.last_time;
        if let Some(now) = now {
            self.release_quiet(now);
        }
        // Flows still held past the cap are not settled yet: a burst of logins faster than
        // the quiet time (thousands a minute), or a log without times. The oldest go out
        // anyway, settled as they stand: an error logged after that can no longer join them.
        if self.flows.len() >= MAX_HELD_FLOWS {
            self.overflow_forced(MAX_HELD_FLOWS * 3 / 4);
        }
        // The held serials, in order: a binary search over them stays in the cache, one over
        // the flows themselves (hundreds of bytes each) missed it at every step.
        // Kept between runs: a fresh list of thousands of serials each time made `malloc`
        // tidy its free lists at every compaction.
        let mut serials = std::mem::take(&mut self.held_serials);
        serials.clear();
        serials.extend(self.flows.iter().map(|f| f.serial));
        let held = |serial: &u64| serials.binary_search(serial).is_ok();
        self.by_client.retain(|_, serial| held(serial));
        self.key_flows.retain(|_, serials| {
            serials.retain(held);
            !serials.is_empty()
        });
        self.awaiting.retain(held);
        let replay = Duration::seconds(CODE_LIFETIME_SECS);
        self.codes.retain(|_, (serial, seen)| {
            held(serial) || seen.is_none_or(|t| now.is_none_or(|now| now - t <= replay))
        });
        if self.codes.len() > MAX_CODES {
            // Keep the codes of held flows, and the newest of the others (serials grow with
            // time), a quarter of the cap below it so that this runs rarely.
            let mut old: Vec<u64> = self
                .codes
                .values()
                .map(|(serial, _)| *serial)
                .filter(|s| !held(s))
                .collect();
            let drop = (self.codes.len() - MAX_CODES * 3 / 4).min(old.len());
            if drop > 0 {
                let (_, &mut cut, _) = old.select_nth_unstable(drop - 1);
                self.codes
                    .retain(|_, (serial, _)| held(serial) || *serial > cut);
            }
        }
        self.held_serials = serials;
        // Wait for the count to double (up to the cap), and for at least an eighth of the
        // cap more flows: when nearly all held flows are still open, compacting at every new
        // flow would make a long input quadratic.
        let held = self.flows.len();
        self.compact_at = (held * 2)
            .clamp(COMPACT_MIN, MAX_HELD_FLOWS)
            .max(held + MAX_HELD_FLOWS / 8);
    }

    /// Releases succeeded flows with nothing to report once no landing or error can join
    /// them any more, and moves settled flows out past three quarters of the cap.
    fn release_quiet(&mut self, now: DateTime<Utc>) {
        let landing = Duration::seconds(LANDING_WINDOW_SECS);
        let quiet_after = landing + Duration::seconds(ERROR_WINDOW_SECS);
        let signed_in_quiet = Duration::seconds(SIGNED_IN_QUIET_SECS);
        for i in 0..self.flows.len() {
            let flow = &self.flows[i];
            if flow.phase == Phase::AwaitLanding
                && flow.callback_time.is_some_and(|c| now - c > landing)
            {
                self.settle(i, Some(now), false);
            }
        }
        let released = &mut self.released;
        self.flows.retain(|f| {
            let quiet = f.phase == Phase::Closed
                && f.outcome == Outcome::Succeeded
                && f.rules.is_empty()
                && f.conditions.is_empty()
                && f.denied == 0
                && f.last_time.is_some_and(|t| now - t > signed_in_quiet);
            if quiet {
                released.succeeded += 1;
                released.switched_pods |= f.switched_pods().is_some();
                released.success(f);
            }
            !quiet
        });
        if self.flows.len() > MAX_HELD_FLOWS * 3 / 4 {
            self.overflow_oldest(now, quiet_after);
        }
    }

    /// Moves the oldest flows out, settled or not, until `keep` are held: the hard bound
    /// behind [`MAX_HELD_FLOWS`]. An open flow is settled as the end of the input would
    /// settle it.
    fn overflow_forced(&mut self, keep: usize) {
        let excess = self.flows.len().saturating_sub(keep);
        let now = self.last_time;
        for i in 0..excess {
            self.settle(i, now, false);
        }
        let kept = self.flows.split_off(excess);
        for mut flow in std::mem::replace(&mut self.flows, kept) {
            self.count_released(&flow);
            flow.stamp_times();
            self.overflow.push(flow);
        }
    }

    fn count_released(&mut self, flow: &Flow) {
        match flow.outcome {
            Outcome::Failed => self.released.failed += 1,
            Outcome::Succeeded => {
                self.released.succeeded += 1;
                self.released.success(flow);
            }
            Outcome::Abandoned | Outcome::Incomplete => self.released.abandoned += 1,
        }
        self.released.switched_pods |=
            flow.outcome == Outcome::Succeeded && flow.switched_pods().is_some();
    }

    /// Moves the oldest settled flows out (down to half of [`MAX_HELD_FLOWS`]): closed and
    /// quiet long enough that no error can join them. A flow that began and never came back
    /// within the timeout is settled as abandoned first, as the end of the input would.
    fn overflow_oldest(&mut self, now: DateTime<Utc>, quiet_after: Duration) {
        let expired = self.timeout + quiet_after;
        for i in 0..self.flows.len() {
            let flow = &self.flows[i];
            if flow.phase == Phase::Begun && flow.last_time.is_some_and(|t| now - t > expired) {
                self.settle(i, Some(now), false);
            }
        }
        let mut excess = self.flows.len().saturating_sub(MAX_HELD_FLOWS / 2);
        let mut kept = Vec::with_capacity(self.flows.len());
        for mut flow in std::mem::take(&mut self.flows) {
            let settled = flow.phase == Phase::Closed
                && flow.last_time.is_some_and(|t| now - t > quiet_after);
            if excess > 0 && settled {
                excess -= 1;
                self.count_released(&flow);
                flow.stamp_times();
                self.overflow.push(flow);
            } else {
                kept.push(flow);
            }
        }
        self.flows = kept;
    }

    /// The flows moved out since the last call (see [`MAX_HELD_FLOWS`]); the caller counts
    /// their findings.
    pub fn take_overflow(&mut self) -> Vec<Flow> {
        std::mem::take(&mut self.overflow)
    }

    /// Whether a login seen so far began on one pod and came back to another and worked:
    /// then the replicas share sessions.
    pub fn sessions_shared(&self) -> bool {
        self.released.switched_pods
            || self
                .flows
                .iter()
                .any(|f| f.outcome == Outcome::Succeeded && f.switched_pods().is_some())
    }

    fn step(origin: &Origin<'_>, step: &'static str, status: Option<u16>, detail: String) -> Step {
        Step {
            time: rfc3339(origin.time),
            step: Cow::Borrowed(step),
            source: origin.source.to_string(),
            line: origin.line,
            pod: origin.pod.map(str::to_string),
            container: origin.container.map(str::to_string),
            status,
            detail,
        }
    }

    /// The [`Correlator::by_client`] key of `access`'s client.
    fn client_key(&self, access: &Access) -> u64 {
        use std::hash::BuildHasher;
        self.hasher
            .hash_one((access.client.as_str(), access.user_agent.as_deref()))
    }

    fn new_flow(
        &mut self,
        access: &Access,
        origin: &Origin<'_>,
        backend: Option<String>,
        key: u64,
    ) -> usize {
        let idx = self.flows.len();
        self.flows.push(Flow {
            id: String::new(),
            outcome: Outcome::Incomplete,
            stopped_at: Stop::Authorize,
            keys: Vec::new(),
            client: Client {
                address: access.client.clone(),
                user_agent: access.user_agent.clone(),
            },
            backend,
            started: None,
            ended: None,
            steps: Vec::new(),
            rules: Vec::new(),
            phase: Phase::Begun,
            start_time: origin.time,
            last_time: origin.time,
            callback_time: None,
            pod: origin.pod.map(str::to_string),
            conditions: Vec::new(),
            first_line: origin.line,
            serial: self.next_serial,
            denied: 0,
        });
        self.by_client.insert(key, self.next_serial);
        self.next_serial += 1;
        idx
    }

    fn touch(&mut self, idx: usize, origin: &Origin<'_>, step: Step) {
        self.flows[idx].touch(origin, step);
    }

    fn within(&self, a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>, limit: Duration) -> bool {
        match (a, b) {
            (Some(a), Some(b)) => (b - a) <= limit && (a - b) <= limit,
            _ => true,
        }
    }

    /// The flow with `serial`, while this correlator holds it: a browser capture adds the
    /// steps only the browser saw (the authorize request, Entra's error page) to the flow
    /// NetBox's requests began, as it reads them.
    pub fn flow_mut(&mut self, serial: u64) -> Option<&mut Flow> {
        self.at(serial).map(|i| &mut self.flows[i])
    }

    /// Rules that fired on a request of flow `idx` (an Entra error in the callback's query):
    /// they are the flow's findings; the request already decided its outcome.
    pub fn note(&mut self, serial: u64, rules: &[String], keys: &[String]) {
        if let Some(i) = self.at(serial) {
            self.flows[i].add_rules(rules, keys);
            self.index_keys(i);
        }
    }

    /// Feeds one access-log request on a login path; returns the flow it joined, if any.
    pub fn request(&mut self, access: &Access, origin: &Origin<'_>) -> Option<u64> {
        let serial = self.join_request(access, origin);
        // A request adds keys only to the flow it joins.
        if let Some(i) = serial.and_then(|s| self.at(s)) {
            self.index_keys(i);
        }
        serial
    }

    /// [`Correlator::request`] before the keys are indexed: finds the client's open flow,
    /// hands the request to the step its path names, and compacts when due.
    fn join_request(&mut self, access: &Access, origin: &Origin<'_>) -> Option<u64> {
        if origin.time.is_some() {
            self.last_time = self.last_time.max(origin.time);
        }
        self.expire_pending(origin.time, origin.line);
        let key = self.client_key(access);
        let open = self.open_flow_of(access, origin, key);
        let joined = if access.path.contains("/oauth/login/") {
            Some(self.begin(access, origin, open, key))
        } else if access.path.contains("/oauth/complete/") {
            Some(self.callback(access, origin, open, key))
        } else if access.path.ends_with("/login/") {
            open.and_then(|i| self.landing(access, origin, i))
        } else {
            None
        };
        if self.flows.len() >= self.compact_at {
            self.compact();
        }
        joined
    }

    /// The index of the open flow of `access`'s client (by client key `key`), if it is
    /// still within the flow timeout.
    fn open_flow_of(&self, access: &Access, origin: &Origin<'_>, key: u64) -> Option<usize> {
        self.by_client
            .get(&key)
            .and_then(|&serial| self.at(serial))
            .filter(|&i| {
                let flow = &self.flows[i];
                flow.client.address == access.client
                    && flow.client.user_agent == access.user_agent
                    && flow.phase != Phase::Closed
                    && self.within(flow.last_time, origin.time, self.timeout)
            })
    }

    /// A request to `/oauth/login/`: settles the client's `open` flow and begins a new one.
    /// Returns the new flow's serial.
    fn begin(
        &mut self,
        access: &Access,
        origin: &Origin<'_>,
        open: Option<usize>,
        key: u64,
    ) -> u64 {
        if let Some(i) = open {
            self.settle(i, origin.time, true);
        }
        let idx = self.new_flow(
            access,
            origin,
            backend_of(&access.path, "/oauth/login/"),
            key,
        );
        let step = Self::step(origin, "begin", Some(access.status), access.path.clone());
        self.touch(idx, origin, step);
        if let Some(id) = &access.request_id {
            self.flows[idx].keys.push(format!("request_id:{id}"));
        }
        self.flows[idx].serial
    }

    /// A request to `/oauth/complete/`: the callback of the client's `open` flow if it
    /// only began, else of a new flow. Returns that flow's serial.
    fn callback(
        &mut self,
        access: &Access,
        origin: &Origin<'_>,
        open: Option<usize>,
        key: u64,
    ) -> u64 {
        let backend = backend_of(&access.path, "/oauth/complete/");
        let idx = match open.filter(|&i| self.flows[i].phase == Phase::Begun) {
            Some(i) => i,
            None => {
                if let Some(i) = open {
                    self.settle(i, origin.time, true);
                }
                self.new_flow(access, origin, backend.clone(), key)
            }
        };
        let mut detail = access.path.clone();
        if let Some(error) = access.param("error") {
            detail = format!("{detail} error={error}");
        }
        let step = Self::step(origin, "callback", Some(access.status), detail);
        self.touch(idx, origin, step);
        let flow = &mut self.flows[idx];
        flow.callback_time = origin.time;
        if flow.backend.is_none() {
            flow.backend = backend;
        }
        if let Some(state) = access.param("state") {
            flow.keys.push(format!("state:{state}"));
        }
        if let Some(id) = &access.request_id {
            flow.keys.push(format!("request_id:{id}"));
        }
        if self.replayed_code(access, origin, idx) {
            self.attach_pending(idx);
            return self.flows[idx].serial;
        }
        let flow = &mut self.flows[idx];
        let failed = access.param("error").is_some() || access.status >= 400;
        if access.status == 404 {
            flow.note_condition(FlowCondition::Callback404);
        } else if access.status == 400 {
            flow.note_condition(FlowCondition::Callback400);
        }
        if failed {
            flow.phase = Phase::Closed;
            flow.outcome = Outcome::Failed;
            flow.stopped_at = Stop::Callback;
        } else {
            flow.phase = Phase::AwaitLanding;
            self.awaiting.push(flow.serial);
        }
        self.attach_pending(idx);
        self.flows[idx].serial
    }

    /// Keeps the callback's authorization code (on flow `idx`) and whether another flow
    /// redeemed it before: then the flow failed at the callback, and this returns true.
    fn replayed_code(&mut self, access: &Access, origin: &Origin<'_>, idx: usize) -> bool {
        let Some(code) = access.param("code") else {
            return false;
        };
        let t = tag(code);
        // Kept as read: the report masks keys like any other input text, so a
        // key's placeholder is the evidence's.
        self.flows[idx].keys.push(format!("code:{code}"));
        let serial = self.flows[idx].serial;
        match self.codes.get(&t) {
            Some(&(first, _)) if first != serial => {
                let flow = &mut self.flows[idx];
                flow.note_condition(FlowCondition::ReplayedCode);
                flow.phase = Phase::Closed;
                flow.outcome = Outcome::Failed;
                flow.stopped_at = Stop::Callback;
                true
            }
            Some(_) => false,
            None => {
                self.codes.insert(t, (serial, origin.time));
                false
            }
        }
    }

    /// A request to `/login/` after the callback of the client's flow `i`, within the
    /// landing window: a bounce to the login page (or a redirect loop). Returns the flow's
    /// serial, or `None` when the request is no landing.
    fn landing(&mut self, access: &Access, origin: &Origin<'_>, i: usize) -> Option<u64> {
        let flow = &self.flows[i];
        let in_window = flow.phase == Phase::AwaitLanding
            && self.within(
                flow.callback_time,
                origin.time,
                Duration::seconds(LANDING_WINDOW_SECS),
            );
        if !in_window {
            return None;
        }
        let loop_back = access.param("next").is_some();
        let step = Self::step(origin, "landing", Some(access.status), access.path.clone());
        self.touch(i, origin, step);
        let flow = &mut self.flows[i];
        flow.phase = Phase::Closed;
        flow.outcome = Outcome::Failed;
        flow.stopped_at = Stop::Landing;
        let condition = if loop_back {
            FlowCondition::RedirectLoop
        } else {
            FlowCondition::BouncedToLogin
        };
        flow.note_condition(condition);
        Some(flow.serial)
    }

    /// Feeds a page request answered 403 (`access`): when its client signed in within
    /// [`SIGNED_IN_WINDOW_SECS`] and that login worked, the page counts against it, and
    /// the [`DENIED_PAGES`]th such page marks the login "signed in, no permissions".
    /// Only GETs of NetBox's object pages count (see [`object_page`]), each path once, and
    /// not dashboard widgets (`?embedded=`).
    pub fn denied(&mut self, access: &Access, origin: &Origin<'_>) {
        if access.status != 403 || access.method != "GET" || !object_page(&access.path) {
            return;
        }
        if access.param("embedded").is_some() {
            // A dashboard widget: one page view loads several.
            return;
        }
        let key = self.client_key(access);
        let Some(i) = self.by_client.get(&key).and_then(|&serial| self.at(serial)) else {
            return;
        };
        let flow = &self.flows[i];
        let signed_in = flow.client.address == access.client
            && flow.client.user_agent == access.user_agent
            && (flow.phase == Phase::AwaitLanding
                || (flow.phase == Phase::Closed && flow.outcome == Outcome::Succeeded))
            && match (flow.callback_time, origin.time) {
                (Some(c), Some(t)) => t >= c && t - c <= Duration::seconds(SIGNED_IN_WINDOW_SECS),
                _ => true,
            };
        if !signed_in {
            return;
        }
        let flow = &self.flows[i];
        if flow
            .steps
            .iter()
            .any(|s| s.step == "page" && s.detail == access.path)
        {
            // The same page again (a reload) is not another page refused.
            return;
        }
        let step = Self::step(origin, "page", Some(access.status), access.path.clone());
        let flow = &mut self.flows[i];
        flow.denied += 1;
        if flow.denied <= DENIED_PAGES && flow.steps.len() < MAX_STEPS {
            flow.steps.push(step);
        }
        if flow.denied == DENIED_PAGES {
            flow.note_condition(FlowCondition::NoPermissions);
        }
    }

    /// Feeds an error event with no client of its own (a traceback, `Request failed ...`).
    ///
    /// `keys` are the Entra ids the event carries (`trace_id:...`, `correlation_id:...`): an
    /// error with an id a flow already has joins that flow first, whatever the time.
    /// Otherwise it waits for the callback that follows it on the same pod: Django logs a
    /// request's error before that request's access line, so a replayed callback's error
    /// belongs to the replay, not to the login that worked seconds before. Only when no
    /// callback follows within [`ERROR_WINDOW_SECS`] (or [`PENDING_LINES`] lines, without
    /// times) does it join the nearest earlier callback of its pod.
    pub fn error(&mut self, origin: &Origin<'_>, rules: &[String], keys: &[String]) {
        if origin.time.is_some() {
            self.last_time = self.last_time.max(origin.time);
        }
        self.expire_pending(origin.time, origin.line);
        if let Some(i) = self.latest_with_key(keys) {
            self.add_error(i, origin, rules, keys);
            return;
        }
        let pending = Orphan {
            source: origin.source.to_string(),
            line: origin.line,
            pod: origin.pod.map(str::to_string),
            container: origin.container.map(str::to_string),
            time: origin.time,
            rules: rules.to_vec(),
            keys: keys.to_vec(),
        };
        if self.pending_errors.len() >= MAX_PENDING {
            // A burst of errors with no login traffic: the oldest gives up waiting.
            let oldest = self.pending_errors.remove(0);
            self.settle_pending(oldest);
        }
        self.pending_errors.push(pending);
    }

    /// Settles the pending errors no callback can claim any more (see
    /// [`Correlator::error`]): those older than [`ERROR_WINDOW_SECS`] at time `now`, or, when
    /// either has no time, more than [`PENDING_LINES`] lines before `line`.
    fn expire_pending(&mut self, now: Option<DateTime<Utc>>, line: u64) {
        if self.pending_errors.is_empty() {
            return;
        }
        let window = Duration::seconds(ERROR_WINDOW_SECS);
        let pending = std::mem::take(&mut self.pending_errors);
        for p in pending {
            let expired = match (p.time, now) {
                (Some(t), Some(now)) => now - t > window,
                _ => line > p.line + PENDING_LINES,
            };
            if expired {
                self.settle_pending(p);
            } else {
                self.pending_errors.push(p);
            }
        }
    }

    /// A pending error no later callback claimed: it joins the nearest earlier callback of
    /// its pod whose login failed, else it is an orphan for [`join`] (another input, the
    /// ingress's log, may hold the callback that follows it). A login that worked never
    /// takes a later error: that error is another request's, a reload of the callback whose
    /// access line this input does not have.
    fn settle_pending(&mut self, pending: Orphan) {
        match self.nearest_callback(&pending.origin()) {
            Some(i) => self.add_error(i, &pending.origin(), &pending.rules, &pending.keys),
            None => self.orphan(pending),
        }
    }

    fn nearest_callback(&self, origin: &Origin<'_>) -> Option<usize> {
        self.flows
            .iter()
            .enumerate()
            .rev()
            .take(32)
            .filter(|(_, f)| f.callback_time.is_some() && f.pod.as_deref() == origin.pod)
            .filter(|(_, f)| f.phase != Phase::AwaitLanding && f.outcome != Outcome::Succeeded)
            .find(|(_, f)| {
                self.within(
                    f.callback_time,
                    origin.time,
                    Duration::seconds(ERROR_WINDOW_SECS),
                )
            })
            .map(|(i, _)| i)
    }

    fn add_error(&mut self, i: usize, origin: &Origin<'_>, rules: &[String], keys: &[String]) {
        self.flows[i].add_error(origin, rules, keys);
        self.index_keys(i);
    }

    /// The callback of flow `idx` claims the pending errors of its pod logged shortly
    /// before it: they are its own request's.
    fn attach_pending(&mut self, idx: usize) {
        let pending = std::mem::take(&mut self.pending_errors);
        for pending in pending {
            let flow = &self.flows[idx];
            if flow.pod == pending.pod
                && self.within(
                    flow.callback_time,
                    pending.time,
                    Duration::seconds(ERROR_WINDOW_SECS),
                )
            {
                self.add_error(idx, &pending.origin(), &pending.rules, &pending.keys);
            } else {
                self.pending_errors.push(pending);
            }
        }
    }

    fn orphan(&mut self, orphan: Orphan) {
        if self.orphans.len() < MAX_ORPHANS {
            self.orphans.push(orphan);
        }
    }

    /// Decides an open flow's outcome, at time `now` (or at the end of the log).
    fn settle(&mut self, i: usize, now: Option<DateTime<Utc>>, superseded: bool) {
        let timeout = self.timeout;
        let flow = &mut self.flows[i];
        match flow.phase {
            Phase::Closed => {}
            Phase::Begun => {
                let waited = match (flow.last_time, now) {
                    (Some(a), Some(b)) => b - a >= timeout,
                    _ => false,
                };
                // A second click within a few seconds is not a failure at Entra.
                let double_click = match (flow.last_time, now) {
                    (Some(a), Some(b)) => b - a < Duration::seconds(5),
                    _ => false,
                };
                if waited || (superseded && !double_click) {
                    flow.outcome = Outcome::Abandoned;
                    flow.stopped_at = Stop::Authorize;
                    if let Some(begin) = flow.steps.first().cloned() {
                        flow.conditions.push((FlowCondition::NoCallback, begin));
                    }
                } else if superseded {
                    flow.outcome = Outcome::Abandoned;
                    flow.stopped_at = Stop::Authorize;
                } else {
                    flow.outcome = Outcome::Incomplete;
                    flow.stopped_at = Stop::Authorize;
                }
            }
            Phase::AwaitLanding => {
                flow.outcome = Outcome::Succeeded;
                flow.stopped_at = Stop::Done;
            }
        }
        flow.phase = Phase::Closed;
    }

    /// Ends the input at time `end` (the last line's time, if it has one): settles open flows
    /// and returns them, with the errors that found no callback of their pod.
    pub fn finish(mut self, end: Option<DateTime<Utc>>) -> Finished {
        let end = self.last_time.max(end);
        for i in 0..self.flows.len() {
            self.settle(i, end, false);
        }
        for pending in std::mem::take(&mut self.pending_errors) {
            self.settle_pending(pending);
        }
        for flow in &mut self.flows {
            flow.stamp_times();
        }
        Finished {
            flows: self.flows,
            orphans: self.orphans,
            released: self.released,
        }
    }
}

mod join;
pub use join::join;

#[cfg(test)]
mod tests;
