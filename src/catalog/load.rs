//! Reads rule files: the catalog embedded at build time, then each `--patterns` folder, a
//! later folder replacing rules with the same id. Every file that cannot be parsed is a
//! problem naming the file; all problems are gathered and returned at once.

use std::fs;
use std::path::{Path, PathBuf};

use crate::catalog::{Catalog, Located, Rule, validate};
use crate::error::{Error, Result};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/catalog.rs"));
}

/// The rule files compiled into the binary: (path below `patterns/`, contents).
pub fn embedded_files() -> &'static [(&'static str, &'static str)] {
    embedded::EMBEDDED
}

/// One rule file's text and where it came from.
#[derive(Debug, Clone)]
pub struct RuleFile {
    /// Display name of the file.
    pub name: String,
    /// The file stem, which must equal the rule id.
    pub stem: String,
    /// The TOML text.
    pub text: String,
}

/// Lists the `*.toml` files below `dir`, sorted by path, skipping none silently: an unreadable
/// entry is an error.
pub fn read_dir_files(dir: &Path) -> Result<Vec<RuleFile>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        for entry in fs::read_dir(dir)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                walk(&path, out)?;
            } else if path.extension().is_some_and(|e| e == "toml") {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut paths = Vec::new();
    walk(dir, &mut paths).map_err(|source| Error::PatternDir {
        path: dir.to_path_buf(),
        source,
    })?;
    paths.sort();
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        // An unreadable file becomes a problem of its own (empty text fails to parse, naming
        // the file), so the other rules are still checked and listed.
        let text = match fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(_) => "# not UTF-8 text\n".to_string(),
            },
            Err(err) => format!("# cannot read: {err}\n"),
        };
        files.push(RuleFile {
            name: path.display().to_string(),
            stem: stem(&path),
            text,
        });
    }
    Ok(files)
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The embedded rule files.
pub fn embedded_rule_files() -> Vec<RuleFile> {
    embedded_files()
        .iter()
        .map(|(rel, text)| RuleFile {
            name: format!("patterns/{rel}"),
            stem: stem(Path::new(rel)),
            text: (*text).to_string(),
        })
        .collect()
}

/// Parses and checks one group of files (one folder). Rules land in `catalog`, replacing rules
/// of earlier groups with the same id; a duplicate id inside the group is a problem.
pub fn add_group(catalog: &mut Catalog, files: &[RuleFile], problems: &mut Vec<String>) {
    let mut seen = std::collections::HashMap::<String, String>::new();
    for file in files {
        let mut rule: Rule = match toml::from_str(&file.text) {
            Ok(rule) => rule,
            Err(err) => {
                let id = guess_id(&file.text).unwrap_or_else(|| file.stem.clone());
                problems.push(format!(
                    "{}: rule {}: {}",
                    file.name,
                    id,
                    one_line(&err.to_string())
                ));
                continue;
            }
        };
        let before = problems.len();
        validate::check_messages(&rule, &file.name, problems);
        rule.add_message_keys();
        validate::check_rule(&rule, &file.stem, &file.name, problems);
        if let Some(first) = seen.get(&rule.id) {
            problems.push(format!(
                "{}: rule {}: duplicate id, also defined in {}",
                file.name, rule.id, first
            ));
            continue;
        }
        seen.insert(rule.id.clone(), file.name.clone());
        if problems.len() == before {
            catalog.rules.insert(
                rule.id.clone(),
                Located {
                    rule,
                    file: file.name.clone(),
                },
            );
        }
    }
}

/// Loads the embedded catalog plus each folder in `dirs`, in order.
pub fn load(dirs: &[PathBuf]) -> Result<Catalog> {
    let mut catalog = Catalog::default();
    let mut problems = Vec::new();
    add_group(&mut catalog, &embedded_rule_files(), &mut problems);
    for dir in dirs {
        let files = read_dir_files(dir)?;
        add_group(&mut catalog, &files, &mut problems);
    }
    if problems.is_empty() {
        Ok(catalog)
    } else {
        Err(Error::Catalog { problems })
    }
}

/// Finds `id = "..."` in a file that failed to parse, to name the rule in the problem.
fn guess_id(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let rest = line.trim_start().strip_prefix("id")?.trim_start();
        let rest = rest.strip_prefix('=')?.trim();
        Some(rest.trim_matches(|c| c == '"' || c == '\'').to_string())
    })
}

/// TOML errors span several lines (a source excerpt); the problem list wants one line each.
fn one_line(msg: &str) -> String {
    msg.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('|') && *l != "^")
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
#[path = "load_tests.rs"]
mod tests;
