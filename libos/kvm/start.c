/*
 * start.c — plat_start() of the kvm target: from boot.S's long-mode entry to
 * os_main() (see kvm.h for the sequence and the command-line rules), and the
 * rest of libos/pvh/plat.h for this platform.
 */
#include <errno.h>
#include <string.h>

#include "libos/kvm/console.h"
#include "libos/kvm/kvm.h"
#include "libos/pvh/boot_trace.h"
#include "libos/pvh/cmdline.h"
#include "libos/pvh/mem.h"
#include "libos/pvh/plat.h"
#include "libos/x86_64/apic.h"
#include "libos/x86_64/cpu.h"
#include "libos/x86_64/ioapic.h"
#include "libos/x86_64/paging.h"
#include "libos/x86_64/pci.h"
#include "libos/x86_64/platform.h"
#include "libos/x86_64/pvh.h"
#include "libos/x86_64/serial.h"
#include "libos/x86_64/trap.h"
#include "libos/x86_64/tsc.h"
#include "os/clock.h"

#define CMDLINE_MAX 4096
#define MICROVM_GED_PAGE 0xfea00000ull /* shutdown.c's sleep register */
#define MICROVM_IRQ_BASE_IOAPIC2 24    /* QEMU microvm: virtio-mmio slot IRQs */
#define MICROVM_IRQ_BASE_ACPI 16
#define MICROVM_IRQ_BASE 5

extern uint64_t boot_tsc;
extern char __image_start[], __image_end[];

static char cmdline[CMDLINE_MAX];   /* raw copy */
static char words[CMDLINE_MAX];     /* split copy argv points into */
static char *kvm_argv[PVH_MAX_ARGS + 1];
static struct pvh_mmio_hint hints[PVH_MAX_MMIO_HINTS];
static unsigned n_hints;
static int has_pci;
static int has_acpi;

unsigned kvm_mmio_hints(const struct pvh_mmio_hint **out)
{
    *out = hints;
    return n_hints;
}

const char *kvm_cmdline(void)
{
    return cmdline;
}

uint64_t kvm_boot_tsc(void)
{
    return boot_tsc;
}

int kvm_has_pci(void)
{
    return has_pci;
}

int kvm_microvm_slot_irq(unsigned slot)
{
    if (ioapic_count() >= 2)
        return MICROVM_IRQ_BASE_IOAPIC2 + (int)slot;
    return (has_acpi ? MICROVM_IRQ_BASE_ACPI : MICROVM_IRQ_BASE) + (int)slot;
}

const char *plat_name(void)
{
    return "kvm";
}

uint64_t plat_since_entry_ns(void)
{
    return tsc_delta_ns(boot_tsc, os_cycles());
}

/* Idle time drains the console a chunk at a time (returning at once while
 * bytes remain, so the caller polls between chunks), refines a
 * PIT-calibrated TSC rate (tsc.h), flushes the TLB at most every
 * TLB_FLUSH_NS, and otherwise halts until a device interrupt or the
 * one-shot timer (apic.h).
 *
 * The flush is for QEMU's TCG (issue 14, bench/vm.sh): its software TLB
 * starts at 256 direct-mapped entries and is resized only when the guest
 * flushes (doubled when more than 70% of it was used, shrunk after 100 ms
 * of little use).  This kernel loads CR3 once at boot, so the TLB stayed
 * at 256 entries while forwarding touched more pages than that (packet
 * slots on both rings, descriptors, code): TLB refills were a third of the
 * vCPU thread's time.  Flushing now and then when the CPU is about to halt
 * lets QEMU size it to the working set: the vCPU's CPU per forwarded frame
 * fell from 2.7-3.2 us to 1.7-2.0 us.  On KVM it costs a TLB refill every
 * 100 ms at most. */
#define TLB_FLUSH_NS (100 * 1000 * 1000ull)
void plat_idle_until(uint64_t deadline_ns)
{
    static uint64_t last_flush;
    if (kvm_console_drain(CONSOLE_IDLE_CHUNK))
        return;
    tsc_refine();
    uint64_t now = os_clock_ns();
    if (now - last_flush >= TLB_FLUSH_NS) {
        pg_tlb_flush();
        last_flush = now;
    }
    apic_halt_until(deadline_ns);
}

