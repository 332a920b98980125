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

/// The error identifiers read from `text` alone.
fn identifiers(text: &str) -> Vec<String> {
    super::identifiers::read(&[text])
}

/// Exception class names are read by their shape, in each language's way of printing
/// one, and reported by the class.
#[test]
fn exception_names_in_every_stack() {
    let cases: &[(&str, &[&str])] = &[
        // Python: the exception line, a cause inside its message, a module of exceptions.
        (
            "urllib3.exceptions.MaxRetryError: HTTPSConnectionPool(host='login.microsoftonline.com', port=443): Max retries exceeded (Caused by NewConnectionError('<urllib3.connection.HTTPSConnection object at 0x7f>: Failed'))",
            &["MaxRetryError", "NewConnectionError"],
        ),
        (
            "social_core.exceptions.AuthStateMissing: Session value state missing.",
            &["AuthStateMissing"],
        ),
        ("KeyError: 'upn'", &["KeyError"]),
        // A tag in brackets (oauth2-proxy).
        (
            "10.0.0.1 - - [2026/11/20 09:14:03] [AuthFailure] Invalid authentication via OAuth2: unauthorized",
            &["AuthFailure"],
        ),
        (
            "oauthlib.oauth2.rfc6749.errors.InvalidGrantError: (invalid_grant) AADSTS54005: code was already redeemed",
            &["InvalidGrantError"],
        ),
        (
            "authlib.jose.errors.InvalidClaimError: invalid_claim: Invalid claim \"iss\"",
            &["InvalidClaimError", "invalid_claim"],
        ),
        // Django's debug page, and a raise in its source listing.
        (
            "Exception Type: SuspiciousOperation at /oidc/callback/",
            &["SuspiciousOperation"],
        ),
        (
            "    raise AuthSecurityError(\"Failed to match state\")",
            &["AuthSecurityError"],
        ),
        // Java: the cause chain, an exception named at the end of a line.
        (
            "Caused by: com.nimbusds.oauth2.sdk.ParseException: Invalid JSON",
            &["ParseException"],
        ),
        (
            "org.springframework.security.oauth2.core.OAuth2AuthenticationException: [invalid_token_response] An error occurred",
            &["OAuth2AuthenticationException", "invalid_token_response"],
        ),
        (
            "No event was found for the exception java.io.IOException",
            &["IOException"],
        ),
        // .NET: an HRESULT after the name, versioned namespaces, the inner marker.
        (
            "Exception: Azure.Identity.AuthenticationFailedException (0x80131500): ClientSecretCredential authentication failed:",
            &["AuthenticationFailedException"],
        ),
        (
            " ---> MSAL.NetCore.4.67.2.0.MsalServiceException:",
            &["MsalServiceException"],
        ),
        (
            "[OpenIdConnectProtocolException: access_denied]",
            &["OpenIdConnectProtocolException"],
        ),
        // PHP namespaces, raw and JSON-escaped.
        (
            "Uncaught League\\OAuth2\\Client\\Provider\\Exception\\IdentityProviderException: invalid_grant in /var/www/x.php:317",
            &["IdentityProviderException"],
        ),
        (
            "{\"exception\":\"[object] (League\\\\OAuth2\\\\Client\\\\Provider\\\\Exception\\\\IdentityProviderException(code: 0): invalid_client\"}",
            &["IdentityProviderException"],
        ),
        // JavaScript: an error code after the class, a class in JSON. An OAuth error value
        // after it is a code, not an identifier.
        (
            "ClientAuthError: endpoints_resolution_error: Error: could not resolve endpoints.",
            &["ClientAuthError", "endpoints_resolution_error"],
        ),
        (
            "OPError: invalid_client (AADSTS700025: Client is public)",
            &["OPError"],
        ),
        (
            "{\"errorCode\":\"network_error\",\"name\":\"ClientAuthError\"}",
            &["ClientAuthError", "network_error"],
        ),
    ];
    for (text, want) in cases {
        let mut got = identifiers(text);
        got.sort();
        let mut want: Vec<String> = want.iter().map(|w| w.to_string()).collect();
        want.sort();
        assert_eq!(got, want, "{text}");
    }
}

