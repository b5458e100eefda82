/*
 * dp_execute.c — applies action lists to packets.
 *
 * One small function per rewrite.  Each first checks that the frame has
 * the header it rewrites (from the layout), then makes the buffer writable,
 * then rewrites and patches checksums incrementally.
 */
#include "datapath/dp_execute.h"

#include <string.h>

#include "datapath/dp_csum.h"
#include "os/byteorder.h"

#define ETH_ADDRS 12 /* dst + src */
#define ETH_HLEN 14
#define VLAN_HLEN 4
#define ETH_TYPE_VLAN 0x8100
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define TCP_CSUM_OFS 16
#define UDP_CSUM_OFS 6
#define IP_CSUM_OFS 10

/* Makes *pp writable.  Returns its data, or NULL when a copy was needed and
 * the pool is empty (then *pp is still owned by the caller). */
static uint8_t *writable(struct dp_exec *ex, struct pkt **pp)
{
    if (pkt_is_shared(*pp)) {
        if (pkt_make_writable(pp) != 0)
            return NULL;
        ex->stats.copies++;
    }
    return (*pp)->data;
}

/* Inserts a tag with `tci` behind the MAC addresses.  Returns 0 or
 * -ENOMEM (no room for 4 more bytes: packet untouched). */
static int vlan_push(struct pkt *p, uint16_t tci)
{
    uint8_t *d;
    if (pkt_headroom(p) >= VLAN_HLEN) {
        d = pkt_push(p, VLAN_HLEN);
        memmove(d, d + VLAN_HLEN, ETH_ADDRS);
    } else if (pkt_tailroom(p) >= VLAN_HLEN) {
        uint32_t old = p->len;
        pkt_put(p, VLAN_HLEN);
        d = p->data;
        memmove(d + ETH_ADDRS + VLAN_HLEN, d + ETH_ADDRS, old - ETH_ADDRS);
    } else {
        return -1;
    }
    os_put_be16(d + ETH_ADDRS, ETH_TYPE_VLAN);
    os_put_be16(d + ETH_ADDRS + 2, tci);
    return 0;
}

/* Moves every layout offset by `delta` bytes (tag pushed or popped). */
static void layout_shift(struct dp_layout *lay, int delta)
{
    if (lay->l3_ofs)
        lay->l3_ofs = (uint16_t)(lay->l3_ofs + delta);
    if (lay->l4_ofs)
        lay->l4_ofs = (uint16_t)(lay->l4_ofs + delta);
}

/* SET_VLAN_VID / SET_VLAN_PCP: rewrites the outer TCI under `mask`, or
 * pushes a new tag holding `bits` when the frame is untagged.  Returns 0,
 * or -1 when the packet had to be dropped (*pp freed). */
static int set_vlan(struct dp_exec *ex, struct pkt **pp, struct dp_layout *lay, uint16_t bits,
                    uint16_t mask)
{
    if ((*pp)->len < ETH_ADDRS)
        return 0;
    uint8_t *d = writable(ex, pp);
    if (!d)
        goto nomem;
    if (lay->flags & DP_LF_VLAN) {
        uint16_t tci = os_get_be16(d + ETH_HLEN);
        os_put_be16(d + ETH_HLEN, (uint16_t)((tci & ~mask) | bits));
        return 0;
    }
    if (vlan_push(*pp, bits) != 0) {
        ex->stats.vlan_push_fail++;
        pkt_free(*pp);
        return -1;
    }
    lay->flags |= DP_LF_VLAN;
    layout_shift(lay, VLAN_HLEN);
    return 0;
nomem:
    ex->stats.nomem_drops++;
    pkt_free(*pp);
    return -1;
}

/* STRIP_VLAN.  Returns 0 or -1 (packet dropped). */
static int strip_vlan(struct dp_exec *ex, struct pkt **pp, struct dp_layout *lay)
{
    if (!(lay->flags & DP_LF_VLAN))
        return 0;
    uint8_t *d = writable(ex, pp);
    if (!d) {
        ex->stats.nomem_drops++;
        pkt_free(*pp);
        return -1;
    }
    memmove(d + VLAN_HLEN, d, ETH_ADDRS);
    pkt_pull(*pp, VLAN_HLEN);
    layout_shift(lay, -VLAN_HLEN);
    /* A double-tagged frame keeps its inner tag: it is now the outer one
     * (SET_VLAN_* rewrite it, as Open vSwitch does after a pop). */
    const uint8_t *n = (*pp)->data;
    if ((*pp)->len < ETH_HLEN + VLAN_HLEN || os_get_be16(n + ETH_ADDRS) != ETH_TYPE_VLAN)
        lay->flags &= (uint8_t)~DP_LF_VLAN;
    return 0;
}

/* Returns the offset of the transport checksum to patch when an IPv4
 * address or a port changes, or 0 when there is none to patch (no
 * transport header, not TCP/UDP, or a UDP checksum of 0). */
static uint32_t l4_csum_ofs(const uint8_t *d, const struct dp_layout *lay)
{
    if (!lay->l4_ofs)
        return 0;
    uint8_t proto = d[lay->l3_ofs + 9];
    if (proto == IPPROTO_TCP)
        return lay->l4_ofs + TCP_CSUM_OFS;
    if (proto == IPPROTO_UDP && os_get_be16(d + lay->l4_ofs + UDP_CSUM_OFS) != 0)
        return lay->l4_ofs + UDP_CSUM_OFS;
    return 0;
}

/* Stores an updated transport checksum, keeping UDP's "0 = none" rule. */
static void put_l4_csum(uint8_t *d, uint32_t ofs, const struct dp_layout *lay, uint16_t csum)
{
    if (d[lay->l3_ofs + 9] == IPPROTO_UDP)
        csum = dp_csum_udp_fix(csum);
    os_put_be16(d + ofs, csum);
}

