#!/bin/bash
# tests/xen/dom0/suite.sh — the Xen suite's scenarios, run INSIDE the rig's
# dom0 as /rig/test.sh (tests/xen/run.sh copies it there with lib.sh and
# the image /rig/sluice.xen).  One boot runs them all, in this order, each
# building on the state the previous ones left (a scenario whose
# prerequisite failed reports "not run" at once instead of waiting out its
# bounds):
#
#   create           xl create of the switch domU (PVH, 1 vCPU, $MEM MiB,
#                    --app learning, three vifs on bridges xs-b1..3)
#   ready            its console says "sluice: ready in" (PV console ring)
#   vifs-connected   netback and netfront reach Connected (4) on all 3 vifs
#   queues           every vif runs >= 2 queues: the frontend's
#                    multi-queue-num-queues, each queue-N's ring refs and
#                    event channel(s) in xenstore, and netback's side: one
#                    kernel TX queue and one interrupt per queue on vifD.N
#   ping-pairs       each of the 6 ordered pairs of hosts h1..h3 pings
#   tcp-iperf3       iperf3 h1 -> h3, 4 streams (Linux TCP, offloads on)
#   tcp-bulk         8 MiB of random bytes h2 -> h3 over TCP (nc), the
#                    SHA-256 on arrival equals the one sent
#   detach           xl network-detach of vif 1 (port 2) while h1 pings h2:
#                    the backend goes away, the console says port 2 is
#                    down, and the pings stop getting replies
#   attach           xl network-attach of the same vif (devid 1): Connected
#                    again, the console says port 2 is up, h1's running
#                    pings get replies again, h2 <-> h3 ping
#   shutdown         xl shutdown: xl reports reason code 0 (poweroff), the
#                    domain is shut down, every vif's frontend and backend
#                    are Closed (6)
#   crash            a second domU with --crash-test ud2: xl reports reason
#                    code 3 (crash), xl list shows it crashed ("c"), its
#                    console has the exception dump
#
# Environment (from the host, also through /rig/env): IMAGE
# (/rig/sluice.xen), MEM (MiB, 16).  Results go to /rig/out/results
# (lib.sh); the logs of a domain with a failed check go to /rig/out/logs.
# Exit status 0 when every scenario passed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/xen/dom0/lib.sh
. "$here/lib.sh"
# shellcheck disable=SC1091
[ -f "$here/env" ] && . "$here/env"
IMAGE=${IMAGE:-/rig/sluice.xen}
MEM=${MEM:-16}
SW=sluice
L=$OUT/logs
D=

# --- the scenarios: each prints its detail and returns 0 on success ---------

s_create() {
    domu_config /tmp/$SW.cfg $SW "$IMAGE" "$MEM" "--app learning --stats-interval 2000" 3
    net_up 3 >"$L/net_up.log" 2>&1 || { echo "bridges and hosts: $(tail -1 "$L/net_up.log")"; return 1; }
    T_CREATE=$(now_ms)
    domu_create $SW "$L/xl-create.log"
    local rc=$?
    D=$(domid $SW)
    echo "xl create exit $rc, domid ${D:-none} ($(( $(now_ms) - T_CREATE )) ms)"
    [ $rc = 0 ] && [ -n "$D" ] || { tail -3 "$L/xl-create.log"; return 1; }
}

s_ready() {
    console_wait $SW "$RE_READY" 30
    local rc=$?
    echo "${CONSOLE_LINE:-no '$RE_READY' line} (console after $(( $(now_ms) - T_CREATE )) ms)"
    return $rc
}

s_vifs_connected() {
    local v st="" rc=0
    for v in 0 1 2; do
        wait_until 20 vif_is "$D" $v 4 || rc=1
        st="$st vif$v=$(vif_state "$D" $v)"
    done
    echo "backend/frontend states:$st"
    return $rc
}

