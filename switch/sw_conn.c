/*
 * sw_conn.c — framing, bounded TX queue, HELLO negotiation and echo
 * keepalive of one OpenFlow connection (see sw_conn.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "openflow/of10.h"
#include "os/byteorder.h"
#include "os/log.h"
#include "os/mem.h"
#include "os/poll.h"
#include "sw_conn.h"

#define OFP_HDR_LEN 8u
#define RX_BUF_LEN 65536u
#define RX_READS_PER_RUN 16
#define TX_MIN_CAP 4096u
#define OFPHET_VERSIONBITMAP 1

struct sw_conn {
    const struct sw_transport_ops *ops;
    void *t;                   /* NULL once closed */
    struct sw_conn_cbs cbs;
    void *arg, *user;
    char name[64];
    enum sw_conn_state state;
    enum sw_conn_close_reason reason;
    uint64_t probe_ns, created_ns, last_rx_ns, probe_sent_ns;
    bool probe_pending;
    uint32_t xid;
    uint8_t *rx;               /* RX_BUF_LEN bytes */
    size_t rx_len;
    uint8_t *tx;               /* queued output: tx[tx_head, tx_head + tx_len) */
    size_t tx_head, tx_len, tx_cap, tx_max;
    struct sw_conn_stats st;
};

/* ---- closing ---------------------------------------------------------- */

static void conn_fail(struct sw_conn *c, enum sw_conn_close_reason r)
{
    if (c->state == SW_CONN_CLOSED)
        return;
    OS_DBG("conn", "%s: closed: %s", c->name, sw_conn_reason_name(r));
    c->state = SW_CONN_CLOSED;
    c->reason = r;
    c->ops->close(c->t);
    c->t = NULL;
}

/* ---- output ----------------------------------------------------------- */

/* Writes as much queued output as the transport takes.  Returns nothing;
 * a transport error closes the connection. */
static void conn_flush(struct sw_conn *c)
{
    while (c->state != SW_CONN_CLOSED && c->tx_len > 0) {
        long w = c->ops->write(c->t, c->tx + c->tx_head, c->tx_len);
        if (w == -EAGAIN || w == 0)
            break;
        if (w < 0) {
            conn_fail(c, SW_CONN_IO_ERROR);
            break;
        }
        c->tx_head += (size_t)w;
        c->tx_len -= (size_t)w;
        c->st.tx_written_bytes += (uint64_t)w;
    }
    if (c->tx_len == 0)
        c->tx_head = 0;
}

/* Makes room for n more bytes at the tail.  Returns 0, -ENOBUFS (over the
 * bound) or -ENOMEM. */
static int conn_tx_reserve(struct sw_conn *c, size_t n)
{
    if (c->tx_len + n > c->tx_max)
        return -ENOBUFS;
    if (c->tx_head + c->tx_len + n <= c->tx_cap)
        return 0;
    if (c->tx_head > 0) {
        memmove(c->tx, c->tx + c->tx_head, c->tx_len);
        c->tx_head = 0;
        if (c->tx_len + n <= c->tx_cap)
            return 0;
    }
    size_t cap = c->tx_cap ? c->tx_cap : TX_MIN_CAP;
    while (cap < c->tx_len + n)
        cap *= 2;
    if (cap > c->tx_max)
        cap = c->tx_max;
    uint8_t *p = os_realloc(c->tx, cap);
    if (!p)
        return -ENOMEM;
    c->tx = p;
    c->tx_cap = cap;
    return 0;
}

/* Queues header + body as one message (either may be split to avoid a
 * copy of the body first).  Returns 0, -ENOBUFS or -ENOMEM (counted). */
static int conn_enqueue(struct sw_conn *c, const void *a, size_t alen, const void *b,
                        size_t blen)
{
    size_t n = alen + blen;
    int rc = conn_tx_reserve(c, n);
    if (rc < 0) {
        c->st.tx_dropped++;
        c->st.tx_dropped_bytes += n;
        return rc;
    }
    uint8_t *dst = c->tx + c->tx_head + c->tx_len;
    memcpy(dst, a, alen);
    if (blen)
        memcpy(dst + alen, b, blen);
    c->tx_len += n;
    c->st.tx_msgs++;
    c->st.tx_bytes += n;
    return 0;
}

