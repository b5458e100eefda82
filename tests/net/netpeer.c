/*
 * netpeer.c — `sluice-netpeer`: the unikernel's TCP/IP stack (libos/net)
 * built hosted on a unix netdev (a tap), moving checked bytes to and from a
 * Linux peer through os/stream.h — the same calls the switch's connection
 * manager makes on the images.  Used by tests/net/run.sh and bench/netbench.sh.
 *
 *   sluice-netpeer --port tap:NAME (--ip ADDR/LEN[,GW] | --dhcp)
 *                  (--connect IP:PORT | --listen PORT)
 *                  [--send BYTES] [--recv BYTES] [--fault SPEC] [--buf KIB]
 *                  [--timeout SEC]
 *
 * It sends --send bytes and receives --recv bytes at the same time on one
 * connection, then closes it (orderly) and waits for the peer's FIN.  Byte i
 * of either direction is (i % 251) ^ ((i / 251) & 255); every byte
 * received is checked.  --fault wraps the tap in fault_netdev.h (loss,
 * duplication, reordering, corruption, both ways).  Prints
 *   netpeer: ok sent=N recv=M secs=T tx_MBps=X rx_MBps=Y retransmits=R ...
 * and exits 0, or prints "netpeer: FAIL reason" and exits 1.  Every wait is
 * bounded by --timeout (default 60 s).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault_netdev.h"
#include "libos/net/net.h"
#include "libos/net/net_stream.h"
#include "libos/net/net_tcp.h"
#include "os/clock.h"
#include "os/log.h"
#include "os/netdev.h"
#include "os/stream.h"

struct opts {
    const char *port, *ip, *connect, *fault;
    int dhcp;
    uint16_t listen;
    uint64_t send, recv;
    unsigned buf_kib;
    unsigned timeout_s;
};

/* Returns byte i of either direction's stream. */
static uint8_t pattern(uint64_t i)
{
    return (uint8_t)((i % 251) ^ ((i / 251) & 255));
}

/* Prints the usage.  Returns 2 (the exit code). */
static int usage(void)
{
    fprintf(stderr, "usage: sluice-netpeer --port tap:NAME (--ip A/L[,GW] | --dhcp) "
                    "(--connect IP:PORT | --listen PORT) [--send N] [--recv N] "
                    "[--fault SPEC] [--buf KIB] [--timeout S]\n");
    return 2;
}

/* Parses argv.  Returns 0 or -EINVAL. */
static int parse(int argc, char **argv, struct opts *o)
{
    *o = (struct opts){ .buf_kib = 256, .timeout_s = 60 };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--dhcp")) {
            o->dhcp = 1;
            continue;
        }
        if (!v)
            return -EINVAL;
        i++;
        if (!strcmp(a, "--port"))
            o->port = v;
        else if (!strcmp(a, "--ip"))
            o->ip = v;
        else if (!strcmp(a, "--connect"))
            o->connect = v;
        else if (!strcmp(a, "--listen"))
            o->listen = (uint16_t)atoi(v);
        else if (!strcmp(a, "--send"))
            o->send = strtoull(v, NULL, 0);
        else if (!strcmp(a, "--recv"))
            o->recv = strtoull(v, NULL, 0);
        else if (!strcmp(a, "--fault"))
            o->fault = v;
        else if (!strcmp(a, "--buf"))
            o->buf_kib = (unsigned)atoi(v);
        else if (!strcmp(a, "--timeout"))
            o->timeout_s = (unsigned)atoi(v);
        else
            return -EINVAL;
    }
    if (!o->port || (!o->ip && !o->dhcp) || (!o->connect == !o->listen) || o->buf_kib < 4)
        return -EINVAL;
    return 0;
}

/* Waits until the netdev has frames or `until` (at most 1 ms).  Returns
 * nothing. */
static void wait_dev(struct netdev *dev, uint64_t until)
{
    uint64_t now = os_clock_ns();
    int ms = until > now + OS_NS_PER_MS ? 1 : 0;
    struct pollfd pfd = { .fd = dev->wait_fd, .events = POLLIN };
    if (dev->wait_fd >= 0)
        poll(&pfd, 1, ms);
}

/* Runs the stack until `done(arg)` or the deadline.  Returns 0, or
 * -ETIMEDOUT. */
static int run_until(struct net_stack *st, uint64_t deadline, int (*done)(void *), void *arg)
{
    for (;;) {
        if (done(arg))
            return 0;
        uint64_t now = os_clock_ns();
        if (now >= deadline)
            return -ETIMEDOUT;
        if (!net_poll(st, now))
            wait_dev(net_netdev(st), net_next_deadline(st));
    }
}

