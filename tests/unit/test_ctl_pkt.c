/* test_ctl_pkt.c — the controller's packet parser (controller/ctl_pkt.c)
 * against the datapath's (datapath/dp_key.c).
 *
 * The reference: dp_key_extract's key, every field exact, turned into an
 * of_match by the switch's own converter (sw_match_from_dp) and brought to
 * normal form (ofp_match_normalize).  ctl_pkt_parse must give exactly that,
 * so that a flow the controller installs from a packet_in matches that
 * packet in the datapath, and only packets like it.  Checked on hand-built
 * frames for every rule where the two parsers once differed, on the fuzz
 * corpus (tests/fuzz/corpus/dp_key, read relative to the repository root),
 * on every truncation of each, and on random mutations (fixed seed).
 * packet_in data cut short (ctl_pkt_parse_cut) must still give a flow that
 * matches the whole packet, losing only the fields past the cut. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "controller/ctl_pkt.h"
#include "datapath/dp_key.h"
#include "dp_frames.h"
#include "openflow/ofp_match.h"
#include "openflow/ofp_print.h"
#include "switch/sw_flowconv.h"

#define CORPUS_DIR "tests/fuzz/corpus/dp_key"
#define MAX_FRAME 1600
#define N_MUTATIONS 4000
#define TP_BITS ((uint32_t)(OFPFW_TP_SRC | OFPFW_TP_DST))

/* ---- the comparison ---------------------------------------------------- */

/* The datapath's key of frame[0, len) as a normalised, all-exact of_match. */
static void ref_match(const uint8_t *f, size_t len, uint16_t in_port, struct of_match *out,
                      struct dp_key *key)
{
    struct dp_match dm;
    dp_key_extract(f, (uint32_t)len, in_port, key, NULL);
    dm.key = *key;
    memset(&dm.mask, 0xff, sizeof dm.mask);
    dm.mask.pad0 = 0;
    memset(dm.mask.pad1, 0, sizeof dm.mask.pad1);
    sw_match_from_dp(&dm, out);
    ofp_match_normalize(out);
}

/* Prints what differs and fails the test. */
static void report(const char *what, const uint8_t *f, size_t len, size_t total,
                   const struct of_match *got, const struct of_match *want)
{
    char g[512], w[512], hex[3 * 96 + 1] = "";
    ofp_format_match(got, g, sizeof g);
    ofp_format_match(want, w, sizeof w);
    for (size_t i = 0; i < len && i < 96; i++)
        snprintf(hex + 3 * i, 4, "%02x ", f[i]);
    print_error("%s: len %zu of %zu\n  frame: %s\n  ctl:  0x%06x %s\n  want: 0x%06x %s\n",
                what, len, total, hex, got->wildcards, g, want->wildcards, w);
    fail();
}

/* Returns true when the flow `m` (as the switch would install it) matches
 * the datapath key `key`. */
static bool flow_hits(const struct of_match *m, const struct dp_key *key)
{
    struct dp_match dm;
    sw_match_to_dp(m, &dm);
    return dp_match_hit(&dm, key);
}

/* The whole frame f[0, len): ctl key == datapath key, and its flow hits. */
static void check_whole(const uint8_t *f, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1); /* exact size: ASan sees over-reads */
    assert_non_null(copy);
    memcpy(copy, f, len);
    struct ctl_pkt p;
    struct of_match want;
    struct dp_key key;
    bool valid = ctl_pkt_parse(copy, len, 7, &p);
    ref_match(copy, len, 7, &want, &key);
    if (!ofp_match_equal(&p.key, &want))
        report("whole frame", f, len, len, &p.key, &want);
    assert_int_equal(valid, len >= 14);
    assert_int_equal(p.valid, valid);
    assert_int_equal(p.unseen, 0);
    assert_true(flow_hits(&p.key, &key));
    free(copy);
}

/* packet_in data f[0, cut) of the packet f[0, len): the flow still hits
 * the whole packet, and only unseen fields differ from the whole key. */
