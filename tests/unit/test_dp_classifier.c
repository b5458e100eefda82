/*
 * test_dp_classifier.c — the fast lookup (per-key cache + exact table +
 * tuple-space search) checked against a simple linear reference kept here,
 * on thousands of random rule sets with random masks (nw prefixes
 * included), random priorities and packets biased to hit rules; then after
 * random deletes and modifies; rule sets built to exercise the nw prefix
 * tries (many prefix lengths, non-CIDR masks, more than 64 masks); and the
 * cache's invalidation on every change.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "datapath/dp_classifier.h"
#include "datapath/dp_table.h"

/* ---- deterministic randomness ---- */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n) /* 0..n-1 */
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)((rng_state >> 16) % n);
}

/* ---- random keys from small domains, so rules overlap and packets hit ---- */

static void rand_key(struct dp_key *k)
{
    static const uint16_t vlans[3] = {DP_VLAN_NONE, 10, 20};
    static const uint16_t types[2] = {0x0800, 0x0806};
    static const uint16_t tps[3] = {22, 80, 443};
    memset(k, 0, sizeof *k);
    k->in_port = (uint16_t)(1 + rnd(4));
    k->dl_vlan = vlans[rnd(3)];
    k->dl_vlan_pcp = (uint8_t)rnd(2);
    k->dl_src[5] = (uint8_t)rnd(4);
    k->dl_dst[5] = (uint8_t)rnd(4);
    k->dl_type = types[rnd(2)];
    k->nw_src = 0x0a000000u | rnd(4) << 16 | rnd(4) << 8 | rnd(256);
    k->nw_dst = 0x0a000000u | rnd(4) << 16 | rnd(4) << 8 | rnd(256);
    k->nw_proto = rnd(2) ? 6 : 17;
    k->nw_tos = (uint8_t)(rnd(2) * 4);
    k->tp_src = tps[rnd(3)];
    k->tp_dst = tps[rnd(3)];
}

static uint32_t prefix(unsigned plen)
{
    return plen ? ~0u << (32 - plen) : 0;
}

/* A random mask: each field compared or not; nw_src/nw_dst get a random
 * prefix length; sometimes the full exact mask. */
static void rand_mask(struct dp_key *m)
{
    if (rnd(8) == 0) {
        *m = dp_cls_exact_mask;
        return;
    }
    memset(m, 0, sizeof *m);
    if (rnd(3) == 0) m->in_port = 0xffff;
    if (rnd(4) == 0) m->dl_vlan = 0xffff;
    if (rnd(6) == 0) m->dl_vlan_pcp = 0xff;
    if (rnd(5) == 0) memset(m->dl_src, 0xff, 6);
    if (rnd(5) == 0) memset(m->dl_dst, 0xff, 6);
    if (rnd(2) == 0) m->dl_type = 0xffff;
    if (rnd(2) == 0) m->nw_src = prefix(rnd(33));
    if (rnd(2) == 0) m->nw_dst = prefix(rnd(33));
    if (rnd(3) == 0) m->nw_proto = 0xff;
    if (rnd(6) == 0) m->nw_tos = 0xff;
    if (rnd(4) == 0) m->tp_src = 0xffff;
    if (rnd(3) == 0) m->tp_dst = 0xffff;
}

static void apply_mask(struct dp_match *m, const struct dp_key *key, const struct dp_key *mask)
{
    m->mask = *mask;
    for (int i = 0; i < DP_KEY_WORDS; i++)
        m->key.w[i] = key->w[i] & mask->w[i];
}

/* ---- the linear reference ---- */

#define MAX_RULES 1200

struct ref_rule {
    struct dp_match m;
    uint16_t prio;
    uint64_t id; /* also the flow's cookie */
};

struct ref {
    struct ref_rule r[MAX_RULES];
    int n;
    uint64_t next_id;
};

static bool ref_is_exact(const struct ref_rule *r)
{
    return dp_key_equal(&r->m.mask, &dp_cls_exact_mask);
}

/* Returns the winning rule for `k` (exact rules first, then the highest
 * priority), or NULL. */
