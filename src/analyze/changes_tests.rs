use chrono::TimeZone;
use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestRunner};

use super::finish::deployment_of;
use super::*;

const OLD_A: &str = "netbox-5d8f9c7b4d-x2x7k";
const OLD_B: &str = "netbox-5d8f9c7b4d-q9z4m";
const NEW_A: &str = "netbox-7c9d5b8f6c-bv4lt";
const NEW_B: &str = "netbox-7c9d5b8f6c-wr8hn";

fn t(min: i64, sec: i64) -> Option<DateTime<Utc>> {
    let base = Utc
        .with_ymd_and_hms(2026, 3, 2, 10, 0, 0)
        .single()
        .expect("a valid time");
    Some(base + TimeDelta::minutes(min) + TimeDelta::seconds(sec))
}

/// Feeds events `(source, pod, time, text)`, numbering lines per source.
struct Feed {
    tracker: ChangeTracker,
    lines: HashMap<String, u64>,
}

impl Feed {
    fn new() -> Self {
        Self {
            tracker: ChangeTracker::new(),
            lines: HashMap::new(),
        }
    }

    fn event(
        &mut self,
        source: &str,
        pod: Option<&str>,
        container: Option<&str>,
        time: Option<DateTime<Utc>>,
        text: &str,
    ) -> u64 {
        let line = self.lines.entry(source.to_string()).or_insert(0);
        *line += 1;
        let place = Place {
            source,
            pod,
            container,
            time,
            line: *line,
        };
        // As the analyzer does: the text only when a marker literal is on the line.
        let marked = START_MARKERS.iter().any(|m| text.contains(m));
        self.tracker.observe(&place, marked.then_some(text));
        *line
    }

    fn pod(&mut self, pod: &str, time: Option<DateTime<Utc>>, text: &str) -> u64 {
        self.event("pods.log", Some(pod), Some("netbox"), time, text)
    }

    /// A netbox-docker start: the entrypoint, then granian.
    fn boot(&mut self, pod: &str, min: i64) -> u64 {
        let first = self.pod(
            pod,
            t(min, 0),
            "🧬 loaded config '/etc/netbox/config/configuration.py'",
        );
        self.pod(pod, t(min, 1), "⚙️ Applying database migrations");
        self.pod(pod, t(min, 2), "Operations to perform:");
        self.pod(pod, t(min, 2), "Running migrations:");
        self.pod(pod, t(min, 2), "  No migrations to apply.");
        let start = self.pod(pod, t(min, 9), "✅ Initialisation is done.");
        self.pod(pod, t(min, 10), "[INFO] Starting granian (main PID: 1)");
        self.pod(pod, t(min, 10), "[INFO] Listening at: http://0.0.0.0:8080");
        let _ = first;
        start
    }

    fn requests(&mut self, pod: &str, from_min: i64, to_min: i64) {
        for m in from_min..=to_min {
            self.pod(pod, t(m, 30), "GET /login/ HTTP/1.1 200");
        }
    }
}

fn of_kind(changes: &[Change], kind: ChangeKind) -> Vec<&Change> {
    changes.iter().filter(|c| c.kind == kind).collect()
}

#[test]
fn markers_are_listed_once_with_their_ranks() {
    let listed: Vec<&str> = MARKERS.iter().map(|m| m.literal).collect();
    assert_eq!(listed, START_MARKERS);
    assert_eq!(
        marker_of("[2026-03-02 10:00:00 +0000] [1] [INFO] Starting gunicorn 23.0.0"),
        Some(7)
    );
    // rq only counts with "started"; the "stopping" line of the same worker does not.
    assert!(marker_of("Worker rq:worker:abc started with PID 7, version 1.16.2").is_some());
    assert!(marker_of("Worker rq:worker:abc: started, version 1.8.1").is_some());
    assert_eq!(marker_of("Worker rq:worker:abc: stopping on request"), None);
    // Worker replacements inside a running server are not starts.
    assert_eq!(marker_of("[INFO] Booting worker with pid: 12"), None);
    assert_eq!(marker_of("[notice] 1#1: start worker process 30"), None);
    assert_eq!(marker_of("GET /oauth/complete/azuread-oauth2/ 302"), None);
}

