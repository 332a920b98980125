//! The findings `check-config` can report: id, symptom, severity and the words (meaning,
//! likely causes, resolution) in the voice of the log catalog. Ids are stable and kebab-case;
//! every one starts with `config-` so they never clash with a log rule.

use crate::catalog::{Severity, Symptom};

/// One kind of configuration finding.
#[derive(Debug)]
pub struct Check {
    /// Stable id (`config-...`).
    pub id: &'static str,
    /// One-line title.
    pub title: &'static str,
    /// Symptom key the mistake produces at sign-in.
    pub symptom: Symptom,
    /// How bad it is.
    pub severity: Severity,
    /// AADSTS codes (or other error text) the mistake produces.
    pub codes: &'static [&'static str],
    /// What the mistake means.
    pub meaning: &'static str,
    /// Likely causes.
    pub causes: &'static [&'static str],
    /// Ordered resolution steps.
    pub resolution: &'static [&'static str],
}

const RESTART: &str = "Save and deploy the configuration in the NetBox Enterprise admin console, then restart every NetBox pod so all replicas read it (kubectl -n <namespace> rollout restart deployment/<netbox>), and retry the sign-in.";

/// `REMOTE_AUTH_BACKEND` names a class close to, but not exactly, a known backend.
pub const BACKEND_MISSPELLED: Check = Check {
    id: "config-backend-misspelled",
    title: "REMOTE_AUTH_BACKEND names a backend class that does not exist (misspelled)",
    symptom: Symptom::WrongTenantOrApp,
    severity: Severity::Error,
    codes: &["Backend not found"],
    meaning: "NetBox builds its authentication backends from REMOTE_AUTH_BACKEND by importing the class path as written. A misspelled module or class cannot be imported: the Entra login button is missing, or the callback answers 404 \"Backend not found\".",
    causes: &[
        "A typo or wrong capitalisation in the class path (AzureAdOAuth2 instead of AzureADOAuth2, azure_tenant instead of azuread_tenant).",
        "The class path was copied from a guide for another library (django-allauth, msal).",
    ],
    resolution: &[
        "Set REMOTE_AUTH_BACKEND to the exact class path suggested in the diagnosis, e.g. 'social_core.backends.azuread.AzureADOAuth2' (single-tenant guide) or 'social_core.backends.azuread_tenant.AzureADTenantOAuth2'.",
        "Keep the key, secret and tenant settings under the prefix of that backend (SOCIAL_AUTH_AZUREAD_OAUTH2_* or SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_*).",
        RESTART,
    ],
};

/// `REMOTE_AUTH_BACKEND` names a class this tool does not know at all.
pub const BACKEND_UNKNOWN: Check = Check {
    id: "config-backend-unknown",
    title: "REMOTE_AUTH_BACKEND names a backend class this tool does not know",
    symptom: Symptom::WrongTenantOrApp,
    severity: Severity::Warning,
    codes: &[],
    meaning: "The class is neither one of python-social-auth's Entra ID backends nor a NetBox backend this tool knows. If it is a custom class, the checks below that depend on the backend were skipped.",
    causes: &[
        "A custom or vendor backend class.",
        "A class path that is not Python (a URL, a display name from the portal).",
    ],
    resolution: &[
        "For Entra ID single sign-on set REMOTE_AUTH_BACKEND = 'social_core.backends.azuread.AzureADOAuth2' or 'social_core.backends.azuread_tenant.AzureADTenantOAuth2', as the NetBox Enterprise Entra ID guide describes.",
        RESTART,
    ],
};