/* Stops the boot with a message.  Never returns. */
static void __attribute__((noreturn)) kvm_boot_fail(const char *why)
{
    pvh_printf("boot: %s; stopping\n", why);
    plat_exit(PLAT_EXIT_FAIL);
}

/* Builds the W^X page tables and maps the shutdown register.  Stops the
 * boot when out of memory. */
static void kvm_paging(const struct hvm_start_info *si)
{
    uintptr_t lo, hi;
    mem_arena_range(&lo, &hi);
    if (pg_init(si, lo, hi))
        kvm_boot_fail("no memory for the page tables");
    pg_map_mmio(MICROVM_GED_PAGE, PG_SIZE);
}

/* Prints the platform's boot lines (queued on the console). */
static void kvm_report(uint64_t hz, int apic, unsigned version, unsigned entries)
{
    struct mem_stats ms;
    mem_get_stats(&ms);
    pvh_printf("boot: TSC %lu.%03lu MHz (%s), timer %s%s; start_info v%u, %u memory map "
               "entries, RAM %lu KiB, image %lu KiB, heap %lu KiB; W^X paging (%u table "
               "pages)\n", (unsigned long)(hz / 1000000), (unsigned long)(hz / 1000 % 1000),
               tsc_source(), apic_timer_mode(), apic ? " (no interrupts: idle loop spins)" : "",
               version, entries, (unsigned long)(ms.ram_bytes >> 10),
               (unsigned long)((__image_end - __image_start) >> 10),
               (unsigned long)(ms.arena_bytes >> 10), pg_table_pages());
    pvh_printf("boot: command line \"%s\"\n", cmdline);
}

void plat_start(const struct hvm_start_info *si)
{
    serial_init();
    trap_init();
    pvh_puts("\nSluice unikernel booting (PVH entry, x86_64, kvm target)\n");
    if (si && si->magic != HVM_START_MAGIC && pvh_magic_is_text(si->magic)) {
        pvh_printf("boot: command line too long: the loader wrote it over hvm_start_info "
                   "at %p; keep it under %d bytes; stopping\n", (void *)si, CMDLINE_MAX);
        plat_exit(PLAT_EXIT_USAGE);
    }
    if (!si || si->magic != HVM_START_MAGIC) {
        pvh_printf("boot: bad hvm_start_info at %p (magic %x); stopping\n", (void *)si,
                   si ? si->magic : 0);
        plat_exit(PLAT_EXIT_FAIL);
    }
    if (pvh_cmdline_copy(si, cmdline, words, CMDLINE_MAX)) {
        pvh_printf("boot: command line too long (more than %d bytes); stopping\n",
                   CMDLINE_MAX - 1);
        plat_exit(PLAT_EXIT_USAGE);
    }
    has_acpi = si->rsdp_paddr != 0;
    uint64_t hz = tsc_init();
    boot_trace_mark("clock");
    if (mem_init(si))
        kvm_boot_fail("no usable RAM in the memory map");
    unsigned version = si->version, entries = si->memmap_entries;
    boot_trace_mark("memory");
    kvm_paging(si);
    boot_trace_mark("paging");
    int apic = apic_init();
    boot_trace_mark("apic");
    kvm_report(hz, apic, version, entries);
    static char prog[] = "sluice";
    struct pvh_cmdline_result cr =
        pvh_cmdline_split(words, prog, kvm_argv, PVH_MAX_ARGS, hints, PVH_MAX_MMIO_HINTS);
    n_hints = cr.n_hints;
    if (cr.dropped_words || cr.bad_hints)
        pvh_printf("boot: command line: %u word(s) beyond %d dropped, %u malformed or "
                   "extra virtio_mmio.device hint(s) ignored\n", cr.dropped_words,
                   PVH_MAX_ARGS, cr.bad_hints);
    has_pci = pci_present();
    uint64_t plat_ns = tsc_delta_ns(boot_tsc, os_cycles());
    pvh_printf("boot: %s, %u virtio-mmio hint(s); platform up %lu.%03lu ms after the PVH "
               "entry\n", has_pci ? "PCI host bridge" : "no PCI", n_hints,
               (unsigned long)(plat_ns / 1000000), (unsigned long)(plat_ns / 1000 % 1000));
    boot_trace_mark("platform");
    int rc = os_main(cr.argc, kvm_argv);
    plat_exit(rc);
}
