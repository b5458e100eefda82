/*
 * test_net_tcp.c — libos/net TCP against crafted segments: handshakes,
 * close sequences, RST and SYN edge cases (RFC 793/5961), retransmission
 * and fast retransmit, reassembly, zero window, keepalive, SYN flood
 * bounds.  Time is driven by the test (net_harness.h).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "libos/net/net_wire.h"
#include "net_harness.h"

#define S NET_TCP_SYN
#define A NET_TCP_ACK
#define F NET_TCP_FIN
#define R NET_TCP_RST
#define P NET_TCP_PSH
#define MS 1000000ull

/* An established passive connection on port 80 (peer irs 1000). */
static struct net_tcp *L, *C;
static uint32_t ISS;

static int setup_conn(void **state)
{
    if (nh_setup(&nh_h, NULL, *state))
        return -1;
    assert_int_equal(net_tcp_listen(nh_h.st, 0, 80, &L), 0);
    C = nh_accept(&nh_h, L, 80, 1000, 7, &ISS);
    return 0;
}

static int teardown_conn(void **state)
{
    net_tcp_abort(C);
    net_tcp_close(L);
    nh_teardown(&nh_h);
    return 0;
}

static void test_syn_ack_carries_mss_and_window_scale(void **state)
{
    struct net_tcp *l;
    struct nh_seg s;
    assert_int_equal(net_tcp_listen(nh_h.st, 0, 80, &l), 0);
    nh_tcp(&nh_h, NH_PEER_PORT, 80, S, 5000, 0, 65535, NULL, 0, 1400, 5);
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.flags, S | A);
    assert_int_equal(s.ack, 5001);
    assert_int_equal(s.mss, 1460);
    assert_int_not_equal(s.wscale, -1);
    assert_true(s.csum_ok);
    net_tcp_close(l);
}

static void test_syn_ack_without_peer_ws_offers_none(void **state)
{
    struct net_tcp *l;
    struct nh_seg s;
    assert_int_equal(net_tcp_listen(nh_h.st, 0, 80, &l), 0);
    nh_tcp(&nh_h, NH_PEER_PORT, 80, S, 5000, 0, 65535, NULL, 0, 1460, -1);
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.wscale, -1);
    net_tcp_close(l);
}

static void test_active_open_completes_on_syn_ack(void **state)
{
    struct net_tcp *c;
    struct nh_seg s;
    assert_int_equal(net_tcp_connect(nh_h.st, NH_PEER_IP, 6653, &c), 0);
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.flags, S);
    assert_int_equal(net_tcp_status(c), -EAGAIN);
    nh_tcp(&nh_h, 6653, s.sport, S | A, 9000, s.seq + 1, 65535, NULL, 0, 1460, 2);
    assert_int_equal(net_tcp_status(c), 0);
    struct nh_seg ack;
    assert_true(nh_pop_tcp(&nh_h, &ack));
    assert_int_equal(ack.flags, A);
    assert_int_equal(ack.ack, 9001);
    net_tcp_abort(c);
}

static void test_data_right_behind_syn_ack_is_kept(void **state)
{
    struct net_tcp *c;
    struct nh_seg s;
    uint8_t f1[2048], f2[2048];
    char buf[16];
    assert_int_equal(net_tcp_connect(nh_h.st, NH_PEER_IP, 6653, &c), 0);
    assert_true(nh_pop_tcp(&nh_h, &s));
    /* an OpenFlow controller's HELLO in the same burst as its SYN-ACK */
    size_t l1 = nh_build_tcp(f1, 6653, s.sport, S | A, 9000, s.seq + 1, 65535, NULL, 0, 1460, -1);
    size_t l2 = nh_build_tcp(f2, 6653, s.sport, A | P, 9001, s.seq + 1, 65535, "HELLO", 5, 0, -1);
    const uint8_t *fr[] = { f1, f2 };
    size_t lens[] = { l1, l2 };
    nh_frames(&nh_h, fr, lens, 2);
    assert_int_equal(net_tcp_read(c, buf, sizeof buf), 5);
    assert_memory_equal(buf, "HELLO", 5);
    net_tcp_abort(c);
}

