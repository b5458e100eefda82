/*
 * rand.c — os/rand.h on the kvm target: xorshift128+ seeded through
 * splitmix64 from RDRAND when the CPU has it (bounded retries), mixed with
 * the TSC.  Not for cryptography.
 */
#include <stdbool.h>

#include "libos/x86_64/cpu.h"
#include "os/clock.h"
#include "os/rand.h"

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
        r->s[1] = 1;
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

/* Returns 64 bits of the best entropy the CPU offers. */
static uint64_t rand_entropy(void)
{
    uint32_t r[4];
    uint64_t v = os_cycles();
    cpu_cpuid(1, 0, r);
    if (r[2] & (1u << 30)) {
        for (int i = 0; i < 10; i++) {
            uint64_t x;
            unsigned char ok;
            __asm__ volatile("rdrand %0; setc %1" : "=r"(x), "=qm"(ok));
            if (ok)
                return v ^ x;
        }
    }
    return v;
}

static struct os_rand rand_global;
static bool rand_seeded;

static struct os_rand *rand_global_get(void)
{
    if (!rand_seeded) {
        os_rand_seed(&rand_global, rand_entropy());
        rand_seeded = true;
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