static const struct ref_rule *ref_lookup(const struct ref *ref, const struct dp_key *k)
{
    const struct ref_rule *best = NULL;
    for (int i = 0; i < ref->n; i++) {
        const struct ref_rule *r = &ref->r[i];
        if (!dp_match_hit(&r->m, k))
            continue;
        if (!best || (ref_is_exact(r) && !ref_is_exact(best)) ||
            (ref_is_exact(r) == ref_is_exact(best) && r->prio > best->prio))
            best = r;
    }
    return best;
}

static bool ref_covers(const struct dp_match *f, const struct dp_match *e)
{
    for (int i = 0; i < DP_KEY_WORDS; i++)
        if ((f->mask.w[i] & ~e->mask.w[i]) || ((e->key.w[i] & f->mask.w[i]) != f->key.w[i]))
            return false;
    return true;
}

static void ref_remove_at(struct ref *ref, int i)
{
    ref->r[i] = ref->r[--ref->n];
}

static int ref_find_strict(const struct ref *ref, const struct dp_match *m, uint16_t prio)
{
    for (int i = 0; i < ref->n; i++)
        if (ref->r[i].prio == prio && dp_key_equal(&ref->r[i].m.mask, &m->mask) &&
            dp_key_equal(&ref->r[i].m.key, &m->key))
            return i;
    return -1;
}

/* ---- driving both ---- */

static struct dp_action out1 = {.type = DP_ACT_OUTPUT, .u.output = {.port = 1}};

static void apply_both(struct dp_table *t, struct ref *ref, enum dp_flow_cmd cmd,
                       const struct dp_match *m, uint16_t prio)
{
    struct dp_flow_mod fm;
    memset(&fm, 0, sizeof fm);
    fm.command = cmd;
    fm.match = *m;
    fm.priority = prio;
    fm.out_port = DP_PORT_NONE;
    fm.actions = &out1;
    fm.n_actions = 1;
    fm.cookie = ref->next_id;
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), 0);

    int i = ref_find_strict(ref, m, prio);
    switch (cmd) {
    case DP_FC_ADD:
        if (i < 0)
            i = ref->n++;
        ref->r[i] = (struct ref_rule){*m, prio, ref->next_id++};
        break;
    case DP_FC_DELETE_STRICT:
        if (i >= 0)
            ref_remove_at(ref, i);
        break;
    case DP_FC_DELETE:
        for (int j = ref->n - 1; j >= 0; j--)
            if (ref_covers(m, &ref->r[j].m))
                ref_remove_at(ref, j);
        break;
    default: /* modifies: only add when nothing is selected */
        if (cmd == DP_FC_MODIFY_STRICT ? i < 0 : true) {
            bool any = false;
            for (int j = 0; j < ref->n && cmd == DP_FC_MODIFY; j++)
                any |= ref_covers(m, &ref->r[j].m);
            if (!any)
                ref->r[ref->n++] = (struct ref_rule){*m, prio, ref->next_id++};
        }
        break;
    }
}

/* A random rule built from one of `masks`. */
static void rand_rule(const struct dp_key *masks, int n_masks, struct dp_match *m, uint16_t *prio)
{
    struct dp_key k;
    rand_key(&k);
    apply_mask(m, &k, &masks[rnd((uint32_t)n_masks)]);
    *prio = rnd(4) ? (uint16_t)rnd(16) : (uint16_t)rnd(65536);
}

/* A packet: mostly a rule's key with its wildcarded bits randomised. */
static void rand_packet(const struct ref *ref, struct dp_key *k)
{
    rand_key(k);
    if (ref->n == 0 || rnd(4) == 0)
        return;
    const struct dp_match *m = &ref->r[rnd((uint32_t)ref->n)].m;
    for (int i = 0; i < DP_KEY_WORDS; i++)
        k->w[i] = m->key.w[i] | (k->w[i] & ~m->mask.w[i]);
}

/* Checks `n_packets` random packets; returns how many hit a rule. */
static int check_lookups(struct dp_table *t, const struct ref *ref, int n_packets)
{
    int hits = 0;
    for (int p = 0; p < n_packets; p++) {
        struct dp_key k;
        rand_packet(ref, &k);
        for (int rep = 0; rep < 2; rep++) { /* second time through the cache */
            const struct ref_rule *want = ref_lookup(ref, &k);
            struct dp_flow *got = dp_table_lookup(t, &k);
            if (!want) {
                assert_null(got);
                continue;
            }
            assert_non_null(got);
            assert_true(dp_match_hit(&got->match, &k));
            assert_int_equal(got->priority, want->prio);
            assert_int_equal(dp_match_is_exact(&got->match), ref_is_exact(want));
            hits += rep == 0;
        }
    }
    return hits;
}

