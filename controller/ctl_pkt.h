/*
 * ctl_pkt.h — the controller's view of a packet: OpenFlow 1.0 header
 * fields pulled out of packet_in data, and matching them against rules.
 *
 * ctl_pkt_parse() fills an of_match with every field OpenFlow 1.0 defines
 * for the frame (as a switch would extract it: 802.1Q tag, IPv4 with
 * nw_tos/proto/src/dst, tp_src/tp_dst for TCP/UDP/SCTP, ICMP type/code in
 * tp_src/tp_dst, ARP opcode/spa/tpa in nw_proto/nw_src/nw_dst); fields the
 * frame does not have are wildcarded.  A truncated frame keeps whatever
 * could be read safely, never reads past `len`.  The result is an exact
 * match for "packets like this one", usable directly in a flow_mod.
 *
 * Pure functions; any caller.
 */
#ifndef CTL_PKT_H
#define CTL_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openflow/ofp_types.h"

struct ctl_pkt {
    struct of_match key;           /* all fields the frame has, exact */
    bool valid;                    /* at least the Ethernet header */
};

/* Parses frame[0, len) received on in_port.  Returns true when it had an
 * Ethernet header (pkt->valid). */
bool ctl_pkt_parse(const uint8_t *frame, size_t len, uint16_t in_port, struct ctl_pkt *pkt);

/* Returns true when every field `rule` matches is present in `key` with a
 * value the rule accepts (nw_src/nw_dst by prefix). */
bool ctl_match_covers(const struct of_match *rule, const struct of_match *key);

/* Returns true when some packet could match both a and b (every field both
 * match agrees, prefixes compared on the shorter one). */
bool ctl_match_overlaps(const struct of_match *a, const struct of_match *b);

/* Returns true for a group (multicast or broadcast) Ethernet address. */
static inline bool ctl_eth_is_group(const uint8_t mac[6])
{
    return mac[0] & 1;
}

#endif /* CTL_PKT_H */
