//! Values that commands and statements set, where no key names them or the key's name
//! is far from the value: `kubectl create secret --from-literal=NAME=X`, Helm's
//! `--set a.credentials[0].value=X`, SQL's `WITH PASSWORD 'X'` and `IDENTIFIED BY 'X'`,
//! PowerShell's `ConvertTo-SecureString 'X'`. The command's word says what its argument
//! is, whatever the argument looks like.

use super::Span;
use super::fields::Ctx;
use super::keys::{closing, push_value, quote_at, skip_blanks, value};
use super::words::{CredentialClass, class_of, is_key_byte};

/// After the run of key bytes `start..ke` (the key `ks..ke` without its dashes): masks
/// what a command or statement word there sets, and returns where it ends; `None` when the
/// word is none of them.
pub(super) fn command_value(
    b: &[u8],
    start: usize,
    ks: usize,
    ke: usize,
    ctx: Ctx,
    out: &mut Vec<Span>,
) -> Option<usize> {
    let word = &b[ks..ke];
    let flag = ks > start && b[start] == b'-';
    if flag && word.eq_ignore_ascii_case(b"from-literal") {
        return literal(b, ke, ctx, out);
    }
    if flag
        && ks == start + 2
        && (word.eq_ignore_ascii_case(b"set") || word.eq_ignore_ascii_case(b"set-string"))
    {
        return helm_set(b, ke, out);
    }
    if word.eq_ignore_ascii_case(b"ConvertTo-SecureString") {
        return secure_string(b, ke, ctx, out);
    }
    sql_password(b, ks, ke, out)
}

/// The argument after a flag ending at `at`: past `=` or blanks, and its opening quote.
fn argument(b: &[u8], at: usize) -> Option<(usize, Option<&[u8]>)> {
    let mut i = match b.get(at) {
        Some(b'=') => at + 1,
        Some(b' ' | b'\t') => skip_blanks(b, at),
        _ => return None,
    };
    if i >= b.len() {
        return None;
    }
    let quote = quote_at(b, i);
    if let Some(q) = quote {
        i += q.len();
    }
    Some((i, quote))
}

/// `--from-literal=NAME=X`: a Kubernetes secret's key and value; the value is a secret
/// whatever its key's name.
fn literal(b: &[u8], at: usize, ctx: Ctx, out: &mut Vec<Span>) -> Option<usize> {
    let (i, quote) = argument(b, at)?;
    let name = b[i..].iter().take_while(|c| is_key_byte(**c)).count();
    if name == 0 || b.get(i + name) != Some(&b'=') {
        return None;
    }
    let vs = i + name + 1;
    Some(match quote {
        Some(q) => {
            let e = closing(b, vs, q);
            push_value(b, vs, e, CredentialClass::Secret, out);
            (e + q.len()).min(b.len())
        }
        None => {
            let word = Ctx { word: true, ..ctx };
            value(b, vs, CredentialClass::Secret, word, out).unwrap_or(vs)
        }
    })
}

/// `--set a.b[0].value=X,c=Y` (Helm): each value whose path, its list indexes left out,
/// names a credential (`sso.credentials[0].value`, but not `sso.credentials[0].name`).
fn helm_set(b: &[u8], at: usize, out: &mut Vec<Span>) -> Option<usize> {
    let (mut i, quote) = argument(b, at)?;
    let end = match quote {
        Some(q) => closing(b, i, q),
        None => {
            i + b[i..]
                .iter()
                .take_while(|c| !c.is_ascii_whitespace())
                .count()
        }
    };
    // `a=1,b=2`: pairs split at commas; a value's own comma is written `\,`.
    while i < end {
        let mut e = i;
        while e < end && !(b[e] == b',' && b[e - 1] != b'\\') {
            e += 1;
        }
        if let Some(eq) = memchr::memchr(b'=', &b[i..e]).map(|p| i + p) {
            let mut path = Vec::with_capacity(eq - i);
            let mut index = false;
            for &c in &b[i..eq] {
                match c {
                    b'[' => index = true,
                    b']' => index = false,
                    _ if !index => path.push(c),
                    _ => {}
                }
            }
            if let Some(class) = class_of(&path) {
                push_value(b, eq + 1, e, class, out);
            }
        }
        i = e + 1;
    }
    Some(end)
}

/// `ConvertTo-SecureString 'X' -AsPlainText`, `ConvertTo-SecureString -String X`: the
/// string made secure is a password (a variable, `$pw`, stays shown).
fn secure_string(b: &[u8], at: usize, ctx: Ctx, out: &mut Vec<Span>) -> Option<usize> {
    let mut i = skip_blanks(b, at);
    if i == at {
        return None;
    }
    if b[i..].len() >= 7 && b[i..i + 7].eq_ignore_ascii_case(b"-String") {
        i = skip_blanks(b, i + 7);
    }
    if i >= b.len() || b[i] == b'-' {
        return None;
    }
    let word = Ctx { word: true, ..ctx };
    value(b, i, CredentialClass::Password, word, out)
}

/// SQL that sets a password: `WITH PASSWORD 'X'`, `LOGIN PASSWORD 'X'`, `PASSWORD 'X'` in
/// capitals, `IDENTIFIED BY 'X'`, `IDENTIFIED WITH plugin BY 'X'`, `IDENTIFIED BY PASSWORD
/// 'X'`: the string literal after the keyword.
fn sql_password(b: &[u8], ks: usize, ke: usize, out: &mut Vec<Span>) -> Option<usize> {
    let word = &b[ks..ke];
    let mut i = skip_blanks(b, ke);
    if i == ke {
        return None;
    }
    if word.eq_ignore_ascii_case(b"IDENTIFIED") {
        // `IDENTIFIED WITH mysql_native_password BY 'X'`.
        if next_word(b, i).eq_ignore_ascii_case(b"WITH") {
            i = skip_blanks(b, i + 4);
            let plugin = next_word(b, i).len();
            i = skip_blanks(b, i + plugin);
        }
        if !next_word(b, i).eq_ignore_ascii_case(b"BY") {
            return None;
        }
        i = skip_blanks(b, i + 2);
        if next_word(b, i).eq_ignore_ascii_case(b"PASSWORD") {
            i = skip_blanks(b, i + 8);
        }
    } else if word.eq_ignore_ascii_case(b"PASSWORD") {
        let before = b[..ks].trim_ascii_end();
        let keyword = [&b"WITH"[..], b"LOGIN", b"ENCRYPTED", b"UNENCRYPTED"]
            .iter()
            .any(|k| {
                before.len() >= k.len()
                    && before[before.len() - k.len()..].eq_ignore_ascii_case(k)
                    && (before.len() == k.len() || !is_key_byte(before[before.len() - k.len() - 1]))
            });
        if !(keyword || word == b"PASSWORD") {
            return None;
        }
    } else {
        return None;
    }
    // A SQL string literal: single quotes, a doubled one inside.
    if b.get(i) != Some(&b'\'') {
        return None;
    }
    let e = closing(b, i + 1, b"'");
    push_value(b, i + 1, e, CredentialClass::Password, out);
    Some((e + 1).min(b.len()))
}

/// The run of letters, digits and `_` at `i`.
fn next_word(b: &[u8], i: usize) -> &[u8] {
    let n = b[i.min(b.len())..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
        .count();
    &b[i..i + n]
}
