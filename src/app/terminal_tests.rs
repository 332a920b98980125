use super::*;

#[test]
fn width_comes_from_the_flag_then_columns_then_the_terminal() {
    let no_terminal = || None;
    assert_eq!(choose_width(Some(90), Some("70"), || Some(80)), 90);
    assert_eq!(choose_width(None, Some("70"), || Some(80)), 70);
    assert_eq!(choose_width(None, Some(" 70\n"), no_terminal), 70);
    assert_eq!(choose_width(None, None, || Some(80)), 80);
    assert_eq!(choose_width(None, None, no_terminal), DEFAULT_WIDTH);
    // A COLUMNS that is not a width is ignored, not an error.
    for bad in ["", "wide", "-5", "0", "99999999"] {
        assert_eq!(choose_width(None, Some(bad), || Some(80)), 80, "{bad:?}");
    }
    // Never narrower than anything can be laid out in.
    assert_eq!(choose_width(None, Some("12"), no_terminal), MIN_WIDTH);
    assert_eq!(choose_width(None, None, || Some(3)), MIN_WIDTH);
}
