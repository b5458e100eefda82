/*
 * mem.c — os/mem.h on Linux.  Page regions are anonymous private mmaps
 * (page-aligned, zeroed by the kernel; a request too large fails cleanly with
 * NULL, also under ASan, whose allocator would abort instead).  The heap is
 * malloc.
 */
#include <stdint.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>

#include "os/mem.h"

/* Returns `bytes` rounded up to whole pages, or 0 on overflow. */
static size_t mem_round_pages(size_t bytes)
{
    if (bytes == 0 || bytes > SIZE_MAX - (OS_PAGE_SIZE - 1))
        return 0;
    return (bytes + OS_PAGE_SIZE - 1) & ~(size_t)(OS_PAGE_SIZE - 1);
}

void *os_page_alloc(size_t bytes)
{
    size_t size = mem_round_pages(bytes);
    if (size == 0)
        return NULL;
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

void os_page_free(void *p, size_t bytes)
{
    if (p)
        munmap(p, mem_round_pages(bytes));
}

void *os_malloc(size_t size)
{
    return malloc(size ? size : 1);
}

void *os_calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    if (n == 0 || size == 0)
        n = size = 1;
    return calloc(n, size);
}

void *os_realloc(void *p, size_t size)
{
    return realloc(p, size ? size : 1);
}

void os_free(void *p)
{
    free(p);
}

char *os_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}
