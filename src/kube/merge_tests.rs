use super::*;

fn batch(lines: &[(i64, &str)]) -> Batch {
    let mut b = Batch::with_capacity(64);
    for (ts, text) in lines {
        b.push(*ts, b"", text.as_bytes());
    }
    b
}

#[test]
fn merges_by_time_and_waits_for_open_streams() {
    let mut got = Vec::new();
    let mut sink = |b: &[u8]| {
        got.extend_from_slice(b);
        Ok(())
    };
    let (tx_a, rx_a) = mpsc::channel(4);
    let (tx_b, rx_b) = mpsc::channel(4);
    {
        let mut m = Merger::new(None, &mut sink);
        m.add(rx_a);
        m.add(rx_b);
        tx_a.try_send(batch(&[(1, "a1"), (3, "a3"), (5, "a5")]))
            .unwrap();
        m.step(Instant::now(), false).unwrap();
        assert_eq!(m.lines, 0, "b has not spoken yet");
        tx_b.try_send(batch(&[(2, "b2"), (4, "b4")])).unwrap();
        m.step(Instant::now(), false).unwrap();
        assert_eq!(m.lines, 4, "a5 waits for b's next line");
        drop(tx_b);
        m.step(Instant::now(), false).unwrap();
        assert_eq!(m.lines, 5, "b ended: a's held line goes");
        assert!(!m.is_done(), "a is still open");
        drop(tx_a);
        m.step(Instant::now(), false).unwrap();
        assert!(m.is_done());
    }
    assert_eq!(String::from_utf8(got).unwrap(), "a1\nb2\na3\nb4\na5\n");
}

#[test]
fn following_does_not_wait_for_a_silent_stream() {
    let mut got = Vec::new();
    let mut sink = |b: &[u8]| {
        got.extend_from_slice(b);
        Ok(())
    };
    let (tx_a, rx_a) = mpsc::channel(4);
    let (_tx_b, rx_b) = mpsc::channel::<Batch>(4);
    let mut m = Merger::new(Some(Duration::from_secs(1)), &mut sink);
    m.add(rx_a);
    m.add(rx_b);
    tx_a.try_send(batch(&[(1, "a1")])).unwrap();
    let t0 = Instant::now();
    m.step(t0, false).unwrap();
    assert_eq!(
        m.lines, 0,
        "b was just added: it may be about to send history"
    );
    m.step(t0 + Duration::from_millis(1500), false).unwrap();
    assert_eq!(m.lines, 1);
    tx_a.try_send(batch(&[(2, "a2")])).unwrap();
    m.step(t0 + Duration::from_millis(1600), true).unwrap();
    assert_eq!(m.lines, 2, "a stop drains what was received");
}

#[test]
fn a_long_line_goes_out_whole_and_in_order() {
    let mut blocks: Vec<Vec<u8>> = Vec::new();
    let mut sink = |b: &[u8]| {
        blocks.push(b.to_vec());
        Ok(())
    };
    let long = "x".repeat(FLUSH_BYTES * 3);
    let (tx, rx) = mpsc::channel(4);
    {
        let mut m = Merger::new(None, &mut sink);
        m.add(rx);
        tx.try_send(batch(&[(1, "short")])).unwrap();
        tx.try_send(batch(&[(2, &long), (3, "after")])).unwrap();
        drop(tx);
        m.step(Instant::now(), false).unwrap();
        assert_eq!(m.lines, 3);
        assert!(
            m.out.capacity() < FLUSH_BYTES * 2,
            "not copied into the buffer"
        );
    }
    let all: Vec<u8> = blocks.concat();
    assert_eq!(all, format!("short\n{long}\nafter\n").into_bytes());
    assert!(
        blocks.iter().all(|b| b.ends_with(b"\n")),
        "whole lines only"
    );
}

#[test]
fn output_errors_are_returned() {
    let mut sink = |_: &[u8]| -> io::Result<()> { Err(io::Error::from(io::ErrorKind::BrokenPipe)) };
    let (tx, rx) = mpsc::channel(1);
    let mut m = Merger::new(None, &mut sink);
    m.add(rx);
    tx.try_send(batch(&[(1, "x")])).unwrap();
    drop(tx);
    let err = m.step(Instant::now(), false).unwrap_err();
    assert_eq!(err.io_kind(), Some(io::ErrorKind::BrokenPipe));
}
