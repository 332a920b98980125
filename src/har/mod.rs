//! Browser captures (HAR files): what the browser saw of each login, which the NetBox pod
//! log never shows (Entra's error page, the authorize request, cookies, tokens).
//!
//! A HAR is told by its content (`{"log": {... "entries": [...]}}`), whatever its name. Its
//! entries go through the same stages as a log: the error text of each entry (an Entra
//! error page or error redirect, a callback with `error=`) is matched by the catalog, with
//! one line per entry (evidence `line` N is entry N); NetBox's own requests (begin,
//! callback, landing) go to the flow correlator as if an access log had them; then the
//! browser-only steps (authorize, Entra error) are added to those flows, and what only a
//! browser shows becomes findings of its own: the redirect URI sent, a
//! session cookie lost between begin and callback, and the claims of tokens ([`crate::token`]).
//! [`redact`] writes a copy safe to attach to a ticket.
//!
//! A HAR is read entry by entry (`stream`), never as a whole document: each entry goes
//! through the three stages as it is parsed and is dropped; what is kept is the state the
//! diagnosis needs (the correlator's flows, bounded as for a log, the latest authorize
//! request, begins waiting for their callback, a few lines of error text waiting for the
//! catalog), so memory does not grow with the number of entries. Gzip is undone on the way.

mod diagnose;
pub mod model;
pub mod redact;
mod stream;
pub mod url;

use std::collections::VecDeque;
use std::fs::File;
use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::de::IgnoredAny;

use crate::analyze::{Analyzer, Collected, MatchRecord};
use crate::catalog::compile::Compiled;
use crate::correlate::{Correlator, Origin, Outcome};
use crate::error::Error;
use crate::parse::access::Access;
use crate::parse::{Framer, timestamp};
use crate::redact::Masking;
use crate::source::ReadStats;

pub use crate::report::build::merge_findings;
pub use diagnose::HarCheck;
use diagnose::{Diagnosis, ErrorAt, Request};
pub use redact::Stats as RedactStats;
pub use url::Url;

/// Longest text of one entry handed to the matcher (an Entra page is mostly script).
const MAX_ENTRY_TEXT: usize = 16 * 1024;

/// How many entries after an error redirect its target is looked for: when the browser
/// followed it, the page it led to (Entra's or NetBox's) tells the error better, and the
/// redirect itself is not read. Browsers follow a redirect at once, so the target is among
/// the next few entries.
const REDIRECT_LOOKAHEAD: u64 = 64;

/// Entries with error text remembered until the catalog has answered for them (a fallback
/// rule answers up to 50 matched lines later; see [`crate::analyze`]).
const MAX_WAITING: usize = 4096;

/// Lines of error text gathered before the framer reads them.
const FEED_BYTES: usize = 64 * 1024;

/// The client name HAR flows carry: the browser that saved the capture.
pub const CLIENT: &str = "browser (HAR)";

/// What a HAR analysis needs from the run's settings.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--show-secrets`.
    pub show_secrets: bool,
    /// `--redact-users`.
    pub redact_users: bool,
    /// `--flow-timeout`, seconds.
    pub flow_timeout_secs: i64,
    /// `--redirect-uri`: the redirect URI the app registration should have.
    pub redirect_uri: Option<String>,
}

fn bad(path: &Path, problem: impl Into<String>) -> Error {
    Error::Har {
        path: path.to_path_buf(),
        problem: problem.into(),
    }
}

fn open(path: &Path) -> Result<File, Error> {
    File::open(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => Error::MissingInput {
            path: path.to_path_buf(),
        },
        _ => Error::ReadInput {
            path: path.to_path_buf(),
            source,
        },
    })
}

fn failure(path: &Path, f: stream::Failure) -> Error {
    match f {
        stream::Failure::Bad(problem) => bad(path, problem),
        stream::Failure::Read(source) | stream::Failure::Sink(source) => Error::ReadInput {
            path: path.to_path_buf(),
            source,
        },
    }
}

