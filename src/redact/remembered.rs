//! Values followed across texts: those masked so far in this process, looked for again in
//! every text the report numbers ([`Placeholders`](super::Placeholders)); those a line no
//! rule matched reveals ([`learnable`], [`learn`]); and a value on a line of its own whose
//! credential the line before names (`- name: X_SECRET` then `value: V`).

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use super::{MAX_ECHO, echoes, encoded_forms, guard_spans, mask, mask_found, spans};

/// Secret values masked so far in this process, for [`Placeholders`] to look for again in
/// every text it numbers: a value masked in one event (a cookie header) is masked where
/// another event repeats it in a shape no rule knows, whichever came first. At most
/// [`MAX_REMEMBERED`] values of at most [`MAX_REMEMBERED_LEN`] bytes.
static REMEMBERED: std::sync::Mutex<Remembered> = std::sync::Mutex::new(Remembered {
    values: Vec::new(),
    known: std::collections::BTreeSet::new(),
    finder: None,
});

const MAX_REMEMBERED: usize = 4096;
const MAX_REMEMBERED_LEN: usize = MAX_ECHO;

struct Remembered {
    /// What is searched for (a value, or one of its encoded forms), the value it stands
    /// for and the kind it was masked as, in the order first seen.
    values: Vec<(String, String, spans::Kind)>,
    /// The same values, to look up.
    known: std::collections::BTreeSet<String>,
    /// A searcher for all of `values` and a copy of them, built when a number is asked for
    /// after a change.
    finder: Option<std::sync::Arc<Finder>>,
}

/// Whether [`REMEMBERED`] is kept: the program turns it on for its one run
/// ([`remember_across_texts`]); a library caller that builds several reports in one process
/// (the tests) leaves it off, so one report's secrets do not mask another's text.
static REMEMBER: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Turns on masking across texts: from now on every secret value masked is looked for again
/// in every text as its masks are numbered. For a process that makes one report.
pub fn remember_across_texts() {
    REMEMBER.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// A searcher for the remembered values, with the values its pattern ids stand for.
type Finder = (
    aho_corasick::AhoCorasick,
    Vec<(String, String, spans::Kind)>,
);

pub(super) fn remember(values: &[(&str, spans::Kind)]) {
    if !REMEMBER.load(std::sync::atomic::Ordering::Relaxed) {
        return;
    }
    let Ok(mut r) = REMEMBERED.lock() else {
        return;
    };
    for (value, kind) in values {
        if r.values.len() >= MAX_REMEMBERED {
            break;
        }
        // The texts searched include JSON lines serialised before numbering (`-o jsonl`):
        // a value with a quote or a backslash would be found in their structure, not in
        // a string, and break the line. Such a value stays masked where it was found.
        if value.len() > MAX_REMEMBERED_LEN
            || value.contains(['"', '\\'])
            || r.known.contains(*value)
        {
            continue;
        }
        // A value is looked for as written and as a URL or a form would encode it
        // (`tulip+garden/77==` repeated as `tulip%2Bgarden%2F77%3D%3D`).
        for form in std::iter::once((*value).to_string()).chain(encoded_forms(value)) {
            if r.known.insert(form.clone()) {
                r.values.push((form, (*value).to_string(), *kind));
                r.finder = None;
            }
        }
    }
}

/// `text` with every remembered value outside an internal mask masked; borrowed when there
/// is none.
pub(super) fn mask_remembered(text: &str) -> Cow<'_, str> {
    let finder = {
        let Ok(mut r) = REMEMBERED.lock() else {
            return Cow::Borrowed(text);
        };
        if r.values.is_empty() {
            return Cow::Borrowed(text);
        }
        if r.finder.is_none() {
            let values = r.values.clone();
            r.finder = aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
                .build(values.iter().map(|(f, _, _)| f))
                .ok()
                .map(|ac| std::sync::Arc::new((ac, values)));
        }
        let Some(finder) = r.finder.clone() else {
            return Cow::Borrowed(text);
        };
        finder
    };
    let (finder, values) = (&finder.0, &finder.1);
    mask_found(text, finder, &|i| {
        let (_, value, kind) = &values[i];
        mask(kind.name(), value)
    })
}

