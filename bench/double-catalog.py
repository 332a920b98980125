#!/usr/bin/env python3
"""Writes a "twin" of every regex rule in patterns/, so that the shipped catalog plus the
twins is a catalog about twice as large, for measuring how scan cost grows with the
catalog (issue #6). bench/bench.sh --catalog-x2 runs it.

usage: bench/double-catalog.py OUT_DIR [--patterns DIR] [--keep FILE]

A twin of rule <id> is rule <id>-twin in OUT_DIR/<folder>/<id>-twin.toml. It differs from
its original in the case of the first letter of some words: each keyword gets at least one
changed word, by default its longest ("Request failed with " -> "request failed with ",
"invalid_client" -> "Invalid_client"). The same swap is applied to the patterns (literal
text only) and to the examples, so the twin matches the twin examples exactly as the
original matches the original ones, and `sso-triage --patterns OUT_DIR catalog check`
passes. The twin keywords are new literals that share most of their bytes with the
originals, and twins change the same words the same way everywhere (one "dialect"), the
way rules of a real, larger catalog share vocabulary. That sharing is also what lets the
anchor picker, which has a fixed budget of anchors, cover twice the keywords.

Twins carry no AADSTS codes: through the code table they would fire on the original's
lines, and a twin stands for a different failure. The twins fire on none of the
originals' examples (checked below), so a scan of real logs finds the same things.

Left out, with a line on stderr saying why: flow rules and rules without patterns,
AADSTS-code-only rules (their only keyword is an AADSTS code, which goes through the code
table and costs next to nothing), and any rule whose twin fails the checks below.

Standard library only (Python 3.11+ for tomllib).
"""

import argparse
import pathlib
import re
import sys
import tomllib

AADSTS_KEYWORD = re.compile(r"AADSTS[0-9]+")
WORD = re.compile(r"[A-Za-z]+")
# What follows "(?" in a group opener: a capture name, or flags with ":" or ")".
GROUP_OPEN = re.compile(r"\(\?(?:P?<[A-Za-z_][A-Za-z0-9_]*>|[a-zA-Z-]*:|[a-zA-Z-]*\))")
# Hex digits after \x, \u and \U when written without braces.
HEX_WIDTH = {"x": 2, "u": 4, "U": 8}
TWIN_SUFFIX = "-twin"


# ----- choosing the words to change ------------------------------------------------------

def flip_first(word):
    """The variant of a word: its first letter in the other case."""
    first = word[0]
    return (first.lower() if first.isupper() else first.upper()) + word[1:]


def eligible(word):
    """Words whose first-letter flip still looks like log text: lowercase ("failed"),
    Capitalized ("Request") or camel case ("AuthStateMissing"). Acronyms and words that
    start with one ("HTTPSConnectionPool", "SAML") would become "hTTPS...", so not those."""
    return len(word) >= 3 and not (word[0].isupper() and word[1].isupper())


def pivot_candidates(keyword, keep=()):
    """The words of one keyword we may change, with their variants, best first: a word whose
    flip leaves every `keep` literal inside the keyword intact (the shipped catalog's
    anchors: a twin that still holds its original's anchor costs the anchor picker, which
    has a fixed budget, nothing), then the longest word, then the leftmost.
    An all-capitals keyword ("WORKER TIMEOUT") has no eligible word; then its longest
    all-capitals word is the fallback, written Capitalized ("Timeout")."""
    words = WORD.findall(keyword)
    good = [w for w in words if eligible(w)]
    inside = [lit for lit in keep if lit in keyword]

    def breaks_keep(word):
        flipped = swap_text(keyword, {word: flip_first(word)})
        return any(lit not in flipped for lit in inside)

    order = sorted(range(len(good)), key=lambda i: (breaks_keep(good[i]), -len(good[i]), i))
    cands = []
    for i in order:
        if good[i] not in (c[0] for c in cands):
            cands.append((good[i], flip_first(good[i])))
    if not cands:
        caps = sorted((w for w in words if len(w) >= 3 and w.isupper()), key=len, reverse=True)
        cands = [(w, w[0] + w[1:].lower()) for w in caps]
    return cands


