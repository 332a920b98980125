use super::*;

const BACKOFF_START: Duration = Duration::from_millis(250);

#[test]
fn backoff_doubles_to_its_cap_with_jitter() {
    let mut b = Backoff::new(BACKOFF_START);
    let first = b.next();
    assert!(first >= BACKOFF_START * 8 / 10 && first <= BACKOFF_START * 12 / 10);
    for _ in 0..20 {
        let d = b.next();
        assert!(d <= BACKOFF_MAX * 12 / 10, "{d:?}");
    }
    assert!(b.next() >= BACKOFF_MAX * 8 / 10);
    b.reset();
    assert!(b.next() <= BACKOFF_START * 12 / 10);
}

#[test]
fn replays_are_counted_and_lines_prefixed() {
    let mut seen = Seen::new();
    let mut batch = Batch::with_capacity(128);
    let mut dups = 0;
    let line = b"2026-01-01T00:00:00.5Z hello \xff";
    assert!(take_line(
        line,
        b"[pod/p/c] ",
        &mut seen,
        &mut batch,
        &mut dups
    ));
    seen.resume();
    assert!(!take_line(
        line,
        b"[pod/p/c] ",
        &mut seen,
        &mut batch,
        &mut dups
    ));
    assert_eq!(dups, 1);
    assert_eq!(batch.data, b"[pod/p/c] 2026-01-01T00:00:00.5Z hello \xff\n");
}
