/*
 * test_xen_xs.c — the xenstore client (libos/xen/xs_client.c over
 * libos/xen/xs_ring.c) against a xenstored played in host memory
 * (tests/unit/xs_fake.c): requests, transactions, watches, bounded waits,
 * and a daemon that is slow, silent, confused or hostile.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "libos/xen/xs.h"
#include "libos/xen/xs_client.c"
#include "libos/xen/xs_ring.c"
#include "xs_fake.h"

struct fx {
    struct xs_fake f;
    struct xs_client c;
};

static int setup(void **state)
{
    struct fx *x = calloc(1, sizeof *x);
    assert_non_null(x);
    xs_fake_init(&x->f);
    struct xs_transport tp = xs_fake_transport(&x->f);
    xs_client_init(&x->c, &x->f.ring, &tp);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    struct fx *x = *state;
    xs_fake_fini(&x->f);
    free(x);
    return 0;
}

static void read_returns_the_value(void **state)
{
    struct fx *x = *state;
    char buf[32];
    xs_fake_set(&x->f, "device/vif/0/state", "4");
    assert_int_equal(xs_read(&x->c, 0, "device/vif/0/state", buf, sizeof buf), 1);
    assert_string_equal(buf, "4");
}

static void read_of_a_missing_node_is_enoent(void **state)
{
    struct fx *x = *state;
    char buf[8];
    assert_int_equal(xs_read(&x->c, 0, "nothing/here", buf, sizeof buf), -ENOENT);
    assert_int_equal(x->c.stats.errors, 1);
}

static void read_longer_than_the_buffer_is_e2big(void **state)
{
    struct fx *x = *state;
    char buf[4];
    xs_fake_set(&x->f, "/local/domain/0/name", "Domain-0");
    assert_int_equal(xs_read(&x->c, 0, "/local/domain/0/name", buf, sizeof buf), -E2BIG);
}

static void write_then_read_round_trips(void **state)
{
    struct fx *x = *state;
    char buf[32];
    assert_int_equal(xs_write(&x->c, 0, "data/x", "hello"), 0);
    assert_string_equal(xs_fake_get(&x->f, "data/x"), "hello");
    assert_int_equal(xs_read(&x->c, 0, "data/x", buf, sizeof buf), 5);
    assert_string_equal(buf, "hello");
}

static void numbers_are_written_and_read_in_decimal(void **state)
{
    struct fx *x = *state;
    unsigned long v = 0;
    assert_int_equal(xs_write_uint(&x->c, 0, "data/n", 4096), 0);
    assert_string_equal(xs_fake_get(&x->f, "data/n"), "4096");
    assert_int_equal(xs_read_uint(&x->c, 0, "data/n", &v), 0);
    assert_int_equal(v, 4096);
}

static void a_value_that_is_not_a_number_is_einval(void **state)
{
    struct fx *x = *state;
    unsigned long v = 7;
    const char *bad[] = { "", "4x", "-1", " 4", "x" };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        xs_fake_set(&x->f, "data/n", bad[i]);
        assert_int_equal(xs_read_uint(&x->c, 0, "data/n", &v), -EINVAL);
    }
    assert_int_equal(v, 7);
}

static void directory_lists_the_children(void **state)
{
    struct fx *x = *state;
    char buf[64];
    size_t used = 0;
    xs_fake_set(&x->f, "device/vif/0/state", "1");
    xs_fake_set(&x->f, "device/vif/0/mac", "00:16:3e:00:00:01");
    xs_fake_set(&x->f, "device/vif/2/state", "1");
    assert_int_equal(xs_directory(&x->c, 0, "device/vif", buf, sizeof buf, &used), 2);
    assert_int_equal(used, 4);
    assert_memory_equal(buf, "0\0" "2\0", 4);
}

static void directory_that_does_not_fit_is_e2big(void **state)
{
    struct fx *x = *state;
    char buf[3];
    size_t used;
    xs_fake_set(&x->f, "d/aaaa", "1");
    assert_int_equal(xs_directory(&x->c, 0, "d", buf, sizeof buf, &used), -E2BIG);
}

static void rm_removes_the_subtree(void **state)
{
    struct fx *x = *state;
    xs_fake_set(&x->f, "d/a/b", "1");
    assert_int_equal(xs_rm(&x->c, 0, "d/a"), 0);
    assert_null(xs_fake_get(&x->f, "d/a/b"));
}

static void transaction_commits(void **state)
{
    struct fx *x = *state;
    uint32_t tx = 0;
    assert_int_equal(xs_transaction_start(&x->c, &tx), 0);
    assert_true(tx != 0);
    assert_int_equal(xs_write(&x->c, tx, "data/t", "1"), 0);
    assert_int_equal(xs_transaction_end(&x->c, tx, true), 0);
    assert_string_equal(xs_fake_get(&x->f, "data/t"), "1");
}

static void transaction_conflict_is_eagain(void **state)
{
    struct fx *x = *state;
    uint32_t tx;
    x->f.conflicts = 1;
    assert_int_equal(xs_transaction_start(&x->c, &tx), 0);
    assert_int_equal(xs_transaction_end(&x->c, tx, true), -EAGAIN);
    assert_int_equal(xs_transaction_start(&x->c, &tx), 0);
    assert_int_equal(xs_transaction_end(&x->c, tx, true), 0);
}

static void watch_fires_at_registration_and_on_change(void **state)
{
    struct fx *x = *state;
    int id = xs_watch(&x->c, "control/shutdown", "ctl");
    assert_true(id >= 0);
    assert_false(xs_watch_fired(&x->c, id)); /* the event waits in the ring ... */
    assert_int_equal(xs_poll(&x->c), 1);      /* ... until polled */
    assert_true(xs_watch_fired(&x->c, id));
    assert_false(xs_watch_fired(&x->c, id));
    xs_fake_set(&x->f, "control/shutdown", "poweroff");
    xs_fake_serve(&x->f);
    assert_int_equal(xs_poll(&x->c), 1);
    assert_true(xs_watch_fired(&x->c, id));
}

