/*
 * net_csum.c — the IPv4 pseudo-header sum for TCP and UDP checksums
 * (declared in net_wire.h; the sum itself is libos/common/offload's).
 * Portable; any caller in libos/net.
 */
#include "libos/net/net_wire.h"

uint32_t net_csum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len)
{
    uint32_t s = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff);
    return s + proto + len;
}
