/* Unit tests for the packet pool (libos/common/pkt.c, os/pkt.h). */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "os/pkt.h"
#include "os/rand.h"

#define N 8

static int setup_pool(void **state)
{
    *state = pkt_pool_create(N, PKT_DEFAULT_SLOT, PKT_DEFAULT_HEADROOM);
    return *state ? 0 : -1;
}

static int teardown_pool(void **state)
{
    pkt_pool_destroy(*state);
    return 0;
}

static void test_create_rejects_bad_arguments(void **state)
{
    (void)state;
    assert_null(pkt_pool_create(0, 2048, 128));
    assert_null(pkt_pool_create(4, 0, 0));
    assert_null(pkt_pool_create(4, 128, 128));
    assert_null(pkt_pool_create(4, 100, 200));
    assert_null(pkt_pool_create(UINT32_MAX, UINT32_MAX - 100, 0));
}

static void test_slot_size_rounded_and_page_aligned(void **state)
{
    (void)state;
    struct pkt_pool *pool = pkt_pool_create(3, 100, 10);
    assert_non_null(pool);
    struct pkt *p = pkt_alloc(pool);
    assert_int_equal(p->buf_size, 128);
    pkt_free(p);
    pkt_pool_destroy(pool);

    pool = pkt_pool_create(3, 4096, 0);
    assert_non_null(pool);
    struct pkt *a[3];
    assert_int_equal(pkt_alloc_burst(pool, a, 3), 3);
    for (int i = 0; i < 3; i++)
        assert_int_equal((uintptr_t)a[i]->buf % 4096, 0);
    pkt_free_burst(a, 3);
    pkt_pool_destroy(pool);
}

/* 2048-byte slots are 33 cache lines apart: the first line of 64
 * consecutive frames falls into 64 different L1 sets (a 4 KiB, 64-set
 * index), not into 2. */
static void test_slots_spread_over_cache_sets(void **state)
{
    (void)state;
    struct pkt_pool *pool = pkt_pool_create(64, PKT_DEFAULT_SLOT, PKT_DEFAULT_HEADROOM);
    assert_non_null(pool);
    struct pkt *a[64];
    assert_int_equal(pkt_alloc_burst(pool, a, 64), 64);
    uint64_t sets = 0;
    for (int i = 0; i < 64; i++) {
        assert_int_equal(a[i]->buf_size, PKT_DEFAULT_SLOT);
        sets |= 1ull << (((uintptr_t)a[i]->data >> 6) & 63);
    }
    assert_true(sets == ~0ull);
    pkt_free_burst(a, 64);
    pkt_pool_destroy(pool);
}

static void test_alloc_gives_fresh_packet(void **state)
{
    struct pkt_pool *pool = *state;
    struct pkt *p = pkt_alloc(pool);
    assert_non_null(p);
    assert_int_equal(p->len, 0);
    assert_int_equal(p->refcnt, 1);
    assert_int_equal(p->in_port, 0);
    assert_ptr_equal(p->pool, pool);
    assert_ptr_equal(p->data, p->buf + PKT_DEFAULT_HEADROOM);
    assert_int_equal(pkt_headroom(p), PKT_DEFAULT_HEADROOM);
    assert_int_equal(pkt_tailroom(p), PKT_DEFAULT_SLOT - PKT_DEFAULT_HEADROOM);
    assert_int_equal(pkt_pool_headroom(pool), PKT_DEFAULT_HEADROOM);
    /* Fields a previous user set are reset. */
    p->in_port = 3;
    p->ts_ns = 99;
    p->drv = 7;
    pkt_put(p, 10);
    pkt_free(p);
    p = pkt_alloc(pool);
    assert_int_equal(p->len, 0);
    assert_int_equal(p->in_port, 0);
    assert_int_equal(p->ts_ns, 0);
    assert_int_equal(p->drv, 0);
    pkt_free(p);
}

