use super::*;
use crate::parse::access;

/// The flows and orphan errors of `lines`, read as input `source` logged by `pod`. A line
/// that is not an access-log line is an error event named by its last word.
fn feed_from(source: &str, pod: Option<&str>, lines: &[&str]) -> (Vec<Flow>, Vec<Orphan>) {
    let mut c = Correlator::new(Duration::seconds(DEFAULT_FLOW_TIMEOUT_SECS));
    for (n, line) in lines.iter().enumerate() {
        let origin = |time| Origin {
            source,
            line: n as u64 + 1,
            pod,
            container: None,
            time,
        };
        match access::parse(line) {
            Some(a) => {
                c.request(&a, &origin(a.time));
            }
            None => {
                let t = crate::parse::timestamp::find(line.as_bytes());
                c.error(
                    &origin(t),
                    &[line.split_whitespace().last().unwrap_or("x").to_string()],
                    &[],
                );
            }
        }
    }
    let finished = c.finish(None);
    (finished.flows, finished.orphans)
}

/// A flow's conditions with the line of the step that shows each.
fn conditions(flow: &Flow) -> Vec<(FlowCondition, u64)> {
    flow.conditions.iter().map(|(c, s)| (*c, s.line)).collect()
}

fn feed(lines: &[&str]) -> Vec<Flow> {
    feed_from("test.log", None, lines).0
}

/// Several inputs, each read on its own, then joined as a run joins them.
fn feed_inputs(inputs: &[(&str, Option<&str>, &[&str])]) -> Vec<Flow> {
    let (mut flows, mut orphans) = (Vec::new(), Vec::new());
    for (source, pod, lines) in inputs {
        let (f, o) = feed_from(source, *pod, lines);
        flows.extend(f);
        orphans.extend(o);
    }
    join(flows, orphans, Duration::seconds(DEFAULT_FLOW_TIMEOUT_SECS))
}

const UA_A: &str = "Mozilla/5.0 (Windows NT 10.0) Chrome/155.0";
const UA_B: &str = "Mozilla/5.0 (Macintosh) Safari/18.1";

fn req(ua: &str, time: &str, target: &str, status: u16) -> String {
    format!(
        r#"10.42.0.1 - - [20/Nov/2026:{time} +0000] "GET {target} HTTP/1.1" {status} 0 "-" "{ua}""#
    )
}

#[test]
fn success() {
    let flows = feed(&[
        &req(UA_A, "09:00:00", "/oauth/login/azuread-oauth2/?next=/", 302),
        &req(
            UA_A,
            "09:00:05",
            "/oauth/complete/azuread-oauth2/?code=c1&state=s1",
            302,
        ),
        &req(UA_A, "09:30:00", "/oauth/login/azuread-oauth2/?next=/", 302),
    ]);
    assert_eq!(flows[0].outcome, Outcome::Succeeded);
    assert_eq!(flows[0].stopped_at, Stop::Done);
    assert_eq!(flows[0].backend.as_deref(), Some("azuread-oauth2"));
    assert_eq!(flows[0].steps.len(), 2);
    assert!(flows[0].keys.iter().any(|k| k.starts_with("state:")));
    // The correlator keeps values as read; the report's view of the flow masks them.
    let shown = crate::report::LoginFlow::new(
        &flows[0],
        &mut crate::redact::ShowCache::new(crate::redact::Masking::default()),
    );
    assert!(
        !shown
            .keys
            .iter()
            .any(|k| k.contains("s1") || k.contains("c1")),
        "report keys never show values: {:?}",
        shown.keys
    );
}

#[test]
fn abandoned_at_entra_and_incomplete_at_end() {
    let flows = feed(&[
        &req(UA_A, "09:00:00", "/oauth/login/azuread-oauth2/", 302),
        &req(UA_B, "09:20:00", "/login/", 200),
        &req(UA_B, "09:20:01", "/oauth/login/azuread-oauth2/", 302),
    ]);
    assert_eq!(flows[0].outcome, Outcome::Abandoned);
    assert_eq!(conditions(&flows[0]), [(FlowCondition::NoCallback, 1)]);
    assert_eq!(
        flows[1].outcome,
        Outcome::Incomplete,
        "the log ends within the timeout"
    );
    assert!(flows[1].conditions.is_empty());
}

