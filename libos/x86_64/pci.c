/* pci.c — PCI configuration mechanism #1 (see pci.h). */
#include "libos/x86_64/pci.h"

#include "libos/x86_64/cpu.h"

/* Selects the dword at `off`. */
static void pci_select(struct pci_addr a, uint8_t off)
{
    cpu_outl(0xcf8, 0x80000000u | (uint32_t)a.bus << 16 | (uint32_t)(a.dev & 31) << 11 |
                        (uint32_t)(a.fn & 7) << 8 | (off & 0xfc));
}

uint32_t pci_read32(struct pci_addr a, uint8_t off)
{
    pci_select(a, off);
    return cpu_inl(0xcfc);
}

uint16_t pci_read16(struct pci_addr a, uint8_t off)
{
    return (uint16_t)(pci_read32(a, off) >> ((off & 2) * 8));
}

uint8_t pci_read8(struct pci_addr a, uint8_t off)
{
    return (uint8_t)(pci_read32(a, off) >> ((off & 3) * 8));
}

void pci_write32(struct pci_addr a, uint8_t off, uint32_t v)
{
    pci_select(a, off);
    cpu_outl(0xcfc, v);
}

void pci_write16(struct pci_addr a, uint8_t off, uint16_t v)
{
    pci_select(a, off);
    cpu_outw((uint16_t)(0xcfc + (off & 2)), v);
}

int pci_present(void)
{
    uint16_t vendor = pci_read16((struct pci_addr){0, 0, 0}, 0);
    return vendor != 0xffff && vendor != 0;
}

/* Visits every function of `bus` and, through PCI-to-PCI bridges (header
 * type 1), the buses behind them (each bus once).  Returns the functions
 * found. */
static unsigned pci_scan_bus(uint8_t bus, uint8_t seen[32],
                             void (*fn)(struct pci_addr, uint16_t, uint16_t, void *), void *arg)
{
    unsigned found = 0;
    seen[bus / 8] |= (uint8_t)(1u << (bus % 8));
    for (uint8_t dev = 0; dev < 32; dev++) {
        for (uint8_t f = 0; f < 8; f++) {
            struct pci_addr a = { bus, dev, f };
            uint32_t id = pci_read32(a, 0);
            if ((id & 0xffff) == 0xffff) {
                if (f == 0)
                    break;
                continue;
            }
            found++;
            fn(a, (uint16_t)id, (uint16_t)(id >> 16), arg);
            uint8_t hdr = pci_read8(a, 0x0e);
            uint8_t sec = pci_read8(a, 0x19);
            if ((hdr & 0x7f) == 1 && sec && !(seen[sec / 8] & (1u << (sec % 8))))
                found += pci_scan_bus(sec, seen, fn, arg);
            if (f == 0 && !(hdr & 0x80))
                break; /* single-function device */
        }
    }
    return found;
}

unsigned pci_scan(void (*fn)(struct pci_addr a, uint16_t vendor, uint16_t device, void *arg),
                  void *arg)
{
    uint8_t seen[32] = { 0 };
    return pci_present() ? pci_scan_bus(0, seen, fn, arg) : 0;
}

uint64_t pci_bar_addr(struct pci_addr a, unsigned bar)
{
    if (bar > 5)
        return 0;
    uint8_t off = (uint8_t)(0x10 + bar * 4);
    uint32_t lo = pci_read32(a, off);
    if (lo & 1)
        return 0; /* I/O space */
    uint64_t addr = lo & ~0xfu;
    if (((lo >> 1) & 3) == 2 && bar < 5)
        addr |= (uint64_t)pci_read32(a, (uint8_t)(off + 4)) << 32;
    return addr;
}