/* Queues a message of `type` and `xid` whose body is `body`.  Returns 0 or
 * a negative errno (see conn_enqueue). */
static int conn_send_simple(struct sw_conn *c, uint8_t type, uint32_t xid, const void *body,
                            size_t blen)
{
    uint8_t h[OFP_HDR_LEN];
    h[0] = OFP_VERSION;
    h[1] = type;
    os_put_be16(h + 2, (uint16_t)(OFP_HDR_LEN + blen));
    os_put_be32(h + 4, xid);
    return conn_enqueue(c, h, sizeof h, body, blen);
}

int sw_conn_send(struct sw_conn *c, const void *msg, size_t len)
{
    if (c->state == SW_CONN_CLOSED)
        return -ENOTCONN;
    if (!msg || len < OFP_HDR_LEN || len > 65535 || os_get_be16((const uint8_t *)msg + 2) != len)
        return -EINVAL;
    int rc = conn_enqueue(c, msg, len, NULL, 0);
    if (rc == 0 && c->tx_len >= SW_CONN_TX_BATCH)
        conn_flush(c);
    return rc == -ENOMEM ? -ENOBUFS : rc;
}

void sw_conn_flush(struct sw_conn *c)
{
    conn_flush(c);
}

/* ---- input: the handshake and echo ----------------------------------- */

/* Returns true when the HELLO `m` (len bytes) allows version 1: no version
 * bitmap element, or one that has bit 1.  Malformed elements are ignored. */
static bool hello_allows_v1(const uint8_t *m, size_t len)
{
    if (m[0] < OFP_VERSION)
        return false;
    size_t off = OFP_HDR_LEN;
    while (off + 4 <= len) {
        uint16_t type = os_get_be16(m + off), elen = os_get_be16(m + off + 2);
        if (elen < 4 || off + elen > len)
            break;
        if (type == OFPHET_VERSIONBITMAP && elen >= 8)
            return (os_get_be32(m + off + 4) & (1u << OFP_VERSION)) != 0;
        off += (elen + 7u) & ~7u;
    }
    return true;
}

static void conn_hello_failed(struct sw_conn *c, const uint8_t *m)
{
    uint8_t body[4 + 96];
    os_put_be16(body, OFPET_HELLO_FAILED);
    os_put_be16(body + 2, OFPHFC_INCOMPATIBLE);
    int n = snprintf((char *)body + 4, sizeof body - 4,
                     "We support version 0x%02x only, you support no later than version 0x%02x.",
                     OFP_VERSION, m[0]);
    if (n < 0)
        n = 0;
    if ((size_t)n > sizeof body - 5)
        n = (int)(sizeof body - 5);
    OS_WARN("conn", "%s: peer version 0x%02x is incompatible", c->name, m[0]);
    c->st.hello_failed++;
    conn_send_simple(c, OFPT_ERROR, os_get_be32(m + 4), body, 4 + (size_t)n);
    conn_flush(c);
    conn_fail(c, SW_CONN_HELLO_FAILED);
}

static void conn_on_hello(struct sw_conn *c, const uint8_t *m, size_t len)
{
    if (c->state == SW_CONN_ACTIVE)
        return; /* a repeated HELLO: harmless, ignored */
    if (!hello_allows_v1(m, len)) {
        conn_hello_failed(c, m);
        return;
    }
    c->state = SW_CONN_ACTIVE;
    OS_INFO("conn", "%s: connected (OpenFlow 1.0)", c->name);
    if (c->cbs.on_active)
        c->cbs.on_active(c, c->arg);
}

