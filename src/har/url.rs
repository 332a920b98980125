//! A URL split into the parts the redirect-URI rules talk about (scheme, host, port, path,
//! query, fragment). Lenient and small on purpose: it must read whatever a browser
//! recorded, and say what it saw rather than refuse.

use crate::parse::decode;

/// A URL's parts; query and fragment parameters are percent-decoded, `raw_*` keep the text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Url {
    /// `https`, lowercase.
    pub scheme: String,
    /// Host as written.
    pub host: String,
    /// Port, when written.
    pub port: Option<u16>,
    /// Path (`/` when empty).
    pub path: String,
    /// Query parameters, decoded.
    pub query: Vec<(String, String)>,
    /// Query parameters as written (not decoded).
    pub raw_query: Vec<(String, String)>,
    /// Fragment parameters (`#id_token=...`), decoded.
    pub fragment: Vec<(String, String)>,
}

/// Name-value pairs.
type Pairs = Vec<(String, String)>;

/// The pairs of a query or fragment: decoded, and as written.
fn pairs(text: &str) -> (Pairs, Pairs) {
    let mut decoded = Vec::new();
    let mut raw = Vec::new();
    for part in text.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        decoded.push((decode::url(k), decode::url(v)));
        raw.push((k.to_string(), v.to_string()));
    }
    (decoded, raw)
}

impl Url {
    /// Splits `text`; `None` without a `scheme://`.
    pub fn parse(text: &str) -> Option<Url> {
        let (scheme, rest) = text.trim().split_once("://")?;
        let (before_fragment, fragment) = match rest.split_once('#') {
            Some((a, f)) => (a, f),
            None => (rest, ""),
        };
        let (before_query, query) = match before_fragment.split_once('?') {
            Some((a, q)) => (a, q),
            None => (before_fragment, ""),
        };
        let (authority, path) = match before_query.find('/') {
            Some(i) => (&before_query[..i], &before_query[i..]),
            None => (before_query, "/"),
        };
        let authority = authority.rsplit('@').next().unwrap_or(authority);
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') => {
                match p.parse::<u16>() {
                    Ok(port) => (h, Some(port)),
                    Err(_) => (authority, None),
                }
            }
            _ => (authority, None),
        };
        let (query, raw_query) = pairs(query);
        let (fragment, _) = pairs(fragment);
        Some(Url {
            scheme: scheme.to_ascii_lowercase(),
            host: host.to_string(),
            port,
            path: path.to_string(),
            query,
            raw_query,
            fragment,
        })
    }

    /// The decoded query parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// True for Entra's sign-in hosts (public and national clouds).
    pub fn is_entra(&self) -> bool {
        let h = self.host.to_ascii_lowercase();
        [
            "login.microsoftonline.com",
            "login.microsoft.com",
            "login.windows.net",
            "login.live.com",
            "login.microsoftonline.us",
            "login.chinacloudapi.cn",
            "login.partner.microsoftonline.cn",
            "sts.windows.net",
        ]
        .iter()
        .any(|e| h == *e || h.ends_with(&format!(".{e}")))
    }

    /// `scheme://host[:port]path`, without query or fragment.
    pub fn base(&self) -> String {
        match self.port {
            Some(p) => format!("{}://{}:{p}{}", self.scheme, self.host, self.path),
            None => format!("{}://{}{}", self.scheme, self.host, self.path),
        }
    }
}

#[cfg(test)]
#[path = "url_tests.rs"]
mod tests;
