/* test_dp_pipeline.c — the datapath end to end with in-memory netdevs:
 * flood/all, IN_PORT, loops, NORMAL learning, upcalls, port config, frag
 * mode, packet_out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "datapath/dp_normal.h"
#include "datapath/dp_pipeline.h"
#include "dp_frames.h"
#include "os/pkt.h"

#define NPORTS 6
#define QCAP 256
#define POOL 512

/* An in-memory netdev: rx hands out preloaded packets, tx records them. */
struct tdev {
    struct netdev nd;
    struct pkt *rx[QCAP];
    unsigned rx_n, rx_i;
    struct pkt *tx[QCAP];
    unsigned tx_n;
    int set_up_calls;
    bool up;
};

static unsigned t_rx(struct netdev *dev, struct pkt **pkts, unsigned n)
{
    struct tdev *t = (struct tdev *)dev;
    unsigned k = 0;
    while (k < n && t->rx_i < t->rx_n)
        pkts[k++] = t->rx[t->rx_i++];
    dev->stats.rx_packets += k;
    return k;
}

static unsigned t_tx(struct netdev *dev, struct pkt **pkts, unsigned n)
{
    struct tdev *t = (struct tdev *)dev;
    for (unsigned i = 0; i < n; i++) {
        if (t->tx_n < QCAP) {
            t->tx[t->tx_n++] = pkts[i];
        } else {
            pkt_free(pkts[i]);
            dev->stats.tx_dropped++;
        }
    }
    dev->stats.tx_packets += n;
    return n;
}

static int t_set_up(struct netdev *dev, bool up)
{
    struct tdev *t = (struct tdev *)dev;
    t->set_up_calls++;
    t->up = up;
    return 0;
}

static const struct netdev_class tclass = {
    .type = "dptest", .rx_burst = t_rx, .tx_burst = t_tx, .set_up = t_set_up};

struct fx {
    struct pkt_pool *pool;
    struct dp *dp;
    struct tdev dev[NPORTS + 1]; /* dev[i] is port i; dev[0] spare (LOCAL) */
    uint8_t frame[1600];
    size_t len;
};

static int setup_q(void **state, uint32_t qlen)
{
    struct fx *f = calloc(1, sizeof *f);
    f->pool = pkt_pool_create(POOL, 2048, 128);
    struct dp_config cfg = {.max_flows = 100, .upcall_queue_len = qlen, .pool = f->pool};
    f->dp = dp_create(&cfg);
    assert_non_null(f->dp);
    for (int i = 0; i <= NPORTS; i++) {
        f->dev[i].nd.cls = &tclass;
        f->dev[i].nd.link_up = true;
        f->dev[i].nd.pool = f->pool;
        f->dev[i].nd.wait_fd = -1;
        if (i)
            assert_int_equal(dp_add_port(f->dp, &f->dev[i].nd, (uint16_t)i), 0);
    }
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_q(state, 0);
}

static int setup_small_queue(void **state)
{
    return setup_q(state, 4);
}

static void drain_tx(struct fx *f)
{
    for (int i = 0; i <= NPORTS; i++) {
        pkt_free_burst(f->dev[i].tx, f->dev[i].tx_n);
        f->dev[i].tx_n = 0;
    }
}

static unsigned drain_upcalls(struct fx *f)
{
    struct dp_upcall u[16];
    unsigned n, total = 0;
    while ((n = dp_upcall_pop(f->dp, u, 16)) > 0) {
        for (unsigned i = 0; i < n; i++)
            pkt_free(u[i].pkt);
        total += n;
    }
    return total;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    drain_tx(f);
    drain_upcalls(f);
    for (int i = 0; i <= NPORTS; i++)
        for (unsigned k = f->dev[i].rx_i; k < f->dev[i].rx_n; k++)
            pkt_free(f->dev[i].rx[k]);
    dp_destroy(f->dp);
    assert_int_equal(pkt_pool_avail(f->pool), POOL); /* nothing leaked */
    pkt_pool_destroy(f->pool);
    free(f);
    return 0;
}

/* Queues frame s for reception on port `port`. */
static void inject(struct fx *f, int port, const struct dpf_spec *s)
{
    f->len = dpf_build(f->frame, s);
    struct pkt *p = pkt_alloc(f->pool);
    assert_non_null(p);
    memcpy(pkt_put(p, (uint32_t)f->len), f->frame, f->len);
    struct tdev *t = &f->dev[port];
    assert_true(t->rx_n < QCAP);
    t->rx[t->rx_n++] = p;
}

