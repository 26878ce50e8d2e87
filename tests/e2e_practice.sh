#!/bin/sh
# archsim practice from the command line: every shipped challenge's
# reference design passes (exit 0); a design over budget fails (exit 1);
# a challenge with a bad key gives file:line:column and exit 65; bad
# usage exits 64; attempts are kept, listed with the best score, and
# their designs reopen; a hint costs the next attempt points. Run from
# the repository root with ARCHSIM=path/to/archsim.
set -u
A=${ARCHSIM:-build/archsim}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export ARCHSIM_DB="$T/archsim.db"
fails=0

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }

# --- Reference designs ---------------------------------------------------
n=0
for c in data/challenges/*.yaml; do
    name=$(basename "$c" .yaml)
    sol=data/challenges/solutions/$name.yaml
    n=$((n + 1))
    if "$A" practice --no-save --grade "$name" "$sol" > "$T/out" 2>&1; then
        pass "$name: its reference design passes ($(sed -n 2p "$T/out"))"
    else
        fail "$name: its reference design does not pass:"; cat "$T/out"
    fi
done
[ "$n" -ge 12 ] && pass "$n challenges" || fail "only $n challenges"

# --- Failing designs -------------------------------------------------------
sed 's/size: db.r6g.xlarge/size: db.r6g.16xlarge/' \
    data/challenges/solutions/url-shortener.yaml > "$T/rich.yaml"
"$A" practice --no-save --grade url-shortener "$T/rich.yaml" > "$T/out" 2>&1
rc=$?
if [ "$rc" = 1 ] && grep -q "FAIL: over the budget" "$T/out" &&
   grep -q "MISS cost" "$T/out"; then
    pass "over budget: exit 1, fails on cost"
else
    fail "over budget: exit $rc"; cat "$T/out"
fi

# The starting design of startup-mvp is built for far more users.
"$A" practice --no-save --grade startup-mvp stage-5-cache > "$T/out" 2>&1
rc=$?
[ "$rc" = 1 ] && pass "startup-mvp's over-built start fails (exit 1)" ||
    { fail "startup-mvp's start: exit $rc"; cat "$T/out"; }

# --- Bad input and usage -----------------------------------------------------
cat > "$T/bad.yaml" <<'YAML'
name: bad
brief: a challenge with a misspelt key
target: 1k
budget: 100/month
objectives: {p99: 500ms, errors: 0.1%}
budgett: 200/month
start: stage-1-single-server
YAML
"$A" practice --grade "$T/bad.yaml" data/challenges/solutions/team-wiki.yaml \
    > "$T/out" 2> "$T/err"
rc=$?
if [ "$rc" = 65 ] && grep -q "bad.yaml:6:1: unknown key 'budgett'" "$T/err"
then pass "bad key: file:line:column, exit 65"
else fail "bad key: exit $rc"; cat "$T/err"; fi

"$A" practice --grade team-wiki "$T/missing.yaml" > /dev/null 2>&1
rc=$?
[ "$rc" = 65 ] && pass "missing design: exit 65" ||
    fail "missing design: exit $rc"
"$A" practice --grade team-wiki > /dev/null 2>&1
rc=$?
[ "$rc" = 64 ] && pass "--grade without a design: exit 64" ||
    fail "--grade without a design: exit $rc"
"$A" practice --bogus > /dev/null 2>&1
rc=$?
[ "$rc" = 64 ] && pass "unknown option: exit 64" ||
    fail "unknown option: exit $rc"
"$A" practice --time 10 > /dev/null 2>&1
rc=$?
[ "$rc" = 64 ] && pass "--time without --grade: exit 64" ||
    fail "--time without --grade: exit $rc"

# --- Attempts, best scores, hints ---------------------------------------------
"$A" practice > "$T/list" 2>&1 || fail "practice (list) exits $?"
grep -q "^team-wiki .* -  A wiki" "$T/list" &&
    pass "the list shows no best score before an attempt" ||
    { fail "the list before an attempt:"; cat "$T/list"; }
"$A" practice --grade team-wiki data/challenges/solutions/team-wiki.yaml \
    --time 300 > "$T/out" 2> "$T/err" || fail "graded team-wiki: exit $?"
grep -q "saved as attempt 1" "$T/err" && pass "the attempt is saved" ||
    { fail "the attempt was not saved:"; cat "$T/err"; }
"$A" practice > "$T/list" 2>&1
grep -q "^team-wiki .* 100  A wiki" "$T/list" &&
    pass "the list shows the best score" ||
    { fail "the list after an attempt:"; cat "$T/list"; }
"$A" practice --hint slow-reports slow-reports-start > /dev/null 2>&1
"$A" practice --hint slow-reports data/challenges/slow-reports.yaml \
    > /dev/null 2>&1
rc=$?
[ "$rc" = 65 ] && pass "--hint on a file that is no scenario: exit 65" ||
    fail "--hint on a challenge file: exit $rc"
sed -n '/^start:/,/^required/p' data/challenges/slow-reports.yaml |
    sed '1d;$d;s/^  //' > "$T/start.yaml"
"$A" practice --hint slow-reports "$T/start.yaml" > "$T/hint" 2>&1
rc=$?
if [ "$rc" = 0 ] && grep -q "Kind of remedy:" "$T/hint" &&
   grep -q "costs 5 points" "$T/hint" && ! grep -qi "index" "$T/hint"; then
    pass "a hint: the bottleneck and the kind of remedy, recorded"
else
    fail "hint: exit $rc"; cat "$T/hint"
fi
"$A" practice --grade slow-reports data/challenges/solutions/slow-reports.yaml \
    > "$T/out" 2>&1
grep -q "hints.*-5 .*1 hint taken" "$T/out" && grep -q "score 95/100" "$T/out" &&
    pass "the next attempt pays 5 points for the hint" ||
    { fail "the hint was not charged:"; cat "$T/out"; }
"$A" practice --history > "$T/hist" 2>&1 || fail "--history exits $?"
[ "$(grep -c -E '^[0-9]+ ' "$T/hist")" = 2 ] &&
    grep -q "slow-reports .* 95 pass" "$T/hist" &&
    pass "--history lists both attempts" ||
    { fail "--history:"; cat "$T/hist"; }
"$A" practice --history team-wiki > "$T/hist" 2>&1
[ "$(grep -c -E '^[0-9]+ ' "$T/hist")" = 1 ] &&
    pass "--history CHALLENGE lists its attempts" ||
    { fail "--history team-wiki:"; cat "$T/hist"; }
"$A" practice --design 1 > "$T/design.yaml" 2>&1 &&
    "$A" check "$T/design.yaml" > /dev/null 2>&1 &&
    pass "--design: an attempt's design reopens" ||
    { fail "--design 1:"; cat "$T/design.yaml"; }
"$A" practice --design 9 > /dev/null 2>&1
rc=$?
[ "$rc" = 65 ] && pass "--design of no attempt: exit 65" ||
    fail "--design 9: exit $rc"
"$A" practice --brief url-shortener > "$T/brief" 2>&1 &&
    grep -q "target      100k users" "$T/brief" &&
    pass "--brief shows the target" || { fail "--brief:"; cat "$T/brief"; }

echo "$fails failed"
[ "$fails" = 0 ]
