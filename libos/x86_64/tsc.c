/* tsc.c — TSC calibration, the monotonic clock and the RTC (see tsc.h). */
#include "libos/x86_64/tsc.h"

#include <stdbool.h>

#include "libos/x86_64/cpu.h"
#include "libos/x86_64/pvclock.h"
#include "os/clock.h"

#include <string.h>

#define PIT_HZ 1193182u
#define PIT_TICKS 298u             /* 250 us at boot: 0.35% resolution ... */
#define PIT_REFINE_MIN 5966u       /* ... refined over >= 5 ms later: 0.02% */
#define PIT_REFINE_MAX 60000u      /* the PIT wraps every 65536 ticks */
#define PIT_SPIN_MAX 2000000u      /* PIT reads before giving up */
#define MSR_KVM_SYSTEM_TIME_NEW 0x4b564d01u
#define KVM_FEATURE_CLOCKSOURCE2 (1u << 3)
#define PVCLOCK_TRIES 1000

static uint64_t tsc_freq;
static uint64_t tsc_mult;          /* ns per tick in 32.32 fixed point */
static uint64_t tsc_base;          /* TSC at calibration (or refinement) */
static uint64_t ns_base;           /* os_clock_ns at tsc_base */
static uint64_t wall_base_ns;      /* ns since the epoch at os_clock_ns 0 */
static bool wall_read;             /* the RTC was read (on first use) */
static const char *tsc_src = "assumed";

/* Returns TSC Hz from the hypervisor timing leaf, or 0. */
static uint64_t tsc_from_hv_leaf(void)
{
    uint32_t r[4];
    cpu_cpuid(1, 0, r);
    if (!(r[2] & (1u << 31))) /* no hypervisor */
        return 0;
    cpu_cpuid(0x40000000, 0, r);
    if (r[0] < 0x40000010)
        return 0;
    cpu_cpuid(0x40000010, 0, r);
    return (uint64_t)r[0] * 1000;
}

/* Returns TSC Hz from KVM's pvclock (registered for one read, then
 * unregistered), or 0 when not running on KVM. */
static uint64_t tsc_from_kvm_pvclock(void)
{
    static struct pvclock_time_info ti __attribute__((aligned(64)));
    uint32_t r[4], mul;
    int8_t shift;
    cpu_cpuid(1, 0, r);
    if (!(r[2] & (1u << 31)))
        return 0;
    cpu_cpuid(0x40000000, 0, r);
    if (r[1] != 0x4b4d564b || r[2] != 0x564b4d56 || r[3] != 0x4d || r[0] < 0x40000001)
        return 0; /* not "KVMKVMKVM" */
    cpu_cpuid(0x40000001, 0, r);
    if (!(r[0] & KVM_FEATURE_CLOCKSOURCE2))
        return 0;
    uint64_t pa = (uintptr_t)&ti;
    cpu_wrmsr(MSR_KVM_SYSTEM_TIME_NEW, pa | 1);
    int rc = pvclock_read(&ti, PVCLOCK_TRIES, &mul, &shift);
    cpu_wrmsr(MSR_KVM_SYSTEM_TIME_NEW, 0);
    return rc ? 0 : pvclock_tsc_hz(mul, shift);
}

/* Returns TSC Hz from CPUID 0x15, or 0. */
static uint64_t tsc_from_leaf15(void)
{
    uint32_t r[4];
    cpu_cpuid(0, 0, r);
    if (r[0] < 0x15)
        return 0;
    cpu_cpuid(0x15, 0, r);
    if (!r[0] || !r[1] || !r[2])
        return 0;
    return (uint64_t)r[2] * r[1] / r[0];
}

/* Returns PIT channel 0's current count (latched). */
static uint16_t pit_read0(void)
{
    cpu_outb(0x43, 0x00); /* latch channel 0 */
    uint8_t lo = cpu_inb(0x40);
    uint8_t hi = cpu_inb(0x40);
    return (uint16_t)(hi << 8 | lo);
}

/* A PIT reading bracketed by two TSC readings. */
struct pit_sample {
    uint16_t count;
    uint64_t tsc;     /* midpoint of the bracket */
    uint64_t width;   /* TSC ticks the bracket took */
};

/* Returns a PIT channel 0 reading bracketed by two TSC readings. */
static struct pit_sample pit_sample(void)
{
    uint64_t a = os_cycles();
    uint16_t c = pit_read0();
    uint64_t b = os_cycles();
    return (struct pit_sample){ c, a + (b - a) / 2, b - a };
}

static struct pit_sample pit_anchor;   /* first sample of the boot window */
static bool pit_refined;

/* One measurement over PIT_TICKS.  Returns TSC Hz, or 0 when the PIT does
 * not count or a reading was not tight (the vCPU was descheduled while it
 * read: its bracket is wider than 1% of the window). */
static uint64_t tsc_pit_window(void)
{
    struct pit_sample s0 = pit_sample(), s = s0;
    pit_anchor = s0;
    unsigned spins = 0;
    while ((uint16_t)(s0.count - s.count) < PIT_TICKS && s.count <= s0.count &&
           spins++ < PIT_SPIN_MAX)
        s = pit_sample();
    uint16_t ticks = (uint16_t)(s0.count - s.count);
    uint64_t cycles = s.tsc - s0.tsc;
    /* Each midpoint is within half its bracket of the reading: accept an
     * error of at most 2% here (tsc_refine gets it to 0.02%). */
    if (s.count > s0.count || ticks < PIT_TICKS / 2 || 25 * (s0.width + s.width) > cycles)
        return 0;
    uint64_t hz = cycles * PIT_HZ / ticks;
    return hz >= 100000000ull && hz <= 20000000000ull ? hz : 0;
}

