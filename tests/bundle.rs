//! Integration tests for support bundles: each builds a bundle (tar, tar.gz or folder) from the
//! member logs in `tests/fixtures/bundle/`, runs the built `sso-triage` binary on it and
//! checks the JSON report, the stderr lines and the exit status.

#![allow(clippy::unwrap_used)] // a failing test should panic with the value it got

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

#[path = "support/schema.rs"]
mod schema;

const ROOT: &str = "support-bundle-2026-11-27T10_15_02";
const POD_A: &str = "netbox-7d9f8c6b5-x2kqp";
const POD_B: &str = "netbox-7d9f8c6b5-h7wz4";
const INGRESS: &str = "ingress-nginx-controller-5b6d8f7c9-qq8tz";

struct Run {
    code: i32,
    report: Value,
    stderr: String,
}

fn scan(path: &Path) -> Run {
    let out = Command::cargo_bin("sso-triage")
        .expect("binary is built")
        .env("COLUMNS", "120")
        .args(["scan", "-o", "json"])
        .arg(path)
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let report = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {stdout}\nstderr: {stderr}"));
    schema::check_report(&report);
    Run {
        code: out.status.code().expect("exited"),
        report,
        stderr,
    }
}

fn fixture(name: &str) -> Vec<u8> {
    fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/bundle")
            .join(name),
    )
    .unwrap()
}

fn pod_log(namespace: &str, pod: &str, file: &str) -> String {
    format!("{ROOT}/cluster-resources/pods/logs/{namespace}/{pod}/{file}")
}

/// Two NetBox pods (one with a previous container's log), an ingress-nginx pod, a custom
/// collector's log, an empty init container log and files that are not logs.
fn members() -> Vec<(String, Vec<u8>)> {
    vec![
        (
            format!("{ROOT}/cluster-resources/deployments/kotsadm.json"),
            b"{\"kind\":\"DeploymentList\",\"items\":[]}\n".to_vec(),
        ),
        (
            format!("{ROOT}/cluster-resources/pods/kotsadm.json"),
            b"{\"kind\":\"PodList\",\"items\":[]}\n".to_vec(),
        ),
        (
            pod_log("ingress-nginx", INGRESS, "controller.log"),
            fixture("controller.log"),
        ),
        (
            pod_log("kotsadm", POD_B, "netbox.log"),
            fixture("netbox-healthy.log"),
        ),
        (pod_log("kotsadm", POD_A, "init-config.log"), Vec::new()),
        (
            pod_log("kotsadm", POD_A, "netbox-previous.log"),
            fixture("netbox-previous.log"),
        ),
        (
            pod_log("kotsadm", POD_A, "netbox.log"),
            fixture("netbox.log"),
        ),
        (
            format!("{ROOT}/host-collectors/system/hostos_info.json"),
            b"{\"name\":\"ubuntu\"}\n".to_vec(),
        ),
        (
            format!("{ROOT}/kotsadm/kotsadm-6b9d7c4f8-abcde/kotsadm.log"),
            fixture("kotsadm.log"),
        ),
        (format!("{ROOT}/version.yaml"), b"apiVersion: v1\n".to_vec()),
    ]
}

/// Files in [`members`] that are not logs, and the logs that hold lines.
const SKIPPED: u64 = 4;
const LOGS: u64 = 5;

fn header(size: usize) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    h.set_size(size as u64);
    h.set_mode(0o644);
    h.set_mtime(1_795_774_502);
    h.set_entry_type(tar::EntryType::Regular);
    h
}

fn tar_of(members: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let mut dir = tar::Header::new_gnu();
    dir.set_entry_type(tar::EntryType::Directory);
    dir.set_mode(0o755);
    dir.set_size(0);
    b.append_data(&mut dir, format!("{ROOT}/"), &[][..])
        .unwrap();
    for (path, data) in members {
        b.append_data(&mut header(data.len()), path, &data[..])
            .unwrap();
    }
    b.into_inner().unwrap()
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().unwrap()
}

fn finding<'a>(report: &'a Value, rule: &str) -> &'a Value {
    findings(report)
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no finding {rule} in {report:#}"))
}

fn has_source(f: &Value, source: &str) -> bool {
    f["sources"].as_array().unwrap().iter().any(|s| s == source)
}

