/* sw_switch.c — one switch instance: ports, datapath, flows, the run loop. */
#include "sw_switch.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "datapath/dp_pipeline.h"
#include "datapath/dp_table.h"
#include "openflow/ofp_parse.h"
#include "openflow/ofp_print.h"
#include "os/clock.h"
#include "os/log.h"
#include "os/mem.h"
#include "os/netdev.h"
#include "os/pkt.h"
#include "sw_agent.h"
#include "sw_connmgr.h"
#include "sw_embed.h"
#include "sw_flowconv.h"

#define EMBED_ROUNDS 8   /* switch <-> embedded controller turns per step */

struct sw_switch {
    struct sw_config cfg;
    struct pkt_pool *pool;
    struct dp *dp;
    struct netdev *ports[SW_MAX_PORTS]; /* port i+1 */
    unsigned n_ports;
    struct sw_connmgr *mgr;
    struct sw_agent *agent;
    struct sw_embed *embed;  /* --app: the embedded controller, or NULL */
    uint64_t dpid;
    bool had_controller;  /* an active controller was connected last step */
    bool replay;
    uint64_t replay_now; /* timestamp of the last replayed packet */
    struct sw_stats stats;
};

static bool port_exists(uint16_t port_no, void *arg)
{
    const struct sw_switch *sw = arg;
    return port_no >= 1 && port_no <= sw->n_ports;
}

/* Returns the datapath id: --dpid, or the first port's MAC. */
static uint64_t pick_dpid(const struct sw_switch *sw)
{
    if (sw->cfg.dpid || sw->n_ports == 0)
        return sw->cfg.dpid;
    uint64_t id = 0;
    for (int i = 0; i < 6; i++)
        id = id << 8 | sw->ports[0]->mac[i];
    return id;
}

/* Creates the OpenFlow agent and its connections (--controller,
 * --listen).  Returns 0 or a negative errno with the reason in err. */
static int create_channel(struct sw_switch *sw, char *err, size_t errlen)
{
    sw->dpid = pick_dpid(sw);
    /* Retry a lost controller twice a second at least (back-off 0.1 s to
     * 0.5 s), so the switch is back within a second of its controller. */
    struct sw_connmgr_config mc = {
        .tx_max_bytes = 32u << 20,  /* one reply (a flow dump) may be this large */
        .backoff_max_ns = 500 * OS_NS_PER_MS,
        .max_passive = sw->cfg.max_connections,
        .queue_budget = (size_t)sw->cfg.queue_budget_mb << 20,
    };
    sw->agent = sw_agent_create(sw->dp, sw->pool, sw->dpid);
    struct sw_connmgr_cbs cbs = { sw_agent_on_connect, sw_agent_on_message,
                                  sw_agent_on_disconnect, sw->agent };
    sw->mgr = sw->agent ? sw_connmgr_create(&mc, &cbs) : NULL;
    if (!sw->mgr) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    sw_agent_set_connmgr(sw->agent, sw->mgr);
    for (unsigned i = 0; i < sw->cfg.n_controllers; i++) {
        int rc = sw_connmgr_add_target(sw->mgr, sw->cfg.controllers[i]);
        if (rc) {
            snprintf(err, errlen, "--controller %s: %s", sw->cfg.controllers[i],
                     rc == -EINVAL ? "invalid (expected tcp:HOST[:PORT])" : strerror(-rc));
            return rc;
        }
    }
    for (unsigned i = 0; i < sw->cfg.n_listens; i++) {
        int rc = sw_connmgr_add_listener(sw->mgr, sw->cfg.listens[i]);
        if (rc < 0) {
            snprintf(err, errlen, "--listen %s: cannot listen: %s", sw->cfg.listens[i],
                     strerror(-rc));
            return rc;
        }
    }
    return 0;
}

