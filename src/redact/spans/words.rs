//! The words that make a key name a credential, and the class of credential each names.

use super::Kind;

/// The class of credential a key names: how its value is masked (its [`Kind`]) and what
/// counts as harmless.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CredentialClass {
    Password,
    Secret,
    Token,
    Code,
    State,
    Session,
    Cookie,
    /// `Cookie:` / `Set-Cookie:` headers: every `name=value` pair after them.
    CookieHeader,
    Key,
    /// `Authorization:`: the scheme stays, the credential after it goes.
    Authorization,
}

impl CredentialClass {
    pub(super) fn kind(self) -> Kind {
        match self {
            CredentialClass::Password => Kind::Password,
            CredentialClass::Secret => Kind::Secret,
            CredentialClass::Token | CredentialClass::Authorization => Kind::Token,
            CredentialClass::Code => Kind::Code,
            CredentialClass::State => Kind::State,
            CredentialClass::Session => Kind::Session,
            CredentialClass::Cookie | CredentialClass::CookieHeader => Kind::Cookie,
            CredentialClass::Key => Kind::Key,
        }
    }
}

/// Last words of a key that make it name a property of a credential, not hold one
/// (`token_type`, `SESSION_COOKIE_AGE`, `code_challenge_method`).
pub(super) const PROPERTY_WORDS: &[&str] = &[
    "type",
    "types",
    "endpoint",
    "url",
    "uri",
    "path",
    "name",
    "names",
    "length",
    "len",
    "count",
    "expiry",
    "expires",
    "expiration",
    "lifetime",
    "age",
    "in",
    "at",
    "version",
    "format",
    "kind",
    "backend",
    "backends",
    "engine",
    "class",
    "time",
    "timeout",
    "enabled",
    "mode",
    "method",
    "required",
    "secure",
    "httponly",
    "samesite",
    "domain",
    "size",
    "max",
    "min",
    "policy",
    "validators",
    "changed",
    "reset",
    "field",
    "label",
    "hint",
    "prompt",
    "error",
    "errors",
    "exception",
    "missing",
    "failed",
    "failure",
    "forbidden",
    "canceled",
    "cancelled",
    "expired",
    "invalid",
    "mismatch",
    "unknown",
    "denied",
    "revoked",
    "unreachable",
    "storage",
    "store",
    "provider",
    "pipeline",
];

/// Last words of a key that say it holds the value of the word before (`code_value`).
pub(super) const VALUE_WORDS: &[&str] = &[
    "value", "val", "str", "string", "raw", "b64", "base64", "encoded", "plain", "text", "data",
    "param", "hash", "bytes", "header",
];

/// Whole words of a key that make it a credential.
pub(super) const CREDENTIAL_WORDS: &[(&str, CredentialClass)] = &[
    ("pwd", CredentialClass::Password),
    ("pw", CredentialClass::Password),
    ("pass", CredentialClass::Password),
    ("pw", CredentialClass::Password),
    ("otp", CredentialClass::Password),
    ("pin", CredentialClass::Password),
    ("pword", CredentialClass::Password),
    ("psw", CredentialClass::Password),
    ("bindpw", CredentialClass::Password),
    ("totp", CredentialClass::Password),
    ("cred", CredentialClass::Secret),
    ("creds", CredentialClass::Secret),
    ("dsn", CredentialClass::Secret),
    ("key", CredentialClass::Key),
    ("pkey", CredentialClass::Key),
    // Session ids (`connect.sid`), refresh tokens (`rt`, `refresh`) and Entra's flow token.
    ("sid", CredentialClass::Cookie),
    ("rt", CredentialClass::Token),
    ("refresh", CredentialClass::Token),
    ("sft", CredentialClass::Token),
    ("code", CredentialClass::Code),
    ("state", CredentialClass::State),
    ("nonce", CredentialClass::State),
    ("verifier", CredentialClass::Secret),
    ("sig", CredentialClass::Token),
    ("signature", CredentialClass::Token),
    ("jwt", CredentialClass::Token),
    ("bearer", CredentialClass::Token),
    ("auth", CredentialClass::Authorization),
    ("wresult", CredentialClass::Secret),
    ("esctx", CredentialClass::Cookie),
    ("buid", CredentialClass::Cookie),
    ("fpc", CredentialClass::Cookie),
    ("ccstate", CredentialClass::Cookie),
];