/// No Entra backend is enabled.
pub const BACKEND_MISSING: Check = Check {
    id: "config-backend-missing",
    title: "No Entra ID backend in REMOTE_AUTH_BACKEND",
    symptom: Symptom::WrongTenantOrApp,
    severity: Severity::Error,
    codes: &["Backend not found"],
    meaning: "Without an Entra ID backend class in REMOTE_AUTH_BACKEND, NetBox offers no Entra sign-in: the login button is missing and /oauth/complete/<backend>/ answers 404. SOCIAL_AUTH_* settings alone do not enable a backend.",
    causes: &[
        "REMOTE_AUTH_BACKEND is not set (NetBox then uses netbox.authentication.RemoteUserBackend, header-based auth).",
        "REMOTE_AUTH_BACKEND names another identity provider's backend (OIDC, SAML, LDAP).",
        "The setting is assigned by a line this tool could not read (see config-statement-not-read).",
    ],
    resolution: &[
        "Add REMOTE_AUTH_BACKEND = 'social_core.backends.azuread.AzureADOAuth2' (or the tenant backend 'social_core.backends.azuread_tenant.AzureADTenantOAuth2') to the configuration override.",
        "Put the key, secret (and tenant id for the tenant backend) under that backend's prefix.",
        RESTART,
    ],
};

/// Key, secret or tenant set under another backend's prefix than the enabled backend's.
pub const PREFIX_MISMATCH: Check = Check {
    id: "config-prefix-mismatch",
    title: "Settings under another backend's prefix than REMOTE_AUTH_BACKEND reads",
    symptom: Symptom::WrongTenantOrApp,
    severity: Severity::Error,
    codes: &["AADSTS700016", "AADSTS7000218", "AADSTS50194"],
    meaning: "Each python-social-auth backend reads only the settings under its own prefix: AzureADOAuth2 reads SOCIAL_AUTH_AZUREAD_OAUTH2_*, AzureADTenantOAuth2 reads SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_*, AzureADV2TenantOAuth2 reads SOCIAL_AUTH_AZUREAD_V2_TENANT_OAUTH2_*. A key under another prefix is never read: Entra sees client_id None (AADSTS700016 \"Application with identifier 'None' was not found\"), no secret (AADSTS7000218), or the /common endpoint instead of the tenant (AADSTS50194).",
    causes: &[
        "REMOTE_AUTH_BACKEND was switched to the tenant backend (or back) without renaming the settings.",
        "The settings were copied from a guide written for the other backend.",
    ],
    resolution: &[
        "Rename each setting in the diagnosis to the prefix of the backend in REMOTE_AUTH_BACKEND (or change REMOTE_AUTH_BACKEND to the backend whose prefix the settings use).",
        "When switching backends, register the new backend's callback path as well: /oauth/complete/azuread-tenant-oauth2/ for the tenant backend, /oauth/complete/azuread-oauth2/ for AzureADOAuth2.",
        RESTART,
    ],
};

/// Settings of a backend that is not enabled, next to complete settings of the enabled one.
pub const INERT_SETTING: Check = Check {
    id: "config-inert-setting",
    title: "Settings for an Entra backend that is not enabled (never read)",
    symptom: Symptom::WrongTenantOrApp,
    severity: Severity::Info,
    codes: &[],
    meaning: "These settings belong to an Entra backend that REMOTE_AUTH_BACKEND does not enable, so NetBox never reads them. They are harmless but make it easy to edit the wrong value.",
    causes: &["Left over from a switch between the single-tenant and the tenant backend."],
    resolution: &[
        "Remove the settings in the diagnosis, so the next change is made to the values the enabled backend reads.",
    ],
};

/// A setting name close to a known one (typo), or missing the `SOCIAL_AUTH_` prefix.
pub const SETTING_MISSPELLED: Check = Check {
    id: "config-setting-misspelled",
    title: "A setting name looks misspelled, so NetBox ignores it",
    symptom: Symptom::WrongTenantOrApp,
    severity: Severity::Warning,
    codes: &[],
    meaning: "NetBox reads only the configuration names it knows plus every SOCIAL_AUTH_* name, and python-social-auth looks up exact names. A misspelled name is silently ignored and the backend behaves as if the setting were unset.",
    causes: &[
        "A typo in the name (SECERT, TENANTID, REDIRECT_IS_HTTP).",
        "The SOCIAL_AUTH_ prefix is missing (AZUREAD_OAUTH2_KEY).",
    ],
    resolution: &[
        "Rename the setting to the name suggested in the diagnosis.",
        RESTART,
    ],
};

