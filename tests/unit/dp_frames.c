/* dp_frames.c — see dp_frames.h. */
#include "dp_frames.h"

#include <string.h>

static void put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v & 0xff; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v & 0xffff); }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        s += get16(p + i);
    if (n & 1)
        s += (uint32_t)p[n - 1] << 8;
    return s;
}

static uint16_t fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

struct dpf_spec dpf_tcp(void)
{
    struct dpf_spec s = {
        .dst = {0x02, 0, 0, 0, 0, 0x02}, .src = {0x02, 0, 0, 0, 0, 0x01},
        .vlan = -1, .dl_type = 0x0800, .nw_src = 0x0a000001, .nw_dst = 0x0a000002,
        .proto = 6, .tos = 0x11, .tp_src = 1234, .tp_dst = 80, .payload = 20,
        .arp_op = 1,
    };
    return s;
}

/* Computes the L4 checksum of the IPv4 datagram at ip (header length ihl,
 * total length tot). */
static uint16_t l4_csum(const uint8_t *ip, unsigned ihl, unsigned tot)
{
    const uint8_t *l4 = ip + ihl;
    unsigned l4len = tot - ihl;
    uint32_t s = 0;
    if (ip[9] != 1) {
        s = sum16(ip + 12, 8, 0);
        s += ip[9];
        s += l4len;
    }
    return fold(sum16(l4, l4len, s));
}

static unsigned csum_ofs(uint8_t proto)
{
    return proto == 6 ? 16 : proto == 17 ? 6 : proto == 1 ? 2 : 0;
}

size_t dpf_build(uint8_t *buf, const struct dpf_spec *s)
{
    size_t o = 12;
    memcpy(buf, s->dst, 6);
    memcpy(buf + 6, s->src, 6);
    if (s->vlan >= 0) {
        put16(buf + 12, 0x8100);
        put16(buf + 14, (uint16_t)(s->pcp << 13 | (s->vlan & 0xfff)));
        o = 16;
    }
    put16(buf + o, s->dl_type);
    o += 2;
    uint8_t *l3 = buf + o;
    if (s->dl_type == 0x0806) {
        put16(l3, 1);
        put16(l3 + 2, 0x0800);
        l3[4] = 6;
        l3[5] = 4;
        put16(l3 + 6, s->arp_op);
        memcpy(l3 + 8, s->src, 6);
        put32(l3 + 14, s->nw_src);
        memset(l3 + 18, 0, 6);
        put32(l3 + 24, s->nw_dst);
        return o + 28;
    }
    if (s->dl_type != 0x0800) {
        memset(l3, 0x5a, s->payload);
        return o + s->payload;
    }
    unsigned ihl = 20 + 4u * s->ip_opts;
    unsigned l4len = s->proto == 6 ? 20 : s->proto == 17 ? 8 : s->proto == 1 ? 8 : 0;
    unsigned tot = ihl + l4len + s->payload;
    memset(l3, 0, ihl);
    l3[0] = (uint8_t)(0x40 | ihl / 4);
    l3[1] = s->tos;
    put16(l3 + 2, (uint16_t)tot);
    put16(l3 + 4, 0x1234);
    put16(l3 + 6, s->frag);
    l3[8] = 64;
    l3[9] = s->proto;
    put32(l3 + 12, s->nw_src);
    put32(l3 + 16, s->nw_dst);
    for (unsigned i = 20; i < ihl; i++)
        l3[i] = 1; /* NOP options */
    put16(l3 + 10, fold(sum16(l3, ihl, 0)));
    uint8_t *l4 = l3 + ihl;
    memset(l4, 0, l4len);
    for (unsigned i = 0; i < s->payload; i++)
        l4[l4len + i] = (uint8_t)(i * 7 + 3);
    if (s->proto == 1) {
        l4[0] = (uint8_t)s->tp_src;
        l4[1] = (uint8_t)s->tp_dst;
    } else if (l4len) {
        put16(l4, s->tp_src);
        put16(l4 + 2, s->tp_dst);
    }
    if (s->proto == 6) {
        put32(l4 + 4, 1000);
        l4[12] = 5 << 4;
        l4[13] = 0x18;
        put16(l4 + 14, 8192);
    }
    if (s->proto == 17)
        put16(l4 + 4, (uint16_t)(l4len + s->payload));
    unsigned c = csum_ofs(s->proto);
    if (c && !(s->proto == 17 && s->udp_nocsum)) {
        uint16_t v = l4_csum(l3, ihl, tot);
        put16(l4 + c, s->proto == 17 && v == 0 ? 0xffff : v);
    }
    return o + tot;
}

bool dpf_csums_ok(const uint8_t *f, size_t len)
{
    size_t o = get16(f + 12) == 0x8100 ? 18 : 14;
    if (len < o + 20 || get16(f + o - 2) != 0x0800)
        return false;
    uint8_t ip[1600];
    unsigned ihl = (f[o] & 0x0f) * 4u;
    unsigned tot = get16(f + o + 2);
    if (o + tot > len || tot > sizeof ip)
        return false;
    memcpy(ip, f + o, tot);
    uint16_t want = get16(ip + 10);
    put16(ip + 10, 0);
    if (fold(sum16(ip, ihl, 0)) != want)
        return false;
    unsigned c = csum_ofs(ip[9]);
    if (!c || (get16(ip + 6) & 0x3fff))
        return true; /* no transport checksum to verify on fragments */
    want = get16(ip + ihl + c);
    if (ip[9] == 17 && want == 0)
        return true;
    put16(ip + ihl + c, 0);
    uint16_t got = l4_csum(ip, ihl, tot);
    if (ip[9] == 17 && got == 0)
        got = 0xffff;
    return got == want;
}
