/*
 * dp_cache.c — allocation of the per-key flow cache (see dp_cache.h).
 */
#include "dp_cache.h"

#include <errno.h>
#include <stddef.h>

#include "os/mem.h"

static size_t cache_bytes(const struct dp_cache *c)
{
    return ((size_t)c->set_mask + 1) * 2 * sizeof(struct dp_cache_entry);
}

int dp_cache_init(struct dp_cache *c, uint32_t n_entries)
{
    uint32_t sets = 1;
    while (sets * 2 < n_entries && sets < (1u << 24))
        sets <<= 1;
    c->set_mask = sets - 1;
    c->gen = 1;
    /* Page-aligned and zeroed: every entry starts with generation 0 (stale). */
    c->e = os_page_alloc(cache_bytes(c));
    return c->e ? 0 : -ENOMEM;
}

void dp_cache_fini(struct dp_cache *c)
{
    if (c->e)
        os_page_free(c->e, cache_bytes(c));
    c->e = NULL;
}
