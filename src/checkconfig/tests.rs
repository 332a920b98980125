use std::sync::LazyLock;

use super::redirect::host_of;
use super::*;
use crate::catalog::{Catalog, Detector, Severity, load};

/// The built-in catalog, where every check's words are.
static CATALOG: LazyLock<Catalog> =
    LazyLock::new(|| load::load(&[]).expect("the built-in catalog loads"));

/// [`super::check`] with the built-in catalog's words.
fn check(text: &str, o: &Options) -> CheckedFile {
    super::check(text, o, &*CATALOG)
}

fn opts() -> Options {
    Options {
        source: "netbox.py".into(),
        redirect_uri: None,
        base_url: None,
        secret_expires: None,
        today: NaiveDate::from_ymd_opt(2026, 11, 29).expect("a date"),
    }
}

fn ids(text: &str, o: &Options) -> Vec<String> {
    check(text, o)
        .findings
        .into_iter()
        .map(|f| f.rule)
        .collect()
}

const GOOD_SINGLE: &str = "\
REMOTE_AUTH_BACKEND = 'social_core.backends.azuread.AzureADOAuth2'
SOCIAL_AUTH_AZUREAD_OAUTH2_KEY = '0b0e7a1c-2d3f-4a5b-8c9d-0e1f2a3b4c5d'
SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET = 'Fak8Q~notARealSecretJustTheShape.0123456'
SOCIAL_AUTH_REDIRECT_IS_HTTPS = True
CSRF_TRUSTED_ORIGINS = ['https://netbox.example.com']
";

#[test]
fn a_correct_configuration_has_only_notes() {
    let out = check(GOOD_SINGLE, &opts());
    assert!(
        out.findings.iter().all(|f| f.severity == Severity::Info),
        "{:?}",
        out.findings.iter().map(|f| &f.rule).collect::<Vec<_>>()
    );
    let expected = out
        .findings
        .iter()
        .find(|f| f.rule == "config-expected-redirect-uri")
        .expect("the URI to register");
    assert_eq!(
        expected.evidence[0].text,
        "https://netbox.example.com/oauth/complete/azuread-oauth2/"
    );
    assert_eq!(out.secrets, ["Fak8Q~notARealSecretJustTheShape.0123456"]);
}

#[test]
fn the_tenant_backend_wants_its_own_prefix_and_path() {
    let text = GOOD_SINGLE.replace(
        "social_core.backends.azuread.AzureADOAuth2",
        "social_core.backends.azuread_tenant.AzureADTenantOAuth2",
    );
    let mut o = opts();
    o.redirect_uri = Some("https://netbox.example.com/oauth/complete/azuread-oauth2/".into());
    let got = ids(&text, &o);
    for id in [
        "config-prefix-mismatch",
        "config-missing-tenant-id",
        "config-redirect-uri-wrong-backend",
    ] {
        assert!(got.iter().any(|g| g == id), "{id} missing from {got:?}");
    }
    assert!(
        !got.iter().any(|g| g == "config-missing-client-id"),
        "{got:?}"
    );
}

#[test]
fn secrets_never_reach_a_finding() {
    let text = "\
REMOTE_AUTH_BACKEND = 'social_core.backends.azuread.AzureADOAuth2'
SOCIAL_AUTH_AZUREAD_OAUTH2_KEY = 'Fak8Q~notARealSecretJustTheShape.0123456'
SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET = ' 7c9e6679-7425-40de-944b-e07fc1f90ae7\\n'
";
    let out = check(text, &opts());
    let json = serde_json::to_string(&out.findings).expect("serialises");
    assert!(!json.contains("Fak8Q~"), "{json}");
    assert!(!json.contains("7c9e6679"), "{json}");
    let got: Vec<&str> = out.findings.iter().map(|f| f.rule.as_str()).collect();
    for id in [
        "config-client-id-not-guid",
        "config-secret-is-guid",
        "config-value-whitespace",
    ] {
        assert!(got.contains(&id), "{id} missing from {got:?}");
    }
}

#[test]
fn expiry_thresholds() {
    let mut o = opts();
    for (date, id) in [
        ((2026, 11, 28), "config-secret-expired"),
        ((2026, 12, 29), "config-secret-expires-soon"),
        ((2026, 12, 30), "config-secret-expiry"),
    ] {
        o.secret_expires = NaiveDate::from_ymd_opt(date.0, date.1, date.2);
        let got = ids(GOOD_SINGLE, &o);
        assert!(got.iter().any(|g| g == id), "{date:?}: {got:?}");
    }
}

