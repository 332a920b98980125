//! Integration tests: each runs the built `sso-triage` binary, as a user would, and checks
//! its stdout, stderr and exit status. JSON output is parsed back into typed values.

#![allow(clippy::unwrap_used)] // a failing test should panic with the value it got

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command as StdCommand, Stdio};

use assert_cmd::Command;
use serde_json::Value;

fn bin() -> Command {
    let mut cmd = Command::cargo_bin("sso-triage").expect("binary is built");
    cmd.env_remove("NO_COLOR").env("COLUMNS", "120");
    cmd
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = bin().args(args).output().expect("runs");
    Run {
        code: out.status.code().expect("exited"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn json(args: &[&str]) -> (i32, Value, String) {
    let mut all = vec!["scan", "-o", "json"];
    all.extend_from_slice(args);
    let r = run(&all);
    let v: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}\nstderr: {}", r.stdout, r.stderr));
    (r.code, v, r.stderr)
}

fn finding<'a>(report: &'a Value, rule: &str) -> Option<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
}

fn rules(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

fn sample(rel: &str) -> String {
    root().join("samples").join(rel).display().to_string()
}

// ---- samples: the guide's four troubleshooting sections and a healthy login ----

#[test]
fn redirect_uri_mismatch_sample_names_the_http_scheme() {
    let (code, report, _) = json(&[&sample("redirect-uri-mismatch")]);
    assert_eq!(code, 1);
    let f = finding(&report, "aadsts50011-redirect-uri-mismatch").expect("50011 finding");
    assert_eq!(f["symptom"], "redirect-uri-mismatch");
    assert_eq!(f["severity"], "error");
    let diagnosis = f["diagnosis"].to_string();
    assert!(diagnosis.contains("http://"), "{diagnosis}");
    assert!(
        !f["entra"]["correlation_ids"].as_array().unwrap().is_empty(),
        "{f}"
    );
    assert!(
        f["evidence"][0]["captures"]["redirect_uri"]
            .as_str()
            .unwrap()
            .starts_with("http://")
    );
    assert!(f["resolution"].as_array().unwrap().len() >= 3);
}

#[test]
fn client_secret_expired_sample() {
    let (code, report, _) = json(&[&sample("client-secret-expired")]);
    assert_eq!(code, 1);
    let f = finding(&report, "aadsts7000222-client-secret-expired").expect("7000222 finding");
    assert_eq!(f["symptom"], "client-secret-expired");
    assert!(f["count"].as_u64().unwrap() >= 3, "{f}");
    assert!(f["first_seen"].as_str().unwrap().starts_with("2026-11-"));
    assert!(f["first_seen"].as_str() <= f["last_seen"].as_str());
    assert!(
        f["codes_seen"]
            .as_array()
            .unwrap()
            .contains(&Value::from("AADSTS7000222"))
    );
    // The traceback that follows is one event, not a dozen lines.
    assert!(report["summary"]["tracebacks"].as_u64().unwrap() >= 3);
}

#[test]
fn invalid_secret_sample_in_json_lines() {
    let (code, report, _) = json(&[&sample("invalid-secret")]);
    assert_eq!(code, 1);
    let f = finding(&report, "aadsts7000215-invalid-client-secret").expect("7000215 finding");
    assert_eq!(f["symptom"], "invalid-client-credentials");
    // Times come from the JSON records' own time field.
    assert!(f["first_seen"].as_str().unwrap().starts_with("2026-11-22T"));
}

#[test]
fn not_logged_in_sample() {
    let (code, report, _) = json(&[&sample("not-logged-in")]);
    assert_eq!(code, 1);
    let symptoms: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["symptom"].as_str().unwrap())
        .collect();
    assert!(
        symptoms.contains(&"not-logged-in-after-auth"),
        "{symptoms:?}"
    );
    assert!(symptoms.contains(&"session-state-lost"), "{symptoms:?}");
}

#[test]
fn https_required_sample() {
    let (code, report, _) = json(&[&sample("https-required")]);
    assert_eq!(code, 1);
    let f = finding(&report, "redirect-uri-must-be-https").expect("https finding");
    assert_eq!(f["symptom"], "https-required");
}

