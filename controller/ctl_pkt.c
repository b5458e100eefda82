/*
 * ctl_pkt.c — header fields of a packet_in, and rule matching (ctl_pkt.h).
 *
 * The parser follows datapath/dp_key.c rule for rule (it may not call it:
 * controller/ sees only openflow/ and libos/), layer by layer: each layer
 * checks that its header fits before reading it; when it does not, its
 * fields keep the zero the datapath gives them -- unless the bytes were
 * cut off the packet_in data, in which case they are marked unseen.
 * tests/unit/test_ctl_pkt.c and tests/fuzz/fuzz_ctl_pkt.c compare the two.
 */
#include "ctl_pkt.h"

#include <string.h>

#include "openflow/ofp_match.h"

#define ETH_HLEN 14
#define VLAN_HLEN 4
#define VLAN_TPID 0x8100
#define LLC_SNAP_HLEN 8
#define IP_HLEN 20
#define ARP_LEN 28
#define TCP_HLEN 20
#define UDP_HLEN 8
#define ICMP_HLEN 8
#define IP_FRAG_OFS 0x1fff

/* The fields each layer carries, with everything after it. */
#define TP_FIELDS ((uint32_t)(OFPFW_TP_SRC | OFPFW_TP_DST))
#define NW_FIELDS ((uint32_t)(OFPFW_NW_PROTO | OFPFW_NW_TOS | OFPFW_NW_SRC_MASK | \
                              OFPFW_NW_DST_MASK) | TP_FIELDS)
#define TYPE_FIELDS ((uint32_t)OFPFW_DL_TYPE | NW_FIELDS)
#define TAG_FIELDS ((uint32_t)(OFPFW_DL_VLAN | OFPFW_DL_VLAN_PCP) | TYPE_FIELDS)

/* Where the parse stands: the bytes it may read, f[0, end), and whether
 * the packet went on past `end` (packet_in data cut by the switch). */
struct ctl_cursor {
    const uint8_t *f;
    size_t end;
    bool cut;
    struct ctl_pkt *pkt;
};

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Returns true when f[ofs, ofs + n) is readable.  When it is not and the
 * data was cut there, `fields` (what the missing header would have given)
 * become unseen. */
static bool fits(struct ctl_cursor *c, size_t ofs, size_t n, uint32_t fields)
{
    if (ofs <= c->end && n <= c->end - ofs)
        return true;
    if (c->cut)
        c->pkt->unseen |= fields;
    return false;
}

/* TCP/UDP ports or ICMP type/code at f[l4..).  Other protocols (SCTP
 * too: OpenFlow 1.0 has no SCTP ports) leave tp_src/tp_dst zero. */
static void parse_l4(struct ctl_cursor *c, size_t l4, uint8_t proto)
{
    struct of_match *k = &c->pkt->key;
    size_t need = proto == OFP_IPPROTO_TCP   ? TCP_HLEN
                  : proto == OFP_IPPROTO_UDP ? UDP_HLEN
                  : proto == OFP_IPPROTO_ICMP ? ICMP_HLEN
                                              : 0;
    if (!need || !fits(c, l4, need, TP_FIELDS))
        return;
    const uint8_t *p = c->f + l4;
    if (proto == OFP_IPPROTO_ICMP) {
        k->tp_src = p[0];
        k->tp_dst = p[1];
    } else {
        k->tp_src = rd16(p);
        k->tp_dst = rd16(p + 2);
    }
}

/* IPv4 at f[l3..): nw_tos/proto/src/dst, then the transport header of a
 * first fragment, bounded by the total length when the frame holds it. */
static void parse_ipv4(struct ctl_cursor *c, size_t l3)
{
    struct of_match *k = &c->pkt->key;
    if (!fits(c, l3, IP_HLEN, NW_FIELDS))
        return;
    const uint8_t *ip = c->f + l3;
    size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
    if ((ip[0] >> 4) != 4 || ihl < IP_HLEN || !fits(c, l3, ihl, NW_FIELDS))
        return;
    k->nw_tos = ip[1] & 0xfc;
    k->nw_proto = ip[9];
    k->nw_src = rd32(ip + 12);
    k->nw_dst = rd32(ip + 16);
    size_t tot = rd16(ip + 2);
    if (tot < ihl)
        return; /* malformed length: no transport */
    if (tot <= c->end - l3) {
        c->end = l3 + tot; /* the datagram is all here; the rest is padding */
        c->cut = false;
    }
    if (rd16(ip + 6) & IP_FRAG_OFS)
        return; /* later fragment: no transport header */
    parse_l4(c, l3 + ihl, k->nw_proto);
}

