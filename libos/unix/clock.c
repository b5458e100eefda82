/*
 * clock.c — os/clock.h on Linux: CLOCK_MONOTONIC and CLOCK_REALTIME.
 */
#include <time.h>

#include "os/clock.h"

/* Returns the clock `id` in nanoseconds (0 if the clock is unavailable). */
static uint64_t clock_read_ns(clockid_t id)
{
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * OS_NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

uint64_t os_clock_ns(void)
{
    return clock_read_ns(CLOCK_MONOTONIC);
}

uint64_t os_wallclock_ns(void)
{
    return clock_read_ns(CLOCK_REALTIME);
}
