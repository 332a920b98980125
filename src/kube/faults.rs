//! What went wrong with the log streams, kept for the report: failures by kind, and the
//! time ranges a stream was down (outages), with how each ended.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};

use super::reader::MAX_FAILURES;

/// Most notes kept; later ones are counted only.
pub(crate) const MAX_NOTES: usize = 100;

/// Most outages kept per run; a stream flapping for hours must not grow memory.
pub(crate) const MAX_OUTAGES: usize = 1_000;

/// The times streams were down.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    /// Streams down right now (connection lost, requests failing), by `pod/P/C`.
    pub(crate) down: BTreeMap<String, Down>,
    /// Outages that ended: the stream came back, was given up, or timed out.
    pub(crate) ended: Vec<Outage>,
    /// Outages not kept past [`MAX_OUTAGES`].
    pub(crate) dropped: u64,
}

impl Faults {
    pub(crate) fn push(&mut self, outage: Outage) {
        if self.ended.len() < MAX_OUTAGES {
            self.ended.push(outage);
        } else {
            self.dropped += 1;
        }
    }

    /// Ends every outage still going on at `at` (the run stopped), and returns them all,
    /// in stream then time order.
    pub(crate) fn take_all(&mut self, at: DateTime<Utc>) -> Vec<Outage> {
        let mut all = std::mem::take(&mut self.ended);
        for (stream, down) in std::mem::take(&mut self.down) {
            all.push(Outage {
                stream,
                down,
                end: OutageEnd::Stopped { at },
            });
        }
        all.sort_by(|a, b| (&a.stream, a.down.since).cmp(&(&b.stream, b.down.since)));
        all
    }

    /// When no selected container could be read at all (each of the `containers` streams
    /// never got a log request through: given up, timed out, or failing at least
    /// [`MAX_FAILURES`] times with anything but a 400, which may be a container about to
    /// start), each stream with its last failure.
    pub(crate) fn all_failed(&self, containers: u64) -> Option<Vec<(String, String)>> {
        let mut failed: BTreeMap<&str, &str> = BTreeMap::new();
        for o in &self.ended {
            if !o.down.opened && o.lost() {
                failed.insert(&o.stream, &o.down.reason);
            }
        }
        for (stream, d) in &self.down {
            if !d.opened && d.failures >= MAX_FAILURES && d.code != Some(400) {
                failed.insert(stream, &d.reason);
            }
        }
        (containers > 0 && failed.len() as u64 == containers).then(|| {
            failed
                .into_iter()
                .map(|(s, r)| (s.to_string(), r.to_string()))
                .collect()
        })
    }
}

/// A stream while it is down.
#[derive(Debug, Clone)]
pub(crate) struct Down {
    /// When the stream was lost (or its first request failed).
    pub(crate) since: DateTime<Utc>,
    /// Time of the last line read before, in nanoseconds since the epoch.
    pub(crate) last_line: Option<i64>,
    /// Whether a log request of this stream was ever answered (false: nothing was read).
    pub(crate) opened: bool,
    /// Requests, and connections that brought nothing, that failed since.
    pub(crate) failures: u32,
    /// What failed last, or why the stream was lost.
    pub(crate) reason: String,
    /// The HTTP status of the last failed request, when the server answered.
    pub(crate) code: Option<u16>,
}

/// One time a stream was down, and how that ended.
#[derive(Debug, Clone)]
pub(crate) struct Outage {
    /// `pod/POD/CONTAINER`.
    pub(crate) stream: String,
    pub(crate) down: Down,
    pub(crate) end: OutageEnd,
}

/// How an outage ended.
#[derive(Debug, Clone)]
pub(crate) enum OutageEnd {
    /// The stream came back reaching to the last line read: nothing lost.
    Recovered { at: DateTime<Utc> },
    /// The stream came back without the last line read (the container restarted, the log
    /// rotated): the lines up to `first` (the first new line) may be lost.
    ResumedWithout {
        at: DateTime<Utc>,
        first: Option<i64>,
    },
    /// Given up after [`MAX_FAILURES`] (without `--follow`).
    GaveUp { at: DateTime<Utc> },
    /// A request while down said the stream is gone for good (pod deleted).
    Ended { at: DateTime<Utc>, why: String },
    /// `--request-timeout` ran out.
    TimedOut { at: DateTime<Utc>, limit: Duration },
    /// Still down when the run stopped.
    Stopped { at: DateTime<Utc> },
}

impl Outage {
    /// True when lines of the log may not have been read.
    pub(crate) fn lost(&self) -> bool {
        !matches!(self.end, OutageEnd::Recovered { .. })
    }

    /// One line for the report's problems.
    pub(crate) fn describe(&self) -> String {
        let d = &self.down;
        let stream = &self.stream;
        let from = match d.last_line {
            Some(t) => format!("after {} (the last line read)", log_time(t)),
            None => "from the start of the log (no line was read)".to_string(),
        };
        let tried = match d.failures {
            0 if d.reason.is_empty() => String::new(),
            0 => format!("; {}", d.reason),
            n => format!("; {n} attempt(s) failed, the last: {}", d.reason),
        };
        match &self.end {
            OutageEnd::Recovered { at } => format!(
                "{stream}: stream down from {} to {}{tried}; it came back reaching to the last line read, no line lost",
                wall_time(d.since),
                wall_time(*at)
            ),
            OutageEnd::ResumedWithout { at, first } => {
                let until = match first {
                    Some(t) => format!(
                        "before {} (the first line after it came back)",
                        log_time(*t)
                    ),
                    None => format!("up to {}", wall_time(*at)),
                };
                format!(
                    "{stream}: log lines {from} and {until} may be missing: the stream, down since {}, came back at {} without the last line read (the container restarted or its log rotated){tried}",
                    wall_time(d.since),
                    wall_time(*at)
                )
            }
            OutageEnd::GaveUp { at } if d.last_line.is_none() && !d.opened => format!(
                "{stream}: no log line read: gave up at {}{tried}",
                wall_time(*at)
            ),
            OutageEnd::GaveUp { at } => format!(
                "{stream}: log lines {from} up to {} (when it gave up) are missing: the stream was lost at {}{tried}",
                wall_time(*at),
                wall_time(d.since)
            ),
            OutageEnd::Ended { at, why } => format!(
                "{stream}: log lines {from} up to {} are missing: the stream was lost at {}{tried}; then: {why}",
                wall_time(*at),
                wall_time(d.since)
            ),
            OutageEnd::TimedOut { at, limit } => format!(
                "{stream}: log lines {from} up to {} are missing: the stream did not end within --request-timeout {}{tried}; raise it (0: no limit) to read all of it",
                wall_time(*at),
                duration_text(*limit)
            ),
            OutageEnd::Stopped { at } => format!(
                "{stream}: log lines {from} up to {} (when the run stopped) are missing: the stream was down since {}{tried}",
                wall_time(*at),
                wall_time(d.since)
            ),
        }
    }
}

/// A kubelet time (nanoseconds) as RFC 3339 UTC with the digits it has.
pub(crate) fn log_time(nanos: i64) -> String {
    DateTime::from_timestamp_nanos(nanos).to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// A moment of the run, to the second.
pub(crate) fn wall_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `2m`, `90s`, `1500ms`: a duration as `--request-timeout` takes it.
pub(crate) fn duration_text(d: Duration) -> String {
    let ms = d.as_millis();
    if ms > 0 && ms.is_multiple_of(3_600_000) {
        format!("{}h", ms / 3_600_000)
    } else if ms > 0 && ms.is_multiple_of(60_000) {
        format!("{}m", ms / 60_000)
    } else if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}
