/* test_sw_conn.c — one OpenFlow connection over loopback TCP: framing,
 * HELLO negotiation, echo, keepalive, bounded TX queue, flow control, the
 * shared budget and the timeouts that bound a hostile peer. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "openflow/of10.h"
#include "os/byteorder.h"
#include "os/log.h"
#include "os/poll.h"
#include "os/stream.h"
#include "switch/sw_conn.h"
#include "sw_connpeer.h"

#define MS 1000000ull
#define T0 (1000ull * MS)

struct fx {
    struct sw_conn *c;
    struct os_stream *peer;
    uint64_t now;
    uint64_t n_active, n_msgs;
    uint8_t msgs[8][512];
    size_t lens[8];
    size_t reply_len;          /* > 0: answer every message with a reply this long */
};

static uint8_t reply_buf[65535];

static void fx_on_active(struct sw_conn *c, void *arg)
{
    ((struct fx *)arg)->n_active++;
}

static void put_hdr(uint8_t *m, uint8_t type, uint16_t len, uint32_t xid)
{
    m[0] = OFP_VERSION;
    m[1] = type;
    os_put_be16(m + 2, len);
    os_put_be32(m + 4, xid);
}

static void fx_on_message(struct sw_conn *c, const uint8_t *msg, size_t len, void *arg)
{
    struct fx *f = arg;
    if (f->n_msgs < 8) {
        memcpy(f->msgs[f->n_msgs], msg, len < 512 ? len : 512);
        f->lens[f->n_msgs] = len;
    }
    f->n_msgs++;
    if (f->reply_len) { /* a reply as large as a flow-stats part, tagged by xid */
        put_hdr(reply_buf, OFPT_STATS_REPLY, (uint16_t)f->reply_len, os_get_be32(msg + 4));
        memset(reply_buf + 8, msg[7], f->reply_len - 8);
        sw_conn_send(c, reply_buf, f->reply_len);
    }
}

/* Opens a connection (f->peer is the far end) with configuration cfg
 * (name "test").  Returns the fixture (one static instance per slot). */
static struct fx *fx_open_cfg(struct sw_conn_config cfg, int slot)
{
    static struct fx fs[2];
    struct fx *f = &fs[slot];
    struct os_stream *a;
    memset(f, 0, sizeof *f);
    assert_int_equal(scp_pair(&a, &f->peer), 0);
    cfg.name = "test";
    struct sw_conn_cbs cbs = {.on_active = fx_on_active, .on_message = fx_on_message};
    f->now = T0;
    f->c = sw_conn_create_stream(a, &cfg, &cbs, f, f->now);
    assert_non_null(f->c);
    return f;
}

/* Shrinks the kernel's socket buffers of both ends to 64 KiB, so that what
 * the peer does not read stays in the connection's own queue. */
static void fx_small_buffers(struct fx *f)
{
    int small = 64 * 1024;
    int fd = sw_conn_wait_fd(f->c, NULL), pfd = os_stream_fd(f->peer);
    assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small), 0);
    assert_int_equal(setsockopt(pfd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small), 0);
}

/* Opens a connection with the given probe interval and TX bound. */
static struct fx *fx_open(uint64_t probe_ns, size_t tx_max)
{
    struct sw_conn_config cfg = {.probe_interval_ns = probe_ns, .tx_max_bytes = tx_max};
    return fx_open_cfg(cfg, 0);
}

static void fx_close(struct fx *f)
{
    sw_conn_destroy(f->c);
    os_stream_close(f->peer);
}

/* Runs the connection at f->now until *counter >= want or the connection
 * closes (2 s at most).  Returns the final counter. */
static uint64_t fx_run_until(struct fx *f, const uint64_t *counter, uint64_t want)
{
    uint64_t end = scp_ms() + 2000;
    while (*counter < want && scp_ms() < end) {
        if (sw_conn_run(f->c, f->now) < 0)
            break;
        usleep(500);
    }
    return *counter;
}

