/*
 * ofp_msg_print.h — any decoded OpenFlow 1.0 message as one readable line.
 *
 * For logs and tests: "OFPT_<TYPE> (xid=0x<xid>): <details>", where the
 * details of flows reuse ofp_print.h (ovs-ofctl syntax), e.g.
 *   OFPT_FLOW_MOD (xid=0x1): ADD priority=100,tcp,tp_dst=80 actions=output:3
 *   OFPT_ERROR (xid=0x7): type=OFPET_BAD_REQUEST code=OFPBRC_BAD_LEN data_len=64
 *   OFPT_STATS_REPLY (xid=0x2): OFPST_PORT flags=0x1 entries=3
 * Never more than one line, never a newline.  Pure; any caller.
 */
#ifndef OFP_MSG_PRINT_H
#define OFP_MSG_PRINT_H

#include <stddef.h>

#include "ofp_msg.h"

/* Formats m like snprintf: writes at most size bytes including the NUL
 * (nothing when size is 0) and returns the length the whole line has. */
int ofp_msg_format(const struct ofp_msg *m, char *buf, size_t size);

/* Return the names of an error type ("OFPET_BAD_ACTION") and of a code
 * within it ("OFPBAC_BAD_LEN"), or NULL when unknown. */
const char *ofp_error_type_name(uint16_t type);
const char *ofp_error_code_name(uint16_t type, uint16_t code);

#endif /* OFP_MSG_PRINT_H */
