//! Values that commands set, where no key names them or the key's name is far from the
//! value: `kubectl create secret --from-literal=NAME=X`, Helm's
//! `--set a.credentials[0].value=X`. The command's word says what its argument is,
//! whatever the argument looks like.

use super::Span;
use super::fields::Ctx;
use super::keys::{closing, push_value, quote_at, skip_blanks, value};
use super::words::{CredentialClass, class_of, is_key_byte};

/// After the run of key bytes `start..ke` (the key `ks..ke` without its dashes): masks
/// what a command word there sets, and returns where it ends; `None` when the
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
    None
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
