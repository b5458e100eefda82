/*
 * sw_conn.c — framing, HELLO negotiation, echo keepalive, the timeouts and
 * the life cycle of one OpenFlow connection (see sw_conn.h; the output side
 * is sw_conn_tx.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "openflow/of10.h"
#include "os/byteorder.h"
#include "os/log.h"
#include "os/mem.h"
#include "os/poll.h"
#include "sw_conn_priv.h"

#define RX_BUF_LEN 65536u
#define RX_READS_PER_RUN 16
#define OFPHET_VERSIONBITMAP 1

/* ---- closing ---------------------------------------------------------- */

void sw_conn_fail(struct sw_conn *c, enum sw_conn_close_reason r)
{
    if (c->state == SW_CONN_CLOSED)
        return;
    OS_DBG("conn", "%s: closed: %s", c->name, sw_conn_reason_name(r));
    c->state = SW_CONN_CLOSED;
    c->reason = r;
    c->ops->close(c->t);
    c->t = NULL;
}

/* ---- flow control ------------------------------------------------------ */

/* Recomputes whether reading is paused.  When it resumes, the keepalive and
 * the message deadline restart from now_ns (the peer was not being read).
 * Returns the new state. */
static bool conn_update_pause(struct sw_conn *c, uint64_t now_ns)
{
    bool p = c->state != SW_CONN_CLOSED && sw_conn_tx_backlogged(c);
    if (p && !c->paused) {
        c->st.rx_pauses++;
        OS_DBG("conn", "%s: %zu KiB queued: reading paused", c->name, c->tx_len >> 10);
    } else if (!p && c->paused) {
        c->last_rx_ns = now_ns;
        c->probe_pending = false;
        c->msg_start_ns = now_ns;
    }
    c->paused = p;
    return p;
}

bool sw_conn_rx_paused(const struct sw_conn *c)
{
    return c->state != SW_CONN_CLOSED && sw_conn_tx_backlogged(c);
}

/* ---- input: the handshake and echo ----------------------------------- */

/* Returns true when the HELLO `m` (len bytes) allows version 1: no version
 * bitmap element, or one that has bit 1.  Malformed elements are ignored. */
static bool hello_allows_v1(const uint8_t *m, size_t len)
{
    if (m[0] < OFP_VERSION)
        return false;
    size_t off = SW_CONN_HDR_LEN;
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
    sw_conn_send_simple(c, OFPT_ERROR, os_get_be32(m + 4), body, 4 + (size_t)n);
    sw_conn_flush(c);
    sw_conn_fail(c, SW_CONN_HELLO_FAILED);
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
        sw_conn_fail(c, SW_CONN_PROTOCOL);
        return;
    }
    /* Echoes of another version go to the agent (BAD_VERSION). */
    if (type == OFPT_ECHO_REQUEST && m[0] == OFP_VERSION) {
        c->st.echo_requests_rx++;
        sw_conn_send_simple(c, OFPT_ECHO_REPLY, os_get_be32(m + 4), m + SW_CONN_HDR_LEN,
                            len - SW_CONN_HDR_LEN);
        return;
    }
    if (type == OFPT_ECHO_REPLY && m[0] == OFP_VERSION) {
        c->st.echo_replies_rx++;
        return;
    }
    if (c->cbs.on_message)
        c->cbs.on_message(c, m, len, c->arg);
}

/* Drops the receive buffer once it holds nothing: an idle connection keeps
 * no receive memory.  Returns nothing. */
static void conn_rx_release(struct sw_conn *c)
{
    if (c->rx_len == 0) {
        os_free(c->rx);
        c->rx = NULL;
    }
}

/* Delivers the whole messages at the head of the RX buffer, stopping when
 * reading pauses (the rest waits in the buffer), and keeps the partial
 * message at the end.  Returns nothing; a bad length closes the
 * connection. */
static void conn_frame(struct sw_conn *c, uint64_t now_ns)
{
    size_t off = 0;
    while (c->state != SW_CONN_CLOSED && c->rx_len - off >= SW_CONN_HDR_LEN &&
           !conn_update_pause(c, now_ns)) {
        size_t len = os_get_be16(c->rx + off + 2);
        if (len < SW_CONN_HDR_LEN) {
            OS_WARN("conn", "%s: message length %zu < 8", c->name, len);
            c->st.framing_errors++;
            sw_conn_fail(c, SW_CONN_BAD_LENGTH);
            return;
        }
        if (c->rx_len - off < len)
            break;
        conn_dispatch(c, c->rx + off, len);
        off += len;
    }
    if (c->state == SW_CONN_CLOSED || off == 0)
        return;
    memmove(c->rx, c->rx + off, c->rx_len - off);
    c->rx_len -= off;
    c->msg_start_ns = now_ns; /* the next message began in the last read at the latest */
}