struct xfer {
    struct os_stream *s, *l;
    uint64_t t_recvd;           /* when the receive direction completed */
    uint64_t sent, recvd, want_send, want_recv;
    int err;
    int eof;
    uint64_t bad_at;
    int bad;
};

/* Returns 1 once the connection is up (accepted, or connected or failed). */
static int xfer_connected(void *arg)
{
    struct xfer *x = arg;
    if (x->l && !x->s) {
        if (os_stream_accept(x->l, &x->s) == 0)
            return 1;
        return 0;
    }
    int rc = os_stream_connect_status(x->s);
    if (rc != -EAGAIN && rc != 0)
        x->err = rc;
    return rc != -EAGAIN;
}

/* Moves bytes both ways as far as the stream allows.  Returns 1 when both
 * directions are complete (or failed). */
static int xfer_step(void *arg)
{
    struct xfer *x = arg;
    static uint8_t buf[65536];
    if (x->err || x->bad)
        return 1;
    while (x->sent < x->want_send) {
        size_t n = x->want_send - x->sent < sizeof buf ? x->want_send - x->sent : sizeof buf;
        for (size_t i = 0; i < n; i++)
            buf[i] = pattern(x->sent + i);
        long w = os_stream_write(x->s, buf, n);
        if (w == -EAGAIN)
            break;
        if (w < 0) {
            x->err = (int)w;
            return 1;
        }
        x->sent += (uint64_t)w;
        if ((size_t)w < n)
            break;
    }
    for (;;) {
        long r = os_stream_read(x->s, buf, sizeof buf);
        if (r == -EAGAIN)
            break;
        if (r < 0) {
            x->err = (int)r;
            return 1;
        }
        if (r == 0) {
            x->eof = 1;
            break;
        }
        for (long i = 0; i < r; i++) {
            if (buf[i] != pattern(x->recvd + (uint64_t)i)) {
                x->bad = 1;
                x->bad_at = x->recvd + (uint64_t)i;
                return 1;
            }
        }
        x->recvd += (uint64_t)r;
        if (x->recvd >= x->want_recv && !x->t_recvd)
            x->t_recvd = os_clock_ns();
    }
    return x->sent >= x->want_send && (x->recvd >= x->want_recv || x->eof);
}

/* Returns 1 when the stack has no connection still moving data or closing. */
static int no_busy_conns(void *arg)
{
    return net_busy_conns(arg) == 0;
}

/* Returns 1 at the peer's FIN (or an error). */
static int xfer_eof(void *arg)
{
    struct xfer *x = arg;
    uint8_t b[4096];
    long r = os_stream_read(x->s, b, sizeof b);
    if (r > 0)
        x->recvd += (uint64_t)r; /* unexpected extra bytes: counted, reported */
    return r == 0 || (r < 0 && r != -EAGAIN);
}

/* Sets the address (static or DHCP, waiting for the lease).  Returns 0 or
 * a negative errno. */
static int configure(struct net_stack *st, const struct opts *o, uint64_t deadline)
{
    if (!o->dhcp) {
        uint32_t a, gw;
        uint8_t plen;
        if (net_parse_ipspec(o->ip, &a, &plen, &gw) < 0)
            return -EINVAL;
        return net_set_static(st, a, plen, gw, os_clock_ns());
    }
    net_start_dhcp(st, os_clock_ns());
    while (!net_get_addr(st, NULL, NULL)) {
        uint64_t now = os_clock_ns();
        if (now >= deadline)
            return -ETIMEDOUT;
        if (!net_poll(st, now))
            wait_dev(net_netdev(st), net_next_deadline(st));
    }
    return 0;
}

/* Prints the stack's and the fault injector's counters.  Returns nothing. */
static void print_stats(const struct net_stack *st, const struct netdev *dev, const char *fault)
{
    const struct net_stats *s = net_get_stats(st);
    printf("netpeer: stats rx_frames=%lu tx_frames=%lu tcp_rx=%lu tcp_bad=%lu ip_bad=%lu "
           "retransmits=%lu fast_retransmits=%lu timeouts=%lu dup_acks=%lu ooo=%lu "
           "ooo_drop=%lu out_of_window=%lu nomem=%lu rst_sent=%lu rst_rcvd=%lu\n",
           s->rx_frames, s->tx_frames, s->tcp_rx, s->tcp_bad, s->ip_bad, s->tcp_retransmits,
           s->tcp_fast_retransmits, s->tcp_timeouts, s->tcp_dup_acks, s->tcp_ooo_segs,
           s->tcp_ooo_drop, s->tcp_out_of_window, s->nomem, s->tcp_rst_sent, s->tcp_rst_rcvd);
    if (fault) {
        struct fault_counts c;
        fault_get_counts(dev, &c);
        printf("netpeer: injected lost=%lu duplicated=%lu reordered=%lu corrupted=%lu\n",
               c.lost, c.duplicated, c.reordered, c.corrupted);
    }
}

