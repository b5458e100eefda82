/* test_ctl_learning.c — the learning app, driven with hand-built packet_ins. */
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

static const uint8_t MAC_A[6] = { 2, 0, 0, 0, 0, 0xa };
static const uint8_t MAC_B[6] = { 2, 0, 0, 0, 0, 0xb };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

struct fx {
    struct ctl *ctl;
    struct ctl_dp *dp;
};

static int setup(void **state)
{
    static struct fx fx;
    fx.ctl = ctl_create(cth_send);
    ctl_add_app(fx.ctl, ctl_learning_create(CTL_LEARN_IDLE));
    fx.dp = cth_join(fx.ctl, 0x42, 4);
    *state = &fx;
    return 0;
}

static int teardown(void **state)
{
    struct fx *fx = *state;
    ctl_destroy(fx->ctl);
    return 0;
}

/* Sends a packet_in of a frame src -> dst from in_port. */
static void pin(struct fx *fx, uint32_t buf_id, uint16_t in_port, const uint8_t *dst,
                const uint8_t *src)
{
    uint8_t f[128];
    size_t len = cth_ip_l4(f, dst, src, 0x0a000001, 0x0a000002, 17, 1000, 2000);
    cth_packet_in(fx->ctl, fx->dp, buf_id, in_port, f, len);
}

static void assert_flood(const struct ofp_msg *m, uint32_t buf_id, uint16_t in_port)
{
    assert_non_null(m);
    assert_int_equal(m->u.packet_out.buffer_id, buf_id);
    assert_int_equal(m->u.packet_out.in_port, in_port);
    assert_int_equal(m->u.packet_out.n_actions, 1);
    assert_int_equal(m->u.packet_out.actions[0].type, OFPAT_OUTPUT);
    assert_int_equal(m->u.packet_out.actions[0].u.output.port, OFPP_FLOOD);
}

static void test_unknown_destination_is_flooded_with_buffer(void **state)
{
    struct fx *fx = *state;
    pin(fx, 7, 1, MAC_B, MAC_A);
    assert_int_equal(cth_sent.n, 1);
    assert_flood(cth_nth(OFPT_PACKET_OUT, 0), 7, 1);
    assert_int_equal(cth_nth(OFPT_PACKET_OUT, 0)->u.packet_out.data.len, 0);
}

static void test_broadcast_is_flooded_even_when_known(void **state)
{
    struct fx *fx = *state;
    pin(fx, OFP_NO_BUFFER, 1, BCAST, MAC_A);
    assert_flood(cth_nth(OFPT_PACKET_OUT, 0), OFP_NO_BUFFER, 1);
    assert_true(cth_nth(OFPT_PACKET_OUT, 0)->u.packet_out.data.len >= 60);
    assert_int_equal(cth_count(OFPT_FLOW_MOD), 0);
}

static void test_reply_installs_flow_with_buffer(void **state)
{
    struct fx *fx = *state;
    pin(fx, 1, 1, MAC_B, MAC_A); /* learns A on 1 */
    cth_reset();
    pin(fx, 2, 3, MAC_A, MAC_B); /* B on 3 answers A */
    assert_int_equal(cth_sent.n, 1);
    const struct ofp_msg *m = cth_nth(OFPT_FLOW_MOD, 0);
    assert_non_null(m);
    const struct of_flow_mod *fm = &m->u.flow_mod;
    assert_int_equal(fm->command, OFPFC_ADD);
    assert_int_equal(fm->buffer_id, 2);
    assert_int_equal(fm->idle_timeout, 60);
    assert_int_equal(fm->match.wildcards & (OFPFW_IN_PORT | OFPFW_DL_SRC | OFPFW_DL_DST), 0);
    assert_true(fm->match.wildcards & OFPFW_DL_TYPE);
    assert_int_equal(fm->match.in_port, 3);
    assert_memory_equal(fm->match.dl_dst, MAC_A, 6);
    assert_memory_equal(fm->match.dl_src, MAC_B, 6);
    assert_int_equal(fm->n_actions, 1);
    assert_int_equal(fm->actions[0].u.output.port, 1);
}

