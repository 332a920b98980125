//! The pure half of analysing an event ([`Observer`]): runs the matcher on every view of
//! the event and gathers what a finding needs, with its evidence as a draft that is masked
//! only when kept or printed. No state between events: observers run on worker threads.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use crate::catalog::compile::Compiled;
use crate::catalog::{self, Refine, Symptom};
use crate::matcher::Fired;
use crate::parse::access::{self, Access};
use crate::parse::entra::{IdKind, entra_ids};
use crate::parse::jsonl::{self, Decoded, JsonLine};
use crate::parse::timestamp::{self, rfc3339};
use crate::parse::{Event, decode, lossy};
use crate::redact::{Masking, Shown};
use crate::refine;
use crate::report::Evidence;

use super::identifiers::Printed;
use super::{FindingKey, HTTPS_RULE, MAX_EVIDENCE_TEXT, UNKNOWN_AADSTS};

/// What one matched event adds to one finding.
#[derive(Debug, Clone)]
pub(super) struct RuleHit {
    pub(super) key: FindingKey,
    pub(super) code: Option<u32>,
    pub(super) rule_id: String,
    pub(super) symptom: Symptom,
    /// The rule's named captures, as read.
    pub(super) captures: Vec<(String, String)>,
    /// What the refiners said of them, as written (quoting input).
    pub(super) diagnosis: Vec<String>,
}

/// A matched event's evidence as read, masked only when a finding keeps it or a match
/// record prints it ([`Observer::show`]): most matched events are only counted.
#[derive(Debug, Clone)]
pub(super) struct Draft {
    pub(super) line: u64,
    pub(super) lines: u64,
    pub(super) time: Option<String>,
    /// The stretch of the event's text evidence is cut from ([`stretch`]).
    pub(super) text: String,
    /// Where in `text` the first anchor is: the window is cut around it.
    pub(super) at: usize,
    /// Bytes of the event's text before and after the stretch.
    pub(super) before: usize,
    pub(super) after: usize,
    pub(super) decoded: Option<DraftView>,
}

/// The start of an event's decoded view, and the raw text it was decoded from.
#[derive(Debug, Clone)]
pub(super) struct DraftView {
    pub(super) text: String,
    pub(super) raw: String,
    /// Bytes of the view past `text`.
    pub(super) after: usize,
}

/// A matched event, ready to be added to the findings.
#[derive(Debug, Clone)]
pub(super) struct MatchedEvent {
    pub(super) line: u64,
    pub(super) end_line: u64,
    pub(super) pod: Option<String>,
    pub(super) container: Option<String>,
    pub(super) time: Option<DateTime<Utc>>,
    pub(super) source_key: String,
    pub(super) ids: Vec<(IdKind, String)>,
    pub(super) codes_seen: BTreeSet<String>,
    /// The error identifiers the event printed, as read ([`Printed`]), and those of the
    /// fallback events it explains.
    pub(super) printed: Vec<Printed>,
    /// For an event only fallback rules fired on: the codes its text holds as written (no
    /// AADSTS code, none a rule implies), for the specific event that explains it.
    pub(super) codes_printed: Vec<String>,
    /// What the event adds to each finding: one hit per rule (or unknown code) that fired.
    pub(super) hits: Vec<RuleHit>,
    pub(super) draft: Draft,
    pub(super) fallback_only: bool,
    /// The event looked like a JSON line but did not parse: it was matched as text.
    pub(super) broken_json: bool,
    /// An access-log line: the correlator has it as a request already.
    pub(super) is_access: bool,
    /// The login flow (its serial in this input's correlator) the access-log line belongs to.
    pub(super) flow: Option<u64>,
}

/// An access-log line on one of NetBox's login paths (health probes left out), or a page
/// answered 403, parsed.
pub(super) fn login_request(body: &[u8]) -> Option<Access> {
    if access::OAUTH.find(body).is_none()
        && (access::LOGIN.find(body).is_none() || access::is_probe(body))
        && access::DENIED.find(body).is_none()
    {
        return None;
    }
    access::parse(&lossy(body))
}

