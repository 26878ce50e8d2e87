#!/bin/sh
# End-to-end tests of the terminal interface: the real program in tmux,
# driven with send-keys and read with capture-pane. Run from the
# repository root with ARCHSIM=path/to/archsim.
set -u
A=$(cd "$(dirname "${ARCHSIM:-build/archsim}")" && pwd)/$(basename "${ARCHSIM:-build/archsim}")
ROOT=$(pwd)
T=$(mktemp -d)
SOCK="archsim-e2e-$$"
tm() { tmux -L "$SOCK" "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }

if ! command -v tmux >/dev/null 2>&1; then
    echo "FAIL: tmux is not installed (make deps installs it)"
    exit 1
fi

screen() { tm capture-pane -p -t e2e; }

# wait_for PATTERN [SECONDS]: until the screen matches (grep -E).
wait_for() {
    n=0
    while [ $n -lt $((${2:-15} * 10)) ]; do
        if screen | grep -qE -- "$1"; then return 0; fi
        sleep 0.1
        n=$((n + 1))
    done
    return 1
}

check() {  # check DESCRIPTION PATTERN [SECONDS]
    if wait_for "$2" "${3:-15}"; then pass "$1"
    else fail "$1: '$2' never appeared"; screen; fi
}

# The number after a label in the side panel, e.g. "busiest    26%".
panel_value() {
    screen | sed -n "s/.*│ $1 *\([0-9.]*\)%.*/\1/p" | head -1
}

# Stop any session, and wait until its server has gone.
fresh() {
    tm kill-server 2>/dev/null
    n=0
    while tm has-session 2>/dev/null && [ $n -lt 50 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    sleep 0.2
}

start() {  # start COLS ROWS [ENV...] ARGS...
    cols=$1; rows=$2; shift 2
    fresh
    tm new-session -d -s e2e -x "$cols" -y "$rows" \
        "cd $T && env $* ; echo EXITED rc=\$?; sleep 600"
}

# Saved work goes to a database of the test's own, never the user's.
export ARCHSIM_DB="$T/test.db"
cp "$ROOT/data/scenarios/stage-1-single-server.yaml" "$T/s1.yaml"

# --- The default diagram, a live ramp ----------------------------------------
start 120 40 "$A" s1.yaml
check "the default diagram appears" "┌app.*┌db"
check "the status line names the scenario" "stage-1-single-server"
tm send-keys -t e2e ' '
check "space ramps: the user count changes" "\| [1-9][0-9.]*k? users" 20
check "a utilisation figure appears" "busiest +[0-9]+%"
tm send-keys -t e2e ' '
check "space pauses" "\| paused"

# --- A cache lowers the database's load at the same users; undo -------------
tm send-keys -t e2e ':users 3k' Enter
sleep 0.3
tm send-keys -t e2e ':select db' Enter
check "the users were set by hand" "3k users"
wait_for "\| paused" 20
sleep 0.5
before=$(panel_value busiest)
tm send-keys -t e2e ':add cache' Enter
check "a cache is added" "┌cache"
tm send-keys -t e2e ':connect app cache' Enter
check "the server now calls the cache" "app now calls cache"
tm send-keys -t e2e ':select db' Enter
wait_for "\| paused" 20
sleep 0.5
after=$(panel_value busiest)
echo "   database busiest: $before% before the cache, $after% after"
if [ -n "$before" ] && [ -n "$after" ] &&
   awk "BEGIN { exit !($after < $before) }"; then
    pass "the cache lowers the database's load"
else fail "database load did not fall ($before% -> $after%)"; fi
tm send-keys -t e2e 'u'
check "undo takes the call back" "undo"
tm send-keys -t e2e 'u'
wait_for "\| paused" 20
sleep 0.5
undone=$(panel_value busiest)
if [ "$undone" = "$before" ]; then pass "after undo the load is as before ($undone%)"
else fail "after undo: $undone%, before: $before%"; fi
if screen | grep -q "┌cache"; then fail "undo left the cache"
else pass "undo removed the cache"; fi

# --- A traced request as a waterfall --------------------------------------------
tm send-keys -t e2e t
check "t shows the slowest traced request" "slowest traced .* request"
tm send-keys -t e2e x

# --- Editing a setting with the loader's rules --------------------------------
tm send-keys -t e2e ':set app.instances lots' Enter
check "a bad value gets the loader's message" "instances.*lots"
tm send-keys -t e2e ':set app.instances 2' Enter
check "a good value is set" "app.instances = 2"

# --- Export, then run what was exported -----------------------------------------
tm send-keys -t e2e ':export out.yaml' Enter
check "export says where" "exported to out.yaml"
"$A" run --to 100 "$T/out.yaml" >/dev/null 2>"$T/err"
st=$?
if [ $st -eq 0 ] || [ $st -eq 1 ]; then pass "archsim run accepts the export"
else fail "archsim run on the export: exit $st"; cat "$T/err"; fi
grep -q "instances: 2" "$T/out.yaml" && pass "the export holds the change" ||
    fail "the export lacks instances: 2"

# --- Help, resize ------------------------------------------------------------------
tm send-keys -t e2e '?'
check "? shows the keys" "keys \(any key closes\)"
tm send-keys -t e2e 'x'
tm resize-window -t e2e -x 40 -y 12
check "a small terminal says so" "terminal too small"
tm resize-window -t e2e -x 10 -y 3
sleep 0.3
tm resize-window -t e2e -x 120 -y 40
check "back to 120x40 the diagram returns" "┌app.*┌db"

# --- Quit asks when there are unsaved changes; the shell works after -------------
tm send-keys -t e2e ':set app.threads 100' Enter
sleep 0.3
tm send-keys -t e2e 'q'
check "q asks first" "quit without exporting"
tm send-keys -t e2e 'n'
check "n cancels" "cancelled"
tm send-keys -t e2e 'q'
tm send-keys -t e2e 'y'
check "y quits with status 0" "EXITED rc=0"

# --- SIGTERM while a ramp runs leaves the terminal sane (T8) ---------------------
fresh
tm new-session -d -s e2e -x 100 -y 30 \
    "cd $T && stty -g > before.txt; \"$A\" s1.yaml; stty -g > after.txt; echo DONE; sleep 600"
check "the interface starts for the signal test" "┌app"
tm send-keys -t e2e ' '
sleep 1
shell=$(tm display-message -p -t e2e '#{pane_pid}')
pid=$(pgrep -P "$shell" -f archsim | head -1)
if [ -n "$pid" ]; then kill -TERM "$pid"; else fail "no archsim process to signal"; fi
check "SIGTERM ends the program" "DONE"
if cmp -s "$T/before.txt" "$T/after.txt"; then pass "SIGTERM: stty is as before"
else fail "SIGTERM: stty changed"; fi

# --- Ctrl-C likewise -------------------------------------------------------------
fresh
tm new-session -d -s e2e -x 100 -y 30 \
    "cd $T && stty -g > before.txt; \"$A\" s1.yaml; stty -g > after.txt; echo DONE; sleep 600"
check "the interface starts for Ctrl-C" "┌app"
tm send-keys -t e2e ' '
sleep 1
tm send-keys -t e2e C-c
check "Ctrl-C ends the program" "DONE"
if cmp -s "$T/before.txt" "$T/after.txt"; then pass "Ctrl-C: stty is as before"
else fail "Ctrl-C: stty changed"; fi

# --- The tour: a stage, its knee, the advice applied, the next stage ----------
start 100 30 "$A" tour
check "the tour opens on stage 1" "1. One server, one database"
tm send-keys -t e2e x
check "the ramp stops at the knee" "the knee" 40
check "the advisor proposes the next component" "next: "
tm send-keys -t e2e A
check "A applies the advice" "applied the advice"
tm send-keys -t e2e n
check "n goes to stage 2" "2. A bigger machine"
tm send-keys -t e2e x ':q!' Enter
check "the tour quits" "EXITED rc=0"

# --- A failure struck live shows, and recovers, in the log -----------------------
start 100 30 "$A" s1.yaml
tm send-keys -t e2e ':users 1k' Enter
wait_for "\| paused" 20
tm send-keys -t e2e ':fail db primary 5s' Enter
check ":fail strikes the running simulation" "primary failure at db"
tm send-keys -t e2e ' '
check "the log tells of the recovery" "primary recovered at db" 40
tm send-keys -t e2e ':q!' Enter

# --- The failure menu at 80x24: f lists a server's failures; one strikes -----
start 80 24 "$A" s1.yaml
check "the interface starts at 80x24 for the failure menu" "┌app"
tm send-keys -t e2e f
check "f before any step says to start one" "nothing runs yet"
tm send-keys -t e2e ':users 1k' Enter
wait_for "\| paused" 20
tm send-keys -t e2e ':select app' Enter f
check "f opens the failure menu of the selected box" "fail app for 30s"
for kind in instance component slow partition spike; do
    if screen | grep -qE "[0-9] $kind "; then pass "the menu offers $kind"
    else fail "the menu lacks $kind for a server"; screen; fi
done
if screen | grep -qE "[0-9] (primary|cache-flush|workers) "; then
    fail "the menu offers a server a failure of another kind"; screen
else pass "the menu offers a server only a server's failures"; fi
tm send-keys -t e2e Escape
check "Esc closes the failure menu" "cancelled"
tm send-keys -t e2e f 1
check "a choice strikes: the log shows it with its simulated time" \
    "t=[0-9.]+s instance failure at app"
tm send-keys -t e2e f 4
check "a partition asks for the other side" "cut app off from which"
tm send-keys -t e2e Enter
check "the partition chosen in the menu is logged" \
    "t=[0-9.]+s partition cuts off app and db"
tm send-keys -t e2e ':q!' Enter

# --- :fail partition and spike, and their ends, in the log --------------------
start 100 40 "$A" s1.yaml
check "the interface starts for :fail partition" "┌app"
tm send-keys -t e2e ':users 1k' Enter
wait_for "\| paused" 20
tm send-keys -t e2e ':fail app partition db 10s' Enter
check ":fail NAME partition OTHER cuts the two apart" \
    "t=[0-9.]+s partition cuts off app and db"
tm send-keys -t e2e ' '
check "the log tells when the partition heals" \
    "t=[0-9.]+s partition healed between app and db" 40
tm send-keys -t e2e ' '
wait_for "\| paused" 20
tm send-keys -t e2e ':fail spike x2 5s' Enter
check ":fail spike x2 multiplies the users" "t=[0-9.]+s spike: users x2"
tm send-keys -t e2e ' '
check "the log tells when the spike is over" \
    "t=[0-9.]+s spike over: users back to normal" 40
tm send-keys -t e2e ' '
wait_for "\| paused" 20
tm send-keys -t e2e v
check "v shows the whole event log" "event log, newest last"
if screen | grep -qE "t=[0-9.]+s partition cuts off app and db" &&
   screen | grep -qE "t=[0-9.]+s spike: users x2"; then
    pass "the whole log holds the partition and the spike, with their times"
else fail "the whole log lacks the partition or the spike"; screen; fi
tm send-keys -t e2e x
check "any other key closes the log" "users +1 +10"
tm send-keys -t e2e ':q!' Enter

# --- Hold: the users held, a failure and its recovery against time -----------
# The simulated time on the status line while holding, or nothing.
hold_time() {
    screen | sed -n 's/.*| HOLD t=\([0-9]*\)s.*/\1/p' | head -1
}

# The chart columns of the time axis at 80 columns (the legend cut off).
time_axis() {
    screen | grep '^time ' | cut -c8-54
}

# wait_axis PATTERN: until the time axis matches (grep -E), 15 s at most.
wait_axis() {
    n=0
    while [ $n -lt 150 ]; do
        if time_axis | grep -qE -- "$1"; then return 0; fi
        sleep 0.1
        n=$((n + 1))
    done
    return 1
}

start 80 24 "$A" s1.yaml
check "the interface starts at 80x24 for hold" "┌app"
tm send-keys -t e2e ':hold 1k' Enter
check ":hold holds the users and says so on the status line" \
    "1k users .*\| HOLD t=[0-9]+s"
check "the event log says the hold began" "t=[0-9.]+s hold at 1k users"
first=$(hold_time)
check "the simulated time advances while holding" \
    "\| HOLD t=([3-9]|[1-9][0-9]+)s"
later=$(hold_time)
if [ -n "$first" ] && [ -n "$later" ] && [ "$later" -gt "$first" ]; then
    pass "hold: t went from ${first}s to ${later}s"
else fail "hold: the simulated time did not advance ($first -> $later)"; fi
check "the charts are against time, labelled in seconds" "^time +[0-9]+s" 20
tm send-keys -t e2e ':fail app instance 3s' Enter
check "a failure struck in hold is logged" "t=[0-9.]+s instance failure at app"
if wait_axis '!'; then pass "the time axis marks when it failed"
else fail "no ! on the time axis"; screen; fi
# The whole log, as the recovery and the objectives restored may come in
# one second and the bottom line show only the last.
tm send-keys -t e2e v
check "its recovery comes while holding" \
    "t=[0-9.]+s instance recovered at app" 20
tm send-keys -t e2e x
if wait_axis '!.*[+*]|[*]'; then pass "the time axis marks when it came back"
else fail "no + after the ! on the time axis"; screen; fi
tm send-keys -t e2e ' '
check "space pauses the hold" "\| hold paused t=[0-9]+s"
tm send-keys -t e2e '.'
check ". leaves the hold for the ramp's next step" "\| (STEPPING|paused)" 20
check "the charts are against users again" "^users +1 " 20
tm send-keys -t e2e ':q!' Enter

# --- A held second with too few answers has no p99 ----------------------------
start 120 30 "$A" s1.yaml
check "the interface starts for a quiet hold" "┌app"
tm send-keys -t e2e ':hold 10' Enter
check "too few answers: the status line's p99 is not known" \
    "HOLD t=[0-9]+s .*\| p99 \? err"
check "too few answers: the chart's p99 is not known" "now \? \(obj"
check "too few answers: the box's p99 is not known" "thr [0-9]+% \? "
check "too few answers: the panel's p99 is not known" "│ p99 +\?"
tm send-keys -t e2e ':q!' Enter

# --- Failures on a big design: the advisor, the status line, :fail's limits ---
cp "$ROOT/data/scenarios/stage-9-observability.yaml" "$T/s9.yaml"
start 100 30 "$A" s9.yaml
check "the interface starts for stage 9" "┌cdn"
tm send-keys -t e2e ':hold 100k' Enter
check "stage 9 holds 100k users" "100k users 10k/s \| HOLD" 30
check "a shrink says fewer before the name" \
    "next: fewer db replicas \(4 -> 2\)" 30
check "a box cut by the side panel keeps its name" "┌catalog"
tm send-keys -t e2e ':select cdn' Enter f
check "a CDN's menu offers cache-flush first" "1 cache-flush"
check "a menu with a cache-flush gives no length in its title" \
    "fail cdn \(Enter, Esc\)"
tm send-keys -t e2e Escape
tm send-keys -t e2e ':fail web instance 10m' Enter
check "a failure in force is what the advisor names" \
    "web: instance failure in force since t=[0-9]+s; the errors are its"
tm send-keys -t e2e A
check "A applies no remedy while a failure is in force" \
    "A: no remedy for a failure"
tm send-keys -t e2e ':fail spike x2 10m' Enter
check "a spike shows on the status line" "100k users x2 \(20k/s\)"
tm send-keys -t e2e ':fail web 0s' Enter
check ":fail refuses a failure of no length" "at most 30d, not 0s"
tm send-keys -t e2e ':fail web instance 1000000h' Enter
check ":fail refuses a failure beyond 30 days" "at most 30d, not 41667d"
tm send-keys -t e2e ':fail cache' Enter
check ":fail cache-flush gives no length" \
    "cache-flush failure at cache: every key is gone at once"
tm resize-window -t e2e -x 80 -y 24
tm send-keys -t e2e ':select jobs' Enter
check "boxes beyond the left edge are marked on the rule" "^<more─"
if screen | grep -E "<more|more>" | grep -q "│"; then
    fail "a more marker is drawn over the diagram"; screen
else pass "the more markers cover no box"; fi
tm send-keys -t e2e ':q!' Enter

# --- A challenge: timer, hint, submit ------------------------------------------
start 100 30 "$A" s1.yaml
tm send-keys -t e2e ':practice team-wiki' Enter
check ":practice starts a challenge with a timer" "team-wiki [0-9]+:[0-9]+/"
tm send-keys -t e2e ':hint' Enter
check ":hint names the bottleneck and costs points" "hint \(-5 points\)" 30
tm send-keys -t e2e ':submit' Enter
check ":submit grades the design out of 100" "score [0-9]+/100" 60
tm send-keys -t e2e x ':practice' Enter
check ":practice alone lists the challenges with the best score" \
    "team-wiki +[0-9]+ +A wiki"
tm send-keys -t e2e Escape ':q!' Enter

# --- Terminals without colour, without UTF-8, without cursor control ----------
start 100 30 NO_COLOR=1 "$A" s1.yaml
check "NO_COLOR: the diagram appears" "app"
if tm capture-pane -p -e -t e2e | grep -qE "$(printf '\033')\[[0-9;]*3[0-7]m"; then
    fail "NO_COLOR: colour sequences were drawn"
else pass "NO_COLOR: no colour"; fi
tm send-keys -t e2e ':q!' Enter

start 100 30 LANG=C LC_ALL=C "$A" s1.yaml
check "LANG=C: ASCII boxes" "\+app"
if screen | grep -q "┌"; then fail "LANG=C: line drawing used"
else pass "LANG=C: no line-drawing characters"; fi
tm send-keys -t e2e ':q!' Enter

TERM=dumb "$A" "$T/s1.yaml" </dev/null >/dev/null 2>"$T/err"
st=$?
[ $st -ne 0 ] && grep -q "archsim run" "$T/err" &&
    pass "TERM=dumb: refused, pointing to archsim run" ||
    fail "TERM=dumb: exit $st"
env -u TERM "$A" "$T/s1.yaml" </dev/null >/dev/null 2>"$T/err"
st=$?
[ $st -ne 0 ] && grep -q "archsim run" "$T/err" &&
    pass "T3 no TERM at all: refused, pointing to archsim run" ||
    fail "no TERM: exit $st"

# --- T2: fifty resizes in two seconds while a ramp runs -------------------------
start 120 40 "$A" s1.yaml
check "the interface starts for the resize storm" "┌app"
tm send-keys -t e2e ' '
i=0
while [ $i -lt 50 ]; do
    tm resize-window -t e2e -x $((40 + (i * 7) % 90)) -y $((10 + (i * 3) % 35))
    sleep 0.04
    i=$((i + 1))
done
tm resize-window -t e2e -x 120 -y 40
check "T2 after fifty resizes the diagram is whole" "┌app.*┌db"
if screen | grep -q "terminal too small"; then
    fail "T2 an old frame was left behind"
else pass "T2 nothing of an old frame is left"; fi
tm send-keys -t e2e ':q!' Enter
check "T2 it quits normally" "EXITED rc=0"

# --- Wide names line up (T9) -------------------------------------------------------
cat > "$T/wide.yaml" <<'YAML'
name: wide
components:
  - {name: "数据库主节点", kind: server, calls: ["cache-🔥-tier"]}
  - {name: "cache-🔥-tier", kind: database}
  - {name: "数据库主节点-standby-with-a-very-long-name-of-sixty-colu", kind: server}
YAML
start 80 24 "$A" wide.yaml
check "wide names are drawn" "数据库"
check "a short wide name is whole" "┌数据库主节点─"
check "a long name cut ends with an ellipsis" "┌数据库主节点-s…"
if screen | awk 'length($0) > 0' | grep -q "�"; then fail "wide names: broken characters"
else pass "wide names: no broken characters"; fi
tm send-keys -t e2e ':q!' Enter

# --- Autoscaling: the count on the box, the log, the chart -----------------------
# 540 reads/s of 10 ms on 2 cores need 4.5 instances at 60%: from 1 the
# autoscaler orders more at its first look and settles at 5 or 6.
cat > "$T/auto.yaml" <<'YAML'
name: auto
users: {model: open, rate: 1/s, ramp: {from: 540, to: 540}}
mix: {read: 100%}
components:
  - name: api
    kind: server
    cpu: {read: 10ms}
    autoscale: {target: 60%, min: 1, max: 20, delay: 30s}
YAML
start 120 40 "$A" auto.yaml
check "an autoscaled box shows its count" "┌api─+x1─"
tm send-keys -t e2e '.'
check "the log notes a scaling with its simulated time" \
    "t=[0-9]+\.0s api scaled (out|in) [0-9]+ -> [0-9]+ instances" 60
check "the box shows the count in service" "┌api─+x[5-6]─" 60
tm send-keys -t e2e Tab
check "the panel gives the range and target" "autoscale 1-20 at 60%"
check "the count is charted" "instances vs users \(0-20\)"
tm send-keys -t e2e ':q!' Enter

if [ "$fails" -gt 0 ]; then
    echo "$fails failed"
    exit 1
fi
echo "all interface checks passed"
