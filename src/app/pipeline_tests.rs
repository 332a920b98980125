use std::cell::Cell;
use std::path::Path;

thread_local! {
    /// The most that jobs done but not yet framed held at once in this thread's last
    /// pipeline run.
    pub(super) static PEAK_DONE_HELD: Cell<usize> = const { Cell::new(0) };
}

use super::super::assemble::report_of_one;
use super::super::build_catalog;
use super::super::scan::{Feed, scan_blocks};
use super::{AHEAD_BYTES, IN_FLIGHT_PER_WORKER, Job, MIN_JOB, job_size, work};
use crate::analyze::Analyzer;
use crate::config::ScanConfig;
use crate::redact::Placeholders;
use crate::report::{Format, Style};
use crate::source::{BLOCK, Block, BlockFn, Input, Ranged, ReadStats};

/// Every sample and corpus file, concatenated: tracebacks, JSON blocks, login flows,
/// fallback rules and Entra ids of every shape the tests know.
fn corpus() -> Vec<u8> {
    fn walk(dir: &Path, out: &mut Vec<u8>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.extend_from_slice(&std::fs::read(&p).unwrap());
                if out.last() != Some(&b'\n') {
                    out.push(b'\n');
                }
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut text = Vec::new();
    walk(&root.join("samples"), &mut text);
    walk(&root.join("tests/corpus"), &mut text);
    text
}

fn config() -> ScanConfig {
    ScanConfig {
        inputs: Vec::new(),
        format: Format::Json,
        style: Style {
            color: false,
            width: Some(120),
            details: false,
            local_time: false,
        },
        fail_on: None,
        show_secrets: false,
        redact_users: false,
        quiet: true,
        threads: None,
        flow_timeout_secs: crate::correlate::DEFAULT_FLOW_TIMEOUT_SECS,
        redirect_uri: None,
        match_records: false,
        live: false,
        filter: crate::filter::EventFilter::default(),
        min_severity: None,
        symptoms: Vec::new(),
        context: 0,
    }
}

/// The JSON report of `text` handed out in buffers of whole lines of about `sizes`
/// bytes (cycling), matched on `workers` threads.
fn report(text: &[u8], sizes: &[usize], workers: usize) -> Vec<u8> {
    let mut read = |f: &mut BlockFn<'_>| {
        let mut rest = text;
        let mut n = 0;
        let mut block = Block::default();
        while !rest.is_empty() {
            let want = sizes[n % sizes.len()].min(rest.len());
            n += 1;
            let cut = match memchr::memchr(b'\n', &rest[want - 1..]) {
                Some(i) => want + i,
                None => rest.len(),
            };
            block.fill_from(&rest[..cut]);
            f(&mut block);
            rest = &rest[cut..];
        }
        Ok(ReadStats {
            bytes: text.len() as u64,
            ..ReadStats::default()
        })
    };
    render(workers, Feed::Blocks(&mut read)).0
}

/// The JSON report of what `feed` gives, matched on `workers` threads, and the read
/// stats.
fn render(workers: usize, feed: Feed<'_, '_>) -> (Vec<u8>, ReadStats) {
    let compiled = build_catalog(&[]).unwrap();
    let config = config();
    let scanned = scan_blocks("log".into(), &compiled, &config, workers, &mut |_| {}, feed);
    let stats = scanned.read.unwrap();
    let out = report_of_one(
        &config,
        &compiled,
        scanned.collected,
        stats.bytes,
        "log",
        &mut Placeholders::default(),
    );
    (out, stats)
}

/// Buffer boundaries that fall strictly inside a Python traceback.
fn cuts_inside_tracebacks(text: &[u8], sizes: &[usize]) -> usize {
    let mut cuts = Vec::new();
    let (mut at, mut n) = (0, 0);
    while at < text.len() {
        let want = sizes[n % sizes.len()].min(text.len() - at);
        n += 1;
        at += memchr::memchr(b'\n', &text[at + want - 1..]).map_or(text.len() - at, |i| want + i);
        cuts.push(at);
    }
    cuts.iter()
        .filter(|&&c| {
            let before = &text[c.saturating_sub(2000)..c];
            let after = &text[c..(c + 200).min(text.len())];
            memchr::memmem::rfind(before, b"Traceback (most recent call last):").is_some_and(|t| {
                !before[t..].windows(7).any(|w| w == b"\n\n") && after.starts_with(b"  ")
            })
        })
        .count()
}

