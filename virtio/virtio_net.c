/*
 * virtio_net.c — the virtio-net netdev (see virtio_net.h).
 *
 * Queue pairs: pair i is RX queue 2i and TX queue 2i+1; with
 * VIRTIO_NET_F_MQ the control queue (index 2 * max_virtqueue_pairs) tells
 * the device how many pairs to use (VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET).  RX
 * polls every pair in turn; TX picks the pair from a hash of the frame's
 * addresses and ports, so a flow keeps its order.  No offloads are
 * negotiated: every frame is a plain Ethernet frame behind a zeroed
 * virtio_net_hdr: 12 bytes on a VERSION_1 device (num_buffers included),
 * 10 on a legacy one (no MRG_RXBUF).
 *
 * Wake-ups: each device gets one CPU vector (apic_alloc_vector) routed by
 * its transport (MSI-X on PCI, the I/O APIC line on MMIO).  arm_rx_wakeup
 * acknowledges the line and asks every RX queue for an interrupt at its
 * next frame (-EAGAIN when one is already waiting); the next rx_burst turns
 * them off again, so a busy port never interrupts.  A TX queue interrupts
 * only while tx_burst waits for its full ring to drain (halted, bounded).
 *
 * Cost under QEMU (issue 14, bench/vm.sh): notifications are already rare
 * (event index: ~1 TX kick per 50-160 frames, RX kicks only when the device
 * ran out of buffers); what cost host CPU was the vCPU polling while QEMU's
 * I/O thread, which does the device's work, waited for a core.  So the CPU
 * halts instead of spinning: between bursts (uk_main, after 20 us) and on a
 * full TX ring.  The counters printed at close (polls, empty polls, kicks,
 * halts on a full ring) show it; tests/kvm fwd checks them.  What is left
 * of the vCPU thread's cost is TCG running this code (~1.5-2 us a frame;
 * TLB refills mostly gone since the idle path flushes now and then:
 * libos/kvm/start.c); QEMU's main thread (tap read and write, the host
 * bridge, the device model) costs ~9-10 us a frame whatever the guest
 * does.
 */
#include "virtio/virtio_net.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libos/kvm/kvm.h"
#include "libos/x86_64/apic.h"
#include "os/clock.h"
#include "os/log.h"
#include "os/mem.h"
#include "os/rand.h"
#include "virtio/virtio_dev.h"

#define VNET_MAX 16
#define VNET_MAX_PAIRS 4
#define VNET_HDR 12             /* VERSION_1 header; legacy devices use 10 */
#define VNET_HDR_LEGACY 10
#define VNET_QSIZE 256
#define VNET_CTRL_QSIZE 16
#define VNET_TX_WAIT_NS 500000     /* at most 500 us (halted) for a full TX ring */
#define VNET_CTRL_WAIT_NS 100000000 /* at most 100 ms for a control command */
#define VNET_F_MAC (1ull << 5)
#define VNET_F_STATUS (1ull << 16)
#define VNET_F_CTRL_VQ (1ull << 17)
#define VNET_F_MQ (1ull << 22)
#define VNET_S_LINK_UP 1
#define VNET_CTRL_MQ 4
#define VNET_CTRL_MQ_VQ_PAIRS_SET 0
#define MICROVM_MMIO_BASE 0xfeb00000ull
#define MICROVM_MMIO_SLOTS 24
#define MICROVM_MMIO_SIZE 0x200

struct vnet_queue {
    struct virtqueue vq;
    void *mem;
    void **cookies;
    uint16_t index;          /* virtqueue index on the device */
    uint64_t packets;        /* frames through this queue */
    uint64_t kicks;          /* notifications sent to the device */
};

