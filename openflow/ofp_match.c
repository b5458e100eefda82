/*
 * ofp_match.c — of_match normalisation, prefixes and protocol shorthands.
 */
#include "ofp_match.h"

#include <string.h>

static const struct ofp_proto_name proto_names[] = {
    { "ip", OFP_ETH_TYPE_IP, 0, false },
    { "icmp", OFP_ETH_TYPE_IP, OFP_IPPROTO_ICMP, true },
    { "tcp", OFP_ETH_TYPE_IP, OFP_IPPROTO_TCP, true },
    { "udp", OFP_ETH_TYPE_IP, OFP_IPPROTO_UDP, true },
    { "sctp", OFP_ETH_TYPE_IP, OFP_IPPROTO_SCTP, true },
    { "arp", OFP_ETH_TYPE_ARP, 0, false },
    { "rarp", OFP_ETH_TYPE_RARP, 0, false },
    { "ipv6", 0x86dd, 0, false },
    { "mpls", 0x8847, 0, false },
    { "mplsm", 0x8848, 0, false },
};
#define N_PROTO_NAMES (sizeof proto_names / sizeof proto_names[0])

void ofp_match_init_catchall(struct of_match *m)
{
    memset(m, 0, sizeof *m);
    m->wildcards = OFPFW_ALL;
}

uint32_t ofp_prefix_mask(unsigned plen)
{
    return plen == 0 ? 0 : plen >= 32 ? 0xffffffffu : ~0u << (32 - plen);
}

int ofp_mask_to_prefix(uint32_t mask)
{
    uint32_t inv = ~mask;
    int plen = 32;

    if (inv & (inv + 1)) /* a one below a zero */
        return -1;
    for (; inv; inv >>= 1)
        plen--;
    return plen;
}

static unsigned plen_of(uint32_t wildcards, unsigned shift)
{
    unsigned bits = (wildcards >> shift) & ((1u << OFPFW_NW_SRC_BITS) - 1);
    return bits >= 32 ? 0 : 32 - bits;
}

unsigned ofp_match_nw_src_plen(const struct of_match *m)
{
    return plen_of(m->wildcards, OFPFW_NW_SRC_SHIFT);
}

unsigned ofp_match_nw_dst_plen(const struct of_match *m)
{
    return plen_of(m->wildcards, OFPFW_NW_DST_SHIFT);
}

static void set_nw(uint32_t *wildcards, uint32_t *field, unsigned shift, uint32_t mask_bits,
                   uint32_t addr, unsigned plen)
{
    if (plen > 32)
        plen = 32;
    /* Fully wildcarded is stored as the whole mask, as in OFPFW_ALL. */
    *wildcards = (*wildcards & ~mask_bits) | (plen ? (uint32_t)(32 - plen) << shift : mask_bits);
    *field = addr & ofp_prefix_mask(plen);
}

void ofp_match_set_nw_src(struct of_match *m, uint32_t addr, unsigned plen)
{
    set_nw(&m->wildcards, &m->nw_src, OFPFW_NW_SRC_SHIFT, OFPFW_NW_SRC_MASK, addr, plen);
}

void ofp_match_set_nw_dst(struct of_match *m, uint32_t addr, unsigned plen)
{
    set_nw(&m->wildcards, &m->nw_dst, OFPFW_NW_DST_SHIFT, OFPFW_NW_DST_MASK, addr, plen);
}

uint32_t ofp_match_unmet_prereqs(const struct of_match *m)
{
    uint32_t w = m->wildcards, bad = 0;
    bool has_type = !(w & OFPFW_DL_TYPE), has_proto = !(w & OFPFW_NW_PROTO);
    bool ip = has_type && m->dl_type == OFP_ETH_TYPE_IP;
    bool arp = has_type && (m->dl_type == OFP_ETH_TYPE_ARP || m->dl_type == OFP_ETH_TYPE_RARP);
    bool l4 = ip && has_proto
              && (m->nw_proto == OFP_IPPROTO_TCP || m->nw_proto == OFP_IPPROTO_UDP
                  || m->nw_proto == OFP_IPPROTO_SCTP || m->nw_proto == OFP_IPPROTO_ICMP);

    if (!ip && !arp) {
        if (ofp_match_nw_src_plen(m))
            bad |= OFPFW_NW_SRC_MASK;
        if (ofp_match_nw_dst_plen(m))
            bad |= OFPFW_NW_DST_MASK;
        if (has_proto)
            bad |= OFPFW_NW_PROTO;
    }
    if (!ip && !(w & OFPFW_NW_TOS))
        bad |= OFPFW_NW_TOS;
    if (!l4)
        bad |= ~w & (OFPFW_TP_SRC | OFPFW_TP_DST);
    if (!(w & OFPFW_DL_VLAN) && m->dl_vlan == OFP_VLAN_NONE && !(w & OFPFW_DL_VLAN_PCP))
        bad |= OFPFW_DL_VLAN_PCP;
    return bad;
}

