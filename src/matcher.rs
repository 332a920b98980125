//! Stage two of matching: given one event's bytes, decide which rules fire. The anchors found
//! in the event choose the candidate rules, whose own regexes then run; AADSTS codes are read
//! by one scanner and looked up by number. Results go into a caller-owned `Vec`.
//!
//! Stage one, the scan of a whole read buffer for anchors, lives in `parse` (the framer drives
//! it) because it also finds where tracebacks start.

use memchr::memmem;

use crate::catalog::compile::{AADSTS, Compiled, ERROR_CODES};

/// One rule (or unknown AADSTS code) that fired on an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fired {
    /// Index into [`Compiled::rules`]; `None` for an AADSTS code no rule knows.
    pub rule: Option<usize>,
    /// The AADSTS code that fired it, if it fired by code.
    pub code: Option<u32>,
}

static AADSTS_FINDER: std::sync::LazyLock<memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memmem::Finder::new(AADSTS));

/// Every AADSTS code in `text`, in order (`AADSTS` followed by 4 to 9 digits).
pub fn aadsts_codes(text: &[u8]) -> impl Iterator<Item = u32> + '_ {
    AADSTS_FINDER.find_iter(text).filter_map(move |at| {
        let digits = &text[at + AADSTS.len()..];
        let n = digits.iter().take_while(|b| b.is_ascii_digit()).count();
        if (4..=9).contains(&n) {
            std::str::from_utf8(&digits[..n]).ok()?.parse().ok()
        } else {
            None
        }
    })
}

static ERROR_CODES_FINDER: std::sync::LazyLock<memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memmem::Finder::new(ERROR_CODES));

/// The numbers in every `"error_codes": [54005, 70000]` list in `text` (JSON, escaped JSON,
/// Python reprs, pretty-printed over several lines).
pub fn error_codes(text: &[u8]) -> impl Iterator<Item = u32> + '_ {
    ERROR_CODES_FINDER.find_iter(text).flat_map(move |at| {
        let rest = &text[at + ERROR_CODES.len()..];
        let skip = rest
            .iter()
            .take(16)
            .take_while(|&&b| {
                matches!(
                    b,
                    b'"' | b'\\' | b'\'' | b':' | b'=' | b' ' | b'\t' | b'\r' | b'\n'
                )
            })
            .count();
        let list = match rest[skip..].strip_prefix(b"[") {
            Some(list) => list,
            None => &[][..],
        };
        let end = list.iter().take(256).position(|&b| b == b']').unwrap_or(0);
        list[..end]
            .split(|&b| b == b',')
            .filter_map(|n| {
                std::str::from_utf8(n.trim_ascii())
                    .ok()?
                    .parse::<u32>()
                    .ok()
            })
            .filter(|&n| (1000..1_000_000_000).contains(&n))
            .collect::<Vec<_>>()
    })
}

