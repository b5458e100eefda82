/*
 * pvclock.h — the paravirtual clock's time record (struct
 * pvclock_vcpu_time_info, the same 32 bytes under KVM, MSR_KVM_SYSTEM_TIME_NEW,
 * and Xen, vcpu_time_info in shared_info) and what the TSC frequency is
 * according to it.  The hypervisor keeps the record current; a reader
 * retries while `version` is odd or changed (an update in progress).
 * Pure code, unit-tested on the host (tests/unit/test_pvclock.c); used by
 * tsc.c on KVM and available to a Xen platform.
 */
#ifndef X86_PVCLOCK_H
#define X86_PVCLOCK_H

#include <stdint.h>

struct pvclock_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;
    uint32_t tsc_to_system_mul;  /* ns per TSC tick, 32.32 fixed point ... */
    int8_t tsc_shift;            /* ... after shifting the TSC delta by this */
    uint8_t flags;
    uint8_t pad[2];
};
_Static_assert(sizeof(struct pvclock_time_info) == 32, "pvclock layout");

/* Returns the TSC frequency in Hz that (mul, shift) describe
 * (ns = ((tsc << shift) * mul) >> 32, a negative shift shifting right), or
 * 0 when they describe none (mul 0, or out of 1 MHz .. 100 GHz). */
uint64_t pvclock_tsc_hz(uint32_t mul, int8_t shift);

/* Copies (mul, shift) out of a record the hypervisor may be updating,
 * retrying (at most `tries` times) while an update is in progress.
 * Returns 0, or -EAGAIN when no consistent copy was read (or the record
 * was never written: version 0). */
int pvclock_read(const volatile struct pvclock_time_info *t, unsigned tries, uint32_t *mul,
                 int8_t *shift);

#endif /* X86_PVCLOCK_H */