#[test]
fn archive_pod_logs_carry_pod_and_container_and_non_logs_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("support-bundle.tar.gz");
    fs::write(&bundle, gz(&tar_of(&members()))).unwrap();
    let run = scan(&bundle);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let b = bundle.display().to_string();

    let expired = finding(&run.report, "aadsts7000222-client-secret-expired");
    assert!(
        has_source(expired, &format!("pod/{POD_A}/netbox")),
        "{expired:#}"
    );
    let ev = &expired["evidence"][0];
    assert_eq!(
        ev["source"],
        format!("{b}:cluster-resources/pods/logs/kotsadm/{POD_A}/netbox.log")
    );
    assert_eq!(ev["pod"], POD_A);
    assert_eq!(ev["container"], "netbox");
    assert_eq!(ev["time"], "2026-11-21T14:02:11.469Z");

    // The previous container's log: same container, its own input name.
    let invalid = finding(&run.report, "aadsts7000215-invalid-client-secret");
    assert!(has_source(invalid, &format!("pod/{POD_A}/netbox")));
    assert_eq!(
        invalid["evidence"][0]["source"],
        format!("{b}:cluster-resources/pods/logs/kotsadm/{POD_A}/netbox-previous.log")
    );

    let mismatch = finding(&run.report, "aadsts50011-redirect-uri-mismatch");
    assert!(has_source(mismatch, &format!("pod/{INGRESS}/controller")));

    // Non-log files are counted, never analysed; the empty log is counted too.
    let s = &run.report["summary"];
    assert_eq!(s["bundle_skipped"], SKIPPED);
    assert_eq!(s["empty_logs"], 1);
    assert_eq!(s["inputs"], LOGS);
    assert_eq!(s["inputs_unreadable"], 0);
    for f in findings(&run.report) {
        for e in f["evidence"].as_array().unwrap() {
            let src = e["source"].as_str().unwrap();
            assert!(src.ends_with(".log"), "{src}");
        }
    }
    assert!(
        run.stderr
            .contains("4 non-log file(s) in bundles skipped, 1 empty log(s) in bundles"),
        "{}",
        run.stderr
    );
}

/// The report with the input names taken out of it, to compare two forms of one bundle.
fn without_names(report: &Value, prefix: &str) -> String {
    let mut r = report.clone();
    r["inputs"] = Value::Null;
    r.to_string().replace(prefix, "")
}

#[test]
fn folder_and_plain_tar_give_the_same_report_as_the_archive() {
    let dir = tempfile::tempdir().unwrap();
    let members = members();
    let tgz = dir.path().join("support-bundle.tgz");
    fs::write(&tgz, gz(&tar_of(&members))).unwrap();
    // A plain tar under a name that says nothing: told by its content.
    let tar = dir.path().join("bundle.bin");
    fs::write(&tar, tar_of(&members)).unwrap();
    let folder = dir.path().join("extracted");
    for (path, data) in &members {
        let p = folder.join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, data).unwrap();
    }

    let archive = scan(&tgz);
    let plain = scan(&tar);
    // The folder holding the bundle root, as `tar xzf` leaves it.
    let extracted = scan(&folder);
    assert_eq!(archive.code, 1);
    assert_eq!(extracted.code, 1, "{}", extracted.stderr);
    let want = without_names(&archive.report, &format!("{}:", tgz.display()));
    assert_eq!(
        without_names(&plain.report, &format!("{}:", tar.display())),
        want
    );
    assert_eq!(
        without_names(
            &extracted.report,
            &format!("{}/", folder.join(ROOT).display())
        ),
        want
    );
}

/// `scan --count`'s totals, by name.
fn count(path: &Path) -> std::collections::BTreeMap<String, u64> {
    let out = Command::cargo_bin("sso-triage")
        .expect("binary is built")
        .args(["scan", "--count"])
        .arg(path)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let (k, v) = l.split_once(' ').expect("NAME VALUE");
            (k.to_string(), v.parse().expect("a number"))
        })
        .collect()
}

