/*
 * ctl_pkt.h — the controller's view of a packet: OpenFlow 1.0 header
 * fields pulled out of packet_in data, and matching them against rules.
 *
 * ctl_pkt_parse() gives exactly the 12-tuple the switch's datapath matches
 * the frame on (datapath/dp_key.c, OpenFlow 1.0 section 3.4), so a flow
 * installed with the key matches this packet in the datapath:
 *  - dl_vlan = VID of the outer 802.1Q tag or 0xffff; dl_type = the type
 *    after that one tag (a second tag gives 0x8100); 802.3 frames take the
 *    LLC/SNAP type when the OUI is 0, else 0x05ff; a frame whose tag is
 *    cut short has dl_type 0;
 *  - IPv4: nw_tos = DSCP (tos & 0xfc), nw_proto, nw_src, nw_dst, all zero
 *    when the header is short, not version 4 or its IHL is < 5 or past the
 *    frame; tp_src/tp_dst = TCP/UDP ports or ICMP type/code, read only from
 *    a first fragment with a whole TCP (20 bytes), UDP (8) or ICMP (8)
 *    header inside the IPv4 total length (no transport at all when the
 *    total length is < IHL), zero otherwise -- SCTP included;
 *  - ARP (Ethernet/IPv4, 28 bytes): nw_proto = low byte of the opcode,
 *    nw_src = SPA, nw_dst = TPA; zero otherwise.  RARP gets no nw fields.
 * Fields the switch lacks because the frame is short or malformed are
 * matched exactly as zero (as the datapath extracts them), never
 * wildcarded: a wildcard there would make the flow match other packets
 * too.  Only fields whose OpenFlow 1.0 prerequisite is missing (tp_* of
 * ARP, nw_* of non-IP, dl_vlan_pcp of untagged, ...) are wildcarded: the
 * key is in ofp_match_normalize() normal form.
 *
 * packet_in data cut to miss_send_len (or an output:controller max_len)
 * is parsed with ctl_pkt_parse_cut(): a field whose bytes lie past the cut
 * could be anything in the real packet, so it is wildcarded and reported
 * in `unseen`, and the key still matches the packet in the datapath.  A
 * caller that decides on such a field (a firewall rule on tp_dst, say)
 * must not trust a key with `unseen` bits: the flow would cover packets
 * whose unseen fields differ.
 *
 * Never reads past `len`.  Pure functions; any caller.
 */
#ifndef CTL_PKT_H
#define CTL_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openflow/ofp_types.h"

struct ctl_pkt {
    struct of_match key;           /* the datapath's 12-tuple, normal form */
    bool valid;                    /* at least the Ethernet header */
    uint32_t unseen;               /* OFPFW_* of fields cut off the data
                                    * (wildcarded in key); 0 = whole packet */
};

/* Parses the whole frame[0, len) received on in_port (frame may be NULL
 * when len is 0).  The key is filled even for a frame shorter than an
 * Ethernet header.  Returns true when it had an Ethernet header
 * (pkt->valid). */
bool ctl_pkt_parse(const uint8_t *frame, size_t len, uint16_t in_port, struct ctl_pkt *pkt);

/* Parses packet_in data[0, len) of a packet total_len bytes long (the
 * packet_in's total_len; len < total_len when the switch cut it): as
 * ctl_pkt_parse(), except that fields whose bytes were cut off are
 * wildcarded and set in pkt->unseen.  Returns true when it had an Ethernet
 * header (pkt->valid). */
bool ctl_pkt_parse_cut(const uint8_t *data, size_t len, size_t total_len, uint16_t in_port,
                       struct ctl_pkt *pkt);

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