struct vnet {
    struct netdev nd;
    struct virtio_dev *vd;
    unsigned n_pairs;
    unsigned rx_next;        /* pair RX polling starts at */
    struct vnet_queue rx[VNET_MAX_PAIRS], tx[VNET_MAX_PAIRS];
    struct vnet_queue ctrl;
    uint8_t *ctrl_buf;       /* one page: command, data, ack */
    uint64_t tx_full;        /* TX ring still full after the bounded wait */
    unsigned hdr;            /* virtio_net_hdr bytes: VNET_HDR or VNET_HDR_LEGACY */
    bool can_wake;           /* RX queues interrupt (vector routed) */
    bool armed;              /* RX interrupts requested since the last rx_burst */
    uint64_t arms;           /* arm_rx_wakeup calls that armed */
    uint64_t rx_polls;       /* rx_burst calls */
    uint64_t rx_empty;       /* rx_burst calls that found nothing */
    uint64_t tx_bursts;      /* tx_burst calls */
    uint64_t tx_sleeps;      /* halts waiting for a full TX ring to drain */
    uint64_t tx_sleeps_timed_out; /* ... that ended at the deadline, not by interrupt */
};

/* Notifies the device about queue q.  Returns nothing. */
static void vnet_kick(struct vnet *v, struct vnet_queue *q)
{
    q->kicks++;
    v->vd->t->notify(v->vd, q->index);
}

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
    const struct pvh_mmio_hint *h;
    unsigned nh = kvm_mmio_hints(&h);
    for (unsigned i = 0; i < nh && n_devs < VNET_MAX; i++)
        if (virtio_mmio_probe((uintptr_t)h[i].base, 1, h[i].irq ? (int)h[i].irq : -1,
                              &devs[n_devs]) == 0)
            n_devs++;
    /* QEMU's microvm fills its slots from the top: probing downwards makes
     * the first -device virtio:0. */
    for (unsigned i = MICROVM_MMIO_SLOTS; !kvm_has_pci() && nh == 0 && i-- > 0;)
        if (n_devs < VNET_MAX && virtio_mmio_probe(MICROVM_MMIO_BASE + i * MICROVM_MMIO_SIZE, 1,
                                                   kvm_microvm_slot_irq(i), &devs[n_devs]) == 0)
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

/* Returns the little-endian 16-bit config field at `off`. */
static uint16_t vnet_cfg16(struct vnet *v, uint32_t off)
{
    return (uint16_t)(v->vd->t->cfg_read8(v->vd, off) | v->vd->t->cfg_read8(v->vd, off + 1) << 8);
}

/* Posts pool buffers on every free RX descriptor of q (as many as the pool
 * gives), kicking the device when it asks.  Returns nothing. */
static void vnet_refill(struct vnet *v, struct vnet_queue *q)
{
    struct pkt *p[PKT_BURST];
    while (vq_num_free(&q->vq) > 0) {
        unsigned want = vq_num_free(&q->vq) < PKT_BURST ? vq_num_free(&q->vq) : PKT_BURST;
        unsigned got = pkt_alloc_burst(v->nd.pool, p, want);
        for (unsigned i = 0; i < got; i++) {
            uint8_t *start = p[i]->data - v->hdr;
            uint32_t room = p[i]->buf_size - pkt_headroom(p[i]) + v->hdr;
            vq_add(&q->vq, (uintptr_t)start, room, true, p[i]);
        }
        if (got < want)
            break;
    }
    if (vq_kick_prepare(&q->vq))
        vnet_kick(v, q);
}

/* Takes up to n received frames of q into pkts.  Returns how many. */
static unsigned vnet_rx_queue(struct vnet *v, struct vnet_queue *q, struct pkt **pkts,
                              unsigned n, uint64_t *now)
{
    struct netdev *nd = &v->nd;
    unsigned got = 0;
    while (got < n) {
        uint32_t len;
        struct pkt *p = vq_get_used(&q->vq, &len);
        if (!p)
            break;
        if (len <= v->hdr || len - v->hdr > p->buf_size - pkt_headroom(p)) {
            nd->stats.rx_errors++;
            pkt_free(p);
            continue;
        }
        if (!*now)
            *now = os_clock_ns();
        p->len = len - v->hdr;
        p->ts_ns = *now;
        p->in_port = 0;
        nd->stats.rx_packets++;
        nd->stats.rx_bytes += p->len;
        pkts[got++] = p;
    }
    q->packets += got;
    if (got || vq_num_free(&q->vq) >= q->vq.size / 2)
        vnet_refill(v, q);
    return got;
}

