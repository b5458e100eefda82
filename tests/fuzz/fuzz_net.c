/*
 * fuzz_net.c — libFuzzer target for the receive path of the unikernel's
 * TCP/IP stack (libos/net: Ethernet, ARP, IPv4, ICMP, UDP, DHCP, TCP).
 *
 * Input: byte 0 picks the mode (bit 0: DHCP client running without an
 * address, else static 10.0.0.2/24), then records of
 *     [ctl][len_hi][len_lo][len bytes of Ethernet frame]
 * ctl bits 0-4 advance the clock by that many 100 ms steps before the frame
 * (so retransmission, keepalive, TIME_WAIT, ARP and DHCP timers fire), bit
 * 5 has the application accept and read everything, bit 6 has it write
 * 3000 bytes on every connection, bit 7 closes one connection (orderly).
 * The stack starts with listeners on ports 80 and 6653 and an active open
 * to 10.0.0.1:6653, so every TCP state can be reached.  Each frame sits in
 * a pool packet of exactly its length.
 * Properties: no crash, no sanitizer report, no leak; every packet is back
 * in the pool after net_destroy; heap held by the stack stays within its
 * configured bounds (net_mem_used).
 * Built by tests/fuzz/run.sh with the portable flags (freestanding).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "libos/net/net.h"
#include "libos/net/net_tcp.h"
#include "os/netdev.h"
#include "os/pkt.h"
#include "tests/fuzz/fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_POOL 64
#define FZ_CONNS 8
#define FZ_BUF 4096
#define MS 1000000ull

uint64_t os_rand_entropy(void)
{
    return 42; /* deterministic runs */
}

const struct netdev_class *const *netdev_classes(void)
{
    return NULL; /* netdev_open is never called here */
}

static unsigned fz_rx(struct netdev *dev, struct pkt **pkts, unsigned n)
{
    return 0;
}

static unsigned fz_tx(struct netdev *dev, struct pkt **pkts, unsigned n)
{
    pkt_free_burst(pkts, n);
    return n;
}

static void fz_close(struct netdev *dev)
{
}

static const struct netdev_class fz_class = {
    .type = "fuzz", .rx_burst = fz_rx, .tx_burst = fz_tx, .close = fz_close,
};

struct fz {
    struct net_stack *st;
    struct pkt_pool *pool;
    struct net_tcp *l80, *l6653, *conns[FZ_CONNS];
    unsigned n_conns;
    uint64_t now;
};

/* The application's turn: accepts, reads, writes, closes.  Returns nothing. */
static void app(struct fz *z, uint8_t ctl)
{
    static uint8_t buf[3000];
    if (ctl & 0x20) {
        struct net_tcp *c;
        while (z->n_conns < FZ_CONNS && net_tcp_accept(z->l80, &c) == 0)
            z->conns[z->n_conns++] = c;
        while (z->n_conns < FZ_CONNS && net_tcp_accept(z->l6653, &c) == 0)
            z->conns[z->n_conns++] = c;
        for (unsigned i = 0; i < z->n_conns; i++)
            while (net_tcp_read(z->conns[i], buf, sizeof buf) > 0)
                ;
    }
    if (ctl & 0x40)
        for (unsigned i = 0; i < z->n_conns; i++)
            net_tcp_write(z->conns[i], buf, sizeof buf);
    if ((ctl & 0x80) && z->n_conns) {
        net_tcp_close(z->conns[0]);
        z->conns[0] = z->conns[--z->n_conns];
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct fz z = { .now = 1000 * MS };
    struct netdev dev = { .cls = &fz_class, .mtu = 1500, .link_up = true, .wait_fd = -1,
                          .mac = { 0x02, 0, 0, 0, 0, 0x02 }, .name = "fz0" };
    z.pool = pkt_pool_create(FZ_POOL, 2048, 128);
    FUZZ_CHECK(z.pool);
    dev.pool = z.pool;
    struct net_config cfg = { .max_conns = 12, .snd_buf = FZ_BUF, .rcv_buf = FZ_BUF,
                              .syn_backlog = 3, .accept_backlog = 2, .isn_seed = 7 };
    FUZZ_CHECK(net_create(&dev, z.pool, &cfg, &z.st) == 0);
    size_t mem_bound = net_mem_used(z.st) + cfg.max_conns * 2u * FZ_BUF;
    if (data[0] & 1)
        net_start_dhcp(z.st, z.now);
    else
        net_set_static(z.st, 0x0a000002, 24, 0x0a0000fe, z.now);
    FUZZ_CHECK(net_tcp_listen(z.st, 0, 80, &z.l80) == 0);
    FUZZ_CHECK(net_tcp_listen(z.st, 0x0a000002, 6653, &z.l6653) == 0);
    if (net_tcp_connect(z.st, 0x0a000001, 6653, &z.conns[0]) == 0)
        z.n_conns = 1;
    size_t off = 1;
    while (off + 3 <= size) {
        uint8_t ctl = data[off];
        size_t len = (size_t)data[off + 1] << 8 | data[off + 2];
        off += 3;
        if (len > size - off)
            len = size - off;
        z.now += (ctl & 0x1f) * 100 * MS;
        if (ctl & 0x1f)
            net_poll(z.st, z.now);
        struct pkt *p = pkt_alloc(z.pool);
        if (p && len <= pkt_tailroom(p)) {
            memcpy(pkt_put(p, (uint32_t)len), data + off, len);
            net_input(z.st, &p, 1, z.now);
        } else {
            pkt_free(p);
        }
        off += len;
        app(&z, ctl);
        FUZZ_CHECK(net_mem_used(z.st) <= mem_bound);
    }
    for (unsigned i = 0; i < z.n_conns; i++)
        net_tcp_close(z.conns[i]);
    net_tcp_close(z.l80);
    net_tcp_close(z.l6653);
    net_poll(z.st, z.now + 600000 * MS); /* timers of what is left */
    net_destroy(z.st);
    FUZZ_CHECK(pkt_pool_avail(z.pool) == FZ_POOL);
    pkt_pool_destroy(z.pool);
    return 0;
}
