/*
 * ofp_print.h — OpenFlow 1.0 flows rendered as ovs-ofctl prints them.
 *
 * The output is byte-for-byte what `ovs-ofctl -O OpenFlow10 parse-flow`
 * (or `ofp-print` of the same OFPT_FLOW_MOD) prints after
 * "OFPT_FLOW_MOD (xid=0x1): ", e.g.
 *     ADD priority=100,tcp,nw_src=10.0.0.0/8,tp_dst=80 actions=mod_nw_src:1.2.3.4,output:3
 * so logs, tests and tools line up with Open vSwitch's.  Conventions copied
 * from ovs: protocol shorthands (tcp, arp, ...) replace dl_type/nw_proto;
 * ARP matches name nw_src/nw_dst/nw_proto arp_spa/arp_tpa/arp_op, ICMP
 * matches name tp_src/tp_dst icmp_type/icmp_code; dl_vlan=0xffff prints as
 * vlan_tci=0x0000; reserved ports print as IN_PORT ... LOCAL, ANY; a match
 * with no wildcard at all prints priority=65535 (OpenFlow 1.0 gives exact
 * matches the highest priority; ovs prints what a switch will use); an
 * empty action list prints "drop".  The one Sluice addition: OFPFF_EMERG
 * prints as "emergency", the keyword ofp_parse.h accepts (ovs rejects
 * emergency flows).  Printing a parsed flow and parsing the result gives
 * the same flow.
 *
 * Every function works like snprintf: writes at most `size` bytes including
 * the terminating NUL (nothing if size is 0; buf may then be NULL) and
 * returns the length the full text has, so a return >= size means it was
 * truncated.  Pure; no allocation; any caller.
 */
#ifndef OFP_PRINT_H
#define OFP_PRINT_H

#include <stddef.h>
#include <stdint.h>

#include "ofp_types.h"

/* A port: its name for reserved ports (IN_PORT TABLE NORMAL FLOOD ALL
 * CONTROLLER LOCAL ANY), else the decimal number.  Returns the length. */
int ofp_format_port(uint16_t port, char *buf, size_t size);

/* The match's fields, comma-separated, in ovs order ("" for match-all;
 * no priority).  Returns the length. */
int ofp_format_match(const struct of_match *m, char *buf, size_t size);

/* The action list, comma-separated ("drop" when n is 0).  Returns the length. */
int ofp_format_actions(const struct of_action *a, unsigned n, char *buf, size_t size);

/* The whole flow_mod: "CMD [priority=P,]MATCH [cookie:C idle:I hard:H
 * buf:B out_port:P FLAGS ]actions=ACTIONS".  Returns the length. */
int ofp_format_flow_mod(const struct of_flow_mod *fm, char *buf, size_t size);

#endif /* OFP_PRINT_H */