static void check_cut(const uint8_t *f, size_t cut, size_t len)
{
    uint8_t *copy = malloc(cut ? cut : 1);
    assert_non_null(copy);
    memcpy(copy, f, cut);
    struct ctl_pkt p, whole;
    struct dp_key key;
    struct of_match want;
    ctl_pkt_parse_cut(copy, cut, len, 7, &p);
    ref_match(f, len, 7, &want, &key);
    if (!flow_hits(&p.key, &key))
        report("cut packet_in misses its packet", f, cut, len, &p.key, &want);
    assert_int_equal(p.valid, cut >= 14);
    ctl_pkt_parse(f, len, 7, &whole);
    whole.key.wildcards |= p.unseen;
    ofp_match_normalize(&whole.key);
    if (!ofp_match_equal(&p.key, &whole.key))
        report("cut packet_in lost a field it could see", f, cut, len, &p.key, &whole.key);
    free(copy);
}

/* check_whole on every prefix of f[0, len), check_cut on every cut. */
static void check_all_lengths(const uint8_t *f, size_t len)
{
    for (size_t n = 0; n <= len; n++) {
        check_whole(f, n);
        if (n < len)
            check_cut(f, n, len);
    }
}

/* ---- frames, one per rule ---------------------------------------------- */

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static size_t f_tcp(uint8_t *b)
{
    struct dpf_spec s = dpf_tcp();
    return dpf_build(b, &s);
}

static size_t f_udp_vlan(uint8_t *b)
{
    struct dpf_spec s = dpf_tcp();
    s.proto = 17;
    s.vlan = 42;
    s.pcp = 5;
    return dpf_build(b, &s);
}

static size_t f_icmp(uint8_t *b)
{
    struct dpf_spec s = dpf_tcp();
    s.proto = 1;
    s.tp_src = 8;
    s.tp_dst = 3;
    return dpf_build(b, &s);
}

/* SCTP: OpenFlow 1.0 has no SCTP ports; payload bytes where ports would be. */
static size_t f_sctp(uint8_t *b)
{
    struct dpf_spec s = dpf_tcp();
    s.proto = 132;
    return dpf_build(b, &s);
}

static size_t f_arp_big_opcode(uint8_t *b)
{
    struct dpf_spec s = dpf_tcp();
    s.dl_type = 0x0806;
    s.arp_op = 0x0102;
    return dpf_build(b, &s);
}

static size_t f_rarp(uint8_t *b)
{
    size_t n = f_arp_big_opcode(b);
    put16(b + 12, 0x8035);
    return n;
}

/* IPv4 whose total length holds only `l4len` bytes of a `proto` header;
 * the frame goes on with the rest of the header (as padding). */
static size_t f_short_l4(uint8_t *b, uint8_t proto, unsigned l4len)
{
    struct dpf_spec s = dpf_tcp();
    s.proto = proto;
    size_t n = dpf_build(b, &s);
    put16(b + 16, (uint16_t)(20 + l4len));
    return n;
}

static size_t f_tcp_10(uint8_t *b) { return f_short_l4(b, 6, 10); }
static size_t f_udp_6(uint8_t *b) { return f_short_l4(b, 17, 6); }
static size_t f_icmp_4(uint8_t *b) { return f_short_l4(b, 1, 4); }

/* 802.3 with a length field and LLC header (STP-like). */
static size_t f_llc(uint8_t *b)
{
    struct dpf_spec s = dpf_tcp();
    s.dl_type = 0x0026;
    s.payload = 38;
    size_t n = dpf_build(b, &s);
    b[14] = 0x42;
    b[15] = 0x42;
    b[16] = 0x03;
    return n;
}

/* 802.3 + LLC/SNAP with zero OUI carrying IPv4/UDP. */
static size_t f_snap_ip(uint8_t *b)
{
    uint8_t ip[MAX_FRAME];
    struct dpf_spec s = dpf_tcp();
    s.proto = 17;
    size_t n = dpf_build(ip, &s);
    memcpy(b, ip, 12);
    put16(b + 12, (uint16_t)(n - 14 + 8));
    static const uint8_t snap[8] = { 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00 };
    memcpy(b + 14, snap, 8);
    memcpy(b + 22, ip + 14, n - 14);
    return n + 8;
}

static size_t f_snap_oui(uint8_t *b)
{
    size_t n = f_snap_ip(b);
    b[19] = 0x0c; /* Cisco OUI: not an Ethertype */
    return n;
}

