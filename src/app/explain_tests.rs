use unicode_width::UnicodeWidthStr;

use super::*;
use crate::app::build_catalog;

fn ids(compiled: &Compiled, query: &str) -> Option<(Found, Vec<String>)> {
    lookup(compiled, query).map(|(found, hits)| {
        let ids = hits
            .iter()
            .map(|&i| compiled.rules[i].rule.id.clone())
            .collect();
        (found, ids)
    })
}

const PLAIN: Style = Style {
    width: 120,
    color: false,
};

#[test]
fn wrap_keeps_words_whole_and_hangs_the_indent() {
    let text = "one two three four five six seven eight nine ten";
    let lines = wrap(text, 20, "  1. ", "     ");
    assert_eq!(
        lines,
        [
            "  1. one two three",
            "     four five six",
            "     seven eight",
            "     nine ten"
        ]
    );
    assert!(lines.iter().all(|l| l.width() <= 20), "{lines:?}");
    // A word longer than the line is not cut: it has a line of its own.
    let url = "https://learn.microsoft.com/entra/identity-platform/reference-error-codes";
    assert_eq!(
        wrap(&format!("see {url} now"), 30, "", "  "),
        ["see", &format!("  {url}"), "  now"]
    );
    // Display width, not bytes: wide characters take two columns.
    assert_eq!(wrap("日本語 日本語", 10, "", ""), ["日本語", "日本語"]);
    assert_eq!(wrap("", 40, "  ", "  "), ["  "]);
}

#[test]
fn a_code_claimed_by_several_rules_lists_them_all_log_rules_first() {
    let compiled = build_catalog(&[]).unwrap();
    // A rule narrowing another (client id unset) was left out when the code table alone
    // answered: the code said one thing when two rules report it.
    let (found, hits) = ids(&compiled, "AADSTS700016").unwrap();
    assert_eq!(found, Found::Exactly);
    assert_eq!(
        hits[..2],
        [
            "aadsts700016-application-not-found",
            "aadsts700016-client-id-unset"
        ]
    );
    assert!(
        hits[2..].iter().all(|id| id.starts_with("config-")),
        "{hits:?}"
    );
    assert_eq!(ids(&compiled, "700016").unwrap().1, hits);
    assert_eq!(ids(&compiled, "aadsts700016").unwrap().1, hits);
    let (_, hits) = ids(&compiled, "invalid_client").unwrap();
    assert!(hits.len() >= 3, "{hits:?}");
    assert!(hits.contains(&"oauth-invalid-client".to_string()));
    // A rule id answers alone, whatever its case.
    assert_eq!(
        ids(&compiled, "Auth-State-Missing").unwrap(),
        (Found::Exactly, vec!["auth-state-missing".to_string()])
    );
}

#[test]
fn a_word_answers_with_every_rule_whose_id_or_title_holds_it() {
    let compiled = build_catalog(&[]).unwrap();
    let (found, hits) = ids(&compiled, "redirect").unwrap();
    assert_eq!(found, Found::ByWords);
    assert!(hits.len() > 3, "{hits:?}");
    assert!(hits.contains(&"aadsts50011-redirect-uri-mismatch".to_string()));
    assert!(hits.contains(&"redirect-uri-must-be-https".to_string()));
    // Every word must be there, and a word is whole, not a part of one.
    let (_, both) = ids(&compiled, "redirect https").unwrap();
    assert!(both.len() < hits.len() && both.iter().all(|h| hits.contains(h)));
    assert!(ids(&compiled, "redir").is_none());
    assert!(ids(&compiled, "xyzzy").is_none());
    // Too short to mean anything on its own.
    assert!(ids(&compiled, "ur").is_none());
    assert!(ids(&compiled, "AADSTS1234567").is_none());
}

