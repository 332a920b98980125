//! `sso-triage explain QUERY`: what an AADSTS code, an OAuth error value, an exception name,
//! a rule id or a word means, from the catalog, offline. When several rules answer, it says
//! so and lists them all (a code is often claimed by a log rule, a rule that narrows it, and
//! the `check-config` and HAR checks of the mistakes behind it), then explains the ones a
//! log line is reported as. Text wraps to the terminal's width ([`super::terminal`]) and is
//! coloured on a terminal; every text of a rule (a user's own rule from `--patterns`
//! included) is escaped first, so it never becomes a terminal escape.

use std::io::{self, Write};

use anyhow::Result;
use unicode_width::UnicodeWidthStr;

use crate::catalog::compile::Compiled;
use crate::catalog::{self, Detector, Rule, Severity};
use crate::cli::{ColorChoice, ExplainArgs};
use crate::redact::sanitize;

use super::{Exit, terminal};

/// The most rules explained in full for one query; past this only the list is printed.
const MAX_EXPLAINED: usize = 3;

/// How the rules were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    /// The query is a rule id, or a code the rules list.
    Exactly,
    /// Every word of the query is a word of the rules' ids or titles.
    ByWords,
}

/// Runs `explain`.
pub(super) fn explain(args: &ExplainArgs, compiled: &Compiled, color: ColorChoice) -> Result<Exit> {
    let query = args.query();
    let mut query = query.trim().to_string();
    let mut answer = lookup(compiled, &query);
    if answer.is_none() {
        // A pasted line is not printed back (it may hold a secret): only the code in it.
        if let Some(code) = pasted_code(&query) {
            answer = lookup(compiled, &code);
            if answer.is_some() {
                query = code;
            }
        }
    }
    let query = query.as_str();
    let Some((found, hits)) = answer else {
        unknown(compiled, query);
        return Ok(Exit::Findings);
    };
    let style = Style {
        width: usize::from(terminal::width(None)),
        color: crate::config::use_color(color),
    };
    let rules: Vec<&Rule> = hits.iter().map(|&i| &compiled.rules[i].rule).collect();
    let text = render(query, found, &rules, style);
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(Exit::Clean)
}

/// The rules that answer `query`, best first: a rule id, else a code some rules list (an
/// AADSTS code as `AADSTS50011`, `aadsts50011` or `50011`; an OAuth error value or an
/// exception name as written, in any case), else the rules whose id or title holds every
/// word of the query.
fn lookup(compiled: &Compiled, query: &str) -> Option<(Found, Vec<usize>)> {
    let rules = || compiled.rules.iter().enumerate();
    if let Some((i, _)) = rules().find(|(_, r)| r.rule.id.eq_ignore_ascii_case(query)) {
        return Some((Found::Exactly, vec![i]));
    }
    let aadsts = catalog::parse_aadsts(query).or_else(|| {
        (query.len() >= 4 && query.bytes().all(|b| b.is_ascii_digit()))
            .then(|| query.parse().ok())
            .flatten()
    });
    let mut hits: Vec<usize> = match aadsts {
        Some(code) => {
            // Every rule that lists the code, and those the scan reports it as.
            let mut hits: Vec<usize> = rules()
                .filter(|(_, r)| {
                    r.rule
                        .codes
                        .iter()
                        .any(|c| catalog::parse_aadsts(c) == Some(code))
                })
                .map(|(i, _)| i)
                .collect();
            hits.extend(
                compiled
                    .code_table
                    .get(&code)
                    .into_iter()
                    .flatten()
                    .map(|&i| i as usize),
            );
            hits
        }
        None => rules()
            .filter(|(_, r)| r.rule.codes.iter().any(|c| c.eq_ignore_ascii_case(query)))
            .map(|(i, _)| i)
            .collect(),
    };
    let mut found = Found::Exactly;
    if hits.is_empty() && aadsts.is_none() {
        let terms: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        if !terms.is_empty() && terms.iter().all(|t| t.chars().count() >= 3) {
            hits = rules()
                .filter(|(_, r)| {
                    let words = words_of(&r.rule);
                    terms.iter().all(|t| words.contains(t))
                })
                .map(|(i, _)| i)
                .collect();
            found = Found::ByWords;
        }
    }
    hits.sort_by_key(|&i| {
        let r = &compiled.rules[i].rule;
        (
            !reported_from_logs(r),
            r.fallback,
            r.detector().key(),
            r.id.clone(),
        )
    });
    hits.dedup();
    (!hits.is_empty()).then_some((found, hits))
}

