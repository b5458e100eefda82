/*
 * dp_slab.h — a fixed-size object allocator for flow entries.
 *
 * Installing a flow used to cost two heap allocations (the entry and its
 * action list); with a million flows that was most of the flow_mod time.  A
 * slab hands out objects of one size from large page-aligned chunks
 * (os_page_alloc) and keeps freed objects on a free list, so an allocation is
 * a pointer pop and a memset, and the memory of a big table is a few large
 * regions instead of millions of heap blocks.
 *
 * Invariants and ownership:
 *  - every object is `obj_size` bytes (rounded up to a multiple of 64, so an
 *    object starts on a cache line) and is zeroed when handed out;
 *  - chunks grow geometrically (first `first_chunk` bytes, doubling up to
 *    DP_SLAB_MAX_CHUNK) so a small table stays small (the unikernel may run in
 *    8 MiB) and a large one makes few allocation calls; when a chunk cannot
 *    be had, smaller ones are tried, down to one object;
 *  - memory goes back to the system only in dp_slab_fini: freed objects are
 *    reused by later allocations of the same slab.
 *
 * Callers: dp_table (control path only: allocation is never done on the
 * packet path).  Single-threaded.
 */
#ifndef DP_SLAB_H
#define DP_SLAB_H

#include <stddef.h>
#include <stdint.h>

#define DP_SLAB_MAX_CHUNK (2u << 20) /* bytes */

struct dp_slab {
    size_t obj_size;    /* bytes per object, a multiple of 64 */
    size_t next_chunk;  /* bytes of the next chunk to allocate */
    void *free;         /* free list, linked through the first word */
    void *chunks;       /* allocated chunks, linked through their header */
    char *bump, *end;   /* unused part of the newest chunk */
    uint64_t in_use;    /* objects handed out and not freed */
};

/* Initialises an empty slab of objects of `obj_size` bytes (> 0), whose
 * first chunk will be `first_chunk` bytes (rounded up to a page).  Allocates
 * nothing.  Returns nothing. */
void dp_slab_init(struct dp_slab *s, size_t obj_size, size_t first_chunk);

/* Returns a zeroed object, or NULL when memory is exhausted. */
void *dp_slab_alloc(struct dp_slab *s);

/* Returns object `p` (from dp_slab_alloc of the same slab, or NULL: ignored)
 * to the slab.  Returns nothing. */
void dp_slab_free(struct dp_slab *s, void *p);

/* Frees every chunk; every object of the slab becomes invalid.  Returns
 * nothing. */
void dp_slab_fini(struct dp_slab *s);

#endif /* DP_SLAB_H */
