/*
 * os/rand.h — pseudo-random numbers (not for cryptography).
 *
 * A small fast generator (xorshift-family) with a global state seeded from
 * the target's entropy at start-up, plus explicit-state functions for tests
 * and benchmarks that must be reproducible.  Not thread-safe (global form).
 */
#ifndef OS_RAND_H
#define OS_RAND_H

#include <stdint.h>

struct os_rand { uint64_t s[2]; };

/* Seeds `r` deterministically from `seed`.  Returns nothing. */
void os_rand_seed(struct os_rand *r, uint64_t seed);

/* Returns the next 64 random bits of `r`. */
uint64_t os_rand_next(struct os_rand *r);

/* Returns 32 random bits from the global generator. */
uint32_t os_rand_u32(void);

/* Returns 64 random bits from the global generator. */
uint64_t os_rand_u64(void);

/* Returns 64 bits of the best entropy the target has (getrandom on unix,
 * RDRAND + TSC on x86_64 unikernels).  Provided by each target's libos for
 * seeding the global generator (libos/common/rand.c); others call
 * os_rand_u64. */
uint64_t os_rand_entropy(void);

#endif /* OS_RAND_H */
