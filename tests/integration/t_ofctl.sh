# t_ofctl.sh — ovs-ofctl against the switch's ptcp listener (sourced by
# run.sh after lib.sh).  One behaviour per test_* function; each returns 0
# (ok), 77 (skip, OVS legitimately differs from the OF1.0 spec) or 1 with
# the reason on its last output line.  Output of OVS and Sluice differ in
# places (NXST_ vs OFPST_ replies when a switch refuses Nicira extensions,
# port names, description strings): the patterns accept both.

OFCTL_TESTS="show add_flow add_flows_file mod_flows mod_flows_strict
    del_flows_strict del_flows dump_flows_filter dump_flows_out_port
    dump_aggregate dump_tables dump_ports dump_ports_one dump_desc
    mod_port_down_up mod_port_noflood packet_out queue_stats
    monitor_packet_in monitor_flow_removed
    err_bad_out_port err_packet_out_bad_port err_overlap err_mod_port
    err_queue_stats_port err_queue_stats_queue"

T() { OFCTL_TARGET; }

# Deletes every flow; returns ofctl's status.
reset_flows() { ofctl del-flows "$(T)"; }

# Prints the number of flow lines that `dump-flows [FILTER]` lists.
count_flows() {
    ofctl dump-flows "$(T)" "$@" | grep -c 'actions='
}

# Dumps all flows into $TMPD/flows.txt.
dump() { ofctl dump-flows "$(T)" >"$TMPD/flows.txt" 2>&1; }

test_show() {
    local out=$TMPD/show.txt
    ofctl show "$(T)" >"$out" 2>&1 || { cat "$out"; echo "show failed"; return 1; }
    expect_grep "FEATURES_REPLY.*dpid:$DPID" "$out" "dpid" &&
    expect_grep '^ 1\([^)]+\): addr:' "$out" "port 1 with a name" &&
    expect_grep '^ 2\([^)]+\): addr:' "$out" "port 2 with a name" &&
    expect_grep 'n_tables:[1-9]' "$out" "n_tables"
}

test_add_flow() {
    reset_flows || return 1
    ofctl add-flow "$(T)" "priority=100,ip,nw_dst=10.0.0.2,actions=output:2" ||
        { echo "add-flow failed"; return 1; }
    dump
    expect_grep 'priority=100,ip,nw_dst=10\.0\.0\.2 actions=output:2' \
        "$TMPD/flows.txt" "dump-flows"
}

test_add_flows_file() {
    reset_flows || return 1
    cat >"$TMPD/flows.in" <<'EOF'
# a comment line
priority=10,in_port=1,actions=output:2
priority=10,in_port=2,actions=output:1
priority=20,arp,actions=flood
priority=30,tcp,nw_dst=10.0.0.0/24,tp_dst=80,actions=drop
EOF
    ofctl add-flows "$(T)" "$TMPD/flows.in" || { echo "add-flows failed"; return 1; }
    local n
    n=$(count_flows)
    [ "$n" = 4 ] || { ofctl dump-flows "$(T)"; echo "expected 4 flows, got $n"; return 1; }
    dump
    expect_grep 'priority=30,tcp,nw_dst=10\.0\.0\.0/24,tp_dst=80 actions=drop' \
        "$TMPD/flows.txt" "prefix match flow"
}

test_mod_flows() {
    reset_flows || return 1
    ofctl add-flow "$(T)" "priority=10,in_port=1,actions=output:2" &&
    ofctl add-flow "$(T)" "priority=20,in_port=1,ip,actions=output:2" &&
    ofctl add-flow "$(T)" "priority=10,in_port=2,actions=output:1" || return 1
    # Non-strict: every flow whose match is at least as specific as in_port=1.
    ofctl mod-flows "$(T)" "in_port=1,actions=drop" || { echo "mod-flows failed"; return 1; }
    dump
    expect_grep 'priority=10,in_port=1 actions=drop' "$TMPD/flows.txt" "first flow" &&
    expect_grep 'priority=20,ip,in_port=1 actions=drop' "$TMPD/flows.txt" "second flow" &&
    expect_grep 'priority=10,in_port=2 actions=output:1' "$TMPD/flows.txt" "unrelated flow"
}

test_mod_flows_strict() {
    reset_flows || return 1
    ofctl add-flow "$(T)" "priority=10,in_port=1,actions=output:2" &&
    ofctl add-flow "$(T)" "priority=20,in_port=1,actions=output:2" || return 1
    ofctl --strict mod-flows "$(T)" "priority=20,in_port=1,actions=drop" ||
        { echo "mod-flows --strict failed"; return 1; }
    dump
    expect_grep 'priority=20,in_port=1 actions=drop' "$TMPD/flows.txt" "modified flow" &&
    expect_grep 'priority=10,in_port=1 actions=output:2' "$TMPD/flows.txt" "other priority"
}

