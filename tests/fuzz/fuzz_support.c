/*
 * fuzz_support.c — the few libos services the fuzz targets link against,
 * in their hosted form (compiled without -ffreestanding; linked into every
 * target by tests/fuzz/run.sh).
 *
 *  - os/mem.h on malloc: page regions come from aligned_alloc rather than
 *    mmap, so ASan puts redzones around a packet pool's slot region and a
 *    read or write past its end is reported; the heap is malloc, so
 *    LeakSanitizer sees every control-path allocation.
 *  - os_console_write for libos/common/log.c: discarded, unless
 *    FUZZ_VERBOSE is set in the environment (then stderr).
 *  - fuzz_fail (fuzz_support.h): a failed property, explained.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "os/log.h"
#include "os/mem.h"
#include "tests/fuzz/fuzz_support.h"

/* Returns `bytes` rounded up to whole pages, or 0 for 0 or on overflow. */
static size_t fuzz_round_pages(size_t bytes)
{
    if (bytes == 0 || bytes > SIZE_MAX - (OS_PAGE_SIZE - 1))
        return 0;
    return (bytes + OS_PAGE_SIZE - 1) & ~(size_t)(OS_PAGE_SIZE - 1);
}

void *os_page_alloc(size_t bytes)
{
    size_t size = fuzz_round_pages(bytes);
    void *p = size ? aligned_alloc(OS_PAGE_SIZE, size) : NULL;
    if (p)
        memset(p, 0, size);
    return p;
}

void os_page_free(void *p, size_t bytes)
{
    (void)bytes;
    free(p);
}

void *os_malloc(size_t size)
{
    return malloc(size ? size : 1);
}

void *os_calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return calloc(n ? n : 1, size ? size : 1);
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
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

void os_console_write(const char *s, size_t len)
{
    static int verbose = -1;
    if (verbose < 0)
        verbose = getenv("FUZZ_VERBOSE") != NULL;
    if (verbose && write(2, s, len) < 0)
        verbose = 0;
}

void fuzz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    __builtin_trap();
}
