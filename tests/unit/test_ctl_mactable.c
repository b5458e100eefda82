/* test_ctl_mactable.c — the learning app's MAC table against a plain
 * array reference: add, find, remove, aging, replacement when full. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "controller/ctl_mactable.h"

static struct ctl_mactable T;

static void mac_of(unsigned i, uint8_t mac[6])
{
    mac[0] = 2;
    mac[1] = 0;
    mac[2] = (uint8_t)(i >> 24);
    mac[3] = (uint8_t)(i >> 16);
    mac[4] = (uint8_t)(i >> 8);
    mac[5] = (uint8_t)i;
}

static void test_add_find_remove(void **state)
{
    (void)state;
    uint8_t a[6], b[6];
    ctl_mac_init(&T, 1000);
    mac_of(1, a);
    mac_of(2, b);
    assert_null(ctl_mac_find(&T, a, 0));
    struct ctl_mac_entry *e = ctl_mac_add(&T, a, 3, 0);
    assert_ptr_equal(ctl_mac_find(&T, a, 10), e);
    assert_int_equal(e->port, 3);
    assert_null(ctl_mac_find(&T, b, 10));
    ctl_mac_remove(&T, e);
    assert_null(ctl_mac_find(&T, a, 10));
}

static void test_aged_entry_is_gone_and_its_slot_reused(void **state)
{
    (void)state;
    uint8_t a[6];
    ctl_mac_init(&T, 1000);
    mac_of(7, a);
    ctl_mac_add(&T, a, 1, 100);
    assert_non_null(ctl_mac_find(&T, a, 1100));
    assert_null(ctl_mac_find(&T, a, 1101));
    /* every slot is usable again: fill the table without replacement */
    for (unsigned i = 0; i < CTL_MAC_ENTRIES; i++) {
        uint8_t m[6];
        mac_of(1000 + i, m);
        ctl_mac_add(&T, m, 2, 2000);
    }
    for (unsigned i = 0; i < CTL_MAC_ENTRIES; i++) {
        uint8_t m[6];
        mac_of(1000 + i, m);
        assert_non_null(ctl_mac_find(&T, m, 2500));
    }
}

static void test_full_table_replaces_least_recently_seen(void **state)
{
    (void)state;
    uint8_t m[6];
    ctl_mac_init(&T, UINT64_MAX);
    for (unsigned i = 0; i < CTL_MAC_ENTRIES; i++) {
        mac_of(i, m);
        ctl_mac_add(&T, m, 1, 10 + i);
    }
    mac_of(0, m);
    ctl_mac_find(&T, m, 0)->seen_ns = 1000000; /* 0 was seen again: 1 is now oldest */
    mac_of(99999, m);
    ctl_mac_add(&T, m, 4, 2000000);
    assert_non_null(ctl_mac_find(&T, m, 0));
    mac_of(1, m);
    assert_null(ctl_mac_find(&T, m, 0));
    mac_of(0, m);
    assert_non_null(ctl_mac_find(&T, m, 0));
    mac_of(2, m);
    assert_non_null(ctl_mac_find(&T, m, 0));
}

/* Random adds and removes against a reference array: chains stay intact. */
static void test_random_operations_match_reference(void **state)
{
    (void)state;
    enum { N = 3000 };
    static int ref[N]; /* port, 0 = absent */
    memset(ref, 0, sizeof ref);
    ctl_mac_init(&T, UINT64_MAX);
    srand(7);
    unsigned present = 0;
    for (int step = 0; step < 100000; step++) {
        unsigned i = (unsigned)rand() % N;
        uint8_t m[6];
        mac_of(i * 2654435761u, m);
        struct ctl_mac_entry *e = ctl_mac_find(&T, m, 0);
        assert_int_equal(e != NULL, ref[i] != 0);
        assert_int_equal(e ? e->port : 0, ref[i]);
        if (e && rand() % 2) {
            ctl_mac_remove(&T, e);
            ref[i] = 0;
            present--;
        } else if (!e && present < CTL_MAC_ENTRIES) {
            ctl_mac_add(&T, m, (uint16_t)(1 + i % 40), 0);
            ref[i] = (int)(1 + i % 40);
            present++;
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_find_remove),
        cmocka_unit_test(test_aged_entry_is_gone_and_its_slot_reused),
        cmocka_unit_test(test_full_table_replaces_least_recently_seen),
        cmocka_unit_test(test_random_operations_match_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
