#!/bin/bash
# tests/rig/run.sh — tests of the host test rig (build/.../sluice-rig).
# Usage: tests/rig/run.sh BUILD_DIR        (needs root; about 5 s)
#
# Each test brings topologies up and down with sluice-rig and checks the
# result with independent tools: iproute2 (`ip`, `bridge`), ping, and
# offloads.py (SIOCETHTOOL reads).  Every name starts with "r<pid>" (plus a
# letter per topology) so parallel runs never collide; the EXIT trap runs
# `sluice-rig down` for every prefix used, and a last test checks nothing
# is left.  Prints "ok NAME" / "FAIL NAME: REASON" and the last line
# "rig: N passed, M failed".
set -u
build=${1:?usage: run.sh BUILD_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
RIG=$(cd "$build" 2>/dev/null && pwd)/sluice-rig
P=r$$
TMPD=$(mktemp -d /tmp/sluice-rig-test.XXXXXX)
N_PASS=0 N_FAIL=0
USED=()

pass() { echo "ok $1"; N_PASS=$((N_PASS + 1)); }
fail() { echo "FAIL $1: $2"; N_FAIL=$((N_FAIL + 1)); }
finish() {
    echo "rig: $N_PASS passed, $N_FAIL failed"
    [ "$N_FAIL" = 0 ]
    exit
}

cleanup() {
    local p
    for p in "${USED[@]}"; do "$RIG" --prefix "$p" down >/dev/null 2>&1; done
    rm -rf "$TMPD"
}
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
    fail setup "needs root (namespaces, veths, bridges)"
    finish
fi
if [ ! -x "$RIG" ]; then
    fail setup "$build/sluice-rig not built"
    finish
fi

# topo NAME SUFFIX MODE OFFLOAD [EXTRA HOST LINE...]: writes $TMPD/NAME with
# prefix $P$SUFFIX and hosts h1 h2 (10.9.0.1-2/24, h1 with a fixed MAC,
# h2 with MTU 1400) plus any extra lines.  Prints the file's path.
topo() {
    local f=$TMPD/$1 pfx=$P$2 l
    {
        echo "prefix $pfx   # a comment"
        echo "switch-port $3"
        echo "host h1 10.9.0.1/24 mac 02:00:00:00:00:01"
        echo "host h2 10.9.0.2/24 mtu 1400"
        echo "offload $4"
        shift 4
        for l in "$@"; do echo "$l"; done
    } >"$f"
    echo "$f"
}
USED=("${P}a" "${P}b" "${P}c" "${P}d" "${P}e" "${P}f" "${P}g")  # every suffix topo() is given

# leftovers PREFIX: prints every link / namespace named PREFIX-*.
leftovers() {
    ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E "^$1-"
    ls /run/netns 2>/dev/null | grep -E "^$1-"
}

# Returns 0 when nothing named PREFIX-* exists; else prints it.
clean() {
    local l
    l=$(leftovers "$1")
    [ -z "$l" ] && return 0
    echo "left behind: $(echo "$l" | tr '\n' ' ')"
    return 1
}

# mtu NS IF / mac NS IF / state NS IF ("" = root namespace)
ipn() { if [ -n "$1" ]; then ip -n "$1" "${@:2}"; else ip "${@:2}"; fi; }
mtu() { ipn "$1" -o link show "$2" | grep -oE 'mtu [0-9]+' | cut -d' ' -f2; }
mac() { ipn "$1" -o link show "$2" | grep -oE 'link/ether [0-9a-f:]+' | cut -d' ' -f2; }
isup() { ipn "$1" -o link show "$2" | grep -q '[<,]UP[,>]'; }
offl() { if [ -n "$1" ]; then ip netns exec "$1" "$HERE/offloads.py" "${@:2}"; else "$HERE/offloads.py" "${@:2}"; fi; }

# check_veth FILE PFX OFFLOAD(0|1): the state after `up` of a topo() file.
check_veth() {
    local pfx=$2 want=$3 i ns o
    for i in 1 2; do
        ns=$pfx-h$i
        ip netns list | grep -qw "$ns" || { echo "no namespace $ns"; return 1; }
        isup "$ns" eth0 || { echo "$ns eth0 not up"; return 1; }
        isup "$ns" lo || { echo "$ns lo not up"; return 1; }
        ip -n "$ns" -o -4 addr show dev eth0 | grep -q "10.9.0.$i/24" ||
            { echo "$ns eth0 lacks 10.9.0.$i/24"; return 1; }
        isup "" "$pfx-p$i" || { echo "$pfx-p$i not up"; return 1; }
        offl "$ns" eth0 >>"$TMPD/offl" || return 1
    done
    offl "" "$pfx-p1" "$pfx-p2" >>"$TMPD/offl" || return 1
    o=$(cat "$TMPD/offl"); rm -f "$TMPD/offl"
    [ "$(echo "$o" | wc -l)" = 4 ] || { echo "offloads of 4 interfaces expected: $o"; return 1; }
    [ "$(echo "$o" | grep -o '=[01]' | sort -u)" = "=$want" ] ||
        { echo "offloads not all $want: $o"; return 1; }
    [ "$(mac "$pfx-h1" eth0)" = 02:00:00:00:00:01 ] || { echo "h1 MAC $(mac "$pfx-h1" eth0)"; return 1; }
    [ "$(mtu "$pfx-h2" eth0)" = 1400 ] || { echo "h2 eth0 MTU $(mtu "$pfx-h2" eth0)"; return 1; }
    [ "$(mtu "" "$pfx-p2")" = 1400 ] || { echo "$pfx-p2 MTU $(mtu "" "$pfx-p2")"; return 1; }
    [ "$(mtu "$pfx-h1" eth0)" = 1500 ] || { echo "h1 eth0 MTU $(mtu "$pfx-h1" eth0)"; return 1; }
    return 0
}

# run_test NAME: runs test_NAME, output in a log; the last line is the reason.
run_test() {
    local log=$TMPD/$1.log rc t0=$(date +%s%N)
    "test_$1" >"$log" 2>&1
    rc=$?
    if [ $rc = 0 ]; then
        pass "$1"
        [ -n "${RIG_TIMES:-}" ] && echo "# $1: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
    else
        fail "$1" "$(grep -v '^$' "$log" | tail -1)"
        grep -v '^$' "$log" | head -n -1 | tail -6 | sed 's/^/  | /'
    fi
}

test_help() {
    "$RIG" --help | grep -q 'sluice-rig .*up FILE' || { echo "no usage"; return 1; }
    "$RIG" bogus >/dev/null 2>&1; [ $? = 2 ] || { echo "bad usage did not exit 2"; return 1; }
}

test_veth_up() {
    local f out
    f=$(topo veth a veth off)
    out=$("$RIG" up "$f") || { echo "up failed"; return 1; }
    printf '%s\n' "$out" | grep -qx "port 1 afpacket:${P}a-p1" || { echo "bad port lines: $out"; return 1; }
    printf '%s\n' "$out" | grep -qx "port 2 afpacket:${P}a-p2" || { echo "bad port lines: $out"; return 1; }
    printf '%s\n' "$out" | grep -qx "host h1 ${P}a-h1 eth0 10.9.0.1/24 02:00:00:00:00:01" ||
        { echo "bad host lines: $out"; return 1; }
    check_veth "$f" "${P}a" 0
}

test_up_twice() {
    local f=$TMPD/veth out1 out2
    out1=$("$RIG" up "$f") || { echo "first up failed"; return 1; }
    out2=$("$RIG" up "$f") || { echo "second up failed"; return 1; }
    [ "$out1" = "$out2" ] || { echo "outputs differ"; return 1; }
    [ "$(ip -n "${P}a-h1" -o -4 addr show dev eth0 | wc -l)" = 1 ] || { echo "address doubled"; return 1; }
    check_veth "$f" "${P}a" 0
}

test_down_twice() {
    local f=$TMPD/veth
    "$RIG" down "$f" || { echo "first down failed"; return 1; }
    clean "${P}a" || return 1
    "$RIG" down "$f" || { echo "second down failed"; return 1; }
    "$RIG" --prefix "${P}a" down || { echo "down by prefix failed"; return 1; }
}

test_offload_on() {
    local f
    f=$(topo on b veth on)
    "$RIG" up "$f" >/dev/null || { echo "up failed"; return 1; }
    check_veth "$f" "${P}b" 1 || return 1
    "$RIG" down "$f" && clean "${P}b"
}

test_bridge_ping() {
    local f out
    f=$(topo br c bridge off "host h3 10.9.0.3/24")
    out=$("$RIG" up "$f") || { echo "up failed"; return 1; }
    printf '%s\n' "$out" | grep -qx "bridge ${P}c-br" || { echo "no bridge line: $out"; return 1; }
    [ "$(bridge link show | grep -c "master ${P}c-br ")" = 3 ] || { echo "bridge lacks 3 ports"; return 1; }
    ip netns exec "${P}c-h1" ping -c 2 -i 0.2 -W 1 -q 10.9.0.2 >/dev/null || { echo "h1 cannot ping h2"; return 1; }
    ip netns exec "${P}c-h3" ping -c 2 -i 0.2 -W 1 -q 10.9.0.1 >/dev/null || { echo "h3 cannot ping h1"; return 1; }
    "$RIG" down "$f" && clean "${P}c"
}

test_tap_mode() {
    local f out i
    f=$(topo tap d tap off)
    out=$("$RIG" up "$f") || { echo "up failed"; return 1; }
    printf '%s\n' "$out" | grep -qx "port 2 tap:${P}d-t2" || { echo "bad port lines: $out"; return 1; }
    for i in 1 2; do
        ip -d -o link show "${P}d-t$i" | grep -q 'tun type tap' || { echo "${P}d-t$i is not a tap"; return 1; }
        bridge link show | grep -q "${P}d-t$i.* master ${P}d-b$i " || { echo "tap $i not on bridge $i"; return 1; }
        bridge link show | grep -q "${P}d-p$i@.* master ${P}d-b$i " || { echo "veth $i not on bridge $i"; return 1; }
    done
    [ "$(mtu "" "${P}d-t2")" = 1400 ] || { echo "tap 2 MTU $(mtu "" "${P}d-t2")"; return 1; }
    "$RIG" up "$f" >/dev/null || { echo "second up failed"; return 1; }
    "$RIG" down "$f" && clean "${P}d"
}

test_bad_file_creates_nothing() {
    local f rc
    f=$(topo badaddr e veth off "host h3 10.9.0.300/24")
    "$RIG" up "$f" >/dev/null 2>"$TMPD/err"; rc=$?
    [ $rc = 2 ] || { echo "exit $rc, expected 2"; return 1; }
    grep -q 'line 6' "$TMPD/err" || { echo "no line number: $(cat "$TMPD/err")"; return 1; }
    clean "${P}e"
}

test_kernel_refusal_undone() {
    local f rc
    # The 3rd host's multicast MAC passes the parser but the kernel refuses it.
    f=$(topo badmac e tap off "host h3 10.9.0.3/24 mac 01:00:5e:00:00:01")
    "$RIG" up "$f" >/dev/null 2>"$TMPD/err"; rc=$?
    [ $rc = 1 ] || { echo "exit $rc, expected 1"; return 1; }
    grep -q 'removing the 10 object' "$TMPD/err" || { echo "undo: $(tail -1 "$TMPD/err")"; return 1; }
    clean "${P}e"
}

test_undo_at_every_step() {
    local f n rc
    f=$(topo steps e tap on)
    for n in 1 2 3 4 5 6 7; do   # 8 objects: 2 x (namespace, veth, bridge, tap)
        SLUICE_RIG_FAIL_AFTER=$n "$RIG" up "$f" >/dev/null 2>&1; rc=$?
        [ $rc = 1 ] || { echo "step $n: exit $rc, expected 1"; return 1; }
        clean "${P}e" || { echo "after failing at step $n"; return 1; }
    done
    SLUICE_RIG_FAIL_AFTER=9 "$RIG" up "$f" >/dev/null || { echo "step 9 should succeed"; return 1; }
    "$RIG" down "$f" && clean "${P}e"
}

test_undo_keeps_existing() {
    local f g
    f=$(topo keep f veth off)
    g=$(topo keep3 f veth off "host h3 10.9.0.3/24 mac 01:00:00:00:00:03")
    "$RIG" up "$f" >/dev/null || { echo "up failed"; return 1; }
    "$RIG" up "$g" >/dev/null 2>&1 && { echo "up with a bad 3rd host succeeded"; return 1; }
    ip netns list | grep -qw "${P}f-h3" && { echo "h3 namespace left"; return 1; }
    ip link show "${P}f-p3" >/dev/null 2>&1 && { echo "${P}f-p3 left"; return 1; }
    check_veth "$f" "${P}f" 0 || { echo "the first up's hosts were damaged"; return 1; }
    "$RIG" down "$f" && clean "${P}f"
}

test_parallel_prefixes() {
    local f g
    f=$(topo par1 f veth off)
    g=$(topo par2 g veth off)
    "$RIG" up "$f" >/dev/null & local a=$!
    "$RIG" up "$g" >/dev/null & local b=$!
    wait $a || { echo "up f failed"; return 1; }
    wait $b || { echo "up g failed"; return 1; }
    "$RIG" down "$f" || { echo "down f failed"; return 1; }
    clean "${P}f" || return 1
    check_veth "$g" "${P}g" 0 || { echo "down of one prefix touched the other"; return 1; }
    "$RIG" down "$g" && clean "${P}g"
}

test_prefix_override() {
    local f out
    f=$TMPD/veth
    out=$(SLUICE_RIG_PREFIX=${P}g "$RIG" --prefix "${P}f" up "$f") || { echo "up failed"; return 1; }
    printf '%s\n' "$out" | grep -qx "port 1 afpacket:${P}f-p1" || { echo "--prefix ignored: $out"; return 1; }
    clean "${P}g" || { echo "env prefix won over --prefix"; return 1; }
    "$RIG" --prefix "${P}f" down "$f" && clean "${P}f"
}

test_needs_root() {
    local rc
    setpriv --reuid=65534 --regid=65534 --clear-groups "$RIG" --prefix "${P}a" down \
        >/dev/null 2>"$TMPD/err"; rc=$?
    [ $rc = 1 ] || { echo "exit $rc, expected 1"; return 1; }
    grep -q 'needs root' "$TMPD/err" || { echo "message: $(cat "$TMPD/err")"; return 1; }
}

test_nothing_left() {
    local p
    for p in "${USED[@]}"; do "$RIG" --prefix "$p" down || return 1; done
    for p in "${USED[@]}"; do clean "$p" || return 1; done
}

start=$(date +%s%N)
for t in help veth_up up_twice down_twice offload_on bridge_ping tap_mode \
    bad_file_creates_nothing kernel_refusal_undone undo_at_every_step \
    undo_keeps_existing parallel_prefixes prefix_override needs_root nothing_left; do
    run_test "$t"
done
echo "# run time $(( ($(date +%s%N) - start) / 1000000 )) ms"
finish