/// KEY, SECRET or TENANT_ID not set for the enabled backend.
pub const MISSING_CLIENT_ID: Check = Check {
    id: "config-missing-client-id",
    title: "The client id (SOCIAL_AUTH_<BACKEND>_KEY) is not set",
    symptom: Symptom::WrongTenantOrApp,
    severity: Severity::Error,
    codes: &["AADSTS700016", "AADSTS900144"],
    meaning: "Without SOCIAL_AUTH_<BACKEND>_KEY NetBox sends client_id=None to Entra, which answers AADSTS700016 \"Application with identifier 'None' was not found in the directory\".",
    causes: &[
        "The key was never added, or is empty or None.",
        "It is set from an environment variable or code the configuration reader could not evaluate.",
    ],
    resolution: &[
        "In the Entra admin center open App registrations > <NetBox app> > Overview and copy the Application (client) ID.",
        "Set it as SOCIAL_AUTH_<BACKEND>_KEY for the backend in REMOTE_AUTH_BACKEND (the setting named in the diagnosis).",
        RESTART,
    ],
};

/// The secret is not set.
pub const MISSING_SECRET: Check = Check {
    id: "config-missing-secret",
    title: "The client secret (SOCIAL_AUTH_<BACKEND>_SECRET) is not set",
    symptom: Symptom::InvalidClientCredentials,
    severity: Severity::Error,
    codes: &["AADSTS7000218", "Missing needed parameter client_assertion"],
    meaning: "Without a client secret the token request fails: Entra answers AADSTS7000218 (client_assertion or client_secret missing), and social-core 4.8 (NetBox 4.5 and later) does not even send it, failing with \"Missing needed parameter client_assertion\".",
    causes: &[
        "The secret was never added, or is empty or None.",
        "It is set from an environment variable or code the configuration reader could not evaluate.",
    ],
    resolution: &[
        "In App registrations > <NetBox app> > Certificates & secrets create a client secret and copy its Value (not the Secret ID).",
        "Set it as SOCIAL_AUTH_<BACKEND>_SECRET for the backend in REMOTE_AUTH_BACKEND (the setting named in the diagnosis).",
        RESTART,
    ],
};

/// A tenant backend without TENANT_ID.
pub const MISSING_TENANT_ID: Check = Check {
    id: "config-missing-tenant-id",
    title: "The tenant backend has no tenant id (it falls back to /common)",
    symptom: Symptom::WrongTenantOrApp,
    severity: Severity::Error,
    codes: &["AADSTS50194"],
    meaning: "The tenant backends read SOCIAL_AUTH_<BACKEND>_TENANT_ID and default to 'common'. A single-tenant app registration (the usual case) on the /common endpoint fails with AADSTS50194 \"Application ... is not configured as a multi-tenant application\".",
    causes: &[
        "TENANT_ID was not set, or set under the single-tenant prefix SOCIAL_AUTH_AZUREAD_OAUTH2_TENANT_ID.",
    ],
    resolution: &[
        "Copy the Directory (tenant) ID from App registrations > <NetBox app> > Overview.",
        "Set it as the TENANT_ID setting named in the diagnosis.",
        RESTART,
    ],
};

/// The secret is GUID-shaped: the secret ID.
pub const SECRET_IS_GUID: Check = Check {
    id: "config-secret-is-guid",
    title: "The client secret is a GUID: the secret ID was pasted instead of the Value",
    symptom: Symptom::InvalidClientCredentials,
    severity: Severity::Error,
    codes: &["AADSTS7000215"],
    meaning: "Entra shows two columns for a client secret: Value (about 40 characters, usually containing 'Q~') and Secret ID (a GUID). The Secret ID is never a valid secret: the token request fails with AADSTS7000215 \"Invalid client secret provided\" and NetBox logs 'Invalid key/secret, perhaps expired'.",
    causes: &["The Secret ID column was copied instead of the Value column."],
    resolution: &[
        "In App registrations > <NetBox app> > Certificates & secrets > Client secrets create a new client secret (the old Value cannot be shown again).",
        "Copy the Value column right away, not the Secret ID.",
        "Paste it into the SECRET setting named in the diagnosis, without quotes inside the value, spaces or a trailing newline.",
        RESTART,
    ],
};

