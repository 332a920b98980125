//! Reports: login flows reconstructed per user, the Markdown incident report and the HTML
//! report.

use serde_json::Value;

use super::{finding, fixture, json, run};

#[test]
fn login_flows_are_reconstructed_per_user() {
    let (code, report, _) = json(&[fixture("flows.log").to_str().unwrap()]);
    assert_eq!(code, 1);
    let flows = report["flows"].as_array().unwrap();
    let outcome = |i: usize| {
        (
            flows[i]["outcome"].as_str().unwrap(),
            flows[i]["stopped_at"].as_str().unwrap(),
        )
    };
    assert_eq!(flows.len(), 4, "{flows:#?}");
    // Two users behind one ingress address: same IP, different user agents.
    assert_eq!(flows[0]["client"]["address"], flows[1]["client"]["address"]);
    assert_eq!(outcome(0), ("succeeded", "done"));
    assert_eq!(outcome(1), ("failed", "callback"));
    assert_eq!(flows[1]["findings"][0], "sso-failed-redirect-to-login");
    assert_eq!(outcome(2), ("abandoned", "authorize"));
    assert_eq!(outcome(3), ("failed", "landing"));
    for (i, f) in flows.iter().enumerate() {
        assert_eq!(f["id"], format!("f{}", i + 1));
        assert!(
            f["started"]
                .as_str()
                .unwrap()
                .starts_with("2026-11-26T08:0")
        );
        for key in f["keys"].as_array().unwrap() {
            assert!(
                !key.as_str().unwrap().contains("FAKE"),
                "keys never show codes or states: {key}"
            );
        }
    }
    assert_eq!(
        finding(&report, "flow-no-callback").unwrap()["flows"],
        serde_json::json!(["f3"])
    );
    // The one user bounced while another signed in minutes before: the account, not the
    // set-up (flow-user-inactive rather than flow-bounced-to-login).
    assert!(finding(&report, "flow-bounced-to-login").is_none());
    assert_eq!(
        finding(&report, "flow-user-inactive").unwrap()["flows"],
        serde_json::json!(["f4"])
    );
    assert!(
        finding(&report, "flow-user-inactive").unwrap()["evidence"][0]["text"]
            .as_str()
            .unwrap()
            .contains("/login/")
    );
    let table = run(&[
        "scan",
        "--color",
        "never",
        "--width",
        "160",
        fixture("flows.log").to_str().unwrap(),
    ]);
    assert!(
        table
            .stdout
            .contains("Login flows: 4 (1 succeeded, 2 failed, 1 abandoned, 0 incomplete)"),
        "{}",
        table.stdout
    );
}

#[test]
fn markdown_incident_report_is_complete_and_deterministic() {
    let args = [
        "scan",
        "-o",
        "markdown",
        "-j",
        "2",
        "samples",
        "tests/fixtures/flows.log",
    ];
    let a = run(&args);
    let b = run(&args);
    assert_eq!(a.code, 1);
    assert_eq!(a.stdout, b.stdout, "same input, same bytes");
    for section in [
        "# SSO incident report",
        "- Time window: ",
        "## Summary",
        "**Most likely cause: ",
        "## Errors",
        "**Resolution:**",
        "## Timeline of login flows",
        "## Entra sign-in logs cross-reference",
        "## Evidence missing",
        "## Appendix: the configuration checklist",
    ] {
        assert!(a.stdout.contains(section), "missing {section}");
    }
    // One row per attempt: a time, its trace id and its correlation id together.
    assert!(
        a.stdout
            .contains("| Finding | Time | Trace ID | Correlation ID |"),
        "Entra ids are listed"
    );
    let row = a
        .stdout
        .lines()
        .find(|l| l.starts_with("| `aadsts7000222-client-secret-expired` | 2026-"))
        .expect("an attempt row of the expired secret");
    assert_eq!(row.matches("| `").count(), 3, "{row}");
    assert!(!a.stdout.contains("FAKEfirstUSERcode"), "codes are masked");
}

