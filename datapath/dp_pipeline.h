/*
 * dp_pipeline.h — the datapath: ports, polling, the upcall queue, counters.
 *
 * A `struct dp` owns a flow table (dp_table.h), a MAC learning table for
 * the NORMAL action (dp_normal.h), a set of ports, per-port TX batches and a
 * bounded upcall queue.  It does not own the netdevs: the caller opens them,
 * adds them, and closes them after dp_del_port or dp_destroy.
 *
 * Per packet (dp_poll / dp_poll_port): rx_burst of up to PKT_BURST frames,
 * pkt->in_port set, drop when the port is PORT_DOWN or NO_RECV, key
 * extraction, fragment policy, table lookup, dp_flow_hit, action execution
 * (dp_execute.h).  Outputs go into per-port TX batches that are flushed with
 * netdev_tx_burst at the end of the call (or earlier when a batch fills).
 * No allocation on this path.
 *
 * Table miss: by default the packet is queued as an upcall with reason
 * DP_UPCALL_NO_MATCH and max_len = miss_send_len; in DP_MISS_NORMAL mode
 * ("fail-mode standalone") it is switched by NORMAL instead; DP_MISS_DROP
 * drops it.  Upcalls are never sent for a port with NO_PACKET_IN.
 *
 * Output ports (dp_action.h numbers):
 *  - physical port p: sent to p, except when p is the packet's in_port
 *    (OpenFlow 1.0 drops that; use DP_PORT_IN_PORT);
 *  - IN_PORT: back out the ingress port;
 *  - FLOOD: every port except the ingress port and ports that are
 *    PORT_DOWN, NO_FLOOD or without carrier;  ALL: every port except the
 *    ingress port and PORT_DOWN ports.  The LOCAL port, if added, is
 *    included in both (as Open vSwitch does);
 *  - CONTROLLER: an upcall with reason DP_UPCALL_ACTION and the action's
 *    max_len;  LOCAL: the port added as DP_PORT_LOCAL, else dropped;
 *  - NORMAL: MAC learning switch;  TABLE: only in dp_execute_actions (the
 *    packet goes through the flow table as if received on its in_port);
 *    anywhere else, and NONE, drop.
 *  - NO_FWD and PORT_DOWN ports drop output (counted in the netdev's
 *    tx_dropped); NO_RECV and PORT_DOWN ports drop input (rx_dropped).
 *  - ENQUEUE is an output to the port; queues are not implemented, every
 *    packet goes to the port's one queue, but packets are counted per queue
 *    id 0..DP_QUEUES-1 (dp_port_queue_tx).
 *
 * Upcalls: the caller pops them (dp_upcall_pop) and owns the packets.  An
 * upcall's packet may still be shared with a TX batch until the end of the
 * dp_poll call that made it, and with other upcalls: treat it as read-only
 * or call pkt_make_writable.  The queue is bounded; when it is full the
 * packet is dropped and counted (upcall_queue_full).
 *
 * Expiry is not done by dp_poll: the switch calls dp_expire (a thin wrapper
 * around dp_table_expire) on its own schedule.
 *
 * Single-threaded: one thread owns a dp and all its ports.
 */
#ifndef DP_PIPELINE_H
#define DP_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "datapath/dp_action.h"
#include "datapath/dp_table.h"
#include "os/netdev.h"
#include "os/pkt.h"

#define DP_MAX_PORTS 256 /* ports per datapath (LOCAL included) */
#define DP_QUEUES 8      /* queue ids counted per port */

/* Port configuration bits, the same values as OpenFlow 1.0 OFPPC_*. */
enum {
    DP_PC_PORT_DOWN = 1 << 0,
    DP_PC_NO_STP = 1 << 1,
    DP_PC_NO_RECV = 1 << 2,
    DP_PC_NO_RECV_STP = 1 << 3, /* accepted and ignored: no STP here */
    DP_PC_NO_FLOOD = 1 << 4,
    DP_PC_NO_FWD = 1 << 5,
    DP_PC_NO_PACKET_IN = 1 << 6,
    DP_PC_ALL = (1 << 7) - 1,
};

