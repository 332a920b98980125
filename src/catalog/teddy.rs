//! The order the block searcher is given its literals in: Teddy's buckets share a
//! fingerprint, so literals that look alike on everyday text are kept apart. The order for
//! the built-in catalog is tuned ahead (`teddy_order.txt`); any other gets a quick one.

use std::collections::HashMap;

use super::anchors::Fnv;
use crate::parse::traceback::TRACEBACK_START;

/// Teddy's buckets (16 with AVX2) each take every 16th pattern in the order given, and a
/// bucket flags a position when each of the first four bytes there matches a low nibble
/// and a high nibble some pattern of the bucket has at that place. Literals that share
/// their high nibbles (a space then lower case, say) put together in one bucket keep the
/// other buckets' masks narrow: on NetBox logs the scan runs about 30% faster than with
/// the literals in sorted order. Returns the literal indices in the order to build with.
pub fn teddy_order(literals: &[Vec<u8>]) -> Vec<usize> {
    const BUCKETS: usize = 16;
    let mut sorted: Vec<usize> = (0..literals.len()).collect();
    let head = |i: &usize| {
        let l = &literals[*i];
        let his: Vec<u8> = l.iter().take(4).map(|b| b >> 4).collect();
        let los: Vec<u8> = l.iter().take(4).map(|b| b & 15).collect();
        (his, los, l.clone())
    };
    sorted.sort_by_cached_key(head);
    // Cut the sorted list into 16 runs and deal them out so that run g gets the ids
    // g, g + 16, g + 32...: one bucket each.
    let (base, extra) = (sorted.len() / BUCKETS, sorted.len() % BUCKETS);
    let mut runs = Vec::with_capacity(BUCKETS);
    let mut rest = &sorted[..];
    for g in 0..BUCKETS {
        let (run, after) = rest.split_at(base + usize::from(g < extra));
        runs.push(run);
        rest = after;
    }
    (0..=base)
        .flat_map(|k| runs.iter().filter_map(move |run| run.get(k).copied()))
        .collect()
}

/// The literals the block searcher scans for: the anchors, then [`TRACEBACK_START`].
pub fn block_literals(anchors: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut literals = anchors.to_vec();
    literals.push(TRACEBACK_START.to_vec());
    literals
}

/// The order in which the built-in catalog's block literals are given to Teddy, one JSON
/// string per line, chosen by [`tuned_teddy_order`] on NetBox text of our own (written by
/// `cargo run -p sso-triage-tools -- regen`). Used when it holds exactly the literals
/// of the catalog in use; otherwise [`teddy_order`]'s rule applies.
pub const STORED_TEDDY_ORDER: &str = include_str!("teddy_order.txt");

/// The stored order (see [`STORED_TEDDY_ORDER`]) as indices into `literals`, if it holds
/// exactly those literals.
pub fn stored_teddy_order(stored: &str, literals: &[Vec<u8>]) -> Option<Vec<usize>> {
    let mut order = Vec::with_capacity(literals.len());
    for line in stored
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let literal = serde_json::from_str::<String>(line).ok()?.into_bytes();
        let i = literals.iter().position(|l| *l == literal)?;
        if order.contains(&i) {
            return None;
        }
        order.push(i);
    }
    (order.len() == literals.len()).then_some(order)
}

/// Teddy's fat searcher has 16 buckets and fingerprints the first 4 bytes of each literal;
/// the literal given in place `p` goes to bucket `15 - p % 16` (aho-corasick's rule).
const TEDDY_BUCKETS: usize = 16;
const TEDDY_MASK: usize = 4;

/// Counts of each distinct 4-byte window of `corpus`.
fn windows_of(corpus: &[u8]) -> Vec<([u8; TEDDY_MASK], u64)> {
    let mut counts: HashMap<[u8; TEDDY_MASK], u64, Fnv> = HashMap::default();
    for w in corpus.windows(TEDDY_MASK) {
        let mut key = [0u8; TEDDY_MASK];
        key.copy_from_slice(w);
        *counts.entry(key).or_default() += 1;
    }
    let mut out: Vec<_> = counts.into_iter().collect();
    out.sort_unstable();
    out
}

