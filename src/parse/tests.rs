use super::traceback::TRACEBACK_START;
use super::*;
use crate::search::BlockSearcher;

#[derive(Debug, PartialEq)]
struct Got {
    line: u64,
    lines: u64,
    pod: Option<String>,
    body: String,
    traceback: bool,
    context: Option<String>,
}

/// A block searcher over a few catalog literals; the traceback opener is pattern 3.
fn searcher() -> BlockSearcher {
    let literals = vec![
        b"AADSTS".to_vec(),
        b"state missing".to_vec(),
        b"error_codes".to_vec(),
        TRACEBACK_START.to_vec(),
    ];
    BlockSearcher::for_tests(&literals)
}

fn frame_all(input: &[u8], block_size: usize) -> (Vec<Got>, FrameStats) {
    let searcher = searcher();
    let mut framer = Framer::new(&searcher, 3);
    let mut got = Vec::new();
    let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let mut emit = |f: &Event<'_>| {
        got.push(Got {
            line: f.line,
            lines: f.lines,
            pod: f.pod.map(s),
            body: s(f.body),
            traceback: f.traceback,
            context: f.context.map(s),
        })
    };
    // Feed in blocks that end at line boundaries, as the reader does.
    let mut rest = input;
    while !rest.is_empty() {
        let cut = if rest.len() <= block_size {
            rest.len()
        } else {
            rest[..block_size]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(rest.len(), |i| i + 1)
        };
        framer.feed(&rest[..cut], &mut emit);
        rest = &rest[cut..];
    }
    framer.finish(&mut emit);
    (got, framer.stats)
}

const INTERLEAVED: &str = "\
[pod/netbox-a/netbox] 2026-11-20T09:14:02Z INFO all good
[pod/netbox-a/netbox] 2026-11-20T09:14:03Z Request failed with 400: AADSTS54005 x
[pod/netbox-a/netbox] 2026-11-20T09:14:03Z Traceback (most recent call last):
[pod/netbox-b/netbox] 2026-11-20T09:14:03Z GET / 200
[pod/netbox-a/netbox] 2026-11-20T09:14:03Z   File \"x.py\", line 1, in f
[pod/netbox-b/netbox] 2026-11-20T09:14:03Z Traceback (most recent call last):
[pod/netbox-a/netbox] 2026-11-20T09:14:03Z social_core.exceptions.AuthStateMissing: Session value state missing.
[pod/netbox-b/netbox] 2026-11-20T09:14:04Z   File \"y.py\", line 2, in g
[pod/netbox-b/netbox] 2026-11-20T09:14:04Z ValueError: boom
[pod/netbox-a/netbox] 2026-11-20T09:14:05Z INFO after
";

#[test]
fn tracebacks_of_two_pods_never_join() {
    let (got, stats) = frame_all(INTERLEAVED.as_bytes(), 1 << 20);
    assert_eq!(got.len(), 3, "{got:#?}");
    assert_eq!(got[0].line, 2);
    assert!(!got[0].traceback);
    assert_eq!(got[1].line, 3);
    assert_eq!(got[1].lines, 3);
    assert_eq!(got[1].pod.as_deref(), Some("netbox-a"));
    assert!(got[1].body.ends_with("Session value state missing."));
    assert!(!got[1].body.contains("y.py"));
    assert_eq!(
        got[1].context.as_deref(),
        Some("[pod/netbox-a/netbox] 2026-11-20T09:14:03Z Request failed with 400: AADSTS54005 x")
    );
    assert_eq!(got[2].pod.as_deref(), Some("netbox-b"));
    assert_eq!(got[2].lines, 3);
    assert!(got[2].body.ends_with("ValueError: boom"));
    assert_eq!(stats.lines, 10);
    assert_eq!(stats.tracebacks, 2);
    assert_eq!(stats.events(), 10 - 6 + 2);
}

#[test]
fn block_boundaries_do_not_change_events() {
    let (whole, stats) = frame_all(INTERLEAVED.as_bytes(), 1 << 20);
    for size in [1, 40, 100, 200, 333] {
        let (got, s) = frame_all(INTERLEAVED.as_bytes(), size);
        assert_eq!(got, whole, "block size {size}");
        assert_eq!(s, stats, "block size {size}");
    }
}

