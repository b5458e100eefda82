/* apic.c — local APIC wake-ups and one-shot timer (see apic.h). */
#include "libos/x86_64/apic.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

#include "libos/x86_64/cpu.h"
#include "libos/x86_64/paging.h"
#include "libos/x86_64/trap.h"
#include "libos/x86_64/tsc.h"
#include "os/clock.h"

#define MSR_APIC_BASE 0x1b
#define MSR_TSC_DEADLINE 0x6e0
#define APIC_GLOBAL_ENABLE (1u << 11)
#define APIC_ID 0x020
#define APIC_EOI 0x0b0
#define APIC_SVR 0x0f0
#define APIC_LVT_TIMER 0x320
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CUR 0x390
#define APIC_TIMER_DIV 0x3e0
#define APIC_MASKED (1u << 16)
#define APIC_TSC_DEADLINE_MODE (2u << 17)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID1_EDX_APIC (1u << 9)
#define CALIBRATE_NS 25000ull       /* APIC timer rate measured over 25 us */
#define CHECK_NS 5000000ull         /* a test interrupt must come within 5 ms */
#define SPIN_NS 10000ull            /* no APIC: spin this long per call */
#define MAX_ARM_NS (10 * OS_NS_PER_SEC) /* longer sleeps are cut (the caller loops) */
#define FIRST_DEVICE_VECTOR 48
#define LAST_DEVICE_VECTOR 254

enum apic_mode { MODE_NONE, MODE_DEADLINE, MODE_ONESHOT };

extern void apic_timer_entry(void);
extern void apic_device_entry(void);
extern void apic_spurious_entry(void);
extern volatile uint64_t apic_timer_count, apic_device_count;
extern uintptr_t apic_eoi_reg;

static uintptr_t apic_base;
static enum apic_mode mode;
static uint64_t apic_per_ms;        /* one-shot mode: APIC timer counts per ms */
static unsigned next_vector = FIRST_DEVICE_VECTOR;
static uint64_t halts;

/* Returns local APIC register `reg`. */
static uint32_t apic_read(uint32_t reg)
{
    return mmio_read32(apic_base + reg);
}

/* Writes local APIC register `reg`.  Returns nothing. */
static void apic_write(uint32_t reg, uint32_t v)
{
    mmio_write32(apic_base + reg, v);
}

/* Starts the timer for `ns` from now (at least one count). */
static void apic_timer_arm(uint64_t ns)
{
    if (ns > MAX_ARM_NS)
        ns = MAX_ARM_NS;
    if (mode == MODE_DEADLINE) {
        cpu_wrmsr(MSR_TSC_DEADLINE, os_cycles() + tsc_ns_to_cycles(ns) + 1);
    } else {
        uint64_t count = ns / 1000 * apic_per_ms / 1000 + 1;
        apic_write(APIC_TIMER_INIT, count > 0xffffffffu ? 0xffffffffu : (uint32_t)count);
    }
}

/* Stops the timer. */
static void apic_timer_disarm(void)
{
    if (mode == MODE_DEADLINE)
        cpu_wrmsr(MSR_TSC_DEADLINE, 0);
    else
        apic_write(APIC_TIMER_INIT, 0);
}

/* Measures the APIC timer's counts per ms against the TSC over
 * CALIBRATE_NS, reading the counter between two clock readings and trying
 * again (at most 3 times) when they lie far apart (the vCPU was descheduled
 * in between).  Returns it, or 0. */
static uint64_t apic_calibrate(void)
{
    uint64_t best = 0;
    apic_write(APIC_TIMER_DIV, 0xb); /* divide by 1 */
    apic_write(APIC_LVT_TIMER, APIC_MASKED | APIC_TIMER_VECTOR);
    for (int attempt = 0; attempt < 3 && !best; attempt++) {
        apic_write(APIC_TIMER_INIT, 0xffffffffu);
        uint64_t t0 = os_clock_ns();
        while (os_clock_ns() - t0 < CALIBRATE_NS)
            cpu_pause();
        uint64_t a = os_clock_ns();
        uint32_t left = apic_read(APIC_TIMER_CUR);
        uint64_t b = os_clock_ns();
        if (b - a < CALIBRATE_NS / 10)
            best = (uint64_t)(0xffffffffu - left) * OS_NS_PER_MS / ((a + b) / 2 - t0);
    }
    apic_write(APIC_TIMER_INIT, 0);
    return best;
}

