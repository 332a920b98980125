//! Checks a rule's shape (ids, required fields, keywords against examples) and runs every
//! rule's examples through the compiled matcher. Problems are gathered, never thrown one by
//! one, so a broken catalog is reported in full with each file and rule id.

use memchr::memmem;

use std::collections::BTreeMap;

use crate::catalog::{Catalog, Detector, Rule, compile::Compiled};

/// True when `id` is lowercase kebab-case: `abc-123-def`.
pub fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Finds `AADSTS<code>` in `text` where the code is not followed by another digit.
pub fn contains_aadsts(text: &[u8], code: u32) -> bool {
    let needle = format!("AADSTS{code}");
    memmem::find_iter(text, needle.as_bytes())
        .any(|at| !text.get(at + needle.len()).is_some_and(u8::is_ascii_digit))
}

/// Checks one parsed rule; appends a line per problem to `problems`.
pub fn check_rule(rule: &Rule, stem: &str, file: &str, problems: &mut Vec<String>) {
    let mut bad = |what: String| problems.push(format!("{file}: rule {}: {what}", rule.id));
    if !is_kebab(&rule.id) {
        bad("id must be lowercase kebab-case (a-z, 0-9, '-')".into());
    }
    if rule.id != stem {
        bad(format!("id must equal the file stem {stem:?}"));
    }
    if rule.title.trim().is_empty() || rule.title.contains('\n') {
        bad("title must be one non-empty line".into());
    }
    if rule.meaning.trim().is_empty() {
        bad("meaning is empty".into());
    }
    if rule.causes.is_empty() || rule.causes.iter().any(|c| c.trim().is_empty()) {
        bad("causes must list at least one non-empty cause".into());
    }
    if rule.resolution.is_empty() || rule.resolution.iter().any(|c| c.trim().is_empty()) {
        bad("resolution must list at least one non-empty step".into());
    }
    for code in &rule.codes {
        if code.len() > 6
            && code[..6].eq_ignore_ascii_case("aadsts")
            && crate::catalog::parse_aadsts(code).is_none()
        {
            bad(format!("code {code:?} is not AADSTS followed by digits"));
        }
    }
    let aadsts: Vec<u32> = rule.aadsts_codes().collect();
    let detector = rule.detector();
    match (detector, rule.flow) {
        (Detector::Flow, None) => bad("detector = \"flow\" needs a `flow` condition".into()),
        (Detector::Flow, Some(_)) | (_, None) => {}
        (other, Some(_)) => bad(format!(
            "a `flow` condition belongs to detector = \"flow\", not {other:?}",
            other = other.key()
        )),
    }
    match detector {
        Detector::Log => {
            if rule.patterns.is_empty() && aadsts.is_empty() {
                bad("needs an AADSTS code in `codes`, a pattern, or a `flow` condition".into());
            }
            if !rule.patterns.is_empty() && rule.keywords.is_empty() {
                bad("patterns need keywords: literals every match contains".into());
            }
            if rule.last_resort && !rule.fallback {
                bad("`last_resort` is a kind of fallback: it needs `fallback = true`".into());
            }
        }
        Detector::Flow if !rule.patterns.is_empty() || !aadsts.is_empty() => bad(
            "a `flow` rule is reported from login flows; it takes no patterns or AADSTS codes"
                .into(),
        ),
        Detector::Flow => {}
        other => {
            // The Rust check reports the rule by its id; `codes` only name what the mistake
            // produces, so an AADSTS code there does not fire the rule.
            if !rule.patterns.is_empty() || !rule.keywords.is_empty() {
                bad(format!(
                    "a rule of detector {:?} is fired by Rust code; it takes no patterns or keywords",
                    other.key()
                ));
            }
            if rule.refine.is_some() || rule.fallback || rule.last_resort || rule.refines.is_some()
            {
                bad(format!(
                    "`refine`, `refines`, `unless` and `fallback` apply to log rules only, not detector {:?}",
                    other.key()
                ));
            }
        }
    }
    for kw in &rule.keywords {
        if kw.len() < 3 {
            bad(format!("keyword {kw:?} is shorter than 3 bytes"));
        }
    }
    if rule.examples.matches.is_empty() {
        bad("examples.match is empty".into());
    }
    if rule.examples.no_match.is_empty() {
        bad("examples.no_match is empty".into());
    }
    let matched_by_text = detector == Detector::Log;
    for example in rule.examples.matches.iter().filter(|_| matched_by_text) {
        let bytes = example.as_bytes();
        let has_kw = rule
            .keywords
            .iter()
            .any(|kw| memmem::find(bytes, kw.as_bytes()).is_some());
        let has_code = aadsts.iter().any(|&c| contains_aadsts(bytes, c));
        if !has_kw && !has_code {
            bad(format!(
                "match example holds none of the keywords or AADSTS codes: {}",
                shorten(example)
            ));
        }
    }
}

