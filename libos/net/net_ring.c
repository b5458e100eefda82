/*
 * net_ring.c — fixed byte rings for TCP send and receive buffers (see
 * net_priv.h).  A ring never grows; every copy wraps at most once.
 */
#include <errno.h>
#include <string.h>

#include "libos/net/net_priv.h"
#include "os/mem.h"

int net_ring_init(struct net_ring *r, uint32_t size)
{
    r->buf = os_malloc(size);
    r->size = r->buf ? size : 0;
    r->head = r->len = 0;
    return r->buf ? 0 : -ENOMEM;
}

void net_ring_free(struct net_ring *r)
{
    os_free(r->buf);
    memset(r, 0, sizeof *r);
}

/* Copies n bytes from src to ring position pos (modulo size).  Returns
 * nothing. */
static void ring_put(struct net_ring *r, uint32_t pos, const uint8_t *src, uint32_t n)
{
    pos %= r->size;
    uint32_t first = r->size - pos < n ? r->size - pos : n;
    memcpy(r->buf + pos, src, first);
    memcpy(r->buf, src + first, n - first);
}

uint32_t net_ring_write(struct net_ring *r, const void *src, uint32_t n)
{
    if (n > net_ring_space(r))
        n = net_ring_space(r);
    if (n)
        ring_put(r, r->head + r->len, src, n);
    r->len += n;
    return n;
}

void net_ring_write_at(struct net_ring *r, uint32_t off, const void *src, uint32_t n)
{
    if (n)
        ring_put(r, r->head + r->len + off, src, n);
}

void net_ring_peek(const struct net_ring *r, uint32_t off, void *dst, uint32_t n)
{
    if (!n)
        return;
    uint32_t pos = (r->head + off) % r->size;
    uint32_t first = r->size - pos < n ? r->size - pos : n;
    memcpy(dst, r->buf + pos, first);
    memcpy((uint8_t *)dst + first, r->buf, n - first);
}

void net_ring_drop(struct net_ring *r, uint32_t n)
{
    r->head = (r->head + n) % (r->size ? r->size : 1);
    r->len -= n; /* head stays put: out-of-order bytes sit behind it */
}
