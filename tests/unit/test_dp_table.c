/*
 * test_dp_table.c — OpenFlow 1.0 flow table semantics: priorities, exact
 * matches, add/modify/delete (strict and not), overlap, out_port, timeouts,
 * the emergency table, visits and counters.  Time is driven by hand.
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

#define SEC 1000000000ull

/* ---- builders ---- */

static struct dp_key key_ip(uint16_t in_port, uint32_t src, uint32_t dst, uint16_t tp_dst)
{
    struct dp_key k;
    memset(&k, 0, sizeof k);
    k.in_port = in_port;
    k.dl_vlan = DP_VLAN_NONE;
    k.dl_type = 0x0800;
    k.nw_src = src;
    k.nw_dst = dst;
    k.nw_proto = 6;
    k.tp_src = 1234;
    k.tp_dst = tp_dst;
    k.dl_src[5] = 1;
    k.dl_dst[5] = 2;
    return k;
}

static struct dp_match match_any(void)
{
    struct dp_match m;
    memset(&m, 0, sizeof m);
    return m;
}

static struct dp_match match_exact(const struct dp_key *k)
{
    struct dp_match m;
    m.key = *k;
    m.mask = dp_cls_exact_mask;
    return m;
}

/* in_port=port */
static struct dp_match match_in_port(uint16_t port)
{
    struct dp_match m = match_any();
    m.mask.in_port = 0xffff;
    m.key.in_port = port;
    return m;
}

/* dl_type=0x0800, nw_dst=dst/plen */
static struct dp_match match_dst(uint32_t dst, int plen)
{
    struct dp_match m = match_any();
    uint32_t pm = plen ? ~0u << (32 - plen) : 0;
    m.mask.dl_type = 0xffff;
    m.key.dl_type = 0x0800;
    m.mask.nw_dst = pm;
    m.key.nw_dst = dst & pm;
    return m;
}

static struct dp_action act_out[4] = {
    {.type = DP_ACT_OUTPUT, .u.output = {.port = 1}},
    {.type = DP_ACT_OUTPUT, .u.output = {.port = 2}},
    {.type = DP_ACT_OUTPUT, .u.output = {.port = 3}},
    {.type = DP_ACT_ENQUEUE, .u.enqueue = {.port = 4, .queue_id = 7}},
};

static struct dp_flow_mod fm_make(enum dp_flow_cmd cmd, struct dp_match m, uint16_t prio,
                                  int out)
{
    struct dp_flow_mod fm;
    memset(&fm, 0, sizeof fm);
    fm.command = cmd;
    fm.match = m;
    fm.priority = prio;
    fm.out_port = DP_PORT_NONE;
    if (out >= 1 && out <= 4) {
        fm.actions = &act_out[out - 1];
        fm.n_actions = 1;
    }
    return fm;
}

static int add(struct dp_table *t, struct dp_match m, uint16_t prio, int out)
{
    struct dp_flow_mod fm = fm_make(DP_FC_ADD, m, prio, out);
    return dp_table_apply(t, &fm, 0, NULL, NULL);
}

/* Returns the output port of the flow `k` hits, 0 for no flow, -1 for a
 * flow without actions. */
static int out_of(struct dp_table *t, const struct dp_key *k)
{
    struct dp_flow *f = dp_table_lookup(t, k);
    if (!f)
        return 0;
    if (!f->n_actions)
        return -1;
    return f->actions[0].type == DP_ACT_ENQUEUE ? f->actions[0].u.enqueue.port
                                                 : f->actions[0].u.output.port;
}

/* Records removal callbacks. */
struct removed {
    int n;
    int reasons[8];
    uint16_t prio[8];
};

static void on_removed(const struct dp_flow *f, enum dp_removed_reason why, uint64_t now,
                       void *arg)
{
    struct removed *r = arg;
    if (r->n < 8) {
        r->reasons[r->n] = why;
        r->prio[r->n] = f->priority;
    }
    r->n++;
}

static int setup(void **state)
{
    *state = dp_table_create(100);
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    dp_table_destroy(*state);
    return 0;
}

/* ---- priorities and exact matches ---- */

static void test_empty_table(void **state)
{
    struct dp_table *t = *state;
    struct dp_key k = key_ip(1, 1, 2, 80);
    struct dp_table_stats st;
    assert_null(dp_table_lookup(t, &k));
    assert_int_equal(dp_table_next_expiry(t), UINT64_MAX);
    dp_table_get_stats(t, &st);
    assert_int_equal(st.active, 0);
    assert_int_equal(st.max, 100);
    assert_int_equal(st.lookups, 1);
    assert_int_equal(st.matched, 0);
}

