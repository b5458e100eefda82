#!/bin/sh
# The ceiling for bench/dpbench: Debian's dpdk-testpmd forwarding between
# two null PMDs on one forwarding core (lcore 1; lcore 0 only runs the
# interactive prompt), without hugepages.  For each forward mode it samples
# "show port stats all" every SECONDS and prints the forwarded packets per
# second (Rx-pps of both ports added up) of each sample and their median.
# usage: bench/testpmd.sh [RUNS] [SECONDS] [MODES]
# Output lines: "testpmd MODE median MPPS min..max" (or "testpmd unavailable:
# REASON").  Exit status 0 even when testpmd cannot run, so `make bench`
# goes on; the reason is printed.
runs=${1:-3}
secs=${2:-2}
modes=${3:-"io macswap"}
if ! command -v dpdk-testpmd >/dev/null; then
    echo "testpmd unavailable: dpdk-testpmd not installed (Debian package dpdk-dev + librte-net-null23; mk/deps.sh)"
    exit 0
fi
for mode in $modes; do
    out=$( (sleep 2; echo "show port stats all"
            for _ in $(seq "$runs"); do sleep "$secs"; echo "show port stats all"; done
            sleep 0.3; echo quit) |
          timeout $((runs * secs + 30)) dpdk-testpmd --no-huge -m 512 --no-pci --no-telemetry \
              --vdev net_null0 --vdev net_null1 -l 0,1 -- -i --nb-cores=1 \
              --total-num-mbufs=16384 --forward-mode="$mode" --auto-start 2>&1)
    samples=$(echo "$out" | awk '/Rx-pps:/ {s += $2; n++; if (n % 2 == 0) {print s / 1e6; s = 0}}' |
              tail -n "$runs")
    if [ -z "$samples" ] || [ "$(echo "$samples" | sort -n | tail -1)" = 0 ]; then
        why=$(echo "$out" | grep -m1 -E "Cause|FATAL|Error" || echo "no statistics")
        echo "testpmd unavailable: $mode: $why"
        continue
    fi
    echo "$samples" | sort -n | awk -v m="$mode" '{a[NR] = $1}
        END {med = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
             printf "testpmd %s median %.2f %.2f..%.2f\n", m, med, a[1], a[NR]}'
done