/// What a bucket holding `members` costs on a corpus (its `windows`): every window that
/// passes the bucket's nibble masks makes Teddy compare each member with the text there.
fn bucket_cost(windows: &[([u8; TEDDY_MASK], u64)], members: &[&[u8]]) -> u64 {
    if members.is_empty() {
        return 0;
    }
    let mut lo = [0u16; TEDDY_MASK];
    let mut hi = [0u16; TEDDY_MASK];
    for m in members {
        for (j, &b) in m.iter().take(TEDDY_MASK).enumerate() {
            lo[j] |= 1 << (b & 15);
            hi[j] |= 1 << (b >> 4);
        }
    }
    let pass = |w: &[u8; TEDDY_MASK]| {
        w.iter()
            .enumerate()
            .all(|(j, &b)| lo[j] & (1 << (b & 15)) != 0 && hi[j] & (1 << (b >> 4)) != 0)
    };
    let hits: u64 = windows
        .iter()
        .filter(|(w, _)| pass(w))
        .map(|(_, n)| n)
        .sum();
    hits * members.len() as u64
}

/// An order for Teddy whose buckets pass few places of `corpus` they do not match: starts
/// from [`teddy_order`] and swaps literals between buckets while the cost on the corpus
/// falls (see [`teddy_cost`]). Slow (seconds): run offline, stored in [`STORED_TEDDY_ORDER`].
pub fn tuned_teddy_order(literals: &[Vec<u8>], corpus: &[u8]) -> Vec<usize> {
    let windows = windows_of(corpus);
    let start = teddy_order(literals);
    let mut bucket = vec![0usize; literals.len()];
    for (place, &i) in start.iter().enumerate() {
        bucket[i] = TEDDY_BUCKETS - 1 - place % TEDDY_BUCKETS;
    }
    let members = |bucket: &[usize], b: usize| -> Vec<&[u8]> {
        (0..literals.len())
            .filter(|&i| bucket[i] == b)
            .map(|i| literals[i].as_slice())
            .collect()
    };
    let mut cost: Vec<u64> = (0..TEDDY_BUCKETS)
        .map(|b| bucket_cost(&windows, &members(&bucket, b)))
        .collect();
    let mut improved = true;
    while improved {
        improved = false;
        for i in 0..literals.len() {
            for j in i + 1..literals.len() {
                let (bi, bj) = (bucket[i], bucket[j]);
                if bi == bj {
                    continue;
                }
                bucket.swap(i, j);
                let ci = bucket_cost(&windows, &members(&bucket, bi));
                let cj = bucket_cost(&windows, &members(&bucket, bj));
                if ci + cj < cost[bi] + cost[bj] {
                    (cost[bi], cost[bj]) = (ci, cj);
                    improved = true;
                } else {
                    bucket.swap(i, j);
                }
            }
        }
    }
    // Place p takes the next literal of bucket 15 - p % 16; sizes are as the start's.
    let mut queues: Vec<Vec<usize>> = vec![Vec::new(); TEDDY_BUCKETS];
    for (i, &b) in bucket.iter().enumerate().rev() {
        queues[b].push(i);
    }
    (0..literals.len())
        .map(|place| {
            queues[TEDDY_BUCKETS - 1 - place % TEDDY_BUCKETS]
                .pop()
                .expect("each bucket keeps its size")
        })
        .collect()
}

/// What the buckets `order` makes cost on `corpus`: each place that passes a bucket's nibble
/// masks, times the literals compared there. For tests and the tuning tool.
pub fn teddy_cost(literals: &[Vec<u8>], order: &[usize], corpus: &[u8]) -> u64 {
    let windows = windows_of(corpus);
    (0..TEDDY_BUCKETS)
        .map(|b| {
            let members: Vec<&[u8]> = order
                .iter()
                .enumerate()
                .filter(|(place, _)| TEDDY_BUCKETS - 1 - place % TEDDY_BUCKETS == b)
                .map(|(_, &i)| literals[i].as_slice())
                .collect();
            bucket_cost(&windows, &members)
        })
        .sum()
}
