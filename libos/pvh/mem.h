/*
 * mem.h — the PVH targets' physical memory (implements os/mem.h in mem.c).
 *
 * mem_init() takes the largest usable RAM range of the PVH memory map that
 * lies above the image and below 4 GiB (the identity-mapped part) and hands
 * it to a page allocator: a bump pointer plus a first-fit list of freed
 * extents (page regions are allocated at start-up and rarely freed).  The
 * heap (os_malloc) serves requests up to 2 KiB from eight power-of-two size
 * classes refilled a page at a time, and larger ones as whole pages; each
 * block carries a 16-byte header, so os_free of a foreign or already freed
 * pointer is detected, logged and ignored.  Single CPU; not reentrant.
 */
#ifndef PVH_MEM_H
#define PVH_MEM_H

#include <stdint.h>

#include "libos/x86_64/pvh.h"

/* Sets up the allocator from the memory map of `si`.  Returns 0, or -ENOMEM
 * when no usable range was found. */
int mem_init(const struct hvm_start_info *si);

/* Picks the largest RAM range of the memory map of `si` within [floor,
 * limit), page-aligned.  Sets *lo, *hi and *ram (all RAM in the map).
 * Returns 0, or -ENOMEM when there is none.  Pure: used by mem_init and by
 * the host unit test. */
int mem_pick_range(const struct hvm_start_info *si, uint64_t floor, uint64_t limit,
                   uint64_t *lo, uint64_t *hi, uint64_t *ram);

/* (Re)starts the allocator on [lo, hi) (page-aligned), forgetting every
 * earlier allocation.  Returns nothing. */
void mem_arena_init(uintptr_t lo, uintptr_t hi);

/* Sets *lo and *hi to the allocator's range [lo, hi) (both 0 before
 * mem_init), e.g. for the page tables to map it.  Returns nothing. */
void mem_arena_range(uintptr_t *lo, uintptr_t *hi);

/* Usage counters for the boot log and the exit report. */
struct mem_stats {
    uint64_t ram_bytes;     /* usable RAM in the memory map */
    uint64_t arena_bytes;   /* the range given to the allocator */
    uint64_t used_bytes;    /* high-water mark of the bump pointer */
    uint64_t bad_frees;     /* os_free of a pointer that is not a live block */
};

/* Fills `st`.  Returns nothing. */
void mem_get_stats(struct mem_stats *st);

#endif /* PVH_MEM_H */
