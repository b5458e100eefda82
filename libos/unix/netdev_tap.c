/*
 * netdev_tap.c — "tap:NAME": a Linux tap interface as a switch port.
 *
 * The switch owns the tap: opening creates it (or attaches to an existing
 * non-persistent-owned one), brings it up, and closing the fd destroys it
 * (persist is never set).  The kernel side of the tap is a normal interface
 * the host stack, a bridge or a VM backend can use.
 *
 * Offloads: the fd is opened with IFF_VNET_HDR and TUNSETOFFLOAD(CSUM, TSO4,
 * TSO6, TSO_ECN [, USO4, USO6]).  So the kernel may hand us one 64 KiB TCP
 * super-frame instead of 45 segments and skips checksumming, and we pay one
 * read() per super-frame instead of one per segment; offload.c completes
 * checksums and cuts super-frames into MTU-sized segments in our own pool.
 * (The alternative, TUNSETOFFLOAD 0, makes the kernel segment and checksum
 * before the tap and costs one syscall per MTU frame; the vnet_hdr design is
 * the faster of the two and is equally correct.)  TX writes a zero vnet
 * header (no offload requested) plus the frame with one writev per packet.
 *
 * RX buffers: a frame is read straight into a pool packet (zero copy); a
 * readv spill area (the "bounce" buffer, 128 KiB, allocated at open) catches
 * whatever does not fit.  A frame that spilled is either a GSO super-frame,
 * which is re-assembled in the bounce buffer and segmented from there across
 * as many rx_burst calls as needed, or an oversize frame, dropped and
 * counted in rx_over_err.
 *
 * The port's MAC is a locally administered address derived from the tap's
 * name (stable across restarts), not the kernel tap's own MAC: they are the
 * two ends of a wire.  Timestamps are os_clock_ns() (monotonic).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "libos/unix/netdev_unix.h"
#include "libos/unix/linux_if.h"
#include "libos/common/offload.h"
#include "os/clock.h"
#include "os/log.h"
#include "os/mem.h"

#ifndef TUN_F_USO4
#define TUN_F_USO4 0x20
#define TUN_F_USO6 0x40
#endif

#define TAP_BOUNCE (128u * 1024)

struct tap {
    struct netdev dev;
    struct offload_stats ostats;
    int fd;
    struct pkt *spare;       /* pool buffer posted for the next read */
    struct offload_gso gso;  /* super-frame being handed out */
    bool gso_active;
    uint8_t *bounce;         /* TAP_BOUNCE bytes: readv spill + GSO source */
};

/* Opens /dev/net/tun and attaches it to tap `name` with vnet headers and
 * offloads.  Returns 0 (t->fd set) or a negative errno. */
static int tap_attach(struct tap *t, const char *name)
{
    t->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (t->fd < 0)
        return -errno;
    struct ifreq ifr = {0};
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    if (ioctl(t->fd, TUNSETIFF, &ifr) < 0)
        return -errno;
    int hsz = sizeof(struct offload_vnet_hdr);
    if (ioctl(t->fd, TUNSETVNETHDRSZ, &hsz) < 0)
        return -errno;
    unsigned base = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN;
    if (ioctl(t->fd, TUNSETOFFLOAD, base | TUN_F_USO4 | TUN_F_USO6) < 0 &&
        ioctl(t->fd, TUNSETOFFLOAD, base) < 0)
        return -errno;
    return 0;
}

/* Derives a stable locally administered unicast MAC from the name. */
static void tap_make_mac(const char *name, uint8_t mac[6])
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const char *c = name; *c; c++)
        h = (h ^ (uint8_t)*c) * 16777619u;
    mac[0] = 0x02;
    mac[1] = 0x5c; /* 'S'luice, keeps clear of the kernel's random taps */
    memcpy(mac + 2, &h, 4);
}

static void tap_free(struct tap *t)
{
    if (t->fd >= 0)
        close(t->fd);
    pkt_free(t->spare);
    os_free(t->bounce);
    os_free(t);
}

static int tap_open(const char *arg, struct pkt_pool *pool, struct netdev **out)
{
    size_t nlen = strlen(arg);
    if (nlen == 0 || nlen >= IFNAMSIZ || nlen >= NETDEV_NAME_MAX) {
        OS_ERR("tap", "'%s': interface name must be 1..%d characters", arg, IFNAMSIZ - 1);
        return -EINVAL;
    }
    int crc = linux_if_claim("tap", arg);
    if (crc < 0)
        return crc;
    struct tap *t = os_calloc(1, sizeof *t);
    if (!t) {
        linux_if_release(arg);
        return -ENOMEM;
    }
    t->fd = -1;
    t->bounce = os_malloc(TAP_BOUNCE);
    int rc = t->bounce ? tap_attach(t, arg) : -ENOMEM;
    const char *what = "attach";
    if (rc == 0 && (rc = linux_if_set_up(arg, true)) < 0)
        what = "bring up";
    struct ifreq ifr = {0};
    if (rc == 0 && (rc = linux_if_ioctl(SIOCGIFMTU, arg, &ifr)) < 0)
        what = "read MTU of";
    if (rc < 0) {
        OS_ERR("tap", "cannot %s tap '%s': %s", what, arg, strerror(-rc));
        tap_free(t);
        linux_if_release(arg);
        return rc;
    }
    struct netdev *dev = &t->dev;
    dev->cls = &netdev_tap_class;
    memcpy(dev->name, arg, nlen + 1);
    tap_make_mac(arg, dev->mac);
    dev->mtu = ifr.ifr_mtu > 0 && ifr.ifr_mtu < 65536 ? (uint16_t)ifr.ifr_mtu : 1500;
    dev->link_up = true;
    dev->wait_fd = t->fd;
    dev->curr = NETDEV_F_10GB_FD | NETDEV_F_COPPER;
    dev->pool = pool;
    dev->priv = t;
    *out = dev;
    return 0;
}

