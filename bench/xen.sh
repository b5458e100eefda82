#!/bin/bash
# bench/xen.sh — the Xen image measured on a real Xen: the project's rig
# (tests/xen/: Xen 4.17 + a Debian dom0, nested under QEMU TCG), so every
# figure is from an EMULATED machine; they compare runs of the rig with
# each other and with the kvm image under QEMU TCG, not with hardware.
#
# usage: bench/xen.sh [--runs N] [--idle-seconds S] [--keep] [BUILD_DIR]
#   BUILD_DIR  a release unix build (default build/unix); its parent is the
#              BUILDROOT: the image is BUILDROOT/xen/sluice.xen (make
#              TARGET=xen), the rig BUILDROOT/xenrig (built once, cached)
#   --keep     keeps the temp folder (rig console, dom0 logs) and says where
#
# Measured (tests/xen/dom0/bench.sh does the dom0 part, in ONE boot):
#   image size           sluice.xen's bytes (sluice.kvm's beside it)
#   smallest memory=     MiB with which the domU boots and forwards
#   xl create -> first forwarded packet (ms; h1 -> h2 probe frames at 1 kHz)
#   ready (guest clock)  the image's own "ready in" figure
#   forwarded pps        64-byte frames h1 -> h2 through the domU (flows
#                        in_port=1 -> 2), and what the sender offered
#   TCP Mbit/s           iperf3 h1 -> h2 through the domU, 1 and 4 streams
#   idle CPU             CPU time Xen accounts to an idle domU (--app
#                        learning, 2 vifs), ms per minute, over S seconds
#                        (default 60)
# and, on the host right after the rig: the kvm image's idle CPU, i.e. the
# QEMU TCG process running sluice.kvm (bench/ukprobe.py idle: -M microvm,
# 2 virtio-net NICs on loopback UDP sockets, --app learning as the domU)
# over the same S seconds, ms per minute.  (Not the same quantity: the first is a guest's vCPU time in the
# nested Xen, the second a whole emulator's time on the host; both are what
# an idle switch costs its host.)
# N runs (default 3) each; medians with min..max.  Writes results/xen.csv
# (every run), results/xen_summary.csv and results/xen.png (idle CPU, Xen
# domU vs kvm under QEMU).  Needs root.  QEMU processes are bounded by
# timeouts and stopped on exit.
set -u
runs=3 idle=60 keep=
while [ $# -gt 0 ]; do
    case $1 in
    --runs) runs=$2; shift ;;
    --idle-seconds) idle=$2; shift ;;
    --keep) keep=1 ;;
    -h|--help) sed -n '2,35p' "$0"; exit 0 ;;
    -*) echo "xen bench: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
    shift
