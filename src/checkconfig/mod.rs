//! `check-config`: reads a NetBox configuration override file (the Python the admin console
//! takes) without running it, and reports Entra ID single sign-on mistakes as findings of the
//! same [`crate::report::Report`] model `scan` uses, so every renderer works unchanged.
//! [`parse`] reads the Python subset, [`backend`] knows the backends and their prefixes,
//! [`shape`] describes values without showing them, [`checks`] names the checks; the words
//! of each finding are its catalog rule's (`patterns/config/`), looked up by id. The checks
//! themselves are grouped by topic: setting names and stray characters (`names`),
//! `REMOTE_AUTH_BACKEND` (`remote_auth_backend`), credentials and their expiry
//! (`credentials`), https and the redirect URI (`redirect`); `findings` groups their hits.
//! Secrets never leave this module as values: evidence shows their shape only.

pub mod backend;
pub mod checks;
mod credentials;
mod findings;
mod names;
pub mod parse;
mod recognise;
mod redirect;
mod remote_auth_backend;
pub mod render;
pub mod shape;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::catalog::RuleLookup;
use crate::redact::Shown;
use crate::report::Finding;
use backend::Backend;
use checks::ConfigCheck;
use parse::{Assignment, Document, Value};

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
pub struct CheckedFile {
    /// Why the file is not a NetBox configuration at all (empty, or no NetBox setting is
    /// assigned in it): the caller says so instead of reporting the findings.
    pub not_configuration: Option<String>,
    /// Findings (mistakes), most severe first, then by line, then id.
    pub findings: Vec<Finding>,
    /// Notes: facts to act on that are no mistake (the redirect URI to register, the
    /// secret's expiry date far enough away), in the order of the checks.
    pub notes: Vec<Note>,
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

/// A fact about the configuration that is no mistake: the redirect URI to register for the
/// enabled backend, or the client secret's expiry when it is far enough away. Reported after
/// the findings (in JSON as `notes`, in JSON lines as `note` records), never counted as a
/// finding and never filed under a failure symptom. The words are the catalog rule's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// The catalog rule whose words the note takes (`config-expected-redirect-uri`).
    pub rule: String,
    /// The rule's title.
    pub title: Shown,
    /// The fact: the URI to register, the expiry.
    pub text: Shown,
    /// Where it comes from: the backend, and where the host was read.
    pub detail: Shown,
    /// The file or the flag it was read from.
    pub source: Shown,
    /// The line of the file it was read from; absent for a flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The setting it was read from, if one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setting: Option<Shown>,
    /// What to do with it: the rule's resolution.
    pub advice: Vec<Shown>,
}

impl Note {
    /// Every text of the note that came from the file or the flags, for placeholder
    /// numbering and the last check before output.
    pub fn each_input_text(&mut self, f: &mut dyn FnMut(&mut Shown)) {
        f(&mut self.text);
        f(&mut self.detail);
        f(&mut self.source);
        self.setting.iter_mut().for_each(f);
    }
}

/// Hits of one check a finding lists at most, as evidence entries and as diagnosis lines
/// (the rest are counted: `(+N more)`).
const MAX_HITS_LISTED: usize = 20;

/// One problem found, before problems are grouped into findings by check.
struct Hit {
    check: ConfigCheck,
    source: String,
    line: u64,
    setting: Option<String>,
    text: String,
    diagnosis: String,
}

/// The enabled Entra backend, and where it is named.
#[derive(Clone, Copy)]
struct EnabledBackend {
    backend: &'static Backend,
    line: usize,
    /// Named by a misspelled class path that this backend was guessed from.
    guessed: bool,
}

struct Checker<'a> {
    opts: &'a Options,
    /// The catalog, for the words of each check's rule.
    catalog: &'a dyn RuleLookup,
    /// The last assignment of each name.
    settings: BTreeMap<&'a str, &'a Assignment>,
    /// Names assigned by statements the reader skipped.
    unread_names: BTreeSet<&'a str>,
    hits: Vec<Hit>,
}

/// Checks a configuration file's text; the findings take their words from the rules of
/// `catalog` with the checks' ids.
pub fn check(text: &str, opts: &Options, catalog: &dyn RuleLookup) -> CheckedFile {
    let doc = parse::parse_document(text);
    check_document(&doc, opts, catalog)
}

/// Checks a parsed configuration.
pub fn check_document(doc: &Document, opts: &Options, catalog: &dyn RuleLookup) -> CheckedFile {
    let mut c = Checker {
        opts,
        catalog,
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
                ConfigCheck::DuplicateSetting,
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
            c.values(&EnabledBackend {
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
    let (findings, notes) = c.findings();
    CheckedFile {
        not_configuration: recognise::not_a_configuration(doc),
        findings,
        notes,
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
        check: ConfigCheck,
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
                ConfigCheck::StatementNotRead,
                u.line,
                u.name.as_deref(),
                unread_text(u),
                diagnosis,
            );
        }
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

#[cfg(test)]
mod tests;
