/*
 * stdlib.h — the freestanding libc subset: number parsing, sorting, abs.
 * Memory allocation is os/mem.h, not malloc.  Same contracts as ISO C.
 */
#ifndef SLUICE_LIBC_STDLIB_H
#define SLUICE_LIBC_STDLIB_H

#include <stddef.h>

unsigned long strtoul(const char *restrict s, char **restrict end, int base);
unsigned long long strtoull(const char *restrict s, char **restrict end, int base);
long strtol(const char *restrict s, char **restrict end, int base);
long long strtoll(const char *restrict s, char **restrict end, int base);
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
int abs(int x);

#endif
