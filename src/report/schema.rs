//! The JSON Schemas of `-o json` (one [`Report`]), `-o jsonl` (one [`Record`] a line) and
//! `diff -o json` (one [`super::diff::Diff`]), derived from the report's own types, and kept in `docs/schema/` (a test says when the
//! stored files are stale; `SSO_TRIAGE_BLESS=1` rewrites them).

use schemars::JsonSchema;
use serde_json::Value;

use super::{Finding, MatchRecord, Report, Summary, Verdict};

/// One line of `-o jsonl`, tagged by `type`: only for the schema (the records are written
/// by [`super::json::record`]).
#[derive(JsonSchema)]
#[serde(tag = "type", rename_all = "lowercase")]
#[allow(dead_code, clippy::large_enum_variant)] // never built: it describes what is written
pub enum Record {
    /// A matched event, as it is found.
    Match(MatchRecord<'static>),
    /// The verdict, after the last match (when there is one).
    Verdict(Verdict),
    /// A finding, by rank.
    Finding(Finding),
    /// The counts, last.
    Summary(Summary),
}

/// Where the schemas are stored, from the repository root.
pub const REPORT_SCHEMA_PATH: &str = "docs/schema/report.schema.json";
/// See [`REPORT_SCHEMA_PATH`].
pub const RECORD_SCHEMA_PATH: &str = "docs/schema/jsonl-record.schema.json";

/// See [`REPORT_SCHEMA_PATH`].
pub const DIFF_SCHEMA_PATH: &str = "docs/schema/diff.schema.json";

/// The schema of `diff -o json`.
pub fn diff_schema() -> Value {
    let mut s =
        serde_json::to_value(schemars::schema_for!(super::diff::Diff)).expect("a schema is JSON");
    s["$id"] = Value::from("https://sso-triage.invalid/schema/diff.schema.json");
    s
}

/// The schema of `-o json`.
pub fn report_schema() -> Value {
    let mut s = serde_json::to_value(schemars::schema_for!(Report)).expect("a schema is JSON");
    s["$id"] = Value::from("https://sso-triage.invalid/schema/report.schema.json");
    s
}

/// The schema of one `-o jsonl` line.
pub fn record_schema() -> Value {
    let mut s = serde_json::to_value(schemars::schema_for!(Record)).expect("a schema is JSON");
    s["$id"] = Value::from("https://sso-triage.invalid/schema/jsonl-record.schema.json");
    s
}

/// A schema as stored: pretty-printed, with a final newline.
pub fn stored_text(schema: &Value) -> String {
    let mut text = serde_json::to_string_pretty(schema).expect("a schema prints");
    text.push('\n');
    text
}

#[cfg(test)]
#[path = "schema_tests.rs"]
mod tests;
