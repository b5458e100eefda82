/*
 * net.h — the unikernel's TCP/IP stack: one IPv4 interface on one netdev.
 *
 * A `struct net_stack` is a host on one Ethernet segment: ARP (a bounded
 * cache with timeouts, gratuitous ARP when the address is set, a bounded
 * queue of packets waiting for resolution), IPv4 (no fragmentation on send;
 * received fragments are dropped and counted), ICMP echo reply, UDP (for
 * its own DHCP client), a DHCP client or a static address, and TCP
 * (net_tcp.h).  It is what os/stream.h is built on for the unikernel images
 * (net_stream.c), so the switch's OpenFlow connections are the same code on
 * every target.
 *
 * The stack talks to its NIC only through os/netdev.h bursts and os/pkt.h
 * buffers: a management NIC (`--mgmt virtio:N`, out of band) or one end of
 * an internal pair whose other end is the datapath's LOCAL port (in band,
 * net_pair.h).  It never reads the clock: every entry point takes the
 * caller's monotonic `now_ns`, so tests drive time by hand and a fuzzer
 * replays frames deterministically.
 *
 * Driving it (one loop, single-threaded, nothing blocks):
 *     net_poll(st, now);             every turn: RX bursts, timers, TX
 *     deadline = net_next_deadline(st);   sleep no later than this
 *     net_arm_wakeup(st);            before halting (the NIC's wake-up)
 *
 * Bounds (memory cannot grow with what peers send): the ARP cache, its
 * pending queue, the UDP bindings and the TCP connection table are fixed at
 * net_create; TCP buffers are allocated per established connection up to
 * cfg.max_conns of them; a SYN flood fills at most the listener's
 * half-open slots (the oldest is evicted).  Bad frames are dropped and
 * counted in struct net_stats, never asserted on.
 *
 * Ownership: the stack borrows the netdev and the pool (the caller opens
 * and closes them, after net_destroy) and owns every packet it receives
 * until it frees or transmits it.
 */
#ifndef NET_H
#define NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "os/netdev.h"
#include "os/pkt.h"

struct net_stack;

/* Zero in any field selects its default. */
struct net_config {
    uint16_t max_conns;        /* TCP control blocks incl. half-open and TIME_WAIT (32) */
    uint32_t snd_buf;          /* TCP send buffer per connection, bytes (32 KiB) */
    uint32_t rcv_buf;          /* TCP receive buffer per connection, bytes (32 KiB) */
    uint16_t syn_backlog;      /* half-open connections per listener (16) */
    uint16_t accept_backlog;   /* established, not yet accepted, per listener (8) */
    uint64_t time_wait_ns;     /* TIME_WAIT (2 MSL), default 60 s */
    uint64_t keepalive_idle_ns; /* first keepalive probe after this idle time (60 s) */
    uint64_t keepalive_intvl_ns; /* between probes (10 s) */
    uint8_t keepalive_probes;  /* unanswered probes before the abort (6) */
    uint64_t fin_wait2_ns;     /* FIN_WAIT_2 of a closed connection, default 60 s */
    uint32_t isn_seed;         /* 0: random initial sequence numbers; else fixed (tests) */
};

/* Counters; every dropped frame is counted in exactly one *_drop field. */
struct net_stats {
    uint64_t rx_frames, tx_frames;
    uint64_t rx_bad_eth;        /* runt, not for us, unknown ethertype */
    uint64_t arp_rx, arp_bad, arp_requests_sent, arp_replies_sent;
    uint64_t arp_pending_drop;  /* queue full or resolution failed */
    uint64_t ip_rx, ip_bad;     /* bad version, header length, checksum, total length */
    uint64_t ip_not_for_us, ip_frag_drop, ip_proto_drop, ip_no_route;
    uint64_t icmp_echo_replies, icmp_drop;
    uint64_t udp_rx, udp_bad, udp_no_port;
    uint64_t tcp_rx, tcp_bad;   /* bad checksum, header length, options */
    uint64_t tcp_rst_sent, tcp_rst_rcvd, tcp_no_conn;
    uint64_t tcp_syn_drop;      /* no listener slot / table full */
    uint64_t tcp_half_open_evicted, tcp_accept_overflow;
    uint64_t tcp_retransmits, tcp_fast_retransmits, tcp_timeouts;
    uint64_t tcp_dup_acks, tcp_ooo_segs, tcp_ooo_drop, tcp_out_of_window;
    uint64_t tcp_challenge_acks, tcp_keepalive_probes, tcp_window_probes, tcp_tail_probes;
    uint64_t tcp_conns_opened, tcp_conns_closed, tcp_conns_aborted;
    uint64_t dhcp_offers, dhcp_acks, dhcp_naks, dhcp_bad, dhcp_leases_lost;
    uint64_t nomem;             /* packet or buffer allocation failed */
};

