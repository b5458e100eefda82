/* test_dp_key.c — flow key extraction, hashing and formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "datapath/dp_key.h"
#include "dp_frames.h"

static uint8_t fb[1600];

/* Extracts from a heap copy of exactly len bytes so ASan sees overreads. */
static void extract(const uint8_t *f, size_t len, uint16_t port, struct dp_key *k,
                    struct dp_layout *l)
{
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, f, len);
    memset(k, 0xa5, sizeof *k);
    dp_key_extract(copy, (uint32_t)len, port, k, l);
    free(copy);
}

static void test_tcp_fields(void **state)
{
    (void)state;
    struct dpf_spec s = dpf_tcp();
    size_t n = dpf_build(fb, &s);
    struct dp_key k;
    struct dp_layout l;
    extract(fb, n, 3, &k, &l);
    assert_int_equal(k.in_port, 3);
    assert_memory_equal(k.dl_src, s.src, 6);
    assert_memory_equal(k.dl_dst, s.dst, 6);
    assert_int_equal(k.dl_vlan, DP_VLAN_NONE);
    assert_int_equal(k.dl_vlan_pcp, 0);
    assert_int_equal(k.dl_type, 0x0800);
    assert_int_equal(k.nw_src, 0x0a000001);
    assert_int_equal(k.nw_dst, 0x0a000002);
    assert_int_equal(k.nw_proto, 6);
    assert_int_equal(k.nw_tos, 0x10); /* ECN bits dropped */
    assert_int_equal(k.tp_src, 1234);
    assert_int_equal(k.tp_dst, 80);
    assert_int_equal(k.pad0, 0);
    assert_memory_equal(k.pad1, "\0\0\0\0\0\0", 6);
    assert_int_equal(l.flags, DP_LF_IPV4);
    assert_int_equal(l.l3_ofs, 14);
    assert_int_equal(l.l4_ofs, 34);
}

static void test_udp_fields(void **state)
{
    (void)state;
    struct dpf_spec s = dpf_tcp();
    s.proto = 17;
    s.tp_src = 53;
    s.tp_dst = 4000;
    size_t n = dpf_build(fb, &s);
    struct dp_key k;
    struct dp_layout l;
    extract(fb, n, 1, &k, &l);
    assert_int_equal(k.nw_proto, 17);
    assert_int_equal(k.tp_src, 53);
    assert_int_equal(k.tp_dst, 4000);
    assert_int_equal(l.l4_ofs, 34);
}

static void test_icmp_type_code(void **state)
{
    (void)state;
    struct dpf_spec s = dpf_tcp();
    s.proto = 1;
    s.tp_src = 8;
    s.tp_dst = 0;
    size_t n = dpf_build(fb, &s);
    struct dp_key k;
    extract(fb, n, 1, &k, NULL);
    assert_int_equal(k.nw_proto, 1);
    assert_int_equal(k.tp_src, 8);
    assert_int_equal(k.tp_dst, 0);
    s.tp_src = 3;
    s.tp_dst = 13;
    n = dpf_build(fb, &s);
    extract(fb, n, 1, &k, NULL);
    assert_int_equal(k.tp_src, 3);
    assert_int_equal(k.tp_dst, 13);
}

static void test_ip_options(void **state)
{
    (void)state;
    struct dpf_spec s = dpf_tcp();
    s.ip_opts = 3;
    size_t n = dpf_build(fb, &s);
    struct dp_key k;
    struct dp_layout l;
    extract(fb, n, 1, &k, &l);
    assert_int_equal(l.l4_ofs, 14 + 32);
    assert_int_equal(k.tp_src, 1234);
    assert_int_equal(k.tp_dst, 80);
    assert_false(l.flags & DP_LF_TRUNC);
}