static unsigned vnet_rx_burst(struct netdev *nd, struct pkt **pkts, unsigned n)
{
    struct vnet *v = nd->priv;
    unsigned got = 0;
    uint64_t now = 0;
    if (v->armed) {
        for (unsigned k = 0; k < v->n_pairs; k++)
            vq_disable_irq(&v->rx[k].vq);
        v->armed = false;
    }
    unsigned qi = v->rx_next;
    for (unsigned k = 0; k < v->n_pairs && got < n; k++) {
        got += vnet_rx_queue(v, &v->rx[qi], pkts + got, n - got, &now);
        qi = qi + 1 == v->n_pairs ? 0 : qi + 1; /* no division: a helper call under TCG */
    }
    v->rx_next = v->rx_next + 1 == v->n_pairs ? 0 : v->rx_next + 1;
    v->rx_polls++;
    v->rx_empty += !got;
    return got;
}

/* Frees the TX buffers the device is done with.  Returns nothing. */
static void vnet_reclaim_tx(struct vnet_queue *q)
{
    struct pkt *p;
    while ((p = vq_get_used(&q->vq, NULL)))
        pkt_free(p);
}

/* Waits (bounded: VNET_TX_WAIT_NS) for the device to return TX buffers of
 * a full ring.  The CPU halts until the queue's completion interrupt (or
 * the deadline) instead of spinning: under QEMU the spinning vCPU would
 * take the host CPU the device model needs to drain the ring.  Returns
 * true when a descriptor is free. */
static bool vnet_wait_tx_room(struct vnet *v, struct vnet_queue *q)
{
    if (vq_kick_prepare(&q->vq))
        vnet_kick(v, q);
    uint64_t until = os_clock_ns() + VNET_TX_WAIT_NS;
    for (;;) {
        vnet_reclaim_tx(q);
        if (vq_num_free(&q->vq))
            return true;
        if (os_clock_ns() >= until)
            return false;
        if (v->can_wake) {
            v->vd->t->irq_ack(v->vd);
            if (!vq_enable_irq(&q->vq)) {
                v->tx_sleeps++;
                apic_halt_until(until);
                v->tx_sleeps_timed_out += os_clock_ns() >= until;
            }
            vq_disable_irq(&q->vq);
        }
    }
}

/* Zeroes the virtio_net_hdr of `hdr` bytes (VNET_HDR or VNET_HDR_LEGACY)
 * at h with constant-size stores the compiler inlines: memset(h, 0, hdr)
 * was a call and a byte loop (h is not aligned), the image's busiest
 * function under TCG.  Returns nothing. */
static inline void vnet_zero_hdr(uint8_t *h, unsigned hdr)
{
    memset(h, 0, VNET_HDR_LEGACY);
    if (hdr == VNET_HDR)
        memset(h + VNET_HDR_LEGACY, 0, VNET_HDR - VNET_HDR_LEGACY);
}

/* Returns the TX pair for p (netdev_flow_hash), so that a flow stays on
 * one pair. */
static unsigned vnet_tx_pair(const struct vnet *v, const struct pkt *p)
{
    return v->n_pairs == 1 ? 0 : netdev_flow_hash(p) % v->n_pairs;
}

