/*
 * dp_classifier.c — tuple-space search (see dp_classifier.h).
 */
#include "dp_classifier.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "os/mem.h"

#define SUB_MIN_SLOTS 16u

const struct dp_key dp_cls_exact_mask = {
    .nw_src = 0xffffffffu,
    .nw_dst = 0xffffffffu,
    .in_port = 0xffff,
    .dl_vlan = 0xffff,
    .dl_src = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
    .dl_dst = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
    .dl_type = 0xffff,
    .dl_vlan_pcp = 0xff,
    .nw_tos = 0xff,
    .nw_proto = 0xff,
    .tp_src = 0xffff,
    .tp_dst = 0xffff,
};

/* ---- one subtable: open addressing, linear probing ----------------- */

/* Returns 1 << L when `mask` is a /L prefix with L > 0, else 0 (the
 * subtable's bit in the prefix tries). */
static uint64_t prefix_bit(uint32_t mask)
{
    int len = dp_ptrie_prefix_len(mask);
    return len > 0 ? 1ull << len : 0;
}

/* Returns L for a subtable bit 1 << L. */
static unsigned bit_len(uint64_t bit)
{
    return (unsigned)__builtin_ctzll(bit);
}

static int sub_init(struct dp_subtable *s, const struct dp_key *mask)
{
    memset(s, 0, sizeof *s);
    s->mask = *mask;
    for (int i = 0; i < DP_KEY_WORDS; i++)
        if (mask->w[i])
            s->words[s->n_words++] = (uint8_t)i;
    s->src_bit = prefix_bit(mask->nw_src);
    s->dst_bit = prefix_bit(mask->nw_dst);
    s->slots = os_calloc(SUB_MIN_SLOTS, sizeof *s->slots);
    if (!s->slots)
        return -ENOMEM;
    s->smask = SUB_MIN_SLOTS - 1;
    return 0;
}

static void sub_fini(struct dp_subtable *s)
{
    os_free(s->slots);
    s->slots = NULL;
}

/* Places `f` (hash `h`) in the first free slot of its probe sequence. */
static void slots_put(struct dp_cls_slot *slots, uint32_t smask, uint32_t h, struct dp_flow *f)
{
    uint32_t i = h & smask;
    while (slots[i].flow)
        i = (i + 1) & smask;
    slots[i].hash = h;
    slots[i].flow = f;
}

/* Rehashes into `n` slots (a power of two).  Returns 0 or -ENOMEM (the
 * subtable is then unchanged). */
static int sub_resize(struct dp_subtable *s, uint32_t n)
{
    struct dp_cls_slot *ns = os_calloc(n, sizeof *ns);
    if (!ns)
        return -ENOMEM;
    for (uint32_t i = 0; i <= s->smask; i++)
        if (s->slots[i].flow)
            slots_put(ns, n - 1, s->slots[i].hash, s->slots[i].flow);
    os_free(s->slots);
    s->slots = ns;
    s->smask = n - 1;
    return 0;
}

/* Makes room for one more flow.  Returns 0 or -ENOMEM (only when growing
 * failed and the table is too full to stay correct). */
static int sub_reserve(struct dp_subtable *s)
{
    uint32_t cap = s->smask + 1;
    if ((s->n_flows + 1) * 2 <= cap || cap >= (1u << 30))
        return (s->n_flows + 1 < cap) ? 0 : -ENOMEM;
    if (sub_resize(s, cap * 2) == 0)
        return 0;
    return (s->n_flows + 1) * 8 <= cap * 7 ? 0 : -ENOMEM; /* degrade, stay correct */
}

/* Inserts `f` (f->hash set) into `s`, which has room (sub_reserve). */
static void sub_insert(struct dp_subtable *s, struct dp_flow *f)
{
    slots_put(s->slots, s->smask, f->hash, f);
    f->sub = s;
    s->n_flows++;
    if (f->eff_priority > s->max_pri || s->n_flows == 1)
        s->max_pri = f->eff_priority;
}

