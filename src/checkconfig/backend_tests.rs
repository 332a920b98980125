use super::*;

#[test]
fn prefixes_resolve_to_the_longest() {
    assert_eq!(
        by_prefix("SOCIAL_AUTH_AZUREAD_OAUTH2_KEY").unwrap().short,
        "AzureADOAuth2"
    );
    assert_eq!(
        by_prefix("SOCIAL_AUTH_AZUREAD_OAUTH2_V2_KEY")
            .unwrap()
            .short,
        "AzureADOAuth2V2"
    );
    assert_eq!(
        by_prefix("SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_SECRET")
            .unwrap()
            .short,
        "AzureADTenantOAuth2"
    );
    assert_eq!(
        by_prefix("SOCIAL_AUTH_AZUREAD_V2_TENANT_OAUTH2_TENANT_ID")
            .unwrap()
            .short,
        "AzureADV2TenantOAuth2"
    );
    assert!(by_prefix("SOCIAL_AUTH_REDIRECT_IS_HTTPS").is_none());
}

#[test]
fn misspellings_find_their_class() {
    assert_eq!(
        closest_class("social_core.backends.azuread.AzureAdOAuth2"),
        Some("social_core.backends.azuread.AzureADOAuth2")
    );
    assert_eq!(
        closest_class("social_core.backends.azure_tenant.AzureADTenantOAuth2"),
        Some("social_core.backends.azuread_tenant.AzureADTenantOAuth2")
    );
    assert_eq!(
        closest_class("social_core.backends.azuread.AzureADTenantOAuth2"),
        Some("social_core.backends.azuread_tenant.AzureADTenantOAuth2")
    );
    assert_eq!(closest_class("mycompany.auth.EntraBackend"), None);
}
