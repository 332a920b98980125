//! Timestamps as they appear in NetBox pod logs: RFC 3339 from `kubectl --timestamps`,
//! access-log `[20/Nov/2026:09:14:02 +0000]`, Python logging `2026-11-20 09:14:02,123`, ISO
//! 8601 with or without `T` (Go's `2026-11-20 09:14:02.5 +0000 UTC` too), epoch numbers in
//! JSON and after logfmt's `ts=`, the e-mail and Django `Server time:` form
//! (`Fri, 20 Nov 2026 09:14:02 +0000`) and Kibana's `Nov 20, 2026 @ 09:14:02.123`. Parsed
//! only for events that matched, so none of this runs per line.

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

/// A numeric zone after one space (`2026-11-20 09:14:02 +0000`, gunicorn's and Go's
/// `time.String()` form, which adds the zone's name: ` +0000 UTC`); `Z` is never spaced.
fn spaced_zone(i: &[u8]) -> IResult<&[u8], i32> {
    let (rest, _) = char(' ').parse(i)?;
    if !matches!(rest.first(), Some(b'+' | b'-')) {
        return Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Char,
        )));
    }
    let (rest, off) = zone(rest)?;
    // `+01` alone after a space is too weak a sign (`12:00:00 -12 items`): hours and minutes.
    let used = i.len() - rest.len();
    if used < 6 || rest.first().is_some_and(u8::is_ascii_digit) {
        return Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Digit,
        )));
    }
    Ok((rest, off))
}

/// ISO 8601 date and time: `T` or space between, optional `.`/`,` fraction, optional zone
/// (UTC when absent), written right after the time or after one space.
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
        opt(alt((zone, spaced_zone))),
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

/// A time as every report writes it: RFC 3339 in UTC with `Z` and always three fraction
/// digits (`2026-11-20T09:14:02.000Z`), so that times sort as text.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
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

/// The length of the strict RFC 3339 time [`rfc3339_strict`] reads at the start of `b`,
/// told without building it: the kubectl layer asks this of every line it splits, and the
/// parser's cost (number conversions, the calendar) was most of a split.
pub fn rfc3339_strict_len(b: &[u8]) -> Option<usize> {
    let num = |at: usize, n: usize| -> Option<u32> {
        let d = b.get(at..at + n)?;
        d.iter()
            .all(u8::is_ascii_digit)
            .then(|| d.iter().fold(0, |v, c| v * 10 + u32::from(c - b'0')))
    };
    let sep = |at: usize, c: u8| b.get(at) == Some(&c);
    let (y, mo, d) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (h, mi) = (num(11, 2)?, num(14, 2)?);
    num(17, 2)?;
    if !(sep(4, b'-') && sep(7, b'-') && sep(10, b'T') && sep(13, b':') && sep(16, b':')) {
        return None;
    }
    let mut i = 19;
    if sep(i, b'.') {
        i += 1 + b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
    }
    match b.get(i)? {
        b'Z' | b'z' => i += 1,
        b'+' | b'-' => {
            let oh = num(i + 1, 2)?;
            i += 3;
            if sep(i, b':') {
                i += 1;
            }
            if num(i, 2).is_some() {
                i += 2;
            }
            if oh > 23 {
                return None;
            }
        }
        _ => return None,
    }
    // The calendar's checks, as `build` makes them.
    let valid = NaiveDate::from_ymd_opt(y as i32, mo, d).is_some() && h < 24 && mi < 60;
    valid.then_some(i)
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

/// `Fri, 20 Nov 2026 09:14:02 +0000` (RFC 2822: e-mail `Date:` headers, Django's `Server
/// time:`), from the day on (the weekday is not needed), zone optional (UTC when absent).
pub fn day_first(i: &[u8]) -> IResult<&[u8], DateTime<Utc>> {
    let (rest, (d, _, mo, _, y, _, h, _, mi, _, s, frac)) = (
        take_while_m_n(1, 2, |b: u8| b.is_ascii_digit()),
        char(' '),
        month,
        char(' '),
        digits(4),
        char(' '),
        digits(2),
        char(':'),
        digits(2),
        char(':'),
        digits(2),
        opt(fraction),
    )
        .parse(i)?;
    let d = small_number(d);
    let (rest, off) = named_zone(rest);
    finish(i, rest, build(y, mo, d, h, mi, s, frac.unwrap_or(0), off))
}

/// `Nov 20, 2026 @ 09:14:02.123` (Kibana's Discover table) and `Nov 20, 2026, 09:14:02`:
/// the month first, then the day, a comma and the year.
pub fn month_first(i: &[u8]) -> IResult<&[u8], DateTime<Utc>> {
    let (rest, (mo, _, d, _, _, y)) = (
        month,
        char(' '),
        take_while_m_n(1, 2, |b: u8| b.is_ascii_digit()),
        char(','),
        char(' '),
        digits(4),
    )
        .parse(i)?;
    let between: &[&[u8]] = &[b" @ ", b", ", b" "];
    let Some(sep) = between.iter().find(|s| rest.starts_with(s)) else {
        return Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Tag,
        )));
    };
    let (rest, (h, _, mi, _, s, frac)) = (
        digits(2),
        char(':'),
        digits(2),
        char(':'),
        digits(2),
        opt(fraction),
    )
        .parse(&rest[sep.len()..])?;
    let (rest, off) = named_zone(rest);
    finish(
        i,
        rest,
        build(y, mo, small_number(d), h, mi, s, frac.unwrap_or(0), off),
    )
}

