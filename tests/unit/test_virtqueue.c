/*
 * test_virtqueue.c — virtio/virtqueue.c (split virtqueue, driver side)
 * against a device played in memory by this test: it reads the available
 * ring, completes buffers in any order through the used ring, and sets the
 * notification fields a real device would.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "virtio/virtqueue.c"

struct vq_fixture {
    struct virtqueue vq;
    void *mem;
    void *cookies[VQ_MAX_SIZE];
    uint16_t dev_avail;  /* device: next avail entry to consume */
    uint16_t dev_used;   /* device: used idx */
};

static struct vq_fixture *fx_new(uint16_t size, bool event_idx)
{
    struct vq_fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->mem = aligned_alloc(4096, (vq_mem_size(size) + 4095) & ~(size_t)4095);
    assert_non_null(f->mem);
    memset(f->mem, 0, vq_mem_size(size));
    assert_int_equal(vq_init(&f->vq, size, f->mem, f->cookies, event_idx), 0);
    return f;
}

static void fx_free(struct vq_fixture *f)
{
    free(f->mem);
    free(f);
}

/* Device: takes the next available descriptor id.  Returns it or -1. */
static int dev_pop(struct vq_fixture *f)
{
    if (f->dev_avail == f->vq.avail->idx)
        return -1;
    return f->vq.avail->ring[f->dev_avail++ & (f->vq.size - 1)];
}

/* Device: returns descriptor id with `len` bytes written. */
static void dev_push(struct vq_fixture *f, uint32_t id, uint32_t len)
{
    f->vq.used->ring[f->dev_used & (f->vq.size - 1)] = (struct vq_used_elem){ id, len };
    f->dev_used++;
    f->vq.used->idx = f->dev_used;
}

/* Device: completes descriptor `id` and returns whether the spec's
 * notification rule (2.7.10) asks it to interrupt the driver now. */
static bool dev_push_irq(struct vq_fixture *f, uint32_t id)
{
    uint16_t old = f->dev_used;
    dev_push(f, id, 60);
    if (!f->vq.event_idx)
        return !(f->vq.avail->flags & VQ_AVAIL_F_NO_INTERRUPT);
    uint16_t event = f->vq.avail->ring[f->vq.size], now = f->dev_used;
    return (uint16_t)(now - event - 1) < (uint16_t)(now - old);
}

/* Posts n receive buffers and lets the device take them.  Returns the
 * first descriptor id. */
static int fx_post(struct vq_fixture *f, int *tokens, int n)
{
    for (int i = 0; i < n; i++)
        assert_int_equal(vq_add(&f->vq, 0x1000 * (i + 1), 2048, true, &tokens[i]), 0);
    vq_kick_prepare(&f->vq);
    int first = dev_pop(f);
    for (int i = 1; i < n; i++)
        dev_pop(f);
    return first;
}

static void test_irq_off_until_enabled(void **state)
{
    for (int ev = 0; ev < 2; ev++) {
        struct vq_fixture *f = fx_new(8, ev);
        int t[4];
        int id = fx_post(f, t, 4);
        assert_false(dev_push_irq(f, (uint32_t)id));
        assert_non_null(vq_get_used(&f->vq, NULL));
        assert_false(dev_push_irq(f, (uint32_t)id + 1));
        fx_free(f);
    }
}

static void test_enable_irq_interrupts_at_next_buffer(void **state)
{
    for (int ev = 0; ev < 2; ev++) {
        struct vq_fixture *f = fx_new(8, ev);
        int t[4];
        int id = fx_post(f, t, 4);
        assert_false(vq_enable_irq(&f->vq)); /* nothing waiting: sleep */
        assert_true(dev_push_irq(f, (uint32_t)id));
        fx_free(f);
    }
}

static void test_enable_irq_reports_a_waiting_buffer(void **state)
{
    for (int ev = 0; ev < 2; ev++) {
        struct vq_fixture *f = fx_new(8, ev);
        int t[4];
        int id = fx_post(f, t, 4);
        assert_false(dev_push_irq(f, (uint32_t)id)); /* arrived while polling */
        assert_true(vq_enable_irq(&f->vq));          /* so do not sleep */
        assert_ptr_equal(vq_get_used(&f->vq, NULL), &t[0]);
        assert_false(vq_enable_irq(&f->vq));
        fx_free(f);
    }
}