static void watch_covers_the_subtree_only(void **state)
{
    struct fx *x = *state;
    int id = xs_watch(&x->c, "/local/domain/0/backend/vif/7/0", "be");
    assert_int_equal(xs_poll(&x->c), 1);
    assert_true(xs_watch_fired(&x->c, id));
    xs_fake_set(&x->f, "/local/domain/0/backend/vif/7/1/state", "4");
    xs_fake_serve(&x->f);
    xs_poll(&x->c);
    assert_false(xs_watch_fired(&x->c, id));
    xs_fake_set(&x->f, "/local/domain/0/backend/vif/7/0/state", "4");
    xs_fake_serve(&x->f);
    xs_poll(&x->c);
    assert_true(xs_watch_fired(&x->c, id));
}

static void unwatch_stops_events(void **state)
{
    struct fx *x = *state;
    int id = xs_watch(&x->c, "data", "d");
    xs_poll(&x->c);
    xs_watch_fired(&x->c, id);
    assert_int_equal(xs_unwatch(&x->c, id, "data"), 0);
    xs_fake_set(&x->f, "data/x", "1");
    xs_fake_serve(&x->f);
    xs_poll(&x->c);
    assert_false(xs_watch_fired(&x->c, id));
    assert_int_equal(x->c.stats.bad, 0); /* the daemon sent nothing for it */
}

static void watch_tokens_must_be_unique_and_slots_are_bounded(void **state)
{
    struct fx *x = *state;
    char tok[16];
    assert_true(xs_watch(&x->c, "a", "t0") >= 0);
    assert_int_equal(xs_watch(&x->c, "b", "t0"), -EINVAL);
    assert_int_equal(xs_watch(&x->c, "b", ""), -EINVAL);
    for (int i = 1; i < XS_MAX_WATCHES; i++) {
        snprintf(tok, sizeof tok, "t%d", i);
        assert_true(xs_watch(&x->c, "a", tok) >= 0);
    }
    assert_int_equal(xs_watch(&x->c, "a", "one-more"), -ENOSPC);
}

static void a_silent_daemon_times_out_within_the_bound(void **state)
{
    struct fx *x = *state;
    char buf[8];
    x->f.silent = true;
    uint64_t t0 = x->f.now;
    assert_int_equal(xs_read(&x->c, 0, "data/x", buf, sizeof buf), -ETIMEDOUT);
    assert_true(x->f.now - t0 >= XS_TIMEOUT_NS);
    assert_true(x->f.now - t0 <= XS_TIMEOUT_NS + 2000000ull);
    assert_int_equal(x->c.stats.timeouts, 1);
}