def build_swap(keywords, attempt, keep=(), dialect=None):
    """A word swap for the rule: {word: variant, variant: word}. A swap (rather than a plain
    replacement) is a bijection on words, so a text that held the variant already (a
    no_match example testing case sensitivity, say) keeps its relation to the patterns.

    On the first attempt the twins speak one dialect: every word of `dialect` (word ->
    variant, the words earlier twins changed) found in a keyword changes here too, so twins
    share their variants the way the originals share their words ("/Oauth/" in every twin
    path, which the anchor picker can then cover once). A keyword the dialect leaves alone
    gets its best candidate, which joins the dialect. A retry (`attempt` > 0) goes without
    the dialect and takes the attempt-th candidate of each keyword instead."""
    swap = {}

    def add(word, variant):
        if word not in swap and variant not in swap:
            swap[word] = variant
            swap[variant] = word

    if attempt == 0 and dialect is not None:
        for kw in keywords:
            for w in WORD.findall(kw):
                if w in dialect:
                    add(w, dialect[w])
    for kw in keywords:
        if swap_text(kw, swap) != kw:
            continue  # the dialect changed it already
        cands = pivot_candidates(kw, keep)
        if not cands:
            return None
        word, variant = cands[min(attempt, len(cands) - 1)]
        add(word, variant)
    return swap


# ----- applying the swap ------------------------------------------------------------------

def swap_text(text, swap):
    """Swaps whole words (maximal runs of ASCII letters) in plain text: an example line."""
    return WORD.sub(lambda m: swap.get(m.group(0), m.group(0)), text)


def swap_regex(pattern, swap):
    """Swaps whole words in the literal parts of a regex only. Escapes (\\b, \\d, \\x41),
    character classes, group openers with their names ((?P<error>, (?:, (?m:) and
    repetition counts are copied unchanged, so a capture name or \\bWord never turns into
    something else."""
    out = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            # \x41, \u00e9, \x{41}, \p{L}: the letters after the escape belong to it too.
            j = i + 2
            kind = pattern[i + 1:i + 2]
            if kind in ("x", "u", "U", "p", "P") and pattern[j:j + 1] == "{":
                j = pattern.index("}", j) + 1
            elif kind in HEX_WIDTH:
                j += HEX_WIDTH[kind]
            out.append(pattern[i:j])
            i = j
        elif c == "[":
            j = class_end(pattern, i)
            out.append(pattern[i:j])
            i = j
        elif c == "(" and pattern.startswith("(?", i):
            m = GROUP_OPEN.match(pattern, i)
            if not m:
                raise ValueError(f"unknown group syntax at {i}: {pattern[i:i + 8]!r}")
            out.append(m.group(0))
            i = m.end()
        elif c.isascii() and c.isalpha():
            m = WORD.match(pattern, i)
            out.append(swap.get(m.group(0), m.group(0)))
            i = m.end()
        else:
            out.append(c)
            i += 1
    return "".join(out)


def class_end(pattern, start):
    """Index just past the bracket expression that opens at pattern[start] == '['
    (nested [:alpha:] and [a-z] sets, escapes and a leading ']' included)."""
    i = start + 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1
    depth = 1
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError(f"unclosed [ at {start}")


# ----- checking a twin before writing it ---------------------------------------------------

def py_regex(pattern):
    """The pattern for Python's re, which reads the Rust syntax used in the catalog except
    (?<name>; ASCII mode matches sso-triage's Unicode-off regexes. None if re cannot read it
    (the pre-check is then skipped and sso-triage's own check has the last word)."""
    try:
        return re.compile(re.sub(r"\(\?<(?=[A-Za-z_])", "(?P<", pattern), re.ASCII)
    except re.error:
        return None


