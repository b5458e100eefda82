/*
 * test_netfront_xs.c — netfront's xenstore control path
 * (netfront/netfront_xs.c, with its data path and the real xenstore client
 * and grant table) against a xenstored played in host memory
 * (tests/unit/xs_fake.c) and a netback that walks its side of the
 * xen/io/netif.h handshake from the fake's wait hook: discovery, the
 * published keys (one queue and several, split event channels or not),
 * bounded waits when the backend misbehaves, detach and re-attach, close.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "libos/xen/gnttab_core.c"
#include "libos/xen/xs_client.c"
#include "libos/xen/xs_ring.c"
#include "netfront/netfront.c"
#include "netfront/netfront_xs.c"
#include "tests/unit/xen/plat_fake.c"
#include "xs_fake.h"

#define FE "device/vif/0"
#define BE "/local/domain/0/backend/vif/7/0"

/* ---- the platform: tests/unit/xen/plat_fake.c, and this xenstore ---- */
static struct xs_client xsc;
static bool xs_connected;

struct xs_client *xen_xs(void)
{
    return xs_connected ? &xsc : NULL;
}

/* ---- a netback walking its side of the handshake ---- */
struct fx {
    struct xs_fake f;
    struct pkt_pool *pool;
    bool be_auto;          /* the backend follows the frontend's states */
    bool be_never_connects;
};

/* The fake's wait hook: netback's reaction to the frontend's state. */
static void be_step(struct xs_fake *f, void *arg)
{
    struct fx *x = arg;
    const char *fe = xs_fake_get(f, FE "/state"), *be = xs_fake_get(f, BE "/state");
    if (!x->be_auto || !fe || !be)
        return;
    if (!strcmp(fe, "4") && !strcmp(be, "2") && !x->be_never_connects)
        xs_fake_set(f, BE "/state", "4");
    else if (!strcmp(fe, "5") && strcmp(be, "5") && strcmp(be, "6"))
        xs_fake_set(f, BE "/state", "5");
    else if (!strcmp(fe, "6") && strcmp(be, "6"))
        xs_fake_set(f, BE "/state", "6");
}

/* Creates vif 0 as the toolstack does: frontend Initialising, backend
 * InitWait with `maxq` queues (0: no multi-queue key) and `split`. */
static void make_vif(struct fx *x, unsigned maxq, bool split)
{
    xs_fake_set(&x->f, FE "/backend", BE);
    xs_fake_set(&x->f, FE "/backend-id", "0");
    xs_fake_set(&x->f, FE "/mac", "00:16:3e:01:02:03");
    xs_fake_set(&x->f, FE "/state", "1");
    xs_fake_set(&x->f, BE "/feature-rx-copy", "1");
    xs_fake_set(&x->f, BE "/feature-split-event-channels", split ? "1" : "0");
    if (maxq) {
        char q[8];
        snprintf(q, sizeof q, "%u", maxq);
        xs_fake_set(&x->f, BE "/multi-queue-max-queues", q);
    }
    xs_fake_set(&x->f, BE "/state", "2");
}

static int setup(void **state)
{
    struct fx *x = calloc(1, sizeof *x);
    assert_non_null(x);
    xs_fake_init(&x->f);
    x->f.on_wait = be_step;
    x->f.arg = x;
    x->be_auto = true;
    struct xs_transport tp = xs_fake_transport(&x->f);
    xs_client_init(&xsc, &x->f.ring, &tp);
    xs_connected = true;
    xen_fake_reset(16);
    x->pool = pkt_pool_create(256, 4096, 128);
    assert_non_null(x->pool);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    struct fx *x = *state;
    assert_int_equal(xen_fake_gnt.st.in_use, 0);
    assert_int_equal(pkt_pool_avail(x->pool), 256);
    pkt_pool_destroy(x->pool);
    xen_fake_fini();
    xs_fake_fini(&x->f);
    free(x);
    return 0;
}

/* Returns the frontend key `key` as a number (-1 when absent). */
static long fe_key(struct fx *x, const char *key)
{
    char path[96];
    snprintf(path, sizeof path, FE "/%s", key);
    const char *v = xs_fake_get(&x->f, path);
    return v ? strtol(v, NULL, 10) : -1;
}

