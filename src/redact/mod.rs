//! Masking: the one way from text that came from the input to text that may be printed.
//!
//! [`Masking::show`] turns input text into a [`Shown`]: secrets masked (client secrets,
//! authorization codes, `state`, tokens and JWTs, passwords, cookies, credentials in URLs,
//! found by the allow-lists of [`spans`]), user identities masked on request, and control
//! and bidi characters escaped. The report model holds only `Shown` text, so a renderer
//! cannot print input that did not pass here. A second, independent check ([`leak`]) looks
//! at what the masker let through and masks whatever still has a secret's shape.
//!
//! Masking is by construction: after a key that names a credential, whatever the value
//! is, it is masked, in every syntax that pairs a name with a value (`key=value`, JSON,
//! HTML cells, CSV rows, argument vectors, `-pPASSWORD`, coloured keys). An unquoted value
//! runs to the end of its word whatever punctuation it holds; only what ends its field in
//! its context ends it (see `spans::keys::unquoted_end`): in a query (the key after `?`
//! or `&`) the next `&` starts the next parameter, since a client writes a value's `&` as
//! `%26`; elsewhere an `&` is part of the value unless a known OAuth parameter follows it
//! (`code=X&state=Y`). So `SECRET_KEY=abc)def&ghi` is masked whole, and a secret holding
//! its own field's separator (`?password=a&b`) is masked up to it. Values masked once are
//! looked for again where they repeat, in their common encodings too (`echoes`).
//!
//! Inside the program a mask is `\u{1}KIND:TAG\u{2}` (TAG: a hash of the value, equal for
//! equal values on every thread). Input cannot forge one: its control characters are
//! escaped. [`Placeholders`] numbers the masks as the report is written: `<code#1>`.

mod echoes;
mod remembered;
mod shown;
pub mod spans;

pub use echoes::Echoes;
use echoes::{encoded_forms, mask_found, with_echoes};
pub use remembered::{learn, learnable, remember_across_texts};
use remembered::{mask_remembered, named_before, remember};

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

pub use shown::{Shown, sanitize};

/// Opens an internal mask.
const OPEN: char = '\u{1}';
/// Closes an internal mask.
const CLOSE: char = '\u{2}';

/// The internal mask written in place of a secret value of `kind`.
fn mask(kind: &str, value: &str) -> String {
    RECORDED.with(|r| {
        if let Some(list) = r.borrow_mut().as_mut() {
            list.push((value.to_string(), kind.to_string()));
        }
    });
    format!("{OPEN}{kind}:{}{CLOSE}", tag(value))
}

std::thread_local! {
    /// The values masked on this thread while [`recording_masks`] runs, with their kinds.
    static RECORDED: std::cell::RefCell<Option<Vec<(String, String)>>> =
        const { std::cell::RefCell::new(None) };
}

/// Runs `f`, and returns what it returned with every value masked on this thread meanwhile
/// and the kind it was masked as: for a caller that masks a document in parts (`redact-har`)
/// and must mask each value wherever else the document repeats it.
pub fn recording_masks<R>(f: impl FnOnce() -> R) -> (R, Vec<(String, String)>) {
    let before = RECORDED.with(|r| r.borrow_mut().replace(Vec::new()));
    let out = f();
    let got = RECORDED.with(|r| std::mem::replace(&mut *r.borrow_mut(), before));
    (out, got.unwrap_or_default())
}

/// 16 hex digits (a 64-bit hash) that stand for a value: equal values get equal tags in
/// every run and on every thread. Internal only; output shows [`Placeholders`] numbers.
/// The hash takes eight bytes a step (an authorization code is a kilobyte long, and a
/// byte-at-a-time hash of it was a visible part of a scan) and mixes the result at the end.
pub fn tag(value: &str) -> String {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let bytes = value.as_bytes();
    let mut hash = 0xcbf2_9ce4_8422_2325 ^ (bytes.len() as u64).wrapping_mul(K);
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        hash = (hash ^ u64::from_le_bytes(w))
            .wrapping_mul(K)
            .rotate_left(29);
    }
    let mut last = [0u8; 8];
    last[..words.remainder().len()].copy_from_slice(words.remainder());
    hash = (hash ^ u64::from_le_bytes(last)).wrapping_mul(K);
    // splitmix64's finaliser: every input bit reaches every output bit.
    hash ^= hash >> 30;
    hash = hash.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash ^= hash >> 27;
    hash = hash.wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^= hash >> 31;
    format!("{hash:016x}")
}

