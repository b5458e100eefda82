/*
 * start.c — kvm_start(): from boot.S's long-mode entry to os_main() (see
 * kvm.h for the sequence and the command-line rules).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "libos/kvm/kvm.h"
#include "libos/kvm/mem.h"
#include "libos/x86_64/cpu.h"
#include "libos/x86_64/pci.h"
#include "libos/x86_64/platform.h"
#include "libos/x86_64/pvh.h"
#include "libos/x86_64/serial.h"
#include "libos/x86_64/trap.h"
#include "libos/x86_64/tsc.h"

#define CMDLINE_MAX 4096

void kvm_start(const struct hvm_start_info *si) __attribute__((noreturn));

extern uint64_t boot_tsc;
extern char __image_start[], __image_end[];

static char cmdline[CMDLINE_MAX];   /* raw copy */
static char words[CMDLINE_MAX];     /* split copy argv points into */
static char *kvm_argv[KVM_MAX_ARGS + 1];
static struct kvm_mmio_hint hints[KVM_MAX_MMIO_HINTS];
static unsigned n_hints;
static int has_pci;

unsigned kvm_mmio_hints(const struct kvm_mmio_hint **out)
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

/* Parses "SIZE@ADDR[:IRQ]" (SIZE with an optional K/M suffix).  Returns 0
 * or -EINVAL. */
static int parse_mmio_hint(const char *s, struct kvm_mmio_hint *h)
{
    char *end;
    h->size = strtoull(s, &end, 0);
    if (*end == 'K' || *end == 'k')
        h->size <<= 10, end++;
    else if (*end == 'M' || *end == 'm')
        h->size <<= 20, end++;
    if (*end != '@' || !h->size)
        return -EINVAL;
    h->base = strtoull(end + 1, &end, 0);
    h->irq = 0;
    if (*end == ':')
        h->irq = (uint32_t)strtoul(end + 1, &end, 0);
    return *end || !h->base ? -EINVAL : 0;
}

/* Splits `words` in place (blanks separate, double quotes group).
 * Returns argc (argv[0] = "sluice"); consumes virtio_mmio.device= hints. */
static int split_cmdline(void)
{
    static const char hint_prefix[] = "virtio_mmio.device=";
    static char prog[] = "sluice";
    int argc = 0;
    kvm_argv[argc++] = prog;
    char *r = words, *w = words;
    while (*r) {
        while (*r == ' ' || *r == '\t' || *r == '\n')
            r++;
        if (!*r)
            break;
        char *start = w;
        bool quoted = false;
        while (*r && (quoted || (*r != ' ' && *r != '\t' && *r != '\n'))) {
            if (*r == '"')
                quoted = !quoted;
            else
                *w++ = *r;
            r++;
        }
        if (*r)
            r++;
        *w++ = '\0';
        if (!strncmp(start, hint_prefix, sizeof hint_prefix - 1)) {
            if (n_hints < KVM_MAX_MMIO_HINTS &&
                !parse_mmio_hint(start + sizeof hint_prefix - 1, &hints[n_hints]))
                n_hints++;
            else
                serial_printf("boot: ignoring malformed or extra '%s'\n", start);
            continue;
        }
        if (argc < KVM_MAX_ARGS)
            kvm_argv[argc++] = start;
        else
            serial_printf("boot: too many words on the command line; '%s' dropped\n", start);
    }
    kvm_argv[argc] = NULL;
    return argc;
}

void kvm_start(const struct hvm_start_info *si)
{
    serial_init();
    trap_init();
    serial_puts("\nSluice unikernel booting (PVH entry, x86_64, kvm target)\n");
    if (!si || si->magic != HVM_START_MAGIC) {
        serial_printf("boot: bad hvm_start_info at %p (magic %x); stopping\n", (void *)si,
                      si ? si->magic : 0);
        plat_exit(PLAT_EXIT_FAIL);
    }
    if (si->cmdline_paddr) {
        const char *src = (const char *)(uintptr_t)si->cmdline_paddr;
        size_t n = strnlen(src, CMDLINE_MAX - 1);
        memcpy(cmdline, src, n);
        cmdline[n] = '\0';
    }
    memcpy(words, cmdline, sizeof words);
    uint64_t hz = tsc_init();
    serial_printf("boot: TSC %lu.%03lu MHz (%s)\n", (unsigned long)(hz / 1000000),
                  (unsigned long)(hz / 1000 % 1000), tsc_source());
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
    int argc = split_cmdline();
    has_pci = pci_present();
    serial_printf("boot: %s, %u virtio-mmio hint(s)\n", has_pci ? "PCI host bridge" : "no PCI",
                  n_hints);
    int rc = os_main(argc, kvm_argv);
    plat_exit(rc);
}