#[test]
fn matching_on_other_threads_gives_the_same_report() {
    let text = corpus().repeat(2);
    let sizes = [700, 1500, 257, 3000, 4096, 90];
    assert!(
        cuts_inside_tracebacks(&text, &sizes) > 0,
        "no traceback crosses a buffer"
    );
    let whole = report(&text, &[usize::MAX], 0);
    let json: serde_json::Value = serde_json::from_slice(&whole).unwrap();
    assert!(json["summary"]["tracebacks"].as_u64().unwrap() > 0);
    assert!(json["findings"].as_array().unwrap().len() > 10);
    assert!(!json["flows"].as_array().unwrap().is_empty());
    let single = report(&text, &sizes, 0);
    assert_eq!(
        String::from_utf8_lossy(&single),
        String::from_utf8_lossy(&whole)
    );
    for workers in [1, 2] {
        let parallel = report(&text, &sizes, workers);
        assert_eq!(
            String::from_utf8_lossy(&parallel),
            String::from_utf8_lossy(&single),
            "{workers} workers"
        );
    }
}

/// A file the workers read a range each, with range boundaries inside tracebacks, JSON
/// blocks and login flows, and a last line without a newline: the same report, and
/// every byte counted, whatever the range size and number of workers.
#[test]
fn workers_reading_ranges_give_the_same_report() {
    let mut text = corpus().repeat(2);
    text.extend_from_slice(b"2026-11-20 09:14:00,000 ERROR last line without a newline");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("netbox.log");
    std::fs::write(&path, &text).unwrap();
    let whole = report(&text, &[usize::MAX], 0);
    for (size, workers) in [(1000, 1), (4096, 2), (333, 2), (1 << 20, 2)] {
        let file = Ranged::open(&Input::File(path.clone()))
            .expect("a plain text file is read in ranges")
            .with_range_size(size);
        let (ranged, stats) = render(workers, Feed::Ranged(&file));
        assert_eq!(stats.bytes, text.len() as u64, "{size} bytes per range");
        assert!(
            ranged == whole,
            "{size} bytes per range, {workers} workers: {}",
            first_difference(&ranged, &whole)
        );
    }
}

/// Where two reports part: the first line that differs, with its neighbours.
fn first_difference(a: &[u8], b: &[u8]) -> String {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let at = (0..a.len().max(b.len()))
        .find(|&i| a.get(i) != b.get(i))
        .unwrap_or(0);
    let around =
        |l: &[&str]| l[at.saturating_sub(3).min(l.len())..(at + 3).min(l.len())].join("\n");
    format!(
        "line {}:\n{}\n---- expected:\n{}",
        at + 1,
        around(&a),
        around(&b)
    )
}

/// A live stream hands on one line at a time: a JSON block or traceback whose opening
/// line came in an earlier buffer is still found by looking back.
#[test]
fn buffers_of_one_line_give_the_same_report() {
    let text = corpus();
    let whole = report(&text, &[usize::MAX], 0);
    for sizes in [&[1][..], &[1, 5000]] {
        let small = report(&text, sizes, 0);
        assert!(
            small == whole,
            "buffers of {sizes:?} bytes: {}",
            first_difference(&small, &whole)
        );
    }
}

