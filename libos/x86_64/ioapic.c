/* ioapic.c — I/O APIC discovery and line routing (see ioapic.h). */
#include "libos/x86_64/ioapic.h"

#include <errno.h>
#include <stdbool.h>

#include "libos/x86_64/apic.h"
#include "libos/x86_64/cpu.h"
#include "libos/x86_64/paging.h"

#define IOAPIC_BASE 0xfec00000ull
#define IOAPIC_STRIDE 0x10000ull
#define IOAPIC_MAX 4
#define IOREGSEL 0x00
#define IOWIN 0x10
#define IOAPIC_VER 0x01
#define IOREDTBL 0x10

static struct { uintptr_t base; uint32_t gsi_base, n_pins; } ioapics[IOAPIC_MAX];
static unsigned n_ioapics;
static bool probed;

/* Returns register `reg` of the I/O APIC at `base` (index, then window). */
static uint32_t ioapic_read(uintptr_t base, uint32_t reg)
{
    mmio_write32(base + IOREGSEL, reg);
    return mmio_read32(base + IOWIN);
}

/* Writes register `reg` of the I/O APIC at `base`.  Returns nothing. */
static void ioapic_write(uintptr_t base, uint32_t reg, uint32_t v)
{
    mmio_write32(base + IOREGSEL, reg);
    mmio_write32(base + IOWIN, v);
}

/* Finds the I/O APICs (once). */
static void ioapic_probe(void)
{
    uint32_t gsi = 0;
    probed = true;
    for (unsigned i = 0; i < IOAPIC_MAX; i++) {
        uintptr_t base = (uintptr_t)(IOAPIC_BASE + i * IOAPIC_STRIDE);
        if (pg_map_mmio(base, PG_SIZE))
            break;
        uint32_t ver = ioapic_read(base, IOAPIC_VER);
        uint32_t pins = ((ver >> 16) & 0xff) + 1;
        if ((ver & 0xff) < 0x10 || (ver & 0xff) > 0x2f || pins > 120)
            break; /* nothing there (reads as 0 or all ones) */
        ioapics[n_ioapics].base = base;
        ioapics[n_ioapics].gsi_base = gsi;
        ioapics[n_ioapics++].n_pins = pins;
        gsi += pins;
    }
}

unsigned ioapic_count(void)
{
    if (!probed)
        ioapic_probe();
    return n_ioapics;
}

int ioapic_route(uint32_t gsi, uint8_t vector)
{
    ioapic_count();
    for (unsigned i = 0; i < n_ioapics; i++) {
        uint32_t pin = gsi - ioapics[i].gsi_base;
        if (gsi < ioapics[i].gsi_base || pin >= ioapics[i].n_pins)
            continue;
        /* Edge, active high, fixed, physical destination, unmasked. */
        ioapic_write(ioapics[i].base, IOREDTBL + 2 * pin + 1, (apic_id() & 0xff) << 24);
        ioapic_write(ioapics[i].base, IOREDTBL + 2 * pin, vector);
        return 0;
    }
    return -ENODEV;
}
