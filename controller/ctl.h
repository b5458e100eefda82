/*
 * ctl.h — an OpenFlow 1.0 controller library, transport-agnostic.
 *
 * A `struct ctl` holds an ordered list of apps (ctl_app.h: learning,
 * static, firewall) and the datapaths (switches) connected to it.  It does
 * no I/O of its own: the glue that owns the connections (switch/sw_ctlhost.c
 * over sw_connmgr, embedded or standalone; the unit tests by hand) tells it
 *
 *     ctl_dp_connected(ctl, handle, now)       a switch finished HELLO
 *     ctl_dp_message(ctl, dp, msg, len, now)   one whole message from it
 *     ctl_dp_disconnected(ctl, dp, now)        it is gone
 *
 * and gives it, once, a send callback that queues one whole message on the
 * connection `handle` names.  HELLO and ECHO are the connection's business
 * and never reach the library.
 *
 * Life of a datapath: on connect the library sends FEATURES_REQUEST and
 * SET_CONFIG (miss_send_len = CTL_MISS_SEND_LEN).  The FEATURES_REPLY gives
 * the dpid and the ports; the datapath is then "ready" and every app's
 * join() runs in order.  PORT_STATUS keeps the port list current.  Events
 * that arrive before the datapath is ready are counted and dropped.  When
 * it disconnects, every app's leave() runs (if join ran) and the datapath
 * is freed: apps must forget their per-datapath state in leave().
 *
 * Events go to the apps in the order they were added.  A packet_in stops
 * at the first app whose handler returns CTL_STOP (the firewall does this
 * for denied packets); the others (flow_removed, port_status, stats and
 * barrier replies, errors) go to every app.  An app may send from any
 * handler with the helpers below.  Messages the library cannot decode are
 * counted and ignored (a controller does not answer a switch with errors).
 *
 * Ownership: the library owns its ctl_dp objects; `handle` is the glue's
 * and is only passed back to the send callback.  Decoded messages handed to
 * apps are valid only during the call.  Single-threaded.  Portable
 * (freestanding): os_malloc only, no host headers.
 */
#ifndef CTL_H
#define CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openflow/ofp_msg.h"
#include "openflow/ofp_types.h"

#define CTL_MAX_APPS 8
#define CTL_MAX_PORTS 256          /* ports remembered per datapath */
#define CTL_MISS_SEND_LEN 0xffff   /* whole packets in packet_in */

struct ctl;
struct ctl_app;

/* Queues one whole OpenFlow message on the connection `handle`.  Returns 0
 * or a negative errno (the message is then lost; the library counts it). */
typedef int ctl_send_fn(void *handle, const void *msg, size_t len);

/* One connected switch. */
struct ctl_dp {
    struct ctl_dp *next;
    struct ctl *ctl;
    void *handle;                  /* the glue's connection */
    bool ready;                    /* FEATURES_REPLY seen, apps joined */
    uint64_t dpid;
    struct ofp_features features;
    struct ofp_port_desc ports[CTL_MAX_PORTS];
    size_t n_ports;
    uint32_t next_xid;
    void *app_state[CTL_MAX_APPS]; /* per-app, per-datapath state (by app index) */
};

struct ctl_stats {
    uint64_t rx_msgs;              /* messages given to ctl_dp_message */
    uint64_t rx_bad;               /* could not be decoded */
    uint64_t rx_not_ready;         /* events before FEATURES_REPLY */
    uint64_t rx_errors;            /* OFPT_ERROR from switches */
    uint64_t packet_ins;
    uint64_t tx_msgs;              /* messages the send callback accepted */
    uint64_t tx_failed;            /* encode or send failures */
    uint64_t dps_joined, dps_left;
};

/* Creates an empty controller sending through `send`.  Returns it or NULL. */
struct ctl *ctl_create(ctl_send_fn *send);

/* Runs every app's leave() for connected datapaths, frees datapaths and
 * apps.  NULL ignored.  Returns nothing. */
void ctl_destroy(struct ctl *ctl);

/* Appends an app (taken: destroyed with the controller, also on failure).
 * Returns 0, or -ENOSPC when CTL_MAX_APPS apps are installed already. */
int ctl_add_app(struct ctl *ctl, struct ctl_app *app);

/* Returns the number of apps. */
size_t ctl_n_apps(const struct ctl *ctl);

/* A switch connected on `handle`: sends FEATURES_REQUEST and SET_CONFIG.
 * Returns the new datapath, or NULL (no memory: the glue should close the
 * connection). */
struct ctl_dp *ctl_dp_connected(struct ctl *ctl, void *handle, uint64_t now_ns);

/* One whole message `msg[0, len)` from datapath `dp`.  Decodes, tracks
 * features and ports, dispatches to apps.  Bad input is counted, never
 * fatal.  Returns nothing. */
void ctl_dp_message(struct ctl *ctl, struct ctl_dp *dp, const uint8_t *msg, size_t len,
                    uint64_t now_ns);

/* The connection of `dp` is gone: apps leave, dp is freed.  Returns nothing. */
void ctl_dp_disconnected(struct ctl *ctl, struct ctl_dp *dp, uint64_t now_ns);

/* Returns the time of the last event given to the library (ns). */
uint64_t ctl_now(const struct ctl *ctl);

/* Returns the counters. */
const struct ctl_stats *ctl_stats(const struct ctl *ctl);

/* Returns the first connected datapath (walk on with dp->next), or NULL. */
struct ctl_dp *ctl_first_dp(const struct ctl *ctl);

/* Returns the port `port_no` of dp, or NULL when it has no such port. */
const struct ofp_port_desc *ctl_dp_port(const struct ctl_dp *dp, uint16_t port_no);

/* ---- sending (any app handler, any time the datapath is connected) ---- */

/* Returns a fresh xid for dp (never 0). */
uint32_t ctl_dp_xid(struct ctl_dp *dp);

/* Send one already-encoded message.  Returns 0 or a negative errno. */
int ctl_send_raw(struct ctl_dp *dp, const void *msg, size_t len);

/* Encode and send.  Each returns the xid used (> 0), or a negative errno. */
long ctl_send_flow_mod(struct ctl_dp *dp, const struct of_flow_mod *fm);
long ctl_send_packet_out(struct ctl_dp *dp, const struct ofp_packet_out_msg *po);
long ctl_send_stats_request(struct ctl_dp *dp, const struct ofp_stats_request_msg *r);
long ctl_send_barrier(struct ctl_dp *dp);

#endif /* CTL_H */
