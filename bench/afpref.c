/*
 * afpref.c — the "afpacket-ref" peer of the e2e benchmark: a plain
 * AF_PACKET mmap forwarder, written the way one writes it without Sluice.
 *
 * usage: afpref [-b] IF_IN IF_OUT
 *
 * Frames arriving on IF_IN leave on IF_OUT unchanged (-b: and IF_OUT ->
 * IF_IN too).  Per direction: a TPACKET_V3 RX ring (block-based; the loop
 * walks retired blocks without syscalls and sleeps in poll() only when
 * every RX ring is empty) on IF_IN, and a TPACKET_V2 PACKET_TX_RING with
 * PACKET_QDISC_BYPASS on IF_OUT.  Each frame is copied from its RX slot
 * into a TX slot (802.1Q tags the kernel stripped are put back); one
 * send(fd, NULL, 0, MSG_DONTWAIT) kick per batch of up to 256 frames.  A
 * full TX ring is kicked once more, then the frame is dropped.  No
 * offloads (no PACKET_VNET_HDR): GSO super-frames larger than a TX slot
 * are dropped, which 64-byte UDP benchmarks never produce.
 *
 * It deliberately shares no code with Sluice (it is the independent peer
 * the switch is compared with): plain libc and Linux headers only.  It runs
 * until SIGINT or SIGTERM and then prints "afpref: rx N tx N drop N" on
 * stderr (drop: TX ring full, frames too large or truncated, and the RX
 * rings' own drop counters).  Exit status: 0, 1 on a set-up error, 2 on a
 * usage error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#define RX_BLOCK_SIZE (1u << 20)
#define RX_BLOCK_NR 16u
#define RX_FRAME_SIZE 2048u
#define TX_FRAME_SIZE 2048u
#define TX_FRAME_NR 1024u
#define TX_BLOCK_SIZE (64u * 1024)
#define TX_DATA_OFF (TPACKET2_HDRLEN - sizeof(struct sockaddr_ll))
#define BATCH 256u

struct rx {
    int fd;
    uint8_t *map;
    unsigned block;       /* block being read */
};

struct tx {
    int fd;
    uint8_t *map;
    unsigned head;        /* next slot to fill */
    unsigned queued;      /* filled since the last kick */
};

struct dir {
    struct rx rx;
    struct tx tx;
};

static volatile sig_atomic_t stop;
static unsigned long long n_rx, n_tx, n_drop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* Returns a socket bound to `ifname` with the rings set up by `ring`
 * (PACKET_VERSION `version`), mapped at *map; protocol 0 binds a TX-only
 * socket.  Returns -1 with a message on failure. */
static int ring_socket(const char *ifname, int version, int ring, const void *req,
                       size_t reqlen, size_t maplen, uint16_t proto, uint8_t **map)
{
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    int one = 1;
    struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(proto),
                              .sll_ifindex = (int)if_nametoindex(ifname)};
    if (fd < 0 || !sll.sll_ifindex) {
        fprintf(stderr, "afpref: %s: %s\n", ifname, fd < 0 ? strerror(errno) : "no such interface");
        goto fail;
    }
    /* PACKET_LOSS: a malformed TX slot is skipped instead of stopping the
     * ring (it must be set before the ring exists). */
    if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &version, sizeof version) < 0 ||
        (ring == PACKET_TX_RING && setsockopt(fd, SOL_PACKET, PACKET_LOSS, &one, sizeof one) < 0) ||
        setsockopt(fd, SOL_PACKET, ring, req, (socklen_t)reqlen) < 0) {
        fprintf(stderr, "afpref: ring on %s: %s\n", ifname, strerror(errno));
        goto fail;
    }
    void *m = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
    if (m == MAP_FAILED) {
        fprintf(stderr, "afpref: mmap on %s: %s\n", ifname, strerror(errno));
        goto fail;
    }
    *map = m;
    if (ring == PACKET_TX_RING) {
        int sndbuf = 16 << 20;
        setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
        if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof sndbuf) < 0)
            setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    } else {
        setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
    }
    if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
        fprintf(stderr, "afpref: bind to %s: %s\n", ifname, strerror(errno));
        goto fail;
    }
    if (proto) {
        struct packet_mreq mr = {.mr_ifindex = sll.sll_ifindex, .mr_type = PACKET_MR_PROMISC};
        setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr);
    }
    return fd;
fail:
    if (fd >= 0)
        close(fd);
    return -1;
}

/* Opens the RX ring on `in` and the TX ring on `out`.  Returns 0 or -1. */
static int dir_open(struct dir *d, const char *in, const char *out)
{
    struct tpacket_req3 rq = {
        .tp_block_size = RX_BLOCK_SIZE, .tp_block_nr = RX_BLOCK_NR,
        .tp_frame_size = RX_FRAME_SIZE,
        .tp_frame_nr = RX_BLOCK_SIZE / RX_FRAME_SIZE * RX_BLOCK_NR,
        .tp_retire_blk_tov = 1,
    };
    struct tpacket_req tq = {
        .tp_block_size = TX_BLOCK_SIZE, .tp_block_nr = TX_FRAME_NR * TX_FRAME_SIZE / TX_BLOCK_SIZE,
        .tp_frame_size = TX_FRAME_SIZE, .tp_frame_nr = TX_FRAME_NR,
    };
    d->rx.fd = ring_socket(in, TPACKET_V3, PACKET_RX_RING, &rq, sizeof rq,
                           (size_t)RX_BLOCK_SIZE * RX_BLOCK_NR, ETH_P_ALL, &d->rx.map);
    d->tx.fd = ring_socket(out, TPACKET_V2, PACKET_TX_RING, &tq, sizeof tq,
                           (size_t)TX_FRAME_SIZE * TX_FRAME_NR, 0, &d->tx.map);
    return d->rx.fd < 0 || d->tx.fd < 0 ? -1 : 0;
}

