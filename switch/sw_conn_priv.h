/*
 * sw_conn_priv.h — the connection's state, shared by its two files only:
 * sw_conn.c (input: framing, handshake, echo, timers, life cycle) and
 * sw_conn_tx.c (output: the TX queue, the shared budget, flow control).
 */
#ifndef SW_CONN_PRIV_H
#define SW_CONN_PRIV_H

#include "sw_conn.h"

#define SW_CONN_HDR_LEN 8u

struct sw_conn {
    const struct sw_transport_ops *ops;
    void *t;                   /* NULL once closed */
    struct sw_conn_cbs cbs;
    void *arg, *user;
    char name[64];
    enum sw_conn_state state;
    enum sw_conn_close_reason reason;
    uint64_t probe_ns, hello_ns, msg_ns, stall_ns;
    uint64_t now_ns;           /* the time of the last sw_conn_run (or creation) */
    uint64_t created_ns, last_rx_ns, probe_sent_ns;
    uint64_t msg_start_ns;     /* first byte of the message at the buffer's head */
    bool probe_pending;
    bool paused;               /* reading stopped by flow control (last computed) */
    uint32_t xid;
    uint8_t *rx;               /* RX_BUF_LEN bytes while rx_len > 0, else NULL */
    size_t rx_len;
    uint8_t *tx;               /* queued output: tx[tx_head, tx_head + tx_len) */
    size_t tx_head, tx_len, tx_cap, tx_max, tx_high;
    uint64_t tx_progress_ns;   /* last time the backlog made progress */
    size_t tx_progress_bytes;  /* written since then */
    uint64_t dropped_in_backlog; /* async messages dropped in this backlog */
    struct sw_conn_shared *shared;
    struct sw_conn_stats st;
};

/* Closes the transport and records why (first reason wins).  Returns
 * nothing. */
void sw_conn_fail(struct sw_conn *c, enum sw_conn_close_reason r);

/* Queues header a[alen] + body b[blen] as one message (`async`: may be
 * dropped, see sw_conn_send_async; otherwise a refusal closes the
 * connection).  Returns 0, -ENOBUFS or -ENOTCONN. */
int sw_conn_enqueue(struct sw_conn *c, const void *a, size_t alen, const void *b, size_t blen,
                    bool async);

/* Queues a message of `type` and `xid` whose body is body[blen] (must
 * arrive).  Returns 0 or a negative errno (see sw_conn_enqueue). */
int sw_conn_send_simple(struct sw_conn *c, uint8_t type, uint32_t xid, const void *body,
                        size_t blen);

/* Returns true when reading must pause: this queue at tx_high, or the
 * shared budget above half. */
bool sw_conn_tx_backlogged(const struct sw_conn *c);

/* Releases the TX queue's memory (at destruction).  Returns nothing. */
void sw_conn_tx_free(struct sw_conn *c);

/* Releases the TX queue's memory if it is drained (at the end of a run:
 * an idle connection holds none).  Returns nothing. */
void sw_conn_tx_release_idle(struct sw_conn *c);

#endif /* SW_CONN_PRIV_H */
