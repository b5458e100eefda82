/*
 * stdlib.c — strtoul & co, qsort and abs of the freestanding libc.
 *
 * The strto* family follows ISO C: leading white space, an optional sign,
 * base 0 (auto: 0x hex, 0 octal, else decimal) or 2..36 with an optional 0x
 * for 16; *end points after the last digit used (or at s when there is no
 * number); out-of-range values clamp to the type's limits (there is no
 * errno to set).  qsort is a heapsort: O(n log n) worst case, no recursion,
 * no allocation (not stable, as ISO C allows).
 */
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "libos/libc/src/libc_ctype.h"

/* Parses the magnitude; sets *neg and *ovf.  Returns the value (clamped to
 * ULLONG_MAX on overflow) and stores the end in *end (s when no digits). */
static unsigned long long libc_strtox(const char *s, char **end, int base, bool *neg,
                                      bool *ovf)
{
    const char *p = s;
    *neg = false;
    *ovf = false;
    if (end)
        *end = (char *)s;
    if (base < 0 || base == 1 || base > 36)
        return 0;
    while (libc_isspace((unsigned char)*p))
        p++;
    if (*p == '+' || *p == '-')
        *neg = *p++ == '-';
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        libc_digit((unsigned char)p[2]) < 16) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }
    unsigned long long v = 0;
    const char *digits = p;
    for (int d; (d = libc_digit((unsigned char)*p)) < base; p++) {
        if (v > (ULLONG_MAX - (unsigned)d) / (unsigned)base)
            *ovf = true;
        else
            v = v * (unsigned)base + (unsigned)d;
    }
    if (p == digits)
        return 0;
    if (end)
        *end = (char *)p;
    return *ovf ? ULLONG_MAX : v;
}

unsigned long long strtoull(const char *restrict s, char **restrict end, int base)
{
    bool neg, ovf;
    unsigned long long v = libc_strtox(s, end, base, &neg, &ovf);
    return ovf ? ULLONG_MAX : neg ? -v : v;
}

unsigned long strtoul(const char *restrict s, char **restrict end, int base)
{
    return (unsigned long)strtoull(s, end, base); /* LP64: same width */
}

long long strtoll(const char *restrict s, char **restrict end, int base)
{
    bool neg, ovf;
    unsigned long long v = libc_strtox(s, end, base, &neg, &ovf);
    if (neg)
        return ovf || v > (unsigned long long)LLONG_MAX + 1 ? -LLONG_MAX - 1 : (long long)(0 - v);
    return ovf || v > (unsigned long long)LLONG_MAX ? LLONG_MAX : (long long)v;
}

long strtol(const char *restrict s, char **restrict end, int base)
{
    return (long)strtoll(s, end, base); /* LP64: same width */
}

int abs(int x)
{
    return x < 0 ? -x : x;
}

/* Swaps two elements of `size` bytes. */
static void libc_swap(unsigned char *a, unsigned char *b, size_t size)
{
    while (size--) {
        unsigned char t = *a;
        *a++ = *b;
        *b++ = t;
    }
}

/* Restores the max-heap property below `root` in base[0..n). */
static void libc_sift_down(unsigned char *base, size_t root, size_t n, size_t size,
                           int (*cmp)(const void *, const void *))
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && cmp(base + child * size, base + (child + 1) * size) < 0)
            child++;
        if (cmp(base + root * size, base + child * size) >= 0)
            return;
        libc_swap(base + root * size, base + child * size, size);
        root = child;
    }
}

void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    unsigned char *b = base;
    if (n < 2 || size == 0)
        return;
    for (size_t i = n / 2; i-- > 0;)
        libc_sift_down(b, i, n, size, cmp);
    for (size_t end = n - 1; end > 0; end--) {
        libc_swap(b, b + end * size, size);
        libc_sift_down(b, 0, end, size, cmp);
    }
}
