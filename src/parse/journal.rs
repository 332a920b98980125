//! The prefix journald (`journalctl`) and syslog put on every line: a time, the host and
//! the program with its process id (`May 02 10:11:12 netbox-vm netbox[2211]: `). It is
//! taken off so a traceback or a wrapped message inside reads as the program wrote it; the
//! host and program are the line's stream (lines of two processes never join). The time is
//! kept when it is whole: journalctl's `short` output has no year, and a guessed year would
//! put the event in the wrong place, so only `short-iso`, `short-full` (UTC) and
//! `short-unix` give one.

use crate::parse::timestamp;

/// A journal prefix taken apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prefix<'a> {
    /// `host program[pid]`: the stream the line belongs to.
    pub key: &'a [u8],
    /// The time, when it has a date and zone.
    pub time: Option<&'a [u8]>,
    /// The message.
    pub body: &'a [u8],
}

const MONTHS: [&[u8]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];
const WEEKDAYS: [&[u8]; 7] = [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"];

fn digits(b: &[u8], n: usize) -> bool {
    b.len() >= n && b[..n].iter().all(u8::is_ascii_digit)
}

/// `HH:MM:SS` and an optional fraction at the start of `b`: its length.
fn clock(b: &[u8]) -> Option<usize> {
    if !(digits(b, 2)
        && b.get(2) == Some(&b':')
        && digits(&b[3..], 2)
        && b.get(5) == Some(&b':')
        && digits(&b[6..], 2))
    {
        return None;
    }
    let mut n = 8;
    if b.get(n) == Some(&b'.') {
        n += 1 + b[n + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
    }
    Some(n)
}

/// `host program[pid]: ` (or `host program: ` when `pid_needed` is false) at the start of
/// `b`: the key and the message.
pub fn after_time(b: &[u8], pid_needed: bool) -> Option<(&[u8], &[u8])> {
    let host_end = b.iter().take(256).position(|&c| c == b' ')?;
    if host_end == 0 || !b[0].is_ascii_alphanumeric() {
        return None;
    }
    let ident = &b[host_end + 1..];
    let colon = ident.iter().take(128).position(|&c| c == b':')?;
    let name = &ident[..colon];
    if name.is_empty() || name.iter().any(|&c| c == b' ' || c == b'\t') {
        return None;
    }
    let has_pid = match (name.iter().position(|&c| c == b'['), name.last()) {
        (Some(open), Some(b']')) => {
            open > 0
                && open + 2 < name.len()
                && name[open + 1..name.len() - 1]
                    .iter()
                    .all(u8::is_ascii_digit)
        }
        _ => false,
    };
    if pid_needed && !has_pid {
        return None;
    }
    if !has_pid && name.iter().any(|&c| c == b'[' || c == b']') {
        return None;
    }
    let rest = &ident[colon + 1..];
    let body = match rest.first() {
        None => rest,
        Some(b' ') => &rest[1..],
        Some(_) => return None,
    };
    Some((&b[..host_end + 1 + colon], body))
}

/// A journal or syslog line's prefix, in journalctl's `short`, `short-precise`,
/// `short-full` and `short-unix` shapes (`short-iso` begins like a kubectl time, and the
/// kubectl layer hands it to [`after_time`]).
pub fn prefix(line: &[u8]) -> Option<Prefix<'_>> {
    let first = *line.first()?;
    if first.is_ascii_uppercase() {
        // `May 02 10:11:12` / `May  2 10:11:12`, or `Thu 2024-05-02 10:11:12 UTC`.
        if MONTHS.iter().any(|m| line.starts_with(m)) && line.get(3) == Some(&b' ') {
            let day = &line[4..];
            let padded = day.first() == Some(&b' ') && digits(&day[1..], 1);
            let day_len = if padded || digits(day, 2) {
                2
            } else if digits(day, 1) {
                1
            } else {
                return None;
            };
            if day.get(day_len) != Some(&b' ') {
                return None;
            }
            let at = 4 + day_len + 1;
            let n = clock(&line[at..])?;
            if line.get(at + n) != Some(&b' ') {
                return None;
            }
            let (key, body) = after_time(&line[at + n + 1..], false)?;
            return Some(Prefix {
                key,
                time: None,
                body,
            });
        }
        if WEEKDAYS.iter().any(|w| line.starts_with(w)) && line.get(3) == Some(&b' ') {
            let date = &line[4..];
            if !(digits(date, 4) && date.get(4) == Some(&b'-') && date.get(10) == Some(&b' ')) {
                return None;
            }
            let n = clock(&date[11..])?;
            let zone_at = 11 + n;
            if date.get(zone_at) != Some(&b' ') {
                return None;
            }
            let zone_len = date[zone_at + 1..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-'))
                .count();
            let zone = &date[zone_at + 1..zone_at + 1 + zone_len];
            let end = zone_at + 1 + zone_len;
            if date.get(end) != Some(&b' ') {
                return None;
            }
            let (key, body) = after_time(&date[end + 1..], false)?;
            let utc = zone == b"UTC" || zone == b"GMT";
            return Some(Prefix {
                key,
                time: utc.then_some(&date[..zone_at]),
                body,
            });
        }
        return None;
    }
    if first.is_ascii_digit() {
        // `short-unix`: seconds since the epoch with a fraction.
        let whole = line.iter().take_while(|c| c.is_ascii_digit()).count();
        if whole != 10 || line.get(whole) != Some(&b'.') {
            return None;
        }
        let frac = line[whole + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        let end = whole + 1 + frac;
        if frac == 0 || line.get(end) != Some(&b' ') {
            return None;
        }
        let (key, body) = after_time(&line[end + 1..], true)?;
        let time = &line[..end];
        return Some(Prefix {
            key,
            time: timestamp::whole(time).is_some().then_some(time),
            body,
        });
    }
    None
}

#[cfg(test)]
#[path = "journal_tests.rs"]
mod tests;
