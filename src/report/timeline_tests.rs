use chrono::TimeZone;

use super::*;

fn t(day: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, h, 0, 0).unwrap()
}

fn change(kind: ChangeKind, at: DateTime<Utc>, before: &[&str], after: &[&str]) -> Change {
    let own = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    Change {
        at: Some(rfc3339(at)),
        kind,
        pods_before: Vec::new(),
        pods_after: Vec::new(),
        pods_still_old: Vec::new(),
        evidence: Vec::new(),
        time: Some(at),
        raw_pods: [own(before), own(after), Vec::new()],
    }
}

fn failure(
    first: DateTime<Utc>,
    last: DateTime<Utc>,
    pods: &[(&str, DateTime<Utc>)],
) -> FailureTimes {
    FailureTimes {
        first: Some(first),
        last: Some(last),
        pod_last: pods.iter().map(|(p, t)| (p.to_string(), *t)).collect(),
    }
}

const OLD: &str = "netbox-7d9f8b6c5-x2k4q";
const NEW: &str = "netbox-5c8d7f9b4-q8w2n";

fn show(p: &str) -> Shown {
    Shown::ours(p)
}

#[test]
fn a_fix_that_took_a_fix_that_did_not_and_a_half_rollout() {
    let ok = vec![(t(19, 16), None), (t(20, 18), Some(NEW.to_string()))];
    let rollout = [change(ChangeKind::Rollout, t(20, 14), &[OLD], &[NEW])];
    // Failing 08:00-13:00, a login worked after the rollout at 14:00: stopped.
    let took = reckon(
        &failure(t(20, 8), t(20, 13), &[(OLD, t(20, 13))]),
        &ok,
        (None, None),
        &rollout,
        &show,
    );
    assert_eq!(
        took.last_success_before.as_deref(),
        Some("2026-11-19T16:00:00.000Z")
    );
    assert_eq!(took.after_last_change, Some(AfterChange::Stopped));
    assert_eq!(took.change_kind, Some(ChangeKind::Rollout));
    let when = sentence(&took, &|s| s.to_string()).unwrap();
    assert!(
        when.ends_with("stopped after the rollout at 2026-11-20T14:00:00.000Z"),
        "{when}"
    );
    // Still failing on the new pod: the fix did not take.
    let not = reckon(
        &failure(t(20, 8), t(20, 20), &[(OLD, t(20, 13)), (NEW, t(20, 20))]),
        &ok,
        (None, None),
        &rollout,
        &show,
    );
    assert_eq!(not.after_last_change, Some(AfterChange::Persists));
    assert!(!not.old_pods_only);
    assert!(
        sentence(&not, &|s| s.to_string())
            .unwrap()
            .contains("the fix did not take")
    );
    // Failing after the rollout on the old pod only.
    let half = reckon(
        &failure(t(20, 8), t(20, 20), &[(OLD, t(20, 20))]),
        &ok,
        (None, None),
        &rollout,
        &show,
    );
    assert!(half.old_pods_only);
    assert_eq!(half.failing_pods_after_change, [show(OLD)]);
    // No login at all after the change: it cannot tell; a failure of another cause after
    // it is a login, and this one stopped.
    let quiet = reckon(
        &failure(t(20, 8), t(20, 13), &[]),
        &ok[..1],
        (None, None),
        &rollout,
        &show,
    );
    assert_eq!(quiet.after_last_change, Some(AfterChange::NotSeen));
    let other = reckon(
        &failure(t(20, 8), t(20, 13), &[]),
        &ok[..1],
        (None, Some(t(20, 16))),
        &rollout,
        &show,
    );
    assert_eq!(other.after_last_change, Some(AfterChange::Stopped));
}

