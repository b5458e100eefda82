/* test_sw_connmgr.c — active targets (connect, reconnect, back-off) and
 * passive listeners over loopback TCP, plus the tcp:/ptcp: spec parsers;
 * readiness-driven runs (idle connections cost nothing), the connection
 * limit and the accept back-off when descriptors run out. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include "openflow/of10.h"
#include "os/byteorder.h"
#include "os/clock.h"
#include "os/log.h"
#include "os/poll.h"
#include "os/stream.h"
#include "switch/sw_connmgr.h"
#include "sw_connpeer.h"

#define MS 1000000ull
#define T0 (1000ull * MS)

struct mfx {
    struct sw_connmgr *m;
    uint64_t n_connect, n_disconnect, n_msgs;
    struct sw_conn *last;
    uint8_t last_type;
};

static struct mfx F;

static void on_connect(struct sw_conn *c, void *arg)
{
    F.n_connect++;
    F.last = c;
}

static void on_message(struct sw_conn *c, const uint8_t *msg, size_t len, void *arg)
{
    F.n_msgs++;
    F.last_type = msg[1];
}

static void on_disconnect(struct sw_conn *c, void *arg)
{
    F.n_disconnect++;
    if (F.last == c)
        F.last = NULL;
}

static int setup(void **state)
{
    memset(&F, 0, sizeof F);
    struct sw_connmgr_config cfg = {.backoff_max_ns = 400 * MS};
    struct sw_connmgr_cbs cbs = {on_connect, on_message, on_disconnect, NULL};
    F.m = sw_connmgr_create(&cfg, &cbs);
    os_log_set_level(OS_LOG_ERR);
    return F.m ? 0 : -1;
}

static int teardown(void **state)
{
    sw_connmgr_destroy(F.m);
    return 0;
}

/* Runs the manager at `now` until *counter >= want (2 s at most).  Returns
 * the counter. */
static uint64_t run_until(uint64_t now, const uint64_t *counter, uint64_t want)
{
    uint64_t end = scp_ms() + 2000;
    while (*counter < want && scp_ms() < end) {
        sw_connmgr_run(F.m, now);
        usleep(500);
    }
    return *counter;
}

/* The controller side of a session: reads our HELLO, sends its own. */
static void ctl_handshake(struct os_stream *s)
{
    uint8_t m[64];
    assert_int_equal(scp_recv_msg(s, m, sizeof m, 2000), 8);
    assert_int_equal(m[1], OFPT_HELLO);
    assert_int_equal(scp_send_msg(s, 1, OFPT_HELLO, 1, NULL, 0), 0);
}

/* Accepts the manager's connection on l while running it at now. */
static struct os_stream *ctl_accept(struct os_stream *l, uint64_t now)
{
    struct os_stream *s = NULL;
    uint64_t end = scp_ms() + 2000;
    while (!s && scp_ms() < end) {
        sw_connmgr_run(F.m, now);
        s = scp_accept(l, 5);
    }
    return s;
}

/* Returns a loopback port that nothing listens on. */
static uint16_t closed_port(void)
{
    struct os_stream *l;
    assert_int_equal(os_stream_listen("127.0.0.1", 0, &l), 0);
    uint16_t port = os_stream_local_port(l);
    os_stream_close(l);
    return port;
}

static void add_target_port(uint16_t port)
{
    char spec[64];
    snprintf(spec, sizeof spec, "tcp:127.0.0.1:%u", (unsigned)port);
    assert_int_equal(sw_connmgr_add_target(F.m, spec), 0);
}

/* ---- spec parsing ------------------------------------------------------ */

