use super::*;

/// Looking for ids only before GUID-shaped places finds what a search of the whole text
/// finds: on every sample, corpus and fixture line, and on labels far from their GUID.
#[test]
fn ids_found_near_guids_are_all_the_ids() {
    let whole = |text: &str| -> Vec<(IdKind, String)> {
        ENTRA_ID
            .captures_iter(text)
            .filter_map(|caps| Some((id_kind(&caps, text)?, caps[2].to_ascii_lowercase())))
            .collect()
    };
    let guid = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
    let mut texts = vec![
        format!("Trace ID:{}{guid}", " ".repeat(300)),
        format!(
            "Correlation Id{}={}\"{guid}",
            "\t".repeat(70),
            " ".repeat(70)
        ),
        format!("request_id=\"{guid}\" trace%20id%3a+{guid}x Trace ID: {guid}-1234"),
        format!("{guid} {guid}-{guid}trace id {guid}"),
        format!("é{}Trace ID: {guid}", "ü".repeat(30)),
    ];
    texts.extend(crate::test_support::repo_lines());
    texts.extend(
        crate::test_support::repo_files(&["samples", "tests/corpus", "tests/fixtures"])
            .iter()
            .map(|f| String::from_utf8_lossy(f).into_owned()),
    );
    let mut with_ids = 0;
    for text in &texts {
        let mut near = Vec::new();
        ids_in(text, &mut near);
        assert_eq!(near, whole(text), "{text}");
        with_ids += usize::from(!near.is_empty());
    }
    assert!(with_ids > 50, "{with_ids} texts with ids");
}

#[test]
fn entra_ids_in_plain_json_and_url_encoded_text() {
    let plain = "AADSTS50011: x. Trace ID: 0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 Correlation ID: 11111111-2222-4333-8444-555555555555 Timestamp: 2026-11-20 09:14:05Z";
    let ids = entra_ids(plain);
    assert_eq!(ids.len(), 3);
    let json = r#"{"trace_id":"0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0","correlation_id":"11111111-2222-4333-8444-555555555555"}"#;
    assert_eq!(entra_ids(json).len(), 2);
    // The log's own request ids are not Entra's; the browser page's `Request Id` is.
    let own = r#"{"event":"request_started","request_id":"21b93483-bd2f-44e8-a9c6-8ceae2bd6106"} request-id=21b93483-bd2f-44e8-a9c6-8ceae2bd6106"#;
    assert_eq!(entra_ids(own), []);
    let page = "Request Id: 0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
    assert_eq!(entra_ids(page).len(), 1);
    let encoded = "error_description=AADSTS65004%3a+User+declined.%0d%0aTrace+ID%3a+0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0%0d%0aCorrelation+ID%3a+11111111-2222-4333-8444-555555555555";
    let ids = entra_ids(encoded);
    assert!(
        matches!(ids[1], (IdKind::Correlation, ref v) if v == "11111111-2222-4333-8444-555555555555"),
        "{ids:?}"
    );
}

/// See: issue 15. A non-ASCII byte right after a GUID-shaped text panicked the run.
#[test]
fn guid_shapes_next_to_multibyte_chars_do_not_panic() {
    for text in [
        "Trace ID: 1a2b3c4d-0000-4111-8222-33334444555é",
        "Trace ID: é1a2b3c4d-0000-4111-8222-333344445555",
        "Trace ID: 1a2b3c4d-0000-4111-8222-3333444455é5 x",
        "éééééééé-éééé-éééé-éééé-éééééééééééé",
        "Correlation ID: 1a2b3c4d-0000-4111-8222-333344445555€",
    ] {
        let _ = entra_ids(text);
    }
    let ids = entra_ids("Trace ID: 1a2b3c4d-0000-4111-8222-333344445555 é");
    assert_eq!(ids.len(), 1);
}
