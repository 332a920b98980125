//! The planted failure events (kinds `a` to `i` of the module docs), the AuthStateMissing
//! traceback among them.

use std::io::{self, Write};

use super::rng::guid_bytes;
use super::vocab::{ALNUM, BROWSER_UAS, HEX};
use super::{Container, Gen, KIND_C, Traceback};

impl<W: Write> Gen<W> {
    fn count_event(&mut self, kind: usize, lines: u64) {
        self.stats.failure_events += 1;
        self.stats.failure_lines += lines;
        self.stats.by_kind[kind] += 1;
    }

    /// Optional log-format prefix before a bare message: none, `simple` or `verbose`.
    fn level_prefix(&mut self, level: &str, module: &str) {
        match self.rng.below(5) {
            0..=2 => {}
            3 => {
                self.s(level.as_bytes());
                self.out.push(b' ');
            }
            _ => {
                // netbox-docker `verbose`: {levelname} {asctime} {module} {process:d} {thread:d} {message}
                self.s(level.as_bytes());
                self.out.push(b' ');
                self.django_time();
                self.out.push(b' ');
                self.s(module.as_bytes());
                self.out.push(b' ');
                self.rnum(7, 400);
                self.out.push(b' ');
                self.rnum(139_000_000_000_000, 140_999_999_999_999);
                self.out.push(b' ');
            }
        }
    }

    /// An Entra token-endpoint error body as JSON.
    fn entra_json(&mut self, error: &str, code: &str, msg_head: &str, app: bool, msg_tail: &str) {
        let trace = guid_bytes(&mut self.rng);
        let corr = guid_bytes(&mut self.rng);
        // Entra separates the trace block with \r\n (escaped in JSON); some relays flatten it.
        let sep: &[u8] = if self.rng.chance(0.5) {
            b"\\r\\n"
        } else {
            b" "
        };
        self.s(b"{\"error\":\"");
        self.s(error.as_bytes());
        self.s(b"\",\"error_description\":\"AADSTS");
        self.s(code.as_bytes());
        self.s(b": ");
        self.s(msg_head.as_bytes());
        if app {
            let id = self.client_id;
            self.s(&id);
        }
        self.s(msg_tail.as_bytes());
        self.s(sep);
        self.s(b"Trace ID: ");
        self.s(&trace);
        self.s(sep);
        self.s(b"Correlation ID: ");
        self.s(&corr);
        self.s(sep);
        self.s(b"Timestamp: ");
        self.entra_time();
        self.s(b"\",\"error_codes\":[");
        self.s(code.as_bytes());
        self.s(b"],\"timestamp\":\"");
        self.entra_time();
        self.s(b"\",\"trace_id\":\"");
        self.s(&trace);
        self.s(b"\",\"correlation_id\":\"");
        self.s(&corr);
        self.s(b"\",\"error_uri\":\"https://login.microsoftonline.com/error?code=");
        self.s(code.as_bytes());
        self.s(b"\"}");
    }

