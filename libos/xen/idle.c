/*
 * idle.c — plat_idle_until() on the xen target: sleep until an event or a
 * deadline, with no periodic tick.
 *
 * The deadline (os_clock_ns, which is Xen system time) goes to
 * VCPUOP_set_singleshot_timer, whose expiry raises VIRQ_TIMER.  Pending
 * bits are consumed first; if any port was pending the call returns at once
 * (the caller re-checks its rings).  Otherwise the vCPU blocks with
 * `sti; hlt; cli`: the instruction after STI runs before any interrupt, and
 * Xen handles HLT of an HVM/PVH vCPU with interrupts enabled as
 * SCHEDOP_block (hvm_hlt), which returns as soon as an event is pending —
 * so an event that arrives between the check and the halt is not lost.  (A
 * direct SCHEDOP_block hypercall cannot enable interrupts atomically with
 * blocking: an upcall taken just before it would be slept through until
 * the next event.)  The upcall (upcall.S) then runs and the CPU continues
 * after the HLT.
 */
#include "libos/pvh/plat.h"
#include "libos/xen/xen.h"
#include "os/clock.h"

static uint64_t idle_halts;

/* Makes VIRQ_TIMER fire at `deadline` (Xen system time), replacing the
 * previous one.  It is set on every call: Xen's expiry may come a little
 * before our clock reaches the deadline, and a skipped re-arm would then
 * sleep until some unrelated event.  Returns nothing. */
static void timer_arm(uint64_t deadline)
{
    if (deadline == UINT64_MAX) {
        xen_hypercall(XEN_HC_vcpu_op, VCPUOP_stop_singleshot_timer, 0, 0, 0, 0);
    } else {
        struct xen_vcpu_set_singleshot_timer t = { .timeout_abs_ns = deadline };
        xen_hypercall(XEN_HC_vcpu_op, VCPUOP_set_singleshot_timer, 0, (unsigned long)&t, 0, 0);
    }
}

void plat_idle_until(uint64_t deadline_ns)
{
    uint64_t now = os_clock_ns();
    if (now >= deadline_ns)
        return;
    timer_arm(deadline_ns);
    if (xen_evtchn_consume())
        return;
    idle_halts++;
    __asm__ volatile("sti; hlt; cli" ::: "memory");
    xen_evtchn_consume();
}

uint64_t xen_idle_halts(void)
{
    return idle_halts;
}