/// Reads and analyses a HAR (plain or gzip) from `raw` entry by entry: findings and flows,
/// as a scan of a log would collect them; `path` names it in errors. Memory holds one entry
/// and the bounded state of the flows, whatever the size of the capture. A HAR that breaks
/// off is analysed as far as it goes, and the error (one line: the file and the place,
/// never its content) comes with what was found.
pub fn scan(
    raw: impl std::io::Read,
    path: &Path,
    name: &str,
    compiled: &Compiled,
    options: &Options,
    on_match: &mut dyn FnMut(&MatchRecord<'_>),
) -> (Collected, Result<ReadStats, Error>) {
    let mut analysis = Analysis::new(name, compiled, options, on_match);
    let read = stream::read(raw, &mut analysis);
    let collected = analysis.finish();
    let read = read
        .map(|done| ReadStats {
            bytes: done.bytes,
            gzip: done.gzip,
            ..ReadStats::default()
        })
        .map_err(|f| failure(path, f));
    (collected, read)
}

/// Analyses HAR bytes held in memory (tests, tools): [`scan`] without a file.
pub fn scan_bytes(
    bytes: &[u8],
    name: &str,
    compiled: &Compiled,
    options: &Options,
) -> (Collected, Result<ReadStats, Error>) {
    let mut ignore = |_: &MatchRecord<'_>| {};
    scan(bytes, Path::new(name), name, compiled, options, &mut ignore)
}

/// Writes a masked copy of the HAR at `input` (plain or gzip; `-` for stdin) to `out`
/// entry by entry (see [`redact`]). On an error part of the copy may have been written.
pub fn redact_to(input: &Path, out: &mut dyn Write) -> Result<RedactStats, Error> {
    if input.as_os_str() == "-" {
        redact_reader(input, std::io::stdin().lock(), out)
    } else {
        // A file is read twice: first for the values masked anywhere in it, so the copy
        // masks each wherever it stands, before or after the part that showed it secret.
        // A file that cannot be read fails on the second pass, with its message.
        let echoes = open(input)
            .ok()
            .and_then(|f| redact::learn_stream(f).ok())
            .unwrap_or_default();
        redact::redact_stream_knowing(open(input)?, out, echoes).map_err(|f| match f {
            stream::Failure::Sink(e) => Error::Write(e),
            f => failure(input, f),
        })
    }
}

/// [`redact_to`] of the HAR read from `input`, named `name` in errors.
pub fn redact_reader(
    name: &Path,
    input: impl std::io::Read,
    out: &mut dyn Write,
) -> Result<RedactStats, Error> {
    redact::redact_stream(input, out).map_err(|f| match f {
        // A write that failed is the output's problem, not the input's.
        stream::Failure::Sink(e) => Error::Write(e),
        f => failure(name, f),
    })
}

/// One entry, with what every stage needs of it.
pub(crate) struct Seen {
    entry: model::Entry,
    url: Option<Url>,
    time: Option<DateTime<Utc>>,
    /// Its number, from 1: the "line" of evidence.
    line: u64,
}

/// A line of error text waiting for the framer: an error redirect waits for its target.
struct Held {
    line: u64,
    text: String,
    /// The Location of an error redirect whose target has not been seen yet.
    awaiting: Option<String>,
}

/// An entry whose error text went to the catalog, until the catalog has answered for it.
struct Waiting {
    line: u64,
    /// The flow of a NetBox request.
    netbox: Option<u64>,
    /// Where an Entra error would go.
    entra: Option<ErrorAt>,
    answered: bool,
}

/// The analysis of one HAR, fed entry by entry by [`stream::read`].
struct Analysis<'c: 'n, 'm, 'n> {
    name: &'n str,
    compiled: &'c Compiled,
    show_secrets: bool,
    masking: Masking,
    framer: Framer<'c>,
    analyzer: Analyzer<'c>,
    on_match: &'m mut dyn FnMut(&MatchRecord<'_>),
    text: Vec<u8>,
    held: VecDeque<Held>,
    waiting: VecDeque<Waiting>,
    /// Rules the catalog found, by entry, not yet applied.
    records: Vec<(u64, Vec<String>)>,
    correlator: Correlator,
    diagnosis: Diagnosis<'n>,
    last_serial: Option<u64>,
    line: u64,
    end: Option<DateTime<Utc>>,
    /// Flows the correlator let go of (and counted) before the browser's steps changed
    /// their outcome: corrections to its succeeded, failed and abandoned counts.
    recount: [i64; 3],
}

