/*
 * test_net_ip.c — libos/net below TCP: ARP (answers, pending queue bound,
 * resolution give-up), IPv4 checks (fragments, bad header checksum, not
 * for us), ICMP echo, the DHCP client's exchange against a scripted
 * server, address parsing, and the internal link (net_pair.h).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "libos/net/net_pair.h"
#include "libos/net/net_wire.h"
#include "net_harness.h"

#define MS 1000000ull

/* Builds an Ethernet+IPv4 frame from the peer with `payload` bytes of
 * protocol `proto` at p.  Returns its length. */
static size_t ip_frame(uint8_t *f, uint8_t proto, uint32_t dst, uint16_t frag, const void *pl,
                       size_t plen)
{
    struct net_eth_hdr *e = (struct net_eth_hdr *)f;
    memcpy(e->dst, (uint8_t[]){ 0x02, 0, 0, 0, 0, 0x02 }, 6);
    memcpy(e->src, (uint8_t[]){ 0x02, 0, 0, 0, 0, 0x01 }, 6);
    os_put_be16(&e->type, NET_ETHERTYPE_IPV4);
    struct net_ip_hdr *ip = (struct net_ip_hdr *)(e + 1);
    memset(ip, 0, sizeof *ip);
    ip->ver_ihl = 0x45;
    os_put_be16(&ip->tot_len, (uint16_t)(NET_IP_HLEN + plen));
    os_put_be16(&ip->frag, frag);
    ip->ttl = 64;
    ip->proto = proto;
    net_put_ip(ip->src, NH_PEER_IP);
    net_put_ip(ip->dst, dst);
    os_put_be16(&ip->csum, net_csum_fold(net_csum_add(0, ip, NET_IP_HLEN)));
    memcpy(ip + 1, pl, plen);
    return NET_ETH_HLEN + NET_IP_HLEN + plen;
}

/* An ICMP echo request with `n` payload bytes. */
static size_t echo_frame(uint8_t *f, uint32_t dst, uint16_t frag, size_t n)
{
    uint8_t icmp[256] = { NET_ICMP_ECHO_REQUEST, 0, 0, 0, 0x12, 0x34, 0, 1 };
    for (size_t i = 0; i < n; i++)
        icmp[8 + i] = (uint8_t)i;
    os_put_be16(icmp + 2, net_csum_fold(net_csum_add(0, icmp, 8 + n)));
    return ip_frame(f, NET_IP_PROTO_ICMP, dst, frag, icmp, 8 + n);
}

static void test_echo_request_answered(void **state)
{
    uint8_t f[512], r[512];
    nh_frame(&nh_h, f, echo_frame(f, NH_OUR_IP, 0, 32));
    size_t n = nh_pop_raw(&nh_h, r, sizeof r);
    assert_int_equal(n, NET_ETH_HLEN + NET_IP_HLEN + 8 + 32);
    const uint8_t *icmp = r + NET_ETH_HLEN + NET_IP_HLEN;
    assert_int_equal(icmp[0], NET_ICMP_ECHO_REPLY);
    assert_int_equal(net_csum_fold(net_csum_add(0, icmp, 40)), 0);
    assert_memory_equal(icmp + 4, f + NET_ETH_HLEN + NET_IP_HLEN + 4, 36);
    assert_int_equal(net_get_stats(nh_h.st)->icmp_echo_replies, 1);
}

static void test_fragment_dropped_and_counted(void **state)
{
    uint8_t f[512];
    nh_frame(&nh_h, f, echo_frame(f, NH_OUR_IP, NET_IP_MF, 32));
    nh_frame(&nh_h, f, echo_frame(f, NH_OUR_IP, 100, 32));
    assert_int_equal(nh_tx_count(&nh_h), 0);
    assert_int_equal(net_get_stats(nh_h.st)->ip_frag_drop, 2);
}

static void test_bad_ip_checksum_dropped(void **state)
{
    uint8_t f[512];
    size_t n = echo_frame(f, NH_OUR_IP, 0, 8);
    f[NET_ETH_HLEN + 8] ^= 1; /* TTL */
    nh_frame(&nh_h, f, n);
    assert_int_equal(nh_tx_count(&nh_h), 0);
    assert_int_equal(net_get_stats(nh_h.st)->ip_bad, 1);
}

static void test_total_length_beyond_frame_dropped(void **state)
{
    uint8_t f[512];
    size_t n = echo_frame(f, NH_OUR_IP, 0, 8);
    struct net_ip_hdr *ip = (struct net_ip_hdr *)(f + NET_ETH_HLEN);
    os_put_be16(&ip->tot_len, 400);
    ip->csum = 0;
    os_put_be16(&ip->csum, net_csum_fold(net_csum_add(0, ip, NET_IP_HLEN)));
    nh_frame(&nh_h, f, n);
    assert_int_equal(net_get_stats(nh_h.st)->ip_bad, 1);
}