/// `scan --count` opens every input as `scan` does (one registry, `source::detect`): a
/// support bundle archive member by member, an extracted bundle, a HAR capture and a log
/// each count the lines, events and matches the full scan's summary reports.
#[test]
fn count_reads_every_kind_of_input_as_scan_does() {
    let dir = tempfile::tempdir().unwrap();
    let members = members();
    let tgz = dir.path().join("support-bundle.tgz");
    fs::write(&tgz, gz(&tar_of(&members))).unwrap();
    let folder = dir.path().join("extracted");
    for (path, data) in &members {
        let p = folder.join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, data).unwrap();
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let har = root.join("tests/fixtures/har/aadsts50011-http.har");
    let log = root.join("samples/client-secret-expired/netbox.log");
    for path in [&tgz, &folder, &har, &log] {
        let counted = count(path);
        let summary = &scan(path).report["summary"];
        for key in ["lines", "events", "matched_events", "matched_lines"] {
            assert_eq!(
                Some(counted[key]),
                summary[key].as_u64(),
                "{key} of {}",
                path.display()
            );
        }
        assert!(counted["matched_events"] > 0, "{}", path.display());
    }
}

/// Lines of text that compress poorly, so a cut in the gzip stream lands inside them.
fn noise(lines: usize) -> Vec<u8> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut out = Vec::new();
    for i in 0..lines {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        writeln!(
            out,
            "2026-11-21T14:{:02}:00.000000000Z worker {i} heartbeat {x:016x} {:016x}",
            i % 60,
            x.rotate_left(29)
        )
        .unwrap();
    }
    out
}

#[test]
fn a_truncated_archive_reports_the_cut_and_what_came_before() {
    let dir = tempfile::tempdir().unwrap();
    let members = vec![
        (
            pod_log("kotsadm", POD_A, "netbox.log"),
            fixture("netbox.log"),
        ),
        (pod_log("kotsadm", POD_A, "worker.log"), noise(40_000)),
        (
            pod_log("ingress-nginx", INGRESS, "controller.log"),
            fixture("controller.log"),
        ),
    ];
    let whole = gz(&tar_of(&members));
    let bundle = dir.path().join("support-bundle.tar.gz");
    fs::write(&bundle, &whole[..whole.len() / 2]).unwrap();
    let run = scan(&bundle);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("truncated"))
        .collect();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert!(
        errors[0].starts_with(&format!(
            "sso-triage: {}:cluster-resources/pods/logs/kotsadm/{POD_A}/worker.log: the archive is truncated",
            bundle.display()
        )),
        "{}",
        errors[0]
    );
    // The member before the cut is analysed; the one after it was never reached.
    finding(&run.report, "aadsts7000222-client-secret-expired");
    assert!(
        !findings(&run.report)
            .iter()
            .any(|f| f["rule"] == "aadsts50011-redirect-uri-mismatch")
    );
    let s = &run.report["summary"];
    assert_eq!(s["inputs"], 2);
    assert_eq!(s["inputs_unreadable"], 1);
    assert_eq!(s["problems"].as_array().unwrap().len(), 1);
}