/* Runs until the connection closes (2 s at most).  Returns its reason. */
static enum sw_conn_close_reason fx_run_until_closed(struct fx *f)
{
    uint64_t end = scp_ms() + 2000;
    while (sw_conn_run(f->c, f->now) == 0 && scp_ms() < end)
        usleep(500);
    return sw_conn_close_reason(f->c);
}

/* Receives our HELLO and answers with the peer's own (version 1). */
static void fx_handshake(struct fx *f)
{
    uint8_t m[64];
    assert_int_equal(scp_recv_msg(f->peer, m, sizeof m, 2000), 8);
    assert_int_equal(m[1], OFPT_HELLO);
    assert_int_equal(scp_send_msg(f->peer, 1, OFPT_HELLO, 7, NULL, 0), 0);
    assert_int_equal(fx_run_until(f, &f->n_active, 1), 1);
}

static void test_sends_hello_v1_on_create(void **state)
{
    struct fx *f = fx_open(0, 0);
    uint8_t m[64];
    assert_int_equal(scp_recv_msg(f->peer, m, sizeof m, 2000), 8);
    assert_int_equal(m[0], 0x01);
    assert_int_equal(m[1], OFPT_HELLO);
    assert_int_equal(sw_conn_state(f->c), SW_CONN_HELLO_WAIT);
    fx_close(f);
}

static void test_higher_peer_version_negotiates_v1(void **state)
{
    struct fx *f = fx_open(0, 0);
    uint8_t m[64];
    assert_int_equal(scp_recv_msg(f->peer, m, sizeof m, 2000), 8);
    assert_int_equal(scp_send_msg(f->peer, 4, OFPT_HELLO, 1, NULL, 0), 0);
    assert_int_equal(fx_run_until(f, &f->n_active, 1), 1);
    assert_true(sw_conn_is_active(f->c));
    assert_int_equal(f->n_msgs, 0); /* HELLO is not delivered */
    fx_close(f);
}

static void test_hello_bitmap_with_v1_negotiates(void **state)
{
    struct fx *f = fx_open(0, 0);
    uint8_t m[64], el[8];
    os_put_be16(el, 1);
    os_put_be16(el + 2, 8);
    os_put_be32(el + 4, (1u << 1) | (1u << 4));
    assert_int_equal(scp_recv_msg(f->peer, m, sizeof m, 2000), 8);
    assert_int_equal(scp_send_msg(f->peer, 4, OFPT_HELLO, 1, el, sizeof el), 0);
    assert_int_equal(fx_run_until(f, &f->n_active, 1), 1);
    fx_close(f);
}

/* Expects ERROR HELLO_FAILED/INCOMPATIBLE with `xid` and ASCII data, then
 * the close. */
static void expect_hello_failed(struct fx *f, uint32_t xid)
{
    uint8_t m[256];
    assert_int_equal(fx_run_until_closed(f), SW_CONN_HELLO_FAILED);
    long n = scp_recv_msg(f->peer, m, sizeof m, 2000);
    assert_true(n > 12);
    assert_int_equal(m[0], 0x01);
    assert_int_equal(m[1], OFPT_ERROR);
    assert_int_equal(os_get_be32(m + 4), xid);
    assert_int_equal(os_get_be16(m + 8), OFPET_HELLO_FAILED);
    assert_int_equal(os_get_be16(m + 10), OFPHFC_INCOMPATIBLE);
    assert_memory_equal(m + 12, "We support version 0x01", 23);
    assert_int_equal(scp_wait_eof(f->peer, 2000), 1);
    assert_int_equal(sw_conn_stats(f->c)->hello_failed, 1);
    assert_int_equal(f->n_active, 0);
}

