/*
 * ofp_msg.h — one OpenFlow 1.0 message, decoded and validated, in host order.
 *
 * ofp_decode() turns the bytes of exactly one message (the connection layer
 * frames them: len == header.length) into a struct ofp_msg: the header
 * fields plus a union of per-type bodies, selected by msg->type.  It
 * validates everything a switch must check syntactically before acting and,
 * on failure, says which OpenFlow 1.0 error the switch must send back
 * (struct ofp_err; OFPET_* / OFP*C_* from of10.h).  Semantic checks that
 * need switch state are NOT done here: port existence (OFPBAC_BAD_OUT_PORT,
 * OFPPMFC_BAD_PORT), buffer ids, table space, overlaps — the agent does those.
 *
 * Every message type decodes, including those only a switch sends
 * (FEATURES_REPLY, PACKET_IN, FLOW_REMOVED, PORT_STATUS, STATS_REPLY, ...),
 * so the controller library and the tests use the same code.  Refused on
 * purpose: OFPT_VENDOR and OFPST_VENDOR (OFPBRC_BAD_VENDOR) and vendor
 * actions (OFPBAC_BAD_VENDOR): Sluice implements no vendor extension, and
 * ovs-ofctl only falls back to standard OpenFlow 1.0 when refused.  HELLO
 * decodes whatever its version (negotiation is the agent's); any other
 * message whose version is not 0x01 is OFPBRC_BAD_VERSION.
 *
 * Lifetime: variable-length parts (echo payload, packet data, error data,
 * lists of ports / stats entries / queues) are NOT copied: struct ofp_bytes
 * points into the input buffer, so a decoded message is valid only while
 * the buffer it was decoded from is.  Lists are read through the getters
 * and iterators below; they were fully validated by ofp_decode(), so they
 * cannot fail on a message that decoded.
 *
 * Never reads outside buf[0, len) whatever the length fields say; rejects
 * rather than guesses.  Pure: no I/O, no allocation; any caller, any thread.
 * The encoders are in ofp_encode.h, the one-line printer in ofp_msg_print.h.
 */
#ifndef OFP_MSG_H
#define OFP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "of10.h"
#include "ofp_types.h"

#define OFP_HEADER_LEN 8
#define OFP_MAX_MSG_LEN 65535
#define OFP_ERROR_DATA_MAX 64   /* bytes of the offending message an error carries */
#define OFP_MAX_QUEUE_PROPS 8   /* properties per queue we decode; more is BAD_LEN */

/* The OpenFlow error a rejected message must be answered with. */
struct ofp_err {
    uint16_t type; /* OFPET_* */
    uint16_t code; /* OFPBRC_*, OFPBAC_*, OFPFMFC_*, ... */
};

/* Bytes inside the decoded input buffer (not a copy). */
struct ofp_bytes {
    const uint8_t *data;
    size_t len;
};

/* struct ofp_phy_port in host order.  name holds the 16 wire bytes
 * unchanged plus a terminating NUL at [16], so it is always a C string and
 * re-encodes byte for byte. */
struct ofp_port_desc {
    uint16_t port_no;
    uint8_t hw_addr[OFP_ETH_ALEN];
    char name[OFP_MAX_PORT_NAME_LEN + 1];
    uint32_t config;     /* OFPPC_* */
    uint32_t state;      /* OFPPS_* */
    uint32_t curr;       /* OFPPF_* */
    uint32_t advertised;
    uint32_t supported;
    uint32_t peer;
};

/* The fixed part of FEATURES_REPLY. */
struct ofp_features {
    uint64_t datapath_id;
    uint32_t n_buffers;
    uint8_t n_tables;
    uint32_t capabilities; /* OFPC_* */
    uint32_t actions;      /* 1 << OFPAT_* */
};

struct ofp_packet_in_msg {
    uint32_t buffer_id;
    uint16_t total_len;
    uint16_t in_port;
    uint8_t reason;        /* OFPR_* */
    struct ofp_bytes data;
};