/// Vendor codes as the value of an error key, error tags, AD FS and IdentityModel codes;
/// OAuth error values are codes (`codes_seen`), not among them.
#[test]
fn vendor_codes_by_their_shape() {
    let cases: &[(&str, &[&str])] = &[
        (
            "{\"error\":\"interaction_required\",\"suberror\":\"basic_action\"}",
            &["basic_action"],
        ),
        (
            "ERROR: Error raised: (Domain: \"ADOAuthServerErrorDomain\" ErrorCode: AD_ERROR_SERVER_OAUTH ProtocolCode: \"invalid_client\")",
            &["AD_ERROR_SERVER_OAUTH"],
        ),
        ("{'error_code': 'ENOTFOUND'}", &["ENOTFOUND"]),
        // Graph's error code: an identifier, not an authorization code (h-leaks).
        (
            "{\"error\": {\"code\": \"InvalidAuthenticationToken\"}}",
            &["InvalidAuthenticationToken"],
        ),
        (
            "error=Authorization_RequestDenied&x=1",
            &["Authorization_RequestDenied"],
        ),
        (
            "[next-auth][error][OAUTH_CALLBACK_ERROR] ",
            &["OAUTH_CALLBACK_ERROR"],
        ),
        (
            "error_description=MSIS9619%3a+The+received+request+is+not+authorized",
            &["MSIS9619"],
        ),
        (
            "IDX10223: Lifetime validation failed. The token is expired.",
            &["IDX10223"],
        ),
        (
            "\\\"error_description\\\":\\\"MSIS9612: The code is invalid\\\"",
            &["MSIS9612"],
        ),
        // Keycloak's event type and error, SAML status codes.
        (
            "type=IDENTITY_PROVIDER_LOGIN_ERROR, realmId=netbox, error=identity_provider_login_failure",
            &[
                "IDENTITY_PROVIDER_LOGIN_ERROR",
                "identity_provider_login_failure",
            ],
        ),
        (
            "The status code of the Response was not Success, was urn:oasis:names:tc:SAML:2.0:status:Responder -> urn:oasis:names:tc:SAML:2.0:status:AuthnFailed",
            &["Responder", "AuthnFailed"],
        ),
        // A traceback in a JSON field other than the message: its escapes start words.
        (
            r#"{"event": "login failed", "exc_info": "Traceback (most recent call last):\n  File \"x.py\"\nKeyError: 'upn'\nMSIS7012: denied\nLOGIN_ERROR\nerror_code: AD_ERROR_X"}"#,
            &["KeyError", "AD_ERROR_X", "MSIS7012", "LOGIN_ERROR"],
        ),
    ];
    for (text, want) in cases {
        let mut got = identifiers(text);
        got.sort();
        let mut want: Vec<String> = want.iter().map(|w| w.to_string()).collect();
        want.sort();
        assert_eq!(got, want, "{text}");
    }
}

/// Prose, log levels, paths, plain words, AADSTS codes and whatever the masker masks are
/// no identifiers.
#[test]
fn what_is_no_identifier() {
    for text in [
        "a ConnectionError happened while reading",
        "Error: could not resolve endpoints",
        "Exception: Something went wrong",
        "{\"error\": \"Failed\", \"code\": 400, \"error\": null}",
        "level=ERROR msg=\"x\" error=ERROR",
        "see https://learn.microsoft.com/dotnet/api/MsalServiceException for details",
        "AADSTS50011: The redirect URI does not match. error_code=AADSTS50011",
        "MSIS12345 is not a code, nor is XMSIS1234 or IDX1022",
        "raise self.error(msg)",
        "Warning: deprecated; LogLevel.Warning",
        // Settings and words that hold ERROR are no error constants.
        "SOCIAL_AUTH_LOGIN_ERROR_URL = '/login/' LOGIN_ERROR_URL _ERROR xLOGIN_ERROR",
        // Values the masker masks: a credential key's value, a code, a state, a token.
        "client_secret=FooBarError: x",
        "code=SplxlOBeZQQYbYS6WxSbIA&state=AbcStateError:",
        r#"<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"/>"#,
        "Authorization: Bearer Kp8Zq2Wx7Lm4Nr9Tv3Yb6Hd1Fg5Js0QeError: x",
        "Kp8Zq2Wx7Lm4Nr9Tv3Yb6Hd1Fg5Js0QeError: random-looking",
        "token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.SigError: x",
    ] {
        assert_eq!(identifiers(text), Vec::<String>::new(), "{text}");
    }
}

/// A value the masker masks anywhere in the event is no identifier anywhere in it, and one
/// event adds a bounded number.
#[test]
fn a_secret_anywhere_is_no_identifier_and_events_are_bounded() {
    assert!(identifiers("MyAppError: x; client_secret=MyAppError").is_empty());
    assert_eq!(
        super::identifiers::read(&["FooError: x", "password=FooError"]),
        Vec::<String>::new()
    );
    let many: String = (0..100).map(|i| format!("Case{i}Error: x\n")).collect();
    assert_eq!(identifiers(&many).len(), super::identifiers::MAX_PER_EVENT);
}

/// The report's findings of `text`, read as one input.
fn findings_of(text: &str) -> Vec<crate::report::Finding> {
    let compiled = crate::app::build_catalog(&[]).expect("catalog");
    let mut framer = crate::parse::Framer::with_scanner(compiled.scanner());
    let mut analyzer = Analyzer::new(&compiled, "app.log".into(), false);
    let mut on_match = |_: &MatchRecord<'_>| {};
    framer.feed(text.as_bytes(), &mut |frame| {
        analyzer.event(frame, &mut on_match)
    });
    framer.finish(&mut |frame| analyzer.event(frame, &mut on_match));
    analyzer.finish(framer.last_line(), &mut on_match);
    analyzer.collected.findings(&compiled)
}

