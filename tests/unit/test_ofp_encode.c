/*
 * test_ofp_encode.c — the OpenFlow 1.0 encoders (openflow/ofp_encode.h),
 * the statistics reply writer, and the one-line printer
 * (openflow/ofp_msg_print.h): what the agent builds must decode back to
 * what it meant, never overrun the caller's buffer, and split long replies.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "openflow/ofp_encode.h"
#include "openflow/ofp_match.h"
#include "openflow/ofp_msg.h"
#include "openflow/ofp_msg_print.h"

static uint8_t mem[70000];
static struct ofp_buf b;
static struct ofp_msg msg;
static struct ofp_err err;
static char line[2048];

static int setup(void **state)
{
    memset(mem, 0xee, sizeof mem);
    ofp_buf_init(&b, mem, sizeof mem);
    return 0;
}

/* Decodes the message at mem + off (length from its header). */
static void decode_at(size_t off)
{
    size_t len = (size_t)mem[off + 2] << 8 | mem[off + 3];

    assert_int_equal(ofp_decode(mem + off, len, &msg, &err), 0);
}

static struct ofp_port_desc port(uint16_t no, const char *name)
{
    struct ofp_port_desc d;

    memset(&d, 0, sizeof d);
    d.port_no = no;
    d.hw_addr[5] = (uint8_t)no;
    memcpy(d.name, name, strnlen(name, OFP_MAX_PORT_NAME_LEN));
    d.curr = OFPPF_1GB_FD;
    return d;
}

static void test_full_buffer_is_enospc_and_untouched(void **state)
{
    struct ofp_features f = { .datapath_id = 1 };
    struct ofp_port_desc p[2] = { port(1, "a"), port(2, "b") };

    b.cap = 32 + 2 * 48 - 1;
    assert_int_equal(ofp_encode_features_reply(&b, 1, &f, p, 2), -ENOSPC);
    assert_int_equal(b.len, 0);
    assert_int_equal(mem[0], 0xee);
    assert_int_equal(mem[b.cap], 0xee);
}

static void test_oversized_message_is_emsgsize(void **state)
{
    assert_int_equal(ofp_encode_echo(&b, OFPT_ECHO_REQUEST, 1, mem, 65535 - 7), -EMSGSIZE);
    assert_int_equal(b.len, 0);
}

static void test_messages_append_one_after_another(void **state)
{
    assert_int_equal(ofp_encode_simple(&b, OFPT_HELLO, 1), 8);
    assert_int_equal(ofp_encode_simple(&b, OFPT_BARRIER_REPLY, 2), 8);
    assert_int_equal(b.len, 16);
    decode_at(8);
    assert_int_equal(msg.type, OFPT_BARRIER_REPLY);
    assert_int_equal(msg.xid, 2);
}

static void test_error_carries_first_64_bytes_and_xid(void **state)
{
    uint8_t offending[100];
    size_t i;

    for (i = 0; i < sizeof offending; i++)
        offending[i] = (uint8_t)i;
    assert_int_equal(ofp_encode_error(&b, 0x77, OFPET_BAD_ACTION, OFPBAC_BAD_OUT_PORT,
                                      offending, sizeof offending), 12 + 64);
    decode_at(0);
    assert_int_equal(msg.xid, 0x77);
    assert_int_equal(msg.u.error.type, OFPET_BAD_ACTION);
    assert_int_equal(msg.u.error.code, OFPBAC_BAD_OUT_PORT);
    assert_int_equal(msg.u.error.data.len, 64);
    assert_memory_equal(msg.u.error.data.data, offending, 64);
}

static void test_error_with_short_offending_message_copies_all(void **state)
{
    const uint8_t off[8] = { 1, 14, 0, 8, 0, 0, 0, 9 };

    assert_int_equal(ofp_encode_error(&b, 9, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN, off, 8), 20);
    decode_at(0);
    assert_int_equal(msg.u.error.data.len, 8);
}

static void test_features_reply_ports_decode_back(void **state)
{
    struct ofp_features f = { 0xabcdef, 256, 1, OFPC_FLOW_STATS, 0xfff };
    struct ofp_port_desc p[3] = { port(1, "eth1"), port(2, "sixteen-chars-xx"),
                                  port(OFPP_LOCAL, "br0") };
    struct ofp_port_desc got;

    assert_int_equal(ofp_encode_features_reply(&b, 3, &f, p, 3), 32 + 3 * 48);
    decode_at(0);
    assert_int_equal(msg.u.features.f.datapath_id, 0xabcdef);
    assert_int_equal(msg.u.features.n_ports, 3);
    assert_true(ofp_msg_port_at(&msg, 1, &got));
    assert_string_equal(got.name, "sixteen-chars-xx");
    assert_true(ofp_msg_port_at(&msg, 2, &got));
    assert_int_equal(got.port_no, OFPP_LOCAL);
    assert_false(ofp_msg_port_at(&msg, 3, &got));
}

static void test_flow_mod_decodes_to_same_struct(void **state)
{
    static struct of_flow_mod fm;

    memset(&fm, 0, sizeof fm);
    ofp_match_init_catchall(&fm.match);
    fm.match.wildcards &= ~(uint32_t)(OFPFW_DL_TYPE | OFPFW_NW_PROTO | OFPFW_TP_DST);
    fm.match.dl_type = 0x0800;
    fm.match.nw_proto = 6;
    fm.match.tp_dst = 80;
    fm.cookie = 0x1122334455667788ull;
    fm.command = OFPFC_MODIFY_STRICT;
    fm.priority = 100;
    fm.buffer_id = OFP_NO_BUFFER;
    fm.out_port = OFPP_NONE;
    fm.flags = OFPFF_SEND_FLOW_REM;
    fm.n_actions = 3;
    fm.actions[0].type = OFPAT_SET_DL_DST;
    fm.actions[0].u.dl_addr[0] = 2;
    fm.actions[1].type = OFPAT_ENQUEUE;
    fm.actions[1].u.enqueue.port = 3;
    fm.actions[1].u.enqueue.queue_id = 7;
    fm.actions[2].type = OFPAT_OUTPUT;
    fm.actions[2].u.output.port = OFPP_CONTROLLER;
    fm.actions[2].u.output.max_len = 128;
    assert_int_equal(ofp_encode_flow_mod(&b, 5, &fm), 72 + 16 + 16 + 8);
    decode_at(0);
    assert_memory_equal(&msg.u.flow_mod, &fm, sizeof fm);
}

static void test_packet_in_decodes_back(void **state)
{
    struct ofp_packet_in_msg pi = { 0x100, 1500, 3, OFPR_ACTION, { (const uint8_t *)"frame", 5 } };

    assert_int_equal(ofp_encode_packet_in(&b, 0, &pi), 18 + 5);
    decode_at(0);
    assert_int_equal(msg.u.packet_in.buffer_id, 0x100);
    assert_int_equal(msg.u.packet_in.total_len, 1500);
    assert_int_equal(msg.u.packet_in.in_port, 3);
    assert_int_equal(msg.u.packet_in.reason, OFPR_ACTION);
    assert_memory_equal(msg.u.packet_in.data.data, "frame", 5);
}

static void test_flow_removed_decodes_back(void **state)
{
    struct ofp_flow_removed_msg fr;

    memset(&fr, 0, sizeof fr);
    ofp_match_init_catchall(&fr.match);
    fr.cookie = 42;
    fr.priority = 7;
    fr.reason = OFPRR_HARD_TIMEOUT;
    fr.duration_sec = 60;
    fr.duration_nsec = 5;
    fr.idle_timeout = 10;
    fr.packet_count = 1000;
    fr.byte_count = 64000;
    assert_int_equal(ofp_encode_flow_removed(&b, 1, &fr), 88);
    decode_at(0);
    assert_memory_equal(&msg.u.flow_removed, &fr, sizeof fr);
}

static void test_queue_config_reply_decodes_back(void **state)
{
    struct ofp_queue_desc q[2], got;
    struct ofp_iter it;

    memset(q, 0, sizeof q);
    q[0].queue_id = 1;
    q[1].queue_id = 2;
    q[1].n_props = 1;
    q[1].props[0].property = OFPQT_MIN_RATE;
    q[1].props[0].rate = 500;
    assert_int_equal(ofp_encode_queue_get_config_reply(&b, 1, 4, q, 2), 16 + 8 + 24);
    decode_at(0);
    assert_int_equal(msg.u.queue_config_reply.n_queues, 2);
    ofp_queue_iter_init(&it, &msg);
    assert_true(ofp_queue_next(&it, &got));
    assert_true(ofp_queue_next(&it, &got));
    assert_int_equal(got.props[0].rate, 500);
    assert_false(ofp_queue_next(&it, &got));
}

static void test_stats_request_of_each_type_decodes_back(void **state)
{
    static const uint16_t types[] = { OFPST_DESC, OFPST_FLOW, OFPST_AGGREGATE,
                                      OFPST_TABLE, OFPST_PORT, OFPST_QUEUE };
    struct ofp_stats_request_msg r;
    size_t i, off;

    for (i = 0; i < 6; i++) {
        memset(&r, 0, sizeof r);
        r.type = types[i];
        if (r.type == OFPST_FLOW || r.type == OFPST_AGGREGATE) {
            ofp_match_init_catchall(&r.u.flow.match);
            r.u.flow.table_id = 0xff;
            r.u.flow.out_port = OFPP_NONE;
        } else if (r.type == OFPST_QUEUE) {
            r.u.queue.port_no = OFPP_ALL;
            r.u.queue.queue_id = OFPQ_ALL;
        }
        off = b.len;
        assert_true(ofp_encode_stats_request(&b, (uint32_t)i, &r) > 0);
        decode_at(off);
        assert_memory_equal(&msg.u.stats_request, &r, sizeof r);
    }
    r.type = OFPST_VENDOR;
    assert_int_equal(ofp_encode_stats_request(&b, 9, &r), -EINVAL);
}

static void test_desc_reply_strings_decode_back(void **state)
{
    struct ofp_desc_info d;

    memset(&d, 0, sizeof d);
    strcpy(d.mfr_desc, "Sluice");
    strcpy(d.serial_num, "0123456789abcdef0123456789abcdef"); /* exactly 32 */
    assert_int_equal(ofp_encode_desc_stats_reply(&b, 1, &d), 12 + 1056);
    decode_at(0);
    assert_string_equal(msg.u.stats_reply.u.desc.mfr_desc, "Sluice");
    assert_string_equal(msg.u.stats_reply.u.desc.serial_num, d.serial_num);
}

static struct ofp_port_stats_entry pstat(uint16_t no)
{
    struct ofp_port_stats_entry e;

    memset(&e, 0, sizeof e);
    e.port_no = no;
    e.rx_packets = no * 10u;
    return e;
}

static void test_writer_splits_long_reply_with_reply_more(void **state)
{
    struct ofp_stats_writer w;
    struct ofp_port_stats_entry e = pstat(0), got;
    size_t off = 0, total = 0;
    unsigned i, n_msgs = 0;

    ofp_stats_writer_init(&w, &b, 0x55, OFPST_PORT, 12 + 2 * 104); /* two per message */
    for (i = 1; i <= 5; i++) {
        e = pstat((uint16_t)i);
        assert_int_equal(ofp_stats_add_port(&w, &e), 0);
    }
    assert_int_equal(ofp_stats_writer_finish(&w), (int)b.len);
    while (off < b.len) {
        decode_at(off);
        n_msgs++;
        assert_int_equal(msg.xid, 0x55);
        assert_int_equal(msg.u.stats_reply.flags, off + msg.length < b.len ? OFPSF_REPLY_MORE : 0);
        assert_true(ofp_msg_port_stats_at(&msg, 0, &got));
        assert_int_equal(got.port_no, total + 1);
        assert_int_equal(got.rx_packets, (total + 1) * 10);
        total += msg.u.stats_reply.n_entries;
        off += msg.length;
    }
    assert_int_equal(n_msgs, 3);
    assert_int_equal(total, 5);
}

static void test_writer_with_no_entries_sends_one_empty_reply(void **state)
{
    struct ofp_stats_writer w;

    ofp_stats_writer_init(&w, &b, 3, OFPST_FLOW, 0);
    assert_int_equal(ofp_stats_writer_finish(&w), 12);
    decode_at(0);
    assert_int_equal(msg.u.stats_reply.type, OFPST_FLOW);
    assert_int_equal(msg.u.stats_reply.flags, 0);
    assert_int_equal(msg.u.stats_reply.n_entries, 0);
}

static void test_writer_enospc_leaves_buffer_as_before(void **state)
{
    struct ofp_stats_writer w;
    struct ofp_port_stats_entry e = pstat(1);
    size_t before;

    b.cap = 12 + 104 + 50;
    ofp_stats_writer_init(&w, &b, 3, OFPST_PORT, 0);
    assert_int_equal(ofp_stats_add_port(&w, &e), 0);
    before = b.len;
    assert_int_equal(ofp_stats_add_port(&w, &e), -ENOSPC);
    assert_int_equal(b.len, before);
    assert_int_equal(ofp_stats_writer_finish(&w), 12 + 104);
    decode_at(0);
    assert_int_equal(msg.u.stats_reply.n_entries, 1);
}

static void test_writer_rejects_entry_of_other_type(void **state)
{
    struct ofp_stats_writer w;
    struct ofp_queue_stats_entry q;

    memset(&q, 0, sizeof q);
    ofp_stats_writer_init(&w, &b, 3, OFPST_PORT, 0);
    assert_int_equal(ofp_stats_add_queue(&w, &q), -EINVAL);
    assert_int_equal(b.len, 0);
}

static void test_writer_flow_entries_iterate_back(void **state)
{
    static struct ofp_flow_stats_entry e, got;
    struct ofp_stats_writer w;
    struct ofp_iter it;

    memset(&e, 0, sizeof e);
    ofp_match_init_catchall(&e.match);
    e.priority = 9;
    e.n_actions = 1;
    e.actions[0].type = OFPAT_STRIP_VLAN;
    ofp_stats_writer_init(&w, &b, 3, OFPST_FLOW, 0);
    assert_int_equal(ofp_stats_add_flow(&w, &e), 0);
    assert_int_equal(ofp_stats_add_flow(&w, &e), 0);
    assert_int_equal(ofp_stats_writer_finish(&w), 12 + 2 * 96);
    decode_at(0);
    ofp_flow_stats_iter_init(&it, &msg);
    assert_true(ofp_flow_stats_next(&it, &got));
    assert_memory_equal(&got, &e, sizeof e);
    assert_true(ofp_flow_stats_next(&it, &got));
    assert_false(ofp_flow_stats_next(&it, &got));
}

static void test_reencode_of_vendor_type_is_einval(void **state)
{
    memset(&msg, 0, sizeof msg);
    msg.type = OFPT_VENDOR;
    assert_int_equal(ofp_encode(&b, &msg), -EINVAL);
}

static void test_format_flow_mod_uses_ovs_syntax(void **state)
{
    static const uint8_t fm[] = {
        0x01, 0x0e, 0x00, 0x50, 0, 0, 0, 1,                   /* header */
        0x00, 0x3f, 0xff, 0xfe, 0x00, 0x01, 0, 0, 0, 0, 0, 0, /* match: in_port=1 */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0,                               /* cookie */
        0, 0, 0, 0, 0, 0, 0x80, 0,                            /* ADD, timeouts, prio */
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0,             /* buffer, out_port, flags */
        0, 0, 0, 8, 0, 2, 0, 0,                               /* output:2 */
    };

    assert_int_equal(sizeof fm, 80);
    assert_int_equal(ofp_decode(fm, sizeof fm, &msg, &err), 0);
    ofp_msg_format(&msg, line, sizeof line);
    assert_string_equal(line, "OFPT_FLOW_MOD (xid=0x1): ADD in_port=1 actions=output:2");
}

static void test_format_error_names_type_and_code(void **state)
{
    ofp_encode_error(&b, 7, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN, mem, 0);
    decode_at(0);
    ofp_msg_format(&msg, line, sizeof line);
    assert_string_equal(line,
                        "OFPT_ERROR (xid=0x7): type=OFPET_BAD_REQUEST code=OFPBRC_BAD_LEN data_len=0");
}

static void test_format_truncates_like_snprintf(void **state)
{
    int n;

    ofp_encode_simple(&b, OFPT_BARRIER_REQUEST, 0xabc);
    decode_at(0);
    n = ofp_msg_format(&msg, line, 6);
    assert_int_equal(n, (int)strlen("OFPT_BARRIER_REQUEST (xid=0xabc)"));
    assert_string_equal(line, "OFPT_");
    assert_int_equal(ofp_msg_format(&msg, NULL, 0), n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_full_buffer_is_enospc_and_untouched, setup),
        cmocka_unit_test_setup(test_oversized_message_is_emsgsize, setup),
        cmocka_unit_test_setup(test_messages_append_one_after_another, setup),
        cmocka_unit_test_setup(test_error_carries_first_64_bytes_and_xid, setup),
        cmocka_unit_test_setup(test_error_with_short_offending_message_copies_all, setup),
        cmocka_unit_test_setup(test_features_reply_ports_decode_back, setup),
        cmocka_unit_test_setup(test_flow_mod_decodes_to_same_struct, setup),
        cmocka_unit_test_setup(test_packet_in_decodes_back, setup),
        cmocka_unit_test_setup(test_flow_removed_decodes_back, setup),
        cmocka_unit_test_setup(test_queue_config_reply_decodes_back, setup),
        cmocka_unit_test_setup(test_stats_request_of_each_type_decodes_back, setup),
        cmocka_unit_test_setup(test_desc_reply_strings_decode_back, setup),
        cmocka_unit_test_setup(test_writer_splits_long_reply_with_reply_more, setup),
        cmocka_unit_test_setup(test_writer_with_no_entries_sends_one_empty_reply, setup),
        cmocka_unit_test_setup(test_writer_enospc_leaves_buffer_as_before, setup),
        cmocka_unit_test_setup(test_writer_rejects_entry_of_other_type, setup),
        cmocka_unit_test_setup(test_writer_flow_entries_iterate_back, setup),
        cmocka_unit_test_setup(test_reencode_of_vendor_type_is_einval, setup),
        cmocka_unit_test_setup(test_format_flow_mod_uses_ovs_syntax, setup),
        cmocka_unit_test_setup(test_format_error_names_type_and_code, setup),
        cmocka_unit_test_setup(test_format_truncates_like_snprintf, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