static void test_connect_refused_by_rst(void **state)
{
    struct net_tcp *c;
    struct nh_seg s;
    assert_int_equal(net_tcp_connect(nh_h.st, NH_PEER_IP, 6653, &c), 0);
    assert_true(nh_pop_tcp(&nh_h, &s));
    nh_tcp(&nh_h, 6653, s.sport, R | A, 0, s.seq + 1, 0, NULL, 0, 0, -1);
    assert_int_equal(net_tcp_status(c), -ECONNREFUSED);
    assert_int_equal(net_tcp_read(c, (char[4]){ 0 }, 4), -ECONNREFUSED);
    net_tcp_close(c);
}

static void test_rst_with_bad_ack_in_syn_sent_ignored(void **state)
{
    struct net_tcp *c;
    struct nh_seg s;
    assert_int_equal(net_tcp_connect(nh_h.st, NH_PEER_IP, 6653, &c), 0);
    assert_true(nh_pop_tcp(&nh_h, &s));
    nh_tcp(&nh_h, 6653, s.sport, R | A, 0, s.seq + 77, 0, NULL, 0, 0, -1);
    assert_int_equal(net_tcp_status(c), -EAGAIN);
    net_tcp_abort(c);
}

static void test_syn_to_closed_port_gets_rst_ack(void **state)
{
    struct nh_seg s;
    nh_tcp(&nh_h, NH_PEER_PORT, 81, S, 700, 0, 65535, NULL, 0, 1460, -1);
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.flags, R | A);
    assert_int_equal(s.seq, 0);
    assert_int_equal(s.ack, 701);
    assert_int_equal(net_get_stats(nh_h.st)->tcp_no_conn, 1);
}

static void test_ack_to_closed_port_gets_rst_at_its_ack(void **state)
{
    struct nh_seg s;
    nh_tcp(&nh_h, NH_PEER_PORT, 81, A, 700, 4242, 65535, NULL, 0, 0, -1);
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.flags, R);
    assert_int_equal(s.seq, 4242);
}

static void test_rst_to_closed_port_is_not_answered(void **state)
{
    nh_tcp(&nh_h, NH_PEER_PORT, 81, R, 700, 0, 0, NULL, 0, 0, -1);
    assert_int_equal(nh_tx_count(&nh_h), 0);
}

static void test_bad_checksum_dropped_and_counted(void **state)
{
    uint8_t f[2048];
    struct net_tcp *l;
    assert_int_equal(net_tcp_listen(nh_h.st, 0, 80, &l), 0);
    size_t n = nh_build_tcp(f, NH_PEER_PORT, 80, S, 1, 0, 1000, NULL, 0, 1460, -1);
    f[NET_ETH_HLEN + NET_IP_HLEN + 14] ^= 0x10; /* a bit of the window */
    nh_frame(&nh_h, f, n);
    assert_int_equal(nh_tx_count(&nh_h), 0);
    assert_int_equal(net_get_stats(nh_h.st)->tcp_bad, 1);
    net_tcp_close(l);
}

static void test_truncated_header_dropped_and_counted(void **state)
{
    uint8_t f[2048];
    size_t n = nh_build_tcp(f, NH_PEER_PORT, 80, S, 1, 0, 1000, NULL, 0, 1460, -1);
    f[NET_ETH_HLEN + NET_IP_HLEN + 12] = 0xf0; /* data offset 60 > segment */
    nh_frame(&nh_h, f, n);
    assert_int_equal(nh_tx_count(&nh_h), 0);
    assert_int_equal(net_get_stats(nh_h.st)->tcp_bad, 1);
}

static void test_data_is_read_in_order(void **state)
{
    char buf[16];
    nh_tcp(&nh_h, NH_PEER_PORT, 80, A | P, 1001, ISS + 1, 65535, "hello", 5, 0, -1);
    assert_int_equal(net_tcp_read(C, buf, sizeof buf), 5);
    assert_memory_equal(buf, "hello", 5);
    assert_int_equal(net_tcp_read(C, buf, sizeof buf), -EAGAIN);
}

