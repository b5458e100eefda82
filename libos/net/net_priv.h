/*
 * net_priv.h — the inside of libos/net: the stack's state and the calls its
 * layers make to each other.  Only the .c files of libos/net include it.
 *
 * Layers, bottom up (one file each):
 *   net_eth.c    Ethernet in/out, the TX batch, ARP cache and pending queue
 *   net_ip.c     IPv4 in/out, ICMP echo, UDP bindings
 *   net_dhcp.c   the DHCP client (a UDP binding on port 68)
 *   net_tcp_in.c / net_tcp_out.c / net_tcp_timer.c / net_tcp_sack.c / net_tcp.c
 *                TCP input state machine, segment output, timers, the SACK
 *                scoreboard, the API
 *   net_ring.c   byte rings for TCP buffers (with out-of-order ranges)
 *   net_stack.c  create/destroy, net_poll, addresses, deadlines
 *
 * Time: `st->now` is the now_ns of the current net_poll/net_input call;
 * API calls made between polls use the last one.
 */
#ifndef NET_PRIV_H
#define NET_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libos/net/net.h"
#include "libos/net/net_tcp.h"
#include "libos/net/net_wire.h"

#define NET_NS_MS 1000000ull
#define NET_NS_S 1000000000ull
#define NET_NEVER UINT64_MAX

/* ---- Ethernet + ARP (net_eth.c) ---------------------------------------- */

#define NET_ARP_ENTRIES 16
#define NET_ARP_PENDING 4          /* packets queued per unresolved entry */
#define NET_ARP_REACHABLE_NS (60 * NET_NS_S)
#define NET_ARP_RETRY_NS (1 * NET_NS_S)
#define NET_ARP_TRIES 3
#define NET_TXQ PKT_BURST

enum net_arp_state { NET_ARP_FREE, NET_ARP_INCOMPLETE, NET_ARP_REACHABLE };

struct net_arp_entry {
    uint32_t ip;
    uint8_t mac[NET_ETH_ALEN];
    uint8_t state;
    uint8_t tries;
    uint8_t n_pending;
    uint64_t expires;         /* REACHABLE: stale after; INCOMPLETE: next retry */
    uint64_t used;            /* for LRU replacement */
    struct pkt *pending[NET_ARP_PENDING]; /* IP packets (no Ethernet header yet) */
};

/* ---- UDP (net_ip.c) ------------------------------------------------------ */

#define NET_UDP_BINDINGS 4

typedef void net_udp_cb(struct net_stack *st, uint32_t src, uint16_t sport, uint32_t dst,
                        const uint8_t *data, size_t len, void *arg);

struct net_udp_binding {
    uint16_t port; /* 0 = free */
    net_udp_cb *cb;
    void *arg;
};

/* ---- DHCP (net_dhcp.c) ----------------------------------------------------- */

enum net_dhcp_state {
    NET_DHCP_OFF, NET_DHCP_SELECTING, NET_DHCP_REQUESTING, NET_DHCP_BOUND,
    NET_DHCP_RENEWING, NET_DHCP_REBINDING,
};

struct net_dhcp {
    uint8_t state;
    uint32_t xid;
    uint32_t offered, server;   /* host order */
    uint8_t plen;
    uint32_t router;
    uint64_t started;           /* of this exchange (secs field) */
    uint64_t next_tx;           /* retransmission */
    uint64_t retry_ns;          /* current retransmission interval */
    uint64_t t1, t2, expiry;    /* absolute, while bound */
};

/* ---- TCP ----------------------------------------------------------------- */

/* A byte ring.  In-order bytes are [head, head + len); out-of-order bytes
 * may sit beyond them, recorded by the owner (struct net_tcb ooo[]). */
struct net_ring {
    uint8_t *buf;
    uint32_t size;
    uint32_t head;
    uint32_t len;
};

#define NET_TCP_OOO_MAX 8
#define NET_TCP_SACKED_MAX 4 /* ranges the peer reported (SACK scoreboard) */

struct net_seq_range {
    uint32_t start, end; /* [start, end) in sequence space */
};

