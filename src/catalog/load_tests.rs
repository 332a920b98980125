use super::*;

fn file(stem: &str, text: &str) -> RuleFile {
    RuleFile {
        name: format!("{stem}.toml"),
        stem: stem.into(),
        text: text.into(),
    }
}

#[test]
fn guesses_id_of_broken_file() {
    assert_eq!(guess_id("id = \"abc\"\ntitle = 3"), Some("abc".into()));
    assert_eq!(guess_id("title = 3"), None);
}

#[test]
fn unknown_field_and_duplicate_are_both_reported() {
    let good = r#"
id = "x-rule"
title = "t"
symptom = "unknown"
severity = "info"
keywords = ["boom"]
patterns = ['boom']
meaning = "m"
causes = ["c"]
resolution = ["r"]
[examples]
match = ["boom"]
no_match = ["quiet"]
"#;
    let bad = good.replace("title = \"t\"", "title = \"t\"\ncolour = \"red\"");
    let mut catalog = Catalog::default();
    let mut problems = Vec::new();
    add_group(
        &mut catalog,
        &[
            file("x-rule", good),
            file("x-rule", good),
            file("x-rule", &bad),
        ],
        &mut problems,
    );
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("duplicate id"), "{problems:?}");
    assert!(problems[1].contains("unknown field"), "{problems:?}");
    assert!(problems[1].contains("rule x-rule"), "{problems:?}");
}

/// Entra's message is cut at its values; each run of four words or more is a key.
#[test]
fn an_entra_message_gives_its_long_runs_as_keys() {
    use crate::catalog::message_keys;
    assert_eq!(
        message_keys("The provided client secret keys for app '{identifier}' are expired."),
        ["The provided client secret keys for app"]
    );
    assert_eq!(
        message_keys(
            "Application with identifier '{appId}' was not found in the directory '{tenant}'. This can happen if the application has not been installed."
        ),
        [
            "was not found in the directory",
            "This can happen if the application has not been installed"
        ]
    );
    assert!(message_keys("Invalid {x} secret").is_empty());
    assert_eq!(
        message_keys("  The   reply URL\nspecified in the request  "),
        ["The reply URL specified in the request"]
    );
}

/// A rule's messages become keywords and patterns when it is loaded; a message with no long
/// run, or no example of the message without its code, is a problem naming the rule.
#[test]
fn messages_become_keys_and_need_an_example_without_the_code() {
    let rule = |messages: &str, example: &str| {
        format!(
            r#"
id = "aadsts99999-made-up"
title = "t"
symptom = "unknown"
severity = "error"
codes = ["AADSTS99999"]
messages = [{messages}]
meaning = "m"
causes = ["c"]
resolution = ["r"]
[examples]
match = ["AADSTS99999: The widget frobnicator rejected the request", "{example}"]
no_match = ["quiet"]
"#
        )
    };
    let load = |text: &str| {
        let mut catalog = Catalog::default();
        let mut problems = Vec::new();
        add_group(
            &mut catalog,
            &[file("aadsts99999-made-up", text)],
            &mut problems,
        );
        (catalog, problems)
    };
    let (catalog, problems) = load(&rule(
        r#""The widget frobnicator rejected the request '{id}'.""#,
        "error: The widget frobnicator rejected the request 'x'",
    ));
    assert!(problems.is_empty(), "{problems:?}");
    let r = &catalog.rules["aadsts99999-made-up"].rule;
    assert_eq!(r.keywords, ["The widget frobnicator rejected the request"]);
    assert_eq!(r.patterns, ["The widget frobnicator rejected the request"]);

    let (_, problems) = load(&rule(
        r#""The widget frobnicator rejected the request.""#,
        "AADSTS99999 again",
    ));
    assert!(
        problems
            .iter()
            .any(|p| p.contains("aadsts99999-made-up") && p.contains("without its code")),
        "{problems:?}"
    );
    let (_, problems) = load(&rule(r#""Bad {x} thing.""#, "Bad thing"));
    assert!(
        problems.iter().any(|p| p.contains("no run of 4 words")),
        "{problems:?}"
    );
}