/* Adds a flow matching in_port (0 = any) with the given actions. */
static void add_flow(struct fx *f, uint16_t in_port, uint16_t prio, const struct dp_action *a,
                     unsigned n, uint64_t cookie)
{
    struct dp_flow_mod fm = {.command = DP_FC_ADD, .priority = prio, .out_port = DP_PORT_NONE,
                             .actions = a, .n_actions = (uint16_t)n, .cookie = cookie};
    if (in_port) {
        fm.match.key.in_port = in_port;
        fm.match.mask.in_port = 0xffff;
    }
    assert_int_equal(dp_table_apply(dp_table(f->dp), &fm, 0, NULL, NULL), 0);
}

static struct dp_stats stats(struct fx *f)
{
    struct dp_stats st;
    dp_get_stats(f->dp, &st);
    return st;
}

#define OUT(p) {.type = DP_ACT_OUTPUT, .u.output = {.port = (p)}}

/* tx counts of ports 1..NPORTS as a number like 0b011110 (bit i = port i
 * sent exactly one packet). */
static unsigned sent_mask(struct fx *f)
{
    unsigned m = 0;
    for (int i = 1; i <= NPORTS; i++) {
        assert_true(f->dev[i].tx_n <= 1);
        if (f->dev[i].tx_n)
            m |= 1u << i;
    }
    return m;
}

static void test_miss_makes_upcall(void **state)
{
    struct fx *f = *state;
    struct dpf_spec s = dpf_tcp();
    inject(f, 3, &s);
    assert_int_equal(dp_poll(f->dp, 1), 1);
    struct dp_upcall u;
    assert_int_equal(dp_upcall_pop(f->dp, &u, 1), 1);
    assert_int_equal(u.reason, DP_UPCALL_NO_MATCH);
    assert_int_equal(u.in_port, 3);
    assert_int_equal(u.max_len, 128);
    assert_memory_equal(u.pkt->data, f->frame, f->len);
    pkt_free(u.pkt);
    assert_int_equal(sent_mask(f), 0);
    assert_int_equal(stats(f).missed, 1);
}

static void test_output_to_port_and_counters(void **state)
{
    struct fx *f = *state;
    struct dp_action a[] = {OUT(2)};
    add_flow(f, 1, 10, a, 1, 0);
    struct dpf_spec s = dpf_tcp();
    inject(f, 1, &s);
    inject(f, 1, &s);
    dp_poll(f->dp, 5);
    assert_int_equal(f->dev[2].tx_n, 2);
    assert_memory_equal(f->dev[2].tx[0]->data, f->frame, f->len);
    struct dp_stats st = stats(f);
    assert_int_equal(st.rx_packets, 2);
    assert_int_equal(st.tx_packets, 2);
    assert_int_equal(st.matched, 2);
    struct dp_key k = {0};
    k.in_port = 1;
    struct dp_flow *fl = dp_table_lookup(dp_table(f->dp), &k);
    assert_non_null(fl);
    assert_int_equal(fl->n_packets, 2);
    assert_int_equal(fl->n_bytes, 2 * f->len);
    assert_int_equal(fl->used_ns, 5);
}

static void test_flood_skips_ingress_and_no_flood(void **state)
{
    struct fx *f = *state;
    struct dp_action a[] = {OUT(DP_PORT_FLOOD)};
    add_flow(f, 0, 1, a, 1, 0);
    assert_int_equal(dp_port_set_config(f->dp, 4, DP_PC_NO_FLOOD, DP_PC_NO_FLOOD), 0);
    f->dev[6].nd.link_up = false;
    struct dpf_spec s = dpf_tcp();
    inject(f, 1, &s);
    dp_poll(f->dp, 0);
    assert_int_equal(sent_mask(f), 1u << 2 | 1u << 3 | 1u << 5);
    assert_ptr_equal(f->dev[2].tx[0], f->dev[5].tx[0]); /* shared, not copied */
    assert_int_equal(f->dev[2].tx[0]->refcnt, 3);
    assert_int_equal(stats(f).copies, 0);
}

