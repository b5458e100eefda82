/*
 * clock_mode.h — how the unix target reads its monotonic clock (libos/unix
 * and hosted programs such as bench/dpbench only; see clock.c).
 */
#ifndef LIBOS_UNIX_CLOCK_MODE_H
#define LIBOS_UNIX_CLOCK_MODE_H

/* Returns "vdso", "tsc" or "syscall": how os_clock_ns() reads the clock
 * (chosen at its first call, which this may make). */
const char *os_clock_mode(void);

#endif /* LIBOS_UNIX_CLOCK_MODE_H */