struct ofp_flow_removed_msg {
    struct of_match match;
    uint64_t cookie;
    uint16_t priority;
    uint8_t reason;        /* OFPRR_* */
    uint32_t duration_sec;
    uint32_t duration_nsec;
    uint16_t idle_timeout;
    uint64_t packet_count;
    uint64_t byte_count;
};

struct ofp_packet_out_msg {
    uint32_t buffer_id;
    uint16_t in_port;
    uint16_t n_actions;
    struct of_action actions[OF_MAX_ACTIONS];
    struct ofp_bytes data;
};

struct ofp_port_mod_msg {
    uint16_t port_no;
    uint8_t hw_addr[OFP_ETH_ALEN];
    uint32_t config;
    uint32_t mask;
    uint32_t advertise;
};

/* OFPST_FLOW and OFPST_AGGREGATE request body. */
struct ofp_flow_stats_req {
    struct of_match match;
    uint8_t table_id;      /* 0xff = all tables */
    uint16_t out_port;     /* OFPP_NONE = any */
};

struct ofp_stats_request_msg {
    uint16_t type;         /* OFPST_* */
    uint16_t flags;
    union {
        struct ofp_flow_stats_req flow;   /* OFPST_FLOW, OFPST_AGGREGATE */
        uint16_t port_no;                 /* OFPST_PORT */
        struct {
            uint16_t port_no;
            uint32_t queue_id;
        } queue;                          /* OFPST_QUEUE */
    } u;
};

/* OFPST_DESC reply; each string: the wire bytes plus a NUL. */
struct ofp_desc_info {
    char mfr_desc[DESC_STR_LEN + 1];
    char hw_desc[DESC_STR_LEN + 1];
    char sw_desc[DESC_STR_LEN + 1];
    char serial_num[SERIAL_NUM_LEN + 1];
    char dp_desc[DESC_STR_LEN + 1];
};

struct ofp_aggregate_info {
    uint64_t packet_count;
    uint64_t byte_count;
    uint32_t flow_count;
};

struct ofp_flow_stats_entry {
    uint8_t table_id;
    struct of_match match;
    uint32_t duration_sec;
    uint32_t duration_nsec;
    uint16_t priority;
    uint16_t idle_timeout;
    uint16_t hard_timeout;
    uint64_t cookie;
    uint64_t packet_count;
    uint64_t byte_count;
    uint16_t n_actions;
    struct of_action actions[OF_MAX_ACTIONS];
};

struct ofp_table_stats_entry {
    uint8_t table_id;
    char name[OFP_MAX_TABLE_NAME_LEN + 1];
    uint32_t wildcards;
    uint32_t max_entries;
    uint32_t active_count;
    uint64_t lookup_count;
    uint64_t matched_count;
};

struct ofp_port_stats_entry {
    uint16_t port_no;
    uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
    uint64_t rx_dropped, tx_dropped, rx_errors, tx_errors;
    uint64_t rx_frame_err, rx_over_err, rx_crc_err, collisions;
};

struct ofp_queue_stats_entry {
    uint16_t port_no;
    uint32_t queue_id;
    uint64_t tx_bytes;
    uint64_t tx_packets;
    uint64_t tx_errors;
};

struct ofp_stats_reply_msg {
    uint16_t type;         /* OFPST_* */
    uint16_t flags;        /* OFPSF_REPLY_MORE */
    struct ofp_bytes body; /* the entries (FLOW, TABLE, PORT, QUEUE) */
    size_t n_entries;      /* how many entries body holds */
    union {
        struct ofp_desc_info desc;           /* OFPST_DESC */
        struct ofp_aggregate_info aggregate; /* OFPST_AGGREGATE */
    } u;
};

