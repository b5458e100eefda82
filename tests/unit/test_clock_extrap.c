/*
 * test_clock_extrap.c — libos/unix/clock_extrap.c: the unix clock
 * extrapolated from the cycle counter between readings of a slow
 * reference (used when clock_gettime is a system call).  A fake cycle
 * counter at 2.5 GHz and a fake reference clock drive it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "libos/unix/clock_extrap.h"

static uint64_t fake_tsc;   /* cycles */
static int64_t fake_skew;   /* ns added to the reference's true value */
static unsigned ref_calls;

/* The reference: exact ns of fake_tsc at 2.5 GHz, plus the skew. */
static uint64_t fake_ref(void)
{
    ref_calls++;
    return (uint64_t)((int64_t)(fake_tsc * 2 / 5) + fake_skew) + 1000000000ull;
}

static void reset(struct clk_extrap *c)
{
    *c = (struct clk_extrap){ 0 };
    fake_tsc = 1000;
    fake_skew = 0;
    ref_calls = 0;
}

/* Cycles in `ns` nanoseconds at 2.5 GHz. */
static uint64_t cyc(uint64_t ns)
{
    return ns * 5 / 2;
}

/* Resets the fakes and `c`, then reads twice CLK_EXTRAP_CAL_NS apart so
 * that `c` is calibrated.  Returns nothing. */
static void calibrated(struct clk_extrap *c)
{
    reset(c);
    (void)clk_extrap_read(c, fake_tsc, fake_ref);
    fake_tsc += cyc(CLK_EXTRAP_CAL_NS);
    (void)clk_extrap_read(c, fake_tsc, fake_ref);
}

static void test_reference_until_calibrated(void **state)
{
    (void)state;
    struct clk_extrap c;
    reset(&c);
    for (int i = 0; i < 10; i++) {
        fake_tsc += cyc(100000); /* 0.1 ms: less than CLK_EXTRAP_CAL_NS in all */
        uint64_t got = clk_extrap_read(&c, fake_tsc, fake_ref);
        assert_int_equal(got, fake_ref());
    }
    assert_int_equal(c.mult, 0);
}

static void test_extrapolates_between_syncs(void **state)
{
    (void)state;
    struct clk_extrap c;
    calibrated(&c);
    assert_true(c.mult != 0);
    unsigned calls = ref_calls;
    for (int i = 0; i < 1000; i++) {
        fake_tsc += cyc(5000); /* 5 us steps: 5 ms in all, inside one sync */
        uint64_t got = clk_extrap_read(&c, fake_tsc, fake_ref);
        uint64_t want = fake_tsc * 2 / 5 + 1000000000ull;
        assert_true(got + 2 >= want && got <= want + 2);
    }
    assert_int_equal(ref_calls, calls); /* no reference reading inside */
}

static void test_syncs_every_interval(void **state)
{
    (void)state;
    struct clk_extrap c;
    calibrated(&c);
    unsigned calls = ref_calls;
    for (int i = 0; i < 100; i++) { /* 100 ms in 1 ms steps: 10 syncs */
        fake_tsc += cyc(1000000);
        (void)clk_extrap_read(&c, fake_tsc, fake_ref);
    }
    assert_in_range(ref_calls - calls, 9, 11);
}

static void test_never_goes_back(void **state)
{
    (void)state;
    struct clk_extrap c;
    calibrated(&c);
    fake_tsc += cyc(CLK_EXTRAP_SYNC_NS - 1000);
    uint64_t before = clk_extrap_read(&c, fake_tsc, fake_ref);
    fake_skew = -500000; /* the reference is 0.5 ms behind at the next sync */
    fake_tsc += cyc(2000);
    uint64_t after = clk_extrap_read(&c, fake_tsc, fake_ref);
    assert_true(after >= before);
    fake_tsc -= 10; /* a cycle counter that went back (another CPU) resyncs */
    assert_true(clk_extrap_read(&c, fake_tsc, fake_ref) >= after);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_until_calibrated),
        cmocka_unit_test(test_extrapolates_between_syncs),
        cmocka_unit_test(test_syncs_every_interval),
        cmocka_unit_test(test_never_goes_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
