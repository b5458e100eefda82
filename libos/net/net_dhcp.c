/*
 * net_dhcp.c — the stack's DHCP client (RFC 2131, options RFC 2132).
 *
 * SELECTING: DISCOVER, retransmitted after 1, 2, 4 ... up to 32 s; the
 * first OFFER wins.  REQUESTING: REQUEST for it (4 tries, then back to
 * SELECTING).  BOUND: the address is set (gratuitous ARP); at T1 (default
 * half the lease) RENEWING unicasts REQUEST to the server, at T2 (7/8)
 * REBINDING broadcasts it, at expiry the address is dropped and the
 * client starts over; a NAK starts over at once.
 *
 * Replies are checked before use: BOOTREPLY, our xid and hardware
 * address, the magic cookie, options that stay inside the datagram; a bad
 * one is counted (dhcp_bad) and ignored.
 */
#include <errno.h>
#include <string.h>

#include "libos/net/net_priv.h"
#include "os/log.h"
#include "os/rand.h"

#define FIRST_RETRY (1 * NET_NS_S)
#define MAX_RETRY (32 * NET_NS_S)
#define REQUEST_TRIES 4
#define RENEW_RETRY (10 * NET_NS_S)

enum { DHCPDISCOVER = 1, DHCPOFFER, DHCPREQUEST, DHCPDECLINE, DHCPACK, DHCPNAK };
enum {
    OPT_PAD = 0, OPT_MASK = 1, OPT_ROUTER = 3, OPT_REQ_IP = 50, OPT_LEASE = 51,
    OPT_MSG_TYPE = 53, OPT_SERVER = 54, OPT_PARAMS = 55, OPT_T1 = 58, OPT_T2 = 59,
    OPT_CLIENT_ID = 61, OPT_END = 255,
};

/* What a reply says. */
struct dhcp_reply {
    uint8_t type;
    uint32_t yiaddr, server, mask, router;
    uint32_t lease, t1, t2; /* seconds; 0 = absent */
};

/* Sends a DISCOVER or REQUEST of the current exchange.  Returns nothing. */
static void dhcp_send(struct net_stack *st, uint8_t type)
{
    struct net_dhcp *d = &st->dhcp;
    uint8_t msg[sizeof(struct net_dhcp_hdr) + 64];
    memset(msg, 0, sizeof msg);
    struct net_dhcp_hdr *h = (struct net_dhcp_hdr *)msg;
    h->op = 1;
    h->htype = 1;
    h->hlen = NET_ETH_ALEN;
    os_put_be32(&h->xid, d->xid);
    uint64_t secs = (st->now - d->started) / NET_NS_S;
    os_put_be16(&h->secs, (uint16_t)(secs > 65535 ? 65535 : secs));
    bool renewing = d->state == NET_DHCP_RENEWING || d->state == NET_DHCP_REBINDING;
    os_put_be16(&h->flags, renewing ? 0 : 0x8000); /* broadcast replies until bound */
    if (renewing)
        net_put_ip(h->ciaddr, st->addr);
    memcpy(h->chaddr, st->mac, NET_ETH_ALEN);
    os_put_be32(&h->magic, NET_DHCP_MAGIC);
    uint8_t *o = msg + sizeof *h;
    *o++ = OPT_MSG_TYPE, *o++ = 1, *o++ = type;
    *o++ = OPT_CLIENT_ID, *o++ = 7, *o++ = 1;
    memcpy(o, st->mac, NET_ETH_ALEN), o += NET_ETH_ALEN;
    if (type == DHCPREQUEST && d->state == NET_DHCP_REQUESTING) {
        *o++ = OPT_REQ_IP, *o++ = 4;
        net_put_ip(o, d->offered), o += 4;
        *o++ = OPT_SERVER, *o++ = 4;
        net_put_ip(o, d->server), o += 4;
    }
    *o++ = OPT_PARAMS, *o++ = 3, *o++ = OPT_MASK, *o++ = OPT_ROUTER, *o++ = OPT_LEASE;
    *o++ = OPT_END;
    uint32_t dst = d->state == NET_DHCP_RENEWING ? d->server : 0xffffffffu;
    net_udp_send(st, renewing ? st->addr : 0, NET_DHCP_CLIENT_PORT, dst, NET_DHCP_SERVER_PORT,
                 msg, (size_t)(o - msg));
}

