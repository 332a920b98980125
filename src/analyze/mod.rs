//! Folds framed events into findings: runs the matcher on each candidate event, reads its
//! time, captures, Entra ids and refined causes, masks secrets, and keeps a bounded sample of
//! evidence. One [`Analyzer`] per input; [`Collected::merge`] joins them in input order so
//! the report never depends on thread timing.
//!
//! - `observe`: the pure half, one event at a time on any thread ([`Observer`]).
//! - this module: the stateful half in input order ([`Analyzer`]): fallback windows, Entra
//!   ids near a finding, the correlator.
//! - `findings`: what is gathered per finding ([`Collected`]) and the report's findings.

pub mod changes;
mod findings;
mod identifiers;
pub mod lifecycle;
mod observe;
#[cfg(test)]
mod tests;
mod tokens;

use chrono::{DateTime, Utc};
pub use findings::{Collected, FindingKey, FindingTally};
use identifiers::Printed;
use observe::MatchedEvent;
pub use observe::{Observation, Observer};

use findings::{min_opt, push_capped};

use crate::catalog::compile::Compiled;
use crate::correlate::{Correlator, Origin};
use crate::parse::access::{self, Access};
use crate::parse::entra::{self, IdKind, entra_ids};
use crate::parse::{Event, decode, lossy, timestamp};
use crate::redact::Masking;
use crate::report::build::MAX_EVIDENCE_SAMPLES;
use crate::report::verdict::push_incident;
use crate::report::{Evidence, Incident};

/// Entra ids kept per finding and kind.
pub const MAX_IDS: usize = 20;
/// Pods or files listed per finding at most.
pub const MAX_SOURCES: usize = 64;
/// Codes seen listed per finding at most.
pub const MAX_CODES_SEEN: usize = 64;
/// Error identifiers listed per finding at most.
pub const MAX_ERRORS_SEEN: usize = 32;
/// AADSTS codes the catalog does not know that get a finding each; the rest share one.
pub const MAX_UNKNOWN_CODES: usize = 100;
/// The key of the finding those others share.
const OTHER_UNKNOWN_CODES: u32 = u32::MAX;
/// Evidence text longer than this is cut to a window around the match.
pub const MAX_EVIDENCE_TEXT: usize = 2000;

/// Rule id of the finding made for an AADSTS code that no rule knows.
pub const UNKNOWN_AADSTS: &str = "unknown-aadsts-code";

pub use crate::report::MatchRecord;

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
    keys: Vec<FindingKey>,
}

/// Analyses the events of one input.
pub struct Analyzer<'c> {
    source: String,
    observer: Observer<'c>,
    loose: Vec<LooseIds>,
    last_fired: Option<LastFired>,
    /// The last specific (not fallback) event: its last line, pod and findings.
    last_specific: Option<(u64, Option<String>, Vec<FindingKey>)>,
    pending: Vec<MatchedEvent>,
    correlator: Option<Correlator>,
    /// Whether `on_match` is called ([`Analyzer::set_match_records`]).
    match_records: bool,
    /// What has been collected so far.
    pub collected: Collected,
}

