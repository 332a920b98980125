use super::*;

const S: i64 = NANOS_PER_SEC;

#[test]
fn timestamps_parse_with_any_fraction_and_offset() {
    assert_eq!(timestamp(b"1970-01-01T00:00:01.5Z hi"), Some(S + S / 2));
    assert_eq!(timestamp(b"1970-01-01T00:00:01.000000001Z x"), Some(S + 1));
    assert_eq!(timestamp(b"1970-01-01T01:00:00+01:00 x"), Some(0));
    assert_eq!(timestamp(b"not a time at all"), None);
    assert_eq!(timestamp(b"1970-01-01T00:00:01Z"), None, "needs the space");
    assert_eq!(timestamp(b""), None);
}

#[test]
fn floor_second_rounds_down_even_before_1970() {
    assert_eq!(floor_second(S + S - 1), 1);
    assert_eq!(floor_second(-1), -1);
}

#[test]
fn replayed_lines_are_dropped_once_and_new_ones_kept() {
    let mut seen = Seen::new();
    // Emitted before the cut: two lines in second 10 (one of them twice, same content).
    for (ts, h) in [
        (9 * S + 5, 1),
        (10 * S + 1, 2),
        (10 * S + 1, 2),
        (10 * S + 7, 3),
    ] {
        assert!(seen.admit(Some(ts), h));
    }
    assert_eq!(seen.resume(), Some(10));
    // The server replays second 10, then brings a line of second 10 never seen, then more.
    assert!(!seen.admit(Some(10 * S + 1), 2));
    assert!(!seen.admit(Some(10 * S + 1), 2));
    assert!(
        seen.admit(Some(10 * S + 1), 2),
        "a third identical line was never emitted"
    );
    assert!(!seen.admit(Some(10 * S + 7), 3));
    assert!(seen.admit(Some(10 * S + 7), 4), "same time, other content");
    assert!(seen.admit(Some(11 * S), 5));
    // After the replay, identical lines are new again (a program may log the same twice).
    assert!(seen.admit(Some(11 * S), 5));
}

#[test]
fn replay_older_than_the_asked_second_is_dropped() {
    let mut seen = Seen::new();
    assert!(seen.admit(Some(10 * S + 5), 1));
    seen.resume();
    assert!(!seen.admit(Some(9 * S), 7));
    assert!(seen.admit(Some(12 * S), 8));
}

#[test]
fn lines_without_timestamp_are_never_dropped() {
    let mut seen = Seen::new();
    assert_eq!(seen.resume(), None);
    assert!(seen.admit(None, 1));
    assert!(seen.admit(None, 1));
}

#[test]
fn window_keeps_only_the_latest_second() {
    let mut seen = Seen::new();
    for i in 0..10_000 {
        assert!(seen.admit(Some(i * S / 100), i as u64));
    }
    // 100 lines per second: the window holds the last second only.
    assert!(seen.window_len() <= 100, "{}", seen.window_len());
    assert_eq!(seen.last(), Some(9_999 * S / 100));
}

#[test]
fn batch_offsets() {
    let mut b = Batch::with_capacity(64);
    b.push(1, b"[pod/p/c] ", b"a");
    b.push(2, b"[pod/p/c] ", b"bc");
    assert_eq!(b.data, b"[pod/p/c] a\n[pod/p/c] bc\n");
    assert_eq!(b.start(1), 12);
    assert_eq!(&b.data[b.start(1)..b.lines[1].1], b"[pod/p/c] bc\n");
}

fn cut(cutter: &mut Cutter, parts: &[&[u8]]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for p in parts {
        cutter.feed(p, &mut |l| out.push(l.to_vec()));
    }
    cutter.finish(&mut |l| out.push(l.to_vec()));
    out
}

#[test]
fn a_line_longer_than_any_buffer_is_one_line() {
    let mut c = Cutter::new(1 << 20);
    let long = vec![b'x'; 300_000];
    let mut parts: Vec<&[u8]> = vec![b"a\nb"];
    parts.extend(long.chunks(4096));
    parts.push(b"\nlast");
    let lines = cut(&mut c, &parts);
    let mut want_b = b"b".to_vec();
    want_b.extend_from_slice(&long);
    assert_eq!(lines, vec![b"a".to_vec(), want_b, b"last".to_vec()]);
    assert_eq!(c.split, 0);
}

#[test]
fn a_line_past_the_limit_is_handed_on_in_counted_pieces() {
    let mut c = Cutter::new(10);
    let lines = cut(&mut c, &[b"0123456", b"789abcdefghij", b"klm\nok\n"]);
    assert_eq!(
        lines,
        vec![
            b"0123456789abcdefghij".to_vec(),
            b"klm".to_vec(),
            b"ok".to_vec()
        ]
    );
    assert_eq!(c.split, 1, "one line, cut once");
    assert!(
        c.carry.capacity() == 0,
        "the long line's memory is given back"
    );
}

#[test]
fn a_broken_connection_drops_the_unfinished_line() {
    let mut c = Cutter::new(64);
    let mut out = Vec::new();
    c.feed(b"done\nhalf of a li", &mut |l| out.push(l.to_vec()));
    c.clear();
    c.finish(&mut |l| out.push(l.to_vec()));
    assert_eq!(out, vec![b"done".to_vec()]);
}

#[test]
fn a_resume_tells_whether_it_reached_back_to_the_last_line() {
    let mut seen = Seen::new();
    assert!(seen.admit(Some(10 * S + 5), 1));
    seen.resume();
    assert!(!seen.matched());
    assert!(!seen.admit(Some(10 * S + 5), 1));
    assert!(seen.matched(), "the last line came again");
    assert!(seen.admit(Some(11 * S), 2));
    assert_eq!(seen.first_new(), Some(11 * S));
    // Next resume: the log no longer holds the last line (container restarted).
    seen.resume();
    assert!(seen.admit(Some(20 * S), 3));
    assert!(!seen.matched());
    assert_eq!(seen.first_new(), Some(20 * S));
}
