/* ctl.c — the controller core: datapaths, dispatch to apps, sending (ctl.h). */
#include "ctl.h"

#include <errno.h>
#include <string.h>

#include "ctl_app.h"
#include "openflow/ofp_encode.h"
#include "os/log.h"
#include "os/mem.h"

#define CTL_TX_BUF (OFP_MAX_MSG_LEN + 1)

struct ctl {
    ctl_send_fn *send;
    struct ctl_app *apps[CTL_MAX_APPS];
    size_t n_apps;
    struct ctl_dp *dps;
    uint64_t now_ns;
    struct ctl_stats st;
    struct ofp_msg *rx;            /* decode scratch (large: keep off the stack) */
    uint8_t *tx;                   /* encode scratch */
};

struct ctl *ctl_create(ctl_send_fn *send)
{
    struct ctl *ctl = os_calloc(1, sizeof *ctl);
    if (!ctl)
        return NULL;
    ctl->send = send;
    ctl->rx = os_malloc(sizeof *ctl->rx);
    ctl->tx = os_malloc(CTL_TX_BUF);
    if (!ctl->rx || !ctl->tx) {
        ctl_destroy(ctl);
        return NULL;
    }
    return ctl;
}

/* Runs leave() of every app on a joined dp.  Returns nothing. */
static void dp_leave(struct ctl *ctl, struct ctl_dp *dp)
{
    if (!dp->ready)
        return;
    for (size_t i = ctl->n_apps; i-- > 0;)
        if (ctl->apps[i]->ops->leave)
            ctl->apps[i]->ops->leave(ctl->apps[i], dp);
    dp->ready = false;
    ctl->st.dps_left++;
}

void ctl_destroy(struct ctl *ctl)
{
    if (!ctl)
        return;
    while (ctl->dps) {
        struct ctl_dp *dp = ctl->dps;
        ctl->dps = dp->next;
        dp_leave(ctl, dp);
        os_free(dp);
    }
    for (size_t i = 0; i < ctl->n_apps; i++)
        ctl_app_free(ctl->apps[i]);
    os_free(ctl->rx);
    os_free(ctl->tx);
    os_free(ctl);
}

int ctl_add_app(struct ctl *ctl, struct ctl_app *app)
{
    if (ctl->n_apps >= CTL_MAX_APPS) {
        ctl_app_free(app);
        return -ENOSPC;
    }
    app->index = (unsigned)ctl->n_apps;
    app->ctl = ctl;
    ctl->apps[ctl->n_apps++] = app;
    return 0;
}

size_t ctl_n_apps(const struct ctl *ctl)
{
    return ctl->n_apps;
}

uint64_t ctl_now(const struct ctl *ctl)
{
    return ctl->now_ns;
}

const struct ctl_stats *ctl_stats(const struct ctl *ctl)
{
    return &ctl->st;
}

struct ctl_dp *ctl_first_dp(const struct ctl *ctl)
{
    return ctl->dps;
}

const struct ofp_port_desc *ctl_dp_port(const struct ctl_dp *dp, uint16_t port_no)
{
    for (size_t i = 0; i < dp->n_ports; i++)
        if (dp->ports[i].port_no == port_no)
            return &dp->ports[i];
    return NULL;
}

/* ---- sending ---------------------------------------------------------------- */

uint32_t ctl_dp_xid(struct ctl_dp *dp)
{
    if (++dp->next_xid == 0)
        dp->next_xid = 1;
    return dp->next_xid;
}

int ctl_send_raw(struct ctl_dp *dp, const void *msg, size_t len)
{
    struct ctl *ctl = dp->ctl;
    int rc = ctl->send ? ctl->send(dp->handle, msg, len) : -ENOTCONN;
    if (rc == 0)
        ctl->st.tx_msgs++;
    else
        ctl->st.tx_failed++;
    return rc;
}

/* Sends what an encoder put in the scratch buffer.  Returns xid or an
 * error (the encoder's or the send's). */
