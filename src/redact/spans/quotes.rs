//! Quotes around values and keys: the quote that opens at a position (plain, curly, escaped
//! in JSON or HTML), and where the value it opened closes.

/// The quotes a value or key may stand in, longest first: JSON escaped inside JSON, HTML
/// entities, JSON and nginx escapes.
const QUOTES: &[&[u8]] = &[
    b"\\\\\\\"",
    b"\\u0022",
    b"\\u0027",
    b"\\x22",
    b"\\x27",
    b"\\\"",
    b"\\'",
    b"&quot;",
    b"&#34;",
    b"&#39;",
    b"&#x27;",
    b"\"",
    b"'",
    b"`",
];

pub(super) fn quote_at(b: &[u8], i: usize) -> Option<&[u8]> {
    // Most bytes open no quote: one test before the lists (this runs after every word).
    if !matches!(b[i], b'"' | b'\'' | b'`' | b'\\' | b'&' | 0xe2 | 0xef) {
        return None;
    }
    // Python's triple quotes.
    if b[i..].starts_with(b"\"\"\"") || b[i..].starts_with(b"\'\'\'") {
        return Some(&b[i..i + 3]);
    }
    // JSON in JSON in JSON: any run of backslashes before a quote is one quote.
    if b[i] == b'\\' {
        let n = b[i..].iter().take_while(|c| **c == b'\\').count();
        if matches!(b.get(i + n), Some(b'"' | b'\'')) {
            return Some(&b[i..i + n + 1]);
        }
    }
    if let Some(q) = QUOTES.iter().copied().find(|q| b[i..].starts_with(q)) {
        return Some(q);
    }
    // Typographic and full-width quotes (a value pasted through a word processor or chat).
    for q in [
        "\u{2018}", "\u{2019}", "\u{201c}", "\u{201d}", "\u{ff02}", "\u{ff07}",
    ] {
        if b[i..].starts_with(q.as_bytes()) {
            return Some(&b[i..i + q.len()]);
        }
    }
    None
}

/// Where a value opened by quote `q` at `s` ends: the same quote not escaped by a
/// backslash, else the end of the line.
pub(super) fn closing(b: &[u8], s: usize, q: &[u8]) -> usize {
    // An opening curly quote closes with its pair.
    let pair: &[u8] = match q {
        b"\xe2\x80\x98" => "\u{2019}".as_bytes(),
        b"\xe2\x80\x9c" => "\u{201d}".as_bytes(),
        other => other,
    };
    let q = pair;
    let mut i = s;
    while let Some(p) = memchr::memchr2(q[0], b'\n', &b[i..]) {
        let at = i + p;
        if b[at] == b'\n' && q[0] != b'\n' {
            return at;
        }
        // For a plain quote, a backslash before it escapes it (an odd number of them).
        let escaped =
            q.len() == 1 && b[s..at].iter().rev().take_while(|c| **c == b'\\').count() % 2 == 1;
        // A doubled quote inside a value is one quote (CSV, SQL: `"a""b"`).
        if q.len() == 1 && b.get(at + 1) == Some(&q[0]) {
            i = at + 2;
            continue;
        }
        if b[at..].starts_with(q) && !escaped {
            return at;
        }
        i = at + 1;
    }
    b.len()
}
