/* sw_pktbuf.c — packets buffered for the controller (packet_in buffer_id). */
#include "sw_pktbuf.h"

#include <string.h>

#define SLOT_BITS 8
_Static_assert((1u << SLOT_BITS) == SW_PKTBUF_SLOTS, "slot bits match the slot count");
#define GEN_MAX ((1u << (32 - SLOT_BITS)) - 2) /* keeps every id != 0xffffffff */

void sw_pktbuf_init(struct sw_pktbuf *b)
{
    memset(b, 0, sizeof *b);
}

/* Releases slot i's packet, if any.  Returns nothing. */
static void release(struct sw_pktbuf *b, unsigned i)
{
    pkt_free(b->slot[i].pkt);
    b->slot[i].pkt = NULL;
}

void sw_pktbuf_clear(struct sw_pktbuf *b)
{
    for (unsigned i = 0; i < SW_PKTBUF_SLOTS; i++)
        release(b, i);
}

/* Returns true when slot i holds a packet that has outlived the TTL. */
static int is_stale(const struct sw_pktbuf *b, unsigned i, uint64_t now_ns)
{
    return b->slot[i].pkt && now_ns - b->slot[i].stored_ns >= SW_PKTBUF_TTL_NS;
}

uint32_t sw_pktbuf_store(struct sw_pktbuf *b, struct pkt *p, uint16_t in_port, uint64_t now_ns)
{
    for (unsigned k = 0; k < SW_PKTBUF_SLOTS; k++) {
        unsigned i = (b->next + k) % SW_PKTBUF_SLOTS;
        if (is_stale(b, i, now_ns)) {
            release(b, i);
            b->stats.expired++;
        }
        if (b->slot[i].pkt)
            continue;
        b->slot[i].pkt = pkt_ref(p);
        b->slot[i].in_port = in_port;
        b->slot[i].stored_ns = now_ns;
        b->slot[i].gen = b->slot[i].gen >= GEN_MAX ? 0 : b->slot[i].gen + 1;
        b->next = (i + 1) % SW_PKTBUF_SLOTS;
        b->stats.stored++;
        return (b->slot[i].gen << SLOT_BITS) | i;
    }
    b->stats.full++;
    return SW_PKTBUF_NONE;
}

struct pkt *sw_pktbuf_take(struct sw_pktbuf *b, uint32_t id, uint64_t now_ns, uint16_t *in_port)
{
    unsigned i = id & (SW_PKTBUF_SLOTS - 1);
    if (id == SW_PKTBUF_NONE || !b->slot[i].pkt || b->slot[i].gen != id >> SLOT_BITS) {
        b->stats.unknown++;
        return NULL;
    }
    if (is_stale(b, i, now_ns)) {
        release(b, i);
        b->stats.expired++;
        b->stats.unknown++;
        return NULL;
    }
    struct pkt *p = b->slot[i].pkt;
    b->slot[i].pkt = NULL;
    *in_port = b->slot[i].in_port;
    b->stats.taken++;
    return p;
}

unsigned sw_pktbuf_expire(struct sw_pktbuf *b, uint64_t now_ns)
{
    unsigned n = 0;
    for (unsigned i = 0; i < SW_PKTBUF_SLOTS; i++) {
        if (is_stale(b, i, now_ns)) {
            release(b, i);
            n++;
        }
    }
    b->stats.expired += n;
    return n;
}

unsigned sw_pktbuf_count(const struct sw_pktbuf *b)
{
    unsigned n = 0;
    for (unsigned i = 0; i < SW_PKTBUF_SLOTS; i++)
        n += b->slot[i].pkt != NULL;
    return n;
}
