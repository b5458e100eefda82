/*
 * test_unix_stream.c — os/stream.h on unix: connecting to a name never
 * blocks the caller (libos/unix/stream.c resolves it in a helper thread).
 *
 * The binary runs in its own network and mount namespaces (root only; the
 * tests skip otherwise): /etc/resolv.conf points at 127.0.0.1, where a DNS
 * "server" of this file answers NXDOMAIN for names whose first label starts
 * with "nx" and never answers anything else; /etc/hosts names
 * sluice-test-host.  A veth gives the namespace an IPv4 address
 * (getaddrinfo's AI_ADDRCONFIG may ignore loopback).
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "netns_harness.h"
#include "os/log.h"
#include "os/stream.h"
#include "sw_connpeer.h"

#define RESOLV "/tmp/sluice-test-resolv.conf"
#define HOSTS "/tmp/sluice-test-hosts"

static bool have_dns; /* the namespace, the files and the DNS responder are up */
static int dns_sock = -1;
static volatile int dns_stop;

/* Answers NXDOMAIN to queries for nx*, drops the rest, until dns_stop. */
static void *dns_responder(void *arg)
{
    uint8_t q[512];
    while (!dns_stop) {
        struct pollfd p = {.fd = dns_sock, .events = POLLIN};
        if (poll(&p, 1, 50) <= 0)
            continue;
        struct sockaddr_storage from;
        socklen_t flen = sizeof from;
        ssize_t n = recvfrom(dns_sock, q, sizeof q, 0, (struct sockaddr *)&from, &flen);
        if (n < 12 + 3 || strncmp((const char *)q + 13, "nx", 2) != 0)
            continue; /* silence */
        q[2] = 0x81;               /* QR, RD */
        q[3] = 0x83;               /* RA, RCODE 3 = NXDOMAIN */
        memset(q + 6, 0, 6);       /* no answer, authority or additional records */
        sendto(dns_sock, q, (size_t)n, 0, (struct sockaddr *)&from, flen);
    }
    return NULL;
}

/* Writes `text` to `path`.  Returns true on success. */
static bool write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fputs(text, f);
    return fclose(f) == 0;
}

/* Enters the namespaces, bind-mounts the resolver files and starts the DNS
 * responder.  Returns true when all of it worked. */