#[test]
fn a_failure_that_began_after_a_change_names_it_and_starts_are_not_changes() {
    let ok = vec![(t(19, 16), None)];
    let changes = [
        change(ChangeKind::Start, t(17, 22), &[], &[OLD]),
        change(ChangeKind::Rollout, t(20, 14), &[OLD], &[NEW]),
    ];
    let began = reckon(
        &failure(t(20, 15), t(21, 8), &[]),
        &ok,
        (None, None),
        &changes,
        &show,
    );
    assert_eq!(began.change_before_kind, Some(ChangeKind::Rollout));
    assert_eq!(began.after_last_change, None);
    let when = sentence(&began, &|s| s.to_string()).unwrap();
    assert!(
        when.contains("which began after the rollout at 2026-11-20T14"),
        "{when}"
    );
    // A first start is never judged as a fix.
    let early = reckon(
        &failure(t(17, 8), t(17, 23), &[]),
        &[],
        (None, None),
        &changes[..1],
        &show,
    );
    assert_eq!(early.change, None);
    assert_eq!(early.change_before, None);
    // Nothing worked before it and no change: "failing since" alone is not said.
    let alone = reckon(
        &failure(t(20, 8), t(20, 9), &[]),
        &[],
        (None, None),
        &[],
        &show,
    );
    assert_eq!(
        alone.first_failure.as_deref(),
        Some("2026-11-20T08:00:00.000Z")
    );
    assert_eq!(sentence(&alone, &|s| s.to_string()), None);
    // Without times nothing is reckoned and there is no sentence.
    let none = reckon(&FailureTimes::default(), &ok, (None, None), &changes, &show);
    assert_eq!(none, FindingTimeline::default());
    assert_eq!(sentence(&none, &|s| s.to_string()), None);
}

#[test]
fn hours_cover_the_span_and_add_up() {
    let mut f = crate::report::verdict::tests::finding(
        "aadsts7000222-client-secret-expired",
        Symptom::ClientSecretExpired,
        crate::catalog::Severity::Error,
        5,
    );
    f.hours = vec![(hour_of(t(20, 8)), 3), (hour_of(t(20, 10)), 2)];
    let mut folded = f.clone();
    folded.folded_into = Some("x".into());
    let ok = vec![(t(20, 7), None), (t(20, 11), None)];
    let hours = hours(&[f, folded], &ok);
    assert_eq!(hours.len(), 5, "{hours:#?}");
    assert_eq!(hours[0].hour, "2026-11-20T07:00:00.000Z");
    assert_eq!(hours.iter().map(|h| h.succeeded).sum::<u64>(), 2);
    let failed: u64 = hours.iter().flat_map(|h| h.failed.values()).sum();
    // The folded finding's events are its root's: counted once.
    assert_eq!(failed, 5);
    assert!(hours[2].failed.is_empty());
}

/// Attack findings on issue 19: an old pod's failure while the rollout drains is not the
/// fix failing, and a rollout of another Deployment is not this failure's change.
#[test]
fn a_drain_failure_and_another_deployments_rollout_do_not_persist() {
    let ok = vec![(t(19, 16), None), (t(20, 18), Some(NEW.to_string()))];
    let at = t(20, 14);
    let rollout = [change(ChangeKind::Rollout, at, &[OLD], &[NEW])];
    let drain = at + chrono::Duration::seconds(40);
    let f = failure(t(20, 8), drain, &[(OLD, drain)]);
    let took = reckon(&f, &ok, (None, None), &rollout, &show);
    assert_eq!(
        took.after_last_change,
        Some(AfterChange::Stopped),
        "{took:?}"
    );
    assert!(!took.old_pods_only);
    let worker = [change(
        ChangeKind::Rollout,
        at,
        &["netbox-worker-7d9f8b6c5-aaaaa"],
        &["netbox-worker-5c8d7f9b4-bbbbb"],
    )];
    let f = failure(t(20, 8), t(20, 20), &[(OLD, t(20, 20))]);
    let other = reckon(&f, &ok, (None, None), &worker, &show);
    assert_eq!(other.change, None, "{other:?}");
    assert_eq!(family("netbox-worker-7d9f8b6c5-aaaaa"), "netbox-worker");
    assert_eq!(family(OLD), "netbox");
    assert_eq!(family("netbox-0"), "netbox");
}