/* Empties slot `i` by backward-shift deletion, so no tombstones are needed. */
static void slots_delete(struct dp_cls_slot *slots, uint32_t smask, uint32_t i)
{
    for (uint32_t j = i;;) {
        j = (j + 1) & smask;
        if (!slots[j].flow)
            break;
        uint32_t home = slots[j].hash & smask;
        /* slot j may move to i when its home is not cyclically in (i, j] */
        bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            slots[i] = slots[j];
            i = j;
        }
    }
    slots[i].flow = NULL;
    slots[i].hash = 0;
}

static void sub_remove(struct dp_subtable *s, struct dp_flow *f)
{
    uint32_t i = f->hash & s->smask;
    while (s->slots[i].flow && s->slots[i].flow != f)
        i = (i + 1) & s->smask;
    if (s->slots[i].flow)
        slots_delete(s->slots, s->smask, i);
    f->sub = NULL;
    s->n_flows--;
    if (f->eff_priority >= s->max_pri)
        s->stale = true;
    if (s->smask + 1 > SUB_MIN_SLOTS && s->n_flows * 8 < s->smask + 1)
        sub_resize(s, (s->smask + 1) / 2); /* failure only wastes memory */
}

static void sub_recompute_max(struct dp_subtable *s)
{
    uint32_t max = 0;
    for (uint32_t i = 0; i <= s->smask; i++)
        if (s->slots[i].flow && s->slots[i].flow->eff_priority > max)
            max = s->slots[i].flow->eff_priority;
    s->max_pri = max;
    s->stale = false;
}

/* Returns true when a packet could match both (f's match, m). */
static bool matches_overlap(const struct dp_match *a, const struct dp_match *b)
{
    uint64_t diff = 0;
    for (int i = 0; i < DP_KEY_WORDS; i++)
        diff |= (a->key.w[i] ^ b->key.w[i]) & a->mask.w[i] & b->mask.w[i];
    return diff == 0;
}

/* Returns true when `s` holds an entry of `priority` overlapping `m`. */
static bool sub_overlaps(const struct dp_subtable *s, const struct dp_match *m,
                         uint16_t priority)
{
    bool m_covers_sub = true; /* m compares every bit s compares */
    for (int i = 0; i < DP_KEY_WORDS; i++)
        if (s->mask.w[i] & ~m->mask.w[i])
            m_covers_sub = false;
    const struct dp_flow *f;
    if (m_covers_sub) { /* only entries equal to m under s's mask can overlap */
        uint32_t h = dp_cls_sub_hash(s, &m->key);
        for (uint32_t i = h & s->smask; (f = s->slots[i].flow) != NULL; i = (i + 1) & s->smask)
            if (f->priority == priority && matches_overlap(&f->match, m))
                return true;
        return false;
    }
    for (uint32_t i = 0; i <= s->smask; i++)
        if ((f = s->slots[i].flow) && f->priority == priority && matches_overlap(&f->match, m))
            return true;
    return false;
}

/* ---- the classifier ---------------------------------------------------- */

int dp_classifier_init(struct dp_classifier *c)
{
    memset(c, 0, sizeof *c);
    dp_ptrie_init(&c->src_trie);
    dp_ptrie_init(&c->dst_trie);
    int rc = sub_init(&c->exact, &dp_cls_exact_mask);
    c->exact.src_bit = c->exact.dst_bit = 0; /* probed before the walk */
    return rc;
}

void dp_classifier_fini(struct dp_classifier *c)
{
    dp_ptrie_fini(&c->src_trie);
    dp_ptrie_fini(&c->dst_trie);
    sub_fini(&c->exact);
    for (uint32_t i = 0; i < c->n_subs; i++) {
        sub_fini(c->subs[i]);
        os_free(c->subs[i]);
    }
    os_free(c->subs);
    memset(c, 0, sizeof *c);
}

