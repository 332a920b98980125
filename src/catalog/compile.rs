//! Compiles the loaded catalog once into the data the matcher runs on: one `Regex` per rule
//! pattern, a table from AADSTS code to rules, and at most [`MAX_ANCHORS`] anchor literals
//! (each tagged with the rules it stands for) that a SIMD searcher can scan a whole read
//! buffer for. A rule whose keywords contain no anchor cannot exist: the anchor set is chosen
//! to cover every keyword.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind, packed};
use memchr::memmem;
use regex::bytes::{Regex, RegexBuilder};

use crate::catalog::{Catalog, Detector, Refine, Rule, RuleLookup};

/// The packed (Teddy) searcher takes at most 64 literals. One slot is kept for the framing
/// literal that opens a Python traceback, so the catalog gets the rest.
pub const MAX_ANCHORS: usize = 63;

/// The literal every AADSTS code carries; always an anchor, so unknown codes are seen too.
pub const AADSTS: &[u8] = b"AADSTS";

/// The line that opens a Python traceback; the framer needs to see it in the block scan.
pub const TRACEBACK_START: &[u8] = b"Traceback (most recent call last):";

/// Lines that carry Entra's ids without an error code (a pasted browser error page puts
/// `Request Id:`, `Correlation Id:` and `Timestamp:` on lines of their own). They tag no
/// rule; the analyzer attaches what they hold to the finding next to them.
pub const CONTEXT_ANCHORS: &[&[u8]] = &[
    b"Correlation I",
    b"Request Id",
    b"Trace ID",
    b"Timestamp: ",
    ERROR_CODES,
    // Login flow requests for the correlator: `/oauth/login/`, the login page, callbacks.
    LOGIN_ANCHOR,
    // A JWT: the dot between its header and its payload, both base64 of `{"` (see
    // `crate::token`), so a token in a debug line is checked for its claims.
    b".eyJ",
    b"/oauth/complete/",
];

/// The anchor for login page requests (and `/oauth/login/`).
pub const LOGIN_ANCHOR: &[u8] = b"/login/";

/// The JSON field in which Entra lists its codes as bare numbers (`"error_codes":[54005]`);
/// the matcher reads them like `AADSTS54005`.
pub const ERROR_CODES: &[u8] = b"error_codes";

/// Shortest substring the anchor picker will use when it must merge keywords.
const MIN_ANCHOR: usize = 6;

/// Everyday NetBox log text. A merged anchor that occurs here would make most lines
/// candidates, so the picker never chooses one.
const BACKGROUND: &str = include_str!("background.txt");

/// A rule ready to run.
#[derive(Debug)]
pub struct CompiledRule {
    /// The rule as written.
    pub rule: Rule,
    /// Where it was read from.
    pub file: String,
    /// One regex per pattern, same order.
    pub regexes: Vec<Regex>,
}

/// The compiled catalog.
#[derive(Debug)]
pub struct Compiled {
    /// Rules in id order; indices are the rule numbers used everywhere else.
    pub rules: Vec<CompiledRule>,
    /// The anchor literals (without the framing literal).
    pub anchors: Vec<Vec<u8>>,
    /// Pattern id of `AADSTS` among the anchors.
    pub aadsts_anchor: usize,
    /// Pattern id of [`ERROR_CODES`] among the anchors.
    pub error_codes_anchor: usize,
    /// Rules each anchor stands for.
    pub anchor_rules: Vec<Vec<u32>>,
    /// AADSTS code -> rules that report it.
    pub code_table: HashMap<u32, Vec<u32>>,
    /// Block scanner over anchors + [`TRACEBACK_START`] (pattern id `anchors.len()`).
    pub block: BlockSearcher,
    /// Searcher over the anchors: where a long line is cut for display (the first to end).
    pub tagger: AhoCorasick,
    /// Every rule keyword plus [`AADSTS`] and [`ERROR_CODES`]. On a candidate event a
    /// rule's regexes run only when one of its own keywords is there (every text a pattern
    /// matches contains one), so the short anchors the picker merged to never cost regex
    /// runs. Keywords are found through the anchors each contains ([`Compiled::keyword_hits`]).
    pub keywords: Vec<Vec<u8>>,
    /// Rules each keyword stands for (same ids as in [`Compiled::keywords`]).
    pub keyword_rules: Vec<Vec<u32>>,
    /// For each anchor, the keywords holding it, with the offset it sits at in each (once
    /// per place: a keyword may hold it twice).
    pub anchor_keywords: Vec<Vec<(u32, u32)>>,
    /// Keyword id of [`AADSTS`].
    pub aadsts_keyword: usize,
    /// Keyword id of [`ERROR_CODES`].
    pub error_codes_keyword: usize,
    /// Anchor id of `/login/`, which health probes hit (see [`crate::parse::access::is_probe`]).
    pub login_anchor: usize,
}