static void test_highest_priority_wins(void **state)
{
    struct dp_table *t = *state;
    struct dp_key k = key_ip(1, 0x0a000001, 0x0a000102, 80);
    assert_int_equal(add(t, match_dst(0x0a000000, 8), 10, 1), 0);
    assert_int_equal(add(t, match_dst(0x0a000100, 24), 20, 2), 0);
    assert_int_equal(add(t, match_any(), 5, 3), 0);
    assert_int_equal(out_of(t, &k), 2);
    k.nw_dst = 0x0a050505;
    assert_int_equal(out_of(t, &k), 1);
    k.nw_dst = 0x0b000000;
    assert_int_equal(out_of(t, &k), 3);
}

static void test_exact_beats_wildcard_whatever_priority(void **state)
{
    struct dp_table *t = *state;
    struct dp_key k = key_ip(1, 1, 2, 80);
    assert_int_equal(add(t, match_exact(&k), 0, 1), 0);
    assert_int_equal(add(t, match_any(), 65535, 2), 0);
    assert_int_equal(out_of(t, &k), 1);
    struct dp_flow *f = dp_table_lookup(t, &k);
    assert_int_equal(f->priority, 0); /* reported priority is the given one */
}

static void test_exact_same_key_higher_priority_wins(void **state)
{
    struct dp_table *t = *state;
    struct dp_key k = key_ip(1, 1, 2, 80);
    assert_int_equal(add(t, match_exact(&k), 5, 1), 0);
    assert_int_equal(add(t, match_exact(&k), 9, 2), 0);
    assert_int_equal(add(t, match_exact(&k), 7, 3), 0);
    assert_int_equal(out_of(t, &k), 2);
}

static void test_same_match_different_priority_coexist(void **state)
{
    struct dp_table *t = *state;
    struct dp_key k = key_ip(1, 1, 0x0a000001, 80);
    assert_int_equal(add(t, match_dst(0x0a000000, 8), 10, 1), 0);
    assert_int_equal(add(t, match_dst(0x0a000000, 8), 30, 2), 0);
    assert_int_equal(out_of(t, &k), 2);
    struct dp_table_stats st;
    dp_table_get_stats(t, &st);
    assert_int_equal(st.active, 2);
    assert_int_equal(st.n_masks, 1);
}

static void test_key_bits_outside_mask_are_ignored(void **state)
{
    struct dp_table *t = *state;
    struct dp_match m = match_dst(0x0a000000, 8);
    m.key.nw_dst = 0x0affffff; /* garbage below the prefix */
    m.key.tp_src = 99;         /* field not in the mask */
    assert_int_equal(add(t, m, 1, 1), 0);
    struct dp_key k = key_ip(1, 1, 0x0a000001, 80);
    assert_int_equal(out_of(t, &k), 1);
}

/* ---- add ---- */

static void test_add_identical_replaces_and_clears_counters(void **state)
{
    struct dp_table *t = *state;
    struct dp_key k = key_ip(1, 1, 0x0a000001, 80);
    struct dp_flow_mod fm = fm_make(DP_FC_ADD, match_dst(0x0a000000, 8), 10, 1);
    fm.cookie = 0x11;
    assert_int_equal(dp_table_apply(t, &fm, 1 * SEC, NULL, NULL), 0);
    dp_flow_hit(dp_table_lookup(t, &k), 100, 2 * SEC);
    fm = fm_make(DP_FC_ADD, match_dst(0x0a000000, 8), 10, 2);
    fm.cookie = 0x22;
    assert_int_equal(dp_table_apply(t, &fm, 3 * SEC, NULL, NULL), 0);
    struct dp_flow *f = dp_table_lookup(t, &k);
    assert_non_null(f);
    assert_int_equal(f->actions[0].u.output.port, 2);
    assert_int_equal(f->cookie, 0x22);
    assert_int_equal(f->n_packets, 0);
    assert_int_equal(f->n_bytes, 0);
    assert_int_equal(f->created_ns, 3 * SEC);
    struct dp_table_stats st;
    dp_table_get_stats(t, &st);
    assert_int_equal(st.active, 1);
}

static void test_check_overlap_same_priority_only(void **state)
{
    struct dp_table *t = *state;
    assert_int_equal(add(t, match_dst(0x0a000000, 8), 10, 1), 0);
    struct dp_flow_mod fm = fm_make(DP_FC_ADD, match_dst(0x0a010000, 16), 10, 2);
    fm.flags = DP_FF_CHECK_OVERLAP;
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), -EEXIST);
    fm.match = match_dst(0x0a000000, 8); /* identical also overlaps */
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), -EEXIST);
    struct dp_table_stats st;
    dp_table_get_stats(t, &st);
    assert_int_equal(st.active, 1);
    fm.match = match_dst(0x0b000000, 8); /* disjoint: fine */
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), 0);
    fm.match = match_dst(0x0a010000, 16); /* overlapping, other priority: fine */
    fm.priority = 11;
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), 0);
    fm.match = match_any(); /* wildcard overlapping an entry of prio 11 */
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), -EEXIST);
    dp_table_get_stats(t, &st);
    assert_int_equal(st.active, 3);
}

