/*
 * os/mem.h — memory.
 *
 * Two kinds: page-aligned, zeroed regions for pools and rings (allocated at
 * start-up, rarely freed), and a general heap for the control path (flow
 * entries, connections).  The packet path uses neither: it takes buffers from
 * os/pkt.h pools.  Allocation failure is reported, never fatal here.
 */
#ifndef OS_MEM_H
#define OS_MEM_H

#include <stddef.h>

#define OS_PAGE_SIZE 4096u

/* Allocates `bytes` rounded up to whole pages, page-aligned and zeroed.
 * Returns the region or NULL. */
void *os_page_alloc(size_t bytes);

/* Frees a region from os_page_alloc of the same `bytes`.  NULL is ignored. */
void os_page_free(void *p, size_t bytes);

/* General heap.  os_malloc/os_calloc/os_realloc return NULL on failure;
 * os_calloc checks n * size for overflow; os_free ignores NULL. */
void *os_malloc(size_t size);
void *os_calloc(size_t n, size_t size);
void *os_realloc(void *p, size_t size);
void os_free(void *p);

/* Returns a heap copy of the NUL-terminated string `s`, or NULL. */
char *os_strdup(const char *s);

#endif /* OS_MEM_H */
