//! Every file the repository stores but a program writes, with the program that writes it.
//! Each is computed from the sources (the catalog in `patterns/`, the everyday text in
//! `src/catalog/background.txt`, the samples and the test corpus); a file is stale when
//! what is stored differs from what would be written now. `regen` rewrites the stale ones;
//! the test below fails while one is stale, so a change to a keyword or to the corpus comes
//! with its regenerated files.
//!
//! The insta snapshots in `tests/snapshots/` are stored output too, but each change to one
//! is reviewed (`cargo insta review`), never rewritten in bulk, so they are not here.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, ensure};
use sso_triage::catalog::{compile, load};

/// The repository root (the shipped crate's folder, above `tools/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tools/ sits in the repository")
        .to_path_buf()
}

/// One stored file: its path from the repository root and what it should hold.
pub struct Stored {
    /// Path from the repository root.
    pub path: &'static str,
    /// The contents the program writes today.
    pub contents: String,
}

/// Every stored file, computed now.
pub fn all(root: &Path) -> Result<Vec<Stored>> {
    Ok(vec![
        Stored {
            path: "src/catalog/anchors.txt",
            contents: anchors()?,
        },
        Stored {
            path: "src/catalog/teddy_order.txt",
            contents: teddy_order(root)?,
        },
    ])
}

/// The stored files whose contents differ from [`all`] (missing ones included).
pub fn stale(root: &Path) -> Result<Vec<Stored>> {
    Ok(all(root)?
        .into_iter()
        .filter(|s| fs::read_to_string(root.join(s.path)).ok().as_deref() != Some(&*s.contents))
        .collect())
}

/// Rewrites the stale files (with `check`, only names them). True when none was stale.
pub fn run(root: &Path, check: bool) -> Result<bool> {
    let stale = stale(root)?;
    for s in &stale {
        if check {
            eprintln!(
                "{} is stale: run cargo run -p sso-triage-tools -- regen",
                s.path
            );
        } else {
            fs::write(root.join(s.path), &s.contents)
                .with_context(|| format!("cannot write {}", s.path))?;
            eprintln!("wrote {}", s.path);
        }
    }
    if stale.is_empty() {
        eprintln!("every stored file is current");
    }
    Ok(stale.is_empty() || !check)
}

/// `src/catalog/anchors.txt`: the anchors the picker chooses for the built-in catalog
/// (`compile::STORED_ANCHORS`), keyed by what it chose them from.
pub fn anchors() -> Result<String> {
    let catalog = load::load(&[])?;
    let keywords = compile::keywords_of(catalog.active().map(|l| &l.rule));
    let picked = compile::pick_anchors(&keywords, compile::ANCHOR_BUDGET).map_err(|left| {
        anyhow::anyhow!(
            "no anchor covers these keywords: {:?}",
            left.iter()
                .map(|k| String::from_utf8_lossy(k).into_owned())
                .collect::<Vec<_>>()
        )
    })?;
    Ok(compile::store_anchors(
        &picked,
        &keywords,
        compile::ANCHOR_BUDGET,
    ))
}

/// `src/catalog/teddy_order.txt`: the order in which the built-in catalog's block literals
/// are given to the SIMD (Teddy) searcher (`compile::STORED_TEDDY_ORDER`).
///
/// Teddy sorts literals into 16 buckets by their place in that order, and a bucket flags
/// every position whose first four bytes pass the nibble masks of its literals; each flag
/// costs a comparison with every literal of the bucket. The order is tuned
/// (`compile::tuned_teddy_order`) on NetBox text of our own, never on benchmark data: the
/// everyday lines the anchor picker avoids (`src/catalog/background.txt`), the samples and
/// the test corpus.
pub fn teddy_order(root: &Path) -> Result<String> {
    let mut files = vec![root.join("src/catalog/background.txt")];
    text_files(&root.join("samples"), &mut files);
    text_files(&root.join("tests/corpus"), &mut files);
    files.sort();
    let mut corpus = Vec::new();
    for file in &files {
        corpus.extend_from_slice(&fs::read(file).with_context(|| file.display().to_string())?);
        corpus.push(b'\n');
    }
    let catalog = load::load(&[])?;
    let mut problems = Vec::new();
    let compiled = compile::compile(&catalog, &mut problems);
    ensure!(
        problems.is_empty(),
        "the catalog has problems: {problems:?}"
    );
    let literals = compile::block_literals(&compiled.anchors);
    let tuned = compile::tuned_teddy_order(&literals, &corpus);
    let mut out = String::from(
        "# The order Teddy gets the built-in catalog's block literals in (one JSON string per line).\n\
         # Written by: cargo run -p sso-triage-tools -- regen\n",
    );
    for i in tuned {
        out.push_str(&serde_json::to_string(&String::from_utf8_lossy(
            &literals[i],
        ))?);
        out.push('\n');
    }
    Ok(out)
}

/// The `.log` and `.txt` files below `dir`.
fn text_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            text_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "log" || e == "txt") {
            out.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// See the module docs: a stale stored file fails here with the command that fixes it.
    #[test]
    fn stored_files_are_current() {
        let stale: Vec<&str> = stale(&repo_root())
            .unwrap()
            .iter()
            .map(|s| s.path)
            .collect();
        assert!(
            stale.is_empty(),
            "stale: {stale:?}; run cargo run -p sso-triage-tools -- regen"
        );
    }
}