#[test]
fn healthy_sample_is_clean() {
    let (code, report, _) = json(&[&sample("healthy")]);
    assert_eq!(code, 0, "{report}");
    assert!(rules(&report).is_empty(), "{:?}", rules(&report));
    assert!(report["summary"]["lines"].as_u64().unwrap() > 20);
}

#[test]
fn whole_samples_folder_table_output() {
    let r = run(&["scan", "samples", "--color", "never", "--width", "140"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    for needle in [
        "redirect-uri-mismatch",
        "client-secret-expired",
        "https-required",
        "Resolution",
        "1. ",
    ] {
        assert!(r.stdout.contains(needle), "{needle} missing:\n{}", r.stdout);
    }
    assert!(!r.stdout.contains("\x1b["), "no colour when asked");
    assert!(r.stderr.starts_with("sso-triage: "), "{}", r.stderr);
    assert!(r.stderr.contains("finding(s)"));
}

#[test]
fn output_does_not_depend_on_threads() {
    let a = run(&["scan", "-o", "json", "-j", "1", "samples"]);
    let b = run(&["scan", "-o", "json", "-j", "2", "samples"]);
    let c = run(&["scan", "-o", "jsonl", "-j", "2", "samples"]);
    let d = run(&["scan", "-o", "jsonl", "-j", "1", "samples"]);
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(c.stdout, d.stdout);
}

#[test]
fn jsonl_records_are_typed() {
    let r = run(&["scan", "-o", "jsonl", &sample("client-secret-expired")]);
    let records: Vec<Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(records.iter().any(|r| r["type"] == "match"));
    assert!(records.iter().any(|r| r["type"] == "finding"));
    assert_eq!(records.last().unwrap()["type"], "summary");
    let first_finding = records.iter().position(|r| r["type"] == "finding").unwrap();
    assert!(
        records[..first_finding]
            .iter()
            .all(|r| r["type"] == "match"),
        "matches stream first"
    );
}

// ---- input handling ----

#[test]
fn stdin_when_piped_and_dash() {
    let text = std::fs::read(fixture("quirks.log")).unwrap();
    for args in [vec!["-o", "json"], vec!["scan", "-o", "json", "-"]] {
        let out = bin()
            .args(&args)
            .write_stdin(text.clone())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(finding(&report, "auth-state-missing").is_some(), "{report}");
        assert_eq!(report["findings"][0]["evidence"][0]["source"], "<stdin>");
    }
}

/// With worker threads a file is read by them, a range (1 MiB) each, as is stdin
/// redirected from one (`< FILE`); the report is the one a single thread reading in order
/// gives, and stdin through a pipe gives the same.
#[test]
fn big_files_read_in_ranges_give_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    let one = std::fs::read(fixture("quirks.log")).unwrap();
    let mut text = Vec::new();
    while text.len() < 5 << 19 {
        text.extend_from_slice(&one);
    }
    let path = dir.path().join("netbox.log");
    std::fs::write(&path, &text).unwrap();
    let file = path.to_str().unwrap();
    let serial = run(&["scan", "-o", "json", "-j", "1", file]);
    let ranged = run(&["scan", "-o", "json", "-j", "2", file]);
    assert!(serial.stdout.contains("auth-state-missing"));
    assert!(serial.stdout == ranged.stdout, "-j 2 differs from -j 1");
    let redirected = StdCommand::new(assert_cmd::cargo::cargo_bin("sso-triage"))
        .args(["scan", "-o", "json", "-j", "2", "-"])
        .stdin(std::fs::File::open(&path).unwrap())
        .output()
        .unwrap();
    let piped = bin()
        .args(["scan", "-o", "json", "-j", "2", "-"])
        .write_stdin(text.clone())
        .output()
        .unwrap();
    let as_file = serial.stdout.replace(file, "<stdin>");
    assert!(
        String::from_utf8_lossy(&redirected.stdout) == as_file,
        "< FILE differs"
    );
    assert!(
        String::from_utf8_lossy(&piped.stdout) == as_file,
        "a pipe differs"
    );
}

#[test]
fn invalid_utf8_nul_and_crlf_are_matched() {
    let (code, report, stderr) = json(&[fixture("quirks.log").to_str().unwrap()]);
    assert_eq!(code, 1);
    let f =
        finding(&report, "aadsts7000222-client-secret-expired").expect("found despite bad bytes");
    let text = f["evidence"][0]["text"].as_str().unwrap();
    assert!(text.contains('\u{fffd}'), "shown lossily: {text}");
    assert!(text.contains("\\u{0}"), "NUL escaped: {text}");
    assert!(!text.ends_with('\r'));
    assert_eq!(f["evidence"][0]["line"], 3);
    assert_eq!(report["summary"]["invalid_utf8_lines"], 1);
    assert!(stderr.contains("invalid UTF-8"), "{stderr}");
}

#[test]
fn empty_file_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.log");
    std::fs::write(&empty, "").unwrap();
    let (code, report, _) = json(&[empty.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["lines"], 0);
}

#[test]
fn missing_file_is_named_and_others_still_analysed() {
    let (code, report, stderr) = json(&[
        "does-not-exist.log",
        fixture("quirks.log").to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("does-not-exist.log: no such file or directory"),
        "{stderr}"
    );
    assert!(finding(&report, "auth-state-missing").is_some());
    assert_eq!(report["summary"]["inputs_unreadable"], 1);
    assert_eq!(report["summary"]["inputs"], 2);
}

#[test]
fn binary_file_is_refused_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let bin_path = dir.path().join("netbox.bin");
    let mut bytes = b"\x7fELF\x02\x01\x01\0".to_vec();
    bytes.extend((0..10_000u32).map(|i| (i.wrapping_mul(2654435761) >> 24) as u8));
    std::fs::write(&bin_path, bytes).unwrap();
    let (code, report, stderr) = json(&[bin_path.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("netbox.bin: binary file"), "{stderr}");
    assert_eq!(report["summary"]["inputs_binary"], 1);
    assert_eq!(stderr.lines().filter(|l| l.contains("binary")).count(), 1);
}

#[test]
fn directory_is_read_recursively_including_gzip() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("pods/netbox")).unwrap();
    std::fs::copy(fixture("quirks.log"), dir.path().join("pods/netbox/a.log")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"2026-11-25T09:00:00Z Wrong state parameter given.\n")
        .unwrap();
    std::fs::write(dir.path().join("pods/old.log.1"), gz.finish().unwrap()).unwrap();
    let (code, report, _) = json(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        finding(&report, "auth-state-forbidden").is_some(),
        "{:?}",
        rules(&report)
    );
    assert!(finding(&report, "auth-state-missing").is_some());
    assert_eq!(report["summary"]["inputs"], 2);
}

