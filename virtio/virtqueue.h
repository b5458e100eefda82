/*
 * virtqueue.h — split virtqueues (virtio 1.0+, section 2.6), driver side.
 *
 * A virtqueue is three areas in guest memory shared with the device: the
 * descriptor table, the available ring (driver -> device) and the used ring
 * (device -> driver).  This module only manipulates that memory; the
 * transport (PCI or MMIO) tells the device where the areas are and rings the
 * doorbell when vq_kick_prepare() says so.  It is pure code, so the unit
 * test plays the device in memory.
 *
 * A packet is one descriptor (its virtio_net_hdr sits in its own
 * headroom); control commands are short chains (vq_add_chain).  Free
 * descriptors form a list threaded through desc[].next; `cookie[head]`
 * remembers what the buffer was (a struct pkt *) until the device returns
 * it, and returning it frees the whole chain.
 *
 * Invariants: num_free + buffers in flight == size; avail_idx and last_used
 * are free-running 16-bit counters; a cookie is returned exactly once.
 * With VIRTIO_RING_F_EVENT_IDX the device's avail_event decides whether a
 * kick is needed, otherwise the used ring's NO_NOTIFY flag.  The driver
 * polls, asking for no interrupts (NO_INTERRUPT, or a used_event that
 * trails behind), except just before the CPU halts: vq_enable_irq asks for
 * one at the next used buffer, and says when one is already there (so the
 * caller polls instead of sleeping: no lost wake-up); vq_disable_irq (and
 * every kick decision) turns it off again.  One user at a time; nothing
 * here blocks.
 */
#ifndef VIRTIO_VIRTQUEUE_H
#define VIRTIO_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VQ_DESC_F_NEXT 1
#define VQ_DESC_F_WRITE 2
#define VQ_AVAIL_F_NO_INTERRUPT 1
#define VQ_USED_F_NO_NOTIFY 1
#define VQ_MAX_SIZE 1024

struct vq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct vq_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[]; /* size entries, then used_event */
};

struct vq_used_elem {
    uint32_t id;
    uint32_t len;
};

struct vq_used {
    uint16_t flags;
    uint16_t idx;
    struct vq_used_elem ring[]; /* size entries, then avail_event */
};

struct virtqueue {
    uint16_t size;          /* power of two, <= VQ_MAX_SIZE */
    uint16_t num_free;      /* descriptors on the free list */
    uint16_t free_head;     /* first free descriptor */
    uint16_t avail_idx;     /* next avail slot (driver's copy) */
    uint16_t kicked_idx;    /* avail idx at the last kick decision */
    uint16_t last_used;     /* next used entry to consume */
    bool event_idx;         /* VIRTIO_RING_F_EVENT_IDX negotiated */
    struct vq_desc *desc;
    struct vq_avail *avail;
    struct vq_used *used;
    void **cookie;          /* per descriptor */
    uint64_t bad_used;      /* used entries with an id not in flight (counted, skipped) */
};

/* Returns the bytes of memory vq_init needs for `size` entries (the three
 * areas, each suitably aligned; the used ring starts on a 4 KiB boundary). */
size_t vq_mem_size(uint16_t size);

/* Lays out a virtqueue of `size` (a power of two, 1..VQ_MAX_SIZE) in `mem`
 * (vq_mem_size(size) zeroed bytes, 4 KiB-aligned) with `cookies` (size
 * entries).  Returns 0 or -EINVAL. */
int vq_init(struct virtqueue *vq, uint16_t size, void *mem, void **cookies, bool event_idx);

/* Adds one buffer [addr, addr+len) — device-writable when `writable` — with
 * its cookie (not NULL), without publishing it.  Returns 0, or -ENOSPC when
 * no descriptor is free (nothing changed). */
int vq_add(struct virtqueue *vq, uint64_t addr, uint32_t len, bool writable, void *cookie);

/* One segment of a descriptor chain. */
struct vq_seg {
    uint64_t addr;
    uint32_t len;
    bool writable; /* device-writable segments must follow readable ones */
};

/* Adds a chain of n (>= 1) segments as one buffer with one cookie (not
 * NULL), without publishing it (used for control commands: header and data
 * readable, status writable).  Returns 0, -ENOSPC when fewer than n
 * descriptors are free, or -EINVAL (n == 0, or a readable segment after a
 * writable one); nothing changes on failure. */
int vq_add_chain(struct virtqueue *vq, const struct vq_seg *segs, unsigned n, void *cookie);

/* Publishes the buffers added since the last call to the device.  Returns
 * true when the device must be notified (kicked). */
bool vq_kick_prepare(struct virtqueue *vq);

/* Asks the device to interrupt when it next returns a buffer, then looks
 * again.  Returns true when a returned buffer is already waiting (the
 * interrupt may or may not come: poll), false when the next one will
 * interrupt. */
bool vq_enable_irq(struct virtqueue *vq);

/* Asks the device not to interrupt.  Returns nothing. */
void vq_disable_irq(struct virtqueue *vq);

/* Takes the next buffer the device has returned.  Returns its cookie and
 * sets *len to the bytes the device wrote, or returns NULL when there is
 * none. */
void *vq_get_used(struct virtqueue *vq, uint32_t *len);

/* Returns the cookie of the next buffer still in flight (in descriptor
 * order) and detaches it, or NULL when none is left: for teardown after the
 * device has been reset. */
void *vq_detach_unused(struct virtqueue *vq);

/* Returns the number of free descriptors. */
static inline uint16_t vq_num_free(const struct virtqueue *vq)
{
    return vq->num_free;
}

#endif /* VIRTIO_VIRTQUEUE_H */
