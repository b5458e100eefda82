/*
 * boot_trace.h — where a unikernel's boot time goes: named marks taken on
 * the way from the PVH entry to "ready", printed on request (the
 * unikernel's --boot-trace) so that the time is counted, not guessed.
 *
 * Each mark records plat_since_entry_ns() (the guest's TSC since the first
 * instruction of boot.S) under a phase name that lives forever (a string
 * literal).  Marks are cheap (no output); at most BOOT_TRACE_MAX are kept,
 * later ones are counted and dropped.  Single CPU; any boot code (platform
 * start, drivers, uk_main) may mark.
 */
#ifndef PVH_BOOT_TRACE_H
#define PVH_BOOT_TRACE_H

#define BOOT_TRACE_MAX 24

/* Records that phase `name` ended now.  Returns nothing. */
void boot_trace_mark(const char *name);

/* Prints one line per mark: "boot-trace: NAME  T ms  (+D ms)", T since the
 * PVH entry, D since the previous mark.  Returns nothing. */
void boot_trace_print(void);

#endif /* PVH_BOOT_TRACE_H */