static void test_table_full_enospc_unchanged(void **state)
{
    struct dp_table *t = dp_table_create(2);
    assert_non_null(t);
    assert_int_equal(add(t, match_dst(0x0a000000, 8), 1, 1), 0);
    assert_int_equal(add(t, match_dst(0x0b000000, 8), 1, 1), 0);
    assert_int_equal(add(t, match_dst(0x0c000000, 8), 1, 1), -ENOSPC);
    struct dp_key k = key_ip(1, 1, 0x0c000001, 80);
    assert_null(dp_table_lookup(t, &k));
    assert_int_equal(add(t, match_dst(0x0a000000, 8), 1, 2), 0); /* replace: no room needed */
    struct dp_flow_mod fm = fm_make(DP_FC_MODIFY, match_dst(0x0d000000, 8), 1, 1);
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), -ENOSPC); /* modify would add */
    struct dp_table_stats st;
    dp_table_get_stats(t, &st);
    assert_int_equal(st.active, 2);
    dp_table_destroy(t);
    (void)state;
}

static void test_bad_command_and_missing_actions_einval(void **state)
{
    struct dp_table *t = *state;
    struct dp_flow_mod fm = fm_make(DP_FC_ADD, match_any(), 1, 0);
    fm.command = (enum dp_flow_cmd)9;
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), -EINVAL);
    fm.command = DP_FC_ADD;
    fm.n_actions = 2; /* and actions == NULL */
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), -EINVAL);
    struct dp_table_stats st;
    dp_table_get_stats(t, &st);
    assert_int_equal(st.active, 0);
}

static void test_empty_action_list_allowed(void **state)
{
    struct dp_table *t = *state;
    struct dp_key k = key_ip(1, 1, 2, 80);
    assert_int_equal(add(t, match_any(), 1, 0), 0);
    assert_int_equal(out_of(t, &k), -1);
}

/* ---- modify ---- */

static void test_modify_strict_changes_actions_only(void **state)
{
    struct dp_table *t = *state;
    struct dp_key k = key_ip(1, 1, 0x0a000001, 80);
    struct dp_flow_mod fm = fm_make(DP_FC_ADD, match_dst(0x0a000000, 8), 10, 1);
    fm.cookie = 0x11;
    fm.idle_timeout = 50;
    assert_int_equal(dp_table_apply(t, &fm, 1 * SEC, NULL, NULL), 0);
    dp_flow_hit(dp_table_lookup(t, &k), 100, 2 * SEC);
    fm = fm_make(DP_FC_MODIFY_STRICT, match_dst(0x0a000000, 8), 10, 2);
    fm.cookie = 0x99;
    fm.idle_timeout = 5;
    assert_int_equal(dp_table_apply(t, &fm, 3 * SEC, NULL, NULL), 0);
    struct dp_flow *f = dp_table_lookup(t, &k);
    assert_int_equal(f->actions[0].u.output.port, 2);
    assert_int_equal(f->cookie, 0x11);
    assert_int_equal(f->idle_timeout, 50);
    assert_int_equal(f->n_packets, 1);
    assert_int_equal(f->n_bytes, 100);
    assert_int_equal(f->created_ns, 1 * SEC);
}

/* Lists longer than DP_FLOW_INLINE_ACTS live on the heap, shorter ones in
 * the entry: switching between them by add-replace, modify_strict and
 * non-strict modify keeps every action (ASan checks the frees). */
