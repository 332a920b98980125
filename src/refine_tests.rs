use super::*;

fn says(uri: &str, needle: &str) -> bool {
    redirect_uri(uri).iter().any(|s| s.contains(needle))
}

#[test]
fn correct_uri_has_nothing_to_say() {
    assert!(redirect_uri("https://netbox.example.com/oauth/complete/azuread-oauth2/").is_empty());
    assert!(redirect_uri("http://localhost:8000/oauth/complete/azuread-oauth2/").is_empty());
}

#[test]
fn each_mistake_is_named() {
    assert!(says(
        "http://netbox.example.com/oauth/complete/azuread-oauth2/",
        "http://"
    ));
    assert!(!says(
        "http://localhost/oauth/complete/azuread-oauth2/",
        "http://"
    ));
    assert!(says(
        "https://netbox.example.com/oauth/complete/azuread-oauth2",
        "trailing slash"
    ));
    assert!(says(
        "https://netbox.example.com:8443/oauth/complete/azuread-oauth2/",
        ":8443"
    ));
    assert!(says(
        "https://netbox/oauth/complete/azuread-oauth2/",
        "not a public name"
    ));
    assert!(says(
        "https://netbox.kotsadm.svc.cluster.local/oauth/complete/azuread-oauth2/",
        "cluster-internal"
    ));
    assert!(says(
        "https://netbox.example.com/oauth/complete/azuread-tenant-oauth2/",
        "tenant backend"
    ));
    assert!(says(
        "https://netbox.example.com/netbox/oauth/complete/azuread-oauth2/",
        "BASE_PATH"
    ));
    assert!(says(
        "https://netbox.example.com/login/",
        "not NetBox's callback"
    ));
    assert!(says(
        " https://netbox.example.com/oauth/complete/azuread-oauth2/",
        "whitespace"
    ));
    assert!(says(
        "https://NetBox.example.com/oauth/complete/azuread-oauth2/",
        "case-sensitive"
    ));
    assert!(says(
        "netbox.example.com/oauth/complete/azuread-oauth2/",
        "not an absolute URI"
    ));
}

#[test]
fn insecure_schemes() {
    assert!(insecure_scheme(
        "http://netbox.example.com/oauth/complete/azuread-oauth2/"
    ));
    assert!(insecure_scheme("HTTP://netbox:8080/"));
    assert!(!insecure_scheme(
        "http://localhost:8000/oauth/complete/azuread-oauth2/"
    ));
    assert!(!insecure_scheme("http://127.0.0.1/x"));
    assert!(!insecure_scheme("https://netbox.example.com/"));
}

#[test]
fn tenants() {
    assert!(tenant("https://login.microsoftonline.com/x")[0].contains("URL"));
    assert!(tenant("common")[0].contains("multi-tenant"));
    assert!(tenant("0b0e7a1c-2d3f-4a5b-8c9d-0e1f2a3b4c5d")[0].contains("sovereign"));
    assert!(tenant("corp.example")[0].contains("verified domain"));
    assert!(tenant(" 0b0e7a1c-2d3f-4a5b-8c9d-0e1f2a3b4c5d")[0].contains("whitespace"));
    assert!(tenant("None")[0].contains("unset"));
    assert!(tenant("my-tenant")[0].contains("neither"));
}

#[test]
fn client_ids() {
    assert!(client_id("None")[0].contains("unset"));
    assert!(client_id("https://netbox.example.com/saml")[0].contains("entity ID"));
    assert!(redirect_uri("https://netbox.example.com/oauth/complete/oidc/").is_empty());
    assert!(client_id("my-app")[0].contains("not a GUID"));
    // See: issue 15. An Entra secret pasted as the client id: its shape, never its value.
    let secret = "Abc8Q~FAKEfakeFAKEfakeFAKEfakeFAKEfake12";
    let d = &client_id(secret)[0];
    assert!(
        d.contains("client secret value") && !d.contains("FAKE"),
        "{d}"
    );
    assert!(client_id("0b0e7a1c-2d3f-4a5b-8c9d-0e1f2a3b4c5d")[0].contains("does not know"));
    assert!(is_guid("0B0E7A1C-2D3F-4A5B-8C9D-0E1F2A3B4C5D"));
    assert!(!is_guid("0b0e7a1c2d3f4a5b8c9d0e1f2a3b4c5d"));
}
