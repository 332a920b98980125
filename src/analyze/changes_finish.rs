//! [`ChangeTracker::finish`]: from what was noted per pod and container to [`Change`]s.
//! Start markers of a container are grouped into starts by their rank (a start prints
//! "Waiting on DB" before "Initialisation is done" before "Starting granian"; a rank that
//! does not go up begins the next start), starts are told fresh or restarts, and the pods
//! of each Deployment are grouped by pod-template hash into ReplicaSets to find rollouts.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{
    Change, ChangeEvidence, ChangeKind, ChangeTracker, Container, LEAD_LINES, LEAD_TIME,
    MAX_EVIDENCE, MAX_LISTED_PODS, MERGE_WINDOW, Mark, ROLLOUT_GRACE, Stamp, Unit, WAIT_LOOP,
};

/// One start of a container: its start marker lines.
#[derive(Debug)]
struct Start {
    container: usize,
    /// No earlier run of this container shows in the log.
    fresh: bool,
    marks: Vec<Mark>,
}

impl Start {
    fn begin(&self) -> Stamp {
        self.marks[0].at
    }
}

/// A sort key that is a total order: times first (by time), then events without one, each
/// by arrival.
fn key(s: &Stamp) -> (bool, Option<DateTime<Utc>>, u64) {
    (s.time.is_none(), s.time, s.seq)
}

/// Whether `a` comes after `b` (by time when both have one, else by arrival).
fn after(a: &Stamp, b: &Stamp) -> bool {
    match (a.time, b.time) {
        (Some(x), Some(y)) => x > y,
        _ => a.seq > b.seq,
    }
}

/// The starts of one container, in order.
fn starts(c: &Container, container: usize) -> Vec<Start> {
    // Runs (one per source) in the order they happened: a `-previous` log before the
    // current one whichever was read first.
    let run_key: Vec<_> = c
        .runs
        .iter()
        .map(|r| (r.min_time.is_none(), r.min_time, r.first.seq))
        .collect();
    let mut marks = c.marks.clone();
    marks.sort_by(|a, b| {
        run_key[a.run]
            .cmp(&run_key[b.run])
            .then(a.at.seq.cmp(&b.at.seq))
    });
    // The same input read twice (a pod log and a bundle's copy) is not a restart.
    let mut kept: Vec<Mark> = Vec::with_capacity(marks.len());
    for m in marks {
        let dup = m.at.time.is_some()
            && kept
                .iter()
                .any(|k| k.run != m.run && k.rank == m.rank && k.at.time == m.at.time);
        if !dup {
            kept.push(m);
        }
    }
    let mut out: Vec<Start> = Vec::new();
    for m in kept {
        let same = out.last().and_then(|s| s.marks.last()).is_some_and(|prev| {
            m.rank > prev.rank
                || (m.rank == 0
                    && prev.rank == 0
                    && match (prev.at.time, m.at.time) {
                        (Some(p), Some(n)) => n - p <= WAIT_LOOP,
                        _ => true,
                    })
        });
        match out.last_mut() {
            Some(s) if same => s.marks.push(m),
            _ => {
                let fresh = out.is_empty()
                    && m.lines_before <= LEAD_LINES
                    && m.lead.is_none_or(|d| d <= LEAD_TIME)
                    && run_key.iter().all(|k| *k >= run_key[m.run]);
                out.push(Start {
                    container,
                    fresh,
                    marks: vec![m],
                });
            }
        }
    }
    out
}

/// Splits a Deployment's pod name `<deployment>-<pod-template-hash>-<suffix>` into the
/// Deployment and the hash. The hash is 6 to 10 characters of Kubernetes' safe alphabet
/// (`rand.SafeEncodeString` of a 32-bit hash: 10 characters mostly, fewer for small
/// values) with a letter and a digit; that rejects a CronJob's `<job>-<minutes>-<suffix>`
/// (digits only) and ordinary words. The suffix is 5 characters. Lowercase letters and
/// digits are accepted for both, not only the safe alphabet: pod names in tickets are often
/// rewritten by hand (`netbox-7d9f8b6c5-abc12`), and the shape alone is what tells.
pub(super) fn deployment_of(pod: &str) -> Option<(&str, &str)> {
    fn safe(b: u8) -> bool {
        b.is_ascii_lowercase() || b.is_ascii_digit()
    }
    let (rest, suffix) = pod.rsplit_once('-')?;
    let (deployment, hash) = rest.rsplit_once('-')?;
    let ok = suffix.len() == 5
        && suffix.bytes().all(safe)
        && !deployment.is_empty()
        && (6..=10).contains(&hash.len())
        && hash.bytes().all(safe)
        && hash.bytes().any(|b| b.is_ascii_digit())
        && hash.bytes().any(|b| b.is_ascii_alphabetic());
    ok.then_some((deployment, hash))
}