#[test]
fn bounce_to_login_and_redirect_loop() {
    let flows = feed(&[
        &req(UA_A, "09:00:00", "/oauth/login/azuread-oauth2/", 302),
        &req(
            UA_A,
            "09:00:04",
            "/oauth/complete/azuread-oauth2/?code=c1&state=s1",
            302,
        ),
        &req(UA_A, "09:00:05", "/login/", 200),
        &req(UA_B, "09:01:00", "/oauth/login/azuread-oauth2/", 302),
        &req(
            UA_B,
            "09:01:04",
            "/oauth/complete/azuread-oauth2/?code=c2&state=s2",
            302,
        ),
        &req(UA_B, "09:01:05", "/login/?next=/", 200),
    ]);
    assert_eq!(flows.len(), 2, "two users behind one address stay apart");
    assert_eq!(conditions(&flows[0]), [(FlowCondition::BouncedToLogin, 3)]);
    assert_eq!(flows[0].stopped_at, Stop::Landing);
    assert_eq!(conditions(&flows[1]), [(FlowCondition::RedirectLoop, 6)]);
}

#[test]
fn replayed_code_and_error_callback_and_404() {
    let flows = feed(&[
        &req(
            UA_A,
            "09:00:04",
            "/oauth/complete/azuread-oauth2/?code=same&state=s1",
            302,
        ),
        &req(
            UA_A,
            "09:00:09",
            "/oauth/complete/azuread-oauth2/?code=same&state=s1",
            302,
        ),
        &req(
            UA_B,
            "09:02:00",
            "/oauth/complete/azuread-oauth2/?error=access_denied&state=s3",
            302,
        ),
        &req(
            UA_B,
            "09:05:00",
            "/oauth/complete/azuread-tenant-oauth2/?code=c9&state=s9",
            404,
        ),
    ]);
    assert_eq!(conditions(&flows[1]), [(FlowCondition::ReplayedCode, 2)]);
    assert_eq!(flows[2].outcome, Outcome::Failed);
    assert_eq!(flows[2].stopped_at, Stop::Callback);
    assert_eq!(conditions(&flows[3]), [(FlowCondition::Callback404, 4)]);
    assert_eq!(flows[3].backend.as_deref(), Some("azuread-tenant-oauth2"));
}

#[test]
fn errors_join_the_nearest_callback_before_or_after() {
    let flows = feed(&[
        "2026-11-20T09:00:03Z Request failed with 400: invalid_grant aadsts54005-code-already-redeemed",
        &req(
            UA_A,
            "09:00:04",
            "/oauth/complete/azuread-oauth2/?code=c1&state=s1",
            302,
        ),
        "2026-11-20T09:00:05Z social_core.exceptions.AuthCanceled auth-canceled-token-endpoint-400",
    ]);
    assert_eq!(flows.len(), 1);
    assert_eq!(flows[0].outcome, Outcome::Failed);
    assert_eq!(
        flows[0].rules,
        vec![
            "aadsts54005-code-already-redeemed".to_string(),
            "auth-canceled-token-endpoint-400".to_string()
        ]
    );
}

