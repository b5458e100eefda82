/*
 * dp_classifier.h — tuple-space search over flow entries.
 *
 * A classifier holds `struct dp_flow`s (owned by the caller, dp_table) in
 * one hash table per distinct mask, a "subtable".  A lookup hashes the
 * packet key under each subtable's mask and probes that subtable's bucket.
 *
 *  - Exact-match entries (dp_match_is_exact) live in their own subtable,
 *    probed first; their effective priority (eff_priority = 0x10000 +
 *    priority) is above every wildcarded entry, so a hit there ends the
 *    lookup.  Two exact entries may share a key (different priorities);
 *    the subtable counts them (n_dup) and while there are none a probe stops
 *    at the first equal key instead of walking on to an empty slot (with
 *    1M entries that walk left the prefetched cache line for most keys).
 *  - Wildcarded subtables are kept in an array sorted by decreasing
 *    `max_pri`, the highest eff_priority they hold.  The lookup stops as
 *    soon as the next subtable's max_pri cannot beat the best hit so far.
 *  - max_pri may be stale-high after a removal (still correct: it is an
 *    upper bound and the array is sorted on the stale values) until
 *    dp_classifier_commit() recomputes maxima and re-sorts.  An insertion
 *    that raises a max re-sorts at once.
 *  - Each subtable is an open-addressing table (linear probing, load at
 *    most 1/2, power-of-two size) of (hash, flow) slots: a probe reads the
 *    flow only when the hash agrees.  Grown and shrunk on the control path;
 *    a failed shrink only costs memory.  Empty subtables are freed at once.
 *  - Prefix tracking (dp_ptrie.h): a wildcarded subtable whose nw_src
 *    (nw_dst) mask is a /L prefix, 0 < L, has src_bit (dst_bit) = 1 << L and
 *    its entries' prefixes are counted in src_trie (dst_trie).  A lookup
 *    walks each non-empty trie once with the packet's address and skips
 *    every subtable whose bit is not in the result: none of its entries can
 *    match.  Other masks (no prefix, or not a CIDR mask) are always probed.
 *    With at most 64 subtables the lookup turns the trie results into a
 *    bit set of subtable positions (pos_* below) and visits only those.
 *  - No allocation, no writes on lookup.
 *
 * The hash is private to the classifier (dp_cls_sub_hash, inlined so the
 * lookup loop pays no call per subtable, and hashing only the words its
 * mask uses); flow->hash caches it for the flow's own subtable.  The
 * per-key cache (dp_cache.h) uses dp_cls_hash_exact of the whole key, the
 * same value the exact subtable uses, so one hash serves both.
 *
 * The classifier knows nothing of OpenFlow commands, counters or timeouts:
 * dp_table.c decides what to insert and remove.  A flow is in at most one
 * classifier; the caller guarantees that no two entries have the same match
 * and priority.  Single-threaded.
 */
#ifndef DP_CLASSIFIER_H
#define DP_CLASSIFIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp_key.h"
#include "dp_ptrie.h"
#include "dp_table.h"

#define DP_CLS_EXACT_PRI 0x10000u /* eff_priority offset of exact entries */

/* One slot of a subtable's open-addressing table: the flow's hash is kept
 * next to the pointer, so a probe touches a flow only on a hash hit. */
struct dp_cls_slot {
    uint32_t hash;
    struct dp_flow *flow; /* NULL = empty */
};

struct dp_subtable {
    struct dp_key mask;
    struct dp_cls_slot *slots; /* smask + 1 slots, linear probing, load <= 1/2 */
    uint32_t smask;
    uint32_t n_flows;
    uint32_t max_pri;          /* >= every eff_priority held (exact when !stale) */
    uint8_t words[DP_KEY_WORDS]; /* indexes of the mask's non-zero words */
    uint8_t n_words;
    bool stale;                /* max_pri may be too high */
    uint32_t n_dup;            /* exact subtable: entries minus distinct keys
                                * (0: a lookup stops at the first equal key) */
    uint64_t src_bit, dst_bit; /* 1 << L when the nw_src / nw_dst mask is a
                                * /L prefix, L in 1..32 (its rules are in the
                                * classifier's trie); else 0 */
};

