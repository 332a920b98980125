//! Tests that build the report through the library, in this process, as `scan` does: the
//! corpus quality gate (one process for 70-odd excerpts instead of one binary start each)
//! and one snapshot per renderer.
//! `tests/cli.rs` runs the built binary for what only a process shows (exit status, stdout
//! and stderr, pipes); `same_report_as_the_binary` below ties the two together.

#![allow(clippy::unwrap_used)] // a failing test should panic with the value it got

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use clap::Parser;
use serde_json::Value;

use sso_triage::app::{self, Exit};
use sso_triage::catalog::compile::Compiled;
use sso_triage::cli::{Args, Command};
use sso_triage::config::ScanConfig;

#[path = "support/schema.rs"]
mod schema;

static CATALOG: LazyLock<Compiled> =
    LazyLock::new(|| app::build_catalog(&[]).expect("the built-in catalog compiles"));

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `sso-triage scan ARGS` in this process: the exit status and what stdout would get
/// (messages still go to stderr).
fn scan(flags: &[&str]) -> (Exit, String) {
    let argv = ["sso-triage", "scan"].iter().chain(flags);
    let args = Args::try_parse_from(argv).unwrap_or_else(|e| panic!("{flags:?}: {e}"));
    let Command::Scan(scan_args) = &args.command else {
        unreachable!("parsed as scan")
    };
    let config = ScanConfig::from_args(scan_args, args.color).unwrap();
    let mut out = Vec::new();
    let exit = app::scan_to(&config, &CATALOG, &mut out).unwrap();
    let out = String::from_utf8(out).unwrap();
    schema::check_output(&[&["scan"], flags].concat(), &out);
    (exit, out)
}

/// The in-process report is the binary's, byte for byte, for a few corpus excerpts of
/// different kinds (a saved HTML page, JSON log lines, a kubectl log, a CRLF ticket) and
/// for several inputs at once, in each format that has no terminal to ask about.
#[test]
fn same_report_as_the_binary() {
    let corpus = |f: &str| format!("tests/corpus/{f}");
    let files = [
        corpus("a-50011-internal-host-entra-page.html"),
        corpus("b-invalid-audience-json.json"),
        corpus("a-700005-kubectl-two-pods.log"),
        corpus("a-90102-crlf-email.txt"),
    ];
    let mut runs: Vec<Vec<&str>> = files
        .iter()
        .map(|f| vec!["-o", "json", "--fail-on", "never", f.as_str()])
        .collect();
    runs.push(vec!["-o", "markdown", "samples", "tests/corpus"]);
    runs.push(vec!["-o", "jsonl", "-j", "1", files[2].as_str()]);
    for args in runs {
        let (exit, ours) = scan(&args);
        let out = assert_cmd::Command::cargo_bin("sso-triage")
            .unwrap()
            .current_dir(root())
            .arg("scan")
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(exit as i32), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout) == ours,
            "{args:?}: the binary's report differs from the library's"
        );
    }
}

// ---- corpus quality gate ----

#[derive(serde::Deserialize)]
struct Manifest {
    case: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    file: String,
    shape: String,
    symptoms: Vec<String>,
    codes: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    note: String,
}

struct Scored {
    symptoms: Vec<String>,
    codes: Vec<String>,
    worst_is_warning_or_above: bool,
}

fn score(path: &Path) -> Scored {
    let (exit, stdout) = scan(&["-o", "json", "--fail-on", "never", path.to_str().unwrap()]);
    assert_eq!(exit, Exit::Clean, "{}", path.display());
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let mut symptoms: Vec<String> = findings
        .iter()
        .map(|f| f["symptom"].as_str().unwrap().to_string())
        .collect();
    symptoms.sort();
    symptoms.dedup();
    let mut codes = Vec::new();
    for f in findings {
        // Only what the input really held counts, not the codes a rule could report.
        for c in f["codes_seen"].as_array().unwrap() {
            codes.push(c.as_str().unwrap().to_string());
        }
    }
    let worst_is_warning_or_above = findings.iter().any(|f| f["severity"] != "info");
    Scored {
        symptoms,
        codes,
        worst_is_warning_or_above,
    }
}

