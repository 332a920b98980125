//! JWT claims, read without verifying: an id_token or access token found in a HAR capture
//! (response bodies, URL fragments) is decoded locally, never sent anywhere, and only the
//! claims that are not secrets are looked at (audience, issuer, tenant, times, whether the
//! identity and group claims are there). The token itself is never kept or printed.
//!
//! Pure: [`find`] locates tokens in text, [`decode`] reads their claims, [`check`] says what
//! they show against what the login asked for.

use std::sync::LazyLock;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use regex::Regex;
use serde_json::Value;

/// Token times more than this far off the time the browser saw them point at a wrong clock.
pub const MAX_SKEW_SECS: i64 = 5 * 60;

/// Claims whose value is large or secret are never read into memory beyond this size.
const MAX_TOKEN_LEN: usize = 64 * 1024;

static JWT: LazyLock<Regex> = LazyLock::new(|| {
    // An optional key before the token says what it is (`"id_token":"eyJ..`, `#id_token=`).
    Regex::new(
        r#"(?:(?P<k>id_token|access_token|refresh_token)["']?\s*(?:=|:)\s*["']?)?(?P<t>eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*)"#,
    )
    .expect("fixed regex")
});

/// What kind of token a JWT was found as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An OpenID Connect id_token: its audience is the app's client id.
    Id,
    /// An access token: its audience is the API it is for.
    Access,
    /// Found without a key that says which.
    Unknown,
}

impl Kind {
    /// `id_token`, `access token`, `token`.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Id => "id_token",
            Kind::Access => "access token",
            Kind::Unknown => "token",
        }
    }
}

/// One token found in a text: its kind and where it stands (the text is not copied).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    /// What the key before it said.
    pub kind: Kind,
    /// Byte range of the token in the text.
    pub start: usize,
    /// End of the token.
    pub end: usize,
}

static JWT_START: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new(b"eyJ"));

/// A cheap first check, run on every candidate event (the block scan has `.eyJ`, the dot
/// before a token's payload, among its anchors): whether it may hold a JWT (`eyJ`, the
/// base64 of `{"`). Only lines that pass are searched with the regex.
pub fn may_contain(bytes: &[u8]) -> bool {
    JWT_START.find(bytes).is_some()
}

/// Every JWT-shaped value in `text`, with the kind its key gives it. Refresh tokens are
/// skipped: Entra's are opaque, and they say nothing about a sign-in.
pub fn find(text: &str) -> Vec<Found> {
    JWT.captures_iter(text)
        .filter_map(|caps| {
            let t = caps.name("t")?;
            let kind = match caps.name("k").map(|k| k.as_str()) {
                Some("id_token") => Kind::Id,
                Some("access_token") => Kind::Access,
                Some(_) => return None,
                None => Kind::Unknown,
            };
            Some(Found {
                kind,
                start: t.start(),
                end: t.end(),
            })
        })
        .collect()
}

/// The claims of a token that are not secrets, as sso-triage reads them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Claims {
    /// `aud`, one or several.
    pub aud: Vec<String>,
    /// `iss`.
    pub iss: Option<String>,
    /// `tid`, the tenant.
    pub tid: Option<String>,
    /// `appid` / `azp`: the client the token was issued to.
    pub appid: Option<String>,
    /// `nbf`, seconds since the epoch.
    pub nbf: Option<i64>,
    /// `iat`.
    pub iat: Option<i64>,
    /// `exp`.
    pub exp: Option<i64>,
    /// `upn`, a user identity (shown unless `--redact-users`).
    pub upn: Option<String>,
    /// `email`.
    pub email: Option<String>,
    /// `preferred_username`.
    pub preferred_username: Option<String>,
    /// How many entries the `groups` claim has, if it is there.
    pub groups: Option<usize>,
    /// `hasgroups: true` (implicit flow overage marker).
    pub hasgroups: bool,
    /// `_claim_names` names `groups`: the groups are behind a Graph call (overage).
    pub claim_names_groups: bool,
    /// `nonce` present: an id_token.
    pub has_nonce: bool,
    /// `ver` (`1.0`, `2.0`).
    pub ver: Option<String>,
}

/// Why a token could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Not three dot-separated parts.
    Shape,
    /// The payload is not base64url.
    Base64,
    /// The payload is not a JSON object.
    Json,
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DecodeError::Shape => "not a JWT (header.payload.signature)",
            DecodeError::Base64 => "payload is not base64url",
            DecodeError::Json => "payload is not a JSON object",
        })
    }
}

