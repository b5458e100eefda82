# shellcheck shell=bash disable=SC2034,SC2012  # sets LINUXVM_* for vm.sh; ls of .deb names
# bench/vm_linux.sh — builds the Linux peer VM of bench/vm.sh from Debian
# packages only (sourced after bench/lib.sh; never run on its own).
#
# linuxvm_build DIR: makes (or reuses) DIR/vmlinuz and DIR/initrd.gz:
#   - the kernel: the package linux-image-amd64 depends on in this
#     machine's apt sources (Debian's distribution kernel), fetched with
#     `apt-get download` into DIR/debs and unpacked with dpkg-deb; its
#     vmlinuz as is, and the modules the peer needs (virtio-pci,
#     virtio-net, and bridge or openvswitch) with their dependencies
#     (modinfo), listed dependencies first in /modules.bridge and
#     /modules.ovs (the guest loads only its mode's list);
#   - busybox from busybox-static (fetched the same way);
#   - ovs-dpctl and the shared libraries it needs, from this host's
#     openvswitch-switch package (mk/deps.sh installs it), when present;
#   - /init: bench/vm_init.sh;
#   packed with cpio (newc) and gzip.
# The result is cached: it is rebuilt only when the kernel package, the
# busybox package, vm_init.sh or this file changes (DIR/stamp records them).  Sets
# LINUXVM_KERNEL, LINUXVM_INITRD, LINUXVM_PKG (the kernel package and
# version) and LINUXVM_OVS (1 when ovs-dpctl is in the image).  Returns
# non-zero, with the reason on stderr, when a package cannot be fetched.

LINUXVM_BASE="virtio_pci virtio_net"

# linuxvm_mod_path KDIR NAME: the .ko path of module NAME under KDIR,
# relative to it, without .ko ("" when absent).
linuxvm_mod_path() {
    find "$1" -name "$2.ko" -printf '%P\n' | sed 's/\.ko$//' | head -1
}

# linuxvm_mod_order KDIR NAME...: prints the modules' paths (relative,
# without .ko), every dependency before the modules that need it, once.
# Dependencies are modinfo's "depends" and the "softdep pre:" names (an
# algorithm name such as crc32c is taken as NAME.ko, else NAME_generic.ko).
linuxvm_mod_order() {
    local kdir=$1 m p d
    shift
    for m in "$@"; do
        case " $LINUXVM_SEEN " in *" $m "*) continue ;; esac
        LINUXVM_SEEN="$LINUXVM_SEEN $m"
        p=$(linuxvm_mod_path "$kdir" "$m")
        [ -n "$p" ] || p=$(linuxvm_mod_path "$kdir" "${m}_generic")
        [ -n "$p" ] || continue # built in
        for d in $(modinfo -F depends "$kdir/$p.ko" | tr ',' ' ') \
                 $(modinfo -F softdep "$kdir/$p.ko" | sed -n 's/^pre: *//p'); do
            linuxvm_mod_order "$kdir" "$d"
        done
        echo "$p"
    done
}

# linuxvm_fetch DEBS PKG: PKG's .deb in DEBS (downloaded once).  Prints its
# path.
linuxvm_fetch() {
    local debs=$1 pkg=$2 f
    f=$(ls "$debs/${pkg}_"*.deb 2>/dev/null | head -1)
    if [ -z "$f" ]; then
        (cd "$debs" && apt-get -q -o APT::Sandbox::User=root download "$pkg" >/dev/null) ||
            { echo "vm: apt-get download $pkg failed" >&2; return 1; }
        f=$(ls "$debs/${pkg}_"*.deb | head -1)
    fi
    echo "$f"
}

# linuxvm_copy_prog ROOT BINARY: BINARY and the shared libraries ldd names
# into ROOT at the same paths.
linuxvm_copy_prog() {
    local root=$1 bin=$2 lib
    mkdir -p "$root$(dirname "$bin")"
    cp "$bin" "$root$bin"
    for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
        mkdir -p "$root$(dirname "$lib")"
        cp -L "$lib" "$root$lib"
    done
}

linuxvm_build() {
    local dir=$1 here kpkg kdeb bdeb stamp root kdir
    here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
    mkdir -p "$dir/debs"
    kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}')
    [ -n "$kpkg" ] || { echo "vm: apt-cache knows no linux-image-amd64 (apt-get update?)" >&2; return 1; }
    kdeb=$(linuxvm_fetch "$dir/debs" "$kpkg") || return 1
    bdeb=$(linuxvm_fetch "$dir/debs" busybox-static) || return 1
    LINUXVM_PKG=$(basename "$kdeb" .deb)
    LINUXVM_KERNEL=$dir/vmlinuz LINUXVM_INITRD=$dir/initrd.gz LINUXVM_OVS=0
    command -v ovs-dpctl >/dev/null && LINUXVM_OVS=1
    stamp="$(basename "$kdeb") $(basename "$bdeb") ovs=$LINUXVM_OVS $(cat "$here/vm_init.sh" "$here/vm_linux.sh" | md5sum)"
    if [ -f "$LINUXVM_INITRD" ] && [ "$(cat "$dir/stamp" 2>/dev/null)" = "$stamp" ]; then
        return 0
    fi
    rm -rf "$dir/x" "$dir/root"
    dpkg-deb -x "$kdeb" "$dir/x" && dpkg-deb -x "$bdeb" "$dir/x" || return 1
    cp "$dir/x/boot/vmlinuz-"* "$LINUXVM_KERNEL"
    kdir=$(ls -d "$dir/x/lib/modules/"* | head -1)
    root=$dir/root
    mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib/modules,var/run,etc}
    cp "$dir/x/bin/busybox" "$root/bin/busybox"
    ln -s busybox "$root/bin/sh"
    cp "$here/vm_init.sh" "$root/init"
    for mode in bridge ovs; do
        LINUXVM_SEEN=
        # shellcheck disable=SC2086
        linuxvm_mod_order "$kdir" $LINUXVM_BASE "${mode/ovs/openvswitch}" >"$root/modules.$mode"
    done
    sort -u "$root"/modules.* | while read -r m; do
        mkdir -p "$root/lib/modules/$(dirname "$m")"
        cp "$kdir/$m.ko" "$root/lib/modules/$m.ko"
    done
    [ $LINUXVM_OVS = 1 ] && linuxvm_copy_prog "$root" "$(command -v ovs-dpctl)"
    (cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$LINUXVM_INITRD" || return 1
    rm -rf "$dir/x"
    echo "$stamp" >"$dir/stamp"
}
