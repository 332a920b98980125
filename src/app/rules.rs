//! The catalog commands: building the catalog, `catalog list`, `check` and the exports
//! (`explain` is `explain.rs`).

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::Result;

use crate::catalog::compile::{self, Compiled};
use crate::catalog::{Catalog, Detector, export, load, validate};
use crate::error::Error;
use crate::redact::sanitize;

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

pub(super) fn list(compiled: &Compiled) -> Result<Exit> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for r in &compiled.rules {
        let r = &r.rule;
        // A rule of one's own (`--patterns`) is input: its text is escaped like any other.
        writeln!(
            out,
            "{:<55} {:<28} {:<8} {}",
            sanitize(&r.id),
            r.symptom.key(),
            r.severity.key(),
            sanitize(&r.codes.join(","))
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
