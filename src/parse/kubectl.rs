//! The headers in front of a log line: `kubectl logs --prefix` gives `[pod/NAME/CONTAINER] `,
//! `--timestamps` an RFC 3339 time and a space, in that order. The same time followed by
//! `stdout F ` is the container runtime's own file format (CRI, found on nodes and in
//! support bundles). Then a journald or syslog prefix (`May 02 10:11:12 host netbox[7]: `,
//! see `journal`), or k9s's `POD CONTAINER ` (see `viewer`). Process prefixes come last:
//! supervisord's `nginx stdout | ` and docker compose's `netbox-1  | `. Around it all, a row
//! copied out of a log viewer's table (`│ POD │ TIME │ MESSAGE │`) gives its columns. All
//! are optional; what follows is the line as the program wrote it.

use nom::{
    IResult, Parser,
    bytes::complete::{tag, take_while_m_n},
    character::complete::char,
    combinator::{opt, recognize},
};

use crate::parse::{journal, timestamp, viewer};

/// A line split into its kubectl headers and body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// The whole `[pod/NAME/CONTAINER]` header (or a viewer's pod column), used as the
    /// stream key.
    pub stream: &'a [u8],
    /// Pod name from `--prefix`, or from a log viewer's columns.
    pub pod: Option<&'a [u8]>,
    /// Container name from `--prefix`, or from a log viewer's columns.
    pub container: Option<&'a [u8]>,
    /// The `--timestamps` (or CRI) time, else a viewer's time column or a journal's dated
    /// time, unparsed.
    pub time: Option<&'a [u8]>,
    /// A process prefix (`nginx stdout`, `netbox-1`) or a journal's `host program[pid]`:
    /// part of the stream key, since lines of two processes never belong to one traceback.
    pub process: &'a [u8],
    /// The rest of the line.
    pub body: &'a [u8],
    /// A CRI line tagged `P`: the runtime cut a long line here, and the stream's next line
    /// goes on with the rest (up to one tagged `F`).
    pub partial: bool,
    /// A CRI line's stream (`stdout`, `stderr`; empty for other lines): a container's two
    /// streams are cut and joined apart.
    pub cri: &'a [u8],
    /// A CRI line: everything after its tag, as the runtime wrote it (the piece of a cut
    /// line, read as nothing else). A suffix of the line.
    pub piece: &'a [u8],
}

/// The longest pod name Kubernetes allows (a DNS subdomain).
const MAX_POD_NAME: usize = 253;
/// The longest container name Kubernetes allows (a DNS label).
const MAX_CONTAINER_NAME: usize = 63;

fn name_char(b: u8) -> bool {
    b != b'/' && b != b']' && b != b' ' && b != b'\t'
}

/// The parts of a `--prefix` header: (whole header, NAME, CONTAINER).
type Header<'a> = (&'a [u8], &'a [u8], &'a [u8]);

/// `[pod/NAME/CONTAINER] ` -> its [`Header`].
fn prefix(i: &[u8]) -> IResult<&[u8], Header<'_>> {
    let (rest, (header, _)) = (
        recognize((
            tag(&b"[pod/"[..]),
            // Kubernetes names: a pod's at most 253 bytes, a container's at most 63. A
            // longer "name" is not kubectl's header (a hostile line would make every
            // finding list a 30 KB pod).
            take_while_m_n(1, MAX_POD_NAME, name_char),
            char('/'),
            take_while_m_n(1, MAX_CONTAINER_NAME, name_char),
            char(']'),
        )),
        char(' '),
    )
        .parse(i)?;
    // header is "[pod/NAME/CONTAINER]"
    let inner = &header[5..header.len() - 1];
    let slash = inner.iter().position(|&b| b == b'/').unwrap_or(inner.len());
    let pod = &inner[..slash];
    let container = inner.get(slash + 1..).unwrap_or_default();
    Ok((rest, (header, pod, container)))
}

