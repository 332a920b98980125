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

/// The redirect URI to register is a note, not a finding filed under a failure symptom: a
/// correct configuration has no finding at all.
#[test]
fn a_correct_configuration_has_no_finding_and_notes_the_uri() {
    let out = check(GOOD_SINGLE, &opts());
    assert!(
        out.findings.is_empty(),
        "{:?}",
        out.findings.iter().map(|f| &f.rule).collect::<Vec<_>>()
    );
    assert_eq!(out.not_configuration, None);
    let [note] = &out.notes[..] else {
        panic!("one note: {:?}", out.notes)
    };
    assert_eq!(note.rule, "config-expected-redirect-uri");
    assert_eq!(
        note.text,
        "https://netbox.example.com/oauth/complete/azuread-oauth2/"
    );
    assert_eq!((note.line, note.source.as_str()), (Some(1), "netbox.py"));
    assert_eq!(
        note.detail,
        "for AzureADOAuth2, which REMOTE_AUTH_BACKEND (line 1) enables, with the host from CSRF_TRUSTED_ORIGINS (line 5)"
    );
    assert!(!note.advice.is_empty());
    assert_eq!(out.secrets, ["Fak8Q~notARealSecretJustTheShape.0123456"]);
}

/// Where the host of the URI to register was read, in the order the checks take it.
#[test]
fn the_uri_to_register_says_where_its_host_comes_from() {
    let detail = |text: &str, o: &Options| check(text, o).notes[0].detail.to_string();
    let no_origins = GOOD_SINGLE.replace(
        "CSRF_TRUSTED_ORIGINS = ['https://netbox.example.com']",
        "ALLOWED_HOSTS = ['localhost', 'nb.example.org']",
    );
    assert!(detail(&no_origins, &opts()).ends_with("with the host from ALLOWED_HOSTS (line 5)"));
    let bare = "REMOTE_AUTH_BACKEND = 'social_core.backends.azuread.AzureADOAuth2'\nBASE_PATH = 'netbox/'\n";
    let out = check(bare, &opts());
    let note = out
        .notes
        .iter()
        .find(|n| n.rule == "config-expected-redirect-uri")
        .expect("a note");
    assert_eq!(
        note.text,
        "https://<netbox-host>/netbox/oauth/complete/azuread-oauth2/"
    );
    assert!(
        note.detail.contains("give --base-url to fill it in"),
        "{}",
        note.detail
    );
    assert!(
        note.detail.ends_with(", BASE_PATH (line 2)"),
        "{}",
        note.detail
    );
    let mut o = opts();
    o.base_url = Some("https://sso.example.net".into());
    assert!(detail(GOOD_SINGLE, &o).ends_with("with the host from --base-url"));
    o.base_url = None;
    o.redirect_uri = Some("http://localhost:8000/oauth/complete/azuread-oauth2/".into());
    let out = check(GOOD_SINGLE, &o);
    assert_eq!(
        out.notes[0].text,
        "http://localhost:8000/oauth/complete/azuread-oauth2/"
    );
    assert!(
        out.notes[0]
            .detail
            .ends_with("with the host and port from --redirect-uri")
    );
}

/// A setting that is not in the file has no line: its finding cites no evidence (never a
/// "line 0", nor the line of another setting) and names it in the diagnosis.
#[test]
fn a_missing_setting_is_cited_at_no_line() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "ALLOWED_HOSTS = ['netbox.example.com']\n",
            "config-backend-missing",
            "REMOTE_AUTH_BACKEND is not set",
        ),
        (
            "REMOTE_AUTH_BACKEND = 'social_core.backends.azuread_tenant.AzureADTenantOAuth2'\n",
            "config-missing-tenant-id",
            "SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_TENANT_ID is not set, and REMOTE_AUTH_BACKEND (line 1) enables",
        ),
        (
            &GOOD_SINGLE.replace("SOCIAL_AUTH_REDIRECT_IS_HTTPS = True\n", ""),
            "config-redirect-is-https-missing",
            "SOCIAL_AUTH_REDIRECT_IS_HTTPS is not set while NetBox is served over https",
        ),
    ];
    for (text, id, says) in cases {
        let out = check(text, &opts());
        let f = out
            .findings
            .iter()
            .find(|f| f.rule == *id)
            .unwrap_or_else(|| panic!("{id}"));
        assert!(f.evidence.is_empty(), "{id}: {:?}", f.evidence);
        assert!(f.diagnosis[0].starts_with(says), "{id}: {:?}", f.diagnosis);
        assert_eq!(f.count, 1);
    }
    // An expiry date for a secret the file does not set is the flag's.
    let mut o = opts();
    o.secret_expires = NaiveDate::from_ymd_opt(2026, 12, 1);
    let out = check(
        "REMOTE_AUTH_BACKEND = 'social_core.backends.azuread.AzureADOAuth2'\n",
        &o,
    );
    let f = out
        .findings
        .iter()
        .find(|f| f.rule == "config-secret-expires-soon")
        .expect("soon");
    assert_eq!(
        (f.evidence[0].source.as_str(), f.evidence[0].line),
        ("--secret-expires", 0)
    );
}

/// A file that assigns no NetBox setting is not a configuration; a file that assigns one,
/// even misspelled or through code the reader skips, is.
#[test]
fn what_is_not_a_configuration() {
    let not = |text: &str| check(text, &opts()).not_configuration;
    for (text, why) in [
        ("", "it is empty"),
        (
            "# NetBox overrides\n\n   \n",
            "it holds only comments and blank lines",
        ),
        (
            "import os\n\ndef main():\n    return 0\n\nVERSION = '1.0'\nlog_level = 'debug'\n",
            "none of its 5 statements assigns a NetBox setting",
        ),
        (
            "2026-11-25T08:00:00Z ERROR AuthStateMissing\n",
            "none of its 1 statement assigns",
        ),
        (
            "# Title\n\nSome *prose* about `sso-triage`.\n",
            "none of its",
        ),
        ("MAIL = 'x'\nBUG = 1\n", "none of its 2 statements"),
    ] {
        let got = not(text).unwrap_or_else(|| panic!("{text:?} taken for a configuration"));
        assert!(got.starts_with(why), "{text:?}: {got}");
    }
    for text in [
        "REMOTE_AUTH_BACKEND = 'x'\n",
        "SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET = os.environ['S']\n",
        "SOCAIL_AUTH_AZUREAD_OAUTH2_KEY = 'x'\n",
        "ALLOWED_HOST = ['x']\n",
        "import os\nPLUGINS = ['netbox_bgp']\n",
        "LOGGING = {}\n",
        "AUTH_LDAP_SERVER_URI = 'ldaps://x'\n",
    ] {
        assert_eq!(not(text), None, "{text:?}");
    }
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
    ] {
        o.secret_expires = NaiveDate::from_ymd_opt(date.0, date.1, date.2);
        let got = ids(GOOD_SINGLE, &o);
        assert!(got.iter().any(|g| g == id), "{date:?}: {got:?}");
    }
    // Far enough away, the date is a note: nothing to fix.
    o.secret_expires = NaiveDate::from_ymd_opt(2026, 12, 30);
    let out = check(GOOD_SINGLE, &o);
    assert!(out.findings.is_empty(), "{:?}", out.findings);
    let note = out
        .notes
        .iter()
        .find(|n| n.rule == "config-secret-expiry")
        .expect("a note");
    assert_eq!(note.line, Some(3));
    assert_eq!(
        note.detail,
        "SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET expires in 31 day(s): on 2026-12-30"
    );
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
    assert!(
        out.notes[0]
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
