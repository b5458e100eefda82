/* test_dp_execute.c — every action, checksums verified by recomputation,
 * copy-on-write, VLAN push/modify/strip; plus the checksum helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "datapath/dp_csum.h"
#include "datapath/dp_execute.h"
#include "dp_frames.h"
#include "os/pkt.h"

#define MAX_OUT 8

struct rec {
    struct pkt *pkt[MAX_OUT];
    struct dp_action act[MAX_OUT];
    struct dp_layout lay[MAX_OUT];
    unsigned n;
};

struct fx {
    struct pkt_pool *pool;
    struct rec rec;
    struct dp_exec ex;
    uint8_t frame[1600];
    size_t len;
};

static void record(void *arg, struct pkt *pkt, const struct dp_layout *lay,
                   const struct dp_action *a)
{
    struct rec *r = arg;
    assert_true(r->n < MAX_OUT);
    r->pkt[r->n] = pkt;
    r->act[r->n] = *a;
    r->lay[r->n] = *lay;
    r->n++;
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    f->pool = pkt_pool_create(16, 2048, 128);
    assert_non_null(f->pool);
    f->ex.output = record;
    f->ex.arg = &f->rec;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    for (unsigned i = 0; i < f->rec.n; i++)
        pkt_free(f->rec.pkt[i]);
    assert_int_equal(pkt_pool_avail(f->pool), 16); /* nothing leaked */
    pkt_pool_destroy(f->pool);
    free(f);
    return 0;
}

/* Builds s into a fresh packet. */
static struct pkt *mkpkt(struct fx *f, const struct dpf_spec *s)
{
    f->len = dpf_build(f->frame, s);
    struct pkt *p = pkt_alloc(f->pool);
    assert_non_null(p);
    memcpy(pkt_put(p, (uint32_t)f->len), f->frame, f->len);
    p->in_port = 1;
    return p;
}

/* Runs acts on p (extracting its layout first). */
static void run(struct fx *f, struct pkt *p, const struct dp_action *acts, unsigned n)
{
    struct dp_key k;
    struct dp_layout l;
    dp_key_extract(p->data, p->len, p->in_port, &k, &l);
    dp_execute(&f->ex, p, &l, acts, n);
}

static struct dp_key key_of(const struct pkt *p)
{
    struct dp_key k;
    dp_key_extract(p->data, p->len, p->in_port, &k, NULL);
    return k;
}

#define OUT(p) {.type = DP_ACT_OUTPUT, .u.output = {.port = (p)}}

/* ---- checksum helpers ---- */

