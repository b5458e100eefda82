/*
 * ofp_parse_match.c — the match fields of the flow syntax (OpenFlow 1.0
 * subset of ovs-fields(7)) and their prerequisites.  See ofp_parse.h.
 */
#include "ofp_match.h"
#include "ofp_parse_priv.h"

#include <errno.h>
#include <string.h>

enum field_kind {
    K_PORT, K_VLAN, K_TCI, K_PCP, K_MAC, K_TYPE, K_IP, K_U8, K_TOS, K_U16,
};

struct field {
    const char *name;
    enum field_kind kind;
    uint8_t bit; /* OFPFW_* bit index (the shift for nw_src/nw_dst) */
};

static const struct field fields[] = {
    { "in_port", K_PORT, 0 },
    { "dl_vlan", K_VLAN, 1 },
    { "vlan_tci", K_TCI, 1 },     /* only 0x0000 = untagged, as ofp_print writes it */
    { "dl_vlan_pcp", K_PCP, 20 },
    { "dl_src", K_MAC, 2 },       { "eth_src", K_MAC, 2 },
    { "dl_dst", K_MAC, 3 },       { "eth_dst", K_MAC, 3 },
    { "dl_type", K_TYPE, 4 },     { "eth_type", K_TYPE, 4 },
    { "nw_src", K_IP, 8 },        { "ip_src", K_IP, 8 },    { "arp_spa", K_IP, 8 },
    { "nw_dst", K_IP, 14 },       { "ip_dst", K_IP, 14 },   { "arp_tpa", K_IP, 14 },
    { "nw_proto", K_U8, 5 },      { "ip_proto", K_U8, 5 },  { "arp_op", K_U8, 5 },
    { "nw_tos", K_TOS, 21 },
    { "tp_src", K_U16, 6 },       { "icmp_type", K_U8, 6 },
    { "tp_dst", K_U16, 7 },       { "icmp_code", K_U8, 7 },
};
#define N_FIELDS (sizeof fields / sizeof fields[0])

#define V(kv) (int)(kv)->val.n, (kv)->val.s

static int parse_ip_field(const struct field *f, const struct ofp_kv *kv, struct of_match *m,
                          struct ofp_perr *e)
{
    const char *slash = memchr(kv->val.s, '/', kv->val.n);
    struct ofp_str addr = kv->val, mask;
    uint32_t a, mk;
    uint64_t plen = 32;

    if (slash) {
        addr.n = (size_t)(slash - kv->val.s);
        mask.s = slash + 1;
        mask.n = kv->val.n - addr.n - 1;
    }
    if (ofp_parse_ipv4(addr, &a))
        return ofp_perr(e, "%s: '%.*s' is not an IPv4 address or prefix", f->name, V(kv));
    if (slash) {
        if (memchr(mask.s, '.', mask.n)) {
            int p;
            if (ofp_parse_ipv4(mask, &mk))
                return ofp_perr(e, "%s: '%.*s' is not an IPv4 address or prefix", f->name,
                                V(kv));
            p = ofp_mask_to_prefix(mk);
            if (p < 0)
                return ofp_perr(e, "%s: mask '%.*s' is not a CIDR prefix (OpenFlow 1.0 "
                                "matches prefixes only)", f->name, (int)mask.n, mask.s);
            plen = (uint64_t)p;
        } else if (ofp_parse_uint(mask, 10, 32, &plen)) {
            return ofp_perr(e, "%s: '%.*s': prefix length not between 0 and 32", f->name,
                            V(kv));
        }
    }
    if (f->bit == OFPFW_NW_SRC_SHIFT)
        ofp_match_set_nw_src(m, a, (unsigned)plen);
    else
        ofp_match_set_nw_dst(m, a, (unsigned)plen);
    return 0;
}

