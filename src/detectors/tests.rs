use super::*;
use crate::catalog::compile::{self, Compiled};
use crate::catalog::{Catalog, Detector, FlowCondition, RuleLookup, load, validate};

fn built_in() -> (Catalog, Compiled) {
    let catalog = load::load(&[]).expect("the built-in catalog loads");
    let mut problems = Vec::new();
    let compiled = compile::compile(&catalog, &mut problems);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    (catalog, compiled)
}

/// `explain` and `catalog list` read the compiled catalog: every id a detector can print
/// must be a rule there, of that detector; and every rule of a detector other than `log`
/// must be one the detector emits, or it could never be reported.
#[test]
fn every_id_the_detectors_emit_is_a_catalog_rule_of_that_detector() {
    let (catalog, compiled) = built_in();
    let kinds = [
        Detector::Config,
        Detector::Har,
        Detector::Token,
        Detector::UnknownCode,
    ];
    let mut emitted = 0;
    for detector in kinds {
        for id in emitted_ids(detector) {
            let rule = compiled
                .rule(id)
                .unwrap_or_else(|| panic!("{id} (detector {detector}) is not a catalog rule"));
            assert_eq!(rule.detector(), detector, "{id}");
            emitted += 1;
        }
    }
    assert_eq!(emitted, 41, "config, HAR, token and unknown-code ids");
    for located in catalog.active() {
        let rule = &located.rule;
        match rule.detector() {
            Detector::Log => {}
            Detector::Flow => {}
            d => assert!(
                emitted_ids(d).contains(&rule.id.as_str()),
                "{}: rule {} has detector {d}, which never emits it",
                located.file,
                rule.id
            ),
        }
    }
    // The correlator reports the first rule with the condition it saw: one rule each.
    for condition in FlowCondition::ALL {
        let rules: Vec<&str> = catalog
            .active()
            .filter(|l| l.rule.flow == Some(*condition))
            .map(|l| l.rule.id.as_str())
            .collect();
        assert_eq!(rules.len(), 1, "flow condition {condition}: {rules:?}");
        assert_eq!(
            compiled.rule(rules[0]).map(|r| r.detector()),
            Some(Detector::Flow)
        );
    }
}

#[test]
fn non_log_rules_never_fire_on_their_codes_in_a_log() {
    let (_, compiled) = built_in();
    // config-secret-is-guid lists AADSTS7000215: only the log rule for the code fires.
    let line = "2026-11-20T09:00:00Z AADSTS7000215: Invalid client secret provided.";
    let mut fired = Vec::new();
    compiled.fire(line.as_bytes(), &mut fired);
    let ids: Vec<&str> = fired
        .iter()
        .filter_map(|f| f.rule)
        .map(|r| compiled.rules[r].rule.id.as_str())
        .collect();
    assert!(!ids.is_empty(), "a log rule reports AADSTS7000215");
    assert!(
        ids.iter()
            .all(|id| compiled.rule(id).map(|r| r.detector()) == Some(Detector::Log)),
        "{ids:?}"
    );
}

fn idx(compiled: &Compiled, id: &str) -> usize {
    compiled
        .rules
        .iter()
        .position(|r| r.rule.id == id)
        .unwrap_or_else(|| panic!("{id}"))
}

const GOOD: &str = "\
REMOTE_AUTH_BACKEND = 'social_core.backends.azuread.AzureADOAuth2'
SOCIAL_AUTH_AZUREAD_OAUTH2_KEY = '0b0e7a1c-2d3f-4a5b-8c9d-0e1f2a3b4c5d'
SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET = 'Fak8Q~notARealSecretJustTheShape.0123456'
SOCIAL_AUTH_REDIRECT_IS_HTTPS = True
";

#[test]
fn config_examples_take_the_command_line_options() {
    let (_, compiled) = built_in();
    let expired = idx(&compiled, "config-secret-expired");
    assert_eq!(fires(&compiled, expired, GOOD), Ok(false));
    let with = format!("# --secret-expires 2026-01-01\n# --today 2026-11-29\n{GOOD}");
    assert_eq!(fires(&compiled, expired, &with), Ok(true));
    let later = format!("# --secret-expires 2026-01-01\n# --today 2025-11-29\n{GOOD}");
    assert_eq!(fires(&compiled, expired, &later), Ok(false));
    let typo = format!("# --secret-expire 2026-01-01\n{GOOD}");
    let err = fires(&compiled, expired, &typo).unwrap_err();
    assert!(err.contains("# --secret-expire\""), "{err}");
    let bad_date = format!("# --secret-expires 01/01/2026\n{GOOD}");
    assert!(fires(&compiled, expired, &bad_date).is_err());
}

#[test]
fn har_and_token_examples_that_cannot_be_read_are_errors_not_misses() {
    let (_, compiled) = built_in();
    let har = idx(&compiled, "har-redirect-uri-invalid");
    assert!(fires(&compiled, har, "{\"log\": ").is_err());
    let token = idx(&compiled, "token-missing-claim");
    assert!(fires(&compiled, token, "[1, 2]").is_err());
    assert!(fires(&compiled, token, "# --kind jwt\n{}").is_err());
    assert_eq!(
        fires(
            &compiled,
            token,
            r#"{"upn": "u@x.example", "email": "u@x.example", "nonce": "n"}"#
        ),
        Ok(false)
    );
    assert_eq!(fires(&compiled, token, r#"{"nonce": "n"}"#), Ok(true));
    assert_eq!(
        fires(
            &compiled,
            token,
            "# --kind access_token\n{\"aud\": \"api\"}"
        ),
        Ok(false),
        "an access token is not checked for user claims"
    );
}

/// `catalog check` fails on an example its detector does not fire on: the same path the
/// test suite runs every built-in example through.
#[test]
fn a_config_example_that_does_not_fire_is_a_problem() {
    let (_, compiled) = built_in();
    let mut problems = Vec::new();
    let target = idx(&compiled, "config-backend-missing");
    validate::run_examples(
        &compiled,
        |id| id == "config-backend-missing",
        |i, example| {
            // The rule's own no_match example, offered as a match.
            let _ = example;
            fires(&compiled, i, GOOD)
        },
        &mut problems,
    );
    assert_eq!(
        problems.len(),
        compiled.rules[target].rule.examples.matches.len(),
        "{problems:?}"
    );
    assert!(
        problems[0].contains("does not fire the rule"),
        "{problems:?}"
    );
}
