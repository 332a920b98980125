//! The headers in front of a log line: `kubectl logs --prefix` gives `[pod/NAME/CONTAINER] `,
//! `--timestamps` an RFC 3339 time and a space, in that order. The same time followed by
//! `stdout F ` is the container runtime's own file format (CRI, found on nodes and in
//! support bundles). Process prefixes come last: supervisord's `nginx stdout | ` and
//! docker compose's `netbox-1  | `. All are optional; what follows is the line as the
//! program wrote it.

use nom::{
    IResult, Parser,
    bytes::complete::{tag, take_while_m_n},
    character::complete::char,
    combinator::{opt, recognize},
};

use crate::parse::timestamp;

/// A line split into its kubectl headers and body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// The whole `[pod/NAME/CONTAINER]` header, used as the stream key.
    pub stream: &'a [u8],
    /// Pod name from `--prefix`.
    pub pod: Option<&'a [u8]>,
    /// Container name from `--prefix`.
    pub container: Option<&'a [u8]>,
    /// The `--timestamps` (or CRI) time, unparsed.
    pub time: Option<&'a [u8]>,
    /// A process prefix (`nginx stdout`, `netbox-1`): part of the stream key, since lines of
    /// two processes never belong to one traceback.
    pub process: &'a [u8],
    /// The rest of the line.
    pub body: &'a [u8],
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
fn kube_time(i: &[u8]) -> IResult<&[u8], &[u8]> {
    let (rest, (t, _)) = (recognize(timestamp::rfc3339_strict), char(' ')).parse(i)?;
    Ok((rest, t))
}

/// Splits `line` into kubectl headers and body; a line without headers is all body.
pub fn split(line: &[u8]) -> Split<'_> {
    let (rest, pre) = match opt(prefix).parse(line) {
        Ok(ok) => ok,
        Err(_) => (line, None),
    };
    let (body, time) = if rest.first().is_some_and(u8::is_ascii_digit) {
        match kube_time(rest) {
            Ok((body, t)) => (body, Some(t)),
            Err(_) => (rest, None),
        }
    } else {
        (rest, None)
    };
    let body = match time {
        Some(_) => cri_stream(body),
        None => body,
    };
    let (process, body) = process_prefix(body);
    Split {
        stream: pre.map(|p| p.0).unwrap_or_default(),
        pod: pre.map(|p| p.1),
        container: pre.map(|p| p.2),
        time,
        process,
        body,
    }
}

/// After a time: CRI's `stdout F ` / `stderr P ` (stream, then full or partial line tag).
fn cri_stream(body: &[u8]) -> &[u8] {
    for stream in [&b"stdout "[..], b"stderr "] {
        if let Some(rest) = body.strip_prefix(stream).and_then(|rest| {
            rest.strip_prefix(b"F ")
                .or_else(|| rest.strip_prefix(b"P "))
        }) {
            return rest;
        }
    }
    body
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
mod tests {
    use super::*;

    #[test]
    fn prefix_and_timestamp() {
        let s = split(
            b"[pod/netbox-7d9c6b5f4-x2x9k/netbox] 2026-11-20T09:14:02.123456789Z Request failed",
        );
        assert_eq!(s.stream, b"[pod/netbox-7d9c6b5f4-x2x9k/netbox]");
        assert_eq!(s.pod, Some(&b"netbox-7d9c6b5f4-x2x9k"[..]));
        assert_eq!(s.container, Some(&b"netbox"[..]));
        assert_eq!(s.time, Some(&b"2026-11-20T09:14:02.123456789Z"[..]));
        assert_eq!(s.body, b"Request failed");
    }

    /// Names as long as Kubernetes allows are a header; longer ones are not (a fuzzed line
    /// with a 29 KB "pod" made every table cell that lists pods take seconds to lay out).
    #[test]
    fn names_longer_than_kubernetes_allows_are_no_header() {
        let line = |pod: usize, container: usize| {
            format!("[pod/{}/{}] body", "p".repeat(pod), "c".repeat(container))
        };
        let longest = line(MAX_POD_NAME, MAX_CONTAINER_NAME);
        assert_eq!(split(longest.as_bytes()).pod.map(<[u8]>::len), Some(253));
        for (pod, container) in [
            (MAX_POD_NAME + 1, 5),
            (5, MAX_CONTAINER_NAME + 1),
            (29_000, 5),
        ] {
            let text = line(pod, container);
            let s = split(text.as_bytes());
            assert_eq!(s.pod, None);
            assert_eq!(s.body, text.as_bytes());
        }
    }

    #[test]
    fn timestamp_only_with_offset_and_no_fraction() {
        let s = split(b"2026-11-20T09:14:02+01:00 hello");
        assert_eq!(s.pod, None);
        assert_eq!(s.time, Some(&b"2026-11-20T09:14:02+01:00"[..]));
        assert_eq!(s.body, b"hello");
    }

    #[test]
    fn prefix_only() {
        let s = split(b"[pod/nb/worker] INFO 2026-11-20 09:14:02,123 ok");
        assert_eq!(s.container, Some(&b"worker"[..]));
        assert_eq!(s.time, None);
        assert_eq!(s.body, b"INFO 2026-11-20 09:14:02,123 ok");
    }

    #[test]
    fn python_time_is_not_a_kubectl_header() {
        let line = b"2026-11-20 09:14:02,123 INFO x";
        let s = split(line);
        assert_eq!(s.time, None);
        assert_eq!(s.body, line);
    }

    #[test]
    fn cri_and_process_prefixes() {
        let s =
            split(b"2026-11-20T09:14:02.123456789Z stderr F Traceback (most recent call last):");
        assert_eq!(s.time, Some(&b"2026-11-20T09:14:02.123456789Z"[..]));
        assert_eq!(s.body, b"Traceback (most recent call last):");
        let s = split(b"gunicorn stderr | Traceback (most recent call last):");
        assert_eq!(s.process, b"gunicorn stderr");
        assert_eq!(s.body, b"Traceback (most recent call last):");
        let s = split(b"netbox-1  | ERROR boom");
        assert_eq!(s.process, b"netbox-1");
        assert_eq!(s.body, b"ERROR boom");
        // Not prefixes: a pipe without the name-spaces shape, a table row, plain text.
        for line in [
            &b"a|b"[..],
            b"| 2026 | stdout | x |",
            b"stdout F x",
            b"a b | c",
        ] {
            let s = split(line);
            assert_eq!(s.body, line, "{}", String::from_utf8_lossy(line));
            assert!(s.process.is_empty());
        }
    }

    #[test]
    fn lookalikes_stay_body() {
        for line in [
            &b"[pod/] x"[..],
            b"[pod/a] x",
            b"[pod/a/b]x",
            b"[20/Nov/2026:09:14:02 +0000] x",
            b"",
        ] {
            let s = split(line);
            assert_eq!(s.body, line, "{:?}", String::from_utf8_lossy(line));
            assert_eq!(s.pod, None);
        }
    }
}