static void test_packet_for_another_host_ignored(void **state)
{
    uint8_t f[512];
    nh_frame(&nh_h, f, echo_frame(f, 0x0a000063, 0, 8));
    assert_int_equal(nh_tx_count(&nh_h), 0);
    assert_int_equal(net_get_stats(nh_h.st)->ip_not_for_us, 1);
}

static void test_runt_frame_counted(void **state)
{
    uint8_t f[10] = { 0 };
    nh_frame(&nh_h, f, sizeof f);
    assert_int_equal(net_get_stats(nh_h.st)->rx_bad_eth, 1);
}

static void test_arp_pending_queue_bounded(void **state)
{
    struct net_tcp *c[8];
    uint64_t before = net_get_stats(nh_h.st)->arp_requests_sent; /* the gratuitous one */
    /* an off-link peer behind the gateway 10.0.0.254, not resolved yet */
    for (int i = 0; i < 8; i++)
        assert_int_equal(net_tcp_connect(nh_h.st, 0x0b000001, (uint16_t)(100 + i), &c[i]), 0);
    const struct net_stats *st = net_get_stats(nh_h.st);
    assert_int_equal(st->arp_pending_drop, 8 - 4);
    assert_int_equal(st->arp_requests_sent, before + 1);
    nh_advance(&nh_h, nh_h.now + 1000 * MS); /* retries: one a second, three in all */
    nh_advance(&nh_h, nh_h.now + 1000 * MS);
    assert_int_equal(st->arp_requests_sent, before + 3);
    uint64_t dropped = st->arp_pending_drop;
    nh_advance(&nh_h, nh_h.now + 1000 * MS); /* gives up: what waited is dropped */
    assert_true(st->arp_pending_drop >= dropped + 4);
    for (int i = 0; i < 8; i++)
        net_tcp_close(c[i]);
}

static void test_arp_reply_releases_pending(void **state)
{
    struct net_tcp *c;
    assert_int_equal(net_tcp_connect(nh_h.st, 0x0b000001, 100, &c), 0);
    nh_drain(&nh_h); /* the ARP request for the gateway */
    uint8_t f[42];
    struct net_eth_hdr *e = (struct net_eth_hdr *)f;
    memcpy(e->dst, (uint8_t[]){ 0x02, 0, 0, 0, 0, 0x02 }, 6);
    memcpy(e->src, (uint8_t[]){ 0x02, 0, 0, 0, 0, 0xfe }, 6);
    os_put_be16(&e->type, NET_ETHERTYPE_ARP);
    struct net_arp_hdr *a = (struct net_arp_hdr *)(e + 1);
    os_put_be16(&a->htype, 1);
    os_put_be16(&a->ptype, NET_ETHERTYPE_IPV4);
    a->hlen = 6, a->plen = 4;
    os_put_be16(&a->op, NET_ARP_REPLY);
    memcpy(a->sha, e->src, 6);
    net_put_ip(a->spa, 0x0a0000fe);
    memcpy(a->tha, e->dst, 6);
    net_put_ip(a->tpa, NH_OUR_IP);
    nh_frame(&nh_h, f, sizeof f);
    struct nh_seg s;
    assert_true(nh_pop_tcp(&nh_h, &s)); /* the SYN, to the gateway's MAC */
    assert_int_equal(s.flags, NET_TCP_SYN);
    net_tcp_close(c);
}

/* Scripted DHCP server: answers the client's message in f (a frame the
 * stack sent) with `type`, offering 10.0.0.77/24 via 10.0.0.1. */
