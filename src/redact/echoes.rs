//! Echoes: a value masked in one place, masked where the same text repeats it, in its
//! common encodings too.

use std::borrow::Cow;

use regex::Captures;

use super::{CLOSE, INTERNAL, MAX_ECHO, MIN_ECHO, OPEN, mask, merge_spans, remember, spans, tag};

/// `spans` and `guarded` merged, with every other occurrence in `text` of a value either
/// masks masked too: a value found to be secret in one place (a cookie header) is secret
/// where it is repeated in a shape no rule knows (an escaped JSON body, a pasted page).
/// The values are those of the spans before merging (a merged span is several values).
/// Values shorter than [`MIN_ECHO`] bytes are left alone: a short value repeats by chance.
///
/// A value is looked for in the encodings it is commonly repeated in, by normalising both
/// sides rather than by listing encodings: each value is also taken without the blanks and
/// quotes around it and with its escapes undone, and the text is also searched with two
/// layers of percent (`%2F`, `%252F`), form (`+`), JSON (`\/`, `\u002F`) and HTML (`&amp;`,
/// `&#x2F;`) encoding undone, each match mapped back to the bytes it was read from. Base64
/// (`Authorization: Basic <b64(id:secret)>`) is found by the part of its encoding the value
/// fixes whatever stands before it (three alignments), and masked to the ends of its run.
pub(super) fn with_echoes(
    text: &str,
    spans: Vec<spans::Span>,
    guarded: Vec<spans::Span>,
) -> Vec<spans::Span> {
    let values = echo_values(text, spans.iter().chain(&guarded));
    let merged = merge_spans(spans, guarded);
    if values.is_empty() {
        return merged;
    }
    {
        let plain: Vec<(&str, spans::Kind)> =
            values.iter().map(|(v, k)| (v.as_ref(), *k)).collect();
        remember(&plain);
    }
    // One pass over the text for all values, however many (a long line of secrets).
    let Ok(finder) = aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        // No DFA: its build costs the values' bytes times the alphabet, and the text
        // searched is short.
        .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
        .build(values.iter().map(|(v, _)| v.as_bytes()))
    else {
        return merged;
    };
    let mut more = Vec::new();
    let found = |at: usize, end: usize, kind: spans::Kind, more: &mut Vec<spans::Span>| {
        let k = merged.partition_point(|s| s.end <= at);
        // Masked already when one merged span holds it whole.
        if merged.get(k).is_none_or(|s| s.start > at || s.end < end) {
            more.push(spans::Span {
                start: at,
                end,
                kind,
            });
        }
    };
    for m in finder.find_iter(text) {
        found(
            m.start(),
            m.end(),
            values[m.pattern().as_usize()].1,
            &mut more,
        );
    }
    if let Some((view, map)) = spans::decoded_view(text) {
        for m in finder.find_iter(&view) {
            let at = map[m.start()] as usize;
            let end = map.get(m.end()).map_or(text.len(), |&p| p as usize);
            found(at, end, values[m.pattern().as_usize()].1, &mut more);
        }
    }
    base64_echoes(text, &values, &mut |at, end, kind| {
        found(at, end, kind, &mut more)
    });
    if more.is_empty() {
        return merged;
    }
    let mut more = merge_spans(more, Vec::new());
    for s in &mut more {
        // A view's bytes map into the text at character boundaries, but be sure.
        while s.start > 0 && !text.is_char_boundary(s.start) {
            s.start -= 1;
        }
        while s.end < text.len() && !text.is_char_boundary(s.end) {
            s.end += 1;
        }
    }
    merge_spans(merged, more)
}

