#!/bin/bash
# bench/ukbench.sh — what an operator asks of the unikernel image, under
# QEMU TCG on this machine (no /dev/kvm): boot time, idle cost, latency,
# for one image or several measured side by side in the same run.
#
# usage: bench/ukbench.sh [--runs N] [--idle-seconds S] [--image TAG=PATH]...
#                         [BUILD_DIR]
#   BUILD_DIR  the unix build with sluice-rig (default build/unix); without
#              --image the image is BUILD_DIR/../kvm/sluice.kvm (tag
#              "current"), built first (make TARGET=kvm) when missing
#   --image    an image to measure, under TAG in the tables and CSVs; give it
#              several times to compare images (e.g. main's and a branch's):
#              their runs are interleaved, so the machine's load falls on
#              all of them alike
#
# Measured per image, each a median (min..max) of N runs (default 5):
#   image      bytes of the stripped image
#   boot       bench/ukprobe.py boot on -M microvm (started plainly: QEMU's
#              legacy virtio-mmio; an image that refuses it gets
#              -global virtio-mmio.force-legacy=false) and -M q35: host wall
#              clock from QEMU start to the first forwarded frame and to the
#              ready line, PVH entry to ready (guest TSC), memory used, and
#              the --boot-trace phases (for images that have the option)
#   idle       bench/ukprobe.py idle: QEMU's CPU over S s (default 10) with
#              --app learning, two NICs, no traffic, % of one host core
#   ping       (root only) two hosts on the rig's taps (switch-port tap),
#              --app learning: RTT of 10 pings 1 s apart (idle guest
#              between them) and of 20 pings 0.2 s apart while the other
#              host floods pings the other way (busy guest), median of the
#              per-ping RTTs
# Prints one table (metric x image) and writes results/ukbench.csv (every
# run: tag,machine,metric,value), results/ukbench_summary.csv
# (tag,metric,median,min,max) and results/ukbench_boot.png.  Every rig
# object is named ukb<pid>-*; QEMU and the rig are removed on exit, also on
# failure and Ctrl-C.
set -u
runs=5 idle_s=10 images=()
while [ $# -gt 0 ]; do
    case $1 in
    --runs) runs=$2; shift ;;
    --idle-seconds) idle_s=$2; shift ;;
    --image) images+=("$2"); shift ;;
    -h|--help) sed -n '2,35p' "$0"; exit 0 ;;
    -*) echo "ukbench: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
    shift
