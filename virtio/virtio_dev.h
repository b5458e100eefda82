/*
 * virtio_dev.h — a virtio device and its transport (driver-private to
 * virtio/).
 *
 * Transports implement `struct virtio_transport`: modern PCI
 * (virtio_pci.c: the common/notify/device capabilities of a 0x1af4 device,
 * MSI-X for notifications) and MMIO (virtio_mmio.c), both version 2
 * (virtio 1.x) and legacy version 1 (the register set QEMU's virtio-mmio
 * devices have unless started with force-legacy=false: guest page size and
 * PFN-based queue setup, no FEATURES_OK step, 32 feature bits).  The
 * device-type driver (virtio_net.c) runs the generic initialisation of
 * virtio section 3.1 through virtio_dev_init() and then only talks to
 * queues, its config and its wake-up interrupt.
 *
 * Interrupts: a device notifies through one interrupt vector of this CPU
 * (libos/x86_64/apic.h) set up by irq_setup: an MSI-X entry on PCI, the
 * device's I/O APIC line on MMIO (ioapic.h; the line stays asserted until
 * irq_ack).  Only queues set up with `irq` notify; the driver asks for
 * notifications only just before the CPU halts (virtqueue.h).
 * Every wait on the device is bounded.
 */
#ifndef VIRTIO_DEV_H
#define VIRTIO_DEV_H

#include <stdbool.h>
#include <stdint.h>

#include "libos/x86_64/pci.h"
#include "virtio/virtqueue.h"

#define VIRTIO_STATUS_ACK 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_FAILED 128

#define VIRTIO_F_VERSION_1 (1ull << 32)
#define VIRTIO_RING_F_EVENT_IDX (1ull << 29)
#define VIRTIO_MAX_QUEUES 64 /* queue indexes this driver can address */

struct virtio_dev;

struct virtio_transport {
    const char *name; /* "pci" or "mmio" */
    uint8_t (*get_status)(struct virtio_dev *d);
    void (*set_status)(struct virtio_dev *d, uint8_t status);
    uint64_t (*get_features)(struct virtio_dev *d);
    void (*set_features)(struct virtio_dev *d, uint64_t features);
    /* Returns the queue's maximum size (0: no such queue). */
    uint16_t (*queue_max)(struct virtio_dev *d, uint16_t q);
    /* Gives queue q (laid out in vq) to the device and enables it; with
     * `irq` its used buffers may interrupt (irq_setup first).  Returns 0
     * or a negative errno. */
    int (*queue_setup)(struct virtio_dev *d, uint16_t q, const struct virtqueue *vq, bool irq);
    void (*notify)(struct virtio_dev *d, uint16_t q);
    /* Returns byte `off` of the device-specific configuration. */
    uint8_t (*cfg_read8)(struct virtio_dev *d, uint32_t off);
    /* Routes the device's queue notifications to CPU vector `vector`.
     * Returns 0, or -EOPNOTSUPP / -ENODEV when it cannot interrupt. */
    int (*irq_setup)(struct virtio_dev *d, uint8_t vector);
    /* Acknowledges pending notifications (deasserts an MMIO line).
     * Returns nothing. */
    void (*irq_ack)(struct virtio_dev *d);
};

struct virtio_dev {
    const struct virtio_transport *t;
    char where[32];          /* "pci 00:03.0", "mmio 0xfeb00e00" */
    uint16_t device_id;      /* virtio device type (1 = net) */
    bool legacy;             /* pre-1.0 device (MMIO version 1) */
    bool irq_on;             /* irq_setup succeeded */
    uint64_t features;       /* negotiated */
    /* PCI */
    struct pci_addr pci;
    uintptr_t common, notify, isr, devcfg;
    uint32_t notify_mult;
    uint16_t notify_off[VIRTIO_MAX_QUEUES]; /* per queue */
    uint8_t msix_cap;        /* config-space offset of the MSI-X capability, or 0 */
    uintptr_t msix_table;    /* its table, mapped */
    /* MMIO */
    uintptr_t base;
    int gsi;                 /* interrupt line, or -1 when unknown */
};

/* Resets the device, acknowledges it, negotiates `wanted` & offered
 * (a modern device must offer VIRTIO_F_VERSION_1, which is then always
 * negotiated) and, on a modern device, sets FEATURES_OK.  Returns 0 with
 * d->features set, or a negative errno (-ENODEV: device gone or reset
 * timed out, -EOPNOTSUPP: no VERSION_1 or FEATURES_OK refused). */
int virtio_dev_init(struct virtio_dev *d, uint64_t wanted);

/* The 64-bit feature words of both transports: a select register (0 =
 * bits 0-31, 1 = bits 32-63) and a 32-bit window at `val`.  The first
 * returns the device's features, the second returns nothing. */
uint64_t virtio_features_read(uintptr_t sel, uintptr_t val);
void virtio_features_write(uintptr_t sel, uintptr_t val, uint64_t features);

/* Sets DRIVER_OK (after FEATURES_OK on a modern device).  Returns
 * nothing. */
void virtio_dev_ready(struct virtio_dev *d);

/* Resets the device (bounded wait).  Returns nothing. */
void virtio_dev_reset(struct virtio_dev *d);

/* Fills devs[0..max) with the modern virtio PCI devices of type
 * `device_id` in bus order.  Returns how many. */
unsigned virtio_pci_find(uint16_t device_id, struct virtio_dev *devs, unsigned max);

/* Maps and probes the virtio-mmio window at `base`; when it holds a device
 * of type `device_id` (version 1 or 2), fills *d, with `gsi` its interrupt
 * line (-1: unknown, the device cannot wake the CPU).  Returns 0, -ENODEV
 * (nothing or another type there) or -EOPNOTSUPP (an unknown version:
 * logged). */
int virtio_mmio_probe(uintptr_t base, uint16_t device_id, int gsi, struct virtio_dev *d);

#endif /* VIRTIO_DEV_H */
