#!/bin/sh
# End-to-end tests of the command line: exit statuses, messages naming
# file:line:column, determinism, the output formats, and the story the
# nine stage scenarios tell. Run from the repository root with
# ARCHSIM=path/to/archsim.
set -u
A=${ARCHSIM:-build/archsim}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }

# expect STATUS DESCRIPTION -- command...: run, check the exit status.
expect() {
    want=$1; what=$2; shift 3
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    if [ "$got" = "$want" ]; then pass "$what"
    else fail "$what: exit $got, wanted $want"; cat "$T/err"; fi
}

# has FILE TEXT DESCRIPTION: FILE contains TEXT.
has() {
    if grep -qF -- "$2" "$1"; then pass "$3"
    else fail "$3: '$2' not in:"; cat "$1"; fi
}

scenario() { printf '%s\n' "$@" > "$T/s.yaml"; }

# --- Usage ---------------------------------------------------------------
expect 0 "--version" -- "$A" --version
has "$T/out" "archsim " "--version names the program"
expect 0 "--help" -- "$A" --help
has "$T/out" "archsim run" "--help lists run"
# T7: without a terminal the interface says what to use instead.
expect 69 "no terminal: the interface refuses" -- sh -c '"$0" </dev/null' "$A"
has "$T/err" "archsim run" "no terminal: it points to archsim run"
if grep -q "$(printf '\033')" "$T/out"; then
    fail "no terminal: escape sequences were written"
else pass "no terminal: no escape sequences"; fi
expect 64 "unknown command" -- "$A" frobnicate
expect 64 "run without a file" -- "$A" run
expect 64 "unknown option" -- "$A" run --bogus 1 x.yaml
expect 64 "bad format" -- "$A" run --format xml data/scenarios/stage-1-single-server.yaml
has "$T/err" "xml" "bad format is named"
expect 64 "bad seed" -- "$A" run --seed -3 data/scenarios/stage-1-single-server.yaml
expect 64 "from above to" -- "$A" run --from 100 --to 10 data/scenarios/stage-1-single-server.yaml
expect 64 "users out of range" -- "$A" run --to 1e30 data/scenarios/stage-1-single-server.yaml
expect 65 "missing file" -- "$A" run "$T/nope.yaml"
has "$T/err" "nope.yaml" "missing file is named"

# --- Cases from users ------------------------------------------------------
expect 65 "Y2 tabs" -- "$A" check tests/cases/tabs.yaml
has "$T/err" "tabs.yaml:3:1" "Y2 names line 3 column 1"
expect 65 "Y3 duplicate key" -- "$A" check tests/cases/duplicate-key.yaml
has "$T/err" "duplicate-key.yaml:2:" "Y3 names the second key's line"
expect 0 "Y6 byte-order mark" -- "$A" check tests/cases/bom.yaml
has "$T/out" "with-bom" "Y6 reads the name after the mark"
expect 0 "Y7 anchors and merge keys" -- "$A" check tests/cases/alias-small.yaml
expect 65 "Y7 run with no entry point still names the problem" -- \
    "$A" run --to 10 tests/cases/bom.yaml
has "$T/err" "no components" "a scenario without components cannot run"

: > "$T/empty.yaml"
expect 65 "Y8 empty file" -- "$A" check "$T/empty.yaml"
has "$T/err" "empty scenario" "Y8 says empty scenario"
echo "# only a comment" > "$T/comment.yaml"
expect 65 "Y8 comment only" -- "$A" check "$T/comment.yaml"

scenario "name: x" "components:" "  - {name: api, kind: server, instnaces: 3}"
expect 65 "Y4 misspelt key" -- "$A" check "$T/s.yaml"
has "$T/err" "instances" "Y4 suggests instances"
has "$T/err" "s.yaml:3:" "Y4 names the line"

scenario "name: x" "components:" "  - {name: api, kind: server, instances: 1e309}"
expect 65 "Y5 huge number" -- "$A" check "$T/s.yaml"
has "$T/err" "1e309" "Y5 names the value"

scenario "name: x" "components:" "  - {name: api, kind: server, timeout: 2}"
expect 65 "Y9 duration without unit" -- "$A" check "$T/s.yaml"
has "$T/err" "ms" "Y9 names the units"
scenario "name: x" "components:" "  - {name: api, kind: server, timeout: 2 parsecs}"
expect 65 "Y9 unknown unit" -- "$A" check "$T/s.yaml"

scenario "name: x" "mix: {static: 0%, read: 60%, write: 20%, task: 10%}" \
    "components:" "  - {name: api, kind: server}"
expect 65 "Y10 shares add to 90%" -- "$A" check "$T/s.yaml"
has "$T/err" "90%" "Y10 names the sum"

scenario "name: x" "components:" "  - {name: no, kind: server, calls: [yes]}" \
    "  - {name: yes, kind: database}"