static void test_csum_rfc1071_vector(void **state)
{
    (void)state;
    static const uint8_t d[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    assert_int_equal(dp_csum(d, 8), (uint16_t)~0xddf2);
    assert_int_equal(dp_csum(d, 7), dp_csum_fold(dp_csum_partial(d, 6, 0xf600)));
}

static void test_csum_incremental_matches_full(void **state)
{
    (void)state;
    uint8_t d[20];
    srand(1);
    for (int iter = 0; iter < 2000; iter++) {
        for (int i = 0; i < 20; i++)
            d[i] = (uint8_t)rand();
        d[10] = d[11] = 0;
        uint16_t c = dp_csum(d, 20);
        uint32_t old = (uint32_t)d[12] << 24 | d[13] << 16 | d[14] << 8 | d[15];
        uint32_t nw = (uint32_t)rand() << 1 ^ (uint32_t)rand();
        d[12] = nw >> 24; d[13] = nw >> 16; d[14] = nw >> 8; d[15] = (uint8_t)nw;
        uint16_t inc = dp_csum_update32(c, old, nw);
        assert_int_equal(inc, dp_csum(d, 20));
        uint16_t o16 = (uint16_t)(d[4] << 8 | d[5]), n16 = (uint16_t)rand();
        d[4] = n16 >> 8; d[5] = (uint8_t)n16;
        assert_int_equal(dp_csum_update16(inc, o16, n16), dp_csum(d, 20));
    }
}

static void test_csum_udp_zero_becomes_ffff(void **state)
{
    (void)state;
    assert_int_equal(dp_csum_udp_fix(0), 0xffff);
    assert_int_equal(dp_csum_udp_fix(0x1234), 0x1234);
}

/* ---- outputs and sharing ---- */

static void test_output_single_no_ref(void **state)
{
    struct fx *f = *state;
    struct dpf_spec s = dpf_tcp();
    struct pkt *p = mkpkt(f, &s);
    struct dp_action a[] = {OUT(2)};
    run(f, p, a, 1);
    assert_int_equal(f->rec.n, 1);
    assert_ptr_equal(f->rec.pkt[0], p);
    assert_int_equal(p->refcnt, 1);
    assert_int_equal(f->rec.act[0].u.output.port, 2);
}

static void test_empty_list_drops(void **state)
{
    struct fx *f = *state;
    struct dpf_spec s = dpf_tcp();
    struct pkt *p = mkpkt(f, &s);
    run(f, p, NULL, 0);
    assert_int_equal(f->rec.n, 0);
    assert_int_equal(pkt_pool_avail(f->pool), 16);
}

static void test_outputs_share_buffer(void **state)
{
    struct fx *f = *state;
    struct dpf_spec s = dpf_tcp();
    struct pkt *p = mkpkt(f, &s);
    struct dp_action a[] = {OUT(2), OUT(3), OUT(4)};
    run(f, p, a, 3);
    assert_int_equal(f->rec.n, 3);
    assert_ptr_equal(f->rec.pkt[0], p);
    assert_ptr_equal(f->rec.pkt[2], p);
    assert_int_equal(p->refcnt, 3);
    assert_int_equal(f->ex.stats.copies, 0);
}

static void test_output_then_rewrite_copies(void **state)
{
    struct fx *f = *state;
    struct dpf_spec s = dpf_tcp();
    struct pkt *p = mkpkt(f, &s);
    struct dp_action a[] = {OUT(2), {.type = DP_ACT_SET_NW_DST, .u.ipv4 = 0xc0a80909}, OUT(3)};
    run(f, p, a, 3);
    assert_int_equal(f->rec.n, 2);
    assert_ptr_equal(f->rec.pkt[0], p);
    assert_ptr_not_equal(f->rec.pkt[1], p);
    assert_int_equal(p->refcnt, 1);
    assert_memory_equal(p->data, f->frame, f->len); /* first output: original bytes */
    assert_int_equal(key_of(f->rec.pkt[1]).nw_dst, 0xc0a80909);
    assert_true(dpf_csums_ok(f->rec.pkt[1]->data, f->rec.pkt[1]->len));
    assert_int_equal(f->ex.stats.copies, 1);
}

static void test_rewrite_copy_fails_drops(void **state)
{
    struct fx *f = *state;
    struct dpf_spec s = dpf_tcp();
    struct pkt *p = mkpkt(f, &s);
    struct pkt *hog[16];
    unsigned nh = pkt_alloc_burst(f->pool, hog, 16); /* empty the pool */
    struct dp_action a[] = {OUT(2), {.type = DP_ACT_SET_TP_DST, .u.tp = 8080}, OUT(3)};
    run(f, p, a, 3);
    pkt_free_burst(hog, nh);
    assert_int_equal(f->rec.n, 1);
    assert_int_equal(f->ex.stats.nomem_drops, 1);
    assert_int_equal(p->refcnt, 1);
    assert_memory_equal(p->data, f->frame, f->len);
}

static void test_enqueue_is_output(void **state)
{
    struct fx *f = *state;
    struct dpf_spec s = dpf_tcp();
    struct pkt *p = mkpkt(f, &s);
    struct dp_action a[] = {{.type = DP_ACT_ENQUEUE, .u.enqueue = {.port = 5, .queue_id = 3}}};
    run(f, p, a, 1);
    assert_int_equal(f->rec.n, 1);
    assert_int_equal(f->rec.act[0].type, DP_ACT_ENQUEUE);
    assert_int_equal(f->rec.act[0].u.enqueue.queue_id, 3);
}

/* ---- L2 rewrites ---- */

static void test_set_dl_src(void **state)
{
    struct fx *f = *state;
    struct dpf_spec s = dpf_tcp();
    struct pkt *p = mkpkt(f, &s);
    struct dp_action a[] = {{.type = DP_ACT_SET_DL_SRC, .u.mac = {0xaa, 1, 2, 3, 4, 5}}, OUT(2)};
    run(f, p, a, 2);
    assert_memory_equal(p->data + 6, "\xaa\x01\x02\x03\x04\x05", 6);
    assert_memory_equal(p->data, f->frame, 6);
    assert_memory_equal(p->data + 12, f->frame + 12, f->len - 12);
}

static void test_set_dl_dst(void **state)
{
    struct fx *f = *state;
    struct dpf_spec s = dpf_tcp();
    struct pkt *p = mkpkt(f, &s);
    struct dp_action a[] = {{.type = DP_ACT_SET_DL_DST, .u.mac = {0xbb, 1, 2, 3, 4, 5}}, OUT(2)};
    run(f, p, a, 2);
    assert_memory_equal(p->data, "\xbb\x01\x02\x03\x04\x05", 6);
    assert_memory_equal(p->data + 6, f->frame + 6, f->len - 6);
}

/* ---- IPv4 rewrites ---- */

static void check_nw(struct fx *f, uint8_t proto, enum dp_action_type t, bool nocsum)
{
    struct dpf_spec s = dpf_tcp();
    s.proto = proto;
    s.udp_nocsum = nocsum;
    struct pkt *p = mkpkt(f, &s);
    struct dp_action a[] = {{.type = (uint16_t)t, .u.ipv4 = 0xac100a0b}, OUT(2)};
    run(f, p, a, 2);
    struct dp_key k = key_of(p);
    assert_int_equal(t == DP_ACT_SET_NW_SRC ? k.nw_src : k.nw_dst, 0xac100a0b);
    assert_true(dpf_csums_ok(p->data, p->len));
}

static void test_set_nw_src_tcp(void **state)
{
    check_nw(*state, 6, DP_ACT_SET_NW_SRC, false);
}

static void test_set_nw_dst_tcp(void **state)
{
    check_nw(*state, 6, DP_ACT_SET_NW_DST, false);
}

static void test_set_nw_src_udp(void **state)
{
    check_nw(*state, 17, DP_ACT_SET_NW_SRC, false);
}

static void test_set_nw_dst_udp_zero_csum_stays_zero(void **state)
{
    struct fx *f = *state;
    check_nw(f, 17, DP_ACT_SET_NW_DST, true);
    const uint8_t *udp = f->rec.pkt[0]->data + 34;
    assert_int_equal(udp[6] | udp[7], 0);
}

static void test_set_nw_src_icmp_only_ip_header(void **state)
{
    struct fx *f = *state;
    check_nw(f, 1, DP_ACT_SET_NW_SRC, false);
    const struct pkt *p = f->rec.pkt[0];
    assert_memory_equal(p->data + 34, f->frame + 34, f->len - 34); /* ICMP untouched */
}

static void test_set_nw_first_fragment(void **state)
{
    struct fx *f = *state;
    struct dpf_spec s = dpf_tcp();
    s.frag = 0x2000;
    struct pkt *p = mkpkt(f, &s);
    struct dp_action a[] = {{.type = DP_ACT_SET_NW_SRC, .u.ipv4 = 0x01020304}, OUT(2)};
    run(f, p, a, 2);
    /* the IP header checksum is right; the TCP checksum (computed over the
     * whole datagram) was patched by the same delta */
    assert_true(dpf_csums_ok(p->data, p->len));
    uint16_t before = (uint16_t)(f->frame[50] << 8 | f->frame[51]);
    uint16_t after = (uint16_t)(p->data[50] << 8 | p->data[51]);
    assert_int_equal(after, dp_csum_update32(before, 0x0a000001, 0x01020304));
}

static void test_set_nw_tos_keeps_ecn(void **state)
{
    struct fx *f = *state;
    struct dpf_spec s = dpf_tcp();
    s.tos = 0x03; /* ECN CE */
    struct pkt *p = mkpkt(f, &s);
    struct dp_action a[] = {{.type = DP_ACT_SET_NW_TOS, .u.tos = 0xb8}, OUT(2)};
    run(f, p, a, 2);
    assert_int_equal(p->data[15], 0xbb);
    assert_true(dpf_csums_ok(p->data, p->len));
}

static void test_set_nw_on_arp_does_nothing(void **state)
{
    struct fx *f = *state;
    struct dpf_spec s = dpf_tcp();
    s.dl_type = 0x0806;
    struct pkt *p = mkpkt(f, &s);
    struct dp_action a[] = {{.type = DP_ACT_SET_NW_SRC, .u.ipv4 = 1},
                            {.type = DP_ACT_SET_NW_TOS, .u.tos = 0xfc}, OUT(2)};
    run(f, p, a, 3);
    assert_memory_equal(p->data, f->frame, f->len);
}

/* ---- transport rewrites ---- */

static void check_tp(struct fx *f, uint8_t proto, enum dp_action_type t, bool nocsum)
{
    struct dpf_spec s = dpf_tcp();
    s.proto = proto;
    s.udp_nocsum = nocsum;
    struct pkt *p = mkpkt(f, &s);
    struct dp_action a[] = {{.type = (uint16_t)t, .u.tp = 4321}, OUT(2)};
    run(f, p, a, 2);
    struct dp_key k = key_of(p);
    assert_int_equal(t == DP_ACT_SET_TP_SRC ? k.tp_src : k.tp_dst, 4321);
    assert_true(dpf_csums_ok(p->data, p->len));
}

static void test_set_tp_src_tcp(void **state)
{
    check_tp(*state, 6, DP_ACT_SET_TP_SRC, false);
}

static void test_set_tp_dst_tcp(void **state)
{
    check_tp(*state, 6, DP_ACT_SET_TP_DST, false);
}

static void test_set_tp_src_udp(void **state)
{
    check_tp(*state, 17, DP_ACT_SET_TP_SRC, false);
}

static void test_set_tp_dst_udp_zero_csum(void **state)
{
    struct fx *f = *state;
    check_tp(f, 17, DP_ACT_SET_TP_DST, true);
    assert_int_equal(f->rec.pkt[0]->data[40] | f->rec.pkt[0]->data[41], 0);
}

static void test_set_tp_on_arp_and_icmp_does_nothing(void **state)
{
    struct fx *f = *state;
    struct dp_action a[] = {{.type = DP_ACT_SET_TP_SRC, .u.tp = 1},
                            {.type = DP_ACT_SET_TP_DST, .u.tp = 2}, OUT(2)};
    struct dpf_spec s = dpf_tcp();
    s.dl_type = 0x0806;
    struct pkt *p = mkpkt(f, &s);
    run(f, p, a, 3);
    assert_memory_equal(p->data, f->frame, f->len);
    s = dpf_tcp();
    s.proto = 1;
    p = mkpkt(f, &s);
    run(f, p, a, 3);
    assert_memory_equal(p->data, f->frame, f->len);
    assert_int_equal(f->ex.stats.copies, 0);
}

static void test_set_tp_on_later_fragment_does_nothing(void **state)
{
    struct fx *f = *state;
    struct dpf_spec s = dpf_tcp();
    s.frag = 0x0008;
    struct pkt *p = mkpkt(f, &s);
    struct dp_action a[] = {{.type = DP_ACT_SET_TP_SRC, .u.tp = 1}, OUT(2)};
    run(f, p, a, 2);
    assert_memory_equal(p->data, f->frame, f->len);
}

/* ---- VLAN ---- */

static void test_set_vlan_vid_pushes_tag(void **state)
{
    struct fx *f = *state;
    struct dpf_spec s = dpf_tcp();
    struct pkt *p = mkpkt(f, &s);
    struct dp_action a[] = {{.type = DP_ACT_SET_VLAN_VID, .u.vid = 42}, OUT(2)};
    run(f, p, a, 2);
    assert_int_equal(p->len, f->len + 4);
    assert_memory_equal(p->data, f->frame, 12);
    assert_memory_equal(p->data + 12, "\x81\x00\x00\x2a", 4);
    assert_memory_equal(p->data + 16, f->frame + 12, f->len - 12);
    struct dp_key k = key_of(p);
    assert_int_equal(k.dl_vlan, 42);
    assert_int_equal(k.dl_vlan_pcp, 0);
    assert_int_equal(f->rec.lay[0].l3_ofs, 18);
    assert_int_equal(f->rec.lay[0].l4_ofs, 38);
    assert_true(f->rec.lay[0].flags & DP_LF_VLAN);
}

static void test_set_vlan_vid_modifies_tag(void **state)
{
    struct fx *f = *state;
    struct dpf_spec s = dpf_tcp();
    s.vlan = 10;
    s.pcp = 6;
    struct pkt *p = mkpkt(f, &s);
    struct dp_action a[] = {{.type = DP_ACT_SET_VLAN_VID, .u.vid = 4000}, OUT(2)};
    run(f, p, a, 2);
    assert_int_equal(p->len, f->len);
    struct dp_key k = key_of(p);
    assert_int_equal(k.dl_vlan, 4000);
    assert_int_equal(k.dl_vlan_pcp, 6);
}

static void test_set_vlan_pcp_pushes_tag(void **state)
{
    struct fx *f = *state;
    struct dpf_spec s = dpf_tcp();
    struct pkt *p = mkpkt(f, &s);
    struct dp_action a[] = {{.type = DP_ACT_SET_VLAN_PCP, .u.pcp = 3}, OUT(2)};
    run(f, p, a, 2);
    struct dp_key k = key_of(p);
    assert_int_equal(k.dl_vlan, 0);
    assert_int_equal(k.dl_vlan_pcp, 3);
    assert_int_equal(k.tp_dst, 80);
}

static void test_set_vlan_pcp_modifies_tag(void **state)
{
    struct fx *f = *state;
    struct dpf_spec s = dpf_tcp();
    s.vlan = 77;
    struct pkt *p = mkpkt(f, &s);
    struct dp_action a[] = {{.type = DP_ACT_SET_VLAN_PCP, .u.pcp = 7}, OUT(2)};
    run(f, p, a, 2);
    struct dp_key k = key_of(p);
    assert_int_equal(k.dl_vlan, 77);
    assert_int_equal(k.dl_vlan_pcp, 7);
}

static void test_strip_vlan(void **state)
{
    struct fx *f = *state;
    struct dpf_spec s = dpf_tcp();
    s.vlan = 99;
    struct pkt *p = mkpkt(f, &s);
    /* strip, then a transport rewrite must land at the shifted offset */
    struct dp_action a[] = {{.type = DP_ACT_STRIP_VLAN},
                            {.type = DP_ACT_SET_TP_DST, .u.tp = 443}, OUT(2)};
    run(f, p, a, 3);
    assert_int_equal(p->len, f->len - 4);
    struct dp_key k = key_of(p);
    assert_int_equal(k.dl_vlan, DP_VLAN_NONE);
    assert_int_equal(k.dl_type, 0x0800);
    assert_int_equal(k.tp_dst, 443);
    assert_true(dpf_csums_ok(p->data, p->len));
    assert_false(f->rec.lay[0].flags & DP_LF_VLAN);
}

/* QinQ: stripping the outer tag leaves the inner one outermost, and a
 * following SET_VLAN_VID rewrites it instead of pushing a third tag. */
static void test_strip_outer_vlan_keeps_inner_tag(void **state)
{
    struct fx *f = *state;
    struct dpf_spec s = dpf_tcp();
    s.vlan = 99;
    struct pkt *p = mkpkt(f, &s);
    /* make it double-tagged: outer 0x8100/VID 5 in front of the VID 99 tag */
    uint8_t *d = pkt_push(p, 4);
    memmove(d, d + 4, 12);
    memcpy(d + 12, "\x81\x00\x00\x05", 4);
    uint32_t len2 = p->len;
    struct dp_action a[] = {{.type = DP_ACT_STRIP_VLAN},
                            {.type = DP_ACT_SET_VLAN_VID, .u.vid = 300}, OUT(2)};
    run(f, p, a, 3);
    assert_int_equal(p->len, len2 - 4);
    assert_memory_equal(p->data + 12, "\x81\x00\x01\x2c", 4); /* inner tag, VID 300 */
    assert_memory_equal(p->data + 16, f->frame + 16, f->len - 16);
    assert_true(f->rec.lay[0].flags & DP_LF_VLAN);
    assert_int_equal(f->rec.lay[0].l3_ofs, 14);
}

static void test_strip_vlan_untagged_does_nothing(void **state)
{
    struct fx *f = *state;
    struct dpf_spec s = dpf_tcp();
    struct pkt *p = mkpkt(f, &s);
    struct dp_action a[] = {{.type = DP_ACT_STRIP_VLAN}, OUT(2)};
    run(f, p, a, 2);
    assert_int_equal(p->len, f->len);
    assert_memory_equal(p->data, f->frame, f->len);
}

static void test_push_after_output_copies(void **state)
{
    struct fx *f = *state;
    struct dpf_spec s = dpf_tcp();
    struct pkt *p = mkpkt(f, &s);
    struct dp_action a[] = {OUT(2), {.type = DP_ACT_SET_VLAN_VID, .u.vid = 5},
                            {.type = DP_ACT_SET_NW_SRC, .u.ipv4 = 0x0b0b0b0b}, OUT(3)};
    run(f, p, a, 4);
    assert_int_equal(f->rec.n, 2);
    assert_int_equal(f->rec.pkt[0]->len, f->len);
    assert_memory_equal(f->rec.pkt[0]->data, f->frame, f->len);
    struct dp_key k = key_of(f->rec.pkt[1]);
    assert_int_equal(k.dl_vlan, 5);
    assert_int_equal(k.nw_src, 0x0b0b0b0b);
    assert_true(dpf_csums_ok(f->rec.pkt[1]->data, f->rec.pkt[1]->len));
    assert_int_equal(f->ex.stats.copies, 1);
}

static void test_push_without_headroom_uses_tailroom(void **state)
{
    struct fx *f = *state;
    struct dpf_spec s = dpf_tcp();
    f->len = dpf_build(f->frame, &s);
    struct pkt *p = pkt_alloc(f->pool);
    pkt_push(p, pkt_headroom(p)); /* no headroom left */
    p->len = 0;
    memcpy(pkt_put(p, (uint32_t)f->len), f->frame, f->len);
    struct dp_action a[] = {{.type = DP_ACT_SET_VLAN_VID, .u.vid = 9}, OUT(2)};
    run(f, p, a, 2);
    struct dp_key k = key_of(p);
    assert_int_equal(k.dl_vlan, 9);
    assert_int_equal(k.tp_dst, 80);
    assert_memory_equal(p->data + 16, f->frame + 12, f->len - 12);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csum_rfc1071_vector),
        cmocka_unit_test(test_csum_incremental_matches_full),
        cmocka_unit_test(test_csum_udp_zero_becomes_ffff),
        T(test_output_single_no_ref),
        T(test_empty_list_drops),
        T(test_outputs_share_buffer),
        T(test_output_then_rewrite_copies),
        T(test_rewrite_copy_fails_drops),
        T(test_enqueue_is_output),
        T(test_set_dl_src),
        T(test_set_dl_dst),
        T(test_set_nw_src_tcp),
        T(test_set_nw_dst_tcp),
        T(test_set_nw_src_udp),
        T(test_set_nw_dst_udp_zero_csum_stays_zero),
        T(test_set_nw_src_icmp_only_ip_header),
        T(test_set_nw_first_fragment),
        T(test_set_nw_tos_keeps_ecn),
        T(test_set_nw_on_arp_does_nothing),
        T(test_set_tp_src_tcp),
        T(test_set_tp_dst_tcp),
        T(test_set_tp_src_udp),
        T(test_set_tp_dst_udp_zero_csum),
        T(test_set_tp_on_arp_and_icmp_does_nothing),
        T(test_set_tp_on_later_fragment_does_nothing),
        T(test_set_vlan_vid_pushes_tag),
        T(test_set_vlan_vid_modifies_tag),
        T(test_set_vlan_pcp_pushes_tag),
        T(test_set_vlan_pcp_modifies_tag),
        T(test_strip_vlan),
        T(test_strip_outer_vlan_keeps_inner_tag),
        T(test_strip_vlan_untagged_does_nothing),
        T(test_push_after_output_copies),
        T(test_push_without_headroom_uses_tailroom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
