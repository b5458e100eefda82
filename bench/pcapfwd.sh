#!/bin/sh
# First forwarding figure: packets per second through pcap ports (file in,
# file out: this measures the whole program including libpcap reading and
# writing, not the datapath alone; bench/dpbench does that), and
# instructions per packet from callgrind (difference of two runs, so start-up
# cost cancels out).
# usage: bench/pcapfwd.sh [BUILD_DIR] [PACKETS] [RUNS]
set -e
build=${1:-build/unix}
n=${2:-1000000}
runs=${3:-5}
tmp=$(mktemp -d /tmp/sluice-pcapfwd.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
here=$(dirname "$0")
python3 "$here/mkpcap.py" "$tmp/in.pcap" "$n"
python3 "$here/mkpcap.py" "$tmp/small.pcap" 100000
python3 "$here/mkpcap.py" "$tmp/large.pcap" 200000
echo "in_port=1,actions=output:2" >"$tmp/flows"
run() { "$build/sluice" --port "pcap:$1,$tmp/o1.pcap" --port "pcap:-,$tmp/o2.pcap" --flows "$tmp/flows" >/dev/null; }
rates=""
for _ in $(seq "$runs"); do
    t0=$(date +%s%N); run "$tmp/in.pcap"; t1=$(date +%s%N)
    rates="$rates $(echo "$n $t0 $t1" | awk '{printf "%.0f", $1 / (($3 - $2) / 1e9)}')"
done
median=$(echo $rates | tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "pcap->pcap, 60-byte frames, one flow: runs (pps):$rates"
echo "pcap->pcap median: $median pps"
if command -v valgrind >/dev/null; then
    ir() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$build/sluice" --port "pcap:$1,$tmp/o1.pcap" \
        --port "pcap:-,$tmp/o2.pcap" --flows "$tmp/flows" 2>&1 >/dev/null | awk '/Collected/ {print $4}'; }
    a=$(ir "$tmp/small.pcap"); b=$(ir "$tmp/large.pcap")
    echo "callgrind: $(( (b - a) / 100000 )) instructions per packet (whole program incl. libpcap I/O)"
fi
