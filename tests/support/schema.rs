//! Every JSON report and JSON-lines record the tests produce is checked against the
//! stored schemas in `docs/schema/` (issue 18): what they promise is what is written.

use std::sync::LazyLock;

use serde_json::Value;

fn validator(path: &str) -> jsonschema::Validator {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{path}: {e}"));
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{path} is no schema: {e}"))
}

static REPORT: LazyLock<jsonschema::Validator> =
    LazyLock::new(|| validator("docs/schema/report.schema.json"));
static RECORD: LazyLock<jsonschema::Validator> =
    LazyLock::new(|| validator("docs/schema/jsonl-record.schema.json"));
static DIFF: LazyLock<jsonschema::Validator> =
    LazyLock::new(|| validator("docs/schema/diff.schema.json"));

#[allow(dead_code)] // not every test crate runs `diff`
/// Panics with every schema error when `diff` (a `diff -o json` document) does not conform.
pub fn check_diff(diff: &Value) {
    let errors: Vec<String> = DIFF
        .iter_errors(diff)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "diff does not fit its schema: {errors:#?}"
    );
}

/// Panics with every schema error when `report` (an `-o json` document) does not conform.
pub fn check_report(report: &Value) {
    let errors: Vec<String> = REPORT
        .iter_errors(report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "report does not fit its schema: {errors:#?}"
    );
    for field in ["secrets_shown", "verdict", "inputs"] {
        assert!(report.get(field).is_some(), "{field} is always present");
    }
}

/// Panics when a line of `-o jsonl` output does not conform.
pub fn check_lines(text: &str) {
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let record: Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
        let errors: Vec<String> = RECORD
            .iter_errors(&record)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "record does not fit its schema: {errors:#?}\n{line}"
        );
    }
}

/// Checks what a run printed when its arguments asked for `-o json` or `-o jsonl` of a
/// report (`scan`, `kube`, `check-config`; not `--count`, which prints counts), or of a
/// comparison (`diff`).
#[allow(dead_code)] // not every test crate runs the binary with arguments
pub fn check_output(args: &[&str], stdout: &str) {
    if args.contains(&"--count") || stdout.trim().is_empty() {
        return;
    }
    let format = args
        .windows(2)
        .find(|w| matches!(w[0], "-o" | "--output"))
        .map(|w| w[1])
        .or_else(|| {
            args.iter()
                .find_map(|a| a.strip_prefix("--output=").or_else(|| a.strip_prefix("-o")))
                .filter(|f| !f.is_empty())
        });
    let not_reports = ["explain", "catalog", "redact-har", "completions", "man"];
    if args.first().is_some_and(|c| not_reports.contains(c)) {
        return;
    }
    if args.first() == Some(&"diff") {
        if format == Some("json") {
            check_diff(
                &serde_json::from_str(stdout)
                    .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}")),
            );
        }
        return;
    }
    match format {
        Some("json") => check_report(
            &serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}")),
        ),
        Some("jsonl") => check_lines(stdout),
        _ => {}
    }
}
