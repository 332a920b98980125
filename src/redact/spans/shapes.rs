//! Shapes masked wherever they stand: random-looking tokens, JWTs (also over lines),
//! Entra client secrets and authorization codes, credentials in URLs, SAML assertions, and
//! base64 that decodes to a credential.

use std::sync::LazyLock;

use super::keys::{is_guid, skip_blanks};
use super::{Kind, Span, find_all};

pub(super) fn is_token_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'_' | b'~' | b'.' | b'-')
}

pub(super) fn is_b64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b'=')
}

pub(super) const SCHEMES: &[&[u8]] = &[
    b"bearer",
    b"basic",
    b"negotiate",
    b"ntlm",
    b"digest",
    b"dpop",
    b"pop",
    b"hoba",
    b"mutual",
    b"sharedkey",
    b"sharedkeylite",
    b"sharedaccesssignature",
    b"aws4-hmac-sha256",
    b"mac",
];

/// Shapes masked wherever they stand, and random-looking tokens.
pub(super) fn shapes(b: &[u8], out: &mut Vec<Span>, depth: u8) {
    entra_secrets(b, out);
    userinfo(b, out);
    saml(b, out);
    let mut i = 0;
    while i < b.len() {
        if !is_token_byte(b[i]) {
            i += 1;
            continue;
        }
        let mut s = i;
        while i < b.len() && is_token_byte(b[i]) {
            i += 1;
        }
        // A token right after an escaped quote (`\x22TOKEN`) starts after the escape.
        if s > 0 && b[s - 1] == b'\\' {
            for esc in [&b"x22"[..], b"x27", b"u0022", b"u0027"] {
                if b[s..i].starts_with(esc) {
                    s += esc.len();
                    break;
                }
            }
        }
        // Base64 padding belongs to the token.
        while i < b.len() && b[i] == b'=' && i - s < 4096 * 1024 && b.get(i + 1) != Some(&b'=') {
            if i + 1 < b.len() && is_token_byte(b[i + 1]) {
                break;
            }
            i += 1;
        }
        let mut e = i;
        // Sentence punctuation after a token is not part of it.
        while e > s && matches!(b[e - 1], b'.' | b'-' | b'/') {
            e -= 1;
        }
        if e <= s {
            continue;
        }
        // What a token read past its run (a JWT's dots and padding, a scheme's credential)
        // is not read again.
        i = i.max(token(b, s, e, out, depth));
    }
}

/// One run of token bytes: a scheme's credential after it, a JWT, an Entra code, random.
/// Returns how far it read.
pub(super) fn token(b: &[u8], s: usize, e: usize, out: &mut Vec<Span>, depth: u8) -> usize {
    let run = &b[s..e];
    // `Bearer X`, `Negotiate\tX`, `Bearer: X`: the next token is the credential.
    if SCHEMES.iter().any(|w| run.eq_ignore_ascii_case(w))
        && matches!(b.get(e), Some(b' ' | b'\t' | b':'))
    {
        let mut cs = e;
        if b.get(cs) == Some(&b':') {
            cs += 1;
        }
        cs = skip_blanks(b, cs);
        let mut ce = cs;
        while ce < b.len() && (is_token_byte(b[ce]) || b[ce] == b'=' || b[ce] == b':') {
            ce += 1;
        }
        if ce - cs >= 8 {
            out.push(Span {
                start: cs,
                end: ce,
                kind: Kind::Token,
            });
        }
        return ce;
    }
    let jwt = run.windows(3).position(|w| w == b"eyJ");
    if let (true, Some(p)) = (run.len() >= 16, jwt) {
        // A JWT (or a JWT's part): base64url JSON.
        let at = s + p;
        let mut je = at;
        while je < b.len() && is_b64url(b[je]) {
            je += 1;
        }
        if je - at >= 16 {
            out.push(Span {
                start: at,
                end: je,
                kind: Kind::Token,
            });
            return je;
        }
    }
    // Microsoft account authorization codes: `M.R3_BAY.` and a GUID or more.
    if run.len() >= 30 && msa_code_prefix(run) {
        out.push(Span {
            start: s,
            end: e,
            kind: Kind::Code,
        });
        return e;
    }
    if run.len() >= 30 && (run.starts_with(b"0.A") || run.starts_with(b"1.A")) {
        out.push(Span {
            start: s,
            end: e,
            kind: Kind::Code,
        });
        return e;
    }
    if hex_text(run) {
        out.push(Span {
            start: s,
            end: e,
            kind: Kind::Secret,
        });
        return e;
    }
    if let Some(end) = vendor_token(b, s, e) {
        out.push(Span {
            start: s,
            end,
            kind: Kind::Token,
        });
        return end;
    }
    if looks_random(run) {
        out.push(Span {
            start: s,
            end: e,
            kind: Kind::Token,
        });
        return e;
    }
    // A path or dotted name may hold one random part: mask that part only.
    if run.len() >= 20 && run.iter().any(|c| matches!(c, b'/' | b'.')) {
        let mut p = s;
        for piece in run.split(|c| matches!(c, b'/' | b'.')) {
            if looks_random(piece) {
                out.push(Span {
                    start: p,
                    end: p + piece.len(),
                    kind: Kind::Token,
                });
            }
            p += piece.len() + 1;
        }
    }
    if depth == 0 && run.len() >= 12 {
        base64_credential(b, s, e, out);
    }
    e
}

