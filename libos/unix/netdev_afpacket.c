/*
 * netdev_afpacket.c — "afpacket:IFNAME": an existing Linux interface (veth,
 * NIC, bridge port...) as a switch port, through an AF_PACKET socket.
 *
 * RX: a TPACKET_V3 mmap ring (32 blocks of 128 KiB, 1 ms block retire
 * timeout).  rx_burst walks the blocks the kernel has handed to user space
 * without any syscall, copies each frame into a pool packet and gives the
 * block back when every frame in it has been consumed.  The copy is
 * unavoidable and accepted: ring memory belongs to the socket, not to our
 * pool, and the datapath keeps packets after rx_burst returns.
 *
 * Offloads: the socket has PACKET_VNET_HDR, so every frame in the ring is
 * preceded by a virtio_net_hdr.  On a veth (TSO/GSO/GRO and tx-checksumming
 * on by default) the kernel hands us 64 KiB TCP super-frames and frames with
 * partial checksums (TP_STATUS_CSUMNOTREADY); the header says exactly what
 * to do, and offload.c completes the checksum or segments the super-frame
 * into MSS-sized frames — across several bursts if needed, keeping the ring
 * block until the last segment is out.  Blocks are 128 KiB so a whole
 * super-frame fits one ring frame untruncated.  Nobody has to run ethtool.
 *
 * VLAN: the kernel strips the 802.1Q tag into tp_vlan_tci; we put it back
 * (TPID from tp_vlan_tpid, 0x8100 when not given) after checksum/GSO work
 * (whose offsets refer to the untagged frame), so the datapath sees the
 * frame as it was on the wire.
 *
 * TX: netdev_afpacket_tx.c.  A second AF_PACKET socket, bound to the same
 * interface with protocol 0, carries a PACKET_TX_RING (TPACKET_V3, 256
 * slots of 4 KiB): frames are copied into ring slots behind a no-offload
 * virtio_net_hdr and one send() per burst kicks them out; sendmmsg() on
 * the RX socket is the fallback when the kernel refuses the ring or
 * SLUICE_AFPACKET_TX=sendmmsg is set (afpacket_priv.h says why two sockets).
 * PACKET_QDISC_BYPASS skips the qdisc; PACKET_IGNORE_OUTGOING keeps our own
 * TX out of the RX ring.  The socket puts the interface in promiscuous mode
 * (PACKET_MR_PROMISC, dropped automatically at close) and brings it up.
 *
 * The port reports the interface's MAC, MTU, speed (ethtool) and carrier
 * (IFF_RUNNING, refreshed by poll_link).  rx_dropped includes the ring's
 * tp_drops (read when a block is marked TP_STATUS_LOSING and in poll_link).
 * Timestamps are os_clock_ns() (monotonic), like every unix netdev.
 */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libos/unix/afpacket_priv.h"
#include "libos/unix/netdev_unix.h"
#include "libos/unix/linux_if.h"
#include "libos/common/offload.h"
#include "os/byteorder.h"
#include "os/clock.h"
#include "os/log.h"
#include "os/mem.h"

/* Returns the NETDEV_F_* bits for the current speed/duplex/port, 0 when
 * the driver does not say. */
static uint32_t afp_features(const char *name)
{
    struct ethtool_cmd ec = {.cmd = ETHTOOL_GSET};
    struct ifreq ifr = {0};
    ifr.ifr_data = (void *)&ec;
    if (linux_if_ioctl(SIOCETHTOOL, name, &ifr) < 0)
        return 0;
    bool full = ec.duplex == DUPLEX_FULL;
    uint32_t f = 0;
    switch (ethtool_cmd_speed(&ec)) {
    case SPEED_10: f = full ? NETDEV_F_10MB_FD : NETDEV_F_10MB_HD; break;
    case SPEED_100: f = full ? NETDEV_F_100MB_FD : NETDEV_F_100MB_HD; break;
    case SPEED_1000: f = full ? NETDEV_F_1GB_FD : NETDEV_F_1GB_HD; break;
    case SPEED_10000: f = NETDEV_F_10GB_FD; break;
    default: break;
    }
    if (ec.port == PORT_TP)
        f |= NETDEV_F_COPPER;
    else if (ec.port == PORT_FIBRE)
        f |= NETDEV_F_FIBER;
    if (ec.autoneg == AUTONEG_ENABLE)
        f |= NETDEV_F_AUTONEG;
    return f;
}