static void test_all_includes_no_flood(void **state)
{
    struct fx *f = *state;
    struct dp_action a[] = {OUT(DP_PORT_ALL)};
    add_flow(f, 0, 1, a, 1, 0);
    dp_port_set_config(f->dp, 4, DP_PC_NO_FLOOD, DP_PC_NO_FLOOD);
    struct dpf_spec s = dpf_tcp();
    inject(f, 2, &s);
    dp_poll(f->dp, 0);
    assert_int_equal(sent_mask(f), 0x7e & ~(1u << 2));
}

static void test_in_port_sends_back(void **state)
{
    struct fx *f = *state;
    struct dp_action a[] = {OUT(DP_PORT_IN_PORT)};
    add_flow(f, 0, 1, a, 1, 0);
    struct dpf_spec s = dpf_tcp();
    inject(f, 5, &s);
    dp_poll(f->dp, 0);
    assert_int_equal(sent_mask(f), 1u << 5);
}

static void test_output_to_ingress_dropped(void **state)
{
    struct fx *f = *state;
    struct dp_action a[] = {OUT(3), OUT(4)};
    add_flow(f, 0, 1, a, 2, 0);
    struct dpf_spec s = dpf_tcp();
    inject(f, 3, &s);
    dp_poll(f->dp, 0);
    assert_int_equal(sent_mask(f), 1u << 4);
    assert_int_equal(stats(f).loop_dropped, 1);
}

static void test_controller_action_upcall(void **state)
{
    struct fx *f = *state;
    struct dp_action a[] = {{.type = DP_ACT_OUTPUT,
                             .u.output = {.port = DP_PORT_CONTROLLER, .max_len = 64}},
                            OUT(2)};
    add_flow(f, 0, 1, a, 2, 0xfeed);
    struct dpf_spec s = dpf_tcp();
    inject(f, 1, &s);
    dp_poll(f->dp, 0);
    struct dp_upcall u;
    assert_int_equal(dp_upcall_pop(f->dp, &u, 1), 1);
    assert_int_equal(u.reason, DP_UPCALL_ACTION);
    assert_int_equal(u.max_len, 64);
    assert_int_equal(u.cookie, 0xfeed);
    assert_int_equal(u.in_port, 1);
    pkt_free(u.pkt);
    assert_int_equal(sent_mask(f), 1u << 2);
}

static void test_normal_learns(void **state)
{
    struct fx *f = *state;
    struct dp_action a[] = {OUT(DP_PORT_NORMAL)};
    add_flow(f, 0, 1, a, 1, 0);
    struct dpf_spec ab = dpf_tcp(), ba = dpf_tcp();
    memcpy(ba.src, ab.dst, 6);
    memcpy(ba.dst, ab.src, 6);
    inject(f, 1, &ab); /* A unknown destination: flood */
    dp_poll(f->dp, 0);
    assert_int_equal(sent_mask(f), 0x7e & ~(1u << 1));
    drain_tx(f);
    inject(f, 2, &ba); /* B -> A: A was learned on 1 */
    dp_poll(f->dp, 0);
    assert_int_equal(sent_mask(f), 1u << 1);
    drain_tx(f);
    inject(f, 1, &ab); /* A -> B: B learned on 2 */
    dp_poll(f->dp, 0);
    assert_int_equal(sent_mask(f), 1u << 2);
    drain_tx(f);
    inject(f, 2, &ab); /* A moved to 2, and B is on 2: dropped */
    dp_poll(f->dp, 0);
    assert_int_equal(sent_mask(f), 0);
    assert_int_equal(dp_normal_lookup(dp_normal_table(f->dp), ab.src, DP_VLAN_NONE, 0), 2);
}

static void test_normal_vlan_aware_and_broadcast(void **state)
{
    struct fx *f = *state;
    dp_set_miss_mode(f->dp, DP_MISS_NORMAL); /* standalone: misses go to NORMAL */
    struct dpf_spec ab = dpf_tcp(), ba = dpf_tcp();
    memcpy(ba.src, ab.dst, 6);
    memcpy(ba.dst, ab.src, 6);
    ab.vlan = 10;
    ba.vlan = 20; /* A learned in VLAN 10 only */
    inject(f, 1, &ab);
    dp_poll(f->dp, 0);
    drain_tx(f);
    inject(f, 2, &ba);
    dp_poll(f->dp, 0);
    assert_int_equal(sent_mask(f), 0x7e & ~(1u << 2)); /* flooded */
    drain_tx(f);
    memset(ba.dst, 0xff, 6);
    ba.vlan = 10;
    inject(f, 2, &ba); /* broadcast always floods */
    dp_poll(f->dp, 0);
    assert_int_equal(sent_mask(f), 0x7e & ~(1u << 2));
    assert_int_equal(dp_upcall_pending(f->dp), 0);
}

