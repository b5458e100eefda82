#!/bin/bash
# tests/xen/build-rig.sh — builds the Xen test rig from Debian bookworm packages:
# a real Xen 4.17 hypervisor and a Linux 6.1 PV dom0 (xen-netback, xl,
# xenstored, xenconsoled, iproute2, busybox, iperf3, ping, nc) that boot nested under
# QEMU TCG (tests/xen/boot-rig.sh).
#
# Usage: tests/xen/build-rig.sh RIGDIR       (e.g. build/xenrig)
# Outputs in RIGDIR:
#   xen.elf          the hypervisor (gunzipped; QEMU -kernel loads it by multiboot)
#   vmlinuz          Debian's kernel, booted as the PV dom0
#   dom0-initrd.zst  the debootstrapped dom0 (minbase + the packages above) as an
#                    initramfs whose /init is tests/xen/dom0-init.sh
#   versions         one line: hypervisor, xen-utils and kernel package versions
# Cached: the downloaded .debs, the debootstrap tree and the initramfs are
# reused; the initramfs is repacked only when this script or dom0-init.sh
# changed (their checksum is kept in RIGDIR/stamp).  A re-run with everything
# cached takes about a second.
#
# Exit status: 0 built (or already current); 77 the rig cannot be built on
# this machine (no Debian mirror configured or reachable, too little disk):
# the one reason is on the last line, starting "xenrig: cannot build";
# anything else is a failure (its log on stderr/stdout).
# Needs root (debootstrap, chroot) and the host tools mk/deps.sh installs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
RIG=$(realpath -m "${1:?usage: build-rig.sh RIGDIR}")
DOM0_PKGS=xen-utils-4.17,iproute2,kmod,busybox,procps,iperf3,iputils-ping,netcat-openbsd
# Kernel modules dom0 loads (their dependencies are added).
MODS="xenfs xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xen-netback bridge veth
      9p 9pnet_virtio virtio_pci"
NEED_MB=2500

log() { echo "[xenrig $(date +%T)] $*"; }
cannot() { echo "xenrig: cannot build the rig: $*"; exit 77; }

[ "$(id -u)" = 0 ] || cannot "needs root (debootstrap)"
for t in debootstrap cpio zstd depmod modprobe dpkg-deb apt-get qemu-system-x86_64; do
    command -v $t >/dev/null || { echo "xenrig: $t missing (run: make deps)" >&2; exit 1; }
done
mkdir -p "$RIG"
cd "$RIG"

stamp=$( (cat "$here/build-rig.sh" "$here/dom0-init.sh"; echo "$DOM0_PKGS") | sha256sum | cut -c1-16)
if [ -s dom0-initrd.zst ] && [ -s xen.elf ] && [ -s vmlinuz ] && [ "$(cat stamp 2>/dev/null)" = "$stamp" ]; then
    log "current ($(cat versions))"
    exit 0
fi

# The Debian mirror this machine's apt uses (its first URIs: or deb line).
MIRROR=${MIRROR:-$(cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
    awk '/^URIs:/{print $2; exit} /^deb /{print ($2 ~ /^\[/ ? $3 : $2); exit}' || true)}
[ -n "$MIRROR" ] || cannot "no Debian mirror in /etc/apt (set MIRROR)"
free_mb=$(df -Pm . | awk 'NR == 2 {print $4}')
if [ ! -f rootfs/.sluice-pkgs ] && [ "${free_mb:-0}" -lt $NEED_MB ]; then
    cannot "${free_mb} MB free in $RIG, $NEED_MB MB needed"
fi

# The debootstrap tree is redone when the package list changed.
if [ "$(cat rootfs/.sluice-pkgs 2>/dev/null)" != "$DOM0_PKGS" ]; then
    log "debootstrap bookworm from $MIRROR (minbase + $DOM0_PKGS)"
    timeout 60 apt-get download --print-uris debootstrap >/dev/null 2>&1 ||
        cannot "apt cannot resolve packages (apt-get update?)"
    rm -rf rootfs rootfs.tmp
    if ! timeout 900 debootstrap --variant=minbase --include=$DOM0_PKGS \
        bookworm rootfs.tmp "$MIRROR" >debootstrap.log 2>&1; then
        tail -5 debootstrap.log
        if grep -qiE 'Failed getting release|Temporary failure|Could not resolve|unable to fetch|Connection (refused|timed out)' debootstrap.log; then
            cannot "debootstrap could not reach $MIRROR"
        fi
        echo "xenrig: debootstrap failed (log: $RIG/debootstrap.log)" >&2
        exit 1
    fi
    echo "$DOM0_PKGS" >rootfs.tmp/.sluice-pkgs
    mv rootfs.tmp rootfs
