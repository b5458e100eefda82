/* sw_embed.c — one switch's embedded controller over an sw_pipe (sw_embed.h). */
#include <errno.h>
#include <stdio.h>

#include "os/mem.h"
#include "sw_embed.h"

#define SWITCH_SIDE 0
#define CTL_SIDE 1

struct sw_embed {
    struct sw_ctlhost *host;
    struct sw_pipe *pipe;
};

int sw_embed_create(struct sw_connmgr *switch_mgr, const char *apps, ctl_read_file_fn *rf,
                    void *rf_arg, uint64_t now_ns, struct sw_embed **out, char *err,
                    size_t errlen)
{
    struct sw_embed *e = os_calloc(1, sizeof *e);
    if (!e) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    e->host = sw_ctlhost_create(apps, rf, rf_arg, err, errlen);
    if (!e->host) {
        os_free(e);
        return -EINVAL;
    }
    void *end[2];
    e->pipe = sw_pipe_create(0, &end[SWITCH_SIDE], &end[CTL_SIDE]);
    if (!e->pipe) {
        snprintf(err, errlen, "out of memory");
        sw_embed_destroy(e);
        return -ENOMEM;
    }
    /* Each add takes its end in every case. */
    int rc = sw_connmgr_add_conn(switch_mgr, &sw_pipe_transport, end[SWITCH_SIDE], true,
                                 "embedded", now_ns);
    int rc2 = sw_connmgr_add_conn(sw_ctlhost_connmgr(e->host), &sw_pipe_transport,
                                  end[CTL_SIDE], false, "embedded-switch", now_ns);
    if (rc || rc2) {
        snprintf(err, errlen, "out of memory");
        sw_embed_destroy(e);
        return -ENOMEM;
    }
    *out = e;
    return 0;
}

void sw_embed_destroy(struct sw_embed *e)
{
    if (!e)
        return;
    sw_ctlhost_destroy(e->host);
    sw_pipe_release(e->pipe);
    os_free(e);
}

void sw_embed_run(struct sw_embed *e, uint64_t now_ns)
{
    sw_ctlhost_run(e->host, now_ns);
}

bool sw_embed_pending(const struct sw_embed *e, bool any)
{
    return sw_pipe_pending(e->pipe, SWITCH_SIDE) > 0 ||
           (any && sw_pipe_pending(e->pipe, CTL_SIDE) > 0);
}

uint64_t sw_embed_next_deadline(const struct sw_embed *e)
{
    return sw_connmgr_next_deadline(sw_ctlhost_connmgr(e->host));
}

struct ctl *sw_embed_ctl(struct sw_embed *e)
{
    return sw_ctlhost_ctl(e->host);
}
