/*
 * os/pkt.h — packet buffers.
 *
 * A packet is a `struct pkt` header plus one fixed-size data slot, both carved
 * out of a pool that is allocated once (`pkt_pool_create`) and never grows.
 * Nothing on the packet path calls malloc: drivers post pool buffers into
 * their RX rings, the datapath classifies and rewrites them in place, and TX
 * hands the very same buffer to the device.
 *
 * Layout of a slot:   [ headroom | data (len bytes) | tailroom ]
 *                     ^buf       ^data
 * `pkt_push` grows the frame into the headroom (e.g. to insert an 802.1Q tag
 * or a virtio_net_hdr), `pkt_pull` shrinks it from the front.
 *
 * Invariants
 *  - buf <= data, data + len <= buf + buf_size.
 *  - refcnt >= 1 while anyone holds the packet; the last `pkt_free` returns
 *    it to its pool.  A packet with refcnt > 1 is *shared* and must not be
 *    written: call `pkt_make_writable` first (copy-on-write).
 *  - A pool is used by one thread (the pipeline that owns it); reference
 *    counts are not atomic.
 *  - Debug builds (SLUICE_DEBUG) poison a freed slot with 0x6b and check for
 *    double frees.
 *
 * Ownership: whoever holds a reference owns it and must either pass it on
 * (e.g. to `netdev_tx_burst`, which takes every packet it is given) or free
 * it.  Functions that fail leave the packet untouched.
 *
 * Callers: drivers, the datapath, the OpenFlow agent (packet_in/packet_out).
 */
#ifndef OS_PKT_H
#define OS_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKT_BURST 32             /* the burst size used everywhere */
#define PKT_DEFAULT_SLOT 2048    /* bytes per data slot */
#define PKT_DEFAULT_HEADROOM 128 /* room for pushed headers */

struct pkt_pool;

struct pkt {
    uint8_t *data;          /* first byte of the frame */
    uint32_t len;           /* frame length in bytes */
    uint16_t refcnt;        /* references held; 0 = in the free list */
    uint16_t in_port;       /* port the frame arrived on (0 = none) */
    uint64_t ts_ns;         /* receive timestamp (ns, wall or monotonic as the driver says) */
    uint8_t *buf;           /* start of the slot */
    uint32_t buf_size;      /* slot size */
    uint32_t index;         /* slot index in its pool */
    struct pkt_pool *pool;  /* owning pool */
    uintptr_t drv;          /* driver-private word (descriptor id, grant ref...) */
    struct pkt *next;       /* free list / driver queue link */
};

/* Creates a pool of `count` packets of `slot_size` bytes each, with
 * `headroom` bytes reserved in front of freshly allocated frames.
 * `slot_size` is rounded up to a multiple of 64; slots are page-aligned when
 * slot_size is a multiple of the page size; otherwise slots whose size is a
 * multiple of 256 are laid one cache line further apart, so that frames
 * spread over every set of the L1 data cache.  Returns the pool or NULL when
 * memory is exhausted or the arguments are invalid (headroom >= slot_size). */
struct pkt_pool *pkt_pool_create(uint32_t count, uint32_t slot_size, uint32_t headroom);

/* Frees a pool.  Every packet must have been returned; in debug builds a
 * leaked packet is reported.  Returns nothing. */
void pkt_pool_destroy(struct pkt_pool *pool);

/* Returns the number of packets currently free in the pool. */
uint32_t pkt_pool_avail(const struct pkt_pool *pool);

/* Returns the total number of packets in the pool. */
uint32_t pkt_pool_size(const struct pkt_pool *pool);

/* Returns the headroom a fresh packet of this pool starts with. */
uint32_t pkt_pool_headroom(const struct pkt_pool *pool);

/* Allocates one packet with len 0, refcnt 1, data at buf + headroom.
 * Returns the packet, or NULL when the pool is empty (counted). */
struct pkt *pkt_alloc(struct pkt_pool *pool);

/* Allocates up to `n` packets into `pkts`.  Returns how many were allocated
 * (0..n): as many as possible (_burst semantics). */
unsigned pkt_alloc_burst(struct pkt_pool *pool, struct pkt **pkts, unsigned n);

/* Takes one more reference.  Returns `p`. */
static inline struct pkt *pkt_ref(struct pkt *p)
{
    p->refcnt++;
    return p;
}

/* Drops one reference; the last one returns the packet to its pool.
 * NULL is accepted and ignored.  Returns nothing. */
void pkt_free(struct pkt *p);

/* Drops one reference on each of `n` packets.  Returns nothing. */
void pkt_free_burst(struct pkt **pkts, unsigned n);

/* Returns true when more than one reference is held. */
static inline bool pkt_is_shared(const struct pkt *p)
{
    return p->refcnt > 1;
}

/* Returns the bytes free in front of data. */
static inline uint32_t pkt_headroom(const struct pkt *p)
{
    return (uint32_t)(p->data - p->buf);
}

/* Returns the bytes free behind the frame. */
static inline uint32_t pkt_tailroom(const struct pkt *p)
{
    return p->buf_size - pkt_headroom(p) - p->len;
}

/* Grows the frame by `n` bytes at the front.  Returns the new data pointer,
 * or NULL (packet untouched) when the headroom is too small. */
static inline uint8_t *pkt_push(struct pkt *p, uint32_t n)
{
    if (pkt_headroom(p) < n)
        return NULL;
    p->data -= n;
    p->len += n;
    return p->data;
}

/* Removes `n` bytes from the front.  Returns the new data pointer, or NULL
 * (packet untouched) when the frame is shorter than `n`. */
static inline uint8_t *pkt_pull(struct pkt *p, uint32_t n)
{
    if (p->len < n)
        return NULL;
    p->data += n;
    p->len -= n;
    return p->data;
}

/* Appends `n` bytes at the end.  Returns a pointer to the first appended
 * byte, or NULL (packet untouched) when the tailroom is too small. */
static inline uint8_t *pkt_put(struct pkt *p, uint32_t n)
{
    if (pkt_tailroom(p) < n)
        return NULL;
    uint8_t *tail = p->data + p->len;
    p->len += n;
    return tail;
}

/* Shortens the frame to `len` bytes (no-op when already shorter).
 * Returns nothing. */
static inline void pkt_trim(struct pkt *p, uint32_t len)
{
    if (len < p->len)
        p->len = len;
}

/* Allocates a new packet from `p`'s pool holding a copy of p's frame, with
 * the same headroom, in_port and timestamp.  Returns the copy (refcnt 1), or
 * NULL when the pool is empty. */
struct pkt *pkt_copy(const struct pkt *p);

/* Copy-on-write: when *pp is shared, replaces *pp with a private copy and
 * drops one reference on the original.  Returns 0, or -ENOMEM when the pool
 * is empty (then *pp is unchanged and still referenced). */
int pkt_make_writable(struct pkt **pp);

/* Pool counters, for statistics and tests. */
struct pkt_pool_stats {
    uint64_t allocs;     /* successful allocations */
    uint64_t alloc_fail; /* allocations refused because the pool was empty */
    uint64_t frees;      /* packets returned */
    uint64_t copies;     /* copy-on-write and pkt_copy copies */
};

/* Fills `st` with the pool's counters.  Returns nothing. */
void pkt_pool_get_stats(const struct pkt_pool *pool, struct pkt_pool_stats *st);

#endif /* OS_PKT_H */
