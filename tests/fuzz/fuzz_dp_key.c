/*
 * fuzz_dp_key.c — libFuzzer target for the datapath's frame parsing and
 * header rewriting (datapath/dp_key.c, dp_execute.c, dp_csum.c), and the
 * controller's packet_in parser (controller/ctl_pkt.c).
 *
 * Input: byte 0 picks one of a fixed set of action lists, the rest is an
 * Ethernet frame (anything: truncated, malformed, VLAN-stacked, ...).
 *  1. dp_key_extract and ctl_pkt_parse run on the frame where it sits in
 *     libFuzzer's exact-size buffer, so a read past its end is an ASan
 *     report.  The layout's offsets must lie inside the frame.
 *  2. The frame is copied into a packet from a pool and run through
 *     dp_execute with the chosen list (rewrites of dl_dst, nw_src/dst,
 *     tp_src/dst, nw_tos, VLAN push/modify/strip, several outputs so that
 *     copy-on-write happens).  At every output: the packet lies inside its
 *     slot, the slot bytes the rewrites had no business touching still hold
 *     the pool's free-slot poison (SLUICE_DEBUG, 0x6b), the layout handed
 *     to the output is inside the frame and, for a well-formed frame with at
 *     most one VLAN tag, equals what dp_key_extract finds in the output
 *     frame (the executor keeps it in step), and an IPv4 header checksum (and a TCP/UDP/ICMP checksum over
 *     a complete datagram) that was valid in the input is still valid.
 *  3. After the list every packet is back in the pool.
 * A violated property traps (= a crash libFuzzer reports).
 * Built by tests/fuzz/run.sh with the portable flags (freestanding).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "controller/ctl_pkt.h"
#include "datapath/dp_execute.h"
#include "datapath/dp_key.h"
#include "os/pkt.h"
#include "tests/fuzz/fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) FUZZ_CHECK(x)

#define FZ_POOL 8
#define FZ_SLOT 2048
#define FZ_HEADROOM 128
#define FZ_MAX_FRAME (FZ_SLOT - FZ_HEADROOM - 8)
#define FZ_POISON 0x6b

#define OUT(p) { .type = DP_ACT_OUTPUT, .u.output = { .port = (p), .max_len = 0 } }
#define MAC(a) { .type = DP_ACT_SET_DL_DST, .u.mac = { 0x02, 0, 0, 0, 0, (a) } }
#define SRC(a) { .type = DP_ACT_SET_DL_SRC, .u.mac = { 0x02, 0, 0, 0, 1, (a) } }
#define NWSRC(a) { .type = DP_ACT_SET_NW_SRC, .u.ipv4 = (a) }
#define NWDST(a) { .type = DP_ACT_SET_NW_DST, .u.ipv4 = (a) }
#define TPSRC(a) { .type = DP_ACT_SET_TP_SRC, .u.tp = (a) }
#define TPDST(a) { .type = DP_ACT_SET_TP_DST, .u.tp = (a) }
#define VID(a) { .type = DP_ACT_SET_VLAN_VID, .u.vid = (a) }
#define PCP(a) { .type = DP_ACT_SET_VLAN_PCP, .u.pcp = (a) }
#define TOS(a) { .type = DP_ACT_SET_NW_TOS, .u.tos = (a) }
#define STRIP { .type = DP_ACT_STRIP_VLAN }

/* The fixed action lists, picked by the first input byte. */
static const struct dp_action list_rewrite[] = {
    MAC(1), NWSRC(0x0a010203), TPSRC(4242), VID(100), OUT(2),
};
static const struct dp_action list_cow[] = {
    OUT(1), STRIP, NWDST(0xc0a80001), TPDST(53), OUT(2), PCP(5), TOS(0xb8), OUT(3),
};
static const struct dp_action list_vlan[] = {
    VID(7), STRIP, SRC(9), OUT(1), PCP(3), VID(4095), OUT(2), STRIP, OUT(3),
};
static const struct dp_action list_strip[] = {
    STRIP, STRIP, TPSRC(0), NWSRC(0xffffffff), MAC(3),
    { .type = DP_ACT_OUTPUT, .u.output = { .port = DP_PORT_CONTROLLER, .max_len = 64 } },
};
static const struct dp_action list_enqueue[] = {
    TPDST(0xffff), OUT(1), NWDST(0), TPSRC(1),
    { .type = DP_ACT_ENQUEUE, .u.enqueue = { .port = 2, .queue_id = 1 } },
};

static const struct { const struct dp_action *a; unsigned n; unsigned vlan_ops; } lists[] = {
    { list_rewrite, sizeof list_rewrite / sizeof list_rewrite[0], 1 },
    { list_cow, sizeof list_cow / sizeof list_cow[0], 1 },
    { list_vlan, sizeof list_vlan / sizeof list_vlan[0], 4 },
    { list_strip, sizeof list_strip / sizeof list_strip[0], 2 },
    { list_enqueue, sizeof list_enqueue / sizeof list_enqueue[0], 0 },
};

/* What the input frame looked like, for the checks at each output. */
struct fz_run {
    uint32_t orig_headroom, orig_len, slack;
    bool ip_csum_ok, l4_csum_ok;
    bool layout_exact;  /* the output layout must equal a re-extraction */
    unsigned outputs;
};

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* Returns the one's complement sum of p[0..n) folded into 16 bits, plus sum. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += rd16(p + i);
    if (n & 1)
        sum += (uint32_t)p[n - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return sum;
}

/* Returns true when the IPv4 header at frame[l3..) has a valid checksum. */
static bool ip_csum_valid(const uint8_t *f, uint32_t len, uint32_t l3)
{
    uint32_t ihl = (uint32_t)(f[l3] & 0xf) * 4;
    return ihl >= 20 && l3 + ihl <= len && csum_add(0, f + l3, ihl) == 0xffff;
}

