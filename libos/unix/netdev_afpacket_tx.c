/*
 * netdev_afpacket_tx.c — TX of the "afpacket:" netdev.
 *
 * Default: a PACKET_TX_RING on a TX-only socket (protocol and the reason
 * for the second socket in afpacket_priv.h).  Each
 * frame is copied from the pool buffer into a ring slot behind a
 * virtio_net_hdr that asks for no offload (no GSO, no checksum: frames the
 * datapath sends are complete), and the whole burst costs one send() kick.
 * The header's hdr_len is the whole frame length: tpacket_snd then copies
 * the frame into the skb's linear area instead of attaching the ring page
 * as a fragment.  With fragments, every veth (and tun, and anything else
 * that calls skb_orphan_frags) copies the fragment into a freshly allocated
 * page anyway, which measured 8-15% more CPU per frame than sendmmsg;
 * linear is 15-22% less (64- and 1514-byte frames into a veth).  hdr_len
 * is only a hint of how much to put in the linear area; it changes no
 * offload semantics.
 *
 * Fallback: sendmmsg, one syscall per burst, each message a zero vnet header
 * plus the pool buffer (iovecs, no copy in user space).  Used when the
 * kernel refuses the TX ring, or when SLUICE_AFPACKET_TX=sendmmsg is set in
 * the environment (for comparisons).
 *
 * Counting, both paths: tx_packets/tx_bytes for frames handed to the
 * kernel; tx_dropped for a full ring or queue or a down interface;
 * tx_errors for a frame the kernel cannot take (shorter than an Ethernet
 * header, larger than a ring slot, or refused by sendmmsg).
 */
#include <errno.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libos/unix/afpacket_priv.h"
#include "libos/unix/linux_if.h"
#include "os/clock.h"

#define AFP_ETH_HLEN 14u

void afp_clear_error(int fd)
{
    int soerr;
    socklen_t sl = sizeof soerr;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
}

/* Sets up the TX ring of socket `fd` and maps it at *map.  Returns 0 or a
 * negative errno. */
static int afp_txring_setup(int fd, uint8_t **map)
{
    int one = 1, v3 = TPACKET_V3;
    /* Without PACKET_LOSS a malformed slot would stop the ring at
     * TP_STATUS_WRONG_FORMAT; with it the kernel skips the slot.  Both
     * PACKET_VNET_HDR and PACKET_LOSS must precede the ring. */
    if (setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof one) < 0 ||
        setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v3, sizeof v3) < 0 ||
        setsockopt(fd, SOL_PACKET, PACKET_LOSS, &one, sizeof one) < 0)
        return -errno;
    struct tpacket_req3 req = {
        .tp_block_size = AFP_TX_BLOCK_SIZE,
        .tp_block_nr = AFP_TX_RING_BYTES / AFP_TX_BLOCK_SIZE,
        .tp_frame_size = AFP_TX_SLOT_SIZE,
        .tp_frame_nr = AFP_TX_SLOT_NR,
    };
    if (setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof req) < 0)
        return -errno;
    void *m = mmap(NULL, AFP_TX_RING_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
                   fd, 0);
    if (m == MAP_FAILED)
        return -errno;
    *map = m;
    /* Room in the socket buffer for a full ring in flight (root may force
     * it past wmem_max; without the capability the default stays). */
    int sndbuf = (int)(AFP_TX_RING_BYTES * 2);
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof sndbuf) < 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
    return 0;
}

int afp_txring_open(struct afp *a, int ifindex)
{
    a->tx = (struct afp_txring){.fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)};
    if (a->tx.fd < 0) {
        a->tx.fd = -1;
        return -errno;
    }
    /* Protocol 0: bound to the interface for sending, receives nothing. */
    struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_ifindex = ifindex};
    int rc = afp_txring_setup(a->tx.fd, &a->tx.base);
    if (rc == 0 && bind(a->tx.fd, (struct sockaddr *)&sll, sizeof sll) < 0)
        rc = -errno;
    if (rc < 0)
        afp_txring_close(a);
    return rc;
}