fn small_number(d: &[u8]) -> u32 {
    d.iter().fold(0, |n, b| n * 10 + u32::from(b - b'0'))
}

/// An optional zone after a space: numeric, `GMT`, `UTC` or `Z`; UTC when absent.
fn named_zone(i: &[u8]) -> (&[u8], i32) {
    if let Ok((rest, off)) = spaced_zone(i) {
        return (rest, off);
    }
    for name in [&b" GMT"[..], b" UTC", b" Z"] {
        if let Some(rest) = i.strip_prefix(name)
            && !rest.first().is_some_and(u8::is_ascii_alphanumeric)
        {
            return (rest, 0);
        }
    }
    (i, 0)
}

fn finish<'a>(
    input: &'a [u8],
    rest: &'a [u8],
    t: Option<DateTime<Utc>>,
) -> IResult<&'a [u8], DateTime<Utc>> {
    match t {
        Some(t) => Ok((rest, t)),
        None => Err(nom::Err::Error(nom::error::Error::new(
            input,
            nom::error::ErrorKind::Verify,
        ))),
    }
}

/// Parses a whole value such as a kubectl header, a log viewer's time column or a JSON
/// string field.
pub fn parse_value(v: &[u8]) -> Option<DateTime<Utc>> {
    let v = v.trim_ascii();
    let parsed = iso(v)
        .or_else(|_| access(v))
        .or_else(|_| day_first(v))
        .or_else(|_| month_first(v));
    match parsed {
        Ok((_, t)) => Some(t),
        // A number alone is an epoch time (a JSON `"time": "1714644672"`).
        Err(_) => match epoch(v) {
            Ok(([], t)) => Some(t),
            _ => None,
        },
    }
}

/// A value that is a time and nothing else, in any shape above (a log viewer's time
/// column): `None` when anything but blanks follows the time.
pub fn whole(v: &[u8]) -> Option<DateTime<Utc>> {
    type Shape = fn(&[u8]) -> IResult<&[u8], DateTime<Utc>>;
    let v = v.trim_ascii();
    let shapes: [Shape; 5] = [iso, access, day_first, month_first, epoch];
    shapes.iter().find_map(|shape| match shape(v) {
        Ok((rest, t)) if rest.trim_ascii().is_empty() => Some(t),
        _ => None,
    })
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

/// An epoch number as written (`1714644672`, `1714644672.123`, `1714644672123`), read
/// exactly: the unit is told by the number of whole digits (9 to 11 seconds, 12 to 14
/// milliseconds, 15 to 17 microseconds, 18 to 20 nanoseconds), and the fraction is not
/// rounded through a float (zap's `1714644672.123` is .123, not .122999907).
pub fn epoch(i: &[u8]) -> IResult<&[u8], DateTime<Utc>> {
    let whole = i.iter().take_while(|b| b.is_ascii_digit()).count();
    let mut rest = &i[whole..];
    let mut frac: &[u8] = &[];
    if rest.first() == Some(&b'.') {
        let n = rest[1..].iter().take_while(|b| b.is_ascii_digit()).count();
        if n > 0 {
            frac = &rest[1..1 + n];
            rest = &rest[1 + n..];
        }
    }
    let unit_digits = match whole {
        9..=11 => 0,
        12..=14 => 3,
        15..=17 => 6,
        18..=20 => 9,
        _ => return finish(i, rest, None),
    };
    if rest
        .first()
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'.')
    {
        return finish(i, rest, None);
    }
    // Nanoseconds since the epoch, from all the digits: whole, then the fraction.
    let mut nanos: i128 = 0;
    for &b in &i[..whole] {
        nanos = nanos * 10 + i128::from(b - b'0');
    }
    let scale = 9 - unit_digits;
    nanos *= 10i128.pow(scale);
    let mut place = 10i128.pow(scale);
    for &b in frac.iter().take(scale as usize) {
        place /= 10;
        nanos += i128::from(b - b'0') * place;
    }
    let secs = (nanos / 1_000_000_000) as i64;
    let sub = (nanos % 1_000_000_000) as u32;
    finish(i, rest, DateTime::from_timestamp(secs, sub))
}

