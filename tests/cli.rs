//! Integration tests: each runs the built `sso-triage` binary, as a user would, and checks
//! its stdout, stderr and exit status. JSON output is parsed back into typed values.
//!
//! One test binary: the topics are modules in `tests/cli/`; this file holds the helpers they
//! share, the generated-traffic test (it includes the tools crate's `genlog`) and the report
//! snapshot (insta names the snapshot after the module: `tests/snapshots/cli__*.snap`).

#![allow(clippy::unwrap_used)] // a failing test should panic with the value it got

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

#[path = "cli/cases.rs"]
mod cases;
#[path = "cli/commands.rs"]
mod commands;
#[path = "cli/diff.rs"]
mod diff;
#[path = "cli/identifiers.rs"]
mod identifiers;
#[path = "cli/input.rs"]
mod input;
#[path = "cli/install.rs"]
mod install;
#[path = "cli/reports.rs"]
mod reports;
#[path = "cli/samples.rs"]
mod samples;
#[path = "cli/scenarios.rs"]
mod scenarios;
#[path = "support/schema.rs"]
mod schema;
#[path = "cli/secrets.rs"]
mod secrets;
#[path = "cli/shapes.rs"]
mod shapes;
#[path = "cli/timeline.rs"]
mod timeline;

fn bin() -> Command {
    let mut cmd = Command::cargo_bin("sso-triage").expect("binary is built");
    cmd.env_remove("NO_COLOR").env("COLUMNS", "120");
    cmd
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = bin().args(args).output().expect("runs");
    let run = Run {
        code: out.status.code().expect("exited"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    if run.code != 2 {
        schema::check_output(args, &run.stdout);
    }
    run
}

fn json(args: &[&str]) -> (i32, Value, String) {
    let mut all = vec!["scan", "-o", "json"];
    all.extend_from_slice(args);
    let r = run(&all);
    let v: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}\nstderr: {}", r.stdout, r.stderr));
    (r.code, v, r.stderr)
}

fn finding<'a>(report: &'a Value, rule: &str) -> Option<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
}

fn rules(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

fn sample(rel: &str) -> String {
    root().join("samples").join(rel).display().to_string()
}

// ---- generated traffic ----

#[allow(dead_code, clippy::all)]
#[path = "../tools/src/genlog/mod.rs"]
mod genlog;

#[test]
fn a_day_of_healthy_generated_traffic_reports_nothing_at_warning() {
    let mut log = Vec::new();
    genlog::generate(7, 8 << 20, 0.0, &mut log).unwrap();
    let out = bin()
        .args(["-o", "json", "--fail-on", "warning"])
        .write_stdin(log)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let loud: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "info")
        .collect();
    assert!(loud.is_empty(), "{loud:#?}");
    assert_eq!(out.status.code(), Some(0));
    assert!(report["summary"]["lines"].as_u64().unwrap() > 20_000);
}

/// The incident report of two scenarios read together, byte for byte: any change to its
/// wording, order or masking shows up as a snapshot diff to review (`cargo insta review`,
/// or set INSTA_UPDATE=always and read the diff in git).
#[test]
fn markdown_report_snapshot() {
    let r = run(&[
        "scan",
        "-o",
        "markdown",
        "tests/scenarios/two-users-one-ingress/logs",
        "tests/scenarios/state-lost-other-pod/logs",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    insta::assert_snapshot!("incident_report", r.stdout);
}
