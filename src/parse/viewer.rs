//! The chrome log viewers put around a line when it is copied out of them: k9s's log view
//! (`[TIME ]POD [CONTAINER ]MESSAGE`) and the tables of Lens, Rancher, Grafana Explore, Loki
//! and Kibana, with `│`, `|` or tab columns (`│ POD │ TIME │ MESSAGE │`,
//! `TIME<TAB>MESSAGE`). The leading cells are taken apart (pod, container, time) and the
//! message is handed on as the line's body, so rules, JSON decoding and framing see it as
//! the program wrote it. Only what is clearly chrome is taken: a row needs a cell that is a
//! whole time or a Kubernetes pod name. Called by `kubectl::split` on the lines the framer
//! looks at, never on every line.

use crate::parse::timestamp;

/// What a viewer's columns said about a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns<'a> {
    /// The pod column (a generated pod name).
    pub pod: Option<&'a [u8]>,
    /// The container column, when one follows the pod.
    pub container: Option<&'a [u8]>,
    /// The time column, unparsed.
    pub time: Option<&'a [u8]>,
    /// The message column and whatever follows it.
    pub body: &'a [u8],
}

/// How far into a line its leading cells may reach: chrome is short.
const HEAD: usize = 512;

/// Column separators: box-drawing bars (UTF-8), a pipe, a tab.
const BARS: &[&[u8]] = &["│".as_bytes(), "┃".as_bytes(), b"|"];

/// True for a name Kubernetes generates for a pod: lowercase DNS characters, a random
/// five-character suffix, and before it a ReplicaSet or Job hash (`netbox-7d9f8c6b5-x2kqp`,
/// `migrate-28573920-q7w2x`) or a digit in the suffix (a DaemonSet's `fluentd-x2kqp`).
pub fn is_pod_name(cell: &[u8]) -> bool {
    if cell.len() < 7
        || cell.len() > 253
        || !cell
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-' || *b == b'.')
        || !cell[0].is_ascii_alphanumeric()
    {
        return false;
    }
    let mut parts = cell.rsplit(|&b| b == b'-');
    let Some(suffix) = parts.next() else {
        return false;
    };
    if suffix.len() != 5 || !suffix.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let Some(hash) = parts.next() else {
        return false;
    };
    let hashed = (6..=10).contains(&hash.len())
        && hash.iter().all(u8::is_ascii_alphanumeric)
        && hash.iter().any(u8::is_ascii_digit)
        && parts.next().is_some_and(|name| !name.is_empty());
    hashed || (suffix.iter().any(u8::is_ascii_digit) && !hash.is_empty())
}

/// A DNS label (a container or namespace name).
fn is_label(cell: &[u8]) -> bool {
    !cell.is_empty()
        && cell.len() <= 63
        && cell[0].is_ascii_alphanumeric()
        && cell
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

/// A short cell a viewer adds beside the message: a level, a stream, a container, a line
/// number. One word, no quotes or brackets.
fn is_tag(cell: &[u8]) -> bool {
    !cell.is_empty()
        && cell.len() <= 63
        && cell[0].is_ascii_alphanumeric()
        && cell
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/'))
}

/// A cell that is a time and nothing else.
fn is_time(cell: &[u8]) -> bool {
    cell.first().is_some_and(u8::is_ascii_alphanumeric) && timestamp::whole(cell).is_some()
}

/// The separator a table row uses, and whether the row opens with one: one pass over the
/// head for a tab, a pipe or a box-drawing bar's first byte (this runs on every line the
/// framer looks at).
fn separator(head: &[u8]) -> Option<(&'static [u8], bool)> {
    let t = head.trim_ascii_start();
    if let Some(bar) = BARS.iter().find(|s| t.starts_with(s)) {
        return Some((bar, true));
    }
    for i in memchr::memchr3_iter(b'\t', b'|', 0xe2, head) {
        if head[i] == b'\t' {
            return Some((b"\t", false));
        }
        let Some(bar) = BARS.iter().find(|s| head[i..].starts_with(s)) else {
            continue;
        };
        if i > 0 && head[i - 1] == b' ' && head.get(i + bar.len()) == Some(&b' ') {
            return Some((bar, false));
        }
    }
    None
}

/// Where `sep` next occurs in `hay`.
fn find(hay: &[u8], sep: &[u8]) -> Option<usize> {
    if let [b] = sep {
        return memchr::memchr(*b, hay);
    }
    memchr::memchr_iter(sep[0], hay).find(|&i| hay[i..].starts_with(sep))
}

/// A row copied out of a log viewer's table: leading cells of time, pod, container or tags,
/// then the message. `None` unless one leading cell is a whole time or a pod name.
pub fn table(line: &[u8]) -> Option<Columns<'_>> {
    let head = &line[..line.len().min(HEAD)];
    let (sep, opens) = separator(head)?;
    let mut at = if opens {
        let lead = line.len() - line.trim_ascii_start().len();
        lead + sep.len()
    } else {
        0
    };
    let mut cols = Columns {
        pod: None,
        container: None,
        time: None,
        body: line,
    };
    let mut cells = 0;
    while let Some(len) = find(&line[at..line.len().min(at + HEAD)], sep) {
        let cell = line[at..at + len].trim_ascii();
        let taken = if cols.time.is_none() && is_time(cell) {
            cols.time = Some(cell);
            true
        } else if cols.pod.is_none() && is_pod_name(cell) {
            cols.pod = Some(cell);
            true
        } else if cols.pod.is_some() && cols.container.is_none() && is_label(cell) {
            cols.container = Some(cell);
            true
        } else {
            cell.is_empty() || is_tag(cell)
        };
        if !taken {
            break;
        }
        cells += 1;
        at += len + sep.len();
    }
    if cells == 0 || (cols.time.is_none() && cols.pod.is_none()) {
        return None;
    }
    let mut body = &line[at..];
    // One space of padding after a separator; a tab has none.
    if sep != b"\t" {
        body = body.strip_prefix(b" ").unwrap_or(body);
    }
    if opens {
        // The row's closing separator and its padding.
        let trimmed = body.trim_ascii_end();
        if let Some(inner) = trimmed.strip_suffix(sep) {
            body = inner.strip_suffix(b" ").unwrap_or(inner);
        }
    }
    cols.body = body;
    Some(cols)
}

/// k9s's log view: `POD [CONTAINER ]MESSAGE` (k9s writes the time first, which the kubectl
/// layer has taken). The pod must be a generated pod name; a word after it is the container
/// when the message goes on with something other than lowercase prose (`netbox Request
/// failed`, `netbox {"level"...}`, but not `request failed`).
pub fn k9s(body: &[u8]) -> Option<Columns<'_>> {
    let space = memchr::memchr(b' ', &body[..body.len().min(HEAD)])?;
    let pod = &body[..space];
    if !is_pod_name(pod) {
        return None;
    }
    let rest = &body[space + 1..];
    let mut cols = Columns {
        pod: Some(pod),
        container: None,
        time: None,
        body: rest,
    };
    if let Some(next) = memchr::memchr(b' ', &rest[..rest.len().min(64)]) {
        let word = &rest[..next];
        let after = &rest[next + 1..];
        let prose = after
            .split(|&b| b == b' ')
            .next()
            .is_some_and(|w| !w.is_empty() && w.iter().all(u8::is_ascii_lowercase));
        if is_label(word) && !prose {
            cols.container = Some(word);
            cols.body = after;
        }
    }
    Some(cols)
}

#[cfg(test)]
#[path = "viewer_tests.rs"]
mod tests;
