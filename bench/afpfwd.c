/*
 * afpfwd.c — the e2e baseline: a plain forwarder on Sluice's own afpacket
 * netdev, without the datapath.
 *
 * usage: afpfwd IF_IN IF_OUT
 *
 * Receives bursts of up to PKT_BURST frames from IF_IN and hands them
 * straight to IF_OUT with netdev_tx_burst (one direction only).  Nothing
 * is parsed or looked up: e2e compares Sluice against this to show what the
 * datapath and the switch around it add to the driver's cost.  It is not an
 * independent AF_PACKET implementation: it shares Sluice's afpacket driver
 * (TPACKET_V3 RX ring, its TX path).  It sleeps in poll(2) (10 ms at most)
 * when IF_IN is idle, and stops on SIGINT or SIGTERM.
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>

#include "os/netdev.h"
#include "os/pkt.h"

static volatile sig_atomic_t afpfwd_stop;

static void afpfwd_on_signal(int sig)
{
    (void)sig;
    afpfwd_stop = 1;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: afpfwd IF_IN IF_OUT\n");
        return 2;
    }
    struct pkt_pool *pool = pkt_pool_create(8192, PKT_DEFAULT_SLOT, PKT_DEFAULT_HEADROOM);
    struct netdev *in = NULL, *out = NULL;
    char spec[64];
    snprintf(spec, sizeof spec, "afpacket:%s", argv[1]);
    if (!pool || netdev_open(spec, pool, &in) < 0)
        return 1;
    snprintf(spec, sizeof spec, "afpacket:%s", argv[2]);
    if (netdev_open(spec, pool, &out) < 0)
        return 1;
    signal(SIGINT, afpfwd_on_signal);
    signal(SIGTERM, afpfwd_on_signal);
    uint64_t fwd = 0;
    while (!afpfwd_stop) {
        struct pkt *pkts[PKT_BURST];
        unsigned n = netdev_rx_burst(in, pkts, PKT_BURST);
        if (n) {
            fwd += netdev_tx_burst(out, pkts, n);
            continue;
        }
        netdev_flush(out);
        if (in->wait_fd >= 0) {
            struct pollfd pfd = {.fd = in->wait_fd, .events = POLLIN};
            poll(&pfd, 1, 10);
        }
    }
    printf("afpfwd: %llu frames forwarded\n", (unsigned long long)fwd);
    netdev_close(in);
    netdev_close(out);
    pkt_pool_destroy(pool);
    return 0;
}
