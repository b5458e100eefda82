# t_ctl.sh — the Sluice controller (sourced by run.sh after lib.sh and
# t_hosts.sh): the embedded apps (`sluice --app learning`, `--app
# firewall=FILE,learning`) with hosts pinging and connecting through the
# switch, and the standalone sluice-controller driving Open vSwitch
# (userspace datapath, OpenFlow10, fail_mode=secure).  The embedded tests
# are Sluice's own: with --peer ovs they are skipped.

CTL_EMBED_TESTS="embed_learning_ping embed_learning_flows"
CTL_FW_TESTS="fw_ping fw_tcp_allowed fw_tcp_denied fw_drop_counters fw_udp_allowed fw_udp_denied_counted"
CTL_OVS_TESTS="ctl_ovs_ping ctl_ovs_flows ctl_sanitizers"
SLUICE_CTL=${SLUICE%/sluice}/sluice-controller
LEARN_COOKIE=0x1ea70000
FW_COOKIE=0xf1ae0000

# sluice_start_apps APPS: restarts Sluice as lib.sh's sluice_start does,
# plus the embedded controller --app APPS.  Returns 0 when it listens.
sluice_start_apps() {
    sluice_stop
    "$SLUICE" --port "afpacket:$IF1" --port "afpacket:$IF2" \
        --listen "ptcp:$OFPORT:127.0.0.1" --dpid $DPID --app "$1" \
        >>"$TMPD/sluice.log" 2>&1 &
    SLUICE_PID=$!
    wait_listen "$OFPORT" 10
}

need_sluice() {
    [ "$PEER" = sluice ] || { echo "embedded apps are Sluice's own"; return 77; }
}

# A firewall rules file: TCP port 5001 and UDP port 7001 are denied,
# everything else allowed.
ctl_fw_rules() {
    printf '%s\n' "# integration: no TCP 5001, no UDP 7001" "deny tcp,tp_dst=5001" \
        "deny udp,tp_dst=7001" "allow" >"$TMPD/fw.rules"
}

# tcp_probe PORT: a server on H2:PORT for 4 s and one connection from H1.
# Prints the client's answer; returns its status.
tcp_probe() {
    local srv rc
    ip netns exec "$NS2" $PY "$HERE/l4check.py" serve $H2 "$1" 4 &
    srv=$!
    track_pid $srv
    wait_ns_listen t "$1"
    ip netns exec "$NS1" $PY "$HERE/l4check.py" connect $H2 "$1"
    rc=$?
    kill $srv 2>/dev/null
    wait $srv 2>/dev/null
    return $rc
}

test_embed_learning_ping() {
    need_sluice || return
    sluice_start_apps learning || { echo "sluice --app learning does not listen"; return 1; }
    ping_ok
}

test_embed_learning_flows() {
    need_sluice || return
    ofctl dump-flows "$(OFCTL_TARGET)" >"$TMPD/learn-flows.txt" 2>&1
    local n
    n=$(grep -c "cookie=$LEARN_COOKIE.*idle_timeout=60.*dl_dst=.*actions=output:[12]" \
        "$TMPD/learn-flows.txt")
    [ "$n" -ge 2 ] || { cat "$TMPD/learn-flows.txt"; echo "expected >= 2 learned flows, got $n"; return 1; }
    echo "# $n learned flows in dump-flows"
}

test_fw_ping() {
    need_sluice || return
    ctl_fw_rules
    sluice_start_apps "firewall=$TMPD/fw.rules,learning" ||
        { echo "sluice --app firewall=...,learning does not listen"; return 1; }
    ping_ok
}

test_fw_tcp_allowed() {
    need_sluice || return
    local out
    out=$(tcp_probe 5002) || { echo "$out"; echo "TCP to allowed port 5002 failed"; return 1; }
}

test_fw_tcp_denied() {
    need_sluice || return
    local out
    out=$(tcp_probe 5001) && { echo "$out"; echo "TCP to denied port 5001 got through"; return 1; }
    return 0
}

test_fw_drop_counters() {
    need_sluice || return
    ofctl dump-flows "$(OFCTL_TARGET)" >"$TMPD/fw-flows.txt" 2>&1
    grep -Eq "cookie=$FW_COOKIE.*n_packets=[1-9][0-9]*.*priority=57344,tcp,tp_dst=5001 actions=drop" \
        "$TMPD/fw-flows.txt" && return 0
    cat "$TMPD/fw-flows.txt"
    echo "no drop flow for tp_dst=5001 with n_packets > 0"
}

# udp_probe PORT N: a receiver on H2:PORT, N datagrams from H1.  Prints
# how many arrived.
udp_probe() {
    local out=$TMPD/udp-$1.out rcv
    ip netns exec "$NS2" $PY "$HERE/l4check.py" udprecv $H2 "$1" 3 >"$out" &
    rcv=$!
    track_pid $rcv
    wait_ns_listen u "$1"
    ip netns exec "$NS1" $PY "$HERE/l4check.py" udpsend $H2 "$1" "$2"
    ip netns exec "$NS1" $PY "$HERE/l4check.py" udpsend $H2 "$1" 0
    wait $rcv 2>/dev/null
    cat "$out"
}

# fw_drop_packets MATCH: n_packets of the firewall's drop flow for MATCH.
fw_drop_packets() {
    ofctl dump-flows "$(OFCTL_TARGET)" "$1" |
        sed -nE "s/.*cookie=$FW_COOKIE.*n_packets=([0-9]+).*actions=drop.*/\1/p"
}