/// An RFC 3339 time followed by one space, as `kubectl logs --timestamps` writes it.
fn kube_time(i: &[u8]) -> Option<(&[u8], &[u8])> {
    let n = timestamp::rfc3339_strict_len(i)?;
    (i.get(n) == Some(&b' ')).then(|| (&i[n + 1..], &i[..n]))
}

/// Splits `line` into kubectl headers and body; a line without headers is all body.
pub fn split(line: &[u8]) -> Split<'_> {
    // A row of a log viewer's table: its columns, and the message as the line.
    let table = viewer::table(line);
    let line = table.map_or(line, |t| t.body);
    let (rest, pre) = match opt(prefix).parse(line) {
        Ok(ok) => ok,
        Err(_) => (line, None),
    };
    let (body, time) = match kube_time(rest) {
        Some((body, t)) => (body, Some(t)),
        None => (rest, None),
    };
    let (body, partial, cri) = match time {
        Some(_) => cri_stream(body),
        None => (body, false, &b""[..]),
    };
    let piece = body;
    // journalctl: after a time the kubectl layer took (`short-iso`) only with a process id,
    // so `ERROR social: x` after a kubectl time stays a message.
    let journal = match time {
        // `host program[pid]: `: a `]:` near the start first, before anything is read.
        Some(_)
            if body.first().is_some_and(u8::is_ascii_alphabetic)
                && memchr::memchr(b']', &body[..body.len().min(200)])
                    .is_some_and(|i| body.get(i + 1) == Some(&b':')) =>
        {
            journal::after_time(body, true).map(|(key, body)| journal::Prefix {
                key,
                time: None,
                body,
            })
        }
        Some(_) => None,
        None => journal::prefix(body),
    };
    let body = journal.map_or(body, |j| j.body);
    let k9s = match (pre, table, journal) {
        (None, None, None) => viewer::k9s(body),
        _ => None,
    };
    let body = k9s.map_or(body, |k| k.body);
    let (process, body) = match journal {
        Some(j) => (j.key, body),
        None => process_prefix(body),
    };
    let columns = table.or(k9s);
    Split {
        stream: pre
            .map(|p| p.0)
            .or(columns.and_then(|c| c.pod))
            .unwrap_or_default(),
        pod: pre.map(|p| p.1).or(columns.and_then(|c| c.pod)),
        container: match pre {
            Some(p) => Some(p.2),
            None => columns.and_then(|c| c.container),
        },
        time: time
            .or(table.and_then(|t| t.time))
            .or(journal.and_then(|j| j.time)),
        process,
        body,
        partial,
        cri,
        piece,
    }
}

/// After a time: CRI's `stdout F ` / `stderr P ` (stream, then full or partial line tag):
/// the message, whether it is a partial line, and the stream (empty when not CRI).
fn cri_stream(body: &[u8]) -> (&[u8], bool, &[u8]) {
    for stream in [&b"stdout"[..], b"stderr"] {
        if let Some(rest) = body.strip_prefix(stream).and_then(|r| r.strip_prefix(b" ")) {
            if let Some(rest) = rest.strip_prefix(b"F ") {
                return (rest, false, stream);
            }
            if let Some(rest) = rest.strip_prefix(b"P ") {
                return (rest, true, stream);
            }
        }
    }
    (body, false, b"")
}

/// `nginx stdout | msg`, `gunicorn stderr | msg`, `netbox-1  | msg` -> (process, msg).
fn process_prefix(body: &[u8]) -> (&[u8], &[u8]) {
    let name_len = body
        .iter()
        .take(64)
        .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
        .count();
    if name_len == 0 {
        return (&[], body);
    }
    let mut at = name_len;
    for stream in [&b" stdout"[..], b" stderr"] {
        if body[at..].starts_with(stream) {
            at += stream.len();
            break;
        }
    }
    let spaces = body[at..].iter().take_while(|&&b| b == b' ').count();
    if spaces == 0 || !body[at + spaces..].starts_with(b"| ") {
        return (&[], body);
    }
    (&body[..at], &body[at + spaces + 2..])
}

#[cfg(test)]
#[path = "kubectl_tests.rs"]
mod tests;
