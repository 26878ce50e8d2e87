#!/bin/sh
# bench.sh BUILD - make bench: the engine against SimPy on M/M/4, the
# pending-event heaps, bytes per request in flight, idle users, then the
# stage-9 ramp's wall time and peak memory.
#
# Speed and memory are reported, never asserted: a slow or busy machine
# must not fail the build. The script fails only when a program crashes
# or cannot run.
#
# BENCH_SCENARIO overrides the ramp's scenario file (for trying the
# script on another design).
set -u

build=${1:-build}
engine=$build/tests/bench_engine
archsim=$build/archsim
scenario=${BENCH_SCENARIO:-data/scenarios/stage-9-observability.yaml}
python=/usr/bin/python3         # Debian's, where python3-simpy3 lives
ramp_target=3                   # seconds, for the stage-9 ramp
status=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/archsim-bench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

say() { printf '%s\n' "$*"; }

# run NAME CMD...: run CMD with its output shown; a non-zero status is a
# failure of the bench (these programs never judge speed).
run() {
    name=$1
    shift
    "$@" >"$tmp/out" 2>&1
    rc=$?
    cat "$tmp/out"
    if [ "$rc" -ne 0 ]; then
        say "bench: $name failed (exit status $rc)" >&2
        status=1
        return 1
    fi
    return 0
}

# The events/s line both benchmarks print, from a saved output.
rate_of() {
    sed -n 's/^events\/s (2 per customer): *//p' "$1"
}

if [ ! -x "$engine" ]; then
    say "bench: $engine is not built (make $engine)" >&2
    exit 1
fi

say "== engine: M/M/4 at utilisation 0.9"
run bench_engine "$engine" mm4 && cp "$tmp/out" "$tmp/engine"
say ""

say "== SimPy: the same M/M/4"
if ! "$python" -c 'import simpy' 2>/dev/null; then
    say "skipped: no SimPy for $python (Debian: apt install python3-simpy3)"
elif run bench_simpy.py "$python" tests/bench_simpy.py; then
    cp "$tmp/out" "$tmp/simpy"
fi
say ""

if [ -s "$tmp/engine" ] && [ -s "$tmp/simpy" ]; then
    awk -v c="$(rate_of "$tmp/engine")" -v p="$(rate_of "$tmp/simpy")" \
        'BEGIN {
            r = p > 0 ? c / p : 0
            printf "engine %.0f events/s, SimPy %.0f events/s: " \
                   "%.0fx (target >= 100x: %s)\n", c, p, r,
                   (r >= 100 ? "met" : "not met")
        }'
    say ""
fi

say "== pending-event set"
run bench_engine "$engine" heap
say ""
say "== memory per request"
run bench_engine "$engine" bytes
say ""
say "== idle users"
run bench_engine "$engine" idle
say ""

# measure OUT CMD...: run CMD, its output to $tmp/ramp.log, and write
# "wall-seconds peak-KiB" to OUT; returns CMD's status.
measure() {
    out=$1
    shift
    if command -v /usr/bin/time >/dev/null 2>&1; then
        /usr/bin/time -f '%e %M' -o "$out" "$@" >"$tmp/ramp.log" 2>&1
    else
        "$engine" exec "$out" "$@" >"$tmp/ramp.log" 2>&1
    fi
}

# ramp LABEL [OPTION...]: one archsim run of the scenario; prints its
# wall time and peak memory. archsim exits 0 when the objectives hold and
# 1 when they break: both are answers. Anything else is a failure.
ramp() {
    label=$1
    shift
    measure "$tmp/usage" "$archsim" run "$@" "$scenario"
    rc=$?
    if [ "$rc" -gt 1 ]; then
        tr '\r' '\n' <"$tmp/ramp.log" | tail -n 20
        say "bench: archsim run ($label) failed (exit status $rc)" >&2
        status=1
        return 1
    fi
    # GNU time may put a line of its own before the figures: use the last.
    tail -n 1 "$tmp/usage" >"$tmp/last" 2>/dev/null
    read -r wall peak_kib _ <"$tmp/last"
    wall=${wall:-0}
    peak_mib=$(awk -v k="${peak_kib:-0}" 'BEGIN { printf "%.1f", k / 1024 }')
    printf '  %-34s wall %6.2f s, peak RSS %7s MiB\n' "$label" "$wall" \
        "$peak_mib"
    return 0
}

say "== stage-9 ramp: $scenario"
if [ ! -f "$scenario" ]; then
    say "skipped: no stage-9 scenario"
elif [ ! -x "$archsim" ]; then
    say "skipped: $archsim is not built"
elif ramp "as written"; then
    awk -v w="$wall" -v t="$ramp_target" 'BEGIN {
        printf "  target under %g s: %s\n", t, (w < t ? "met" : "not met")
    }'
    # The engine's own memory is bounded by what is in flight; caches
    # that fill up toward their capacity over a longer run add a bounded
    # amount on top.
    say "peak memory against run length (should stay about the same):"
    ramp "--to 100k" --to 100k
    ramp "--to 1M" --to 1M
    ramp "--to 1M --steps-per-decade 40" --to 1M --steps-per-decade 40
fi

exit "$status"