#[test]
fn truncated_gzip_is_an_error_but_the_start_is_analysed() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..50_000 {
        text.push_str(&format!(
            "2026-11-25T09:00:00Z INFO request {i} ok, nothing to see\n"
        ));
        if i == 10 {
            text.push_str("2026-11-25T09:00:00Z AADSTS7000222: The provided client secret keys for app 'x' are expired.\n");
        }
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text.as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    let path = dir.path().join("netbox.log.gz");
    std::fs::write(&path, &gz[..gz.len() * 2 / 3]).unwrap();
    let (code, report, stderr) = json(&[path.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("netbox.log.gz: gzip data is truncated"),
        "{stderr}"
    );
    assert!(finding(&report, "aadsts7000222-client-secret-expired").is_some());
    assert!(report["summary"]["lines"].as_u64().unwrap() > 1000);
}

#[test]
fn a_64_mib_line_works() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.log");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(f, "2026-11-25T09:00:00Z INFO before").unwrap();
    write!(f, "2026-11-25T09:00:01Z DEBUG payload ").unwrap();
    let chunk = "x".repeat(1 << 20);
    for _ in 0..64 {
        f.write_all(chunk.as_bytes()).unwrap();
    }
    writeln!(f, " AADSTS50011: The redirect URI 'http://netbox.example.com/oauth/complete/azuread-oauth2/' specified in the request does not match").unwrap();
    writeln!(
        f,
        "2026-11-25T09:00:02Z social_core.exceptions.AuthStateMissing: Session value state missing."
    )
    .unwrap();
    drop(f);
    let (code, report, _) = json(&[path.to_str().unwrap()]);
    assert_eq!(code, 1);
    let f = finding(&report, "aadsts50011-redirect-uri-mismatch")
        .expect("found at the end of a 64 MiB line");
    assert_eq!(f["evidence"][0]["line"], 2);
    assert!(
        f["evidence"][0]["text"].as_str().unwrap().len() < 10_000,
        "evidence is cut"
    );
    assert_eq!(
        finding(&report, "auth-state-missing").unwrap()["evidence"][0]["line"],
        3
    );
    assert_eq!(report["summary"]["lines"], 3);
}

