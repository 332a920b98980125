use super::*;
use crate::catalog::anchors::BACKGROUND;

fn kw(list: &[&str]) -> Vec<Vec<u8>> {
    list.iter().map(|s| s.as_bytes().to_vec()).collect()
}

fn covers(anchors: &[Vec<u8>], keywords: &[Vec<u8>]) -> bool {
    keywords
        .iter()
        .all(|k| anchors.iter().any(|a| memmem::find(k, a).is_some()))
}

/// Teddy is built with the literals in another order; `find` must still name each
/// literal by its own index, and the longest of two starting at one place wins.
#[test]
fn the_block_searcher_names_literals_by_their_own_index() {
    let mut literals = kw(&[
        " in use",
        "AADSTS",
        "/login/",
        "Trace ID",
        " resolve 'login.",
        "invalid_client",
        "WrongBackend",
        "error_codes",
        " found",
        "Tenant '",
        ".eyJ",
        "Traceback",
        "Traceback (most recent call last):",
        "secret ",
        "access_denied",
        "nvalid",
        "DisallowedHost",
        " scheme",
        "Could not ",
        "failed",
    ]);
    // More than Teddy's 16 buckets hold one by one.
    for i in 0..30 {
        literals.push(format!("zq{i:02}marker").into_bytes());
    }
    let order = teddy_order(&literals);
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..literals.len()).collect::<Vec<_>>());
    assert_ne!(order, sorted, "the test needs a reordering");
    let searcher = BlockSearcher::new(&literals, teddy_order(&literals));
    for (i, literal) in literals.iter().enumerate() {
        if literal.as_slice() == b"Traceback" {
            continue;
        }
        let mut hay = b"2026-11-20 10.0.0.1 plain text ".to_vec();
        hay.extend_from_slice(literal);
        hay.extend_from_slice(b" end\n");
        assert_eq!(
            searcher.find(&hay, 0),
            Some((31, i)),
            "{:?}",
            String::from_utf8_lossy(literal)
        );
    }
    let tb = literals
        .iter()
        .position(|l| l.starts_with(b"Traceback ("))
        .unwrap();
    assert_eq!(
        searcher.find(b"x Traceback (most recent call last):\n", 0),
        Some((2, tb))
    );
}

/// Every occurrence of every literal is reported, as an overlapping automaton finds
/// them: literals starting at the same place (one a prefix of the other) and one byte
/// apart included.
#[test]
fn each_hit_reports_overlapping_literals() {
    let literals = kw(&[
        "Trace ID",
        "Trace ID missing",
        "ZZQ1",
        "ZQ1Y",
        "Q1Y",
        "AADSTS",
    ]);
    let searcher = BlockSearcher::for_tests(&literals);
    let automaton = AhoCorasick::new(&literals).unwrap();
    for text in [
        &b"x Trace ID missing ZZQ1Y AADSTS50011 Trace ID"[..],
        b"ZZQ1YZQ1Y",
        b"Trace ID missingTrace ID",
        b"none here",
    ] {
        let mut hits = Vec::new();
        searcher.each_hit(text, &mut |at, l| {
            hits.push((at, l));
            true
        });
        hits.sort_unstable();
        let mut want: Vec<(usize, usize)> = automaton
            .find_overlapping_iter(text)
            .map(|m| (m.start(), m.pattern().as_usize()))
            .collect();
        want.sort_unstable();
        assert_eq!(hits, want, "{}", String::from_utf8_lossy(text));
    }
    let mut first = None;
    searcher.each_hit(b"ZZQ1Y Trace ID", &mut |at, l| {
        first = Some((at, l));
        false
    });
    assert_eq!(first, Some((0, 2)), "stops when told");
}

/// The stored anchors are what the picker chooses for the built-in catalog today. Set
/// `cargo run -p sso-triage-tools -- regen` rewrites it (and the literal order) after a
/// keyword changes.
#[test]
fn stored_anchors_are_current() {
    let catalog = crate::catalog::load::load(&[]).unwrap();
    let keywords = keywords_of(catalog.active().map(|l| &l.rule));
    let picked = pick_anchors(&keywords, ANCHOR_BUDGET).unwrap();
    for anchor in &picked {
        assert!(std::str::from_utf8(anchor).is_ok(), "{anchor:?}");
    }
    let want = store_anchors(&picked, &keywords, ANCHOR_BUDGET);
    if std::env::var_os("SSO_TRIAGE_BLESS").is_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/catalog/anchors.txt");
        std::fs::write(path, &want).unwrap();
        return;
    }
    assert_eq!(
        STORED_ANCHORS, want,
        "src/catalog/anchors.txt is out of date: run cargo run -p sso-triage-tools -- regen"
    );
    assert_eq!(
        stored_anchors(STORED_ANCHORS, &keywords, ANCHOR_BUDGET),
        Some(picked)
    );
}