#[test]
fn crlf_and_missing_final_newline_and_invalid_utf8() {
    let input = b"ok\r\nAADSTS50011 here\r\nbad \xff\xfe AADSTS7000222\0 x\r\nlast line AADSTS1";
    let (got, stats) = frame_all(input, 1 << 20);
    assert_eq!(got.len(), 3);
    assert_eq!(got[0].body, "AADSTS50011 here");
    assert_eq!(got[1].line, 3);
    assert!(got[1].body.contains("AADSTS7000222\0"));
    assert_eq!(got[2].line, 4);
    assert_eq!(stats.lines, 4);
    assert_eq!(stats.invalid_utf8_lines, 1);
}

#[test]
fn traceback_open_at_end_of_input_is_flushed() {
    let input = b"Traceback (most recent call last):\n  File \"x\", line 1\n";
    let (got, stats) = frame_all(input, 1 << 20);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].lines, 2);
    assert_eq!(stats.events(), 1);
}

const PRETTY: &str = "\
[pod/nb-a/netbox] 2026-11-20T09:14:02Z INFO start
[pod/nb-a/netbox] 2026-11-20T09:14:03Z Request failed with 400: {
[pod/nb-a/netbox] 2026-11-20T09:14:03Z   \"error\": \"invalid_grant\",
[pod/nb-b/netbox] 2026-11-20T09:14:03Z GET / 200
[pod/nb-a/netbox] 2026-11-20T09:14:03Z   \"error_description\": \"AADSTS54005: code was already redeemed\",
[pod/nb-a/netbox] 2026-11-20T09:14:03Z   \"error_codes\": [
[pod/nb-a/netbox] 2026-11-20T09:14:03Z     54005
[pod/nb-a/netbox] 2026-11-20T09:14:03Z   ]
[pod/nb-a/netbox] 2026-11-20T09:14:03Z }
[pod/nb-a/netbox] 2026-11-20T09:14:04Z INFO after
";

#[test]
fn pretty_printed_json_is_one_event_when_unbroken() {
    // A line of another pod inside the value (`kubectl logs -l`) is stepped over: the value
    // is one event of its pod, the other pod's line one of its own.
    // See: issue 17 (shapes).
    let (got, stats) = frame_all(PRETTY.as_bytes(), 1 << 20);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!((got[0].line, got[0].lines), (2, 7));
    assert!(!got[0].body.contains("GET /"));
    assert_eq!(stats.events(), 10 - 7 + 1);
    let single_pod: String = PRETTY
        .lines()
        .filter(|l| !l.contains("nb-b"))
        .map(|l| format!("{l}\n"))
        .collect();
    let (got, stats) = frame_all(single_pod.as_bytes(), 1 << 20);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].line, 2);
    assert_eq!(got[0].lines, 7);
    assert!(got[0].body.starts_with("Request failed with 400: {"));
    assert!(got[0].body.contains("54005\n  ]\n}"));
    assert_eq!(stats.json_blocks, 1);
    assert_eq!(stats.events(), 9 - 7 + 1);
}

/// The scan of a block finds each line holding a literal once, with its index and whether
/// it may open a traceback; lines and invalid UTF-8 are counted over the whole block.
#[test]
fn block_scan_lists_candidate_lines() {
    let literals = vec![
        b"AADSTS".to_vec(),
        b"/login/".to_vec(),
        TRACEBACK_START.to_vec(),
    ];
    let searcher = BlockSearcher::for_tests(&literals);
    let block = b"plain\nAADSTS1 and AADSTS2\nTraceback (most recent call last):\n\
        bad \xff byte\n10.0.0.1 - - [x] \"GET /login/ HTTP/1.1\" 200 1 \"-\" \"kube-probe/1.31\"\n\
        10.0.0.2 - - [x] \"GET /login/?next=/ HTTP/1.1\" 200 1 \"-\" \"Mozilla/5.0\"\n\
        10.0.0.1 - - [x] \"GET /login/ AADSTS50011\" 200 1 \"-\" \"kube-probe/1.31\"\nlast AADSTS";
    let mut scan = BlockScan::default();
    let lines = |scan: &BlockScan| -> Vec<(u64, bool)> {
        scan.candidates.iter().map(|c| (c.index, c.opens)).collect()
    };
    Scanner::new(&searcher, 2).scan(block, &mut scan);
    assert_eq!(
        lines(&scan),
        [
            (1, false),
            (2, true),
            (4, false),
            (5, false),
            (6, false),
            (7, false)
        ]
    );
    assert_eq!((scan.lines, scan.invalid_utf8_lines), (8, 1));
    let c = scan.candidates[0];
    assert_eq!(&block[c.start..c.end], b"AADSTS1 and AADSTS2");
    // Health probes on /login/ are left out, unless another literal is on the line.
    Scanner::new(&searcher, 2)
        .skip_probes(1)
        .scan(block, &mut scan);
    assert_eq!(
        lines(&scan),
        [(1, false), (2, true), (5, false), (6, false), (7, false)]
    );
    // A block ending in a newline has no extra line.
    Scanner::new(&searcher, 2).scan(b"a\nAADSTS\n", &mut scan);
    assert_eq!((scan.lines, lines(&scan)), (2, vec![(1, false)]));
}

