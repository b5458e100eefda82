/*
 * evtchn.c — event channels, 2-level ABI (see xen.h).
 *
 * Delivery: HVM_PARAM_CALLBACK_IRQ = (HVM_PARAM_CALLBACK_TYPE_VECTOR << 56)
 * | XEN_UPCALL_VECTOR makes Xen inject that vector while vCPU 0's
 * evtchn_upcall_pending is set; upcall.S clears the flag.  Ports are
 * unmasked when bound and stay so: the drivers decide when the other end
 * notifies us through their rings' event indexes, and nothing is handled
 * in interrupt context.  xen_evtchn_consume() clears the selector and the
 * pending bits so that the next event sets them again and wakes a halted
 * CPU.
 */
#include <errno.h>

#include "libos/x86_64/trap.h"
#include "libos/xen/xen.h"
#include "os/log.h"

#define XEN_UPCALL_VECTOR 34 /* < 48: trap.c's IDT size; no PIC/APIC on PVH */

extern void xen_upcall_entry(void);
extern struct xen_vcpu_info *xen_upcall_vcpu;
extern uint64_t xen_upcall_count;

static uint32_t timer_port;

/* Returns the result of EVTCHNOP `op` on `arg`. */
static long evtchn_op(unsigned op, void *arg)
{
    return xen_hypercall(XEN_HC_event_channel_op, op, (unsigned long)arg, 0, 0, 0);
}

void xen_evtchn_unmask(uint32_t port)
{
    struct xen_evtchn_port_op u = { port };
    evtchn_op(EVTCHNOP_unmask, &u); /* also re-raises a pending event */
}

int xen_evtchn_init(void)
{
    struct xen_shared_info *s = xen_shared_info();
    xen_upcall_vcpu = &s->vcpu_info[0];
    trap_set_gate(XEN_UPCALL_VECTOR, xen_upcall_entry);
    struct xen_hvm_param p = {
        .domid = XEN_DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ,
        .value = HVM_PARAM_CALLBACK_TYPE_VECTOR << HVM_PARAM_CALLBACK_TYPE_SHIFT |
                 XEN_UPCALL_VECTOR,
    };
    long rc = xen_hypercall(XEN_HC_hvm_op, HVMOP_set_param, (unsigned long)&p, 0, 0, 0);
    if (rc) {
        OS_ERR("xen", "HVM_PARAM_CALLBACK_IRQ (vector %d): error %ld", XEN_UPCALL_VECTOR, rc);
        return (int)rc;
    }
    /* No periodic tick: only the one-shot timer plat_idle_until arms. */
    xen_hypercall(XEN_HC_vcpu_op, VCPUOP_stop_periodic_timer, 0, 0, 0, 0);
    struct xen_evtchn_bind_virq b = { .virq = XEN_VIRQ_TIMER, .vcpu = 0 };
    rc = evtchn_op(EVTCHNOP_bind_virq, &b);
    if (rc) {
        OS_ERR("xen", "EVTCHNOP_bind_virq(VIRQ_TIMER): error %ld", rc);
        return (int)rc;
    }
    timer_port = b.port;
    xen_evtchn_unmask(timer_port);
    return 0;
}

int xen_evtchn_alloc_unbound(uint16_t remote, uint32_t *port)
{
    struct xen_evtchn_alloc_unbound a = { .dom = XEN_DOMID_SELF, .remote_dom = remote };
    long rc = evtchn_op(EVTCHNOP_alloc_unbound, &a);
    if (rc)
        return (int)rc;
    *port = a.port;
    xen_evtchn_unmask(a.port);
    return 0;
}

int xen_evtchn_close(uint32_t port)
{
    struct xen_evtchn_port_op c = { port };
    return (int)evtchn_op(EVTCHNOP_close, &c);
}

int xen_evtchn_notify(uint32_t port)
{
    struct xen_evtchn_port_op s = { port };
    return (int)evtchn_op(EVTCHNOP_send, &s);
}

unsigned xen_evtchn_consume(void)
{
    struct xen_shared_info *s = xen_shared_info();
    struct xen_vcpu_info *v = &s->vcpu_info[0];
    unsigned n = 0;
    __atomic_store_n(&v->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
    uint64_t sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    while (sel) {
        unsigned w = (unsigned)__builtin_ctzll(sel);
        sel &= sel - 1;
        uint64_t bits = __atomic_load_n(&s->evtchn_pending[w], __ATOMIC_ACQUIRE) &
                        ~__atomic_load_n(&s->evtchn_mask[w], __ATOMIC_ACQUIRE);
        if (bits) {
            __atomic_fetch_and(&s->evtchn_pending[w], ~bits, __ATOMIC_SEQ_CST);
            n += (unsigned)__builtin_popcountll(bits);
        }
    }
    return n;
}

uint32_t xen_timer_port(void)
{
    return timer_port;
}

uint64_t xen_evtchn_upcalls(void)
{
    return xen_upcall_count;
}
