/* virtio_net.c — placeholder while the driver is written. */
#include <errno.h>
#include <stdio.h>

#include "virtio/virtio_net.h"

static int vnet_open(const char *arg, struct pkt_pool *pool, struct netdev **out)
{
    return -ENODEV;
}

const struct netdev_class virtio_net_class = { .type = "virtio", .open = vnet_open };

unsigned virtio_net_discover(void)
{
    return 0;
}

const char *virtio_net_describe(unsigned i, char *buf, unsigned len)
{
    return NULL;
}
