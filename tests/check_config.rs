//! `sso-triage check-config`: runs the built binary on configuration fixtures
//! (`tests/fixtures/config/`, every value fake) and checks the findings and notes in
//! `-o json` (parsed back into the library's `Report` and `Note`), what every format says,
//! the exit statuses, that no planted secret reaches any output format, that a file which is
//! no configuration is refused in one line, and that hostile files (binary, huge, unknown
//! Python) never crash it.

#![allow(clippy::unwrap_used)] // a failing test should panic with the value it got

use std::io::Write;
use std::path::PathBuf;

use assert_cmd::Command;
use chrono::{Duration, Utc};
use sso_triage::catalog::Severity;
use sso_triage::checkconfig::Note;
use sso_triage::report::{Finding, Report};

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/config")
        .join(name)
        .display()
        .to_string()
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    run_stdin(args, None)
}

fn run_stdin(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut cmd = Command::cargo_bin("sso-triage").expect("binary is built");
    cmd.env_remove("NO_COLOR").env("COLUMNS", "120");
    cmd.arg("check-config").args(args);
    if let Some(input) = stdin {
        cmd.write_stdin(input.to_vec());
    }
    let out = cmd.output().expect("runs");
    let r = Run {
        code: out.status.code().expect("exited"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !r.stderr.contains("panicked"),
        "{args:?} panicked: {}",
        r.stderr
    );
    r
}

/// The JSON document of `check-config`: the report as `scan` writes it, and the notes.
#[derive(serde::Deserialize)]
struct Document {
    #[serde(flatten)]
    report: Report,
    notes: Vec<Note>,
}

/// Runs `check-config FILE -o json ARGS...`: (exit status, document).
fn json_document(file: &str, args: &[&str]) -> (i32, Document) {
    let path = fixture(file);
    let mut all = vec![path.as_str(), "-o", "json"];
    all.extend_from_slice(args);
    let r = run(&all);
    let document = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}\nstderr: {}", r.stdout, r.stderr));
    (r.code, document)
}

/// Runs `check-config FILE -o json ARGS...`: (exit status, report).
fn json(file: &str, args: &[&str]) -> (i32, Report) {
    let (code, document) = json_document(file, args);
    (code, document.report)
}

/// The note of `rule` in `document`.
fn note<'a>(document: &'a Document, rule: &str) -> &'a Note {
    document
        .notes
        .iter()
        .find(|n| n.rule == rule)
        .unwrap_or_else(|| panic!("no note {rule} in {:?}", document.notes))
}

fn find<'a>(report: &'a Report, rule: &str) -> &'a Finding {
    report
        .findings
        .iter()
        .find(|f| f.rule == rule)
        .unwrap_or_else(|| {
            let ids: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
            panic!("no {rule} in {ids:?}")
        })
}

fn rules(report: &Report) -> Vec<&str> {
    report.findings.iter().map(|f| f.rule.as_str()).collect()
}

fn worst(report: &Report) -> Option<Severity> {
    report.findings.iter().map(|f| f.severity).max()
}

#[path = "check_config/output.rs"]
mod output;

/// One finding expected: rule, severity, symptom, and the setting + line of its evidence.
/// Line 0 with a setting: the setting is missing from the file, so the finding cites no
/// line (no evidence) and names it in its diagnosis; line 0 without: a flag's value.
struct Expect {
    file: &'static str,
    args: &'static [&'static str],
    rule: &'static str,
    severity: Severity,
    symptom: &'static str,
    setting: &'static str,
    line: u64,
}

