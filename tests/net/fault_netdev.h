/*
 * fault_netdev.h — a netdev that wraps another and injects faults both
 * ways: loss, duplication, reordering and single-bit corruption, each with
 * its own probability, from a seeded generator (reproducible runs).
 *
 * Test and benchmark tool (hosted): the kernel of this machine has no
 * netem, so tests/net and bench/ put this between the stack and its tap.
 * Corruption flips one bit past the Ethernet header, so the IPv4 or TCP
 * checksum of the receiver must catch it.  A reordered frame is held back
 * and delivered after the next burst.  The wrapper owns the inner netdev
 * (closing it closes both).
 */
#ifndef FAULT_NETDEV_H
#define FAULT_NETDEV_H

#include <stdint.h>

#include "os/netdev.h"

struct fault_spec {
    unsigned loss, dup, reorder, corrupt; /* per mille, each direction */
    uint64_t seed;
};

/* Parses "loss=P,dup=P,reorder=P,corrupt=P,seed=N" (P in percent, may have
 * one decimal: 0.5).  Returns 0 or -EINVAL. */
int fault_parse(const char *s, struct fault_spec *f);

/* Wraps `inner`.  Returns 0 and sets *out, or -ENOMEM. */
int fault_wrap(struct netdev *inner, const struct fault_spec *f, struct netdev **out);

/* Counters of what was injected.  Returns nothing. */
struct fault_counts {
    uint64_t lost, duplicated, reordered, corrupted;
};
void fault_get_counts(const struct netdev *dev, struct fault_counts *c);

#endif
