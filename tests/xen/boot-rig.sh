#!/bin/bash
# tests/xen/boot-rig.sh — boots the Xen rig (tests/xen/build-rig.sh) under
# QEMU TCG: Xen 4.17, Debian's kernel as PV dom0, the rig's initramfs.
#
# Usage: tests/xen/boot-rig.sh RIGDIR [SHARE_DIR]
#   SHARE_DIR  a host folder shared into dom0 at /rig (virtio-9p, writable).
#              When it holds an executable test.sh, dom0 runs it (in /rig,
#              bounded by TIMEOUT - 60 s: dom0 is ready 15-30 s after QEMU
#              starts) and powers off, so QEMU exits;
#              otherwise (or without SHARE_DIR) dom0 gives a root shell on
#              the console: an interactive rig (Ctrl-A X quits QEMU).
# Console output (Xen's and dom0's) goes to standard output; the rig's own
# lines start with "RIG:" (dom0-init.sh).  QEMU never outlives TIMEOUT: it
# runs under `timeout`, which also forwards a TERM/INT sent to this script.
# dom0 runs on ONE vCPU (of the machine's SMP CPUs; the domUs get the
# rest): with two, the PV dom0 under TCG now and then saw corrupted memory
# in freshly forked processes (xl aborting in malloc, garbage argv in vif
# hotplug scripts, ld.so assertions) and stalled, more often the busier the
# host.  netback is told to offer NETBACK_QUEUES queues per vif anyway (its
# default is one per dom0 vCPU).
# Only one rig boots at a time: it waits (LOCK_WAIT s, default 900) for
# /tmp/sluice-xenrig.lock, held until QEMU exits.
# Environment: TIMEOUT (s, default 600)  SMP (2 CPUs)  MEM (2G)
#   DOM0_MEM (1024M)  DOM0_VCPUS (1; see above)  NETBACK_QUEUES (queues
#   netback offers per vif, 2)
#   CPU (max,+svm,+npt)  ACCEL (tcg,thread=multi: never KVM here)
#   XEN_ARGS / DOM0_ARGS (appended to the hypervisor's / dom0's command line)
# Exit status: QEMU's (0 after dom0 powered off), 124 on timeout.
set -eu
rig=$(realpath -m "${1:?usage: boot-rig.sh RIGDIR [SHARE_DIR]}")
share=${2:-}
TIMEOUT=${TIMEOUT:-600}
LOCK_WAIT=${LOCK_WAIT:-900}
SMP=${SMP:-2} MEM=${MEM:-2G} DOM0_MEM=${DOM0_MEM:-1024M}
DOM0_VCPUS=${DOM0_VCPUS:-1} NETBACK_QUEUES=${NETBACK_QUEUES:-2}
CPU=${CPU:-max,+svm,+npt} ACCEL=${ACCEL:-tcg,thread=multi}
for f in xen.elf vmlinuz dom0-initrd.zst; do
    [ -s "$rig/$f" ] || { echo "boot-rig: $rig/$f missing (run tests/xen/build-rig.sh $rig)" >&2; exit 1; }
done
xen_args="console=com1 com1=115200,8n1 dom0_mem=$DOM0_MEM,max:$DOM0_MEM dom0_max_vcpus=$DOM0_VCPUS ${XEN_ARGS:-}"
dom0_args="console=hvc0 earlyprintk=xen rdinit=/init loglevel=4 rig.netback_queues=$NETBACK_QUEUES ${DOM0_ARGS:-}"
extra=() fg=--foreground
if [ -n "$share" ]; then
    share=$(realpath "$share")
    extra=(-virtfs "local,path=$share,mount_tag=rig,security_model=none,id=rig")
    dom0_args="$dom0_args rig.9p"
    if [ -x "$share/test.sh" ]; then
        dom0_args="$dom0_args rig.poweroff rig.timeout=$((TIMEOUT > 90 ? TIMEOUT - 60 : 30))"
        fg=
    fi
fi
# One rig at a time on the machine (the core engineer's runs and this suite's
# share it): the lock is held on an fd that QEMU inherits, so it is released
# when QEMU exits, and this process still becomes `timeout` (which forwards
# TERM to QEMU).
exec 9>>/tmp/sluice-xenrig.lock
if ! flock -n 9; then
    echo "RIG: another rig is running; waiting up to ${LOCK_WAIT}s for /tmp/sluice-xenrig.lock"
    flock -w "$LOCK_WAIT" 9 || { echo "boot-rig: /tmp/sluice-xenrig.lock still held after ${LOCK_WAIT}s" >&2; exit 1; }
fi
echo "RIG: $(date +%T) QEMU starts (accel $ACCEL, cpu $CPU, $SMP CPUs, $MEM; emulated)"
exec timeout -k 5 $fg "$TIMEOUT" qemu-system-x86_64 -accel "$ACCEL" -cpu "$CPU" \
    -smp "$SMP" -m "$MEM" -display none -monitor none -serial stdio -no-reboot -net none \
    -kernel "$rig/xen.elf" -append "$xen_args" \
    -initrd "$rig/vmlinuz $dom0_args,$rig/dom0-initrd.zst" "${extra[@]}"
