/*
 * ofbench_conn.h — a minimal blocking OpenFlow 1.0 client connection for
 * the control-plane benchmark.
 *
 * One TCP connection to a switch's ptcp: listener.  Messages are encoded
 * with openflow/ofp_encode.h straight into the connection's write buffer
 * (`ofb_out`), sent with `ofb_flush`, and received one at a time, framed by
 * the OpenFlow header and decoded with ofp_decode.  Echo requests from the
 * switch are answered inside `ofb_recv`; PACKET_IN and ERROR messages are
 * counted there too (and still returned); a message ofp_decode refuses
 * (a vendor extension) is counted and skipped.
 *
 * Lifetime: a message returned by ofb_recv points into the read buffer and
 * is valid until the next ofb_recv.  Every wait is bounded by a timeout.
 * Single thread.  Callers: bench/ofbench.c.
 */
#ifndef BENCH_OFBENCH_CONN_H
#define BENCH_OFBENCH_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "openflow/ofp_encode.h"
#include "openflow/ofp_msg.h"

struct ofb_conn {
    int fd;
    uint8_t *rbuf;
    size_t rhead, rlen, rcap; /* unread bytes are rbuf[rhead, rlen) */
    uint8_t *wmem;
    struct ofp_buf out;       /* pending output */
    uint32_t xid;             /* last xid used */
    uint64_t n_packet_in;     /* PACKET_IN received */
    uint64_t n_errors;        /* ERROR received */
    uint64_t n_msgs;          /* messages received */
    uint64_t n_undecoded;     /* messages ofp_decode refused (skipped) */
    uint16_t last_err_type, last_err_code;
};

/* Connects to host:port, exchanges HELLO and reads FEATURES_REPLY.
 * Returns 0 or a negative errno (message printed). */
int ofb_connect(struct ofb_conn *c, const char *host, uint16_t port);

/* Closes the connection and frees its buffers.  Returns nothing. */
void ofb_close(struct ofb_conn *c);

/* Returns the output buffer, flushed first when fewer than `need` bytes are
 * free (so an encoder of at most `need` bytes cannot fail), or NULL when
 * the flush failed. */
struct ofp_buf *ofb_out(struct ofb_conn *c, size_t need);

/* Sends everything pending.  Returns 0 or a negative errno. */
int ofb_flush(struct ofb_conn *c);

/* Returns a fresh transaction id. */
static inline uint32_t ofb_xid(struct ofb_conn *c)
{
    return ++c->xid;
}

/* Receives one message within timeout_ms.  Returns 1 with *m decoded, 0 on
 * timeout, or a negative errno (closed, bad message). */
int ofb_recv(struct ofb_conn *c, struct ofp_msg *m, int timeout_ms);

/* Receives until a message of `type` with `xid` arrives (others are
 * counted and dropped).  Returns 1, 0 on timeout, or a negative errno. */
int ofb_wait(struct ofb_conn *c, uint8_t type, uint32_t xid, struct ofp_msg *m,
             int timeout_ms);

/* Sends a BARRIER_REQUEST (flushing first) and waits for its reply.
 * Returns 0, -ETIMEDOUT or another negative errno. */
int ofb_barrier(struct ofb_conn *c, int timeout_ms);

#endif /* BENCH_OFBENCH_CONN_H */
