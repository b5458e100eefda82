/*
 * ctl_app.h — controller apps: the interface, the three apps, and the
 * `--app LIST` parser.
 *
 * An app is a struct ctl_app with a table of handlers (any may be NULL)
 * and private data.  The controller (ctl.h) calls the handlers in app order
 * for every datapath event; per-datapath state lives in
 * dp->app_state[app->index], set up in join() and freed in leave().
 *
 * The apps (each documented in its .c file):
 *  - learning[=idle:N] MAC learning switch: flows on in_port+dl_src+dl_dst
 *                     with an idle timeout (N s, default 60), floods unknown and broadcast
 *                     destinations, relearns a host that moves, never sends
 *                     a packet back out of its ingress port;
 *  - static=FILE      flows in `ovs-ofctl add-flows` syntax, added on join;
 *  - firewall=FILE    an ordered allow/deny list (ctl_firewall.h) enforced
 *                     with drop flows in the datapath.
 * They compose in order: `firewall=rules.txt,learning` puts the firewall
 * first, so a denied packet_in never reaches learning.
 *
 * Files: the library does no I/O, so whoever parses the list passes a
 * ctl_read_file_fn (the unix programs read the file system).
 */
#ifndef CTL_APP_H
#define CTL_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl.h"
#include "ctl_pkt.h"

enum ctl_verdict { CTL_CONTINUE = 0, CTL_STOP = 1 };

/* What earlier apps learned about a packet_in, for the apps after them. */
struct ctl_pi_ctx {
    const struct ofp_packet_in_msg *pi;
    const struct ctl_pkt *pkt;     /* parsed headers of pi->data */
    bool exact_flows;              /* flows for this packet must match all 12
                                    * fields (set by the firewall when its
                                    * decision is not in the datapath) */
};

struct ctl_app_ops {
    const char *name;
    void (*join)(struct ctl_app *app, struct ctl_dp *dp);
    void (*leave)(struct ctl_app *app, struct ctl_dp *dp);
    /* Returns CTL_STOP to end the packet_in's journey here. */
    enum ctl_verdict (*packet_in)(struct ctl_app *app, struct ctl_dp *dp,
                                  struct ctl_pi_ctx *ctx);
    void (*flow_removed)(struct ctl_app *app, struct ctl_dp *dp,
                         const struct ofp_flow_removed_msg *fr);
    void (*port_status)(struct ctl_app *app, struct ctl_dp *dp, uint8_t reason,
                        const struct ofp_port_desc *port);
    void (*stats_reply)(struct ctl_app *app, struct ctl_dp *dp, const struct ofp_msg *m);
    void (*barrier_reply)(struct ctl_app *app, struct ctl_dp *dp, uint32_t xid);
    void (*error)(struct ctl_app *app, struct ctl_dp *dp, const struct ofp_msg *m);
    /* Frees priv.  Returns nothing. */
    void (*destroy)(struct ctl_app *app);
};

struct ctl_app {
    const struct ctl_app_ops *ops;
    void *priv;
    unsigned index;                /* set by ctl_add_app */
    struct ctl *ctl;               /* set by ctl_add_app */
};

/* Reads the file `path` into a NUL-terminated os_malloc'd buffer (*text;
 * the caller os_free()s it).  Returns 0 or a negative errno. */
typedef int ctl_read_file_fn(void *arg, const char *path, char **text);

/* Seconds a learned MAC lives without being seen again; the learning
 * app's default flow idle timeout. */
#define CTL_LEARN_AGING_S 300
#define CTL_LEARN_IDLE 60

/* The learning app; its flows get `idle_timeout` seconds (0 = none).
 * Returns it or NULL (no memory). */
struct ctl_app *ctl_learning_create(uint16_t idle_timeout);

/* The static app over flows `text` (`name` labels messages).  Every line is
 * checked now.  Returns the app, or NULL with "NAME:LINE: reason" in err. */
struct ctl_app *ctl_static_create(const char *text, const char *name, char *err,
                                  size_t errlen);

/* The firewall app over rules `text` (format in ctl_firewall.h).  Returns
 * the app, or NULL with "NAME:LINE: reason" in err. */
struct ctl_app *ctl_firewall_create(const char *text, const char *name, char *err,
                                    size_t errlen);

/* Parses "learning,static=FILE,firewall=FILE" (any order, each at most
 * CTL_MAX_APPS in all) and adds the apps to ctl in that order, reading
 * files through `rf`.  Returns the number of apps added, or a negative
 * errno with a one-line reason in err (unknown app, missing file, bad
 * line); apps added before the failure stay in ctl. */
int ctl_add_apps(struct ctl *ctl, const char *list, ctl_read_file_fn *rf, void *rf_arg,
                 char *err, size_t errlen);

/* Allocates an app with `ops` and zeroed private data of `priv_size`
 * bytes (for the apps' constructors).  Returns it or NULL. */
struct ctl_app *ctl_app_alloc(const struct ctl_app_ops *ops, size_t priv_size);

/* Frees an app from ctl_app_alloc (calls ops->destroy first).  NULL
 * ignored.  Returns nothing. */
void ctl_app_free(struct ctl_app *app);

#endif /* CTL_APP_H */
