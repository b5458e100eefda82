/*
 * sw_conn.h — one OpenFlow 1.0 connection over a byte transport.
 *
 * A connection turns a byte stream into whole OpenFlow messages and back:
 *
 *  - Framing.  Bytes are read into a 64 KiB buffer (allocated only while
 *    bytes wait in it: an idle connection holds no receive memory) and cut
 *    at the length field of each 8-byte header.  A length below 8 is a
 *    fatal framing error: the connection closes and the error is counted.
 *    Messages split across reads and several messages in one read both
 *    work.  A message must arrive whole within `msg_timeout_ns` of its first
 *    byte (10 s by default), so a peer that dribbles bytes cannot hold a
 *    half message open forever (slowloris).
 *  - Handshake.  On creation the connection queues HELLO (version 0x01).
 *    The peer's HELLO negotiates: any peer version >= 1 (with no version
 *    bitmap element, or one that contains 1) gives OpenFlow 1.0; otherwise
 *    the connection sends ERROR HELLO_FAILED/INCOMPATIBLE with an ASCII
 *    explanation and closes.  A message other than HELLO first closes the
 *    connection (as Open vSwitch does: EPROTO).  A peer that has not
 *    completed HELLO within `hello_timeout_ns` (5 s) is dropped.
 *  - Keepalive.  After `probe_interval_ns` without receiving anything the
 *    connection sends ECHO_REQUEST; if nothing arrives during another
 *    interval it closes (counted).  ECHO_REQUEST is answered with an
 *    ECHO_REPLY of the same xid and payload.  HELLO, ECHO_REQUEST and
 *    ECHO_REPLY never reach the user; every other message does, whatever
 *    its version byte says (the agent answers a wrong version with
 *    BAD_REQUEST/BAD_VERSION).
 *  - Output and flow control.  Messages are copied whole into a TX queue
 *    and written in batches (on every sw_conn_run(), on sw_conn_flush(), and
 *    whenever SW_CONN_TX_BATCH bytes are waiting); a peer that stops
 *    reading never blocks the caller.  Two kinds of message:
 *      sw_conn_send()        replies and everything else that must arrive:
 *                            never dropped.  While the queue holds
 *                            `tx_high_bytes` or more, the connection stops
 *                            reading the peer's requests (flow control over
 *                            TCP), so every reply is eventually sent, in
 *                            order.  One that cannot be queued at all (the
 *                            hard bound `tx_max_bytes`, or the shared
 *                            budget) closes the connection with a log line
 *                            (SW_CONN_TX_OVERFLOW): never a silent gap.
 *      sw_conn_send_async()  packet_in, flow_removed: dropped (counted, and
 *                            logged once per backlog) while the queue holds
 *                            half of `tx_high_bytes` or more, so they alone
 *                            never stop the reading.
 *    A queue that is not empty and takes fewer than SW_CONN_TX_PROGRESS
 *    bytes (or everything queued) in `tx_stall_ns` (10 s) means a peer that
 *    stopped reading: the connection closes (SW_CONN_TX_STALLED).  While
 *    reading is stopped the echo keepalive and the message deadline pause
 *    (the peer is not being read); the stall bound replaces them.
 *  - Shared budget.  The connections of one manager share a struct
 *    sw_conn_shared: their TX queues' memory together stays within
 *    `budget` bytes.  Above half of it every one of them stops reading and
 *    drops asynchronous messages, so the total only grows by the replies
 *    to requests already being handled.
 *
 * The transport is abstract (struct sw_transport_ops) so the same code runs
 * over os/stream.h TCP streams (sw_stream_transport) and over issue 4's
 * in-process channel to the embedded controller.
 *
 * Time is passed in (now_ns, monotonic) so tests can drive the clock.
 * Single-threaded: every call on one connection from one thread.  Callbacks
 * run inside sw_conn_run(); they may call sw_conn_send() and sw_conn_close()
 * on any connection but must not destroy one.
 */
#ifndef SW_CONN_H
#define SW_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sw_conn;
struct os_stream;

/* A nonblocking byte transport.  `t` is the transport object. */
struct sw_transport_ops {
    /* Returns bytes read (> 0), 0 at end of stream, -EAGAIN when nothing is
     * ready, or another negative errno. */
    long (*read)(void *t, void *buf, size_t n);
    /* Returns bytes written (>= 0, maybe fewer than n), -EAGAIN, or another
     * negative errno. */
    long (*write)(void *t, const void *buf, size_t n);
    /* Closes and frees the transport.  Returns nothing. */
    void (*close)(void *t);
    /* Returns a handle to watch with os/poll.h, or -1 if there is none. */
    int (*wait_fd)(void *t);
};

/* The os/stream.h transport: `t` is a connected struct os_stream *. */
extern const struct sw_transport_ops sw_stream_transport;

