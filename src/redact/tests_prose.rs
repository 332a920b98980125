//! Values that prose puts after a credential word, and YAML block scalars: each shape masked,
//! and the prose and identifiers of the same shape left readable.

use super::tests::{assert_masked, shown};

/// Short secrets (12 to 19 characters, too short to look random) after a credential word in
/// prose.
#[test]
fn values_after_credential_words_in_prose_are_masked() {
    assert_masked(&[
        "ERROR social password [[C3J27XDCG2LmlZGEO]]",
        "ERROR social password\t[[C3J27XDCG2LmlZGEO]] retrying",
        "password is [[NYlgCtjfIZ4SOcMz9]]",
        "password was \"[[CPVNPkNa1Hedcm4pM]]\"",
        "password was '[[CPVNPkNa1Hedcm4pM]]' for admin",
        "set password to [[bXDuCL1mHoOsFaQfD]]",
        "client secret [[PrAJ71fTquWoGsbeK]]",
        "secret [[PrAJ71fTquWoGsbeK]].",
        "Secret Value: [[dEyTzAeKOmXRrvftv]]",
        "secret value is [[dEyTzAeKOmXRrvftv]]",
        "sessionid [[a9AW7hipTgadDZFlR]]",
        "api-key [[JmCGmUXiAPyhzAnar]]",
        "token [[Tk7pQ2xLm9Rw4Zs]]",
        "SECRET_KEY is now [[qL9xWm2Rt7Kp4Zs]]",
        "credentials (\"admin\", \"[[Xgzg2sye9b2Rann76]]\")",
        "credentials ['admin', '[[Xgzg2sye9b2Rann76]]']",
        "new password [[summer2024x]] set",
        "{\"msg\": \"password is [[NYlgCtjfIZ4SOcMz9]]\", \"level\": \"error\"}",
        "(password [[NYlgCtjfIZ4SOcMz9]])",
    ]);
}

/// The same shapes where the word after the credential word is prose, an error code or
/// name, an id, a placeholder, a number or a time: shown as they are.
#[test]
fn prose_after_credential_words_stays_readable() {
    for text in [
        "password reset failed for user 4",
        // zap: the message, a tab, then the fields as a JSON object.
        "failed to parse user ID token\t{\"error\": \"oidc: id token issued by a different provider\"}",
        "ERROR password\tpolicy applies",
        "password is incorrect",
        "password was \"not set\"",
        "set password to expire in 90 days",
        "client secret expired on 2026-11-20",
        "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID",
        "AADSTS7000222: The provided client secret keys for app 'c0ffee00-1111-4222-8333-444455556666' are expired.",
        "secret AADSTS7000215 returned",
        "client secret InvalidClientSecret",
        "Secret Value: <redacted>",
        "Secret Value: *****************",
        "secret value is ${AZURE_CLIENT_SECRET}",
        "sessionid 1234567890",
        "session c0ffee00-1111-4222-8333-444455556666 closed",
        "token endpoint https://login.microsoftonline.com/common/oauth2/v2.0/token",
        "token expires 2026-11-20T09:14:03.123Z",
        "token was issued at 2026-11-20T09:14:03Z",
        "token social_core.exceptions.AuthTokenError",
        "\"POST /common/oauth2/v2.0/token HTTP/1.1\" 401 87",
        "api-key AzureADOAuth2 backend",
        "credentials (see the docs)",
        "The token is expired. ValidTo: 11/20/2026 09:14:03",
        "Session value state missing.",
        "CSRF token missing or incorrect.",
        "social password HTTP/1.1 azuread-oauth2 python3.12",
        "passed 1a2b3c4d5e6f tests",
        "error code 0x80070005Ab2",
        "Session `?oidc_state` does not match",
        "The refresh token has expired due to inactivity. The token was issued on 2026-11-20T09:14:03.1234567Z and was inactive for 90.00:00:00.",
        "AADSTS7000222: The provided client secret keys for app 'x' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds",
        "Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: 'x']",
        "AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth token is needed.",
        "IDX10503: Signature validation failed. Token does not have a kid. Keys tried: 'System.Text.StringBuilder'.",
        "Forbidden (CSRF token from POST incorrect.): /oauth/complete/azuread-oauth2/",
        "Forbidden (CSRF cookie not set.): /oauth/complete/azuread-oauth2/",
        "FATAL:  password authentication failed for user \"netbox\"",
        "Failed to acquire token silently as no token was found in the cache",
        "token audience 00000003-0000-0000-c000-000000000000 does not match",
        "Client secret 'NetBox prod' expires on 2026-11-20",
        "API key X-Api-Key header missing",
        "cookie .AspNetCore.Cookies was not found",
        "cookie AppServiceAuthSession was not sent",
        "key rollover: new signing key kid=abc",
        "the cookie is SameSite=Strict: the browser does not send it",
        "Unable to fetch access token exc=HTTPError('400 Client Error: Bad Request')",
        "AADSTS7000215: Invalid client secret is provided.\\r\\nTrace ID: 2e389c30-3b47-4622-a8b5-5379b9a1b83e",
        "SECRET_KEY must be at least 50 characters",
        "password hash algorithm pbkdf2_sha256",
        "session expired, redirecting to /login/?next=/",
    ] {
        assert_eq!(shown(text), text, "changed");
    }
}