static void dhcp_answer(uint8_t *req, uint8_t type, uint32_t lease)
{
    const uint8_t *udp = req + NET_ETH_HLEN + NET_IP_HLEN;
    const struct net_dhcp_hdr *q = (const struct net_dhcp_hdr *)(udp + 8);
    uint8_t msg[300] = { 0 };
    struct net_dhcp_hdr *d = (struct net_dhcp_hdr *)(msg + 8);
    d->op = 2, d->htype = 1, d->hlen = 6;
    d->xid = q->xid;
    memcpy(d->chaddr, q->chaddr, 16);
    net_put_ip(d->yiaddr, 0x0a00004d);
    os_put_be32(&d->magic, NET_DHCP_MAGIC);
    uint8_t *o = (uint8_t *)(d + 1);
    *o++ = 53, *o++ = 1, *o++ = type;
    *o++ = 54, *o++ = 4, o[0] = 10, o[1] = 0, o[2] = 0, o[3] = 1, o += 4;
    *o++ = 1, *o++ = 4, o[0] = 255, o[1] = 255, o[2] = 255, o[3] = 0, o += 4;
    *o++ = 3, *o++ = 4, o[0] = 10, o[1] = 0, o[2] = 0, o[3] = 1, o += 4;
    *o++ = 51, *o++ = 4;
    os_put_be32(o, lease), o += 4;
    *o++ = 255;
    size_t ulen = (size_t)(o - msg);
    os_put_be16(msg, 67);
    os_put_be16(msg + 2, 68);
    os_put_be16(msg + 4, (uint16_t)ulen);
    uint8_t f[400];
    nh_frame(&nh_h, f, ip_frame(f, NET_IP_PROTO_UDP, 0xffffffffu, 0, msg, ulen));
}

/* Pops frames until a DHCP message from the client.  Returns its type. */
static int pop_dhcp(uint8_t *f)
{
    for (;;) {
        size_t n = nh_pop_raw(&nh_h, f, 1500);
        if (!n)
            return -1;
        if (os_get_be16(f + 12) != NET_ETHERTYPE_IPV4 || f[NET_ETH_HLEN + 9] != NET_IP_PROTO_UDP)
            continue;
        const uint8_t *o = f + NET_ETH_HLEN + NET_IP_HLEN + 8 + sizeof(struct net_dhcp_hdr);
        return o[0] == 53 ? o[2] : -1;
    }
}

static void test_dhcp_discover_offer_request_ack(void **state)
{
    uint8_t f[1500];
    struct net_stack *st = nh_h.st;
    net_start_dhcp(st, nh_h.now);
    nh_advance(&nh_h, nh_h.now + 1);
    assert_int_equal(pop_dhcp(f), 1); /* DISCOVER */
    dhcp_answer(f, 2, 120);           /* OFFER */
    nh_advance(&nh_h, nh_h.now + 1);
    assert_int_equal(pop_dhcp(f), 3); /* REQUEST */
    dhcp_answer(f, 5, 120);           /* ACK */
    uint32_t a;
    uint8_t plen;
    assert_true(net_get_addr(st, &a, &plen));
    assert_int_equal(a, 0x0a00004d);
    assert_int_equal(plen, 24);
    assert_int_equal(net_get_stats(st)->dhcp_acks, 1);
    /* renewal at T1 (60 s): a unicast REQUEST to the server, which is
     * resolved first (the new address emptied the ARP cache) */
    nh_drain(&nh_h);
    uint64_t arps = net_get_stats(st)->arp_requests_sent;
    nh_advance(&nh_h, nh_h.now + 60000 * MS);
    assert_int_equal(net_get_stats(st)->arp_requests_sent, arps + 1);
}

static void test_dhcp_nak_starts_over(void **state)
{
    uint8_t f[1500];
    net_start_dhcp(nh_h.st, nh_h.now);
    nh_advance(&nh_h, nh_h.now + 1);
    assert_int_equal(pop_dhcp(f), 1);
    dhcp_answer(f, 2, 120);
    nh_advance(&nh_h, nh_h.now + 1);
    assert_int_equal(pop_dhcp(f), 3);
    dhcp_answer(f, 6, 0); /* NAK */
    assert_false(net_get_addr(nh_h.st, NULL, NULL));
    assert_int_equal(net_get_stats(nh_h.st)->dhcp_naks, 1);
    nh_advance(&nh_h, nh_h.now + 1);
    assert_int_equal(pop_dhcp(f), 1); /* DISCOVER again */
}

static void test_dhcp_reply_with_bad_options_counted(void **state)
{
    uint8_t f[1500];
    net_start_dhcp(nh_h.st, nh_h.now);
    nh_advance(&nh_h, nh_h.now + 1);
    assert_int_equal(pop_dhcp(f), 1);
    uint8_t msg[8 + 244] = { 0 };
    struct net_dhcp_hdr *d = (struct net_dhcp_hdr *)(msg + 8);
    d->op = 2, d->hlen = 6;
    os_put_be32(&d->magic, NET_DHCP_MAGIC);
    uint8_t *o = (uint8_t *)(d + 1);
    o[0] = 53, o[1] = 200; /* runs past the end */
    os_put_be16(msg, 67);
    os_put_be16(msg + 2, 68);
    os_put_be16(msg + 4, sizeof msg);
    uint8_t fr[400];
    nh_frame(&nh_h, fr, ip_frame(fr, NET_IP_PROTO_UDP, 0xffffffffu, 0, msg, sizeof msg));
    assert_int_equal(net_get_stats(nh_h.st)->dhcp_bad, 1);
}