/// Reads the payload of `jwt` without checking its signature.
pub fn decode(jwt: &str) -> Result<Claims, DecodeError> {
    if jwt.len() > MAX_TOKEN_LEN {
        return Err(DecodeError::Shape);
    }
    let mut parts = jwt.split('.');
    let (Some(_header), Some(payload), Some(_sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(DecodeError::Shape);
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| DecodeError::Base64)?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|_| DecodeError::Json)?;
    let obj = value.as_object().ok_or(DecodeError::Json)?;
    let text = |k: &str| obj.get(k).and_then(Value::as_str).map(str::to_string);
    let time = |k: &str| {
        obj.get(k)
            .and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)))
    };
    let aud = match obj.get("aud") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    };
    let claim_names_groups = obj
        .get("_claim_names")
        .and_then(Value::as_object)
        .is_some_and(|m| m.contains_key("groups"));
    Ok(Claims {
        aud,
        iss: text("iss"),
        tid: text("tid"),
        appid: text("appid").or_else(|| text("azp")),
        nbf: time("nbf"),
        iat: time("iat"),
        exp: time("exp"),
        upn: text("upn"),
        email: text("email"),
        preferred_username: text("preferred_username"),
        groups: obj.get("groups").and_then(Value::as_array).map(Vec::len),
        hasgroups: matches!(obj.get("hasgroups"), Some(Value::Bool(true)))
            || obj.get("hasgroups").and_then(Value::as_str) == Some("true"),
        claim_names_groups,
        has_nonce: obj.contains_key("nonce"),
        ver: text("ver"),
    })
}

/// What the login asked for, to hold the claims against; every part optional.
#[derive(Debug, Clone, Default)]
pub struct Expected {
    /// The client id sent in the authorize request.
    pub client_id: Option<String>,
    /// The tenant in the authority URL (a GUID, a domain, or `common`/`organizations`).
    pub tenant: Option<String>,
    /// When the token was seen (the HAR entry's time, the log line's time).
    pub seen_at: Option<DateTime<Utc>>,
}

crate::catalog::string_enum! {
    /// Which check a [`Problem`] comes from; each becomes its own finding, reported as the
    /// catalog rule (detector `token`) whose id is the key. `TokenCheck::ALL` is the list of ids
    /// this detector can emit.
    TokenCheck {
        /// `nbf`/`iat` in the future or `exp` in the past, beyond [`MAX_SKEW_SECS`].
        ClockSkew = "token-clock-skew",
        /// The id_token's audience is not the client id the login used.
        Audience = "token-audience-mismatch",
        /// The token's tenant or issuer is not the tenant the login used.
        Tenant = "token-tenant-mismatch",
        /// `groups` replaced by an overage marker.
        GroupOverage = "token-group-overage",
        /// No `groups` claim at all.
        NoGroups = "token-no-groups-claim",
        /// No `upn` (what `azuread-oauth2` identifies users by) or no `email`.
        MissingClaim = "token-missing-claim",
    }
}

/// One thing a token shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Which check.
    pub check: TokenCheck,
    /// One sentence, with claim values that are not secrets.
    pub text: String,
}

fn when(t: i64) -> String {
    DateTime::<Utc>::from_timestamp(t, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|| t.to_string())
}

/// Tenant GUID of an issuer URL (`https://sts.windows.net/<tid>/`,
/// `https://login.microsoftonline.com/<tid>/v2.0`).
fn issuer_tenant(iss: &str) -> Option<&str> {
    let rest = iss.split_once("://")?.1;
    rest.split('/').nth(1).filter(|t| !t.is_empty())
}

