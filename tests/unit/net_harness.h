/*
 * net_harness.h — test helper for libos/net: a stack on an in-memory netdev
 * whose transmitted frames the test reads back parsed, and a peer that
 * crafts the frames the stack receives (Ethernet/IPv4/TCP with options,
 * ARP, ICMP, raw).  Time is the test's (now_ns passed in).  Every frame of
 * a test, both ways, is also written to a pcap file when
 * SLUICE_NET_PCAP_DIR is set (tests/net/run.sh checks them with tshark).
 * Names are prefixed nh_.  Hosted test code only.
 */
#ifndef NET_HARNESS_H
#define NET_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libos/net/net.h"
#include "libos/net/net_tcp.h"

#define NH_PEER_IP 0x0a000001u  /* 10.0.0.1 */
#define NH_OUR_IP 0x0a000002u   /* 10.0.0.2 */
#define NH_PEER_PORT 40000
#define NH_MAX_TX 256

/* A TCP segment the stack sent, parsed. */
struct nh_seg {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t win;
    uint16_t mss;        /* option, 0 = absent */
    int wscale;          /* option, -1 = absent */
    bool sack_perm;      /* SACK-permitted option */
    unsigned n_sack;     /* SACK blocks */
    uint32_t sack[4][2]; /* their [start, end) */
    uint8_t data[2048];
    uint32_t len;
    bool csum_ok;
};

struct nh {
    struct net_stack *st;
    struct netdev *dev;
    struct pkt_pool *pool;
    uint64_t now;
    void *pcap;          /* pcap_dumper_t or NULL */
    void *pcap_h;
};

/* The fixture of the tests that use one stack per test: nh_test_setup
 * (cmocka setup; *state is the test's name, from
 * cmocka_unit_test_prestate_setup_teardown, and names its pcap) makes it
 * with the default configuration, nh_test_teardown frees it.  Both return
 * 0 (or -1 when setup fails). */
extern struct nh nh_h;
int nh_test_setup(void **state);
int nh_test_teardown(void **state);

/* Creates the stack (cfg may be NULL) at address 10.0.0.2/24 and teaches it
 * the peer's MAC (an ARP request from 10.0.0.1, whose reply is consumed).
 * `name` names the pcap file.  Returns 0 or -1. */
int nh_setup(struct nh *h, const struct net_config *cfg, const char *name);
/* Frees everything; the pool must be whole again (asserted).  Returns
 * nothing. */
void nh_teardown(struct nh *h);

/* Delivers one crafted TCP segment from the peer (10.0.0.1:sport) to port
 * dport at h->now.  opt_mss/opt_ws: 0/-1 for none.  Returns nothing. */
void nh_tcp(struct nh *h, uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq,
            uint32_t ack, uint16_t win, const void *data, uint32_t len, uint16_t opt_mss,
            int opt_ws);
/* When true, the peer's SYNs (nh_tcp, nh_build_tcp) carry SACK-permitted. */
extern bool nh_offer_sack;
/* SACK blocks the peer's next non-SYN segments carry (nh_n_sack of them). */
extern uint32_t nh_sack[3][2];
extern unsigned nh_n_sack;

/* Builds the frame nh_tcp would deliver into f (2048 bytes).  Returns its
 * length. */
size_t nh_build_tcp(uint8_t *f, uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq,
                    uint32_t ack, uint16_t win, const void *data, uint32_t len,
                    uint16_t opt_mss, int opt_ws);
/* Delivers n raw Ethernet frames in one burst (one net_input call).
 * Returns nothing. */
void nh_frames(struct nh *h, const uint8_t *const *frames, const size_t *lens, unsigned n);
/* Delivers a raw Ethernet frame.  Returns nothing. */
void nh_frame(struct nh *h, const uint8_t *frame, size_t len);
/* Advances time to `now` and runs the stack's timers.  Returns nothing. */
void nh_advance(struct nh *h, uint64_t now);

/* Returns the number of frames sent and not yet popped. */
unsigned nh_tx_count(struct nh *h);
/* Pops the oldest transmitted TCP segment, dropping ARP frames before it.
 * Returns false when there is none or the next frame is neither (it is
 * dropped then). */
bool nh_pop_tcp(struct nh *h, struct nh_seg *s);
/* Pops the oldest transmitted frame raw into buf.  Returns its length, or
 * 0 when there is none. */
size_t nh_pop_raw(struct nh *h, uint8_t *buf, size_t max);
/* Drops every transmitted frame.  Returns how many. */
unsigned nh_drain(struct nh *h);

/* Passive open on `port`: SYN from the peer (seq `irs`, MSS 1460, wscale
 * ws), SYN-ACK checked, ACK, accept.  Returns the connection; *iss gets the
 * stack's ISN. */
struct net_tcp *nh_accept(struct nh *h, struct net_tcp *listener, uint16_t port, uint32_t irs,
                          int ws, uint32_t *iss);

#endif
