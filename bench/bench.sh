#!/usr/bin/env bash
# Benchmarks `sso-triage scan` against cat, ripgrep and GNU grep on a synthetic NetBox
# Enterprise pod log. See bench/README.md.
#
# usage: bench/bench.sh [--size 100M] [--runs 5] [--catalog-x2]
#
#   --catalog-x2      run every tool on a catalog twice as large: the shipped rules plus a
#                     twin of each regex rule (bench/double-catalog.py, written to
#                     bench-data/catalog-x2/); the report goes to results-<size>-x2.txt
#
# Environment:
#   SSO_TRIAGE=PATH   use this binary instead of building target/release/sso-triage
#   CARGO_TARGET_DIR  where cargo builds (genlog and sso-triage are taken from there)
#                     (for trying the script against a stub or an older build)
#   RG_UNICODE=1      run rg in its default Unicode mode instead of --no-unicode
#   HYPERFINE=0       time with the built-in shell loop even if hyperfine is installed
set -euo pipefail

SIZE=100M
RUNS=5
X2=0

usage() {
    sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --size) SIZE=${2:?--size needs a value}; shift 2 ;;
        --size=*) SIZE=${1#--size=}; shift ;;
        --runs) RUNS=${2:?--runs needs a value}; shift 2 ;;
        --runs=*) RUNS=${1#--runs=}; shift ;;
        --catalog-x2) X2=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "bench.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done

if ! [[ $SIZE =~ ^[0-9]+[KMGkmg]?$ ]]; then
    echo "bench.sh: --size must be a number with an optional K/M/G suffix (binary), got '$SIZE'" >&2
    exit 2
fi
if ! [[ $RUNS =~ ^[0-9]+$ ]] || [[ $RUNS -lt 1 ]]; then
    echo "bench.sh: --runs must be a positive integer, got '$RUNS'" >&2
    exit 2
fi

