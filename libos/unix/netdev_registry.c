/*
 * netdev_registry.c — netdev_classes() for the unix target: tap, afpacket
 * and pcap, in that order.  Returns a NULL-terminated list.
 */
#include <stddef.h>

#include "netdev_unix.h"

const struct netdev_class *const *netdev_classes(void)
{
    static const struct netdev_class *const list[] = {
        &netdev_tap_class, &netdev_afpacket_class, &netdev_pcap_class, NULL,
    };
    return list;
}
