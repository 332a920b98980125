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
