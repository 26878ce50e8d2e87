#!/bin/sh
# Find archsim's libraries with pkg-config; with "install", install what is
# missing on Debian (as root or through sudo). Elsewhere, name what to
# install and fail.
set -u
mode=${1:-check}

# pkg-config name : Debian package
want="ncursesw:libncurses-dev sqlite3:libsqlite3-dev yaml-0.1:libyaml-dev
cmocka:libcmocka-dev"

missing=""
command -v pkg-config >/dev/null 2>&1 || missing="pkg-config"
for pair in $want; do
    pc=${pair%%:*}
    deb=${pair#*:}
    if ! pkg-config --exists "$pc" 2>/dev/null; then
        missing="$missing $deb"
    fi
done
# The benchmark compares against SimPy run by the system's python3; the
# OpenMetrics export is checked by the parser of prometheus_client.
if [ "$mode" = install ] && ! /usr/bin/python3 -c 'import simpy' 2>/dev/null
then
    missing="$missing python3-simpy3"
fi
if [ "$mode" = install ] &&
   ! /usr/bin/python3 -c 'import prometheus_client' 2>/dev/null; then
    missing="$missing python3-prometheus-client"
fi
# Tools the tests drive: mandoc -Tlint checks the man pages
# (tests/e2e_man.sh), tmux runs the interface (tests/e2e_tui.sh),
# valgrind runs a whole ramp (make check-valgrind).
for tool in mandoc tmux valgrind; do
    if [ "$mode" = install ] && ! command -v $tool >/dev/null 2>&1; then
        missing="$missing $tool"
    fi
done
# GNU time measures the peak memory of runs (tests/e2e_hostile.sh).
if [ "$mode" = install ] && [ ! -x /usr/bin/time ]; then
    missing="$missing time"
fi
# make fuzz (mode "fuzz"): clang and its libFuzzer runtime.
if [ "$mode" = fuzz ]; then
    command -v clang >/dev/null 2>&1 || missing="$missing clang"
    probe=$(mktemp)
    if ! echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)
              { (void)d; (void)n; return 0; }' |
         clang -x c -fsanitize=fuzzer -o "$probe" - >/dev/null 2>&1; then
        missing="$missing libclang-rt-14-dev"
    fi
    rm -f "$probe"
    mode=install
fi
missing=$(echo $missing)

[ -z "$missing" ] && exit 0

if [ "$mode" = check ]; then
    echo "archsim: missing packages: $missing" >&2
    echo "archsim: run 'make deps' to install them" >&2
    exit 1
fi

if [ -f /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        sudo=""
    elif command -v sudo >/dev/null 2>&1; then
        sudo="sudo"
    else
        echo "archsim: need root to install: $missing" >&2
        exit 1
    fi
    echo "archsim: installing $missing"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get install -y --no-install-recommends $missing >/dev/null ||
        { $sudo apt-get update -q >/dev/null &&
          $sudo apt-get install -y --no-install-recommends $missing \
              >/dev/null; } ||
        { echo "archsim: could not install: $missing" >&2; exit 1; }
    exit 0
fi

echo "archsim: please install these with your package manager:" >&2
echo "  $missing" >&2
echo "  (Debian names; elsewhere: ncursesw, sqlite3, libyaml, cmocka" \
     "development packages, pkg-config, mandoc, tmux and valgrind for" \
     "the tests, python3 simpy for make bench, clang with libFuzzer for" \
     "make fuzz)" >&2
exit 1
