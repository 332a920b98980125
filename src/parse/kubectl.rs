//! The headers `kubectl logs` puts in front of each line: `--prefix` gives
//! `[pod/NAME/CONTAINER] ` and `--timestamps` gives an RFC 3339 time and a space, in that
//! order. Both are optional; what follows is the line as the container wrote it.

use nom::{
    IResult, Parser,
    bytes::complete::{tag, take_while1},
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
    /// The `--timestamps` time, unparsed.
    pub time: Option<&'a [u8]>,
    /// The rest of the line.
    pub body: &'a [u8],
}

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
            take_while1(name_char),
            char('/'),
            take_while1(name_char),
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
    Split {
        stream: pre.map(|p| p.0).unwrap_or_default(),
        pod: pre.map(|p| p.1),
        container: pre.map(|p| p.2),
        time,
        body,
    }
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
