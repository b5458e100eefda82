/*
 * rand.c — os/rand.h on every target: xorshift128+ (Vigna), seeded through
 * splitmix64.  The global generator is seeded on first use from
 * os_rand_entropy(), which each target's libos provides.  Not for
 * cryptography.
 */
#include <stdbool.h>

#include "os/rand.h"

/* Advances *x and returns the next splitmix64 output. */
static uint64_t rand_splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void os_rand_seed(struct os_rand *r, uint64_t seed)
{
    r->s[0] = rand_splitmix64(&seed);
    r->s[1] = rand_splitmix64(&seed);
    if ((r->s[0] | r->s[1]) == 0)
        r->s[1] = 1; /* the all-zero state is a fixed point */
}

uint64_t os_rand_next(struct os_rand *r)
{
    uint64_t s1 = r->s[0];
    const uint64_t s0 = r->s[1];
    r->s[0] = s0;
    s1 ^= s1 << 23;
    r->s[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
    return r->s[1] + s0;
}

static struct os_rand rand_global;
static bool rand_global_seeded;

/* Returns the global generator, seeding it on first use. */
static struct os_rand *rand_global_get(void)
{
    if (!rand_global_seeded) {
        os_rand_seed(&rand_global, os_rand_entropy());
        rand_global_seeded = true;
    }
    return &rand_global;
}

uint32_t os_rand_u32(void)
{
    return (uint32_t)(os_rand_next(rand_global_get()) >> 32);
}

uint64_t os_rand_u64(void)
{
    return os_rand_next(rand_global_get());
}
