/*
 * test_libc_stdlib.c — libos/libc/src/stdlib.c (strto*, qsort, abs of the
 * unikernel) checked against the host libc.  Compiled with renamed symbols.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define strtoul sl_strtoul
#define strtoull sl_strtoull
#define strtol sl_strtol
#define strtoll sl_strtoll
#define qsort sl_qsort
#define abs sl_abs
#include "libos/libc/src/stdlib.c"
#undef strtoul
#undef strtoull
#undef strtol
#undef strtoll
#undef qsort
#undef abs

static const char *const inputs[] = {
    "0", "42", "  -17", "+9", "0x1F", "0X1f", "017", "0x", "0xg", "abc", "", "12abc",
    "18446744073709551615", "18446744073709551616", "99999999999999999999999",
    "-1", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
    "-9223372036854775809", " \t\n7", "z", "ZZ", "1010", "- 5", "+-5",
};
static const int bases[] = {0, 2, 8, 10, 16, 36};

static void test_strtoull_matches_host(void **state)
{
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        for (size_t b = 0; b < sizeof bases / sizeof bases[0]; b++) {
            char *we, *ge;
            unsigned long long w = strtoull(inputs[i], &we, bases[b]);
            unsigned long long g = sl_strtoull(inputs[i], &ge, bases[b]);
            if (w != g || we != ge)
                fail_msg("strtoull(\"%s\", %d): got %llu end+%td, want %llu end+%td",
                         inputs[i], bases[b], g, ge - inputs[i], w, we - inputs[i]);
        }
    }
}

static void test_strtoll_matches_host(void **state)
{
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        for (size_t b = 0; b < sizeof bases / sizeof bases[0]; b++) {
            char *we, *ge;
            long long w = strtoll(inputs[i], &we, bases[b]);
            long long g = sl_strtoll(inputs[i], &ge, bases[b]);
            if (w != g || we != ge)
                fail_msg("strtoll(\"%s\", %d): got %lld, want %lld", inputs[i], bases[b], g, w);
        }
    }
}

static void test_strtoul_and_strtol_follow_the_long_long_forms(void **state)
{
    char *e;
    assert_int_equal(sl_strtoul("0xffffffffffffffff", &e, 16), ~0ul);
    assert_int_equal(*e, '\0');
    assert_int_equal(sl_strtol("-123x", &e, 10), -123);
    assert_int_equal(*e, 'x');
    assert_int_equal(sl_strtoul("5", NULL, 10), 5); /* end may be NULL */
}

static void test_bad_base_parses_nothing(void **state)
{
    char *e;
    const char *s = "123";
    assert_int_equal(sl_strtoul(s, &e, 1), 0);
    assert_ptr_equal(e, s);
    assert_int_equal(sl_strtoul(s, &e, 37), 0);
    assert_ptr_equal(e, s);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static void test_qsort_sorts_like_host(void **state)
{
    enum { N = 1000 };
    static int a[N], b[N];
    uint32_t x = 12345;
    for (size_t n = 0; n <= N; n = n ? n * 3 : 1) {
        for (size_t i = 0; i < n; i++) {
            x = x * 1103515245u + 12345u;
            a[i] = b[i] = (int)(x >> 16) % 97; /* many duplicates */
        }
        sl_qsort(a, n, sizeof a[0], cmp_int);
        qsort(b, n, sizeof b[0], cmp_int);
        assert_memory_equal(a, b, n * sizeof a[0]);
    }
}

static void test_qsort_handles_wide_elements(void **state)
{
    struct wide { int key; char pad[29]; } w[5] = {{5, "e"}, {1, "a"}, {4, "d"}, {2, "b"}, {3, "c"}};
    sl_qsort(w, 5, sizeof w[0], cmp_int);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(w[i].key, i + 1);
        assert_int_equal(w[i].pad[0], 'a' + i);
    }
}

static void test_abs(void **state)
{
    assert_int_equal(sl_abs(-5), 5);
    assert_int_equal(sl_abs(5), 5);
    assert_int_equal(sl_abs(0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strtoull_matches_host),
        cmocka_unit_test(test_strtoll_matches_host),
        cmocka_unit_test(test_strtoul_and_strtol_follow_the_long_long_forms),
        cmocka_unit_test(test_bad_base_parses_nothing),
        cmocka_unit_test(test_qsort_sorts_like_host),
        cmocka_unit_test(test_qsort_handles_wide_elements),
        cmocka_unit_test(test_abs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