static void test_incompatible_version_sends_hello_failed_and_closes(void **state)
{
    struct fx *f = fx_open(0, 0);
    uint8_t m[64];
    assert_int_equal(scp_recv_msg(f->peer, m, sizeof m, 2000), 8);
    assert_int_equal(scp_send_msg(f->peer, 0, OFPT_HELLO, 0xabcd, NULL, 0), 0);
    expect_hello_failed(f, 0xabcd);
    fx_close(f);
}

static void test_hello_bitmap_without_v1_fails(void **state)
{
    struct fx *f = fx_open(0, 0);
    uint8_t m[64], el[8];
    os_put_be16(el, 1);
    os_put_be16(el + 2, 8);
    os_put_be32(el + 4, 1u << 4); /* OpenFlow 1.3 only */
    assert_int_equal(scp_recv_msg(f->peer, m, sizeof m, 2000), 8);
    assert_int_equal(scp_send_msg(f->peer, 4, OFPT_HELLO, 9, el, sizeof el), 0);
    expect_hello_failed(f, 9);
    fx_close(f);
}

static void test_message_before_hello_closes(void **state)
{
    struct fx *f = fx_open(0, 0);
    assert_int_equal(scp_send_msg(f->peer, 1, OFPT_FEATURES_REQUEST, 3, NULL, 0), 0);
    assert_int_equal(fx_run_until_closed(f), SW_CONN_PROTOCOL);
    assert_int_equal(sw_conn_stats(f->c)->protocol_errors, 1);
    assert_int_equal(f->n_msgs, 0);
    assert_int_equal(scp_wait_eof(f->peer, 2000), 1);
    fx_close(f);
}

static void test_message_split_across_reads_is_reassembled(void **state)
{
    struct fx *f = fx_open(0, 0);
    uint8_t m[300];
    fx_handshake(f);
    put_hdr(m, OFPT_FLOW_MOD, sizeof m, 42);
    for (size_t i = 8; i < sizeof m; i++)
        m[i] = (uint8_t)i;
    size_t cuts[] = {0, 3, 8, 9, 150, sizeof m};
    for (size_t i = 0; i + 1 < sizeof cuts / sizeof cuts[0]; i++) {
        assert_int_equal(scp_send(f->peer, m + cuts[i], cuts[i + 1] - cuts[i]), 0);
        usleep(2000);
        sw_conn_run(f->c, f->now);
        if (i + 2 < sizeof cuts / sizeof cuts[0])
            assert_int_equal(f->n_msgs, 0);
    }
    assert_int_equal(fx_run_until(f, &f->n_msgs, 1), 1);
    assert_int_equal(f->lens[0], sizeof m);
    assert_memory_equal(f->msgs[0], m, sizeof m);
    fx_close(f);
}

static void test_several_messages_in_one_read_all_delivered(void **state)
{
    struct fx *f = fx_open(0, 0);
    uint8_t buf[8 + 16 + 12];
    fx_handshake(f);
    put_hdr(buf, OFPT_BARRIER_REQUEST, 8, 1);
    put_hdr(buf + 8, OFPT_PORT_MOD, 16, 2);
    memset(buf + 16, 0xaa, 8);
    put_hdr(buf + 24, OFPT_SET_CONFIG, 12, 3);
    memset(buf + 32, 0xbb, 4);
    assert_int_equal(scp_send(f->peer, buf, sizeof buf), 0);
    assert_int_equal(fx_run_until(f, &f->n_msgs, 3), 3);
    assert_int_equal(f->lens[0], 8);
    assert_int_equal(f->lens[1], 16);
    assert_int_equal(f->lens[2], 12);
    assert_memory_equal(f->msgs[1], buf + 8, 16);
    assert_memory_equal(f->msgs[2], buf + 24, 12);
    assert_int_equal(sw_conn_stats(f->c)->rx_msgs, 4); /* + HELLO */
    fx_close(f);
}

