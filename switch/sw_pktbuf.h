/*
 * sw_pktbuf.h — packets buffered for the controller (packet_in buffer_id).
 *
 * When the switch sends a packet_in it may keep the packet and give the
 * controller a buffer_id, so that a later packet_out or flow_mod can refer
 * to it instead of sending the bytes back.  This table holds a bounded
 * number of such packets (SW_PKTBUF_SLOTS); each expires after
 * SW_PKTBUF_TTL_NS so a controller that never answers cannot pin the pool.
 *
 * Ids: the low bits select a slot and the high bits carry a per-slot
 * generation, so an id that was already used, expired or overwritten is
 * recognised (OFPBRC_BUFFER_UNKNOWN) instead of releasing someone else's
 * packet.  An id is never OFP_NO_BUFFER (0xffffffff).
 *
 * Ownership: sw_pktbuf_store takes one reference to the packet (the caller
 * keeps its own); sw_pktbuf_take gives that reference to the caller.
 * Single-threaded; used by the OpenFlow agent only.
 */
#ifndef SW_PKTBUF_H
#define SW_PKTBUF_H

#include <stdint.h>

#include "os/pkt.h"

#define SW_PKTBUF_SLOTS 256
#define SW_PKTBUF_TTL_NS (5ull * 1000000000ull)
#define SW_PKTBUF_NONE 0xffffffffu

struct sw_pktbuf_stats {
    uint64_t stored;     /* packets buffered */
    uint64_t taken;      /* ids redeemed by packet_out / flow_mod */
    uint64_t expired;    /* released unused after the TTL */
    uint64_t full;       /* not buffered: every slot busy and young */
    uint64_t unknown;    /* ids presented that were not (or no longer) valid */
};

struct sw_pktbuf {
    struct {
        struct pkt *pkt;
        uint16_t in_port;
        uint64_t stored_ns;
        uint32_t gen;
    } slot[SW_PKTBUF_SLOTS];
    uint32_t next;       /* round-robin start for the free-slot search */
    struct sw_pktbuf_stats stats;
};

/* Initialises an empty table.  Returns nothing. */
void sw_pktbuf_init(struct sw_pktbuf *b);

/* Releases every buffered packet.  Returns nothing. */
void sw_pktbuf_clear(struct sw_pktbuf *b);

/* Buffers a reference to `p` that arrived on `in_port`, at now_ns.
 * Expired slots are reused.  Returns the buffer id, or SW_PKTBUF_NONE when
 * every slot holds a packet younger than the TTL (nothing is taken then). */
uint32_t sw_pktbuf_store(struct sw_pktbuf *b, struct pkt *p, uint16_t in_port, uint64_t now_ns);

/* Redeems `id`: returns its packet (the caller now owns that reference)
 * and sets *in_port, or NULL when the id is unknown, already redeemed or
 * expired at now_ns (counted). */
struct pkt *sw_pktbuf_take(struct sw_pktbuf *b, uint32_t id, uint64_t now_ns, uint16_t *in_port);

/* Releases every packet older than the TTL at now_ns.  Returns how many. */
unsigned sw_pktbuf_expire(struct sw_pktbuf *b, uint64_t now_ns);

/* Returns how many packets the table holds. */
unsigned sw_pktbuf_count(const struct sw_pktbuf *b);

#endif /* SW_PKTBUF_H */
