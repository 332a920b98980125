use super::*;

#[test]
fn ingress_nginx_line_with_request_id() {
    let line = r#"10.42.0.1 - - [20/Nov/2026:09:14:02 +0000] "GET /oauth/complete/azuread-oauth2/?code=0.AXoA&state=Xy7&session_state=abc HTTP/1.1" 302 0 "https://login.microsoftonline.com/" "Mozilla/5.0 (X11)" 1534 0.412 [kotsadm-netbox-8080] [] 10.42.1.23:8080 0 0.412 302 6d2b8c1e0f9a4b7c8d3e2f1a0b9c8d7e"#;
    let a = parse(line).unwrap();
    assert_eq!(a.client, "10.42.0.1");
    assert_eq!(a.path, "/oauth/complete/azuread-oauth2/");
    assert_eq!(a.param("state"), Some("Xy7"));
    assert_eq!(a.status, 302);
    assert_eq!(a.user_agent.as_deref(), Some("Mozilla/5.0 (X11)"));
    assert_eq!(
        a.request_id.as_deref(),
        Some("6d2b8c1e0f9a4b7c8d3e2f1a0b9c8d7e")
    );
    assert_eq!(a.time.unwrap().to_rfc3339(), "2026-11-20T09:14:02+00:00");
}

#[test]
fn error_callback_and_granian_and_not_access() {
    let a = parse(r#"203.0.113.9 - - [20/Nov/2026:09:14:02 +0000] "GET /oauth/complete/azuread-oauth2/?error=access_denied&error_description=AADSTS65004%3a+User+declined HTTP/1.1" 302 0"#).unwrap();
    assert_eq!(
        a.param("error_description"),
        Some("AADSTS65004: User declined")
    );
    assert_eq!(a.user_agent, None);
    let g =
        parse(r#"[2026-11-20 09:14:02 +0000] 10.0.0.5 - "GET /login/ HTTP/1.1" 200 3.2"#).unwrap();
    assert_eq!(g.path, "/login/");
    assert!(parse("INFO 2026-11-20 09:14:02,123 social Request failed").is_none());
}

/// The hand-written reader must agree with the regex on every line it accepts.
#[test]
fn first_choice_reader_agrees_with_the_regex() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut lines: Vec<String> = Vec::new();
    let mut dirs = vec![root.join("samples"), root.join("tests")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if let Ok(text) = std::fs::read(&path) {
                for raw in text.split(|&b| b == b'\n') {
                    let body = crate::parse::kubectl::split(raw).body;
                    lines.push(String::from_utf8_lossy(body).into_owned());
                }
            }
        }
    }
    // Shapes that must go to the regex.
    let base = r#"10.42.0.1 - - [20/Nov/2026:09:14:02 +0000] "GET /oauth/login/azuread-oauth2/ HTTP/1.1" 302 0 "-" "Mozilla/5.0""#;
    for (from, to) in [
        (
            "\"GET /oauth/login/azuread-oauth2/ HTTP/1.1\"",
            "\"GET /x\"",
        ),
        (
            "\"GET /oauth/login/azuread-oauth2/ HTTP/1.1\"",
            "\"GET /x\" junk\"",
        ),
        (" 302 ", " 3021 "),
        (" 302 ", "\t302 "),
        ("10.42.0.1 ", "prefix 10.42.0.1 "),
        ("10.42.0.1 ", "10.42.0.1\t"),
        ("[20/Nov/2026:09:14:02 +0000]", "[short]"),
        ("\"Mozilla/5.0\"", "\"Mozilla/5.0"),
        ("\"-\" ", "\"-\""),
        ("GET", "GETTINGS"),
        ("Mozilla", "Mozillä"),
    ] {
        lines.push(base.replace(from, to));
    }
    lines.push(base.to_string());
    let mut fast = 0;
    for line in &lines {
        if let Some(f) = combined_first_choice(line) {
            fast += 1;
            assert_eq!(Some(f), fields_by_regex(line), "{line}");
        }
    }
    assert!(fast > 50, "only {fast} lines took the fast path");
}
