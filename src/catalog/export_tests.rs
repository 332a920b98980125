use super::*;

#[test]
fn groups_escapes_and_classes() {
    let cases = [
        (
            r"redirect URI '(?P<redirect_uri>[^']*)' \d+",
            r"redirect URI '([^']*)' [0-9]+",
        ),
        (r"(?<a>x)(?:y|z)", r"(x)(y|z)"),
        (r"[\-\.0-9A-Z]", r"[.0-9A-Z-]"),
        ("[^ \\r\\n'\"]*", "[^ \r'\"]*"),
        (
            r"\bAuthFailed\b: \s*\(x\)",
            r"\bAuthFailed\b: [[:space:]]*\(x\)",
        ),
        (r"[A-Za-z' -]*", r"[A-Za-z' -]*"),
        (r#"\'a\""#, r#"'a""#),
        (r"a:[^\n]{0,3}b", r"a:.{0,3}b"),
        (r#"[^"\\\r\n]+"#, "[^\"\\\\\r]+"),
    ];
    for (input, want) in cases {
        assert_eq!(portable(input).as_deref(), Some(want), "{input}");
    }
    assert_eq!(portable("x(?m:$)").as_deref(), Some("x($)"));
    assert_eq!(portable("(?i)abc"), None);
    assert_eq!(portable(r"\pL"), None);
}

#[test]
fn rewritten_patterns_still_match_the_same_text() {
    let pattern = r#"HTTPSConnectionPool\(host='(?P<host>login\.[A-Za-z0-9.\-]+)', port=\d+\)"#;
    let text = "HTTPSConnectionPool(host='login.microsoftonline.com', port=443): Max retries";
    let ported = portable(pattern).unwrap();
    assert!(regex::Regex::new(pattern).unwrap().is_match(text));
    assert!(
        regex::Regex::new(&ported).unwrap().is_match(text),
        "{ported}"
    );
    // A backslash in a bracket: the ported class still stops before an escaped quote.
    let pattern = r#"url: \\?"(?P<url>[^"\\\r\n]+)\\?""#;
    let text = r#"msg="url: \"https://idp.example.org/x\"""#;
    let ported = portable(pattern).unwrap();
    let url = |re: &str| regex::Regex::new(re).unwrap().captures(text).unwrap()[1].to_string();
    assert_eq!(url(pattern), "https://idp.example.org/x");
    assert_eq!(url(&ported), "https://idp.example.org/x", "{ported}");
}

/// A pattern with non-ASCII text has no form grep -E (C locale) and `rg --no-unicode` share.
#[test]
fn non_ascii_patterns_are_left_out() {
    assert_eq!(portable("expired by [0-9]+(?:ns|µs)"), None);
    assert_eq!(
        portable("expired by [0-9]+s").as_deref(),
        Some("expired by [0-9]+s")
    );
}