#[test]
fn several_answers_are_said_and_listed_before_the_explanations() {
    let compiled = build_catalog(&[]).unwrap();
    let (found, hits) = lookup(&compiled, "AADSTS700016").unwrap();
    let rules: Vec<&Rule> = hits.iter().map(|&i| &compiled.rules[i].rule).collect();
    let text = render("AADSTS700016", found, &rules, PLAIN);
    assert!(
        text.starts_with(&format!(
            "AADSTS700016: {} rules answer this. The 2 that report it from logs",
            rules.len()
        )),
        "{text}"
    );
    for r in &rules {
        assert!(
            text.contains(&format!("  - {} (", r.id)),
            "{} not listed",
            r.id
        );
    }
    assert!(text.contains("(error; check-config; "), "{text}");
    // The two log rules are explained in full, the check-config ones are only listed.
    assert_eq!(text.matches("\nResolution:\n").count(), 2, "{text}");

    // A word with many answers: the list only.
    let (found, hits) = lookup(&compiled, "redirect").unwrap();
    let rules: Vec<&Rule> = hits.iter().map(|&i| &compiled.rules[i].rule).collect();
    let text = render("redirect", found, &rules, PLAIN);
    assert!(
        text.starts_with("\"redirect\" is not a code or rule id;"),
        "{text}"
    );
    assert!(
        text.replace('\n', " ")
            .contains("`sso-triage explain RULE-ID` explains one of them:"),
        "{text}"
    );
    assert!(!text.contains("Resolution:"));

    // One answer: the explanation alone, as before.
    let (found, hits) = lookup(&compiled, "auth-state-missing").unwrap();
    let rules: Vec<&Rule> = hits.iter().map(|&i| &compiled.rules[i].rule).collect();
    let text = render("auth-state-missing", found, &rules, PLAIN);
    assert_eq!(rules.len(), 1, "{text}");
    assert!(
        text.starts_with(&format!("{} (auth-state-missing)\n", rules[0].title)),
        "{text}"
    );
    assert!(
        !text.contains("rules answer") && !text.contains("  - auth-state-missing ("),
        "{text}"
    );
}

#[test]
fn explanations_wrap_to_the_width_and_colour_only_when_asked() {
    let compiled = build_catalog(&[]).unwrap();
    let (_, hits) = lookup(&compiled, "aadsts50011-redirect-uri-mismatch").unwrap();
    let rule = &compiled.rules[hits[0]].rule;
    for width in [40, 60, 100] {
        let text = render(
            &rule.id,
            Found::Exactly,
            &[rule],
            Style {
                width,
                color: false,
            },
        );
        for line in text.lines() {
            // Only a single word (a URL) may stand out.
            assert!(
                line.width() <= width || !line.trim().contains(' '),
                "{width}: {line:?}"
            );
        }
        assert!(text.contains("Resolution:\n  1. "), "{text}");
        assert!(!text.contains('\x1b'));
    }
    let coloured = render(
        &rule.id,
        Found::Exactly,
        &[rule],
        Style {
            width: 80,
            color: true,
        },
    );
    assert!(coloured.contains("\x1b[1mResolution:\x1b[0m"), "{coloured}");
    assert!(
        coloured.contains("severity: \x1b[1;31merror\x1b[0m"),
        "{coloured}"
    );
    // Colour changes nothing but the escapes.
    let plain = render(
        &rule.id,
        Found::Exactly,
        &[rule],
        Style {
            width: 80,
            color: false,
        },
    );
    let stripped = regex::Regex::new("\x1b\\[[0-9;]*m")
        .unwrap()
        .replace_all(&coloured, "");
    assert_eq!(stripped, plain);
}

#[test]
fn a_rules_text_never_becomes_a_terminal_escape() {
    let compiled = build_catalog(&[]).unwrap();
    let mut rule = compiled.rules[0].rule.clone();
    rule.title = "Evil \x1b[2J title \u{202e}reversed".into();
    rule.meaning = "Clears \x1b]0;pwned\x07 the screen".into();
    rule.causes = vec!["bell \x07".into()];
    rule.resolution = vec!["step \x1b[31m red".into()];
    rule.codes = vec!["CODE\x1b[0m".into()];
    for color in [false, true] {
        let text = render("q", Found::ByWords, &[&rule], Style { width: 80, color });
        let escapes: Vec<&str> = text.matches('\x1b').collect();
        let ours = text.matches("\x1b[").count() - text.matches("\x1b[2J").count();
        assert!(!text.contains("\x1b[2J") && !text.contains("\x1b]0") && !text.contains('\x07'));
        assert!(!text.contains('\u{202e}'), "{text}");
        assert_eq!(escapes.len(), ours, "only our own colour escapes: {text:?}");
        if !color {
            assert!(escapes.is_empty(), "{text:?}");
        }
        assert!(text.contains("\\u{1b}[2J"), "shown escaped: {text}");
    }
}

#[test]
fn a_code_inside_pasted_text_or_an_error_page_url_is_found() {
    for (query, code) in [
        (
            "Error: AADSTS7000215: Invalid client secret provided.",
            "AADSTS7000215",
        ),
        (
            "https://login.microsoftonline.com/error?code=50011",
            "AADSTS50011",
        ),
        ("50011.", "AADSTS50011"),
        ("\"AADSTS50011\"", "AADSTS50011"),
        ("aadsts 50011", "AADSTS50011"),
    ] {
        assert_eq!(pasted_code(query).as_deref(), Some(code), "{query}");
    }
    for query in ["redirect uri", "0x50011", "invalid_client", "AADSTS"] {
        assert_eq!(pasted_code(query), None, "{query}");
    }
}
