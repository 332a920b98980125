//! Cause refinement: reads a captured value (the redirect URI quoted by AADSTS50011, the
//! client id quoted by AADSTS700016) and says which of the known mistakes it shows. Pure
//! functions of the value, so each verdict is tested on its own.

/// What a redirect URI shows, one sentence per problem found; empty when it looks right.
pub fn redirect_uri(raw: &str) -> Vec<String> {
    let mut out = Vec::new();
    if raw != raw.trim() || raw.contains(char::is_whitespace) {
        out.push(format!(
            "the redirect URI {raw:?} contains whitespace: remove the stray spaces or newline from the registered URI or from the NetBox setting"
        ));
    }
    let uri = raw.trim().trim_matches(|c| c == '"' || c == '\'');
    if uri.len() != raw.trim().len() {
        out.push("the redirect URI is wrapped in quotes: remove them".into());
    }
    let (scheme, rest) = match uri.split_once("://") {
        Some(parts) => parts,
        None => {
            out.push(format!("{uri:?} is not an absolute URI (no scheme): NetBox built it from a bad Host or X-Forwarded-Host header"));
            return out;
        }
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) && !p.is_empty() => (h, Some(p)),
        _ => (authority, None),
    };
    let local = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
    if scheme.eq_ignore_ascii_case("http") && !local {
        out.push("the redirect URI uses http:// : Entra only accepts https:// (http is allowed for localhost only). NetBox built http because the ingress or load balancer that terminates TLS does not send X-Forwarded-Proto: https; fix that header or set SOCIAL_AUTH_REDIRECT_IS_HTTPS = True, then register the https URI".into());
    }
    if let Some(port) = port.filter(|_| !local)
        && !(scheme.eq_ignore_ascii_case("https") && port == "443")
    {
        out.push(format!("the redirect URI carries port :{port}: NetBox saw an internal port (port-forward, NodePort or Service) in Host/X-Forwarded-Host; reach NetBox through its public name, or register this exact URI"));
    }
    if !local && !host.contains('.') {
        out.push(format!("the host {host:?} is not a public name (an internal Service name?): the ingress must pass the public host in Host or X-Forwarded-Host"));
    } else if host.ends_with(".svc") || host.contains(".svc.") || host.ends_with(".cluster.local") {
        out.push(format!("the host {host:?} is a cluster-internal name: the ingress must pass the public host in Host or X-Forwarded-Host"));
    }
    if host.chars().any(|c| c.is_ascii_uppercase()) || path.chars().any(|c| c.is_ascii_uppercase())
    {
        out.push("the redirect URI has upper-case letters: Entra compares redirect URIs case-sensitively; register it exactly as NetBox sends it".into());
    }
    if let Some(idx) = path.find("/oauth/complete/") {
        let backend = path[idx + "/oauth/complete/".len()..].trim_end_matches('/');
        if idx > 0 {
            out.push(format!("NetBox runs under BASE_PATH {:?}: the registered redirect URI must include that prefix", &path[..idx]));
        }
        if !path.ends_with('/') {
            out.push("the redirect URI has no trailing slash: NetBox always sends .../oauth/complete/<backend>/ with the slash; register it with the slash".into());
        }
        match backend {
            "azuread-oauth2" | "oidc" | "saml" => {}
            "azuread-tenant-oauth2" => out.push("the callback path is the tenant backend's (/oauth/complete/azuread-tenant-oauth2/): with AzureADTenantOAuth2 register that path, not .../azuread-oauth2/".into()),
            "azuread-v2-tenant-oauth2" | "azuread-oauth2-v2" => out.push(format!("the callback path is the {backend} backend's: register /oauth/complete/{backend}/ for it")),
            other => out.push(format!("the callback path names backend {other:?}, which is not an Entra backend NetBox documents: check REMOTE_AUTH_BACKEND")),
        }
    } else {
        out.push(format!("the path {path:?} is not NetBox's callback /oauth/complete/<backend>/: register https://<domain>/oauth/complete/azuread-oauth2/"));
    }
    out
}

/// True when the URI is `http://` to a host other than localhost/127.0.0.1: the case of the
/// guide's "redirect_uri must be HTTPS".
pub fn insecure_scheme(raw: &str) -> bool {
    let uri = raw.trim().trim_matches(|c| c == '"' || c == '\'');
    let Some(rest) = uri
        .get(..7)
        .filter(|s| s.eq_ignore_ascii_case("http://"))
        .map(|_| &uri[7..])
    else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match authority.rsplit_once(':') {
        Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => authority,
    };
    !matches!(host, "localhost" | "127.0.0.1" | "[::1]")
}