#[test]
fn corrupt_binary_and_escaping_members_do_not_stop_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let garbled = format!("{ROOT}/netbox/garbled.log");
    let mut b = tar::Builder::new(Vec::new());
    let add = |b: &mut tar::Builder<Vec<u8>>, path: &str, data: &[u8]| {
        b.append_data(&mut header(data.len()), path, data).unwrap();
    };
    add(
        &mut b,
        &pod_log("kotsadm", POD_A, "netbox.log"),
        &fixture("netbox.log"),
    );
    add(&mut b, &garbled, &fixture("netbox-healthy.log"));
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend((0..600u32).map(|i| (i * 7) as u8));
    add(&mut b, &pod_log("kotsadm", POD_B, "netbox.log"), &png);
    add(&mut b, &format!("{ROOT}/empty.log"), b"");
    // A path the builder refuses to write, set by hand.
    let evil = b"2026-11-21T14:02:11Z AADSTS7000222 from outside\n";
    let mut h = header(evil.len());
    h.as_gnu_mut().unwrap().name[..14].copy_from_slice(b"../../evil.log");
    h.set_cksum();
    b.append(&h, &evil[..]).unwrap();
    add(
        &mut b,
        &pod_log("ingress-nginx", INGRESS, "controller.log"),
        &fixture("controller.log"),
    );
    let mut bytes = b.into_inner().unwrap();
    // Break the checksum of the garbled member's header.
    let at = bytes
        .chunks(512)
        .position(|block| block.starts_with(garbled.as_bytes()))
        .unwrap()
        * 512;
    bytes[at + 148..at + 156].copy_from_slice(b"0000001\0");
    let bundle = dir.path().join("bundle.tar");
    fs::write(&bundle, &bytes).unwrap();

    let run = scan(&bundle);
    assert_eq!(run.code, 2, "{}", run.stderr);
    finding(&run.report, "aadsts7000222-client-secret-expired");
    let mismatch = finding(&run.report, "aadsts50011-redirect-uri-mismatch");
    assert!(has_source(mismatch, &format!("pod/{INGRESS}/controller")));
    let b = bundle.display().to_string();
    let line = |what: &str| {
        let hits: Vec<&str> = run.stderr.lines().filter(|l| l.contains(what)).collect();
        assert_eq!(hits.len(), 1, "{what}: {}", run.stderr);
        hits[0].to_string()
    };
    assert!(
        line("corrupt tar header").starts_with(&format!("sso-triage: {b}:netbox/garbled.log: "))
    );
    assert!(line("leaves the bundle").starts_with(&format!("sso-triage: {b}:../../evil.log: ")));
    // A binary member is passed over with a note naming it, counted, and is no error of
    // its own: the run exits 2 for the corrupt and the escaping members (issue 18).
    assert!(line("binary file (").starts_with(&format!(
        "sso-triage: note: {b}:cluster-resources/pods/logs/kotsadm/{POD_B}/netbox.log: "
    )));
    assert!(
        line("1 binary file(s) in folders or archives skipped").contains("2 input(s) unreadable")
    );
    // Nothing from the escaping member was analysed.
    assert!(!run.report.to_string().contains("from outside"));
    let s = &run.report["summary"];
    assert_eq!(s["inputs_unreadable"], 2);
    assert_eq!(s["inputs_binary"], 1);
    assert_eq!(s["empty_logs"], 1);
    assert_eq!(s["problems"].as_array().unwrap().len(), 2);
}

#[test]
fn a_pod_log_linked_from_cluster_resources_keeps_its_pod() {
    // troubleshoot saves a pod's log under its collector's folder and links it from
    // cluster-resources/pods/logs/; the link is passed over and the file it names is read.
    let dir = tempfile::tempdir().unwrap();
    let link = pod_log("kotsadm", POD_A, "netbox.log");
    let target = format!("{ROOT}/netbox/{POD_A}/netbox.log");
    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Symlink);
    h.set_size(0);
    h.set_mode(0o777);
    b.append_link(
        &mut h,
        &link,
        format!("../../../../../netbox/{POD_A}/netbox.log"),
    )
    .unwrap();
    let data = fixture("netbox.log");
    b.append_data(&mut header(data.len()), &target, &data[..])
        .unwrap();
    let bundle = dir.path().join("linked.tar");
    fs::write(&bundle, b.into_inner().unwrap()).unwrap();

    let run = scan(&bundle);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let f = finding(&run.report, "aadsts7000222-client-secret-expired");
    assert!(has_source(f, &format!("pod/{POD_A}/netbox")), "{f:#}");
    assert_eq!(run.report["summary"]["bundle_skipped"], 1);
    assert_eq!(run.report["summary"]["inputs"], 1);

    #[cfg(unix)]
    {
        let folder = dir.path().join("linked");
        let t = folder.join(&target);
        fs::create_dir_all(t.parent().unwrap()).unwrap();
        fs::write(&t, &data).unwrap();
        let l = folder.join(&link);
        fs::create_dir_all(l.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(format!("../../../../../netbox/{POD_A}/netbox.log"), &l)
            .unwrap();
        let run = scan(&folder.join(ROOT));
        assert_eq!(run.code, 1, "{}", run.stderr);
        let f = finding(&run.report, "aadsts7000222-client-secret-expired");
        assert!(has_source(f, &format!("pod/{POD_A}/netbox")), "{f:#}");
        assert_eq!(run.report["summary"]["bundle_skipped"], 1);
        assert_eq!(run.report["summary"]["inputs"], 1);
    }
}

