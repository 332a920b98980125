//! The Rust checks that fire the catalog's rules other than log rules, seen from the catalog:
//! which rule ids each detector can emit (taken from the lists the detectors emit by, so they
//! cannot drift apart), and how `catalog check` runs a config, HAR or token rule's examples
//! through its detector. Sits above the detectors (`checkconfig`, `har`, `token`) and the
//! catalog; `app` calls it. Log, flow and unknown-code examples are small logs that `app`
//! scans end to end.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate, Utc};

use crate::catalog::compile::Compiled;
use crate::catalog::{Detector, Rule};
use crate::checkconfig::checks::ConfigCheck;
use crate::har::HarCheck;
use crate::token::{self, Kind};

/// The ids a detector can emit. Empty for `log` (the matcher fires whatever the catalog
/// holds) and `flow` (the correlator reports the rule whose `flow` condition it saw, so its
/// list is [`crate::catalog::FlowCondition::ALL`], one rule each).
pub fn emitted_ids(detector: Detector) -> Vec<&'static str> {
    match detector {
        Detector::Log | Detector::Flow => Vec::new(),
        Detector::Config => ConfigCheck::ALL.iter().map(|c| c.key()).collect(),
        Detector::Har => HarCheck::ALL.iter().map(|c| c.key()).collect(),
        Detector::Token => token::TokenCheck::ALL.iter().map(|c| c.key()).collect(),
        Detector::UnknownCode => vec![crate::analyze::UNKNOWN_AADSTS],
    }
}

/// The day a config example's expiry check takes as today, unless it says `# --today`: fixed,
/// so an example means the same next year.
const EXAMPLE_TODAY: (i32, u32, u32) = (2026, 11, 29);

/// Whether rule `idx` (detector `config`, `har` or `token`) fires on `example`; an example
/// that cannot be run (an unknown option line, a HAR or claims that are not JSON) is an
/// error saying why. The example format per detector is in `patterns/README.md`.
pub fn fires(compiled: &Compiled, idx: usize, example: &str) -> Result<bool, String> {
    let rule = &compiled.rules[idx].rule;
    match rule.detector() {
        Detector::Config => config_fires(compiled, rule, example),
        Detector::Har => har_fires(compiled, rule, example),
        Detector::Token => token_fires(rule, example),
        other => Err(format!(
            "detector {:?} examples are scanned as logs, not here",
            other.key()
        )),
    }
}

/// Splits the option lines at the top of an example (`# --name value`, as the command line
/// would give them) from the rest; a name not in `known` is an error.
fn options<'e>(
    example: &'e str,
    known: &[&str],
) -> Result<(BTreeMap<&'e str, &'e str>, &'e str), String> {
    let mut found = BTreeMap::new();
    let mut rest = example;
    while rest.starts_with("# --") {
        let end = rest.find('\n').unwrap_or(rest.len());
        let line = &rest["# --".len()..end];
        let (name, value) = line.split_once(' ').unwrap_or((line, ""));
        if !known.contains(&name) {
            return Err(format!(
                "unknown option line \"# --{name}\" (this detector takes {})",
                known
                    .iter()
                    .map(|k| format!("--{k}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        found.insert(name, value.trim());
        rest = rest.get(end + 1..).unwrap_or("");
    }
    Ok((found, rest))
}

fn date(name: &str, value: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| format!("--{name} {value:?} is not a YYYY-MM-DD date"))
}

/// A configuration override, checked as `check-config` would with the options given.
fn config_fires(compiled: &Compiled, rule: &Rule, example: &str) -> Result<bool, String> {
    let (opts, text) = options(
        example,
        &["redirect-uri", "base-url", "secret-expires", "today"],
    )?;
    let (y, m, d) = EXAMPLE_TODAY;
    let today = match opts.get("today") {
        Some(v) => date("today", v)?,
        None => NaiveDate::from_ymd_opt(y, m, d).expect("a fixed valid date"),
    };
    let options = crate::checkconfig::Options {
        source: "example.py".into(),
        redirect_uri: opts.get("redirect-uri").map(|s| s.to_string()),
        base_url: opts.get("base-url").map(|s| s.to_string()),
        secret_expires: opts
            .get("secret-expires")
            .map(|v| date("secret-expires", v))
            .transpose()?,
        today,
    };
    let checked = crate::checkconfig::check(text, &options, compiled);
    Ok(checked.findings.iter().any(|f| f.rule == rule.id)
        || checked.notes.iter().any(|n| n.rule == rule.id))
}

/// A HAR document, scanned as `scan` scans a capture.
fn har_fires(compiled: &Compiled, rule: &Rule, example: &str) -> Result<bool, String> {
    let (opts, text) = options(example, &["redirect-uri"])?;
    let options = crate::har::Options {
        show_secrets: false,
        redact_users: false,
        flow_timeout_secs: crate::correlate::DEFAULT_FLOW_TIMEOUT_SECS,
        redirect_uri: opts.get("redirect-uri").map(|s| s.to_string()),
    };
    let (collected, read) =
        crate::har::scan_bytes(text.as_bytes(), "example.har", compiled, &options);
    read.map_err(|e| e.to_string())?;
    Ok(collected
        .findings(compiled)
        .iter()
        .any(|f| f.rule == rule.id))
}

/// Token claims (a JSON object), checked against the login the option lines describe.
fn token_fires(rule: &Rule, example: &str) -> Result<bool, String> {
    let (opts, text) = options(example, &["kind", "client-id", "tenant", "seen-at"])?;
    let claims: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("claims are not JSON: {e}"))?;
    if !claims.is_object() {
        return Err("claims must be a JSON object".into());
    }
    // Through the decoder the detector uses on real tokens: header, claims, no signature.
    let jwt = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let claims = token::decode(&jwt).map_err(|e| e.to_string())?;
    let kind = match opts.get("kind").copied().unwrap_or("id_token") {
        "id_token" => Kind::Id,
        "access_token" => Kind::Access,
        "token" => Kind::Unknown,
        other => {
            return Err(format!(
                "--kind {other:?}: use id_token, access_token or token"
            ));
        }
    };
    let seen_at = opts
        .get("seen-at")
        .map(|v| {
            DateTime::parse_from_rfc3339(v)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| format!("--seen-at {v:?} is not an RFC 3339 time"))
        })
        .transpose()?;
    let expected = token::Expected {
        client_id: opts.get("client-id").map(|s| s.to_string()),
        tenant: opts.get("tenant").map(|s| s.to_string()),
        seen_at,
    };
    Ok(token::check(&claims, kind, &expected)
        .iter()
        .any(|p| p.check.key() == rule.id))
}

#[cfg(test)]
mod tests;
