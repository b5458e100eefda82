/*
 * sw_agent_priv.h — shared between the agent's files (sw_agent*.c) only.
 *
 * sw_agent.c: lifecycle, dispatch, the simple requests, the run loop.
 * sw_agent_flow.c: flow_mod, packet_out, packet_in, flow_removed.
 * sw_agent_stats.c: every statistics request.
 * sw_agent_port.c: port descriptions, port_mod, port_status, queues.
 */
#ifndef SW_AGENT_PRIV_H
#define SW_AGENT_PRIV_H

#include <stdint.h>

#include "datapath/dp_table.h"
#include "openflow/ofp_encode.h"
#include "openflow/ofp_msg.h"
#include "sw_agent.h"
#include "sw_pktbuf.h"

#define SW_AGENT_LINK_POLL_NS (100ull * 1000000ull) /* carrier polling period */

struct sw_agent {
    struct dp *dp;
    struct pkt_pool *pool;
    struct sw_connmgr *mgr;
    uint64_t dpid;
    uint64_t now_ns;            /* time of the last sw_agent_run */
    uint64_t next_link_poll;
    uint16_t frag_flags;        /* SET_CONFIG flags as last set */
    uint16_t miss_send_len;     /* SET_CONFIG miss_send_len */
    struct sw_pktbuf bufs;      /* packet_in buffers */
    struct sw_agent_stats stats;
    uint8_t scratch[65536];     /* one encoded message (or a stats chunk) */
};

/* A request being answered: where it came from and its raw bytes. */
struct sw_req {
    struct sw_agent *a;
    struct sw_conn *conn;
    const uint8_t *raw;
    size_t len;
    const struct ofp_msg *msg;
};

/* Sends every whole message in b to `conn` (NULL: to every connection past
 * HELLO), as messages that must arrive (sw_conn_send: a connection that
 * cannot take one is closed, never shortchanged).  Returns 0, or -ENOBUFS
 * when a connection refused one (counted). */
int sw_agent_send_buf(struct sw_agent *a, struct sw_conn *conn, const struct ofp_buf *b);

/* Sends the one message in b (packet_in, flow_removed) to every connection
 * past HELLO as an asynchronous message: connections that are backlogged
 * drop it (each counts it; async_dropped counts a message that no
 * connection took).  Returns the number of connections that queued it. */
int sw_agent_broadcast_async(struct sw_agent *a, const struct ofp_buf *b);

/* Answers `r` with OFPT_ERROR (type, code).  Returns nothing. */
void sw_agent_error(const struct sw_req *r, uint16_t type, uint16_t code);

/* Points b at the agent's scratch buffer, empty.  Returns b. */
struct ofp_buf *sw_agent_scratch(struct sw_agent *a, struct ofp_buf *b);

/* Returns true when port_no (1..OFPP_MAX or OFPP_LOCAL) is a datapath port. */
bool sw_agent_port_exists(uint16_t port_no, void *agent);

/* Converts a removed flow and sends flow_removed when it asked for it.
 * A dp_removed_cb with the agent as arg. */
void sw_agent_flow_removed(const struct dp_flow *flow, enum dp_removed_reason why,
                           uint64_t now_ns, void *agent);

/* Handlers, one per request type.  Each answers (or errors) itself. */
void sw_agent_flow_mod(const struct sw_req *r);
void sw_agent_packet_out(const struct sw_req *r);
void sw_agent_stats_request(const struct sw_req *r);
void sw_agent_port_mod(const struct sw_req *r);
void sw_agent_queue_config(const struct sw_req *r);
void sw_agent_features(const struct sw_req *r);

/* Sends packet_in for every queued upcall (or drops them when nobody is
 * connected).  Returns nothing. */
void sw_agent_drain_upcalls(struct sw_agent *a);

/* Polls every port's carrier and sends port_status MODIFY on a change.
 * Returns nothing. */
void sw_agent_poll_links(struct sw_agent *a);

/* Sends port_status (reason OFPPR_*) for `port_no` to every connection.
 * Returns nothing. */
void sw_agent_port_status(struct sw_agent *a, uint16_t port_no, uint8_t reason);

#endif /* SW_AGENT_PRIV_H */