static void test_parse_ipspec(void **state)
{
    uint32_t a, gw;
    uint8_t plen;
    assert_int_equal(net_parse_ipspec("10.1.2.3/24,10.1.2.1", &a, &plen, &gw), 0);
    assert_int_equal(a, 0x0a010203);
    assert_int_equal(plen, 24);
    assert_int_equal(gw, 0x0a010201);
    assert_int_equal(net_parse_ipspec("10.1.2.3/8", &a, &plen, &gw), 0);
    assert_int_equal(gw, 0);
    assert_int_equal(net_parse_ipspec("10.1.2.3", &a, &plen, &gw), -EINVAL);
    assert_int_equal(net_parse_ipspec("10.1.2.3/33", &a, &plen, &gw), -EINVAL);
    assert_int_equal(net_parse_ipspec("10.1.2.256/24", &a, &plen, &gw), -EINVAL);
    assert_int_equal(net_parse_ipspec("10.1.2/24", &a, &plen, &gw), -EINVAL);
    assert_int_equal(net_parse_ipspec("10.1.2.3/24,x", &a, &plen, &gw), -EINVAL);
    assert_int_equal(net_parse_ipspec("0.0.0.0/0", &a, &plen, &gw), -EINVAL);
}

static void test_pair_moves_frames_both_ways(void **state)
{
    struct netdev *a, *b;
    struct pkt_pool *pool = pkt_pool_create(8, PKT_DEFAULT_SLOT, PKT_DEFAULT_HEADROOM);
    assert_int_equal(net_pair_create((uint8_t[]){ 2, 0, 0, 0, 0, 9 }, "LOCAL", &a, &b), 0);
    assert_string_equal(a->name, "LOCAL");
    struct pkt *p = pkt_alloc(pool), *q[4];
    pkt_put(p, 60);
    pkt_ref(p); /* shared: the pair must copy it */
    assert_int_equal(netdev_tx_burst(a, &p, 1), 1);
    assert_int_equal(netdev_arm_rx_wakeup(b), -EAGAIN);
    assert_int_equal(netdev_rx_burst(b, q, 4), 1);
    assert_ptr_not_equal(q[0], p);
    assert_int_equal(q[0]->refcnt, 1);
    assert_int_equal(netdev_arm_rx_wakeup(b), 0);
    pkt_free(q[0]);
    assert_int_equal(p->refcnt, 1);
    assert_int_equal(netdev_tx_burst(b, &p, 1), 1);
    assert_int_equal(netdev_rx_burst(a, q, 4), 1);
    assert_ptr_equal(q[0], p);
    pkt_free(q[0]);
    netdev_close(a);
    netdev_close(b);
    assert_int_equal(pkt_pool_avail(pool), 8);
    pkt_pool_destroy(pool);
}

static void test_pair_queue_bounded(void **state)
{
    struct netdev *a, *b;
    struct pkt_pool *pool = pkt_pool_create(NET_PAIR_QUEUE + 8, PKT_DEFAULT_SLOT,
                                            PKT_DEFAULT_HEADROOM);
    assert_int_equal(net_pair_create((uint8_t[]){ 2, 0, 0, 0, 0, 9 }, "LOCAL", &a, &b), 0);
    for (unsigned i = 0; i < NET_PAIR_QUEUE + 8; i++) {
        struct pkt *p = pkt_alloc(pool);
        netdev_tx_burst(a, &p, 1);
    }
    assert_int_equal(a->stats.tx_dropped, 8);
    netdev_close(a);
    netdev_close(b);
    assert_int_equal(pkt_pool_avail(pool), NET_PAIR_QUEUE + 8);
    pkt_pool_destroy(pool);
}

#define T(f) cmocka_unit_test_prestate_setup_teardown(f, nh_test_setup, nh_test_teardown, #f)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_echo_request_answered),
        T(test_fragment_dropped_and_counted),
        T(test_bad_ip_checksum_dropped),
        T(test_total_length_beyond_frame_dropped),
        T(test_packet_for_another_host_ignored),
        T(test_runt_frame_counted),
        T(test_arp_pending_queue_bounded),
        T(test_arp_reply_releases_pending),
        T(test_dhcp_discover_offer_request_ack),
        T(test_dhcp_nak_starts_over),
        T(test_dhcp_reply_with_bad_options_counted),
        cmocka_unit_test(test_parse_ipspec),
        cmocka_unit_test(test_pair_moves_frames_both_ways),
        cmocka_unit_test(test_pair_queue_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
