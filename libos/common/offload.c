/*
 * offload.c — software checksum completion and GSO segmentation.
 * See offload.h.  Freestanding: string.h and os/ headers only.
 */
#include "libos/common/offload.h"

#include <errno.h>
#include <string.h>

#include "os/byteorder.h"

#define ETH_HLEN_ 14
#define ETYPE_IPV4 0x0800
#define ETYPE_IPV6 0x86dd
#define ETYPE_VLAN 0x8100
#define ETYPE_QINQ 0x88a8
#define PROTO_TCP 6
#define PROTO_UDP 17
#define TCP_FIN 0x01
#define TCP_PSH 0x08
#define TCP_CWR 0x80

uint32_t offload_csum_partial(const void *buf, uint32_t len, uint32_t sum)
{
    /* Ones-complement addition is byte-order independent: add little-endian
     * 32-bit loads, fold, and swap once at the end. */
    const uint8_t *p = buf;
    uint64_t acc = 0;
    while (len >= 4) {
        uint32_t w;
        memcpy(&w, p, 4);
        acc += w;
        p += 4;
        len -= 4;
    }
    if (len >= 2) {
        uint16_t w;
        memcpy(&w, p, 2);
        acc += w;
        p += 2;
        len -= 2;
    }
    if (len)
        acc += *p; /* odd byte: high byte of a big-endian word = low LE byte */
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    uint64_t total = (uint64_t)sum + __builtin_bswap16((uint16_t)acc);
    while (total >> 32)
        total = (total & 0xffffffffu) + (total >> 32);
    return (uint32_t)total;
}

uint16_t offload_csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

int offload_csum_complete(uint8_t *frame, uint32_t len, uint32_t csum_start,
                          uint32_t csum_offset)
{
    if (csum_start > len || csum_offset > len - csum_start ||
        len - csum_start - csum_offset < 2)
        return -EINVAL;
    uint16_t c = offload_csum_fold(offload_csum_partial(frame + csum_start,
                                                        len - csum_start, 0));
    os_put_be16(frame + csum_start + csum_offset, c ? c : 0xffff);
    return 0;
}

int offload_fix_frame(uint8_t *frame, uint32_t len, const struct offload_vnet_hdr *vh)
{
    if (!(vh->flags & OFFLOAD_F_NEEDS_CSUM))
        return 0;
    return offload_csum_complete(frame, len, vh->csum_start, vh->csum_offset);
}

/* Finds the L3 header behind up to two VLAN tags.  Returns the ethertype and
 * sets *l3_off, or 0 when the frame is too short. */
static uint16_t gso_parse_l2(const uint8_t *f, uint32_t len, uint32_t *l3_off)
{
    uint32_t off = ETH_HLEN_;
    if (len < off)
        return 0;
    uint16_t type = os_get_be16(f + 12);
    for (int tags = 0; (type == ETYPE_VLAN || type == ETYPE_QINQ) && tags < 2; tags++) {
        if (len < off + 4)
            return 0;
        type = os_get_be16(f + off + 2);
        off += 4;
    }
    *l3_off = off;
    return type;
}

/* Finds the end of the IP datagram at frame[l3..len), its L4 header and
 * protocol (IPv6: behind hop-by-hop, routing and destination-options
 * headers).  Returns 0 and sets *l4, *end, *proto, or -EINVAL. */
static int csum_parse_l3(const uint8_t *f, uint32_t len, uint16_t type, uint32_t l3,
                         uint32_t *l4, uint32_t *end, uint8_t *proto)
{
    const uint8_t *ip = f + l3;
    uint32_t avail = len - l3;
    if (type == ETYPE_IPV4) {
        uint32_t ihl = (ip[0] & 0xfu) * 4, tot = avail >= 20 ? os_get_be16(ip + 2) : 0;
        if (avail < 20 || (ip[0] >> 4) != 4 || ihl < 20 || tot < ihl || tot > avail ||
            (os_get_be16(ip + 6) & 0x3fff))
            return -EINVAL;
        *proto = ip[9];
        *l4 = l3 + ihl;
        *end = l3 + tot;
        return 0;
    }
    if (type != ETYPE_IPV6 || avail < 40 || (ip[0] >> 4) != 6 ||
        os_get_be16(ip + 4) > avail - 40)
        return -EINVAL;
    *end = l3 + 40 + os_get_be16(ip + 4);
    *proto = ip[6];
    *l4 = l3 + 40;
    for (int i = 0; i < 8 && (*proto == 0 || *proto == 43 || *proto == 60); i++) {
        if (*end - *l4 < 8 || (uint32_t)(f[*l4 + 1] + 1) * 8 > *end - *l4)
            return -EINVAL;
        *proto = f[*l4];
        *l4 += (uint32_t)(f[*l4 + 1] + 1) * 8;
    }
    return 0;
}

