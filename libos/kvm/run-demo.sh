#!/bin/bash
# `make run` (the default) and `make run TARGET=kvm`: the unikernel demo.  Brings up three hosts (network
# namespaces 10.0.0.1-3/24) wired by the host rig (sluice-rig, switch-port
# tap: veth -> bridge -> tap) to QEMU, which boots sluice.kvm with the taps
# as three virtio-net NICs and the embedded learning controller on the
# kernel command line:
#     qemu-system-x86_64 -M q35 -kernel sluice.kvm -append "--app learning ..."
# shows the hosts pinging each other through the unikernel, then the guest's
# per-port counters every second until Ctrl-C (or SLUICE_RUN_SECONDS), and
# tears everything down on exit, also on failure.
#
# Usage: libos/kvm/run-demo.sh BUILD_DIR        (BUILD_DIR = build/kvm)
# Needs root (namespaces, taps).  The rig comes from the unix build
# (BUILDROOT/unix/sluice-rig; built here when missing).
# Environment: SLUICE_RUN_SECONDS=N, SLUICE_RUN_ARGS="..." (kernel command
# line instead of "--app learning"), SLUICE_KVM_MACHINE=q35|microvm.
set -u
# shellcheck source=mk/demo-lib.sh
. "$(dirname "$0")/../../mk/demo-lib.sh"
build=${1:-build/kvm}
root=$(cd "$(dirname "$0")/../.." && pwd)
buildroot=$(dirname "$build")
KERNEL=$build/sluice.kvm RIG=$buildroot/unix/sluice-rig
MACHINE=${SLUICE_KVM_MACHINE:-q35}
[ "$(id -u)" = 0 ] || { echo "make run TARGET=kvm needs root (namespaces, taps): sudo make run TARGET=kvm" >&2; exit 1; }
[ -f "$KERNEL" ] || { echo "make run: $KERNEL is not built" >&2; exit 1; }
if [ ! -x "$RIG" ]; then
    echo "== building the host rig: make TARGET=unix $RIG"
    make -C "$root" --no-print-directory TARGET=unix BUILDROOT="$buildroot" "$RIG" >/dev/null || exit 1
fi

PFX=sk$$
TMPD=$(mktemp -d /tmp/sluice-run-kvm.XXXXXX)
QPID= TAIL_PID=
cleanup() {
    trap - EXIT INT TERM
    [ -n "$TAIL_PID" ] && kill "$TAIL_PID" 2>/dev/null
    echo
    echo "== tearing down"
    [ -n "$QPID" ] && kill "$QPID" 2>/dev/null && wait "$QPID" 2>/dev/null
    grep -E '^port' "$TMPD/guest.log" 2>/dev/null | tail -n 3 | sed 's/^/   /'
    "$RIG" --prefix "$PFX" down
    rm -rf "$TMPD"
}
trap cleanup EXIT
trap 'exit 0' INT
trap 'exit 143' TERM
die() { echo "make run: $*" >&2; tail -n 20 "$TMPD/guest.log" 2>/dev/null | sed 's/^/   guest: /' >&2; exit 1; }

cat >"$TMPD/topo" <<TOPO
prefix $PFX
switch-port tap
host h1 10.0.0.1/24 mac 02:00:00:00:00:01
host h2 10.0.0.2/24 mac 02:00:00:00:00:02
host h3 10.0.0.3/24 mac 02:00:00:00:00:03
TOPO
echo "== bringing up 3 hosts with the rig: $RIG up (taps for QEMU)"
"$RIG" up "$TMPD/topo" >"$TMPD/rig.out" || die "sluice-rig up failed"
sed 's/^/   /' "$TMPD/rig.out"

NICS=()
i=0
for tap in $(awk '$1 == "port" { sub(/^tap:/, "", $3); print $3 }' "$TMPD/rig.out"); do
    NICS+=(-netdev "tap,id=n$i,ifname=$tap,script=no,downscript=no")
    if [ "$MACHINE" = q35 ]; then
        NICS+=(-device "virtio-net-pci,netdev=n$i,romfile=")
    else
        NICS+=(-device "virtio-net-device,netdev=n$i")
    fi
    i=$((i + 1))
done
APPEND="${SLUICE_RUN_ARGS:---app learning} --stats-interval 1000"
echo "== booting: qemu-system-x86_64 -M $MACHINE -m 8M -kernel $KERNEL -append \"$APPEND\" (3 virtio-net NICs)"
qemu-system-x86_64 -M "$MACHINE" -accel tcg -m 8M -nographic -nodefaults -no-reboot -serial stdio \
    -kernel "$KERNEL" -append "$APPEND" "${NICS[@]}" >"$TMPD/guest.log" 2>&1 &
QPID=$!
for _ in $(seq 100); do
    grep -q "ready in" "$TMPD/guest.log" && break
    kill -0 "$QPID" 2>/dev/null || die "QEMU exited"
    sleep 0.1
done
grep -q "ready in" "$TMPD/guest.log" || die "the guest did not get ready"
grep -vE '^port' "$TMPD/guest.log" | sed 's/^/   guest: /'

echo "== the hosts ping each other through the unikernel"
demo_ping_pairs "$PFX"

echo "== guest per-port counters every second (${SLUICE_RUN_SECONDS:+for $SLUICE_RUN_SECONDS s; }Ctrl-C to stop and tear down):"
demo_follow_counters "$TMPD/guest.log" "$QPID"
if [ -n "${SLUICE_RUN_SECONDS:-}" ]; then
    sleep "$SLUICE_RUN_SECONDS"
else
    wait "$QPID"
    QPID=
    echo "make run: QEMU stopped" >&2
fi
exit 0
