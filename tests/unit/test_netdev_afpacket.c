/*
 * test_netdev_afpacket.c — the "afpacket:" netdev on real veth pairs.
 *
 * The binary first moves into a private network namespace
 * (unshare(CLONE_NEWNET)); every veth ("slt<pid>...") and address it
 * creates lives there and vanishes with the process, even on a crash.  The
 * TCP test forks two children that each unshare a namespace of their own
 * (client and server), moves one end of a veth into each, and forwards
 * between the two other ends through two netdevs, checking every frame: a
 * real TCP transfer over veths with default offloads (TSO, GSO, checksum
 * offload on), so the kernel hands the netdev GSO super-frames and
 * partial-checksum frames.  Needs root: without it every test is skipped.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "libos/unix/afpacket_priv.h"
#include "libos/unix/linux_if.h"
#include "libos/unix/netdev_unix.h"
#include "libos/common/offload.h"
#include "os/byteorder.h"
#include "os/clock.h"
#include "os/pkt.h"
#include "netns_harness.h"

#define TCP_BYTES (4u << 20)

static char ifa[IFNAMSIZ], ifb[IFNAMSIZ];
static struct pkt_pool *pool;
static struct netdev *dev;

/* Fixture: veth ifa <-> ifb, both up, a netdev on ifa. */
static int setup(void **state)
{
    if (!nh_have_ns)
        return 0;
    pool = pkt_pool_create(1024, PKT_DEFAULT_SLOT, PKT_DEFAULT_HEADROOM);
    if (!pool || nh_sh("ip link add %s type veth peer name %s && ip link set %s up", ifa, ifb,
                    ifb) != 0)
        return -1;
    return netdev_afpacket_class.open(ifa, pool, &dev);
}

static int teardown(void **state)
{
    if (!nh_have_ns)
        return 0;
    if (dev)
        netdev_afpacket_class.close(dev);
    dev = NULL;
    nh_sh("ip link del %s 2>/dev/null", ifa);
    assert_int_equal(pkt_pool_avail(pool), pkt_pool_size(pool));
    pkt_pool_destroy(pool);
    return 0;
}

/* Receives from the netdev for up to `ms` until a frame whose bytes equal
 * `want` arrives.  Returns true when it did; frees everything. */
static bool rx_expect(const uint8_t *want, uint32_t len, int ms)
{
    bool hit = false;
    uint64_t end = os_clock_ns() + (uint64_t)ms * 1000000u;
    while (!hit && os_clock_ns() < end) {
        struct pollfd pfd = {.fd = dev->wait_fd, .events = POLLIN};
        poll(&pfd, 1, 5);
        struct pkt *pk[PKT_BURST];
        unsigned n = netdev_afpacket_class.rx_burst(dev, pk, PKT_BURST);
        for (unsigned i = 0; i < n; i++) {
            if (pk[i]->len == len && memcmp(pk[i]->data, want, len) == 0)
                hit = true;
            pkt_free(pk[i]);
        }
    }
    return hit;
}

static void test_afp_open_reports_interface(void **state)
{
    NH_NEED_NS();
    struct ifreq ifr = {0};
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    strcpy(ifr.ifr_name, ifa);
    assert_int_equal(ioctl(s, SIOCGIFHWADDR, &ifr), 0);
    assert_memory_equal(ifr.ifr_hwaddr.sa_data, dev->mac, 6);
    assert_int_equal(ioctl(s, SIOCGIFFLAGS, &ifr), 0);
    assert_true(ifr.ifr_flags & IFF_UP);
    close(s);
    /* PACKET_MR_PROMISC raises the promiscuity count, not IFF_PROMISC. */
    assert_int_equal(nh_sh("ip -d link show %s | grep -q 'promiscuity 1'", ifa), 0);
    assert_string_equal(dev->name, ifa);
    assert_int_equal(dev->mtu, 1500);
    assert_true(dev->wait_fd >= 0);
    assert_true(dev->curr & NETDEV_F_10GB_FD); /* veth says 10 Gb/s */
}

