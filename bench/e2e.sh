#!/bin/bash
# bench/e2e.sh — end to end through real interfaces (rig-less: veth pairs
# and namespaces made here), the Linux bridge, Open vSwitch userspace
# (netdev) and Sluice unix (afpacket ports) in the same run.
#
# usage: bench/e2e.sh [--runs N] [--seconds S] [BUILD_DIR]
#
# trafgen (one process) in namespace 1 sends 64-byte UDP frames of one flow
# into port 1; the switch forwards port 1 -> port 2 (bridge: learning/flood;
# OVS and Sluice: the flow in_port=1,actions=output:2); the receiver is the
# veth end in namespace 2, whose rx_packets counter is read (no receiving
# program).  Per run: 1 s warm-up, then S seconds measured.  Reported per
# switch: forwarded Mpps, offered Mpps (sender's tx), the switch process's
# CPU time per forwarded packet (utime+stime of all its threads from
# /proc/PID/stat; the bridge runs in softirq: n/a) and the whole machine's
# busy CPU time per forwarded packet (/proc/stat, sender included).
# Also measured: afpfwd (bench/afpfwd.c), a plain forwarder on Sluice's
# afpacket driver without the datapath, as the AF_PACKET baseline.
# Not covered: Sluice kvm under QEMU, OVS with AF_XDP ports.
# shellcheck disable=SC2034  # OFPORT, PEER: read by tests/integration/lib.sh
set -u
runs=3 secs=3
while [ $# -gt 0 ]; do
    case $1 in
    --runs) runs=$2; shift ;;
    --seconds) secs=$2; shift ;;
    *) break ;;
    esac
    shift
done
build=${1:-build/unix}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
echo "== e2e: 64-byte UDP through veth ports, one flow =="
bench_net_init || { echo "e2e: cannot build the veth/namespace topology"; exit 1; }
OFPORT=$(free_port)
trafgen_conf "$TMPD/flow.cfg" fixed
echo "in_port=1,actions=output:2" >"$TMPD/flows"
csv=$RESULTS/e2e.csv
echo "switch,run,fwd_mpps,offered_mpps,switch_cpu_ns_per_pkt,machine_cpu_ns_per_pkt" >"$csv"
hz=$(getconf CLK_TCK)

busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
tx_count() { ip netns exec "$NS1" cat "/sys/class/net/$HIF1/statistics/tx_packets"; }

# run_one NAME PID: one measured run (PID of the switch process, or "").
run_one() {
    local name=$1 pid=$2 r=$3 rx0 rx1 tx0 tx1 c0 c1 b0 b1
    sender_start "$TMPD/flow.cfg"
    sleep 1
    rx0=$(rx_count "$NS2" "$HIF2"); tx0=$(tx_count); b0=$(busy_ticks)
    c0=$([ -n "$pid" ] && cpu_ticks "$pid")
    sleep "$secs"
    rx1=$(rx_count "$NS2" "$HIF2"); tx1=$(tx_count); b1=$(busy_ticks)
    c1=$([ -n "$pid" ] && cpu_ticks "$pid")
    sender_stop
    awk -v n="$name" -v r="$r" -v s="$secs" -v hz="$hz" -v rx=$((rx1 - rx0)) -v tx=$((tx1 - tx0)) \
        -v c="${c0:-}" -v c1="${c1:-}" -v b=$((b1 - b0)) 'BEGIN {
        sw = (c == "" || rx == 0) ? "" : sprintf("%.0f", (c1 - c) / hz * 1e9 / rx)
        mc = rx ? sprintf("%.0f", b / hz * 1e9 / rx) : ""
        printf "%s,%d,%.4f,%.4f,%s,%s\n", n, r, rx / s / 1e6, tx / s / 1e6, sw, mc }' >>"$csv"
    tail -1 "$csv" | awk -F, '{printf "  %s run %s: %.3f Mpps forwarded (offered %.3f), switch CPU %s ns/pkt, machine %s ns/pkt\n", $1, $2, $3, $4, ($5 == "" ? "n/a" : $5), $6}'
}

measure() {
    local r
    for r in $(seq "$runs"); do run_one "$1" "$2" "$r"; done
}

# Linux bridge
ip link add "$PFX-lb" type bridge && ip link set "$IF1" master "$PFX-lb" &&
    ip link set "$IF2" master "$PFX-lb" && ip link set "$PFX-lb" up &&
    measure bridge ""
ip link del "$PFX-lb" 2>/dev/null

# Sluice unix, afpacket ports
if bench_sluice_start "$build" --flows "$TMPD/flows"; then
    measure sluice "$SLUICE_PID"
else
    echo "e2e: Sluice did not start"; tail -3 "$TMPD/sluice.log"
fi
sluice_stop

# The baseline: Sluice's afpacket driver alone, port 1 -> port 2 (bench/afpfwd.c)
if [ -x "$build/bench/afpfwd" ]; then
    "$build/bench/afpfwd" "$IF1" "$IF2" >>"$TMPD/afpfwd.log" 2>&1 &
    afp=$!
    sleep 0.5
    kill -0 "$afp" 2>/dev/null && measure afpfwd "$afp"
    kill "$afp" 2>/dev/null
    wait "$afp" 2>/dev/null
fi

# Open vSwitch, userspace datapath
PEER=ovs
if bench_ovs_start && ofctl add-flow "$(OFCTL_TARGET)" "in_port=1,actions=output:2"; then
    measure ovs "$(cat "$TMPD/ovs/vswitchd.pid")"
else
    echo "e2e: Open vSwitch did not start"
fi
ovs_stop

sum=$RESULTS/e2e_summary.csv
echo "switch,fwd_mpps_median,fwd_mpps_min,fwd_mpps_max,switch_cpu_ns_per_pkt,machine_cpu_ns_per_pkt" >"$sum"
printf "%-8s %22s %16s %16s\n" switch "Mpps median (min..max)" "switch ns/pkt" "machine ns/pkt"
for sw in bridge afpfwd sluice ovs; do
    m=$(awk -F, -v s=$sw '$1 == s {print $3}' "$csv" | median)
    c=$(awk -F, -v s=$sw '$1 == s && $5 != "" {print $5}' "$csv" | median | cut -d' ' -f1)
    [ "$c" = nan ] && c=""
    k=$(awk -F, -v s=$sw '$1 == s && $6 != "" {print $6}' "$csv" | median | cut -d' ' -f1)
    set -- $m
    printf "%-8s %8.3f (%.3f..%.3f) %16s %16s\n" $sw $1 $2 $3 "$c" "$k" 2>/dev/null
    echo "$sw,$1,$2,$3,$c,$k" >>"$sum"
done
ratio() { awk -F, -v a="$1" -v b="$2" '$1 == a {x = $2} $1 == b {y = $2} END {
    if (x > 0 && y > 0) printf "%.2f", x / y; else print "n/a"}' "$sum"; }
echo "Sluice/bridge: $(ratio sluice bridge)x   Sluice/afpfwd: $(ratio sluice afpfwd)x   Sluice/OVS: $(ratio sluice ovs)x (forwarded Mpps)"
plot_bars "$sum" "$RESULTS/e2e.png" "e2e: forwarded Mpps, 64-byte UDP, veth ports (median, min..max)" "Mpps"
echo "wrote $csv $sum $RESULTS/e2e.png"
