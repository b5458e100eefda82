#!/bin/bash
# bench/ukbench.sh — what an operator asks of the unikernel image, under
# QEMU TCG on this machine (no /dev/kvm): boot time, idle cost, latency.
#
# usage: bench/ukbench.sh [--runs N] [--idle-seconds S] [--tag NAME]
#                         [--no-trace] [--image IMG] [BUILD_DIR]
#   BUILD_DIR  the unix build with sluice-rig (default build/unix); the image
#              defaults to BUILD_DIR/../kvm/sluice.kvm, built first
#              (make TARGET=kvm) when missing
#   --tag      the label of this image in the CSVs (default "current"), so
#              two images (e.g. main's and a branch's) can be measured the
#              same way and compared
#   --no-trace the image has no --boot-trace option (an older image)
#
# Measured, each a median (min..max) of N runs (default 5):
#   image      bytes of the stripped image
#   boot       bench/ukprobe.py boot, -M microvm (virtio-mmio as QEMU
#              starts it by default; with --legacy-only images that refuse
#              it, with -global virtio-mmio.force-legacy=false) and -M q35:
#              host wall clock from QEMU start to the first forwarded frame
#              and to the ready line, PVH entry to ready (guest TSC), memory
#              used, and the --boot-trace phases of the last microvm run
#   idle       bench/ukprobe.py idle: QEMU's CPU over S s (default 10) with
#              --app learning, two NICs, no traffic, % of one host core
#   ping       (root only) two hosts on the rig's taps (switch-port tap),
#              --app learning: RTT of 10 pings 1 s apart (idle guest
#              between them) and of 20 pings 0.2 s apart while the other
#              host floods pings the other way (busy guest), median of the
#              per-ping RTTs
# Writes results/ukbench.csv (every run: tag,machine,metric,value) and
# results/ukbench_summary.csv (tag,metric,median,min,max) and plots
# results/ukbench_boot.png.  Every rig object is named ukb<pid>-*; QEMU and
# the rig are removed on exit, also on failure and Ctrl-C.
set -u
runs=5 idle_s=10 tag=current trace=1 image=''
while [ $# -gt 0 ]; do
    case $1 in
    --runs) runs=$2; shift ;;
    --idle-seconds) idle_s=$2; shift ;;
    --tag) tag=$2; shift ;;
    --no-trace) trace=0 ;;
    --image) image=$2; shift ;;
    -h|--help) sed -n '2,33p' "$0"; exit 0 ;;
    -*) echo "ukbench: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
    shift
done
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
build=${1:-build/unix}
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
image=${image:-$(dirname "$build")/kvm/sluice.kvm}
if [ ! -f "$image" ]; then
    make -C "$here/.." --no-print-directory TARGET=kvm SAN= BUILDROOT="$(dirname "$build")" \
        >/dev/null 2>&1 || { echo "ukbench: make TARGET=kvm failed"; exit 1; }
fi
py=/usr/bin/python3
TMPD=$(mktemp -d /tmp/ukbench.XXXXXX)
PFX=ukb$$ QPID=
RIG=$build/sluice-rig
on_exit() {
    [ -n "$QPID" ] && kill "$QPID" 2>/dev/null && wait "$QPID" 2>/dev/null
    for ns in "$PFX-h1" "$PFX-h2"; do ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null; done
    [ -x "$RIG" ] && [ "$(id -u)" = 0 ] && "$RIG" --prefix "$PFX" down >/dev/null 2>&1
    rm -rf "$TMPD"
}
trap on_exit EXIT
trap 'exit 130' INT TERM
csv=$RESULTS/ukbench.csv
[ -f "$csv" ] || echo "tag,machine,metric,value" >"$csv"
record() { echo "$tag,$1,$2,$3" >>"$csv"; echo "$1 $2 $3" >>"$TMPD/all"; }
export UKPROBE_TRACE=
[ $trace = 1 ] && UKPROBE_TRACE=--boot-trace

size=$(stat -c %s "$image")
record - image_bytes "$size"
echo "== ukbench ($tag): $image, $size bytes, QEMU $(qemu-system-x86_64 --version | head -1 | awk '{print $4}'), TCG, $runs runs"

# microvm as a user starts it; an image that refuses legacy virtio-mmio is
# measured with modern virtio-mmio instead (same device, other register set).
mvm_extra=()
if strings "$image" | grep -q "legacy virtio-mmio (version %u) is not supported"; then
    mvm_extra=(-global virtio-mmio.force-legacy=false)