const EXPECTED: &[Expect] = &[
    Expect {
        file: "backend-misspelled.py",
        args: &[],
        rule: "config-backend-misspelled",
        severity: Severity::Error,
        symptom: "wrong-tenant-or-app",
        setting: "REMOTE_AUTH_BACKEND",
        line: 2,
    },
    Expect {
        file: "backend-missing.py",
        args: &[],
        rule: "config-backend-missing",
        severity: Severity::Error,
        symptom: "wrong-tenant-or-app",
        setting: "REMOTE_AUTH_BACKEND",
        line: 0,
    },
    Expect {
        file: "tenant-backend-with-single-tenant-prefix.py",
        args: &[],
        rule: "config-prefix-mismatch",
        severity: Severity::Error,
        symptom: "wrong-tenant-or-app",
        setting: "SOCIAL_AUTH_AZUREAD_OAUTH2_KEY",
        line: 4,
    },
    Expect {
        file: "single-backend-with-tenant-prefix.py",
        args: &[],
        rule: "config-prefix-mismatch",
        severity: Severity::Error,
        symptom: "wrong-tenant-or-app",
        setting: "SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_KEY",
        line: 3,
    },
    Expect {
        file: "tenant-backend-with-single-tenant-prefix.py",
        args: &[
            "--redirect-uri",
            "https://netbox.example.com/oauth/complete/azuread-oauth2/",
        ],
        rule: "config-redirect-uri-wrong-backend",
        severity: Severity::Error,
        symptom: "redirect-uri-mismatch",
        setting: "",
        line: 0,
    },
    Expect {
        file: "secret-id-pasted.py",
        args: &[],
        rule: "config-secret-is-guid",
        severity: Severity::Error,
        symptom: "invalid-client-credentials",
        setting: "SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET",
        line: 4,
    },
    Expect {
        file: "secret-wrong-shape.py",
        args: &[],
        rule: "config-secret-shape",
        severity: Severity::Warning,
        symptom: "invalid-client-credentials",
        setting: "SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET",
        line: 4,
    },
    Expect {
        file: "ids-not-guids.py",
        args: &[],
        rule: "config-client-id-not-guid",
        severity: Severity::Error,
        symptom: "wrong-tenant-or-app",
        setting: "SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_KEY",
        line: 3,
    },
    Expect {
        file: "ids-not-guids.py",
        args: &[],
        rule: "config-tenant-id-invalid",
        severity: Severity::Error,
        symptom: "wrong-tenant-or-app",
        setting: "SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_TENANT_ID",
        line: 5,
    },
    Expect {
        file: "tenant-common.py",
        args: &[],
        rule: "config-tenant-id-multi-tenant-endpoint",
        severity: Severity::Warning,
        symptom: "wrong-tenant-or-app",
        setting: "SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_TENANT_ID",
        line: 5,
    },
    Expect {
        file: "tenant-domain.py",
        args: &[],
        rule: "config-tenant-id-domain",
        severity: Severity::Info,
        symptom: "wrong-tenant-or-app",
        setting: "SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_TENANT_ID",
        line: 5,
    },
    Expect {
        file: "whitespace-and-quotes.py",
        args: &[],
        rule: "config-value-whitespace",
        severity: Severity::Error,
        symptom: "invalid-client-credentials",
        setting: "SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_KEY",
        line: 3,
    },
    Expect {
        file: "whitespace-and-quotes.py",
        args: &[],
        rule: "config-value-quotes",
        severity: Severity::Error,
        symptom: "invalid-client-credentials",
        setting: "SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_TENANT_ID",
        line: 6,
    },
    Expect {
        file: "missing-keys.py",
        args: &[],
        rule: "config-missing-secret",
        severity: Severity::Error,
        symptom: "invalid-client-credentials",
        setting: "SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_SECRET",
        line: 4,
    },
    Expect {
        file: "missing-keys.py",
        args: &[],
        rule: "config-missing-tenant-id",
        severity: Severity::Error,
        symptom: "wrong-tenant-or-app",
        setting: "SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_TENANT_ID",
        line: 0,
    },
    Expect {
        file: "https-without-redirect-is-https.py",
        args: &[],
        rule: "config-redirect-is-https-missing",
        severity: Severity::Warning,
        symptom: "https-required",
        setting: "SOCIAL_AUTH_REDIRECT_IS_HTTPS",
        line: 0,
    },
    Expect {
        file: "https-without-redirect-is-https.py",
        args: &[],
        rule: "config-secure-proxy-ssl-header-ignored",
        severity: Severity::Info,
        symptom: "https-required",
        setting: "SECURE_PROXY_SSL_HEADER",
        line: 5,
    },
    Expect {
        file: "https-without-redirect-is-https.py",
        args: &[],
        rule: "config-setting-misspelled",
        severity: Severity::Warning,
        symptom: "wrong-tenant-or-app",
        setting: "SOCIAL_AUTH_AZUERAD_OAUTH2_RESOURCE",
        line: 9,
    },
    Expect {
        file: "unsupported-python.py",
        args: &[],
        rule: "config-statement-not-read",
        severity: Severity::Info,
        symptom: "unknown",
        setting: "",
        line: 2,
    },
];

