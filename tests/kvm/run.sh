#!/bin/bash
# Boot and forwarding tests of the unikernel image under QEMU (TCG; KVM is
# not required).
#
# Usage: tests/kvm/run.sh [BUILD_DIR]
#   BUILD_DIR  any build directory of the tree (e.g. build/unix-asan, as
#              tests/run-all.sh passes); its parent is used as BUILDROOT, so
#              the image is built (incrementally) as BUILDROOT/kvm/sluice.kvm
#              with `make TARGET=kvm` from the repository root.
#
# Cases, each QEMU run bounded by `timeout` ($QEMU_TIMEOUT s, default 20):
#   build               make TARGET=kvm succeeds, image < 1 MiB
#   boot-microvm/q35    banner, command line echoed, --version, exit code 0
#   usage-error         an unknown option exits with code 2
#   missing-file        --app static=NAME without a --file NAME=... fails (exit 1)
#   bad-file            --file without NAME= is a usage error (exit 2)
#   crash-ud2/div0/pf   the --crash-test hook prints the exception dump
#                       (vector, error code, registers) and exits with code 3
#   protect-*           the memory protections, each through --crash-test and
#                       the same dump and exit code 3: a store into the
#                       image's code, a call into .data (NX), a NULL read
#                       (page 0 unmapped), unbounded recursion (the guard
#                       page below the boot stack, reported from the
#                       exception stack), a smashed stack canary
#   boot-trace          --boot-trace prints the boot phases after the ready
#                       line (their ms are printed as info)
#   fwd-q35/microvm/microvm-legacy  tests/kvm/fwd.py: two virtio-net NICs
#                       (modern PCI on q35; virtio-mmio version 2 with
#                       force-legacy=false, and QEMU's default legacy
#                       version 1, on microvm) on QEMU UDP socket netdevs on
#                       loopback, flows inline on the command line; each
#                       also idles 1.5 s and checks that the next frame is
#                       forwarded promptly, woken by the device's interrupt
#                       (MSI-X / I/O APIC), with no periodic tick; then a
#                       paced burst of 1000 frames, all forwarded, with the
#                       driver's counters showing batched TX notifications
#                       (<= 1 kick per 4 frames) and no busy-polling between
#                       bursts (<= 100 empty RX polls per wake-up arm)
#   hosts-q35/microvm   tests/kvm/hosts.sh (root, needs sluice-rig from the
#                       unix build): two namespaces on taps, --app learning,
#                       ping both ways and iperf3 (microvm started plainly:
#                       legacy virtio-mmio); skipped otherwise
#   hosts-q35-mq        the same with 2 queue pairs per NIC (multi-queue
#                       taps, mq=on), 4 iperf3 streams, both RX queues used
# QEMU's exit status is (code << 1) | 1 through isa-debug-exit.
# Prints "ok NAME" / "FAIL NAME" and the closing line
# "kvm: N passed, M failed"; exit status 0 only when all passed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-build/unix}
case $build in /*) ;; *) build=$root/$build ;; esac
buildroot=$(dirname "$build")
kernel=$buildroot/kvm/sluice.kvm
QEMU_TIMEOUT=${QEMU_TIMEOUT:-20}
py=/usr/bin/python3
[ -x $py ] || py=python3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sluice-kvm.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

result() { # name, ok(0|1), [log]
    if [ "$2" = 0 ]; then
        echo "ok   $1"; pass=$((pass + 1))
    else
        echo "FAIL $1"; fail=$((fail + 1))
        [ -n "${3:-}" ] && sed 's/^/    | /' "$3" | tail -30
    fi
}

# boot NAME MACHINE APPEND [QEMU ARGS...] -> runs QEMU, log in $tmp/NAME.log,
# sets $status
boot() {
    local name=$1 machine=$2 append=$3
    shift 3
    timeout "$QEMU_TIMEOUT" qemu-system-x86_64 -M "$machine" -accel tcg -m 8M -nographic -nodefaults \
        -no-reboot -serial stdio -kernel "$kernel" -append "$append" \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@" >"$tmp/$name.log" 2>&1
    status=$?
}

# expect NAME STATUS PATTERN... : status matches and every pattern is in the log
expect() {
    local name=$1 want=$2 ok=0
    shift 2
    [ "$status" = "$want" ] || { echo "    status $status, want $want" >>"$tmp/$name.log"; ok=1; }
    for p in "$@"; do
        grep -qF -- "$p" "$tmp/$name.log" || { echo "    missing: $p" >>"$tmp/$name.log"; ok=1; }
    done
    result "$name" $ok "$tmp/$name.log"
}

(cd "$root" && make --no-print-directory TARGET=kvm SAN= BUILDROOT="$buildroot") >"$tmp/build.log" 2>&1
rc=$?
size=$(stat -c %s "$kernel" 2>/dev/null || echo 0)
[ $rc = 0 ] && [ "$size" -gt 0 ] && [ "$size" -lt 1048576 ]
result "build (sluice.kvm $size bytes)" $? "$tmp/build.log"
if [ $rc != 0 ]; then
    echo "kvm: $pass passed, $((fail + 1)) failed"
    exit 1
fi

for m in microvm q35; do
    boot boot-$m $m "--dpid 0x1234 --log-level debug --version"
    expect boot-$m 1 "Sluice unikernel booting" 'command line "--dpid 0x1234 --log-level debug --version"' \
        "sluice 0.1 (OpenFlow 1.0, kvm target)" "halting with exit code 0"
done

boot usage-error microvm "--bogus 1"
expect usage-error 5 "unknown option '--bogus'" "halting with exit code 2"

boot missing-file microvm "--app static=nope --file=fw=allow" \
    -global virtio-mmio.force-legacy=false -netdev hubport,id=n0,hubid=0 \
    -device virtio-net-device,netdev=n0
expect missing-file 3 "nope: no such --file" "halting with exit code 1"
boot bad-file microvm "--file noequals"
expect bad-file 5 "--file noequals: expected NAME=TEXT" "halting with exit code 2"

boot crash-ud2 microvm "--crash-test ud2"
expect crash-ud2 7 "*** EXCEPTION vector 6 (#UD invalid opcode) error 0x0" "rip " "r15 " \
    "halting with exit code 3"
boot crash-div0 q35 "--crash-test div0"
expect crash-div0 7 "*** EXCEPTION vector 0 (#DE divide error)" "rflags" "halting with exit code 3"
boot crash-pf microvm "--crash-test=pf"
expect crash-pf 7 "*** EXCEPTION vector 14 (#PF page fault) error 0x" "cr2 0000100000000000" \
    "halting with exit code 3"

# W^X and guards: each violation is a page fault naming what was hit.
boot protect-write-code microvm "--crash-test write-code"
expect protect-write-code 7 "W^X paging" "(#PF page fault) error 0x3" \
    ": write to a protected page, image text" "halting with exit code 3"
boot protect-exec-data q35 "--crash-test exec-data"
expect protect-exec-data 7 "(#PF page fault) error 0x11" \
    ": instruction fetch from a protected page, image data" "halting with exit code 3"
boot protect-null microvm "--crash-test null"
expect protect-null 7 "(#PF page fault) error 0x0" "cr2 0000000000000000: read of an unmapped page, page 0 (NULL pointer)" \
    "halting with exit code 3"
boot protect-stack-overflow microvm "--crash-test stack-overflow"
expect protect-stack-overflow 7 "(#PF page fault) error 0x2" \
    ": write to an unmapped page, guard page below the boot stack (stack overflow)" \
    "halting with exit code 3"
boot protect-canary q35 "--crash-test canary"
expect protect-canary 7 "*** STACK SMASHING detected" "halting with exit code 3"

boot boot-trace microvm "--boot-trace --run-ms 10" -netdev hubport,id=n0,hubid=0 \
    -device virtio-net-device,netdev=n0
expect boot-trace 1 "ready in" "boot-trace: clock" "boot-trace: paging" "boot-trace: switch" \
    "boot-trace: ready" "halting with exit code 0"
echo "info microvm boot: $(grep -oE 'ready in [0-9.]+ ms' "$tmp/boot-trace.log"):" \
    "$(sed -nE 's/^boot-trace: +([a-z]+) +[0-9.]+ ms +\(\+([0-9.]+) ms\).*/\1 \2/p' "$tmp/boot-trace.log" | tr '\n' ' ')"

