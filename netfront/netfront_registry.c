/*
 * netfront_registry.c — netdev_classes() for the xen target, whose only port
 * devices are netfront vifs ("netfront:N", device/vif/N).  It lives here
 * rather than in libos/xen because libos may not include the driver
 * folders.  Returns a NULL-terminated list.
 */
#include <stddef.h>

#include "netfront/netfront.h"

const struct netdev_class *const *netdev_classes(void)
{
    static const struct netdev_class *const list[] = { &netfront_class, NULL };
    return list;
}
