//! `check-config`: reads a NetBox configuration override file (the Python the admin console
//! takes) without running it, and reports Entra ID single sign-on mistakes as findings of the
//! same [`crate::report::Report`] model `scan` uses, so every renderer works unchanged.
//! [`parse`] reads the Python subset, [`backend`] knows the backends and their prefixes,
//! [`shape`] describes values without showing them, [`rules`] holds the findings' words.
//! Secrets never leave this module as values: evidence shows their shape only.

pub mod backend;
pub mod parse;
pub mod rules;
pub mod shape;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::redact::{Masking, Shown};
use crate::refine;
use crate::report::{EntraIds, Evidence, Finding};
use backend::Backend;
use parse::{Assignment, Document, Value};
use rules::Check;

/// What the user told us besides the file.
#[derive(Debug, Clone)]
pub struct Options {
    /// The file as named (`<stdin>` for `-`).
    pub source: String,
    /// `--redirect-uri`: the URI registered (or to be registered) in Entra.
    pub redirect_uri: Option<String>,
    /// `--base-url`: NetBox's public URL; the redirect URI is derived from it.
    pub base_url: Option<String>,
    /// `--secret-expires`: the client secret's expiry date.
    pub secret_expires: Option<NaiveDate>,
    /// Today (UTC), for the expiry check.
    pub today: NaiveDate,
}

/// What a check of one file produced.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Findings, most severe first, then by line, then id.
    pub findings: Vec<Finding>,
    /// Assignments read.
    pub assignments: usize,
    /// Statements skipped as outside the subset.
    pub unread: usize,
    /// Lines in the file.
    pub lines: usize,
    /// Credential values found in the file (8 characters or more): the output must contain
    /// none of them; the caller checks before printing.
    pub secrets: Vec<String>,
}

/// Most evidence entries and diagnosis lines kept per finding.
const MAX_EVIDENCE: usize = 20;

/// One problem found, before problems are grouped into findings by check.
struct Hit {
    check: &'static Check,
    source: String,
    line: u64,
    setting: Option<String>,
    text: String,
    diagnosis: String,
}

/// The enabled Entra backend, and where it is named.
#[derive(Clone, Copy)]
struct Enabled {
    backend: &'static Backend,
    line: usize,
    /// Named by a misspelled class path that this backend was guessed from.
    guessed: bool,
}

struct Checker<'a> {
    opts: &'a Options,
    /// The last assignment of each name.
    settings: BTreeMap<&'a str, &'a Assignment>,
    /// Names assigned by statements the reader skipped.
    unread_names: BTreeSet<&'a str>,
    hits: Vec<Hit>,
}

/// Checks a configuration file's text.
pub fn check(text: &str, opts: &Options) -> Outcome {
    let doc = parse::parse_document(text);
    check_document(&doc, opts)
}

/// Checks a parsed configuration.
pub fn check_document(doc: &Document, opts: &Options) -> Outcome {
    let mut c = Checker {
        opts,
        settings: BTreeMap::new(),
        unread_names: doc
            .unread
            .iter()
            .filter_map(|u| u.name.as_deref())
            .collect(),
        hits: Vec::new(),
    };
    let mut lines_of: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for a in &doc.assignments {
        c.settings.insert(&a.name, a);
        lines_of.entry(&a.name).or_default().push(a.line);
    }
    for (name, lines) in &lines_of {
        if lines.len() > 1 {
            let last = *lines.last().expect("two or more");
            let list: Vec<String> = lines.iter().map(ToString::to_string).collect();
            c.hit(
                &rules::DUPLICATE_SETTING,
                last,
                Some(name),
                format!("{name} assigned on lines {}", list.join(", ")),
                format!(
                    "{name} is assigned on lines {}; line {last} wins",
                    list.join(", ")
                ),
            );
        }
    }
    c.stray_characters();
    c.misspelled_names();
    let enabled = c.backends();
    c.prefixes(&enabled);
    for e in &enabled {
        c.credentials(e);
    }
    if enabled.is_empty() {
        // No backend to go by: still check the values of whatever Entra prefix is used.
        let used: BTreeSet<&'static str> = c
            .settings
            .keys()
            .filter_map(|n| backend::by_prefix(n).map(|b| b.class))
            .collect();
        for class in used {
            let backend = backend::by_class(class).expect("classes come from the table");
            c.values(&Enabled {
                backend,
                line: 0,
                guessed: true,
            });
        }
    }
    c.https(&enabled);
    c.redirect_uri(enabled.first().copied());
    c.expiry(enabled.first().copied());
    c.unread(doc);
    Outcome {
        findings: c.findings(),
        assignments: doc.assignments.len(),
        unread: doc.unread.len(),
        lines: doc.lines,
        secrets: secrets(doc),
    }
}

