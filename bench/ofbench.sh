#!/bin/bash
# bench/ofbench.sh — the control plane, Sluice against Open vSwitch (userspace
# datapath) in the same run.
#
# usage: bench/ofbench.sh [--runs N] [--flows N] [BUILD_DIR]
#
# Topology (bench/lib.sh, the integration suite's helpers): two namespaces
# joined by veth pairs to switch ports 1 and 2.  For each switch:
#   - RUNS x `ofbench HOST:PORT` (install rate, rate at N installed, dump,
#     echo, delete: see bench/ofbench.c);
#   - RUNS x a miss storm: trafgen in namespace 1 sends 64-byte frames with
#     random source MACs into port 1 while `ofbench --packet-in 3` counts
#     PACKET_IN messages (table empty: every frame is a miss);
#   - once: `ovs-ofctl add-flows` of N exact flows, timed.
# Prints medians (min..max) and Sluice / OVS ratios (>1 = Sluice better);
# writes results/ofbench.csv, results/ofbench_summary.csv, results/ofbench.png.
# shellcheck disable=SC2034  # OFPORT, PEER: read by tests/integration/lib.sh
set -u
runs=3 flows=100000
while [ $# -gt 0 ]; do
    case $1 in
    --runs) runs=$2; shift ;;
    --flows) flows=$2; shift ;;
    *) break ;;
    esac
    shift
done
build=${1:-build/unix}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
[ -x "$build/bench/ofbench" ] || { echo "ofbench: $build/bench/ofbench not built"; exit 1; }
echo "== ofbench: OpenFlow control plane, Sluice vs Open vSwitch (netdev) =="
bench_net_init || { echo "ofbench: cannot build the veth/namespace topology"; exit 1; }
OFPORT=$(free_port)
csv=$RESULTS/ofbench.csv
echo "switch,run,metric,value" >"$csv"
trafgen_conf "$TMPD/storm.cfg" random
awk -v n="$flows" 'BEGIN {for (i = 0; i < n; i++)
    printf "in_port=1,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,dl_vlan=0xffff,dl_vlan_pcp=0,udp,nw_tos=0,nw_src=10.%d.%d.%d,nw_dst=10.0.0.2,tp_src=1024,tp_dst=5001,actions=output:2\n", \
    int(i / 65536), int(i / 256) % 256, i % 256}' >"$TMPD/flows.txt"

# measure SWITCH: every figure of one switch into the CSV.
measure() {
    local sw=$1 r out
    for r in $(seq "$runs"); do
        out=$("$build/bench/ofbench" --flows "$flows" "127.0.0.1:$OFPORT" 2>&1)
        echo "$out" | grep -v '^result' | sed "s/^/  $sw run $r: /"
        echo "$out" | awk -v s="$sw" -v r="$r" '$1 == "result" {print s "," r "," $2 "," $3}' >>"$csv"
    done
    for r in $(seq "$runs"); do
        sender_start "$TMPD/storm.cfg"
        out=$("$build/bench/ofbench" --packet-in 3 "127.0.0.1:$OFPORT" 2>&1)
        sender_stop
        echo "$out" | grep -v '^result' | sed "s/^/  $sw run $r: /"
        echo "$out" | awk -v s="$sw" -v r="$r" '$1 == "result" {print s "," r "," $2 "," $3}' >>"$csv"
    done
    ofctl del-flows "$(OFCTL_TARGET)" >/dev/null 2>&1
    local t0 t1
    t0=$(date +%s%N)
    if OVS_RUNDIR=$TMPD timeout 300 ovs-ofctl -O OpenFlow10 add-flows "$(OFCTL_TARGET)" "$TMPD/flows.txt" 2>"$TMPD/ofctl.err"; then
        t1=$(date +%s%N)
        echo "$sw,1,ofctl_add_flows_per_s,$(awk -v n="$flows" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", n / ((b - a) / 1e9)}')" >>"$csv"
        echo "  $sw: ovs-ofctl add-flows $flows flows: $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", (b - a) / 1e9}') s"
    else
        echo "  $sw: ovs-ofctl add-flows failed: $(head -c 200 "$TMPD/ofctl.err")"
    fi
    ofctl del-flows "$(OFCTL_TARGET)" >/dev/null 2>&1
}

if bench_sluice_start "$build" --max-flows $((flows * 2)); then
    measure sluice
else
    echo "ofbench: Sluice did not listen; log:"; tail -5 "$TMPD/sluice.log"
fi
sluice_stop
PEER=ovs
if bench_ovs_start; then
    measure ovs
else
    echo "ofbench: Open vSwitch did not start"
fi
ovs_stop

# Summary: metric, per-switch median min max, ratio (>1 = Sluice better).
sum=$RESULTS/ofbench_summary.csv
echo "metric,sluice_median,sluice_min,sluice_max,ovs_median,ovs_min,ovs_max,sluice_advantage" >"$sum"
printf "%-22s %26s %26s %8s\n" metric "Sluice median (min..max)" "OVS median (min..max)" "Sluice/OVS"
for m in install_flows_per_s at_n_flows_per_s dump_s echo_rtt_us delete_all_s packet_in_per_s ofctl_add_flows_per_s; do
    s=$(awk -F, -v m=$m '$1 == "sluice" && $3 == m {print $4}' "$csv" | median)
    o=$(awk -F, -v m=$m '$1 == "ovs" && $3 == m {print $4}' "$csv" | median)
    set -- $s $o
    # Times: smaller is better, so the advantage is OVS / Sluice.
    adv=$(awk -v m=$m -v s="$1" -v o="$4" 'BEGIN {
        if (s == "nan" || o == "nan" || s == 0 || o == 0) {print "n/a"; exit}
        if (m == "dump_s" || m == "echo_rtt_us" || m == "delete_all_s") printf "%.2f", o / s
        else printf "%.2f", s / o }')
    printf "%-22s %12.6g (%.4g..%.4g) %12.6g (%.4g..%.4g) %8s\n" $m $1 $2 $3 $4 $5 $6 "$adv" 2>/dev/null
    echo "$m,$1,$2,$3,$4,$5,$6,$adv" >>"$sum"
done
awk -F, 'NR > 1 && $8 != "n/a" {print $1 "," $8 "," $8 "," $8}' "$sum" |
    (echo "metric,adv,min,max"; cat) >"$TMPD/adv.csv"
plot_bars "$TMPD/adv.csv" "$RESULTS/ofbench.png" "ofbench: Sluice advantage over Open vSwitch (x, >1 = Sluice better)" "x OVS"
echo "wrote $csv $sum $RESULTS/ofbench.png"
