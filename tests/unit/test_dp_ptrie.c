/*
 * test_dp_ptrie.c — the nw prefix trie against a brute-force list of
 * prefixes: random adds and removes (duplicates included), lookups of
 * addresses near and far from the prefixes, the stem jump, the node budget
 * (degraded mode), and dp_ptrie_prefix_len.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "datapath/dp_ptrie.h"

static uint64_t rng;

static uint32_t rnd32(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

static uint32_t pmask(unsigned len)
{
    return len ? ~0u << (32 - len) : 0;
}

struct ptrie_ref {
    uint32_t prefix[512];
    unsigned len[512];
    int n;
};

static uint64_t ref_bits(const struct ptrie_ref *r, uint32_t addr)
{
    uint64_t bits = 0;
    for (int i = 0; i < r->n; i++)
        if (((addr ^ r->prefix[i]) & pmask(r->len[i])) == 0)
            bits |= 1ull << r->len[i];
    return bits;
}

/* Addresses near the prefixes (so walks go deep) or anywhere. */
static uint32_t probe_addr(const struct ptrie_ref *r, uint32_t base)
{
    if (r->n && rnd32() % 4) {
        int i = (int)(rnd32() % (unsigned)r->n);
        return r->prefix[i] ^ (uint32_t)((uint64_t)rnd32() >> (rnd32() % 33));
    }
    return rnd32() % 2 ? base ^ (rnd32() & 0xffff) : rnd32();
}

/* Single and burst lookups (bursts of 1..40 addresses) against the list. */
static void check(const struct dp_ptrie *t, const struct ptrie_ref *r, uint32_t base)
{
    uint32_t addr[40];
    uint64_t got[40];
    unsigned n = 1 + rnd32() % 40;
    for (unsigned k = 0; k < n; k++) {
        addr[k] = probe_addr(r, base);
        assert_int_equal(dp_ptrie_lookup(t, addr[k]), ref_bits(r, addr[k]));
    }
    dp_ptrie_lookup_burst(t, addr, n, got);
    for (unsigned k = 0; k < n; k++)
        assert_int_equal(got[k], ref_bits(r, addr[k]));
}

static void random_ops(uint32_t base, unsigned min_len, int steps)
{
    struct dp_ptrie t;
    static struct ptrie_ref r;
    dp_ptrie_init(&t);
    r.n = 0;
    for (int s = 0; s < steps; s++) {
        if (r.n < 512 && (r.n == 0 || rnd32() % 3)) {
            unsigned len = min_len + rnd32() % (33 - min_len); /* min_len >= 1 */
            uint32_t p = rnd32() % 4 == 0 && r.n ? r.prefix[rnd32() % (unsigned)r.n]
                                                 : base ^ (rnd32() >> 8);
            p &= pmask(len);
            dp_ptrie_add(&t, p | ~pmask(len), len); /* bits past len are ignored */
            r.prefix[r.n] = p;
            r.len[r.n++] = len;
        } else {
            int i = (int)(rnd32() % (unsigned)r.n);
            dp_ptrie_remove(&t, r.prefix[i], r.len[i]);
            r.prefix[i] = r.prefix[--r.n];
            r.len[i] = r.len[r.n];
        }
        assert_int_equal(t.n_prefixes, (uint32_t)r.n);
        check(&t, &r, base);
    }
    while (r.n) { /* empty it: every node but the root goes back */
        dp_ptrie_remove(&t, r.prefix[r.n - 1], r.len[r.n - 1]);
        r.n--;
        check(&t, &r, base);
    }
    assert_int_equal(dp_ptrie_lookup(&t, base), 0);
    dp_ptrie_fini(&t);
}

static void test_random_prefixes_agree_with_brute_force(void **state)
{
    rng = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 40; i++)
        random_ops(rnd32(), 1, 300);
    (void)state;
}

static void test_prefixes_in_one_network_use_the_stem(void **state)
{
    rng = 12345;
    for (int i = 0; i < 20; i++)
        random_ops(0x0a000000, 16, 300); /* long common stem: 10.0/16 and longer */
    (void)state;
}

