//! `genhar`: a deterministic generator of large browser captures (HAR 1.2), to measure what
//! `sso-triage scan` needs to read one entry by entry (issue #15: a HAR of a million
//! entries in at most 256 MiB).
//!
//! ```text
//! cargo run --release -p sso-triage-tools --bin genhar -- --entries 1000000 --seed 1 --out big.har [--gzip]
//! /usr/bin/time -v target/release/sso-triage scan -o json big.har > /dev/null
//! ```
//!
//! The capture is one browser signing in to NetBox again and again, seven entries a login:
//! the begin (`/oauth/login/azuread-oauth2/`, which sets `sessionid`), the authorize request
//! at Entra with its sign-in page (a 2 KiB page of script), Entra's form_post page (hidden
//! `code`, `state`, `session_state`; every third one saved as base64), the callback, the
//! landing page and two static files. Every 50th login is refused at Entra (an AADSTS50011
//! page), every 70th loses its session cookie on the callback (`--refuse-every`,
//! `--lose-every`). All values are fake; the same arguments give the same bytes.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use base64::Engine;

/// splitmix64: all randomness, from `--seed`.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// `n` characters of the base64url alphabet.
    fn token(&mut self, n: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        (0..n)
            .map(|_| ALPHABET[(self.next() % 64) as usize] as char)
            .collect()
    }
}

const TENANT: &str = "0b0e7a1c-2d3f-4a5b-8c9d-0e1f2a3b4c5d";
const CLIENT: &str = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const NETBOX: &str = "https://netbox.example.com";
const UA: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
const REDIRECT: &str = "https%3A%2F%2Fnetbox.example.com%2Foauth%2Fcomplete%2Fazuread-oauth2%2F";

fn json(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serialises")
}

/// The time of entry `n`: 100 ms apart from 2026-11-20T00:00:00Z.
fn time(n: u64) -> String {
    let ms = n * 100;
    let secs = ms / 1000;
    let (d, rest) = (secs / 86_400, secs % 86_400);
    format!(
        "2026-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        11 + (19 + d) / 30,
        (19 + d) % 30 + 1,
        rest / 3600,
        rest % 3600 / 60,
        rest % 60,
        ms % 1000
    )
}

