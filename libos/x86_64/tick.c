/* tick.c — local APIC periodic timer for idling (see tick.h). */
#include "libos/x86_64/tick.h"

#include <stdbool.h>

#include "libos/x86_64/cpu.h"
#include "libos/x86_64/trap.h"
#include "os/clock.h"

#define MSR_APIC_BASE 0x1b
#define APIC_GLOBAL_ENABLE (1u << 11)
#define APIC_EOI 0x0b0
#define APIC_SVR 0x0f0
#define APIC_LVT_TIMER 0x320
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CUR 0x390
#define APIC_TIMER_DIV 0x3e0
#define APIC_PERIODIC (1u << 17)
#define APIC_MASKED (1u << 16)

extern void tick_entry(void);
extern void tick_spurious(void);
extern volatile uint64_t tick_ticks;
extern uintptr_t tick_eoi;
static bool tick_ok;

static void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

/* Spins for `ns` by the TSC. */
static void tick_spin_ns(uint64_t ns)
{
    uint64_t until = os_clock_ns() + ns;
    while (os_clock_ns() < until)
        cpu_pause();
}

unsigned tick_init(void)
{
    uint32_t r[4];
    cpu_cpuid(1, 0, r);
    if (!(r[3] & (1u << 9)))
        return 0; /* no local APIC */
    cpu_outb(0x21, 0xff); /* mask both 8259s */
    cpu_outb(0xa1, 0xff);
    uint64_t msr = cpu_rdmsr(MSR_APIC_BASE);
    if (!(msr & APIC_GLOBAL_ENABLE))
        wrmsr(MSR_APIC_BASE, msr | APIC_GLOBAL_ENABLE);
    uintptr_t base = (uintptr_t)(msr & 0xfffff000u);
    tick_eoi = base + APIC_EOI;
    trap_set_gate(TICK_VECTOR, tick_entry);
    trap_set_gate(TICK_SPURIOUS_VECTOR, tick_spurious);
    mmio_write32(base + APIC_SVR, 0x100 | TICK_SPURIOUS_VECTOR);
    mmio_write32(base + APIC_TIMER_DIV, 0x3); /* divide by 16 */
    mmio_write32(base + APIC_LVT_TIMER, APIC_MASKED | TICK_VECTOR);
    mmio_write32(base + APIC_TIMER_INIT, 0xffffffffu);
    tick_spin_ns(1000000);
    uint32_t per_ms = 0xffffffffu - mmio_read32(base + APIC_TIMER_CUR);
    uint32_t count = (uint32_t)((uint64_t)per_ms * 1000 / TICK_HZ);
    if (count == 0)
        return 0;
    mmio_write32(base + APIC_LVT_TIMER, APIC_PERIODIC | TICK_VECTOR);
    mmio_write32(base + APIC_TIMER_INIT, count);
    /* Check that ticks arrive: wait up to 5 periods with interrupts on. */
    uint64_t before = tick_ticks, until = os_clock_ns() + 5 * OS_NS_PER_SEC / TICK_HZ;
    __asm__ volatile("sti" ::: "memory");
    while (tick_ticks == before && os_clock_ns() < until)
        cpu_pause();
    __asm__ volatile("cli" ::: "memory");
    tick_ok = tick_ticks != before;
    if (!tick_ok)
        mmio_write32(base + APIC_LVT_TIMER, APIC_MASKED | TICK_VECTOR);
    return tick_ok ? TICK_HZ : 0;
}

void tick_idle(void)
{
    if (tick_ok)
        __asm__ volatile("sti; hlt; cli" ::: "memory");
    else
        tick_spin_ns(10000);
}

uint64_t tick_count(void)
{
    return tick_ticks;
}