#[test]
fn pod_names_split_into_deployment_and_hash() {
    assert_eq!(deployment_of(OLD_A), Some(("netbox", "5d8f9c7b4d")));
    assert_eq!(
        deployment_of("netbox-worker-7b9f8d6c45-bc2dk"),
        Some(("netbox-worker", "7b9f8d6c45"))
    );
    // StatefulSet, CronJob (digits only), words, too short.
    assert_eq!(deployment_of("netbox-redis-replicas-0"), None);
    assert_eq!(deployment_of("netbox-housekeeping-28456789-x2x7k"), None);
    assert_eq!(deployment_of("netbox-frontend-x2x7k"), None);
    assert_eq!(deployment_of("-5d8f9c7b4d-x2x7k"), None);
    assert_eq!(deployment_of("netbox-5d8f9c7b4d-x2x7"), None);
}

#[test]
fn two_replica_sets_with_interleaved_lines_are_one_rollout() {
    let mut f = Feed::new();
    // Old pods serve from before the log began; no start of theirs is in it.
    f.requests(OLD_A, 0, 9);
    f.requests(OLD_B, 0, 9);
    f.boot(NEW_A, 10);
    f.requests(OLD_B, 10, 11);
    f.boot(NEW_B, 11);
    f.requests(OLD_A, 10, 12);
    f.requests(NEW_A, 11, 20);
    f.requests(NEW_B, 12, 20);
    let changes = f.tracker.finish();
    let rollouts = of_kind(&changes, ChangeKind::Rollout);
    assert_eq!(rollouts.len(), 1, "{changes:#?}");
    let r = rollouts[0];
    assert_eq!(r.deployment.as_deref(), Some("netbox"));
    // At the first start marker of the first new pod.
    assert_eq!(r.at, t(10, 1));
    assert_eq!(r.pods_before, vec![OLD_B.to_string(), OLD_A.to_string()]);
    assert_eq!(r.pods_after, vec![NEW_A.to_string(), NEW_B.to_string()]);
    assert!(r.pods_still_old.is_empty());
    assert!(!r.incomplete);
    // The new pods' starts are the rollout, not starts of their own.
    assert!(
        of_kind(&changes, ChangeKind::Start).is_empty(),
        "{changes:#?}"
    );
    assert!(
        of_kind(&changes, ChangeKind::Restart).is_empty(),
        "{changes:#?}"
    );
    // Evidence: locations only, the new pods' first start lines and the old pods' last.
    assert!(
        r.evidence
            .iter()
            .any(|e| e.pod.as_deref() == Some(NEW_A) && e.line == 22)
    );
    assert!(r.evidence.iter().all(|e| e.source == "pods.log"));
}

#[test]
fn a_half_finished_rollout_lists_the_old_pods_still_serving() {
    let mut f = Feed::new();
    f.requests(OLD_A, 0, 9);
    f.requests(OLD_B, 0, 9);
    f.boot(NEW_A, 10);
    // OLD_A stops a minute later; OLD_B keeps serving for 20 minutes.
    f.requests(OLD_A, 10, 11);
    f.requests(OLD_B, 10, 30);
    f.requests(NEW_A, 11, 30);
    let changes = f.tracker.finish();
    let r = of_kind(&changes, ChangeKind::Rollout)[0];
    assert!(r.incomplete);
    assert_eq!(r.pods_still_old, vec![OLD_B.to_string()]);
    assert_eq!(r.pods_after, vec![NEW_A.to_string()]);
}

