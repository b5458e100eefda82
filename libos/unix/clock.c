/*
 * clock.c — os/clock.h on Linux: CLOCK_MONOTONIC and CLOCK_REALTIME.
 *
 * os_clock_ns() picks how to read CLOCK_MONOTONIC at its first call:
 *  - "vdso": clock_gettime(), when one call costs under CLK_FAST_NS (the
 *    kernel's clocksource is readable from user space, e.g. tsc);
 *  - "tsc": extrapolated from the cycle counter between readings every
 *    10 ms (clock_extrap.h), when clock_gettime() is slower than that (a
 *    system call: hpet, acpi_pm, some hypervisor clocksources), the CPU
 *    says its TSC is invariant and rdtsc is cheaper than a quarter of a
 *    clock_gettime();
 *  - "syscall": every reading a real system call (never chosen: only
 *    forced, to measure what a clocksource without vDSO support costs).
 * SLUICE_CLOCK=vdso|tsc|syscall in the environment forces one (tsc only
 * with an invariant TSC).  os_clock_mode() says which one runs.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "libos/unix/clock_extrap.h"
#include "libos/unix/clock_mode.h"
#include "os/clock.h"

#define CLK_FAST_NS 150   /* a vDSO read costs less than this */
#define CLK_PROBE 32      /* readings timed to decide */

enum clk_mode { CLK_UNSET, CLK_VDSO, CLK_TSC, CLK_SYSCALL };
static enum clk_mode mode;
static __thread struct clk_extrap extrap;

/* Returns the clock `id` in nanoseconds (0 if the clock is unavailable). */
static uint64_t clock_read_ns(clockid_t id)
{
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * OS_NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* Returns CLOCK_MONOTONIC through the system call itself (no vDSO). */
static uint64_t clock_syscall_ns(void)
{
    struct timespec ts;
    if (syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * OS_NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

static uint64_t clock_mono_ns(void)
{
    return clock_read_ns(CLOCK_MONOTONIC);
}

/* Returns true when CPUID says the TSC runs at a constant rate in every
 * power state (leaf 0x80000007, EDX bit 8). */
static int tsc_invariant(void)
{
#if defined(__x86_64__)
    uint32_t a = 0x80000000u, b, c = 0, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    if (a < 0x80000007u)
        return 0;
    a = 0x80000007u, c = 0;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    return (d >> 8) & 1;
#else
    return 0;
#endif
}

/* Chooses the mode (see the file comment).  Returns it. */
static enum clk_mode clock_choose(void)
{
    const char *force = getenv("SLUICE_CLOCK");
    int inv = tsc_invariant();
    if (force && !strcmp(force, "vdso"))
        return CLK_VDSO;
    if (force && !strcmp(force, "syscall"))
        return CLK_SYSCALL;
    if (force && !strcmp(force, "tsc"))
        return inv ? CLK_TSC : CLK_VDSO;
    uint64_t t0 = clock_mono_ns(), c0 = os_cycles();
    for (int i = 0; i < CLK_PROBE; i++)
        (void)clock_mono_ns();
    uint64_t t1 = clock_mono_ns(), c1 = os_cycles();
    for (int i = 0; i < CLK_PROBE; i++)
        (void)os_cycles();
    uint64_t c2 = os_cycles();
    uint64_t per_read = (t1 - t0) / (CLK_PROBE + 1);
    /* cycles per clock_gettime against cycles per rdtsc */
    int tsc_cheap = (c2 - c1) * 4 < (c1 - c0);
    return per_read >= CLK_FAST_NS && inv && tsc_cheap ? CLK_TSC : CLK_VDSO;
}

uint64_t os_clock_ns(void)
{
    enum clk_mode m = __atomic_load_n(&mode, __ATOMIC_RELAXED);
    if (m == CLK_VDSO)
        return clock_mono_ns();
    if (m == CLK_UNSET) {
        m = clock_choose();
        __atomic_store_n(&mode, m, __ATOMIC_RELAXED);
    }
    if (m == CLK_TSC)
        return clk_extrap_read(&extrap, os_cycles(), clock_mono_ns);
    if (m == CLK_SYSCALL)
        return clock_syscall_ns();
    return clock_mono_ns();
}

const char *os_clock_mode(void)
{
    if (__atomic_load_n(&mode, __ATOMIC_RELAXED) == CLK_UNSET)
        (void)os_clock_ns();
    switch (__atomic_load_n(&mode, __ATOMIC_RELAXED)) {
    case CLK_TSC: return "tsc";
    case CLK_SYSCALL: return "syscall";
    default: return "vdso";
    }
}

uint64_t os_wallclock_ns(void)
{
    return clock_read_ns(CLOCK_REALTIME);
}