test_del_flows_strict() {
    reset_flows || return 1
    ofctl add-flow "$(T)" "priority=100,ip,nw_dst=10.0.0.2,actions=output:2" &&
    ofctl add-flow "$(T)" "priority=200,ip,nw_dst=10.0.0.2,actions=output:2" &&
    ofctl add-flow "$(T)" "priority=100,ip,actions=output:1" || return 1
    ofctl --strict del-flows "$(T)" "priority=100,ip,nw_dst=10.0.0.2" ||
        { echo "del-flows --strict failed"; return 1; }
    local n
    n=$(count_flows)
    [ "$n" = 2 ] || { ofctl dump-flows "$(T)"; echo "expected 2 flows left, got $n"; return 1; }
    dump
    expect_grep 'priority=200,ip,nw_dst=10\.0\.0\.2' "$TMPD/flows.txt" "other priority kept" &&
    expect_grep 'priority=100,ip actions=output:1' "$TMPD/flows.txt" "wider flow kept"
}

test_del_flows() {
    reset_flows || return 1
    ofctl add-flow "$(T)" "priority=100,ip,nw_dst=10.0.0.2,actions=output:2" &&
    ofctl add-flow "$(T)" "priority=200,tcp,actions=output:2" &&
    ofctl add-flow "$(T)" "priority=100,arp,actions=output:1" || return 1
    ofctl del-flows "$(T)" "ip" || { echo "del-flows ip failed"; return 1; }
    local n
    n=$(count_flows)
    [ "$n" = 1 ] || { ofctl dump-flows "$(T)"; echo "after del-flows ip: expected 1 flow (arp), got $n"; return 1; }
    ofctl del-flows "$(T)" || return 1
    n=$(count_flows)
    [ "$n" = 0 ] || { echo "after del-flows: expected 0 flows, got $n"; return 1; }
}

test_dump_flows_filter() {
    reset_flows || return 1
    ofctl add-flow "$(T)" "priority=5,tcp,nw_dst=10.0.0.2,tp_dst=22,actions=output:2" &&
    ofctl add-flow "$(T)" "priority=5,udp,nw_dst=10.0.0.2,actions=output:2" &&
    ofctl add-flow "$(T)" "priority=5,tcp,nw_dst=10.0.0.3,actions=output:2" || return 1
    local n
    n=$(count_flows tcp,nw_dst=10.0.0.2)
    [ "$n" = 1 ] || { echo "dump-flows tcp,nw_dst=10.0.0.2: expected 1 flow, got $n"; return 1; }
    n=$(count_flows tcp)
    [ "$n" = 2 ] || { echo "dump-flows tcp: expected 2 flows, got $n"; return 1; }
    n=$(count_flows ip)
    [ "$n" = 3 ] || { echo "dump-flows ip: expected 3 flows, got $n"; return 1; }
}

test_dump_flows_out_port() {
    reset_flows || return 1
    ofctl add-flow "$(T)" "priority=5,in_port=1,actions=output:2" &&
    ofctl add-flow "$(T)" "priority=5,in_port=2,actions=output:1" || return 1
    local n
    n=$(count_flows out_port=2)
    [ "$n" = 1 ] || { echo "dump-flows out_port=2: expected 1 flow, got $n"; return 1; }
}

test_dump_aggregate() {
    reset_flows || return 1
    ofctl add-flow "$(T)" "priority=5,in_port=1,actions=output:2" &&
    ofctl add-flow "$(T)" "priority=5,in_port=2,actions=output:1" &&
    ofctl add-flow "$(T)" "priority=5,arp,actions=drop" || return 1
    local out=$TMPD/agg.txt
    ofctl dump-aggregate "$(T)" >"$out" 2>&1 || { cat "$out"; echo "dump-aggregate failed"; return 1; }
    expect_grep 'ST_AGGREGATE reply.*flow_count=3' "$out" "aggregate of all" || return 1
    ofctl dump-aggregate "$(T)" in_port=1 >"$out" 2>&1
    expect_grep 'ST_AGGREGATE reply.*flow_count=1' "$out" "aggregate in_port=1"
}

test_dump_tables() {
    local out=$TMPD/tables.txt
    ofctl dump-tables "$(T)" >"$out" 2>&1 || { cat "$out"; echo "dump-tables failed"; return 1; }
    expect_grep 'OFPST_TABLE reply' "$out" "reply" &&
    expect_grep 'table 0' "$out" "table 0" &&
    expect_grep 'active=[0-9]+, lookup=[0-9]+, matched=[0-9]+' "$out" "counters"
}