/* What the connections of one owner (a sw_connmgr) share.  The owner fills
 * `budget` and keeps the struct alive as long as any connection using it;
 * the connections maintain the rest. */
struct sw_conn_shared {
    size_t budget;        /* bytes all TX queues may hold together; 0 = no limit */
    size_t used;          /* TX queue memory held now, all connections */
    size_t peak;          /* highest `used` seen */
    bool tx_pending;      /* a message was queued since the owner cleared it */
    uint64_t overflows;   /* messages that did not fit (connection closed) */
};

#define SW_CONN_PROBE_DEFAULT_NS (5ull * 1000000000ull)
#define SW_CONN_HELLO_TIMEOUT_DEFAULT_NS (5ull * 1000000000ull)
#define SW_CONN_MSG_TIMEOUT_DEFAULT_NS (10ull * 1000000000ull)
#define SW_CONN_TX_STALL_DEFAULT_NS (10ull * 1000000000ull)
#define SW_CONN_TX_MAX_DEFAULT (1u << 20)
#define SW_CONN_TX_HIGH_DEFAULT (1u << 20)
#define SW_CONN_TX_PROGRESS (64u * 1024)
#define SW_CONN_PROBE_OFF UINT64_MAX

/* Zero in any field selects its default. */
struct sw_conn_config {
    uint64_t probe_interval_ns; /* 5 s; SW_CONN_PROBE_OFF = no keepalive */
    uint64_t hello_timeout_ns;  /* HELLO must complete within it, 5 s */
    uint64_t msg_timeout_ns;    /* a message must arrive whole within it, 10 s */
    uint64_t tx_stall_ns;       /* a backlog must make progress within it, 10 s */
    size_t tx_max_bytes;        /* hard bound of the TX queue, 1 MiB; >= 65535 */
    size_t tx_high_bytes;       /* flow-control mark, 1 MiB (at most tx_max_bytes) */
    struct sw_conn_shared *shared; /* NULL: no shared budget */
    const char *name;           /* for logs (copied), e.g. "tcp:127.0.0.1:6653" */
};

/* Callbacks; `arg` is the one given to sw_conn_create. */
struct sw_conn_cbs {
    /* HELLO negotiated (OpenFlow 1.0 in use).  May be NULL. */
    void (*on_active)(struct sw_conn *c, void *arg);
    /* One whole message (not HELLO/ECHO), `len` = its header length.  `msg`
     * is valid only during the call. */
    void (*on_message)(struct sw_conn *c, const uint8_t *msg, size_t len, void *arg);
};

enum sw_conn_state { SW_CONN_HELLO_WAIT, SW_CONN_ACTIVE, SW_CONN_CLOSED };

enum sw_conn_close_reason {
    SW_CONN_OPEN = 0,        /* not closed */
    SW_CONN_EOF,             /* the peer closed */
    SW_CONN_IO_ERROR,        /* the transport failed */
    SW_CONN_BAD_LENGTH,      /* a header length < 8 */
    SW_CONN_HELLO_FAILED,    /* no common version */
    SW_CONN_PROTOCOL,        /* a message before HELLO */
    SW_CONN_HELLO_TIMEOUT,   /* no HELLO within hello_timeout_ns */
    SW_CONN_PROBE_TIMEOUT,   /* silent after an echo probe */
    SW_CONN_CLOSED_BY_USER,  /* sw_conn_close() */
    SW_CONN_NO_MEMORY,       /* allocation failed */
    SW_CONN_TX_OVERFLOW,     /* a reply did not fit the queue or the budget */
    SW_CONN_TX_STALLED,      /* the peer stopped reading its backlog */
    SW_CONN_MSG_TIMEOUT,     /* a message did not arrive whole in time */
};

struct sw_conn_stats {
    uint64_t rx_msgs, rx_bytes;          /* every framed message incl. HELLO/ECHO */
    uint64_t tx_msgs, tx_bytes;          /* messages accepted into the TX queue */
    uint64_t tx_dropped, tx_dropped_bytes; /* asynchronous messages dropped */
    uint64_t tx_written_bytes;           /* bytes the transport took */
    uint64_t tx_overflows;               /* replies that did not fit: closed */
    uint64_t rx_pauses;                  /* times reading stopped (flow control) */
    uint64_t echo_requests_rx, echo_replies_rx;
    uint64_t probes_sent, probe_timeouts;
    uint64_t framing_errors;             /* length < 8 */
    uint64_t hello_failed;               /* incompatible peer version */
    uint64_t protocol_errors;            /* message before HELLO */
    uint64_t msg_timeouts, tx_stalls, hello_timeouts;
};

/* Creates a connection over `transport` (taken in every case: closed on
 * failure and by sw_conn_destroy) and queues HELLO.  `cbs` is copied.
 * Returns the connection or NULL (no memory). */
