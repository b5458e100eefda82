#!/bin/bash
# Integration tests with real peers: ovs-ofctl, os-ken, tshark, hosts in
# network namespaces, malformed messages over a live connection.
#
# Usage: tests/integration/run.sh [--peer sluice|ovs] [BUILD_DIR]
#   --peer sluice  (default) test BUILD_DIR/sluice (default build dir build/unix)
#   --peer ovs     run the same tests against Open vSwitch (a private
#                  ovsdb-server + ovs-vswitchd, userspace datapath), the
#                  reference OF1.0 switch; BUILD_DIR is still needed for
#                  sluice-rig, which makes the hosts
# Environment: KEEP_LOGS=1 keeps the temp directory (logs, captures).
#
# Prints "ok NAME", "FAIL NAME: REASON" or "skip NAME: REASON" per test and
# closes with "integration: N passed, M failed".  Exit status 0 only when
# nothing failed.  Everything it creates (namespaces sli<pid>-h1/-h2, veths
# sli<pid>-p1/-p2, processes, the temp dir) is removed on exit, also on
# failure or interrupt.  Needs root.  See README.md.
set -u
PEER=sluice
if [ "${1:-}" = --peer ]; then
    PEER=${2:?usage: run.sh [--peer sluice|ovs] [BUILD_DIR]}
    shift 2
