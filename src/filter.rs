//! Which events a scan reads: `--since` / `--until` by event time and `--pod` /
//! `--exclude-pod` by the pod a line came from, applied before matching, so findings, login
//! flows and counts all see the same events. What is left out is counted.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use regex::Regex;

use crate::parse::{Event, timestamp};

/// The events a scan keeps.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Events before this time are left out.
    pub since: Option<DateTime<Utc>>,
    /// Events after this time are left out.
    pub until: Option<DateTime<Utc>>,
    /// Only events of a pod matching one of these (events with no pod are left out).
    pub pods: Vec<Regex>,
    /// Events of a pod matching one of these are left out.
    pub exclude_pods: Vec<Regex>,
}

/// What the filter remembers while reading one input: the time of the last event that had
/// one, which stands for the events without a time of their own that follow it.
#[derive(Debug, Clone, Default)]
pub struct FilterState {
    last_time: Option<DateTime<Utc>>,
}

impl EventFilter {
    /// True when the filter keeps every event.
    pub fn is_empty(&self) -> bool {
        self.since.is_none()
            && self.until.is_none()
            && self.pods.is_empty()
            && self.exclude_pods.is_empty()
    }

    /// Whether `frame` is read. An event without a time of its own takes the time of the
    /// last event before it that had one; one before any time is kept (nothing says it is
    /// out of the window).
    pub fn keeps(&self, frame: &Event<'_>, state: &mut FilterState) -> bool {
        if self.since.is_some() || self.until.is_some() {
            let own = frame
                .kube_time
                .and_then(timestamp::parse_value)
                .or_else(|| timestamp::find(frame.body));
            if own.is_some() {
                state.last_time = own;
            }
            if let Some(t) = own.or(state.last_time)
                && (self.since.is_some_and(|s| t < s) || self.until.is_some_and(|u| t > u))
            {
                return false;
            }
        }
        if self.pods.is_empty() && self.exclude_pods.is_empty() {
            return true;
        }
        let pod = frame.pod.map(String::from_utf8_lossy);
        match pod.as_deref() {
            Some(p) => {
                (self.pods.is_empty() || self.pods.iter().any(|r| r.is_match(p)))
                    && !self.exclude_pods.iter().any(|r| r.is_match(p))
            }
            None => self.pods.is_empty(),
        }
    }
}

/// Parses `--since` / `--until`: a time (RFC 3339, `YYYY-MM-DD HH:MM[:SS]` in UTC, or a date
/// `YYYY-MM-DD`: its start, or with `end_of_day` (for `--until`) its last millisecond, so
/// `--until 2026-11-21` takes in that whole day), or a duration before `now` (`30m`, `2h`).
pub fn parse_time(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    parse_bound(text, now, false)
}

/// [`parse_time`] for `--until`.
pub fn parse_until(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    parse_bound(text, now, true)
}

fn parse_bound(text: &str, now: DateTime<Utc>, end_of_day: bool) -> Result<DateTime<Utc>, String> {
    let t = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(t) {
        return Ok(at.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(at) = NaiveDateTime::parse_from_str(t, format) {
            return Ok(at.and_utc());
        }
    }
    if let Ok(day) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        let at = if end_of_day {
            day.and_hms_milli_opt(23, 59, 59, 999)
        } else {
            day.and_hms_opt(0, 0, 0)
        };
        return Ok(at.expect("a time of a day that exists").and_utc());
    }
    match timestamp::parse_duration(t) {
        Ok(secs) => Ok(now - chrono::Duration::seconds(secs)),
        Err(_) => Err(format!(
            "invalid time {text:?}: use a time (2026-11-21T14:00:00Z, 2026-11-21 14:00, 2026-11-21) or a duration before now (30m, 2h, 1d)"
        )),
    }
}

/// Compiles `--pod` / `--exclude-pod` patterns (regular expressions, matched anywhere in
/// the pod name, as stern does).
pub fn pod_patterns(patterns: &[String], flag: &str) -> Result<Vec<Regex>, String> {
    patterns
        .iter()
        .map(|p| {
            Regex::new(p).map_err(|e| {
                // The regex crate explains over several lines; its `error:` line says it.
                let text = e.to_string();
                let why = text
                    .lines()
                    .find(|l| l.starts_with("error:"))
                    .or_else(|| text.lines().next())
                    .unwrap_or("")
                    .trim_start_matches("error: ")
                    .to_string();
                format!("{flag} {p:?} is not a valid regular expression: {why}")
            })
        })
        .collect()
}

#[cfg(test)]
#[path = "filter_tests.rs"]
mod tests;
