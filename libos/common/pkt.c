/*
 * pkt.c — the packet pool (implements os/pkt.h).
 *
 * A pool is three allocations made once by pkt_pool_create:
 *  - one page-aligned region holding every data slot back to back
 *    (os_page_alloc), so slot i is at slots + i * stride; the stride is
 *    the slot size, plus one cache line when the slot size is a multiple
 *    of 256 bytes but not of the page size (see pkt_stride);
 *  - an array of `count` struct pkt headers;
 *  - a LIFO stack of pointers to the free headers.  The most recently freed
 *    packet is the next one allocated, so its slot and header are still warm
 *    in the cache.  Alloc and free are O(1); nothing on the packet path
 *    loops over the pool or logs.
 *
 * Debug builds (SLUICE_DEBUG, i.e. the ASan build):
 *  - a freed slot is filled with 0x6b; the poison is checked when the slot
 *    is handed out again, so a write after free is caught;
 *  - freeing a packet whose refcnt is already 0 (a double free) or writing
 *    into a freed slot is a programmer error: it is logged and the process
 *    stops with __builtin_trap() so the sanitizer report points at it.
 * Release builds ignore a double free (counted in the pool, never trapped),
 * so a bug cannot corrupt the free stack.
 *
 * Portable code: built freestanding, uses os/mem.h and os/log.h only.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "os/log.h"
#include "os/mem.h"
#include "os/pkt.h"

#define PKT_POISON 0x6b

struct pkt_pool {
    struct pkt **free_stack; /* free_stack[0..nfree) are free packets */
    uint32_t nfree;
    uint32_t count;
    uint32_t slot_size;
    uint32_t headroom;
    uint8_t *slots;          /* count * stride bytes, page-aligned */
    size_t slots_bytes;
    struct pkt *hdrs;        /* count headers */
    uint64_t bad_frees;      /* frees of a packet with refcnt 0 */
    struct pkt_pool_stats st;
};

#ifdef SLUICE_DEBUG
static void pkt_debug_poison(struct pkt *p)
{
    memset(p->buf, PKT_POISON, p->buf_size);
}

/* Traps when a byte of a free slot lost its poison (write after free). */
static void pkt_debug_check_poison(const struct pkt *p)
{
    for (uint32_t i = 0; i < p->buf_size; i++) {
        if (p->buf[i] != PKT_POISON) {
            os_log(OS_LOG_ERR, "pkt", "write after free: slot %u byte %u is 0x%02x",
                   p->index, i, p->buf[i]);
            __builtin_trap();
        }
    }
}

static void pkt_debug_double_free(const struct pkt *p)
{
    os_log(OS_LOG_ERR, "pkt", "double free of packet %u (%p)", p->index, (const void *)p);
    __builtin_trap();
}
#else
static inline void pkt_debug_poison(struct pkt *p) { (void)p; }
static inline void pkt_debug_check_poison(const struct pkt *p) { (void)p; }
static inline void pkt_debug_double_free(const struct pkt *p) { (void)p; }
#endif

/* Returns the distance between two slots of `slot_size` (a multiple of
 * 64).  A stride that is a multiple of 256 puts the first bytes of every
 * frame into the same few sets of a 64-set L1 data cache (2048-byte slots:
 * 2 of 64 sets, so a burst of 32 frames evicts itself: callgrind's cache
 * simulation of dpbench exact1 counts 2.1 L1 misses a packet, 0 with the
 * extra line), and makes a core that predicts store-to-load dependencies by
 * the low 12 address bits (Intel's "4K aliasing") stall a frame's loads
 * behind the stores into the frames before it.  One more cache line makes
 * consecutive slots start 1 set apart (an odd number of lines between
 * them: every set is used).  Page-multiple slots stay page-aligned (a Xen
 * netfront grants them whole). */
static uint32_t pkt_stride(uint32_t slot_size)
{
    if (slot_size % 256 || slot_size % OS_PAGE_SIZE == 0)
        return slot_size;
    return slot_size + 64;
}

struct pkt_pool *pkt_pool_create(uint32_t count, uint32_t slot_size, uint32_t headroom)
{
    if (count == 0 || slot_size == 0 || slot_size > UINT32_MAX - 63)
        return NULL;
    slot_size = (slot_size + 63u) & ~63u;
    if (headroom >= slot_size)
        return NULL;
    uint32_t stride = pkt_stride(slot_size);
    if ((size_t)count > SIZE_MAX / stride)
        return NULL;

