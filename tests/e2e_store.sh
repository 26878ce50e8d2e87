#!/bin/sh
# End-to-end tests of saved work: where the database goes, save, list,
# show, rename and delete scenarios (the D4 names among them), runs saved
# with run --save, shown and compared, and the faults a user meets: a
# read-only directory (D1), a text file (D2), a newer schema (D3), a
# corrupt file and a lock held by another process. Run from the
# repository root with ARCHSIM=path/to/archsim. Every database is in a
# temporary directory; HOME points there too.
set -u
A=${ARCHSIM:-build/archsim}
case $A in /*) ;; *) A=$PWD/$A ;; esac
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
PY=/usr/bin/python3
S1=data/scenarios/stage-1-single-server.yaml

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

# same FILE1 FILE2 DESCRIPTION: the two files hold the same bytes.
same() {
    if cmp -s "$1" "$2"; then pass "$3"
    else fail "$3: $1 and $2 differ"; diff "$1" "$2" | head -20; fi
}

unset ARCHSIM_DB XDG_DATA_HOME
export HOME="$T/home"
mkdir -p "$HOME"

# --- Where the database is ---------------------------------------------------
expect 0 "save to the default place" -- "$A" save "$S1"
if [ -f "$HOME/.local/share/archsim/archsim.db" ]; then
    pass "default is ~/.local/share/archsim/archsim.db"
else fail "no database under ~/.local/share/archsim"; fi
XDG_DATA_HOME="$T/xdg" "$A" save "$S1" >"$T/out" 2>"$T/err"
if [ -f "$T/xdg/archsim/archsim.db" ]; then pass "XDG_DATA_HOME is used"
else fail "XDG_DATA_HOME ignored"; cat "$T/err"; fi
ARCHSIM_DB="$T/env.db" "$A" save "$S1" >"$T/out" 2>"$T/err"
if [ -f "$T/env.db" ]; then pass "ARCHSIM_DB is used"
else fail "ARCHSIM_DB ignored"; cat "$T/err"; fi
DB="$T/work.db"
export ARCHSIM_DB="$T/not-this.db"
expect 0 "--db wins over ARCHSIM_DB" -- "$A" scenarios --db "$DB"
[ -f "$T/not-this.db" ] && fail "ARCHSIM_DB used despite --db" ||
    pass "ARCHSIM_DB left alone with --db"
export ARCHSIM_DB="$DB"

# --- Usage -------------------------------------------------------------------
for c in save scenarios scenario runs show compare; do
    expect 0 "$c --help" -- "$A" "$c" --help
    has "$T/out" "archsim $c" "$c --help shows its usage"
done
expect 64 "save without a file" -- "$A" save
expect 64 "unknown option" -- "$A" scenarios --bogus
expect 64 "scenario without a command" -- "$A" scenario
expect 64 "scenario frob" -- "$A" scenario frob x
expect 64 "show takes a number" -- "$A" show latest
expect 64 "compare needs two runs" -- "$A" compare 1
expect 64 "--db needs a path" -- "$A" runs --db ""
expect 0 "save a shipped scenario by name" -- \
    "$A" save stage-2-bigger-machine --db "$T/shipped.db"
expect 65 "save a file that does not load" -- "$A" save tests/cases/tabs.yaml
has "$T/err" "tabs.yaml:3:1" "the load error names the place"

# --- Scenarios, D4 -----------------------------------------------------------
expect 0 "save" -- "$A" save "$S1"
has "$T/out" "saved scenario 'stage-1-single-server'" "save says what it saved"
expect 65 "save again refuses to overwrite" -- "$A" save "$S1"
has "$T/err" "--replace" "the refusal suggests --replace"
expect 0 "save --replace" -- "$A" save "$S1" --replace
for name in "O'Brien's shop" '"; DROP TABLE runs; --' 'café ☕'; do
    expect 0 "D4 save as $name" -- "$A" save "$S1" --name "$name"
done
expect 0 "scenarios" -- "$A" scenarios
sed 's/^[0-9-]* [0-9:]* UTC  //' "$T/out" > "$T/names"
printf '%s\n' '"; DROP TABLE runs; --' "O'Brien's shop" 'café ☕' \
    stage-1-single-server > "$T/want"
same "$T/names" "$T/want" "D4 names listed exactly, sorted"
expect 0 "D4 show O'Brien's shop" -- "$A" scenario show "O'Brien's shop"
cp "$T/out" "$T/obrien.yaml"
expect 0 "show the original" -- "$A" scenario show stage-1-single-server
same "$T/obrien.yaml" "$T/out" "D4 the quoted name reopens the same YAML"
expect 0 "D4 show the SQL-looking name" -- \
    "$A" scenario show '"; DROP TABLE runs; --'
same "$T/obrien.yaml" "$T/out" "D4 the SQL-looking name reopens it too"
expect 0 "D4 show café ☕" -- "$A" scenario show 'café ☕'
same "$T/obrien.yaml" "$T/out" "D4 the non-ASCII name reopens it too"

# Saving what was shown gives the same text: one export normalises.
expect 0 "save the shown YAML" -- "$A" save "$T/obrien.yaml" --name again
expect 0 "show it" -- "$A" scenario show again
same "$T/obrien.yaml" "$T/out" "a stored scenario exports to the same bytes"

expect 0 "rename" -- "$A" scenario rename again 'encore ✓'
expect 65 "the old name is gone" -- "$A" scenario show again
expect 0 "the new name opens" -- "$A" scenario show 'encore ✓'
expect 65 "rename onto a taken name" -- \
    "$A" scenario rename 'encore ✓' "O'Brien's shop"
expect 65 "rename a missing name" -- "$A" scenario rename nothing x
expect 64 "delete without --yes refuses" -- "$A" scenario delete 'encore ✓'
has "$T/err" "--yes" "the refusal asks for --yes"
expect 0 "still there after the refusal" -- "$A" scenario show 'encore ✓'
expect 0 "delete --yes" -- "$A" scenario delete 'encore ✓' --yes
expect 65 "gone after delete" -- "$A" scenario show 'encore ✓'
expect 65 "delete a missing name" -- "$A" scenario delete nothing --yes
expect 65 "after --, a name may start with --" -- \
    "$A" scenario show -- --odd
has "$T/err" "'--odd'" "the name after -- is looked up, not an option"
expect 65 "bad name refused" -- "$A" save "$S1" --name ""

# --- Runs -------------------------------------------------------------------
expect 0 "no runs yet" -- "$A" runs
has "$T/err" "no runs" "runs says there are none"
expect 0 "run --save" -- "$A" run --save --to 300 "$S1"
cp "$T/out" "$T/run1.txt"
has "$T/err" "saved as run 1" "run --save names the run"
sed 's/threads: 64/threads: 4/' "$S1" > "$T/changed.yaml"
expect 0 "run --save the changed design as json" -- \
    "$A" run --save --to 300 --seed 9 --format json "$T/changed.yaml"
cp "$T/out" "$T/run2.json"
expect 0 "runs" -- "$A" runs
has "$T/out" "stage-1-single-server" "runs names the scenario"
[ "$(grep -c 'stage-1' "$T/out")" = 2 ] && pass "runs lists both" ||
    fail "runs does not list two runs"
expect 0 "show 1" -- "$A" show 1
tail -n +3 "$T/out" > "$T/show1.txt"
# Traces are not saved: run's "where the time goes" is the one part show
# cannot print, and is left out of the comparison.
no_split() {
    awk '/^where the time goes/ { skip = 1; next }
         skip && /^$/ { skip = 0; next } !skip' "$1" > "$1.cut"
    mv "$1.cut" "$1"
}
no_split "$T/run1.txt"
same "$T/show1.txt" "$T/run1.txt" "show prints what run printed"
has "$T/out" "run 1, saved" "show names the run"
expect 0 "show 2 as json" -- "$A" show 2 --format json
/usr/bin/python3 - "$T/run2.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d.pop("time_split", None)
open(sys.argv[1] + ".cut", "w").write(json.dumps(d, sort_keys=True))
PY
/usr/bin/python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), sort_keys=True), end="")' "$T/out" > "$T/show2.cut"
same "$T/show2.cut" "$T/run2.json.cut" "show --format json prints what run printed"
expect 65 "show a missing run" -- "$A" show 99
has "$T/err" "no run number 99" "the missing run is named"
expect 0 "compare" -- "$A" compare 1 2
has "$T/out" "components[app].threads: 64 -> 4" "compare names the change"
has "$T/out" "seed of the run: 1 -> 9" "compare names the seed"
has "$T/out" "answered/s" "compare sets out throughput"
has "$T/out" "capacity:" "compare gives capacity"
has "$T/out" "cost:" "compare gives cost"
expect 65 "compare with a missing run" -- "$A" compare 1 99

# Two processes saving at once both succeed.
"$A" run --save --to 100 "$S1" > /dev/null 2>"$T/e1" &
p1=$!
"$A" run --save --to 100 "$S1" > /dev/null 2>"$T/e2" &
p2=$!
wait $p1; s1=$?
wait $p2; s2=$?
if [ $s1 = 0 ] && [ $s2 = 0 ] && grep -q 'saved as run' "$T/e1" &&
   grep -q 'saved as run' "$T/e2"; then pass "two runs saved at once"
else fail "two at once: $s1 $s2"; cat "$T/e1" "$T/e2"; fi

# A second process that holds the lock for a while is waited for.
rm -f "$T/locked"
$PY - "$DB" "$T/locked" <<'PY' &
import sqlite3, sys, time, os
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
time.sleep(1.5)
db.execute("COMMIT")
PY
py=$!
n=0
while [ ! -f "$T/locked" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
expect 0 "save waits for another process's lock" -- \
    "$A" save "$S1" --name waited
wait $py

# --- Faults -----------------------------------------------------------------
# D2: a text file is not a database, and is left as it was.
printf 'my notes\n' > "$T/notes.txt"
cp "$T/notes.txt" "$T/notes.orig"
expect 74 "D2 text file refused" -- "$A" scenarios --db "$T/notes.txt"
has "$T/err" "not an archsim database" "D2 says not an archsim database"
same "$T/notes.txt" "$T/notes.orig" "D2 the text file is untouched"
expect 0 "D2 run --save goes on" -- \
    "$A" run --save --to 30 --db "$T/notes.txt" "$S1"
has "$T/out" "objectives" "D2 the figures are printed"
has "$T/err" "will not be saved" "D2 run warns it will not save"
same "$T/notes.txt" "$T/notes.orig" "D2 still untouched after run --save"

# D3: a newer schema is refused, and the file is left as it was.
cp "$DB" "$T/newer.db"
$PY -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); db.execute("PRAGMA user_version = 99")
db.commit(); db.close()' "$T/newer.db"
cp "$T/newer.db" "$T/newer.orig"
expect 74 "D3 newer schema refused" -- "$A" runs --db "$T/newer.db"
has "$T/err" "newer archsim" "D3 says a newer archsim wrote it"
same "$T/newer.db" "$T/newer.orig" "D3 the database is untouched"

# A corrupt file: a clear message; run --save still prints its figures.
cp "$DB" "$T/corrupt.db"
$PY -c 'import sys
f = open(sys.argv[1], "r+b"); f.seek(4096); f.write(b"\x5a" * 32768)
f.close()' "$T/corrupt.db"
expect 74 "corrupt file" -- "$A" runs --db "$T/corrupt.db"
has "$T/err" "damaged" "the corrupt file is called damaged"
"$A" run --save --to 30 --db "$T/corrupt.db" "$S1" >"$T/out" 2>"$T/err"
st=$?
if [ $st = 0 ] && grep -q objectives "$T/out" &&
   grep -q 'not saved' "$T/err"; then
    pass "run --save on a corrupt file prints, warns, keeps its status"
else fail "run --save on a corrupt file: exit $st"; cat "$T/err"; fi

# D1: a read-only directory, as an unprivileged user (root ignores
# permissions).
if [ "$(id -u)" = 0 ] && ! command -v setpriv >/dev/null 2>&1; then
    echo "skip: D1 needs setpriv to drop root's privileges"
else
    as_user() {
        if [ "$(id -u)" = 0 ]; then
            setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
        else "$@"; fi
    }
    mkdir "$T/ro"
    chmod 755 "$T"
    chmod 555 "$T/ro"
    expect 74 "D1 read-only directory" -- \
        as_user "$A" scenarios --db "$T/ro/archsim.db"
    has "$T/err" "read-only" "D1 says read-only"
    expect 0 "D1 run --save goes on" -- \
        as_user "$A" run --save --to 30 --db "$T/ro/archsim.db" "$S1"
    has "$T/out" "objectives" "D1 the figures are printed"
    has "$T/err" "will not be saved" "D1 run warns it will not save"
    # A read-only file in a directory the user may write.
    mkdir "$T/rw"
    cp "$DB" "$T/rw/archsim.db"
    chmod 644 "$T/rw/archsim.db"
    chmod 777 "$T/rw"
    [ "$(id -u)" = 0 ] || chmod 444 "$T/rw/archsim.db"
    cp "$T/rw/archsim.db" "$T/ro-file.orig"
    expect 0 "read-only file still lists" -- \
        as_user "$A" scenarios --db "$T/rw/archsim.db"
    expect 74 "read-only file refuses a save" -- \
        as_user "$A" save "$S1" --name more --db "$T/rw/archsim.db"
    has "$T/err" "read-only" "the refusal says read-only"
    same "$T/rw/archsim.db" "$T/ro-file.orig" "the read-only file is untouched"
    chmod 700 "$T"
fi

if [ "$fails" -gt 0 ]; then
    echo "$fails failed"
    exit 1
fi
echo "all store checks passed"
