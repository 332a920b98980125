use super::*;

#[test]
fn parts() {
    let u = Url::parse("https://login.microsoftonline.com/common/oauth2/authorize?client_id=a&redirect_uri=http%3A%2F%2Fnb.example.com%2Foauth%2Fcomplete%2Fazuread-oauth2%2F#x=1").unwrap();
    assert!(u.is_entra());
    assert_eq!(u.path, "/common/oauth2/authorize");
    assert_eq!(
        u.param("redirect_uri"),
        Some("http://nb.example.com/oauth/complete/azuread-oauth2/")
    );
    assert_eq!(u.fragment, vec![("x".into(), "1".into())]);
    let u = Url::parse("http://nb.example.com:8080").unwrap();
    assert_eq!(
        (u.host.as_str(), u.port, u.path.as_str()),
        ("nb.example.com", Some(8080), "/")
    );
    assert_eq!(Url::parse("nb.example.com/x"), None);
    assert_eq!(Url::parse("https://h:bad/").unwrap().host, "h:bad");
}