/* Returns the index of the wildcarded subtable with `mask`, or -1. */
static int find_sub_index(const struct dp_classifier *c, const struct dp_key *mask)
{
    for (uint32_t i = 0; i < c->n_subs; i++)
        if (dp_key_equal(&c->subs[i]->mask, mask))
            return (int)i;
    return -1;
}

static const struct dp_subtable *find_sub(const struct dp_classifier *c,
                                          const struct dp_key *mask)
{
    if (dp_key_equal(mask, &dp_cls_exact_mask))
        return &c->exact;
    int i = find_sub_index(c, mask);
    return i < 0 ? NULL : c->subs[i];
}

/* Rebuilds the position bit sets (dp_classifier.h) after subs[] changed. */
static void positions_update(struct dp_classifier *c)
{
    memset(c->pos_src, 0, sizeof c->pos_src);
    memset(c->pos_dst, 0, sizeof c->pos_dst);
    c->pos_nosrc = c->pos_nodst = 0;
    for (uint32_t i = 0; i < c->n_subs && i < 64; i++) {
        const struct dp_subtable *s = c->subs[i];
        uint64_t bit = 1ull << i;
        if (s->src_bit)
            c->pos_src[bit_len(s->src_bit)] |= bit;
        else
            c->pos_nosrc |= bit;
        if (s->dst_bit)
            c->pos_dst[bit_len(s->dst_bit)] |= bit;
        else
            c->pos_nodst |= bit;
    }
}

/* Moves subs[i] towards the front while it outranks its predecessor. */
static void bubble_up(struct dp_classifier *c, uint32_t i)
{
    while (i > 0 && c->subs[i - 1]->max_pri < c->subs[i]->max_pri) {
        struct dp_subtable *tmp = c->subs[i - 1];
        c->subs[i - 1] = c->subs[i];
        c->subs[i] = tmp;
        i--;
    }
}

/* Appends a new empty subtable for `mask`.  Returns its index or -ENOMEM. */
static int add_sub(struct dp_classifier *c, const struct dp_key *mask)
{
    if (c->n_subs == c->cap_subs) {
        uint32_t cap = c->cap_subs ? c->cap_subs * 2 : 8;
        struct dp_subtable **ns = os_realloc(c->subs, cap * sizeof *ns);
        if (!ns)
            return -ENOMEM;
        c->subs = ns;
        c->cap_subs = cap;
    }
    struct dp_subtable *s = os_malloc(sizeof *s);
    if (!s)
        return -ENOMEM;
    if (sub_init(s, mask) < 0) {
        os_free(s);
        return -ENOMEM;
    }
    c->subs[c->n_subs] = s;
    return (int)c->n_subs++;
}

/* Frees subs[i]; the order of the others is kept. */
static void drop_sub(struct dp_classifier *c, uint32_t i)
{
    struct dp_subtable *s = c->subs[i];
    memmove(&c->subs[i], &c->subs[i + 1], (c->n_subs - i - 1) * sizeof *c->subs);
    c->n_subs--;
    sub_fini(s);
    os_free(s);
    positions_update(c);
}

/* Counts f's prefixes in the tries its subtable `s` takes part in (a trie
 * over its memory budget degrades instead of failing).  Returns nothing. */
static void tries_add(struct dp_classifier *c, const struct dp_subtable *s,
                      const struct dp_flow *f)
{
    if (s->src_bit)
        dp_ptrie_add(&c->src_trie, f->match.key.nw_src, bit_len(s->src_bit));
    if (s->dst_bit)
        dp_ptrie_add(&c->dst_trie, f->match.key.nw_dst, bit_len(s->dst_bit));
}

/* Uncounts f's prefixes (tries_add).  Returns nothing. */
static void tries_remove(struct dp_classifier *c, const struct dp_subtable *s,
                         const struct dp_flow *f)
{
    if (s->src_bit)
        dp_ptrie_remove(&c->src_trie, f->match.key.nw_src, bit_len(s->src_bit));
    if (s->dst_bit)
        dp_ptrie_remove(&c->dst_trie, f->match.key.nw_dst, bit_len(s->dst_bit));
}