/// The [`crate::correlate::Released`] count an outcome goes to.
fn released_slot(o: Outcome) -> usize {
    match o {
        Outcome::Succeeded => 0,
        Outcome::Failed => 1,
        Outcome::Abandoned | Outcome::Incomplete => 2,
    }
}

impl<'c, 'm, 'n> Analysis<'c, 'm, 'n> {
    fn new(
        name: &'n str,
        compiled: &'c Compiled,
        options: &Options,
        on_match: &'m mut dyn FnMut(&MatchRecord<'_>),
    ) -> Self {
        let mut analyzer = Analyzer::new(compiled, name.to_string(), options.show_secrets);
        analyzer.set_redact_users(options.redact_users);
        let masking = Masking {
            show_secrets: options.show_secrets,
            users: options.redact_users,
        };
        let timeout = chrono::Duration::seconds(options.flow_timeout_secs.max(1));
        Analysis {
            name,
            compiled,
            show_secrets: options.show_secrets,
            masking,
            framer: Framer::with_scanner(compiled.scanner()),
            analyzer,
            on_match,
            text: Vec::with_capacity(FEED_BYTES + MAX_ENTRY_TEXT * 2),
            held: VecDeque::new(),
            waiting: VecDeque::new(),
            records: Vec::new(),
            correlator: Correlator::new(timeout),
            diagnosis: Diagnosis::new(name, options.redirect_uri.as_deref(), masking, compiled),
            last_serial: None,
            line: 0,
            end: None,
            recount: [0; 3],
        }
    }

    fn entry(&mut self, entry: model::Entry) {
        self.line += 1;
        let s = Seen {
            url: Url::parse(&entry.request.url),
            time: timestamp::parse_value(entry.started_date_time.trim().as_bytes()),
            entry,
            line: self.line,
        };
        self.end = self.end.max(s.time);
        // An error redirect the browser followed: the page it led to tells the error.
        for h in self.held.iter_mut() {
            if h.awaiting.as_deref() == Some(s.entry.request.url.as_str()) {
                h.text.clear();
                h.awaiting = None;
            }
        }
        // 1. NetBox's requests, through the flow correlator.
        let request = self.request(&s);
        // 2. What only the browser saw.
        self.diagnosis.entry(&s, request, &mut self.correlator);
        // 3. The catalog, over one line of error text per entry.
        let (text, awaiting) = error_text(&s, self.show_secrets);
        if !text.is_empty() {
            let entra = s.url.as_ref().is_some_and(Url::is_entra).then(|| ErrorAt {
                line: s.line,
                time: s.time,
                status: s.entry.response.status,
                owner: self.diagnosis.owner(),
            });
            self.waiting.push_back(Waiting {
                line: s.line,
                netbox: request.map(|r| r.0),
                entra,
                answered: false,
            });
            if self.waiting.len() > MAX_WAITING {
                self.waiting.pop_front();
            }
        }
        self.held.push_back(Held {
            line: s.line,
            text,
            awaiting,
        });
        self.pump(false);
    }

    /// Feeds a request on NetBox's login paths to the correlator: the flow it joined.
    fn request(&mut self, s: &Seen) -> Option<(u64, Request)> {
        let url = s.url.as_ref().filter(|u| !u.is_entra())?;
        let path = &url.path;
        let kind = if path.contains("/oauth/login/") {
            Request::Begin
        } else if path.contains("/oauth/complete/") {
            Request::Callback
        } else if path.ends_with("/login/") {
            Request::Other
        } else {
            return None;
        };
        let access = Access {
            client: CLIENT.to_string(),
            method: s.entry.request.method.clone(),
            path: path.clone(),
            query: url.query.clone(),
            status: s.entry.response.status,
            user_agent: model::header(&s.entry.request.headers, "user-agent").map(str::to_string),
            request_id: None,
            time: s.time,
        };
        let origin = Origin {
            source: self.name,
            line: s.line,
            pod: None,
            container: None,
            time: s.time,
        };
        let serial = self.correlator.request(&access, &origin);
        if let Some(serial) = serial
            && self.last_serial.is_none_or(|last| serial > last)
        {
            self.last_serial = Some(serial);
            self.diagnosis.new_flow(serial, &mut self.correlator);
        }
        // Flows the correlator no longer holds: counted now, as a log's would be.
        let overflow = self.correlator.take_overflow();
        if !overflow.is_empty() {
            let shared = self.correlator.sessions_shared();
            for mut flow in overflow {
                let counted = flow.outcome;
                diagnose::finish_flow(&mut flow);
                if released_slot(counted) != released_slot(flow.outcome) {
                    self.recount[released_slot(counted)] -= 1;
                    self.recount[released_slot(flow.outcome)] += 1;
                }
                self.analyzer
                    .collected
                    .settle_flow(self.compiled, &mut flow, shared);
            }
        }
        serial.map(|serial| (serial, kind))
    }

    /// Hands the held lines that are ready (all of them at the end) to the framer.
    fn pump(&mut self, all: bool) {
        while let Some(front) = self.held.front() {
            let ready =
                all || front.awaiting.is_none() || front.line + REDIRECT_LOOKAHEAD <= self.line;
            if !ready {
                break;
            }
            let Some(h) = self.held.pop_front() else {
                break;
            };
            self.text.extend_from_slice(h.text.as_bytes());
            self.text.push(b'\n');
            if !h.text.is_empty() || self.text.len() >= FEED_BYTES {
                self.feed();
            }
        }
    }

    fn feed(&mut self) {
        if self.text.is_empty() {
            return;
        }
        let Analysis {
            framer,
            analyzer,
            on_match,
            records,
            text,
            ..
        } = self;
        let mut record = |rec: &MatchRecord<'_>| {
            records.push((
                rec.evidence.line,
                rec.rules.iter().map(|r| r.to_string()).collect(),
            ));
            on_match(rec);
        };
        framer.feed(text, &mut |frame| analyzer.event(frame, &mut record));
        text.clear();
        self.resolve();
    }

    /// Applies what the catalog found to the flows: rules on a NetBox request are its
    /// flow's findings; an Entra error is a step of the flow that owned it.
    fn resolve(&mut self) {
        for (line, rules) in std::mem::take(&mut self.records) {
            let Ok(at) = self.waiting.binary_search_by_key(&line, |w| w.line) else {
                continue;
            };
            let w = &mut self.waiting[at];
            if let Some(serial) = w.netbox {
                self.correlator.note(serial, &rules, &[]);
            }
            if let Some(e) = &w.entra {
                // One step per entry, however many events the catalog made of it.
                self.diagnosis
                    .entra_error(e, &rules, !w.answered, &mut self.correlator);
            }
            w.answered = true;
        }
    }

    fn finish(mut self) -> Collected {
        self.pump(true);
        self.feed();
        {
            let Analysis {
                framer,
                analyzer,
                on_match,
                records,
                ..
            } = &mut self;
            let mut record = |rec: &MatchRecord<'_>| {
                records.push((
                    rec.evidence.line,
                    rec.rules.iter().map(|r| r.to_string()).collect(),
                ));
                on_match(rec);
            };
            framer.finish(&mut |frame| analyzer.event(frame, &mut record));
            analyzer.finish(None, &mut record);
        }
        self.resolve();
        let mut collected = std::mem::take(&mut self.analyzer.collected);
        collected.frames = self.framer.stats;
        let finished = self.correlator.finish(self.end);
        let mut flows = finished.flows;
        for flow in &mut flows {
            diagnose::finish_flow(flow);
        }
        // The analyzer's own flows came from the error lines only; the HAR's are built
        // from its requests.
        collected.flows = flows;
        collected.orphans = finished.orphans;
        let mut released = finished.released;
        for (count, delta) in [
            &mut released.succeeded,
            &mut released.failed,
            &mut released.abandoned,
        ]
        .into_iter()
        .zip(self.recount)
        {
            *count = count.saturating_add_signed(delta);
        }
        collected.released.add(released);
        collected.extra = self.diagnosis.findings();
        collected.masking = self.masking;
        collected
    }
}

