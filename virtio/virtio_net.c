/*
 * virtio_net.c — the virtio-net netdev (see virtio_net.h).  One RX and one
 * TX queue per device (queues 0 and 1); no offloads are negotiated, so
 * every frame is a plain Ethernet frame behind a zero 12-byte
 * virtio_net_hdr (the VERSION_1 layout, num_buffers included).
 */
#include "virtio/virtio_net.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libos/kvm/kvm.h"
#include "os/clock.h"
#include "os/log.h"
#include "os/mem.h"
#include "os/rand.h"
#include "virtio/virtio_dev.h"

#define VNET_MAX 16
#define VNET_HDR 12
#define VNET_QSIZE 256
#define VNET_F_MAC (1ull << 5)
#define VNET_F_STATUS (1ull << 16)
#define VNET_S_LINK_UP 1
#define MICROVM_MMIO_BASE 0xfeb00000ull
#define MICROVM_MMIO_SLOTS 24
#define MICROVM_MMIO_SIZE 0x200

struct vnet {
    struct netdev nd;
    struct virtio_dev *vd;
    struct virtqueue rx, tx;
    void *rx_mem, *tx_mem;
    void **rx_cookies, **tx_cookies;
};

static struct virtio_dev devs[VNET_MAX];
static bool dev_open[VNET_MAX];
static unsigned n_devs;
static bool discovered;

unsigned virtio_net_discover(void)
{
    if (discovered)
        return n_devs;
    discovered = true;
    if (kvm_has_pci())
        n_devs = virtio_pci_find(1, devs, VNET_MAX);
    const struct kvm_mmio_hint *h;
    unsigned nh = kvm_mmio_hints(&h);
    for (unsigned i = 0; i < nh && n_devs < VNET_MAX; i++)
        if (virtio_mmio_probe((uintptr_t)h[i].base, 1, &devs[n_devs]) == 0)
            n_devs++;
    /* QEMU's microvm fills its slots from the top: probing downwards makes
     * the first -device virtio:0. */
    for (unsigned i = MICROVM_MMIO_SLOTS; !kvm_has_pci() && nh == 0 && i-- > 0;)
        if (n_devs < VNET_MAX &&
            virtio_mmio_probe(MICROVM_MMIO_BASE + i * MICROVM_MMIO_SIZE, 1, &devs[n_devs]) == 0)
            n_devs++;
    return n_devs;
}

const char *virtio_net_describe(unsigned i, char *buf, unsigned len)
{
    if (i >= n_devs)
        return NULL;
    snprintf(buf, len, "virtio-net %s", devs[i].where);
    return buf;
}

/* Posts up to the free RX descriptors with fresh pool buffers, kicking
 * the device when it asks.  Returns nothing. */
static void vnet_refill(struct vnet *v)
{
    struct pkt *p[PKT_BURST];
    while (vq_num_free(&v->rx) > 0) {
        unsigned want = vq_num_free(&v->rx) < PKT_BURST ? vq_num_free(&v->rx) : PKT_BURST;
        unsigned got = pkt_alloc_burst(v->nd.pool, p, want);
        for (unsigned i = 0; i < got; i++) {
            uint8_t *start = p[i]->data - VNET_HDR;
            uint32_t room = p[i]->buf_size - pkt_headroom(p[i]) + VNET_HDR;
            vq_add(&v->rx, (uintptr_t)start, room, true, p[i]);
        }
        if (got < want)
            break;
    }
    if (vq_kick_prepare(&v->rx))
        v->vd->t->notify(v->vd, 0);
}

static unsigned vnet_rx_burst(struct netdev *nd, struct pkt **pkts, unsigned n)
{
    struct vnet *v = nd->priv;
    unsigned got = 0;
    uint64_t now = 0;
    while (got < n) {
        uint32_t len;
        struct pkt *p = vq_get_used(&v->rx, &len);
        if (!p)
            break;
        if (len <= VNET_HDR || len - VNET_HDR > p->buf_size - pkt_headroom(p)) {
            nd->stats.rx_errors++;
            pkt_free(p);
            continue;
        }
        if (!now)
            now = os_clock_ns();
        p->len = len - VNET_HDR;
        p->ts_ns = now;
        p->in_port = 0;
        nd->stats.rx_packets++;
        nd->stats.rx_bytes += p->len;
        pkts[got++] = p;
    }
    if (got || vq_num_free(&v->rx) >= v->rx.size / 2)
        vnet_refill(v);
    return got;
}

/* Frees the TX buffers the device is done with.  Returns nothing. */
static void vnet_reclaim_tx(struct vnet *v)
{
    struct pkt *p;
    while ((p = vq_get_used(&v->tx, NULL)))
        pkt_free(p);
}

static unsigned vnet_tx_burst(struct netdev *nd, struct pkt **pkts, unsigned n)
{
    struct vnet *v = nd->priv;
    unsigned sent = 0;
    vnet_reclaim_tx(v);
    for (unsigned i = 0; i < n; i++) {
        struct pkt *p = pkts[i];
        if (pkt_headroom(p) < VNET_HDR || p->len == 0 ||
            vq_add(&v->tx, (uintptr_t)(p->data - VNET_HDR), p->len + VNET_HDR, false, p)) {
            nd->stats.tx_dropped++;
            pkt_free(p);
            continue;
        }
        memset(p->data - VNET_HDR, 0, VNET_HDR);
        nd->stats.tx_packets++;
        nd->stats.tx_bytes += p->len;
        sent++;
    }
    if (vq_kick_prepare(&v->tx))
        v->vd->t->notify(v->vd, 1);
    return sent;
}

/* Returns true when the device reports its link up (or cannot tell). */
static bool vnet_link(struct vnet *v)
{
    if (!(v->vd->features & VNET_F_STATUS))
        return true;
    return v->vd->t->cfg_read8(v->vd, 6) & VNET_S_LINK_UP;
}

