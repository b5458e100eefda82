/*
 * xs_plat.c — the xen target's xenstore connection: the client of xs.h over
 * the page and event channel the toolstack set up (HVM_PARAM_STORE_PFN /
 * HVM_PARAM_STORE_EVTCHN).  Waiting for xenstored halts the CPU until an
 * event or the deadline (plat_idle_until), so a slow xenstored costs no
 * spinning and every wait stays bounded by the client's timeout.
 */
#include <errno.h>

#include "libos/pvh/plat.h"
#include "libos/xen/xen.h"
#include "os/clock.h"

static struct xs_client xs;
static bool xs_up;
static uint32_t xs_port;

static void xs_plat_notify(void *arg)
{
    xen_evtchn_notify(xs_port);
}

static void xs_plat_wait(void *arg, uint64_t deadline_ns)
{
    plat_idle_until(deadline_ns);
}

static uint64_t xs_plat_now(void *arg)
{
    return os_clock_ns();
}

int xen_xs_init(void)
{
    struct xenstore_domain_interface *ring =
        xen_ring_page(HVM_PARAM_STORE_PFN, HVM_PARAM_STORE_EVTCHN, &xs_port);
    if (!ring)
        return -ENODEV;
    static const struct xs_transport tp = { xs_plat_notify, xs_plat_wait, xs_plat_now, NULL };
    xs_client_init(&xs, ring, &tp);
    xen_evtchn_unmask(xs_port);
    xs_up = true;
    return 0;
}

struct xs_client *xen_xs(void)
{
    return xs_up ? &xs : NULL;
}
