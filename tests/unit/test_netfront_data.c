/*
 * test_netfront_data.c — netfront's data path (netfront/netfront.c) against
 * a backend played in host memory (tests/unit/netback_fake.c): zero-copy
 * RX and TX through grants, checksum-blank completion, notification
 * discipline, wake-up arming, and every malformed response a backend could
 * send.  The grant table is the real one (libos/xen/gnttab_core.c) on host
 * pages; event channels are counted (tests/unit/xen/plat_fake.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "libos/xen/gnttab_core.c"
#include "libos/xen/xs_client.c"
#include "libos/xen/xs_ring.c"
#include "netback_fake.h"
#include "netfront/netfront.c"
#include "netfront/netfront_xs.c"
#include "tests/unit/xen/plat_fake.c"

#define BE_DOM 0
#define POOL 512

/* The platform: tests/unit/xen/plat_fake.c; no xenstore (the control
 * path is linked but never reached: these tests open no device). */
struct xs_client *xen_xs(void)
{
    return NULL;
}

/* ---- fixture ---- */
struct fx {
    struct pkt_pool *pool;
    struct netfront nf;
    struct nb_queue be[2];
};

static void fx_open(struct fx *x, unsigned queues)
{
    x->nf.nd.pool = x->pool;
    x->nf.nd.priv = &x->nf;
    x->nf.nd.cls = &netfront_class;
    strcpy(x->nf.nd.name, "vif0");
    x->nf.backend_id = BE_DOM;
    x->nf.n_queues = queues;
    for (unsigned i = 0; i < queues; i++) {
        assert_int_equal(nf_queue_create(&x->nf, i), 0);
        assert_int_equal(nb_attach(&x->be[i], &xen_fake_gnt, BE_DOM, x->nf.q[i]->tx_ref,
                                   x->nf.q[i]->rx_ref), 0);
    }
    x->nf.state = NF_CONNECTED;
    x->nf.nd.link_up = true;
}

static int setup_n(void **state, unsigned queues)
{
    struct fx *x = calloc(1, sizeof *x);
    assert_non_null(x);
    xen_fake_reset(8);
    x->pool = pkt_pool_create(POOL, 4096, 128);
    assert_non_null(x->pool);
    fx_open(x, queues);
    *state = x;
    return 0;
}

static int setup(void **state)
{
    return setup_n(state, 1);
}

static int setup2(void **state)
{
    return setup_n(state, 2);
}

static int teardown(void **state)
{
    struct fx *x = *state;
    for (unsigned i = 0; i < NETFRONT_MAX_QUEUES; i++)
        nf_queue_destroy(&x->nf, i);
    assert_int_equal(pkt_pool_avail(x->pool), POOL); /* nothing leaked */
    assert_int_equal(xen_fake_gnt.st.in_use, 0);
    pkt_pool_destroy(x->pool);
    xen_fake_fini();
    free(x);
    return 0;
}

/* Fills f with a 60-byte Ethernet frame whose bytes follow `seed`.
 * Returns its length. */
static uint16_t frame(uint8_t *f, uint8_t seed)
{
    for (unsigned i = 0; i < 60; i++)
        f[i] = (uint8_t)(seed + i);
    f[12] = 0x88;
    f[13] = 0xb5; /* a local experimental ethertype: no checksum to check */
    return 60;
}

/* Returns the ones-complement sum of b[0..n) (reference implementation). */
static uint32_t ref_sum(const uint8_t *b, size_t n, uint32_t s)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(b[i] << 8 | b[i + 1]);
    if (n & 1)
        s += (uint32_t)(b[n - 1] << 8);
    return s;
}

static uint16_t ref_fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

/* Builds an IPv4/UDP frame of `payload` bytes with the pseudo-header sum
 * in the checksum field (what a Linux sender leaves for offload), padded
 * to `pad_to` with junk.  Returns the frame length. */