/// The pure half of analysing an event: runs the matcher on every view of the event and
/// gathers what a finding needs. It holds no state between events, so several can run on
/// other threads while one [`Analyzer`](super::Analyzer) takes their results in input order.
#[derive(Clone)]
pub struct Observer<'c> {
    pub(super) compiled: &'c Compiled,
    pub(super) source: String,
    /// The input's name as evidence shows it.
    pub(super) source_shown: Shown,
    pub(super) masking: Masking,
    pub(super) https_rule: Option<usize>,
    /// The rules that fired on the event being matched (a buffer kept between events).
    pub(super) fired: Vec<Fired>,
    /// Whether to parse access-log requests for the correlator.
    pub(super) parse_requests: bool,
}

/// What an [`Observer`] found in one event, for
/// [`Analyzer::event_observed`](super::Analyzer::event_observed).
#[derive(Debug)]
pub struct Observation {
    /// The event, when a rule (or an AADSTS code) fired on it.
    pub(super) matched: Option<MatchedEvent>,
    /// The event as an access-log request on a login path, for the correlator.
    pub(super) access: Option<Access>,
    /// The values masking would hide in an event no rule fired on, to be masked where a
    /// later line repeats them (see [`crate::redact::learnable`]).
    pub(super) learned: Vec<(String, crate::redact::spans::Kind)>,
}

