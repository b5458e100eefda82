/* sw_pipe.c — the in-process byte channel of the embedded controller
 * (sw_embed.h).  Two rings, one per direction; refcounted by its two ends
 * and its owner. */
#include <errno.h>
#include <string.h>

#include "os/mem.h"
#include "sw_embed.h"

struct pipe_ring {
    uint8_t *buf;
    size_t cap, head, len;         /* bytes at [head, head+len) modulo cap */
};

struct pipe_end {
    struct sw_pipe *p;
    int side;                      /* writes ring[side], reads ring[1-side] */
};

struct sw_pipe {
    struct pipe_ring ring[2];
    struct pipe_end end[2];
    bool closed[2];
    int refs;
};

static void pipe_unref(struct sw_pipe *p)
{
    if (--p->refs > 0)
        return;
    os_free(p->ring[0].buf);
    os_free(p->ring[1].buf);
    os_free(p);
}

struct sw_pipe *sw_pipe_create(size_t cap, void **end0, void **end1)
{
    struct sw_pipe *p = os_calloc(1, sizeof *p);
    if (!p)
        return NULL;
    cap = cap ? cap : SW_PIPE_DEFAULT_CAP;
    for (int i = 0; i < 2; i++) {
        p->ring[i].buf = os_malloc(cap);
        p->ring[i].cap = cap;
        p->end[i].p = p;
        p->end[i].side = i;
    }
    p->refs = 3;
    if (!p->ring[0].buf || !p->ring[1].buf) {
        p->refs = 1;
        pipe_unref(p);
        return NULL;
    }
    *end0 = &p->end[0];
    *end1 = &p->end[1];
    return p;
}

size_t sw_pipe_pending(const struct sw_pipe *p, int side)
{
    return p->ring[1 - side].len;
}

void sw_pipe_release(struct sw_pipe *p)
{
    if (p)
        pipe_unref(p);
}

static long pipe_read(void *t, void *buf, size_t n)
{
    struct pipe_end *e = t;
    struct pipe_ring *r = &e->p->ring[1 - e->side];
    if (r->len == 0)
        return e->p->closed[1 - e->side] ? 0 : -EAGAIN;
    size_t got = 0;
    while (got < n && r->len) {
        size_t chunk = r->cap - r->head;
        if (chunk > r->len)
            chunk = r->len;
        if (chunk > n - got)
            chunk = n - got;
        memcpy((uint8_t *)buf + got, r->buf + r->head, chunk);
        r->head = (r->head + chunk) % r->cap;
        r->len -= chunk;
        got += chunk;
    }
    if (r->len == 0)
        r->head = 0;
    return (long)got;
}

static long pipe_write(void *t, const void *buf, size_t n)
{
    struct pipe_end *e = t;
    struct pipe_ring *r = &e->p->ring[e->side];
    if (e->p->closed[1 - e->side])
        return -EPIPE;
    if (r->len == r->cap)
        return -EAGAIN;
    size_t put = 0;
    while (put < n && r->len < r->cap) {
        size_t tail = (r->head + r->len) % r->cap;
        size_t chunk = (tail >= r->head ? r->cap - tail : r->head - tail);
        if (chunk > n - put)
            chunk = n - put;
        memcpy(r->buf + tail, (const uint8_t *)buf + put, chunk);
        r->len += chunk;
        put += chunk;
    }
    return (long)put;
}

static void pipe_close(void *t)
{
    struct pipe_end *e = t;
    e->p->closed[e->side] = true;
    pipe_unref(e->p);
}

static int pipe_wait_fd(void *t)
{
    return -1;
}

const struct sw_transport_ops sw_pipe_transport = {
    .read = pipe_read,
    .write = pipe_write,
    .close = pipe_close,
    .wait_fd = pipe_wait_fd,
};
