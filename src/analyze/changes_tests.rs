use super::*;

#[test]
fn placeholder() {
    assert_eq!(START_MARKERS.len(), MARKERS.len());
}
