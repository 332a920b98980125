//! Input handling: stdin, big files read in ranges, invalid UTF-8, empty, missing and binary
//! files, folders (every text file read; binary and hidden ones passed over with a note) and
//! gzip, a 64 MiB line, and closed stdout or stderr.

use std::io::{Read, Write};
use std::process::{Command as StdCommand, Stdio};

use serde_json::Value;

use super::{bin, finding, fixture, json, root, rules, run};

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

#[test]
fn closed_stdout_ends_quietly_for_a_json_document_too() {
    // The document (over 300 KB) is larger than a pipe's buffer, so the write must fail.
    let (code, stderr) =
        run_with_closed_stdout(&["scan", "-o", "json", "samples", "tests/corpus"], None);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
}

/// A named pipe (what `<(kubectl logs ...)` gives) is read once, as a log: telling a file's
/// kind by its first bytes must not take them from a pipe (it lost the first 8 KiB) nor
/// wait on a FIFO whose writer is gone (it hung). `scan` and `scan --count` both.
#[test]
fn a_named_pipe_is_read_whole_and_once() {
    let text = std::fs::read(root().join("samples/client-secret-expired/netbox.log")).unwrap();
    let lines = text.iter().filter(|&&b| b == b'\n').count() as u64;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("netbox.fifo");
    let made = StdCommand::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    for args in [vec!["scan", "-q", "-o", "json"], vec!["scan", "--count"]] {
        let writer = {
            let (fifo, text) = (fifo.clone(), text.clone());
            std::thread::spawn(move || std::fs::write(fifo, text).unwrap())
        };
        let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("sso-triage"))
            .args(&args)
            .arg(&fifo)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{args:?} hangs on a FIFO"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        };
        writer.join().unwrap();
        assert!(matches!(status.code(), Some(0 | 1)), "{args:?}: {status:?}");
        let read = if args.contains(&"--count") {
            out.lines()
                .next()
                .unwrap()
                .trim_start_matches("lines ")
                .parse::<u64>()
                .unwrap()
        } else {
            let report: Value = serde_json::from_str(&out).unwrap();
            report["summary"]["lines"].as_u64().unwrap()
        };
        assert_eq!(read, lines, "{args:?} read every line of the pipe once");
    }
}

/// Entries of a walked folder that are neither files nor folders (here a broken link and a
/// link to a folder) are not read, and a note says so: nothing is dropped silently.
#[test]
fn a_folder_walk_says_what_it_did_not_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("samples/healthy/netbox.log"),
        dir.path().join("netbox.log"),
    )
    .unwrap();
    std::os::unix::fs::symlink("/nonexistent/netbox.log", dir.path().join("broken.log")).unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
    let r = run(&["scan", dir.path().to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("note: 2 folder entries not read: neither a file nor a folder"),
        "{}",
        r.stderr
    );
}

