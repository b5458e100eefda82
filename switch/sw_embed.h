/*
 * sw_embed.h — the embedded controller (`sluice --app LIST`) and the pieces
 * it is made of.
 *
 * Three layers, each usable alone:
 *
 *  - sw_pipe: an in-process channel, two bounded in-memory byte queues
 *    (one per direction), with two ends that implement struct
 *    sw_transport_ops (wait_fd -1).  A write takes what fits (-EAGAIN when
 *    full); a read returns what is queued, -EAGAIN when empty, 0 once the
 *    other end is closed and the queue drained; writing to a closed peer is
 *    -EPIPE.  The pipe is freed when both ends and the owner are done.
 *
 *  - sw_ctlhost: the controller library (controller/ctl.h) driven by its
 *    own sw_connmgr: every connection of that manager is a datapath of the
 *    controller (on_connect -> ctl_dp_connected, on_message ->
 *    ctl_dp_message, on_disconnect -> ctl_dp_disconnected; the send
 *    callback is sw_conn_send).  The standalone sluice-controller adds
 *    passive listeners to it; the embedded mode adds one pipe end.
 *
 *  - sw_embed: one switch's embedded controller: a sw_ctlhost plus a pipe
 *    whose switch end is a connection of the switch's own sw_connmgr (added
 *    with as_controller, so it counts as a controller for the fail modes:
 *    in fail-mode secure misses go to it).  It speaks the same OpenFlow
 *    messages as a remote controller, through the same sw_conn and agent
 *    code; only the transport differs.  Other connections (--controller,
 *    --listen) work as before and receive every asynchronous message too.
 *
 * Driving: nothing has a file descriptor, so the switch calls
 * sw_embed_run() from its housekeeping and, while sw_embed_pending() says
 * bytes wait in the pipe, runs its own manager again (sw_switch.c).
 * Single-threaded; portable (no host headers).
 */
#ifndef SW_EMBED_H
#define SW_EMBED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "controller/ctl.h"
#include "controller/ctl_app.h"
#include "sw_conn.h"
#include "sw_connmgr.h"

/* ---- sw_pipe ------------------------------------------------------------ */

struct sw_pipe;

#define SW_PIPE_DEFAULT_CAP (256u * 1024u)

/* The transport ops of a pipe end; the transport object is the `end`
 * pointer returned by sw_pipe_create. */
extern const struct sw_transport_ops sw_pipe_transport;

/* Creates a pipe of `cap` bytes per direction (0 = default) and its two
 * ends (*end0, *end1: give each to sw_conn_create or close it with
 * sw_pipe_transport.close).  The caller keeps one reference on the pipe
 * itself for sw_pipe_pending; drop it with sw_pipe_release.  Returns the
 * pipe or NULL. */
struct sw_pipe *sw_pipe_create(size_t cap, void **end0, void **end1);

/* Returns the bytes queued towards end `side` (0 or 1). */
size_t sw_pipe_pending(const struct sw_pipe *p, int side);

/* Drops the owner's reference.  NULL ignored.  Returns nothing. */
void sw_pipe_release(struct sw_pipe *p);

/* ---- sw_ctlhost ----------------------------------------------------------- */

struct sw_ctlhost;

/* Creates a controller with the apps of `apps` ("learning,firewall=F"...,
 * files read through rf) and an empty connection manager.  Returns it, or
 * NULL with a one-line reason in err. */
struct sw_ctlhost *sw_ctlhost_create(const char *apps, ctl_read_file_fn *rf, void *rf_arg,
                                     char *err, size_t errlen);

/* Destroys the connections, then the controller.  NULL ignored. */
void sw_ctlhost_destroy(struct sw_ctlhost *h);

/* Returns the manager (add listeners or connections, attach a poll loop). */
struct sw_connmgr *sw_ctlhost_connmgr(struct sw_ctlhost *h);

/* Returns the controller. */
struct ctl *sw_ctlhost_ctl(struct sw_ctlhost *h);

/* Runs the manager (and so the controller) at now_ns.  Returns nothing. */
void sw_ctlhost_run(struct sw_ctlhost *h, uint64_t now_ns);

/* ---- sw_embed ---------------------------------------------------------------- */

struct sw_embed;

/* Creates the embedded controller for the switch whose manager is
 * `switch_mgr` and connects it (HELLO is queued on both ends).  Returns 0
 * with *out set, or a negative errno with a one-line reason in err. */
int sw_embed_create(struct sw_connmgr *switch_mgr, const char *apps, ctl_read_file_fn *rf,
                    void *rf_arg, uint64_t now_ns, struct sw_embed **out, char *err,
                    size_t errlen);

/* Destroys the controller side (call after the switch's manager is gone or
 * before; the switch end then sees end of stream).  NULL ignored. */
void sw_embed_destroy(struct sw_embed *e);

/* Runs the controller side at now_ns.  Returns nothing. */
void sw_embed_run(struct sw_embed *e, uint64_t now_ns);

/* Returns true when bytes wait for the switch end (run the switch's
 * manager); with `any`, also bytes waiting for the controller end. */
bool sw_embed_pending(const struct sw_embed *e, bool any);

/* Returns the time the controller side must run again (UINT64_MAX: none). */
uint64_t sw_embed_next_deadline(const struct sw_embed *e);

/* Returns the controller (for tests and reports). */
struct ctl *sw_embed_ctl(struct sw_embed *e);

#endif /* SW_EMBED_H */