/* Reads and frames until the transport is empty, the budget is spent or
 * reading pauses.  Returns nothing. */
static void conn_read(struct sw_conn *c, uint64_t now_ns)
{
    for (int i = 0; i < RX_READS_PER_RUN && c->state != SW_CONN_CLOSED; i++) {
        if (conn_update_pause(c, now_ns))
            return;
        if (!c->rx && !(c->rx = os_malloc(RX_BUF_LEN))) {
            sw_conn_fail(c, SW_CONN_NO_MEMORY);
            return;
        }
        long r = c->ops->read(c->t, c->rx + c->rx_len, RX_BUF_LEN - c->rx_len);
        if (r == -EAGAIN)
            return;
        if (r <= 0) {
            sw_conn_fail(c, r == 0 ? SW_CONN_EOF : SW_CONN_IO_ERROR);
            return;
        }
        if (c->rx_len == 0)
            c->msg_start_ns = now_ns;
        c->rx_len += (size_t)r;
        c->last_rx_ns = now_ns;
        c->probe_pending = false;
        conn_frame(c, now_ns);
    }
}

/* ---- timers ----------------------------------------------------------- */

/* Returns true when `span` (SW_CONN_PROBE_OFF: never) has passed since
 * `start` at now_ns. */
static bool passed(uint64_t start, uint64_t span, uint64_t now_ns)
{
    return span != SW_CONN_PROBE_OFF && now_ns - start >= span;
}

static void conn_timers(struct sw_conn *c, uint64_t now_ns)
{
    if (c->state == SW_CONN_CLOSED)
        return;
    if (c->tx_len > 0 && passed(c->tx_progress_ns, c->stall_ns, now_ns)) {
        OS_WARN("conn", "%s: peer took less than %u KiB of its %zu KiB backlog in %llu s; "
                "disconnecting", c->name, SW_CONN_TX_PROGRESS >> 10, c->tx_len >> 10,
                (unsigned long long)(c->stall_ns / 1000000000ull));
        c->st.tx_stalls++;
        sw_conn_fail(c, SW_CONN_TX_STALLED);
        return;
    }
    if (c->paused)
        return; /* not reading: the peer cannot answer, so nothing else runs */
    if (c->state == SW_CONN_HELLO_WAIT && passed(c->created_ns, c->hello_ns, now_ns)) {
        OS_INFO("conn", "%s: no HELLO within %llu ms; closing", c->name,
                (unsigned long long)(c->hello_ns / 1000000ull));
        c->st.hello_timeouts++;
        sw_conn_fail(c, SW_CONN_HELLO_TIMEOUT);
        return;
    }
    if (c->rx_len > 0 && passed(c->msg_start_ns, c->msg_ns, now_ns)) {
        OS_WARN("conn", "%s: a message still incomplete after %llu s (%zu bytes of it); "
                "closing", c->name, (unsigned long long)(c->msg_ns / 1000000000ull),
                c->rx_len);
        c->st.msg_timeouts++;
        sw_conn_fail(c, SW_CONN_MSG_TIMEOUT);
        return;
    }
    if (c->state != SW_CONN_ACTIVE || c->probe_ns == SW_CONN_PROBE_OFF)
        return;
    if (c->probe_pending) {
        if (now_ns - c->probe_sent_ns >= c->probe_ns) {
            OS_WARN("conn", "%s: no response to echo probe, disconnecting", c->name);
            c->st.probe_timeouts++;
            sw_conn_fail(c, SW_CONN_PROBE_TIMEOUT);
        }
    } else if (now_ns - c->last_rx_ns >= c->probe_ns) {
        c->probe_pending = true;
        c->probe_sent_ns = now_ns;
        c->st.probes_sent++;
        sw_conn_send_simple(c, OFPT_ECHO_REQUEST, sw_conn_next_xid(c), NULL, 0);
    }
}

/* Returns the earlier of a and start + span (span SW_CONN_PROBE_OFF: a). */
static uint64_t earlier(uint64_t a, uint64_t start, uint64_t span)
{
    if (span == SW_CONN_PROBE_OFF)
        return a;
    uint64_t d = start + span;
    return d < a ? d : a;
}

uint64_t sw_conn_next_deadline(const struct sw_conn *c)
{
    if (c->state == SW_CONN_CLOSED)
        return 0;
    uint64_t d = UINT64_MAX;
    if (c->tx_len > 0)
        d = earlier(d, c->tx_progress_ns, c->stall_ns);
    if (sw_conn_rx_paused(c))
        return d;
    if (c->state == SW_CONN_HELLO_WAIT)
        d = earlier(d, c->created_ns, c->hello_ns);
    if (c->rx_len > 0)
        d = earlier(d, c->msg_start_ns, c->msg_ns);
    if (c->state == SW_CONN_ACTIVE && c->probe_ns != SW_CONN_PROBE_OFF)
        d = earlier(d, c->probe_pending ? c->probe_sent_ns : c->last_rx_ns, c->probe_ns);
    return d;
}

