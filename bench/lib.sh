# bench/lib.sh — helpers shared by the benchmark scripts (sourced, never run).
# shellcheck shell=bash disable=SC2034,SC3043
#
# median: reads numbers on stdin, prints "MEDIAN MIN MAX".
# plot_bars CSV PNG TITLE YLABEL: a bar chart with min..max error bars from
#   a CSV whose columns are label,median,min,max (header line skipped), with
#   gnuplot (pngcairo, else png).  Prints a note and returns 0 when gnuplot
#   is missing: plots are a convenience, the CSV is the record.
# RESULTS: bench/results (created).

RESULTS=${RESULTS:-$(cd "$(dirname "$0")" && pwd)/results}
mkdir -p "$RESULTS"

median() {
    sort -g | awk '{a[NR] = $1} END {
        if (NR == 0) { print "nan nan nan"; exit }
        m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
        print m, a[1], a[NR] }'
}

plot_bars() {
    local csv=$1 png=$2 title=$3 ylabel=$4 term=png
    if ! command -v gnuplot >/dev/null; then
        echo "# no gnuplot: $png not drawn"
        return 0
    fi
    gnuplot -e "set terminal pngcairo" >/dev/null 2>&1 && term=pngcairo
    gnuplot <<GP 2>/dev/null || echo "# gnuplot failed: $png not drawn"
set terminal $term size 1000,500 noenhanced
set output "$png"
set datafile separator ","
set title "$title"
set ylabel "$ylabel"
set style fill solid 0.6
set boxwidth 0.6
set xtics rotate by -30
set grid ytics
set yrange [0:*]
plot "$csv" every ::1 using 0:2:xtic(1) with boxes notitle, \
     "" every ::1 using 0:2:3:4 with yerrorbars lc rgb "black" pt 0 notitle
GP
}

# --- networked benchmarks (ofbench.sh, e2e.sh) -------------------------------
# bench_net_init [BUILD [TOPOLOGY]]: a temp dir ($TMPD), the integration suite's helpers
# (tests/integration/lib.sh: ovs_start/ovs_stop, vsctl, ofctl, free_port,
# wait_listen, cleanup) with the unique prefix PFX="slb<pid>", cleanup on
# every exit (bench_on_exit), and the veth topology of the host rig
# (bench_rig_up TOPOLOGY, default veth).  The rig is BUILD/sluice-rig (BUILD defaults to the
# caller's $build, else build/unix).  Returns non-zero when the topology
# cannot be built.
bench_net_init() {
    local repo
    repo=$(cd "$(dirname "$0")/.." && pwd)
    TMPD=$(mktemp -d /tmp/slbench.XXXXXX)
    PFX=slb$$
    PEER=sluice
    HERE=$repo/tests/integration
    RIG=${1:-${build:-build/unix}}/sluice-rig
    # shellcheck disable=SC1091
    . "$repo/tests/integration/lib.sh"
    trap bench_on_exit EXIT
    trap 'exit 130' INT TERM
    [ -x "$RIG" ] || { echo "# bench: $RIG is not built (make bench-programs)"; return 1; }
    bench_rig_up "${2:-veth}"
}

# bench_on_exit: the EXIT trap.  Stops the sender, runs the caller's
# $BENCH_EXIT_HOOK (a command: its own helper processes), the integration
# cleanup (switch processes, Open vSwitch, temp dir), then removes every
# rig object named $PFX-*.  Safe to run twice.
BENCH_EXIT_HOOK=
bench_on_exit() {
    trap - EXIT
    sender_stop
    [ -n "$BENCH_EXIT_HOOK" ] && $BENCH_EXIT_HOOK
    cleanup
    bench_rig_down
}

