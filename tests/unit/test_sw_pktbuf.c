/* test_sw_pktbuf.c — the packet_in buffer table. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "switch/sw_pktbuf.h"

#define SEC 1000000000ull

static struct pkt_pool *pool;
static struct sw_pktbuf buf;

static int setup(void **state)
{
    pool = pkt_pool_create(512, 2048, 128);
    sw_pktbuf_init(&buf);
    return pool ? 0 : -1;
}

static int teardown(void **state)
{
    sw_pktbuf_clear(&buf);
    assert_int_equal(pkt_pool_avail(pool), pkt_pool_size(pool)); /* nothing leaked */
    pkt_pool_destroy(pool);
    return 0;
}

static void test_store_take_round_trip(void **state)
{
    struct pkt *p = pkt_alloc(pool);
    uint16_t port = 0;
    uint32_t id = sw_pktbuf_store(&buf, p, 7, 0);
    assert_int_not_equal(id, SW_PKTBUF_NONE);
    assert_int_equal(p->refcnt, 2); /* the table holds its own reference */
    pkt_free(p);
    struct pkt *q = sw_pktbuf_take(&buf, id, SEC, &port);
    assert_ptr_equal(q, p);
    assert_int_equal(port, 7);
    pkt_free(q);
}

static void test_id_is_single_use(void **state)
{
    struct pkt *p = pkt_alloc(pool);
    uint16_t port;
    uint32_t id = sw_pktbuf_store(&buf, p, 1, 0);
    pkt_free(p);
    pkt_free(sw_pktbuf_take(&buf, id, 0, &port));
    assert_null(sw_pktbuf_take(&buf, id, 0, &port));
    assert_int_equal(buf.stats.unknown, 1);
}

static void test_unknown_ids(void **state)
{
    uint16_t port;
    assert_null(sw_pktbuf_take(&buf, 0, 0, &port));
    assert_null(sw_pktbuf_take(&buf, 12345, 0, &port));
    assert_null(sw_pktbuf_take(&buf, SW_PKTBUF_NONE, 0, &port));
    assert_int_equal(buf.stats.unknown, 3);
}

static void test_stale_generation_rejected(void **state)
{
    uint16_t port;
    struct pkt *p = pkt_alloc(pool);
    uint32_t old = sw_pktbuf_store(&buf, p, 1, 0);
    pkt_free(sw_pktbuf_take(&buf, old, 0, &port));
    /* Reuse every slot so the old id's slot holds a newer packet. */
    uint32_t ids[SW_PKTBUF_SLOTS];
    for (unsigned i = 0; i < SW_PKTBUF_SLOTS; i++)
        ids[i] = sw_pktbuf_store(&buf, p, 2, 0);
    assert_null(sw_pktbuf_take(&buf, old, 0, &port));
    for (unsigned i = 0; i < SW_PKTBUF_SLOTS; i++)
        assert_int_not_equal(ids[i], old);
    pkt_free(p);
}

static void test_full_table_refuses(void **state)
{
    struct pkt *p = pkt_alloc(pool);
    for (unsigned i = 0; i < SW_PKTBUF_SLOTS; i++)
        assert_int_not_equal(sw_pktbuf_store(&buf, p, 1, 0), SW_PKTBUF_NONE);
    uint16_t refs = p->refcnt;
    assert_int_equal(sw_pktbuf_store(&buf, p, 1, SEC), SW_PKTBUF_NONE);
    assert_int_equal(p->refcnt, refs); /* nothing taken on failure */
    assert_int_equal(buf.stats.full, 1);
    pkt_free(p);
}

static void test_full_table_reuses_expired(void **state)
{
    struct pkt *p = pkt_alloc(pool);
    for (unsigned i = 0; i < SW_PKTBUF_SLOTS; i++)
        sw_pktbuf_store(&buf, p, 1, 0);
    assert_int_not_equal(sw_pktbuf_store(&buf, p, 1, SW_PKTBUF_TTL_NS), SW_PKTBUF_NONE);
    assert_int_equal(buf.stats.expired, 1);
    pkt_free(p);
}

static void test_expired_id_unknown(void **state)
{
    uint16_t port;
    struct pkt *p = pkt_alloc(pool);
    uint32_t id = sw_pktbuf_store(&buf, p, 1, 0);
    pkt_free(p);
    assert_null(sw_pktbuf_take(&buf, id, SW_PKTBUF_TTL_NS + 1, &port));
    assert_int_equal(buf.stats.expired, 1);
}

static void test_expire_releases_old_only(void **state)
{
    struct pkt *p = pkt_alloc(pool);
    sw_pktbuf_store(&buf, p, 1, 0);
    sw_pktbuf_store(&buf, p, 1, 3 * SEC);
    assert_int_equal(sw_pktbuf_expire(&buf, SW_PKTBUF_TTL_NS), 1);
    assert_int_equal(p->refcnt, 2);
    pkt_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_store_take_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_id_is_single_use, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_generation_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_table_refuses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_table_reuses_expired, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expired_id_unknown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expire_releases_old_only, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