static void test_out_of_order_segment_reassembled(void **state)
{
    char buf[16];
    struct nh_seg s;
    nh_drain(&nh_h);
    nh_tcp(&nh_h, NH_PEER_PORT, 80, A, 1006, ISS + 1, 65535, "world", 5, 0, -1);
    assert_true(nh_pop_tcp(&nh_h, &s)); /* immediate duplicate ACK */
    assert_int_equal(s.ack, 1001);
    assert_int_equal(net_tcp_read(C, buf, sizeof buf), -EAGAIN);
    nh_tcp(&nh_h, NH_PEER_PORT, 80, A, 1001, ISS + 1, 65535, "hello", 5, 0, -1);
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.ack, 1011);
    assert_int_equal(net_tcp_read(C, buf, sizeof buf), 10);
    assert_memory_equal(buf, "helloworld", 10);
}

static void test_sack_blocks_report_holes_latest_first(void **state)
{
    struct nh_seg s;
    uint32_t iss;
    struct net_tcp *l, *c;
    nh_offer_sack = true;
    assert_int_equal(net_tcp_listen(nh_h.st, 0, 81, &l), 0);
    nh_tcp(&nh_h, NH_PEER_PORT, 81, S, 100, 0, 65535, NULL, 0, 1460, -1);
    assert_true(nh_pop_tcp(&nh_h, &s));
    nh_offer_sack = false;
    assert_true(s.sack_perm);
    iss = s.seq;
    nh_tcp(&nh_h, NH_PEER_PORT, 81, A, 101, iss + 1, 65535, NULL, 0, 0, -1);
    assert_int_equal(net_tcp_accept(l, &c), 0);
    nh_tcp(&nh_h, NH_PEER_PORT, 81, A, 111, iss + 1, 65535, "0123456789", 10, 0, -1);
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.ack, 101);
    assert_int_equal(s.n_sack, 1);
    assert_int_equal(s.sack[0][0], 111);
    assert_int_equal(s.sack[0][1], 121);
    nh_tcp(&nh_h, NH_PEER_PORT, 81, A, 131, iss + 1, 65535, "0123456789", 10, 0, -1);
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.n_sack, 2);
    assert_int_equal(s.sack[0][0], 131); /* the latest first */
    assert_int_equal(s.sack[1][0], 111);
    net_tcp_abort(c);
    net_tcp_close(l);
}

static void test_no_sack_blocks_without_permission(void **state)
{
    struct nh_seg s;
    nh_drain(&nh_h);
    nh_tcp(&nh_h, NH_PEER_PORT, 80, A, 1011, ISS + 1, 65535, "0123456789", 10, 0, -1);
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.n_sack, 0);
}

static void test_duplicate_segment_acked_not_delivered_twice(void **state)
{
    char buf[16];
    nh_tcp(&nh_h, NH_PEER_PORT, 80, A, 1001, ISS + 1, 65535, "abc", 3, 0, -1);
    nh_tcp(&nh_h, NH_PEER_PORT, 80, A, 1001, ISS + 1, 65535, "abc", 3, 0, -1);
    assert_int_equal(net_tcp_read(C, buf, sizeof buf), 3);
    assert_int_equal(net_tcp_read(C, buf, sizeof buf), -EAGAIN);
}

static void test_rst_in_window_but_not_exact_gets_challenge_ack(void **state)
{
    struct nh_seg s;
    nh_drain(&nh_h);
    nh_tcp(&nh_h, NH_PEER_PORT, 80, R, 1001 + 100, 0, 0, NULL, 0, 0, -1);
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.flags, A);
    assert_int_equal(s.ack, 1001);
    assert_int_equal(net_tcp_get_state(C), NET_TCP_ESTABLISHED);
    assert_int_equal(net_get_stats(nh_h.st)->tcp_challenge_acks, 1);
}