static size_t f_ip_options(uint8_t *b)
{
    struct dpf_spec s = dpf_tcp();
    s.ip_opts = 10; /* IHL 15 */
    s.tos = 0xff;   /* ECN bits must go */
    return dpf_build(b, &s);
}

static size_t f_ihl_small(uint8_t *b)
{
    size_t n = f_tcp(b);
    b[14] = 0x44;
    return n;
}

static size_t f_ihl_past_frame(uint8_t *b)
{
    f_tcp(b);
    b[14] = 0x4f;
    return 14 + 40; /* 40 < 60 header bytes */
}

static size_t f_tot_below_ihl(uint8_t *b)
{
    size_t n = f_tcp(b);
    put16(b + 16, 12);
    return n;
}

static size_t f_later_fragment(uint8_t *b)
{
    struct dpf_spec s = dpf_tcp();
    s.frag = 0x2000 | 185;
    return dpf_build(b, &s);
}

static size_t f_first_fragment(uint8_t *b)
{
    struct dpf_spec s = dpf_tcp();
    s.frag = 0x2000;
    return dpf_build(b, &s);
}

/* Q-in-Q: outer 802.1Q tag then another 0x8100 tag. */
static size_t f_double_vlan(uint8_t *b)
{
    uint8_t in[MAX_FRAME];
    size_t n = f_udp_vlan(in);
    memcpy(b, in, 12);
    put16(b + 12, 0x8100);
    put16(b + 14, (uint16_t)(3 << 13 | 100));
    memcpy(b + 16, in + 12, n - 12);
    return n + 4;
}

static size_t f_cut_vlan(uint8_t *b)
{
    f_udp_vlan(b);
    return 16;
}

/* IPv4 whose total length says more than the frame holds. */
static size_t f_tot_past_frame(uint8_t *b)
{
    size_t n = f_tcp(b);
    put16(b + 16, 1400);
    return n;
}

static size_t (*const hand_frames[])(uint8_t *) = {
    f_tcp, f_udp_vlan, f_icmp, f_sctp, f_arp_big_opcode, f_rarp, f_tcp_10, f_udp_6,
    f_icmp_4, f_llc, f_snap_ip, f_snap_oui, f_ip_options, f_ihl_small, f_ihl_past_frame,
    f_tot_below_ihl, f_later_fragment, f_first_fragment, f_double_vlan, f_cut_vlan,
    f_tot_past_frame,
};
#define N_HAND (sizeof hand_frames / sizeof hand_frames[0])

/* Parses a hand frame (checking it against the datapath first). */
static struct ctl_pkt parse_hand(size_t (*build)(uint8_t *))
{
    uint8_t b[MAX_FRAME];
    struct ctl_pkt p;
    size_t n = build(b);
    check_whole(b, n);
    assert_true(ctl_pkt_parse(b, n, 7, &p));
    return p;
}

static void assert_tp_exact(const struct ctl_pkt *p, uint16_t src, uint16_t dst)
{
    assert_int_equal(p->key.wildcards & TP_BITS, 0);
    assert_int_equal(p->key.tp_src, src);
    assert_int_equal(p->key.tp_dst, dst);
}

/* ---- one rule per test -------------------------------------------------- */

static void test_tcp_frame_gives_every_field_exact(void **state)
{
    struct ctl_pkt p = parse_hand(f_tcp);
    assert_int_equal(p.key.wildcards, OFPFW_DL_VLAN_PCP); /* untagged */
    assert_int_equal(p.key.dl_vlan, OFP_VLAN_NONE);
    assert_int_equal(p.key.nw_tos, 0x10);
    assert_tp_exact(&p, 1234, 80);
}

static void test_vlan_tag_gives_vid_and_pcp(void **state)
{
    struct ctl_pkt p = parse_hand(f_udp_vlan);
    assert_int_equal(p.key.wildcards, 0);
    assert_int_equal(p.key.dl_vlan, 42);
    assert_int_equal(p.key.dl_vlan_pcp, 5);
    assert_int_equal(p.key.dl_type, 0x0800);
}

static void test_icmp_type_and_code_are_tp_fields(void **state)
{
    struct ctl_pkt p = parse_hand(f_icmp);
    assert_tp_exact(&p, 8, 3);
}

