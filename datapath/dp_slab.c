/*
 * dp_slab.c — fixed-size objects from page chunks (see dp_slab.h).
 */
#include "dp_slab.h"

#include <stddef.h>
#include <string.h>

#include "os/mem.h"

/* Under AddressSanitizer free and never-used objects are poisoned, so a use
 * of a freed flow entry is reported as it would be with malloc. */
#ifdef __SANITIZE_ADDRESS__
#define SLAB_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLAB_ASAN 1
#endif
#endif
#ifdef SLAB_ASAN
void __asan_poison_memory_region(void const volatile *addr, size_t size);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);
#define SLAB_POISON(p, n) __asan_poison_memory_region((p), (n))
#define SLAB_UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#else
#define SLAB_POISON(p, n) ((void)(p), (void)(n))
#define SLAB_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/* The first cache line of every chunk: the chunk list. */
struct slab_chunk {
    struct slab_chunk *next;
    size_t bytes;
};
#define CHUNK_HDR 64u

void dp_slab_init(struct dp_slab *s, size_t obj_size, size_t first_chunk)
{
    memset(s, 0, sizeof *s);
    s->obj_size = (obj_size + 63u) & ~(size_t)63u;
    size_t min = CHUNK_HDR + s->obj_size;
    s->next_chunk = first_chunk > min ? first_chunk : min;
    s->next_chunk = (s->next_chunk + OS_PAGE_SIZE - 1) & ~(size_t)(OS_PAGE_SIZE - 1);
}

/* Adds a chunk (zeroed by os_page_alloc): next_chunk bytes, or less when
 * memory is short (down to one object).  Returns 0 or -1. */
static int slab_grow(struct dp_slab *s)
{
    size_t min = (CHUNK_HDR + s->obj_size + OS_PAGE_SIZE - 1) & ~(size_t)(OS_PAGE_SIZE - 1);
    size_t bytes = s->next_chunk;
    struct slab_chunk *c;
    while (!(c = os_page_alloc(bytes))) {
        if (bytes <= min)
            return -1;
        size_t half = (bytes / 2 + OS_PAGE_SIZE - 1) & ~(size_t)(OS_PAGE_SIZE - 1);
        bytes = half > min ? half : min;
    }
    c->next = s->chunks;
    c->bytes = bytes;
    s->chunks = c;
    s->bump = (char *)c + CHUNK_HDR;
    s->end = (char *)c + bytes;
    SLAB_POISON(s->bump, (size_t)(s->end - s->bump));
    if (bytes == s->next_chunk && bytes < DP_SLAB_MAX_CHUNK)
        s->next_chunk = bytes * 2;
    return 0;
}

void *dp_slab_alloc(struct dp_slab *s)
{
    void *p = s->free;
    if (p) {
        SLAB_UNPOISON(p, s->obj_size);
        memcpy(&s->free, p, sizeof s->free);
        memset(p, 0, s->obj_size);
    } else {
        if ((size_t)(s->end - s->bump) < s->obj_size && slab_grow(s) < 0)
            return NULL;
        p = s->bump; /* still zero from os_page_alloc */
        s->bump += s->obj_size;
        SLAB_UNPOISON(p, s->obj_size);
    }
    s->in_use++;
    return p;
}

void dp_slab_free(struct dp_slab *s, void *p)
{
    if (!p)
        return;
    memcpy(p, &s->free, sizeof s->free);
    SLAB_POISON(p, s->obj_size);
    s->free = p;
    s->in_use--;
}

void dp_slab_fini(struct dp_slab *s)
{
    struct slab_chunk *c = s->chunks, *next;
    for (; c; c = next) {
        next = c->next;
        SLAB_UNPOISON(c, c->bytes);
        os_page_free(c, c->bytes);
    }
    size_t obj = s->obj_size;
    memset(s, 0, sizeof *s);
    s->obj_size = obj;
}