static void test_disable_and_kick_turn_irq_off(void **state)
{
    for (int ev = 0; ev < 2; ev++) {
        struct vq_fixture *f = fx_new(8, ev);
        int t[4];
        int id = fx_post(f, t, 4);
        vq_enable_irq(&f->vq);
        vq_disable_irq(&f->vq);
        assert_false(dev_push_irq(f, (uint32_t)id));
        fx_free(f);
    }
    struct vq_fixture *f = fx_new(8, true); /* a kick decision also turns it off */
    int t[5];
    int id = fx_post(f, t, 4);
    vq_enable_irq(&f->vq);
    vq_add(&f->vq, 0x9000, 2048, true, &t[4]);
    vq_kick_prepare(&f->vq);
    assert_false(dev_push_irq(f, (uint32_t)id));
    fx_free(f);
}

static void test_init_rejects_bad_sizes(void **state)
{
    struct virtqueue vq;
    void *cookies[8];
    static char mem[16384] __attribute__((aligned(4096)));
    assert_int_equal(vq_init(&vq, 0, mem, cookies, false), -EINVAL);
    assert_int_equal(vq_init(&vq, 6, mem, cookies, false), -EINVAL);
    assert_int_equal(vq_init(&vq, 2048, mem, cookies, false), -EINVAL);
    assert_int_equal(vq_init(&vq, 8, NULL, cookies, false), -EINVAL);
    assert_int_equal(vq_init(&vq, 8, mem, cookies, false), 0);
    assert_int_equal(vq_num_free(&vq), 8);
}

static void test_layout_puts_used_ring_on_a_page(void **state)
{
    struct vq_fixture *f = fx_new(256, false);
    assert_int_equal(((uintptr_t)f->vq.used - (uintptr_t)f->mem) % 4096, 0);
    assert_true((char *)f->vq.avail >= (char *)f->vq.desc + 16 * 256);
    assert_true((char *)f->vq.used >= (char *)f->vq.avail + 6 + 2 * 256);
    assert_true(vq_mem_size(256) >= (size_t)((char *)f->vq.used - (char *)f->mem) + 6 + 8 * 256);
    fx_free(f);
}

static void test_add_fills_until_full(void **state)
{
    struct vq_fixture *f = fx_new(8, false);
    int tokens[9];
    for (int i = 0; i < 8; i++)
        assert_int_equal(vq_add(&f->vq, 0x1000 * (i + 1), 100, true, &tokens[i]), 0);
    assert_int_equal(vq_num_free(&f->vq), 0);
    assert_int_equal(vq_add(&f->vq, 0x9000, 100, true, &tokens[8]), -ENOSPC);
    assert_int_equal(vq_add(&f->vq, 0x9000, 100, true, NULL), -ENOSPC);
    fx_free(f);
}

static void test_buffers_published_only_on_kick(void **state)
{
    struct vq_fixture *f = fx_new(8, false);
    int t;
    assert_int_equal(vq_add(&f->vq, 0x2000, 64, false, &t), 0);
    assert_int_equal(f->vq.avail->idx, 0);
    assert_int_equal(dev_pop(f), -1);
    assert_true(vq_kick_prepare(&f->vq));
    int id = dev_pop(f);
    assert_true(id >= 0);
    assert_int_equal(f->vq.desc[id].addr, 0x2000);
    assert_int_equal(f->vq.desc[id].len, 64);
    assert_int_equal(f->vq.desc[id].flags, 0);
    assert_false(vq_kick_prepare(&f->vq)); /* nothing new */
    fx_free(f);
}

static void test_device_writable_flag(void **state)
{
    struct vq_fixture *f = fx_new(8, false);
    int t;
    vq_add(&f->vq, 0x3000, 2048, true, &t);
    vq_kick_prepare(&f->vq);
    assert_int_equal(f->vq.desc[dev_pop(f)].flags, VQ_DESC_F_WRITE);
    fx_free(f);
}