static void test_sctp_ports_are_zero(void **state)
{
    struct ctl_pkt p = parse_hand(f_sctp);
    assert_int_equal(p.key.nw_proto, 132);
    assert_tp_exact(&p, 0, 0);
}

static void test_arp_opcode_above_255_keeps_low_byte(void **state)
{
    struct ctl_pkt p = parse_hand(f_arp_big_opcode);
    assert_int_equal(p.key.wildcards & OFPFW_NW_PROTO, 0);
    assert_int_equal(p.key.nw_proto, 2);
    assert_int_equal(p.key.nw_src, 0x0a000001);
    assert_int_equal(p.key.wildcards & TP_BITS, TP_BITS); /* no prerequisite */
}

static void test_rarp_has_no_nw_fields(void **state)
{
    struct ctl_pkt p = parse_hand(f_rarp);
    assert_int_equal(p.key.dl_type, 0x8035);
    assert_int_equal(p.key.nw_src, 0);
    assert_int_equal(p.key.nw_proto, 0);
}

static void test_short_l4_headers_give_zero_ports(void **state)
{
    assert_tp_exact((struct ctl_pkt[]){ parse_hand(f_tcp_10) }, 0, 0);
    assert_tp_exact((struct ctl_pkt[]){ parse_hand(f_udp_6) }, 0, 0);
    assert_tp_exact((struct ctl_pkt[]){ parse_hand(f_icmp_4) }, 0, 0);
}

static void test_llc_without_snap_is_05ff(void **state)
{
    struct ctl_pkt p = parse_hand(f_llc);
    assert_int_equal(p.key.dl_type, 0x05ff);
    assert_int_equal(p.key.wildcards & OFPFW_NW_SRC_MASK, OFPFW_NW_SRC_MASK);
}

static void test_snap_with_zero_oui_takes_its_type(void **state)
{
    struct ctl_pkt p = parse_hand(f_snap_ip);
    assert_int_equal(p.key.dl_type, 0x0800);
    assert_int_equal(p.key.nw_proto, 17);
    assert_tp_exact(&p, 1234, 80);
}

static void test_snap_with_other_oui_is_05ff(void **state)
{
    struct ctl_pkt p = parse_hand(f_snap_oui);
    assert_int_equal(p.key.dl_type, 0x05ff);
}

static void test_ip_options_skipped_and_tos_masked(void **state)
{
    struct ctl_pkt p = parse_hand(f_ip_options);
    assert_int_equal(p.key.nw_tos, 0xfc);
    assert_tp_exact(&p, 1234, 80);
}

static void test_bad_ihl_gives_zero_nw_fields(void **state)
{
    struct ctl_pkt p = parse_hand(f_ihl_small);
    assert_int_equal(p.key.wildcards & OFPFW_NW_SRC_MASK, 0);
    assert_int_equal(p.key.nw_src, 0);
    assert_int_equal(p.key.nw_proto, 0);
    p = parse_hand(f_ihl_past_frame);
    assert_int_equal(p.key.nw_src, 0);
    assert_int_equal(p.key.nw_proto, 0);
}

static void test_total_length_below_ihl_gives_no_ports(void **state)
{
    struct ctl_pkt p = parse_hand(f_tot_below_ihl);
    assert_int_equal(p.key.nw_proto, 6);
    assert_tp_exact(&p, 0, 0);
}

static void test_total_length_past_frame_reads_what_is_there(void **state)
{
    struct ctl_pkt p = parse_hand(f_tot_past_frame);
    assert_tp_exact(&p, 1234, 80);
}

static void test_later_fragment_has_zero_ports(void **state)
{
    struct ctl_pkt p = parse_hand(f_later_fragment);
    assert_tp_exact(&p, 0, 0);
    p = parse_hand(f_first_fragment);
    assert_tp_exact(&p, 1234, 80);
}

static void test_double_tag_gives_outer_vid_and_inner_tpid(void **state)
{
    struct ctl_pkt p = parse_hand(f_double_vlan);
    assert_int_equal(p.key.dl_vlan, 100);
    assert_int_equal(p.key.dl_vlan_pcp, 3);
    assert_int_equal(p.key.dl_type, 0x8100);
}