void afp_txring_close(struct afp *a)
{
    if (a->tx.base)
        munmap(a->tx.base, AFP_TX_RING_BYTES);
    if (a->tx.fd >= 0)
        close(a->tx.fd);
    a->tx = (struct afp_txring){.fd = -1};
}

/* Returns the header of TX slot `i`. */
static struct tpacket3_hdr *afp_slot(const struct afp *a, uint32_t i)
{
    return (struct tpacket3_hdr *)(a->tx.base + (size_t)i * AFP_TX_SLOT_SIZE);
}

static uint32_t afp_slot_status(const struct tpacket3_hdr *h)
{
    return __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
}

/* Copies `p` into the next slot and hands it to the kernel.  Returns 1 when
 * queued, 0 when the ring is full, -1 when the frame cannot be sent (it is
 * counted in tx_errors). */
static int afp_ring_put(struct afp *a, const struct pkt *p)
{
    if (p->len < AFP_ETH_HLEN || p->len > AFP_TX_MAX_FRAME) {
        a->dev.stats.tx_errors++;
        return -1;
    }
    struct tpacket3_hdr *h = afp_slot(a, a->tx.cur);
    uint32_t st = afp_slot_status(h); /* timestamp bits may ride along */
    if (st & (TP_STATUS_SEND_REQUEST | TP_STATUS_SENDING))
        return 0;
    if (st & TP_STATUS_WRONG_FORMAT)
        a->dev.stats.tx_errors++; /* refused earlier (not with PACKET_LOSS) */
    uint8_t *d = (uint8_t *)h + AFP_TX_DATA_OFF;
    struct offload_vnet_hdr vh = {.hdr_len = (uint16_t)p->len}; /* see the top */
    memcpy(d, &vh, sizeof vh);
    memcpy(d + sizeof vh, p->data, p->len);
    h->tp_next_offset = 0;
    h->tp_len = (uint32_t)sizeof(struct offload_vnet_hdr) + p->len;
    h->tp_snaplen = h->tp_len;
    __atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
    a->tx.cur = (a->tx.cur + 1) % AFP_TX_SLOT_NR;
    return 1;
}

/* Returns true when the newest queued slot is still waiting for the kernel
 * (the kernel works in order, so then some frames are pending). */
static bool afp_ring_pending(const struct afp *a)
{
    uint32_t last = (a->tx.cur + AFP_TX_SLOT_NR - 1) % AFP_TX_SLOT_NR;
    return (afp_slot_status(afp_slot(a, last)) & TP_STATUS_SEND_REQUEST) != 0;
}

/* Takes back every slot still waiting for the kernel (newest first, so
 * tx.cur ends on the kernel's head) after the interface went down.  Returns
 * how many were taken back. */
static unsigned afp_ring_discard(struct afp *a)
{
    unsigned n = 0;
    while (n < AFP_TX_SLOT_NR) {
        uint32_t prev = (a->tx.cur + AFP_TX_SLOT_NR - 1) % AFP_TX_SLOT_NR;
        struct tpacket3_hdr *h = afp_slot(a, prev);
        if (!(afp_slot_status(h) & TP_STATUS_SEND_REQUEST))
            break;
        __atomic_store_n(&h->tp_status, TP_STATUS_AVAILABLE, __ATOMIC_RELAXED);
        a->tx.cur = prev;
        n++;
    }
    return n;
}

/* One send() kick.  Returns 0 when the kernel took what it could, or a
 * negative errno (-ENETDOWN: the interface is down and nothing was sent). */
static int afp_ring_kick(struct afp *a)
{
    int rc = 0;
    for (int tries = 0; tries < 3; tries++) {
        if (send(a->tx.fd, NULL, 0, MSG_DONTWAIT) >= 0) {
            rc = 0;
            break;
        }
        rc = -errno;
        if (rc == -ENETDOWN && tries == 0 && (linux_if_get_flags(a->dev.name) & IFF_UP)) {
            afp_clear_error(a->tx.fd); /* stale, from an earlier down/up */
            continue;
        }
        if (rc != -EINTR)
            break;
    }
    a->tx.unsent = afp_ring_pending(a);
    return rc;
}

/* TX ring path: queues pkts[0..n) (without freeing them) and kicks once.
 * Returns how many were accepted. */