static void test_length_below_8_is_fatal_and_counted(void **state)
{
    struct fx *f = fx_open(0, 0);
    uint8_t m[8];
    fx_handshake(f);
    put_hdr(m, OFPT_BARRIER_REQUEST, 4, 1);
    assert_int_equal(scp_send(f->peer, m, sizeof m), 0);
    assert_int_equal(fx_run_until_closed(f), SW_CONN_BAD_LENGTH);
    assert_int_equal(sw_conn_stats(f->c)->framing_errors, 1);
    assert_int_equal(f->n_msgs, 0);
    assert_int_equal(scp_wait_eof(f->peer, 2000), 1);
    assert_int_equal(sw_conn_send(f->c, m, 8), -ENOTCONN);
    fx_close(f);
}

static void test_echo_request_answered_with_same_xid_and_payload(void **state)
{
    struct fx *f = fx_open(0, 0);
    uint8_t m[64];
    fx_handshake(f);
    assert_int_equal(scp_send_msg(f->peer, 1, OFPT_ECHO_REQUEST, 0x12345678, "payload!", 8), 0);
    fx_run_until(f, &sw_conn_stats(f->c)->echo_requests_rx, 1);
    assert_int_equal(scp_recv_msg(f->peer, m, sizeof m, 2000), 16);
    assert_int_equal(m[1], OFPT_ECHO_REPLY);
    assert_int_equal(os_get_be32(m + 4), 0x12345678);
    assert_memory_equal(m + 8, "payload!", 8);
    assert_int_equal(f->n_msgs, 0); /* the agent never sees echoes */
    fx_close(f);
}

static void test_silent_peer_is_probed_then_disconnected(void **state)
{
    struct fx *f = fx_open(100 * MS, 0);
    uint8_t m[64];
    fx_handshake(f);
    f->now += 99 * MS;
    sw_conn_run(f->c, f->now);
    assert_int_equal(sw_conn_stats(f->c)->probes_sent, 0);
    assert_int_equal(sw_conn_next_deadline(f->c), T0 + 100 * MS);
    f->now += 1 * MS;
    sw_conn_run(f->c, f->now);
    assert_int_equal(sw_conn_stats(f->c)->probes_sent, 1);
    assert_int_equal(scp_recv_msg(f->peer, m, sizeof m, 2000), 8);
    assert_int_equal(m[1], OFPT_ECHO_REQUEST);
    f->now += 100 * MS;
    assert_int_equal(sw_conn_run(f->c, f->now), -ECONNRESET);
    assert_int_equal(sw_conn_close_reason(f->c), SW_CONN_PROBE_TIMEOUT);
    assert_int_equal(sw_conn_stats(f->c)->probe_timeouts, 1);
    assert_int_equal(scp_wait_eof(f->peer, 2000), 1);
    fx_close(f);
}

static void test_echo_reply_keeps_connection_alive(void **state)
{
    struct fx *f = fx_open(100 * MS, 0);
    uint8_t m[64];
    fx_handshake(f);
    f->now += 100 * MS;
    sw_conn_run(f->c, f->now);
    assert_int_equal(scp_recv_msg(f->peer, m, sizeof m, 2000), 8);
    assert_int_equal(m[1], OFPT_ECHO_REQUEST);
    assert_int_equal(scp_send_msg(f->peer, 1, OFPT_ECHO_REPLY, os_get_be32(m + 4), NULL, 0), 0);
    f->now += 50 * MS;
    fx_run_until(f, &sw_conn_stats(f->c)->echo_replies_rx, 1);
    f->now += 60 * MS; /* past the old probe deadline */
    assert_int_equal(sw_conn_run(f->c, f->now), 0);
    assert_int_equal(sw_conn_stats(f->c)->probe_timeouts, 0);
    fx_close(f);
}

/* Reads whole messages from the peer for up to timeout_ms while running
 * the connection, checking each with check(len, msg, arg); stops after
 * `want` messages.  Returns how many arrived. */