static void test_afp_open_missing_interface(void **state)
{
    NH_NEED_NS();
    struct netdev *d = NULL;
    assert_int_equal(netdev_afpacket_class.open("sltnosuchif", pool, &d), -ENODEV);
    assert_int_equal(netdev_afpacket_class.open("", pool, &d), -ENODEV);
    assert_null(d);
}

static void test_afp_rx_frame_from_peer(void **state)
{
    NH_NEED_NS();
    uint8_t f[1600];
    uint32_t len = nh_test_frame(f, 1500 - 2, 0, false);
    int s = nh_raw_socket(ifb);
    assert_int_equal(send(s, f, len, 0), (ssize_t)len);
    assert_true(rx_expect(f, len, 1000));
    assert_true(dev->stats.rx_packets >= 1);
    assert_true(dev->stats.rx_bytes >= len);
    close(s);
}

static void test_afp_rx_vlan_tag_survives(void **state)
{
    NH_NEED_NS();
    uint8_t f[200];
    uint32_t len = nh_test_frame(f, 60, 0xa00b, true); /* PCP 5, VID 11 */
    int s = nh_raw_socket(ifb);
    assert_int_equal(send(s, f, len, 0), (ssize_t)len);
    assert_true(rx_expect(f, len, 1000));
    close(s);
}

static void test_afp_tx_frame_to_peer(void **state)
{
    NH_NEED_NS();
    int s = nh_raw_socket(ifb);
    uint8_t want[200];
    struct pkt *p[2];
    uint32_t len = nh_test_frame(want, 80, 0, false);
    for (int i = 0; i < 2; i++)
        memcpy(pkt_put(p[i] = pkt_alloc(pool), len), want, len);
    unsigned sent = netdev_afpacket_class.tx_burst(dev, p, 2);
    assert_int_equal(sent, 2);
    assert_int_equal(dev->stats.tx_packets, 2);
    assert_int_equal(dev->stats.tx_bytes, 2 * len);
    int seen = 0;
    for (int i = 0; i < 100 && seen < 2; i++) {
        uint8_t buf[2048];
        struct pollfd pfd = {.fd = s, .events = POLLIN};
        poll(&pfd, 1, 10);
        ssize_t r;
        while ((r = recv(s, buf, sizeof buf, 0)) > 0)
            seen += r == (ssize_t)len && memcmp(buf, want, len) == 0;
    }
    assert_int_equal(seen, 2);
    /* PACKET_IGNORE_OUTGOING: our own TX never comes back on RX. */
    assert_false(rx_expect(want, len, 50));
    close(s);
}

static void test_afp_poll_link_follows_carrier(void **state)
{
    NH_NEED_NS();
    for (int i = 0; i < 100 && !dev->link_up; i++) { /* carrier may lag */
        netdev_afpacket_class.poll_link(dev);
        usleep(10000);
    }
    assert_true(dev->link_up);
    assert_int_equal(nh_sh("ip link set %s down", ifb), 0);
    bool changed = false;
    for (int i = 0; i < 100 && !changed; i++) {
        changed = netdev_afpacket_class.poll_link(dev);
        usleep(10000);
    }
    assert_true(changed);
    assert_false(dev->link_up);
}

/* ---- the TX ring ---- */

/* Writes frame number `seq` of `len` bytes (>= 20) into f: broadcast,
 * NH_ETYPE_TEST, the sequence number, then a pattern derived from both. */
static void seq_frame(uint8_t *f, uint32_t seq, uint32_t len)
{
    static const uint8_t src[6] = {0x02, 0, 0, 0, 0, 0x07};
    for (int i = 0; i < 6; i++) { /* bytewise: GCC 12's -Warray-bounds misjudges
                                   * memcpy into a ring slot here at -O2 */
        f[i] = 0xff;
        f[6 + i] = src[i];
    }
    os_put_be16(f + 12, NH_ETYPE_TEST);
    os_put_be32(f + 14, seq);
    for (uint32_t i = 18; i < len; i++)
        f[i] = (uint8_t)(seq * 7 + i);
}

