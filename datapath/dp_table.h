/*
 * dp_table.h — the OpenFlow 1.0 flow table.
 *
 * One table of flow entries with OpenFlow 1.0's semantics (spec 4.6 and
 * A.3.3): add / modify / modify_strict / delete / delete_strict with the
 * out_port filter, CHECK_OVERLAP, idle and hard timeouts, cookies, per-flow
 * and per-table counters, a size limit, and a separate emergency table.
 *
 * Lookup order: an entry without any wildcard (an "exact-match" entry in
 * the OpenFlow 1.0 sense: the mask is all ones over the twelve fields) wins
 * over every wildcarded entry; among wildcarded entries the highest priority
 * wins; among equal priorities the choice is unspecified but stable.  The
 * priority reported back (stats, flow_removed) is always the one the
 * controller gave.
 *
 * Speed: lookups go through (1) a hash table of exact-match entries, (2) a
 * per-key cache of wildcard lookups (the exact key of recent packets ->
 * flow), (3) a tuple-space classifier: one hash table per distinct mask,
 * visited in decreasing order of the highest priority it holds, skipping
 * subtables whose nw_src/nw_dst prefix cannot match (prefix tries,
 * dp_ptrie.h) and stopping as soon as no remaining subtable can beat the
 * best hit.  Every change to the table
 * invalidates the cache (a generation counter), so a lookup after
 * dp_table_apply returns always sees the change.
 *
 * Memory: entries come from a slab (dp_slab.h) and action lists of up to
 * DP_FLOW_INLINE_ACTS actions live inside the entry (longer ones are one
 * os_malloc), all on the control path and owned by the table.  A
 * `struct dp_flow *` returned by a lookup stays valid until the next call that changes the table
 * (apply/expire/clear); the single-threaded pipeline never holds one across
 * such a call.
 *
 * Time: every call that needs the time takes `now_ns` (os/clock.h scale) so
 * tests and pcap replays control it.
 *
 * Callers: the pipeline (lookup, hit accounting), the OpenFlow agent in
 * switch/ (apply, expire, stats).  Single-threaded.
 */
#ifndef DP_TABLE_H
#define DP_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp_action.h"
#include "dp_key.h"

enum dp_flow_cmd { /* same values as OpenFlow 1.0 OFPFC_* */
    DP_FC_ADD = 0,
    DP_FC_MODIFY = 1,
    DP_FC_MODIFY_STRICT = 2,
    DP_FC_DELETE = 3,
    DP_FC_DELETE_STRICT = 4,
};

enum { /* flow flags, same bits as OpenFlow 1.0 OFPFF_* */
    DP_FF_SEND_FLOW_REM = 1 << 0,
    DP_FF_CHECK_OVERLAP = 1 << 1,
    DP_FF_EMERG = 1 << 2,
};

enum dp_removed_reason { /* same values as OpenFlow 1.0 OFPRR_* */
    DP_RR_IDLE_TIMEOUT = 0,
    DP_RR_HARD_TIMEOUT = 1,
    DP_RR_DELETE = 2,
};

/* Action lists of up to this many actions are stored inside the entry. */
#define DP_FLOW_INLINE_ACTS 4

/* A flow entry.  The layout is for the packet path: a hit on an exact-match
 * entry with one action touches only the first two cache lines (the match,
 * the counters dp_flow_hit writes, the action pointer and the first inline
 * action); the table's bookkeeping comes after.  Entries are 64-byte aligned
 * (dp_slab.h). */
struct dp_flow {
    struct dp_match match;
    uint64_t n_packets;
    uint64_t n_bytes;
    uint64_t used_ns;        /* last packet, or created_ns */
    struct dp_action *actions; /* owned by the table: inline_acts or a heap copy */
    uint16_t n_actions;
    uint16_t priority;       /* as given by the controller */
    struct dp_action inline_acts[DP_FLOW_INLINE_ACTS]; /* the table's own */
    uint16_t idle_timeout;   /* seconds, 0 = none */
    uint16_t hard_timeout;   /* seconds, 0 = none */
    uint16_t flags;          /* DP_FF_* */
    /* Fields below are the table's own. */
    uint32_t eff_priority;   /* lookup priority: exact-match entries above all */
    uint32_t hash;           /* hash of match.key under its mask */
    uint32_t heap_idx;       /* index in the expiry heap, UINT32_MAX = none */
    uint64_t cookie;
    uint64_t created_ns;     /* when added (modify keeps it) */
    struct dp_flow *lnext, *lprev; /* list of all entries, insertion order */
    struct dp_subtable *sub; /* classifier subtable (each of the normal and
                              * emergency tables has its own classifier) */
    uint64_t deadline_ns;    /* expiry heap key: a lower bound on the real
                              * deadline (hits only move it later) */
};
_Static_assert(offsetof(struct dp_flow, inline_acts) + sizeof(struct dp_action) <= 128,
               "a one-action hit stays in two cache lines");

struct dp_flow_mod {
    enum dp_flow_cmd command;
    struct dp_match match;
    uint16_t priority;
    uint16_t idle_timeout, hard_timeout;
    uint16_t flags;          /* DP_FF_* */
    uint64_t cookie;
    uint16_t out_port;       /* delete filter; DP_PORT_NONE = no filter */
    const struct dp_action *actions; /* copied by the table */
    uint16_t n_actions;
};