/* Fragment handling, the same values as OpenFlow 1.0 OFPC_FRAG_*. */
enum dp_frag_mode { DP_FRAG_NORMAL = 0, DP_FRAG_DROP = 1 };

/* What a table miss does. */
enum dp_miss_mode {
    DP_MISS_UPCALL = 0, /* queue an upcall (reason NO_MATCH); default */
    DP_MISS_NORMAL = 1, /* switch it by NORMAL (fail-mode standalone) */
    DP_MISS_DROP = 2,   /* drop and count */
};

/* Upcall reasons, the same values as OpenFlow 1.0 OFPR_*. */
enum { DP_UPCALL_NO_MATCH = 0, DP_UPCALL_ACTION = 1 };

struct dp_upcall {
    struct pkt *pkt;  /* owned by whoever popped it; possibly shared */
    uint16_t in_port; /* ingress port (DP_PORT_* for packet_out packets) */
    uint8_t reason;   /* DP_UPCALL_* */
    uint16_t max_len; /* bytes to send to the controller */
    uint64_t cookie;  /* cookie of the flow whose action sent it, else 0 */
};

struct dp_config {
    uint32_t max_flows;        /* flow table size (0 = 65536) */
    uint32_t upcall_queue_len; /* upcall queue bound (0 = 1024) */
    struct pkt_pool *pool;     /* packet pool of the ports (may be NULL) */
    uint32_t mac_entries;      /* NORMAL learning table size (0 = 4096) */
    uint32_t mac_aging_s;      /* NORMAL aging (0 = 300 s) */
    uint16_t miss_send_len;    /* max_len of NO_MATCH upcalls (0 = 128) */
};

struct dp_stats {
    uint64_t rx_packets;        /* received from ports */
    uint64_t tx_packets;        /* accepted by netdev_tx_burst */
    uint64_t tx_failures;       /* given to netdev_tx_burst but not accepted */
    uint64_t matched;           /* table hits */
    uint64_t missed;            /* table misses */
    uint64_t upcalls;           /* upcalls queued */
    uint64_t upcall_queue_full; /* upcalls dropped: queue full */
    uint64_t no_match_dropped;  /* misses dropped (DP_MISS_DROP, NO_PACKET_IN) */
    uint64_t bad_frames;        /* frames with DP_LF_TRUNC (still processed) */
    uint64_t frag_dropped;      /* IP fragments dropped by DP_FRAG_DROP */
    uint64_t port_down;         /* rx or tx dropped: PORT_DOWN */
    uint64_t port_config_dropped; /* rx dropped by NO_RECV, tx by NO_FWD */
    uint64_t no_port;           /* output to a port that does not exist */
    uint64_t loop_dropped;      /* output to the ingress port (not IN_PORT) */
    uint64_t action_dropped;    /* empty action list, NONE, bad reserved port */
    uint64_t copies;            /* copy-on-write copies */
    uint64_t nomem_drops;       /* dropped: pool empty for a copy / tag */
};

struct dp;

/* Creates a datapath.  Returns it, or NULL when memory is exhausted or the
 * configuration is invalid. */
struct dp *dp_create(const struct dp_config *cfg);

/* Frees the datapath, its table and every packet it still holds (TX
 * batches, upcalls).  Does not close the netdevs.  NULL is ignored. */
void dp_destroy(struct dp *dp);

/* Adds `dev` as port `port_no` (1..DP_PORT_MAX or DP_PORT_LOCAL) with
 * config 0.  Returns 0, -EEXIST (number or device already used), -EINVAL
 * (bad number or NULL dev), -ENOSPC (DP_MAX_PORTS reached) or -ENOMEM. */
int dp_add_port(struct dp *dp, struct netdev *dev, uint16_t port_no);

/* Removes a port: its TX batch is flushed, its MAC entries forgotten.
 * The netdev is not closed.  Returns 0 or -ENOENT. */