struct dp_classifier {
    struct dp_subtable exact;    /* exact-match entries, mask dp_cls_exact_mask */
    struct dp_subtable **subs;   /* wildcarded subtables, max_pri decreasing */
    uint32_t n_subs, cap_subs;
    uint32_t n_flows;            /* all entries, exact ones included */
    bool stale;                  /* some max_pri needs recomputing */
    struct dp_ptrie src_trie;    /* nw_src prefixes of subtables with src_bit */
    struct dp_ptrie dst_trie;    /* nw_dst prefixes of subtables with dst_bit */
    /* Positions in subs[] as bit sets (valid while n_subs <= 64): bit i of
     * pos_src[L] is set when subs[i]->src_bit == 1 << L; pos_nosrc holds
     * the subtables without a src_bit.  The same for dst.  Rebuilt after
     * every change of subs[] or its order. */
    uint64_t pos_src[33], pos_dst[33];
    uint64_t pos_nosrc, pos_nodst;
};

/* The mask of an exact-match entry: every field bit, no padding bit. */
extern const struct dp_key dp_cls_exact_mask;

#define DP_CLS_HASH_SEED 0x243f6a8885a308d3ull

static inline uint64_t dp_cls_mix(uint64_t h, uint64_t w)
{
    h ^= w;
    h *= 0x9e3779b97f4a7c15ull;
    return h ^ (h >> 32);
}

static inline uint32_t dp_cls_final(uint64_t h)
{
    h *= 0xd6e8feb86659fd93ull;
    return (uint32_t)(h >> 32);
}

/* Returns the hash subtable `s` uses for `key`: key & mask over the mask's
 * non-zero words only. */
static inline uint32_t dp_cls_sub_hash(const struct dp_subtable *s, const struct dp_key *key)
{
    uint64_t h = DP_CLS_HASH_SEED;
    for (unsigned i = 0; i < s->n_words; i++)
        h = dp_cls_mix(h, key->w[s->words[i]] & s->mask.w[s->words[i]]);
    return dp_cls_final(h);
}

/* Returns the hash of the whole key as the exact subtable (all five words)
 * and the per-key cache use it.  The key's padding is zero (dp_key.h), so
 * it equals dp_cls_sub_hash under the exact mask without masking. */
static inline uint32_t dp_cls_hash_exact(const struct dp_key *key)
{
    uint64_t h = DP_CLS_HASH_SEED;
    for (int i = 0; i < DP_KEY_WORDS; i++)
        h = dp_cls_mix(h, key->w[i]);
    return dp_cls_final(h);
}

/* Initialises an empty classifier.  Returns 0 or -ENOMEM. */
int dp_classifier_init(struct dp_classifier *c);

/* Frees the classifier's own memory (not the flows).  Returns nothing. */
void dp_classifier_fini(struct dp_classifier *c);

/* Inserts `f`, whose match (pre-masked, padding clear) and priority are set;
 * sets f->eff_priority, f->hash and f->sub.  Returns 0, or -ENOMEM with the
 * classifier unchanged. */
int dp_classifier_insert(struct dp_classifier *c, struct dp_flow *f);

/* Removes `f` (which must be in `c`).  Returns nothing. */
void dp_classifier_remove(struct dp_classifier *c, struct dp_flow *f);

/* Recomputes stale maxima and re-sorts the subtables; call after a batch of
 * removals.  Returns nothing. */
void dp_classifier_commit(struct dp_classifier *c);

/* Returns the entry with exactly match `m` and `priority`, or NULL. */
struct dp_flow *dp_classifier_find_strict(const struct dp_classifier *c,
                                          const struct dp_match *m, uint16_t priority);

/* Returns true when some entry of the same `priority` overlaps `m` (a packet
 * could match both). */
bool dp_classifier_overlaps(const struct dp_classifier *c, const struct dp_match *m,
                            uint16_t priority);

