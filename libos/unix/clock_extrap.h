/*
 * clock_extrap.h — a monotonic clock extrapolated from the CPU's cycle
 * counter between rare readings of a slow reference clock (libos/unix
 * only; clock.c is its one user, tests/unit/test_clock_extrap.c its test).
 *
 * Why: os_clock_ns() is read once per datapath poll.  clock_gettime() is a
 * vDSO call costing tens of ns when the kernel's clocksource supports it
 * (tsc), but a system call (0.4-1 us) on clocksources without vDSO support
 * (hpet, acpi_pm, some hypervisors' clocks): that alone adds 15-30 ns to
 * every packet of a 32-packet burst.  With an invariant TSC, clock.c then
 * reads the reference every CLK_EXTRAP_SYNC_NS and extrapolates in between.
 *
 * Pure logic: the cycle counter and the reference come in as arguments, so
 * the unit test drives both.  Invariants: results never go back; after the
 * first CLK_EXTRAP_CAL_NS they stay within the rate error over one sync
 * interval of the reference (microseconds).  One struct per thread (it is
 * not locked).
 */
#ifndef LIBOS_UNIX_CLOCK_EXTRAP_H
#define LIBOS_UNIX_CLOCK_EXTRAP_H

#include <stdint.h>

#define CLK_EXTRAP_CAL_NS 2000000ull   /* reference only, until the rate is known */
#define CLK_EXTRAP_SYNC_NS 10000000ull /* then one reference reading per 10 ms */

struct clk_extrap {
    uint64_t tsc0, ns0;   /* the last reference reading and its cycle count */
    uint64_t cal_tsc, cal_ns; /* the first one (rate calibration) */
    uint64_t mult;        /* ns per cycle, 32.32 fixed point; 0 = not calibrated */
    uint64_t sync_tsc;    /* cycle count of the next reference reading */
    uint64_t last;        /* the last value returned */
};

/* Returns the clock in ns at cycle count `tsc`: `ref()` (the reference
 * clock) while uncalibrated or when a sync is due, else extrapolated; never
 * less than the previous result.  `c` starts zeroed. */
uint64_t clk_extrap_read(struct clk_extrap *c, uint64_t tsc, uint64_t (*ref)(void));

#endif /* LIBOS_UNIX_CLOCK_EXTRAP_H */
