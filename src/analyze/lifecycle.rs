//! What one input shows of its pods' lives, kept small so inputs read in parallel can be
//! put together: each pod's (or, without pods, the input's) first and last event, and the
//! events that hold a start marker. It replays all inputs' records in time order
//! into one [`ChangeTracker`] ([`Lifecycle::changes`]), so a rollout whose old pods are in one file of a support
//! bundle and whose new pods are in another is still one rollout.
//!
//! The analyzer sees candidate events only (the block scan's), so "first" and "last" are the
//! first and last such events: the health probes and login requests that reach the pod keep
//! them close to the truth; the start markers are anchors of their own.

use std::collections::HashMap;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use chrono::{DateTime, Utc};

use super::changes::{Change, ChangeTracker, Place, START_MARKERS};

/// Pods (or inputs without pods) whose first and last events one input keeps.
const MAX_UNITS: usize = 1024;
/// Start-marker events one input keeps.
const MAX_STARTS: usize = 4096;

static MARKERS: LazyLock<AhoCorasick> =
    LazyLock::new(|| AhoCorasick::new(START_MARKERS).expect("a few literals always build"));

/// A unit: its pod and container, and the input when there is no pod.
type UnitKey = (Option<String>, Option<String>, String);

/// One event as the tracker needs it, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    source: String,
    pod: Option<String>,
    container: Option<String>,
    time: Option<DateTime<Utc>>,
    line: u64,
    /// The start marker's line (only the marker's own words are read from it).
    text: Option<String>,
}

impl Seen {
    fn place(&self) -> Place<'_> {
        Place {
            source: &self.source,
            pod: self.pod.as_deref(),
            container: self.container.as_deref(),
            time: self.time,
            line: self.line,
        }
    }
}

/// How a unit's timed events follow each other in the input: steps back in time and all
/// steps. A log written newest first (a Grafana/Loki export) steps back almost every time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Order {
    back: u64,
    steps: u64,
}

/// A step back by more than this is one (workers of one pod interleave by a second or so).
const BACK_SLACK_SECS: i64 = 2;

/// The records of one input (or several, merged).
#[derive(Debug, Clone, Default)]
pub struct Lifecycle {
    /// First and last event of each unit (pod and container, or the input), by unit, and
    /// the order of its times.
    ends: HashMap<UnitKey, (Seen, Seen)>,
    /// The order of each input's times (steps within a unit), by input name; the last one
    /// counted is at the end.
    order: Vec<(String, Order)>,
    /// The unit of the last event.
    last: Option<UnitKey>,
    starts: Vec<Seen>,
    /// Units or start lines past the caps.
    pub untracked: u64,
}

impl Lifecycle {
    /// Notes one event: `text` is its body, read for a start marker.
    pub fn event(
        &mut self,
        source: &str,
        pod: Option<&str>,
        container: Option<&str>,
        time: Option<DateTime<Utc>>,
        line: u64,
        text: &[u8],
    ) {
        let seen = |text: Option<String>| Seen {
            source: source.to_string(),
            pod: pod.map(str::to_string),
            container: container.map(str::to_string),
            time,
            line,
            text,
        };
        if MARKERS.is_match(text) {
            if self.starts.len() < MAX_STARTS {
                // Only the start of the line: the marker and the words around it.
                let cut = &text[..text.len().min(512)];
                self.starts
                    .push(seen(Some(String::from_utf8_lossy(cut).into_owned())));
            } else {
                self.untracked += 1;
            }
        }
        let same = |k: &UnitKey| {
            k.0.as_deref() == pod && k.1.as_deref() == container && (pod.is_some() || k.2 == source)
        };
        // Consecutive events are mostly of one unit: its key is kept, not built again.
        let key = match self.last.take() {
            Some(k) if same(&k) => k,
            _ => (
                pod.map(str::to_string),
                container.map(str::to_string),
                if pod.is_some() {
                    String::new()
                } else {
                    source.to_string()
                },
            ),
        };
        let full = self.ends.len() >= MAX_UNITS;
        match self.ends.get_mut(&key) {
            Some((first, last)) => {
                // First and last by time, whatever order the lines come in.
                match (time, last.time) {
                    (Some(t), Some(before)) => {
                        let back = t < before - chrono::Duration::seconds(BACK_SLACK_SECS);
                        match self.order.last_mut() {
                            Some((name, o)) if name == source => {
                                o.steps += 1;
                                o.back += u64::from(back);
                            }
                            _ => self.order.push((
                                source.to_string(),
                                Order {
                                    back: u64::from(back),
                                    steps: 1,
                                },
                            )),
                        }
                        if t >= before {
                            last.time = time;
                            last.line = line;
                            if last.source != source {
                                last.source = source.to_string();
                            }
                        }
                        if first.time.is_some_and(|f| t < f) {
                            *first = seen(None);
                        }
                    }
                    (Some(_), None) => {
                        last.time = time;
                        last.line = line;
                        if last.source != source {
                            last.source = source.to_string();
                        }
                    }
                    (None, _) => {
                        if last.time.is_none() {
                            last.line = line;
                        }
                    }
                }
            }
            None if !full => {
                self.ends.insert(key.clone(), (seen(None), seen(None)));
            }
            None => {
                self.untracked += 1;
                return;
            }
        }
        self.last = Some(key);
    }

