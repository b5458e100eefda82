/*
 * test_pvh_cmdline.c — the unikernel's kernel command-line splitter
 * (libos/pvh/cmdline.c): words, quotes, virtio-mmio hints, and bounds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "libos/pvh/cmdline.c"

static char prog[] = "sluice";

static void test_words_are_split_on_blanks(void **state)
{
    char buf[] = "  --port virtio:0\t--dpid=0x1\n--log-level  debug  ";
    char *argv[9];
    struct pvh_mmio_hint h[2];
    struct pvh_cmdline_result r = pvh_cmdline_split(buf, prog, argv, 8, h, 2);
    assert_int_equal(r.argc, 6);
    assert_string_equal(argv[0], "sluice");
    assert_string_equal(argv[1], "--port");
    assert_string_equal(argv[2], "virtio:0");
    assert_string_equal(argv[3], "--dpid=0x1");
    assert_string_equal(argv[4], "--log-level");
    assert_string_equal(argv[5], "debug");
    assert_null(argv[6]);
}

static void test_quotes_group_and_disappear(void **state)
{
    char buf[] = "--flows=\"in_port=1 actions=output:2\" \"\" a\"b c\"d";
    char *argv[9];
    struct pvh_cmdline_result r = pvh_cmdline_split(buf, prog, argv, 8, NULL, 0);
    assert_int_equal(r.argc, 4);
    assert_string_equal(argv[1], "--flows=in_port=1 actions=output:2");
    assert_string_equal(argv[2], "");
    assert_string_equal(argv[3], "ab cd");
}

static void test_unterminated_quote_runs_to_the_end(void **state)
{
    char buf[] = "x \"y z";
    char *argv[5];
    struct pvh_cmdline_result r = pvh_cmdline_split(buf, prog, argv, 4, NULL, 0);
    assert_int_equal(r.argc, 3);
    assert_string_equal(argv[2], "y z");
}

static void test_mmio_hints_are_taken_out(void **state)
{
    char buf[] = "virtio_mmio.device=512@0xfeb00e00:12 --app learning "
                 "virtio_mmio.device=4K@0xd0000000";
    char *argv[9];
    struct pvh_mmio_hint h[4];
    struct pvh_cmdline_result r = pvh_cmdline_split(buf, prog, argv, 8, h, 4);
    assert_int_equal(r.argc, 3);
    assert_string_equal(argv[1], "--app");
    assert_int_equal(r.n_hints, 2);
    assert_int_equal(h[0].size, 512);
    assert_int_equal(h[0].base, 0xfeb00e00);
    assert_int_equal(h[0].irq, 12);
    assert_int_equal(h[1].size, 4096);
    assert_int_equal(h[1].base, 0xd0000000);
    assert_int_equal(h[1].irq, 0);
}

static void test_malformed_hints_are_counted(void **state)
{
    static const char *const bad[] = {
        "", "512", "@0x1000", "512@", "0@0x1000", "512@0", "512@0x1000:", "512@0x1000x",
        "x@0x1000", "512@0x1000:12:3", "-1@0x1000",
        /* past the 4 GiB the boot code maps, or wrapping around */
        "512@0x100000000", "512@0xfffffff00:5", "4K@0xfffff800", "0x200@0xffffffffffffff00",
        "16777216M@0x1000", "18446744073709551615K@0x1000", "512@99999999999999999999999",
        /* smaller than a register block; an irq beyond 32 bits or signed */
        "255@0x1000", "512@0x1000:4294967296", "512@0x1000:-1", "512@-0x1000",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct pvh_mmio_hint h;
        if (pvh_cmdline_parse_hint(bad[i], &h) != -EINVAL)
            fail_msg("accepted '%s'", bad[i]);
    }
    char buf[] = "virtio_mmio.device=zzz virtio_mmio.device=1M@0x1000 virtio_mmio.device=2M@0x2000";
    char *argv[3];
    struct pvh_mmio_hint h[1];
    struct pvh_cmdline_result r = pvh_cmdline_split(buf, prog, argv, 2, h, 1);
    assert_int_equal(r.n_hints, 1);
    assert_int_equal(r.bad_hints, 2); /* one malformed, one beyond the array */
    assert_int_equal(h[0].size, 1 << 20);
}

