/*
 * sw_conn_stream.c — the os/stream.h transport of sw_conn.
 */
#include "os/stream.h"
#include "sw_conn.h"

static long stream_t_read(void *t, void *buf, size_t n)
{
    return os_stream_read(t, buf, n);
}

static long stream_t_write(void *t, const void *buf, size_t n)
{
    return os_stream_write(t, buf, n);
}

static void stream_t_close(void *t)
{
    os_stream_close(t);
}

static int stream_t_wait_fd(void *t)
{
    return os_stream_fd(t);
}

const struct sw_transport_ops sw_stream_transport = {
    .read = stream_t_read,
    .write = stream_t_write,
    .close = stream_t_close,
    .wait_fd = stream_t_wait_fd,
};

struct sw_conn *sw_conn_create_stream(struct os_stream *s, const struct sw_conn_config *cfg,
                                      const struct sw_conn_cbs *cbs, void *arg,
                                      uint64_t now_ns)
{
    return sw_conn_create(&sw_stream_transport, s, cfg, cbs, arg, now_ns);
}