static void test_other_ip_proto(void **state)
{
    (void)state;
    struct dpf_spec s = dpf_tcp();
    s.proto = 47; /* GRE */
    size_t n = dpf_build(fb, &s);
    struct dp_key k;
    struct dp_layout l;
    extract(fb, n, 1, &k, &l);
    assert_int_equal(k.nw_proto, 47);
    assert_int_equal(k.tp_src, 0);
    assert_int_equal(k.tp_dst, 0);
    assert_int_equal(l.l4_ofs, 0);
    assert_int_equal(l.flags, DP_LF_IPV4);
}

static void test_vlan_tag(void **state)
{
    (void)state;
    struct dpf_spec s = dpf_tcp();
    s.vlan = 100;
    s.pcp = 5;
    size_t n = dpf_build(fb, &s);
    struct dp_key k;
    struct dp_layout l;
    extract(fb, n, 1, &k, &l);
    assert_int_equal(k.dl_vlan, 100);
    assert_int_equal(k.dl_vlan_pcp, 5);
    assert_int_equal(k.dl_type, 0x0800);
    assert_int_equal(k.tp_dst, 80);
    assert_int_equal(l.flags, DP_LF_VLAN | DP_LF_IPV4);
    assert_int_equal(l.l3_ofs, 18);
    assert_int_equal(l.l4_ofs, 38);
}

static void test_double_tag_outer_only(void **state)
{
    (void)state;
    struct dpf_spec s = dpf_tcp();
    s.vlan = 7;
    size_t n = dpf_build(fb, &s);
    /* insert a second tag: outer 7, inner 0x8100 tag 9, then IPv4 */
    memmove(fb + 20, fb + 16, n - 16);
    fb[16] = 0x81; fb[17] = 0x00; fb[18] = 0x00; fb[19] = 9;
    n += 4;
    struct dp_key k;
    struct dp_layout l;
    extract(fb, n, 1, &k, &l);
    assert_int_equal(k.dl_vlan, 7);
    assert_int_equal(k.dl_type, 0x8100);
    assert_int_equal(k.nw_src, 0);
    assert_int_equal(k.nw_proto, 0);
    assert_int_equal(l.flags, DP_LF_VLAN);
}

static void test_arp(void **state)
{
    (void)state;
    struct dpf_spec s = dpf_tcp();
    s.dl_type = 0x0806;
    s.arp_op = 2;
    s.nw_src = 0xc0a80001;
    s.nw_dst = 0xc0a80002;
    size_t n = dpf_build(fb, &s);
    struct dp_key k;
    struct dp_layout l;
    extract(fb, n, 1, &k, &l);
    assert_int_equal(k.dl_type, 0x0806);
    assert_int_equal(k.nw_proto, 2);
    assert_int_equal(k.nw_src, 0xc0a80001);
    assert_int_equal(k.nw_dst, 0xc0a80002);
    assert_int_equal(k.tp_src, 0);
    assert_int_equal(l.flags, DP_LF_ARP);
}

static void test_arp_opcode_low_byte(void **state)
{
    (void)state;
    struct dpf_spec s = dpf_tcp();
    s.dl_type = 0x0806;
    s.arp_op = 0x0103;
    size_t n = dpf_build(fb, &s);
    struct dp_key k;
    extract(fb, n, 1, &k, NULL);
    assert_int_equal(k.nw_proto, 3);
}

static void test_arp_not_ethernet_ipv4(void **state)
{
    (void)state;
    struct dpf_spec s = dpf_tcp();
    s.dl_type = 0x0806;
    size_t n = dpf_build(fb, &s);
    fb[14 + 1] = 6; /* htype 6 */
    struct dp_key k;
    struct dp_layout l;
    extract(fb, n, 1, &k, &l);
    assert_int_equal(k.dl_type, 0x0806);
    assert_int_equal(k.nw_proto, 0);
    assert_int_equal(k.nw_src, 0);
    assert_int_equal(l.flags, 0);
}

