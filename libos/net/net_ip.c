/*
 * net_ip.c — IPv4 input and output, ICMP echo reply and UDP for the stack
 * (see net_priv.h).
 *
 * Input accepts a packet for our address, the limited broadcast or our
 * subnet's broadcast (and, before an address is set, UDP to the DHCP
 * client port), after checking version, header length, header checksum
 * and total length against the frame; Ethernet padding is trimmed.
 * Fragments and IP options are not processed: fragments are dropped and
 * counted (the stack sends with DF and never fragments), options are
 * skipped.  Output routes to the peer on the subnet or to the gateway.
 */
#include <errno.h>
#include <string.h>

#include "libos/net/net_priv.h"

#define NET_IP_TTL 64
#define HDRS (NET_ETH_HLEN + NET_IP_HLEN)

bool net_ip_on_link(const struct net_stack *st, uint32_t dst)
{
    return st->addr && (dst & st->mask) == (st->addr & st->mask);
}

struct pkt *net_ip_alloc(struct net_stack *st, uint32_t payload)
{
    struct pkt *p = pkt_alloc(st->pool);
    if (!p) {
        st->stats.nomem++;
        return NULL;
    }
    if (pkt_headroom(p) < HDRS || !pkt_put(p, payload)) {
        pkt_free(p);
        st->stats.nomem++;
        return NULL;
    }
    return p;
}

int net_ip_output(struct net_stack *st, struct pkt *p, uint32_t src, uint32_t dst,
                  uint8_t proto)
{
    uint32_t hop;
    if (dst == 0xffffffffu)
        hop = dst;
    else if (net_ip_on_link(st, dst))
        hop = (dst | st->mask) == 0xffffffffu ? 0xffffffffu : dst;
    else if (st->gw && st->addr)
        hop = st->gw;
    else {
        st->stats.ip_no_route++;
        pkt_free(p);
        return -ENETUNREACH;
    }
    struct net_ip_hdr *ip = (struct net_ip_hdr *)pkt_push(p, NET_IP_HLEN);
    if (!ip) {
        st->stats.nomem++;
        pkt_free(p);
        return -ENOMEM;
    }
    ip->ver_ihl = 0x45;
    ip->tos = 0;
    os_put_be16(&ip->tot_len, (uint16_t)p->len);
    os_put_be16(&ip->id, st->ip_id++);
    os_put_be16(&ip->frag, NET_IP_DF);
    ip->ttl = NET_IP_TTL;
    ip->proto = proto;
    ip->csum = 0;
    net_put_ip(ip->src, src ? src : st->addr);
    net_put_ip(ip->dst, dst);
    os_put_be16(&ip->csum, net_csum_fold(net_csum_add(0, ip, NET_IP_HLEN)));
    net_eth_output_ip(st, p, hop);
    return 0;
}

/* Answers an ICMP echo request in p (data at the ICMP header, len = ICMP
 * length) from src.  Takes p.  Returns nothing. */
static void icmp_input(struct net_stack *st, struct pkt *p, uint32_t src)
{
    struct net_cursor c = { p->data, p->data + p->len };
    const struct net_icmp_hdr *h = net_cursor_take(&c, sizeof *h);
    if (!h || net_csum_fold(net_csum_add(0, p->data, p->len)) != 0 ||
        h->type != NET_ICMP_ECHO_REQUEST || !st->addr) {
        st->stats.icmp_drop++;
        pkt_free(p);
        return;
    }
    struct pkt *r = net_ip_alloc(st, p->len);
    if (r) {
        memcpy(r->data, p->data, p->len);
        struct net_icmp_hdr *o = (struct net_icmp_hdr *)r->data;
        o->type = NET_ICMP_ECHO_REPLY;
        o->code = 0;
        o->csum = 0;
        os_put_be16(&o->csum, net_csum_fold(net_csum_add(0, r->data, r->len)));
        st->stats.icmp_echo_replies++;
        net_ip_output(st, r, 0, src, NET_IP_PROTO_ICMP);
    }
    pkt_free(p);
}

/* Delivers a UDP datagram in p (data at the UDP header).  Takes p.
 * Returns nothing. */
