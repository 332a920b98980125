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
        assert_eq!(got[&11].chars().count(), MAX_CONTEXT_CHARS);
        assert_eq!(
            got[&12], "line 12",
            "the line after a long one keeps its number"
        );
        assert!(!got.contains_key(&40));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
