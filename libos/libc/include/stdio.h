/*
 * stdio.h — the freestanding libc subset: formatting into buffers only.
 * No FILE streams in portable code: output goes through os/log.h or buffers.
 * Same contracts as ISO C (return the length that would have been written).
 */
#ifndef SLUICE_LIBC_STDIO_H
#define SLUICE_LIBC_STDIO_H

#include <stdarg.h>
#include <stddef.h>

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
    __attribute__((format(printf, 3, 4)));
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

#endif
