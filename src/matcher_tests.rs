use super::*;

#[test]
fn reads_every_code() {
    let text = b"AADSTS70002: Error validating credentials. AADSTS50012: bad. x16ZAADSTS70001:";
    assert_eq!(
        aadsts_codes(text).collect::<Vec<_>>(),
        vec![70002, 50012, 70001]
    );
    assert_eq!(aadsts_codes(b"AADSTS12 AADSTS").count(), 0);
}

#[test]
fn reads_error_code_lists() {
    let cases: &[(&[u8], &[u32])] = &[
        (br#"{"error_codes":[54005],"x":1}"#, &[54005]),
        (
            b"\"error_codes\": [\n    7000222, 50012\n  ]",
            &[7000222, 50012],
        ),
        (br#"{\"error_codes\":[70000]}"#, &[70000]),
        (b"'error_codes': [65004]", &[65004]),
        (b"error_codes none here", &[]),
        (br#""error_codes":[]"#, &[]),
    ];
    for (text, want) in cases {
        assert_eq!(
            error_codes(text).collect::<Vec<_>>(),
            *want,
            "{}",
            String::from_utf8_lossy(text)
        );
    }
}

/// The keywords found through the anchors are exactly those an automaton over every
/// keyword finds, overlapping ones included: on every sample and corpus line, on each
/// keyword alone, and on keywords run together so that they overlap.
#[test]
fn keywords_found_through_anchors_are_all_the_keywords() {
    let compiled = crate::app::build_catalog(&[]).unwrap();
    let automaton = aho_corasick::AhoCorasick::new(&compiled.keywords).unwrap();
    let found = |text: &[u8]| {
        let mut through_anchors = Vec::new();
        compiled.keyword_hits(text, &mut |k| through_anchors.push(k));
        through_anchors.sort_unstable();
        through_anchors.dedup();
        let mut every: Vec<usize> = automaton
            .find_overlapping_iter(text)
            .map(|m| m.pattern().as_usize())
            .collect();
        every.sort_unstable();
        every.dedup();
        (through_anchors, every)
    };
    let mut texts: Vec<Vec<u8>> = Vec::new();
    for file in crate::test_support::repo_files(&["samples", "tests/corpus", "tests/fixtures"]) {
        texts.extend(file.split(|&b| b == b'\n').map(<[u8]>::to_vec));
    }
    texts.extend(compiled.keywords.iter().cloned());
    let mut run_together = Vec::new();
    for pair in compiled.keywords.windows(2) {
        run_together.extend_from_slice(&pair[0]);
        // Overlap the next keyword with this one's end where they share bytes.
        let shared = (1..pair[0].len().min(pair[1].len()))
            .rev()
            .find(|&n| pair[0].ends_with(&pair[1][..n]))
            .unwrap_or(0);
        run_together.extend_from_slice(&pair[1][shared..]);
    }
    texts.push(run_together);
    let mut with_keywords = 0;
    for text in &texts {
        let (through_anchors, every) = found(text);
        assert_eq!(through_anchors, every, "{}", String::from_utf8_lossy(text));
        with_keywords += usize::from(!every.is_empty());
    }
    assert!(with_keywords > 500, "{with_keywords} texts hold keywords");
}

/// The ids of the rules reported on `text` (fallbacks applied); `unknown code` for an
/// AADSTS code no rule knows.
fn reported(compiled: &Compiled, text: &str) -> Vec<String> {
    let mut fired = Vec::new();
    compiled.fire(text.as_bytes(), &mut fired);
    compiled.apply_fallback(&mut fired);
    fired
        .iter()
        .map(|f| {
            f.rule.map_or("unknown code".to_string(), |r| {
                compiled.rules[r].rule.id.clone()
            })
        })
        .collect()
}

/// The catch-all for SSO error text (a last-resort rule) fires only when nothing else
/// does: not next to a fallback rule, a specific rule, or an AADSTS code no rule knows.
#[test]
fn a_last_resort_rule_yields_to_every_other() {
    let compiled = crate::app::build_catalog(&[]).expect("the built-in catalog compiles");
    let fired_ids = |text: &str| reported(&compiled, text);
    let last = "unclassified-sso-error";
    assert_eq!(fired_ids("ERROR OAuth callback failed for user"), [last]);
    for other in [
        // A fallback rule (an OAuth error value).
        r#"ERROR oauth token request failed: {"error": "invalid_grant"}"#,
        // A specific rule.
        "OAuth error: AADSTS50011: The redirect URI 'http://x/' specified in the request does not match",
        // A code no rule knows.
        "OAuth error: AADSTS9999991: something new failed",
    ] {
        let ids = fired_ids(other);
        assert!(
            !ids.is_empty() && !ids.iter().any(|id| id == last),
            "{other}: {ids:?}"
        );
    }
}

/// A rule that refines another (the same code, told apart by the words of the event) is
/// reported instead of the broader one; without those words the broader one stands, and
/// the narrower never fires by its code alone.
#[test]
fn a_refining_rule_replaces_the_broader_one() {
    let compiled = crate::app::build_catalog(&[]).expect("the built-in catalog compiles");
    let fired_ids = |text: &str| reported(&compiled, text);
    let clock = fired_ids(
        "AADSTS50012: Client assertion is not within its valid time range. Current time: x",
    );
    assert!(
        clock.contains(&"aadsts50012-assertion-outside-time-range".to_string())
            && !clock.contains(&"aadsts-client-credentials-rejected-legacy".to_string()),
        "{clock:?}"
    );
    assert_eq!(
        fired_ids("AADSTS50012: Invalid client secret is provided."),
        ["aadsts-client-credentials-rejected-legacy"]
    );
    assert_eq!(
        fired_ids(
            "AADSTS900144: The request body must contain the following parameter: 'client_id'."
        ),
        ["aadsts900144-client-id-missing"]
    );
    assert_eq!(
        fired_ids("AADSTS900144: The request body must contain the following parameter: 'code'."),
        ["aadsts900144-missing-request-parameter"]
    );
}
