//! The error identifiers a program printed (exception class names, vendor error codes,
//! AD FS and IdentityModel codes): read from the failures of a Python traceback, a Java
//! stack trace, a .NET exception, a JavaScript error and an AD FS line
//! (`tests/fixtures/error-identifiers/`, written by us), reported in `errors_seen`, shown in
//! the table and the Markdown card, kept apart from `codes_seen`, and never a secret.

use std::collections::BTreeSet;

use super::*;

/// Every `errors_seen` of the JSON report of one fixture, and every `codes_seen`.
fn printed(file: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let path = fixture(&format!("error-identifiers/{file}"));
    let (code, report, stderr) = json(&[path.to_str().unwrap()]);
    assert_eq!(code, 1, "{file}: {stderr}");
    let field = |name: &str| -> BTreeSet<String> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|f| f[name].as_array().cloned().unwrap_or_default())
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    (field("errors_seen"), field("codes_seen"))
}

#[test]
fn error_identifiers_of_every_stack_are_reported() {
    let cases: &[(&str, &[&str])] = &[
        ("python.log", &["MaxRetryError", "NewConnectionError"]),
        (
            "java.log",
            &["OAuth2AuthenticationException", "ParseException"],
        ),
        (
            "dotnet.log",
            &["OpenIdConnectProtocolException", "MsalServiceException"],
        ),
        (
            "javascript.log",
            &[
                "ClientAuthError",
                "endpoints_resolution_error",
                "openid_config_error",
                "OAUTH_CALLBACK_ERROR",
                "OPError",
                "bad_token",
            ],
        ),
        ("adfs.log", &["MSIS9612"]),
    ];
    for (file, want) in cases {
        let (errors, codes) = printed(file);
        for w in *want {
            // An identifier some rule lists among its codes is reported as a code instead.
            assert!(
                errors.contains(*w) || codes.contains(*w),
                "{file}: {w} in neither {errors:?} nor {codes:?}"
            );
        }
        // Codes are codes: an AADSTS code or an OAuth error value is never listed twice.
        assert!(
            errors.is_disjoint(&codes),
            "{file}: {errors:?} and {codes:?}"
        );
        assert!(
            !errors
                .iter()
                .any(|e| e.to_ascii_uppercase().starts_with("AADSTS")),
            "{file}: {errors:?}"
        );
    }
}

/// The secrets planted beside the identifiers (a client secret, an authorization code, a
/// state, a refresh token that ends like a class name) show in no format, and no
/// identifier holds a placeholder.
#[test]
fn error_identifiers_never_carry_a_secret() {
    let secrets = [
        "hT3.8Q~vR2wK9mN4pL7xB1cD6fG0jH5sA8qZ3eY2u",
        "0.AXoA8kZqLm3Nw7Rt2Vb9Yc4Hd6Fj1Gs5Kp0Qe8Tx3Uy7Wz2Ab4Cd6Ef",
        "Vq7tY3pZ9xKc2Lm5Nw8Rb4Hs",
        "Kp8Zq2Wx7Lm4Nr9Tv3Yb6HdError",
    ];
    let folder = fixture("error-identifiers");
    for format in ["table", "json", "jsonl", "markdown", "html"] {
        let r = run(&["scan", "-o", format, folder.to_str().unwrap()]);
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        for s in secrets {
            assert!(!r.stdout.contains(s), "{format} shows {s}");
            assert!(
                !r.stdout.contains(&s[..s.len() / 2]),
                "{format} shows half of {s}"
            );
        }
    }
    for file in [
        "python.log",
        "java.log",
        "dotnet.log",
        "javascript.log",
        "adfs.log",
    ] {
        let (errors, _) = printed(file);
        assert!(
            errors.iter().all(|e| !e.contains('<') && !e.contains('#')),
            "{file}: {errors:?}"
        );
    }
}

/// The table and the Markdown card list them where they list the codes.
#[test]
fn error_identifiers_are_shown_beside_the_codes() {
    let file = fixture("error-identifiers/adfs.log");
    let table = run(&["scan", "-v", "--width", "120", file.to_str().unwrap()]);
    let row = table
        .stdout
        .lines()
        .find(|l| l.contains("Errors printed"))
        .unwrap_or_else(|| panic!("no Errors printed row:\n{}", table.stdout));
    assert!(row.contains("MSIS9612"), "{row}");
    let md = run(&["scan", "-o", "markdown", file.to_str().unwrap()]);
    assert!(
        md.stdout.contains("- Errors printed: `MSIS9612`"),
        "{}",
        md.stdout
    );
}
