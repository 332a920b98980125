use super::*;

#[test]
fn kebab() {
    assert!(is_kebab("aadsts50011-redirect-uri"));
    assert!(!is_kebab("Aadsts"));
    assert!(!is_kebab("a--b"));
    assert!(!is_kebab("a_b"));
    assert!(!is_kebab(""));
}

#[test]
fn code_shapes() {
    for good in [
        "AADSTS50011",
        "invalid_client",
        "AuthStateMissing",
        "HTTP 401",
    ] {
        assert!(is_code(good), "{good}");
    }
    for bad in ["HTTP 4011", " invalid_client", "AADSTS5001x", "", "a\nb"] {
        assert!(!is_code(bad), "{bad}");
    }
}

#[test]
fn aadsts_code_needs_a_non_digit_after_it() {
    assert!(contains_aadsts(b"x AADSTS50011: y", 50011));
    assert!(contains_aadsts(b"AADSTS50011", 50011));
    assert!(!contains_aadsts(b"AADSTS500113: y", 50011));
    assert!(contains_aadsts(b"AADSTS500113 AADSTS50011.", 50011));
}
