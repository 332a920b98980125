//! Access-log lines (ingress-nginx, nginx "combined", gunicorn, Granian): client, request,
//! status, user agent and request id. Parsed only for lines that mention NetBox's login
//! paths, for the flow correlator.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use memchr::memmem::Finder;
use regex::Regex;

use crate::parse::{decode, timestamp};

/// The user agent of the kubelet's HTTP health probes.
const PROBE_AGENT: &[u8] = b"kube-probe/";

/// Whether `line` is a Kubernetes health probe on a non-OAuth path (NetBox's readiness probe
/// asks for `/login/` every few seconds): never part of a sign-in.
pub fn is_probe(line: &[u8]) -> bool {
    PROBE.find(line).is_some() && OAUTH.find(line).is_none()
}

/// Searchers built once: `memmem::find` builds one per call, which cost more than the
/// search itself on the short lines it runs on (a probe line every few seconds per pod).
static PROBE: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(PROBE_AGENT));
/// NetBox's OAuth paths (`/oauth/login/...`, `/oauth/complete/...`).
pub static OAUTH: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"/oauth/"));
/// A request answered 403 (the status after the quoted request line).
pub static DENIED: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"\" 403 "));
/// The local login page, where logins begin and failed ones land.
pub static LOGIN: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"/login/"));

/// One HTTP request as an access log records it.
#[derive(Debug, Clone, PartialEq)]
pub struct Access {
    /// Client address as logged (the ingress's view).
    pub client: String,
    /// HTTP method.
    pub method: String,
    /// Path without the query string.
    pub path: String,
    /// Query parameters, percent-decoded.
    pub query: Vec<(String, String)>,
    /// Response status.
    pub status: u16,
    /// User agent, when logged.
    pub user_agent: Option<String>,
    /// Request id (ingress-nginx `$req_id`, `X-Request-ID`), when logged.
    pub request_id: Option<String>,
    /// Time of the request from the line itself.
    pub time: Option<DateTime<Utc>>,
}

impl Access {
    /// The value of query parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

static COMBINED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?P<ip>[0-9A-Fa-f.:]{3,45}) \S+ \S+ \[(?P<time>[^\]]{10,40})\] "(?P<method>[A-Z]{3,7}) (?P<target>\S+)(?: [^"]*)?" (?P<status>[0-9]{3}) \S+(?: "(?P<referer>[^"]*)" "(?P<ua>[^"]*)")?(?P<rest>.*)$"#,
    )
    .expect("fixed regex")
});

static GRANIAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\[(?P<time>[^\]]{10,40})\] (?P<ip>[0-9A-Fa-f.:]{3,45}) - "(?P<method>[A-Z]{3,7}) (?P<target>\S+)(?: [^"]*)?" (?P<status>[0-9]{3})(?P<rest>.*)$"#,
    )
    .expect("fixed regex")
});

static REQUEST_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:\b(?:req(?:uest)?_?id|x-request-id)["']?\s*[=:]\s*["']?(?P<named>[0-9A-Za-z-]{8,64}))|(?:\s(?P<bare>[0-9a-f]{32})\s*$)"#)
        .expect("fixed regex")
});

/// The fields of an access-log line, as slices of it.
#[derive(Debug, PartialEq, Eq)]
struct Fields<'a> {
    ip: &'a str,
    time: &'a str,
    method: &'a str,
    target: &'a str,
    status: &'a str,
    ua: Option<&'a str>,
    rest: &'a str,
}