fi

# The hypervisor must be the version of the tools in dom0 (the domctl
# interface is checked); the kernel is the one linux-image-amd64 names.
XVER=$(chroot rootfs dpkg-query -W -f='${Version}' xen-utils-4.17)
KPKG=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
[ -n "$KPKG" ] || cannot "apt knows no linux-image-amd64 (apt-get update?)"
mkdir -p debs
( cd debs
  [ -f "xen-hypervisor-4.17-amd64_${XVER//:/%3a}_amd64.deb" ] ||
      timeout 300 apt-get download "xen-hypervisor-4.17-amd64=$XVER"
  ls "${KPKG}"_*.deb >/dev/null 2>&1 || timeout 300 apt-get download "$KPKG"
) 2>&1 | grep -v 'Download is performed unsandboxed' || true
xdeb=debs/xen-hypervisor-4.17-amd64_${XVER//:/%3a}_amd64.deb
kdeb=$(find debs -name "${KPKG}_*.deb" | head -1)
[ -f "$xdeb" ] && [ -n "$kdeb" ] || cannot "could not download xen-hypervisor-4.17-amd64=$XVER / $KPKG"

log "unpack hypervisor $XVER and $KPKG"
rm -rf x && mkdir -p x
dpkg-deb -x "$xdeb" x/xen
dpkg-deb -x "$kdeb" x/linux
KVER=$(ls x/linux/lib/modules)
zcat x/xen/boot/xen-4.17-amd64.gz >xen.elf.tmp && mv xen.elf.tmp xen.elf
cp "x/linux/boot/vmlinuz-$KVER" vmlinuz
depmod -b x/linux "$KVER"

log "stage dom0"
rm -rf stage && cp -a rootfs stage
( cd stage
  rm -rf usr/share/doc/* usr/share/man/* usr/share/info/* usr/share/locale/* \
         var/cache/apt/* var/lib/apt/lists/* var/cache/debconf/*-old \
         usr/lib/udev/hwdb.bin usr/lib/udev/hwdb.d usr/lib/python3* usr/bin/python3* \
         usr/share/python3 var/log/*.log usr/lib/x86_64-linux-gnu/gconv
  mkdir -p var/log/xen/console var/lib/xen run/xenstored rig root )
mkdir -p "stage/lib/modules/$KVER"
cp x/linux/lib/modules/"$KVER"/modules.order x/linux/lib/modules/"$KVER"/modules.builtin* \
    "stage/lib/modules/$KVER/"
for m in $MODS; do
    modprobe -d x/linux -S "$KVER" --show-depends "$m" | awk '$1 == "insmod" {print $2}' |
    while read -r f; do
        rel=${f#*x/linux/}
        mkdir -p "stage/$(dirname "$rel")"
        cp "$f" "stage/$rel"
    done
done
depmod -b stage "$KVER"
install -m 755 "$here/dom0-init.sh" stage/init
echo 'export PATH=/usr/lib/xen-4.17/bin:$PATH' >stage/root/.profile

log "pack the initramfs"
( cd stage && find . -print0 | cpio --null -o -H newc --quiet ) | zstd -T0 -10 -q -f -o dom0-initrd.zst.tmp
mv dom0-initrd.zst.tmp dom0-initrd.zst
rm -rf stage x
echo "xen-hypervisor $XVER, xen-utils $XVER, $KPKG $(dpkg-deb -f "$kdeb" Version)" >versions
echo "$stamp" >stamp
log "done: dom0-initrd.zst $(du -h dom0-initrd.zst | cut -f1); $(cat versions)"
