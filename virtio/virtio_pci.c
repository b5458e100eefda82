/*
 * virtio_pci.c — the virtio 1.x modern PCI transport (virtio spec 4.1).
 *
 * A device is a PCI function of vendor 0x1af4 with device id 0x1040 + type
 * (modern) or a transitional id (0x1000 + type - 1 for net); its registers
 * are found through vendor-specific capabilities (common, notify, ISR,
 * device config) pointing into memory BARs, which the firmware assigned.
 * BARs must lie below 4 GiB; each structure is mapped uncached
 * (pg_map_mmio) when found.  Notifications use MSI-X: entry 0 of the
 * function's table carries every interrupting queue to one CPU vector
 * (apic.h); the configuration-change vector stays NO_VECTOR.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libos/x86_64/apic.h"
#include "libos/x86_64/cpu.h"
#include "libos/x86_64/paging.h"
#include "libos/x86_64/pci.h"
#include "os/log.h"
#include "virtio/virtio_dev.h"

#define PCI_VENDOR_VIRTIO 0x1af4
#define CAP_VNDR 0x09
#define CAP_MSIX 0x11
#define MSIX_ENABLE 0x8000
#define MSIX_FUNCTION_MASK 0x4000
#define NO_VECTOR 0xffff
#define CFG_COMMON 1
#define CFG_NOTIFY 2
#define CFG_ISR 3
#define CFG_DEVICE 4
#define MAP_LIMIT 0x100000000ull

/* Common configuration structure offsets. */
enum {
    CC_DFSELECT = 0, CC_DF = 4, CC_GFSELECT = 8, CC_GF = 12, CC_MSIX = 16, CC_NUMQ = 18,
    CC_STATUS = 20, CC_CFGGEN = 21, CC_QSELECT = 22, CC_QSIZE = 24, CC_QMSIX = 26,
    CC_QENABLE = 28, CC_QNOFF = 30, CC_QDESC = 32, CC_QDRIVER = 40, CC_QDEVICE = 48,
};

static uint8_t pci_get_status(struct virtio_dev *d)
{
    return mmio_read8(d->common + CC_STATUS);
}

static void pci_set_status(struct virtio_dev *d, uint8_t s)
{
    mmio_write8(d->common + CC_STATUS, s);
}

static uint64_t pci_get_features(struct virtio_dev *d)
{
    return virtio_features_read(d->common + CC_DFSELECT, d->common + CC_DF);
}

static void pci_set_features(struct virtio_dev *d, uint64_t f)
{
    virtio_features_write(d->common + CC_GFSELECT, d->common + CC_GF, f);
}

static uint16_t pci_queue_max(struct virtio_dev *d, uint16_t q)
{
    if (q >= mmio_read16(d->common + CC_NUMQ) || q >= VIRTIO_MAX_QUEUES)
        return 0;
    mmio_write16(d->common + CC_QSELECT, q);
    return mmio_read16(d->common + CC_QSIZE);
}

static void pci_write64(uintptr_t a, uint64_t v)
{
    mmio_write32(a, (uint32_t)v);
    mmio_write32(a + 4, (uint32_t)(v >> 32));
}

static int pci_queue_setup(struct virtio_dev *d, uint16_t q, const struct virtqueue *vq, bool irq)
{
    if (q >= VIRTIO_MAX_QUEUES)
        return -EINVAL;
    mmio_write16(d->common + CC_QSELECT, q);
    mmio_write16(d->common + CC_QSIZE, vq->size);
    uint16_t vec = irq && d->irq_on ? 0 : NO_VECTOR; /* MSI-X entry 0, or none */
    mmio_write16(d->common + CC_QMSIX, vec);
    if (mmio_read16(d->common + CC_QMSIX) != vec)
        d->irq_on = false; /* the device has no vector for it: polled only */
    pci_write64(d->common + CC_QDESC, (uintptr_t)vq->desc);
    pci_write64(d->common + CC_QDRIVER, (uintptr_t)vq->avail);
    pci_write64(d->common + CC_QDEVICE, (uintptr_t)vq->used);
    d->notify_off[q] = mmio_read16(d->common + CC_QNOFF);
    mmio_write16(d->common + CC_QENABLE, 1);
    return mmio_read16(d->common + CC_QENABLE) == 1 ? 0 : -EIO;
}

static void pci_notify(struct virtio_dev *d, uint16_t q)
{
    mmio_write16(d->notify + (uintptr_t)d->notify_off[q % VIRTIO_MAX_QUEUES] * d->notify_mult, q);
}

static uint8_t pci_cfg_read8(struct virtio_dev *d, uint32_t off)
{
    return mmio_read8(d->devcfg + off);
}

/* Points MSI-X entry 0 at `vector` on this CPU and enables MSI-X. */
static int pci_irq_setup(struct virtio_dev *d, uint8_t vector)
{
    if (!d->msix_cap || !d->msix_table)
        return -EOPNOTSUPP;
    mmio_write32(d->msix_table + 0, apic_msi_address());
    mmio_write32(d->msix_table + 4, 0);
    mmio_write32(d->msix_table + 8, vector);
    mmio_write32(d->msix_table + 12, 0); /* unmasked */
    uint16_t ctrl = pci_read16(d->pci, (uint8_t)(d->msix_cap + 2));
    pci_write16(d->pci, (uint8_t)(d->msix_cap + 2),
                (uint16_t)((ctrl | MSIX_ENABLE) & ~MSIX_FUNCTION_MASK));
    mmio_write16(d->common + CC_MSIX, NO_VECTOR);
    d->irq_on = true;
    return 0;
}