static void a_late_reply_to_a_timed_out_request_is_dropped(void **state)
{
    struct fx *x = *state;
    char buf[8];
    x->f.silent = true;
    assert_int_equal(xs_read(&x->c, 0, "data/x", buf, sizeof buf), -ETIMEDOUT);
    x->f.silent = false;
    /* The daemon wakes up and answers the old request first. */
    struct xsd_sockmsg h = { XS_READ, x->c.next_req_id - 1, 0, 3 };
    xs_fake_queue_raw(&x->f, &h, sizeof h);
    xs_fake_queue_raw(&x->f, "old", 3);
    xs_fake_set(&x->f, "data/x", "new");
    assert_int_equal(xs_read(&x->c, 0, "data/x", buf, sizeof buf), 3);
    assert_string_equal(buf, "new");
    assert_int_equal(x->c.stats.stale, 1);
}

static void a_reply_with_another_id_is_not_taken_for_ours(void **state)
{
    struct fx *x = *state;
    char buf[8];
    xs_fake_set(&x->f, "data/x", "v");
    x->f.stale_reply = true;
    assert_int_equal(xs_read(&x->c, 0, "data/x", buf, sizeof buf), 1);
    assert_string_equal(buf, "v");
    assert_int_equal(x->c.stats.stale, 1);
}

static void replies_in_one_byte_pieces_are_reassembled(void **state)
{
    struct fx *x = *state;
    char buf[64];
    x->f.chunk = 1;
    xs_fake_set(&x->f, "data/long", "0123456789abcdef0123456789abcdef");
    assert_int_equal(xs_read(&x->c, 0, "data/long", buf, sizeof buf), 32);
    assert_string_equal(buf, "0123456789abcdef0123456789abcdef");
}

static void a_request_longer_than_the_ring_goes_through(void **state)
{
    struct fx *x = *state;
    static char big[3001], back[3002];
    memset(big, 'z', sizeof big - 1);
    assert_int_equal(xs_write(&x->c, 0, "data/big", big), 0);
    assert_int_equal(xs_read(&x->c, 0, "data/big", back, sizeof back), 3000);
    assert_string_equal(back, big);
}

static void a_request_over_the_payload_limit_is_refused(void **state)
{
    struct fx *x = *state;
    static char huge[5000];
    memset(huge, 'z', sizeof huge - 1);
    assert_int_equal(xs_write(&x->c, 0, "data/huge", huge), -E2BIG);
    assert_int_equal(x->f.requests, 0);
}

static void corrupt_response_indexes_break_the_client(void **state)
{
    struct fx *x = *state;
    char buf[8];
    x->f.ring.rsp_prod = x->f.ring.rsp_cons + XENSTORE_RING_SIZE + 1;
    assert_int_equal(xs_poll(&x->c), -EIO);
    assert_true(x->c.broken);
    assert_int_equal(xs_read(&x->c, 0, "data/x", buf, sizeof buf), -EIO);
}

static void a_header_over_the_payload_limit_breaks_the_client(void **state)
{
    struct fx *x = *state;
    struct xsd_sockmsg h = { XS_WATCH_EVENT, 0, 0, XENSTORE_PAYLOAD_MAX + 1 };
    xs_fake_queue_raw(&x->f, &h, sizeof h);
    xs_fake_serve(&x->f);
    assert_int_equal(xs_poll(&x->c), -EIO);
    assert_true(x->c.broken);
    assert_int_equal(x->c.stats.bad, 1);
}

static void a_reply_of_the_wrong_type_is_eio(void **state)
{
    struct fx *x = *state;
    char buf[8];
    xs_fake_set(&x->f, "data/x", "v");
    /* Answer the next request (id 1) with a DIRECTORY reply first. */
    struct xsd_sockmsg h = { XS_DIRECTORY, 1, 0, 2 };
    xs_fake_queue_raw(&x->f, &h, sizeof h);
    xs_fake_queue_raw(&x->f, "a", 2);
    assert_int_equal(xs_read(&x->c, 0, "data/x", buf, sizeof buf), -EIO);
    assert_int_equal(x->c.stats.bad, 1);
    assert_false(x->c.broken);
}

