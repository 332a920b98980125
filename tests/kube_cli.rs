//! `sso-triage kube` end to end: the built binary reads pods from the fake API server
//! (tests/kube_support) and reports like `scan` does; `--follow` prints matches as they come
//! and SIGINT prints the final report; errors are one line with exit 2.

#![allow(clippy::unwrap_used)] // a failing test should panic with the value it got

#[path = "kube_support/mod.rs"]
mod kube_support;

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kube_support::{Container, End, FakeApi, FakePod, Fault, State, line};
use serde_json::Value;

#[path = "support/schema.rs"]
mod schema;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sso-triage"))
}

const UA: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:157.0) Gecko/20100101 Firefox/157.0";

/// A NetBox pod whose log holds a login that fails with AADSTS7000222 (expired secret).
fn failing_login(second: u32) -> Vec<Vec<u8>> {
    vec![
        line(
            second,
            0,
            &format!(
                r#"10.42.0.1 - - [20/Nov/2026:09:00:{second:02} +0000] "GET /oauth/login/azuread-oauth2/ HTTP/1.1" 302 0 "-" "{UA}""#
            ),
        ),
        line(
            second + 4,
            0,
            &format!(
                r#"10.42.0.1 - - [20/Nov/2026:09:00:{:02} +0000] "GET /oauth/complete/azuread-oauth2/?code=0.AXoAkubeFAKEcodeFAKEkubeFAKEcode0001&state=KubeStateKubeStateKubeState01 HTTP/1.1" 302 0 "-" "{UA}""#,
                second + 4
            ),
        ),
        line(
            second + 4,
            500_000_000,
            r#"ERROR 2026-11-20 09:00:04,500 utils 10 140390103648064 Request failed with 401: {"error":"invalid_client","error_description":"AADSTS7000222: The provided client secret keys for app 'c0ffee00-1111-4222-8333-444455556666' are expired. Visit the Azure portal to create new keys for your app. Trace ID: 1a2b3c4d-0000-4111-8222-333344445555 Correlation ID: 5e6f7a8b-9999-4aaa-8bbb-cccc0000dddd Timestamp: 2026-11-20 09:00:04Z","error_codes":[7000222]}"#,
        ),
    ]
}

fn netbox(name: &str, lines: Vec<Vec<u8>>) -> FakePod {
    FakePod::new(
        name,
        &[("app", "netbox")],
        vec![Container::new("netbox", lines)],
    )
}

#[test]
fn kube_reads_the_pods_and_reports_like_scan() {
    let api = FakeApi::start(State::new(vec![
        netbox("netbox-7d9f-abcde", failing_login(0)),
        FakePod::new(
            "redis-0",
            &[("app", "redis")],
            vec![Container::new(
                "redis",
                vec![line(1, 0, "AADSTS50011 in a redis log is not NetBox's")],
            )],
        ),
    ]));
    let out = bin()
        .args(["kube", "-o", "json", "--kubeconfig"])
        .arg(api.kubeconfig())
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    schema::check_report(&report);
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "aadsts7000222-client-secret-expired")
        .expect("the expired secret is found");
    assert_eq!(f["sources"][0], "pod/netbox-7d9f-abcde/netbox");
    assert_eq!(f["evidence"][0]["time"], "2026-11-20T09:00:04.500Z");
    assert!(
        !report.to_string().contains("AADSTS50011"),
        "only pods whose name starts with netbox are read by default"
    );
    let flows = report["flows"].as_array().unwrap();
    assert_eq!(flows.len(), 1);
    assert_eq!(flows[0]["outcome"], "failed");
    assert_eq!(report["inputs"][0], "kube:kotsadm");
    assert!(!report.to_string().contains("FAKEcode"), "codes masked");
    assert!(
        stderr.contains("read 1 container(s) of 1 pod(s)"),
        "{stderr}"
    );
}

