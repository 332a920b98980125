//! Log shapes people paste (issue 17, part "Shapes"), each from a fixture of its own in
//! `tests/fixtures/shapes/`: Go and Node loggers (logfmt, zap, logrus, bunyan, pino,
//! logstash), pretty-printed JSON wherever it stands, Django's error e-mails and technical
//! 500 reports, log viewers' tables and k9s, and messages wrapped over lines by a terminal
//! or a journal. Each test runs the built binary and holds a finding to its rule, its time
//! and its line.

use serde_json::Value;

use super::{bin, finding, fixture, json, run};

fn shape(name: &str) -> String {
    fixture(&format!("shapes/{name}")).display().to_string()
}

/// The report of `scan -o json` on one shape fixture.
fn report(name: &str) -> Value {
    let (code, report, stderr) = json(&[&shape(name)]);
    assert!(matches!(code, 0 | 1), "{name}: exit {code}: {stderr}");
    report
}

/// The evidence of `rule` that starts on `line`: its time, the lines it spans, its pod.
fn event<'a>(report: &'a Value, rule: &str, line: u64) -> &'a Value {
    let f = finding(report, rule).unwrap_or_else(|| {
        let rules: Vec<&str> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap())
            .collect();
        panic!("no {rule} finding; got {rules:?}")
    });
    f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["line"] == line)
        .unwrap_or_else(|| panic!("{rule}: no evidence on line {line}: {:#}", f["evidence"]))
}

fn assert_event(report: &Value, rule: &str, line: u64, lines: u64, time: &str) {
    let e = event(report, rule, line);
    assert_eq!(e["time"], time, "{rule} line {line}: {e:#}");
    assert_eq!(e["lines"], lines, "{rule} line {line}: {e:#}");
}

/// Nothing at warning or above.
fn quiet(report: &Value) -> Vec<&Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "info")
        .collect()
}

// ---- 1. logfmt (logrus, go-kit, Grafana) ----