static void udp_input(struct net_stack *st, struct pkt *p, uint32_t src, uint32_t dst)
{
    struct net_cursor c = { p->data, p->data + p->len };
    const struct net_udp_hdr *u = net_cursor_take(&c, sizeof *u);
    st->stats.udp_rx++;
    uint16_t ulen = u ? os_get_be16(&u->len) : 0;
    if (!u || ulen < sizeof *u || ulen > p->len ||
        (u->csum && net_csum_fold(net_csum_add(net_csum_pseudo(src, dst, NET_IP_PROTO_UDP, ulen),
                                               p->data, ulen)) != 0)) {
        st->stats.udp_bad++;
        pkt_free(p);
        return;
    }
    uint16_t dport = os_get_be16(&u->dport);
    for (unsigned i = 0; i < NET_UDP_BINDINGS; i++) {
        if (st->udp[i].port && st->udp[i].port == dport) {
            st->udp[i].cb(st, src, os_get_be16(&u->sport), dst, p->data + sizeof *u,
                          ulen - sizeof *u, st->udp[i].arg);
            pkt_free(p);
            return;
        }
    }
    st->stats.udp_no_port++;
    pkt_free(p);
}

/* Returns true when dst is an address this host accepts packets for. */
static bool ip_for_us(const struct net_stack *st, uint32_t dst, uint8_t proto)
{
    if (dst == 0xffffffffu)
        return true;
    if (!st->addr)
        return proto == NET_IP_PROTO_UDP; /* DHCP offers may be unicast to yiaddr */
    return dst == st->addr || (st->plen < 31 && dst == (st->addr | ~st->mask));
}

void net_ip_input(struct net_stack *st, struct pkt *p)
{
    struct net_cursor c = { p->data, p->data + p->len };
    const struct net_ip_hdr *ip = net_cursor_take(&c, sizeof *ip);
    st->stats.ip_rx++;
    unsigned ihl = ip ? (ip->ver_ihl & 0x0f) * 4u : 0;
    uint16_t tot = ip ? os_get_be16(&ip->tot_len) : 0;
    if (!ip || (ip->ver_ihl >> 4) != 4 || ihl < NET_IP_HLEN || tot < ihl || tot > p->len ||
        net_csum_fold(net_csum_add(0, p->data, ihl)) != 0) {
        st->stats.ip_bad++;
        pkt_free(p);
        return;
    }
    uint32_t src = net_get_ip(ip->src), dst = net_get_ip(ip->dst);
    uint8_t proto = ip->proto;
    if (!ip_for_us(st, dst, proto) || (src >> 28) == 0xe || src == 0xffffffffu) {
        st->stats.ip_not_for_us++;
        pkt_free(p);
        return;
    }
    if (os_get_be16(&ip->frag) & (NET_IP_MF | NET_IP_OFFMASK)) {
        st->stats.ip_frag_drop++;
        pkt_free(p);
        return;
    }
    pkt_trim(p, tot);
    pkt_pull(p, ihl);
    switch (proto) {
    case NET_IP_PROTO_ICMP:
        icmp_input(st, p, src);
        break;
    case NET_IP_PROTO_UDP:
        udp_input(st, p, src, dst);
        break;
    case NET_IP_PROTO_TCP:
        if (dst != st->addr || !st->addr) { /* no TCP to broadcasts */
            st->stats.ip_not_for_us++;
            pkt_free(p);
        } else {
            net_tcp_input(st, src, dst, p);
        }
        break;
    default:
        st->stats.ip_proto_drop++;
        pkt_free(p);
    }
}

int net_udp_bind(struct net_stack *st, uint16_t port, net_udp_cb *cb, void *arg)
{
    struct net_udp_binding *free_slot = NULL;
    for (unsigned i = 0; i < NET_UDP_BINDINGS; i++) {
        if (st->udp[i].port == port)
            return -EADDRINUSE;
        if (!st->udp[i].port && !free_slot)
            free_slot = &st->udp[i];
    }
    if (!free_slot || !port)
        return -ENOBUFS;
    *free_slot = (struct net_udp_binding){ port, cb, arg };
    return 0;
}

int net_udp_send(struct net_stack *st, uint32_t src, uint16_t sport, uint32_t dst,
                 uint16_t dport, const void *data, size_t len)
{
    if (len > 1472)
        return -EMSGSIZE;
    struct pkt *p = net_ip_alloc(st, (uint32_t)(sizeof(struct net_udp_hdr) + len));
    if (!p)
        return -ENOMEM;
    struct net_udp_hdr *u = (struct net_udp_hdr *)p->data;
    uint16_t ulen = (uint16_t)(sizeof *u + len);
    os_put_be16(&u->sport, sport);
    os_put_be16(&u->dport, dport);
    os_put_be16(&u->len, ulen);
    u->csum = 0;
    memcpy(u + 1, data, len);
    uint32_t s = src ? src : st->addr;
    uint16_t cs = net_csum_fold(net_csum_add(net_csum_pseudo(s, dst, NET_IP_PROTO_UDP, ulen),
                                             p->data, ulen));
    os_put_be16(&u->csum, cs ? cs : 0xffff);
    return net_ip_output(st, p, s, dst, NET_IP_PROTO_UDP); /* s 0: DHCP's 0.0.0.0 */
}
