//! Views of a text that hide a secret from a plain scan (percent-encoded, backslash-
//! escaped, split by invisible characters), scanned and mapped back to the text's offsets.

use super::{Span, find_all};

/// Characters that show nothing (or a replacement mark) and may stand inside a token.
pub(super) fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{34f}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2060}'..='\u{2064}'
            | '\u{feff}'
            | '\u{fffd}'
    )
}

/// `text` without its invisible characters, and for each byte left its offset in `text`;
/// `None` when it has none (nearly always: one byte check first).
pub(super) fn fold_invisible(text: &str) -> Option<(Vec<u8>, Vec<u32>)> {
    if text.is_ascii() || !text.chars().any(invisible) {
        return None;
    }
    let mut out = Vec::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        if invisible(c) {
            continue;
        }
        let mut buf = [0u8; 4];
        for (k, byte) in c.encode_utf8(&mut buf).bytes().enumerate() {
            out.push(byte);
            map.push((at + k) as u32);
        }
    }
    Some((out, map))
}

/// `b` with `\uXXXX`, `\xHH`, `&#N;` and `&#xH;` escapes of ASCII characters undone, and
/// for each byte its offset in `b`; `None` when it holds none.
pub(super) fn unescape_view(b: &[u8]) -> Option<(Vec<u8>, Vec<u32>)> {
    let hex = |s: &[u8]| -> Option<u32> {
        std::str::from_utf8(s)
            .ok()
            .and_then(|t| u32::from_str_radix(t, 16).ok())
    };
    let escape_at = |i: usize| -> Option<(u8, usize)> {
        let rest = &b[i..];
        let (value, len) = if rest.starts_with(b"\\u") && rest.len() >= 6 {
            (hex(&rest[2..6])?, 6)
        } else if rest.starts_with(b"\\x") && rest.len() >= 4 {
            (hex(&rest[2..4])?, 4)
        } else if rest.starts_with(b"&#x") || rest.starts_with(b"&#X") {
            let end = rest.iter().take(10).position(|c| *c == b';')?;
            (hex(&rest[3..end])?, end + 1)
        } else if rest.starts_with(b"&#") {
            let end = rest.iter().take(10).position(|c| *c == b';')?;
            (
                std::str::from_utf8(&rest[2..end]).ok()?.parse().ok()?,
                end + 1,
            )
        } else {
            return None;
        };
        // Only printable ASCII: anything else stays as written.
        u8::try_from(value)
            .ok()
            .filter(|c| c.is_ascii_graphic() || *c == b' ')
            .map(|c| (c, len))
    };
    let first = memchr::memchr2_iter(b'\\', b'&', b).find(|&i| escape_at(i).is_some())?;
    let mut out = Vec::with_capacity(b.len());
    let mut map = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..first]);
    map.extend(0..first as u32);
    let mut i = first;
    while i < b.len() {
        if matches!(b[i], b'\\' | b'&')
            && let Some((c, len)) = escape_at(i)
        {
            out.push(c);
            map.push(i as u32);
            i += len;
        } else {
            out.push(b[i]);
            map.push(i as u32);
            i += 1;
        }
    }
    Some((out, map))
}

pub(super) fn has_escape(b: &[u8]) -> bool {
    memchr::memchr_iter(b'%', b)
        .any(|i| b.len() > i + 2 && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit())
}

/// `b` with `%XX` escapes decoded, and for each decoded byte the offset in `b` it came from.
/// `%26` stays as written: an `&` escaped was part of a value (`client_secret=a%26b`), and
/// read decoded it would end the value where a query's parameter ends.
pub(super) fn percent_decode(b: &[u8]) -> (Vec<u8>, Vec<u32>) {
    let mut out = Vec::with_capacity(b.len());
    let mut map = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && b[i + 1].is_ascii_hexdigit()
            && b[i + 2].is_ascii_hexdigit()
            && !(b[i + 1] == b'2' && b[i + 2] == b'6')
        {
            let hex = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
            out.push(hex(b[i + 1]) * 16 + hex(b[i + 2]));
            map.push(i as u32);
            i += 3;
        } else {
            out.push(b[i]);
            map.push(i as u32);
            i += 1;
        }
    }
    (out, map)
}

/// The spans of a view of a text (`view`, whose bytes came from the offsets in `map` of a
/// text `len` long), as spans of that text.
pub(super) fn view_spans(view: &[u8], map: &[u32], len: usize, depth: u8, out: &mut Vec<Span>) {
    let mut found = Vec::new();
    find_all(view, &mut found, depth);
    map_back(found, map, len, out);
}

/// `found`, spans of a view, moved onto the text the view was made from.
pub(super) fn map_back(found: Vec<Span>, map: &[u32], len: usize, out: &mut Vec<Span>) {
    out.extend(found.into_iter().map(|s| Span {
        start: map_start(map, s.start),
        end: map_end(map, s.end, len),
        kind: s.kind,
    }));
}

pub(super) fn map_start(map: &[u32], at: usize) -> usize {
    map.get(at).map_or(usize::MAX, |&p| p as usize)
}

pub(super) fn map_end(map: &[u32], at: usize, len: usize) -> usize {
    map.get(at).map_or(len, |&p| p as usize)
}

