/*
 * ofp_encode.h — OpenFlow 1.0 encoders: host-order structs to wire bytes.
 *
 * Every encoder appends one complete message (header included, version
 * 0x01, length filled in) at the tail of a caller-owned struct ofp_buf and
 * returns the number of bytes it appended.  It never writes at or past
 * b->cap: when the message does not fit it returns -ENOSPC and leaves the
 * buffer exactly as it was; a message longer than 65535 bytes is -EMSGSIZE.
 * Several messages may be appended to one buffer; the connection layer
 * sends b->data[0, b->len) as a byte stream.
 *
 * ofp_encode() re-encodes any message ofp_decode() accepted, byte for byte
 * (padding is written as zeros; wildcarded match fields as zeros).  The
 * other functions are what the agent and the controller build messages
 * with.  Long statistics replies are split across several STATS_REPLY
 * messages with OFPSF_REPLY_MORE by struct ofp_stats_writer.
 *
 * Pure: no I/O, no allocation; any caller, any thread (one buffer per
 * thread).
 */
#ifndef OFP_ENCODE_H
#define OFP_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ofp_msg.h"
#include "ofp_types.h"

struct ofp_buf {
    uint8_t *data;
    size_t len; /* bytes used */
    size_t cap; /* bytes available at data */
};

/* Points b at caller memory data[0, cap), empty. */
static inline void ofp_buf_init(struct ofp_buf *b, uint8_t *data, size_t cap)
{
    b->data = data;
    b->len = 0;
    b->cap = cap;
}

/* Re-encodes a decoded message.  Returns the length, -ENOSPC, -EMSGSIZE,
 * or -EINVAL for a type with no encoder (OFPT_VENDOR, unknown types). */
int ofp_encode(struct ofp_buf *b, const struct ofp_msg *m);

/* A header-only message (FEATURES_REQUEST, GET_CONFIG_REQUEST,
 * BARRIER_REQUEST/REPLY, HELLO).  Returns the length or -ENOSPC. */
int ofp_encode_simple(struct ofp_buf *b, uint8_t type, uint32_t xid);

/* HELLO / ECHO_REQUEST / ECHO_REPLY carrying len bytes of data (data NULL
 * means no data).
 * Returns the length, -ENOSPC or -EMSGSIZE. */
int ofp_encode_echo(struct ofp_buf *b, uint8_t type, uint32_t xid, const void *data,
                    size_t len);

/* OFPT_ERROR (type, code) carrying the first min(off_len, 64) bytes of the
 * offending message (offending may be NULL when off_len is 0).  Returns the
 * length or -ENOSPC. */
int ofp_encode_error(struct ofp_buf *b, uint32_t xid, uint16_t type, uint16_t code,
                     const uint8_t *offending, size_t off_len);

/* FEATURES_REPLY with n_ports port descriptions.  Returns the length,
 * -ENOSPC or -EMSGSIZE. */
int ofp_encode_features_reply(struct ofp_buf *b, uint32_t xid, const struct ofp_features *f,
                              const struct ofp_port_desc *ports, size_t n_ports);

/* GET_CONFIG_REPLY or SET_CONFIG (type).  Returns the length or -ENOSPC. */
int ofp_encode_config(struct ofp_buf *b, uint8_t type, uint32_t xid, uint16_t flags,
                      uint16_t miss_send_len);

/* PORT_STATUS (reason OFPPR_*).  Returns the length or -ENOSPC. */
int ofp_encode_port_status(struct ofp_buf *b, uint32_t xid, uint8_t reason,
                           const struct ofp_port_desc *desc);

/* PORT_MOD.  Returns the length or -ENOSPC. */
int ofp_encode_port_mod(struct ofp_buf *b, uint32_t xid, const struct ofp_port_mod_msg *pm);

/* QUEUE_GET_CONFIG_REQUEST for `port`.  Returns the length or -ENOSPC. */
int ofp_encode_queue_get_config_request(struct ofp_buf *b, uint32_t xid, uint16_t port);

/* QUEUE_GET_CONFIG_REPLY for `port` with n queues (an OFPQT_NONE property
 * is an 8-byte header, every other one a 16-byte rate property).
 * Returns the length, -ENOSPC or -EMSGSIZE. */
