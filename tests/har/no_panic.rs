//! No input makes the HAR reader or redact-har panic: mutated captures (bytes deleted,
//! inserted, replaced, cut, repeated) and arbitrary JSON under `log.entries`. A copy that
//! redact-har writes is JSON, and scan reads it whenever it read the input.

use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use sso_triage::catalog::compile::Compiled;
use sso_triage::har;

use super::genhar;
use super::planted::{Secrets, planted_har};

fn compiled() -> &'static Compiled {
    static C: OnceLock<Compiled> = OnceLock::new();
    C.get_or_init(|| sso_triage::app::build_catalog(&[]).expect("the embedded catalog"))
}

fn base() -> &'static [u8] {
    static B: OnceLock<Vec<u8>> = OnceLock::new();
    B.get_or_init(|| {
        let mut har = planted_har(&Secrets::new(11));
        let mut more = Vec::new();
        genhar::generate(&mut more, 14, 5).unwrap();
        let more: Value = serde_json::from_slice(&more).unwrap();
        let entries = har["log"]["entries"].as_array_mut().unwrap();
        entries.extend(more["log"]["entries"].as_array().unwrap().iter().cloned());
        serde_json::to_vec_pretty(&har).unwrap()
    })
}

fn check(bytes: &[u8]) {
    let options = har::Options {
        flow_timeout_secs: 600,
        ..har::Options::default()
    };
    let (_, read) = har::scan_bytes(bytes, "mutated.har", compiled(), &options);
    let mut copy = Vec::new();
    let redacted = har::redact_reader(std::path::Path::new("m.har"), bytes, &mut copy);
    if let Err(e) = &read {
        let line = e.to_string();
        assert!(!line.contains('\n'), "{line}");
    }
    if redacted.is_ok() {
        let v: Value = serde_json::from_slice(&copy).expect("the copy is JSON");
        assert!(v["log"]["entries"].is_array());
        if read.is_ok() {
            let (_, again) = har::scan_bytes(&copy, "copy.har", compiled(), &options);
            assert!(again.is_ok(), "{again:?}");
        }
    }
}

fn mutate(base: &[u8], ops: &[(usize, u8, u8, usize)]) -> Vec<u8> {
    let mut b = base.to_vec();
    for &(at, op, byte, len) in ops {
        if b.is_empty() {
            break;
        }
        let at = at % b.len();
        let end = (at + len).min(b.len());
        match op {
            0 => {
                b.drain(at..end);
            }
            1 => b.insert(at, byte),
            2 => b[at] = byte,
            3 => b.truncate(at),
            _ => {
                let piece = b[at..end].to_vec();
                b.splice(at..at, piece);
            }
        }
    }
    b
}

/// Strings that reach every branch of the masking: secrets, URLs, forms, HTML, base64.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Abc8Q~FAKEfakeFAKEfakeFAKEfakeFAKEfake12".to_string()),
        Just("https://nb.example.com/oauth/complete/azuread-oauth2/?code=0.AXoAxxxxxxxxxxxxxxxxxxxxxxxxxxx&state=s".to_string()),
        Just("<input type=hidden name=code value=0.AXoAzzzzzzzzzzzzzzzzzzzzzzzzz>".to_string()),
        Just("PGlucHV0IG5hbWU9ImNvZGUiIHZhbHVlPSJ4Ij4=".to_string()),
        Just("a=b&client_secret=x y&c".to_string()),
        Just("{\"clientSecret\": \"x\", \"a\": [1, {\"idToken\": null}]}".to_string()),
        Just("sessionid=abc; Path=/\ncsrftoken=def".to_string()),
        Just("base64".to_string()),
        Just("AADSTS50011: The redirect URI 'http://x/' specified".to_string()),
        ".{0,40}",
        "[A-Za-z0-9+/=~._-]{0,80}",
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "request",
            "response",
            "url",
            "headers",
            "name",
            "value",
            "content",
            "text",
            "encoding",
            "postData",
            "mimeType",
            "cookies",
            "status",
            "queryString",
            "redirectURL",
            "startedDateTime",
            "params",
            "method",
        ])
        .prop_map(str::to_string),
        "[a-zA-Z_]{1,12}",
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn mutated_captures(ops in prop::collection::vec((any::<usize>(), 0u8..5, any::<u8>(), 0usize..200), 1..6)) {
        check(&mutate(base(), &ops));
    }

    #[test]
    fn arbitrary_entries(entries in prop::collection::vec(value(), 0..8), extra in value()) {
        let doc = json!({"log": {"entries": entries, "pages": extra.clone()}, "x": extra});
        check(&serde_json::to_vec(&doc).unwrap());
        check(&serde_json::to_vec_pretty(&doc).unwrap());
    }
}