static struct ref the_ref;

static void gen_masks(struct dp_key *masks, int n)
{
    for (int i = 0; i < n; i++)
        rand_mask(&masks[i]);
}

/* ---- tests ---- */

static void test_random_rule_sets_agree_with_reference(void **state)
{
    rng_state = 0x1234567887654321ull;
    long hits = 0, total = 0;
    for (int set = 0; set < 2000; set++) {
        struct dp_table *t = dp_table_create(MAX_RULES);
        struct ref *ref = &the_ref;
        struct dp_key masks[24];
        int n_masks = 1 + (int)rnd(24);
        gen_masks(masks, n_masks);
        ref->n = 0;
        int n_rules = 1 + (int)rnd(40);
        for (int i = 0; i < n_rules; i++) {
            struct dp_match m;
            uint16_t prio;
            rand_rule(masks, n_masks, &m, &prio);
            apply_both(t, ref, DP_FC_ADD, &m, prio);
        }
        struct dp_table_stats st;
        dp_table_get_stats(t, &st);
        assert_int_equal(st.active, ref->n);
        hits += check_lookups(t, ref, 40);
        total += 40;
        dp_table_destroy(t);
    }
    assert_true(hits > total / 2); /* the packets really exercise the rules */
    (void)state;
}

static void test_random_changes_agree_with_reference(void **state)
{
    rng_state = 0x0badc0ffee0ddf00ull;
    for (int set = 0; set < 300; set++) {
        struct dp_table *t = dp_table_create(MAX_RULES);
        struct ref *ref = &the_ref;
        struct dp_key masks[16];
        int n_masks = 1 + (int)rnd(16);
        gen_masks(masks, n_masks);
        ref->n = 0;
        for (int step = 0; step < 60; step++) {
            struct dp_match m;
            uint16_t prio;
            uint32_t op = rnd(10);
            if (op < 5 || ref->n == 0) {
                rand_rule(masks, n_masks, &m, &prio);
                apply_both(t, ref, DP_FC_ADD, &m, prio);
            } else if (op < 7) { /* delete an existing rule exactly */
                const struct ref_rule *r = &ref->r[rnd((uint32_t)ref->n)];
                m = r->m;
                apply_both(t, ref, DP_FC_DELETE_STRICT, &m, r->prio);
            } else if (op == 7) { /* non-strict delete with a random filter */
                struct dp_key fmask;
                rand_mask(&fmask);
                struct dp_key k;
                rand_packet(ref, &k);
                apply_mask(&m, &k, &fmask);
                apply_both(t, ref, DP_FC_DELETE, &m, 0);
            } else { /* modifies (may add) */
                rand_rule(masks, n_masks, &m, &prio);
                apply_both(t, ref, op == 8 ? DP_FC_MODIFY_STRICT : DP_FC_MODIFY, &m, prio);
            }
            struct dp_table_stats st;
            dp_table_get_stats(t, &st);
            assert_int_equal(st.active, ref->n);
            check_lookups(t, ref, 10);
        }
        dp_table_destroy(t);
    }
    (void)state;
}

static void test_random_nonstrict_selection_agrees(void **state)
{
    rng_state = 0x5eed5eed5eed5eedull;
    for (int set = 0; set < 300; set++) {
        struct dp_table *t = dp_table_create(MAX_RULES);
        struct ref *ref = &the_ref;
        struct dp_key masks[12];
        int n_masks = 1 + (int)rnd(12);
        gen_masks(masks, n_masks);
        ref->n = 0;
        for (int i = 0; i < 50; i++) {
            struct dp_match m;
            uint16_t prio;
            rand_rule(masks, n_masks, &m, &prio);
            apply_both(t, ref, DP_FC_ADD, &m, prio);
        }
        for (int q = 0; q < 20; q++) {
            struct dp_match f;
            struct dp_key k;
            /* filters from the rules' own masks select something often */
            rand_packet(ref, &k);
            apply_mask(&f, &k, &masks[rnd((uint32_t)n_masks)]);
            if (rnd(2))
                f.mask.nw_dst &= prefix(rnd(33)), f.key.nw_dst &= f.mask.nw_dst;
            unsigned want = 0;
            for (int i = 0; i < ref->n; i++)
                want += ref_covers(&f, &ref->r[i].m);
            assert_int_equal(dp_table_visit(t, &f, DP_PORT_NONE, false, NULL, NULL), want);
        }
        dp_table_destroy(t);
    }
    (void)state;
}

