use super::*;

const FAKE_SECRET: &str = "Fak8Q~notARealSecretJustTheShape.0123456";

#[test]
fn secret_value_shape() {
    assert_eq!(FAKE_SECRET.len(), 40);
    assert!(is_entra_secret_value(FAKE_SECRET));
    assert!(!is_entra_secret_value(
        "0b0e7a1c-2d3f-4a5b-8c9d-0e1f2a3b4c5d"
    ));
    assert!(!is_entra_secret_value("changeme"));
    assert!(!is_entra_secret_value(
        "FakQQ~notARealSecretJustTheShape.0123456"
    ));
}

#[test]
fn descriptions_never_hold_the_value() {
    for v in [
        FAKE_SECRET,
        "0b0e7a1c-2d3f-4a5b-8c9d-0e1f2a3b4c5d",
        "hunter2hunter2",
        " Fak8Q~notARealSecretJustTheShape.0123456\n",
        "'quoted'",
    ] {
        let d = describe(v);
        assert!(!d.contains(v.trim()), "{d}");
        assert!(!d.contains("hunter"), "{d}");
    }
    assert!(describe("0b0e7a1c-2d3f-4a5b-8c9d-0e1f2a3b4c5d").contains("GUID-shaped"));
    assert!(describe(FAKE_SECRET).contains("Entra secret value shape"));
    let d = describe(" Fak8Q~notARealSecretJustTheShape.0123456\n");
    assert!(
        d.contains("leading whitespace") && d.contains("trailing newline"),
        "{d}"
    );
    assert!(describe("changeme").contains("no 'Q~'"));
    assert_eq!(describe(""), "empty");
}

#[test]
fn display_masks_credentials() {
    assert!(display("SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET", "x").starts_with("*** (value not shown"));
    assert!(
        display("SOCIAL_AUTH_AZUREAD_OAUTH2_KEY", FAKE_SECRET).starts_with("*** (value not shown")
    );
    assert_eq!(
        display("SOCIAL_AUTH_AZUREAD_OAUTH2_KEY", "abc "),
        "\"abc \""
    );
}

#[test]
fn domains() {
    assert!(is_domain("contoso.onmicrosoft.com"));
    assert!(is_domain("corp.example"));
    assert!(!is_domain("https://login.microsoftonline.com/x"));
    assert!(!is_domain("my tenant"));
    assert!(!is_domain("nodot"));
}
