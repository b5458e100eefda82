/*
 * net_stack.c — the stack as a whole (net.h): create and destroy, the poll
 * turn, addresses, deadlines and the address parsers.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libos/net/net_priv.h"
#include "os/log.h"
#include "os/mem.h"
#include "os/rand.h"

#define POLL_BURSTS 4

/* Fills the defaults of every zero field.  Returns nothing. */
static void config_defaults(struct net_config *c)
{
    if (!c->max_conns)
        c->max_conns = 32;
    if (!c->snd_buf)
        c->snd_buf = 32 << 10;
    if (!c->rcv_buf)
        c->rcv_buf = 32 << 10;
    if (!c->syn_backlog)
        c->syn_backlog = 16;
    if (!c->accept_backlog)
        c->accept_backlog = 8;
    if (!c->time_wait_ns)
        c->time_wait_ns = 60 * NET_NS_S;
    if (!c->keepalive_idle_ns)
        c->keepalive_idle_ns = 60 * NET_NS_S;
    if (!c->keepalive_intvl_ns)
        c->keepalive_intvl_ns = 10 * NET_NS_S;
    if (!c->keepalive_probes)
        c->keepalive_probes = 6;
    if (!c->fin_wait2_ns)
        c->fin_wait2_ns = 60 * NET_NS_S;
}

int net_create(struct netdev *dev, struct pkt_pool *pool, const struct net_config *cfg,
               struct net_stack **out)
{
    *out = NULL;
    if (!dev || !pool)
        return -EINVAL;
    struct net_stack *st = os_calloc(1, sizeof *st);
    if (!st)
        return -ENOMEM;
    if (cfg)
        st->cfg = *cfg;
    config_defaults(&st->cfg);
    if (st->cfg.snd_buf < 1024 || st->cfg.rcv_buf < 1024 || st->cfg.rcv_buf > (1u << 30) ||
        st->cfg.snd_buf > (1u << 30)) {
        os_free(st);
        return -EINVAL;
    }
    st->tcbs = os_calloc(st->cfg.max_conns, sizeof *st->tcbs);
    if (!st->tcbs) {
        os_free(st);
        return -ENOMEM;
    }
    for (unsigned i = 0; i < st->cfg.max_conns; i++)
        st->tcbs[i].st = st;
    st->dev = dev;
    st->pool = pool;
    memcpy(st->mac, dev->mac, NET_ETH_ALEN);
    st->isn_counter = st->cfg.isn_seed ? st->cfg.isn_seed : os_rand_u32();
    st->next_port = (uint16_t)(st->cfg.isn_seed ? st->cfg.isn_seed : os_rand_u32());
    st->ip_id = (uint16_t)st->isn_counter;
    *out = st;
    return 0;
}

void net_destroy(struct net_stack *st)
{
    if (!st)
        return;
    for (unsigned i = 0; i < st->cfg.max_conns; i++) {
        struct net_tcb *t = &st->tcbs[i];
        if (t->in_use && t->state != NET_TCP_LISTEN)
            net_tcb_reset(t, -ECONNABORTED);
        net_tcb_free(t);
    }
    net_arp_flush(st);
    net_eth_flush(st);
    os_free(st->tcbs);
    os_free(st);
}

void net_set_addr(struct net_stack *st, uint32_t addr, uint8_t plen, uint32_t gw)
{
    bool changed = addr != st->addr;
    st->addr = addr;
    st->plen = plen;
    st->mask = plen ? 0xffffffffu << (32 - plen) : 0;
    st->gw = gw;
    if (changed)
        net_arp_flush(st);
    if (addr) {
        char a[16], g[16];
        OS_INFO("net", "%s: address %s/%u gateway %s", st->dev->name,
                net_ip_str(addr, a, sizeof a), plen, gw ? net_ip_str(gw, g, sizeof g) : "none");
        if (changed) {
            net_arp_announce(st);
            net_tcp_addr_ready(st);
        }
    } else {
        OS_WARN("net", "%s: address lost", st->dev->name);
    }
}

int net_set_static(struct net_stack *st, uint32_t addr, uint8_t plen, uint32_t gw,
                   uint64_t now_ns)
{
    if (plen > 32 || !addr || (addr >> 28) >= 0xe || addr == 0xffffffffu)
        return -EINVAL;
    st->now = now_ns;
    net_set_addr(st, addr, plen, gw);
    net_eth_flush(st);
    return 0;
}

