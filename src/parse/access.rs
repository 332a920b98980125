//! Access-log lines (ingress-nginx, nginx "combined", gunicorn, Granian): client, request,
//! status, user agent and request id. Parsed only for lines that mention NetBox's login
//! paths, for the flow correlator.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use regex::Regex;

use crate::parse::{decode, timestamp};

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

/// Parses an access-log line; `None` when the line is not one.
pub fn parse(line: &str) -> Option<Access> {
    let caps = COMBINED.captures(line).or_else(|| GRANIAN.captures(line))?;
    let target = &caps["target"];
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, q),
        None => (target, ""),
    };
    let query = query
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => (decode::url(k), decode::url(v)),
            None => (decode::url(kv), String::new()),
        })
        .collect();
    let rest = caps.name("rest").map_or("", |m| m.as_str());
    let request_id = REQUEST_ID.captures(rest).and_then(|c| {
        c.name("named")
            .or_else(|| c.name("bare"))
            .map(|m| m.as_str().to_string())
    });
    Some(Access {
        client: caps["ip"].to_string(),
        method: caps["method"].to_string(),
        path: path.to_string(),
        query,
        status: caps["status"].parse().ok()?,
        user_agent: caps.name("ua").map(|m| m.as_str().to_string()),
        request_id,
        time: timestamp::parse_value(caps["time"].as_bytes()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ingress_nginx_line_with_request_id() {
        let line = r#"10.42.0.1 - - [20/Nov/2026:09:14:02 +0000] "GET /oauth/complete/azuread-oauth2/?code=0.AXoA&state=Xy7&session_state=abc HTTP/1.1" 302 0 "https://login.microsoftonline.com/" "Mozilla/5.0 (X11)" 1534 0.412 [kotsadm-netbox-8080] [] 10.42.1.23:8080 0 0.412 302 6d2b8c1e0f9a4b7c8d3e2f1a0b9c8d7e"#;
        let a = parse(line).unwrap();
        assert_eq!(a.client, "10.42.0.1");
        assert_eq!(a.path, "/oauth/complete/azuread-oauth2/");
        assert_eq!(a.param("state"), Some("Xy7"));
        assert_eq!(a.status, 302);
        assert_eq!(a.user_agent.as_deref(), Some("Mozilla/5.0 (X11)"));
        assert_eq!(
            a.request_id.as_deref(),
            Some("6d2b8c1e0f9a4b7c8d3e2f1a0b9c8d7e")
        );
        assert_eq!(a.time.unwrap().to_rfc3339(), "2026-11-20T09:14:02+00:00");
    }

    #[test]
    fn error_callback_and_granian_and_not_access() {
        let a = parse(r#"203.0.113.9 - - [20/Nov/2026:09:14:02 +0000] "GET /oauth/complete/azuread-oauth2/?error=access_denied&error_description=AADSTS65004%3a+User+declined HTTP/1.1" 302 0"#).unwrap();
        assert_eq!(
            a.param("error_description"),
            Some("AADSTS65004: User declined")
        );
        assert_eq!(a.user_agent, None);
        let g = parse(r#"[2026-11-20 09:14:02 +0000] 10.0.0.5 - "GET /login/ HTTP/1.1" 200 3.2"#)
            .unwrap();
        assert_eq!(g.path, "/login/");
        assert!(parse("INFO 2026-11-20 09:14:02,123 social Request failed").is_none());
    }
}