/* Opens "netfront:ARG".  Returns the device (NULL on failure, rc in *rc). */
static struct netdev *open_vif(struct fx *x, const char *arg, int *rc)
{
    struct netdev *nd = NULL;
    *rc = netfront_class.open(arg, x->pool, &nd);
    return nd;
}

static void open_connects_two_queues_with_split_channels(void **state)
{
    struct fx *x = *state;
    int rc;
    make_vif(x, 2, true);
    struct netdev *nd = open_vif(x, "0", &rc);
    assert_int_equal(rc, 0);
    assert_true(nd->link_up);
    assert_string_equal(nd->name, "vif0");
    assert_memory_equal(nd->mac, "\x00\x16\x3e\x01\x02\x03", 6);
    assert_int_equal(fe_key(x, "state"), XenbusStateConnected);
    assert_int_equal(fe_key(x, "multi-queue-num-queues"), 2);
    assert_int_equal(fe_key(x, "request-rx-copy"), 1);
    assert_int_equal(fe_key(x, "feature-rx-notify"), 1);
    assert_int_equal(fe_key(x, "feature-sg"), 0);
    struct netfront *nf = nd->priv;
    for (unsigned i = 0; i < 2; i++) {
        char k[64];
        snprintf(k, sizeof k, "queue-%u/tx-ring-ref", i);
        assert_int_equal(fe_key(x, k), nf->q[i]->tx_ref);
        snprintf(k, sizeof k, "queue-%u/rx-ring-ref", i);
        assert_int_equal(fe_key(x, k), nf->q[i]->rx_ref);
        snprintf(k, sizeof k, "queue-%u/event-channel-tx", i);
        assert_int_equal(fe_key(x, k), nf->q[i]->evtchn_tx);
        snprintf(k, sizeof k, "queue-%u/event-channel-rx", i);
        assert_int_equal(fe_key(x, k), nf->q[i]->evtchn_rx);
        assert_true(nf->q[i]->evtchn_tx != nf->q[i]->evtchn_rx);
    }
    assert_int_equal(fe_key(x, "tx-ring-ref"), -1); /* no flat keys with queues */
    netdev_close(nd);
}

static void one_queue_uses_the_flat_keys_and_one_channel(void **state)
{
    struct fx *x = *state;
    int rc;
    make_vif(x, 0, false);
    struct netdev *nd = open_vif(x, "0", &rc);
    assert_int_equal(rc, 0);
    assert_true(nd->link_up);
    struct netfront *nf = nd->priv;
    assert_int_equal(nf->n_queues, 1);
    assert_int_equal(fe_key(x, "multi-queue-num-queues"), -1);
    assert_int_equal(fe_key(x, "tx-ring-ref"), nf->q[0]->tx_ref);
    assert_int_equal(fe_key(x, "event-channel"), nf->q[0]->evtchn_tx);
    assert_int_equal(fe_key(x, "event-channel-tx"), -1);
    netdev_close(nd);
}