struct net_tcb {
    uint8_t state;            /* enum net_tcp_state; CLOSED = free when !app */
    bool in_use;
    bool app;                 /* held by the application (not yet closed) */
    bool released;            /* the application closed it (an orphan now) */
    bool app_closed_fin;      /* close requested: FIN after the send buffer */
    bool fin_sent;            /* our FIN went out (it is at snd_max - 1) */
    bool queued;              /* in its listener's accept queue */
    bool fin_rcvd;
    bool have_ooo_fin;
    bool ws_ok;               /* both sides sent window scale */
    bool sack_ok;             /* the peer sent SACK-permitted: our ACKs carry SACK blocks */
    bool timing;              /* an RTT sample is running */
    bool in_recovery;
    bool ack_now;             /* an ACK is owed */
    uint8_t snd_wscale, rcv_wscale;
    uint8_t dupacks;
    uint8_t rexmt_shift;      /* consecutive timeouts */
    uint8_t keep_sent;        /* unanswered keepalive probes */
    uint8_t segs_unacked;     /* in-order data segments since the last ACK */
    uint8_t n_ooo;
    int err;                  /* error that ended it (negative errno), or 0 */

    uint32_t laddr, raddr;    /* host order; laddr 0 = any (listener) */
    uint16_t lport, rport;

    uint32_t iss, snd_una, snd_nxt, snd_max, snd_wnd, snd_wl1, snd_wl2;
    uint32_t irs, rcv_nxt, rcv_adv;
    uint32_t ooo_fin_seq;
    uint32_t mss;             /* what we send per segment */
    uint32_t cwnd, ssthresh, recover;
    uint32_t rtt_seq;
    uint32_t retransmits;
    uint64_t rtt_start;
    uint64_t srtt, rttvar, rto; /* ns; srtt 0 = no sample yet */

    uint64_t t_rexmt;         /* retransmission (also SYN, FIN) */
    uint64_t t_persist;       /* zero-window probe */
    uint64_t t_keep;          /* keepalive / FIN_WAIT_2 / TIME_WAIT / handshake limit */
    uint64_t t_probe;         /* tail loss probe (RFC 8985 TLP), before t_rexmt */
    bool probe_sent;          /* one probe per flight, until an ACK advances */
    uint64_t persist_backoff;
    uint64_t last_rx;

    struct net_ring snd, rcv;
    struct net_seq_range ooo[NET_TCP_OOO_MAX];
    struct net_seq_range sacked[NET_TCP_SACKED_MAX]; /* above snd_una */
    uint8_t n_sacked;
    uint32_t rexmit_next;     /* recovery: where the next hole search starts */

    struct net_tcb *parent;   /* listener of a passive connection not yet accepted */
    struct net_tcb *aq_next;  /* listener's accept queue link */
    uint64_t born;            /* for evicting the oldest half-open connection */
    uint16_t n_half_open;     /* listener: SYN_RCVD children */
    uint16_t n_queued;        /* listener: established children not yet accepted */
    struct net_tcb *aq_head;  /* listener: accept queue */
    struct net_stack *st;
};

/* ---- the stack ------------------------------------------------------------ */

struct net_stack {
    struct netdev *dev;
    struct pkt_pool *pool;
    struct net_config cfg;
    struct net_stats stats;
    uint64_t now;
    uint8_t mac[NET_ETH_ALEN];

    uint32_t addr, gw;        /* host order; addr 0 = none yet */
    uint8_t plen;
    uint32_t mask;
    uint16_t ip_id;

    struct pkt *txq[NET_TXQ];
    unsigned n_txq;

    struct net_arp_entry arp[NET_ARP_ENTRIES];
    struct net_udp_binding udp[NET_UDP_BINDINGS];
    struct net_dhcp dhcp;

    struct net_tcb *tcbs;     /* cfg.max_conns blocks */
    uint32_t isn_counter;
    uint16_t next_port;
    size_t buf_bytes;         /* TCP buffer bytes allocated now */
};

/* net_eth.c */
void net_eth_input(struct net_stack *st, struct pkt *p);
/* Sends IPv4 packet p (data at the IP header) to next hop `nexthop` (host
 * order; 0xffffffff = broadcast), resolving its MAC.  Takes p.  Returns
 * nothing (failures are counted). */
