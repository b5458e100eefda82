/*
 * netdev_unix.h — the device classes of the unix target.
 *
 * Three port types exist on a Linux host: "tap:NAME" (a tap interface,
 * netdev_tap.c), "afpacket:IFNAME" (a TPACKET_V3 ring on an existing
 * interface, netdev_afpacket.c) and "pcap:IN[,OUT]" (a pcap file as RX
 * source and another as TX sink, netdev_pcap.c).  netdev_registry.c lists
 * them for netdev_open(); nothing else should name these classes directly,
 * except tests of one driver.  Hosted code: libos/unix only.
 */
#ifndef LIBOS_UNIX_NETDEV_UNIX_H
#define LIBOS_UNIX_NETDEV_UNIX_H

#include "os/netdev.h"

extern const struct netdev_class netdev_tap_class;
extern const struct netdev_class netdev_afpacket_class;
extern const struct netdev_class netdev_pcap_class;

/* Offload counters of a tap / afpacket netdev (dev must be of that class).
 * Return the driver's counters; they live as long as the device. */
struct offload_stats;
const struct offload_stats *netdev_tap_offload_stats(const struct netdev *dev);
const struct offload_stats *netdev_afpacket_offload_stats(const struct netdev *dev);

#endif /* LIBOS_UNIX_NETDEV_UNIX_H */