/// `b` without its terminal escape sequences (`ESC [ 1;32 m`, `ESC ] ... BEL`), and for each
/// byte left its offset in `b`; `None` when it holds no escape. A coloured key
/// (`ESC[32mclient_secret ESC[0m=X`) is a key like any other once its colours are gone.
pub(super) fn strip_ansi(b: &[u8]) -> Option<(Vec<u8>, Vec<u32>)> {
    memchr::memchr(0x1b, b)?;
    let mut out = Vec::with_capacity(b.len());
    let mut map = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == 0x1b {
            match b.get(i + 1) {
                // CSI: parameters and intermediates, then one final byte.
                Some(b'[') => {
                    let mut j = i + 2;
                    while j < b.len() && j - i < 32 && (0x20..0x40).contains(&b[j]) {
                        j += 1;
                    }
                    if j < b.len() && (0x40..0x7f).contains(&b[j]) {
                        i = j + 1;
                        continue;
                    }
                }
                // OSC: to BEL or ESC \.
                Some(b']') => {
                    let mut j = i + 2;
                    while j < b.len() && j - i < 256 && !matches!(b[j], 0x07 | 0x1b | b'\n') {
                        j += 1;
                    }
                    if b.get(j) == Some(&0x07) {
                        i = j + 1;
                        continue;
                    }
                    if b.get(j) == Some(&0x1b) && b.get(j + 1) == Some(&b'\\') {
                        i = j + 2;
                        continue;
                    }
                }
                _ => {}
            }
            // A lone escape is dropped all the same.
            i += 1;
            continue;
        }
        out.push(b[i]);
        map.push(i as u32);
        i += 1;
    }
    Some((out, map))
}

/// One layer of the encodings a value is repeated in, undone: `%XX` and a form's `+`,
/// JSON's and C's escapes (`\/`, `\"`, `\\`, `\u002F`, `\x2f`), HTML's entities (`&amp;`,
/// `&quot;`, `&#x2F;`, `&#47;`). For each byte, its offset in `b`.
fn decode_layer(b: &[u8]) -> (Vec<u8>, Vec<u32>) {
    let hex = |s: &[u8]| -> Option<u32> {
        std::str::from_utf8(s)
            .ok()
            .and_then(|t| u32::from_str_radix(t, 16).ok())
    };
    let mut out = Vec::with_capacity(b.len());
    let mut map = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        let decoded: Option<(u32, usize)> = match rest[0] {
            b'%' if rest.len() >= 3
                && rest[1].is_ascii_hexdigit()
                && rest[2].is_ascii_hexdigit() =>
            {
                hex(&rest[1..3]).map(|v| (v, 3))
            }
            b'+' => Some((u32::from(b' '), 1)),
            b'\\' => match rest.get(1) {
                Some(b'u') if rest.len() >= 6 => hex(&rest[2..6]).map(|v| (v, 6)),
                Some(b'x') if rest.len() >= 4 => hex(&rest[2..4]).map(|v| (v, 4)),
                Some(c @ (b'/' | b'"' | b'\'' | b'\\')) => Some((u32::from(*c), 2)),
                _ => None,
            },
            b'&' => {
                let end = rest.iter().take(10).position(|c| *c == b';');
                end.and_then(|end| {
                    let name = &rest[1..end];
                    let v = match name {
                        b"amp" => Some(u32::from(b'&')),
                        b"quot" => Some(u32::from(b'"')),
                        b"apos" => Some(u32::from(b'\'')),
                        b"lt" => Some(u32::from(b'<')),
                        b"gt" => Some(u32::from(b'>')),
                        b"sol" => Some(u32::from(b'/')),
                        b"equals" => Some(u32::from(b'=')),
                        [b'#', b'x' | b'X', h @ ..] => hex(h),
                        [b'#', d @ ..] => std::str::from_utf8(d).ok().and_then(|d| d.parse().ok()),
                        _ => None,
                    };
                    v.map(|v| (v, end + 1))
                })
            }
            _ => None,
        };
        // Only ASCII comes out of an escape: anything else stays as written.
        match decoded.and_then(|(v, n)| u8::try_from(v).ok().filter(u8::is_ascii).map(|c| (c, n))) {
            Some((c, n)) => {
                out.push(c);
                map.push(i as u32);
                i += n;
            }
            None => {
                out.push(b[i]);
                map.push(i as u32);
                i += 1;
            }
        }
    }
    (out, map)
}

/// True when `b` may hold an escape [`decode_layer`] undoes.
fn may_be_encoded(b: &[u8]) -> bool {
    memchr::memchr3(b'%', b'\\', b'&', b).is_some() || memchr::memchr(b'+', b).is_some()
}

/// `b` with two layers of encoding undone (`%253D`, `&amp;#x2F;`), and for each byte its
/// offset in `b`; `None` when there is nothing to undo.
pub(super) fn decoded_view(b: &[u8]) -> Option<(Vec<u8>, Vec<u32>)> {
    if !may_be_encoded(b) {
        return None;
    }
    let (once, map1) = decode_layer(b);
    if !may_be_encoded(&once) {
        return Some((once, map1));
    }
    let (twice, map2) = decode_layer(&once);
    let map = map2.iter().map(|&p| map1[p as usize]).collect();
    Some((twice, map))
}
