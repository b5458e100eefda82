/*
 * net_wire.h — wire layouts of the headers the unikernel's TCP/IP stack
 * speaks (Ethernet, ARP, IPv4, ICMP, UDP, TCP, DHCP) and the bounded
 * reading primitives its receive path is built on.
 *
 * Wire structs are packed, carry big-endian fields (be16/be32 from
 * os/byteorder.h) and a _Static_assert on their size.  Received frames are
 * never cast blindly: every layer asks net_cursor_take() for its header,
 * which returns NULL instead of reading past the end of the frame, so a
 * truncated or lying packet is dropped and counted, never over-read.
 *
 * Pure definitions and inline helpers; any caller inside libos/net.
 */
#ifndef NET_WIRE_H
#define NET_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "libos/common/offload.h"
#include "os/byteorder.h"

#define NET_ETH_ALEN 6
#define NET_ETH_HLEN 14
#define NET_ETHERTYPE_IPV4 0x0800
#define NET_ETHERTYPE_ARP 0x0806
#define NET_ETHERTYPE_VLAN 0x8100

struct net_eth_hdr {
    uint8_t dst[NET_ETH_ALEN];
    uint8_t src[NET_ETH_ALEN];
    be16 type;
} __attribute__((packed));
_Static_assert(sizeof(struct net_eth_hdr) == NET_ETH_HLEN, "eth header");

#define NET_ARP_REQUEST 1
#define NET_ARP_REPLY 2

struct net_arp_hdr {
    be16 htype, ptype;
    uint8_t hlen, plen;
    be16 op;
    uint8_t sha[NET_ETH_ALEN];
    uint8_t spa[4];
    uint8_t tha[NET_ETH_ALEN];
    uint8_t tpa[4];
} __attribute__((packed));
_Static_assert(sizeof(struct net_arp_hdr) == 28, "arp header");

#define NET_IP_PROTO_ICMP 1
#define NET_IP_PROTO_TCP 6
#define NET_IP_PROTO_UDP 17
#define NET_IP_DF 0x4000
#define NET_IP_MF 0x2000
#define NET_IP_OFFMASK 0x1fff
#define NET_IP_HLEN 20

struct net_ip_hdr {
    uint8_t ver_ihl;
    uint8_t tos;
    be16 tot_len;
    be16 id;
    be16 frag;
    uint8_t ttl;
    uint8_t proto;
    be16 csum;
    uint8_t src[4];
    uint8_t dst[4];
} __attribute__((packed));
_Static_assert(sizeof(struct net_ip_hdr) == NET_IP_HLEN, "ipv4 header");

#define NET_ICMP_ECHO_REPLY 0
#define NET_ICMP_ECHO_REQUEST 8

struct net_icmp_hdr {
    uint8_t type, code;
    be16 csum;
    be16 id, seq;
} __attribute__((packed));
_Static_assert(sizeof(struct net_icmp_hdr) == 8, "icmp header");

struct net_udp_hdr {
    be16 sport, dport, len, csum;
} __attribute__((packed));
_Static_assert(sizeof(struct net_udp_hdr) == 8, "udp header");

#define NET_TCP_FIN 0x01
#define NET_TCP_SYN 0x02
#define NET_TCP_RST 0x04
#define NET_TCP_PSH 0x08
#define NET_TCP_ACK 0x10
#define NET_TCP_URG 0x20
#define NET_TCP_HLEN 20
#define NET_TCPOPT_EOL 0
#define NET_TCPOPT_NOP 1
#define NET_TCPOPT_MSS 2
#define NET_TCPOPT_WSCALE 3
#define NET_TCPOPT_SACK_PERM 4
#define NET_TCPOPT_SACK 5

struct net_tcp_hdr {
    be16 sport, dport;
    be32 seq, ack;
    uint8_t off;   /* data offset in the high nibble (32-bit words) */
    uint8_t flags;
    be16 win, csum, urg;
} __attribute__((packed));
_Static_assert(sizeof(struct net_tcp_hdr) == NET_TCP_HLEN, "tcp header");

/* DHCP (RFC 2131): the fixed BOOTP part; options follow the magic cookie. */
#define NET_DHCP_MAGIC 0x63825363u
#define NET_DHCP_SERVER_PORT 67
#define NET_DHCP_CLIENT_PORT 68

struct net_dhcp_hdr {
    uint8_t op, htype, hlen, hops;
    be32 xid;
    be16 secs, flags;
    uint8_t ciaddr[4], yiaddr[4], siaddr[4], giaddr[4];
    uint8_t chaddr[16];
    uint8_t sname[64];
    uint8_t file[128];
    be32 magic;
} __attribute__((packed));
_Static_assert(sizeof(struct net_dhcp_hdr) == 240, "dhcp header");

/* A read position in a received frame: [p, end). */
struct net_cursor {
    const uint8_t *p;
    const uint8_t *end;
};

/* Returns the bytes left after the cursor. */
static inline size_t net_cursor_left(const struct net_cursor *c)
{
    return (size_t)(c->end - c->p);
}

/* Takes `n` bytes from the cursor.  Returns a pointer to them, or NULL
 * (cursor unchanged) when fewer than n are left. */
static inline const void *net_cursor_take(struct net_cursor *c, size_t n)
{
    if (net_cursor_left(c) < n)
        return NULL;
    const void *r = c->p;
    c->p += n;
    return r;
}

/* Returns the IPv4 address stored at p (network order bytes) as a host-order
 * number. */
static inline uint32_t net_get_ip(const uint8_t p[4])
{
    return os_get_be32(p);
}

/* Stores host-order address `a` at p in network order.  Returns nothing. */
static inline void net_put_ip(uint8_t p[4], uint32_t a)
{
    os_put_be32(p, a);
}

/* Sequence-number comparisons modulo 2^32 (RFC 793). */
#define NET_SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define NET_SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define NET_SEQ_GT(a, b) NET_SEQ_LT(b, a)
#define NET_SEQ_GEQ(a, b) NET_SEQ_LEQ(b, a)

/* Adds `len` bytes at `data` to a running ones'-complement sum (any
 * alignment, any length; the shared RFC 1071 code of libos/common/offload).
 * Returns the new 32-bit partial sum. */
static inline uint32_t net_csum_add(uint32_t sum, const void *data, size_t len)
{
    return offload_csum_partial(data, (uint32_t)len, sum);
}

/* Folds a partial sum to 16 bits and complements it.  Returns the checksum
 * to store (host order; store with os_put_be16). */
static inline uint16_t net_csum_fold(uint32_t sum)
{
    return offload_csum_fold(sum);
}

/* Returns the partial sum of the TCP/UDP pseudo-header for IPv4. */
uint32_t net_csum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len);

#endif /* NET_WIRE_H */
