//! The catalog commands: building the catalog, `explain`, `catalog list`, `check` and the
//! exports.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::Result;

use crate::catalog::compile::{self, Compiled};
use crate::catalog::{self, Catalog, Detector, export, load, validate};
use crate::cli::ExplainArgs;
use crate::error::Error;

use super::Exit;
use super::scan::scan_text;

/// Loads, validates and compiles the catalog; every problem is reported at once. The
/// examples of user-supplied rules run here too (built-in ones are run by the test suite).
pub fn build_catalog(dirs: &[PathBuf]) -> Result<Compiled> {
    let (compiled, problems) = build_checked(dirs, false);
    if problems.is_empty() {
        Ok(compiled.expect("a catalog without problems compiles"))
    } else {
        Err(Error::Catalog { problems }.into())
    }
}

pub(super) fn build_checked(
    dirs: &[PathBuf],
    all_examples: bool,
) -> (Option<Compiled>, Vec<String>) {
    let mut problems = Vec::new();
    let mut catalog = Catalog::default();
    load::add_group(&mut catalog, &load::embedded_rule_files(), &mut problems);
    let mut user_ids = Vec::new();
    for dir in dirs {
        match load::read_dir_files(dir) {
            Ok(files) => {
                let before = catalog.clone();
                load::add_group(&mut catalog, &files, &mut problems);
                user_ids.extend(
                    catalog
                        .rules
                        .iter()
                        .filter(|(id, l)| before.rules.get(*id).is_none_or(|b| b.file != l.file))
                        .map(|(id, _)| id.clone()),
                );
            }
            Err(e) => problems.push(format!("{e:#}")),
        }
    }
    validate::lint_catalog(&catalog, &mut problems);
    let compiled = compile::compile(&catalog, &mut problems);
    let selected = |id: &str| all_examples || user_ids.iter().any(|u| u == id);
    validate::run_examples(
        &compiled,
        selected,
        |idx, example| {
            let detector = compiled.rules[idx].rule.detector();
            match detector {
                Detector::Log => Ok(validate::fires_on_line(&compiled, idx, example)),
                Detector::Flow | Detector::UnknownCode => {
                    // Checked end to end: each example is a small log.
                    let mut bytes = example.as_bytes().to_vec();
                    bytes.push(b'\n');
                    let tallies = scan_text(&compiled, &bytes).tallies;
                    Ok(tallies.keys().any(|key| match key {
                        crate::analyze::FindingKey::Rule(r) => *r == idx,
                        crate::analyze::FindingKey::UnknownCode(_) => {
                            detector == Detector::UnknownCode
                        }
                    }))
                }
                _ => crate::detectors::fires(&compiled, idx, example),
            }
        },
        &mut problems,
    );
    (Some(compiled), problems)
}