void net_eth_output_ip(struct net_stack *st, struct pkt *p, uint32_t nexthop);
/* Queues a complete frame for transmission.  Takes p. */
void net_eth_xmit(struct net_stack *st, struct pkt *p);
/* Transmits the TX batch.  Returns nothing. */
void net_eth_flush(struct net_stack *st);
/* Sends a gratuitous ARP for the stack's address.  Returns nothing. */
void net_arp_announce(struct net_stack *st);
/* Runs ARP retries and expiry.  Returns nothing. */
void net_arp_timer(struct net_stack *st);
/* Returns the earliest ARP deadline or NET_NEVER. */
uint64_t net_arp_deadline(const struct net_stack *st);
/* Forgets every entry and frees its pending packets.  Returns nothing. */
void net_arp_flush(struct net_stack *st);

/* net_ip.c */
void net_ip_input(struct net_stack *st, struct pkt *p);
/* Allocates a packet with room for Ethernet + IPv4 headers in front and
 * `payload` bytes; data points at the IP payload, len = payload.  Returns
 * it or NULL (counted). */
struct pkt *net_ip_alloc(struct net_stack *st, uint32_t payload);
/* Prepends the IPv4 header (src = stack address unless `src` != 0) and
 * routes p to dst.  Takes p.  Returns 0 or -ENETUNREACH (p freed). */
int net_ip_output(struct net_stack *st, struct pkt *p, uint32_t src, uint32_t dst,
                  uint8_t proto);
/* Binds UDP port `port` to cb.  Returns 0, -EADDRINUSE or -ENOBUFS. */
int net_udp_bind(struct net_stack *st, uint16_t port, net_udp_cb *cb, void *arg);
/* Sends one datagram.  Returns 0 or a negative errno. */
int net_udp_send(struct net_stack *st, uint32_t src, uint16_t sport, uint32_t dst,
                 uint16_t dport, const void *data, size_t len);
/* Returns true when dst is on the stack's subnet. */
bool net_ip_on_link(const struct net_stack *st, uint32_t dst);

/* net_stack.c: the address changed (set, renewed or lost).  Returns nothing. */
void net_set_addr(struct net_stack *st, uint32_t addr, uint8_t plen, uint32_t gw);

/* net_dhcp.c */
void net_dhcp_timer(struct net_stack *st);
uint64_t net_dhcp_deadline(const struct net_stack *st);

/* net_ring.c */
int net_ring_init(struct net_ring *r, uint32_t size);
void net_ring_free(struct net_ring *r);
/* Returns the free space behind the in-order bytes. */
static inline uint32_t net_ring_space(const struct net_ring *r)
{
    return r->size - r->len;
}
/* Appends up to n bytes.  Returns the count appended. */
uint32_t net_ring_write(struct net_ring *r, const void *src, uint32_t n);
/* Writes n bytes at offset `off` past the in-order end without making them
 * in order (out-of-order data).  The caller checks off + n <= space. */
void net_ring_write_at(struct net_ring *r, uint32_t off, const void *src, uint32_t n);
/* Copies n bytes from offset off (from head) without consuming.  Returns
 * nothing; the caller checks off + n <= len. */
void net_ring_peek(const struct net_ring *r, uint32_t off, void *dst, uint32_t n);
/* Consumes n bytes from the head (n <= len).  Returns nothing. */
void net_ring_drop(struct net_ring *r, uint32_t n);
/* Makes n more bytes in order (they were written by write_at).  Returns
 * nothing. */
static inline void net_ring_commit(struct net_ring *r, uint32_t n)
{
    r->len += n;
}

/* net_tcp_in.c */
void net_tcp_input(struct net_stack *st, uint32_t src, uint32_t dst, struct pkt *p);

/* net_tcp_out.c */
/* Sends what the windows allow, and an owed ACK.  Returns nothing. */
void net_tcp_output(struct net_tcb *t);
/* Sends one segment: seq, `len` data bytes from the send buffer at seq,
 * flags (SYN segments carry the options).  Returns 0 or -ENOMEM. */
int net_tcp_send_segment(struct net_tcb *t, uint32_t seq, uint32_t len, uint8_t flags);
/* Sends a bare ACK now (also a window update).  Returns nothing. */
void net_tcp_send_ack(struct net_tcb *t);
/* Sends RST for an unacceptable segment with no (or another) block.
 * Returns nothing. */
