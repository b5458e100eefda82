/*
 * ofp_match.h — helpers on struct of_match (OpenFlow 1.0 match, host order).
 *
 * An of_match keeps the wire wildcards exactly.  nw_src and nw_dst carry a
 * 6-bit "number of wildcarded low bits" each (0 = exact, 32..63 = fully
 * wildcarded); these helpers convert between that count and a prefix length
 * so nobody else does the arithmetic.
 *
 * Normal form (what ofp_types.h promises): every wildcarded field is zero,
 * address bits outside a prefix are zero, and no field is matched whose
 * OpenFlow 1.0 prerequisite is missing:
 *   nw_src, nw_dst, nw_proto  need dl_type ip (0x0800), arp (0x0806) or rarp (0x8035)
 *   nw_tos                    needs dl_type ip
 *   tp_src, tp_dst            need dl_type ip and nw_proto tcp, udp, sctp or icmp
 *   dl_vlan_pcp               is meaningless with dl_vlan=0xffff (untagged)
 * The flow-syntax parser rejects a match that breaks a prerequisite (with a
 * message); ofp_match_normalize() instead silently drops such fields, which
 * is what Open vSwitch and OpenFlow 1.0 switches do with a match from the
 * wire.  The protocol shorthand table ("tcp" = dl_type 0x0800 + nw_proto 6)
 * is shared by the parser and the printer.
 *
 * Pure functions on caller memory; any caller, any thread.
 */
#ifndef OFP_MATCH_H
#define OFP_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ofp_types.h"

#define OFP_ETH_TYPE_IP 0x0800
#define OFP_ETH_TYPE_ARP 0x0806
#define OFP_ETH_TYPE_RARP 0x8035
#define OFP_IPPROTO_ICMP 1
#define OFP_IPPROTO_TCP 6
#define OFP_IPPROTO_UDP 17
#define OFP_IPPROTO_SCTP 132

/* Sets `m` to the match-everything match: OFPFW_ALL, every field zero. */
void ofp_match_init_catchall(struct of_match *m);

/* Returns the netmask of a prefix length 0..32 (0 -> 0, 24 -> 0xffffff00). */
uint32_t ofp_prefix_mask(unsigned plen);

/* Returns the prefix length of `mask` if it is a CIDR mask (contiguous ones
 * from the top), or -1. */
int ofp_mask_to_prefix(uint32_t mask);

/* Return the prefix length (0..32) that m's nw_src / nw_dst wildcards say;
 * 0 means not matched at all. */
unsigned ofp_match_nw_src_plen(const struct of_match *m);
unsigned ofp_match_nw_dst_plen(const struct of_match *m);

/* Match nw_src / nw_dst against addr/plen (plen 0..32; larger is clamped to
 * 32).  Bits outside the prefix are cleared; plen 0 wildcards the field,
 * stored as the whole OFPFW_NW_*_MASK (63 wildcarded bits, as OFPFW_ALL has
 * it) so that equal matches compare equal with memcmp. */
void ofp_match_set_nw_src(struct of_match *m, uint32_t addr, unsigned plen);
void ofp_match_set_nw_dst(struct of_match *m, uint32_t addr, unsigned plen);

/* Returns the OFPFW_* bits of the fields `m` matches although their
 * prerequisite (see above) is missing; nw_src/nw_dst are reported as their
 * whole OFPFW_NW_*_MASK.  0 means every prerequisite holds. */
uint32_t ofp_match_unmet_prereqs(const struct of_match *m);

/* Brings `m` into normal form: wildcards fields with unmet prerequisites,
 * zeroes wildcarded fields and host bits, stores a wildcarded nw_src/nw_dst
 * as the whole mask (any count >= 32 becomes 63).  Returns the OFPFW_* bits
 * it had to add (0 = every prerequisite was met). */
uint32_t ofp_match_normalize(struct of_match *m);

/* Returns true when a and b are equal field by field, wildcards included
 * (compare normalised matches to ask "same flow match"). */
bool ofp_match_equal(const struct of_match *a, const struct of_match *b);

/* Protocol shorthands as ovs-ofctl spells them ("ip", "tcp", "arp", ...). */
struct ofp_proto_name {
    const char *name;
    uint16_t dl_type;
    uint8_t nw_proto;
    bool has_nw_proto;
};

/* Returns the shorthand called exactly `name` (length `len`, case-sensitive
 * like ovs-ofctl), or NULL. */
const struct ofp_proto_name *ofp_proto_by_name(const char *name, size_t len);

/* Returns the shorthand that best describes m's dl_type/nw_proto (the one
 * with nw_proto when both are matched and one exists), or NULL when dl_type
 * is wildcarded or has no name. */
const struct ofp_proto_name *ofp_proto_of_match(const struct of_match *m);

#endif /* OFP_MATCH_H */
