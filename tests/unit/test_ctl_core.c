/* test_ctl_core.c — the controller library: datapath life, dispatch, apps list. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "controller/ctl.h"
#include "controller/ctl_app.h"
#include "ctl_harness.h"
#include "openflow/ofp_encode.h"
#include "os/log.h"
#include "os/mem.h"

/* A recording app: counts events; stops packet_in when `stop`. */
struct rec {
    int joins, leaves, packet_ins, port_status, barriers, errors;
    bool stop;
};
static struct rec rec_a, rec_b;

static void rec_join(struct ctl_app *a, struct ctl_dp *dp) { ((struct rec *)a->priv)->joins++; }
static void rec_leave(struct ctl_app *a, struct ctl_dp *dp) { ((struct rec *)a->priv)->leaves++; }
static enum ctl_verdict rec_pi(struct ctl_app *a, struct ctl_dp *dp, struct ctl_pi_ctx *c)
{
    struct rec *r = a->priv;
    r->packet_ins++;
    return r->stop ? CTL_STOP : CTL_CONTINUE;
}
static void rec_ps(struct ctl_app *a, struct ctl_dp *dp, uint8_t reason,
                   const struct ofp_port_desc *p)
{
    ((struct rec *)a->priv)->port_status++;
}
static void rec_barrier(struct ctl_app *a, struct ctl_dp *dp, uint32_t xid)
{
    ((struct rec *)a->priv)->barriers++;
}
static void rec_error(struct ctl_app *a, struct ctl_dp *dp, const struct ofp_msg *m)
{
    ((struct rec *)a->priv)->errors++;
}
static void rec_destroy(struct ctl_app *a) { a->priv = NULL; /* static storage */ }

static const struct ctl_app_ops rec_ops = {
    .name = "rec", .join = rec_join, .leave = rec_leave, .packet_in = rec_pi,
    .port_status = rec_ps, .barrier_reply = rec_barrier, .error = rec_error,
    .destroy = rec_destroy,
};

static struct ctl_app *rec_app(struct rec *r)
{
    struct ctl_app *a = ctl_app_alloc(&rec_ops, 0);
    memset(r, 0, sizeof *r);
    a->priv = r;
    return a;
}

static const uint8_t MAC_A[6] = { 0, 0, 0, 0, 0, 0xa };
static const uint8_t MAC_B[6] = { 0, 0, 0, 0, 0, 0xb };

static void test_connect_sends_features_request_and_set_config(void **state)
{
    struct ctl *ctl = ctl_create(cth_send);
    cth_reset();
    struct ctl_dp *dp = ctl_dp_connected(ctl, (void *)1, 0);
    assert_non_null(dp);
    assert_int_equal(cth_sent.n, 2);
    assert_int_equal(cth_sent.msg[0].type, OFPT_FEATURES_REQUEST);
    assert_int_equal(cth_sent.msg[1].type, OFPT_SET_CONFIG);
    assert_int_equal(cth_sent.msg[1].u.config.miss_send_len, CTL_MISS_SEND_LEN);
    assert_false(dp->ready);
    ctl_destroy(ctl);
}

static void test_features_reply_joins_apps_in_order_once(void **state)
{
    struct ctl *ctl = ctl_create(cth_send);
    ctl_add_app(ctl, rec_app(&rec_a));
    struct ctl_dp *dp = cth_join(ctl, 0xabc, 3);
    assert_true(dp->ready);
    assert_int_equal(dp->dpid, 0xabc);
    assert_int_equal(dp->n_ports, 3);
    assert_non_null(ctl_dp_port(dp, 2));
    assert_null(ctl_dp_port(dp, 4));
    assert_int_equal(rec_a.joins, 1);
    ctl_dp_disconnected(ctl, dp, 0);
    assert_int_equal(rec_a.leaves, 1);
    assert_null(ctl_first_dp(ctl));
    ctl_destroy(ctl);
}

static void test_events_before_features_are_dropped(void **state)
{
    struct ctl *ctl = ctl_create(cth_send);
    uint8_t f[64];
    ctl_add_app(ctl, rec_app(&rec_a));
    struct ctl_dp *dp = ctl_dp_connected(ctl, (void *)1, 0);
    cth_packet_in(ctl, dp, 1, 1, f, cth_eth(f, MAC_B, MAC_A, 0x0800, NULL, 0));
    assert_int_equal(rec_a.packet_ins, 0);
    assert_int_equal(ctl_stats(ctl)->rx_not_ready, 1);
    ctl_destroy(ctl);
    assert_int_equal(rec_a.leaves, 0); /* never joined */
}

static void test_packet_in_stops_at_first_stop(void **state)
{
    struct ctl *ctl = ctl_create(cth_send);
    uint8_t f[64];
    ctl_add_app(ctl, rec_app(&rec_a));
    ctl_add_app(ctl, rec_app(&rec_b));
    rec_a.stop = true;
    struct ctl_dp *dp = cth_join(ctl, 1, 2);
    cth_packet_in(ctl, dp, 1, 1, f, cth_eth(f, MAC_B, MAC_A, 0x0800, NULL, 0));
    assert_int_equal(rec_a.packet_ins, 1);
    assert_int_equal(rec_b.packet_ins, 0);
    rec_a.stop = false;
    cth_packet_in(ctl, dp, 2, 1, f, cth_eth(f, MAC_B, MAC_A, 0x0800, NULL, 0));
    assert_int_equal(rec_b.packet_ins, 1);
    ctl_destroy(ctl);
}