/* Creates a stack on `dev` (the stack sends from `pool`).  Without an
 * address it sends nothing until net_set_static or net_start_dhcp.
 * Returns 0 and sets *out, or -ENOMEM / -EINVAL. */
int net_create(struct netdev *dev, struct pkt_pool *pool, const struct net_config *cfg,
               struct net_stack **out);

/* Aborts every connection (RST) and frees the stack; the netdev and pool
 * are the caller's.  NULL is ignored.  Returns nothing. */
void net_destroy(struct net_stack *st);

/* Sets a static address: `addr`/`plen` with gateway `gw` (0 = none), all
 * host order, and announces it by gratuitous ARP at now_ns.  Returns 0 or
 * -EINVAL (plen > 32, address 0 or multicast). */
int net_set_static(struct net_stack *st, uint32_t addr, uint8_t plen, uint32_t gw,
                   uint64_t now_ns);

/* Starts the DHCP client (RFC 2131: discover, request, renew at T1, rebind
 * at T2, start over at expiry or NAK).  Returns 0. */
int net_start_dhcp(struct net_stack *st, uint64_t now_ns);

/* Parses "ADDR/LEN[,GATEWAY]" (dotted quads).  Returns 0 with the fields
 * filled (host order), or -EINVAL. */
int net_parse_ipspec(const char *spec, uint32_t *addr, uint8_t *plen, uint32_t *gw);

/* Parses a dotted-quad IPv4 address.  Returns 0 with *addr (host order),
 * or -EINVAL. */
int net_parse_ip(const char *s, uint32_t *addr);

/* Writes "a.b.c.d" of host-order `addr` into buf (at least 16 bytes).
 * Returns buf. */
char *net_ip_str(uint32_t addr, char *buf, size_t len);

/* Returns true when the stack has an address, with it in *addr (host
 * order) and the prefix length in *plen (either may be NULL). */
bool net_get_addr(const struct net_stack *st, uint32_t *addr, uint8_t *plen);

/* One turn at now_ns: receives bursts from the netdev (at most 4), runs the
 * timers (ARP, DHCP, TCP) and transmits.  Returns the number of frames
 * received (0 when idle). */
unsigned net_poll(struct net_stack *st, uint64_t now_ns);

/* Processes received frames pkts[0..n) at now_ns (net_poll's input half;
 * tests and the fuzzer call it directly).  Takes every packet.  Returns
 * nothing. */
void net_input(struct net_stack *st, struct pkt **pkts, unsigned n, uint64_t now_ns);

/* Returns the monotonic time of the stack's next timer (ARP, DHCP, TCP
 * retransmission, keepalive, TIME_WAIT...), or UINT64_MAX. */
uint64_t net_next_deadline(const struct net_stack *st);

/* Arms the netdev's receive wake-up before the caller halts.  Returns
 * netdev_arm_rx_wakeup's result (0, -EAGAIN: frames waiting, -EOPNOTSUPP). */
int net_arm_wakeup(struct net_stack *st);

/* Returns the stack's counters. */
const struct net_stats *net_get_stats(const struct net_stack *st);

/* Returns the netdev the stack runs on. */
struct netdev *net_netdev(const struct net_stack *st);

/* Returns the TCP connections still moving data or closing (every block
 * but listeners, TIME_WAIT and those the application holds closed): a
 * program that wants its last bytes delivered polls until this is 0. */
unsigned net_busy_conns(const struct net_stack *st);

/* Bytes of heap the stack holds now (control blocks, tables, TCP buffers),
 * for the memory figures.  Returns the count. */
size_t net_mem_used(const struct net_stack *st);

#endif /* NET_H */