/// Runs the binary with its stdout closed at once (like `| head -0`), feeding `stdin` (if any)
/// 20,000 times; returns the exit code and stderr.
fn run_with_closed_stdout(
    args: &[&str],
    stdin_line: Option<&'static str>,
) -> (Option<i32>, String) {
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("sso-triage"))
        .args(args)
        .current_dir(root())
        .stdin(if stdin_line.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let writer = child.stdin.take().map(|mut stdin| {
        std::thread::spawn(move || {
            for _ in 0..20_000 {
                if stdin
                    .write_all(stdin_line.unwrap_or_default().as_bytes())
                    .is_err()
                {
                    break;
                }
            }
        })
    });
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    if let Some(w) = writer {
        w.join().unwrap();
    }
    (status.code(), stderr)
}

/// See: issue 15. `sso-triage /etc 2>&1 | head -1` panicked on the closed pipe: messages on
/// stderr (a binary file skipped, the summary line) met a closed stderr.
#[test]
fn closed_stderr_and_stdout_do_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.bin"),
        [0u8, 1, 2, 3, 0xff, 0, 0, 7].repeat(64),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("netbox.log"),
        "2026-11-20T09:00:00Z AADSTS50011: The redirect URI 'http://x/' specified\n",
    )
    .unwrap();
    for closed_out in [false, true] {
        let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("sso-triage"))
            .arg(dir.path())
            .stdin(Stdio::null())
            .stdout(if closed_out {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert!(
            matches!(status.code(), Some(0..=2)),
            "closed stdout {closed_out}: {status:?}"
        );
    }
}

#[test]
fn closed_stdout_ends_quietly() {
    let line = "2026-11-25T09:00:00Z social_core.exceptions.AuthStateMissing: Session value state missing.\n";
    let (code, stderr) = run_with_closed_stdout(&["scan", "-o", "jsonl", "-"], Some(line));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        !stderr.contains("Broken pipe") && !stderr.contains("panicked"),
        "{stderr}"
    );
}

// ---- secrets ----

