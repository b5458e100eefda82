/* sw_connpeer.c — see sw_connpeer.h. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include "os/byteorder.h"
#include "os/stream.h"
#include "sw_connpeer.h"

uint64_t scp_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int scp_wait(struct os_stream *s, short ev, int timeout_ms)
{
    struct pollfd p = {.fd = os_stream_fd(s), .events = ev};
    return poll(&p, 1, timeout_ms) > 0;
}

struct os_stream *scp_accept(struct os_stream *l, int timeout_ms)
{
    uint64_t end = scp_ms() + (uint64_t)timeout_ms;
    struct os_stream *s;
    do {
        if (os_stream_accept(l, &s) == 0)
            return s;
        scp_wait(l, POLLIN, 10);
    } while (scp_ms() < end);
    return NULL;
}

int scp_pair(struct os_stream **a, struct os_stream **b)
{
    struct os_stream *l;
    if (os_stream_listen("127.0.0.1", 0, &l) < 0)
        return -1;
    int rc = os_stream_connect("127.0.0.1", os_stream_local_port(l), a);
    *b = rc == 0 ? scp_accept(l, 2000) : NULL;
    os_stream_close(l);
    if (rc == 0 && !*b)
        os_stream_close(*a);
    return *b ? 0 : -1;
}

int scp_send(struct os_stream *s, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    uint64_t end = scp_ms() + 2000;
    while (len > 0 && scp_ms() < end) {
        long w = os_stream_write(s, p, len);
        if (w > 0) {
            p += w;
            len -= (size_t)w;
        } else if (w == -EAGAIN || w == 0) {
            scp_wait(s, POLLOUT, 10);
        } else {
            return -1;
        }
    }
    return len == 0 ? 0 : -1;
}

int scp_send_msg(struct os_stream *s, uint8_t version, uint8_t type, uint32_t xid,
                 const void *body, size_t blen)
{
    uint8_t m[65536];
    if (blen > sizeof m - 8)
        return -1;
    m[0] = version;
    m[1] = type;
    os_put_be16(m + 2, (uint16_t)(8 + blen));
    os_put_be32(m + 4, xid);
    if (blen)
        memcpy(m + 8, body, blen);
    return scp_send(s, m, 8 + blen);
}

/* Reads exactly n bytes.  Returns n, 0 at EOF before any byte, or -1. */
static long scp_read_exact(struct os_stream *s, uint8_t *buf, size_t n, uint64_t end)
{
    size_t got = 0;
    while (got < n) {
        long r = os_stream_read(s, buf + got, n - got);
        if (r > 0) {
            got += (size_t)r;
        } else if (r == -EAGAIN) {
            if (scp_ms() >= end)
                return -1;
            scp_wait(s, POLLIN, 10);
        } else {
            return got == 0 && (r == 0 || r == -ECONNRESET) ? 0 : -1;
        }
    }
    return (long)n;
}

long scp_recv_msg(struct os_stream *s, uint8_t *buf, size_t max, int timeout_ms)
{
    uint64_t end = scp_ms() + (uint64_t)timeout_ms;
    long r = scp_read_exact(s, buf, 8, end);
    if (r <= 0)
        return r;
    size_t len = os_get_be16(buf + 2);
    if (len < 8 || len > max)
        return -1;
    if (len > 8 && scp_read_exact(s, buf + 8, len - 8, end) != (long)(len - 8))
        return -1;
    return (long)len;
}

int scp_wait_eof(struct os_stream *s, int timeout_ms)
{
    uint64_t end = scp_ms() + (uint64_t)timeout_ms;
    uint8_t buf[4096];
    for (;;) {
        long r = os_stream_read(s, buf, sizeof buf);
        if (r == 0 || (r < 0 && r != -EAGAIN))
            return 1;
        if (r == -EAGAIN) {
            if (scp_ms() >= end)
                return 0;
            scp_wait(s, POLLIN, 10);
        }
    }
}
