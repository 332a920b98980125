//! The anchor picker: the few literals (at most `MAX_ANCHORS`) that every rule's keywords
//! contain, so one block scan finds every candidate line. The built-in catalog's anchors are
//! picked ahead and stored (`anchors.txt`, keyed by the keywords they were picked for).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use memchr::memmem;

/// Shortest substring the anchor picker will use when it must merge keywords.
const MIN_ANCHOR: usize = 6;

/// Everyday NetBox log text. A merged anchor that occurs here would make most lines
/// candidates, so the picker never chooses one.
pub(crate) const BACKGROUND: &str = include_str!("background.txt");

/// The anchors [`pick_anchors`] chooses for the built-in catalog, with the key of what it
/// chose them from (see [`anchors_key`]). The search is most of the start-up time (about
/// 25 ms of 60), so the built-in catalog reads its answer here; a catalog with rules of its
/// own gets another key and runs the search. A test checks that the file is current.
pub const STORED_ANCHORS: &str = include_str!("anchors.txt");

/// A key for everything [`pick_anchors`] decides from: the keywords, the budget, its
/// length limits and the everyday text it avoids. FNV-1a: stable across builds and
/// platforms, which `std`'s hasher does not promise.
pub fn anchors_key(keywords: &[Vec<u8>], budget: usize) -> u64 {
    let mut hasher = FnvHasher::default();
    for n in [budget, MIN_ANCHOR, MAX_MERGED_ANCHOR] {
        hasher.write(&(n as u64).to_le_bytes());
    }
    hasher.write(BACKGROUND.as_bytes());
    for keyword in keywords {
        hasher.write(&(keyword.len() as u64).to_le_bytes());
        hasher.write(keyword);
    }
    hasher.finish()
}

/// The anchors in `stored` (the format [`store_anchors`] writes), if its key is the key of
/// `keywords` and `budget`.
pub fn stored_anchors(stored: &str, keywords: &[Vec<u8>], budget: usize) -> Option<Vec<Vec<u8>>> {
    let mut lines = stored.lines().filter(|l| !l.starts_with('#'));
    let key = lines.next()?.strip_prefix("key ")?;
    if u64::from_str_radix(key.trim(), 16).ok()? != anchors_key(keywords, budget) {
        return None;
    }
    lines
        .map(|line| {
            serde_json::from_str::<String>(line)
                .ok()
                .map(String::into_bytes)
        })
        .collect()
}

/// `anchors`, chosen for `keywords` and `budget`, in the format [`stored_anchors`] reads:
/// a key line, then one JSON string per anchor (they may start or end with a space).
pub fn store_anchors(anchors: &[Vec<u8>], keywords: &[Vec<u8>], budget: usize) -> String {
    let mut out = String::from(
        "# The anchors the picker chooses for the built-in catalog (catalog::compile::STORED_ANCHORS).\n\
         # Regenerate after changing a keyword: cargo run -p sso-triage-tools -- regen\n",
    );
    out.push_str(&format!("key {:016x}\n", anchors_key(keywords, budget)));
    for anchor in anchors {
        let text = String::from_utf8_lossy(anchor);
        out.push_str(&serde_json::to_string(&text).expect("a string always serialises"));
        out.push('\n');
    }
    out
}

/// Longest substring the anchor picker considers when merging keywords; the SIMD searcher
/// fingerprints only the first bytes, so longer anchors buy nothing.
const MAX_MERGED_ANCHOR: usize = 16;

/// FNV-1a, for the anchor picker's tables of short byte strings: tens of thousands of
/// lookups at start-up, where SipHash's set-up per key costs more than the key.
#[derive(Default)]
pub(crate) struct FnvHasher(u64);

impl Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

pub(crate) type Fnv = BuildHasherDefault<FnvHasher>;

/// Every substring of `s` from [`MIN_ANCHOR`] to [`MAX_MERGED_ANCHOR`] bytes long.
fn substrings(s: &[u8]) -> impl Iterator<Item = &[u8]> {
    (MIN_ANCHOR..=MAX_MERGED_ANCHOR.min(s.len()))
        .flat_map(move |len| (0..=s.len() - len).map(move |start| &s[start..start + len]))
}

