//! JSON renderers: one document (`-o json`) or JSON lines (`-o jsonl`, records tagged by
//! `type`). Both serialise the same [`Report`] model; fields are added, never renamed.

use std::io::Write;

use serde::Serialize;

use crate::error::Result;
use crate::report::{Finding, Report, Summary};

/// Writes the whole report as one pretty-printed JSON document.
pub fn document(report: &Report, out: &mut dyn Write) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")?;
    Ok(())
}

#[derive(Serialize)]
struct Tagged<'a, T: Serialize> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    body: &'a T,
}

/// Writes one JSON-lines record tagged with `type`.
pub fn record<T: Serialize>(kind: &'static str, body: &T, out: &mut dyn Write) -> Result<()> {
    serde_json::to_writer(&mut *out, &Tagged { kind, body })?;
    out.write_all(b"\n")?;
    Ok(())
}

/// Writes the closing records of `-o jsonl`: one `finding` per finding, then the `summary`.
pub fn lines_tail(report: &Report, out: &mut dyn Write) -> Result<()> {
    if let Some(v) = &report.verdict {
        record::<super::Verdict>("verdict", v, out)?;
    }
    for finding in &report.findings {
        record::<Finding>("finding", finding, out)?;
    }
    record::<Summary>("summary", &report.summary, out)?;
    Ok(())
}