static void kick(struct tx *t)
{
    if (t->queued && send(t->fd, NULL, 0, MSG_DONTWAIT) < 0 && errno != EAGAIN &&
        errno != ENOBUFS && errno != EINTR)
        perror("afpref: send");
    t->queued = 0;
}

/* Returns the next TX slot if it is free (kicking once if not), or NULL. */
static struct tpacket2_hdr *tx_slot(struct tx *t)
{
    struct tpacket2_hdr *h = (void *)(t->map + (size_t)t->head * TX_FRAME_SIZE);
    const uint32_t busy = TP_STATUS_SEND_REQUEST | TP_STATUS_SENDING;
    if (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) & busy) {
        kick(t);
        if (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) & busy)
            return NULL;
    }
    return h;
}

/* Copies one received frame into the TX ring. */
static void forward(struct tx *t, const struct tpacket3_hdr *f)
{
    const uint8_t *src = (const uint8_t *)f + f->tp_mac;
    bool tagged = (f->tp_status & TP_STATUS_VLAN_VALID) != 0;
    uint32_t len = f->tp_snaplen, out = len + (tagged ? 4 : 0);
    struct tpacket2_hdr *h;
    if (len < f->tp_len || len < 14 || out > TX_FRAME_SIZE - TX_DATA_OFF || !(h = tx_slot(t))) {
        n_drop++;
        return;
    }
    uint8_t *dst = (uint8_t *)h + TX_DATA_OFF;
    if (tagged) {
        uint16_t tpid = (f->tp_status & TP_STATUS_VLAN_TPID_VALID) && f->hv1.tp_vlan_tpid
                            ? f->hv1.tp_vlan_tpid : ETH_P_8021Q;
        uint16_t tag[2] = {htons(tpid), htons((uint16_t)f->hv1.tp_vlan_tci)};
        memcpy(dst, src, 12);
        memcpy(dst + 12, tag, 4);
        memcpy(dst + 16, src + 12, len - 12);
    } else {
        memcpy(dst, src, len);
    }
    h->tp_len = out;
    __atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
    t->head = (t->head + 1) % TX_FRAME_NR;
    t->queued++;
    n_tx++;
}

/* Forwards the frames of ready RX blocks, kicking every BATCH frames and
 * at the end.  Returns how many frames were read. */
static unsigned dir_run(struct dir *d)
{
    unsigned got = 0;
    for (;;) {
        struct tpacket_block_desc *bd =
            (void *)(d->rx.map + (size_t)d->rx.block * RX_BLOCK_SIZE);
        if (!(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER))
            break;
        uint32_t num = bd->hdr.bh1.num_pkts, off = bd->hdr.bh1.offset_to_first_pkt;
        for (uint32_t i = 0; i < num && off < RX_BLOCK_SIZE; i++) {
            const struct tpacket3_hdr *f = (const void *)((uint8_t *)bd + off);
            forward(&d->tx, f);
            if (d->tx.queued >= BATCH)
                kick(&d->tx);
            off += f->tp_next_offset;
            if (!f->tp_next_offset)
                break;
        }
        got += num;
        __atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
        d->rx.block = (d->rx.block + 1) % RX_BLOCK_NR;
    }
    n_rx += got;
    kick(&d->tx);
    return got;
}

/* Adds the RX ring's drop counter to n_drop. */
static void read_drops(const struct dir *d)
{
    struct tpacket_stats_v3 st;
    socklen_t len = sizeof st;
    if (getsockopt(d->rx.fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
        n_drop += st.tp_drops;
}

int main(int argc, char **argv)
{
    bool both = argc > 1 && strcmp(argv[1], "-b") == 0;
    if (argc - both != 3 || argv[1 + both][0] == '-') {
        fprintf(stderr, "usage: afpref [-b] IF_IN IF_OUT\n"
                        "  forwards IF_IN -> IF_OUT (-b: both ways) until SIGINT/SIGTERM\n");
        return 2;
    }
    const char *in = argv[1 + both], *out = argv[2 + both];
    if (!if_nametoindex(in) || !if_nametoindex(out) || strcmp(in, out) == 0) {
        fprintf(stderr, "afpref: need two distinct existing interfaces, got '%s' and '%s'\n",
                in, out);
        return 2;
    }
    struct dir d[2];
    unsigned nd = both ? 2 : 1;
    if (dir_open(&d[0], in, out) < 0 || (both && dir_open(&d[1], out, in) < 0))
        return 1;
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    while (!stop) {
        unsigned got = 0;
        for (unsigned i = 0; i < nd; i++)
            got += dir_run(&d[i]);
        if (got)
            continue;
        struct pollfd pfd[2] = {{.fd = d[0].rx.fd, .events = POLLIN},
                                {.fd = both ? d[1].rx.fd : -1, .events = POLLIN}};
        poll(pfd, nd, 100);
    }
    for (unsigned i = 0; i < nd; i++)
        read_drops(&d[i]);
    fprintf(stderr, "afpref: rx %llu tx %llu drop %llu\n", n_rx, n_tx, n_drop);
    return 0;
}
