/*
 * tick.h — a periodic timer interrupt so that an idle kernel can HLT.
 *
 * The kernel polls its devices; the only interrupt it takes is the local
 * APIC timer in periodic mode at TICK_HZ (calibrated against the TSC), on
 * q35 and microvm alike; the legacy 8259 PICs are masked.  The handler
 * (tick_entry.S) counts, writes the APIC end-of-interrupt and returns; it
 * touches no vector registers.  tick_idle() sleeps until the next
 * interrupt, so an idle switch wakes at most 1/TICK_HZ late.  Interrupts
 * are enabled only inside tick_idle (sti; hlt has no lost-wakeup window).
 * tick_init() checks that ticks really arrive; if not, tick_idle() only
 * spins (PAUSE) and tick_hz() returns 0.  Call it after tsc_init().
 */
#ifndef X86_TICK_H
#define X86_TICK_H

#include <stdint.h>

#define TICK_HZ 2000u
#define TICK_VECTOR 32
#define TICK_SPURIOUS_VECTOR 47

/* Starts the tick.  Returns TICK_HZ, or 0 when no tick could be set up. */
unsigned tick_init(void);

/* Halts until the next interrupt (at most 1/TICK_HZ); spins briefly when
 * there is no tick.  Returns nothing. */
void tick_idle(void);

/* Returns the number of timer interrupts taken since tick_init. */
uint64_t tick_count(void);

#endif /* X86_TICK_H */