static uint16_t udp_blank(uint8_t *f, uint16_t payload, uint16_t pad_to)
{
    memset(f, 0, 14 + 20 + 8 + payload);
    memcpy(f, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00", 14);
    uint8_t *ip = f + 14, *udp = ip + 20;
    uint16_t tot = (uint16_t)(20 + 8 + payload);
    ip[0] = 0x45;
    ip[2] = (uint8_t)(tot >> 8);
    ip[3] = (uint8_t)tot;
    ip[8] = 64;
    ip[9] = 17;
    memcpy(ip + 12, "\x0a\0\0\x01\x0a\0\0\x02", 8);
    uint16_t ic = ref_fold(ref_sum(ip, 20, 0));
    ip[10] = (uint8_t)(ic >> 8);
    ip[11] = (uint8_t)ic;
    udp[0] = 0x30; udp[1] = 0x39; udp[2] = 0x00; udp[3] = 0x35;
    udp[4] = (uint8_t)((8 + payload) >> 8);
    udp[5] = (uint8_t)(8 + payload);
    for (unsigned i = 0; i < payload; i++)
        udp[8 + i] = (uint8_t)(i * 7 + 1);
    uint32_t pseudo = ref_sum(ip + 12, 8, 0) + 17 + 8 + payload;
    while (pseudo >> 16)
        pseudo = (pseudo & 0xffff) + (pseudo >> 16);
    udp[6] = (uint8_t)(pseudo >> 8); /* the seed, not complemented */
    udp[7] = (uint8_t)pseudo;
    uint16_t len = (uint16_t)(14 + tot);
    for (; len < pad_to; len++)
        f[len] = 0xee;
    return len;
}

/* Returns true when the UDP checksum of frame f verifies. */
static bool udp_ok(const uint8_t *f)
{
    const uint8_t *ip = f + 14, *udp = ip + 20;
    uint16_t ulen = (uint16_t)(udp[4] << 8 | udp[5]);
    uint32_t s = ref_sum(ip + 12, 8, 0) + 17 + ulen;
    return ref_fold(ref_sum(udp, ulen, s)) == 0;
}

/* Receives once.  Returns how many packets came (stored in pkts). */
static unsigned rx(struct fx *x, struct pkt **pkts)
{
    return netfront_class.rx_burst(&x->nf.nd, pkts, PKT_BURST);
}

/* The backend answers every TX request of queue k with OKAY and the
 * frontend reclaims them.  Returns nothing. */
static void be_complete_tx(struct fx *x, unsigned k)
{
    struct netif_tx_request req;
    const uint8_t *data;
    struct pkt *p[PKT_BURST];
    while (nb_tx_take(&x->be[k], &req, &data))
        nb_tx_respond(&x->be[k], req.id, NETIF_RSP_OKAY);
    nb_publish(&x->be[k]);
    assert_int_equal(rx(x, p), 0);
}

/* ---- RX ---- */

static void queue_setup_grants_rings_and_posts_buffers(void **state)
{
    struct fx *x = *state;
    struct nf_queue *q = x->nf.q[0];
    assert_int_equal(q->rx_target, POOL / 8);
    assert_int_equal(nb_rx_posted(&x->be[0]), q->rx_target);
    assert_int_equal(pkt_pool_avail(x->pool), POOL - q->rx_target);
    assert_int_equal(x->be[0].bad_grants, 0);
    assert_int_equal(xen_fake_notifies[q->evtchn_rx % 64], 1); /* req_event starts at 1 */
}

static void a_received_frame_is_the_posted_page(void **state)
{
    struct fx *x = *state;
    uint8_t f[64];
    struct pkt *p[PKT_BURST];
    struct netif_rx_request req = x->be[0].rx->ring[0].req;
    uint8_t *page = nb_gfn_to_virt(gnt_entry(&xen_fake_gnt, req.gref)->frame);
    uint16_t len = frame(f, 1);
    assert_int_equal(nb_rx_frame(&x->be[0], f, len, 0, 0), 0);
    nb_publish(&x->be[0]);
    assert_int_equal(rx(x, p), 1);
    assert_ptr_equal(p[0]->buf, page); /* zero copy: the very page */
    assert_ptr_equal(p[0]->data, page);
    assert_int_equal(p[0]->len, len);
    assert_memory_equal(p[0]->data, f, len);
    assert_true(p[0]->ts_ns != 0);
    assert_int_equal(xen_fake_gnt.st.ends, 1); /* revoked (the refill may reuse the reference) */
    assert_true(gnt_entry(&xen_fake_gnt, req.gref)->frame != xen_virt_to_gfn(page));
    assert_int_equal(x->nf.nd.stats.rx_packets, 1);
    assert_int_equal(nb_rx_posted(&x->be[0]), x->nf.q[0]->rx_target); /* refilled */
    pkt_free(p[0]);
}

static void a_frame_at_an_offset_starts_there(void **state)
{
    struct fx *x = *state;
    uint8_t f[64];
    struct pkt *p[PKT_BURST];
    uint16_t len = frame(f, 9);
    assert_int_equal(nb_rx_frame(&x->be[0], f, len, 100, 0), 0);
    nb_publish(&x->be[0]);
    assert_int_equal(rx(x, p), 1);
    assert_ptr_equal(p[0]->data, p[0]->buf + 100);
    assert_memory_equal(p[0]->data, f, len);
    pkt_free(p[0]);
}

static void a_burst_stops_at_n_and_the_rest_waits(void **state)
{
    struct fx *x = *state;
    uint8_t f[64];
    struct pkt *p[PKT_BURST];
    for (int i = 0; i < 40; i++)
        assert_int_equal(nb_rx_frame(&x->be[0], f, frame(f, (uint8_t)i), 0, 0), 0);
    nb_publish(&x->be[0]);
    assert_int_equal(rx(x, p), PKT_BURST);
    for (unsigned i = 0; i < PKT_BURST; i++)
        assert_int_equal(p[i]->data[0], i); /* in ring order */
    pkt_free_burst(p, PKT_BURST);
    assert_int_equal(rx(x, p), 8);
    assert_int_equal(p[0]->data[0], 32);
    pkt_free_burst(p, 8);
}

static void a_checksum_blank_frame_is_completed(void **state)
{
    struct fx *x = *state;
    uint8_t f[128];
    struct pkt *p[PKT_BURST];
    uint16_t len = udp_blank(f, 33, 0);
    assert_false(udp_ok(f));
    assert_int_equal(nb_rx_frame(&x->be[0], f, len, 0, NETRXF_csum_blank | NETRXF_data_validated),
                     0);
    nb_publish(&x->be[0]);
    assert_int_equal(rx(x, p), 1);
    assert_true(udp_ok(p[0]->data));
    assert_int_equal(x->nf.q[0]->st.csum_completed, 1);
    pkt_free(p[0]);
}

static void checksum_completion_leaves_out_ethernet_padding(void **state)
{
    struct fx *x = *state;
    uint8_t f[128];
    struct pkt *p[PKT_BURST];
    uint16_t len = udp_blank(f, 2, 60); /* 44 bytes of frame + 16 of padding */
    assert_int_equal(len, 60);
    assert_int_equal(nb_rx_frame(&x->be[0], f, len, 0, NETRXF_csum_blank), 0);
    nb_publish(&x->be[0]);
    assert_int_equal(rx(x, p), 1);
    assert_true(udp_ok(p[0]->data));
    assert_int_equal(p[0]->len, 60);
    pkt_free(p[0]);
}

static void a_data_validated_frame_is_left_as_it_is(void **state)
{
    struct fx *x = *state;
    uint8_t f[128];
    struct pkt *p[PKT_BURST];
    uint16_t len = udp_blank(f, 10, 0);
    assert_int_equal(nb_rx_frame(&x->be[0], f, len, 0, NETRXF_data_validated), 0);
    nb_publish(&x->be[0]);
    assert_int_equal(rx(x, p), 1);
    assert_memory_equal(p[0]->data, f, len);
    assert_int_equal(x->nf.q[0]->st.csum_completed, 0);
    pkt_free(p[0]);
}

static void a_checksum_blank_frame_that_cannot_be_completed_is_dropped(void **state)
{
    struct fx *x = *state;
    uint8_t f[64];
    struct pkt *p[PKT_BURST];
    uint16_t len = frame(f, 3); /* not IP */
    assert_int_equal(nb_rx_frame(&x->be[0], f, len, 0, NETRXF_csum_blank), 0);
    nb_publish(&x->be[0]);
    assert_int_equal(rx(x, p), 0);
    assert_int_equal(x->nf.nd.stats.rx_errors, 1);
}

static void error_statuses_are_counted_and_the_buffer_reused(void **state)
{
    struct fx *x = *state;
    struct pkt *p[PKT_BURST];
    uint32_t avail = pkt_pool_avail(x->pool);
    assert_int_equal(nb_rx_raw(&x->be[0], (struct netif_rx_response){ 0, 0, 0, NETIF_RSP_ERROR }), 0);
    assert_int_equal(nb_rx_raw(&x->be[0], (struct netif_rx_response){ 1, 0, 0, NETIF_RSP_DROPPED }), 0);
    nb_publish(&x->be[0]);
    assert_int_equal(rx(x, p), 0);
    assert_int_equal(x->nf.nd.stats.rx_errors, 2);
    assert_int_equal(pkt_pool_avail(x->pool), avail); /* freed and posted again */
}

static void malformed_responses_are_dropped_and_counted(void **state)
{
    struct fx *x = *state;
    struct pkt *p[PKT_BURST];
    const struct netif_rx_response bad[] = {
        { 5, 0, 0, 60 },            /* id is not its ring position (0) */
        { 1, 4000, 0, 200 },        /* offset + length beyond the page */
        { 2, 0, 0, 0 },             /* empty frame */
        { 3, 0, 0, 3000 },          /* longer than the MTU allows */
        { 4, 0, NETRXF_gso_prefix, 60 },
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(nb_rx_raw(&x->be[0], bad[i]), 0);
    nb_publish(&x->be[0]);
    assert_int_equal(rx(x, p), 0);
    assert_int_equal(x->nf.q[0]->st.bad_rsp, 5);
    assert_int_equal(x->nf.nd.stats.rx_frame_err, 5);
    assert_false(x->nf.q[0]->broken);
}

static void a_multi_slot_frame_is_dropped_whole(void **state)
{
    struct fx *x = *state;
    uint8_t f[64];
    struct pkt *p[PKT_BURST];
    /* first slot: more data and an extra; the extra says another follows;
     * then two continuation slots, the last without more_data; then a good
     * frame. */
    assert_int_equal(nb_rx_raw(&x->be[0], (struct netif_rx_response){
                         0, 0, NETRXF_more_data | NETRXF_extra_info, 1000 }), 0);
    struct netif_rx_response ex = { 0 };
    struct netif_extra_info *e = (struct netif_extra_info *)&ex;
    e->type = 1;
    e->flags = XEN_NETIF_EXTRA_FLAG_MORE;
    assert_int_equal(nb_rx_raw(&x->be[0], ex), 0);
    e->flags = 0;
    assert_int_equal(nb_rx_raw(&x->be[0], ex), 0);
    assert_int_equal(nb_rx_raw(&x->be[0], (struct netif_rx_response){ 3, 0, NETRXF_more_data, 1000 }), 0);
    assert_int_equal(nb_rx_raw(&x->be[0], (struct netif_rx_response){ 4, 0, 0, 500 }), 0);
    assert_int_equal(nb_rx_frame(&x->be[0], f, frame(f, 77), 0, 0), 0);
    nb_publish(&x->be[0]);
    assert_int_equal(rx(x, p), 1);
    assert_int_equal(p[0]->data[0], 77);
    assert_int_equal(x->nf.nd.stats.rx_errors, 1); /* one frame refused */
    pkt_free(p[0]);
}

static void responses_beyond_the_requests_stop_the_queue(void **state)
{
    struct fx *x = *state;
    struct pkt *p[PKT_BURST];
    struct nf_queue *q = x->nf.q[0];
    __atomic_store_n(&q->rx->h.rsp_prod, q->rx_prod + 1, __ATOMIC_RELEASE);
    assert_int_equal(rx(x, p), 0);
    assert_true(q->broken);
    assert_int_equal(rx(x, p), 0); /* and stays stopped */
    struct pkt *t = pkt_alloc(x->pool);
    t->len = 60;
    assert_int_equal(netfront_class.tx_burst(&x->nf.nd, &t, 1), 0);
    assert_int_equal(x->nf.nd.stats.tx_dropped, 1);
}

static void a_buffer_the_backend_still_maps_is_never_reused(void **state)
{
    struct fx *x = *state;
    uint8_t f[64];
    struct pkt *p[PKT_BURST];
    struct netif_rx_request req = x->be[0].rx->ring[0].req;
    struct pkt *held = x->nf.q[0]->rx_pkt[0];
    assert_int_equal(nb_rx_frame(&x->be[0], f, frame(f, 1), 0, 0), 0);
    gnt_entry(&xen_fake_gnt, req.gref)->flags |= GTF_writing; /* Xen: still mapped */
    nb_publish(&x->be[0]);
    uint32_t avail = pkt_pool_avail(x->pool);
    assert_int_equal(rx(x, p), 0);
    assert_int_equal(x->nf.q[0]->st.leaked, 1);
    assert_int_equal(pkt_pool_avail(x->pool), avail - 1); /* refilled from the pool */
    assert_int_equal(held->refcnt, 1);                     /* not freed */
    /* The backend lets go at last; give the page back so the fixture's
     * leak check balances. */
    gnt_entry(&xen_fake_gnt, req.gref)->flags &= (uint16_t)~GTF_writing;
    assert_int_equal(gnt_end(&xen_fake_gnt, req.gref), 0);
    pkt_free(held);
}

/* ---- TX ---- */

static void a_sent_packet_is_granted_read_only_and_freed_on_response(void **state)
{
    struct fx *x = *state;
    struct pkt *t = pkt_alloc(x->pool);
    uint8_t f[64];
    uint16_t len = frame(f, 5);
    memcpy(pkt_put(t, len), f, len);
    uint32_t avail = pkt_pool_avail(x->pool);
    assert_int_equal(netfront_class.tx_burst(&x->nf.nd, &t, 1), 1);
    struct netif_tx_request req;
    const uint8_t *data;
    assert_int_equal(nb_tx_take(&x->be[0], &req, &data), 1);
    assert_non_null(data);
    assert_ptr_equal(data, t->data); /* zero copy: the packet's own page */
    assert_int_equal(req.size, len);
    assert_int_equal(req.offset, 128);
    assert_int_equal(req.flags, 0);
    assert_true(gnt_entry(&xen_fake_gnt, req.gref)->flags & GTF_readonly);
    assert_int_equal(pkt_pool_avail(x->pool), avail); /* held until the response */
    nb_tx_respond(&x->be[0], req.id, NETIF_RSP_OKAY);
    nb_publish(&x->be[0]);
    struct pkt *p[PKT_BURST];
    rx(x, p); /* reclaims TX */
    assert_int_equal(pkt_pool_avail(x->pool), avail + 1);
    assert_int_equal(xen_fake_gnt.st.in_use, 2 + x->nf.q[0]->rx_target); /* rings and RX only */
    assert_int_equal(x->nf.nd.stats.tx_packets, 1);
    assert_int_equal(x->nf.nd.stats.tx_errors, 0);
}

static void a_tx_error_status_is_counted(void **state)
{
    struct fx *x = *state;
    struct pkt *t = pkt_alloc(x->pool);
    t->len = 60;
    assert_int_equal(netfront_class.tx_burst(&x->nf.nd, &t, 1), 1);
    struct netif_tx_request req;
    const uint8_t *data;
    assert_int_equal(nb_tx_take(&x->be[0], &req, &data), 1);
    nb_tx_respond(&x->be[0], req.id, NETIF_RSP_ERROR);
    nb_publish(&x->be[0]);
    struct pkt *p[PKT_BURST];
    rx(x, p);
    assert_int_equal(x->nf.nd.stats.tx_errors, 1);
}

static void a_tx_response_with_a_bad_id_is_counted(void **state)
{
    struct fx *x = *state;
    struct pkt *p[PKT_BURST];
    nb_tx_respond(&x->be[0], 300, NETIF_RSP_OKAY); /* beyond the ring */
    nb_tx_respond(&x->be[0], 7, NETIF_RSP_OKAY);   /* not outstanding */
    x->nf.q[0]->tx_prod += 2;                      /* as if two were sent */
    nb_publish(&x->be[0]);
    rx(x, p);
    assert_int_equal(x->nf.q[0]->st.bad_rsp, 2);
    assert_int_equal(x->nf.nd.stats.tx_errors, 2);
    assert_false(x->nf.q[0]->broken);
}

static void a_frame_that_would_cross_its_page_is_dropped(void **state)
{
    struct fx *x = *state;
    struct pkt *t = pkt_alloc(x->pool);
    t->data = t->buf + 4000;
    t->len = 200;
    assert_int_equal(netfront_class.tx_burst(&x->nf.nd, &t, 1), 0);
    assert_int_equal(x->nf.nd.stats.tx_dropped, 1);
    struct netif_tx_request req;
    const uint8_t *data;
    assert_int_equal(nb_tx_take(&x->be[0], &req, &data), 0);
}

static void a_full_ring_waits_briefly_then_drops(void **state)
{
    struct fx *x = *state;
    struct pkt *t[PKT_BURST];
    for (unsigned sent = 0; sent < NETIF_TX_RING_SIZE; sent += PKT_BURST) {
        assert_int_equal(pkt_alloc_burst(x->pool, t, PKT_BURST), PKT_BURST);
        for (unsigned i = 0; i < PKT_BURST; i++)
            t[i]->len = 60;
        assert_int_equal(netfront_class.tx_burst(&x->nf.nd, t, PKT_BURST), PKT_BURST);
    }
    struct pkt *one = pkt_alloc(x->pool);
    one->len = 60;
    uint64_t t0 = os_clock_ns();
    assert_int_equal(netfront_class.tx_burst(&x->nf.nd, &one, 1), 0);
    assert_true(os_clock_ns() - t0 >= NF_TX_WAIT_NS);
    assert_int_equal(x->nf.q[0]->st.tx_full, 1);
    assert_int_equal(x->nf.nd.stats.tx_dropped, 1);
    be_complete_tx(x, 0); /* the backend answers them all: everything comes back */
    assert_int_equal(x->nf.q[0]->tx_nfree, NETIF_TX_RING_SIZE);
}

static void notifications_follow_the_backends_req_event(void **state)
{
    struct fx *x = *state;
    struct nf_queue *q = x->nf.q[0];
    unsigned before = xen_fake_notifies[q->evtchn_tx % 64];
    q->tx->h.req_event = q->tx_prod + 1; /* the backend waits for the next one */
    struct pkt *t = pkt_alloc(x->pool);
    t->len = 60;
    netfront_class.tx_burst(&x->nf.nd, &t, 1);
    assert_int_equal(xen_fake_notifies[q->evtchn_tx % 64], before + 1);
    q->tx->h.req_event = q->tx_prod + 100; /* the backend is polling */
    t = pkt_alloc(x->pool);
    t->len = 60;
    netfront_class.tx_burst(&x->nf.nd, &t, 1);
    assert_int_equal(xen_fake_notifies[q->evtchn_tx % 64], before + 1);
    be_complete_tx(x, 0);
}

static void two_queues_keep_a_flow_on_one_queue(void **state)
{
    struct fx *x = *state;
    uint8_t f[128];
    uint16_t len = udp_blank(f, 20, 0);
    for (int i = 0; i < 8; i++) {
        struct pkt *t = pkt_alloc(x->pool);
        memcpy(pkt_put(t, len), f, len);
        assert_int_equal(netfront_class.tx_burst(&x->nf.nd, &t, 1), 1);
    }
    unsigned on0 = x->nf.q[0]->st.tx, on1 = x->nf.q[1]->st.tx;
    assert_true((on0 == 8 && on1 == 0) || (on0 == 0 && on1 == 8));
    be_complete_tx(x, 0);
    be_complete_tx(x, 1);
}

static void two_queues_are_both_received_from(void **state)
{
    struct fx *x = *state;
    uint8_t f[64];
    struct pkt *p[PKT_BURST];
    assert_int_equal(nb_rx_frame(&x->be[0], f, frame(f, 10), 0, 0), 0);
    assert_int_equal(nb_rx_frame(&x->be[1], f, frame(f, 20), 0, 0), 0);
    nb_publish(&x->be[0]);
    nb_publish(&x->be[1]);
    assert_int_equal(rx(x, p), 2);
    pkt_free_burst(p, 2);
    assert_int_equal(x->nf.q[0]->st.rx + x->nf.q[1]->st.rx, 2);
    assert_int_equal(x->nf.q[0]->st.rx, 1);
}

/* ---- wake-ups and state ---- */

static void arming_asks_for_the_next_rx_response(void **state)
{
    struct fx *x = *state;
    struct nf_queue *q = x->nf.q[0];
    uint8_t f[64];
    assert_int_equal(netfront_class.arm_rx_wakeup(&x->nf.nd), 0);
    assert_int_equal(q->rx->h.rsp_event, q->rx_cons + 1);
    assert_int_equal(nb_rx_frame(&x->be[0], f, frame(f, 1), 0, 0), 0);
    assert_true(nb_publish(&x->be[0])); /* the backend must notify now */
}

static void arming_with_a_frame_waiting_is_eagain(void **state)
{
    struct fx *x = *state;
    uint8_t f[64];
    struct pkt *p[PKT_BURST];
    assert_int_equal(nb_rx_frame(&x->be[0], f, frame(f, 1), 0, 0), 0);
    nb_publish(&x->be[0]);
    assert_int_equal(netfront_class.arm_rx_wakeup(&x->nf.nd), -EAGAIN);
    assert_int_equal(rx(x, p), 1);
    pkt_free(p[0]);
    assert_int_equal(netfront_class.arm_rx_wakeup(&x->nf.nd), 0);
}

static void arming_with_tx_outstanding_asks_for_its_completion(void **state)
{
    struct fx *x = *state;
    struct nf_queue *q = x->nf.q[0];
    struct pkt *t = pkt_alloc(x->pool);
    t->len = 60;
    netfront_class.tx_burst(&x->nf.nd, &t, 1);
    assert_int_equal(netfront_class.arm_rx_wakeup(&x->nf.nd), 0);
    assert_int_equal(q->tx->h.rsp_event, q->tx_cons + 1);
    struct netif_tx_request req;
    const uint8_t *data;
    nb_tx_take(&x->be[0], &req, &data);
    nb_tx_respond(&x->be[0], req.id, NETIF_RSP_OKAY);
    assert_true(nb_publish(&x->be[0]));
    struct pkt *p[PKT_BURST];
    rx(x, p);
}

static void a_vif_that_is_not_connected_moves_nothing(void **state)
{
    struct fx *x = *state;
    uint8_t f[64];
    struct pkt *p[PKT_BURST];
    assert_int_equal(nb_rx_frame(&x->be[0], f, frame(f, 1), 0, 0), 0);
    nb_publish(&x->be[0]);
    x->nf.state = NF_CLOSING;
    assert_int_equal(rx(x, p), 0);
    struct pkt *t = pkt_alloc(x->pool);
    t->len = 60;
    assert_int_equal(netfront_class.tx_burst(&x->nf.nd, &t, 1), 0);
    assert_int_equal(x->nf.nd.stats.tx_dropped, 1);
    assert_int_equal(netfront_class.arm_rx_wakeup(&x->nf.nd), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
#define T2(f) cmocka_unit_test_setup_teardown(f, setup2, teardown)
    const struct CMUnitTest tests[] = {
        T(queue_setup_grants_rings_and_posts_buffers),
        T(a_received_frame_is_the_posted_page),
        T(a_frame_at_an_offset_starts_there),
        T(a_burst_stops_at_n_and_the_rest_waits),
        T(a_checksum_blank_frame_is_completed),
        T(checksum_completion_leaves_out_ethernet_padding),
        T(a_data_validated_frame_is_left_as_it_is),
        T(a_checksum_blank_frame_that_cannot_be_completed_is_dropped),
        T(error_statuses_are_counted_and_the_buffer_reused),
        T(malformed_responses_are_dropped_and_counted),
        T(a_multi_slot_frame_is_dropped_whole),
        T(responses_beyond_the_requests_stop_the_queue),
        T(a_buffer_the_backend_still_maps_is_never_reused),
        T(a_sent_packet_is_granted_read_only_and_freed_on_response),
        T(a_tx_error_status_is_counted),
        T(a_tx_response_with_a_bad_id_is_counted),
        T(a_frame_that_would_cross_its_page_is_dropped),
        T(a_full_ring_waits_briefly_then_drops),
        T(notifications_follow_the_backends_req_event),
        T2(two_queues_keep_a_flow_on_one_queue),
        T2(two_queues_are_both_received_from),
        T(arming_asks_for_the_next_rx_response),
        T(arming_with_a_frame_waiting_is_eagain),
        T(arming_with_tx_outstanding_asks_for_its_completion),
        T(a_vif_that_is_not_connected_moves_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
