//! Secrets and user identities: masked in every output unless asked, and `--no-redact` warns.

use serde_json::Value;

use super::{fixture, json, root, run};

#[test]
fn secrets_never_reach_any_output() {
    let secrets = [
        "0.AXoAFAKEauthCODEvalueFAKEauthCODEvalue123456789",
        "QzT8pL2mN5vB7xC1kJ4hG6fD9sA3wE0r",
        "Zq18Q~FAKEfakeFAKEfakeFAKEfakeFAKEfake99",
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9",
        "k3j4h5g6f7d8s9a0FAKE",
        "AbCdEf123456789FAKE",
    ];
    let path = fixture("secrets.log");
    // The terminal's default view and its full one (-v), then the other formats.
    for (format, details) in [
        ("table", false),
        ("table", true),
        ("json", false),
        ("jsonl", false),
        ("markdown", false),
        ("html", false),
    ] {
        let mut args = vec!["scan", "-o", format, "--width", "200"];
        if details {
            args.push("-v");
        }
        args.push(path.to_str().unwrap());
        let r = run(&args);
        assert_eq!(r.code, 1, "{}", r.stderr);
        for s in secrets {
            assert!(!r.stdout.contains(s), "{format} leaked {s}");
            assert!(!r.stderr.contains(s), "{format} leaked {s} on stderr");
        }
        // Masks read `<KIND#N>`; HTML escapes the angle brackets like any other text.
        // (The default terminal view shows the evidence of the first cause only.)
        assert!(
            (format == "table" && !details)
                || r.stdout.contains("<token#1>")
                || r.stdout.contains("&lt;token#1&gt;"),
            "{format}: {}",
            r.stdout
        );
        assert!(
            !r.stdout.contains("redacted:")
                && !r.stdout.contains('\u{1}')
                && !r.stdout.contains("\\u0001"),
            "{format}: internal mask shown"
        );
    }
    // The same code gets the same placeholder in the evidence and in its flow's keys.
    let (_, report, _) = json(&[path.to_str().unwrap()]);
    let keys = report["flows"][0]["keys"].to_string();
    assert!(keys.contains("code:<code#1>"), "{keys}");
    assert!(keys.contains("state:<state#1>"), "{keys}");
    let token_body = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["evidence"].as_array().unwrap())
        .map(|e| e["text"].as_str().unwrap())
        .find(|t| t.contains("grant_type"))
        .expect("token request body in the evidence");
    assert!(token_body.contains("&code=<code#1>&"), "{token_body}");
    assert!(
        token_body.contains("client_secret=<secret#1>"),
        "{token_body}"
    );
    let r = run(&[
        "scan",
        "-o",
        "json",
        "--show-secrets",
        path.to_str().unwrap(),
    ]);
    assert!(r.stdout.contains(secrets[2]), "--show-secrets shows them");
}

/// See: issue 15. An Entra secret pasted as the client id: Entra's AADSTS700016 quotes it;
/// the evidence masked it, and the diagnosis printed it raw. Now neither shows it, in any
/// format, and the diagnosis says what it looks like.
#[test]
fn a_secret_pasted_as_the_client_id_is_described_not_shown() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "Xy3Q~Zq9fakeFAKEfakeFAKEfakeFAKEfake12345";
    let log = dir.path().join("netbox.log");
    std::fs::write(
        &log,
        format!(
            "2026-11-20T09:00:00Z ERROR AADSTS700016: Application with identifier '{secret}' was not found in the directory 'Contoso'.\n"
        ),
    )
    .unwrap();
    for format in ["table", "json", "jsonl", "markdown", "html"] {
        let r = run(&["scan", "-o", format, log.to_str().unwrap()]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(!r.stdout.contains("Zq9fake"), "{format}: {}", r.stdout);
        assert!(!r.stderr.contains("Zq9fake"), "{format}: {}", r.stderr);
    }
    let (_, report, _) = json(&[log.to_str().unwrap()]);
    let diagnosis = report["findings"][0]["diagnosis"].to_string();
    assert!(diagnosis.contains("client secret value"), "{diagnosis}");
}