SELF=${BASH_SOURCE[0]}
[[ $SELF == */* ]] || SELF=./$SELF
ROOT=$(cd "${SELF%/*}/.." && pwd)
cd "$ROOT"

# ----- tools ---------------------------------------------------------------------------
if ! command -v rg >/dev/null 2>&1; then
    echo "bench.sh: ripgrep (rg) is required as the reference matcher." >&2
    echo "  install it with:  apt-get install ripgrep   (or: cargo install ripgrep)" >&2
    exit 2
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "bench.sh: python3 is required to compute medians and read JSON." >&2
    exit 2
fi
if [[ $X2 -eq 1 ]] && ! python3 -c 'import tomllib' 2>/dev/null; then
    echo "bench.sh: --catalog-x2 needs Python 3.11 or later (tomllib) for bench/double-catalog.py." >&2
    exit 2
fi
if ! grep --version 2>/dev/null | grep "GNU grep" >/dev/null; then
    echo "bench.sh: warning: grep is not GNU grep; its figures are not comparable" >&2
fi
# rg runs with --no-unicode: sso-triage's regexes run with Unicode off and grep runs with
# LC_ALL=C, so this is the like-for-like setting. For an ASCII-only catalog it changes
# nothing; with \b, \s or \w in the catalog, rg 13's Unicode mode can be hundreds of times
# slower on this corpus (non-UTF-8 lines make its DFA give up).
RG="rg --no-unicode"
[[ ${RG_UNICODE:-0} == 1 ]] && RG="rg"
HAVE_HYPERFINE=0
if [[ ${HYPERFINE:-1} != 0 ]] && command -v hyperfine >/dev/null 2>&1; then HAVE_HYPERFINE=1; fi
TIME_V=""
if [[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1; then
    TIME_V=/usr/bin/time
fi

# ----- build ---------------------------------------------------------------------------
# Where cargo puts what it builds: CARGO_TARGET_DIR when set (relative to the checkout, as
# cargo reads it from here), else the checkout's target/.
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
[[ $TARGET == /* ]] || TARGET=$ROOT/$TARGET
echo "==> building (release)"
if [[ -n ${SSO_TRIAGE:-} ]]; then
    cargo build --release -p sso-triage-tools --bin genlog
    BIN=$SSO_TRIAGE
else
    cargo build --release -p sso-triage-tools --bin genlog -p sso-triage --bin sso-triage
    BIN=$TARGET/release/sso-triage
fi
GENLOG=$TARGET/release/genlog
if [[ ! -x $BIN ]]; then
    echo "bench.sh: $BIN is not executable" >&2
    exit 2
fi

# ----- data ----------------------------------------------------------------------------
DATA=$ROOT/bench-data
OUT=$DATA/out
mkdir -p "$DATA" "$OUT"
LOG=$DATA/netbox-$SIZE.log
MANIFEST=$DATA/netbox-$SIZE.json
CATALOG=$DATA/catalog.regex
# How sso-triage is called: with --catalog-x2, every call adds the twin rules.
SSO=("$BIN")
SSO_LABEL="sso-triage"
SUFFIX=""

if [[ ! -s $LOG || ! -s $MANIFEST ]]; then
    echo "==> generating $LOG (seed 1)"
    gen_start=$(date +%s.%N)
    "$GENLOG" --size "$SIZE" --seed 1 --out "$LOG.tmp" --manifest "$MANIFEST.tmp"
    gen_end=$(date +%s.%N)
    mv "$LOG.tmp" "$LOG"
    mv "$MANIFEST.tmp" "$MANIFEST"
    python3 - "$LOG" "$gen_start" "$gen_end" <<'PY'
import os, sys
size = os.path.getsize(sys.argv[1])
secs = float(sys.argv[3]) - float(sys.argv[2])
print(f"    {size} bytes in {secs:.2f} s ({size / secs / 1e6:.0f} MB/s)")
PY
else
    echo "==> using existing $LOG"
fi
BYTES=$(stat -c %s "$LOG")

# ----- doubled catalog (--catalog-x2) ------------------------------------------------------
# The twins go to a folder of their own and are added with --patterns, so the shipped
# catalog stays the one built into the binary, and rg and grep get the regexes of both.
if [[ $X2 -eq 1 ]]; then
    TWINS=$DATA/catalog-x2
    TWIN_NOTE=""
    # write_twins [args...]: (re)writes the twin rules and checks the doubled catalog; the
    # check runs every example and fails when the anchor picker cannot cover the keywords.
    write_twins() {
        if ! python3 "$ROOT/bench/double-catalog.py" "$TWINS" "$@" 2>"$OUT/double-catalog.err"; then
            echo "bench.sh: bench/double-catalog.py failed:" >&2
            sed 's/^/    /' "$OUT/double-catalog.err" >&2
            exit 2
        fi
        sed 's/^/    /' "$OUT/double-catalog.err"
        "$BIN" --patterns "$TWINS" catalog check >"$OUT/catalog-check.out" 2>&1
    }
    echo "==> writing the twin rules: python3 bench/double-catalog.py ${TWINS#"$ROOT"/}"
    if ! write_twins; then
        if ! grep -q 'cannot cover the keywords' "$OUT/catalog-check.out"; then
            echo "bench.sh: the doubled catalog does not load:" >&2
            sed 's/^/    /' "$OUT/catalog-check.out" >&2
            exit 2
        fi
        # The picker has a fixed budget of anchors. Twins that keep the shipped anchors
        # inside their keywords cost it (almost) nothing.
        echo "==> the anchor picker cannot cover the twins; writing them again with --keep (the shipped anchors)"
        "$BIN" catalog export --anchors >"$DATA/anchors.txt"
        if ! write_twins --keep "$DATA/anchors.txt"; then
            echo "bench.sh: the doubled catalog does not load, even with --keep:" >&2
            sed 's/^/    /' "$OUT/catalog-check.out" >&2
            exit 2
        fi
        TWIN_NOTE=", written with --keep"
    fi
    echo "    $(tail -1 "$OUT/catalog-check.out")"
    SSO=("$BIN" --patterns "$TWINS")
    SSO_LABEL="sso-triage --patterns catalog-x2"
    CATALOG=$DATA/catalog-x2.regex
    SUFFIX=-x2
fi
ANCHORS=$("${SSO[@]}" catalog export --anchors 2>/dev/null | grep -c '' || true)
[[ ${ANCHORS:-0} -gt 0 ]] || ANCHORS="n/a"

echo "==> exporting the catalog: $SSO_LABEL catalog export --regex"
if ! "${SSO[@]}" catalog export --regex >"$CATALOG.tmp" 2>"$OUT/catalog-export.err"; then
    echo "bench.sh: '$SSO_LABEL catalog export --regex' failed:" >&2
    sed 's/^/    /' "$OUT/catalog-export.err" >&2
    rm -f "$CATALOG.tmp"
    exit 2
fi
mv "$CATALOG.tmp" "$CATALOG"
PATTERNS=$(grep -c '' "$CATALOG" || true)
if [[ $PATTERNS -eq 0 ]]; then
    echo "bench.sh: the exported catalog is empty" >&2
    exit 2
fi
if grep -qn '^$' "$CATALOG"; then
    # An empty pattern matches every line and would make rg and grep count everything.
    echo "bench.sh: $CATALOG has an empty line (line $(grep -n '^$' "$CATALOG" | head -1 | cut -d: -f1)); an empty pattern matches every line" >&2
    exit 2
fi
# Both reference tools must accept every pattern (exit 2 = bad pattern).
rc=0; $RG -c -f "$CATALOG" - </dev/null >/dev/null 2>"$OUT/rg-check.err" || rc=$?
if [[ $rc -ge 2 ]]; then
    echo "bench.sh: ripgrep rejects the exported catalog:" >&2; sed 's/^/    /' "$OUT/rg-check.err" >&2; exit 2
fi
GREP_OK=1
GREP_REJECT=""
rc=0; LC_ALL=C grep -c -E -f "$CATALOG" - </dev/null >/dev/null 2>"$OUT/grep-check.err" || rc=$?
if [[ $rc -ge 2 ]]; then
    # The catalog export promises a subset both tools accept; say so loudly, but still
    # benchmark the rest rather than nothing.
    GREP_OK=0
    GREP_REJECT=$(head -1 "$OUT/grep-check.err")
    echo "bench.sh: WARNING: GNU grep -E rejects the exported catalog; grep is left out:" >&2
    sed 's/^/    /' "$OUT/grep-check.err" >&2
fi
if [[ $GREP_OK -eq 1 && -s $OUT/grep-check.err ]]; then
    # e.g. "? at start of expression" for (?:...), which GNU grep then reads differently.
    echo "bench.sh: WARNING: GNU grep -E warns about the exported catalog; its counts may differ:" >&2
    sort "$OUT/grep-check.err" | uniq -c | sed 's/^/    /' >&2
fi
echo "    $PATTERNS patterns"

# ----- commands ------------------------------------------------------------------------
# cat writes to /dev/null. rg, grep and sso-triage write their (small) output to a pipe
# (hyperfine) or a regular file (fallback), never to /dev/null: GNU grep notices a
# /dev/null stdout and stops at the first match, which would turn `grep -c` into `grep -q`.
# Exit status 1 ("no match" for rg/grep, "problems found" for sso-triage) is success here;
# 2 and above are errors and abort the benchmark.
q() { printf '%q' "$1"; }
SSOQ=$(printf '%q ' "${SSO[@]}"); SSOQ=${SSOQ% }
NAMES=(cat rg grep sso-triage sso-j1 sso-stdin sso-count)
ACTIVE=(0 1 2 3 4 5 6)
[[ $GREP_OK -eq 1 ]] || ACTIVE=(0 1 3 4 5 6)
# For the fallback loop (eval'd by bash).
CMDS=(
    "cat $(q "$LOG") >/dev/null"
    "$RG -c -f $(q "$CATALOG") $(q "$LOG") >$(q "$OUT/rg.out"); test \$? -le 1"
    "LC_ALL=C grep -c -E -f $(q "$CATALOG") $(q "$LOG") >$(q "$OUT/grep.out"); test \$? -le 1"
    "$SSOQ scan -o json $(q "$LOG") >$(q "$OUT/sso-triage.json"); test \$? -le 1"
    "$SSOQ scan -j 1 -o json $(q "$LOG") >$(q "$OUT/sso-triage-j1.json"); test \$? -le 1"
    "$SSOQ scan -o json - <$(q "$LOG") >$(q "$OUT/sso-triage-stdin.json"); test \$? -le 1"
    "$SSOQ scan --count $(q "$LOG") >$(q "$OUT/sso-triage-count.txt"); test \$? -le 1"
)
# For hyperfine -N (no shell: nothing to subtract, so short runs stay precise).
HCMDS=(
    "cat $(q "$LOG")"
    "$RG -c -f $(q "$CATALOG") $(q "$LOG")"
    "env LC_ALL=C grep -c -E -f $(q "$CATALOG") $(q "$LOG")"
    "$SSOQ scan -o json $(q "$LOG")"
    "$SSOQ scan -j 1 -o json $(q "$LOG")"
    "sh -c $(q "exec $SSOQ scan -o json - <$(q "$LOG")")"
    "$SSOQ scan --count $(q "$LOG")"
)
LABELS=(
    "cat FILE >/dev/null"
    "$RG -c -f ${CATALOG##*/} FILE"
    "LC_ALL=C grep -c -E -f ${CATALOG##*/} FILE"
    "$SSO_LABEL scan -o json FILE (all cores)"
    "$SSO_LABEL scan -j 1 -o json FILE"
    "$SSO_LABEL scan -o json - < FILE (stdin)"
    "$SSO_LABEL scan --count FILE (matching only)"
)

