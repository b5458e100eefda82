/* test_sw_flowconv.c — OpenFlow <-> datapath translation. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "switch/sw_flowconv.h"

static bool ports_1_to_4(uint16_t port_no, void *arg)
{
    return port_no >= 1 && port_no <= 4;
}

static void test_wildcard_all_is_empty_mask(void **state)
{
    struct of_match m = { .wildcards = OFPFW_ALL };
    struct dp_match d;
    sw_match_to_dp(&m, &d);
    for (int i = 0; i < DP_KEY_WORDS; i++) {
        assert_int_equal(d.mask.w[i], 0);
        assert_int_equal(d.key.w[i], 0);
    }
}

static void test_exact_match_is_full_mask(void **state)
{
    struct of_match m = { .wildcards = 0, .in_port = 3, .dl_vlan = 0xffff,
                          .dl_type = 0x0800, .nw_proto = 6, .nw_src = 0x0a000001,
                          .nw_dst = 0x0a000002, .tp_src = 1234, .tp_dst = 80, .nw_tos = 0x20 };
    struct dp_match d;
    sw_match_to_dp(&m, &d);
    assert_int_equal(d.mask.in_port, 0xffff);
    assert_int_equal(d.mask.nw_src, 0xffffffff);
    assert_int_equal(d.mask.dl_vlan_pcp, 0xff);
    assert_int_equal(d.key.tp_dst, 80);
    assert_int_equal(d.key.nw_tos, 0x20);
}

static void test_prefix_wildcards(void **state)
{
    struct of_match m = { .wildcards = (OFPFW_ALL & ~(OFPFW_NW_SRC_MASK | OFPFW_NW_DST_MASK)) |
                                       (8u << OFPFW_NW_SRC_SHIFT) | (40u << OFPFW_NW_DST_SHIFT),
                          .nw_src = 0x0a0b0c0d, .nw_dst = 0x01020304 };
    struct dp_match d;
    sw_match_to_dp(&m, &d);
    assert_int_equal(d.mask.nw_src, 0xffffff00);
    assert_int_equal(d.key.nw_src, 0x0a0b0c00);
    assert_int_equal(d.mask.nw_dst, 0); /* >= 32 bits wildcarded: all */
    assert_int_equal(d.key.nw_dst, 0);
}

static void test_match_round_trip(void **state)
{
    struct of_match m = { .wildcards = OFPFW_DL_SRC | OFPFW_TP_SRC | OFPFW_NW_TOS |
                                       (16u << OFPFW_NW_SRC_SHIFT) | (32u << OFPFW_NW_DST_SHIFT),
                          .in_port = 2, .dl_dst = { 1, 2, 3, 4, 5, 6 }, .dl_vlan = 7,
                          .dl_vlan_pcp = 3, .dl_type = 0x0800, .nw_proto = 17,
                          .nw_src = 0xc0a80000, .tp_dst = 53 };
    struct dp_match d;
    struct of_match back;
    sw_match_to_dp(&m, &d);
    sw_match_from_dp(&d, &back);
    assert_memory_equal(&m, &back, sizeof m);
}

static void test_output_port_validation(void **state)
{
    struct of_action a = { .type = OFPAT_OUTPUT, .u.output = { .port = 9 } };
    struct dp_action d;
    struct sw_ofp_error e;
    assert_int_equal(sw_actions_to_dp(&a, 1, false, ports_1_to_4, NULL, &d, &e), -EINVAL);
    assert_int_equal(e.type, OFPET_BAD_ACTION);
    assert_int_equal(e.code, OFPBAC_BAD_OUT_PORT);
    a.u.output.port = 4;
    assert_int_equal(sw_actions_to_dp(&a, 1, false, ports_1_to_4, NULL, &d, &e), 0);
    assert_int_equal(d.type, DP_ACT_OUTPUT);
    assert_int_equal(d.u.output.port, 4);
}

static void test_table_port_only_in_packet_out(void **state)
{
    struct of_action a = { .type = OFPAT_OUTPUT, .u.output = { .port = OFPP_TABLE } };
    struct dp_action d;
    struct sw_ofp_error e;
    assert_int_equal(sw_actions_to_dp(&a, 1, false, ports_1_to_4, NULL, &d, &e), -EINVAL);
    assert_int_equal(e.code, OFPBAC_BAD_OUT_PORT);
    assert_int_equal(sw_actions_to_dp(&a, 1, true, ports_1_to_4, NULL, &d, &e), 0);
}