/// A file found in a walked folder is read whatever its name (a pasted page saved as `.txt`,
/// an `.out` capture, no extension at all): its content says whether it is text. A binary
/// one (an image, an executable, a zip) is passed over with one note naming it, counted in
/// the summary (`inputs_binary`, the summary line), and does not fail the run: exit 0 here,
/// as ripgrep's walk does. The same file named on the command line is an error (exit 2).
/// See: issue 18.
#[test]
fn binary_files_found_in_a_folder_are_noted_not_errors() {
    let dir = tempfile::tempdir().unwrap();
    let healthy = root().join("samples/healthy/netbox.log");
    std::fs::copy(&healthy, dir.path().join("netbox.out")).unwrap();
    std::fs::copy(&healthy, dir.path().join("netbox")).unwrap();
    let mut elf = b"\x7fELF\x02\x01\x01\0".to_vec();
    elf.extend((0..4_000u32).map(|i| (i.wrapping_mul(2654435761) >> 24) as u8));
    std::fs::write(dir.path().join("core"), &elf).unwrap();
    std::fs::copy(fixture("found/screenshot.png"), dir.path().join("shot.png")).unwrap();
    std::fs::write(dir.path().join("logs.zip"), b"PK\x03\x04\x14\0\0\0\x08\0").unwrap();
    let d = dir.path().to_str().unwrap();

    let (code, report, stderr) = json(&[d]);
    assert_eq!(code, 0, "{stderr}");
    let s = &report["summary"];
    assert_eq!(
        (s["inputs"].as_u64(), s["inputs_binary"].as_u64()),
        (Some(5), Some(3))
    );
    assert_eq!(s["inputs_unreadable"], 0);
    assert_eq!(s["problems"].as_array().unwrap().len(), 0);
    // Both text files were read, whatever their names.
    assert_eq!(
        s["lines"].as_u64(),
        Some(2 * std::fs::read_to_string(&healthy).unwrap().lines().count() as u64)
    );
    let notes: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("binary file ("))
        .collect();
    assert_eq!(
        notes,
        [
            format!(
                "sso-triage: note: {d}/core: binary file (looks like an ELF executable), not a log; skipped"
            ),
            format!(
                "sso-triage: note: {d}/logs.zip: binary file (looks like a zip archive), not a log; skipped"
            ),
            format!(
                "sso-triage: note: {d}/shot.png: binary file (looks like a PNG image), not a log; skipped"
            ),
        ]
    );
    assert!(
        stderr.contains("3 binary file(s) in folders or archives skipped"),
        "{stderr}"
    );

    // Named, the same file is an error, and fails the run even beside the folder.
    let core = dir.path().join("core");
    let (code, report, stderr) = json(&[d, core.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(report["summary"]["inputs_unreadable"], 1);
    assert_eq!(report["summary"]["inputs_binary"], 4);
    let core_lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("/core: binary"))
        .collect();
    assert_eq!(core_lines.len(), 2, "{stderr}");
    assert!(core_lines[0].starts_with("sso-triage: note: "), "{stderr}");
    assert!(
        core_lines[1].starts_with(&format!("sso-triage: {}: binary", core.display())),
        "{stderr}"
    );

    // `scan --count` reads a folder as `scan` does: notes, no failure.
    let r = run(&["scan", "--count", d]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr.matches("binary file (").count(), 3, "{}", r.stderr);
    assert!(
        !r.stderr
            .lines()
            .any(|l| l.contains("binary") && !l.contains("note:")),
        "{}",
        r.stderr
    );
}