# ----- correctness (one run each, also checks exit codes) --------------------------------
echo "==> correctness run"
rc=0; $RG -c -f "$CATALOG" "$LOG" >"$OUT/rg.out" 2>"$OUT/rg.err" || rc=$?
if [[ $rc -ge 2 ]]; then echo "bench.sh: rg failed (exit $rc):" >&2; cat "$OUT/rg.err" >&2; exit 2; fi
RG_LINES=$(cat "$OUT/rg.out"); RG_LINES=${RG_LINES:-0}
GREP_LINES="n/a (grep rejects the catalog: $GREP_REJECT)"
if [[ $GREP_OK -eq 1 ]]; then
    rc=0; LC_ALL=C grep -c -E -f "$CATALOG" "$LOG" >"$OUT/grep.out" 2>"$OUT/grep.err" || rc=$?
    if [[ $rc -ge 2 ]]; then echo "bench.sh: grep failed (exit $rc):" >&2; cat "$OUT/grep.err" >&2; exit 2; fi
    GREP_LINES=$(cat "$OUT/grep.out"); GREP_LINES=${GREP_LINES:-0}
fi
SSO_RC=0; "${SSO[@]}" scan -o json "$LOG" >"$OUT/sso-triage.json" 2>"$OUT/sso-triage.err" || SSO_RC=$?
if [[ $SSO_RC -ge 2 ]]; then
    echo "bench.sh: sso-triage scan failed (exit $SSO_RC):" >&2
    head -20 "$OUT/sso-triage.err" >&2
    exit 2
