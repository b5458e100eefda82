/*
 * afpacket_priv.h — state shared by the two halves of the "afpacket:" netdev:
 * netdev_afpacket.c (socket set-up, RX ring, link, close) and
 * netdev_afpacket_tx.c (TX: a PACKET_TX_RING, or sendmmsg as the fallback).
 *
 * Two AF_PACKET sockets per port.  The RX socket (a->fd, the port's
 * wait_fd) has the TPACKET_V3 RX ring and receives everything.  The TX
 * socket (a->tx.fd) has the PACKET_TX_RING (TPACKET_V3 too: V3 TX rings
 * exist since Linux 4.11 and are frame-based, like V2) and is bound with
 * protocol 0, so it receives nothing.  Why not one socket for both: every
 * skb the TX ring sends ends in sock_wfree -> sk_write_space, which wakes
 * whatever waits on the socket, and the switch's epoll set waits on the RX
 * socket for good: one socket cost ~8% of the switch's CPU in wake-ups.
 *
 * TX ring protocol (user space side; the kernel is tpacket_snd):
 *  - slots are taken strictly in order at tx.cur; a slot is ours when its
 *    tp_status is TP_STATUS_AVAILABLE (TP_STATUS_WRONG_FORMAT: the kernel
 *    refused it; counted in tx_errors and reused);
 *  - a slot holds a tpacket3_hdr, then at AFP_TX_DATA_OFF a virtio_net_hdr
 *    asking for no offload (PACKET_VNET_HDR is on; hdr_len = frame length,
 *    see netdev_afpacket_tx.c) and the frame; tp_len counts both;
 *    tp_status := TP_STATUS_SEND_REQUEST (release) hands it over;
 *  - one send(fd, NULL, 0, MSG_DONTWAIT) per burst ("kick") makes the
 *    kernel transmit every SEND_REQUEST slot from its own head on, in
 *    order.  The slot is TP_STATUS_SENDING until the skb is freed or
 *    orphaned, then AVAILABLE again;
 *  - a slot still SEND_REQUEST or SENDING at tx.cur means the ring is full:
 *    the frame is dropped (tx_dropped).  A kick that leaves frames pending
 *    (socket buffer full, device queue full) sets tx.unsent; the next
 *    tx_burst, rx_burst (at most once a millisecond), poll_link or flush
 *    kicks again.
 *
 * Everything here is private to libos/unix/netdev_afpacket*.c and is used
 * by one thread, like the netdev itself.
 */
#ifndef LIBOS_UNIX_AFPACKET_PRIV_H
#define LIBOS_UNIX_AFPACKET_PRIV_H

#include <linux/if_packet.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libos/common/offload.h"
#include "os/netdev.h"

#define AFP_BLOCK_SIZE (128u * 1024)
#define AFP_BLOCK_NR 32u
#define AFP_FRAME_SIZE 2048u /* V3 frames are variable; this only sizes tp_frame_nr */
#define AFP_RETIRE_MS 1u
#define AFP_RX_RING_BYTES ((size_t)AFP_BLOCK_SIZE * AFP_BLOCK_NR)

#define AFP_TX_SLOT_SIZE 4096u  /* one page: a pool slot (2 KiB) always fits */
#define AFP_TX_SLOT_NR 256u
#define AFP_TX_BLOCK_SIZE (64u * 1024)
#define AFP_TX_RING_BYTES ((size_t)AFP_TX_SLOT_SIZE * AFP_TX_SLOT_NR)
#define AFP_TX_DATA_OFF TPACKET_ALIGN(sizeof(struct tpacket3_hdr))
#define AFP_TX_MAX_FRAME (AFP_TX_SLOT_SIZE - AFP_TX_DATA_OFF - sizeof(struct offload_vnet_hdr))
#define AFP_TX_RETRY_NS 1000000u /* pending-TX retries from rx_burst: at most this often */

/* The TX ring as user space sees it. */
struct afp_txring {
    int fd;              /* the TX socket, or -1: sendmmsg on the RX socket */
    uint8_t *base;       /* slot 0 of its mapping, or NULL */
    uint32_t cur;        /* next slot to fill */
    bool unsent;         /* frames were left SEND_REQUEST by the last kick */
    uint64_t retry_ns;   /* earliest time rx_burst may kick again */
};

struct afp {
    struct netdev dev;
    struct offload_stats ostats;
    int fd;
    uint8_t *ring;                  /* RX: AFP_BLOCK_NR blocks, mmap'ed */
    uint32_t room;                  /* tailroom of a fresh pool packet */
    uint32_t cur;                   /* index of the block being read */
    struct tpacket_block_desc *bd;  /* that block while it is ours, or NULL */
    uint32_t left;                  /* frames not yet consumed in it */
    uint32_t next_off;              /* offset in the block of the next frame */
    struct offload_gso gso;         /* super-frame being handed out */
    bool gso_active, gso_vlan;
    uint16_t gso_tpid, gso_tci;
    struct afp_txring tx;
};

/* Reads and so clears a socket's pending error.  Returns nothing. */
void afp_clear_error(int fd);

/* Opens the TX socket and its ring on `ifindex` into a->tx.  Returns 0,
 * or a negative errno with nothing left open (e.g. -EINVAL: a kernel
 * without V3 TX rings); a->tx.fd is -1 then. */
int afp_txring_open(struct afp *a, int ifindex);

/* Closes the TX socket and unmaps its ring, if open.  Returns nothing. */
void afp_txring_close(struct afp *a);

/* Transmits pkts[0..n) and frees every one of them (netdev tx_burst).
 * Returns how many were accepted for transmission. */
unsigned afp_tx_burst(struct netdev *dev, struct pkt **pkts, unsigned n);

/* Kicks frames a previous kick left pending, if any (netdev flush).
 * Returns 0 or the negative errno of the kick. */
int afp_tx_flush(struct netdev *dev);

/* Kicks pending TX frames when there are any and the last retry is at
 * least AFP_TX_RETRY_NS old (`now_ns` monotonic).  Returns nothing. */
void afp_tx_retry(struct afp *a, uint64_t now_ns);

#endif /* LIBOS_UNIX_AFPACKET_PRIV_H */
