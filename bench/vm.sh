#!/bin/bash
# bench/vm.sh — the unikernel against a Linux VM doing the same job, both
# under the same QEMU (TCG: this machine's /dev/kvm is unusable) with the
# same NIC set-up, their runs interleaved:
#
#   sluice         the Sluice image (--image TAG=PATH, several allowed, e.g.
#                  main's and a branch's), static flows port 1 <-> port 2
#                  on the kernel command line, -m 8M
#   linux-bridge   Debian's distribution kernel with a busybox initramfs
#                  (bench/vm_linux.sh builds it from Debian packages, cached
#                  under BUILDROOT/linuxvm) and a Linux bridge over its two
#                  NICs, -m 256M
#   linux-ovs      the same kernel with Open vSwitch's kernel datapath
#                  (openvswitch.ko, flows set with ovs-dpctl), -m 256M
#
# usage: bench/vm.sh [--runs N] [--seconds S] [--idle-seconds S]
#                    [--only LIST] [--image TAG=PATH]... [--machine q35|microvm]
#                    [--no-mem] [BUILD_DIR]
#   BUILD_DIR  the unix build with sluice-rig (default build/unix); without
#              --image the image is BUILD_DIR/../kvm/sluice.kvm (tag sluice),
#              built first when missing
#   --only     comma-separated: sluice, linux-bridge, linux-ovs
#   --machine  q35 (default; the Linux peers need PCI) or microvm (Sluice
#              alone)
#   --no-mem   skip the smallest-memory search (it boots each peer ~8 times)
#
# Set-up: the host rig's tap topology (switch-port tap, offloads off): host
# h1 (10.77.0.1, the sender) and h2 (10.77.0.2) in namespaces, each behind
# a veth and a bridge to a tap; QEMU -M q35 -accel tcg -smp 1 with one
# virtio-net-pci NIC per tap.  Per peer and run, one boot:
#   first_pkt_s  QEMU start to the first frame forwarded to h2: h1 sends one
#                64-byte UDP frame every 2 ms from before QEMU starts;
#                bench/rxwait.py in h2 takes the first one's kernel time
#   idle_cpu_pct QEMU's CPU time over --idle-seconds (default 10) with no
#                traffic, 2 s after that, as % of one host core
#   pps          64-byte UDP frames of one flow, h1 -> h2, as fast as one
#                trafgen process sends; h2's rx_packets over S s (default 5)
#                after 1 s of warm-up
#   cpu_ns_per_pkt  QEMU's CPU time (all its threads) over the same S s
#                divided by the frames forwarded
#   tcp_mbps     iperf3, one TCP stream h1 -> h2, S s, receiver's figure
# and once per peer:
#   min_mem_mib  the smallest -m (MiB) with which it boots and forwards
#                (bisection; each try bounded)
# Prints one table (metric x peer, median (min..max)) and each Sluice
# image's ratios to linux-bridge and linux-ovs; writes results/vm.csv
# (every run), results/vm_summary.csv and results/vm_pps.png,
# results/vm_first.png.  Every figure is QEMU TCG on this machine.  Needs
# root; every rig object is named slb<pid>-*; QEMU, the senders and the rig
# are removed on exit, also on failure and Ctrl-C.
# shellcheck disable=SC2034  # PEER, OFPORT: read by tests/integration/lib.sh
set -u
runs=3 secs=5 idle_s=10 only='' images=() KVM_MACHINE=q35 do_mem=1
while [ $# -gt 0 ]; do
    case $1 in
    --runs) runs=$2; shift ;;
    --seconds) secs=$2; shift ;;
    --idle-seconds) idle_s=$2; shift ;;
    --only) only=${2//,/ }; shift ;;
    --image) images+=("$2"); shift ;;
    --machine) KVM_MACHINE=$2; shift ;;
    --no-mem) do_mem=0 ;;
    -h|--help) sed -n '2,52p' "$0"; exit 0 ;;
    -*) echo "vm: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
    shift