impl stream::Sink for Analysis<'_, '_, '_> {
    type Entry = model::Entry;
    type Other = IgnoredAny;

    fn member(&mut self, _: stream::Level, _: String, _: IgnoredAny) -> std::io::Result<()> {
        Ok(())
    }

    fn entry(&mut self, entry: model::Entry) -> std::io::Result<()> {
        Analysis::entry(self, entry);
        Ok(())
    }
}

/// The text of entry `s` the catalog should read: an error redirect, an Entra error page or
/// error body, a callback with `error=`. Empty for everything else. One line, timed, its
/// secrets masked (unless `show_secrets`). With an error redirect, its Location: the line is
/// dropped if the browser followed it.
fn error_text(s: &Seen, show_secrets: bool) -> (String, Option<String>) {
    let Some(url) = &s.url else {
        return (String::new(), None);
    };
    let e = &s.entry;
    let time = s
        .time
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true) + " ")
        .unwrap_or_default();
    let masked_url = |u: &str| {
        if show_secrets {
            u.to_string()
        } else {
            redact::mask_url(u)
        }
    };
    let head = format!(
        "{time}HAR entry {}: {} {} -> {}",
        s.line,
        e.request.method,
        masked_url(&e.request.url),
        e.response.status
    );
    let callback_error = url.path.contains("/oauth/complete/") && url.param("error").is_some();
    if callback_error {
        return (one_line(&head), None);
    }
    let body = e.response.content.body().unwrap_or_default();
    let interesting_body = body.contains("AADSTS")
        || (url.is_entra() && e.response.status >= 400 && body.contains("error"));
    if interesting_body {
        let (base, _) = e
            .request
            .url
            .split_once('?')
            .unwrap_or((&e.request.url, ""));
        let body = if show_secrets {
            body
        } else {
            redact::mask_body(&body, &e.response.content.mime_type)
        };
        let shown = format!(
            "{time}HAR entry {}: {} {} -> {}: {}",
            s.line,
            e.request.method,
            masked_url(base),
            e.response.status,
            page_text(&body)
        );
        return (one_line(&shown), None);
    }
    // An error redirect whose target may not be in the capture (the browser stopped there).
    if let Some(location) = e.response.location().filter(|l| l.contains("error=")) {
        let text = one_line(&format!("{head} Location: {}", masked_url(location)));
        return (text, Some(location.to_string()));
    }
    (String::new(), None)
}

/// The readable part of a response body: tags dropped, whitespace collapsed, and for a long
/// page only the neighbourhood of each AADSTS code.
fn page_text(body: &str) -> String {
    let mut out = String::with_capacity(body.len().min(MAX_ENTRY_TEXT * 2));
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' if !in_tag => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if in_tag => {}
            c if c.is_whitespace() => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
    }
    if out.len() <= MAX_ENTRY_TEXT {
        return out;
    }
    let mut parts = Vec::new();
    let mut from = 0;
    for (at, _) in out.match_indices("AADSTS") {
        if at < from {
            continue;
        }
        let mut start = at.saturating_sub(200).max(from);
        while !out.is_char_boundary(start) {
            start += 1;
        }
        let mut end = (at + 1500).min(out.len());
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        parts.push(&out[start..end]);
        from = end;
        if parts.len() >= 8 {
            break;
        }
    }
    if parts.is_empty() {
        let mut end = MAX_ENTRY_TEXT;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        return out[..end].to_string();
    }
    parts.join(" … ")
}

fn one_line(text: &str) -> String {
    let mut s: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    if s.len() > MAX_ENTRY_TEXT * 2 {
        let mut end = MAX_ENTRY_TEXT * 2;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}

#[cfg(test)]
mod tests;
