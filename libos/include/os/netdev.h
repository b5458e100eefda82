/*
 * os/netdev.h — port devices.
 *
 * A netdev is one switch port's device: a tap, an AF_PACKET socket or a pcap
 * file on the unix target; a virtio-net queue pair or a netfront on the
 * unikernels.  The datapath sees only this interface: bursts of packet
 * pointers in and out, a MAC, a link state and counters.
 *
 * Ownership (the rule every driver follows)
 *  - `netdev_rx_burst` hands the caller up to `n` *owned* packets (refcnt 1,
 *    in_port left 0 for the caller to set, ts_ns set).
 *  - `netdev_tx_burst` takes *every* packet it is given, sent or not: a
 *    packet that cannot be sent is freed and counted in tx_dropped.  The
 *    caller must not touch the pointers afterwards.  A shared packet (refcnt
 *    > 1) may be passed; the driver only reads it and drops its reference
 *    when done.
 *
 * Frames handed up are complete Ethernet frames without FCS, with valid
 * checksums and no larger than the port's MTU + 18 (drivers complete
 * offloaded checksums and segment GSO frames, or ask the kernel not to
 * produce them).
 *
 * Devices are opened by spec string ("tap:NAME", "afpacket:IF",
 * "pcap:IN[,OUT]", "virtio:N", ...); which types exist depends on the target
 * (the Makefile links one registry per target).  A netdev is used by one
 * thread.  None of these calls blocks.
 */
#ifndef OS_NETDEV_H
#define OS_NETDEV_H

#include <stdbool.h>
#include <stdint.h>

#include "os/pkt.h"

#define NETDEV_NAME_MAX 16

/* Every counter of an OpenFlow 1.0 ofp_port_stats. */
struct netdev_stats {
    uint64_t rx_packets, tx_packets;
    uint64_t rx_bytes, tx_bytes;
    uint64_t rx_dropped, tx_dropped;
    uint64_t rx_errors, tx_errors;
    uint64_t rx_frame_err, rx_over_err, rx_crc_err;
    uint64_t collisions;
};

/* Port feature bits; same bit positions as OpenFlow 1.0 OFPPF_*. */
enum netdev_feature {
    NETDEV_F_10MB_HD = 1 << 0, NETDEV_F_10MB_FD = 1 << 1,
    NETDEV_F_100MB_HD = 1 << 2, NETDEV_F_100MB_FD = 1 << 3,
    NETDEV_F_1GB_HD = 1 << 4, NETDEV_F_1GB_FD = 1 << 5,
    NETDEV_F_10GB_FD = 1 << 6, NETDEV_F_COPPER = 1 << 7,
    NETDEV_F_FIBER = 1 << 8, NETDEV_F_AUTONEG = 1 << 9,
    NETDEV_F_PAUSE = 1 << 10, NETDEV_F_PAUSE_ASYM = 1 << 11,
};

struct netdev;

/* One device type.  Drivers fill this in; only libos registries and driver
 * folders use it directly. */
struct netdev_class {
    const char *type; /* spec prefix before ':' */
    /* Opens the device named by `arg` (the spec after "type:").  Returns 0
     * and sets *out, or a negative errno with a message logged. */
    int (*open)(const char *arg, struct pkt_pool *pool, struct netdev **out);
    unsigned (*rx_burst)(struct netdev *dev, struct pkt **pkts, unsigned n);
    unsigned (*tx_burst)(struct netdev *dev, struct pkt **pkts, unsigned n);
    /* Optional: flushes queued TX; returns 0 or a negative errno. */
    int (*flush)(struct netdev *dev);
    /* Optional: timestamp of the next packet rx_burst would return.
     * Returns 0 and sets *ts, -EAGAIN when none is ready, -ENODATA at end of
     * a finite source. */
    int (*next_rx_ts)(struct netdev *dev, uint64_t *ts);
    /* Optional: sets the administrative state; returns 0 or -errno. */
    int (*set_up)(struct netdev *dev, bool up);
    /* Optional: refreshes dev->link_up from the device; returns true when it
     * changed. */
    bool (*poll_link)(struct netdev *dev);
    /* Optional (unikernel drivers): arms a one-shot receive notification
     * (interrupt, event channel) that wakes a CPU halted in the platform's
     * idle call when the next frame arrives; the driver turns it off again
     * when it fires or on the next rx_burst.  Returns 0 when armed with
     * nothing waiting, -EAGAIN when frames are already waiting (poll instead
     * of sleeping). */
    int (*arm_rx_wakeup)(struct netdev *dev);
    void (*close)(struct netdev *dev);
};