/// A YAML block scalar: the value is on the lines below the key, more indented.
#[test]
fn yaml_block_scalars_are_masked() {
    assert_masked(&[
        "client_secret: >-\n  [[3ZLt4bnlz2MPKgcjn]]\nother: 1",
        "client_secret: |\n  [[3ZLt4bnlz2MPKgcjn]]\n",
        "client_secret: |-\n    [[3ZLt4bnlz2MPKgcjn]]",
        "client_secret: >\r\n  [[3ZLt4bnlz2MPKgcjn]]\r\n",
        "  password: |+ # the old one\n\n    [[correct horse battery]]\n    [[staple and more]]\n  user: admin",
        "ERROR social client_secret: >-\n  [[3ZLt4bnlz2MPKgcjn]]",
    ]);
    // The indicator is no value, and what the block does not hold stays readable.
    let text =
        "client_secret: >-\n  3ZLt4bnlz2MPKgcjn\nclient_id: c0ffee00-1111-4222-8333-444455556666";
    assert_eq!(
        shown(text),
        "client_secret: >-\n  <secret#1>\nclient_id: c0ffee00-1111-4222-8333-444455556666"
    );
    for text in [
        "client_secret: >-\nclient_id: c0ffee00-1111-4222-8333-444455556666",
        "client_secret: |",
        "SOCIAL_AUTH_AZUREAD_OAUTH2_KEY: |\n  c0ffee00-1111-4222-8333-444455556666",
    ] {
        assert_eq!(shown(text), text, "changed");
    }
}

/// A block scalar whose lines a wrapped record joined with a space.
#[test]
fn joined_block_scalars_are_masked() {
    assert_masked(&[
        "ERROR social client_secret: >- [[3ZLt4bnlz2MPKgcjn]]",
        "client_secret: | [[3ZLt4bnlz2MPKgcjn]]",
        "password: |- [[correct horse battery]]",
    ]);
    let text = "client_secret: >- 3ZLt4bnlz2MPKgcjn";
    assert_eq!(shown(text), "client_secret: >- <secret#1>");
}

/// A line dense with credential words and what prose may put after them is read in linear
/// time (a quote never closed is not read to the line's end from each word).
#[test]
fn prose_stays_linear_on_dense_credential_words() {
    let unit = "secret \u{201c}x password is \"y token was 'z credentials (\"a session ";
    let text = unit.repeat(2 * 1024 * 1024 / unit.len());
    let t = std::time::Instant::now();
    let _ = shown(&text);
    let elapsed = t.elapsed();
    // Generous for a debug build on a busy machine.
    assert!(elapsed.as_secs() < 20, "{elapsed:?}");
}

/// Passwords in prose in other languages, and a value stated after `the password is`
/// whatever its letters.
#[test]
fn stated_passwords_are_masked() {
    assert_masked(&[
        "usuario invalido, contraseña=[[gatito2024azul]]",
        "неверный пароль: [[kotik2024zima]]",
        "Kennwort ist [[Winter2025Rot]]",
        "Contraseña: [[gatito2024rojo]]",
        "user said the password is [[sunflowerbattery]]",
        "invalid username or password - the password is [[84729103651]]",
        "my password was [[sunflowerbattery]].",
    ]);
    for text in [
        "the password is incorrect",
        "the password is too short",
        "the password is expired.",
        "the password is 8 characters long",
        "Kennwort ist falsch",
    ] {
        assert_eq!(shown(text), text);
    }
}
