/*
 * dp_key.c — OpenFlow 1.0 flow key extraction, hashing and formatting.
 *
 * Extraction walks the frame layer by layer.  Every layer first checks that
 * its header fits in what is left of the frame; when it does not, the
 * fields read so far are kept, the rest stay zero and DP_LF_TRUNC is set.
 * No loops over bytes: fixed-offset big-endian loads only.
 */
#include "datapath/dp_key.h"

#include <stdio.h>
#include <string.h>

#include "os/byteorder.h"

#define ETH_HLEN 14
#define VLAN_HLEN 4
#define ETH_TYPE_MIN 0x0600
#define ETH_TYPE_IP 0x0800
#define ETH_TYPE_ARP 0x0806
#define ETH_TYPE_VLAN 0x8100
#define LLC_SNAP_HLEN 8
#define IP_HLEN 20
#define ARP_LEN 28
#define TCP_HLEN 20
#define UDP_HLEN 8
#define ICMP_HLEN 8 /* as Open vSwitch requires */
#define IP_MF 0x2000
#define IP_FRAG_OFS 0x1fff

/* 802.3 frame: returns the SNAP type for LLC/SNAP with a zero OUI, else
 * DP_DL_TYPE_NOT_ETH (Open vSwitch's rule).  Advances *ofs past a SNAP
 * header. */
static uint16_t parse_llc(const uint8_t *f, uint32_t len, uint32_t *ofs)
{
    const uint8_t *p = f + *ofs;
    if (len - *ofs < LLC_SNAP_HLEN)
        return DP_DL_TYPE_NOT_ETH;
    if (p[0] != 0xaa || p[1] != 0xaa || p[2] != 0x03 || p[3] | p[4] | p[5])
        return DP_DL_TYPE_NOT_ETH;
    uint16_t type = os_get_be16(p + 6);
    if (type < ETH_TYPE_MIN)
        return DP_DL_TYPE_NOT_ETH;
    *ofs += LLC_SNAP_HLEN;
    return type;
}

/* Transport ports/ICMP type+code at f[l4..end).  Returns the layout flags
 * to add (DP_LF_TRUNC when the header is cut short). */
static uint8_t parse_l4(const uint8_t *f, uint32_t l4, uint32_t end, uint8_t proto,
                        struct dp_key *key, struct dp_layout *lay)
{
    uint32_t have = end > l4 ? end - l4 : 0;
    const uint8_t *p = f + l4;
    switch (proto) {
    case 6: /* TCP */
        if (have < TCP_HLEN)
            return DP_LF_TRUNC;
        break;
    case 17: /* UDP */
        if (have < UDP_HLEN)
            return DP_LF_TRUNC;
        break;
    case 1: /* ICMP */
        if (have < ICMP_HLEN)
            return DP_LF_TRUNC;
        key->tp_src = p[0];
        key->tp_dst = p[1];
        lay->l4_ofs = (uint16_t)l4;
        return 0;
    default:
        return 0;
    }
    key->tp_src = os_get_be16(p);
    key->tp_dst = os_get_be16(p + 2);
    lay->l4_ofs = (uint16_t)l4;
    return 0;
}

/* IPv4 at f[l3..len). Returns the layout flags to add. */
static uint8_t parse_ipv4(const uint8_t *f, uint32_t len, uint32_t l3, struct dp_key *key,
                          struct dp_layout *lay)
{
    const uint8_t *ip = f + l3;
    uint32_t have = len - l3;
    if (have < IP_HLEN)
        return DP_LF_TRUNC;
    uint32_t ihl = (uint32_t)(ip[0] & 0x0f) * 4;
    if ((ip[0] >> 4) != 4 || ihl < IP_HLEN || ihl > have)
        return DP_LF_TRUNC;

    uint8_t flags = DP_LF_IPV4;
    key->nw_tos = ip[1] & 0xfc;
    key->nw_proto = ip[9];
    key->nw_src = os_get_be32(ip + 12);
    key->nw_dst = os_get_be32(ip + 16);