test_dump_ports() {
    local out=$TMPD/ports.txt
    ofctl dump-ports "$(T)" >"$out" 2>&1 || { cat "$out"; echo "dump-ports failed"; return 1; }
    expect_grep 'OFPST_PORT reply' "$out" "reply" &&
    expect_grep 'port +1: rx pkts=[0-9]+' "$out" "port 1" &&
    expect_grep 'port +2: rx pkts=[0-9]+' "$out" "port 2" &&
    expect_grep 'tx pkts=[0-9]+, bytes=[0-9]+' "$out" "tx counters"
}

test_dump_ports_one() {
    local out=$TMPD/ports.txt
    ofctl dump-ports "$(T)" 2 >"$out" 2>&1 || { cat "$out"; echo "dump-ports 2 failed"; return 1; }
    expect_grep 'OFPST_PORT reply.*1 ports' "$out" "one port" &&
    expect_grep 'port +2: rx' "$out" "port 2"
}

test_dump_desc() {
    local out=$TMPD/desc.txt
    ofctl dump-desc "$(T)" >"$out" 2>&1 || { cat "$out"; echo "dump-desc failed"; return 1; }
    expect_grep 'OFPST_DESC reply' "$out" "reply" &&
    expect_grep 'Manufacturer: .+' "$out" "manufacturer" &&
    expect_grep 'Hardware: .+' "$out" "hardware" &&
    expect_grep 'Software: .+' "$out" "software" &&
    expect_grep 'DP Description: ' "$out" "dp_desc"
}

# Prints the "config:" value ovs-ofctl show lists for port $1.
port_config() {
    ofctl show "$(T)" | awk -v p=" $1(" '
        index($0, p) == 1 { on = 1; next }
        on && /config:/ { sub(/.*config: */, ""); print; exit }'
}

test_mod_port_down_up() {
    ofctl mod-port "$(T)" 2 down || { echo "mod-port down failed"; return 1; }
    local c
    c=$(port_config 2)
    [[ $c == *PORT_DOWN* ]] || { echo "after down: config '$c', want PORT_DOWN"; return 1; }
    ofctl mod-port "$(T)" 2 up || { echo "mod-port up failed"; return 1; }
    c=$(port_config 2)
    [[ $c != *PORT_DOWN* ]] || { echo "after up: config '$c' still PORT_DOWN"; return 1; }
}

test_mod_port_noflood() {
    ofctl mod-port "$(T)" 2 noflood || { echo "mod-port noflood failed"; return 1; }
    local c
    c=$(port_config 2)
    ofctl mod-port "$(T)" 2 flood
    [[ $c == *NO_FLOOD* ]] || { echo "after noflood: config '$c', want NO_FLOOD"; return 1; }
    c=$(port_config 2)
    [[ $c != *NO_FLOOD* ]] || { echo "after flood: config '$c' still NO_FLOOD"; return 1; }
}

# A broadcast frame with the local experimental ethertype 0x88b5.
PO_FRAME=ffffffffffff020000000001
PO_FRAME=${PO_FRAME}88b5
PO_FRAME=${PO_FRAME}736c756963652d7061636b65742d6f75742d74657374000000000000000000000000000000

test_packet_out() {
    local cap=$TMPD/po.pcap err=$TMPD/po.err pid n
    ip netns exec "$NS2" timeout 8 tshark -i "$HIF2" -f "ether proto 0x88b5" \
        -c 1 -a duration:6 -w "$cap" >/dev/null 2>"$err" &
    pid=$!
    wait_grep "$err" 'Capturing on' 5 || { kill $pid; echo "tshark did not start"; return 1; }
    # tshark can print "Capturing on" a moment before its capture is live
    # (the first start in a new namespace is slowest): resend until it has
    # seen one frame, at most 5 times.
    local k
    for k in 1 2 3 4 5; do
        ofctl packet-out "$(T)" 1 2 "$PO_FRAME" || { kill $pid; echo "packet-out failed"; return 1; }
        sleep 0.5
        kill -0 $pid 2>/dev/null || break
    done
    wait $pid
    n=$(tshark -r "$cap" 2>/dev/null | wc -l)
    [ "$n" -ge 1 ] || { echo "frame did not arrive on port 2"; return 1; }
}

test_queue_stats() {
    local out=$TMPD/queue.txt
    ofctl queue-stats "$(T)" >"$out" 2>&1 || { cat "$out"; echo "queue-stats failed"; return 1; }
    expect_grep 'OFPST_QUEUE reply' "$out" "reply"
}

