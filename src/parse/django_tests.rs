use super::*;

#[test]
fn dump_lines_in_both_layouts() {
    let rows: &[(&str, Option<DumpLine>)] = &[
        ("Request information:", Some(DumpLine::Start)),
        ("Request information", Some(DumpLine::Start)),
        ("GET:", Some(DumpLine::Heading(Section::Get))),
        ("GET", Some(DumpLine::Heading(Section::Get))),
        (
            "POST: No POST data",
            Some(DumpLine::Heading(Section::Other)),
        ),
        (
            "USER: AnonymousUser",
            Some(DumpLine::Heading(Section::Other)),
        ),
        ("COOKIES", Some(DumpLine::Heading(Section::Other))),
        ("Local vars", Some(DumpLine::Heading(Section::Other))),
        ("sessionid = 'x'", Some(DumpLine::Row)),
        ("HTTP_COOKIE\t'csrftoken=x'", Some(DumpLine::Row)),
        ("wsgi.url_scheme = 'https'", Some(DumpLine::Row)),
        ("Variable\tValue", Some(DumpLine::Row)),
        (" 'social_django']", Some(DumpLine::Row)),
        ("jdoe@example.test", Some(DumpLine::Row)),
        ("INSTALLED_APPS", Some(DumpLine::Row)),
        ("", Some(DumpLine::Blank)),
        (
            "You're seeing this error because you have DEBUG = True in your",
            Some(DumpLine::Row),
        ),
        ("2026-11-20 09:14:02,123 ERROR social x", None),
        ("AADSTS50011: The redirect URI", None),
        ("Request failed with 401", None),
        ("Thanks, Tomasz", None),
    ];
    for (line, want) in rows {
        assert_eq!(dump_line(line.as_bytes()), *want, "{line}");
    }
}

#[test]
fn section_is_read_from_the_nearest_heading() {
    let above: Vec<&[u8]> = vec![
        b"csrftoken = 'x'",
        b"COOKIES:",
        b"",
        b"error_description = 'AADSTS65004: declined'",
        b"GET:",
        b"USER: AnonymousUser",
        b"Request information:",
    ];
    let from = |n: usize| above[n..].iter().map(|l| Some(*l)).collect::<Vec<_>>();
    assert_eq!(
        section_of(b"sessionid = 'y'", from(0), None),
        Some(Section::Other)
    );
    assert_eq!(
        section_of(b"error = 'access_denied'", from(3), None),
        Some(Section::Get)
    );
    // A line of another stream, or a line that is no part of a dump, ends the walk.
    assert_eq!(
        section_of(b"sessionid = 'y'", vec![None, Some(&b"COOKIES:"[..])], None),
        None
    );
    assert_eq!(
        section_of(
            b"sessionid = 'y'",
            vec![Some(&b"INFO all good here"[..])],
            None
        ),
        None
    );
    assert_eq!(section_of(b"2026-11-20 ERROR x", from(0), None), None);
    // What is known of a line further up ends the walk there.
    assert_eq!(
        section_of(b"sessionid = 'y'", from(0), Some((1, Some(Section::Get)))),
        Some(Section::Get)
    );
    assert_eq!(section_of(b"x = 'y'", from(0), Some((2, None))), None);
    // A heading nearer than the known line is the answer.
    assert_eq!(
        section_of(b"x = 'y'", from(0), Some((3, None))),
        Some(Section::Other)
    );
}

#[test]
fn report_header_and_exception_lines() {
    assert!(is_report_header(
        b"AuthCanceled at /oauth/complete/azuread-oauth2/"
    ));
    assert!(is_report_header(
        b"Report at /oauth/complete/azuread-oauth2/"
    ));
    assert!(!is_report_header(
        b"Error at /oauth/complete/ while logging in"
    ));
    assert!(!is_report_header(b"look at /tmp"));
    assert!(continues_exception(
        b"Exception Value: Wrong state parameter given."
    ));
    assert!(continues_exception(
        b"Trace ID: 0a1b2c3d-1111-2222-3333-444455556666"
    ));
    assert!(is_chain_marker(
        b"During handling of the above exception (400 Client Error), another exception occurred:"
    ));
    assert!(!is_chain_marker(
        b"During handling of the above exception, another exception occurred:"
    ));
}