# queue_check DEVID: prints what it found; returns 0 when the vif runs >= 2
# queues whose xenstore keys and netback resources all exist.
queue_check() {
    local v=$1 fe be nq q ev rc=0 dev=vif$D.$1
    fe=$(fe_path "$D" "$v") be=$(be_path "$D" "$v")
    nq=$(xs "$fe/multi-queue-num-queues")
    printf 'vif%s: %s queue(s) (backend max %s)' "$v" "${nq:-no multi-queue-num-queues}" \
        "$(xs "$be/multi-queue-max-queues")"
    [ "${nq:-0}" -ge 2 ] || return 1
    for q in $(seq 0 $((nq - 1))); do
        ev=$(xs "$fe/queue-$q/event-channel")
        [ -n "$ev" ] || ev="$(xs "$fe/queue-$q/event-channel-tx")/$(xs "$fe/queue-$q/event-channel-rx")"
        printf ', q%s rings %s/%s evtchn %s' "$q" "$(xs "$fe/queue-$q/tx-ring-ref")" \
            "$(xs "$fe/queue-$q/rx-ring-ref")" "$ev"
        [ -n "$(xs "$fe/queue-$q/tx-ring-ref")" ] && [ -n "$(xs "$fe/queue-$q/rx-ring-ref")" ] &&
            [ "$ev" != / ] || rc=1
        [ -d "/sys/class/net/$dev/queues/tx-$q" ] || { printf ' (netback has no tx-%s)' "$q"; rc=1; }
        grep -qE "$dev-q$q(-tx|-rx)?\$" /proc/interrupts || { printf ' (no irq %s-q%s)' "$dev" "$q"; rc=1; }
    done
    [ -d "/sys/class/net/$dev/queues/tx-$nq" ] && { printf ' (netback runs more queues)'; rc=1; }
    return $rc
}

s_queues() {
    local v rc=0
    for v in 0 1 2; do
        queue_check $v || rc=1
        echo -n "; "
    done
    echo
    return $rc
}

s_ping_pairs() {
    local a b rc=0
    for a in 1 2 3; do
        for b in 1 2 3; do
            [ $a = $b ] && continue
            if ping_ok $a $b >"$L/ping-$a-$b.log" 2>&1; then
                echo -n "h$a->h$b ok "
            else
                echo -n "h$a->h$b FAILED "; rc=1
            fi
        done
    done
    echo
    return $rc
}

s_tcp_iperf3() {
    local rc spid mbps
    ip netns exec "$(ns 3)" timeout 30 iperf3 -s -1 -B "$(host_ip 3)" >"$L/iperf3-s.log" 2>&1 &
    spid=$!
    wait_until 5 in_host 3 sh -c "ss -ltn | grep -q ':5201 '"
    in_host 1 timeout 25 iperf3 -c "$(host_ip 3)" -t 3 -P 4 -f m >"$L/iperf3-c.log" 2>&1
    rc=$?
    wait $spid
    mbps=$(grep -E 'receiver' "$L/iperf3-c.log" | grep -oE '[0-9.]+ Mbits/sec' | tail -1)
    echo "h1 -> h3, 4 streams, ${mbps:-no result} (emulated, TCG), iperf3 exit $rc"
    [ $rc = 0 ] && [ -n "$mbps" ]
}

s_tcp_bulk() {
    local rc lpid t ms sum_in sum_out
    head -c 8388608 /dev/urandom >/tmp/bulk.in
    sum_in=$(sha256sum </tmp/bulk.in | cut -c1-64)
    ip netns exec "$(ns 3)" timeout 40 nc -l "$(host_ip 3)" 5001 </dev/null >/tmp/bulk.out 2>"$L/nc-l.log" &
    lpid=$!
    wait_until 5 in_host 3 sh -c "ss -ltn | grep -q ':5001 '"
    t=$(now_ms)
    in_host 2 timeout 30 nc -N -w 10 "$(host_ip 3)" 5001 </tmp/bulk.in 2>"$L/nc-c.log"
    rc=$?
    wait $lpid
    ms=$(( $(now_ms) - t ))
    sum_out=$(sha256sum </tmp/bulk.out | cut -c1-64)
    echo -n "8 MiB h2 -> h3 in $ms ms (nc exit $rc), $(stat -c %s /tmp/bulk.out) bytes arrived, "
    rm -f /tmp/bulk.in /tmp/bulk.out
    if [ "$sum_in" = "$sum_out" ]; then
        echo "sha256 ${sum_out:0:16}.. as sent"
    else
        echo "sha256 ${sum_out:0:16}.., sent ${sum_in:0:16}.."
        return 1
    fi
    [ $rc = 0 ]
}