static void test_8023_llc_not_snap(void **state)
{
    (void)state;
    struct dpf_spec s = dpf_tcp();
    s.dl_type = 46; /* an 802.3 length */
    s.payload = 46;
    size_t n = dpf_build(fb, &s);
    fb[14] = 0x42; fb[15] = 0x42; fb[16] = 0x03; /* STP LLC */
    struct dp_key k;
    struct dp_layout l;
    extract(fb, n, 1, &k, &l);
    assert_int_equal(k.dl_type, DP_DL_TYPE_NOT_ETH);
    assert_int_equal(l.flags, 0);
}

static void test_8023_snap(void **state)
{
    (void)state;
    struct dpf_spec s = dpf_tcp();
    size_t n = dpf_build(fb, &s); /* IPv4/TCP; wrap it in LLC/SNAP */
    memmove(fb + 22, fb + 14, n - 14);
    static const uint8_t snap[8] = {0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00};
    memcpy(fb + 14, snap, 8);
    fb[12] = 0;
    fb[13] = (uint8_t)(n - 14 + 8);
    n += 8;
    struct dp_key k;
    struct dp_layout l;
    extract(fb, n, 1, &k, &l);
    assert_int_equal(k.dl_type, 0x0800);
    assert_int_equal(l.l3_ofs, 22);
    assert_int_equal(k.nw_src, 0x0a000001);
    assert_int_equal(k.tp_dst, 80);
}

static void test_8023_snap_nonzero_oui(void **state)
{
    (void)state;
    static const uint8_t f[30] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0, 16,
                                  0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00};
    struct dp_key k;
    extract(f, sizeof f, 1, &k, NULL);
    assert_int_equal(k.dl_type, DP_DL_TYPE_NOT_ETH); /* Cisco OUI: not Ethernet */
}

static void test_first_fragment(void **state)
{
    (void)state;
    struct dpf_spec s = dpf_tcp();
    s.frag = 0x2000; /* MF, offset 0 */
    size_t n = dpf_build(fb, &s);
    struct dp_key k;
    struct dp_layout l;
    extract(fb, n, 1, &k, &l);
    assert_int_equal(l.flags, DP_LF_IPV4 | DP_LF_FRAG);
    assert_int_equal(k.tp_src, 1234);
    assert_int_equal(k.tp_dst, 80);
}

static void test_later_fragment(void **state)
{
    (void)state;
    struct dpf_spec s = dpf_tcp();
    s.frag = 0x0010; /* offset 16*8, last fragment */
    size_t n = dpf_build(fb, &s);
    struct dp_key k;
    struct dp_layout l;
    extract(fb, n, 1, &k, &l);
    assert_int_equal(l.flags, DP_LF_IPV4 | DP_LF_FRAG | DP_LF_LATER_FRAG);
    assert_int_equal(k.nw_proto, 6);
    assert_int_equal(k.tp_src, 0);
    assert_int_equal(k.tp_dst, 0);
    assert_int_equal(l.l4_ofs, 0);
}

static void test_ethernet_padding_ignored(void **state)
{
    (void)state;
    struct dpf_spec s = dpf_tcp();
    s.proto = 17;
    s.payload = 0; /* 42-byte frame padded to 60 */
    size_t n = dpf_build(fb, &s);
    memset(fb + n, 0, 60 - n);
    struct dp_key k;
    struct dp_layout l;
    extract(fb, 60, 1, &k, &l);
    assert_int_equal(l.flags, DP_LF_IPV4);
    assert_int_equal(k.tp_dst, 80);
}

static void test_ip_total_length_too_small(void **state)
{
    (void)state;
    struct dpf_spec s = dpf_tcp();
    size_t n = dpf_build(fb, &s);
    fb[16] = 0;
    fb[17] = 10; /* tot_len 10 < ihl 20 */
    struct dp_key k;
    struct dp_layout l;
    extract(fb, n, 1, &k, &l);
    assert_true(l.flags & DP_LF_TRUNC);
    assert_int_equal(k.nw_src, 0x0a000001);
    assert_int_equal(k.tp_src, 0);
}

