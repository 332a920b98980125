//! Entra's own ids in error text: `Trace ID`, `Correlation ID` and `Timestamp`, in plain,
//! JSON and URL-encoded forms. Cheap byte checks first: most events hold none.

use std::sync::LazyLock;

use regex::Regex;

use super::decode;

static ENTRA_ID: LazyLock<Regex> = LazyLock::new(|| {
    // No word boundary in front: pasted text glues the label to what came before
    // (`...8ef2Correlation Id: ...`). The separator may be a colon, `=`, `%3a`, or only
    // spaces (an HTML table cell turned into text).
    Regex::new(
        r#"(?i)(trace|correlation|request)(?:[ _+]|%20)?id["']?\s*(?::|=|%3a)?\+?\s*["']?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"#,
    )
    .expect("fixed regex")
});
/// Labels of the Entra ids [`ENTRA_ID`] and [`ENTRA_TIME`] read, as searchers built once.
static ID_LABELS: LazyLock<Vec<memchr::memmem::Finder<'static>>> = LazyLock::new(|| {
    [
        &b"orrelation"[..],
        b"Request",
        b"Trace",
        b"Timestamp",
        b"trace_id",
        b"request_id",
    ]
    .into_iter()
    .map(memchr::memmem::Finder::new)
    .collect()
});
static ENTRA_TIME: LazyLock<Regex> = LazyLock::new(|| {
    // Entra writes `Timestamp: 2026-11-21 14:02:11Z` in error text (a `T` and sometimes a
    // fraction on the browser page) and `"timestamp":"2026-11-21 14:02:11Z"` in JSON bodies.
    // Log records' own lowercase `timestamp` fields carry offsets or `T`, so only Entra's
    // space-separated JSON form is taken from them.
    Regex::new(r#"(?:Timestamp(?::|%3a|%3A)?\+?\s*([0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ]|\+|%20)[0-9]{2}(?::|%3a|%3A)[0-9]{2}(?::|%3a|%3A)[0-9]{2}(?:\.[0-9]{1,9})?Z)|"timestamp"\s*:\s*"([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}Z)")"#)
        .expect("fixed regex")
});

/// Which of Entra's ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    /// `Trace ID` (Entra's request id).
    Trace,
    /// `Correlation ID`.
    Correlation,
    /// Entra's `Timestamp`.
    Timestamp,
}

/// Whether `text` holds one of the labels an id follows: a line without one holds no id.
pub fn may_hold_ids(text: &[u8]) -> bool {
    ID_LABELS.iter().any(|l| l.find(text).is_some())
}

/// The Entra ids in `text`, in order, ids lowercased; URL-encoded text is decoded first.
pub fn entra_ids(text: &str) -> Vec<(IdKind, String)> {
    let mut out = Vec::new();
    let decoded;
    let text = if text.contains('%') {
        decoded = decode::url(text);
        decoded.as_str()
    } else {
        text
    };
    // Most events hold neither an id nor a timestamp label, and cheap byte checks tell.
    ids_in(text, &mut out);
    if memchr::memmem::find(text.as_bytes(), b"imestamp").is_some() {
        times_in(text, &mut out);
    }
    out
}

/// Where `text` may hold a GUID: the (start, end) of each place with four dashes 5, 5 and
/// 5 bytes apart (`8-4-4-4-12`), in order.
fn guid_shapes(text: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    memchr::memchr_iter(b'-', text)
        .filter(|&i| {
            i >= 8
                && text.len() >= i + 28
                && text[i + 5] == b'-'
                && text[i + 10] == b'-'
                && text[i + 15] == b'-'
        })
        .map(|i| (i - 8, i + 28))
}

/// Bytes other than white space that the label and separators of an id may take before
/// its GUID (`correlation%20id%3a+"` is 21).
const ID_LABEL_REACH: usize = 48;

/// The Entra ids in `text`. An id ends with its GUID, so [`ENTRA_ID`] runs only on a short
/// window before each GUID-shaped place (white space in it not counted), not over the whole
/// event: a joined traceback is kilobytes long and holds one or two ids.
fn ids_in(text: &str, out: &mut Vec<(IdKind, String)>) {
    let bytes = text.as_bytes();
    let mut done = 0;
    for (start, end) in guid_shapes(bytes) {
        // The dashes say nothing of the bytes between them: a GUID shape may start or end
        // inside a multi-byte character, and such a place is no GUID.
        if start < done || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            continue;
        }
        let (mut from, mut reach) = (start, ID_LABEL_REACH);
        while from > done && reach > 0 {
            from -= 1;
            if !bytes[from].is_ascii_whitespace() {
                reach -= 1;
            }
        }
        while !text.is_char_boundary(from) {
            from -= 1;
        }
        let window = &text[from..end];
        let Some(caps) = ENTRA_ID
            .captures_iter(window)
            .find(|c| c.get(0).is_some_and(|m| m.end() == window.len()))
        else {
            continue;
        };
        let Some(kind) = id_kind(&caps, window) else {
            done = end;
            continue;
        };
        out.push((kind, caps[2].to_ascii_lowercase()));
        done = end;
    }
}

/// Which id a match of [`ENTRA_ID`] in `text` is; `None` for `request_id` / `request-id`,
/// the log's own request id (django-structlog, nginx's `$request_id`), not Entra's: Entra
/// writes `Request Id:` on its page and `trace_id` in its JSON bodies.
fn id_kind(caps: &regex::Captures<'_>, text: &str) -> Option<IdKind> {
    let label = caps.get(1)?;
    if label.as_str().eq_ignore_ascii_case("correlation") {
        return Some(IdKind::Correlation);
    }
    let own = label.as_str().eq_ignore_ascii_case("request")
        && matches!(text.as_bytes().get(label.end()), Some(b'_' | b'-'));
    (!own).then_some(IdKind::Trace)
}

fn times_in(text: &str, out: &mut Vec<(IdKind, String)>) {
    for caps in ENTRA_TIME.captures_iter(text) {
        if let Some(t) = caps.get(1).or_else(|| caps.get(2)) {
            out.push((IdKind::Timestamp, t.as_str().to_string()));
        }
    }
}

#[cfg(test)]
#[path = "entra_tests.rs"]
mod tests;