/* Ethernet/IPv4 ARP at f[l3..): opcode (low byte), SPA, TPA. */
static void parse_arp(struct ctl_cursor *c, size_t l3)
{
    struct of_match *k = &c->pkt->key;
    if (!fits(c, l3, ARP_LEN, NW_FIELDS))
        return;
    const uint8_t *a = c->f + l3;
    if (rd16(a) != 1 || rd16(a + 2) != OFP_ETH_TYPE_IP || a[4] != 6 || a[5] != 4)
        return;
    k->nw_proto = a[7];
    k->nw_src = rd32(a + 14);
    k->nw_dst = rd32(a + 24);
}

/* 802.3 frame, LLC at f[*ofs..).  Returns the SNAP type (advancing *ofs
 * past the SNAP header) for LLC/SNAP with a zero OUI and a type >= 0x0600,
 * else 0x05ff. */
static uint16_t parse_llc(struct ctl_cursor *c, size_t *ofs)
{
    if (!fits(c, *ofs, LLC_SNAP_HLEN, TYPE_FIELDS))
        return OFP_DL_TYPE_NOT_ETH_TYPE;
    const uint8_t *p = c->f + *ofs;
    if (p[0] != 0xaa || p[1] != 0xaa || p[2] != 0x03 || p[3] | p[4] | p[5])
        return OFP_DL_TYPE_NOT_ETH_TYPE;
    uint16_t type = rd16(p + 6);
    if (type < OFP_DL_TYPE_ETH2_CUTOFF)
        return OFP_DL_TYPE_NOT_ETH_TYPE;
    *ofs += LLC_SNAP_HLEN;
    return type;
}

/* The whole walk: Ethernet, one 802.1Q tag, LLC/SNAP, IPv4 or ARP. */
static void parse_frame(struct ctl_cursor *c)
{
    struct of_match *k = &c->pkt->key;
    const uint8_t *f = c->f;
    k->dl_vlan = OFP_VLAN_NONE;
    if (fits(c, 0, 6, (uint32_t)(OFPFW_DL_DST | OFPFW_DL_SRC) | TAG_FIELDS))
        memcpy(k->dl_dst, f, 6);
    if (fits(c, 6, 6, (uint32_t)OFPFW_DL_SRC | TAG_FIELDS))
        memcpy(k->dl_src, f + 6, 6);
    if (!fits(c, 0, ETH_HLEN, TAG_FIELDS))
        return;
    c->pkt->valid = true;
    size_t ofs = ETH_HLEN;
    uint16_t type = rd16(f + 12);
    if (type == VLAN_TPID) {
        if (!fits(c, ofs, VLAN_HLEN, TAG_FIELDS))
            return; /* tag cut short: untagged, dl_type 0 */
        uint16_t tci = rd16(f + ofs);
        k->dl_vlan = tci & 0x0fff;
        k->dl_vlan_pcp = (uint8_t)(tci >> 13);
        type = rd16(f + ofs + 2);
        ofs += VLAN_HLEN;
    }
    if (type < OFP_DL_TYPE_ETH2_CUTOFF)
        type = parse_llc(c, &ofs);
    k->dl_type = type;
    if (type == OFP_ETH_TYPE_IP)
        parse_ipv4(c, ofs);
    else if (type == OFP_ETH_TYPE_ARP)
        parse_arp(c, ofs);
}

bool ctl_pkt_parse_cut(const uint8_t *data, size_t len, size_t total_len, uint16_t in_port,
                       struct ctl_pkt *pkt)
{
    memset(pkt, 0, sizeof *pkt);
    struct of_match *k = &pkt->key;
    k->wildcards = 0; /* every field exact (zero) until shown otherwise */
    k->in_port = in_port;
    if (!data)
        len = 0;
    struct ctl_cursor c = { .f = data, .end = len, .cut = total_len > len, .pkt = pkt };
    parse_frame(&c);
    k->wildcards |= pkt->unseen;
    ofp_match_normalize(k);
    return pkt->valid;
}

bool ctl_pkt_parse(const uint8_t *frame, size_t len, uint16_t in_port, struct ctl_pkt *pkt)
{
    return ctl_pkt_parse_cut(frame, len, len, in_port, pkt);
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
