/*
 * test_pvh_mem.c — the kvm target's page allocator and heap
 * (libos/pvh/mem.c) on a host buffer standing in for guest RAM, plus the
 * choice of the RAM range from a PVH memory map.  The source is compiled
 * here with its os/mem.h symbols renamed (kvm_*), so the host's own
 * os_malloc stays in place.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define os_page_alloc kvm_page_alloc
#define os_page_free kvm_page_free
#define os_malloc kvm_malloc
#define os_calloc kvm_calloc
#define os_realloc kvm_realloc
#define os_free kvm_free
#define os_strdup kvm_strdup
#include "libos/pvh/mem.c"

char __image_end[1]; /* mem_init's floor; unused by these tests */

#define ARENA (1u << 20)
static void *arena;

static int setup(void **state)
{
    arena = aligned_alloc(4096, ARENA);
    memset(arena, 0xa5, ARENA); /* allocations must come back zeroed */
    mem_arena_init((uintptr_t)arena, (uintptr_t)arena + ARENA);
    return 0;
}

static int teardown(void **state)
{
    free(arena);
    return 0;
}

static void test_pages_are_aligned_zeroed_and_bounded(void **state)
{
    unsigned char *p = kvm_page_alloc(5000);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % 4096, 0);
    for (int i = 0; i < 8192; i++)
        assert_int_equal(p[i], 0);
    assert_null(kvm_page_alloc(ARENA)); /* more than is left */
    assert_null(kvm_page_alloc(0));
    assert_null(kvm_page_alloc(SIZE_MAX));
}

static void test_freed_pages_are_reused(void **state)
{
    void *a = kvm_page_alloc(3 * 4096);
    void *b = kvm_page_alloc(4096);
    kvm_page_free(a, 3 * 4096);
    void *c = kvm_page_alloc(2 * 4096); /* first fit inside a's extent */
    assert_ptr_equal(c, a);
    void *d = kvm_page_alloc(4096);     /* the rest of it */
    assert_ptr_equal(d, (char *)a + 2 * 4096);
    kvm_page_free(b, 4096);             /* the last one goes back to the top */
    assert_ptr_equal(kvm_page_alloc(4096), b);
}

static void test_whole_arena_can_be_used_and_recovered(void **state)
{
    void *all = kvm_page_alloc(ARENA);
    assert_ptr_equal(all, arena);
    assert_null(kvm_page_alloc(4096));
    kvm_page_free(all, ARENA);
    assert_non_null(kvm_page_alloc(4096));
}

static void test_malloc_is_aligned_distinct_and_writable(void **state)
{
    void *p[64];
    for (int i = 0; i < 64; i++) {
        size_t size = (size_t)1 << (i % 14); /* 1 .. 8 KiB: classes and large */
        p[i] = kvm_malloc(size);
        assert_non_null(p[i]);
        assert_int_equal((uintptr_t)p[i] % 16, 0);
        memset(p[i], i, size);
    }
    for (int i = 0; i < 64; i++) {
        size_t size = (size_t)1 << (i % 14);
        unsigned char *b = p[i];
        assert_int_equal(b[0], i);
        assert_int_equal(b[size - 1], i);
        kvm_free(p[i]);
    }
    struct mem_stats st;
    mem_get_stats(&st);
    assert_int_equal(st.bad_frees, 0);
}

static void test_free_then_malloc_reuses_block(void **state)
{
    void *a = kvm_malloc(100);
    kvm_free(a);
    assert_ptr_equal(kvm_malloc(120), a); /* same 128-byte class */
}

static void test_calloc_zeroes_and_checks_overflow(void **state)
{
    unsigned char *a = kvm_malloc(64);
    memset(a, 0xff, 64);
    kvm_free(a);
    unsigned char *b = kvm_calloc(8, 8);
    for (int i = 0; i < 64; i++)
        assert_int_equal(b[i], 0);
    assert_null(kvm_calloc(SIZE_MAX / 2, 4));
}

/* A large block comes from the page allocator (which zeroes it): calloc
 * leaves it alone, and it is zero even when its pages were used before. */