/// Hex that decodes to printable text of 8 bytes or more (a secret written out as hex
/// bytes, `77696c6c6f77...`): a request id or a digest in hex decodes to random bytes.
fn hex_text(run: &[u8]) -> bool {
    if run.len() < 16 || !run.len().is_multiple_of(2) || !run.iter().all(u8::is_ascii_hexdigit) {
        return false;
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => c - b'0',
        _ => (c | 0x20) - b'a' + 10,
    };
    let mut letters = 0;
    for pair in run.chunks_exact(2) {
        let byte = nibble(pair[0]) << 4 | nibble(pair[1]);
        if !(0x20..0x7f).contains(&byte) {
            return false;
        }
        letters += usize::from(byte.is_ascii_alphabetic());
    }
    letters >= 4
}

/// Prefixes that vendors put before their API tokens, and how many characters at least
/// follow: a token that starts with one is masked whatever its rest looks like (Slack's
/// `xoxb-` parts are mostly digits, Stripe's keys may read as words).
const VENDOR_PREFIXES: &[(&[u8], usize)] = &[
    (b"xoxa-", 10),
    (b"xoxb-", 10),
    (b"xoxp-", 10),
    (b"xoxr-", 10),
    (b"xoxs-", 10),
    (b"xoxe-", 10),
    (b"xapp-", 10),
    (b"sk_live_", 10),
    (b"rk_live_", 10),
    (b"sk_test_", 10),
    (b"rk_test_", 10),
    (b"whsec_", 10),
    // AWS access key ids.
    (b"AKIA", 16),
    (b"ASIA", 16),
    (b"ghp_", 20),
    (b"gho_", 20),
    (b"ghu_", 20),
    (b"ghs_", 20),
    (b"ghr_", 20),
    (b"github_pat_", 20),
    (b"glpat-", 16),
    // Django's generated SECRET_KEY: its rest holds any punctuation, so it runs to the
    // next blank or quote.
    (b"django-insecure-", 10),
];

/// The end of a vendor's API token starting at `s` (its run of token bytes ends at `e`),
/// or of a Telegram bot token (`123456789:` and 35 characters), if it is one.
fn vendor_token(b: &[u8], s: usize, e: usize) -> Option<usize> {
    let run = &b[s..e];
    for (prefix, min) in VENDOR_PREFIXES {
        if run.len() >= prefix.len() && run[..prefix.len()].eq_ignore_ascii_case(prefix) {
            let mut end = e;
            if prefix.ends_with(b"insecure-") {
                while end < b.len()
                    && !b[end].is_ascii_whitespace()
                    && !matches!(b[end], b'"' | b'\'' | b'`' | b',' | b';')
                {
                    end += 1;
                }
            }
            return (end - s >= prefix.len() + min).then_some(end);
        }
    }
    if (8..=10).contains(&run.len())
        && run.iter().all(u8::is_ascii_digit)
        && b.get(e) == Some(&b':')
    {
        let rest = b.get(e + 1..)?;
        let n = rest
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-'))
            .count();
        return (n == 35).then_some(e + 1 + n);
    }
    None
}

