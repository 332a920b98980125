use super::observe::{contains_word, traceback_summary};
use super::*;

#[test]
fn whole_words_only() {
    assert!(contains_word("x ConnectionError: y", "ConnectionError"));
    assert!(!contains_word("NewConnectionError(", "ConnectionError"));
    assert!(contains_word("error=invalid_grant&", "invalid_grant"));
    assert!(!contains_word("invalid_grants", "invalid_grant"));
}

#[test]
fn traceback_summary_keeps_exception_lines() {
    let tb = "Traceback (most recent call last):\n  File \"x\"\nHTTPError: 401\n\nThe above exception was the direct cause of the following exception:\n\nTraceback (most recent call last):\n  File \"y\"\nAuthForbidden: no";
    assert_eq!(
        traceback_summary(tb),
        "Traceback (9 lines): HTTPError: 401 | AuthForbidden: no"
    );
}

#[test]
fn sanitize_escapes_terminal_controls() {
    let sanitize = crate::redact::sanitize;
    assert_eq!(sanitize("a\x1b[31mb\u{202e}c"), "a\\u{1b}[31mb\\u{202e}c");
    let shown = |t: &str| Masking::default().show(t);
    assert_eq!(shown(&"é".repeat(10)).window(5), "éé… [16 more bytes]");
    let long = format!("{}AADSTS50011 here{}", "x".repeat(5000), "y".repeat(5000));
    let w = shown(&long).window_at(5000, 100);
    assert!(w.starts_with("[4975 bytes before] …"), "{w}");
    assert!(w.contains("AADSTS50011 here"), "{w}");
}

/// Evidence is masked only when kept or printed: with match records off, `on_match` is
/// never called and the findings are those of a run with them on; with them on, every
/// matched event gets a record, masked, its captures too.
#[test]
fn evidence_is_masked_when_kept_or_printed() {
    let compiled = crate::app::build_catalog(&[]).expect("catalog");
    let secret = "Zq8~Kp2Lm9Nx4Rt7Vw1Yb3Dc6Fg0Hj5Ks8Lq2Mw";
    let mut text = String::new();
    for i in 0..12 {
        text.push_str(&format!(
            "2026-11-20 09:14:{i:02} ERROR AADSTS7000215: Invalid client secret provided. client_secret={secret}{i} redirect_uri=https://netbox.example.com/oauth/complete/azuread-oauth2/\n"
        ));
    }
    let run = |records: bool| {
        let mut framer = crate::parse::Framer::with_scanner(compiled.scanner());
        let mut analyzer = Analyzer::new(&compiled, "app.log".into(), false);
        analyzer.set_match_records(records);
        let mut printed = Vec::new();
        let mut on_match = |r: &MatchRecord<'_>| {
            printed.push(serde_json::to_string(r).expect("record serialises"));
        };
        framer.feed(text.as_bytes(), &mut |frame| {
            analyzer.event(frame, &mut on_match)
        });
        framer.finish(&mut |frame| analyzer.event(frame, &mut on_match));
        analyzer.finish(framer.last_line(), &mut on_match);
        let findings = serde_json::to_string(&analyzer.collected.findings(&compiled))
            .expect("findings serialise");
        (findings, printed)
    };
    let (quiet, none) = run(false);
    let (loud, records) = run(true);
    assert!(none.is_empty());
    assert_eq!(quiet, loud);
    assert_eq!(records.len(), 12);
    assert!(quiet.contains("AADSTS7000215"), "{quiet}");
    for out in records.iter().chain([&quiet]) {
        assert!(!out.contains("Zq8~Kp2"), "{out}");
    }
}
