//! The parts of a HAR 1.2 file (browser developer tools, "Save all as HAR") that sso-triage
//! reads. Every field is optional: browsers leave out what they did not record, and a
//! missing field must not make a capture unreadable. Unknown fields are ignored.

use base64::Engine;
use serde::Deserialize;

/// One request and its response: what `stream` hands over, one at a time (the
/// document around the entries is never built).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Entry {
    /// When the request started (ISO 8601).
    pub started_date_time: String,
    /// The request.
    pub request: Request,
    /// The response.
    pub response: Response,
}

/// A name and a value (headers, query parameters, form fields).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Pair {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
}

/// A cookie as HAR lists it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Cookie {
    /// Name.
    pub name: String,
    /// Value (a secret: never shown).
    pub value: String,
    /// Path attribute.
    pub path: Option<String>,
    /// Domain attribute.
    pub domain: Option<String>,
    /// Secure attribute.
    pub secure: Option<bool>,
    /// SameSite attribute, when the browser recorded it.
    pub same_site: Option<String>,
}

/// `request`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Request {
    /// GET, POST, ...
    pub method: String,
    /// The full URL.
    pub url: String,
    /// Headers sent.
    pub headers: Vec<Pair>,
    /// Cookies sent.
    pub cookies: Vec<Cookie>,
    /// The body of a POST.
    pub post_data: Option<PostData>,
}

/// `request.postData`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PostData {
    /// MIME type.
    pub mime_type: String,
    /// The body as text.
    pub text: Option<String>,
    /// Form fields, when the browser parsed them.
    pub params: Vec<Pair>,
}

/// `response`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Response {
    /// HTTP status; 0 when the request never got an answer.
    pub status: u16,
    /// Headers received.
    pub headers: Vec<Pair>,
    /// Cookies set.
    pub cookies: Vec<Cookie>,
    /// The body.
    pub content: Content,
    /// The Location of a redirect (also in the headers).
    #[serde(rename = "redirectURL")]
    pub redirect_url: String,
}

/// `response.content`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Content {
    /// MIME type.
    pub mime_type: String,
    /// The body, when saved with content.
    pub text: Option<String>,
    /// `base64` when `text` is base64-encoded.
    pub encoding: Option<String>,
}

impl Content {
    /// The body as text: base64 undone (MIME base64 with line breaks too); `None` when
    /// absent or not UTF-8 (an image).
    pub fn body(&self) -> Option<String> {
        let text = self.text.as_deref()?;
        if self
            .encoding
            .as_deref()
            .is_some_and(|e| e.eq_ignore_ascii_case("base64"))
        {
            return String::from_utf8(decode_base64(text)?).ok();
        }
        Some(text.to_string())
    }
}

/// Standard base64, whitespace anywhere ignored (MIME bodies break lines every 76 chars).
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let engine = base64::engine::general_purpose::STANDARD;
    if !text.contains(|c: char| c.is_ascii_whitespace()) {
        return engine.decode(text).ok();
    }
    let packed: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    engine.decode(packed).ok()
}

/// The first header named `name` (case-insensitive).
pub fn header<'a>(headers: &'a [Pair], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

impl Request {
    /// Names of the cookies sent, from `cookies` and the Cookie header.
    pub fn cookie_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.cookies.iter().map(|c| c.name.clone()).collect();
        for h in self
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case("cookie"))
        {
            for part in h.value.split(';') {
                if let Some((name, _)) = part.split_once('=') {
                    names.push(name.trim().to_string());
                }
            }
        }
        names.sort();
        names.dedup();
        names
    }

    /// The value of the cookie `name` as sent, if it was.
    pub fn cookie(&self, name: &str) -> Option<String> {
        if let Some(c) = self.cookies.iter().find(|c| c.name == name) {
            return Some(c.value.clone());
        }
        self.headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case("cookie"))
            .flat_map(|h| h.value.split(';'))
            .filter_map(|part| part.split_once('='))
            .find(|(n, _)| n.trim() == name)
            .map(|(_, v)| v.trim().to_string())
    }
}

/// A cookie a response sets, from `cookies` and the Set-Cookie headers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SetCookie {
    /// Name.
    pub name: String,
    /// Value (never shown).
    pub value: String,
    /// Attributes as written (`Secure`, `SameSite=Lax`, `Domain=...`, `Path=/`), lowercase names.
    pub attributes: Vec<(String, String)>,
}

impl SetCookie {
    /// The attribute `name` (lowercase), `Some("")` for a flag.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Response {
    /// Cookies set by this response.
    pub fn set_cookies(&self) -> Vec<SetCookie> {
        let mut out: Vec<SetCookie> = Vec::new();
        for h in self
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case("set-cookie"))
        {
            // Some browsers fold several Set-Cookie headers into one value with newlines.
            for line in h.value.lines() {
                let mut parts = line.split(';');
                let Some((name, value)) = parts.next().and_then(|p| p.split_once('=')) else {
                    continue;
                };
                let attributes = parts
                    .map(|a| match a.split_once('=') {
                        Some((k, v)) => (k.trim().to_ascii_lowercase(), v.trim().to_string()),
                        None => (a.trim().to_ascii_lowercase(), String::new()),
                    })
                    .collect();
                out.push(SetCookie {
                    name: name.trim().to_string(),
                    value: value.trim().to_string(),
                    attributes,
                });
            }
        }
        for c in &self.cookies {
            if out.iter().any(|s| s.name == c.name) {
                continue;
            }
            let mut attributes = Vec::new();
            if c.secure == Some(true) {
                attributes.push(("secure".to_string(), String::new()));
            }
            if let Some(s) = &c.same_site {
                attributes.push(("samesite".to_string(), s.clone()));
            }
            if let Some(d) = &c.domain {
                attributes.push(("domain".to_string(), d.clone()));
            }
            if let Some(p) = &c.path {
                attributes.push(("path".to_string(), p.clone()));
            }
            out.push(SetCookie {
                name: c.name.clone(),
                value: c.value.clone(),
                attributes,
            });
        }
        out
    }

    /// Where a redirect goes: `redirectURL`, else the Location header.
    pub fn location(&self) -> Option<&str> {
        if !self.redirect_url.is_empty() {
            return Some(&self.redirect_url);
        }
        header(&self.headers, "location")
    }
}