fi
case $PEER in sluice|ovs) ;; *) echo "run.sh: unknown peer '$PEER'" >&2; exit 2 ;; esac
BUILD=${1:-build/unix}
HERE=$(cd "$(dirname "$0")" && pwd)
SLUICE=$BUILD/sluice
case $SLUICE in /*) ;; *) SLUICE=$PWD/$SLUICE ;; esac
RIG=${SLUICE%/sluice}/sluice-rig   # the hosts are made by the rig (both peers)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# shellcheck source=lib.sh
. "$HERE/lib.sh"
# shellcheck source=t_ofctl.sh
. "$HERE/t_ofctl.sh"
# shellcheck source=t_hosts.sh
. "$HERE/t_hosts.sh"
# shellcheck source=t_ctl.sh
. "$HERE/t_ctl.sh"

summary() {
    echo "integration: $N_PASS passed, $N_FAIL failed"
    [ "$N_FAIL" = 0 ]
}

# A setup step failed: report it as one failed test and stop.
abort() {
    fail "$1" "$2"
    summary
    exit 1
}

START=$(date +%s)
TMPD=$(mktemp -d "${TMPDIR:-/tmp}/sluice-integ.XXXXXX") || exit 1
trap cleanup EXIT
trap 'exit 130' INT TERM
note "peer: $PEER; names: $PFX-*; temp: $TMPD"

[ "$(id -u)" = 0 ] || abort setup "needs root (network namespaces)"
for tool in ovs-ofctl tshark iperf3 ip ss timeout $PY; do
    command -v "$tool" >/dev/null || abort setup "missing tool: $tool"
done
if [ "$PEER" = ovs ]; then
    for tool in ovsdb-tool ovsdb-server ovs-vswitchd ovs-vsctl; do
        command -v "$tool" >/dev/null || abort setup "missing tool: $tool"
    done
else
    [ -x "$SLUICE" ] || abort setup "no executable $SLUICE"
fi
[ -x "$RIG" ] || abort setup "no executable $RIG (the host rig)"
OFPORT=$(free_port) && CPORT=$(free_port) || abort setup "no free TCP port"
[ "$OFPORT" != "$CPORT" ] || CPORT=$((OFPORT + 1))
topo_up || abort setup "cannot create namespaces and veths"

# tshark records the whole OpenFlow session on loopback (both ports) until
# the malformed-message tests start (those are meant to be malformed).
CAP=$TMPD/openflow.pcapng
tshark -i lo -f "tcp port $OFPORT or tcp port $CPORT" -w "$CAP" \
    >/dev/null 2>"$TMPD/tshark.err" &
TSHARK_PID=$!
track_pid $TSHARK_PID
wait_grep "$TMPD/tshark.err" 'Capturing on' 10 || note "tshark did not report capturing"

peer_start || note "the switch does not listen on ptcp:$OFPORT"
GATE=
if ! peer_answers; then
    GATE="the switch does not answer OpenFlow on ptcp:$OFPORT (ovs-ofctl show fails)"
    [ "$PEER" = sluice ] && ! peer_alive && GATE="$GATE; sluice exited"
    [ "$PEER" = sluice ] && head -5 "$TMPD/sluice.log" | sed 's/^/# sluice: /'
fi

# 1. ovs-ofctl
for t in $OFCTL_TESTS; do run_test "$t"; done

# 2. hosts with flows installed by ovs-ofctl
for t in $STATIC_TESTS; do run_test "$t"; done
for t in $FAILMODE_TESTS; do run_test "$t"; done

# 3. os-ken L2 learning: the switch connects to osken-manager
if [ -z "$GATE" ]; then
    ofctl del-flows "$(OFCTL_TARGET)" >/dev/null 2>&1
    osken_start || note "osken-manager did not listen on $CPORT"
    peer_start "$CPORT" || note "the switch did not come back with --controller"
fi
for t in $OSKEN_TESTS; do run_test "$t"; done
if [ -z "$GATE" ]; then
    osken_stop
    peer_start || note "the switch did not restart without a controller"
fi

# 3b. the Sluice controller: embedded apps, then sluice-controller driving OVS
if [ -z "$GATE" ]; then
    for t in $CTL_EMBED_TESTS $CTL_FW_TESTS; do run_test "$t"; done
    [ "$PEER" = sluice ] && { peer_start || note "the switch did not restart without --app"; }
    ctl_ovs_up
    for t in $CTL_OVS_TESTS; do run_test "$t"; done
    ctld_stop
    ctl_ovs_down
else
    for t in $CTL_EMBED_TESTS $CTL_FW_TESTS $CTL_OVS_TESTS; do run_test "$t"; done
fi

# 4. tshark decodes the whole session
sleep 0.3
kill "$TSHARK_PID" 2>/dev/null
wait "$TSHARK_PID" 2>/dev/null
tsh() { tshark -r "$CAP" -d "tcp.port==$OFPORT,openflow" -d "tcp.port==$CPORT,openflow" "$@" 2>/dev/null; }
test_tshark_decodes_openflow() {
    local n
    n=$(tsh -Y openflow_v1 | wc -l)
    [ "$n" -gt 0 ] || { echo "no openflow_v1 message decoded in $CAP"; return 1; }
    echo "# tshark decoded $n packets with OpenFlow 1.0 messages"
}
test_tshark_no_malformed() {
    local n
    # tshark 4.0's OpenFlow 1.0 dissector flags every flow_mod without
    # actions (72 bytes, valid: e.g. del-flows) as malformed: excluded.
    n=$(tsh -Y '(_ws.malformed || _ws.expert.severity == error) &&
                !(openflow_1_0.type == 14 && openflow.length == 72)' |
        tee "$TMPD/malformed.txt" | wc -l)
    [ "$n" = 0 ] || { head -5 "$TMPD/malformed.txt"; echo "$n malformed/error packets in the capture"; return 1; }
}
GATE_SAVED=$GATE GATE=
run_test tshark_decodes_openflow
run_test tshark_no_malformed
GATE=$GATE_SAVED

# 5. malformed messages over a live connection, then the switch lives on;
#    then switch semantics driven by packet_out(TABLE) (semantics.py)
# run_py NAME SCRIPT: runs a python case script and folds its lines into
# this suite's counts.
run_py() {
    local name=$1 script=$2 log=$TMPD/$1.log rc line n
    if [ -n "$GATE" ]; then
        fail "$name" "$GATE"
        return
    fi
    (cd "$HERE" && $PY "$script" --peer "$PEER" 127.0.0.1 "$OFPORT") >"$log" 2>&1
    rc=$?
    while IFS= read -r line; do
        case $line in
        "ok "*) pass "${line#ok }" ;;
        "FAIL "*) n=${line#FAIL }; fail "${n%%: *}" "${n#*: }" ;;
        "skip "*) n=${line#skip }; skip "${n%%: *}" "${n#*: }" ;;
        "# "*) echo "$line" ;;
        esac
    done <"$log"
    if [ $rc != 0 ] && ! grep -q '^FAIL ' "$log"; then
        tail -5 "$log" | sed 's/^/  | /'
        fail "$name" "$script exited with status $rc"
    fi
}
run_py malformed malformed.py
run_py semantics semantics.py
test_alive_after_malformed() {
    peer_alive || { tail -20 "$TMPD/sluice.log"; echo "sluice exited"; return 1; }
    ofctl show "$(OFCTL_TARGET)" >"$TMPD/show2.txt" 2>&1 ||
        { cat "$TMPD/show2.txt"; echo "ovs-ofctl show fails after the malformed messages"; return 1; }
}
run_test alive_after_malformed

if [ "$PEER" = sluice ]; then
    sluice_stop
    if grep -Eq 'ERROR: (Address|Undefined|Leak)Sanitizer|runtime error:' "$TMPD/sluice.log"; then
        fail sanitizers "sanitizer report in sluice's output"
        grep -E -A8 'Sanitizer|runtime error:' "$TMPD/sluice.log" | head -30 | sed 's/^/  | /'
    else
        pass sanitizers
    fi
fi

note "run time: $(( $(date +%s) - START )) s"
summary