/// What a client id quoted by Entra shows.
pub fn client_id(raw: &str) -> Vec<String> {
    let id = raw.trim();
    if id.is_empty() || id == "None" || id == "null" {
        return vec!["the client id is unset (Entra saw 'None'): SOCIAL_AUTH_<BACKEND>_KEY is missing, or set under another backend's prefix than REMOTE_AUTH_BACKEND uses (AZUREAD_OAUTH2 vs AZUREAD_TENANT_OAUTH2)".into()];
    }
    if id.contains("://") || id.starts_with("spn:") || id.starts_with("urn:") {
        return vec![format!(
            "the identifier {id:?} is an entity ID, as SAML sends it: it must equal the Identifier (Entity ID) in the enterprise application's Basic SAML Configuration, and the SP entity id NetBox is configured with"
        )];
    }
    // A secret pasted as the client id: Entra quotes it back, and the diagnosis says
    // what it looks like, never what it is. Any value that is not a GUID may be one
    // (secrets of 2019 have no telling shape), so none is quoted.
    if !crate::redact::spans::spans(id, false).is_empty() || looks_like_secret(id) {
        return vec![format!(
            "the client id sent is not a GUID but {}: a secret was pasted into SOCIAL_AUTH_<BACKEND>_KEY. Put the Application (client) ID from the app registration's Overview page there, the secret Value into SOCIAL_AUTH_<BACKEND>_SECRET, and create a new secret (this one was sent to Entra as an id and may be in logs)",
            crate::redact::shape_of(id)
        )];
    }
    if !is_guid(id) {
        return vec![format!(
            "the client id sent is not a GUID but {} (not shown: it may be a secret): use the Application (client) ID from the app registration's Overview page",
            crate::redact::shape_of(id)
        )];
    }
    vec![format!(
        "the client id {id} is a well-formed GUID that this tenant does not know: wrong app id, an app in another tenant, or a deleted app"
    )]
}

/// Whether a client id that is not a GUID has the make of a secret: 16 characters or more
/// with no space, mixing letters with digits or punctuation.
fn looks_like_secret(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() >= 16
        && !b.iter().any(u8::is_ascii_whitespace)
        && b.iter().any(u8::is_ascii_alphabetic)
        && b.iter().any(|c| !c.is_ascii_alphabetic())
        && !is_guid(id)
}

/// What a tenant quoted by Entra (AADSTS90002, 900023) shows.
pub fn tenant(raw: &str) -> Vec<String> {
    let t = raw.trim();
    let mut out = Vec::new();
    if t != raw || t.contains(char::is_whitespace) || t.contains(['"', '\'']) {
        out.push(format!("the tenant value {raw:?} carries whitespace or quotes: set the bare Directory (tenant) ID"));
    }
    let t = t.trim_matches(|c| c == '"' || c == '\'');
    if t.is_empty() || t == "None" {
        out.push("the tenant is empty: SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_TENANT_ID is unset, or set under another backend's prefix".into());
    } else if t.contains("://") || t.contains('/') {
        out.push(format!("the tenant {t:?} is a URL or path: set only the Directory (tenant) ID GUID from the app's Overview page"));
    } else if matches!(
        t.to_ascii_lowercase().as_str(),
        "common" | "organizations" | "consumers"
    ) {
        out.push(format!("{t:?} is a multi-tenant endpoint, not a tenant: a single-tenant app needs its Directory (tenant) ID"));
    } else if is_guid(t) {
        out.push(format!("the tenant {t} is a well-formed GUID that this Entra cloud does not know: a typo, another directory's id, or a sovereign cloud (Azure Government, China) that needs SOCIAL_AUTH_<BACKEND>_AUTHORITY_HOST"));
    } else if t.contains('.') {
        out.push(format!("the tenant {t:?} is a domain name: it works only if it is a verified domain of the tenant; the Directory (tenant) ID GUID always works"));
    } else {
        out.push(format!("the tenant {t:?} is neither a GUID nor a domain name: copy the Directory (tenant) ID from the app's Overview page"));
    }
    out
}

/// True for the 8-4-4-4-12 hex form.
pub fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
#[path = "refine_tests.rs"]
mod tests;