static unsigned vnet_tx_burst(struct netdev *nd, struct pkt **pkts, unsigned n)
{
    struct vnet *v = nd->priv;
    unsigned sent = 0, touched = 0;
    for (unsigned i = 0; i < v->n_pairs; i++)
        vnet_reclaim_tx(&v->tx[i]);
    for (unsigned i = 0; i < n; i++) {
        struct pkt *p = pkts[i];
        unsigned qi = vnet_tx_pair(v, p);
        struct vnet_queue *q = &v->tx[qi];
        if (!vq_num_free(&q->vq) && !vnet_wait_tx_room(v, q))
            v->tx_full++;
        if (pkt_headroom(p) < v->hdr || p->len == 0 ||
            vq_add(&q->vq, (uintptr_t)(p->data - v->hdr), p->len + v->hdr, false, p)) {
            nd->stats.tx_dropped++;
            pkt_free(p);
            continue;
        }
        vnet_zero_hdr(p->data - v->hdr, v->hdr);
        nd->stats.tx_packets++;
        nd->stats.tx_bytes += p->len;
        q->packets++;
        touched |= 1u << qi;
        sent++;
    }
    for (unsigned i = 0; i < v->n_pairs; i++)
        if ((touched & (1u << i)) && vq_kick_prepare(&v->tx[i].vq))
            vnet_kick(v, &v->tx[i]);
    v->tx_bursts++;
    return sent;
}

static int vnet_arm_rx_wakeup(struct netdev *nd)
{
    struct vnet *v = nd->priv;
    if (!v->can_wake)
        return -EOPNOTSUPP;
    v->vd->t->irq_ack(v->vd);
    v->armed = true;
    for (unsigned k = 0; k < v->n_pairs; k++)
        if (vq_enable_irq(&v->rx[k].vq))
            return -EAGAIN;
    v->arms++;
    return 0;
}

/* Returns true when the device reports its link up (or cannot tell). */
static bool vnet_link(struct vnet *v)
{
    if (!(v->vd->features & VNET_F_STATUS))
        return true;
    return vnet_cfg16(v, 6) & VNET_S_LINK_UP;
}

static bool vnet_poll_link(struct netdev *nd)
{
    struct vnet *v = nd->priv;
    bool up = vnet_link(v);
    bool changed = up != nd->link_up;
    nd->link_up = up;
    return changed;
}

/* Frees a queue's buffers (the device having been reset) and memory. */
static void vnet_queue_free(struct vnet_queue *q, bool pkts)
{
    struct pkt *p;
    while (pkts && q->vq.cookie && (p = vq_detach_unused(&q->vq)))
        pkt_free(p);
    os_page_free(q->mem, vq_mem_size(q->vq.size));
    os_free(q->cookies);
    memset(q, 0, sizeof *q);
}

/* Frees everything of v, the device having been reset. */
static void vnet_free(struct vnet *v)
{
    for (unsigned i = 0; i < VNET_MAX_PAIRS; i++) {
        vnet_queue_free(&v->rx[i], true);
        vnet_queue_free(&v->tx[i], true);
    }
    vnet_queue_free(&v->ctrl, false);
    os_page_free(v->ctrl_buf, OS_PAGE_SIZE);
    os_free(v);
}

static void vnet_close(struct netdev *nd)
{
    struct vnet *v = nd->priv;
    char rx[VNET_MAX_PAIRS * 21 + 1] = "", tx[VNET_MAX_PAIRS * 21 + 1] = ""; /* " %lu" each */
    uint64_t rx_kicks = 0, tx_kicks = 0;
    for (unsigned i = 0, a = 0, b = 0; i < v->n_pairs; i++) {
        a += (unsigned)snprintf(rx + a, sizeof rx - a, " %lu", (unsigned long)v->rx[i].packets);
        b += (unsigned)snprintf(tx + b, sizeof tx - b, " %lu", (unsigned long)v->tx[i].packets);
        rx_kicks += v->rx[i].kicks;
        tx_kicks += v->tx[i].kicks;
    }
    OS_INFO("virtio", "%s: closed; packets per queue pair: rx%s, tx%s; tx ring full %lu; "
            "armed for wake-up %lu times; rx polls %lu (%lu empty); tx bursts %lu (%lu halts "
            "on a full ring, %lu timed out); kicks: rx %lu, tx %lu", nd->name, rx, tx,
            (unsigned long)v->tx_full, (unsigned long)v->arms, (unsigned long)v->rx_polls,
            (unsigned long)v->rx_empty, (unsigned long)v->tx_bursts, (unsigned long)v->tx_sleeps,
            (unsigned long)v->tx_sleeps_timed_out, (unsigned long)rx_kicks,
            (unsigned long)tx_kicks);
    virtio_dev_reset(v->vd);
    dev_open[v->vd - devs] = false;
    vnet_free(v);
}