static void test_rst_at_rcv_nxt_resets(void **state)
{
    char buf[4];
    nh_tcp(&nh_h, NH_PEER_PORT, 80, R, 1001, 0, 0, NULL, 0, 0, -1);
    assert_int_equal(net_tcp_read(C, buf, sizeof buf), -ECONNRESET);
    assert_int_equal(net_tcp_write(C, "x", 1), -ECONNRESET);
}

static void test_rst_outside_window_ignored(void **state)
{
    nh_drain(&nh_h);
    nh_tcp(&nh_h, NH_PEER_PORT, 80, R, 1001 + 10000000, 0, 0, NULL, 0, 0, -1);
    assert_int_equal(nh_tx_count(&nh_h), 0);
    assert_int_equal(net_tcp_get_state(C), NET_TCP_ESTABLISHED);
}

static void test_syn_on_established_gets_challenge_ack(void **state)
{
    struct nh_seg s;
    nh_drain(&nh_h);
    nh_tcp(&nh_h, NH_PEER_PORT, 80, S, 1001, 0, 65535, NULL, 0, 1460, -1);
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.flags, A);
    assert_int_equal(net_tcp_get_state(C), NET_TCP_ESTABLISHED);
}

static void test_peer_fin_gives_eof_then_last_ack(void **state)
{
    char buf[4];
    struct nh_seg s;
    nh_drain(&nh_h);
    nh_tcp(&nh_h, NH_PEER_PORT, 80, F | A, 1001, ISS + 1, 65535, NULL, 0, 0, -1);
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.ack, 1002);
    assert_int_equal(net_tcp_get_state(C), NET_TCP_CLOSE_WAIT);
    assert_int_equal(net_tcp_read(C, buf, sizeof buf), 0);
    net_tcp_close(C);
    C = NULL;
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.flags & F, F);
    assert_int_equal(s.seq, ISS + 1);
    nh_tcp(&nh_h, NH_PEER_PORT, 80, A, 1002, ISS + 2, 65535, NULL, 0, 0, -1);
    assert_int_equal(net_busy_conns(nh_h.st), 0);
}

static void test_active_close_goes_through_time_wait(void **state)
{
    struct nh_seg s;
    nh_drain(&nh_h);
    net_tcp_close(C);
    C = NULL;
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.flags, F | A);
    nh_tcp(&nh_h, NH_PEER_PORT, 80, A, 1001, ISS + 2, 65535, NULL, 0, 0, -1); /* FIN_WAIT_2 */
    assert_int_equal(net_busy_conns(nh_h.st), 1);
    nh_tcp(&nh_h, NH_PEER_PORT, 80, F | A, 1001, ISS + 2, 65535, NULL, 0, 0, -1);
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.ack, 1002);
    assert_int_equal(net_busy_conns(nh_h.st), 0); /* TIME_WAIT */
    /* a retransmitted FIN in TIME_WAIT is acknowledged again */
    nh_tcp(&nh_h, NH_PEER_PORT, 80, F | A, 1001, ISS + 2, 65535, NULL, 0, 0, -1);
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.ack, 1002);
    nh_advance(&nh_h, nh_h.now + 61000 * MS);
    /* the block is gone: a new segment gets RST */
    nh_tcp(&nh_h, NH_PEER_PORT, 80, A, 1002, ISS + 2, 65535, NULL, 0, 0, -1);
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.flags & R, R);
}

static void test_simultaneous_close_via_closing(void **state)
{
    struct nh_seg s;
    nh_drain(&nh_h);
    net_tcp_close(C);
    C = NULL;
    assert_true(nh_pop_tcp(&nh_h, &s)); /* our FIN */
    nh_tcp(&nh_h, NH_PEER_PORT, 80, F | A, 1001, ISS + 1, 65535, NULL, 0, 0, -1); /* theirs, ours unacked */
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.ack, 1002);
    nh_tcp(&nh_h, NH_PEER_PORT, 80, A, 1002, ISS + 2, 65535, NULL, 0, 0, -1);
    assert_int_equal(net_busy_conns(nh_h.st), 0);
}

