/*
 * console.c — os_console_write() on the xen target.
 *
 * Until xen_console_init() the bytes go to I/O port 0xe9, which Xen prints
 * on its own console as "(dN) ..." lines (`xl dmesg`): enough for the
 * earliest boot messages and for a domain that cannot find its ring.  Then
 * they go to the PV console ring the toolstack set up (HVM_PARAM_CONSOLE_PFN
 * / _EVTCHN; xenconsoled logs it, `xl console` shows it): copied into
 * `out`, out_prod advanced behind a barrier, the event channel notified.
 * A full ring is waited on for at most CONS_WAIT_NS (xenconsoled may be
 * slow or absent); what still does not fit is dropped and counted, and
 * until the ring has room again later writes drop at once, so a stuck
 * console never stops the switch.  Corrupt indexes from the
 * other side send the output back to port 0xe9.  (HYPERVISOR_console_io
 * is not used: a domU gets -EPERM from it in release builds of Xen.)
 */
#include <errno.h>
#include <string.h>

#include "libos/x86_64/cpu.h"
#include "libos/xen/xen.h"
#include "os/clock.h"
#include "os/log.h"

#define EARLY_PORT 0xe9
#define CONS_OUT_SIZE sizeof(((struct xen_cons_interface *)0)->out)
#define CONS_WAIT_NS (50ull * 1000000ull)

static struct xen_cons_interface *cons;
static uint32_t cons_port;
static uint64_t cons_dropped;
static bool cons_stalled; /* the last wait timed out: do not wait again while full */

/* Writes len bytes to the early debug port.  Returns nothing. */
static void early_write(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        cpu_outb(EARLY_PORT, (uint8_t)s[i]);
}

int xen_console_init(void)
{
    cons = xen_ring_page(HVM_PARAM_CONSOLE_PFN, HVM_PARAM_CONSOLE_EVTCHN, &cons_port);
    if (!cons)
        return -ENODEV;
    xen_evtchn_unmask(cons_port);
    return 0;
}

/* Returns the bytes in flight in the output ring, or -1 when the indexes
 * are corrupt. */
static long ring_used(void)
{
    uint32_t used = __atomic_load_n(&cons->out_prod, __ATOMIC_RELAXED) -
                    __atomic_load_n(&cons->out_cons, __ATOMIC_ACQUIRE);
    return used > CONS_OUT_SIZE ? -1 : (long)used;
}

void os_console_write(const char *s, size_t len)
{
    if (!cons) {
        early_write(s, len);
        return;
    }
    uint64_t until = 0;
    while (len) {
        long used = ring_used();
        if (used < 0) {
            cons = NULL; /* the other side broke the ring: fall back */
            early_write(s, len);
            return;
        }
        size_t room = CONS_OUT_SIZE - (size_t)used;
        if (room == 0) {
            xen_evtchn_notify(cons_port);
            uint64_t now = os_clock_ns();
            if (!until)
                until = now + CONS_WAIT_NS;
            if (cons_stalled || now >= until) {
                cons_stalled = true;
                cons_dropped += len;
                return;
            }
            cpu_pause();
            continue;
        }
        cons_stalled = false;
        size_t n = len < room ? len : room;
        uint32_t prod = cons->out_prod;
        for (size_t i = 0; i < n; i++)
            cons->out[(prod + i) & (CONS_OUT_SIZE - 1)] = s[i];
        __atomic_store_n(&cons->out_prod, prod + (uint32_t)n, __ATOMIC_RELEASE);
        s += n;
        len -= n;
    }
    xen_evtchn_notify(cons_port);
}

bool xen_console_flush(uint64_t timeout_ns)
{
    if (!cons)
        return true;
    uint64_t until = os_clock_ns() + timeout_ns;
    long used;
    while ((used = ring_used()) > 0 && os_clock_ns() < until) {
        xen_evtchn_notify(cons_port);
        for (int i = 0; i < 1000; i++)
            cpu_pause();
    }
    if (cons_dropped)
        early_write("console: output dropped (ring full)\n", 37);
    return used == 0;
}