static bool dns_setup(void)
{
    if (!nh_enter_netns("test_unix_stream") || unshare(CLONE_NEWNS) != 0 ||
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        return false;
    if (!write_file(RESOLV, "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n") ||
        !write_file(HOSTS, "127.0.0.1 localhost\n127.0.0.1 sluice-test-host\n") ||
        mount(RESOLV, "/etc/resolv.conf", NULL, MS_BIND, NULL) != 0 ||
        mount(HOSTS, "/etc/hosts", NULL, MS_BIND, NULL) != 0)
        return false;
    nh_sh("ip link add sl-res0 type veth peer name sl-res1 && "
          "ip addr add 10.99.0.1/24 dev sl-res0 && ip link set sl-res0 up");
    dns_sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(53),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    pthread_t tid;
    return dns_sock >= 0 && bind(dns_sock, (struct sockaddr *)&a, sizeof a) == 0 &&
           pthread_create(&tid, NULL, dns_responder, NULL) == 0 && pthread_detach(tid) == 0;
}

#define NEED_DNS()                                                                           \
    do {                                                                                     \
        if (!have_dns) {                                                                     \
            print_message("no private namespaces (not root?): skipped\n");                 \
            skip();                                                                          \
        }                                                                                    \
    } while (0)

/* Polls the stream's handle for `events` up to ms.  Returns poll's revents. */
static short wait_handle(struct os_stream *s, short events, int ms)
{
    struct pollfd p = {.fd = os_stream_fd(s), .events = events};
    return poll(&p, 1, ms) > 0 ? p.revents : 0;
}

/* Waits (through the handle, as a poll loop would) until the connect is
 * decided.  Returns os_stream_connect_status's final value. */
static int wait_connected(struct os_stream *s, int ms)
{
    uint64_t end = scp_ms() + (uint64_t)ms;
    int rc;
    while ((rc = os_stream_connect_status(s)) == -EAGAIN && scp_ms() < end)
        wait_handle(s, POLLOUT, 20);
    return rc;
}

/* A name nobody answers for: connect returns at once, the stream stays
 * "connecting" with a pollable handle that is not ready, and closing it
 * does not wait for the lookup either. */
static void test_name_lookup_does_not_block(void **state)
{
    NEED_DNS();
    struct os_stream *s;
    uint64_t t = scp_ms();
    assert_int_equal(os_stream_connect("silent.sluice-test", 6653, &s), 0);
    assert_true(scp_ms() - t < 100);
    assert_int_equal(os_stream_connect_status(s), -EAGAIN);
    assert_true(os_stream_fd(s) >= 0);
    assert_int_equal(wait_handle(s, POLLIN | POLLOUT, 200), 0);
    assert_int_equal(os_stream_connect_status(s), -EAGAIN);
    char name[64];
    assert_string_equal(os_stream_name(s, name, sizeof name), "silent.sluice-test:6653");
    assert_int_equal(os_stream_write(s, "x", 1), -EAGAIN);
    t = scp_ms();
    os_stream_close(s);
    assert_true(scp_ms() - t < 100);
}

/* A name that resolves (/etc/hosts): the handle wakes the caller, then the
 * connect completes and bytes flow. */
static void test_name_lookup_resolves_then_connects(void **state)
{
    NEED_DNS();
    struct os_stream *l, *s, *a;
    assert_int_equal(os_stream_listen("127.0.0.1", 0, &l), 0);
    assert_int_equal(os_stream_connect("sluice-test-host", os_stream_local_port(l), &s), 0);
    assert_true(wait_handle(s, POLLIN, 2000) != 0); /* the lookup ended: hang-up */
    assert_int_equal(wait_connected(s, 2000), 0);
    a = scp_accept(l, 2000);
    assert_non_null(a);
    assert_int_equal(scp_send(s, "hello", 5), 0);
    char buf[8];
    uint64_t end = scp_ms() + 2000;
    long r;
    while ((r = os_stream_read(a, buf, sizeof buf)) == -EAGAIN && scp_ms() < end)
        usleep(1000);
    assert_int_equal(r, 5);
    char name[64];
    snprintf(buf, sizeof buf, "%u", (unsigned)os_stream_local_port(l));
    assert_non_null(strstr(os_stream_name(s, name, sizeof name), "127.0.0.1:"));
    os_stream_close(a);
    os_stream_close(s);
    os_stream_close(l);
}

/* A name that does not exist fails the connect with -EHOSTUNREACH. */
static void test_unknown_name_fails_the_connect(void **state)
{
    NEED_DNS();
    struct os_stream *s;
    assert_int_equal(os_stream_connect("nxdomain.sluice-test", 6653, &s), 0);
    assert_int_equal(wait_connected(s, 3000), -EHOSTUNREACH);
    assert_int_equal(os_stream_read(s, (char[4]){0}, 4), -EHOSTUNREACH);
    os_stream_close(s);
}

/* At most four lookups run at once; abandoned ones end on their own (here
 * within the resolver's 1 s timeout) and free their place. */
static void test_lookups_in_flight_are_bounded(void **state)
{
    NEED_DNS();
    sleep(2); /* the lookups abandoned by earlier tests end */
    struct os_stream *s[5];
    for (int i = 0; i < 4; i++)
        assert_int_equal(os_stream_connect("silent.sluice-test", 1, &s[i]), 0);
    assert_int_equal(os_stream_connect("silent.sluice-test", 1, &s[4]), -EAGAIN);
    for (int i = 0; i < 4; i++)
        os_stream_close(s[i]);
    sleep(2);
    assert_int_equal(os_stream_connect("silent.sluice-test", 1, &s[4]), 0);
    os_stream_close(s[4]);
}

/* A numeric address never starts a lookup. */
static void test_numeric_address_connects_directly(void **state)
{
    struct os_stream *l, *s;
    assert_int_equal(os_stream_listen("127.0.0.1", 0, &l), 0);
    assert_int_equal(os_stream_connect("127.0.0.1", os_stream_local_port(l), &s), 0);
    assert_int_equal(wait_connected(s, 2000), 0);
    os_stream_close(s);
    os_stream_close(l);
}

int main(void)
{
    os_log_set_level(OS_LOG_ERR);
    have_dns = dns_setup();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_lookup_does_not_block),
        cmocka_unit_test(test_name_lookup_resolves_then_connects),
        cmocka_unit_test(test_unknown_name_fails_the_connect),
        cmocka_unit_test(test_numeric_address_connects_directly),
        cmocka_unit_test(test_lookups_in_flight_are_bounded),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    dns_stop = 1;
    return rc;
}