/* Returns TSC Hz measured against PIT channel 0 over ~1 ms (up to 3 tries,
 * each at most PIT_SPIN_MAX reads), or 0. */
static uint64_t tsc_from_pit(void)
{
    cpu_outb(0x43, 0x34); /* channel 0, lo/hi, mode 2, binary */
    cpu_outb(0x40, 0xff);
    cpu_outb(0x40, 0xff);
    uint64_t hz = 0;
    for (int attempt = 0; attempt < 3 && !hz; attempt++)
        hz = tsc_pit_window();
    return hz;
}

/* Reads CMOS RTC register `reg`. */
static uint8_t rtc_reg(uint8_t reg)
{
    cpu_outb(0x70, reg);
    return cpu_inb(0x71);
}

/* Returns the RTC time in seconds since the epoch, or 0 when it is
 * unreadable. */
static uint64_t rtc_read_epoch(void)
{
    for (unsigned i = 0; i < 100000 && (rtc_reg(0x0a) & 0x80); i++)
        cpu_pause(); /* update in progress */
    uint8_t s = rtc_reg(0x00), m = rtc_reg(0x02), h = rtc_reg(0x04);
    uint8_t d = rtc_reg(0x07), mo = rtc_reg(0x08), y = rtc_reg(0x09), b = rtc_reg(0x0b);
    if (s == 0xff && mo == 0xff)
        return 0;
    if (!(b & 0x04)) { /* BCD */
#define BCD(x) (uint8_t)(((x) & 0x0f) + ((x) >> 4) * 10)
        s = BCD(s); m = BCD(m); h = BCD(h & 0x7f) | (h & 0x80); d = BCD(d); mo = BCD(mo); y = BCD(y);
#undef BCD
    }
    if (!(b & 0x02) && (h & 0x80)) /* 12-hour clock, PM */
        h = (uint8_t)(((h & 0x7f) + 12) % 24);
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || m > 59 || s > 60)
        return 0;
    /* Days since 1970-01-01 (civil-from-days, Howard Hinnant). */
    int year = 2000 + y, mon = mo;
    year -= mon <= 2;
    int era = year / 400;
    int yoe = year - era * 400;
    int doy = (153 * (mon + (mon > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = (int64_t)era * 146097 + doe - 719468;
    return (uint64_t)days * 86400 + h * 3600u + m * 60u + s;
}

uint64_t tsc_init(void)
{
    uint64_t hz;
    if ((hz = tsc_from_hv_leaf()))
        tsc_src = "cpuid-0x40000010";
    else if ((hz = tsc_from_kvm_pvclock()))
        tsc_src = "kvm-pvclock";
    else if ((hz = tsc_from_leaf15()))
        tsc_src = "cpuid-0x15";
    else if ((hz = tsc_from_pit()))
        tsc_src = "pit";
    else
        hz = 1000000000ull;
    tsc_freq = hz;
    tsc_mult = (uint64_t)(((unsigned __int128)OS_NS_PER_SEC << 32) / hz);
    tsc_base = os_cycles();
    pit_refined = strcmp(tsc_src, "pit") != 0;
    return hz;
}

bool tsc_refine(void)
{
    if (pit_refined)
        return false;
    struct pit_sample s = pit_sample();
    uint64_t cycles = s.tsc - pit_anchor.tsc;
    uint64_t expect = (uint64_t)((unsigned __int128)cycles * PIT_HZ / tsc_freq);
    uint16_t ticks = (uint16_t)(pit_anchor.count - s.count);
    if (expect < PIT_REFINE_MIN)
        return false; /* too early: try again at a later call */
    if (expect > PIT_REFINE_MAX || ticks + expect / 20 < expect || ticks > expect + expect / 20 ||
        1000 * (pit_anchor.width + s.width) > cycles) {
        pit_anchor = s; /* wrapped, or a loose reading: start a new window */
        return false;
    }
    uint64_t hz = cycles * PIT_HZ / ticks;
    /* Continue the clock from where it is, at the new rate. */
    uint64_t now = os_cycles();
    ns_base = os_clock_ns();
    tsc_base = now;
    tsc_freq = hz;
    tsc_mult = (uint64_t)(((unsigned __int128)OS_NS_PER_SEC << 32) / hz);
    pit_refined = true;
    return true;
}

const char *tsc_source(void)
{
    return tsc_src;
}

uint64_t tsc_hz(void)
{
    return tsc_freq;
}

uint64_t tsc_ns_to_cycles(uint64_t ns)
{
    return (uint64_t)((unsigned __int128)ns * tsc_freq / OS_NS_PER_SEC);
}

uint64_t tsc_delta_ns(uint64_t a, uint64_t b)
{
    return (uint64_t)(((unsigned __int128)(b - a) * tsc_mult) >> 32);
}

uint64_t os_clock_ns(void)
{
    return ns_base + tsc_delta_ns(tsc_base, os_cycles());
}

uint64_t os_wallclock_ns(void)
{
    if (!wall_read) { /* the CMOS RTC is slow to read: only when asked */
        uint64_t rtc = rtc_read_epoch() * OS_NS_PER_SEC, now = os_clock_ns();
        wall_base_ns = rtc > now ? rtc - now : 0;
        wall_read = true;
    }
    return wall_base_ns ? wall_base_ns + os_clock_ns() : 0;
}