static void test_empty_trie_matches_nothing(void **state)
{
    struct dp_ptrie t;
    dp_ptrie_init(&t);
    assert_int_equal(dp_ptrie_lookup(&t, 0x01020304), 0);
    dp_ptrie_remove(&t, 0x01020304, 8); /* never added: ignored */
    dp_ptrie_add(&t, 0, 0);             /* lengths 1..32 only: ignored */
    dp_ptrie_add(&t, 0, 33);
    assert_int_equal(t.n_prefixes, 0);
    assert_int_equal(dp_ptrie_lookup(&t, 0xffffffff), 0);
    dp_ptrie_add(&t, 0x0a000000, 8);
    dp_ptrie_remove(&t, 0x0b000000, 8); /* never added: ignored */
    assert_int_equal(dp_ptrie_lookup(&t, 0x0a0b0c0d), 1ull << 8);
    dp_ptrie_fini(&t);
    (void)state;
}

/* Over its node budget the trie stops tracking and answers "every length"
 * (never a wrong skip); emptied, it tracks again. */
static void test_over_budget_degrades_then_recovers(void **state)
{
    struct dp_ptrie t;
    dp_ptrie_init(&t);
    t.max_nodes_base = 40;
    t.max_nodes_per_prefix = 0;
    dp_ptrie_add(&t, 0x0a000001, 32); /* 33 nodes */
    assert_false(t.degraded);
    assert_int_equal(dp_ptrie_lookup(&t, 0x0a000001), 1ull << 32);
    dp_ptrie_add(&t, 0x8a000001, 32); /* would need 32 more */
    assert_true(t.degraded);
    assert_int_equal(t.n_prefixes, 2);
    assert_int_equal(dp_ptrie_lookup(&t, 0x01020304), DP_PTRIE_ALL_LENGTHS);
    dp_ptrie_remove(&t, 0x0a000001, 32);
    assert_int_equal(dp_ptrie_lookup(&t, 0x01020304), DP_PTRIE_ALL_LENGTHS);
    dp_ptrie_remove(&t, 0x8a000001, 32);
    assert_false(t.degraded);
    assert_int_equal(dp_ptrie_lookup(&t, 0x8a000001), 0);
    dp_ptrie_add(&t, 0x0a000000, 8);
    assert_int_equal(dp_ptrie_lookup(&t, 0x0a000001), 1ull << 8);
    dp_ptrie_fini(&t);
    (void)state;
}

static void test_duplicate_prefixes_are_counted(void **state)
{
    struct dp_ptrie t;
    dp_ptrie_init(&t);
    dp_ptrie_add(&t, 0x0a000000, 8);
    dp_ptrie_add(&t, 0x0a000000, 8);
    dp_ptrie_remove(&t, 0x0a000000, 8);
    assert_int_equal(dp_ptrie_lookup(&t, 0x0a010203), 1ull << 8);
    dp_ptrie_remove(&t, 0x0a000000, 8);
    assert_int_equal(dp_ptrie_lookup(&t, 0x0a010203), 0);
    dp_ptrie_fini(&t);
    (void)state;
}

static void test_prefix_len_of_masks(void **state)
{
    assert_int_equal(dp_ptrie_prefix_len(0), 0);
    assert_int_equal(dp_ptrie_prefix_len(0xffffffff), 32);
    assert_int_equal(dp_ptrie_prefix_len(0xffffff00), 24);
    assert_int_equal(dp_ptrie_prefix_len(0x80000000), 1);
    assert_int_equal(dp_ptrie_prefix_len(0x00ffffff), -1);
    assert_int_equal(dp_ptrie_prefix_len(0xff00ff00), -1);
    assert_int_equal(dp_ptrie_prefix_len(1), -1);
    (void)state;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_prefixes_agree_with_brute_force),
        cmocka_unit_test(test_prefixes_in_one_network_use_the_stem),
        cmocka_unit_test(test_empty_trie_matches_nothing),
        cmocka_unit_test(test_over_budget_degrades_then_recovers),
        cmocka_unit_test(test_duplicate_prefixes_are_counted),
        cmocka_unit_test(test_prefix_len_of_masks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