struct Entry<'a> {
    method: &'a str,
    url: &'a str,
    request_headers: Vec<(&'a str, String)>,
    post: Option<(&'a str, String)>,
    status: u16,
    response_headers: Vec<(&'a str, String)>,
    mime: &'a str,
    body: Option<String>,
    base64: bool,
}

fn headers(list: &[(&str, String)]) -> String {
    let items: Vec<String> = list
        .iter()
        .map(|(n, v)| format!("{{\"name\": {}, \"value\": {}}}", json(n), json(v)))
        .collect();
    format!("[{}]", items.join(", "))
}

fn write_entry(out: &mut impl Write, n: u64, first: bool, e: &Entry<'_>) -> io::Result<()> {
    let post = match &e.post {
        Some((mime, text)) => format!(
            ", \"postData\": {{\"mimeType\": {}, \"text\": {}}}",
            json(mime),
            json(text)
        ),
        None => String::new(),
    };
    let content = match &e.body {
        Some(b) if e.base64 => format!(
            "{{\"size\": {}, \"mimeType\": {}, \"text\": {}, \"encoding\": \"base64\"}}",
            b.len(),
            json(e.mime),
            json(&base64::engine::general_purpose::STANDARD.encode(b))
        ),
        Some(b) => format!(
            "{{\"size\": {}, \"mimeType\": {}, \"text\": {}}}",
            b.len(),
            json(e.mime),
            json(b)
        ),
        None => format!("{{\"size\": 0, \"mimeType\": {}}}", json(e.mime)),
    };
    let location = e
        .response_headers
        .iter()
        .find(|(n, _)| *n == "Location")
        .map_or(String::new(), |(_, v)| v.clone());
    write!(
        out,
        "{}\n    {{\"startedDateTime\": \"{}\", \"time\": 12.5, \"request\": {{\"method\": \"{}\", \"url\": {}, \"httpVersion\": \"h2\", \"headers\": {}, \"queryString\": [], \"cookies\": []{post}, \"headersSize\": -1, \"bodySize\": 0}}, \"response\": {{\"status\": {}, \"statusText\": \"\", \"httpVersion\": \"h2\", \"headers\": {}, \"cookies\": [], \"content\": {content}, \"redirectURL\": {}, \"headersSize\": -1, \"bodySize\": -1}}, \"cache\": {{}}, \"timings\": {{\"send\": 0.1, \"wait\": 10.2, \"receive\": 2.2}}}}",
        if first { "" } else { "," },
        time(n),
        e.method,
        json(e.url),
        headers(&e.request_headers),
        e.status,
        headers(&e.response_headers),
        json(&location),
    )
}

/// Entra's sign-in page: mostly script, with a flow token and a canary.
fn sign_in_page(rng: &mut Rng) -> String {
    format!(
        "<!DOCTYPE html><html><head><title>Sign in to your account</title><script>//<![CDATA[\n$Config={{\"sFT\":\"{}\",\"canary\":\"{}\",\"correlationId\":\"7c6b5a49-3827-4165-9f8e-7d6c5b4a3928\",\"strings\":{{}}}};\n{}//]]></script></head><body><div id=\"lightbox\">Sign in</div></body></html>",
        rng.token(180),
        rng.token(90),
        "var a=window.performance||{};function f(x){return x&&x.length?x[0]:null}\n".repeat(20)
    )
}

fn error_page() -> String {
    format!(
        "<!DOCTYPE html><html><head><title>Sign in to your account</title></head><body><div id=\"content\"><div>Sorry, but we're having trouble signing you in.</div><div>AADSTS50011: The redirect URI 'http://netbox.example.com/oauth/complete/azuread-oauth2/' specified in the request does not match the redirect URIs configured for the application '{CLIENT}'.</div><div>Request Id: 3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9</div><div>Correlation Id: 7c6b5a49-3827-4165-9f8e-7d6c5b4a3928</div><div>Timestamp: 2026-11-20T09:20:02Z</div></div></body></html>"
    )
}

fn form_post(code: &str, state: &str, session: &str) -> String {
    format!(
        "<html><head><title>Working...</title></head><body><form method=\"POST\" name=\"hiddenform\" action=\"{NETBOX}/oauth/complete/azuread-oauth2/\"><input type=\"hidden\" name=\"code\" value=\"{code}\" /><input type=\"hidden\" name=\"state\" value=\"{state}\" /><input type=\"hidden\" name=\"session_state\" value=\"{session}\" /><noscript><p>Script is disabled. Click Submit to continue.</p><input type=\"submit\" value=\"Submit\" /></noscript></form><script language=\"javascript\">document.forms[0].submit();</script></body></html>"
    )
}

/// Writes a HAR of `entries` entries (the logins described above) to `out`.
pub fn generate(out: &mut impl Write, entries: u64, seed: u64) -> io::Result<()> {
    generate_with(out, entries, seed, 50, 70)
}

/// [`generate`] with every `refuse`-th login refused at Entra and every `lose`-th losing
/// its session cookie.
pub fn generate_with(
    out: &mut impl Write,
    entries: u64,
    seed: u64,
    refuse: u64,
    lose: u64,
) -> io::Result<()> {
    let mut rng = Rng(seed);
    out.write_all(b"{\"log\": {\"version\": \"1.2\", \"creator\": {\"name\": \"genhar\", \"version\": \"1\"}, \"pages\": [], \"entries\": [")?;
    let mut n = 0u64;
    let mut login = 0u64;
    let statics = "/* netbox.js */ ".repeat(24);
    while n < entries {
        login += 1;
        let refused = login.is_multiple_of(refuse.max(1));
        let cookie_lost = login.is_multiple_of(lose.max(1));
        let session = rng.token(32);
        let state = rng.token(32);
        let code = format!("0.AXoA{}", rng.token(120));
        let authorize = format!(
            "https://login.microsoftonline.com/{TENANT}/oauth2/authorize?client_id={CLIENT}&redirect_uri={REDIRECT}&response_type=code&state={state}&scope=openid+profile+email&response_mode=form_post&nonce={}",
            rng.token(24)
        );
        let begin_url = format!("{NETBOX}/oauth/login/azuread-oauth2/");
        let callback_url = format!("{NETBOX}/oauth/complete/azuread-oauth2/");
        let landing_url = format!("{NETBOX}/");
        let static_url = format!("{NETBOX}/static/netbox.js?v=4.3.2");
        let ua = || vec![("User-Agent", UA.to_string())];
        let mut login_entries = vec![
            Entry {
                method: "GET",
                url: &begin_url,
                request_headers: ua(),
                post: None,
                status: 302,
                response_headers: vec![
                    ("Location", authorize.clone()),
                    (
                        "Set-Cookie",
                        format!(
                            "sessionid={session}; expires=Thu, 04 Dec 2026 09:00:00 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax; Secure"
                        ),
                    ),
                ],
                mime: "text/html",
                body: None,
                base64: false,
            },
            Entry {
                method: "GET",
                url: &authorize,
                request_headers: ua(),
                post: None,
                status: 200,
                response_headers: vec![("Content-Type", "text/html; charset=utf-8".into())],
                mime: "text/html",
                body: Some(if refused {
                    error_page()
                } else {
                    sign_in_page(&mut rng)
                }),
                base64: false,
            },
        ];
        if !refused {
            let mut cookies = ua();
            if !cookie_lost {
                cookies.push(("Cookie", format!("sessionid={session}")));
            }
            login_entries.push(Entry {
                method: "POST",
                url: "https://login.microsoftonline.com/common/login",
                request_headers: ua(),
                post: Some((
                    "application/x-www-form-urlencoded",
                    format!(
                        "login=jdoe%40corp.example&passwd=fake+password+{}&flowToken={}",
                        rng.token(8),
                        rng.token(64)
                    ),
                )),
                status: 200,
                response_headers: vec![("Content-Type", "text/html; charset=utf-8".into())],
                mime: "text/html",
                body: Some(form_post(&code, &state, &rng.token(36))),
                base64: login.is_multiple_of(3),
            });
            login_entries.push(Entry {
                method: "POST",
                url: &callback_url,
                request_headers: cookies,
                post: Some((
                    "application/x-www-form-urlencoded",
                    format!("code={code}&state={state}"),
                )),
                status: 302,
                response_headers: vec![("Location", "/".into())],
                mime: "text/html",
                body: None,
                base64: false,
            });
            login_entries.push(Entry {
                method: "GET",
                url: &landing_url,
                request_headers: ua(),
                post: None,
                status: 200,
                response_headers: vec![("Content-Type", "text/html; charset=utf-8".into())],
                mime: "text/html",
                body: Some("<html><body>NetBox</body></html>".into()),
                base64: false,
            });
        }
        while login_entries.len() < 7 {
            login_entries.push(Entry {
                method: "GET",
                url: &static_url,
                request_headers: ua(),
                post: None,
                status: 200,
                response_headers: vec![("Content-Type", "application/javascript".into())],
                mime: "application/javascript",
                body: Some(statics.clone()),
                base64: false,
            });
        }
        for e in &login_entries {
            if n == entries {
                break;
            }
            write_entry(out, n, n == 0, e)?;
            n += 1;
        }
    }
    out.write_all(b"\n]}}\n")
}

/// The `genhar` command line: see the module docs.
pub fn main() -> ExitCode {
    let mut entries = 1000u64;
    let mut seed = 1u64;
    let mut out_path = None;
    let mut gzip = false;
    let (mut refuse, mut lose) = (50u64, 70u64);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--entries" => entries = args.next().and_then(|v| v.parse().ok()).unwrap_or(entries),
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).unwrap_or(seed),
            "--out" => out_path = args.next(),
            "--gzip" => gzip = true,
            "--refuse-every" => refuse = args.next().and_then(|v| v.parse().ok()).unwrap_or(refuse),
            "--lose-every" => lose = args.next().and_then(|v| v.parse().ok()).unwrap_or(lose),
            _ => {
                eprintln!(
                    "usage: genhar [--entries N] [--seed N] [--out FILE] [--gzip] [--refuse-every N] [--lose-every N]"
                );
                return ExitCode::from(2);
            }
        }
    }
    let sink: Box<dyn Write> = match &out_path {
        Some(p) => match File::create(p) {
            Ok(f) => Box::new(f),
            Err(e) => {
                eprintln!("genhar: {p}: {e}");
                return ExitCode::from(2);
            }
        },
        None => Box::new(io::stdout().lock()),
    };
    let mut out: Box<dyn Write> = if gzip {
        Box::new(flate2::write::GzEncoder::new(
            BufWriter::with_capacity(1 << 20, sink),
            flate2::Compression::fast(),
        ))
    } else {
        Box::new(BufWriter::with_capacity(1 << 20, sink))
    };
    match generate_with(&mut out, entries, seed, refuse, lose).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("genhar: {e}");
            ExitCode::from(2)
        }
    }
}
