/*
 * ofp_parse.h — the ovs-ofctl flow syntax, parsed into struct of_flow_mod.
 *
 * Sluice reads flows the way `ovs-ofctl -O OpenFlow10 add-flow/mod-flows/
 * del-flows` does, so flow files move between Open vSwitch and Sluice
 * unchanged:
 *
 *     priority=100,tcp,nw_src=10.0.0.0/8,tp_dst=80 actions=mod_nw_src:1.2.3.4,output:3
 *
 * Syntax, as ovs-ofctl (lib/ofp-flow.c, ofp-parse.c): `key=value`, `key:value`
 * or `key(value)` pairs separated by commas and/or white space; everything
 * after the first `actions=` is the action list.  Match field names and flow
 * keywords are case-sensitive, action and port names are not (like ovs).
 * Integers take C syntax (0x1f hex, 017 octal — as ovs), port numbers and
 * controller max_len are decimal.  A field given twice keeps the last value
 * (as ovs).  Fields may come in any order; prerequisites are checked at the
 * end.  `duration`, `n_packets`, `n_bytes`, `idle_age` and `hard_age` are
 * ignored so that `ovs-ofctl dump-flows` output can be fed back.
 *
 * Match fields (OpenFlow 1.0): in_port, dl_vlan (0..4095, 0xffff = untagged),
 * dl_vlan_pcp, dl_src, dl_dst, dl_type, nw_src, nw_dst (a.b.c.d, /N or a CIDR
 * /m.m.m.m mask), nw_proto, nw_tos (ToS byte, low two bits zero), tp_src,
 * tp_dst, icmp_type, icmp_code, arp_op, arp_spa, arp_tpa, vlan_tci=0x0000 (what
 * ofp_print writes for dl_vlan=0xffff; no other value); aliases eth_src,
 * eth_dst, eth_type, ip_src, ip_dst, ip_proto; shorthands ip icmp tcp udp
 * sctp arp rarp ipv6 mpls mplsm.
 * Flow keywords: priority (not in non-strict del-flows), idle_timeout,
 * hard_timeout, cookie, send_flow_rem, check_overlap (add/mod only),
 * out_port (del only), table=0, and `emergency` (a Sluice extension, not in
 * ovs: OFPFF_EMERG; timeouts must then be 0).
 * Actions: output:PORT or bare PORT, in_port normal flood all local table,
 * controller[:MAX_LEN] / controller(max_len=N), enqueue:PORT:QUEUE /
 * enqueue(PORT,QUEUE), mod_vlan_vid, mod_vlan_pcp, strip_vlan, mod_dl_src,
 * mod_dl_dst, mod_nw_src, mod_nw_dst, mod_nw_tos, mod_tp_src, mod_tp_dst,
 * drop (alone).  An empty action list also means drop.
 *
 * Deliberately stricter than ovs-ofctl 3.1 (it silently changes these, we
 * reject them with a message): a field whose prerequisite is missing
 * ("tp_dst=80" without tcp/udp/icmp — ovs drops the field), values that do
 * not fit (dl_vlan=4096, dl_vlan_pcp=8, nw_tos with ECN bits, arp_op>255,
 * enqueue queue >= 2^32, a.b.c.d with a part >255 — ovs truncates), an
 * empty value ("tp_dst="), arguments to argument-less actions
 * ("strip_vlan:1"), icmp_type/icmp_code without icmp, arp_* without arp,
 * dl_vlan_pcp with dl_vlan=0xffff.  Everything that needs Nicira extensions
 * or OpenFlow 1.1+ (masks on dl_src, non-CIDR nw masks, cookie masks,
 * tables other than 0, resubmit, set_queue, ...) is rejected too.
 *
 * Errors: every function returns 0 (or a count) on success and -EINVAL on
 * bad input, writing one line into `err` (NUL-terminated, truncated to
 * `errlen`; `err` may be NULL): the offending field and value and why, e.g.
 * "unknown field 'foo'", "nw_src: '1.2.3' is not an IPv4 address or prefix",
 * "actions: unknown action 'bar'".  Bad input never crashes and never reads
 * past the text.  No allocation; reentrant; any caller.
 */
