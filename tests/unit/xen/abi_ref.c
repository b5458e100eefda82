/*
 * abi_ref.c — the Xen ABI facts (abi_facts.h) measured with Xen's public
 * headers from libxen-dev.  Linked into test_xen_abi only (rule in
 * libos/xen/module.mk).
 */
#include <stddef.h>
#include <stdint.h>

/* A current interface (4.14: what these headers call latest), as the image uses it (without this the
 * headers fall back to the pre-3.2 compat hypercall numbers). */
#define __XEN_INTERFACE_VERSION__ 0x00040e00
#include <xen/xen.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/hvm/params.h>
#include <xen/hvm/hvm_op.h>
#include <xen/io/console.h>
#include <xen/io/xs_wire.h>
#include <xen/io/netif.h>
#include <xen/io/xenbus.h>
#include <xen/arch-x86/cpuid.h>

#include "abi_facts.h"

#define SZ(t) { "sizeof " #t, (long long)sizeof(t) }
#define OF(t, f) { "offsetof " #t "." #f, (long long)offsetof(t, f) }
#define K(name, v) { name, (long long)(v) }

const struct abi_fact xen_abi_ref[] = {
    K("hc memory_op", __HYPERVISOR_memory_op), K("hc xen_version", __HYPERVISOR_xen_version),
    K("hc console_io", __HYPERVISOR_console_io),
    K("hc grant_table_op", __HYPERVISOR_grant_table_op), K("hc vcpu_op", __HYPERVISOR_vcpu_op),
    K("hc sched_op", __HYPERVISOR_sched_op),
    K("hc event_channel_op", __HYPERVISOR_event_channel_op), K("hc hvm_op", __HYPERVISOR_hvm_op),
    K("DOMID_SELF", DOMID_SELF), K("VIRQ_TIMER", VIRQ_TIMER),
    K("XEN_LEGACY_MAX_VCPUS", XEN_LEGACY_MAX_VCPUS), K("cpuid first leaf", XEN_CPUID_FIRST_LEAF),
    K("cpuid signature ebx", XEN_CPUID_SIGNATURE_EBX),
    K("cpuid signature ecx", XEN_CPUID_SIGNATURE_ECX),
    K("cpuid signature edx", XEN_CPUID_SIGNATURE_EDX),
    SZ(struct vcpu_time_info), OF(struct vcpu_time_info, tsc_timestamp),
    OF(struct vcpu_time_info, system_time), OF(struct vcpu_time_info, tsc_to_system_mul),
    OF(struct vcpu_time_info, tsc_shift),
    SZ(struct vcpu_info), OF(struct vcpu_info, evtchn_pending_sel), OF(struct vcpu_info, time),
    OF(struct shared_info, evtchn_pending), OF(struct shared_info, evtchn_mask),
    OF(struct shared_info, wc_version), OF(struct shared_info, wc_sec),
    OF(struct shared_info, wc_nsec), OF(struct shared_info, wc_sec_hi),
    K("XENMEM_add_to_physmap", XENMEM_add_to_physmap),
    K("XENMAPSPACE_shared_info", XENMAPSPACE_shared_info),
    K("XENMAPSPACE_grant_table", XENMAPSPACE_grant_table),
    SZ(struct xen_add_to_physmap), OF(struct xen_add_to_physmap, space),
    OF(struct xen_add_to_physmap, idx), OF(struct xen_add_to_physmap, gpfn),
    K("HVMOP_set_param", HVMOP_set_param), K("HVMOP_get_param", HVMOP_get_param),
    K("HVM_PARAM_CALLBACK_IRQ", HVM_PARAM_CALLBACK_IRQ),
    K("HVM_PARAM_STORE_PFN", HVM_PARAM_STORE_PFN),
    K("HVM_PARAM_STORE_EVTCHN", HVM_PARAM_STORE_EVTCHN),
    K("HVM_PARAM_CONSOLE_PFN", HVM_PARAM_CONSOLE_PFN),
    K("HVM_PARAM_CONSOLE_EVTCHN", HVM_PARAM_CONSOLE_EVTCHN),
    K("HVM_PARAM_CALLBACK_TYPE_VECTOR", HVM_PARAM_CALLBACK_TYPE_VECTOR),
    SZ(struct xen_hvm_param), OF(struct xen_hvm_param, index), OF(struct xen_hvm_param, value),
    K("SCHEDOP_block", SCHEDOP_block), K("SCHEDOP_shutdown", SCHEDOP_shutdown),
    K("SHUTDOWN_poweroff", SHUTDOWN_poweroff), K("SHUTDOWN_reboot", SHUTDOWN_reboot),
    K("SHUTDOWN_crash", SHUTDOWN_crash), SZ(struct sched_shutdown),
    K("VCPUOP_stop_periodic_timer", VCPUOP_stop_periodic_timer),
    K("VCPUOP_set_singleshot_timer", VCPUOP_set_singleshot_timer),
    K("VCPUOP_stop_singleshot_timer", VCPUOP_stop_singleshot_timer),
    SZ(struct vcpu_set_singleshot_timer), OF(struct vcpu_set_singleshot_timer, flags),
    K("EVTCHNOP_bind_virq", EVTCHNOP_bind_virq), K("EVTCHNOP_close", EVTCHNOP_close),
    K("EVTCHNOP_send", EVTCHNOP_send), K("EVTCHNOP_alloc_unbound", EVTCHNOP_alloc_unbound),
    K("EVTCHNOP_unmask", EVTCHNOP_unmask),
    SZ(struct evtchn_alloc_unbound), OF(struct evtchn_alloc_unbound, port),
    SZ(struct evtchn_bind_virq), OF(struct evtchn_bind_virq, port), SZ(struct evtchn_send),
    K("GNTTABOP_query_size", GNTTABOP_query_size),
    K("GNTTAB_NR_RESERVED_ENTRIES", GNTTAB_NR_RESERVED_ENTRIES),
    K("GTF_permit_access", GTF_permit_access), K("GTF_readonly", GTF_readonly),
    K("GTF_reading", GTF_reading), K("GTF_writing", GTF_writing),
    SZ(struct grant_entry_v1), OF(struct grant_entry_v1, domid), OF(struct grant_entry_v1, frame),
    SZ(struct gnttab_query_size), OF(struct gnttab_query_size, nr_frames),
    OF(struct gnttab_query_size, max_nr_frames), OF(struct gnttab_query_size, status),
    SZ(struct xencons_interface), OF(struct xencons_interface, out),
    OF(struct xencons_interface, in_cons), OF(struct xencons_interface, out_cons),
    OF(struct xencons_interface, out_prod),
    K("XS_DIRECTORY", XS_DIRECTORY), K("XS_READ", XS_READ), K("XS_WATCH", XS_WATCH),
    K("XS_UNWATCH", XS_UNWATCH), K("XS_TRANSACTION_START", XS_TRANSACTION_START),
    K("XS_TRANSACTION_END", XS_TRANSACTION_END), K("XS_WRITE", XS_WRITE), K("XS_RM", XS_RM),
    K("XS_WATCH_EVENT", XS_WATCH_EVENT), K("XS_ERROR", XS_ERROR),
    K("XENSTORE_RING_SIZE", XENSTORE_RING_SIZE), K("XENSTORE_PAYLOAD_MAX", XENSTORE_PAYLOAD_MAX),
    SZ(struct xsd_sockmsg), SZ(struct xenstore_domain_interface),
    OF(struct xenstore_domain_interface, rsp), OF(struct xenstore_domain_interface, req_cons),
    OF(struct xenstore_domain_interface, req_prod), OF(struct xenstore_domain_interface, rsp_cons),
    OF(struct xenstore_domain_interface, rsp_prod),
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
    SZ(struct netif_tx_request), OF(struct netif_tx_request, offset),
    OF(struct netif_tx_request, flags), OF(struct netif_tx_request, id),
    OF(struct netif_tx_request, size), SZ(struct netif_tx_response),
    OF(struct netif_tx_response, status), SZ(struct netif_rx_request),
    OF(struct netif_rx_request, gref), SZ(struct netif_rx_response),
    OF(struct netif_rx_response, offset), OF(struct netif_rx_response, flags),
    OF(struct netif_rx_response, status), SZ(struct netif_extra_info),
    OF(struct netif_extra_info, flags),
    K("tx ring entries", __CONST_RING_SIZE(netif_tx, 4096)),
    K("rx ring entries", __CONST_RING_SIZE(netif_rx, 4096)),
    K("tx ring entry size", sizeof(union netif_tx_sring_entry)),
    K("rx ring entry size", sizeof(union netif_rx_sring_entry)),
    OF(struct netif_tx_sring, req_event), OF(struct netif_tx_sring, rsp_prod),
    OF(struct netif_tx_sring, rsp_event), OF(struct netif_tx_sring, ring),
    OF(struct netif_rx_sring, ring),
    { NULL, 0 },
};
