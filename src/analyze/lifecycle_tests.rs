use chrono::TimeZone;

use super::*;
use crate::analyze::changes::ChangeKind;

fn at(h: u32, m: u32) -> Option<DateTime<Utc>> {
    Some(Utc.with_ymd_and_hms(2026, 11, 20, h, m, 0).unwrap())
}

/// Feeds `lines` (pod, hour, minute, text) as one input.
fn input(source: &str, lines: &[(&str, u32, u32, &str)]) -> Lifecycle {
    let mut l = Lifecycle::default();
    for (n, (pod, h, m, text)) in lines.iter().enumerate() {
        l.event(
            source,
            Some(pod),
            Some("netbox"),
            at(*h, *m),
            n as u64 + 1,
            text.as_bytes(),
        );
    }
    l
}

const OLD: &str = "netbox-7d9f8b6c5-x2k4q";
const NEW: &str = "netbox-5c8d7f9b4-q8w2n";
const PROBE: &str = r#"10.42.1.1 - - "GET /login/ HTTP/1.1" 200 6193 "-" "kube-probe/1.31""#;
const START: &str = "[2026-11-20 14:05:03 +0000] [1] [INFO] Starting gunicorn 23.0.0";

#[test]
fn a_rollout_whose_pods_are_in_two_files_is_one_rollout() {
    // A support bundle: one file per pod, read as two inputs in any order.
    let old = input(
        "old.log",
        &[(OLD, 9, 0, PROBE), (OLD, 12, 0, PROBE), (OLD, 14, 6, PROBE)],
    );
    let new = input(
        "new.log",
        &[
            (NEW, 14, 5, START),
            (NEW, 14, 30, PROBE),
            (NEW, 18, 0, PROBE),
        ],
    );
    for (a, b) in [(old.clone(), new.clone()), (new, old)] {
        let mut all = a;
        all.merge(b);
        let changes = all.changes();
        let rollouts: Vec<_> = changes
            .iter()
            .filter(|c| c.kind == ChangeKind::Rollout)
            .collect();
        assert_eq!(rollouts.len(), 1, "{changes:#?}");
        assert_eq!(rollouts[0].at, at(14, 5));
        assert_eq!(rollouts[0].pods_before, [OLD]);
        assert_eq!(rollouts[0].pods_after, [NEW]);
        assert!(!rollouts[0].incomplete, "{changes:#?}");
    }
}

#[test]
fn an_old_pod_that_keeps_logging_leaves_the_rollout_incomplete() {
    let other_old = "netbox-7d9f8b6c5-m9p3t";
    let l = input(
        "netbox.log",
        &[
            (OLD, 9, 0, PROBE),
            (other_old, 9, 1, PROBE),
            (NEW, 14, 5, START),
            (OLD, 14, 6, PROBE),
            (other_old, 18, 0, PROBE),
        ],
    );
    let changes = l.changes();
    let rollout = changes
        .iter()
        .find(|c| c.kind == ChangeKind::Rollout)
        .expect("a rollout");
    assert_eq!(rollout.pods_still_old, [other_old], "{changes:#?}");
    assert!(rollout.incomplete);
}

#[test]
fn a_plain_log_with_a_start_after_lines_is_a_restart() {
    let mut l = Lifecycle::default();
    for (n, (m, text)) in [(0, PROBE), (10, PROBE), (20, START), (30, PROBE)]
        .into_iter()
        .enumerate()
    {
        l.event(
            "netbox.log",
            None,
            None,
            at(10, m),
            n as u64 + 1,
            text.as_bytes(),
        );
    }
    let changes = l.changes();
    assert!(
        changes
            .iter()
            .any(|c| c.kind == ChangeKind::Restart && c.at == at(10, 20)),
        "{changes:#?}"
    );
}

#[test]
fn units_and_starts_are_capped() {
    let mut l = Lifecycle::default();
    for n in 0..(MAX_UNITS as u64 + 10) {
        let pod = format!("netbox-7d9f8b6c5-{n:05}");
        l.event("x.log", Some(&pod), None, None, n, START.as_bytes());
    }
    assert_eq!(l.ends.len(), MAX_UNITS);
    assert!(l.untracked >= 10);
    // Still answers, without times.
    let _ = l.changes();
}

#[test]
fn a_log_listed_newest_first_is_named_and_keeps_its_pods_first_and_last_times() {
    let oldest_first: Vec<(&str, u32, u32, &str)> = (0..8)
        .map(|n| (OLD, 9 + n, 0, PROBE))
        .chain((0..3).map(|n| (NEW, 9 + n, 30, PROBE)))
        .collect();
    let mut newest_first = oldest_first.clone();
    newest_first.reverse();
    let forward = input("forward.log", &oldest_first);
    let backward = input("loki-export.log", &newest_first);
    assert!(forward.newest_first().is_empty());
    assert_eq!(backward.newest_first(), ["loki-export.log"]);
    // Whatever the order of the lines, a pod's first and last events are by time.
    let mut all = forward.clone();
    all.merge(backward.clone());
    assert_eq!(all.newest_first(), ["loki-export.log"]);
    for l in [&forward, &backward] {
        let (first, last) = &l.ends[&(Some(OLD.into()), Some("netbox".into()), String::new())];
        assert_eq!((first.time, last.time), (at(9, 0), at(16, 0)));
    }
    // Workers of one pod interleave by a second or so: not a log listed backwards.
    let mut jitter = Lifecycle::default();
    for n in 0..20u32 {
        let t = Utc
            .with_ymd_and_hms(2026, 11, 20, 9, 0, n + (n % 2) * 2)
            .unwrap();
        jitter.event("w.log", Some(OLD), None, Some(t), u64::from(n), b"x");
    }
    assert!(jitter.newest_first().is_empty());
}