static void test_large_table_many_masks_agrees(void **state)
{
    rng_state = 0xfeedfacecafebeefull;
    struct dp_table *t = dp_table_create(MAX_RULES);
    struct ref *ref = &the_ref;
    struct dp_key masks[30];
    gen_masks(masks, 30);
    ref->n = 0;
    for (int i = 0; i < 1000; i++) {
        struct dp_match m;
        uint16_t prio;
        rand_rule(masks, 30, &m, &prio);
        apply_both(t, ref, DP_FC_ADD, &m, prio);
    }
    check_lookups(t, ref, 5000);
    for (int i = 0; i < 600; i++) { /* shrink it back down */
        const struct ref_rule *r = &ref->r[rnd((uint32_t)ref->n)];
        struct dp_match m = r->m;
        apply_both(t, ref, DP_FC_DELETE_STRICT, &m, r->prio);
    }
    check_lookups(t, ref, 5000);
    dp_table_destroy(t);
    (void)state;
}

/* Adds, deletes and modifies random rules built from `masks`, checking
 * every step against the reference. */
static void changes_against_reference(const struct dp_key *masks, int n_masks, int steps,
                                      int packets_per_step, uint32_t adds_in_10)
{
    struct dp_table *t = dp_table_create(MAX_RULES);
    struct ref *ref = &the_ref;
    ref->n = 0;
    for (int step = 0; step < steps; step++) {
        struct dp_match m;
        uint16_t prio;
        uint32_t op = rnd(10);
        if (op < adds_in_10 || ref->n == 0) {
            rand_rule(masks, n_masks, &m, &prio);
            if (ref->n < MAX_RULES - 1)
                apply_both(t, ref, DP_FC_ADD, &m, prio);
        } else if (op < 9 || adds_in_10 > 8) {
            const struct ref_rule *r = &ref->r[rnd((uint32_t)ref->n)];
            m = r->m;
            apply_both(t, ref, DP_FC_DELETE_STRICT, &m, r->prio);
        } else {
            struct dp_key k;
            rand_packet(ref, &k);
            apply_mask(&m, &k, &masks[rnd((uint32_t)n_masks)]);
            apply_both(t, ref, DP_FC_DELETE, &m, 0);
        }
        check_lookups(t, ref, packets_per_step);
    }
    dp_table_destroy(t);
}

/* Masks that differ mostly in their nw_src / nw_dst prefix lengths: the
 * prefix tries decide which subtables a lookup skips. */
static void test_prefix_tracking_agrees_with_reference(void **state)
{
    rng_state = 0x7072656669787472ull;
    for (int set = 0; set < 100; set++) {
        struct dp_key masks[40];
        int n_masks = 1 + (int)rnd(40);
        for (int i = 0; i < n_masks; i++) {
            memset(&masks[i], 0, sizeof masks[i]);
            masks[i].dl_type = 0xffff;
            if (rnd(4))
                masks[i].nw_src = prefix(rnd(33));
            if (rnd(3) == 0)
                masks[i].nw_dst = prefix(rnd(33));
            if (rnd(3) == 0)
                masks[i].tp_dst = 0xffff;
        }
        changes_against_reference(masks, n_masks, 80, 10, 6);
    }
    (void)state;
}

/* nw_src / nw_dst masks that are not CIDR prefixes (the datapath accepts
 * any mask) must still be probed, never skipped. */
static void test_non_prefix_nw_masks_agree_with_reference(void **state)
{
    rng_state = 0x6e6f6e6369647221ull;
    for (int set = 0; set < 100; set++) {
        struct dp_key masks[16];
        int n_masks = 1 + (int)rnd(16);
        for (int i = 0; i < n_masks; i++) {
            rand_mask(&masks[i]);
            if (rnd(2))
                masks[i].nw_src = rnd(2) ? (uint32_t)rnd(1u << 30) << 2 | 1 : prefix(rnd(33));
            if (rnd(2))
                masks[i].nw_dst = rnd(2) ? 0x00ff00ffu : prefix(rnd(33));
        }
        changes_against_reference(masks, n_masks, 60, 10, 6);
    }
    (void)state;
}

