# shellcheck shell=bash disable=SC2034,SC2154  # sets MEAS_PID E2E_WHY PEER; reads e2e.sh's $build
# bench/e2e_peers.sh — the switches bench/e2e.sh measures (sourced by
# e2e.sh after bench/lib.sh; never run on its own).
#
# Every peer has a start function, e2e_start_NAME, that builds its rig
# topology (bench_rig_up: veth ports for the afpacket programs and Open
# vSwitch, the rig's own Linux bridge for "bridge", taps for the unikernel),
# starts the switch with the one flow in_port=1,actions=output:2 (the bridge
# learns and floods instead) and sets MEAS_PID to the process whose CPU time
# is charged to the switch ("" when the switch runs in the kernel).  It
# returns 0 when the switch forwards, 1 on a failure (E2E_WHY says why) and
# 2 when the peer is unavailable here (E2E_WHY: "skipped: ...").
# e2e_stop_peer stops whatever a start function started (idempotent; it is
# also e2e.sh's BENCH_EXIT_HOOK, so Ctrl-C and failures stop it too).
#
# Uses from e2e.sh: $build (the unix build), $KVM_IMAGE, $KVM_MACHINE,
# $TMPD/flows (the flow, one line).  Helper processes (afpfwd, afpacket-ref,
# QEMU) are this script's children; their pid is E2E_CHILD.

E2E_CHILD='' MEAS_PID='' E2E_WHY='' E2E_OVS=''

# e2e_child_start LOG CMD...: CMD in the background, its pid in E2E_CHILD.
e2e_child_start() {
    local log=$1
    shift
    "$@" >"$log" 2>&1 &
    E2E_CHILD=$!
}

e2e_stop_peer() {
    local i
    if [ -n "$E2E_CHILD" ]; then
        kill "$E2E_CHILD" 2>/dev/null
        for i in $(seq 50); do kill -0 "$E2E_CHILD" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$E2E_CHILD" 2>/dev/null
        wait "$E2E_CHILD" 2>/dev/null
        E2E_CHILD=
    fi
    sluice_stop
    [ -n "$E2E_OVS" ] && e2e_ovs_stop
    MEAS_PID=
    return 0
}

# --- the kernel and the afpacket programs -----------------------------------

e2e_start_bridge() {
    bench_rig_up bridge || { E2E_WHY="rig (switch-port bridge) failed"; return 1; }
    MEAS_PID=
}

e2e_start_sluice_unix() {
    bench_rig_up veth || { E2E_WHY="rig (switch-port veth) failed"; return 1; }
    if ! bench_sluice_start "$build" --flows "$TMPD/flows"; then
        E2E_WHY="Sluice did not start: $(tail -1 "$TMPD/sluice.log")"
        return 1
    fi
    MEAS_PID=$SLUICE_PID
}

# e2e_start_program NAME BINARY: BINARY IF1 IF2 on veth ports (afpfwd,
# afpacket-ref: both forward IF1 -> IF2 until SIGTERM).
e2e_start_program() {
    bench_rig_up veth || { E2E_WHY="rig (switch-port veth) failed"; return 1; }
    e2e_child_start "$TMPD/$1.log" "$2" "$IF1" "$IF2"
    sleep 0.5
    if ! kill -0 "$E2E_CHILD" 2>/dev/null; then
        E2E_WHY="$1 exited: $(tail -1 "$TMPD/$1.log")"
        return 1
    fi
    MEAS_PID=$E2E_CHILD
}

e2e_start_afpfwd() {
    [ -x "$build/bench/afpfwd" ] || { E2E_WHY="skipped: $build/bench/afpfwd is not built (make bench-programs)"; return 2; }
    e2e_start_program afpfwd "$build/bench/afpfwd"
}

e2e_start_afpacket_ref() {
    local b
    for b in "$build/bench/afpref" "$build/afpref"; do
        [ -x "$b" ] && { e2e_start_program afpacket-ref "$b"; return; }
    done
    E2E_WHY="skipped: no afpref binary in $build/bench or $build (bench/afpref.c, make bench-programs)"
    return 2
}

# --- Open vSwitch (userspace datapath) ---------------------------------------

# e2e_ovs_start: Open vSwitch on the veth ports (integration lib's
# ovs_start: private db under $TMPD/ovs, datapath_type=netdev, ofports 1 and
# 2, fail_mode secure).  No flow yet.  Returns 0 when it listens.
e2e_ovs_start() {
    bench_rig_up veth || { E2E_WHY="rig (switch-port veth) failed"; return 1; }
    PEER=ovs E2E_OVS=1
    bench_ovs_start || { E2E_WHY="Open vSwitch did not start"; return 1; }
    MEAS_PID=$(cat "$TMPD/ovs/vswitchd.pid")
}

