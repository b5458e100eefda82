/* virtio_dev.c — generic device initialisation (see virtio_dev.h). */
#include "virtio/virtio_dev.h"

#include <errno.h>

#include "libos/x86_64/cpu.h"
#include "os/log.h"

#define RESET_SPIN_MAX 1000000

void virtio_dev_reset(struct virtio_dev *d)
{
    d->t->set_status(d, 0);
    for (unsigned i = 0; i < RESET_SPIN_MAX && d->t->get_status(d) != 0; i++)
        cpu_pause();
}

int virtio_dev_init(struct virtio_dev *d, uint64_t wanted)
{
    virtio_dev_reset(d);
    if (d->t->get_status(d) != 0) {
        OS_ERR("virtio", "%s: reset timed out", d->where);
        return -ENODEV;
    }
    d->t->set_status(d, VIRTIO_STATUS_ACK);
    d->t->set_status(d, VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER);
    uint64_t offered = d->t->get_features(d);
    if (d->legacy) {
        d->features = offered & wanted & 0xffffffffu & ~VIRTIO_F_VERSION_1;
        d->t->set_features(d, d->features);
        OS_DBG("virtio", "%s: legacy device, offered %lx, negotiated %lx", d->where,
               (unsigned long)offered, (unsigned long)d->features);
        return 0;
    }
    if (!(offered & VIRTIO_F_VERSION_1)) {
        OS_ERR("virtio", "%s: device does not offer VIRTIO_F_VERSION_1", d->where);
        d->t->set_status(d, VIRTIO_STATUS_FAILED);
        return -EOPNOTSUPP;
    }
    d->features = offered & (wanted | VIRTIO_F_VERSION_1);
    d->t->set_features(d, d->features);
    d->t->set_status(d, VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    if (!(d->t->get_status(d) & VIRTIO_STATUS_FEATURES_OK)) {
        OS_ERR("virtio", "%s: features %lx refused", d->where, (unsigned long)d->features);
        d->t->set_status(d, VIRTIO_STATUS_FAILED);
        return -EOPNOTSUPP;
    }
    OS_DBG("virtio", "%s: offered %lx, negotiated %lx", d->where, (unsigned long)offered,
           (unsigned long)d->features);
    return 0;
}

void virtio_dev_ready(struct virtio_dev *d)
{
    uint8_t ok = d->legacy ? 0 : VIRTIO_STATUS_FEATURES_OK;
    d->t->set_status(d, VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER | ok | VIRTIO_STATUS_DRIVER_OK);
}

uint64_t virtio_features_read(uintptr_t sel, uintptr_t val)
{
    mmio_write32(sel, 0);
    uint64_t lo = mmio_read32(val);
    mmio_write32(sel, 1);
    return lo | (uint64_t)mmio_read32(val) << 32;
}

void virtio_features_write(uintptr_t sel, uintptr_t val, uint64_t features)
{
    mmio_write32(sel, 0);
    mmio_write32(val, (uint32_t)features);
    mmio_write32(sel, 1);
    mmio_write32(val, (uint32_t)(features >> 32));
}
