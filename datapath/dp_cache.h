/*
 * dp_cache.h — the per-key flow cache in front of the tuple-space classifier.
 *
 * A bounded, 2-way set-associative array keyed by the full packet key: the
 * set is chosen by the key's hash, each way remembers one key, the flow the
 * classifier found for it (NULL for "no flow": misses are cached too) and the
 * generation it was filled in.  Size is fixed at creation (a power of two,
 * e.g. 8192 entries = 512 KiB), whatever the number of flows: with a million
 * flows it simply hits less.
 *
 * Invariants:
 *  - an entry is valid only while its generation equals the cache's; the
 *    owner (dp_table) calls dp_cache_invalidate() on every change to the
 *    table, which makes every entry stale in O(1), so a cached flow pointer
 *    is never returned after the flow could have been freed or outranked;
 *  - no allocation, no locking on lookup or insert.
 *
 * Ownership: the cache does not own the flows it points to.  The cache itself
 * is created and destroyed by its owner on the control path.
 *
 * Callers: dp_table only (single-threaded, like the table).
 */
#ifndef DP_CACHE_H
#define DP_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "dp_key.h"

struct dp_flow;

struct dp_cache_entry {
    struct dp_key key;
    struct dp_flow *flow; /* NULL: cached "no match" */
    uint64_t gen;         /* valid when == dp_cache.gen */
    uint32_t hash;
    uint32_t pad;
} __attribute__((aligned(64)));
_Static_assert(sizeof(struct dp_cache_entry) == 64, "one cache line per entry");

struct dp_cache {
    struct dp_cache_entry *e; /* 2 * (set_mask + 1) entries, page aligned */
    uint32_t set_mask;        /* number of sets - 1 */
    uint64_t gen;             /* current generation, starts at 1 */
};

/* Initialises `c` with room for `n_entries` keys (rounded up to a power of
 * two, at least 2).  Returns 0 or -ENOMEM. */
int dp_cache_init(struct dp_cache *c, uint32_t n_entries);

/* Frees the array of `c`.  Returns nothing. */
void dp_cache_fini(struct dp_cache *c);

/* Makes every entry stale.  Returns nothing. */
static inline void dp_cache_invalidate(struct dp_cache *c)
{
    c->gen++;
}

/* Looks `key` (whose hash is `hash`) up.  Returns true on a hit and stores
 * the cached flow (possibly NULL = cached miss) in *flow; false on a miss. */
static inline bool dp_cache_lookup(const struct dp_cache *c, const struct dp_key *key,
                                   uint32_t hash, struct dp_flow **flow)
{
    const struct dp_cache_entry *e = &c->e[(hash & c->set_mask) * 2];
    for (int way = 0; way < 2; way++, e++) {
        if (e->gen == c->gen && e->hash == hash && dp_key_equal(&e->key, key)) {
            *flow = e->flow;
            return true;
        }
    }
    return false;
}

/* Remembers that `key` (hash `hash`) maps to `flow` (may be NULL): the new
 * key goes to way 0 and the previous way 0 moves to way 1.  Returns nothing. */
static inline void dp_cache_insert(struct dp_cache *c, const struct dp_key *key,
                                   uint32_t hash, struct dp_flow *flow)
{
    struct dp_cache_entry *e = &c->e[(hash & c->set_mask) * 2];
    if (e[0].gen == c->gen)
        e[1] = e[0];
    e[0].key = *key;
    e[0].flow = flow;
    e[0].gen = c->gen;
    e[0].hash = hash;
}

#endif /* DP_CACHE_H */