int dp_classifier_insert(struct dp_classifier *c, struct dp_flow *f)
{
    struct dp_subtable *s;
    int i = -1;
    if (dp_key_equal(&f->match.mask, &dp_cls_exact_mask)) {
        f->eff_priority = DP_CLS_EXACT_PRI + f->priority;
        s = &c->exact;
    } else {
        f->eff_priority = f->priority;
        i = find_sub_index(c, &f->match.mask);
        if (i < 0) {
            i = add_sub(c, &f->match.mask);
            if (i < 0)
                return i;
        }
        s = c->subs[i];
    }
    if (sub_reserve(s) < 0) {
        if (s->n_flows == 0 && i >= 0) /* a subtable we just made */
            drop_sub(c, (uint32_t)i);
        return -ENOMEM;
    }
    f->hash = dp_cls_sub_hash(s, &f->match.key);
    if (i < 0 && dp_classifier_lookup_exact(c, &f->match.key, f->hash))
        s->n_dup++; /* another entry (another priority) has this key */
    tries_add(c, s, f);
    sub_insert(s, f);
    c->n_flows++;
    if (i >= 0) {
        bubble_up(c, (uint32_t)i);
        positions_update(c);
    }
    return 0;
}

void dp_classifier_remove(struct dp_classifier *c, struct dp_flow *f)
{
    struct dp_subtable *s = f->sub;
    tries_remove(c, s, f);
    sub_remove(s, f);
    c->n_flows--;
    if (s == &c->exact) {
        if (s->n_dup && dp_classifier_lookup_exact(c, &f->match.key, f->hash))
            s->n_dup--; /* an entry with f's key remains */
        s->stale = false; /* the exact subtable's max is never used */
        return;
    }
    if (s->n_flows == 0) {
        drop_sub(c, (uint32_t)find_sub_index(c, &s->mask));
        return;
    }
    if (s->stale)
        c->stale = true;
}

void dp_classifier_commit(struct dp_classifier *c)
{
    if (!c->stale)
        return;
    for (uint32_t i = 0; i < c->n_subs; i++) {
        if (c->subs[i]->stale)
            sub_recompute_max(c->subs[i]);
        bubble_up(c, i); /* insertion sort: the prefix is sorted */
    }
    c->stale = false;
    positions_update(c);
}

struct dp_flow *dp_classifier_find_strict(const struct dp_classifier *c,
                                          const struct dp_match *m, uint16_t priority)
{
    const struct dp_subtable *s = find_sub(c, &m->mask);
    if (!s)
        return NULL;
    uint32_t h = dp_cls_sub_hash(s, &m->key);
    struct dp_flow *f;
    for (uint32_t i = h & s->smask; (f = s->slots[i].flow) != NULL; i = (i + 1) & s->smask)
        if (s->slots[i].hash == h && f->priority == priority &&
            dp_key_equal(&f->match.key, &m->key))
            return f;
    return NULL;
}

bool dp_classifier_overlaps(const struct dp_classifier *c, const struct dp_match *m,
                            uint16_t priority)
{
    if (c->exact.n_flows && sub_overlaps(&c->exact, m, priority))
        return true;
    for (uint32_t i = 0; i < c->n_subs; i++)
        if (sub_overlaps(c->subs[i], m, priority))
            return true;
    return false;
}

/* Probes subtable `s` for `key`; updates *best / *best_pri when it holds a
 * matching entry above *best_pri. */
