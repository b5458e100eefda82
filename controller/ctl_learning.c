/*
 * ctl_learning.c — the `learning` app: a MAC-learning switch.
 *
 * Per datapath a MAC table (ctl_mactable.h: MAC -> port, hashed,
 * CTL_MAC_ENTRIES entries, the least recently seen entry replaced when
 * full); an entry not refreshed for
 * CTL_LEARN_AGING_S seconds (300, Open vSwitch's default MAC aging time) is
 * forgotten, so a host that went quiet is flooded to again.  For each
 * packet_in:
 *  1. Learn: a unicast dl_src is recorded on in_port.  If it was known on
 *     another port the host moved: the entry is updated and the flows that
 *     sent to it on the old port are deleted (OFPFC_DELETE dl_dst=MAC,
 *     out_port=OLD: only forwarding flows, never the firewall's drops).
 *  2. Forward: a group (broadcast/multicast) or unknown dl_dst is flooded
 *     with PACKET_OUT output:FLOOD (the buffered packet when buffer_id is
 *     set, else the data).  A known dl_dst on the ingress port is dropped:
 *     never sent back where it came from, so a miss never loops.  A known
 *     dl_dst elsewhere gets a flow — in_port, dl_src, dl_dst (all 12 fields
 *     when an earlier app asked for exact flows), idle_timeout
 *     the app's (CTL_LEARN_IDLE unless `learning=idle:N`), priority CTL_LEARN_PRIORITY, cookie CTL_LEARN_COOKIE,
 *     output:PORT — with the
 *     packet_in's buffer_id, so the switch forwards the buffered packet; an
 *     unbuffered packet is sent with a PACKET_OUT after the flow.
 * The in_port+dl_src part of the flow is what makes a moved host come back
 * to the controller: its packets no longer match any flow.
 * PORT_STATUS delete (or link down) forgets the MACs learned on that port
 * and deletes the flows that forward to them there.
 */
#include <string.h>

#include "ctl_app.h"
#include "ctl_mactable.h"
#include "openflow/ofp_match.h"
#include "os/log.h"
#include "os/mem.h"

#define CTL_LEARN_AGING_NS (CTL_LEARN_AGING_S * 1000000000ull)
#define CTL_LEARN_PRIORITY 0x1000
#define CTL_LEARN_COOKIE 0x1ea70000ull  /* marks the flows this app installs */

struct learn_cfg {
    uint16_t idle_timeout;         /* of the flows installed, seconds */
};

/* Deletes the flows that forward to `mac` on `port`. */
static void delete_flows_to(struct ctl_dp *dp, const uint8_t mac[6], uint16_t port)
{
    struct of_flow_mod fm;
    memset(&fm, 0, sizeof fm);
    ofp_match_init_catchall(&fm.match);
    fm.match.wildcards &= ~(uint32_t)OFPFW_DL_DST;
    memcpy(fm.match.dl_dst, mac, 6);
    fm.command = OFPFC_DELETE;
    fm.buffer_id = OFP_NO_BUFFER;
    fm.out_port = port;
    ctl_send_flow_mod(dp, &fm);
}

/* Records the source of a packet.  Returns nothing. */
static void learn_source(struct ctl_dp *dp, struct ctl_mactable *t, const struct of_match *k,
                         uint64_t now)
{
    if (ctl_eth_is_group(k->dl_src) || k->in_port >= OFPP_MAX)
        return;
    struct ctl_mac_entry *e = ctl_mac_find(t, k->dl_src, now);
    if (e && e->port != k->in_port) {
        OS_INFO("learning", "%016llx: %02x:%02x:%02x:%02x:%02x:%02x moved %u -> %u",
                (unsigned long long)dp->dpid, k->dl_src[0], k->dl_src[1], k->dl_src[2],
                k->dl_src[3], k->dl_src[4], k->dl_src[5], e->port, k->in_port);
        delete_flows_to(dp, k->dl_src, e->port);
    }
    if (!e) {
        ctl_mac_add(t, k->dl_src, k->in_port, now);
        return;
    }
    e->port = k->in_port;
    e->seen_ns = now;
}

/* Sends the packet of `pi` out with one output action to `port`. */
static void packet_out(struct ctl_dp *dp, const struct ofp_packet_in_msg *pi, uint16_t port)
{
    struct ofp_packet_out_msg po;
    memset(&po, 0, sizeof po);
    po.buffer_id = pi->buffer_id;
    po.in_port = pi->in_port;
    po.n_actions = 1;
    po.actions[0].type = OFPAT_OUTPUT;
    po.actions[0].u.output.port = port;
    if (pi->buffer_id == OFP_NO_BUFFER) {
        if (pi->data.len < pi->total_len)
            return; /* truncated and not buffered: nothing whole to send */
        po.data = pi->data;
    }
    ctl_send_packet_out(dp, &po);
}

