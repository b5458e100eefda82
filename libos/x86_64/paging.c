/* paging.c — W^X identity page tables (see paging.h). */
#include "libos/x86_64/paging.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include "libos/x86_64/cpu.h"
#include "os/mem.h"

#define PTE_P 0x1ull
#define PTE_W 0x2ull
#define PTE_PWT 0x8ull
#define PTE_PCD 0x10ull
#define PTE_PS 0x80ull
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull
#define PTE_TABLE (PTE_P | PTE_W)       /* non-leaf: the leaf decides */
#define LARGE (2ull << 20)
#define MSR_EFER 0xc0000080u
#define EFER_NXE (1ull << 11)
#define CR0_WP (1ull << 16)
#define MAX_GUARDS 8
#define E820_ACPI 3
#define E820_NVS 4

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[], __image_data_start[],
    __image_end[];

static uint64_t *pml4;
static unsigned n_tables;
static bool loaded;                  /* pml4 is in CR3: changes need a flush */
static struct pg_layout image;
static struct { uintptr_t page; const char *name; } guards[MAX_GUARDS];
static unsigned n_guards;

/* Returns the leaf bits of protection p (0 for PG_NONE). */
static uint64_t pg_bits(enum pg_prot p)
{
    switch (p) {
    case PG_TEXT: return PTE_P;
    case PG_RO: return PTE_P | PTE_NX;
    case PG_RW: return PTE_P | PTE_W | PTE_NX;
    case PG_MMIO: return PTE_P | PTE_W | PTE_PCD | PTE_PWT | PTE_NX;
    default: return 0;
    }
}

/* Returns a zeroed table page, or NULL. */
static uint64_t *pg_table_new(void)
{
    uint64_t *t = os_page_alloc(PG_SIZE);
    if (t)
        n_tables++;
    return t;
}

/* Returns the table entry *e points to, creating it when absent; a large
 * page (PD level) is split into 512 4 KiB entries with its rights.  Returns
 * NULL when out of memory. */
static uint64_t *pg_descend(uint64_t *e)
{
    if ((*e & PTE_P) && !(*e & PTE_PS))
        return (uint64_t *)(uintptr_t)(*e & PTE_ADDR);
    uint64_t *t = pg_table_new();
    if (!t)
        return NULL;
    if (*e & PTE_PS) {
        uint64_t base = *e & PTE_ADDR, bits = *e & ~(PTE_ADDR | PTE_PS);
        for (unsigned i = 0; i < 512; i++)
            t[i] = (base + (uint64_t)i * PG_SIZE) | bits;
    }
    *e = (uintptr_t)t | PTE_TABLE;
    return t;
}

/* Returns the PD entry for `a`, creating the PDPT and PD, or NULL. */
static uint64_t *pg_pde(uint64_t a)
{
    uint64_t *pdpt = pg_descend(&pml4[(a >> 39) & 511]);
    uint64_t *pd = pdpt ? pg_descend(&pdpt[(a >> 30) & 511]) : NULL;
    return pd ? &pd[(a >> 21) & 511] : NULL;
}

/* Sets [lo, hi) (page-aligned, below PG_LIMIT) to `bits`.  Returns 0 or
 * -ENOMEM. */
static int pg_set(uint64_t lo, uint64_t hi, uint64_t bits)
{
    for (uint64_t a = lo; a < hi;) {
        uint64_t *pde = pg_pde(a);
        if (!pde)
            return -ENOMEM;
        if (!(a & (LARGE - 1)) && a + LARGE <= hi) {
            if ((*pde & PTE_P) && !(*pde & PTE_PS)) {
                os_page_free((void *)(uintptr_t)(*pde & PTE_ADDR), PG_SIZE);
                n_tables--;
            }
            *pde = bits ? a | bits | PTE_PS : 0;
            a += LARGE;
            continue;
        }
        uint64_t *pt = pg_descend(pde);
        if (!pt)
            return -ENOMEM;
        pt[(a >> 12) & 511] = bits ? a | bits : 0;
        a += PG_SIZE;
    }
    return 0;
}

/* Sets [lo, hi) widened to whole pages and clipped to PG_LIMIT.  Returns 0
 * or -ENOMEM. */
static int pg_set_range(uint64_t lo, uint64_t hi, enum pg_prot p)
{
    if (hi > PG_LIMIT)
        hi = PG_LIMIT;
    lo &= ~(uint64_t)(PG_SIZE - 1);
    hi = (hi + PG_SIZE - 1) & ~(uint64_t)(PG_SIZE - 1);
    return lo < hi ? pg_set(lo, hi, pg_bits(p)) : 0;
}

/* Makes changes visible (whole TLB) once the tables are in use. */
static void pg_flush(void)
{
    if (loaded)
        __asm__ volatile("mov %0, %%cr3" : : "r"((uintptr_t)pml4) : "memory");
}

/* Maps the memory map: RAM read-write, ACPI tables read-only, the start
 * info itself read-only.  Returns 0 or -ENOMEM. */