static int parse_mac_field(const struct field *f, const struct ofp_kv *kv, uint8_t mac[6],
                           struct ofp_perr *e)
{
    if (memchr(kv->val.s, '/', kv->val.n))
        return ofp_perr(e, "%s: '%.*s': Ethernet address masks are not supported in "
                        "OpenFlow 1.0", f->name, V(kv));
    if (ofp_parse_mac(kv->val, mac))
        return ofp_perr(e, "%s: '%.*s' is not an Ethernet address", f->name, V(kv));
    return 0;
}

/* Integer fields: parses, range-checks, stores.  Returns 0 or -EINVAL. */
static int parse_int_field(const struct field *f, const struct ofp_kv *kv, struct of_match *m,
                           struct ofp_perr *e)
{
    uint64_t x;

    switch (f->kind) {
    case K_VLAN:
        if (ofp_parse_uint(kv->val, 0, UINT16_MAX, &x) || (x > 4095 && x != OFP_VLAN_NONE))
            return ofp_perr(e, "%s: '%.*s' is not a VLAN ID (0 to 4095, or 0xffff for "
                            "untagged)", f->name, V(kv));
        m->dl_vlan = (uint16_t)x;
        return 0;
    case K_TCI:
        if (ofp_parse_uint(kv->val, 0, 0, &x))
            return ofp_perr(e, "%s: '%.*s': OpenFlow 1.0 can only express vlan_tci=0x0000 "
                            "(untagged); use dl_vlan and dl_vlan_pcp", f->name, V(kv));
        m->dl_vlan = OFP_VLAN_NONE;
        return 0;
    case K_PCP:
        if (ofp_parse_uint(kv->val, 0, 7, &x))
            return ofp_perr(e, "%s: '%.*s' is not a VLAN priority (0 to 7)", f->name, V(kv));
        m->dl_vlan_pcp = (uint8_t)x;
        return 0;
    case K_TOS:
        if (ofp_parse_uint(kv->val, 0, UINT8_MAX, &x))
            return ofp_perr(e, "%s: '%.*s' is not an 8-bit number", f->name, V(kv));
        if (x & 3)
            return ofp_perr(e, "%s: '%.*s' has the ECN bits set (the ToS byte's DSCP part: "
                            "a multiple of 4, 0 to 252)", f->name, V(kv));
        m->nw_tos = (uint8_t)x;
        return 0;
    case K_U8:
        if (ofp_parse_uint(kv->val, 0, UINT8_MAX, &x))
            return ofp_perr(e, "%s: '%.*s' is not an 8-bit number (0 to 255)", f->name, V(kv));
        break;
    default:
        if (ofp_parse_uint(kv->val, 0, UINT16_MAX, &x))
            return ofp_perr(e, "%s: '%.*s' is not a 16-bit number (0 to 65535)", f->name,
                            V(kv));
        break;
    }
    switch (f->bit) {
    case 4: m->dl_type = (uint16_t)x; break;
    case 5: m->nw_proto = (uint8_t)x; break;
    case 6: m->tp_src = (uint16_t)x; break;
    default: m->tp_dst = (uint16_t)x; break;
    }
    return 0;
}

static int parse_field(const struct field *f, const struct ofp_kv *kv, struct of_match *m,
                       struct ofp_perr *e)
{
    switch (f->kind) {
    case K_PORT:
        if (ofp_parse_port(kv->val.s, kv->val.n, &m->in_port))
            return ofp_perr(e, "%s: '%.*s' is not a port number or name", f->name, V(kv));
        return 0;
    case K_MAC:
        return parse_mac_field(f, kv, f->bit == 2 ? m->dl_src : m->dl_dst, e);
    case K_IP:
        return parse_ip_field(f, kv, m, e);
    default:
        return parse_int_field(f, kv, m, e);
    }
}

int ofp_parse_match_field(const struct ofp_kv *kv, struct of_match *m,
                          struct ofp_match_names *seen, struct ofp_perr *e)
{
    const struct ofp_proto_name *p = ofp_proto_by_name(kv->key.s, kv->key.n);
    const struct field *f = NULL;
    int err;