static void test_bad_arguments(void **state)
{
    struct dp_action d;
    struct sw_ofp_error e;
    struct of_action vid = { .type = OFPAT_SET_VLAN_VID, .u.vlan_vid = 4096 };
    struct of_action pcp = { .type = OFPAT_SET_VLAN_PCP, .u.vlan_pcp = 8 };
    struct of_action tos = { .type = OFPAT_SET_NW_TOS, .u.nw_tos = 0x21 };
    struct of_action vendor = { .type = OFPAT_VENDOR };
    struct of_action unknown = { .type = 42 };
    assert_int_equal(sw_actions_to_dp(&vid, 1, false, NULL, NULL, &d, &e), -EINVAL);
    assert_int_equal(e.code, OFPBAC_BAD_ARGUMENT);
    assert_int_equal(sw_actions_to_dp(&pcp, 1, false, NULL, NULL, &d, &e), -EINVAL);
    assert_int_equal(e.code, OFPBAC_BAD_ARGUMENT);
    assert_int_equal(sw_actions_to_dp(&tos, 1, false, NULL, NULL, &d, &e), -EINVAL);
    assert_int_equal(e.code, OFPBAC_BAD_ARGUMENT);
    assert_int_equal(sw_actions_to_dp(&vendor, 1, false, NULL, NULL, &d, &e), -EINVAL);
    assert_int_equal(e.code, OFPBAC_BAD_VENDOR);
    assert_int_equal(sw_actions_to_dp(&unknown, 1, false, NULL, NULL, &d, &e), -EINVAL);
    assert_int_equal(e.code, OFPBAC_BAD_TYPE);
}

static void test_actions_round_trip(void **state)
{
    struct of_action a[] = {
        { .type = OFPAT_SET_VLAN_VID, .u.vlan_vid = 100 },
        { .type = OFPAT_SET_NW_SRC, .u.nw_addr = 0x01020304 },
        { .type = OFPAT_SET_DL_DST, .u.dl_addr = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff } },
        { .type = OFPAT_SET_TP_DST, .u.tp_port = 8080 },
        { .type = OFPAT_ENQUEUE, .u.enqueue = { .port = 2, .queue_id = 5 } },
        { .type = OFPAT_OUTPUT, .u.output = { .port = OFPP_CONTROLLER, .max_len = 128 } },
    };
    struct dp_action d[6];
    struct of_action back[6];
    struct sw_ofp_error e;
    assert_int_equal(sw_actions_to_dp(a, 6, false, ports_1_to_4, NULL, d, &e), 0);
    sw_actions_from_dp(d, 6, back);
    assert_memory_equal(a, back, sizeof a);
}

static void test_flow_mod_bad_command(void **state)
{
    static struct of_flow_mod fm;
    struct dp_flow_mod out;
    struct dp_action acts[1];
    struct sw_ofp_error e;
    fm.command = 5;
    assert_int_equal(sw_flow_mod_to_dp(&fm, NULL, NULL, &out, acts, &e), -EINVAL);
    assert_int_equal(e.type, OFPET_FLOW_MOD_FAILED);
    assert_int_equal(e.code, OFPFMFC_BAD_COMMAND);
}

static void test_table_errors(void **state)
{
    struct sw_ofp_error e;
    assert_false(sw_table_error(0, &e));
    assert_true(sw_table_error(-ENOSPC, &e));
    assert_int_equal(e.code, OFPFMFC_ALL_TABLES_FULL);
    assert_true(sw_table_error(-EEXIST, &e));
    assert_int_equal(e.code, OFPFMFC_OVERLAP);
    assert_true(sw_table_error(-EINVAL, &e));
    assert_int_equal(e.code, OFPFMFC_BAD_EMERG_TIMEOUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wildcard_all_is_empty_mask),
        cmocka_unit_test(test_exact_match_is_full_mask),
        cmocka_unit_test(test_prefix_wildcards),
        cmocka_unit_test(test_match_round_trip),
        cmocka_unit_test(test_output_port_validation),
        cmocka_unit_test(test_table_port_only_in_packet_out),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_actions_round_trip),
        cmocka_unit_test(test_flow_mod_bad_command),
        cmocka_unit_test(test_table_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
