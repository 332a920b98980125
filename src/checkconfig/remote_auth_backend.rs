//! Checks of `REMOTE_AUTH_BACKEND`: which Entra backend it enables (a misspelled class
//! counted as what it was meant to be), and settings under another backend's prefix.

use super::{Checker, ConfigCheck, EnabledBackend, backend, clean, value_text};
use crate::checkconfig::backend::Backend;
use crate::checkconfig::parse::Assignment;

impl<'a> Checker<'a> {
    /// The Entra backends REMOTE_AUTH_BACKEND enables (a misspelled one counted as what it
    /// was meant to be).
    pub(super) fn backends(&mut self) -> Vec<EnabledBackend> {
        let mut enabled = Vec::new();
        let Some(a) = self.settings.get("REMOTE_AUTH_BACKEND").copied() else {
            if !self.unread_names.contains("REMOTE_AUTH_BACKEND") {
                self.hit(
                    ConfigCheck::BackendMissing,
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
                    ConfigCheck::BackendUnknown,
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
                enabled.push(EnabledBackend {
                    backend: b,
                    line: a.line,
                    guessed: false,
                });
            } else if backend::OTHER.contains(&class) {
                // A known backend of another kind: fine, but not Entra.
            } else if let Some(close) = backend::closest_class(class) {
                self.hit(
                    ConfigCheck::BackendMisspelled,
                    a.line,
                    Some(&a.name),
                    format!("REMOTE_AUTH_BACKEND = {raw:?}"),
                    format!(
                        "line {}: {class:?} cannot be imported; did you mean '{close}'?",
                        a.line
                    ),
                );
                if let Some(b) = backend::by_class(close) {
                    enabled.push(EnabledBackend {
                        backend: b,
                        line: a.line,
                        guessed: true,
                    });
                }
            } else {
                unknown = true;
                self.hit(
                    ConfigCheck::BackendUnknown,
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
                ConfigCheck::BackendMissing,
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
    pub(super) fn prefixes(&mut self, enabled: &[EnabledBackend]) {
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
                    ConfigCheck::InertSetting,
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
                    ConfigCheck::PrefixMismatch,
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
}