static inline void sub_probe(const struct dp_subtable *s, const struct dp_key *key,
                             struct dp_flow **best, int64_t *best_pri)
{
    uint32_t h = dp_cls_sub_hash(s, key);
    struct dp_flow *f;
    for (uint32_t i = h & s->smask; (f = s->slots[i].flow) != NULL; i = (i + 1) & s->smask) {
        if (s->slots[i].hash == h && dp_match_hit(&f->match, key) &&
            (int64_t)f->eff_priority > *best_pri) {
            *best = f;
            *best_pri = f->eff_priority;
        }
    }
}

/* Returns the positions of the subtables that may match a packet whose
 * trie results are (src_ok, dst_ok); needs n_subs <= 64. */
static inline uint64_t candidates(const struct dp_classifier *c, uint64_t src_ok,
                                  uint64_t dst_ok)
{
    uint64_t src = c->pos_nosrc, dst = c->pos_nodst;
    for (; src_ok; src_ok &= src_ok - 1)
        src |= c->pos_src[__builtin_ctzll(src_ok)];
    for (; dst_ok; dst_ok &= dst_ok - 1)
        dst |= c->pos_dst[__builtin_ctzll(dst_ok)];
    return src & dst;
}

/* dp_classifier_lookup_wild given the key's trie results. */
static struct dp_flow *lookup_wild_tried(const struct dp_classifier *c,
                                         const struct dp_key *key, uint64_t src_ok,
                                         uint64_t dst_ok)
{
    struct dp_flow *best = NULL;
    int64_t best_pri = -1;
    if (c->n_subs <= 64) { /* visit only the candidates, in order */
        for (uint64_t cand = candidates(c, src_ok, dst_ok); cand; cand &= cand - 1) {
            const struct dp_subtable *s = c->subs[__builtin_ctzll(cand)];
            if ((int64_t)s->max_pri <= best_pri)
                break; /* sorted: nothing further can beat `best` */
            sub_probe(s, key, &best, &best_pri);
        }
        return best;
    }
    for (uint32_t n = 0; n < c->n_subs; n++) {
        const struct dp_subtable *s = c->subs[n];
        if ((int64_t)s->max_pri <= best_pri)
            break;
        if ((s->src_bit & ~src_ok) | (s->dst_bit & ~dst_ok))
            continue; /* no entry's prefix matches the packet's address */
        sub_probe(s, key, &best, &best_pri);
    }
    return best;
}

struct dp_flow *dp_classifier_lookup_wild(const struct dp_classifier *c,
                                          const struct dp_key *key)
{
    return lookup_wild_tried(c, key, dp_ptrie_lookup(&c->src_trie, key->nw_src),
                             dp_ptrie_lookup(&c->dst_trie, key->nw_dst));
}

void dp_classifier_lookup_wild_burst(const struct dp_classifier *c,
                                     const struct dp_key *const keys[], unsigned n,
                                     struct dp_flow *out[])
{
    for (unsigned i0 = 0; i0 < n; i0 += DP_PTRIE_BURST) {
        unsigned m = n - i0 < DP_PTRIE_BURST ? n - i0 : DP_PTRIE_BURST;
        uint32_t src[DP_PTRIE_BURST], dst[DP_PTRIE_BURST];
        uint64_t src_ok[DP_PTRIE_BURST], dst_ok[DP_PTRIE_BURST];
        for (unsigned i = 0; i < m; i++) {
            src[i] = keys[i0 + i]->nw_src;
            dst[i] = keys[i0 + i]->nw_dst;
        }
        dp_ptrie_lookup_burst(&c->src_trie, src, m, src_ok);
        dp_ptrie_lookup_burst(&c->dst_trie, dst, m, dst_ok);
        for (unsigned i = 0; i < m; i++)
            out[i0 + i] = lookup_wild_tried(c, keys[i0 + i], src_ok[i], dst_ok[i]);
    }
}

struct dp_flow *dp_classifier_lookup(const struct dp_classifier *c, const struct dp_key *key)
{
    struct dp_flow *f = dp_classifier_lookup_exact(c, key, dp_cls_hash_exact(key));
    return f ? f : dp_classifier_lookup_wild(c, key);
}
