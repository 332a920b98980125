//! Checks of the enabled backend's credentials: the client id, secret and tenant id are
//! set and have the shapes Entra issues, and the secret's expiry date (`--secret-expires`).

use super::{Checker, ConfigCheck, EnabledBackend, Hit, backend, clean, shape};
use crate::checkconfig::parse::Value;
use crate::refine;

impl<'a> Checker<'a> {
    /// Required settings of an enabled backend, then their values.
    pub(super) fn credentials(&mut self, e: &EnabledBackend) {
        let b = e.backend;
        let mut required = vec![
            ("KEY", ConfigCheck::MissingClientId),
            ("SECRET", ConfigCheck::MissingSecret),
        ];
        if b.tenant {
            required.push(("TENANT_ID", ConfigCheck::MissingTenantId));
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
                // Not in the file, so at no line of it: the diagnosis names the line that
                // needs it.
                None => self.hit(
                    check,
                    0,
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
    pub(super) fn values(&mut self, e: &EnabledBackend) {
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
                    ConfigCheck::ClientIdNotGuid,
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
                    ConfigCheck::SecretEqualsClientId,
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
                    ConfigCheck::SecretIsGuid,
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
                    ConfigCheck::SecretShape,
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
                    ConfigCheck::TenantIdIgnored,
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
                Some(ConfigCheck::TenantIdEndpoint)
            } else if shape::is_domain(t) {
                Some(ConfigCheck::TenantIdDomain)
            } else {
                Some(ConfigCheck::TenantIdInvalid)
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

    /// `--secret-expires`.
    pub(super) fn expiry(&mut self, enabled: Option<EnabledBackend>) {
        let Some(date) = self.opts.secret_expires else {
            return;
        };
        let today = self.opts.today;
        let days = (date - today).num_days();
        let (check, when) = if days < 0 {
            (
                ConfigCheck::SecretExpired,
                format!("expired {} day(s) ago", -days),
            )
        } else if days <= 30 {
            (
                ConfigCheck::SecretExpiresSoon,
                format!("expires in {days} day(s)"),
            )
        } else {
            (
                ConfigCheck::SecretExpiry,
                format!("expires in {days} day(s)"),
            )
        };
        let secret = enabled
            .map(|e| format!("{}SECRET", e.backend.prefix))
            .unwrap_or_else(|| "the client secret".into());
        let text = format!("{secret} per --secret-expires {date}, {when} (today is {today})");
        let diagnosis = format!("{secret} {when}: on {date}");
        match self.settings.get(secret.as_str()) {
            Some(a) => {
                let line = a.line;
                self.hit(check, line, Some(&secret), text, diagnosis);
            }
            // Not in the file: the date is known from the flag alone, which is the evidence.
            None => self.hits.push(Hit {
                check,
                source: "--secret-expires".into(),
                line: 0,
                setting: None,
                text,
                diagnosis,
            }),
        }
    }
}