#[test]
fn a_restart_of_one_pod_is_a_restart_not_a_rollout() {
    let mut f = Feed::new();
    f.boot(OLD_A, 0);
    f.requests(OLD_A, 1, 9);
    f.requests(OLD_B, 0, 20);
    f.pod(OLD_A, t(9, 50), "Traceback (most recent call last):");
    f.boot(OLD_A, 10);
    f.requests(OLD_A, 11, 20);
    let changes = f.tracker.finish();
    assert!(
        of_kind(&changes, ChangeKind::Rollout).is_empty(),
        "{changes:#?}"
    );
    let restarts = of_kind(&changes, ChangeKind::Restart);
    assert_eq!(restarts.len(), 1, "{changes:#?}");
    assert_eq!(restarts[0].at, t(10, 1));
    assert_eq!(restarts[0].pods_before, vec![OLD_A.to_string()]);
    assert_eq!(restarts[0].pods_after, vec![OLD_A.to_string()]);
    // The first boot, at the top of the log, is a start (hidden by the caller if it likes).
    let started = of_kind(&changes, ChangeKind::Start);
    assert_eq!(started.len(), 1);
    assert_eq!(started[0].at, t(0, 1));
    assert!(started[0].pods_before.is_empty());
    // By time: the start, then the restart.
    assert_eq!(
        changes.iter().map(|c| c.kind).collect::<Vec<_>>(),
        [ChangeKind::Start, ChangeKind::Restart]
    );
}

#[test]
fn the_previous_log_read_after_the_current_one_still_makes_a_restart() {
    let mut f = Feed::new();
    let pod = "netbox-0";
    // Current container first (as a bundle may list it), then `-previous`.
    f.event(
        "netbox.log",
        Some(pod),
        None,
        t(10, 0),
        "Starting gunicorn 23.0.0",
    );
    f.event(
        "netbox.log",
        Some(pod),
        None,
        t(10, 1),
        "Listening at: http://0.0.0.0:8080 (1)",
    );
    f.event(
        "netbox-previous.log",
        Some(pod),
        None,
        t(0, 0),
        "Starting gunicorn 23.0.0",
    );
    f.event(
        "netbox-previous.log",
        Some(pod),
        None,
        t(0, 1),
        "Listening at: http://0.0.0.0:8080 (1)",
    );
    f.event(
        "netbox-previous.log",
        Some(pod),
        None,
        t(9, 0),
        "[ERROR] Worker (pid:9) was sent SIGKILL!",
    );
    let changes = f.tracker.finish();
    let kinds: Vec<_> = changes.iter().map(|c| (c.kind, c.at)).collect();
    assert_eq!(
        kinds,
        [
            (ChangeKind::Start, t(0, 0)),
            (ChangeKind::Restart, t(10, 0))
        ]
    );
    assert_eq!(changes[1].evidence[0].source, "netbox.log");
}

#[test]
fn a_stateful_set_pod_restarts_under_its_own_name() {
    let mut f = Feed::new();
    for pod in ["netbox-worker-0", "netbox-worker-1"] {
        f.pod(
            pod,
            t(0, 0),
            "Worker rq:worker:abc started with PID 7, version 1.16.2",
        );
        f.requests(pod, 1, 5);
    }
    f.pod(
        "netbox-worker-1",
        t(6, 0),
        "Worker rq:worker:def started with PID 7, version 1.16.2",
    );
    let changes = f.tracker.finish();
    assert!(of_kind(&changes, ChangeKind::Rollout).is_empty());
    assert_eq!(of_kind(&changes, ChangeKind::Start).len(), 2);
    let restarts = of_kind(&changes, ChangeKind::Restart);
    assert_eq!(restarts.len(), 1);
    assert_eq!(restarts[0].pods_after, vec!["netbox-worker-1".to_string()]);
    assert_eq!(restarts[0].at, t(6, 0));
}