/// The internal mask of a value of `kind` (a correlation key such as a `state`), so it
/// gets the same placeholder as the same value masked in evidence text.
pub fn mask_value(kind: &str, value: &str) -> String {
    mask(kind, value)
}

/// Writes `text[from..to]` with every span of `spans` in it replaced by its mask; the
/// text between spans goes through `plain`.
fn write_masked(
    text: &str,
    spans: &[spans::Span],
    out: &mut String,
    plain: &mut dyn FnMut(&str, &mut String),
) {
    let mut at = 0;
    for s in spans {
        plain(&text[at..s.start], out);
        out.push_str(&mask(s.kind.name(), &text[s.start..s.end]));
        at = s.end;
    }
    plain(&text[at..], out);
}

/// `text` with every secret masked (internal masks), nothing else changed; borrowed when
/// there is nothing to mask. For `redact-har`, which keeps the capture's text as it was and
/// may pass text it masked in part already: internal masks in `text` are kept as they are
/// (`redact-har` turns the capture's own control characters into U+FFFD first, so it holds
/// no mask it did not write).
pub fn redact(text: &str) -> Cow<'_, str> {
    if text.contains(OPEN) {
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        let mut changed = false;
        for m in INTERNAL.find_iter(text) {
            let part = redact_plain(&text[at..m.start()]);
            changed |= matches!(part, Cow::Owned(_));
            out.push_str(&part);
            out.push_str(m.as_str());
            at = m.end();
        }
        let part = redact_plain(&text[at..]);
        changed |= matches!(part, Cow::Owned(_));
        out.push_str(&part);
        return if changed {
            Cow::Owned(out)
        } else {
            Cow::Borrowed(text)
        };
    }
    redact_plain(text)
}

fn redact_plain(text: &str) -> Cow<'_, str> {
    let spans = spans::spans(text, false);
    let guarded = guard_spans(text, &spans);
    if spans.is_empty() && guarded.is_empty() {
        return Cow::Borrowed(text);
    }
    let spans = with_echoes(text, spans, guarded);
    let mut out = String::with_capacity(text.len());
    write_masked(text, &spans, &mut out, &mut |t, o| o.push_str(t));
    Cow::Owned(out)
}

/// `text` with e-mail addresses and UPNs masked (`--redact-users`), each as a user mask so
/// one user's lines still line up.
pub fn redact_users(text: &str) -> Cow<'_, str> {
    let spans: Vec<spans::Span> = spans::spans(text, true)
        .into_iter()
        .filter(|s| s.kind == spans::Kind::User)
        .collect();
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    write_masked(text, &spans, &mut out, &mut |t, o| o.push_str(t));
    Cow::Owned(out)
}

/// What a run masks: secrets unless revealed, user identities on request.
#[derive(Debug, Clone, Copy, Default)]
pub struct Masking {
    /// `--show-secrets`: leave secrets as they are.
    pub show_secrets: bool,
    /// `--redact-users`: mask e-mail addresses and UPNs too.
    pub users: bool,
}