/// Issue 19 (7): Django logs a request's error before that request's access line. A user
/// who reloads the callback seconds after a login that worked gets an error on the reload;
/// the login stays a success and the error goes to the replay.
#[test]
fn a_replayed_callback_takes_its_own_error_and_the_login_stays_a_success() {
    let callback = |time: &str, status| {
        req(
            UA_A,
            time,
            "/oauth/complete/azuread-oauth2/?code=c1&state=s1",
            status,
        )
    };
    let lines = [
        req(UA_A, "09:00:00", "/oauth/login/azuread-oauth2/", 302),
        callback("09:00:05", 302),
        req(UA_A, "09:00:05", "/", 200),
        "2026-11-20T09:00:09Z social_core.exceptions.AuthStateMissing auth-state-missing".into(),
        callback("09:00:09", 500),
    ];
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let flows = feed(&lines);
    assert_eq!(flows.len(), 2, "{flows:#?}");
    assert_eq!(flows[0].outcome, Outcome::Succeeded);
    assert!(flows[0].rules.is_empty(), "{:?}", flows[0].rules);
    assert_eq!(flows[1].outcome, Outcome::Failed);
    assert_eq!(flows[1].rules, ["auth-state-missing"]);
    // The same with the replay's access line in the ingress's log only: the error joins
    // the callback logged after it, not the login before it.
    let (netbox, ingress) = (&lines[..4], &lines[4..]);
    let flows = feed_inputs(&[
        ("netbox.log", Some("netbox-a"), netbox),
        ("ingress.log", Some("ingress-nginx-x"), ingress),
    ]);
    let failed: Vec<_> = flows
        .iter()
        .filter(|f| f.rules.iter().any(|r| r == "auth-state-missing"))
        .collect();
    assert_eq!(failed.len(), 1, "{flows:#?}");
    assert_eq!(failed[0].steps[0].source, "ingress.log");
    assert!(flows.iter().any(|f| f.outcome == Outcome::Succeeded));
    // Without the replay's access line anywhere, the error is an orphan (the finding
    // still reports it) and the login that worked stays a success.
    let (flows, orphans) = feed_from("netbox.log", None, &lines[..4]);
    assert_eq!(flows[0].outcome, Outcome::Succeeded);
    assert_eq!(orphans.len(), 1);
}

// ---- joining inputs ----

#[test]
fn an_error_in_the_netbox_log_joins_the_callback_in_the_ingress_log() {
    let ingress: &[&str] = &[
        &req(UA_A, "09:00:00", "/oauth/login/azuread-oauth2/", 302),
        &req(
            UA_A,
            "09:00:04",
            "/oauth/complete/azuread-oauth2/?code=c1codecodecode&state=s1statestatestate",
            500,
        ),
    ];
    let netbox: &[&str] = &["2026-11-20T09:00:05Z ERROR Request failed with 401 invalid-client"];
    let flows = feed_inputs(&[
        ("ingress.log", Some("ingress-nginx-controller-x"), ingress),
        ("netbox.log", Some("netbox-a"), netbox),
    ]);
    assert_eq!(flows.len(), 1, "{flows:#?}");
    assert_eq!(flows[0].outcome, Outcome::Failed);
    assert_eq!(flows[0].rules, vec!["invalid-client".to_string()]);
    let sources: Vec<&str> = flows[0].steps.iter().map(|s| s.source.as_str()).collect();
    assert_eq!(sources, ["ingress.log", "ingress.log", "netbox.log"]);
    // Too far from any callback: the error stays out of the flows.
    let late: &[&str] = &["2026-11-20T09:05:00Z ERROR Request failed with 401 invalid-client"];
    let flows = feed_inputs(&[("ingress.log", None, ingress), ("netbox.log", None, late)]);
    assert!(flows[0].rules.is_empty());
}

#[test]
fn one_login_in_two_access_logs_is_one_flow_and_a_replay_stays_two() {
    let cb = |t: &str, code: &str| {
        req(
            UA_A,
            t,
            &format!("/oauth/complete/azuread-oauth2/?code={code}&state=s1statestatestate"),
            302,
        )
    };
    let ingress = [
        req(UA_A, "09:00:00", "/oauth/login/azuread-oauth2/", 302),
        cb("09:00:04", "c1codecodecode"),
        cb("09:00:09", "c1codecodecode"),
    ];
    let netbox = [
        cb("09:00:04", "c1codecodecode"),
        cb("09:00:09", "c1codecodecode"),
    ];
    let ingress: Vec<&str> = ingress.iter().map(String::as_str).collect();
    let netbox: Vec<&str> = netbox.iter().map(String::as_str).collect();
    let flows = feed_inputs(&[
        ("ingress.log", None, &ingress),
        ("netbox.log", None, &netbox),
    ]);
    assert_eq!(flows.len(), 2, "{flows:#?}");
    assert_eq!(
        flows[0].steps.len(),
        3,
        "begin + the callback as both logs saw it"
    );
    assert_eq!(flows[1].steps.len(), 2);
    assert!(
        flows[1]
            .conditions
            .iter()
            .any(|(c, _)| *c == FlowCondition::ReplayedCode),
        "the replay is still a replay"
    );
}