/* More than 64 subtables: the lookup falls back from position bit sets to
 * the plain walk with per-subtable skips. */
static void test_more_than_64_masks_agree_with_reference(void **state)
{
    rng_state = 0x3634206d61736b73ull;
    struct dp_key masks[96];
    for (int i = 0; i < 96; i++) {
        memset(&masks[i], 0, sizeof masks[i]);
        masks[i].nw_src = prefix(1 + (unsigned)i % 32);
        masks[i].nw_dst = prefix((unsigned)i / 32 * 8);
        masks[i].dl_type = 0xffff;
    }
    for (int set = 0; set < 2; set++) /* 9 adds in 10: most masks get rules */
        changes_against_reference(masks, 96, 600, 20, 9);
    (void)state;
}

/* A classifier whose prefix tries are over budget from the start
 * (degraded: no skipping) still finds the same winners, directly through
 * the dp_classifier API; removing every rule brings the tries back. */
static void test_degraded_tries_agree_with_brute_force(void **state)
{
    enum { N = 300 };
    static struct dp_flow flows[N];
    struct dp_classifier c;
    rng_state = 0x6465677261646564ull;
    assert_int_equal(dp_classifier_init(&c), 0);
    c.src_trie.max_nodes_base = c.dst_trie.max_nodes_base = 8;
    c.src_trie.max_nodes_per_prefix = c.dst_trie.max_nodes_per_prefix = 0;
    int n = 0;
    for (int i = 0; i < N; i++) {
        struct dp_key mask, k;
        memset(&mask, 0, sizeof mask);
        mask.nw_src = prefix(1 + rnd(32));
        mask.nw_dst = rnd(2) ? prefix(1 + rnd(32)) : 0;
        rand_key(&k);
        memset(&flows[n], 0, sizeof flows[n]);
        apply_mask(&flows[n].match, &k, &mask);
        flows[n].priority = (uint16_t)rnd(64);
        if (dp_classifier_find_strict(&c, &flows[n].match, flows[n].priority))
            continue;
        assert_int_equal(dp_classifier_insert(&c, &flows[n]), 0);
        n++;
    }
    assert_true(c.src_trie.degraded);
    for (int p = 0; p < 2000; p++) {
        struct dp_key k;
        rand_key(&k);
        if (rnd(2)) /* near a rule */
            k.nw_src = flows[rnd((uint32_t)n)].match.key.nw_src | rnd(4);
        int best = -1;
        for (int i = 0; i < n; i++)
            if (dp_match_hit(&flows[i].match, &k) && (int)flows[i].priority > best)
                best = flows[i].priority;
        struct dp_flow *got = dp_classifier_lookup(&c, &k);
        assert_int_equal(got ? (int)got->priority : -1, best);
    }
    for (int i = 0; i < n; i++)
        dp_classifier_remove(&c, &flows[i]);
    assert_false(c.src_trie.degraded);
    assert_int_equal(c.src_trie.n_prefixes, 0);
    dp_classifier_fini(&c);
    (void)state;
}

static void test_many_exact_flows_grow_and_shrink(void **state)
{
    enum { N = 20000 };
    struct dp_table *t = dp_table_create(N);
    struct dp_action a = out1;
    struct dp_flow_mod fm;
    memset(&fm, 0, sizeof fm);
    fm.actions = &a;
    fm.n_actions = 1;
    fm.out_port = DP_PORT_NONE;
    fm.match.mask = dp_cls_exact_mask;
    fm.match.key.dl_type = 0x0800;
    for (uint32_t i = 0; i < N; i++) {
        fm.command = DP_FC_ADD;
        fm.match.key.nw_dst = i;
        fm.cookie = i;
        assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), 0);
    }
    fm.match.key.nw_dst = N;
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), -ENOSPC);
    for (uint32_t i = 0; i < N; i++) {
        fm.match.key.nw_dst = i;
        struct dp_flow *f = dp_table_lookup(t, &fm.match.key);
        assert_non_null(f);
        assert_int_equal(f->cookie, i);
    }
    fm.command = DP_FC_DELETE_STRICT;
    for (uint32_t i = 0; i < N; i += 2) {
        fm.match.key.nw_dst = i;
        assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), 0);
    }
    for (uint32_t i = 0; i < N; i++) {
        fm.match.key.nw_dst = i;
        struct dp_flow *f = dp_table_lookup(t, &fm.match.key);
        if (i % 2)
            assert_true(f && f->cookie == i);
        else
            assert_null(f);
    }
    struct dp_table_stats st;
    dp_table_get_stats(t, &st);
    assert_int_equal(st.active, N / 2);
    assert_int_equal(st.n_masks, 1);
    dp_table_destroy(t);
    (void)state;
}

