/*
 * sw_agent.h — the OpenFlow 1.0 agent: the wire on one side, the datapath
 * on the other.
 *
 * The agent answers every message a controller (or ovs-ofctl, or a
 * monitoring client) sends on any connection of the switch's sw_connmgr,
 * and sends the switch's asynchronous messages (packet_in, flow_removed,
 * port_status) to every connection past HELLO, as Open vSwitch does.
 *
 * Invariants
 *  - Every request is handled to completion before the next message is read,
 *    so when a BARRIER_REPLY leaves, every earlier flow_mod is in the
 *    datapath's table (whose cache a change invalidates): the next packet
 *    already sees it.
 *  - Every rejected request is answered with OFPT_ERROR carrying the exact
 *    OpenFlow 1.0 (type, code), the request's xid and its first 64 bytes.
 *  - Table misses go to the controllers as packet_in (buffered in a bounded
 *    sw_pktbuf table when possible); with no connection they are dropped
 *    and counted (fail-mode secure) or switched by NORMAL (standalone, set
 *    by the switch through dp_set_miss_mode).
 *
 * Ownership: the agent borrows the datapath, the pool and the connection
 * manager from its switch (sw_switch.c), which outlives it.
 * Single-threaded; called from the switch's run loop and from the
 * connection manager's callbacks.
 */
#ifndef SW_AGENT_H
#define SW_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dp;
struct pkt_pool;
struct sw_agent;
struct sw_conn;
struct sw_connmgr;

struct sw_agent_stats {
    uint64_t rx_msgs;          /* messages handled */
    uint64_t errors_sent;      /* OFPT_ERROR replies */
    uint64_t packet_ins;       /* packet_in messages sent */
    uint64_t misses_dropped;   /* upcalls dropped: no connection */
    uint64_t flow_removed;     /* flow_removed messages sent */
    uint64_t port_status;      /* port_status messages sent */
    uint64_t send_failures;    /* replies a connection refused (queue full) */
    uint64_t async_dropped;    /* packet_in/flow_removed no connection took (backlog) */
};

/* Creates an agent for datapath `dp` (its ports are the switch's ports),
 * whose packets come from `pool`, identified to controllers by `dpid`.
 * Returns the agent or NULL.  Give it its connections with
 * sw_agent_set_connmgr before the first sw_agent_run. */
struct sw_agent *sw_agent_create(struct dp *dp, struct pkt_pool *pool, uint64_t dpid);

/* Sets the connection manager whose callbacks call this agent (created
 * after the agent, since the agent is those callbacks' argument).
 * Returns nothing. */
void sw_agent_set_connmgr(struct sw_agent *a, struct sw_connmgr *mgr);

/* Frees the agent and any packets it buffered.  NULL ignored. */
void sw_agent_destroy(struct sw_agent *a);

/* Connection-manager callbacks (install them with `a` as arg). */
void sw_agent_on_connect(struct sw_conn *c, void *a);
void sw_agent_on_message(struct sw_conn *c, const uint8_t *msg, size_t len, void *a);
void sw_agent_on_disconnect(struct sw_conn *c, void *a);

/* Periodic work at now_ns: packet_in for queued upcalls, flow timeouts with
 * flow_removed, link changes with port_status, buffer expiry.  Also sets
 * the time the message handlers use.  Returns nothing. */
void sw_agent_run(struct sw_agent *a, uint64_t now_ns);

/* Sets the time the message handlers use (flow creation, durations, buffer
 * lifetimes) without doing the periodic work: the switch calls it with the
 * current time before the connection manager delivers messages, so no
 * handler sees a clock from before the loop last slept.  Returns nothing. */
void sw_agent_set_now(struct sw_agent *a, uint64_t now_ns);

/* Returns the earliest time sw_agent_run has timed work to do: flow
 * expiry, and the carrier poll unless every port's carrier changes wake a
 * halted CPU (netdev.link_wakes; then only buffered packet_ins' expiry,
 * at most once a second). */
uint64_t sw_agent_next_deadline(const struct sw_agent *a);

/* Polls the carrier of every port (of only those whose changes wake a
 * halted CPU, netdev.link_wakes, when `waking_only`: the cheap check after
 * a wake-up; the others wait for the timed poll) and sends port_status
 * MODIFY on a change.  Returns nothing. */
void sw_agent_poll_links(struct sw_agent *a, bool waking_only);

/* Returns the agent's counters. */
const struct sw_agent_stats *sw_agent_stats(const struct sw_agent *a);

#endif /* SW_AGENT_H */
