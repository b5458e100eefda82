# lib.sh — shared state and helpers of the integration suite (sourced by
# run.sh and the t_*.sh test files; never run on its own).
#
# What it owns: one temp directory ($TMPD), two network namespaces
# ($NS1 $NS2, hosts 10.77.0.1/24 and 10.77.0.2/24, made by sluice-rig)
# joined to the switch by veth pairs whose root-side ends ($IF1 $IF2) are
# switch ports 1 and 2, the
# switch under test (Open vSwitch or Sluice, see peer_*), and any helper
# process recorded with track_pid.  Every name starts with $PFX ("sli<pid>")
# so parallel runs never collide.  cleanup() removes all of it and is
# installed as the EXIT trap by run.sh, so it runs on failure too.
#
# Results: pass NAME / fail NAME REASON / skip NAME REASON print "ok NAME",
# "FAIL NAME: REASON" or "skip NAME: REASON" and count them.

PFX=${PFX:-sli$$}
NS1=$PFX-h1 NS2=$PFX-h2
IF1=$PFX-p1 IF2=$PFX-p2          # switch side (ports 1, 2)
HIF1=eth0 HIF2=eth0              # host side, inside NS1 / NS2 (the rig's names)
H1=10.77.0.1 H2=10.77.0.2
DPID=0000000000000abc
BR=$PFX-br
PY=/usr/bin/python3
HERE=${HERE:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
N_PASS=0 N_FAIL=0 N_SKIP=0
PIDS=()

pass() { echo "ok $1"; N_PASS=$((N_PASS + 1)); }
fail() { echo "FAIL $1: $2"; N_FAIL=$((N_FAIL + 1)); }
skip() { echo "skip $1: $2"; N_SKIP=$((N_SKIP + 1)); }
note() { echo "# $*"; }
track_pid() { PIDS+=("$1"); }

# Prints a TCP port on 127.0.0.1 that nobody listens on.
free_port() {
    local p
    for _ in $(seq 50); do
        p=$((20000 + RANDOM % 30000))
        ss -Hltn "sport = :$p" | grep -q . || { echo $p; return 0; }
    done
    return 1
}

# Waits up to $2 seconds (default 5) for a TCP listener on port $1.
# Returns 0 when it appears.
wait_listen() {
    local i n=$(( ${2:-5} * 10 ))
    for ((i = 0; i < n; i++)); do
        ss -Hltn "sport = :$1" | grep -q . && return 0
        sleep 0.1
    done
    return 1
}

# Waits up to $3 seconds for the extended regexp $2 to appear in file $1.
wait_grep() {
    local i n=$(( ${3:-5} * 10 ))
    for ((i = 0; i < n; i++)); do
        grep -Eq -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# ovs-ofctl against the switch's ptcp listener, OpenFlow 1.0 only, bounded.
ofctl() {
    OVS_RUNDIR=$TMPD timeout 10 ovs-ofctl -O OpenFlow10 --timeout=5 "$@"
}
OFCTL_TARGET() { echo "tcp:127.0.0.1:$OFPORT"; }

# --- hosts -----------------------------------------------------------------

# Creates the two hosts with the host test rig (build/.../sluice-rig, see
# tests/rig/README.md): namespaces $NS1 $NS2 with eth0 on veth pairs whose
# root ends $IF1 $IF2 become switch ports 1 and 2.  Sluice is tested with
# the veths' offloads on (checksum, TSO, GSO, GRO), as users have them: its
# afpacket ports complete checksums and segment super-frames.  Open
# vSwitch's userspace datapath needs them off (iperf3 stalls otherwise).
# Returns non-zero on failure (the rig has then removed what it made).
topo_up() {
    local off=on
    [ "$PEER" = ovs ] && off=off
    printf '%s\n' "prefix $PFX" "switch-port veth" "offload $off" \
        "host h1 $H1/24" "host h2 $H2/24" >"$TMPD/topo"
    "$RIG" up "$TMPD/topo" >"$TMPD/rig.out" 2>&1 && return 0
    cat "$TMPD/rig.out"
    return 1
}

topo_down() {
    [ -x "$RIG" ] && "$RIG" --prefix "$PFX" down >/dev/null 2>&1
}

# wait_ns_listen t|u PORT: waits up to 3 s for a TCP (t) or UDP (u) socket
# bound to PORT in $NS2.  Returns 0 when there is one.
wait_ns_listen() {
    for _ in $(seq 30); do
        ip netns exec "$NS2" ss -Hl"$1"n "sport = :$2" | grep -q . && return 0
        sleep 0.1
    done
    return 1
}

# --- the switch under test -------------------------------------------------
# peer_start [CONTROLLER_PORT]: starts the switch with a ptcp listener on
# $OFPORT and, when given, an active connection to tcp:127.0.0.1:PORT.
# peer_stop: stops it.  Both are idempotent; peer_start restarts.

ovs_env() {
    export OVS_RUNDIR=$TMPD/ovs OVS_DBDIR=$TMPD/ovs OVS_LOGDIR=$TMPD/ovs \
        OVS_SYSCONFDIR=$TMPD/ovs
}
vsctl() { timeout 10 ovs-vsctl --db="unix:$TMPD/ovs/db.sock" "$@"; }

# Starts OVS (first call) and sets its controllers; on failure prints the
# last log lines as notes.  Returns 0 when the ptcp listener is up.
ovs_start() {
    ovs_start_inner "$@" && return 0
    echo "# ovs: no listener on $OFPORT; last log lines:"
    tail -n 5 "$TMPD/ovs/start.log" "$TMPD/ovs/vswitchd.log" 2>&1 | sed 's/^/#   /'
    return 1
}

ovs_start_inner() {
    local d=$TMPD/ovs ctl=ptcp:$OFPORT:127.0.0.1
    [ -n "${1:-}" ] && ctl="$ctl tcp:127.0.0.1:$1"
    if [ ! -S "$d/db.sock" ]; then
        mkdir -p "$d"
        ( ovs_env
          ovsdb-tool create "$d/conf.db" /usr/share/openvswitch/vswitch.ovsschema &&
          ovsdb-server --remote="punix:$d/db.sock" --pidfile="$d/ovsdb.pid" \
              --detach --log-file="$d/ovsdb.log" "$d/conf.db" &&
          vsctl --no-wait init &&
          ovs-vswitchd "unix:$d/db.sock" --pidfile="$d/vswitchd.pid" \
              --detach --log-file="$d/vswitchd.log" ) >"$d/start.log" 2>&1 ||
            return 1
        vsctl -- add-br "$BR" -- set bridge "$BR" datapath_type=netdev \
            protocols=OpenFlow10 fail_mode=secure \
            other-config:datapath-id=$DPID \
            -- add-port "$BR" "$IF1" -- set interface "$IF1" ofport_request=1 \
            -- add-port "$BR" "$IF2" -- set interface "$IF2" ofport_request=2 ||
            return 1
    fi
    # shellcheck disable=SC2086
    vsctl set-controller "$BR" $ctl || return 1
    wait_listen "$OFPORT" 10
}

ovs_stop() {
    local d=$TMPD/ovs f
    [ -d "$d" ] || return 0
    [ -S "$d/db.sock" ] && vsctl --if-exists del-br "$BR" >/dev/null 2>&1
    for f in vswitchd ovsdb; do
        [ -f "$d/$f.pid" ] && kill "$(cat "$d/$f.pid")" 2>/dev/null
    done
    rm -f "$d/db.sock"
    ip link del "$BR" 2>/dev/null
    return 0
}

SLUICE_PID=
sluice_start() {
    sluice_stop
    local args=(--port "afpacket:$IF1" --port "afpacket:$IF2"
                --listen "ptcp:$OFPORT:127.0.0.1" --dpid $DPID)
    [ -n "${1:-}" ] && args+=(--controller "tcp:127.0.0.1:$1")
    # shellcheck disable=SC2206 # extra options are words on purpose
    [ -n "${SLUICE_EXTRA:-}" ] && args+=($SLUICE_EXTRA)
    "$SLUICE" "${args[@]}" >>"$TMPD/sluice.log" 2>&1 &
    SLUICE_PID=$!
    wait_listen "$OFPORT" 10
}

sluice_stop() {
    [ -n "$SLUICE_PID" ] || return 0
    kill "$SLUICE_PID" 2>/dev/null
    for _ in $(seq 50); do
        kill -0 "$SLUICE_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -9 "$SLUICE_PID" 2>/dev/null
    wait "$SLUICE_PID" 2>/dev/null
    SLUICE_PID=
}

# Is the switch process alive?  (OVS: always assumed.)
peer_alive() {
    [ "$PEER" = ovs ] && return 0
    [ -n "$SLUICE_PID" ] && kill -0 "$SLUICE_PID" 2>/dev/null
}

peer_start() { if [ "$PEER" = ovs ]; then ovs_start "$@"; else sluice_start "$@"; fi; }
peer_stop() { if [ "$PEER" = ovs ]; then ovs_stop; else sluice_stop; fi; }

# Does the switch answer OpenFlow on $OFPORT?  Returns 0 when it does.
peer_answers() { ofctl show "$(OFCTL_TARGET)" >/dev/null 2>&1; }

# Stops every background process in PIDS and reaps it.  Returns 0.
stop_pids() {
    local p
    for p in "${PIDS[@]}"; do
        kill "$p" 2>/dev/null
    done
    for p in "${PIDS[@]}"; do
        wait "$p" 2>/dev/null
    done
    return 0
}

cleanup() {
    stop_pids
    peer_stop
    [ "$PEER" = ovs ] || ovs_stop
    topo_down
    if [ -n "${KEEP_LOGS:-}" ]; then
        echo "# logs kept in $TMPD"
    else
        rm -rf "$TMPD"
    fi
}

# run_test NAME: runs the function test_NAME with its output in a log.
# Exit status 0 = ok, 77 = skip, anything else = FAIL; the reason is the
# function's last output line (earlier lines are shown indented on FAIL).
# When $GATE is set (the switch does not answer OpenFlow) tests that need
# OpenFlow fail at once with that reason instead of timing out one by one.
run_test() {
    local name=$1 log=$TMPD/test-$1.log rc
    if [ -n "${GATE:-}" ]; then
        fail "$name" "$GATE"
        return
    fi
    "test_$name" >"$log" 2>&1
    rc=$?
    local reason
    reason=$(grep -v '^$' "$log" | tail -1)
    case $rc in
    0) pass "$name"; grep '^# ' "$log" ;;
    77) skip "$name" "$reason" ;;
    *) fail "$name" "${reason:-exit status $rc}"
       grep -v '^$' "$log" | head -n -1 | tail -8 | sed 's/^/  | /' ;;
    esac
}

# expect_grep REGEX FILE WHAT: returns 0 when FILE matches, else prints
# "WHAT: expected /REGEX/ in output" and returns 1.
expect_grep() {
    grep -Eq -- "$1" "$2" && return 0
    sed 's/^/  /' "$2" | head -20
    echo "${3:-output}: expected /$1/"
    return 1
}
