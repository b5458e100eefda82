/*
 * test_xen_abi.c — our own definitions of the Xen guest ABI
 * (libos/xen/xen_abi.h, netfront/netif.h) against Xen's public headers
 * (libxen-dev), fact by fact: hypercall and sub-operation numbers, flags,
 * structure sizes and field offsets, ring geometry.  Xen's side is
 * measured in tests/unit/xen/abi_ref.c (see abi_facts.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "libos/xen/xen_abi.h"
#include "netfront/netif.h"
#include "tests/unit/xen/abi_facts.h"

#define SZ(name, t) { "sizeof struct " name, (long long)sizeof(t) }
#define OF(name, t, f) { "offsetof struct " name, (long long)offsetof(t, f) }
#define K(name, v) { name, (long long)(v) }

static const struct abi_fact ours[] = {
    K("hc memory_op", XEN_HC_memory_op), K("hc xen_version", XEN_HC_xen_version),
    K("hc console_io", XEN_HC_console_io), K("hc grant_table_op", XEN_HC_grant_table_op),
    K("hc vcpu_op", XEN_HC_vcpu_op), K("hc sched_op", XEN_HC_sched_op),
    K("hc event_channel_op", XEN_HC_event_channel_op), K("hc hvm_op", XEN_HC_hvm_op),
    K("DOMID_SELF", XEN_DOMID_SELF), K("VIRQ_TIMER", XEN_VIRQ_TIMER),
    K("XEN_LEGACY_MAX_VCPUS", XEN_LEGACY_MAX_VCPUS), K("cpuid first leaf", XEN_CPUID_FIRST_LEAF),
    K("cpuid signature ebx", XEN_CPUID_SIGNATURE_EBX),
    K("cpuid signature ecx", XEN_CPUID_SIGNATURE_ECX),
    K("cpuid signature edx", XEN_CPUID_SIGNATURE_EDX),
    SZ("vcpu_time_info", struct pvclock_time_info),
    OF("vcpu_time_info.tsc_timestamp", struct pvclock_time_info, tsc_timestamp),
    OF("vcpu_time_info.system_time", struct pvclock_time_info, system_time),
    OF("vcpu_time_info.tsc_to_system_mul", struct pvclock_time_info, tsc_to_system_mul),
    OF("vcpu_time_info.tsc_shift", struct pvclock_time_info, tsc_shift),
    SZ("vcpu_info", struct xen_vcpu_info),
    OF("vcpu_info.evtchn_pending_sel", struct xen_vcpu_info, evtchn_pending_sel),
    OF("vcpu_info.time", struct xen_vcpu_info, time),
    OF("shared_info.evtchn_pending", struct xen_shared_info, evtchn_pending),
    OF("shared_info.evtchn_mask", struct xen_shared_info, evtchn_mask),
    OF("shared_info.wc_version", struct xen_shared_info, wc_version),
    OF("shared_info.wc_sec", struct xen_shared_info, wc_sec),
    OF("shared_info.wc_nsec", struct xen_shared_info, wc_nsec),
    OF("shared_info.wc_sec_hi", struct xen_shared_info, wc_sec_hi),
    K("XENMEM_add_to_physmap", XENMEM_add_to_physmap),
    K("XENMAPSPACE_shared_info", XENMAPSPACE_shared_info),
    K("XENMAPSPACE_grant_table", XENMAPSPACE_grant_table),
    SZ("xen_add_to_physmap", struct xen_add_to_physmap),
    OF("xen_add_to_physmap.space", struct xen_add_to_physmap, space),
    OF("xen_add_to_physmap.idx", struct xen_add_to_physmap, idx),
    OF("xen_add_to_physmap.gpfn", struct xen_add_to_physmap, gpfn),
    K("HVMOP_set_param", HVMOP_set_param), K("HVMOP_get_param", HVMOP_get_param),
    K("HVM_PARAM_CALLBACK_IRQ", HVM_PARAM_CALLBACK_IRQ),
    K("HVM_PARAM_STORE_PFN", HVM_PARAM_STORE_PFN),
    K("HVM_PARAM_STORE_EVTCHN", HVM_PARAM_STORE_EVTCHN),
    K("HVM_PARAM_CONSOLE_PFN", HVM_PARAM_CONSOLE_PFN),
    K("HVM_PARAM_CONSOLE_EVTCHN", HVM_PARAM_CONSOLE_EVTCHN),
    K("HVM_PARAM_CALLBACK_TYPE_VECTOR", HVM_PARAM_CALLBACK_TYPE_VECTOR),
    SZ("xen_hvm_param", struct xen_hvm_param),
    OF("xen_hvm_param.index", struct xen_hvm_param, index),
    OF("xen_hvm_param.value", struct xen_hvm_param, value),
    K("SCHEDOP_block", SCHEDOP_block), K("SCHEDOP_shutdown", SCHEDOP_shutdown),
    K("SHUTDOWN_poweroff", SHUTDOWN_poweroff), K("SHUTDOWN_reboot", SHUTDOWN_reboot),
    K("SHUTDOWN_crash", SHUTDOWN_crash), SZ("sched_shutdown", struct xen_sched_shutdown),
    K("VCPUOP_stop_periodic_timer", VCPUOP_stop_periodic_timer),
    K("VCPUOP_set_singleshot_timer", VCPUOP_set_singleshot_timer),
    K("VCPUOP_stop_singleshot_timer", VCPUOP_stop_singleshot_timer),
    SZ("vcpu_set_singleshot_timer", struct xen_vcpu_set_singleshot_timer),
    OF("vcpu_set_singleshot_timer.flags", struct xen_vcpu_set_singleshot_timer, flags),
    K("EVTCHNOP_bind_virq", EVTCHNOP_bind_virq), K("EVTCHNOP_close", EVTCHNOP_close),
    K("EVTCHNOP_send", EVTCHNOP_send), K("EVTCHNOP_alloc_unbound", EVTCHNOP_alloc_unbound),
    K("EVTCHNOP_unmask", EVTCHNOP_unmask),
    SZ("evtchn_alloc_unbound", struct xen_evtchn_alloc_unbound),
    OF("evtchn_alloc_unbound.port", struct xen_evtchn_alloc_unbound, port),
    SZ("evtchn_bind_virq", struct xen_evtchn_bind_virq),
    OF("evtchn_bind_virq.port", struct xen_evtchn_bind_virq, port),
    SZ("evtchn_send", struct xen_evtchn_port_op),
    K("GNTTABOP_query_size", GNTTABOP_query_size),
    K("GNTTAB_NR_RESERVED_ENTRIES", GNTTAB_NR_RESERVED_ENTRIES),
    K("GTF_permit_access", GTF_permit_access), K("GTF_readonly", GTF_readonly),
    K("GTF_reading", GTF_reading), K("GTF_writing", GTF_writing),
    SZ("grant_entry_v1", struct xen_grant_entry_v1),
    OF("grant_entry_v1.domid", struct xen_grant_entry_v1, domid),
    OF("grant_entry_v1.frame", struct xen_grant_entry_v1, frame),
    SZ("gnttab_query_size", struct xen_gnttab_query_size),
    OF("gnttab_query_size.nr_frames", struct xen_gnttab_query_size, nr_frames),
    OF("gnttab_query_size.max_nr_frames", struct xen_gnttab_query_size, max_nr_frames),
    OF("gnttab_query_size.status", struct xen_gnttab_query_size, status),
    SZ("xencons_interface", struct xen_cons_interface),
    OF("xencons_interface.out", struct xen_cons_interface, out),
    OF("xencons_interface.in_cons", struct xen_cons_interface, in_cons),
    OF("xencons_interface.out_cons", struct xen_cons_interface, out_cons),
    OF("xencons_interface.out_prod", struct xen_cons_interface, out_prod),
    K("XS_DIRECTORY", XS_DIRECTORY), K("XS_READ", XS_READ), K("XS_WATCH", XS_WATCH),
    K("XS_UNWATCH", XS_UNWATCH), K("XS_TRANSACTION_START", XS_TRANSACTION_START),
    K("XS_TRANSACTION_END", XS_TRANSACTION_END), K("XS_WRITE", XS_WRITE), K("XS_RM", XS_RM),
    K("XS_WATCH_EVENT", XS_WATCH_EVENT), K("XS_ERROR", XS_ERROR),
    K("XENSTORE_RING_SIZE", XENSTORE_RING_SIZE), K("XENSTORE_PAYLOAD_MAX", XENSTORE_PAYLOAD_MAX),
    SZ("xsd_sockmsg", struct xsd_sockmsg),
    SZ("xenstore_domain_interface", struct xenstore_domain_interface),
    OF("xenstore_domain_interface.rsp", struct xenstore_domain_interface, rsp),
    OF("xenstore_domain_interface.req_cons", struct xenstore_domain_interface, req_cons),
    OF("xenstore_domain_interface.req_prod", struct xenstore_domain_interface, req_prod),
    OF("xenstore_domain_interface.rsp_cons", struct xenstore_domain_interface, rsp_cons),
    OF("xenstore_domain_interface.rsp_prod", struct xenstore_domain_interface, rsp_prod),
    K("XenbusStateInitWait", XenbusStateInitWait), K("XenbusStateConnected", XenbusStateConnected),
    K("XenbusStateClosing", XenbusStateClosing), K("XenbusStateClosed", XenbusStateClosed),
    K("NETTXF_csum_blank", NETTXF_csum_blank), K("NETTXF_more_data", NETTXF_more_data),
    K("NETTXF_extra_info", NETTXF_extra_info),
    K("NETRXF_data_validated", NETRXF_data_validated), K("NETRXF_csum_blank", NETRXF_csum_blank),
    K("NETRXF_more_data", NETRXF_more_data), K("NETRXF_extra_info", NETRXF_extra_info),
    K("NETRXF_gso_prefix", NETRXF_gso_prefix),
    K("XEN_NETIF_EXTRA_FLAG_MORE", XEN_NETIF_EXTRA_FLAG_MORE),
    K("NETIF_RSP_DROPPED", NETIF_RSP_DROPPED), K("NETIF_RSP_ERROR", NETIF_RSP_ERROR),
    K("NETIF_RSP_OKAY", NETIF_RSP_OKAY), K("NETIF_RSP_NULL", NETIF_RSP_NULL),
    SZ("netif_tx_request", struct netif_tx_request),
    OF("netif_tx_request.offset", struct netif_tx_request, offset),
    OF("netif_tx_request.flags", struct netif_tx_request, flags),
    OF("netif_tx_request.id", struct netif_tx_request, id),
    OF("netif_tx_request.size", struct netif_tx_request, size),
    SZ("netif_tx_response", struct netif_tx_response),
    OF("netif_tx_response.status", struct netif_tx_response, status),
    SZ("netif_rx_request", struct netif_rx_request),
    OF("netif_rx_request.gref", struct netif_rx_request, gref),
    SZ("netif_rx_response", struct netif_rx_response),
    OF("netif_rx_response.offset", struct netif_rx_response, offset),
    OF("netif_rx_response.flags", struct netif_rx_response, flags),
    OF("netif_rx_response.status", struct netif_rx_response, status),
    SZ("netif_extra_info", struct netif_extra_info),
    OF("netif_extra_info.flags", struct netif_extra_info, flags),
    K("tx ring entries", NETIF_TX_RING_SIZE), K("rx ring entries", NETIF_RX_RING_SIZE),
    K("tx ring entry size", sizeof(union netif_tx_entry)),
    K("rx ring entry size", sizeof(union netif_rx_entry)),
    OF("netif_tx_sring.req_event", struct netif_tx_sring, h.req_event),
    OF("netif_tx_sring.rsp_prod", struct netif_tx_sring, h.rsp_prod),
    OF("netif_tx_sring.rsp_event", struct netif_tx_sring, h.rsp_event),
    OF("netif_tx_sring.ring", struct netif_tx_sring, ring),
    OF("netif_rx_sring.ring", struct netif_rx_sring, ring),
    { NULL, 0 },
};

/* Returns the fact called `name` in list l, or NULL. */
static const struct abi_fact *find(const struct abi_fact *l, const char *name)
{
    for (; l->name; l++)
        if (!strcmp(l->name, name))
            return l;
    return NULL;
}

static void every_fact_agrees_with_xens_headers(void **state)
{
    unsigned n = 0, bad = 0;
    for (const struct abi_fact *r = xen_abi_ref; r->name; r++, n++) {
        const struct abi_fact *m = find(ours, r->name);
        if (!m || m->value != r->value) {
            printf("  %s: Xen %lld, ours %s%lld\n", r->name, r->value, m ? "" : "(missing) ",
                   m ? m->value : 0);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
    assert_true(n > 100);
}

static void every_fact_of_ours_is_measured_on_xens_side(void **state)
{
    for (const struct abi_fact *m = ours; m->name; m++)
        if (!find(xen_abi_ref, m->name))
            fail_msg("%s has no counterpart in abi_ref.c", m->name);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_fact_agrees_with_xens_headers),
        cmocka_unit_test(every_fact_of_ours_is_measured_on_xens_side),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
