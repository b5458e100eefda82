/*
 * net_pair.c — the internal Ethernet link of net_pair.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libos/net/net_pair.h"
#include "os/mem.h"

struct pair_queue {
    struct pkt *q[NET_PAIR_QUEUE];
    unsigned head, len;
};

struct pair_link {
    struct netdev side[2];
    struct pair_queue to[2];   /* to[i]: frames side i will receive */
    int open;                  /* sides not yet closed */
};

/* Returns the link of side dev and its index in *i. */
static struct pair_link *link_of(struct netdev *dev, unsigned *i)
{
    struct pair_link *l = dev->priv;
    *i = dev == &l->side[0] ? 0 : 1;
    return l;
}

/* The netdev_class operations (os/netdev.h); each returns what that
 * interface says. */

static unsigned pair_rx_burst(struct netdev *dev, struct pkt **pkts, unsigned n)
{
    unsigned i;
    struct pair_queue *q = &link_of(dev, &i)->to[i];
    unsigned got = 0;
    while (got < n && q->len) {
        struct pkt *p = q->q[q->head];
        q->head = (q->head + 1) % NET_PAIR_QUEUE;
        q->len--;
        dev->stats.rx_packets++;
        dev->stats.rx_bytes += p->len;
        pkts[got++] = p;
    }
    return got;
}

static unsigned pair_tx_burst(struct netdev *dev, struct pkt **pkts, unsigned n)
{
    unsigned i;
    struct pair_link *l = link_of(dev, &i);
    struct pair_queue *q = &l->to[1 - i];
    unsigned sent = 0;
    for (unsigned k = 0; k < n; k++) {
        struct pkt *p = pkts[k];
        if (pkt_is_shared(p)) {
            struct pkt *c = pkt_copy(p);
            pkt_free(p);
            p = c;
        }
        if (!p || q->len == NET_PAIR_QUEUE || l->open < 2) {
            dev->stats.tx_dropped++;
            pkt_free(p);
            continue;
        }
        p->in_port = 0;
        dev->stats.tx_packets++;
        dev->stats.tx_bytes += p->len;
        q->q[(q->head + q->len++) % NET_PAIR_QUEUE] = p;
        sent++;
    }
    return sent;
}

static int pair_arm_rx_wakeup(struct netdev *dev)
{
    unsigned i;
    return link_of(dev, &i)->to[i].len ? -EAGAIN : 0;
}

static void pair_close(struct netdev *dev)
{
    unsigned i;
    struct pair_link *l = link_of(dev, &i);
    struct pair_queue *q = &l->to[i];
    while (q->len) {
        pkt_free(q->q[q->head]);
        q->head = (q->head + 1) % NET_PAIR_QUEUE;
        q->len--;
    }
    if (--l->open == 0)
        os_free(l);
}

static int pair_open(const char *arg, struct pkt_pool *pool, struct netdev **out)
{
    return -EOPNOTSUPP; /* made by net_pair_create, never from a spec */
}

static const struct netdev_class pair_class = {
    .type = "internal",
    .open = pair_open,
    .rx_burst = pair_rx_burst,
    .tx_burst = pair_tx_burst,
    .arm_rx_wakeup = pair_arm_rx_wakeup,
    .close = pair_close,
};

int net_pair_create(const uint8_t mac[6], const char *name, struct netdev **dp_side,
                    struct netdev **stack_side)
{
    struct pair_link *l = os_calloc(1, sizeof *l);
    if (!l)
        return -ENOMEM;
    for (int i = 0; i < 2; i++) {
        struct netdev *d = &l->side[i];
        d->cls = &pair_class;
        snprintf(d->name, sizeof d->name, i == 0 ? "%s" : "%.9s-stack", name);
        memcpy(d->mac, mac, 6);
        d->mtu = 1500;
        d->link_up = true;
        d->wait_fd = -1;
        d->curr = d->advertised = d->supported = NETDEV_F_10GB_FD | NETDEV_F_COPPER;
        d->priv = l;
    }
    l->open = 2;
    *dp_side = &l->side[0];
    *stack_side = &l->side[1];
    return 0;
}
