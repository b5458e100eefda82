/*
 * test_offload.c — checksum completion and GSO segmentation on handmade
 * frames, checked against a naive reference checksum.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "libos/common/offload.h"
#include "os/byteorder.h"
#include "os/pkt.h"
#include "os/rand.h"

/* ---- reference checksums (deliberately naive) ---- */

static uint32_t ref_sum(const uint8_t *p, uint32_t len, uint32_t sum)
{
    for (uint32_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (len & 1)
        sum += (uint32_t)p[len - 1] << 8;
    return sum;
}

static uint16_t ref_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

/* Returns true when the IPv4 header checksum of the frame verifies. */
static bool ipv4_hdr_ok(const uint8_t *ip)
{
    return ref_fold(ref_sum(ip, (ip[0] & 0xfu) * 4, 0)) == 0xffff;
}

/* Returns true when the L4 checksum (pseudo header included) verifies. */
static bool l4_ok(const uint8_t *ip, bool v6, uint8_t proto, const uint8_t *l4,
                  uint32_t l4len)
{
    uint32_t s = v6 ? ref_sum(ip + 8, 32, 0) : ref_sum(ip + 12, 8, 0);
    s += proto + l4len;
    return ref_fold(ref_sum(l4, l4len, s)) == 0xffff;
}

/* ---- frame builders ---- */

static uint8_t frame[70000];

static uint32_t put_eth(uint8_t *f, uint16_t type, bool vlan)
{
    static const uint8_t macs[12] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2};
    memcpy(f, macs, 12);
    if (vlan) {
        os_put_be16(f + 12, 0x8100);
        os_put_be16(f + 14, 0x2064);
        os_put_be16(f + 16, type);
        return 18;
    }
    os_put_be16(f + 12, type);
    return 14;
}

static void put_ipv4(uint8_t *ip, uint8_t proto, uint32_t totlen)
{
    memset(ip, 0, 20);
    ip[0] = 0x45;
    os_put_be16(ip + 2, (uint16_t)totlen);
    os_put_be16(ip + 4, 0x1234);
    os_put_be16(ip + 6, 0x4000); /* DF */
    ip[8] = 64;
    ip[9] = proto;
    os_put_be32(ip + 12, 0x0a000001);
    os_put_be32(ip + 16, 0x0a000002);
    os_put_be16(ip + 10, (uint16_t)~ref_fold(ref_sum(ip, 20, 0)));
}

static void put_ipv6(uint8_t *ip, uint8_t proto, uint32_t paylen)
{
    memset(ip, 0, 40);
    ip[0] = 0x60;
    os_put_be16(ip + 4, (uint16_t)paylen);
    ip[6] = proto;
    ip[7] = 64;
    ip[8] = 0xfd;
    ip[23] = 1;
    ip[24] = 0xfd;
    ip[39] = 2;
}

static void put_tcp(uint8_t *t, uint8_t flags)
{
    memset(t, 0, 20);
    os_put_be16(t, 40000);
    os_put_be16(t + 2, 80);
    os_put_be32(t + 4, 0xfffff000u); /* wraps during segmentation */
    os_put_be32(t + 8, 77);
    t[12] = 5 << 4;
    t[13] = flags;
    os_put_be16(t + 14, 65535);
}

static void fill_payload(uint8_t *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        p[i] = (uint8_t)(i * 7 + 3);
}

/* Seeds the checksum field with the (uncomplemented) pseudo-header sum, as
 * a kernel does for CHECKSUM_PARTIAL. */
static void seed_pseudo(const uint8_t *ip, bool v6, uint8_t proto, uint8_t *field,
                        uint32_t l4len)
{
    uint32_t s = v6 ? ref_sum(ip + 8, 32, 0) : ref_sum(ip + 12, 8, 0);
    os_put_be16(field, ref_fold(s + proto + l4len));
}