int offload_csum_blank_complete(uint8_t *frame, uint32_t len)
{
    uint32_t l3, l4, end;
    uint8_t proto;
    uint16_t type = gso_parse_l2(frame, len, &l3);
    if (!type || csum_parse_l3(frame, len, type, l3, &l4, &end, &proto))
        return -EINVAL;
    uint32_t field = proto == PROTO_TCP ? 16 : proto == PROTO_UDP ? 6 : 0;
    uint32_t hdr = proto == PROTO_TCP ? 20 : 8;
    if (!field || end - l4 < hdr)
        return -EINVAL;
    return offload_csum_complete(frame, end, l4, field);
}

/* Parses the IP header at g->l3_off; sets l4_off.  `csum_start` (0 = none)
 * must agree for IPv4 and locates L4 behind IPv6 extension headers.
 * Returns 0 or -EINVAL. */
static int gso_parse_l3(struct offload_gso *g, uint16_t type, uint32_t csum_start)
{
    const uint8_t *ip = g->frame + g->l3_off;
    uint32_t avail = g->len - g->l3_off;
    if (type == ETYPE_IPV4) {
        if (avail < 20 || (ip[0] >> 4) != 4)
            return -EINVAL;
        uint32_t ihl = (ip[0] & 0xfu) * 4;
        if (ihl < 20 || ihl > avail || (os_get_be16(ip + 6) & 0x3fff) ||
            ip[9] != g->l4proto)
            return -EINVAL;
        g->l4_off = g->l3_off + ihl;
        g->ip_id = os_get_be16(ip + 4);
        if (csum_start && csum_start != g->l4_off)
            return -EINVAL;
        return 0;
    }
    if (type == ETYPE_IPV6) {
        if (avail < 40 || (ip[0] >> 4) != 6)
            return -EINVAL;
        g->ipv6 = true;
        g->l4_off = g->l3_off + 40;
        if (ip[6] == g->l4proto)
            return csum_start && csum_start != g->l4_off ? -EINVAL : 0;
        if (csum_start <= g->l4_off || csum_start >= g->len)
            return -EINVAL; /* extension headers: trust csum_start */
        g->l4_off = csum_start;
        return 0;
    }
    return -EINVAL;
}

int offload_gso_start(struct offload_gso *g, const uint8_t *frame, uint32_t len,
                      const struct offload_vnet_hdr *vh, uint32_t room)
{
    memset(g, 0, sizeof *g);
    g->frame = frame;
    g->len = len;
    g->mss = vh->gso_size;
    switch (vh->gso_type & (uint8_t)~OFFLOAD_GSO_ECN) {
    case OFFLOAD_GSO_TCPV4: case OFFLOAD_GSO_TCPV6: g->l4proto = PROTO_TCP; break;
    case OFFLOAD_GSO_UDP_L4: g->l4proto = PROTO_UDP; break;
    default: return -EINVAL;
    }
    uint32_t cs = (vh->flags & OFFLOAD_F_NEEDS_CSUM) ? vh->csum_start : 0;
    uint16_t type = gso_parse_l2(frame, len, &g->l3_off);
    if (g->mss == 0 || gso_parse_l3(g, type, cs) < 0)
        return -EINVAL;
    uint8_t base = vh->gso_type & (uint8_t)~OFFLOAD_GSO_ECN;
    if ((base == OFFLOAD_GSO_TCPV4 && g->ipv6) || (base == OFFLOAD_GSO_TCPV6 && !g->ipv6))
        return -EINVAL;
    uint32_t l4len = g->l4proto == PROTO_TCP ? 20 : 8;
    if (g->len - g->l4_off < l4len)
        return -EINVAL;
    if (g->l4proto == PROTO_TCP) {
        l4len = (g->frame[g->l4_off + 12] >> 4) * 4u;
        if (l4len < 20 || l4len > g->len - g->l4_off)
            return -EINVAL;
        g->seq = os_get_be32(g->frame + g->l4_off + 4);
    }
    g->hdr_len = g->l4_off + l4len;
    if (g->mss > room || g->hdr_len > room - g->mss)
        return -EINVAL;
    uint32_t payload = g->len - g->hdr_len;
    uint32_t n = payload ? (payload + g->mss - 1) / g->mss : 1;
    if (n > 0xffff)
        return -EINVAL;
    g->nsegs = (uint16_t)n;
    g->pos = g->hdr_len;
    return (int)n;
}