/// The secret equals the client id.
pub const SECRET_EQUALS_CLIENT_ID: Check = Check {
    id: "config-secret-equals-client-id",
    title: "The client secret equals the client id",
    symptom: Symptom::InvalidClientCredentials,
    severity: Severity::Error,
    codes: &["AADSTS7000215"],
    meaning: "The Application (client) ID was pasted into the secret setting too. Entra rejects it with AADSTS7000215 \"Invalid client secret provided\".",
    causes: &["A copy-paste slip while filling in KEY and SECRET."],
    resolution: &[
        "Create a client secret under Certificates & secrets and copy its Value into the SECRET setting named in the diagnosis.",
        RESTART,
    ],
};

/// The secret has not the shape of an Entra secret value.
pub const SECRET_SHAPE: Check = Check {
    id: "config-secret-shape",
    title: "The client secret does not look like an Entra secret value",
    symptom: Symptom::InvalidClientCredentials,
    severity: Severity::Warning,
    codes: &["AADSTS7000215"],
    meaning: "Entra client secret values created today are 40 characters: 3 characters, a digit, 'Q~', then 31 to 34 characters of letters, digits and _ ~ . -. This value has another shape (only its shape is shown, never the value). Older secrets had other shapes, so this is a warning, not a certainty.",
    causes: &[
        "A placeholder was left in (changeme, <secret>, xxx).",
        "The value was truncated when pasted, or is another credential (a certificate thumbprint, a password).",
        "An older secret format, which may still be valid.",
    ],
    resolution: &[
        "Compare the first three characters of the value with the 'Value' hint shown in Certificates & secrets of the app registration.",
        "If they differ or the secret is unknown, create a new client secret, copy its Value and paste it into the SECRET setting named in the diagnosis.",
        RESTART,
    ],
};

/// The client id is not a GUID.
pub const CLIENT_ID_NOT_GUID: Check = Check {
    id: "config-client-id-not-guid",
    title: "The client id is not a GUID",
    symptom: Symptom::WrongTenantOrApp,
    severity: Severity::Error,
    codes: &["AADSTS700016", "AADSTS900023"],
    meaning: "SOCIAL_AUTH_<BACKEND>_KEY must be the Application (client) ID of the app registration, a GUID (8-4-4-4-12 hex digits). Anything else makes Entra answer AADSTS700016 \"Application with identifier ... was not found\".",
    causes: &[
        "The app's display name, the Object ID's neighbour field, or a URL was pasted.",
        "The secret was pasted into KEY (then its shape only is shown).",
    ],
    resolution: &[
        "Copy the Application (client) ID from App registrations > <NetBox app> > Overview.",
        "Set it as the KEY setting named in the diagnosis.",
        RESTART,
    ],
};

/// TENANT_ID is a URL, a path, or neither a GUID nor a domain.
pub const TENANT_ID_INVALID: Check = Check {
    id: "config-tenant-id-invalid",
    title: "The tenant id is neither a GUID nor a domain name",
    symptom: Symptom::WrongTenantOrApp,
    severity: Severity::Error,
    codes: &["AADSTS90002", "AADSTS900023"],
    meaning: "The tenant backends put TENANT_ID into the authority URL (https://login.microsoftonline.com/<tenant>/oauth2/...). A URL, a path or free text there gives AADSTS900023 \"Specified tenant identifier is neither a valid DNS name, nor a valid external domain\" or AADSTS90002 \"Tenant not found\".",
    causes: &[
        "The whole authority URL or the OpenID metadata URL was pasted instead of the id.",
        "The tenant's display name was used.",
    ],
    resolution: &[
        "Copy the Directory (tenant) ID from App registrations > <NetBox app> > Overview.",
        "Set it as the TENANT_ID setting named in the diagnosis.",
        RESTART,
    ],
};