static void test_used_out_of_order_returns_each_cookie_once(void **state)
{
    struct vq_fixture *f = fx_new(8, false);
    int t[4];
    int ids[4];
    for (int i = 0; i < 4; i++)
        vq_add(&f->vq, 0x1000 * (i + 1), 10, true, &t[i]);
    vq_kick_prepare(&f->vq);
    for (int i = 0; i < 4; i++)
        ids[i] = dev_pop(f);
    dev_push(f, ids[2], 30);
    dev_push(f, ids[0], 10);
    uint32_t len;
    assert_ptr_equal(vq_get_used(&f->vq, &len), &t[2]);
    assert_int_equal(len, 30);
    assert_ptr_equal(vq_get_used(&f->vq, &len), &t[0]);
    assert_int_equal(len, 10);
    assert_null(vq_get_used(&f->vq, &len));
    assert_int_equal(vq_num_free(&f->vq), 6);
    fx_free(f);
}

static void test_ring_wraps_many_times(void **state)
{
    struct vq_fixture *f = fx_new(4, false);
    int t[4];
    for (int round = 0; round < 70000; round++) { /* wraps the 16-bit indexes */
        int k = round % 4;
        assert_int_equal(vq_add(&f->vq, 0x1000, 1, true, &t[k]), 0);
        vq_kick_prepare(&f->vq);
        int id = dev_pop(f);
        assert_true(id >= 0 && id < 4);
        dev_push(f, (uint32_t)id, (uint32_t)round);
        uint32_t len;
        assert_ptr_equal(vq_get_used(&f->vq, &len), &t[k]);
        assert_int_equal(len, (uint32_t)round);
    }
    assert_int_equal(vq_num_free(&f->vq), 4);
    fx_free(f);
}

static void test_bogus_used_id_is_counted_and_skipped(void **state)
{
    struct vq_fixture *f = fx_new(8, false);
    int t;
    vq_add(&f->vq, 0x1000, 1, true, &t);
    vq_kick_prepare(&f->vq);
    int id = dev_pop(f);
    dev_push(f, 99, 1);                  /* out of range */
    dev_push(f, (uint32_t)(id + 1), 1);  /* not in flight */
    dev_push(f, (uint32_t)id, 5);
    uint32_t len;
    assert_ptr_equal(vq_get_used(&f->vq, &len), &t);
    assert_int_equal(f->vq.bad_used, 2);
    assert_null(vq_get_used(&f->vq, &len));
    fx_free(f);
}

static void test_no_notify_flag_suppresses_kick(void **state)
{
    struct vq_fixture *f = fx_new(8, false);
    int t;
    f->vq.used->flags = VQ_USED_F_NO_NOTIFY;
    vq_add(&f->vq, 0x1000, 1, true, &t);
    assert_false(vq_kick_prepare(&f->vq));
    assert_int_equal(f->vq.avail->idx, 1); /* published all the same */
    assert_int_equal(f->vq.avail->flags, VQ_AVAIL_F_NO_INTERRUPT);
    fx_free(f);
}

static void test_event_idx_kicks_only_when_crossing_avail_event(void **state)
{
    struct vq_fixture *f = fx_new(8, true);
    int t[8];
    uint16_t *avail_event = (uint16_t *)&f->vq.used->ring[8]; /* after the ring */
    *avail_event = 0; /* device wants a kick once entry 0 is published */
    vq_add(&f->vq, 0x1000, 1, true, &t[0]);
    assert_true(vq_kick_prepare(&f->vq));
    *avail_event = 5; /* device: wake me when idx passes 5 */
    vq_add(&f->vq, 0x1000, 1, true, &t[1]);
    assert_false(vq_kick_prepare(&f->vq)); /* idx 1 -> 2 */
    for (int i = 2; i < 6; i++)
        vq_add(&f->vq, 0x1000, 1, true, &t[i]);
    assert_true(vq_kick_prepare(&f->vq)); /* idx 2 -> 6 crosses 5 */
    assert_int_equal(f->vq.avail->flags, 0);
    fx_free(f);
}

