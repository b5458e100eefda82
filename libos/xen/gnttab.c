/*
 * gnttab.c — the xen target's grant table (version 1, the default): frames
 * are pages from the page allocator that XENMEM_add_to_physmap
 * (XENMAPSPACE_grant_table, idx = frame number) replaces with Xen's grant
 * frames; the table starts with GNT_INITIAL_FRAMES and grows one frame at a
 * time (gnttab_core.c calls grow when its free list is empty) up to what
 * GNTTABOP_query_size allows.  The pages stay allocated for good, so the
 * frames are mapped wherever RAM is.
 */
#include <errno.h>

#include "libos/xen/xen.h"
#include "os/log.h"
#include "os/mem.h"

#define GNT_INITIAL_FRAMES 4u /* 2048 references */

static struct gnt_table gnt;

/* gnt_table grow callback: maps grant frame number t->n_frames.  Returns 0
 * or a negative errno. */
static int gnttab_map_frame(struct gnt_table *t, void *arg)
{
    if (t->n_frames >= t->max_frames)
        return -ENOSPC;
    void *page = os_page_alloc(XEN_PAGE_SIZE);
    if (!page)
        return -ENOMEM;
    struct xen_add_to_physmap a = {
        .domid = XEN_DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = t->n_frames,
        .gpfn = xen_virt_to_gfn(page),
    };
    long rc = xen_hypercall(XEN_HC_memory_op, XENMEM_add_to_physmap, (unsigned long)&a, 0, 0, 0);
    if (rc) {
        OS_ERR("gnttab", "mapping grant frame %u: error %ld", t->n_frames, rc);
        os_page_free(page, XEN_PAGE_SIZE);
        return (int)rc;
    }
    return gnt_table_add_frame(t, page);
}

int xen_gnttab_init(void)
{
    struct xen_gnttab_query_size q = { .dom = XEN_DOMID_SELF };
    long rc = xen_hypercall(XEN_HC_grant_table_op, GNTTABOP_query_size, (unsigned long)&q, 1, 0, 0);
    if (rc || q.status) {
        OS_ERR("gnttab", "GNTTABOP_query_size: error %ld status %d", rc, q.status);
        return rc ? (int)rc : -EIO;
    }
    gnt_table_init(&gnt, q.max_nr_frames, gnttab_map_frame, NULL);
    for (unsigned i = 0; i < GNT_INITIAL_FRAMES && i < gnt.max_frames; i++) {
        int r = gnttab_map_frame(&gnt, NULL);
        if (r)
            return r;
    }
    OS_INFO("gnttab", "grant table v1: %u of at most %u frames mapped", gnt.n_frames,
            gnt.max_frames);
    return 0;
}

struct gnt_table *xen_gnttab(void)
{
    return &gnt;
}