/// TENANT_ID is `common`, `organizations` or `consumers`.
pub const TENANT_ID_ENDPOINT: Check = Check {
    id: "config-tenant-id-multi-tenant-endpoint",
    title: "The tenant id is a multi-tenant endpoint, not a tenant",
    symptom: Symptom::WrongTenantOrApp,
    severity: Severity::Warning,
    codes: &["AADSTS50194"],
    meaning: "'common', 'organizations' and 'consumers' are endpoints for multi-tenant apps. A single-tenant app registration (the usual NetBox setup) fails there with AADSTS50194.",
    causes: &["The tenant backend was configured from a multi-tenant example."],
    resolution: &[
        "Unless the app registration is multi-tenant on purpose, set the TENANT_ID setting to the Directory (tenant) ID from the app's Overview page.",
        RESTART,
    ],
};

/// TENANT_ID is a domain name.
pub const TENANT_ID_DOMAIN: Check = Check {
    id: "config-tenant-id-domain",
    title: "The tenant id is a domain name",
    symptom: Symptom::WrongTenantOrApp,
    severity: Severity::Info,
    codes: &["AADSTS90002"],
    meaning: "A domain works as tenant only if it is a verified domain of the tenant (contoso.onmicrosoft.com always is). The Directory (tenant) ID GUID always works.",
    causes: &["A verified or custom domain was used instead of the id."],
    resolution: &[
        "If sign-in fails with AADSTS90002 (tenant not found), replace the domain with the Directory (tenant) ID from the app's Overview page.",
    ],
};

/// TENANT_ID set for a backend that does not read it.
pub const TENANT_ID_IGNORED: Check = Check {
    id: "config-tenant-id-ignored",
    title: "TENANT_ID is set for a backend that calls the /common endpoint",
    symptom: Symptom::WrongTenantOrApp,
    severity: Severity::Info,
    codes: &["AADSTS50194"],
    meaning: "In stock python-social-auth, AzureADOAuth2 (and its v2 variant) always call the /common endpoint and never read a TENANT_ID setting; only the tenant backends do. The NetBox Enterprise guide asks for the setting anyway, so NetBox Enterprise may read it; if sign-in fails with AADSTS50194, the tenant is not applied.",
    causes: &[
        "The guide's settings list, for a backend that ignores the value in upstream social-core.",
    ],
    resolution: &[
        "If users see AADSTS50194 (single-tenant app on the /common endpoint), switch REMOTE_AUTH_BACKEND to 'social_core.backends.azuread_tenant.AzureADTenantOAuth2', rename the settings to SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_*, and register /oauth/complete/azuread-tenant-oauth2/.",
    ],
};

/// Leading/trailing whitespace or newlines inside a value.
pub const VALUE_WHITESPACE: Check = Check {
    id: "config-value-whitespace",
    title: "A value carries leading, trailing or embedded whitespace",
    symptom: Symptom::InvalidClientCredentials,
    severity: Severity::Error,
    codes: &["AADSTS7000215", "AADSTS700016", "AADSTS900023"],
    meaning: "python-social-auth sends the values as written: a space or newline in the client id, secret or tenant makes Entra reject them (unknown application, invalid secret, invalid tenant), and in REMOTE_AUTH_BACKEND it breaks the import.",
    causes: &[
        "A value copied from a terminal or portal with a trailing space or newline.",
        "A triple-quoted string spanning lines.",
    ],
    resolution: &[
        "Remove the whitespace from the setting named in the diagnosis (for a secret, paste the Value again into a plain single-quoted string).",
        RESTART,
    ],
};

/// Quote characters inside a value.
pub const VALUE_QUOTES: Check = Check {
    id: "config-value-quotes",
    title: "A value has stray quote characters inside it",
    symptom: Symptom::InvalidClientCredentials,
    severity: Severity::Error,
    codes: &["AADSTS7000215", "AADSTS700016"],
    meaning: "The value itself starts or ends with a quote character (\"'abc'\" or '\"abc\"'), so the quotes are sent to Entra as part of the client id, secret or tenant.",
    causes: &["The value was quoted twice, e.g. pasted with its quotes into a quoted field."],
    resolution: &[
        "Remove the inner quotes from the setting named in the diagnosis: SETTING = 'value'.",
        RESTART,
    ],
};

