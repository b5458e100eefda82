/*
 * test_ofp_match.c — of_match helpers (openflow/ofp_match.h): prefixes,
 * prerequisites, normalisation, protocol shorthands.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "openflow/ofp_match.h"

static void test_prefix_masks_round_trip(void **state)
{
    assert_int_equal(ofp_prefix_mask(0), 0);
    assert_int_equal(ofp_prefix_mask(8), 0xff000000u);
    assert_int_equal(ofp_prefix_mask(32), 0xffffffffu);
    assert_int_equal(ofp_prefix_mask(40), 0xffffffffu);
    for (unsigned p = 0; p <= 32; p++)
        assert_int_equal(ofp_mask_to_prefix(ofp_prefix_mask(p)), p);
    assert_int_equal(ofp_mask_to_prefix(0xff00ff00u), -1);
    assert_int_equal(ofp_mask_to_prefix(0x000000ffu), -1);
}

static void test_nw_prefix_sets_wildcard_bits(void **state)
{
    struct of_match m;

    ofp_match_init_catchall(&m);
    ofp_match_set_nw_src(&m, 0x0a0b0c0d, 24);
    assert_int_equal(m.nw_src, 0x0a0b0c00);
    assert_int_equal((m.wildcards & OFPFW_NW_SRC_MASK) >> OFPFW_NW_SRC_SHIFT, 8);
    assert_int_equal(ofp_match_nw_src_plen(&m), 24);
    ofp_match_set_nw_dst(&m, 0x01020304, 32);
    assert_int_equal(m.wildcards & OFPFW_NW_DST_MASK, 0);
    ofp_match_set_nw_src(&m, 0x0a0b0c0d, 0);
    assert_int_equal(m.nw_src, 0);
    assert_int_equal(m.wildcards & OFPFW_NW_SRC_MASK, OFPFW_NW_SRC_MASK);
    assert_int_equal(ofp_match_nw_src_plen(&m), 0);
}

static void test_unmet_prerequisites_are_reported(void **state)
{
    struct of_match m;

    ofp_match_init_catchall(&m);
    m.wildcards &= ~(uint32_t)(OFPFW_TP_DST | OFPFW_NW_TOS);
    m.tp_dst = 80;
    m.nw_tos = 4;
    ofp_match_set_nw_src(&m, 1, 32);
    assert_int_equal(ofp_match_unmet_prereqs(&m),
                     OFPFW_TP_DST | OFPFW_NW_TOS | OFPFW_NW_SRC_MASK);
    m.wildcards &= ~(uint32_t)(OFPFW_DL_TYPE | OFPFW_NW_PROTO);
    m.dl_type = 0x0800;
    m.nw_proto = 6;
    assert_int_equal(ofp_match_unmet_prereqs(&m), 0);
    m.nw_proto = 47;
    assert_int_equal(ofp_match_unmet_prereqs(&m), OFPFW_TP_DST);
    m.dl_type = 0x0806;
    m.tp_dst = 0;
    m.wildcards |= OFPFW_TP_DST;
    assert_int_equal(ofp_match_unmet_prereqs(&m), OFPFW_NW_TOS);
}

static void test_normalize_drops_fields_like_ovs(void **state)
{
    struct of_match m, want;

    ofp_match_init_catchall(&m);
    m.wildcards &= ~(uint32_t)(OFPFW_TP_DST | OFPFW_DL_TYPE | OFPFW_DL_VLAN
                               | OFPFW_DL_VLAN_PCP);
    m.dl_type = 0x0800;
    m.tp_dst = 80;
    m.dl_vlan = OFP_VLAN_NONE;
    m.dl_vlan_pcp = 3;
    m.in_port = 9;              /* wildcarded: must become 0 */
    m.wildcards = (m.wildcards & ~(uint32_t)OFPFW_NW_DST_MASK) | (8u << OFPFW_NW_DST_SHIFT);
    m.nw_dst = 0x0a0b0c0d;      /* host bits: must be cleared */
    assert_int_equal(ofp_match_normalize(&m), OFPFW_TP_DST | OFPFW_DL_VLAN_PCP);

    ofp_match_init_catchall(&want);
    want.wildcards &= ~(uint32_t)(OFPFW_DL_TYPE | OFPFW_DL_VLAN);
    want.dl_type = 0x0800;
    want.dl_vlan = OFP_VLAN_NONE;
    ofp_match_set_nw_dst(&want, 0x0a0b0c00, 24);
    assert_memory_equal(&m, &want, sizeof m);
    assert_int_equal(ofp_match_normalize(&m), 0);
}

static void test_protocol_shorthands(void **state)
{
    const struct ofp_proto_name *p = ofp_proto_by_name("tcp", 3);
    struct of_match m;

    assert_non_null(p);
    assert_int_equal(p->dl_type, 0x0800);
    assert_int_equal(p->nw_proto, 6);
    assert_null(ofp_proto_by_name("TCP", 3));
    assert_null(ofp_proto_by_name("tc", 2));
    ofp_match_init_catchall(&m);
    assert_null(ofp_proto_of_match(&m));
    m.wildcards &= ~(uint32_t)OFPFW_DL_TYPE;
    m.dl_type = 0x0800;
    assert_string_equal(ofp_proto_of_match(&m)->name, "ip");
    m.wildcards &= ~(uint32_t)OFPFW_NW_PROTO;
    m.nw_proto = 1;
    assert_string_equal(ofp_proto_of_match(&m)->name, "icmp");
    m.nw_proto = 2;
    assert_string_equal(ofp_proto_of_match(&m)->name, "ip");
    m.dl_type = 0x8035;
    assert_string_equal(ofp_proto_of_match(&m)->name, "rarp");
    m.dl_type = 0x1234;
    assert_null(ofp_proto_of_match(&m));
}

static void test_equal_compares_every_field(void **state)
{
    (void)state;
    struct of_match a, b;
    ofp_match_init_catchall(&a);
    a.wildcards &= ~(uint32_t)(OFPFW_DL_TYPE | OFPFW_NW_PROTO | OFPFW_TP_DST);
    a.dl_type = 0x0800;
    a.nw_proto = 6;
    a.tp_dst = 22;
    b = a;
    assert_true(ofp_match_equal(&a, &b));
    b.tp_dst = 23;
    assert_false(ofp_match_equal(&a, &b));
    b = a;
    b.dl_src[5] = 1;
    assert_false(ofp_match_equal(&a, &b));
    b = a;
    b.wildcards |= OFPFW_TP_DST;
    assert_false(ofp_match_equal(&a, &b));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prefix_masks_round_trip),
        cmocka_unit_test(test_nw_prefix_sets_wildcard_bits),
        cmocka_unit_test(test_unmet_prerequisites_are_reported),
        cmocka_unit_test(test_normalize_drops_fields_like_ovs),
        cmocka_unit_test(test_protocol_shorthands),
        cmocka_unit_test(test_equal_compares_every_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