#[test]
fn corpus_quality_gate() {
    let dir = root().join("tests/corpus");
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("manifest") && name.ends_with(".toml") {
            let m: Manifest = toml::from_str(&std::fs::read_to_string(&path).unwrap())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            cases.extend(m.case);
        }
    }
    cases.sort_by(|a, b| a.file.cmp(&b.file));
    // Every excerpt is in a manifest, every manifest entry exists.
    let listed: std::collections::BTreeSet<&str> = cases.iter().map(|c| c.file.as_str()).collect();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        if !name.starts_with("manifest") && !name.ends_with(".md") {
            assert!(listed.contains(name.as_str()), "{name} is in no manifest");
        }
    }
    assert!(cases.len() >= 60, "only {} corpus cases", cases.len());

    let (mut codes_want, mut codes_got, mut sym_want, mut sym_got) = (0, 0, 0, 0);
    let mut misses = Vec::new();
    for case in &cases {
        let path = dir.join(&case.file);
        assert!(path.exists(), "{} listed but missing", case.file);
        let got = score(&path);
        for code in &case.codes {
            codes_want += 1;
            if got.codes.iter().any(|c| c.eq_ignore_ascii_case(code)) {
                codes_got += 1;
            } else {
                misses.push(format!(
                    "{} ({}): code {code} not reported",
                    case.file, case.shape
                ));
            }
        }
        for s in &case.symptoms {
            sym_want += 1;
            if got.symptoms.contains(s) {
                sym_got += 1;
            } else {
                misses.push(format!(
                    "{} ({}): symptom {s} missing; got {:?}",
                    case.file, case.shape, got.symptoms
                ));
            }
        }
        let unexpected: Vec<&String> = got
            .symptoms
            .iter()
            .filter(|s| !case.symptoms.contains(s))
            .collect();
        if case.symptoms.is_empty() {
            if got.worst_is_warning_or_above {
                misses.push(format!(
                    "{} ({}): healthy, but reported {:?}",
                    case.file, case.shape, got.symptoms
                ));
            }
        } else if unexpected.len() > 1 {
            misses.push(format!(
                "{} ({}): {} unexpected symptoms {:?}",
                case.file,
                case.shape,
                unexpected.len(),
                unexpected
            ));
        }
    }
    let code_rate = codes_got as f64 / codes_want.max(1) as f64;
    let sym_rate = sym_got as f64 / sym_want.max(1) as f64;
    eprintln!(
        "corpus: {} cases, codes {codes_got}/{codes_want} ({:.1}%), symptoms {sym_got}/{sym_want} ({:.1}%)",
        cases.len(),
        code_rate * 100.0,
        sym_rate * 100.0
    );
    for m in &misses {
        eprintln!("  miss: {m}");
    }
    let precision_misses = misses
        .iter()
        .filter(|m| m.contains("unexpected") || m.contains("healthy"))
        .count();
    assert!(code_rate >= 1.0, "codes below 100%");
    assert!(sym_rate >= 0.95, "symptoms below 95%");
    assert_eq!(precision_misses, 0, "precision misses");
}

// ---- one snapshot per renderer ----

/// The sample every renderer's snapshot shows: Entra's error page and the pod log of the
/// same failed logins (a finding with a diagnosis, Entra ids, a flow, evidence, resolution).
const SAMPLE: &str = "samples/redirect-uri-mismatch";

/// The report of [`SAMPLE`] with `flags`; it must be the same on every run and with one
/// thread or several, or the snapshot would be flaky.
fn sample_report(flags: &[&str]) -> String {
    let report = |threads: &str| {
        let mut args = vec!["--color", "never", "-j", threads];
        args.extend_from_slice(flags);
        args.push(SAMPLE);
        let (exit, out) = scan(&args);
        assert_eq!(exit, Exit::Findings, "{flags:?}");
        out
    };
    let one = report("1");
    assert!(one == report("2"), "{flags:?}: -j 2 differs from -j 1");
    one
}

// Review a change with `cargo insta review` (or INSTA_UPDATE=always, then read the diff in
// git); never accept them in bulk.

#[test]
fn snapshot_table_80_columns() {
    let out = sample_report(&["--width", "80"]);
    assert!(out.lines().all(|l| l.chars().count() <= 80), "{out}");
    insta::assert_snapshot!("table_80", out);
}

#[test]
fn snapshot_table_120_columns() {
    let out = sample_report(&["--width", "120"]);
    assert!(out.lines().all(|l| l.chars().count() <= 120), "{out}");
    insta::assert_snapshot!("table_120", out);
}

/// The default terminal view of each sample folder, at 80 and 120 columns: the verdict,
/// the other causes and the first cause's steps (issue 18).
#[test]
fn snapshot_terminal_of_every_sample() {
    for dir in [
        "client-secret-expired",
        "https-required",
        "invalid-secret",
        "not-logged-in",
        "redirect-uri-mismatch",
    ] {
        let path = format!("samples/{dir}");
        for width in ["80", "120"] {
            let (exit, out) = scan(&["--color", "never", "--width", width, &path]);
            assert_eq!(exit, Exit::Findings, "{dir}");
            assert!(out.starts_with("Most likely cause: "), "{out}");
            insta::assert_snapshot!(format!("terminal_{dir}_{width}"), out);
        }
    }
}

/// The full terminal view (`-v`) at 80 columns: cards laid out as text, no token split.
#[test]
fn snapshot_table_details_80_columns() {
    let out = sample_report(&["-v", "--width", "80"]);
    insta::assert_snapshot!("table_details_80", out);
}

#[test]
fn snapshot_json() {
    let out = sample_report(&["-o", "json"]);
    let _: Value = serde_json::from_str(&out).expect("one JSON document");
    insta::assert_snapshot!("json", out);
}

#[test]
fn snapshot_jsonl() {
    let out = sample_report(&["-o", "jsonl"]);
    for line in out.lines() {
        let _: Value = serde_json::from_str(line).expect("one JSON record per line");
    }
    insta::assert_snapshot!("jsonl", out);
}

#[test]
fn snapshot_markdown() {
    insta::assert_snapshot!("markdown", sample_report(&["-o", "markdown"]));
}

#[test]
fn snapshot_html() {
    insta::assert_snapshot!("html", sample_report(&["-o", "html"]));
}