static unsigned peer_drain(struct fx *f, unsigned want, int timeout_ms,
                           void (*check)(size_t len, const uint8_t *m, void *arg), void *arg)
{
    static uint8_t acc[2 * 65536];
    size_t alen = 0;
    unsigned got = 0;
    uint64_t end = scp_ms() + (uint64_t)timeout_ms;
    while (got < want && scp_ms() < end) {
        sw_conn_run(f->c, f->now);
        long r = os_stream_read(f->peer, acc + alen, sizeof acc - alen);
        assert_true(r > 0 || r == -EAGAIN);
        if (r > 0)
            alen += (size_t)r;
        else
            usleep(100);
        size_t off = 0;
        while (got < want && alen - off >= 8 && alen - off >= os_get_be16(acc + off + 2)) {
            size_t len = os_get_be16(acc + off + 2);
            check(len, acc + off, arg);
            got++;
            off += len;
        }
        memmove(acc, acc + off, alen - off);
        alen -= off;
    }
    assert_int_equal(alen, 0); /* nothing cut */
    return got;
}

struct order {
    uint32_t next;      /* xid expected of the next big message */
    size_t big;         /* their length */
    bool got_small;     /* the 8-byte 0xfeed message arrived (it must be last) */
};

/* A peer_drain check: big messages in xid order with the xid's low byte as
 * the fill, then the small one. */
static void check_order(size_t len, const uint8_t *m, void *arg)
{
    struct order *o = arg;
    assert_false(o->got_small);
    if (len == o->big) {
        assert_int_equal(os_get_be32(m + 4), o->next);
        assert_int_equal(m[len - 1], (uint8_t)o->next);
        o->next++;
    } else {
        assert_int_equal(len, 8);
        assert_int_equal(os_get_be32(m + 4), 0xfeed);
        o->got_small = true;
    }
}

static void test_async_messages_dropped_whole_when_peer_stops_reading(void **state)
{
    struct fx *f = fx_open(0, 256 * 1024);
    static uint8_t big[60000];
    uint8_t small[8];
    fx_handshake(f);
    uint32_t sent = 0;
    int rc = 0;
    uint64_t t = scp_ms();
    while (rc == 0 && sent < 100000) { /* the peer does not read */
        put_hdr(big, OFPT_PACKET_IN, sizeof big, sent);
        memset(big + 8, (int)(sent & 0xff), sizeof big - 8);
        rc = sw_conn_send_async(f->c, big, sizeof big);
        sent += rc == 0;
    }
    assert_true(scp_ms() - t < 1000); /* never blocked */
    assert_int_equal(rc, -ENOBUFS);
    assert_int_equal(sw_conn_stats(f->c)->tx_dropped, 1);
    assert_int_equal(sw_conn_stats(f->c)->tx_dropped_bytes, sizeof big);
    assert_true(sw_conn_tx_queued(f->c) <= 256 * 1024);
    assert_int_equal(sw_conn_state(f->c), SW_CONN_ACTIVE); /* dropping is not closing */
    put_hdr(small, OFPT_BARRIER_REPLY, 8, 0xfeed); /* a reply still fits */
    assert_int_equal(sw_conn_send(f->c, small, 8), 0);
    /* Now the peer reads: every message arrives whole, in order, none cut. */
    struct order o = {.big = sizeof big};
    assert_int_equal(peer_drain(f, sent + 1, 5000, check_order, &o), sent + 1);
    assert_true(o.got_small);
    fx_close(f);
}

/* A message that must arrive but cannot be queued closes the connection
 * (logged and counted): never a reply silently left out. */
