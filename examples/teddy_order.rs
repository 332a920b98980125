//! `teddy_order`: chooses the order in which the built-in catalog's block literals are given
//! to the SIMD (Teddy) searcher, and prints it in the format of
//! `src/catalog/teddy_order.txt`.
//!
//! ```text
//! cargo run --release --example teddy_order > src/catalog/teddy_order.txt
//! ```
//!
//! Teddy sorts literals into 16 buckets by their place in that order, and a bucket flags
//! every position whose first four bytes pass the nibble masks of its literals; each flag
//! costs a comparison with every literal of the bucket. The order is tuned
//! (`compile::tuned_teddy_order`) on NetBox text of our own, never on benchmark data: the
//! everyday lines the anchor picker avoids (`src/catalog/background.txt`), the samples and
//! the test corpus. Run it after a change to the catalog's keywords; a test says when the
//! stored order no longer holds the catalog's literals.

use std::fs;
use std::path::{Path, PathBuf};

use sso_triage::catalog::{compile, load};

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

fn main() -> anyhow::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("src/catalog/background.txt")];
    text_files(&root.join("samples"), &mut files);
    text_files(&root.join("tests/corpus"), &mut files);
    files.sort();
    let mut corpus = Vec::new();
    for file in &files {
        corpus.extend_from_slice(&fs::read(file)?);
        corpus.push(b'\n');
    }

    let catalog = load::load(&[])?;
    let mut problems = Vec::new();
    let compiled = compile::compile(&catalog, &mut problems);
    anyhow::ensure!(
        problems.is_empty(),
        "the catalog has problems: {problems:?}"
    );
    let literals = compile::block_literals(&compiled.anchors);
    let start = compile::teddy_order(&literals);
    let tuned = compile::tuned_teddy_order(&literals, &corpus);
    eprintln!(
        "teddy_order: {} literals, {} bytes of text from {} files; cost {} -> {}",
        literals.len(),
        corpus.len(),
        files.len(),
        compile::teddy_cost(&literals, &start, &corpus),
        compile::teddy_cost(&literals, &tuned, &corpus)
    );
    println!(
        "# The order Teddy gets the built-in catalog's block literals in (one JSON string per line)."
    );
    println!(
        "# Written by: cargo run --release --example teddy_order > src/catalog/teddy_order.txt"
    );
    for i in tuned {
        println!(
            "{}",
            serde_json::to_string(&String::from_utf8_lossy(&literals[i]))?
        );
    }
    Ok(())
}
