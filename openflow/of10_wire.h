/*
 * of10_wire.h — OpenFlow 1.0.0 wire structures, exactly as the spec lays them out.
 *
 * Every message and sub-structure of wire protocol 0x01 under the
 * specification's name (struct ofp_header, ofp_phy_port, ofp_match, ...),
 * with the spec's explicit padding, packed, and a _Static_assert on each size
 * as the spec's OFP_ASSERT gives it.  Multi-byte fields are big-endian
 * (be16/be32/be64 from os/byteorder.h) and are converted to host order only
 * in the codec (ofp_decode*.c / ofp_encode*.c); nobody else touches these.
 *
 * Access pattern: never cast a pointer into a received buffer to one of
 * these (the buffer may be short or misaligned); memcpy sizeof(struct) bytes
 * into a local after checking the length, then read fields.  Variable-length
 * tails (actions, packet data, ports, stats entries, queue properties)
 * follow the fixed part and are not members here, except where the spec's
 * own struct ends in a flexible array.
 *
 * Pure definitions; any caller in openflow/.
 */
#ifndef OF10_WIRE_H
#define OF10_WIRE_H

#include <stdint.h>

#include "os/byteorder.h"

#include "of10.h"

#define OFP_PACKED __attribute__((packed))
#define OFP_WIRE_ASSERT(NAME, SIZE) \
    _Static_assert(sizeof(struct NAME) == (SIZE), #NAME " has the spec's size")

struct ofp_header {
    uint8_t version;
    uint8_t type;
    be16 length;
    be32 xid;
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_header, 8);

struct ofp_phy_port {
    be16 port_no;
    uint8_t hw_addr[OFP_ETH_ALEN];
    char name[OFP_MAX_PORT_NAME_LEN];
    be32 config;
    be32 state;
    be32 curr;
    be32 advertised;
    be32 supported;
    be32 peer;
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_phy_port, 48);

struct ofp_match {
    be32 wildcards;
    be16 in_port;
    uint8_t dl_src[OFP_ETH_ALEN];
    uint8_t dl_dst[OFP_ETH_ALEN];
    be16 dl_vlan;
    uint8_t dl_vlan_pcp;
    uint8_t pad1[1];
    be16 dl_type;
    uint8_t nw_tos;
    uint8_t nw_proto;
    uint8_t pad2[2];
    be32 nw_src;
    be32 nw_dst;
    be16 tp_src;
    be16 tp_dst;
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_match, 40);

/* ---- actions ---- */

struct ofp_action_header {
    be16 type;
    be16 len;
    uint8_t pad[4];
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_action_header, 8);

struct ofp_action_output {
    be16 type;
    be16 len;
    be16 port;
    be16 max_len;
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_action_output, 8);

struct ofp_action_vlan_vid {
    be16 type;
    be16 len;
    be16 vlan_vid;
    uint8_t pad[2];
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_action_vlan_vid, 8);

struct ofp_action_vlan_pcp {
    be16 type;
    be16 len;
    uint8_t vlan_pcp;
    uint8_t pad[3];
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_action_vlan_pcp, 8);

struct ofp_action_dl_addr {
    be16 type;
    be16 len;
    uint8_t dl_addr[OFP_ETH_ALEN];
    uint8_t pad[6];
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_action_dl_addr, 16);

struct ofp_action_nw_addr {
    be16 type;
    be16 len;
    be32 nw_addr;
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_action_nw_addr, 8);

struct ofp_action_nw_tos {
    be16 type;
    be16 len;
    uint8_t nw_tos;
    uint8_t pad[3];
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_action_nw_tos, 8);

struct ofp_action_tp_port {
    be16 type;
    be16 len;
    be16 tp_port;
    uint8_t pad[2];
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_action_tp_port, 8);

struct ofp_action_enqueue {
    be16 type;
    be16 len;
    be16 port;
    uint8_t pad[6];
    be32 queue_id;
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_action_enqueue, 16);

struct ofp_action_vendor_header {
    be16 type;
    be16 len;
    be32 vendor;
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_action_vendor_header, 8);

/* ---- symmetric / controller-to-switch ---- */

struct ofp_switch_features {
    struct ofp_header header;
    be64 datapath_id;
    be32 n_buffers;
    uint8_t n_tables;
    uint8_t pad[3];
    be32 capabilities;
    be32 actions;
    /* struct ofp_phy_port ports[]; */
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_switch_features, 32);

struct ofp_switch_config {
    struct ofp_header header;
    be16 flags;
    be16 miss_send_len;
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_switch_config, 12);

struct ofp_flow_mod {
    struct ofp_header header;
    struct ofp_match match;
    be64 cookie;
    be16 command;
    be16 idle_timeout;
    be16 hard_timeout;
    be16 priority;
    be32 buffer_id;
    be16 out_port;
    be16 flags;
    /* struct ofp_action_header actions[]; */
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_flow_mod, 72);

struct ofp_port_mod {
    struct ofp_header header;
    be16 port_no;
    uint8_t hw_addr[OFP_ETH_ALEN];
    be32 config;
    be32 mask;
    be32 advertise;
    uint8_t pad[4];
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_port_mod, 32);

/* The spec's struct is 20 bytes (two pad bytes so data[] is aligned) but the
 * packet data starts at offset 18: OFP_PACKET_IN_DATA_OFFSET. */
struct ofp_packet_in {
    struct ofp_header header;
    be32 buffer_id;
    be16 total_len;
    be16 in_port;
    uint8_t reason;
    uint8_t pad;
    /* uint8_t data[]; from offset 18 */
    uint8_t data_align_[2];
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_packet_in, 20);
#define OFP_PACKET_IN_DATA_OFFSET 18

struct ofp_packet_out {
    struct ofp_header header;
    be32 buffer_id;
    be16 in_port;
    be16 actions_len;
    /* struct ofp_action_header actions[]; then uint8_t data[]; */
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_packet_out, 16);

struct ofp_flow_removed {
    struct ofp_header header;
    struct ofp_match match;
    be64 cookie;
    be16 priority;
    uint8_t reason;
    uint8_t pad[1];
    be32 duration_sec;
    be32 duration_nsec;
    be16 idle_timeout;
    uint8_t pad2[2];
    be64 packet_count;
    be64 byte_count;
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_flow_removed, 88);

struct ofp_port_status {
    struct ofp_header header;
    uint8_t reason;
    uint8_t pad[7];
    struct ofp_phy_port desc;
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_port_status, 64);

struct ofp_error_msg {
    struct ofp_header header;
    be16 type;
    be16 code;
    /* uint8_t data[]; */
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_error_msg, 12);

struct ofp_vendor_header {
    struct ofp_header header;
    be32 vendor;
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_vendor_header, 12);

/* ---- statistics ---- */

struct ofp_stats_request {
    struct ofp_header header;
    be16 type;
    be16 flags;
    /* uint8_t body[]; */
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_stats_request, 12);

struct ofp_stats_reply {
    struct ofp_header header;
    be16 type;
    be16 flags;
    /* uint8_t body[]; */
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_stats_reply, 12);

struct ofp_desc_stats {
    char mfr_desc[DESC_STR_LEN];
    char hw_desc[DESC_STR_LEN];
    char sw_desc[DESC_STR_LEN];
    char serial_num[SERIAL_NUM_LEN];
    char dp_desc[DESC_STR_LEN];
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_desc_stats, 1056);

struct ofp_flow_stats_request {
    struct ofp_match match;
    uint8_t table_id;
    uint8_t pad;
    be16 out_port;
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_flow_stats_request, 44);

struct ofp_flow_stats {
    be16 length;
    uint8_t table_id;
    uint8_t pad;
    struct ofp_match match;
    be32 duration_sec;
    be32 duration_nsec;
    be16 priority;
    be16 idle_timeout;
    be16 hard_timeout;
    uint8_t pad2[6];
    be64 cookie;
    be64 packet_count;
    be64 byte_count;
    /* struct ofp_action_header actions[]; */
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_flow_stats, 88);

struct ofp_aggregate_stats_request {
    struct ofp_match match;
    uint8_t table_id;
    uint8_t pad;
    be16 out_port;
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_aggregate_stats_request, 44);

struct ofp_aggregate_stats_reply {
    be64 packet_count;
    be64 byte_count;
    be32 flow_count;
    uint8_t pad[4];
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_aggregate_stats_reply, 24);

struct ofp_table_stats {
    uint8_t table_id;
    uint8_t pad[3];
    char name[OFP_MAX_TABLE_NAME_LEN];
    be32 wildcards;
    be32 max_entries;
    be32 active_count;
    be64 lookup_count;
    be64 matched_count;
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_table_stats, 64);

struct ofp_port_stats_request {
    be16 port_no;
    uint8_t pad[6];
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_port_stats_request, 8);

struct ofp_port_stats {
    be16 port_no;
    uint8_t pad[6];
    be64 rx_packets;
    be64 tx_packets;
    be64 rx_bytes;
    be64 tx_bytes;
    be64 rx_dropped;
    be64 tx_dropped;
    be64 rx_errors;
    be64 tx_errors;
    be64 rx_frame_err;
    be64 rx_over_err;
    be64 rx_crc_err;
    be64 collisions;
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_port_stats, 104);

struct ofp_queue_stats_request {
    be16 port_no;
    uint8_t pad[2];
    be32 queue_id;
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_queue_stats_request, 8);

struct ofp_queue_stats {
    be16 port_no;
    uint8_t pad[2];
    be32 queue_id;
    be64 tx_bytes;
    be64 tx_packets;
    be64 tx_errors;
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_queue_stats, 32);

/* ---- queue configuration ---- */

struct ofp_queue_get_config_request {
    struct ofp_header header;
    be16 port;
    uint8_t pad[2];
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_queue_get_config_request, 12);

struct ofp_queue_get_config_reply {
    struct ofp_header header;
    be16 port;
    uint8_t pad[6];
    /* struct ofp_packet_queue queues[]; */
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_queue_get_config_reply, 16);

struct ofp_packet_queue {
    be32 queue_id;
    be16 len;
    uint8_t pad[2];
    /* struct ofp_queue_prop_header properties[]; */
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_packet_queue, 8);

struct ofp_queue_prop_header {
    be16 property;
    be16 len;
    uint8_t pad[4];
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_queue_prop_header, 8);

struct ofp_queue_prop_min_rate {
    struct ofp_queue_prop_header prop_header;
    be16 rate;
    uint8_t pad[6];
} OFP_PACKED;
OFP_WIRE_ASSERT(ofp_queue_prop_min_rate, 16);

#endif /* OF10_WIRE_H */