#[test]
fn each_mistake_is_a_finding_naming_the_setting_and_line() {
    for e in EXPECTED {
        let (code, report) = json(e.file, e.args);
        let f = find(&report, e.rule);
        assert_eq!(f.severity, e.severity, "{} {}", e.file, e.rule);
        assert_eq!(f.symptom.key(), e.symptom, "{} {}", e.file, e.rule);
        assert!(!f.resolution.is_empty() && !f.meaning.is_empty());
        if e.line == 0 && !e.setting.is_empty() {
            assert!(
                f.evidence.is_empty(),
                "{} {}: {:?}",
                e.file,
                e.rule,
                f.evidence
            );
            assert!(
                f.diagnosis[0].starts_with(&format!("{} is not set", e.setting)),
                "{} {}: {:?}",
                e.file,
                e.rule,
                f.diagnosis
            );
            let expected_code = i32::from(worst(&report) >= Some(Severity::Warning));
            assert_eq!(code, expected_code, "{} {}", e.file, e.rule);
            continue;
        }
        let ev = &f.evidence[0];
        assert_eq!(ev.line, e.line, "{} {}: {ev:?}", e.file, e.rule);
        if e.setting.is_empty() {
            assert!(ev.captures.is_empty() || ev.captures.contains_key("setting"));
        } else {
            assert_eq!(
                ev.captures.get("setting").map(|s| s.as_str()),
                Some(e.setting),
                "{} {}",
                e.file,
                e.rule
            );
            assert!(ev.text.contains(e.setting), "{} {}: {ev:?}", e.file, e.rule);
        }
        if e.line > 0 {
            assert!(
                f.diagnosis
                    .iter()
                    .any(|d| d.contains(&format!("line {}", e.line))),
                "{} {}: {:?}",
                e.file,
                e.rule,
                f.diagnosis
            );
            assert!(ev.source.ends_with(e.file), "{}", ev.source);
        }
        let expected_code = i32::from(worst(&report) >= Some(Severity::Warning));
        assert_eq!(code, expected_code, "{} {}", e.file, e.rule);
    }
}

