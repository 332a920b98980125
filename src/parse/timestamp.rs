//! Timestamps as they appear in NetBox pod logs: RFC 3339 from `kubectl --timestamps`,
//! access-log `[20/Nov/2026:09:14:02 +0000]`, Python logging `2026-11-20 09:14:02,123`, ISO
//! 8601 with or without `T`, and epoch numbers in JSON. Parsed only for events that matched,
//! so none of this runs per line.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_while_m_n},
    character::complete::{char, one_of},
    combinator::{map_res, opt},
};

fn digits<'a>(
    n: usize,
) -> impl Parser<&'a [u8], Output = u32, Error = nom::error::Error<&'a [u8]>> {
    map_res(
        take_while_m_n(n, n, |b: u8| b.is_ascii_digit()),
        |d: &[u8]| {
            std::str::from_utf8(d)
                .map_err(|_| ())
                .and_then(|s| s.parse::<u32>().map_err(|_| ()))
        },
    )
}

/// Fraction digits after `.` or `,`, 0 to 9 of them, as nanoseconds.
fn fraction(i: &[u8]) -> IResult<&[u8], u32> {
    let (rest, _) = one_of(".,").parse(i)?;
    let n = rest
        .iter()
        .take(9)
        .take_while(|b| b.is_ascii_digit())
        .count();
    let mut nanos = 0u32;
    for &b in &rest[..n] {
        nanos = nanos * 10 + u32::from(b - b'0');
    }
    nanos *= 10u32.pow(9 - n as u32);
    // Digits past the ninth are accepted and ignored.
    let extra = rest[n..].iter().take_while(|b| b.is_ascii_digit()).count();
    Ok((&rest[n + extra..], nanos))
}

/// `Z`, `+HH:MM`, `+HHMM` or `+HH` as seconds east of UTC.
fn zone(i: &[u8]) -> IResult<&[u8], i32> {
    alt((
        |i| char('Z').parse(i).map(|(r, _)| (r, 0)),
        |i| char('z').parse(i).map(|(r, _)| (r, 0)),
        |i| {
            let (r, (sign, h, _, m)) =
                (one_of("+-"), digits(2), opt(char(':')), opt(digits(2))).parse(i)?;
            let secs = (h * 3600 + m.unwrap_or(0) * 60) as i32;
            Ok((r, if sign == '-' { -secs } else { secs }))
        },
    ))
    .parse(i)
}

#[allow(clippy::too_many_arguments)] // the fields of a date and time, in reading order
fn build(
    y: u32,
    mo: u32,
    d: u32,
    h: u32,
    mi: u32,
    s: u32,
    nanos: u32,
    off: i32,
) -> Option<DateTime<Utc>> {
    let naive =
        NaiveDate::from_ymd_opt(y as i32, mo, d)?.and_hms_nano_opt(h, mi, s.min(59), nanos)?;
    let offset = FixedOffset::east_opt(off)?;
    offset
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// ISO 8601 date and time: `T` or space between, optional `.`/`,` fraction, optional zone
/// (UTC when absent).
pub fn iso(i: &[u8]) -> IResult<&[u8], DateTime<Utc>> {
    let (rest, (y, _, mo, _, d, _, h, _, mi, _, s, frac, off)) = (
        digits(4),
        char('-'),
        digits(2),
        char('-'),
        digits(2),
        one_of("T "),
        digits(2),
        char(':'),
        digits(2),
        char(':'),
        digits(2),
        opt(fraction),
        opt(zone),
    )
        .parse(i)?;
    match build(y, mo, d, h, mi, s, frac.unwrap_or(0), off.unwrap_or(0)) {
        Some(t) => Ok((rest, t)),
        None => Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Verify,
        ))),
    }
}

/// A time as every report writes it: RFC 3339 in UTC with `Z`, fractions only as far as
/// they are not zero (`2026-11-20T09:14:02Z`, `...02.5Z`).
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// Strict RFC 3339 as kubectl writes it: `T`, 0 to 9 fraction digits after `.`, and a zone.
pub fn rfc3339_strict(i: &[u8]) -> IResult<&[u8], DateTime<Utc>> {
    let (rest, (y, _, mo, _, d, _, h, _, mi, _, s)) = (
        digits(4),
        char('-'),
        digits(2),
        char('-'),
        digits(2),
        char('T'),
        digits(2),
        char(':'),
        digits(2),
        char(':'),
        digits(2),
    )
        .parse(i)?;
    let (rest, frac) = if rest.first() == Some(&b'.') {
        fraction(rest).map(|(r, f)| (r, Some(f)))?
    } else {
        (rest, None)
    };
    let (rest, off) = zone(rest)?;
    match build(y, mo, d, h, mi, s, frac.unwrap_or(0), off) {
        Some(t) => Ok((rest, t)),
        None => Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Verify,
        ))),
    }
}

const MONTHS: [&[u8]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

fn month(i: &[u8]) -> IResult<&[u8], u32> {
    for (n, name) in MONTHS.iter().enumerate() {
        if let Ok((rest, _)) = tag::<_, _, nom::error::Error<&[u8]>>(*name).parse(i) {
            return Ok((rest, n as u32 + 1));
        }
    }
    Err(nom::Err::Error(nom::error::Error::new(
        i,
        nom::error::ErrorKind::Tag,
    )))
}

/// Access-log time `20/Nov/2026:09:14:02 +0000` (without the brackets).
pub fn access(i: &[u8]) -> IResult<&[u8], DateTime<Utc>> {
    let (rest, (d, _, mo, _, y, _, h, _, mi, _, s, frac, _, off)) = (
        digits(2),
        char('/'),
        month,
        char('/'),
        digits(4),
        char(':'),
        digits(2),
        char(':'),
        digits(2),
        char(':'),
        digits(2),
        opt(fraction),
        char(' '),
        zone,
    )
        .parse(i)?;
    match build(y, mo, d, h, mi, s, frac.unwrap_or(0), off) {
        Some(t) => Ok((rest, t)),
        None => Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Verify,
        ))),
    }
}

/// Parses a whole value such as a kubectl header or a JSON string field.
pub fn parse_value(v: &[u8]) -> Option<DateTime<Utc>> {
    iso(v).or_else(|_| access(v)).ok().map(|(_, t)| t)
}

/// Seconds, milliseconds, microseconds or nanoseconds since the epoch, told apart by size.
pub fn from_epoch(n: f64) -> Option<DateTime<Utc>> {
    if !n.is_finite() || n <= 0.0 {
        return None;
    }
    let secs = if n < 1e11 {
        n
    } else if n < 1e14 {
        n / 1e3
    } else if n < 1e17 {
        n / 1e6
    } else {
        n / 1e9
    };
    let whole = secs.trunc() as i64;
    let nanos = ((secs - secs.trunc()) * 1e9).round() as u32;
    DateTime::from_timestamp(whole, nanos.min(999_999_999))
}

/// The first timestamp found in the first 256 bytes of a log line, in any known shape.
pub fn find(line: &[u8]) -> Option<DateTime<Utc>> {
    let head = &line[..line.len().min(256)];
    for at in 0..head.len() {
        let b = head[at];
        if !b.is_ascii_digit() || (at > 0 && head[at - 1].is_ascii_digit()) {
            continue;
        }
        let rest = &line[at..];
        if let Ok((_, t)) = iso(rest) {
            return Some(t);
        }
        if let Ok((_, t)) = access(rest) {
            return Some(t);
        }
    }
    None
}

#[cfg(test)]
#[path = "timestamp_tests.rs"]
mod tests;