/// Chooses at most `budget` literals such that every keyword contains one of them.
///
/// Keywords that contain another keyword are covered by it. When more remain than the budget
/// allows, a greedy set cover merges them: each round takes the substring (at least
/// `MIN_ANCHOR` bytes, absent from everyday log text) shared by the most uncovered
/// keywords, preferring the longer one. Returns the uncovered keywords when it cannot.
pub fn pick_anchors(keywords: &[Vec<u8>], budget: usize) -> Result<Vec<Vec<u8>>, Vec<Vec<u8>>> {
    // A keyword containing a shorter keyword needs no anchor of its own.
    let mut minimal: Vec<&Vec<u8>> = keywords
        .iter()
        .filter(|k| {
            !keywords
                .iter()
                .any(|o| o.len() < k.len() && memmem::find(k, o).is_some())
        })
        .collect();
    minimal.sort();
    minimal.dedup();
    if minimal.len() <= budget {
        return Ok(minimal.into_iter().cloned().collect());
    }

    // Substrings of everyday log text, of the lengths the picker considers.
    // Sized up front: growing these tables was a tenth of the start-up time.
    let span = MAX_MERGED_ANCHOR - MIN_ANCHOR + 1;
    let mut background: HashSet<&[u8], Fnv> =
        HashSet::with_capacity_and_hasher(BACKGROUND.len() * span, Fnv::default());
    background.extend(
        BACKGROUND
            .as_bytes()
            .split(|&b| b == b'\n')
            .flat_map(substrings),
    );
    // candidate substring -> keywords (indices into `minimal`) containing it
    let keyword_bytes: usize = minimal.iter().map(|k| k.len()).sum();
    let mut candidates: HashMap<&[u8], Vec<usize>, Fnv> =
        HashMap::with_capacity_and_hasher(keyword_bytes * span, Fnv::default());
    for (i, k) in minimal.iter().enumerate() {
        for sub in substrings(k) {
            if background.contains(sub) {
                continue;
            }
            let entry = candidates.entry(sub).or_default();
            if entry.last() != Some(&i) {
                entry.push(i);
            }
        }
    }

    let mut covered = vec![false; minimal.len()];
    let mut chosen: Vec<Vec<u8>> = Vec::new();
    // Keywords no candidate can cover (too short, or everyday text) keep themselves.
    let mut coverable = vec![false; minimal.len()];
    for ks in candidates.values() {
        for &i in ks {
            coverable[i] = true;
        }
    }
    for (i, k) in minimal.iter().enumerate() {
        if !coverable[i] {
            covered[i] = true;
            chosen.push(k.to_vec());
        }
    }
    // Greedy set cover with counts kept up to date: when a keyword is covered, each
    // substring of it covers one keyword less. (Recounting every candidate each round
    // was most of the start-up time.)
    let mut pool: Vec<(&[u8], Vec<usize>, usize)> = candidates
        .into_iter()
        .map(|(sub, ks)| {
            let n = ks.len();
            (sub, ks, n)
        })
        .collect();
    // Deterministic ties: the same choice whatever the hash order.
    pool.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut holders: Vec<Vec<usize>> = vec![Vec::new(); minimal.len()];
    for (c, (_, ks, _)) in pool.iter().enumerate() {
        for &i in ks {
            holders[i].push(c);
        }
    }
    for (i, done) in covered.iter().enumerate() {
        if *done {
            for &c in &holders[i] {
                pool[c].2 -= 1;
            }
        }
    }
    // Each round takes the substring covering the most keywords still uncovered, then the
    // longer, then the first in byte order. Counts only fall, so a heap entry whose count
    // is out of date is put back with the current one; an entry that is up to date is the
    // best there is.
    let mut heap: BinaryHeap<(usize, usize, Reverse<&[u8]>, usize)> = pool
        .iter()
        .enumerate()
        .filter(|(_, (_, _, n))| *n > 0)
        .map(|(c, (sub, _, n))| (*n, sub.len(), Reverse(*sub), c))
        .collect();
    let mut uncovered = covered.iter().filter(|c| !**c).count();
    while uncovered > 0 {
        let Some((n, len, sub, best)) = heap.pop() else {
            break;
        };
        let now = pool[best].2;
        if now != n {
            if now > 0 {
                heap.push((now, len, sub, best));
            }
            continue;
        }
        for i in pool[best].1.clone() {
            if !covered[i] {
                covered[i] = true;
                uncovered -= 1;
                for &c in &holders[i] {
                    pool[c].2 -= 1;
                }
            }
        }
        chosen.push(pool[best].0.to_vec());
    }
    if chosen.len() > budget {
        return Err(minimal.into_iter().cloned().collect());
    }
    chosen.sort();
    Ok(chosen)
}
