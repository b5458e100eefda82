/*
 * rand.c — the PVH targets' entropy for os/rand.h (the generator itself is
 * libos/common/rand.c): RDRAND when the CPU has it (bounded retries), mixed
 * with the TSC.
 */
#include "libos/x86_64/cpu.h"
#include "os/clock.h"
#include "os/rand.h"

/* Returns 64 bits of the best entropy the CPU offers. */
uint64_t os_rand_entropy(void)
{
    uint32_t r[4];
    uint64_t v = os_cycles();
    cpu_cpuid(1, 0, r);
    if (r[2] & (1u << 30)) {
        for (int i = 0; i < 10; i++) {
            uint64_t x;
            unsigned char ok;
            __asm__ volatile("rdrand %0; setc %1" : "=r"(x), "=qm"(ok));
            if (ok)
                return v ^ x;
        }
    }
    return v;
}
