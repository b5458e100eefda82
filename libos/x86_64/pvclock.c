/* pvclock.c — time and TSC frequency from a pvclock record (see pvclock.h). */
#include "libos/x86_64/pvclock.h"

#include <errno.h>

#define NS_PER_SEC 1000000000ull

uint64_t pvclock_tsc_hz(uint32_t mul, int8_t shift)
{
    if (mul == 0 || shift < -31 || shift > 31)
        return 0;
    /* hz = 2^32 * 1e9 / (mul * 2^shift) */
    unsigned __int128 hz = ((unsigned __int128)NS_PER_SEC << 32) / mul;
    hz = shift >= 0 ? hz >> shift : hz << -shift;
    return hz >= 1000000u && hz <= 100000000000ull ? (uint64_t)hz : 0;
}

int pvclock_snapshot(const volatile struct pvclock_time_info *t, unsigned tries,
                     struct pvclock_time_info *out)
{
    for (unsigned i = 0; i < tries; i++) {
        uint32_t v = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        out->tsc_timestamp = t->tsc_timestamp;
        out->system_time = t->system_time;
        out->tsc_to_system_mul = t->tsc_to_system_mul;
        out->tsc_shift = t->tsc_shift;
        out->flags = t->flags;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (v != 0 && !(v & 1) && v == t->version) {
            out->version = v;
            return 0;
        }
    }
    return -EAGAIN;
}

uint64_t pvclock_scale(uint64_t delta, uint32_t mul, int8_t shift)
{
    if (shift < 0)
        delta >>= -shift;
    else
        delta <<= shift;
    return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

uint64_t pvclock_ns(const struct pvclock_time_info *t, uint64_t tsc)
{
    uint64_t delta = tsc > t->tsc_timestamp ? tsc - t->tsc_timestamp : 0;
    return t->system_time + pvclock_scale(delta, t->tsc_to_system_mul, t->tsc_shift);
}

int pvclock_read(const volatile struct pvclock_time_info *t, unsigned tries, uint32_t *mul,
                 int8_t *shift)
{
    struct pvclock_time_info c;
    int rc = pvclock_snapshot(t, tries, &c);
    if (rc)
        return rc;
    *mul = c.tsc_to_system_mul;
    *shift = c.tsc_shift;
    return 0;
}