/* Length of frame `seq` in the many-bursts test: 60..1514 bytes. */
static uint32_t seq_len(uint32_t seq)
{
    return 60 + (seq * 97) % (1514 - 60 + 1);
}

/* Transmits frames first..first+n-1 of length len(seq) through the netdev
 * in one tx_burst.  Returns what tx_burst returned. */
static unsigned tx_seq_burst(uint32_t first, unsigned n, uint32_t (*len)(uint32_t))
{
    struct pkt **p = calloc(n, sizeof *p);
    assert_non_null(p);
    for (unsigned i = 0; i < n; i++) {
        p[i] = pkt_alloc(pool);
        assert_non_null(p[i]);
        uint32_t l = len(first + i);
        seq_frame(pkt_put(p[i], l), first + i, l);
    }
    unsigned sent = netdev_afpacket_class.tx_burst(dev, p, n);
    free(p);
    return sent;
}

static uint32_t len_100(uint32_t seq)
{
    return 100;
}

/* A raw socket on the peer with room for a full ring of frames. */
static int peer_socket(void)
{
    int s = nh_raw_socket(ifb), big = 8 << 20;
    setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
    return s;
}

/* Receives on the peer socket until `want` test frames have arrived or
 * `ms` have passed, kicking the netdev's pending TX meanwhile.  Each frame
 * must be byte-exact for its sequence number, whose length `len` gives, and
 * they must come in order from *next on.  Returns how many arrived;
 * advances *next; counts bad frames in *bad. */
static unsigned peer_collect(int s, uint32_t *next, unsigned want, int ms,
                             uint32_t (*len)(uint32_t), unsigned *bad)
{
    unsigned got = 0;
    uint64_t end = os_clock_ns() + (uint64_t)ms * 1000000u;
    static uint8_t buf[2048], ref[2048];
    while (got < want && os_clock_ns() < end) {
        netdev_flush(dev);
        struct pollfd pfd = {.fd = s, .events = POLLIN};
        poll(&pfd, 1, 5);
        ssize_t r;
        while ((r = recv(s, buf, sizeof buf, MSG_DONTWAIT)) > 0) {
            if (r < 18 || os_get_be16(buf + 12) != NH_ETYPE_TEST)
                continue; /* IPv6 router solicitations and such */
            uint32_t seq = os_get_be32(buf + 14), l = len(seq);
            seq_frame(ref, seq, l);
            *bad += seq != *next || (uint32_t)r != l || memcmp(buf, ref, l) != 0;
            *next = seq + 1;
            got++;
        }
    }
    return got;
}

/* Skips the test when the kernel gave this netdev no TX ring. */
#define NEED_TXRING()                                                      \
    do {                                                                   \
        NH_NEED_NS();                                                         \
        if (!((struct afp *)dev->priv)->tx.base) {                        \
            print_message("no TX ring (sendmmsg fallback): skipped\n");   \
            skip();                                                        \
        }                                                                  \
    } while (0)

static void test_afp_tx_ring_overflow_drops_and_counts(void **state)
{
    NEED_TXRING();
    int s = peer_socket();
    unsigned n = AFP_TX_SLOT_NR + 44;
    assert_int_equal(tx_seq_burst(0, n, len_100), AFP_TX_SLOT_NR);
    assert_int_equal(dev->stats.tx_packets, AFP_TX_SLOT_NR);
    assert_int_equal(dev->stats.tx_bytes, AFP_TX_SLOT_NR * 100u);
    assert_int_equal(dev->stats.tx_dropped, 44);
    assert_int_equal(dev->stats.tx_errors, 0);
    uint32_t next = 0;
    unsigned bad = 0;
    assert_int_equal(peer_collect(s, &next, AFP_TX_SLOT_NR, 2000, len_100, &bad),
                     AFP_TX_SLOT_NR);
    assert_int_equal(bad, 0);
    /* The ring drains: the next burst goes out whole. */
    assert_int_equal(tx_seq_burst(next, 32, len_100), 32);
    assert_int_equal(peer_collect(s, &next, 32, 2000, len_100, &bad), 32);
    assert_int_equal(bad, 0);
    close(s);
}

