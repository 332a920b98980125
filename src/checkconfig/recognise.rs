//! Whether a file is a NetBox configuration at all. `check-config` given a log, a README or
//! some other Python file read it as Python, skipped every line it could not read and
//! reported dozens of "statement not read" notes and a missing backend; it now says in one
//! line that the file is not a configuration. A file is one when it assigns at least one
//! setting NetBox, Django or python-social-auth reads (or one a letter or two away from
//! such a name, which the checks then report as misspelled).

use super::backend;
use super::parse::Document;

/// Settings of NetBox's configuration (`configuration.py` and the admin console's
/// overrides) and the Django settings it passes through, outside the prefixes below.
const NETBOX_SETTINGS: &[&str] = &[
    "ADMINS",
    "ALLOWED_HOSTS",
    "ALLOW_TOKEN_RETRIEVAL",
    "ALLOWED_URL_SCHEMES",
    "API_TOKEN_PEPPERS",
    "AUTH_PASSWORD_VALIDATORS",
    "BASE_PATH",
    "CENSUS_REPORTING_ENABLED",
    "CHANGELOG_RETENTION",
    "CHANGELOG_SKIP_EMPTY_CHANGES",
    "CUSTOM_VALIDATORS",
    "DATABASE",
    "DATABASES",
    "DATABASE_ROUTERS",
    "DATA_UPLOAD_MAX_MEMORY_SIZE",
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "DEBUG",
    "DEFAULT_DASHBOARD",
    "DEFAULT_LANGUAGE",
    "DEFAULT_PERMISSIONS",
    "DEFAULT_USER_PREFERENCES",
    "DEVELOPER",
    "DJANGO_ADMIN_ENABLED",
    "DOCS_ROOT",
    "EMAIL",
    "ENFORCE_GLOBAL_UNIQUE",
    "EVENTS_PIPELINE",
    "EXEMPT_VIEW_PERMISSIONS",
    "FIELD_CHOICES",
    "FILE_UPLOAD_MAX_MEMORY_SIZE",
    "GRAPHQL_ENABLED",
    "GRAPHQL_MAX_ALIASES",
    "HTTP_PROXIES",
    "INTERNAL_IPS",
    "ISOLATED_DEPLOYMENT",
    "JINJA2_FILTERS",
    "JOB_RETENTION",
    "LOGGING",
    "LOGIN_FORM_HIDDEN",
    "LOGIN_PERSISTENCE",
    "LOGIN_REQUIRED",
    "LOGIN_TIMEOUT",
    "LOGOUT_REDIRECT_URL",
    "MAINTENANCE_MODE",
    "MAPS_URL",
    "MAX_PAGE_SIZE",
    "MEDIA_ROOT",
    "METRICS_ENABLED",
    "PAGINATE_COUNT",
    "PREFER_IPV4",
    "PROTECTION_RULES",
    "PROXY_ROUTERS",
    "QUEUE_MAPPINGS",
    "REDIS",
    "RELEASE_CHECK_URL",
    "REPORTS_ROOT",
    "RQ_DEFAULT_TIMEOUT",
    "RQ_RETRY_INTERVAL",
    "RQ_RETRY_MAX",
    "SCRIPTS_ROOT",
    "SEARCH_BACKEND",
    "SECRET_KEY",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "SHORT_TIME_FORMAT",
    "STORAGE_BACKEND",
    "STORAGE_CONFIG",
    "STORAGES",
    "TIME_FORMAT",
    "TIME_ZONE",
    "TRANSLATION_ENABLED",
    "USE_X_FORWARDED_HOST",
];

/// Prefixes of whole families of settings (python-social-auth, remote authentication, LDAP,
/// Sentry, plugins, banners, Django's cookie, CORS and security settings).
const PREFIXES: &[&str] = &[
    "SOCIAL_AUTH_",
    "REMOTE_AUTH_",
    "AUTH_LDAP_",
    "SENTRY_",
    "PLUGINS",
    "BANNER_",
    "CORS_",
    "CSRF_",
    "SESSION_",
    "SECURE_",
    "POWERFEED_DEFAULT_",
    "RACK_ELEVATION_DEFAULT_",
];

/// Why `doc` is not a NetBox configuration, or `None` when it is one.
pub(super) fn not_a_configuration(doc: &Document) -> Option<String> {
    let names = doc
        .assignments
        .iter()
        .map(|a| a.name.as_str())
        .chain(doc.unread.iter().filter_map(|u| u.name.as_deref()));
    let mut statements = 0;
    for name in names {
        if is_setting(name) {
            return None;
        }
        statements += 1;
    }
    let statements = statements + doc.unread.iter().filter(|u| u.name.is_none()).count();
    Some(if doc.lines == 0 {
        "it is empty".to_string()
    } else if statements == 0 {
        "it holds only comments and blank lines".to_string()
    } else {
        format!(
            "none of its {statements} statement{} assigns a NetBox setting such as REMOTE_AUTH_BACKEND, SOCIAL_AUTH_* or ALLOWED_HOSTS",
            if statements == 1 { "" } else { "s" }
        )
    })
}

/// Whether `name` is a setting NetBox, Django or python-social-auth reads, or a misspelling
/// of a long one (`SOCAIL_AUTH_AZUREAD_OAUTH2_KEY`, `ALLOWED_HOST`).
fn is_setting(name: &str) -> bool {
    if NETBOX_SETTINGS.contains(&name) || PREFIXES.iter().any(|p| name.starts_with(p)) {
        return true;
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    {
        return false;
    }
    // Two edits from a short name is any short name (`MAIL`, `BUG`): long names only.
    name.contains("AZUREAD")
        || backend::known_names()
            .iter()
            .map(String::as_str)
            .chain(NETBOX_SETTINGS.iter().copied())
            .filter(|known| known.len() >= 10)
            .any(|known| strsim::damerau_levenshtein(name, known) <= 2)
}