impl Masking {
    /// `text` masked as this run asks, with internal masks; nothing else changed.
    pub fn apply<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let spans = self.spans(text);
        if spans.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        write_masked(text, &spans, &mut out, &mut |t, o| o.push_str(t));
        Cow::Owned(out)
    }

    /// Input text made printable: masked as this run asks, control and bidi characters
    /// escaped. The only way from input to a [`Shown`].
    pub fn show(&self, text: &str) -> Shown {
        let spans = self.spans(text);
        let mut out = String::with_capacity(text.len() + 16);
        write_masked(text, &spans, &mut out, &mut |t, o| shown::escape_into(t, o));
        Shown::masked(out)
    }

    /// [`Masking::show`] with every occurrence of the values in `hide` masked too, as a
    /// key (a client id that is not a GUID, which a rule's capture found: it may be a
    /// secret pasted in the id's place, whatever its shape).
    pub fn show_hiding(&self, text: &str, hide: &[String]) -> Shown {
        let spans = self.spans_hiding(text, hide);
        let mut out = String::with_capacity(text.len() + 16);
        write_masked(text, &spans, &mut out, &mut |t, o| shown::escape_into(t, o));
        Shown::masked(out)
    }

    fn spans_hiding(&self, text: &str, hide: &[String]) -> Vec<spans::Span> {
        let mut spans = self.spans(text);
        if self.show_secrets || hide.is_empty() {
            return spans;
        }
        let mut more = Vec::new();
        for value in hide.iter().filter(|v| !v.is_empty()) {
            for (at, _) in text.match_indices(value.as_str()) {
                more.push(spans::Span {
                    start: at,
                    end: at + value.len(),
                    kind: spans::Kind::Key,
                });
            }
        }
        if !more.is_empty() {
            let values: Vec<(&str, spans::Kind)> = hide
                .iter()
                .filter(|v| (MIN_ECHO..=MAX_ECHO).contains(&v.len()))
                .map(|v| (v.as_str(), spans::Kind::Key))
                .collect();
            remember(&values);
            spans = merge_spans(spans, more);
        }
        spans
    }

    /// [`Masking::show`] for a text that must stay on one line (a file name, a pod, a
    /// problem, a stderr line): newlines and tabs are escaped too, so a name cannot start
    /// a line of its own.
    pub fn show_line(&self, text: &str) -> Shown {
        let spans = self.spans(text);
        let mut out = String::with_capacity(text.len() + 16);
        write_masked(text, &spans, &mut out, &mut |t, o| {
            shown::escape_line_into(t, o)
        });
        Shown::masked(out)
    }

    /// [`Masking::show_line`] for a line shown without the lines before it (a context
    /// line), given those lines' texts (`before`, nearest last) and where this line's text
    /// starts after a log prefix (`body_at`): a value this line holds for a credential
    /// that the lines before name is masked too (YAML's `- name: X_SECRET` then `value: V`,
    /// a multipart part's `name="client_secret"` then its value, a `client_secret=` value
    /// wrapped onto this line).
    pub fn show_line_after(&self, before: &[&str], text: &str, body_at: usize) -> Shown {
        let mut spans = self.spans(text);
        if !self.show_secrets
            && let Some(body) = text.get(body_at..)
            && let Some((s, e, kind)) = named_before(before, body)
        {
            spans = merge_spans(
                spans,
                vec![spans::Span {
                    start: body_at + s,
                    end: body_at + e,
                    kind,
                }],
            );
            let value = &text[body_at + s..body_at + e];
            if (MIN_ECHO..=MAX_ECHO).contains(&value.len()) {
                remember(&[(value, kind)]);
            }
        }
        let mut out = String::with_capacity(text.len() + 16);
        write_masked(text, &spans, &mut out, &mut |t, o| {
            shown::escape_line_into(t, o)
        });
        Shown::masked(out)
    }

    /// `name:value` on one line, where `name` is ours and `value` is a credential of `kind`
    /// by what it is (an OAuth state, an authorization code, whatever its shape): the value
    /// is masked whole, with the mask the masker gives it anywhere else, without a scan.
    pub fn show_credential(&self, name: &str, kind: spans::Kind, value: &str) -> Shown {
        if self.show_secrets {
            return self.show_line(&format!("{name}:{value}"));
        }
        let mut out = String::with_capacity(name.len() + 24);
        shown::escape_line_into(name, &mut out);
        out.push(':');
        out.push_str(&mask(kind.name(), value));
        Shown::masked(out)
    }

    /// `name:value` on one line, where `name` is ours and `value` an id (a request id, an
    /// Entra trace id): a GUID, or 32 hex digits or fewer in one case that do not look
    /// random, is shown as it is (the masker never masks those after a name that is not a
    /// credential's); any other is masked as [`Masking::show_line`] masks it.
    pub fn show_id(&self, name: &str, value: &str) -> Shown {
        let bytes = value.as_bytes();
        let one_case =
            !bytes.iter().any(u8::is_ascii_lowercase) || !bytes.iter().any(u8::is_ascii_uppercase);
        let plain = spans::is_guid(bytes)
            || (!value.is_empty()
                && value.len() <= 32
                && one_case
                && bytes.iter().all(u8::is_ascii_hexdigit)
                && !spans::looks_random(bytes));
        let text = format!("{name}:{value}");
        if !plain {
            return self.show_line(&text);
        }
        let mut out = String::with_capacity(text.len());
        shown::escape_line_into(&text, &mut out);
        Shown::masked(out)
    }

    /// [`Masking::show`] for `decoded`, a decoded view of `raw`: every value masked in
    /// `raw` is masked in `decoded` too, as `decode` writes it.
    pub fn show_decoded(&self, decoded: &str, raw: &str, decode: &dyn Fn(&str) -> String) -> Shown {
        self.show_decoded_hiding(decoded, raw, decode, &[])
    }

    /// [`Masking::show_decoded`] with the values of `hide` masked too (see
    /// [`Masking::show_hiding`]).
    pub fn show_decoded_hiding(
        &self,
        decoded: &str,
        raw: &str,
        decode: &dyn Fn(&str) -> String,
        hide: &[String],
    ) -> Shown {
        let mut spans = self.spans_hiding(decoded, hide);
        if !self.show_secrets {
            let mut also = Vec::new();
            for s in spans::spans(raw, false) {
                let value = decode(&raw[s.start..s.end]);
                if value.len() >= 4 && !also.iter().any(|(v, _)| *v == value) {
                    also.push((value, s.kind));
                }
            }
            for (value, kind) in &also {
                for (at, _) in decoded.match_indices(value.as_str()) {
                    spans.push(spans::Span {
                        start: at,
                        end: at + value.len(),
                        kind: *kind,
                    });
                }
            }
            spans = merge_spans(spans, Vec::new());
        }
        let mut out = String::with_capacity(decoded.len() + 16);
        write_masked(decoded, &spans, &mut out, &mut |t, o| {
            shown::escape_into(t, o)
        });
        Shown::masked(out)
    }

    /// The byte ranges of `text` that [`Masking::show`] masks, sorted and disjoint: for a
    /// reader that must leave alone whatever the masker would hide (an error identifier is
    /// never one of them).
    pub fn masked_ranges(&self, text: &str) -> Vec<std::ops::Range<usize>> {
        self.spans(text)
            .into_iter()
            .map(|s| s.start..s.end)
            .collect()
    }

    fn spans(&self, text: &str) -> Vec<spans::Span> {
        if self.show_secrets {
            if !self.users {
                return Vec::new();
            }
            return spans::spans(text, true)
                .into_iter()
                .filter(|s| s.kind == spans::Kind::User)
                .collect();
        }
        let spans = spans::spans(text, self.users);
        let guarded = guard_spans(text, &spans);
        with_echoes(text, spans, guarded)
    }
}