void net_tcp_send_rst(struct net_stack *st, uint32_t src, uint32_t dst, uint16_t sport,
                      uint16_t dport, uint32_t seq, uint32_t ack, bool with_ack);
/* Returns the receive window to advertise now (bytes, unscaled). */
uint32_t net_tcp_rcv_window(const struct net_tcb *t);
/* Arms the retransmission timer at now + rto.  Returns nothing. */
void net_tcp_arm_rexmt(struct net_tcb *t);

/* net_tcp_timer.c */
void net_tcp_timers(struct net_stack *st);
uint64_t net_tcp_deadline(const struct net_stack *st);
/* Folds an RTT sample (ns) into srtt/rttvar/rto (RFC 6298).  Returns nothing. */
void net_tcp_rtt_sample(struct net_tcb *t, uint64_t rtt);

/* net_tcp.c */
/* Allocates a control block (reusing the oldest TIME_WAIT one when the
 * table is full).  Returns it zeroed but for defaults, or NULL. */
struct net_tcb *net_tcb_alloc(struct net_stack *st);
/* Allocates t's send and receive buffers.  Returns 0 or -ENOMEM. */
int net_tcb_buffers(struct net_tcb *t);
/* Picks the initial sequence number for a connection.  Returns it. */
uint32_t net_tcp_isn(struct net_stack *st);
/* Ends t with `err` (0 for a normal end): the block is freed when the
 * application no longer holds it, otherwise kept CLOSED for it to see.
 * Returns nothing. */
void net_tcb_finish(struct net_tcb *t, int err);
/* Frees t now (unlinks it from its listener, frees its buffers).  Returns
 * nothing. */
void net_tcb_free(struct net_tcb *t);
/* Resets t: sends RST (when synchronized) and finishes it with err.
 * Returns nothing. */
void net_tcb_reset(struct net_tcb *t, int err);
/* Returns the MSS we announce (the interface MTU less 40). */
uint16_t net_tcp_our_mss(const struct net_stack *st);
/* Returns the window shift we use for a receive buffer of cfg.rcv_buf. */
uint8_t net_tcp_our_wscale(const struct net_stack *st);
/* Retransmits one segment in recovery: the first hole at or after
 * rexmit_next (snd_una at the latest) that the peer has not SACKed and that
 * lies below what it did SACK; without SACK information, the segment at
 * snd_una when rexmit_next is not past it.  Returns true when a segment
 * went out (net_tcp_sack.c). */
bool net_tcp_retransmit_next(struct net_tcb *t);
/* Removes from list r[0..*n) every range that overlaps or touches [*s, *e)
 * and widens [*s, *e) to cover them (the out-of-order list and the SACK
 * scoreboard both keep disjoint ranges this way).  Returns nothing. */
void net_ranges_absorb(struct net_seq_range *r, uint8_t *n, uint32_t *s, uint32_t *e);
/* Records the peer's SACK blocks [start, end) (RFC 2018).  Returns true
 * when they reported bytes not SACKed before (a loss signal even on a
 * segment that carries data, RFC 6675). */
bool net_tcp_sack_update(struct net_tcb *t, const uint32_t (*blocks)[2], unsigned n);
/* Forgets SACKed ranges below snd_una (after it advanced).  Returns
 * nothing. */
void net_tcp_sack_prune(struct net_tcb *t);
/* Sends an owed ACK (and data) on every connection after a burst.
 * Returns nothing. */
void net_tcp_flush_acks(struct net_stack *st);
/* The stack got an address: SYNs waiting for one leave now.  Returns
 * nothing. */
void net_tcp_addr_ready(struct net_stack *st);
/* Enters TIME_WAIT.  Returns nothing. */
void net_tcb_time_wait(struct net_tcb *t);
/* A passive connection reached ESTABLISHED: moves it to its listener's
 * accept queue (or resets it when the queue is full).  Returns nothing. */
void net_tcb_established_passive(struct net_tcb *t);
/* Sets t's MSS, window scale and SACK use from a SYN's options.  Returns
 * nothing. */
void net_tcp_apply_syn_opts(struct net_tcb *t, uint16_t mss, int wscale, bool sack_ok);
/* Initial congestion state after the handshake.  Returns nothing. */
void net_tcp_init_cc(struct net_tcb *t);

#endif /* NET_PRIV_H */
