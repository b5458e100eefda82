/* test_sw_ratelog.c — switch/sw_ratelog.c: one log line, then a summary
 * count per 10 s window (what EMFILE and refused clients log). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "os/log.h"
#include "switch/sw_ratelog.h"

#define S 1000000000ull
#define T0 (100 * S)

static char last[256];
static int lines;

/* Captures what os_log writes (libos/common/log.c calls it per line). */
void os_console_write(const char *s, size_t len)
{
    snprintf(last, sizeof last, "%.*s", (int)len, s);
    lines++;
}

static int reset(void **state)
{
    last[0] = '\0';
    lines = 0;
    os_log_set_level(OS_LOG_INFO);
    return 0;
}

static bool event(struct sw_ratelog *r, uint64_t now)
{
    return sw_ratelog_event(r, now, OS_LOG_WARN, "test", "things");
}

static void test_first_event_of_a_window_is_logged_the_rest_counted(void **state)
{
    struct sw_ratelog r = {0};
    assert_true(event(&r, T0));
    for (int i = 0; i < 1000; i++)
        assert_false(event(&r, T0 + i * 1000000ull));
    assert_int_equal(lines, 0); /* the limiter itself writes only summaries */
    assert_int_equal(r.total, 1001);
    assert_int_equal(r.suppressed, 1000);
}

static void test_summary_after_the_window_then_a_new_window(void **state)
{
    struct sw_ratelog r = {0};
    event(&r, T0);
    event(&r, T0 + 1);
    event(&r, T0 + 2);
    assert_int_equal(sw_ratelog_deadline(&r), T0 + SW_RATELOG_WINDOW_NS);
    assert_true(event(&r, T0 + SW_RATELOG_WINDOW_NS));
    assert_int_equal(lines, 1);
    assert_non_null(strstr(last, "test: 2 more: things in the last 10 s"));
    assert_int_equal(r.suppressed, 0);
}

static void test_tick_sums_up_a_burst_that_stopped(void **state)
{
    struct sw_ratelog r = {0};
    event(&r, T0);
    event(&r, T0 + 1);
    sw_ratelog_tick(&r, T0 + S, OS_LOG_WARN, "test", "things");
    assert_int_equal(lines, 0); /* the window is still open */
    sw_ratelog_tick(&r, T0 + 11 * S, OS_LOG_WARN, "test", "things");
    assert_int_equal(lines, 1);
    assert_non_null(strstr(last, "1 more: things in the last 11 s"));
    assert_int_equal(sw_ratelog_deadline(&r), UINT64_MAX);
    sw_ratelog_tick(&r, T0 + 30 * S, OS_LOG_WARN, "test", "things");
    assert_int_equal(lines, 1); /* said once */
}

static void test_a_lone_event_needs_no_summary(void **state)
{
    struct sw_ratelog r = {0};
    assert_true(event(&r, T0));
    assert_int_equal(sw_ratelog_deadline(&r), UINT64_MAX);
    assert_true(event(&r, T0 + 20 * S));
    assert_int_equal(lines, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_first_event_of_a_window_is_logged_the_rest_counted, reset),
        cmocka_unit_test_setup(test_summary_after_the_window_then_a_new_window, reset),
        cmocka_unit_test_setup(test_tick_sums_up_a_burst_that_stopped, reset),
        cmocka_unit_test_setup(test_a_lone_event_needs_no_summary, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
