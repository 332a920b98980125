//! Checks of setting names and of the characters in values: names NetBox never reads
//! (misspelled, or missing `SOCIAL_AUTH_`), and whitespace or quotes pasted into a value.

use super::{Checker, ConfigCheck, backend};
use crate::checkconfig::parse::Assignment;

impl<'a> Checker<'a> {
    /// Whitespace and quote characters inside the values that go to Entra or name a class.
    pub(super) fn stray_characters(&mut self) {
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
                        ConfigCheck::ValueWhitespace,
                        a.line,
                        Some(&a.name),
                        Self::show(&a.name, s),
                        format!("line {}: {} has {}", a.line, a.name, what.join(" and ")),
                    );
                }
                let quote = |c: char| matches!(c, '"' | '\'' | '`');
                if trimmed.starts_with(quote) || trimmed.ends_with(quote) {
                    self.hit(
                        ConfigCheck::ValueQuotes,
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
    pub(super) fn misspelled_names(&mut self) {
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
                    ConfigCheck::SettingMisspelled,
                    line,
                    Some(name),
                    format!("{name} = ..."),
                    format!("line {line}: {name} is not a setting NetBox or python-social-auth reads; did you mean {s}?"),
                );
            }
        }
    }
}