static void test_cut_vlan_tag_gives_type_zero(void **state)
{
    struct ctl_pkt p = parse_hand(f_cut_vlan);
    assert_int_equal(p.key.dl_vlan, OFP_VLAN_NONE);
    assert_int_equal(p.key.wildcards & OFPFW_DL_TYPE, 0);
    assert_int_equal(p.key.dl_type, 0);
}

static void test_short_frame_is_invalid_and_null_is_safe(void **state)
{
    struct ctl_pkt p;
    assert_false(ctl_pkt_parse(NULL, 0, 1, &p));
    assert_false(ctl_pkt_parse_cut(NULL, 0, 100, 1, &p));
    assert_false(p.valid);
    uint8_t b[MAX_FRAME];
    f_tcp(b);
    assert_false(ctl_pkt_parse(b, 13, 1, &p));
    check_whole(b, 13);
}

/* ---- packet_in data cut by the switch ---------------------------------- */

static void test_cut_packet_in_wildcards_unseen_ports(void **state)
{
    uint8_t b[MAX_FRAME];
    struct ctl_pkt p;
    struct of_match want;
    struct dp_key key;
    size_t n = f_tcp(b), cut = 14 + 20 + 2;
    ref_match(b, n, 7, &want, &key);
    assert_true(ctl_pkt_parse_cut(b, cut, n, 7, &p));
    assert_int_equal(p.unseen, TP_BITS);
    assert_int_equal(p.key.wildcards & TP_BITS, TP_BITS);
    assert_int_equal(p.key.nw_src, 0x0a000001);
    assert_true(flow_hits(&p.key, &key));
    /* Taken as a whole frame, the same bytes give ports 0: no hit. */
    ctl_pkt_parse(b, cut, 7, &p);
    assert_false(flow_hits(&p.key, &key));
}

static void test_cut_inside_ip_header_leaves_l2_exact(void **state)
{
    uint8_t b[MAX_FRAME];
    struct ctl_pkt p;
    size_t n = f_udp_vlan(b);
    assert_true(ctl_pkt_parse_cut(b, 18 + 10, n, 7, &p));
    assert_int_equal(p.unseen & (OFPFW_NW_PROTO | OFPFW_NW_SRC_MASK | TP_BITS),
                     OFPFW_NW_PROTO | OFPFW_NW_SRC_MASK | TP_BITS);
    assert_int_equal(p.key.wildcards & (OFPFW_DL_TYPE | OFPFW_DL_VLAN), 0);
    assert_int_equal(p.key.dl_vlan, 42);
}

static void test_cut_after_whole_datagram_sees_everything(void **state)
{
    uint8_t b[MAX_FRAME];
    struct ctl_pkt p;
    size_t n = f_tcp(b);
    assert_true(ctl_pkt_parse_cut(b, n, n + 100, 7, &p)); /* only padding cut */
    assert_int_equal(p.unseen, 0);
    assert_true(ctl_pkt_parse_cut(b, n, n, 7, &p));
    assert_int_equal(p.unseen, 0);
}

/* ---- differential sweeps ------------------------------------------------ */

static void test_hand_frames_and_truncations_match_datapath(void **state)
{
    uint8_t b[MAX_FRAME];
    for (size_t i = 0; i < N_HAND; i++)
        check_all_lengths(b, hand_frames[i](b));
}

static void test_corpus_and_truncations_match_datapath(void **state)
{
    DIR *d = opendir(CORPUS_DIR);
    if (!d) {
        print_message("%s not found (run from the repository root)\n", CORPUS_DIR);
        skip();
    }
    unsigned files = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[512];
        uint8_t buf[4096];
        snprintf(path, sizeof path, "%s/%s", CORPUS_DIR, e->d_name);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        if (n == 0)
            continue;
        check_all_lengths(buf + 1, n - 1); /* byte 0 picks fuzz_dp_key's action list */
        files++;
    }
    closedir(d);
    assert_true(files >= 10);
}

static uint64_t rng_state = 0x5eed5eed12345678ull;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16) % n;
}

/* One random edit of b[0, *len): a byte, an interesting 16-bit value at a
 * header boundary, or a new length. */