# bench_rig_up veth|tap|bridge: (re)builds the two-host topology with the
# rig (`sluice-rig --prefix $PFX up`, offloads off on every veth): hosts h1
# 10.77.0.1/24 (the sender) and h2 10.77.0.2/24 (the receiver) in namespaces
# $NS1 $NS2, their interfaces $HIF1 $HIF2 (eth0).  Sets RIG_PORTS to the
# switch port specs (afpacket:IF or tap:IF; empty with "bridge", whose
# switch is the rig's Linux bridge $RIG_BRIDGE), IF1 IF2 to the port
# interfaces (veth: the root veth ends; tap: the taps; bridge: the bridge's
# veth ports).  Returns non-zero (and prints the rig's error) on failure.
RIG_PORTS=() RIG_BRIDGE=
bench_rig_up() {
    bench_rig_down
    printf 'switch-port %s\noffload off\nhost h1 10.77.0.1/24\nhost h2 10.77.0.2/24\n' "$1" >"$TMPD/rig.topo"
    if ! "$RIG" --prefix "$PFX" up "$TMPD/rig.topo" >"$TMPD/rig.out" 2>"$TMPD/rig.err"; then
        sed 's/^/# rig: /' "$TMPD/rig.err"
        return 1
    fi
    mapfile -t RIG_PORTS < <(awk '$1 == "port" {print $3}' "$TMPD/rig.out")
    RIG_BRIDGE=$(awk '$1 == "bridge" {print $2}' "$TMPD/rig.out")
    NS1=$(awk '$1 == "host" && $2 == "h1" {print $3}' "$TMPD/rig.out")
    NS2=$(awk '$1 == "host" && $2 == "h2" {print $3}' "$TMPD/rig.out")
    HIF1=$(awk '$1 == "host" && $2 == "h1" {print $4}' "$TMPD/rig.out")
    HIF2=$(awk '$1 == "host" && $2 == "h2" {print $4}' "$TMPD/rig.out")
    IF1=$PFX-p1 IF2=$PFX-p2
    if [ ${#RIG_PORTS[@]} = 2 ]; then
        IF1=${RIG_PORTS[0]#*:} IF2=${RIG_PORTS[1]#*:}
    fi
    [ -n "$NS1" ] && [ -n "$NS2" ] && [ -n "$HIF1" ] && [ -n "$HIF2" ]
}

# bench_rig_down: removes everything named $PFX-* (idempotent; always 0).
bench_rig_down() {
    [ -n "${RIG:-}" ] && [ -x "$RIG" ] && "$RIG" --prefix "$PFX" down >/dev/null 2>&1
    return 0
}

# bench_sluice_start BUILD [ARGS...]: Sluice on ports 1 and 2 (afpacket)
# with a ptcp listener on $OFPORT; sets SLUICE_PID.  Returns 0 when it listens.
bench_sluice_start() {
    local build=$1
    shift
    sluice_stop
    "$build/sluice" --port "afpacket:$IF1" --port "afpacket:$IF2" \
        --listen "ptcp:$OFPORT:127.0.0.1" --dpid $DPID "$@" >>"$TMPD/sluice.log" 2>&1 &
    SLUICE_PID=$!
    wait_listen "$OFPORT" 10
}

# bench_ovs_start: ovs_start, after waiting up to 2 minutes for the host's
# one "ovs-netdev" tap to be free: every ovs-vswitchd with a netdev datapath
# creates it, so two instances (e.g. a parallel integration run) collide.
# Returns ovs_start's status.
bench_ovs_start() {
    local i
    for i in $(seq 240); do
        ip link show ovs-netdev >/dev/null 2>&1 || break
        [ "$i" = 1 ] && echo "# waiting for another Open vSwitch to release ovs-netdev"
        sleep 0.5
    done
    ovs_start
}

# trafgen_conf FILE random|fixed: 64-byte (60 + FCS) UDP frames 10.77.0.1 ->
# 10.77.0.2; "random" gives every frame a random source MAC (a miss storm),
# "fixed" one flow.
trafgen_conf() {
    local src="0x02, 0x00, 0x00, 0x00, 0x00, 0x01"
    [ "$2" = random ] && src="0x02, drnd(5)"
    cat >"$1" <<TG
{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x02, $src, 0x08, 0x00,
  0x45, 0x00, 0x00, 0x2e, 0x00, 0x00, 0x00, 0x00, 0x40, 0x11, csumip(14, 33),
  10, 77, 0, 1, 10, 77, 0, 2,
  0x04, 0x00, 0x13, 0x89, 0x00, 0x1a, 0x00, 0x00,
  fill(0x00, 18) }
TG
}

# sender_start CONF [TRAFGEN ARGS...]: trafgen (one process) sending CONF
# out of $HIF1 in $NS1 until sender_stop, as fast as it can unless the
# arguments say otherwise (e.g. -t 2ms: one frame every 2 ms).  Sets
# SENDER_PID.
SENDER_PID=
sender_start() {
    local conf=$1
    shift
    ip netns exec "$NS1" trafgen -i "$conf" -o "$HIF1" -P 1 -q -C "$@" >"$TMPD/trafgen.log" 2>&1 &
    SENDER_PID=$!
    sleep 0.5
}

sender_stop() {
    [ -n "${SENDER_PID:-}" ] || return 0
    # trafgen forks one worker per CPU it uses: stop the workers (children of
    # the process we started), then the parent.
    pkill -INT -P "$SENDER_PID" 2>/dev/null
    kill -INT "$SENDER_PID" 2>/dev/null
    for _ in $(seq 30); do kill -0 "$SENDER_PID" 2>/dev/null || break; sleep 0.1; done
    pkill -KILL -P "$SENDER_PID" 2>/dev/null
    kill -KILL "$SENDER_PID" 2>/dev/null
    wait "$SENDER_PID" 2>/dev/null
    SENDER_PID=
}

# rx_count NS IF: packets received by interface IF in namespace NS.
rx_count() {
    ip netns exec "$1" cat "/sys/class/net/$2/statistics/rx_packets"
}

# cpu_ticks PID: utime + stime of a process (all its threads), in clock ticks.
cpu_ticks() {
    awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0
}
