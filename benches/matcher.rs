//! `cargo bench --bench matcher`: throughput of the matching stage (anchor scan, framing,
//! the tagged rules' regexes on candidate events) over a NetBox log held in memory, next
//! to a single-literal `memchr::memmem` count of `AADSTS` over the same buffer in the same
//! process, so the ratio carries over between machines.
//!
//! Plain `std::time::Instant` loops (best and median of N rounds), no criterion: the
//! figure wanted is one ratio against a baseline measured in the same run, criterion's
//! statistics would add minutes and a large dependency tree to every CI build, and CI
//! never runs benches (`cargo test` does not build them).
//!
//! Input: `SSO_TRIAGE_BENCH_LOG=FILE`, else `bench-data/netbox-100M.log` when
//! `bench/bench.sh` has made it, else the samples and test corpus repeated to ~64 MiB
//! (less typical: far more failures per line than a real log).
//! `SSO_TRIAGE_BENCH_ROUNDS=N` sets the rounds (default 5).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sso_triage::app::{build_catalog, count_blocks};
use sso_triage::source::{BLOCK, Block};

fn corpus(dir: &Path, out: &mut Vec<u8>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            corpus(&p, out);
        } else if let Ok(bytes) = std::fs::read(&p) {
            out.extend_from_slice(&bytes);
            if out.last() != Some(&b'\n') {
                out.push(b'\n');
            }
        }
    }
}

fn input() -> (String, Vec<u8>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let named = std::env::var_os("SSO_TRIAGE_BENCH_LOG").map(PathBuf::from);
    let generated = root.join("bench-data/netbox-100M.log");
    if let Some(path) = named.or_else(|| generated.is_file().then_some(generated)) {
        let bytes = std::fs::read(&path).expect("read the bench log");
        return (path.display().to_string(), bytes);
    }
    let mut one = Vec::new();
    corpus(&root.join("samples"), &mut one);
    corpus(&root.join("tests/corpus"), &mut one);
    let mut text = Vec::with_capacity(64 << 20);
    while text.len() < 64 << 20 {
        text.extend_from_slice(&one);
    }
    ("samples + tests/corpus, repeated".into(), text)
}

/// Median and best of `rounds` timings of `f`.
fn time(rounds: usize, mut f: impl FnMut() -> u64) -> (Duration, Duration, u64) {
    let mut times = Vec::with_capacity(rounds);
    let mut result = 0;
    for _ in 0..rounds {
        let t = Instant::now();
        result = std::hint::black_box(f());
        times.push(t.elapsed());
    }
    times.sort();
    (times[times.len() / 2], times[0], result)
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing we need.
    let rounds: usize = std::env::var("SSO_TRIAGE_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5)
        .max(1);
    let (name, text) = input();
    let compiled = build_catalog(&[]).expect("the built-in catalog compiles");
    let mb = text.len() as f64 / 1e6;
    println!("input: {name}, {:.1} MB; {rounds} rounds", mb);

    let finder = memchr::memmem::Finder::new(b"AADSTS");
    let (mm_med, mm_best, mm_hits) = time(rounds, || finder.find_iter(&text).count() as u64);
    // The reader's shape: buffers of about BLOCK bytes, cut after a newline (cut once, so
    // the timing holds no copying).
    let mut blocks = Vec::new();
    let mut rest = &text[..];
    while !rest.is_empty() {
        let want = BLOCK.min(rest.len());
        let cut = memchr::memrchr(b'\n', &rest[..want]).map_or(want, |i| i + 1);
        let mut block = Block::default();
        block.fill_from(&rest[..cut]);
        blocks.push(block);
        rest = &rest[cut..];
    }
    let (m_med, m_best, matched) = time(rounds, || {
        let (counts, ()) = count_blocks(&compiled, 0, |f| blocks.iter_mut().for_each(f));
        counts.matched_events
    });
    let rate = |d: Duration| mb / d.as_secs_f64();
    println!(
        "memmem AADSTS    median {:>8.1} ms  {:>7.0} MB/s  (best {:.0} MB/s)  {mm_hits} hits",
        mm_med.as_secs_f64() * 1e3,
        rate(mm_med),
        rate(mm_best)
    );
    println!(
        "matcher          median {:>8.1} ms  {:>7.0} MB/s  (best {:.0} MB/s)  {matched} matched events",
        m_med.as_secs_f64() * 1e3,
        rate(m_med),
        rate(m_best)
    );
    println!(
        "ratio matcher / memmem: {:.1} x the time (medians)",
        m_med.as_secs_f64() / mm_med.as_secs_f64()
    );
}
