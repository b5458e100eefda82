/*
 * console.h — the kvm target's console (os_console_write of os/log.h): the
 * 16550 serial port (libos/x86_64/serial.h) behind a ring buffer.
 *
 * Under emulation every byte written to the UART costs several
 * microseconds (a port exit and a host write per byte): printed at once,
 * the boot log alone would take most of the boot time.  So writes go into
 * an 8 KiB ring, and the ring is drained when the CPU has nothing else to
 * do: plat_idle_until() writes a chunk of CONSOLE_IDLE_CHUNK bytes and
 * returns without halting while bytes remain, so a frame waits at most one
 * chunk.  When the ring is full the oldest bytes are written at once (a
 * busy switch that logs a lot is slowed, never loses lines).  plat_exit()
 * flushes everything before the machine stops, so an exception dump or a
 * failed boot is always printed in full, in order.  Single CPU; never
 * called from an interrupt handler; nothing here blocks beyond the UART's
 * bounded waits.
 */
#ifndef KVM_CONSOLE_H
#define KVM_CONSOLE_H

#include <stdbool.h>

#define CONSOLE_IDLE_CHUNK 64

/* Writes up to `max` queued bytes to the UART.  Returns true when bytes
 * remain queued. */
bool kvm_console_drain(unsigned max);

/* Writes every queued byte.  Returns nothing. */
void kvm_console_flush(void);

#endif /* KVM_CONSOLE_H */
