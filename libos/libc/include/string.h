/*
 * string.h — the freestanding libc subset (libos/libc).
 *
 * Portable folders (openflow/, datapath/, controller/, switch/) compile with
 * -ffreestanding -nostdinc and see only these declarations.  On the unix
 * target the host libc provides the implementations; the unikernel targets
 * link libos/libc's own.  The hot functions map to compiler builtins so the
 * compiler can inline fixed-size copies.  Same contracts as ISO C.
 */
#ifndef SLUICE_LIBC_STRING_H
#define SLUICE_LIBC_STRING_H

#include <stddef.h>

void *memcpy(void *restrict d, const void *restrict s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
int strcasecmp(const char *a, const char *b);
int strncasecmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *h, const char *n);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);
char *strncpy(char *restrict d, const char *restrict s, size_t n);
/* Returns the English text of errno `errnum` ("Unknown error" for a number
 * errno.h does not name); the string is constant. */
char *strerror(int errnum);

#define memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#define memmove(d, s, n) __builtin_memmove((d), (s), (n))
#define memset(d, c, n) __builtin_memset((d), (c), (n))
#define memcmp(a, b, n) __builtin_memcmp((a), (b), (n))
#define strlen(s) __builtin_strlen(s)

#endif