/// `M.` then a data-centre tag with an underscore (`R3_BAY`, `C521_BL2`) and a dot: how a
/// Microsoft account's authorization code begins.
pub(super) fn msa_code_prefix(run: &[u8]) -> bool {
    let Some(rest) = run.strip_prefix(b"M.") else {
        return false;
    };
    let Some(dot) = rest.iter().position(|c| *c == b'.') else {
        return false;
    };
    let tag = &rest[..dot];
    (4..=12).contains(&tag.len())
        && tag.contains(&b'_')
        && tag
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_')
}

/// True for a token that looks like a random value: 20 or more characters, letters and
/// digits mixed the way generated values mix them, and not a GUID, a number or a time.
pub fn looks_random(t: &[u8]) -> bool {
    if t.len() < 20 || is_guid(t) {
        return false;
    }
    // A GUID glued to the next word (`...5e70Correlation` in a pasted error page).
    if t.len() > 36 && is_guid(&t[..36]) {
        return looks_random(&t[36..]);
    }
    let (mut lower, mut upper, mut digit, mut other) = (0usize, 0usize, 0usize, 0usize);
    let mut switches = 0usize;
    let mut prev = 0u8;
    let mut longest_piece = 0usize;
    let mut piece = 0usize;
    for &c in t {
        let class = if c.is_ascii_lowercase() {
            lower += 1;
            1
        } else if c.is_ascii_uppercase() {
            upper += 1;
            2
        } else if c.is_ascii_digit() {
            digit += 1;
            3
        } else {
            other += 1;
            4
        };
        if class == 4 {
            longest_piece = longest_piece.max(piece);
            piece = 0;
        } else {
            piece += 1;
        }
        // Case and digit switches within the alphanumeric pieces (a `/` or `.` between
        // two names is no sign of chance).
        if prev != 0 && prev != 4 && class != 4 && class != prev {
            switches += 1;
        }
        prev = class;
    }
    longest_piece = longest_piece.max(piece);
    let letters = lower + upper;
    if letters == 0 || digit + other == t.len() {
        return false;
    }
    // Hex of more than 32 (keys, digests, API tokens). 32 hex digits are a GUID without
    // its dashes, the shape of nginx's `$request_id`: a known id, kept for correlation.
    if t.len() > 32 && other == 0 && t.iter().all(u8::is_ascii_hexdigit) && digit >= 4 {
        return true;
    }
    if t.len() == 32
        && other == 0
        && t.iter().all(u8::is_ascii_hexdigit)
        && (lower == 0 || upper == 0)
    {
        return false;
    }
    // Letters only, both cases mixed at random (no word humps): 32 or more.
    if digit == 0
        && other == 0
        && t.len() >= 32
        && upper >= 4
        && lower >= 4
        && switches * 10 >= t.len() * 3
        && entropy(t) >= 4.2
    {
        return true;
    }
    // Product-key style: four or more equal groups of letters and digits (`ZQI2-7KD3-...`).
    if other > 0 && digit >= 4 && letters >= 4 && grouped(t) {
        return true;
    }
    if digit < 2 || letters < 6 || longest_piece < 12 {
        return false;
    }
    if entropy(t) < 3.3 {
        return false;
    }
    if upper >= 2 && lower >= 2 {
        // Names in camelCase switch class at word humps only (`SafeLinksScanner`: 5 in
        // 16); generated values at most characters (about 3 in 5).
        switches * 5 >= (t.len() - other) * 2
    } else {
        digit >= 4 && longest_piece >= 16 && switches * 4 >= t.len()
    }
}

/// Four or more groups of the same length (4 to 8), letters and digits, split by one kind
/// of separator.
pub(super) fn grouped(t: &[u8]) -> bool {
    let Some(&sep) = t.iter().find(|c| !c.is_ascii_alphanumeric()) else {
        return false;
    };
    let groups: Vec<&[u8]> = t.split(|c| *c == sep).collect();
    let len = groups[0].len();
    groups.len() >= 4
        && (4..=8).contains(&len)
        && groups
            .iter()
            .all(|g| g.len() == len && g.iter().all(u8::is_ascii_alphanumeric))
        // Mixed within groups: a date or a version is digits in every group.
        && groups.iter().filter(|g| g.iter().any(u8::is_ascii_alphabetic)).count() * 2
            >= groups.len()
}