/* Builds Ethernet/IPv4/TCP with `payload` bytes; returns the frame length. */
static uint32_t build_tcp4(uint32_t payload, uint8_t flags, bool vlan)
{
    uint32_t l3 = put_eth(frame, 0x0800, vlan);
    put_ipv4(frame + l3, 6, 40 + payload);
    put_tcp(frame + l3 + 20, flags);
    fill_payload(frame + l3 + 40, payload);
    seed_pseudo(frame + l3, false, 6, frame + l3 + 20 + 16, 20 + payload);
    return l3 + 40 + payload;
}

static struct pkt_pool *pool;

static int setup(void **state)
{
    pool = pkt_pool_create(256, PKT_DEFAULT_SLOT, PKT_DEFAULT_HEADROOM);
    return pool ? 0 : -1;
}

static int teardown(void **state)
{
    assert_int_equal(pkt_pool_avail(pool), pkt_pool_size(pool));
    pkt_pool_destroy(pool);
    return 0;
}

static struct offload_vnet_hdr vnet(uint8_t type, uint16_t mss, uint16_t start,
                                    uint16_t off)
{
    struct offload_vnet_hdr h = {.flags = OFFLOAD_F_NEEDS_CSUM, .gso_type = type,
                                 .gso_size = mss, .csum_start = start, .csum_offset = off};
    return h;
}

/* ---- checksum completion ---- */

static void test_csum_complete_tcp4(void **state)
{
    uint32_t len = build_tcp4(1001, 0x18, false);
    assert_int_equal(offload_csum_complete(frame, len, 34, 16), 0);
    assert_true(l4_ok(frame + 14, false, 6, frame + 34, len - 34));
}

static void test_csum_complete_udp6_odd(void **state)
{
    uint32_t l3 = put_eth(frame, 0x86dd, false), pay = 333;
    put_ipv6(frame + l3, 17, 8 + pay);
    uint8_t *u = frame + l3 + 40;
    os_put_be16(u, 5353);
    os_put_be16(u + 2, 5353);
    os_put_be16(u + 4, (uint16_t)(8 + pay));
    fill_payload(u + 8, pay);
    seed_pseudo(frame + l3, true, 17, u + 6, 8 + pay);
    uint32_t len = l3 + 48 + pay;
    struct offload_vnet_hdr h = vnet(OFFLOAD_GSO_NONE, 0, (uint16_t)(l3 + 40), 6);
    assert_int_equal(offload_fix_frame(frame, len, &h), 0);
    assert_true(l4_ok(frame + l3, true, 17, u, 8 + pay));
}

static void test_csum_complete_zero_becomes_ffff(void **state)
{
    uint8_t f[6] = {0, 0, 0, 0, 0xff, 0xff};
    assert_int_equal(offload_csum_complete(f, 6, 0, 2), 0);
    assert_int_equal(os_get_be16(f + 2), 0xffff);
}

static void test_csum_complete_rejects_bad_offsets(void **state)
{
    uint8_t f[20];
    memset(f, 0xab, sizeof f);
    assert_int_equal(offload_csum_complete(f, 20, 21, 0), -EINVAL);
    assert_int_equal(offload_csum_complete(f, 20, 10, 9), -EINVAL);
    assert_int_equal(offload_csum_complete(f, 20, 0, 0xffffffffu), -EINVAL);
    assert_int_equal(offload_csum_complete(f, 20, 18, 0), 0);
    for (int i = 0; i < 18; i++)
        assert_int_equal(f[i], 0xab);
}

static void test_csum_partial_matches_reference(void **state)
{
    for (uint32_t n = 0; n < 67; n++) {
        fill_payload(frame, n);
        uint32_t a = offload_csum_partial(frame + 1, n, 0x1234);
        assert_int_equal(offload_csum_fold(a), (uint16_t)~ref_fold(ref_sum(frame + 1, n, 0x1234)));
    }
}

/* ---- GSO ---- */