    /// Adds `other`'s records (another input).
    pub fn merge(&mut self, other: Lifecycle) {
        self.untracked += other.untracked;
        self.order.extend(other.order);
        for (key, (first, last)) in other.ends {
            let full = self.ends.len() >= MAX_UNITS;
            match self.ends.get_mut(&key) {
                Some((f, l)) => {
                    if earlier(&first, f) {
                        *f = first;
                    }
                    if earlier(l, &last) {
                        *l = last;
                    }
                }
                None if !full => {
                    self.ends.insert(key, (first, last));
                }
                None => self.untracked += 1,
            }
        }
        let room = MAX_STARTS.saturating_sub(self.starts.len());
        self.untracked += other.starts.len().saturating_sub(room) as u64;
        self.starts.extend(other.starts.into_iter().take(room));
    }

    /// The changes all the records show, by time.
    pub fn changes(&self) -> Vec<Change> {
        let mut all: Vec<&Seen> = self
            .ends
            .values()
            .flat_map(|(first, last)| [first, last])
            .chain(&self.starts)
            .collect();
        // Timed events in time order, then the others in line order.
        all.sort_by(|a, b| {
            (a.time.is_none(), a.time, &a.source, a.line).cmp(&(
                b.time.is_none(),
                b.time,
                &b.source,
                b.line,
            ))
        });
        let mut tracker = ChangeTracker::new();
        for seen in all {
            tracker.observe(&seen.place(), seen.text.as_deref());
        }
        tracker.finish()
    }
}

/// Fewest steps of one unit's times before its order counts.
const MIN_STEPS: u64 = 4;

impl Lifecycle {
    /// Inputs whose times run backwards: most steps from one timed event of a pod (or of the
    /// input, without pods) to the next go back in time, as in a log viewer's export
    /// that lists the newest line first. By name, each once.
    pub fn newest_first(&self) -> Vec<String> {
        let mut by_source: HashMap<&str, Order> = HashMap::new();
        for (name, order) in &self.order {
            let o = by_source.entry(name.as_str()).or_default();
            o.back += order.back;
            o.steps += order.steps;
        }
        let mut names: Vec<String> = by_source
            .into_iter()
            .filter(|(_, o)| o.steps >= MIN_STEPS && o.back * 2 > o.steps)
            .map(|(name, _)| name.to_string())
            .collect();
        names.sort();
        names
    }
}

fn earlier(a: &Seen, b: &Seen) -> bool {
    match (a.time, b.time) {
        (Some(x), Some(y)) => x < y,
        _ => a.source == b.source && a.line < b.line,
    }
}

#[cfg(test)]
#[path = "lifecycle_tests.rs"]
mod tests;