static void test_reply_that_cannot_be_queued_closes_the_connection(void **state)
{
    struct fx *f = fx_open(0, 256 * 1024);
    static uint8_t big[60000];
    fx_handshake(f);
    int rc = 0;
    for (uint32_t i = 0; rc == 0 && i < 100000; i++) { /* the peer does not read */
        put_hdr(big, OFPT_STATS_REPLY, sizeof big, i);
        rc = sw_conn_send(f->c, big, sizeof big);
    }
    assert_int_equal(rc, -ENOBUFS);
    assert_int_equal(sw_conn_state(f->c), SW_CONN_CLOSED);
    assert_int_equal(sw_conn_close_reason(f->c), SW_CONN_TX_OVERFLOW);
    assert_int_equal(sw_conn_stats(f->c)->tx_overflows, 1);
    assert_int_equal(sw_conn_stats(f->c)->tx_dropped, 0);
    assert_int_equal(sw_conn_send(f->c, big, sizeof big), -ENOTCONN);
    assert_int_equal(scp_wait_eof(f->peer, 2000), 1);
    fx_close(f);
}

/* Flow control: while replies back up past tx_high the peer's requests are
 * not read; once it reads, every reply comes, complete and in order. */
static void test_reading_pauses_while_replies_back_up(void **state)
{
    struct sw_conn_config cfg = {.probe_interval_ns = SW_CONN_PROBE_OFF,
                                 .tx_max_bytes = 4u << 20, .tx_high_bytes = 256 * 1024};
    struct fx *f = fx_open_cfg(cfg, 0);
    fx_small_buffers(f);
    fx_handshake(f);
    f->reply_len = 60000;
    enum { N = 200 };
    for (uint32_t i = 0; i < N; i++) /* 200 requests, 12 MB of replies */
        assert_int_equal(scp_send_msg(f->peer, 1, OFPT_STATS_REQUEST, i, NULL, 0), 0);
    for (int i = 0; i < 200; i++) { /* the peer does not read its replies */
        sw_conn_run(f->c, f->now);
        usleep(500);
    }
    assert_true(f->n_msgs < N / 4);
    assert_true(sw_conn_rx_paused(f->c));
    assert_true(sw_conn_stats(f->c)->rx_pauses >= 1);
    unsigned ev;
    assert_true(sw_conn_wait_fd(f->c, &ev) >= 0);
    assert_int_equal(ev, OS_POLL_OUT); /* not watching input while paused */
    assert_int_equal(sw_conn_state(f->c), SW_CONN_ACTIVE);
    struct order o = {.big = 60000};
    assert_int_equal(peer_drain(f, N, 10000, check_order, &o), N);
    assert_int_equal(o.next, N);
    assert_int_equal(f->n_msgs, N);
    assert_int_equal(sw_conn_stats(f->c)->tx_overflows, 0);
    fx_close(f);
}

/* Queues reliable 60000-byte messages until `bytes` wait in the queue
 * beyond what the kernel took.  Returns nothing. */
static void fill_backlog(struct fx *f, size_t bytes)
{
    static uint8_t big[60000];
    for (uint32_t i = 0; sw_conn_tx_queued(f->c) < bytes && i < 1000; i++) {
        put_hdr(big, OFPT_STATS_REPLY, sizeof big, i);
        memset(big + 8, (int)(i & 0xff), sizeof big - 8);
        assert_int_equal(sw_conn_send(f->c, big, sizeof big), 0);
        sw_conn_flush(f->c);
    }
    assert_true(sw_conn_tx_queued(f->c) >= bytes);
}

/* A peer that takes (almost) nothing of its backlog for tx_stall_ns is
 * disconnected; the echo probe does not kill a paused connection first. */