static void test_close_with_unread_data_resets(void **state)
{
    struct nh_seg s;
    nh_tcp(&nh_h, NH_PEER_PORT, 80, A, 1001, ISS + 1, 65535, "unread", 6, 0, -1);
    nh_drain(&nh_h);
    net_tcp_close(C);
    C = NULL;
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.flags & R, R);
    assert_int_equal(net_busy_conns(nh_h.st), 0);
}

static void test_abort_sends_rst(void **state)
{
    struct nh_seg s;
    nh_drain(&nh_h);
    net_tcp_abort(C);
    C = NULL;
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.flags, R);
    assert_int_equal(s.seq, ISS + 1);
}

static void test_unacked_data_probed_then_retransmitted_with_backoff(void **state)
{
    struct nh_seg s;
    struct net_tcp_info ti;
    nh_drain(&nh_h);
    assert_int_equal(net_tcp_write(C, "data", 4), 4);
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.len, 4);
    net_tcp_get_info(C, &ti);
    uint64_t rto = ti.rto_ns, t0 = nh_h.now;
    /* first the tail loss probe (10 ms here: SRTT is tiny), once */
    nh_advance(&nh_h, t0 + 10 * MS);
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.seq, ISS + 1);
    assert_int_equal(s.len, 4);
    assert_int_equal(net_get_stats(nh_h.st)->tcp_tail_probes, 1);
    nh_advance(&nh_h, t0 + rto - 1);
    assert_int_equal(nh_tx_count(&nh_h), 0);
    nh_advance(&nh_h, t0 + rto);
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.seq, ISS + 1);
    assert_int_equal(s.len, 4);
    net_tcp_get_info(C, &ti);
    assert_int_equal(ti.rto_ns, 2 * rto);
    assert_int_equal(net_get_stats(nh_h.st)->tcp_timeouts, 1);
}

static void test_three_dup_acks_trigger_fast_retransmit(void **state)
{
    struct nh_seg s;
    static char big[1460 * 4];
    memset(big, 'x', sizeof big);
    nh_drain(&nh_h);
    assert_int_equal(net_tcp_write(C, big, sizeof big), (long)sizeof big);
    assert_int_equal(nh_drain(&nh_h), 4); /* initial window: 4 segments */
    for (int i = 0; i < 3; i++)
        nh_tcp(&nh_h, NH_PEER_PORT, 80, A, 1001, ISS + 1, 65535, NULL, 0, 0, -1);
    bool found = false;
    while (nh_pop_tcp(&nh_h, &s))
        found |= s.seq == ISS + 1 && s.len == 1460;
    assert_true(found);
    assert_int_equal(net_get_stats(nh_h.st)->tcp_fast_retransmits, 1);
}

static void test_sacked_holes_repaired_one_per_dup_ack(void **state)
{
    struct nh_seg s;
    uint32_t iss;
    struct net_tcp *l, *c;
    static char big[1460 * 4];
    nh_offer_sack = true;
    assert_int_equal(net_tcp_listen(nh_h.st, 0, 81, &l), 0);
    nh_tcp(&nh_h, NH_PEER_PORT, 81, S, 100, 0, 65535, NULL, 0, 1460, -1);
    assert_true(nh_pop_tcp(&nh_h, &s));
    nh_offer_sack = false;
    iss = s.seq;
    nh_tcp(&nh_h, NH_PEER_PORT, 81, A, 101, iss + 1, 65535, NULL, 0, 0, -1);
    assert_int_equal(net_tcp_accept(l, &c), 0);
    assert_int_equal(net_tcp_write(c, big, sizeof big), (long)sizeof big);
    assert_int_equal(nh_drain(&nh_h), 4);
    /* segments 1 and 3 lost: the peer SACKs 2 and 4 */
    uint32_t d = iss + 1;
    nh_sack[0][0] = d + 1460, nh_sack[0][1] = d + 2920;
    nh_sack[1][0] = d + 4380, nh_sack[1][1] = d + 5840;
    nh_n_sack = 2;
    for (int i = 0; i < 3; i++)
        nh_tcp(&nh_h, NH_PEER_PORT, 81, A, 101, d, 65535, NULL, 0, 0, -1);
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.seq, d); /* fast retransmit of the first hole */
    nh_drain(&nh_h);
    nh_tcp(&nh_h, NH_PEER_PORT, 81, A, 101, d, 65535, NULL, 0, 0, -1); /* one more dup ACK */
    nh_n_sack = 0;
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.seq, d + 2920); /* the second hole, without waiting for a partial ACK */
    assert_int_equal(s.len, 1460);
    net_tcp_abort(c);
    net_tcp_close(l);
}