/// What `claims` of a token of `kind` show against `expected`.
pub fn check(claims: &Claims, kind: Kind, expected: &Expected) -> Vec<Problem> {
    let mut out = Vec::new();
    let id_token = kind == Kind::Id || (kind == Kind::Unknown && claims.has_nonce);
    if let Some(seen) = expected.seen_at.map(|t| t.timestamp()) {
        let mut skew = Vec::new();
        for (name, value) in [("nbf", claims.nbf), ("iat", claims.iat)] {
            if let Some(v) = value.filter(|v| v - seen > MAX_SKEW_SECS) {
                skew.push(format!(
                    "{name} {} is {} s after the time the browser received the token ({}): the clock of Entra and this machine disagree, or the machine that validates the token (the NetBox pod) runs behind; the tenant backends check nbf/iat with no leeway",
                    when(v),
                    v - seen,
                    when(seen)
                ));
            }
        }
        if let Some(exp) = claims.exp.filter(|e| seen - e > MAX_SKEW_SECS) {
            skew.push(format!(
                "exp {} is {} s before the time the browser received the token ({}): the token was already expired when it arrived, so a clock is ahead",
                when(exp),
                seen - exp,
                when(seen)
            ));
        }
        out.extend(skew.into_iter().map(|text| Problem {
            check: TokenCheck::ClockSkew,
            text,
        }));
    }
    if let (true, Some(client)) = (id_token, expected.client_id.as_deref())
        && !claims.aud.is_empty()
        && !claims.aud.iter().any(|a| a.eq_ignore_ascii_case(client))
    {
        out.push(Problem {
            check: TokenCheck::Audience,
            text: format!(
                "the id_token's audience is {} but the login used client id {client}: the token was issued for another application (a second app registration, or SOCIAL_AUTH_..._KEY of another app)",
                claims.aud.join(", ")
            ),
        });
    }
    if let Some(tenant) = expected
        .tenant
        .as_deref()
        .filter(|t| crate::refine::is_guid(t))
    {
        let tid = claims
            .tid
            .as_deref()
            .or_else(|| claims.iss.as_deref().and_then(issuer_tenant));
        if let Some(tid) = tid.filter(|tid| !tid.eq_ignore_ascii_case(tenant)) {
            out.push(Problem {
                check: TokenCheck::Tenant,
                text: format!(
                    "the token comes from tenant {tid} but the login asked tenant {tenant}: the user signed in to another directory (a guest's home tenant), or TENANT_ID names another directory"
                ),
            });
        }
    }
    if id_token || kind == Kind::Unknown {
        if claims.hasgroups || claims.claim_names_groups {
            let marker = if claims.claim_names_groups {
                "_claim_names.groups"
            } else {
                "hasgroups"
            };
            out.push(Problem {
                check: TokenCheck::GroupOverage,
                text: format!(
                    "the token has no groups claim but the overage marker {marker}: the user is in more groups than fit in a token (over 200 in a JWT), so NetBox's group mapping sees no groups and the user signs in without permissions. Emit only the groups assigned to the application (groupMembershipClaims = ApplicationGroup) or map app roles instead"
                ),
            });
        } else if claims.groups.is_none() && id_token {
            out.push(Problem {
                check: TokenCheck::NoGroups,
                text: "the id_token has no groups claim: group mapping in NetBox gets no groups; add the groups claim under Token configuration if permissions come from Entra groups".into(),
            });
        }
    }
    if id_token {
        let mut missing = Vec::new();
        if claims.upn.is_none() {
            missing.push("upn");
        }
        if claims.email.is_none() {
            missing.push("email");
        }
        if !missing.is_empty() {
            out.push(Problem {
                check: TokenCheck::MissingClaim,
                text: format!(
                    "the id_token has no {} claim: azuread-oauth2 identifies users by upn (guest and personal accounts have none: AuthMissingParameter \"Missing needed parameter upn\"), and NetBox fills the user's e-mail from email; add them as optional claims in the app's Token configuration",
                    missing.join(" and no ")
                ),
            });
        }
    }
    out
}

/// The claims of a token in one line, no secret in it: `aud=..., iss=..., tid=..., nbf/iat/exp,
/// upn=..., groups: N`.
pub fn summary(claims: &Claims, kind: Kind) -> String {
    let mut parts = vec![kind.label().to_string()];
    if !claims.aud.is_empty() {
        parts.push(format!("aud={}", claims.aud.join(",")));
    }
    if let Some(v) = &claims.iss {
        parts.push(format!("iss={v}"));
    }
    if let Some(v) = &claims.tid {
        parts.push(format!("tid={v}"));
    }
    if let Some(v) = &claims.ver {
        parts.push(format!("ver={v}"));
    }
    for (name, v) in [
        ("nbf", claims.nbf),
        ("iat", claims.iat),
        ("exp", claims.exp),
    ] {
        if let Some(v) = v {
            parts.push(format!("{name}={}", when(v)));
        }
    }
    for (name, v) in [
        ("upn", &claims.upn),
        ("email", &claims.email),
        ("preferred_username", &claims.preferred_username),
    ] {
        match v {
            Some(v) => parts.push(format!("{name}={v}")),
            None => parts.push(format!("no {name}")),
        }
    }
    parts.push(match claims.groups {
        Some(n) => format!("groups: {n}"),
        None if claims.claim_names_groups => "groups: overage (_claim_names)".to_string(),
        None if claims.hasgroups => "groups: overage (hasgroups)".to_string(),
        None => "no groups claim".to_string(),
    });
    parts.join(", ")
}

#[cfg(test)]
#[path = "token_tests.rs"]
mod tests;
