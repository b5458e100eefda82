/*
 * shutdown.c — how the domain ends (plat_exit) and how the toolstack asks it
 * to (control/shutdown).
 *
 * plat_exit(code): 0 -> SCHEDOP_shutdown(poweroff), or (reboot) when the
 * toolstack asked for a reboot; any other code — 1 runtime failure, 2 bad
 * command line, 3 CPU exception — -> (crash): the domain did not do its
 * job, so xl applies on_crash (destroy by default; preserve keeps it for
 * `xl dump-core`, restart retries).  The line "xen: exit code N ->
 * SCHEDOP_shutdown(REASON)" is printed and the console ring drained
 * (bounded) first.  If Xen never came up (no hypercall page) or refuses,
 * the CPU halts.
 *
 * `xl shutdown` / `xl reboot` write "poweroff" / "reboot" to
 * control/shutdown; xen_control_init() watches it, and
 * xen_stop_requested() (polled by the image's run loop) acknowledges the
 * request by clearing the node and returns it once, so the program stops
 * cleanly (ports closed, backends Closed) and calls plat_exit(0).
 * "suspend" is not supported: it is acknowledged, logged and ignored.
 */
#include <errno.h>
#include <string.h>

#include "libos/pvh/plat.h"
#include "libos/x86_64/cpu.h"
#include "libos/xen/xen.h"
#include "os/log.h"

#define CONTROL_NODE "control/shutdown"
#define FLUSH_NS (500ull * 1000000ull)

static int control_watch = -1;
static bool reboot_requested;

int xen_control_init(void)
{
    struct xs_client *xs = xen_xs();
    if (!xs)
        return -ENODEV;
    /* Tell the toolstack which requests we honour (best effort: older
     * toolstacks do not let the guest write there). */
    xs_write(xs, 0, "control/feature-poweroff", "1");
    xs_write(xs, 0, "control/feature-reboot", "1");
    int id = xs_watch(xs, CONTROL_NODE, "sluice-ctl");
    if (id < 0)
        return id;
    control_watch = id;
    return 0;
}

const char *xen_stop_requested(void)
{
    struct xs_client *xs = xen_xs();
    if (!xs || control_watch < 0 || xs_poll(xs) < 0 || !xs_watch_fired(xs, control_watch))
        return NULL;
    static char req[32];
    int n = xs_read(xs, 0, CONTROL_NODE, req, sizeof req);
    if (n <= 0)
        return NULL; /* absent, empty (our own acknowledgement) or unreadable */
    xs_write(xs, 0, CONTROL_NODE, "");
    if (!strcmp(req, "poweroff") || !strcmp(req, "halt"))
        return req;
    if (!strcmp(req, "reboot")) {
        reboot_requested = true;
        return req;
    }
    OS_WARN("xen", "%s = \"%s\": not supported; ignored", CONTROL_NODE, req);
    return NULL;
}

void plat_exit(int code)
{
    static bool exiting;
    static const char *const names[] = { "poweroff", "reboot", "suspend", "crash" };
    unsigned reason = code == PLAT_EXIT_OK ? (reboot_requested ? SHUTDOWN_reboot
                                                               : SHUTDOWN_poweroff)
                                           : SHUTDOWN_crash;
    if (exiting || !xen_hypercalls_ready()) { /* a fault while exiting, or no Xen */
        pvh_printf("xen: exit code %d: cannot shut down through Xen; halting\n", code);
        cpu_halt_forever();
    }
    exiting = true;
    pvh_printf("xen: %lu idle halts, %lu event upcalls since boot\n",
               (unsigned long)xen_idle_halts(), (unsigned long)xen_evtchn_upcalls());
    pvh_printf("xen: exit code %d -> SCHEDOP_shutdown(%s)\n", code, names[reason]);
    xen_console_flush(FLUSH_NS);
    struct xen_sched_shutdown s = { reason };
    xen_hypercall(XEN_HC_sched_op, SCHEDOP_shutdown, (unsigned long)&s, 0, 0, 0);
    cpu_halt_forever();
}