int dp_del_port(struct dp *dp, uint16_t port_no);

/* Returns the netdev of port `port_no`, or NULL. */
struct netdev *dp_port_netdev(struct dp *dp, uint16_t port_no);

/* Stores up to `max` port numbers (in the order the ports were added) in
 * out[].  Returns the total number of ports. */
unsigned dp_ports(const struct dp *dp, uint16_t *out, unsigned max);

/* Sets the config bits selected by `mask` to those of `config` (DP_PC_*).
 * A change of PORT_DOWN is passed on to netdev_set_up.  Returns 0, -ENOENT
 * or -EINVAL (unknown bits). */
int dp_port_set_config(struct dp *dp, uint16_t port_no, uint32_t config, uint32_t mask);

/* Returns the config bits of a port (0 for an unknown port). */
uint32_t dp_port_config(const struct dp *dp, uint16_t port_no);

/* Returns the packets sent to queue `queue_id` of a port by ENQUEUE (0 for
 * an unknown port or queue id >= DP_QUEUES). */
uint64_t dp_port_queue_tx(const struct dp *dp, uint16_t port_no, uint32_t queue_id);

/* One RX burst from every port (up to DP_POLL_BURSTS of them, 4, from a
 * port whose bursts come full), processed and transmitted.  Returns the
 * number of packets received. */
unsigned dp_poll(struct dp *dp, uint64_t now_ns);

/* The same for port `port_no` alone, at most `max` (<= PKT_BURST) packets.
 * Returns the number received (0 for an unknown port). */
unsigned dp_poll_port(struct dp *dp, uint16_t port_no, unsigned max, uint64_t now_ns);

/* Executes `acts` on `pkt` as if it arrived on `in_port` (a port number,
 * or DP_PORT_NONE / DP_PORT_CONTROLLER / DP_PORT_LOCAL for a packet_out
 * without one); DP_PORT_TABLE is allowed.  Takes ownership of pkt and
 * transmits before returning.  Returns nothing. */
void dp_execute_actions(struct dp *dp, struct pkt *pkt, uint16_t in_port,
                        const struct dp_action *acts, unsigned n, uint64_t now_ns);

/* Pops up to `n` upcalls into out[] (oldest first).  The caller owns each
 * out[i].pkt.  Returns how many were popped. */
unsigned dp_upcall_pop(struct dp *dp, struct dp_upcall *out, unsigned n);

/* Returns the number of upcalls waiting. */
unsigned dp_upcall_pending(const struct dp *dp);

/* Returns the flow table (for the agent's flow_mods and stats). */
struct dp_table *dp_table(struct dp *dp);

/* Sets what a table miss does.  Returns nothing. */
void dp_set_miss_mode(struct dp *dp, enum dp_miss_mode mode);

/* Returns the current miss mode. */
enum dp_miss_mode dp_get_miss_mode(const struct dp *dp);

/* Sets the max_len of NO_MATCH upcalls (OpenFlow miss_send_len).
 * Returns nothing. */
void dp_set_miss_send_len(struct dp *dp, uint16_t len);

/* Sets fragment handling.  Returns 0, or -EOPNOTSUPP for anything but
 * DP_FRAG_NORMAL / DP_FRAG_DROP (reassembly is not implemented). */
int dp_set_frag_mode(struct dp *dp, unsigned mode);

/* Returns the fragment handling mode. */
enum dp_frag_mode dp_get_frag_mode(const struct dp *dp);

/* Expires flows at now_ns (dp_table_expire).  Returns the number removed. */
unsigned dp_expire(struct dp *dp, uint64_t now_ns, dp_removed_cb *cb, void *arg);

/* Fills `st` with the datapath counters.  Returns nothing. */
void dp_get_stats(const struct dp *dp, struct dp_stats *st);

/* Returns the MAC learning table of the NORMAL action (for stats and
 * flushing; see dp_normal.h). */
struct dp_normal *dp_normal_table(struct dp *dp);

#endif /* DP_PIPELINE_H */
