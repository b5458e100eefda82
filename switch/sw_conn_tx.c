/*
 * sw_conn_tx.c — a connection's output: the bounded TX queue, the shared
 * budget, flow control and the stall bound (see sw_conn.h).
 *
 * The queue is one buffer, tx[tx_head, tx_head + tx_len), allocated on the
 * first message and freed when a run ends with it drained (not on every
 * flush: a flow dump writes 64 KiB batches through the same buffer), so an
 * idle connection holds no output memory.  Its capacity is what counts against the shared
 * budget: the budget bounds memory, not just queued bytes.
 */
#include <errno.h>
#include <string.h>

#include "openflow/of10.h"
#include "os/byteorder.h"
#include "os/log.h"
#include "os/mem.h"
#include "sw_conn_priv.h"

#define TX_MIN_CAP 4096u

/* Accounts a change of the queue's capacity from `old` to `new` bytes in
 * the shared budget.  Returns nothing. */
static void tx_account(struct sw_conn *c, size_t old, size_t new)
{
    struct sw_conn_shared *sh = c->shared;
    if (!sh)
        return;
    sh->used = sh->used - old + new;
    if (sh->used > sh->peak)
        sh->peak = sh->used;
}

void sw_conn_tx_free(struct sw_conn *c)
{
    tx_account(c, c->tx_cap, 0);
    os_free(c->tx);
    c->tx = NULL;
    c->tx_cap = c->tx_head = c->tx_len = 0;
}

/* Returns true when the shared budget is above half (every connection of
 * the owner stops reading and drops asynchronous messages). */
static bool shared_high(const struct sw_conn *c)
{
    const struct sw_conn_shared *sh = c->shared;
    return sh && sh->budget && sh->used >= sh->budget / 2;
}

bool sw_conn_tx_backlogged(const struct sw_conn *c)
{
    return c->tx_len >= c->tx_high || shared_high(c);
}

/* Ends a backlog episode: logs how many asynchronous messages it dropped.
 * Returns nothing. */
static void tx_backlog_over(struct sw_conn *c)
{
    if (c->dropped_in_backlog)
        OS_WARN("conn", "%s: send queue drained; %llu asynchronous message(s) were "
                "dropped meanwhile", c->name, (unsigned long long)c->dropped_in_backlog);
    c->dropped_in_backlog = 0;
}

void sw_conn_flush(struct sw_conn *c)
{
    while (c->state != SW_CONN_CLOSED && c->tx_len > 0) {
        long w = c->ops->write(c->t, c->tx + c->tx_head, c->tx_len);
        if (w == -EAGAIN || w == 0)
            break;
        if (w < 0) {
            sw_conn_fail(c, SW_CONN_IO_ERROR);
            break;
        }
        c->tx_head += (size_t)w;
        c->tx_len -= (size_t)w;
        c->st.tx_written_bytes += (uint64_t)w;
        c->tx_progress_bytes += (size_t)w;
        if (c->tx_progress_bytes >= SW_CONN_TX_PROGRESS) {
            c->tx_progress_ns = c->now_ns;
            c->tx_progress_bytes = 0;
        }
    }
    if (c->tx_len == 0) {
        c->tx_head = 0;
        if (c->dropped_in_backlog)
            tx_backlog_over(c);
    }
}

void sw_conn_tx_release_idle(struct sw_conn *c)
{
    if (c->tx_len == 0 && c->tx)
        sw_conn_tx_free(c);
}

/* Returns the capacity to grow the queue to for `need` bytes: doubling,
 * but never past tx_max nor the room left in the shared budget (0: it
 * cannot hold them). */
static size_t tx_grow_cap(const struct sw_conn *c, size_t need)
{
    size_t room = c->tx_max;
    const struct sw_conn_shared *sh = c->shared;
    if (sh && sh->budget) {
        size_t left = sh->budget > sh->used ? sh->budget - sh->used + c->tx_cap : c->tx_cap;
        if (left < room)
            room = left;
    }
    if (need > room)
        return 0;
    size_t cap = c->tx_cap ? c->tx_cap : TX_MIN_CAP;
    while (cap < need)
        cap *= 2;
    return cap < room ? cap : room;
}

/* Makes room for n more bytes at the tail.  Returns 0, -ENOBUFS (over the
 * queue's bound or the shared budget) or -ENOMEM. */
