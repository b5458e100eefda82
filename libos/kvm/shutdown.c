/*
 * shutdown.c — plat_exit() on the kvm target.
 *
 * In order: QEMU's isa-debug-exit at port 0xf4 (tests: QEMU exits with
 * status (code << 1) | 1), then ACPI S5 through the PM1a control block at
 * 0x604 (q35/pc as QEMU's firmware sets it up), then the microvm ACPI GED
 * sleep control register; if the machine is still running, the CPU halts
 * with interrupts off.  The console is flushed first (console.h).  The
 * halting lines also report how the idle CPU was woken (apic.h counters:
 * tests check that an idle guest sleeps) and the TSC rate in use.
 */
#include "libos/kvm/console.h"
#include "libos/pvh/plat.h"
#include "libos/x86_64/apic.h"
#include "libos/x86_64/cpu.h"
#include "libos/x86_64/platform.h"
#include "libos/x86_64/tsc.h"

#define DEBUG_EXIT_PORT 0xf4
#define PM1A_CNT_PORT 0x604
#define PM1_SLP_EN 0x2000
#define MICROVM_GED_SLEEP_CTL 0xfea00200ull
#define GED_SLP_S5 ((5 << 2) | 0x20)

void plat_exit(int code)
{
    struct apic_stats st;
    apic_get_stats(&st);
    pvh_printf("sluice: idle: %lu halts, %lu timer and %lu device wake-ups; TSC %lu.%03lu "
                  "MHz\n", (unsigned long)st.halts, (unsigned long)st.timer_wakes,
                  (unsigned long)st.device_wakes, (unsigned long)(tsc_hz() / 1000000),
                  (unsigned long)(tsc_hz() / 1000 % 1000));
    pvh_printf("sluice: halting with exit code %d\n", code);
    kvm_console_flush();
    cpu_outl(DEBUG_EXIT_PORT, (uint32_t)code);
    cpu_outw(PM1A_CNT_PORT, PM1_SLP_EN);
    mmio_write8(MICROVM_GED_SLEEP_CTL, GED_SLP_S5);
    cpu_halt_forever();
}