static void test_unbuffered_reply_gets_flow_and_packet_out(void **state)
{
    struct fx *fx = *state;
    pin(fx, OFP_NO_BUFFER, 1, MAC_B, MAC_A);
    cth_reset();
    pin(fx, OFP_NO_BUFFER, 2, MAC_A, MAC_B);
    assert_int_equal(cth_sent.n, 2);
    assert_int_equal(cth_sent.msg[0].type, OFPT_FLOW_MOD);
    assert_int_equal(cth_sent.msg[1].type, OFPT_PACKET_OUT);
    const struct ofp_packet_out_msg *po = &cth_sent.msg[1].u.packet_out;
    assert_int_equal(po->actions[0].u.output.port, 1);
    assert_true(po->data.len >= 60);
}

static void test_destination_on_ingress_port_is_dropped(void **state)
{
    struct fx *fx = *state;
    pin(fx, 1, 1, MAC_B, MAC_A);
    pin(fx, 2, 1, MAC_A, MAC_B); /* B is on 1 as well */
    cth_reset();
    pin(fx, 3, 1, MAC_A, MAC_B);
    assert_int_equal(cth_sent.n, 0);
}

static void test_moved_host_is_relearned_and_stale_flows_deleted(void **state)
{
    struct fx *fx = *state;
    pin(fx, 1, 1, MAC_B, MAC_A); /* A on 1 */
    pin(fx, 2, 2, MAC_A, MAC_B); /* B on 2: flow B->A out 1 */
    cth_reset();
    pin(fx, 3, 4, MAC_B, MAC_A); /* A now on 4 */
    const struct ofp_msg *del = cth_nth(OFPT_FLOW_MOD, 0);
    assert_non_null(del);
    assert_int_equal(del->u.flow_mod.command, OFPFC_DELETE);
    assert_int_equal(del->u.flow_mod.out_port, 1);
    assert_memory_equal(del->u.flow_mod.match.dl_dst, MAC_A, 6);
    assert_int_equal(del->u.flow_mod.match.wildcards, OFPFW_ALL & ~OFPFW_DL_DST);
    /* and A's packet to B is forwarded to 2 with a new flow */
    const struct ofp_msg *add = cth_nth(OFPT_FLOW_MOD, 1);
    assert_non_null(add);
    assert_int_equal(add->u.flow_mod.match.in_port, 4);
    assert_int_equal(add->u.flow_mod.actions[0].u.output.port, 2);
    cth_reset();
    pin(fx, 4, 2, MAC_A, MAC_B); /* B -> A now goes to 4 */
    assert_int_equal(cth_nth(OFPT_FLOW_MOD, 0)->u.flow_mod.actions[0].u.output.port, 4);
}

static void test_port_down_forgets_its_hosts(void **state)
{
    struct fx *fx = *state;
    pin(fx, 1, 1, MAC_B, MAC_A);
    cth_reset();
    cth_port_status(fx->ctl, fx->dp, OFPPR_MODIFY, 1, OFPPS_LINK_DOWN);
    /* the flows to A on the dead port are deleted */
    const struct ofp_msg *del = cth_nth(OFPT_FLOW_MOD, 0);
    assert_non_null(del);
    assert_int_equal(del->u.flow_mod.command, OFPFC_DELETE);
    assert_int_equal(del->u.flow_mod.out_port, 1);
    assert_memory_equal(del->u.flow_mod.match.dl_dst, MAC_A, 6);
    assert_int_equal(cth_count(OFPT_FLOW_MOD), 1);
    cth_reset();
    pin(fx, 2, 2, MAC_A, MAC_B);
    assert_flood(cth_nth(OFPT_PACKET_OUT, 0), 2, 2);
}

static void test_multicast_source_is_not_learned(void **state)
{
    struct fx *fx = *state;
    static const uint8_t MCAST[6] = { 1, 0, 0x5e, 0, 0, 1 };
    pin(fx, 1, 1, MAC_B, MCAST);
    cth_reset();
    pin(fx, 2, 2, MCAST, MAC_B);
    assert_int_equal(cth_count(OFPT_FLOW_MOD), 0);
    assert_flood(cth_nth(OFPT_PACKET_OUT, 0), 2, 2);
}

