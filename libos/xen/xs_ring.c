/* xs_ring.c — byte streams over the xenstore page (see xs_ring.h). */
#include "libos/xen/xs_ring.h"

#include <errno.h>
#include <string.h>

#define RING_MASK(i) ((i) & (XENSTORE_RING_SIZE - 1))

/* Returns a 32-bit index written by the other side, read once. */
static inline uint32_t load_idx(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

int xs_ring_put(struct xenstore_domain_interface *x, const void *data, uint32_t len)
{
    uint32_t cons = load_idx(&x->req_cons), prod = x->req_prod;
    uint32_t used = prod - cons;
    if (used > XENSTORE_RING_SIZE)
        return -EIO;
    uint32_t n = XENSTORE_RING_SIZE - used;
    if (n > len)
        n = len;
    const char *src = data;
    for (uint32_t done = 0; done < n;) {
        uint32_t off = RING_MASK(prod + done);
        uint32_t chunk = XENSTORE_RING_SIZE - off;
        if (chunk > n - done)
            chunk = n - done;
        memcpy(x->req + off, src + done, chunk);
        done += chunk;
    }
    __atomic_store_n(&x->req_prod, prod + n, __ATOMIC_RELEASE); /* data before index */
    return (int)n;
}

int xs_ring_get(struct xenstore_domain_interface *x, void *buf, uint32_t len)
{
    uint32_t prod = load_idx(&x->rsp_prod), cons = x->rsp_cons;
    uint32_t avail = prod - cons;
    if (avail > XENSTORE_RING_SIZE)
        return -EIO;
    uint32_t n = avail < len ? avail : len;
    char *dst = buf;
    for (uint32_t done = 0; done < n;) {
        uint32_t off = RING_MASK(cons + done);
        uint32_t chunk = XENSTORE_RING_SIZE - off;
        if (chunk > n - done)
            chunk = n - done;
        memcpy(dst + done, x->rsp + off, chunk);
        done += chunk;
    }
    /* The bytes are copied before xenstored may overwrite them. */
    __atomic_store_n(&x->rsp_cons, cons + n, __ATOMIC_RELEASE);
    return (int)n;
}

uint32_t xs_ring_rsp_avail(const struct xenstore_domain_interface *x)
{
    uint32_t avail = load_idx(&x->rsp_prod) - x->rsp_cons;
    return avail > XENSTORE_RING_SIZE ? XENSTORE_RING_SIZE : avail;
}
