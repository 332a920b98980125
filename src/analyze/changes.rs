//! Pod lifecycle changes seen in the logs: rollouts to a new ReplicaSet, container restarts
//! and first starts (issue 19, item 3). Pure: the analyzer hands each event's place (source,
//! pod, container, time, line) to a [`ChangeTracker`], with the text only for events that hold
//! one of [`START_MARKERS`]; [`ChangeTracker::finish`] returns the [`Change`]s by time. No log
//! text is kept: evidence is locations only, so nothing here can leak a secret.
//!
//! See: issue 19 ("stopped failing after the rollout at T", "failing only on pods of the old
//! ReplicaSet: not every replica restarted").

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

#[path = "changes_finish.rs"]
mod finish;

/// Literal substrings that mark a process start, for the analyzer's literal searcher: an
/// event holding one of them is passed to [`ChangeTracker::observe`] with its text. Each is
/// printed by a real program at start (sources in `MARKERS`); a few are confirmed by a second
/// word before they count (the rq line).
pub const START_MARKERS: &[&str] = &[
    "Waiting on DB",
    "Applying database migrations",
    "Operations to perform:",
    "Running migrations:",
    "No migrations to apply",
    "Initialisation is done",
    "Configuration complete; ready for start up",
    "Starting gunicorn ",
    "Starting granian",
    "*** Starting uWSGI",
    "getrlimit(RLIMIT_NOFILE)",
    "Worker rq:worker:",
    "Listening at: ",
    "Unit configuration loaded successfully",
];

/// One start marker: where it comes in a start (`rank`: a start prints lower ranks first) and
/// a word that must also be on the line, if the literal alone is ambiguous.
struct Marker {
    literal: &'static str,
    rank: u8,
    also: Option<&'static str>,
}

/// The markers in [`START_MARKERS`] order, with their ranks and sources.
const MARKERS: &[Marker] = &[
    // netbox-docker `docker/docker-entrypoint.sh`: "⏳ Waiting on DB... (3s / 30s)", printed
    // again every DB_WAIT_TIMEOUT seconds while the database is not ready (rank 0 repeats).
    m("Waiting on DB", 0, None),
    // netbox-docker `docker/docker-entrypoint.sh`: "⚙️ Applying database migrations".
    m("Applying database migrations", 1, None),
    // Django `manage.py migrate` (core/management/commands/migrate.py): "Operations to
    // perform:", then "Running migrations:", then "  No migrations to apply." when none.
    m("Operations to perform:", 2, None),
    m("Running migrations:", 3, None),
    m("No migrations to apply", 4, None),
    // netbox-docker `docker/docker-entrypoint.sh`: "✅ Initialisation is done." just before
    // it execs the server.
    m("Initialisation is done", 5, None),
    // The nginx image's `/docker-entrypoint.sh`: "...: Configuration complete; ready for
    // start up", just before nginx itself starts.
    m("Configuration complete; ready for start up", 5, None),
    // gunicorn `arbiter.py` `Arbiter.start`: log.info("Starting gunicorn %s", __version__).
    // "Booting worker with pid" is not a marker: gunicorn prints it again whenever it
    // replaces a worker (timeout, max_requests), which is not a container start.
    m("Starting gunicorn ", 6, None),
    // granian `server/common.py` `startup`: "Starting granian (main PID: N)" (netbox-docker
    // 4.x runs granian). "Respawning worker-N" is a worker, not a start: not a marker.
    m("Starting granian", 6, None),
    // uWSGI `core/uwsgi.c`: "*** Starting uWSGI 2.0.x (64bit) on [date] ***".
    m("*** Starting uWSGI", 6, None),
    // nginx `os/unix/ngx_posix_init.c` `ngx_os_status`, called once from `main`:
    // "[notice] 1#1: getrlimit(RLIMIT_NOFILE): n:n". "start worker process" is not a marker:
    // nginx prints it again on every reload (SIGHUP).
    m("getrlimit(RLIMIT_NOFILE)", 6, None),
    // rq `worker.py` `bootstrap`: "Worker rq:worker:NAME started with PID N, version V"
    // (rq < 1.9: "Worker rq:worker:NAME: started, version V"); NetBox's `rqworker`. Not
    // "*** Listening on": rq before 1.0 printed it after every job.
    m("Worker rq:worker:", 6, Some(" started")),
    // gunicorn `arbiter.py` "Listening at: %s (%s)" and granian "Listening at: http://..":
    // both right after their start line.
    m("Listening at: ", 7, None),
    // netbox-docker 3.x `docker/launch-netbox.sh` (NGINX Unit): "✅ Unit configuration
    // loaded successfully".
    m("Unit configuration loaded successfully", 7, None),
];