/// The stored Teddy order holds exactly the built-in catalog's block literals, and a
/// searcher built with it names every literal by its own index.
#[test]
fn stored_teddy_order_is_current() {
    let catalog = crate::catalog::load::load(&[]).unwrap();
    let mut problems = Vec::new();
    let compiled = compile(&catalog, &mut problems);
    assert!(problems.is_empty(), "{problems:?}");
    let literals = block_literals(&compiled.anchors);
    let order = stored_teddy_order(STORED_TEDDY_ORDER, &literals).expect(
        "src/catalog/teddy_order.txt is out of date: run \
         cargo run -p sso-triage-tools -- regen",
    );
    assert_ne!(
        order,
        teddy_order(&literals),
        "the stored order is the tuned one"
    );
    let searcher = BlockSearcher::new(&literals, teddy_order(&literals));
    for (i, literal) in literals.iter().enumerate() {
        let mut hay = b"2026-11-20 plain text ".to_vec();
        hay.extend_from_slice(literal);
        let found = searcher
            .find(&hay, 0)
            .map(|(at, l)| (at, literals[l].clone()));
        // A longer literal starting at the same place may win; it must start there.
        let (at, l) = found.expect("every literal is found");
        assert_eq!(at, 22, "{:?}", String::from_utf8_lossy(literal));
        assert!(l.starts_with(literal) || literal.starts_with(&l), "{i}");
    }
}

/// A stored order is used only when it holds the literals in use, each once.
#[test]
fn stored_teddy_order_must_match_the_literals() {
    let literals = kw(&["alpha", "beta", "gamma \"q\""]);
    let stored = "# comment\n\"gamma \\\"q\\\"\"\n\"alpha\"\n\"beta\"\n";
    assert_eq!(stored_teddy_order(stored, &literals), Some(vec![2, 0, 1]));
    assert_eq!(stored_teddy_order(stored, &literals[..2]), None);
    assert_eq!(stored_teddy_order("\"alpha\"\n\"beta\"\n", &literals), None);
    assert_eq!(
        stored_teddy_order("\"alpha\"\n\"alpha\"\n\"beta\"\n", &literals),
        None
    );
    assert_eq!(stored_teddy_order("alpha\nbeta\ngamma\n", &literals), None);
}

/// The tuned order is an order of all the literals that costs no more on its corpus
/// than the rule it starts from, and less where the rule mixes literals badly.
#[test]
fn tuned_teddy_order_lowers_the_cost() {
    let mut literals = kw(&[
        " in use",
        " found",
        " scheme",
        "AADSTS",
        "failed",
        "server",
        "Trace ID",
        "Request Id",
        "error_codes",
        "secret ",
        "nvalid",
        "issing",
        "/login/",
        ".eyJ",
        "require",
        "onnect",
        "rror: ",
        "access_denied",
        "WrongBackend",
        "Signature",
    ]);
    for i in 0..20 {
        literals.push(format!("zq{i:02}marker").into_bytes());
    }
    let corpus = BACKGROUND.as_bytes();
    let start = teddy_order(&literals);
    let tuned = tuned_teddy_order(&literals, corpus);
    let mut sorted = tuned.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..literals.len()).collect::<Vec<_>>());
    let (before, after) = (
        teddy_cost(&literals, &start, corpus),
        teddy_cost(&literals, &tuned, corpus),
    );
    assert!(after < before, "{before} -> {after}");
}

