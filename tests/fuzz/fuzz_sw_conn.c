/*
 * fuzz_sw_conn.c — libFuzzer target for one OpenFlow connection
 * (switch/sw_conn.c, sw_conn_tx.c): what a peer sends (framing, HELLO
 * negotiation, echo, any message) against flow control, the shared send
 * budget and the timeouts, over a scripted in-memory transport and a fake
 * clock.
 *
 * Input: byte 0 = how many bytes a read returns at most (1..256), byte 1 =
 * how many bytes the peer takes per step (x 64; 0: a peer that never
 * reads), byte 2 = the clock step in 50 ms units, byte 3 bit 0 = the stream
 * ends after the input (EOF) rather than going quiet; the rest is the
 * byte stream from the peer.  Every delivered message is answered like an
 * agent would: a reply as long as its first byte says (x 256, through
 * sw_conn_send) and, for odd types, an asynchronous message
 * (sw_conn_send_async).  Steps run until the connection closes or 400
 * steps have passed.
 * Properties: every message delivered has the length its header says (8 or
 * more) and lies inside the input; delivered messages come in input order
 * without gaps (a message is never skipped); the TX queue never exceeds
 * its bound nor the budget's memory; a closed connection stays closed;
 * everything is freed (LeakSanitizer).  A violated property traps.
 * Built by tests/fuzz/run.sh (freestanding).
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "os/byteorder.h"
#include "switch/sw_conn.h"
#include "tests/fuzz/fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MS 1000000ull
#define TX_MAX (256u * 1024)
#define STEPS 400

struct fz_peer {
    const uint8_t *in;
    size_t len, off;      /* the peer's stream and how much was read */
    size_t chunk;         /* bytes per read at most */
    size_t take, budget;  /* bytes the peer reads per step; left in this step */
    bool eof;             /* the stream ends after the input */
    bool closed;
    size_t delivered;     /* bytes of input consumed by delivered messages */
};

static long fz_read(void *t, void *buf, size_t n)
{
    struct fz_peer *p = t;
    FUZZ_CHECK(!p->closed);
    if (p->off == p->len)
        return p->eof ? 0 : -EAGAIN;
    size_t k = p->len - p->off;
    if (k > n)
        k = n;
    if (k > p->chunk)
        k = p->chunk;
    memcpy(buf, p->in + p->off, k);
    p->off += k;
    return (long)k;
}

static long fz_write(void *t, const void *buf, size_t n)
{
    struct fz_peer *p = t;
    FUZZ_CHECK(!p->closed && n > 0);
    if (p->budget == 0)
        return -EAGAIN;
    size_t k = n < p->budget ? n : p->budget;
    p->budget -= k;
    return (long)k;
}

static void fz_close(void *t)
{
    struct fz_peer *p = t;
    FUZZ_CHECK(!p->closed);
    p->closed = true;
}

static int fz_wait_fd(void *t)
{
    return -1;
}

static const struct sw_transport_ops fz_ops = {fz_read, fz_write, fz_close, fz_wait_fd};

static struct fz_peer peer;
static uint8_t reply[65535];

static void fz_on_message(struct sw_conn *c, const uint8_t *msg, size_t len, void *arg)
{
    FUZZ_CHECK(len >= 8 && os_get_be16(msg + 2) == len);
    /* The message is a copy in the connection's buffer: find it by content
     * at the expected place in the input. */
    size_t off = peer.delivered;
    bool found = false;
    while (off + len <= peer.off) {
        size_t l = os_get_be16(peer.in + off + 2);
        FUZZ_CHECK(l >= 8);
        if (l == len && memcmp(peer.in + off, msg, len) == 0) {
            found = true;
            break;
        }
        /* only what the connection answers itself is skipped: HELLO of any
         * version, ECHO_REQUEST/REPLY of version 1 */
        uint8_t ver = peer.in[off], type = peer.in[off + 1];
        FUZZ_CHECK(type == 0 || (ver == 1 && (type == 2 || type == 3)));
        off += l;
    }
    FUZZ_CHECK(found);
    peer.delivered = off + len;
    size_t rlen = 8 + (size_t)msg[0] * 256;
    if (rlen > sizeof reply)
        rlen = sizeof reply;
    reply[0] = 1;
    reply[1] = 17; /* STATS_REPLY */
    os_put_be16(reply + 2, (uint16_t)rlen);
    memcpy(reply + 4, msg + 4, 4);
    sw_conn_send(c, reply, rlen);
    if (msg[1] & 1) {
        reply[1] = 10; /* PACKET_IN */
        os_put_be16(reply + 2, 64);
        sw_conn_send_async(c, reply, 64);
    }
    (void)arg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    memset(&peer, 0, sizeof peer);
    peer.chunk = (size_t)data[0] % 256 + 1;
    peer.take = (size_t)data[1] * 64;
    uint64_t step = (uint64_t)(data[2] % 64) * 50 * MS;
    peer.eof = data[3] & 1;
    peer.in = data + 4;
    peer.len = size - 4;

    struct sw_conn_shared sh = {.budget = 192 * 1024};
    struct sw_conn_config cfg = {.tx_max_bytes = TX_MAX, .tx_high_bytes = 64 * 1024,
                                 .shared = &sh, .name = "fuzz"};
    struct sw_conn_cbs cbs = {.on_message = fz_on_message};
    uint64_t now = 1000 * MS;
    struct sw_conn *c = sw_conn_create(&fz_ops, &peer, &cfg, &cbs, NULL, now);
    FUZZ_CHECK(c);
    bool was_closed = false;
    for (int i = 0; i < STEPS; i++) {
        peer.budget = peer.take;
        int rc = sw_conn_run(c, now);
        FUZZ_CHECK(sw_conn_tx_queued(c) <= TX_MAX);
        FUZZ_CHECK(sh.used <= sh.budget);
        if (was_closed)
            FUZZ_CHECK(rc == -ECONNRESET);
        if (rc < 0) {
            FUZZ_CHECK(peer.closed && sw_conn_state(c) == SW_CONN_CLOSED);
            was_closed = true;
            break;
        }
        FUZZ_CHECK(sw_conn_next_deadline(c) > now || sw_conn_has_work(c));
        now += step ? step : MS;
    }
    sw_conn_destroy(c);
    FUZZ_CHECK(sh.used == 0);
    return 0;
}