struct dp_table_stats {
    uint32_t active;     /* entries in the normal table */
    uint32_t max;        /* size limit */
    uint64_t lookups;    /* packets looked up */
    uint64_t matched;    /* packets that hit an entry */
    uint32_t n_emerg;    /* entries in the emergency table */
    uint32_t n_masks;    /* distinct masks (classifier subtables) */
    uint64_t cache_hits; /* lookups answered by the per-key cache */
};

/* Called for every entry removed by a timeout or a delete, before it is
 * freed: `flow` is valid for the duration of the call. */
typedef void dp_removed_cb(const struct dp_flow *flow, enum dp_removed_reason why,
                           uint64_t now_ns, void *arg);

struct dp_table;

/* Creates a table holding at most `max_flows` normal entries (emergency
 * entries have their own limit of the same size).  Returns it or NULL. */
struct dp_table *dp_table_create(uint32_t max_flows);

/* Frees the table and every entry (no callbacks).  NULL is ignored. */
void dp_table_destroy(struct dp_table *t);

/* Applies a flow_mod at time now_ns.  For DELETE commands `cb` (may be
 * NULL) is called for each removed entry with DP_RR_DELETE; a DELETE
 * without DP_FF_EMERG also removes the matching emergency entries, without
 * a callback (an EMERG one removes only those).  Returns:
 *   0          success (also for a modify/delete that matched nothing;
 *              a modify that matches nothing adds the flow, as OF1.0 says)
 *   -ENOSPC    the table is full (OFPFMFC_ALL_TABLES_FULL)
 *   -EEXIST    CHECK_OVERLAP found an overlapping entry of the same
 *              priority (OFPFMFC_OVERLAP)
 *   -EINVAL    an EMERG flow with a non-zero timeout (OFPFMFC_BAD_EMERG_TIMEOUT)
 *   -ENOMEM    allocation failed
 * On failure the table is unchanged. */
int dp_table_apply(struct dp_table *t, const struct dp_flow_mod *fm, uint64_t now_ns,
                   dp_removed_cb *cb, void *arg);

/* Looks up the highest-priority entry matching `key` in the active table
 * (the emergency table when emergency mode is on).  Counts the lookup (and
 * the match).  Returns the entry or NULL. */
struct dp_flow *dp_table_lookup(struct dp_table *t, const struct dp_key *key);

/* Burst form of dp_table_lookup: flows[i] = the entry for *keys[i] (or
 * NULL), counted as n single lookups (cache_hits may differ: keys of one
 * burst are added to the cache after the whole burst is looked up).
 * Overlaps the memory accesses of the n lookups (hash all, prefetch
 * buckets, prefetch flows, look up the exact table and cache, then walk the
 * prefix tries of the remaining keys in lock step), which matters with
 * large tables.  n up to DP_TABLE_BURST gets the overlap; larger n still
 * works.  Returns nothing. */
#define DP_TABLE_BURST 32
void dp_table_lookup_burst(struct dp_table *t, const struct dp_key *const keys[], unsigned n,
                           struct dp_flow *flows[]);

/* Accounts one packet of `bytes` bytes to `flow` at time now_ns.
 * Returns nothing. */
static inline void dp_flow_hit(struct dp_flow *flow, uint32_t bytes, uint64_t now_ns)
{
    flow->n_packets++;
    flow->n_bytes += bytes;
    flow->used_ns = now_ns;
}

/* Removes every entry whose idle or hard timeout has passed at now_ns,
 * calling `cb` (may be NULL) for each with the reason.  Returns the number
 * of entries removed. */
unsigned dp_table_expire(struct dp_table *t, uint64_t now_ns, dp_removed_cb *cb, void *arg);

/* Returns the time (ns) of the earliest pending timeout, or UINT64_MAX. */
uint64_t dp_table_next_expiry(const struct dp_table *t);

/* Visits the entries selected the way OpenFlow 1.0 flow-stats requests
 * select them: non-strict match against `filter` (an entry is selected when
 * its match is equal to or more specific than `filter`), then the out_port
 * filter (DP_PORT_NONE = any).  `emerg` selects the emergency table instead.
 * `visit` returning nonzero stops the walk.  Returns the number visited. */
typedef int dp_visit_cb(const struct dp_flow *flow, void *arg);
unsigned dp_table_visit(const struct dp_table *t, const struct dp_match *filter,
                        uint16_t out_port, bool emerg, dp_visit_cb *visit, void *arg);

/* Switches lookups between the normal and the emergency table (OpenFlow
 * 1.0: emergency entries take effect when the controller connection is
 * lost).  Returns nothing. */
void dp_table_set_emergency(struct dp_table *t, bool on);

/* Fills `st`.  Returns nothing. */
void dp_table_get_stats(const struct dp_table *t, struct dp_table_stats *st);

/* Returns true when entry `flow` has an output (OUTPUT or ENQUEUE) to
 * `port` (the out_port filter of delete and stats requests). */
bool dp_flow_outputs_to(const struct dp_flow *flow, uint16_t port);

/* Returns true when match `m` has no wildcarded field (an OpenFlow 1.0
 * exact-match entry). */
bool dp_match_is_exact(const struct dp_match *m);

#endif /* DP_TABLE_H */