#[test]
fn html_report_is_one_self_contained_file() {
    let r = run(&[
        "scan",
        "-o",
        "html",
        "samples",
        "tests/corpus/a-50011-internal-host-entra-page.html",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.starts_with("<!DOCTYPE html>"));
    assert!(r.stdout.trim_end().ends_with("</html>"));
    assert!(r.stdout.contains("<h2>Summary</h2>"));
    for forbidden in ["<script", "<link", "src=\"http", "<iframe"] {
        assert!(!r.stdout.contains(forbidden), "{forbidden}");
    }
    // Text from the input (here a pasted Entra HTML page) stays text.
    assert!(r.stdout.contains("&lt;"), "input markup is escaped");
}

/// The schema check is no formality: a report with a severity, a symptom or a time of the
/// wrong kind fails it.
#[test]
fn the_json_schema_rejects_what_the_report_never_writes() {
    let (_, report, _) = json(&[&super::sample("client-secret-expired")]);
    super::schema::check_report(&report);
    let broken = [
        ("/findings/0/severity", Value::from("fatal")),
        ("/findings/0/symptom", Value::from("bad-luck")),
        ("/verdict/finding", Value::from("first")),
        ("/summary/lines", Value::from(-1)),
    ];
    for (pointer, value) in broken {
        let mut bad = report.clone();
        *bad.pointer_mut(pointer).unwrap() = value;
        let failed = std::panic::catch_unwind(|| super::schema::check_report(&bad)).is_err();
        assert!(failed, "{pointer} broken yet accepted");
    }
    let mut no_verdict = report.clone();
    no_verdict.as_object_mut().unwrap().remove("verdict");
    assert!(std::panic::catch_unwind(|| super::schema::check_report(&no_verdict)).is_err());
}

/// `-C N` shows the lines around the evidence, read again from the file, masked like the
/// evidence; stdin has no file to go back to.
#[test]
fn context_lines_around_the_evidence_are_masked() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("netbox.log");
    let secret = "Zq18Q~contextSECRETvalue0123456789abcdEF";
    std::fs::write(
        &log,
        format!(
            "2026-11-25T09:00:00Z INFO before one\n\
             2026-11-25T09:00:01Z DEBUG token request client_secret={secret}\n\
             2026-11-25T09:00:02Z AADSTS7000222: The provided client secret keys for app 'x' are expired.\n\
             2026-11-25T09:00:03Z INFO after one\n\
             2026-11-25T09:00:04Z INFO after two\n"
        ),
    )
    .unwrap();
    let path = log.to_str().unwrap();
    let (_, report, _) = json(&["-C", "2", path]);
    let e = &finding(&report, "aadsts7000222-client-secret-expired").unwrap()["evidence"][0];
    let before = e["context_before"].as_array().unwrap();
    let after = e["context_after"].as_array().unwrap();
    assert_eq!(before.len(), 2, "{e}");
    assert_eq!(after.len(), 2, "{e}");
    assert!(before[0].as_str().unwrap().ends_with("INFO before one"));
    assert!(after[1].as_str().unwrap().ends_with("INFO after two"));
    for format in ["table", "markdown", "json"] {
        let r = run(&["scan", "-C", "2", "-v", "-o", format, path]);
        assert!(!r.stdout.contains(secret), "{format} shows the secret");
        assert!(r.stdout.contains("after two"), "{format}: {}", r.stdout);
    }
    let r = run(&["scan", "-C", "2", "--color", "never", path]);
    assert!(r.stdout.contains("> "), "{}", r.stdout);
    // Without -C, no context.
    let (_, report, _) = json(&[path]);
    let e = &finding(&report, "aadsts7000222-client-secret-expired").unwrap()["evidence"][0];
    assert!(e.get("context_before").is_none(), "{e}");
    let r = run(&["scan", "-C", "21", path]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("at most 20"), "{}", r.stderr);
}

