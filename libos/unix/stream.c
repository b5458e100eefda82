/*
 * stream.c — os/stream.h over Linux TCP sockets.
 *
 * Every socket is nonblocking and close-on-exec; connected sockets get
 * TCP_NODELAY (OpenFlow messages are small and latency matters).  Writes use
 * send(MSG_NOSIGNAL) so a closed peer gives -EPIPE, never SIGPIPE.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "os/stream.h"

struct os_stream {
    int fd;
    int connect_err;  /* 1 while connecting, 0 when connected, else -errno */
    int listener;
    struct sockaddr_storage peer;
    socklen_t peer_len;
};

static struct os_stream *stream_new(int fd, int connect_err)
{
    struct os_stream *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->fd = fd;
    s->connect_err = connect_err;
    return s;
}

static void stream_nodelay(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* Fills *ss from a numeric address or (blocking) a resolved name.
 * Returns 0, -EINVAL or -EHOSTUNREACH. */
static int stream_resolve(const char *host, uint16_t port, int passive,
                          struct sockaddr_storage *ss, socklen_t *len)
{
    struct addrinfo hints, *res = NULL;
    char portstr[8];

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = passive ? (AI_PASSIVE | AI_NUMERICHOST) : AI_ADDRCONFIG;
    snprintf(portstr, sizeof portstr, "%u", (unsigned)port);
    if (passive && (!host || !*host))
        host = NULL;
    else if (!host || !*host)
        return -EINVAL;
    if (!passive) {
        struct in6_addr a6;
        struct in_addr a4;
        if (inet_pton(AF_INET, host, &a4) == 1 || inet_pton(AF_INET6, host, &a6) == 1)
            hints.ai_flags = AI_NUMERICHOST;
    }
    int rc = getaddrinfo(host, portstr, &hints, &res);
    if (rc != 0 || !res)
        return passive ? -EINVAL : -EHOSTUNREACH;
    /* Passive with no address: prefer IPv6 any (dual stack) if offered. */
    struct addrinfo *pick = res;
    for (struct addrinfo *ai = res; ai && !host; ai = ai->ai_next)
        if (ai->ai_family == AF_INET6)
            pick = ai;
    memcpy(ss, pick->ai_addr, pick->ai_addrlen);
    *len = pick->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

/* Resolves host:port (passive: for bind) into *ss and *len and opens a
 * non-blocking stream socket of its family.  Returns the fd or a negative
 * errno. */
static int stream_open(const char *host, uint16_t port, int passive,
                       struct sockaddr_storage *ss, socklen_t *len)
{
    int rc = stream_resolve(host, port, passive, ss, len);
    if (rc < 0)
        return rc;
    int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    return fd < 0 ? -errno : fd;
}

/* Wraps fd in a new stream *out whose address is peer[0, len) (closing fd
 * when there is no memory).  Returns 0 or -ENOMEM. */
static int stream_wrap(int fd, int state, const struct sockaddr_storage *peer,
                       socklen_t len, struct os_stream **out)
{
    struct os_stream *s = stream_new(fd, state);
    if (!s) {
        close(fd);
        return -ENOMEM;
    }
    memcpy(&s->peer, peer, len);
    s->peer_len = len;
    *out = s;
    return 0;
}

int os_stream_connect(const char *host, uint16_t port, struct os_stream **out)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int fd = stream_open(host, port, 0, &ss, &len);
    if (fd < 0)
        return fd;
    stream_nodelay(fd);
    int state = 0;
    if (connect(fd, (struct sockaddr *)&ss, len) != 0) {
        if (errno != EINPROGRESS) {
            int rc = -errno;
            close(fd);
            return rc;
        }
        state = 1;
    }
    return stream_wrap(fd, state, &ss, len, out);
}

int os_stream_connect_status(struct os_stream *s)
{
    if (s->connect_err != 1)
        return s->connect_err;
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        err = errno;
    if (err) {
        s->connect_err = -err;
        return -err;
    }
    /* No error yet: connected once the peer address is known. */
    struct sockaddr_storage ss;
    len = sizeof ss;
    if (getpeername(s->fd, (struct sockaddr *)&ss, &len) != 0)
        return errno == ENOTCONN ? -EAGAIN : -errno;
    s->connect_err = 0;
    return 0;
}

int os_stream_listen(const char *ip, uint16_t port, struct os_stream **out)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int fd = stream_open(ip, port, 1, &ss, &len);
    if (fd < 0)
        return fd;
    int one = 1, zero = 0;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ss.ss_family == AF_INET6 && (!ip || !*ip))
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 64) != 0) {
        int err = -errno;
        close(fd);
        return err;
    }
    len = sizeof ss; /* the stream's address is its bound local one */
    getsockname(fd, (struct sockaddr *)&ss, &len);
    int rc = stream_wrap(fd, 0, &ss, len, out);
    if (rc == 0)
        (*out)->listener = 1;
    return rc;
}

int os_stream_accept(struct os_stream *l, struct os_stream **out)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int fd = accept4(l->fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        return errno == EWOULDBLOCK ? -EAGAIN : -errno;
    stream_nodelay(fd);
    return stream_wrap(fd, 0, &ss, len, out);
}

long os_stream_read(struct os_stream *s, void *buf, size_t n)
{
    if (s->connect_err == 1 && os_stream_connect_status(s) != 0)
        return s->connect_err == 1 ? -EAGAIN : s->connect_err;
    if (s->connect_err < 0)
        return s->connect_err;
    ssize_t r = recv(s->fd, buf, n, 0);
    if (r < 0)
        return errno == EWOULDBLOCK || errno == EINTR ? -EAGAIN : -errno;
    return (long)r;
}

long os_stream_write(struct os_stream *s, const void *buf, size_t n)
{
    if (s->connect_err == 1 && os_stream_connect_status(s) != 0)
        return s->connect_err == 1 ? -EAGAIN : s->connect_err;
    if (s->connect_err < 0)
        return s->connect_err;
    if (n == 0)
        return 0;
    ssize_t r = send(s->fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (r < 0)
        return errno == EWOULDBLOCK || errno == EINTR ? -EAGAIN : -errno;
    return (long)r;
}

int os_stream_fd(const struct os_stream *s)
{
    return s ? s->fd : -1;
}

uint16_t os_stream_local_port(const struct os_stream *s)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(s->fd, (struct sockaddr *)&ss, &len) != 0)
        return 0;
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return 0;
}

const char *os_stream_name(const struct os_stream *s, char *buf, size_t len)
{
    char host[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    if (len == 0)
        return buf;
    if (s->peer.ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)&s->peer;
        inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
        port = ntohs(a->sin_port);
        snprintf(buf, len, "%s:%u", host, port);
    } else if (s->peer.ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&s->peer;
        inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
        port = ntohs(a->sin6_port);
        snprintf(buf, len, "[%s]:%u", host, port);
    } else {
        snprintf(buf, len, "?");
    }
    return buf;
}

void os_stream_close(struct os_stream *s)
{
    if (!s)
        return;
    close(s->fd);
    free(s);
}
