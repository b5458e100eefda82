/*
 * dp_execute.h — the action interpreter.
 *
 * dp_execute runs a `struct dp_action` list (dp_action.h) on one packet:
 * rewrites are applied to the frame in order, with IPv4/TCP/UDP checksums
 * updated incrementally (dp_csum.h), and every OUTPUT/ENQUEUE hands the
 * frame *as modified so far* to the caller's output function.  Where a
 * packet goes (ports, flood, controller, NORMAL, TABLE) is the pipeline's
 * business: this module knows no ports.
 *
 * Ownership and sharing
 *  - dp_execute takes the caller's reference to `pkt` and always disposes of
 *    it: given to an output, or freed.
 *  - Each output call receives one reference of its own (pkt_ref); the last
 *    action, when it is an output, receives the executor's own reference (no
 *    refcount traffic for the common single-output list).
 *  - A rewrite never writes a shared buffer: it calls pkt_make_writable
 *    first (counted in copies), so an earlier output keeps the bytes it was
 *    given.  When the copy fails (pool empty) the packet is dropped, the
 *    remaining actions are skipped and nomem_drops counts it.
 *
 * Layout: the executor works on a private copy of the dp_layout that
 * dp_key_extract produced for the frame and keeps it in step with VLAN
 * push/strip; outputs see the current one.  A set action for a header the
 * frame does not have (SET_TP_SRC on ARP, SET_NW_DST on a truncated IPv4
 * header, STRIP_VLAN on an untagged frame) does nothing.
 *
 * Single-threaded; the pipeline and tests call it.  No allocation.
 */
#ifndef DP_EXECUTE_H
#define DP_EXECUTE_H

#include <stdint.h>

#include "datapath/dp_action.h"
#include "datapath/dp_key.h"
#include "os/pkt.h"

/* Called for each OUTPUT or ENQUEUE action with one owned reference to
 * `pkt` (the callee must pass it on or free it), the frame's current
 * layout, and the action itself.  pkt->in_port is the ingress port.
 * Returns nothing. */
typedef void dp_output_fn(void *arg, struct pkt *pkt, const struct dp_layout *layout,
                          const struct dp_action *act);

struct dp_exec_stats {
    uint64_t copies;         /* copy-on-write copies made */
    uint64_t nomem_drops;    /* packets dropped: copy failed, pool empty */
    uint64_t vlan_push_fail; /* packets dropped: no head- or tailroom for a tag */
};

struct dp_exec {
    dp_output_fn *output;
    void *arg;
    struct dp_exec_stats stats;
};

/* Executes acts[0..n) on `pkt`, whose layout (from dp_key_extract on its
 * current bytes) is `layout`.  Takes ownership of `pkt`.  An empty list
 * drops it.  Returns nothing. */
void dp_execute(struct dp_exec *ex, struct pkt *pkt, const struct dp_layout *layout,
                const struct dp_action *acts, unsigned n);

#endif /* DP_EXECUTE_H */