struct netdev {
    const struct netdev_class *cls;
    char name[NETDEV_NAME_MAX];  /* port name as reported to controllers */
    uint8_t mac[6];              /* hardware address */
    uint16_t mtu;                /* L3 MTU, e.g. 1500 */
    bool link_up;                /* carrier */
    bool rx_finite;              /* source ends (pcap): see netdev_rx_done */
    bool rx_eof;                 /* finite source exhausted */
    int wait_fd;                 /* fd readable when RX is ready, or -1 */
    uint32_t curr, advertised, supported, peer; /* NETDEV_F_* */
    struct netdev_stats stats;   /* maintained by the driver */
    struct pkt_pool *pool;       /* where RX buffers come from */
    void *priv;                  /* driver state */
};

/* Opens a device from its spec ("type:arg").  Returns 0 and sets *out, or a
 * negative errno: -EINVAL for an unknown type or malformed spec (message
 * logged), or the driver's error. */
int netdev_open(const char *spec, struct pkt_pool *pool, struct netdev **out);

/* Closes a device, freeing every packet it still holds.  NULL is ignored. */
void netdev_close(struct netdev *dev);

/* Receives up to n (<= PKT_BURST) packets.  Returns how many were stored
 * in pkts[0..ret), each owned by the caller. */
static inline unsigned netdev_rx_burst(struct netdev *dev, struct pkt **pkts, unsigned n)
{
    return dev->cls->rx_burst(dev, pkts, n);
}

/* Transmits pkts[0..n).  Takes every packet, sent or not.  Returns how many
 * were accepted for transmission (the rest were freed and counted). */
static inline unsigned netdev_tx_burst(struct netdev *dev, struct pkt **pkts, unsigned n)
{
    return dev->cls->tx_burst(dev, pkts, n);
}

/* Pushes out anything the driver queued.  Returns 0 or a negative errno. */
int netdev_flush(struct netdev *dev);

/* Timestamp of the next packet to be received.  Returns 0 and sets *ts,
 * -EAGAIN when nothing is ready or the driver cannot tell, -ENODATA when a
 * finite source is exhausted. */
int netdev_next_rx_ts(struct netdev *dev, uint64_t *ts);

/* Returns true when the device is a finite source and has been exhausted. */
static inline bool netdev_rx_done(const struct netdev *dev)
{
    return dev->rx_finite && dev->rx_eof;
}

/* Sets the administrative state (OpenFlow PORT_DOWN).  Returns 0, or a
 * negative errno; devices without the operation accept and ignore it. */
int netdev_set_up(struct netdev *dev, bool up);

/* Polls the carrier.  Returns true when dev->link_up changed. */
bool netdev_poll_link(struct netdev *dev);

/* Arms the device's one-shot receive wake-up before the caller halts (see
 * netdev_class.arm_rx_wakeup).  Returns 0 when armed, -EAGAIN when frames
 * are already waiting, -EOPNOTSUPP when the device cannot wake the CPU (the
 * caller must then not sleep longer than it is willing to delay a frame). */
int netdev_arm_rx_wakeup(struct netdev *dev);

/* Returns a hash of the frame's MAC addresses and, for IPv4, its IP
 * addresses and (unless it is a fragment) TCP/UDP ports.  Multi-queue
 * drivers pick a TX queue with it so that a flow keeps its order. */
uint32_t netdev_flow_hash(const struct pkt *p);

/* Returns the registry of device classes of this target, terminated by
 * NULL.  Provided by the target's libos (e.g. libos/unix/netdev_registry.c). */
const struct netdev_class *const *netdev_classes(void);

#endif /* OS_NETDEV_H */
