/*
 * tsc.h — time on x86_64: the TSC, its rate found at boot, behind
 * os/clock.h (os_clock_ns, os_wallclock_ns; implemented in tsc.c).
 *
 * Frequency, first that works (no fixed calibration wait when the platform
 * tells): CPUID leaf 0x40000010 (hypervisor timing leaf: TSC kHz,
 * KVM/VMware), KVM's pvclock (MSR_KVM_SYSTEM_TIME_NEW, read once:
 * pvclock.h), CPUID 0x15 (TSC/crystal ratio with a crystal frequency), else
 * a 250 us measurement against PIT channel 0 read back with the latch
 * command (0.35% resolution; works on q35 and microvm; channel 2 needs the
 * PC speaker gate, which microvm lacks) — the case under QEMU's TCG, which
 * offers none of the above.  The PIT keeps counting, so tsc_refine(),
 * called when the CPU is about to idle, later measures the whole window
 * since the boot sample (>= 5 ms, before the PIT wraps at 55 ms: 0.02%)
 * and continues the clock at the better rate, without a jump.  Each PIT
 * reading is bracketed by two TSC readings, and a window whose readings
 * were not tight (the vCPU was descheduled) is measured again.  Every wait
 * is bounded; if nothing works the TSC is assumed to run at 1 GHz and the
 * boot log says so ("assumed").
 * The wall clock is the CMOS RTC, read once on the first os_wallclock_ns
 * call (each RTC register read is an emulated port access: reading it at
 * boot cost 0.5 ms under TCG), plus the TSC.
 * Single CPU: the TSC is monotonic.
 */
#ifndef X86_TSC_H
#define X86_TSC_H

#include <stdbool.h>
#include <stdint.h>

/* Calibrates the TSC.  Returns the TSC frequency in Hz. */
uint64_t tsc_init(void);

/* Refines a PIT calibration (once; cheap after that).  Returns true when
 * it changed the rate now; false when there is nothing to refine or the
 * window is still too short (call again later). */
bool tsc_refine(void);

/* Returns the calibration source: "cpuid-0x40000010", "kvm-pvclock",
 * "cpuid-0x15", "pit" or "assumed". */
const char *tsc_source(void);

/* Returns the TSC frequency in Hz (0 before tsc_init). */
uint64_t tsc_hz(void);

/* Returns the TSC ticks in `ns` nanoseconds. */
uint64_t tsc_ns_to_cycles(uint64_t ns);

/* Returns nanoseconds between two TSC readings a <= b. */
uint64_t tsc_delta_ns(uint64_t a, uint64_t b);

#endif /* X86_TSC_H */
