/*
 * offload.h — software checksum completion and GSO segmentation.
 *
 * Devices that speak virtio-net offloads (a Linux tap with IFF_VNET_HDR, an
 * AF_PACKET socket with PACKET_VNET_HDR, a virtio-net queue) may hand us
 * frames that are not yet valid on a wire: a *partial checksum* frame
 * (VIRTIO_NET_HDR_F_NEEDS_CSUM: the L4 checksum field holds only the
 * pseudo-header sum, the rest must be summed from csum_start on) or a *GSO
 * super-frame* (one set of headers followed by up to 64 KiB of TCP or UDP
 * payload that must be cut into gso_size pieces).  The switch promises the
 * datapath complete frames no larger than the MTU + 18, so drivers run every
 * such frame through this module.
 *
 * What it does
 *  - `offload_csum_complete` finishes a partial checksum in place, exactly as
 *    Linux's skb_checksum_help does (a result of 0 is stored as 0xffff).
 *  - `offload_gso_*` is a cursor over a super-frame: each call copies the
 *    headers plus the next gso_size bytes of payload into a fresh pool
 *    packet and fixes it up: IPv4 total length, id (+1 per segment) and
 *    header checksum; IPv6 payload length; TCP sequence number, flags (FIN
 *    and PSH only on the last segment, CWR only on the first) and checksum;
 *    UDP (GSO_UDP_L4) length and checksum.  The cursor lets a driver hand
 *    out a 45-segment super-frame across several 32-packet bursts without
 *    an unbounded queue: the super-frame stays where it is (ring block,
 *    bounce buffer) until the cursor is done.
 *  - `offload_gso_segment` is the all-or-nothing array form for callers that
 *    prefer it (tests, virtio).
 *
 * Invariants and bad input: nothing here reads outside [frame, frame+len);
 * a malformed header (offsets past the end, unknown gso_type, gso_size 0,
 * a segment that would not fit a pool slot, IP fragment, IP options making
 * csum_start disagree with the IP header) is refused with -EINVAL and the
 * caller drops and counts the frame.  UFO (VIRTIO_NET_HDR_GSO_UDP, IP
 * fragmentation) is refused: Linux no longer produces it.
 *
 * Ownership: the super-frame is only read; every packet produced is owned
 * by the caller (refcnt 1).  A failed call allocates nothing it keeps.
 *
 *  - `offload_csum_blank_complete` finishes a frame that carries only a
 *    "checksum blank" flag (Xen netif NETRXF_csum_blank): it finds the
 *    TCP/UDP checksum from the frame's own headers, then completes it.
 *
 * Portable code (libos/common: string.h and os/ headers only), shared by
 * the unix netdevs (tap, afpacket) and the unikernels' drivers (netfront).
 * Single-threaded like the pools.
 */
#ifndef LIBOS_COMMON_OFFLOAD_H
#define LIBOS_COMMON_OFFLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "os/pkt.h"

/* struct virtio_net_hdr (virtio 1.0 5.1.6, legacy 10-byte form), fields in
 * the device's byte order, which is little-endian = host order on every
 * target (TUNSETVNETLE / virtio 1.0 / AF_PACKET on x86_64). */
struct offload_vnet_hdr {
    uint8_t flags;        /* OFFLOAD_F_* */
    uint8_t gso_type;     /* OFFLOAD_GSO_*, optionally | OFFLOAD_GSO_ECN */
    uint16_t hdr_len;     /* bytes of headers (a hint; we parse our own) */
    uint16_t gso_size;    /* payload bytes per segment (MSS) */
    uint16_t csum_start;  /* offset from the frame start where summing starts */
    uint16_t csum_offset; /* offset from csum_start of the 16-bit checksum */
} __attribute__((packed));
_Static_assert(sizeof(struct offload_vnet_hdr) == 10, "virtio_net_hdr is 10 bytes");

enum {
    OFFLOAD_F_NEEDS_CSUM = 1, /* checksum from csum_start is partial */
    OFFLOAD_F_DATA_VALID = 2, /* receiver: checksum already verified */
};

enum {
    OFFLOAD_GSO_NONE = 0,
    OFFLOAD_GSO_TCPV4 = 1,
    OFFLOAD_GSO_UDP = 3,    /* UFO: refused */
    OFFLOAD_GSO_TCPV6 = 4,
    OFFLOAD_GSO_UDP_L4 = 5, /* USO: UDP segmentation, each a full datagram */
    OFFLOAD_GSO_ECN = 0x80, /* flag: the TCP flow uses ECN (CWR on first) */
};

