/*
 * net_harness.c — see net_harness.h.
 */
#include "net_harness.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "libos/net/net_wire.h"
#include "os/byteorder.h"

bool nh_offer_sack;
uint32_t nh_sack[3][2];
unsigned nh_n_sack;

static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };

/* The in-memory device: TX frames are kept for the test. */
struct memdev {
    struct netdev dev;
    struct pkt *tx[NH_MAX_TX];
    unsigned head, n;
    struct nh *h;
};

/* Writes one frame to the test's pcap, if any.  Returns nothing. */
static void nh_pcap_write(struct nh *h, const uint8_t *f, size_t len)
{
    if (!h->pcap)
        return;
    struct pcap_pkthdr ph = { .caplen = (bpf_u_int32)len, .len = (bpf_u_int32)len };
    ph.ts.tv_sec = (long)(h->now / 1000000000ull);
    ph.ts.tv_usec = (long)(h->now / 1000 % 1000000);
    pcap_dump(h->pcap, &ph, f);
}

/* The netdev_class operations (os/netdev.h) of the in-memory device; each
 * returns what that interface says. */

static unsigned mem_rx(struct netdev *dev, struct pkt **pkts, unsigned n)
{
    return 0;
}

static unsigned mem_tx(struct netdev *dev, struct pkt **pkts, unsigned n)
{
    struct memdev *m = (struct memdev *)dev;
    for (unsigned i = 0; i < n; i++) {
        nh_pcap_write(m->h, pkts[i]->data, pkts[i]->len);
        if (m->n == NH_MAX_TX) {
            pkt_free(pkts[i]);
            continue;
        }
        m->tx[(m->head + m->n++) % NH_MAX_TX] = pkts[i];
    }
    return n;
}

static void mem_close(struct netdev *dev)
{
    struct memdev *m = (struct memdev *)dev;
    while (m->n) {
        pkt_free(m->tx[m->head]);
        m->head = (m->head + 1) % NH_MAX_TX;
        m->n--;
    }
    free(m);
}

static const struct netdev_class mem_class = {
    .type = "mem", .rx_burst = mem_rx, .tx_burst = mem_tx, .close = mem_close,
};

int nh_setup(struct nh *h, const struct net_config *cfg, const char *name)
{
    memset(h, 0, sizeof *h);
    h->now = 1000000000ull;
    h->pool = pkt_pool_create(512, PKT_DEFAULT_SLOT, PKT_DEFAULT_HEADROOM);
    struct memdev *m = calloc(1, sizeof *m);
    if (!h->pool || !m)
        return -1;
    m->dev.cls = &mem_class;
    m->dev.mtu = 1500;
    m->dev.link_up = true;
    m->dev.wait_fd = -1;
    m->dev.pool = h->pool;
    memcpy(m->dev.mac, our_mac, 6);
    snprintf(m->dev.name, sizeof m->dev.name, "mem0");
    m->h = h;
    h->dev = &m->dev;
    const char *dir = getenv("SLUICE_NET_PCAP_DIR");
    if (dir && name) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s.pcap", dir, name);
        h->pcap_h = pcap_open_dead(DLT_EN10MB, 65535);
        h->pcap = h->pcap_h ? pcap_dump_open(h->pcap_h, path) : NULL;
    }
    struct net_config c = cfg ? *cfg : (struct net_config){ 0 };
    if (!c.isn_seed)
        c.isn_seed = 0x1000;
    if (net_create(h->dev, h->pool, &c, &h->st) < 0 ||
        net_set_static(h->st, NH_OUR_IP, 24, 0x0a0000feu, h->now) < 0)
        return -1;
    nh_drain(h); /* the gratuitous ARP */
    uint8_t f[42];
    struct net_eth_hdr *e = (struct net_eth_hdr *)f;
    memset(e->dst, 0xff, 6);
    memcpy(e->src, peer_mac, 6);
    os_put_be16(&e->type, NET_ETHERTYPE_ARP);
    struct net_arp_hdr *a = (struct net_arp_hdr *)(e + 1);
    os_put_be16(&a->htype, 1);
    os_put_be16(&a->ptype, NET_ETHERTYPE_IPV4);
    a->hlen = 6;
    a->plen = 4;
    os_put_be16(&a->op, NET_ARP_REQUEST);
    memcpy(a->sha, peer_mac, 6);
    net_put_ip(a->spa, NH_PEER_IP);
    memset(a->tha, 0, 6);
    net_put_ip(a->tpa, NH_OUR_IP);
    nh_frame(h, f, sizeof f);
    nh_drain(h); /* the ARP reply */
    return 0;
}

struct nh nh_h;

int nh_test_setup(void **state)
{
    return nh_setup(&nh_h, NULL, *state);
}