/// The timeline of a log of four days (issue 19): the HTML draws it as an inline SVG under
/// `## Timeline`, the Markdown lists its days and the rollout, the terminal shows a
/// sparkline row for logins that worked and for the expired secret, the rollout marked.
#[test]
fn timeline_is_drawn_in_html_listed_in_markdown_and_sparkled_in_the_terminal() {
    let logs = fixture("timeline/fix-took/logs");
    let logs = logs.to_str().unwrap();
    let html = run(&["scan", "-o", "html", logs]);
    assert_eq!(html.code, 1, "{}", html.stderr);
    let h = &html.stdout;
    let section = h.find("<h2>Timeline</h2>").expect("a Timeline section");
    let chart = h.find("<svg ").expect("an inline SVG");
    let end = h.find("</svg>").expect("closed");
    assert!(
        section < chart && chart < end,
        "the chart is in the section"
    );
    assert!(
        h.find("<h2>Errors</h2>").is_some_and(|e| end < e),
        "before the findings"
    );
    let svg = &h[chart..end];
    for forbidden in ["<script", "href", "<foreignObject", "<image", "url("] {
        assert!(!svg.contains(forbidden), "{forbidden} in the SVG");
    }
    assert!(svg.contains("viewBox=\"0 0 800 330\""), "{svg}");
    assert!(svg.contains(">rollout</text>"), "the rollout marked: {svg}");
    assert!(svg.contains(">client-secret-expired (6)</text>"), "{svg}");
    assert_eq!(h.matches("<svg").count(), 1);

    let md = run(&["scan", "-o", "markdown", logs]);
    assert_eq!(md.code, 1, "{}", md.stderr);
    let m = &md.stdout;
    let at = m.find("\n## Timeline\n").expect("a Timeline section");
    let section = &m[at + 1..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    assert!(
        section.contains("\nFrom 2026-11-18 08:00 to 2026-11-21 11:00 UTC (75 hour(s)): 11 login(s) worked, 6 failure(s).\n"),
        "{section}"
    );
    assert!(section.contains("| Day (UTC) | Logins that worked | Failures by symptom |"));
    assert!(
        section.contains("| 2026-11-20 | 3 | `client-secret-expired` 6 |"),
        "{section}"
    );
    assert!(
        section.contains("`2026-11-20T14:05:05.768Z`: rollout"),
        "{section}"
    );
    assert!(
        section.contains(": rollout; pods before: `netbox-7d9f8b6c5-"),
        "{section}"
    );
    assert!(
        !section.contains("<svg") && !section.contains("!["),
        "plain Markdown"
    );
    let table_rows = section.lines().filter(|l| l.starts_with("| 2026-")).count();
    assert_eq!(table_rows, 4, "a row a day: {section}");

    let term = run(&["scan", "--color", "never", "--width", "80", logs]);
    assert_eq!(term.code, 1, "{}", term.stderr);
    let t = &term.stdout;
    for l in t.lines() {
        assert!(l.chars().count() <= 80, "{l:?} wider than 80");
    }
    let header = t
        .lines()
        .position(|l| l.starts_with("Per ") && l.contains("logins that worked"))
        .unwrap_or_else(|| panic!("no sparklines: {t}"));
    // The header may wrap; the rows start at `worked`.
    let first_row = t
        .lines()
        .skip(header)
        .position(|l| l.starts_with("worked "))
        .unwrap_or_else(|| panic!("no rows: {t}"));
    let rows: Vec<&str> = t.lines().skip(header + first_row).take(4).collect();
    assert!(
        rows[0].starts_with("worked ") && rows[0].contains('█'),
        "{t}"
    );
    assert!(
        rows[1].starts_with("client-secret-expired") && rows[1].ends_with(" 6"),
        "{t}"
    );
    assert!(
        rows[2].starts_with("changes ") && rows[2].contains('^'),
        "{t}"
    );
    assert!(rows[3].starts_with("^ rollout 2026-11-20 14:05"), "{t}");
}
