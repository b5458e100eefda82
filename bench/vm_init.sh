#!/bin/sh
# shellcheck disable=SC2015  # "a && b || fail": fail when any step fails
# bench/vm_init.sh — /init of the Linux peer VM that bench/vm.sh builds
# (busybox sh inside the guest; copied into the initramfs, never run on the
# host).  It loads the modules listed in /modules.MODE (dependencies
# first), brings up the two virtio-net NICs and joins them by the switch
# the kernel command line names:
#   sluice_vm=bridge  a Linux bridge br0 over eth0 and eth1 (STP off, the
#                     default: the ports forward at once)
#   sluice_vm=ovs     Open vSwitch's kernel datapath (openvswitch.ko) driven
#                     by ovs-dpctl: datapath dp0 with eth0 and eth1 as ports
#                     1 and 2 and flows in_port 1 -> 2 and 2 -> 1, as
#                     Sluice's static flows in the same benchmark (one for
#                     IPv4 and one for ARP each way: the kernel datapath
#                     wants an EtherType in a flow key, and wildcarding it
#                     is refused)
# and prints "sluice-vm: ready MODE" on the console, or "sluice-vm: FAILED
# why" and powers off.  Then it sleeps; QEMU is killed by the benchmark.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
fail() {
    echo "sluice-vm: FAILED $*"
    poweroff -f
}
mode=$(sed -n 's/.*sluice_vm=\([a-z]*\).*/\1/p' /proc/cmdline)
[ -f "/modules.$mode" ] || fail "unknown sluice_vm=$mode"
while read -r m; do
    insmod "/lib/modules/$m.ko" || fail "insmod $m"
done <"/modules.$mode"
for _ in $(seq 100); do
    [ -e /sys/class/net/eth0 ] && [ -e /sys/class/net/eth1 ] && break
    sleep 0.05
done
[ -e /sys/class/net/eth1 ] || fail "no eth0/eth1"
ip link set lo up
case $mode in
bridge)
    brctl addbr br0 && brctl addif br0 eth0 && brctl addif br0 eth1 || fail "bridge"
    ip link set eth0 up && ip link set eth1 up && ip link set br0 up || fail "link up"
    ;;
ovs)
    ip link set eth0 up && ip link set eth1 up || fail "link up"
    ovs-dpctl add-dp dp0 eth0 eth1 || fail "ovs-dpctl add-dp"
    for f in "1 2" "2 1"; do
        # shellcheck disable=SC2086  # two words: in port, out port
        set -- $f
        for m in "eth_type(0x0800),ipv4()" "eth_type(0x0806),arp()"; do
            ovs-dpctl add-flow dp0 "in_port($1),eth(),$m" "$2" ||
                fail "ovs-dpctl add-flow in_port($1),$m"
        done
    done
    ovs-dpctl dump-flows dp0
    ;;
*)
    fail "unknown sluice_vm=$mode"
    ;;
esac
echo "sluice-vm: ready $mode"
while :; do sleep 3600; done