static void test_port_status_updates_ports_and_reaches_apps(void **state)
{
    struct ctl *ctl = ctl_create(cth_send);
    ctl_add_app(ctl, rec_app(&rec_a));
    struct ctl_dp *dp = cth_join(ctl, 1, 2);
    cth_port_status(ctl, dp, OFPPR_ADD, 7, 0);
    assert_non_null(ctl_dp_port(dp, 7));
    cth_port_status(ctl, dp, OFPPR_MODIFY, 7, OFPPS_LINK_DOWN);
    assert_int_equal(ctl_dp_port(dp, 7)->state, OFPPS_LINK_DOWN);
    cth_port_status(ctl, dp, OFPPR_DELETE, 1, 0);
    assert_null(ctl_dp_port(dp, 1));
    assert_int_equal(dp->n_ports, 2);
    assert_int_equal(rec_a.port_status, 3);
    ctl_destroy(ctl);
}

static void test_barrier_and_error_reach_apps(void **state)
{
    struct ctl *ctl = ctl_create(cth_send);
    uint8_t buf[128];
    struct ofp_buf b;
    ctl_add_app(ctl, rec_app(&rec_a));
    struct ctl_dp *dp = cth_join(ctl, 1, 2);
    long xid = ctl_send_barrier(dp);
    assert_true(xid > 0);
    assert_int_equal(cth_count(OFPT_BARRIER_REQUEST), 1);
    ofp_buf_init(&b, buf, sizeof buf);
    ofp_encode_simple(&b, OFPT_BARRIER_REPLY, (uint32_t)xid);
    ctl_dp_message(ctl, dp, buf, b.len, 0);
    assert_int_equal(rec_a.barriers, 1);
    ofp_buf_init(&b, buf, sizeof buf);
    ofp_encode_error(&b, 9, OFPET_BAD_REQUEST, OFPBRC_BAD_TYPE, NULL, 0);
    ctl_dp_message(ctl, dp, buf, b.len, 0);
    assert_int_equal(rec_a.errors, 1);
    assert_int_equal(ctl_stats(ctl)->rx_errors, 1);
    ctl_destroy(ctl);
}

static void test_garbage_is_counted_not_fatal(void **state)
{
    struct ctl *ctl = ctl_create(cth_send);
    struct ctl_dp *dp = cth_join(ctl, 1, 2);
    uint8_t junk[] = { 1, 10, 0, 9, 0, 0, 0, 1, 0xff }; /* short packet_in */
    ctl_dp_message(ctl, dp, junk, sizeof junk, 0);
    ctl_dp_message(ctl, dp, junk, 3, 0);
    assert_int_equal(ctl_stats(ctl)->rx_bad, 2);
    ctl_destroy(ctl);
}

static void test_stats_request_is_encoded(void **state)
{
    struct ctl *ctl = ctl_create(cth_send);
    struct ctl_dp *dp = cth_join(ctl, 1, 2);
    struct ofp_stats_request_msg r = { .type = OFPST_DESC };
    assert_true(ctl_send_stats_request(dp, &r) > 0);
    assert_int_equal(cth_count(OFPT_STATS_REQUEST), 1);
    ctl_destroy(ctl);
}

static int fake_read(void *arg, const char *path, char **text)
{
    if (strcmp(path, "flows") == 0) {
        *text = os_strdup("in_port=1,actions=output:2\n");
        return 0;
    }
    return -ENOENT;
}

static void test_app_list_parses_and_rejects(void **state)
{
    char err[256];
    struct ctl *ctl = ctl_create(cth_send);
    assert_int_equal(ctl_add_apps(ctl, "learning,static=flows", fake_read, NULL, err,
                                  sizeof err), 2);
    assert_int_equal(ctl_n_apps(ctl), 2);
    assert_true(ctl_add_apps(ctl, "bogus", fake_read, NULL, err, sizeof err) < 0);
    assert_non_null(strstr(err, "unknown app 'bogus'"));
    assert_true(ctl_add_apps(ctl, "firewall=nope", fake_read, NULL, err, sizeof err) < 0);
    assert_non_null(strstr(err, "cannot read"));
    assert_true(ctl_add_apps(ctl, "", fake_read, NULL, err, sizeof err) < 0);
    assert_true(ctl_add_apps(ctl, "learning,,learning", fake_read, NULL, err, sizeof err) < 0);
    ctl_destroy(ctl);
}

int main(void)
{
    os_log_set_level(OS_LOG_ERR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connect_sends_features_request_and_set_config),
        cmocka_unit_test(test_features_reply_joins_apps_in_order_once),
        cmocka_unit_test(test_events_before_features_are_dropped),
        cmocka_unit_test(test_packet_in_stops_at_first_stop),
        cmocka_unit_test(test_port_status_updates_ports_and_reaches_apps),
        cmocka_unit_test(test_barrier_and_error_reach_apps),
        cmocka_unit_test(test_garbage_is_counted_not_fatal),
        cmocka_unit_test(test_stats_request_is_encoded),
        cmocka_unit_test(test_app_list_parses_and_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
