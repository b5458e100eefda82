/*
 * platform.h — what the x86_64 code needs from the platform it runs on
 * (libos/kvm today, libos/xen later): how to stop the machine.
 *
 * Exit codes: PLAT_EXIT_OK 0, PLAT_EXIT_FAIL 1 (runtime failure),
 * PLAT_EXIT_USAGE 2 (bad command line), PLAT_EXIT_FAULT 3 (CPU exception).
 * Under QEMU with `-device isa-debug-exit,iobase=0xf4,iosize=0x04` the
 * QEMU process exits with status (code << 1) | 1.
 */
#ifndef X86_PLATFORM_H
#define X86_PLATFORM_H

enum { PLAT_EXIT_OK = 0, PLAT_EXIT_FAIL = 1, PLAT_EXIT_USAGE = 2, PLAT_EXIT_FAULT = 3 };

/* Stops the machine with `code`.  Never returns. */
void plat_exit(int code) __attribute__((noreturn));

#endif /* X86_PLATFORM_H */
