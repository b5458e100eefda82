/*
 * net_eth.c — Ethernet framing, the TX batch and ARP (RFC 826) for the
 * stack (see net_priv.h).
 *
 * ARP cache: NET_ARP_ENTRIES entries, REACHABLE for 60 s after the last
 * reply (then resolved again on the next use), INCOMPLETE while requests
 * are retried (NET_ARP_TRIES, one a second).  While an entry is
 * INCOMPLETE up to NET_ARP_PENDING packets wait on it; more, or a failed
 * resolution, drop and count.  The least recently used entry is replaced
 * when the cache is full.  Requests for our address are answered and
 * their sender learned (RFC 826's merge); unsolicited replies only refresh
 * entries we already have.
 */
#include <errno.h>
#include <string.h>

#include "libos/net/net_priv.h"
#include "os/log.h"

static const uint8_t bcast_mac[NET_ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

void net_eth_flush(struct net_stack *st)
{
    if (!st->n_txq)
        return;
    unsigned n = st->n_txq;
    st->n_txq = 0;
    st->stats.tx_frames += n;
    netdev_tx_burst(st->dev, st->txq, n);
    netdev_flush(st->dev);
}

void net_eth_xmit(struct net_stack *st, struct pkt *p)
{
    if (st->n_txq == NET_TXQ)
        net_eth_flush(st);
    st->txq[st->n_txq++] = p;
}

/* Prepends the Ethernet header and queues p.  Takes p.  Returns nothing. */
static void eth_send(struct net_stack *st, struct pkt *p, const uint8_t *dst, uint16_t type)
{
    struct net_eth_hdr *e = (struct net_eth_hdr *)pkt_push(p, NET_ETH_HLEN);
    if (!e) {
        st->stats.nomem++;
        pkt_free(p);
        return;
    }
    memcpy(e->dst, dst, NET_ETH_ALEN);
    memcpy(e->src, st->mac, NET_ETH_ALEN);
    os_put_be16(&e->type, type);
    /* pad to the 60-byte minimum (a netdev sends what it is given) */
    if (p->len < 60) {
        uint32_t pad = 60 - p->len;
        uint8_t *t = pkt_put(p, pad);
        if (t)
            memset(t, 0, pad);
    }
    net_eth_xmit(st, p);
}

/* Sends an ARP packet.  Returns nothing. */
static void arp_send(struct net_stack *st, uint16_t op, const uint8_t *eth_dst,
                     const uint8_t *tha, uint32_t tpa)
{
    struct pkt *p = pkt_alloc(st->pool);
    if (!p) {
        st->stats.nomem++;
        return;
    }
    struct net_arp_hdr *a = (struct net_arp_hdr *)pkt_put(p, sizeof *a);
    os_put_be16(&a->htype, 1);
    os_put_be16(&a->ptype, NET_ETHERTYPE_IPV4);
    a->hlen = NET_ETH_ALEN;
    a->plen = 4;
    os_put_be16(&a->op, op);
    memcpy(a->sha, st->mac, NET_ETH_ALEN);
    net_put_ip(a->spa, st->addr);
    memcpy(a->tha, tha, NET_ETH_ALEN);
    net_put_ip(a->tpa, tpa);
    if (op == NET_ARP_REQUEST)
        st->stats.arp_requests_sent++;
    else
        st->stats.arp_replies_sent++;
    eth_send(st, p, eth_dst, NET_ETHERTYPE_ARP);
}

void net_arp_announce(struct net_stack *st)
{
    static const uint8_t zero[NET_ETH_ALEN];
    if (st->addr)
        arp_send(st, NET_ARP_REQUEST, bcast_mac, zero, st->addr);
}

/* Returns the entry for ip, or NULL. */
static struct net_arp_entry *arp_find(struct net_stack *st, uint32_t ip)
{
    for (unsigned i = 0; i < NET_ARP_ENTRIES; i++)
        if (st->arp[i].state != NET_ARP_FREE && st->arp[i].ip == ip)
            return &st->arp[i];
    return NULL;
}

/* Frees an entry's pending packets (counted as dropped).  Returns nothing. */
static void arp_drop_pending(struct net_stack *st, struct net_arp_entry *e)
{
    for (unsigned i = 0; i < e->n_pending; i++)
        pkt_free(e->pending[i]);
    st->stats.arp_pending_drop += e->n_pending;
    e->n_pending = 0;
}

/* Returns a free entry, or the least recently used one emptied. */
static struct net_arp_entry *arp_new(struct net_stack *st, uint32_t ip)
{
    struct net_arp_entry *victim = &st->arp[0];
    for (unsigned i = 0; i < NET_ARP_ENTRIES; i++) {
        struct net_arp_entry *e = &st->arp[i];
        if (e->state == NET_ARP_FREE) {
            victim = e;
            break;
        }
        if (e->used < victim->used)
            victim = e;
    }
    arp_drop_pending(st, victim);
    memset(victim, 0, sizeof *victim);
    victim->ip = ip;
    victim->used = st->now;
    return victim;
}

/* Records ip -> mac and sends what waited for it.  Returns nothing. */
static void arp_resolved(struct net_stack *st, struct net_arp_entry *e, const uint8_t *mac)
{
    memcpy(e->mac, mac, NET_ETH_ALEN);
    e->state = NET_ARP_REACHABLE;
    e->expires = st->now + NET_ARP_REACHABLE_NS;
    e->tries = 0;
    for (unsigned i = 0; i < e->n_pending; i++)
        eth_send(st, e->pending[i], e->mac, NET_ETHERTYPE_IPV4);
    e->n_pending = 0;
}

/* Handles one ARP packet at c.  Returns nothing. */
static void arp_input(struct net_stack *st, struct net_cursor *c)
{
    const struct net_arp_hdr *a = net_cursor_take(c, sizeof *a);
    st->stats.arp_rx++;
    if (!a || os_get_be16(&a->htype) != 1 || os_get_be16(&a->ptype) != NET_ETHERTYPE_IPV4 ||
        a->hlen != NET_ETH_ALEN || a->plen != 4 || (a->sha[0] & 1)) {
        st->stats.arp_bad++;
        return;
    }
    uint16_t op = os_get_be16(&a->op);
    uint32_t spa = net_get_ip(a->spa), tpa = net_get_ip(a->tpa);
    if (!st->addr || spa == 0)
        return; /* nothing to answer for yet; probes are not learned */
    struct net_arp_entry *e = arp_find(st, spa);
    if (e)
        arp_resolved(st, e, a->sha);
    if (tpa != st->addr)
        return;
    if (!e && (op == NET_ARP_REQUEST || op == NET_ARP_REPLY))
        arp_resolved(st, arp_new(st, spa), a->sha);
    if (op == NET_ARP_REQUEST)
        arp_send(st, NET_ARP_REPLY, a->sha, a->sha, spa);
}

void net_eth_input(struct net_stack *st, struct pkt *p)
{
    struct net_cursor c = { p->data, p->data + p->len };
    const struct net_eth_hdr *e = net_cursor_take(&c, sizeof *e);
    st->stats.rx_frames++;
    if (!e || (memcmp(e->dst, st->mac, NET_ETH_ALEN) && memcmp(e->dst, bcast_mac, NET_ETH_ALEN))) {
        st->stats.rx_bad_eth++;
        pkt_free(p);
        return;
    }
    uint16_t type = os_get_be16(&e->type);
    if (type == NET_ETHERTYPE_ARP) {
        arp_input(st, &c);
        pkt_free(p);
    } else if (type == NET_ETHERTYPE_IPV4) {
        pkt_pull(p, NET_ETH_HLEN);
        net_ip_input(st, p);
    } else {
        st->stats.rx_bad_eth++;
        pkt_free(p);
    }
}

void net_eth_output_ip(struct net_stack *st, struct pkt *p, uint32_t nexthop)
{
    if (nexthop == 0xffffffffu) {
        eth_send(st, p, bcast_mac, NET_ETHERTYPE_IPV4);
        return;
    }
    struct net_arp_entry *e = arp_find(st, nexthop);
    if (e && e->state == NET_ARP_REACHABLE) {
        e->used = st->now;
        if (st->now >= e->expires) { /* stale: use it, and ask again */
            e->expires = st->now + NET_ARP_RETRY_NS;
            arp_send(st, NET_ARP_REQUEST, e->mac, e->mac, nexthop);
        }
        eth_send(st, p, e->mac, NET_ETHERTYPE_IPV4);
        return;
    }
    if (!e) {
        e = arp_new(st, nexthop);
        e->state = NET_ARP_INCOMPLETE;
    }
    if (e->n_pending == NET_ARP_PENDING) {
        st->stats.arp_pending_drop++;
        pkt_free(p);
    } else {
        e->pending[e->n_pending++] = p;
    }
    if (e->tries == 0 || st->now >= e->expires) {
        static const uint8_t zero[NET_ETH_ALEN];
        e->tries = e->tries ? e->tries : 1;
        e->expires = st->now + NET_ARP_RETRY_NS;
        arp_send(st, NET_ARP_REQUEST, bcast_mac, zero, nexthop);
    }
}

void net_arp_timer(struct net_stack *st)
{
    static const uint8_t zero[NET_ETH_ALEN];
    for (unsigned i = 0; i < NET_ARP_ENTRIES; i++) {
        struct net_arp_entry *e = &st->arp[i];
        if (e->state != NET_ARP_INCOMPLETE || st->now < e->expires)
            continue;
        if (e->tries >= NET_ARP_TRIES) { /* give up: forget it and what waited */
            arp_drop_pending(st, e);
            e->state = NET_ARP_FREE;
            continue;
        }
        e->tries++;
        e->expires = st->now + NET_ARP_RETRY_NS;
        arp_send(st, NET_ARP_REQUEST, bcast_mac, zero, e->ip);
    }
}

uint64_t net_arp_deadline(const struct net_stack *st)
{
    uint64_t d = NET_NEVER;
    for (unsigned i = 0; i < NET_ARP_ENTRIES; i++)
        if (st->arp[i].state == NET_ARP_INCOMPLETE && st->arp[i].expires < d)
            d = st->arp[i].expires;
    return d;
}

void net_arp_flush(struct net_stack *st)
{
    for (unsigned i = 0; i < NET_ARP_ENTRIES; i++) {
        arp_drop_pending(st, &st->arp[i]);
        st->arp[i].state = NET_ARP_FREE;
    }
}
