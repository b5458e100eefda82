#!/bin/bash
# bench/chanbench.sh — what idle OpenFlow sessions cost: the switch's CPU
# and the ping through it with 0..2,000 sessions that did HELLO and then
# only answer echo requests, Sluice against Open vSwitch (userspace
# datapath) in the same run.
#
# usage: bench/chanbench.sh [--runs N] [--sessions "0 1000 2000"]
#                           [--before OLD_BUILD_DIR] [BUILD_DIR]
#   --before  also measures an older Sluice build (e.g. one from before
#             issue 13) the same way, for a before/after table
#
# Topology (bench/lib.sh): two rig hosts on veths, switch ports 1 and 2,
# flows in_port=1->2 and 2->1; the sessions come from tests/chan/ofpeer.py
# (`idle`) over loopback to the switch's ptcp listener.  Per switch, per
# session count, RUNS times: start the sessions, wait until all are up,
# then measure the switch process's CPU over 10 s (/proc utime+stime) and
# 50 pings h1 -> h2.  Prints medians (min..max) and the OVS / Sluice CPU
# ratio; writes results/chanbench.csv and results/chanbench.png.
# shellcheck disable=SC2034  # OFPORT, PEER: read by tests/integration/lib.sh
set -u
runs=3 sessions="0 1000 2000" before=
while [ $# -gt 0 ]; do
    case $1 in
    --runs) runs=$2; shift ;;
    --sessions) sessions=$2; shift ;;
    --before) before=$2; shift ;;
    *) break ;;
    esac
    shift
done
build=${1:-build/unix}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
echo "== chanbench: idle OpenFlow sessions, Sluice vs Open vSwitch (netdev) =="
bench_net_init || { echo "chanbench: cannot build the veth/namespace topology"; exit 1; }
OFPORT=$(free_port)
csv=$RESULTS/chanbench.csv
echo "switch,sessions,run,cpu_pct,ping_median_ms,sessions_up" >"$csv"
printf '%s\n' "in_port=1,actions=output:2" "in_port=2,actions=output:1" >"$TMPD/fwd.flows"
IDLE_PID=
idle_stop() {
    [ -n "$IDLE_PID" ] && kill "$IDLE_PID" 2>/dev/null && wait "$IDLE_PID" 2>/dev/null
    IDLE_PID=
}
BENCH_EXIT_HOOK=idle_stop

# cpu_pct PID SECONDS: the process's CPU use over SECONDS, in % of a core.
cpu_pct() {
    local t0 t1
    t0=$(cpu_ticks "$1")
    sleep "$2"
    t1=$(cpu_ticks "$1")
    awk -v a="$t0" -v b="$t1" -v hz="$(getconf CLK_TCK)" -v s="$2" \
        'BEGIN {printf "%.2f", (b - a) * 100 / hz / s}'
}

# ping_median: median RTT (ms) of 50 pings h1 -> h2.
ping_median() {
    ip netns exec "$NS1" ping -n -c 50 -i 0.02 -W 1 10.77.0.2 2>/dev/null |
        sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' | median | cut -d' ' -f1
}

# sessions_up: how many sessions the idle client has up now.
sessions_up() {
    if grep -q '^idle: [0-9]* sessions' "$TMPD/idle.out"; then
        sed -n 's/^idle: \([0-9]*\) sessions.*/\1/p' "$TMPD/idle.out" | head -1
    else
        sed -n 's/^idle: \([0-9]*\) up/\1/p' "$TMPD/idle.out" | tail -1
    fi
}

# measure NAME PID: every session count, RUNS times, into the CSV (with
# the sessions actually up: a switch may not accept them all in 3 minutes).
measure() {
    local sw=$1 pid=$2 n r cpu rtt up
    for n in $sessions; do
        for r in $(seq "$runs"); do
            : >"$TMPD/idle.out"
            if [ "$n" -gt 0 ]; then
                sh -c 'ulimit -n 8192; exec "$@"' sh /usr/bin/python3 "$here/../tests/chan/ofpeer.py" \
                    idle 127.0.0.1 "$OFPORT" "$n" 400 >"$TMPD/idle.out" 2>&1 &
                IDLE_PID=$!
                wait_grep "$TMPD/idle.out" "^idle: $n sessions" 180 ||
                    echo "  $sw: only $(sessions_up) of $n sessions up after 3 minutes"
            fi
            sleep 2
            cpu=$(cpu_pct "$pid" 10)
            rtt=$(ping_median)
            up=$(sessions_up)
            idle_stop
            echo "  $sw, $n sessions ($up up), run $r: CPU ${cpu}% of a core, ping median ${rtt} ms"
            echo "$sw,$n,$r,$cpu,$rtt,${up:-0}" >>"$csv"
            sleep 1
        done
    done
}

sluice_bench() { # NAME BUILD [ARGS...]
    local name=$1 b=$2
    shift 2
    if bench_sluice_start "$b" --flows "$TMPD/fwd.flows" "$@"; then
        measure "$name" "$SLUICE_PID"
    else
        echo "  $name did not start: $(tail -1 "$TMPD/sluice.log")"
    fi
    sluice_stop
}

ulimit -n 8192
sluice_bench sluice "$build" --max-connections 2100
[ -n "$before" ] && sluice_bench sluice-before "$before"
if bench_ovs_start; then
    ofctl add-flows "$(OFCTL_TARGET)" "$TMPD/fwd.flows"
    measure ovs "$(cat "$TMPD/ovs/vswitchd.pid")"
else
    echo "  Open vSwitch did not start"
fi
ovs_stop

echo
printf '%-14s %9s %9s %22s %17s\n' switch sessions "up (min)" "CPU % (median min..max)" "ping ms (median)"
summary=$RESULTS/chanbench_summary.csv
echo "label,median,min,max" >"$summary"
for sw in sluice sluice-before ovs; do
    for n in $sessions; do
        grep -q "^$sw,$n," "$csv" || continue
        read -r m lo hi <<<"$(awk -F, -v s="$sw" -v n="$n" '$1 == s && $2 == n {print $4}' "$csv" | median)"
        p=$(awk -F, -v s="$sw" -v n="$n" '$1 == s && $2 == n {print $5}' "$csv" | median | cut -d' ' -f1)
        u=$(awk -F, -v s="$sw" -v n="$n" '$1 == s && $2 == n {print $6}' "$csv" | median | cut -d' ' -f2)
        printf '%-14s %9s %9s %10s (%s..%s) %17s\n' "$sw" "$n" "$u" "$m" "$lo" "$hi" "$p"
        echo "$sw $n,$m,$lo,$hi" >>"$summary"
    done
done
top=${sessions##* }
s=$(awk -F, -v n="$top" '$1 == "sluice " n {print $2}' "$summary")
o=$(awk -F, -v n="$top" '$1 == "ovs " n {print $2}' "$summary")
[ -n "$s" ] && [ -n "$o" ] &&
    awk -v s="$s" -v o="$o" -v n="$top" 'BEGIN {
        if (s > 0) printf "OVS / Sluice CPU with %d idle sessions: %.1fx\n", n, o / s
        else printf "Sluice CPU with %d idle sessions rounds to 0\n", n }'
plot_bars "$summary" "$RESULTS/chanbench.png" "Switch CPU with idle OpenFlow sessions (median of $runs)" \
    "% of one core"
