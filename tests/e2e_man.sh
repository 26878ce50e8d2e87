#!/bin/sh
# The man pages against the program: both are clean under mandoc -Tlint;
# every command and option that `archsim --help` and `archsim COMMAND
# --help` print is in archsim.1; the examples of archsim.1 that run from
# the source tree work (those that open the interface exit 69 here, with
# no terminal); the example scenario of archsim-scenario.5 loads.
# (tests/test_manpages.c checks archsim-scenario.5 against the code's
# settings.) Run from the repository root with ARCHSIM=path/to/archsim.
set -u
A=${ARCHSIM:-build/archsim}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }

# --- Lint ------------------------------------------------------------------
if ! command -v mandoc >/dev/null 2>&1; then
    fail "mandoc is not installed (make deps installs it)"
else
    # From man/, so that each page's cross-reference to the other is
    # found (mandoc looks for the referenced page in the current
    # directory as well as the system's).
    if (cd man && mandoc -Tlint archsim.1 archsim-scenario.5) \
        >"$T/lint" 2>&1; then
        pass "mandoc -Tlint: both pages clean"
    else
        fail "mandoc -Tlint:"; cat "$T/lint"
    fi
    # The rendered text without bold, underline and the examples: an
    # option must be described, not only used.
    mandoc -Tascii man/archsim.1 | sed 's/.\x08//g; /^EXAMPLES$/,$d' \
        > "$T/archsim.txt"
fi

# --- Commands and options ---------------------------------------------------
# documented OPTION WHERE: OPTION is a word of the rendered archsim.1.
documented() {
    if grep -Eq -- "(^|[^[:alnum:]-])$1([^[:alnum:]-]|\$)" "$T/archsim.txt"
    then pass "$2: $1 is in archsim.1"
    else fail "$2: $1 is printed by the program but not in archsim.1"; fi
}

# options FILE: every -x and --xyz that starts a word.
options() {
    grep -oE -- '(^|[[:space:],|[])--?[[:alnum:]][[:alnum:]-]*' "$1" |
        sed 's/^[^-]*//' | sort -u
}

if "$A" --help > "$T/help" 2>&1; then pass "archsim --help exits 0"
else fail "archsim --help exits $?"; fi
for o in $(options "$T/help"); do documented "$o" "archsim --help"; done

# The commands: "archsim WORD" in the usage, WORD in lower case.
commands=$(grep -oE 'archsim [a-z][a-z-]*' "$T/help" | cut -d' ' -f2 |
           sort -u)
[ -n "$commands" ] || fail "archsim --help lists no commands"
for c in $commands; do
    documented "$c" "archsim --help"
    if "$A" "$c" --help > "$T/chelp" 2>&1; then
        pass "archsim $c --help exits 0"
    else
        fail "archsim $c --help exits $?"
    fi
    grep -q "archsim $c" "$T/chelp" ||
        fail "archsim $c --help does not show its usage"
    for o in $(options "$T/chelp"); do
        documented "$o" "archsim $c --help"
    done
done

# --- Examples -----------------------------------------------------------------
# Lines of archsim.1 that start "build/archsim" run from the source tree:
# each must run to the end (exit 0, or 1 for broken objectives). One whose
# first word is no command opens the interface: here, without a terminal,
# it must exit 69 and point to archsim run, and its scenario must load.
grep '^build/archsim ' man/archsim.1 > "$T/examples"
[ -s "$T/examples" ] || fail "archsim.1 has no examples to run"
while IFS= read -r line; do
    args=${line#build/archsim}
    cmd="\"\$A\"$args"
    first=$(echo "$args" | awk '{ print $1 }')
    if [ -n "$first" ] && ! echo "$commands" | grep -qx -- "$first" &&
       [ "${first#-}" = "$first" ]; then
        ( eval "$cmd" ) < /dev/null > /dev/null 2> "$T/err"
        rc=$?
        if [ "$rc" = 69 ] && grep -q "archsim run" "$T/err"; then
            pass "example (interface, no terminal): $line"
        else
            fail "example: $line: without a terminal, exit $rc, not 69" \
                 "with a pointer to archsim run"; cat "$T/err"
        fi
        if "$A" check "$first" > /dev/null 2> "$T/err"; then
            pass "example: the scenario of '$line' loads"
        else
            fail "example: the scenario of '$line' does not load"
            cat "$T/err"
        fi
        continue
    fi
    ( eval "$cmd" ) > /dev/null 2> "$T/err"
    rc=$?
    if [ "$rc" = 0 ] || [ "$rc" = 1 ]; then pass "example: $line"
    else fail "example: $line: exit $rc"; cat "$T/err"; fi
done < "$T/examples"

# The scenario in the EXAMPLES section of archsim-scenario.5 loads.
awk '/^\.Sh EXAMPLES/ { ex = 1 }
     ex && /^\.Ed/ { exit }
     ex && inblock { print }
     ex && /^\.Bd -literal/ { inblock = 1 }' man/archsim-scenario.5 \
    > "$T/example.yaml"
if [ -s "$T/example.yaml" ] && "$A" check "$T/example.yaml" > "$T/out" 2>&1
then pass "the example of archsim-scenario.5 loads"
else fail "the example of archsim-scenario.5 does not load:"; cat "$T/out"; fi

# So does the smallest file of its DESCRIPTION.
awk '/^\.Sh DESCRIPTION/ { d = 1 }
     d && /^\.Ed/ { exit }
     d && inblock { print }
     d && /^\.Bd -literal/ { inblock = 1 }' man/archsim-scenario.5 \
    > "$T/tiny.yaml"
if [ -s "$T/tiny.yaml" ] && "$A" check "$T/tiny.yaml" > "$T/out" 2>&1
then pass "the smallest file of archsim-scenario.5 loads"
else fail "the smallest file of archsim-scenario.5 does not load:"
     cat "$T/out"; fi

echo "$fails failed"
[ "$fails" = 0 ]
