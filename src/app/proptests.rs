//! Property tests of every parser and of the whole pipeline, in process: arbitrary bytes,
//! mutated corpus lines, configuration files, tar members, and secrets generated in every
//! shape the masker must catch, planted beside a real failure. The invariants: no panic,
//! no generated secret in any output format, no raw control character, and no input text
//! that becomes markup, a link or an image.

use std::sync::LazyLock;

use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestRunner};

use super::assemble::report_of_one;
use super::build_catalog;
use super::scan::{Feed, scan_blocks};
use crate::catalog::compile::Compiled;
use crate::config::ScanConfig;
use crate::redact::Placeholders;
use crate::report::{Format, Style};
use crate::source::{Block, ReadStats};

static COMPILED: LazyLock<Compiled> =
    LazyLock::new(|| build_catalog(&[]).expect("the built-in catalog compiles"));

/// Every line of the samples and the corpus, for mutation.
static LINES: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| {
    crate::test_support::repo_files(&["samples", "tests/corpus"])
        .iter()
        .flat_map(|f| {
            f.split(|b| *b == b'\n')
                .map(<[u8]>::to_vec)
                .collect::<Vec<_>>()
        })
        .filter(|l| !l.is_empty())
        .collect()
});

/// Every output format, as clap lists them: a new format is in the property tests at once.
static FORMATS: LazyLock<&'static [Format]> =
    LazyLock::new(<Format as clap::ValueEnum>::value_variants);

fn config(format: Format, show_secrets: bool, users: bool) -> ScanConfig {
    ScanConfig {
        inputs: Vec::new(),
        format,
        style: Style {
            color: false,
            width: Some(100),
            details: false,
            local_time: false,
        },
        fail_on: None,
        show_secrets,
        redact_users: users,
        quiet: true,
        threads: None,
        flow_timeout_secs: crate::correlate::DEFAULT_FLOW_TIMEOUT_SECS,
        redirect_uri: None,
        match_records: true,
        live: false,
        filter: crate::filter::EventFilter::default(),
        min_severity: None,
        symptoms: Vec::new(),
        context: 0,
    }
}

/// The report of `text` in `format`, as the binary would write it to stdout.
fn render(text: &[u8], format: Format, show_secrets: bool) -> String {
    let config = config(format, show_secrets, false);
    let mut read = |f: &mut crate::source::BlockFn<'_>| {
        let mut block = Block::default();
        block.fill_from(text);
        f(&mut block);
        Ok(ReadStats {
            bytes: text.len() as u64,
            ..ReadStats::default()
        })
    };
    let mut live = Vec::new();
    let mut numbers = Placeholders::default();
    let scanned = scan_blocks(
        "prop.log".into(),
        &COMPILED,
        &config,
        1,
        &mut |rec| {
            // Live JSON lines carry the same text as the report.
            if format == Format::Jsonl {
                let mut buf = Vec::new();
                let _ = crate::report::json::record("match", rec, &mut buf);
                live.push(numbers.apply(&String::from_utf8_lossy(&buf)).into_owned());
            }
        },
        Feed::Blocks(&mut read),
    );
    let stats = scanned.read.unwrap_or_default();
    let out = report_of_one(
        &config,
        &COMPILED,
        scanned.collected,
        stats.bytes,
        "prop.log",
        &mut numbers,
    );
    let mut all = live.join("\n");
    all.push_str(&String::from_utf8_lossy(&out));
    all
}