/* Allocates queue `index` of size <= want into q and gives it to the
 * device (interrupting when `irq`).  Returns 0 or a negative errno. */
static int vnet_queue_setup(struct vnet *v, struct vnet_queue *q, uint16_t index, uint16_t want,
                            bool irq)
{
    uint16_t max = v->vd->t->queue_max(v->vd, index);
    uint16_t size = want;
    while (size > max && size > 1)
        size /= 2;
    if (max == 0 || size > max)
        return -ENODEV;
    q->index = index;
    q->mem = os_page_alloc(vq_mem_size(size));
    q->cookies = os_calloc(size, sizeof *q->cookies);
    if (!q->mem || !q->cookies)
        return -ENOMEM;
    vq_init(&q->vq, size, q->mem, q->cookies, (v->vd->features & VIRTIO_RING_F_EVENT_IDX) != 0);
    return v->vd->t->queue_setup(v->vd, index, &q->vq, irq);
}

/* Asks the device to use `pairs` queue pairs (control queue, bounded
 * wait).  Returns 0, -EIO when it refused, or -ETIMEDOUT. */
static int vnet_set_pairs(struct vnet *v, unsigned pairs)
{
    uint8_t *b = v->ctrl_buf;
    b[0] = VNET_CTRL_MQ;
    b[1] = VNET_CTRL_MQ_VQ_PAIRS_SET;
    b[2] = (uint8_t)pairs;
    b[3] = (uint8_t)(pairs >> 8);
    b[4] = 0xff;
    const struct vq_seg segs[3] = {
        { (uintptr_t)b, 2, false }, { (uintptr_t)b + 2, 2, false }, { (uintptr_t)b + 4, 1, true },
    };
    if (vq_add_chain(&v->ctrl.vq, segs, 3, v))
        return -ENOSPC;
    if (vq_kick_prepare(&v->ctrl.vq))
        v->vd->t->notify(v->vd, v->ctrl.index);
    uint64_t until = os_clock_ns() + VNET_CTRL_WAIT_NS;
    while (!vq_get_used(&v->ctrl.vq, NULL))
        if (os_clock_ns() > until)
            return -ETIMEDOUT;
    return *(volatile uint8_t *)(b + 4) == 0 ? 0 : -EIO;
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

/* Parses "N[,queues=Q]".  Returns 0 or -EINVAL. */
static int vnet_parse_arg(const char *arg, unsigned long *idx, unsigned long *queues)
{
    char *end;
    *queues = 0;
    if (!*arg || *arg < '0' || *arg > '9')
        return -EINVAL;
    *idx = strtoul(arg, &end, 10);
    if (!strncmp(end, ",queues=", 8)) {
        const char *q = end + 8;
        *queues = strtoul(q, &end, 10);
        if (end == q || *queues == 0)
            return -EINVAL;
    }
    return *end ? -EINVAL : 0;
}

/* Sets up the queues of an initialised device: up to `want` pairs (0 =
 * all it offers, at most VNET_MAX_PAIRS).  Returns 0 or a negative errno. */
static int vnet_setup_queues(struct vnet *v, unsigned long want)
{
    bool mq = (v->vd->features & (VNET_F_MQ | VNET_F_CTRL_VQ)) == (VNET_F_MQ | VNET_F_CTRL_VQ);
    unsigned max = mq ? vnet_cfg16(v, 8) : 1;
    if (max == 0 || max > VIRTIO_MAX_QUEUES / 2 - 1)
        max = 1, mq = false;
    unsigned pairs = want ? (unsigned)want : max;
    if (pairs > max)
        pairs = max;
    if (pairs > VNET_MAX_PAIRS)
        pairs = VNET_MAX_PAIRS;
    v->n_pairs = pairs;
    int rc = 0;
    for (unsigned i = 0; i < pairs && !rc; i++) {
        rc = vnet_queue_setup(v, &v->rx[i], (uint16_t)(2 * i), VNET_QSIZE, true);
        if (!rc)
            rc = vnet_queue_setup(v, &v->tx[i], (uint16_t)(2 * i + 1), VNET_QSIZE, true);
    }
    if (!rc && pairs > 1) {
        v->ctrl_buf = os_page_alloc(OS_PAGE_SIZE);
        rc = v->ctrl_buf ? vnet_queue_setup(v, &v->ctrl, (uint16_t)(2 * max), VNET_CTRL_QSIZE,
                                            false)
                         : -ENOMEM;
    }
    return rc;
}

static int vnet_open(const char *arg, struct pkt_pool *pool, struct netdev **out)
{
    unsigned long idx, want;
    virtio_net_discover();
    if (vnet_parse_arg(arg, &idx, &want) || idx >= n_devs) {
        OS_ERR("virtio", "virtio:%s: no such device (%u virtio-net device(s) found; "
               "spec virtio:N[,queues=Q])", arg, n_devs);
        return -ENODEV;
    }
    if (dev_open[idx]) {
        OS_ERR("virtio", "virtio:%s: already open", arg);
        return -EBUSY;
    }
    if (!pool || pkt_pool_headroom(pool) < VNET_HDR)
        return -EINVAL;
    struct vnet *v = os_calloc(1, sizeof *v);
    if (!v)
        return -ENOMEM;
    v->vd = &devs[idx];
    int rc = virtio_dev_init(v->vd, VNET_F_MAC | VNET_F_STATUS | VIRTIO_RING_F_EVENT_IDX |
                                        VNET_F_CTRL_VQ | VNET_F_MQ);
    v->hdr = v->vd->legacy ? VNET_HDR_LEGACY : VNET_HDR;
    if (!rc) {
        int vec = apic_alloc_vector();
        v->vd->irq_on = false;
        if (vec >= 0)
            v->vd->t->irq_setup(v->vd, (uint8_t)vec);
        rc = vnet_setup_queues(v, want);
        v->can_wake = v->vd->irq_on;
    }
    if (rc) {
        OS_ERR("virtio", "virtio:%s (%s): cannot set up: %s", arg, v->vd->where, strerror(-rc));
        virtio_dev_reset(v->vd);
        vnet_free(v);
        return rc;
    }
    vnet_fill_netdev(v, (unsigned)idx, pool);
    virtio_dev_ready(v->vd);
    if (v->n_pairs > 1 && (rc = vnet_set_pairs(v, v->n_pairs))) {
        OS_WARN("virtio", "%s: device refused %u queue pairs (%s); using one", v->nd.name,
                v->n_pairs, strerror(-rc));
        v->n_pairs = 1;
    }
    for (unsigned i = 0; i < v->n_pairs; i++)
        vnet_refill(v, &v->rx[i]);
    dev_open[idx] = true;
    OS_INFO("virtio", "%s: %s, mac %02x:%02x:%02x:%02x:%02x:%02x, %u queue pair(s) of %u/%u, "
            "link %s%s, %s", v->nd.name, v->vd->where, v->nd.mac[0], v->nd.mac[1],
            v->nd.mac[2], v->nd.mac[3], v->nd.mac[4], v->nd.mac[5], v->n_pairs,
            v->rx[0].vq.size, v->tx[0].vq.size, v->nd.link_up ? "up" : "down",
            v->rx[0].vq.event_idx ? ", event-idx" : "",
            !v->can_wake ? "no wake-up interrupt (polled)"
            : v->vd->base ? "wakes by I/O APIC line" : "wakes by MSI-X");
    *out = &v->nd;
    return 0;
}

const struct netdev_class virtio_net_class = {
    .type = "virtio",
    .open = vnet_open,
    .rx_burst = vnet_rx_burst,
    .tx_burst = vnet_tx_burst,
    .poll_link = vnet_poll_link,
    .arm_rx_wakeup = vnet_arm_rx_wakeup,
    .close = vnet_close,
};

static const struct netdev_class *vnet_class(void)
{
    return &virtio_net_class;
}
