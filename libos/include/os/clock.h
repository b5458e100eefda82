/*
 * os/clock.h — time.
 *
 * One monotonic clock in nanoseconds for timeouts, expiry and durations, and
 * a wall clock for logs and pcap timestamps.  The datapath and the flow table
 * never read the clock themselves: callers pass `now_ns` in, so tests can
 * drive time by hand and pcap replays can run on the capture's own time.
 * Safe to call from any thread; never blocks.
 */
#ifndef OS_CLOCK_H
#define OS_CLOCK_H

#include <stdint.h>

#define OS_NS_PER_SEC 1000000000ull
#define OS_NS_PER_MS 1000000ull

/* Returns nanoseconds since an arbitrary fixed point (boot); never goes back. */
uint64_t os_clock_ns(void);

/* Returns nanoseconds since the Unix epoch (0 if the target has no RTC). */
uint64_t os_wallclock_ns(void);

/* Returns the CPU's cycle counter (rdtsc on x86_64), for benchmarks. */
static inline uint64_t os_cycles(void)
{
#if defined(__x86_64__)
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
#else
    return 0;
#endif
}

#endif /* OS_CLOCK_H */
