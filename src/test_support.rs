//! Helpers shared by the unit tests.

use std::path::Path;

/// Every file below the given folders of the repository (`samples`, `tests/corpus`...),
/// read whole, in no particular order.
pub fn repo_files(dirs: &[&str]) -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in dirs {
        let mut stack = vec![root.join(dir)];
        while let Some(p) = stack.pop() {
            if p.is_dir() {
                stack.extend(
                    std::fs::read_dir(&p)
                        .expect("a folder of the repository lists")
                        .map(|e| e.expect("a listed entry").path()),
                );
            } else if let Ok(bytes) = std::fs::read(&p) {
                files.push(bytes);
            }
        }
    }
    files
}

/// The lines of every file below the samples, corpus and fixture folders, as text.
pub fn repo_lines() -> Vec<String> {
    repo_files(&["samples", "tests/corpus", "tests/fixtures"])
        .iter()
        .flat_map(|bytes| {
            String::from_utf8_lossy(bytes)
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Generated secrets after credential keys in many syntaxes, for the property tests of the
/// masker (`redact::tests`) and of the whole pipeline (`app::proptests`).
pub mod planted {
    use proptest::prelude::*;

    /// Keys that name a credential, in the casings and spellings logs use.
    pub const KEYS: &[&str] = &[
        "client_secret",
        "clientSecret",
        "CLIENT_SECRET",
        "SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET",
        "password",
        "Password",
        "db_password",
        "PGPASSWORD",
        "passwd",
        "pwd",
        "SECRET_KEY",
        "secret",
        "api_key",
        "X-Api-Key",
        "access_token",
        "refresh_token",
        "id_token",
        "token",
        "client_assertion",
        "code",
        "state",
    ];

    /// How many syntaxes [`place`] knows.
    pub const SYNTAXES: u8 = 10;

    fn json(v: &str) -> String {
        serde_json::to_string(v).unwrap_or_default()
    }

    fn html(v: &str) -> String {
        v.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#x27;")
    }

    fn csv(v: &str) -> String {
        if v.contains([',', '"', '\n']) || v.starts_with('\'') {
            format!("\"{}\"", v.replace('"', "\"\""))
        } else {
            v.to_string()
        }
    }

    /// Python's `repr` of a string.
    fn py(v: &str) -> String {
        if v.contains('\'') && !v.contains('"') {
            format!("\"{v}\"")
        } else {
            format!("'{}'", v.replace('\\', "\\\\").replace('\'', "\\'"))
        }
    }

    /// `key` and `value` as syntax `how` writes them. An unquoted value that begins with a
    /// quote or a bracket cannot be told from a quoted string or a bracketed group followed
    /// by more fields (`key='ab','cd'`, `key={"a":1},"b":2`), and no writer of these
    /// syntaxes leaves one so: such a value gets a letter first.
    pub fn place(key: &str, value: &str, how: u8) -> String {
        let raw = if value.starts_with(['"', '\'', '(', '[', '{']) {
            format!("x{value}")
        } else {
            value.to_string()
        };
        match how % SYNTAXES {
            0 => format!("{key}={raw}"),
            1 => format!("{key}: {raw}"),
            2 => format!("{{\"{key}\": {}}}", json(value)),
            3 => format!("<tr><td>{key}</td><td>{}</td></tr>", html(value)),
            4 => format!("--{key} {raw}"),
            5 => format!("{key},{}", csv(value)),
            6 => format!("\u{1b}[32m{key}\u{1b}[0m={raw}"),
            7 => format!("[\"--{key}\", {}]", json(value)),
            8 => format!("{{'{key}': {}}}", py(value)),
            _ => format!("<param name=\"{key}\" value=\"{}\"/>", html(value)),
        }
    }

    /// Credential words of prose, in the spellings logs use (a word after which the next
    /// token is a value: [`place_prose`]).
    pub const PROSE_KEYS: &[&str] = &[
        "password",
        "Password",
        "PASSWORD",
        "passwd",
        "secret",
        "Secret",
        "client_secret",
        "clientSecret",
        "SECRET_KEY",
        "token",
        "access_token",
        "api-key",
        "api_key",
        "X-Api-Key",
        "sessionid",
        "session",
        "cookie",
        "credentials",
    ];

    /// How many prose syntaxes [`place_prose`] knows.
    pub const PROSE_SYNTAXES: u8 = 14;

    /// `key` and `value` as prose writes them: `password X`, `password is X`,
    /// `set password to X`, `Secret Value: X`, a YAML block scalar...
    pub fn place_prose(key: &str, value: &str, how: u8) -> String {
        match how % PROSE_SYNTAXES {
            0 => format!("{key} {value}"),
            1 => format!("{key}\t{value}"),
            2 => format!("{key} is {value}"),
            3 => format!("{key} was \"{value}\""),
            4 => format!("set {key} to {value}"),
            5 => format!("client {key} {value}."),
            6 => format!("{key} Value: {value}"),
            7 => format!("{key} (\"admin\", \"{value}\")"),
            8 => format!("{key}: >-\n  {value}"),
            9 => format!("{key}: |\n    {value}\n"),
            10 => format!("{key}: |-\n  {value}"),
            11 => format!("{key}: >\n  {value}"),
            12 => format!("{key} value is '{value}', retrying"),
            _ => format!("{key}: >- {value}"),
        }
    }

    /// A secret of prose: 12 to 40 letters and digits, at least one digit and one capital
    /// (a digit then a capital inside it, so it is no error code such as `AADSTS7000215`).
    pub fn prose_secret() -> impl Strategy<Value = String> {
        proptest::string::string_regex("[A-Za-z0-9]{4,18}[0-9][A-Z][A-Za-z0-9]{6,20}")
            .expect("valid regex")
    }

    /// A secret: 8 to 80 characters of letters, digits and the punctuation that cut values
    /// short before (`& ) ] } ; < , ' " ( { # ^ = % + /`).
    pub fn secret() -> impl Strategy<Value = String> {
        proptest::string::string_regex("[A-Za-z0-9&)\\]};<,'\"(}{#^=%+/]{8,80}")
            .expect("valid regex")
    }

    /// A log line around `planted`: a time, a level, words before and after.
    pub fn line(planted: &str, words: &[String], how: u8) -> String {
        let split = usize::from(how) % (words.len() + 1);
        let (before, after) = words.split_at(split);
        format!(
            "2026-11-24T10:02:11Z ERROR {} {planted} {}",
            before.join(" "),
            after.join(" ")
        )
    }

    /// Log words: lower-case letters.
    pub fn words() -> impl Strategy<Value = Vec<String>> {
        proptest::collection::vec(
            proptest::string::string_regex("[a-z]{1,10}").expect("valid regex"),
            0..6,
        )
    }

    /// `secret` itself or a piece of it of 8 bytes or more that `out` shows, unless that
    /// piece is a plain word (letters only), which may stand anywhere by chance.
    pub fn shown_piece(out: &str, secret: &str) -> Option<String> {
        if secret.bytes().all(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        if out.contains(secret) {
            return Some(secret.to_string());
        }
        (0..secret.len().saturating_sub(7))
            .filter_map(|i| secret.get(i..i + 8))
            .filter(|p| !p.bytes().all(|c| c.is_ascii_alphabetic()))
            .find(|p| out.contains(p))
            .map(str::to_string)
    }
}