static void test_exhaustion_is_counted(void **state)
{
    struct pkt_pool *pool = *state;
    struct pkt *a[N];
    for (int i = 0; i < N; i++)
        assert_non_null(a[i] = pkt_alloc(pool));
    assert_int_equal(pkt_pool_avail(pool), 0);
    assert_null(pkt_alloc(pool));
    assert_null(pkt_alloc(pool));
    struct pkt_pool_stats st;
    pkt_pool_get_stats(pool, &st);
    assert_int_equal(st.allocs, N);
    assert_int_equal(st.alloc_fail, 2);
    pkt_free_burst(a, N);
    assert_int_equal(pkt_pool_avail(pool), N);
}

static void test_alloc_burst_gives_as_many_as_possible(void **state)
{
    struct pkt_pool *pool = *state;
    struct pkt *a[N + 4];
    assert_int_equal(pkt_alloc_burst(pool, a, 3), 3);
    assert_int_equal(pkt_alloc_burst(pool, a + 3, N + 1), N - 3);
    assert_int_equal(pkt_alloc_burst(pool, a + N, 1), 0);
    struct pkt_pool_stats st;
    pkt_pool_get_stats(pool, &st);
    assert_int_equal(st.allocs, N);
    assert_int_equal(st.alloc_fail, 5); /* 4 short in the 2nd burst, 1 in the 3rd */
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++)
            assert_ptr_not_equal(a[i], a[j]);
    pkt_free_burst(a, N);
    assert_int_equal(pkt_pool_avail(pool), N);
}

static void test_free_is_lifo(void **state)
{
    struct pkt_pool *pool = *state;
    struct pkt *a = pkt_alloc(pool), *b = pkt_alloc(pool);
    pkt_free(a);
    pkt_free(b);
    assert_ptr_equal(pkt_alloc(pool), b);
    assert_ptr_equal(pkt_alloc(pool), a);
    pkt_free(a);
    pkt_free(b);
}

static void test_free_null_is_ignored(void **state)
{
    struct pkt_pool *pool = *state;
    pkt_free(NULL);
    assert_int_equal(pkt_pool_avail(pool), N);
}

static void test_push_pull_bounds(void **state)
{
    struct pkt *p = pkt_alloc(*state);
    memset(pkt_put(p, 20), 0xaa, 20);
    uint8_t *d = p->data;
    assert_null(pkt_push(p, PKT_DEFAULT_HEADROOM + 1));
    assert_ptr_equal(p->data, d);
    assert_int_equal(p->len, 20);
    assert_ptr_equal(pkt_push(p, 4), d - 4);
    assert_int_equal(p->len, 24);
    assert_ptr_equal(pkt_push(p, PKT_DEFAULT_HEADROOM - 4), p->buf);
    assert_int_equal(pkt_headroom(p), 0);
    assert_null(pkt_push(p, 1));
    assert_null(pkt_pull(p, p->len + 1));
    assert_ptr_equal(p->data, p->buf);
    assert_ptr_equal(pkt_pull(p, PKT_DEFAULT_HEADROOM), d);
    assert_int_equal(p->len, 20);
    assert_int_equal(p->data[0], 0xaa);
    assert_non_null(pkt_pull(p, 20));
    assert_int_equal(p->len, 0);
    pkt_free(p);
}

static void test_put_trim_bounds(void **state)
{
    struct pkt *p = pkt_alloc(*state);
    uint32_t room = pkt_tailroom(p);
    assert_null(pkt_put(p, room + 1));
    assert_int_equal(p->len, 0);
    uint8_t *t = pkt_put(p, 10);
    assert_ptr_equal(t, p->data);
    assert_ptr_equal(pkt_put(p, room - 10), p->data + 10);
    assert_int_equal(pkt_tailroom(p), 0);
    assert_null(pkt_put(p, 1));
    assert_int_equal(p->len, room);
    pkt_trim(p, room + 5);
    assert_int_equal(p->len, room);
    pkt_trim(p, 60);
    assert_int_equal(p->len, 60);
    pkt_trim(p, 0);
    assert_int_equal(p->len, 0);
    pkt_free(p);
}