/* Returns the pseudo-header sum for an L4 segment of `l4len` bytes. */
static uint32_t gso_pseudo_sum(const struct offload_gso *g, const uint8_t *ip,
                               uint32_t l4len)
{
    uint8_t tail[8];
    uint32_t sum;
    if (g->ipv6) {
        sum = offload_csum_partial(ip + 8, 32, 0);
        os_put_be32(tail, l4len);
        os_put_be32(tail + 4, g->l4proto);
    } else {
        sum = offload_csum_partial(ip + 12, 8, 0);
        os_put_be16(tail, g->l4proto);
        os_put_be16(tail + 2, (uint16_t)l4len);
        memset(tail + 4, 0, 4);
    }
    return offload_csum_partial(tail, 8, sum);
}

/* Fixes the IP and L4 headers of segment `seg` (copied into `f`, total
 * length `len`, `payload` bytes of payload). */
static void gso_fix_segment(const struct offload_gso *g, uint8_t *f, uint32_t len,
                            uint32_t payload)
{
    uint8_t *ip = f + g->l3_off, *l4 = f + g->l4_off;
    bool first = g->done == 0, last = g->done + 1u == g->nsegs;
    uint32_t l4len = len - g->l4_off;
    if (g->ipv6) {
        os_put_be16(ip + 4, (uint16_t)(len - g->l3_off - 40));
    } else {
        uint32_t ihl = (ip[0] & 0xfu) * 4;
        os_put_be16(ip + 2, (uint16_t)(len - g->l3_off));
        os_put_be16(ip + 4, (uint16_t)(g->ip_id + g->done));
        os_put_be16(ip + 10, 0);
        os_put_be16(ip + 10, offload_csum_fold(offload_csum_partial(ip, ihl, 0)));
    }
    uint32_t csum_at;
    if (g->l4proto == PROTO_TCP) {
        os_put_be32(l4 + 4, g->seq + (g->pos - g->hdr_len));
        if (!last)
            l4[13] &= (uint8_t)~(TCP_FIN | TCP_PSH);
        if (!first)
            l4[13] &= (uint8_t)~TCP_CWR;
        csum_at = 16;
    } else {
        os_put_be16(l4 + 4, (uint16_t)(8 + payload));
        csum_at = 6;
    }
    os_put_be16(l4 + csum_at, 0);
    uint16_t c = offload_csum_fold(offload_csum_partial(l4, l4len,
                                                        gso_pseudo_sum(g, ip, l4len)));
    if (c == 0 && g->l4proto == PROTO_UDP)
        c = 0xffff;
    os_put_be16(l4 + csum_at, c);
}

int offload_gso_next(struct offload_gso *g, struct pkt_pool *pool, struct pkt **out)
{
    if (offload_gso_done(g))
        return -ENODATA;
    struct pkt *p = pkt_alloc(pool);
    if (!p)
        return -ENOMEM;
    uint32_t left = g->len - g->pos;
    uint32_t payload = left < g->mss ? left : g->mss;
    uint32_t len = g->hdr_len + payload;
    uint8_t *f = pkt_put(p, len);
    if (!f) { /* the caller's `room` was wrong: refuse the rest */
        pkt_free(p);
        g->done = g->nsegs;
        return -ENODATA;
    }
    memcpy(f, g->frame, g->hdr_len);
    memcpy(f + g->hdr_len, g->frame + g->pos, payload);
    gso_fix_segment(g, f, len, payload);
    g->pos += payload;
    g->done++;
    *out = p;
    return 0;
}

int offload_gso_segment(const uint8_t *frame, uint32_t len,
                        const struct offload_vnet_hdr *vh, struct pkt_pool *pool,
                        struct pkt **out, unsigned max)
{
    struct offload_gso g;
    struct pkt *probe = pkt_alloc(pool);
    if (!probe)
        return -ENOMEM;
    uint32_t room = pkt_tailroom(probe);
    pkt_free(probe);
    int n = offload_gso_start(&g, frame, len, vh, room);
    if (n < 0)
        return n;
    if ((unsigned)n > max)
        return -E2BIG;
    for (int i = 0; i < n; i++) {
        int rc = offload_gso_next(&g, pool, &out[i]);
        if (rc < 0) {
            pkt_free_burst(out, (unsigned)i);
            return rc == -ENODATA ? -EINVAL : rc;
        }
    }
    return n;
}

unsigned offload_gso_drain(struct offload_gso *g, struct pkt_pool *pool,
                           struct pkt **pkts, unsigned n)
{
    unsigned got = 0;
    while (got < n && offload_gso_next(g, pool, &pkts[got]) == 0)
        got++;
    return got;
}
