use std::sync::LazyLock;

use chrono::NaiveDate;

use super::*;
use crate::catalog::{Catalog, load};
use crate::checkconfig::{CheckedFile, Options, check};
use crate::redact::Masking;

static CATALOG: LazyLock<Catalog> =
    LazyLock::new(|| load::load(&[]).expect("the built-in catalog loads"));

/// `text` checked as `netbox.py`, and the report `check-config` builds of it.
fn checked(text: &str) -> (CheckedFile, Report) {
    let options = Options {
        source: "netbox.py".into(),
        redirect_uri: None,
        base_url: None,
        secret_expires: None,
        today: NaiveDate::from_ymd_opt(2026, 11, 29).expect("a date"),
    };
    let out = check(text, &options, &*CATALOG);
    let report = Report {
        schema_version: crate::report::SCHEMA_VERSION,
        show_secrets: false,
        inputs: vec![Masking::default().show("netbox.py")],
        verdict: None,
        findings: out.findings.clone(),
        flows: Vec::new(),
        changes: Vec::new(),
        hours: Vec::new(),
        summary: Summary {
            inputs: 1,
            lines: out.lines as u64,
            ..Summary::default()
        },
    };
    (out, report)
}

fn rendered(out: &CheckedFile, report: &Report, format: Format) -> String {
    let checked = Checked {
        report,
        notes: &out.notes,
        assignments: out.assignments,
        unread: out.unread,
    };
    let mut bytes = Vec::new();
    let style = Style {
        color: false,
        width: 100,
    };
    render(&checked, format, style, &mut bytes).expect("renders");
    String::from_utf8(bytes).expect("UTF-8")
}

const GOOD: &str = "\
REMOTE_AUTH_BACKEND = 'social_core.backends.azuread.AzureADOAuth2'
SOCIAL_AUTH_AZUREAD_OAUTH2_KEY = '0b0e7a1c-2d3f-4a5b-8c9d-0e1f2a3b4c5d'
SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET = 'Fak8Q~notARealSecretJustTheShape.0123456'
SOCIAL_AUTH_REDIRECT_IS_HTTPS = True
CSRF_TRUSTED_ORIGINS = ['https://netbox.example.com']
";

const URI: &str = "https://netbox.example.com/oauth/complete/azuread-oauth2/";

#[test]
fn a_correct_configuration_says_no_problems_found_and_notes_the_uri_in_every_format() {
    let (out, report) = checked(GOOD);
    let table = rendered(&out, &report, Format::Table);
    assert!(
        table.starts_with("netbox.py: no problems found; read 5 settings from 5 lines.\n"),
        "{table}"
    );
    assert!(table.contains("│ NOTE ") && table.contains(URI), "{table}");
    assert!(
        !table.contains("Severity") && !table.contains("INFO"),
        "{table}"
    );
    let markdown = rendered(&out, &report, Format::Markdown);
    assert!(
        markdown.contains("- Result: no problems found\n"),
        "{markdown}"
    );
    assert!(
        markdown.contains(&format!(
            "## Notes\n\n### The redirect URI to register for this backend\n\n`{URI}`\n"
        )),
        "{markdown}"
    );
    assert!(!markdown.contains("## Info") && !markdown.contains("## Errors"));
    let html = rendered(&out, &report, Format::Html);
    assert!(
        html.contains("no problems found") && html.contains(URI),
        "{html}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&rendered(&out, &report, Format::Json)).expect("JSON");
    assert_eq!(json["findings"], serde_json::json!([]));
    assert_eq!(json["notes"][0]["rule"], "config-expected-redirect-uri");
    assert_eq!(json["notes"][0]["text"], URI);
    assert_eq!(json["notes"][0]["line"], 1);
    // The report as scan writes it is all there, for readers of that contract.
    let back: Report = serde_json::from_value(json).expect("the report");
    assert_eq!(back, report);
    let lines: Vec<serde_json::Value> = rendered(&out, &report, Format::Jsonl)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a record"))
        .collect();
    let types: Vec<&str> = lines
        .iter()
        .map(|l| l["type"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(types, ["note", "summary"]);
}

/// No empty "seen" field, no time, no "line 0": a missing setting says it is not set.
#[test]
fn findings_show_where_they_are_and_nothing_empty() {
    let (out, report) = checked(
        "REMOTE_AUTH_BACKEND = 'social_core.backends.azuread_tenant.AzureADTenantOAuth2'\nSOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_KEY = ' 0b0e7a1c-2d3f-4a5b-8c9d-0e1f2a3b4c5d'\n",
    );
    let table = rendered(&out, &report, Format::Table);
    assert!(
        table.starts_with("netbox.py: 3 findings: 3 errors; read 2 settings from 2 lines.\n"),
        "{table}"
    );
    for absent in ["Seen", "time(s)", ":0", "line 0", " - ", "First / last"] {
        assert!(!table.contains(absent), "{absent:?} in\n{table}");
    }
    assert!(table.contains("not set in netbox.py"), "{table}");
    assert!(
        table.contains("line 2 (SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_KEY)"),
        "{table}"
    );
    let markdown = rendered(&out, &report, Format::Markdown);
    for absent in [
        "Seen",
        "time not in the log",
        "`:0",
        "Time window",
        "Entra sign-in logs",
        "Evidence missing",
    ] {
        assert!(!markdown.contains(absent), "{absent:?} in\n{markdown}");
    }
    assert!(
        markdown.contains("- Where: not set in `netbox.py`\n"),
        "{markdown}"
    );
    assert!(
        markdown.contains("- Where: line 2 (`SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_KEY`)\n"),
        "{markdown}"
    );
    let json: Report = serde_json::from_str(&rendered(&out, &report, Format::Json)).expect("JSON");
    assert!(
        json.findings
            .iter()
            .all(|f| f.evidence.iter().all(|e| e.line > 0))
    );
}

/// Text from the file stays text: never Markdown, a link, HTML, or a terminal escape.
#[test]
fn the_files_text_never_becomes_markup_or_an_escape() {
    let (out, report) = checked(
        "REMOTE_AUTH_BACKEND = '`x` [click](https://evil.example/) <img src=x onerror=alert(1)> | \x1b[2J'\n",
    );
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule == "config-backend-unknown")
    );
    let markdown = rendered(&out, &report, Format::Markdown);
    assert!(
        markdown.contains("[click](https://evil.example/)"),
        "kept, as code: {markdown}"
    );
    let html = rendered(&out, &report, Format::Html);
    assert!(!html.contains("<a ") && !html.contains("<img"), "{html}");
    assert!(html.contains("&lt;img src=x"), "{html}");
    for format in [
        Format::Table,
        Format::Markdown,
        Format::Html,
        Format::Json,
        Format::Jsonl,
    ] {
        let text = rendered(&out, &report, format);
        assert!(!text.contains('\x1b'), "{format:?}: {text:?}");
    }
}
