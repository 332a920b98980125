//! A decoded view of an event, for the shapes people paste: URL-encoded query strings
//! (`AADSTS50011%3a+The+redirect+URI+%27http%3a%2f%2f...`), JSON string escapes (`\"`,
//! `\r\n`, `\u0027`), and HTML error pages (tags, `&#39;`, `&quot;`). The matcher runs on the
//! raw text and on this view, so a rule needs only the plain form of a message.

use std::borrow::Cow;

/// The event with HTML, JSON-escape and URL encodings undone, or `None` when none applies.
pub fn view(text: &str) -> Option<String> {
    let mut out = Cow::Borrowed(text);
    if looks_html(&out) {
        out = Cow::Owned(html(&out));
    }
    if let (true, Cow::Owned(s)) = (out.contains('\\'), json_escapes(&out)) {
        out = Cow::Owned(s);
    }
    if has_percent_escape(&out) {
        out = Cow::Owned(url(&out));
    }
    match out {
        Cow::Owned(s) if s != text => Some(s),
        _ => None,
    }
}

fn looks_html(s: &str) -> bool {
    // Every sign below starts with `&` or `<`; most lines have neither.
    let b = s.as_bytes();
    if memchr::memchr2(b'&', b'<', b).is_none() {
        return false;
    }
    s.contains("&#")
        || s.contains("&quot;")
        || s.contains("&amp;")
        || s.contains("&lt;")
        || s.contains("&apos;")
        || (s.contains('<') && s.contains("</"))
}

fn has_percent_escape(s: &str) -> bool {
    let b = s.as_bytes();
    memchr::memchr_iter(b'%', b).any(|i| {
        b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
    })
}

/// Tags become spaces; the common entities and numeric references are decoded.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix('<') {
            match tail.find('>') {
                Some(end) if end < 2048 => {
                    out.push(' ');
                    rest = &tail[end + 1..];
                }
                _ => {
                    out.push('<');
                    rest = after;
                }
            }
            continue;
        }
        let end = tail.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| entity(&tail[1..e]));
        match (end, decoded) {
            (Some(e), Some(c)) => {
                out.push(c);
                rest = &tail[e + 1..];
            }
            _ => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    match name {
        "quot" => Some('"'),
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// JSON string escapes undone: `\"`, `\\`, `\/`, `\n`, `\r`, `\t`, `\uXXXX`. Borrowed when
/// there is none.
pub fn json_escapes(s: &str) -> Cow<'_, str> {
    if !s.contains('\\') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    let mut changed = false;
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some(e @ ('"' | '\\' | '/' | '\'')) => {
                chars.next();
                out.push(e);
                changed = true;
            }
            Some('n') => {
                chars.next();
                out.push('\n');
                changed = true;
            }
            Some('r') => {
                chars.next();
                out.push('\r');
                changed = true;
            }
            Some('t') => {
                chars.next();
                out.push('\t');
                changed = true;
            }
            Some('u') => {
                let hex: String = chars.clone().skip(1).take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(decoded) if hex.len() == 4 => {
                        for _ in 0..5 {
                            chars.next();
                        }
                        out.push(decoded);
                        changed = true;
                    }
                    _ => out.push('\\'),
                }
            }
            _ => out.push('\\'),
        }
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(s)
    }
}

/// Percent-decoding with `+` as a space, as Entra encodes `error_description`.
pub fn url(s: &str) -> String {
    let bytes = s.as_bytes();
    // Runs between escapes are copied whole: an authorization code is a kilobyte with
    // none in it.
    let Some(first) = memchr::memchr2(b'+', b'%', bytes) else {
        return s.to_string();
    };
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..first]);
    let mut i = first;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = |at: usize| bytes.get(at).and_then(|&b| (b as char).to_digit(16));
                match (hex(i + 1), hex(i + 2)) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            _ => {}
        }
        i += 1;
        let next = memchr::memchr2(b'+', b'%', &bytes[i..]).map_or(bytes.len(), |n| i + n);
        out.extend_from_slice(&bytes[i..next]);
        i = next;
    }
    // std's strict check has a fast path for ASCII; the lossy walk does not.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
#[path = "decode_tests.rs"]
mod tests;