/* One queue of QUEUE_GET_CONFIG_REPLY with its properties. */
struct ofp_queue_desc {
    uint32_t queue_id;
    uint16_t n_props;
    struct {
        uint16_t property; /* OFPQT_NONE, OFPQT_MIN_RATE, or another rate
                            * property as Open vSwitch sends (2 = MAX_RATE) */
        uint16_t rate;     /* rate properties: 1/10 of a percent; > 1000 = disabled */
    } props[OFP_MAX_QUEUE_PROPS];
};

struct ofp_msg {
    uint8_t version;
    uint8_t type;          /* OFPT_*: selects the member of u */
    uint16_t length;
    uint32_t xid;
    union {
        /* HELLO, ECHO_REQUEST, ECHO_REPLY: the bytes after the header
         * (empty for FEATURES_REQUEST, GET_CONFIG_REQUEST, BARRIER_*). */
        struct ofp_bytes data;
        struct {
            uint16_t type;
            uint16_t code;
            struct ofp_bytes data;
        } error;
        struct {
            struct ofp_features f;
            struct ofp_bytes ports; /* n_ports wire ofp_phy_port */
            size_t n_ports;
        } features;
        struct {
            uint16_t flags;         /* OFPC_FRAG_* */
            uint16_t miss_send_len;
        } config;                   /* GET_CONFIG_REPLY, SET_CONFIG */
        struct ofp_packet_in_msg packet_in;
        struct ofp_flow_removed_msg flow_removed;
        struct {
            uint8_t reason;         /* OFPPR_* */
            struct ofp_port_desc desc;
        } port_status;
        struct ofp_packet_out_msg packet_out;
        struct of_flow_mod flow_mod;
        struct ofp_port_mod_msg port_mod;
        struct ofp_stats_request_msg stats_request;
        struct ofp_stats_reply_msg stats_reply;
        struct {
            uint16_t port;
        } queue_config_request;
        struct {
            uint16_t port;
            struct ofp_bytes queues; /* n_queues wire ofp_packet_queue */
            size_t n_queues;
        } queue_config_reply;
    } u;
};

/* Decodes and validates the one message in buf[0, len).  Returns 0 with
 * *msg filled, or -EPROTO with *err set to the error to send (msg is then
 * unspecified).  See the top of this file for what is checked. */
int ofp_decode(const uint8_t *buf, size_t len, struct ofp_msg *msg, struct ofp_err *err);

/* Returns the name of an OFPT_* type ("OFPT_FLOW_MOD"), or "OFPT_UNKNOWN". */
const char *ofp_type_name(uint8_t type);

/* List getters for a message that ofp_decode() accepted.  Each fills *out
 * and returns true, or returns false when i is past the end or the message
 * has no such list. */
bool ofp_msg_port_at(const struct ofp_msg *m, size_t i, struct ofp_port_desc *out);
bool ofp_msg_table_stats_at(const struct ofp_msg *m, size_t i,
                            struct ofp_table_stats_entry *out);
bool ofp_msg_port_stats_at(const struct ofp_msg *m, size_t i,
                           struct ofp_port_stats_entry *out);
bool ofp_msg_queue_stats_at(const struct ofp_msg *m, size_t i,
                            struct ofp_queue_stats_entry *out);

/* Walks the variable-length entries of an OFPST_FLOW reply or a
 * QUEUE_GET_CONFIG_REPLY.  Init from a decoded message; each next call fills
 * *out and returns true, or returns false at the end. */
struct ofp_iter {
    const uint8_t *p;
    size_t left;
};
void ofp_flow_stats_iter_init(struct ofp_iter *it, const struct ofp_msg *m);
bool ofp_flow_stats_next(struct ofp_iter *it, struct ofp_flow_stats_entry *out);
void ofp_queue_iter_init(struct ofp_iter *it, const struct ofp_msg *m);
bool ofp_queue_next(struct ofp_iter *it, struct ofp_queue_desc *out);

#endif /* OFP_MSG_H */