int sw_switch_create(const struct sw_config *cfg, struct sw_switch **out, char *err,
                     size_t errlen)
{
    struct sw_switch *sw = os_calloc(1, sizeof *sw);
    if (!sw) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    sw->cfg = *cfg;
    sw->pool = pkt_pool_create(cfg->n_packets, cfg->packet_slot ? cfg->packet_slot
                                                                : PKT_DEFAULT_SLOT,
                               PKT_DEFAULT_HEADROOM);
    struct dp_config dcfg = {
        .max_flows = cfg->max_flows,
        .upcall_queue_len = 1024,
        .pool = sw->pool,
    };
    sw->dp = sw->pool ? dp_create(&dcfg) : NULL;
    if (!sw->dp) {
        snprintf(err, errlen, "cannot allocate %u packet buffers and the datapath",
                 cfg->n_packets);
        sw_switch_destroy(sw);
        return -ENOMEM;
    }
    sw->replay = cfg->n_ports > 0;
    for (unsigned i = 0; i < cfg->n_ports; i++) {
        struct netdev *dev;
        int rc = netdev_open(cfg->ports[i], sw->pool, &dev);
        if (rc) {
            snprintf(err, errlen, "--port %s: cannot open: %s", cfg->ports[i], strerror(-rc));
            sw_switch_destroy(sw);
            return rc;
        }
        sw->ports[sw->n_ports++] = dev;
        rc = dp_add_port(sw->dp, dev, (uint16_t)(i + 1));
        if (rc) {
            snprintf(err, errlen, "--port %s: datapath refused it: %s", cfg->ports[i],
                     strerror(-rc));
            sw_switch_destroy(sw);
            return rc;
        }
        if (!dev->rx_finite)
            sw->replay = false;
    }
    if (cfg->fail_mode == SW_FAIL_STANDALONE)
        dp_set_miss_mode(sw->dp, DP_MISS_NORMAL);
    int rc = create_channel(sw, err, errlen);
    if (rc) {
        sw_switch_destroy(sw);
        return rc;
    }
    *out = sw;
    return 0;
}

int sw_switch_add_local_port(struct sw_switch *sw, struct netdev *dev)
{
    return dp_add_port(sw->dp, dev, DP_PORT_LOCAL);
}

void sw_switch_destroy(struct sw_switch *sw)
{
    if (!sw)
        return;
    sw_connmgr_destroy(sw->mgr);
    sw_embed_destroy(sw->embed);
    sw_agent_destroy(sw->agent);
    if (sw->dp)
        dp_destroy(sw->dp);
    for (unsigned i = 0; i < sw->n_ports; i++)
        netdev_close(sw->ports[i]);
    if (sw->pool)
        pkt_pool_destroy(sw->pool);
    os_free(sw);
}

struct load_ctx {
    struct sw_switch *sw;
    uint64_t now_ns;
    int added;
};

/* Installs one parsed flow (an ofp_parse_flow_cb).  Returns 0, or a
 * negative errno with the reason in why. */
static int load_one(const struct of_flow_mod *fm, unsigned line, void *arg, char *why,
                    size_t whylen)
{
    struct load_ctx *c = arg;
    struct dp_action acts[OF_MAX_ACTIONS];
    struct dp_flow_mod dfm;
    struct sw_ofp_error oe;
    int rc = sw_flow_mod_to_dp(fm, port_exists, c->sw, &dfm, acts, &oe);
    if (rc) {
        snprintf(why, whylen, "invalid flow (OpenFlow error type %u code %u%s)", oe.type,
                 oe.code, oe.type == OFPET_BAD_ACTION && oe.code == OFPBAC_BAD_OUT_PORT
                              ? ": output to a port that does not exist" : "");
        return -EINVAL;
    }
    rc = dp_table_apply(dp_table(c->sw->dp), &dfm, c->now_ns, NULL, NULL);
    if (rc) {
        snprintf(why, whylen, "%s",
                 rc == -ENOSPC ? "flow table full (see --max-flows)"
                 : rc == -EEXIST ? "overlaps an existing flow (check_overlap)"
                 : rc == -EINVAL ? "emergency flows cannot have timeouts"
                 : strerror(-rc));
        return rc;
    }
    c->added++;
    c->sw->stats.flows_loaded++;
    return 0;
}

int sw_switch_load_flows(struct sw_switch *sw, const char *text, const char *name,
                         uint64_t now_ns, char *err, size_t errlen)
{
    struct load_ctx c = { sw, now_ns, 0 };
    int rc = ofp_parse_flows(text, name, OFP_PARSE_ADD, load_one, &c, err, errlen);
    return rc < 0 ? rc : c.added;
}

bool sw_switch_is_replay(const struct sw_switch *sw)
{
    return sw->replay;
}

/* Returns the index of the port with the earliest pending packet, or -1. */
static int replay_next_port(struct sw_switch *sw, uint64_t *ts_out)
{
    int best = -1;
    uint64_t best_ts = UINT64_MAX;
    for (unsigned i = 0; i < sw->n_ports; i++) {
        uint64_t ts;
        if (netdev_next_rx_ts(sw->ports[i], &ts) == 0 && (best < 0 || ts < best_ts)) {
            best = (int)i;
            best_ts = ts;
        }
    }
    *ts_out = best_ts;
    return best;
}

