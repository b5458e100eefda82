/*
 * net_pair.h — an internal Ethernet link inside the image: two netdevs
 * joined back to back, like Open vSwitch's bridge-internal port.  What one
 * side transmits the other side receives, in order, without a copy.
 *
 * Used for in-band control: one side is added to the datapath as its LOCAL
 * port (OFPP_LOCAL), the other is the TCP/IP stack's NIC (net.h), so the
 * switch's own OpenFlow connection is switched by the flow table like any
 * host's traffic.  Both sides carry the same MAC (the stack's).
 *
 * Bounds: each direction queues at most NET_PAIR_QUEUE packets; more are
 * dropped and counted in the sender's tx_dropped.  A shared packet (refcnt
 * > 1, e.g. a flood) is copied on transmit so the receiver owns what it
 * gets, as netdev_rx_burst promises; when the copy fails it is dropped and
 * counted.  Neither side can wake a halted CPU (there is nothing to wait
 * for: both ends run in the same loop), so arm_rx_wakeup returns 0 when the
 * queue is empty and -EAGAIN otherwise.
 *
 * Single-threaded; both sides belong to the thread that runs the datapath
 * and the stack.  Close each side with netdev_close(); the link is freed
 * with the second.
 */
#ifndef NET_PAIR_H
#define NET_PAIR_H

#include <stdint.h>

#include "os/netdev.h"

#define NET_PAIR_QUEUE 256

/* Creates the pair.  `name` names the datapath side (the port name
 * controllers see, e.g. "LOCAL"); the stack side is named NAME-stack.
 * Returns 0 with both sides set, or -ENOMEM. */
int net_pair_create(const uint8_t mac[6], const char *name, struct netdev **dp_side,
                    struct netdev **stack_side);

#endif /* NET_PAIR_H */