/// [`Masking::show_line`] that remembers what it showed: the names of a report's flows
/// (inputs, pods, clients, user agents) repeat by the thousand, and each is masked once.
#[derive(Debug)]
pub struct ShowCache {
    masking: Masking,
    seen: std::collections::HashMap<String, Shown>,
}

impl ShowCache {
    /// A cache that masks as `masking` says.
    pub fn new(masking: Masking) -> ShowCache {
        ShowCache {
            masking,
            seen: std::collections::HashMap::new(),
        }
    }

    /// `text` as [`Masking::show_line`] shows it. The first [`ShowCache::MAX_REMEMBERED`]
    /// texts are remembered: a report of unique texts does not keep a copy of each.
    pub fn line(&mut self, text: &str) -> Shown {
        if let Some(s) = self.seen.get(text) {
            return s.clone();
        }
        let shown = self.masking.show_line(text);
        if self.seen.len() < Self::MAX_REMEMBERED {
            self.seen.insert(text.to_string(), shown.clone());
        }
        shown
    }

    /// How many texts a cache remembers at most.
    pub const MAX_REMEMBERED: usize = 4096;

    /// How this cache masks.
    pub fn masking(&self) -> &Masking {
        &self.masking
    }

    /// `text` as [`Masking::show_line`] shows it, not remembered (a value seen once).
    pub fn once(&self, text: &str) -> Shown {
        self.masking.show_line(text)
    }
}

