/*
 * sw_connmgr.h — every OpenFlow connection of one switch.
 *
 * The manager owns two kinds of endpoints and the sw_conn connections they
 * produce:
 *
 *  - active targets, `--controller tcp:HOST[:PORT]` (port 6653 by default;
 *    IPv6 as tcp:[ADDR]:PORT; several allowed).  Each target keeps at most
 *    one connection.  Connects are nonblocking and bounded by a connect
 *    timeout; a HOST that is a name is resolved without blocking too
 *    (os/stream.h: the stream is "connecting" until the name is resolved
 *    and the handshake done), and the log says which of the two a failed
 *    attempt waited for.  While connecting fails the next attempt is delayed by an
 *    exponential back-off (backoff_min doubling to backoff_max); after a
 *    session that reached HELLO ends, the back-off is reset and the target
 *    reconnects after `reconnect_ns` (100 ms by default, always < 1 s).
 *  - passive listeners, `--listen ptcp:PORT[:IP]` (IP numeric, IPv6 may be
 *    bracketed; port 0 = ephemeral, see sw_connmgr_listener_port, logged),
 *    each accepting up to max_passive clients at once (ovs-ofctl,
 *    monitors) for all listeners together.
 *
 * The agent sees connections only after HELLO: on_connect(conn), then
 * on_message(conn, msg, len) for every message but HELLO/ECHO, then
 * on_disconnect(conn) once, after which the connection is freed.  A
 * connection that closes before HELLO produces no callback at all.
 *
 * Limits: at most `max_passive` passive clients at once (--max-connections;
 * one more is accepted and closed at once, counted and logged at most once
 * per 10 s); when accept fails for want of descriptors or memory (EMFILE,
 * ENFILE, ENOBUFS, ENOMEM) the listener pauses, backing off from 100 ms to
 * 1.6 s, instead of spinning, with the same rate-limited log.  Every
 * connection's send queue is flow-controlled (sw_conn.h) and all of them
 * share one memory budget, `queue_budget` bytes (--queue-budget): above
 * half of it nobody's requests are read, and a reply that does not fit
 * closes its connection, logged.  The total memory of the channel is then
 * about queue_budget + 64 KiB per connection with a partial message.
 *
 * Driving it: sw_connmgr_run(mgr, now) does everything and never blocks.
 * Two ways to know when to call it:
 *  - with an os/poll.h loop (the main loops): sw_connmgr_attach_poll() once;
 *    the manager then keeps every handle it owns registered with the loop,
 *    and readiness callbacks mark the handle (and the manager) due.  A run
 *    then touches only the connections that are ready, have a timer due,
 *    or have no handle (the in-process channel; polled every millisecond),
 *    so idle connections cost nothing.  Each turn of the loop:
 *        if (sw_connmgr_due(mgr, now)) sw_connmgr_run(mgr, now);
 *    and sleep no later than sw_connmgr_next_deadline(mgr).  A loop that
 *    busy-polls its ports must still call os_poll_run(p, 0) at least every
 *    millisecond, or nothing becomes ready.
 *  - without one (tests, the unikernels until their stack has handles):
 *    every run polls every connection (as cheap as a nonblocking read
 *    each), and `due` is also true 1 ms after the last run;
 *    sw_connmgr_wait_fds() lists the handles and events to watch,
 *    sw_connmgr_next_deadline() the time limit.
 *
 * Single-threaded.  Callbacks run inside sw_connmgr_run(); they may send on
 * any connection, broadcast, and sw_conn_close() a connection (it is then
 * reported by on_disconnect and freed within the same or the next run), but
 * must not destroy the manager.  Send to one connection with sw_conn_send().
 * With a loop attached, call sw_conn_close() only from callbacks (the
 * handle is deregistered in the same run).
 */
#ifndef SW_CONNMGR_H
#define SW_CONNMGR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_conn.h"

struct sw_connmgr;

