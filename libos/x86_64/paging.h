/*
 * paging.h — the unikernel's page tables: W^X at 4 KiB granularity.
 *
 * boot.S enters C on a provisional identity map of the first 4 GiB (2 MiB
 * pages, everything read-write-execute).  Once the page allocator exists
 * (libos/pvh/mem.h) the platform calls pg_init(), which builds the real
 * tables and switches to them:
 *
 *   page 0                         not mapped: a NULL dereference faults
 *   image text (__text_start..)    read-only, executable
 *   image rodata (Xen note, .rodata) read-only, no execute
 *   image data, .bss               read-write, no execute
 *   guard pages (pg_guard)         not mapped: the page below the boot stack
 *                                  and below the exception stack
 *   RAM of the PVH memory map      read-write, no execute (heap, packet
 *                                  pool, page tables themselves, low memory)
 *   other memory-map ranges        read-only, no execute (ACPI tables, ...)
 *   MMIO (pg_map_mmio)             read-write, no execute, uncached
 *   everything else                not mapped
 *
 * The map stays an identity map (virtual = physical) below 512 GiB.  2 MiB
 * pages are used where a whole aligned 2 MiB block has one protection,
 * 4 KiB pages elsewhere.  EFER.NXE and CR0.WP are on, so the kernel itself
 * cannot write to its code or run its data; every violation is a page fault,
 * which trap.c dumps (with pg_describe() naming the region) before stopping
 * the machine with exit code 3.
 *
 * Platforms map what else they use after pg_init: device registers with
 * pg_map_mmio (the kvm platform's local APIC, IOAPIC, virtio windows, PCI
 * BARs; a Xen platform's shared pages need nothing: they are page-allocator
 * pages, already read-write and non-executable).  Executable memory cannot
 * be added: code lives in the image's .text only (a Xen hypercall page is a
 * page-aligned .text section, filled by the hypervisor, which writes guest
 * memory without going through these tables).
 *
 * Single CPU; not reentrant; none of these may be called from an interrupt
 * handler.  Nothing here blocks.
 */
#ifndef X86_PAGING_H
#define X86_PAGING_H

#include <stdint.h>

#include "libos/x86_64/pvh.h"

#define PG_SIZE 4096u
#define PG_LIMIT (512ull << 30) /* one PML4 entry: addresses mappable */

/* Protections a range can have. */
enum pg_prot {
    PG_NONE,      /* not mapped */
    PG_TEXT,      /* read + execute */
    PG_RO,        /* read only, no execute */
    PG_RW,        /* read + write, no execute */
    PG_MMIO,      /* read + write, no execute, uncached (PCD | PWT) */
};

/* The image's three regions, [lo, hi) each, page-aligned. */
struct pg_layout {
    uint64_t text_lo, text_hi;      /* read + execute */
    uint64_t rodata_lo, rodata_hi;  /* read only */
    uint64_t data_lo, data_hi;      /* read + write: .data, .bss, stacks */
};

/* Builds the tables described above for image `img`, the memory map of
 * `si` and [heap_lo, heap_hi) (the page allocator's range, always
 * read-write), without loading them: from then on pg_map_mmio, pg_guard and
 * pg_query work on them.  Table pages come from os_page_alloc.  Returns 0,
 * or -ENOMEM (no tables).  pg_init's first half; separate so that the host
 * unit test (tests/unit/test_paging.c) checks the tables it builds. */
int pg_build(const struct hvm_start_info *si, const struct pg_layout *img, uintptr_t heap_lo,
             uintptr_t heap_hi);

/* pg_build for this image (the linker's section symbols, kernel.ld), then
 * enables EFER.NXE and CR0.WP and loads CR3.  Returns 0, or -ENOMEM
 * (nothing changed: the provisional map stays). */
int pg_init(const struct hvm_start_info *si, uintptr_t heap_lo, uintptr_t heap_hi);

/* Maps [phys, phys + size) (widened to whole pages) as device memory:
 * read-write, no execute, uncached.  Idempotent.  Returns 0, -EINVAL (empty,
 * beyond PG_LIMIT, on page 0 or touching the image) or -ENOMEM.  Before
 * pg_build it returns 0 and does nothing (the provisional map covers the
 * first 4 GiB). */
int pg_map_mmio(uint64_t phys, uint64_t size);

/* Unmaps the page holding `page` and remembers it as a stack guard for
 * pg_describe, under `name` (a string that lives forever).  Returns 0,
 * -EINVAL (NULL, or more than 8 guards) or -ENOMEM.  Before pg_build the
 * page is only remembered; pg_build unmaps it. */
int pg_guard(const void *page, const char *name);

/* Returns the protection `addr` has now (PG_NONE when unmapped; PG_RW and
 * PG_MMIO are told apart by the cache bits). */
enum pg_prot pg_query(uint64_t addr);

/* Returns a short description of what `addr` is, for the fault dump:
 * "page 0 (NULL pointer)", "guard page below the boot stack", "image text",
 * "image rodata", "image data", "unmapped", "mapped". */
const char *pg_describe(uint64_t addr);

/* Returns the number of page-table pages in use (0 before pg_build). */
unsigned pg_table_pages(void);

/* Flushes the whole TLB (reloads CR3; no page is global) once the tables
 * are loaded; does nothing before pg_init.  Needed by nothing for
 * correctness: the kvm platform calls it now and then so that QEMU's TCG,
 * which sizes its software TLB only when the guest flushes, grows it to the
 * pages the guest touches (libos/kvm/start.c).  Returns nothing. */
void pg_tlb_flush(void);

#endif /* X86_PAGING_H */