/* The largest hints that still end at 4 GiB are fine. */
static void test_hints_up_to_4_gib_are_accepted(void **state)
{
    struct pvh_mmio_hint h;
    assert_int_equal(pvh_cmdline_parse_hint("0x100@0xffffff00:4294967295", &h), 0);
    assert_int_equal(h.base, 0xffffff00);
    assert_int_equal(h.irq, 0xffffffffu);
    assert_int_equal(pvh_cmdline_parse_hint("4096M@0x1000", &h), -EINVAL);
    assert_int_equal(pvh_cmdline_parse_hint("4095M@0x1000", &h), 0);
    assert_int_equal(h.size, 4095ull << 20);
}

/* A command line longer than the image's buffer is refused, not cut. */
static void test_command_line_copy_refuses_what_does_not_fit(void **state)
{
    char raw[8], words[8];
    struct hvm_start_info si = { .cmdline_paddr = (uintptr_t)"1234567" };
    assert_int_equal(pvh_cmdline_copy(&si, raw, words, sizeof raw), 0);
    assert_string_equal(raw, "1234567");
    si.cmdline_paddr = (uintptr_t)"12345678";
    assert_int_equal(pvh_cmdline_copy(&si, raw, words, sizeof raw), -E2BIG);
    assert_string_equal(raw, "");
    assert_string_equal(words, "");
}

/* QEMU writes an over-long command line over hvm_start_info: its magic is
 * then text. */
static void test_text_over_start_info_is_recognised(void **state)
{
    assert_true(pvh_magic_is_text(0x78787878));   /* "xxxx" */
    assert_true(pvh_magic_is_text(0x20202020));
    assert_false(pvh_magic_is_text(0x336ec578));  /* the real magic */
    assert_false(pvh_magic_is_text(0));
    assert_false(pvh_magic_is_text(0x7878787f));
}

static void test_words_beyond_the_array_are_dropped(void **state)
{
    char buf[] = "a b c d e";
    char *argv[4] = { NULL, NULL, NULL, (char *)"sentinel" };
    struct pvh_cmdline_result r = pvh_cmdline_split(buf, prog, argv, 3, NULL, 0);
    assert_int_equal(r.argc, 3);
    assert_int_equal(r.dropped_words, 3);
    assert_string_equal(argv[2], "b");
    assert_null(argv[3]);
}

static void test_empty_line_gives_only_the_program(void **state)
{
    char buf[] = " \t ";
    char *argv[3];
    struct pvh_cmdline_result r = pvh_cmdline_split(buf, prog, argv, 2, NULL, 0);
    assert_int_equal(r.argc, 1);
    assert_string_equal(argv[0], "sluice");
    assert_null(argv[1]);
}

static void test_copy_takes_the_line_twice(void **state)
{
    char raw[16], words[16];
    struct hvm_start_info si = { .cmdline_paddr = (uintptr_t)"--app learning" };
    assert_int_equal(pvh_cmdline_copy(&si, raw, words, sizeof raw), 0);
    assert_string_equal(raw, "--app learning");
    assert_string_equal(words, "--app learning");
    si.cmdline_paddr = 0; /* none: both empty */
    assert_int_equal(pvh_cmdline_copy(&si, raw, words, sizeof raw), 0);
    assert_string_equal(raw, "");
    assert_string_equal(words, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_are_split_on_blanks),
        cmocka_unit_test(test_copy_takes_the_line_twice),
        cmocka_unit_test(test_quotes_group_and_disappear),
        cmocka_unit_test(test_unterminated_quote_runs_to_the_end),
        cmocka_unit_test(test_mmio_hints_are_taken_out),
        cmocka_unit_test(test_malformed_hints_are_counted),
        cmocka_unit_test(test_hints_up_to_4_gib_are_accepted),
        cmocka_unit_test(test_command_line_copy_refuses_what_does_not_fit),
        cmocka_unit_test(test_text_over_start_info_is_recognised),
        cmocka_unit_test(test_words_beyond_the_array_are_dropped),
        cmocka_unit_test(test_empty_line_gives_only_the_program),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
