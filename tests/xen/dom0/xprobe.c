/*
 * xprobe.c — the measuring tool bench/xen.sh runs inside the Xen rig's dom0
 * (tests/xen/dom0/bench.sh), where there is no python, trafgen or pktgen.
 * Built on the host (`make SAN= xprobe`, linked against Debian's
 * libxenctrl, which dom0 has as well).
 *
 *   xprobe send IF DST_MAC SECONDS [PPS]
 *       Sends 64-byte frames (60 bytes + FCS: Ethernet, IPv4 10.9.0.1 ->
 *       10.9.0.2, UDP 1024 -> 9, the payload starts with "XPRB") out of
 *       IF through an AF_PACKET socket for SECONDS, flat out (PPS 0 or
 *       absent, batches of 64 with sendmmsg) or paced at PPS.  The source
 *       MAC is IF's own.  Prints "sent N frames in S s".
 *   xprobe first IF TIMEOUT_MS
 *       Waits for the first such frame to arrive on IF; prints the
 *       CLOCK_MONOTONIC time of its arrival in ns.  Exit 1 on timeout.
 *   xprobe now
 *       Prints CLOCK_MONOTONIC in ns (the same clock as "first").
 *   xprobe cpu DOMID
 *       Prints the CPU time Xen has accounted to domain DOMID, in ns.
 *
 * Sends only to the MAC it is given (the bench's own hosts in network
 * namespaces).  Every wait is bounded.  Exit status 0 on success, 1 on
 * failure (with a message on stderr), 2 on a usage error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <xenctrl.h>

#define FRAME_LEN 60
#define BATCH 64
#define MAGIC "XPRB"
#define MAGIC_OFF 42   /* Ethernet 14 + IPv4 20 + UDP 8 */

/* Returns CLOCK_MONOTONIC in ns. */
static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Returns the ones' complement checksum of len bytes (len even). */
static uint16_t csum(const uint8_t *p, unsigned len)
{
    uint32_t s = 0;
    for (unsigned i = 0; i < len; i += 2)
        s += (uint32_t)p[i] << 8 | p[i + 1];
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

/* Opens an AF_PACKET socket bound to ifname and reads its MAC into mac
 * (when mac is not NULL).  Returns the socket, or -1 with a message. */
static int open_if(const char *ifname, uint8_t mac[6])
{
    int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    if (fd < 0) {
        perror("xprobe: socket(AF_PACKET)");
        return -1;
    }
    struct ifreq ifr = { 0 };
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
    if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
        fprintf(stderr, "xprobe: %s: %s\n", ifname, strerror(errno));
        close(fd);
        return -1;
    }
    struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
                               .sll_ifindex = ifr.ifr_ifindex };
    if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0 ||
        (mac && ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)) {
        fprintf(stderr, "xprobe: %s: %s\n", ifname, strerror(errno));
        close(fd);
        return -1;
    }
    if (mac)
        memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
    return fd;
}

/* Parses "aa:bb:cc:dd:ee:ff" into mac.  Returns 0, or -1 when malformed. */
static int parse_mac(const char *s, uint8_t mac[6])
{
    unsigned v[6];
    char end;
    if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &end) != 6)
        return -1;
    for (int i = 0; i < 6; i++) {
        if (v[i] > 0xff)
            return -1;
        mac[i] = (uint8_t)v[i];
    }
    return 0;
}

/* Writes the probe frame from src to dst into f (FRAME_LEN bytes). */
static void build_frame(uint8_t *f, const uint8_t dst[6], const uint8_t src[6])
{
    static const uint8_t ip[20] = { 0x45, 0, 0, 46, 0, 0, 0x40, 0, 64, 17, 0, 0,
                                    10, 9, 0, 1, 10, 9, 0, 2 };
    memset(f, 0, FRAME_LEN);
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    f[12] = 0x08;
    memcpy(f + 14, ip, sizeof ip);
    uint16_t c = csum(f + 14, 20);
    f[24] = (uint8_t)(c >> 8);
    f[25] = (uint8_t)c;
    f[34] = 1024 >> 8;          /* UDP 1024 -> 9 (discard), length 26, no checksum */
    f[35] = 1024 & 0xff;
    f[37] = 9;
    f[39] = 26;
    memcpy(f + MAGIC_OFF, MAGIC, 4);
}

