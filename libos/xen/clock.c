/*
 * clock.c — os/clock.h on the xen target: the monotonic clock is Xen's
 * system time read through vCPU 0's pvclock record in shared_info
 * (libos/x86_64/pvclock.h), kept monotonic against the last value returned
 * (a record update may move it back by a few ns); the wall clock is shared_info's
 * wc_sec/wc_nsec (the wall time at system time 0) plus system time.  Before
 * xen_clock_init both return 0.  os_clock_ns is Xen system time itself, so
 * a deadline in it is what VCPUOP_set_singleshot_timer takes.
 */
#include "libos/x86_64/pvclock.h"
#include "libos/xen/xen.h"
#include "os/clock.h"

#define CLOCK_TRIES 1000 /* Xen's updates are rare and short */

static const volatile struct pvclock_time_info *clock_rec;
static uint64_t clock_last;

void xen_clock_init(void)
{
    clock_rec = &xen_shared_info()->vcpu_info[0].time;
}

/* Returns the TSC, ordered after earlier loads (lfence; rdtsc). */
static inline uint64_t rdtsc_ordered(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return (uint64_t)hi << 32 | lo;
}

uint64_t os_clock_ns(void)
{
    if (!clock_rec)
        return 0;
    struct pvclock_time_info t;
    if (pvclock_snapshot(clock_rec, CLOCK_TRIES, &t))
        return clock_last;
    uint64_t now = pvclock_ns(&t, rdtsc_ordered());
    if (now < clock_last)
        now = clock_last;
    clock_last = now;
    return now;
}

uint64_t xen_tsc_delta_ns(uint64_t a, uint64_t b)
{
    if (!clock_rec || b < a)
        return 0;
    uint32_t mul;
    int8_t shift;
    if (pvclock_read(clock_rec, CLOCK_TRIES, &mul, &shift))
        return 0;
    return pvclock_scale(b - a, mul, shift);
}

uint64_t os_wallclock_ns(void)
{
    const volatile struct xen_shared_info *s = xen_shared_info();
    if (!clock_rec || !s)
        return 0;
    uint32_t v, sec, hi, nsec;
    do {
        v = s->wc_version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        sec = s->wc_sec;
        hi = s->wc_sec_hi;
        nsec = s->wc_nsec;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((v & 1) || v != s->wc_version);
    uint64_t base = ((uint64_t)hi << 32 | sec) * OS_NS_PER_SEC + nsec;
    return base ? base + os_clock_ns() : 0;
}
