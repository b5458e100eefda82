/*
 * os/stream.h — nonblocking TCP byte streams (the OpenFlow channel).
 *
 * A stream is a reliable, ordered byte pipe to one peer: an active stream
 * made by os_stream_connect(), a passive listener made by os_stream_listen()
 * that yields streams through os_stream_accept().  On unix it is a BSD
 * socket with TCP_NODELAY; on the unikernels it is a connection of the
 * unikernel's own TCP/IP stack.  The API therefore speaks only of host
 * strings, port numbers and byte counts; the one concession to the event
 * loop is os_stream_fd(), a handle to watch with os/poll.h.
 *
 * Nothing here blocks, name resolution included: a connect to a name (not a
 * numeric IPv4/IPv6 address) returns a stream that stays "connecting"
 * (os_stream_connect_status -EAGAIN) until the name is resolved and the TCP
 * handshake done.  Connect, accept, read and write either make progress at
 * once or return -EAGAIN; the caller waits on os_stream_fd() (OS_POLL_IN to
 * read or accept, OS_POLL_OUT to write or to learn that a connect finished;
 * a connecting stream's handle may report hang-up or error instead, and may
 * change once the name is resolved: watch the one os_stream_fd returns now)
 * and retries.
 *
 * Errors are negative errno values; end of stream is a read returning 0.
 * Ownership: a stream belongs to whoever created or accepted it, until
 * os_stream_close().  Streams are not thread-safe; use each from one thread.
 */
#ifndef OS_STREAM_H
#define OS_STREAM_H

#include <stddef.h>
#include <stdint.h>

struct os_stream;

/* Starts connecting to `host` (numeric IPv4, numeric IPv6 without brackets,
 * or a name; see above) on TCP `port`.  Waits neither for the name nor for
 * the handshake.  Returns 0 and sets *out (the stream is "connecting"), or a
 * negative errno (-EINVAL for a bad host, -EAGAIN when too many name lookups
 * are already running, or the socket error); a name that does not resolve
 * fails later, in os_stream_connect_status, with -EHOSTUNREACH. */
int os_stream_connect(const char *host, uint16_t port, struct os_stream **out);

/* Checks on a connect in progress.  Never blocks.  Returns 0 once the stream
 * is connected (and on every later call), -EAGAIN while the handshake is
 * still running, or the negative errno of the failure (e.g. -ECONNREFUSED). */
int os_stream_connect_status(struct os_stream *s);

/* Listens on TCP `port` of local address `ip` (numeric; NULL or "" = every
 * address).  Port 0 picks an ephemeral port (see os_stream_local_port).
 * Returns 0 and sets *out, or a negative errno (-EADDRINUSE, -EINVAL...). */
int os_stream_listen(const char *ip, uint16_t port, struct os_stream **out);

/* Accepts one pending connection of listener `l`.  Never blocks.  Returns 0
 * and sets *out to a connected stream, -EAGAIN when none is pending, or
 * another negative errno. */
int os_stream_accept(struct os_stream *l, struct os_stream **out);

/* Reads up to `n` bytes into `buf`.  Never blocks.  Returns the number of
 * bytes read (> 0), 0 at end of stream (the peer closed), -EAGAIN when no
 * data is ready, or a negative errno (-ECONNRESET...). */
long os_stream_read(struct os_stream *s, void *buf, size_t n);

/* Writes up to `n` bytes of `buf`; may write fewer (a partial write).
 * Never blocks.  Returns the number of bytes written (>= 0), -EAGAIN when
 * nothing can be written now, or a negative errno (-EPIPE...). */
long os_stream_write(struct os_stream *s, const void *buf, size_t n);

/* Returns the handle to watch with os/poll.h, or -1 when the target has
 * none (then the caller polls by retrying). */
int os_stream_fd(const struct os_stream *s);

/* Returns the local TCP port of `s` (a listener's port, also when it was
 * chosen by the system), or 0 when unknown. */
uint16_t os_stream_local_port(const struct os_stream *s);

/* Writes "IP:PORT" of the peer (for a listener: the local address) into
 * buf, always NUL-terminated.  Returns buf. */
const char *os_stream_name(const struct os_stream *s, char *buf, size_t len);

/* Closes the stream and frees it (pending output may be lost).  NULL is
 * ignored.  Returns nothing. */
void os_stream_close(struct os_stream *s);

#endif /* OS_STREAM_H */
