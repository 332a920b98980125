use super::*;

#[test]
fn wrapping_never_splits_a_word_and_keeps_to_the_width() {
    let text = "In the Entra admin center open App registrations > <NetBox app> > Certificates & secrets and https://login.microsoftonline.com/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0/oauth2/v2.0/token";
    for width in [20, 40, 80, 120] {
        let lines = wrap(text, width, "First step:", "  ");
        let words: Vec<&str> = lines
            .iter()
            .flat_map(|l| l.split_whitespace())
            .filter(|w| *w != "First" && *w != "step:")
            .collect();
        assert_eq!(words.join(" "), text, "width {width}");
        for l in &lines {
            // Only a single word longer than the width may overflow.
            assert!(
                l.width() <= width || l.split_whitespace().count() == 1,
                "{l:?} at {width}"
            );
        }
    }
}

#[test]
fn cutting_keeps_to_the_width_with_an_ellipsis() {
    assert_eq!(cut("short", 10), "short");
    let c = cut("abcdefghijklmnopqrstuvwxyz", 10);
    assert_eq!(c, "abcdefghi…");
    assert_eq!(c.width(), 10);
    // Wide characters count double.
    let c = cut("日本語のテキストです", 9);
    assert!(c.width() <= 9, "{c}");
    assert!(c.ends_with('…'));
    // Line breaks in input never make a second line.
    assert!(!cut("a\nb\rc", 80).contains(['\n', '\r']));
}