    struct pkt_pool *pool = os_calloc(1, sizeof *pool);
    if (!pool)
        return NULL;
    pool->count = count;
    pool->slot_size = slot_size;
    pool->headroom = headroom;
    pool->slots_bytes = (size_t)count * stride;
    /* Stop at the first failure: never ask for more once one failed. */
    if (!(pool->slots = os_page_alloc(pool->slots_bytes)) ||
        !(pool->hdrs = os_calloc(count, sizeof *pool->hdrs)) ||
        !(pool->free_stack = os_calloc(count, sizeof *pool->free_stack))) {
        os_log(OS_LOG_ERR, "pkt", "cannot allocate a pool of %u x %u bytes", count, slot_size);
        pkt_pool_destroy(pool);
        return NULL;
    }
    /* Push in reverse so the first allocation returns slot 0. */
    for (uint32_t i = 0; i < count; i++) {
        struct pkt *p = &pool->hdrs[i];
        p->buf = pool->slots + (size_t)i * stride;
        p->buf_size = slot_size;
        p->data = p->buf + headroom;
        p->index = i;
        p->pool = pool;
        pkt_debug_poison(p);
        pool->free_stack[count - 1 - i] = p;
    }
    pool->nfree = count;
    return pool;
}

void pkt_pool_destroy(struct pkt_pool *pool)
{
    if (!pool)
        return;
    if (pool->free_stack && pool->nfree != pool->count)
        os_log(OS_LOG_WARN, "pkt", "pool destroyed with %u of %u packets still in use",
               pool->count - pool->nfree, pool->count);
    os_page_free(pool->slots, pool->slots_bytes);
    os_free(pool->hdrs);
    os_free(pool->free_stack);
    os_free(pool);
}

uint32_t pkt_pool_avail(const struct pkt_pool *pool)
{
    return pool->nfree;
}

uint32_t pkt_pool_size(const struct pkt_pool *pool)
{
    return pool->count;
}

uint32_t pkt_pool_headroom(const struct pkt_pool *pool)
{
    return pool->headroom;
}

/* Resets a packet just taken off the free stack.  Returns `p`. */
static inline struct pkt *pkt_init_fresh(struct pkt_pool *pool, struct pkt *p)
{
    pkt_debug_check_poison(p);
    p->data = p->buf + pool->headroom;
    p->len = 0;
    p->refcnt = 1;
    p->in_port = 0;
    p->ts_ns = 0;
    p->drv = 0;
    p->next = NULL;
    return p;
}

struct pkt *pkt_alloc(struct pkt_pool *pool)
{
    if (__builtin_expect(pool->nfree == 0, 0)) {
        pool->st.alloc_fail++;
        return NULL;
    }
    pool->st.allocs++;
    return pkt_init_fresh(pool, pool->free_stack[--pool->nfree]);
}

unsigned pkt_alloc_burst(struct pkt_pool *pool, struct pkt **pkts, unsigned n)
{
    unsigned got = n <= pool->nfree ? n : pool->nfree;
    for (unsigned i = 0; i < got; i++)
        pkts[i] = pkt_init_fresh(pool, pool->free_stack[--pool->nfree]);
    pool->st.allocs += got;
    pool->st.alloc_fail += n - got; /* one per packet asked for and refused */
    return got;
}

void pkt_free(struct pkt *p)
{
    if (!p)
        return;
    if (__builtin_expect(p->refcnt == 0, 0)) {
        p->pool->bad_frees++;
        pkt_debug_double_free(p);
        return;
    }
    if (--p->refcnt > 0)
        return;
    struct pkt_pool *pool = p->pool;
    pkt_debug_poison(p);
    pool->free_stack[pool->nfree++] = p;
    pool->st.frees++;
}

void pkt_free_burst(struct pkt **pkts, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        pkt_free(pkts[i]);
}

struct pkt *pkt_copy(const struct pkt *p)
{
    struct pkt *q = pkt_alloc(p->pool);
    if (!q)
        return NULL;
    /* Same pool, so same slot size: p's headroom + len always fits. */
    q->data = q->buf + pkt_headroom(p);
    q->len = p->len;
    memcpy(q->data, p->data, p->len);
    q->in_port = p->in_port;
    q->ts_ns = p->ts_ns;
    p->pool->st.copies++;
    return q;
}

int pkt_make_writable(struct pkt **pp)
{
    struct pkt *p = *pp;
    if (!pkt_is_shared(p))
        return 0;
    struct pkt *q = pkt_copy(p);
    if (!q)
        return -ENOMEM;
    pkt_free(p);
    *pp = q;
    return 0;
}

void pkt_pool_get_stats(const struct pkt_pool *pool, struct pkt_pool_stats *st)
{
    *st = pool->st;
}
