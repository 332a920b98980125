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

mod diagnose;
pub mod model;
pub mod redact;
pub mod url;

use std::fs::File;
use std::io::Read;
use std::path::Path;

use chrono::{DateTime, Utc};

use crate::analyze::{Analyzer, Collected, MatchRecord};
use crate::catalog::compile::Compiled;
use crate::correlate::{Correlator, Origin};
use crate::error::{Error, Result};
use crate::parse::access::Access;
use crate::parse::{Framer, timestamp};
use crate::report::Finding;

pub use diagnose::{LogLine, log_tokens};
pub use model::Har;
pub use url::Url;

/// A HAR larger than this is refused: it is parsed whole, and browser captures of a login
/// are a few megabytes (hundreds with every page's content).
pub const MAX_HAR_BYTES: u64 = 512 << 20;

/// Longest text of one entry handed to the matcher (an Entra page is mostly script).
const MAX_ENTRY_TEXT: usize = 16 * 1024;

/// The client name HAR flows carry: the browser that saved the capture.
pub const CLIENT: &str = "browser (HAR)";

/// What a HAR analysis needs from the run's settings.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--show-secrets`.
    pub reveal: bool,
    /// `--redact-users`.
    pub redact_users: bool,
    /// `--flow-timeout`, seconds.
    pub flow_timeout_secs: i64,
    /// `--redirect-uri`: the redirect URI the app registration should have.
    pub redirect_uri: Option<String>,
}

/// True when `head` (the start of a file) opens a HAR: `{"log": {`, allowing whitespace and
/// a byte-order mark. Docker's JSON log lines (`{"log":"...`) do not qualify.
pub fn looks_like_har(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let text = String::from_utf8_lossy(&head[..head.len().min(4096)]);
    let mut rest = text.trim_start();
    for token in ["{", "\"log\"", ":", "{"] {
        let Some(r) = rest.strip_prefix(token) else {
            return false;
        };
        rest = r.trim_start();
    }
    true
}

/// True when the file at `path` is a HAR (by content; a `.har` name is a HAR too, so a broken
/// one is reported as such rather than read as a log).
pub fn is_har(path: &Path) -> bool {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("har"))
    {
        return true;
    }
    let mut head = [0u8; 4096];
    let Ok(mut file) = File::open(path) else {
        return false;
    };
    let mut n = 0;
    while n < head.len() {
        match file.read(&mut head[n..]) {
            Ok(0) | Err(_) => break,
            Ok(k) => n += k,
        }
    }
    looks_like_har(&head[..n])
}

fn bad(path: &Path, problem: impl Into<String>) -> Error {
    Error::Har {
        path: path.to_path_buf(),
        problem: problem.into(),
    }
}

/// Reads and parses the HAR at `path`; one-line errors name the file and what is wrong.
pub fn load(path: &Path) -> Result<(Har, u64)> {
    let file = File::open(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => Error::MissingInput {
            path: path.to_path_buf(),
        },
        _ => Error::ReadInput {
            path: path.to_path_buf(),
            source,
        },
    })?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > MAX_HAR_BYTES {
        return Err(bad(
            path,
            format!(
                "HAR of {size} bytes is larger than the {} MiB sso-triage reads; save the capture again with only the login (clear the network log, then sign in)",
                MAX_HAR_BYTES >> 20
            ),
        ));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(MAX_HAR_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| Error::ReadInput {
            path: path.to_path_buf(),
            source,
        })?;
    parse(&bytes)
        .map(|h| (h, bytes.len() as u64))
        .map_err(|p| bad(path, p))
}

/// Parses HAR bytes; the error is one line.
pub fn parse(bytes: &[u8]) -> std::result::Result<Har, String> {
    if let Some(why) = crate::source::sniff_binary(&bytes[..bytes.len().min(8192)]) {
        return Err(format!("not a HAR file: binary content ({why})"));
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("not a valid HAR file: {e}"))?;
    if !value
        .get("log")
        .and_then(|l| l.get("entries"))
        .is_some_and(serde_json::Value::is_array)
    {
        return Err("not a HAR file: no log.entries array at the top level".into());
    }
    serde_json::from_value(value).map_err(|e| format!("not a valid HAR file: {e}"))
}

/// One entry, with what every stage needs of it.
struct Seen<'h> {
    entry: &'h model::Entry,
    url: Option<Url>,
    time: Option<DateTime<Utc>>,
}

