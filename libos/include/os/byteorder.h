/*
 * os/byteorder.h — network byte order.
 *
 * Every target is little-endian x86_64; these helpers are the one place where
 * host and network order meet.  Loads and stores of possibly unaligned
 * big-endian fields go through os_get_be16/32/64 and os_put_be16/32/64.
 * Pure functions; any caller.
 */
#ifndef OS_BYTEORDER_H
#define OS_BYTEORDER_H

#include <stdint.h>
#include <string.h>

/* Big-endian wire types: a distinct name documents "this is network order". */
typedef uint16_t be16;
typedef uint32_t be32;
typedef uint64_t be64;

/* Each returns its argument converted between host and network order. */
static inline uint16_t os_ntohs(be16 x) { return __builtin_bswap16(x); }
static inline uint32_t os_ntohl(be32 x) { return __builtin_bswap32(x); }
static inline uint64_t os_ntohll(be64 x) { return __builtin_bswap64(x); }
static inline be16 os_htons(uint16_t x) { return __builtin_bswap16(x); }
static inline be32 os_htonl(uint32_t x) { return __builtin_bswap32(x); }
static inline be64 os_htonll(uint64_t x) { return __builtin_bswap64(x); }

/* Each returns the big-endian value stored at p (any alignment). */
static inline uint16_t os_get_be16(const void *p)
{
    uint16_t v;
    memcpy(&v, p, sizeof v);
    return os_ntohs(v);
}
static inline uint32_t os_get_be32(const void *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return os_ntohl(v);
}
static inline uint64_t os_get_be64(const void *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return os_ntohll(v);
}

/* Each stores v big-endian at p (any alignment).  Return nothing. */
static inline void os_put_be16(void *p, uint16_t v)
{
    v = os_htons(v);
    memcpy(p, &v, sizeof v);
}
static inline void os_put_be32(void *p, uint32_t v)
{
    v = os_htonl(v);
    memcpy(p, &v, sizeof v);
}
static inline void os_put_be64(void *p, uint64_t v)
{
    v = os_htonll(v);
    memcpy(p, &v, sizeof v);
}

#endif /* OS_BYTEORDER_H */