static void test_long_and_short_action_lists_switch_storage(void **state)
{
    struct dp_table *t = *state;
    struct dp_key k = key_ip(1, 1, 0x0a000001, 80);
    struct dp_action many[DP_FLOW_INLINE_ACTS + 3];
    for (unsigned i = 0; i < DP_FLOW_INLINE_ACTS + 3; i++)
        many[i] = (struct dp_action){.type = DP_ACT_OUTPUT,
                                     .u.output = {.port = (uint16_t)(10 + i)}};
    struct dp_flow_mod fm = fm_make(DP_FC_ADD, match_dst(0x0a000000, 8), 10, 0);
    fm.actions = many;
    fm.n_actions = DP_FLOW_INLINE_ACTS + 3;
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), 0);
    struct dp_flow *f = dp_table_lookup(t, &k);
    assert_int_equal(f->n_actions, DP_FLOW_INLINE_ACTS + 3);
    assert_int_equal(f->actions[DP_FLOW_INLINE_ACTS + 2].u.output.port,
                     10 + DP_FLOW_INLINE_ACTS + 2);
    assert_true(dp_flow_outputs_to(f, 10 + DP_FLOW_INLINE_ACTS + 2));

    fm = fm_make(DP_FC_MODIFY_STRICT, match_dst(0x0a000000, 8), 10, 3); /* short */
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), 0);
    f = dp_table_lookup(t, &k);
    assert_int_equal(f->n_actions, 1);
    assert_ptr_equal(f->actions, f->inline_acts);
    assert_int_equal(out_of(t, &k), 3);

    fm = fm_make(DP_FC_MODIFY, match_dst(0x0a000000, 8), 0, 0); /* long, non-strict */
    fm.actions = many;
    fm.n_actions = DP_FLOW_INLINE_ACTS + 1;
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), 0);
    f = dp_table_lookup(t, &k);
    assert_int_equal(f->n_actions, DP_FLOW_INLINE_ACTS + 1);
    assert_int_equal(f->actions[DP_FLOW_INLINE_ACTS].u.output.port, 10 + DP_FLOW_INLINE_ACTS);

    fm = fm_make(DP_FC_ADD, match_dst(0x0a000000, 8), 10, 0); /* replace: empty list */
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), 0);
    assert_int_equal(out_of(t, &k), -1);

    fm.actions = many; /* exactly the inline capacity */
    fm.n_actions = DP_FLOW_INLINE_ACTS;
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), 0);
    f = dp_table_lookup(t, &k);
    assert_ptr_equal(f->actions, f->inline_acts);
    assert_int_equal(f->actions[DP_FLOW_INLINE_ACTS - 1].u.output.port,
                     10 + DP_FLOW_INLINE_ACTS - 1);
}

/* Entries freed by delete are reused by later adds (the slab), and the
 * table stays correct through many rounds. */
static void test_add_delete_rounds_reuse_entries(void **state)
{
    struct dp_table *t = *state;
    for (int round = 0; round < 20; round++) {
        for (uint32_t i = 0; i < 100; i++) {
            struct dp_key k = key_ip(1, i, 0x0b000000 + i, 80);
            assert_int_equal(add(t, match_exact(&k), 1, 1 + (int)(i % 3)), 0);
        }
        for (uint32_t i = 0; i < 100; i++) {
            struct dp_key k = key_ip(1, i, 0x0b000000 + i, 80);
            assert_int_equal(out_of(t, &k), 1 + (int)(i % 3));
        }
        struct dp_flow_mod fm = fm_make(DP_FC_DELETE, match_any(), 0, 0);
        assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), 0);
        struct dp_key k0 = key_ip(1, 0, 0x0b000000, 80);
        assert_int_equal(out_of(t, &k0), 0);
    }
}

static void test_modify_strict_needs_same_priority(void **state)
{
    struct dp_table *t = *state;
    struct dp_key k = key_ip(1, 1, 0x0a000001, 80);
    assert_int_equal(add(t, match_dst(0x0a000000, 8), 10, 1), 0);
    struct dp_flow_mod fm = fm_make(DP_FC_MODIFY_STRICT, match_dst(0x0a000000, 8), 9, 2);
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), 0); /* adds prio 9 */
    assert_int_equal(out_of(t, &k), 1);
    struct dp_table_stats st;
    dp_table_get_stats(t, &st);
    assert_int_equal(st.active, 2);
}

static void test_modify_nonstrict_selects_equal_or_more_specific(void **state)
{
    struct dp_table *t = *state;
    struct dp_key k = key_ip(1, 1, 0x0a000101, 80);
    assert_int_equal(add(t, match_dst(0x0a000100, 24), 1, 1), 0); /* equal */
    assert_int_equal(add(t, match_dst(0x0a000101, 32), 2, 1), 0); /* more specific */
    assert_int_equal(add(t, match_exact(&k), 3, 1), 0);            /* exact, inside */
    assert_int_equal(add(t, match_dst(0x0a000000, 16), 4, 1), 0);  /* less specific */
    assert_int_equal(add(t, match_dst(0x0a000200, 24), 5, 1), 0);  /* disjoint */
    struct dp_flow_mod fm = fm_make(DP_FC_MODIFY, match_dst(0x0a000100, 24), 77, 3);
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), 0);
    struct dp_match any = match_any();
    assert_int_equal(dp_table_visit(t, &any, 3, false, NULL, NULL), 3); /* modified */
    assert_int_equal(dp_table_visit(t, &any, 1, false, NULL, NULL), 2); /* untouched */
    struct dp_match m16 = match_dst(0x0a000000, 16);
    assert_int_equal(dp_table_visit(t, &m16, 1, false, NULL, NULL), 2); /* /16 and 10.0.2/24 */
    struct dp_key other = key_ip(1, 1, 0x0a000201, 80);
    assert_int_equal(out_of(t, &other), 1); /* the disjoint /24 (prio 5) */
    assert_int_equal(out_of(t, &k), 3);     /* the exact entry */
    struct dp_table_stats st;
    dp_table_get_stats(t, &st);
    assert_int_equal(st.active, 5);
}