    uint32_t tot = os_get_be16(ip + 2);
    if (tot < ihl)
        return flags | DP_LF_TRUNC; /* malformed length: no transport */
    uint32_t end = len;
    if (tot > have)
        flags |= DP_LF_TRUNC; /* datagram cut short; parse what is there */
    else
        end = l3 + tot; /* ignore Ethernet padding */

    uint16_t frag = os_get_be16(ip + 6);
    if (frag & (IP_MF | IP_FRAG_OFS)) {
        flags |= DP_LF_FRAG;
        if (frag & IP_FRAG_OFS)
            return flags | DP_LF_LATER_FRAG;
    }
    return flags | parse_l4(f, l3 + ihl, end, key->nw_proto, key, lay);
}

/* Ethernet/IPv4 ARP at f[l3..len).  Returns the layout flags to add. */
static uint8_t parse_arp(const uint8_t *f, uint32_t len, uint32_t l3, struct dp_key *key)
{
    const uint8_t *a = f + l3;
    if (len - l3 < ARP_LEN)
        return DP_LF_TRUNC;
    if (os_get_be16(a) != 1 || os_get_be16(a + 2) != ETH_TYPE_IP || a[4] != 6 || a[5] != 4)
        return 0; /* not Ethernet/IPv4 ARP: no fields, not an error */
    key->nw_proto = a[7]; /* low byte of the opcode */
    key->nw_src = os_get_be32(a + 14);
    key->nw_dst = os_get_be32(a + 24);
    return DP_LF_ARP;
}

void dp_key_extract(const uint8_t *f, uint32_t len, uint16_t in_port, struct dp_key *key,
                    struct dp_layout *layout)
{
    struct dp_layout dummy;
    struct dp_layout *lay = layout ? layout : &dummy;
    for (int i = 0; i < DP_KEY_WORDS; i++)
        key->w[i] = 0;
    key->in_port = in_port;
    key->dl_vlan = DP_VLAN_NONE;
    lay->l3_ofs = 0;
    lay->l4_ofs = 0;
    lay->flags = 0;

    if (len < ETH_HLEN) {
        if (len >= 6)
            memcpy(key->dl_dst, f, 6);
        if (len >= 12)
            memcpy(key->dl_src, f + 6, 6);
        lay->flags = DP_LF_TRUNC;
        return;
    }
    memcpy(key->dl_dst, f, 6);
    memcpy(key->dl_src, f + 6, 6);

    uint32_t ofs = ETH_HLEN;
    uint16_t type = os_get_be16(f + 12);
    uint8_t flags = 0;
    if (type == ETH_TYPE_VLAN) {
        if (len < ETH_HLEN + VLAN_HLEN) {
            lay->flags = DP_LF_TRUNC;
            return;
        }
        uint16_t tci = os_get_be16(f + 14);
        key->dl_vlan = tci & 0x0fff;
        key->dl_vlan_pcp = (uint8_t)(tci >> 13);
        type = os_get_be16(f + 16);
        ofs += VLAN_HLEN;
        flags = DP_LF_VLAN;
    }
    if (type < ETH_TYPE_MIN)
        type = parse_llc(f, len, &ofs);
    key->dl_type = type;
    lay->l3_ofs = (uint16_t)ofs;

    if (type == ETH_TYPE_IP)
        flags |= parse_ipv4(f, len, ofs, key, lay);
    else if (type == ETH_TYPE_ARP)
        flags |= parse_arp(f, len, ofs, key);
    lay->flags = flags;
}

static inline uint64_t rotl64(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

uint32_t dp_key_hash(const struct dp_key *key, const struct dp_key *mask, uint32_t basis)
{
    uint64_t h = basis ^ 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < DP_KEY_WORDS; i++) {
        uint64_t w = mask ? key->w[i] & mask->w[i] : key->w[i];
        w *= 0x87c37b91114253d5ull;
        w = rotl64(w, 31);
        w *= 0x4cf5ad432745937full;
        h ^= w;
        h = rotl64(h, 27) * 5 + 0x52dce729;
    }
    /* murmur3 fmix64 */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return (uint32_t)h;
}