static uint32_t len_edge(uint32_t seq)
{
    static const uint32_t lens[] = {60, 1514, 1518, 64};
    return lens[seq % 4];
}

static void test_afp_tx_ring_frames_near_mtu_arrive_whole(void **state)
{
    NEED_TXRING();
    int s = peer_socket();
    assert_int_equal(tx_seq_burst(0, 4, len_edge), 4);
    uint32_t next = 0;
    unsigned bad = 0;
    assert_int_equal(peer_collect(s, &next, 4, 2000, len_edge, &bad), 4);
    assert_int_equal(bad, 0);
    assert_int_equal(dev->stats.tx_bytes, 60 + 1514 + 1518 + 64);
    close(s);
}

static void test_afp_tx_ring_refuses_runt_and_oversize(void **state)
{
    NEED_TXRING();
    int s = peer_socket();
    struct pkt_pool *big = pkt_pool_create(1, 8192, 0);
    assert_non_null(big);
    struct pkt *p[3] = {pkt_alloc(pool), pkt_alloc(big), pkt_alloc(pool)};
    memset(pkt_put(p[0], 13), 0xff, 13); /* shorter than an Ethernet header */
    seq_frame(pkt_put(p[1], AFP_TX_MAX_FRAME + 1), 7, AFP_TX_MAX_FRAME + 1); /* > a slot */
    seq_frame(pkt_put(p[2], 100), 0, 100);
    assert_int_equal(netdev_afpacket_class.tx_burst(dev, p, 3), 1);
    assert_int_equal(dev->stats.tx_errors, 2);
    assert_int_equal(dev->stats.tx_packets, 1);
    uint32_t next = 0;
    unsigned bad = 0;
    assert_int_equal(peer_collect(s, &next, 1, 2000, len_100, &bad), 1);
    assert_int_equal(bad, 0);
    assert_int_equal(pkt_pool_avail(big), 1);
    pkt_pool_destroy(big);
    close(s);
}

static void test_afp_tx_ring_many_bursts_arrive_exact(void **state)
{
    NEED_TXRING();
    int s = peer_socket();
    uint32_t next = 0;
    unsigned bad = 0, got = 0;
    for (uint32_t b = 0; b < 64; b++) {
        assert_int_equal(tx_seq_burst(b * PKT_BURST, PKT_BURST, seq_len), PKT_BURST);
        got += peer_collect(s, &next, PKT_BURST, 2000, seq_len, &bad);
    }
    assert_int_equal(got, 64 * PKT_BURST);
    assert_int_equal(bad, 0);
    assert_int_equal(dev->stats.tx_dropped, 0);
    assert_int_equal(dev->stats.tx_packets, 64 * PKT_BURST);
    close(s);
}

static void test_afp_tx_ring_link_down_drops_without_stale_frames(void **state)
{
    NEED_TXRING();
    int s = peer_socket();
    assert_int_equal(netdev_afpacket_class.set_up(dev, false), 0);
    assert_int_equal(tx_seq_burst(0, 8, len_100), 0);
    assert_int_equal(dev->stats.tx_dropped, 8);
    assert_int_equal(dev->stats.tx_packets, 0);
    assert_int_equal(netdev_afpacket_class.set_up(dev, true), 0);
    for (int i = 0; i < 100 && !linux_if_running(ifa); i++)
        usleep(10000);
    assert_int_equal(tx_seq_burst(100, 1, len_100), 1);
    uint32_t next = 100;
    unsigned bad = 0;
    assert_int_equal(peer_collect(s, &next, 1, 2000, len_100, &bad), 1);
    assert_int_equal(peer_collect(s, &next, 1, 100, len_100, &bad), 0); /* nothing stale */
    assert_int_equal(bad, 0);
    close(s);
}