# h1 pings h2 (port 2's host) every 0.2 s through detach and attach; its
# log's reply lines say whether the port forwarded.
PING_LOG=$L/ping-detach.log PING_PID=
replies() { grep -c 'bytes from' "$PING_LOG"; }
more_replies_than() { [ "$(replies)" -gt "$1" ]; }
backend_gone() { [ -z "$(xs "$(be_path "$D" 1)/state")" ]; }
R_DETACHED=0

s_detach() {
    local rc g down r0
    ip netns exec "$(ns 1)" timeout 120 ping -i 0.2 -W 1 "$(host_ip 2)" >"$PING_LOG" 2>&1 &
    PING_PID=$!
    wait_until 10 more_replies_than 2 || { echo "h1 -> h2 pings got no replies before the detach"; return 1; }
    timeout 40 xl network-detach $SW 1 >"$L/xl-detach.log" 2>&1
    rc=$?
    wait_until 15 backend_gone
    g=$?
    console_wait $SW "$(RE_LINK_DOWN 2)" 10
    down=$?
    sleep 2   # replies still in flight have arrived by now
    r0=$(replies)
    sleep 3
    R_DETACHED=$(replies)
    echo -n "xl network-detach exit $rc, backend "
    [ $g = 0 ] && echo -n "removed" || echo -n "still $(vif_state "$D" 1)"
    echo -n ", console "
    [ $down = 0 ] && echo -n "'$CONSOLE_LINE'" || echo -n "says nothing of port 2 going down"
    echo ", h1 -> h2 replies in 3 s while detached: $((R_DETACHED - r0))"
    [ $rc = 0 ] && [ $g = 0 ] && [ $down = 0 ] && [ "$R_DETACHED" = "$r0" ]
}

s_attach() {
    local rc c up resumed t back p23
    t=$(now_ms)
    timeout 40 xl network-attach $SW devid=1 bridge=xs-b2 "mac=$(vif_mac 2)" >"$L/xl-attach.log" 2>&1
    rc=$?
    wait_until 20 vif_is "$D" 1 4
    c=$?
    console_wait $SW "$(RE_LINK_UP 2)" 10
    up=$?
    wait_until 15 more_replies_than "$R_DETACHED"
    resumed=$?
    back=$(( $(now_ms) - t ))
    kill "$PING_PID" 2>/dev/null; wait "$PING_PID" 2>/dev/null; PING_PID=
    ping_ok 2 3 >"$L/ping-2-3-after.log" 2>&1 && ping_ok 3 2 >>"$L/ping-2-3-after.log" 2>&1
    p23=$?
    echo -n "xl network-attach exit $rc, vif1 $(vif_state "$D" 1), console "
    [ $up = 0 ] && echo -n "'$CONSOLE_LINE'" || echo -n "says nothing of port 2 coming up"
    echo -n ", h1 -> h2 pings "
    [ $resumed = 0 ] && echo -n "answered again within ${back} ms of the attach" || echo -n "not answered again"
    echo ", h2 <-> h3 $([ $p23 = 0 ] && echo ok || echo FAILED)"
    [ $rc = 0 ] && [ $c = 0 ] && [ $up = 0 ] && [ $resumed = 0 ] && [ $p23 = 0 ]
}

