/*
 * test_ofp_print.c — the ovs-ofctl style printer (openflow/ofp_print.h) on
 * structs built by hand: things the parser never produces (buffer ids,
 * unknown flags and commands, vendor actions) and the snprintf contract.
 * What the parser produces is checked against ovs-ofctl in test_ofp_parse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "openflow/ofp_match.h"
#include "openflow/ofp_print.h"

static char buf[1024];

static void init_fm(struct of_flow_mod *fm, uint16_t command)
{
    memset(fm, 0, sizeof *fm);
    ofp_match_init_catchall(&fm->match);
    fm->command = command;
    fm->priority = OFP_DEFAULT_PRIORITY;
    fm->buffer_id = OFP_NO_BUFFER;
    fm->out_port = OFPP_NONE;
}

static void test_catchall_match_prints_nothing(void **state)
{
    struct of_match m;

    ofp_match_init_catchall(&m);
    assert_int_equal(ofp_format_match(&m, buf, sizeof buf), 0);
    assert_string_equal(buf, "");
}

static void test_match_fields_print_in_ovs_order(void **state)
{
    struct of_match m;

    ofp_match_init_catchall(&m);
    m.wildcards &= ~(uint32_t)(OFPFW_DL_TYPE | OFPFW_NW_PROTO | OFPFW_TP_DST | OFPFW_IN_PORT);
    m.dl_type = 0x0800;
    m.nw_proto = 17;
    m.tp_dst = 53;
    m.in_port = OFPP_LOCAL;
    ofp_match_set_nw_dst(&m, 0x0a000001, 8);
    ofp_format_match(&m, buf, sizeof buf);
    assert_string_equal(buf, "udp,in_port=LOCAL,nw_dst=10.0.0.0/8,tp_dst=53");
}

static void test_untagged_vlan_prints_as_vlan_tci(void **state)
{
    struct of_match m;

    ofp_match_init_catchall(&m);
    m.wildcards &= ~(uint32_t)OFPFW_DL_VLAN;
    m.dl_vlan = OFP_VLAN_NONE;
    ofp_format_match(&m, buf, sizeof buf);
    assert_string_equal(buf, "vlan_tci=0x0000");
}

static void test_nw_wildcard_counts_above_32_mean_any(void **state)
{
    struct of_match m;

    ofp_match_init_catchall(&m);
    m.wildcards = (OFPFW_ALL & ~(uint32_t)(OFPFW_DL_TYPE | OFPFW_NW_SRC_MASK))
                  | (40u << OFPFW_NW_SRC_SHIFT);
    m.dl_type = 0x0800;
    ofp_format_match(&m, buf, sizeof buf);
    assert_string_equal(buf, "ip");
}

static void test_every_action_prints(void **state)
{
    struct of_action a[14];
    static const uint8_t mac[6] = { 0, 0x11, 0x22, 0x33, 0x44, 0x55 };

    memset(a, 0, sizeof a);
    a[0].type = OFPAT_OUTPUT; a[0].u.output.port = 7;
    a[1].type = OFPAT_OUTPUT; a[1].u.output.port = OFPP_CONTROLLER; a[1].u.output.max_len = 128;
    a[2].type = OFPAT_OUTPUT; a[2].u.output.port = OFPP_FLOOD;
    a[3].type = OFPAT_SET_VLAN_VID; a[3].u.vlan_vid = 4095;
    a[4].type = OFPAT_SET_VLAN_PCP; a[4].u.vlan_pcp = 7;
    a[5].type = OFPAT_STRIP_VLAN;
    a[6].type = OFPAT_SET_DL_SRC; memcpy(a[6].u.dl_addr, mac, 6);
    a[7].type = OFPAT_SET_DL_DST; memcpy(a[7].u.dl_addr, mac, 6);
    a[8].type = OFPAT_SET_NW_SRC; a[8].u.nw_addr = 0xc0a80001;
    a[9].type = OFPAT_SET_NW_DST; a[9].u.nw_addr = 0xffffffff;
    a[10].type = OFPAT_SET_NW_TOS; a[10].u.nw_tos = 252;
    a[11].type = OFPAT_SET_TP_SRC; a[11].u.tp_port = 65535;
    a[12].type = OFPAT_SET_TP_DST; a[12].u.tp_port = 0;
    a[13].type = OFPAT_ENQUEUE; a[13].u.enqueue.port = OFPP_IN_PORT; a[13].u.enqueue.queue_id = 9;
    ofp_format_actions(a, 14, buf, sizeof buf);
    assert_string_equal(buf, "output:7,CONTROLLER:128,FLOOD,mod_vlan_vid:4095,mod_vlan_pcp:7,"
                             "strip_vlan,mod_dl_src:00:11:22:33:44:55,"
                             "mod_dl_dst:00:11:22:33:44:55,mod_nw_src:192.168.0.1,"
                             "mod_nw_dst:255.255.255.255,mod_nw_tos:252,mod_tp_src:65535,"
                             "mod_tp_dst:0,enqueue:IN_PORT:9");
}

static void test_no_actions_print_as_drop(void **state)
{
    ofp_format_actions(NULL, 0, buf, sizeof buf);
    assert_string_equal(buf, "drop");
}

static void test_vendor_and_unknown_actions_print_their_numbers(void **state)
{
    struct of_action a[2];

    memset(a, 0, sizeof a);
    a[0].type = OFPAT_VENDOR;
    a[0].u.vendor = 0x2320;
    a[1].type = 99;
    ofp_format_actions(a, 2, buf, sizeof buf);
    assert_string_equal(buf, "vendor:0x2320,unknown_action:99");
}

static void test_flow_mod_prints_every_header_field(void **state)
{
    struct of_flow_mod fm;

    init_fm(&fm, OFPFC_DELETE_STRICT);
    fm.match.wildcards &= ~(uint32_t)OFPFW_IN_PORT;
    fm.match.in_port = 3;
    fm.priority = 9;
    fm.cookie = 0xabc;
    fm.idle_timeout = 1;
    fm.hard_timeout = 2;
    fm.buffer_id = 0x100;
    fm.out_port = 4;
    fm.flags = OFPFF_SEND_FLOW_REM | OFPFF_CHECK_OVERLAP | OFPFF_EMERG | 0x40;
    ofp_format_flow_mod(&fm, buf, sizeof buf);
    assert_string_equal(buf, "DEL_STRICT priority=9,in_port=3 cookie:0xabc idle:1 hard:2 "
                             "buf:0x100 out_port:4 send_flow_rem check_overlap emergency "
                             "flags:0x40 actions=drop");
}

static void test_exact_match_prints_top_priority(void **state)
{
    struct of_flow_mod fm;

    init_fm(&fm, OFPFC_ADD);
    fm.match.wildcards = 0;
    fm.priority = 5;
    ofp_format_flow_mod(&fm, buf, sizeof buf);
    assert_string_equal(buf, "ADD priority=65535,in_port=0,dl_vlan=0,dl_vlan_pcp=0,"
                             "dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,"
                             "dl_type=0x0000,nw_src=0.0.0.0,nw_dst=0.0.0.0,nw_proto=0,"
                             "nw_tos=0,tp_src=0,tp_dst=0 actions=drop");
}

static void test_unknown_command_prints_its_number(void **state)
{
    struct of_flow_mod fm;

    init_fm(&fm, 7);
    ofp_format_flow_mod(&fm, buf, sizeof buf);
    assert_string_equal(buf, "cmd:7 actions=drop");
}

static void test_output_is_truncated_like_snprintf(void **state)
{
    struct of_flow_mod fm;
    char small[8];
    int full;

    init_fm(&fm, OFPFC_MODIFY);
    fm.priority = 100;
    full = ofp_format_flow_mod(&fm, buf, sizeof buf);
    assert_string_equal(buf, "MOD priority=100 actions=drop");
    assert_int_equal(full, strlen(buf));
    memset(small, 'x', sizeof small);
    assert_int_equal(ofp_format_flow_mod(&fm, small, sizeof small), full);
    assert_string_equal(small, "MOD pri");
    assert_int_equal(ofp_format_flow_mod(&fm, NULL, 0), full);
    assert_int_equal(ofp_format_match(&fm.match, NULL, 0), 0);
    assert_int_equal(ofp_format_actions(fm.actions, 0, small, 1), 4);
    assert_string_equal(small, "");
}

static void test_ports_print_by_name_or_number(void **state)
{
    assert_int_equal(ofp_format_port(OFPP_IN_PORT, buf, sizeof buf), 7);
    assert_string_equal(buf, "IN_PORT");
    ofp_format_port(OFPP_NONE, buf, sizeof buf);
    assert_string_equal(buf, "ANY");
    ofp_format_port(OFPP_TABLE, buf, sizeof buf);
    assert_string_equal(buf, "TABLE");
    ofp_format_port(0xff00, buf, sizeof buf);
    assert_string_equal(buf, "65280");
    ofp_format_port(1, buf, sizeof buf);
    assert_string_equal(buf, "1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catchall_match_prints_nothing),
        cmocka_unit_test(test_match_fields_print_in_ovs_order),
        cmocka_unit_test(test_untagged_vlan_prints_as_vlan_tci),
        cmocka_unit_test(test_nw_wildcard_counts_above_32_mean_any),
        cmocka_unit_test(test_every_action_prints),
        cmocka_unit_test(test_no_actions_print_as_drop),
        cmocka_unit_test(test_vendor_and_unknown_actions_print_their_numbers),
        cmocka_unit_test(test_flow_mod_prints_every_header_field),
        cmocka_unit_test(test_exact_match_prints_top_priority),
        cmocka_unit_test(test_unknown_command_prints_its_number),
        cmocka_unit_test(test_output_is_truncated_like_snprintf),
        cmocka_unit_test(test_ports_print_by_name_or_number),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
