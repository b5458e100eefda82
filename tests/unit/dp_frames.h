/*
 * dp_frames.h — test helper: builds Ethernet/VLAN/IPv4/TCP/UDP/ICMP/ARP
 * frames with correct checksums, and verifies checksums by full
 * recomputation.  Linked into every unit test binary; names are prefixed
 * dpf_.  Hosted test code only.
 */
#ifndef DP_FRAMES_H
#define DP_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dpf_spec {
    uint8_t dst[6], src[6];
    int vlan;          /* VID, or -1 for untagged */
    uint8_t pcp;
    uint16_t dl_type;  /* 0x0800 IPv4, 0x0806 ARP, anything else: raw */
    uint32_t nw_src, nw_dst;
    uint8_t proto;     /* 6, 17, 1 or other */
    uint8_t tos;
    uint16_t frag;     /* IPv4 flags+offset field */
    uint8_t ip_opts;   /* 32-bit words of IPv4 options (0..10) */
    uint16_t tp_src, tp_dst; /* ports, or ICMP type/code */
    uint16_t payload;  /* L4 payload bytes */
    bool udp_nocsum;   /* UDP checksum 0 */
    uint16_t arp_op;
};

/* Returns a spec for a TCP/IPv4 frame with typical values. */
struct dpf_spec dpf_tcp(void);

/* Builds the frame into buf (>= 1600 bytes).  Returns its length. */
size_t dpf_build(uint8_t *buf, const struct dpf_spec *s);

/* Checks every checksum of an Ethernet[/VLAN]/IPv4 frame by recomputing
 * it from scratch (IPv4 header; TCP/UDP with pseudo-header, UDP 0 allowed;
 * ICMP).  Returns true when all are right. */
bool dpf_csums_ok(const uint8_t *f, size_t len);

#endif