#[test]
fn helpers() {
    assert_eq!(
        host_of("https://NetBox.example.com:443/x"),
        Some("netbox.example.com".into())
    );
    assert_eq!(host_of("netbox"), None);
    assert!(is_truthy(&Value::Str("False".into())), "as Python sees it");
    assert!(!is_truthy(&Value::Num("0".into())));
    assert_eq!(clean(" 'x' "), "x");
    for c in ConfigCheck::ALL {
        let rule = CATALOG.rule(c.key()).expect("a catalog rule");
        assert!(
            c.key().starts_with("config-") && rule.detector() == Detector::Config,
            "{c}"
        );
    }
}

#[test]
fn the_v2_tenant_backend_reads_its_own_prefix() {
    let text = "\
REMOTE_AUTH_BACKEND = 'social_core.backends.azuread_tenant.AzureADV2TenantOAuth2'
SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_KEY = '0b0e7a1c-2d3f-4a5b-8c9d-0e1f2a3b4c5d'
SOCIAL_AUTH_AZUREAD_V2_TENANT_OAUTH2_SECRET = 'Fak8Q~notARealSecretJustTheShape.0123456'
SOCIAL_AUTH_AZUREAD_V2_TENANT_OAUTH2_TENANT_ID = '5f3c2b1a-9e8d-4c7b-a6f5-e4d3c2b1a098'
";
    let out = check(text, &opts());
    let f = out
        .findings
        .iter()
        .find(|f| f.rule == "config-prefix-mismatch")
        .expect("mismatch");
    assert!(
        f.diagnosis[0].contains("reads SOCIAL_AUTH_AZUREAD_V2_TENANT_OAUTH2_KEY"),
        "{:?}",
        f.diagnosis
    );
    let expected = out
        .findings
        .iter()
        .find(|f| f.rule == "config-expected-redirect-uri")
        .expect("uri");
    assert!(
        expected.evidence[0]
            .text
            .ends_with("/oauth/complete/azuread-v2-tenant-oauth2/")
    );
}

#[test]
fn leftovers_duplicates_and_typos() {
    let text = format!(
        "{GOOD_SINGLE}SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_KEY = 'old'\nSOCIAL_AUTH_REDIRECT_IS_HTTPS = False\nAZUREAD_OAUTH2_RESOURCE = 'https://graph.microsoft.com/'\nREMOTE_AUTH_BACKENDS = 'x'\n"
    );
    let out = check(&text, &opts());
    let get = |id: &str| {
        out.findings
            .iter()
            .find(|f| f.rule == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    assert_eq!(get("config-inert-setting").evidence[0].line, 6);
    assert!(get("config-duplicate-setting").diagnosis[0].contains("lines 4, 7; line 7 wins"));
    assert_eq!(
        get("config-redirect-is-https-missing").severity,
        Severity::Warning,
        "False while CSRF_TRUSTED_ORIGINS is https"
    );
    let typos = &get("config-setting-misspelled").diagnosis;
    assert!(
        typos
            .iter()
            .any(|d| d.contains("did you mean SOCIAL_AUTH_AZUREAD_OAUTH2_RESOURCE"))
    );
    assert!(
        typos
            .iter()
            .any(|d| d.contains("did you mean REMOTE_AUTH_BACKEND?"))
    );
}

#[test]
fn secret_equal_to_the_key_and_custom_backends() {
    let text = GOOD_SINGLE.replace(
        "Fak8Q~notARealSecretJustTheShape.0123456",
        "0b0e7a1c-2d3f-4a5b-8c9d-0e1f2a3b4c5d",
    );
    let got = ids(&text, &opts());
    assert!(
        got.iter().any(|g| g == "config-secret-equals-client-id"),
        "{got:?}"
    );
    assert!(
        !got.iter().any(|g| g == "config-secret-is-guid"),
        "one finding: {got:?}"
    );
    let custom = "REMOTE_AUTH_BACKEND = 'mycompany.auth.EntraBackend'\n";
    let got = ids(custom, &opts());
    assert_eq!(got, ["config-backend-unknown"]);
    let oidc =
        "REMOTE_AUTH_BACKEND = ('social_core.backends.open_id_connect.OpenIdConnectAuth',)\n";
    assert_eq!(ids(oidc, &opts()), ["config-backend-missing"]);
}