uint64_t sw_switch_replay_now(const struct sw_switch *sw)
{
    return sw->replay_now;
}

uint64_t sw_switch_replay_next_ts(struct sw_switch *sw)
{
    uint64_t ts;
    replay_next_port(sw, &ts);
    return ts;
}

/* Follows the controller connection for the fail modes: standalone
 * switches misses by NORMAL while no controller is connected; emergency
 * flows take over when the connection to a controller is lost.  Returns
 * nothing. */
static void track_controller(struct sw_switch *sw)
{
    bool has = sw_connmgr_has_controller(sw->mgr);
    if (has == sw->had_controller)
        return;
    sw->had_controller = has;
    if (sw->cfg.fail_mode == SW_FAIL_STANDALONE)
        dp_set_miss_mode(sw->dp, has ? DP_MISS_UPCALL : DP_MISS_NORMAL);
    struct dp_table_stats ts;
    dp_table_get_stats(dp_table(sw->dp), &ts);
    dp_table_set_emergency(dp_table(sw->dp), !has && ts.n_emerg > 0);
    OS_INFO("switch", "controller %s", has ? "connected" : "lost");
}

/* Runs the channel and the agent at now_ns, and the embedded controller:
 * turns go back and forth while messages wait in the in-process channel
 * (bounded), so a packet_in is answered within the same step.  Returns
 * nothing. */
static void housekeeping(struct sw_switch *sw, uint64_t now_ns)
{
    sw_agent_set_now(sw->agent, now_ns); /* handlers below see this step's time */
    for (int round = 0; round < EMBED_ROUNDS; round++) {
        if (sw_connmgr_due(sw->mgr, now_ns) || (sw->embed && sw_embed_pending(sw->embed, false)))
            sw_connmgr_run(sw->mgr, now_ns);
        track_controller(sw);
        sw_agent_run(sw->agent, now_ns);
        sw_connmgr_flush(sw->mgr); /* this poll's packet_ins, one write */
        if (!sw->embed)
            return;
        sw_embed_run(sw->embed, now_ns);
        if (!sw_embed_pending(sw->embed, false))
            return;
    }
}

int sw_switch_start_apps(struct sw_switch *sw, ctl_read_file_fn *rf, void *rf_arg,
                         uint64_t now_ns, char *err, size_t errlen)
{
    if (!sw->cfg.apps || sw->embed)
        return 0;
    int rc = sw_embed_create(sw->mgr, sw->cfg.apps, rf, rf_arg, now_ns, &sw->embed, err,
                             errlen);
    if (rc)
        return rc;
    /* HELLO, FEATURES and the apps' first flows before the first packet. */
    sw_agent_set_now(sw->agent, now_ns);
    for (int i = 0; i < EMBED_ROUNDS; i++) {
        sw_connmgr_run(sw->mgr, now_ns);
        track_controller(sw);
        sw_agent_run(sw->agent, now_ns);
        sw_embed_run(sw->embed, now_ns);
        if (!sw_embed_pending(sw->embed, true) && ctl_stats(sw_embed_ctl(sw->embed))->dps_joined)
            break;
    }
    sw_connmgr_run(sw->mgr, now_ns);
    return 0;
}

bool sw_switch_replay_step(struct sw_switch *sw)
{
    uint64_t ts;
    int i = replay_next_port(sw, &ts);
    if (i < 0)
        return false;
    sw_agent_run(sw->agent, ts); /* timeouts due before this packet */
    dp_poll_port(sw->dp, (uint16_t)(i + 1), 1, ts);
    housekeeping(sw, ts);
    sw->replay_now = ts;
    return true;
}

unsigned sw_switch_step(struct sw_switch *sw, uint64_t now_ns)
{
    unsigned n = dp_poll(sw->dp, now_ns);
    housekeeping(sw, now_ns);
    return n;
}

uint64_t sw_switch_next_timeout(const struct sw_switch *sw)
{
    uint64_t a = sw_agent_next_deadline(sw->agent);
    uint64_t m = sw_connmgr_next_deadline(sw->mgr);
    if (sw->embed) {
        uint64_t e = sw_embed_pending(sw->embed, true) ? 0 : sw_embed_next_deadline(sw->embed);
        m = e < m ? e : m;
    }
    return a < m ? a : m;
}

