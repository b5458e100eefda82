/*
 * stream.c — os/stream.h on the PVH targets (kvm, xen): not available yet.
 *
 * The unikernel has no TCP/IP stack yet (libos/net/ is the next step), so
 * every call fails with -EOPNOTSUPP, os_stream_fd() returns -1, and no
 * stream ever exists.  The product says so in its boot log when
 * --controller or --listen is given.
 */
#include <errno.h>
#include <stdio.h>

#include "os/stream.h"

int os_stream_connect(const char *host, uint16_t port, struct os_stream **out)
{
    if (out)
        *out = NULL;
    return -EOPNOTSUPP;
}

int os_stream_connect_status(struct os_stream *s)
{
    return -EOPNOTSUPP;
}

int os_stream_listen(const char *ip, uint16_t port, struct os_stream **out)
{
    if (out)
        *out = NULL;
    return -EOPNOTSUPP;
}

int os_stream_accept(struct os_stream *l, struct os_stream **out)
{
    if (out)
        *out = NULL;
    return -EOPNOTSUPP;
}

long os_stream_read(struct os_stream *s, void *buf, size_t n)
{
    return -EOPNOTSUPP;
}

long os_stream_write(struct os_stream *s, const void *buf, size_t n)
{
    return -EOPNOTSUPP;
}

int os_stream_fd(const struct os_stream *s)
{
    return -1;
}

uint16_t os_stream_local_port(const struct os_stream *s)
{
    return 0;
}

const char *os_stream_name(const struct os_stream *s, char *buf, size_t len)
{
    if (len)
        snprintf(buf, len, "(no stream)");
    return buf;
}

void os_stream_close(struct os_stream *s)
{
}