static void test_modify_ignores_out_port(void **state)
{
    struct dp_table *t = *state;
    struct dp_key k = key_ip(1, 1, 0x0a000001, 80);
    assert_int_equal(add(t, match_dst(0x0a000000, 8), 1, 1), 0);
    struct dp_flow_mod fm = fm_make(DP_FC_MODIFY, match_any(), 0, 2);
    fm.out_port = 3; /* the entry does not output to 3; modify must not care */
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), 0);
    assert_int_equal(out_of(t, &k), 2);
}

static void test_modify_matching_nothing_adds(void **state)
{
    struct dp_table *t = *state;
    struct dp_key k = key_ip(1, 1, 0x0a000001, 80);
    struct dp_flow_mod fm = fm_make(DP_FC_MODIFY, match_dst(0x0a000000, 8), 7, 2);
    fm.cookie = 5;
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), 0);
    struct dp_flow *f = dp_table_lookup(t, &k);
    assert_non_null(f);
    assert_int_equal(f->priority, 7);
    assert_int_equal(f->cookie, 5);
}

/* ---- delete ---- */

static void test_delete_nonstrict_selects_more_specific(void **state)
{
    struct dp_table *t = *state;
    struct removed r = {0};
    assert_int_equal(add(t, match_dst(0x0a000100, 24), 1, 1), 0);
    assert_int_equal(add(t, match_dst(0x0a000101, 32), 2, 1), 0);
    assert_int_equal(add(t, match_dst(0x0a000000, 16), 3, 1), 0);
    struct dp_flow_mod fm = fm_make(DP_FC_DELETE, match_dst(0x0a000100, 24), 99, 0);
    assert_int_equal(dp_table_apply(t, &fm, 5 * SEC, on_removed, &r), 0);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.reasons[0], DP_RR_DELETE);
    assert_int_equal(r.reasons[1], DP_RR_DELETE);
    struct dp_key k = key_ip(1, 1, 0x0a000101, 80);
    assert_int_equal(dp_table_lookup(t, &k)->priority, 3);
}

static void test_delete_strict_needs_match_and_priority(void **state)
{
    struct dp_table *t = *state;
    struct removed r = {0};
    assert_int_equal(add(t, match_dst(0x0a000000, 8), 1, 1), 0);
    assert_int_equal(add(t, match_dst(0x0a010000, 16), 1, 1), 0);
    struct dp_flow_mod fm = fm_make(DP_FC_DELETE_STRICT, match_dst(0x0a000000, 8), 2, 0);
    assert_int_equal(dp_table_apply(t, &fm, 0, on_removed, &r), 0);
    assert_int_equal(r.n, 0);
    fm.priority = 1;
    assert_int_equal(dp_table_apply(t, &fm, 0, on_removed, &r), 0);
    assert_int_equal(r.n, 1);
    struct dp_table_stats st;
    dp_table_get_stats(t, &st);
    assert_int_equal(st.active, 1);
}

static void test_delete_out_port_filter(void **state)
{
    struct dp_table *t = *state;
    struct removed r = {0};
    assert_int_equal(add(t, match_dst(0x0a000000, 8), 1, 1), 0);
    assert_int_equal(add(t, match_dst(0x0b000000, 8), 2, 2), 0);
    assert_int_equal(add(t, match_dst(0x0c000000, 8), 3, 4), 0); /* enqueue on port 4 */
    struct dp_flow_mod fm = fm_make(DP_FC_DELETE, match_any(), 0, 0);
    fm.out_port = 2;
    assert_int_equal(dp_table_apply(t, &fm, 0, on_removed, &r), 0);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.prio[0], 2);
    fm.out_port = 4;
    assert_int_equal(dp_table_apply(t, &fm, 0, on_removed, &r), 0);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.prio[1], 3);
    fm = fm_make(DP_FC_DELETE_STRICT, match_dst(0x0a000000, 8), 1, 0);
    fm.out_port = 3;
    assert_int_equal(dp_table_apply(t, &fm, 0, on_removed, &r), 0);
    assert_int_equal(r.n, 2); /* strict delete honours out_port too */
}

static void test_delete_all(void **state)
{
    struct dp_table *t = *state;
    struct dp_key k = key_ip(1, 1, 2, 80);
    assert_int_equal(add(t, match_dst(0x0a000000, 8), 1, 1), 0);
    assert_int_equal(add(t, match_exact(&k), 1, 1), 0);
    assert_int_equal(add(t, match_any(), 1, 1), 0);
    struct dp_flow_mod fm = fm_make(DP_FC_DELETE, match_any(), 0, 0);
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), 0);
    struct dp_table_stats st;
    dp_table_get_stats(t, &st);
    assert_int_equal(st.active, 0);
    assert_int_equal(st.n_masks, 0);
    assert_null(dp_table_lookup(t, &k));
}

