use super::*;

#[test]
fn stored_schemas_are_current() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (path, schema) in [
        (REPORT_SCHEMA_PATH, report_schema()),
        (RECORD_SCHEMA_PATH, record_schema()),
        (DIFF_SCHEMA_PATH, diff_schema()),
    ] {
        let want = stored_text(&schema);
        let file = root.join(path);
        if std::env::var_os("SSO_TRIAGE_BLESS").is_some() {
            std::fs::write(&file, &want).unwrap();
        }
        let have = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(
            have == want,
            "{path} is stale: run SSO_TRIAGE_BLESS=1 cargo test --lib stored_schemas"
        );
    }
}
