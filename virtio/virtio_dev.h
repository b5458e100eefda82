/*
 * virtio_dev.h — a virtio device and its transport (driver-private to
 * virtio/).
 *
 * Two transports implement `struct virtio_transport`: modern PCI
 * (virtio_pci.c: the common/notify/device capabilities of a 0x1af4 device)
 * and MMIO version 2 (virtio_mmio.c).  The device-type driver
 * (virtio_net.c) runs the generic initialisation of virtio 1.x section 3.1
 * through virtio_dev_init() and then only talks to queues and its config.
 * Legacy (pre-1.0) devices are refused with a message.
 * Every wait on the device is bounded.
 */
#ifndef VIRTIO_DEV_H
#define VIRTIO_DEV_H

#include <stdbool.h>
#include <stdint.h>

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
    /* Gives queue q (laid out in vq) to the device and enables it.
     * Returns 0 or a negative errno. */
    int (*queue_setup)(struct virtio_dev *d, uint16_t q, const struct virtqueue *vq);
    void (*notify)(struct virtio_dev *d, uint16_t q);
    /* Returns byte `off` of the device-specific configuration. */
    uint8_t (*cfg_read8)(struct virtio_dev *d, uint32_t off);
};

struct virtio_dev {
    const struct virtio_transport *t;
    char where[32];          /* "pci 00:03.0", "mmio 0xfeb00e00" */
    uint16_t device_id;      /* virtio device type (1 = net) */
    uint64_t features;       /* negotiated */
    /* PCI */
    uintptr_t common, notify, isr, devcfg;
    uint32_t notify_mult;
    uint16_t notify_off[VIRTIO_MAX_QUEUES]; /* per queue */
    /* MMIO */
    uintptr_t base;
};

/* Resets the device, acknowledges it, negotiates `wanted` & offered
 * (VIRTIO_F_VERSION_1 is required) and sets FEATURES_OK.  Returns 0 with
 * d->features set, or a negative errno (-ENODEV: device gone or reset
 * timed out, -EOPNOTSUPP: no VERSION_1 or FEATURES_OK refused). */
int virtio_dev_init(struct virtio_dev *d, uint64_t wanted);

/* The 64-bit feature words of both transports: a select register (0 =
 * bits 0-31, 1 = bits 32-63) and a 32-bit window at `val`.  The first
 * returns the device's features, the second returns nothing. */
uint64_t virtio_features_read(uintptr_t sel, uintptr_t val);
void virtio_features_write(uintptr_t sel, uintptr_t val, uint64_t features);

/* Sets DRIVER_OK.  Returns nothing. */
void virtio_dev_ready(struct virtio_dev *d);

/* Resets the device (bounded wait).  Returns nothing. */
void virtio_dev_reset(struct virtio_dev *d);

/* Fills devs[0..max) with the modern virtio PCI devices of type
 * `device_id` in bus order.  Returns how many. */
unsigned virtio_pci_find(uint16_t device_id, struct virtio_dev *devs, unsigned max);

/* Probes the virtio-mmio window at `base`; when it holds a version-2 device
 * of type `device_id`, fills *d.  Returns 0, -ENODEV (nothing or another
 * type there) or -EOPNOTSUPP (a legacy version-1 device: logged). */
int virtio_mmio_probe(uintptr_t base, uint16_t device_id, struct virtio_dev *d);

#endif /* VIRTIO_DEV_H */
