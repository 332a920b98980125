//! The checks `check-config` runs. Each reports the catalog rule (detector `config`) whose
//! id is the check's key: the words (title, meaning, causes, resolution) live in
//! `patterns/config/<id>.toml`, and `ConfigCheck::ALL` is the list of ids this detector can
//! emit. Ids are stable and kebab-case; every one starts with `config-` so they never clash
//! with a log rule.

crate::catalog::string_enum! {
    /// One kind of configuration finding.
    ConfigCheck {
        /// `REMOTE_AUTH_BACKEND` names a class close to, but not exactly, a known backend.
        BackendMisspelled = "config-backend-misspelled",
        /// `REMOTE_AUTH_BACKEND` names a class this tool does not know at all.
        BackendUnknown = "config-backend-unknown",
        /// No Entra backend is enabled.
        BackendMissing = "config-backend-missing",
        /// Key, secret or tenant set under another backend's prefix than the enabled backend's.
        PrefixMismatch = "config-prefix-mismatch",
        /// Settings of a backend that is not enabled, next to complete settings of the enabled one.
        InertSetting = "config-inert-setting",
        /// A setting name close to a known one (typo), or missing the `SOCIAL_AUTH_` prefix.
        SettingMisspelled = "config-setting-misspelled",
        /// KEY, SECRET or TENANT_ID not set for the enabled backend.
        MissingClientId = "config-missing-client-id",
        /// The secret is not set.
        MissingSecret = "config-missing-secret",
        /// A tenant backend without TENANT_ID.
        MissingTenantId = "config-missing-tenant-id",
        /// The secret is GUID-shaped: the secret ID.
        SecretIsGuid = "config-secret-is-guid",
        /// The secret equals the client id.
        SecretEqualsClientId = "config-secret-equals-client-id",
        /// The secret has not the shape of an Entra secret value.
        SecretShape = "config-secret-shape",
        /// The client id is not a GUID.
        ClientIdNotGuid = "config-client-id-not-guid",
        /// TENANT_ID is a URL, a path, or neither a GUID nor a domain.
        TenantIdInvalid = "config-tenant-id-invalid",
        /// TENANT_ID is `common`, `organizations` or `consumers`.
        TenantIdEndpoint = "config-tenant-id-multi-tenant-endpoint",
        /// TENANT_ID is a domain name.
        TenantIdDomain = "config-tenant-id-domain",
        /// TENANT_ID set for a backend that does not read it.
        TenantIdIgnored = "config-tenant-id-ignored",
        /// Leading/trailing whitespace or newlines inside a value.
        ValueWhitespace = "config-value-whitespace",
        /// Quote characters inside a value.
        ValueQuotes = "config-value-quotes",
        /// Served over https but SOCIAL_AUTH_REDIRECT_IS_HTTPS not True.
        RedirectIsHttpsMissing = "config-redirect-is-https-missing",
        /// SECURE_PROXY_SSL_HEADER in the overrides: NetBox does not read it.
        SecureProxyHeaderIgnored = "config-secure-proxy-ssl-header-ignored",
        /// The redirect URI uses http:// to a public host.
        RedirectUriNotHttps = "config-redirect-uri-not-https",
        /// The redirect URI breaks another rule (slash, port, host, BASE_PATH, whitespace, case).
        RedirectUriInvalid = "config-redirect-uri-invalid",
        /// The redirect URI's callback path is another backend's.
        RedirectUriWrongBackend = "config-redirect-uri-wrong-backend",
        /// The redirect URI's host is not in ALLOWED_HOSTS.
        AllowedHostsMissingHost = "config-allowed-hosts-missing-host",
        /// The URI to register, for the backend in use.
        ExpectedRedirectUri = "config-expected-redirect-uri",
        /// The secret expired.
        SecretExpired = "config-secret-expired",
        /// The secret expires within 30 days.
        SecretExpiresSoon = "config-secret-expires-soon",
        /// The secret's expiry date, far enough away.
        SecretExpiry = "config-secret-expiry",
        /// A setting assigned more than once.
        DuplicateSetting = "config-duplicate-setting",
        /// A statement outside the subset the reader understands.
        StatementNotRead = "config-statement-not-read",
    }
}

impl ConfigCheck {
    /// Whether the check notes a fact to act on (the redirect URI to register, a secret's
    /// expiry far enough away) rather than a mistake: a note is reported apart from the
    /// findings, never counted as one, and never under a failure symptom.
    pub fn is_note(self) -> bool {
        matches!(
            self,
            ConfigCheck::ExpectedRedirectUri | ConfigCheck::SecretExpiry
        )
    }
}
