use super::*;

/// The lines of `text` before offset `at` (a line start), nearest first, with their
/// offsets.
fn before(text: &[u8], at: usize) -> impl Iterator<Item = (usize, &[u8])> {
    let mut starts: Vec<usize> = std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', &text[..at]).map(|i| i + 1))
        .filter(|&s| s < at)
        .collect();
    starts.reverse();
    starts.into_iter().map(move |s| {
        let end = memchr::memchr(b'\n', &text[s..]).map_or(text.len(), |i| s + i);
        (s, &text[s..end])
    })
}

#[test]
fn depth_ignores_brackets_in_strings() {
    assert_eq!(depth_change(br#"{"a": "}]{", "b": ["#), 2);
    assert_eq!(depth_change(br#"  "x\"}": 1}"#), -1);
}

#[test]
fn finds_the_opening_line_and_closes_when_balanced() {
    let text = b"INFO before\nRequest failed with 400: {\n  \"error\": \"invalid_grant\",\n  \"error_codes\": [\n    54005\n  ],\n  \"trace_id\": \"x\"\n}\nINFO after\n";
    let hit = text.windows(7).position(|w| w == b"  \"erro").unwrap();
    let key = |raw: &[u8]| (Vec::new(), raw.to_vec());
    let start = start_of(before(text, hit), b"", key).unwrap();
    assert!(text[start..].starts_with(b"Request failed"));
    let lines: Vec<&[u8]> = text[start..].split(|&b| b == b'\n').collect();
    let mut block = JsonBlock::open([lines[0], lines[1]]);
    let mut taken = 2;
    for line in &lines[2..] {
        if !block.offer(line) {
            break;
        }
        taken += 1;
    }
    assert_eq!(taken, 7);
    assert!(block.text.ends_with(b"}"));
    assert!(!block.is_open());
}

#[test]
fn no_opening_line_means_no_block() {
    let text = b"plain\n  \"error\": \"x\"\n";
    let hit = 6;
    assert_eq!(
        start_of(before(text, hit), b"", |raw| (Vec::new(), raw.to_vec())),
        None
    );
}
