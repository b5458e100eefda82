#!/bin/bash
# bench/dpbench.sh — the datapath benchmark with its ceiling, in one run.
#
# usage: bench/dpbench.sh [--perf] [--callgrind] [--runs N] [--only a,b] [BUILD_DIR]
#
# 1. dpdk-testpmd io and macswap on two null PMDs, one forwarding core
#    (bench/testpmd.sh): the ceiling.
# 2. BUILD_DIR/bench/dpbench (default build/unix), every scenario, with the
#    ratio to testpmd macswap, pinned to CPU 1 like testpmd's forwarding
#    core.  --perf runs it under `perf stat` (and says when the hardware
#    counters are not supported here), then samples it once more with
#    `perf record -e cpu-clock` and prints the top symbols.
# 3. --callgrind: instructions per packet of each scenario's timed loop
#    (callgrind collecting bench_timed_loop only), as the difference of a
#    200k- and a 100k-packet run, so set-up and warm-up cancel out.
# Writes results/dpbench.csv (every run), results/dpbench_summary.csv and
# results/dpbench.png.
set -u
perf=0 cg=0 runs=5 only=""
while [ $# -gt 0 ]; do
    case $1 in
    --perf) perf=1 ;;
    --callgrind) cg=1 ;;
    --runs) runs=$2; shift ;;
    --only) only=$2; shift ;;
    *) break ;;
    esac
    shift
done
build=${1:-build/unix}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
bin=$build/bench/dpbench
# The same core as testpmd's forwarding lcore (1), when there is one.
pin=""
[ "$(nproc)" -gt 1 ] && command -v taskset >/dev/null && pin="taskset -c 1"
[ -x "$bin" ] || { echo "dpbench: $bin not built (make bench)"; exit 1; }

# The machine beside every ratio: the ratio to testpmd depends on the CPU
# (issue 14: 1.08x here, 0.50-0.65x on an Intel Xeon) and on how the clock
# is read once per poll (a clocksource without vDSO support makes every
# clock_gettime a system call; libos/unix/clock.c then extrapolates the TSC).
cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
clksrc=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null || echo unknown)
echo "== dpbench: the datapath alone (in-memory ports, one core) =="
echo "CPU: ${cpu:-unknown}; clocksource: $clksrc"
tp=$("$here/testpmd.sh" 3 2)
echo "$tp"
macswap=$(echo "$tp" | awk '$2 == "macswap" && $3 == "median" {print $4}')
tp_row() { echo "$tp" | awk -v m="$1" '$2 == m && $3 == "median" {
    split($5, r, /\.\./); printf "%s,%s,%s", $4, r[1], r[2]}'; }

csv=$RESULTS/dpbench.csv
echo "scenario,run,packets,ns,tsc_cycles,mpps" >"$csv"
args="--runs $runs --csv $csv ${macswap:+--ceiling $macswap} ${only:+--only $only}"
out=$RESULTS/dpbench.txt
if [ $perf = 1 ]; then
    if perf stat -e instructions true 2>&1 | grep -q "not supported"; then
        echo "perf: hardware counters (cycles, instructions) are <not supported> on this machine" \
             "(virtual CPU without a PMU): perf stat reports software counters only"
    fi
    # shellcheck disable=SC2086
    perf stat -e task-clock,context-switches,cpu-migrations,page-faults,cycles,instructions,cache-misses \
        $pin "$bin" $args 2>&1 | tee "$out"
    # Sampling on the cpu-clock software event works without a PMU: where
    # the time goes, over every selected scenario (set-up included).
    echo "perf record -e cpu-clock: top symbols (all selected scenarios, set-up included)"
    # shellcheck disable=SC2086
    perf record -q -e cpu-clock -F 5000 -o "$RESULTS/perf.data" $pin "$bin" $args >/dev/null 2>&1 &&
        perf report -i "$RESULTS/perf.data" --no-children --sort symbol 2>/dev/null |
        grep -v '^#' | grep '%' | head -20 | tee "$RESULTS/dpbench_perf.txt"
    rm -f "$RESULTS/perf.data" "$RESULTS/perf.data.old"
else
    # shellcheck disable=SC2086
    $pin "$bin" $args | tee "$out"
fi

sum=$RESULTS/dpbench_summary.csv
echo "scenario,mpps_median,mpps_min,mpps_max,ns_per_pkt,tsc_cycles_per_pkt,x_macswap,instr_per_pkt" >"$sum"
ir_of() { # instructions per packet of scenario $1 under callgrind
    a="" b=""
    cgrun() {
        valgrind --tool=callgrind --callgrind-out-file=/dev/null --collect-atstart=no \
            --toggle-collect=bench_timed_loop "$bin" --only "$1" --runs 1 --packets "$2" 2>&1 |
            awk '/Collected/ {print $4}'
    }
    a=$(cgrun "$1" 100000); b=$(cgrun "$1" 200000)
    [ -n "$a" ] && [ -n "$b" ] && echo $(( (b - a) / 100000 ))
}
[ $cg = 1 ] && echo "callgrind: instructions per packet (timed loop only, 200k-100k packets):"
awk '$2 ~ /^[0-9.]+$/ && $3 ~ /\.\./ {print $1, $2, $3, $4, $5, $6}' "$out" |
while read -r name mpps range nsp cyc ratio; do
    lo=${range%%..*} hi=${range##*..}
    case $ratio in [0-9]*) ;; *) ratio="" ;; esac
    ir=""
    if [ $cg = 1 ]; then
        ir=$(ir_of "$name")
        echo "  $name: ${ir:-?} instructions/packet"
    fi
    echo "$name,$mpps,$lo,$hi,$nsp,$cyc,$ratio,$ir" >>"$sum"
done
if [ -n "$macswap" ]; then
    echo "testpmd_io,$(tp_row io),,,," >>"$sum"
    echo "testpmd_macswap,$(tp_row macswap),,,1.00," >>"$sum"
    r=$(awk -F, '$1 == "exact1" {print $7}' "$sum")
    [ -n "$r" ] && echo "Sluice exact1 / testpmd macswap: $r (CPU: ${cpu:-unknown}; clocksource: $clksrc;" \
        "$(awk '/os_clock_ns via/ {sub(/.*os_clock_ns/, "os_clock_ns"); print; exit}' "$out"))"
else
    echo "no ceiling: $(echo "$tp" | head -1)"
fi
plot_bars "$sum" "$RESULTS/dpbench.png" "dpbench: Mpps per scenario (median, min..max), one core" "Mpps"
echo "wrote $csv $sum $RESULTS/dpbench.png"