#[test]
fn correct_configurations_have_no_finding_and_note_the_uri_to_register() {
    for (file, path) in [
        (
            "correct-single-tenant.py",
            "/oauth/complete/azuread-oauth2/",
        ),
        (
            "correct-tenant.py",
            "/oauth/complete/azuread-tenant-oauth2/",
        ),
    ] {
        for args in [
            &[][..],
            &["--base-url", "https://netbox.example.com"][..],
            &["--base-url", "https://netbox.example.com/"][..],
        ] {
            let (code, document) = json_document(file, args);
            let report = &document.report;
            assert_eq!(code, 0, "{file} {args:?}: {:?}", rules(report));
            assert!(report.findings.is_empty(), "{:?}", rules(report));
            let uri = &note(&document, "config-expected-redirect-uri").text;
            assert_eq!(uri.as_str(), format!("https://netbox.example.com{path}"));
        }
        let uri = format!("https://netbox.example.com{path}");
        let (code, report) = json(file, &["--redirect-uri", &uri]);
        assert_eq!(code, 0, "{file}: {:?}", rules(&report));
        // A note is no finding: nothing fails even with --fail-on info.
        let r = run(&[&fixture(file), "--fail-on", "info"]);
        assert_eq!(r.code, 0, "{}", r.stdout);
        assert!(
            r.stdout
                .starts_with(&format!("{}: no problems found; read ", fixture(file))),
            "{}",
            r.stdout
        );
        assert!(
            r.stdout.contains("│ NOTE ") && r.stdout.contains(&uri),
            "{}",
            r.stdout
        );
        assert!(
            r.stderr
                .contains("assignment(s) read; no problems found; 1 note"),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn the_guides_other_backends_are_checked_too() {
    let (_, report) = json("single-backend-with-tenant-prefix.py", &[]);
    let f = find(&report, "config-prefix-mismatch");
    assert_eq!(f.count, 3, "KEY, SECRET and TENANT_ID: {:?}", f.diagnosis);
    assert!(f.diagnosis[0].contains("reads SOCIAL_AUTH_AZUREAD_OAUTH2_KEY instead"));
    let (_, report) = json("tenant-backend-with-single-tenant-prefix.py", &[]);
    assert!(
        !rules(&report).contains(&"config-missing-tenant-id"),
        "the tenant id is there, under the wrong prefix: one finding, not two"
    );
    let (_, report) = json("backend-misspelled.py", &[]);
    assert!(
        find(&report, "config-backend-misspelled").diagnosis[0]
            .contains("did you mean 'social_core.backends.azuread.AzureADOAuth2'")
    );
    // The misspelled class is taken as what it was meant to be for the other checks.
    let (_, document) = json_document("backend-misspelled.py", &[]);
    assert!(
        note(&document, "config-expected-redirect-uri")
            .detail
            .contains("once its class path is spelled right")
    );
}

#[test]
fn redirect_uri_rules() {
    let single = "correct-single-tenant.py";
    let cases: &[(&str, &str, &str)] = &[
        (
            "http://netbox.example.com/oauth/complete/azuread-oauth2/",
            "config-redirect-uri-not-https",
            "http://",
        ),
        (
            "https://netbox.example.com/oauth/complete/azuread-oauth2",
            "config-redirect-uri-invalid",
            "trailing slash",
        ),
        (
            "https://netbox.example.com:8443/oauth/complete/azuread-oauth2/",
            "config-redirect-uri-invalid",
            ":8443",
        ),
        (
            "https://netbox.example.com/oauth/complete/azuread-oauth2/ ",
            "config-redirect-uri-invalid",
            "whitespace",
        ),
        (
            "https://netbox.example.com/netbox/oauth/complete/azuread-oauth2/",
            "config-redirect-uri-invalid",
            "BASE_PATH is not set",
        ),
        (
            "https://netbox.example.com/oauth/complete/azuread-tenant-oauth2/",
            "config-redirect-uri-wrong-backend",
            "/oauth/complete/azuread-oauth2/",
        ),
        (
            "https://other.example.com/oauth/complete/azuread-oauth2/",
            "config-allowed-hosts-missing-host",
            "other.example.com",
        ),
    ];
    for (uri, rule, says) in cases {
        let (code, report) = json(single, &["--redirect-uri", uri]);
        let f = find(&report, rule);
        assert!(
            f.diagnosis.iter().any(|d| d.contains(says)),
            "{uri}: {:?}",
            f.diagnosis
        );
        assert_eq!(code, 1, "{uri}");
        if rule.starts_with("config-redirect-uri") {
            assert_eq!(f.evidence[0].source, "--redirect-uri");
            assert!(f.evidence[0].text.contains(uri.trim()));
        }
    }
    // http is fine for localhost, and the URI to register keeps it.
    let (_, document) = json_document(
        single,
        &[
            "--redirect-uri",
            "http://localhost:8000/oauth/complete/azuread-oauth2/",
        ],
    );
    assert!(!rules(&document.report).contains(&"config-redirect-uri-not-https"));
    assert!(!rules(&document.report).contains(&"config-redirect-uri-invalid"));
    assert_eq!(
        note(&document, "config-expected-redirect-uri").text,
        "http://localhost:8000/oauth/complete/azuread-oauth2/"
    );
    // --base-url derives the backend's own path.
    let (code, report) = json(
        "correct-tenant.py",
        &["--base-url", "http://netbox.example.com"],
    );
    assert_eq!(code, 1);
    let f = find(&report, "config-redirect-uri-not-https");
    assert_eq!(f.evidence[0].source, "--base-url");
    assert!(
        f.evidence[0]
            .text
            .ends_with("http://netbox.example.com/oauth/complete/azuread-tenant-oauth2/")
    );
    // An https site without SOCIAL_AUTH_REDIRECT_IS_HTTPS, known from the flag alone.
    let (_, report) = json(
        "secret-id-pasted.py",
        &["--base-url", "https://netbox.example.com"],
    );
    assert!(rules(&report).contains(&"config-redirect-is-https-missing"));
    let (_, report) = json("secret-id-pasted.py", &[]);
    assert!(!rules(&report).contains(&"config-redirect-is-https-missing"));
}

#[test]
fn secret_expiry_is_warned_ahead() {
    let today = Utc::now().date_naive();
    let day = |n: i64| (today + Duration::days(n)).format("%Y-%m-%d").to_string();
    // Far enough away, the date is a note, not a finding.
    let (code, document) =
        json_document("correct-single-tenant.py", &["--secret-expires", &day(200)]);
    assert_eq!(code, 0);
    assert!(
        document.report.findings.is_empty(),
        "{:?}",
        rules(&document.report)
    );
    let far = note(&document, "config-secret-expiry");
    assert!(far.text.contains(&day(200)) && far.text.contains("expires in 200 day(s)"));
    assert_eq!(far.line, Some(8), "the secret's line");
    for (date, rule, severity, code) in [
        (day(-3), "config-secret-expired", Severity::Error, 1),
        (day(0), "config-secret-expires-soon", Severity::Warning, 1),
        (day(20), "config-secret-expires-soon", Severity::Warning, 1),
    ] {
        let (got, report) = json("correct-single-tenant.py", &["--secret-expires", &date]);
        let f = find(&report, rule);
        assert_eq!(f.severity, severity);
        assert_eq!(got, code, "{date}");
        let ev = &f.evidence[0];
        assert!(ev.text.contains(&date), "{ev:?}");
        assert!(
            ev.text.contains("SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET"),
            "{ev:?}"
        );
        assert_eq!(ev.line, 8, "the secret's line");
    }
    for bad in ["31/12/2026", "2026-13-01", "soon"] {
        let r = run(&[
            &fixture("correct-single-tenant.py"),
            "--secret-expires",
            bad,
        ]);
        assert_eq!(r.code, 2, "{bad}");
        assert!(r.stderr.contains("YYYY-MM-DD"), "{}", r.stderr);
        assert!(r.stdout.is_empty());
    }
}

/// Every credential planted in the fixtures; none may appear in any output.
const PLANTED: &[&str] = &[
    "Fak8Q~notARealSecretJustTheShape.0123456",
    "Tnt7Q~alsoFakeOnlyTheShapeIsReal_abcdefg",
    "7c9e6679-7425-40de-944b-e07fc1f90ae7",
    "PlaceholderNotAnEntraSecret",
    "Pln4Q~plantedSecretUnderTheWrongPrefix.x",
    "Key9Q~plantedSecretPastedIntoTheKeyField",
    "PlantedOddShapedSecret-0001",
    "PlantedQuotedSecret-0002",
    "PlantedDjangoSecretKey-0003",
    "PlantedDbPassword-0004",
    "PlantedRedisPassword-0005",
    "PlantedAssertion-0006",
    "PlantedFstringPassword",
    "PlantedMisspelledSecret-0008",
    "Env5Q~fallbackSecretThatMustNeverPrint",
    "AZURE_SECRET",
];

#[test]
fn no_secret_reaches_any_output_format() {
    let files = [
        "secrets-everywhere.py",
        "unsupported-python.py",
        "whitespace-and-quotes.py",
        "secret-id-pasted.py",
        "secret-wrong-shape.py",
        "tenant-backend-with-single-tenant-prefix.py",
        "single-backend-with-tenant-prefix.py",
        "correct-tenant.py",
    ];
    for file in files {
        for format in ["table", "json", "jsonl", "markdown", "html"] {
            let r = run(&[
                &fixture(file),
                "-o",
                format,
                "--secret-expires",
                "2020-01-01",
            ]);
            assert_eq!(r.code, 1, "{file} {format}: {}", r.stderr);
            assert!(!r.stdout.is_empty());
            for secret in PLANTED {
                assert!(
                    !r.stdout.contains(secret) && !r.stderr.contains(secret),
                    "{file} -o {format} shows {secret}:\n{}{}",
                    r.stdout,
                    r.stderr
                );
            }
        }
    }
    // The secrets' shapes are what is shown instead.
    let (_, report) = json("secrets-everywhere.py", &[]);
    let key = find(&report, "config-client-id-not-guid");
    assert!(key.diagnosis[0].contains("shape of a client secret value"));
    assert!(
        key.evidence[0]
            .text
            .contains("*** (value not shown: 40 characters")
    );
}

#[test]
fn unsupported_python_is_skipped_and_named_never_run() {
    let (code, report) = json("unsupported-python.py", &[]);
    assert_eq!(code, 0, "{:?}", rules(&report));
    let f = find(&report, "config-statement-not-read");
    let lines: Vec<u64> = f.evidence.iter().map(|e| e.line).collect();
    assert_eq!(lines, [2, 3, 7, 11, 12, 13, 14]);
    let d = f.diagnosis.join("\n");
    for says in [
        "line 2: not read (import)",
        "lines 7-10: not read (environment lookup); SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET was not checked",
        "line 11: not read (f-string)",
        "line 12: not read (function call)",
        "line 13: not read (block statement)",
        "line 14: not read (indented line",
    ] {
        assert!(d.contains(says), "{says:?} not in\n{d}");
    }
    // A secret set by code is not "missing"; the settings after the skipped lines are read.
    assert!(!rules(&report).contains(&"config-missing-secret"));
    assert!(!rules(&report).contains(&"config-redirect-is-https-missing"));
    let r = run(&[&fixture("unsupported-python.py")]);
    assert!(r.stderr.contains("7 statement(s) not read"), "{}", r.stderr);
}

#[test]
fn unreadable_binary_and_huge_files_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::File::create(&path)
            .unwrap()
            .write_all(bytes)
            .unwrap();
        path.display().to_string()
    };
    let elf = write(
        "netbox.py",
        b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0",
    );
    let nul = write("nul.py", &[0u8; 4096]);
    let mut huge = Vec::new();
    while huge.len() <= 9 * 1024 * 1024 {
        huge.extend_from_slice(b"A = 'x'\n");
    }
    let huge = write("huge.py", &huge);
    let missing = dir.path().join("nope.py").display().to_string();
    let folder = dir.path().display().to_string();
    for (path, says) in [
        (&elf, "binary file"),
        (&nul, "binary file"),
        (&huge, "larger than 8 MiB"),
        (&missing, "no such file"),
        (&folder, "cannot read"),
    ] {
        let r = run(&[path, "-o", "json"]);
        assert_eq!(r.code, 2, "{path}: {}", r.stderr);
        assert!(r.stderr.contains(says), "{path}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{path}");
    }
}

#[test]
fn hostile_text_is_read_without_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    text.push_str(&format!(
        "A = {}1{}\n",
        "[".repeat(200_000),
        "]".repeat(200_000)
    ));
    text.push_str("B = '''never closed\n");
    text.push_str("C = (\"unbalanced\"\n");
    text.push_str("D = \"\\xZZ\\N{DASH}\\U0011ffff\"\n");
    text.push_str("REMOTE_AUTH_BACKEND = 'social_core.backends.azuread.AzureADOAuth2'\n");
    text.push_str(&"é = ü\n".repeat(1000));
    text.push_str(&format!("E = '{}'\n", "x".repeat(1_000_000)));
    let path = dir.path().join("hostile.py");
    std::fs::write(&path, text).unwrap();
    let path = path.display().to_string();
    for format in ["json", "table", "markdown"] {
        let r = run(&[&path, "-o", format]);
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
    }
    let (_, report) = {
        let r = run(&[&path, "-o", "json"]);
        (r.code, serde_json::from_str::<Report>(&r.stdout).unwrap())
    };
    let not_read = find(&report, "config-statement-not-read");
    assert!(not_read.count >= 1000, "{}", not_read.count);
    assert!(not_read.evidence.len() <= 20, "evidence is capped");
    assert!(rules(&report).contains(&"config-missing-client-id"));
    // Invalid UTF-8 is read lossily, not refused.
    let lossy = dir.path().join("latin1.py");
    std::fs::write(
        &lossy,
        b"# caf\xe9\nREMOTE_AUTH_BACKEND = 'social_core.backends.azuread.AzureADOAuth2'\n",
    )
    .unwrap();
    let r = run(&[&lossy.display().to_string(), "-o", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
}

#[test]
fn stdin_and_exit_thresholds() {
    let text = std::fs::read(fixture("secret-wrong-shape.py")).unwrap();
    let r = run_stdin(&["-", "-o", "json"], Some(&text));
    assert_eq!(r.code, 1, "a warning fails by default: {}", r.stderr);
    let report: Report = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(report.inputs, ["<stdin>"]);
    assert_eq!(
        find(&report, "config-secret-shape").evidence[0].source,
        "<stdin>"
    );
    let r = run_stdin(&["-", "--fail-on", "error", "-q"], Some(&text));
    assert_eq!(r.code, 0);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    let r = run_stdin(
        &["-", "--fail-on", "never"],
        Some(b"REMOTE_AUTH_BACKEND = 'x'\n"),
    );
    assert_eq!(r.code, 0);
    let r = run(&[
        &fixture("correct-tenant.py"),
        "--base-url",
        "https://a.example",
        "--redirect-uri",
        "https://a.example/",
    ]);
    assert_eq!(r.code, 2, "the two flags exclude each other");
}
