use super::*;
use crate::app::build_catalog;
use crate::parse::Framer;

fn kept(filter: &EventFilter, text: &str) -> Vec<u64> {
    let compiled = build_catalog(&[]).unwrap();
    let mut framer = Framer::with_scanner(compiled.scanner());
    let mut state = FilterState::default();
    let mut lines = Vec::new();
    let mut take = |e: &Event<'_>| {
        if filter.keeps(e, &mut state) {
            lines.push(e.line);
        }
    };
    framer.feed(text.as_bytes(), &mut take);
    framer.finish(&mut take);
    lines
}

// Each line is an event the scanner hands on (it names a failure).
const LOG: &str = "\
[pod/netbox-7d9c6b5f4-x2x9k/netbox] 2026-11-21T14:00:00Z first AADSTS50011
[pod/netbox-worker-5c8d7f9b6-k2m4p/worker] 2026-11-21T14:30:00Z second AADSTS50011
no time of its own, after the second AADSTS50011
[pod/netbox-7d9c6b5f4-x2x9k/netbox] 2026-11-21T15:00:00Z third AADSTS50011
";

#[test]
fn since_and_until_keep_the_window_and_untimed_lines_follow_the_last_time() {
    let now = "2026-11-21T16:00:00Z".parse().unwrap();
    let filter = EventFilter {
        since: Some(parse_time("2026-11-21 14:15", now).unwrap()),
        until: Some(parse_time("2026-11-21T14:45:00Z", now).unwrap()),
        ..EventFilter::default()
    };
    assert_eq!(kept(&filter, LOG), [2, 3]);
    // A duration counts back from now.
    let filter = EventFilter {
        since: Some(parse_time("90m", now).unwrap()),
        ..EventFilter::default()
    };
    assert_eq!(kept(&filter, LOG), [2, 3, 4]);
    // A line before any time is kept: nothing says it is out of the window.
    assert_eq!(
        kept(&filter, &format!("untimed first AADSTS50011\n{LOG}")),
        [1, 3, 4, 5]
    );
}

#[test]
fn pod_patterns_include_and_exclude_like_stern() {
    let filter = EventFilter {
        pods: pod_patterns(&["^netbox-7".into()], "--pod").unwrap(),
        ..EventFilter::default()
    };
    assert_eq!(kept(&filter, LOG), [1, 4]);
    let filter = EventFilter {
        exclude_pods: pod_patterns(&["worker".into()], "--exclude-pod").unwrap(),
        ..EventFilter::default()
    };
    assert_eq!(kept(&filter, LOG), [1, 3, 4]);
    assert!(EventFilter::default().is_empty());
}

#[test]
fn bad_values_say_what_to_write() {
    let now = Utc::now();
    for bad in ["yesterday", "2026-13-01", "", "-5m"] {
        let e = parse_time(bad, now).unwrap_err();
        assert!(e.contains("invalid time") && !e.contains('\n'), "{e}");
    }
    let e = pod_patterns(&["netbox-(".into()], "--pod").unwrap_err();
    assert!(
        e.starts_with("--pod \"netbox-(\" is not a valid regular expression"),
        "{e}"
    );
    assert!(!e.contains('\n'), "{e}");
    assert_eq!(
        parse_time("2026-11-21", now).unwrap(),
        "2026-11-21T00:00:00Z".parse::<DateTime<Utc>>().unwrap()
    );
}

#[test]
fn until_a_date_takes_in_that_whole_day() {
    let now = Utc::now();
    let since = parse_time("2026-11-21", now).unwrap();
    let until = parse_until("2026-11-21", now).unwrap();
    assert_eq!(
        until,
        "2026-11-21T23:59:59.999Z".parse::<DateTime<Utc>>().unwrap()
    );
    assert!(since < until);
    assert_eq!(
        parse_until("2026-11-21 14:00", now).unwrap(),
        "2026-11-21T14:00:00Z".parse::<DateTime<Utc>>().unwrap()
    );
}