/* Checks one TCP/IPv4 segment of a build_tcp4 frame. */
static void check_tcp4_seg(const struct pkt *p, uint32_t l3, unsigned i, unsigned n,
                           uint32_t mss, uint32_t total, uint8_t flags)
{
    const uint8_t *ip = p->data + l3, *t = ip + 20;
    uint32_t pay = i + 1 < n ? mss : total - mss * (n - 1);
    assert_int_equal(p->len, l3 + 40 + pay);
    assert_int_equal(os_get_be16(ip + 2), 40 + pay);
    assert_int_equal(os_get_be16(ip + 4), (uint16_t)(0x1234 + i));
    assert_true(ipv4_hdr_ok(ip));
    assert_int_equal(os_get_be32(t + 4), (uint32_t)(0xfffff000u + i * mss));
    uint8_t want = flags;
    if (i + 1 < n)
        want &= (uint8_t)~0x09;
    if (i > 0)
        want &= (uint8_t)~0x80;
    assert_int_equal(t[13], want);
    assert_true(l4_ok(ip, false, 6, t, 20 + pay));
    static uint8_t ref[70000];
    fill_payload(ref, i * mss + pay);
    assert_memory_equal(t + 20, ref + i * mss, pay);
}

static void test_gso_tcp4_segments(void **state)
{
    uint8_t flags = 0x80 | 0x10 | 0x08 | 0x01; /* CWR ACK PSH FIN */
    uint32_t len = build_tcp4(4000, flags, false);
    struct offload_vnet_hdr h = vnet(OFFLOAD_GSO_TCPV4 | OFFLOAD_GSO_ECN, 1448, 34, 16);
    struct pkt *out[8];
    int n = offload_gso_segment(frame, len, &h, pool, out, 8);
    assert_int_equal(n, 3);
    for (int i = 0; i < n; i++)
        check_tcp4_seg(out[i], 14, (unsigned)i, 3, 1448, 4000, flags);
    pkt_free_burst(out, 3);
}

static void test_gso_tcp4_exact_multiple_with_vlan(void **state)
{
    uint32_t len = build_tcp4(2 * 1000, 0x18, true);
    struct offload_vnet_hdr h = vnet(OFFLOAD_GSO_TCPV4, 1000, 38, 16);
    struct pkt *out[8];
    int n = offload_gso_segment(frame, len, &h, pool, out, 8);
    assert_int_equal(n, 2);
    for (int i = 0; i < n; i++) {
        assert_int_equal(os_get_be16(out[i]->data + 12), 0x8100);
        check_tcp4_seg(out[i], 18, (unsigned)i, 2, 1000, 2000, 0x18);
    }
    pkt_free_burst(out, 2);
}

static void test_gso_tcp6_segments(void **state)
{
    uint32_t l3 = put_eth(frame, 0x86dd, false), pay = 3000;
    put_ipv6(frame + l3, 6, 20 + pay);
    put_tcp(frame + l3 + 40, 0x19);
    fill_payload(frame + l3 + 60, pay);
    struct offload_vnet_hdr h = vnet(OFFLOAD_GSO_TCPV6, 1200, (uint16_t)(l3 + 40), 16);
    struct pkt *out[8];
    int n = offload_gso_segment(frame, l3 + 60 + pay, &h, pool, out, 8);
    assert_int_equal(n, 3);
    for (int i = 0; i < n; i++) {
        const uint8_t *ip = out[i]->data + l3, *t = ip + 40;
        uint32_t sp = i < 2 ? 1200 : 600;
        assert_int_equal(out[i]->len, l3 + 60 + sp);
        assert_int_equal(os_get_be16(ip + 4), 20 + sp);
        assert_int_equal(t[13], i < 2 ? 0x10 : 0x19);
        assert_true(l4_ok(ip, true, 6, t, 20 + sp));
    }
    pkt_free_burst(out, 3);
}