static void test_parse_target_forms(void **state)
{
    char h[64];
    uint16_t p;
    assert_int_equal(sw_connmgr_parse_target("tcp:127.0.0.1", h, sizeof h, &p), 0);
    assert_string_equal(h, "127.0.0.1");
    assert_int_equal(p, 6653);
    assert_int_equal(sw_connmgr_parse_target("tcp:10.1.2.3:6633", h, sizeof h, &p), 0);
    assert_string_equal(h, "10.1.2.3");
    assert_int_equal(p, 6633);
    assert_int_equal(sw_connmgr_parse_target("tcp:[::1]:7000", h, sizeof h, &p), 0);
    assert_string_equal(h, "::1");
    assert_int_equal(p, 7000);
    assert_int_equal(sw_connmgr_parse_target("tcp:[fe80::1]", h, sizeof h, &p), 0);
    assert_int_equal(p, 6653);
    assert_int_equal(sw_connmgr_parse_target("tcp:::1", h, sizeof h, &p), 0);
    assert_string_equal(h, "::1");
    assert_int_equal(sw_connmgr_parse_target("tcp:ctl.example:1", h, sizeof h, &p), 0);
    assert_string_equal(h, "ctl.example");
}

static void test_parse_target_rejects_bad_specs(void **state)
{
    const char *bad[] = {"tcp:", "tcp::6653", "tcp:h:0", "tcp:h:70000", "tcp:h:x", "tcp:h:",
                         "ptcp:1", "udp:h", "tcp:[::1", "tcp:[::1]x", "tcp:[]:1", "tcp:h:6653x",
                         "tcp:h:-1"};
    char h[64];
    uint16_t p;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(sw_connmgr_parse_target(bad[i], h, sizeof h, &p), -EINVAL);
    assert_int_equal(sw_connmgr_parse_target(NULL, h, sizeof h, &p), -EINVAL);
    assert_int_equal(sw_connmgr_parse_target("tcp:averylonghostname", h, 8, &p), -EINVAL);
    assert_int_equal(sw_connmgr_add_target(F.m, "tcp:"), -EINVAL);
}

