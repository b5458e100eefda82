/*
 * start.c — plat_start() of the xen target: from boot.S's long-mode entry
 * to os_main() (the sequence is in xen.h), and the rest of
 * libos/pvh/plat.h for this platform.
 *
 * Xen's domain builder puts hvm_start_info, the memory map and the command
 * line right after the image, where the page allocator starts: all three
 * are copied before mem_init and pg_init, which read the copy, and before
 * any page is handed out (and zeroed).  Under the W^X page tables (pg_init)
 * shared_info and the grant frames are allocator pages (read-write
 * already); the console and xenstore rings are pages the toolstack put in
 * a reserved range of the memory map (read-only there), so
 * xen_ring_page() maps them read-write.  Until the console ring is up,
 * output goes to port 0xe9 (`xl dmesg`).
 */
#include <errno.h>
#include <string.h>

#include "libos/pvh/cmdline.h"
#include "libos/pvh/mem.h"
#include "libos/pvh/plat.h"
#include "libos/x86_64/cpu.h"
#include "libos/x86_64/paging.h"
#include "libos/x86_64/trap.h"
#include "libos/xen/xen.h"
#include "os/clock.h"
#include "os/log.h"
#include "os/mem.h"

#define CMDLINE_MAX 4096
#define MEMMAP_MAX 32

extern uint64_t boot_tsc;
extern char __image_start[], __image_end[];
extern char xen_hypercall_page[];

static char cmdline[CMDLINE_MAX];   /* raw copy */
static char words[CMDLINE_MAX];     /* split copy argv points into */
static char *xen_argv[PVH_MAX_ARGS + 1];
static struct xen_shared_info *shared;
static bool hc_ready;

bool xen_hypercalls_ready(void)
{
    return hc_ready;
}

struct xen_shared_info *xen_shared_info(void)
{
    return shared;
}

const char *plat_name(void)
{
    return "xen";
}

uint64_t plat_since_entry_ns(void)
{
    return xen_tsc_delta_ns(boot_tsc, os_cycles());
}

uint64_t xen_virt_to_gfn(const void *p)
{
    return (uint64_t)(uintptr_t)p >> XEN_PAGE_SHIFT;
}

void *xen_ring_page(uint32_t pfn_param, uint32_t port_param, uint32_t *port)
{
    uint64_t pfn = 0, p = 0;
    if (xen_hvm_get_param(pfn_param, &pfn) || xen_hvm_get_param(port_param, &p) || pfn == 0 ||
        pfn >= PG_LIMIT >> XEN_PAGE_SHIFT || p == 0 || p > UINT32_MAX)
        return NULL;
    /* Read-write and not executable; uncached (pg_map_mmio) costs nothing
     * that matters at a console's or xenstore's rate. */
    if (pg_map_mmio(pfn << XEN_PAGE_SHIFT, XEN_PAGE_SIZE))
        return NULL;
    *port = (uint32_t)p;
    return (void *)(uintptr_t)(pfn << XEN_PAGE_SHIFT);
}

int xen_hvm_get_param(uint32_t index, uint64_t *val)
{
    struct xen_hvm_param p = { .domid = XEN_DOMID_SELF, .index = index };
    long rc = xen_hypercall(XEN_HC_hvm_op, HVMOP_get_param, (unsigned long)&p, 0, 0, 0);
    if (rc)
        return (int)rc;
    *val = p.value;
    return 0;
}

/* Returns the first CPUID leaf of Xen's range, or 0 when this is not Xen. */
static uint32_t xen_cpuid_base(void)
{
    uint32_t r[4];
    cpu_cpuid(1, 0, r);
    if (!(r[2] & (1u << 31))) /* no hypervisor bit */
        return 0;
    for (uint32_t base = XEN_CPUID_FIRST_LEAF; base < XEN_CPUID_LAST_LEAF;
         base += XEN_CPUID_LEAF_STEP) {
        cpu_cpuid(base, 0, r);
        if (r[1] == XEN_CPUID_SIGNATURE_EBX && r[2] == XEN_CPUID_SIGNATURE_ECX &&
            r[3] == XEN_CPUID_SIGNATURE_EDX && r[0] - base >= 2)
            return base;
    }
    return 0;
}