#[test]
fn a_login_that_began_on_one_pod_and_came_back_to_another() {
    let a = [req(UA_A, "09:00:00", "/oauth/login/azuread-oauth2/", 302)];
    let b = [
        req(
            UA_A,
            "09:00:06",
            "/oauth/complete/azuread-oauth2/?code=c1codecodecode&state=s1statestatestate",
            500,
        ),
        "2026-11-20T09:00:06Z ERROR AuthStateMissing auth-state-missing".to_string(),
        // Another user, on the same pod, at the same time: stays apart.
        req(
            UA_B,
            "09:00:07",
            "/oauth/complete/azuread-oauth2/?code=c2codecodecode&state=s2statestatestate",
            302,
        ),
    ];
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let b: Vec<&str> = b.iter().map(String::as_str).collect();
    let flows = feed_inputs(&[
        ("netbox-a.log", Some("netbox-a"), &a),
        ("netbox-b.log", Some("netbox-b"), &b),
    ]);
    assert_eq!(flows.len(), 2, "{flows:#?}");
    let f = &flows[0];
    assert_eq!(f.outcome, Outcome::Failed);
    assert_eq!(f.steps[0].pod.as_deref(), Some("netbox-a"));
    assert_eq!(f.steps[1].pod.as_deref(), Some("netbox-b"));
    assert!(
        !f.conditions
            .iter()
            .any(|(c, _)| *c == FlowCondition::NoCallback),
        "it did come back"
    );
    assert_eq!(
        f.switched_pods().map(|s| (s.source.as_str(), s.line)),
        Some(("netbox-b.log", 1))
    );
    assert_eq!(flows[1].client.user_agent.as_deref(), Some(UA_B));
    assert!(flows[1].switched_pods().is_none());
}

#[test]
fn an_entra_trace_id_links_an_error_to_its_flow_whatever_the_time() {
    let mut c = Correlator::new(Duration::seconds(DEFAULT_FLOW_TIMEOUT_SECS));
    let callback = req(
        UA_A,
        "09:00:04",
        "/oauth/complete/azuread-oauth2/?error=access_denied&state=s1statestatestate",
        302,
    );
    let a = access::parse(&callback).unwrap();
    let at = |line, pod, time| Origin {
        source: "netbox.log",
        line,
        pod,
        container: None,
        time,
    };
    let idx = c.request(&a, &at(1, Some("netbox-a"), a.time)).unwrap();
    c.note(idx, &["aadsts65004".into()], &["trace_id:T1".into()]);
    // Minutes later, on another pod: only the shared trace id can link it.
    let later = a.time.map(|t| t + Duration::minutes(5));
    c.error(
        &at(9, Some("netbox-b"), later),
        &["logged-again".into()],
        &["trace_id:T1".into()],
    );
    c.error(
        &at(10, Some("netbox-b"), later),
        &["unrelated".into()],
        &["trace_id:T2".into()],
    );
    let finished = c.finish(None);
    let (flows, orphans) = (finished.flows, finished.orphans);
    assert_eq!(flows[0].rules, ["aadsts65004", "logged-again"]);
    assert_eq!(orphans.len(), 1, "the other id stays unlinked");
    // In the join too: an orphan with the flow's id joins it.
    let flows = join(
        flows,
        vec![Orphan {
            keys: vec!["trace_id:T1".into()],
            rules: vec!["from-another-file".into()],
            ..orphans[0].clone()
        }],
        Duration::seconds(DEFAULT_FLOW_TIMEOUT_SECS),
    );
    assert!(flows[0].rules.contains(&"from-another-file".to_string()));
}