static long send_encoded(struct ctl_dp *dp, int enc, const struct ofp_buf *b, uint32_t xid)
{
    if (enc < 0) {
        dp->ctl->st.tx_failed++;
        return enc;
    }
    int rc = ctl_send_raw(dp, b->data, b->len);
    return rc < 0 ? rc : (long)xid;
}

long ctl_send_flow_mod(struct ctl_dp *dp, const struct of_flow_mod *fm)
{
    struct ofp_buf b;
    uint32_t xid = ctl_dp_xid(dp);
    ofp_buf_init(&b, dp->ctl->tx, CTL_TX_BUF);
    return send_encoded(dp, ofp_encode_flow_mod(&b, xid, fm), &b, xid);
}

long ctl_send_packet_out(struct ctl_dp *dp, const struct ofp_packet_out_msg *po)
{
    struct ofp_buf b;
    uint32_t xid = ctl_dp_xid(dp);
    ofp_buf_init(&b, dp->ctl->tx, CTL_TX_BUF);
    return send_encoded(dp, ofp_encode_packet_out(&b, xid, po), &b, xid);
}

long ctl_send_stats_request(struct ctl_dp *dp, const struct ofp_stats_request_msg *r)
{
    struct ofp_buf b;
    uint32_t xid = ctl_dp_xid(dp);
    ofp_buf_init(&b, dp->ctl->tx, CTL_TX_BUF);
    return send_encoded(dp, ofp_encode_stats_request(&b, xid, r), &b, xid);
}

/* A header-only message of `type`.  Returns the xid or an error. */
static long send_simple(struct ctl_dp *dp, uint8_t type)
{
    struct ofp_buf b;
    uint32_t xid = ctl_dp_xid(dp);
    ofp_buf_init(&b, dp->ctl->tx, CTL_TX_BUF);
    return send_encoded(dp, ofp_encode_simple(&b, type, xid), &b, xid);
}

long ctl_send_barrier(struct ctl_dp *dp)
{
    return send_simple(dp, OFPT_BARRIER_REQUEST);
}

/* ---- datapaths ------------------------------------------------------------- */

struct ctl_dp *ctl_dp_connected(struct ctl *ctl, void *handle, uint64_t now_ns)
{
    struct ctl_dp *dp = os_calloc(1, sizeof *dp);
    if (!dp)
        return NULL;
    ctl->now_ns = now_ns;
    dp->ctl = ctl;
    dp->handle = handle;
    dp->next = ctl->dps;
    ctl->dps = dp;
    send_simple(dp, OFPT_FEATURES_REQUEST);
    struct ofp_buf b;
    ofp_buf_init(&b, ctl->tx, CTL_TX_BUF);
    send_encoded(dp, ofp_encode_config(&b, OFPT_SET_CONFIG, ctl_dp_xid(dp), OFPC_FRAG_NORMAL,
                                       CTL_MISS_SEND_LEN), &b, 0);
    return dp;
}

void ctl_dp_disconnected(struct ctl *ctl, struct ctl_dp *dp, uint64_t now_ns)
{
    ctl->now_ns = now_ns;
    for (struct ctl_dp **pp = &ctl->dps; *pp; pp = &(*pp)->next) {
        if (*pp == dp) {
            *pp = dp->next;
            dp_leave(ctl, dp);
            os_free(dp);
            return;
        }
    }
}

/* Adds, replaces or removes port `p` in dp's list. */
static void dp_port_update(struct ctl_dp *dp, uint8_t reason, const struct ofp_port_desc *p)
{
    for (size_t i = 0; i < dp->n_ports; i++) {
        if (dp->ports[i].port_no != p->port_no)
            continue;
        if (reason == OFPPR_DELETE)
            dp->ports[i] = dp->ports[--dp->n_ports];
        else
            dp->ports[i] = *p;
        return;
    }
    if (reason != OFPPR_DELETE && dp->n_ports < CTL_MAX_PORTS)
        dp->ports[dp->n_ports++] = *p;
}

