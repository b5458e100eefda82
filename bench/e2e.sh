#!/bin/bash
# bench/e2e.sh — end to end through real interfaces, every switch in the
# same run, each on a fresh topology from the host rig (sluice-rig):
#
#   bridge        the Linux bridge (rig: switch-port bridge; runs in softirq)
#   sluice-unix   Sluice unix, afpacket ports (rig: switch-port veth)
#   sluice-kvm    Sluice kvm, sluice.kvm under QEMU, virtio-net NICs on the
#                 rig's taps (switch-port tap); always TCG (see e2e_kvm_accel)
#   afpacket-ref  bench/afpref.c, an independent AF_PACKET forwarder (veth)
#   afpfwd        bench/afpfwd.c: Sluice's own afpacket driver without the
#                 datapath (veth) — what the datapath adds, not a peer
#   ovs-netdev    Open vSwitch, userspace datapath, netdev ports (veth)
#   ovs-afxdp     the same with type=afxdp ports, xdp-mode=generic (veth)
#
# usage: bench/e2e.sh [--runs N] [--seconds S] [--only LIST]
#                     [--kvm IMAGE] [--kvm-machine microvm|q35] [BUILD_DIR]
#   BUILD_DIR  the unix build (default build/unix): sluice, sluice-rig,
#              bench/afpfwd, bench/afpref
#   --kvm      default: BUILD_DIR/../kvm/sluice.kvm, built first (make
#              TARGET=kvm SAN= BUILDROOT=BUILD_DIR/..) when BUILD_DIR is a
#              BUILDROOT/unix tree and the image is missing
#   --only     comma-separated switch names from the list above
#
# Per switch and run: trafgen (one process) in host h1's namespace sends
# 64-byte UDP frames of one flow into port 1; the switch forwards port 1 ->
# port 2 with the flow in_port=1,actions=output:2 (the bridge learns and
# floods); the receiver is h2's eth0, whose rx_packets counter is read (no
# receiving program).  0.5 s start + 1 s warm-up, then S seconds measured.
# Reported: forwarded Mpps, offered Mpps (the sender's tx_packets), the
# switch process's CPU time per forwarded packet (utime+stime of all its
# threads, /proc/PID/stat; QEMU's whole process for sluice-kvm; n/a for the
# bridge, which runs in softirq) and the whole machine's busy CPU time per
# forwarded packet (/proc/stat, sender included).  Unavailable switches are
# printed and recorded as "skipped: why".  Writes results/e2e.csv (every
# run), results/e2e_summary.csv, results/e2e.png and results/e2e_cpu.png.
# Needs root.  Every rig object is named slb<pid>-*; all of them and every
# process started here are removed on exit, also on failure and Ctrl-C.
# shellcheck disable=SC2034  # OFPORT, PEER: read by tests/integration/lib.sh
set -u
runs=3 secs=3 only='' kvm='' KVM_MACHINE=microvm
ALL="bridge sluice-unix afpfwd afpacket-ref ovs-netdev ovs-afxdp sluice-kvm"
while [ $# -gt 0 ]; do
    case $1 in
    --runs) runs=$2; shift ;;
    --seconds) secs=$2; shift ;;
    --only) only=${2//,/ }; shift ;;
    --kvm) kvm=$2; shift ;;
    --kvm-machine) KVM_MACHINE=$2; shift ;;
    -h|--help) sed -n '2,37p' "$0"; exit 0 ;;
    -*) echo "e2e: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
    shift
done
build=${1:-build/unix}
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
KVM_IMAGE=${kvm:-$(dirname "$build")/kvm/sluice.kvm}
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "$kvm" ] && [ ! -f "$KVM_IMAGE" ] && [ "$(basename "$build")" = unix ]; then
    echo "== e2e: building $KVM_IMAGE (make TARGET=kvm)"
    make -C "$here/.." --no-print-directory TARGET=kvm SAN= BUILDROOT="$(dirname "$build")" \
        >/dev/null 2>&1 || echo "e2e: make TARGET=kvm failed; sluice-kvm will be skipped"