/* Returns true when the frame's TCP/UDP/ICMP datagram is complete (by the
 * IPv4 total length), not a fragment, and its checksum verifies (a UDP
 * checksum of 0 means none and never counts as valid). */
static bool l4_csum_valid(const uint8_t *f, uint32_t len, const struct dp_layout *lay)
{
    uint32_t l3 = lay->l3_ofs, l4 = lay->l4_ofs;
    if (!(lay->flags & DP_LF_IPV4) || (lay->flags & DP_LF_FRAG) || !l4 || l3 + 20 > len)
        return false;
    uint32_t ihl = (uint32_t)(f[l3] & 0xf) * 4, tot = rd16(f + l3 + 2);
    uint8_t proto = f[l3 + 9];
    if (l4 != l3 + ihl || tot < ihl || l3 + tot > len)
        return false;
    uint32_t l4len = tot - ihl, sum = 0;
    if (proto == 17 && (l4len < 8 || rd16(f + l4 + 6) == 0))
        return false;
    if (proto == 6 || proto == 17) {
        sum = csum_add(0, f + l3 + 12, 8);
        sum = csum_add(sum + proto + l4len, (const uint8_t *)"", 0);
    } else if (proto != 1) {
        return false;
    }
    return csum_add(sum, f + l4, l4len) == 0xffff;
}

/* Traps unless every slot byte outside the bytes the frame has occupied
 * (its original place, its current place, plus `slack` bytes each side for
 * VLAN tags pushed and popped in between) still holds the free poison. */
static void check_poison(const struct pkt *p, const struct fz_run *r)
{
    uint32_t hr = pkt_headroom(p);
    uint32_t lo = hr < r->orig_headroom ? hr : r->orig_headroom;
    uint32_t hi = hr + p->len > r->orig_headroom + r->orig_len ? hr + p->len
                                                                : r->orig_headroom + r->orig_len;
    lo = lo > r->slack ? lo - r->slack : 0;
    hi = hi + r->slack < p->buf_size ? hi + r->slack : p->buf_size;
    for (uint32_t i = 0; i < lo; i++)
        CHECK(p->buf[i] == FZ_POISON);
    for (uint32_t i = hi; i < p->buf_size; i++)
        CHECK(p->buf[i] == FZ_POISON);
}

static void fz_output(void *arg, struct pkt *p, const struct dp_layout *lay,
                      const struct dp_action *act)
{
    struct fz_run *r = arg;
    struct dp_key key;
    struct dp_layout relay;

    r->outputs++;
    CHECK(act->type == DP_ACT_OUTPUT || act->type == DP_ACT_ENQUEUE);
    CHECK(p->refcnt >= 1 && p->buf <= p->data && p->len <= p->buf_size);
    CHECK(pkt_headroom(p) + p->len <= p->buf_size);
    CHECK(lay->l3_ofs <= p->len && lay->l4_ofs <= p->len);
    check_poison(p, r);
    dp_key_extract(p->data, p->len, p->in_port, &key, &relay);
    if (r->layout_exact && (relay.l3_ofs != lay->l3_ofs || relay.l4_ofs != lay->l4_ofs ||
                            relay.flags != lay->flags))
        fuzz_fail("layout l3 %u l4 %u flags 0x%x, re-extracted l3 %u l4 %u flags 0x%x",
                  lay->l3_ofs, lay->l4_ofs, lay->flags, relay.l3_ofs, relay.l4_ofs,
                  relay.flags);
    if (r->ip_csum_ok && (lay->flags & DP_LF_IPV4))
        CHECK(ip_csum_valid(p->data, p->len, lay->l3_ofs));
    if (r->l4_csum_ok && (lay->flags & DP_LF_IPV4))
        CHECK(l4_csum_valid(p->data, p->len, lay));
    pkt_free(p);
}

static struct pkt_pool *fz_pool(void)
{
    static struct pkt_pool *pool;
    if (!pool)
        pool = pkt_pool_create(FZ_POOL, FZ_SLOT, FZ_HEADROOM);
    CHECK(pool);
    return pool;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dp_key key;
    struct dp_layout lay;
    struct ctl_pkt cp;
    struct fz_run r = { 0 };

    if (size < 1)
        return 0;
    unsigned which = data[0] % (sizeof lists / sizeof lists[0]);
    const uint8_t *frame = data + 1;
    uint32_t len = (uint32_t)(size - 1);
    if (len > FZ_MAX_FRAME)
        return 0;

    dp_key_extract(frame, len, 1, &key, &lay);
    CHECK(lay.l3_ofs <= len && lay.l4_ofs <= len);
    CHECK(!key.pad0 && !key.pad1[0] && !key.pad1[5]);
    ctl_pkt_parse(frame, len, 1, &cp);

    struct pkt_pool *pool = fz_pool();
    struct pkt *p = pkt_alloc(pool);
    CHECK(p);
    memcpy(pkt_put(p, len), frame, len);
    p->in_port = 1;
    r.orig_headroom = pkt_headroom(p);
    r.orig_len = len;
    r.slack = 4 * lists[which].vlan_ops;
    r.ip_csum_ok = (lay.flags & DP_LF_IPV4) && ip_csum_valid(frame, len, lay.l3_ofs);
    r.l4_csum_ok = l4_csum_valid(frame, len, &lay);
    r.layout_exact = !(lay.flags & DP_LF_TRUNC) && key.dl_type != 0x8100;

    struct dp_exec ex = { .output = fz_output, .arg = &r };
    dp_execute(&ex, p, &lay, lists[which].a, lists[which].n);
    CHECK(pkt_pool_avail(pool) == FZ_POOL);
    CHECK(ex.stats.nomem_drops == 0);
    return 0;
}
