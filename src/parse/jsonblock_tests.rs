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
    let (start, lead) = start_of(before(text, hit), b"", key).unwrap();
    assert_eq!(
        lead, None,
        "the line above `Request failed ... {{` is no lead-in"
    );
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

/// See: issue 17 (shapes). Python's pprint opens on its first member; a quote inside a
/// single-quoted string is no bracket; an apostrophe in prose opens no string.
#[test]
fn python_reprs_open_and_balance() {
    assert!(opens(b"{  'error': 'invalid_grant',"));
    assert!(opens(b"{"));
    assert!(opens(b"Response: ["));
    assert_eq!(depth_change(b"{'a': '}]', 'b': ["), 2);
    assert_eq!(depth_change(b"Couldn't fetch token: {"), 1);
    assert!(!opens(br#"{"level":"error","msg":"x"}"#));
    assert!(!opens(b"[2026-11-20 09:14:02 +0000] [25] [ERROR] x"));
    assert!(!is_bare_opener(b"[pod/netbox/x] {"));
}

/// See: issue 17 (shapes). Lines of another pod between the opener and the hit are stepped
/// over; a bare opener's lead-in line is found.
#[test]
fn interleaved_streams_and_lead_in() {
    let text = b"a ERROR Token request failed. Response:\na {\nb GET / 200\na   \"error\": \"invalid_client\",\n";
    let hit = text.windows(9).position(|w| w == b"a   \"erro").unwrap();
    let key = |raw: &[u8]| (raw[..1].to_vec(), raw[2..].to_vec());
    let (open, lead) = start_of(before(text, hit), b"a", key).unwrap();
    assert!(text[open..].starts_with(b"a {"));
    assert!(text[lead.unwrap()..].starts_with(b"a ERROR Token"));
}

/// A block ends at a line that is not inner JSON, even with brackets left open.
#[test]
fn non_inner_line_ends_an_open_block() {
    let mut block = JsonBlock::open([&b"{\"msg\": \"cut here"[..]]);
    assert!(block.is_open());
    assert!(!block.offer(b"2026-11-20 09:14:03 INFO next record"));
    assert!(block.offer(b"  \"more\": 1"));
    // What a paste left out does not end it.
    assert!(block.offer(b"..."));
    assert!(block.offer(b"[... 40 lines truncated ...]"));
    // Cut inside a string: lines go on as its rest, a bounded number of them.
    let mut cut = JsonBlock::open([&b"{\"msg\": \"cut here"[..]]);
    let taken = (0..100)
        .take_while(|_| cut.offer(b"Thanks, Tomasz"))
        .count();
    assert_eq!(taken, 32);
}

/// A value a terminal wrapped inside a string goes on on the next line, indented or not.
#[test]
fn a_string_cut_by_a_wrap_goes_on() {
    let mut block = JsonBlock::open([&b"Status 401 ({"[..]]);
    assert!(block.offer(b"  \"message\": \"<html><meta http-e"));
    assert!(block.offer(b"quiv=\"Content-Type\">\","));
    assert!(!block.offer(b"2019-09-27 08:08:46 INFO next"));
}
