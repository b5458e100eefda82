/* test_sw_embed.c — the in-process channel (sw_pipe) and the embedded
 * controller talking to a switch-side sw_connmgr through it. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ctl_harness.h"
#include "openflow/ofp_encode.h"
#include "os/log.h"
#include "switch/sw_embed.h"

static void test_pipe_carries_bytes_both_ways_and_wraps(void **state)
{
    void *a, *b;
    struct sw_pipe *p = sw_pipe_create(16, &a, &b);
    const struct sw_transport_ops *o = &sw_pipe_transport;
    uint8_t buf[32];
    assert_non_null(p);
    assert_int_equal(o->read(b, buf, sizeof buf), -EAGAIN);
    assert_int_equal(o->write(a, "0123456789", 10), 10);
    assert_int_equal(sw_pipe_pending(p, 1), 10);
    assert_int_equal(o->read(b, buf, 6), 6);
    assert_memory_equal(buf, "012345", 6);
    assert_int_equal(o->write(a, "abcdefghijklmnop", 16), 12); /* bounded: 16 - 4 */
    assert_int_equal(o->write(a, "x", 1), -EAGAIN);
    assert_int_equal(o->read(b, buf, sizeof buf), 16);
    assert_memory_equal(buf, "6789abcdefghijkl", 16);
    assert_int_equal(o->write(b, "back", 4), 4);
    assert_int_equal(o->read(a, buf, sizeof buf), 4);
    assert_int_equal(o->wait_fd(a), -1);
    o->close(a);
    assert_int_equal(o->read(b, buf, sizeof buf), 0);      /* end of stream */
    assert_int_equal(o->write(b, "z", 1), -EPIPE);
    o->close(b);
    sw_pipe_release(p);
}

/* The switch side: answers FEATURES_REQUEST, records the rest. */
struct fake_switch {
    struct sw_conn *conn;
    int connects, disconnects, packet_outs, set_configs;
};
static struct fake_switch fsw;

static void fs_connect(struct sw_conn *c, void *arg)
{
    fsw.conn = c;
    fsw.connects++;
}

static void fs_message(struct sw_conn *c, const uint8_t *msg, size_t len, void *arg)
{
    struct ofp_msg m;
    struct ofp_err err;
    assert_int_equal(ofp_decode(msg, len, &m, &err), 0);
    if (m.type == OFPT_FEATURES_REQUEST) {
        uint8_t buf[512];
        struct ofp_buf b;
        struct ofp_features f = { .datapath_id = 0x77, .n_buffers = 0, .n_tables = 1 };
        struct ofp_port_desc ports[2] = { { .port_no = 1 }, { .port_no = 2 } };
        ofp_buf_init(&b, buf, sizeof buf);
        ofp_encode_features_reply(&b, m.xid, &f, ports, 2);
        assert_int_equal(sw_conn_send(c, buf, b.len), 0);
    } else if (m.type == OFPT_PACKET_OUT) {
        fsw.packet_outs++;
        assert_int_equal(m.u.packet_out.actions[0].u.output.port, OFPP_FLOOD);
    } else if (m.type == OFPT_SET_CONFIG) {
        fsw.set_configs++;
    }
}

static void fs_disconnect(struct sw_conn *c, void *arg)
{
    fsw.disconnects++;
    fsw.conn = NULL;
}

static void turn(struct sw_connmgr *m, struct sw_embed *e, int n)
{
    for (int i = 0; i < n; i++) {
        sw_connmgr_run(m, 1000);
        if (e)
            sw_embed_run(e, 1000);
    }
}

static void test_embedded_controller_joins_and_answers_packet_in(void **state)
{
    char err[256];
    struct sw_embed *e;
    struct sw_connmgr_cbs cbs = { fs_connect, fs_message, fs_disconnect, NULL };
    struct sw_connmgr *m = sw_connmgr_create(NULL, &cbs);
    memset(&fsw, 0, sizeof fsw);
    assert_int_equal(sw_embed_create(m, "learning", NULL, NULL, 1000, &e, err, sizeof err), 0);
    turn(m, e, 4);
    assert_int_equal(fsw.connects, 1);
    assert_int_equal(fsw.set_configs, 1);
    assert_true(sw_connmgr_has_controller(m));
    assert_true(sw_connmgr_conn_is_active_target(fsw.conn));
    assert_int_equal(ctl_stats(sw_embed_ctl(e))->dps_joined, 1);
    assert_int_equal(ctl_first_dp(sw_embed_ctl(e))->dpid, 0x77);

    static const uint8_t A[6] = { 2, 0, 0, 0, 0, 1 }, B[6] = { 2, 0, 0, 0, 0, 2 };
    uint8_t frame[64], buf[256];
    struct ofp_buf b;
    size_t flen = cth_eth(frame, B, A, 0x0800, NULL, 0);
    struct ofp_packet_in_msg pi = { .buffer_id = OFP_NO_BUFFER, .total_len = (uint16_t)flen,
                                    .in_port = 1, .data = { frame, flen } };
    ofp_buf_init(&b, buf, sizeof buf);
    ofp_encode_packet_in(&b, 0, &pi);
    assert_int_equal(sw_conn_send(fsw.conn, buf, b.len), 0);
    sw_conn_flush(fsw.conn); /* as sw_switch does after its agent ran */
    assert_true(sw_embed_pending(e, true));
    turn(m, e, 2);
    assert_int_equal(fsw.packet_outs, 1);
    assert_false(sw_embed_pending(e, true));

    sw_embed_destroy(e);
    turn(m, NULL, 2);
    assert_int_equal(fsw.disconnects, 1);
    assert_false(sw_connmgr_has_controller(m));
    sw_connmgr_destroy(m);
}

static void test_embed_refuses_bad_app_list(void **state)
{
    char err[256];
    struct sw_embed *e = NULL;
    struct sw_connmgr *m = sw_connmgr_create(NULL, NULL);
    assert_true(sw_embed_create(m, "learning,nope", NULL, NULL, 0, &e, err, sizeof err) < 0);
    assert_null(e);
    assert_non_null(strstr(err, "nope"));
    assert_true(sw_embed_create(m, "static=/x", NULL, NULL, 0, &e, err, sizeof err) < 0);
    assert_int_equal(sw_connmgr_n_sessions(m), 0);
    sw_connmgr_destroy(m);
}

int main(void)
{
    os_log_set_level(OS_LOG_ERR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pipe_carries_bytes_both_ways_and_wraps),
        cmocka_unit_test(test_embedded_controller_joins_and_answers_packet_in),
        cmocka_unit_test(test_embed_refuses_bad_app_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