/* Exact entries that share a key (different priorities): the highest one
 * wins through every lookup path, n_dup counts the extra entries, and
 * removals in any order bring back the next one and finally n_dup 0. */
static void test_exact_duplicate_keys_highest_priority_wins(void **state)
{
    enum { KEYS = 500, PRIOS = 3 };
    static const uint16_t prio[PRIOS] = {5, 9, 7};
    static struct dp_flow flows[KEYS][PRIOS];
    struct dp_classifier c;
    rng_state = 0x6475706b65797321ull;
    assert_int_equal(dp_classifier_init(&c), 0);
    for (int p = 0; p < PRIOS; p++) {
        for (int i = 0; i < KEYS; i++) {
            struct dp_flow *f = &flows[i][p];
            memset(f, 0, sizeof *f);
            f->match.mask = dp_cls_exact_mask;
            f->match.key.dl_type = 0x0800;
            f->match.key.nw_src = (uint32_t)i;
            f->priority = prio[p];
            assert_int_equal(dp_classifier_insert(&c, f), 0);
        }
        assert_int_equal(c.exact.n_dup, (uint32_t)(KEYS * p));
    }
    for (int i = 0; i < KEYS; i++) {
        const struct dp_key *k = &flows[i][0].match.key;
        uint32_t h = dp_cls_hash_exact(k);
        assert_ptr_equal(dp_classifier_lookup(&c, k), &flows[i][1]);
        assert_ptr_equal(dp_classifier_lookup_exact_at(&c, k, h, dp_classifier_exact_slot(&c, h)),
                         &flows[i][1]);
    }
    for (int i = 0; i < KEYS; i++) { /* remove in a key-dependent order */
        int order[PRIOS] = {0, 1, 2};
        for (int j = PRIOS - 1; j > 0; j--) {
            int r = (int)rnd((uint32_t)j + 1), tmp = order[j];
            order[j] = order[r];
            order[r] = tmp;
        }
        for (int j = 0; j < PRIOS; j++) {
            dp_classifier_remove(&c, &flows[i][order[j]]);
            const struct dp_flow *want = NULL;
            for (int q = j + 1; q < PRIOS; q++)
                if (!want || flows[i][order[q]].priority > want->priority)
                    want = &flows[i][order[q]];
            assert_ptr_equal(dp_classifier_lookup(&c, &flows[i][0].match.key), want);
        }
    }
    assert_int_equal(c.exact.n_flows, 0);
    assert_int_equal(c.exact.n_dup, 0);
    dp_classifier_fini(&c);
    (void)state;
}

/* dp_classifier_exact_slot: DP_CLS_NO_SLOT for an empty table and for a
 * hash no entry has; else a slot holding that hash. */
static void test_exact_slot_finds_hash_or_none(void **state)
{
    static struct dp_flow flows[64];
    struct dp_classifier c;
    assert_int_equal(dp_classifier_init(&c), 0);
    struct dp_key k;
    memset(&k, 0, sizeof k);
    assert_int_equal(dp_classifier_exact_slot(&c, dp_cls_hash_exact(&k)), DP_CLS_NO_SLOT);
    for (int i = 0; i < 64; i++) {
        memset(&flows[i], 0, sizeof flows[i]);
        flows[i].match.mask = dp_cls_exact_mask;
        flows[i].match.key.tp_dst = (uint16_t)i;
        assert_int_equal(dp_classifier_insert(&c, &flows[i]), 0);
    }
    for (int i = 0; i < 64; i++) {
        uint32_t h = dp_cls_hash_exact(&flows[i].match.key);
        uint32_t s = dp_classifier_exact_slot(&c, h);
        assert_int_not_equal(s, DP_CLS_NO_SLOT);
        assert_int_equal(c.exact.slots[s].hash, h);
        assert_ptr_equal(dp_classifier_lookup_exact_at(&c, &flows[i].match.key, h, s), &flows[i]);
    }
    k.tp_dst = 1000; /* not in the table */
    uint32_t h = dp_cls_hash_exact(&k);
    assert_null(dp_classifier_lookup_exact_at(&c, &k, h, dp_classifier_exact_slot(&c, h)));
    for (int i = 0; i < 64; i++)
        dp_classifier_remove(&c, &flows[i]);
    dp_classifier_fini(&c);
    (void)state;
}