/// An AADSTS code inside a query that is not one: a pasted error line (`Error: AADSTS7000215:
/// Invalid client secret provided.`), Entra's error-page URL (`.../error?code=50011`), or a
/// code with punctuation around it (`50011.`, `"AADSTS50011"`). As `AADSTS<digits>`.
fn pasted_code(query: &str) -> Option<String> {
    static CODE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)(?:\baadsts[\s:_-]{0,2}|[?&]code=|^[^0-9a-z]*)([0-9]{4,9})(?:[^0-9a-z]*$|[^0-9])",
        )
        .expect("a fixed pattern")
    });
    CODE.captures(query).map(|c| format!("AADSTS{}", &c[1]))
}

/// The words a word query is matched against: the parts of the id, the words of the
/// title, and the codes, in lower case.
fn words_of(rule: &Rule) -> Vec<String> {
    rule.id
        .split('-')
        .map(str::to_string)
        .chain(
            rule.title
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase),
        )
        .chain(rule.codes.iter().map(|c| c.to_lowercase()))
        .collect()
}

/// Whether a scan of logs reports this rule (rather than `check-config`, or the checks of a
/// HAR capture or a token, which name the code as what their mistake produces).
fn reported_from_logs(rule: &Rule) -> bool {
    matches!(
        rule.detector(),
        Detector::Log | Detector::Flow | Detector::UnknownCode
    )
}

/// Where a rule's findings come from, in the list of answers.
fn origin(rule: &Rule) -> &'static str {
    match rule.detector() {
        Detector::Log | Detector::UnknownCode => "log rule",
        Detector::Flow => "login-flow rule",
        Detector::Config => "check-config",
        Detector::Har => "HAR capture check",
        Detector::Token => "token check",
    }
}