static void test_afp_tx_sendmmsg_fallback_selectable(void **state)
{
    NH_NEED_NS();
    /* One interface is one port: the ring device gives it up first (a
     * second open of the same interface is refused, see below). */
    netdev_afpacket_class.close(dev);
    dev = NULL;
    setenv("SLUICE_AFPACKET_TX", "sendmmsg", 1);
    int rc = netdev_afpacket_class.open(ifa, pool, &dev);
    unsetenv("SLUICE_AFPACKET_TX");
    assert_int_equal(rc, 0);
    assert_null(((struct afp *)dev->priv)->tx.base);
    int s = peer_socket();
    assert_int_equal(tx_seq_burst(0, 40, len_100), 40);
    uint32_t next = 0;
    unsigned bad = 0;
    unsigned got = peer_collect(s, &next, 40, 2000, len_100, &bad);
    close(s);
    assert_int_equal(got, 40);
    assert_int_equal(bad, 0);
}

/* The same interface cannot be two ports (every frame would arrive twice);
 * once the first is closed it can be opened again. */
static void test_afp_same_interface_twice_is_refused(void **state)
{
    NH_NEED_NS();
    struct netdev *second = NULL;
    assert_int_equal(netdev_afpacket_class.open(ifa, pool, &second), -EBUSY);
    assert_null(second);
    netdev_afpacket_class.close(dev);
    dev = NULL;
    assert_int_equal(netdev_afpacket_class.open(ifa, pool, &dev), 0);
}

/* ---- TCP through two netdevs ---- */

/* Returns true when an Ethernet/IPv4 TCP or UDP frame has valid IP and L4
 * checksums (other frames are not checked and count as valid). */
static bool frame_valid(const uint8_t *f, uint32_t len)
{
    uint32_t l3 = len >= 18 && os_get_be16(f + 12) == 0x8100 ? 18 : 14;
    if (len < l3 + 20 || os_get_be16(f + l3 - 2) != 0x0800)
        return true;
    const uint8_t *ip = f + l3;
    uint32_t ihl = (ip[0] & 0xfu) * 4, tot = os_get_be16(ip + 2);
    if (tot > len - l3 || ihl < 20 || tot < ihl)
        return false;
    if (offload_csum_fold(offload_csum_partial(ip, ihl, 0)) != 0)
        return false;
    if (ip[9] != 6 && ip[9] != 17)
        return true;
    uint8_t ph[12];
    memcpy(ph, ip + 12, 8);
    ph[8] = 0;
    ph[9] = ip[9];
    os_put_be16(ph + 10, (uint16_t)(tot - ihl));
    uint32_t s = offload_csum_partial(ph, 12, 0);
    return offload_csum_fold(offload_csum_partial(ip + ihl, tot - ihl, s)) == 0;
}

struct fwd_result {
    uint64_t frames, oversize, invalid, tagged;
};

/* Moves one burst from `in` to `out`, checking each frame. */
static void fwd_burst(struct netdev *in, struct netdev *out, struct fwd_result *r)
{
    struct pkt *pk[PKT_BURST];
    unsigned n = in->cls->rx_burst(in, pk, PKT_BURST);
    for (unsigned i = 0; i < n; i++) {
        r->frames++;
        r->oversize += pk[i]->len > in->mtu + 18u;
        r->invalid += !frame_valid(pk[i]->data, pk[i]->len);
        r->tagged += pk[i]->len >= 18 && os_get_be16(pk[i]->data + 12) == 0x8100 &&
                     (os_get_be16(pk[i]->data + 14) & 0xfff) == 5;
    }
    out->cls->tx_burst(out, pk, n);
}

/* A child that lives in its own namespace: signals `ready`, waits for `go`
 * (by then the parent has moved `ifname` in), configures it (with the
 * address on VLAN 5 when `vlan`) and runs fn. */
