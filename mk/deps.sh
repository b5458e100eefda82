#!/bin/sh
# Installs the Debian packages Sluice's build, tests and tools need, when any
# is missing.  As root it runs apt-get; otherwise it prints the exact command
# and fails, so `make run` / `make test` never half-work on a new machine.
set -e
PKGS="build-essential clang llvm libclang-rt-14-dev libcmocka-dev libpcap-dev pkg-config
 python3-scapy openvswitch-common openvswitch-switch tshark tcpreplay iperf3 iproute2 iputils-ping
 libnl-3-dev libnl-route-3-dev libnl-genl-3-dev gnuplot-nox qemu-system-x86
 python3-os-ken netsniff-ng valgrind linux-perf dpdk-dev librte-net-null23 librte-mempool-ring23"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" != 0 ]; then
    echo "sluice: missing Debian packages:$missing" >&2
    echo "sluice: run as root:  apt-get update && $cmd" >&2
    exit 1
fi
echo "sluice: installing$missing"
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing
