/*
 * test_ofp_decode.c — every error path of ofp_decode() (openflow/ofp_msg.h),
 * one behaviour per test: the exact OpenFlow 1.0 error type and code, and
 * the few things that must decode although they look odd.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "openflow/ofp_msg.h"

static struct ofp_msg msg;
static struct ofp_err err;
static uint8_t m[2048];

static void put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, (uint16_t)v); }

/* Writes a header of `type` and length len into m (zeroing the body). */
static size_t hdr(uint8_t type, size_t len)
{
    memset(m, 0, sizeof m);
    m[0] = OFP_VERSION;
    m[1] = type;
    put16(m + 2, (uint16_t)len);
    put32(m + 4, 0x1234);
    return len;
}

/* A FLOW_MOD with match-all, command ADD, and room for alen action bytes. */
static size_t flow_mod(size_t alen)
{
    size_t len = hdr(OFPT_FLOW_MOD, 72 + alen);

    put32(m + 8, OFPFW_ALL);
    put32(m + 64, OFP_NO_BUFFER);
    put16(m + 68, OFPP_NONE);
    return len;
}

/* Writes an action header at m + off. */
static void action(size_t off, uint16_t type, uint16_t len)
{
    put16(m + off, type);
    put16(m + off + 2, len);
}

/* Decodes m[0, len) from a heap copy of exactly len bytes so ASan sees
 * any read past it; asserts the error. */
static void expect_err(size_t len, uint16_t type, uint16_t code)
{
    uint8_t *copy = malloc(len ? len : 1);
    int rc;

    memcpy(copy, m, len);
    rc = ofp_decode(copy, len, &msg, &err);
    free(copy);
    assert_int_equal(rc, -EPROTO);
    assert_int_equal(err.type, type);
    assert_int_equal(err.code, code);
}

static void expect_ok(size_t len)
{
    uint8_t *copy = malloc(len);

    memcpy(copy, m, len);
    assert_int_equal(ofp_decode(copy, len, &msg, &err), 0);
    free(copy);
}

static void test_short_buffer_is_bad_len(void **state)
{
    hdr(OFPT_HELLO, 8);
    expect_err(7, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
}

static void test_length_field_mismatch_is_bad_len(void **state)
{
    hdr(OFPT_ECHO_REQUEST, 16);
    expect_err(12, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
}

static void test_wrong_version_is_bad_version(void **state)
{
    size_t len = hdr(OFPT_FEATURES_REQUEST, 8);

    m[0] = 4;
    expect_err(len, OFPET_BAD_REQUEST, OFPBRC_BAD_VERSION);
}

static void test_hello_of_any_version_decodes(void **state)
{
    size_t len = hdr(OFPT_HELLO, 16);

    m[0] = 4;
    expect_ok(len);
    assert_int_equal(msg.version, 4);
    assert_int_equal(msg.u.data.len, 8);
}

static void test_unknown_type_is_bad_type(void **state)
{
    expect_err(hdr(22, 8), OFPET_BAD_REQUEST, OFPBRC_BAD_TYPE);
}

static void test_vendor_message_is_bad_vendor(void **state)
{
    size_t len = hdr(OFPT_VENDOR, 16);

    put32(m + 8, 0x2320);
    expect_err(len, OFPET_BAD_REQUEST, OFPBRC_BAD_VENDOR);
}

static void test_vendor_message_without_vendor_id_is_bad_len(void **state)
{
    expect_err(hdr(OFPT_VENDOR, 10), OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
}

static void test_bodiless_message_with_body_is_bad_len(void **state)
{
    expect_err(hdr(OFPT_BARRIER_REQUEST, 12), OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
}

static void test_set_config_wrong_length_is_bad_len(void **state)
{
    expect_err(hdr(OFPT_SET_CONFIG, 16), OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
}

static void test_port_mod_short_is_bad_len(void **state)
{
    expect_err(hdr(OFPT_PORT_MOD, 24), OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
}

static void test_features_reply_partial_port_is_bad_len(void **state)
{
    expect_err(hdr(OFPT_FEATURES_REPLY, 32 + 47), OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
}

static void test_stats_request_vendor_is_bad_vendor(void **state)
{
    size_t len = hdr(OFPT_STATS_REQUEST, 20);

    put16(m + 8, OFPST_VENDOR);
    expect_err(len, OFPET_BAD_REQUEST, OFPBRC_BAD_VENDOR);
}

static void test_stats_request_unknown_type_is_bad_stat(void **state)
{
    size_t len = hdr(OFPT_STATS_REQUEST, 12);

    put16(m + 8, 13);
    expect_err(len, OFPET_BAD_REQUEST, OFPBRC_BAD_STAT);
}

static void test_stats_request_body_wrong_size_is_bad_len(void **state)
{
    size_t len = hdr(OFPT_STATS_REQUEST, 12 + 40);

    put16(m + 8, OFPST_FLOW);
    expect_err(len, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
}

static void test_stats_request_shorter_than_stats_header_is_bad_len(void **state)
{
    expect_err(hdr(OFPT_STATS_REQUEST, 10), OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
}

static void test_flow_stats_entry_length_past_end_is_bad_len(void **state)
{
    size_t len = hdr(OFPT_STATS_REPLY, 12 + 88);

    put16(m + 8, OFPST_FLOW);
    put16(m + 12, 96);
    expect_err(len, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
}

static void test_port_stats_reply_partial_entry_is_bad_len(void **state)
{
    size_t len = hdr(OFPT_STATS_REPLY, 12 + 100);

    put16(m + 8, OFPST_PORT);
    expect_err(len, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
}

static void test_queue_property_past_queue_is_bad_len(void **state)
{
    size_t len = hdr(OFPT_QUEUE_GET_CONFIG_REPLY, 16 + 8 + 16);

    put16(m + 20, 16); /* queue len 16 but its property needs 16 more */
    put16(m + 24, OFPQT_MIN_RATE);
    put16(m + 26, 16);
    expect_err(len, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
}

static void test_flow_mod_short_is_bad_len(void **state)
{
    expect_err(hdr(OFPT_FLOW_MOD, 64), OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
}

static void test_flow_mod_bad_command(void **state)
{
    size_t len = flow_mod(0);

    put16(m + 56, 5);
    expect_err(len, OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_COMMAND);
}

static void test_emergency_flow_with_timeout_is_bad_emerg_timeout(void **state)
{
    size_t len = flow_mod(0);

    put16(m + 58, 10);
    put16(m + 70, OFPFF_EMERG);
    expect_err(len, OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_EMERG_TIMEOUT);
}

static void test_emergency_delete_with_timeout_decodes(void **state)
{
    size_t len = flow_mod(0);

    put16(m + 56, OFPFC_DELETE);
    put16(m + 58, 10);
    put16(m + 70, OFPFF_EMERG);
    expect_ok(len);
}

static void test_action_len_not_multiple_of_8_is_bad_len(void **state)
{
    size_t len = flow_mod(16);

    action(72, OFPAT_OUTPUT, 12);
    expect_err(len, OFPET_BAD_ACTION, OFPBAC_BAD_LEN);
}

static void test_action_len_below_8_is_bad_len(void **state)
{
    size_t len = flow_mod(8);

    action(72, OFPAT_OUTPUT, 0);
    expect_err(len, OFPET_BAD_ACTION, OFPBAC_BAD_LEN);
}

static void test_action_past_end_is_bad_len(void **state)
{
    size_t len = flow_mod(8);

    action(72, OFPAT_SET_DL_SRC, 16);
    expect_err(len, OFPET_BAD_ACTION, OFPBAC_BAD_LEN);
}

static void test_action_list_with_trailing_bytes_is_bad_len(void **state)
{
    size_t len = flow_mod(12);

    action(72, OFPAT_OUTPUT, 8);
    expect_err(len, OFPET_BAD_ACTION, OFPBAC_BAD_LEN);
}

static void test_action_wrong_fixed_length_is_bad_len(void **state)
{
    size_t len = flow_mod(16);

    action(72, OFPAT_OUTPUT, 16);
    expect_err(len, OFPET_BAD_ACTION, OFPBAC_BAD_LEN);
}

static void test_unknown_action_is_bad_type(void **state)
{
    size_t len = flow_mod(8);

    action(72, 12, 8);
    expect_err(len, OFPET_BAD_ACTION, OFPBAC_BAD_TYPE);
}

static void test_vendor_action_is_bad_vendor(void **state)
{
    size_t len = flow_mod(16);

    action(72, OFPAT_VENDOR, 16);
    put32(m + 76, 0x2320);
    expect_err(len, OFPET_BAD_ACTION, OFPBAC_BAD_VENDOR);
}

static void test_vlan_vid_above_4095_is_bad_argument(void **state)
{
    size_t len = flow_mod(8);

    action(72, OFPAT_SET_VLAN_VID, 8);
    put16(m + 76, 4096);
    expect_err(len, OFPET_BAD_ACTION, OFPBAC_BAD_ARGUMENT);
}

static void test_vlan_pcp_above_7_is_bad_argument(void **state)
{
    size_t len = flow_mod(8);

    action(72, OFPAT_SET_VLAN_PCP, 8);
    m[76] = 8;
    expect_err(len, OFPET_BAD_ACTION, OFPBAC_BAD_ARGUMENT);
}

static void test_nw_tos_with_ecn_bits_is_bad_argument(void **state)
{
    size_t len = flow_mod(8);

    action(72, OFPAT_SET_NW_TOS, 8);
    m[76] = 0x21;
    expect_err(len, OFPET_BAD_ACTION, OFPBAC_BAD_ARGUMENT);
}

static void test_more_than_max_actions_is_too_many(void **state)
{
    size_t i, len = flow_mod(8 * (OF_MAX_ACTIONS + 1));

    for (i = 0; i <= OF_MAX_ACTIONS; i++) {
        action(72 + 8 * i, OFPAT_OUTPUT, 8);
        put16(m + 76 + 8 * i, 1);
    }
    expect_err(len, OFPET_BAD_ACTION, OFPBAC_TOO_MANY);
}

static void test_max_actions_decode(void **state)
{
    size_t i, len = flow_mod(8 * OF_MAX_ACTIONS);

    for (i = 0; i < OF_MAX_ACTIONS; i++) {
        action(72 + 8 * i, OFPAT_OUTPUT, 8);
        put16(m + 76 + 8 * i, (uint16_t)(i + 1));
    }
    expect_ok(len);
    assert_int_equal(msg.u.flow_mod.n_actions, OF_MAX_ACTIONS);
    assert_int_equal(msg.u.flow_mod.actions[OF_MAX_ACTIONS - 1].u.output.port, OF_MAX_ACTIONS);
}

static void test_packet_out_actions_len_past_end_is_bad_len(void **state)
{
    size_t len = hdr(OFPT_PACKET_OUT, 16 + 8);

    put16(m + 14, 16);
    expect_err(len, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
}

static void test_packet_out_splits_actions_and_data(void **state)
{
    size_t len = hdr(OFPT_PACKET_OUT, 16 + 8 + 5);

    put32(m + 8, OFP_NO_BUFFER);
    put16(m + 12, 1);
    put16(m + 14, 8);
    action(16, OFPAT_OUTPUT, 8);
    put16(m + 20, OFPP_FLOOD);
    memcpy(m + 24, "hello", 5);
    expect_ok(len);
    assert_int_equal(msg.u.packet_out.n_actions, 1);
    assert_int_equal(msg.u.packet_out.actions[0].u.output.port, OFPP_FLOOD);
    assert_int_equal(msg.u.packet_out.data.len, 5);
}

static void test_packet_in_short_is_bad_len(void **state)
{
    expect_err(hdr(OFPT_PACKET_IN, 17), OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
}

static void test_flow_removed_wrong_length_is_bad_len(void **state)
{
    expect_err(hdr(OFPT_FLOW_REMOVED, 96), OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
}

static void test_port_status_wrong_length_is_bad_len(void **state)
{
    expect_err(hdr(OFPT_PORT_STATUS, 56), OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
}

static void test_error_msg_short_is_bad_len(void **state)
{
    expect_err(hdr(OFPT_ERROR, 10), OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
}

static void test_wildcarded_match_fields_decode_as_zero(void **state)
{
    size_t len = flow_mod(0);

    put32(m + 8, OFPFW_ALL & ~(uint32_t)OFPFW_NW_SRC_MASK); /* nw_src exact, rest wild */
    put16(m + 12, 7);                                      /* in_port, wildcarded */
    put32(m + 8 + 28, 0x0a000001);
    put32(m + 8 + 32, 0x0b000001);                         /* nw_dst, wildcarded */
    expect_ok(len);
    assert_int_equal(msg.u.flow_mod.match.in_port, 0);
    assert_int_equal(msg.u.flow_mod.match.nw_src, 0x0a000001);
    assert_int_equal(msg.u.flow_mod.match.nw_dst, 0);
    assert_int_equal(msg.u.flow_mod.match.wildcards, OFPFW_ALL & ~(uint32_t)OFPFW_NW_SRC_MASK);
}

static void test_echo_payload_points_into_buffer(void **state)
{
    size_t len = hdr(OFPT_ECHO_REQUEST, 13);

    memcpy(m + 8, "abcde", 5);
    assert_int_equal(ofp_decode(m, len, &msg, &err), 0);
    assert_ptr_equal(msg.u.data.data, m + 8);
    assert_int_equal(msg.u.data.len, 5);
    assert_int_equal(msg.xid, 0x1234);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_short_buffer_is_bad_len),
        cmocka_unit_test(test_length_field_mismatch_is_bad_len),
        cmocka_unit_test(test_wrong_version_is_bad_version),
        cmocka_unit_test(test_hello_of_any_version_decodes),
        cmocka_unit_test(test_unknown_type_is_bad_type),
        cmocka_unit_test(test_vendor_message_is_bad_vendor),
        cmocka_unit_test(test_vendor_message_without_vendor_id_is_bad_len),
        cmocka_unit_test(test_bodiless_message_with_body_is_bad_len),
        cmocka_unit_test(test_set_config_wrong_length_is_bad_len),
        cmocka_unit_test(test_port_mod_short_is_bad_len),
        cmocka_unit_test(test_features_reply_partial_port_is_bad_len),
        cmocka_unit_test(test_stats_request_vendor_is_bad_vendor),
        cmocka_unit_test(test_stats_request_unknown_type_is_bad_stat),
        cmocka_unit_test(test_stats_request_body_wrong_size_is_bad_len),
        cmocka_unit_test(test_stats_request_shorter_than_stats_header_is_bad_len),
        cmocka_unit_test(test_flow_stats_entry_length_past_end_is_bad_len),
        cmocka_unit_test(test_port_stats_reply_partial_entry_is_bad_len),
        cmocka_unit_test(test_queue_property_past_queue_is_bad_len),
        cmocka_unit_test(test_flow_mod_short_is_bad_len),
        cmocka_unit_test(test_flow_mod_bad_command),
        cmocka_unit_test(test_emergency_flow_with_timeout_is_bad_emerg_timeout),
        cmocka_unit_test(test_emergency_delete_with_timeout_decodes),
        cmocka_unit_test(test_action_len_not_multiple_of_8_is_bad_len),
        cmocka_unit_test(test_action_len_below_8_is_bad_len),
        cmocka_unit_test(test_action_past_end_is_bad_len),
        cmocka_unit_test(test_action_list_with_trailing_bytes_is_bad_len),
        cmocka_unit_test(test_action_wrong_fixed_length_is_bad_len),
        cmocka_unit_test(test_unknown_action_is_bad_type),
        cmocka_unit_test(test_vendor_action_is_bad_vendor),
        cmocka_unit_test(test_vlan_vid_above_4095_is_bad_argument),
        cmocka_unit_test(test_vlan_pcp_above_7_is_bad_argument),
        cmocka_unit_test(test_nw_tos_with_ecn_bits_is_bad_argument),
        cmocka_unit_test(test_more_than_max_actions_is_too_many),
        cmocka_unit_test(test_max_actions_decode),
        cmocka_unit_test(test_packet_out_actions_len_past_end_is_bad_len),
        cmocka_unit_test(test_packet_out_splits_actions_and_data),
        cmocka_unit_test(test_packet_in_short_is_bad_len),
        cmocka_unit_test(test_flow_removed_wrong_length_is_bad_len),
        cmocka_unit_test(test_port_status_wrong_length_is_bad_len),
        cmocka_unit_test(test_error_msg_short_is_bad_len),
        cmocka_unit_test(test_wildcarded_match_fields_decode_as_zero),
        cmocka_unit_test(test_echo_payload_points_into_buffer),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