/// The values [`with_echoes`] follows for the masks `spans` of `text`: each value, its first
/// run of token characters, without blanks and quotes, and with its escapes undone.
pub(super) fn echo_values<'t, 's>(
    text: &'t str,
    spans: impl Iterator<Item = &'s spans::Span>,
) -> Vec<(Cow<'t, str>, spans::Kind)> {
    type Values<'t> = Vec<(Cow<'t, str>, spans::Kind)>;
    fn add<'t>(
        v: Cow<'t, str>,
        kind: spans::Kind,
        values: &mut Values<'t>,
        seen: &mut std::collections::HashSet<Cow<'t, str>>,
    ) {
        if (MIN_ECHO..=MAX_ECHO).contains(&v.len()) && seen.insert(v.clone()) {
            values.push((v, kind));
        }
    }
    let mut values: Values<'_> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for s in spans {
        let value = &text[s.start..s.end];
        // A span may run past its value (a Cookie header is masked to the end of its
        // line): its first run of token characters is looked for too.
        let run = value
            .bytes()
            .take_while(|c| {
                !c.is_ascii_whitespace()
                    && !c.is_ascii_control()
                    && !matches!(c, b'"' | b'\'' | b',' | b';' | b'\\' | b'<' | b'>')
            })
            .count();
        for v in [value, &value[..run]] {
            add(Cow::Borrowed(v), s.kind, &mut values, &mut seen);
            if v.len() > MAX_ECHO {
                continue;
            }
            let trimmed =
                v.trim_matches(|c: char| c.is_ascii_whitespace() || c == '"' || c == '\'');
            add(Cow::Borrowed(trimmed), s.kind, &mut values, &mut seen);
            if let Some((plain, _)) = spans::decoded_view(trimmed)
                && let Ok(plain) = String::from_utf8(plain)
            {
                let plain = plain
                    .trim_matches(|c: char| c.is_ascii_whitespace() || c == '"' || c == '\'')
                    .to_string();
                add(Cow::Owned(plain), s.kind, &mut values, &mut seen);
            }
        }
    }
    values
}

/// Every base64 run of `text` that encodes one of `values` (inside longer data: `id:secret`),
/// reported whole to `found`. The three alignments of each value give the characters that
/// the value alone decides; a run holding one of them holds the value.
fn base64_echoes(
    text: &str,
    values: &[(Cow<'_, str>, spans::Kind)],
    found: &mut dyn FnMut(usize, usize, spans::Kind),
) {
    use base64::Engine as _;
    let b = text.as_bytes();
    // Base64 of 6 bytes or more is 8 characters of letters and digits at least.
    if b.len() < 8 {
        return;
    }
    let mut cores: Vec<(String, spans::Kind)> = Vec::new();
    for (v, kind) in values {
        let v = v.as_bytes();
        for shift in 0..3 {
            let Some(rest) = v.get(shift..) else { continue };
            let full = rest.len() / 3 * 3;
            if full < 6 {
                continue;
            }
            let std = base64::engine::general_purpose::STANDARD_NO_PAD.encode(&rest[..full]);
            let url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&rest[..full]);
            if url != std {
                cores.push((url, *kind));
            }
            cores.push((std, *kind));
        }
    }
    let Ok(finder) = aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
        .build(cores.iter().map(|(c, _)| c))
    else {
        return;
    };
    let b64 = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'-' | b'_');
    let mut last_end = 0;
    for m in finder.find_iter(b) {
        if m.start() < last_end {
            continue;
        }
        let mut s = m.start();
        while s > 0 && b64(b[s - 1]) {
            s -= 1;
        }
        let mut e = m.end();
        while e < b.len() && b64(b[e]) {
            e += 1;
        }
        while e < b.len() && b[e] == b'=' {
            e += 1;
        }
        found(s, e, cores[m.pattern().as_usize()].1);
        last_end = e;
    }
}

/// The forms a value is commonly repeated in besides its own: percent-encoded (upper- and
/// lower-case hex) and form-encoded (a space as `+`), each only when it differs.
pub(super) fn encoded_forms(value: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (upper, form) in [(true, false), (false, false), (true, true), (false, true)] {
        let mut e = String::with_capacity(value.len() * 3);
        for b in value.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                e.push(b as char);
            } else if form && b == b' ' {
                e.push('+');
            } else if upper {
                e.push_str(&format!("%{b:02X}"));
            } else {
                e.push_str(&format!("%{b:02x}"));
            }
        }
        if e != value && !out.contains(&e) {
            out.push(e);
        }
    }
    out
}