static void test_peer_that_stops_reading_is_disconnected(void **state)
{
    struct sw_conn_config cfg = {.probe_interval_ns = 100 * MS, .tx_stall_ns = 1000 * MS,
                                 .tx_max_bytes = 16u << 20, .tx_high_bytes = 256 * 1024};
    struct fx *f = fx_open_cfg(cfg, 0);
    fx_handshake(f);
    fill_backlog(f, 512 * 1024);
    f->now += 999 * MS; /* 9 probe intervals: paused, so no probe timeout */
    assert_int_equal(sw_conn_run(f->c, f->now), 0);
    assert_int_equal(sw_conn_stats(f->c)->probe_timeouts, 0);
    assert_int_equal(sw_conn_next_deadline(f->c), T0 + 1000 * MS);
    f->now += 1 * MS;
    assert_int_equal(sw_conn_run(f->c, f->now), -ECONNRESET);
    assert_int_equal(sw_conn_close_reason(f->c), SW_CONN_TX_STALLED);
    assert_int_equal(sw_conn_stats(f->c)->tx_stalls, 1);
    fx_close(f);
}

/* Half a message sent a byte at a time (each resetting the echo timer) is
 * closed msg_timeout_ns after its first byte (slowloris). */
static void test_message_dribbled_a_byte_at_a_time_times_out(void **state)
{
    struct sw_conn_config cfg = {.probe_interval_ns = 5000 * MS, .msg_timeout_ns = 10000 * MS};
    struct fx *f = fx_open_cfg(cfg, 0);
    fx_handshake(f);
    uint8_t m[16];
    put_hdr(m, OFPT_ECHO_REQUEST, sizeof m, 1);
    for (int i = 0; i < 10; i++) {
        assert_int_equal(scp_send(f->peer, m + i, 1), 0);
        uint64_t got = sw_conn_stats(f->c)->rx_bytes;
        for (int k = 0; k < 400 && sw_conn_run(f->c, f->now) == 0; k++)
            usleep(500); /* let the byte arrive */
        assert_int_equal(sw_conn_stats(f->c)->rx_bytes, got);
        if (i < 9) {
            assert_int_equal(sw_conn_state(f->c), SW_CONN_ACTIVE);
            f->now += 1100 * MS; /* every byte within the probe interval */
        }
    }
    /* 9.9 s after the first byte: still open; at 10 s: closed */
    assert_int_equal(sw_conn_state(f->c), SW_CONN_ACTIVE);
    f->now = T0 + 10000 * MS;
    assert_int_equal(sw_conn_run(f->c, f->now), -ECONNRESET);
    assert_int_equal(sw_conn_close_reason(f->c), SW_CONN_MSG_TIMEOUT);
    assert_int_equal(sw_conn_stats(f->c)->msg_timeouts, 1);
    fx_close(f);
}

/* A peer that connects and never says HELLO is dropped after the (short)
 * HELLO deadline. */
static void test_no_hello_within_deadline_closes(void **state)
{
    struct fx *f = fx_open(0, 0);
    f->now += SW_CONN_HELLO_TIMEOUT_DEFAULT_NS - 1;
    assert_int_equal(sw_conn_run(f->c, f->now), 0);
    assert_int_equal(SW_CONN_HELLO_TIMEOUT_DEFAULT_NS, 5000 * MS);
    f->now += 1;
    assert_int_equal(sw_conn_run(f->c, f->now), -ECONNRESET);
    assert_int_equal(sw_conn_close_reason(f->c), SW_CONN_HELLO_TIMEOUT);
    assert_int_equal(sw_conn_stats(f->c)->hello_timeouts, 1);
    fx_close(f);
}

/* The shared budget counts every connection's queue memory, and above half
 * of it every connection stops reading and drops asynchronous messages;
 * drained queues give their memory back. */