/// Parts of a key, wherever they stand in it (glued to the word before: `clientsecret`,
/// `mysqlpassword`, `ESTSAUTHPERSISTENT`), checked in this order.
pub(super) const CREDENTIAL_PARTS: &[(&str, CredentialClass)] = &[
    ("passw", CredentialClass::Password),
    // The same with a look-alike first letter (Cyrillic `Р`), and glued forms: `passcode`,
    // `PGPASS`, `dbpwd`.
    ("assword", CredentialClass::Password),
    ("pass", CredentialClass::Password),
    ("pwd", CredentialClass::Password),
    ("passphrase", CredentialClass::Password),
    ("passwd", CredentialClass::Password),
    ("cookie", CredentialClass::Cookie),
    ("estsauth", CredentialClass::Cookie),
    // Django's cookies: masked as cookies wherever they stand, so a HAR's Set-Cookie
    // header and its cookies array give one placeholder.
    ("sessionid", CredentialClass::Cookie),
    ("csrftoken", CredentialClass::Cookie),
    ("csrfmiddlewaretoken", CredentialClass::Cookie),
    ("secret", CredentialClass::Secret),
    ("ecret", CredentialClass::Secret),
    ("credential", CredentialClass::Secret),
    ("assertion", CredentialClass::Secret),
    ("samlresponse", CredentialClass::Secret),
    ("privatekey", CredentialClass::Secret),
    ("token", CredentialClass::Token),
    ("authorization", CredentialClass::Authorization),
    ("apikey", CredentialClass::Key),
    ("appkey", CredentialClass::Key),
    ("clientkey", CredentialClass::Key),
    ("privkey", CredentialClass::Key),
    ("sessid", CredentialClass::Cookie),
    ("connectionstring", CredentialClass::Secret),
    ("connstr", CredentialClass::Secret),
    ("accesskey", CredentialClass::Key),
    ("signingkey", CredentialClass::Key),
    ("masterkey", CredentialClass::Key),
    ("sharedkey", CredentialClass::Key),
    ("sessionstate", CredentialClass::Session),
    ("sessionkey", CredentialClass::Session),
    ("session", CredentialClass::Session),
    ("relaystate", CredentialClass::State),
    ("nonce", CredentialClass::State),
    ("authcode", CredentialClass::Code),
];

/// The class of a key (a run of letters, digits, `_` and `-`), if it names a credential.
pub(super) fn class_of(key: &[u8]) -> Option<CredentialClass> {
    if key.len() < 2 || key.len() > 96 || !key.iter().any(u8::is_ascii_alphabetic) {
        return None;
    }
    // Lower-case words split at `_`, `-`, `.` and camelCase humps (`SAMLResponse`: saml,
    // response), and all of them glued.
    let mut words: [(usize, usize); 16] = [(0, 0); 16];
    let mut n = 0;
    let mut lower = [0u8; 96];
    let mut start = None;
    for (i, &c) in key.iter().enumerate() {
        lower[i] = c.to_ascii_lowercase();
        let sep = matches!(c, b'_' | b'-' | b'.');
        let hump = i > 0
            && c.is_ascii_uppercase()
            && (key[i - 1].is_ascii_lowercase()
                || (key[i - 1].is_ascii_uppercase()
                    && key.get(i + 1).is_some_and(u8::is_ascii_lowercase)));
        if (sep || hump)
            && let Some(s) = start.take()
            && n < words.len()
        {
            words[n] = (s, i);
            n += 1;
        }
        if !sep && start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start
        && n < words.len()
    {
        words[n] = (s, key.len());
        n += 1;
    }
    let lower = &lower[..key.len()];
    let words = &words[..n];
    let word = |&(s, e): &(usize, usize)| &lower[s..e];
    let last = words.last().map(word)?;
    if PROPERTY_WORDS.contains(&std::str::from_utf8(last).unwrap_or("")) {
        return None;
    }
    // Identifiers of a credential, not the credential: `key_id`, `secret_id`, but
    // `sessionid` is Django's session cookie.
    let mut glued_buf = [0u8; 96];
    let mut g = 0;
    for &c in lower {
        if !matches!(c, b'_' | b'-' | b'.') {
            glued_buf[g] = c;
            g += 1;
        }
    }
    let glued = &glued_buf[..g];
    // A client id is a GUID; anything else in its place may be a secret pasted there (the
    // Key class shows GUIDs and masks the rest).
    if matches!(
        glued,
        b"clientid" | b"appid" | b"applicationid" | b"identifier"
    ) {
        return Some(CredentialClass::Key);
    }
    if matches!(last, b"id" | b"ids") && words.len() > 1 && glued != b"sessionid" {
        return None;
    }
    if words.len() <= 2 && (lower == b"cookie" || lower == b"set-cookie") {
        return Some(CredentialClass::CookieHeader);
    }
    if matches!(glued, b"auth" | b"basicauth" | b"httpauth" | b"proxyauth") {
        return Some(CredentialClass::Authorization);
    }
    // Entra's flow token, whatever its casing splits it into (`sFT`).
    if glued == b"sft" {
        return Some(CredentialClass::Token);
    }
    for (part, class) in CREDENTIAL_PARTS {
        // Keys are short: a plain window scan beats building a searcher per key.
        if glued.windows(part.len()).any(|w| w == part.as_bytes()) {
            return Some(*class);
        }
    }
    // A whole word decides only at the end of the key, where the noun stands
    // (`SOCIAL_AUTH_AZUREAD_OAUTH2_KEY`, `state`), or before a word that says "its value"
    // (`code_b64`); `AuthStateMissing` names an error, not a state.
    let before_last = (words.len() > 1
        && VALUE_WORDS.contains(&std::str::from_utf8(last).unwrap_or("")))
    .then(|| word(&words[words.len() - 2]));
    for w in std::iter::once(last).chain(before_last) {
        if let Some((_, class)) = CREDENTIAL_WORDS.iter().find(|(c, _)| c.as_bytes() == w) {
            return Some(*class);
        }
    }
    None
}

pub(super) fn is_key_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.')
}

