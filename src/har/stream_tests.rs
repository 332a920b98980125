use super::*;

/// Collects entries as JSON values and counts members.
#[derive(Default)]
struct Collect {
    entries: Vec<serde_json::Value>,
    members: Vec<(Level, String)>,
}

impl Sink for Collect {
    type Entry = serde_json::Value;
    type Other = de::IgnoredAny;
    fn member(&mut self, level: Level, key: String, _: de::IgnoredAny) -> io::Result<()> {
        self.members.push((level, key));
        Ok(())
    }
    fn entry(&mut self, entry: serde_json::Value) -> io::Result<()> {
        self.entries.push(entry);
        Ok(())
    }
}

fn bad(input: &[u8]) -> String {
    match read(input, &mut Collect::default()) {
        Err(Failure::Bad(s)) => s,
        other => panic!("{other:?}"),
    }
}

#[test]
fn entries_and_members_in_order() {
    let mut c = Collect::default();
    let r = read(
        &b"\xef\xbb\xbf{\"x\": [1], \"log\": {\"version\": \"1.2\", \"entries\": [{\"a\": 1}, {}], \"pages\": []}}"[..],
        &mut c,
    )
    .expect("a HAR");
    assert_eq!(r.entries, 2);
    assert_eq!(c.entries.len(), 2);
    assert_eq!(
        c.members,
        vec![
            (Level::Top, "x".to_string()),
            (Level::Log, "version".to_string()),
            (Level::Log, "pages".to_string())
        ]
    );
}

#[test]
fn gzip_is_read() {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(br#"{"log": {"entries": [{}, {}, {}]}}"#)
        .expect("in memory");
    let bytes = gz.finish().expect("in memory");
    let r = read(&bytes[..], &mut Collect::default()).expect("a gzip HAR");
    assert!(r.gzip);
    assert_eq!(r.entries, 3);
    // Cut short: an error, not a panic, and what came before was handed over.
    let mut c = Collect::default();
    assert!(read(&bytes[..bytes.len() / 2], &mut c).is_err());
}

#[test]
fn errors_name_the_place_and_never_the_content() {
    let e =
        bad(b"{\"log\": {\"entries\": [{\"request\": \"SECRETVALUE\"}, {\"x\": SECRETVALUE}]}}");
    assert!(
        e.starts_with("not a valid HAR file: JSON syntax error at line 1, column "),
        "{e}"
    );
    assert!(!e.contains("SECRET"), "{e}");
    let e = bad(b"{\"log\": {\"entries\": \"SECRETVALUE\"}}");
    assert!(
        e.starts_with("not a HAR file: log.entries is not an array"),
        "{e}"
    );
    let e = bad(b"[\"SECRETVALUE\"]");
    assert!(e.contains("top level is not a JSON object"), "{e}");
    let e = bad(b"{\"log\": {\"entries\": [{\"request\"");
    assert!(e.contains("ends early at line 1"), "{e}");
    let e = bad(b"{\"log\": {}}");
    assert!(e.contains("no log.entries"), "{e}");
    let e = bad(b"{\"log\": {\"entries\": []}} SECRETVALUE");
    assert!(e.contains("syntax error"), "{e}");
    let e = bad(b"\n\n  {\"log\": {\"entries\": [{}, {}, ]}}");
    assert!(e.contains("line 3, column"), "{e}");
}