    pub(super) fn failure_event(&mut self, kind: usize, pod: usize) -> io::Result<()> {
        if kind == KIND_C {
            return self.start_traceback(pod);
        }
        let gap = self.normal_gap();
        if kind == 4 {
            // (e) Entra redirected an error to the callback.
            let c = self.access_container();
            self.begin(pod, c, gap);
            let ip = self.user_ip();
            self.access_head(ip, None, "GET");
            self.s(b"/oauth/complete/azuread-oauth2/?error=access_denied&error_description=AADSTS65004%3a+User+declined+to+consent+to+access+the+app.%0d%0aTrace+ID%3a+");
            self.guid();
            self.s(b"%0d%0aCorrelation+ID%3a+");
            self.guid();
            self.s(b"%0d%0aTimestamp%3a+");
            let (d, t) = (self.clock.date, self.clock.hms);
            self.s(&d);
            self.out.push(b'+');
            self.s(&t[0..2]);
            self.s(b"%3a");
            self.s(&t[3..5]);
            self.s(b"%3a");
            self.s(&t[6..8]);
            self.s(b"Z&state=");
            self.random_from(ALNUM, 32);
            let status = if self.rng.chance(0.7) { 302 } else { 500 };
            let ua = self.pick_str(BROWSER_UAS);
            self.access_tail(
                c,
                pod,
                status,
                0,
                "https://login.microsoftonline.com/",
                ua.as_bytes(),
            );
            self.count_event(kind, 1);
            return self.end();
        }
        self.begin(pod, Container::Netbox, gap);
        match kind {
            0 => {
                self.level_prefix("ERROR", "utils");
                self.s(b"Request failed with 400: ");
                self.entra_json(
                    "invalid_grant",
                    "54005",
                    "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
                    false,
                    "",
                );
            }
            1 => {
                self.level_prefix("ERROR", "utils");
                self.s(b"Request failed with 401: ");
                self.entra_json(
                    "invalid_client",
                    "7000222",
                    "The provided client secret keys for app '",
                    true,
                    "' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.",
                );
            }
            3 => {
                const MSG_HEAD: &str = "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '";
                if self.rng.chance(0.6) {
                    self.level_prefix("ERROR", "utils");
                    self.s(b"Request failed with 401: ");
                    self.entra_json("invalid_client", "7000215", MSG_HEAD, true, "'.");
                } else {
                    // social-core 4.5.4 style: AuthFailed carrying the description.
                    self.level_prefix("INFO", "views");
                    self.s(b"Authentication failed: AADSTS7000215: ");
                    self.s(MSG_HEAD.as_bytes());
                    let id = self.client_id;
                    self.s(&id);
                    self.s(b"'. Trace ID: ");
                    self.guid();
                    self.s(b" Correlation ID: ");
                    self.guid();
                    self.s(b" Timestamp: ");
                    self.entra_time();
                }
            }
            5 => {
                match self.rng.below(3) {
                    0 => {}
                    1 => self.django_head("INFO", "social"),
                    _ => self.s(b"social_core.exceptions.AuthTokenError: "),
                }
                self.s(b"Token error: Invalid key/secret, perhaps expired");
            }
            6 => {
                self.s(b"social_core.exceptions.AuthCanceled: Authentication process canceled");
            }
            7 => {
                self.level_prefix("ERROR", "utils");
                self.s(b"Connection error: HTTPSConnectionPool(host='login.microsoftonline.com', port=443): Max retries exceeded with url: ");
                if self.rng.chance(0.5) {
                    self.s(b"/common/oauth2/token");
                } else {
                    self.out.push(b'/');
                    let t = self.tenant_id;
                    self.s(&t);
                    self.s(b"/oauth2/v2.0/token");
                }
                self.s(b" (Caused by ");
                let obj_hex = self.rng.below(1 << 40);
                let mut obj = [0u8; 10];
                for (i, o) in obj.iter_mut().enumerate() {
                    *o = HEX[((obj_hex >> (36 - 4 * i)) & 15) as usize];
                }
                match self.rng.below(3) {
                    0 => {
                        self.s(b"NameResolutionError(\"<urllib3.connection.HTTPSConnection object at 0x7f");
                        self.s(&obj);
                        self.s(b">: Failed to resolve 'login.microsoftonline.com' ([Errno -3] Temporary failure in name resolution)\"))");
                    }
                    1 => {
                        self.s(b"NewConnectionError('<urllib3.connection.HTTPSConnection object at 0x7f");
                        self.s(&obj);
                        self.s(b">: Failed to establish a new connection: [Errno 111] Connection refused'))");
                    }
                    _ => {
                        self.s(b"SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1010)')))");
                    }
                }
            }
            _ => {
                self.level_prefix("ERROR", "utils");
                self.s(b"Request failed with 400: ");
                self.entra_json(
                    "invalid_request",
                    "9999999",
                    "The request was rejected by a tenant policy that this tool does not know about.",
                    false,
                    "",
                );
            }
        }
        self.count_event(kind, 1);
        self.end()
    }