#[test]
fn a_plain_log_restarts_the_process_without_pods() {
    let mut f = Feed::new();
    let plain = |f: &mut Feed, min, text: &str| f.event("netbox.log", None, None, t(min, 0), text);
    plain(&mut f, 0, "[INFO] Starting gunicorn 23.0.0");
    plain(&mut f, 0, "[INFO] Listening at: http://0.0.0.0:8001 (1)");
    for m in 1..10 {
        plain(&mut f, m, "GET /login/ 200");
    }
    let line = plain(&mut f, 10, "[INFO] Starting gunicorn 23.0.0");
    let changes = f.tracker.finish();
    let restarts = of_kind(&changes, ChangeKind::Restart);
    assert_eq!(restarts.len(), 1, "{changes:#?}");
    assert!(restarts[0].pods_before.is_empty() && restarts[0].pods_after.is_empty());
    assert_eq!(restarts[0].evidence[0].line, line);
    assert_eq!(restarts[0].evidence[0].pod, None);
}

#[test]
fn a_marker_after_a_long_tail_is_a_restart_and_a_short_lead_is_a_start() {
    // Lines before the first marker: few and recent = the start itself.
    let mut f = Feed::new();
    for _ in 0..10 {
        f.event("a.log", None, None, None, "🧬 loaded config");
    }
    f.event("a.log", None, None, None, "Starting granian (main PID: 1)");
    assert_eq!(f.tracker.finish()[0].kind, ChangeKind::Start);
    // Many lines before it: the log holds an earlier run.
    let mut f = Feed::new();
    for _ in 0..=LEAD_LINES {
        f.event("a.log", None, None, None, "GET / 200");
    }
    f.event("a.log", None, None, None, "Starting granian (main PID: 1)");
    assert_eq!(f.tracker.finish()[0].kind, ChangeKind::Restart);
    // Long before it, in time.
    let mut f = Feed::new();
    f.event("a.log", None, None, t(0, 0), "GET / 200");
    f.event(
        "a.log",
        None,
        None,
        t(6, 0),
        "Starting granian (main PID: 1)",
    );
    assert_eq!(f.tracker.finish()[0].kind, ChangeKind::Restart);
}

#[test]
fn without_times_changes_follow_the_lines() {
    let mut f = Feed::new();
    f.pod(OLD_A, None, "GET / 200");
    f.pod(OLD_A, None, "Starting gunicorn 23.0.0");
    f.pod(OLD_A, None, "Listening at: http://0.0.0.0:8001 (1)");
    f.pod(NEW_A, None, "Starting gunicorn 23.0.0");
    f.pod(OLD_A, None, "GET / 200");
    f.pod(NEW_A, None, "GET / 200");
    f.pod(OLD_A, None, "GET / 500");
    f.pod(OLD_A, None, "Starting gunicorn 23.0.0");
    let changes = f.tracker.finish();
    let kinds: Vec<_> = changes.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [ChangeKind::Start, ChangeKind::Rollout, ChangeKind::Restart]
    );
    assert!(changes.iter().all(|c| c.at.is_none()));
    // The old pod logged after the new one's last line: not replaced.
    assert_eq!(changes[1].pods_still_old, vec![OLD_A.to_string()]);
}

#[test]
fn a_wait_loop_and_a_start_in_two_containers_are_one_start() {
    let mut f = Feed::new();
    let pod = "netbox-0";
    for s in [0, 3, 6] {
        f.event(
            "p.log",
            Some(pod),
            Some("netbox"),
            t(0, s),
            "⏳ Waiting on DB... (0s / 30s)",
        );
    }
    f.event(
        "p.log",
        Some(pod),
        Some("netbox"),
        t(0, 9),
        "✅ Initialisation is done.",
    );
    f.event(
        "p.log",
        Some(pod),
        Some("nginx"),
        t(0, 10),
        "[notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576",
    );
    let changes = f.tracker.finish();
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!(changes[0].kind, ChangeKind::Start);
    assert_eq!(changes[0].evidence.len(), 5);
    assert_eq!(changes[0].evidence[4].container.as_deref(), Some("nginx"));
}