done
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
build=${1:-build/unix}
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
if [ ${#images[@]} = 0 ]; then
    img=$(dirname "$build")/kvm/sluice.kvm
    if [ ! -f "$img" ]; then
        make -C "$here/.." --no-print-directory TARGET=kvm SAN= BUILDROOT="$(dirname "$build")" \
            >/dev/null 2>&1 || { echo "ukbench: make TARGET=kvm failed"; exit 1; }
    fi
    images=("current=$img")
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
record() { echo "$1,$2,$3,$4" >>"$csv"; echo "$1 $2/$3 $4" >>"$TMPD/all"; }

# Per image: its tag, path, the QEMU arguments plain microvm needs, and
# whether it has --boot-trace.
tags=()
declare -A path mvm trace
for spec in "${images[@]}"; do
    t=${spec%%=*} p=${spec#*=}
    [ -f "$p" ] || { echo "ukbench: no image $p"; exit 1; }
    tags+=("$t") path[$t]=$p mvm[$t]='' trace[$t]=''
    strings "$p" | grep -q "legacy virtio-mmio (version %u) is not supported" &&
        mvm[$t]="-global virtio-mmio.force-legacy=false"
    strings "$p" | grep -qx -- "--boot-trace" && trace[$t]=--boot-trace
    record "$t" - image_bytes "$(stat -c %s "$p")"
done
echo "== ukbench: ${tags[*]}, QEMU $(qemu-system-x86_64 --version | head -1 | awk '{print $4}'), TCG, $runs runs, interleaved"

# extra_args TAG MACHINE: the QEMU arguments an image needs on a machine.
extra_args() { [ "$2" = microvm ] && echo "${mvm[$1]}"; }

for r in $(seq "$runs"); do
    for m in microvm q35; do
        for t in "${tags[@]}"; do
            # shellcheck disable=SC2046
            out=$(UKPROBE_TRACE=${trace[$t]} timeout 40 $py "$here/ukprobe.py" boot "${path[$t]}" $m \
                  $(extra_args "$t" $m) 2>"$TMPD/err") ||
                { echo "# $t boot $m run $r failed:"; tail -3 "$TMPD/err"; continue; }
            read -r first ready entry mem tr <<<"$out"
            record "$t" $m first_frame_ms "$(echo "$first * 1000" | bc)"
            record "$t" $m qemu_to_ready_ms "$(echo "$ready * 1000" | bc)"
            record "$t" $m entry_to_ready_ms "$entry"
            record "$t" $m memory_kib "$mem"
            [ "$tr" != - ] && for ph in ${tr//,/ }; do
                record "$t" $m "trace_${ph%%=*}_ms" "${ph#*=}"
            done
        done
    done
done
for r in $(seq "$runs"); do
    for m in microvm q35; do
        for t in "${tags[@]}"; do
            # shellcheck disable=SC2046
            out=$(timeout $((idle_s + 40)) $py "$here/ukprobe.py" idle "${path[$t]}" $m "$idle_s" \
                  $(extra_args "$t" $m) 2>"$TMPD/err") ||
                { echo "# $t idle $m run $r failed:"; tail -3 "$TMPD/err"; continue; }
            record "$t" $m idle_cpu_pct "$out"
        done
    done
done

# ping_rtts NS DST COUNT INTERVAL: prints each RTT in ms, one a line.
ping_rtts() {
    ip netns exec "$1" ping -n -c "$3" -i "$4" -W 2 "$2" 2>/dev/null |
        sed -nE 's/.*time=([0-9.]+) ms.*/\1/p'
}
# ping_image TAG MACHINE: one idle and one busy measurement.
ping_image() {
    local t=$1 m=$2 nics rtts fpid
    "$RIG" --prefix "$PFX" up "$TMPD/topo" >"$TMPD/rig.out" 2>&1 || { cat "$TMPD/rig.out"; return 1; }
    # shellcheck disable=SC2206
    nics=(-device virtio-net-device,netdev=n0 -device virtio-net-device,netdev=n1 ${mvm[$t]})
    [ "$m" = q35 ] && nics=(-device virtio-net-pci,netdev=n0,romfile= -device virtio-net-pci,netdev=n1,romfile=)
    qemu-system-x86_64 -M "$m" -accel tcg -m 8M -nographic -nodefaults -no-reboot -serial stdio \
        -kernel "${path[$t]}" -append "--app learning" \
        -netdev "tap,id=n0,ifname=$PFX-t1,script=no,downscript=no" \
        -netdev "tap,id=n1,ifname=$PFX-t2,script=no,downscript=no" "${nics[@]}" \
        >"$TMPD/ping.log" 2>&1 &
    QPID=$!
    for _ in $(seq 150); do grep -q "ready in" "$TMPD/ping.log" && break; sleep 0.1; done
    ping_rtts "$PFX-h1" 10.78.0.2 3 0.2 >/dev/null   # learn both hosts
    rtts=$(ping_rtts "$PFX-h1" 10.78.0.2 10 1)
    [ -n "$rtts" ] && record "$t" "$m" ping_idle_ms "$(echo "$rtts" | median | awk '{print $1}')"
    ip netns exec "$PFX-h2" ping -n -q -f -w 6 10.78.0.1 >/dev/null 2>&1 &
    fpid=$!
    sleep 0.5
    rtts=$(ping_rtts "$PFX-h1" 10.78.0.2 20 0.2)
    kill "$fpid" 2>/dev/null; wait "$fpid" 2>/dev/null
    [ -n "$rtts" ] && record "$t" "$m" ping_busy_ms "$(echo "$rtts" | median | awk '{print $1}')"
    kill "$QPID" 2>/dev/null; wait "$QPID" 2>/dev/null; QPID=
    "$RIG" --prefix "$PFX" down >/dev/null 2>&1
}
if [ "$(id -u)" != 0 ] || [ ! -x "$RIG" ]; then
    echo "# ping: skipped (needs root and $RIG)"
else
    printf 'switch-port tap\noffload off\nhost h1 10.78.0.1/24 mac 02:00:00:00:00:01\nhost h2 10.78.0.2/24 mac 02:00:00:00:00:02\n' >"$TMPD/topo"
    for r in $(seq "$runs"); do
        for m in microvm q35; do
            for t in "${tags[@]}"; do ping_image "$t" $m; done
        done
    done
fi

sum=$RESULTS/ukbench_summary.csv
[ -f "$sum" ] || echo "tag,metric,median,min,max" >"$sum"
printf '\n%-30s' metric; printf ' %26s' "${tags[@]}"; echo
for key in $(awk '{print $2}' "$TMPD/all" | sort -u); do
    printf '%-30s' "$key"
    for t in "${tags[@]}"; do
        vals=$(awk -v t="$t" -v k="$key" '$1 == t && $2 == k {print $3}' "$TMPD/all")
        if [ -z "$vals" ]; then printf ' %26s' -; continue; fi
        read -r med lo hi < <(echo "$vals" | median)
        printf ' %26s' "$med ($lo..$hi)"
        echo "$t,$key,$med,$lo,$hi" >>"$sum"
    done
    echo
done
echo "label,median,min,max" >"$TMPD/plot.csv"
for t in "${tags[@]}"; do
    grep -E "^$t,(microvm|q35)/(first_frame|entry_to_ready)_ms," "$sum" | tail -4 |
        awk -F, '{print $1 " " $2 "," $3 "," $4 "," $5}' >>"$TMPD/plot.csv"
done
plot_bars "$TMPD/plot.csv" "$RESULTS/ukbench_boot.png" "unikernel boot (QEMU TCG)" "ms"
echo "(all figures QEMU TCG on this machine; CSV: $csv, $sum)"