/// Values masked somewhere in a document, looked for again (as written and in their
/// encoded forms) in every other part of it: `redact-har` masks a value that one part shows
/// to be secret (a form field by its name) wherever the capture repeats it (a
/// `queryString` array, a page title, another entry), with the same mask.
#[derive(Debug, Default)]
pub struct Echoes {
    /// What is searched for, and the value and kind it stands for.
    targets: Vec<(String, String, String)>,
    known: std::collections::HashSet<String>,
    finder: Option<aho_corasick::AhoCorasick>,
    /// The kind each value (by its tag) was first masked as: the same value masked under
    /// two names (`password`, `client_secret`) gets one placeholder.
    kinds: std::collections::HashMap<String, String>,
}

impl Echoes {
    /// Adds `value`, masked as `kind`; values shorter than `MIN_ECHO` (8) bytes (or longer
    /// than `MAX_ECHO` (512)) are not followed, as in a report.
    pub fn add(&mut self, value: &str, kind: &str) {
        if !(MIN_ECHO..=MAX_ECHO).contains(&value.len()) || value.contains([OPEN, CLOSE]) {
            return;
        }
        let kind = self
            .kinds
            .entry(tag(value))
            .or_insert_with(|| kind.to_string())
            .clone();
        for form in std::iter::once(value.to_string()).chain(encoded_forms(value)) {
            if self.known.insert(form.clone()) {
                self.targets.push((form, value.to_string(), kind.clone()));
                self.finder = None;
            }
        }
    }

    /// How many forms are looked for.
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    /// Whether nothing is looked for.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// `text` with every occurrence of a value outside an internal mask masked (internal
    /// masks, the value's own).
    pub fn apply<'t>(&mut self, text: &'t str) -> Cow<'t, str> {
        if self.targets.is_empty() {
            return Cow::Borrowed(text);
        }
        let text = self.same_kinds(text);
        match self.apply_found(&text) {
            Cow::Owned(o) => Cow::Owned(o),
            Cow::Borrowed(_) => text,
        }
    }

    /// `text` with each internal mask of a known value given the kind it was first masked
    /// as.
    fn same_kinds<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if !text.contains(OPEN) {
            return Cow::Borrowed(text);
        }
        INTERNAL.replace_all(text, |caps: &Captures<'_>| match self.kinds.get(&caps[2]) {
            Some(kind) if kind != &caps[1] => format!("{OPEN}{kind}:{}{CLOSE}", &caps[2]),
            _ => caps[0].to_string(),
        })
    }

    fn apply_found<'t>(&mut self, text: &'t str) -> Cow<'t, str> {
        if self.finder.is_none() {
            self.finder = aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
                .build(self.targets.iter().map(|(f, _, _)| f))
                .ok();
        }
        let Some(finder) = &self.finder else {
            return Cow::Borrowed(text);
        };
        let targets = &self.targets;
        mask_found(text, finder, &|i| {
            let (_, value, kind) = &targets[i];
            mask(kind, value)
        })
    }
}

/// `text` with every match of `finder` outside an internal mask replaced by `mask_of` its
/// pattern; borrowed when there is none.
pub(super) fn mask_found<'t>(
    text: &'t str,
    finder: &aho_corasick::AhoCorasick,
    mask_of: &dyn Fn(usize) -> String,
) -> Cow<'t, str> {
    let mut found = finder.find_iter(text).peekable();
    if found.peek().is_none() {
        return Cow::Borrowed(text);
    }
    let masks: Vec<(usize, usize)> = INTERNAL
        .find_iter(text)
        .map(|m| (m.start(), m.end()))
        .collect();
    let mut out = String::new();
    let mut at = 0;
    for m in found {
        let k = masks.partition_point(|x| x.1 <= m.start());
        if masks.get(k).is_some_and(|x| x.0 < m.end()) || m.start() < at {
            continue;
        }
        out.push_str(&text[at..m.start()]);
        out.push_str(&mask_of(m.pattern().as_usize()));
        at = m.end();
    }
    if at == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}
