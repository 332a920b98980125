//! Checks a rule's shape (ids, required fields, keywords against examples) and runs every
//! rule's examples through the compiled matcher. Problems are gathered, never thrown one by
//! one, so a broken catalog is reported in full with each file and rule id.

use memchr::memmem;

use crate::catalog::{Rule, compile::Compiled};

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
    if rule.patterns.is_empty() && aadsts.is_empty() {
        bad("needs an AADSTS code in `codes` or at least one pattern".into());
    }
    if !rule.patterns.is_empty() && rule.keywords.is_empty() {
        bad("patterns need keywords: literals every match contains".into());
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
    for example in &rule.examples.matches {
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

/// Runs the examples of the rules whose ids `select` accepts; appends a problem for each
/// `match` line the rule does not fire on and each `no_match` line it fires on.
pub fn run_examples(
    compiled: &Compiled,
    select: impl Fn(&str) -> bool,
    problems: &mut Vec<String>,
) {
    let mut fired = Vec::new();
    for (idx, rule) in compiled.rules.iter().enumerate() {
        if !select(&rule.rule.id) {
            continue;
        }
        let examples = &rule.rule.examples;
        for (lines, want) in [(&examples.matches, true), (&examples.no_match, false)] {
            for line in lines {
                fired.clear();
                compiled.fire(line.as_bytes(), &mut fired);
                let got = fired.iter().any(|f| f.rule == Some(idx));
                if got != want {
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

fn shorten(line: &str) -> String {
    let mut s: String = line.chars().take(100).collect();
    if s.len() < line.len() {
        s.push('…');
    }
    format!("{s:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab() {
        assert!(is_kebab("aadsts50011-redirect-uri"));
        assert!(!is_kebab("Aadsts"));
        assert!(!is_kebab("a--b"));
        assert!(!is_kebab("a_b"));
        assert!(!is_kebab(""));
    }

    #[test]
    fn aadsts_code_needs_a_non_digit_after_it() {
        assert!(contains_aadsts(b"x AADSTS50011: y", 50011));
        assert!(contains_aadsts(b"AADSTS50011", 50011));
        assert!(!contains_aadsts(b"AADSTS500113: y", 50011));
        assert!(contains_aadsts(b"AADSTS500113 AADSTS50011.", 50011));
    }
}