/// The stage-one searcher: Teddy when the CPU allows it, else an Aho-Corasick automaton.
/// Both report the leftmost literal, the longest of those starting there, so the order the
/// literals are given in does not matter.
#[derive(Debug)]
pub struct BlockSearcher {
    kind: SearcherKind,
    /// For each literal, the literals that are proper prefixes of it: they start wherever
    /// it does, and the searcher reports only the longest.
    prefixes: Vec<Vec<usize>>,
}

#[derive(Debug)]
enum SearcherKind {
    /// SIMD packed searcher, with the literal each of its patterns is (Teddy gets the
    /// literals in an order of its own, grouped for its buckets).
    Packed(packed::Searcher, Vec<usize>),
    /// Portable fallback.
    Automaton(AhoCorasick),
}

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
/// `cargo run --release --example teddy_order`). Used when it holds exactly the literals
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

impl BlockSearcher {
    fn new(literals: &[Vec<u8>]) -> Self {
        let order = stored_teddy_order(STORED_TEDDY_ORDER, literals)
            .unwrap_or_else(|| teddy_order(literals));
        let packed = packed::Config::new()
            .match_kind(packed::MatchKind::LeftmostLongest)
            .builder()
            .extend(order.iter().map(|&i| &literals[i]))
            .build();
        let kind = match packed {
            Some(searcher) => SearcherKind::Packed(searcher, order),
            None => SearcherKind::Automaton(
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(literals)
                    .expect("a few dozen short literals always build"),
            ),
        };
        let prefixes = literals
            .iter()
            .map(|literal| {
                (0..literals.len())
                    .filter(|&p| {
                        literals[p].len() < literal.len() && literal.starts_with(&literals[p])
                    })
                    .collect()
            })
            .collect();
        BlockSearcher { kind, prefixes }
    }

    /// First literal at or after `from`: (start offset, literal index).
    #[inline]
    pub fn find(&self, haystack: &[u8], from: usize) -> Option<(usize, usize)> {
        match &self.kind {
            SearcherKind::Packed(s, order) => s
                .find_in(haystack, aho_corasick::Span::from(from..haystack.len()))
                .map(|m| (m.start(), order[m.pattern().as_usize()])),
            SearcherKind::Automaton(ac) => ac
                .find(aho_corasick::Input::new(haystack).range(from..))
                .map(|m| (m.start(), m.pattern().as_usize())),
        }
    }

    /// Calls `hit` with (start, literal index) for every place a literal occurs in
    /// `haystack`, overlapping ones included, until it returns false: the longest literal
    /// starting at each place comes from [`BlockSearcher::find`], the literals that are its
    /// prefixes start there too.
    pub fn each_hit(&self, haystack: &[u8], hit: &mut dyn FnMut(usize, usize) -> bool) {
        let mut from = 0;
        while let Some((at, literal)) = self.find(haystack, from) {
            if !hit(at, literal) {
                return;
            }
            for &p in &self.prefixes[literal] {
                if !hit(at, p) {
                    return;
                }
            }
            from = at + 1;
        }
    }
}

impl Compiled {
    /// Stage one for this catalog: the block scan, health probes left out.
    pub fn scanner(&self) -> crate::parse::Scanner<'_> {
        crate::parse::Scanner::new(&self.block, self.anchors.len()).skip_probes(self.login_anchor)
    }
}

impl RuleLookup for Compiled {
    /// Rules are in id order, so this is a binary search.
    fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules
            .binary_search_by(|r| r.rule.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.rules[i].rule)
    }
}

impl BlockSearcher {
    /// A searcher over arbitrary literals, for framing tests.
    #[cfg(test)]
    pub fn for_tests(literals: &[Vec<u8>]) -> Self {
        BlockSearcher::new(literals)
    }
}

/// The anchors the catalog's keywords get: the Teddy slots left after [`TRACEBACK_START`],
/// [`AADSTS`] and the [`CONTEXT_ANCHORS`].
pub const ANCHOR_BUDGET: usize = MAX_ANCHORS - 1 - CONTEXT_ANCHORS.len();