/// Shannon entropy in bits per byte.
pub fn entropy(t: &[u8]) -> f64 {
    let mut counts = [0u32; 256];
    for &c in t {
        counts[c as usize] += 1;
    }
    let n = t.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// Entra client secret values (`xxx8Q~` and 31 to 34 more), wherever they stand, glued to
/// a word before them too (`AADSTSabc8Q~...`).
pub(super) fn entra_secrets(b: &[u8], out: &mut Vec<Span>) {
    let secret_byte = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'~' | b'.' | b'-');
    static FINDER: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new(b"Q~"));
    for at in FINDER.find_iter(b) {
        let mut s = at;
        while s > 0 && at - s < 40 && secret_byte(b[s - 1]) {
            s -= 1;
        }
        let mut e = at + 2;
        while e < b.len() && e - at < 80 && secret_byte(b[e]) {
            e += 1;
        }
        if at - s >= 3 && e - s >= 30 {
            out.push(Span {
                start: s,
                end: e,
                kind: Kind::Secret,
            });
        }
    }
}

/// Credentials in URLs: `scheme://user:PASSWORD@host`, `scheme://:PASSWORD@host`,
/// `scheme://TOKEN@host`, `//user:PASSWORD@host`, `user:PASSWORD@host` without a scheme,
/// JSON's `https:\/\/`, a password holding `/` or `@`. Found from each `@` that a host
/// name follows, looking back at most 256 bytes (linear, whatever the line).
pub(super) fn userinfo(b: &[u8], out: &mut Vec<Span>) {
    let stop = |c: u8| {
        matches!(
            c,
            b' ' | b'\t'
                | b'\n'
                | b'\r'
                | b'"'
                | b'\''
                | b'<'
                | b'>'
                | b'`'
                | b'('
                | b'['
                | b'{'
                | b','
        )
    };
    for at in memchr::memchr_iter(b'@', b) {
        let host = &b[at + 1..];
        let host_len = host
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'[' | b']'))
            .count();
        if host_len == 0
            || host
                .get(host_len)
                .is_some_and(|&c| c == b'@' || c.is_ascii_alphanumeric())
        {
            continue;
        }
        let mut s = at;
        while s > 0 && at - s < 256 && !stop(b[s - 1]) {
            s -= 1;
        }
        let token = &b[s..at];
        // After the scheme's slashes, plain or escaped by JSON.
        let (info_start, schemed) = match (
            memchr::memmem::rfind(token, b"//"),
            memchr::memmem::rfind(token, b"\\/\\/"),
        ) {
            (Some(p), Some(q)) if q + 4 > p + 2 => (s + q + 4, true),
            (Some(p), _) => (s + p + 2, true),
            (None, Some(q)) => (s + q + 4, true),
            (None, None) => (s, false),
        };
        if info_start >= at {
            continue;
        }
        let info = &b[info_start..at];
        match memchr::memchr(b':', info) {
            Some(c) if info_start + c + 1 < at => out.push(Span {
                start: info_start + c + 1,
                end: at,
                kind: Kind::Password,
            }),
            // A path before the `@` is a path (`/users/jdoe@corp`), not user info.
            None if schemed && !info.contains(&b'/') => out.push(Span {
                start: info_start,
                end: at,
                kind: Kind::Token,
            }),
            _ => {}
        }
    }
}