static void test_refcount_sharing(void **state)
{
    struct pkt_pool *pool = *state;
    struct pkt *p = pkt_alloc(pool);
    assert_false(pkt_is_shared(p));
    assert_ptr_equal(pkt_ref(p), p);
    assert_true(pkt_is_shared(p));
    pkt_free(p);
    assert_false(pkt_is_shared(p));
    assert_int_equal(pkt_pool_avail(pool), N - 1);
    pkt_free(p);
    assert_int_equal(pkt_pool_avail(pool), N);
}

static void test_copy_keeps_frame_and_metadata(void **state)
{
    struct pkt_pool *pool = *state;
    struct pkt *p = pkt_alloc(pool);
    for (int i = 0; i < 64; i++)
        pkt_put(p, 1)[0] = (uint8_t)i;
    pkt_push(p, 4);
    memset(p->data, 0x55, 4);
    p->in_port = 7;
    p->ts_ns = 123456789;
    struct pkt *q = pkt_copy(p);
    assert_non_null(q);
    assert_ptr_not_equal(q, p);
    assert_ptr_not_equal(q->buf, p->buf);
    assert_int_equal(q->len, 68);
    assert_int_equal(pkt_headroom(q), pkt_headroom(p));
    assert_memory_equal(q->data, p->data, 68);
    assert_int_equal(q->in_port, 7);
    assert_int_equal(q->ts_ns, 123456789);
    assert_int_equal(q->refcnt, 1);
    struct pkt_pool_stats st;
    pkt_pool_get_stats(pool, &st);
    assert_int_equal(st.copies, 1);
    pkt_free(p);
    pkt_free(q);
}

static void test_copy_fails_when_pool_empty(void **state)
{
    struct pkt_pool *pool = *state;
    struct pkt *a[N];
    assert_int_equal(pkt_alloc_burst(pool, a, N), N);
    assert_null(pkt_copy(a[0]));
    pkt_free_burst(a, N);
}

static void test_make_writable_unshared_is_noop(void **state)
{
    struct pkt *p = pkt_alloc(*state), *orig = p;
    assert_int_equal(pkt_make_writable(&p), 0);
    assert_ptr_equal(p, orig);
    pkt_free(p);
}

static void test_make_writable_copies_shared(void **state)
{
    struct pkt_pool *pool = *state;
    struct pkt *p = pkt_alloc(pool);
    memcpy(pkt_put(p, 5), "hello", 5);
    struct pkt *other = pkt_ref(p), *w = p;
    assert_int_equal(pkt_make_writable(&w), 0);
    assert_ptr_not_equal(w, p);
    assert_int_equal(p->refcnt, 1); /* one reference dropped on the original */
    assert_int_equal(w->refcnt, 1);
    w->data[0] = 'j';
    assert_memory_equal(other->data, "hello", 5);
    assert_memory_equal(w->data, "jello", 5);
    pkt_free(other);
    pkt_free(w);
    assert_int_equal(pkt_pool_avail(pool), N);
}

static void test_make_writable_enomem_leaves_packet(void **state)
{
    struct pkt_pool *pool = *state;
    struct pkt *a[N];
    assert_int_equal(pkt_alloc_burst(pool, a, N), N);
    struct pkt *p = pkt_ref(a[0]);
    assert_int_equal(pkt_make_writable(&p), -ENOMEM);
    assert_ptr_equal(p, a[0]);
    assert_int_equal(p->refcnt, 2);
    pkt_free(p);
    pkt_free_burst(a, N);
    assert_int_equal(pkt_pool_avail(pool), N);
}

static void test_stats_count_allocs_frees_copies(void **state)
{
    struct pkt_pool *pool = *state;
    struct pkt *p = pkt_alloc(pool);
    pkt_ref(p);
    struct pkt *w = p;
    assert_int_equal(pkt_make_writable(&w), 0);
    pkt_free(p);
    pkt_free(w);
    struct pkt_pool_stats st;
    pkt_pool_get_stats(pool, &st);
    assert_int_equal(st.allocs, 2);
    assert_int_equal(st.frees, 2);
    assert_int_equal(st.copies, 1);
    assert_int_equal(st.alloc_fail, 0);
    assert_int_equal(pkt_pool_size(pool), N);
}