test_fw_udp_allowed() {
    need_sluice || return
    local n
    n=$(udp_probe 7002 10)
    [ "$n" = 10 ] || { echo "UDP to allowed port 7002: $n of 10 datagrams arrived"; return 1; }
}

# The deny rule's drop flow counts exactly the datagrams sent to it, and
# none arrives.
test_fw_udp_denied_counted() {
    need_sluice || return
    local n before after
    before=$(fw_drop_packets "udp,tp_dst=7001")
    [ -n "$before" ] || { echo "no drop flow for udp,tp_dst=7001"; return 1; }
    n=$(udp_probe 7001 10)
    after=$(fw_drop_packets "udp,tp_dst=7001")
    [ "$n" = 0 ] || { echo "UDP to denied port 7001: $n datagrams arrived"; return 1; }
    [ $((after - before)) = 10 ] ||
        { echo "the drop flow counted $((after - before)) packets, 10 were sent"; return 1; }
    echo "# drop flow counted 10 of 10 denied datagrams"
}

# --- sluice-controller driving Open vSwitch ------------------------------------
CTLD_PID=
ctld_start() {
    "$SLUICE_CTL" --listen "ptcp:$CPORT:127.0.0.1" --app learning \
        >"$TMPD/sluice-controller.log" 2>&1 &
    CTLD_PID=$!
    track_pid $CTLD_PID
    wait_listen "$CPORT" 10
}
ctld_stop() {
    [ -n "$CTLD_PID" ] || return 0
    kill "$CTLD_PID" 2>/dev/null
    wait "$CTLD_PID" 2>/dev/null
    CTLD_PID=
}

# ctl_ovs_up / ctl_ovs_down: around CTL_OVS_TESTS (from run.sh).  With the
# Sluice peer, Sluice gives its ports to an OVS bridge and gets them back.
CTL_OVS_GATE=

# Stops Open vSwitch and removes its database, so ovs_start starts anew.
ctl_ovs_fresh() {
    local d=$TMPD/ovs f pids=()
    for f in vswitchd ovsdb; do
        [ -f "$d/$f.pid" ] && pids+=("$(cat "$d/$f.pid")")
    done
    ovs_stop
    for _ in $(seq 30); do
        kill -0 "${pids[@]}" 2>/dev/null || break
        sleep 0.1
    done
    rm -rf "$d"
}

ctl_ovs_up() {
    CTL_OVS_GATE=
    for tool in ovsdb-tool ovsdb-server ovs-vswitchd ovs-vsctl; do
        command -v "$tool" >/dev/null || { CTL_OVS_GATE="missing tool: $tool"; return; }
    done
    [ -x "$SLUICE_CTL" ] || { CTL_OVS_GATE="no executable $SLUICE_CTL"; return; }
    # A fresh Open vSwitch in both modes (the OVS peer has served earlier
    # controllers on the same port), like the one the Sluice peer gets.
    if [ "$PEER" = sluice ]; then sluice_stop; else ctl_ovs_fresh; fi
    ctld_start || { CTL_OVS_GATE="sluice-controller does not listen on $CPORT"; return; }
    ovs_start "$CPORT" || { CTL_OVS_GATE="Open vSwitch did not start"; return; }
    wait_grep "$TMPD/sluice-controller.log" "joined" 10 ||
        CTL_OVS_GATE="Open vSwitch did not join sluice-controller"
}
ctl_ovs_down() {
    if [ "$PEER" = sluice ]; then
        ovs_stop
        peer_start || note "the switch did not restart after the OVS tests"
    else
        peer_start || note "OVS did not drop the sluice-controller target"
    fi
}

test_ctl_ovs_ping() {
    [ -z "$CTL_OVS_GATE" ] || { echo "$CTL_OVS_GATE"; return 1; }
    ping_ok
}

test_ctl_ovs_flows() {
    [ -z "$CTL_OVS_GATE" ] || { echo "$CTL_OVS_GATE"; return 1; }
    ofctl dump-flows "$(OFCTL_TARGET)" >"$TMPD/ovs-flows.txt" 2>&1
    local n
    n=$(grep -c "cookie=$LEARN_COOKIE.*idle_timeout=60.*actions=output:[12]" "$TMPD/ovs-flows.txt")
    [ "$n" -ge 2 ] || { cat "$TMPD/ovs-flows.txt"; echo "expected >= 2 flows from sluice-controller in OVS, got $n"; return 1; }
    echo "# $n flows installed in Open vSwitch by sluice-controller"
}

test_ctl_sanitizers() {
    [ -n "$CTLD_PID" ] || { echo "sluice-controller is not running"; return 1; }
    kill -0 "$CTLD_PID" 2>/dev/null || { tail -5 "$TMPD/sluice-controller.log"; echo "sluice-controller died"; return 1; }
    ctld_stop
    if grep -Eq 'ERROR: (Address|Undefined|Leak)Sanitizer|runtime error:' "$TMPD/sluice-controller.log"; then
        grep -E -A8 'Sanitizer|runtime error:' "$TMPD/sluice-controller.log" | head -20
        echo "sanitizer report in sluice-controller's output"
        return 1
    fi
    grep -q '^controller: datapaths joined=1' "$TMPD/sluice-controller.log" ||
        { tail -3 "$TMPD/sluice-controller.log"; echo "no final report"; return 1; }
}