/* Checks that an armed timer interrupts.  Returns true when it did. */
static bool apic_timer_works(void)
{
    uint64_t before = apic_timer_count, t0 = os_clock_ns();
    apic_timer_arm(20000);
    __asm__ volatile("sti" ::: "memory");
    while (apic_timer_count == before && os_clock_ns() - t0 < CHECK_NS)
        cpu_pause();
    __asm__ volatile("cli" ::: "memory");
    apic_timer_disarm();
    return apic_timer_count != before;
}

int apic_init(void)
{
    uint32_t r[4];
    cpu_cpuid(1, 0, r);
    if (!(r[3] & CPUID1_EDX_APIC))
        return -ENODEV;
    cpu_outb(0x21, 0xff); /* mask both 8259s */
    cpu_outb(0xa1, 0xff);
    uint64_t msr = cpu_rdmsr(MSR_APIC_BASE);
    if (!(msr & APIC_GLOBAL_ENABLE))
        cpu_wrmsr(MSR_APIC_BASE, msr | APIC_GLOBAL_ENABLE);
    apic_base = (uintptr_t)(msr & 0xfffff000u);
    if (pg_map_mmio(apic_base, PG_SIZE))
        return -ENODEV;
    apic_eoi_reg = apic_base + APIC_EOI;
    trap_set_gate(APIC_TIMER_VECTOR, apic_timer_entry);
    trap_set_gate(APIC_SPURIOUS_VECTOR, apic_spurious_entry);
    apic_write(APIC_SVR, 0x100 | APIC_SPURIOUS_VECTOR);
    if (r[2] & CPUID1_ECX_TSC_DEADLINE) {
        mode = MODE_DEADLINE;
        apic_write(APIC_LVT_TIMER, APIC_TSC_DEADLINE_MODE | APIC_TIMER_VECTOR);
    } else if ((apic_per_ms = apic_calibrate()) != 0) {
        mode = MODE_ONESHOT;
        apic_write(APIC_LVT_TIMER, APIC_TIMER_VECTOR); /* one-shot, unmasked */
    }
    if (mode != MODE_NONE && !apic_timer_works()) {
        apic_write(APIC_LVT_TIMER, APIC_MASKED | APIC_TIMER_VECTOR);
        mode = MODE_NONE;
    }
    return mode == MODE_NONE ? -ENODEV : 0;
}

const char *apic_timer_mode(void)
{
    static char buf[40];
    if (mode != MODE_ONESHOT)
        return mode == MODE_DEADLINE ? "tsc-deadline" : "none";
    snprintf(buf, sizeof buf, "one-shot %lu.%03lu MHz", (unsigned long)(apic_per_ms / 1000),
             (unsigned long)(apic_per_ms % 1000));
    return buf;
}

int apic_alloc_vector(void)
{
    if (mode == MODE_NONE)
        return -ENODEV;
    if (next_vector > LAST_DEVICE_VECTOR)
        return -ENOSPC;
    trap_set_gate(next_vector, apic_device_entry);
    return (int)next_vector++;
}

uint32_t apic_id(void)
{
    return apic_base ? apic_read(APIC_ID) >> 24 : 0;
}

uint32_t apic_msi_address(void)
{
    return 0xfee00000u | (apic_id() & 0xff) << 12;
}

void apic_halt_until(uint64_t deadline_ns)
{
    uint64_t now = os_clock_ns();
    if (now >= deadline_ns)
        return;
    if (mode == MODE_NONE) {
        uint64_t until = deadline_ns - now < SPIN_NS ? deadline_ns : now + SPIN_NS;
        while (os_clock_ns() < until)
            cpu_pause();
        return;
    }
    uint64_t fired = apic_timer_count;
    if (deadline_ns != UINT64_MAX)
        apic_timer_arm(deadline_ns - now);
    halts++;
    __asm__ volatile("sti; hlt; cli" ::: "memory");
    if (deadline_ns == UINT64_MAX)
        return;
    apic_timer_disarm();
    uint64_t woke = os_clock_ns();
    if (mode == MODE_ONESHOT && apic_timer_count != fired && woke < deadline_ns &&
        deadline_ns - now <= MAX_ARM_NS) {
        /* The timer came early: its rate was underestimated.  Correct it
         * by what this sleep showed (at most doubling it). */
        uint64_t slept = woke - now ? woke - now : 1, want = deadline_ns - now;
        uint64_t rate = (uint64_t)((unsigned __int128)apic_per_ms * want / slept);
        apic_per_ms = rate > 2 * apic_per_ms ? 2 * apic_per_ms : rate;
    }
}

void apic_get_stats(struct apic_stats *st)
{
    st->halts = halts;
    st->timer_wakes = apic_timer_count;
    st->device_wakes = apic_device_count;
}
