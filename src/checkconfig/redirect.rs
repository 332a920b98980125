//! Checks of the redirect URI NetBox will send: whether it is https (SOCIAL_AUTH_REDIRECT_IS_HTTPS,
//! SECURE_PROXY_SSL_HEADER), the URI given with `--redirect-uri`/`--base-url` against Entra's
//! and NetBox's rules, ALLOWED_HOSTS, and the URI to register.

use super::{Checker, ConfigCheck, EnabledBackend, Hit, backend, is_truthy, value_text};
use crate::checkconfig::parse::Value;
use crate::refine;

impl<'a> Checker<'a> {
    /// Where the file or the flags show that NetBox is served over https.
    pub(super) fn https_evidence(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (flag, value) in [
            ("--redirect-uri", &self.opts.redirect_uri),
            ("--base-url", &self.opts.base_url),
        ] {
            if value
                .as_deref()
                .is_some_and(|v| v.trim().to_ascii_lowercase().starts_with("https://"))
            {
                out.push(format!("{flag} is https"));
            }
        }
        if let Some(a) = self.settings.get("CSRF_TRUSTED_ORIGINS")
            && a.value
                .strings()
                .iter()
                .any(|s| s.trim().to_ascii_lowercase().starts_with("https://"))
        {
            out.push(format!(
                "CSRF_TRUSTED_ORIGINS (line {}) lists an https origin",
                a.line
            ));
        }
        for name in ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"] {
            if let Some(a) = self.settings.get(name)
                && a.value == Value::Bool(true)
            {
                out.push(format!("{name} = True (line {})", a.line));
            }
        }
        out
    }

    /// SOCIAL_AUTH_REDIRECT_IS_HTTPS and SECURE_PROXY_SSL_HEADER.
    pub(super) fn https(&mut self, enabled: &[EnabledBackend]) {
        if let Some(a) = self.settings.get("SECURE_PROXY_SSL_HEADER").copied() {
            self.hit(
                ConfigCheck::SecureProxyHeaderIgnored,
                a.line,
                Some(&a.name),
                format!("SECURE_PROXY_SSL_HEADER = {}", value_text(&a.value)),
                format!(
                    "line {}: NetBox sets SECURE_PROXY_SSL_HEADER itself and does not read this override",
                    a.line
                ),
            );
        }
        let entra = !enabled.is_empty()
            || self
                .settings
                .keys()
                .any(|n| backend::by_prefix(n).is_some());
        let evidence = self.https_evidence();
        if !entra
            || evidence.is_empty()
            || self.unread_names.contains("SOCIAL_AUTH_REDIRECT_IS_HTTPS")
        {
            return;
        }
        let name = "SOCIAL_AUTH_REDIRECT_IS_HTTPS";
        match self.settings.get(name).copied() {
            Some(a) if is_truthy(&a.value) => {}
            Some(a) => self.hit(
                ConfigCheck::RedirectIsHttpsMissing,
                a.line,
                Some(name),
                format!("{name} = {}", value_text(&a.value)),
                format!(
                    "line {}: {name} is false while NetBox is served over https ({}): unless the proxy sends X-Forwarded-Proto: https, NetBox sends an http:// redirect URI",
                    a.line,
                    evidence.join("; ")
                ),
            ),
            None => self.hit(
                ConfigCheck::RedirectIsHttpsMissing,
                0,
                Some(name),
                format!("{name} is not set"),
                format!(
                    "{name} is not set while NetBox is served over https ({}): unless the proxy sends X-Forwarded-Proto: https, NetBox sends an http:// redirect URI",
                    evidence.join("; ")
                ),
            ),
        }
    }

    /// `BASE_PATH` without its slashes, `""` when unset.
    pub(super) fn base_path(&self) -> (String, Option<usize>) {
        match self.string("BASE_PATH") {
            Some((a, s)) => (s.trim().trim_matches('/').to_string(), Some(a.line)),
            None => (String::new(), None),
        }
    }

    /// The host NetBox is reached at, from the flags or the file, and where it was read
    /// (`--base-url`, `CSRF_TRUSTED_ORIGINS (line 6)`).
    pub(super) fn public_host(&self, uri: Option<(&str, &str)>) -> Option<(String, String)> {
        if let Some((flag, host)) = uri.and_then(|(flag, u)| host_of(u).map(|h| (flag, h))) {
            return Some((host, flag.to_string()));
        }
        if let Some(a) = self.settings.get("CSRF_TRUSTED_ORIGINS")
            && let Some(h) = a
                .value
                .strings()
                .iter()
                .filter(|o| o.trim().starts_with("https://"))
                .find_map(|o| host_of(o.trim()))
        {
            return Some((h, format!("CSRF_TRUSTED_ORIGINS (line {})", a.line)));
        }
        let a = self.settings.get("ALLOWED_HOSTS")?;
        a.value
            .strings()
            .iter()
            .map(|h| h.trim())
            .find(|h| {
                !h.is_empty()
                    && !h.contains('*')
                    && !h.starts_with('.')
                    && !matches!(*h, "localhost" | "127.0.0.1" | "::1")
            })
            .map(|h| (h.to_string(), format!("ALLOWED_HOSTS (line {})", a.line)))
    }

    /// The expected redirect URI (`--redirect-uri`, or `--base-url` + the backend's path)
    /// against the rules, and the URI to register.
    pub(super) fn redirect_uri(&mut self, enabled: Option<EnabledBackend>) {
        let (base_path, base_path_line) = self.base_path();
        let given = match (&self.opts.redirect_uri, &self.opts.base_url, enabled) {
            (Some(uri), _, _) => Some(("--redirect-uri", uri.clone())),
            (None, Some(base), Some(e)) => Some((
                "--base-url",
                format!(
                    "{}/oauth/complete/{}/",
                    base.trim_end_matches('/'),
                    e.backend.name
                ),
            )),
            _ => None,
        };
        if let Some((flag, uri)) = &given {
            self.check_uri(flag, uri, enabled, &base_path, base_path_line);
        }
        if let Some(e) = enabled {
            let given_uri = given.as_ref().map(|(flag, u)| (*flag, u.trim()));
            // http and a port are kept only for localhost, where Entra accepts them.
            let (origin, host_from) = match given_uri.and_then(|(flag, u)| {
                local_origin(u).map(|o| (o, format!("the host and port from {flag}")))
            }) {
                Some(found) => found,
                None => match self.public_host(given_uri) {
                    Some((host, from)) => (format!("https://{host}"), format!("the host from {from}")),
                    None => (
                        "https://<netbox-host>".to_string(),
                        "<netbox-host> for NetBox's public host name (give --base-url to fill it in)".to_string(),
                    ),
                },
            };
            let prefix = if base_path.is_empty() {
                String::new()
            } else {
                format!("/{base_path}")
            };
            let with_base_path = match base_path_line {
                Some(line) => format!(", BASE_PATH (line {line})"),
                None => String::new(),
            };
            let uri = format!("{origin}{prefix}/oauth/complete/{}/", e.backend.name);
            self.hit(
                ConfigCheck::ExpectedRedirectUri,
                e.line,
                Some("REMOTE_AUTH_BACKEND"),
                uri,
                format!(
                    "for {}, which REMOTE_AUTH_BACKEND (line {}) enables{}, with {host_from}{with_base_path}",
                    e.backend.short,
                    e.line,
                    if e.guessed {
                        " once its class path is spelled right"
                    } else {
                        ""
                    }
                ),
            );
        }
    }

    pub(super) fn check_uri(
        &mut self,
        flag: &str,
        uri: &str,
        enabled: Option<EnabledBackend>,
        base_path: &str,
        base_path_line: Option<usize>,
    ) {
        let source = flag.to_string();
        let push = |c: &mut Self, check: ConfigCheck, diagnosis: String| {
            c.hits.push(Hit {
                check,
                source: source.clone(),
                line: 0,
                setting: None,
                text: format!("{flag} {uri}"),
                diagnosis,
            });
        };
        if refine::insecure_scheme(uri) {
            push(
                self,
                ConfigCheck::RedirectUriNotHttps,
                format!("{uri:?} uses http:// and its host is not localhost or 127.0.0.1"),
            );
        }
        let path_start = uri
            .find("://")
            .map(|s| s + 3)
            .and_then(|s| uri[s..].find('/').map(|p| s + p));
        let path = path_start.map_or("", |p| &uri[p..]);
        let callback = path.find("/oauth/complete/");
        // The backend segment is compared with the enabled backend below; for the generic
        // rules it is replaced by one refine knows, so it does not judge the path twice.
        let mut normalized = uri.to_string();
        let mut segment = None;
        if let (Some(p), Some(c)) = (path_start, callback) {
            let seg_start = p + c + "/oauth/complete/".len();
            let seg_len = uri[seg_start..]
                .find(['/', '?', '#'])
                .unwrap_or(uri.len() - seg_start);
            let seg = &uri[seg_start..seg_start + seg_len];
            segment = Some(seg.to_string());
            if backend::by_name(seg).is_some() {
                normalized.replace_range(seg_start..seg_start + seg_len, "azuread-oauth2");
            }
        }
        let mut problems: Vec<String> = refine::redirect_uri(&normalized)
            .into_iter()
            .filter(|m| !m.starts_with("the redirect URI uses http://"))
            .filter(|m| !m.starts_with("NetBox runs under BASE_PATH"))
            .map(|m| {
                m.replace(
                    "azuread-oauth2",
                    segment.as_deref().unwrap_or("azuread-oauth2"),
                )
            })
            .collect();
        if let Some(c) = callback {
            let prefix = path[..c].trim_matches('/');
            if prefix != base_path {
                problems.push(match (base_path.is_empty(), base_path_line) {
                    (true, _) => format!("the URI's path starts with /{prefix}/, but BASE_PATH is not set, so NetBox sends /oauth/complete/... without that prefix"),
                    (false, Some(line)) if prefix.is_empty() => format!("BASE_PATH (line {line}) is {base_path:?}, so NetBox sends /{base_path}/oauth/complete/...; the URI lacks that prefix"),
                    (false, line) => format!("the URI's path prefix /{prefix}/ differs from BASE_PATH {base_path:?} (line {}): NetBox sends /{base_path}/oauth/complete/...", line.unwrap_or(0)),
                });
            }
        }
        if !problems.is_empty() {
            push(self, ConfigCheck::RedirectUriInvalid, problems.join("; "));
        }
        if let (Some(e), Some(seg)) = (enabled, segment.as_deref())
            && seg != e.backend.name
        {
            push(
                self,
                ConfigCheck::RedirectUriWrongBackend,
                format!(
                    "the URI's callback path is /oauth/complete/{seg}/, but REMOTE_AUTH_BACKEND (line {}) enables {}, whose callback is /oauth/complete/{}/",
                    e.line, e.backend.short, e.backend.name
                ),
            );
        }
        let Some(host) = host_of(uri) else { return };
        if let Some(a) = self.settings.get("ALLOWED_HOSTS").copied() {
            let hosts = a.value.strings();
            let allowed = hosts.iter().any(|h| {
                let h = h.trim().to_ascii_lowercase();
                h == "*"
                    || h == host
                    || (h.starts_with('.') && (host.ends_with(&h) || host == h[1..]))
            });
            if !allowed && !hosts.is_empty() {
                self.hit(
                    ConfigCheck::AllowedHostsMissingHost,
                    a.line,
                    Some("ALLOWED_HOSTS"),
                    format!("ALLOWED_HOSTS = {}", value_text(&a.value)),
                    format!(
                        "line {}: ALLOWED_HOSTS does not hold {host:?}, the host of {flag}: the callback would answer 400",
                        a.line
                    ),
                );
            }
        }
    }
}

/// `scheme://authority` of a URI whose host is localhost or 127.0.0.1.
pub(super) fn local_origin(uri: &str) -> Option<String> {
    let host = host_of(uri)?;
    if !matches!(host.as_str(), "localhost" | "127.0.0.1" | "[::1]") {
        return None;
    }
    let (scheme, rest) = uri.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    Some(format!("{}://{authority}", scheme.to_ascii_lowercase()))
}

/// The lower-case host of an absolute URI, without port.
pub(super) fn host_of(uri: &str) -> Option<String> {
    let rest = uri.trim().split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match authority.rsplit_once(':') {
        Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => authority,
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}
