#!/bin/bash
# The kvm image's --controller / --listen over its own TCP/IP stack, under
# QEMU (-accel tcg), with real peers: ovs-ofctl, os-ken, dnsmasq.  Called
# by tests/net/run.sh (see the case list there).
#
# Usage: tests/net/kvm.sh BUILD_DIR TMPDIR PREFIX
# Writes "ok NAME" / "FAIL NAME" lines to TMPDIR/kvm.results and "info"
# lines to stdout.  Host rig (sluice-rig, switch-port tap): hosts h1
# 10.0.0.1 and h2 10.0.0.2 on the image's first two NICs and a controller
# host "ctl" 10.9.0.1/24 on the third, each behind a tap and a Linux bridge;
# the image is 10.9.0.2 (or leased by dnsmasq in ctl).  Everything named
# PREFIX-*; torn down on exit.
set -u
build=$1 tmp=$2 pfx=$3
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
buildroot=$(dirname "$build")
kernel=$buildroot/kvm/sluice.kvm
py=/usr/bin/python3
res=$tmp/kvm.results
: >"$res"
topo=$tmp/topo
rig=
for r in "$build/sluice-rig" "$buildroot/unix/sluice-rig"; do [ -x "$r" ] && { rig=$r; break; }; done
qpid= opid= dpid=
stop_qemu() { [ -n "$qpid" ] && kill "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null; qpid=; }
stop_osken() { [ -n "$opid" ] && kill -9 "$opid" 2>/dev/null && wait "$opid" 2>/dev/null; opid=; }
stop_dnsmasq() { [ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null; dpid=; }
cleanup() {
    stop_qemu; stop_osken; stop_dnsmasq
    [ -n "$rig" ] && "$rig" --prefix "$pfx" down "$topo" >/dev/null 2>&1
}
trap cleanup EXIT

result() { # name, ok(0|1), [log...]
    if [ "$2" = 0 ]; then
        echo "ok   $1" >>"$res"
    else
        echo "FAIL $1" >>"$res"
        local n=$1
        shift 2
        for f in "$@"; do [ -f "$f" ] && sed "s/^/    | /" "$f" | tail -20 >>"$res"; done
    fi
}
nsx() { local h=$1; shift; ip netns exec "$pfx-$h" "$@"; }
now() { date +%s.%N; }
# wait_grep FILE PATTERN SECONDS: 0 when PATTERN shows up in time
wait_grep() {
    local end=$(( $(date +%s) + $3 ))
    while [ "$(date +%s)" -le $end ]; do grep -qE -- "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
    return 1
}

(cd "$root" && make --no-print-directory TARGET=kvm SAN= BUILDROOT="$buildroot") \
    >"$tmp/kvm-build.log" 2>&1
if [ $? != 0 ] || [ -z "$rig" ]; then
    result "kvm build and sluice-rig" 1 "$tmp/kvm-build.log"
    exit 1
fi
echo "info image $(stat -c %s "$kernel") bytes"

cat >"$topo" <<'TOPO'
switch-port tap
host h1 10.0.0.1/24 mac 02:00:00:00:00:01
host h2 10.0.0.2/24 mac 02:00:00:00:00:02
host ctl 10.9.0.1/24 mac 02:00:00:00:00:09
TOPO
if ! "$rig" --prefix "$pfx" up "$topo" >"$tmp/rig.log" 2>&1; then
    result "rig up" 1 "$tmp/rig.log"
    exit 1
fi

# boot NAME APPEND: QEMU q35 with the three taps as virtio-net-pci NICs
# (virtio:0 = h1, virtio:1 = h2, virtio:2 = ctl); log in $tmp/NAME.qemu,
# with the port and stack counters every 2 s (for the failure report).
boot() {
    local name=$1 append=$2
    QSTART=$(now)
    timeout 120 qemu-system-x86_64 -M q35 -accel tcg -m 24M -nographic -nodefaults -no-reboot \
        -serial stdio -kernel "$kernel" -append "$append --stats-interval 2000" \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -netdev "tap,id=n0,ifname=$pfx-t1,script=no,downscript=no" \
        -device "virtio-net-pci,netdev=n0,romfile=" \
        -netdev "tap,id=n1,ifname=$pfx-t2,script=no,downscript=no" \
        -device "virtio-net-pci,netdev=n1,romfile=" \
        -netdev "tap,id=n2,ifname=$pfx-t3,script=no,downscript=no" \
        -device "virtio-net-pci,netdev=n2,romfile=" >"$tmp/$name.qemu" 2>&1 &
    qpid=$!
    wait_grep "$tmp/$name.qemu" "ready in" 30
}

# osken LOG: os-ken's L2 learning app listening on 10.9.0.1:6653 in ctl.
# (no `timeout` wrapper: the test kills os-ken itself, with SIGKILL, and
# the EXIT trap does too; `ip netns exec` execs, so $! is os-ken.)
osken() {
    ip netns exec "$pfx-ctl" $py -m os_ken.cmd.manager --ofp-listen-host 10.9.0.1 \
        --ofp-tcp-listen-port 6653 "$root/tests/integration/osken_l2.py" >"$1" 2>&1 &
    opid=$!
}
# Waits (5 s) until something listens on 10.9.0.1:6653 in ctl.
wait_listen() {
    for _ in $(seq 250); do
        nsx ctl ss -Hltn 'sport = :6653' | grep -q 6653 && return 0
        sleep 0.02
    done
    return 1
}
# Returns 0 when a TCP connection to :6653 is established in ctl.
established() { nsx ctl ss -Htn state established '( sport = :6653 )' | grep -q .; }
pings() { # FROM TO: 3 pings
    nsx "$1" timeout 10 ping -c 3 -i 0.2 -W 2 "$2" >"$tmp/ping.$1" 2>&1
}
flush_neigh() { nsx h1 ip neigh flush all; nsx h2 ip neigh flush all; }

# --- kvm-ofctl: ovs-ofctl against --listen on the management NIC ------------
case_ofctl() {
    local n=kvm-ofctl log=$tmp/ofctl.out ok=0 t=tcp:10.9.0.2:6653
    boot ofctl "--mgmt virtio:2 --ip 10.9.0.2/24 --listen ptcp:6653" || ok=1
    wait_grep "$tmp/ofctl.qemu" "address 10.9.0.2" 5 || ok=1
    of() { nsx ctl timeout 15 ovs-ofctl -O OpenFlow10 "$@" >>"$log" 2>&1; }
    : >"$log"
    of show $t && grep -q " 1(virtio0)" "$log" && grep -q " 2(virtio1)" "$log" &&
        ! grep -q "virtio2" "$log" || { echo "show" >>"$log"; ok=1; }
    of add-flow $t "in_port=1,actions=output:2" && of add-flow $t "in_port=2,actions=output:1" ||
        { echo "add-flow" >>"$log"; ok=1; }
    of dump-flows $t && grep -q "in_port=1 actions=output:2" "$log" &&
        grep -q "in_port=2 actions=output:1" "$log" || { echo "dump-flows" >>"$log"; ok=1; }
    pings h1 10.0.0.2 || { echo "ping through the flows" >>"$log"; ok=1; }
    of dump-ports $t && grep -qE "port +1: rx pkts=[1-9]" "$log" || { echo "dump-ports" >>"$log"; ok=1; }
    stop_qemu
    result $n $ok "$log" "$tmp/ofctl.qemu"
}

# --- kvm-osken: a remote controller, killed and restarted -------------------
case_osken() {
    local n=kvm-osken ok=0 why=$tmp/osken.why
    : >"$why"
    osken "$tmp/osken1.log"
    wait_listen || echo "os-ken did not listen" >>"$why"
    boot osken "--mgmt virtio:2 --ip 10.9.0.2/24 --controller tcp:10.9.0.1:6653 --fail-mode standalone" ||
        echo "no boot" >>"$why"
    if wait_grep "$tmp/osken1.log" "osken_l2: switch connected" 20; then
        echo "info kvm-osken QEMU start to controller connected (static address) within $(echo "$(now) - $QSTART" | bc) s (TCG)"
    else
        echo "never connected" >>"$why"
    fi
    flush_neigh
    pings h1 10.0.0.2 && pings h2 10.0.0.1 || echo "pings under os-ken" >>"$why"
    grep -q "osken_l2: flow dpid=" "$tmp/osken1.log" || echo "os-ken installed no flow" >>"$why"
    stop_osken
    wait_grep "$tmp/osken.qemu" "controller lost" 10 || echo "loss not noticed" >>"$why"
    flush_neigh
    pings h1 10.0.0.2 || echo "no standalone forwarding while os-ken is down" >>"$why"
    sleep 1.5   # the image's back-off grows while connecting fails
    osken "$tmp/osken2.log"
    wait_listen || echo "os-ken did not listen again" >>"$why"
    local back=$(now) up=
    for _ in $(seq 250); do established && { up=$(now); break; }; sleep 0.02; done
    if [ -n "$up" ]; then
        local d=$(echo "$up - $back" | bc)
        echo "info kvm-osken reconnected ${d} s after os-ken listened again (TCG)"
        [ "$(echo "$d <= 1.0" | bc)" = 1 ] || echo "reconnect took $d s" >>"$why"
    else
        echo "no reconnect within 5 s" >>"$why"
    fi
    wait_grep "$tmp/osken2.log" "osken_l2: switch connected" 10 || echo "features after restart" >>"$why"
    flush_neigh
    pings h1 10.0.0.2 || echo "pings after the restart" >>"$why"
    stop_osken
    stop_qemu
    [ -s "$why" ] && ok=1
    result $n $ok "$why" "$tmp/osken.qemu" "$tmp/osken2.log"
}

# --- kvm-dhcp: address from dnsmasq, then the controller connection ---------
case_dhcp() {
    local n=kvm-dhcp ok=0 why=$tmp/dhcp.why
    : >"$why"
    ip netns exec "$pfx-ctl" timeout 100 dnsmasq --no-daemon --conf-file=/dev/null --port=0 --no-ping --interface=eth0 \
        --bind-interfaces --dhcp-range=10.9.0.50,10.9.0.60,255.255.255.0,2m \
        --dhcp-leasefile="$tmp/kvm-leases" >"$tmp/dnsmasq-kvm.log" 2>&1 &
    dpid=$!
    osken "$tmp/osken3.log"
    wait_listen || echo "os-ken did not listen" >>"$why"
    boot dhcp "--mgmt virtio:2 --controller tcp:10.9.0.1:6653" || echo "no boot" >>"$why"
    if wait_grep "$tmp/osken3.log" "osken_l2: switch connected" 30; then
        local d=$(echo "$(now) - $QSTART" | bc)
        echo "info kvm-dhcp QEMU start to controller connected (DHCP included) within $d s (TCG)"
    else
        echo "never connected" >>"$why"
    fi
    grep -qE "address 10\.9\.0\.(5[0-9]|60)/24" "$tmp/dhcp.qemu" || echo "no lease in the log" >>"$why"
    grep -E "address 10\.9\.0\." "$tmp/dhcp.qemu" | head -1 | sed 's/^/info kvm-dhcp guest: /'
    stop_osken; stop_qemu; stop_dnsmasq
    [ -s "$why" ] && ok=1
    result $n $ok "$why" "$tmp/dhcp.qemu" "$tmp/dnsmasq-kvm.log"
}

# --- kvm-inband: the controller behind data port 3, via LOCAL ---------------
# fail-mode secure: the operator's flows (README) pass ARP for the image's
# address and the controller's TCP to LOCAL, and LOCAL's frames to port 3.
case_inband() {
    local n=kvm-inband ok=0 why=$tmp/inband.why
    : >"$why"
    local flows="priority=65000,arp,in_port=3,nw_dst=10.9.0.2,actions=LOCAL"
    flows="$flows;priority=65000,tcp,in_port=3,nw_dst=10.9.0.2,tp_src=6653,actions=LOCAL"
    flows="$flows;priority=65000,in_port=LOCAL,actions=output:3"
    osken "$tmp/osken4.log"
    wait_listen || echo "os-ken did not listen" >>"$why"
    boot inband "--ip 10.9.0.2/24 --controller tcp:10.9.0.1:6653 \"--flows=$flows\"" ||
        echo "no boot" >>"$why"
    grep -q "in band, datapath port LOCAL" "$tmp/inband.qemu" || echo "not in band" >>"$why"
    wait_grep "$tmp/osken4.log" "osken_l2: switch connected dpid=[0-9a-f]+ ports=4" 20 ||
        echo "never connected (or LOCAL not among 4 ports)" >>"$why"
    flush_neigh
    pings h1 10.0.0.2 || echo "pings under os-ken, in band" >>"$why"
    stop_osken; stop_qemu
    [ -s "$why" ] && ok=1
    result $n $ok "$why" "$tmp/inband.qemu" "$tmp/osken4.log"
}

# --- kvm-bad-ip: a bad --ip is a usage error (exit code 2) ------------------
case_badip() {
    local n=kvm-bad-ip log=$tmp/badip.qemu
    timeout 30 qemu-system-x86_64 -M microvm -accel tcg -m 8M -nographic -nodefaults -no-reboot \
        -serial stdio -kernel "$kernel" -append "--ip 10.0.0.300/24 --listen ptcp:6653" \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 -global virtio-mmio.force-legacy=false \
        -netdev hubport,id=n0,hubid=0 -device virtio-net-device,netdev=n0 >"$log" 2>&1
    local st=$?
    [ $st = 5 ] && grep -q "ip '10.0.0.300/24': expected ADDR/LEN" "$log"
    result $n $? "$log"
}

for c in ${NET_KVM_CASES:-badip ofctl osken dhcp inband}; do
    case_$c
done
grep -E "^(ok|FAIL)" "$res" >/dev/null