static void test_free_list_integrity_after_many_cycles(void **state)
{
    (void)state;
    enum { M = 64 };
    struct pkt_pool *pool = pkt_pool_create(M, 256, 32);
    struct pkt *held[M];
    unsigned nheld = 0;
    struct os_rand r;
    os_rand_seed(&r, 42);
    for (int iter = 0; iter < 20000; iter++) {
        uint64_t x = os_rand_next(&r);
        if ((x & 1) && nheld < M) {
            struct pkt *b[PKT_BURST];
            unsigned want = (unsigned)(x >> 8) % 8 + 1;
            unsigned got = pkt_alloc_burst(pool, b, want);
            for (unsigned i = 0; i < got; i++)
                held[nheld++] = b[i];
        } else if (nheld) {
            unsigned i = (unsigned)(x >> 8) % nheld;
            pkt_free(held[i]);
            held[i] = held[--nheld];
        }
        assert_int_equal(pkt_pool_avail(pool) + nheld, M);
    }
    /* Every slot is distinct and owned by exactly one header. */
    pkt_free_burst(held, nheld);
    struct pkt *all[M];
    assert_int_equal(pkt_alloc_burst(pool, all, M), M);
    uint8_t seen[M] = {0};
    for (int i = 0; i < M; i++) {
        assert_true(all[i]->index < M);
        assert_int_equal(seen[all[i]->index]++, 0);
        assert_int_equal(all[i]->refcnt, 1);
    }
    pkt_free_burst(all, M);
    pkt_pool_destroy(pool);
}

static void test_double_free_is_detected(void **state)
{
    struct pkt_pool *pool = *state;
    struct pkt *p = pkt_alloc(pool);
    pkt_free(p);
#ifdef SLUICE_DEBUG
    /* Debug builds stop the process (a programmer error): check in a child. */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGILL, SIG_DFL); /* cmocka catches it otherwise */
        freopen("/dev/null", "w", stderr); /* the expected error message */
        pkt_free(p);
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGILL);
#else
    pkt_free(p); /* ignored in release builds */
#endif
    assert_int_equal(pkt_pool_avail(pool), N);
    assert_non_null(pkt_alloc(pool));
    assert_int_equal(pkt_pool_avail(pool), N - 1);
    /* The stack holds each packet once: the next alloc is a different one. */
    struct pkt *q = pkt_alloc(pool);
    assert_ptr_not_equal(q, p);
    pkt_free(q);
    pkt_free(p);
}

#ifdef SLUICE_DEBUG
static void test_freed_slot_is_poisoned(void **state)
{
    struct pkt *p = pkt_alloc(*state);
    memset(pkt_put(p, 100), 0, 100);
    uint8_t *buf = p->buf;
    uint32_t size = p->buf_size;
    pkt_free(p);
    for (uint32_t i = 0; i < size; i++)
        assert_int_equal(buf[i], 0x6b);
}
#endif

#define T(f) cmocka_unit_test_setup_teardown(f, setup_pool, teardown_pool)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_rejects_bad_arguments),
        cmocka_unit_test(test_slot_size_rounded_and_page_aligned),
        cmocka_unit_test(test_slots_spread_over_cache_sets),
        T(test_alloc_gives_fresh_packet),
        T(test_exhaustion_is_counted),
        T(test_alloc_burst_gives_as_many_as_possible),
        T(test_free_is_lifo),
        T(test_free_null_is_ignored),
        T(test_push_pull_bounds),
        T(test_put_trim_bounds),
        T(test_refcount_sharing),
        T(test_copy_keeps_frame_and_metadata),
        T(test_copy_fails_when_pool_empty),
        T(test_make_writable_unshared_is_noop),
        T(test_make_writable_copies_shared),
        T(test_make_writable_enomem_leaves_packet),
        T(test_stats_count_allocs_frees_copies),
        cmocka_unit_test(test_free_list_integrity_after_many_cycles),
        T(test_double_free_is_detected),
#ifdef SLUICE_DEBUG
        T(test_freed_slot_is_poisoned),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
