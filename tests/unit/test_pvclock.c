/*
 * test_pvclock.c — libos/x86_64/pvclock.c: the TSC frequency a pvclock
 * record describes (checked against records built from known frequencies
 * the way KVM and Xen build them), the consistent read of a record the
 * hypervisor may be updating, and the time it gives (shift, then a 32.32
 * fixed-point multiply) against values computed by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <cmocka.h>

#include "libos/x86_64/pvclock.c"

/* Builds (mul, shift) for `hz` as the hypervisors do: shift the TSC until
 * the ratio ns/tick fits in 32.32 fixed point below 1. */
static void make_record(uint64_t hz, uint32_t *mul, int8_t *shift)
{
    uint64_t scaled = hz, base = 1000000000ull;
    int s = 0;
    while (scaled > 2 * base) {
        scaled >>= 1;
        s--;
    }
    while (scaled <= base) {
        scaled <<= 1;
        s++;
    }
    *mul = (uint32_t)((base << 32) / scaled);
    *shift = (int8_t)s;
}

static void test_known_frequencies_round_trip(void **state)
{
    const uint64_t hz[] = { 1000000000ull, 2445402000ull, 3600000000ull, 100000000ull,
                            5123456789ull };
    for (unsigned i = 0; i < sizeof hz / sizeof hz[0]; i++) {
        uint32_t mul;
        int8_t shift;
        make_record(hz[i], &mul, &shift);
        uint64_t got = pvclock_tsc_hz(mul, shift);
        uint64_t err = got > hz[i] ? got - hz[i] : hz[i] - got;
        assert_true(err * 1000000 <= hz[i]); /* within 1 ppm */
    }
}

static void test_nonsense_records_give_zero(void **state)
{
    assert_int_equal(pvclock_tsc_hz(0, 0), 0);
    assert_int_equal(pvclock_tsc_hz(1, 0), 0);          /* 4e18 Hz */
    assert_int_equal(pvclock_tsc_hz(0xffffffffu, 31), 0); /* far below 1 MHz */
    assert_int_equal(pvclock_tsc_hz(0x80000000u, 40), 0); /* shift out of range */
    assert_int_equal(pvclock_tsc_hz(0x80000000u, -40), 0);
}

static void test_read_copies_a_stable_record(void **state)
{
    struct pvclock_time_info t = { .version = 4, .tsc_to_system_mul = 0x12345678,
                                   .tsc_shift = -1 };
    uint32_t mul = 0;
    int8_t shift = 0;
    assert_int_equal(pvclock_read(&t, 3, &mul, &shift), 0);
    assert_int_equal(mul, 0x12345678);
    assert_int_equal(shift, -1);
}

static void test_read_refuses_an_update_in_progress(void **state)
{
    struct pvclock_time_info t = { .version = 5, .tsc_to_system_mul = 7 };
    uint32_t mul = 0;
    int8_t shift = 0;
    assert_int_equal(pvclock_read(&t, 3, &mul, &shift), -EAGAIN); /* odd: updating */
    t.version = 0;
    assert_int_equal(pvclock_read(&t, 3, &mul, &shift), -EAGAIN); /* never written */
    assert_int_equal(mul, 0);
}

static void test_scale_of_a_1ghz_tsc_is_identity(void **state)
{
    /* 1 GHz: mul = 2^31 with shift 1 (the normalised form of 1.0). */
    assert_int_equal(pvclock_scale(123456789, 0x80000000u, 1), 123456789);
}

static void test_scale_of_a_3ghz_tsc_divides_by_three(void **state)
{
    uint32_t mul = (uint32_t)((2ull << 32) / 3); /* (ticks >> 1) * 2/3 */
    uint64_t ns = pvclock_scale(3000000000ull, mul, -1);
    assert_true(ns >= 999999999ull && ns <= 1000000000ull);
}

static void test_scale_does_not_overflow_on_a_long_delta(void **state)
{
    /* A day of a 4 GHz TSC: the 64x32 product needs 128 bits. */
    uint64_t ns = pvclock_scale(4000000000ull * 86400ull, 0x80000000u, -1);
    assert_true(ns == 86400ull * 1000000000ull);
}

static void test_ns_adds_the_scaled_delta_to_system_time(void **state)
{
    struct pvclock_time_info t = {
        .tsc_timestamp = 1000, .system_time = 5000000000ull,
        .tsc_to_system_mul = 0x80000000u, .tsc_shift = 1,
    };
    assert_int_equal(pvclock_ns(&t, 1500), 5000000500ull);
    assert_int_equal(pvclock_ns(&t, 999), 5000000000ull); /* before the record: no time */
}

static void test_snapshot_copies_every_field(void **state)
{
    struct pvclock_time_info live = {
        .version = 6, .tsc_timestamp = 7, .system_time = 8, .tsc_to_system_mul = 9,
        .tsc_shift = -2, .flags = 1,
    }, out = { 0 };
    assert_int_equal(pvclock_snapshot(&live, 1, &out), 0);
    assert_int_equal(out.version, 6);
    assert_int_equal(out.tsc_timestamp, 7);
    assert_int_equal(out.system_time, 8);
    assert_int_equal(out.tsc_to_system_mul, 9);
    assert_int_equal(out.tsc_shift, -2);
    live.version = 7; /* an update in progress */
    assert_int_equal(pvclock_snapshot(&live, 3, &out), -EAGAIN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_frequencies_round_trip),
        cmocka_unit_test(test_nonsense_records_give_zero),
        cmocka_unit_test(test_read_copies_a_stable_record),
        cmocka_unit_test(test_read_refuses_an_update_in_progress),
        cmocka_unit_test(test_scale_of_a_1ghz_tsc_is_identity),
        cmocka_unit_test(test_scale_of_a_3ghz_tsc_divides_by_three),
        cmocka_unit_test(test_scale_does_not_overflow_on_a_long_delta),
        cmocka_unit_test(test_ns_adds_the_scaled_delta_to_system_time),
        cmocka_unit_test(test_snapshot_copies_every_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