uint32_t ofp_match_normalize(struct of_match *m)
{
    uint32_t bad = ofp_match_unmet_prereqs(m), w;

    m->wildcards |= bad & ~(OFPFW_NW_SRC_MASK | OFPFW_NW_DST_MASK);
    if (bad & OFPFW_NW_SRC_MASK)
        ofp_match_set_nw_src(m, 0, 0);
    if (bad & OFPFW_NW_DST_MASK)
        ofp_match_set_nw_dst(m, 0, 0);
    ofp_match_set_nw_src(m, m->nw_src, ofp_match_nw_src_plen(m));
    ofp_match_set_nw_dst(m, m->nw_dst, ofp_match_nw_dst_plen(m));
    m->wildcards &= OFPFW_ALL;

    w = m->wildcards;
    if (w & OFPFW_IN_PORT)
        m->in_port = 0;
    if (w & OFPFW_DL_VLAN)
        m->dl_vlan = 0;
    if (w & OFPFW_DL_SRC)
        memset(m->dl_src, 0, sizeof m->dl_src);
    if (w & OFPFW_DL_DST)
        memset(m->dl_dst, 0, sizeof m->dl_dst);
    if (w & OFPFW_DL_TYPE)
        m->dl_type = 0;
    if (w & OFPFW_NW_PROTO)
        m->nw_proto = 0;
    if (w & OFPFW_TP_SRC)
        m->tp_src = 0;
    if (w & OFPFW_TP_DST)
        m->tp_dst = 0;
    if (w & OFPFW_DL_VLAN_PCP)
        m->dl_vlan_pcp = 0;
    if (w & OFPFW_NW_TOS)
        m->nw_tos = 0;
    m->nw_tos &= 0xfc;
    return bad;
}

const struct ofp_proto_name *ofp_proto_by_name(const char *name, size_t len)
{
    for (size_t i = 0; i < N_PROTO_NAMES; i++)
        if (strlen(proto_names[i].name) == len && !memcmp(proto_names[i].name, name, len))
            return &proto_names[i];
    return NULL;
}

const struct ofp_proto_name *ofp_proto_of_match(const struct of_match *m)
{
    const struct ofp_proto_name *plain = NULL;

    if (m->wildcards & OFPFW_DL_TYPE)
        return NULL;
    for (size_t i = 0; i < N_PROTO_NAMES; i++) {
        const struct ofp_proto_name *p = &proto_names[i];
        if (p->dl_type != m->dl_type)
            continue;
        if (!p->has_nw_proto)
            plain = plain ? plain : p;
        else if (!(m->wildcards & OFPFW_NW_PROTO) && p->nw_proto == m->nw_proto)
            return p;
    }
    return plain;
}

bool ofp_match_equal(const struct of_match *a, const struct of_match *b)
{
    return a->wildcards == b->wildcards && a->in_port == b->in_port &&
           !memcmp(a->dl_src, b->dl_src, 6) && !memcmp(a->dl_dst, b->dl_dst, 6) &&
           a->dl_vlan == b->dl_vlan && a->dl_vlan_pcp == b->dl_vlan_pcp &&
           a->dl_type == b->dl_type && a->nw_tos == b->nw_tos &&
           a->nw_proto == b->nw_proto && a->nw_src == b->nw_src && a->nw_dst == b->nw_dst &&
           a->tp_src == b->tp_src && a->tp_dst == b->tp_dst;
}
