//! Tokens in log lines (a debug log of the token response): their claims are checked
//! against the line's time, as a HAR capture's are.

use std::collections::BTreeMap;
use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use crate::catalog::compile::Compiled;
use crate::redact::{Masking, tag};
use crate::report::Finding;
use crate::report::build::FindingBuilder;
use crate::token::{self, Expected, Kind};

/// Where a token was found in a log: the input, line, pod and container, and time.
pub struct LogLine<'a> {
    /// Input name.
    pub source: &'a str,
    /// Line number.
    pub line: u64,
    /// Pod and container from the kubectl prefix.
    pub pod: Option<(String, Option<String>)>,
    /// The line's time.
    pub time: Option<DateTime<Utc>>,
}

/// Findings for the tokens in one log line (a debug log of the token response): the
/// claims are checked against the line's time; the client and tenant are not known here.
pub fn log_tokens(
    at: &LogLine<'_>,
    text: &str,
    masking: Masking,
    compiled: &Compiled,
) -> Vec<Finding> {
    let mut builder = FindingBuilder {
        compiled,
        source: at.source,
        pod: at.pod.clone(),
        masking,
        findings: BTreeMap::new(),
    };
    let expected = Expected {
        seen_at: at.time,
        ..Expected::default()
    };
    let mut seen = BTreeSet::new();
    for found in token::find(text) {
        let jwt = &text[found.start..found.end];
        if !seen.insert(tag(jwt)) {
            continue;
        }
        let Ok(claims) = token::decode(jwt) else {
            continue;
        };
        let kind = match found.kind {
            Kind::Unknown if claims.has_nonce => Kind::Id,
            k => k,
        };
        let summary = token::summary(&claims, kind);
        for problem in token::check(&claims, kind, &expected) {
            let evidence = format!("{} logged on line {}: {summary}", kind.label(), at.line);
            builder.add(
                problem.check.key(),
                at.line,
                at.time,
                &evidence,
                vec![problem.text],
            );
        }
    }
    builder.findings.into_values().collect()
}
