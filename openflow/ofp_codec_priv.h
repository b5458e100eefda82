/*
 * ofp_codec_priv.h — helpers shared by the OpenFlow 1.0 codec's files only
 * (ofp_decode*.c, ofp_encode*.c).  Not a public interface: everything else
 * uses ofp_msg.h and ofp_encode.h.
 *
 * The *_from_wire helpers read a structure whose full size the caller has
 * already checked is present; the *_to_wire helpers write into space the
 * caller has already reserved.  Pure.
 */
#ifndef OFP_CODEC_PRIV_H
#define OFP_CODEC_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "of10_wire.h"
#include "ofp_encode.h"
#include "ofp_msg.h"

/* Sets *err to (type, code).  Returns -EPROTO, for `return ofp_fail(...)`. */
int ofp_fail(struct ofp_err *err, uint16_t type, uint16_t code);

/* Returns -EPROTO with OFPET_BAD_REQUEST / OFPBRC_BAD_LEN. */
int ofp_fail_len(struct ofp_err *err);

/* struct ofp_match (40 bytes at p) <-> struct of_match.  Decoding zeroes
 * the fields the wildcards cover (and nw_src/nw_dst bits outside the
 * prefix) and keeps the wildcard bits exactly. */
void ofp_match_from_wire(const uint8_t *p, struct of_match *m);
void ofp_match_to_wire(const struct of_match *m, uint8_t *p);

/* Decodes and validates the action list p[0, len).  Returns 0 with
 * a[0..*n) filled, or -EPROTO with *err set (OFPET_BAD_ACTION / ...). */
int ofp_actions_from_wire(const uint8_t *p, size_t len, struct of_action *a,
                          uint16_t *n, struct ofp_err *err);

/* Returns the wire length of the n actions (an action of unknown type
 * counts as an 8-byte header, which is how it is encoded). */
size_t ofp_actions_wire_len(const struct of_action *a, unsigned n);

/* Writes the n actions at p (ofp_actions_wire_len bytes). */
void ofp_actions_to_wire(const struct of_action *a, unsigned n, uint8_t *p);

/* struct ofp_phy_port (48 bytes at p) <-> struct ofp_port_desc. */
void ofp_phy_port_from_wire(const uint8_t *p, struct ofp_port_desc *d);
void ofp_phy_port_to_wire(const struct ofp_port_desc *d, uint8_t *p);

/* Body decoders called by ofp_decode() once the header is checked (version,
 * length == len).  Each returns 0 or -EPROTO with *err set. */
int ofp_decode_flow_mod(const uint8_t *buf, size_t len, struct ofp_msg *m, struct ofp_err *err);
int ofp_decode_packet_out(const uint8_t *buf, size_t len, struct ofp_msg *m, struct ofp_err *err);
int ofp_decode_packet_in(const uint8_t *buf, size_t len, struct ofp_msg *m, struct ofp_err *err);
int ofp_decode_flow_removed(const uint8_t *buf, size_t len, struct ofp_msg *m, struct ofp_err *err);
int ofp_decode_stats_request(const uint8_t *buf, size_t len, struct ofp_msg *m, struct ofp_err *err);
int ofp_decode_stats_reply(const uint8_t *buf, size_t len, struct ofp_msg *m, struct ofp_err *err);

/* Copies n wire bytes into dst and NUL-terminates it (dst has n + 1). */
void ofp_copy_wire_str(char *dst, const void *src, size_t n);

/* Starts a message of total length n at b's tail: checks room (n <= 65535
 * else -EMSGSIZE; n <= cap - len else -ENOSPC, b untouched), zeroes the n
 * bytes, writes the header (version 0x01) and advances b->len by n.
 * Returns 0 with *out pointing at the message, or the negative errno. */
int ofp_put_msg(struct ofp_buf *b, uint8_t type, uint32_t xid, size_t n, uint8_t **out);

/* Writes one entry of each statistics type at p (sizes: 88 + actions, 64,
 * 104, 32). */
void ofp_flow_stats_to_wire(const struct ofp_flow_stats_entry *e, uint8_t *p, size_t len);
void ofp_table_stats_to_wire(const struct ofp_table_stats_entry *e, uint8_t *p);
void ofp_port_stats_to_wire(const struct ofp_port_stats_entry *e, uint8_t *p);
void ofp_queue_stats_to_wire(const struct ofp_queue_stats_entry *e, uint8_t *p);

/* Re-encodes a decoded STATS_REPLY (one message, same flags).  Returns the
 * length or a negative errno. */
int ofp_reencode_stats_reply(struct ofp_buf *b, const struct ofp_msg *m);

#endif /* OFP_CODEC_PRIV_H */