#[test]
fn the_same_log_read_twice_is_not_a_restart() {
    let mut f = Feed::new();
    for source in ["a/netbox-0.log", "b/netbox-0.log"] {
        f.event(
            source,
            Some("netbox-0"),
            None,
            t(0, 0),
            "Starting granian (main PID: 1)",
        );
        f.event(source, Some("netbox-0"), None, t(1, 0), "GET / 200");
    }
    let changes = f.tracker.finish();
    assert_eq!(
        changes.iter().map(|c| c.kind).collect::<Vec<_>>(),
        [ChangeKind::Start]
    );
}

#[test]
fn memory_is_bounded_and_names_are_capped() {
    let mut f = Feed::new();
    for i in 0..(MAX_PODS + 10) {
        f.pod(&format!("pod-{i}"), None, "GET / 200");
    }
    assert_eq!(f.tracker.untracked(), 10);
    let long = "é".repeat(400);
    let mut f = Feed::new();
    f.pod(&long, None, "Starting granian (main PID: 1)");
    let changes = f.tracker.finish();
    let name = &changes[0].pods_after[0];
    assert!(name.len() <= MAX_NAME && long.starts_with(name.as_str()));
}

#[test]
fn kind_serializes_lowercase_and_time_as_the_reports_do() {
    let mut f = Feed::new();
    f.pod("netbox-0", t(0, 0), "Starting granian (main PID: 1)");
    let json = serde_json::to_value(f.tracker.finish()).expect("serializes");
    assert_eq!(json[0]["kind"], "start");
    assert_eq!(json[0]["at"], "2026-03-02T10:00:00.000Z");
    assert_eq!(json[0]["evidence"][0]["line"], 1);
}

/// Arbitrary pods, containers, sources, times and texts (markers among them): no panic, the
/// changes sorted by time, every listed pod capped, evidence bounded.
#[test]
fn arbitrary_events_never_panic() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(300);
    let mut runner = TestRunner::new_with_rng(
        RunnerConfig {
            cases,
            failure_persistence: None,
            ..RunnerConfig::default()
        },
        proptest::test_runner::TestRng::deterministic_rng(
            proptest::test_runner::RngAlgorithm::ChaCha,
        ),
    );
    let name = prop_oneof![
        Just(OLD_A.to_string()),
        Just(NEW_A.to_string()),
        Just("netbox-0".to_string()),
        "[a-z0-9-]{0,30}",
        ".{0,300}",
    ];
    let text = prop_oneof![
        proptest::sample::select(START_MARKERS).prop_map(str::to_string),
        ".{0,40}",
    ];
    let event = (
        proptest::option::of(name),
        proptest::option::of(prop_oneof![Just("netbox".to_string()), ".{0,10}"]),
        prop_oneof![Just("a".to_string()), Just("b".to_string()), ".{0,20}"],
        proptest::option::of(-100_000i64..100_000),
        0u64..u64::MAX,
        proptest::option::of(text),
    );
    runner
        .run(&proptest::collection::vec(event, 0..200), |events| {
            let mut tracker = ChangeTracker::new();
            for (pod, container, source, secs, line, text) in &events {
                let time = secs.and_then(|s| t(0, s));
                let place = Place {
                    source,
                    pod: pod.as_deref(),
                    container: container.as_deref(),
                    time,
                    line: *line,
                };
                tracker.observe(&place, text.as_deref());
            }
            let changes = tracker.finish();
            let timed: Vec<_> = changes.iter().map(|c| (c.at.is_none(), c.at)).collect();
            prop_assert!(timed.windows(2).all(|w| w[0] <= w[1]));
            for c in &changes {
                prop_assert!(c.evidence.len() <= MAX_EVIDENCE);
                prop_assert_eq!(c.incomplete, !c.pods_still_old.is_empty());
                for p in c.pods_before.iter().chain(&c.pods_after) {
                    prop_assert!(p.len() <= MAX_NAME);
                }
            }
            Ok(())
        })
        .expect("no panic, changes in order");
}