expect 0 "Y1 names no and yes stay strings" -- "$A" check "$T/s.yaml"
has "$T/out" "-> yes" "Y1 the call to 'yes' resolves"

scenario "name: x" "components:" "  - {name: a, kind: server, calls: [b]}" \
    "  - {name: b, kind: server, calls: [a]}"
expect 65 "S3 cycle" -- "$A" run "$T/s.yaml"
has "$T/err" "a -> b -> a" "S3 names the cycle"

scenario "name: x" "components:" "  - {name: a, kind: server, calls: [b]}" \
    "  - {name: b, kind: service, calls: [c]}" \
    "  - {name: c, kind: service, calls: [d]}" \
    "  - {name: d, kind: service, calls: [e]}" "  - {name: e, kind: database}"
expect 65 "calls nested five deep are refused" -- "$A" run "$T/s.yaml"
has "$T/err" "a -> b -> c -> d -> e" "the deep chain is named"

scenario "name: x" "components:" \
    "  - {name: a, kind: server, cpu: {read: 1ms}, cpu.read: 2ms}"
expect 65 "a setting written twice in one component" -- "$A" check "$T/s.yaml"
has "$T/err" "set twice" "the second setting is named"

scenario "name: x" "users: {ramp: {from: 1k, to: 1k}}" "components:" \
    "  - {name: a, kind: server}" "failures:" \
    "  - {at: 0s, component: a, fail: component}"
expect 1 "a component down for the whole run breaks the objectives" -- \
    "$A" run --format json "$T/s.yaml"
has "$T/out" '"no_backend":' "its requests fail for want of a backend"

expect 74 "check to a full disk" -- sh -c '"$0" check "$1" > /dev/full' \
    "$A" data/scenarios/stage-1-single-server.yaml

scenario "name: x" "users: {think: 1ms, ramp: {from: 1, to: 1M}}" \
    "components:" "  - {name: a, kind: server}"
expect 1 "S2 a think time of 1ms at 1M users ends" -- timeout 60 "$A" run "$T/s.yaml"

scenario "name: x" "users: {ramp: {from: 100, to: 10}}" "components:" \
    "  - {name: a, kind: server}"
expect 65 "S5 from above to" -- "$A" run "$T/s.yaml"

scenario "name: x" "users: {think: 0s}" "components:" "  - {name: a, kind: server}"
expect 65 "S2 zero think time is refused" -- "$A" run "$T/s.yaml"

scenario "name: x" "users: {ramp: {from: 1, to: 100}}" "components:" \
    "  - {name: a, kind: server, cpu: {static: 0ms, read: 0ms, write: 0ms, task: 0ms}, task-work: 0ms}"
expect 0 "S2 zero CPU time runs and ends" -- timeout 60 "$A" run "$T/s.yaml"

scenario "name: x" "users: {ramp: {from: 1, to: 1}}" "components:" "  - {name: a, kind: server}"
expect 0 "S6 one user" -- "$A" run "$T/s.yaml"
has "$T/out" "? (" "S6 the p99 of a handful of answers is shown as unknown"

# S1: open users far past capacity: the run ends, the excess is errors.
scenario "name: x" "users: {model: open, rate: 1/s, ramp: {from: 100k, to: 100k}}" \
    "components:" "  - {name: a, kind: server, calls: [db]}" \
    "  - {name: db, kind: database}"
expect 1 "S1 ten times past capacity ends" -- timeout 120 "$A" run --format json "$T/s.yaml"
has "$T/out" '"backlog_full":' "S1 reports rejections by cause"

# A design stuck behind endless queues, where nothing times out, must not
# pass for holding because no error was counted.
scenario "name: stuck" "users: {model: open, rate: 1/s, ramp: {from: 1M, to: 1M}}" \
    "components:" \
    "  - {name: app, kind: server, instances: 100, threads: 1M, backlog: 1M, cpu: {read: 10s}, timeout: 24h}"
expect 1 "a stuck design does not hold" -- timeout 60 "$A" run "$T/s.yaml"
has "$T/out" "unanswered" "and says its requests went unanswered"

# T6: a locale whose decimal mark is a comma changes nothing: files load
# with the same values and CSV keeps its full stops.
if mkdir -p "$T/loc" && localedef -i de_DE -f UTF-8 "$T/loc/de_DE.UTF-8" \
       >/dev/null 2>&1; then
    scenario "name: x" "users: {ramp: {from: 1, to: 100}}" "components:" \
        "  - {name: a, kind: server, cv: 0.9, cpu: {read: 2.5ms}}"
    "$A" run --format csv "$T/s.yaml" > "$T/c.csv"
    LOCPATH="$T/loc" LC_ALL=de_DE.UTF-8 "$A" run --format csv "$T/s.yaml" \
        > "$T/de.csv"
    if cmp -s "$T/c.csv" "$T/de.csv"; then
        pass "T6 a comma-decimal locale gives the same CSV"
    else fail "T6 the CSV differs under de_DE.UTF-8"; fi