/* Adds the ring's drop counter (reset by every read) to rx_dropped. */
static void afp_read_drops(struct afp *a)
{
    struct tpacket_stats_v3 st;
    socklen_t len = sizeof st;
    if (getsockopt(a->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
        a->dev.stats.rx_dropped += st.tp_drops;
}

static int afp_setopt(int fd, int opt, int val)
{
    return setsockopt(fd, SOL_PACKET, opt, &val, sizeof val) < 0 ? -errno : 0;
}

/* Returns true when the environment asks for the sendmmsg TX path. */
static bool afp_want_mmsg(void)
{
    const char *e = getenv("SLUICE_AFPACKET_TX");
    return e && strcmp(e, "sendmmsg") == 0;
}

/* Sets up and maps the RX ring of a->fd.  Returns 0 or a negative errno. */
static int afp_rx_ring(struct afp *a)
{
    struct tpacket_req3 req = {
        .tp_block_size = AFP_BLOCK_SIZE, .tp_block_nr = AFP_BLOCK_NR,
        .tp_frame_size = AFP_FRAME_SIZE,
        .tp_frame_nr = AFP_BLOCK_SIZE / AFP_FRAME_SIZE * AFP_BLOCK_NR,
        .tp_retire_blk_tov = AFP_RETIRE_MS,
    };
    if (setsockopt(a->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) < 0)
        return -errno;
    void *ring = mmap(NULL, AFP_RX_RING_BYTES, PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_POPULATE, a->fd, 0);
    if (ring == MAP_FAILED)
        return -errno;
    a->ring = ring;
    return 0;
}

/* Opens the TX ring socket unless the environment asks for sendmmsg; falls
 * back to sendmmsg (a->tx.fd = -1) when the kernel refuses it. */
static void afp_tx_open(struct afp *a, int ifindex)
{
    if (afp_want_mmsg())
        return;
    int rc = afp_txring_open(a, ifindex);
    if (rc < 0)
        OS_WARN("afpacket", "%s: no TX ring (%s): using sendmmsg", a->dev.name, strerror(-rc));
}

/* Creates the RX socket and its ring, and binds to `ifindex`.  Returns 0 or a
 * negative errno; *what names the step that failed. */
static int afp_socket(struct afp *a, int ifindex, const char **what)
{
    *what = "create AF_PACKET socket on";
    a->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (a->fd < 0)
        return -errno;
    int rc;
    *what = "set PACKET_VNET_HDR/TPACKET_V3 on";
    if ((rc = afp_setopt(a->fd, PACKET_VNET_HDR, 1)) < 0 ||
        (rc = afp_setopt(a->fd, PACKET_VERSION, TPACKET_V3)) < 0)
        return rc;
    *what = "set up the RX ring of";
    if ((rc = afp_rx_ring(a)) < 0)
        return rc;
    if (afp_setopt(a->fd, PACKET_QDISC_BYPASS, 1) < 0 ||
        afp_setopt(a->fd, PACKET_IGNORE_OUTGOING, 1) < 0)
        OS_WARN("afpacket", "qdisc bypass / ignore-outgoing unavailable: %s", strerror(errno));
    struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = os_htons(ETH_P_ALL),
                              .sll_ifindex = ifindex};
    *what = "bind to";
    if (bind(a->fd, (struct sockaddr *)&sll, sizeof sll) < 0)
        return -errno;
    struct packet_mreq mr = {.mr_ifindex = ifindex, .mr_type = PACKET_MR_PROMISC};
    *what = "set promiscuous mode on";
    if (setsockopt(a->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) < 0)
        return -errno;
    /* Binding to an interface that was down leaves ENETDOWN pending, which
     * the first send would report: clear it. */
    afp_clear_error(a->fd);
    afp_tx_open(a, ifindex);
    return 0;
}

/* Reads MAC, MTU, carrier and speed of `name` into the netdev.  Returns 0
 * or a negative errno (-EINVAL for a non-Ethernet interface). */
static int afp_read_if(struct netdev *dev, const char *name)
{
    struct ifreq ifr = {0};
    int rc = linux_if_ioctl(SIOCGIFHWADDR, name, &ifr);
    if (rc < 0)
        return rc;
    if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
        return -EINVAL;
    memcpy(dev->mac, ifr.ifr_hwaddr.sa_data, 6);
    memset(&ifr, 0, sizeof ifr);
    if ((rc = linux_if_ioctl(SIOCGIFMTU, name, &ifr)) < 0)
        return rc;
    dev->mtu = ifr.ifr_mtu > 0 && ifr.ifr_mtu < 65536 ? (uint16_t)ifr.ifr_mtu : 1500;
    int flags = linux_if_get_flags(name);
    dev->link_up = flags >= 0 && (flags & IFF_RUNNING);
    dev->curr = afp_features(name);
    return 0;
}

static void afp_free(struct afp *a)
{
    afp_txring_close(a);
    if (a->ring)
        munmap(a->ring, AFP_RX_RING_BYTES);
    if (a->fd >= 0)
        close(a->fd);
    os_free(a);
}

static int afp_open(const char *arg, struct pkt_pool *pool, struct netdev **out)
{
    size_t nlen = strlen(arg);
    unsigned ifindex = nlen && nlen < IFNAMSIZ ? if_nametoindex(arg) : 0;
    if (!ifindex) {
        OS_ERR("afpacket", "'%s': no such interface", arg);
        return -ENODEV;
    }
    struct pkt *probe = pkt_alloc(pool);
    if (!probe)
        return -ENOMEM;
    uint32_t room = pkt_tailroom(probe);
    pkt_free(probe);
    int crc = linux_if_claim("afpacket", arg);
    if (crc < 0)
        return crc;
    struct afp *a = os_calloc(1, sizeof *a);
    if (!a) {
        linux_if_release(arg);
        return -ENOMEM;
    }
    a->fd = a->tx.fd = -1;
    a->room = room;
    memcpy(a->dev.name, arg, nlen + 1);
    const char *what;
    what = "bring up";
    int rc = linux_if_set_up(arg, true); /* before bind: see afp_socket */
    if (rc == 0)
        rc = afp_socket(a, (int)ifindex, &what);
    if (rc == 0 && (rc = afp_read_if(&a->dev, arg)) < 0)
        what = "read the Ethernet address/MTU of";
    if (rc < 0) {
        OS_ERR("afpacket", "cannot %s '%s': %s", what, arg, strerror(-rc));
        afp_free(a);
        linux_if_release(arg);
        return rc;
    }
    struct netdev *dev = &a->dev;
    dev->cls = &netdev_afpacket_class;
    dev->wait_fd = a->fd;
    dev->pool = pool;
    dev->priv = a;
    *out = dev;
    return 0;
}

/* Re-inserts an 802.1Q/802.1ad tag behind the MACs.  Returns 0, or -ENOSPC
 * (packet untouched) without headroom. */
static int afp_push_vlan(struct pkt *p, uint16_t tpid, uint16_t tci)
{
    if (p->len < 12 || !pkt_push(p, 4))
        return -ENOSPC;
    memmove(p->data, p->data + 4, 12);
    os_put_be16(p->data + 12, tpid);
    os_put_be16(p->data + 14, tci);
    return 0;
}

/* Counts a frame that was refused. */
static void afp_count_bad(struct afp *a)
{
    a->ostats.bad++;
    a->dev.stats.rx_errors++;
}

/* Starts handing out the super-frame `data` as segments.  Returns -1 (the
 * frame is consumed; its packets come from the cursor). */
static int afp_start_gso(struct afp *a, const uint8_t *data, uint32_t len,
                         const struct offload_vnet_hdr *vh)
{
    if (offload_gso_start(&a->gso, data, len, vh, a->room) < 0) {
        afp_count_bad(a);
        return -1;
    }
    a->gso_active = true;
    a->ostats.gso_frames++;
    return -1;
}

/* Turns one ring frame into a packet.  Returns 1 with *out set, -1 when the
 * frame was consumed without a packet (dropped, or GSO started), or 0 when
 * the pool is empty (frame not consumed). */
static int afp_take_frame(struct afp *a, const struct tpacket3_hdr *h, struct pkt **out)
{
    const uint8_t *data = (const uint8_t *)h + h->tp_mac;
    uint32_t len = h->tp_snaplen;
    struct offload_vnet_hdr vh;
    memcpy(&vh, data - sizeof vh, sizeof vh);
    bool vlan = (h->tp_status & TP_STATUS_VLAN_VALID) != 0;
    uint16_t tpid = (h->tp_status & TP_STATUS_VLAN_TPID_VALID) && h->hv1.tp_vlan_tpid
                        ? h->hv1.tp_vlan_tpid : ETH_P_8021Q;
    if (len < h->tp_len || len < 14) {
        a->dev.stats.rx_errors++;
        a->dev.stats.rx_frame_err++;
        return -1;
    }
    if (vh.gso_type != OFFLOAD_GSO_NONE) {
        a->gso_vlan = vlan;
        a->gso_tpid = tpid;
        a->gso_tci = h->hv1.tp_vlan_tci;
        return afp_start_gso(a, data, len, &vh);
    }
    if (len > a->room) {
        a->dev.stats.rx_errors++;
        a->dev.stats.rx_over_err++;
        return -1;
    }
    struct pkt *p = pkt_alloc(a->dev.pool);
    if (!p)
        return 0;
    memcpy(p->data, data, len);
    p->len = len;
    if (vh.flags & OFFLOAD_F_NEEDS_CSUM) {
        if (offload_fix_frame(p->data, len, &vh) < 0) {
            pkt_free(p);
            afp_count_bad(a);
            return -1;
        }
        a->ostats.csum_completed++;
    }
    if (vlan && afp_push_vlan(p, tpid, h->hv1.tp_vlan_tci) < 0) {
        pkt_free(p);
        afp_count_bad(a);
        return -1;
    }
    *out = p;
    return 1;
}

/* Hands out segments of the active super-frame into pkts[0..n), tagging
 * them when the super-frame was tagged.  Returns how many were stored. */
static unsigned afp_drain_gso(struct afp *a, struct pkt **pkts, unsigned n)
{
    unsigned k = offload_gso_drain(&a->gso, a->dev.pool, pkts, n), kept = 0;
    a->ostats.gso_segments += k;
    for (unsigned i = 0; i < k; i++) {
        if (a->gso_vlan && afp_push_vlan(pkts[i], a->gso_tpid, a->gso_tci) < 0) {
            pkt_free(pkts[i]);
            afp_count_bad(a);
            continue;
        }
        pkts[kept++] = pkts[i];
    }
    if (offload_gso_done(&a->gso))
        a->gso_active = false;
    return kept;
}

/* Takes the current block when the kernel has handed it over.  Returns true
 * when a->bd is now valid. */
static bool afp_open_block(struct afp *a)
{
    struct tpacket_block_desc *bd =
        (struct tpacket_block_desc *)(a->ring + (size_t)a->cur * AFP_BLOCK_SIZE);
    uint32_t status = __atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE);
    if (!(status & TP_STATUS_USER))
        return false;
    if (status & TP_STATUS_LOSING)
        afp_read_drops(a);
    a->bd = bd;
    a->left = bd->hdr.bh1.num_pkts;
    a->next_off = bd->hdr.bh1.offset_to_first_pkt;
    return true;
}