/// A bundle member that cannot be read (a path leaving the bundle) is merged as an empty
/// part, last: `--redact-users` must still mask the e-mail addresses the readable member put
/// in the findings' sources and diagnoses (they are masked when the report is made, as the
/// run asks, not as the last part did).
#[test]
fn an_unreadable_last_member_keeps_users_masked_in_sources_and_diagnoses() {
    let dir = tempfile::tempdir().unwrap();
    let line = b"2026-11-20T09:15:00.000000000Z Message: AADSTS700016: Application with identifier 'bob.smith@corp.example' was not found in the directory 'Fabrikam'.\n";
    let mut b = tar::Builder::new(Vec::new());
    let path = pod_log("kotsadm", "netbox-alice.nguyen@corp.example", "netbox.log");
    b.append_data(&mut header(line.len()), &path, &line[..])
        .unwrap();
    let evil = b"2026-11-21T14:02:11Z AADSTS7000222 from outside\n";
    let mut h = header(evil.len());
    h.as_gnu_mut().unwrap().name[..14].copy_from_slice(b"../../evil.log");
    h.set_cksum();
    b.append(&h, &evil[..]).unwrap();
    let bundle = dir.path().join("support-bundle.tar");
    fs::write(&bundle, b.into_inner().unwrap()).unwrap();
    for format in ["json", "markdown", "table"] {
        let out = Command::cargo_bin("sso-triage")
            .expect("binary is built")
            .args(["scan", "--redact-users", "-o", format])
            .arg(&bundle)
            .output()
            .expect("runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("AADSTS700016"), "{format}: {stdout}");
        for user in ["alice.nguyen@corp.example", "bob.smith@corp.example"] {
            assert!(!stdout.contains(user), "{format} shows {user}: {stdout}");
        }
    }
}

/// The issue's own run: `tar czf b.tgz samples` then `sso-triage scan b.tgz`. Every text
/// member is read whatever its name, so the pasted Entra page `browser-error.txt` gives its
/// AADSTS50011 finding, and the tarball reports what the folder reports. See: issue 18.
#[test]
fn a_tarball_of_the_samples_reads_every_text_file_as_the_folder_does() {
    let dir = tempfile::tempdir().unwrap();
    let samples = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut b = tar::Builder::new(Vec::new());
    b.append_dir_all("samples", &samples).unwrap();
    let tgz = dir.path().join("b.tgz");
    fs::write(&tgz, gz(&b.into_inner().unwrap())).unwrap();

    let archive = scan(&tgz);
    assert_eq!(archive.code, 1, "{}", archive.stderr);
    let mismatch = finding(&archive.report, "aadsts50011-redirect-uri-mismatch");
    assert!(
        has_source(
            mismatch,
            &format!("{}:redirect-uri-mismatch/browser-error.txt", tgz.display())
        ),
        "{mismatch:#}"
    );
    assert_eq!(archive.report["summary"]["bundle_skipped"], 0);
    let folder = scan(&samples);
    assert_eq!(folder.code, 1, "{}", folder.stderr);
    assert_eq!(
        without_names(&archive.report, &format!("{}:", tgz.display())),
        without_names(&folder.report, &format!("{}/", samples.display()))
    );
}

/// In an archive, a binary member (an image, an executable, a zip, an archive inside the
/// archive) is passed over with one note naming it and counted, not an error: a healthy
/// bundle still exits 0. Hidden members (`.DS_Store`, macOS's `._` copies, `.git/`) are not
/// read, one note says so. `scan --count` does the same. See: issue 18.
#[test]
fn binary_and_hidden_members_are_passed_over_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let error =
        b"2026-11-21T14:02:11Z AADSTS7000222: The provided client secret keys are expired.\n";
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend((0..600u32).map(|i| (i * 7) as u8));
    let mut elf = b"\x7fELF\x02\x01\x01\0".to_vec();
    elf.extend((0..4_000u32).map(|i| (i.wrapping_mul(2654435761) >> 24) as u8));
    let inner = gz(&tar_of(&[("inner/netbox.log".to_string(), error.to_vec())]));
    let members = vec![
        ("logs/.DS_Store".to_string(), elf[..64].to_vec()),
        ("logs/._netbox.log".to_string(), error.to_vec()),
        ("logs/.git/COMMIT_EDITMSG".to_string(), error.to_vec()),
        ("logs/core".to_string(), elf),
        ("logs/inner.tar.gz".to_string(), inner),
        ("logs/netbox.txt".to_string(), fixture("netbox-healthy.log")),
        ("logs/screenshot.png".to_string(), png),
    ];
    let mut b = tar::Builder::new(Vec::new());
    for (path, data) in &members {
        b.append_data(&mut header(data.len()), path, &data[..])
            .unwrap();
    }
    let tgz = dir.path().join("collected.tgz");
    fs::write(&tgz, gz(&b.into_inner().unwrap())).unwrap();

    let run = scan(&tgz);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(findings(&run.report).is_empty(), "{:#}", run.report);
    let s = &run.report["summary"];
    assert_eq!(s["inputs"], 4);
    assert_eq!(s["inputs_binary"], 3);
    assert_eq!(s["inputs_unreadable"], 0);
    let t = tgz.display().to_string();
    let notes: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("sso-triage: note: "))
        .collect();
    assert_eq!(notes.len(), 4, "{}", run.stderr);
    assert!(
        notes[0].contains("3 hidden file(s) or folder(s) not read"),
        "{}",
        run.stderr
    );
    assert!(
        notes[0].ends_with(&format!("e.g. {t}:.DS_Store")),
        "{}",
        run.stderr
    );
    for (note, (member, why)) in notes[1..].iter().zip([
        ("core", "looks like an ELF executable"),
        ("inner.tar.gz", "looks like a tar archive"),
        ("screenshot.png", "looks like a PNG image"),
    ]) {
        assert!(
            note.starts_with(&format!(
                "sso-triage: note: {t}:{member}: binary file ({why}"
            )),
            "{note}"
        );
    }
    assert!(
        run.stderr
            .contains("3 binary file(s) in folders or archives skipped"),
        "{}",
        run.stderr
    );
    let counted = count(&tgz);
    assert_eq!(counted["lines"], s["lines"].as_u64().unwrap());
}

