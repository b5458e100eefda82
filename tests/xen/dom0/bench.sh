#!/bin/bash
# tests/xen/dom0/bench.sh — the measurements of bench/xen.sh, run INSIDE the
# rig's dom0 as /rig/test.sh (with lib.sh, the image /rig/sluice.xen and
# the tool /rig/xprobe beside it).  Everything here runs on an emulated
# machine (QEMU TCG): the figures compare runs of the rig, not hardware.
#
# Topology: lib.sh's net_up 2 (hosts h1 10.9.0.1 and h2 10.9.0.2 behind
# bridges xs-b1, xs-b2); the switch domU has one vif on each, and forwards
# with the flows "in_port=1,actions=output:2;in_port=2,actions=output:1"
# (as bench/e2e.sh's switches do).
#
#   min_mem_mib       the smallest memory= (MiB, bisected in MEM_LO..MEM_HI;
#                     a size fails when two attempts fail) with which the
#                     domU boots and forwards a probe frame h1 -> h2 within
#                     20 s
# then RUNS times, on a fresh domU of MEM MiB each:
#   first_pkt_ms      from `xl create` to the first probe frame (xprobe send
#                     h1 -> h2 at 1000 frames/s, started before the create)
#                     arriving at h2; xl_create_ms: until `xl create` returned
#   ready_guest_ms    the image's own "ready in" figure (guest clock)
#   fwd_pps           64-byte frames h1 -> h2 arriving at h2's eth0 per
#                     second (its rx_packets counter) while xprobe sends flat
#                     out for PPS_SECS; offered_pps: what xprobe sent
#   tcp_mbps          iperf3 h1 -> h2, one stream, TCP_SECS (tcp4_mbps: 4)
#   idle_cpu_ms_per_min  the CPU time Xen accounts (xprobe cpu) to a fresh
#                     domU with --app learning and two vifs, without
#                     traffic, over IDLE_SECS from 2 s after its ready
#                     line, scaled to a minute
# Output: "bench NAME RUN VALUE" lines in /rig/out/bench.txt, problems as
# "bench-error TEXT" (the host reports them).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/xen/dom0/lib.sh
. "$here/lib.sh"
# shellcheck disable=SC1091
[ -f "$here/env" ] && . "$here/env"
IMAGE=${IMAGE:-/rig/sluice.xen}
XPROBE=$here/xprobe
RUNS=${RUNS:-3} MEM=${MEM:-16} MEM_LO=${MEM_LO:-1} MEM_HI=${MEM_HI:-32}
PPS_SECS=${PPS_SECS:-5} TCP_SECS=${TCP_SECS:-5} IDLE_SECS=${IDLE_SECS:-60}
FLOWS="in_port=1,actions=output:2;in_port=2,actions=output:1"
B=$OUT/bench.txt
L=$OUT/logs
SW=swbench
: >"$B"
out() { echo "bench $*" | tee -a "$B"; }
err() { echo "bench-error $*" | tee -a "$B"; }
# ms_between T0 T1: T1 - T0 (CLOCK_MONOTONIC ns, from xprobe) in ms, one
# decimal; returns 1 (and prints nothing) when either is not a number.
ms_between() {
    [[ "$1" =~ ^[0-9]+$ && "$2" =~ ^[0-9]+$ ]] || return 1
    awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", (b - a) / 1e6}'
}

net_up 2 >"$L/net_up.log" 2>&1 || { err "bridges and hosts: $(tail -1 "$L/net_up.log")"; exit 1; }

# create_sw MEM: xl create of the bench domU with MEM MiB.  Returns xl's status.
create_sw() {
    domu_config /tmp/$SW.cfg $SW "$IMAGE" "$1" "--flows $FLOWS" 2
    domu_create $SW "$L/xl-create-$SW.log"
}
destroy_sw() { timeout 30 xl destroy $SW >/dev/null 2>&1; wait_until 10 sh -c "! xl domid $SW"; }

# probe_start: h1 sends probe frames to h2 at 1000/s for 40 s, and h2
# waits (40 s) for the first one; probe_first waits for it, stops the
# sender and sets FIRST to its arrival (ns, CLOCK_MONOTONIC; empty when
# none came).  Both in this shell: they wait for its children.
probe_start() {
    ip netns exec "$(ns 2)" "$XPROBE" first eth0 40000 >/tmp/first.out 2>"$L/probe-first.log" &
    FIRST_PID=$!
    ip netns exec "$(ns 1)" "$XPROBE" send eth0 "$(host_mac 2)" 40 1000 >/dev/null 2>"$L/probe-send.log" &
    SEND_PID=$!
    sleep 0.3
}
probe_first() {
    FIRST=
    wait "$FIRST_PID" && FIRST=$(cat /tmp/first.out)
    kill "$SEND_PID" 2>/dev/null; wait "$SEND_PID" 2>/dev/null
}