impl Observation {
    /// Whether a rule (or an AADSTS code) fired on the event.
    pub fn fired(&self) -> bool {
        self.matched.is_some()
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
        if let Some(matched) = &self.matched {
            bytes += o(&matched.pod) + o(&matched.container) + s(&matched.source_key);
            bytes += matched.ids.capacity() * std::mem::size_of::<(IdKind, String)>();
            bytes += matched.ids.iter().map(|(_, v)| s(v)).sum::<usize>();
            bytes += matched
                .codes_seen
                .iter()
                .map(|c| s(c) + 2 * BLOCK)
                .sum::<usize>();
            bytes += matched.printed.iter().map(Printed::weight).sum::<usize>();
            bytes += matched.codes_printed.capacity() * std::mem::size_of::<String>();
            bytes += matched.codes_printed.iter().map(|c| s(c)).sum::<usize>();
            bytes += matched.hits.capacity() * std::mem::size_of::<RuleHit>();
            let d = &matched.draft;
            bytes += s(&d.text) + o(&d.time);
            bytes += d.decoded.as_ref().map_or(0, |v| s(&v.text) + s(&v.raw));
            for hit in &matched.hits {
                bytes += s(&hit.rule_id);
                bytes += hit.captures.capacity() * std::mem::size_of::<(String, String)>();
                bytes += hit.captures.iter().map(|(k, v)| s(k) + s(v)).sum::<usize>();
                bytes += hit.diagnosis.iter().map(|d| s(d) + BLOCK).sum::<usize>();
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
        if let Some(matched) = &mut self.matched {
            let from = matched.line;
            let shift = |l: &mut u64| *l = *l - from + line;
            shift(&mut matched.end_line);
            shift(&mut matched.draft.line);
            matched.line = line;
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
            parse_requests: true,
        }
    }

    /// The evidence `matched` shows, masked, without captures.
    pub(super) fn show(&self, matched: &MatchedEvent) -> Evidence {
        let draft = &matched.draft;
        let hide = hidden_ids(matched);
        let masked = self.masking.show_hiding(&draft.text, &hide);
        let at = self
            .compiled
            .tagger
            .find(masked.as_bytes())
            .map_or(draft.at, |m| m.start());
        // What was masked in the text stays masked in its decoded view, whatever the
        // decoding made of its neighbours (`code=a%20b` is one value, `code=a b` two words).
        let decoded = draft.decoded.as_ref().map(|v| {
            self.masking
                .show_decoded_hiding(
                    &v.text,
                    &v.raw,
                    &|s| decode::view(s).unwrap_or_else(|| s.to_string()),
                    &hide,
                )
                .window_within(0, MAX_EVIDENCE_TEXT, 0, v.after)
        });
        Evidence {
            source: self.source_shown.clone(),
            line: draft.line,
            lines: draft.lines,
            pod: matched.pod.as_deref().map(|p| self.masking.show_line(p)),
            container: matched
                .container
                .as_deref()
                .map(|c| self.masking.show_line(c)),
            time: draft.time.clone(),
            text: masked.window_within(at, MAX_EVIDENCE_TEXT, draft.before, draft.after),
            decoded,
            captures: BTreeMap::new(),
            context_before: Vec::new(),
            context_after: Vec::new(),
        }
    }

    /// A rule's named `captures` (as read), masked; a client id that is not a GUID is
    /// masked whole (see [`hidden_ids`]).
    pub(super) fn show_captures(&self, captures: &[(String, String)]) -> BTreeMap<String, Shown> {
        let hide: Vec<String> = captures
            .iter()
            .filter(|(name, value)| hides(name, value))
            .map(|(_, value)| value.clone())
            .collect();
        captures
            .iter()
            .map(|(name, value)| (name.clone(), self.masking.show_hiding(value, &hide)))
            .collect()
    }

    /// An observer that only matches: no access-log parsing, for counting matches.
    pub fn matching_only(mut self) -> Self {
        self.parse_requests = false;
        self
    }

    /// Runs the matcher on every view of the event and gathers what a finding needs.
    pub fn observe(&mut self, frame: &Event<'_>) -> Observation {
        let matched = self.match_event(frame);
        let access = if self.parse_requests {
            login_request(frame.body)
        } else {
            None
        };
        // A line that fired nothing may still reveal a secret (`DEBUG loaded
        // client_secret=X`) that a later matched line repeats in a shape no rule knows. Not
        // a login request: its code and state are masked by their key wherever they stand,
        // and masking every one of them cost a long log a third of its time.
        let learned = if matched.is_none()
            && access.is_none()
            && !self.masking.show_secrets
            && self.parse_requests
        {
            crate::redact::learnable(&lossy(frame.body))
        } else {
            Vec::new()
        };
        Observation {
            matched,
            access,
            learned,
        }
    }

    /// The event as a [`MatchedEvent`] when a rule (or an AADSTS code) fired on its text,
    /// its JSON message or their decoded view; `None` when nothing did.
    pub(super) fn match_event(&mut self, frame: &Event<'_>) -> Option<MatchedEvent> {
        let compiled = self.compiled;
        let raw = lossy(frame.body);
        // In a traceback only the exception lines say what happened; frame and source lines
        // (`raise AuthCanceled(...)`) would only add noise.
        let text: Cow<'_, str> = if frame.traceback {
            Cow::Owned(exception_lines(&raw))
        } else {
            Cow::Borrowed(&raw)
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
        let view = self.fire(&text, message);
        let texts: Vec<&str> = [Some(&*text), message, view.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        dedup_fired(&mut self.fired);
        if self.fired.is_empty() {
            return None;
        }
        // Codes seen: the AADSTS codes read, and every code of a rule that fired (a
        // suppressed fallback included) that the text holds literally; then the codes the
        // rules left after the fallback imply.
        let mut codes_seen = self.codes_read(&texts);
        let literal_codes: Vec<String> = codes_seen
            .iter()
            .filter(|c| catalog::parse_aadsts(c).is_none())
            .cloned()
            .collect();
        compiled.apply_fallback(&mut self.fired);
        self.implied_codes(&mut codes_seen);
        // Only now, with a rule fired: what the event printed is reported with it, and
        // decides nothing.
        let printed = Printed::read(&texts);

        let shown = evidence_text(frame, json, message, &raw);
        let time = event_time(frame, json);
        let pod = frame.pod.map(|p| String::from_utf8_lossy(p).into_owned());
        let container = frame
            .container
            .map(|c| String::from_utf8_lossy(c).into_owned());
        let source_key = match (&pod, &container) {
            (Some(p), Some(c)) => format!("pod/{p}/{c}"),
            (Some(p), None) => format!("pod/{p}"),
            _ => self.source.clone(),
        };
        // The decoded view is shown for plain text only.
        let decoded_view = view
            .as_deref()
            .filter(|_| json.is_none() && !frame.traceback)
            .map(|v| draft_view(v, message.unwrap_or(&text)));
        let draft = self.draft(frame, &shown, time, decoded_view);
        let (hits, fallback_only) = self.rule_hits(&texts);
        Some(MatchedEvent {
            line: frame.line,
            end_line: frame.line + frame.lines - 1,
            pod,
            container,
            time,
            source_key,
            ids: entra_ids(&texts.join("\n")),
            codes_seen,
            printed: if printed.is_empty() {
                Vec::new()
            } else {
                vec![printed]
            },
            codes_printed: if fallback_only {
                literal_codes
            } else {
                Vec::new()
            },
            hits,
            draft,
            fallback_only,
            broken_json: matches!(decoded, Some(Decoded::Broken)),
            is_access: false,
            flow: None,
        })
    }

    /// Fires the rules on the event's `text` and JSON `message` into [`Observer::fired`],
    /// then on the decoded view of either; returns that view.
    fn fire(&mut self, text: &str, message: Option<&str>) -> Option<String> {
        let compiled = self.compiled;
        self.fired.clear();
        compiled.fire(text.as_bytes(), &mut self.fired);
        if let Some(m) = message {
            compiled.fire(m.as_bytes(), &mut self.fired);
        }
        // Shapes: URL-encoded, JSON-escaped or HTML text is matched once more, decoded. Most
        // candidate lines (health probes on /login/) have nothing to decode.
        let view = decode::view(message.unwrap_or(text));
        if let Some(v) = &view {
            compiled.fire(v.as_bytes(), &mut self.fired);
        }
        view
    }

    /// The codes read in the event's `texts`: the AADSTS codes the matcher parsed, every
    /// code of a rule that fired (a suppressed fallback included) that a text holds
    /// literally, and every OAuth 2.0 / OIDC error value a text holds as a word, in whatever
    /// syntax a library printed it (`(invalid_client)`, `error=invalid_grant`,
    /// `'suberror': 'consent_required'`). Runs before the fallback is applied.
    fn codes_read(&self, texts: &[&str]) -> BTreeSet<String> {
        let mut codes_seen = BTreeSet::new();
        for value in OAUTH_ERRORS {
            if texts.iter().any(|t| contains_word(t, value)) {
                codes_seen.insert((*value).to_string());
            }
        }
        for f in &self.fired {
            if let Some(code) = f.code {
                codes_seen.insert(format!("AADSTS{code}"));
            }
            if let Some(r) = f.rule {
                for code in &self.compiled.rules[r].rule.codes {
                    if catalog::parse_aadsts(code).is_none()
                        && texts.iter().any(|t| contains_word(t, code))
                    {
                        codes_seen.insert(code.clone());
                    }
                }
            }
        }
        codes_seen
    }

    /// Adds the codes the rules that fired imply: a rule with a single class-like code
    /// implies it ("Session value state missing." is what AuthStateMissing says, whether
    /// or not the class name was logged).
    fn implied_codes(&self, codes_seen: &mut BTreeSet<String>) {
        for f in &self.fired {
            if let Some(r) = f.rule {
                let mut own = self.compiled.rules[r]
                    .rule
                    .codes
                    .iter()
                    .filter(|c| catalog::parse_aadsts(c).is_none() && !c.starts_with("HTTP "));
                if let (Some(only), None) = (own.next(), own.next()) {
                    codes_seen.insert(only.clone());
                }
            }
        }
    }

    /// The evidence draft of the event whose evidence text is `shown`. A long line is cut
    /// around the first anchor, where the error text is. A very long one is cut to a wide
    /// stretch first, so the masker does not copy megabytes to show two thousand bytes; the
    /// stretch reaches far past what is shown, so no secret is cut where the masker would
    /// miss its shape.
    fn draft(
        &self,
        frame: &Event<'_>,
        shown: &str,
        time: Option<DateTime<Utc>>,
        decoded: Option<DraftView>,
    ) -> Draft {
        let anchor = self
            .compiled
            .tagger
            .find(shown.as_bytes())
            .map_or(0, |m| m.start());
        let (from, to) = stretch(shown, anchor);
        Draft {
            line: frame.line,
            lines: frame.lines,
            time: time.map(rfc3339),
            at: anchor - from,
            before: from,
            after: shown.len() - to,
            text: shown[from..to].to_string(),
            decoded,
        }
    }

    /// One hit per rule (or unknown code) in [`Observer::fired`], with its captures and
    /// what the refiners say of them, and whether only fallback rules fired. Empties the
    /// buffer for the next event.
    fn rule_hits(&mut self, texts: &[&str]) -> (Vec<RuleHit>, bool) {
        let mut fired = std::mem::take(&mut self.fired);
        let mut hits = Vec::with_capacity(fired.len());
        // A hit may add a rule to `fired` (see `refine_captures`): the list is read to its
        // end as it grows.
        let mut i = 0;
        while i < fired.len() {
            let f = fired[i];
            i += 1;
            hits.push(self.rule_hit(f, texts, &mut fired));
        }
        let fallback_only = fired
            .iter()
            .all(|f| f.rule.is_some_and(|r| self.compiled.rules[r].rule.fallback));
        fired.clear();
        self.fired = fired;
        (hits, fallback_only)
    }

    /// What rule (or unknown code) `f` adds to its finding: the rule's captures from the
    /// first of `texts` that has them, refined.
    fn rule_hit(&self, f: Fired, texts: &[&str], fired: &mut Vec<Fired>) -> RuleHit {
        let Some(r) = f.rule else {
            return RuleHit {
                key: FindingKey::UnknownCode(f.code.unwrap_or_default()),
                code: f.code,
                rule_id: UNKNOWN_AADSTS.to_string(),
                symptom: Symptom::Unknown,
                captures: Vec::new(),
                diagnosis: Vec::new(),
            };
        };
        let rule = &self.compiled.rules[r].rule;
        let mut captures = Vec::new();
        for t in texts {
            if captures.is_empty() {
                captures = self.compiled.captures(r, t.as_bytes());
            }
        }
        let diagnosis = self.refine_captures(r, &captures, fired);
        RuleHit {
            key: FindingKey::Rule(r),
            code: f.code,
            rule_id: rule.id.clone(),
            symptom: rule.symptom,
            captures,
            diagnosis,
        }
    }

    /// What the rule's refiner says of its `captures` (rule `r`). An insecure redirect URI
    /// also fires the https rule: it is added to `fired`, once.
    fn refine_captures(
        &self,
        r: usize,
        captures: &[(String, String)],
        fired: &mut Vec<Fired>,
    ) -> Vec<String> {
        let rule = &self.compiled.rules[r].rule;
        let mut diagnosis = Vec::new();
        for (name, value) in captures {
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
                (Some(Refine::ClientId), "client_id") => diagnosis.extend(refine::client_id(value)),
                (Some(Refine::Tenant), "tenant") => diagnosis.extend(refine::tenant(value)),
                _ => {}
            }
        }
        diagnosis
    }
}

/// The text an event's evidence shows: a JSON line as `LEVEL logger: message`, a
/// traceback as its summary, any other event as read (`raw`).
fn evidence_text(
    frame: &Event<'_>,
    json: Option<&JsonLine>,
    message: Option<&str>,
    raw: &str,
) -> String {
    match json {
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
            s.push_str(message.unwrap_or(raw));
            s
        }
        None if frame.traceback => traceback_summary(raw),
        None => raw.to_string(),
    }
}

/// The event's time: the kubectl prefix's, else the JSON line's, else the first time in
/// the event, else the first in the lines before it (`frame.context`).
fn event_time(frame: &Event<'_>, json: Option<&JsonLine>) -> Option<DateTime<Utc>> {
    frame
        .kube_time
        .and_then(timestamp::parse_value)
        .or_else(|| json.and_then(|j| j.time))
        .or_else(|| timestamp::find(frame.body))
        .or_else(|| frame.context.and_then(timestamp::find))
}

/// The start of a decoded `view`, and of the `raw` text it was decoded from: only its
/// start is shown, so what lies far past it need not be kept (nor masked). The raw text is
/// kept as far as a decoding three times shorter could reach.
fn draft_view(view: &str, raw: &str) -> DraftView {
    let mut cut = view.len().min(4 * MAX_EVIDENCE_TEXT);
    while !view.is_char_boundary(cut) {
        cut += 1;
    }
    let mut raw_cut = raw.len().min(3 * cut);
    while !raw.is_char_boundary(raw_cut) {
        raw_cut += 1;
    }
    DraftView {
        text: view[..cut].to_string(),
        raw: raw[..raw_cut].to_string(),
        after: view.len() - cut,
    }
}

/// The error values of OAuth 2.0 (RFC 6749, RFC 6750), OpenID Connect and Entra's token
/// endpoint: a code wherever a library prints one.
pub(super) const OAUTH_ERRORS: &[&str] = &[
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "unsupported_response_type",
    "invalid_scope",
    "access_denied",
    "server_error",
    "temporarily_unavailable",
    "invalid_token",
    "insufficient_scope",
    "interaction_required",
    "login_required",
    "account_selection_required",
    "consent_required",
    "invalid_request_uri",
    "invalid_request_object",
    "invalid_resource",
    "invalid_tenant",
    "authorization_pending",
    "expired_token",
];

/// True when `needle` occurs in `text` as a whole word (`ConnectionError` is not in
/// `NewConnectionError`).
pub(super) fn contains_word(text: &str, needle: &str) -> bool {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    text.match_indices(needle).any(|(at, _)| {
        !word(text[..at].chars().next_back()) && !word(text[at + needle.len()..].chars().next())
    })
}

/// The lines of a joined traceback that are not indented: the `Traceback` headers, chain
/// markers and exception lines.
pub(super) fn exception_lines(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with(' ') && !l.starts_with('\t'))
        .collect::<Vec<_>>()
        .join("\n")
}