static void test_gso_udp_l4_segments(void **state)
{
    uint32_t l3 = put_eth(frame, 0x0800, false), pay = 2500;
    put_ipv4(frame + l3, 17, 28 + pay);
    uint8_t *u = frame + l3 + 20;
    os_put_be16(u, 1000);
    os_put_be16(u + 2, 2000);
    os_put_be16(u + 4, (uint16_t)(8 + pay));
    fill_payload(u + 8, pay);
    struct offload_vnet_hdr h = vnet(OFFLOAD_GSO_UDP_L4, 1000, 34, 6);
    struct pkt *out[8];
    int n = offload_gso_segment(frame, l3 + 28 + pay, &h, pool, out, 8);
    assert_int_equal(n, 3);
    for (int i = 0; i < n; i++) {
        const uint8_t *ip = out[i]->data + l3, *s = ip + 20;
        uint32_t sp = i < 2 ? 1000 : 500;
        assert_int_equal(os_get_be16(s + 4), 8 + sp);
        assert_int_equal(os_get_be16(ip + 2), 28 + sp);
        assert_true(ipv4_hdr_ok(ip));
        assert_true(l4_ok(ip, false, 17, s, 8 + sp));
    }
    pkt_free_burst(out, 3);
}

static void test_gso_rejects_malformed(void **state)
{
    uint32_t len = build_tcp4(3000, 0x10, false);
    struct offload_gso g;
    struct offload_vnet_hdr h = vnet(OFFLOAD_GSO_TCPV4, 0, 34, 16);
    assert_int_equal(offload_gso_start(&g, frame, len, &h, 1920), -EINVAL); /* mss 0 */
    h = vnet(OFFLOAD_GSO_TCPV4, 1448, 30, 16);
    assert_int_equal(offload_gso_start(&g, frame, len, &h, 1920), -EINVAL); /* csum_start */
    h = vnet(OFFLOAD_GSO_UDP, 1448, 34, 16);
    assert_int_equal(offload_gso_start(&g, frame, len, &h, 1920), -EINVAL); /* UFO */
    h = vnet(OFFLOAD_GSO_TCPV6, 1448, 34, 16);
    assert_int_equal(offload_gso_start(&g, frame, len, &h, 1920), -EINVAL); /* v6 on v4 */
    h = vnet(OFFLOAD_GSO_TCPV4, 1900, 34, 16);
    assert_int_equal(offload_gso_start(&g, frame, len, &h, 1920), -EINVAL); /* too big */
    h = vnet(OFFLOAD_GSO_TCPV4, 1448, 34, 16);
    for (uint32_t cut = 0; cut < 54; cut++) /* truncated headers */
        assert_int_equal(offload_gso_start(&g, frame, cut, &h, 1920), -EINVAL);
    frame[34 + 12] = 0xf0; /* data offset 60 > what's left of a short frame */
    assert_int_equal(offload_gso_start(&g, frame, 80, &h, 1920), -EINVAL);
}

static void test_gso_too_many_segments(void **state)
{
    uint32_t len = build_tcp4(4000, 0x10, false);
    struct offload_vnet_hdr h = vnet(OFFLOAD_GSO_TCPV4, 100, 34, 16);
    struct pkt *out[8];
    assert_int_equal(offload_gso_segment(frame, len, &h, pool, out, 8), -E2BIG);
}

static void test_gso_pool_empty_keeps_nothing(void **state)
{
    struct pkt_pool *small = pkt_pool_create(2, PKT_DEFAULT_SLOT, PKT_DEFAULT_HEADROOM);
    assert_non_null(small);
    uint32_t len = build_tcp4(4000, 0x10, false);
    struct offload_vnet_hdr h = vnet(OFFLOAD_GSO_TCPV4, 1448, 34, 16);
    struct pkt *out[8];
    assert_int_equal(offload_gso_segment(frame, len, &h, small, out, 8), -ENOMEM);
    assert_int_equal(pkt_pool_avail(small), 2);
    pkt_pool_destroy(small);
}

