//! CLI behaviour cases: one command line per file of `tests/cases/*.toml`.

use std::path::PathBuf;

use super::{bin, root};

/// One file of `tests/cases/`: a command line, what it is fed, and what must (not) come out.
/// Paths in `args` are relative to the repository root. A new case needs no Rust code.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CliCase {
    /// What the case shows, in a sentence.
    about: String,
    args: Vec<String>,
    /// Text piped to stdin; without it stdin is empty (never a terminal).
    stdin: Option<String>,
    /// The exit status.
    exit: i32,
    #[serde(default)]
    stdout_has: Vec<String>,
    #[serde(default)]
    stdout_lacks: Vec<String>,
    stdout_starts: Option<String>,
    #[serde(default)]
    stderr_has: Vec<String>,
    #[serde(default)]
    stderr_lacks: Vec<String>,
}

/// What is wrong with the run of `case`, one line each.
fn check_case(case: &CliCase) -> Vec<String> {
    let mut cmd = bin();
    cmd.current_dir(root()).args(&case.args);
    if let Some(stdin) = &case.stdin {
        cmd.write_stdin(stdin.clone());
    }
    let out = cmd.output().expect("runs");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    let mut wrong = Vec::new();
    if out.status.code() != Some(case.exit) {
        wrong.push(format!(
            "exit {:?}, expected {}",
            out.status.code(),
            case.exit
        ));
    }
    for (name, text, has, lacks) in [
        ("stdout", &stdout, &case.stdout_has, &case.stdout_lacks),
        ("stderr", &stderr, &case.stderr_has, &case.stderr_lacks),
    ] {
        wrong.extend(
            has.iter()
                .filter(|f| !text.contains(f.as_str()))
                .map(|f| format!("{name} lacks {f:?}")),
        );
        wrong.extend(
            lacks
                .iter()
                .filter(|f| text.contains(f.as_str()))
                .map(|f| format!("{name} has {f:?}")),
        );
    }
    if let Some(start) = case
        .stdout_starts
        .as_ref()
        .filter(|s| !stdout.starts_with(s.as_str()))
    {
        wrong.push(format!("stdout does not start with {start:?}"));
    }
    if !wrong.is_empty() {
        wrong.push(format!("stdout:\n{stdout}\nstderr:\n{stderr}"));
    }
    wrong
}

#[test]
fn cli_cases() {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("tests/cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 25, "only {} cases", paths.len());
    let cases: Vec<(String, CliCase)> = paths
        .iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let case: CliCase = toml::from_str(&std::fs::read_to_string(p).unwrap())
                .unwrap_or_else(|e| panic!("tests/cases/{name}: {e}"));
            assert!(!case.about.is_empty(), "{name}: say what the case shows");
            let expects = case.stdout_has.len()
                + case.stdout_lacks.len()
                + case.stderr_has.len()
                + case.stderr_lacks.len()
                + usize::from(case.stdout_starts.is_some());
            assert!(
                expects > 0,
                "{name}: expect some output, not only an exit status"
            );
            (name, case)
        })
        .collect();
    // Two at a time: each is a process start and a catalog compile.
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = cases
            .chunks(cases.len().div_ceil(2))
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .flat_map(|(name, case)| {
                            let wrong = check_case(case);
                            (!wrong.is_empty()).then(|| {
                                format!(
                                    "tests/cases/{name} ({}):\n  {}",
                                    case.about,
                                    wrong.join("\n  ")
                                )
                            })
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