fi
for m in microvm q35; do
    extra=()
    [ $m = microvm ] && extra=("${mvm_extra[@]}")
    for r in $(seq "$runs"); do
        out=$(timeout 40 $py "$here/ukprobe.py" boot "$image" $m "${extra[@]}" 2>"$TMPD/err") ||
            { echo "# boot $m run $r failed:"; tail -5 "$TMPD/err"; continue; }
        read -r first ready entry mem tr <<<"$out"
        record $m first_frame_ms "$(echo "$first * 1000" | bc)"
        record $m qemu_to_ready_ms "$(echo "$ready * 1000" | bc)"
        record $m entry_to_ready_ms "$entry"
        record $m memory_kib "$mem"
        [ $m = microvm ] && echo "$tr" >"$TMPD/trace"
    done
    for r in $(seq "$runs"); do
        out=$(timeout $((idle_s + 40)) $py "$here/ukprobe.py" idle "$image" $m "$idle_s" "${extra[@]}" \
              2>"$TMPD/err") || { echo "# idle $m run $r failed:"; tail -5 "$TMPD/err"; continue; }
        record $m idle_cpu_pct "$out"
    done
done

# ping_rtts NS DST COUNT INTERVAL: prints each RTT in ms, one a line.
ping_rtts() {
    ip netns exec "$1" ping -n -c "$3" -i "$4" -W 2 "$2" 2>/dev/null |
        sed -nE 's/.*time=([0-9.]+) ms.*/\1/p'
}
if [ "$(id -u)" != 0 ] || [ ! -x "$RIG" ]; then
    echo "# ping: skipped (needs root and $RIG)"
else
    printf 'switch-port tap\noffload off\nhost h1 10.78.0.1/24 mac 02:00:00:00:00:01\nhost h2 10.78.0.2/24 mac 02:00:00:00:00:02\n' >"$TMPD/topo"
    for m in microvm q35; do
        "$RIG" --prefix "$PFX" up "$TMPD/topo" >"$TMPD/rig.out" 2>&1 || { cat "$TMPD/rig.out"; break; }
        nics=(-device virtio-net-device,netdev=n0 -device virtio-net-device,netdev=n1 "${mvm_extra[@]}")
        [ $m = q35 ] && nics=(-device virtio-net-pci,netdev=n0,romfile= -device virtio-net-pci,netdev=n1,romfile=)
        qemu-system-x86_64 -M $m -accel tcg -m 8M -nographic -nodefaults -no-reboot -serial stdio \
            -kernel "$image" -append "--app learning" \
            -netdev "tap,id=n0,ifname=$PFX-t1,script=no,downscript=no" \
            -netdev "tap,id=n1,ifname=$PFX-t2,script=no,downscript=no" "${nics[@]}" \
            >"$TMPD/ping-$m.log" 2>&1 &
        QPID=$!
        for _ in $(seq 150); do grep -q "ready in" "$TMPD/ping-$m.log" && break; sleep 0.1; done
        ping_rtts "$PFX-h1" 10.78.0.2 3 0.2 >/dev/null   # learn both hosts
        for r in $(seq "$runs"); do
            rtts=$(ping_rtts "$PFX-h1" 10.78.0.2 10 1)
            [ -n "$rtts" ] && record $m ping_idle_ms "$(echo "$rtts" | median | awk '{print $1}')"
            ip netns exec "$PFX-h2" ping -n -q -f -w 6 10.78.0.1 >/dev/null 2>&1 &
            fpid=$!
            sleep 0.5
            rtts=$(ping_rtts "$PFX-h1" 10.78.0.2 20 0.2)
            kill "$fpid" 2>/dev/null; wait "$fpid" 2>/dev/null
            [ -n "$rtts" ] && record $m ping_busy_ms "$(echo "$rtts" | median | awk '{print $1}')"
        done
        kill "$QPID" 2>/dev/null; wait "$QPID" 2>/dev/null; QPID=
        "$RIG" --prefix "$PFX" down >/dev/null 2>&1
    done
fi

sum=$RESULTS/ukbench_summary.csv
[ -f "$sum" ] || echo "tag,metric,median,min,max" >"$sum"
printf '\n%-10s %-20s %12s %12s %12s\n' machine metric median min max
for key in $(awk '{print $1 "/" $2}' "$TMPD/all" | sort -u); do
    m=${key%%/*} k=${key#*/}
    read -r med lo hi < <(awk -v m="$m" -v k="$k" '$1 == m && $2 == k {print $3}' "$TMPD/all" | median)
    printf '%-10s %-20s %12s %12s %12s\n' "$m" "$k" "$med" "$lo" "$hi"
    echo "$tag,$m.$k,$med,$lo,$hi" >>"$sum"
done
[ -f "$TMPD/trace" ] && echo "boot trace (last microvm run, guest ms since the PVH entry): $(cat "$TMPD/trace")"
grep -E "^$tag,(microvm|q35)\.(first_frame|entry_to_ready)" "$sum" | tail -4 |
    awk -F, 'BEGIN {print "label,median,min,max"} {print $2 "," $3 "," $4 "," $5}' >"$TMPD/plot.csv"
plot_bars "$TMPD/plot.csv" "$RESULTS/ukbench_boot.png" "unikernel boot ($tag, QEMU TCG)" "ms"
echo "(all figures QEMU TCG on this machine; CSV: $csv, $sum)"
