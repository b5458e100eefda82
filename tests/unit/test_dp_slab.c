/*
 * test_dp_slab.c — the flow-entry slab: zeroed, 64-byte aligned objects,
 * reuse of freed objects, growth over many chunks, and fini.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#endif

#include "datapath/dp_slab.h"

static void test_objects_are_zeroed_and_aligned(void **state)
{
    struct dp_slab s;
    dp_slab_init(&s, 200, 4096);
    assert_int_equal(s.obj_size, 256);
    unsigned char *p = dp_slab_alloc(&s);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % 64, 0);
    for (int i = 0; i < 256; i++)
        assert_int_equal(p[i], 0);
    memset(p, 0xab, 256);
    dp_slab_free(&s, p);
    unsigned char *q = dp_slab_alloc(&s); /* the same object, zeroed again */
    assert_ptr_equal(q, p);
    for (int i = 0; i < 256; i++)
        assert_int_equal(q[i], 0);
    assert_int_equal(s.in_use, 1);
    dp_slab_fini(&s);
    (void)state;
}

static void test_many_objects_are_distinct_across_chunks(void **state)
{
    enum { N = 20000 };
    static uint32_t *objs[N];
    struct dp_slab s;
    dp_slab_init(&s, 64, 4096);
    for (uint32_t i = 0; i < N; i++) {
        objs[i] = dp_slab_alloc(&s);
        assert_non_null(objs[i]);
        assert_int_equal(objs[i][1], 0);
        objs[i][1] = i; /* word 0 is reused as the free-list link */
    }
    for (uint32_t i = 0; i < N; i++)
        assert_int_equal(objs[i][1], i);
    for (uint32_t i = 0; i < N; i += 2)
        dp_slab_free(&s, objs[i]);
    assert_int_equal(s.in_use, N / 2);
    for (uint32_t i = 0; i < N; i += 2) { /* reused, not new memory */
        objs[i] = dp_slab_alloc(&s);
        objs[i][1] = i;
    }
    for (uint32_t i = 0; i < N; i++)
        assert_int_equal(objs[i][1], i);
    dp_slab_free(&s, NULL); /* ignored */
    assert_int_equal(s.in_use, N);
    dp_slab_fini(&s);
    (void)state;
}

/* Under ASan a freed or never-used object is poisoned, a live one not. */
static void test_freed_objects_are_poisoned_under_asan(void **state)
{
    (void)state;
#ifdef __SANITIZE_ADDRESS__
    struct dp_slab s;
    dp_slab_init(&s, 200, 4096);
    char *a = dp_slab_alloc(&s);
    char *b = dp_slab_alloc(&s);
    assert_non_null(a);
    assert_non_null(b);
    assert_false(__asan_address_is_poisoned(a + 199));
    assert_true(__asan_address_is_poisoned(b + s.obj_size)); /* never handed out */
    dp_slab_free(&s, a);
    assert_true(__asan_address_is_poisoned(a));
    assert_true(__asan_address_is_poisoned(a + 100));
    assert_false(__asan_address_is_poisoned(b + 100));
    char *c = dp_slab_alloc(&s); /* reuses a, zeroed and usable */
    assert_ptr_equal(c, a);
    assert_false(__asan_address_is_poisoned(c + 100));
    assert_int_equal(c[100], 0);
    dp_slab_fini(&s);
#else
    skip();
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_objects_are_zeroed_and_aligned),
        cmocka_unit_test(test_many_objects_are_distinct_across_chunks),
        cmocka_unit_test(test_freed_objects_are_poisoned_under_asan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
