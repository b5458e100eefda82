/*
 * dp_action.h — datapath actions.
 *
 * The datapath's own form of an action list: a small array of fixed-size
 * `struct dp_action`, executed in order.  The OpenFlow agent (switch/)
 * translates OFPAT_* wire actions into this form after validating them, so
 * by the time a list reaches the datapath every port number and argument is
 * known to be acceptable: execution never fails on a bad argument (it counts
 * and drops where a port has vanished since).
 *
 * Port numbers are OpenFlow 1.0's (physical ports 1..DP_PORT_MAX, and the
 * reserved DP_PORT_* values below with the same numbers as OFPP_*).
 *
 * Execution semantics (OpenFlow 1.0 section 4.x):
 *  - actions apply in order; an OUTPUT sends the frame as modified so far;
 *  - several outputs share one buffer by reference, and a rewrite after an
 *    output copies the buffer first (copy-on-write, pkt_make_writable);
 *  - an empty list drops the packet;
 *  - IPv4 and TCP/UDP checksums are updated incrementally on every rewrite
 *    (RFC 1624); UDP checksum 0 stays 0; ICMP has no pseudo-header;
 *  - SET_VLAN_VID/PCP push a tag when the frame has none (PCP/VID 0).
 */
#ifndef DP_ACTION_H
#define DP_ACTION_H

#include <stdint.h>

/* Reserved port numbers (identical to OpenFlow 1.0 OFPP_*). */
enum {
    DP_PORT_MAX = 0xff00,
    DP_PORT_IN_PORT = 0xfff8,
    DP_PORT_TABLE = 0xfff9,
    DP_PORT_NORMAL = 0xfffa,
    DP_PORT_FLOOD = 0xfffb,
    DP_PORT_ALL = 0xfffc,
    DP_PORT_CONTROLLER = 0xfffd,
    DP_PORT_LOCAL = 0xfffe,
    DP_PORT_NONE = 0xffff,
};

enum dp_action_type {
    DP_ACT_OUTPUT,       /* u.output */
    DP_ACT_SET_VLAN_VID, /* u.vid (12 bits) */
    DP_ACT_SET_VLAN_PCP, /* u.pcp (3 bits) */
    DP_ACT_STRIP_VLAN,
    DP_ACT_SET_DL_SRC,   /* u.mac */
    DP_ACT_SET_DL_DST,   /* u.mac */
    DP_ACT_SET_NW_SRC,   /* u.ipv4, host order */
    DP_ACT_SET_NW_DST,   /* u.ipv4, host order */
    DP_ACT_SET_NW_TOS,   /* u.tos (DSCP bits; ECN bits of the frame kept) */
    DP_ACT_SET_TP_SRC,   /* u.tp, host order */
    DP_ACT_SET_TP_DST,   /* u.tp, host order */
    DP_ACT_ENQUEUE,      /* u.enqueue: output to a port's queue */
};

struct dp_action {
    uint16_t type; /* enum dp_action_type */
    union {
        struct {
            uint16_t port;    /* port number or DP_PORT_* */
            uint16_t max_len; /* bytes sent to the controller (CONTROLLER) */
        } output;
        struct {
            uint16_t port;
            uint32_t queue_id;
        } enqueue;
        uint16_t vid;
        uint8_t pcp;
        uint8_t mac[6];
        uint32_t ipv4;
        uint8_t tos;
        uint16_t tp;
    } u;
};

#endif /* DP_ACTION_H */