#[test]
fn kube_errors_are_one_line_and_exit_2() {
    let api = FakeApi::start(State::new(vec![netbox("netbox-a", failing_login(0))]));
    let cases: [(&[&str], &str); 3] = [
        (&["--context", "other"], "401"),
        (&["-n", "nowhere"], "nowhere"),
        (&["netbox-missing"], "netbox-a"),
    ];
    for (args, says) in cases {
        let out = bin()
            .arg("kube")
            .args(args)
            .arg("--kubeconfig")
            .arg(api.kubeconfig())
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}: no report without logs");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{args:?}: one line: {stderr}");
        assert!(lines[0].starts_with("sso-triage: "), "{stderr}");
        assert!(
            lines[0].contains(says),
            "{args:?} should mention {says}: {stderr}"
        );
    }
    let out = bin()
        .args(["kube", "--since-time", "yesterday", "--kubeconfig"])
        .arg(api.kubeconfig())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("RFC 3339"));
}

#[test]
fn follow_prints_matches_live_and_the_report_on_sigint() {
    let mut c = Container::new("netbox", failing_login(0));
    c.end = End::Hang;
    let api = FakeApi::start(State::new(vec![netbox("netbox-live", vec![]).with(c)]));
    let mut child = bin()
        .args([
            "kube",
            "-f",
            "--color",
            "never",
            "--width",
            "120",
            "--kubeconfig",
        ])
        .arg(api.kubeconfig())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    // The live line comes before any report: the run is still going.
    let mut first = String::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !first.contains("aadsts7000222") {
        first.clear();
        assert!(Instant::now() < deadline, "no live line in time");
        if stdout.read_line(&mut first).expect("reads") == 0 {
            panic!("stdout closed before a live line");
        }
    }
    assert!(first.contains("pod/netbox-live/netbox"), "{first}");
    assert!(first.starts_with("2026-11-20T09:00:04.500Z"), "{first}");
    assert!(
        child.try_wait().expect("status").is_none(),
        "still following"
    );
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).expect("reads the report");
    let code = child.wait().expect("ends").code();
    assert_eq!(code, Some(1), "exit by the findings: {rest}");
    assert!(
        rest.contains("Client secret expired") || rest.contains("client secret"),
        "{rest}"
    );
    assert!(rest.contains("Login flows: 1"), "the final report: {rest}");
}

fn which(name: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// What a report says, without where it was read from: each finding's rule, count, codes
/// and sources, and each flow's outcome, stop and findings.
fn essence(report: &Value) -> (Vec<String>, Vec<String>) {
    let findings = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} x{} {} {}",
                f["rule"], f["count"], f["codes_seen"], f["sources"]
            )
        })
        .collect();
    let flows = report["flows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {}",
                f["outcome"], f["stopped_at"], f["findings"], f["client"]
            )
        })
        .collect();
    (findings, flows)
}