fi
[ "$(id -u)" = 0 ] || { echo "e2e: needs root (namespaces, veths, taps)" >&2; exit 1; }
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
# shellcheck source=bench/e2e_peers.sh
. "$here/e2e_peers.sh"
# shellcheck source=bench/e2e_report.sh
. "$here/e2e_report.sh"
echo "== e2e: 64-byte UDP, one flow, port 1 -> port 2, rig topologies, $runs x $secs s =="
BENCH_EXIT_HOOK=e2e_stop_peer
bench_net_init "$build" || { echo "e2e: cannot build the rig topology"; exit 1; }
OFPORT=$(free_port)
trafgen_conf "$TMPD/flow.cfg" fixed
echo "in_port=1,actions=output:2" >"$TMPD/flows"
csv=$RESULTS/e2e.csv
echo "switch,run,fwd_mpps,offered_mpps,switch_cpu_ns_per_pkt,machine_cpu_ns_per_pkt,note" >"$csv"
hz=$(getconf CLK_TCK)

busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
tx_count() { ip netns exec "$NS1" cat "/sys/class/net/$HIF1/statistics/tx_packets"; }

# run_one NAME PID RUN NOTE: one measured run (PID of the switch process, or "").
run_one() {
    local name=$1 pid=$2 r=$3 note=$4 rx0 rx1 tx0 tx1 c0='' c1='' b0 b1
    sender_start "$TMPD/flow.cfg"
    sleep 1
    rx0=$(rx_count "$NS2" "$HIF2"); tx0=$(tx_count); b0=$(busy_ticks)
    [ -n "$pid" ] && c0=$(cpu_ticks "$pid")
    sleep "$secs"
    rx1=$(rx_count "$NS2" "$HIF2"); tx1=$(tx_count); b1=$(busy_ticks)
    [ -n "$pid" ] && c1=$(cpu_ticks "$pid")
    sender_stop
    awk -v n="$name" -v r="$r" -v s="$secs" -v hz="$hz" -v rx=$((rx1 - rx0)) -v tx=$((tx1 - tx0)) \
        -v c="$c0" -v c1="$c1" -v b=$((b1 - b0)) -v note="$note" 'BEGIN {
        sw = (c == "" || rx == 0) ? "" : sprintf("%.0f", (c1 - c) / hz * 1e9 / rx)
        mc = rx ? sprintf("%.0f", b / hz * 1e9 / rx) : ""
        printf "%s,%d,%.4f,%.4f,%s,%s,%s\n", n, r, rx / s / 1e6, tx / s / 1e6, sw, mc, note }' >>"$csv"
    tail -1 "$csv" | awk -F, '{printf "  %s run %s: %.4f Mpps forwarded (offered %.3f), switch CPU %s ns/pkt, machine %s ns/pkt\n", $1, $2, $3, $4, ($5 == "" ? "n/a" : $5), ($6 == "" ? "n/a" : $6)}'
}

# note_of NAME: the CSV note of a measured switch.
note_of() {
    case $1 in
    sluice-kvm) echo "QEMU -M $KVM_MACHINE $(e2e_kvm_accel | tr '[:lower:]' '[:upper:]')" ;;
    afpfwd) echo "Sluice afpacket driver without the datapath" ;;
    ovs-afxdp) echo "xdp-mode=generic" ;;
    *) echo "" ;;
    esac
}

for sw in ${only:-$ALL}; do
    case " $ALL " in *" $sw "*) ;; *) echo "e2e: unknown switch $sw (one of: $ALL)"; continue ;; esac
    E2E_WHY=
    "e2e_start_${sw//-/_}"
    rc=$?
    if [ $rc = 0 ]; then
        note=$(note_of "$sw")
        [ -n "$note" ] && echo "  $sw: $note"
        for r in $(seq "$runs"); do run_one "$sw" "$MEAS_PID" "$r" "$note"; done
    else
        [ $rc = 2 ] || E2E_WHY="failed: $E2E_WHY"
        echo "  $sw: $E2E_WHY"
        echo "$sw,0,,,,,${E2E_WHY//,/;}" >>"$csv"
    fi
    e2e_stop_peer
done
e2e_report "$csv"
