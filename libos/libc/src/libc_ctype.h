/*
 * libc_ctype.h — private ASCII helpers of the libc sources, named libc_* so
 * that the sources compile both against libos/libc/include (kernel) and
 * against the host headers (unit tests, where ctype.h is glibc's).
 */
#ifndef LIBC_SRC_CTYPE_H
#define LIBC_SRC_CTYPE_H

static inline int libc_isspace(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static inline int libc_tolower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* Returns the value of digit c in bases up to 36, or 99. */
static inline int libc_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = libc_tolower(c);
    return c >= 'a' && c <= 'z' ? c - 'a' + 10 : 99;
}

#endif