/// A change being built, with its arrival for a stable sort.
struct Draft {
    change: Change,
    seq: u64,
}

struct Finisher<'a> {
    tracker: &'a ChangeTracker,
    drafts: Vec<Draft>,
}

impl Finisher<'_> {
    fn evidence(&self, unit: &Unit, container: Option<usize>, at: &Stamp) -> ChangeEvidence {
        ChangeEvidence {
            source: self
                .tracker
                .sources
                .get(at.source as usize)
                .map(|s| s.to_string())
                .unwrap_or_default(),
            line: at.line,
            pod: unit.named.then(|| unit.name.to_string()),
            container: container
                .and_then(|c| unit.containers.get(c))
                .and_then(|c| c.name.as_deref().map(str::to_string)),
        }
    }

    /// One restart or start change from starts of one pod (already merged).
    fn push_start(&mut self, unit: &Unit, kind: ChangeKind, starts: &[&Start]) {
        let Some(first) = starts.first() else { return };
        let mut marks: Vec<(usize, Stamp)> = starts
            .iter()
            .flat_map(|s| s.marks.iter().map(|m| (s.container, m.at)))
            .collect();
        marks.sort_by_key(|(_, at)| key(at));
        let evidence = marks
            .iter()
            .take(MAX_EVIDENCE)
            .map(|(c, at)| self.evidence(unit, Some(*c), at))
            .collect();
        let pod: Vec<String> = if unit.named {
            vec![unit.name.to_string()]
        } else {
            Vec::new()
        };
        let begin = first.begin();
        self.drafts.push(Draft {
            change: Change {
                at: begin.time,
                kind,
                deployment: None,
                pods_before: if kind == ChangeKind::Restart {
                    pod.clone()
                } else {
                    Vec::new()
                },
                pods_after: pod,
                pods_still_old: Vec::new(),
                incomplete: false,
                evidence,
            },
            seq: begin.seq,
        });
    }
}

/// A ReplicaSet as seen in the log: its pods and when it appeared.
struct ReplicaSet<'a> {
    pods: Vec<usize>,
    /// Some pod of it started in the log (else it was running before the log began).
    fresh: bool,
    /// Its first fresh start, or its first line when none.
    born: Stamp,
    hash: &'a str,
}

