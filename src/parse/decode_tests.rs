use super::*;

#[test]
fn url_encoded_error_description() {
    let raw = "GET /oauth/complete/azuread-oauth2/?error=invalid_request&error_description=AADSTS50011%3a+The+redirect+URI+%27http%3a%2f%2fnetbox.example.com%2foauth%2fcomplete%2fazuread-oauth2%2f%27+specified%0d%0aTrace+ID%3a+x HTTP/1.1";
    let v = view(raw).unwrap();
    assert!(v.contains("AADSTS50011: The redirect URI 'http://netbox.example.com/oauth/complete/azuread-oauth2/' specified\r\nTrace ID: x"), "{v}");
    assert_eq!(url("a+b%3a%2Fc%zz%"), "a b:/c%zz%");
    assert_eq!(url("%é%"), "%é%");
    assert_eq!(url("plain"), "plain");
    assert_eq!(url("%41%4"), "A%4");
    assert_eq!(url("x+%2b+%"), "x + %");
    assert_eq!(url("%e2%82%ac+%ff"), "\u{20ac} \u{fffd}");
}

#[test]
fn json_escapes_and_html() {
    assert_eq!(
        json_escapes(r#"{\"error\":\"invalid_grant\"}\r\nTrace ID: \u0027x\u0027"#),
        "{\"error\":\"invalid_grant\"}\r\nTrace ID: 'x'"
    );
    assert!(matches!(json_escapes("plain"), Cow::Borrowed(_)));
    assert_eq!(
        html("<td>The redirect URI &#39;http://x/&#39; &quot;q&quot; &amp; &#x27;</td>"),
        " The redirect URI 'http://x/' \"q\" & ' "
    );
    assert_eq!(html("a < b & c"), "a < b & c");
    assert_eq!(view("nothing to do here"), None);
}
