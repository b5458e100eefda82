#!/bin/sh
# bench/run.sh — `make bench`: every benchmark, one after the other, in one
# run so the ratios compare like with like.
# usage: bench/run.sh [BUILD_DIR]      (default build/unix, a release build)
# Environment: BENCH_ONLY="dpbench ofbench e2e pcapfwd ukbench netbench chanbench xen"
# selects parts;
# BENCH_RUNS (default 5 for dpbench, 3 for the others).
# Each part prints its table and writes CSV + PNG under bench/results/;
# the whole output is also kept in bench/results/last-run.txt.
build=${1:-build/unix}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$here/results"
parts=${BENCH_ONLY:-"dpbench ofbench e2e pcapfwd ukbench vm netbench chanbench xen"}
runs=${BENCH_RUNS:-}
{
    echo "# make bench, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
    for p in $parts; do
        case $p in
        dpbench) "$here/dpbench.sh" --runs "${runs:-5}" --callgrind "$build" ;;
        ofbench) "$here/ofbench.sh" --runs "${runs:-3}" "$build" ;;
        e2e) "$here/e2e.sh" --runs "${runs:-3}" "$build" ;;
        netbench) "$here/netbench.sh" --runs "${runs:-3}" "$build" ;;
        chanbench) "$here/chanbench.sh" --runs "${runs:-3}" "$build" ;;
        pcapfwd) echo "== pcapfwd: pcap file -> pcap file, whole program =="
                 "$here/pcapfwd.sh" "$build" 1000000 3 ;;
        ukbench) "$here/ukbench.sh" --runs "${runs:-3}" "$build" ;;
        vm) "$here/vm.sh" --runs "${runs:-3}" "$build" ;;
        xen) "$here/xen.sh" --runs "${runs:-3}" "$build" ;;
        *) echo "bench: unknown part $p" ;;
        esac
        echo
    done
} 2>&1 | tee "$here/results/last-run.txt"