/* Asks Xen to fill the hypercall page (CPUID base+2 names the MSR).
 * Returns 0 or -ENODEV. */
static int xen_hypercall_init(uint32_t base)
{
    uint32_t r[4];
    cpu_cpuid(base + 2, 0, r);
    if (r[0] < 1)
        return -ENODEV;
    uint64_t page = (uint64_t)(uintptr_t)xen_hypercall_page;
    __asm__ volatile("wrmsr" : : "c"(r[1]), "a"((uint32_t)page), "d"((uint32_t)(page >> 32))
                     : "memory");
    if ((uint8_t)xen_hypercall_page[0] == 0xcc)
        return -ENODEV;
    hc_ready = true;
    return 0;
}

/* Maps shared_info onto a page of ours.  Returns 0 or a negative errno. */
static int xen_map_shared_info(void)
{
    void *page = os_page_alloc(XEN_PAGE_SIZE);
    if (!page)
        return -ENOMEM;
    struct xen_add_to_physmap a = {
        .domid = XEN_DOMID_SELF, .space = XENMAPSPACE_shared_info, .idx = 0,
        .gpfn = xen_virt_to_gfn(page),
    };
    long rc = xen_hypercall(XEN_HC_memory_op, XENMEM_add_to_physmap, (unsigned long)&a, 0, 0, 0);
    if (rc)
        return (int)rc;
    shared = page;
    return 0;
}

/* hvm_start_info and its memory map as start needs them, copied before
 * the allocator may hand out (and zero) the pages Xen put them in: mem_init
 * and pg_init read the copy. */
static struct hvm_start_info si_copy;
static struct hvm_memmap_entry map_copy[MEMMAP_MAX];

/* Copies the command line, the start info and its memory map (at most
 * MEMMAP_MAX entries).  Returns the copy. */
static const struct hvm_start_info *copy_start_info(const struct hvm_start_info *si)
{
    if (pvh_cmdline_copy(si, cmdline, words, CMDLINE_MAX)) {
        pvh_printf("boot: command line too long (more than %d bytes); stopping\n",
                   CMDLINE_MAX - 1);
        plat_exit(PLAT_EXIT_USAGE);
    }
    si_copy = *si;
    si_copy.cmdline_paddr = (uintptr_t)cmdline;
    uint32_t n = si->version >= 1 && si->memmap_paddr ? si->memmap_entries : 0;
    if (n > MEMMAP_MAX) {
        pvh_printf("boot: memory map of %u entries: only the first %d used\n", n, MEMMAP_MAX);
        n = MEMMAP_MAX;
    }
    memcpy(map_copy, (const void *)(uintptr_t)si->memmap_paddr, n * sizeof map_copy[0]);
    si_copy.memmap_paddr = (uintptr_t)map_copy;
    si_copy.memmap_entries = n;
    return &si_copy;
}

/* Stops the boot with `what` and error rc (crash, or a halt without
 * hypercalls).  Never returns. */
static void __attribute__((noreturn)) boot_fail(const char *what, int rc)
{
    pvh_printf("boot: %s (error %d); stopping\n", what, rc);
    plat_exit(PLAT_EXIT_FAIL);
}

/* Prints the memory map and the memory figures.  Returns nothing. */
static void log_memory(const struct hvm_start_info *si)
{
    struct mem_stats ms;
    mem_get_stats(&ms);
    pvh_printf("boot: start_info v%u, %u memory map entries:", si->version,
               si->memmap_entries);
    for (uint32_t i = 0; i < si->memmap_entries; i++)
        pvh_printf(" %s %lx-%lx", map_copy[i].type == HVM_MEMMAP_RAM ? "ram" : "rsv",
                   (unsigned long)map_copy[i].addr,
                   (unsigned long)(map_copy[i].addr + map_copy[i].size));
    pvh_printf("\nboot: RAM %lu KiB, image %lu KiB, heap %lu KiB, %u page-table pages\n",
               (unsigned long)(ms.ram_bytes >> 10),
               (unsigned long)((__image_end - __image_start) >> 10),
               (unsigned long)(ms.arena_bytes >> 10), pg_table_pages());
}

