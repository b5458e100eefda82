/*
 * ioapic.h — routing a device's interrupt line (a GSI) through the I/O APIC
 * to a local APIC vector (apic.h), for devices without MSI: the
 * virtio-mmio devices of QEMU's microvm and Firecracker.
 *
 * I/O APICs are found where QEMU and Firecracker put them, without parsing
 * ACPI: the first at 0xfec00000 (GSIs from 0), further ones every 0x10000
 * above it (QEMU microvm's second I/O APIC at 0xfec10000 serves GSIs 24-47),
 * each present when its version register reads as an I/O APIC's; the GSIs
 * an I/O APIC serves follow from its redirection-entry count.
 * Lines are routed edge-triggered, active high, fixed delivery to this CPU:
 * a driver whose device holds its line asserted until acknowledged (virtio
 * InterruptStatus) acknowledges it before each wait, so every new event is
 * a fresh edge and no handler has to touch the device.
 * Single CPU; not from an interrupt handler; nothing blocks.
 */
#ifndef X86_IOAPIC_H
#define X86_IOAPIC_H

#include <stdint.h>

/* Routes GSI `gsi` to `vector` on this CPU, unmasked.  Returns 0, or
 * -ENODEV when no I/O APIC serves that GSI. */
int ioapic_route(uint32_t gsi, uint8_t vector);

/* Returns the number of I/O APICs found (probing them on the first call). */
unsigned ioapic_count(void);

#endif /* X86_IOAPIC_H */
