/*
 * sw_connpeer.h — test helper: the far end of an OpenFlow connection over
 * loopback TCP, driven by hand (blocking with a timeout, via poll(2)).
 * Linked into every unit test binary; names are prefixed scp_.  Hosted test
 * code only.
 */
#ifndef SW_CONNPEER_H
#define SW_CONNPEER_H

#include <stddef.h>
#include <stdint.h>

struct os_stream;

/* Returns the monotonic clock in ms (for test timeouts). */
uint64_t scp_ms(void);

/* Makes a connected loopback pair: *a = connecting side, *b = accepted side.
 * Returns 0 or -1. */
int scp_pair(struct os_stream **a, struct os_stream **b);

/* Accepts one connection on listener l within timeout_ms.  Returns the
 * stream or NULL. */
struct os_stream *scp_accept(struct os_stream *l, int timeout_ms);

/* Writes all of buf.  Returns 0 or -1. */
int scp_send(struct os_stream *s, const void *buf, size_t len);

/* Sends an 8-byte-header message (version, type, xid) with body.  Returns
 * 0 or -1. */
int scp_send_msg(struct os_stream *s, uint8_t version, uint8_t type, uint32_t xid,
                 const void *body, size_t blen);

/* Reads one whole OpenFlow message into buf (max bytes) within timeout_ms.
 * Returns its length, 0 at end of stream, or -1 on timeout/error. */
long scp_recv_msg(struct os_stream *s, uint8_t *buf, size_t max, int timeout_ms);

/* Returns 1 when the stream reaches end of stream (or reset) within
 * timeout_ms, discarding data; 0 otherwise. */
int scp_wait_eof(struct os_stream *s, int timeout_ms);

#endif /* SW_CONNPEER_H */
