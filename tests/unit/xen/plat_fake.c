/* plat_fake.c — the xen platform calls netfront makes, for tests (see
 * plat_fake.h).  Not in tests/unit's support set (it needs the grant
 * table code, which the tests include themselves): test_netfront_*.c
 * include it, tests/fuzz/run.sh compiles it for the netfront target. */
#include "tests/unit/xen/plat_fake.h"

#include <errno.h>
#include <string.h>

#include "libos/xen/xen.h"
#include "os/mem.h"

struct gnt_table xen_fake_gnt;
unsigned xen_fake_notifies[XEN_FAKE_PORTS];
static uint32_t next_port;

/* gnt_table grow callback: a zeroed page from the page allocator. */
static int fake_grow(struct gnt_table *t, void *arg)
{
    void *page = os_page_alloc(4096);
    if (!page)
        return -ENOMEM;
    int rc = gnt_table_add_frame(t, page);
    if (rc)
        os_page_free(page, 4096);
    return rc;
}

void xen_fake_reset(unsigned max_frames)
{
    gnt_table_init(&xen_fake_gnt, max_frames, fake_grow, NULL);
    memset(xen_fake_notifies, 0, sizeof xen_fake_notifies);
    next_port = 10;
}

void xen_fake_fini(void)
{
    for (unsigned i = 0; i < xen_fake_gnt.n_frames; i++)
        os_page_free(xen_fake_gnt.frames[i], 4096);
    gnt_table_fini(&xen_fake_gnt);
}

struct gnt_table *xen_gnttab(void)
{
    return &xen_fake_gnt;
}

int xen_evtchn_alloc_unbound(uint16_t remote, uint32_t *port)
{
    *port = next_port++;
    return 0;
}

int xen_evtchn_notify(uint32_t port)
{
    xen_fake_notifies[port % XEN_FAKE_PORTS]++;
    return 0;
}

int xen_evtchn_close(uint32_t port)
{
    return 0;
}
