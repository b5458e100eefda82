/* sw_ctlhost.c — the controller library on a sw_connmgr (sw_embed.h). */
#include <errno.h>
#include <stdio.h>

#include "os/mem.h"
#include "sw_embed.h"

struct sw_ctlhost {
    struct ctl *ctl;
    struct sw_connmgr *mgr;
    uint64_t now_ns;               /* of the current sw_connmgr_run */
};

static int host_send(void *handle, const void *msg, size_t len)
{
    return sw_conn_send(handle, msg, len);
}

static void host_on_connect(struct sw_conn *c, void *arg)
{
    struct sw_ctlhost *h = arg;
    struct ctl_dp *dp = ctl_dp_connected(h->ctl, c, h->now_ns);
    sw_conn_set_user(c, dp);
    if (!dp)
        sw_conn_close(c);
}

static void host_on_message(struct sw_conn *c, const uint8_t *msg, size_t len, void *arg)
{
    struct sw_ctlhost *h = arg;
    struct ctl_dp *dp = sw_conn_get_user(c);
    if (dp)
        ctl_dp_message(h->ctl, dp, msg, len, h->now_ns);
}

static void host_on_disconnect(struct sw_conn *c, void *arg)
{
    struct sw_ctlhost *h = arg;
    struct ctl_dp *dp = sw_conn_get_user(c);
    if (dp)
        ctl_dp_disconnected(h->ctl, dp, h->now_ns);
    sw_conn_set_user(c, NULL);
}

struct sw_ctlhost *sw_ctlhost_create(const char *apps, ctl_read_file_fn *rf, void *rf_arg,
                                     char *err, size_t errlen)
{
    struct sw_ctlhost *h = os_calloc(1, sizeof *h);
    if (!h || !(h->ctl = ctl_create(host_send))) {
        snprintf(err, errlen, "out of memory");
        os_free(h);
        return NULL;
    }
    if (ctl_add_apps(h->ctl, apps, rf, rf_arg, err, errlen) < 0) {
        sw_ctlhost_destroy(h);
        return NULL;
    }
    struct sw_connmgr_cbs cbs = { host_on_connect, host_on_message, host_on_disconnect, h };
    struct sw_connmgr_config mc = { .tx_max_bytes = 8u << 20 };
    h->mgr = sw_connmgr_create(&mc, &cbs);
    if (!h->mgr) {
        snprintf(err, errlen, "out of memory");
        sw_ctlhost_destroy(h);
        return NULL;
    }
    return h;
}

void sw_ctlhost_destroy(struct sw_ctlhost *h)
{
    if (!h)
        return;
    sw_connmgr_destroy(h->mgr); /* no callbacks: the handles die here */
    ctl_destroy(h->ctl);        /* apps leave; nothing is sent */
    os_free(h);
}

struct sw_connmgr *sw_ctlhost_connmgr(struct sw_ctlhost *h)
{
    return h->mgr;
}

struct ctl *sw_ctlhost_ctl(struct sw_ctlhost *h)
{
    return h->ctl;
}

void sw_ctlhost_run(struct sw_ctlhost *h, uint64_t now_ns)
{
    h->now_ns = now_ns;
    sw_connmgr_run(h->mgr, now_ns);
}