/// Served over https but SOCIAL_AUTH_REDIRECT_IS_HTTPS not True.
pub const REDIRECT_IS_HTTPS_MISSING: Check = Check {
    id: "config-redirect-is-https-missing",
    title: "Served over HTTPS, but SOCIAL_AUTH_REDIRECT_IS_HTTPS is not True",
    symptom: Symptom::HttpsRequired,
    severity: Severity::Warning,
    codes: &["AADSTS50011"],
    meaning: "NetBox builds the redirect URI from the request. It hard-codes SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https'), so the scheme is https only if the ingress or load balancer that terminates TLS sends X-Forwarded-Proto: https. If it does not, NetBox sends http://<domain>/oauth/complete/<backend>/, which Entra refuses (AADSTS50011; http is allowed only for localhost). SOCIAL_AUTH_REDIRECT_IS_HTTPS = True makes social-core use https regardless.",
    causes: &[
        "TLS is terminated at an outer load balancer that does not send X-Forwarded-Proto, or ingress-nginx does not trust the forwarded headers.",
        "The setting is missing, or set to False.",
    ],
    resolution: &[
        "Add SOCIAL_AUTH_REDIRECT_IS_HTTPS = True to the configuration override (it only fixes the scheme, not a wrong host or port).",
        "Or make the proxy that terminates TLS send X-Forwarded-Proto: https to NetBox (ingress-nginx: use-forwarded-headers / the load balancer's forwarded-header option).",
        RESTART,
    ],
};

/// SECURE_PROXY_SSL_HEADER in the overrides: NetBox does not read it.
pub const SECURE_PROXY_HEADER_IGNORED: Check = Check {
    id: "config-secure-proxy-ssl-header-ignored",
    title: "SECURE_PROXY_SSL_HEADER in the overrides is not read by NetBox",
    symptom: Symptom::HttpsRequired,
    severity: Severity::Info,
    codes: &[],
    meaning: "NetBox sets SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https') itself and does not take it from the configuration, so this line changes nothing. Whether NetBox sees https depends on the proxy sending X-Forwarded-Proto: https, or on SOCIAL_AUTH_REDIRECT_IS_HTTPS = True for the redirect URI.",
    causes: &["A Django setting copied from a generic guide."],
    resolution: &[
        "Remove the line; set SOCIAL_AUTH_REDIRECT_IS_HTTPS = True, or make the proxy send X-Forwarded-Proto: https.",
    ],
};

/// The redirect URI uses http:// to a public host.
pub const REDIRECT_URI_NOT_HTTPS: Check = Check {
    id: "config-redirect-uri-not-https",
    title: "The redirect URI uses http:// where Entra requires https://",
    symptom: Symptom::HttpsRequired,
    severity: Severity::Error,
    codes: &["AADSTS50011"],
    meaning: "Entra accepts http:// redirect URIs only for localhost and 127.0.0.1. Any other http URI cannot even be registered on a Web platform, so the sign-in fails with AADSTS50011.",
    causes: &[
        "NetBox is reached over plain http, or the TLS-terminating proxy does not send X-Forwarded-Proto: https.",
        "The URI was typed with http://.",
    ],
    resolution: &[
        "Serve NetBox over https and register https://<domain>/oauth/complete/<backend>/ in the app registration's Authentication > Web platform.",
        "Set SOCIAL_AUTH_REDIRECT_IS_HTTPS = True, or make the proxy send X-Forwarded-Proto: https.",
        RESTART,
    ],
};

/// The redirect URI breaks another rule (slash, port, host, BASE_PATH, whitespace, case).
pub const REDIRECT_URI_INVALID: Check = Check {
    id: "config-redirect-uri-invalid",
    title: "The redirect URI does not follow the rules NetBox and Entra apply",
    symptom: Symptom::RedirectUriMismatch,
    severity: Severity::Error,
    codes: &["AADSTS50011"],
    meaning: "Entra compares the redirect URI NetBox sends with the registered ones character by character. NetBox sends https://<public host>[/<BASE_PATH>]/oauth/complete/<backend>/ with a trailing slash; any difference gives AADSTS50011.",
    causes: &[
        "Missing trailing slash, an internal port or host name, a BASE_PATH prefix that does not match, whitespace, upper-case letters.",
    ],
    resolution: &[
        "Fix each point of the diagnosis, then register exactly the URI shown by config-expected-redirect-uri under App registrations > <NetBox app> > Authentication > Web > Redirect URIs.",
        "Make sure NetBox is reached through its public host name, so Host/X-Forwarded-Host carry that name without a port.",
    ],
};