static void test_shared_budget_pauses_every_connection(void **state)
{
    struct sw_conn_shared sh = {.budget = 1u << 20};
    struct sw_conn_config cfg = {.probe_interval_ns = SW_CONN_PROBE_OFF,
                                 .tx_max_bytes = 4u << 20, .shared = &sh};
    struct fx *a = fx_open_cfg(cfg, 0), *b = fx_open_cfg(cfg, 1);
    fx_handshake(a);
    fx_handshake(b);
    assert_int_equal(sh.used, 0); /* HELLOs went out: nothing held */
    assert_false(sw_conn_rx_paused(b->c));
    fill_backlog(a, 512 * 1024);
    assert_true(sh.used >= 512 * 1024);
    assert_true(sh.used <= sh.budget);
    assert_true(sw_conn_rx_paused(b->c)); /* b's own queue is empty */
    uint8_t pi[64];
    put_hdr(pi, OFPT_PACKET_IN, sizeof pi, 1);
    assert_int_equal(sw_conn_send_async(b->c, pi, sizeof pi), -ENOBUFS);
    /* a reply beyond the budget closes its connection, not the other */
    static uint8_t big[60000];
    put_hdr(big, OFPT_STATS_REPLY, sizeof big, 7);
    int rc = 0;
    for (int i = 0; rc == 0 && i < 100; i++)
        rc = sw_conn_send(b->c, big, sizeof big);
    assert_int_equal(rc, -ENOBUFS);
    assert_int_equal(sw_conn_close_reason(b->c), SW_CONN_TX_OVERFLOW);
    assert_true(sh.peak <= sh.budget);
    assert_int_equal(sh.overflows, 1);
    sw_conn_destroy(b->c); /* its queue memory comes back */
    b->c = NULL;
    struct order o = {.big = sizeof big};
    peer_drain(a, 1000, 3000, check_order, &o);
    assert_int_equal(sw_conn_tx_queued(a->c), 0);
    assert_int_equal(sh.used, 0);
    assert_false(sw_conn_rx_paused(a->c));
    fx_close(a);
    os_stream_close(b->peer);
}

static void test_send_rejects_malformed_message(void **state)
{
    struct fx *f = fx_open(0, 0);
    uint8_t m[16];
    put_hdr(m, OFPT_BARRIER_REQUEST, 12, 1); /* header says 12, len is 16 */
    assert_int_equal(sw_conn_send(f->c, m, sizeof m), -EINVAL);
    assert_int_equal(sw_conn_send(f->c, m, 4), -EINVAL);
    fx_close(f);
}

static void test_peer_close_is_eof(void **state)
{
    struct fx *f = fx_open(0, 0);
    fx_handshake(f);
    os_stream_close(f->peer);
    f->peer = NULL;
    assert_int_equal(fx_run_until_closed(f), SW_CONN_EOF);
    sw_conn_destroy(f->c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sends_hello_v1_on_create),
        cmocka_unit_test(test_higher_peer_version_negotiates_v1),
        cmocka_unit_test(test_hello_bitmap_with_v1_negotiates),
        cmocka_unit_test(test_incompatible_version_sends_hello_failed_and_closes),
        cmocka_unit_test(test_hello_bitmap_without_v1_fails),
        cmocka_unit_test(test_message_before_hello_closes),
        cmocka_unit_test(test_message_split_across_reads_is_reassembled),
        cmocka_unit_test(test_several_messages_in_one_read_all_delivered),
        cmocka_unit_test(test_length_below_8_is_fatal_and_counted),
        cmocka_unit_test(test_echo_request_answered_with_same_xid_and_payload),
        cmocka_unit_test(test_silent_peer_is_probed_then_disconnected),
        cmocka_unit_test(test_echo_reply_keeps_connection_alive),
        cmocka_unit_test(test_async_messages_dropped_whole_when_peer_stops_reading),
        cmocka_unit_test(test_reply_that_cannot_be_queued_closes_the_connection),
        cmocka_unit_test(test_reading_pauses_while_replies_back_up),
        cmocka_unit_test(test_peer_that_stops_reading_is_disconnected),
        cmocka_unit_test(test_message_dribbled_a_byte_at_a_time_times_out),
        cmocka_unit_test(test_no_hello_within_deadline_closes),
        cmocka_unit_test(test_shared_budget_pauses_every_connection),
        cmocka_unit_test(test_send_rejects_malformed_message),
        cmocka_unit_test(test_peer_close_is_eof),
    };
    os_log_set_level(OS_LOG_ERR);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