/* Starts a new exchange in `state` and sends its first message.  Returns
 * nothing. */
static void dhcp_begin(struct net_stack *st, uint8_t state)
{
    struct net_dhcp *d = &st->dhcp;
    d->state = state;
    d->xid = os_rand_u32();
    d->started = st->now;
    d->retry_ns = FIRST_RETRY;
    d->next_tx = st->now; /* sent by the timer, now */
}

/* Parses the options of a reply.  Returns 0, or -EINVAL when one runs past
 * the end. */
static int parse_options(const uint8_t *o, const uint8_t *end, struct dhcp_reply *r)
{
    while (o < end) {
        uint8_t code = *o++;
        if (code == OPT_PAD)
            continue;
        if (code == OPT_END)
            return 0;
        if (o >= end || *o > end - o - 1)
            return -EINVAL;
        uint8_t len = *o++;
        const uint8_t *v = o;
        o += len;
        if (code == OPT_MSG_TYPE && len == 1)
            r->type = v[0];
        else if (len == 4 && code == OPT_SERVER)
            r->server = net_get_ip(v);
        else if (len == 4 && code == OPT_MASK)
            r->mask = net_get_ip(v);
        else if (len >= 4 && code == OPT_ROUTER)
            r->router = net_get_ip(v);
        else if (len == 4 && code == OPT_LEASE)
            r->lease = os_get_be32(v);
        else if (len == 4 && code == OPT_T1)
            r->t1 = os_get_be32(v);
        else if (len == 4 && code == OPT_T2)
            r->t2 = os_get_be32(v);
    }
    return 0;
}

/* Returns the prefix length of a contiguous netmask, or -1. */
static int mask_len(uint32_t mask)
{
    int n = 0;
    while (n < 32 && (mask & (0x80000000u >> n)))
        n++;
    return (n < 32 && (mask << n)) ? -1 : n;
}

/* An ACK: takes the lease.  Returns nothing. */
static void dhcp_bound(struct net_stack *st, const struct dhcp_reply *r)
{
    struct net_dhcp *d = &st->dhcp;
    int plen = r->mask ? mask_len(r->mask) : 24;
    if (plen < 0 || plen > 30 || !r->yiaddr) {
        st->stats.dhcp_bad++;
        return;
    }
    st->stats.dhcp_acks++;
    d->state = NET_DHCP_BOUND;
    if (r->server)
        d->server = r->server;
    if (r->lease == 0xffffffffu || !r->lease) {
        d->t1 = d->t2 = d->expiry = NET_NEVER;
    } else {
        uint64_t lease = (uint64_t)r->lease * NET_NS_S;
        uint64_t t1 = r->t1 ? (uint64_t)r->t1 * NET_NS_S : lease / 2;
        uint64_t t2 = r->t2 ? (uint64_t)r->t2 * NET_NS_S : lease / 8 * 7;
        d->t1 = st->now + (t1 < lease ? t1 : lease / 2);
        d->t2 = st->now + (t2 < lease && t2 > t1 ? t2 : lease / 8 * 7);
        d->expiry = st->now + lease;
    }
    if (st->addr != r->yiaddr || st->plen != plen || st->gw != r->router)
        net_set_addr(st, r->yiaddr, (uint8_t)plen, r->router);
}

