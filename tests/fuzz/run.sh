#!/bin/sh
# Run both fuzz targets at once, each for SECONDS, from the repository
# root: sh tests/fuzz/run.sh BUILD_DIR SECONDS. New inputs go to
# BUILD_DIR/corpus_NAME (the seeds in the tree are read, never written);
# a crash, leak or hang is written as BUILD_DIR/NAME-crash-*, -leak-* or
# -timeout-*, and the run fails. Each target's log is BUILD_DIR/NAME.log.
set -u
build=$1
seconds=$2
root=$(pwd)
# fuzz_command saves to SQLite in a temporary directory: in memory, it
# runs several times faster than on a disk that syncs.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
    export TMPDIR=/dev/shm
fi

# name, longest input, seed directories
run_one() {
    name=$1 max_len=$2
    shift 2
    mkdir -p "$build/corpus_$name"
    echo "fuzz_$name: $seconds s, log in $build/$name.log"
    "$build/fuzz_$name" -max_total_time="$seconds" -timeout=5 \
        -detect_leaks=1 -rss_limit_mb=2048 -max_len="$max_len" \
        -dict="tests/fuzz/$name.dict" -print_final_stats=1 \
        -artifact_prefix="$root/$build/$name-" \
        "$build/corpus_$name" "$@" > "$build/$name.log" 2>&1
}

run_one scenario 32768 tests/fuzz/corpus_scenario data/scenarios \
    tests/cases tests/fuzz/regress/scenario &
p1=$!
run_one command 4096 tests/fuzz/corpus_command tests/fuzz/regress/command &
p2=$!
wait $p1; s1=$?
wait $p2; s2=$?

status=0
for name in scenario command; do
    log=$build/$name.log
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' \
        "$log" | sed "s/^/  $name: /"
    grep -E 'ERROR: |SUMMARY: |Test unit written to' "$log" | sed "s/^/  $name: /"
done
[ "$s1" -eq 0 ] || { echo "fuzz_scenario failed (exit $s1)"; status=1; }
[ "$s2" -eq 0 ] || { echo "fuzz_command failed (exit $s2)"; status=1; }
[ "$status" -eq 0 ] && echo "fuzzing found nothing in $seconds s per target"
exit $status