static void test_tail_probe_resends_last_sent_segment_only(void **state)
{
    struct nh_seg s;
    static char big[1460 * 8];
    nh_drain(&nh_h);
    assert_int_equal(net_tcp_write(C, big, sizeof big), (long)sizeof big);
    assert_int_equal(nh_drain(&nh_h), 4); /* cwnd: 4 segments, 4 more wait */
    nh_advance(&nh_h, nh_h.now + 10 * MS);
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.seq, ISS + 1 + 3 * 1460); /* the last one sent, not beyond */
    assert_int_equal(s.len, 1460);
    assert_int_equal(nh_tx_count(&nh_h), 0);
}

static void test_zero_window_holds_data_and_probes(void **state)
{
    struct nh_seg s;
    nh_tcp(&nh_h, NH_PEER_PORT, 80, A, 1001, ISS + 1, 0, NULL, 0, 0, -1); /* window 0 */
    nh_drain(&nh_h);
    assert_int_equal(net_tcp_write(C, "wait", 4), 4);
    assert_int_equal(nh_tx_count(&nh_h), 0);
    nh_advance(&nh_h, nh_h.now + 2000 * MS);
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.seq, ISS); /* a probe below snd_una */
    assert_int_equal(s.len, 0);
    nh_tcp(&nh_h, NH_PEER_PORT, 80, A, 1001, ISS + 1, 1000, NULL, 0, 0, -1); /* opens */
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.len, 4);
}

static void test_peer_window_scale_applied(void **state)
{
    struct net_tcp_info ti;
    nh_tcp(&nh_h, NH_PEER_PORT, 80, A, 1001, ISS + 1, 100, NULL, 0, 0, -1);
    net_tcp_get_info(C, &ti);
    assert_int_equal(ti.snd_wscale, 7);
    assert_int_equal(ti.snd_wnd, 100 << 7);
}

static void test_keepalive_probes_then_resets(void **state)
{
    struct nh_seg s;
    nh_drain(&nh_h);
    nh_advance(&nh_h, nh_h.now + 60000 * MS);
    assert_true(nh_pop_tcp(&nh_h, &s));
    assert_int_equal(s.seq, ISS); /* snd_una - 1 */
    for (int i = 0; i < 6; i++)
        nh_advance(&nh_h, nh_h.now + 10000 * MS);
    assert_int_equal(net_get_stats(nh_h.st)->tcp_keepalive_probes, 6);
    assert_int_equal(net_tcp_status(C), -ETIMEDOUT);
}

static void test_keepalive_answer_keeps_connection(void **state)
{
    nh_advance(&nh_h, nh_h.now + 60000 * MS);
    nh_tcp(&nh_h, NH_PEER_PORT, 80, A, 1001, ISS + 1, 65535, NULL, 0, 0, -1);
    for (int i = 0; i < 10; i++)
        nh_advance(&nh_h, nh_h.now + 10000 * MS);
    assert_int_equal(net_tcp_status(C), 0);
}

