//! Literal search over whole buffers: one packed (Teddy) searcher for a few dozen short
//! literals, reporting overlapping hits, so a buffer is scanned once for every anchor. The
//! catalog chooses the literals and their order (see `catalog::anchors`, `catalog::teddy`);
//! the framer runs the searcher (see `parse::Scanner`).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind, packed};

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

impl BlockSearcher {
    /// A searcher for `literals`, given to Teddy in `order` (a permutation of their
    /// indices: which literals share a bucket is a matter of speed, never of what is found).
    pub fn new(literals: &[Vec<u8>], order: Vec<usize>) -> Self {
        debug_assert_eq!(order.len(), literals.len());
        let packed = packed::Config::new()
            .match_kind(packed::MatchKind::LeftmostLongest)
            .heuristic_pattern_limits(false)
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

impl BlockSearcher {
    /// A searcher over arbitrary literals, for framing tests.
    #[cfg(test)]
    pub fn for_tests(literals: &[Vec<u8>]) -> Self {
        BlockSearcher::new(literals, (0..literals.len()).collect())
    }
}
