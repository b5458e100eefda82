#!/bin/bash
# Real hosts through the unikernel: two network namespaces wired by the host
# rig (sluice-rig, `switch-port tap`: veth -> Linux bridge -> persistent tap)
# to QEMU, which attaches the taps as virtio-net devices.  The image runs
# the embedded learning controller (--app learning).  Checks: the hosts ping
# each other both ways, and iperf3 moves data from h1 to h2.  MACHINE
# q35-mq is the multiqueue variant: the rig's taps are replaced by
# multi-queue taps (2 queues), QEMU runs virtio-net-pci with mq=on, iperf3
# runs 4 parallel streams, and the guest (stopped by --run-ms) must report
# traffic on both RX queues of h1's port.  MACHINE microvm also runs the
# firewall app (`--app firewall=fw,learning` with the rules in an in-memory
# `--file fw=...`): UDP to port 7002 arrives, to 7001 it is dropped; it is
# started the plain way (QEMU's default legacy virtio-mmio).
#
# Usage: tests/kvm/hosts.sh KERNEL RIG MACHINE(q35|microvm|q35-mq) LOGFILE
# Needs root.  Every name starts with a per-run prefix ("sk<pid>"); the rig
# and QEMU are torn down on exit, also on failure.  Prints "ok ..." /
# "FAIL ..." per check and "info ..." lines; exit status 0 when all passed.
set -u
kernel=$1 rig=$2 machine=$3 log=$4
here=$(cd "$(dirname "$0")" && pwd)
pfx=sk$$
topo=$(mktemp /tmp/sluice-kvm-topo.XXXXXX)
qpid=
cleanup() {
    [ -n "$qpid" ] && kill "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null
    ip netns pids "$pfx-h2" 2>/dev/null | xargs -r kill 2>/dev/null
    "$rig" --prefix "$pfx" down "$topo" >/dev/null 2>&1
    rm -f "$topo"
}
trap cleanup EXIT
fail=0
check() { # status, description
    if [ "$1" = 0 ]; then echo "ok   $machine $2"; else echo "FAIL $machine $2"; fail=1; fi
}

cat >"$topo" <<'TOPO'
switch-port tap
host h1 10.0.0.1/24 mac 02:00:00:00:00:01
host h2 10.0.0.2/24 mac 02:00:00:00:00:02
TOPO
if ! "$rig" --prefix "$pfx" up "$topo" >"$log.rig" 2>&1; then
    cat "$log.rig"
    check 1 "rig up"
    exit 1
fi

append="--app learning --stats-interval 1000" tapopt= qm=$machine streams=1
case $machine in
q35)
    extra=(-device "virtio-net-pci,netdev=n0,romfile=" -device "virtio-net-pci,netdev=n1,romfile=") ;;
microvm)   # also the firewall app, its rules in an in-memory --file
    append="--app firewall=fw,learning \"--file=fw=deny udp,tp_dst=7001;allow\" --stats-interval 1000"
    extra=(-device virtio-net-device,netdev=n0 -device virtio-net-device,netdev=n1) ;;
q35-mq)
    qm=q35 streams=4 tapopt=",queues=2,vhost=off" append="--app learning --run-ms 9000"
    for i in 1 2; do   # multi-queue taps in place of the rig's single-queue ones
        ip link del "$pfx-t$i" && ip tuntap add dev "$pfx-t$i" mode tap multi_queue &&
            ip link set "$pfx-t$i" master "$pfx-b$i" up || { check 1 "multi-queue taps"; exit 1; }
    done
    extra=(-device "virtio-net-pci,netdev=n0,mq=on,vectors=6,romfile=" -device "virtio-net-pci,netdev=n1,mq=on,vectors=6,romfile=") ;;
esac
start=$(date +%s.%N)
qemu-system-x86_64 -M "$qm" -accel tcg -m 8M -nographic -nodefaults -no-reboot -serial stdio \
    -kernel "$kernel" -append "$append" \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -netdev "tap,id=n0,ifname=$pfx-t1,script=no,downscript=no$tapopt" \
    -netdev "tap,id=n1,ifname=$pfx-t2,script=no,downscript=no$tapopt" "${extra[@]}" >"$log" 2>&1 &
qpid=$!
for _ in $(seq 100); do
    grep -q "ready in" "$log" && break
    kill -0 $qpid 2>/dev/null || break
    sleep 0.1
done
grep -q "ready in" "$log"
check $? "guest ready"

t0=$(date +%s.%N)
ip netns exec "$pfx-h1" ping -c 3 -i 0.2 -W 2 10.0.0.2 >"$log.ping1" 2>&1
rc=$?
t1=$(date +%s.%N)
check $rc "h1 pings h2 through the unikernel ($(grep -o '[0-9]*% packet loss' "$log.ping1"))"
ip netns exec "$pfx-h2" ping -c 3 -i 0.2 -W 2 10.0.0.1 >"$log.ping2" 2>&1
check $? "h2 pings h1 ($(grep -o 'rtt.*' "$log.ping2"))"
echo "info $machine QEMU start to first ping reply within $(echo "$t1 - $start" | bc) s (ping run $(echo "$t1 - $t0" | bc) s)"

# udp_count PORT: 5 datagrams h1 -> h2:PORT; prints how many arrived.
udp_count() {
    local l4=$here/../integration/l4check.py rcv
    ip netns exec "$pfx-h2" /usr/bin/python3 "$l4" udprecv 10.0.0.2 "$1" 3 >"$log.udp$1" &
    rcv=$!
    sleep 0.5
    ip netns exec "$pfx-h1" /usr/bin/python3 "$l4" udpsend 10.0.0.2 "$1" 5
    ip netns exec "$pfx-h1" /usr/bin/python3 "$l4" udpsend 10.0.0.2 "$1" 0
    wait $rcv
    cat "$log.udp$1"
}
if [ "$machine" = microvm ]; then
    n=$(udp_count 7002)
    [ "$n" = 5 ]
    check $? "firewall --file: UDP to allowed port 7002 arrives ($n of 5)"
    n=$(udp_count 7001)
    [ "$n" = 0 ]
    check $? "firewall --file: UDP to denied port 7001 is dropped ($n of 5 arrived)"
fi

if command -v iperf3 >/dev/null; then
    ip netns exec "$pfx-h2" iperf3 -s -1 -B 10.0.0.2 >"$log.iperf-s" 2>&1 &
    sleep 0.5
    ip netns exec "$pfx-h1" timeout 20 iperf3 -c 10.0.0.2 -t 2 -P $streams -f m >"$log.iperf" 2>&1
    rc=$?
    check $rc "iperf3 h1 -> h2, $streams stream(s) ($(grep -E 'receiver' "$log.iperf" | tail -1 | grep -oE '[0-9.]+ Mbits/sec'))"
    [ $rc != 0 ] && tail -5 "$log.iperf"
fi
if [ "$machine" = q35-mq ]; then
    for _ in $(seq 150); do kill -0 $qpid 2>/dev/null || break; sleep 0.1; done
    wait $qpid 2>/dev/null
    qpid=
    grep -q "2 queue pair(s)" "$log"
    check $? "both NICs use 2 queue pairs"
    q=$(grep -m1 "virtio0: closed" "$log")
    echo "info $machine guest: $q"
    echo "$q" | grep -qE "rx [1-9][0-9]* [1-9][0-9]*,"
    check $? "h1's port received on both RX queues"
fi
grep -E "^port|flow" "$log" | tail -4 | sed "s/^/info $machine guest: /"
[ $fail = 0 ]