/// The redirect URI's callback path is another backend's.
pub const REDIRECT_URI_WRONG_BACKEND: Check = Check {
    id: "config-redirect-uri-wrong-backend",
    title: "The redirect URI's callback path belongs to another backend",
    symptom: Symptom::RedirectUriMismatch,
    severity: Severity::Error,
    codes: &["AADSTS50011"],
    meaning: "Each backend has its own callback path: /oauth/complete/azuread-oauth2/ for AzureADOAuth2, /oauth/complete/azuread-tenant-oauth2/ for AzureADTenantOAuth2, /oauth/complete/azuread-v2-tenant-oauth2/ for AzureADV2TenantOAuth2. NetBox sends the path of the backend in REMOTE_AUTH_BACKEND, so a URI registered with another backend's path gives AADSTS50011.",
    causes: &[
        "REMOTE_AUTH_BACKEND was switched (usually to the tenant backend) without registering the new callback path; the documented URI is the single-tenant backend's.",
    ],
    resolution: &[
        "Register the redirect URI with the callback path of the backend in REMOTE_AUTH_BACKEND (see the diagnosis) under App registrations > <NetBox app> > Authentication > Web.",
        "Or switch REMOTE_AUTH_BACKEND back to the backend whose path is registered (and its settings prefix).",
    ],
};

/// The redirect URI's host is not in ALLOWED_HOSTS.
pub const ALLOWED_HOSTS_MISSING_HOST: Check = Check {
    id: "config-allowed-hosts-missing-host",
    title: "The redirect URI's host is not in ALLOWED_HOSTS",
    symptom: Symptom::NotLoggedInAfterAuth,
    severity: Severity::Warning,
    codes: &["Invalid HTTP_HOST header"],
    meaning: "Django answers 400 (DisallowedHost, 'Invalid HTTP_HOST header') to every request whose host is not in ALLOWED_HOSTS, the OAuth callback included: Entra signs the user in, and the callback fails.",
    causes: &["NetBox is reached under a new or additional host name."],
    resolution: &[
        "Add the host named in the diagnosis to ALLOWED_HOSTS (e.g. ALLOWED_HOSTS = ['netbox.example.com']).",
        RESTART,
    ],
};

/// The URI to register, for the backend in use.
pub const EXPECTED_REDIRECT_URI: Check = Check {
    id: "config-expected-redirect-uri",
    title: "The redirect URI to register for this backend",
    symptom: Symptom::RedirectUriMismatch,
    severity: Severity::Info,
    codes: &[],
    meaning: "The redirect URI NetBox will send for the backend in REMOTE_AUTH_BACKEND, to compare with the app registration (Authentication > Web > Redirect URIs). The host comes from --redirect-uri/--base-url, CSRF_TRUSTED_ORIGINS or ALLOWED_HOSTS, in that order.",
    causes: &["(for reference)"],
    resolution: &[
        "Make sure this exact URI (https, public host, no port, trailing slash) is registered on the Web platform of the app registration, not under Single-page application.",
    ],
};

/// The secret expired.
pub const SECRET_EXPIRED: Check = Check {
    id: "config-secret-expired",
    title: "The client secret has expired",
    symptom: Symptom::ClientSecretExpired,
    severity: Severity::Error,
    codes: &["AADSTS7000222"],
    meaning: "Past its expiry date a client secret is refused with AADSTS7000222 \"The provided client secret keys ... are expired\"; with social-core 4.8 NetBox logs only 'Invalid key/secret, perhaps expired'.",
    causes: &[
        "The secret reached the end of the lifetime chosen at creation (at most 24 months, 180 days recommended).",
    ],
    resolution: &[
        "In App registrations > <NetBox app> > Certificates & secrets create a new client secret and copy its Value.",
        "Put it into the SECRET setting of the backend in REMOTE_AUTH_BACKEND.",
        RESTART,
        "Set a reminder before the new expiry date (sso-triage check-config --secret-expires YYYY-MM-DD in a scheduled job).",
    ],
};

