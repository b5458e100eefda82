/*
 * test_xen_pvclock.c — the pvclock arithmetic of the xen target
 * (libos/xen/pvclock.h) against values computed by hand: Xen's scale is a
 * shift then a 32.32 fixed-point multiply.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "libos/xen/pvclock.h"

static void scale_of_a_1ghz_tsc_is_identity(void **state)
{
    /* 1 GHz: mul = 2^31 with shift 1 (Xen's normalised form of 1.0). */
    assert_int_equal(pvclock_scale(123456789, 0x80000000u, 1), 123456789);
}

static void scale_of_a_3ghz_tsc_divides_by_three(void **state)
{
    /* 3 GHz: ns = ticks / 3 = (ticks >> 1) * (2/3 * 2^32) >> 32. */
    uint32_t mul = (uint32_t)((2ull << 32) / 3);
    uint64_t ns = pvclock_scale(3000000000ull, mul, -1);
    assert_true(ns >= 999999999ull && ns <= 1000000000ull);
}

static void scale_does_not_overflow_on_a_long_delta(void **state)
{
    /* A day of a 4 GHz TSC: the 64x32 product needs 128 bits. */
    uint64_t ticks = 4000000000ull * 86400ull;
    uint64_t ns = pvclock_scale(ticks, 0x80000000u, -1); /* 0.25 ns per tick */
    assert_true(ns == 86400ull * 1000000000ull);
}

static void time_adds_the_scaled_delta_to_system_time(void **state)
{
    struct xen_vcpu_time_info t = {
        .tsc_timestamp = 1000, .system_time = 5000000000ull,
        .tsc_to_system_mul = 0x80000000u, .tsc_shift = 1,
    };
    assert_int_equal(pvclock_time(&t, 1500), 5000000500ull);
}

static void a_tsc_before_the_record_counts_as_no_time(void **state)
{
    struct xen_vcpu_time_info t = {
        .tsc_timestamp = 1000, .system_time = 42, .tsc_to_system_mul = 0x80000000u,
        .tsc_shift = 1,
    };
    assert_int_equal(pvclock_time(&t, 999), 42);
}

static void read_copies_a_stable_record(void **state)
{
    struct xen_vcpu_time_info live = {
        .version = 6, .tsc_timestamp = 7, .system_time = 8, .tsc_to_system_mul = 9,
        .tsc_shift = -2,
    }, out;
    memset(&out, 0, sizeof out);
    pvclock_read(&live, &out);
    assert_int_equal(out.version, 6);
    assert_int_equal(out.tsc_timestamp, 7);
    assert_int_equal(out.system_time, 8);
    assert_int_equal(out.tsc_to_system_mul, 9);
    assert_int_equal(out.tsc_shift, -2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scale_of_a_1ghz_tsc_is_identity),
        cmocka_unit_test(scale_of_a_3ghz_tsc_divides_by_three),
        cmocka_unit_test(scale_does_not_overflow_on_a_long_delta),
        cmocka_unit_test(time_adds_the_scaled_delta_to_system_time),
        cmocka_unit_test(a_tsc_before_the_record_counts_as_no_time),
        cmocka_unit_test(read_copies_a_stable_record),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
