/* sw_agent_stats.c — every OpenFlow 1.0 statistics request. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "datapath/dp_pipeline.h"
#include "os/clock.h"
#include "os/netdev.h"
#include "sw_agent_priv.h"
#include "sw_flowconv.h"

#define STATS_MSG_MAX 16384 /* bytes per STATS_REPLY; longer replies are split */
#define SW_EMERG_TABLE_ID 0xfe /* the emergency table in flow/aggregate requests */

/* A list reply under construction: the writer appends into the agent's
 * scratch buffer, and finished messages are sent as the buffer fills, so
 * a reply of any length needs 64 KiB of memory. */
struct list_reply {
    const struct sw_req *r;
    struct ofp_buf b;
    struct ofp_stats_writer w;
    int failed;
};

static void list_init(struct list_reply *l, const struct sw_req *r, uint16_t type)
{
    l->r = r;
    l->failed = 0;
    sw_agent_scratch(r->a, &l->b);
    ofp_stats_writer_init(&l->w, &l->b, r->msg->xid, type, STATS_MSG_MAX);
}

/* Sends the finished messages of l and keeps the open one at the start of
 * the buffer.  Returns nothing. */
static void list_flush(struct list_reply *l)
{
    size_t done = l->w.cur == SIZE_MAX ? l->b.len : l->w.cur;
    struct ofp_buf sent = { l->b.data, done, l->b.cap };
    if (sw_agent_send_buf(l->r->a, l->r->conn, &sent))
        l->failed = 1;
    memmove(l->b.data, l->b.data + done, l->b.len - done);
    l->b.len -= done;
    l->w.start = 0;
    if (l->w.cur != SIZE_MAX)
        l->w.cur = 0;
}

/* Adds one entry with `add`, flushing when the buffer is full.  Returns
 * nothing (an entry that cannot fit at all is skipped). */
#define LIST_ADD(l, add, e)                                \
    do {                                                   \
        if (add(&(l)->w, (e)) == -ENOSPC) {                \
            list_flush(l);                                 \
            add(&(l)->w, (e));                             \
        }                                                  \
    } while (0)

static void list_finish(struct list_reply *l)
{
    if (ofp_stats_writer_finish(&l->w) < 0) {
        list_flush(l);
        ofp_stats_writer_finish(&l->w);
    }
    l->w.cur = SIZE_MAX;
    list_flush(l);
}

static void desc_stats(const struct sw_req *r)
{
    static struct ofp_desc_info d;
    memset(&d, 0, sizeof d);
    snprintf(d.mfr_desc, sizeof d.mfr_desc, "Sluice developers");
    snprintf(d.hw_desc, sizeof d.hw_desc, "Sluice OpenFlow 1.0 switch");
    snprintf(d.sw_desc, sizeof d.sw_desc, "sluice 0.1");
    snprintf(d.serial_num, sizeof d.serial_num, "None");
    snprintf(d.dp_desc, sizeof d.dp_desc, "sluice dpid %016llx",
             (unsigned long long)r->a->dpid);
    struct ofp_buf b;
    sw_agent_scratch(r->a, &b);
    if (ofp_encode_desc_stats_reply(&b, r->msg->xid, &d) > 0)
        sw_agent_send_buf(r->a, r->conn, &b);
}

struct flow_walk {
    struct list_reply l;
    struct ofp_aggregate_info agg;
    bool aggregate;
    uint64_t now_ns;
};

/* Adds one flow to a FLOW or AGGREGATE reply.  Returns 0 (keep going). */
static int visit_flow(const struct dp_flow *f, void *arg)
{
    struct flow_walk *fw = arg;
    if (fw->aggregate) {
        fw->agg.packet_count += f->n_packets;
        fw->agg.byte_count += f->n_bytes;
        fw->agg.flow_count++;
        return 0;
    }
    static struct ofp_flow_stats_entry e;
    uint64_t age = fw->now_ns > f->created_ns ? fw->now_ns - f->created_ns : 0;
    unsigned n = f->n_actions < OF_MAX_ACTIONS ? f->n_actions : OF_MAX_ACTIONS;
    e.table_id = (f->flags & DP_FF_EMERG) ? SW_EMERG_TABLE_ID : 0;
    sw_match_from_dp(&f->match, &e.match);
    e.duration_sec = (uint32_t)(age / OS_NS_PER_SEC);
    e.duration_nsec = (uint32_t)(age % OS_NS_PER_SEC);
    e.priority = f->priority;
    e.idle_timeout = f->idle_timeout;
    e.hard_timeout = f->hard_timeout;
    e.cookie = f->cookie;
    e.packet_count = f->n_packets;
    e.byte_count = f->n_bytes;
    e.n_actions = (uint16_t)n;
    sw_actions_from_dp(f->actions, n, e.actions);
    LIST_ADD(&fw->l, ofp_stats_add_flow, &e);
    return 0;
}