# Starts `ovs-ofctl monitor` in the background into $TMPD/monitor.txt.
MON_PID=
monitor_start() {
    : >"$TMPD/monitor.txt"
    OVS_RUNDIR=$TMPD timeout 20 ovs-ofctl -O OpenFlow10 monitor "$(T)" 65534 -m \
        >"$TMPD/monitor.txt" 2>&1 &
    MON_PID=$!
    track_pid $MON_PID
    sleep 0.5
}
monitor_stop() { kill "$MON_PID" 2>/dev/null; wait "$MON_PID" 2>/dev/null; }

test_monitor_packet_in() {
    reset_flows || return 1
    monitor_start
    ip netns exec "$NS1" ping -c 2 -i 0.2 -W 1 $H2 >/dev/null 2>&1
    wait_grep "$TMPD/monitor.txt" 'PACKET_IN.*in_port=1' 3
    local rc=$?
    monitor_stop
    [ $rc = 0 ] || { cat "$TMPD/monitor.txt"; echo "monitor saw no packet_in from port 1"; return 1; }
    expect_grep 'total_len=[0-9]+' "$TMPD/monitor.txt" "packet_in total_len"
}

test_monitor_flow_removed() {
    reset_flows || return 1
    monitor_start
    ofctl add-flow "$(T)" "priority=9,ip,nw_dst=10.9.9.9,send_flow_rem,hard_timeout=1,actions=drop" ||
        { monitor_stop; echo "add-flow failed"; return 1; }
    wait_grep "$TMPD/monitor.txt" 'FLOW_REMOVED.*reason=hard' 5
    local rc=$?
    monitor_stop
    [ $rc = 0 ] || { cat "$TMPD/monitor.txt"; echo "monitor saw no flow_removed (reason=hard)"; return 1; }
    expect_grep 'FLOW_REMOVED.*priority=9,ip,nw_dst=10\.9\.9\.9' "$TMPD/monitor.txt" "removed flow's match"
}

# --- one server-side error per bad command --------------------------------

test_err_bad_out_port() {
    local out=$TMPD/err.txt
    ofctl add-flow "$(T)" "in_port=1,actions=output:99" >"$out" 2>&1
    if [ "$PEER" = ovs ] && ! grep -q BAD_OUT_PORT "$out"; then
        reset_flows
        echo "OVS accepts output to a port that does not exist (yet)"
        return 77
    fi
    expect_grep 'OFPBAC_BAD_OUT_PORT' "$out" "add-flow output:99"
}

test_err_packet_out_bad_port() {
    local out=$TMPD/err.txt
    ofctl packet-out "$(T)" 1 99 "$PO_FRAME" >"$out" 2>&1
    if [ "$PEER" = ovs ] && ! grep -q BAD_OUT_PORT "$out"; then
        echo "OVS accepts packet_out to a port that does not exist"
        return 77
    fi
    expect_grep 'OFPBAC_BAD_OUT_PORT' "$out" "packet-out to port 99"
}

test_err_overlap() {
    reset_flows || return 1
    ofctl add-flow "$(T)" "priority=5,ip,actions=drop" || return 1
    local out=$TMPD/err.txt
    ofctl add-flow "$(T)" "check_overlap,priority=5,ip,nw_src=1.2.3.4,actions=drop" >"$out" 2>&1
    expect_grep 'OFPFMFC_OVERLAP' "$out" "check_overlap add-flow" || return 1
    local n
    n=$(count_flows)
    [ "$n" = 1 ] || { echo "overlapping flow was added anyway ($n flows)"; return 1; }
}

# ovs-ofctl looks the port up in the features reply before sending
# port_mod, so a missing port is refused client-side ("couldn't find port");
# the server-side OFPPMFC_BAD_PORT is checked by malformed.py.
test_err_mod_port() {
    local out=$TMPD/err.txt
    ofctl mod-port "$(T)" 42 down >"$out" 2>&1 && { echo "mod-port 42 succeeded"; return 1; }
    expect_grep "couldn't find port|OFPPMFC_BAD_PORT" "$out" "mod-port 42"
}

test_err_queue_stats_port() {
    local out=$TMPD/err.txt
    ofctl queue-stats "$(T)" 99 >"$out" 2>&1
    expect_grep 'OFPT_ERROR.*OFPQOFC_BAD_PORT' "$out" "queue-stats on port 99"
}

test_err_queue_stats_queue() {
    local out=$TMPD/err.txt
    ofctl queue-stats "$(T)" 1 7 >"$out" 2>&1
    expect_grep 'OFPT_ERROR.*OFPQOFC_BAD_QUEUE' "$out" "queue-stats on queue 7"
}