/// Analyses one HAR: findings and flows, as a scan of a log would collect them.
pub fn analyze(
    har: &Har,
    name: &str,
    compiled: &Compiled,
    options: &Options,
    on_match: &mut dyn FnMut(&MatchRecord<'_>),
) -> Collected {
    let seen: Vec<Seen<'_>> = har
        .log
        .entries
        .iter()
        .map(|entry| Seen {
            entry,
            url: Url::parse(&entry.request.url),
            time: timestamp::parse_value(entry.started_date_time.trim().as_bytes()),
        })
        .collect();

    // 1. The catalog, over one line of error text per entry.
    let mut text = Vec::new();
    for (i, s) in seen.iter().enumerate() {
        text.extend_from_slice(error_text(&seen, i).as_bytes());
        let _ = s;
        text.push(b'\n');
    }
    let mut rules_at: Vec<Vec<String>> = vec![Vec::new(); seen.len()];
    let mut framer = Framer::with_scanner(compiled.scanner());
    let mut analyzer = Analyzer::new(compiled, name.to_string(), options.reveal);
    analyzer.set_redact_users(options.redact_users);
    {
        let mut record = |rec: &MatchRecord<'_>| {
            if let Some(slot) = rules_at.get_mut(rec.evidence.line.saturating_sub(1) as usize) {
                for r in &rec.rules {
                    if !slot.iter().any(|x| x == r) {
                        slot.push(r.to_string());
                    }
                }
            }
            on_match(rec);
        };
        framer.feed(&text, &mut |frame| analyzer.event(frame, &mut record));
        framer.finish(&mut |frame| analyzer.event(frame, &mut record));
        analyzer.finish(None, &mut record);
    }
    let mut collected = std::mem::take(&mut analyzer.collected);
    collected.frames = framer.stats;
    // The analyzer's own flows came from the error lines only; the HAR's flows are built
    // from its requests below.
    collected.flows.clear();
    collected.orphans.clear();

    // 2. NetBox's requests, through the flow correlator.
    let timeout = chrono::Duration::seconds(options.flow_timeout_secs.max(1));
    let mut correlator = Correlator::new(timeout);
    for (i, s) in seen.iter().enumerate() {
        let Some(url) = &s.url else { continue };
        if url.is_entra() {
            continue;
        }
        let path = &url.path;
        if !(path.contains("/oauth/login/")
            || path.contains("/oauth/complete/")
            || path.ends_with("/login/"))
        {
            continue;
        }
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
            source: name,
            line: i as u64 + 1,
            pod: None,
            container: None,
            time: s.time,
        };
        if let Some(serial) = correlator.request(&access, &origin)
            && !rules_at[i].is_empty()
        {
            correlator.note(serial, &rules_at[i], &[]);
        }
    }
    let end = seen.iter().filter_map(|s| s.time).max();
    let mut flows = correlator.finish(end).flows;

    // 3. What only the browser saw.
    let masking = crate::redact::Masking {
        reveal: options.reveal,
        users: options.redact_users,
    };
    let extra = diagnose::run(
        &diagnose::Input {
            name,
            seen: &seen,
            rules_at: &rules_at,
            expected_redirect: options.redirect_uri.as_deref(),
            masking,
        },
        &mut flows,
    );
    collected.flows = flows;
    collected.extra = extra;
    collected.masking = masking;
    collected
}

/// The text of entry `i` the catalog should read: an error redirect, an Entra error page or
/// error body, a callback with `error=`. Empty for everything else. One line, timed.
fn error_text(seen: &[Seen<'_>], i: usize) -> String {
    let s = &seen[i];
    let Some(url) = &s.url else {
        return String::new();
    };
    let e = s.entry;
    let time = s
        .time
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true) + " ")
        .unwrap_or_default();
    let head = format!(
        "{time}HAR entry {}: {} {} -> {}",
        i + 1,
        e.request.method,
        e.request.url,
        e.response.status
    );
    let callback_error = url.path.contains("/oauth/complete/") && url.param("error").is_some();
    if callback_error {
        return one_line(&head);
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
        let shown = format!(
            "{time}HAR entry {}: {} {} -> {}: {}",
            i + 1,
            e.request.method,
            base,
            e.response.status,
            page_text(&body)
        );
        return one_line(&shown);
    }
    // An error redirect whose target is not in the capture (the browser stopped there).
    if let Some(location) = e.response.location().filter(|l| l.contains("error="))
        && !seen[i + 1..]
            .iter()
            .any(|later| later.entry.request.url == location)
    {
        return one_line(&format!("{head} Location: {location}"));
    }
    String::new()
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

/// Adds `more` to `findings`, joining findings of the same rule (counts, evidence up to the
/// usual cap, diagnosis, times), and keeps the report's order.
pub fn merge_findings(findings: &mut Vec<Finding>, more: Vec<Finding>) {
    for f in more {
        match findings.iter_mut().find(|x| x.rule == f.rule) {
            Some(x) => {
                x.count += f.count;
                for e in f.evidence {
                    if x.evidence.len() < crate::analyze::MAX_EVIDENCE {
                        x.evidence.push(e);
                    }
                }
                for d in f.diagnosis {
                    if !x.diagnosis.contains(&d) {
                        x.diagnosis.push(d);
                    }
                }
                for s in f.sources {
                    if !x.sources.contains(&s) {
                        x.sources.push(s);
                    }
                }
                for c in f.codes_seen {
                    if !x.codes_seen.contains(&c) {
                        x.codes_seen.push(c);
                    }
                }
                x.first_seen = match (x.first_seen.take(), f.first_seen) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                x.last_seen = x.last_seen.take().max(f.last_seen);
            }
            None => findings.push(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing() {
        assert!(looks_like_har(
            b"\xef\xbb\xbf{\n  \"log\": {\"version\": \"1.2\""
        ));
        assert!(!looks_like_har(
            b"{\"log\":\"GET / 200\",\"stream\":\"stdout\"}"
        ));
        assert!(!looks_like_har(b"2026-11-20 log line"));
    }

    #[test]
    fn parse_errors_are_one_line() {
        for bad in [
            &b"{\"log\": {"[..],
            b"{\"log\": {\"entries\": 3}}",
            b"{\"other\": 1}",
            b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0",
        ] {
            let e = parse(bad).unwrap_err();
            assert!(!e.contains('\n'), "{e}");
        }
        let h = parse(br#"{"log":{"entries":[{"request":{"url":"x"}},{}]}}"#).unwrap();
        assert_eq!(h.log.entries.len(), 2);
    }

    #[test]
    fn page_text_keeps_the_error() {
        let page = format!(
            "<html><script>{}</script><div>Message: AADSTS50011: The redirect URI &#39;x&#39;</div>\n<div>Trace ID: 1</div></html>",
            "var a=1;".repeat(5000)
        );
        let t = page_text(&page);
        assert!(t.len() < 4000, "{}", t.len());
        assert!(t.contains("AADSTS50011: The redirect URI") && t.contains("Trace ID: 1"));
    }
}