fi
cp "$OUT/sso-triage.json" "$DATA/sso-triage-$SIZE$SUFFIX.json"
# One input on all cores must give exactly the bytes of the single-thread run.
rc=0; "${SSO[@]}" scan -j 1 -o json "$LOG" >"$OUT/sso-triage-j1-check.json" 2>/dev/null || rc=$?
if [[ $rc -ge 2 ]] || ! cmp -s "$OUT/sso-triage.json" "$OUT/sso-triage-j1-check.json"; then
    echo "bench.sh: 'scan -j 1' and 'scan' (all cores) give different reports" >&2
    exit 2
fi

# ----- timing --------------------------------------------------------------------------
echo "==> warming the page cache"
cat "$LOG" >/dev/null
cat "$LOG" >/dev/null

# now_us sets NOW to microseconds since the epoch: bash 5's $EPOCHREALTIME (no fork), else
# date +%s%N.
# Both are called the same way, so their overhead is the same for every command.
if [[ -n ${EPOCHREALTIME:-} ]]; then
    now_us() { NOW=${EPOCHREALTIME/[.,]/}; }
    CLOCK="\$EPOCHREALTIME"
else
    now_us() { NOW=$(date +%s%N); NOW=${NOW%???}; }
    CLOCK="date +%s%N"
fi

TIMES=$OUT/times.tsv
: >"$TIMES"
if [[ $HAVE_HYPERFINE -eq 1 ]]; then
    METHOD="hyperfine $(hyperfine --version | awk '{print $2}') -N, one call per round (--runs 1), 1 warm-up round"
    echo "==> timing with hyperfine: 1 warm-up round + $RUNS rounds"
else
    METHOD="shell loop timed with $CLOCK, 1 warm-up round"
    echo "==> hyperfine not found; timing with a shell loop: 1 warm-up round + $RUNS rounds"