/* UDP port 68: a reply from a server.  Returns nothing. */
static void dhcp_input(struct net_stack *st, uint32_t src, uint16_t sport, uint32_t dst,
                       const uint8_t *data, size_t len, void *arg)
{
    struct net_dhcp *d = &st->dhcp;
    const struct net_dhcp_hdr *h = (const struct net_dhcp_hdr *)data;
    struct dhcp_reply r = { 0 };
    if (len < sizeof *h || h->op != 2 || h->hlen != NET_ETH_ALEN ||
        os_get_be32(&h->magic) != NET_DHCP_MAGIC ||
        parse_options(data + sizeof *h, data + len, &r) < 0) {
        st->stats.dhcp_bad++;
        return;
    }
    if (os_get_be32(&h->xid) != d->xid || memcmp(h->chaddr, st->mac, NET_ETH_ALEN) ||
        d->state == NET_DHCP_OFF || d->state == NET_DHCP_BOUND)
        return; /* another client's, or nothing asked */
    r.yiaddr = net_get_ip(h->yiaddr);
    if (r.type == DHCPOFFER && d->state == NET_DHCP_SELECTING) {
        if (!r.yiaddr || !r.server || (r.yiaddr >> 28) >= 0xe) {
            st->stats.dhcp_bad++;
            return;
        }
        st->stats.dhcp_offers++;
        d->offered = r.yiaddr;
        d->server = r.server;
        d->state = NET_DHCP_REQUESTING;
        d->retry_ns = FIRST_RETRY;
        d->next_tx = st->now;
        d->plen = 0;
    } else if (r.type == DHCPACK && d->state != NET_DHCP_SELECTING) {
        dhcp_bound(st, &r);
    } else if (r.type == DHCPNAK && d->state != NET_DHCP_SELECTING) {
        st->stats.dhcp_naks++;
        OS_WARN("net", "DHCP: NAK from the server; starting over");
        if (st->addr)
            net_set_addr(st, 0, 0, 0);
        dhcp_begin(st, NET_DHCP_SELECTING);
    }
}

int net_start_dhcp(struct net_stack *st, uint64_t now_ns)
{
    st->now = now_ns;
    if (st->dhcp.state == NET_DHCP_OFF)
        net_udp_bind(st, NET_DHCP_CLIENT_PORT, dhcp_input, NULL);
    dhcp_begin(st, NET_DHCP_SELECTING);
    return 0;
}

void net_dhcp_timer(struct net_stack *st)
{
    struct net_dhcp *d = &st->dhcp;
    switch (d->state) {
    case NET_DHCP_OFF:
        return;
    case NET_DHCP_BOUND:
        if (st->now >= d->t1) {
            d->state = NET_DHCP_RENEWING;
            d->next_tx = st->now;
        }
        break;
    case NET_DHCP_RENEWING:
        if (st->now >= d->t2) {
            d->state = NET_DHCP_REBINDING;
            d->next_tx = st->now;
        }
        break;
    case NET_DHCP_REBINDING:
        if (st->now >= d->expiry) {
            st->stats.dhcp_leases_lost++;
            net_set_addr(st, 0, 0, 0);
            dhcp_begin(st, NET_DHCP_SELECTING);
        }
        break;
    default:
        break;
    }
    if (d->state == NET_DHCP_BOUND || st->now < d->next_tx)
        return;
    if (d->state == NET_DHCP_REQUESTING && d->retry_ns > (FIRST_RETRY << (REQUEST_TRIES - 1))) {
        dhcp_begin(st, NET_DHCP_SELECTING); /* no answer to our REQUEST */
        return;
    }
    if (d->state == NET_DHCP_SELECTING || d->state == NET_DHCP_REQUESTING) {
        dhcp_send(st, d->state == NET_DHCP_SELECTING ? DHCPDISCOVER : DHCPREQUEST);
        d->next_tx = st->now + d->retry_ns;
        d->retry_ns = d->retry_ns * 2 > MAX_RETRY ? MAX_RETRY : d->retry_ns * 2;
    } else { /* RENEWING, REBINDING */
        d->xid = os_rand_u32();
        dhcp_send(st, DHCPREQUEST);
        d->next_tx = st->now + RENEW_RETRY;
    }
}

uint64_t net_dhcp_deadline(const struct net_stack *st)
{
    const struct net_dhcp *d = &st->dhcp;
    switch (d->state) {
    case NET_DHCP_OFF:
        return NET_NEVER;
    case NET_DHCP_BOUND:
        return d->t1;
    case NET_DHCP_RENEWING:
        return d->next_tx < d->t2 ? d->next_tx : d->t2;
    case NET_DHCP_REBINDING:
        return d->next_tx < d->expiry ? d->next_tx : d->expiry;
    default:
        return d->next_tx;
    }
}