static void test_ip_bad_version_or_ihl(void **state)
{
    (void)state;
    struct dpf_spec s = dpf_tcp();
    size_t n = dpf_build(fb, &s);
    struct dp_key k;
    struct dp_layout l;
    fb[14] = 0x44; /* ihl 4 */
    extract(fb, n, 1, &k, &l);
    assert_true(l.flags & DP_LF_TRUNC);
    assert_int_equal(k.nw_src, 0);
    fb[14] = 0x65; /* version 6 */
    extract(fb, n, 1, &k, &l);
    assert_true(l.flags & DP_LF_TRUNC);
    assert_int_equal(k.nw_proto, 0);
    fb[14] = 0x4f; /* ihl 60 > what is there (54 - 14 = 40... ) */
    extract(fb, 14 + 40, 1, &k, &l);
    assert_true(l.flags & DP_LF_TRUNC);
    assert_int_equal(k.nw_src, 0);
}

/* Every prefix of `f` must extract without overreads, set TRUNC when cut
 * before `need` bytes, and keep MACs once they are complete. */
static void truncate_every_byte(const uint8_t *f, size_t n, size_t need)
{
    struct dp_key full, k;
    struct dp_layout l;
    extract(f, n, 9, &full, &l);
    assert_false(l.flags & DP_LF_TRUNC);
    for (size_t len = 0; len < n; len++) {
        extract(f, len, 9, &k, &l);
        assert_int_equal(k.in_port, 9);
        assert_int_equal(k.pad0, 0);
        if (len < need)
            assert_true(l.flags & DP_LF_TRUNC);
        if (len >= 12) {
            assert_memory_equal(k.dl_src, full.dl_src, 6);
            assert_memory_equal(k.dl_dst, full.dl_dst, 6);
        }
        if (!(k.tp_src == 0 || k.tp_src == full.tp_src))
            fail_msg("len %zu: tp_src %u", len, k.tp_src);
        if (l.l4_ofs)
            assert_true(len >= need);
    }
}

static void test_truncated_tcp_every_offset(void **state)
{
    (void)state;
    struct dpf_spec s = dpf_tcp();
    s.payload = 0;
    size_t n = dpf_build(fb, &s);
    truncate_every_byte(fb, n, n);
}

static void test_truncated_vlan_every_offset(void **state)
{
    (void)state;
    struct dpf_spec s = dpf_tcp();
    s.vlan = 12;
    s.proto = 17;
    s.payload = 0;
    size_t n = dpf_build(fb, &s);
    truncate_every_byte(fb, n, n);
    struct dp_key k;
    struct dp_layout l;
    extract(fb, 17, 1, &k, &l); /* tag cut short */
    assert_int_equal(k.dl_vlan, DP_VLAN_NONE);
    assert_int_equal(l.flags, DP_LF_TRUNC);
}

static void test_truncated_arp_every_offset(void **state)
{
    (void)state;
    struct dpf_spec s = dpf_tcp();
    s.dl_type = 0x0806;
    size_t n = dpf_build(fb, &s);
    truncate_every_byte(fb, n, n);
    struct dp_key k;
    struct dp_layout l;
    extract(fb, n - 1, 1, &k, &l);
    assert_int_equal(k.dl_type, 0x0806);
    assert_int_equal(k.nw_src, 0);
    assert_int_equal(l.flags, DP_LF_TRUNC);
}

static void test_hash_equal_keys(void **state)
{
    (void)state;
    struct dpf_spec s = dpf_tcp();
    size_t n = dpf_build(fb, &s);
    struct dp_key a, b;
    extract(fb, n, 1, &a, NULL);
    extract(fb, n, 1, &b, NULL);
    assert_true(dp_key_equal(&a, &b));
    assert_int_equal(dp_key_hash(&a, NULL, 7), dp_key_hash(&b, NULL, 7));
    b.tp_src++;
    assert_int_not_equal(dp_key_hash(&a, NULL, 7), dp_key_hash(&b, NULL, 7));
}