/* Gives the current block back to the kernel and moves to the next. */
static void afp_release_block(struct afp *a)
{
    __atomic_store_n(&a->bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
    a->bd = NULL;
    a->left = 0;
    a->cur = (a->cur + 1) % AFP_BLOCK_NR;
}

/* Returns the next frame header of the open block, or NULL when its
 * offsets would leave the block (the rest of the block is then skipped). */
static const struct tpacket3_hdr *afp_next_frame(struct afp *a)
{
    uint32_t off = a->next_off;
    uint32_t min_mac = sizeof(struct tpacket3_hdr) + sizeof(struct offload_vnet_hdr);
    if (off > AFP_BLOCK_SIZE - sizeof(struct tpacket3_hdr))
        return NULL;
    const struct tpacket3_hdr *h = (const void *)((uint8_t *)a->bd + off);
    if (h->tp_mac < min_mac || h->tp_mac > AFP_BLOCK_SIZE - off ||
        h->tp_snaplen > AFP_BLOCK_SIZE - off - h->tp_mac)
        return NULL;
    return h;
}

static unsigned afp_rx_burst(struct netdev *dev, struct pkt **pkts, unsigned n)
{
    struct afp *a = dev->priv;
    unsigned got = 0;
    if (a->tx.unsent)
        afp_tx_retry(a, os_clock_ns());
    while (got < n) {
        if (a->gso_active) {
            got += afp_drain_gso(a, pkts + got, n - got);
            if (a->gso_active)
                break; /* burst full or pool empty: resume next call */
            continue;
        }
        if (!a->bd && !afp_open_block(a))
            break;
        const struct tpacket3_hdr *h = a->left ? afp_next_frame(a) : NULL;
        if (!h) {
            if (a->left)
                dev->stats.rx_errors += a->left; /* malformed block */
            afp_release_block(a);
            continue;
        }
        int r = afp_take_frame(a, h, &pkts[got]);
        if (r == 0)
            break;
        got += r > 0;
        a->left--;
        a->next_off += h->tp_next_offset;
    }
    if (got) {
        uint64_t now = os_clock_ns();
        for (unsigned i = 0; i < got; i++) {
            pkts[i]->ts_ns = now;
            dev->stats.rx_bytes += pkts[i]->len;
        }
        dev->stats.rx_packets += got;
    }
    return got;
}

static int afp_set_up(struct netdev *dev, bool up)
{
    struct afp *a = dev->priv;
    int rc = linux_if_set_up(dev->name, up);
    if (rc == 0 && up)
        afp_clear_error(a->fd); /* the down transition left ENETDOWN pending */
    return rc;
}

static bool afp_poll_link(struct netdev *dev)
{
    struct afp *a = dev->priv;
    afp_read_drops(a);
    afp_tx_flush(dev);
    struct ifreq ifr = {0};
    if (linux_if_ioctl(SIOCGIFMTU, dev->name, &ifr) == 0 && ifr.ifr_mtu > 0 && ifr.ifr_mtu < 65536)
        dev->mtu = (uint16_t)ifr.ifr_mtu;
    return linux_if_poll_link(dev);
}

static void afp_close(struct netdev *dev)
{
    if (dev) {
        linux_if_release(dev->name);
        afp_free(dev->priv);
    }
}

const struct offload_stats *netdev_afpacket_offload_stats(const struct netdev *dev)
{
    return &((const struct afp *)dev->priv)->ostats;
}

const struct netdev_class netdev_afpacket_class = {
    .type = "afpacket",
    .open = afp_open,
    .rx_burst = afp_rx_burst,
    .tx_burst = afp_tx_burst,
    .flush = afp_tx_flush,
    .set_up = afp_set_up,
    .poll_link = afp_poll_link,
    .close = afp_close,
};