pub(super) fn dedup_fired(fired: &mut Vec<Fired>) {
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

/// How far around its anchor a long event is read for evidence: far more than
/// [`MAX_EVIDENCE_TEXT`], and more than any secret is long.
pub(super) const EVIDENCE_STRETCH: usize = 64 * 1024;

/// The byte range of `text` (on character boundaries) that evidence is cut from: all of it
/// when short, else [`EVIDENCE_STRETCH`] before and after `at`.
pub(super) fn stretch(text: &str, at: usize) -> (usize, usize) {
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

/// The exception lines of a joined traceback (the lines that are neither frames nor
/// markers), which say what went wrong; `Traceback (N lines): a | b`.
pub(super) fn traceback_summary(text: &str) -> String {
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

/// Whether a capture named `name` holds a client id that must not be shown: a client id is
/// a GUID (or, for SAML, an entity id that is a URI); any other value may be a secret pasted
/// in its place, of a shape no rule knows (Entra secrets before 2020 have none), unless it
/// is too short to be one.
fn hides(name: &str, value: &str) -> bool {
    let value = value.trim();
    matches!(name, "client_id" | "app_id" | "application_id")
        // Shorter than any secret: a name (`netbox`), a placeholder (`x`).
        && value.len() >= 12
        && !matches!(value, "None" | "null")
        && !crate::refine::is_guid(value)
        && !value.contains("://")
        && !value.starts_with("spn:")
        && !value.starts_with("urn:")
}

/// The client ids the rules that fired on `matched` captured that must not be shown: they
/// are masked wherever the evidence holds them.
fn hidden_ids(matched: &MatchedEvent) -> Vec<String> {
    let mut hide: Vec<String> = matched
        .hits
        .iter()
        .flat_map(|h| h.captures.iter())
        .filter(|(name, value)| hides(name, value))
        .map(|(_, value)| value.trim().to_string())
        .collect();
    hide.sort();
    hide.dedup();
    hide
}
