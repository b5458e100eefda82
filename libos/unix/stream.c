/*
 * stream.c — os/stream.h over Linux TCP sockets.
 *
 * Every socket is nonblocking and close-on-exec; connected sockets get
 * TCP_NODELAY (OpenFlow messages are small and latency matters).  Writes use
 * send(MSG_NOSIGNAL) so a closed peer gives -EPIPE, never SIGPIPE.
 *
 * A host that is a name is resolved without blocking the caller: the
 * stream starts "connecting" with no socket yet, and a helper thread runs
 * getaddrinfo (the C library's, so /etc/hosts and nsswitch apply) and
 * closes the write end of a pipe when it is done.  Until then
 * os_stream_fd() is the pipe's read end (it reports hang-up, so a poll loop
 * wakes) and os_stream_connect_status() -EAGAIN; then the socket is
 * created, its connect started, and os_stream_fd() becomes the socket.  A
 * stream closed while its lookup runs abandons it (logged): the thread
 * finishes on its own and frees what it shares with the stream.  At most
 * STREAM_MAX_LOOKUPS lookups run at once (beyond: -EAGAIN).
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "os/clock.h"
#include "os/log.h"
#include "os/stream.h"

#define STREAM_MAX_LOOKUPS 4

/* A name lookup, shared by a stream and its thread; freed by whichever
 * drops the last reference. */
struct lookup {
    int refs;                     /* atomic: the stream's and the thread's */
    int done;                     /* atomic: the thread has stored the result */
    int wfd;                      /* pipe write end: closed by the thread when done */
    int rc;                       /* 0 or -EHOSTUNREACH */
    char host[256], port[8];
    struct sockaddr_storage ss;
    socklen_t len;
};

struct os_stream {
    int fd;           /* the socket; the lookup pipe's read end while resolving */
    int connect_err;  /* 1 while connecting, 0 when connected, else -errno */
    int listener;
    struct lookup *lk; /* the name lookup in progress, or NULL */
    uint64_t lookup_start_ns;
    uint16_t port;
    struct sockaddr_storage peer;
    socklen_t peer_len;
};

static int n_lookups; /* atomic: lookup threads alive */

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

/* Fills *ss from a numeric address (passive: or NULL for any address).
 * Returns 0, -EINVAL, or -EWOULDBLOCK for an active host that is a name
 * (to resolve in the background, see lookup_start). */
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
        if (inet_pton(AF_INET, host, &a4) != 1 && inet_pton(AF_INET6, host, &a6) != 1)
            return -EWOULDBLOCK;
        hints.ai_flags = AI_NUMERICHOST;
    }
    int rc = getaddrinfo(host, portstr, &hints, &res);
    if (rc != 0 || !res)
        return -EINVAL;
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

/* Opens a nonblocking socket for ss and starts connecting it.  Returns
 * the fd and sets *state (1 in progress, 0 connected), or a negative
 * errno. */
static int stream_start_connect(const struct sockaddr_storage *ss, socklen_t len, int *state)
{
    int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    stream_nodelay(fd);
    *state = 0;
    if (connect(fd, (const struct sockaddr *)ss, len) != 0) {
        if (errno != EINPROGRESS) {
            int rc = -errno;
            close(fd);
            return rc;
        }
        *state = 1;
    }
    return fd;
}

/* ---- name lookups in a helper thread ---- */

static void lookup_unref(struct lookup *lk)
{
    if (__atomic_sub_fetch(&lk->refs, 1, __ATOMIC_ACQ_REL) == 0)
        free(lk);
}

static void *lookup_thread(void *arg)
{
    struct lookup *lk = arg;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_ADDRCONFIG};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(lk->host, lk->port, &hints, &res);
    lk->rc = rc != 0 || !res ? -EHOSTUNREACH : 0;
    if (lk->rc == 0) {
        memcpy(&lk->ss, res->ai_addr, res->ai_addrlen);
        lk->len = res->ai_addrlen;
    }
    if (res)
        freeaddrinfo(res);
    __atomic_store_n(&lk->done, 1, __ATOMIC_RELEASE);
    close(lk->wfd); /* the reader sees hang-up: the poll loop wakes */
    __atomic_sub_fetch(&n_lookups, 1, __ATOMIC_ACQ_REL);
    lookup_unref(lk);
    return NULL;
}

/* Starts resolving host:port in a thread.  Returns 0 and sets *rfd to the
 * pipe end to watch and *out to the lookup, or a negative errno (-EAGAIN:
 * STREAM_MAX_LOOKUPS already run). */
