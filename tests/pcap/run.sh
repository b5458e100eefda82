#!/bin/bash
# Runs the pcap-driven datapath cases (tests/pcap/cases/*) against a build.
#
# Usage: tests/pcap/run.sh BUILD_DIR [CASE...]
#   BUILD_DIR  a build directory holding the `sluice` binary (build/unix-asan)
#   CASE       run only these cases (names of directories under cases/)
#
# For each case: runs BUILD_DIR/sluice in replay mode with one
# `--port pcap:IN,OUT` per expect<N>.pcap (IN is in<N>.pcap, or '-' when the
# port has no input) and `--flows flows.txt` (plus the words of an optional
# `args` file), then compares every OUT with expect<N>.pcap (compare.py).
# A case fails when sluice exits non-zero, times out, prints a sanitizer
# report, or any port's output differs.  Prints "ok NAME" or "FAIL NAME"
# with the first mismatch, then one line "pcap: N passed, M failed".
# Exit status 0 only when every case passed.  Cases run $JOBS at a time
# (default: the number of CPUs); the report is printed in case order.
set -u
build=${1:?usage: run.sh BUILD_DIR [CASE...]}
shift
here=$(cd "$(dirname "$0")" && pwd)
sluice=$build/sluice
case $sluice in /*) ;; *) sluice=$PWD/$sluice ;; esac
py=/usr/bin/python3
[ -x $py ] || py=python3
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
CASE_TIMEOUT=${CASE_TIMEOUT:-20}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sluice-pcap.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

if [ $# -gt 0 ]; then
    cases=("$@")
else
    cases=()
    for d in "$here"/cases/*/; do cases+=("$(basename "$d")"); done
fi

fail() { # name, reason, [log]
    echo "FAIL $1: $2"
    [ -n "${3:-}" ] && [ -s "$3" ] && tail -25 "$3" | sed 's/^/  | /'
}

# Runs one case; prints its report and leaves "ok" or "FAIL" in $tmp/NAME.status.
run_case() { # name
    local name=$1 dir=$here/cases/$1 out=$tmp/$1 n port in args=() rc
    echo FAIL >"$tmp/$name.status"
    if [ ! -f "$dir/flows.txt" ]; then fail "$name" "no such case"; return; fi
    if [ ! -x "$sluice" ]; then fail "$name" "no executable $sluice"; return; fi
    mkdir -p "$out"
    n=$(ls "$dir"/expect*.pcap 2>/dev/null | wc -l)
    for ((port = 1; port <= n; port++)); do
        in=$dir/in$port.pcap
        [ -f "$in" ] || in=-
        args+=(--port "pcap:$in,$out/out$port.pcap")
    done
    args+=(--flows "$dir/flows.txt")
    # shellcheck disable=SC2207
    [ -f "$dir/args" ] && args+=($(cat "$dir/args"))
    (cd "$out" && timeout -k 2 "$CASE_TIMEOUT" "$sluice" "${args[@]}") \
        >"$out/log" 2>&1 </dev/null
    rc=$?
    if grep -qE 'ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error:|SUMMARY: [A-Za-z]+Sanitizer' \
        "$out/log"; then
        fail "$name" "sanitizer report (exit $rc)" "$out/log"
    elif [ $rc = 124 ] || [ $rc = 137 ]; then
        fail "$name" "timed out after ${CASE_TIMEOUT}s" "$out/log"
    elif [ $rc != 0 ]; then
        fail "$name" "sluice exited $rc" "$out/log"
    elif ! "$py" "$here/compare.py" "$dir" "$out" >"$out/diff" 2>&1; then
        fail "$name" "$(head -c 200 "$dir/README" | head -1)"
        cat "$out/diff"
    else
        echo "ok $name"
        echo ok >"$tmp/$name.status"
    fi
    rm -rf "$out"
}

running=0
for c in "${cases[@]}"; do
    if [ $running -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
    run_case "$c" >"$tmp/$c.report" 2>&1 &
    running=$((running + 1))
done
wait

passed=0 failed=0 failed_names=()
for c in "${cases[@]}"; do
    cat "$tmp/$c.report"
    if [ "$(cat "$tmp/$c.status" 2>/dev/null)" = ok ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1)); failed_names+=("$c")
    fi
done

[ $failed -gt 0 ] && echo "failed: ${failed_names[*]}"
echo "pcap: $passed passed, $failed failed"
[ $failed = 0 ]
