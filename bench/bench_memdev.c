/*
 * bench_memdev.c — the in-memory netdev (see bench_memdev.h).
 */
#include "bench/bench_memdev.h"

#include <stdlib.h>
#include <string.h>

#include "os/byteorder.h"

#define MEMDEV_COPY_MAX 128

struct memdev {
    struct netdev dev;
    bool has_rx;
    uint8_t tmpl[MEMDEV_COPY_MAX];
    struct bench_memdev_cfg cfg;
    uint64_t budget;
    uint64_t rng;
};

static struct memdev *memdev_of(struct netdev *dev)
{
    return dev->priv;
}

/* Returns the next value of the xorshift64 generator. */
static inline uint64_t memdev_rand(struct memdev *m)
{
    uint64_t x = m->rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    m->rng = x;
    return x;
}

static unsigned memdev_rx(struct netdev *dev, struct pkt **pkts, unsigned n)
{
    struct memdev *m = memdev_of(dev);
    if (!m->has_rx || !m->budget)
        return 0;
    if (n > m->budget)
        n = (unsigned)m->budget;
    n = pkt_alloc_burst(dev->pool, pkts, n);
    const struct bench_memdev_cfg *c = &m->cfg;
    for (unsigned i = 0; i < n; i++) {
        struct pkt *p = pkts[i];
        memcpy(p->data, m->tmpl, c->copy_len);
        p->len = c->frame_len;
        if (c->n_flows > 1) {
            uint32_t idx = (uint32_t)(((memdev_rand(m) >> 32) * c->n_flows) >> 32);
            os_put_be32(p->data + c->var_ofs, c->base + idx);
        }
    }
    m->budget -= n;
    dev->stats.rx_packets += n;
    return n;
}

static unsigned memdev_tx(struct netdev *dev, struct pkt **pkts, unsigned n)
{
    uint64_t bytes = 0;
    for (unsigned i = 0; i < n; i++)
        bytes += pkts[i]->len;
    dev->stats.tx_packets += n;
    dev->stats.tx_bytes += bytes;
    pkt_free_burst(pkts, n);
    return n;
}

static void memdev_close(struct netdev *dev)
{
    free(memdev_of(dev));
}

static const struct netdev_class memdev_class = {
    .type = "mem",
    .rx_burst = memdev_rx,
    .tx_burst = memdev_tx,
    .close = memdev_close,
};

struct netdev *bench_memdev_create(const char *name, struct pkt_pool *pool,
                                   const struct bench_memdev_cfg *cfg)
{
    if (cfg && (cfg->copy_len > MEMDEV_COPY_MAX || cfg->frame_len < cfg->copy_len ||
                (cfg->n_flows > 1 && cfg->var_ofs + 4 > cfg->copy_len)))
        return NULL;
    struct memdev *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->dev.cls = &memdev_class;
    strncpy(m->dev.name, name, NETDEV_NAME_MAX - 1);
    m->dev.mac[0] = 0x02;
    m->dev.mac[5] = (uint8_t)(uintptr_t)m;
    m->dev.mtu = 1500;
    m->dev.link_up = true;
    m->dev.wait_fd = -1;
    m->dev.pool = pool;
    m->dev.priv = m;
    m->rng = 0x9e3779b97f4a7c15ull;
    if (cfg) {
        m->has_rx = true;
        m->cfg = *cfg;
        memcpy(m->tmpl, cfg->tmpl, cfg->copy_len);
        m->cfg.tmpl = m->tmpl;
    }
    return &m->dev;
}

void bench_memdev_set_budget(struct netdev *dev, uint64_t n)
{
    memdev_of(dev)->budget = n;
}

uint64_t bench_memdev_budget(const struct netdev *dev)
{
    return ((const struct memdev *)dev->priv)->budget;
}
