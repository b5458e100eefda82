/*
 * test_pvclock.c — libos/x86_64/pvclock.c: the TSC frequency a pvclock
 * record describes (checked against records built from known frequencies
 * the way KVM and Xen build them) and the consistent read of a record the
 * hypervisor may be updating.
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_frequencies_round_trip),
        cmocka_unit_test(test_nonsense_records_give_zero),
        cmocka_unit_test(test_read_copies_a_stable_record),
        cmocka_unit_test(test_read_refuses_an_update_in_progress),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