pub(super) fn finish(tracker: &ChangeTracker) -> Vec<Change> {
    let mut f = Finisher {
        tracker,
        drafts: Vec::new(),
    };
    let units = &tracker.units;
    let starts: Vec<Vec<Start>> = units
        .iter()
        .map(|u| {
            let mut all: Vec<Start> = u
                .containers
                .iter()
                .enumerate()
                .flat_map(|(i, c)| starts(c, i))
                .collect();
            all.sort_by_key(|s| key(&s.begin()));
            all
        })
        .collect();
    // A pod's first fresh start: when it appeared, if it started in the log.
    let fresh_start: Vec<Option<Stamp>> = starts
        .iter()
        .map(|s| s.iter().find(|s| s.fresh).map(Start::begin))
        .collect();

    // Rollouts: pods grouped by Deployment, then by hash.
    let mut deployments: BTreeMap<&str, BTreeMap<&str, Vec<usize>>> = BTreeMap::new();
    for (i, u) in units.iter().enumerate() {
        if let Some((d, h)) = u.named.then(|| deployment_of(&u.name)).flatten() {
            deployments
                .entry(d)
                .or_default()
                .entry(h)
                .or_default()
                .push(i);
        }
    }
    let mut rolled = vec![false; units.len()];
    for (deployment, hashes) in &deployments {
        if hashes.len() < 2 {
            continue;
        }
        let mut sets: Vec<ReplicaSet> = hashes
            .iter()
            .filter_map(|(hash, pods)| {
                let fresh_born = pods.iter().filter_map(|p| fresh_start[*p]).min_by_key(key);
                let born = fresh_born
                    .or_else(|| pods.iter().filter_map(|p| units[*p].first).min_by_key(key))?;
                Some(ReplicaSet {
                    pods: pods.clone(),
                    fresh: fresh_born.is_some(),
                    born,
                    hash,
                })
            })
            .collect();
        // ReplicaSets that never started in the log were there before it began.
        sets.sort_by(|a, b| (a.fresh, key(&a.born), a.hash).cmp(&(b.fresh, key(&b.born), b.hash)));
        for k in 1..sets.len() {
            let new = &sets[k];
            let at = new.born;
            let previous = (k >= 2).then(|| sets[k - 1].born);
            let mut before: Vec<usize> = sets[..k]
                .iter()
                .flat_map(|s| s.pods.iter().copied())
                .filter(|p| {
                    let Some(last) = units[*p].last else {
                        return false;
                    };
                    previous.is_none_or(|prev| !after(&prev, &last))
                })
                .collect();
            if before.is_empty() {
                continue;
            }
            let new_last = new
                .pods
                .iter()
                .filter_map(|p| units[*p].last.map(|l| l.seq))
                .max()
                .unwrap_or(0);
            let still: Vec<usize> = before
                .iter()
                .copied()
                .filter(|p| {
                    let Some(last) = units[*p].last else {
                        return false;
                    };
                    match (at.time, last.time) {
                        (Some(at), Some(last)) => last > at + ROLLOUT_GRACE,
                        _ => last.seq > new_last,
                    }
                })
                .collect();
            // Evidence: each new pod's start (or first line), each old pod's last line.
            let mut places: Vec<(usize, Option<usize>, Stamp)> = Vec::new();
            for p in &new.pods {
                rolled[*p] = true;
                let start = starts[*p].iter().find(|s| s.fresh);
                match (start, units[*p].first) {
                    (Some(s), _) => places.push((*p, Some(s.container), s.begin())),
                    (None, Some(first)) => places.push((*p, None, first)),
                    (None, None) => {}
                }
            }
            before.sort_by(|a, b| units[*a].name.cmp(&units[*b].name));
            for p in &before {
                if let Some(last) = units[*p].last {
                    places.push((*p, None, last));
                }
            }
            places.sort_by_key(|(_, _, at)| key(at));
            let evidence = places
                .iter()
                .take(MAX_EVIDENCE)
                .map(|(p, c, at)| f.evidence(&units[*p], *c, at))
                .collect();
            let names = |pods: &[usize]| {
                let mut v: Vec<String> = pods.iter().map(|p| units[*p].name.to_string()).collect();
                v.sort();
                v.truncate(MAX_LISTED_PODS);
                v
            };
            f.drafts.push(Draft {
                change: Change {
                    at: at.time,
                    kind: ChangeKind::Rollout,
                    deployment: Some((*deployment).to_string()),
                    pods_before: names(&before),
                    pods_after: names(&new.pods),
                    incomplete: !still.is_empty(),
                    pods_still_old: names(&still),
                    evidence,
                },
                seq: at.seq,
            });
        }
    }

    // Restarts and starts, one change per pod for starts close together.
    for (i, unit) in units.iter().enumerate() {
        for kind in [ChangeKind::Restart, ChangeKind::Start] {
            let mine: Vec<&Start> = starts[i]
                .iter()
                .filter(|s| match kind {
                    ChangeKind::Restart => !s.fresh,
                    _ => s.fresh && !rolled[i],
                })
                .collect();
            let mut group: Vec<&Start> = Vec::new();
            for s in mine {
                let joins = group
                    .first()
                    .is_some_and(|g| match (g.begin().time, s.begin().time) {
                        (Some(a), Some(b)) => (b - a).abs() <= MERGE_WINDOW,
                        _ => false,
                    });
                if !joins && !group.is_empty() {
                    f.push_start(unit, kind, &group);
                    group.clear();
                }
                group.push(s);
            }
            f.push_start(unit, kind, &group);
        }
    }

    let mut drafts = f.drafts;
    drafts.sort_by(|a, b| {
        let ka = (a.change.at.is_none(), a.change.at, a.seq, a.change.kind);
        let kb = (b.change.at.is_none(), b.change.at, b.seq, b.change.kind);
        ka.cmp(&kb).then_with(|| order_pods(&a.change, &b.change))
    });
    drafts.into_iter().map(|d| d.change).collect()
}

fn order_pods(a: &Change, b: &Change) -> Ordering {
    a.pods_after.cmp(&b.pods_after)
}