/// Checks a rule's Entra messages (before they become keywords): a log rule's only, each
/// with a run of enough words to be a key, and a `match` example that holds a key and none
/// of the rule's AADSTS codes, so the message is shown to match on its own.
pub fn check_messages(rule: &Rule, file: &str, problems: &mut Vec<String>) {
    if rule.messages.is_empty() {
        return;
    }
    let mut bad = |what: String| problems.push(format!("{file}: rule {}: {what}", rule.id));
    if rule.detector() != Detector::Log {
        bad("`messages` apply to log rules only".into());
        return;
    }
    let mut keys = Vec::new();
    for message in &rule.messages {
        let found = crate::catalog::message_keys(message);
        if found.is_empty() {
            bad(format!(
                "message has no run of {} words between values: {}",
                crate::catalog::MESSAGE_MIN_WORDS,
                shorten(message)
            ));
        }
        keys.extend(found);
    }
    let aadsts: Vec<u32> = rule.aadsts_codes().collect();
    let alone = rule.examples.matches.iter().any(|example| {
        let bytes = example.as_bytes();
        keys.iter()
            .any(|k| memmem::find(bytes, k.as_bytes()).is_some())
            && !aadsts.iter().any(|&c| contains_aadsts(bytes, c))
    });
    if !keys.is_empty() && !alone {
        bad(
            "a rule with `messages` needs a match example with the message and without its code"
                .into(),
        );
    }
}

/// True for a well-formed code: one trimmed line of at most 40 characters; `AADSTS...` must be
/// followed by digits only, `HTTP ...` by a three-digit status.
pub fn is_code(code: &str) -> bool {
    code_shape(code, 40)
}

/// [`is_code`] with another length limit: the codes of a rule that is not a log rule quote
/// the error text its mistake produces ("Missing needed parameter client_assertion"), and
/// nothing searches for them.
fn code_shape(code: &str, max_len: usize) -> bool {
    let shaped = !code.is_empty()
        && code.len() <= max_len
        && code.trim() == code
        && !code.contains(['\n', '\r', '\t']);
    let aadsts_ok = !code
        .get(..6)
        .is_some_and(|p| p.eq_ignore_ascii_case("aadsts"))
        || crate::catalog::parse_aadsts(code).is_some();
    let http_ok = !code.starts_with("HTTP ")
        || (code.len() == 8 && code[5..].bytes().all(|b| b.is_ascii_digit()));
    shaped && aadsts_ok && http_ok
}

