/*
 * net_tcp.h — TCP connections of a net_stack (RFC 793/9293 with RFC 5681
 * congestion control, RFC 6582 NewReno fast retransmit and recovery,
 * RFC 6298 retransmission timer, RFC 2018 SACK both ways, an RFC 8985
 * style tail loss probe, RFC 7323 window scaling, MSS option, RFC 1122
 * keepalive, RFC 5961 RST/SYN checks, RFC 6528-style random ISNs).
 *
 * A `struct net_tcp` is a control block: a listener (net_tcp_listen) or a
 * connection (net_tcp_connect, net_tcp_accept).  The application holds it
 * from creation until net_tcp_close/net_tcp_abort; only then may the stack
 * free it (it keeps a closed connection's block for its FIN exchange and
 * TIME_WAIT, and for reporting errors until the application lets go).  So a
 * handle the application holds is always valid, whatever the peer does.
 *
 * Data: the send buffer keeps everything not yet acknowledged (for
 * retransmission); the receive buffer keeps what the application has not
 * read, plus out-of-order data inside the advertised window.  Both are
 * fixed per connection (net_config.snd_buf/rcv_buf): a peer that stops
 * reading makes writes return -EAGAIN, never grows memory.  Segments go out
 * at once (no Nagle: the OpenFlow channel wants it so).
 *
 * None of these calls blocks; they use the time of the last net_poll/
 * net_input call.  Errors are negative errno values.  Single-threaded, on
 * the stack's thread.
 */
#ifndef NET_TCP_H
#define NET_TCP_H

#include <stddef.h>
#include <stdint.h>

struct net_stack;
struct net_tcp;

/* States (RFC 793 names). */
enum net_tcp_state {
    NET_TCP_CLOSED, NET_TCP_LISTEN, NET_TCP_SYN_SENT, NET_TCP_SYN_RCVD,
    NET_TCP_ESTABLISHED, NET_TCP_FIN_WAIT_1, NET_TCP_FIN_WAIT_2, NET_TCP_CLOSING,
    NET_TCP_TIME_WAIT, NET_TCP_CLOSE_WAIT, NET_TCP_LAST_ACK,
};

/* Starts an active open to dst:dport (host order) from an ephemeral port.
 * Works before the stack has an address: the SYN leaves as soon as it has
 * one.  Returns 0 and sets *out, -EINVAL (bad address), -ENOBUFS (no free
 * control block) or -ENOMEM. */
int net_tcp_connect(struct net_stack *st, uint32_t dst, uint16_t dport, struct net_tcp **out);

/* Listens on `port` (0: an ephemeral one) of local address `addr` (0: any).
 * Returns 0 and sets *out, -EADDRINUSE or -ENOBUFS. */
int net_tcp_listen(struct net_stack *st, uint32_t addr, uint16_t port, struct net_tcp **out);

/* Takes one established connection from listener l's queue.  Returns 0 and
 * sets *out, -EAGAIN when none is waiting, -EINVAL when l is no listener. */
int net_tcp_accept(struct net_tcp *l, struct net_tcp **out);

/* Returns 0 once the connection is established (and later, also after the
 * peer's FIN), -EAGAIN during the handshake, or the error that ended it
 * (-ECONNREFUSED, -ECONNRESET, -ETIMEDOUT). */
int net_tcp_status(const struct net_tcp *c);

/* Reads up to n bytes.  Returns the count (> 0), 0 at the peer's FIN once
 * everything before it was read, -EAGAIN when nothing is ready (also during
 * the handshake), or the error that ended the connection. */
long net_tcp_read(struct net_tcp *c, void *buf, size_t n);

/* Queues up to n bytes and sends what the windows allow.  Returns the count
 * queued (>= 1), -EAGAIN when the send buffer is full or the handshake is
 * still running, -EPIPE after net_tcp_close or the error that ended the
 * connection. */
long net_tcp_write(struct net_tcp *c, const void *buf, size_t n);

/* Orderly close: the application lets go of c; queued data is still sent,
 * then FIN; the stack frees the block after the FIN exchange (TIME_WAIT
 * when it closed first).  Data still unread, or arriving later, resets
 * the connection instead (as Linux does).  A listener's queued and
 * half-open connections are reset.  NULL is ignored.  Returns nothing. */
void net_tcp_close(struct net_tcp *c);

/* Abortive close: sends RST (unless the connection never got past SYN) and
 * frees c at once.  NULL is ignored.  Returns nothing. */
void net_tcp_abort(struct net_tcp *c);

/* Returns the state of c. */
enum net_tcp_state net_tcp_get_state(const struct net_tcp *c);

/* Returns the name of a state ("ESTABLISHED"...). */
const char *net_tcp_state_name(enum net_tcp_state s);

/* Returns the local port (host order). */
uint16_t net_tcp_local_port(const struct net_tcp *c);

/* Sets *addr and *port (host order) to the peer's address, or to the local
 * ones for a listener.  Returns nothing. */
void net_tcp_peer(const struct net_tcp *c, uint32_t *addr, uint16_t *port);

/* Returns the bytes that can be read now without blocking. */
size_t net_tcp_readable(const struct net_tcp *c);

/* Returns the bytes net_tcp_write would accept now. */
size_t net_tcp_writable(const struct net_tcp *c);

/* Internal figures of a connection, for tests and diagnostics. */
struct net_tcp_info {
    uint32_t snd_una, snd_nxt, snd_wnd, rcv_nxt, rcv_wnd;
    uint32_t cwnd, ssthresh, mss;
    uint8_t snd_wscale, rcv_wscale;
    uint64_t srtt_ns, rto_ns;
    uint32_t retransmits;
};

/* Fills *info for c.  Returns nothing. */
void net_tcp_get_info(const struct net_tcp *c, struct net_tcp_info *info);

#endif /* NET_TCP_H */