/// SAML assertions in XML, whole: `<saml:Assertion ...>` to its end tag, the angle
/// brackets written plain, as HTML entities or as JSON escapes.
pub(super) fn saml(b: &[u8], out: &mut Vec<Span>) {
    static FINDER: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new(b"Assertion"));
    const OPENS: [&[u8]; 4] = [b"<", b"&lt;", b"\\u003c", b"\\u003C"];
    let mut from = 0;
    while let Some(p) = FINDER.find(&b[from..]) {
        let at = from + p;
        from = at + 9;
        // The tag's start: `<Assertion` or `<prefix:Assertion`, the prefix letters and
        // digits (an escape such as `\u003c` ends in them too, so each start is tried).
        let prefix_ok = |j: usize| {
            // `saml:`, `saml2p:`, `Encrypted`: letters, digits and colons before the name.
            b[j..at]
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || *c == b':')
        };
        let Some(start) = (at.saturating_sub(16)..=at).rev().find_map(|j| {
            if !prefix_ok(j) {
                return None;
            }
            OPENS
                .iter()
                .find(|o| b[..j].ends_with(o))
                .map(|o| j - o.len())
        }) else {
            continue;
        };
        // The end tag is the next `Assertion` after a `/`.
        let mut end = b.len();
        let mut k = from;
        while let Some(q) = FINDER.find(&b[k..]) {
            let next = k + q;
            if b[next.saturating_sub(16)..next].contains(&b'/') {
                end = next + 9;
                for close in [&b">"[..], b"&gt;", b"\\u003e", b"\\u003E"] {
                    if b[end..].starts_with(close) {
                        end += close.len();
                        break;
                    }
                }
                break;
            }
            k = next + 9;
        }
        out.push(Span {
            start,
            end,
            kind: Kind::Secret,
        });
        from = end;
    }
}

/// A base64 run that decodes to text holding a credential (`cGFzc3dvcmQ9...` for
/// `password=...`) is masked whole.
pub(super) fn base64_credential(b: &[u8], s: usize, e: usize, out: &mut Vec<Span>) {
    use base64::Engine as _;
    let run = &b[s..e];
    // Base64 of text mixes both cases and digits; names, paths and words rarely do, and
    // decoding each of them was a visible part of masking.
    if run.len() < 16
        || !run
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=' | b'-' | b'_'))
        || !run.iter().any(u8::is_ascii_uppercase)
        || !run.iter().any(u8::is_ascii_lowercase)
        || !run.iter().any(u8::is_ascii_digit)
    {
        return;
    }
    let trimmed: &[u8] = {
        let mut t = run;
        while let [rest @ .., b'='] = t {
            t = rest;
        }
        t
    };
    if trimmed.len() % 4 == 1 {
        return;
    }
    let engine = if trimmed.iter().any(|c| matches!(c, b'-' | b'_')) {
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
    } else {
        &base64::engine::general_purpose::STANDARD_NO_PAD
    };
    let Ok(decoded) = engine.decode(trimmed) else {
        return;
    };
    let printable = decoded
        .iter()
        .filter(|c| c.is_ascii_graphic() || **c == b' ')
        .count();
    if printable * 10 < decoded.len() * 9 {
        return;
    }
    let mut inner = Vec::new();
    find_all(&decoded, &mut inner, 1);
    if !inner.is_empty() {
        out.push(Span {
            start: s,
            end: e,
            kind: Kind::Secret,
        });
    }
}

/// A long masked token that ends a line and goes on at the start of the next (a JWT or a
/// base64 body wrapped over lines): the rest on the next lines is masked too.
pub(super) fn continue_over_lines(b: &[u8], out: &mut Vec<Span>, first: usize) {
    let mut k = first;
    while k < out.len() {
        let s = out[k];
        k += 1;
        if s.end - s.start < 40 || !matches!(s.kind, Kind::Token | Kind::Secret | Kind::Code) {
            continue;
        }
        let mut end = s.end;
        loop {
            let mut i = end;
            if b.get(i) == Some(&b'\r') {
                i += 1;
            }
            if b.get(i) != Some(&b'\n') {
                break;
            }
            i = skip_blanks(b, i + 1);
            let ts = i;
            while i < b.len() && (is_token_byte(b[i]) || b[i] == b'=') {
                i += 1;
            }
            // The whole next line is one run of token bytes.
            if i - ts < 4 || !matches!(b.get(i), None | Some(b'\n' | b'\r' | b'"' | b'\'' | b',')) {
                break;
            }
            out.push(Span {
                start: ts,
                end: i,
                kind: s.kind,
            });
            if i - ts < 40 {
                break;
            }
            end = i;
        }
    }
}