/// Internal masks, `\u{1}KIND:TAG\u{2}`.
/// Written raw, or escaped as JSON writes a control character (`\u0001`): a record
/// serialised before its masks were numbered (a `-o jsonl` match line) is numbered the same.
static INTERNAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\x01|\\u0001)([a-z-]+):([0-9a-f]{16})(?:\x02|\\u0002)").expect("fixed regex")
});

/// Turns internal masks into numbered placeholders, `<code#1>`, `<state#2>`, `<user#1>`,
/// counted per kind in the order the output shows them. One `Placeholders` serves a whole
/// run, so the same value has the same placeholder in every record and section, and the
/// same input gives the same bytes. The numbers say nothing about the values.
#[derive(Debug, Default)]
pub struct Placeholders {
    seen: std::collections::HashMap<String, usize>,
    next: std::collections::HashMap<String, usize>,
}

impl Placeholders {
    /// `text` with every internal mask replaced; borrowed when there is none.
    pub fn apply<'t>(&mut self, text: &'t str) -> Cow<'t, str> {
        let text = mask_remembered(text);
        if !text.contains(OPEN) && !text.contains("\\u0001") {
            return text;
        }
        let numbered = INTERNAL.replace_all(&text, |caps: &Captures<'_>| {
            let kind = &caps[1];
            let key = format!("{kind}:{}", &caps[2]);
            let n = match self.seen.get(&key) {
                Some(&n) => n,
                None => {
                    let next = self.next.entry(kind.to_string()).or_insert(0);
                    *next += 1;
                    self.seen.insert(key, *next);
                    *next
                }
            };
            format!("<{kind}#{n}>")
        });
        let numbered = match numbered {
            Cow::Borrowed(_) => None,
            Cow::Owned(n) => Some(n),
        };
        match (text, numbered) {
            (text, None) => text,
            (_, Some(n)) => Cow::Owned(n),
        }
    }

    /// Applies [`Placeholders::apply`] to `s` in place.
    pub fn apply_in_place(&mut self, s: &mut String) {
        if let Cow::Owned(new) = self.apply(s) {
            *s = new;
        }
    }
}

/// Where a cut at byte `at` of `text` would split an internal mask, the mask's start, so
/// the cut can move there instead.
pub fn mask_start_around(text: &str, at: usize) -> Option<usize> {
    let before = text.get(..at)?;
    let open = before.rfind(OPEN)?;
    // The mask is still open at `at` when no close came between its start and `at`.
    if before[open..].contains(CLOSE) {
        return None;
    }
    Some(open)
}

// ---------------------------------------------------------------------------------------
// The second line: known shapes, found independently of the masker

struct Secret {
    kind: &'static str,
    re: Regex,
}

/// Each regex has a `v` group: the secret itself. Values never hold an internal mask's
/// delimiters, so a masked value is never seen again.
static SECRETS: LazyLock<Vec<Secret>> = LazyLock::new(|| {
    let s = |kind, pattern: &str| Secret {
        kind,
        re: Regex::new(pattern).expect("guard patterns are fixed and tested"),
    };
    vec![
        s(
            "token",
            r"(?P<v>eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*)",
        ),
        s(
            "secret",
            r"(?P<v>[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34})",
        ),
        s(
            "code",
            r"(?P<v>\b[01]\.A[A-Za-z0-9_-]{3}[A-Za-z0-9_.-]{24,})",
        ),
        s(
            "oauth-param",
            r#"(?i)(?:\b|%22|["'])(?P<k>code|state|session_state)(?:["']|%22)?\s*(?:=|:|%3[aAdD])\s*(?:["']|%22)?(?P<v>[^\s&"',;}\]<>\x01\x02]{12,})"#,
        ),
        s(
            "credential",
            r#"(?i)(?:\b|%22|["'_])(?:client_secret|secret|id_token|access_token|refresh_token|client_assertion|password|passwd)(?:["']|%22)?\s*(?:=|:|%3[aAdD])\s*(?:["']|%22)?(?P<v>[^\s&"',;}\]<>\x01\x02]{3,})"#,
        ),
        s(
            "token",
            r"(?i)\b(?:Bearer|Basic)\s+(?P<v>[A-Za-z0-9._~+/=-]{8,})",
        ),
        s(
            "cookie",
            r"(?i)\b(?:sessionid|csrftoken|csrfmiddlewaretoken)=(?P<v>[^;\s&\x22'\x01\x02]{6,})",
        ),
        s(
            "password",
            r"(?i)\b[a-z][a-z0-9+.-]*://[^/\s:@\x01\x02]+:(?P<v>[^@\s/\x01\x02]+)@",
        ),
    ]
});

