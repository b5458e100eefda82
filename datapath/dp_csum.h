/*
 * dp_csum.h — the Internet checksum (RFC 1071) and its incremental update
 * (RFC 1624).
 *
 * Values are handled as host-order images of the big-endian 16-bit words
 * on the wire: load a checksum field with os_get_be16, pass it here, store
 * the result with os_put_be16.  A full checksum is computed once (tests,
 * packet generators); the datapath only ever updates checksums
 * incrementally when it rewrites a field: HC' = ~(~HC + ~m + m').
 *
 * UDP: a checksum of 0 means "none" and must stay 0; a UDP checksum that
 * computes to 0 is sent as 0xffff.  dp_csum_udp_fix does that mapping.
 *
 * Pure functions; any caller.
 */
#ifndef DP_CSUM_H
#define DP_CSUM_H

#include <stdint.h>

/* Adds the bytes data[0..len) as big-endian 16-bit words (an odd last byte
 * is padded with zero) to the 32-bit accumulator `sum`.  Returns the new,
 * unfolded accumulator. */
uint32_t dp_csum_partial(const void *data, uint32_t len, uint32_t sum);

/* Folds an accumulator to 16 bits and complements it.  Returns the
 * checksum to store in a header. */
static inline uint16_t dp_csum_fold(uint32_t sum)
{
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* Returns the Internet checksum of data[0..len). */
static inline uint16_t dp_csum(const void *data, uint32_t len)
{
    return dp_csum_fold(dp_csum_partial(data, len, 0));
}

/* Returns checksum `csum` updated for one 16-bit word changing from `old`
 * to `new` (RFC 1624 eqn. 3). */
static inline uint16_t dp_csum_update16(uint16_t csum, uint16_t old, uint16_t new)
{
    uint32_t sum = (uint16_t)~csum + (uint32_t)(uint16_t)~old + new;
    return dp_csum_fold(sum);
}

/* Returns checksum `csum` updated for one 32-bit field (two words)
 * changing from `old` to `new`. */
static inline uint16_t dp_csum_update32(uint16_t csum, uint32_t old, uint32_t new)
{
    uint32_t sum = (uint16_t)~csum;
    sum += (uint16_t)~(old >> 16);
    sum += (uint16_t)~old;
    sum += new >> 16;
    sum += new & 0xffff;
    return dp_csum_fold(sum);
}

/* Returns the value to store in a UDP checksum field: 0 (computed)
 * becomes 0xffff, since 0 means "no checksum". */
static inline uint16_t dp_csum_udp_fix(uint16_t csum)
{
    return csum ? csum : 0xffff;
}

#endif /* DP_CSUM_H */
