use super::*;

#[test]
fn wanted_lines_are_read_cut_and_gzip_undone() {
    let dir = std::env::temp_dir().join(format!("sso-triage-context-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut text = String::new();
    for i in 1..=10 {
        text.push_str(&format!("line {i}\n"));
    }
    text.push_str(&"x".repeat(5000));
    text.push_str("\nline 12\n");
    let plain = dir.join("netbox.log");
    std::fs::write(&plain, &text).unwrap();
    let gz = dir.join("netbox.log.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut enc, text.as_bytes()).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let want: BTreeSet<u64> = [2, 3, 11, 12, 40].into_iter().collect();
    for path in [&plain, &gz] {
        let got = read_lines(path, &want).unwrap();
        assert_eq!(got[&2], "line 2");
        assert_eq!(got[&3], "line 3");
        assert_eq!(got[&11].len(), 5000, "read whole, cut after masking");
        assert_eq!(
            got[&12], "line 12",
            "the line after a long one keeps its number"
        );
        assert!(!got.contains_key(&40));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_secret_on_a_long_context_line_is_masked_before_the_line_is_cut() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("netbox.log");
    let secret = "abC8Q~xyzXYZ0123456789abcdefghijklmnopqr";
    std::fs::write(
        &log,
        format!(
            "2026-11-25T09:00:00Z {} {secret}\n2026-11-25T09:00:01Z AADSTS7000222: The provided client secret keys for app 'x' are expired.\n",
            "x".repeat(440)
        ),
    )
    .unwrap();
    let compiled = crate::app::build_catalog(&[]).unwrap();
    let collected = crate::app::scan_text(&compiled, &std::fs::read(&log).unwrap());
    let mut findings = collected.findings(&compiled);
    for f in &mut findings {
        for e in &mut f.evidence {
            e.source = Masking::default().show_line(&log.display().to_string());
        }
    }
    add_context(
        &mut findings,
        std::slice::from_ref(&log),
        1,
        Masking::default(),
    );
    let before: Vec<String> = findings
        .iter()
        .flat_map(|f| f.evidence.iter())
        .flat_map(|e| e.context_before.iter().map(|t| t.to_string()))
        .collect();
    assert!(!before.is_empty());
    for line in &before {
        assert!(!line.contains("abC8Q~xyz"), "{line}");
    }
    // A FIFO is never opened again.
    let fifo = dir.path().join("p");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        for f in &mut findings {
            for e in &mut f.evidence {
                e.source = Masking::default().show_line(&fifo.display().to_string());
                e.context_before.clear();
            }
        }
        // Would wait for a writer for ever if it were opened.
        add_context(&mut findings, &[fifo], 1, Masking::default());
        assert!(
            findings
                .iter()
                .flat_map(|f| f.evidence.iter())
                .all(|e| e.context_before.is_empty())
        );
    }
}