/* ---- timeouts ---- */

static void test_idle_timeout_resets_on_hit(void **state)
{
    struct dp_table *t = *state;
    struct removed r = {0};
    struct dp_key k = key_ip(1, 1, 2, 80);
    struct dp_flow_mod fm = fm_make(DP_FC_ADD, match_any(), 1, 1);
    fm.idle_timeout = 10;
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), 0);
    assert_int_equal(dp_table_next_expiry(t), 10 * SEC);
    dp_flow_hit(dp_table_lookup(t, &k), 60, 5 * SEC);
    assert_int_equal(dp_table_expire(t, 10 * SEC, on_removed, &r), 0);
    assert_int_equal(dp_table_next_expiry(t), 15 * SEC);
    assert_int_equal(dp_table_expire(t, 15 * SEC - 1, on_removed, &r), 0);
    assert_int_equal(dp_table_expire(t, 15 * SEC, on_removed, &r), 1);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.reasons[0], DP_RR_IDLE_TIMEOUT);
    assert_null(dp_table_lookup(t, &k));
    assert_int_equal(dp_table_next_expiry(t), UINT64_MAX);
}

static void test_hard_timeout_ignores_hits(void **state)
{
    struct dp_table *t = *state;
    struct removed r = {0};
    struct dp_key k = key_ip(1, 1, 2, 80);
    struct dp_flow_mod fm = fm_make(DP_FC_ADD, match_any(), 1, 1);
    fm.hard_timeout = 10;
    fm.idle_timeout = 8;
    assert_int_equal(dp_table_apply(t, &fm, 1 * SEC, NULL, NULL), 0);
    dp_flow_hit(dp_table_lookup(t, &k), 60, 5 * SEC);
    dp_flow_hit(dp_table_lookup(t, &k), 60, 10 * SEC);
    assert_int_equal(dp_table_expire(t, 11 * SEC - 1, on_removed, &r), 0);
    assert_int_equal(dp_table_expire(t, 11 * SEC, on_removed, &r), 1);
    assert_int_equal(r.reasons[0], DP_RR_HARD_TIMEOUT);
}

static void test_expiry_order_and_next_expiry(void **state)
{
    struct dp_table *t = *state;
    struct removed r = {0};
    static const uint16_t to[4] = {30, 10, 20, 40};
    for (int i = 0; i < 4; i++) {
        struct dp_flow_mod fm = fm_make(DP_FC_ADD, match_dst((uint32_t)(i + 1) << 24, 8),
                                        (uint16_t)(i + 1), 1);
        fm.hard_timeout = to[i];
        assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), 0);
    }
    assert_int_equal(add(t, match_any(), 0, 1), 0); /* no timeout */
    assert_int_equal(dp_table_next_expiry(t), 10 * SEC);
    assert_int_equal(dp_table_expire(t, 25 * SEC, on_removed, &r), 2);
    assert_int_equal(r.prio[0], 2);
    assert_int_equal(r.prio[1], 3);
    assert_int_equal(dp_table_next_expiry(t), 30 * SEC);
    /* deleting the earliest moves next_expiry on */
    struct dp_flow_mod fm = fm_make(DP_FC_DELETE_STRICT, match_dst(1u << 24, 8), 1, 0);
    assert_int_equal(dp_table_apply(t, &fm, 26 * SEC, NULL, NULL), 0);
    assert_int_equal(dp_table_next_expiry(t), 40 * SEC);
    assert_int_equal(dp_table_expire(t, 1000 * SEC, NULL, NULL), 1);
    struct dp_table_stats st;
    dp_table_get_stats(t, &st);
    assert_int_equal(st.active, 1);
}

static void test_add_replace_reschedules_timeouts(void **state)
{
    struct dp_table *t = *state;
    struct dp_flow_mod fm = fm_make(DP_FC_ADD, match_any(), 1, 1);
    fm.hard_timeout = 10;
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), 0);
    fm.hard_timeout = 0;
    assert_int_equal(dp_table_apply(t, &fm, 1 * SEC, NULL, NULL), 0);
    assert_int_equal(dp_table_next_expiry(t), UINT64_MAX);
    assert_int_equal(dp_table_expire(t, 100 * SEC, NULL, NULL), 0);
    fm.idle_timeout = 3;
    assert_int_equal(dp_table_apply(t, &fm, 2 * SEC, NULL, NULL), 0);
    assert_int_equal(dp_table_next_expiry(t), 5 * SEC);
}

/* ---- emergency table ---- */