/// The time comes from `time=` (or an epoch `ts=`), and the escaped `\"` and `\n` of a
/// quoted value do not keep Entra's message from matching.
#[test]
fn logfmt_lines_have_their_time_and_their_escaped_message_matched() {
    let r = report("logfmt.log");
    assert_event(
        &r,
        "aadsts7000215-invalid-client-secret",
        3,
        1,
        "2024-05-02T10:11:12.000Z",
    );
    assert_event(
        &r,
        "aadsts54005-code-already-redeemed",
        5,
        1,
        "2024-05-02T10:12:13.250Z",
    );
    let f = finding(&r, "aadsts7000215-invalid-client-secret").unwrap();
    let seen: Vec<&str> = f["codes_seen"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(seen.contains(&"invalid_client"), "{seen:?}");
}

// ---- 2. JSON lines of zap, bunyan, pino, logstash ----

#[test]
fn json_lines_of_go_node_and_logstash_loggers() {
    let r = report("json-lines.log");
    // zap: float seconds under `ts`, read exactly; the error beside the message is shown.
    assert_event(
        &r,
        "aadsts7000222-client-secret-expired",
        2,
        1,
        "2024-05-02T10:11:12.123Z",
    );
    let text = event(&r, "aadsts7000222-client-secret-expired", 2)["text"]
        .as_str()
        .unwrap();
    assert!(
        text.starts_with("ERROR token exchange failed: oauth2: cannot fetch token"),
        "{text}"
    );
    // bunyan: numeric level, ISO time, the error an object with its class.
    assert_event(
        &r,
        "aadsts50011-redirect-uri-mismatch",
        4,
        1,
        "2024-05-02T10:11:14.250Z",
    );
    // pino: epoch milliseconds.
    assert_event(
        &r,
        "aadsts50105-user-not-assigned",
        5,
        1,
        "2024-05-02T10:11:15.123Z",
    );
    // logstash / ECS: `@timestamp`, `error.message`.
    assert_event(
        &r,
        "aadsts700016-application-not-found",
        6,
        1,
        "2024-05-02T10:11:16.500Z",
    );
}

// ---- 3. Pretty-printed JSON ----

/// After a line that ends with `Response:` (or `body:`), the lead-in line is the event's
/// first line and gives its time; Python's pprint of a dict is a value too.
#[test]
fn pretty_json_after_a_lead_in_line() {
    let r = report("json-lead-in.log");
    assert_event(
        &r,
        "aadsts7000215-invalid-client-secret",
        2,
        10,
        "2024-05-02T10:11:12.001Z",
    );
    assert_event(
        &r,
        "aadsts70008-code-expired",
        13,
        8,
        "2024-05-02T10:15:40.310Z",
    );
}

/// kubectl `--prefix --timestamps` on every line, and another pod's lines in between
/// (`kubectl logs -l`): one event of its pod, with the kubectl time of its first line.
#[test]
fn pretty_json_under_kubectl_headers_with_another_pod_between() {
    let r = report("json-kubectl.log");
    let e = event(&r, "aadsts7000222-client-secret-expired", 2);
    assert_eq!(e["time"], "2024-05-02T10:11:12.000Z");
    assert_eq!(e["lines"], 5);
    assert_eq!(e["pod"], "netbox-7d9f8c6b5-x2kqp");
    assert!(!e["text"].as_str().unwrap().contains("kube-probe"), "{e:#}");
}

/// A traceback whose exception message opens a JSON body: one event, the body matched.
#[test]
fn pretty_json_in_a_traceback_exception() {
    let r = report("json-traceback.log");
    assert_event(
        &r,
        "aadsts70008-code-expired",
        2,
        11,
        "2024-05-02T10:20:05.117Z",
    );
    assert_eq!(r["summary"]["tracebacks"], 1);
}

// ---- 4. Django's error e-mail and technical 500 report ----

/// Everything planted in the fixtures' cookies, headers, form and settings.
const DJANGO_SECRETS: &[&str] = &[
    "0.AXoAplantedAuthCodeForShapesTest0001",
    "0.AXoAplantedAuthCodeForShapesTest0002",
    "plantedCsrfCookieValue000",
    "plantedsessionidvalue000",
    "plantedApiTokenValue000",
    "plantedClientSecretValue000",
    "plantedXCsrfHeader0003",
    "Zx8Cv6Bn4Mq2Wl0Ek9Rj7Th5Yg3Uf1Id",
    "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv",
    "Mn3Bv5Cx7Zl9Kj1Hg3Fd5Sa7Po9Iu1Yt",
];

#[test]
fn django_reports_never_show_their_cookies_headers_or_settings() {
    for name in [
        "django-admin-email.txt",
        "django-technical-500.txt",
        "django-debug-table.txt",
        "django-healthy-report.txt",
    ] {
        for format in ["table", "json", "jsonl", "markdown", "html"] {
            let r = run(&["scan", "-o", format, &shape(name)]);
            let all = format!("{}{}", r.stdout, r.stderr);
            for secret in DJANGO_SECRETS {
                assert!(!all.contains(secret), "{name} -o {format} shows {secret}");
            }
        }
    }
}

/// AdminEmailHandler's e-mail: the traceback and its exception are one event, timed by the
/// e-mail's `Date:`; the request dump after it is part of it but not matched.
#[test]
fn django_admin_email_is_one_event() {
    let r = report("django-admin-email.txt");
    assert_event(&r, "auth-state-missing", 9, 46, "2024-05-02T10:31:07.000Z");
    // `SOCIAL_AUTH_LOGIN_ERROR_URL = '/login/?error=sso'` and the rest say nothing failed.
    let rules: Vec<&str> = quiet(&r)
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["auth-state-missing"], "{r:#}");
}

/// The technical 500 page as text: its header (with its details) and its traceback (blank
/// lines between the frames, Django's chain marker, `Exception Type:` / `Exception
/// Value:`, the request dump) are an event each, timed by `Server time:`.
#[test]
fn django_technical_500_text() {
    let r = report("django-technical-500.txt");
    let rule = "auth-canceled-token-endpoint-400";
    assert_event(&r, rule, 1, 20, "2024-05-02T10:42:19.000Z");
    assert_event(&r, rule, 23, 43, "2024-05-02T10:42:19.000Z");
    assert_eq!(finding(&r, rule).unwrap()["count"], 2);
    assert_eq!(quiet(&r).len(), 1, "{r:#}");
}

/// The HTML page copied as text: tab-separated tables. The header and its details are one
/// event; of the request dump only the query's `error_description` row is matched.
#[test]
fn django_debug_page_copied_as_tables() {
    let r = report("django-debug-table.txt");
    let rule = "aadsts65004-consent-declined";
    assert_event(&r, rule, 1, 13, "2024-05-02T10:50:31.000Z");
    let f = finding(&r, rule).unwrap();
    assert_eq!(f["count"], 2, "{f:#}");
    assert_eq!(quiet(&r).len(), 1, "{r:#}");
}

/// A report of a failure that has nothing to do with sign-in, whose request dump is full of
/// SSO settings and cookies: nothing at warning or above.
#[test]
fn django_report_of_another_failure_is_quiet() {
    let r = report("django-healthy-report.txt");
    assert!(quiet(&r).is_empty(), "{r:#}");
}

// ---- 5. Log viewers' tables and k9s ----

