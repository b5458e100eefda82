/*
 * plat.h — the contract between the PVH unikernel's shared code and the
 * platform it runs on: libos/kvm (QEMU -M microvm / q35, Firecracker) or
 * libos/xen (a Xen PVH domU).  Exactly one platform is linked into an image.
 *
 * Boot: libos/x86_64/boot.S enters plat_start() in 64-bit mode with the
 * physical address of struct hvm_start_info.  The platform brings up its
 * console, the IDT (libos/x86_64/trap.h), its clock (os/clock.h), the page
 * allocator and heap (libos/pvh/mem.h), the W^X page tables
 * (libos/x86_64/paging.h: pg_init, then pg_map_mmio for its device
 * registers), splits the command line
 * (libos/pvh/cmdline.h), then calls os_main() — the product's entry point,
 * switch/unikernel/uk_main.c — and finally plat_exit() with its return value
 * (libos/x86_64/platform.h: exit codes).
 *
 * Everything the shared code (libos/pvh, switch/unikernel, the device
 * drivers) needs from a platform beyond the os/ headers is declared here.  Single
 * CPU; none of these calls may be made from an interrupt handler.
 */
#ifndef PVH_PLAT_H
#define PVH_PLAT_H

#include <stdint.h>

#include "libos/x86_64/platform.h"
#include "libos/x86_64/pvh.h"

/* Entered from boot.S.  Never returns. */
void plat_start(const struct hvm_start_info *si) __attribute__((noreturn));

/* The product's entry point (switch/unikernel/uk_main.c).  Returns the exit
 * code for plat_exit. */
int os_main(int argc, char **argv);

/* Halts the CPU until something may need attention: an interrupt or event
 * (a device armed with netdev_arm_rx_wakeup, a console, a timer) or the
 * monotonic time `deadline_ns` (os_clock_ns), whichever comes first.  May
 * return early (spurious wake-ups); returns at once when the deadline has
 * passed.  Callers re-check their work after every return.  Returns
 * nothing. */
void plat_idle_until(uint64_t deadline_ns);

/* Returns nanoseconds since the first instruction of the PVH entry, for
 * boot-time reports. */
uint64_t plat_since_entry_ns(void);

/* Returns the target's name: "kvm" or "xen". */
const char *plat_name(void);

/* printf-style output to the platform's console (os_console_write), no
 * level and no prefix, at most 512 bytes a call; safe before the heap
 * exists and from the exception handler.  Returns nothing.  Implemented
 * once, in libos/pvh/console.c. */
void pvh_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes a NUL-terminated string to the console.  Returns nothing. */
void pvh_puts(const char *s);

#endif /* PVH_PLAT_H */