static void test_syn_flood_bounded_by_backlog(void **state)
{
    struct net_tcp *l;
    assert_int_equal(net_tcp_listen(nh_h.st, 0, 80, &l), 0);
    for (unsigned i = 0; i < 1000; i++)
        nh_tcp(&nh_h, (uint16_t)(1024 + i), 80, S, i * 7919, 0, 65535, NULL, 0, 1460, -1);
    nh_drain(&nh_h);
    const struct net_stats *st = net_get_stats(nh_h.st);
    assert_true(st->tcp_half_open_evicted >= 1000 - 16);
    /* half-open connections hold no buffers */
    assert_true(net_mem_used(nh_h.st) < 64 * 1024);
    /* a legitimate client still gets in */
    uint32_t iss;
    struct net_tcp *c = nh_accept(&nh_h, l, 80, 555, -1, &iss);
    net_tcp_abort(c);
    net_tcp_close(l);
}

static void test_half_open_given_up_after_syn_ack_retries(void **state)
{
    struct net_tcp *l;
    assert_int_equal(net_tcp_listen(nh_h.st, 0, 80, &l), 0);
    nh_tcp(&nh_h, NH_PEER_PORT, 80, S, 1, 0, 65535, NULL, 0, 1460, -1);
    for (int i = 0; i < 12; i++)
        nh_advance(&nh_h, nh_h.now + 60000 * MS);
    assert_int_equal(net_busy_conns(nh_h.st), 0);
    net_tcp_close(l);
}

static void test_connection_table_full_refuses_connect(void **state)
{
    struct net_tcp *c[40];
    int n = 0;
    while (n < 40 && net_tcp_connect(nh_h.st, NH_PEER_IP, 9, &c[n]) == 0)
        n++;
    assert_int_equal(n, 32);
    for (int i = 0; i < n; i++)
        net_tcp_close(c[i]);
}

#define T(f) cmocka_unit_test_prestate_setup_teardown(f, nh_test_setup, nh_test_teardown, #f)
#define TC(f) cmocka_unit_test_prestate_setup_teardown(f, setup_conn, teardown_conn, #f)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_syn_ack_carries_mss_and_window_scale),
        T(test_syn_ack_without_peer_ws_offers_none),
        T(test_active_open_completes_on_syn_ack),
        T(test_data_right_behind_syn_ack_is_kept),
        T(test_connect_refused_by_rst),
        T(test_rst_with_bad_ack_in_syn_sent_ignored),
        T(test_syn_to_closed_port_gets_rst_ack),
        T(test_ack_to_closed_port_gets_rst_at_its_ack),
        T(test_rst_to_closed_port_is_not_answered),
        T(test_bad_checksum_dropped_and_counted),
        T(test_truncated_header_dropped_and_counted),
        TC(test_data_is_read_in_order),
        TC(test_out_of_order_segment_reassembled),
        TC(test_duplicate_segment_acked_not_delivered_twice),
        T(test_sack_blocks_report_holes_latest_first),
        TC(test_no_sack_blocks_without_permission),
        TC(test_rst_in_window_but_not_exact_gets_challenge_ack),
        TC(test_rst_at_rcv_nxt_resets),
        TC(test_rst_outside_window_ignored),
        TC(test_syn_on_established_gets_challenge_ack),
        TC(test_peer_fin_gives_eof_then_last_ack),
        TC(test_active_close_goes_through_time_wait),
        TC(test_simultaneous_close_via_closing),
        TC(test_close_with_unread_data_resets),
        TC(test_abort_sends_rst),
        TC(test_unacked_data_probed_then_retransmitted_with_backoff),
        TC(test_three_dup_acks_trigger_fast_retransmit),
        T(test_sacked_holes_repaired_one_per_dup_ack),
        TC(test_tail_probe_resends_last_sent_segment_only),
        TC(test_zero_window_holds_data_and_probes),
        TC(test_peer_window_scale_applied),
        TC(test_keepalive_probes_then_resets),
        TC(test_keepalive_answer_keeps_connection),
        T(test_syn_flood_bounded_by_backlog),
        T(test_half_open_given_up_after_syn_ack_retries),
        T(test_connection_table_full_refuses_connect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