const fn m(literal: &'static str, rank: u8, also: Option<&'static str>) -> Marker {
    Marker {
        literal,
        rank,
        also,
    }
}

/// Kubernetes' limit on a pod name; longer input is cut here.
pub const MAX_NAME: usize = 253;
/// Pods (and pod-less sources) tracked at most; events of further ones are only counted
/// ([`ChangeTracker::untracked`]).
pub const MAX_PODS: usize = 1024;
/// Sources (files, streams) named in evidence at most; further ones are counted too.
pub const MAX_SOURCES: usize = 1024;
/// Containers tracked per pod; further ones share the last slot.
const MAX_CONTAINERS: usize = 8;
/// Sources tracked per container (a pod's `-previous` log and its current one are two);
/// further ones share the last slot.
const MAX_RUNS: usize = 8;
/// Start marker lines kept per container; a crash loop past this is still one restart a
/// start up to here.
const MAX_MARKS: usize = 256;
/// Locations kept in one change's evidence.
pub const MAX_EVIDENCE: usize = 16;
/// Pods listed in one change.
pub const MAX_LISTED_PODS: usize = 64;

/// Lines a container may print before its first start marker and still count as starting in
/// the log (netbox-docker prints ~30: "loaded config" and superuser lines before
/// "Initialisation is done"). More lines before it mean the log holds an earlier run: a
/// restart.
pub const LEAD_LINES: u64 = 100;
/// Time a container may log before its first start marker and still count as starting in
/// the log (a slow database check, slow migrations).
pub const LEAD_TIME: TimeDelta = TimeDelta::minutes(5);
/// Old-ReplicaSet pods still logging this long after a rollout began have not been
/// replaced: the rollout is incomplete.
pub const ROLLOUT_GRACE: TimeDelta = TimeDelta::minutes(5);
/// "Waiting on DB" lines closer than this belong to one wait loop (netbox-docker waits 3 s
/// between tries; a crash-looping container restarts after 10 s or more).
const WAIT_LOOP: TimeDelta = TimeDelta::seconds(8);
/// Restarts of containers of one pod closer than this are one change (a pod's containers
/// restart together when the pod is recreated under the same name).
const MERGE_WINDOW: TimeDelta = TimeDelta::minutes(2);

/// What kind of change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// Pods of a new ReplicaSet (pod-template hash) of a Deployment started while pods of an
    /// older one had logged: a rollout, for example after a configuration deploy.
    Rollout,
    /// A container (or a pod-less log's process) started again after it had logged: a
    /// crash, an OOM kill, a liveness probe, or a `-previous` log followed by the current.
    Restart,
    /// The first start of a pod in the log, with no older ReplicaSet seen beside it.
    Start,
}

/// Where a change shows: a location in the input, never its text (the caller reads and
/// masks the line itself when it shows it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeEvidence {
    /// The input (file, bundle member, stream) as given to [`ChangeTracker::observe`].
    pub source: String,
    /// The 1-based line (or the caller's line number) in that source.
    pub line: u64,
    /// The pod that printed it, if the input named one.
    pub pod: Option<String>,
    /// The container that printed it, if the input named one.
    pub container: Option<String>,
}

/// One pod lifecycle change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// When it began: the first start of a new pod (rollout), the first start marker of the
    /// new run (restart, start); `None` when those lines had no time.
    #[serde(serialize_with = "time")]
    pub at: Option<DateTime<Utc>>,
    /// What happened.
    pub kind: ChangeKind,
    /// The Deployment that rolled (the pod name without its hash and suffix); `None` for
    /// restarts and starts.
    pub deployment: Option<String>,
    /// Rollout: the older ReplicaSets' pods seen before it (still around at the previous
    /// rollout, if any). Restart: the pod. Start: empty. Sorted, at most
    /// [`MAX_LISTED_PODS`]; empty for a pod-less log.
    pub pods_before: Vec<String>,
    /// Rollout: the new ReplicaSet's pods. Restart and start: the pod. Sorted, at most
    /// [`MAX_LISTED_PODS`].
    pub pods_after: Vec<String>,
    /// Rollout: the pods of `pods_before` still logging more than [`ROLLOUT_GRACE`] after
    /// `at` (without times: after the new pods' last line), i.e. not replaced. Empty
    /// otherwise.
    pub pods_still_old: Vec<String>,
    /// A rollout whose old pods did not all stop: `pods_still_old` is not empty.
    pub incomplete: bool,
    /// The start lines of the new run(s) and, for a rollout, the old pods' last lines; at
    /// most [`MAX_EVIDENCE`], in input order.
    pub evidence: Vec<ChangeEvidence>,
}