static pid_t spawn_in_netns(const char *ifname, const char *addr, bool vlan,
                            int (*fn)(int), int arg)
{
    int ready[2], go[2];
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(go), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        alarm(30);
        char c = 0;
        if (unshare(CLONE_NEWNET) != 0 || write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
            _exit(2);
        char l3if[IFNAMSIZ + 4];
        snprintf(l3if, sizeof l3if, vlan ? "%s.5" : "%s", ifname);
        if (nh_sh("ip link set lo up && ip link set %s up", ifname) != 0 ||
            (vlan && nh_sh("ip link add link %s name %s type vlan id 5", ifname, l3if) != 0) ||
            nh_sh("ip addr add %s/24 dev %s && ip link set %s up", addr, l3if, l3if) != 0)
            _exit(3);
        _exit(fn(arg));
    }
    char c;
    assert_int_equal(read(ready[0], &c, 1), 1);
    assert_int_equal(nh_sh("ip link set %s netns %d", ifname, (int)pid), 0);
    assert_int_equal(write(go[1], &c, 1), 1);
    close(ready[0]), close(ready[1]), close(go[0]), close(go[1]);
    return pid;
}

/* Server: accepts one connection, reads to EOF, writes the byte count to
 * fd `res`.  Returns the exit status. */
static int tcp_server(int res)
{
    int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(5001)};
    if (bind(l, (struct sockaddr *)&a, sizeof a) != 0 || listen(l, 1) != 0)
        return 4;
    int c = accept(l, NULL, NULL);
    uint64_t total = 0;
    static char buf[65536];
    ssize_t r;
    while (c >= 0 && (r = read(c, buf, sizeof buf)) > 0)
        total += (uint64_t)r;
    return write(res, &total, sizeof total) == sizeof total ? 0 : 5;
}

/* Client: connects to 10.77.0.2:5001 (retrying while the server starts)
 * and sends TCP_BYTES.  Returns the exit status. */
static int tcp_client(int unused)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(5001)};
    inet_pton(AF_INET, "10.77.0.2", &a.sin_addr);
    int s = -1;
    for (int i = 0; i < 100; i++) {
        s = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(s, (struct sockaddr *)&a, sizeof a) == 0)
            break;
        close(s);
        s = -1;
        usleep(50000);
    }
    if (s < 0)
        return 6;
    static char buf[65536];
    memset(buf, 'z', sizeof buf);
    for (uint32_t sent = 0; sent < TCP_BYTES;) {
        ssize_t r = write(s, buf, sizeof buf);
        if (r <= 0)
            return 7;
        sent += (uint32_t)r;
    }
    close(s);
    return 0;
}

/* Forwards a TCP_BYTES transfer between two namespaces through two
 * netdevs, checking every frame; over VLAN 5 when `vlan`. */