static int pg_map_memmap(const struct hvm_start_info *si)
{
    const struct hvm_memmap_entry *e = (const void *)(uintptr_t)si->memmap_paddr;
    unsigned n = si->version >= 1 && si->memmap_paddr ? si->memmap_entries : 0;
    int rc = pg_set_range((uintptr_t)si, (uintptr_t)si + sizeof *si, PG_RO);
    for (unsigned i = 0; i < n && !rc; i++)
        if (e[i].type == E820_ACPI || e[i].type == E820_NVS)
            rc = pg_set_range(e[i].addr, e[i].addr + e[i].size, PG_RO);
    for (unsigned i = 0; i < n && !rc; i++)
        if (e[i].type == HVM_MEMMAP_RAM && e[i].addr + e[i].size > e[i].addr)
            rc = pg_set_range(e[i].addr, e[i].addr + e[i].size, PG_RW);
    return rc;
}

int pg_build(const struct hvm_start_info *si, const struct pg_layout *img, uintptr_t heap_lo,
             uintptr_t heap_hi)
{
    pml4 = pg_table_new();
    if (!pml4)
        return -ENOMEM;
    image = *img;
    int rc = pg_map_memmap(si);
    if (!rc)
        rc = pg_set_range(heap_lo, heap_hi, PG_RW);
    if (!rc)
        rc = pg_set_range(img->text_lo, img->text_hi, PG_TEXT);
    if (!rc)
        rc = pg_set_range(img->rodata_lo, img->rodata_hi, PG_RO);
    if (!rc)
        rc = pg_set_range(img->data_lo, img->data_hi, PG_RW);
    if (!rc)
        rc = pg_set_range(0, PG_SIZE, PG_NONE);
    for (unsigned i = 0; i < n_guards && !rc; i++)
        rc = pg_set_range(guards[i].page, guards[i].page + PG_SIZE, PG_NONE);
    if (rc)
        pml4 = NULL;
    return rc;
}

int pg_init(const struct hvm_start_info *si, uintptr_t heap_lo, uintptr_t heap_hi)
{
    const struct pg_layout img = {
        (uintptr_t)__text_start, (uintptr_t)__text_end, (uintptr_t)__rodata_start,
        (uintptr_t)__rodata_end, (uintptr_t)__image_data_start, (uintptr_t)__image_end,
    };
    int rc = pg_build(si, &img, heap_lo, heap_hi);
    if (rc)
        return rc;
    cpu_wrmsr(MSR_EFER, cpu_rdmsr(MSR_EFER) | EFER_NXE);
    uint64_t cr0;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0 | CR0_WP));
    loaded = true;
    pg_flush();
    return 0;
}

int pg_map_mmio(uint64_t phys, uint64_t size)
{
    uint64_t end = phys + size;
    if (size == 0 || end < phys || end > PG_LIMIT || phys < PG_SIZE ||
        (phys < image.data_hi && end > image.text_lo))
        return -EINVAL;
    if (!pml4)
        return 0;
    if (pg_query(phys) == PG_MMIO && pg_query(end - 1) == PG_MMIO && size <= PG_SIZE)
        return 0;
    int rc = pg_set_range(phys, end, PG_MMIO);
    pg_flush();
    return rc;
}

int pg_guard(const void *page, const char *name)
{
    uintptr_t a = (uintptr_t)page & ~(uintptr_t)(PG_SIZE - 1);
    if (!page || n_guards == MAX_GUARDS)
        return -EINVAL;
    guards[n_guards].page = a;
    guards[n_guards++].name = name;
    if (!pml4)
        return 0;
    int rc = pg_set_range(a, a + PG_SIZE, PG_NONE);
    pg_flush();
    return rc;
}

enum pg_prot pg_query(uint64_t a)
{
    if (!pml4 || a >= PG_LIMIT)
        return PG_NONE;
    uint64_t e = pml4[(a >> 39) & 511];
    for (int shift = 30; shift >= 12; shift -= 9) {
        if (!(e & PTE_P))
            return PG_NONE;
        e = ((const uint64_t *)(uintptr_t)(e & PTE_ADDR))[(a >> shift) & 511];
        if ((e & PTE_P) && shift == 21 && (e & PTE_PS))
            break;
    }
    if (!(e & PTE_P))
        return PG_NONE;
    if (!(e & PTE_W))
        return (e & PTE_NX) ? PG_RO : PG_TEXT;
    return (e & PTE_PCD) ? PG_MMIO : PG_RW;
}

const char *pg_describe(uint64_t a)
{
    if (a < PG_SIZE)
        return "page 0 (NULL pointer)";
    for (unsigned i = 0; i < n_guards; i++)
        if (a - guards[i].page < PG_SIZE)
            return guards[i].name;
    if (a >= image.text_lo && a < image.text_hi)
        return "image text";
    if (a >= image.rodata_lo && a < image.rodata_hi)
        return "image rodata";
    if (a >= image.data_lo && a < image.data_hi)
        return "image data";
    return pg_query(a) == PG_NONE ? "unmapped" : "mapped";
}

unsigned pg_table_pages(void)
{
    return pml4 ? n_tables : 0;
}

void pg_tlb_flush(void)
{
    pg_flush();
}
