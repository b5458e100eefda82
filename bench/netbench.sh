#!/bin/bash
# bench/netbench.sh — TCP throughput of the unikernel's own stack (libos/net,
# built hosted: build/<dir>/sluice-netpeer on a tap) against Linux's TCP in
# a network namespace, both directions at once, with and without injected
# faults (tests/net/fault_netdev.c: 1% loss each way; and 1% each of loss,
# duplication, reordering, corruption).  The peer measured in the same run:
# Linux's TCP to Linux's TCP over a veth pair with the same Python endpoint
# (tests/net/linuxpeer.py) on both ends, so the ratio compares stacks on
# like paths (the stack's path has a tap and a user-space loop; the
# reference has neither, so it is an upper bound).
#
# usage: bench/netbench.sh [--runs N] [--mb MB] [BUILD_DIR]   (root)
# Prints a table (median, min, max MB/s per direction), writes
# bench/results/netbench.csv and netbench.png.  Medians of N runs (3).
set -u
runs=3 mb=40
while [ $# -gt 0 ]; do
    case $1 in
    --runs) runs=$2; shift 2 ;;
    --mb) mb=$2; shift 2 ;;
    *) break ;;
    esac
done
build=${1:-build/unix}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck disable=SC1091
. "$here/lib.sh"
peer=$build/sluice-netpeer
py=/usr/bin/python3
lp=$root/tests/net/linuxpeer.py
ns=snb$$
bytes=$((mb * 1000000))
tmp=$(mktemp -d /tmp/netbench.XXXXXX)
cleanup() { ip netns del "$ns-a" 2>/dev/null; ip netns del "$ns-b" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
[ "$(id -u)" = 0 ] || { echo "netbench: needs root (namespaces, taps)"; exit 1; }
[ -x "$peer" ] || { echo "netbench: $peer missing (make)"; exit 1; }

# One run of the stack against Linux: prints "TX RX" MB/s (stack's view).
stack_run() { # FAULT
    ip netns del "$ns-a" 2>/dev/null
    ip netns add "$ns-a" && ip -n "$ns-a" link set lo up &&
        ip -n "$ns-a" tuntap add dev snb0 mode tap &&
        ip -n "$ns-a" addr add 10.78.0.1/24 dev snb0 && ip -n "$ns-a" link set snb0 up || return 1
    ip netns exec "$ns-a" timeout 200 $py "$lp" listen 10.78.0.1 5001 $bytes $bytes 180 \
        >"$tmp/lp" 2>&1 &
    local l=$!
    for _ in $(seq 50); do grep -q listening "$tmp/lp" && break; sleep 0.1; done
    ip netns exec "$ns-a" timeout 200 "$peer" --port tap:snb0 --ip 10.78.0.2/24 \
        --connect 10.78.0.1:5001 --send $bytes --recv $bytes --timeout 180 \
        ${1:+--fault "$1"} >"$tmp/np" 2>&1
    wait $l
    grep -q "^netpeer: ok" "$tmp/np" || { cat "$tmp/np" "$tmp/lp" >&2; return 1; }
    sed -n 's/^netpeer: ok .*tx_MBps=\([0-9.]*\) rx_MBps=\([0-9.]*\).*/\1 \2/p' "$tmp/np"
}

# One run of Linux against Linux over a veth: prints "A->B B->A" MB/s.
linux_run() {
    ip netns del "$ns-a" 2>/dev/null; ip netns del "$ns-b" 2>/dev/null
    ip netns add "$ns-a" && ip netns add "$ns-b" &&
        ip link add snbva netns "$ns-a" type veth peer name snbvb netns "$ns-b" &&
        ip -n "$ns-a" addr add 10.78.1.1/24 dev snbva && ip -n "$ns-b" addr add 10.78.1.2/24 dev snbvb &&
        ip -n "$ns-a" link set snbva up && ip -n "$ns-b" link set snbvb up || return 1
    ip netns exec "$ns-a" timeout 200 $py "$lp" listen 10.78.1.1 5001 $bytes $bytes 180 \
        >"$tmp/lp" 2>&1 &
    local l=$!
    for _ in $(seq 50); do grep -q listening "$tmp/lp" && break; sleep 0.1; done
    local t0 t1
    t0=$(date +%s.%N)
    ip netns exec "$ns-b" timeout 200 $py "$lp" connect 10.78.1.1 5001 $bytes $bytes 180 \
        >"$tmp/lp2" 2>&1
    t1=$(date +%s.%N)
    wait $l
    grep -q "^linuxpeer: ok" "$tmp/lp2" || return 1
    local r
    r=$(echo "$bytes / ($t1 - $t0) / 1000000" | bc -l)
    printf '%.1f %.1f\n' "$r" "$r"
}

declare -A cols
measure() { # LABEL FN [ARG]
    local label=$1 fn=$2 arg=${3:-}
    : >"$tmp/tx"; : >"$tmp/rx"
    for _ in $(seq "$runs"); do
        local r
        r=$($fn "$arg") || { echo "netbench: $label run failed"; continue; }
        echo "${r% *}" >>"$tmp/tx"; echo "${r#* }" >>"$tmp/rx"
    done
    cols[$label.tx]=$(median <"$tmp/tx")
    cols[$label.rx]=$(median <"$tmp/rx")
}

echo "== netbench: TCP, ${mb} MB each way at once, median of $runs (min..max) MB/s =="
measure linux linux_run
measure clean stack_run
measure loss1 stack_run "loss=1,seed=3"
measure faults1 stack_run "loss=1,dup=1,reorder=1,corrupt=1,seed=3"
csv=$RESULTS/netbench.csv
echo "label,median,min,max" >"$csv"
printf '%-44s %24s %24s\n' "path" "stack -> Linux" "Linux -> stack"
for l in linux clean loss1 faults1; do
    case $l in
    linux) name="Linux <-> Linux, veth (reference)" ;;
    clean) name="stack <-> Linux, tap" ;;
    loss1) name="stack <-> Linux, tap, 1% loss" ;;
    faults1) name="stack <-> Linux, tap, 1% loss+dup+reord+corr" ;;
    esac
    read -r tm tn tx <<<"${cols[$l.tx]}"
    read -r rm rn rx <<<"${cols[$l.rx]}"
    printf '%-44s %10s (%5s..%5s) %10s (%5s..%5s)\n' "$name" "$tm" "$tn" "$tx" "$rm" "$rn" "$rx"
    echo "$l tx,$tm,$tn,$tx" >>"$csv"
    echo "$l rx,$rm,$rn,$rx" >>"$csv"
done
read -r lin _ <<<"${cols[linux.tx]}"
read -r cln _ <<<"${cols[clean.tx]}"
[ -n "$lin" ] && [ "$lin" != nan ] && [ "$cln" != nan ] &&
    echo "ratio stack/Linux (clean, stack -> Linux): $(echo "$cln / $lin" | bc -l | cut -c1-4)"
plot_bars "$csv" "$RESULTS/netbench.png" "libos/net TCP vs Linux ($mb MB each way)" "MB/s"
echo "csv: $csv"
