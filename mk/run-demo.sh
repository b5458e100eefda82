#!/bin/bash
# `make run`: the embedded default.  Brings up three hosts (network
# namespaces, 10.0.0.1-3/24) wired by veth pairs to a Sluice switch with the
# host test rig (sluice-rig), starts
#     sluice --port afpacket:... x3 --app learning --listen ptcp:6653:127.0.0.1
# shows every pair of hosts pinging each other through the switch, prints the
# flows the learning app installed (ovs-ofctl dump-flows), then live per-port
# counters until Ctrl-C, and tears everything down on exit (also on failure).
#
# Usage: mk/run-demo.sh BUILD_DIR          (make run / make run TARGET=unix)
# Needs root: network namespaces and veths (the rig) and AF_PACKET sockets.
# Environment:
#   SLUICE_RUN_SECONDS=N   show counters for N seconds instead of until Ctrl-C
#   SLUICE_RUN_ARGS="..."  switch options instead of "--app learning"
#   SLUICE_OF_PORT=P       OpenFlow listener port (default 6653, or a free one)
set -u
# shellcheck source=mk/demo-lib.sh
. "$(dirname "$0")/demo-lib.sh"
build=${1:-build/unix}
case $(basename "$build") in
unix | unix-*) ;;
*)
    echo "make run: TARGET=$(basename "$build") is not available yet; use make run TARGET=unix" >&2
    exit 2 ;;
esac
if [ "$(id -u)" != 0 ]; then
    cat >&2 <<'EOF'
make run needs root: it creates network namespaces and veth pairs (sluice-rig)
and the switch opens AF_PACKET sockets on them.  Run it as root, e.g.
    sudo make run
EOF
    exit 1
fi
RIG=$build/sluice-rig SLUICE=$build/sluice
for b in "$RIG" "$SLUICE"; do
    [ -x "$b" ] || { echo "make run: $b is not built (run make first)" >&2; exit 1; }
done

PFX=sd$$
TMPD=$(mktemp -d /tmp/sluice-run.XXXXXX)
SLUICE_PID= TAIL_PID=
cleanup() {
    trap - EXIT INT TERM
    [ -n "$TAIL_PID" ] && kill "$TAIL_PID" 2>/dev/null
    echo
    echo "== tearing down"
    if [ -n "$SLUICE_PID" ]; then
        kill "$SLUICE_PID" 2>/dev/null
        wait "$SLUICE_PID" 2>/dev/null
        # the switch prints its final counters on exit
        grep -E '^(port|table)' "$TMPD/sluice.out" 2>/dev/null | tail -n 4 | sed 's/^/   /'
    fi
    "$RIG" --prefix "$PFX" down
    rm -rf "$TMPD"
}
trap cleanup EXIT
trap 'exit 0' INT     # Ctrl-C is how the demo is meant to end
trap 'exit 143' TERM

die() {
    echo "make run: $*" >&2
    [ -s "$TMPD/sluice.err" ] && sed 's/^/   sluice: /' "$TMPD/sluice.err" | tail -n 10 >&2
    exit 1
}

port_busy() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }
OFPORT=${SLUICE_OF_PORT:-6653}
if port_busy "$OFPORT"; then
    for _ in $(seq 50); do
        p=$((20000 + RANDOM % 30000))
        port_busy $p || { echo "== port $OFPORT is taken; OpenFlow listener on $p"; OFPORT=$p; break; }
    done
fi

cat >"$TMPD/topo" <<EOF
prefix $PFX
switch-port veth
host h1 10.0.0.1/24 mac 02:00:00:00:00:01
host h2 10.0.0.2/24 mac 02:00:00:00:00:02
host h3 10.0.0.3/24 mac 02:00:00:00:00:03
offload off
EOF
echo "== bringing up 3 hosts with the rig: $RIG up"
"$RIG" up "$TMPD/topo" >"$TMPD/rig.out" || die "sluice-rig up failed"
sed 's/^/   /' "$TMPD/rig.out"
mapfile -t PORTS < <(awk '$1 == "port" { print "--port"; print $3 }' "$TMPD/rig.out")

read -r -a EXTRA <<<"${SLUICE_RUN_ARGS:---app learning}"
ARGS=("${PORTS[@]}" "${EXTRA[@]}" --listen "ptcp:$OFPORT:127.0.0.1" --stats-interval 1000)
echo "== starting: $SLUICE ${ARGS[*]}"
"$SLUICE" "${ARGS[@]}" >"$TMPD/sluice.out" 2>"$TMPD/sluice.err" &
SLUICE_PID=$!
for _ in $(seq 50); do
    port_busy "$OFPORT" && break
    kill -0 "$SLUICE_PID" 2>/dev/null || { wait "$SLUICE_PID"; SLUICE_PID=; die "the switch exited"; }
    sleep 0.1
done
port_busy "$OFPORT" || die "the switch does not listen on $OFPORT"
grep -v '^INFO' "$TMPD/sluice.err" | sed 's/^/   sluice: /'

echo "== the hosts ping each other through the switch"
demo_ping_pairs "$PFX"

echo "== flows (ovs-ofctl dump-flows tcp:127.0.0.1:$OFPORT):"
if command -v ovs-ofctl >/dev/null; then
    timeout 10 ovs-ofctl -O OpenFlow10 --timeout=5 dump-flows "tcp:127.0.0.1:$OFPORT" 2>&1 |
        sed 's/^/   /'
else
    echo "   (ovs-ofctl not installed: apt-get install openvswitch-common)"
fi

if [ -n "${SLUICE_RUN_SECONDS:-}" ]; then
    echo "== per-port counters every second, for $SLUICE_RUN_SECONDS s:"
else
    echo "== per-port counters every second (Ctrl-C to stop and tear down):"
fi
demo_follow_counters "$TMPD/sluice.out" "$SLUICE_PID"
if [ -n "${SLUICE_RUN_SECONDS:-}" ]; then
    sleep "$SLUICE_RUN_SECONDS"
else
    wait "$SLUICE_PID"
    SLUICE_PID=
    echo "make run: the switch stopped" >&2
fi
exit 0