/// Keys before which a number is an epoch time (logfmt `ts=1714644672.123`, a JSON
/// `"time": 1714644672123`); a bare number anywhere else is not a time.
const EPOCH_KEYS: &[&[u8]] = &[
    b"ts",
    b"t",
    b"time",
    b"timestamp",
    b"@timestamp",
    b"epoch",
    b"date",
    b"logtime",
];

/// True when the number at `at` follows `key=`, `key:`, `"key":` or `key="`, with `key` one
/// of [`EPOCH_KEYS`].
fn after_epoch_key(line: &[u8], at: usize) -> bool {
    let mut i = at;
    let step_over = |i: &mut usize, b: u8| {
        if *i > 0 && line[*i - 1] == b {
            *i -= 1;
        }
    };
    step_over(&mut i, b'"');
    if i == 0 || !matches!(line[i - 1], b'=' | b':') {
        return false;
    }
    i -= 1;
    step_over(&mut i, b' ');
    step_over(&mut i, b'"');
    let end = i;
    while i > 0 && (line[i - 1].is_ascii_alphabetic() || line[i - 1] == b'@' || line[i - 1] == b'_')
    {
        i -= 1;
    }
    let key = &line[i..end];
    (i == 0 || !line[i - 1].is_ascii_alphanumeric())
        && EPOCH_KEYS.iter().any(|k| key.eq_ignore_ascii_case(k))
}

/// The first timestamp found in the first 256 bytes of a log line, in any known shape.
pub fn find(line: &[u8]) -> Option<DateTime<Utc>> {
    let head = &line[..line.len().min(256)];
    for at in 0..head.len() {
        let b = head[at];
        let rest = &line[at..];
        if b.is_ascii_uppercase() && (at == 0 || !head[at - 1].is_ascii_alphabetic()) {
            if let Ok((_, t)) = month_first(rest) {
                return Some(t);
            }
            continue;
        }
        if !b.is_ascii_digit() || (at > 0 && head[at - 1].is_ascii_digit()) {
            continue;
        }
        if let Ok((_, t)) = iso(rest) {
            return Some(t);
        }
        if let Ok((_, t)) = access(rest) {
            return Some(t);
        }
        if let Ok((_, t)) = day_first(rest) {
            return Some(t);
        }
        if after_epoch_key(line, at)
            && let Ok((_, t)) = epoch(rest)
        {
            return Some(t);
        }
    }
    None
}

/// Parses a duration such as `90s`, `10m`, `1h30m` or `90` (seconds), at most 365 days.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    const MAX_DURATION_SECS: i64 = 365 * 86400;
    let bad = || format!("invalid duration {text:?}: use e.g. 90s, 10m or 1h");
    let too_long = || format!("duration {text:?} is too long: at most 365d");
    let mut total = 0i64;
    let mut number = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86400,
            _ => return Err(bad()),
        };
        let n: i64 = number.parse().map_err(|_| bad())?;
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(too_long)?;
        number.clear();
    }
    if !number.is_empty() {
        let n: i64 = number.parse().map_err(|_| too_long())?;
        total = total.checked_add(n).ok_or_else(too_long)?;
    }
    if total <= 0 {
        return Err(bad());
    }
    // A year is more than any login waits; past it, time arithmetic would overflow.
    if total > MAX_DURATION_SECS {
        return Err(too_long());
    }
    Ok(total)
}

#[cfg(test)]
#[path = "timestamp_tests.rs"]
mod tests;
