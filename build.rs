//! Embeds the rule catalog (`patterns/**/*.toml`) in the binary.
//!
//! A generated list of `include_str!` calls, rather than a directory-embedding macro, because
//! Cargo then re-runs this script (and rebuilds the crate) whenever a rule file is added,
//! changed or removed: `rerun-if-changed` on a folder watches everything below it.

use std::env;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

fn main() {
    let root =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let patterns = root.join("patterns");
    println!("cargo:rerun-if-changed=patterns");
    let mut files = Vec::new();
    collect(&patterns, &mut files);
    files.sort();
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("catalog.rs");
    let mut f = fs::File::create(&out).expect("OUT_DIR is writable");
    writeln!(
        f,
        "/// The rule files embedded at build time: (path below `patterns/`, contents)."
    )
    .expect("write catalog.rs");
    writeln!(f, "pub static EMBEDDED: &[(&str, &str)] = &[").expect("write catalog.rs");
    // Paths from the package root, not absolute: a build folder shared by several
    // checkouts (git worktrees) then reads each checkout's own rules.
    for path in &files {
        let rel = path.strip_prefix(&patterns).expect("below patterns/");
        let rel = rel.to_string_lossy().replace('\\', "/");
        writeln!(
            f,
            "    ({rel:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), {:?}))),",
            format!("/patterns/{rel}")
        )
        .expect("write catalog.rs");
    }
    writeln!(f, "];").expect("write catalog.rs");
}