impl<'c> Analyzer<'c> {
    /// An analyzer for the input called `source`. `show_secrets` turns redaction off.
    pub fn new(compiled: &'c Compiled, source: String, show_secrets: bool) -> Self {
        let masking = Masking {
            show_secrets,
            users: false,
        };
        Analyzer {
            observer: Observer::new(compiled, source.clone(), masking),
            source,
            loose: Vec::new(),
            last_fired: None,
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
    pub fn event(&mut self, frame: &Event<'_>, on_match: &mut dyn FnMut(&MatchRecord<'_>)) {
        let observation = self.observer.observe(frame);
        self.event_observed(frame, observation, on_match);
    }

    /// [`Analyzer::event`] with the matching already done by an [`Observer`] of this
    /// analyzer: the stateful part (login flows, fallback windows, findings), which must see
    /// the events in input order.
    pub fn event_observed(
        &mut self,
        frame: &Event<'_>,
        observation: Observation,
        on_match: &mut dyn FnMut(&MatchRecord<'_>),
    ) {
        // In input order: a record written later masks what this line revealed.
        crate::redact::learn(&observation.learned);
        if crate::token::may_contain(frame.body) {
            self.tokens(frame);
        }
        self.lifecycle(frame, observation.access.as_ref());
        let (is_access, flow) = self.request(frame, observation.access);
        let Some(mut matched) = observation.matched else {
            self.loose_ids(frame);
            self.flush(frame.line, false, on_match);
            return;
        };
        if matched.broken_json {
            self.collected.json_lines_broken += 1;
        }
        self.collected.matched_events += 1;
        self.collected.matched_lines += frame.lines;
        matched.is_access = is_access;
        matched.flow = flow;
        if matched.fallback_only {
            let explained = self.last_specific.as_ref().is_some_and(|(line, pod, _)| {
                *pod == matched.pod && matched.line.saturating_sub(*line) <= FALLBACK_WINDOW_LINES
            });
            if explained {
                // What the explained event printed belongs to the failure that explains it
                // (a stack trace, or the OAuth error, logged after Entra's message).
                let keys = self.last_specific.as_ref().map(|l| l.2.clone());
                self.add_printed(&keys.unwrap_or_default(), &matched);
            } else {
                self.pending.push(matched);
            }
            self.flush(frame.line, false, on_match);
            return;
        }
        // A specific finding explains the fallback events just before it in the same pod,
        // and takes the codes and error identifiers they printed.
        let (line, pod) = (matched.line, matched.pod.clone());
        let mut explained: Vec<MatchedEvent> = Vec::new();
        for p in std::mem::take(&mut self.pending) {
            if p.pod == pod && line.saturating_sub(p.end_line) <= FALLBACK_WINDOW_LINES {
                explained.push(p);
            } else {
                self.pending.push(p);
            }
        }
        for p in explained {
            matched.codes_seen.extend(p.codes_printed);
            matched.printed.extend(p.printed);
        }
        self.flush(frame.line, true, on_match);
        self.commit(matched, on_match);
        self.last_specific = self
            .last_fired
            .as_ref()
            .map(|l| (l.line, l.pod.clone(), l.keys.clone()));
    }

    /// Adds the codes and error identifiers an explained fallback event printed to the
    /// findings `keys` name (those of the event that explains it).
    fn add_printed(&mut self, keys: &[FindingKey], explained: &MatchedEvent) {
        for key in keys {
            if let Some(tally) = self.collected.tallies.get_mut(key) {
                for c in &explained.codes_printed {
                    if tally.codes_seen.len() < MAX_CODES_SEEN {
                        tally.codes_seen.insert(c.clone());
                    }
                }
            }
        }
        self.add_errors(keys, &explained.printed);
    }

    /// Adds the error identifiers of `printed` to the findings `keys` name, checking with
    /// the masker only those that one of them does not list yet and has room for: what
    /// they list is the same as if every one were checked.
    fn add_errors(&mut self, keys: &[FindingKey], printed: &[Printed]) {
        for p in printed {
            let tallies = &self.collected.tallies;
            let wanted = |value: &str| {
                keys.iter().any(|k| {
                    tallies.get(k).is_some_and(|t| {
                        t.errors_seen.len() < MAX_ERRORS_SEEN && !t.errors_seen.contains(value)
                    })
                })
            };
            let verified = p.verified(&wanted);
            if verified.is_empty() {
                continue;
            }
            for key in keys {
                if let Some(tally) = self.collected.tallies.get_mut(key) {
                    for e in &verified {
                        if tally.errors_seen.len() < MAX_ERRORS_SEEN {
                            tally.errors_seen.insert(e.clone());
                        }
                    }
                }
            }
        }
    }

    /// Commits pending fallback events that no specific event can explain any more (all of
    /// them when `all`, or at the end of the input).
    fn flush(&mut self, now: u64, all: bool, on_match: &mut dyn FnMut(&MatchRecord<'_>)) {
        if self.pending.is_empty() {
            return;
        }
        let (ready, waiting): (Vec<MatchedEvent>, Vec<MatchedEvent>) =
            std::mem::take(&mut self.pending)
                .into_iter()
                .partition(|p| all || now.saturating_sub(p.end_line) > FALLBACK_WINDOW_LINES);
        self.pending = waiting;
        for matched in ready {
            self.commit(matched, on_match);
        }
    }

    /// Sets how long a started login may take before it counts as abandoned.
    pub fn set_flow_timeout(&mut self, timeout: chrono::Duration) {
        self.correlator = Some(Correlator::new(timeout));
    }

    /// Notes the event's pod and time for the changes (see [`lifecycle`]).
    fn lifecycle(&mut self, frame: &Event<'_>, access: Option<&Access>) {
        let pod = frame.pod.map(String::from_utf8_lossy);
        let container = frame.container.map(String::from_utf8_lossy);
        let time = frame
            .kube_time
            .and_then(timestamp::parse_value)
            .or_else(|| access.and_then(|a| a.time));
        self.collected.lifecycle.event(
            &self.source,
            pod.as_deref(),
            container.as_deref(),
            time,
            frame.line,
            frame.body,
        );
    }

    /// Feeds an access-log line on a login path (`access`, parsed by the observer) to the
    /// correlator: whether it was one, and the flow it joined.
    fn request(&mut self, frame: &Event<'_>, access: Option<Access>) -> (bool, Option<u64>) {
        let Some(access) = access else {
            return (false, None);
        };
        let login_path =
            access::OAUTH.find(frame.body).is_some() || access::LOGIN.find(frame.body).is_some();
        // A page refused (not a login request): it counts against a recent login that
        // worked, and is no request of a flow.
        let denied = access.status == 403 && !login_path;
        if !denied && access::OAUTH.find(frame.body).is_none() {
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
        let Some(correlator) = self.correlator.as_mut() else {
            return (!denied, None);
        };
        let pod = frame.pod.map(String::from_utf8_lossy);
        let container = frame.container.map(String::from_utf8_lossy);
        let origin = Origin {
            source: &self.source,
            line: frame.line,
            pod: pod.as_deref(),
            container: container.as_deref(),
            time: access
                .time
                .or_else(|| frame.kube_time.and_then(timestamp::parse_value)),
        };
        if denied {
            correlator.denied(&access, &origin);
            return (false, None);
        }
        let flow = correlator.request(&access, &origin);
        let overflow = correlator.take_overflow();
        if !overflow.is_empty() {
            // Their findings are counted now: the report will not list them.
            let shared = correlator.sessions_shared();
            for mut flow in overflow {
                self.collected
                    .settle_flow(self.observer.compiled, &mut flow, shared);
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

impl Analyzer<'_> {
    /// Adds a matched event to its findings, its ids to theirs, and its rules to its login
    /// flow; prints its match record.
    fn commit(&mut self, matched: MatchedEvent, on_match: &mut dyn FnMut(&MatchRecord<'_>)) {
        let keys: Vec<FindingKey> = matched
            .hits
            .iter()
            .map(|hit| self.finding_key(hit.key))
            .collect();
        let shown = self.tally(&matched, &keys);
        self.attach(&keys, &matched.ids, matched.time);
        let waiting: Vec<LooseIds> = std::mem::take(&mut self.loose);
        for loose in waiting {
            if loose.pod == matched.pod
                && matched.line.saturating_sub(loose.line) <= ID_CONTEXT_LINES
            {
                self.attach(&keys, &loose.ids, matched.time);
            } else {
                self.loose.push(loose);
            }
        }
        self.last_fired = Some(LastFired {
            line: matched.end_line,
            pod: matched.pod.clone(),
            keys,
        });
        self.tell_correlator(&matched);
        if self.match_records
            && let Some(first) = matched.hits.first()
        {
            let mut evidence = shown.unwrap_or_else(|| self.observer.show(&matched));
            evidence.captures = self.observer.show_captures(&first.captures);
            on_match(&MatchRecord {
                rules: matched.hits.iter().map(|h| h.rule_id.as_str()).collect(),
                symptoms: matched.hits.iter().map(|h| h.symptom).collect(),
                evidence: &evidence,
            });
        }
    }

    /// Counts `matched` in the finding of each of its hits (`keys`, in the same order), and
    /// keeps it as evidence where a finding has room. Returns the evidence, masked, if it
    /// was made: evidence is masked only when a finding keeps it or a match record prints
    /// it.
    fn tally(&mut self, matched: &MatchedEvent, keys: &[FindingKey]) -> Option<Evidence> {
        let mut shown: Option<Evidence> = None;
        // A pasted error page has no log time: Entra's timestamp in its text stands in.
        let event_time = matched.time.or_else(|| {
            matched.ids.iter().find_map(|(kind, v)| match kind {
                IdKind::Timestamp => timestamp::parse_value(v.as_bytes()),
                _ => None,
            })
        });
        // One incident for every finding of the event: its place is hashed once.
        let incident = Incident::new(&matched.source_key, matched.line, event_time);
        for (hit, &key) in matched.hits.iter().zip(keys) {
            let tally = self.collected.tallies.entry(key).or_default();
            tally.count += 1;
            tally.in_time(matched.time, matched.pod.as_deref());
            tally.first = min_opt(tally.first, matched.time);
            tally.last = tally.last.max(matched.time);
            tally.log_timed |= matched.time.is_some();
            push_incident(&mut tally.incidents, incident);
            if tally.sources.len() < MAX_SOURCES && !tally.sources.contains(&matched.source_key) {
                tally.sources.insert(matched.source_key.clone());
            }
            if let Some(code) = hit.code
                && tally.codes_seen.len() < MAX_CODES_SEEN
            {
                tally.codes_seen.insert(format!("AADSTS{code}"));
            }
            for c in &matched.codes_seen {
                if tally.codes_seen.len() < MAX_CODES_SEEN {
                    tally.codes_seen.insert(c.clone());
                }
            }
            for d in &hit.diagnosis {
                if !tally.diagnosis.contains(d) {
                    push_capped(&mut tally.diagnosis, d.clone());
                }
            }
            if tally.evidence.len() < MAX_EVIDENCE_SAMPLES {
                let mut evidence = shown
                    .get_or_insert_with(|| self.observer.show(matched))
                    .clone();
                evidence.captures = self.observer.show_captures(&hit.captures);
                tally.evidence.push(evidence);
            }
        }
        self.add_errors(keys, &matched.printed);
        shown
    }

    /// Tells the correlator what `matched` says: the rules and Entra ids of a request
    /// line go to its flow; an error without a client of its own finds its flow there.
    fn tell_correlator(&mut self, matched: &MatchedEvent) {
        let Some(correlator) = self.correlator.as_mut() else {
            return;
        };
        let rules: Vec<String> = matched.hits.iter().map(|h| h.rule_id.clone()).collect();
        // Entra's trace and correlation ids are flow keys: the same id in two events puts
        // them in one flow.
        let id_keys: Vec<String> = matched
            .ids
            .iter()
            .filter_map(|(kind, v)| match kind {
                IdKind::Trace => Some(format!("trace_id:{v}")),
                IdKind::Correlation => Some(format!("correlation_id:{v}")),
                IdKind::Timestamp => None,
            })
            .collect();
        if let Some(flow) = matched.flow {
            // The request line itself says what went wrong (an `error=` callback).
            correlator.note(flow, &rules, &id_keys);
        }
        if !matched.is_access && !matched.fallback_only {
            correlator.error(
                &Origin {
                    source: &self.source,
                    line: matched.line,
                    pod: matched.pod.as_deref(),
                    container: matched.container.as_deref(),
                    time: matched.time,
                },
                &rules,
                &id_keys,
            );
        }
    }
}

impl Analyzer<'_> {
    /// Checks the claims of tokens a debug log shows (see [`crate::token`]); the token
    /// itself is never kept.
    fn tokens(&mut self, frame: &Event<'_>) {
        let text = lossy(frame.body);
        if crate::token::find(&text).is_empty() {
            return;
        }
        let at = tokens::LogLine {
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
        let found = tokens::log_tokens(&at, &text, self.collected.masking, self.observer.compiled);
        crate::report::build::merge_findings(&mut self.collected.extra, found);
    }

    /// A line that fired nothing may still carry Entra ids for a finding next to it.
    fn loose_ids(&mut self, frame: &Event<'_>) {
        // Only the lines that hold an id label are worth the regexes.
        if !entra::may_hold_ids(frame.body) {
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
            .last_fired
            .as_ref()
            .filter(|l| l.pod == pod && frame.line.saturating_sub(l.line) <= ID_CONTEXT_LINES)
        {
            let keys = last.keys.clone();
            let time = frame
                .kube_time
                .and_then(timestamp::parse_value)
                .or_else(|| timestamp::find(frame.body));
            self.attach(&keys, &ids, time);
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
    fn finding_key(&self, key: FindingKey) -> FindingKey {
        let full = || {
            self.collected
                .tallies
                .keys()
                .filter(|k| matches!(k, FindingKey::UnknownCode(_)))
                .count()
                >= MAX_UNKNOWN_CODES
        };
        match key {
            FindingKey::UnknownCode(_) if !self.collected.tallies.contains_key(&key) && full() => {
                FindingKey::UnknownCode(OTHER_UNKNOWN_CODES)
            }
            key => key,
        }
    }

    /// Adds the Entra ids of one event (or of lines next to it) to the findings `keys`
    /// name: each list, and one attempt row (time, trace id, correlation id).
    fn attach(
        &mut self,
        keys: &[FindingKey],
        ids: &[(IdKind, String)],
        time: Option<DateTime<Utc>>,
    ) {
        let first = |want: IdKind| {
            ids.iter()
                .find(|(kind, _)| *kind == want)
                .map(|(_, v)| v.clone())
        };
        let (trace, correlation) = (first(IdKind::Trace), first(IdKind::Correlation));
        let attempt = (trace.is_some() || correlation.is_some()).then(|| {
            let time = first(IdKind::Timestamp)
                .and_then(|t| timestamp::parse_value(t.as_bytes()))
                .or(time);
            (time, trace, correlation)
        });
        for key in keys {
            if let Some(tally) = self.collected.tallies.get_mut(key) {
                if let Some(a) = &attempt {
                    tally.attempts_total += 1;
                    push_capped(&mut tally.attempts, a.clone());
                }
                for (kind, value) in ids {
                    let set = match kind {
                        IdKind::Trace => &mut tally.trace_ids,
                        IdKind::Correlation => &mut tally.correlation_ids,
                        IdKind::Timestamp => {
                            // A pasted error page has no log time; Entra's own timestamps
                            // are the best times the finding can get (each page its own).
                            if !tally.log_timed {
                                let t = timestamp::parse_value(value.as_bytes());
                                tally.first = min_opt(tally.first, t);
                                tally.last = tally.last.max(t);
                                // The page's timestamp is its event's time (the event
                                // was counted just before its ids are attached).
                                if let Some(last) = tally.incidents.last_mut()
                                    && last.time.is_none()
                                {
                                    last.time = t;
                                }
                            }
                            &mut tally.timestamps
                        }
                    };
                    push_capped(set, value.clone());
                }
            }
        }
    }
}