static void test_burst_lookup_agrees_with_single(void **state)
{
    rng_state = 0xabcdef0123456789ull;
    for (int set = 0; set < 200; set++) {
        struct dp_table *t = dp_table_create(MAX_RULES);
        struct ref *ref = &the_ref;
        struct dp_key masks[8];
        gen_masks(masks, 8);
        ref->n = 0;
        for (int i = 0; i < 30; i++) {
            struct dp_match m;
            uint16_t prio;
            rand_rule(masks, 8, &m, &prio);
            apply_both(t, ref, DP_FC_ADD, &m, prio);
        }
        struct dp_key keys[40];
        const struct dp_key *kp[40];
        struct dp_flow *got[40];
        unsigned n = 1 + rnd(40); /* over DP_TABLE_BURST sometimes */
        for (unsigned i = 0; i < n; i++) {
            rand_packet(ref, &keys[i]);
            kp[i] = &keys[i];
        }
        dp_table_lookup_burst(t, kp, n, got);
        struct dp_table_stats st;
        dp_table_get_stats(t, &st);
        assert_int_equal(st.lookups, n);
        for (unsigned i = 0; i < n; i++) {
            const struct ref_rule *want = ref_lookup(ref, &keys[i]);
            if (!want) {
                assert_null(got[i]);
                continue;
            }
            assert_non_null(got[i]);
            assert_int_equal(got[i]->priority, want->prio);
            assert_true(dp_match_hit(&got[i]->match, &keys[i]));
            assert_ptr_equal(got[i], dp_table_lookup(t, &keys[i]));
        }
        dp_table_destroy(t);
    }
    (void)state;
}

/* ---- the cache sees every change ---- */

static struct dp_match match_dst8(uint32_t net)
{
    struct dp_match m;
    memset(&m, 0, sizeof m);
    m.mask.dl_type = 0xffff;
    m.key.dl_type = 0x0800;
    m.mask.nw_dst = 0xff000000;
    m.key.nw_dst = net;
    return m;
}

static struct dp_key pkt_to(uint32_t dst)
{
    struct dp_key k;
    memset(&k, 0, sizeof k);
    k.dl_type = 0x0800;
    k.dl_vlan = DP_VLAN_NONE;
    k.nw_dst = dst;
    return k;
}

static int add_flow(struct dp_table *t, struct dp_match m, uint16_t prio, uint16_t port,
                    uint16_t flags, uint16_t hard)
{
    struct dp_action a = {.type = DP_ACT_OUTPUT, .u.output = {.port = port}};
    struct dp_flow_mod fm;
    memset(&fm, 0, sizeof fm);
    fm.command = DP_FC_ADD;
    fm.match = m;
    fm.priority = prio;
    fm.flags = flags;
    fm.hard_timeout = hard;
    fm.out_port = DP_PORT_NONE;
    fm.actions = &a;
    fm.n_actions = 1;
    return dp_table_apply(t, &fm, 0, NULL, NULL);
}

static uint16_t port_of(struct dp_table *t, const struct dp_key *k)
{
    struct dp_flow *f = dp_table_lookup(t, k);
    return f ? f->actions[0].u.output.port : 0;
}

static void test_cache_invalidated_by_add_of_better_rule(void **state)
{
    struct dp_table *t = dp_table_create(10);
    struct dp_key k = pkt_to(0x0a000001);
    assert_int_equal(port_of(t, &k), 0);
    assert_int_equal(add_flow(t, match_dst8(0x0a000000), 1, 1, 0, 0), 0);
    assert_int_equal(port_of(t, &k), 1); /* a cached miss is not reused */
    assert_int_equal(port_of(t, &k), 1);
    struct dp_match any;
    memset(&any, 0, sizeof any);
    assert_int_equal(add_flow(t, any, 5, 2, 0, 0), 0);
    assert_int_equal(port_of(t, &k), 2);
    struct dp_table_stats st;
    dp_table_get_stats(t, &st);
    assert_int_equal(st.cache_hits, 1);
    dp_table_destroy(t);
    (void)state;
}

