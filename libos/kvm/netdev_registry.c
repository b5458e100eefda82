/*
 * netdev_registry.c — netdev_classes() for the kvm target: virtio-net
 * ("virtio:N", the N-th virtio-net device in discovery order).
 */
#include <stddef.h>

#include "os/netdev.h"
#include "virtio/virtio_net.h"

const struct netdev_class *const *netdev_classes(void)
{
    static const struct netdev_class *const list[] = { &virtio_net_class, NULL };
    return list;
}
