#!/bin/sh
# tests/xen/dom0-init.sh — /init of the Xen rig's dom0 (PID 1 of the
# initramfs that tests/xen/build-rig.sh packs).  Starts what `xl` needs
# (xenfs, xenstored, xen-init-dom0, xenconsoled; xen-netback with
# rig.netback_queues=N queues per vif when given), then:
#   rig.9p          mounts the host's virtio-9p share (tag "rig") on /rig
#   /rig/test.sh    runs it (bounded by rig.timeout=SECONDS, default 600),
#                   with /rig as its working directory
#   rig.poweroff    powers the machine off afterwards (QEMU exits)
# Without a test it leaves a root shell on the console (hvc0).
# Its own console lines start with "RIG:".
export PATH=/usr/lib/xen-4.17/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
mkdir -p /run/xen /run/xenstored /run/lock /var/log/xen/console /var/run/netns
hostname dom0
ip link set lo up
up() { cut -d' ' -f1 /proc/uptime; }
arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^$1=//p" | tail -1; }
has() { tr ' ' '\n' </proc/cmdline | grep -qx "$1"; }
echo "RIG: dom0 init at uptime $(up)s"
# rig.netback_queues=N: how many queues netback offers each vif (its
# default is one per dom0 vCPU)
nbq=$(arg rig.netback_queues)
for m in xenfs xen-evtchn xen-gntdev xen-gntalloc xen-privcmd bridge veth; do
    modprobe $m || echo "RIG: modprobe $m failed"
done
modprobe xen-netback ${nbq:+max_queues=$nbq} || echo "RIG: modprobe xen-netback failed"
mount -t xenfs xenfs /proc/xen
XENSTORED_ROOTDIR=/run/xenstored xenstored --pid-file /run/xenstore.pid
i=0
while ! xenstore-read -s / >/dev/null 2>&1 && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
xen-init-dom0 >/dev/null
xenconsoled --pid-file=/run/xenconsoled.pid --log=guest --log-dir=/var/log/xen/console
echo "RIG: dom0 ready at uptime $(up)s ($(nproc) vCPU(s), netback $(cat /sys/module/xen_netback/parameters/max_queues) queue(s) per vif, xen $(xl info | sed -n 's/^xen_version *: //p'))"
if has rig.9p; then
    modprobe virtio_pci && modprobe 9pnet_virtio && modprobe 9p &&
        mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 rig /rig &&
        echo "RIG: host share mounted on /rig"
fi
if [ -x /rig/test.sh ]; then
    t=$(arg rig.timeout)
    echo "RIG: running /rig/test.sh (at most ${t:-600} s)"
    (cd /rig && timeout -k 5 "${t:-600}" ./test.sh)
    echo "RIG: /rig/test.sh exit=$?"
fi
if has rig.poweroff; then
    echo "RIG: powering off at uptime $(up)s"
    sync
    umount /rig 2>/dev/null
    busybox poweroff -f
fi
while true; do
    setsid -c /bin/sh -l </dev/hvc0 >/dev/hvc0 2>&1
done