#[test]
fn kubectl_piped_into_scan_and_kube_give_the_same_findings() {
    let Some(kubectl) = which("kubectl") else {
        eprintln!("note: kubectl not installed; skipping the kubectl comparison");
        return;
    };
    let mut healthy = vec![line(1, 0, "INFO netbox.auth.login User signed in")];
    healthy.extend(failing_login(10));
    let mut state = State::new(vec![
        netbox("netbox-a", failing_login(0)),
        FakePod::new(
            "netbox-b",
            &[("app", "netbox")],
            vec![
                Container::new("netbox", healthy),
                Container::new(
                    "nginx",
                    vec![line(
                        12,
                        0,
                        "10.42.0.3 - - [20/Nov/2026:09:00:12 +0000] \"GET /login/ HTTP/1.1\" 200 6187 \"-\" \"kube-probe/1.31\"",
                    )],
                ),
            ],
        ),
    ]);
    // kubectl sends no credentials over plain http.
    state.token = None;
    let api = FakeApi::start(state);
    // `kubectl logs -l` copies each pod's stream as it arrives, so pods interleave
    // differently from run to run (and a replayed code's first use moves between pods);
    // `kube` merges the streams by time. Sort by the `--timestamps` field (stable) so both
    // read the lines in the same order.
    let mut lines: Vec<&[u8]> = Vec::new();
    let raw = api.kubectl_logs(&kubectl);
    lines.extend(raw.split_inclusive(|&b| b == b'\n'));
    let time = |l: &&[u8]| l.split(|&b| b == b' ').nth(1).map(<[u8]>::to_vec);
    lines.sort_by_key(time);
    let piped = lines.concat();
    let mut scan = bin()
        .args(["scan", "-o", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("scan starts");
    {
        use std::io::Write;
        let mut stdin = scan.stdin.take().expect("stdin");
        stdin.write_all(&piped).expect("feeds scan");
    }
    let scanned = scan.wait_with_output().expect("scan ends");
    let streamed = bin()
        .args(["kube", "-o", "json", "-l", "app=netbox", "--kubeconfig"])
        .arg(api.kubeconfig())
        .output()
        .expect("kube runs");
    assert_eq!(scanned.status.code(), Some(1));
    assert_eq!(
        streamed.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&streamed.stderr)
    );
    let a: Value = serde_json::from_slice(&scanned.stdout).expect("scan JSON");
    schema::check_report(&a);
    let b: Value = serde_json::from_slice(&streamed.stdout).expect("kube JSON");
    schema::check_report(&b);
    let (findings_a, flows_a) = essence(&a);
    let (findings_b, flows_b) = essence(&b);
    assert!(!findings_a.is_empty());
    assert_eq!(findings_a, findings_b, "the same findings either way");
    assert_eq!(flows_a, flows_b, "the same login flows either way");
}

#[test]
fn a_long_stream_keeps_only_what_it_must() {
    // Ten hours of one NetBox pod: a login every 4 s from a new address, every 200th failing
    // with a 500 at the callback. Quiet successes are released as the stream goes on.
    let start = chrono::DateTime::parse_from_rfc3339("2026-11-20T00:00:00Z").unwrap();
    let mut lines = Vec::new();
    let logins = 9_000u32;
    for n in 0..logins {
        let t = start + chrono::Duration::seconds(i64::from(n) * 4);
        let at = |s: i64| {
            let t = t + chrono::Duration::seconds(s);
            (
                t.format("%Y-%m-%dT%H:%M:%S%.9fZ").to_string(),
                t.format("%d/%b/%Y:%H:%M:%S +0000").to_string(),
            )
        };
        let client = format!("10.1.{}.{}", n / 256, n % 256);
        let (k0, a0) = at(0);
        lines.push(format!(r#"{k0} {client} - - [{a0}] "GET /oauth/login/azuread-oauth2/ HTTP/1.1" 302 0 "-" "{UA}""#).into_bytes());
        let (k1, a1) = at(2);
        let status = if n % 200 == 0 { 500 } else { 302 };
        lines.push(format!(r#"{k1} {client} - - [{a1}] "GET /oauth/complete/azuread-oauth2/?code=0.AXoAlong{n:08}FAKEcodeFAKEcode&state=LongState{n:08}LongState HTTP/1.1" {status} 0 "-" "{UA}""#).into_bytes());
    }
    for l in &mut lines {
        l.push(b'\n');
    }
    let api = FakeApi::start(State::new(vec![netbox("netbox-long", lines)]));
    let out = bin()
        .args(["kube", "-o", "json", "--kubeconfig"])
        .arg(api.kubeconfig())
        .output()
        .expect("runs");
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    schema::check_report(&report);
    let listed = report["flows"].as_array().unwrap();
    let unlisted = report["summary"]["flows_unlisted"].as_u64().unwrap_or(0);
    assert_eq!(
        listed.len() as u64 + unlisted,
        u64::from(logins),
        "every login counted"
    );
    assert!(
        unlisted > 8_000,
        "quiet successes released: {unlisted} of {logins}"
    );
    let failed = listed.iter().filter(|f| f["outcome"] == "failed").count();
    assert_eq!(failed, 45, "every failure kept");
}

/// `kube` with `args` against `api`; returns (exit code, stdout, stderr).
fn kube(api: &FakeApi, args: &[&str]) -> (Option<i32>, Vec<u8>, String) {
    let out = bin()
        .arg("kube")
        .args(args)
        .arg("--kubeconfig")
        .arg(api.kubeconfig())
        .output()
        .expect("runs");
    (
        out.status.code(),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `n` plain lines of one container, 50 a second from 09:00:00.
fn steady(n: u32) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| {
            line(
                i / 50,
                (i % 50) * 20_000_000,
                &format!("INFO request {i} done"),
            )
        })
        .collect()
}

fn problems(report: &Value) -> Vec<String> {
    report["summary"]["problems"]
        .as_array()
        .expect("summary.problems")
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_log_request_failing_exits_2_with_one_line_naming_status_and_pods() {
    let mut state = State::new(vec![
        netbox("netbox-a", failing_login(0)),
        netbox("netbox-b", failing_login(0)),
    ]);
    state.log_status = Some((500, "Internal error occurred: kubelet unreachable".into()));
    let api = FakeApi::start(state);
    let (code, stdout, stderr) = kube(&api, &["-o", "json"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stdout.is_empty(), "no report of nothing");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with("sso-triage: no log could be read in namespace kotsadm: every log request failed: HTTP 500: Internal error occurred: kubelet unreachable for pod/netbox-a/netbox, pod/netbox-b/netbox;"),
        "{stderr}"
    );
}

#[test]
fn the_api_dying_mid_stream_reports_the_missing_range_and_exits_2() {
    let mut c = Container::new("netbox", steady(6000));
    c.fault = Some(Fault::Die(3000));
    let api = FakeApi::start(State::new(vec![netbox("netbox-a", vec![]).with(c)]));
    let (code, stdout, stderr) = kube(&api, &["-o", "json"]);
    assert_eq!(code, Some(2), "{stderr}");
    let report: Value = serde_json::from_slice(&stdout).expect("the report of what was read");
    schema::check_report(&report);
    assert_eq!(report["summary"]["lines"], 3000);
    let problems = problems(&report);
    assert_eq!(problems.len(), 1, "{problems:?}");
    let p = &problems[0];
    assert!(
        p.starts_with(
            "pod/netbox-a/netbox: log lines after 2026-11-20T09:00:59.980Z (the last line read) up to 20"
        ) && p.contains("(when it gave up) are missing")
            && p.contains("5 attempt(s) failed, the last: no answer: "),
        "{p}"
    );
    assert!(
        stderr.lines().any(|l| l == format!("sso-triage: {p}")),
        "also on stderr: {stderr}"
    );

    // Every format carries it: the JSON lines' summary record too.
    api.state.lock().unwrap().dead = false;
    let mut c = Container::new("netbox", steady(100));
    c.fault = Some(Fault::Die(50));
    api.state.lock().unwrap().pods = vec![netbox("netbox-a", vec![]).with(c)];
    let (code, stdout, _) = kube(&api, &["-o", "jsonl"]);
    assert_eq!(code, Some(2));
    let text = String::from_utf8(stdout).unwrap();
    let summary: Value =
        serde_json::from_str(text.lines().last().expect("records")).expect("a JSON line");
    assert_eq!(summary["type"], "summary");
    let listed = summary["problems"].as_array().expect("problems").clone();
    assert_eq!(listed.len(), 1, "{summary}");
    assert!(
        listed[0]
            .as_str()
            .unwrap()
            .starts_with("pod/netbox-a/netbox: log lines after 2026-11-20T09:00:00.980Z"),
        "{summary}"
    );
}

#[test]
fn follow_lists_an_outage_in_the_report_printed_on_sigterm() {
    let mut c = Container::new("netbox", failing_login(0));
    c.live = vec![line(10, 0, "INFO still serving"), line(11, 0, "INFO cut")];
    c.end = End::Hang;
    // The API server dies after the first live line and does not come back.
    c.fault = Some(Fault::Die(4));
    let api = FakeApi::start(State::new(vec![netbox("netbox-live", vec![]).with(c)]));
    let mut child = bin()
        .args(["kube", "-f", "-o", "json", "--kubeconfig"])
        .arg(api.kubeconfig())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    // The live line (on stderr with -o json) says the stream is being read.
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut live = String::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !live.contains("aadsts7000222") {
        live.clear();
        assert!(Instant::now() < deadline, "no live line in time");
        if stderr.read_line(&mut live).expect("reads") == 0 {
            panic!("stderr closed before a live line");
        }
    }
    // Let the cut happen and a few resumes fail.
    let died = Instant::now() + Duration::from_secs(20);
    while !api.state.lock().unwrap().dead {
        assert!(Instant::now() < died, "the fake API did not die");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(1500));
    assert!(child.try_wait().unwrap().is_none(), "still following");
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let mut out = Vec::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_end(&mut out)
        .expect("reads the report");
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    let code = child.wait().expect("ends").code();
    assert_eq!(code, Some(2), "lines may be missing: {rest}");
    let report: Value = serde_json::from_slice(&out).expect("the final report");
    schema::check_report(&report);
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "aadsts7000222-client-secret-expired"),
        "what was read is still reported"
    );
    let problems = problems(&report);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with(
            "pod/netbox-live/netbox: log lines after 2026-11-20T09:00:10Z (the last line read) up to 20"
        ) && problems[0].contains("(when the run stopped) are missing: the stream was down since 20"),
        "{}",
        problems[0]
    );
}

#[test]
fn request_timeout_bounds_a_stream_that_never_ends() {
    let mut c = Container::new("netbox", failing_login(0));
    c.fault = Some(Fault::Stall(3));
    let api = FakeApi::start(State::new(vec![netbox("netbox-hung", vec![]).with(c)]));
    let started = Instant::now();
    let (code, stdout, stderr) = kube(&api, &["-o", "json", "--request-timeout", "1s"]);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(code, Some(2), "{stderr}");
    let report: Value = serde_json::from_slice(&stdout).expect("JSON");
    schema::check_report(&report);
    assert_eq!(report["summary"]["lines"], 3);
    let problems = problems(&report);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with(
            "pod/netbox-hung/netbox: log lines after 2026-11-20T09:00:04.500Z (the last line read) up to 20"
        ) && problems[0].contains("did not end within --request-timeout 1s"),
        "{}",
        problems[0]
    );

    let (code, stdout, stderr) = kube(&api, &["--request-timeout", "soon"]);
    assert_eq!(code, Some(2));
    assert!(stdout.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("sso-triage: invalid --request-timeout \"soon\""),
        "{stderr}"
    );
}

#[test]
fn a_long_line_counts_as_one_line_as_scan_counts_it() {
    let mut long = format!("{} ", kube_support::ts(1, 0)).into_bytes();
    long.extend(std::iter::repeat_n(b'x', 12 << 20));
    long.push(b'\n');
    let lines = vec![line(0, 0, "INFO before"), long, line(2, 0, "INFO after")];
    let api = FakeApi::start(State::new(vec![netbox("netbox-w", lines.clone())]));
    let (code, stdout, stderr) = kube(&api, &["-o", "json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let streamed: Value = serde_json::from_slice(&stdout).expect("kube JSON");
    schema::check_report(&streamed);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("netbox.log");
    let mut text = Vec::new();
    for l in &lines {
        text.extend_from_slice(b"[pod/netbox-w/netbox] ");
        text.extend_from_slice(l);
    }
    std::fs::write(&file, text).unwrap();
    let scanned = bin()
        .args(["scan", "-o", "json"])
        .arg(&file)
        .output()
        .expect("scan runs");
    let scanned: Value = serde_json::from_slice(&scanned.stdout).expect("scan JSON");
    schema::check_report(&scanned);
    assert_eq!(scanned["summary"]["lines"], 3);
    assert_eq!(streamed["summary"]["lines"], scanned["summary"]["lines"]);
    assert_eq!(streamed["summary"]["split_lines"], 0);
}