/* xprobe send.  Returns the exit status. */
static int cmd_send(const char *ifname, const char *dst_s, double secs, double pps)
{
    uint8_t dst[6], src[6], frame[FRAME_LEN];
    if (parse_mac(dst_s, dst) < 0 || secs <= 0 || secs > 3600 || pps < 0) {
        fprintf(stderr, "xprobe send: bad MAC, SECONDS or PPS\n");
        return 2;
    }
    int fd = open_if(ifname, src);
    if (fd < 0)
        return 1;
    build_frame(frame, dst, src);
    struct iovec iov = { frame, FRAME_LEN };
    struct mmsghdr msgs[BATCH];
    for (int i = 0; i < BATCH; i++)
        msgs[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov, .msg_iovlen = 1 } };
    uint64_t start = now_ns(), end = start + (uint64_t)(secs * 1e9), sent = 0;
    uint64_t gap = pps > 0 ? (uint64_t)(1e9 / pps) : 0, next = start;
    for (uint64_t t = start; t < end; t = now_ns()) {
        if (gap) {
            if (t < next) {
                struct timespec ts = { 0, (long)(next - t) };
                nanosleep(&ts, NULL);
                continue;
            }
            next += gap;
            if (send(fd, frame, FRAME_LEN, 0) == FRAME_LEN)
                sent++;
        } else {
            int n = sendmmsg(fd, msgs, BATCH, 0);
            if (n > 0)
                sent += (uint64_t)n;
            else if (errno == ENOBUFS || errno == EAGAIN)
                sched_yield();
        }
    }
    printf("sent %llu frames in %.3f s\n", (unsigned long long)sent, (now_ns() - start) / 1e9);
    close(fd);
    return 0;
}

/* xprobe first.  Returns the exit status. */
static int cmd_first(const char *ifname, long timeout_ms)
{
    uint8_t buf[2048];
    int fd = open_if(ifname, NULL);
    if (fd < 0)
        return 1;
    uint64_t end = now_ns() + (uint64_t)timeout_ms * 1000000u;
    for (uint64_t t = now_ns(); t < end; t = now_ns()) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, (int)((end - t) / 1000000u) + 1) <= 0)
            continue;
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        uint64_t at = now_ns();
        if (n >= MAGIC_OFF + 4 && memcmp(buf + MAGIC_OFF, MAGIC, 4) == 0) {
            printf("%llu\n", (unsigned long long)at);
            close(fd);
            return 0;
        }
    }
    fprintf(stderr, "xprobe first: no probe frame on %s within %ld ms\n", ifname, timeout_ms);
    close(fd);
    return 1;
}

/* xprobe cpu.  Returns the exit status. */
static int cmd_cpu(long domid)
{
    xc_interface *xch = xc_interface_open(NULL, NULL, 0);
    xc_dominfo_t info;
    if (!xch) {
        fprintf(stderr, "xprobe cpu: cannot open the hypervisor interface\n");
        return 1;
    }
    int n = xc_domain_getinfo(xch, (uint32_t)domid, 1, &info);
    xc_interface_close(xch);
    if (n != 1 || info.domid != (uint32_t)domid) {
        fprintf(stderr, "xprobe cpu: no domain %ld\n", domid);
        return 1;
    }
    printf("%llu\n", (unsigned long long)info.cpu_time);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 5 && strcmp(argv[1], "send") == 0)
        return cmd_send(argv[2], argv[3], atof(argv[4]), argc > 5 ? atof(argv[5]) : 0);
    if (argc == 4 && strcmp(argv[1], "first") == 0)
        return cmd_first(argv[2], atol(argv[3]));
    if (argc == 2 && strcmp(argv[1], "now") == 0) {
        printf("%llu\n", (unsigned long long)now_ns());
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "cpu") == 0)
        return cmd_cpu(atol(argv[2]));
    fprintf(stderr, "usage: xprobe send IF DST_MAC SECONDS [PPS] | first IF TIMEOUT_MS | now | cpu DOMID\n");
    return 2;
}