/// What is printed when no rule answers: close names, and Microsoft's lookup for a code.
fn unknown(compiled: &Compiled, query: &str) {
    let mut names: Vec<&str> = compiled
        .rules
        .iter()
        .flat_map(|r| {
            std::iter::once(r.rule.id.as_str()).chain(r.rule.codes.iter().map(String::as_str))
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    let lower = query.to_lowercase();
    let mut close: Vec<(f64, &str)> = names
        .iter()
        .map(|n| (strsim::jaro_winkler(&n.to_lowercase(), &lower), *n))
        .filter(|(s, _)| *s > 0.85)
        .collect();
    close.sort_by(|a, b| b.0.total_cmp(&a.0));
    crate::message!("sso-triage: {query:?} is not a code or rule the catalog knows");
    let aadsts = catalog::parse_aadsts(query).or_else(|| {
        (query.len() >= 4 && query.bytes().all(|b| b.is_ascii_digit()))
            .then(|| query.parse().ok())
            .flatten()
    });
    if let Some(code) = aadsts {
        crate::message!(
            "sso-triage: look it up at https://login.microsoftonline.com/error?code={code}"
        );
    }
    if !close.is_empty() {
        let names: Vec<&str> = close.iter().take(3).map(|c| c.1).collect();
        crate::message!("sso-triage: did you mean {}?", names.join(", "));
    }
}

/// How the text is laid out.
#[derive(Debug, Clone, Copy)]
struct Style {
    /// Columns to wrap at.
    width: usize,
    /// Whether to write ANSI colours.
    color: bool,
}

impl Style {
    /// `text` in bold.
    fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    /// `text` in the colour the report table gives `severity`.
    fn severity(self, severity: Severity) -> String {
        let code = match severity {
            Severity::Error => "1;31",
            Severity::Warning => "33",
            Severity::Info => "36",
        };
        self.paint(code, severity.key())
    }

    fn paint(self, sgr: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{sgr}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// The whole answer to `query`: the list of rules when several answer, then the rules
/// explained in full.
fn render(query: &str, found: Found, rules: &[&Rule], style: Style) -> String {
    let shown_query = sanitize(query);
    let from_logs = rules.iter().filter(|r| reported_from_logs(r)).count();
    // The rules a log line is reported as, or all when none is; none past the cap.
    let explained: Vec<&Rule> = match (found, rules.len()) {
        (_, 1) => rules.to_vec(),
        (Found::ByWords, _) => Vec::new(),
        (Found::Exactly, _) => {
            let primary: Vec<&Rule> = if from_logs > 0 {
                rules[..from_logs].to_vec()
            } else {
                rules.to_vec()
            };
            if primary.len() <= MAX_EXPLAINED {
                primary
            } else {
                Vec::new()
            }
        }
    };
    let mut out = String::new();
    if rules.len() > 1 || found == Found::ByWords {
        let n = rules.len();
        let answer = match found {
            Found::Exactly => format!("{shown_query}: {n} rules answer this"),
            Found::ByWords if n == 1 => format!(
                "\"{shown_query}\" is not a code or rule id; 1 rule has it in its id or title"
            ),
            Found::ByWords => format!(
                "\"{shown_query}\" is not a code or rule id; {n} rules have it in their id or title"
            ),
        };
        let then = match explained.len() {
            0 => "; `sso-triage explain RULE-ID` explains one of them:".to_string(),
            k if k == n && n == 1 => ", explained below:".to_string(),
            k if k == n => "; each is explained below:".to_string(),
            1 => ". The one that reports it from logs is explained below; `sso-triage explain RULE-ID` explains any other:".to_string(),
            k => format!(". The {k} that report it from logs are explained below; `sso-triage explain RULE-ID` explains any other:"),
        };
        push_wrapped(&mut out, &format!("{answer}{then}"), style.width, "", "");
        out.push('\n');
        for r in rules {
            let head = format!(
                "{} ({}; {}; {})",
                sanitize(&r.id),
                r.severity.key(),
                origin(r),
                r.symptom.key()
            );
            let mut lines = wrap(&head, style.width, "  - ", "    ");
            // Colour after wrapping, so the width counts only what shows.
            for line in &mut lines {
                *line = line.replacen(
                    &format!("({}; ", r.severity.key()),
                    &format!("({}; ", style.severity(r.severity)),
                    1,
                );
            }
            push_lines(&mut out, lines);
            push_wrapped(&mut out, &r.title, style.width, "    ", "    ");
        }
    }
    for (n, r) in explained.iter().enumerate() {
        if n > 0 || !out.is_empty() {
            out.push('\n');
        }
        explanation(&mut out, r, style);
    }
    out
}

/// One rule explained: title, symptom, severity and codes, meaning, causes, resolution,
/// references.
fn explanation(out: &mut String, r: &Rule, style: Style) {
    let title = wrap(
        &format!("{} ({})", sanitize(&r.title), sanitize(&r.id)),
        style.width,
        "",
        "  ",
    );
    push_lines(out, title.iter().map(|l| style.bold(l)).collect());
    push_wrapped(
        out,
        r.symptom.key(),
        style.width,
        "symptom:  ",
        "          ",
    );
    out.push_str(&format!("severity: {}\n", style.severity(r.severity)));
    if !r.codes.is_empty() {
        push_wrapped(
            out,
            &r.codes.join(", "),
            style.width,
            "codes:    ",
            "          ",
        );
    }

    out.push('\n');
    out.push_str(&style.bold("Meaning:"));
    out.push('\n');
    push_wrapped(out, &r.meaning, style.width, "  ", "  ");
    if !r.causes.is_empty() {
        out.push('\n');
        out.push_str(&style.bold("Likely causes in NetBox Enterprise:"));
        out.push('\n');
        for c in &r.causes {
            push_wrapped(out, c, style.width, "  - ", "    ");
        }
    }
    out.push('\n');
    out.push_str(&style.bold("Resolution:"));
    out.push('\n');
    let steps = r.resolution.len();
    for (k, s) in r.resolution.iter().enumerate() {
        // Continuation lines start under the text, past the widest number.
        let number = format!("  {}. ", k + 1);
        let hang = " ".repeat(format!("  {steps}. ").len());
        push_wrapped(out, s, style.width, &number, &hang);
    }
    if !r.references.is_empty() {
        out.push('\n');
        out.push_str(&style.bold("References:"));
        out.push('\n');
        for s in &r.references {
            push_wrapped(out, s, style.width, "  ", "    ");
        }
    }
}

/// Appends `text` (escaped), wrapped by [`wrap`], a newline after each line.
fn push_wrapped(out: &mut String, text: &str, width: usize, first: &str, rest: &str) {
    push_lines(out, wrap(&sanitize(text), width, first, rest));
}

fn push_lines(out: &mut String, lines: Vec<String>) {
    for line in lines {
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

/// `text` as lines of at most `width` columns (display width): the first line starts with
/// `first`, the others with `rest`. Words are never split: a word longer than the line (a
/// URL) has a line of its own. A line break in `text` starts a new line, indented by `rest`.
fn wrap(text: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first.to_string();
    let mut used = first.width();
    let mut empty = true;
    for (n, paragraph) in text.split('\n').enumerate() {
        if n > 0 {
            lines.push(std::mem::replace(&mut line, rest.to_string()));
            used = rest.width();
            empty = true;
        }
        for word in paragraph.split_whitespace() {
            let w = word.width();
            if !empty && used + 1 + w > width {
                lines.push(std::mem::replace(&mut line, rest.to_string()));
                used = rest.width();
                empty = true;
            }
            if !empty {
                line.push(' ');
                used += 1;
            }
            line.push_str(word);
            used += w;
            empty = false;
        }
    }
    lines.push(line);
    lines
}

#[cfg(test)]
#[path = "explain_tests.rs"]
mod tests;
