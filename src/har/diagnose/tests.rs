use super::*;

#[test]
fn compare_names_the_part() {
    let exp = "https://netbox.example.com/oauth/complete/azuread-oauth2/";
    assert!(compare(exp, exp).is_empty());
    let d = compare(
        "http://netbox.example.com/oauth/complete/azuread-oauth2/",
        exp,
    );
    assert_eq!(
        d,
        vec!["scheme: sent http://, expected https://".to_string()]
    );
    let d = compare(
        "https://netbox.example.com/oauth/complete/azuread-oauth2",
        exp,
    );
    assert!(d[0].starts_with("trailing slash"), "{d:?}");
    let d = compare(
        "https://netbox.example.com:8443/oauth/complete/azuread-oauth2/",
        exp,
    );
    assert!(d[0].starts_with("port: sent 8443"), "{d:?}");
    let d = compare(
        "https://nb.internal/oauth/complete/azuread-tenant-oauth2/",
        exp,
    );
    assert_eq!(d.len(), 2, "{d:?}");
    let d = compare(
        "https://netbox.example.com:443/oauth/complete/azuread-oauth2/",
        exp,
    );
    assert!(d[0].starts_with("port"), "{d:?}");
}