static void mutate(uint8_t *b, size_t *len)
{
    static const uint16_t words[] = { 0x8100, 0x0800, 0x0806, 0x8035, 0x05ff, 0x0026,
                                      0xaaaa, 0x0300, 0x4500, 0x4f00, 0x2000, 0x00b9,
                                      0x0000, 0xffff, 0x0014, 0x0600 };
    static const uint8_t bytes[] = { 0, 1, 6, 17, 132, 0x45, 0x46, 0x4f, 0x44, 0xff, 0xaa, 3 };
    size_t lim = *len < 80 ? *len : 80;
    switch (rnd(4)) {
    case 0:
        if (lim)
            b[rnd((uint32_t)lim)] = rnd(2) ? (uint8_t)rnd(256) : bytes[rnd(sizeof bytes)];
        break;
    case 1:
        if (lim >= 2) {
            size_t at = 12 + 2 * rnd(20);
            if (at + 2 <= *len)
                put16(b + at, words[rnd(sizeof words / sizeof words[0])]);
        }
        break;
    case 2:
        *len = rnd((uint32_t)*len + 1);
        break;
    default:
        if (*len + 40 <= MAX_FRAME) {
            memset(b + *len, (int)rnd(256), 40);
            *len += rnd(41);
        }
    }
}

static void test_random_mutations_match_datapath(void **state)
{
    uint8_t b[MAX_FRAME];
    unsigned ip_ports = 0, arp = 0, llc = 0, vlan = 0;
    for (unsigned i = 0; i < N_MUTATIONS; i++) {
        size_t n = hand_frames[rnd(N_HAND)](b);
        for (unsigned m = 1 + rnd(3); m; m--)
            mutate(b, &n);
        check_whole(b, n);
        check_cut(b, rnd((uint32_t)n + 1), n);
        struct dp_key k;
        struct dp_layout lay;
        dp_key_extract(b, (uint32_t)n, 7, &k, &lay);
        ip_ports += lay.l4_ofs != 0;
        arp += (lay.flags & DP_LF_ARP) != 0;
        llc += k.dl_type == DP_DL_TYPE_NOT_ETH;
        vlan += (lay.flags & DP_LF_VLAN) != 0;
    }
    /* The mutations reach every layer, not just the Ethernet header. */
    assert_true(ip_ports > 200 && arp > 50 && llc > 50 && vlan > 200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tcp_frame_gives_every_field_exact),
        cmocka_unit_test(test_vlan_tag_gives_vid_and_pcp),
        cmocka_unit_test(test_icmp_type_and_code_are_tp_fields),
        cmocka_unit_test(test_sctp_ports_are_zero),
        cmocka_unit_test(test_arp_opcode_above_255_keeps_low_byte),
        cmocka_unit_test(test_rarp_has_no_nw_fields),
        cmocka_unit_test(test_short_l4_headers_give_zero_ports),
        cmocka_unit_test(test_llc_without_snap_is_05ff),
        cmocka_unit_test(test_snap_with_zero_oui_takes_its_type),
        cmocka_unit_test(test_snap_with_other_oui_is_05ff),
        cmocka_unit_test(test_ip_options_skipped_and_tos_masked),
        cmocka_unit_test(test_bad_ihl_gives_zero_nw_fields),
        cmocka_unit_test(test_total_length_below_ihl_gives_no_ports),
        cmocka_unit_test(test_total_length_past_frame_reads_what_is_there),
        cmocka_unit_test(test_later_fragment_has_zero_ports),
        cmocka_unit_test(test_double_tag_gives_outer_vid_and_inner_tpid),
        cmocka_unit_test(test_cut_vlan_tag_gives_type_zero),
        cmocka_unit_test(test_short_frame_is_invalid_and_null_is_safe),
        cmocka_unit_test(test_cut_packet_in_wildcards_unseen_ports),
        cmocka_unit_test(test_cut_inside_ip_header_leaves_l2_exact),
        cmocka_unit_test(test_cut_after_whole_datagram_sees_everything),
        cmocka_unit_test(test_hand_frames_and_truncations_match_datapath),
        cmocka_unit_test(test_corpus_and_truncations_match_datapath),
        cmocka_unit_test(test_random_mutations_match_datapath),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
