/*
 * gnttab.h — grant table version 1: letting a backend domain access pages
 * of ours (ring pages, packet pages).
 *
 * A grant table is an array of 8-byte entries spread over frames that Xen
 * maps into our physical address space (XENMEM_add_to_physmap with
 * XENMAPSPACE_grant_table onto pages from the page allocator; see
 * xen_gnttab_init in xen.h).  A grant reference (grant_ref_t) indexes it.
 * Entries 0..GNTTAB_NR_RESERVED_ENTRIES-1 belong to the toolstack (console,
 * xenstore) and are never handed out.
 *
 * Life of a grant: gnt_grant() takes a free reference and fills the entry
 * (frame and domain first, then the flags, behind a barrier); the backend
 * maps or copies the page; gnt_end() revokes it with a compare-and-swap on
 * the flags that fails while Xen still marks the entry reading/writing
 * (-EBUSY: the page is still in use and must not be reused; the reference
 * stays allocated).  Free references form a LIFO list (O(1) both ways);
 * when it is empty the table grows by one frame through the platform's
 * `grow` callback, up to max_frames.
 *
 * Pure code over memory it is given: on the xen target the frames are Xen's
 * grant frames; tests/unit/test_xen_gnttab.c uses host pages and plays Xen
 * by setting the reading/writing bits.  Single-threaded; not for interrupt
 * handlers.
 */
#ifndef XEN_GNTTAB_H
#define XEN_GNTTAB_H

#include <stdbool.h>
#include <stdint.h>

#include "libos/xen/xen_abi.h"

#define GNT_MAX_FRAMES 64u

struct gnt_stats {
    uint64_t grants;        /* successful gnt_grant calls */
    uint64_t ends;          /* successful gnt_end calls */
    uint64_t busy;          /* gnt_end refused: still mapped by the other side */
    uint64_t exhausted;     /* gnt_grant found no reference and could not grow */
    uint32_t in_use;        /* references handed out now */
};

struct gnt_table {
    struct xen_grant_entry_v1 *frames[GNT_MAX_FRAMES];
    unsigned n_frames;
    unsigned max_frames;    /* the platform's limit (GNTTABOP_query_size) */
    uint32_t *next;         /* free-list link per entry; GNT_REF_USED when allocated */
    uint32_t free_head;
    /* Maps one more frame and calls gnt_table_add_frame.  Returns 0 or a
     * negative errno.  NULL: the table cannot grow. */
    int (*grow)(struct gnt_table *t, void *arg);
    void *grow_arg;
    struct gnt_stats st;
};

/* Sets up an empty table that may grow to max_frames (<= GNT_MAX_FRAMES)
 * frames through grow(t, arg).  Returns nothing. */
void gnt_table_init(struct gnt_table *t, unsigned max_frames,
                    int (*grow)(struct gnt_table *t, void *arg), void *arg);

/* Adds `frame` (one page of entries, zeroed by the caller or by Xen) as the
 * table's next frame and its references to the free list.  Returns 0,
 * -ENOSPC beyond max_frames, or -ENOMEM. */
int gnt_table_add_frame(struct gnt_table *t, struct xen_grant_entry_v1 *frame);

/* Frees the table's own bookkeeping (not the frames).  Returns nothing. */
void gnt_table_fini(struct gnt_table *t);

/* Grants domain `domid` access to our frame `gfn` (read-only when
 * `readonly`).  Returns 0 and sets *ref, -ENOSPC when no reference is free
 * and the table cannot grow, or -EINVAL for a frame number that does not
 * fit the v1 entry. */
int gnt_grant(struct gnt_table *t, uint16_t domid, uint64_t gfn, bool readonly,
              grant_ref_t *ref);

/* Revokes grant `ref` and frees the reference.  Returns 0, -EBUSY when the
 * other domain still has the page mapped (nothing changed: retry later or
 * never reuse the page), or -EINVAL for a reference that is not handed out. */
int gnt_end(struct gnt_table *t, grant_ref_t ref);

/* Returns the entry of `ref`, or NULL when ref is outside the table. */
struct xen_grant_entry_v1 *gnt_entry(struct gnt_table *t, grant_ref_t ref);

#endif /* XEN_GNTTAB_H */
