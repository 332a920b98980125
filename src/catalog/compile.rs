//! Compiles the loaded catalog once into the data the matcher runs on: one `Regex` per rule
//! pattern, a table from AADSTS code to rules, and at most [`MAX_ANCHORS`] anchor literals
//! (each tagged with the rules it stands for) that a SIMD searcher can scan a whole read
//! buffer for. A rule whose keywords contain no anchor cannot exist: the anchor set is chosen
//! to cover every keyword.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use memchr::memmem;
use regex::bytes::{Regex, RegexBuilder};

use crate::catalog::{Catalog, Detector, Located, Refine, Rule, RuleLookup};
pub use crate::parse::traceback::TRACEBACK_START;
pub use crate::search::BlockSearcher;

pub use super::anchors::{
    STORED_ANCHORS, anchors_key, pick_anchors, store_anchors, stored_anchors,
};
pub use super::teddy::{
    STORED_TEDDY_ORDER, block_literals, stored_teddy_order, teddy_cost, teddy_order,
    tuned_teddy_order,
};

/// Literals given to the packed (Teddy) searcher. Teddy takes up to 127 when asked
/// (`heuristic_pattern_limits(false)`); past 64 its 16 buckets hold more literals each and
/// verify more often, but a rare anchor costs less than a common one: with 63, Entra's
/// messages forced merged anchors (` request`, `rovide`) that a tenth of NetBox's lines
/// hold, and the scan took twice as long. One slot is kept for the framing literal that
/// opens a Python traceback, so the catalog gets the rest (77: one more for the 403 status
/// of pages refused after a login and four for process starts, issue 19).
pub const MAX_ANCHORS: usize = 77;

/// The literal every AADSTS code carries; always an anchor, so unknown codes are seen too.
pub const AADSTS: &[u8] = b"AADSTS";

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
    // A page answered 403 in an access log: after a login that worked, a user without
    // permissions (see `Correlator::denied`).
    DENIED_ANCHOR,
    // A process starting (`analyze::changes`): the app servers' and netbox-docker's
    // start lines, so a pod's rollout or restart is seen.
    b"Starting gunicorn",
    b"Starting granian",
    b"Starting uWSGI",
    b"Initialisation is done",
];

/// The anchor for requests answered 403 (the status after the quoted request line).
pub const DENIED_ANCHOR: &[u8] = b"\" 403 ";

/// The anchor for login page requests (and `/oauth/login/`).
pub const LOGIN_ANCHOR: &[u8] = b"/login/";

/// The JSON field in which Entra lists its codes as bare numbers (`"error_codes":[54005]`);
/// the matcher reads them like `AADSTS54005`.
pub const ERROR_CODES: &[u8] = b"error_codes";

/// A rule ready to run.
#[derive(Debug)]
pub struct CompiledRule {
    /// The rule as written.
    pub rule: Rule,
    /// Where it was read from.
    pub file: String,
    /// One regex per pattern, same order.
    pub regexes: Vec<Regex>,
    /// The rule that [`Rule::refines`] names, by its number.
    pub refines: Option<usize>,
    /// [`Rule::unless`], compiled.
    pub unless: Vec<Regex>,
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

impl RuleLookup for Compiled {
    /// Rules are in id order, so this is a binary search.
    fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules
            .binary_search_by(|r| r.rule.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.rules[i].rule)
    }
}

impl Compiled {
    /// Stage one for this catalog: the block scan, health probes left out.
    pub fn scanner(&self) -> crate::parse::Scanner<'_> {
        crate::parse::Scanner::new(&self.block, self.anchors.len()).skip_probes(self.login_anchor)
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
    let mut rules: Vec<CompiledRule> = catalog
        .active()
        .filter_map(|located| compile_rule(located, problems))
        .collect();
    resolve_refines(&mut rules, problems);
    let code_table = code_table(&rules);

    let keywords = keywords_of(rules.iter().map(|r| &r.rule));
    let (anchors, aadsts_anchor) = anchors_for(&keywords);
    let error_codes_anchor = anchors
        .iter()
        .position(|a| a == ERROR_CODES)
        .expect("context anchors were just added");
    let anchor_rules = anchor_rules(&rules, &anchors);

    let literals = block_literals(&anchors);
    let order =
        stored_teddy_order(STORED_TEDDY_ORDER, &literals).unwrap_or_else(|| teddy_order(&literals));
    let block = BlockSearcher::new(&literals, order);
    // Both automatons run on candidate lines only, overlapping: a full DFA is the fastest
    // kind there, and at this size it builds in a millisecond or two.
    let tagger = AhoCorasickBuilder::new()
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(&anchors)
        .expect("a few dozen short literals always build");