/* FLOW and AGGREGATE: flows selected by a non-strict match and out_port.
 * Table ids as the OpenFlow 1.0 reference switch reads them: 0 and 0xff
 * (all tables) the flow table, SW_EMERG_TABLE_ID (0xfe) the emergency
 * table, which is not one of the switch's tables (TABLE statistics and
 * FEATURES list table 0 only), so flow, aggregate and table statistics agree.
 * Any other id selects nothing.  Returns nothing. */
static void flow_stats(const struct sw_req *r, bool aggregate)
{
    const struct ofp_flow_stats_req *q = &r->msg->u.stats_request.u.flow;
    static struct flow_walk fw;
    struct dp_match filter;

    memset(&fw, 0, sizeof fw);
    fw.aggregate = aggregate;
    fw.now_ns = r->a->now_ns;
    list_init(&fw.l, r, OFPST_FLOW);
    sw_match_to_dp(&q->match, &filter);
    const struct dp_table *t = dp_table(r->a->dp);
    if (q->table_id == 0 || q->table_id == 0xff)
        dp_table_visit(t, &filter, q->out_port, false, visit_flow, &fw);
    else if (q->table_id == SW_EMERG_TABLE_ID)
        dp_table_visit(t, &filter, q->out_port, true, visit_flow, &fw);
    if (!aggregate) {
        list_finish(&fw.l);
        return;
    }
    struct ofp_buf b;
    sw_agent_scratch(r->a, &b);
    if (ofp_encode_aggregate_stats_reply(&b, r->msg->xid, &fw.agg) > 0)
        sw_agent_send_buf(r->a, r->conn, &b);
}

static void table_stats(const struct sw_req *r)
{
    struct dp_table_stats ts;
    struct ofp_table_stats_entry e;
    struct list_reply l;

    dp_table_get_stats(dp_table(r->a->dp), &ts);
    memset(&e, 0, sizeof e);
    e.table_id = 0;
    snprintf(e.name, sizeof e.name, "classifier");
    e.wildcards = OFPFW_ALL;
    e.max_entries = ts.max;
    e.active_count = ts.active;
    e.lookup_count = ts.lookups;
    e.matched_count = ts.matched;
    list_init(&l, r, OFPST_TABLE);
    LIST_ADD(&l, ofp_stats_add_table, &e);
    list_finish(&l);
}

/* PORT: one port, or every port for OFPP_NONE.  Returns nothing. */
static void port_stats(const struct sw_req *r)
{
    uint16_t want = r->msg->u.stats_request.u.port_no;
    uint16_t nos[DP_MAX_PORTS];
    unsigned n = dp_ports(r->a->dp, nos, DP_MAX_PORTS);
    struct list_reply l;

    list_init(&l, r, OFPST_PORT);
    for (unsigned i = 0; i < n; i++) {
        const struct netdev *dev = dp_port_netdev(r->a->dp, nos[i]);
        if (!dev || (want != OFPP_NONE && want != nos[i]))
            continue;
        const struct netdev_stats *s = &dev->stats;
        struct ofp_port_stats_entry e = {
            .port_no = nos[i],
            .rx_packets = s->rx_packets, .tx_packets = s->tx_packets,
            .rx_bytes = s->rx_bytes, .tx_bytes = s->tx_bytes,
            .rx_dropped = s->rx_dropped, .tx_dropped = s->tx_dropped,
            .rx_errors = s->rx_errors, .tx_errors = s->tx_errors,
            .rx_frame_err = s->rx_frame_err, .rx_over_err = s->rx_over_err,
            .rx_crc_err = s->rx_crc_err, .collisions = s->collisions,
        };
        LIST_ADD(&l, ofp_stats_add_port, &e);
    }
    list_finish(&l);
}

/* QUEUE: Sluice configures no queues, so the reply to "all queues" is
 * empty; a port that does not exist, or a particular queue, is an error.
 * Returns nothing. */
static void queue_stats(const struct sw_req *r)
{
    uint16_t port = r->msg->u.stats_request.u.queue.port_no;
    uint32_t queue = r->msg->u.stats_request.u.queue.queue_id;
    if (port != OFPP_ALL && !dp_port_netdev(r->a->dp, port)) {
        sw_agent_error(r, OFPET_QUEUE_OP_FAILED, OFPQOFC_BAD_PORT);
        return;
    }
    if (queue != OFPQ_ALL) {
        sw_agent_error(r, OFPET_QUEUE_OP_FAILED, OFPQOFC_BAD_QUEUE);
        return;
    }
    struct list_reply l;
    list_init(&l, r, OFPST_QUEUE);
    list_finish(&l);
}

void sw_agent_stats_request(const struct sw_req *r)
{
    switch (r->msg->u.stats_request.type) {
    case OFPST_DESC: desc_stats(r); break;
    case OFPST_FLOW: flow_stats(r, false); break;
    case OFPST_AGGREGATE: flow_stats(r, true); break;
    case OFPST_TABLE: table_stats(r); break;
    case OFPST_PORT: port_stats(r); break;
    case OFPST_QUEUE: queue_stats(r); break;
    default: sw_agent_error(r, OFPET_BAD_REQUEST, OFPBRC_BAD_STAT); break;
    }
}
