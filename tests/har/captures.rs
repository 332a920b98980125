//! Issue #15: gzip, broken captures named without their content, a closed stdout, and a
//! large generated capture counted with bounded flows.

use serde_json::Value;

use super::{SECRETS, finding, fixture, genhar, rules, run, scan};

#[test]
fn gzipped_har_is_a_har() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let plain = std::fs::read(fixture("consent-declined.har")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&plain).unwrap();
    let gz = gz.finish().unwrap();
    let expected = scan(&[fixture("consent-declined.har").to_str().unwrap()]);
    // By name, and by content whatever the name.
    for name in ["capture.har.gz", "capture.gz", "whatever.json.gz"] {
        let p = dir.path().join(name);
        std::fs::write(&p, &gz).unwrap();
        let r = scan(&[p.to_str().unwrap()]);
        assert_eq!(rules(&r), rules(&expected), "{name}");
        let steps = |r: &Value| -> Vec<(Value, Value)> {
            r["flows"][0]["steps"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| (s["step"].clone(), s["line"].clone()))
                .collect()
        };
        assert_eq!(steps(&r), steps(&expected), "{name}");
        assert_eq!(r["flows"][0]["outcome"], "failed");
        assert_eq!(r["summary"]["bytes"], plain.len() as u64, "{name}");
        // redact-har reads it too.
        let out = dir.path().join("safe.har");
        let (code, _, err) = run(&["redact-har", p.to_str().unwrap(), out.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        let copy = std::fs::read_to_string(&out).unwrap();
        for s in SECRETS {
            assert!(!copy.contains(s));
        }
    }
    // A gzip cut short: one line naming the file, and exit 2.
    let cut = dir.path().join("cut.har.gz");
    std::fs::write(&cut, &gz[..gz.len() / 2]).unwrap();
    let (code, _, err) = run(&["scan", cut.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.lines().any(|l| l.contains("cut.har.gz")), "{err}");
}

#[test]
fn broken_har_names_the_place_never_the_content() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], &str); 4] = [
        (
            "syntax.har",
            b"{\"log\": {\"entries\": [\n  {\"request\": {\"url\": \"https://h/?code=SeKrEtCoDe0123456789\"}},\n  {\"request\": SeKrEtCoDe0123456789}\n]}}",
            "JSON syntax error at line 3, column 15",
        ),
        (
            "type.har",
            b"{\"log\": {\"entries\": [{}, {\"response\": {\"status\": \"SeKrEtCoDe0123456789\"}}]}}",
            "entry 2 has a field of the wrong type at line 1, column",
        ),
        (
            "cut.har",
            b"{\"log\": {\"entries\": [{\"request\": {\"url\": \"SeKrEtCoDe0123456789",
            "the JSON ends early at line 1, column",
        ),
        (
            "entries.har",
            b"{\"log\": {\"entries\": \"SeKrEtCoDe0123456789\"}}",
            "log.entries is not an array (line 1, column",
        ),
    ];
    for (name, bytes, message) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        let out = dir.path().join("o.har");
        let mut runs = vec![vec!["scan", p.to_str().unwrap()]];
        // redact-har reads entries as plain JSON: a field of another type is still masked.
        if name != "type.har" {
            runs.push(vec![
                "redact-har",
                p.to_str().unwrap(),
                out.to_str().unwrap(),
            ]);
            runs.push(vec!["redact-har", p.to_str().unwrap(), "-"]);
        }
        for args in runs {
            let (code, _, err) = run(&args);
            assert_eq!(code, 2, "{args:?}");
            let line = err
                .lines()
                .find(|l| l.contains(name))
                .unwrap_or_else(|| panic!("{args:?}: {err}"));
            assert!(line.contains(message), "{args:?}: {line}");
            assert!(!err.contains("SeKrEt"), "{args:?} quotes the input: {err}");
        }
        assert!(!out.exists(), "no half copy left behind");
        assert!(
            std::fs::read_dir(dir.path()).unwrap().all(|e| !e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("partial")),
            "no partial file left"
        );
    }
}

#[test]
fn closed_stdout_ends_quietly() {
    use std::io::Read;
    use std::process::{Command as Std, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.har");
    let mut bytes = Vec::new();
    genhar::generate(&mut bytes, 3000, 7).unwrap();
    std::fs::write(&big, &bytes).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("sso-triage");
    for args in [
        vec!["redact-har", big.to_str().unwrap(), "-"],
        vec!["scan", "-o", "json", big.to_str().unwrap()],
    ] {
        let mut child = Std::new(&bin)
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut head = [0u8; 100];
        child.stdout.take().unwrap().read_exact(&mut head).unwrap();
        // The pipe is closed here, as `| head -c 100` would.
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(
            out.status.code() == Some(0) || out.status.code() == Some(1),
            "{args:?}: {:?} {err}",
            out.status
        );
    }
}

#[test]
fn a_long_capture_is_counted_with_bounded_flows() {
    let dir = tempfile::tempdir().unwrap();
    // Few failures (every one listed), then so many that the oldest are counted, not held.
    for (logins, refuse, lose) in [(3000u64, 50u64, 70u64), (6000, 2, 3)] {
        let mut bytes = Vec::new();
        genhar::generate_with(&mut bytes, logins * 7, 3, refuse, lose).unwrap();
        let p = dir.path().join("long.har");
        std::fs::write(&p, &bytes).unwrap();
        let r = scan(&[p.to_str().unwrap()]);
        let refused = logins / refuse;
        let lost = (1..=logins)
            .filter(|l| l.is_multiple_of(lose) && !l.is_multiple_of(refuse))
            .count() as u64;
        assert_eq!(
            finding(&r, "aadsts50011-redirect-uri-mismatch")["count"],
            refused
        );
        assert_eq!(finding(&r, "har-session-cookie-lost")["count"], lost);
        let flows = r["flows"].as_array().unwrap();
        let listed = flows.len() as u64;
        let s = &r["summary"];
        let count = |k: &str| s[k].as_u64().unwrap_or(0);
        assert_eq!(
            listed
                + count("flows_unlisted")
                + count("failed_flows_unlisted")
                + count("abandoned_flows_unlisted"),
            logins,
            "every login is counted: {s}"
        );
        assert!(listed <= 4096, "flows held are bounded: {listed}");
        let failed = flows.iter().filter(|f| f["outcome"] == "failed").count() as u64;
        assert_eq!(
            failed + count("failed_flows_unlisted"),
            refused + lost,
            "{s}"
        );
        assert_eq!(count("abandoned_flows_unlisted"), 0, "{s}");
        // No secret of the generated capture in the report.
        let text = r.to_string();
        assert!(!text.contains("0.AXoA") && !text.contains("sessionid="));
    }
}
