#!/bin/bash
# tests/learning/run.sh — the embedded learning controller end to end, on a
# sluice-rig topology: four hosts (h1..h3 in use, h4's port is where h1
# moves to) wired by veth pairs to `sluice --app learning=idle:2`.
# Usage: tests/learning/run.sh BUILD_DIR          (needs root; about 25 s)
#
# Tests, in order (each builds on the previous state):
#   all_pairs_ping     every ordered pair of h1..h3 pings (6 pairs)
#   flows_in_dump      ovs-ofctl dump-flows lists a learned flow
#                      (cookie 0x1ea70000, idle_timeout=2) for each of the
#                      6 directed pairs
#   move_relearned     h1 moves from port 1 to port 4 without unplugging
#                      (its address goes to a second interface with the same
#                      MAC wired to port 4): h2 and h3 reach it again, no
#                      learned flow sends to h1 on port 1 any more
#   unplug_relearned   h1 is unplugged from port 4 (link down) and comes back
#                      on port 1: h2 and h3 reach it, no flow to h1 on port 4
#   idle_flows_expire  traffic stops: within 8 s every learned flow is gone
#                      (the 2 s idle timeout), and pings work again after
#   clean_exit         the switch exits cleanly on SIGTERM (ASan builds: no
#                      leak or error report)
# Every name starts with "ln<pid>"; the EXIT trap stops the switch and
# removes the topology even on failure.  Prints "ok NAME" / "FAIL NAME:
# REASON" and the last line "learning: N passed, M failed".
set -u
build=${1:?usage: run.sh BUILD_DIR}
BUILD=$(cd "$build" 2>/dev/null && pwd)
RIG=$BUILD/sluice-rig SLUICE=$BUILD/sluice
P=ln$$
TMPD=$(mktemp -d /tmp/sluice-learning.XXXXXX)
N_PASS=0 N_FAIL=0 SLUICE_PID=
COOKIE=0x1ea70000
MAC1=02:00:00:00:00:01

pass() { echo "ok $1"; N_PASS=$((N_PASS + 1)); }
fail() { echo "FAIL $1: $2"; N_FAIL=$((N_FAIL + 1)); }
finish() {
    echo "learning: $N_PASS passed, $N_FAIL failed"
    [ "$N_FAIL" = 0 ]
    exit
}

