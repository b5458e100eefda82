/*
 * test_netdev_tap.c — the "tap:" netdev against real Linux taps.
 *
 * The binary moves itself into a private network namespace first
 * (unshare(CLONE_NEWNET)), so taps, addresses and neighbours it creates are
 * invisible to the host and vanish with the process, even on a crash.
 * Interface names are "slt<pid>..." all the same.  Needs root: without it
 * every test is skipped with a message.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "libos/unix/netdev_unix.h"
#include "libos/common/offload.h"
#include "os/byteorder.h"
#include "os/clock.h"
#include "os/pkt.h"
#include "netns_harness.h"

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

static char tapname[IFNAMSIZ];
static struct pkt_pool *pool;
static struct netdev *dev;

static int setup(void **state)
{
    if (!nh_have_ns)
        return 0;
    pool = pkt_pool_create(512, PKT_DEFAULT_SLOT, PKT_DEFAULT_HEADROOM);
    if (!pool)
        return -1;
    return netdev_tap_class.open(tapname, pool, &dev);
}

static int teardown(void **state)
{
    if (!nh_have_ns)
        return 0;
    if (dev)
        netdev_tap_class.close(dev);
    dev = NULL;
    assert_int_equal(pkt_pool_avail(pool), pkt_pool_size(pool));
    pkt_pool_destroy(pool);
    return 0;
}

/* Receives from the netdev for up to `ms` until a frame with ethertype
 * `etype` arrives; other frames (IPv6 noise) are freed.  Returns it or NULL. */
static struct pkt *rx_wait(uint16_t etype, int ms)
{
    uint64_t end = os_clock_ns() + (uint64_t)ms * 1000000u;
    while (os_clock_ns() < end) {
        struct pollfd pfd = {.fd = dev->wait_fd, .events = POLLIN};
        poll(&pfd, 1, 10);
        struct pkt *pk[PKT_BURST];
        unsigned n = netdev_tap_class.rx_burst(dev, pk, PKT_BURST), i;
        struct pkt *hit = NULL;
        for (i = 0; i < n; i++) {
            if (!hit && pk[i]->len >= 14 && os_get_be16(pk[i]->data + 12) == etype)
                hit = pk[i];
            else
                pkt_free(pk[i]);
        }
        if (hit)
            return hit;
    }
    return NULL;
}

/* Returns true when the IPv4/UDP checksums of frame f are valid. */
static bool udp4_valid(const uint8_t *f, uint32_t len)
{
    const uint8_t *ip = f + 14;
    uint32_t ihl = (ip[0] & 0xfu) * 4, l4len = len - 14 - ihl;
    if (offload_csum_fold(offload_csum_partial(ip, ihl, 0)) != 0)
        return false;
    uint8_t ph[12];
    memcpy(ph, ip + 12, 8);
    ph[8] = 0;
    ph[9] = 17;
    os_put_be16(ph + 10, (uint16_t)l4len);
    uint32_t s = offload_csum_partial(ph, 12, 0);
    return offload_csum_fold(offload_csum_partial(ip + ihl, l4len, s)) == 0;
}

static void test_tap_open_reports_port(void **state)
{
    NH_NEED_NS();
    assert_string_equal(dev->name, tapname);
    assert_int_equal(dev->mtu, 1500);
    assert_true(dev->link_up);
    assert_true(dev->wait_fd >= 0);
    assert_int_equal(dev->mac[0] & 3, 2); /* locally administered unicast */
    struct ifreq ifr = {0};
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    strcpy(ifr.ifr_name, tapname);
    assert_int_equal(ioctl(s, SIOCGIFHWADDR, &ifr), 0);
    assert_memory_not_equal(ifr.ifr_hwaddr.sa_data, dev->mac, 6);
    assert_int_equal(ioctl(s, SIOCGIFFLAGS, &ifr), 0);
    assert_true(ifr.ifr_flags & IFF_UP);
    close(s);
}

static void test_tap_close_removes_device(void **state)
{
    NH_NEED_NS();
    assert_true(if_nametoindex(tapname) > 0);
    netdev_tap_class.close(dev);
    dev = NULL;
    assert_int_equal(if_nametoindex(tapname), 0);
}

static void test_tap_rejects_bad_name(void **state)
{
    NH_NEED_NS();
    struct netdev *d = NULL;
    assert_int_equal(netdev_tap_class.open("", pool, &d), -EINVAL);
    assert_int_equal(netdev_tap_class.open("a-name-far-too-long-for-linux", pool, &d), -EINVAL);
    assert_null(d);
}

static void test_tap_open_via_spec(void **state)
{
    NH_NEED_NS();
    char spec[32];
    snprintf(spec, sizeof spec, "tap:%sx", tapname);
    struct netdev *d = NULL;
    assert_int_equal(netdev_open(spec, pool, &d), 0);
    assert_ptr_equal(d->cls, &netdev_tap_class);
    assert_string_equal(d->name, spec + 4);
    assert_true(if_nametoindex(spec + 4) > 0);
    netdev_close(d);
    assert_int_equal(if_nametoindex(spec + 4), 0);
}

static void test_tap_rx_frame_from_kernel(void **state)
{
    NH_NEED_NS();
    uint8_t f[200];
    uint32_t len = nh_test_frame(f, 100, 0, false);
    int s = nh_raw_socket(tapname);
    assert_int_equal(send(s, f, len, 0), (ssize_t)len);
    struct pkt *p = rx_wait(NH_ETYPE_TEST, 1000);
    assert_non_null(p);
    assert_int_equal(p->len, len);
    assert_memory_equal(p->data, f, len);
    assert_true(p->ts_ns > 0);
    assert_int_equal(p->refcnt, 1);
    pkt_free(p);
    assert_true(dev->stats.rx_packets >= 1);
    close(s);
}