/* MSI-X needs no acknowledgement. */
static void pci_irq_ack(struct virtio_dev *d)
{
}

static const struct virtio_transport pci_transport = {
    "pci", pci_get_status, pci_set_status, pci_get_features, pci_set_features,
    pci_queue_max, pci_queue_setup, pci_notify, pci_cfg_read8, pci_irq_setup, pci_irq_ack,
};

/* Returns the mapped address of `len` bytes at `off` into BAR `bar`, or 0
 * when the BAR is unassigned, an I/O BAR or beyond the mappable range. */
static uintptr_t pci_map_bar(struct pci_addr a, uint8_t bar, uint32_t off, uint32_t len)
{
    uint64_t base = pci_bar_addr(a, bar);
    if (!base || base + off + len > MAP_LIMIT || pg_map_mmio(base + off, len ? len : 1))
        return 0;
    return (uintptr_t)(base + off);
}

/* Records and maps the MSI-X table of the capability at `ptr`. */
static void pci_read_msix(struct pci_addr a, uint8_t ptr, struct virtio_dev *d)
{
    uint16_t ctrl = pci_read16(a, (uint8_t)(ptr + 2));
    uint32_t table = pci_read32(a, (uint8_t)(ptr + 4));
    unsigned entries = (ctrl & 0x7ffu) + 1;
    d->msix_table = pci_map_bar(a, (uint8_t)(table & 7), table & ~7u, entries * 16);
    d->msix_cap = d->msix_table ? ptr : 0;
}

/* Reads the vendor capabilities of function `a` into d.  Returns 0, or
 * -ENODEV when a structure is missing or lies outside the mapped range. */
static int pci_read_caps(struct pci_addr a, struct virtio_dev *d)
{
    if (!(pci_read16(a, 0x06) & 0x10))
        return -ENODEV;
    uint8_t ptr = pci_read8(a, 0x34) & 0xfc;
    for (unsigned guard = 0; ptr && guard < 48; guard++) {
        uint8_t id = pci_read8(a, ptr), next = pci_read8(a, (uint8_t)(ptr + 1)) & 0xfc;
        if (id == CAP_MSIX)
            pci_read_msix(a, ptr, d);
        if (id == CAP_VNDR) {
            uint8_t type = pci_read8(a, (uint8_t)(ptr + 3)), bar = pci_read8(a, (uint8_t)(ptr + 4));
            uint32_t off = pci_read32(a, (uint8_t)(ptr + 8));
            uint32_t len = pci_read32(a, (uint8_t)(ptr + 12));
            uintptr_t addr = pci_map_bar(a, bar, off, len);
            if (type == CFG_COMMON && !d->common)
                d->common = addr;
            else if (type == CFG_NOTIFY && !d->notify) {
                d->notify = addr;
                d->notify_mult = pci_read32(a, (uint8_t)(ptr + 16));
            } else if (type == CFG_ISR && !d->isr)
                d->isr = addr;
            else if (type == CFG_DEVICE && !d->devcfg)
                d->devcfg = addr;
        }
        ptr = next;
    }
    return d->common && d->notify && d->devcfg ? 0 : -ENODEV;
}

struct pci_find_ctx {
    uint16_t device_id;
    struct virtio_dev *devs;
    unsigned n, max;
};

static void pci_find_one(struct pci_addr a, uint16_t vendor, uint16_t device, void *arg)
{
    struct pci_find_ctx *c = arg;
    if (vendor != PCI_VENDOR_VIRTIO || c->n >= c->max)
        return;
    bool modern = device == 0x1040 + c->device_id;
    bool transitional = device >= 0x1000 && device <= 0x103f &&
                        pci_read16(a, 0x2e) == c->device_id; /* subsystem id */
    if (!modern && !transitional)
        return;
    struct virtio_dev *d = &c->devs[c->n];
    memset(d, 0, sizeof *d);
    d->pci = a;
    d->gsi = -1;
    snprintf(d->where, sizeof d->where, "pci %02x:%02x.%x", a.bus, a.dev, a.fn);
    pci_write16(a, 0x04, pci_read16(a, 0x04) | 0x6); /* memory space, bus master */
    if (pci_read_caps(a, d)) {
        OS_ERR("virtio", "%s: no modern virtio capabilities in mapped BARs "
               "(legacy-only device or BAR above 4 GiB); skipped", d->where);
        return;
    }
    d->t = &pci_transport;
    d->device_id = c->device_id;
    c->n++;
}

unsigned virtio_pci_find(uint16_t device_id, struct virtio_dev *devs, unsigned max)
{
    struct pci_find_ctx c = { device_id, devs, 0, max };
    pci_scan(pci_find_one, &c);
    return c.n;
}