fi
# Rounds alternate the commands (cat rg grep sso cat rg grep sso ...), so a slow phase of a
# noisy machine hits every command, and each round gives one ratio per pair.
for round in $(seq 0 "$RUNS"); do
    if [[ $HAVE_HYPERFINE -eq 1 ]]; then
        # cat alone with its output on /dev/null, then the three matchers with theirs on a pipe.
        if ! hyperfine -N --runs 1 --style none --export-json "$OUT/round-cat.json" \
            -n cat "${HCMDS[0]}" >"$OUT/hyperfine.log" 2>&1; then
            echo "bench.sh: hyperfine failed on cat:" >&2; tail -20 "$OUT/hyperfine.log" >&2; exit 2
        fi
        args=()
        for i in "${ACTIVE[@]:1}"; do args+=(-n "${NAMES[$i]}" "${HCMDS[$i]}"); done
        if ! hyperfine -N -i --runs 1 --style none --output=pipe \
            --export-json "$OUT/round.json" "${args[@]}" >"$OUT/hyperfine.log" 2>&1; then
            echo "bench.sh: hyperfine failed:" >&2; tail -20 "$OUT/hyperfine.log" >&2; exit 2
        fi
        if ! python3 - "$OUT/round-cat.json" "$OUT/round.json" "$round" >>"$TIMES" <<'PY'
import json, sys
bad = []
for path in sys.argv[1:3]:
    for r in json.load(open(path))["results"]:
        codes = r.get("exit_codes") or [0]
        if any(c is None or c >= 2 for c in codes):
            bad.append(f"{r['command']} exited with {codes}")
        print(f"{sys.argv[3]}\t{r['command']}\t{r['times'][0]:.6f}")
if bad:
    sys.exit("bench.sh: " + "; ".join(bad))
PY
        then
            exit 2
        fi
    else
        for i in "${ACTIVE[@]}"; do
            now_us; t0=$NOW
            if ! eval "${CMDS[$i]}"; then
                echo "bench.sh: '${CMDS[$i]}' failed (exit status 2 or more)" >&2
                exit 2
            fi
            now_us; t1=$NOW
            us=$((t1 - t0))
            printf '%s\t%s\t%d.%06d\n' "$round" "${NAMES[$i]}" $((us / 1000000)) $((us % 1000000)) >>"$TIMES"
        done
    fi
    [[ $round -eq 0 ]] && echo "    warm-up done" || echo "    round $round/$RUNS done"
done

# ----- peak RSS ------------------------------------------------------------------------
RSS=$OUT/rss.tsv
: >"$RSS"
if [[ -n $TIME_V ]]; then
    echo "==> peak RSS (/usr/bin/time -v)"
    rss_of() { # name, command...
        local name=$1; shift
        local rc=0
        "$TIME_V" -v -o "$OUT/time-$name.txt" "$@" >"$OUT/rss-$name.out" 2>/dev/null || rc=$?
        if [[ $rc -le 1 ]]; then
            local kb
            kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$OUT/time-$name.txt")
            printf '%s\t%s\n' "$name" "$kb" >>"$RSS"
        fi
    }
    rss_of cat cat "$LOG"
    rss_of rg $RG -c -f "$CATALOG" "$LOG"
    [[ $GREP_OK -eq 1 ]] && rss_of grep env LC_ALL=C grep -c -E -f "$CATALOG" "$LOG"
    rss_of sso-triage "${SSO[@]}" scan -o json "$LOG"
    rss_of sso-j1 "${SSO[@]}" scan -j 1 -o json "$LOG"
    rss_of sso-count "${SSO[@]}" scan --count "$LOG"
else
    echo "==> /usr/bin/time not found (apt-get install time): peak RSS not measured"
fi

