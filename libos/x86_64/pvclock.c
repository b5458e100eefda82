/* pvclock.c — TSC frequency from a pvclock record (see pvclock.h). */
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

int pvclock_read(const volatile struct pvclock_time_info *t, unsigned tries, uint32_t *mul,
                 int8_t *shift)
{
    for (unsigned i = 0; i < tries; i++) {
        uint32_t v = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        uint32_t m = t->tsc_to_system_mul;
        int8_t s = t->tsc_shift;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (v != 0 && !(v & 1) && v == t->version) {
            *mul = m;
            *shift = s;
            return 0;
        }
    }
    return -EAGAIN;
}
