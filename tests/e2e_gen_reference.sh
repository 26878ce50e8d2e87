#!/bin/sh
# e2e_gen_reference.sh - tests/gen_reference.sh on small tables: it skips
# the header and blank lines, escapes what C needs escaped, and refuses a
# malformed row with a message naming the line, writing no C at all.
# Run from the repository root (make e2e does); needs sh, awk and cc.

set -u
gen=tests/gen_reference.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gen_reference.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

tab=$(printf '\t')
header="name${tab}vcpus${tab}memory_gib${tab}usd_hour${tab}source${tab}date"

# Write the table named $1 from the rows on standard input, after the header.
table() {
    { printf '%s\n' "$header"; cat; } > "$tmp/$1"
}

# --- a good table: blank lines, CRLF, characters C must escape ----------
{
    printf '%s\r\n' "$header"
    printf '\n'
    printf 'a.large\t2\t4\t0.1\tplain source\t2026\r\n'
    printf '   \n'
    printf 'a.xlarge\t4\t8\t.2\tsays "hi" \\ back??/slash?\t2026-06\n'
    printf 'b.small\t01\t016\t3\tleading zeros\t1999-12\n'
} > "$tmp/good.tsv"

if sh "$gen" "$tmp/good.tsv" > "$tmp/good.c" 2> "$tmp/good.err"; then
    ok
else
    bad "good table refused: $(cat "$tmp/good.err")"
fi

cat > "$tmp/main.c" <<'EOF'
#include <stdio.h>
#include <string.h>
#include "reference.h"
int main(void)
{
    if (reference_nsizes != 3)
        return 1;
    if (strcmp(reference_sizes[1].source,
               "says \"hi\" \\ back\?\?/slash\? (2026-06)") != 0)
        return 2;
    if (reference_sizes[2].vcpus != 1 || reference_sizes[2].memory_gib != 16.0
        || reference_sizes[1].usd_hour != 0.2)
        return 3;
    if (strcmp(reference_sizes[0].name, "a.large") != 0)
        return 4;
    return 0;
}
EOF
cc=${CC:-cc}
if $cc -std=c17 -Wall -Wextra -Werror -Isrc -o "$tmp/main" "$tmp/main.c" \
        "$tmp/good.c" 2> "$tmp/cc.err"; then
    if "$tmp/main"; then ok; else bad "generated table has wrong values ($?)"; fi
else
    bad "generated C does not compile: $(cat "$tmp/cc.err")"
fi

# --- malformed tables: status 1, nothing on stdout, the line named ------
# expect NAME LINE: run the generator on $tmp/NAME and check the outcome.
expect() {
    sh "$gen" "$tmp/$1" > "$tmp/out" 2> "$tmp/err"
    status=$?
    if [ "$status" -ne 1 ]; then
        bad "$1: exit status $status, wanted 1"
    elif [ -s "$tmp/out" ]; then
        bad "$1: wrote C despite the error"
    elif ! grep -q ":$2: " "$tmp/err"; then
        bad "$1: message does not name line $2: $(cat "$tmp/err")"
    else
        ok
    fi
}

printf 'x.large\t2\t4\t0.1\tsrc\n' | table fields5.tsv
expect fields5.tsv 2

printf 'x.large\t2\t4\t0.1\tsrc\t2026\textra\n' | table fields7.tsv
expect fields7.tsv 2

printf 'x.large\t2\t4\t0.1\tsrc\t2026\n\nx.xlarge\ttwo\t8\t0.2\tsrc\t2026\n' |
    table vcpus.tsv
expect vcpus.tsv 4

printf 'x.large\t2.5\t4\t0.1\tsrc\t2026\n' | table vcpus_frac.tsv
expect vcpus_frac.tsv 2

printf 'x.large\t0\t4\t0.1\tsrc\t2026\n' | table vcpus_zero.tsv
expect vcpus_zero.tsv 2

printf 'x.large\t2\t4GiB\t0.1\tsrc\t2026\n' | table memory.tsv
expect memory.tsv 2

printf 'x.large\t2\t4\t$0.10\tsrc\t2026\n' | table price.tsv
expect price.tsv 2

printf 'x.large\t2\t4\t0\tsrc\t2026\n' | table price_zero.tsv
expect price_zero.tsv 2

printf 'x.large\t2\t4\t1e-3\tsrc\t2026\n' | table price_exp.tsv
expect price_exp.tsv 2

printf 'x.large\t2\t4\t0.1\tsrc\tJune 2026\n' | table date.tsv
expect date.tsv 2

printf 'x.large\t2\t4\t0.1\t\t2026\n' | table source.tsv
expect source.tsv 2

printf 'x.large\t2\t4\t0.1\tsrc\t2026\nx.large\t2\t4\t0.1\tsrc\t2026\n' |
    table duplicate.tsv
expect duplicate.tsv 3

printf 'name\tvcpus\tprice\n' > "$tmp/header.tsv"
expect header.tsv 1

printf '%s\n' "$header" > "$tmp/norows.tsv"
if sh "$gen" "$tmp/norows.tsv" > "$tmp/out" 2> /dev/null ||
        [ -s "$tmp/out" ]; then
    bad "a table without rows was accepted"
else
    ok
fi

if sh "$gen" "$tmp/does-not-exist.tsv" > /dev/null 2>&1; then
    bad "a missing file was accepted"
else
    ok
fi

# --- the shipped table itself --------------------------------------------
if sh "$gen" data/reference/instances.tsv > "$tmp/shipped.c" 2> "$tmp/err"
then ok; else bad "shipped table refused: $(cat "$tmp/err")"; fi

echo "gen_reference: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
