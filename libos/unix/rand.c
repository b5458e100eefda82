/*
 * rand.c — the unix target's entropy for os/rand.h (the generator itself is
 * libos/common/rand.c): getrandom(2), falling back to /dev/urandom and then
 * to the clocks and the pid.
 */
#include <fcntl.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "os/rand.h"

/* Returns 64 bits of entropy from the host, as good as it can get. */
uint64_t os_rand_entropy(void)
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