# shutdown_reason NAME: xl's "shut down, reason code N" line for the domain.
shutdown_reason() { grep -oE 'shut down, reason code [0-9]+' "/var/log/xen/xl-$1.log" 2>/dev/null | tail -1; }

s_shutdown() {
    local rc reason state v st="" closed=0
    timeout 40 xl shutdown -w $SW >"$L/xl-shutdown.log" 2>&1
    rc=$?
    wait_until 10 xl_log_has $SW 'reason code'
    reason=$(shutdown_reason $SW)
    state=$(dom_state $SW)
    for v in 0 1 2; do
        st="$st vif$v=$(vif_state "$D" $v)"
        vif_is "$D" $v 6 || closed=1
    done
    echo "xl shutdown exit $rc, xl log '${reason:-no shutdown line}', state ${state:-gone}, backend/frontend states:$st"
    [ $rc = 0 ] && [ "$reason" = "shut down, reason code 0" ] && [ "${state:3:1}" = s ] && [ $closed = 0 ]
}

s_crash() {
    local C=swcrash rc reason state
    domu_config /tmp/$C.cfg $C "$IMAGE" "$MEM" "--crash-test ud2" 0
    domu_create $C "$L/xl-create-crash.log"
    rc=$?
    wait_until 20 xl_log_has $C 'reason code'
    reason=$(shutdown_reason $C)
    state=$(dom_state $C)
    console_wait $C 'EXCEPTION' 5
    echo "xl create exit $rc, xl log '${reason:-no shutdown line}', state ${state:-gone}, console '${CONSOLE_LINE:-no exception dump}'"
    [ $rc = 0 ] && [ "$reason" = "shut down, reason code 3" ] && [ "${state:4:1}" = c ] && [ -n "$CONSOLE_LINE" ]
    rc=$?
    [ $rc = 0 ] || save_logs $C
    timeout 30 xl destroy $C >/dev/null 2>&1
    return $rc
}

# queue_irqs: how many interrupts each vif queue's event channels raised in
# dom0 (netback's vifD.N-qQ[-tx|-rx]), one "NAME=COUNT" per channel.
queue_irqs() {
    echo -n "netback interrupts per queue:"
    grep -E "vif$D\.[0-9]+-q" /proc/interrupts |
        awk '{n = 0; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) n += $i; printf " %s=%d", $NF, n}'
}

# --- the run -------------------------------------------------------------------
# NAME:PREREQUISITE... (a scenario runs only when its prerequisites passed)
SCENARIOS="create ready:create vifs-connected:ready queues:vifs-connected
    ping-pairs:vifs-connected tcp-iperf3:ping-pairs tcp-bulk:ping-pairs
    detach:ping-pairs attach:detach shutdown:ready crash"
names=()
for s in $SCENARIOS; do names+=("${s%%:*}"); done
plan "${names[@]}"
declare -A passed=()
failed=0
for s in $SCENARIOS; do
    name=${s%%:*} missing=""
    for req in $(echo "${s#"$name"}" | tr ':' ' '); do
        [ -n "${passed[$req]:-}" ] || missing="$missing $req"
    done
    if [ -n "$missing" ]; then
        result "$name" 1 "not run:$missing failed"
        failed=1
        continue
    fi
    # in this shell (not a $(...) subshell): scenarios leave state for the next
    step "$name"
    "s_${name//-/_}" >"$L/detail" 2>&1
    rc=$?
    if result "$name" $rc "$(tr '\n' ' ' <"$L/detail" | sed 's/ *$//')"; then
        passed[$name]=1
    else
        failed=1
    fi
    [ "$name" = tcp-bulk ] && info "after the traffic, $(queue_irqs)"
done
[ -n "$PING_PID" ] && kill "$PING_PID" 2>/dev/null
[ -n "$D" ] && save_logs $SW
timeout 30 xl destroy $SW >/dev/null 2>&1
exit $failed