#[test]
fn a_long_input_releases_quiet_flows_and_keeps_the_failed_ones() {
    let mut c = Correlator::new(Duration::seconds(DEFAULT_FLOW_TIMEOUT_SECS));
    let start = DateTime::parse_from_rfc3339("2026-11-27T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let mut line = 0;
    let mut feed = |c: &mut Correlator, secs: i64, client: &str, target: &str, status: u16| {
        line += 1;
        let t = start + Duration::seconds(secs);
        let text = format!(
            r#"{client} - - [{}] "GET {target} HTTP/1.1" {status} 0 "-" "{UA_A}""#,
            t.format("%d/%b/%Y:%H:%M:%S +0000")
        );
        let a = access::parse(&text).unwrap();
        c.request(
            &a,
            &Origin {
                source: "long.log",
                line,
                pod: None,
                container: None,
                time: a.time,
            },
        )
    };
    // Ten hours, one login every 3 s from ever new clients; every 100th fails.
    let logins: u32 = 12_000;
    let mut most_held = 0;
    for n in 0..logins {
        let client = format!("10.{}.{}.{}", n / 65536, (n / 256) % 256, n % 256);
        let at = i64::from(n) * 3;
        feed(&mut c, at, &client, "/oauth/login/azuread-oauth2/", 302);
        let status = if n % 100 == 0 { 500 } else { 302 };
        let cb =
            format!("/oauth/complete/azuread-oauth2/?code=c{n:08}codecode&state=s{n:08}statestate");
        feed(&mut c, at + 2, &client, &cb, status);
        most_held = most_held.max(c.flows.len());
    }
    // A replay of a code seen 40 s earlier is still caught after releases.
    let replayed = format!(
        "/oauth/complete/azuread-oauth2/?code=c{:08}codecode&state=x",
        logins - 10
    );
    feed(
        &mut c,
        i64::from(logins) * 3 + 10,
        "10.99.99.99",
        &replayed,
        302,
    );
    let finished = c.finish(None);
    let failed = finished
        .flows
        .iter()
        .filter(|f| f.outcome == Outcome::Failed)
        .count();
    assert_eq!(failed, 120 + 1, "every failure kept, the replay too");
    assert_eq!(
        finished.flows.len() as u64 + finished.released.succeeded,
        u64::from(logins) + 1,
        "nothing lost: held + released = all"
    );
    assert!(
        most_held <= 2 * COMPACT_MIN,
        "memory stays bounded: at most {most_held} flows held at once"
    );
    assert!(finished.released.succeeded > 10_000);
}

/// A burst of failing logins faster than the quiet time (a thousand a second, so none is
/// settled by time), with and without times on the lines, and a burst of errors with Entra
/// ids after one callback: the flows, codes and keys held stay bounded, and every flow is
/// still counted (issue #15).
#[test]
fn a_burst_of_failed_logins_stays_bounded() {
    let start = DateTime::parse_from_rfc3339("2026-11-27T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    for timed in [true, false] {
        let mut c = Correlator::new(Duration::seconds(DEFAULT_FLOW_TIMEOUT_SECS));
        let logins: u32 = 30_000;
        let (mut most_held, mut most_codes, mut overflowed) = (0, 0, 0u64);
        for n in 0..logins {
            let client = format!("10.{}.{}.{}", n / 65536, (n / 256) % 256, n % 256);
            let text = format!(
                r#"{client} - - [27/Nov/2026:00:00:00 +0000] "GET /oauth/complete/azuread-oauth2/?code=c{n:08}&state=s{n:08} HTTP/1.1" 500 0 "-" "{UA_A}""#
            );
            let a = access::parse(&text).unwrap();
            let time = timed.then(|| start + Duration::milliseconds(i64::from(n)));
            let origin = Origin {
                source: "burst.log",
                line: u64::from(n) + 1,
                pod: None,
                container: None,
                time,
            };
            c.request(&a, &origin);
            overflowed += c.take_overflow().len() as u64;
            most_held = most_held.max(c.flows.len());
            most_codes = most_codes.max(c.codes.len());
        }
        assert!(
            most_held <= MAX_HELD_FLOWS + 1,
            "timed {timed}: {most_held} flows held at once"
        );
        assert!(
            most_codes <= MAX_CODES + MAX_HELD_FLOWS,
            "timed {timed}: {most_codes} codes held"
        );
        // Errors with new ids keep joining the last callback: its keys stay bounded.
        for n in 0..500u32 {
            let origin = Origin {
                source: "burst.log",
                line: u64::from(logins + n) + 1,
                pod: None,
                container: None,
                time: timed.then(|| start + Duration::milliseconds(i64::from(logins))),
            };
            c.error(&origin, &["x".to_string()], &[format!("trace_id:{n:08}")]);
        }
        assert!(c.flows.iter().all(|f| f.keys.len() <= MAX_KEYS));
        let finished = c.finish(None);
        assert_eq!(
            finished.flows.len() as u64 + overflowed,
            u64::from(logins),
            "timed {timed}: every flow listed or counted"
        );
        assert_eq!(finished.released.failed, overflowed, "timed {timed}");
    }
}

/// Issue 19 (1): pages answered 403 after a login that worked make it "signed in, no
/// permissions" at the third; static files do not count, nor pages an hour later.
#[test]
fn pages_refused_after_a_login_that_worked_mark_it() {
    let login = [
        req(UA_A, "09:00:00", "/oauth/login/azuread-oauth2/", 302),
        req(
            UA_A,
            "09:00:05",
            "/oauth/complete/azuread-oauth2/?code=c1&state=s1",
            302,
        ),
        req(UA_A, "09:00:05", "/", 200),
    ];
    let feed_denied = |pages: &[(&str, &str)]| {
        let mut c = Correlator::new(Duration::seconds(DEFAULT_FLOW_TIMEOUT_SECS));
        let origin = |line: u64, time| Origin {
            source: "x.log",
            line,
            pod: None,
            container: None,
            time,
        };
        for (n, l) in login.iter().enumerate() {
            let a = access::parse(l).unwrap();
            c.request(&a, &origin(n as u64 + 1, a.time));
        }
        for (n, (time, path)) in pages.iter().enumerate() {
            let a = access::parse(&req(UA_A, time, path, 403)).unwrap();
            c.denied(&a, &origin(n as u64 + 10, a.time));
        }
        c.finish(None).flows
    };
    let marked = |flows: &[Flow]| {
        flows[0]
            .conditions
            .iter()
            .any(|(c, _)| *c == FlowCondition::NoPermissions)
    };
    let three = [
        ("09:01:00", "/dcim/devices/"),
        ("09:01:10", "/static/netbox.css"),
        ("09:01:20", "/ipam/prefixes/"),
        ("09:02:00", "/dcim/sites/"),
    ];
    let flows = feed_denied(&three);
    assert!(marked(&flows), "{flows:#?}");
    assert_eq!(flows[0].outcome, Outcome::Succeeded);
    assert!(!marked(&feed_denied(&three[..3])));
    // An hour and more later the 403s are not this login's first pages.
    let late = [
        ("10:01:00", "/dcim/devices/"),
        ("10:01:20", "/ipam/prefixes/"),
        ("10:02:00", "/dcim/sites/"),
    ];
    assert!(!marked(&feed_denied(&late)));
}

/// Attack findings on issue 19: only GETs of object pages count, each path once.
#[test]
fn only_object_pages_count_as_refused() {
    for page in ["/dcim/devices/", "/ipam/prefixes/?q=x", "/dcim/sites/14/"] {
        assert!(object_page(page), "{page}");
    }
    for other in [
        "/graphql/",
        "/api/dcim/devices/",
        "/static/netbox.js",
        "/robots.txt",
        "/favicon.ico",
        "/users/users/",
        "/core/jobs/",
        "/admin/",
        "/login/",
    ] {
        assert!(!object_page(other), "{other}");
    }
}