/* Most segments one super-frame may produce (64 KiB / 536-byte MSS fits). */
#define OFFLOAD_MAX_SEGS 160

/* Returns the 32-bit ones-complement partial sum of buf[0..len) added to
 * `sum` (not folded), for building checksums piecewise. */
uint32_t offload_csum_partial(const void *buf, uint32_t len, uint32_t sum);

/* Returns the folded, complemented 16-bit checksum of a partial `sum`
 * in host order (ready for os_put_be16). */
uint16_t offload_csum_fold(uint32_t sum);

/* Completes a partial checksum in place: sums frame[csum_start..len) (the
 * checksum field holds the pseudo-header seed) and stores the result at
 * csum_start + csum_offset.  Returns 0, or -EINVAL (frame untouched) when
 * the field does not lie inside the frame. */
int offload_csum_complete(uint8_t *frame, uint32_t len, uint32_t csum_start,
                          uint32_t csum_offset);

/* Completes the TCP or UDP checksum of a frame flagged "checksum blank"
 * (its checksum field holds the pseudo-header sum, as Linux's
 * CHECKSUM_PARTIAL leaves it; Xen netif NETRXF_csum_blank) from the frame's
 * own headers: L3 behind up to two VLAN tags, IPv4 (not a fragment) or IPv6
 * (behind hop-by-hop, routing and destination-options headers), summing up
 * to the IP length so Ethernet padding is left out.  Returns 0, or -EINVAL
 * (frame untouched) when it is not such a frame or is cut short. */
int offload_csum_blank_complete(uint8_t *frame, uint32_t len);

/* Cursor over one GSO super-frame.  Fields are private to offload.c. */
struct offload_gso {
    const uint8_t *frame;
    uint32_t len;
    uint32_t l3_off, l4_off, hdr_len; /* hdr_len = headers through L4 */
    uint32_t mss, pos;                /* pos = offset of next payload byte */
    uint32_t seq;                     /* TCP sequence of the next segment */
    uint16_t ip_id;                   /* IPv4 id of the next segment */
    uint16_t nsegs, done;
    uint8_t l4proto;                  /* 6 or 17 */
    bool ipv6;
};

/* Starts a cursor over frame[0..len) described by `vh` (gso_type must not be
 * NONE).  `room` is the most bytes one output packet may hold (the pool's
 * tailroom of a fresh packet).  Returns the number of segments (>= 1), or
 * -EINVAL for a malformed or unsupported frame (cursor unusable).  The
 * frame must stay unchanged until the cursor is done. */
int offload_gso_start(struct offload_gso *g, const uint8_t *frame, uint32_t len,
                      const struct offload_vnet_hdr *vh, uint32_t room);

/* Returns true when every segment has been produced. */
static inline bool offload_gso_done(const struct offload_gso *g)
{
    return g->done >= g->nsegs;
}

/* Produces the next segment into a packet from `pool`.  Returns 0 and sets
 * *out (owned by the caller), -ENOMEM when the pool is empty (cursor
 * unchanged: retry later), or -ENODATA when the cursor is done. */
int offload_gso_next(struct offload_gso *g, struct pkt_pool *pool, struct pkt **out);

/* All-or-nothing form: segments the whole frame into out[0..max).  Returns
 * the number of packets stored, -EINVAL for a malformed frame, -E2BIG when
 * more than `max` segments would result, or -ENOMEM when the pool ran dry
 * (then nothing is kept). */
int offload_gso_segment(const uint8_t *frame, uint32_t len,
                        const struct offload_vnet_hdr *vh, struct pkt_pool *pool,
                        struct pkt **out, unsigned max);

/* Drains the cursor into pkts[0..n).  Returns how many packets were stored
 * (each owned by the caller); fewer than n when the cursor is done or the
 * pool ran dry (then the cursor resumes on the next call). */
unsigned offload_gso_drain(struct offload_gso *g, struct pkt_pool *pool,
                           struct pkt **pkts, unsigned n);

/* What a driver's offload handling did, for tests and diagnostics. */
struct offload_stats {
    uint64_t csum_completed; /* NEEDS_CSUM frames finished in place */
    uint64_t gso_frames;     /* super-frames segmented */
    uint64_t gso_segments;   /* segments produced from them */
    uint64_t bad;            /* frames refused (also counted in rx_errors) */
};

/* Makes one received frame valid in place when it needs no segmentation:
 * completes a NEEDS_CSUM checksum.  Returns 0, or -EINVAL (frame untouched)
 * for bad offsets. */
int offload_fix_frame(uint8_t *frame, uint32_t len, const struct offload_vnet_hdr *vh);

#endif /* LIBOS_COMMON_OFFLOAD_H */