static void on_features(struct ctl *ctl, struct ctl_dp *dp, const struct ofp_msg *m)
{
    dp->features = m->u.features.f;
    dp->dpid = m->u.features.f.datapath_id;
    dp->n_ports = 0;
    struct ofp_port_desc p;
    for (size_t i = 0; ofp_msg_port_at(m, i, &p); i++)
        dp_port_update(dp, OFPPR_ADD, &p);
    if (dp->ready)
        return;
    dp->ready = true;
    ctl->st.dps_joined++;
    OS_INFO("ctl", "datapath %016llx joined with %zu ports", (unsigned long long)dp->dpid,
            dp->n_ports);
    for (size_t i = 0; i < ctl->n_apps && dp->ready; i++)
        if (ctl->apps[i]->ops->join)
            ctl->apps[i]->ops->join(ctl->apps[i], dp);
}

static void on_packet_in(struct ctl *ctl, struct ctl_dp *dp, const struct ofp_msg *m)
{
    struct ctl_pkt pkt;
    const struct ofp_packet_in_msg *pi = &m->u.packet_in;
    ctl->st.packet_ins++;
    ctl_pkt_parse_cut(pi->data.data, pi->data.len, pi->total_len, pi->in_port, &pkt);
    struct ctl_pi_ctx ctx = { .pi = pi, .pkt = &pkt };
    for (size_t i = 0; i < ctl->n_apps; i++) {
        struct ctl_app *a = ctl->apps[i];
        if (a->ops->packet_in && a->ops->packet_in(a, dp, &ctx) == CTL_STOP)
            return;
    }
}

/* Calls handler `field` of every app with the arguments that follow. */
#define CTL_EACH_APP(ctl, field, ...)                                        \
    do {                                                                     \
        for (size_t i_ = 0; i_ < (ctl)->n_apps; i_++)                        \
            if ((ctl)->apps[i_]->ops->field)                                 \
                (ctl)->apps[i_]->ops->field((ctl)->apps[i_], __VA_ARGS__);   \
    } while (0)

static void dispatch(struct ctl *ctl, struct ctl_dp *dp, const struct ofp_msg *m)
{
    switch (m->type) {
    case OFPT_PACKET_IN:
        on_packet_in(ctl, dp, m);
        break;
    case OFPT_FLOW_REMOVED:
        CTL_EACH_APP(ctl, flow_removed, dp, &m->u.flow_removed);
        break;
    case OFPT_PORT_STATUS:
        dp_port_update(dp, m->u.port_status.reason, &m->u.port_status.desc);
        CTL_EACH_APP(ctl, port_status, dp, m->u.port_status.reason, &m->u.port_status.desc);
        break;
    case OFPT_STATS_REPLY:
        CTL_EACH_APP(ctl, stats_reply, dp, m);
        break;
    case OFPT_BARRIER_REPLY:
        CTL_EACH_APP(ctl, barrier_reply, dp, m->xid);
        break;
    case OFPT_ERROR:
        ctl->st.rx_errors++;
        OS_WARN("ctl", "datapath %016llx: error type %u code %u (xid %u)",
                (unsigned long long)dp->dpid, m->u.error.type, m->u.error.code, m->xid);
        CTL_EACH_APP(ctl, error, dp, m);
        break;
    default:
        break; /* GET_CONFIG_REPLY, QUEUE_GET_CONFIG_REPLY, requests: ignored */
    }
}

void ctl_dp_message(struct ctl *ctl, struct ctl_dp *dp, const uint8_t *msg, size_t len,
                    uint64_t now_ns)
{
    struct ofp_err err;
    ctl->now_ns = now_ns;
    ctl->st.rx_msgs++;
    if (ofp_decode(msg, len, ctl->rx, &err) < 0) {
        ctl->st.rx_bad++;
        OS_DBG("ctl", "undecodable message from %016llx (error %u/%u)",
               (unsigned long long)dp->dpid, err.type, err.code);
        return;
    }
    if (ctl->rx->type == OFPT_FEATURES_REPLY) {
        on_features(ctl, dp, ctl->rx);
        return;
    }
    if (!dp->ready && ctl->rx->type != OFPT_ERROR) {
        ctl->st.rx_not_ready++;
        return;
    }
    dispatch(ctl, dp, ctl->rx);
}
