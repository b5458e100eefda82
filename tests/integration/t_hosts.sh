# t_hosts.sh — hosts in network namespaces talk through the switch
# (sourced by run.sh after lib.sh).  First with flows installed by
# ovs-ofctl, then under the os-ken L2-learning app (osken_l2.py).  iperf3
# throughput is printed as a "# ..." note under the test's ok line.

STATIC_TESTS="ping_static iperf_static ping_normal"
OSKEN_TESTS="osken_connect osken_ping osken_iperf osken_flows"
FAILMODE_TESTS="secure_drops_misses standalone_learns emergency_flows_take_over"

# ping_ok: a warm-up ping (ARP), then 3 pings that must all be answered.
ping_ok() {
    ip netns exec "$NS1" ping -c 1 -W 2 $H2 >/dev/null 2>&1
    local out
    out=$(ip netns exec "$NS1" timeout 10 ping -c 3 -i 0.2 -W 2 $H2 2>&1)
    echo "$out" | grep -q ' 0% packet loss' && return 0
    echo "$out" | tail -3
    echo "ping $H1 -> $H2 through the switch failed"
    return 1
}

# iperf_ok LABEL: 3 s of iperf3 TCP from NS1 to NS2; prints the rate.
iperf_ok() {
    local srv json=$TMPD/iperf.json mbps
    ip netns exec "$NS2" timeout 15 iperf3 -s -1 -B $H2 >"$TMPD/iperf-s.log" 2>&1 &
    srv=$!
    track_pid $srv
    wait_ns_listen t 5201
    ip netns exec "$NS1" timeout 12 iperf3 -c $H2 -t 3 -J >"$json" 2>&1
    wait $srv 2>/dev/null
    mbps=$($PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
print("%.1f" % (d["end"]["sum_received"]["bits_per_second"] / 1e6))' "$json" 2>/dev/null)
    if [ -z "$mbps" ] || [ "${mbps%.*}" -lt 1 ]; then
        tail -5 "$json"
        echo "iperf3 through the switch: ${mbps:-no result} Mbit/s"
        return 1
    fi
    echo "# $1: iperf3 TCP $H1 -> $H2 for 3 s: $mbps Mbit/s ($PEER)"
}

test_ping_static() {
    ofctl del-flows "$(OFCTL_TARGET)" &&
    ofctl add-flow "$(OFCTL_TARGET)" "in_port=1,actions=output:2" &&
    ofctl add-flow "$(OFCTL_TARGET)" "in_port=2,actions=output:1" ||
        { echo "cannot install flows"; return 1; }
    ping_ok
}

test_iperf_static() {
    iperf_ok "static flows"
}

test_ping_normal() {
    ofctl del-flows "$(OFCTL_TARGET)" &&
    ofctl add-flow "$(OFCTL_TARGET)" "actions=normal" ||
        { echo "cannot install flows"; return 1; }
    ping_ok
}

# --- os-ken ----------------------------------------------------------------
OSKEN_PID=
osken_start() {
    local mgr
    if command -v osken-manager >/dev/null; then mgr=(osken-manager)
    else mgr=($PY -m os_ken.cmd.manager); fi
    "${mgr[@]}" --ofp-listen-host 127.0.0.1 --ofp-tcp-listen-port "$CPORT" \
        "$HERE/osken_l2.py" >"$TMPD/osken.log" 2>&1 &
    OSKEN_PID=$!
    track_pid $OSKEN_PID
    wait_listen "$CPORT" 10
}
osken_stop() {
    [ -n "$OSKEN_PID" ] || return 0
    kill "$OSKEN_PID" 2>/dev/null
    wait "$OSKEN_PID" 2>/dev/null
    OSKEN_PID=
}

test_osken_connect() {
    wait_grep "$TMPD/osken.log" "osken_l2: switch connected dpid=$DPID" 10 && return 0
    tail -5 "$TMPD/osken.log"
    echo "the switch did not connect to osken-manager on tcp:127.0.0.1:$CPORT"
    return 1
}

test_osken_ping() {
    ping_ok || return 1
    wait_grep "$TMPD/osken.log" 'osken_l2: flow dpid=' 3 ||
        { echo "os-ken installed no flow"; return 1; }
}

test_osken_iperf() {
    iperf_ok "os-ken l2 learning"
}

# The flows os-ken installed (cookie 0x5eed) are listed over ptcp.
test_osken_flows() {
    local out=$TMPD/osken-flows.txt
    ofctl dump-flows "$(OFCTL_TARGET)" >"$out" 2>&1
    expect_grep 'cookie=0x5eed.*dl_dst=.*actions=output:[12]' "$out" "dump-flows"
}

# Fail modes, with no flow and no controller.  Sluice only (OVS's own
# fail modes are not what is under test).
test_secure_drops_misses() {
    [ "$PEER" = sluice ] || { echo "Sluice's fail modes only"; return 77; }
    ofctl del-flows "$(OFCTL_TARGET)" || { echo "cannot delete flows"; return 1; }
    if ip netns exec "$NS1" ping -c 2 -i 0.2 -W 1 $H2 >/dev/null 2>&1; then
        echo "fail-mode secure forwarded a table miss with no controller"
        return 1
    fi
}

test_standalone_learns() {
    [ "$PEER" = sluice ] || { echo "Sluice's fail modes only"; return 77; }
    SLUICE_EXTRA="--fail-mode standalone" sluice_start ||
        { echo "sluice did not restart with --fail-mode standalone"; return 1; }
    local rc=0
    ping_ok || rc=1
    sluice_start || { echo "sluice did not restart in secure mode"; return 1; }
    return $rc
}

# The controller (emergency.py) installs emergency flows 1<->2 and a normal
# drop-everything flow, then goes away: while it is connected pings fail,
# once it is gone the switch forwards with its emergency flows.
test_emergency_flows_take_over() {
    [ "$PEER" = sluice ] || { echo "Open vSwitch refuses emergency flows"; return 77; }
    local fifo=$TMPD/emerg.in out=$TMPD/emerg.out py rc=0
    rm -f "$fifo"; mkfifo "$fifo"
    (cd "$HERE" && exec $PY emergency.py 127.0.0.1 "$CPORT" <"$fifo" >"$out" 2>&1) &
    py=$!
    track_pid $py
    exec 9>"$fifo"
    sluice_start "$CPORT" || { exec 9>&-; echo "sluice did not restart with --controller"; return 1; }
    wait_grep "$out" installed 10 || { exec 9>&-; cat "$out"; echo "controller did not install"; return 1; }
    if ip netns exec "$NS1" ping -c 2 -i 0.2 -W 1 $H2 >/dev/null 2>&1; then
        echo "ping passed while the controller's drop flow was in force"; rc=1
    fi
    echo go >&9
    exec 9>&-
    wait_grep "$out" gone 5 || { cat "$out"; echo "controller did not go away"; rc=1; }
    [ $rc = 0 ] && { ping_ok || { echo "no forwarding by emergency flows after the controller left"; rc=1; }; }
    grep -q "controller lost" "$TMPD/sluice.log" || { echo "the switch did not log the loss"; rc=1; }
    wait $py 2>/dev/null
    sluice_start || { echo "sluice did not restart in secure mode"; return 1; }
    return $rc
}
