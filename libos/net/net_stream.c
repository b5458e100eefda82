/*
 * net_stream.c — os/stream.h over the unikernel's TCP (see net_stream.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libos/net/net.h"
#include "libos/net/net_stream.h"
#include "libos/net/net_tcp.h"
#include "os/mem.h"
#include "os/stream.h"

struct os_stream {
    struct net_tcp *c;
};

static struct net_stack *stream_stack;

void net_stream_attach(struct net_stack *st)
{
    stream_stack = st;
}

/* Wraps connection c in a stream.  Returns it, or NULL (c aborted). */
static struct os_stream *wrap(struct net_tcp *c)
{
    struct os_stream *s = os_calloc(1, sizeof *s);
    if (!s) {
        net_tcp_abort(c);
        return NULL;
    }
    s->c = c;
    return s;
}

/* Parses a host for connect/listen.  Returns 0 with *addr, or -EINVAL,
 * -EAFNOSUPPORT (IPv6) or -EHOSTUNREACH (a name: no resolver). */
static int parse_host(const char *host, uint32_t *addr)
{
    if (!host || !*host)
        return -EINVAL;
    if (net_parse_ip(host, addr) == 0)
        return 0;
    if (strchr(host, ':'))
        return -EAFNOSUPPORT;
    return -EHOSTUNREACH;
}

int os_stream_connect(const char *host, uint16_t port, struct os_stream **out)
{
    *out = NULL;
    uint32_t addr;
    int rc = parse_host(host, &addr);
    if (rc < 0)
        return rc;
    if (!stream_stack)
        return -ENETDOWN;
    struct net_tcp *c;
    rc = net_tcp_connect(stream_stack, addr, port, &c);
    if (rc < 0)
        return rc;
    *out = wrap(c);
    return *out ? 0 : -ENOMEM;
}

int os_stream_connect_status(struct os_stream *s)
{
    return net_tcp_status(s->c);
}

int os_stream_listen(const char *ip, uint16_t port, struct os_stream **out)
{
    *out = NULL;
    uint32_t addr = 0;
    if (ip && *ip) {
        int rc = parse_host(ip, &addr);
        if (rc < 0)
            return rc == -EHOSTUNREACH ? -EINVAL : rc;
    }
    if (!stream_stack)
        return -ENETDOWN;
    struct net_tcp *l;
    int rc = net_tcp_listen(stream_stack, addr, port, &l);
    if (rc < 0)
        return rc;
    *out = wrap(l);
    return *out ? 0 : -ENOMEM;
}

int os_stream_accept(struct os_stream *l, struct os_stream **out)
{
    *out = NULL;
    struct net_tcp *c;
    int rc = net_tcp_accept(l->c, &c);
    if (rc < 0)
        return rc;
    *out = wrap(c);
    return *out ? 0 : -ENOMEM;
}

long os_stream_read(struct os_stream *s, void *buf, size_t n)
{
    return net_tcp_read(s->c, buf, n);
}

long os_stream_write(struct os_stream *s, const void *buf, size_t n)
{
    if (n == 0)
        return 0;
    return net_tcp_write(s->c, buf, n);
}

int os_stream_fd(const struct os_stream *s)
{
    return -1;
}

uint16_t os_stream_local_port(const struct os_stream *s)
{
    return s ? net_tcp_local_port(s->c) : 0;
}

const char *os_stream_name(const struct os_stream *s, char *buf, size_t len)
{
    uint32_t addr;
    uint16_t port;
    char ip[16];
    if (!len)
        return buf;
    net_tcp_peer(s->c, &addr, &port);
    snprintf(buf, len, "%s:%u", net_ip_str(addr, ip, sizeof ip), (unsigned)port);
    return buf;
}

void os_stream_close(struct os_stream *s)
{
    if (!s)
        return;
    net_tcp_close(s->c);
    os_free(s);
}
