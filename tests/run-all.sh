#!/bin/bash
# Runs every test suite against one build directory and prints one closing
# line "N passed, N failed".  Each suite prints its own "SUITE: N passed,
# N failed" line; a suite that crashes or prints none counts as one failure.
# A suite that cannot run on this machine (the Xen rig without a Debian
# mirror) ends that line with ", N skipped" after a "skip SUITE: WHY" line:
# its row shows why, and the closing line adds ", N skipped".
# Usage: tests/run-all.sh BUILD_DIR      (e.g. build/unix-asan)
set -u
build=${1:?usage: run-all.sh BUILD_DIR}
cd "$(dirname "$0")/.."
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
total_pass=0 total_fail=0 total_skip=0 failed_suites=()

count() { # name, log file, exit code
    local name=$1 log=$2 rc=$3 line p f s
    line=$(grep -E '^[A-Za-z0-9_.-]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
    if [ -z "$line" ]; then
        p=0 f=1
    else
        p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
        f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
        [ "$rc" != 0 ] && [ "$f" = 0 ] && f=1
    fi
    total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
    [ "$f" != 0 ] && failed_suites+=("$name")
    # a suite that could not run here says ", N skipped" and why ("skip ...: WHY")
    s=$(echo "$line" | sed -nE 's/.*, ([0-9]+) skipped.*/\1/p')
    total_skip=$((total_skip + ${s:-0}))
    printf '%-28s %4d passed, %d failed%s\n' "$name" "$p" "$f" \
        "${s:+, $s skipped: $(grep -m1 '^skip ' "$log" | sed 's/^skip [^:]*: //')}"
}

logdir=$build/test-logs
rm -rf "$logdir"; mkdir -p "$logdir"

# 1. cmocka unit tests, one binary per module.
for t in "$build"/tests/test_*; do
    [ -x "$t" ] || continue
    n=$(basename "$t")
    log=$logdir/$n.log
    "$t" >"$log" 2>&1; rc=$?
    p=$(grep -E '^\[  PASSED  \] [0-9]+' "$log" | awk '{print $4}' | tail -1)
    f=$(grep -E '^\[  FAILED  \] [0-9]+' "$log" | awk '{print $4}' | tail -1)
    echo "$n: ${p:-0} passed, ${f:-0} failed" >>"$log"
    count "unit/$n" "$log" $rc
    [ $rc != 0 ] && sed 's/^/    /' "$log" | grep -vE '^\s+\[ (RUN|      OK) ' | tail -40
done

# 2. Further suites: each tests/*/run.sh takes the build dir.
for s in tests/*/run.sh; do
    [ -x "$s" ] || continue
    n=$(basename "$(dirname "$s")")
    log=$logdir/$n.log
    "$s" "$build" >"$log" 2>&1; rc=$?
    count "$n" "$log" $rc
    [ $rc != 0 ] && tail -60 "$log" | sed 's/^/    /'
done

echo
[ ${#failed_suites[@]} -gt 0 ] && echo "failed suites: ${failed_suites[*]} (logs in $logdir)"
if [ $total_skip = 0 ]; then
    echo "$total_pass passed, $total_fail failed"
else
    echo "$total_pass passed, $total_fail failed, $total_skip skipped"
fi
[ $total_fail = 0 ]
