/* gnttab_core.c — grant references and entries (see gnttab.h). */
#include "libos/xen/gnttab.h"

#include <errno.h>
#include <string.h>

#include "os/mem.h"

#define GNT_REF_END 0xffffffffu  /* end of the free list */
#define GNT_REF_USED 0xfffffffeu /* handed out */

void gnt_table_init(struct gnt_table *t, unsigned max_frames,
                    int (*grow)(struct gnt_table *t, void *arg), void *arg)
{
    memset(t, 0, sizeof *t);
    t->max_frames = max_frames < GNT_MAX_FRAMES ? max_frames : GNT_MAX_FRAMES;
    t->free_head = GNT_REF_END;
    t->grow = grow;
    t->grow_arg = arg;
}

int gnt_table_add_frame(struct gnt_table *t, struct xen_grant_entry_v1 *frame)
{
    if (t->n_frames >= t->max_frames)
        return -ENOSPC;
    uint32_t first = t->n_frames * (uint32_t)GNT_ENTRIES_PER_FRAME;
    uint32_t *next = os_realloc(t->next, (first + GNT_ENTRIES_PER_FRAME) * sizeof *next);
    if (!next)
        return -ENOMEM;
    t->next = next;
    t->frames[t->n_frames++] = frame;
    /* Push in reverse so the lowest new reference comes out first. */
    for (uint32_t i = GNT_ENTRIES_PER_FRAME; i-- > 0;) {
        uint32_t ref = first + i;
        if (ref < GNTTAB_NR_RESERVED_ENTRIES) {
            next[ref] = GNT_REF_USED; /* the toolstack's */
            continue;
        }
        next[ref] = t->free_head;
        t->free_head = ref;
    }
    return 0;
}

void gnt_table_fini(struct gnt_table *t)
{
    os_free(t->next);
    t->next = NULL;
    t->free_head = GNT_REF_END;
}

struct xen_grant_entry_v1 *gnt_entry(struct gnt_table *t, grant_ref_t ref)
{
    if (ref >= t->n_frames * GNT_ENTRIES_PER_FRAME)
        return NULL;
    return &t->frames[ref / GNT_ENTRIES_PER_FRAME][ref % GNT_ENTRIES_PER_FRAME];
}

int gnt_grant(struct gnt_table *t, uint16_t domid, uint64_t gfn, bool readonly,
              grant_ref_t *ref)
{
    if (gfn > UINT32_MAX)
        return -EINVAL;
    if (t->free_head == GNT_REF_END && (!t->grow || t->grow(t, t->grow_arg) ||
                                        t->free_head == GNT_REF_END)) {
        t->st.exhausted++;
        return -ENOSPC;
    }
    uint32_t r = t->free_head;
    t->free_head = t->next[r];
    t->next[r] = GNT_REF_USED;
    struct xen_grant_entry_v1 *e = gnt_entry(t, r);
    e->frame = (uint32_t)gfn;
    e->domid = domid;
    /* Frame and domain must be visible before the entry becomes valid. */
    __atomic_store_n(&e->flags, (uint16_t)(GTF_permit_access | (readonly ? GTF_readonly : 0)),
                     __ATOMIC_RELEASE);
    t->st.grants++;
    t->st.in_use++;
    *ref = r;
    return 0;
}

int gnt_end(struct gnt_table *t, grant_ref_t ref)
{
    struct xen_grant_entry_v1 *e = gnt_entry(t, ref);
    if (!e || ref < GNTTAB_NR_RESERVED_ENTRIES || t->next[ref] != GNT_REF_USED)
        return -EINVAL;
    uint16_t flags = __atomic_load_n(&e->flags, __ATOMIC_ACQUIRE);
    do {
        if (flags & (GTF_reading | GTF_writing)) {
            t->st.busy++;
            return -EBUSY;
        }
    } while (!__atomic_compare_exchange_n(&e->flags, &flags, 0, false, __ATOMIC_SEQ_CST,
                                          __ATOMIC_ACQUIRE));
    t->next[ref] = t->free_head;
    t->free_head = ref;
    t->st.ends++;
    t->st.in_use--;
    return 0;
}