/// The keywords of `rules`, sorted, each once: what the anchors must cover.
pub fn keywords_of<'r>(rules: impl Iterator<Item = &'r Rule>) -> Vec<Vec<u8>> {
    let mut set: Vec<Vec<u8>> = rules
        .flat_map(|r| r.keywords.iter().map(|k| k.as_bytes().to_vec()))
        .collect();
    set.sort();
    set.dedup();
    set
}

/// Compiles `catalog`; every problem (a regex that does not compile, a refinement without its
/// capture, too many anchors) is appended to `problems` and the rule left out.
pub fn compile(catalog: &Catalog, problems: &mut Vec<String>) -> Compiled {
    let mut rules = Vec::new();
    for located in catalog.active() {
        let rule = &located.rule;
        let mut regexes = Vec::new();
        let mut ok = true;
        for pattern in &rule.patterns {
            match RegexBuilder::new(pattern)
                .unicode(false)
                .size_limit(1 << 22)
                .build()
            {
                Ok(re) => regexes.push(re),
                Err(err) => {
                    ok = false;
                    problems.push(format!(
                        "{}: rule {}: pattern does not compile: {}",
                        located.file,
                        rule.id,
                        err.to_string().replace('\n', " ")
                    ));
                }
            }
        }
        if let Some(refine) = rule.refine {
            let needed = match refine {
                Refine::RedirectUri => "redirect_uri",
                Refine::ClientId => "client_id",
                Refine::Tenant => "tenant",
            };
            let has = regexes
                .iter()
                .any(|re| re.capture_names().any(|n| n == Some(needed)));
            if ok && !has {
                ok = false;
                problems.push(format!(
                    "{}: rule {}: refine = \"{refine}\" needs a pattern with a (?P<{needed}>...) group",
                    located.file, rule.id
                ));
            }
        }
        if ok {
            rules.push(CompiledRule {
                rule: rule.clone(),
                file: located.file.clone(),
                regexes,
            });
        }
    }

    let mut code_table: HashMap<u32, Vec<u32>> = HashMap::new();
    // Only log rules fire on a code; the codes of other rules name what their mistake
    // produces, for the report and `explain`.
    for (idx, r) in rules.iter().enumerate() {
        if r.rule.detector() != Detector::Log {
            continue;
        }
        for code in r.rule.aadsts_codes() {
            code_table.entry(code).or_default().push(idx as u32);
        }
    }

    let keywords = keywords_of(rules.iter().map(|r| &r.rule));
    let budget = ANCHOR_BUDGET;
    let stored = stored_anchors(STORED_ANCHORS, &keywords, budget);
    let mut anchors = match stored.map_or_else(|| pick_anchors(&keywords, budget), Ok) {
        Ok(anchors) => anchors,
        Err(uncovered) => {
            problems.push(format!(
                "catalog: cannot cover the keywords with {} anchors; uncovered: {}",
                budget,
                uncovered
                    .iter()
                    .map(|k| format!("{:?}", String::from_utf8_lossy(k)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            Vec::new()
        }
    };
    let aadsts_anchor = match anchors.iter().position(|a| a == AADSTS) {
        Some(i) => i,
        None => {
            anchors.push(AADSTS.to_vec());
            anchors.len() - 1
        }
    };

    for extra in CONTEXT_ANCHORS {
        if !anchors.iter().any(|a| a == extra) {
            anchors.push(extra.to_vec());
        }
    }

    let error_codes_anchor = anchors
        .iter()
        .position(|a| a == ERROR_CODES)
        .expect("context anchors were just added");

    let mut anchor_rules: Vec<Vec<u32>> = vec![Vec::new(); anchors.len()];
    for (idx, r) in rules.iter().enumerate() {
        for (a, anchor) in anchors.iter().enumerate() {
            if r.rule
                .keywords
                .iter()
                .any(|k| memmem::find(k.as_bytes(), anchor).is_some())
            {
                anchor_rules[a].push(idx as u32);
            }
        }
    }

    let block = BlockSearcher::new(&block_literals(&anchors));
    // Both automatons run on candidate lines only, overlapping: a full DFA is the fastest
    // kind there, and at this size it builds in a millisecond or two.
    let tagger = AhoCorasickBuilder::new()
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(&anchors)
        .expect("a few dozen short literals always build");

    let mut keyword_list = keywords.clone();
    for special in [AADSTS, ERROR_CODES] {
        if !keyword_list.iter().any(|k| k == special) {
            keyword_list.push(special.to_vec());
        }
    }
    let mut keyword_rules: Vec<Vec<u32>> = vec![Vec::new(); keyword_list.len()];
    for (idx, r) in rules.iter().enumerate() {
        for k in &r.rule.keywords {
            if let Some(i) = keyword_list.iter().position(|x| x == k.as_bytes()) {
                keyword_rules[i].push(idx as u32);
            }
        }
    }
    let aadsts_keyword = keyword_list.iter().position(|k| k == AADSTS).unwrap_or(0);
    let error_codes_keyword = keyword_list
        .iter()
        .position(|k| k == ERROR_CODES)
        .unwrap_or(0);
    let mut anchor_keywords: Vec<Vec<(u32, u32)>> = vec![Vec::new(); anchors.len()];
    for (k, keyword) in keyword_list.iter().enumerate() {
        let mut held = false;
        for (a, anchor) in anchors.iter().enumerate() {
            for at in memmem::find_iter(keyword, anchor) {
                anchor_keywords[a].push((k as u32, at as u32));
                held = true;
            }
        }
        if !held && !keyword_rules[k].is_empty() {
            problems.push(format!(
                "catalog: keyword {:?} holds no anchor, so it could never be found",
                String::from_utf8_lossy(keyword)
            ));
        }
    }
    let login_anchor = anchors
        .iter()
        .position(|a| a == LOGIN_ANCHOR)
        .expect("context anchors were just added");

    Compiled {
        rules,
        anchors,
        aadsts_anchor,
        error_codes_anchor,
        anchor_rules,
        code_table,
        block,
        tagger,
        keywords: keyword_list,
        keyword_rules,
        anchor_keywords,
        aadsts_keyword,
        error_codes_keyword,
        login_anchor,
    }
}

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
         # Regenerate after changing a keyword: SSO_TRIAGE_BLESS=1 cargo test --lib stored_anchors\n",
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
struct FnvHasher(u64);

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

type Fnv = BuildHasherDefault<FnvHasher>;

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

#[cfg(test)]
mod tests {
    use super::*;

    fn kw(list: &[&str]) -> Vec<Vec<u8>> {
        list.iter().map(|s| s.as_bytes().to_vec()).collect()
    }

    fn covers(anchors: &[Vec<u8>], keywords: &[Vec<u8>]) -> bool {
        keywords
            .iter()
            .all(|k| anchors.iter().any(|a| memmem::find(k, a).is_some()))
    }

    /// Teddy is built with the literals in another order; `find` must still name each
    /// literal by its own index, and the longest of two starting at one place wins.
    #[test]
    fn the_block_searcher_names_literals_by_their_own_index() {
        let mut literals = kw(&[
            " in use",
            "AADSTS",
            "/login/",
            "Trace ID",
            " resolve 'login.",
            "invalid_client",
            "WrongBackend",
            "error_codes",
            " found",
            "Tenant '",
            ".eyJ",
            "Traceback",
            "Traceback (most recent call last):",
            "secret ",
            "access_denied",
            "nvalid",
            "DisallowedHost",
            " scheme",
            "Could not ",
            "failed",
        ]);
        // More than Teddy's 16 buckets hold one by one.
        for i in 0..30 {
            literals.push(format!("zq{i:02}marker").into_bytes());
        }
        let order = teddy_order(&literals);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..literals.len()).collect::<Vec<_>>());
        assert_ne!(order, sorted, "the test needs a reordering");
        let searcher = BlockSearcher::new(&literals);
        for (i, literal) in literals.iter().enumerate() {
            if literal.as_slice() == b"Traceback" {
                continue;
            }
            let mut hay = b"2026-11-20 10.0.0.1 plain text ".to_vec();
            hay.extend_from_slice(literal);
            hay.extend_from_slice(b" end\n");
            assert_eq!(
                searcher.find(&hay, 0),
                Some((31, i)),
                "{:?}",
                String::from_utf8_lossy(literal)
            );
        }
        let tb = literals
            .iter()
            .position(|l| l.starts_with(b"Traceback ("))
            .unwrap();
        assert_eq!(
            searcher.find(b"x Traceback (most recent call last):\n", 0),
            Some((2, tb))
        );
    }

    /// Every occurrence of every literal is reported, as an overlapping automaton finds
    /// them: literals starting at the same place (one a prefix of the other) and one byte
    /// apart included.
    #[test]
    fn each_hit_reports_overlapping_literals() {
        let literals = kw(&[
            "Trace ID",
            "Trace ID missing",
            "ZZQ1",
            "ZQ1Y",
            "Q1Y",
            "AADSTS",
        ]);
        let searcher = BlockSearcher::for_tests(&literals);
        let automaton = AhoCorasick::new(&literals).unwrap();
        for text in [
            &b"x Trace ID missing ZZQ1Y AADSTS50011 Trace ID"[..],
            b"ZZQ1YZQ1Y",
            b"Trace ID missingTrace ID",
            b"none here",
        ] {
            let mut hits = Vec::new();
            searcher.each_hit(text, &mut |at, l| {
                hits.push((at, l));
                true
            });
            hits.sort_unstable();
            let mut want: Vec<(usize, usize)> = automaton
                .find_overlapping_iter(text)
                .map(|m| (m.start(), m.pattern().as_usize()))
                .collect();
            want.sort_unstable();
            assert_eq!(hits, want, "{}", String::from_utf8_lossy(text));
        }
        let mut first = None;
        searcher.each_hit(b"ZZQ1Y Trace ID", &mut |at, l| {
            first = Some((at, l));
            false
        });
        assert_eq!(first, Some((0, 2)), "stops when told");
    }

    /// The stored anchors are what the picker chooses for the built-in catalog today. Set
    /// `SSO_TRIAGE_BLESS=1` to rewrite the file after changing a keyword.
    #[test]
    fn stored_anchors_are_current() {
        let catalog = crate::catalog::load::load(&[]).unwrap();
        let keywords = keywords_of(catalog.active().map(|l| &l.rule));
        let picked = pick_anchors(&keywords, ANCHOR_BUDGET).unwrap();
        for anchor in &picked {
            assert!(std::str::from_utf8(anchor).is_ok(), "{anchor:?}");
        }
        let want = store_anchors(&picked, &keywords, ANCHOR_BUDGET);
        if std::env::var_os("SSO_TRIAGE_BLESS").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/catalog/anchors.txt");
            std::fs::write(path, &want).unwrap();
            return;
        }
        assert_eq!(
            STORED_ANCHORS, want,
            "src/catalog/anchors.txt is out of date: run SSO_TRIAGE_BLESS=1 cargo test --lib stored_anchors"
        );
        assert_eq!(
            stored_anchors(STORED_ANCHORS, &keywords, ANCHOR_BUDGET),
            Some(picked)
        );
    }

    /// The stored Teddy order holds exactly the built-in catalog's block literals, and a
    /// searcher built with it names every literal by its own index.
    #[test]
    fn stored_teddy_order_is_current() {
        let catalog = crate::catalog::load::load(&[]).unwrap();
        let mut problems = Vec::new();
        let compiled = compile(&catalog, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        let literals = block_literals(&compiled.anchors);
        let order = stored_teddy_order(STORED_TEDDY_ORDER, &literals).expect(
            "src/catalog/teddy_order.txt is out of date: run \
             cargo run --release --example teddy_order > src/catalog/teddy_order.txt",
        );
        assert_ne!(
            order,
            teddy_order(&literals),
            "the stored order is the tuned one"
        );
        let searcher = BlockSearcher::new(&literals);
        for (i, literal) in literals.iter().enumerate() {
            let mut hay = b"2026-11-20 plain text ".to_vec();
            hay.extend_from_slice(literal);
            let found = searcher
                .find(&hay, 0)
                .map(|(at, l)| (at, literals[l].clone()));
            // A longer literal starting at the same place may win; it must start there.
            let (at, l) = found.expect("every literal is found");
            assert_eq!(at, 22, "{:?}", String::from_utf8_lossy(literal));
            assert!(l.starts_with(literal) || literal.starts_with(&l), "{i}");
        }
    }

    /// A stored order is used only when it holds the literals in use, each once.
    #[test]
    fn stored_teddy_order_must_match_the_literals() {
        let literals = kw(&["alpha", "beta", "gamma \"q\""]);
        let stored = "# comment\n\"gamma \\\"q\\\"\"\n\"alpha\"\n\"beta\"\n";
        assert_eq!(stored_teddy_order(stored, &literals), Some(vec![2, 0, 1]));
        assert_eq!(stored_teddy_order(stored, &literals[..2]), None);
        assert_eq!(stored_teddy_order("\"alpha\"\n\"beta\"\n", &literals), None);
        assert_eq!(
            stored_teddy_order("\"alpha\"\n\"alpha\"\n\"beta\"\n", &literals),
            None
        );
        assert_eq!(stored_teddy_order("alpha\nbeta\ngamma\n", &literals), None);
    }

    /// The tuned order is an order of all the literals that costs no more on its corpus
    /// than the rule it starts from, and less where the rule mixes literals badly.
    #[test]
    fn tuned_teddy_order_lowers_the_cost() {
        let mut literals = kw(&[
            " in use",
            " found",
            " scheme",
            "AADSTS",
            "failed",
            "server",
            "Trace ID",
            "Request Id",
            "error_codes",
            "secret ",
            "nvalid",
            "issing",
            "/login/",
            ".eyJ",
            "require",
            "onnect",
            "rror: ",
            "access_denied",
            "WrongBackend",
            "Signature",
        ]);
        for i in 0..20 {
            literals.push(format!("zq{i:02}marker").into_bytes());
        }
        let corpus = BACKGROUND.as_bytes();
        let start = teddy_order(&literals);
        let tuned = tuned_teddy_order(&literals, corpus);
        let mut sorted = tuned.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..literals.len()).collect::<Vec<_>>());
        let (before, after) = (
            teddy_cost(&literals, &start, corpus),
            teddy_cost(&literals, &tuned, corpus),
        );
        assert!(after < before, "{before} -> {after}");
    }

    /// Stored anchors are used only for the keywords and budget they were chosen for, and
    /// read back as they were written (spaces and quotes kept).
    #[test]
    fn stored_anchors_answer_only_their_own_key() {
        let keywords = kw(&["alpha \"quoted\" ", "  beta", "gamma"]);
        let anchors = kw(&[" \"quoted\" ", "  beta", "gamma"]);
        let stored = store_anchors(&anchors, &keywords, 5);
        assert_eq!(stored_anchors(&stored, &keywords, 5), Some(anchors));
        assert_eq!(stored_anchors(&stored, &keywords, 6), None);
        assert_eq!(stored_anchors(&stored, &keywords[..2], 5), None);
        assert_eq!(
            stored_anchors(&stored, &kw(&["alpha", "  beta", "gamma"]), 5),
            None
        );
        assert_eq!(stored_anchors("", &keywords, 5), None);
        let broken = stored.replace("\"gamma\"", "gamma");
        assert_eq!(stored_anchors(&broken, &keywords, 5), None);
    }

    #[test]
    fn few_keywords_are_their_own_anchors() {
        let keywords = kw(&["Session value state missing.", "Wrong state parameter"]);
        let mut want = keywords.clone();
        want.sort();
        assert_eq!(pick_anchors(&keywords, 10).unwrap(), want);
    }

    #[test]
    fn keyword_containing_another_is_dropped() {
        let keywords = kw(&["invalid_client", "\"error\":\"invalid_client\""]);
        assert_eq!(
            pick_anchors(&keywords, 10).unwrap(),
            kw(&["invalid_client"])
        );
    }

    #[test]
    fn merges_keywords_when_over_budget() {
        let keywords = kw(&[
            "Missing needed parameter upn",
            "Missing needed parameter state",
            "Missing needed parameter client_assertion",
            "ImmatureSignatureError",
            "ExpiredSignatureError",
        ]);
        let anchors = pick_anchors(&keywords, 3).unwrap();
        assert!(anchors.len() <= 3, "{anchors:?}");
        assert!(covers(&anchors, &keywords));
    }

    #[test]
    fn fails_when_budget_is_impossible() {
        let keywords = kw(&["aaaaaaa", "bbbbbbb", "ccccccc"]);
        assert!(pick_anchors(&keywords, 2).is_err());
    }

    #[test]
    fn never_picks_everyday_text() {
        // "GET /oauth/" occurs in every access log; merging on it would make every line a
        // candidate.
        let keywords = kw(&[
            "GET /oauth/complete/x zebra-fail",
            "GET /oauth/login/y zebra-fail2",
            "zzzzzz",
        ]);
        let anchors = pick_anchors(&keywords, 2).unwrap();
        assert!(covers(&anchors, &keywords));
        for a in &anchors {
            assert!(
                memmem::find(BACKGROUND.as_bytes(), a).is_none(),
                "{:?}",
                String::from_utf8_lossy(a)
            );
        }
    }
}