#[test]
fn k9s_log_view_gives_pod_and_time() {
    let r = report("k9s.log");
    let e = event(&r, "aadsts7000215-invalid-client-secret", 2);
    assert_eq!(e["time"], "2024-05-02T10:11:12.123Z");
    assert_eq!(e["pod"], "netbox-7d9f8c6b5-x2kqp");
    assert_eq!(e["container"], "netbox");
    // A JSON line behind the pod and container is decoded: its epoch time is read.
    let e = event(&r, "aadsts50011-redirect-uri-mismatch", 3);
    assert_eq!(e["time"], "2024-05-02T10:11:13.500Z");
    assert_eq!(e["pod"], "netbox-worker-5c4b3a2d1-m8n7p");
}

#[test]
fn viewer_tables_give_pod_time_and_the_message() {
    // Lens, box-drawing columns.
    let r = report("lens-table.txt");
    let e = event(&r, "aadsts7000222-client-secret-expired", 3);
    assert_eq!(e["time"], "2024-05-02T10:11:12.123Z");
    assert_eq!(e["pod"], "netbox-7d9f8c6b5-x2kqp");
    assert!(
        e["text"]
            .as_str()
            .unwrap()
            .starts_with("Request failed with 401"),
        "{e:#}"
    );
    let e = event(&r, "auth-state-missing", 4);
    assert_eq!(e["pod"], "netbox-7d9f8c6b5-q7w2x");
    // Grafana Explore, tab-separated: the JSON message is decoded.
    let r = report("grafana-explore.tsv");
    assert_event(
        &r,
        "aadsts70008-code-expired",
        2,
        1,
        "2024-05-02T10:11:14.456Z",
    );
    // Kibana, pipes and Kibana's own time format.
    let r = report("kibana-pipes.txt");
    let e = event(&r, "aadsts50020-user-from-other-tenant", 3);
    assert_eq!(e["time"], "2024-05-02T10:11:17.000Z");
    assert_eq!(e["pod"], "netbox-7d9f8c6b5-q7w2x");
}

// ---- 6. Messages wrapped over lines ----

/// journalctl: a message going on on indented lines under the same prefix, a traceback
/// with another process's line in between, and the short format (no year: no time but
/// the message's own).
#[test]
fn journal_continuations_are_joined() {
    let r = report("journal-wrapped.log");
    assert_event(
        &r,
        "aadsts7000215-invalid-client-secret",
        2,
        3,
        "2024-05-02T10:11:12.000Z",
    );
    assert_event(&r, "auth-state-missing", 6, 4, "2024-05-02T10:12:30.000Z");
    // The redirect URI is cut by the wrap; joined, it is read whole (http: the guide's
    // https section too).
    assert_event(
        &r,
        "aadsts50011-redirect-uri-mismatch",
        11,
        2,
        "2024-05-02T10:13:05.448Z",
    );
    assert!(finding(&r, "redirect-uri-must-be-https").is_some());
}

/// A terminal cut an Entra body inside a string ('c / lient_id'): glued back, the refined
/// rule (the client id is what is missing) fires.
#[test]
fn terminal_wrap_inside_a_string_is_glued() {
    let r = report("terminal-wrapped.log");
    assert_event(
        &r,
        "aadsts900144-client-id-missing",
        2,
        2,
        "2024-05-02T10:11:12.123Z",
    );
}

/// Every shape, repeated past the size where a file is read in ranges by several threads:
/// the report is the one a single thread gives (a record left open at the end of one
/// buffer is closed in the next).
#[test]
fn shapes_give_the_same_report_on_one_thread_and_several() {
    let dir = tempfile::tempdir().unwrap();
    let mut all = Vec::new();
    for entry in std::fs::read_dir(fixture("shapes")).unwrap() {
        let path = entry.unwrap().path();
        all.extend(std::fs::read(&path).unwrap());
        all.push(b'\n');
    }
    let mut text = Vec::new();
    while text.len() < 5 << 19 {
        text.extend_from_slice(&all);
    }
    let path = dir.path().join("shapes.log");
    std::fs::write(&path, &text).unwrap();
    let file = path.to_str().unwrap();
    let serial = run(&["scan", "-o", "json", "-j", "1", file]);
    let ranged = run(&["scan", "-o", "json", "-j", "2", file]);
    assert!(
        serial
            .stdout
            .contains("aadsts7000215-invalid-client-secret")
    );
    assert!(serial.stdout == ranged.stdout, "-j 2 differs from -j 1");
    let piped = bin()
        .args(["scan", "-o", "json", "-j", "2", "-"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&piped.stdout) == serial.stdout.replace(file, "<stdin>"),
        "a pipe differs"
    );
}