/// Every candidate made into an event on its own is the event the framer emits for it.
#[test]
fn single_line_frames_match_the_framer() {
    let searcher = searcher();
    let mut text = INTERLEAVED.as_bytes().to_vec();
    text.extend_from_slice(
        b"{\"error_codes\": [50011]}\n  \"error_codes\": [1]\nAADSTS50011 end\n",
    );
    let mut scan = BlockScan::default();
    let mut framer = Framer::new(&searcher, 3);
    framer.scanner().scan(&text, &mut scan);
    let mut checked = 0;
    framer.feed_scanned(&text, &scan, &mut |frame, index| {
        if let Some(i) = index
            && let Some(ahead) = single_line_frame(&text, &scan.candidates[i])
        {
            checked += 1;
            assert_eq!(ahead.line, frame.line);
            assert_eq!(ahead.body, frame.body);
            assert_eq!(ahead.pod, frame.pod);
            assert_eq!(ahead.kube_time, frame.kube_time);
        }
    });
    assert!(checked >= 2, "{checked}");
}

#[test]
fn lossy_borrows_clean_text_and_replaces_bad_bytes() {
    assert!(matches!(
        lossy("état AADSTS50011".as_bytes()),
        std::borrow::Cow::Borrowed("état AADSTS50011")
    ));
    assert_eq!(lossy(b"bad \xff\xfe byte"), "bad \u{FFFD}\u{FFFD} byte");
}

#[test]
fn invalid_utf8_lines_are_counted_once_each() {
    let mut text = b"ok\n".to_vec();
    text.extend_from_slice(b"one \xff bad\nclean\ntwo \xc3 bad \xff again\n");
    text.extend_from_slice("é ok\n".as_bytes());
    text.extend_from_slice(b"last \xe2\x82");
    assert_eq!(count_invalid_utf8_lines(&text), 3);
    assert_eq!(count_invalid_utf8_lines(b"all clean\n"), 0);
}