    let mut keyword_list = keywords;
    for special in [AADSTS, ERROR_CODES] {
        if !keyword_list.iter().any(|k| k == special) {
            keyword_list.push(special.to_vec());
        }
    }
    let keyword_rules = keyword_rules(&rules, &keyword_list);
    let aadsts_keyword = keyword_list.iter().position(|k| k == AADSTS).unwrap_or(0);
    let error_codes_keyword = keyword_list
        .iter()
        .position(|k| k == ERROR_CODES)
        .unwrap_or(0);
    let anchor_keywords = anchor_keywords(&keyword_list, &keyword_rules, &anchors, problems);
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

/// One rule with its regexes built, or `None` (and the reasons in `problems`) when a pattern
/// does not compile or a refinement has no pattern with the capture it reads.
fn compile_rule(located: &Located, problems: &mut Vec<String>) -> Option<CompiledRule> {
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
    let mut unless = Vec::new();
    for pattern in &rule.unless {
        match RegexBuilder::new(pattern)
            .unicode(false)
            .size_limit(1 << 22)
            .build()
        {
            Ok(re) => unless.push(re),
            Err(err) => {
                ok = false;
                problems.push(format!(
                    "{}: rule {}: `unless` pattern does not compile: {}",
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
    ok.then(|| CompiledRule {
        rule: rule.clone(),
        file: located.file.clone(),
        regexes,
        refines: None,
        unless,
    })
}

/// Numbers each rule's [`Rule::refines`]: the rule it names must be an active log rule
/// sharing one of its codes, and a rule that refines must itself be a log rule with a
/// pattern (it fires by its words, not by its code).
fn resolve_refines(rules: &mut [CompiledRule], problems: &mut Vec<String>) {
    let ids: HashMap<String, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.rule.id.clone(), i))
        .collect();
    for i in 0..rules.len() {
        let Some(target) = rules[i].rule.refines.clone() else {
            continue;
        };
        let r = &rules[i];
        let mut bad =
            |what: String| problems.push(format!("{}: rule {}: {what}", r.file, r.rule.id));
        let Some(&t) = ids.get(&target) else {
            bad(format!("refines {target:?}, which is not an active rule"));
            continue;
        };
        let broad = &rules[t].rule;
        let shares_code = r.rule.codes.iter().any(|c| broad.codes.contains(c));
        if t == i || broad.detector() != Detector::Log || !shares_code {
            bad(format!(
                "refines {target:?}, which must be another log rule sharing one of its codes"
            ));
            continue;
        }
        if r.rule.detector() != Detector::Log || r.rule.patterns.is_empty() {
            bad("a rule that refines another is a log rule with patterns".into());
            continue;
        }
        rules[i].refines = Some(t);
    }
}

/// AADSTS code -> the rules that fire on it. Only log rules fire on a code; the codes of
/// other rules name what their mistake produces, for the report and `explain`. A rule that
/// refines another fires by its patterns alone.
fn code_table(rules: &[CompiledRule]) -> HashMap<u32, Vec<u32>> {
    let mut table: HashMap<u32, Vec<u32>> = HashMap::new();
    for (idx, r) in rules.iter().enumerate() {
        if r.rule.detector() != Detector::Log || r.rule.refines.is_some() {
            continue;
        }
        for code in r.rule.aadsts_codes() {
            table.entry(code).or_default().push(idx as u32);
        }
    }
    table
}

/// The anchors for `keywords` (the stored set if it still fits them, else a fresh pick),
/// then [`AADSTS`] and the [`CONTEXT_ANCHORS`] where missing; with the id of `AADSTS`.
/// Keywords the budget cannot cover all become anchors (see below); the built-in catalog
/// always fits (a test holds it), so it keeps Teddy.
fn anchors_for(keywords: &[Vec<u8>]) -> (Vec<Vec<u8>>, usize) {
    let budget = ANCHOR_BUDGET;
    let stored = stored_anchors(STORED_ANCHORS, keywords, budget);
    let mut anchors = match stored.map_or_else(|| pick_anchors(keywords, budget), Ok) {
        Ok(anchors) => anchors,
        // More keywords than Teddy's slots can cover (rules of the user's own with
        // `--patterns`): every keyword that holds no shorter one is an anchor, and the block
        // scan runs on the portable automaton instead of Teddy. Slower, never wrong.
        Err(minimal) => minimal,
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
    (anchors, aadsts_anchor)
}

/// For each anchor, the rules with a keyword that contains it.
fn anchor_rules(rules: &[CompiledRule], anchors: &[Vec<u8>]) -> Vec<Vec<u32>> {
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
    anchor_rules
}

/// For each of `keywords`, the rules that list it.
fn keyword_rules(rules: &[CompiledRule], keywords: &[Vec<u8>]) -> Vec<Vec<u32>> {
    let mut keyword_rules: Vec<Vec<u32>> = vec![Vec::new(); keywords.len()];
    for (idx, r) in rules.iter().enumerate() {
        for k in &r.rule.keywords {
            if let Some(i) = keywords.iter().position(|x| x == k.as_bytes()) {
                keyword_rules[i].push(idx as u32);
            }
        }
    }
    keyword_rules
}

/// For each anchor, the keywords holding it and the offset of each place it sits at. A
/// keyword of some rule that holds no anchor could never be found: that is a problem.
fn anchor_keywords(
    keywords: &[Vec<u8>],
    keyword_rules: &[Vec<u32>],
    anchors: &[Vec<u8>],
    problems: &mut Vec<String>,
) -> Vec<Vec<(u32, u32)>> {
    let mut anchor_keywords: Vec<Vec<(u32, u32)>> = vec![Vec::new(); anchors.len()];
    for (k, keyword) in keywords.iter().enumerate() {
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
    anchor_keywords
}

#[cfg(test)]
#[path = "compile_tests.rs"]
mod tests;
