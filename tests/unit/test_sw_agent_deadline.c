/* test_sw_agent_deadline.c — when the agent wants the CPU back: its timed
 * carrier poll, and none of it when every port's carrier changes wake a
 * halted CPU by themselves (netdev.link_wakes, netfront); buffered
 * packet_ins then still get their expiry, at most once a second. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "datapath/dp_pipeline.h"
#include "os/pkt.h"
#include "switch/sw_agent.h"
#include "switch/sw_agent_priv.h"
#include "switch/sw_connmgr.h"
#include "switch/sw_pktbuf.h"

#define MS 1000000ull
#define NPORTS 2

struct ldev {
    struct netdev nd;
    bool carrier;       /* what poll_link reports next */
    unsigned polls;
};

static unsigned l_rx(struct netdev *dev, struct pkt **pkts, unsigned n)
{
    return 0;
}

static unsigned l_tx(struct netdev *dev, struct pkt **pkts, unsigned n)
{
    pkt_free_burst(pkts, n);
    return n;
}

static bool l_poll_link(struct netdev *dev)
{
    struct ldev *l = (struct ldev *)dev;
    bool was = dev->link_up;
    l->polls++;
    dev->link_up = l->carrier;
    return was != dev->link_up;
}

static const struct netdev_class lclass = {
    .type = "linktest", .rx_burst = l_rx, .tx_burst = l_tx, .poll_link = l_poll_link};
static const struct netdev_class nolink_class = {
    .type = "nolink", .rx_burst = l_rx, .tx_burst = l_tx};

struct fx {
    struct pkt_pool *pool;
    struct dp *dp;
    struct sw_agent *a;
    struct sw_connmgr *mgr;
    struct ldev dev[NPORTS];
};

/* Builds a datapath of NPORTS ports of class `cls`, each with link_wakes
 * as given, and runs the agent once at t=0.  Returns the fixture. */
static struct fx *make(const struct netdev_class *cls, bool wakes0, bool wakes1)
{
    struct fx *f = calloc(1, sizeof *f);
    f->pool = pkt_pool_create(64, 2048, 128);
    struct dp_config cfg = {.max_flows = 16, .pool = f->pool};
    f->dp = dp_create(&cfg);
    assert_non_null(f->dp);
    for (int i = 0; i < NPORTS; i++) {
        f->dev[i].nd.cls = cls;
        f->dev[i].nd.link_up = f->dev[i].carrier = true;
        f->dev[i].nd.pool = f->pool;
        f->dev[i].nd.wait_fd = -1;
        f->dev[i].nd.link_wakes = i ? wakes1 : wakes0;
        assert_int_equal(dp_add_port(f->dp, &f->dev[i].nd, (uint16_t)(i + 1)), 0);
    }
    f->a = sw_agent_create(f->dp, f->pool, 1);
    assert_non_null(f->a);
    struct sw_connmgr_cbs cbs = {sw_agent_on_connect, sw_agent_on_message,
                                 sw_agent_on_disconnect, f->a};
    f->mgr = sw_connmgr_create(NULL, &cbs);
    assert_non_null(f->mgr);
    sw_agent_set_connmgr(f->a, f->mgr);
    sw_agent_run(f->a, 0);
    return f;
}

static void destroy(struct fx *f)
{
    sw_connmgr_destroy(f->mgr);
    sw_agent_destroy(f->a);
    dp_destroy(f->dp);
    assert_int_equal(pkt_pool_avail(f->pool), pkt_pool_size(f->pool));
    pkt_pool_destroy(f->pool);
    free(f);
}

static void test_polled_carrier_wakes_every_100ms(void **state)
{
    struct fx *f = make(&lclass, false, false);
    assert_int_equal(sw_agent_next_deadline(f->a), 100 * MS);
    destroy(f);
}

static void test_one_polled_port_is_enough_to_need_the_timer(void **state)
{
    struct fx *f = make(&lclass, true, false);
    assert_int_equal(sw_agent_next_deadline(f->a), 100 * MS);
    destroy(f);
}

static void test_waking_carriers_need_no_timer(void **state)
{
    struct fx *f = make(&lclass, true, true);
    assert_int_equal(sw_agent_next_deadline(f->a), UINT64_MAX);
    destroy(f);
}

static void test_ports_without_carrier_need_no_timer(void **state)
{
    struct fx *f = make(&nolink_class, false, false);
    assert_int_equal(sw_agent_next_deadline(f->a), UINT64_MAX);
    destroy(f);
}

static void test_buffered_packet_in_gets_its_expiry_once_a_second(void **state)
{
    struct fx *f = make(&lclass, true, true);
    /* white box: a packet_in buffer as the agent stores one for a
     * controller (the table is the agent's own, sw_agent_priv.h) */
    struct pkt *p = pkt_alloc(f->pool);
    assert_int_not_equal(sw_pktbuf_store(&f->a->bufs, p, 1, 0), SW_PKTBUF_NONE);
    pkt_free(p);
    assert_int_equal(sw_agent_next_deadline(f->a), 1000 * MS);
    sw_agent_run(f->a, 1000 * MS); /* not yet stale (5 s): kept */
    assert_int_equal(sw_agent_next_deadline(f->a), 2000 * MS);
    sw_agent_run(f->a, 6000 * MS); /* stale: released, no timer left */
    assert_int_equal(sw_agent_next_deadline(f->a), UINT64_MAX);
    destroy(f);
}

static void test_poll_after_wakeup_reports_a_change(void **state)
{
    struct fx *f = make(&lclass, true, true);
    f->dev[1].carrier = false;
    unsigned before = f->dev[1].polls;
    sw_agent_poll_links(f->a, true);
    assert_int_equal(f->dev[1].polls, before + 1);
    assert_false(f->dev[1].nd.link_up);
    assert_true(f->dev[0].nd.link_up);
    destroy(f);
}

/* After a wake-up only the ports whose carrier changes wake the CPU are
 * polled (polling a virtio port's status register is an exit into the
 * device model); the timed poll covers the others. */
static void test_poll_after_wakeup_skips_polled_ports(void **state)
{
    struct fx *f = make(&lclass, true, false);
    unsigned p0 = f->dev[0].polls, p1 = f->dev[1].polls;
    sw_agent_poll_links(f->a, true);
    assert_int_equal(f->dev[0].polls, p0 + 1);
    assert_int_equal(f->dev[1].polls, p1);
    sw_agent_poll_links(f->a, false);
    assert_int_equal(f->dev[1].polls, p1 + 1);
    destroy(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_polled_carrier_wakes_every_100ms),
        cmocka_unit_test(test_one_polled_port_is_enough_to_need_the_timer),
        cmocka_unit_test(test_waking_carriers_need_no_timer),
        cmocka_unit_test(test_ports_without_carrier_need_no_timer),
        cmocka_unit_test(test_buffered_packet_in_gets_its_expiry_once_a_second),
        cmocka_unit_test(test_poll_after_wakeup_reports_a_change),
        cmocka_unit_test(test_poll_after_wakeup_skips_polled_ports),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
