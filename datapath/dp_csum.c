/*
 * dp_csum.c — the full Internet checksum (RFC 1071).
 */
#include "datapath/dp_csum.h"

uint32_t dp_csum_partial(const void *data, uint32_t len, uint32_t sum)
{
    const uint8_t *p = data;
    uint64_t acc = sum;
    while (len >= 2) {
        acc += (uint32_t)p[0] << 8 | p[1];
        p += 2;
        len -= 2;
    }
    if (len)
        acc += (uint32_t)p[0] << 8;
    while (acc >> 32)
        acc = (acc & 0xffffffffu) + (acc >> 32);
    /* keep it an unfolded-but-safe 32-bit value */
    acc = (acc & 0xffff) + (acc >> 16);
    return (uint32_t)acc;
}