int ofp_encode_queue_get_config_reply(struct ofp_buf *b, uint32_t xid, uint16_t port,
                                      const struct ofp_queue_desc *q, size_t n);

/* ---- flows (ofp_encode_flow.c) ---- */

/* FLOW_MOD.  Returns the length, -ENOSPC or -EMSGSIZE. */
int ofp_encode_flow_mod(struct ofp_buf *b, uint32_t xid, const struct of_flow_mod *fm);

/* PACKET_OUT with actions and data.  Returns the length, -ENOSPC or -EMSGSIZE. */
int ofp_encode_packet_out(struct ofp_buf *b, uint32_t xid, const struct ofp_packet_out_msg *po);

/* PACKET_IN with pi->data (the caller has cut it to miss_send_len or the
 * action's max_len).  Returns the length, -ENOSPC or -EMSGSIZE. */
int ofp_encode_packet_in(struct ofp_buf *b, uint32_t xid, const struct ofp_packet_in_msg *pi);

/* FLOW_REMOVED.  Returns the length or -ENOSPC. */
int ofp_encode_flow_removed(struct ofp_buf *b, uint32_t xid,
                            const struct ofp_flow_removed_msg *fr);

/* ---- statistics (ofp_encode_stats.c) ---- */

/* STATS_REQUEST of r->type (DESC, FLOW, AGGREGATE, TABLE, PORT, QUEUE).
 * Returns the length, -ENOSPC, or -EINVAL for another type. */
int ofp_encode_stats_request(struct ofp_buf *b, uint32_t xid,
                             const struct ofp_stats_request_msg *r);

/* OFPST_DESC / OFPST_AGGREGATE replies (flags 0).  Return the length or -ENOSPC. */
int ofp_encode_desc_stats_reply(struct ofp_buf *b, uint32_t xid, const struct ofp_desc_info *d);
int ofp_encode_aggregate_stats_reply(struct ofp_buf *b, uint32_t xid,
                                     const struct ofp_aggregate_info *a);

/* Builds the reply to one statistics request whose body is a list (FLOW,
 * TABLE, PORT, QUEUE): init, add entries one by one, finish.  When the next
 * entry would make the current STATS_REPLY longer than max_len, the current
 * one gets OFPSF_REPLY_MORE and a new one (same xid) is started, so a reply
 * of any size goes out as several messages, the last without REPLY_MORE.
 * A reply with no entries is one empty STATS_REPLY.  final_flags (0 after
 * init) are the flags of the last message.  The writer only appends to b. */
struct ofp_stats_writer {
    struct ofp_buf *b;
    uint32_t xid;
    uint16_t type;
    uint16_t final_flags;
    size_t max_len;   /* per message, 12 + largest entry .. 65535 */
    size_t start;     /* b->len when init was called */
    size_t cur;       /* offset of the open message, or SIZE_MAX */
    unsigned n_msgs;  /* messages started so far */
};

/* Starts a reply of `type` with `xid`; max_len 0 or > 65535 means 65535.
 * Writes nothing yet.  Returns nothing. */
void ofp_stats_writer_init(struct ofp_stats_writer *w, struct ofp_buf *b, uint32_t xid,
                           uint16_t type, size_t max_len);

/* Each appends one entry (of the writer's type; another type is -EINVAL).
 * Returns 0, or -ENOSPC with b as it was before the call, or -EMSGSIZE
 * when the entry cannot fit in max_len at all. */
int ofp_stats_add_flow(struct ofp_stats_writer *w, const struct ofp_flow_stats_entry *e);
int ofp_stats_add_table(struct ofp_stats_writer *w, const struct ofp_table_stats_entry *e);
int ofp_stats_add_port(struct ofp_stats_writer *w, const struct ofp_port_stats_entry *e);
int ofp_stats_add_queue(struct ofp_stats_writer *w, const struct ofp_queue_stats_entry *e);

/* Closes the reply (emits the empty message if nothing was added; sets
 * final_flags on the last).  Returns the total bytes the writer appended
 * (all messages) or -ENOSPC. */
int ofp_stats_writer_finish(struct ofp_stats_writer *w);

#endif /* OFP_ENCODE_H */