static void test_truncated_unbuffered_packet_is_not_sent(void **state)
{
    struct fx *fx = *state;
    uint8_t f[64], buf[256];
    size_t len = cth_eth(f, MAC_B, MAC_A, 0x0800, NULL, 0);
    /* total_len says 1000 bytes but only 60 came, no buffer */
    struct ofp_packet_in_msg pi = { .buffer_id = OFP_NO_BUFFER, .total_len = 1000,
                                    .in_port = 1, .data = { f, len } };
    struct ofp_buf b;
    ofp_buf_init(&b, buf, sizeof buf);
    ofp_encode_packet_in(&b, 0, &pi);
    ctl_dp_message(fx->ctl, fx->dp, buf, b.len, 0);
    assert_int_equal(cth_sent.n, 0);
}

static void test_quiet_host_ages_out_and_is_flooded_to(void **state)
{
    struct fx *fx = *state;
    pin(fx, 1, 1, MAC_B, MAC_A); /* learns A on 1 */
    cth_reset();
    cth_now = 2000 + (CTL_LEARN_AGING_S - 1) * 1000000000ull;
    pin(fx, 2, 3, MAC_A, MAC_B); /* A still known: a flow */
    assert_int_equal(cth_count(OFPT_FLOW_MOD), 1);
    cth_sent.n = 0;
    cth_now += 2 * 1000000000ull; /* A was last seen AGING_S + 1 s ago */
    pin(fx, 3, 3, MAC_A, MAC_B);
    assert_int_equal(cth_count(OFPT_FLOW_MOD), 0);
    assert_flood(cth_nth(OFPT_PACKET_OUT, 0), 3, 3);
}

static void test_idle_timeout_option_reaches_the_flows(void **state)
{
    (void)state;
    char err[128];
    struct ctl *ctl = ctl_create(cth_send);
    assert_int_equal(ctl_add_apps(ctl, "learning=idle:7", NULL, NULL, err, sizeof err), 1);
    struct ctl_dp *dp = cth_join(ctl, 0x43, 4);
    uint8_t f[128];
    size_t len = cth_ip_l4(f, MAC_B, MAC_A, 0x0a000001, 0x0a000002, 17, 1, 2);
    cth_packet_in(ctl, dp, 1, 1, f, len);
    len = cth_ip_l4(f, MAC_A, MAC_B, 0x0a000002, 0x0a000001, 17, 2, 1);
    cth_reset();
    cth_packet_in(ctl, dp, 2, 2, f, len);
    const struct ofp_msg *m = cth_nth(OFPT_FLOW_MOD, 0);
    assert_non_null(m);
    assert_int_equal(m->u.flow_mod.idle_timeout, 7);
    ctl_destroy(ctl);
}

static void test_bad_learning_options_are_refused(void **state)
{
    (void)state;
    static const char *const bad[] = { "learning=", "learning=idle", "learning=idle:",
                                       "learning=idle:x", "learning=idle:65536",
                                       "learning=idle:5s", "learning=hard:5",
                                       "learningx" };
    char err[128];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct ctl *ctl = ctl_create(cth_send);
        err[0] = '\0';
        assert_true(ctl_add_apps(ctl, bad[i], NULL, NULL, err, sizeof err) < 0);
        assert_true(err[0] != '\0');
        ctl_destroy(ctl);
    }
}

int main(void)
{
    os_log_set_level(OS_LOG_ERR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_unknown_destination_is_flooded_with_buffer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_broadcast_is_flooded_even_when_known, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reply_installs_flow_with_buffer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unbuffered_reply_gets_flow_and_packet_out, setup, teardown),
        cmocka_unit_test_setup_teardown(test_destination_on_ingress_port_is_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_moved_host_is_relearned_and_stale_flows_deleted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_port_down_forgets_its_hosts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multicast_source_is_not_learned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_unbuffered_packet_is_not_sent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quiet_host_ages_out_and_is_flooded_to, setup, teardown),
        cmocka_unit_test(test_idle_timeout_option_reaches_the_flows),
        cmocka_unit_test(test_bad_learning_options_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