else
    echo "skipped: T6 (localedef cannot build de_DE here)"
fi

# T9 in check: names of wide characters still line the kinds up.
cat > "$T/wide.yaml" <<'YAML'
name: wide
components:
  - {name: "数据库主节点", kind: server, calls: ["cache-🔥-tier"]}
  - {name: "cache-🔥-tier", kind: database}
YAML
LC_ALL=C.UTF-8 "$A" check "$T/wide.yaml" > "$T/out" 2>/dev/null
if /usr/bin/python3 - "$T/out" <<'PY'
import sys, unicodedata
def cells(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else
               0 if unicodedata.combining(c) else 1 for c in s)
cols = set()
for line in open(sys.argv[1], encoding="utf-8").read().splitlines()[1:]:
    for kind in ("server", "database"):
        if kind in line:
            cols.add(cells(line[:line.index(kind)]))
assert len(cols) == 1, cols
PY
then pass "T9 check lines up wide names in terminal cells"
else fail "T9 check misaligns wide names"; cat "$T/out"; fi

# --- Determinism (S4) ----------------------------------------------------------
S1=data/scenarios/stage-1-single-server.yaml
"$A" run --to 5k --format csv "$S1" > "$T/a.csv"
"$A" run --to 5k --format csv "$S1" > "$T/b.csv"
"$A" run --to 5k --format csv --seed 99 "$S1" > "$T/c.csv"
if cmp -s "$T/a.csv" "$T/b.csv"; then pass "S4 same seed, same bytes"
else fail "S4 same seed gave different output"; fi
if cmp -s "$T/a.csv" "$T/c.csv"; then fail "S4 another seed gave the same output"
else pass "S4 another seed differs"; fi
# The CSV: a header, then steps rising from 1 to 5000 users, ten a decade
# (fewer at the bottom, where rounding to whole users merges steps).
if /usr/bin/python3 - "$T/a.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
users = [float(r["users"]) for r in rows]
assert users[0] == 1 and users[-1] == 5000, users
assert all(a < b for a, b in zip(users, users[1:])), users
assert 30 <= len(users) <= 38, len(users)
assert all(float(r["errors_pct"]) >= 0 for r in rows)
PY
then pass "csv: steps rise from 1 to 5000"; else fail "csv steps"; fi

"$A" run --to 1k --format json "$S1" > "$T/a.json"
if /usr/bin/python3 - "$T/a.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["steps"][-1]["users"] == 1000 and d["capacity"] > 0
assert d["steps"][0]["p99_ms"] is None      # one user: too few answers
PY
then pass "json parses; the one-user p99 is null"
else fail "json output"; fi

# --- OpenMetrics export, read back by a parser of the format ------------------
"$A" run --to 1k --metrics "$T/m.txt" data/scenarios/stage-5-cache.yaml \
    > /dev/null
if /usr/bin/python3 - "$T/m.txt" <<'PY'
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
fams = {f.name: f for f in text_string_to_metric_families(open(sys.argv[1]).read())}
hit = fams["archsim_component_hit_ratio"]
assert any(s.labels["component"] == "cache" and 0 < s.value < 1
           for s in hit.samples), "no cache hit ratio"
util = fams["archsim_component_utilisation_ratio"]
assert {s.labels["component"] for s in util.samples} == {"lb", "app", "cache", "db"}
assert fams["archsim_latency_p99_seconds"].unit == "seconds"
PY
then pass "--metrics writes OpenMetrics that a parser accepts"
else fail "--metrics output"; fi

# --- The journey ------------------------------------------------------------
prev=0
for f in data/scenarios/stage-*.yaml; do
    "$A" run --format json "$f" > "$T/j.json"
    st=$?
    cap=$(/usr/bin/python3 -c 'import json,sys;
print(int(json.load(open(sys.argv[1]))["capacity"]))' "$T/j.json")
    echo "   $(basename "$f"): capacity $cap users (exit $st)"
    if [ "$cap" -gt "$prev" ]; then pass "$(basename "$f") beats the stage before"
    else fail "$(basename "$f"): capacity $cap is not above $prev"; fi
    prev=$cap
    case $f in
    *stage-1-*)
        if [ "$cap" -ge 300 ] && [ "$cap" -le 5000 ]; then
            pass "stage 1's knee is in the hundreds to thousands"
        else fail "stage 1's capacity $cap is outside 300..5000"; fi ;;
    *stage-9-*)
        [ "$st" -eq 0 ] && pass "stage 9 holds at 1M users" ||
            fail "stage 9 does not hold at 1M users" ;;
    esac
done

if [ "$fails" -gt 0 ]; then
    echo "$fails failed"
    exit 1
fi
echo "all CLI checks passed"