impl Compiled {
    /// Appends every rule that fires on `text` to `out` (fallback rules included; see
    /// [`Compiled::apply_fallback`]). Each rule appears once.
    pub fn fire(&self, text: &[u8], out: &mut Vec<Fired>) {
        let start = out.len();
        let mut candidates: Vec<u32> = Vec::new();
        let mut has_aadsts = false;
        let mut has_error_codes = false;
        self.keyword_hits(text, &mut |k| {
            has_aadsts |= k == self.aadsts_keyword;
            has_error_codes |= k == self.error_codes_keyword;
            candidates.extend_from_slice(&self.keyword_rules[k]);
        });
        if has_aadsts || has_error_codes {
            let from_text = aadsts_codes(text).filter(|_| has_aadsts);
            let from_list = error_codes(text).filter(|_| has_error_codes);
            for code in from_text.chain(from_list) {
                match self.code_table.get(&code) {
                    Some(rules) => {
                        for &r in rules {
                            push_unique(
                                out,
                                start,
                                Fired {
                                    rule: Some(r as usize),
                                    code: Some(code),
                                },
                            );
                        }
                    }
                    None => push_unique(
                        out,
                        start,
                        Fired {
                            rule: None,
                            code: Some(code),
                        },
                    ),
                }
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        for r in candidates {
            let r = r as usize;
            if out[start..].iter().any(|f| f.rule == Some(r)) {
                continue;
            }
            let rule = &self.rules[r];
            if rule.regexes.iter().any(|re| re.is_match(text))
                && !rule.unless.iter().any(|re| re.is_match(text))
            {
                out.push(Fired {
                    rule: Some(r),
                    code: None,
                });
            }
        }
    }

    /// True when `text` holds an anchor that can lead to a rule (or an AADSTS code); lines
    /// that hold only context anchors (a request on `/login/`) cannot fire anything. Anchors,
    /// not keywords: a keyword may show only in a decoded view of the text (`\u0027` for `'`).
    pub fn may_fire(&self, text: &[u8]) -> bool {
        let mut may = false;
        self.anchor_hits(text, &mut |_, a| {
            may = a == self.aadsts_anchor
                || a == self.error_codes_anchor
                || !self.anchor_rules[a].is_empty();
            !may
        });
        may
    }

    /// Calls `hit` with (start, anchor id) for every place an anchor occurs in `text`,
    /// overlapping ones included, until it returns false (the block searcher's SIMD scan;
    /// its one literal that is not an anchor, the traceback opener, is left out).
    fn anchor_hits(&self, text: &[u8], hit: &mut dyn FnMut(usize, usize) -> bool) {
        let anchors = self.anchors.len();
        self.block.each_hit(text, &mut |at, literal| {
            literal >= anchors || hit(at, literal)
        });
    }

    /// Calls `hit` with the id of each keyword occurrence in `text` (a keyword may come more
    /// than once). Every keyword holds an anchor, so every occurrence is found by checking
    /// the keywords around each anchor occurrence: a SIMD scan and a few comparisons instead
    /// of an automaton step per byte.
    pub fn keyword_hits(&self, text: &[u8], hit: &mut dyn FnMut(usize)) {
        self.anchor_hits(text, &mut |at, a| {
            for &(k, offset) in &self.anchor_keywords[a] {
                let keyword = &self.keywords[k as usize];
                let Some(start) = at.checked_sub(offset as usize) else {
                    continue;
                };
                if text
                    .get(start..start + keyword.len())
                    .is_some_and(|t| t == keyword.as_slice())
                {
                    hit(k as usize);
                }
            }
            true
        });
    }

    /// Drops fallback rules from `fired` when a non-fallback rule fired on the same event,
    /// last-resort rules when any other did, and a rule that another one fired refines.
    pub fn apply_fallback(&self, fired: &mut Vec<Fired>) {
        // A rule that refines another fired: the broader one is not reported.
        let refined: Vec<usize> = fired
            .iter()
            .filter_map(|f| f.rule.and_then(|r| self.rules[r].refines))
            .collect();
        if !refined.is_empty() {
            fired.retain(|f| f.rule.is_none_or(|r| !refined.contains(&r)));
        }
        let last_resort = |f: &Fired| f.rule.is_some_and(|r| self.rules[r].rule.last_resort);
        if fired.iter().any(|f| !last_resort(f)) {
            fired.retain(|f| !last_resort(f));
        }
        let specific = fired
            .iter()
            .any(|f| f.rule.is_some_and(|r| !self.rules[r].rule.fallback));
        if specific {
            fired.retain(|f| f.rule.is_none_or(|r| !self.rules[r].rule.fallback));
        }
    }

    /// The named captures of rule `r`'s first matching pattern on `text`, as (name, value).
    pub fn captures(&self, r: usize, text: &[u8]) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for re in &self.rules[r].regexes {
            if let Some(caps) = re.captures(text) {
                for name in re.capture_names().flatten() {
                    if let Some(m) = caps.name(name) {
                        out.push((
                            name.to_string(),
                            String::from_utf8_lossy(m.as_bytes()).into_owned(),
                        ));
                    }
                }
                break;
            }
        }
        out
    }
}

fn push_unique(out: &mut Vec<Fired>, start: usize, fired: Fired) {
    if !out[start..]
        .iter()
        .any(|f| f.rule == fired.rule && (f.rule.is_some() || f.code == fired.code))
    {
        out.push(fired);
    }
}

#[cfg(test)]
#[path = "matcher_tests.rs"]
mod tests;
