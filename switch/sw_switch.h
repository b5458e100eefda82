/*
 * sw_switch.h — one switch instance: its ports, datapath and flows.
 *
 * The portable core of the `sluice` program, shared by every target: it
 * opens the configured ports, creates the datapath, loads the --flows file,
 * and runs the packet loop one step at a time so that each target's main
 * loop decides how to wait (epoll on unix, HLT on the unikernels).
 *
 * Two ways of running:
 *  - live (any non-pcap port): sw_switch_step() polls every port once at
 *    the monotonic time the caller passes;
 *  - replay (only pcap ports): sw_switch_replay_step() takes the packet with
 *    the smallest capture timestamp across all inputs (ties: lowest port),
 *    sets the switch's clock to that timestamp, expires flows, and processes
 *    it completely, so timeouts and outputs are deterministic.
 *
 * The switch also owns its OpenFlow side: the connection manager
 * (--controller, --listen) and the agent (sw_agent.h), which turns table
 * misses into packet_in, or counts and drops them when nobody is connected
 * (fail-mode secure).  In fail-mode standalone misses are switched by
 * NORMAL while no controller is connected; emergency flows take over when
 * the connection to a controller is lost.  With --app the switch also
 * runs an embedded controller (sw_embed.h) over an in-process channel that
 * counts as a controller connection.
 *
 * Ownership: the switch owns its ports, datapath and pool.  Single-threaded.
 */
#ifndef SW_SWITCH_H
#define SW_SWITCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "controller/ctl_app.h"
#include "sw_config.h"

struct sw_switch;
struct netdev;

/* Counters of the switch itself (the datapath and ports keep their own). */
struct sw_stats {
    uint64_t flows_loaded;   /* flows added from --flows */
};

/* Line sink for reports: called once per line, without newline. */
typedef void sw_emit_fn(const char *line, void *arg);

/* Creates the switch: pool, datapath, and every port of cfg (in order,
 * numbered from 1).  Returns 0 and sets *out, or a negative errno with the
 * reason in err (e.g. a port that cannot be opened). */
int sw_switch_create(const struct sw_config *cfg, struct sw_switch **out, char *err,
                     size_t errlen);

/* Starts the embedded controller when cfg->apps is set (`--app LIST`, see
 * controller/ctl_app.h and sw_embed.h), reading the apps' files through
 * rf, and runs the handshake until the apps have joined, at now_ns.  The
 * embedded controller then runs inside sw_switch_step/replay_step.  Does
 * nothing without --app.  Returns 0, or a negative errno with a one-line
 * reason in err (unknown app, unreadable or bad file). */
int sw_switch_start_apps(struct sw_switch *sw, ctl_read_file_fn *rf, void *rf_arg,
                         uint64_t now_ns, char *err, size_t errlen);

/* Adds `dev` as the datapath's LOCAL port (OFPP_LOCAL): the in-band
 * interface of the unikernel's TCP/IP stack (libos/net/net_pair.h).  The
 * caller keeps the netdev and closes it after sw_switch_destroy.  Returns 0
 * or the dp_add_port error (-EEXIST when there is one already). */
int sw_switch_add_local_port(struct sw_switch *sw, struct netdev *dev);

/* Closes every port (flushing outputs) and frees everything.  NULL ignored. */
void sw_switch_destroy(struct sw_switch *sw);

/* Adds the flows of `text` (ovs-ofctl add-flows syntax; `name` is used in
 * messages) at time now_ns.  Returns the number of flows added, or a
 * negative errno with "NAME:LINE: reason" in err; flows before the bad line
 * stay installed. */
int sw_switch_load_flows(struct sw_switch *sw, const char *text, const char *name,
                         uint64_t now_ns, char *err, size_t errlen);

/* Returns true when every port is a pcap port (replay mode). */
bool sw_switch_is_replay(const struct sw_switch *sw);

/* Returns the capture timestamp of the earliest pending input packet in
 * replay mode, or UINT64_MAX when all inputs are exhausted. */
uint64_t sw_switch_replay_next_ts(struct sw_switch *sw);

/* Returns the capture timestamp of the last packet replayed (0 before the
 * first). */
uint64_t sw_switch_replay_now(const struct sw_switch *sw);

/* Replay mode: processes the next packet in timestamp order.  Returns true
 * when a packet was processed, false when every input is exhausted. */
bool sw_switch_replay_step(struct sw_switch *sw);

/* Live mode: one burst from every port at now_ns, expiry and upcall
 * draining.  Returns the number of packets received. */
unsigned sw_switch_step(struct sw_switch *sw, uint64_t now_ns);

/* Returns the time (ns) of the next flow timeout, or UINT64_MAX. */
uint64_t sw_switch_next_timeout(const struct sw_switch *sw);

/* Before the caller halts the CPU (unikernels): arms every port's receive
 * wake-up (netdev_arm_rx_wakeup).  Returns 0 when every port is armed (sleep
 * until sw_switch_next_timeout or another deadline), -EAGAIN when a port
 * already has frames waiting (step again instead of sleeping), or
 * -EOPNOTSUPP when some port cannot wake the CPU (sleep only briefly). */
int sw_switch_arm_wakeup(struct sw_switch *sw);

/* After the CPU woke from a halt (unikernels): polls the carrier of the
 * ports whose changes end a halt by themselves (netdev.link_wakes), so such
 * a change is reported at once rather than at the next timed poll; sw_switch_next_timeout
 * leaves out the timed carrier poll when every port has link_wakes.
 * Returns nothing. */
void sw_switch_after_wakeup(struct sw_switch *sw);

/* Registers the OpenFlow connections' handles with an event loop, so that
 * os_poll_run wakes for controller traffic.  Returns 0 or a negative errno. */
struct os_poll;
int sw_switch_attach_poll(struct sw_switch *sw, struct os_poll *poll);

/* Calls `fn(fd, arg)` for every port that has a wait fd (unix main loop).
 * Returns nothing. */
void sw_switch_for_each_wait_fd(const struct sw_switch *sw, void (*fn)(int fd, void *arg),
                                void *arg);

/* Pushes out what the ports buffered (netdev_flush; a pcap output counts
 * what it could not write as tx errors): call it before the final report.
 * Returns nothing. */
void sw_switch_flush_ports(struct sw_switch *sw);

/* Emits the port counters, one line per port.  Returns nothing. */
void sw_switch_report_ports(const struct sw_switch *sw, sw_emit_fn *emit, void *arg);

/* Emits the flow table (ovs-ofctl dump-flows style, with counters) and the
 * table and switch counters.  Returns nothing. */
void sw_switch_report_flows(const struct sw_switch *sw, uint64_t now_ns, sw_emit_fn *emit,
                            void *arg);

/* Returns the switch's own counters. */
const struct sw_stats *sw_switch_stats(const struct sw_switch *sw);

#endif /* SW_SWITCH_H */