# boots_and_forwards MEM: succeeds when a domU of MEM MiB forwards a probe
# frame within 20 s of its creation (gives up as soon as it shut down).
boots_and_forwards() {
    local rc=1 f s
    ip netns exec "$(ns 2)" "$XPROBE" first eth0 20000 >/dev/null 2>&1 &
    f=$!
    ip netns exec "$(ns 1)" "$XPROBE" send eth0 "$(host_mac 2)" 21 200 >/dev/null 2>&1 &
    s=$!
    # shellcheck disable=SC2317  # called through wait_until
    came_or_died() { ! kill -0 "$f" 2>/dev/null || [[ "$(dom_state "$SW")" == *[sc]* ]]; }
    if create_sw "$1"; then
        wait_until 21 came_or_died
    fi
    kill $f 2>/dev/null
    wait $f && rc=0
    kill $s 2>/dev/null; wait $s 2>/dev/null
    console $SW >"$L/console-mem-$1.log"
    destroy_sw
    echo "memory=$1: $([ $rc = 0 ] && echo forwards || echo "fails ($(tail -1 "$L/xl-create-$SW.log"))")" >>"$L/min-mem.log"
    return $rc
}

# --- the smallest memory= ----------------------------------------------------
# A size fails only when two attempts fail: xl's own monitor child has been
# seen to abort once in a while under TCG.
mem_ok() { boots_and_forwards "$1" || boots_and_forwards "$1"; }
lo=$MEM_LO hi=$MEM_HI
if mem_ok "$hi"; then
    while [ $((hi - lo)) -gt 1 ]; do
        mid=$(( (lo + hi) / 2 ))
        if mem_ok $mid; then hi=$mid; else lo=$mid; fi
    done
    out min_mem_mib 1 "$hi"
else
    err "memory=$MEM_HI MiB does not boot and forward"
fi

# --- RUNS fresh domUs ------------------------------------------------------------
rx2() { in_host 2 cat /sys/class/net/eth0/statistics/rx_packets; }
for run in $(seq "$RUNS"); do
    probe_start
    t0=$("$XPROBE" now)
    if ! create_sw "$MEM"; then
        err "run $run: xl create failed: $(tail -1 "$L/xl-create-$SW.log")"
        kill "$FIRST_PID" 2>/dev/null
        probe_first
        continue
    fi
    t1=$("$XPROBE" now)
    D=$(domid $SW)
    if ms=$(ms_between "$t0" "$t1"); then
        out xl_create_ms "$run" "$ms"
    else
        err "run $run: clock readings '$t0' '$t1'"
    fi
    probe_first
    if ms=$(ms_between "$t0" "$FIRST"); then
        out first_pkt_ms "$run" "$ms"
    else
        err "run $run: no probe frame reached h2 within 40 s"
    fi
    console_wait $SW "$RE_READY" 10
    ready=$(echo "$CONSOLE_LINE" | grep -oE "$RE_READY[0-9.]+" | grep -oE '[0-9.]+$')
    [ -n "$ready" ] && out ready_guest_ms "$run" "$ready"

    sleep 1
    r0=$(rx2)
    sent=$(in_host 1 "$XPROBE" send eth0 "$(host_mac 2)" "$PPS_SECS" 2>>"$L/xprobe.log" |
        awk '{print $2}')
    sleep 0.5
    r1=$(rx2)
    if [ -n "$sent" ]; then
        out fwd_pps "$run" $(( (r1 - r0) / PPS_SECS ))
        out offered_pps "$run" $(( sent / PPS_SECS ))
    else
        err "run $run: xprobe send failed: $(tail -1 "$L/xprobe.log")"
    fi

    for streams in 1 4; do
        ip netns exec "$(ns 2)" timeout $((TCP_SECS + 20)) iperf3 -s -1 -B "$(host_ip 2)" \
            >"$L/iperf3-s.log" 2>&1 &
        spid=$!
        wait_until 5 in_host 2 sh -c "ss -ltn | grep -q ':5201 '"
        in_host 1 timeout $((TCP_SECS + 15)) iperf3 -c "$(host_ip 2)" -t "$TCP_SECS" -P $streams \
            -f m >"$L/iperf3-c-$run-$streams.log" 2>&1
        wait $spid
        mbps=$(grep -E 'receiver' "$L/iperf3-c-$run-$streams.log" | tail -1 |
            grep -oE '[0-9.]+ Mbits/sec' | cut -d' ' -f1)
        key=tcp_mbps
        [ $streams = 1 ] || key=tcp${streams}_mbps
        [ -n "$mbps" ] && out $key "$run" "$mbps" || err "run $run: iperf3 -P $streams gave no result"
    done

    console $SW >"$L/console-run-$run.log"
    destroy_sw

    # idle: a fresh domU as bench/ukprobe.py idles the kvm image (--app
    # learning, two ports, no traffic), from 2 s after its ready line
    domu_config /tmp/$SW.cfg $SW "$IMAGE" "$MEM" "--app learning" 2
    if ! domu_create $SW "$L/xl-create-$SW.log" || ! console_wait $SW "$RE_READY" 30; then
        err "run $run: the idle domU did not get ready: $(tail -1 "$L/xl-create-$SW.log")"
        destroy_sw
        continue
    fi
    D=$(domid $SW)
    sleep 2
    c0=$("$XPROBE" cpu "$D")
    sleep "$IDLE_SECS"
    c1=$("$XPROBE" cpu "$D")
    if [ -n "$c0" ] && [ -n "$c1" ]; then
        out idle_cpu_ms_per_min "$run" "$(awk -v d=$((c1 - c0)) -v s="$IDLE_SECS" 'BEGIN {printf "%.3f", d / 1e6 * 60 / s}')"
    else
        err "run $run: xprobe cpu failed"
    fi
    # a clean stop, so the console ends with the image's idle counters
    timeout 30 xl shutdown -w $SW >/dev/null 2>&1
    console $SW >"$L/console-idle-$run.log"
    destroy_sw
done
exit 0