static unsigned afp_ring_burst(struct afp *a, struct pkt **pkts, unsigned n)
{
    struct netdev_stats *st = &a->dev.stats;
    unsigned queued = 0;
    uint64_t bytes = 0;
    for (unsigned i = 0; i < n; i++) {
        int r = afp_ring_put(a, pkts[i]);
        if (r == 0) {
            st->tx_dropped += n - i; /* ring full */
            break;
        }
        if (r > 0) {
            queued++;
            bytes += pkts[i]->len;
        }
    }
    if (!queued && !a->tx.unsent)
        return 0;
    if (afp_ring_kick(a) == -ENETDOWN) {
        /* Nothing went out; frames must not linger until the link is back
         * (older pending frames were counted as sent: now dropped too). */
        st->tx_dropped += afp_ring_discard(a);
        a->tx.unsent = false;
        return 0;
    }
    st->tx_packets += queued;
    st->tx_bytes += bytes;
    return queued;
}

/* sendmmsg path: sends pkts[0..cnt) (cnt <= PKT_BURST) without freeing
 * them.  Returns how many the kernel accepted; the rest are counted. */
static unsigned afp_mmsg_chunk(struct afp *a, struct pkt **pkts, unsigned cnt)
{
    static struct offload_vnet_hdr none; /* no offload requested (read only) */
    struct mmsghdr msgs[PKT_BURST];
    struct iovec iov[PKT_BURST][2];
    struct netdev_stats *st = &a->dev.stats;
    memset(msgs, 0, sizeof(msgs[0]) * cnt);
    for (unsigned i = 0; i < cnt; i++) {
        iov[i][0] = (struct iovec){&none, sizeof none};
        iov[i][1] = (struct iovec){pkts[i]->data, pkts[i]->len};
        msgs[i].msg_hdr.msg_iov = iov[i];
        msgs[i].msg_hdr.msg_iovlen = 2;
    }
    unsigned i = 0, sent = 0;
    bool retried = false;
    while (i < cnt) {
        int r = sendmmsg(a->fd, msgs + i, cnt - i, MSG_DONTWAIT);
        if (r < 0 && errno == ENETDOWN && !retried && (linux_if_get_flags(a->dev.name) & IFF_UP)) {
            /* A stale error from an earlier down/up of the interface. */
            afp_clear_error(a->fd);
            retried = true;
            continue;
        }
        if (r > 0) {
            for (unsigned j = i; j < i + (unsigned)r; j++)
                st->tx_bytes += pkts[j]->len;
            st->tx_packets += (unsigned)r;
            sent += (unsigned)r;
            i += (unsigned)r;
        } else if (errno == EAGAIN || errno == ENOBUFS || errno == ENETDOWN) {
            st->tx_dropped += cnt - i; /* queue full or link down */
            break;
        } else if (errno != EINTR) {
            st->tx_errors++; /* this one message (e.g. EMSGSIZE): skip it */
            i++;
        }
    }
    return sent;
}

unsigned afp_tx_burst(struct netdev *dev, struct pkt **pkts, unsigned n)
{
    struct afp *a = dev->priv;
    if (a->tx.base) {
        unsigned sent = afp_ring_burst(a, pkts, n);
        pkt_free_burst(pkts, n);
        return sent;
    }
    unsigned sent = 0;
    for (unsigned base = 0; base < n; base += PKT_BURST) {
        unsigned cnt = n - base < PKT_BURST ? n - base : PKT_BURST;
        sent += afp_mmsg_chunk(a, pkts + base, cnt);
        pkt_free_burst(pkts + base, cnt);
    }
    return sent;
}

int afp_tx_flush(struct netdev *dev)
{
    struct afp *a = dev->priv;
    return a->tx.base && a->tx.unsent ? afp_ring_kick(a) : 0;
}

void afp_tx_retry(struct afp *a, uint64_t now_ns)
{
    if (!a->tx.unsent || now_ns < a->tx.retry_ns)
        return;
    a->tx.retry_ns = now_ns + AFP_TX_RETRY_NS;
    afp_ring_kick(a);
}
