/*
 * start.c — plat_start() of the kvm target: from boot.S's long-mode entry to
 * os_main() (see kvm.h for the sequence and the command-line rules), and the
 * rest of libos/pvh/plat.h for this platform.
 */
#include <errno.h>
#include <string.h>

#include "libos/pvh/cmdline.h"
#include "libos/kvm/kvm.h"
#include "libos/pvh/mem.h"
#include "libos/pvh/plat.h"
#include "libos/x86_64/cpu.h"
#include "os/clock.h"
#include "libos/x86_64/pci.h"
#include "libos/x86_64/platform.h"
#include "libos/x86_64/pvh.h"
#include "libos/x86_64/serial.h"
#include "libos/x86_64/tick.h"
#include "libos/x86_64/trap.h"
#include "libos/x86_64/tsc.h"

#define CMDLINE_MAX 4096

extern uint64_t boot_tsc;
extern char __image_start[], __image_end[];

static char cmdline[CMDLINE_MAX];   /* raw copy */
static char words[CMDLINE_MAX];     /* split copy argv points into */
static char *kvm_argv[PVH_MAX_ARGS + 1];
static struct pvh_mmio_hint hints[PVH_MAX_MMIO_HINTS];
static unsigned n_hints;
static int has_pci;

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

const char *plat_name(void)
{
    return "kvm";
}

uint64_t plat_since_entry_ns(void)
{
    return tsc_delta_ns(boot_tsc, os_cycles());
}

/* One idle tick at most: the devices do not interrupt yet, so the CPU
 * wakes at the next tick (1/TICK_HZ) and the caller polls again. */
void plat_idle_until(uint64_t deadline_ns)
{
    if (os_clock_ns() < deadline_ns)
        tick_idle();
}

void plat_start(const struct hvm_start_info *si)
{
    serial_init();
    trap_init();
    serial_puts("\nSluice unikernel booting (PVH entry, x86_64, kvm target)\n");
    if (si && si->magic != HVM_START_MAGIC && pvh_magic_is_text(si->magic)) {
        serial_printf("boot: command line too long: the loader wrote it over hvm_start_info "
                      "at %p; keep it under %d bytes; stopping\n", (void *)si, CMDLINE_MAX);
        plat_exit(PLAT_EXIT_USAGE);
    }
    if (!si || si->magic != HVM_START_MAGIC) {
        serial_printf("boot: bad hvm_start_info at %p (magic %x); stopping\n", (void *)si,
                      si ? si->magic : 0);
        plat_exit(PLAT_EXIT_FAIL);
    }
    if (si->cmdline_paddr &&
        pvh_cmdline_copy(cmdline, sizeof cmdline, (const char *)(uintptr_t)si->cmdline_paddr)) {
        serial_printf("boot: command line too long (more than %d bytes); stopping\n",
                      CMDLINE_MAX - 1);
        plat_exit(PLAT_EXIT_USAGE);
    }
    memcpy(words, cmdline, sizeof words);
    uint64_t hz = tsc_init();
    unsigned tick = tick_init();
    serial_printf("boot: TSC %lu.%03lu MHz (%s), idle tick %u Hz%s\n", (unsigned long)(hz / 1000000),
                  (unsigned long)(hz / 1000 % 1000), tsc_source(), tick,
                  tick ? " (local APIC)" : " (none: idle loop spins)");
    if (mem_init(si)) {
        serial_puts("boot: no usable RAM in the memory map; stopping\n");
        plat_exit(PLAT_EXIT_FAIL);
    }
    struct mem_stats ms;
    mem_get_stats(&ms);
    serial_printf("boot: start_info v%u, %u memory map entries, RAM %lu KiB, image %lu KiB, "
                  "heap %lu KiB\n", si->version, si->memmap_entries,
                  (unsigned long)(ms.ram_bytes >> 10),
                  (unsigned long)((__image_end - __image_start) >> 10),
                  (unsigned long)(ms.arena_bytes >> 10));
    serial_printf("boot: command line \"%s\"\n", cmdline);
    static char prog[] = "sluice";
    struct pvh_cmdline_result cr =
        pvh_cmdline_split(words, prog, kvm_argv, PVH_MAX_ARGS, hints, PVH_MAX_MMIO_HINTS);
    n_hints = cr.n_hints;
    if (cr.dropped_words || cr.bad_hints)
        serial_printf("boot: command line: %u word(s) beyond %d dropped, %u malformed or "
                      "extra virtio_mmio.device hint(s) ignored\n", cr.dropped_words,
                      PVH_MAX_ARGS, cr.bad_hints);
    has_pci = pci_present();
    uint64_t plat_ns = tsc_delta_ns(boot_tsc, os_cycles());
    serial_printf("boot: %s, %u virtio-mmio hint(s); platform up %lu.%03lu ms after the PVH "
                  "entry\n", has_pci ? "PCI host bridge" : "no PCI", n_hints,
                  (unsigned long)(plat_ns / 1000000), (unsigned long)(plat_ns / 1000 % 1000));
    int rc = os_main(cr.argc, kvm_argv);
    plat_exit(rc);
}
