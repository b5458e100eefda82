/*
 * xen_abi.h — the parts of Xen's public guest ABI the xen target uses,
 * written here from the public headers (xen/xen.h, arch-x86/xen-x86_64.h,
 * event_channel.h, grant_table.h, memory.h, sched.h, vcpu.h, hvm/params.h,
 * hvm/hvm_op.h, io/console.h, io/xs_wire.h, io/xenbus.h; Xen 4.17, x86_64,
 * interface version > 0x040600).  The netif ring layout is netfront/netif.h.
 *
 * Only definitions: hypercall numbers, sub-operation numbers, the argument
 * structures and the shared pages' layouts.  Every structure Xen or another
 * domain reads or writes carries a _Static_assert on its size;
 * tests/unit/test_xen_abi.c checks sizes and offsets against Debian's
 * libxen-dev headers.  Pure header: no code, usable on the host.
 */
#ifndef XEN_XEN_ABI_H
#define XEN_XEN_ABI_H

#include <stdint.h>

#include "libos/x86_64/pvclock.h"

#define XEN_PAGE_SHIFT 12
#define XEN_PAGE_SIZE 4096u

/* ---- hypercall numbers (xen.h) ---- */
#define XEN_HC_memory_op 12
#define XEN_HC_xen_version 17
#define XEN_HC_console_io 18
#define XEN_HC_grant_table_op 20
#define XEN_HC_vcpu_op 24
#define XEN_HC_sched_op 29
#define XEN_HC_event_channel_op 32
#define XEN_HC_hvm_op 34

#define XEN_DOMID_SELF 0x7ff0u
#define XEN_VIRQ_TIMER 0
#define XEN_LEGACY_MAX_VCPUS 32

/* ---- CPUID (arch-x86/cpuid.h) ---- */
#define XEN_CPUID_FIRST_LEAF 0x40000000u
#define XEN_CPUID_LAST_LEAF 0x40010000u
#define XEN_CPUID_LEAF_STEP 0x100u
#define XEN_CPUID_SIGNATURE_EBX 0x566e6558u /* "XenV" */
#define XEN_CPUID_SIGNATURE_ECX 0x65584d4du /* "MMXe" */
#define XEN_CPUID_SIGNATURE_EDX 0x4d4d566eu /* "nVMM" */

/* ---- shared_info page (xen.h, arch-x86/xen-x86_64.h) ---- */
/* vcpu_time_info is the pvclock record (libos/x86_64/pvclock.h): version
 * (odd while Xen updates it), tsc_timestamp, system_time (ns since Xen
 * booted), tsc_to_system_mul and tsc_shift. */

struct xen_vcpu_info {
    uint8_t evtchn_upcall_pending; /* Xen sets it with a selector bit; we clear it */
    uint8_t evtchn_upcall_mask;
    uint8_t pad[6];
    uint64_t evtchn_pending_sel;   /* one bit per word of evtchn_pending */
    uint64_t arch_cr2, arch_pad;
    struct pvclock_time_info time;
};
_Static_assert(sizeof(struct xen_vcpu_info) == 64, "vcpu_info");

struct xen_shared_info {
    struct xen_vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    uint64_t evtchn_pending[64];   /* 4096 ports, 2-level ABI */
    uint64_t evtchn_mask[64];
    uint32_t wc_version;           /* wall clock at system time 0, versioned */
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;
    /* struct arch_shared_info follows (unused here). */
};
_Static_assert(sizeof(struct xen_shared_info) == 3088, "shared_info up to arch");

/* ---- memory_op (memory.h) ---- */
#define XENMEM_add_to_physmap 7
#define XENMAPSPACE_shared_info 0
#define XENMAPSPACE_grant_table 1

struct xen_add_to_physmap {
    uint16_t domid;
    uint16_t size;
    uint32_t space;
    uint64_t idx;
    uint64_t gpfn;
};
_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "xen_add_to_physmap");

/* ---- hvm_op (hvm/hvm_op.h, hvm/params.h) ---- */
#define HVMOP_set_param 0
#define HVMOP_get_param 1
#define HVM_PARAM_CALLBACK_IRQ 0
#define HVM_PARAM_STORE_PFN 1
#define HVM_PARAM_STORE_EVTCHN 2
#define HVM_PARAM_CONSOLE_PFN 17
#define HVM_PARAM_CONSOLE_EVTCHN 18
#define HVM_PARAM_CALLBACK_TYPE_VECTOR 2ull
#define HVM_PARAM_CALLBACK_TYPE_SHIFT 56

struct xen_hvm_param {
    uint16_t domid;
    uint16_t pad;
    uint32_t index;
    uint64_t value;
};
_Static_assert(sizeof(struct xen_hvm_param) == 16, "xen_hvm_param");

/* ---- sched_op (sched.h) ---- */
#define SCHEDOP_yield 0
#define SCHEDOP_block 1
#define SCHEDOP_shutdown 2
#define SHUTDOWN_poweroff 0
#define SHUTDOWN_reboot 1
#define SHUTDOWN_suspend 2
#define SHUTDOWN_crash 3

struct xen_sched_shutdown {
    uint32_t reason;
};
_Static_assert(sizeof(struct xen_sched_shutdown) == 4, "sched_shutdown");