int nh_test_teardown(void **state)
{
    nh_teardown(&nh_h);
    return 0;
}

void nh_teardown(struct nh *h)
{
    net_destroy(h->st);
    netdev_close(h->dev);
    assert_int_equal(pkt_pool_avail(h->pool), pkt_pool_size(h->pool));
    pkt_pool_destroy(h->pool);
    if (h->pcap)
        pcap_dump_close(h->pcap);
    if (h->pcap_h)
        pcap_close(h->pcap_h);
}

void nh_frames(struct nh *h, const uint8_t *const *frames, const size_t *lens, unsigned n)
{
    struct pkt *p[PKT_BURST];
    assert_true(n <= PKT_BURST);
    for (unsigned i = 0; i < n; i++) {
        p[i] = pkt_alloc(h->pool);
        assert_non_null(p[i]);
        uint8_t *d = pkt_put(p[i], (uint32_t)lens[i]);
        assert_non_null(d);
        memcpy(d, frames[i], lens[i]);
        nh_pcap_write(h, frames[i], lens[i]);
    }
    net_input(h->st, p, n, h->now);
}

void nh_frame(struct nh *h, const uint8_t *frame, size_t len)
{
    nh_frames(h, &frame, &len, 1);
}

size_t nh_build_tcp(uint8_t *f, uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq,
                    uint32_t ack, uint16_t win, const void *data, uint32_t len,
                    uint16_t opt_mss, int opt_ws)
{
    bool sack = nh_offer_sack && (flags & NET_TCP_SYN);
    unsigned blocks = (flags & NET_TCP_SYN) ? 0 : nh_n_sack;
    uint32_t opt = (opt_mss ? 4 : 0) + (opt_ws >= 0 ? 4 : 0) + (sack ? 4 : 0) +
                   (blocks ? 4 + 8 * blocks : 0);
    uint32_t tl = NET_TCP_HLEN + opt + len;
    struct net_eth_hdr *e = (struct net_eth_hdr *)f;
    memcpy(e->dst, our_mac, 6);
    memcpy(e->src, peer_mac, 6);
    os_put_be16(&e->type, NET_ETHERTYPE_IPV4);
    struct net_ip_hdr *ip = (struct net_ip_hdr *)(e + 1);
    memset(ip, 0, sizeof *ip);
    ip->ver_ihl = 0x45;
    os_put_be16(&ip->tot_len, (uint16_t)(NET_IP_HLEN + tl));
    ip->ttl = 64;
    ip->proto = NET_IP_PROTO_TCP;
    net_put_ip(ip->src, NH_PEER_IP);
    net_put_ip(ip->dst, NH_OUR_IP);
    os_put_be16(&ip->csum, net_csum_fold(net_csum_add(0, ip, NET_IP_HLEN)));
    struct net_tcp_hdr *th = (struct net_tcp_hdr *)(ip + 1);
    memset(th, 0, sizeof *th);
    os_put_be16(&th->sport, sport);
    os_put_be16(&th->dport, dport);
    os_put_be32(&th->seq, seq);
    os_put_be32(&th->ack, ack);
    th->off = (uint8_t)(((NET_TCP_HLEN + opt) / 4) << 4);
    th->flags = flags;
    os_put_be16(&th->win, win);
    uint8_t *o = (uint8_t *)(th + 1);
    if (opt_mss) {
        o[0] = 2, o[1] = 4;
        os_put_be16(o + 2, opt_mss);
        o += 4;
    }
    if (opt_ws >= 0) {
        o[0] = 1, o[1] = 3, o[2] = 3, o[3] = (uint8_t)opt_ws;
        o += 4;
    }
    if (sack) {
        o[0] = 1, o[1] = 1, o[2] = 4, o[3] = 2;
        o += 4;
    }
    if (blocks) {
        o[0] = 1, o[1] = 1, o[2] = 5, o[3] = (uint8_t)(2 + 8 * blocks);
        for (unsigned b = 0; b < blocks; b++) {
            os_put_be32(o + 4 + 8 * b, nh_sack[b][0]);
            os_put_be32(o + 8 + 8 * b, nh_sack[b][1]);
        }
        o += 4 + 8 * blocks;
    }
    if (len)
        memcpy(o, data, len);
    os_put_be16(&th->csum, net_csum_fold(net_csum_add(
                               net_csum_pseudo(NH_PEER_IP, NH_OUR_IP, NET_IP_PROTO_TCP,
                                               (uint16_t)tl), th, tl)));
    return NET_ETH_HLEN + NET_IP_HLEN + tl;
}

void nh_tcp(struct nh *h, uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq,
            uint32_t ack, uint16_t win, const void *data, uint32_t len, uint16_t opt_mss,
            int opt_ws)
{
    uint8_t f[2048];
    nh_frame(h, f, nh_build_tcp(f, sport, dport, flags, seq, ack, win, data, len, opt_mss, opt_ws));
}

