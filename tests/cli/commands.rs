//! The other commands: `catalog` (user rules, unknown codes, `export --regex`), `explain`,
//! and `kube` in a build without the feature.

use serde_json::Value;

use super::{bin, finding, fixture, root, run};

#[test]
fn user_rules_add_to_the_catalog() {
    let dir = fixture("good-rules");
    let out = bin()
        .args(["--patterns", dir.to_str().unwrap(), "-o", "json"])
        .write_stdin("2026-11-25T08:00:00Z sso-probe FAILED: connect timeout\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = finding(&report, "netbox-custom-probe").unwrap();
    assert_eq!(f["evidence"][0]["captures"]["error"], "connect timeout");
    assert_eq!(run(&["catalog", "check", dir.to_str().unwrap()]).code, 0);
}

#[test]
fn unknown_aadsts_code_is_still_reported() {
    let out = bin()
        .args(["-o", "json"])
        .write_stdin("Request failed with 400: {\"error\":\"invalid_request\",\"error_description\":\"AADSTS9999999: Something new.\"}\n")
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = finding(&report, "unknown-aadsts-code").expect("unknown code finding");
    assert_eq!(f["symptom"], "unknown");
    assert_eq!(f["codes"][0], "AADSTS9999999");
}

#[test]
fn export_regex_lists_patterns() {
    let r = run(&["catalog", "export", "--regex"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.lines().count() > 20);
    assert!(!r.stdout.contains("(?P<"));
    for line in r.stdout.lines() {
        regex::Regex::new(line).unwrap_or_else(|e| panic!("{line}: {e}"));
    }
}

#[test]
fn explain_answers_for_every_reference_code() {
    // The 125 codes of the reference table (shared/reference/aadsts-codes.tsv).
    let codes = std::fs::read_to_string(fixture("aadsts-codes.txt")).unwrap();
    let codes: Vec<&str> = codes.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(codes.len(), 125);
    let listed = run(&["catalog", "list"]).stdout;
    for code in codes {
        let needle = format!("AADSTS{code}");
        assert!(
            listed.split([',', ' ', '\n']).any(|w| w == needle),
            "no rule lists {needle}"
        );
    }
    for code in ["AADSTS50011", "7000222", "AADSTS90094", "AADSTS80002"] {
        let r = run(&["explain", code]);
        assert_eq!(r.code, 0, "{code}: {}", r.stderr);
        assert!(r.stdout.contains("Resolution:"));
    }
}

/// Built without the `kube` feature (`cargo test --no-default-features`, as CI runs it),
/// `kube` says what to do instead and exits 2.
#[cfg(not(feature = "kube"))]
#[test]
fn kube_without_the_feature_points_to_kubectl() {
    let r = run(&["kube"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("built without the `kube` feature")
            && r.stderr.contains("kubectl logs --prefix --timestamps"),
        "{}",
        r.stderr
    );
}

#[test]
fn scan_count_prints_json_when_asked_and_refuses_report_formats() {
    let sample = root().join("samples/client-secret-expired");
    let sample = sample.to_str().unwrap();
    let text = run(&["scan", "--count", sample]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    let value = |name: &str| -> u64 {
        text.stdout
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap()
    };
    for format in ["json", "jsonl"] {
        let r = run(&["scan", "--count", "-o", format, sample]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let counts: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        for name in ["lines", "events", "matched_lines", "matched_events"] {
            assert_eq!(counts[name].as_u64(), Some(value(name)), "{format} {name}");
        }
    }
    for format in ["markdown", "html"] {
        let r = run(&["scan", "--count", "-o", format, sample]);
        assert_eq!(r.code, 2, "{format}: {}", r.stdout);
        assert!(r.stderr.contains("--count"), "{}", r.stderr);
    }
}

/// `explain` lays its text out like the rest of the output: to `COLUMNS` (or the terminal),
/// coloured only on a terminal or with `--color always`, never with `--color never`.
#[test]
fn explain_wraps_to_the_width_and_colours_only_when_asked() {
    let explain = |columns: &str, args: &[&str]| {
        let out = bin()
            .env("COLUMNS", columns)
            .arg("explain")
            .arg("AADSTS50011")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stdout).unwrap()
    };
    for width in [50, 80] {
        let text = explain(&width.to_string(), &[]);
        let longest = text
            .lines()
            .filter(|l| l.trim().contains(' '))
            .map(|l| l.chars().count())
            .max()
            .unwrap();
        assert!(longest <= width, "{width}: a line of {longest}:\n{text}");
        assert!(
            longest > width - 15,
            "{width}: the lines are filled:\n{text}"
        );
        assert!(!text.contains('\x1b'), "no colour in a pipe");
    }
    // The same words, however wide.
    let words = |t: &str| t.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    assert_eq!(words(&explain("50", &[])), words(&explain("200", &[])));
    let coloured = explain("80", &["--color", "always"]);
    assert!(coloured.contains("\x1b[1mResolution:\x1b[0m"), "{coloured}");
    assert!(!explain("80", &["--color", "never"]).contains('\x1b'));
    // NO_COLOR is honoured by --color auto (the default) and overruled by always.
    let out = bin()
        .env("NO_COLOR", "1")
        .args(["explain", "AADSTS50011", "--color", "always"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains('\x1b'));
}

/// A rule of one's own is input like a log: the escapes in its words (clear the screen,
/// set the window title, ring the bell, reverse the text) are shown escaped by `explain`
/// and `catalog list`, never sent to the terminal.
#[test]
fn a_rules_own_escapes_never_reach_the_terminal() {
    let dir = fixture("hostile-rules");
    let dir = dir.to_str().unwrap();
    for args in [
        &["explain", "netbox-hostile-text"][..],
        &["explain", "HOSTILE\x1b[31m"][..],
        &["explain", "hostile", "--color", "always"][..],
        &["catalog", "list"][..],
    ] {
        let r = run(&[&["--patterns", dir][..], args].concat());
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert!(
            r.stdout.contains("netbox-hostile-text"),
            "{args:?}: {}",
            r.stdout
        );
        let raw = r
            .stdout
            .replace("\x1b[1m", "")
            .replace("\x1b[0m", "")
            .replace("\x1b[33m", "");
        for bad in ['\x1b', '\x07', '\u{202e}'] {
            assert!(!raw.contains(bad), "{args:?} shows {bad:?}: {:?}", r.stdout);
        }
        assert!(r.stdout.contains("\\u{1b}[31m"), "{args:?}: {}", r.stdout);
    }
}

/// On a real terminal (a pty from util-linux `script`, where there is one), `explain` takes
/// the terminal's width and colours, unless `NO_COLOR` is set; `COLUMNS` wins over the
/// terminal's width.
#[cfg(target_os = "linux")]
#[test]
fn explain_on_a_terminal_takes_its_width_and_colours_unless_no_color() {
    let Ok(binary) = assert_cmd::cargo::cargo_bin("sso-triage").canonicalize() else {
        panic!("binary is built")
    };
    let on_terminal = |env: &str| -> Option<String> {
        let program = format!(
            "stty cols 70 rows 40; {env} {} explain AADSTS50011",
            binary.display()
        );
        let out = std::process::Command::new("script")
            .args(["-qec", &program, "/dev/null"])
            .env_remove("COLUMNS")
            .env_remove("NO_COLOR")
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n"))
    };
    let Some(text) = on_terminal("") else {
        eprintln!("no util-linux `script` to make a terminal with; not checked");
        return;
    };
    assert!(text.contains("\x1b[1mResolution:\x1b[0m"), "{text:?}");
    let strip = |t: &str| {
        regex::Regex::new("\x1b\\[[0-9;]*m")
            .unwrap()
            .replace_all(t, "")
            .into_owned()
    };
    let longest = |t: &str| {
        strip(t)
            .lines()
            .filter(|l| l.trim().contains(' '))
            .map(|l| l.chars().count())
            .max()
            .unwrap()
    };
    assert!((56..=70).contains(&longest(&text)), "{text}");
    let no_color = on_terminal("NO_COLOR=1").unwrap();
    assert!(!no_color.contains('\x1b'), "{no_color:?}");
    assert_eq!(no_color, strip(&text));
    let columns = on_terminal("COLUMNS=100").unwrap();
    assert!((86..=100).contains(&longest(&columns)), "{columns}");
}