/* ---- vcpu_op (vcpu.h) ---- */
#define VCPUOP_stop_periodic_timer 7
#define VCPUOP_set_singleshot_timer 8
#define VCPUOP_stop_singleshot_timer 9

struct xen_vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;  /* Xen system time (vcpu_time_info scale) */
    uint32_t flags;
    uint32_t pad;
};
_Static_assert(sizeof(struct xen_vcpu_set_singleshot_timer) == 16, "singleshot timer");

/* ---- event_channel_op (event_channel.h) ---- */
#define EVTCHNOP_bind_virq 1
#define EVTCHNOP_close 3
#define EVTCHNOP_send 4
#define EVTCHNOP_alloc_unbound 6
#define EVTCHNOP_unmask 9

struct xen_evtchn_alloc_unbound {
    uint16_t dom, remote_dom;
    uint32_t port;            /* out */
};
_Static_assert(sizeof(struct xen_evtchn_alloc_unbound) == 8, "evtchn_alloc_unbound");

struct xen_evtchn_bind_virq {
    uint32_t virq, vcpu;
    uint32_t port;            /* out */
};
_Static_assert(sizeof(struct xen_evtchn_bind_virq) == 12, "evtchn_bind_virq");

struct xen_evtchn_port_op {   /* evtchn_send, evtchn_close, evtchn_unmask */
    uint32_t port;
};

/* ---- grant_table_op (grant_table.h), version 1 ---- */
#define GNTTABOP_query_size 6
#define GNTTAB_NR_RESERVED_ENTRIES 8 /* 0 console, 1 xenstore: the toolstack's */
#define GTF_permit_access 1u
#define GTF_readonly (1u << 2)
#define GTF_reading (1u << 3)
#define GTF_writing (1u << 4)

typedef uint32_t grant_ref_t;

struct xen_grant_entry_v1 {
    uint16_t flags;           /* GTF_*; Xen sets reading/writing while mapped */
    uint16_t domid;           /* the domain allowed in */
    uint32_t frame;           /* our GFN */
};
_Static_assert(sizeof(struct xen_grant_entry_v1) == 8, "grant_entry_v1");
#define GNT_ENTRIES_PER_FRAME (XEN_PAGE_SIZE / sizeof(struct xen_grant_entry_v1))

struct xen_gnttab_query_size {
    uint16_t dom;
    uint16_t pad;
    uint32_t nr_frames;       /* out */
    uint32_t max_nr_frames;   /* out */
    int16_t status;           /* out: GNTST_* (0 = okay) */
    uint16_t pad2;
};
_Static_assert(sizeof(struct xen_gnttab_query_size) == 16, "gnttab_query_size");

/* ---- PV console ring (io/console.h) ---- */
struct xen_cons_interface {
    char in[1024];
    char out[2048];
    uint32_t in_cons, in_prod;
    uint32_t out_cons, out_prod;
};
_Static_assert(sizeof(struct xen_cons_interface) == 3088, "xencons_interface");

/* ---- xenstore ring and wire format (io/xs_wire.h) ---- */
enum xs_msg_type {
    XS_CONTROL = 0, XS_DIRECTORY = 1, XS_READ = 2, XS_GET_PERMS = 3, XS_WATCH = 4,
    XS_UNWATCH = 5, XS_TRANSACTION_START = 6, XS_TRANSACTION_END = 7, XS_INTRODUCE = 8,
    XS_RELEASE = 9, XS_GET_DOMAIN_PATH = 10, XS_WRITE = 11, XS_MKDIR = 12, XS_RM = 13,
    XS_SET_PERMS = 14, XS_WATCH_EVENT = 15, XS_ERROR = 16,
};

struct xsd_sockmsg {
    uint32_t type;            /* enum xs_msg_type */
    uint32_t req_id;          /* echoed in the reply */
    uint32_t tx_id;           /* transaction, or 0 */
    uint32_t len;             /* payload bytes that follow */
};
_Static_assert(sizeof(struct xsd_sockmsg) == 16, "xsd_sockmsg");

#define XENSTORE_RING_SIZE 1024u
#define XENSTORE_PAYLOAD_MAX 4096u

struct xenstore_domain_interface {
    char req[XENSTORE_RING_SIZE];  /* requests to xenstored */
    char rsp[XENSTORE_RING_SIZE];  /* replies and watch events */
    uint32_t req_cons, req_prod;
    uint32_t rsp_cons, rsp_prod;
    uint32_t server_features;
    uint32_t connection;
    uint32_t error;
};
_Static_assert(sizeof(struct xenstore_domain_interface) == 2076, "xenstore_domain_interface");

/* ---- device states in xenstore (io/xenbus.h) ---- */
enum xenbus_state {
    XenbusStateUnknown = 0, XenbusStateInitialising = 1, XenbusStateInitWait = 2,
    XenbusStateInitialised = 3, XenbusStateConnected = 4, XenbusStateClosing = 5,
    XenbusStateClosed = 6, XenbusStateReconfiguring = 7, XenbusStateReconfigured = 8,
};

#endif /* XEN_XEN_ABI_H */