/// Stored anchors are used only for the keywords and budget they were chosen for, and
/// read back as they were written (spaces and quotes kept).
#[test]
fn stored_anchors_answer_only_their_own_key() {
    let keywords = kw(&["alpha \"quoted\" ", "  beta", "gamma"]);
    let anchors = kw(&[" \"quoted\" ", "  beta", "gamma"]);
    let stored = store_anchors(&anchors, &keywords, 5);
    assert_eq!(stored_anchors(&stored, &keywords, 5), Some(anchors));
    assert_eq!(stored_anchors(&stored, &keywords, 6), None);
    assert_eq!(stored_anchors(&stored, &keywords[..2], 5), None);
    assert_eq!(
        stored_anchors(&stored, &kw(&["alpha", "  beta", "gamma"]), 5),
        None
    );
    assert_eq!(stored_anchors("", &keywords, 5), None);
    let broken = stored.replace("\"gamma\"", "gamma");
    assert_eq!(stored_anchors(&broken, &keywords, 5), None);
}

#[test]
fn few_keywords_are_their_own_anchors() {
    let keywords = kw(&["Session value state missing.", "Wrong state parameter"]);
    let mut want = keywords.clone();
    want.sort();
    assert_eq!(pick_anchors(&keywords, 10).unwrap(), want);
}

#[test]
fn keyword_containing_another_is_dropped() {
    let keywords = kw(&["invalid_client", "\"error\":\"invalid_client\""]);
    assert_eq!(
        pick_anchors(&keywords, 10).unwrap(),
        kw(&["invalid_client"])
    );
}

#[test]
fn merges_keywords_when_over_budget() {
    let keywords = kw(&[
        "Missing needed parameter upn",
        "Missing needed parameter state",
        "Missing needed parameter client_assertion",
        "ImmatureSignatureError",
        "ExpiredSignatureError",
    ]);
    let anchors = pick_anchors(&keywords, 3).unwrap();
    assert!(anchors.len() <= 3, "{anchors:?}");
    assert!(covers(&anchors, &keywords));
}

#[test]
fn fails_when_budget_is_impossible() {
    let keywords = kw(&["aaaaaaa", "bbbbbbb", "ccccccc"]);
    assert!(pick_anchors(&keywords, 2).is_err());
}

#[test]
fn never_picks_everyday_text() {
    // "GET /oauth/" occurs in every access log; merging on it would make every line a
    // candidate.
    let keywords = kw(&[
        "GET /oauth/complete/x zebra-fail",
        "GET /oauth/login/y zebra-fail2",
        "zzzzzz",
    ]);
    let anchors = pick_anchors(&keywords, 2).unwrap();
    assert!(covers(&anchors, &keywords));
    for a in &anchors {
        assert!(
            memmem::find(BACKGROUND.as_bytes(), a).is_none(),
            "{:?}",
            String::from_utf8_lossy(a)
        );
    }
}

/// `refines` must name another active log rule that shares a code; anything else is a
/// problem naming the rule.
#[test]
fn refines_must_name_a_broader_rule_with_a_shared_code() {
    let rule = |id: &str, codes: &str, refines: &str| {
        format!(
            r#"
id = "{id}"
title = "t"
symptom = "clock-skew"
severity = "error"
codes = [{codes}]
{refines}
keywords = ["widget time"]
patterns = ['widget time']
meaning = "m"
causes = ["c"]
resolution = ["r"]
[examples]
match = ["widget time"]
no_match = ["quiet"]
"#
        )
    };
    let compile_with = |extra: &str| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x-narrow.toml"), extra).unwrap();
        let mut catalog = crate::catalog::load::load(&[]).unwrap();
        let files = crate::catalog::load::read_dir_files(dir.path()).unwrap();
        let mut problems = Vec::new();
        crate::catalog::load::add_group(&mut catalog, &files, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        compile(&catalog, &mut problems);
        problems
    };
    let ok = compile_with(&rule(
        "x-narrow",
        r#""AADSTS50012""#,
        r#"refines = "aadsts-client-credentials-rejected-legacy""#,
    ));
    assert!(ok.is_empty(), "{ok:?}");
    for (codes, refines, says) in [
        (
            r#""AADSTS50012""#,
            r#"refines = "no-such-rule""#,
            "not an active rule",
        ),
        (
            r#""AADSTS7000215""#,
            r#"refines = "aadsts-client-credentials-rejected-legacy""#,
            "sharing one of its codes",
        ),
    ] {
        let problems = compile_with(&rule("x-narrow", codes, refines));
        assert!(
            problems
                .iter()
                .any(|p| p.contains("rule x-narrow") && p.contains(says)),
            "{problems:?}"
        );
    }
}
