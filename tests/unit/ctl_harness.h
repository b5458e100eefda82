/*
 * ctl_harness.h — test helper for the controller library: a send callback
 * that records every message the controller sends (decoded), and builders
 * for the messages a switch sends (FEATURES_REPLY, PACKET_IN, PORT_STATUS)
 * and for frames.  Linked into every unit test binary; names are prefixed
 * cth_.  Hosted test code only.
 */
#ifndef CTL_HARNESS_H
#define CTL_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "controller/ctl.h"
#include "openflow/ofp_msg.h"

#define CTH_MAX_MSGS 64

/* Everything the controller sent, in order. */
struct cth_sent {
    size_t n;
    uint8_t raw[CTH_MAX_MSGS][2048];
    size_t len[CTH_MAX_MSGS];
    struct ofp_msg msg[CTH_MAX_MSGS]; /* decoded from raw */
};

extern struct cth_sent cth_sent;

/* The ctl_send_fn that records into cth_sent.  Returns 0. */
int cth_send(void *handle, const void *msg, size_t len);

/* Forgets what was recorded.  Returns nothing. */
void cth_reset(void);

/* Returns how many recorded messages have OFPT_ type `type`. */
size_t cth_count(uint8_t type);

/* Returns the i-th recorded message of `type`, or NULL. */
const struct ofp_msg *cth_nth(uint8_t type, size_t i);

/* Connects a datapath `dpid` with ports 1..n_ports to ctl and answers its
 * FEATURES_REQUEST; the recording is reset afterwards.  Returns the dp. */
struct ctl_dp *cth_join(struct ctl *ctl, uint64_t dpid, unsigned n_ports);

/* Builds an Ethernet frame dst/src/type with `payload` into buf.
 * Returns its length. */
size_t cth_eth(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6], uint16_t type,
               const void *payload, size_t plen);

/* Builds an Ethernet + IPv4 + TCP/UDP (proto 6/17) frame.  Returns its length. */
size_t cth_ip_l4(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6], uint32_t nw_src,
                 uint32_t nw_dst, uint8_t proto, uint16_t tp_src, uint16_t tp_dst);

/* The time, in ns, that cth_packet_in and cth_port_status deliver their
 * message at (2000 unless a test moves it). */
extern uint64_t cth_now;

/* Sends a PACKET_IN of frame[0, len) from in_port with buffer_id to ctl. */
void cth_packet_in(struct ctl *ctl, struct ctl_dp *dp, uint32_t buffer_id, uint16_t in_port,
                   const uint8_t *frame, size_t len);

/* The same with only frame[0, cut) as data (total_len stays len), as a
 * switch sends it for output:controller:CUT. */
void cth_packet_in_cut(struct ctl *ctl, struct ctl_dp *dp, uint32_t buffer_id,
                       uint16_t in_port, const uint8_t *frame, size_t len, size_t cut);

/* Sends a PORT_STATUS (reason) for port_no with state bits. */
void cth_port_status(struct ctl *ctl, struct ctl_dp *dp, uint8_t reason, uint16_t port_no,
                     uint32_t state);

#endif /* CTL_HARNESS_H */