/// A fallback event that a specific one explains (the library's generic OAuth error and
/// exception, logged before or after Entra's message) makes no finding of its own: the
/// codes and error identifiers it printed go to the finding that explains it, and never an
/// implied code.
#[test]
fn an_explained_fallback_event_hands_on_what_it_printed() {
    for text in [
        "2026-11-21 14:02:10 ERROR League\\OAuth2\\Client\\Provider\\Exception\\IdentityProviderException: invalid_client in /vendor/x.php:222\n\
         2026-11-21 14:02:11 ERROR AADSTS7000215: Invalid client secret provided.\n",
        "2026-11-21 14:02:11 ERROR AADSTS7000215: Invalid client secret provided.\n\
         2026-11-21 14:02:12 ERROR Whoops: IdentityProviderException: invalid_client\n",
    ] {
        let findings = findings_of(text);
        assert_eq!(findings.len(), 1, "{text}: {findings:#?}");
        let f = &findings[0];
        assert_eq!(f.rule, "aadsts7000215-invalid-client-secret");
        let codes: Vec<&str> = f.codes_seen.iter().map(|c| c.as_str()).collect();
        // The OAuth rule lists the wrapper class among its codes, so it is a code seen too.
        assert_eq!(
            codes,
            [
                "AADSTS7000215",
                "IdentityProviderException",
                "invalid_client"
            ],
            "{text}"
        );
        let errors: Vec<&str> = f.errors_seen.iter().map(|c| c.as_str()).collect();
        // Listed once: a code of the rule, so not an identifier as well.
        assert!(errors.is_empty(), "{text}: {errors:?}");
        assert!(f.codes_inferred.is_empty());
    }
}

/// Identifiers never make a finding: a healthy line full of them gives none, and a line a
/// rule fires on gives the same findings with or without them, only with `errors_seen`.
#[test]
fn identifiers_never_make_a_finding() {
    assert!(findings_of(
        "2026-11-21 14:02:10 INFO netbox.jobs retry policy: MaxRetryError, ConnectTimeoutError, MSIS7012, IDX10214 [error][JOB_RETRY] {\"errorCode\": \"AD_ERROR_X\"}\n"
    )
    .is_empty());
    let plain =
        findings_of("2026-11-21 14:02:11 ERROR AADSTS50011: The redirect URI does not match.\n");
    let printed = findings_of(
        "2026-11-21 14:02:11 ERROR msal.ClientAuthError: AADSTS50011: The redirect URI does not match. MSIS7012 IDX10214\n",
    );
    let rules = |f: &[crate::report::Finding]| -> Vec<(String, u64)> {
        f.iter().map(|f| (f.rule.clone(), f.count)).collect()
    };
    assert_eq!(rules(&plain), rules(&printed));
    let errors: Vec<&str> = printed[0].errors_seen.iter().map(|c| c.as_str()).collect();
    assert_eq!(errors, ["ClientAuthError", "IDX10214", "MSIS7012"]);
}

/// Pasted error pages have no log time: each page's own Entra timestamp is a time of the
/// finding, the earliest its first and the latest its last, whatever their order. Once an
/// event has a log time, the log times decide.
#[test]
fn entra_timestamps_date_a_finding_without_log_times() {
    let page = |t: &str| {
        format!(
            "Request failed: AADSTS7000222: The provided client secret keys for app 'x' are expired. Trace ID: 0b2a4c1e-4a6b-4d8e-9f01-23456789abcd Correlation ID: 1c3b5d2f-5b7c-4e9f-8a12-3456789abcde Timestamp: {t}\n"
        )
    };
    let text = [
        page("2026-11-21 14:31:47Z"),
        page("2026-11-21 14:02:11Z"),
        page("2026-11-21 14:58:05Z"),
    ]
    .concat();
    let findings = findings_of(&text);
    let f = findings
        .iter()
        .find(|f| f.rule.starts_with("aadsts7000222"))
        .expect("finding");
    assert_eq!(f.first_seen.as_deref(), Some("2026-11-21T14:02:11.000Z"));
    assert_eq!(f.last_seen.as_deref(), Some("2026-11-21T14:58:05.000Z"));

    let timed = format!("2026-11-22T08:00:00Z {}", page("2026-11-21 14:02:11Z"));
    let findings = findings_of(&timed);
    let f = findings
        .iter()
        .find(|f| f.rule.starts_with("aadsts7000222"))
        .expect("finding");
    assert_eq!(f.first_seen.as_deref(), Some("2026-11-22T08:00:00.000Z"));
    assert_eq!(f.last_seen.as_deref(), Some("2026-11-22T08:00:00.000Z"));
}
