/*
 * dp_key.h — the flow key: OpenFlow 1.0's 12-tuple, extracted from a frame.
 *
 * A `struct dp_key` is what the flow table matches on.  Fields are in host
 * byte order and laid out in five 64-bit words, so masking, comparing and
 * hashing are word operations.  Padding is always zero: two keys are equal
 * exactly when their words are equal.
 *
 * Field meanings follow OpenFlow 1.0 (section 3.4 / Appendix A.2.3):
 *  - dl_vlan is the VID of the outer 802.1Q tag, or DP_VLAN_NONE (0xffff)
 *    for an untagged frame; dl_vlan_pcp is 0 when untagged.
 *  - dl_type is the Ethertype after any tag; 802.3 frames with LLC/SNAP use
 *    the SNAP type; other 802.3 frames use DP_DL_TYPE_NOT_ETH (0x05ff).
 *  - For IPv4: nw_src/nw_dst, nw_proto, nw_tos = the DSCP bits (tos & 0xfc).
 *  - For ARP (Ethernet/IPv4): nw_proto = opcode (low 8 bits), nw_src = SPA,
 *    nw_dst = TPA.
 *  - tp_src/tp_dst: TCP/UDP ports; ICMP type/code.  Zero for non-first
 *    fragments and when the transport header is missing or truncated.
 * A field the frame does not have is zero.
 *
 * A `struct dp_match` is a key plus a mask of the same layout (1 bits =
 * compared); its key is always pre-masked (key == key & mask).  A field is
 * either ignored (mask 0) or compared in full (mask all ones, whatever the
 * field's width: 0xff for dl_vlan_pcp and nw_tos, 0xffff for dl_vlan), except
 * nw_src and nw_dst, which may carry a CIDR prefix mask.  Padding masks are 0.
 *
 * Pure code; any caller.  dp_key_extract never reads past `len`.
 */
#ifndef DP_KEY_H
#define DP_KEY_H

#include <stdbool.h>
#include <stdint.h>

#define DP_KEY_WORDS 5
#define DP_VLAN_NONE 0xffff
#define DP_DL_TYPE_NOT_ETH 0x05ff

struct dp_key {
    union {
        struct {
            uint32_t nw_src;     /* IPv4 source / ARP SPA */
            uint32_t nw_dst;     /* IPv4 destination / ARP TPA */
            uint16_t in_port;    /* ingress port number */
            uint16_t dl_vlan;    /* VID or DP_VLAN_NONE */
            uint8_t dl_src[6];   /* Ethernet source */
            uint8_t dl_dst[6];   /* Ethernet destination */
            uint16_t dl_type;    /* Ethertype */
            uint8_t dl_vlan_pcp; /* 802.1Q priority */
            uint8_t nw_tos;      /* DSCP in the upper six bits */
            uint8_t nw_proto;    /* IP protocol / ARP opcode */
            uint8_t pad0;        /* zero */
            uint16_t tp_src;     /* L4 source port / ICMP type */
            uint16_t tp_dst;     /* L4 destination port / ICMP code */
            uint8_t pad1[6];     /* zero */
        };
        uint64_t w[DP_KEY_WORDS];
    };
};
_Static_assert(sizeof(struct dp_key) == DP_KEY_WORDS * 8, "dp_key is five words");

struct dp_match {
    struct dp_key key;  /* pre-masked */
    struct dp_key mask; /* 1 bits are significant */
};

/* What extraction learned about the frame's layout, for the actions that
 * rewrite it.  Offsets are from the start of the frame; 0 = absent. */
struct dp_layout {
    uint16_t l3_ofs;    /* first byte after the Ethernet/VLAN header(s) */
    uint16_t l4_ofs;    /* first byte of TCP/UDP/ICMP header, 0 if absent/truncated */
    uint8_t flags;      /* DP_LF_* */
};

enum {
    DP_LF_VLAN = 1 << 0,      /* frame carries an 802.1Q tag */
    DP_LF_IPV4 = 1 << 1,      /* a complete IPv4 header was found */
    DP_LF_FRAG = 1 << 2,      /* IPv4 fragment (first or later) */
    DP_LF_LATER_FRAG = 1 << 3,/* IPv4 non-first fragment */
    DP_LF_ARP = 1 << 4,       /* Ethernet/IPv4 ARP */
    DP_LF_TRUNC = 1 << 5,     /* a header was cut short; fields left zero */
};

/* Extracts the key of the frame `frame[0..len)` received on `in_port`.
 * Never reads outside the frame.  Returns nothing; a malformed or truncated
 * frame gives a key with the fields it could not read left zero and
 * DP_LF_TRUNC set in `layout` (which may be NULL). */
void dp_key_extract(const uint8_t *frame, uint32_t len, uint16_t in_port,
                    struct dp_key *key, struct dp_layout *layout);

/* Returns true when `key` matches `m` (every masked bit equal). */
static inline bool dp_match_hit(const struct dp_match *m, const struct dp_key *key)
{
    uint64_t diff = 0;
    for (int i = 0; i < DP_KEY_WORDS; i++)
        diff |= (key->w[i] & m->mask.w[i]) ^ m->key.w[i];
    return diff == 0;
}

/* Returns true when two keys are equal word for word. */
static inline bool dp_key_equal(const struct dp_key *a, const struct dp_key *b)
{
    uint64_t diff = 0;
    for (int i = 0; i < DP_KEY_WORDS; i++)
        diff |= a->w[i] ^ b->w[i];
    return diff == 0;
}

/* Returns a 32-bit hash of `key & mask` (mask may be NULL = all ones),
 * mixed with `basis`. */
uint32_t dp_key_hash(const struct dp_key *key, const struct dp_key *mask, uint32_t basis);

/* Formats a key (and mask, may be NULL) as ovs-ofctl style text into buf.
 * Returns buf. */
char *dp_key_format(const struct dp_key *key, const struct dp_key *mask, char *buf, unsigned size);

#endif /* DP_KEY_H */