# e2e_ovs_stop: stops both daemons, waits (5 s at most) until they are
# gone, keeps vswitchd's log as $TMPD/ovs-N.log (N = 1, 2, ... per start),
# and forgets the database so the next e2e_ovs_start begins afresh.
E2E_OVS_N=0
e2e_ovs_stop() {
    local pids p
    pids=$(cat "$TMPD/ovs/vswitchd.pid" "$TMPD/ovs/ovsdb.pid" 2>/dev/null)
    ovs_stop
    for p in $pids; do
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    done
    E2E_OVS_N=$((E2E_OVS_N + 1))
    cp "$TMPD/ovs/vswitchd.log" "$TMPD/ovs-$E2E_OVS_N.log" 2>/dev/null
    rm -rf "$TMPD/ovs"
    PEER=sluice E2E_OVS=''
}

e2e_ovs_flow() {
    ofctl add-flow "$(OFCTL_TARGET)" "$(cat "$TMPD/flows")" ||
        { E2E_WHY="ovs-ofctl add-flow failed"; return 1; }
}

e2e_start_ovs_netdev() {
    e2e_ovs_start && e2e_ovs_flow
}

# OVS with AF_XDP ports: the same, then both ports switched to
# type=afxdp (xdp-mode=generic: veths have no zero-copy mode).  Skipped
# when this build lists no afxdp interface type.
e2e_start_ovs_afxdp() {
    local i err
    e2e_ovs_start || return 1
    if ! vsctl get Open_vSwitch . iface_types | grep -qw afxdp; then
        E2E_WHY="skipped: this OVS build has no afxdp interface type"
        return 2
    fi
    vsctl set interface "$IF1" type=afxdp options:xdp-mode=generic \
        -- set interface "$IF2" type=afxdp options:xdp-mode=generic ||
        { E2E_WHY="ovs-vsctl set type=afxdp failed"; return 1; }
    for i in $(seq 50); do
        [ "$(vsctl get interface "$IF1" ofport)$(vsctl get interface "$IF2" ofport)" = 12 ] && break
        sleep 0.1
    done
    err=$(vsctl get interface "$IF1" error; vsctl get interface "$IF2" error)
    if [ "$(vsctl get interface "$IF1" ofport)$(vsctl get interface "$IF2" ofport)" != 12 ] ||
        echo "$err" | grep -qv '^\[\]$'; then
        E2E_WHY="afxdp ports not usable: $(echo "$err" | grep -v '^\[\]$' | head -1)"
        return 1
    fi
    e2e_ovs_flow
}

# --- Sluice kvm under QEMU ---------------------------------------------------

# e2e_kvm_accel: always "tcg": this machine's /dev/kvm is a nested
# paravirtual KVM that fails on the guest's SSE instructions.
e2e_kvm_accel() {
    echo tcg
}

# qemu_on_taps LOG MEM KERNEL APPEND [QEMU ARGS...]: QEMU (-M
# $KVM_MACHINE, TCG, MEM of guest memory, serial console to LOG) booting
# KERNEL with APPEND, one virtio-net NIC per rig tap in RIG_PORTS
# (modern virtio-mmio on microvm, PCI on q35), in the
# background (E2E_CHILD).  Shared by e2e_start_sluice_kvm and bench/vm.sh.
qemu_on_taps() {
    local log=$1 mem=$2 kernel=$3 append=$4 i=0 tap nics=()
    shift 4
    for tap in "${RIG_PORTS[@]}"; do
        nics+=(-netdev "tap,id=n$i,ifname=${tap#tap:},script=no,downscript=no")
        if [ "$KVM_MACHINE" = q35 ]; then
            nics+=(-device "virtio-net-pci,netdev=n$i,romfile=")
        else
            nics+=(-device "virtio-net-device,netdev=n$i")
        fi
        i=$((i + 1))
    done
    [ "$KVM_MACHINE" = microvm ] && nics+=(-global virtio-mmio.force-legacy=false)
    e2e_child_start "$log" qemu-system-x86_64 -M "$KVM_MACHINE" -accel "$(e2e_kvm_accel)" \
        -m "$mem" -nographic -nodefaults -no-reboot -serial stdio -kernel "$kernel" \
        -append "$append" "${nics[@]}" "$@"
}

# The image on the rig's taps (switch-port tap: veth -> bridge -> tap),
# the flow on the kernel command line.  Ready when the guest prints "ready
# in" (30 s at most: TCG boots slowly on a loaded machine).
e2e_start_sluice_kvm() {
    local i
    [ -f "$KVM_IMAGE" ] || { E2E_WHY="skipped: $KVM_IMAGE is not built (make TARGET=kvm)"; return 2; }
    command -v qemu-system-x86_64 >/dev/null || { E2E_WHY="skipped: no qemu-system-x86_64"; return 2; }
    bench_rig_up tap || { E2E_WHY="rig (switch-port tap) failed"; return 1; }
    qemu_on_taps "$TMPD/guest.log" 16M "$KVM_IMAGE" "--flows $(cat "$TMPD/flows")"
    for i in $(seq 300); do
        grep -q "ready in" "$TMPD/guest.log" && break
        kill -0 "$E2E_CHILD" 2>/dev/null || break
        sleep 0.1
    done
    if ! grep -q "ready in" "$TMPD/guest.log"; then
        E2E_WHY="the guest did not get ready: $(tail -1 "$TMPD/guest.log")"
        return 1
    fi
    MEAS_PID=$E2E_CHILD
}