struct sw_connmgr_cbs {
    void (*on_connect)(struct sw_conn *c, void *arg);
    void (*on_message)(struct sw_conn *c, const uint8_t *msg, size_t len, void *arg);
    void (*on_disconnect)(struct sw_conn *c, void *arg);
    void *arg;
};

/* Zero in any field selects its default. */
struct sw_connmgr_config {
    uint64_t probe_interval_ns;  /* echo keepalive, default 5 s */
    uint64_t hello_timeout_ns;   /* HELLO must complete within it, 5 s */
    uint64_t msg_timeout_ns;     /* a message must arrive within it, 10 s */
    uint64_t tx_stall_ns;        /* a send backlog must move within it, 10 s */
    size_t tx_max_bytes;         /* per-connection TX bound, default 1 MiB */
    size_t tx_high_bytes;        /* flow-control mark, default 1 MiB */
    size_t queue_budget;         /* all TX queues together, default 64 MiB */
    unsigned max_passive;        /* passive clients at once, default 256 */
    uint64_t reconnect_ns;       /* after a session ends, default 100 ms */
    uint64_t backoff_min_ns;     /* first retry after a failed connect, 100 ms */
    uint64_t backoff_max_ns;     /* back-off ceiling, default 8 s */
    uint64_t connect_timeout_ns; /* a connect still pending is failed, 5 s */
};

#define SW_CONNMGR_MAX_PASSIVE_DEFAULT 256
#define SW_CONNMGR_BUDGET_DEFAULT (64u << 20)

struct sw_connmgr_stats {
    uint64_t connect_attempts, connect_failures; /* active targets */
    uint64_t accepted;                           /* passive clients */
    uint64_t refused;                            /* over max_passive */
    uint64_t accept_errors;                      /* accept failed (EMFILE...) */
    uint64_t sessions;                           /* reached HELLO */
    uint64_t disconnects;                        /* sessions ended */
    uint64_t broadcast_dropped;                  /* per connection refusal */
    size_t queue_peak;                           /* highest TX memory, all conns */
};

/* A handle to watch and the events (OS_POLL_IN/OS_POLL_OUT) to watch for. */
struct sw_connmgr_pollfd {
    int fd;
    unsigned events;
};

#define SW_CONNMGR_DEFAULT_PORT 6653

/* Parses "tcp:HOST[:PORT]" ("tcp:[V6ADDR][:PORT]").  Returns 0 with host
 * (NUL-terminated) and *port filled, or -EINVAL. */
int sw_connmgr_parse_target(const char *spec, char *host, size_t hostlen, uint16_t *port);

/* Parses "ptcp:PORT[:IP]" (IP may be "[V6]" or bare).  Returns 0 with
 * *port and ip ("" for any address) filled, or -EINVAL. */
int sw_connmgr_parse_listen(const char *spec, uint16_t *port, char *ip, size_t iplen);

/* Creates an empty manager; cfg may be NULL, cbs is copied.  Returns it or
 * NULL. */
struct sw_connmgr *sw_connmgr_create(const struct sw_connmgr_config *cfg,
                                     const struct sw_connmgr_cbs *cbs);

/* Destroys every connection (no callbacks), target and listener.  NULL
 * ignored. */
void sw_connmgr_destroy(struct sw_connmgr *m);

/* Adds an active target "tcp:HOST[:PORT]"; the first connect happens in the
 * next sw_connmgr_run.  Returns 0, -EINVAL (bad spec) or -ENOMEM. */
int sw_connmgr_add_target(struct sw_connmgr *m, const char *spec);

/* Adds a listener "ptcp:PORT[:IP]" and starts listening now.  Returns its
 * index (>= 0), -EINVAL (bad spec), or the os_stream_listen error. */
int sw_connmgr_add_listener(struct sw_connmgr *m, const char *spec);