#[test]
fn user_identities_are_kept_unless_asked_and_no_redact_warns() {
    let path = root().join("tests/corpus/b-group-not-found-verbose.log");
    let path = path.to_str().unwrap();
    let plain = run(&["scan", "-o", "json", path]);
    assert!(plain.stdout.contains('@'), "identities kept by default");
    let masked = run(&["scan", "-o", "json", "--redact-users", path]);
    assert!(masked.stdout.contains("<user#1>"), "{}", masked.stdout);
    let report: Value = serde_json::from_str(&masked.stdout).unwrap();
    for f in report["findings"].as_array().unwrap() {
        for e in f["evidence"].as_array().unwrap() {
            assert!(!e["text"].as_str().unwrap().contains('@'), "{e}");
        }
    }
    let loud = run(&[
        "scan",
        "--no-redact",
        "--color",
        "never",
        fixture("secrets.log").to_str().unwrap(),
    ]);
    assert!(
        loud.stdout.starts_with("WARNING: secrets are NOT masked"),
        "{}",
        loud.stdout
    );
    assert!(loud.stderr.contains("WARNING: secrets are NOT masked"));
    // Our own warning is not taken for input: its flags are shown as written.
    assert!(
        loud.stderr
            .contains("sso-triage: WARNING: secrets are NOT masked in this output (--show-secrets / --no-redact)."),
        "{}",
        loud.stderr
    );
    let json = run(&[
        "scan",
        "-o",
        "json",
        "--no-redact",
        fixture("secrets.log").to_str().unwrap(),
    ]);
    assert!(json.stdout.contains("\"secrets_shown\": true"));
}