#define DP_CLS_NO_SLOT UINT32_MAX

/* Returns the first slot of the exact subtable's probe sequence for `hash`
 * that holds that hash, or DP_CLS_NO_SLOT when an empty slot comes first
 * (then no exact entry has a key of this hash).  Reads only slots: the first
 * step of a burst lookup, which prefetches the flow it finds. */
static inline uint32_t dp_classifier_exact_slot(const struct dp_classifier *c, uint32_t hash)
{
    const struct dp_subtable *s = &c->exact;
    uint32_t i = hash & s->smask;
    if (s->n_flows == 0)
        return DP_CLS_NO_SLOT;
    if (__builtin_expect(s->slots[i].hash == hash && s->slots[i].flow != NULL, 1))
        return i; /* the usual case: the key's own slot */
    for (; s->slots[i].flow; i = (i + 1) & s->smask)
        if (s->slots[i].hash == hash)
            return i;
    return DP_CLS_NO_SLOT;
}

/* Returns the highest-priority exact-match entry for `key` (whose
 * dp_cls_hash_exact is `hash`), probing from slot `i` of the exact
 * subtable (dp_classifier_exact_slot, or DP_CLS_NO_SLOT), or NULL.  An exact
 * entry's key is all of its match (mask all ones, padding zero in both), so
 * the test is key equality, which reads only the entry's first cache line;
 * without duplicate keys (n_dup == 0) the first equal key is the answer. */
static inline struct dp_flow *dp_classifier_lookup_exact_at(const struct dp_classifier *c,
                                                            const struct dp_key *key,
                                                            uint32_t hash, uint32_t i)
{
    const struct dp_subtable *s = &c->exact;
    struct dp_flow *best = NULL, *f;
    if (i == DP_CLS_NO_SLOT)
        return NULL;
    for (; (f = s->slots[i].flow) != NULL; i = (i + 1) & s->smask) {
        if (s->slots[i].hash != hash || !dp_key_equal(&f->match.key, key))
            continue;
        if (!s->n_dup)
            return f;
        if (!best || f->eff_priority > best->eff_priority)
            best = f;
    }
    return best;
}

/* Returns the highest-priority exact-match entry for `key` (whose
 * dp_cls_hash_exact is `hash`), or NULL. */
static inline struct dp_flow *dp_classifier_lookup_exact(const struct dp_classifier *c,
                                                         const struct dp_key *key,
                                                         uint32_t hash)
{
    return dp_classifier_lookup_exact_at(c, key, hash, dp_classifier_exact_slot(c, hash));
}

/* Prefetches the slot `hash` starts probing at in the exact subtable (for
 * burst lookups).  Returns nothing. */
static inline void dp_classifier_prefetch_exact(const struct dp_classifier *c, uint32_t hash)
{
    if (c->exact.n_flows)
        __builtin_prefetch(&c->exact.slots[hash & c->exact.smask]);
}

/* Returns the highest-priority wildcarded entry matching `key`, or NULL. */
struct dp_flow *dp_classifier_lookup_wild(const struct dp_classifier *c,
                                          const struct dp_key *key);

/* Burst form of dp_classifier_lookup_wild: out[i] = the highest-priority
 * wildcarded entry matching *keys[i], or NULL, for i < n.  The prefix-trie
 * walks of the n keys run in lock step (dp_ptrie_lookup_burst).  Returns
 * nothing. */
void dp_classifier_lookup_wild_burst(const struct dp_classifier *c,
                                     const struct dp_key *const keys[], unsigned n,
                                     struct dp_flow *out[]);

/* Returns the highest-priority entry matching `key` (exact ones first), or
 * NULL. */
struct dp_flow *dp_classifier_lookup(const struct dp_classifier *c, const struct dp_key *key);

/* Returns the number of non-empty subtables (distinct masks). */
static inline uint32_t dp_classifier_n_masks(const struct dp_classifier *c)
{
    return c->n_subs + (c->exact.n_flows ? 1 : 0);
}

#endif /* DP_CLASSIFIER_H */
