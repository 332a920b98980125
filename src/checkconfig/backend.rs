//! The python-social-auth backends NetBox can name in `REMOTE_AUTH_BACKEND`: for the Entra
//! ones, their callback path and settings prefix (from social-core's `azuread.py` and
//! `azuread_tenant.py`, see `shared/reference/entra-sso-errors.md` section 2), and which
//! setting names exist, so typos can be named.

/// An Entra ID backend of python-social-auth.
#[derive(Debug, PartialEq, Eq)]
pub struct Backend {
    /// Full class path, as REMOTE_AUTH_BACKEND names it.
    pub class: &'static str,
    /// Class name alone.
    pub short: &'static str,
    /// Backend name: the callback path segment (`/oauth/complete/<name>/`).
    pub name: &'static str,
    /// Settings prefix, with its trailing underscore.
    pub prefix: &'static str,
    /// Reads TENANT_ID (the tenant backends); the others always call `/common`.
    pub tenant: bool,
}

/// The Entra ID backends.
pub const ENTRA: &[Backend] = &[
    Backend {
        class: "social_core.backends.azuread.AzureADOAuth2",
        short: "AzureADOAuth2",
        name: "azuread-oauth2",
        prefix: "SOCIAL_AUTH_AZUREAD_OAUTH2_",
        tenant: false,
    },
    Backend {
        class: "social_core.backends.azuread.AzureADOAuth2V2",
        short: "AzureADOAuth2V2",
        name: "azuread-oauth2-v2",
        prefix: "SOCIAL_AUTH_AZUREAD_OAUTH2_V2_",
        tenant: false,
    },
    Backend {
        class: "social_core.backends.azuread_tenant.AzureADTenantOAuth2",
        short: "AzureADTenantOAuth2",
        name: "azuread-tenant-oauth2",
        prefix: "SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_",
        tenant: true,
    },
    Backend {
        class: "social_core.backends.azuread_tenant.AzureADV2TenantOAuth2",
        short: "AzureADV2TenantOAuth2",
        name: "azuread-v2-tenant-oauth2",
        prefix: "SOCIAL_AUTH_AZUREAD_V2_TENANT_OAUTH2_",
        tenant: true,
    },
];

/// Other backends NetBox configurations name: recognised, not Entra.
pub const OTHER: &[&str] = &[
    "netbox.authentication.RemoteUserBackend",
    "netbox.authentication.LDAPBackend",
    "netbox.authentication.ObjectPermissionBackend",
    "social_core.backends.open_id_connect.OpenIdConnectAuth",
    "social_core.backends.saml.SAMLAuth",
    "social_core.backends.azuread_b2c.AzureADB2COAuth2",
    "social_core.backends.okta.OktaOAuth2",
    "social_core.backends.okta_openidconnect.OktaOpenIdConnect",
    "social_core.backends.keycloak.KeycloakOAuth2",
    "social_core.backends.google.GoogleOAuth2",
    "social_core.backends.github.GithubOAuth2",
    "social_core.backends.gitlab.GitLabOAuth2",
    "social_core.backends.auth0.Auth0OAuth2",
];

/// Setting suffixes the Entra backends (and social-core's OAuth base) read.
pub const SUFFIXES: &[&str] = &[
    "KEY",
    "SECRET",
    "TENANT_ID",
    "RESOURCE",
    "AUTHORITY_HOST",
    "SCOPE",
    "IGNORE_DEFAULT_SCOPE",
    "AUTH_EXTRA_ARGUMENTS",
    "EXTRA_DATA",
    "USER_FIELDS",
    "USERNAME_IS_FULL_EMAIL",
    "WHITELISTED_DOMAINS",
    "WHITELISTED_EMAILS",
    "ALLOWED_DOMAINS",
    "ALLOWED_EMAILS",
    "LOGIN_REDIRECT_URL",
    "LOGIN_ERROR_URL",
    "JWT_LEEWAY",
    "CLIENT_ASSERTION",
    "FEDERATED_TOKEN_FILE",
];