done
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${1:-build/unix}
case $build in /*) ;; *) build=$root/$build ;; esac
buildroot=$(dirname "$build")
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
[ "$(id -u)" = 0 ] || { echo "xen bench: needs root (the rig's debootstrap)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/slbench-xen.XXXXXX)
qpid=
on_exit() {
    [ -n "$qpid" ] && kill "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null
    if [ -n "$keep" ]; then echo "# logs kept in $tmp"; else rm -rf "$tmp"; fi
}
trap on_exit EXIT
trap 'exit 130' INT TERM
echo "== xen: the switch domU on Xen 4.17 nested in QEMU TCG (EMULATED), $runs runs =="

# --- build: image, kvm image, xprobe, rig -------------------------------------
xen_img=$buildroot/xen/sluice.xen kvm_img=$buildroot/kvm/sluice.kvm
for t in xen kvm; do
    make -C "$root" --no-print-directory TARGET=$t SAN= BUILDROOT="$buildroot" >"$tmp/make-$t.log" 2>&1 ||
        { echo "xen bench: make TARGET=$t failed:"; tail -5 "$tmp/make-$t.log"; exit 1; }
done
make -C "$root" --no-print-directory SAN= BUILDROOT="$buildroot" xprobe >"$tmp/make-xprobe.log" 2>&1 ||
    { echo "xen bench: make xprobe failed:"; tail -5 "$tmp/make-xprobe.log"; exit 1; }
"$root/tests/xen/build-rig.sh" "$buildroot/xenrig" >"$tmp/rig.log" 2>&1
rc=$?
[ $rc = 77 ] && { echo "xen bench: skipped: $(tail -1 "$tmp/rig.log")"; exit 0; }
[ $rc = 0 ] || { echo "xen bench: the rig did not build:"; tail -5 "$tmp/rig.log"; exit 1; }

csv=$RESULTS/xen.csv
echo "metric,run,value" >"$csv"
echo "image_bytes,1,$(stat -c %s "$xen_img")" >>"$csv"
echo "kvm_image_bytes,1,$(stat -c %s "$kvm_img")" >>"$csv"

# --- the rig: one boot, every dom0 measurement --------------------------------
share=$tmp/share
mkdir -p "$share/out"
cp "$root/tests/xen/dom0/bench.sh" "$share/test.sh"
cp "$root/tests/xen/dom0/lib.sh" "$xen_img" "$buildroot/unix/xprobe" "$share/"
printf 'RUNS=%s\nIDLE_SECS=%s\n' "$runs" "$idle" >"$share/env"
t0=$(date +%s)
TIMEOUT=$((400 + runs * (idle + 150))) "$root/tests/xen/boot-rig.sh" "$buildroot/xenrig" "$share" \
    >"$tmp/console.log" 2>&1 &
qpid=$!
wait $qpid
rc=$?
qpid=
echo "# rig: QEMU exit $rc after $(( $(date +%s) - t0 )) s; $(grep -m1 'RIG: dom0 ready' "$tmp/console.log" | sed 's/^RIG: //')"
grep '^bench-error' "$share/out/bench.txt" 2>/dev/null | sed 's/^bench-error/# problem:/'
awk '$1 == "bench" {print $2 "," $3 "," $4}' "$share/out/bench.txt" >>"$csv" 2>/dev/null

# --- the kvm image idle under QEMU TCG on the host -----------------------------
# bench/ukprobe.py idle: QEMU -M microvm, two NICs on loopback sockets,
# --app learning, ready + 2 s, then the QEMU process's CPU over S seconds
# as % of one host core (the same probe bench/ukbench.sh uses).
py=/usr/bin/python3
for run in $(seq "$runs"); do
    if pct=$(timeout $((idle + 60)) $py "$here/ukprobe.py" idle "$kvm_img" microvm "$idle" \
        2>"$tmp/kvm-$run.log"); then
        echo "kvm_qemu_idle_cpu_ms_per_min,$run,$(awk -v p="$pct" 'BEGIN {printf "%.1f", p / 100 * 60000}')" >>"$csv"
    else
        echo "# problem: kvm run $run: $(tail -1 "$tmp/kvm-$run.log")"
    fi
done

# --- report ------------------------------------------------------------------------
sum=$RESULTS/xen_summary.csv
echo "metric,median,min,max,runs" >"$sum"
# shellcheck disable=SC2013  # metric names are single words
for m in $(awk -F, 'NR > 1 && !seen[$1]++ {print $1}' "$csv"); do
    read -r med lo hi < <(awk -F, -v m="$m" '$1 == m {print $3}' "$csv" | median)
    echo "$m,$med,$lo,$hi,$(awk -F, -v m="$m" '$1 == m' "$csv" | wc -l)" >>"$sum"
done
row() { # METRIC LABEL UNIT
    awk -F, -v m="$1" -v l="$2" -v u="$3" '$1 == m {
        printf "%-44s %12s %-22s %s\n", l, $2, ($5 > 1 ? sprintf("[%s..%s]", $3, $4) : ""), u; f = 1 }
        END { if (!f) printf "%-44s %12s %-22s %s\n", l, "n/a", "", u }' "$sum"
}
printf '%-44s %12s %-22s %s\n' "measure (EMULATED: Xen rig under QEMU TCG)" median "[min..max]" unit
row image_bytes "image size, sluice.xen" bytes
row kvm_image_bytes "image size, sluice.kvm (for comparison)" bytes
row min_mem_mib "smallest memory= that boots and forwards" MiB
row first_pkt_ms "xl create -> first forwarded packet" "ms (TCG)"
row xl_create_ms "xl create -> xl create returned" "ms (TCG)"
row ready_guest_ms "ready after PVH entry (guest clock)" "ms (TCG)"
row fwd_pps "forwarded 64-byte frames h1 -> h2" "pps (TCG)"
row offered_pps "offered by the sender" "pps (TCG)"
row tcp_mbps "TCP h1 -> h2 (iperf3, 1 stream)" "Mbit/s (TCG)"
row tcp4_mbps "TCP h1 -> h2 (iperf3, 4 streams)" "Mbit/s (TCG)"
row idle_cpu_ms_per_min "idle CPU, Xen domU (vCPU time)" "ms per minute (TCG)"
row kvm_qemu_idle_cpu_ms_per_min "idle CPU, kvm image: QEMU TCG process" "ms per minute (host)"
awk -F, '$1 == "idle_cpu_ms_per_min" {x = $2} $1 == "kvm_qemu_idle_cpu_ms_per_min" {k = $2}
    END { if (x != "" && k != "" && x > 0) printf "idle CPU, kvm under QEMU / Xen domU: %.0fx\n", k / x
          else if (x != "" && k != "") print "idle CPU, kvm under QEMU / Xen domU: n/a (domU used 0)" }' "$sum"
grep -E '^(idle_cpu_ms_per_min|kvm_qemu_idle_cpu_ms_per_min),' "$sum" |
    sed 's/^idle_cpu_ms_per_min/xen domU (vCPU)/; s/^kvm_qemu_idle_cpu_ms_per_min/kvm: QEMU TCG process/' |
    cut -d, -f1-4 | sed '1i label,median,min,max' >"$tmp/idle.csv"
plot_bars "$tmp/idle.csv" "$RESULTS/xen.png" "Idle switch: CPU per minute (Xen rig and QEMU both TCG-emulated)" "ms per minute"
echo "# CSV: $csv, $sum; plot: $RESULTS/xen.png"