fn time<S: serde::Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&crate::parse::timestamp::rfc3339(*t)),
        None => s.serialize_none(),
    }
}

/// Where one event is: what [`ChangeTracker::observe`] needs of it.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    /// The input it came from (a file path, a bundle member, a stream name).
    pub source: &'a str,
    /// The pod, if the input names it (kubectl `[pod/NAME/container]` prefix, bundle path).
    pub pod: Option<&'a str>,
    /// The container, if the input names it.
    pub container: Option<&'a str>,
    /// The event's time, if it has one.
    pub time: Option<DateTime<Utc>>,
    /// The event's line in its source.
    pub line: u64,
}

/// Tells the start marker on a line, if any: its index in [`MARKERS`].
fn marker_of(text: &str) -> Option<u8> {
    MARKERS
        .iter()
        .position(|mk| text.contains(mk.literal) && mk.also.is_none_or(|also| text.contains(also)))
        .and_then(|i| u8::try_from(i).ok())
}

/// Cuts a name to `max` bytes on a character boundary.
fn cap(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// An event's position: its time and its order of arrival.
#[derive(Debug, Clone, Copy)]
struct Stamp {
    time: Option<DateTime<Utc>>,
    seq: u64,
    source: u32,
    line: u64,
}

/// One source's stretch of a container's lines.
#[derive(Debug)]
struct Run {
    source: u32,
    first: Stamp,
    min_time: Option<DateTime<Utc>>,
    lines: u64,
}

/// A start marker line of a container.
#[derive(Debug, Clone, Copy)]
struct Mark {
    at: Stamp,
    rank: u8,
    run: usize,
    /// Lines of the same run before it.
    lines_before: u64,
    /// Time from the run's first line to it, when both have one.
    lead: Option<TimeDelta>,
}

#[derive(Debug)]
struct Container {
    name: Option<Box<str>>,
    runs: Vec<Run>,
    marks: Vec<Mark>,
}

/// A pod, or a source without pod names (`named == false`).
#[derive(Debug)]
struct Unit {
    name: Box<str>,
    named: bool,
    containers: Vec<Container>,
    first: Option<Stamp>,
    last: Option<Stamp>,
    min_time: Option<DateTime<Utc>>,
    max_time: Option<DateTime<Utc>>,
}

/// Collects what [`Change`]s need, event by event, in bounded memory: per pod its first and
/// last line, per container and source a line count, and the start marker lines (at most
/// 256 a container). One per scan; feed events in each source's line order.
///
/// ```
/// use sso_triage::analyze::changes::{ChangeKind, ChangeTracker, Place};
///
/// let mut t = ChangeTracker::new();
/// let place = |line, pod| Place { source: "app.log", pod: Some(pod), container: None, time: None, line };
/// t.observe(&place(1, "netbox-5d8f9c7b4d-x2x7k"), Some("Starting gunicorn 23.0.0"));
/// t.observe(&place(2, "netbox-5d8f9c7b4d-x2x7k"), None);
/// t.observe(&place(3, "netbox-7c9d5b8f6c-bv4lt"), Some("Starting gunicorn 23.0.0"));
/// let changes = t.finish();
/// assert_eq!(changes.last().map(|c| c.kind), Some(ChangeKind::Rollout));
/// ```
#[derive(Debug, Default)]
pub struct ChangeTracker {
    units: Vec<Unit>,
    pods: HashMap<Box<str>, usize>,
    plain: HashMap<Box<str>, usize>,
    sources: Vec<Box<str>>,
    source_ids: HashMap<Box<str>, u32>,
    last_source: Option<u32>,
    last_unit: Option<usize>,
    seq: u64,
    untracked: u64,
}

impl ChangeTracker {
    /// An empty tracker.
    pub fn new() -> Self {
        Self::default()
    }

    /// Notes one event. Call it for every event (cheap: no allocation once its pod and
    /// source are known), with `text` only when the event may hold a start marker (the
    /// literal searcher found one of [`START_MARKERS`]); `None` just counts the line.
    /// Events of one source must come in line order; sources may come in any order.
    pub fn observe(&mut self, place: &Place<'_>, text: Option<&str>) {
        self.seq += 1;
        let Some(source) = self.source_id(place.source) else {
            self.untracked += 1;
            return;
        };
        let Some(unit) = self.unit_id(place.pod, place.source) else {
            self.untracked += 1;
            return;
        };
        let at = Stamp {
            time: place.time,
            seq: self.seq,
            source,
            line: place.line,
        };
        let rank = text
            .and_then(marker_of)
            .map(|i| MARKERS[usize::from(i)].rank);
        self.units[unit].note(at, place.container, rank);
    }

    /// Events not tracked because [`MAX_PODS`] pods or [`MAX_SOURCES`] sources were already
    /// tracked.
    pub fn untracked(&self) -> u64 {
        self.untracked
    }

    fn source_id(&mut self, source: &str) -> Option<u32> {
        let source = cap(source, 4096);
        if let Some(id) = self.last_source
            && *self.sources[id as usize] == *source
        {
            return Some(id);
        }
        let id = match self.source_ids.get(source) {
            Some(id) => *id,
            None => {
                if self.sources.len() >= MAX_SOURCES {
                    return None;
                }
                let id = u32::try_from(self.sources.len()).ok()?;
                self.sources.push(source.into());
                self.source_ids.insert(source.into(), id);
                id
            }
        };
        self.last_source = Some(id);
        Some(id)
    }

    fn unit_id(&mut self, pod: Option<&str>, source: &str) -> Option<usize> {
        let (name, named) = match pod {
            Some(p) => (cap(p, MAX_NAME), true),
            None => (cap(source, 4096), false),
        };
        if let Some(u) = self.last_unit {
            let unit = &self.units[u];
            if unit.named == named && *unit.name == *name {
                return Some(u);
            }
        }
        let map = if named {
            &mut self.pods
        } else {
            &mut self.plain
        };
        let u = match map.get(name) {
            Some(u) => *u,
            None => {
                if self.units.len() >= MAX_PODS {
                    return None;
                }
                let u = self.units.len();
                map.insert(name.into(), u);
                self.units.push(Unit::new(name, named));
                u
            }
        };
        self.last_unit = Some(u);
        Some(u)
    }

    /// The changes, by time (changes without a time last, in input order).
    pub fn finish(self) -> Vec<Change> {
        finish::finish(&self)
    }
}

impl Unit {
    fn new(name: &str, named: bool) -> Self {
        Self {
            name: name.into(),
            named,
            containers: Vec::new(),
            first: None,
            last: None,
            min_time: None,
            max_time: None,
        }
    }

    /// Notes one line: the pod's first and last, the container's run, a start marker.
    fn note(&mut self, at: Stamp, container: Option<&str>, rank: Option<u8>) {
        if self.first.is_none() {
            self.first = Some(at);
        }
        // The latest line: by time when both have one, else by arrival.
        let later = match (self.last.and_then(|l| l.time), at.time) {
            (Some(last), Some(now)) => now >= last,
            _ => true,
        };
        if later {
            self.last = Some(at);
        }
        if let Some(t) = at.time {
            self.min_time = Some(self.min_time.map_or(t, |m| m.min(t)));
            self.max_time = Some(self.max_time.map_or(t, |m| m.max(t)));
        }
        let container = container.map(|c| cap(c, MAX_NAME));
        let c = match self
            .containers
            .iter()
            .position(|c| c.name.as_deref() == container)
        {
            Some(c) => c,
            None if self.containers.len() < MAX_CONTAINERS => {
                self.containers.push(Container {
                    name: container.map(Into::into),
                    runs: Vec::new(),
                    marks: Vec::new(),
                });
                self.containers.len() - 1
            }
            None => self.containers.len() - 1,
        };
        self.containers[c].note(at, rank);
    }
}

impl Container {
    fn note(&mut self, at: Stamp, rank: Option<u8>) {
        let run = match self.runs.iter().rposition(|r| r.source == at.source) {
            Some(r) => r,
            None if self.runs.len() < MAX_RUNS => {
                self.runs.push(Run {
                    source: at.source,
                    first: at,
                    min_time: None,
                    lines: 0,
                });
                self.runs.len() - 1
            }
            None => self.runs.len() - 1,
        };
        let r = &mut self.runs[run];
        if let Some(rank) = rank
            && self.marks.len() < MAX_MARKS
        {
            let lead = match (r.first.time, at.time) {
                (Some(first), Some(now)) => Some(now - first),
                _ => None,
            };
            self.marks.push(Mark {
                at,
                rank,
                run,
                lines_before: r.lines,
                lead,
            });
        }
        r.lines += 1;
        if let Some(t) = at.time {
            r.min_time = Some(r.min_time.map_or(t, |m| m.min(t)));
        }
    }
}

#[cfg(test)]
#[path = "changes_tests.rs"]
mod tests;