for m in q35 microvm microvm-legacy; do
    timeout $((QEMU_TIMEOUT + 20)) $py "$here/fwd.py" "$kernel" $m "$tmp/fwd-$m.log" \
        >"$tmp/fwd-$m.out" 2>&1
    rc=$?
    cat "$tmp/fwd-$m.out" "$tmp/fwd-$m.log" >"$tmp/fwd-$m.all" 2>/dev/null
    grep -E '^info|idle' "$tmp/fwd-$m.out" | sed 's/^ok  /info/'
    grep -E 'ready in' "$tmp/fwd-$m.log" | sed "s/^/info $m /"
    result fwd-$m $rc "$tmp/fwd-$m.all"
done

# Real hosts (root only): namespaces + taps from the host rig, ping and
# iperf3 through the image running the embedded learning controller.
rig=
for r in "$build/sluice-rig" "$buildroot/unix/sluice-rig"; do [ -x "$r" ] && { rig=$r; break; }; done
if [ "$(id -u)" != 0 ] || [ -z "$rig" ]; then
    echo "skip hosts-q35 hosts-microvm hosts-q35-mq (need root and a built sluice-rig)"
else
    for m in q35 microvm q35-mq; do
        timeout 90 "$here/hosts.sh" "$kernel" "$rig" $m "$tmp/hosts-$m.log" >"$tmp/hosts-$m.out" 2>&1
        rc=$?
        grep -E '^(ok|FAIL|info)' "$tmp/hosts-$m.out" | sed 's/^/    /'
        cat "$tmp/hosts-$m.out" "$tmp/hosts-$m.log" >"$tmp/hosts-$m.all" 2>/dev/null
        result hosts-$m $rc "$tmp/hosts-$m.all"
    done
fi

echo "kvm: $pass passed, $fail failed"
[ $fail = 0 ]