static void run_tcp_through_netdevs(bool vlan)
{
    char a0[IFNAMSIZ], a1[IFNAMSIZ], b0[IFNAMSIZ], b1[IFNAMSIZ];
    int pid = (int)getpid();
    snprintf(a0, sizeof a0, "slt%dc0", pid), snprintf(a1, sizeof a1, "slt%dc1", pid);
    snprintf(b0, sizeof b0, "slt%dd0", pid), snprintf(b1, sizeof b1, "slt%dd1", pid);
    assert_int_equal(nh_sh("ip link add %s type veth peer name %s && "
                        "ip link add %s type veth peer name %s", a0, a1, b0, b1), 0);
    struct netdev *da = NULL, *db = NULL;
    assert_int_equal(netdev_afpacket_class.open(a1, pool, &da), 0);
    assert_int_equal(netdev_afpacket_class.open(b1, pool, &db), 0);
    int res[2];
    assert_int_equal(pipe(res), 0);
    pid_t srv = spawn_in_netns(b0, "10.77.0.2", vlan, tcp_server, res[1]);
    pid_t cli = spawn_in_netns(a0, "10.77.0.1", vlan, tcp_client, 0);
    struct fwd_result r = {0};
    uint64_t got = 0, end = os_clock_ns() + 20 * OS_NS_PER_SEC;
    bool done = false;
    while (!done && os_clock_ns() < end) {
        struct pollfd pfd[3] = {{.fd = da->wait_fd, .events = POLLIN},
                                {.fd = db->wait_fd, .events = POLLIN},
                                {.fd = res[0], .events = POLLIN}};
        poll(pfd, 3, 1);
        fwd_burst(da, db, &r);
        fwd_burst(db, da, &r);
        if (pfd[2].revents & POLLIN)
            done = read(res[0], &got, sizeof got) == sizeof got;
    }
    int st_cli = -1, st_srv = -1;
    if (!done) {
        kill(cli, SIGKILL);
        kill(srv, SIGKILL);
    }
    waitpid(cli, &st_cli, 0);
    waitpid(srv, &st_srv, 0);
    close(res[0]), close(res[1]);
    const struct offload_stats *oa = netdev_afpacket_offload_stats(da);
    const struct offload_stats *ob = netdev_afpacket_offload_stats(db);
    print_message("tcp%s: %lu frames (%lu tagged), client side %lu GSO -> %lu segs, %lu csum; "
                  "server side %lu csum; rx_dropped %lu/%lu\n",
                  vlan ? "/vlan" : "", (unsigned long)r.frames, (unsigned long)r.tagged,
                  (unsigned long)oa->gso_frames,
                  (unsigned long)oa->gso_segments, (unsigned long)oa->csum_completed,
                  (unsigned long)ob->csum_completed, (unsigned long)da->stats.rx_dropped,
                  (unsigned long)db->stats.rx_dropped);
    uint64_t offloaded = oa->gso_frames + oa->csum_completed;
    netdev_afpacket_class.close(da);
    netdev_afpacket_class.close(db);
    nh_sh("ip link del %s 2>/dev/null; ip link del %s 2>/dev/null", a1, b1);
    assert_true(done);
    assert_int_equal(got, TCP_BYTES);
    assert_true(WIFEXITED(st_cli) && WEXITSTATUS(st_cli) == 0);
    assert_int_equal(r.oversize, 0);
    assert_int_equal(r.invalid, 0);
    assert_true(offloaded > 0); /* the kernel really handed us offloaded frames */
    if (vlan)
        assert_true(r.tagged * 2 > r.frames); /* tags re-inserted (ARP etc. aside) */
    else
        assert_int_equal(r.tagged, 0);
}

static void test_afp_tcp_offloads_give_valid_frames(void **state)
{
    NH_NEED_NS();
    run_tcp_through_netdevs(false);
}

static void test_afp_tcp_over_vlan_keeps_tags(void **state)
{
    NH_NEED_NS();
    if (nh_sh("ip link add link %s name %s.5 type vlan id 5 2>/dev/null", ifb, ifb) != 0) {
        print_message("kernel without 802.1Q devices: skipped\n");
        skip();
    }
    nh_sh("ip link del %s.5", ifb);
    run_tcp_through_netdevs(true);
}

int main(void)
{
    snprintf(ifa, sizeof ifa, "slt%da", (int)getpid());
    snprintf(ifb, sizeof ifb, "slt%db", (int)getpid());
    nh_enter_netns("test_netdev_afpacket");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_afp_open_reports_interface, setup, teardown),
        cmocka_unit_test_setup_teardown(test_afp_open_missing_interface, setup, teardown),
        cmocka_unit_test_setup_teardown(test_afp_rx_frame_from_peer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_afp_rx_vlan_tag_survives, setup, teardown),
        cmocka_unit_test_setup_teardown(test_afp_tx_frame_to_peer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_afp_poll_link_follows_carrier, setup, teardown),
        cmocka_unit_test_setup_teardown(test_afp_tx_ring_overflow_drops_and_counts, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_afp_tx_ring_frames_near_mtu_arrive_whole, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_afp_tx_ring_refuses_runt_and_oversize, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_afp_tx_ring_many_bursts_arrive_exact, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_afp_tx_ring_link_down_drops_without_stale_frames,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_afp_same_interface_twice_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_afp_tx_sendmmsg_fallback_selectable, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_afp_tcp_offloads_give_valid_frames, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_afp_tcp_over_vlan_keeps_tags, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
