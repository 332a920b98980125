//! The layers of `docs/ARCHITECTURE.md` hold in the code: a module imports only modules
//! listed before it. Reads every `crate::` path outside comments and tests.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The lines of the fenced block ```` ```NAME ```` in docs/ARCHITECTURE.md.
fn block(name: &str) -> Vec<String> {
    let doc = fs::read_to_string(root().join("docs/ARCHITECTURE.md")).expect("architecture doc");
    let open = format!("```{name}\n");
    let start = doc
        .find(&open)
        .unwrap_or_else(|| panic!("no ```{name} block"))
        + open.len();
    let end = start + doc[start..].find("```").expect("block is closed");
    doc[start..end]
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// Each module's rank: its place in the layer list.
fn ranks() -> BTreeMap<String, usize> {
    let mut ranks = BTreeMap::new();
    for (i, module) in block("layers")
        .iter()
        .flat_map(|l| l.split_whitespace())
        .enumerate()
    {
        assert!(
            ranks.insert(module.to_string(), i).is_none(),
            "{module} is listed twice"
        );
    }
    ranks
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a source file that is not a test: test files and a trailing
/// `#[cfg(test)] mod tests { ... }` left out, comments dropped line by line.
fn code_lines(path: &Path) -> Vec<(usize, String)> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name == "tests.rs" || name.ends_with("_tests.rs") || name == "proptests.rs" {
        return Vec::new();
    }
    let text = fs::read_to_string(path).expect("source is UTF-8");
    let text = match text.find("#[cfg(test)]\nmod tests {") {
        Some(at) => &text[..at],
        None => &text[..],
    };
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.split("//").next().unwrap_or("").to_string()))
        .collect()
}

/// (from, to) -> the places `from` names `to`.
fn imports() -> BTreeMap<(String, String), Vec<String>> {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut out: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&src).expect("under src");
        let top = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or("")
            .trim_end_matches(".rs")
            .to_string();
        if top == "lib" || top == "main" || top == "test_support" {
            continue;
        }
        for (n, line) in code_lines(&file) {
            let mut rest = line.as_str();
            while let Some(at) = rest.find("crate::") {
                rest = &rest[at + "crate::".len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                // `crate::message!` is a macro at the crate root, not a module.
                let is_macro = rest[name.len()..].starts_with('!');
                if !name.is_empty() && name != top && !is_macro {
                    out.entry((top.clone(), name))
                        .or_default()
                        .push(format!("src/{}:{n}", rel.display()));
                }
            }
        }
    }
    out
}

#[test]
fn every_module_imports_only_the_layers_below_it() {
    let ranks = ranks();
    let exceptions: BTreeSet<(String, String)> = block("exceptions")
        .iter()
        .map(|l| {
            let (from, to) = l.split_once("->").expect("`a -> b`");
            (from.trim().to_string(), to.trim().to_string())
        })
        .collect();
    let mut wrong = Vec::new();
    let mut used_exceptions = BTreeSet::new();
    let imports = imports();
    for ((from, to), places) in &imports {
        let rank = |m: &str| {
            *ranks
                .get(m)
                .unwrap_or_else(|| panic!("module {m} is not in the layers of ARCHITECTURE.md"))
        };
        if rank(to) < rank(from) {
            continue;
        }
        if exceptions.contains(&(from.clone(), to.clone())) {
            used_exceptions.insert((from.clone(), to.clone()));
            continue;
        }
        wrong.push(format!("{from} -> {to}: {}", places.join(", ")));
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers of docs/ARCHITECTURE.md:\n{}",
        wrong.join("\n")
    );
    let stale: Vec<_> = exceptions.difference(&used_exceptions).collect();
    assert!(stale.is_empty(), "exceptions no longer needed: {stale:?}");
    // The checker sees the imports it must see.
    assert!(imports.contains_key(&("app".to_string(), "report".to_string())));
    assert!(imports.contains_key(&("parse".to_string(), "search".to_string())));
}

#[test]
fn every_module_of_the_crate_is_in_a_layer() {
    let ranks = ranks();
    let lib = fs::read_to_string(root().join("src/lib.rs")).expect("lib.rs");
    for line in lib.lines() {
        if let Some(name) = line.trim().strip_prefix("pub mod ") {
            let name = name.trim_end_matches(';');
            assert!(ranks.contains_key(name), "{name} has no layer");
        }
    }
}

/// The trees the 900-line rule covers, relative to the repository root: the crate, its
/// integration tests and the tools crate.
const SIZED: [&str; 3] = ["src", "tests", "tools"];

/// `path` relative to the repository root, with `/` between its parts.
fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .expect("under the repository root")
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// No `.rs` file under src/, tests/ or tools/ is longer than 900 lines, but those
/// docs/ARCHITECTURE.md lists as still to split (paths from the repository root); a listed
/// file that is no longer that long leaves the list.
#[test]
fn no_source_file_is_over_900_lines() {
    let mut files = Vec::new();
    for dir in SIZED {
        rust_files(&root().join(dir), &mut files);
    }
    let files: Vec<String> = files.iter().map(|f| relative(f)).collect();
    // The walk reaches every tree it must.
    for seen in ["src/lib.rs", "tests/architecture.rs", "tools/src/lib.rs"] {
        assert!(files.iter().any(|f| f == seen), "{seen} was not read");
    }
    let mut long: Vec<(String, usize)> = files
        .into_iter()
        .filter_map(|f| {
            let lines = fs::read_to_string(root().join(&f))
                .expect("readable")
                .lines()
                .count();
            (lines > 900).then_some((f, lines))
        })
        .collect();
    long.sort();
    let allowed = block("long-files");
    let unexpected: Vec<String> = long
        .iter()
        .filter(|(f, _)| !allowed.contains(f))
        .map(|(f, lines)| format!("{f} ({lines})"))
        .collect();
    assert!(
        unexpected.is_empty(),
        "files over 900 lines: {unexpected:?}"
    );
    let stale: Vec<&String> = allowed
        .iter()
        .filter(|a| !long.iter().any(|(f, _)| f == *a))
        .collect();
    assert!(stale.is_empty(), "no longer over 900 lines: {stale:?}");
}

/// Unit tests live in a sibling file; only the files listed in docs/ARCHITECTURE.md still
/// keep a `mod tests { ... }` inline, and a file that moved its tests out leaves the list.
#[test]
fn no_source_file_keeps_its_unit_tests_inline() {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut inline: Vec<String> = files
        .iter()
        .filter(|f| {
            fs::read_to_string(f).expect("readable").lines().any(|l| {
                let code = l.split("//").next().unwrap_or("").trim();
                code == "mod tests {" || code.ends_with(" mod tests {")
            })
        })
        .map(|f| {
            let rel = f.strip_prefix(&src).expect("under src");
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    inline.sort();
    let allowed = block("inline-tests");
    let unexpected: Vec<&String> = inline.iter().filter(|f| !allowed.contains(f)).collect();
    assert!(
        unexpected.is_empty(),
        "unit tests inline, not in a sibling file: {unexpected:?}"
    );
    let stale: Vec<&String> = allowed.iter().filter(|a| !inline.contains(a)).collect();
    assert!(
        stale.is_empty(),
        "no longer keep their tests inline: {stale:?}"
    );
}