static void the_queues_option_caps_what_the_backend_offers(void **state)
{
    struct fx *x = *state;
    int rc;
    make_vif(x, 4, true);
    struct netdev *nd = open_vif(x, "0,queues=3", &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(((struct netfront *)nd->priv)->n_queues, 3);
    assert_int_equal(fe_key(x, "multi-queue-num-queues"), 3);
    netdev_close(nd);
}

static void a_transaction_conflict_is_retried(void **state)
{
    struct fx *x = *state;
    int rc;
    make_vif(x, 2, true);
    x->f.conflicts = 2;
    struct netdev *nd = open_vif(x, "0", &rc);
    assert_int_equal(rc, 0);
    assert_true(nd->link_up);
    assert_int_equal(x->f.conflicts, 0);
    netdev_close(nd);
}

static void a_backend_without_rx_copy_leaves_the_port_down(void **state)
{
    struct fx *x = *state;
    int rc;
    make_vif(x, 2, true);
    xs_fake_set(&x->f, BE "/feature-rx-copy", "0");
    uint64_t t0 = x->f.now;
    struct netdev *nd = open_vif(x, "0", &rc);
    assert_int_equal(rc, 0);
    assert_false(nd->link_up);
    assert_int_equal(((struct netfront *)nd->priv)->state, NF_DETACHED);
    assert_true(x->f.now - t0 <= NF_OPEN_WAIT_NS + NF_RECHECK_NS);
    assert_int_equal(xen_fake_gnt.st.in_use, 0);
    netdev_close(nd);
}

static void a_backend_that_never_connects_is_given_up_on(void **state)
{
    struct fx *x = *state;
    int rc;
    make_vif(x, 2, true);
    x->be_never_connects = true;
    uint64_t t0 = x->f.now;
    struct netdev *nd = open_vif(x, "0", &rc);
    assert_int_equal(rc, 0);
    assert_false(nd->link_up);
    assert_true(x->f.now - t0 >= NF_STEP_WAIT_NS);            /* tried for a while */
    assert_true(x->f.now - t0 <= NF_OPEN_WAIT_NS + NF_RECHECK_NS); /* and stopped */
    netdev_close(nd);
}

static void detach_takes_the_link_down_and_releases_after_closed(void **state)
{
    struct fx *x = *state;
    int rc;
    make_vif(x, 2, true);
    struct netdev *nd = open_vif(x, "0", &rc);
    struct netfront *nf = nd->priv;
    x->be_auto = false;
    xs_fake_set(&x->f, BE "/state", "5"); /* xl network-detach */
    xs_fake_serve(&x->f);
    assert_true(netdev_poll_link(nd));
    assert_false(nd->link_up);
    assert_int_equal(nf->state, NF_CLOSING);
    assert_int_equal(fe_key(x, "state"), XenbusStateClosed);
    assert_true(xen_fake_gnt.st.in_use > 0); /* the backend may still map the rings */
    xs_fake_set(&x->f, BE "/state", "6");
    xs_fake_serve(&x->f);
    assert_false(netdev_poll_link(nd));
    assert_int_equal(nf->state, NF_DETACHED);
    assert_int_equal(xen_fake_gnt.st.in_use, 0);
    xs_fake_rm(&x->f, BE); /* the toolstack removes both directories */
    xs_fake_rm(&x->f, FE);
    xs_fake_serve(&x->f);
    assert_false(netdev_poll_link(nd));
    assert_null(xs_fake_get(&x->f, FE "/state")); /* not recreated by us */
    netdev_close(nd);
}

static void reattach_brings_the_link_back(void **state)
{
    struct fx *x = *state;
    int rc;
    make_vif(x, 2, true);
    struct netdev *nd = open_vif(x, "0", &rc);
    x->be_auto = false;
    xs_fake_rm(&x->f, BE); /* a backend that vanishes at once */
    xs_fake_rm(&x->f, FE);
    xs_fake_serve(&x->f);
    assert_true(netdev_poll_link(nd));
    assert_false(nd->link_up);
    assert_int_equal(xen_fake_gnt.st.in_use, 0);
    make_vif(x, 2, true); /* xl network-attach ... devid=0 */
    xs_fake_set(&x->f, FE "/mac", "00:16:3e:0a:0b:0c");
    xs_fake_serve(&x->f);
    assert_false(netdev_poll_link(nd)); /* connecting: frontend Connected */
    assert_int_equal(fe_key(x, "state"), XenbusStateConnected);
    xs_fake_set(&x->f, BE "/state", "4");
    xs_fake_serve(&x->f);
    assert_true(netdev_poll_link(nd));
    assert_true(nd->link_up);
    assert_memory_equal(nd->mac, "\x00\x16\x3e\x0a\x0b\x0c", 6);
    x->be_auto = true;
    netdev_close(nd);
}

static void close_walks_the_frontend_through_closing_and_closed(void **state)
{
    struct fx *x = *state;
    int rc;
    make_vif(x, 2, true);
    struct netdev *nd = open_vif(x, "0", &rc);
    netdev_close(nd);
    assert_int_equal(fe_key(x, "state"), XenbusStateClosed);
    assert_string_equal(xs_fake_get(&x->f, BE "/state"), "6");
    for (unsigned i = 0; i < XS_MAX_WATCHES; i++)
        assert_false(xsc.watches[i].token[0]); /* every watch removed */
}

static void close_with_a_stuck_backend_is_bounded(void **state)
{
    struct fx *x = *state;
    int rc;
    make_vif(x, 2, true);
    struct netdev *nd = open_vif(x, "0", &rc);
    x->be_auto = false; /* the backend stays Connected */
    uint64_t t0 = x->f.now;
    netdev_close(nd);
    assert_true(x->f.now - t0 <= 2 * NF_CLOSE_WAIT_NS + 2 * NF_RECHECK_NS);
}

static void bad_specs_and_missing_vifs_are_refused(void **state)
{
    struct fx *x = *state;
    int rc;
    make_vif(x, 2, true);
    assert_null(open_vif(x, "x", &rc));
    assert_int_equal(rc, -EINVAL);
    assert_null(open_vif(x, "0,queues=0", &rc));
    assert_int_equal(rc, -EINVAL);
    assert_null(open_vif(x, "0,lanes=2", &rc));
    assert_int_equal(rc, -EINVAL);
    assert_null(open_vif(x, "5", &rc));
    assert_int_equal(rc, -ENODEV);
    xs_fake_set(&x->f, FE "/mac", "00:16:3e:01:02");
    assert_null(open_vif(x, "0", &rc));
    assert_int_equal(rc, -ENODEV);
}

static void a_vif_opens_once(void **state)
{
    struct fx *x = *state;
    int rc;
    make_vif(x, 1, false);
    struct netdev *nd = open_vif(x, "0", &rc);
    assert_int_equal(rc, 0);
    assert_null(open_vif(x, "0", &rc));
    assert_int_equal(rc, -EBUSY);
    netdev_close(nd);
}

static void a_pool_of_small_slots_is_refused(void **state)
{
    struct fx *x = *state;
    struct netdev *nd = NULL;
    make_vif(x, 1, false);
    struct pkt_pool *small = pkt_pool_create(16, 2048, 128);
    assert_int_equal(netfront_class.open("0", small, &nd), -EINVAL);
    pkt_pool_destroy(small);
}

static void without_xenstore_nothing_opens(void **state)
{
    struct fx *x = *state;
    int rc;
    xs_connected = false;
    assert_null(open_vif(x, "0", &rc));
    assert_int_equal(rc, -ENODEV);
    assert_int_equal(netfront_discover(), 0);
    xs_connected = true;
}

static void discovery_lists_vifs_in_devid_order(void **state)
{
    struct fx *x = *state;
    char d[96];
    xs_fake_set(&x->f, "device/vif/10/backend", "/b/10");
    xs_fake_set(&x->f, "device/vif/2/backend", "/b/2");
    xs_fake_set(&x->f, "device/vif/0/backend", "/b/0");
    xs_fake_set(&x->f, "device/vif/junk/backend", "/b/j");
    assert_int_equal(netfront_discover(), 3);
    assert_string_equal(netfront_describe(0, d, sizeof d), "vif 0, backend /b/0");
    assert_string_equal(netfront_describe(1, d, sizeof d), "vif 2, backend /b/2");
    assert_string_equal(netfront_describe(2, d, sizeof d), "vif 10, backend /b/10");
    assert_null(netfront_describe(3, d, sizeof d));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(open_connects_two_queues_with_split_channels),
        T(one_queue_uses_the_flat_keys_and_one_channel),
        T(the_queues_option_caps_what_the_backend_offers),
        T(a_transaction_conflict_is_retried),
        T(a_backend_without_rx_copy_leaves_the_port_down),
        T(a_backend_that_never_connects_is_given_up_on),
        T(detach_takes_the_link_down_and_releases_after_closed),
        T(reattach_brings_the_link_back),
        T(close_walks_the_frontend_through_closing_and_closed),
        T(close_with_a_stuck_backend_is_bounded),
        T(bad_specs_and_missing_vifs_are_refused),
        T(a_vif_opens_once),
        T(a_pool_of_small_slots_is_refused),
        T(without_xenstore_nothing_opens),
        T(discovery_lists_vifs_in_devid_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
