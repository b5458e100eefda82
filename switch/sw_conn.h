/*
 * sw_conn.h — one OpenFlow 1.0 connection over a byte transport.
 *
 * A connection turns a byte stream into whole OpenFlow messages and back:
 *
 *  - Framing.  Bytes are read into a 64 KiB buffer and cut at the length
 *    field of each 8-byte header.  A length below 8 is a fatal framing error:
 *    the connection closes and the error is counted.  Messages split across
 *    reads and several messages in one read both work.
 *  - Handshake.  On creation the connection queues HELLO (version 0x01).
 *    The peer's HELLO negotiates: any peer version >= 1 (with no version
 *    bitmap element, or one that contains 1) gives OpenFlow 1.0; otherwise
 *    the connection sends ERROR HELLO_FAILED/INCOMPATIBLE with an ASCII
 *    explanation and closes.  A message other than HELLO first closes the
 *    connection (as Open vSwitch does: EPROTO).  A peer that sends nothing
 *    for two probe intervals before its HELLO is dropped.
 *  - Keepalive.  After `probe_interval_ns` without receiving anything the
 *    connection sends ECHO_REQUEST; if nothing arrives during another
 *    interval it closes (counted).  ECHO_REQUEST is answered with an
 *    ECHO_REPLY of the same xid and payload.  HELLO, ECHO_REQUEST and
 *    ECHO_REPLY never reach the user; every other message does, whatever
 *    its version byte says (the agent answers a wrong version with
 *    BAD_REQUEST/BAD_VERSION).
 *  - Output.  sw_conn_send() copies a whole message into a TX queue bounded
 *    in bytes (1 MiB by default).  A message that does not fit is dropped
 *    whole and counted; a queued message is never cut.  Output is written
 *    in batches: on every sw_conn_run(), on sw_conn_flush(), and whenever
 *    SW_CONN_TX_BATCH bytes are waiting; a peer that stops reading never
 *    blocks the caller.
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

#define SW_CONN_PROBE_DEFAULT_NS (5ull * 1000000000ull)
#define SW_CONN_TX_MAX_DEFAULT (1u << 20)
#define SW_CONN_PROBE_OFF UINT64_MAX

struct sw_conn_config {
    uint64_t probe_interval_ns; /* 0 = 5 s; SW_CONN_PROBE_OFF = no keepalive */
    size_t tx_max_bytes;        /* 0 = 1 MiB; minimum useful: 65535 */
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
    SW_CONN_HELLO_TIMEOUT,   /* no HELLO within two probe intervals */
    SW_CONN_PROBE_TIMEOUT,   /* silent after an echo probe */
    SW_CONN_CLOSED_BY_USER,  /* sw_conn_close() */
    SW_CONN_NO_MEMORY,       /* allocation failed */
};

struct sw_conn_stats {
    uint64_t rx_msgs, rx_bytes;          /* every framed message incl. HELLO/ECHO */
    uint64_t tx_msgs, tx_bytes;          /* messages accepted into the TX queue */
    uint64_t tx_dropped, tx_dropped_bytes; /* whole messages refused: queue full */
    uint64_t tx_written_bytes;           /* bytes the transport took */
    uint64_t echo_requests_rx, echo_replies_rx;
    uint64_t probes_sent, probe_timeouts;
    uint64_t framing_errors;             /* length < 8 */
    uint64_t hello_failed;               /* incompatible peer version */
    uint64_t protocol_errors;            /* message before HELLO */
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

/* Does all pending work at time now_ns: reads what the transport has
 * (bounded per call), delivers whole messages, answers echoes, writes
 * queued output, sends probes, enforces timeouts.  Never blocks.  Returns
 * 0 while the connection lives, or -ECONNRESET once it is closed (see
 * sw_conn_close_reason); the caller then destroys it. */
int sw_conn_run(struct sw_conn *c, uint64_t now_ns);

/* Queues one whole message (its header length must equal `len`, 8..65535).
 * It is written by the next sw_conn_run() or sw_conn_flush(), or at once
 * when SW_CONN_TX_BATCH bytes or more are queued: a burst of messages (a
 * packet_in storm, a flow dump) then costs one write per batch, not one per
 * message.  Never blocks.  Returns 0, -EINVAL for a malformed message,
 * -ENOBUFS when the queue is full (dropped and counted), or -ENOTCONN when
 * the connection is closed. */
#define SW_CONN_TX_BATCH (64u * 1024)
int sw_conn_send(struct sw_conn *c, const void *msg, size_t len);

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

/* Returns why the connection closed (SW_CONN_OPEN while open). */
enum sw_conn_close_reason sw_conn_close_reason(const struct sw_conn *c);

/* Returns a static English name of a close reason. */
const char *sw_conn_reason_name(enum sw_conn_close_reason r);

/* Returns the counters. */
const struct sw_conn_stats *sw_conn_stats(const struct sw_conn *c);

/* Returns the monotonic time at which sw_conn_run must next be called for
 * timers (probe, timeouts); 0 when it must run at once (closed). */
uint64_t sw_conn_next_deadline(const struct sw_conn *c);

/* Returns the handle to watch (or -1) and, in *events, OS_POLL_IN plus
 * OS_POLL_OUT while output is queued.  events may be NULL. */
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
