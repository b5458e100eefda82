#!/bin/sh
# `make run` until the host rig and embedded controller land (issue 4): replays
# three hosts' traffic (tests/pcap/cases/act_normal) through the switch with
# one flow, actions=normal (a MAC-learning switch), then shows what came out
# of each port with tshark and the switch's counters.
# Usage: mk/run-demo.sh BUILD_DIR
set -e
build=${1:-build/unix}
case=tests/pcap/cases/act_normal
out=$(mktemp -d /tmp/sluice-demo.XXXXXX)
trap 'rm -rf "$out"' EXIT
echo "== Sluice demo: 3 hosts on a learning switch (flows: $(cat $case/flows.txt))"
for p in 1 2 3; do
    echo "-- host on port $p sends:"
    tshark -r "$case/in$p.pcap" -T fields -e frame.number -e eth.src -e eth.dst -e _ws.col.Info 2>/dev/null | sed 's/^/   /'
done
echo "== running: $build/sluice --port pcap:in1.pcap,out1.pcap ... --flows flows.txt"
"$build/sluice" --port "pcap:$case/in1.pcap,$out/out1.pcap" \
    --port "pcap:$case/in2.pcap,$out/out2.pcap" --port "pcap:$case/in3.pcap,$out/out3.pcap" \
    --port "pcap:-,$out/out4.pcap" --flows "$case/flows.txt"
for p in 1 2 3 4; do
    echo "-- port $p transmitted:"
    tshark -r "$out/out$p.pcap" -T fields -e frame.number -e eth.src -e eth.dst -e _ws.col.Info 2>/dev/null | sed 's/^/   /'
done