/// See: issue 17 (shapes). A message wrapped over lines is one event, found from its
/// first line (the next line goes on from it) or from a later one (looking back), and the
/// same wherever the buffers are cut.
#[test]
fn wrapped_records_are_one_event() {
    let input = "\
May 02 10:11:12 vm netbox[7]: ERROR Token request failed: invalid_client:
May 02 10:11:12 vm netbox[7]:     AADSTS7000215: Invalid client secret provided.
May 02 10:11:12 vm nginx[9]: 10.42.0.7 - - [02/May/2024:10:11:12 +0000] \"GET / HTTP/1.1\" 200
2024-05-02 10:11:13,000 ERROR x {\"error_description\":\"AADSTS90014: The field 'c
lient_id' is missing\"}
2024-05-02 10:11:14,000 INFO after
";
    for size in [1 << 20, 64, 100, 150] {
        let (got, stats) = frame_all(input.as_bytes(), size);
        let joined: Vec<(u64, u64)> = got.iter().map(|g| (g.line, g.lines)).collect();
        assert_eq!(joined, [(1, 2), (4, 2)], "block {size}: {got:#?}");
        assert!(
            got[0]
                .body
                .ends_with("invalid_client: AADSTS7000215: Invalid client secret provided.")
        );
        assert!(got[1].body.contains("'client_id' is missing"));
        assert_eq!(stats.events(), 6 - 4 + 2);
    }
}

/// See: issue 17 (shapes). A bare `{` after a line that leads in to it: one event from the
/// lead-in line, which has the time.
#[test]
fn json_after_a_lead_in_line_starts_at_the_lead_in() {
    let input = "\
2024-05-02 10:11:12,001 ERROR social Token request failed. Response:
{
  \"error_description\": \"AADSTS7000215: Invalid client secret provided.\",
  \"error_codes\": [7000215]
}
2024-05-02 10:11:13,000 INFO after
";
    let (got, _) = frame_all(input.as_bytes(), 1 << 20);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!((got[0].line, got[0].lines), (1, 5));
    assert!(got[0].body.starts_with("2024-05-02 10:11:12,001 ERROR"));
}

/// See: issue 17 (shapes). The rows of Django's request dump are no events (but the
/// query's error rows), wherever the dump stands.
#[test]
fn django_request_dump_rows_are_no_events() {
    let input = "\
Request information
GET
Variable\tValue
error_description\t'AADSTS65004: declined'
state\t'state missing is no error row'
COOKIES
Variable\tValue
sessionid\t'AADSTS50011 in a cookie'
";
    let (got, _) = frame_all(input.as_bytes(), 1 << 20);
    let lines: Vec<u64> = got.iter().map(|g| g.line).collect();
    assert_eq!(lines, [4], "{got:#?}");
}

/// See: issue 17 (shapes). A traceback behind a journal prefix, its lines of one process:
/// another process's line in between does not cut it.
#[test]
fn journal_traceback_is_one_event() {
    let input = "\
May 02 10:12:30 vm netbox[7]: Traceback (most recent call last):
May 02 10:12:30 vm netbox[7]:   File \"x.py\", line 93, in validate_state
May 02 10:12:30 vm nginx[9]: 10.42.0.7 - - [02/May/2024:10:12:30 +0000] \"GET / HTTP/1.1\" 200
May 02 10:12:30 vm netbox[7]: social_core.exceptions.AuthStateMissing: Session value state missing.
";
    let (got, _) = frame_all(input.as_bytes(), 1 << 20);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(got[0].traceback);
    assert_eq!((got[0].line, got[0].lines), (1, 3));
    assert!(got[0].body.ends_with("Session value state missing."));
}

/// A live stream hands each line on as it comes: the framer does not hold the last line of
/// a buffer back waiting for a next line that may never come (`kube -f` on a quiet pod).
#[test]
fn a_live_stream_hands_on_each_line_as_it_comes() {
    let searcher = searcher();
    let lines: [&[u8]; 2] = [
        b"[pod/netbox-a/netbox] 2026-11-20T09:14:03Z Request failed: AADSTS50011 one\n",
        b"[pod/netbox-a/netbox] 2026-11-20T09:14:04Z Request failed: AADSTS7000215 two\n",
    ];
    for live in [false, true] {
        let mut framer = Framer::new(&searcher, 3);
        framer.set_live(live);
        let mut got = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            framer.feed(line, &mut |f| got.push(f.line));
            if live {
                assert_eq!(got, (1..=i as u64 + 1).collect::<Vec<_>>(), "live, fed {i}");
            }
        }
        // Held or not, every line is an event once the input ends.
        framer.finish(&mut |f| got.push(f.line));
        assert_eq!(got, [1, 2], "live {live}");
    }
}

/// A long line the container runtime cut (CRI `P` pieces, then an `F` piece) is one event,
/// its pieces joined as they were before the cut, whichever piece the error is in; lines of
/// another stream between the pieces stay events of their own.
#[test]
fn a_line_the_runtime_cut_is_joined_again() {
    let head = "2026-11-20T09:14:03.100000000Z stderr P ";
    let last = "2026-11-20T09:14:03.100000001Z stderr F ";
    for (pieces, error_at) in [(2, 1), (3, 0), (3, 2), (4, 1)] {
        let mut text = String::from("2026-11-20T09:14:02.000000000Z stdout F all good\n");
        let mut whole = String::new();
        for i in 0..pieces {
            let piece = if i == error_at {
                format!("part{i} AADSTS7000215 invalid secret ")
            } else {
                format!("part{i} {} ", "x".repeat(40))
            };
            whole.push_str(&piece);
            text.push_str(if i + 1 == pieces { last } else { head });
            text.push_str(&piece);
            text.push('\n');
        }
        text.push_str("2026-11-20T09:14:04.000000000Z stdout F after\n");
        for block in [8, 64, 4096] {
            let (got, _) = frame_all(text.as_bytes(), block);
            assert_eq!(
                got.len(),
                1,
                "{pieces} pieces, error in {error_at}: {got:?}"
            );
            assert_eq!(got[0].body, whole);
            assert_eq!((got[0].line, got[0].lines), (2, pieces as u64));
        }
    }
}