static int lookup_start(const char *host, uint16_t port, int *rfd, struct lookup **out)
{
    if (strlen(host) >= sizeof((struct lookup *)0)->host)
        return -EINVAL;
    if (__atomic_add_fetch(&n_lookups, 1, __ATOMIC_ACQ_REL) > STREAM_MAX_LOOKUPS) {
        __atomic_sub_fetch(&n_lookups, 1, __ATOMIC_ACQ_REL);
        OS_WARN("stream", "%s: %d name lookups still unanswered; not starting another",
                host, STREAM_MAX_LOOKUPS);
        return -EAGAIN;
    }
    struct lookup *lk = calloc(1, sizeof *lk);
    int p[2] = {-1, -1};
    int rc = !lk ? -ENOMEM : pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0 ? -errno : 0;
    if (rc == 0) {
        snprintf(lk->host, sizeof lk->host, "%s", host);
        snprintf(lk->port, sizeof lk->port, "%u", (unsigned)port);
        lk->wfd = p[1];
        lk->refs = 2;
        pthread_attr_t attr;
        sigset_t all, old;
        pthread_t tid;
        sigfillset(&all);
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_sigmask(SIG_SETMASK, &all, &old); /* signals stay with the caller */
        rc = -pthread_create(&tid, &attr, lookup_thread, lk);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        pthread_attr_destroy(&attr);
    }
    if (rc < 0) {
        __atomic_sub_fetch(&n_lookups, 1, __ATOMIC_ACQ_REL);
        if (p[0] >= 0) {
            close(p[0]);
            close(p[1]);
        }
        free(lk);
        return rc;
    }
    *rfd = p[0];
    *out = lk;
    return 0;
}

/* Drops the stream's side of its lookup (closing the pipe end; the socket
 * is created first, so its fd never reuses the pipe's).  Returns nothing. */
static void stream_end_lookup(struct os_stream *s)
{
    close(s->fd);
    s->fd = -1;
    lookup_unref(s->lk);
    s->lk = NULL;
}

/* Resolution done: creates the socket and starts the connect.  Returns 0
 * or the failure (then also in connect_err). */
static int stream_lookup_finished(struct os_stream *s)
{
    struct lookup *lk = s->lk;
    int state = 1, fd = lk->rc;
    if (lk->rc == 0) {
        memcpy(&s->peer, &lk->ss, lk->len);
        s->peer_len = lk->len;
        fd = stream_start_connect(&lk->ss, lk->len, &state);
    }
    stream_end_lookup(s);
    if (fd < 0) {
        s->connect_err = fd;
        return fd;
    }
    s->fd = fd;
    s->connect_err = state;
    return 0;
}

int os_stream_connect(const char *host, uint16_t port, struct os_stream **out)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int rc = stream_resolve(host, port, 0, &ss, &len);
    if (rc == -EWOULDBLOCK) { /* a name: resolve it in the background */
        struct lookup *lk;
        int rfd;
        if ((rc = lookup_start(host, port, &rfd, &lk)) < 0)
            return rc;
        struct os_stream *s = stream_new(rfd, 1);
        if (!s) {
            close(rfd);
            lookup_unref(lk);
            return -ENOMEM;
        }
        s->lk = lk;
        s->port = port;
        s->lookup_start_ns = os_clock_ns();
        *out = s;
        return 0;
    }
    if (rc < 0)
        return rc;
    int state;
    int fd = stream_start_connect(&ss, len, &state);
    return fd < 0 ? fd : stream_wrap(fd, state, &ss, len, out);
}

int os_stream_connect_status(struct os_stream *s)
{
    if (s->lk) {
        if (!__atomic_load_n(&s->lk->done, __ATOMIC_ACQUIRE))
            return -EAGAIN;
        int rc = stream_lookup_finished(s);
        if (rc < 0)
            return rc;
    }
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
    if (s->lk)
        return 0;
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
    if (s->lk) {
        snprintf(buf, len, "%s:%u", s->lk->host, (unsigned)s->port);
        return buf;
    }
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
    if (s->lk) {
        if (!__atomic_load_n(&s->lk->done, __ATOMIC_ACQUIRE))
            OS_INFO("stream", "name lookup of '%s' still unanswered after %llu ms: "
                    "abandoned (it ends on its own)", s->lk->host,
                    (unsigned long long)((os_clock_ns() - s->lookup_start_ns) / 1000000));
        stream_end_lookup(s);
    }
    if (s->fd >= 0)
        close(s->fd);
    free(s);
}