/// `- name: X_SECRET` (YAML, Kubernetes' env), `name="client_secret"` (a multipart part's
/// header), or a credential key whose value runs to the end of the line (`client_secret=X`).
static NAMED_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)^\s*(?:-\s*)?name\s*:\s*["']?(?P<y>[A-Za-z0-9_.-]+)["']?\s*$|\bname\s*=\s*"(?P<m>[^"\r\n]+)"|(?P<w>[A-Za-z0-9_.-]+)\s*[=:]\s*["']?(?P<v>[^\s"'&=]{4,})$"#,
    )
    .expect("a fixed regex")
});

/// `value: V` after a YAML `- name:`.
static VALUE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*(?:-\s*)?value\s*:\s*["']?(?P<v>[^\s"']+)"#).expect("a fixed regex")
});

/// Where in `body` (a line read alone) stands the value of a credential that the lines
/// `before` it name (nearest last; blank lines and a multipart part's other headers are
/// skipped), and its kind.
pub(super) fn named_before(before: &[&str], body: &str) -> Option<(usize, usize, spans::Kind)> {
    let value = body.trim_end();
    if value.trim().is_empty() {
        return None;
    }
    let mut skipped = 0;
    for prev in before.iter().rev() {
        let prev = prev.trim_end();
        if prev.trim().is_empty()
            || (prev.to_ascii_lowercase().starts_with("content-") && !prev.contains("name="))
        {
            skipped += 1;
            if skipped > 2 {
                return None;
            }
            continue;
        }
        let caps = NAMED_LINE.captures(prev)?;
        if let Some(y) = caps.name("y") {
            let v = VALUE_LINE.captures(value)?.name("v")?;
            let kind = spans::masks_value(y.as_str(), v.as_str())?;
            return Some((v.start(), v.end(), kind));
        }
        if let Some(m) = caps.name("m") {
            let start = value.len() - value.trim_start().len();
            let kind = spans::masks_value(m.as_str(), value.trim())?;
            return Some((start, value.len(), kind));
        }
        let (w, v) = (caps.name("w")?, caps.name("v")?);
        // A wrapped value: this line is one word of a token's characters.
        let word = value.trim();
        let start = value.len() - value.trim_start().len();
        if skipped > 0
            || word.len() < 4
            || !word
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"-_.~+/=%".contains(&c))
        {
            return None;
        }
        let kind = spans::masks_value(w.as_str(), v.as_str())?;
        return Some((start, value.len(), kind));
    }
    None
}

/// Words one of which a line holds (ignoring case) when it may name a credential: only such
/// lines are masked to learn from when nothing shows them ([`learnable`]).
static LEARN_GATE: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build([
            "pass",
            "pw",
            "secret",
            "token",
            "key",
            "cred",
            "auth",
            "cookie",
            "sess",
            "sid",
            "assert",
            "code",
            "state",
            "nonce",
            "sig",
            "pin",
            "otp",
            "jwt",
            "bearer",
            "dsn",
            "verifier",
            "connstr",
            "connection",
            "ecret",
        ])
        .expect("fixed literals always build")
});

/// The values masking `text` would mask (and follow elsewhere), when masking across texts
/// is on and `text` names a credential: for a reader that does not show `text` (a line no
/// rule matched) but must mask what it reveals wherever a later line repeats it. Pure, so
/// it may run on any thread; [`learn`] keeps the values, in input order.
pub fn learnable(text: &str) -> Vec<(String, spans::Kind)> {
    if !REMEMBER.load(std::sync::atomic::Ordering::Relaxed) || !LEARN_GATE.is_match(text) {
        return Vec::new();
    }
    let spans = spans::spans(text, false);
    let guarded = guard_spans(text, &spans);
    echoes::echo_values(text, spans.iter().chain(&guarded))
        .into_iter()
        .map(|(v, k)| (v.into_owned(), k))
        .collect()
}

/// Remembers values found by [`learnable`]: every text numbered from now on masks them.
pub fn learn(values: &[(String, spans::Kind)]) {
    if values.is_empty() {
        return;
    }
    let plain: Vec<(&str, spans::Kind)> = values.iter().map(|(v, k)| (v.as_str(), *k)).collect();
    remember(&plain);
}