/// Checks the catalog as a whole: code shapes, https references, and that a code claimed by
/// rules of different symptoms is explained (`overlap_reason`) on at least one of each pair.
/// Only log and flow rules take part in the overlap check: the codes of a config, HAR or token rule
/// say what its mistake produces (the same codes the log rules report), not what fires it.
pub fn lint_catalog(catalog: &Catalog, problems: &mut Vec<String>) {
    let mut by_code: BTreeMap<&str, Vec<&crate::catalog::Located>> = BTreeMap::new();
    for located in catalog.active() {
        let rule = &located.rule;
        let fires_on_codes = matches!(rule.detector(), Detector::Log | Detector::Flow);
        for code in &rule.codes {
            let max_len = if fires_on_codes { 40 } else { 80 };
            if !code_shape(code, max_len) {
                problems.push(format!(
                    "{}: rule {}: code {code:?} is malformed (one trimmed line of at most {max_len} characters; AADSTS<digits>; HTTP <status>)",
                    located.file, rule.id
                ));
            }
            if fires_on_codes {
                by_code.entry(code.as_str()).or_default().push(located);
            }
        }
        for reference in &rule.references {
            if !reference.starts_with("https://") {
                problems.push(format!(
                    "{}: rule {}: reference {reference:?} is not an https:// URL",
                    located.file, rule.id
                ));
            }
        }
        if rule
            .overlap_reason
            .as_deref()
            .is_some_and(|r| r.trim().is_empty())
        {
            problems.push(format!(
                "{}: rule {}: overlap_reason is empty",
                located.file, rule.id
            ));
        }
    }
    for (code, rules) in by_code {
        for (i, a) in rules.iter().enumerate() {
            for b in &rules[i + 1..] {
                let refines = |x: &Rule, y: &Rule| x.refines.as_deref() == Some(y.id.as_str());
                let explained = a.rule.overlap_reason.is_some()
                    || b.rule.overlap_reason.is_some()
                    || refines(&a.rule, &b.rule)
                    || refines(&b.rule, &a.rule);
                if a.rule.symptom != b.rule.symptom && !explained {
                    problems.push(format!(
                        "{}: rule {}: code {code} is also claimed by rule {} ({}) for symptom {} instead of {}; say why in overlap_reason on one of them",
                        a.file, a.rule.id, b.rule.id, b.file, b.rule.symptom, a.rule.symptom
                    ));
                }
            }
        }
    }
}

/// Runs the examples of the rules whose ids `select` accepts; appends a problem for each
/// `match` example the rule does not fire on and each `no_match` example it fires on.
/// `fires(rule, example)` decides through the rule's detector (the matcher for log rules, a
/// whole scan for flow rules, the Rust check for the others); an example it cannot run (a
/// HAR that is not JSON, an unknown option line) is a problem of its own.
pub fn run_examples(
    compiled: &Compiled,
    select: impl Fn(&str) -> bool,
    fires: impl Fn(usize, &str) -> Result<bool, String>,
    problems: &mut Vec<String>,
) {
    for (idx, rule) in compiled.rules.iter().enumerate() {
        if !select(&rule.rule.id) {
            continue;
        }
        let examples = &rule.rule.examples;
        for (lines, want) in [(&examples.matches, true), (&examples.no_match, false)] {
            for line in lines {
                let fired = match fires(idx, line) {
                    Ok(fired) => fired,
                    Err(why) => {
                        problems.push(format!(
                            "{}: rule {}: {} example cannot be run ({why}): {}",
                            rule.file,
                            rule.rule.id,
                            if want { "match" } else { "no_match" },
                            shorten(line)
                        ));
                        continue;
                    }
                };
                if fired != want {
                    problems.push(format!(
                        "{}: rule {}: {} example {}: {}",
                        rule.file,
                        rule.rule.id,
                        if want { "match" } else { "no_match" },
                        if want {
                            "does not fire the rule"
                        } else {
                            "fires the rule"
                        },
                        shorten(line)
                    ));
                }
            }
        }
    }
}

/// Whether rule `idx` fires on a one-line example, by the matcher alone.
pub fn fires_on_line(compiled: &Compiled, idx: usize, line: &str) -> bool {
    let mut fired = Vec::new();
    compiled.fire(line.as_bytes(), &mut fired);
    fired.iter().any(|f| f.rule == Some(idx))
}

fn shorten(line: &str) -> String {
    let mut s: String = line.chars().take(100).collect();
    if s.len() < line.len() {
        s.push('…');
    }
    format!("{s:?}")
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
