/*
 * ofp_types.h — OpenFlow 1.0 messages in decoded, host-order form.
 *
 * The codec (ofp_decode/ofp_encode) converts between these structs and the
 * wire; the flow-syntax parser (ofp_parse.h) produces them from
 * `ovs-ofctl add-flow` text; the printer renders them.  The switch agent and
 * the controller work only with these, never with wire structs, so byte
 * order is converted in exactly one place.
 *
 * Invariants: every integer is in host order; a decoded struct has passed
 * validation (lengths, argument ranges); `of_match.wildcards` keeps the wire
 * bits exactly (including the nw_src/nw_dst prefix fields), and fields that
 * are wildcarded are zero.  Pure data; any caller.
 */
#ifndef OFP_TYPES_H
#define OFP_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "of10.h"

#define OF_MAX_ACTIONS 128 /* more in one message is OFPBAC_TOO_MANY */

struct of_match {
    uint32_t wildcards;   /* OFPFW_* */
    uint16_t in_port;
    uint8_t dl_src[6];
    uint8_t dl_dst[6];
    uint16_t dl_vlan;     /* VID or OFP_VLAN_NONE */
    uint8_t dl_vlan_pcp;
    uint16_t dl_type;
    uint8_t nw_tos;       /* DSCP bits (upper six) */
    uint8_t nw_proto;
    uint32_t nw_src;
    uint32_t nw_dst;
    uint16_t tp_src;
    uint16_t tp_dst;
};

struct of_action {
    uint16_t type; /* OFPAT_* */
    union {
        struct {
            uint16_t port;
            uint16_t max_len;
        } output;
        struct {
            uint16_t port;
            uint32_t queue_id;
        } enqueue;
        uint16_t vlan_vid;
        uint8_t vlan_pcp;
        uint8_t dl_addr[6];
        uint32_t nw_addr;
        uint8_t nw_tos;
        uint16_t tp_port;
        uint32_t vendor;
    } u;
};

struct of_flow_mod {
    struct of_match match;
    uint64_t cookie;
    uint16_t command;       /* OFPFC_* */
    uint16_t idle_timeout;
    uint16_t hard_timeout;
    uint16_t priority;
    uint32_t buffer_id;     /* OFP_NO_BUFFER when none */
    uint16_t out_port;      /* OFPP_NONE when none */
    uint16_t flags;         /* OFPFF_* */
    uint16_t n_actions;
    struct of_action actions[OF_MAX_ACTIONS];
};

#endif /* OFP_TYPES_H */