void nh_advance(struct nh *h, uint64_t now)
{
    h->now = now;
    net_poll(h->st, now);
}

unsigned nh_tx_count(struct nh *h)
{
    return ((struct memdev *)h->dev)->n;
}

/* Pops the oldest TX packet.  Returns it (owned) or NULL. */
static struct pkt *pop(struct nh *h)
{
    struct memdev *m = (struct memdev *)h->dev;
    if (!m->n)
        return NULL;
    struct pkt *p = m->tx[m->head];
    m->head = (m->head + 1) % NH_MAX_TX;
    m->n--;
    return p;
}

size_t nh_pop_raw(struct nh *h, uint8_t *buf, size_t max)
{
    struct pkt *p = pop(h);
    if (!p)
        return 0;
    size_t n = p->len < max ? p->len : max;
    memcpy(buf, p->data, n);
    pkt_free(p);
    return n;
}

unsigned nh_drain(struct nh *h)
{
    unsigned n = 0;
    for (struct pkt *p; (p = pop(h)); n++)
        pkt_free(p);
    return n;
}

bool nh_pop_tcp(struct nh *h, struct nh_seg *s)
{
    uint8_t f[2048];
    size_t n;
    const struct net_ip_hdr *ip = (const struct net_ip_hdr *)(f + NET_ETH_HLEN);
    do { /* skip ARP (a stale entry is refreshed before a send) */
        n = nh_pop_raw(h, f, sizeof f);
    } while (n && os_get_be16(f + 12) == NET_ETHERTYPE_ARP);
    memset(s, 0, sizeof *s);
    s->wscale = -1;
    if (n < NET_ETH_HLEN + NET_IP_HLEN + NET_TCP_HLEN)
        return false;
    if (os_get_be16(f + 12) != NET_ETHERTYPE_IPV4 || ip->proto != NET_IP_PROTO_TCP)
        return false;
    uint16_t tot = os_get_be16(&ip->tot_len);
    const uint8_t *t = f + NET_ETH_HLEN + NET_IP_HLEN;
    uint32_t tl = tot - NET_IP_HLEN;
    const struct net_tcp_hdr *th = (const struct net_tcp_hdr *)t;
    unsigned hl = (th->off >> 4) * 4u;
    s->sport = os_get_be16(&th->sport);
    s->dport = os_get_be16(&th->dport);
    s->seq = os_get_be32(&th->seq);
    s->ack = os_get_be32(&th->ack);
    s->flags = th->flags;
    s->win = os_get_be16(&th->win);
    s->csum_ok = net_csum_fold(net_csum_add(net_csum_pseudo(net_get_ip(ip->src),
                                                            net_get_ip(ip->dst),
                                                            NET_IP_PROTO_TCP, (uint16_t)tl),
                                            t, tl)) == 0;
    for (unsigned i = NET_TCP_HLEN; i < hl;) {
        uint8_t k = t[i];
        if (k == 0)
            break;
        if (k == 1) {
            i++;
            continue;
        }
        if (k == 2)
            s->mss = os_get_be16(t + i + 2);
        if (k == 3)
            s->wscale = t[i + 2];
        if (k == 4)
            s->sack_perm = true;
        for (unsigned b = 0; k == 5 && b < (t[i + 1] - 2u) / 8 && b < 4; b++, s->n_sack++) {
            s->sack[b][0] = os_get_be32(t + i + 2 + 8 * b);
            s->sack[b][1] = os_get_be32(t + i + 6 + 8 * b);
        }
        i += t[i + 1];
    }
    s->len = tl - hl;
    memcpy(s->data, t + hl, s->len);
    return true;
}

struct net_tcp *nh_accept(struct nh *h, struct net_tcp *l, uint16_t port, uint32_t irs, int ws,
                          uint32_t *iss)
{
    struct nh_seg s;
    nh_tcp(h, NH_PEER_PORT, port, NET_TCP_SYN, irs, 0, 65535, NULL, 0, 1460, ws);
    assert_true(nh_pop_tcp(h, &s));
    assert_int_equal(s.flags, NET_TCP_SYN | NET_TCP_ACK);
    assert_int_equal(s.ack, irs + 1);
    *iss = s.seq;
    nh_tcp(h, NH_PEER_PORT, port, NET_TCP_ACK, irs + 1, s.seq + 1, 65535, NULL, 0, 0, -1);
    struct net_tcp *c = NULL;
    assert_int_equal(net_tcp_accept(l, &c), 0);
    assert_int_equal(net_tcp_get_state(c), NET_TCP_ESTABLISHED);
    return c;
}