def fires(regexes, text):
    return any(r.search(text) for r in regexes)


def make_twin(rule, swap):
    """(twin rule, note or None), or (None, reason). Match examples that the original
    matches only by its AADSTS code (not by a pattern) are left out: the twin has no AADSTS
    codes."""
    keywords = [k for k in rule["keywords"] if not AADSTS_KEYWORD.fullmatch(k)]
    twin_keywords = [swap_text(k, swap) for k in keywords]
    for k, t in zip(keywords, twin_keywords):
        if k == t:
            return None, f"keyword {k!r} has no word to change"
    twin_patterns = [swap_regex(p, swap) for p in rule["patterns"]]

    orig_re = [py_regex(p) for p in rule["patterns"]]
    twin_re = [py_regex(p) for p in twin_patterns]
    checkable = all(r is not None for r in orig_re + twin_re)

    ex = rule["examples"]
    matches = []
    dropped = 0
    for line in ex["match"]:
        if checkable and not fires(orig_re, line):
            dropped += 1  # fires by AADSTS code or the decoded view only; no sure twin of it
            continue
        matches.append(swap_text(line, swap))
    no_match = [swap_text(line, swap) for line in ex["no_match"]]
    if not matches:
        return None, "no match example fires by a pattern"

    # The loader's rule: every match example holds a keyword.
    for line in matches:
        if not any(k in line for k in twin_keywords):
            return None, f"twin match example holds no twin keyword: {line[:80]!r}"
    if checkable:
        for orig, line in zip(ex["match"], (swap_text(x, swap) for x in ex["match"])):
            if fires(orig_re, orig) and not fires(twin_re, line):
                return None, f"twin pattern misses a twin match example: {line[:80]!r}"
        for line in no_match:
            if fires(twin_re, line):
                return None, f"twin pattern fires on a twin no_match example: {line[:80]!r}"
        # A twin is a different rule: it must not fire on the original's lines.
        for line in ex["match"] + ex["no_match"]:
            if fires(twin_re, line):
                return None, f"twin pattern fires on an original match example: {line[:80]!r}"

    twin = {}
    for key, value in rule.items():
        if key == "id":
            value = rule["id"] + TWIN_SUFFIX
        elif key == "title":
            value = value + " (twin)"
        elif key == "codes":
            # AADSTS codes would make the twin fire through the code table on the
            # original's lines; other codes are labels only.
            value = [c for c in value if not AADSTS_KEYWORD.fullmatch(c.upper())]
            if not value:
                continue
        elif key == "keywords":
            value = twin_keywords
        elif key == "patterns":
            value = twin_patterns
        elif key == "examples":
            value = {"match": matches, "no_match": no_match}
        twin[key] = value
    if not checkable:
        return twin, "not pre-checked (Python's re cannot read a pattern); catalog check decides"
    if dropped:
        return twin, f"{dropped} match example(s) left out (the original fires on them by AADSTS code only)"
    return twin, None


# ----- writing TOML ----------------------------------------------------------------------

def toml_string(s):
    """A TOML string for s: a literal '...' or '''...''' string when s allows one (regexes
    stay readable without doubled backslashes), else a basic "..." string with escapes."""
    plain = not any((ord(c) < 32 and c != "\t") or c == "\x7f" for c in s)
    if plain and "'" not in s:
        return f"'{s}'"
    # ''' strings may hold quotes, but not three in a row or one right at the end.
    if plain and "'''" not in s and not s.endswith("'"):
        return f"'''{s}'''"
    out = ['"']
    for c in s:
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif c == "\r":
            out.append("\\r")
        elif ord(c) < 32 or c == "\x7f":
            out.append(f"\\u{ord(c):04X}")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return toml_string(v)
    if isinstance(v, list):
        if not v:
            return "[]"
        return "[\n" + "".join(f"  {toml_value(x)},\n" for x in v) + "]"
    raise TypeError(f"cannot write {type(v).__name__} as TOML")