int sw_switch_arm_wakeup(struct sw_switch *sw)
{
    int rc = 0;
    for (unsigned i = 0; i < sw->n_ports; i++) {
        int r = netdev_arm_rx_wakeup(sw->ports[i]);
        if (r == -EAGAIN)
            return -EAGAIN;
        if (r < 0)
            rc = r;
    }
    return rc;
}

void sw_switch_after_wakeup(struct sw_switch *sw)
{
    sw_agent_poll_links(sw->agent, true);
}

int sw_switch_attach_poll(struct sw_switch *sw, struct os_poll *poll)
{
    return sw_connmgr_attach_poll(sw->mgr, poll);
}

void sw_switch_for_each_wait_fd(const struct sw_switch *sw, void (*fn)(int fd, void *arg),
                                void *arg)
{
    for (unsigned i = 0; i < sw->n_ports; i++)
        if (sw->ports[i]->wait_fd >= 0)
            fn(sw->ports[i]->wait_fd, arg);
}

void sw_switch_flush_ports(struct sw_switch *sw)
{
    for (unsigned i = 0; i < sw->n_ports; i++)
        netdev_flush(sw->ports[i]);
}

void sw_switch_report_ports(const struct sw_switch *sw, sw_emit_fn *emit, void *arg)
{
    char line[256];
    for (unsigned i = 0; i < sw->n_ports; i++) {
        const struct netdev *d = sw->ports[i];
        const struct netdev_stats *s = &d->stats;
        snprintf(line, sizeof line,
                 "port %2u %-15s rx pkts=%" PRIu64 " bytes=%" PRIu64 " drop=%" PRIu64
                 " errs=%" PRIu64 " | tx pkts=%" PRIu64 " bytes=%" PRIu64 " drop=%" PRIu64
                 " errs=%" PRIu64,
                 i + 1, d->name, s->rx_packets, s->rx_bytes, s->rx_dropped, s->rx_errors,
                 s->tx_packets, s->tx_bytes, s->tx_dropped, s->tx_errors);
        emit(line, arg);
    }
}

struct report_ctx {
    sw_emit_fn *emit;
    void *arg;
    uint64_t now_ns;
};

/* Emits one flow in ovs-ofctl dump-flows style.  Returns 0 (keep going). */
static int report_flow(const struct dp_flow *f, void *arg)
{
    struct report_ctx *c = arg;
    struct of_match m;
    struct of_action acts[OF_MAX_ACTIONS];
    char match[512], actions[512], line[1200];
    unsigned n = f->n_actions < OF_MAX_ACTIONS ? f->n_actions : OF_MAX_ACTIONS;

    sw_match_from_dp(&f->match, &m);
    sw_actions_from_dp(f->actions, n, acts);
    ofp_format_match(&m, match, sizeof match);
    ofp_format_actions(acts, n, actions, sizeof actions);
    uint64_t age_ms = (c->now_ns - f->created_ns) / OS_NS_PER_MS;
    snprintf(line, sizeof line,
             " cookie=0x%" PRIx64 ", duration=%" PRIu64 ".%03us, n_packets=%" PRIu64
             ", n_bytes=%" PRIu64 ", priority=%u%s%s actions=%s",
             f->cookie, age_ms / 1000, (unsigned)(age_ms % 1000), f->n_packets, f->n_bytes,
             f->priority, match[0] ? "," : "", match, actions);
    c->emit(line, c->arg);
    return 0;
}

void sw_switch_report_flows(const struct sw_switch *sw, uint64_t now_ns, sw_emit_fn *emit,
                            void *arg)
{
    struct report_ctx c = { emit, arg, now_ns };
    struct dp_match all;
    struct dp_table_stats ts;
    char line[256];

    memset(&all, 0, sizeof all);
    dp_table_visit(dp_table(sw->dp), &all, DP_PORT_NONE, false, report_flow, &c);
    dp_table_get_stats(dp_table(sw->dp), &ts);
    snprintf(line, sizeof line,
             "table: active=%u lookups=%" PRIu64 " matched=%" PRIu64 " masks=%u"
             " | packet_in=%" PRIu64 " misses dropped=%" PRIu64 " OpenFlow msgs=%" PRIu64,
             ts.active, ts.lookups, ts.matched, ts.n_masks, sw_agent_stats(sw->agent)->packet_ins,
             sw_agent_stats(sw->agent)->misses_dropped, sw_agent_stats(sw->agent)->rx_msgs);
    emit(line, arg);
}

const struct sw_stats *sw_switch_stats(const struct sw_switch *sw)
{
    return &sw->stats;
}