static void test_tap_tx_frame_to_kernel(void **state)
{
    NH_NEED_NS();
    int s = nh_raw_socket(tapname);
    uint8_t want[200];
    uint32_t len = nh_test_frame(want, 100, 0, false);
    struct pkt *p = pkt_alloc(pool);
    assert_non_null(p);
    memcpy(pkt_put(p, len), want, len);
    assert_int_equal(netdev_tap_class.tx_burst(dev, &p, 1), 1);
    assert_int_equal(dev->stats.tx_packets, 1);
    assert_int_equal(dev->stats.tx_bytes, len);
    uint8_t buf[2048];
    ssize_t r = -1;
    for (int i = 0; i < 100 && r != (ssize_t)len; i++) {
        struct pollfd pfd = {.fd = s, .events = POLLIN};
        poll(&pfd, 1, 10);
        r = recv(s, buf, sizeof buf, 0);
        if (r == (ssize_t)len && memcmp(buf, want, len) != 0)
            r = -1;
    }
    assert_int_equal(r, len);
    close(s);
}

/* Gives the tap an address and a fake neighbour; returns a UDP socket
 * connected to that neighbour. */
static int udp_to_neighbour(void)
{
    assert_int_equal(nh_sh("ip addr add 10.78.0.1/24 dev %s && "
                        "ip neigh add 10.78.0.2 lladdr 02:00:00:00:00:02 dev %s nud permanent",
                        tapname, tapname), 0);
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9999)};
    inet_pton(AF_INET, "10.78.0.2", &to.sin_addr);
    assert_int_equal(connect(u, (struct sockaddr *)&to, sizeof to), 0);
    return u;
}

/* Receives every IPv4 UDP frame for `ms`, checks each is valid and no larger
 * than MTU + 18.  Returns the payload bytes seen. */
static uint32_t rx_udp_checked(int ms)
{
    uint32_t bytes = 0;
    uint64_t end = os_clock_ns() + (uint64_t)ms * 1000000u;
    while (os_clock_ns() < end) {
        struct pollfd pfd = {.fd = dev->wait_fd, .events = POLLIN};
        poll(&pfd, 1, 10);
        struct pkt *pk[PKT_BURST];
        unsigned n = netdev_tap_class.rx_burst(dev, pk, PKT_BURST);
        for (unsigned i = 0; i < n; i++) {
            const uint8_t *f = pk[i]->data;
            if (pk[i]->len > 42 && os_get_be16(f + 12) == 0x0800 && f[23] == 17) {
                assert_true(pk[i]->len <= dev->mtu + 18u);
                assert_true(udp4_valid(f, pk[i]->len));
                bytes += pk[i]->len - 42;
            }
            pkt_free(pk[i]);
        }
    }
    return bytes;
}

static void test_tap_partial_checksum_completed(void **state)
{
    NH_NEED_NS();
    int u = udp_to_neighbour();
    char msg[777];
    memset(msg, 'x', sizeof msg);
    assert_int_equal(send(u, msg, sizeof msg, 0), (ssize_t)sizeof msg);
    assert_int_equal(rx_udp_checked(200), sizeof msg);
    assert_true(netdev_tap_offload_stats(dev)->csum_completed >= 1);
    close(u);
}

static void test_tap_udp_gso_segmented(void **state)
{
    NH_NEED_NS();
    int u = udp_to_neighbour();
    int seg = 1000;
    assert_int_equal(setsockopt(u, IPPROTO_UDP, UDP_SEGMENT, &seg, sizeof seg), 0);
    static char msg[8500];
    memset(msg, 'y', sizeof msg);
    assert_int_equal(send(u, msg, sizeof msg, 0), (ssize_t)sizeof msg);
    assert_int_equal(rx_udp_checked(200), sizeof msg);
    const struct offload_stats *os = netdev_tap_offload_stats(dev);
    print_message("udp gso: %lu super-frames -> %lu segments, %lu csum completed\n",
                  (unsigned long)os->gso_frames, (unsigned long)os->gso_segments,
                  (unsigned long)os->csum_completed);
    assert_int_equal(os->bad, 0);
    if (os->gso_frames == 0) /* kernels before 6.2 have no TUN_F_USO4 */
        print_message("kernel segmented UDP itself (no USO on taps)\n");
    close(u);
}

static void test_tap_poll_link_sees_admin_down(void **state)
{
    NH_NEED_NS();
    assert_false(netdev_tap_class.poll_link(dev));
    assert_int_equal(netdev_tap_class.set_up(dev, false), 0);
    assert_true(netdev_tap_class.poll_link(dev));
    assert_false(dev->link_up);
    assert_int_equal(netdev_tap_class.set_up(dev, true), 0);
    assert_true(netdev_tap_class.poll_link(dev));
    assert_true(dev->link_up);
}

int main(void)
{
    snprintf(tapname, sizeof tapname, "slt%dt", (int)getpid());
    nh_enter_netns("test_netdev_tap");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_tap_open_reports_port, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tap_close_removes_device, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tap_rejects_bad_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tap_open_via_spec, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tap_rx_frame_from_kernel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tap_tx_frame_to_kernel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tap_partial_checksum_completed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tap_udp_gso_segmented, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tap_poll_link_sees_admin_down, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