/* Counts a frame offload.c refused. */
static void tap_count_bad(struct tap *t)
{
    t->ostats.bad++;
    t->dev.stats.rx_errors++;
}

/* Reads one frame.  Returns 1 with *out set, 0 when nothing more can be
 * read now (no frame or no buffer), or -1 when a frame was consumed without
 * producing a packet (dropped, or a GSO cursor was started). */
static int tap_read_one(struct tap *t, struct pkt **out)
{
    struct netdev *dev = &t->dev;
    if (!t->spare && !(t->spare = pkt_alloc(dev->pool)))
        return 0;
    struct pkt *p = t->spare;
    uint32_t room = pkt_tailroom(p);
    struct offload_vnet_hdr vh;
    struct iovec iov[3] = {{&vh, sizeof vh}, {p->data, room},
                           {t->bounce + room, TAP_BOUNCE - room}};
    ssize_t r = readv(t->fd, iov, 3);
    if (r < 0) {
        if (errno != EAGAIN && errno != EINTR)
            dev->stats.rx_errors++;
        return 0;
    }
    if ((size_t)r < sizeof vh + 14) {
        dev->stats.rx_errors++;
        dev->stats.rx_frame_err++;
        return -1;
    }
    uint32_t len = (uint32_t)r - sizeof vh;
    if (vh.gso_type != OFFLOAD_GSO_NONE) {
        memcpy(t->bounce, p->data, len < room ? len : room);
        if (offload_gso_start(&t->gso, t->bounce, len, &vh, room) < 0) {
            tap_count_bad(t);
            return -1;
        }
        t->gso_active = true;
        t->ostats.gso_frames++;
        return -1;
    }
    if (len > room) {
        dev->stats.rx_errors++;
        dev->stats.rx_over_err++;
        return -1;
    }
    if (vh.flags & OFFLOAD_F_NEEDS_CSUM) {
        if (offload_fix_frame(p->data, len, &vh) < 0) {
            tap_count_bad(t);
            return -1;
        }
        t->ostats.csum_completed++;
    }
    p->len = len;
    *out = p;
    t->spare = NULL;
    return 1;
}

static unsigned tap_rx_burst(struct netdev *dev, struct pkt **pkts, unsigned n)
{
    struct tap *t = dev->priv;
    unsigned got = 0;
    while (got < n) {
        if (t->gso_active) {
            unsigned k = offload_gso_drain(&t->gso, dev->pool, pkts + got, n - got);
            got += k;
            t->ostats.gso_segments += k;
            if (!offload_gso_done(&t->gso))
                break; /* burst full or pool empty: resume next call */
            t->gso_active = false;
            continue;
        }
        int r = tap_read_one(t, &pkts[got]);
        if (r == 0)
            break;
        if (r > 0)
            got++;
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

static unsigned tap_tx_burst(struct netdev *dev, struct pkt **pkts, unsigned n)
{
    static const struct offload_vnet_hdr none; /* no offload requested */
    struct tap *t = dev->priv;
    unsigned sent = 0;
    for (unsigned i = 0; i < n; i++) {
        struct pkt *p = pkts[i];
        struct iovec iov[2] = {{(void *)&none, sizeof none}, {p->data, p->len}};
        ssize_t r = writev(t->fd, iov, 2);
        if (r == (ssize_t)(sizeof none + p->len)) {
            sent++;
            dev->stats.tx_packets++;
            dev->stats.tx_bytes += p->len;
        } else if (r < 0 && (errno == EAGAIN || errno == ENOBUFS || errno == EIO)) {
            dev->stats.tx_dropped++; /* queue full or interface down */
        } else {
            dev->stats.tx_errors++;
        }
        pkt_free(p);
    }
    return sent;
}

static int tap_set_up(struct netdev *dev, bool up)
{
    return linux_if_set_up(dev->name, up);
}

static void tap_close(struct netdev *dev)
{
    if (dev) {
        linux_if_release(dev->name);
        tap_free(dev->priv);
    }
}

const struct offload_stats *netdev_tap_offload_stats(const struct netdev *dev)
{
    return &((const struct tap *)dev->priv)->ostats;
}

const struct netdev_class netdev_tap_class = {
    .type = "tap",
    .open = tap_open,
    .rx_burst = tap_rx_burst,
    .tx_burst = tap_tx_burst,
    .set_up = tap_set_up,
    .poll_link = linux_if_poll_link,
    .close = tap_close,
};