pub(super) fn explain(args: &ExplainArgs, compiled: &Compiled) -> Result<Exit> {
    let query = args.code.trim();
    let code = catalog::parse_aadsts(query).or_else(|| {
        (query.len() >= 4 && query.bytes().all(|b| b.is_ascii_digit()))
            .then(|| query.parse().ok())
            .flatten()
    });
    let mut hits: Vec<usize> = match code {
        Some(code) => compiled
            .code_table
            .get(&code)
            .map(|r| r.iter().map(|&i| i as usize).collect())
            .unwrap_or_default(),
        None => compiled
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.rule.id == query || r.rule.codes.iter().any(|c| c.eq_ignore_ascii_case(query))
            })
            .map(|(i, _)| i)
            .collect(),
    };
    hits.sort_by_key(|&i| {
        (
            compiled.rules[i].rule.fallback,
            compiled.rules[i].rule.id.clone(),
        )
    });
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if hits.is_empty() {
        let mut names: Vec<&str> = compiled
            .rules
            .iter()
            .flat_map(|r| {
                std::iter::once(r.rule.id.as_str()).chain(r.rule.codes.iter().map(String::as_str))
            })
            .collect();
        names.sort_unstable();
        names.dedup();
        let mut close: Vec<(f64, &str)> = names
            .iter()
            .map(|n| {
                (
                    strsim::jaro_winkler(&n.to_lowercase(), &query.to_lowercase()),
                    *n,
                )
            })
            .filter(|(s, _)| *s > 0.85)
            .collect();
        close.sort_by(|a, b| b.0.total_cmp(&a.0));
        crate::message!("sso-triage: {query:?} is not a code or rule the catalog knows");
        if let Some(code) = code {
            crate::message!(
                "sso-triage: look it up at https://login.microsoftonline.com/error?code={code}"
            );
        }
        if !close.is_empty() {
            let names: Vec<&str> = close.iter().take(3).map(|c| c.1).collect();
            crate::message!("sso-triage: did you mean {}?", names.join(", "));
        }
        return Ok(Exit::Findings);
    }
    for (n, &i) in hits.iter().enumerate() {
        let r = &compiled.rules[i].rule;
        if n > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{} ({})", r.title, r.id)?;
        writeln!(
            out,
            "symptom: {}   severity: {}   codes: {}",
            r.symptom,
            r.severity,
            r.codes.join(", ")
        )?;
        writeln!(out, "\nMeaning:\n  {}", r.meaning)?;
        writeln!(out, "\nLikely causes in NetBox Enterprise:")?;
        for c in &r.causes {
            writeln!(out, "  - {c}")?;
        }
        writeln!(out, "\nResolution:")?;
        for (k, s) in r.resolution.iter().enumerate() {
            writeln!(out, "  {}. {s}", k + 1)?;
        }
        if !r.references.is_empty() {
            writeln!(out, "\nReferences:")?;
            for s in &r.references {
                writeln!(out, "  {s}")?;
            }
        }
    }
    Ok(Exit::Clean)
}

pub(super) fn list(compiled: &Compiled) -> Result<Exit> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for r in &compiled.rules {
        let r = &r.rule;
        writeln!(
            out,
            "{:<55} {:<28} {:<8} {}",
            r.id,
            r.symptom.key(),
            r.severity.key(),
            r.codes.join(",")
        )?;
    }
    Ok(Exit::Clean)
}

pub(super) fn check(dirs: &[PathBuf], dir: Option<&PathBuf>) -> Result<Exit> {
    // A mistyped folder would otherwise pass as "the built-in catalog is fine".
    if let Some(d) =
        dir.filter(|d| matches!(load::read_dir_files(d), Ok(files) if files.is_empty()))
    {
        crate::message!(
            "sso-triage: {}: no rule files (*.toml) in this folder",
            d.display()
        );
        return Ok(Exit::Error);
    }
    let mut all = dirs.to_vec();
    all.extend(dir.cloned());
    let (compiled, problems) = build_checked(&all, dir.is_none());
    if !problems.is_empty() {
        for p in &problems {
            crate::message!("sso-triage: {p}");
        }
        crate::message!("sso-triage: {} problem(s)", problems.len());
        return Ok(Exit::Error);
    }
    let compiled = compiled.expect("built");
    let examples: usize = compiled
        .rules
        .iter()
        .map(|r| r.rule.examples.matches.len() + r.rule.examples.no_match.len())
        .sum();
    println!(
        "ok: {} rules, {} examples, {} anchors",
        compiled.rules.len(),
        examples,
        compiled.anchors.len()
    );
    Ok(Exit::Clean)
}

pub(super) fn export_regex(compiled: &Compiled) -> Result<Exit> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    writeln!(out, "AADSTS[0-9]{{4,9}}")?;
    let mut seen = std::collections::BTreeSet::new();
    for r in &compiled.rules {
        for p in &r.rule.patterns {
            match export::portable(p) {
                Some(p) => {
                    if seen.insert(p.clone()) {
                        writeln!(out, "{p}")?;
                    }
                }
                None => crate::message!(
                    "sso-triage: rule {}: pattern has no grep -E form, left out: {p}",
                    r.rule.id
                ),
            }
        }
    }
    out.flush()?;
    Ok(Exit::Clean)
}

pub(super) fn export_anchors(compiled: &Compiled) -> Result<Exit> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    for anchor in &compiled.anchors {
        out.write_all(anchor)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(Exit::Clean)
}
