/* Unit tests for the event loop (libos/unix/poll.c, os/poll.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "os/clock.h"
#include "os/poll.h"

#define MS OS_NS_PER_MS

static int setup(void **state)
{
    *state = os_poll_create();
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    os_poll_destroy(*state);
    return 0;
}

/* Runs the loop until `*done` or 1 s passed.  Returns the callbacks run. */
static int run_until(struct os_poll *p, const int *done)
{
    uint64_t end = os_clock_ns() + 1000 * MS;
    int total = 0;
    while (!*done && os_clock_ns() < end) {
        int r = os_poll_run(p, 50 * MS);
        assert_true(r >= 0);
        total += r;
    }
    return total;
}

/* ---- timers ---- */

struct order {
    int seq[16];
    int n;
};
struct order_arg {
    struct order *o;
    int tag;
};

static uint64_t record_cb(void *arg)
{
    struct order_arg *a = arg;
    a->o->seq[a->o->n++] = a->tag;
    return 0;
}

static void test_timers_fire_in_deadline_order(void **state)
{
    struct os_poll *p = *state;
    struct order o = {0};
    struct order_arg a[4] = {{&o, 3}, {&o, 1}, {&o, 2}, {&o, 4}};
    assert_true(os_poll_add_timer(p, 30 * MS, record_cb, &a[0]) > 0);
    assert_true(os_poll_add_timer(p, 10 * MS, record_cb, &a[1]) > 0);
    assert_true(os_poll_add_timer(p, 20 * MS, record_cb, &a[2]) > 0);
    assert_true(os_poll_add_timer(p, 30 * MS, record_cb, &a[3]) > 0); /* same deadline: after 3 */
    uint64_t start = os_clock_ns();
    while (o.n < 4 && os_clock_ns() - start < 1000 * MS)
        assert_true(os_poll_run(p, UINT64_MAX) >= 0);
    assert_int_equal(o.n, 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(o.seq[i], i + 1);
    assert_true(os_clock_ns() - start >= 30 * MS);
}

static void test_timer_not_early(void **state)
{
    struct os_poll *p = *state;
    struct order o = {0};
    struct order_arg a = {&o, 1};
    uint64_t start = os_clock_ns();
    os_poll_add_timer(p, 20 * MS, record_cb, &a);
    assert_int_equal(os_poll_run(p, 0), 0);
    assert_int_equal(o.n, 0);
    while (o.n == 0)
        assert_true(os_poll_run(p, UINT64_MAX) >= 0);
    assert_true(os_clock_ns() - start >= 20 * MS);
}

struct periodic {
    int count, stop_after;
};

static uint64_t periodic_cb(void *arg)
{
    struct periodic *pr = arg;
    return ++pr->count < pr->stop_after ? 5 * MS : 0;
}

static void test_periodic_timer_repeats_until_zero(void **state)
{
    struct os_poll *p = *state;
    struct periodic pr = {0, 3};
    int64_t id = os_poll_add_timer(p, 5 * MS, periodic_cb, &pr);
    uint64_t end = os_clock_ns() + 1000 * MS;
    while (os_clock_ns() < end && pr.count < 3)
        os_poll_run(p, 20 * MS);
    assert_int_equal(pr.count, 3);
    /* Returned 0: the timer is gone. */
    assert_int_equal(os_poll_cancel_timer(p, id), -ENOENT);
    os_poll_run(p, 20 * MS);
    assert_int_equal(pr.count, 3);
}

static void test_cancel_timer(void **state)
{
    struct os_poll *p = *state;
    struct order o = {0};
    struct order_arg a = {&o, 1};
    int64_t id = os_poll_add_timer(p, 1 * MS, record_cb, &a);
    assert_int_equal(os_poll_cancel_timer(p, id), 0);
    assert_int_equal(os_poll_cancel_timer(p, id), -ENOENT);
    assert_int_equal(os_poll_cancel_timer(p, 12345), -ENOENT);
    usleep(3000);
    assert_int_equal(os_poll_run(p, 5 * MS), 0);
    assert_int_equal(o.n, 0);
}

static void test_cancel_after_fire_is_enoent(void **state)
{
    struct os_poll *p = *state;
    struct order o = {0};
    struct order_arg a = {&o, 1};
    int64_t id = os_poll_add_timer(p, 0, record_cb, &a);
    assert_int_equal(os_poll_run(p, 0), 1);
    assert_int_equal(os_poll_cancel_timer(p, id), -ENOENT);
}

struct self_cancel {
    struct os_poll *p;
    int64_t id;
    int count;
};

static uint64_t self_cancel_cb(void *arg)
{
    struct self_cancel *s = arg;
    s->count++;
    assert_int_equal(os_poll_cancel_timer(s->p, s->id), 0);
    return 1 * MS; /* would be periodic, but it was cancelled */
}

static void test_periodic_timer_cancels_itself(void **state)
{
    struct os_poll *p = *state;
    struct self_cancel s = {p, 0, 0};
    s.id = os_poll_add_timer(p, 0, self_cancel_cb, &s);
    assert_int_equal(os_poll_run(p, 0), 1);
    usleep(3000);
    assert_int_equal(os_poll_run(p, 5 * MS), 0);
    assert_int_equal(s.count, 1);
}

struct chain {
    struct os_poll *p;
    int count;
    int64_t victim;
    int victim_ran;
};

static uint64_t victim_cb(void *arg)
{
    ((struct chain *)arg)->victim_ran++;
    return 0;
}

static uint64_t adder_cb(void *arg)
{
    struct chain *c = arg;
    c->count++;
    /* Adds a zero-delay timer: it must wait for the next run. */
    if (c->count < 3)
        os_poll_add_timer(c->p, 0, adder_cb, c);
    /* Cancels another timer that is due in this same run. */
    if (c->victim) {
        assert_int_equal(os_poll_cancel_timer(c->p, c->victim), 0);
        c->victim = 0;
    }
    return 0;
}

static void test_callback_adds_and_cancels_timers(void **state)
{
    struct os_poll *p = *state;
    struct chain c = {p, 0, 0, 0};
    os_poll_add_timer(p, 0, adder_cb, &c);
    c.victim = os_poll_add_timer(p, 0, victim_cb, &c);
    assert_int_equal(os_poll_run(p, 0), 1);
    assert_int_equal(c.count, 1);
    assert_int_equal(os_poll_run(p, 0), 1);
    assert_int_equal(os_poll_run(p, 0), 1);
    assert_int_equal(os_poll_run(p, 0), 0);
    assert_int_equal(c.count, 3);
    assert_int_equal(c.victim_ran, 0);
}

static void test_many_timers_fire_sorted(void **state)
{
    struct os_poll *p = *state;
    struct order o = {0};
    struct order_arg a[16];
    /* Delays in a scrambled order; tags are the expected firing rank. */
    static const int delay[16] = {9, 3, 15, 1, 12, 6, 0, 14, 2, 8, 11, 5, 13, 7, 4, 10};
    for (int i = 0; i < 16; i++) {
        a[i] = (struct order_arg){&o, delay[i]};
        os_poll_add_timer(p, (uint64_t)delay[i] * MS, record_cb, &a[i]);
    }
    uint64_t end = os_clock_ns() + 1000 * MS;
    while (o.n < 16 && os_clock_ns() < end)
        os_poll_run(p, UINT64_MAX);
    assert_int_equal(o.n, 16);
    for (int i = 0; i < 16; i++)
        assert_int_equal(o.seq[i], i);
}

/* ---- handles ---- */

struct fdstate {
    struct os_poll *p;
    int fds[2];
    int calls;
    unsigned events;
    int done;
    int remove_self;
};

static void fd_cb(int fd, unsigned events, void *arg)
{
    struct fdstate *s = arg;
    char buf[16];
    s->calls++;
    s->events = events;
    s->done = 1;
    if (events & OS_POLL_IN)
        (void)!read(fd, buf, sizeof buf);
    if (s->remove_self)
        assert_int_equal(os_poll_del_fd(s->p, fd), 0);
}

static void test_fd_readiness_with_pipe(void **state)
{
    struct os_poll *p = *state;
    struct fdstate s = {.p = p};
    assert_int_equal(pipe(s.fds), 0);
    assert_int_equal(os_poll_add_fd(p, s.fds[0], OS_POLL_IN, fd_cb, &s), 0);
    assert_int_equal(os_poll_run(p, 0), 0);
    assert_int_equal(s.calls, 0);
    assert_int_equal(write(s.fds[1], "x", 1), 1);
    run_until(p, &s.done);
    assert_int_equal(s.calls, 1);
    assert_true(s.events & OS_POLL_IN);
    assert_int_equal(os_poll_del_fd(p, s.fds[0]), 0);
    close(s.fds[0]);
    close(s.fds[1]);
}

static void test_fd_add_twice_and_unknown(void **state)
{
    struct os_poll *p = *state;
    struct fdstate s = {.p = p};
    assert_int_equal(pipe(s.fds), 0);
    assert_int_equal(os_poll_add_fd(p, s.fds[0], OS_POLL_IN, fd_cb, &s), 0);
    assert_int_equal(os_poll_add_fd(p, s.fds[0], OS_POLL_IN, fd_cb, &s), -EEXIST);
    assert_int_equal(os_poll_del_fd(p, s.fds[1]), -ENOENT);
    assert_int_equal(os_poll_mod_fd(p, s.fds[1], OS_POLL_IN), -ENOENT);
    assert_int_equal(os_poll_add_fd(p, -1, OS_POLL_IN, fd_cb, &s), -EBADF);
    assert_int_equal(os_poll_del_fd(p, s.fds[0]), 0);
    assert_int_equal(os_poll_del_fd(p, s.fds[0]), -ENOENT);
    close(s.fds[0]);
    close(s.fds[1]);
}

static void test_fd_mod_switches_to_out(void **state)
{
    struct os_poll *p = *state;
    struct fdstate s = {.p = p};
    assert_int_equal(pipe(s.fds), 0);
    /* The write end is always writable; with no events watched, nothing fires. */
    assert_int_equal(os_poll_add_fd(p, s.fds[1], 0, fd_cb, &s), 0);
    assert_int_equal(os_poll_run(p, 0), 0);
    assert_int_equal(os_poll_mod_fd(p, s.fds[1], OS_POLL_OUT), 0);
    assert_int_equal(os_poll_run(p, 0), 1);
    assert_true(s.events & OS_POLL_OUT);
    os_poll_del_fd(p, s.fds[1]);
    close(s.fds[0]);
    close(s.fds[1]);
}

static void test_fd_removed_inside_own_callback(void **state)
{
    struct os_poll *p = *state;
    struct fdstate s = {.p = p, .remove_self = 1};
    assert_int_equal(pipe(s.fds), 0);
    assert_int_equal(os_poll_add_fd(p, s.fds[0], OS_POLL_IN, fd_cb, &s), 0);
    assert_int_equal(write(s.fds[1], "xyz", 3), 3);
    assert_int_equal(os_poll_run(p, 0), 1);
    assert_int_equal(s.calls, 1);
    /* Still readable data would fire again, but the handle is gone. */
    assert_int_equal(write(s.fds[1], "x", 1), 1);
    assert_int_equal(os_poll_run(p, 10 * MS), 0);
    assert_int_equal(s.calls, 1);
    assert_int_equal(os_poll_del_fd(p, s.fds[0]), -ENOENT);
    /* And it can be added again. */
    s.remove_self = 0;
    assert_int_equal(os_poll_add_fd(p, s.fds[0], OS_POLL_IN, fd_cb, &s), 0);
    assert_int_equal(os_poll_run(p, 0), 1);
    assert_int_equal(s.calls, 2);
    os_poll_del_fd(p, s.fds[0]);
    close(s.fds[0]);
    close(s.fds[1]);
}

struct pair {
    struct os_poll *p;
    int a[2], b[2];
    int calls;
};

/* Whichever of the two handles runs first removes the other. */
static void pair_cb(int fd, unsigned events, void *arg)
{
    struct pair *s = arg;
    s->calls++;
    os_poll_del_fd(s->p, fd == s->a[0] ? s->b[0] : s->a[0]);
    os_poll_del_fd(s->p, fd);
}

static void test_fd_removed_by_other_callback_in_same_batch(void **state)
{
    struct os_poll *p = *state;
    struct pair s = {.p = p};
    assert_int_equal(pipe(s.a), 0);
    assert_int_equal(pipe(s.b), 0);
    os_poll_add_fd(p, s.a[0], OS_POLL_IN, pair_cb, &s);
    os_poll_add_fd(p, s.b[0], OS_POLL_IN, pair_cb, &s);
    assert_int_equal(write(s.a[1], "x", 1), 1);
    assert_int_equal(write(s.b[1], "x", 1), 1);
    assert_int_equal(os_poll_run(p, 10 * MS), 1);
    assert_int_equal(s.calls, 1);
    close(s.a[0]);
    close(s.a[1]);
    close(s.b[0]);
    close(s.b[1]);
}

static void test_hangup_reports_err_and_in(void **state)
{
    struct os_poll *p = *state;
    struct fdstate s = {.p = p};
    assert_int_equal(pipe(s.fds), 0);
    os_poll_add_fd(p, s.fds[0], OS_POLL_IN, fd_cb, &s);
    close(s.fds[1]);
    assert_int_equal(os_poll_run(p, 10 * MS), 1);
    assert_true(s.events & OS_POLL_ERR);
    assert_true(s.events & OS_POLL_IN);
    os_poll_del_fd(p, s.fds[0]);
    close(s.fds[0]);
}

static void test_run_waits_for_timeout(void **state)
{
    struct os_poll *p = *state;
    uint64_t start = os_clock_ns();
    assert_int_equal(os_poll_run(p, 15 * MS), 0);
    uint64_t el = os_clock_ns() - start;
    assert_true(el >= 15 * MS);
    assert_true(el < 500 * MS);
}

static void test_destroy_with_pending_timers(void **state)
{
    (void)state;
    struct os_poll *p = os_poll_create();
    struct order o = {0};
    struct order_arg a = {&o, 1};
    for (int i = 0; i < 40; i++)
        assert_true(os_poll_add_timer(p, (uint64_t)(i + 1) * OS_NS_PER_SEC, record_cb, &a) > 0);
    os_poll_destroy(p); /* ASan checks that nothing leaks */
    os_poll_destroy(NULL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_timers_fire_in_deadline_order),
        T(test_timer_not_early),
        T(test_periodic_timer_repeats_until_zero),
        T(test_cancel_timer),
        T(test_cancel_after_fire_is_enoent),
        T(test_periodic_timer_cancels_itself),
        T(test_callback_adds_and_cancels_timers),
        T(test_many_timers_fire_sorted),
        T(test_fd_readiness_with_pipe),
        T(test_fd_add_twice_and_unknown),
        T(test_fd_mod_switches_to_out),
        T(test_fd_removed_inside_own_callback),
        T(test_fd_removed_by_other_callback_in_same_batch),
        T(test_hangup_reports_err_and_in),
        T(test_run_waits_for_timeout),
        cmocka_unit_test(test_destroy_with_pending_timers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