struct sw_conn *sw_conn_create(const struct sw_transport_ops *ops, void *transport,
                               const struct sw_conn_config *cfg,
                               const struct sw_conn_cbs *cbs, void *arg, uint64_t now_ns);

/* sw_conn_create over sw_stream_transport.  Returns the connection or NULL
 * (the stream is closed then). */
struct sw_conn *sw_conn_create_stream(struct os_stream *s, const struct sw_conn_config *cfg,
                                      const struct sw_conn_cbs *cbs, void *arg,
                                      uint64_t now_ns);

/* Does all pending work at time now_ns: delivers whole messages already
 * buffered, reads what the transport has (bounded per call; neither while
 * reading is paused), answers echoes, writes queued output, sends probes,
 * enforces timeouts.  Never blocks.  Returns 0 while the connection lives,
 * or -ECONNRESET once it is closed (see sw_conn_close_reason); the caller
 * then destroys it. */
int sw_conn_run(struct sw_conn *c, uint64_t now_ns);

/* Queues one whole message that must arrive (a reply, an error, ...; its
 * header length must equal `len`, 8..65535).  It is written by the next
 * sw_conn_run() or sw_conn_flush(), or at once when SW_CONN_TX_BATCH bytes
 * or more are queued: a burst of messages (a flow dump) then costs one
 * write per batch, not one per message.  Never blocks, never drops: a
 * message that cannot be queued closes the connection (logged,
 * SW_CONN_TX_OVERFLOW).  Returns 0, -EINVAL for a malformed message,
 * -ENOBUFS when it did not fit (the connection is closed now), or
 * -ENOTCONN when the connection was closed. */
#define SW_CONN_TX_BATCH (64u * 1024)
int sw_conn_send(struct sw_conn *c, const void *msg, size_t len);

/* Queues one asynchronous message (packet_in, flow_removed) that may be
 * dropped under pressure: while the queue holds tx_high_bytes / 2 or more,
 * the shared budget is above half, or it does not fit, it is dropped and
 * counted (tx_dropped) instead.  Returns 0, -EINVAL, -ENOBUFS (dropped) or
 * -ENOTCONN. */
int sw_conn_send_async(struct sw_conn *c, const void *msg, size_t len);

/* Writes as much queued output as the transport takes now.  Never blocks.
 * Returns nothing (a transport error closes the connection). */
void sw_conn_flush(struct sw_conn *c);

/* Closes the transport now (queued output is tried once, then lost).  The
 * connection stays allocated; sw_conn_run returns -ECONNRESET.  Returns
 * nothing. */
void sw_conn_close(struct sw_conn *c);

/* Closes (if open) and frees the connection.  NULL ignored.  No callback. */
void sw_conn_destroy(struct sw_conn *c);

/* Returns the state. */
enum sw_conn_state sw_conn_state(const struct sw_conn *c);

/* Returns true when HELLO was negotiated and the connection is open. */
bool sw_conn_is_active(const struct sw_conn *c);

/* Returns true while reading is paused by flow control (this queue at
 * tx_high_bytes, or the shared budget above half). */
bool sw_conn_rx_paused(const struct sw_conn *c);

/* Returns true when sw_conn_run has work without any transport readiness:
 * whole messages buffered while reading was paused that may now be
 * delivered, or a closed connection to reap. */
bool sw_conn_has_work(const struct sw_conn *c);

/* Returns why the connection closed (SW_CONN_OPEN while open). */
enum sw_conn_close_reason sw_conn_close_reason(const struct sw_conn *c);

/* Returns a static English name of a close reason. */
const char *sw_conn_reason_name(enum sw_conn_close_reason r);

/* Returns the counters. */
const struct sw_conn_stats *sw_conn_stats(const struct sw_conn *c);

/* Returns the monotonic time at which sw_conn_run must next be called for
 * timers (probe, timeouts); 0 when it must run at once (closed). */
uint64_t sw_conn_next_deadline(const struct sw_conn *c);

/* Returns the handle to watch (or -1) and, in *events, OS_POLL_IN unless
 * reading is paused, plus OS_POLL_OUT while output is queued.  events may
 * be NULL. */
int sw_conn_wait_fd(const struct sw_conn *c, unsigned *events);

/* Returns the number of bytes waiting in the TX queue. */
size_t sw_conn_tx_queued(const struct sw_conn *c);

/* Returns the connection's name (for logs). */
const char *sw_conn_name(const struct sw_conn *c);

/* Returns the callback `arg` given to sw_conn_create. */
void *sw_conn_cb_arg(const struct sw_conn *c);

/* Per-connection user data for the agent (NULL at creation).  set returns
 * nothing; get returns the pointer. */
void sw_conn_set_user(struct sw_conn *c, void *user);
void *sw_conn_get_user(const struct sw_conn *c);

/* Returns a fresh xid for a message this side initiates (never 0). */
uint32_t sw_conn_next_xid(struct sw_conn *c);

#endif /* SW_CONN_H */