static void test_calloc_large_reused_pages_are_zero(void **state)
{
    unsigned char *a = kvm_malloc(3 * 4096);
    memset(a, 0xff, 3 * 4096);
    unsigned char *keep = kvm_malloc(5000); /* a's pages are not the last */
    kvm_free(a);
    unsigned char *b = kvm_calloc(3, 4096);
    assert_non_null(b);
    for (int i = 0; i < 3 * 4096; i++)
        assert_int_equal(b[i], 0);
    kvm_free(keep);
}

static void test_realloc_keeps_contents(void **state)
{
    char *a = kvm_malloc(10);
    memcpy(a, "123456789", 10);
    assert_ptr_equal(kvm_realloc(a, 16), a); /* fits the block */
    char *b = kvm_realloc(a, 5000);        /* large */
    assert_non_null(b);
    assert_string_equal(b, "123456789");
    char *c = kvm_realloc(NULL, 7);
    assert_non_null(c);
    char *d = kvm_strdup("flow");
    assert_string_equal(d, "flow");
}

static void test_bad_frees_are_counted_not_fatal(void **state)
{
    int on_stack;
    void *a = kvm_malloc(32);
    kvm_free(a);
    kvm_free(a);             /* double free */
    kvm_free(&on_stack);     /* not from the heap */
    kvm_free((char *)kvm_malloc(64) + 16); /* inside a block */
    kvm_free(NULL);          /* fine */
    struct mem_stats st;
    mem_get_stats(&st);
    assert_int_equal(st.bad_frees, 3);
    assert_null(kvm_realloc(&on_stack, 10));
}

static void test_pick_range_takes_largest_ram_above_floor(void **state)
{
    struct hvm_memmap_entry map[] = {
        {0, 0x9fc00, HVM_MEMMAP_RAM, 0},
        {0xf0000, 0x10000, 2, 0},               /* reserved */
        {0x100000, 0x7f00000, HVM_MEMMAP_RAM, 0}, /* 1 MiB .. 128 MiB */
        {0x100000000ull, 0x40000000, HVM_MEMMAP_RAM, 0}, /* above the limit */
    };
    struct hvm_start_info si = { .magic = HVM_START_MAGIC, .version = 1,
                                 .memmap_paddr = (uintptr_t)map, .memmap_entries = 4 };
    uint64_t lo, hi, ram;
    assert_int_equal(mem_pick_range(&si, 0x140123, 0x100000000ull, &lo, &hi, &ram), 0);
    assert_int_equal(lo, 0x141000);
    assert_int_equal(hi, 0x8000000);
    assert_int_equal(ram, 0x9fc00 + 0x7f00000 + 0x40000000ull);
}

static void test_pick_range_without_ram_fails(void **state)
{
    struct hvm_memmap_entry map[] = { {0x100000, 0x1000, 2, 0} };
    struct hvm_start_info si = { .magic = HVM_START_MAGIC, .version = 1,
                                 .memmap_paddr = (uintptr_t)map, .memmap_entries = 1 };
    uint64_t lo, hi, ram;
    assert_int_equal(mem_pick_range(&si, 0x100000, 0x100000000ull, &lo, &hi, &ram), -ENOMEM);
    si.version = 0; /* no memory map at all */
    assert_int_equal(mem_pick_range(&si, 0x100000, 0x100000000ull, &lo, &hi, &ram), -ENOMEM);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pages_are_aligned_zeroed_and_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_freed_pages_are_reused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_whole_arena_can_be_used_and_recovered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malloc_is_aligned_distinct_and_writable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_then_malloc_reuses_block, setup, teardown),
        cmocka_unit_test_setup_teardown(test_calloc_zeroes_and_checks_overflow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_calloc_large_reused_pages_are_zero, setup, teardown),
        cmocka_unit_test_setup_teardown(test_realloc_keeps_contents, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_frees_are_counted_not_fatal, setup, teardown),
        cmocka_unit_test(test_pick_range_takes_largest_ram_above_floor),
        cmocka_unit_test(test_pick_range_without_ram_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
