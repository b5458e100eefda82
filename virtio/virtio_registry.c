/*
 * virtio_registry.c — netdev_classes() for the kvm target, whose only port
 * devices are virtio-net ("virtio:N", the N-th virtio-net device in
 * discovery order).  It lives here rather than in libos/kvm because libos
 * may not include the driver folders.  Returns a NULL-terminated list.
 */
#include <stddef.h>

#include "os/netdev.h"
#include "virtio_net.h"

const struct netdev_class *const *netdev_classes(void)
{
    static const struct netdev_class *const list[] = { &virtio_net_class, NULL };
    return list;
}