done
build=${1:-build/unix}
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "vm: needs root (namespaces, taps)" >&2; exit 1; }
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
# shellcheck source=bench/e2e_peers.sh
. "$here/e2e_peers.sh"
# shellcheck source=bench/vm_linux.sh
. "$here/vm_linux.sh"
if [ ${#images[@]} = 0 ]; then
    img=$(dirname "$build")/kvm/sluice.kvm
    if [ ! -f "$img" ]; then
        make -C "$here/.." --no-print-directory TARGET=kvm SAN= BUILDROOT="$(dirname "$build")" \
            >/dev/null 2>&1 || { echo "vm: make TARGET=kvm failed"; exit 1; }
    fi
    images=("sluice=$img")
fi
want() { [ -z "$only" ] || case " $only " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# Peers: "sluice:TAG" per image, then the Linux VMs.
peers=()
declare -A kpath
if want sluice; then
    for spec in "${images[@]}"; do
        t=${spec%%=*} p=${spec#*=}
        [ -f "$p" ] || { echo "vm: no image $p"; exit 1; }
        peers+=("sluice:$t") kpath[$t]=$p
    done
fi
if want linux-bridge || want linux-ovs; then
    if [ "$KVM_MACHINE" != q35 ]; then
        echo "# linux peers: skipped (they need -M q35)"
    elif linuxvm_build "$(dirname "$build")/linuxvm"; then
        want linux-bridge && peers+=(linux-bridge)
        if want linux-ovs; then
            [ "$LINUXVM_OVS" = 1 ] && peers+=(linux-ovs) ||
                echo "# linux-ovs: skipped (no ovs-dpctl on this host: openvswitch-switch)"
        fi
    else
        echo "# linux peers: skipped (the VM could not be built from Debian packages)"
    fi
fi
[ ${#peers[@]} -gt 0 ] || { echo "vm: nothing to measure"; exit 1; }

BENCH_EXIT_HOOK=e2e_stop_peer
bench_net_init "$build" tap || { echo "vm: cannot build the rig topology"; exit 1; }
trafgen_conf "$TMPD/flow.cfg" fixed
csv=$RESULTS/vm.csv
echo "peer,run,metric,value" >"$csv"
hz=$(getconf CLK_TCK)
load() { cut -d' ' -f1-3 /proc/loadavg; }
record() { echo "$1,$2,$3,$4" >>"$csv"; }
echo "== vm: ${peers[*]}; QEMU $(qemu-system-x86_64 --version | head -1 | awk '{print $4}') -M $KVM_MACHINE TCG; $runs runs interleaved, $secs s each; load $(load)"
[ -n "${LINUXVM_PKG:-}" ] && echo "   Linux peer: $LINUXVM_PKG, busybox initramfs"
record - 0 load_start "\"$(load)\""

# peer_boot PEER MEM LOG: starts QEMU for PEER with MEM on the rig's taps
# (E2E_CHILD) and sets READY_RE, the console line that says it is ready.
peer_boot() {
    local peer=$1 mem=$2 log=$3
    case $peer in
    sluice:*)
        READY_RE="ready in"
        qemu_on_taps "$log" "$mem" "${kpath[${peer#sluice:}]}" \
            "--flows in_port=1,actions=output:2;in_port=2,actions=output:1" -smp 1 ;;
    linux-*)
        READY_RE="sluice-vm: ready"
        qemu_on_taps "$log" "$mem" "$LINUXVM_KERNEL" \
            "console=ttyS0 quiet panic=-1 sluice_vm=${peer#linux-}" -initrd "$LINUXVM_INITRD" -smp 1 ;;
    esac
}

# first_packet PEER MEM TIMEOUT: boots PEER and waits (TIMEOUT s at most)
# for the first frame forwarded to h2 while h1 sends one every 2 ms.
# Sets FIRST to the seconds from QEMU start to it; returns 1 when none
# came.  QEMU is left running (E2E_CHILD) for the caller.
FIRST=
first_packet() {
    local peer=$1 mem=$2 tmo=$3 t0 t1 rxpid i
    ip netns exec "$NS2" timeout "$((tmo + 5))" /usr/bin/python3 "$here/rxwait.py" "$HIF2" "$tmo" \
        >"$TMPD/rxwait.out" 2>&1 &
    rxpid=$!
    for i in $(seq 50); do grep -q listening "$TMPD/rxwait.out" && break; sleep 0.1; done
    sender_start "$TMPD/flow.cfg" -t 2ms
    t0=$(date +%s.%N)
    peer_boot "$peer" "$mem" "$TMPD/guest.log"
    wait "$rxpid"
    sender_stop
    t1=$(sed -n 2p "$TMPD/rxwait.out")
    [ -n "$t1" ] || return 1
    FIRST=$(echo "$t1 - $t0" | bc -l | awk '{printf "%.3f", $1}')
}

# wait_ready TIMEOUT: waits for READY_RE in the guest log.  Returns 0 when
# it came.
wait_ready() {
    local i
    for i in $(seq $(($1 * 10))); do
        grep -q "$READY_RE" "$TMPD/guest.log" && return 0
        kill -0 "$E2E_CHILD" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# measure PEER RUN: one boot of PEER and every per-run metric.
measure() {
    local peer=$1 r=$2 mem=8M c0 c1 rx0 rx1 t0 t1 mbps spid
    case $peer in linux-*) mem=256M ;; esac
    if ! first_packet "$peer" $mem 120; then
        echo "  $peer run $r: nothing forwarded within 120 s: $(tail -2 "$TMPD/guest.log" | tr '\n' ' ')"
        e2e_stop_peer
        return 1
    fi
    record "$peer" "$r" first_pkt_s "$FIRST"
    wait_ready 30 || echo "  $peer run $r: no ready line"
    sleep 2
    c0=$(cpu_ticks "$E2E_CHILD") t0=$(date +%s.%N)
    sleep "$idle_s"
    c1=$(cpu_ticks "$E2E_CHILD") t1=$(date +%s.%N)
    record "$peer" "$r" idle_cpu_pct "$(echo "100 * ($c1 - $c0) / $hz / ($t1 - $t0)" | bc -l | awk '{printf "%.2f", $1}')"
    sender_start "$TMPD/flow.cfg"
    sleep 1
    rx0=$(rx_count "$NS2" "$HIF2") c0=$(cpu_ticks "$E2E_CHILD")
    sleep "$secs"
    rx1=$(rx_count "$NS2" "$HIF2") c1=$(cpu_ticks "$E2E_CHILD")
    sender_stop
    record "$peer" "$r" pps $(((rx1 - rx0) / secs))
    [ $((rx1 - rx0)) -gt 0 ] &&
        record "$peer" "$r" cpu_ns_per_pkt $(((c1 - c0) * 1000000000 / hz / (rx1 - rx0)))
    ip netns exec "$NS2" timeout $((secs + 20)) iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
    spid=$!
    sleep 0.5
    mbps=$(ip netns exec "$NS1" timeout $((secs + 15)) iperf3 -c 10.77.0.2 -p 5201 -t "$secs" -J 2>/dev/null |
        /usr/bin/python3 -c 'import json,sys
try: print("%.1f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6))
except Exception: pass')
    wait "$spid"
    [ -n "$mbps" ] && record "$peer" "$r" tcp_mbps "$mbps"
    e2e_stop_peer
    awk -F, -v p="$peer" -v r="$r" '$1 == p && $2 == r {printf " %s=%s", $3, $4} END {print ""}' "$csv" |
        sed "s/^/  $peer run $r:/"
}

# min_mem PEER: sets MINMEM to the smallest -m in MiB (bisection between
# a working and a failing size) with which PEER boots and forwards.
MINMEM=
min_mem() {
    local peer=$1 lo hi mid tmo=30
    case $peer in
    linux-*) lo=16 hi=256 tmo=90 ;;
    *) lo=1 hi=8 ;;
    esac
    while [ $((hi - lo)) -gt 1 ]; do
        mid=$(((lo + hi) / 2))
        if first_packet "$peer" "${mid}M" "$tmo"; then hi=$mid; else lo=$mid; fi
        e2e_stop_peer
    done
    MINMEM=$hi
}

for r in $(seq "$runs"); do
    for p in "${peers[@]}"; do measure "$p" "$r"; done
done
if [ "$do_mem" = 1 ]; then
    for p in "${peers[@]}"; do
        min_mem "$p"
        record "$p" 1 min_mem_mib "$MINMEM"
        echo "  $p: smallest -m that forwards: $MINMEM MiB"
    done
fi
record - 0 load_end "\"$(load)\""
# shellcheck source=bench/vm_report.sh
. "$here/vm_report.sh"
vm_report "$csv" "${peers[@]}"
echo "(all figures QEMU -M $KVM_MACHINE TCG on this machine; load average at the end $(load); CSV: $csv)"
