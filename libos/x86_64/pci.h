/*
 * pci.h — PCI configuration space through the legacy 0xCF8/0xCFC ports
 * (configuration mechanism #1; q35 and pc).  Bus scan helpers for drivers.
 * Never blocks.  On a machine without PCI (microvm) every read returns all
 * ones, so pci_scan finds nothing.
 */
#ifndef X86_PCI_H
#define X86_PCI_H

#include <stdint.h>

struct pci_addr {
    uint8_t bus, dev, fn;
};

/* Each returns the configuration register at `off` (aligned to its size). */
uint32_t pci_read32(struct pci_addr a, uint8_t off);
uint16_t pci_read16(struct pci_addr a, uint8_t off);
uint8_t pci_read8(struct pci_addr a, uint8_t off);

/* Each writes the configuration register at `off`.  Return nothing. */
void pci_write32(struct pci_addr a, uint8_t off, uint32_t v);
void pci_write16(struct pci_addr a, uint8_t off, uint16_t v);

/* Returns true when a host bridge answers at 00:00.0. */
int pci_present(void);

/* Calls fn(addr, vendor, device, arg) for every function on bus 0 and on
 * the buses behind its PCI-to-PCI bridges (as the firmware numbered them),
 * depth first in device/function order; each bus is visited once, so the
 * scan touches only buses that exist (a whole 256-bus sweep costs ~10 ms
 * of emulated port I/O).  Returns the number of functions found. */
unsigned pci_scan(void (*fn)(struct pci_addr a, uint16_t vendor, uint16_t device, void *arg),
                  void *arg);

/* Returns the physical address of BAR `bar` (0..5; 64-bit BARs combined),
 * or 0 for an I/O or unassigned BAR. */
uint64_t pci_bar_addr(struct pci_addr a, unsigned bar);

#endif /* X86_PCI_H */