static void test_emerg_with_timeout_einval(void **state)
{
    struct dp_table *t = *state;
    struct dp_flow_mod fm = fm_make(DP_FC_ADD, match_any(), 1, 1);
    fm.flags = DP_FF_EMERG;
    fm.idle_timeout = 1;
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), -EINVAL);
    fm.idle_timeout = 0;
    fm.hard_timeout = 1;
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), -EINVAL);
    struct dp_table_stats st;
    dp_table_get_stats(t, &st);
    assert_int_equal(st.n_emerg, 0);
}

static void test_emergency_table_is_separate(void **state)
{
    struct dp_table *t = *state;
    struct dp_key k = key_ip(1, 1, 2, 80);
    struct removed r = {0};
    assert_int_equal(add(t, match_any(), 1, 1), 0);
    struct dp_flow_mod fm = fm_make(DP_FC_ADD, match_any(), 1, 2);
    fm.flags = DP_FF_EMERG;
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), 0);
    assert_int_equal(out_of(t, &k), 1);
    dp_table_set_emergency(t, true);
    assert_int_equal(out_of(t, &k), 2);
    /* a delete with EMERG empties only the emergency table */
    fm = fm_make(DP_FC_DELETE, match_any(), 0, 0);
    fm.flags = DP_FF_EMERG;
    assert_int_equal(dp_table_apply(t, &fm, 0, on_removed, &r), 0);
    assert_int_equal(r.n, 1);
    assert_int_equal(out_of(t, &k), 0);
    dp_table_set_emergency(t, false);
    assert_int_equal(out_of(t, &k), 1);
    struct dp_table_stats st;
    dp_table_get_stats(t, &st);
    assert_int_equal(st.active, 1);
    assert_int_equal(st.n_emerg, 0);
}

/* A delete without EMERG removes matching entries from both tables (as the
 * OpenFlow 1.0 reference switch does), calling back only for the normal
 * ones; entries it does not match stay. */
static void test_delete_without_emerg_also_empties_emergency_table(void **state)
{
    struct dp_table *t = *state;
    struct removed r = {0};
    assert_int_equal(add(t, match_any(), 1, 1), 0);
    struct dp_flow_mod fm = fm_make(DP_FC_ADD, match_any(), 1, 2);
    fm.flags = DP_FF_EMERG;
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), 0);
    fm = fm_make(DP_FC_ADD, match_in_port(3), 7, 2);
    fm.flags = DP_FF_EMERG;
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), 0);
    /* strict: only the identical emergency entry goes */
    fm = fm_make(DP_FC_DELETE_STRICT, match_in_port(3), 7, 0);
    assert_int_equal(dp_table_apply(t, &fm, 0, on_removed, &r), 0);
    struct dp_table_stats st;
    dp_table_get_stats(t, &st);
    assert_int_equal(st.n_emerg, 1);
    assert_int_equal(r.n, 0);
    /* delete-all: both tables, one callback (the normal entry) */
    fm = fm_make(DP_FC_DELETE, match_any(), 0, 0);
    assert_int_equal(dp_table_apply(t, &fm, 0, on_removed, &r), 0);
    assert_int_equal(r.n, 1);
    dp_table_get_stats(t, &st);
    assert_int_equal(st.active, 0);
    assert_int_equal(st.n_emerg, 0);
    dp_table_set_emergency(t, true);
    struct dp_key k = key_ip(3, 1, 2, 80);
    assert_int_equal(out_of(t, &k), 0);
}

static void test_visit_emergency_table(void **state)
{
    struct dp_table *t = *state;
    assert_int_equal(add(t, match_any(), 1, 1), 0);
    struct dp_flow_mod fm = fm_make(DP_FC_ADD, match_dst(0x0a000000, 8), 1, 2);
    fm.flags = DP_FF_EMERG;
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), 0);
    struct dp_match any = match_any();
    assert_int_equal(dp_table_visit(t, &any, DP_PORT_NONE, true, NULL, NULL), 1);
    assert_int_equal(dp_table_visit(t, &any, 2, true, NULL, NULL), 1);
    assert_int_equal(dp_table_visit(t, &any, 2, false, NULL, NULL), 0);
}

/* ---- visit and stats ---- */

static int collect(const struct dp_flow *f, void *arg)
{
    uint16_t *v = arg;
    v[++v[0]] = f->priority;
    return v[0] >= 2; /* stop after the second */
}