static void test_upcall_queue_full_counted(void **state)
{
    struct fx *f = *state;
    struct dpf_spec s = dpf_tcp();
    for (int i = 0; i < 6; i++)
        inject(f, 1, &s);
    dp_poll(f->dp, 0);
    struct dp_stats st = stats(f);
    assert_int_equal(st.upcalls, 4);
    assert_int_equal(st.upcall_queue_full, 2);
    assert_int_equal(drain_upcalls(f), 4);
}

static void test_frag_drop_mode(void **state)
{
    struct fx *f = *state;
    struct dp_action a[] = {OUT(2)};
    add_flow(f, 0, 1, a, 1, 0);
    assert_int_equal(dp_set_frag_mode(f->dp, 2), -EOPNOTSUPP);
    assert_int_equal(dp_set_frag_mode(f->dp, DP_FRAG_DROP), 0);
    struct dpf_spec s = dpf_tcp();
    s.frag = 0x2000;
    inject(f, 1, &s);
    s.frag = 0x0020;
    inject(f, 1, &s);
    s.frag = 0x4000; /* DF only: not a fragment */
    inject(f, 1, &s);
    dp_poll(f->dp, 0);
    assert_int_equal(f->dev[2].tx_n, 1);
    assert_int_equal(stats(f).frag_dropped, 2);
    drain_tx(f);
    dp_set_frag_mode(f->dp, DP_FRAG_NORMAL);
    inject(f, 1, &s);
    s.frag = 0x0020;
    inject(f, 1, &s);
    dp_poll(f->dp, 0);
    assert_int_equal(f->dev[2].tx_n, 2);
}

static void test_no_fwd_drops_output(void **state)
{
    struct fx *f = *state;
    struct dp_action a[] = {OUT(2), OUT(3)};
    add_flow(f, 0, 1, a, 2, 0);
    dp_port_set_config(f->dp, 2, DP_PC_NO_FWD, DP_PC_NO_FWD);
    assert_int_equal(dp_port_config(f->dp, 2), DP_PC_NO_FWD);
    struct dpf_spec s = dpf_tcp();
    inject(f, 1, &s);
    dp_poll(f->dp, 0);
    assert_int_equal(sent_mask(f), 1u << 3);
    assert_int_equal(f->dev[2].nd.stats.tx_dropped, 1);
}

static void test_no_recv_drops_input(void **state)
{
    struct fx *f = *state;
    struct dp_action a[] = {OUT(2)};
    add_flow(f, 0, 1, a, 1, 0);
    dp_port_set_config(f->dp, 1, DP_PC_NO_RECV, DP_PC_NO_RECV);
    struct dpf_spec s = dpf_tcp();
    inject(f, 1, &s);
    assert_int_equal(dp_poll(f->dp, 0), 1);
    assert_int_equal(sent_mask(f), 0);
    assert_int_equal(f->dev[1].nd.stats.rx_dropped, 1);
    assert_int_equal(stats(f).port_config_dropped, 1);
}

static void test_port_down_no_rx_no_tx(void **state)
{
    struct fx *f = *state;
    struct dp_action a[] = {OUT(DP_PORT_FLOOD)};
    add_flow(f, 0, 1, a, 1, 0);
    assert_int_equal(dp_port_set_config(f->dp, 3, DP_PC_PORT_DOWN, DP_PC_PORT_DOWN), 0);
    assert_int_equal(f->dev[3].set_up_calls, 1);
    assert_false(f->dev[3].up);
    struct dpf_spec s = dpf_tcp();
    inject(f, 3, &s);
    inject(f, 1, &s);
    dp_poll(f->dp, 0);
    assert_int_equal(sent_mask(f), 0x7e & ~(1u << 1 | 1u << 3));
    assert_int_equal(f->dev[3].nd.stats.rx_dropped, 1);
    assert_int_equal(dp_port_set_config(f->dp, 3, 0x80, 0x80), -EINVAL);
}

