/*
 * kvm.h — the kvm target's platform: boot, command line, device hints,
 * shutdown.  (QEMU -M microvm / -M q35 with -kernel, Firecracker.)
 *
 * Boot sequence (start.c, entered from libos/x86_64/boot.S in long mode):
 * serial console (queued: console.h), GDT/TSS/IDT, checks hvm_start_info, the TSC frequency
 * (libos/x86_64/tsc.h: no fixed wait where the platform tells it), page
 * allocator from the PVH memory map, W^X page tables (paging.h), the local
 * APIC's wake-up vectors and one-shot timer (apic.h), command line split
 * into words, then
 * os_main(argc, argv) — the product's entry point, defined by the program
 * linked into the image (switch/unikernel/uk_main.c) — and finally
 * plat_exit(os_main's return value).
 *
 * Command-line words: separated by blanks; double quotes group ("a b" is one
 * word, quotes removed).  argv[0] is "sluice".  Words of the form
 * `virtio_mmio.device=SIZE@ADDR[:IRQ]` (the Linux spelling, which QEMU's
 * microvm appends by itself) are consumed here as virtio-mmio device hints
 * and not passed to os_main.
 */
#ifndef KVM_KVM_H
#define KVM_KVM_H

#include <stdint.h>

#include "libos/pvh/cmdline.h"

/* Returns the number of virtio-mmio hints and sets *out to them. */
unsigned kvm_mmio_hints(const struct pvh_mmio_hint **out);

/* Returns the raw kernel command line (never NULL). */
const char *kvm_cmdline(void);

/* Returns the TSC value read at the PVH entry (first instruction). */
uint64_t kvm_boot_tsc(void);

/* Returns true when the machine has a PCI host bridge (q35, pc), false on
 * microvm without PCIe. */
int kvm_has_pci(void);

/* Returns the GSI of QEMU microvm's virtio-mmio slot `slot` (0..23, at
 * 0xfeb00000 + slot * 0x200), by QEMU's layout: from 24 with the second
 * I/O APIC (ioapic2, the default with ACPI), else from 16 with ACPI, else
 * from 5.  For devices found without a command-line hint (which carries
 * the IRQ). */
int kvm_microvm_slot_irq(unsigned slot);

#endif /* KVM_KVM_H */