static void test_visit_nonstrict_filter_and_out_port(void **state)
{
    struct dp_table *t = *state;
    assert_int_equal(add(t, match_dst(0x0a000100, 24), 1, 1), 0);
    assert_int_equal(add(t, match_dst(0x0a000000, 16), 2, 1), 0);
    assert_int_equal(add(t, match_dst(0x0a000101, 32), 3, 2), 0);
    assert_int_equal(add(t, match_dst(0x0a000102, 32), 4, 1), 0);
    struct dp_match f = match_dst(0x0a000100, 24);
    assert_int_equal(dp_table_visit(t, &f, DP_PORT_NONE, false, NULL, NULL), 3);
    assert_int_equal(dp_table_visit(t, &f, 1, false, NULL, NULL), 2);
    assert_int_equal(dp_table_visit(t, &f, 2, false, NULL, NULL), 1);
    uint16_t seen[8] = {0};
    assert_int_equal(dp_table_visit(t, &f, DP_PORT_NONE, false, collect, seen), 2);
    assert_int_equal(seen[1], 1); /* insertion order */
    assert_int_equal(seen[2], 3);
}

static void test_stats_counters(void **state)
{
    struct dp_table *t = *state;
    struct dp_key k = key_ip(1, 1, 0x0a000001, 80);
    struct dp_key miss = key_ip(1, 1, 0x0b000001, 80);
    assert_int_equal(add(t, match_dst(0x0a000000, 8), 1, 1), 0);
    assert_int_equal(add(t, match_dst(0x0a000000, 16), 1, 1), 0);
    assert_int_equal(add(t, match_exact(&miss), 1, 1), 0);
    miss.tp_dst = 81;
    for (int i = 0; i < 3; i++) {
        dp_table_lookup(t, &k);
        dp_table_lookup(t, &miss);
    }
    struct dp_table_stats st;
    dp_table_get_stats(t, &st);
    assert_int_equal(st.active, 3);
    assert_int_equal(st.n_masks, 3);
    assert_int_equal(st.lookups, 6);
    assert_int_equal(st.matched, 3);
    assert_int_equal(st.cache_hits, 4); /* the 2nd and 3rd of each key */
}

static void test_cache_sees_changes(void **state)
{
    struct dp_table *t = *state;
    struct dp_key k = key_ip(1, 1, 0x0a000001, 80);
    assert_int_equal(add(t, match_dst(0x0a000000, 8), 1, 1), 0);
    assert_int_equal(out_of(t, &k), 1);
    assert_int_equal(out_of(t, &k), 1);
    assert_int_equal(add(t, match_dst(0x0a000000, 16), 2, 2), 0);
    assert_int_equal(out_of(t, &k), 2);
    struct dp_flow_mod fm = fm_make(DP_FC_DELETE, match_dst(0x0a000000, 16), 0, 0);
    assert_int_equal(dp_table_apply(t, &fm, 0, NULL, NULL), 0);
    assert_int_equal(out_of(t, &k), 1);
}

static void test_outputs_to_and_is_exact(void **state)
{
    struct dp_table *t = *state;
    struct dp_key k = key_ip(1, 1, 2, 80);
    assert_int_equal(add(t, match_any(), 1, 4), 0);
    struct dp_flow *f = dp_table_lookup(t, &k);
    assert_true(dp_flow_outputs_to(f, 4));
    assert_false(dp_flow_outputs_to(f, 1));
    struct dp_match m = match_exact(&k);
    assert_true(dp_match_is_exact(&m));
    m.mask.nw_dst = 0xffffff00;
    assert_false(dp_match_is_exact(&m));
    m = match_any();
    assert_false(dp_match_is_exact(&m));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_empty_table),
        T(test_highest_priority_wins),
        T(test_exact_beats_wildcard_whatever_priority),
        T(test_exact_same_key_higher_priority_wins),
        T(test_same_match_different_priority_coexist),
        T(test_key_bits_outside_mask_are_ignored),
        T(test_add_identical_replaces_and_clears_counters),
        T(test_check_overlap_same_priority_only),
        T(test_table_full_enospc_unchanged),
        T(test_bad_command_and_missing_actions_einval),
        T(test_empty_action_list_allowed),
        T(test_modify_strict_changes_actions_only),
        T(test_long_and_short_action_lists_switch_storage),
        T(test_add_delete_rounds_reuse_entries),
        T(test_modify_strict_needs_same_priority),
        T(test_modify_nonstrict_selects_equal_or_more_specific),
        T(test_modify_ignores_out_port),
        T(test_modify_matching_nothing_adds),
        T(test_delete_nonstrict_selects_more_specific),
        T(test_delete_strict_needs_match_and_priority),
        T(test_delete_out_port_filter),
        T(test_delete_all),
        T(test_idle_timeout_resets_on_hit),
        T(test_hard_timeout_ignores_hits),
        T(test_expiry_order_and_next_expiry),
        T(test_add_replace_reschedules_timeouts),
        T(test_emerg_with_timeout_einval),
        T(test_emergency_table_is_separate),
        T(test_delete_without_emerg_also_empties_emergency_table),
        T(test_visit_emergency_table),
        T(test_visit_nonstrict_filter_and_out_port),
        T(test_stats_counters),
        T(test_cache_sees_changes),
        T(test_outputs_to_and_is_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
