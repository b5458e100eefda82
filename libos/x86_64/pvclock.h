/*
 * pvclock.h — the paravirtual clock's time record (struct
 * pvclock_vcpu_time_info, the same 32 bytes under KVM, MSR_KVM_SYSTEM_TIME_NEW,
 * and Xen, vcpu_time_info in shared_info) and what the TSC frequency is
 * according to it.  The hypervisor keeps the record current; a reader
 * retries while `version` is odd or changed (an update in progress).
 * Pure code, unit-tested on the host (tests/unit/test_pvclock.c); used by
 * tsc.c on KVM (the TSC frequency) and by libos/xen/clock.c (the time
 * itself: Xen's system time is the xen image's monotonic clock).
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

/* Copies the whole record `t`, which the hypervisor may be updating, into
 * *out, retrying (at most `tries` times) while an update is in progress.
 * Returns 0, or -EAGAIN when no consistent copy was read (or the record was
 * never written: version 0). */
int pvclock_snapshot(const volatile struct pvclock_time_info *t, unsigned tries,
                     struct pvclock_time_info *out);

/* Returns `delta` TSC ticks in ns by (mul, shift): shift, then a 32.32
 * fixed-point multiply with a 128-bit product (no overflow). */
uint64_t pvclock_scale(uint64_t delta, uint32_t mul, int8_t shift);

/* Returns the hypervisor's system time in ns at TSC value `tsc`, from a
 * consistent copy `t`: system_time plus the scaled ticks since
 * tsc_timestamp (a tsc before it counts as no time elapsed).  On Xen this
 * is the time VCPUOP_set_singleshot_timer takes. */
uint64_t pvclock_ns(const struct pvclock_time_info *t, uint64_t tsc);

/* Copies (mul, shift) out of a record the hypervisor may be updating,
 * retrying (at most `tries` times) while an update is in progress.
 * Returns 0, or -EAGAIN when no consistent copy was read (or the record
 * was never written: version 0). */
int pvclock_read(const volatile struct pvclock_time_info *t, unsigned tries, uint32_t *mul,
                 int8_t *shift);

#endif /* X86_PVCLOCK_H */
