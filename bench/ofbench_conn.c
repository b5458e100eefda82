/*
 * ofbench_conn.c — the benchmark's OpenFlow client connection
 * (ofbench_conn.h).
 */
#include "bench/ofbench_conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "openflow/of10.h"
#include "os/clock.h"

#define OFB_RCAP (1u << 20)
#define OFB_WCAP (1u << 20)

int ofb_flush(struct ofb_conn *c)
{
    size_t off = 0;
    while (off < c->out.len) {
        ssize_t n = send(c->fd, c->out.data + off, c->out.len - off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        off += (size_t)n;
    }
    c->out.len = 0;
    return 0;
}

struct ofp_buf *ofb_out(struct ofb_conn *c, size_t need)
{
    if (c->out.cap - c->out.len < need && ofb_flush(c) < 0)
        return NULL;
    return &c->out;
}

/* Reads more bytes within timeout_ms.  Returns >0, 0 on timeout, or a
 * negative errno (-ECONNRESET when the peer closed). */
static int fill(struct ofb_conn *c, int timeout_ms)
{
    if (c->rhead > 0) {
        memmove(c->rbuf, c->rbuf + c->rhead, c->rlen - c->rhead);
        c->rlen -= c->rhead;
        c->rhead = 0;
    }
    struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
    int r = poll(&pfd, 1, timeout_ms);
    if (r <= 0)
        return r < 0 ? -errno : 0;
    ssize_t n = recv(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen, 0);
    if (n <= 0)
        return n == 0 ? -ECONNRESET : -errno;
    c->rlen += (size_t)n;
    return 1;
}

/* Answers an ECHO_REQUEST and counts PACKET_IN / ERROR. */
static void account(struct ofb_conn *c, const struct ofp_msg *m)
{
    c->n_msgs++;
    if (m->type == OFPT_PACKET_IN) {
        c->n_packet_in++;
    } else if (m->type == OFPT_ERROR) {
        c->n_errors++;
        c->last_err_type = m->u.error.type;
        c->last_err_code = m->u.error.code;
    } else if (m->type == OFPT_ECHO_REQUEST) {
        struct ofp_buf *b = ofb_out(c, 8 + m->u.data.len);
        if (b && ofp_encode_echo(b, OFPT_ECHO_REPLY, m->xid, m->u.data.data, m->u.data.len) > 0)
            ofb_flush(c);
    }
}

int ofb_recv(struct ofb_conn *c, struct ofp_msg *m, int timeout_ms)
{
    uint64_t deadline = os_clock_ns() + (uint64_t)timeout_ms * OS_NS_PER_MS;
    for (;;) {
        size_t avail = c->rlen - c->rhead;
        if (avail >= OFP_HEADER_LEN) {
            const uint8_t *p = c->rbuf + c->rhead;
            size_t len = (size_t)p[2] << 8 | p[3];
            if (len < OFP_HEADER_LEN)
                return -EPROTO;
            if (avail >= len) {
                struct ofp_err err;
                c->rhead += len;
                if (ofp_decode(p, len, m, &err) == 0) {
                    account(c, m);
                    return 1;
                }
                c->n_undecoded++; /* e.g. a vendor message: counted, skipped */
                continue;
            }
        }
        uint64_t now = os_clock_ns();
        if (now >= deadline)
            return 0;
        int r = fill(c, (int)((deadline - now) / OS_NS_PER_MS) + 1);
        if (r <= 0)
            return r;
    }
}

int ofb_wait(struct ofb_conn *c, uint8_t type, uint32_t xid, struct ofp_msg *m,
             int timeout_ms)
{
    uint64_t deadline = os_clock_ns() + (uint64_t)timeout_ms * OS_NS_PER_MS;
    for (;;) {
        uint64_t now = os_clock_ns();
        if (now >= deadline)
            return 0;
        int r = ofb_recv(c, m, (int)((deadline - now) / OS_NS_PER_MS) + 1);
        if (r <= 0)
            return r;
        if (m->type == type && m->xid == xid)
            return 1;
    }
}

int ofb_barrier(struct ofb_conn *c, int timeout_ms)
{
    struct ofp_msg m;
    uint32_t xid = ofb_xid(c);
    struct ofp_buf *b = ofb_out(c, 8);
    if (!b || ofp_encode_simple(b, OFPT_BARRIER_REQUEST, xid) < 0)
        return -EIO;
    int err = ofb_flush(c);
    if (err)
        return err;
    int r = ofb_wait(c, OFPT_BARRIER_REPLY, xid, &m, timeout_ms);
    return r == 1 ? 0 : r == 0 ? -ETIMEDOUT : r;
}

static int tcp_connect(const char *host, uint16_t port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
        return -EINVAL;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        int err = -errno;
        close(fd);
        return err;
    }
    return fd;
}

int ofb_connect(struct ofb_conn *c, const char *host, uint16_t port)
{
    memset(c, 0, sizeof *c);
    c->fd = -1;
    c->rbuf = malloc(OFB_RCAP);
    c->wmem = malloc(OFB_WCAP);
    if (!c->rbuf || !c->wmem)
        return -ENOMEM;
    c->rcap = OFB_RCAP;
    ofp_buf_init(&c->out, c->wmem, OFB_WCAP);
    c->fd = tcp_connect(host, port);
    if (c->fd < 0) {
        fprintf(stderr, "ofbench: connect %s:%u: %s\n", host, port, strerror(-c->fd));
        return c->fd;
    }
    struct ofp_msg m;
    uint32_t fx = ofb_xid(c);
    ofp_encode_simple(&c->out, OFPT_HELLO, ofb_xid(c));
    ofp_encode_simple(&c->out, OFPT_FEATURES_REQUEST, fx);
    int err = ofb_flush(c);
    if (!err && ofb_wait(c, OFPT_FEATURES_REPLY, fx, &m, 5000) != 1)
        err = -ETIMEDOUT;
    if (err)
        fprintf(stderr, "ofbench: %s:%u: no FEATURES_REPLY: %s\n", host, port, strerror(-err));
    return err;
}

void ofb_close(struct ofb_conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    free(c->rbuf);
    free(c->wmem);
    c->fd = -1;
    c->rbuf = c->wmem = NULL;
}
