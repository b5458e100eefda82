/*
 * apic.h — the local APIC: the interrupts that wake an idle kernel, and the
 * one-shot timer for its next deadline.  There is no periodic tick.
 *
 * The kernel polls its devices while traffic flows and only takes
 * interrupts while halted: interrupts are enabled solely inside
 * apic_halt_until ("sti; hlt" has no lost-wake-up window: an interrupt that
 * is already pending is taken right after the hlt begins).  So the handlers
 * (apic_entry.S) interrupt nothing but that hlt: each counts, writes the
 * APIC end-of-interrupt register and returns, touching one general register
 * and no vector state; the code after the hlt then polls whatever woke it.
 *
 * Two kinds of vectors: APIC_TIMER_VECTOR for the timer, and device
 * vectors from apic_alloc_vector() (a driver points MSI-X entries or IOAPIC
 * lines at them; apic_msi_address() is where MSIs go).  The timer is the
 * TSC-deadline timer when the CPU has one, else the APIC timer in one-shot
 * mode, whose rate apic_init measures against the TSC (25 us, bounded;
 * corrected when the timer fires early).
 * apic_init also checks that a timer interrupt really arrives (bounded); if
 * not, or without a local APIC, apic_halt_until spins instead of halting.
 * The legacy 8259 PICs are masked.  Call apic_init after tsc_init and
 * pg_init.  Single CPU; none of these from an interrupt handler.
 */
#ifndef X86_APIC_H
#define X86_APIC_H

#include <stdint.h>

#define APIC_TIMER_VECTOR 32
#define APIC_SPURIOUS_VECTOR 255

/* Sets up the local APIC.  Returns 0, or -ENODEV when there is none or its
 * timer does not interrupt (then nothing can wake a halted CPU). */
int apic_init(void);

/* Returns "tsc-deadline", "one-shot" or "none" (after apic_init). */
const char *apic_timer_mode(void);

/* Returns a fresh device wake-up vector (its gate counts and EOIs), or
 * -ENOSPC / -ENODEV (no working APIC). */
int apic_alloc_vector(void);

/* Returns the MSI address that targets this CPU (fixed delivery; the MSI
 * data is the vector). */
uint32_t apic_msi_address(void);

/* Returns this CPU's local APIC id. */
uint32_t apic_id(void);

/* Halts until an interrupt or the monotonic time deadline_ns (os_clock_ns;
 * UINT64_MAX: no timer), whichever comes first; returns at once when the
 * deadline has passed, and after at most a short spin when the APIC cannot
 * wake the CPU.  Returns nothing. */
void apic_halt_until(uint64_t deadline_ns);

/* Counters since apic_init, for the exit report and the idle tests. */
struct apic_stats {
    uint64_t halts;         /* times the CPU halted */
    uint64_t timer_wakes;   /* timer interrupts taken */
    uint64_t device_wakes;  /* device interrupts taken */
};

/* Fills `st`.  Returns nothing. */
void apic_get_stats(struct apic_stats *st);

#endif /* X86_APIC_H */
