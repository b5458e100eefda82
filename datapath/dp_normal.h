/*
 * dp_normal.h — the NORMAL action: a MAC-learning L2 switch.
 *
 * A fixed-size table of (MAC, VLAN) -> port entries, allocated once at
 * creation: 4-way set-associative buckets, so learning never allocates and
 * a full bucket replaces its least recently seen entry.  Learning is
 * VLAN-aware: the same MAC on two VLANs is two entries (dl_vlan as in the
 * flow key, DP_VLAN_NONE for untagged).
 *
 * Decision for a frame (src, dst, vlan) arriving on in_port:
 *  - src is learned (or refreshed) on in_port unless it is a group address;
 *  - dst broadcast/multicast, unknown, or aged out -> DP_PORT_FLOOD;
 *  - dst learned on in_port -> DP_PORT_NONE (drop: never send a frame back
 *    out the port it came in on);
 *  - otherwise the learned port.
 * Flooding itself (which ports, NO_FLOOD, ingress excluded) is the
 * pipeline's job.
 *
 * Aging: an entry not refreshed for `aging_ns` is treated as absent (lazy;
 * no timer needed).  Time comes from the caller (now_ns).
 *
 * Single-threaded; called by the pipeline (and tests).
 */
#ifndef DP_NORMAL_H
#define DP_NORMAL_H

#include <stdint.h>

struct dp_normal;

struct dp_normal_stats {
    uint32_t entries;   /* live (not aged) entries at the last count */
    uint64_t learned;   /* new entries */
    uint64_t moved;     /* a MAC seen on a new port */
    uint64_t evicted;   /* live entries replaced because a bucket was full */
    uint64_t flooded;   /* decisions that flooded */
    uint64_t forwarded; /* decisions that chose one port */
    uint64_t dropped;   /* decisions that dropped (dst behind in_port) */
};

/* Creates a table of at least `max_entries` entries (rounded up to a power
 * of two, minimum 64) with the given aging time (0 = 300 s).  Returns it or
 * NULL when memory is exhausted. */
struct dp_normal *dp_normal_create(uint32_t max_entries, uint64_t aging_ns);

/* Frees the table.  NULL is ignored. */
void dp_normal_destroy(struct dp_normal *n);

/* Learns `src` on in_port and decides where `dst` goes (see above).
 * Returns a port number, DP_PORT_FLOOD or DP_PORT_NONE. */
uint16_t dp_normal_decide(struct dp_normal *n, const uint8_t src[6], const uint8_t dst[6],
                          uint16_t vlan, uint16_t in_port, uint64_t now_ns);

/* Returns the port `mac` was learned on in `vlan`, or DP_PORT_NONE when
 * unknown or aged out. */
uint16_t dp_normal_lookup(const struct dp_normal *n, const uint8_t mac[6], uint16_t vlan,
                          uint64_t now_ns);

/* Forgets every entry on `port` (a port was deleted or went down).
 * Returns the number of entries forgotten. */
unsigned dp_normal_flush_port(struct dp_normal *n, uint16_t port);

/* Forgets everything.  Returns nothing. */
void dp_normal_flush(struct dp_normal *n);

/* Fills `st` (counting live entries at now_ns).  Returns nothing. */
void dp_normal_get_stats(const struct dp_normal *n, uint64_t now_ns, struct dp_normal_stats *st);

#endif /* DP_NORMAL_H */