static void test_detach_unused_returns_everything_in_flight(void **state)
{
    struct vq_fixture *f = fx_new(8, false);
    int t[3];
    for (int i = 0; i < 3; i++)
        vq_add(&f->vq, 0x1000, 1, true, &t[i]);
    int seen = 0;
    void *c;
    while ((c = vq_detach_unused(&f->vq))) {
        assert_true(c == &t[0] || c == &t[1] || c == &t[2]);
        seen++;
    }
    assert_int_equal(seen, 3);
    assert_int_equal(vq_num_free(&f->vq), 8);
    fx_free(f);
}

static void test_chain_links_segments_and_frees_them_together(void **state)
{
    struct vq_fixture *f = fx_new(8, false);
    int t;
    const struct vq_seg segs[3] = { {0x1000, 2, false}, {0x2000, 2, false}, {0x3000, 1, true} };
    assert_int_equal(vq_add_chain(&f->vq, segs, 3, &t), 0);
    assert_int_equal(vq_num_free(&f->vq), 5);
    vq_kick_prepare(&f->vq);
    int head = dev_pop(f);
    uint16_t id = (uint16_t)head;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(f->vq.desc[id].addr, segs[i].addr);
        assert_int_equal(f->vq.desc[id].len, segs[i].len);
        assert_int_equal(!!(f->vq.desc[id].flags & VQ_DESC_F_WRITE), segs[i].writable);
        assert_int_equal(!!(f->vq.desc[id].flags & VQ_DESC_F_NEXT), i < 2);
        id = f->vq.desc[id].next;
    }
    dev_push(f, (uint32_t)head, 1);
    uint32_t len;
    assert_ptr_equal(vq_get_used(&f->vq, &len), &t);
    assert_int_equal(vq_num_free(&f->vq), 8);
    /* every descriptor is usable again */
    int u[8];
    for (int i = 0; i < 8; i++)
        assert_int_equal(vq_add(&f->vq, 0x1000, 1, true, &u[i]), 0);
    fx_free(f);
}

static void test_chain_needs_room_and_order(void **state)
{
    struct vq_fixture *f = fx_new(4, false);
    int t;
    const struct vq_seg bad[2] = { {0x1000, 1, true}, {0x2000, 1, false} };
    const struct vq_seg five[5] = { {1, 1, false}, {2, 1, false}, {3, 1, false}, {4, 1, false},
                                    {5, 1, true} };
    assert_int_equal(vq_add_chain(&f->vq, bad, 2, &t), -EINVAL);
    assert_int_equal(vq_add_chain(&f->vq, five, 5, &t), -ENOSPC);
    assert_int_equal(vq_add_chain(&f->vq, five, 0, &t), -EINVAL);
    assert_int_equal(vq_num_free(&f->vq), 4);
    assert_int_equal(f->vq.avail_idx, 0);
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_rejects_bad_sizes),
        cmocka_unit_test(test_layout_puts_used_ring_on_a_page),
        cmocka_unit_test(test_add_fills_until_full),
        cmocka_unit_test(test_buffers_published_only_on_kick),
        cmocka_unit_test(test_device_writable_flag),
        cmocka_unit_test(test_used_out_of_order_returns_each_cookie_once),
        cmocka_unit_test(test_ring_wraps_many_times),
        cmocka_unit_test(test_bogus_used_id_is_counted_and_skipped),
        cmocka_unit_test(test_no_notify_flag_suppresses_kick),
        cmocka_unit_test(test_event_idx_kicks_only_when_crossing_avail_event),
        cmocka_unit_test(test_detach_unused_returns_everything_in_flight),
        cmocka_unit_test(test_chain_links_segments_and_frees_them_together),
        cmocka_unit_test(test_chain_needs_room_and_order),
        cmocka_unit_test(test_irq_off_until_enabled),
        cmocka_unit_test(test_enable_irq_interrupts_at_next_buffer),
        cmocka_unit_test(test_enable_irq_reports_a_waiting_buffer),
        cmocka_unit_test(test_disable_and_kick_turn_irq_off),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