static void test_parse_listen_forms(void **state)
{
    char ip[64];
    uint16_t p;
    assert_int_equal(sw_connmgr_parse_listen("ptcp:6653", &p, ip, sizeof ip), 0);
    assert_int_equal(p, 6653);
    assert_string_equal(ip, "");
    assert_int_equal(sw_connmgr_parse_listen("ptcp:6634:127.0.0.1", &p, ip, sizeof ip), 0);
    assert_int_equal(p, 6634);
    assert_string_equal(ip, "127.0.0.1");
    assert_int_equal(sw_connmgr_parse_listen("ptcp:0:[::1]", &p, ip, sizeof ip), 0);
    assert_int_equal(p, 0);
    assert_string_equal(ip, "::1");
    assert_int_equal(sw_connmgr_parse_listen("ptcp:1:::1", &p, ip, sizeof ip), 0);
    assert_string_equal(ip, "::1");
    const char *bad[] = {"ptcp:", "ptcp:x", "ptcp:70000", "ptcp:1:", "tcp:1", "ptcp:1:[]",
                         "ptcp:123456"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(sw_connmgr_parse_listen(bad[i], &p, ip, sizeof ip), -EINVAL);
    assert_int_equal(sw_connmgr_add_listener(F.m, "ptcp:x"), -EINVAL);
}

/* ---- active targets ------------------------------------------------------ */

static void test_active_target_connects_and_reaches_hello(void **state)
{
    struct os_stream *l, *s;
    uint8_t m[64];
    assert_int_equal(os_stream_listen("127.0.0.1", 0, &l), 0);
    add_target_port(os_stream_local_port(l));
    assert_false(sw_connmgr_has_controller(F.m));
    s = ctl_accept(l, T0);
    assert_non_null(s);
    ctl_handshake(s);
    assert_int_equal(run_until(T0, &F.n_connect, 1), 1);
    assert_true(sw_connmgr_has_controller(F.m));
    assert_true(sw_connmgr_conn_is_active_target(F.last));
    assert_int_equal(sw_connmgr_stats(F.m)->sessions, 1);
    /* Messages flow both ways. */
    assert_int_equal(scp_send_msg(s, 1, OFPT_FEATURES_REQUEST, 5, NULL, 0), 0);
    assert_int_equal(run_until(T0, &F.n_msgs, 1), 1);
    assert_int_equal(F.last_type, OFPT_FEATURES_REQUEST);
    uint8_t reply[8] = {1, OFPT_BARRIER_REPLY, 0, 8, 0, 0, 0, 5};
    assert_int_equal(sw_conn_send(F.last, reply, sizeof reply), 0);
    sw_connmgr_flush(F.m); /* sent outside sw_connmgr_run: flush it */
    assert_int_equal(scp_recv_msg(s, m, sizeof m, 2000), 8);
    assert_int_equal(m[1], OFPT_BARRIER_REPLY);
    os_stream_close(s);
    os_stream_close(l);
}

static void test_two_targets_each_get_a_session(void **state)
{
    struct os_stream *l[2], *s[2];
    for (int i = 0; i < 2; i++) {
        assert_int_equal(os_stream_listen("127.0.0.1", 0, &l[i]), 0);
        add_target_port(os_stream_local_port(l[i]));
    }
    for (int i = 0; i < 2; i++) {
        s[i] = ctl_accept(l[i], T0);
        assert_non_null(s[i]);
        ctl_handshake(s[i]);
    }
    assert_int_equal(run_until(T0, &F.n_connect, 2), 2);
    uint8_t fr[8] = {1, OFPT_FLOW_REMOVED, 0, 8, 0, 0, 0, 3};
    assert_int_equal(sw_connmgr_broadcast(F.m, fr, sizeof fr), 2);
    sw_connmgr_flush(F.m);
    for (int i = 0; i < 2; i++) {
        uint8_t m[64];
        assert_int_equal(scp_recv_msg(s[i], m, sizeof m, 2000), 8);
        assert_int_equal(m[1], OFPT_FLOW_REMOVED);
        os_stream_close(s[i]);
        os_stream_close(l[i]);
    }
}

static void test_reconnects_within_one_second_after_peer_closes(void **state)
{
    struct os_stream *l, *s;
    assert_int_equal(os_stream_listen("127.0.0.1", 0, &l), 0);
    add_target_port(os_stream_local_port(l));
    s = ctl_accept(l, os_clock_ns());
    assert_non_null(s);
    ctl_handshake(s);
    assert_int_equal(run_until(os_clock_ns(), &F.n_connect, 1), 1);
    os_stream_close(s); /* the controller ends the session */
    uint64_t t0 = scp_ms();
    s = NULL;
    while (!s && scp_ms() - t0 < 2000) {
        sw_connmgr_run(F.m, os_clock_ns());
        s = scp_accept(l, 5);
    }
    assert_non_null(s);
    assert_true(scp_ms() - t0 < 1000);
    assert_int_equal(F.n_disconnect, 1);
    assert_false(sw_connmgr_has_controller(F.m));
    ctl_handshake(s);
    assert_int_equal(run_until(os_clock_ns(), &F.n_connect, 2), 2);
    assert_true(sw_connmgr_has_controller(F.m));
    os_stream_close(s);
    os_stream_close(l);
}

/* Runs at `now` until the failure count reaches `want`; checks the next
 * deadline is now + delay. */
static void expect_failure(uint64_t now, uint64_t want, uint64_t delay)
{
    const struct sw_connmgr_stats *st = sw_connmgr_stats(F.m);
    assert_int_equal(run_until(now, &st->connect_failures, want), want);
    assert_int_equal(st->connect_attempts, want);
    assert_int_equal(sw_connmgr_next_deadline(F.m), now + delay);
}

static void test_backoff_doubles_while_port_is_closed(void **state)
{
    const struct sw_connmgr_stats *st = sw_connmgr_stats(F.m);
    add_target_port(closed_port());
    uint64_t t = T0;
    expect_failure(t, 1, 100 * MS);
    sw_connmgr_run(F.m, t + 99 * MS); /* too early: no attempt */
    assert_int_equal(st->connect_attempts, 1);
    t += 100 * MS;
    expect_failure(t, 2, 200 * MS);
    t += 200 * MS;
    expect_failure(t, 3, 400 * MS);
    t += 400 * MS;
    expect_failure(t, 4, 400 * MS); /* capped at backoff_max */
    assert_int_equal(F.n_connect, 0);
}

static void test_backoff_resets_after_a_session(void **state)
{
    uint16_t port = closed_port();
    add_target_port(port);
    uint64_t t = T0;
    expect_failure(t, 1, 100 * MS);
    t += 100 * MS;
    expect_failure(t, 2, 200 * MS);
    t += 200 * MS; /* back-off now 400 ms; the controller comes up */
    struct os_stream *l, *s;
    assert_int_equal(os_stream_listen("127.0.0.1", port, &l), 0);
    s = ctl_accept(l, t);
    assert_non_null(s);
    ctl_handshake(s);
    assert_int_equal(run_until(t, &F.n_connect, 1), 1);
    os_stream_close(s);
    os_stream_close(l);
    assert_int_equal(run_until(t, &F.n_disconnect, 1), 1);
    assert_int_equal(sw_connmgr_next_deadline(F.m), t + 100 * MS); /* reconnect delay */
    t += 100 * MS;
    const struct sw_connmgr_stats *st = sw_connmgr_stats(F.m);
    assert_int_equal(run_until(t, &st->connect_failures, 3), 3);
    assert_int_equal(st->connect_attempts, 4);
    /* back-off restarted at its minimum */
    assert_int_equal(sw_connmgr_next_deadline(F.m), t + 100 * MS);
}

/* ---- passive listeners --------------------------------------------------- */

static void test_passive_accepts_three_clients_at_once(void **state)
{
    int idx = sw_connmgr_add_listener(F.m, "ptcp:0:127.0.0.1");
    assert_true(idx >= 0);
    uint16_t port = sw_connmgr_listener_port(F.m, idx);
    assert_int_not_equal(port, 0);
    struct os_stream *cl[3];
    for (int i = 0; i < 3; i++) {
        assert_int_equal(os_stream_connect("127.0.0.1", port, &cl[i]), 0);
        assert_int_equal(scp_send_msg(cl[i], 1, OFPT_HELLO, 1, NULL, 0), 0);
    }
    assert_int_equal(run_until(T0, &F.n_connect, 3), 3);
    assert_int_equal(sw_connmgr_n_sessions(F.m), 3);
    assert_false(sw_connmgr_has_controller(F.m)); /* passive clients do not count */
    assert_false(sw_connmgr_conn_is_active_target(F.last));
    uint8_t ps[16] = {1, OFPT_PORT_STATUS, 0, 16, 0, 0, 0, 9};
    assert_int_equal(sw_connmgr_broadcast(F.m, ps, sizeof ps), 3);
    sw_connmgr_flush(F.m);
    for (int i = 0; i < 3; i++) {
        uint8_t m[64];
        assert_int_equal(scp_recv_msg(cl[i], m, sizeof m, 2000), 8);
        assert_int_equal(m[1], OFPT_HELLO);
        assert_int_equal(scp_recv_msg(cl[i], m, sizeof m, 2000), 16);
        assert_int_equal(m[1], OFPT_PORT_STATUS);
    }
    os_stream_close(cl[1]);
    assert_int_equal(run_until(T0, &F.n_disconnect, 1), 1);
    assert_int_equal(sw_connmgr_n_sessions(F.m), 2);
    os_stream_close(cl[0]);
    os_stream_close(cl[2]);
}

static void test_broadcast_skips_connections_before_hello(void **state)
{
    int idx = sw_connmgr_add_listener(F.m, "ptcp:0:127.0.0.1");
    assert_true(idx >= 0);
    struct os_stream *cl;
    assert_int_equal(os_stream_connect("127.0.0.1", sw_connmgr_listener_port(F.m, idx), &cl), 0);
    assert_int_equal(run_until(T0, &sw_connmgr_stats(F.m)->accepted, 1), 1);
    uint8_t ps[8] = {1, OFPT_PORT_STATUS, 0, 8, 0, 0, 0, 9};
    assert_int_equal(sw_connmgr_broadcast(F.m, ps, sizeof ps), 0);
    assert_int_equal(F.n_connect, 0);
    os_stream_close(cl);
}

static void test_wait_fds_lists_listener_and_connections(void **state)
{
    int idx = sw_connmgr_add_listener(F.m, "ptcp:0:127.0.0.1");
    struct os_stream *cl;
    struct sw_connmgr_pollfd fds[4];
    assert_int_equal(sw_connmgr_wait_fds(F.m, fds, 4), 1);
    assert_int_equal(fds[0].events, OS_POLL_IN);
    assert_int_equal(sw_connmgr_next_deadline(F.m), UINT64_MAX);
    assert_int_equal(os_stream_connect("127.0.0.1", sw_connmgr_listener_port(F.m, idx), &cl), 0);
    assert_int_equal(run_until(T0, &sw_connmgr_stats(F.m)->accepted, 1), 1);
    assert_int_equal(sw_connmgr_wait_fds(F.m, fds, 1), 2); /* count beyond max */
    assert_int_equal(sw_connmgr_wait_fds(F.m, fds, 4), 2);
    assert_true(fds[1].events & OS_POLL_IN);
    /* The new connection waits for HELLO for hello_timeout_ns. */
    assert_int_equal(sw_connmgr_next_deadline(F.m), T0 + SW_CONN_HELLO_TIMEOUT_DEFAULT_NS);
    os_stream_close(cl);
}

/* Runs loop p (at most 2 s) until the manager is due at now. */
static bool poll_until_due(struct os_poll *p, uint64_t now)
{
    uint64_t end = scp_ms() + 2000;
    while (!sw_connmgr_due(F.m, now) && scp_ms() < end)
        os_poll_run(p, 100 * MS);
    return sw_connmgr_due(F.m, now);
}

static void test_attached_poll_loop_wakes_and_tracks_handles(void **state)
{
    struct os_poll *p = os_poll_create();
    assert_non_null(p);
    assert_int_equal(sw_connmgr_attach_poll(F.m, p), 0);
    assert_int_equal(sw_connmgr_attach_poll(F.m, p), -EBUSY);
    int idx = sw_connmgr_add_listener(F.m, "ptcp:0:127.0.0.1");
    sw_connmgr_run(F.m, T0);
    assert_false(sw_connmgr_due(F.m, T0)); /* nothing ready, no deadline */
    assert_false(sw_connmgr_due(F.m, T0 + 10 * MS)); /* watched handles: no polling */
    struct os_stream *cl;
    assert_int_equal(os_stream_connect("127.0.0.1", sw_connmgr_listener_port(F.m, idx), &cl), 0);
    assert_true(poll_until_due(p, T0)); /* the listener woke the loop */
    sw_connmgr_run(F.m, T0);
    assert_int_equal(sw_connmgr_stats(F.m)->accepted, 1);
    struct sw_connmgr_pollfd fds[2];
    assert_int_equal(sw_connmgr_wait_fds(F.m, fds, 2), 2);
    int conn_fd = fds[1].fd;
    assert_int_equal(scp_send_msg(cl, 1, OFPT_HELLO, 1, NULL, 0), 0);
    assert_true(poll_until_due(p, T0)); /* the connection woke the loop */
    sw_connmgr_run(F.m, T0);
    assert_int_equal(F.n_connect, 1);
    os_stream_close(cl);
    assert_true(poll_until_due(p, T0));
    sw_connmgr_run(F.m, T0);
    assert_int_equal(F.n_disconnect, 1);
    assert_int_equal(os_poll_del_fd(p, conn_fd), -ENOENT); /* deregistered */
    sw_connmgr_destroy(F.m);
    F.m = NULL;
    os_poll_destroy(p);
}

/* Opens a listener with F.m and attaches a loop.  Returns the listener's
 * port; *p gets the loop. */
static uint16_t attached_listener(struct os_poll **p)
{
    *p = os_poll_create();
    assert_non_null(*p);
    assert_int_equal(sw_connmgr_attach_poll(F.m, *p), 0);
    int idx = sw_connmgr_add_listener(F.m, "ptcp:0:127.0.0.1");
    assert_true(idx >= 0);
    return sw_connmgr_listener_port(F.m, idx);
}

/* Drives loop p and the manager at `now` for ms milliseconds.  Returns the
 * number of runs the manager asked for. */
static unsigned drive(struct os_poll *p, uint64_t now, int ms)
{
    unsigned runs = 0;
    uint64_t end = scp_ms() + (uint64_t)ms;
    while (scp_ms() < end) {
        os_poll_run(p, 2 * MS);
        if (sw_connmgr_due(F.m, now)) {
            sw_connmgr_run(F.m, now);
            runs++;
        }
    }
    return runs;
}

/* With a loop attached, sessions that say nothing make the manager run
 * never: no polling per connection, no wake-up until a deadline. */
static void test_idle_sessions_cost_no_runs(void **state)
{
    struct os_poll *p;
    uint16_t port = attached_listener(&p);
    enum { N = 50 };
    static struct os_stream *cl[N];
    for (int i = 0; i < N; i++) {
        assert_int_equal(os_stream_connect("127.0.0.1", port, &cl[i]), 0);
        assert_int_equal(scp_send_msg(cl[i], 1, OFPT_HELLO, 1, NULL, 0), 0);
    }
    uint64_t end = scp_ms() + 3000;
    while (F.n_connect < N && scp_ms() < end)
        drive(p, T0, 10);
    assert_int_equal(F.n_connect, N);
    drive(p, T0, 50); /* settle: our HELLOs are out */
    assert_int_equal(sw_connmgr_next_deadline(F.m), T0 + SW_CONN_PROBE_DEFAULT_NS);
    assert_int_equal(drive(p, T0 + MS, 200), 0);
    /* one client speaks: the manager runs for it */
    assert_int_equal(scp_send_msg(cl[7], 1, OFPT_FEATURES_REQUEST, 9, NULL, 0), 0);
    assert_true(drive(p, T0 + MS, 200) >= 1);
    assert_int_equal(F.n_msgs, 1);
    for (int i = 0; i < N; i++)
        os_stream_close(cl[i]);
    sw_connmgr_destroy(F.m);
    F.m = NULL;
    os_poll_destroy(p);
}

/* One run serves at most 16 connections, so the packet path never waits
 * for all of them; the rest follow in the next runs, none forgotten. */
static void test_one_run_serves_a_bounded_number_of_connections(void **state)
{
    struct os_poll *p;
    uint16_t port = attached_listener(&p);
    enum { N = 100 };
    static struct os_stream *cl[N];
    for (int i = 0; i < N; i++) { /* in batches: the listen backlog is 64 */
        assert_int_equal(os_stream_connect("127.0.0.1", port, &cl[i]), 0);
        if (i % 25 == 24)
            drive(p, T0, 20);
    }
    for (int i = 0; i < N; i++)
        assert_int_equal(scp_send_msg(cl[i], 1, OFPT_HELLO, 1, NULL, 0), 0);
    uint64_t end = scp_ms() + 3000;
    while (F.n_connect < N && scp_ms() < end)
        drive(p, T0, 10);
    assert_int_equal(F.n_connect, N);
    for (int i = 0; i < N; i++)
        assert_int_equal(scp_send_msg(cl[i], 1, OFPT_FEATURES_REQUEST, 2, NULL, 0), 0);
    usleep(100 * 1000);
    for (int i = 0; i < 4; i++)
        os_poll_run(p, 0); /* up to 64 handles per call: all of them ready now */
    for (uint64_t runs = 1; F.n_msgs < N; runs++) {
        assert_true(sw_connmgr_due(F.m, T0)); /* the rest is still due */
        sw_connmgr_run(F.m, T0);
        assert_int_equal(F.n_msgs, runs * 16 < N ? runs * 16 : N);
    }
    assert_false(sw_connmgr_due(F.m, T0));
    for (int i = 0; i < N; i++)
        os_stream_close(cl[i]);
    sw_connmgr_destroy(F.m);
    F.m = NULL;
    os_poll_destroy(p);
}

/* Past max_passive a client is accepted and closed at once, counted. */
static void test_clients_over_the_limit_are_refused(void **state)
{
    struct sw_connmgr_config cfg = {.max_passive = 3};
    struct sw_connmgr_cbs cbs = {on_connect, on_message, on_disconnect, NULL};
    sw_connmgr_destroy(F.m);
    F.m = sw_connmgr_create(&cfg, &cbs);
    int idx = sw_connmgr_add_listener(F.m, "ptcp:0:127.0.0.1");
    uint16_t port = sw_connmgr_listener_port(F.m, idx);
    struct os_stream *cl[5];
    for (int i = 0; i < 5; i++) {
        assert_int_equal(os_stream_connect("127.0.0.1", port, &cl[i]), 0);
        assert_int_equal(scp_send_msg(cl[i], 1, OFPT_HELLO, 1, NULL, 0), 0);
    }
    const struct sw_connmgr_stats *st = sw_connmgr_stats(F.m);
    assert_int_equal(run_until(T0, &st->refused, 2), 2);
    assert_int_equal(run_until(T0, &F.n_connect, 3), 3);
    assert_int_equal(st->accepted, 3);
    int refused = 0;
    for (int i = 0; i < 5; i++)
        refused += scp_wait_eof(cl[i], 200);
    assert_int_equal(refused, 2);
    /* a place frees up: the next client gets in */
    for (int i = 0; i < 5; i++)
        os_stream_close(cl[i]);
    assert_int_equal(run_until(T0, &F.n_disconnect, 3), 3);
    struct os_stream *again;
    assert_int_equal(os_stream_connect("127.0.0.1", port, &again), 0);
    assert_int_equal(scp_send_msg(again, 1, OFPT_HELLO, 1, NULL, 0), 0);
    assert_int_equal(run_until(T0, &F.n_connect, 4), 4);
    os_stream_close(again);
}

/* Out of descriptors, accept fails with EMFILE: the listener pauses (no
 * longer watched, so the loop does not spin), backs off, and accepts again
 * once descriptors are free. */
static void test_accept_out_of_descriptors_pauses_the_listener(void **state)
{
    struct os_poll *p;
    uint16_t port = attached_listener(&p);
    struct os_stream *cl[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(os_stream_connect("127.0.0.1", port, &cl[i]), 0);
    struct rlimit old, low;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
    int probe = dup(0); /* the lowest free descriptor: everything above is free */
    assert_true(probe >= 0);
    close(probe);
    low = old;
    low.rlim_cur = (rlim_t)probe; /* no descriptor can be opened */
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
    unsigned runs = drive(p, T0, 100);
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
    const struct sw_connmgr_stats *st = sw_connmgr_stats(F.m);
    assert_int_equal(st->accept_errors, 1); /* then paused: not retried at T0 */
    assert_true(runs <= 2);
    assert_int_equal(st->accepted, 0);
    assert_int_equal(sw_connmgr_next_deadline(F.m), T0 + 100 * MS);
    drive(p, T0 + 100 * MS, 100); /* the pause ends: all three come in */
    assert_int_equal(st->accepted, 3);
    for (int i = 0; i < 3; i++)
        os_stream_close(cl[i]);
    sw_connmgr_destroy(F.m);
    F.m = NULL;
    os_poll_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_parse_target_forms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_target_rejects_bad_specs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_listen_forms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_active_target_connects_and_reaches_hello, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_two_targets_each_get_a_session, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reconnects_within_one_second_after_peer_closes,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_backoff_doubles_while_port_is_closed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_backoff_resets_after_a_session, setup, teardown),
        cmocka_unit_test_setup_teardown(test_passive_accepts_three_clients_at_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_broadcast_skips_connections_before_hello, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_wait_fds_lists_listener_and_connections, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_attached_poll_loop_wakes_and_tracks_handles,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_idle_sessions_cost_no_runs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_run_serves_a_bounded_number_of_connections,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_clients_over_the_limit_are_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_accept_out_of_descriptors_pauses_the_listener,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
