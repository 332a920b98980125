//! What installing needs besides the binary: `completions SHELL` and `man`, run as a user
//! would to install them, and the scripts and pages checked by the programs that read them
//! where they are installed (bash, groff).

use std::process::Command as Process;

use super::run;

/// Every command a user can type, as `--help` lists them.
const COMMANDS: &[&str] = &[
    "scan",
    "kube",
    "explain",
    "catalog",
    "check-config",
    "redact-har",
    "diff",
    "completions",
    "man",
];

#[test]
fn each_shells_completion_script_names_every_command() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let r = run(&["completions", shell]);
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        assert!(r.stderr.is_empty(), "{shell}: {}", r.stderr);
        assert!(r.stdout.len() > 1000, "{shell}: {}", r.stdout);
        for command in COMMANDS.iter().chain(&["list", "check", "export"]) {
            assert!(r.stdout.contains(command), "{shell} lacks {command}");
        }
        // The flags of each command are completed too.
        for word in ["redirect-uri", "secret-expires", "fail-on", "flow-timeout"] {
            assert!(r.stdout.contains(word), "{shell} lacks {word}");
        }
        assert!(!r.stdout.contains('\x1b'), "{shell}: no terminal escapes");
    }
}

/// What bash offers for the words typed so far (the last one is being completed), with
/// the script `completions bash` printed loaded as bash-completion would load it.
fn bash_completes(script: &str, words: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sso-triage.bash");
    std::fs::write(&path, script).unwrap();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let cword = words.len() - 1;
    let prev = if cword > 0 { words[cword - 1] } else { "" };
    let program = format!(
        "source '{}'\nCOMP_WORDS=({})\nCOMP_CWORD={cword}\n_sso__triage sso-triage '{}' '{prev}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        path.display(),
        quoted.join(" "),
        words[cword],
    );
    let out = Process::new("bash")
        .arg("--norc")
        .arg("-c")
        .arg(program)
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// The bash script works in bash: commands, their flags and the values of flags complete.
/// clap_complete labels the flags of each command wrongly for a name with a hyphen
/// (clap-rs/clap#6421): without the fix in `completions`, only the commands completed.
#[cfg(unix)]
#[test]
fn bash_completes_commands_their_flags_and_values() {
    let script = run(&["completions", "bash"]).stdout;
    let syntax = Process::new("bash")
        .args(["-n", "-c", &script])
        .output()
        .expect("bash runs");
    assert!(
        syntax.status.success(),
        "{}",
        String::from_utf8_lossy(&syntax.stderr)
    );
    assert_eq!(
        bash_completes(&script, &["sso-triage", "ch"]),
        ["check-config"]
    );
    assert_eq!(
        bash_completes(&script, &["sso-triage", "check-config", "--re"]),
        ["--redirect-uri"]
    );
    assert_eq!(
        bash_completes(&script, &["sso-triage", "scan", "-o", ""]),
        ["table", "json", "jsonl", "markdown", "html"]
    );
    let export = bash_completes(&script, &["sso-triage", "catalog", "export", "--"]);
    assert!(export.contains(&"--regex".to_string()), "{export:?}");
    assert_eq!(
        bash_completes(&script, &["sso-triage", "completions", "p"]),
        ["powershell"]
    );
}

/// The macros and requests a page may use: clap_mangen's, ours, and the string definitions
/// of roff's apostrophe preamble.
const ROFF_REQUESTS: &[&str] = &[
    "TH", "SH", "SS", "TP", "PP", "LP", "P", "IP", "RS", "RE", "B", "I", "BR", "IR", "br", "sp",
    "nf", "fi", "ie", "el",
];

/// Checks `page` is a man(7) page titled `title`: a title line first, then sections, and
/// every control line a request man pages use. With groff installed, also that groff reads
/// it without a warning.
fn assert_man_page(page: &str, title: &str) {
    let controls: Vec<&str> = page
        .lines()
        .filter(|l| l.starts_with('.') || l.starts_with('\''))
        .collect();
    let first = controls
        .iter()
        .position(|l| l.starts_with(".TH "))
        .unwrap_or_else(|| panic!("no .TH line:\n{page}"));
    assert!(
        controls[..first]
            .iter()
            .all(|l| l.starts_with(".ie ") || l.starts_with(".el ")),
        "only the preamble comes before .TH:\n{page}"
    );
    assert!(
        controls[first].starts_with(&format!(".TH {title} 1 ")),
        "{}",
        controls[first]
    );
    for line in &controls {
        let request = line[1..].split([' ', '\t']).next().unwrap_or_default();
        assert!(ROFF_REQUESTS.contains(&request), "unknown request {line:?}");
    }
    for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS"] {
        assert!(
            page.contains(&format!("\n.SH {section}\n")),
            "{title}: no {section}"
        );
    }
    assert!(!page.contains('\x1b'), "no terminal escapes");
    if let Ok(out) = Process::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(page.as_bytes())?;
            child.wait_with_output()
        })
    {
        assert!(out.status.success());
        let warnings = String::from_utf8_lossy(&out.stderr);
        assert!(warnings.is_empty(), "groff on {title}: {warnings}");
    }
}

#[test]
fn man_prints_the_main_page_naming_every_command() {
    let r = run(&["man"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    assert_man_page(&r.stdout, "sso-triage");
    // Each command is listed under the page it has (roff escapes the hyphens).
    for command in COMMANDS {
        let page = format!("sso\\-triage\\-{}(1)", command.replace('-', "\\-"));
        assert!(r.stdout.contains(&page), "no {page}");
    }
    assert!(
        !r.stdout.contains("sso\\-triage\\-help"),
        "help has no page"
    );
    // The text after the options in --help, as sections a man reader looks for.
    for section in [".SH EXAMPLES", ".SH \"EXIT STATUS\""] {
        assert!(r.stdout.contains(section), "no {section}:\n{}", r.stdout);
    }
    assert!(!r.stdout.contains(".SH EXTRA"));
}

#[test]
fn man_prints_a_commands_page_and_writes_every_page_to_a_folder() {
    let r = run(&["man", "catalog", "check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_man_page(&r.stdout, "sso-triage-catalog-check");
    assert!(r.stdout.contains(".SH \"SEE ALSO\"\nsso\\-triage(1)"));
    let check_config = run(&["man", "check-config"]).stdout;
    assert!(check_config.contains("\\-\\-secret\\-expires"));

    let dir = tempfile::tempdir().unwrap();
    let man1 = dir.path().join("share/man/man1");
    let r = run(&["man", "--dir", man1.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(r.stderr.contains("wrote 13 manual pages"), "{}", r.stderr);
    let mut files: Vec<String> = std::fs::read_dir(&man1)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut expected: Vec<String> = std::iter::once("sso-triage.1".to_string())
        .chain(COMMANDS.iter().map(|c| format!("sso-triage-{c}.1")))
        .chain(["list", "check", "export"].map(|c| format!("sso-triage-catalog-{c}.1")))
        .collect();
    expected.sort();
    assert_eq!(files, expected);
    for file in files {
        let page = std::fs::read_to_string(man1.join(&file)).unwrap();
        assert_man_page(&page, file.trim_end_matches(".1"));
    }
    // The main page written is the page printed.
    assert_eq!(
        std::fs::read_to_string(man1.join("sso-triage.1")).unwrap(),
        run(&["man"]).stdout
    );
}