cleanup() {
    if [ -n "$SLUICE_PID" ]; then
        kill "$SLUICE_PID" 2>/dev/null
        wait "$SLUICE_PID" 2>/dev/null
    fi
    "$RIG" --prefix "$P" down >/dev/null 2>&1
    [ -n "${KEEP_LOGS:-}" ] && echo "# logs kept in $TMPD" || rm -rf "$TMPD"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || { fail setup "needs root (namespaces, veths)"; finish; }
for b in "$RIG" "$SLUICE"; do
    [ -x "$b" ] || { fail setup "$b is not built"; finish; }
done
command -v ovs-ofctl >/dev/null || { fail setup "ovs-ofctl missing"; finish; }

# A free TCP port on loopback for the switch's OpenFlow listener.
OFPORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ofctl() { timeout 10 ovs-ofctl -O OpenFlow10 --timeout=5 "$@" "tcp:127.0.0.1:$OFPORT"; }
ns() { echo "$P-h$1"; }
# ping_pair A B: host hA pings hB (10.66.0.B).  Returns ping's status.
ping_pair() { ip netns exec "$(ns "$1")" ping -c 2 -i 0.2 -W 1 -q "10.66.0.$2" >/dev/null; }
# learned_flows: the learning app's flows, one per line.
learned_flows() { ofctl dump-flows | grep "cookie=$COOKIE"; }

cat >"$TMPD/topo" <<EOF
prefix $P
switch-port veth
offload on
host h1 10.66.0.1/24 mac $MAC1
host h2 10.66.0.2/24 mac 02:00:00:00:00:02
host h3 10.66.0.3/24 mac 02:00:00:00:00:03
host h4 10.66.0.4/24 mac 02:00:00:00:00:04
EOF
"$RIG" up "$TMPD/topo" >"$TMPD/rig.out" 2>&1 || { cat "$TMPD/rig.out"; fail setup "sluice-rig up failed"; finish; }
ports=()
while read -r _ _ spec; do ports+=(--port "$spec"); done < <(grep '^port ' "$TMPD/rig.out")
"$SLUICE" "${ports[@]}" --app learning=idle:2 --listen "ptcp:$OFPORT:127.0.0.1" \
    >"$TMPD/sluice.log" 2>&1 &
SLUICE_PID=$!
for _ in $(seq 100); do
    ofctl show >/dev/null 2>&1 && break
    sleep 0.1
done
ofctl show >/dev/null 2>&1 || { tail -5 "$TMPD/sluice.log"; fail setup "the switch does not answer OpenFlow"; finish; }

# --- all pairs ------------------------------------------------------------
bad=
for a in 1 2 3; do
    for b in 1 2 3; do
        [ "$a" = "$b" ] || ping_pair "$a" "$b" || bad="$bad h$a->h$b"
    done
done
[ -z "$bad" ] && pass all_pairs_ping || fail all_pairs_ping "no answer:$bad"

# --- the flows: one per directed pair, in_port + dl_src + dl_dst ----------
learned_flows >"$TMPD/flows" 2>&1
missing=
for a in 1 2 3; do
    for b in 1 2 3; do
        [ "$a" = "$b" ] && continue
        grep -q "idle_timeout=2,.*in_port=$a,dl_src=02:00:00:00:00:0$a,dl_dst=02:00:00:00:00:0$b actions=output:$b" \
            "$TMPD/flows" || missing="$missing h$a->h$b"
    done
done
if [ -z "$missing" ]; then
    pass flows_in_dump
else
    sed 's/^/  | /' "$TMPD/flows" | head; fail flows_in_dump "no learned flow for:$missing"
fi

# --- h1 moves to port 4 without unplugging --------------------------------
# h4's link becomes h1's second interface "mv0" with h1's MAC; h1's address
# moves to it, and the old eth0 (still up on port 1) stops answering ARP.
N1=$(ns 1)
move_h1() {
    ip -n "$(ns 4)" link set eth0 down &&
        ip -n "$(ns 4)" link set eth0 name mv0 &&
        ip -n "$(ns 4)" link set mv0 netns "$N1" &&
        ip -n "$N1" link set mv0 address "$MAC1" &&
        ip netns exec "$N1" sysctl -qw net.ipv4.conf.eth0.arp_ignore=1 &&
        ip -n "$N1" addr flush dev eth0 &&
        ip -n "$N1" addr add 10.66.0.1/24 dev mv0 &&
        ip -n "$N1" link set mv0 up
}
# reached_from_all: h2 and h3 reach h1, and h1 reaches them.  Returns 0/1.
reached_from_all() {
    local ok=0
    for _ in 1 2 3; do
        ok=0
        ping_pair 1 2 && ping_pair 1 3 && ping_pair 2 1 && ping_pair 3 1 && break
        ok=1
    done
    return $ok
}
# stale_flows PORT: learned flows that still send h1's traffic to PORT.
stale_flows() { learned_flows | grep "dl_dst=$MAC1 actions=output:$1\$"; }
if ! move_h1; then
    fail move_relearned "could not move h1's link (ip)"
elif ! reached_from_all; then
    learned_flows | sed 's/^/  | /'; fail move_relearned "h1 unreachable after moving to port 4"
elif stale_flows 1 >"$TMPD/stale"; then
    sed 's/^/  | /' "$TMPD/stale"; fail move_relearned "flows still send h1's traffic to port 1"
elif ! learned_flows | grep -q "dl_dst=$MAC1 actions=output:4\$"; then
    fail move_relearned "no flow sends h1's traffic to port 4"
elif ! grep -q "moved 1 -> 4" "$TMPD/sluice.log"; then
    fail move_relearned "the app did not log the move"
else
    pass move_relearned
fi

# --- h1 is unplugged from port 4 and plugged back into port 1 ------------
if ! { ip -n "$N1" link set mv0 down && ip -n "$N1" addr flush dev mv0 &&
       ip netns exec "$N1" sysctl -qw net.ipv4.conf.eth0.arp_ignore=0 &&
       ip -n "$N1" addr add 10.66.0.1/24 dev eth0; }; then
    fail unplug_relearned "could not move h1 back (ip)"
elif ! reached_from_all; then
    learned_flows | sed 's/^/  | /'; fail unplug_relearned "h1 unreachable back on port 1"
elif stale_flows 4 >"$TMPD/stale"; then
    sed 's/^/  | /' "$TMPD/stale"; fail unplug_relearned "flows still send h1's traffic to port 4"
else
    pass unplug_relearned
fi

# --- idle timeout ---------------------------------------------------------
before=$(learned_flows | wc -l)
left=$before
for _ in $(seq 40); do
    left=$(learned_flows | wc -l)
    [ "$left" = 0 ] && break
    sleep 0.2
done
if [ "$before" = 0 ]; then
    fail idle_flows_expire "no learned flows before the idle period"
elif [ "$left" != 0 ]; then
    learned_flows | sed 's/^/  | /'; fail idle_flows_expire "$left of $before flows left after 8 s idle"
elif ! ping_pair 2 3; then
    fail idle_flows_expire "h2 -> h3 fails after the flows expired"
else
    echo "# $before learned flows expired"
    pass idle_flows_expire
fi

# --- the switch exits cleanly ---------------------------------------------
kill "$SLUICE_PID"
wait "$SLUICE_PID"
rc=$?
SLUICE_PID=
if [ "$rc" != 0 ] || grep -qE 'ERROR: (Address|Leak|Undefined)Sanitizer|runtime error' "$TMPD/sluice.log"; then
    grep -E 'Sanitizer|runtime error' "$TMPD/sluice.log" | head -5
    fail clean_exit "exit status $rc or a sanitizer report (see the log)"
else
    pass clean_exit
fi
finish
