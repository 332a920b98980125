//! The real-world excerpts (`tests/realworld/`, see its README) through the binary: what
//! must hold on text nobody here wrote. Every excerpt, in every format, exits 0 or 1 with
//! no panic, shows none of the secrets planted in it (`labels.toml`), writes no raw control
//! character, and the negative controls give no finding. How many causes are named is
//! measured, not asserted here (tests/realworld/README.md).

use std::path::PathBuf;
use std::process::Command;

use serde::Deserialize;

#[derive(Deserialize)]
struct Labels {
    excerpt: Vec<Excerpt>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Excerpt {
    file: String,
    source: String,
    stack: String,
    cause: String,
    codes: Vec<String>,
    expect_finding: bool,
    #[serde(default)]
    secrets: Vec<String>,
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/realworld")
}

fn labels() -> Labels {
    let text = std::fs::read_to_string(dir().join("labels.toml")).expect("labels.toml");
    toml::from_str(&text).expect("labels.toml parses")
}

#[test]
fn every_excerpt_has_a_label_and_every_label_a_file() {
    let labels = labels();
    let mut files: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".log"))
        .collect();
    files.sort();
    let mut labelled: Vec<String> = labels.excerpt.iter().map(|e| e.file.clone()).collect();
    labelled.sort();
    assert_eq!(files, labelled);
    assert!(labels.excerpt.len() >= 40);
}

#[test]
fn real_logs_never_show_their_secrets_nor_break_the_run() {
    let bin = assert_cmd::cargo::cargo_bin("sso-triage");
    for e in labels().excerpt {
        let path = dir().join(&e.file);
        for format in ["table", "json", "jsonl", "markdown", "html"] {
            let out = Command::new(&bin)
                .args(["scan", "-o", format])
                .arg(&path)
                .output()
                .unwrap();
            let code = out.status.code();
            assert!(
                matches!(code, Some(0 | 1)),
                "{} -o {format}: exit {code:?}",
                e.file
            );
            let all = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            for secret in &e.secrets {
                assert!(
                    !all.contains(secret.as_str()),
                    "{} -o {format} shows {secret}",
                    e.file
                );
                if secret.len() >= 16 {
                    let half = &secret[..secret.len() / 2];
                    assert!(
                        !all.contains(half),
                        "{} -o {format} shows half of {secret}",
                        e.file
                    );
                }
            }
            assert!(
                !all.chars()
                    .any(|c| c.is_control() && c != '\n' && c != '\t'),
                "{} -o {format}: raw control character",
                e.file
            );
            if !e.expect_finding && format == "json" {
                let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                assert_eq!(
                    report["findings"].as_array().map(Vec::len),
                    Some(0),
                    "{}: a negative control gave a finding",
                    e.file
                );
            }
        }
    }
}