/* Handles one framed message.  Returns nothing. */
static void conn_dispatch(struct sw_conn *c, const uint8_t *m, size_t len)
{
    uint8_t type = m[1];
    c->st.rx_msgs++;
    c->st.rx_bytes += len;
    if (type == OFPT_HELLO) {
        conn_on_hello(c, m, len);
        return;
    }
    if (c->state != SW_CONN_ACTIVE) {
        OS_WARN("conn", "%s: message type %u before HELLO", c->name, type);
        c->st.protocol_errors++;
        conn_fail(c, SW_CONN_PROTOCOL);
        return;
    }
    /* Echoes of another version go to the agent (BAD_VERSION). */
    if (type == OFPT_ECHO_REQUEST && m[0] == OFP_VERSION) {
        c->st.echo_requests_rx++;
        conn_send_simple(c, OFPT_ECHO_REPLY, os_get_be32(m + 4), m + OFP_HDR_LEN,
                         len - OFP_HDR_LEN);
        return;
    }
    if (type == OFPT_ECHO_REPLY && m[0] == OFP_VERSION) {
        c->st.echo_replies_rx++;
        return;
    }
    if (c->cbs.on_message)
        c->cbs.on_message(c, m, len, c->arg);
}

/* Delivers every whole message in the RX buffer and keeps the rest.
 * Returns nothing; a bad length closes the connection. */
static void conn_frame(struct sw_conn *c)
{
    size_t off = 0;
    while (c->state != SW_CONN_CLOSED && c->rx_len - off >= OFP_HDR_LEN) {
        size_t len = os_get_be16(c->rx + off + 2);
        if (len < OFP_HDR_LEN) {
            OS_WARN("conn", "%s: message length %zu < 8", c->name, len);
            c->st.framing_errors++;
            conn_fail(c, SW_CONN_BAD_LENGTH);
            return;
        }
        if (c->rx_len - off < len)
            break;
        conn_dispatch(c, c->rx + off, len);
        off += len;
    }
    if (c->state == SW_CONN_CLOSED)
        return;
    memmove(c->rx, c->rx + off, c->rx_len - off);
    c->rx_len -= off;
}

/* Reads and frames until the transport is empty or the budget is spent. */
static void conn_read(struct sw_conn *c, uint64_t now_ns)
{
    for (int i = 0; i < RX_READS_PER_RUN && c->state != SW_CONN_CLOSED; i++) {
        long r = c->ops->read(c->t, c->rx + c->rx_len, RX_BUF_LEN - c->rx_len);
        if (r == -EAGAIN)
            return;
        if (r <= 0) {
            conn_fail(c, r == 0 ? SW_CONN_EOF : SW_CONN_IO_ERROR);
            return;
        }
        c->rx_len += (size_t)r;
        c->last_rx_ns = now_ns;
        c->probe_pending = false;
        conn_frame(c);
    }
}

/* ---- timers ----------------------------------------------------------- */

static void conn_timers(struct sw_conn *c, uint64_t now_ns)
{
    if (c->state == SW_CONN_CLOSED || c->probe_ns == SW_CONN_PROBE_OFF)
        return;
    if (c->state == SW_CONN_HELLO_WAIT) {
        if (now_ns - c->created_ns >= 2 * c->probe_ns)
            conn_fail(c, SW_CONN_HELLO_TIMEOUT);
        return;
    }
    if (c->probe_pending) {
        if (now_ns - c->probe_sent_ns >= c->probe_ns) {
            OS_WARN("conn", "%s: no response to echo probe, disconnecting", c->name);
            c->st.probe_timeouts++;
            conn_fail(c, SW_CONN_PROBE_TIMEOUT);
        }
    } else if (now_ns - c->last_rx_ns >= c->probe_ns) {
        c->probe_pending = true;
        c->probe_sent_ns = now_ns;
        c->st.probes_sent++;
        conn_send_simple(c, OFPT_ECHO_REQUEST, sw_conn_next_xid(c), NULL, 0);
    }
}

uint64_t sw_conn_next_deadline(const struct sw_conn *c)
{
    if (c->state == SW_CONN_CLOSED)
        return 0;
    if (c->probe_ns == SW_CONN_PROBE_OFF)
        return UINT64_MAX;
    if (c->state == SW_CONN_HELLO_WAIT)
        return c->created_ns + 2 * c->probe_ns;
    return c->probe_pending ? c->probe_sent_ns + c->probe_ns : c->last_rx_ns + c->probe_ns;
}