int sw_conn_run(struct sw_conn *c, uint64_t now_ns)
{
    c->now_ns = now_ns;
    if (c->state != SW_CONN_CLOSED) {
        conn_frame(c, now_ns); /* whole messages kept while reading was paused */
        conn_read(c, now_ns);
        conn_rx_release(c);
    }
    conn_update_pause(c, now_ns);
    conn_timers(c, now_ns);
    sw_conn_flush(c);
    sw_conn_tx_release_idle(c);
    conn_update_pause(c, now_ns);
    return c->state == SW_CONN_CLOSED ? -ECONNRESET : 0;
}

bool sw_conn_has_work(const struct sw_conn *c)
{
    if (c->state == SW_CONN_CLOSED)
        return true;
    if (c->rx_len < SW_CONN_HDR_LEN || sw_conn_rx_paused(c))
        return false;
    size_t len = os_get_be16(c->rx + 2);
    return len < SW_CONN_HDR_LEN || len <= c->rx_len;
}

/* ---- life cycle and accessors ----------------------------------------- */

/* Returns v, or `def` when v is zero (a config field left to its default). */
static uint64_t or_default(uint64_t v, uint64_t def)
{
    return v ? v : def;
}

struct sw_conn *sw_conn_create(const struct sw_transport_ops *ops, void *transport,
                               const struct sw_conn_config *cfg,
                               const struct sw_conn_cbs *cbs, void *arg, uint64_t now_ns)
{
    static const struct sw_conn_config defaults;
    struct sw_conn *c = os_calloc(1, sizeof *c);
    if (!c) {
        ops->close(transport);
        return NULL;
    }
    if (!cfg)
        cfg = &defaults;
    c->ops = ops;
    c->t = transport;
    if (cbs)
        c->cbs = *cbs;
    c->arg = arg;
    snprintf(c->name, sizeof c->name, "%s", cfg->name ? cfg->name : "conn");
    c->probe_ns = or_default(cfg->probe_interval_ns, SW_CONN_PROBE_DEFAULT_NS);
    c->hello_ns = or_default(cfg->hello_timeout_ns, SW_CONN_HELLO_TIMEOUT_DEFAULT_NS);
    c->msg_ns = or_default(cfg->msg_timeout_ns, SW_CONN_MSG_TIMEOUT_DEFAULT_NS);
    c->stall_ns = or_default(cfg->tx_stall_ns, SW_CONN_TX_STALL_DEFAULT_NS);
    c->tx_max = or_default(cfg->tx_max_bytes, SW_CONN_TX_MAX_DEFAULT);
    c->tx_high = or_default(cfg->tx_high_bytes, SW_CONN_TX_HIGH_DEFAULT);
    if (c->tx_high > c->tx_max)
        c->tx_high = c->tx_max;
    c->shared = cfg->shared;
    c->now_ns = c->created_ns = c->last_rx_ns = now_ns;
    c->state = SW_CONN_HELLO_WAIT;
    sw_conn_send_simple(c, OFPT_HELLO, sw_conn_next_xid(c), NULL, 0);
    sw_conn_flush(c);
    return c;
}

void sw_conn_close(struct sw_conn *c)
{
    sw_conn_flush(c);
    sw_conn_fail(c, SW_CONN_CLOSED_BY_USER);
}

void sw_conn_destroy(struct sw_conn *c)
{
    if (!c)
        return;
    if (c->state != SW_CONN_CLOSED)
        sw_conn_fail(c, SW_CONN_CLOSED_BY_USER);
    os_free(c->rx);
    sw_conn_tx_free(c);
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
        [SW_CONN_TX_OVERFLOW] = "send queue overflow",
        [SW_CONN_TX_STALLED] = "peer stopped reading",
        [SW_CONN_MSG_TIMEOUT] = "message incomplete for too long",
    };
    return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "?";
}

enum sw_conn_state sw_conn_state(const struct sw_conn *c) { return c->state; }
bool sw_conn_is_active(const struct sw_conn *c) { return c->state == SW_CONN_ACTIVE; }
enum sw_conn_close_reason sw_conn_close_reason(const struct sw_conn *c) { return c->reason; }
const struct sw_conn_stats *sw_conn_stats(const struct sw_conn *c) { return &c->st; }
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
        *events = (sw_conn_rx_paused(c) ? 0u : OS_POLL_IN) | (c->tx_len ? OS_POLL_OUT : 0u);
    return c->t ? c->ops->wait_fd(c->t) : -1;
}