/// What no output may hold: raw control characters other than newline and tab, and for
/// Markdown and HTML, markup made from input.
fn check_output(out: &str, format: Format) -> Result<(), TestCaseError> {
    // An internal mask (a hash of the value) never reaches the output, raw or escaped.
    prop_assert!(
        !out.contains("\\u0001") && !out.contains("\\u0002"),
        "{format:?}: internal mask in the output"
    );
    if let Some(c) = out.chars().find(|c| {
        (c.is_control() && *c != '\n' && *c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    }) {
        return Err(TestCaseError::fail(format!(
            "{format:?}: raw control character {c:?}"
        )));
    }
    match format {
        Format::Markdown => {
            use pulldown_cmark::{Event, Options, Parser, Tag};
            for event in Parser::new_ext(out, Options::ENABLE_TABLES) {
                if matches!(
                    event,
                    Event::Html(_)
                        | Event::InlineHtml(_)
                        | Event::Start(Tag::Link { .. } | Tag::Image { .. })
                ) {
                    return Err(TestCaseError::fail(format!(
                        "markdown: input became markup: {event:?}"
                    )));
                }
            }
        }
        Format::Html => {
            // Every tag is one the report writes itself, without links or sources: input
            // text is escaped, so its `<` never opens a tag.
            const OURS: &[&str] = &[
                "!doctype",
                "html",
                "head",
                "meta",
                "title",
                "style",
                "body",
                "h1",
                "h2",
                "h3",
                "h4",
                "p",
                "ul",
                "ol",
                "li",
                "pre",
                "code",
                "table",
                "thead",
                "tbody",
                "tr",
                "th",
                "td",
                "strong",
                "em",
                "hr",
                "input",
                "br",
                "blockquote",
                // The timeline's inline SVG (report::chart).
                "svg",
                "rect",
                "line",
                "text",
            ];
            let lower = out.to_ascii_lowercase();
            for (at, _) in lower.match_indices('<') {
                let tag = &lower[at + 1..];
                let tag = tag.strip_prefix('/').unwrap_or(tag);
                let end = tag.find('>').unwrap_or(tag.len());
                let inside = &tag[..end];
                let name = inside
                    .split(|c: char| c.is_whitespace() || c == '/')
                    .next()
                    .unwrap_or("");
                prop_assert!(OURS.contains(&name), "html tag {inside:?}");
                for attr in ["href", "src", " on", "javascript:"] {
                    prop_assert!(!inside.contains(attr), "html tag {inside:?}");
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// A runner with a fixed seed, so CI runs the same cases every time (a failure is
/// reproduced by running the test again); `PROPTEST_CASES` still sets how many.
fn runner(cases: u32) -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(cases);
    TestRunner::new_with_rng(
        RunnerConfig {
            cases,
            failure_persistence: None,
            ..RunnerConfig::default()
        },
        proptest::test_runner::TestRng::deterministic_rng(
            proptest::test_runner::RngAlgorithm::ChaCha,
        ),
    )
}

// ---------------------------------------------------------------------------------------
// Generated secrets

const KEYS: &[&str] = &[
    "client_secret",
    "clientSecret",
    "CLIENT_SECRET",
    "client-secret",
    "SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET",
    "password",
    "Password",
    "PASSWORD",
    "passwd",
    "pwd",
    "Pwd",
    "db_password",
    "dbPassword",
    "mysqlpassword",
    "SECRET_KEY",
    "secret",
    "api_key",
    "apiKey",
    "X-Api-Key",
    "access_token",
    "accessToken",
    "refresh_token",
    "id_token",
    "idToken",
    "token",
    "auth_token",
    "sessionid",
    "csrftoken",
    "code",
    "state",
    "nonce",
    "session_state",
    "client_assertion",
    "SAMLResponse",
    "code_verifier",
];

fn b64url(len: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[A-Za-z0-9_-]{{{},{}}}", len.start, len.end))
        .expect("valid regex")
}

/// A random-looking token: 24 to 48 characters with upper and lower case and digits.
fn opaque() -> impl Strategy<Value = String> {
    (
        proptest::string::string_regex("[A-Za-z0-9]{20,44}").expect("valid regex"),
        proptest::string::string_regex("[A-Z][a-z][0-9][0-9]").expect("valid regex"),
    )
        .prop_map(|(a, b)| {
            let mid = a.len() / 2;
            format!("{}{b}{}", &a[..mid], &a[mid..])
        })
}

/// Secret values that are masked wherever they stand.
fn bare_secret() -> impl Strategy<Value = String> {
    prop_oneof![
        // Entra client secret values.
        (
            proptest::string::string_regex("[A-Za-z0-9_~.]{3}[0-9]").expect("valid regex"),
            proptest::string::string_regex("[A-Za-z0-9_~.-]{34}").expect("valid regex"),
        )
            .prop_map(|(a, b)| format!("{a}Q~{b}")),
        // JWTs.
        (b64url(10..40), b64url(20..80), b64url(20..60))
            .prop_map(|(a, b, c)| format!("eyJ{a}.eyJ{b}.{c}")),
        // Entra authorization codes.
        b64url(40..120).prop_map(|c| format!("0.AXoA{c}")),
        opaque(),
        // Hex keys and API tokens.
        proptest::string::string_regex("[0-9a-f]{40}").expect("valid regex"),
    ]
}

/// Values after a credential key: anything of 8 or more characters with a letter and a
/// digit.
fn keyed_secret() -> impl Strategy<Value = String> {
    prop_oneof![
        bare_secret(),
        proptest::string::string_regex("[A-Za-z][A-Za-z0-9!#$%()*+./:=?@^_{|}~-]{6,30}[0-9]")
            .expect("valid regex"),
    ]
}

/// Passwords hold spaces too.
fn password() -> impl Strategy<Value = String> {
    prop_oneof![
        keyed_secret(),
        proptest::string::string_regex("[a-z]{3,8} [a-z]{3,8} [a-zA-Z]{3,8} [0-9]{2}")
            .expect("valid regex"),
    ]
}

const PASSWORD_KEYS: &[&str] = &[
    "password",
    "Password",
    "PASSWORD",
    "passwd",
    "pwd",
    "Pwd",
    "db_password",
    "dbPassword",
    "mysqlpassword",
];

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `key` and `value` written the way one of many stacks writes them.
fn placed(key: &str, value: &str, how: u8) -> String {
    match how % 14 {
        0 => format!("{key}={value}"),
        1 => format!("{key}: {value}"),
        2 => format!("{{\"{key}\": \"{value}\"}}"),
        3 => format!("{{'{key}': '{value}'}}"),
        4 => format!("{key}=\"{value}\""),
        5 => format!("GET /x?a=1&{key}={} HTTP/1.1", percent(value)),
        6 => format!("body={}", percent(&format!("{key}={value}"))),
        7 => format!(
            "body={}",
            percent(&percent(&format!("{{\"{key}\":\"{value}\"}}")))
        ),
        8 => format!("{{\"msg\": \"{{\\\"{key}\\\": \\\"{value}\\\"}}\"}}"),
        9 => format!("Driver={{ODBC}};Server=db;{key}={value};"),
        10 => format!("{key} = '{value}'"),
        11 => format!("msg=\"request\" {key}=\"{value}\" level=error"),
        12 => format!("<input type=\"hidden\" name=\"{key}\" value=\"{value}\" />"),
        _ => format!("{key}: {value}\n    more"),
    }
}

/// `value` on its own, in one of the shapes found without a key.
fn bare_placed(value: &str, how: u8) -> String {
    match how % 9 {
        0 => format!("Authorization: Bearer {value}"),
        1 => format!("'Authorization': 'Negotiate {value}'"),
        2 => format!("retrying with {value} now"),
        3 => format!("postgres://netbox:{value}@db:5432/netbox"),
        4 => format!("Cookie: csrftoken=abc123XYZ; sessionid={value}"),
        5 => format!("Set-Cookie: ESTSAUTH={value}; path=/; secure"),
        6 => format!("AADSTS700016: Application with identifier '{value}' was not found"),
        7 => format!("\"{value}\""),
        _ => format!("redis://:{value}@redis:6379/0"),
    }
}

/// The failure every planted line stands beside (or in), so that it is evidence.
fn carrier(planted: &str, how: u8) -> String {
    let prefix = "[pod/netbox-6f7c9d8b5-q8w2e/netbox] 2026-11-24T10:02:11.000000000Z ";
    match how % 6 {
        // The container runtime cut the line into pieces (CRI `P` then `F`), anywhere in
        // the secret, with another stream's line between two pieces.
        5 => {
            let line = format!("ERROR AADSTS7000215: Invalid client secret provided. {planted}")
                .replace('\n', " ");
            let cut = (how as usize * 7) % line.len().max(1);
            let cut = (0..=cut).rev().find(|&i| line.is_char_boundary(i)).unwrap_or(0);
            format!(
                "2026-11-24T10:02:11.1Z stderr P {}\n2026-11-24T10:02:11.1Z stdout F GET /login/ 200\n2026-11-24T10:02:11.2Z stderr F {}\n",
                &line[..cut],
                &line[cut..]
            )
        }
        0 => format!(
            "{prefix}ERROR AADSTS7000215: Invalid client secret provided. {planted}\n"
        ),
        1 => format!(
            "{prefix}Traceback (most recent call last):\n{prefix}  File \"/opt/netbox/x.py\", line 3, in f\n{prefix}    raise AuthCanceled(self)\n{prefix}social_core.exceptions.AuthCanceled: Authentication process canceled: {}\n",
            planted.replace('\n', " ")
        ),
        2 => format!(
            "{prefix}{{\"level\": \"error\", \"event\": {}}}\n",
            serde_json::to_string(&format!(
                "AADSTS50011: The redirect URI 'http://nb.example.com/oauth/complete/azuread-oauth2/' specified {planted}"
            ))
            .unwrap_or_default()
        ),
        3 => format!("{prefix}invalid_grant: {planted} AADSTS54005\n"),
        _ => format!(
            "{prefix}10.42.0.1 - - [24/Nov/2026:10:02:11 +0000] \"GET /oauth/complete/azuread-oauth2/?error=access_denied&{} HTTP/1.1\" 302 0 \"-\" \"Mozilla/5.0 {}\"\n{prefix}AADSTS65004: User declined to consent\n",
            percent(planted),
            // nginx writes a quote in a logged header as \x22.
            planted.replace('"', "\\x22").replace('\n', " ")
        ),
    }
}

/// True when `out` shows `secret`, or a long piece of it.
fn shows(out: &str, secret: &str) -> bool {
    let secret = secret.trim();
    out.contains(secret)
        || (secret.len() >= 16
            && !secret.contains(' ')
            && out.contains(&secret[..secret.len() / 2]))
}

/// Generated secrets in every shape and syntax, beside a failure, in every format: never
/// shown. Shown with `--show-secrets`, for most of them, so the test can fail.
#[test]
fn generated_secrets_never_reach_any_output() {
    let revealed = std::cell::Cell::new(0u32);
    let total = std::cell::Cell::new(0u32);
    let strategy = (
        prop_oneof![
            (0..KEYS.len(), keyed_secret(), any::<u8>())
                .prop_map(|(k, v, how)| (placed(KEYS[k], &v, how), v)),
            (0..PASSWORD_KEYS.len(), password(), any::<u8>())
                .prop_map(|(k, v, how)| (placed(PASSWORD_KEYS[k], &v, how), v)),
            (bare_secret(), any::<u8>()).prop_map(|(v, how)| (bare_placed(&v, how), v)),
        ],
        any::<u8>(),
        0..FORMATS.len(),
    );
    runner(2_000)
        .run(&strategy, |((planted, secret), how, f)| {
            let log = carrier(&planted, how);
            let format = FORMATS[f];
            let out = render(log.as_bytes(), format, false);
            prop_assert!(
                !shows(&out, &secret),
                "{format:?} shows {secret:?} from {planted:?}:\n{out}"
            );
            check_output(&out, format)?;
            total.set(total.get() + 1);
            if shows(&render(log.as_bytes(), Format::Json, true), &secret) {
                revealed.set(revealed.get() + 1);
            }
            Ok(())
        })
        .unwrap();
    // Most planted lines are evidence: the check above looks where secrets would show.
    let (revealed, total) = (revealed.get(), total.get());
    assert!(
        revealed * 4 >= total * 3,
        "{revealed} of {total} shown when revealed"
    );
}

/// How many places [`identifier_placed`] knows.
const PLACES: u8 = 13;

/// `value` where an error identifier stands: an exception's class, a raised or thrown
/// name, a qualified name, an error key's value, an error tag.
fn identifier_placed(value: &str, how: u8) -> String {
    match how % PLACES {
        0 => format!("{value}Error: the token endpoint refused the request"),
        10 => format!("type={value}_ERROR, error={value}"),
        11 => format!("status urn:oasis:names:tc:SAML:2.0:status:{value}"),
        12 => format!("{{\"exc_info\": \"Traceback:\\n{value}Error: x\\nMSIS{value}\"}}"),
        1 => format!("raise {value}(\"state mismatch\")"),
        2 => format!("Caused by: com.example.sso.{value}Exception: invalid token"),
        3 => format!("{{\"errorCode\": \"{value}\", \"suberror\": \"{value}\"}}"),
        4 => format!("error_code={value} error={value}"),
        5 => format!("[next-auth][error][{value}] callback failed"),
        6 => format!("Exception Type: {value} at /oauth/complete/azuread-oauth2/"),
        7 => format!("social_core.exceptions.{value}: authentication failed"),
        8 => format!("ClientAuthError: {value}: could not resolve endpoints"),
        _ => format!("OAuth2AuthenticationException: [{value}] An error occurred"),
    }
}

/// Secrets in every position an error identifier is read from, beside a failure: never an
/// error identifier (`errors_seen`, which every format renders from the same model), and
/// every format stays clean. Whether the evidence masks a secret glued into such a shape
/// (`<random>Error:`) is the masker's contract, not this one's: the identifiers are held
/// to theirs even where the masker lets a value through.
#[test]
fn secrets_where_identifiers_stand_never_become_identifiers() {
    let strategy = (
        prop_oneof![
            bare_secret().prop_map(|v| (String::new(), v)),
            // A credential written in the identifier's place, after its key.
            (0..KEYS.len(), keyed_secret()).prop_map(|(k, v)| (format!("{}=", KEYS[k]), v)),
        ],
        any::<u8>(),
        any::<u8>(),
        0..FORMATS.len(),
    );
    runner(1_000)
        .run(&strategy, |((key, value), place, how, f)| {
            // The masker takes `key=value(` for code in a traceback (`x = f(`), and the
            // last check then withholds the report: a keyed secret is not written right
            // before a parenthesis (`raise client_secret=x(`).
            let place = if !key.is_empty() && place % PLACES == 1 {
                0
            } else {
                place
            };
            let planted = identifier_placed(&format!("{key}{value}"), place);
            let log = carrier(&planted, how);
            let format = FORMATS[f];
            check_output(&render(log.as_bytes(), format, false), format)?;
            let json = render(log.as_bytes(), Format::Json, false);
            let report: serde_json::Value =
                serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
            for finding in report["findings"].as_array().into_iter().flatten() {
                for e in finding["errors_seen"].as_array().into_iter().flatten() {
                    let e = e.as_str().unwrap_or_default();
                    prop_assert!(
                        !(shows(e, &value) || (e.len() >= 8 && value.contains(e))),
                        "identifier {e:?} shows {value:?} from {planted:?}"
                    );
                }
            }
            Ok(())
        })
        .unwrap();
}

/// Arbitrary bytes, and corpus lines with bytes changed, through the whole pipeline in every
/// format: no panic, no raw control character, no markup.
#[test]
fn arbitrary_and_mutated_input_through_the_pipeline() {
    let mutated = (
        proptest::collection::vec(
            (
                0..LINES.len(),
                proptest::collection::vec((any::<u16>(), any::<u8>(), 0u8..3), 0..6),
            ),
            1..8,
        ),
        0..FORMATS.len(),
    )
        .prop_map(|(picks, f)| {
            let mut text = Vec::new();
            for (i, edits) in picks {
                let mut line = LINES[i].clone();
                for (at, byte, op) in edits {
                    let at = usize::from(at) % (line.len() + 1);
                    match op {
                        0 => line.insert(at, byte),
                        1 if at < line.len() => line[at] = byte,
                        _ if at < line.len() => {
                            line.remove(at);
                        }
                        _ => line.push(byte),
                    }
                }
                text.extend_from_slice(&line);
                text.push(b'\n');
            }
            (text, f)
        });
    let arbitrary = (
        proptest::collection::vec(any::<u8>(), 0..3000),
        0..FORMATS.len(),
    );
    // Whole characters of any width put into corpus lines: a GUID shape, a key or a token
    // next to a multi-byte character is where byte offsets go wrong.
    let unicode = (
        0..LINES.len(),
        proptest::collection::vec((any::<u16>(), any::<char>()), 1..6),
        0..FORMATS.len(),
    )
        .prop_map(|(i, chars, f)| {
            let mut line = String::from_utf8_lossy(&LINES[i]).into_owned();
            for (at, c) in chars {
                let mut at = usize::from(at) % (line.len() + 1);
                while !line.is_char_boundary(at) {
                    at -= 1;
                }
                line.insert(at, c);
            }
            line.push('\n');
            (line.into_bytes(), f)
        });
    let strategy = prop_oneof![mutated, arbitrary, unicode];
    runner(3_500)
        .run(&strategy, |(text, f)| {
            let format = FORMATS[f];
            let out = render(&text, format, false);
            check_output(&out, format)
        })
        .unwrap();
}

/// Hostile text meant to become markup or a terminal escape, inside real failures.
#[test]
fn hostile_text_never_becomes_markup_or_an_escape() {
    let hostile = prop_oneof![
        Just("<img src=x onerror=alert(1)>".to_string()),
        Just("[click](javascript:alert(1))".to_string()),
        Just("<javascript:alert(1)>".to_string()),
        Just("<https://evil.example/>".to_string()),
        Just("```\n<script>alert(1)</script>\n```".to_string()),
        Just("~~~~\n<b>x</b>".to_string()),
        Just("\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J".to_string()),
        Just("\u{202e}gnp.exe\u{200b}".to_string()),
        Just("`` ` ``| a | b |".to_string()),
        proptest::string::string_regex("[<>\\[\\]()`*_|!~\\\\:/a-z\u{1b}\u{7}\u{9b}]{1,40}")
            .expect("valid regex"),
    ];
    let strategy = (hostile, any::<u8>(), 0..FORMATS.len());
    runner(800)
        .run(&strategy, |(text, how, f)| {
            let log = carrier(&text, how);
            let format = FORMATS[f];
            let out = render(log.as_bytes(), format, false);
            check_output(&out, format)
        })
        .unwrap();
}

/// Every parser on its own, on arbitrary bytes and text: no panic.
#[test]
fn every_parser_survives_arbitrary_input() {
    let strategy = proptest::collection::vec(any::<u8>(), 0..600);
    runner(3_500)
        .run(&strategy, |bytes| {
            let text = String::from_utf8_lossy(&bytes);
            let _ = crate::parse::access::parse(&text);
            let _ = crate::parse::access::is_probe(&bytes);
            let _ = crate::parse::timestamp::find(&bytes);
            let _ = crate::parse::timestamp::parse_value(&bytes);
            let _ = crate::parse::kubectl::split(&bytes);
            let _ = crate::parse::jsonl::decode(&bytes);
            let _ = crate::parse::jsonblock::depth_change(&bytes);
            let _ = crate::parse::decode::view(&text);
            let _ = crate::parse::decode::url(&text);
            let _ = crate::parse::decode::html(&text);
            let _ = crate::token::find(&text);
            let _ = crate::token::decode(&text);
            let _ = crate::refine::redirect_uri(&text);
            let _ = crate::refine::client_id(&text);
            let _ = crate::refine::tenant(&text);
            let har = crate::har::Options {
                show_secrets: false,
                redact_users: false,
                flow_timeout_secs: 300,
                redirect_uri: None,
            };
            let _ = crate::har::scan_bytes(&bytes, "prop.har", &COMPILED, &har);
            let _ = crate::har::redact_reader(
                std::path::Path::new("prop.har"),
                bytes.as_slice(),
                &mut Vec::new(),
            );
            let opts = crate::checkconfig::Options {
                source: "prop.py".into(),
                redirect_uri: Some(text.to_string()),
                base_url: None,
                secret_expires: None,
                today: chrono::NaiveDate::from_ymd_opt(2026, 12, 6).expect("a date"),
            };
            let _ = crate::checkconfig::check(&text, &opts, &*COMPILED);
            let _ = crate::redact::Masking {
                show_secrets: false,
                users: true,
            }
            .show(&text);
            Ok(())
        })
        .unwrap();
}

/// A support bundle whose tar members hold arbitrary bytes and names: read to the end, no
/// panic.
#[test]
fn tar_members_with_arbitrary_content() {
    let strategy = proptest::collection::vec(
        (
            proptest::string::string_regex("[a-z./-]{1,40}").expect("valid regex"),
            proptest::collection::vec(any::<u8>(), 0..400),
        ),
        1..5,
    );
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("bundle.tar");
    runner(300)
        .run(&strategy, |members| {
            let mut builder = tar::Builder::new(Vec::new());
            for (name, data) in &members {
                let mut header = tar::Header::new_gnu();
                header.set_size(data.len() as u64);
                header.set_mode(0o644);
                let name =
                    format!("bundle/cluster-resources/pods/logs/kotsadm/netbox-1/{name}.log");
                if header.set_path(&name).is_err() {
                    continue;
                }
                header.set_cksum();
                builder
                    .append(&header, data.as_slice())
                    .expect("appending to memory");
            }
            let bytes = builder.into_inner().expect("a tar in memory");
            std::fs::write(&path, &bytes).expect("writing the tar");
            let _ = crate::source::bundle::read_archive(&path, &mut |_| {});
            // Cut anywhere: still no panic.
            std::fs::write(&path, &bytes[..bytes.len() / 2]).expect("writing the tar");
            let _ = crate::source::bundle::read_archive(&path, &mut |_| {});
            Ok(())
        })
        .unwrap();
}

/// Random secrets, punctuation and all, after random credential keys in random syntaxes
/// (`key=value`, `key: value`, JSON, HTML cells, flags, CSV, ANSI-coloured keys, argv,
/// Python reprs, XML params), planted beside a failure: no output format shows one, nor a
/// piece of eight bytes or more of it.
#[test]
fn generated_secrets_in_every_syntax_never_reach_any_output() {
    use crate::test_support::planted;
    let strategy = (
        0..planted::KEYS.len(),
        planted::secret(),
        any::<u8>(),
        planted::words(),
        any::<u8>(),
        0..FORMATS.len(),
    );
    runner(300)
        .run(&strategy, |(k, secret, how, words, at, f)| {
            let planted = planted::place(planted::KEYS[k], &secret, how);
            let line = planted::line(&planted, &words, at);
            let log = format!("{line} AADSTS7000215: Invalid client secret provided.\n");
            let format = FORMATS[f];
            let out = render(log.as_bytes(), format, false);
            let piece = planted::shown_piece(&out, &secret);
            prop_assert!(
                piece.is_none(),
                "{format:?} shows {piece:?} of {secret:?} from {planted:?}:\n{out}"
            );
            Ok(())
        })
        .unwrap();
}