/* Adds a connection over an already-connected transport (issue 4's
 * in-process channel to the embedded controller; the standalone controller
 * uses it too).  The transport is taken in every case.  `as_controller`
 * makes the connection count as a controller for
 * sw_connmgr_has_controller() and sw_connmgr_conn_is_active_target() (fail
 * modes), as an active target's does; it is never reconnected.  `name`
 * labels logs (copied).  HELLO is queued at once; the usual callbacks
 * follow from sw_connmgr_run.  Returns 0 or -ENOMEM. */
int sw_connmgr_add_conn(struct sw_connmgr *m, const struct sw_transport_ops *ops,
                        void *transport, bool as_controller, const char *name,
                        uint64_t now_ns);

/* Returns the TCP port of listener `idx` (useful after ptcp:0), or 0. */
uint16_t sw_connmgr_listener_port(const struct sw_connmgr *m, int idx);

/* Does all pending work at now_ns: accepts, (re)connects, reads, delivers,
 * writes, probes, reaps closed connections.  Never blocks.  Returns
 * nothing. */
void sw_connmgr_run(struct sw_connmgr *m, uint64_t now_ns);

/* Writes every connection's queued output (sw_conn_flush): call it after
 * sending outside sw_connmgr_run, e.g. the packet_ins of a datapath poll.
 * Costs nothing when nothing was queued since the last flush.  Returns
 * nothing. */
void sw_connmgr_flush(struct sw_connmgr *m);

/* Fills up to `max` handles to watch.  Returns how many there are in all
 * (may exceed max: then call again with a larger array). */
size_t sw_connmgr_wait_fds(const struct sw_connmgr *m, struct sw_connmgr_pollfd *fds,
                           size_t max);

/* Registers the manager's handles with loop p, now and whenever they
 * change (in add_listener and at the end of every run); readiness marks the
 * manager due.  Returns 0 or -EBUSY (already attached).  Detach only by
 * sw_connmgr_destroy (p must outlive the manager). */
struct os_poll;
int sw_connmgr_attach_poll(struct sw_connmgr *m, struct os_poll *p);

/* Returns true when sw_connmgr_run should run at now_ns: a watched handle
 * was ready, a deadline passed, or 1 ms passed since the last run while
 * some handle cannot be watched (or no loop is attached).  O(1). */
bool sw_connmgr_due(const struct sw_connmgr *m, uint64_t now_ns);

/* Returns the monotonic time by which sw_connmgr_run must be called again
 * (UINT64_MAX: only when a handle is ready).  O(1). */
uint64_t sw_connmgr_next_deadline(const struct sw_connmgr *m);

/* Sends one whole message to every connection past HELLO (controllers and
 * passive clients alike, as Open vSwitch does for asynchronous messages)
 * with sw_conn_send (must arrive: port_status).  Returns the number of
 * connections that queued it; refusals are counted.  Like sw_conn_send it
 * only queues: sw_connmgr_run or sw_connmgr_flush writes. */
int sw_connmgr_broadcast(struct sw_connmgr *m, const void *msg, size_t len);

/* sw_connmgr_broadcast with sw_conn_send_async: packet_in and flow_removed,
 * dropped (counted) on connections that are backlogged.  Returns the
 * number of connections that queued it. */
int sw_connmgr_broadcast_async(struct sw_connmgr *m, const void *msg, size_t len);

/* Returns true when at least one active target's connection (or one added
 * with as_controller) is past HELLO (for fail modes; passive clients do
 * not count).  O(1). */
bool sw_connmgr_has_controller(const struct sw_connmgr *m);

/* Returns true when `c` belongs to an active target (false: passive). */
bool sw_connmgr_conn_is_active_target(const struct sw_conn *c);

/* Returns the number of connections past HELLO.  O(1). */
size_t sw_connmgr_n_sessions(const struct sw_connmgr *m);

/* Returns the manager's counters. */
const struct sw_connmgr_stats *sw_connmgr_stats(const struct sw_connmgr *m);

#endif /* SW_CONNMGR_H */