/* Installs the flow for a packet to `port` (see the top of the file). */
static void install_flow(struct ctl_dp *dp, const struct ctl_pi_ctx *ctx, uint16_t port,
                         uint16_t idle_timeout)
{
    struct of_flow_mod fm;
    const struct of_match *k = &ctx->pkt->key;
    memset(&fm, 0, sizeof fm);
    if (ctx->exact_flows) {
        fm.match = *k;
    } else {
        ofp_match_init_catchall(&fm.match);
        fm.match.wildcards &= ~(uint32_t)(OFPFW_IN_PORT | OFPFW_DL_SRC | OFPFW_DL_DST);
        fm.match.in_port = k->in_port;
        memcpy(fm.match.dl_src, k->dl_src, 6);
        memcpy(fm.match.dl_dst, k->dl_dst, 6);
    }
    fm.command = OFPFC_ADD;
    fm.cookie = CTL_LEARN_COOKIE;
    fm.idle_timeout = idle_timeout;
    fm.priority = CTL_LEARN_PRIORITY;
    fm.buffer_id = ctx->pi->buffer_id;
    fm.out_port = OFPP_NONE;
    fm.n_actions = 1;
    fm.actions[0].type = OFPAT_OUTPUT;
    fm.actions[0].u.output.port = port;
    ctl_send_flow_mod(dp, &fm);
    if (ctx->pi->buffer_id == OFP_NO_BUFFER)
        packet_out(dp, ctx->pi, port);
}

static enum ctl_verdict learning_packet_in(struct ctl_app *app, struct ctl_dp *dp,
                                           struct ctl_pi_ctx *ctx)
{
    struct ctl_mactable *t = dp->app_state[app->index];
    const struct learn_cfg *cfg = app->priv;
    const struct of_match *k = &ctx->pkt->key;
    if (!t || !ctx->pkt->valid)
        return CTL_CONTINUE;
    uint64_t now = ctl_now(app->ctl);
    learn_source(dp, t, k, now);
    struct ctl_mac_entry *dst =
        ctl_eth_is_group(k->dl_dst) ? NULL : ctl_mac_find(t, k->dl_dst, now);
    if (!dst)
        packet_out(dp, ctx->pi, OFPP_FLOOD);
    else if (dst->port != k->in_port)
        install_flow(dp, ctx, dst->port, cfg->idle_timeout);
    /* else: the destination is where the packet came from: drop it. */
    return CTL_CONTINUE;
}

static void learning_join(struct ctl_app *app, struct ctl_dp *dp)
{
    struct ctl_mactable *t = os_malloc(sizeof *t);
    if (t)
        ctl_mac_init(t, CTL_LEARN_AGING_NS);
    dp->app_state[app->index] = t;
    if (!t)
        OS_ERR("learning", "%016llx: out of memory: not learning",
               (unsigned long long)dp->dpid);
}

static void learning_leave(struct ctl_app *app, struct ctl_dp *dp)
{
    os_free(dp->app_state[app->index]);
    dp->app_state[app->index] = NULL;
}

static void learning_port_status(struct ctl_app *app, struct ctl_dp *dp, uint8_t reason,
                                 const struct ofp_port_desc *port)
{
    struct ctl_mactable *t = dp->app_state[app->index];
    bool gone = reason == OFPPR_DELETE || (port->state & OFPPS_LINK_DOWN) ||
                (port->config & OFPPC_PORT_DOWN);
    if (!t || !gone)
        return;
    for (size_t i = 0; i < CTL_MAC_ENTRIES; i++) {
        if (t->e[i].port != port->port_no)
            continue;
        /* the host was unplugged: its flows must not keep sending to the
         * dead port once it reappears elsewhere (it is flooded to until) */
        delete_flows_to(dp, t->e[i].mac, port->port_no);
        ctl_mac_remove(t, &t->e[i]);
    }
}

static const struct ctl_app_ops learning_ops = {
    .name = "learning",
    .join = learning_join,
    .leave = learning_leave,
    .packet_in = learning_packet_in,
    .port_status = learning_port_status,
};

struct ctl_app *ctl_learning_create(uint16_t idle_timeout)
{
    struct ctl_app *app = ctl_app_alloc(&learning_ops, sizeof(struct learn_cfg));
    if (app)
        ((struct learn_cfg *)app->priv)->idle_timeout = idle_timeout;
    return app;
}