def to_toml(rule):
    lines = []
    tables = []
    for key, value in rule.items():
        if isinstance(value, dict):
            tables.append((key, value))
        else:
            lines.append(f"{key} = {toml_value(value)}")
    for name, table in tables:
        lines.append("")
        lines.append(f"[{name}]")
        for key, value in table.items():
            lines.append(f"{key} = {toml_value(value)}")
    return "\n".join(lines) + "\n"


# ----- main ------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=pathlib.Path)
    ap.add_argument("--patterns", type=pathlib.Path,
                    default=pathlib.Path(__file__).resolve().parent.parent / "patterns",
                    help="the catalog to twin (default: patterns/ of this repository)")
    ap.add_argument("--keep", type=pathlib.Path, metavar="FILE",
                    help="literals, one a line, that twins should keep intact where they can: "
                         "the shipped anchors, from `sso-triage catalog export --anchors`")
    args = ap.parse_args()
    keep = []
    if args.keep:
        keep = [line for line in args.keep.read_text(encoding="utf-8").split("\n") if line]

    out = args.out_dir
    if out.exists():
        strangers = [p for p in out.rglob("*.toml") if not p.stem.endswith(TWIN_SUFFIX)]
        if strangers:
            sys.exit(f"double-catalog: {out} holds rules that are not twins ({strangers[0]}); "
                     "give an empty or twin-only folder")
        # Start clean, so a twin that is no longer made does not linger from a previous run.
        for p in out.rglob(f"*{TWIN_SUFFIX}.toml"):
            p.unlink()

    regex_rules = 0
    written = 0
    dialect = {}  # word -> variant, for the words twins have changed so far
    for path in sorted(args.patterns.rglob("*.toml")):
        rule = tomllib.loads(path.read_text(encoding="utf-8"))
        rel = path.relative_to(args.patterns)
        if not rule.get("patterns"):
            continue  # flow rules and AADSTS rules without patterns
        regex_rules += 1
        if all(AADSTS_KEYWORD.fullmatch(k) for k in rule["keywords"]):
            print(f"skipped {rule['id']}: AADSTS-code-only keywords (matched through the code table)",
                  file=sys.stderr)
            continue
        # AADSTS keywords stay out of the twin: its AADSTS codes do too.
        keywords = [k for k in rule["keywords"] if not AADSTS_KEYWORD.fullmatch(k)]
        twin, why, note = None, "no word to change", None
        # Retry with other words of the keywords when the first choice breaks an example.
        for attempt in range(4):
            swap = build_swap(keywords, attempt, keep, dialect)
            if swap is None:
                break
            twin, msg = make_twin(rule, swap)
            if twin is not None:
                note = msg
                break
            why = msg
        if twin is None:
            print(f"skipped {rule['id']}: {why}", file=sys.stderr)
            continue
        if note:
            print(f"note {rule['id']}: {note}", file=sys.stderr)
        # The words this twin changed in its keywords join the dialect (retries do not:
        # they are exceptions, not the common way of speaking).
        if attempt == 0:
            for w, v in swap.items():
                if any(w in WORD.findall(k) for k in keywords):
                    dialect.setdefault(w, v)
        text = to_toml(twin)
        # The writer is ours, so read the file back: it must parse to exactly the twin.
        if tomllib.loads(text) != twin:
            sys.exit(f"double-catalog: the TOML written for {twin['id']} does not read back the same")
        target = out / rel.parent / f"{twin['id']}.toml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"# Generated by bench/double-catalog.py from {args.patterns.name}/{rel}"
                          + "; do not edit.\n" + text, encoding="utf-8")
        written += 1

    share = 100 * written / regex_rules if regex_rules else 0
    print(f"double-catalog: {written} twins of {regex_rules} regex rules ({share:.0f}%) in {out}",
          file=sys.stderr)
    if share < 90:
        sys.exit("double-catalog: fewer than 90% of the regex rules have a twin")


if __name__ == "__main__":
    main()