# ----- report --------------------------------------------------------------------------
REPORT=$DATA/results-$SIZE$SUFFIX.txt
{
    echo "sso-triage benchmark  $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "machine: $(nproc) CPU, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ *//'), $(uname -sr)"
    echo "tools:   $(rg --version 2>/dev/null | sed -n 1p), $(grep --version | sed -n 1p), $(cat --version | sed -n 1p)"
    echo "method:  $METHOD; medians of $RUNS rounds"
    echo "file:    $LOG"
    echo "catalog: $CATALOG ($PATTERNS patterns); sso-triage: $ANCHORS anchors"
    if [[ $X2 -eq 1 ]]; then
        echo "x2:      built-in rules + $TWINS ($(grep -o '[0-9]* twins of [0-9]* regex rules' "$OUT/double-catalog.err")$TWIN_NOTE); $(tail -1 "$OUT/catalog-check.out")"
    fi
    if [[ $GREP_OK -eq 1 && -s $OUT/grep-check.err ]]; then
        echo "WARNING: GNU grep -E warns about the catalog: $(sort -u "$OUT/grep-check.err" | head -3 | tr '\n' ' ')"
    fi
    python3 - "$TIMES" "$RSS" "$BYTES" "$MANIFEST" "$OUT/sso-triage.json" "$RG_LINES" "$GREP_LINES" \
        "$SSO_RC" "${LABELS[@]}" <<'PY'
import json, statistics, sys

times_path, rss_path, nbytes, manifest_path, sso_path, rg_lines, grep_lines, sso_rc = sys.argv[1:9]
NAMES = ["cat", "rg", "grep", "sso-triage", "sso-j1", "sso-stdin", "sso-count"]
labels = dict(zip(NAMES, sys.argv[9:]))
nbytes = int(nbytes)

rounds = {}
for line in open(times_path):
    r, name, secs = line.rstrip("\n").split("\t")
    if int(r) == 0:
        continue  # warm-up round
    rounds.setdefault(int(r), {})[name] = float(secs)

def median_ratio(a, b):
    vals = [t[a] / t[b] for t in rounds.values() if a in t and b in t and t[b] > 0]
    return statistics.median(vals) if vals else float("nan")

rss = {}
for line in open(rss_path):
    name, kb = line.rstrip("\n").split("\t")
    if kb:
        rss[name] = int(kb) / 1024

try:
    manifest = json.load(open(manifest_path))
except (OSError, ValueError):
    manifest = {}
lines = manifest.get("lines")

print(f"size:    {nbytes} bytes ({nbytes / 2**20:.1f} MiB), {lines if lines is not None else '?'} lines")
print()
head = ("command", "median s", "MB/s", "x rg", "x cat", "peak RSS MiB")
rows = []
for name in NAMES:
    ts = [t[name] for t in rounds.values() if name in t]
    if not ts:
        continue
    med = statistics.median(ts)
    rows.append((
        labels[name],
        f"{med:.3f}",
        f"{nbytes / med / 1e6:.0f}" if med > 0 else "inf",
        f"{median_ratio(name, 'rg'):.2f}",
        f"{median_ratio(name, 'cat'):.1f}",
        f"{rss[name]:.1f}" if name in rss else "n/a",
    ))
widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
def fmt(r):
    return "  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r))
print(fmt(head))
print("  ".join("-" * w for w in widths))
for r in rows:
    print(fmt(r))
print()
def ratio_line(a, b, what):
    r = median_ratio(a, b)
    if r == r:
        print(f"{what}: {r:.2f}")
ratio_line("sso-j1", "sso-triage", "speed-up of all cores over -j 1 (median of per-round ratios)")
ratio_line("sso-stdin", "sso-triage", "stdin / file (median of per-round ratios)")
print()
print("x rg / x cat: median over rounds of (this command's time / rg's or cat's time in the same")
print("round); above 1 = slower. MB/s = bytes / median wall / 10^6. rg's RSS includes its mmap of the file.")
print()

def get(d, *path):
    for p in path:
        if not isinstance(d, dict) or p not in d:
            return "n/a"
        d = d[p]
    return d

try:
    sso = json.load(open(sso_path))
    sso_note = ""
except (OSError, ValueError) as e:
    sso = {}
    sso_note = " (output is not JSON)"

print("correctness")
print(f"  matching lines   rg: {rg_lines}   grep: {grep_lines}   "
      f"sso-triage summary.matched_lines: {get(sso, 'summary', 'matched_lines')}{sso_note}")
by_kind = manifest.get("by_kind", {})
kinds = " ".join(f"{k}={v}" for k, v in by_kind.items())
print(f"  failure events   generator manifest: {manifest.get('failure_events', 'n/a')} ({kinds})   "
      f"sso-triage summary.matched_events: {get(sso, 'summary', 'matched_events')}{sso_note}")
print(f"  sso-triage exit status: {sso_rc} (0 = nothing found, 1 = problems found)")
if grep_lines.startswith("n/a"):
    print("  WARNING: GNU grep -E rejects the exported catalog, so grep was not timed")
elif rg_lines != grep_lines:
    print("  WARNING: rg and grep disagree on the number of matching lines")
PY
} | tee "$REPORT"
echo
echo "report saved to ${REPORT#"$ROOT"/}"
