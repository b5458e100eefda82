/*
 * virtio_mmio.c — the virtio-mmio transport, version 2 (virtio spec 4.2).
 * QEMU's virtio-mmio devices are legacy (version 1) unless started with
 * `-global virtio-mmio.force-legacy=false`; those are refused with that
 * advice in the log.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libos/x86_64/cpu.h"
#include "os/log.h"
#include "virtio/virtio_dev.h"

#define MMIO_MAGIC 0x74726976u /* "virt" */

enum {
    R_MAGIC = 0x000, R_VERSION = 0x004, R_DEVICE = 0x008, R_DF = 0x010, R_DFSEL = 0x014,
    R_GF = 0x020, R_GFSEL = 0x024, R_QSEL = 0x030, R_QMAX = 0x034, R_QNUM = 0x038,
    R_QREADY = 0x044, R_QNOTIFY = 0x050, R_STATUS = 0x070, R_QDESC = 0x080,
    R_QDRIVER = 0x090, R_QDEVICE = 0x0a0, R_CONFIG = 0x100,
};

static uint8_t mmio_get_status(struct virtio_dev *d)
{
    return (uint8_t)mmio_read32(d->base + R_STATUS);
}

static void mmio_set_status(struct virtio_dev *d, uint8_t s)
{
    mmio_write32(d->base + R_STATUS, s);
}

static uint64_t mmio_get_features(struct virtio_dev *d)
{
    return virtio_features_read(d->base + R_DFSEL, d->base + R_DF);
}

static void mmio_set_features(struct virtio_dev *d, uint64_t f)
{
    virtio_features_write(d->base + R_GFSEL, d->base + R_GF, f);
}

static uint16_t mmio_queue_max(struct virtio_dev *d, uint16_t q)
{
    mmio_write32(d->base + R_QSEL, q);
    uint32_t max = mmio_read32(d->base + R_QMAX);
    return max > 0xffff ? 0xffff : (uint16_t)max;
}

static void mmio_write64(uintptr_t a, uint64_t v)
{
    mmio_write32(a, (uint32_t)v);
    mmio_write32(a + 4, (uint32_t)(v >> 32));
}

static int mmio_queue_setup(struct virtio_dev *d, uint16_t q, const struct virtqueue *vq)
{
    mmio_write32(d->base + R_QSEL, q);
    mmio_write32(d->base + R_QNUM, vq->size);
    mmio_write64(d->base + R_QDESC, (uintptr_t)vq->desc);
    mmio_write64(d->base + R_QDRIVER, (uintptr_t)vq->avail);
    mmio_write64(d->base + R_QDEVICE, (uintptr_t)vq->used);
    mmio_write32(d->base + R_QREADY, 1);
    return mmio_read32(d->base + R_QREADY) == 1 ? 0 : -EIO;
}

static void mmio_notify(struct virtio_dev *d, uint16_t q)
{
    mmio_write32(d->base + R_QNOTIFY, q);
}

static uint8_t mmio_cfg_read8(struct virtio_dev *d, uint32_t off)
{
    return mmio_read8(d->base + R_CONFIG + off);
}

static const struct virtio_transport mmio_transport = {
    "mmio", mmio_get_status, mmio_set_status, mmio_get_features, mmio_set_features,
    mmio_queue_max, mmio_queue_setup, mmio_notify, mmio_cfg_read8,
};

int virtio_mmio_probe(uintptr_t base, uint16_t device_id, struct virtio_dev *d)
{
    if (mmio_read32(base + R_MAGIC) != MMIO_MAGIC)
        return -ENODEV;
    uint32_t type = mmio_read32(base + R_DEVICE);
    if (type != device_id)
        return -ENODEV;
    uint32_t version = mmio_read32(base + R_VERSION);
    if (version != 2) {
        OS_ERR("virtio", "mmio %#lx: legacy virtio-mmio (version %u) is not supported; "
               "start QEMU with -global virtio-mmio.force-legacy=false",
               (unsigned long)base, version);
        return -EOPNOTSUPP;
    }
    memset(d, 0, sizeof *d);
    d->t = &mmio_transport;
    d->base = base;
    d->device_id = device_id;
    snprintf(d->where, sizeof d->where, "mmio %#lx", (unsigned long)base);
    return 0;
}