/// Hidden files and folders (a name starting with `.`) are passed over in a walk, as
/// ripgrep does, and one note says how many and names the first; a hidden folder is not
/// walked. Named on the command line, a hidden file or folder is read. See: issue 18.
#[test]
fn hidden_entries_are_passed_over_in_a_walk_unless_named() {
    let dir = tempfile::tempdir().unwrap();
    let error = std::fs::read(fixture("found/.hidden-error.log")).unwrap();
    std::fs::copy(
        root().join("samples/healthy/netbox.log"),
        dir.path().join("netbox.log"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join(".git/logs")).unwrap();
    std::fs::write(dir.path().join(".git/COMMIT_EDITMSG"), &error).unwrap();
    std::fs::write(dir.path().join(".git/logs/HEAD"), &error).unwrap();
    std::fs::write(dir.path().join(".netbox.log.swp"), &error).unwrap();
    std::fs::create_dir_all(dir.path().join("pods")).unwrap();
    std::fs::write(dir.path().join("pods/._netbox.log"), &error).unwrap();
    let d = dir.path().to_str().unwrap();

    let (code, report, stderr) = json(&[d]);
    assert_eq!(code, 0, "{stderr}");
    assert!(finding(&report, "aadsts50011-redirect-uri-mismatch").is_none());
    assert_eq!(report["summary"]["inputs"], 1);
    let notes: Vec<&str> = stderr.lines().filter(|l| l.contains("hidden")).collect();
    assert_eq!(notes.len(), 1, "{stderr}");
    assert!(
        notes[0].starts_with(
            "sso-triage: note: 3 hidden file(s) or folder(s) not read: their names start with `.`"
        ) && notes[0].ends_with(&format!("e.g. {d}/.git")),
        "{stderr}"
    );

    // Named: the hidden folder is walked (what is hidden below it is still passed over),
    // the hidden file read.
    for named in [
        dir.path().join(".git"),
        dir.path().join("pods/._netbox.log"),
    ] {
        let (code, report, stderr) = json(&[named.to_str().unwrap()]);
        assert_eq!(code, 1, "{stderr}");
        assert!(finding(&report, "aadsts50011-redirect-uri-mismatch").is_some());
    }
    // A folder holding nothing but hidden entries has no log to read: an error naming it
    // (issue 18), and the note says why nothing was read.
    let only = dir.path().join(".git/logs");
    std::fs::rename(dir.path().join(".git/logs/HEAD"), only.join(".HEAD")).unwrap();
    let r = run(&["scan", only.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("no files to read in this folder"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("note: 1 hidden file(s) or folder(s) not read"),
        "{}",
        r.stderr
    );
}

/// The built binary as a std command, for a child process the test talks to.
fn child_bin() -> StdCommand {
    let mut cmd = StdCommand::new(assert_cmd::cargo::cargo_bin("sso-triage"));
    cmd.env_remove("NO_COLOR").env("COLUMNS", "120");
    cmd
}

/// Sends SIGINT to `pid`, as Ctrl-C in a terminal does.
/// Waits until a thread of `pid` sits in `read(0, ...)` twice in a row, 50 ms apart: with
/// bytes written to its stdin, that means it has taken them and waits for more. Where
/// `/proc/<pid>/task/*/syscall` cannot be read (another architecture, no permission), it
/// waits two seconds instead.
fn wait_reading_stdin(pid: u32) {
    // The number of `read` on this architecture; others fall back to the sleep.
    let read: Option<&str> = if cfg!(target_arch = "x86_64") {
        Some("0")
    } else if cfg!(target_arch = "aarch64") {
        Some("63")
    } else {
        None
    };
    let reading = |read: &str| {
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
            return None;
        };
        let mut seen = false;
        for task in tasks.flatten() {
            let call = std::fs::read_to_string(task.path().join("syscall")).ok()?;
            let mut fields = call.split_whitespace();
            if fields.next() == Some(read) && fields.next() == Some("0x0") {
                seen = true;
            }
        }
        Some(seen)
    };
    let started = std::time::Instant::now();
    let mut in_a_row = 0;
    while let Some(read) = read {
        match reading(read) {
            None => break,
            Some(true) => in_a_row += 1,
            Some(false) => in_a_row = 0,
        }
        if in_a_row == 2 || started.elapsed() > std::time::Duration::from_secs(30) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_secs(2));
}

/// Sends SIGINT to `pid` once the process has its handler installed (Linux shows the
/// caught signals in `/proc/<pid>/status`): a loaded machine may take longer than any fixed
/// sleep to get there, and SIGINT before that kills the process instead.
fn interrupt(pid: u32) {
    let started = std::time::Instant::now();
    let caught = || {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("SigCgt:"))
            .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
            .is_some_and(|mask| mask & (1 << (2 - 1)) != 0)
    };
    while !caught() && started.elapsed() < std::time::Duration::from_secs(30) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let status = StdCommand::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// Ctrl-C stops reading: the report of what was read still comes out, with a note of
/// where it stopped, and the exit status is 130, while the pipe feeding it is still open.
#[test]
fn ctrl_c_prints_the_report_of_what_was_read_and_exits_130() {
    let mut child = child_bin()
        .args(["scan", "--color", "never", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let line = "2026-11-25T09:00:00Z AADSTS7000222: The provided client secret keys for app 'x' are expired.\n";
    stdin.write_all(line.as_bytes()).unwrap();
    stdin.flush().unwrap();
    wait_reading_stdin(child.id());
    interrupt(child.id());
    std::thread::sleep(std::time::Duration::from_millis(200));
    // The reader wakes with the next bytes and stops there; the pipe stays open. (If the
    // reader saw the flag before it blocked, the run has ended and the pipe is closed.)
    let _ = stdin
        .write_all(line.as_bytes())
        .and_then(|()| stdin.flush());
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "still running after Ctrl-C"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    drop(stdin);
    let mut out = String::new();
    let mut err = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(
        out.starts_with("Most likely cause: Client secret of the Entra app has expired"),
        "{out}"
    );
    assert!(out.contains("interrupted (Ctrl-C) after "), "{out}");
    assert!(err.contains("interrupted (Ctrl-C)"), "{err}");
}

/// A second Ctrl-C ends the run at once, still with 130.
#[test]
fn a_second_ctrl_c_ends_the_run_at_once() {
    let mut child = child_bin()
        .args(["scan", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    interrupt(child.id());
    std::thread::sleep(std::time::Duration::from_millis(100));
    interrupt(child.id());
    let status = child.wait().unwrap();
    drop(stdin);
    assert_eq!(status.code(), Some(130));
}