#[test]
fn secrets_never_reach_any_output() {
    let secrets = [
        "0.AXoAFAKEauthCODEvalueFAKEauthCODEvalue123456789",
        "QzT8pL2mN5vB7xC1kJ4hG6fD9sA3wE0r",
        "Zq18Q~FAKEfakeFAKEfakeFAKEfakeFAKEfake99",
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9",
        "k3j4h5g6f7d8s9a0FAKE",
        "AbCdEf123456789FAKE",
    ];
    let path = fixture("secrets.log");
    for format in ["table", "json", "jsonl", "markdown", "html"] {
        let r = run(&[
            "scan",
            "-o",
            format,
            "--width",
            "200",
            path.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        for s in secrets {
            assert!(!r.stdout.contains(s), "{format} leaked {s}");
            assert!(!r.stderr.contains(s), "{format} leaked {s} on stderr");
        }
        // Masks read `<KIND#N>`; HTML escapes the angle brackets like any other text.
        assert!(
            r.stdout.contains("<token#1>") || r.stdout.contains("&lt;token#1&gt;"),
            "{format}: {}",
            r.stdout
        );
        assert!(
            !r.stdout.contains("redacted:")
                && !r.stdout.contains('\u{1}')
                && !r.stdout.contains("\\u0001"),
            "{format}: internal mask shown"
        );
    }
    // The same code gets the same placeholder in the evidence and in its flow's keys.
    let (_, report, _) = json(&[path.to_str().unwrap()]);
    let keys = report["flows"][0]["keys"].to_string();
    assert!(keys.contains("code:<code#1>"), "{keys}");
    assert!(keys.contains("state:<state#1>"), "{keys}");
    let token_body = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["evidence"].as_array().unwrap())
        .map(|e| e["text"].as_str().unwrap())
        .find(|t| t.contains("grant_type"))
        .expect("token request body in the evidence");
    assert!(token_body.contains("&code=<code#1>&"), "{token_body}");
    assert!(
        token_body.contains("client_secret=<secret#1>"),
        "{token_body}"
    );
    let r = run(&[
        "scan",
        "-o",
        "json",
        "--show-secrets",
        path.to_str().unwrap(),
    ]);
    assert!(r.stdout.contains(secrets[2]), "--show-secrets shows them");
}

// ---- catalog ----

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

// ---- CLI behaviour cases: tests/cases/*.toml ----

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

// ---- generated traffic ----

#[allow(dead_code, clippy::all)]
#[path = "../tools/src/genlog.rs"]
mod genlog;

#[test]
fn a_day_of_healthy_generated_traffic_reports_nothing_at_warning() {
    let mut log = Vec::new();
    genlog::generate(7, 8 << 20, 0.0, &mut log).unwrap();
    let out = bin()
        .args(["-o", "json", "--fail-on", "warning"])
        .write_stdin(log)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let loud: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "info")
        .collect();
    assert!(loud.is_empty(), "{loud:#?}");
    assert_eq!(out.status.code(), Some(0));
    assert!(report["summary"]["lines"].as_u64().unwrap() > 20_000);
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

#[test]
fn login_flows_are_reconstructed_per_user() {
    let (code, report, _) = json(&[fixture("flows.log").to_str().unwrap()]);
    assert_eq!(code, 1);
    let flows = report["flows"].as_array().unwrap();
    let outcome = |i: usize| {
        (
            flows[i]["outcome"].as_str().unwrap(),
            flows[i]["stopped_at"].as_str().unwrap(),
        )
    };
    assert_eq!(flows.len(), 4, "{flows:#?}");
    // Two users behind one ingress address: same IP, different user agents.
    assert_eq!(flows[0]["client"]["address"], flows[1]["client"]["address"]);
    assert_eq!(outcome(0), ("succeeded", "done"));
    assert_eq!(outcome(1), ("failed", "callback"));
    assert_eq!(flows[1]["findings"][0], "sso-failed-redirect-to-login");
    assert_eq!(outcome(2), ("abandoned", "authorize"));
    assert_eq!(outcome(3), ("failed", "landing"));
    for (i, f) in flows.iter().enumerate() {
        assert_eq!(f["id"], format!("f{}", i + 1));
        assert!(
            f["started"]
                .as_str()
                .unwrap()
                .starts_with("2026-11-26T08:0")
        );
        for key in f["keys"].as_array().unwrap() {
            assert!(
                !key.as_str().unwrap().contains("FAKE"),
                "keys never show codes or states: {key}"
            );
        }
    }
    assert_eq!(
        finding(&report, "flow-no-callback").unwrap()["flows"],
        serde_json::json!(["f3"])
    );
    assert_eq!(
        finding(&report, "flow-bounced-to-login").unwrap()["flows"],
        serde_json::json!(["f4"])
    );
    assert!(
        finding(&report, "flow-bounced-to-login").unwrap()["evidence"][0]["text"]
            .as_str()
            .unwrap()
            .contains("/login/")
    );
    let table = run(&[
        "scan",
        "--color",
        "never",
        "--width",
        "160",
        fixture("flows.log").to_str().unwrap(),
    ]);
    assert!(
        table
            .stdout
            .contains("Login flows: 4 (1 succeeded, 2 failed, 1 abandoned, 0 incomplete)"),
        "{}",
        table.stdout
    );
}

#[test]
fn markdown_incident_report_is_complete_and_deterministic() {
    let args = [
        "scan",
        "-o",
        "markdown",
        "-j",
        "2",
        "samples",
        "tests/fixtures/flows.log",
    ];
    let a = run(&args);
    let b = run(&args);
    assert_eq!(a.code, 1);
    assert_eq!(a.stdout, b.stdout, "same input, same bytes");
    for section in [
        "# SSO incident report",
        "- Time window: ",
        "## Summary",
        "Most likely cause: **",
        "## Errors",
        "**Resolution:**",
        "## Timeline of login flows",
        "## Entra sign-in logs cross-reference",
        "## Evidence missing",
        "## Appendix: the configuration checklist",
    ] {
        assert!(a.stdout.contains(section), "missing {section}");
    }
    assert!(
        a.stdout.contains("| Correlation ID | `"),
        "Entra ids are listed"
    );
    assert!(!a.stdout.contains("FAKEfirstUSERcode"), "codes are masked");
}

#[test]
fn closed_stdout_ends_quietly_for_a_json_document_too() {
    // The document (over 300 KB) is larger than a pipe's buffer, so the write must fail.
    let (code, stderr) =
        run_with_closed_stdout(&["scan", "-o", "json", "samples", "tests/corpus"], None);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
}

#[test]
fn html_report_is_one_self_contained_file() {
    let r = run(&[
        "scan",
        "-o",
        "html",
        "samples",
        "tests/corpus/a-50011-internal-host-entra-page.html",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.starts_with("<!DOCTYPE html>"));
    assert!(r.stdout.trim_end().ends_with("</html>"));
    assert!(r.stdout.contains("<h2>Summary</h2>"));
    for forbidden in ["<script", "<link", "src=\"http", "<iframe"] {
        assert!(!r.stdout.contains(forbidden), "{forbidden}");
    }
    // Text from the input (here a pasted Entra HTML page) stays text.
    assert!(r.stdout.contains("&lt;"), "input markup is escaped");
}

#[test]
fn user_identities_are_kept_unless_asked_and_no_redact_warns() {
    let path = root().join("tests/corpus/b-group-not-found-verbose.log");
    let path = path.to_str().unwrap();
    let plain = run(&["scan", "-o", "json", path]);
    assert!(plain.stdout.contains('@'), "identities kept by default");
    let masked = run(&["scan", "-o", "json", "--redact-users", path]);
    assert!(masked.stdout.contains("<user#1>"), "{}", masked.stdout);
    let report: Value = serde_json::from_str(&masked.stdout).unwrap();
    for f in report["findings"].as_array().unwrap() {
        for e in f["evidence"].as_array().unwrap() {
            assert!(!e["text"].as_str().unwrap().contains('@'), "{e}");
        }
    }
    let loud = run(&[
        "scan",
        "--no-redact",
        "--color",
        "never",
        fixture("secrets.log").to_str().unwrap(),
    ]);
    assert!(
        loud.stdout.starts_with("WARNING: secrets are NOT masked"),
        "{}",
        loud.stdout
    );
    assert!(loud.stderr.contains("WARNING: secrets are NOT masked"));
    // Our own warning is not taken for input: its flags are shown as written.
    assert!(
        loud.stderr
            .contains("sso-triage: WARNING: secrets are NOT masked in this output (--show-secrets / --no-redact)."),
        "{}",
        loud.stderr
    );
    let json = run(&[
        "scan",
        "-o",
        "json",
        "--no-redact",
        fixture("secrets.log").to_str().unwrap(),
    ]);
    assert!(json.stdout.contains("\"secrets_shown\": true"));
}

// ---- login scenarios ----

/// `tests/scenarios/<name>/expect.toml`: what a scan of the scenario's `logs/` must report.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    about: String,
    /// Symptoms of the findings at warning or above, exactly.
    symptoms: Vec<String>,
    /// The flows in order.
    #[serde(default)]
    flow: Vec<ExpectFlow>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectFlow {
    outcome: String,
    stopped_at: String,
    /// Rule ids, exactly (any order).
    findings: Vec<String>,
}

#[test]
fn login_scenarios_give_the_expected_flows_and_symptoms() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("tests/scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expect.toml").is_file())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 9, "the scenario set is complete");
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let expect: Expect =
            toml::from_str(&std::fs::read_to_string(dir.join("expect.toml")).unwrap())
                .unwrap_or_else(|e| panic!("{name}/expect.toml: {e}"));
        assert!(!expect.about.is_empty());
        let (code, report, stderr) = json(&[dir.join("logs").to_str().unwrap()]);
        let mut fail = |what: String| failures.push(format!("{name}: {what}"));
        let mut symptoms: Vec<String> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] != "info")
            .map(|f| f["symptom"].as_str().unwrap().to_string())
            .collect();
        symptoms.sort();
        symptoms.dedup();
        let mut want = expect.symptoms.clone();
        want.sort();
        if symptoms != want {
            fail(format!(
                "symptoms {symptoms:?}, expected {want:?} (rules {:?})",
                rules(&report)
            ));
        }
        let want_code = if want.is_empty() { 0 } else { 1 };
        if code != want_code {
            fail(format!("exit {code}, expected {want_code}: {stderr}"));
        }
        let flows = report["flows"].as_array().unwrap();
        if flows.len() != expect.flow.len() {
            fail(format!(
                "{} flows, expected {}: {flows:#?}",
                flows.len(),
                expect.flow.len()
            ));
            continue;
        }
        for (i, (got, want)) in flows.iter().zip(&expect.flow).enumerate() {
            let mut findings: Vec<&str> = got["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            findings.sort();
            let mut want_findings: Vec<&str> = want.findings.iter().map(String::as_str).collect();
            want_findings.sort();
            let shape = (
                got["outcome"].as_str().unwrap(),
                got["stopped_at"].as_str().unwrap(),
                findings,
            );
            let expected = (
                want.outcome.as_str(),
                want.stopped_at.as_str(),
                want_findings,
            );
            if shape != expected {
                fail(format!(
                    "flow {} is {shape:?}, expected {expected:?}",
                    i + 1
                ));
            }
            // Each finding of the flow points back at it.
            let id = got["id"].as_str().unwrap();
            for rule in &expect.flow[i].findings {
                let linked = finding(&report, rule)
                    .is_some_and(|f| f["flows"].as_array().unwrap().iter().any(|v| v == id));
                if !linked {
                    fail(format!("finding {rule} does not list flow {id}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The incident report of two scenarios read together, byte for byte: any change to its
/// wording, order or masking shows up as a snapshot diff to review (`cargo insta review`,
/// or set INSTA_UPDATE=always and read the diff in git).
#[test]
fn markdown_report_snapshot() {
    let r = run(&[
        "scan",
        "-o",
        "markdown",
        "tests/scenarios/two-users-one-ingress/logs",
        "tests/scenarios/state-lost-other-pod/logs",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    insta::assert_snapshot!("incident_report", r.stdout);
}

/// See: issue 15. An Entra secret pasted as the client id: Entra's AADSTS700016 quotes it;
/// the evidence masked it, and the diagnosis printed it raw. Now neither shows it, in any
/// format, and the diagnosis says what it looks like.
#[test]
fn a_secret_pasted_as_the_client_id_is_described_not_shown() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "Xy3Q~Zq9fakeFAKEfakeFAKEfakeFAKEfake12345";
    let log = dir.path().join("netbox.log");
    std::fs::write(
        &log,
        format!(
            "2026-11-20T09:00:00Z ERROR AADSTS700016: Application with identifier '{secret}' was not found in the directory 'Contoso'.\n"
        ),
    )
    .unwrap();
    for format in ["table", "json", "jsonl", "markdown", "html"] {
        let r = run(&["scan", "-o", format, log.to_str().unwrap()]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(!r.stdout.contains("Zq9fake"), "{format}: {}", r.stdout);
        assert!(!r.stderr.contains("Zq9fake"), "{format}: {}", r.stderr);
    }
    let (_, report, _) = json(&[log.to_str().unwrap()]);
    let diagnosis = report["findings"][0]["diagnosis"].to_string();
    assert!(diagnosis.contains("client secret value"), "{diagnosis}");
}