bool net_get_addr(const struct net_stack *st, uint32_t *addr, uint8_t *plen)
{
    if (addr)
        *addr = st->addr;
    if (plen)
        *plen = st->plen;
    return st->addr != 0;
}

/* Runs every timer due at st->now.  Returns nothing. */
static void run_timers(struct net_stack *st)
{
    net_arp_timer(st);
    net_dhcp_timer(st);
    net_tcp_timers(st);
}

void net_input(struct net_stack *st, struct pkt **pkts, unsigned n, uint64_t now_ns)
{
    st->now = now_ns;
    for (unsigned i = 0; i < n; i++)
        net_eth_input(st, pkts[i]);
    net_tcp_flush_acks(st);
    net_eth_flush(st);
}

unsigned net_poll(struct net_stack *st, uint64_t now_ns)
{
    struct pkt *pkts[PKT_BURST];
    unsigned total = 0;
    st->now = now_ns;
    for (int b = 0; b < POLL_BURSTS; b++) {
        unsigned n = netdev_rx_burst(st->dev, pkts, PKT_BURST);
        if (n)
            net_input(st, pkts, n, now_ns);
        total += n;
        if (n < PKT_BURST)
            break;
    }
    if (now_ns >= net_next_deadline(st))
        run_timers(st);
    net_eth_flush(st);
    return total;
}

uint64_t net_next_deadline(const struct net_stack *st)
{
    uint64_t d = net_arp_deadline(st);
    uint64_t x = net_dhcp_deadline(st);
    if (x < d)
        d = x;
    x = net_tcp_deadline(st);
    return x < d ? x : d;
}

int net_arm_wakeup(struct net_stack *st)
{
    return netdev_arm_rx_wakeup(st->dev);
}

const struct net_stats *net_get_stats(const struct net_stack *st)
{
    return &st->stats;
}

struct netdev *net_netdev(const struct net_stack *st)
{
    return st->dev;
}

unsigned net_busy_conns(const struct net_stack *st)
{
    unsigned n = 0;
    for (unsigned i = 0; i < st->cfg.max_conns; i++) {
        const struct net_tcb *t = &st->tcbs[i];
        n += t->in_use && t->state != NET_TCP_LISTEN && t->state != NET_TCP_TIME_WAIT &&
             t->state != NET_TCP_CLOSED;
    }
    return n;
}

size_t net_mem_used(const struct net_stack *st)
{
    return sizeof *st + st->cfg.max_conns * sizeof *st->tcbs + st->buf_bytes;
}

int net_parse_ip(const char *s, uint32_t *addr)
{
    uint32_t a = 0;
    for (int part = 0; part < 4; part++) {
        unsigned v = 0, digits = 0;
        while (*s >= '0' && *s <= '9' && digits < 4) {
            v = v * 10 + (unsigned)(*s++ - '0');
            digits++;
        }
        if (!digits || v > 255 || (part < 3 && *s++ != '.'))
            return -EINVAL;
        a = a << 8 | v;
    }
    if (*s)
        return -EINVAL;
    *addr = a;
    return 0;
}

int net_parse_ipspec(const char *spec, uint32_t *addr, uint8_t *plen, uint32_t *gw)
{
    char buf[64];
    size_t n = strlen(spec);
    if (n >= sizeof buf)
        return -EINVAL;
    memcpy(buf, spec, n + 1);
    char *comma = strchr(buf, ',');
    char *slash = strchr(buf, '/');
    *gw = 0;
    if (comma) {
        *comma = '\0';
        if (net_parse_ip(comma + 1, gw) < 0)
            return -EINVAL;
    }
    if (!slash || (comma && slash > comma))
        return -EINVAL;
    *slash = '\0';
    const char *l = slash + 1;
    unsigned v = 0, digits = 0;
    while (*l >= '0' && *l <= '9' && digits < 3) {
        v = v * 10 + (unsigned)(*l++ - '0');
        digits++;
    }
    if (!digits || *l || v > 32 || net_parse_ip(buf, addr) < 0 || !*addr)
        return -EINVAL;
    *plen = (uint8_t)v;
    return 0;
}

char *net_ip_str(uint32_t a, char *buf, size_t len)
{
    snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
    return buf;
}
