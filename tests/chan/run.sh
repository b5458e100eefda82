#!/bin/bash
# The OpenFlow channel under hostile and heavy load, and the input and
# command-line cases of issue 13, against real peers: hosts in network
# namespaces pinging through the switch, a DNS server that never answers,
# thousands of OpenFlow sessions, peers that never read or dribble bytes,
# a descriptor limit, and the unikernel image under QEMU (TCG).
#
# Usage: tests/chan/run.sh [BUILD_DIR]      (default build/unix; make test
#                                            passes build/unix-asan)
# Environment: KEEP_LOGS=1 keeps the temp directory.
#
# Prints "ok NAME" / "FAIL NAME: REASON" / "skip NAME: REASON" per test,
# with the figures measured as "# ..." lines, and closes with
# "chan: N passed, M failed".  Exit status 0 only when nothing failed.
# Everything it creates (namespaces and veths named slch<pid>-*, processes,
# the temp dir) is removed on exit, also on failure or interrupt.  Needs
# root; the unikernel cases need qemu-system-x86_64.  About 2.5 minutes.
set -u
BUILD=${1:-build/unix}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
SLUICE=$BUILD/sluice
KERNEL=$(dirname "$BUILD")/kvm/sluice.kvm
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

TMPD=$(mktemp -d "${TMPDIR:-/tmp}/sluice-chan.XXXXXX") || exit 1
# shellcheck source=lib.sh
. "$HERE/lib.sh"
# shellcheck source=t_load.sh
. "$HERE/t_load.sh"
# shellcheck source=t_cli.sh
. "$HERE/t_cli.sh"
# shellcheck source=t_kvm.sh
. "$HERE/t_kvm.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM
START=$SECONDS

summary() {
    note "run time: $((SECONDS - START)) s"
    echo "chan: $N_PASS passed, $N_FAIL failed"
    [ "$N_FAIL" = 0 ]
}

abort() {
    fail "$1" "$2"
    summary
    exit 1
}

note "names: $PFX-*; temp: $TMPD"
[ "$(id -u)" = 0 ] || abort setup "needs root (network namespaces)"
[ -x "$SLUICE" ] || abort setup "no executable $SLUICE"
for tool in ip ping ss unshare timeout $PY; do
    command -v "$tool" >/dev/null || abort setup "missing tool: $tool"
done
topo_up || abort setup "cannot create the namespaces and veths"
make_flow_files

# 1. files and messages (items 7, 8)
for t in flows_file_size_capped flows_file_nul_byte_is_a_bad_line pcap_write_errors_counted \
         errors_are_named listen_port_0_is_logged same_interface_twice_refused; do
    run_test $t
done

# 2. a controller name that never resolves (item 1)
run_test dns_unanswered_pings_unaffected

# 3. one switch with 10,000 flows: idle sessions, reply flow control,
#    slowloris, then peers that never read (items 2, 3, 4, 6)
if load_switch_start; then
    run_test idle_connections_keep_latency
    idle_stop
    run_test stats_barrier_pairs_all_answered
    run_test slowloris_closed
    run_test nonreading_peers_memory_bounded
else
    tail -5 "$LOAD_LOG" | sed 's/^/  | /'
    for t in idle_connections_keep_latency stats_barrier_pairs_all_answered slowloris_closed \
             nonreading_peers_memory_bounded; do
        fail $t "the switch with 10,000 flows did not start"
    done
fi
load_switch_stop

# 4. limits at accept (items 3, 5) and conformance (item 10)
run_test connections_over_limit_refused
run_test accept_out_of_descriptors_backs_off
run_test conformance

# 5. the unikernel's command line (item 9)
if ! command -v qemu-system-x86_64 >/dev/null; then
    skip kvm_command_line "qemu-system-x86_64 not installed"
elif ! make -s -C "$ROOT" TARGET=kvm BUILDROOT="$(dirname "$BUILD")" >"$TMPD/kvm-build.log" 2>&1; then
    tail -5 "$TMPD/kvm-build.log" | sed 's/^/  | /'
    fail kvm_build "make TARGET=kvm failed"
else
    for t in kvm_hint_above_4gib_ignored kvm_run_ms_negative_refused \
             kvm_last_option_needs_a_value kvm_long_command_line_named; do
        run_test $t
    done
fi

summary
