/* virtqueue.c — split virtqueue driver logic (see virtqueue.h). */
#include "virtio/virtqueue.h"

#include <errno.h>
#include <string.h>

#define VQ_ALIGN_USED 4096

/* Full fence: ring writes must be visible before the index, and the index
 * before we read the device's event index. */
static inline void vq_mb(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* Compiler-only barrier (x86 keeps stores ordered with stores, loads with
 * loads). */
static inline void vq_cb(void)
{
    __asm__ volatile("" ::: "memory");
}

static size_t vq_avail_bytes(uint16_t size)
{
    return 6 + 2 * (size_t)size;
}

static size_t vq_used_offset(uint16_t size)
{
    size_t end = 16 * (size_t)size + vq_avail_bytes(size);
    return (end + VQ_ALIGN_USED - 1) & ~(size_t)(VQ_ALIGN_USED - 1);
}

size_t vq_mem_size(uint16_t size)
{
    return vq_used_offset(size) + 6 + 8 * (size_t)size;
}

int vq_init(struct virtqueue *vq, uint16_t size, void *mem, void **cookies, bool event_idx)
{
    if (!vq || !mem || !cookies || size == 0 || size > VQ_MAX_SIZE || (size & (size - 1)))
        return -EINVAL;
    memset(vq, 0, sizeof *vq);
    vq->size = size;
    vq->event_idx = event_idx;
    vq->desc = mem;
    vq->avail = (struct vq_avail *)((char *)mem + 16 * (size_t)size);
    vq->used = (struct vq_used *)((char *)mem + vq_used_offset(size));
    vq->cookie = cookies;
    for (uint16_t i = 0; i < size; i++) {
        vq->desc[i].next = (uint16_t)(i + 1);
        cookies[i] = NULL;
    }
    vq->num_free = size;
    vq->free_head = 0;
    if (!event_idx)
        vq->avail->flags = VQ_AVAIL_F_NO_INTERRUPT;
    return 0;
}

/* Makes the chain head..last (n descriptors, taken from the front of the
 * free list) available to the device with `cookie`.  Returns nothing. */
static inline void vq_publish(struct virtqueue *vq, uint16_t head, uint16_t last, unsigned n,
                              void *cookie)
{
    vq->free_head = vq->desc[last].next;
    vq->num_free = (uint16_t)(vq->num_free - n);
    vq->cookie[head] = cookie;
    vq->avail->ring[vq->avail_idx & (vq->size - 1)] = head;
    vq->avail_idx++;
}

/* vq_add_chain of one segment without its loops: it runs for every frame
 * both ways (RX refills, TX), and under TCG the general loop cost a fifth
 * of the driver's time. */
int vq_add(struct virtqueue *vq, uint64_t addr, uint32_t len, bool writable, void *cookie)
{
    if (!cookie || vq->num_free == 0)
        return -ENOSPC;
    uint16_t head = vq->free_head;
    struct vq_desc *d = &vq->desc[head];
    d->addr = addr;
    d->len = len;
    d->flags = writable ? VQ_DESC_F_WRITE : 0;
    vq_publish(vq, head, head, 1, cookie);
    return 0;
}

int vq_add_chain(struct virtqueue *vq, const struct vq_seg *segs, unsigned n, void *cookie)
{
    if (!cookie || vq->num_free < n)
        return -ENOSPC;
    if (n == 0)
        return -EINVAL;
    for (unsigned i = 1; i < n; i++)
        if (segs[i - 1].writable && !segs[i].writable)
            return -EINVAL;
    uint16_t head = vq->free_head, id = head;
    for (unsigned i = 0; i < n; i++) {
        struct vq_desc *d = &vq->desc[id];
        d->addr = segs[i].addr;
        d->len = segs[i].len;
        d->flags = (uint16_t)((segs[i].writable ? VQ_DESC_F_WRITE : 0) |
                              (i + 1 < n ? VQ_DESC_F_NEXT : 0));
        if (i + 1 < n)
            id = d->next; /* the free list's next is the chain's next */
    }
    vq_publish(vq, head, id, n, cookie);
    return 0;
}

bool vq_kick_prepare(struct virtqueue *vq)
{
    uint16_t old = vq->kicked_idx, now = vq->avail_idx;
    if (old == now)
        return false;
    vq_cb();
    vq->avail->idx = now;
    vq->kicked_idx = now;
    vq_mb();
    if (vq->event_idx) {
        /* Keep used_event behind last_used: the device never interrupts. */
        vq->avail->ring[vq->size] = (uint16_t)(vq->last_used - 1);
        uint16_t event = *(volatile uint16_t *)&vq->used->ring[vq->size];
        return (uint16_t)(now - event - 1) < (uint16_t)(now - old);
    }
    return !(*(volatile uint16_t *)&vq->used->flags & VQ_USED_F_NO_NOTIFY);
}

bool vq_enable_irq(struct virtqueue *vq)
{
    if (vq->event_idx)
        vq->avail->ring[vq->size] = vq->last_used; /* used_event */
    else
        vq->avail->flags = 0;
    vq_mb();
    return *(volatile uint16_t *)&vq->used->idx != vq->last_used;
}

void vq_disable_irq(struct virtqueue *vq)
{
    if (vq->event_idx)
        vq->avail->ring[vq->size] = (uint16_t)(vq->last_used - 1);
    else
        vq->avail->flags = VQ_AVAIL_F_NO_INTERRUPT;
}

/* Returns the chain starting at descriptor `head` to the free list. */
static void vq_free_desc(struct virtqueue *vq, uint16_t head)
{
    uint16_t id = head, n = 1;
    vq->cookie[head] = NULL;
    while ((vq->desc[id].flags & VQ_DESC_F_NEXT) && n < vq->size) {
        id = vq->desc[id].next & (vq->size - 1);
        n++;
    }
    vq->desc[id].flags = 0;
    vq->desc[id].next = vq->free_head;
    vq->free_head = head;
    vq->num_free = (uint16_t)(vq->num_free + n);
}

void *vq_get_used(struct virtqueue *vq, uint32_t *len)
{
    for (;;) {
        uint16_t used_idx = *(volatile uint16_t *)&vq->used->idx;
        if (used_idx == vq->last_used)
            return NULL;
        vq_cb(); /* read the entry after the index */
        struct vq_used_elem e = vq->used->ring[vq->last_used & (vq->size - 1)];
        vq->last_used++;
        if (e.id >= vq->size || !vq->cookie[e.id]) {
            vq->bad_used++;
            continue;
        }
        void *cookie = vq->cookie[e.id];
        vq_free_desc(vq, (uint16_t)e.id);
        if (len)
            *len = e.len;
        return cookie;
    }
}

void *vq_detach_unused(struct virtqueue *vq)
{
    for (uint16_t i = 0; i < vq->size; i++) {
        if (vq->cookie[i]) {
            void *c = vq->cookie[i];
            vq_free_desc(vq, i);
            return c;
        }
    }
    return NULL;
}