static void test_cache_invalidated_by_delete(void **state)
{
    struct dp_table *t = dp_table_create(10);
    struct dp_key k = pkt_to(0x0a000001);
    assert_int_equal(add_flow(t, match_dst8(0x0a000000), 1, 1, 0, 0), 0);
    assert_int_equal(port_of(t, &k), 1);
    struct dp_flow_mod fm;
    memset(&fm, 0, sizeof fm);
    fm.command = DP_FC_DELETE;
    fm.out_port = DP_PORT_NONE;
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), 0);
    assert_int_equal(port_of(t, &k), 0);
    dp_table_destroy(t);
    (void)state;
}

static void test_cache_invalidated_by_expiry(void **state)
{
    struct dp_table *t = dp_table_create(10);
    struct dp_key k = pkt_to(0x0a000001);
    assert_int_equal(add_flow(t, match_dst8(0x0a000000), 1, 1, 0, 5), 0);
    assert_int_equal(port_of(t, &k), 1);
    assert_int_equal(dp_table_expire(t, 5000000000ull, NULL, NULL), 1);
    assert_int_equal(port_of(t, &k), 0);
    dp_table_destroy(t);
    (void)state;
}

static void test_cache_invalidated_by_emergency_switch(void **state)
{
    struct dp_table *t = dp_table_create(10);
    struct dp_key k = pkt_to(0x0a000001);
    assert_int_equal(add_flow(t, match_dst8(0x0a000000), 1, 1, 0, 0), 0);
    assert_int_equal(add_flow(t, match_dst8(0x0a000000), 1, 2, DP_FF_EMERG, 0), 0);
    assert_int_equal(port_of(t, &k), 1);
    dp_table_set_emergency(t, true);
    assert_int_equal(port_of(t, &k), 2);
    dp_table_set_emergency(t, false);
    assert_int_equal(port_of(t, &k), 1);
    dp_table_destroy(t);
    (void)state;
}

static void test_cache_holds_many_keys_bounded(void **state)
{
    rng_state = 42;
    struct dp_table *t = dp_table_create(10);
    struct dp_match any;
    memset(&any, 0, sizeof any);
    assert_int_equal(add_flow(t, match_dst8(0x0a000000), 2, 1, 0, 0), 0);
    assert_int_equal(add_flow(t, any, 1, 2, 0, 0), 0);
    for (uint32_t i = 0; i < 100000; i++) { /* far more keys than cache slots */
        struct dp_key k = pkt_to(rnd(2) ? 0x0a000000 | rnd(1u << 24) : rnd(1u << 31));
        uint16_t want = (k.nw_dst >> 24) == 0x0a ? 1 : 2;
        assert_int_equal(port_of(t, &k), want);
    }
    dp_table_destroy(t);
    (void)state;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_rule_sets_agree_with_reference),
        cmocka_unit_test(test_random_changes_agree_with_reference),
        cmocka_unit_test(test_random_nonstrict_selection_agrees),
        cmocka_unit_test(test_large_table_many_masks_agrees),
        cmocka_unit_test(test_prefix_tracking_agrees_with_reference),
        cmocka_unit_test(test_non_prefix_nw_masks_agree_with_reference),
        cmocka_unit_test(test_more_than_64_masks_agree_with_reference),
        cmocka_unit_test(test_degraded_tries_agree_with_brute_force),
        cmocka_unit_test(test_many_exact_flows_grow_and_shrink),
        cmocka_unit_test(test_exact_duplicate_keys_highest_priority_wins),
        cmocka_unit_test(test_exact_slot_finds_hash_or_none),
        cmocka_unit_test(test_burst_lookup_agrees_with_single),
        cmocka_unit_test(test_cache_invalidated_by_add_of_better_rule),
        cmocka_unit_test(test_cache_invalidated_by_delete),
        cmocka_unit_test(test_cache_invalidated_by_expiry),
        cmocka_unit_test(test_cache_invalidated_by_emergency_switch),
        cmocka_unit_test(test_cache_holds_many_keys_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