    /// (c) A traceback ending in AuthStateMissing; its first line is written now, the rest
    /// is pending and may interleave with lines of other pods.
    fn start_traceback(&mut self, pod: usize) -> io::Result<()> {
        const SP: &str = "/opt/netbox/venv/lib/python3.12/site-packages/";
        // (file, line, function, code); the outermost frame first.
        const OPTIONAL_OUTER: [(&str, u32, &str, &str); 6] = [
            (
                "django/core/handlers/exception.py",
                55,
                "inner",
                "response = get_response(request)",
            ),
            (
                "django/core/handlers/base.py",
                197,
                "_get_response",
                "response = wrapped_callback(request, *callback_args, **callback_kwargs)",
            ),
            (
                "social_django/utils.py",
                49,
                "wrapper",
                "return func(request, backend, *args, **kwargs)",
            ),
            (
                "social_django/views.py",
                31,
                "complete",
                "return do_complete(",
            ),
            (
                "social_core/actions.py",
                49,
                "do_complete",
                "user = backend.complete(user=user, redirect_name=redirect_name, *args, **kwargs)",
            ),
            (
                "social_core/backends/base.py",
                39,
                "complete",
                "return self.auth_complete(*args, **kwargs)",
            ),
        ];
        const WRAPPER: (&str, u32, &str, &str) = (
            "social_core/utils.py",
            256,
            "wrapper",
            "return func(*args, **kwargs)",
        );
        const AUTH_COMPLETE: (&str, u32, &str, &str) = (
            "social_core/backends/oauth.py",
            424,
            "auth_complete",
            "state = self.validate_state()",
        );
        const VALIDATE: (&str, u32, &str, &str) = (
            "social_core/backends/oauth.py",
            91,
            "validate_state",
            "raise AuthStateMissing(self, \"state\")",
        );

        // 2..=5 frames: always utils.wrapper and validate_state, plus extras in stack order.
        let k = self.rng.range(2, 5) as usize;
        let extra = k - 2;
        let mut frames: Vec<(&str, u32, &str, &str)> = Vec::with_capacity(k);
        // Choose `extra` distinct outer frames (plus possibly auth_complete) keeping order.
        let mut pool: Vec<usize> = (0..OPTIONAL_OUTER.len() + 1).collect();
        let mut chosen = Vec::with_capacity(extra);
        for _ in 0..extra {
            let i = self.rng.below(pool.len() as u64) as usize;
            chosen.push(pool.swap_remove(i));
        }
        chosen.sort_unstable();
        for &i in &chosen {
            if i < OPTIONAL_OUTER.len() {
                frames.push(OPTIONAL_OUTER[i]);
            }
        }
        frames.push(WRAPPER);
        if chosen.contains(&OPTIONAL_OUTER.len()) {
            frames.push(AUTH_COMPLETE);
        }
        frames.push(VALIDATE);
        // Sometimes one frame has no source line (e.g. a frozen or missing file).
        let drop = if self.rng.chance(0.5) {
            Some(self.rng.below(frames.len() as u64) as usize)
        } else {
            None
        };

        let mut lines: Vec<Vec<u8>> = Vec::with_capacity(2 + 2 * frames.len());
        lines.push(b"Traceback (most recent call last):".to_vec());
        for (i, (file, line, func, code)) in frames.iter().enumerate() {
            lines.push(format!("  File \"{SP}{file}\", line {line}, in {func}").into_bytes());
            if drop != Some(i) {
                lines.push(format!("    {code}").into_bytes());
            }
        }
        lines.push(
            b"social_core.exceptions.AuthStateMissing: Session value state missing.".to_vec(),
        );
        let n = lines.len() as u64;
        self.count_event(KIND_C, n);
        let gap = self.normal_gap();
        self.begin(pod, Container::Netbox, gap);
        self.s(&lines[0]);
        self.end()?;
        self.traceback = Some(Traceback {
            pod,
            lines,
            next: 1,
        });
        Ok(())
    }

    pub(super) fn continue_traceback(&mut self) -> io::Result<()> {
        let Some(mut tb) = self.traceback.take() else {
            return Ok(());
        };
        let gap = self.rng.range(1_000, 300_000);
        self.begin(tb.pod, Container::Netbox, gap);
        let line = std::mem::take(&mut tb.lines[tb.next]);
        self.s(&line);
        tb.next += 1;
        self.end()?;
        if tb.next < tb.lines.len() {
            self.traceback = Some(tb);
        }
        Ok(())
    }
}