    if (p) {
        if (kv->delim)
            return ofp_perr(e, "%s takes no value", p->name);
        m->wildcards &= ~(uint32_t)OFPFW_DL_TYPE;
        m->dl_type = p->dl_type;
        if (p->has_nw_proto) {
            m->wildcards &= ~(uint32_t)OFPFW_NW_PROTO;
            m->nw_proto = p->nw_proto;
            seen->name[5] = "nw_proto";
        }
        return 0;
    }
    for (size_t i = 0; i < N_FIELDS && !f; i++)
        if (ofp_str_eq(kv->key, fields[i].name))
            f = &fields[i];
    if (!f)
        return -ENOENT;
    if (!kv->val.n)
        return ofp_perr(e, "%s: missing value", f->name);
    err = parse_field(f, kv, m, e);
    if (err)
        return err;
    if (f->kind != K_IP)
        m->wildcards &= ~(1u << f->bit);
    seen->name[f->bit] = f->name;
    return 0;
}

static bool name_is(const struct ofp_match_names *seen, unsigned bit, const char *prefix)
{
    const char *n = seen->name[bit];
    return n && !strncmp(n, prefix, strlen(prefix));
}

/* Field names as the user wrote them, else the canonical one. */
static const char *name_of(const struct ofp_match_names *seen, unsigned bit, const char *dflt)
{
    return seen->name[bit] ? seen->name[bit] : dflt;
}

int ofp_check_match(const struct of_match *m, const struct ofp_match_names *seen,
                    struct ofp_perr *e)
{
    uint32_t w = m->wildcards, bad = ofp_match_unmet_prereqs(m);
    bool has_type = !(w & OFPFW_DL_TYPE);
    bool icmp = has_type && m->dl_type == OFP_ETH_TYPE_IP && !(w & OFPFW_NW_PROTO)
                && m->nw_proto == OFP_IPPROTO_ICMP;
    bool arp = has_type && (m->dl_type == OFP_ETH_TYPE_ARP || m->dl_type == OFP_ETH_TYPE_RARP);
    static const uint8_t l3_bits[] = { 8, 14, 5 }, l4_bits[] = { 6, 7 };

    for (unsigned i = 0; i < 2; i++)
        if (name_is(seen, l4_bits[i], "icmp_") && !icmp && !(w & (1u << l4_bits[i])))
            return ofp_perr(e, "%s requires icmp (dl_type=0x0800 and nw_proto=1)",
                            seen->name[l4_bits[i]]);
    for (unsigned i = 0; i < 3; i++)
        if (name_is(seen, l3_bits[i], "arp_") && !arp && seen->name[l3_bits[i]])
            return ofp_perr(e, "%s requires arp or rarp (dl_type=0x0806 or 0x8035)",
                            seen->name[l3_bits[i]]);
    if (bad & OFPFW_NW_SRC_MASK)
        return ofp_perr(e, "%s requires ip, arp or rarp (dl_type=0x0800, 0x0806 or 0x8035)",
                        name_of(seen, 8, "nw_src"));
    if (bad & OFPFW_NW_DST_MASK)
        return ofp_perr(e, "%s requires ip, arp or rarp (dl_type=0x0800, 0x0806 or 0x8035)",
                        name_of(seen, 14, "nw_dst"));
    if (bad & OFPFW_NW_PROTO)
        return ofp_perr(e, "%s requires ip, arp or rarp (dl_type=0x0800, 0x0806 or 0x8035)",
                        name_of(seen, 5, "nw_proto"));
    if (bad & OFPFW_NW_TOS)
        return ofp_perr(e, "nw_tos requires ip (dl_type=0x0800)");
    for (unsigned i = 0; i < 2; i++)
        if (bad & (1u << l4_bits[i]))
            return ofp_perr(e, "%s requires tcp, udp, sctp or icmp (dl_type=0x0800 and "
                            "nw_proto=6, 17, 132 or 1)",
                            name_of(seen, l4_bits[i], i ? "tp_dst" : "tp_src"));
    if (bad & OFPFW_DL_VLAN_PCP)
        return ofp_perr(e, "dl_vlan_pcp cannot match untagged packets (dl_vlan=0xffff)");
    return 0;
}
