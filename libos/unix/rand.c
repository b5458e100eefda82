/*
 * rand.c — os/rand.h: xorshift128+ (Vigna), seeded through splitmix64.
 * The global generator is seeded on first use from getrandom(2), falling back
 * to /dev/urandom and then to the clocks and the pid.  Not for cryptography.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

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

/* Returns 64 bits of entropy from the host, as good as it can get. */
static uint64_t rand_entropy(void)
{
    uint64_t v = 0;
    if (getrandom(&v, sizeof v, GRND_NONBLOCK) == (ssize_t)sizeof v)
        return v;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = read(fd, &v, sizeof v);
        close(fd);
        if (n == (ssize_t)sizeof v)
            return v;
    }
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    clock_gettime(CLOCK_REALTIME, &b);
    return (uint64_t)a.tv_nsec ^ ((uint64_t)b.tv_sec << 20) ^ (uint64_t)b.tv_nsec ^
           ((uint64_t)getpid() << 40);
}

static struct os_rand rand_global;
static bool rand_global_seeded;

/* Returns the global generator, seeding it on first use. */
static struct os_rand *rand_global_get(void)
{
    if (!rand_global_seeded) {
        os_rand_seed(&rand_global, rand_entropy());
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
