#!/bin/sh
# Installs the Debian packages Sluice's build, tests and tools need, when any
# is missing.  As root it runs apt-get; otherwise it prints the exact command
# and fails, so `make run` / `make test` never half-work on a new machine.
#
# QEMU must be 8 or newer: bookworm's 7.2 crashes the Xen test rig's PV dom0
# under TCG, so QEMU comes from Debian's bookworm-backports (10.0), which is
# added to apt's sources (same mirror as the machine's bookworm) when absent.
# debootstrap, cpio, zstd and kmod build that rig's dom0 (tests/xen/build-rig.sh);
# libxen-dev: the tool the Xen bench runs in dom0 (tests/xen/dom0/xprobe.c) and
# tests/unit/test_xen_abi.c (our Xen ABI definitions against its headers).
set -e
PKGS="build-essential clang llvm libclang-rt-14-dev libcmocka-dev libpcap-dev pkg-config
 python3-scapy openvswitch-common openvswitch-switch tshark tcpreplay iperf3 iproute2 iputils-ping
 libnl-3-dev libnl-route-3-dev libnl-genl-3-dev gnuplot-nox bc
 python3-os-ken netsniff-ng valgrind linux-perf dpdk-dev librte-net-null23 librte-mempool-ring23
 dnsmasq-base debootstrap cpio zstd kmod libxen-dev"
BACKPORTS=/etc/apt/sources.list.d/sluice-bookworm-backports.sources
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
qemu_major=$(qemu-system-x86_64 --version 2>/dev/null | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
need_qemu=0
[ "${qemu_major:-0}" -ge 8 ] || need_qemu=1
[ -z "$missing" ] && [ $need_qemu = 0 ] && exit 0

mirror=$(cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
    awk '/^URIs:/{print $2; exit} /^deb /{print ($2 ~ /^\[/ ? $3 : $2); exit}')
mirror=${mirror:-http://deb.debian.org/debian}
cmd="apt-get install -y --no-install-recommends$missing"
qcmd="apt-get install -y --no-install-recommends -t bookworm-backports qemu-system-x86"
if [ "$(id -u)" != 0 ]; then
    [ -n "$missing" ] && echo "sluice: missing Debian packages:$missing" >&2
    [ $need_qemu = 1 ] && echo "sluice: QEMU >= 8 needed (found: ${qemu_major:-none}); it comes from bookworm-backports" >&2
    echo "sluice: run as root:" >&2
    [ $need_qemu = 1 ] && ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/ &&
        echo "  printf 'Types: deb\\nURIs: $mirror\\nSuites: bookworm-backports\\nComponents: main\\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\\n' > $BACKPORTS" >&2
    echo "  apt-get update" >&2
    [ -n "$missing" ] && echo "  $cmd" >&2
    [ $need_qemu = 1 ] && echo "  $qcmd" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if [ $need_qemu = 1 ] && ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "sluice: adding bookworm-backports ($mirror) for QEMU >= 8"
    printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        "$mirror" > $BACKPORTS
fi
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq
if [ -n "$missing" ]; then
    echo "sluice: installing$missing"
    apt-get install -y -qq --no-install-recommends $missing
fi
if [ $need_qemu = 1 ]; then
    echo "sluice: installing QEMU from bookworm-backports (found: ${qemu_major:-none})"
    $qcmd -qq
fi
