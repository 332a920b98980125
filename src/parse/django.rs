//! Django's error reports, as e-mailed by `AdminEmailHandler` and as the technical 500
//! page prints them in text (or copied out of its HTML as tab-separated tables): the
//! header (`AuthCanceled at /oauth/complete/azuread-oauth2/`), a traceback whose blank
//! lines and chain markers differ from Python's, `Exception Type:` / `Exception Value:`,
//! and the request dump (`Request information:`, then `USER`, `GET`, `POST`, `FILES`,
//! `COOKIES`, `META`, `Settings`, and the `Local vars` of each frame).
//!
//! The dump is the request as Django saw it: cookies, headers and settings whose names
//! and values mention errors, tokens and the identity provider without saying anything
//! went wrong (`SOCIAL_AUTH_LOGIN_ERROR_URL = '/login/?error=sso'`). It is never matched,
//! except the rows of its `GET` section that hold what Entra sent back (`error`,
//! `error_description`).
//! See: issue 17 (shapes).

/// A part of a request dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// The query string: what the identity provider sent back. Matched.
    Get,
    /// Everything else (user, form, files, cookies, headers, settings, local variables).
    Other,
}

/// What a line of a request dump is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DumpLine {
    /// `Request information:` (or `Request information`, `Request repr():`).
    Start,
    /// A section's heading, maybe with its only value on the same line (`USER: x`,
    /// `GET: No GET data`).
    Heading(Section),
    /// A variable and its value, a value going on, a table's header, a note.
    Row,
    /// A blank line.
    Blank,
}

const HEADINGS: &[(&[u8], Section)] = &[
    (b"GET", Section::Get),
    (b"POST", Section::Other),
    (b"FILES", Section::Other),
    (b"COOKIES", Section::Other),
    (b"META", Section::Other),
    (b"USER", Section::Other),
    (b"Settings", Section::Other),
    (b"Local vars", Section::Other),
    (b"path", Section::Other),
];

const NOTES: &[&[u8]] = &[
    b"Variable\tValue",
    b"Setting\tValue",
    b"Variable Value",
    b"Setting Value",
    b"Using settings module",
    b"No GET data",
    b"No POST data",
    b"No FILES data",
    b"No cookie data",
    b"Request data not supplied",
    b"You're seeing this error because",
    "You’re seeing this error because".as_bytes(),
    b"Django settings file.",
    b"display a standard page",
];

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// True when `body` is the first line of a request dump.
pub fn starts_dump(body: &[u8]) -> bool {
    let t = body.trim_ascii();
    t == b"Request information:" || t == b"Request information" || t.starts_with(b"Request repr():")
}

/// What `body` is in a request dump, or `None` when it cannot be part of one.
pub fn dump_line(body: &[u8]) -> Option<DumpLine> {
    let t = body.trim_ascii_end();
    if t.trim_ascii_start().is_empty() {
        return Some(DumpLine::Blank);
    }
    if starts_dump(t) {
        return Some(DumpLine::Start);
    }
    for (name, section) in HEADINGS {
        if let Some(rest) = t.strip_prefix(*name)
            && (rest.is_empty() || rest.starts_with(b":"))
        {
            return Some(DumpLine::Heading(*section));
        }
    }
    if NOTES.iter().any(|n| t.starts_with(n)) {
        return Some(DumpLine::Row);
    }
    let first = t[0];
    // A value going on (a long repr, pprint's later lines, an HTML table's cell).
    if first.is_ascii_whitespace() || b"'\"[{(<)]}".contains(&first) {
        return Some(DumpLine::Row);
    }
    // `NAME = value`, `NAME<TAB>value`, `NAME` alone (its value below it).
    let name = t.iter().take_while(|b| is_name_byte(**b)).count();
    if name > 0 && first.is_ascii_alphabetic() {
        let rest = &t[name..];
        if rest.is_empty() || rest.starts_with(b" = ") || rest.starts_with(b"\t") {
            return Some(DumpLine::Row);
        }
        // A user name under `USER` in a copied table (`jdoe@example.com`).
        if rest
            .iter()
            .all(|b| is_name_byte(*b) || *b == b'@' || *b == b'+')
        {
            return Some(DumpLine::Row);
        }
    }
    None
}

/// True for a row of the query string that holds what the identity provider sent back
/// (`error`, `error_description`, `error_uri`, or an AADSTS code anywhere): the only rows of
/// a dump that are matched.
pub fn is_error_row(body: &[u8]) -> bool {
    let t = body.trim_ascii_start();
    t.starts_with(b"error") || memchr::memmem::find(body, b"AADSTS").is_some()
}

/// The section of a request dump that `body` sits in, looking back through `before` (the
/// bodies of the lines above it, nearest first, `None` for a line of another stream);
/// `None` when it is not in one. Only a line that could be in a dump is looked back from.
/// `known` is the answer for a line further up, as (lines up, section): a walk that gets
/// there without meeting a heading ends with that answer, so a run of dump-shaped lines is
/// walked once, not once per line.
pub fn section_of<'l>(
    body: &[u8],
    before: impl IntoIterator<Item = Option<&'l [u8]>>,
    known: Option<(usize, Option<Section>)>,
) -> Option<Section> {
    match dump_line(body)? {
        DumpLine::Start | DumpLine::Blank => return None,
        DumpLine::Heading(section) => return Some(section),
        DumpLine::Row => {}
    }
    // A dump's sections are long (Django's settings are hundreds of lines).
    for (up, line) in before.into_iter().take(4096).enumerate() {
        if let Some((at, section)) = known
            && at == up + 1
        {
            return section;
        }
        match dump_line(line?)? {
            DumpLine::Heading(section) => return Some(section),
            DumpLine::Start => return Some(Section::Other),
            DumpLine::Row | DumpLine::Blank => {}
        }
    }
    None
}

/// Django's report header: `ExceptionClass at /path/` (the class's name alone, or
/// `Report`), the exception value under it.
pub fn is_report_header(body: &[u8]) -> bool {
    if !body.first().is_some_and(u8::is_ascii_uppercase) {
        return false;
    }
    let name = body
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
        .count();
    let rest = &body[name..];
    rest.starts_with(b" at /") && !rest[4..].iter().any(u8::is_ascii_whitespace)
}

/// The lines that go on a traceback's exception in Django's report (`Exception Value:`
/// under `Exception Type:`) and in Entra's messages (`Trace ID:` under the error).
pub fn continues_exception(body: &[u8]) -> bool {
    [
        &b"Exception Value:"[..],
        b"Exception Location:",
        b"Raised during:",
        b"Trace ID:",
        b"Correlation ID:",
        b"Timestamp:",
    ]
    .iter()
    .any(|p| body.starts_with(p))
}

/// Django's marker between chained exceptions, which has the earlier exception's message
/// in it and no `Traceback` line after it.
pub fn is_chain_marker(body: &[u8]) -> bool {
    body.starts_with(b"During handling of the above exception (")
        || body.starts_with(b"The above exception (")
}

#[cfg(test)]
#[path = "django_tests.rs"]
mod tests;