static void test_local_port(void **state)
{
    struct fx *f = *state;
    struct dp_action a[] = {OUT(DP_PORT_LOCAL)};
    add_flow(f, 0, 1, a, 1, 0);
    struct dpf_spec s = dpf_tcp();
    inject(f, 1, &s);
    dp_poll(f->dp, 0);
    assert_int_equal(stats(f).no_port, 1);
    assert_int_equal(dp_add_port(f->dp, &f->dev[0].nd, DP_PORT_LOCAL), 0);
    inject(f, 1, &s);
    dp_poll(f->dp, 0);
    assert_int_equal(f->dev[0].tx_n, 1);
}

static void test_packet_out_table(void **state)
{
    struct fx *f = *state;
    struct dp_action a[] = {OUT(4)};
    add_flow(f, 2, 1, a, 1, 0);
    struct dpf_spec s = dpf_tcp();
    f->len = dpf_build(f->frame, &s);
    struct pkt *p = pkt_alloc(f->pool);
    memcpy(pkt_put(p, (uint32_t)f->len), f->frame, f->len);
    struct dp_action po[] = {{.type = DP_ACT_SET_TP_DST, .u.tp = 22}, OUT(DP_PORT_TABLE)};
    dp_execute_actions(f->dp, p, 2, po, 2, 0);
    assert_int_equal(sent_mask(f), 1u << 4);
    struct dp_key k;
    dp_key_extract(f->dev[4].tx[0]->data, f->dev[4].tx[0]->len, 0, &k, NULL);
    assert_int_equal(k.tp_dst, 22);
}

static void test_table_in_flow_dropped(void **state)
{
    struct fx *f = *state;
    struct dp_action a[] = {OUT(DP_PORT_TABLE)};
    add_flow(f, 0, 1, a, 1, 0);
    struct dpf_spec s = dpf_tcp();
    inject(f, 1, &s);
    dp_poll(f->dp, 0);
    assert_int_equal(sent_mask(f), 0);
    assert_int_equal(stats(f).action_dropped, 1);
}

static void test_packet_out_no_in_port_floods_everywhere(void **state)
{
    struct fx *f = *state;
    struct dpf_spec s = dpf_tcp();
    f->len = dpf_build(f->frame, &s);
    struct pkt *p = pkt_alloc(f->pool);
    memcpy(pkt_put(p, (uint32_t)f->len), f->frame, f->len);
    struct dp_action po[] = {OUT(DP_PORT_FLOOD)};
    dp_execute_actions(f->dp, p, DP_PORT_NONE, po, 1, 0);
    assert_int_equal(sent_mask(f), 0x7e);
}

static void test_tx_batch_overflow_flushes(void **state)
{
    struct fx *f = *state;
    struct dp_action a[] = {OUT(2), OUT(2), OUT(2)};
    add_flow(f, 0, 1, a, 3, 0);
    struct dpf_spec s = dpf_tcp();
    for (int i = 0; i < PKT_BURST; i++)
        inject(f, 1, &s);
    assert_int_equal(dp_poll(f->dp, 0), PKT_BURST);
    assert_int_equal(f->dev[2].tx_n, 3 * PKT_BURST);
    assert_int_equal(stats(f).tx_packets, 3 * PKT_BURST);
}

static void test_poll_port_respects_max(void **state)
{
    struct fx *f = *state;
    struct dp_action a[] = {OUT(2)};
    add_flow(f, 0, 1, a, 1, 0);
    struct dpf_spec s = dpf_tcp();
    for (int i = 0; i < 5; i++)
        inject(f, 1, &s);
    assert_int_equal(dp_poll_port(f->dp, 1, 3, 0), 3);
    assert_int_equal(f->dev[2].tx_n, 3);
    assert_int_equal(dp_poll_port(f->dp, 1, 3, 0), 2);
    assert_int_equal(dp_poll_port(f->dp, 77, 3, 0), 0);
}

