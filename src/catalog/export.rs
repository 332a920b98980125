//! Writes the catalog's patterns in the syntax ripgrep and GNU `grep -E` share, so a
//! benchmark runs exactly the same patterns through all three tools.

/// Rewrites one rule pattern (regex crate syntax) into POSIX ERE with GNU extensions (`\b`),
/// which ripgrep also reads. Returns `None` for the few constructs ERE cannot say (inline
/// flags such as `(?i)`, non-ASCII text).
pub fn portable(pattern: &str) -> Option<String> {
    // grep -E in the C locale and `rg --no-unicode` read bytes: a non-ASCII letter (`µs`)
    // has no form both take.
    if !pattern.is_ascii() {
        return None;
    }
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '(' if chars.get(i + 1) == Some(&'?') => {
                let rest: String = chars[i..].iter().take(4).collect();
                // `(?m:...)`: grep and rg both match line by line, so multi-line mode is
                // what they do anyway.
                if rest.starts_with("(?:") || rest.starts_with("(?m:") {
                    i += if rest.starts_with("(?:") { 3 } else { 4 };
                } else if rest.starts_with("(?P<") || rest.starts_with("(?<") {
                    let close = chars[i..].iter().position(|&c| c == '>')?;
                    i += close + 1;
                } else {
                    return None;
                }
                out.push('(');
                continue;
            }
            '[' => {
                let (class, used) = bracket(&chars[i..])?;
                out.push_str(&class);
                i += used;
                continue;
            }
            '\\' => {
                let next = *chars.get(i + 1)?;
                match next {
                    'd' => out.push_str("[0-9]"),
                    's' => out.push_str("[[:space:]]"),
                    'w' => out.push_str("[[:alnum:]_]"),
                    'r' => out.push('\r'),
                    'n' | 'D' | 'S' | 'W' | 'A' | 'z' | 'x' | 'u' | 'p' | 'P' => return None,
                    'b' | 'B' => {
                        out.push('\\');
                        out.push(next);
                    }
                    c if c.is_ascii_alphanumeric() => return None,
                    // Escaped punctuation: ERE keeps its own specials escaped; others plain.
                    c if ".[]()*+?{}|^$\\".contains(c) => {
                        out.push('\\');
                        out.push(c);
                    }
                    c => out.push(c),
                }
                i += 2;
                continue;
            }
            c => out.push(c),
        }
        i += 1;
    }
    Some(out)
}

/// Translates a bracket expression starting at `chars[0] == '['`; returns it and how many
/// chars it used. A `-` meant literally moves to the end; `\r` becomes a raw CR; `\n`
/// disappears (a line never holds one).
fn bracket(chars: &[char]) -> Option<(String, usize)> {
    let mut i = 1;
    let mut negate = false;
    if chars.get(i) == Some(&'^') {
        negate = true;
        i += 1;
    }
    let mut items = String::new();
    let mut dash = false;
    let mut first = true;
    loop {
        let c = *chars.get(i)?;
        if c == ']' && !first {
            break;
        }
        first = false;
        match c {
            '\\' => {
                let next = *chars.get(i + 1)?;
                match next {
                    '-' => dash = true,
                    'r' => items.push('\r'),
                    'n' => {}
                    't' => items.push('\t'),
                    'd' => items.push_str("0-9"),
                    's' => items.push_str("[:space:]"),
                    'w' => items.push_str("[:alnum:]_"),
                    ']' => items.insert(0, ']'),
                    // Doubled: POSIX reads both as one literal backslash, ripgrep (regex
                    // crate syntax) as an escaped one; a single backslash would escape the
                    // next character for ripgrep (`[^"\]` never closes).
                    '\\' => items.push_str(r"\\"),
                    c if c.is_ascii_alphanumeric() => return None,
                    c => items.push(c),
                }
                i += 2;
            }
            '[' if chars.get(i + 1) == Some(&':') => {
                let end = chars[i..].windows(2).position(|w| w == [':', ']'])?;
                items.extend(&chars[i..i + end + 2]);
                i += end + 2;
            }
            '-' if chars.get(i + 1) == Some(&']') || items.is_empty() => {
                dash = true;
                i += 1;
            }
            c => {
                items.push(c);
                i += 1;
            }
        }
    }
    if dash {
        items.push('-');
    }
    if items.is_empty() {
        // `[^\n]` is any character of a line; `[\n]` matches nothing on one.
        return negate.then(|| (".".to_string(), i + 1));
    }
    let mut class = String::from("[");
    if negate {
        class.push('^');
    }
    class.push_str(&items);
    class.push(']');
    Some((class, i + 1))
}

#[cfg(test)]
#[path = "export_tests.rs"]
mod tests;