/* A bounded appender for dp_key_format. */
struct fmt {
    char *buf;
    unsigned size, ofs;
};

/* Appends ",name=val" (no comma first).  Returns nothing; output is cut at
 * the buffer's end and always NUL-terminated. */
static void fmt_str(struct fmt *f, const char *name, const char *val)
{
    if (f->ofs + 1 >= f->size)
        return;
    int n = snprintf(f->buf + f->ofs, f->size - f->ofs, "%s%s=%s", f->ofs ? "," : "", name, val);
    if (n > 0)
        f->ofs = f->ofs + (unsigned)n < f->size ? f->ofs + (unsigned)n : f->size - 1;
}

static void fmt_num(struct fmt *f, const char *name, const char *fmtstr, unsigned long v)
{
    char s[24];
    snprintf(s, sizeof s, fmtstr, v);
    fmt_str(f, name, s);
}

static void fmt_mac(struct fmt *f, const char *name, const uint8_t *m)
{
    char s[18];
    snprintf(s, sizeof s, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    fmt_str(f, name, s);
}

static void fmt_ip(struct fmt *f, const char *name, uint32_t a, uint32_t m)
{
    char s[40];
    unsigned plen = (unsigned)__builtin_popcount(m);
    bool cidr = (~m & (~m + 1)) == 0;
    int n = snprintf(s, sizeof s, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff,
                     a & 0xff);
    if (m != 0xffffffffu && n > 0) {
        if (cidr)
            snprintf(s + n, sizeof s - (unsigned)n, "/%u", plen);
        else
            snprintf(s + n, sizeof s - (unsigned)n, "/%u.%u.%u.%u", m >> 24, (m >> 16) & 0xff,
                     (m >> 8) & 0xff, m & 0xff);
    }
    fmt_str(f, name, s);
}

static bool mac_set(const uint8_t *m)
{
    return m[0] | m[1] | m[2] | m[3] | m[4] | m[5];
}

char *dp_key_format(const struct dp_key *key, const struct dp_key *mask, char *buf, unsigned size)
{
    static const struct dp_key all = {
        .w = {~0ull, ~0ull, ~0ull, ~0ull, ~0ull}};
    const struct dp_key *m = mask ? mask : &all;
    struct fmt f = {buf, size, 0};
    if (size == 0)
        return buf;
    buf[0] = '\0';
    if (m->in_port)
        fmt_num(&f, "in_port", "%lu", key->in_port);
    if (m->dl_vlan)
        fmt_num(&f, "dl_vlan", key->dl_vlan == DP_VLAN_NONE ? "0x%lx" : "%lu", key->dl_vlan);
    if (m->dl_vlan_pcp)
        fmt_num(&f, "dl_vlan_pcp", "%lu", key->dl_vlan_pcp);
    if (mac_set(m->dl_src))
        fmt_mac(&f, "dl_src", key->dl_src);
    if (mac_set(m->dl_dst))
        fmt_mac(&f, "dl_dst", key->dl_dst);
    if (m->dl_type)
        fmt_num(&f, "dl_type", "0x%04lx", key->dl_type);
    if (m->nw_src)
        fmt_ip(&f, "nw_src", key->nw_src, m->nw_src);
    if (m->nw_dst)
        fmt_ip(&f, "nw_dst", key->nw_dst, m->nw_dst);
    if (m->nw_proto)
        fmt_num(&f, "nw_proto", "%lu", key->nw_proto);
    if (m->nw_tos)
        fmt_num(&f, "nw_tos", "%lu", key->nw_tos);
    if (m->tp_src)
        fmt_num(&f, "tp_src", "%lu", key->tp_src);
    if (m->tp_dst)
        fmt_num(&f, "tp_dst", "%lu", key->tp_dst);
    return buf;
}
