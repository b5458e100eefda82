/*
 * virtio_mmio.c — the virtio-mmio transport (virtio spec 4.2), both register
 * sets: version 2 (virtio 1.x: 64-bit descriptor/driver/device addresses and
 * QueueReady) and legacy version 1 (4.2.4: GuestPageSize, then QueueNum,
 * QueueAlign and the queue's page frame number in QueuePFN, which also
 * enables it).  QEMU's virtio-mmio devices are version 1 unless started
 * with `-global virtio-mmio.force-legacy=false`; both work.  The split
 * queue layout of virtqueue.h (used ring on the next 4 KiB boundary) is the
 * legacy layout with QueueAlign 4096, so one queue memory serves both.
 * The device's interrupt line (InterruptStatus / InterruptACK, the same in
 * both versions) is routed through the I/O APIC edge-triggered and
 * acknowledged before each wait (ioapic.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libos/x86_64/cpu.h"
#include "libos/x86_64/ioapic.h"
#include "libos/x86_64/paging.h"
#include "os/log.h"
#include "virtio/virtio_dev.h"

#define MMIO_MAGIC 0x74726976u /* "virt" */
#define MMIO_WINDOW 0x200
#define LEGACY_PAGE 4096u

enum {
    R_MAGIC = 0x000, R_VERSION = 0x004, R_DEVICE = 0x008, R_DF = 0x010, R_DFSEL = 0x014,
    R_GF = 0x020, R_GFSEL = 0x024, R_GUEST_PAGE = 0x028, R_QSEL = 0x030, R_QMAX = 0x034,
    R_QNUM = 0x038, R_QALIGN = 0x03c, R_QPFN = 0x040, R_QREADY = 0x044, R_QNOTIFY = 0x050,
    R_ISTATUS = 0x060, R_IACK = 0x064, R_STATUS = 0x070, R_QDESC = 0x080, R_QDRIVER = 0x090,
    R_QDEVICE = 0x0a0, R_CONFIG = 0x100,
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

/* Version 2: the three areas' addresses, then QueueReady. */
static int mmio_queue_setup(struct virtio_dev *d, uint16_t q, const struct virtqueue *vq, bool irq)
{
    mmio_write32(d->base + R_QSEL, q);
    mmio_write32(d->base + R_QNUM, vq->size);
    mmio_write64(d->base + R_QDESC, (uintptr_t)vq->desc);
    mmio_write64(d->base + R_QDRIVER, (uintptr_t)vq->avail);
    mmio_write64(d->base + R_QDEVICE, (uintptr_t)vq->used);
    mmio_write32(d->base + R_QREADY, 1);
    return mmio_read32(d->base + R_QREADY) == 1 ? 0 : -EIO;
}

/* Version 1: one contiguous page-aligned area given by its page number. */
static int mmio_legacy_queue_setup(struct virtio_dev *d, uint16_t q, const struct virtqueue *vq,
                                   bool irq)
{
    uint64_t pfn = (uintptr_t)vq->desc / LEGACY_PAGE;
    if ((uintptr_t)vq->desc % LEGACY_PAGE || pfn > 0xffffffffu)
        return -EINVAL;
    mmio_write32(d->base + R_GUEST_PAGE, LEGACY_PAGE);
    mmio_write32(d->base + R_QSEL, q);
    mmio_write32(d->base + R_QNUM, vq->size);
    mmio_write32(d->base + R_QALIGN, LEGACY_PAGE);
    mmio_write32(d->base + R_QPFN, (uint32_t)pfn);
    return mmio_read32(d->base + R_QPFN) == pfn ? 0 : -EIO;
}

static void mmio_notify(struct virtio_dev *d, uint16_t q)
{
    mmio_write32(d->base + R_QNOTIFY, q);
}

static uint8_t mmio_cfg_read8(struct virtio_dev *d, uint32_t off)
{
    return mmio_read8(d->base + R_CONFIG + off);
}

static int mmio_irq_setup(struct virtio_dev *d, uint8_t vector)
{
    if (d->gsi < 0)
        return -EOPNOTSUPP;
    int rc = ioapic_route((uint32_t)d->gsi, vector);
    d->irq_on = rc == 0;
    return rc;
}

static void mmio_irq_ack(struct virtio_dev *d)
{
    uint32_t pending = mmio_read32(d->base + R_ISTATUS);
    if (pending)
        mmio_write32(d->base + R_IACK, pending);
}

static const struct virtio_transport mmio_transport = {
    "mmio", mmio_get_status, mmio_set_status, mmio_get_features, mmio_set_features,
    mmio_queue_max, mmio_queue_setup, mmio_notify, mmio_cfg_read8, mmio_irq_setup, mmio_irq_ack,
};

static const struct virtio_transport mmio_legacy_transport = {
    "mmio-legacy", mmio_get_status, mmio_set_status, mmio_get_features, mmio_set_features,
    mmio_queue_max, mmio_legacy_queue_setup, mmio_notify, mmio_cfg_read8, mmio_irq_setup,
    mmio_irq_ack,
};

int virtio_mmio_probe(uintptr_t base, uint16_t device_id, int gsi, struct virtio_dev *d)
{
    if (pg_map_mmio(base, MMIO_WINDOW))
        return -ENODEV;
    if (mmio_read32(base + R_MAGIC) != MMIO_MAGIC)
        return -ENODEV;
    uint32_t type = mmio_read32(base + R_DEVICE);
    if (type != device_id)
        return -ENODEV;
    uint32_t version = mmio_read32(base + R_VERSION);
    if (version != 1 && version != 2) {
        OS_ERR("virtio", "mmio %#lx: unknown virtio-mmio version %u; skipped",
               (unsigned long)base, version);
        return -EOPNOTSUPP;
    }
    memset(d, 0, sizeof *d);
    d->legacy = version == 1;
    d->t = d->legacy ? &mmio_legacy_transport : &mmio_transport;
    d->base = base;
    d->gsi = gsi;
    d->device_id = device_id;
    snprintf(d->where, sizeof d->where, "mmio%s %#lx", d->legacy ? "-v1" : "",
             (unsigned long)base);
    return 0;
}