int main(int argc, char **argv)
{
    struct opts o;
    if (parse(argc, argv, &o) < 0)
        return usage();
    os_log_set_level(OS_LOG_WARN);
    struct pkt_pool *pool = pkt_pool_create(4096, PKT_DEFAULT_SLOT, PKT_DEFAULT_HEADROOM);
    struct netdev *dev = NULL, *tap = NULL;
    if (!pool || netdev_open(o.port, pool, &tap) < 0) {
        printf("netpeer: FAIL cannot open %s\n", o.port);
        return 1;
    }
    dev = tap;
    struct fault_spec fs;
    if (o.fault && (fault_parse(o.fault, &fs) < 0 || fault_wrap(tap, &fs, &dev) < 0)) {
        printf("netpeer: FAIL bad --fault %s\n", o.fault);
        return 1;
    }
    struct net_config cfg = { .snd_buf = o.buf_kib << 10, .rcv_buf = o.buf_kib << 10 };
    struct net_stack *st;
    if (net_create(dev, pool, &cfg, &st) < 0) {
        printf("netpeer: FAIL net_create\n");
        return 1;
    }
    net_stream_attach(st);
    uint64_t deadline = os_clock_ns() + (uint64_t)o.timeout_s * OS_NS_PER_SEC;
    int rc = configure(st, &o, deadline);
    if (rc < 0) {
        printf("netpeer: FAIL address (%d)\n", rc);
        return 1;
    }
    char a[16];
    uint32_t addr;
    net_get_addr(st, &addr, NULL);
    printf("netpeer: address %s\n", net_ip_str(addr, a, sizeof a));
    fflush(stdout);
    struct xfer x = { .want_send = o.send, .want_recv = o.recv };
    if (o.connect) {
        char host[64];
        const char *colon = strrchr(o.connect, ':');
        if (!colon || (size_t)(colon - o.connect) >= sizeof host)
            return usage();
        memcpy(host, o.connect, (size_t)(colon - o.connect));
        host[colon - o.connect] = '\0';
        rc = os_stream_connect(host, (uint16_t)atoi(colon + 1), &x.s);
    } else {
        rc = os_stream_listen(NULL, o.listen, &x.l);
    }
    if (rc < 0) {
        printf("netpeer: FAIL connect/listen (%d)\n", rc);
        return 1;
    }
    if (run_until(st, deadline, xfer_connected, &x) < 0 || x.err) {
        printf("netpeer: FAIL no connection (%d)\n", x.err);
        print_stats(st, dev, o.fault);
        return 1;
    }
    uint64_t t0 = os_clock_ns();
    rc = run_until(st, deadline, xfer_step, &x);
    uint64_t t1 = os_clock_ns();
    int fail = rc < 0 || x.err || x.bad || x.sent != o.send || x.recvd != o.recv;
    if (!fail) { /* orderly close both ways */
        fail = run_until(st, deadline, xfer_eof, &x) < 0 || x.recvd != o.recv;
    }

    os_stream_close(x.s);
    os_stream_close(x.l);
    /* the stack delivers what is still queued, then the FIN exchange */
    if (run_until(st, deadline, no_busy_conns, st) < 0) {
        printf("netpeer: FAIL the connection did not finish closing\n");
        fail = 1;
    }
    /* the send direction is complete when the peer acknowledged our FIN,
     * which comes after the last byte: that is when the block leaves the
     * busy states */
    uint64_t t_tx = os_clock_ns();
    if (fail)
        printf("netpeer: FAIL sent=%lu/%lu recv=%lu/%lu err=%d bad=%d at %lu timeout=%d\n",
               x.sent, o.send, x.recvd, o.recv, x.err, x.bad, x.bad_at, rc < 0);
    else {
        double secs = (double)(t1 - t0) / 1e9;
        double tx_s = (double)((o.send ? t_tx : t1) - t0) / 1e9;
        double rx_s = (double)((x.t_recvd ? x.t_recvd : t1) - t0) / 1e9;
        printf("netpeer: ok sent=%lu recv=%lu secs=%.3f tx_MBps=%.1f rx_MBps=%.1f\n", x.sent,
               x.recvd, secs, tx_s > 0 ? x.sent / tx_s / 1e6 : 0,
               rx_s > 0 ? x.recvd / rx_s / 1e6 : 0);
    }
    print_stats(st, dev, o.fault);
    net_stream_attach(NULL);
    net_destroy(st);
    netdev_close(dev);
    pkt_pool_destroy(pool);
    return fail;
}