/* SET_NW_SRC/DST: `field` is 12 or 16 (offset in the IPv4 header). */
static uint8_t *set_nw_addr(struct dp_exec *ex, struct pkt **pp, const struct dp_layout *lay,
                            unsigned field, uint32_t addr)
{
    if (!(lay->flags & DP_LF_IPV4))
        return (*pp)->data;
    uint8_t *d = writable(ex, pp);
    if (!d)
        return NULL;
    uint8_t *ip = d + lay->l3_ofs;
    uint32_t old = os_get_be32(ip + field);
    os_put_be32(ip + field, addr);
    os_put_be16(ip + IP_CSUM_OFS, dp_csum_update32(os_get_be16(ip + IP_CSUM_OFS), old, addr));
    uint32_t c = l4_csum_ofs(d, lay);
    if (c)
        put_l4_csum(d, c, lay, dp_csum_update32(os_get_be16(d + c), old, addr));
    return d;
}

/* SET_NW_TOS: DSCP bits replaced, ECN bits kept. */
static uint8_t *set_nw_tos(struct dp_exec *ex, struct pkt **pp, const struct dp_layout *lay,
                           uint8_t tos)
{
    if (!(lay->flags & DP_LF_IPV4))
        return (*pp)->data;
    uint8_t *d = writable(ex, pp);
    if (!d)
        return NULL;
    uint8_t *ip = d + lay->l3_ofs;
    uint16_t old = os_get_be16(ip);
    ip[1] = (uint8_t)((ip[1] & 0x03) | (tos & 0xfc));
    os_put_be16(ip + IP_CSUM_OFS,
                dp_csum_update16(os_get_be16(ip + IP_CSUM_OFS), old, os_get_be16(ip)));
    return d;
}

/* SET_TP_SRC/DST on TCP or UDP: `field` is 0 or 2. */
static uint8_t *set_tp(struct dp_exec *ex, struct pkt **pp, const struct dp_layout *lay,
                       unsigned field, uint16_t port)
{
    if (!lay->l4_ofs)
        return (*pp)->data;
    uint8_t proto = (*pp)->data[lay->l3_ofs + 9];
    if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
        return (*pp)->data;
    uint8_t *d = writable(ex, pp);
    if (!d)
        return NULL;
    uint8_t *tp = d + lay->l4_ofs + field;
    uint16_t old = os_get_be16(tp);
    os_put_be16(tp, port);
    uint32_t c = l4_csum_ofs(d, lay);
    if (c)
        put_l4_csum(d, c, lay, dp_csum_update16(os_get_be16(d + c), old, port));
    return d;
}

/* SET_DL_SRC/DST: `ofs` is 6 or 0. */
static uint8_t *set_dl(struct dp_exec *ex, struct pkt **pp, unsigned ofs, const uint8_t *mac)
{
    if ((*pp)->len < ofs + 6)
        return (*pp)->data;
    uint8_t *d = writable(ex, pp);
    if (d)
        memcpy(d + ofs, mac, 6);
    return d;
}

/* Applies one rewrite.  Returns 0, or -1 when the packet was dropped. */
static int apply(struct dp_exec *ex, struct pkt **pp, struct dp_layout *lay,
                 const struct dp_action *a)
{
    uint8_t *d;
    switch (a->type) {
    case DP_ACT_SET_VLAN_VID:
        return set_vlan(ex, pp, lay, a->u.vid & 0x0fff, 0x0fff);
    case DP_ACT_SET_VLAN_PCP:
        return set_vlan(ex, pp, lay, (uint16_t)((a->u.pcp & 7) << 13), 0xe000);
    case DP_ACT_STRIP_VLAN:
        return strip_vlan(ex, pp, lay);
    case DP_ACT_SET_DL_SRC:
        d = set_dl(ex, pp, 6, a->u.mac);
        break;
    case DP_ACT_SET_DL_DST:
        d = set_dl(ex, pp, 0, a->u.mac);
        break;
    case DP_ACT_SET_NW_SRC:
        d = set_nw_addr(ex, pp, lay, 12, a->u.ipv4);
        break;
    case DP_ACT_SET_NW_DST:
        d = set_nw_addr(ex, pp, lay, 16, a->u.ipv4);
        break;
    case DP_ACT_SET_NW_TOS:
        d = set_nw_tos(ex, pp, lay, a->u.tos);
        break;
    case DP_ACT_SET_TP_SRC:
        d = set_tp(ex, pp, lay, 0, a->u.tp);
        break;
    case DP_ACT_SET_TP_DST:
        d = set_tp(ex, pp, lay, 2, a->u.tp);
        break;
    default:
        return 0; /* validated upstream; unknown types are ignored */
    }
    if (d)
        return 0;
    ex->stats.nomem_drops++;
    pkt_free(*pp);
    return -1;
}

void dp_execute(struct dp_exec *ex, struct pkt *pkt, const struct dp_layout *layout,
                const struct dp_action *acts, unsigned n)
{
    struct dp_layout lay = *layout;
    for (unsigned i = 0; i < n; i++) {
        const struct dp_action *a = &acts[i];
        if (a->type == DP_ACT_OUTPUT || a->type == DP_ACT_ENQUEUE) {
            if (i == n - 1) {
                ex->output(ex->arg, pkt, &lay, a);
                return;
            }
            ex->output(ex->arg, pkt_ref(pkt), &lay, a);
        } else if (apply(ex, &pkt, &lay, a) != 0) {
            return;
        }
    }
    pkt_free(pkt);
}