/// Every credential value in the document, for the caller's last check before printing.
fn secrets(doc: &Document) -> Vec<String> {
    fn walk(name_is_secret: bool, v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Str(s) if name_is_secret || shape::looks_secret(s) => {
                out.push(s.clone());
                out.push(s.trim().to_string());
            }
            Value::List(items) | Value::Tuple(items) => {
                items.iter().for_each(|x| walk(name_is_secret, x, out))
            }
            Value::Dict(kv) => {
                for (k, v) in kv {
                    let secret_key =
                        name_is_secret || k.as_str().is_some_and(shape::is_secret_name);
                    walk(false, k, out);
                    walk(secret_key, v, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for a in &doc.assignments {
        walk(shape::is_secret_name(&a.name), &a.value, &mut out);
    }
    out.retain(|s| s.chars().count() >= 8);
    out.sort();
    out.dedup();
    out
}

/// A string setting's value with surrounding whitespace and quotes removed: what the shape
/// checks look at (the stray characters are reported on their own).
fn clean(s: &str) -> &str {
    s.trim().trim_matches(['"', '\'', '`']).trim()
}

impl<'a> Checker<'a> {
    fn hit(
        &mut self,
        check: &'static Check,
        line: usize,
        setting: Option<&str>,
        text: String,
        diagnosis: String,
    ) {
        // Text and diagnosis quote the file as written: the masker sees them when the
        // finding is built.
        self.hits.push(Hit {
            check,
            source: self.opts.source.clone(),
            line: line as u64,
            setting: setting.map(str::to_string),
            text,
            diagnosis,
        });
    }

    /// A string setting, if assigned as one.
    fn string(&self, name: &str) -> Option<(&'a Assignment, &'a str)> {
        let a = *self.settings.get(name)?;
        a.value.as_str().map(|s| (a, s))
    }

    /// Evidence text for one setting.
    fn show(name: &str, value: &str) -> String {
        format!("{name} = {}", shape::display(name, value))
    }

    /// Whitespace and quote characters inside the values that go to Entra or name a class.
    fn stray_characters(&mut self) {
        let names: Vec<&'a Assignment> = self
            .settings
            .values()
            .copied()
            .filter(|a| a.name.starts_with("SOCIAL_AUTH_") || a.name == "REMOTE_AUTH_BACKEND")
            .collect();
        for a in names {
            let strict = backend::by_prefix(&a.name).is_some_and(|b| {
                let suffix = &a.name[b.prefix.len()..];
                matches!(suffix, "KEY" | "SECRET" | "TENANT_ID")
            }) || a.name == "REMOTE_AUTH_BACKEND";
            for item in a.value.items() {
                let Some(s) = item.as_str() else { continue };
                let trimmed = s.trim();
                let mut what = Vec::new();
                if s.starts_with(char::is_whitespace) {
                    what.push("leading whitespace");
                }
                if s.ends_with(['\n', '\r']) {
                    what.push("a trailing newline");
                } else if s.ends_with(char::is_whitespace) {
                    what.push("trailing whitespace");
                }
                if strict && trimmed.contains(char::is_whitespace) {
                    what.push("whitespace inside");
                }
                if !what.is_empty() {
                    self.hit(
                        &rules::VALUE_WHITESPACE,
                        a.line,
                        Some(&a.name),
                        Self::show(&a.name, s),
                        format!("line {}: {} has {}", a.line, a.name, what.join(" and ")),
                    );
                }
                let quote = |c: char| matches!(c, '"' | '\'' | '`');
                if trimmed.starts_with(quote) || trimmed.ends_with(quote) {
                    self.hit(
                        &rules::VALUE_QUOTES,
                        a.line,
                        Some(&a.name),
                        Self::show(&a.name, s),
                        format!(
                            "line {}: the value of {} itself starts or ends with a quote character",
                            a.line, a.name
                        ),
                    );
                }
            }
        }
    }

    /// Names close to a known setting, or a known setting without `SOCIAL_AUTH_`.
    fn misspelled_names(&mut self) {
        let known = backend::known_names();
        let found: Vec<(&'a str, usize)> = self
            .settings
            .values()
            .map(|a| (a.name.as_str(), a.line))
            .collect();
        for (name, line) in found {
            if known.iter().any(|k| k == name) {
                continue;
            }
            let prefixed = format!("SOCIAL_AUTH_{name}");
            let suggestion = if known.contains(&prefixed) {
                Some(prefixed)
            } else if name.starts_with("SOCIAL_AUTH_") || name.starts_with("REMOTE_AUTH_") {
                known
                    .iter()
                    .map(|k| (strsim::damerau_levenshtein(name, k), k))
                    .filter(|(d, _)| *d <= 2)
                    .min()
                    .map(|(_, k)| k.clone())
            } else {
                None
            };
            if let Some(s) = suggestion {
                self.hit(
                    &rules::SETTING_MISSPELLED,
                    line,
                    Some(name),
                    format!("{name} = ..."),
                    format!("line {line}: {name} is not a setting NetBox or python-social-auth reads; did you mean {s}?"),
                );
            }
        }
    }

    /// The Entra backends REMOTE_AUTH_BACKEND enables (a misspelled one counted as what it
    /// was meant to be).
    fn backends(&mut self) -> Vec<Enabled> {
        let mut enabled = Vec::new();
        let Some(a) = self.settings.get("REMOTE_AUTH_BACKEND").copied() else {
            if !self.unread_names.contains("REMOTE_AUTH_BACKEND") {
                self.hit(
                    &rules::BACKEND_MISSING,
                    0,
                    Some("REMOTE_AUTH_BACKEND"),
                    "REMOTE_AUTH_BACKEND is not set".into(),
                    "REMOTE_AUTH_BACKEND is not set: NetBox uses netbox.authentication.RemoteUserBackend (header-based) and offers no Entra sign-in".into(),
                );
            }
            return enabled;
        };
        let mut unknown = false;
        for item in a.value.items() {
            let Some(raw) = item.as_str() else {
                self.hit(
                    &rules::BACKEND_UNKNOWN,
                    a.line,
                    Some(&a.name),
                    format!("REMOTE_AUTH_BACKEND = {}", value_text(item)),
                    format!(
                        "line {}: REMOTE_AUTH_BACKEND holds a value that is not a class path string",
                        a.line
                    ),
                );
                unknown = true;
                continue;
            };
            let class = clean(raw);
            if let Some(b) = backend::by_class(class) {
                enabled.push(Enabled {
                    backend: b,
                    line: a.line,
                    guessed: false,
                });
            } else if backend::OTHER.contains(&class) {
                // A known backend of another kind: fine, but not Entra.
            } else if let Some(close) = backend::closest_class(class) {
                self.hit(
                    &rules::BACKEND_MISSPELLED,
                    a.line,
                    Some(&a.name),
                    format!("REMOTE_AUTH_BACKEND = {raw:?}"),
                    format!(
                        "line {}: {class:?} cannot be imported; did you mean '{close}'?",
                        a.line
                    ),
                );
                if let Some(b) = backend::by_class(close) {
                    enabled.push(Enabled {
                        backend: b,
                        line: a.line,
                        guessed: true,
                    });
                }
            } else {
                unknown = true;
                self.hit(
                    &rules::BACKEND_UNKNOWN,
                    a.line,
                    Some(&a.name),
                    format!("REMOTE_AUTH_BACKEND = {raw:?}"),
                    format!(
                        "line {}: {class:?} is not an Entra ID backend of python-social-auth nor a NetBox backend this tool knows",
                        a.line
                    ),
                );
            }
        }
        if enabled.is_empty() && !unknown {
            self.hit(
                &rules::BACKEND_MISSING,
                a.line,
                Some(&a.name),
                format!("REMOTE_AUTH_BACKEND = {}", value_text(&a.value)),
                format!(
                    "line {}: REMOTE_AUTH_BACKEND names no Entra ID backend (social_core.backends.azuread.AzureADOAuth2 or social_core.backends.azuread_tenant.AzureADTenantOAuth2)",
                    a.line
                ),
            );
        }
        enabled
    }

    /// Settings under the prefix of an Entra backend that is not enabled.
    fn prefixes(&mut self, enabled: &[Enabled]) {
        let Some(first) = enabled.first() else { return };
        let on: Vec<&str> = enabled.iter().map(|e| e.backend.class).collect();
        let stray: Vec<(&'a Assignment, &'static Backend)> = self
            .settings
            .values()
            .filter_map(|a| backend::by_prefix(&a.name).map(|b| (*a, b)))
            .filter(|(_, b)| !on.contains(&b.class))
            .collect();
        for (a, other) in stray {
            let suffix = &a.name[other.prefix.len()..];
            let own = format!("{}{suffix}", first.backend.prefix);
            let shown = match a.value.as_str() {
                Some(s) => Self::show(&a.name, s),
                None => format!("{} = ...", a.name),
            };
            if self.settings.contains_key(own.as_str()) || self.unread_names.contains(own.as_str())
            {
                self.hit(
                    &rules::INERT_SETTING,
                    a.line,
                    Some(&a.name),
                    shown,
                    format!(
                        "line {}: {} is read only by {}, which REMOTE_AUTH_BACKEND does not enable; {} reads {own} instead",
                        a.line, a.name, other.short, first.backend.short
                    ),
                );
            } else {
                self.hit(
                    &rules::PREFIX_MISMATCH,
                    a.line,
                    Some(&a.name),
                    shown,
                    format!(
                        "line {}: {} is read only by {}, but REMOTE_AUTH_BACKEND (line {}) enables {}, which reads {own} instead; rename the setting",
                        a.line, a.name, other.short, first.line, first.backend.short
                    ),
                );
            }
        }
    }

    /// Required settings of an enabled backend, then their values.
    fn credentials(&mut self, e: &Enabled) {
        let b = e.backend;
        let mut required = vec![
            ("KEY", &rules::MISSING_CLIENT_ID),
            ("SECRET", &rules::MISSING_SECRET),
        ];
        if b.tenant {
            required.push(("TENANT_ID", &rules::MISSING_TENANT_ID));
        }
        for (suffix, check) in required {
            let name = format!("{}{suffix}", b.prefix);
            if self.unread_names.contains(name.as_str()) {
                continue;
            }
            let elsewhere = backend::ENTRA.iter().any(|o| {
                o != b
                    && self
                        .settings
                        .contains_key(format!("{}{suffix}", o.prefix).as_str())
            });
            match self.settings.get(name.as_str()).copied() {
                None if elsewhere => {} // reported as a prefix mismatch
                None => self.hit(
                    check,
                    e.line,
                    Some(&name),
                    format!("{name} is not set"),
                    format!(
                        "{name} is not set, and REMOTE_AUTH_BACKEND (line {}) enables {}, which needs it",
                        e.line, b.short
                    ),
                ),
                Some(a) if matches!(&a.value, Value::None) || a.value.as_str().is_some_and(|s| clean(s).is_empty()) => self.hit(
                    check,
                    a.line,
                    Some(&name),
                    match a.value.as_str() {
                        Some(s) => Self::show(&name, s),
                        None => format!("{name} is None"),
                    },
                    format!("line {}: {name} is empty", a.line),
                ),
                Some(_) => {}
            }
        }
        self.values(e);
    }

    /// The shapes of KEY, SECRET and TENANT_ID under a backend's prefix.
    fn values(&mut self, e: &Enabled) {
        let b = e.backend;
        let key_name = format!("{}KEY", b.prefix);
        let secret_name = format!("{}SECRET", b.prefix);
        let tenant_name = format!("{}TENANT_ID", b.prefix);
        let key = self.string(&key_name);
        if let Some((a, raw)) = key {
            let id = clean(raw);
            if !id.is_empty() && !refine::is_guid(id) {
                let diagnosis = if shape::looks_secret(id) {
                    format!(
                        "line {}: {key_name} has the shape of a client secret value ({}): the secret was pasted where the Application (client) ID belongs",
                        a.line,
                        shape::describe(raw)
                    )
                } else {
                    format!(
                        "line {}: {key_name} is {} characters long and not a GUID: use the Application (client) ID from the app registration's Overview page",
                        a.line,
                        id.chars().count()
                    )
                };
                self.hit(
                    &rules::CLIENT_ID_NOT_GUID,
                    a.line,
                    Some(&key_name),
                    Self::show(&key_name, raw),
                    diagnosis,
                );
            }
        }
        if let Some((a, raw)) = self.string(&secret_name) {
            let secret = clean(raw);
            let text = Self::show(&secret_name, raw);
            let shape = shape::describe(raw);
            if secret.is_empty() {
                // Reported as missing.
            } else if key.is_some_and(|(_, k)| clean(k) == secret) {
                self.hit(
                    &rules::SECRET_EQUALS_CLIENT_ID,
                    a.line,
                    Some(&secret_name),
                    text,
                    format!(
                        "line {}: {secret_name} is the same value as {key_name}",
                        a.line
                    ),
                );
            } else if refine::is_guid(secret) {
                self.hit(
                    &rules::SECRET_IS_GUID,
                    a.line,
                    Some(&secret_name),
                    text,
                    format!(
                        "line {}: {secret_name} is {shape}: that is the Secret ID, not the secret Value",
                        a.line
                    ),
                );
            } else if !shape::is_entra_secret_value(secret) {
                self.hit(
                    &rules::SECRET_SHAPE,
                    a.line,
                    Some(&secret_name),
                    text,
                    format!(
                        "line {}: {secret_name} is {shape}; an Entra secret value is 40 characters with a digit and 'Q~' at the 4th to 6th character",
                        a.line
                    ),
                );
            }
        }
        if let Some((a, raw)) = self.string(&tenant_name) {
            if !b.tenant {
                self.hit(
                    &rules::TENANT_ID_IGNORED,
                    a.line,
                    Some(&tenant_name),
                    Self::show(&tenant_name, raw),
                    format!(
                        "line {}: {tenant_name} is set, but stock {} calls the /common endpoint and does not read it",
                        a.line, b.short
                    ),
                );
            }
            let t = clean(raw);
            let check = if t.is_empty() || refine::is_guid(t) {
                None
            } else if matches!(
                t.to_ascii_lowercase().as_str(),
                "common" | "organizations" | "consumers"
            ) {
                Some(&rules::TENANT_ID_ENDPOINT)
            } else if shape::is_domain(t) {
                Some(&rules::TENANT_ID_DOMAIN)
            } else {
                Some(&rules::TENANT_ID_INVALID)
            };
            if let Some(check) = check {
                let why = refine::tenant(t).join("; ");
                self.hit(
                    check,
                    a.line,
                    Some(&tenant_name),
                    Self::show(&tenant_name, raw),
                    format!("line {}: {why}", a.line),
                );
            }
        }
    }

    /// Where the file or the flags show that NetBox is served over https.
    fn https_evidence(&self) -> Vec<String> {
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
    fn https(&mut self, enabled: &[Enabled]) {
        if let Some(a) = self.settings.get("SECURE_PROXY_SSL_HEADER").copied() {
            self.hit(
                &rules::SECURE_PROXY_HEADER_IGNORED,
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
                &rules::REDIRECT_IS_HTTPS_MISSING,
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
                &rules::REDIRECT_IS_HTTPS_MISSING,
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
    fn base_path(&self) -> (String, Option<usize>) {
        match self.string("BASE_PATH") {
            Some((a, s)) => (s.trim().trim_matches('/').to_string(), Some(a.line)),
            None => (String::new(), None),
        }
    }

    /// The host NetBox is reached at, from the flags or the file.
    fn public_host(&self, uri: Option<&str>) -> Option<String> {
        if let Some(host) = uri.and_then(host_of) {
            return Some(host);
        }
        let origins = self
            .settings
            .get("CSRF_TRUSTED_ORIGINS")
            .map(|a| a.value.strings())
            .unwrap_or_default();
        if let Some(h) = origins
            .iter()
            .filter(|o| o.trim().starts_with("https://"))
            .find_map(|o| host_of(o.trim()))
        {
            return Some(h);
        }
        self.settings
            .get("ALLOWED_HOSTS")
            .map(|a| a.value.strings())
            .unwrap_or_default()
            .iter()
            .map(|h| h.trim())
            .find(|h| {
                !h.is_empty()
                    && !h.contains('*')
                    && !h.starts_with('.')
                    && !matches!(*h, "localhost" | "127.0.0.1" | "::1")
            })
            .map(str::to_string)
    }

    /// The expected redirect URI (`--redirect-uri`, or `--base-url` + the backend's path)
    /// against the rules, and the URI to register.
    fn redirect_uri(&mut self, enabled: Option<Enabled>) {
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
            let given_uri = given.as_ref().map(|(_, u)| u.trim());
            // http and a port are kept only for localhost, where Entra accepts them.
            let origin = match given_uri.and_then(local_origin) {
                Some(origin) => origin,
                None => format!(
                    "https://{}",
                    self.public_host(given_uri)
                        .unwrap_or_else(|| "<netbox-host>".into())
                ),
            };
            let prefix = if base_path.is_empty() {
                String::new()
            } else {
                format!("/{base_path}")
            };
            let uri = format!("{origin}{prefix}/oauth/complete/{}/", e.backend.name);
            self.hit(
                &rules::EXPECTED_REDIRECT_URI,
                e.line,
                Some("REMOTE_AUTH_BACKEND"),
                uri.clone(),
                format!(
                    "REMOTE_AUTH_BACKEND (line {}) enables {}{}: NetBox sends {uri}",
                    e.line,
                    e.backend.short,
                    if e.guessed {
                        " (once its class path is spelled right)"
                    } else {
                        ""
                    }
                ),
            );
        }
    }

    fn check_uri(
        &mut self,
        flag: &str,
        uri: &str,
        enabled: Option<Enabled>,
        base_path: &str,
        base_path_line: Option<usize>,
    ) {
        let source = flag.to_string();
        let push = |c: &mut Self, check: &'static Check, diagnosis: String| {
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
                &rules::REDIRECT_URI_NOT_HTTPS,
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
            push(self, &rules::REDIRECT_URI_INVALID, problems.join("; "));
        }
        if let (Some(e), Some(seg)) = (enabled, segment.as_deref())
            && seg != e.backend.name
        {
            push(
                self,
                &rules::REDIRECT_URI_WRONG_BACKEND,
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
                    &rules::ALLOWED_HOSTS_MISSING_HOST,
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

    /// `--secret-expires`.
    fn expiry(&mut self, enabled: Option<Enabled>) {
        let Some(date) = self.opts.secret_expires else {
            return;
        };
        let today = self.opts.today;
        let days = (date - today).num_days();
        let (check, when) = if days < 0 {
            (
                &rules::SECRET_EXPIRED,
                format!("expired {} day(s) ago", -days),
            )
        } else if days <= 30 {
            (
                &rules::SECRET_EXPIRES_SOON,
                format!("expires in {days} day(s)"),
            )
        } else {
            (&rules::SECRET_EXPIRY, format!("expires in {days} day(s)"))
        };
        let secret = enabled
            .map(|e| format!("{}SECRET", e.backend.prefix))
            .unwrap_or_else(|| "the client secret".into());
        let line = self.settings.get(secret.as_str()).map_or(0, |a| a.line);
        self.hit(
            check,
            line,
            Some(&secret),
            format!("{secret} per --secret-expires {date}, {when} (today is {today})"),
            format!("{secret} {when}: on {date}"),
        );
    }

    /// Statements the reader skipped.
    fn unread(&mut self, doc: &Document) {
        for u in &doc.unread {
            let relevant = u.name.as_deref().filter(|n| {
                n.starts_with("SOCIAL_AUTH_")
                    || n.starts_with("REMOTE_AUTH_")
                    || matches!(*n, "BASE_PATH" | "ALLOWED_HOSTS" | "CSRF_TRUSTED_ORIGINS")
            });
            let span = if u.lines > 1 {
                format!("lines {}-{}", u.line, u.line + u.lines - 1)
            } else {
                format!("line {}", u.line)
            };
            let mut diagnosis = format!("{span}: not read ({})", u.reason);
            if let Some(n) = relevant {
                diagnosis.push_str(&format!("; {n} was not checked"));
            }
            self.hit(
                &rules::STATEMENT_NOT_READ,
                u.line,
                u.name.as_deref(),
                unread_text(u),
                diagnosis,
            );
        }
    }

    /// Groups the hits into findings, one per check.
    fn findings(&mut self) -> Vec<Finding> {
        let mut by_check: BTreeMap<&'static str, Vec<Hit>> = BTreeMap::new();
        for h in self.hits.drain(..) {
            by_check.entry(h.check.id).or_default().push(h);
        }
        let mut findings: Vec<(u64, Finding)> = by_check
            .into_values()
            .map(|hits| {
                let check = hits[0].check;
                let first = hits
                    .iter()
                    .map(|h| h.line)
                    .filter(|&l| l > 0)
                    .min()
                    .unwrap_or(0);
                // The file's text reaches the report through the masker only.
                let show = |t: &str| Masking::default().show(t);
                let mut sources: Vec<Shown> = hits.iter().map(|h| show(&h.source)).collect();
                sources.sort();
                sources.dedup();
                let mut diagnosis: Vec<Shown> = hits
                    .iter()
                    .map(|h| show(&h.diagnosis))
                    .take(MAX_EVIDENCE)
                    .collect();
                if hits.len() > MAX_EVIDENCE {
                    diagnosis.push(Shown::ours(format!(
                        "(+{} more)",
                        hits.len() - MAX_EVIDENCE
                    )));
                }
                let evidence = hits
                    .iter()
                    .take(MAX_EVIDENCE)
                    .map(|h| Evidence {
                        source: show(&h.source),
                        line: h.line,
                        lines: 1,
                        pod: None,
                        container: None,
                        time: None,
                        text: show(&h.text),
                        decoded: None,
                        captures: h
                            .setting
                            .iter()
                            .map(|s| ("setting".to_string(), show(s)))
                            .collect(),
                    })
                    .collect();
                let finding = Finding {
                    rule: check.id.into(),
                    symptom: check.symptom,
                    title: Shown::ours(check.title),
                    severity: check.severity,
                    codes: check.codes.iter().map(Shown::ours).collect(),
                    codes_seen: Vec::new(),
                    count: hits.len() as u64,
                    first_seen: None,
                    last_seen: None,
                    sources,
                    meaning: Shown::ours(check.meaning),
                    likely_causes: check.causes.iter().map(Shown::ours).collect(),
                    diagnosis,
                    entra: EntraIds::default(),
                    evidence,
                    resolution: check.resolution.iter().map(Shown::ours).collect(),
                    flows: Vec::new(),
                    references: Vec::new(),
                };
                (first, finding)
            })
            .collect();
        findings.sort_by(|(la, a), (lb, b)| {
            b.severity
                .cmp(&a.severity)
                .then(la.cmp(lb))
                .then(a.rule.cmp(&b.rule))
        });
        findings.into_iter().map(|(_, f)| f).collect()
    }
}

/// What a report shows of a statement that was not read: its shape (string contents already
/// emptied by the parser). The masker sees it as `NAME = EXPR`: a credential's expression
/// is masked unless it only reads the value elsewhere (`os.environ[...]`).
/// See: issue 15 (`NAME is set by VALUE` hid an unquoted value from the masker).
fn unread_text(u: &parse::Unread) -> String {
    u.shape.clone()
}

/// Python truthiness of a value the subset reads.
fn is_truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::None => false,
        Value::Str(s) => !s.is_empty(),
        Value::Num(n) => n
            .trim_start_matches(['+', '-'])
            .chars()
            .any(|c| c.is_ascii_digit() && c != '0'),
        Value::List(x) | Value::Tuple(x) => !x.is_empty(),
        Value::Dict(x) => !x.is_empty(),
    }
}

/// A short rendering of a non-secret value for evidence.
fn value_text(v: &Value) -> String {
    let text = match v {
        Value::Str(s) => format!("{s:?}"),
        Value::Num(n) => n.clone(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::None => "None".into(),
        Value::List(x) => format!(
            "[{}]",
            x.iter().map(value_text).collect::<Vec<_>>().join(", ")
        ),
        Value::Tuple(x) => format!(
            "({})",
            x.iter().map(value_text).collect::<Vec<_>>().join(", ")
        ),
        Value::Dict(_) => "{...}".into(),
    };
    if text.chars().count() > 200 {
        format!("{}…", text.chars().take(199).collect::<String>())
    } else {
        text
    }
}

/// `scheme://authority` of a URI whose host is localhost or 127.0.0.1.
fn local_origin(uri: &str) -> Option<String> {
    let host = host_of(uri)?;
    if !matches!(host.as_str(), "localhost" | "127.0.0.1" | "[::1]") {
        return None;
    }
    let (scheme, rest) = uri.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    Some(format!("{}://{authority}", scheme.to_ascii_lowercase()))
}

/// The lower-case host of an absolute URI, without port.
fn host_of(uri: &str) -> Option<String> {
    let rest = uri.trim().split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match authority.rsplit_once(':') {
        Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => authority,
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests;
