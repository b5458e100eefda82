/*
 * net_csum.c — the Internet checksum (RFC 1071) for IPv4, ICMP, UDP and TCP
 * (declared in net_wire.h).  Portable; any caller in libos/net.
 */
#include "libos/net/net_wire.h"

uint32_t net_csum_add(uint32_t sum, const void *data, size_t len)
{
    const uint8_t *p = data;
    uint64_t s = 0;
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        /* add the four big-endian 16-bit words of w (host is little-endian) */
        s += (w & 0xffffffffu) + (w >> 32);
        p += 8;
        len -= 8;
    }
    /* s holds a sum of 16-bit words read little-endian: fold it, swap it
     * into network order and go on with the tail bytewise. */
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    uint32_t r = sum + __builtin_bswap16((uint16_t)s);
    while (len >= 2) {
        r += (uint32_t)p[0] << 8 | p[1];
        p += 2;
        len -= 2;
    }
    if (len)
        r += (uint32_t)p[0] << 8;
    while (r >> 16)
        r = (r & 0xffff) + (r >> 16);
    return r;
}

uint16_t net_csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

uint32_t net_csum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len)
{
    uint32_t s = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff);
    return s + proto + len;
}