/// An error identifier, as Graph and Entra put under a `code` key: words in CamelCase,
/// lowerCamelCase or joined by `_` (`InvalidAuthenticationToken`, `itemNotFound`,
/// `Authorization_RequestDenied`), 64 bytes at most, each word of two lower-case letters
/// or more after its first (with a vowel when it has three letters or more) or an
/// acronym of up to five capitals, digits only at the end. An authorization code is long,
/// random and dotted (`0.AXoA...`, `M.C521_BL2...`): none of it passes.
pub fn is_error_identifier(v: &[u8]) -> bool {
    if !(3..=64).contains(&v.len())
        || !v[0].is_ascii_alphabetic()
        || !v.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
    {
        return false;
    }
    let digits = v.iter().rev().take_while(|c| c.is_ascii_digit()).count();
    if digits > 4 {
        return false;
    }
    let letters = &v[..v.len() - digits];
    if letters.iter().any(u8::is_ascii_digit) {
        return false;
    }
    // A constant (`AD_ERROR_SERVER_OAUTH`): capitals only, two parts or more; each part is
    // then a word of up to 12 letters, not only an acronym.
    let constant = !letters.iter().any(u8::is_ascii_lowercase) && letters.contains(&b'_');
    let mut words = 0;
    for part in letters.split(|c| *c == b'_') {
        let mut i = 0;
        if part.is_empty() {
            return false;
        }
        while i < part.len() {
            let caps = part[i..]
                .iter()
                .take_while(|c| c.is_ascii_uppercase())
                .count();
            let lower = part[i + caps..]
                .iter()
                .take_while(|c| c.is_ascii_lowercase())
                .count();
            let (len, ok) = if lower == 0 {
                // An acronym to the end, or before the next word's capital.
                (
                    caps,
                    (2..=5).contains(&caps)
                        || (constant && (2..=12).contains(&caps))
                        || (caps == 1 && i + caps == part.len()),
                )
            } else if caps > 1 {
                // `MFARequired`: the acronym, then the word its last capital starts.
                (caps - 1, caps - 1 <= 5)
            } else {
                let word = &part[i..i + caps + lower];
                let vowel = word.iter().any(|c| b"aeiouyAEIOUY".contains(c));
                (
                    caps + lower,
                    lower >= 2 && (word.len() < 3 || vowel) && word.len() <= 24,
                )
            };
            if !ok {
                return false;
            }
            words += 1;
            i += len;
        }
    }
    words >= 1 && !super::looks_random(v)
}