/// A support bundle keeps troubleshoot's layout rules: the JSON and YAML resources of
/// `cluster-resources/`, `host-collectors/` and the like, and `version.yaml` at the top,
/// are counted, not read. A file outside that layout is read whatever its name: here an
/// exec collector's `*-stdout.txt` holding the error. Archive and folder alike. See:
/// issue 18.
#[test]
fn bundle_resources_are_skipped_and_other_text_is_read_whatever_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let error = b"2026-11-21T14:02:11Z AADSTS7000222: The provided client secret keys for app '5b0e2c7a-3d41-4f6e-9a8b-2c7d1e0f4a93' are expired.\n";
    let members = vec![
        (
            format!("{ROOT}/cluster-info/cluster_version.json"),
            b"{\"info\":{\"major\":\"1\"}}\n".to_vec(),
        ),
        (
            format!("{ROOT}/cluster-resources/configmaps/kotsadm.json"),
            error.to_vec(),
        ),
        (
            format!("{ROOT}/host-collectors/run-host/journal.txt"),
            error.to_vec(),
        ),
        (
            format!("{ROOT}/netbox-exec/kotsadm/{POD_A}/netbox-exec-stdout.txt"),
            error.to_vec(),
        ),
        (format!("{ROOT}/version.yaml"), b"apiVersion: v1\n".to_vec()),
    ];
    let tgz = dir.path().join("support-bundle.tgz");
    fs::write(&tgz, gz(&tar_of(&members))).unwrap();
    let folder = dir.path().join("extracted");
    for (path, data) in &members {
        let p = folder.join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, data).unwrap();
    }
    for (run, prefix) in [
        (scan(&tgz), format!("{}:", tgz.display())),
        (scan(&folder), format!("{}/", folder.join(ROOT).display())),
    ] {
        assert_eq!(run.code, 1, "{}", run.stderr);
        let f = finding(&run.report, "aadsts7000222-client-secret-expired");
        assert_eq!(
            f["sources"],
            serde_json::json!([format!(
                "{prefix}netbox-exec/kotsadm/{POD_A}/netbox-exec-stdout.txt"
            )])
        );
        assert_eq!(run.report["summary"]["inputs"], 1);
        assert_eq!(run.report["summary"]["bundle_skipped"], 4);
    }
}