static bool vnet_poll_link(struct netdev *nd)
{
    struct vnet *v = nd->priv;
    bool up = vnet_link(v);
    bool changed = up != nd->link_up;
    nd->link_up = up;
    return changed;
}

/* Frees everything of v, the device having been reset.  NULL ignored. */
static void vnet_free(struct vnet *v)
{
    struct pkt *p;
    if (v->rx_cookies && v->rx.cookie)
        while ((p = vq_detach_unused(&v->rx)))
            pkt_free(p);
    if (v->tx_cookies && v->tx.cookie)
        while ((p = vq_detach_unused(&v->tx)))
            pkt_free(p);
    os_page_free(v->rx_mem, vq_mem_size(v->rx.size));
    os_page_free(v->tx_mem, vq_mem_size(v->tx.size));
    os_free(v->rx_cookies);
    os_free(v->tx_cookies);
    os_free(v);
}

static void vnet_close(struct netdev *nd)
{
    struct vnet *v = nd->priv;
    virtio_dev_reset(v->vd);
    dev_open[v->vd - devs] = false;
    vnet_free(v);
}

/* Allocates and registers queue q of v.  Returns 0 or a negative errno. */
static int vnet_setup_queue(struct vnet *v, uint16_t q, struct virtqueue *vq, void **mem,
                            void ***cookies)
{
    uint16_t max = v->vd->t->queue_max(v->vd, q);
    uint16_t size = VNET_QSIZE;
    while (size > max && size > 1)
        size /= 2;
    if (max == 0 || size > max)
        return -ENODEV;
    *mem = os_page_alloc(vq_mem_size(size));
    *cookies = os_calloc(size, sizeof **cookies);
    if (!*mem || !*cookies) {
        os_page_free(*mem, vq_mem_size(size));
        os_free(*cookies);
        *mem = *cookies = NULL;
        return -ENOMEM;
    }
    vq_init(vq, size, *mem, *cookies, (v->vd->features & VIRTIO_RING_F_EVENT_IDX) != 0);
    return v->vd->t->queue_setup(v->vd, q, vq);
}

static const struct netdev_class *vnet_class(void);

/* Fills the generic netdev fields of v from the device.  Returns nothing. */
static void vnet_fill_netdev(struct vnet *v, unsigned idx, struct pkt_pool *pool)
{
    struct netdev *nd = &v->nd;
    nd->cls = vnet_class();
    nd->priv = v;
    nd->pool = pool;
    nd->wait_fd = -1;
    nd->mtu = 1500;
    snprintf(nd->name, sizeof nd->name, "virtio%u", idx);
    if (v->vd->features & VNET_F_MAC) {
        for (int i = 0; i < 6; i++)
            nd->mac[i] = v->vd->t->cfg_read8(v->vd, (uint32_t)i);
    } else {
        uint64_t r = os_rand_u64();
        memcpy(nd->mac, &r, 6);
        nd->mac[0] = (uint8_t)((nd->mac[0] & 0xfe) | 0x02); /* local unicast */
    }
    nd->curr = nd->advertised = nd->supported = NETDEV_F_10GB_FD | NETDEV_F_COPPER;
    nd->link_up = vnet_link(v);
}

static int vnet_open(const char *arg, struct pkt_pool *pool, struct netdev **out)
{
    char *end;
    unsigned long idx = strtoul(arg, &end, 10);
    virtio_net_discover();
    if (!*arg || *end || idx >= n_devs) {
        OS_ERR("virtio", "virtio:%s: no such device (%u virtio-net device(s) found)", arg,
               n_devs);
        return -ENODEV;
    }
    if (dev_open[idx]) {
        OS_ERR("virtio", "virtio:%s: already open", arg);
        return -EBUSY;
    }
    if (pool && pkt_pool_headroom(pool) < VNET_HDR)
        return -EINVAL;
    struct vnet *v = os_calloc(1, sizeof *v);
    if (!v)
        return -ENOMEM;
    v->vd = &devs[idx];
    int rc = virtio_dev_init(v->vd, VNET_F_MAC | VNET_F_STATUS | VIRTIO_RING_F_EVENT_IDX);
    if (!rc)
        rc = vnet_setup_queue(v, 0, &v->rx, &v->rx_mem, &v->rx_cookies);
    if (!rc)
        rc = vnet_setup_queue(v, 1, &v->tx, &v->tx_mem, &v->tx_cookies);
    if (rc) {
        OS_ERR("virtio", "virtio:%s (%s): cannot set up (%d)", arg, v->vd->where, rc);
        virtio_dev_reset(v->vd);
        vnet_free(v);
        return rc;
    }
    vnet_fill_netdev(v, (unsigned)idx, pool);
    virtio_dev_ready(v->vd);
    vnet_refill(v);
    dev_open[idx] = true;
    OS_INFO("virtio", "%s: %s, mac %02x:%02x:%02x:%02x:%02x:%02x, queues %u/%u, link %s%s",
            v->nd.name, v->vd->where, v->nd.mac[0], v->nd.mac[1], v->nd.mac[2], v->nd.mac[3],
            v->nd.mac[4], v->nd.mac[5], v->rx.size, v->tx.size, v->nd.link_up ? "up" : "down",
            v->rx.event_idx ? ", event-idx" : "");
    *out = &v->nd;
    return 0;
}

const struct netdev_class virtio_net_class = {
    .type = "virtio",
    .open = vnet_open,
    .rx_burst = vnet_rx_burst,
    .tx_burst = vnet_tx_burst,
    .poll_link = vnet_poll_link,
    .close = vnet_close,
};

static const struct netdev_class *vnet_class(void)
{
    return &virtio_net_class;
}