static void test_add_del_port(void **state)
{
    struct fx *f = *state;
    assert_int_equal(dp_add_port(f->dp, &f->dev[0].nd, 1), -EEXIST);
    assert_int_equal(dp_add_port(f->dp, &f->dev[1].nd, 9), -EEXIST);
    assert_int_equal(dp_add_port(f->dp, &f->dev[0].nd, 0), -EINVAL);
    assert_int_equal(dp_add_port(f->dp, &f->dev[0].nd, DP_PORT_FLOOD), -EINVAL);
    assert_int_equal(dp_add_port(f->dp, NULL, 9), -EINVAL);
    uint16_t ports[8];
    assert_int_equal(dp_ports(f->dp, ports, 8), NPORTS);
    assert_int_equal(dp_del_port(f->dp, 3), 0);
    assert_int_equal(dp_del_port(f->dp, 3), -ENOENT);
    assert_null(dp_port_netdev(f->dp, 3));
    assert_ptr_equal(dp_port_netdev(f->dp, 6), &f->dev[6].nd);
    assert_int_equal(dp_ports(f->dp, ports, 8), NPORTS - 1);
    assert_int_equal(ports[2], 4);
    struct dp_action a[] = {OUT(3)};
    add_flow(f, 0, 1, a, 1, 0);
    struct dpf_spec s = dpf_tcp();
    inject(f, 1, &s);
    dp_poll(f->dp, 0);
    assert_int_equal(stats(f).no_port, 1);
}

static void test_enqueue_counts_queue(void **state)
{
    struct fx *f = *state;
    struct dp_action a[] = {{.type = DP_ACT_ENQUEUE, .u.enqueue = {.port = 2, .queue_id = 5}}};
    add_flow(f, 0, 1, a, 1, 0);
    struct dpf_spec s = dpf_tcp();
    inject(f, 1, &s);
    dp_poll(f->dp, 0);
    assert_int_equal(sent_mask(f), 1u << 2);
    assert_int_equal(dp_port_queue_tx(f->dp, 2, 5), 1);
    assert_int_equal(dp_port_queue_tx(f->dp, 2, 0), 0);
}

static void test_miss_drop_mode_and_no_packet_in(void **state)
{
    struct fx *f = *state;
    struct dpf_spec s = dpf_tcp();
    dp_port_set_config(f->dp, 1, DP_PC_NO_PACKET_IN, DP_PC_NO_PACKET_IN);
    inject(f, 1, &s); /* NO_PACKET_IN: no upcall */
    dp_poll(f->dp, 0);
    assert_int_equal(dp_upcall_pending(f->dp), 0);
    dp_set_miss_mode(f->dp, DP_MISS_DROP);
    inject(f, 2, &s);
    dp_poll(f->dp, 0);
    assert_int_equal(dp_upcall_pending(f->dp), 0);
    assert_int_equal(stats(f).no_match_dropped, 2);
}

static void test_truncated_frame_counted_not_crashed(void **state)
{
    struct fx *f = *state;
    struct dp_action a[] = {{.type = DP_ACT_SET_TP_SRC, .u.tp = 1},
                            {.type = DP_ACT_SET_VLAN_VID, .u.vid = 3}, OUT(2)};
    add_flow(f, 0, 1, a, 3, 0);
    struct dpf_spec s = dpf_tcp();
    inject(f, 1, &s);
    f->dev[1].rx[0]->len = 40; /* cut inside the TCP header */
    dp_poll(f->dp, 0);
    assert_int_equal(stats(f).bad_frames, 1);
    assert_int_equal(f->dev[2].tx_n, 1);
    assert_int_equal(f->dev[2].tx[0]->len, 44);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_miss_makes_upcall),
        T(test_output_to_port_and_counters),
        T(test_flood_skips_ingress_and_no_flood),
        T(test_all_includes_no_flood),
        T(test_in_port_sends_back),
        T(test_output_to_ingress_dropped),
        T(test_controller_action_upcall),
        T(test_normal_learns),
        T(test_normal_vlan_aware_and_broadcast),
        cmocka_unit_test_setup_teardown(test_upcall_queue_full_counted, setup_small_queue,
                                        teardown),
        T(test_frag_drop_mode),
        T(test_no_fwd_drops_output),
        T(test_no_recv_drops_input),
        T(test_port_down_no_rx_no_tx),
        T(test_local_port),
        T(test_packet_out_table),
        T(test_table_in_flow_dropped),
        T(test_packet_out_no_in_port_floods_everywhere),
        T(test_tx_batch_overflow_flushes),
        T(test_poll_port_respects_max),
        T(test_add_del_port),
        T(test_enqueue_counts_queue),
        T(test_miss_drop_mode_and_no_packet_in),
        T(test_truncated_frame_counted_not_crashed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
