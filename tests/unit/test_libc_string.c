/*
 * test_libc_string.c — libos/libc/src/string.c (the unikernel's string.h)
 * checked against the host libc.  Compiled with renamed symbols (sl_*).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#define memcpy sl_memcpy
#define memset sl_memset
#define memmove sl_memmove
#define memcmp sl_memcmp
#define memchr sl_memchr
#define strlen sl_strlen
#define strnlen sl_strnlen
#define strcmp sl_strcmp
#define strncmp sl_strncmp
#define strcasecmp sl_strcasecmp
#define strncasecmp sl_strncasecmp
#define strchr sl_strchr
#define strrchr sl_strrchr
#define strstr sl_strstr
#define strspn sl_strspn
#define strcspn sl_strcspn
#define strncpy sl_strncpy
#define strerror sl_strerror
#include "libos/libc/src/string.c"
#include "libos/libc/src/strerror.c"
#undef memcpy
#undef memset
#undef memmove
#undef memcmp
#undef memchr
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strcasecmp
#undef strncasecmp
#undef strchr
#undef strrchr
#undef strstr
#undef strspn
#undef strcspn
#undef strncpy
#undef strerror

#include <errno.h>

static int sign(int x)
{
    return (x > 0) - (x < 0);
}

static void test_memcpy_and_memset_fill_exactly(void **state)
{
    unsigned char buf[64], src[64];
    for (int i = 0; i < 64; i++)
        src[i] = (unsigned char)i;
    memset(buf, 0xee, sizeof buf);
    assert_ptr_equal(sl_memcpy(buf + 3, src, 17), buf + 3);
    assert_memory_equal(buf + 3, src, 17);
    assert_int_equal(buf[2], 0xee);
    assert_int_equal(buf[20], 0xee);
    assert_ptr_equal(sl_memset(buf + 1, 0x41, 5), buf + 1);
    assert_int_equal(buf[0], 0xee);
    assert_int_equal(buf[5], 0x41);
    assert_int_equal(buf[6], 3); /* src[3], untouched by the memset */
}

static void test_memmove_handles_overlap_both_ways(void **state)
{
    char a[] = "0123456789", b[] = "0123456789";
    sl_memmove(a + 2, a, 6);
    memmove(b + 2, b, 6);
    assert_string_equal(a, b);
    sl_memmove(a, a + 3, 7);
    memmove(b, b + 3, 7);
    assert_string_equal(a, b);
    assert_ptr_equal(sl_memmove(a, a, 5), a);
}

static void test_compare_functions_match_host(void **state)
{
    static const char *const s[] = {"", "a", "ab", "abc", "abd", "ABC", "b", "\xff", "aB"};
    size_t n = sizeof s / sizeof s[0];
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            assert_int_equal(sign(sl_strcmp(s[i], s[j])), sign(strcmp(s[i], s[j])));
            assert_int_equal(sign(sl_strcasecmp(s[i], s[j])), sign(strcasecmp(s[i], s[j])));
            for (size_t k = 0; k < 4; k++) {
                assert_int_equal(sign(sl_strncmp(s[i], s[j], k)), sign(strncmp(s[i], s[j], k)));
                assert_int_equal(sign(sl_strncasecmp(s[i], s[j], k)),
                                 sign(strncasecmp(s[i], s[j], k)));
                size_t m = k < strlen(s[i]) && k < strlen(s[j]) ? k : 0;
                assert_int_equal(sign(sl_memcmp(s[i], s[j], m)), sign(memcmp(s[i], s[j], m)));
            }
        }
    }
}

static void test_search_functions_match_host(void **state)
{
    const char *h = "in_port=1,actions=output:2,output:3";
    assert_ptr_equal(sl_strchr(h, ','), strchr(h, ','));
    assert_ptr_equal(sl_strchr(h, '\0'), strchr(h, '\0'));
    assert_ptr_equal(sl_strchr(h, '#'), NULL);
    assert_ptr_equal(sl_strrchr(h, ':'), strrchr(h, ':'));
    assert_ptr_equal(sl_strrchr(h, '#'), NULL);
    assert_ptr_equal(sl_strstr(h, "output"), strstr(h, "output"));
    assert_ptr_equal(sl_strstr(h, ""), h);
    assert_ptr_equal(sl_strstr(h, "outputs"), NULL);
    assert_ptr_equal(sl_memchr(h, '=', 5), NULL);
    assert_ptr_equal(sl_memchr(h, '=', 8), h + 7);
    assert_int_equal(sl_strspn(h, "inopr_t"), strspn(h, "inopr_t"));
    assert_int_equal(sl_strcspn(h, "=,"), strcspn(h, "=,"));
}

static void test_lengths_and_strncpy(void **state)
{
    char d[8];
    assert_int_equal(sl_strlen(""), 0);
    assert_int_equal(sl_strlen("abc"), 3);
    assert_int_equal(sl_strnlen("abcdef", 4), 4);
    assert_int_equal(sl_strnlen("ab", 4), 2);
    memset(d, 'x', sizeof d);
    assert_ptr_equal(sl_strncpy(d, "ab", 5), d);
    assert_memory_equal(d, "ab\0\0\0xxx", 8);
    sl_strncpy(d, "abcdefghij", 3);
    assert_memory_equal(d, "abc", 3);
}

/* Every errno the freestanding errno.h names reads as the host libc says;
 * others are "Unknown error". */
static void test_strerror_names_every_errno_like_the_host(void **state)
{
    static const int nums[] = {
        EPERM, ENOENT, EINTR, EIO, ENXIO, E2BIG, EBADF, EAGAIN, ENOMEM, EACCES, EFAULT,
        EBUSY, EEXIST, ENODEV, EINVAL, ENFILE, EMFILE, EFBIG, ENOSPC, EPIPE, EDOM, ERANGE,
        ENOSYS, ENODATA, ETIME, EPROTO, EMSGSIZE, EPROTONOSUPPORT, EOPNOTSUPP, EADDRINUSE,
        EADDRNOTAVAIL, ENETDOWN, ENETUNREACH, ECONNABORTED, ECONNRESET, ENOBUFS, EISCONN,
        ENOTCONN, ETIMEDOUT, ECONNREFUSED, EHOSTUNREACH, EALREADY, EINPROGRESS,
    };
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
        assert_string_equal(sl_strerror(nums[i]), strerror(nums[i]));
    assert_string_equal(sl_strerror(0), "Unknown error");
    assert_string_equal(sl_strerror(-22), "Unknown error");
    assert_string_equal(sl_strerror(4095), "Unknown error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memcpy_and_memset_fill_exactly),
        cmocka_unit_test(test_memmove_handles_overlap_both_ways),
        cmocka_unit_test(test_compare_functions_match_host),
        cmocka_unit_test(test_search_functions_match_host),
        cmocka_unit_test(test_lengths_and_strncpy),
        cmocka_unit_test(test_strerror_names_every_errno_like_the_host),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