int sw_conn_run(struct sw_conn *c, uint64_t now_ns)
{
    if (c->state != SW_CONN_CLOSED)
        conn_read(c, now_ns);
    conn_timers(c, now_ns);
    conn_flush(c);
    return c->state == SW_CONN_CLOSED ? -ECONNRESET : 0;
}

/* ---- life cycle and accessors ----------------------------------------- */

struct sw_conn *sw_conn_create(const struct sw_transport_ops *ops, void *transport,
                               const struct sw_conn_config *cfg,
                               const struct sw_conn_cbs *cbs, void *arg, uint64_t now_ns)
{
    struct sw_conn *c = os_calloc(1, sizeof *c);
    uint8_t *rx = os_malloc(RX_BUF_LEN);
    if (!c || !rx) {
        os_free(c);
        os_free(rx);
        ops->close(transport);
        return NULL;
    }
    c->ops = ops;
    c->t = transport;
    c->rx = rx;
    if (cbs)
        c->cbs = *cbs;
    c->arg = arg;
    snprintf(c->name, sizeof c->name, "%s", cfg && cfg->name ? cfg->name : "conn");
    c->probe_ns = cfg && cfg->probe_interval_ns ? cfg->probe_interval_ns
                                                : SW_CONN_PROBE_DEFAULT_NS;
    c->tx_max = cfg && cfg->tx_max_bytes ? cfg->tx_max_bytes : SW_CONN_TX_MAX_DEFAULT;
    c->created_ns = c->last_rx_ns = now_ns;
    c->state = SW_CONN_HELLO_WAIT;
    conn_send_simple(c, OFPT_HELLO, sw_conn_next_xid(c), NULL, 0);
    conn_flush(c);
    return c;
}

void sw_conn_close(struct sw_conn *c)
{
    conn_flush(c);
    conn_fail(c, SW_CONN_CLOSED_BY_USER);
}

void sw_conn_destroy(struct sw_conn *c)
{
    if (!c)
        return;
    if (c->state != SW_CONN_CLOSED)
        conn_fail(c, SW_CONN_CLOSED_BY_USER);
    os_free(c->rx);
    os_free(c->tx);
    os_free(c);
}

const char *sw_conn_reason_name(enum sw_conn_close_reason r)
{
    static const char *const names[] = {
        [SW_CONN_OPEN] = "open",
        [SW_CONN_EOF] = "closed by peer",
        [SW_CONN_IO_ERROR] = "I/O error",
        [SW_CONN_BAD_LENGTH] = "bad message length",
        [SW_CONN_HELLO_FAILED] = "no common OpenFlow version",
        [SW_CONN_PROTOCOL] = "message before HELLO",
        [SW_CONN_HELLO_TIMEOUT] = "no HELLO from peer",
        [SW_CONN_PROBE_TIMEOUT] = "echo probe timeout",
        [SW_CONN_CLOSED_BY_USER] = "closed locally",
        [SW_CONN_NO_MEMORY] = "out of memory",
    };
    return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "?";
}

enum sw_conn_state sw_conn_state(const struct sw_conn *c) { return c->state; }
bool sw_conn_is_active(const struct sw_conn *c) { return c->state == SW_CONN_ACTIVE; }
enum sw_conn_close_reason sw_conn_close_reason(const struct sw_conn *c) { return c->reason; }
const struct sw_conn_stats *sw_conn_stats(const struct sw_conn *c) { return &c->st; }
size_t sw_conn_tx_queued(const struct sw_conn *c) { return c->tx_len; }
const char *sw_conn_name(const struct sw_conn *c) { return c->name; }
void *sw_conn_cb_arg(const struct sw_conn *c) { return c->arg; }
void sw_conn_set_user(struct sw_conn *c, void *user) { c->user = user; }
void *sw_conn_get_user(const struct sw_conn *c) { return c->user; }

uint32_t sw_conn_next_xid(struct sw_conn *c)
{
    if (++c->xid == 0)
        c->xid = 1;
    return c->xid;
}

int sw_conn_wait_fd(const struct sw_conn *c, unsigned *events)
{
    if (events)
        *events = OS_POLL_IN | (c->tx_len ? OS_POLL_OUT : 0);
    return c->t ? c->ops->wait_fd(c->t) : -1;
}