static void malformed_and_unknown_watch_events_are_counted(void **state)
{
    struct fx *x = *state;
    struct xsd_sockmsg h = { XS_WATCH_EVENT, 0, 0, 4 };
    xs_fake_queue_raw(&x->f, &h, sizeof h);
    xs_fake_queue_raw(&x->f, "abc", 4); /* a path and no token */
    h.len = 8;
    xs_fake_queue_raw(&x->f, &h, sizeof h);
    xs_fake_queue_raw(&x->f, "p\0nobody", 8); /* no such watch (no NUL either) */
    xs_fake_serve(&x->f);
    assert_int_equal(xs_poll(&x->c), 2);
    assert_int_equal(x->c.stats.bad, 2);
    assert_false(x->c.broken);
}

static void error_names_map_to_errno(void **state)
{
    assert_int_equal(xs_error_to_errno("ENOENT", 7), -ENOENT);
    assert_int_equal(xs_error_to_errno("EAGAIN", 7), -EAGAIN);
    assert_int_equal(xs_error_to_errno("EACCES", 6), -EACCES);
    assert_int_equal(xs_error_to_errno("ENOEN", 5), -EIO);
    assert_int_equal(xs_error_to_errno("WHATEVER", 9), -EIO);
    assert_int_equal(xs_error_to_errno("", 0), -EIO);
}

static void bad_arguments_send_nothing(void **state)
{
    struct fx *x = *state;
    char buf[8];
    static char long_path[4000];
    memset(long_path, 'p', sizeof long_path - 1);
    assert_int_equal(xs_read(&x->c, 0, "", buf, sizeof buf), -EINVAL);
    assert_int_equal(xs_read(&x->c, 0, long_path, buf, sizeof buf), -EINVAL);
    assert_int_equal(xs_write(&x->c, 0, "a", NULL), -EINVAL);
    assert_int_equal(xs_unwatch(&x->c, 3, "a"), -EINVAL);
    assert_int_equal(x->f.requests, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(read_returns_the_value, setup, teardown),
        cmocka_unit_test_setup_teardown(read_of_a_missing_node_is_enoent, setup, teardown),
        cmocka_unit_test_setup_teardown(read_longer_than_the_buffer_is_e2big, setup, teardown),
        cmocka_unit_test_setup_teardown(write_then_read_round_trips, setup, teardown),
        cmocka_unit_test_setup_teardown(numbers_are_written_and_read_in_decimal, setup, teardown),
        cmocka_unit_test_setup_teardown(a_value_that_is_not_a_number_is_einval, setup, teardown),
        cmocka_unit_test_setup_teardown(directory_lists_the_children, setup, teardown),
        cmocka_unit_test_setup_teardown(directory_that_does_not_fit_is_e2big, setup, teardown),
        cmocka_unit_test_setup_teardown(rm_removes_the_subtree, setup, teardown),
        cmocka_unit_test_setup_teardown(transaction_commits, setup, teardown),
        cmocka_unit_test_setup_teardown(transaction_conflict_is_eagain, setup, teardown),
        cmocka_unit_test_setup_teardown(watch_fires_at_registration_and_on_change, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(watch_covers_the_subtree_only, setup, teardown),
        cmocka_unit_test_setup_teardown(unwatch_stops_events, setup, teardown),
        cmocka_unit_test_setup_teardown(watch_tokens_must_be_unique_and_slots_are_bounded,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(a_silent_daemon_times_out_within_the_bound, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_late_reply_to_a_timed_out_request_is_dropped, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_reply_with_another_id_is_not_taken_for_ours, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(replies_in_one_byte_pieces_are_reassembled, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_request_longer_than_the_ring_goes_through, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_request_over_the_payload_limit_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(corrupt_response_indexes_break_the_client, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_header_over_the_payload_limit_breaks_the_client,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(a_reply_of_the_wrong_type_is_eio, setup, teardown),
        cmocka_unit_test_setup_teardown(malformed_and_unknown_watch_events_are_counted, setup,
                                        teardown),
        cmocka_unit_test(error_names_map_to_errno),
        cmocka_unit_test_setup_teardown(bad_arguments_send_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