#[test]
fn a_secret_masked_in_one_line_is_masked_where_another_line_repeats_it() {
    // The first line shows the value in no shape the masker knows; the second makes it a
    // secret (a session cookie). Both are evidence, and neither may show it.
    let dir = tempfile::tempdir().unwrap();
    let value = "plainwordcookievalue";
    let log = dir.path().join("netbox.log");
    std::fs::write(
        &log,
        format!(
            "2026-11-20T09:00:00Z ERROR AADSTS50011: The redirect URI specified in the request does not match; page cache key {value}\n\
             2026-11-20T09:00:01Z ERROR AADSTS50011: The redirect URI specified in the request does not match; Set-Cookie: sessionid={value}; Path=/\n"
        ),
    )
    .unwrap();
    for format in ["table", "json", "jsonl", "markdown", "html"] {
        let r = run(&[
            "scan",
            "-o",
            format,
            "--width",
            "400",
            log.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        // JSON lines streams each match as it is read, before a later line can tell that a
        // value is secret; its finding record, written at the end, masks it.
        let shown: String = if format == "jsonl" {
            r.stdout
                .lines()
                .filter(|l| !l.starts_with(r#"{"type":"match""#))
                .collect()
        } else {
            r.stdout.clone()
        };
        assert!(!shown.contains(value), "{format}: {shown}");
        assert!(shown.contains("cache key"), "{format}: {shown}");
    }
    // Asked for, the value is shown.
    let r = run(&[
        "scan",
        "--show-secrets",
        "-o",
        "json",
        log.to_str().unwrap(),
    ]);
    assert!(r.stdout.contains(value), "{}", r.stdout);
}

#[test]
fn a_client_id_that_is_not_a_guid_is_never_shown() {
    // Entra secrets of 2019 have no telling shape; a value with `:` and `@` was read as a
    // URL password and shown around it. Whatever sits in the client id's place is masked.
    let dir = tempfile::tempdir().unwrap();
    for (i, value) in [
        "8R_3u~5qHW.v-z2jw5~Fj3T.DZ1J-8x_5e",
        "]r.Nh?:N3e@S5w-lRx_u-6[K4Zc1E=W",
        "plainwordsecretvalue",
    ]
    .iter()
    .enumerate()
    {
        let log = dir.path().join(format!("netbox-{i}.log"));
        std::fs::write(
            &log,
            format!(
                "2026-11-20T09:00:00Z ERROR AADSTS700016: Application with identifier '{value}' was not found in the directory 'Contoso'.\n"
            ),
        )
        .unwrap();
        let part = &value[..value.len() / 2];
        for format in ["table", "json", "jsonl", "markdown", "html"] {
            let r = run(&[
                "scan",
                "-o",
                format,
                "--width",
                "300",
                log.to_str().unwrap(),
            ]);
            assert_eq!(r.code, 1, "{}", r.stderr);
            assert!(!r.stdout.contains(part), "{format}: {}", r.stdout);
            assert!(!r.stderr.contains(part), "{format}: {}", r.stderr);
        }
    }
    // A GUID is an id, and shown.
    let log = dir.path().join("guid.log");
    std::fs::write(
        &log,
        "2026-11-20T09:00:00Z ERROR AADSTS700016: Application with identifier '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b' was not found in the directory 'Contoso'.\n",
    )
    .unwrap();
    let r = run(&["scan", "-o", "json", log.to_str().unwrap()]);
    assert!(
        r.stdout.contains("6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_secret_is_masked_where_another_line_repeats_it_percent_encoded() {
    // The second line shows the value after a credential key; the first repeats it as a
    // URL would encode it (`+` as `%2B`, `/` as `%2F`, `=` as `%3D`).
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("netbox.log");
    std::fs::write(
        &log,
        "2026-11-24T10:02:10Z AADSTS7000215 retried with tulip%2Bgarden%2F77%3D%3D as well\n\
         2026-11-24T10:02:15Z AADSTS7000215 client_secret=tulip+garden/77== loaded\n",
    )
    .unwrap();
    for format in ["table", "json", "markdown", "html"] {
        let r = run(&[
            "scan",
            "-v",
            "-o",
            format,
            "--width",
            "400",
            log.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(
            !r.stdout.contains("tulip%2Bgarden"),
            "{format}: {}",
            r.stdout
        );
        assert!(!r.stdout.contains("tulip+garden"), "{format}: {}", r.stdout);
        assert!(r.stdout.contains("retried with"), "{format}: {}", r.stdout);
    }
}

#[test]
fn a_secret_revealed_by_a_line_no_rule_matched_is_masked_in_later_match_records() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("netbox.log");
    std::fs::write(
        &log,
        "2026-11-24T10:02:10Z DEBUG loaded client_secret=tulipgarden12x from env\n\
         2026-11-24T10:02:11Z Request failed with 401 invalid_client AADSTS7000215: Invalid client secret provided. sent tulipgarden12x\n\
         2026-11-24T10:02:12Z DEBUG retry with tulipgarden12x\n",
    )
    .unwrap();
    for format in ["jsonl", "json", "table"] {
        let r = run(&["scan", "-v", "-C", "3", "-o", format, log.to_str().unwrap()]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(
            !r.stdout.contains("tulipgarden12x"),
            "{format}: {}",
            r.stdout
        );
        assert!(
            r.stdout.contains("Invalid client secret"),
            "{format}: {}",
            r.stdout
        );
    }
}

#[test]
fn a_context_line_holding_the_value_of_a_credential_the_line_before_names_is_masked() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("netbox.log");
    std::fs::write(
        &log,
        "2026-11-24T10:02:10Z AADSTS7000215 deployment env:\n\
         2026-11-24T10:02:11Z - name: SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET\n\
         2026-11-24T10:02:12Z   value: tulipgarden50\n\
         2026-11-24T10:02:13Z - name: NETBOX_HOST\n\
         2026-11-24T10:02:14Z   value: netbox.example.com\n\
         2026-11-24T10:02:15Z AADSTS7000215 multipart body:\n\
         2026-11-24T10:02:16Z Content-Disposition: form-data; name=\"client_secret\"\n\
         2026-11-24T10:02:17Z \n\
         2026-11-24T10:02:18Z tulipgarden47\n",
    )
    .unwrap();
    let r = run(&["scan", "-v", "-C", "8", "-o", "json", log.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stdout.contains("tulipgarden50"), "{}", r.stdout);
    assert!(!r.stdout.contains("tulipgarden47"), "{}", r.stdout);
    assert!(r.stdout.contains("netbox.example.com"), "{}", r.stdout);
    assert!(
        r.stdout.contains("SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET"),
        "{}",
        r.stdout
    );
}
