/*
 * test_libc_printf.c — libos/libc/src/printf.c (the unikernel's snprintf)
 * checked against the host libc's snprintf on the formats the portable code
 * uses.  The source is compiled here with its symbols renamed (sl_*).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#define snprintf sl_snprintf
#define vsnprintf sl_vsnprintf
#include "libos/libc/src/printf.c"
#undef snprintf
#undef vsnprintf

/* Formats with both implementations and compares text and return value. */
#define SAME(...)                                                                    \
    do {                                                                             \
        char want[256], got[256];                                                    \
        int w = snprintf(want, sizeof want, __VA_ARGS__);                            \
        memset(got, 0x5a, sizeof got);                                               \
        int g = sl_snprintf(got, sizeof got, __VA_ARGS__);                           \
        assert_string_equal(got, want);                                              \
        assert_int_equal(g, w);                                                      \
    } while (0)

static void test_integers_match_host(void **state)
{
    SAME("%d %i %u", -42, 0, 4000000000u);
    SAME("%ld %lu %lld %llu", -1l, ~0ul, (long long)INT64_MIN, ~0ull);
    SAME("%hhu %hu %hhd %hd", 300, 70000, 200, 40000);
    SAME("%zu %zd %jd %td", (size_t)123, (ssize_t)-5, (intmax_t)-7, (ptrdiff_t)9);
    SAME("%x %X %lx %llx %o", 0xbeefu, 0xbeefu, 0x123456789abul, 0xfedcba9876543210ull, 8u);
}

static void test_flags_width_precision_match_host(void **state)
{
    SAME("[%5d][%-5d][%05d][%+d][% d]", 42, 42, -42, 42, 42);
    SAME("[%02x:%02x][%08lx][%#x][%#o][%#X]", 1, 0xab, 0x1234ul, 255u, 8u, 0u);
    SAME("[%.3d][%8.3d][%-8.3d|][%.0d][%5.0d]", 7, -7, 7, 0, 0);
    SAME("[%*d][%-*d][%.*d][%*.*d]", 6, 1, 6, 1, 4, 1, 7, 3, -1);
    SAME("[%016lx][%-16s|][%3c]", 0x1ul, "ab", 'z');
}

static void test_strings_match_host(void **state)
{
    SAME("%s|%10s|%-10s|%.2s|%.*s", "abc", "abc", "abc", "abc", 3, "abcdef");
    SAME("%c%c%c %% done", 'a', 'b', 'c');
    SAME("%.*s:%s", 0, "x", "");
}

static void test_pointer_is_hex(void **state)
{
    char got[64];
    sl_snprintf(got, sizeof got, "%p %p", (void *)0x1000, (void *)0);
    assert_string_equal(got, "0x1000 (nil)");
}

static void test_null_string_prints_null(void **state)
{
    char got[16];
    const char *nul = NULL;
    sl_snprintf(got, sizeof got, "%s", nul);
    assert_string_equal(got, "(null)");
}

static void test_truncation_returns_full_length(void **state)
{
    char got[8];
    memset(got, 0x5a, sizeof got);
    assert_int_equal(sl_snprintf(got, 5, "%s-%d", "hello", 12345), 11);
    assert_string_equal(got, "hell");
    assert_int_equal((unsigned char)got[5], 0x5a); /* nothing past size */
    assert_int_equal(sl_snprintf(NULL, 0, "%d", 123456), 6);
}

static void test_unknown_conversion_printed_as_is(void **state)
{
    char got[32];
    sl_snprintf(got, sizeof got, "a%qb%");
    assert_string_equal(got, "a%qb%");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_integers_match_host),
        cmocka_unit_test(test_flags_width_precision_match_host),
        cmocka_unit_test(test_strings_match_host),
        cmocka_unit_test(test_pointer_is_hex),
        cmocka_unit_test(test_null_string_prints_null),
        cmocka_unit_test(test_truncation_returns_full_length),
        cmocka_unit_test(test_unknown_conversion_printed_as_is),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
