use super::*;

#[test]
fn page_text_keeps_the_error() {
    let page = format!(
        "<html><script>{}</script><div>Message: AADSTS50011: The redirect URI &#39;x&#39;</div>\n<div>Trace ID: 1</div></html>",
        "var a=1;".repeat(5000)
    );
    let t = page_text(&page);
    assert!(t.len() < 4000, "{}", t.len());
    assert!(t.contains("AADSTS50011: The redirect URI") && t.contains("Trace ID: 1"));
}