/// False for what only looks like a secret: a placeholder written by this program, an
/// AADSTS code (`Error code: AADSTS50011`), a null-like word.
fn needs_mask(value: &str) -> bool {
    // A percent-encoded quote before a mask is not a value.
    let value = value.trim_start_matches("%2522").trim_start_matches("%22");
    if value.is_empty() {
        return false;
    }
    let upper = value.to_ascii_uppercase();
    !(is_placeholder(value)
        || upper.starts_with("AADSTS")
        || matches!(value, "None" | "null" | "true" | "false" | "True" | "False")
        // OAuth error names (`code=invalid_request`).
        || value.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
        // Code in a traceback (`id_token = self.validate_and_return_id_token(`).
        || value.starts_with("self.")
        || value.ends_with('(')
        || value.bytes().all(|b| b == b'*'))
}

/// An error identifier under a `code` key (`"code": "InvalidAuthenticationToken"`): not an
/// authorization code.
fn error_code(caps: &Captures<'_>) -> bool {
    caps.name("k")
        .is_some_and(|k| k.as_str().eq_ignore_ascii_case("code"))
        && caps
            .name("v")
            .is_some_and(|v| spans::is_error_identifier(v.as_str().as_bytes()))
}

/// `<code#3>` and the like at the start of `value`: a placeholder already written.
fn is_placeholder(value: &str) -> bool {
    let Some(rest) = value.strip_prefix('<') else {
        return false;
    };
    let Some((kind, rest)) = rest.split_once('#') else {
        return false;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    !kind.is_empty()
        && kind.bytes().all(|b| b.is_ascii_lowercase())
        && digits > 0
        && rest[digits..].starts_with('>')
}

/// Literals one of which every match of `SECRETS[i]` holds (ignoring case), for the
/// pattern at the same place: one pass over a text rules out most patterns before any of
/// them runs.
const TRIGGERS: [&[&str]; 8] = [
    &["eyJ"],
    &["Q~"],
    &["0.A", "1.A"],
    &["code", "state"],
    &["secret", "token", "client_assertion", "passw"],
    &["bearer", "basic"],
    &["session", "csrf"],
    &["://"],
];

/// The automaton over [`TRIGGERS`], and the pattern each of its literals stands for.
static GATE: LazyLock<(aho_corasick::AhoCorasick, Vec<usize>)> = LazyLock::new(|| {
    let (literals, owners): (Vec<&str>, Vec<usize>) = TRIGGERS
        .iter()
        .enumerate()
        .flat_map(|(i, list)| list.iter().map(move |l| (*l, i)))
        .unzip();
    let automaton = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(literals)
        .expect("a few fixed literals always build");
    (automaton, owners)
});

/// Which guard patterns can match `text`, as bits.
fn gate(text: &str) -> u32 {
    let (gate, owners) = &*GATE;
    let mut may = 0u32;
    for m in gate.find_overlapping_iter(text) {
        may |= 1 << owners[m.pattern().as_usize()];
    }
    may
}

/// Values of a known shape in `text` outside `spans`, as spans of kind secret.
fn guard_spans(text: &str, spans: &[spans::Span]) -> Vec<spans::Span> {
    let mut out = Vec::new();
    let may = gate(text);
    if may == 0 {
        return out;
    }
    // `spans` is sorted and disjoint: the one that could overlap is found by bisection.
    let outside = |s: usize, e: usize| {
        let k = spans.partition_point(|m| m.end <= s);
        spans.get(k).is_none_or(|m| m.start >= e)
    };
    for (i, secret) in SECRETS.iter().enumerate() {
        if may & (1 << i) == 0 {
            continue;
        }
        // A match without groups first (the fast engine): when the masker covered the end
        // of it, where every pattern's value stands, there is nothing to add; only the
        // rest pay for the groups.
        for m in secret.re.find_iter(text) {
            let covered = |at: usize| !outside(at, at + 1);
            if covered(m.end() - 1) || (m.end() >= 2 && covered(m.end() - 2)) {
                continue;
            }
            let Some(caps) = secret.re.captures_at(text, m.start()) else {
                continue;
            };
            if let Some(v) = caps.name("v")
                && needs_mask(v.as_str())
                && !error_code(&caps)
                && outside(v.start(), v.end())
            {
                out.push(spans::Span {
                    start: v.start(),
                    end: v.end(),
                    kind: spans::Kind::Secret,
                });
            }
        }
    }
    out
}

/// The shortest masked value [`with_echoes`] looks for elsewhere in the same text.
const MIN_ECHO: usize = 8;

/// The longest: a longer span is a group or a header masked whole, whose first token run
/// is followed instead.
const MAX_ECHO: usize = 512;

fn merge_spans(mut spans: Vec<spans::Span>, more: Vec<spans::Span>) -> Vec<spans::Span> {
    spans.extend(more);
    spans.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    let mut out: Vec<spans::Span> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(last) if s.start < last.end => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

/// `"internal mask"` when `text` still holds an internal mask: in a report whose
/// placeholders were numbered, one left over is a field the numbering missed (its tag is a
/// hash of the value, not for output).
pub fn unnumbered_mask(text: &str) -> Option<&'static str> {
    INTERNAL.is_match(text).then_some("internal mask")
}

/// The kind of the first secret-shaped value left unmasked in `text` (a rendered report),
/// if any: the last check before output.
pub fn leak(text: &str) -> Option<&'static str> {
    // Internal masks are not values: `\u{1}state:TAG\u{2}` holds `state:` and hex.
    let masks: Vec<(usize, usize)> = if text.contains(OPEN) {
        INTERNAL
            .find_iter(text)
            .map(|m| (m.start(), m.end()))
            .collect()
    } else {
        Vec::new()
    };
    let in_mask = |s: usize, e: usize| {
        let k = masks.partition_point(|m| m.1 <= s);
        masks.get(k).is_some_and(|m| m.0 < e)
    };
    SECRETS.iter().find_map(|secret| {
        secret
            .re
            .captures_iter(text)
            .any(|caps| {
                let whole = caps.get(0).map_or((0, 0), |m| (m.start(), m.end()));
                caps.name("v").is_some_and(|v| needs_mask(v.as_str()))
                    && !error_code(&caps)
                    && !in_mask(whole.0, whole.1)
            })
            .then_some(secret.kind)
    })
}