/// A log where every line matches, each with values of its own (issue #15): Entra
/// errors with ids, failed callbacks from new clients, secrets, state errors.
fn dense(bytes: usize) -> Vec<u8> {
    let mut text = Vec::new();
    let mut n = 0u64;
    while text.len() < bytes {
        let t = format!(
            "2026-11-20T09:{:02}:{:02}.{:03}Z",
            n / 60_000 % 60,
            n / 1000 % 60,
            n % 1000
        );
        let line = match n % 4 {
            0 => format!(
                "{t} ERROR AADSTS50011: The redirect URI 'http://h{n}.example.com/oauth/complete/azuread-oauth2/' specified in the request does not match. Trace ID: {n:08x}-0000-4000-8000-{n:012x}\n"
            ),
            1 => format!(
                "{t} 10.{}.{}.{} - - [20/Nov/2026:09:00:00 +0000] \"GET /oauth/complete/azuread-oauth2/?code=0.AX{n:040}&state=s{n:030} HTTP/1.1\" 500 145 \"-\" \"Agent/{n}\"\n",
                n >> 16 & 255,
                n >> 8 & 255,
                n & 255
            ),
            2 => format!(
                "{t} ERROR AADSTS7000215: Invalid client secret provided. client_secret=Q8~{n:040}\n"
            ),
            _ => format!(
                "{t} social_core.exceptions.AuthStateMissing: Session value state missing. {n}\n"
            ),
        };
        text.extend_from_slice(line.as_bytes());
        n += 1;
    }
    text
}

/// A worker stops matching ahead once what it matched weighs [`AHEAD_BYTES`]: the
/// rest of a dense buffer waits for the calling thread, and the next jobs are smaller.
#[test]
fn a_dense_buffer_is_matched_ahead_up_to_the_cap() {
    let compiled = build_catalog(&[]).unwrap();
    let analyzer = Analyzer::new(&compiled, "dense.log".into(), false);
    let mut observer = analyzer.observer();
    let scanner = compiled.scanner();
    let text = dense(BLOCK);
    let mut job = Job::default();
    job.block.fill_from(&text);
    work(&mut job, None, &scanner, &mut observer);
    let lines = text.iter().filter(|&&b| b == b'\n').count();
    assert_eq!(job.scan.candidates.len(), lines);
    assert!(
        job.ahead.len() < lines / 2,
        "{} of {lines} matched ahead",
        job.ahead.len()
    );
    assert!(
        job.ahead
            .iter()
            .all(|o| o.as_ref().is_some_and(|o| o.fired()))
    );
    assert!(
        (AHEAD_BYTES..AHEAD_BYTES + (64 << 10)).contains(&job.weight),
        "{} bytes matched ahead",
        job.weight
    );
    assert!(job.covered < text.len());
    let next = job_size(job.weight, job.covered);
    assert!(
        (MIN_JOB..BLOCK / 2).contains(&next),
        "next job {next} bytes"
    );
    // A log as sparse as the benchmark's keeps whole buffers.
    assert_eq!(job_size(20_000, BLOCK), BLOCK);
}

/// Dense input on two threads: the same report as on one, whether the buffers come
/// from a reader (and are cut smaller) or the workers read ranges (of smaller sizes),
/// and what waits between the threads stays bounded (issue #15: 1 MiB of such lines
/// made some 10 MB of observations, and six buffers could be out).
#[test]
fn dense_input_keeps_what_waits_between_threads_bounded() {
    let text = dense(3 * BLOCK);
    let single = report(&text, &[BLOCK], 0);
    let bound = 2 * IN_FLIGHT_PER_WORKER * (2 * BLOCK + 64 + AHEAD_BYTES + (64 << 10));
    super::tests::PEAK_DONE_HELD.set(0);
    let parallel = report(&text, &[BLOCK], 2);
    let peak = super::tests::PEAK_DONE_HELD.get();
    assert!(
        peak > 0 && peak <= bound,
        "{peak} bytes held, bound {bound}"
    );
    assert!(
        parallel == single,
        "buffers: {}",
        first_difference(&parallel, &single)
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dense.log");
    std::fs::write(&path, &text).unwrap();
    let file = Ranged::open(&Input::File(path)).unwrap();
    super::tests::PEAK_DONE_HELD.set(0);
    let (ranged, stats) = render(2, Feed::Ranged(&file));
    let peak = super::tests::PEAK_DONE_HELD.get();
    assert!(
        peak > 0 && peak <= bound,
        "{peak} bytes held, bound {bound}"
    );
    assert_eq!(stats.bytes, text.len() as u64);
    assert!(
        ranged == single,
        "ranges: {}",
        first_difference(&ranged, &single)
    );
}