/// The pieces of a cut line are joined by stream: another pod's pieces, the container's
/// other stream (an access line on stdout between two stderr pieces) and pieces far
/// beyond the look-back window are kept apart and whole; a piece that starts like a
/// process prefix is still only a piece.
#[test]
fn cut_lines_are_joined_by_stream_and_whole() {
    let t = "2026-11-20T09:14:03.1Z";
    let big = "y".repeat(16 << 10);
    let text = format!(
        "[pod/a/c] {t} stderr P a1 {big}\n\
         [pod/b/c] {t} stderr P b1 key=\n\
         [pod/a/c] {t} stdout F GET /oauth/complete/azuread-oauth2/?code=x 302\n\
         [pod/a/c] {t} stderr P a2 {big}\n\
         [pod/a/c] {t} stderr P a3 {big}\n\
         [pod/a/c] {t} stderr P a4 {big}\n\
         [pod/a/c] {t} stderr P a5 {big}\n\
         [pod/b/c] {t} stderr F state | AADSTS50011 b2\n\
         [pod/a/c] {t} stderr F a6 AADSTS7000215 end\n"
    );
    for block in [100, 40 << 10, 1 << 20] {
        let (got, stats) = frame_all(text.as_bytes(), block);
        let bodies: Vec<&str> = got.iter().map(|g| g.body.as_str()).collect();
        let b = got
            .iter()
            .find(|g| g.body.contains("b2"))
            .expect("pod b's line");
        assert_eq!(b.body, "b1 key=state | AADSTS50011 b2", "{block}");
        assert_eq!((b.line, b.lines, b.pod.as_deref()), (2, 2, Some("b")));
        let a = got
            .iter()
            .find(|g| g.body.contains("a6"))
            .expect("pod a's line");
        assert_eq!(
            a.body,
            format!("a1 {big}a2 {big}a3 {big}a4 {big}a5 {big}a6 AADSTS7000215 end"),
            "{block}"
        );
        assert_eq!((a.line, a.lines), (1, 6));
        assert_eq!(got.len(), 2, "{block}: {bodies:?}");
        assert_eq!(stats.lines, 9);
        // Two lines made of six and two pieces, and the access line on stdout.
        assert_eq!(stats.events(), 3);
    }
}

/// A traceback's last line cut into pieces ends the traceback whole.
#[test]
fn a_traceback_whose_last_line_was_cut() {
    let t = "2026-11-20T09:14:03.1Z stderr";
    let text = format!(
        "{t} F Traceback (most recent call last):\n\
         {t} F   File \"x.py\", line 1, in f\n\
         {t} P social_core.exceptions.AuthStateMissing: AADSTS500\n\
         {t} F 11: The redirect URI\n\
         {t} F INFO next\n"
    );
    let (got, _) = frame_all(text.as_bytes(), 4096);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].traceback);
    assert!(
        got[0]
            .body
            .ends_with("AuthStateMissing: AADSTS50011: The redirect URI"),
        "{:?}",
        got[0].body
    );
}

/// Many streams that each open an event that never ends (a piece of a cut line, a
/// traceback) keep a bounded number of events open, so the framer's time stays linear
/// (every line looks through the open events): the oldest is closed, not lost.
#[test]
fn streams_that_never_end_their_events_keep_few_open() {
    let searcher = searcher();
    let mut framer = Framer::new(&searcher, 3);
    let mut got = 0;
    let mut most = 0;
    for i in 0..2_000 {
        let text = format!(
            "[pod/p{i}/c] 2026-11-20T09:14:03.1Z stderr P AADSTS50011 x\n\
             [pod/q{i}/c] Traceback (most recent call last):\n"
        );
        framer.feed(text.as_bytes(), &mut |_| got += 1);
        most = most.max(framer.open_events());
    }
    assert!(most <= 128, "{most} open");
    framer.finish(&mut |_| got += 1);
    assert_eq!(got, 4_000);
}