/// Reads a combined-format line that starts with the client address, taking at each step
/// the first choice [`COMBINED`] tries (each quantifier greedy, each optional part
/// present). When every step succeeds, that is the match the regex finds, so the result is
/// the same, at a fraction of the cost of the regex's captures; when a step fails, `None`
/// sends the line to the regex.
fn combined_first_choice(line: &str) -> Option<Fields<'_>> {
    let b = line.as_bytes();
    if !line.is_ascii() || memchr::memchr(b'\n', b).is_some() {
        return None;
    }
    let run = |from: usize, ok: &dyn Fn(u8) -> bool| {
        from + b[from..].iter().take_while(|&&c| ok(c)).count()
    };
    let expect = |at: usize, lit: &[u8]| b[at..].starts_with(lit).then_some(at + lit.len());
    let token = |from: usize| {
        let end = run(from, &|c| !c.is_ascii_whitespace());
        (end > from).then_some(end)
    };
    let ip_end = run(0, &|c| c.is_ascii_hexdigit() || c == b'.' || c == b':');
    if !(3..=45).contains(&ip_end) {
        return None;
    }
    let at = expect(ip_end, b" ")?;
    let at = expect(token(at)?, b" ")?;
    let at = expect(token(at)?, b" [")?;
    let time_end = run(at, &|c| c != b']');
    if !(10..=40).contains(&(time_end - at)) {
        return None;
    }
    let time = &line[at..time_end];
    let method_at = expect(time_end, b"] \"")?;
    let method_end = run(method_at, &|c| c.is_ascii_uppercase());
    if !(3..=7).contains(&(method_end - method_at)) {
        return None;
    }
    let target_at = expect(method_end, b" ")?;
    let target_end = token(target_at)?;
    let quote = match b.get(target_end) {
        Some(b' ') => target_end + memchr::memchr(b'"', &b[target_end..])?,
        Some(b'"') => target_end,
        _ => return None,
    };
    let status_at = expect(quote, b"\" ")?;
    let status_end = run(status_at, &|c| c.is_ascii_digit());
    if status_end - status_at < 3 {
        return None;
    }
    let status_end = status_at + 3;
    let bytes_at = expect(status_end, b" ")?;
    let bytes_end = token(bytes_at)?;
    // ` "referer" "ua"` when both are there, else nothing.
    let quoted = |at: usize| {
        let from = expect(at, b" \"")?;
        let end = from + memchr::memchr(b'"', &b[from..])?;
        Some((from, end + 1))
    };
    let (ua, rest_at) = match quoted(bytes_end).and_then(|(_, r)| Some((r, quoted(r)?))) {
        Some((_, (ua_from, ua_end))) => (Some(&line[ua_from..ua_end - 1]), ua_end),
        None => (None, bytes_end),
    };
    Some(Fields {
        ip: &line[..ip_end],
        time,
        method: &line[method_at..method_end],
        target: &line[target_at..target_end],
        status: &line[status_at..status_end],
        ua,
        rest: &line[rest_at..],
    })
}

/// Reads an access-log line with the regexes (see [`combined_first_choice`]).
fn fields_by_regex(line: &str) -> Option<Fields<'_>> {
    let caps = COMBINED.captures(line).or_else(|| GRANIAN.captures(line))?;
    let get = |name: &str| caps.name(name).map(|m| m.as_str());
    Some(Fields {
        ip: get("ip")?,
        time: get("time")?,
        method: get("method")?,
        target: get("target")?,
        status: get("status")?,
        ua: get("ua"),
        rest: get("rest").unwrap_or(""),
    })
}

/// Parses an access-log line; `None` when the line is not one.
pub fn parse(line: &str) -> Option<Access> {
    let f = combined_first_choice(line).or_else(|| fields_by_regex(line))?;
    let (path, query) = match f.target.split_once('?') {
        Some((p, q)) => (p, q),
        None => (f.target, ""),
    };
    let query = query
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => (decode::url(k), decode::url(v)),
            None => (decode::url(kv), String::new()),
        })
        .collect();
    let request_id = REQUEST_ID.captures(f.rest).and_then(|c| {
        c.name("named")
            .or_else(|| c.name("bare"))
            .map(|m| m.as_str().to_string())
    });
    Some(Access {
        client: f.ip.to_string(),
        method: f.method.to_string(),
        path: path.to_string(),
        query,
        status: f.status.parse().ok()?,
        user_agent: f.ua.map(str::to_string),
        request_id,
        time: timestamp::parse_value(f.time.as_bytes()),
    })
}

#[cfg(test)]
#[path = "access_tests.rs"]
mod tests;