/// Settings NetBox or social-core read outside any backend prefix.
pub const GENERIC: &[&str] = &[
    "REMOTE_AUTH_ENABLED",
    "REMOTE_AUTH_BACKEND",
    "REMOTE_AUTH_HEADER",
    "REMOTE_AUTH_USER_FIRST_NAME",
    "REMOTE_AUTH_USER_LAST_NAME",
    "REMOTE_AUTH_USER_EMAIL",
    "REMOTE_AUTH_AUTO_CREATE_USER",
    "REMOTE_AUTH_AUTO_CREATE_GROUPS",
    "REMOTE_AUTH_DEFAULT_GROUPS",
    "REMOTE_AUTH_DEFAULT_PERMISSIONS",
    "REMOTE_AUTH_GROUP_SYNC_ENABLED",
    "REMOTE_AUTH_GROUP_HEADER",
    "REMOTE_AUTH_GROUP_SEPARATOR",
    "REMOTE_AUTH_SUPERUSER_GROUPS",
    "REMOTE_AUTH_SUPERUSERS",
    "REMOTE_AUTH_STAFF_GROUPS",
    "REMOTE_AUTH_STAFF_USERS",
    "SOCIAL_AUTH_REDIRECT_IS_HTTPS",
    "SOCIAL_AUTH_PIPELINE",
    "SOCIAL_AUTH_LOGIN_REDIRECT_URL",
    "SOCIAL_AUTH_LOGIN_ERROR_URL",
    "SOCIAL_AUTH_NEW_USER_REDIRECT_URL",
    "SOCIAL_AUTH_INACTIVE_USER_URL",
    "SOCIAL_AUTH_TRAILING_SLASH",
    "SOCIAL_AUTH_JSONFIELD_ENABLED",
    "SOCIAL_AUTH_URL_NAMESPACE",
    "SOCIAL_AUTH_SANITIZE_REDIRECTS",
    "SOCIAL_AUTH_ALLOWED_REDIRECT_HOSTS",
    "SOCIAL_AUTH_PROXIES",
    "SOCIAL_AUTH_VERIFY_SSL",
    "SOCIAL_AUTH_REQUESTS_TIMEOUT",
    "SOCIAL_AUTH_USER_FIELDS",
    "SOCIAL_AUTH_USERNAME_IS_FULL_EMAIL",
    "SOCIAL_AUTH_CLEAN_USERNAMES",
    "SOCIAL_AUTH_SESSION_EXPIRATION",
    "SOCIAL_AUTH_PROTECTED_USER_FIELDS",
    "SOCIAL_AUTH_IMMUTABLE_USER_FIELDS",
    "SOCIAL_AUTH_FIELDS_STORED_IN_SESSION",
    "SOCIAL_AUTH_RAISE_EXCEPTIONS",
];

/// The Entra backend whose prefix `name` is under (the longest prefix wins:
/// `SOCIAL_AUTH_AZUREAD_OAUTH2_V2_KEY` is the v2 backend's, not AzureADOAuth2's).
pub fn by_prefix(name: &str) -> Option<&'static Backend> {
    ENTRA
        .iter()
        .filter(|b| name.starts_with(b.prefix))
        .max_by_key(|b| b.prefix.len())
}

/// The Entra backend with this exact class path.
pub fn by_class(class: &str) -> Option<&'static Backend> {
    ENTRA.iter().find(|b| b.class == class)
}

/// The Entra backend with this callback name.
pub fn by_name(name: &str) -> Option<&'static Backend> {
    ENTRA.iter().find(|b| b.name == name)
}

/// Every setting name this tool knows.
pub fn known_names() -> Vec<String> {
    let mut names: Vec<String> = GENERIC.iter().map(|s| s.to_string()).collect();
    for b in ENTRA {
        names.extend(SUFFIXES.iter().map(|s| format!("{}{s}", b.prefix)));
    }
    names
}

/// The known class closest to a class path that matches none exactly, if it is close
/// enough to be a misspelling of it.
pub fn closest_class(class: &str) -> Option<&'static str> {
    let lower = class.to_ascii_lowercase();
    let last = lower.rsplit('.').next().unwrap_or_default();
    ENTRA
        .iter()
        .map(|b| b.class)
        .chain(OTHER.iter().copied())
        .map(|known| {
            let k = known.to_ascii_lowercase();
            let k_last = k.rsplit('.').next().unwrap_or_default();
            let score = strsim::normalized_damerau_levenshtein(&lower, &k).max(if last == k_last {
                0.95
            } else {
                0.0
            });
            (score, known)
        })
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, known)| known)
}

#[cfg(test)]
#[path = "backend_tests.rs"]
mod tests;