static void test_gso_cursor_resumes_after_enomem(void **state)
{
    struct pkt_pool *small = pkt_pool_create(2, PKT_DEFAULT_SLOT, PKT_DEFAULT_HEADROOM);
    uint32_t len = build_tcp4(4000, 0x19, false);
    struct offload_vnet_hdr h = vnet(OFFLOAD_GSO_TCPV4, 1448, 34, 16);
    struct offload_gso g;
    struct pkt *a, *b, *c;
    assert_int_equal(offload_gso_start(&g, frame, len, &h, 1920), 3);
    assert_int_equal(offload_gso_next(&g, small, &a), 0);
    assert_int_equal(offload_gso_next(&g, small, &b), 0);
    assert_int_equal(offload_gso_next(&g, small, &c), -ENOMEM);
    check_tcp4_seg(a, 14, 0, 3, 1448, 4000, 0x19);
    pkt_free(a);
    assert_int_equal(offload_gso_next(&g, small, &c), 0);
    check_tcp4_seg(b, 14, 1, 3, 1448, 4000, 0x19);
    check_tcp4_seg(c, 14, 2, 3, 1448, 4000, 0x19);
    assert_true(offload_gso_done(&g));
    assert_int_equal(offload_gso_next(&g, small, &a), -ENODATA);
    pkt_free(b);
    pkt_free(c);
    pkt_pool_destroy(small);
}

/* Random mutations of a valid super-frame and its header: every call either
 * refuses or produces packets inside the pool slot (ASan checks the reads). */
static void test_gso_random_input_is_safe(void **state)
{
    struct os_rand r;
    os_rand_seed(&r, 42);
    for (int it = 0; it < 3000; it++) {
        uint32_t len = build_tcp4(3000, 0x18, it & 1);
        uint64_t x = os_rand_next(&r);
        for (int k = 0; k < 4; k++) /* flip a few header bytes */
            frame[(x >> (k * 8)) % 80] ^= (uint8_t)(x >> (32 + k * 8));
        len = (uint32_t)(os_rand_next(&r) % (len + 1));
        uint64_t y = os_rand_next(&r);
        struct offload_vnet_hdr h = vnet((uint8_t)(y & 0x87), (uint16_t)(y >> 8),
                                         (uint16_t)((y >> 24) % 90), (uint16_t)((y >> 40) % 24));
        h.flags = (uint8_t)(y >> 60);
        struct pkt *out[OFFLOAD_MAX_SEGS];
        int n = offload_gso_segment(frame, len, &h, pool, out, OFFLOAD_MAX_SEGS);
        for (int i = 0; i < n; i++)
            assert_true(out[i]->len <= out[i]->buf_size);
        if (n > 0)
            pkt_free_burst(out, (unsigned)n);
        uint8_t copy[200];
        uint32_t cl = len < sizeof copy ? len : sizeof copy;
        memcpy(copy, frame, cl);
        (void)offload_fix_frame(copy, cl, &h);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csum_complete_tcp4),
        cmocka_unit_test(test_csum_complete_udp6_odd),
        cmocka_unit_test(test_csum_complete_zero_becomes_ffff),
        cmocka_unit_test(test_csum_complete_rejects_bad_offsets),
        cmocka_unit_test(test_csum_partial_matches_reference),
        cmocka_unit_test(test_gso_tcp4_segments),
        cmocka_unit_test(test_gso_tcp4_exact_multiple_with_vlan),
        cmocka_unit_test(test_gso_tcp6_segments),
        cmocka_unit_test(test_gso_udp_l4_segments),
        cmocka_unit_test(test_gso_rejects_malformed),
        cmocka_unit_test(test_gso_too_many_segments),
        cmocka_unit_test(test_gso_pool_empty_keeps_nothing),
        cmocka_unit_test(test_gso_cursor_resumes_after_enomem),
        cmocka_unit_test(test_gso_random_input_is_safe),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