static void test_hash_mask(void **state)
{
    (void)state;
    struct dpf_spec s = dpf_tcp();
    size_t n = dpf_build(fb, &s);
    struct dp_key a, b, mask;
    extract(fb, n, 1, &a, NULL);
    b = a;
    b.tp_src = 9999;
    memset(&mask, 0xff, sizeof mask);
    mask.tp_src = 0;
    assert_int_equal(dp_key_hash(&a, &mask, 0), dp_key_hash(&b, &mask, 0));
    assert_int_not_equal(dp_key_hash(&a, &mask, 0), dp_key_hash(&a, &mask, 1));
}

static void test_hash_spreads(void **state)
{
    (void)state;
    /* 4096 keys differing in one field fill 4096 buckets well */
    static uint8_t hit[4096];
    memset(hit, 0, sizeof hit);
    struct dp_key k;
    memset(&k, 0, sizeof k);
    unsigned used = 0;
    for (unsigned i = 0; i < 4096; i++) {
        k.nw_src = 0x0a000000 + i;
        uint32_t h = dp_key_hash(&k, NULL, 0) & 4095;
        if (!hit[h]++)
            used++;
    }
    assert_true(used > 2400); /* ~2590 expected for a random function */
}

static void test_format(void **state)
{
    (void)state;
    struct dpf_spec s = dpf_tcp();
    s.vlan = 5;
    size_t n = dpf_build(fb, &s);
    struct dp_key k, m;
    extract(fb, n, 2, &k, NULL);
    char buf[256];
    dp_key_format(&k, NULL, buf, sizeof buf);
    assert_string_equal(buf, "in_port=2,dl_vlan=5,dl_vlan_pcp=0,dl_src=02:00:00:00:00:01,"
                             "dl_dst=02:00:00:00:00:02,dl_type=0x0800,nw_src=10.0.0.1,"
                             "nw_dst=10.0.0.2,nw_proto=6,nw_tos=16,tp_src=1234,tp_dst=80");
    memset(&m, 0, sizeof m);
    m.nw_src = 0xffffff00;
    m.tp_dst = 0xffff;
    k.nw_src &= m.nw_src;
    dp_key_format(&k, &m, buf, sizeof buf);
    assert_string_equal(buf, "nw_src=10.0.0.0/24,tp_dst=80");
    dp_key_format(&k, &m, buf, 8); /* truncated, terminated */
    assert_int_equal(strlen(buf), 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tcp_fields),
        cmocka_unit_test(test_udp_fields),
        cmocka_unit_test(test_icmp_type_code),
        cmocka_unit_test(test_ip_options),
        cmocka_unit_test(test_other_ip_proto),
        cmocka_unit_test(test_vlan_tag),
        cmocka_unit_test(test_double_tag_outer_only),
        cmocka_unit_test(test_arp),
        cmocka_unit_test(test_arp_opcode_low_byte),
        cmocka_unit_test(test_arp_not_ethernet_ipv4),
        cmocka_unit_test(test_8023_llc_not_snap),
        cmocka_unit_test(test_8023_snap),
        cmocka_unit_test(test_8023_snap_nonzero_oui),
        cmocka_unit_test(test_first_fragment),
        cmocka_unit_test(test_later_fragment),
        cmocka_unit_test(test_ethernet_padding_ignored),
        cmocka_unit_test(test_ip_total_length_too_small),
        cmocka_unit_test(test_ip_bad_version_or_ihl),
        cmocka_unit_test(test_truncated_tcp_every_offset),
        cmocka_unit_test(test_truncated_vlan_every_offset),
        cmocka_unit_test(test_truncated_arp_every_offset),
        cmocka_unit_test(test_hash_equal_keys),
        cmocka_unit_test(test_hash_mask),
        cmocka_unit_test(test_hash_spreads),
        cmocka_unit_test(test_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