void plat_start(const struct hvm_start_info *si)
{
    trap_init();
    pvh_puts("\nSluice unikernel booting (PVH entry, x86_64, xen target)\n");
    uint32_t base = xen_cpuid_base();
    if (!base) {
        pvh_puts("boot: not running on Xen (no Xen CPUID leaves): this image is a Xen PVH "
                 "domU; use sluice.kvm elsewhere. Halting.\n");
        cpu_halt_forever();
    }
    if (xen_hypercall_init(base)) {
        pvh_puts("boot: Xen did not fill the hypercall page. Halting.\n");
        cpu_halt_forever();
    }
    if (!si || si->magic != HVM_START_MAGIC)
        boot_fail("bad hvm_start_info", -EINVAL);
    si = copy_start_info(si);
    if (si->memmap_entries == 0)
        boot_fail("hvm_start_info has no memory map (needs Xen >= 4.11)", -EINVAL);
    int rc = mem_init(si);
    if (rc)
        boot_fail("no usable RAM in the memory map", rc);
    uintptr_t lo, hi;
    mem_arena_range(&lo, &hi);
    if ((rc = pg_init(si, lo, hi)))
        boot_fail("page tables", rc);
    if ((rc = xen_map_shared_info()))
        boot_fail("XENMEM_add_to_physmap(shared_info)", rc);
    xen_clock_init();
    if ((rc = xen_console_init()))
        pvh_printf("boot: no PV console ring (error %d): output stays on port 0xe9\n", rc);
    uint32_t r[4];
    cpu_cpuid(base + 1, 0, r);
    pvh_printf("\nSluice unikernel booting (PVH entry, x86_64, xen target)\n"
               "boot: Xen %u.%u (CPUID leaves at %#x), hypercall page at %p\n", r[0] >> 16,
               r[0] & 0xffff, base, (void *)xen_hypercall_page);
    log_memory(si);
    if ((rc = xen_evtchn_init()))
        boot_fail("event channels", rc);
    if ((rc = xen_gnttab_init()))
        boot_fail("grant table", rc);
    if ((rc = xen_xs_init()))
        boot_fail("xenstore connection", rc);
    if ((rc = xen_control_init()))
        pvh_printf("boot: cannot watch control/shutdown (error %d): xl shutdown will not "
                   "work, only xl destroy\n", rc);
    pvh_printf("boot: command line \"%s\"\n", cmdline);
    static char prog[] = "sluice";
    struct pvh_cmdline_result cr =
        pvh_cmdline_split(words, prog, xen_argv, PVH_MAX_ARGS, NULL, 0);
    if (cr.dropped_words)
        pvh_printf("boot: command line: %u word(s) beyond %d dropped\n", cr.dropped_words,
                   PVH_MAX_ARGS);
    if (cr.bad_hints)
        pvh_printf("boot: command line: %u virtio_mmio.device hint(s) ignored (no virtio on "
                   "Xen)\n", cr.bad_hints);
    if (strlen(cmdline) == CMDLINE_MAX - 1)
        pvh_printf("boot: command line truncated to %d bytes\n", CMDLINE_MAX - 1);
    uint64_t ns = plat_since_entry_ns();
    pvh_printf("boot: pvclock, console ring, event channels, grant table, xenstore; platform "
               "up %lu.%03lu ms after the PVH entry\n", (unsigned long)(ns / 1000000),
               (unsigned long)(ns / 1000 % 1000));
    plat_exit(os_main(cr.argc, xen_argv));
}
