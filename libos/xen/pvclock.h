/*
 * pvclock.h — Xen's per-vCPU time record (struct xen_vcpu_time_info) turned
 * into nanoseconds: system_time + ((tsc - tsc_timestamp) << shift) *
 * tsc_to_system_mul / 2^32, read under the record's version (odd while Xen
 * updates it).  Pure and header-only so that the host unit test can check
 * the arithmetic; clock.c applies it to the live record.
 */
#ifndef XEN_PVCLOCK_H
#define XEN_PVCLOCK_H

#include <stdint.h>

#include "libos/xen/xen_abi.h"

/* Returns `delta` TSC ticks in ns by the record's scale (shift, then a
 * 32.32 fixed-point multiply with a 128-bit product: no overflow). */
static inline uint64_t pvclock_scale(uint64_t delta, uint32_t mul, int8_t shift)
{
    if (shift < 0)
        delta >>= -shift;
    else
        delta <<= shift;
    return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

/* Returns the system time (ns) at TSC value `tsc` from a consistent copy
 * of the record; a tsc before tsc_timestamp counts as no time elapsed. */
static inline uint64_t pvclock_time(const struct xen_vcpu_time_info *t, uint64_t tsc)
{
    uint64_t delta = tsc > t->tsc_timestamp ? tsc - t->tsc_timestamp : 0;
    return t->system_time + pvclock_scale(delta, t->tsc_to_system_mul, t->tsc_shift);
}

/* Copies the live record `live` consistently (retrying while Xen updates
 * it) into *out.  Returns nothing. */
static inline void pvclock_read(const volatile struct xen_vcpu_time_info *live,
                                struct xen_vcpu_time_info *out)
{
    uint32_t v;
    do {
        v = live->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        out->tsc_timestamp = live->tsc_timestamp;
        out->system_time = live->system_time;
        out->tsc_to_system_mul = live->tsc_to_system_mul;
        out->tsc_shift = live->tsc_shift;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((v & 1) || v != live->version);
    out->version = v;
}

#endif /* XEN_PVCLOCK_H */