/// What a secret-shaped `value` looks like, never the value: for a diagnosis that must
/// say that a secret was pasted where an id belongs.
pub fn shape_of(value: &str) -> String {
    let v = value.trim();
    let n = v.chars().count();
    let b = v.as_bytes();
    if let Some(q) = v.find("Q~").filter(|_| (30..=45).contains(&n)) {
        return format!(
            "a {n}-character value with `Q~` after its {}th character, the shape of an Entra client secret value",
            q
        );
    }
    if v.starts_with("eyJ") && v.matches('.').count() >= 2 {
        return format!("a {n}-character JWT (a token)");
    }
    if spans::is_guid(b) {
        return "a GUID".to_string();
    }
    let classes = [
        (b.iter().any(u8::is_ascii_lowercase), "lower-case letters"),
        (b.iter().any(u8::is_ascii_uppercase), "upper-case letters"),
        (b.iter().any(u8::is_ascii_digit), "digits"),
        (
            b.iter().any(|c| !c.is_ascii_alphanumeric()),
            "other characters",
        ),
    ];
    let has: Vec<&str> = classes.iter().filter(|c| c.0).map(|c| c.1).collect();
    format!("a {n}-character value of {}", has.join(", "))
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_prose;
#[cfg(test)]
mod tests_settings;
