/*
 * sluice_kvm.c — the kvm image's uk_target (switch/unikernel/uk_target.h):
 * its ports are virtio-net devices, "virtio:N" in discovery order.
 */
#include "switch/unikernel/uk_target.h"
#include "virtio/virtio_net.h"

const struct uk_target uk_target = {
    .name = "kvm",
    .port_type = "virtio",
    .discover = virtio_net_discover,
    .describe = virtio_net_describe,
    .help = "  ports are virtio:N, the N-th virtio-net device (default: all of them),\n"
            "  virtio:N,queues=Q to use Q queue pairs;\n",
};