/// The secret expires within 30 days.
pub const SECRET_EXPIRES_SOON: Check = Check {
    id: "config-secret-expires-soon",
    title: "The client secret expires within 30 days",
    symptom: Symptom::ClientSecretExpired,
    severity: Severity::Warning,
    codes: &["AADSTS7000222"],
    meaning: "When the secret expires every Entra sign-in to NetBox fails with AADSTS7000222. Rotate it before then.",
    causes: &["The secret approaches the end of its lifetime."],
    resolution: &[
        "Create a new client secret under Certificates & secrets (both secrets stay valid side by side) and copy its Value.",
        "Put it into the SECRET setting of the backend in REMOTE_AUTH_BACKEND, then restart every NetBox pod.",
        "After a successful sign-in, delete the old secret.",
    ],
};

/// The secret's expiry date, far enough away.
pub const SECRET_EXPIRY: Check = Check {
    id: "config-secret-expiry",
    title: "The client secret's expiry date",
    symptom: Symptom::ClientSecretExpired,
    severity: Severity::Info,
    codes: &[],
    meaning: "The secret is valid for more than 30 days.",
    causes: &["(for reference)"],
    resolution: &["Set a reminder a few weeks before the expiry date in the evidence."],
};

/// A setting assigned more than once.
pub const DUPLICATE_SETTING: Check = Check {
    id: "config-duplicate-setting",
    title: "A setting is assigned more than once; the last assignment wins",
    symptom: Symptom::Unknown,
    severity: Severity::Info,
    codes: &[],
    meaning: "Python keeps the last value assigned to a name. An earlier line with the same name is dead and misleads whoever edits it.",
    causes: &["A value was added at the end instead of edited in place."],
    resolution: &["Keep one assignment per setting (the diagnosis names the line that wins)."],
};

/// A statement outside the subset the reader understands.
pub const STATEMENT_NOT_READ: Check = Check {
    id: "config-statement-not-read",
    title: "Lines the configuration reader could not read (not checked)",
    symptom: Symptom::Unknown,
    severity: Severity::Info,
    codes: &[],
    meaning: "check-config reads plain assignments (strings, numbers, True/False/None, lists, tuples, dicts) and never runs code. These statements are something else (imports, function calls such as os.environ.get, f-strings, blocks) and were skipped; settings they assign were not checked.",
    causes: &["Configuration written as Python code rather than plain values."],
    resolution: &[
        "Check the settings these lines assign by hand, or run check-config on a copy with the evaluated values (with secrets replaced by fakes of the same shape).",
    ],
};

/// Every check, for listing and tests.
pub const ALL: &[&Check] = &[
    &BACKEND_MISSPELLED,
    &BACKEND_UNKNOWN,
    &BACKEND_MISSING,
    &PREFIX_MISMATCH,
    &INERT_SETTING,
    &SETTING_MISSPELLED,
    &MISSING_CLIENT_ID,
    &MISSING_SECRET,
    &MISSING_TENANT_ID,
    &SECRET_IS_GUID,
    &SECRET_EQUALS_CLIENT_ID,
    &SECRET_SHAPE,
    &CLIENT_ID_NOT_GUID,
    &TENANT_ID_INVALID,
    &TENANT_ID_ENDPOINT,
    &TENANT_ID_DOMAIN,
    &TENANT_ID_IGNORED,
    &VALUE_WHITESPACE,
    &VALUE_QUOTES,
    &REDIRECT_IS_HTTPS_MISSING,
    &SECURE_PROXY_HEADER_IGNORED,
    &REDIRECT_URI_NOT_HTTPS,
    &REDIRECT_URI_INVALID,
    &REDIRECT_URI_WRONG_BACKEND,
    &ALLOWED_HOSTS_MISSING_HOST,
    &EXPECTED_REDIRECT_URI,
    &SECRET_EXPIRED,
    &SECRET_EXPIRES_SOON,
    &SECRET_EXPIRY,
    &DUPLICATE_SETTING,
    &STATEMENT_NOT_READ,
];
