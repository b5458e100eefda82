/*
 * ctl_static.c — the `static=FILE` app: flows from a file in
 * `ovs-ofctl add-flows` syntax (ofp_parse.h), sent as FLOW_MOD ADD to every
 * datapath when it joins, in file order.  The whole file is checked when
 * the app is created (a bad line refuses the app with "FILE:LINE: reason");
 * the text is kept and parsed again on each join, so a large file costs its
 * text only.  A flow the switch refuses (e.g. output to a port it does not
 * have) comes back as an OFPT_ERROR, which the library logs and counts.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl_app.h"
#include "openflow/ofp_parse.h"
#include "os/log.h"
#include "os/mem.h"

struct static_priv {
    char *text;
    char *name;
    int n_flows;
};

static int count_flow(const struct of_flow_mod *fm, unsigned line, void *arg, char *why,
                      size_t whylen)
{
    return 0;
}

static int send_flow(const struct of_flow_mod *fm, unsigned line, void *arg, char *why,
                     size_t whylen)
{
    long rc = ctl_send_flow_mod(arg, fm);
    if (rc < 0)
        snprintf(why, whylen, "cannot send the flow to the switch: %s", strerror((int)-rc));
    return rc < 0 ? (int)rc : 0;
}

static void static_join(struct ctl_app *app, struct ctl_dp *dp)
{
    struct static_priv *s = app->priv;
    char err[256];
    int rc = ofp_parse_flows(s->text, s->name, OFP_PARSE_ADD, send_flow, dp, err, sizeof err);
    if (rc < 0)
        OS_WARN("static", "%016llx: %s", (unsigned long long)dp->dpid, err);
    else
        OS_INFO("static", "%016llx: %d flows from %s", (unsigned long long)dp->dpid, rc,
                s->name);
}

static void static_destroy(struct ctl_app *app)
{
    struct static_priv *s = app->priv;
    os_free(s->text);
    os_free(s->name);
}

static const struct ctl_app_ops static_ops = {
    .name = "static",
    .join = static_join,
    .destroy = static_destroy,
};

struct ctl_app *ctl_static_create(const char *text, const char *name, char *err,
                                  size_t errlen)
{
    int n = ofp_parse_flows(text, name, OFP_PARSE_ADD, count_flow, NULL, err, errlen);
    if (n < 0)
        return NULL;
    struct ctl_app *app = ctl_app_alloc(&static_ops, sizeof(struct static_priv));
    if (!app) {
        snprintf(err, errlen, "%s: out of memory", name ? name : "-");
        return NULL;
    }
    struct static_priv *s = app->priv;
    s->text = os_strdup(text);
    s->name = os_strdup(name ? name : "-");
    s->n_flows = n;
    if (!s->text || !s->name) {
        snprintf(err, errlen, "%s: out of memory", name ? name : "-");
        ctl_app_free(app);
        return NULL;
    }
    return app;
}