#ifndef OFP_PARSE_H
#define OFP_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "ofp_types.h"

/* Which ovs-ofctl command's rules apply; the values are the OFPFC_*. */
enum ofp_parse_cmd {
    OFP_PARSE_ADD = OFPFC_ADD,                     /* add-flow(s) */
    OFP_PARSE_MODIFY = OFPFC_MODIFY,               /* mod-flows */
    OFP_PARSE_MODIFY_STRICT = OFPFC_MODIFY_STRICT, /* mod-flows --strict */
    OFP_PARSE_DELETE = OFPFC_DELETE,               /* del-flows */
    OFP_PARSE_DELETE_STRICT = OFPFC_DELETE_STRICT, /* del-flows --strict */
};

/* Parses one flow `text` (NUL-terminated) under `cmd`'s rules into `fm`:
 * command = cmd, match catch-all plus the fields given, priority
 * OFP_DEFAULT_PRIORITY, timeouts 0, cookie 0, buffer_id OFP_NO_BUFFER,
 * out_port OFPP_NONE, flags 0, actions as given (add/mod need `actions=`,
 * del forbids it).  The match comes out in normal form (ofp_match.h).
 * Returns 0, or -EINVAL with a message in `err` (`fm` then unspecified). */
int ofp_parse_flow(const char *text, enum ofp_parse_cmd cmd, struct of_flow_mod *fm,
                   char *err, size_t errlen);

/* Same as ofp_parse_flow() on the `len` bytes at `text` (need not be
 * NUL-terminated; a NUL ends it early). */
int ofp_parse_flow_n(const char *text, size_t len, enum ofp_parse_cmd cmd,
                     struct of_flow_mod *fm, char *err, size_t errlen);

/* Callback for ofp_parse_flows(): `fm` is valid only during the call (it
 * lives on ofp_parse_flows' stack, about 1.6 KiB); `line` is 1-based.
 * `why` (whylen bytes, an empty string on entry) takes the reason when the
 * callback refuses the flow, e.g. "flow table full"; left empty, the
 * reason printed is the errno's name.  Returns 0 to go on, or a negative
 * errno to stop. */
typedef int ofp_parse_flow_cb(const struct of_flow_mod *fm, unsigned line, void *arg,
                              char *why, size_t whylen);

/* Parses a flow file held in `text` (NUL-terminated), as `ovs-ofctl
 * add-flows FILE` does: one flow per line, text from '#' to the end of a
 * line is a comment, blank lines are skipped.  Calls `cb` for each flow in
 * order.  `filename` only labels messages ("FILE:LINE: reason"; NULL reads
 * "-").  Stops at the first bad line (flows before it have been passed to
 * `cb` already: callers that want all-or-nothing run it twice, the first
 * time with a callback that does nothing).
 * Returns the number of flows, -EINVAL with "FILE:LINE: reason" in `err`,
 * or the callback's negative return (with "FILE:LINE: REASON" in `err`,
 * REASON being the callback's `why`). */
int ofp_parse_flows(const char *text, const char *filename, enum ofp_parse_cmd cmd,
                    ofp_parse_flow_cb *cb, void *arg, char *err, size_t errlen);

/* Parses an OpenFlow 1.0 port as ovs-ofctl does: a decimal number 0..65535
 * or a name (IN_PORT TABLE NORMAL FLOOD ALL CONTROLLER LOCAL ANY NONE, any
 * case).  `s` is `len` bytes.  Returns 0 with *port set, or -EINVAL. */
int ofp_parse_port(const char *s, size_t len, uint16_t *port);

#endif /* OFP_PARSE_H */
