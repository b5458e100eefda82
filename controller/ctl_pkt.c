/* ctl_pkt.c — header fields of a packet_in, and rule matching (ctl_pkt.h). */
#include "ctl_pkt.h"

#include <string.h>

#include "openflow/ofp_match.h"

#define ETH_HLEN 14
#define VLAN_TPID 0x8100

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* IPv4 at p[0, len): nw_* and the transport ports. */
static void parse_ipv4(const uint8_t *p, size_t len, struct of_match *k)
{
    if (len < 20 || (p[0] >> 4) != 4)
        return;
    size_t ihl = (size_t)(p[0] & 0x0f) * 4;
    k->nw_tos = p[1] & 0xfc;
    k->nw_proto = p[9];
    k->wildcards &= ~(uint32_t)(OFPFW_NW_TOS | OFPFW_NW_PROTO);
    ofp_match_set_nw_src(k, rd32(p + 12), 32);
    ofp_match_set_nw_dst(k, rd32(p + 16), 32);
    bool first_fragment = (rd16(p + 6) & 0x1fff) == 0;
    if (ihl < 20 || len < ihl || !first_fragment)
        return;
    const uint8_t *l4 = p + ihl;
    size_t l4len = len - ihl;
    switch (k->nw_proto) {
    case OFP_IPPROTO_TCP:
    case OFP_IPPROTO_UDP:
    case OFP_IPPROTO_SCTP:
        if (l4len < 4)
            return;
        k->tp_src = rd16(l4);
        k->tp_dst = rd16(l4 + 2);
        break;
    case OFP_IPPROTO_ICMP:
        if (l4len < 2)
            return;
        k->tp_src = l4[0];
        k->tp_dst = l4[1];
        break;
    default:
        return;
    }
    k->wildcards &= ~(uint32_t)(OFPFW_TP_SRC | OFPFW_TP_DST);
}

/* ARP for IPv4 over Ethernet: opcode, spa, tpa. */
static void parse_arp(const uint8_t *p, size_t len, struct of_match *k)
{
    if (len < 28 || rd16(p) != 1 || rd16(p + 2) != OFP_ETH_TYPE_IP || p[4] != 6 || p[5] != 4)
        return;
    uint16_t op = rd16(p + 6);
    if (op > 0xff)
        return;
    k->nw_proto = (uint8_t)op;
    k->wildcards &= ~(uint32_t)OFPFW_NW_PROTO;
    ofp_match_set_nw_src(k, rd32(p + 14), 32);
    ofp_match_set_nw_dst(k, rd32(p + 24), 32);
}

bool ctl_pkt_parse(const uint8_t *frame, size_t len, uint16_t in_port, struct ctl_pkt *pkt)
{
    struct of_match *k = &pkt->key;
    ofp_match_init_catchall(k);
    pkt->valid = false;
    if (!frame || len < ETH_HLEN)
        return false;
    pkt->valid = true;
    k->in_port = in_port;
    memcpy(k->dl_dst, frame, 6);
    memcpy(k->dl_src, frame + 6, 6);
    k->wildcards &= ~(uint32_t)(OFPFW_IN_PORT | OFPFW_DL_SRC | OFPFW_DL_DST | OFPFW_DL_VLAN);
    size_t off = 12;
    uint16_t type = rd16(frame + off);
    k->dl_vlan = OFP_VLAN_NONE;
    if (type == VLAN_TPID) {
        if (len < off + 6)
            return true; /* tag cut off: dl_type stays wildcarded */
        uint16_t tci = rd16(frame + off + 2);
        k->dl_vlan = tci & 0x0fff;
        k->dl_vlan_pcp = (uint8_t)(tci >> 13);
        k->wildcards &= ~(uint32_t)OFPFW_DL_VLAN_PCP;
        off += 4;
        type = rd16(frame + off);
    }
    off += 2;
    if (type < OFP_DL_TYPE_ETH2_CUTOFF) {
        /* 802.3 length field (LLC/SNAP not parsed). */
        type = OFP_DL_TYPE_NOT_ETH_TYPE;
    }
    k->dl_type = type;
    k->wildcards &= ~(uint32_t)OFPFW_DL_TYPE;
    if (type == OFP_ETH_TYPE_IP)
        parse_ipv4(frame + off, len - off, k);
    else if (type == OFP_ETH_TYPE_ARP)
        parse_arp(frame + off, len - off, k);
    return true;
}

/* Compares a and b on plen leading bits (0 = always equal). */
static bool prefix_eq(uint32_t a, uint32_t b, unsigned plen)
{
    uint32_t m = ofp_prefix_mask(plen);
    return (a & m) == (b & m);
}

/* Plain (non-prefix) fields: the wildcard bit, and whether a and b agree. */
static bool field_eq(const struct of_match *a, const struct of_match *b, uint32_t bit)
{
    switch (bit) {
    case OFPFW_IN_PORT: return a->in_port == b->in_port;
    case OFPFW_DL_VLAN: return a->dl_vlan == b->dl_vlan;
    case OFPFW_DL_SRC: return memcmp(a->dl_src, b->dl_src, 6) == 0;
    case OFPFW_DL_DST: return memcmp(a->dl_dst, b->dl_dst, 6) == 0;
    case OFPFW_DL_TYPE: return a->dl_type == b->dl_type;
    case OFPFW_NW_PROTO: return a->nw_proto == b->nw_proto;
    case OFPFW_TP_SRC: return a->tp_src == b->tp_src;
    case OFPFW_TP_DST: return a->tp_dst == b->tp_dst;
    case OFPFW_DL_VLAN_PCP: return a->dl_vlan_pcp == b->dl_vlan_pcp;
    case OFPFW_NW_TOS: return a->nw_tos == b->nw_tos;
    default: return false;
    }
}

static const uint32_t plain_fields[] = {
    OFPFW_IN_PORT, OFPFW_DL_VLAN, OFPFW_DL_SRC, OFPFW_DL_DST, OFPFW_DL_TYPE,
    OFPFW_NW_PROTO, OFPFW_TP_SRC, OFPFW_TP_DST, OFPFW_DL_VLAN_PCP, OFPFW_NW_TOS,
};

/* The common core: when `need_in_b` every field a matches must be matched
 * by b too (packet matching); otherwise fields b leaves open agree. */
static bool match_cmp(const struct of_match *a, const struct of_match *b, bool need_in_b)
{
    for (size_t i = 0; i < sizeof plain_fields / sizeof plain_fields[0]; i++) {
        uint32_t bit = plain_fields[i];
        if (a->wildcards & bit)
            continue;
        if (b->wildcards & bit) {
            if (need_in_b)
                return false;
            continue;
        }
        if (!field_eq(a, b, bit))
            return false;
    }
    unsigned as = ofp_match_nw_src_plen(a), bs = ofp_match_nw_src_plen(b);
    unsigned ad = ofp_match_nw_dst_plen(a), bd = ofp_match_nw_dst_plen(b);
    if (need_in_b && ((as && bs < as) || (ad && bd < ad)))
        return false;
    return prefix_eq(a->nw_src, b->nw_src, as < bs ? as : bs) &&
           prefix_eq(a->nw_dst, b->nw_dst, ad < bd ? ad : bd);
}

bool ctl_match_covers(const struct of_match *rule, const struct of_match *key)
{
    return match_cmp(rule, key, true);
}

bool ctl_match_overlaps(const struct of_match *a, const struct of_match *b)
{
    return match_cmp(a, b, false);
}