static int tx_reserve(struct sw_conn *c, size_t n)
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
    size_t cap = tx_grow_cap(c, c->tx_len + n);
    if (!cap)
        return -ENOBUFS;
    uint8_t *p = os_realloc(c->tx, cap);
    if (!p)
        return -ENOMEM;
    tx_account(c, c->tx_cap, cap);
    c->tx = p;
    c->tx_cap = cap;
    return 0;
}

/* Counts and (once per backlog) logs a dropped asynchronous message.
 * Returns -ENOBUFS. */
static int tx_drop_async(struct sw_conn *c, size_t n)
{
    c->st.tx_dropped++;
    c->st.tx_dropped_bytes += n;
    if (c->dropped_in_backlog++ == 0)
        OS_WARN("conn", "%s: peer reads slowly (%zu KiB queued%s): dropping asynchronous "
                "messages (packet_in, flow_removed) until it catches up", c->name,
                c->tx_len >> 10, shared_high(c) ? ", send budget above half" : "");
    return -ENOBUFS;
}

/* Closes the connection for a message that must arrive but cannot be
 * queued.  Returns -ENOBUFS. */
static int tx_overflow(struct sw_conn *c, size_t n, int why)
{
    c->st.tx_overflows++;
    if (c->shared)
        c->shared->overflows++;
    OS_WARN("conn", "%s: cannot queue a %zu-byte message (%zu KiB queued, %s); "
            "disconnecting rather than leaving out a reply", c->name, n, c->tx_len >> 10,
            why == -ENOMEM ? "out of memory"
            : c->tx_len + n > c->tx_max ? "queue limit reached"
            : "OpenFlow send budget exhausted");
    sw_conn_fail(c, SW_CONN_TX_OVERFLOW);
    return -ENOBUFS;
}

int sw_conn_enqueue(struct sw_conn *c, const void *a, size_t alen, const void *b, size_t blen,
                    bool async)
{
    size_t n = alen + blen;
    if (c->state == SW_CONN_CLOSED)
        return -ENOTCONN;
    if (async && (c->tx_len >= c->tx_high / 2 || shared_high(c)))
        return tx_drop_async(c, n);
    int rc = tx_reserve(c, n);
    if (rc < 0)
        return async ? tx_drop_async(c, n) : tx_overflow(c, n, rc);
    if (c->tx_len == 0) {
        c->tx_progress_ns = c->now_ns; /* a backlog starts */
        c->tx_progress_bytes = 0;
    }
    uint8_t *dst = c->tx + c->tx_head + c->tx_len;
    memcpy(dst, a, alen);
    if (blen)
        memcpy(dst + alen, b, blen);
    c->tx_len += n;
    c->st.tx_msgs++;
    c->st.tx_bytes += n;
    if (c->shared)
        c->shared->tx_pending = true;
    return 0;
}

int sw_conn_send_simple(struct sw_conn *c, uint8_t type, uint32_t xid, const void *body,
                        size_t blen)
{
    uint8_t h[SW_CONN_HDR_LEN];
    h[0] = OFP_VERSION;
    h[1] = type;
    os_put_be16(h + 2, (uint16_t)(SW_CONN_HDR_LEN + blen));
    os_put_be32(h + 4, xid);
    return sw_conn_enqueue(c, h, sizeof h, body, blen, false);
}

/* Queues a whole message after checking its framing.  Returns 0 or a
 * negative errno (see sw_conn_send). */
static int tx_send(struct sw_conn *c, const void *msg, size_t len, bool async)
{
    if (c->state == SW_CONN_CLOSED)
        return -ENOTCONN;
    if (!msg || len < SW_CONN_HDR_LEN || len > 65535 ||
        os_get_be16((const uint8_t *)msg + 2) != len)
        return -EINVAL;
    int rc = sw_conn_enqueue(c, msg, len, NULL, 0, async);
    if (rc == 0 && c->tx_len >= SW_CONN_TX_BATCH)
        sw_conn_flush(c);
    return rc;
}

int sw_conn_send(struct sw_conn *c, const void *msg, size_t len)
{
    return tx_send(c, msg, len, false);
}

int sw_conn_send_async(struct sw_conn *c, const void *msg, size_t len)
{
    return tx_send(c, msg, len, true);
}

size_t sw_conn_tx_queued(const struct sw_conn *c)
{
    return c->tx_len;
}
