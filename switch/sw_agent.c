/* sw_agent.c — the OpenFlow 1.0 agent: lifecycle, dispatch, simple requests. */
#include "sw_agent.h"

#include <errno.h>
#include <string.h>

#include "datapath/dp_pipeline.h"
#include "os/byteorder.h"
#include "os/log.h"
#include "os/mem.h"
#include "sw_agent_priv.h"
#include "sw_conn.h"
#include "sw_connmgr.h"

struct sw_agent *sw_agent_create(struct dp *dp, struct pkt_pool *pool, uint64_t dpid)
{
    struct sw_agent *a = os_calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->dp = dp;
    a->pool = pool;
    a->dpid = dpid;
    a->frag_flags = OFPC_FRAG_NORMAL;
    a->miss_send_len = OFP_DEFAULT_MISS_SEND_LEN;
    sw_pktbuf_init(&a->bufs);
    dp_set_miss_send_len(dp, a->miss_send_len);
    return a;
}

void sw_agent_set_connmgr(struct sw_agent *a, struct sw_connmgr *mgr)
{
    a->mgr = mgr;
}

void sw_agent_destroy(struct sw_agent *a)
{
    if (!a)
        return;
    sw_pktbuf_clear(&a->bufs);
    os_free(a);
}

struct ofp_buf *sw_agent_scratch(struct sw_agent *a, struct ofp_buf *b)
{
    ofp_buf_init(b, a->scratch, sizeof a->scratch);
    return b;
}

int sw_agent_send_buf(struct sw_agent *a, struct sw_conn *conn, const struct ofp_buf *b)
{
    int rc = 0;
    for (size_t off = 0; off + OFP_HEADER_LEN <= b->len;) {
        size_t len = os_get_be16(b->data + off + 2);
        if (len < OFP_HEADER_LEN || off + len > b->len)
            break; /* cannot happen with the encoders; never send a torn message */
        bool ok = conn ? sw_conn_send(conn, b->data + off, len) == 0
                       : sw_connmgr_broadcast(a->mgr, b->data + off, len) >= 0;
        if (!ok) {
            a->stats.send_failures++;
            rc = -ENOBUFS;
        }
        off += len;
    }
    return rc;
}

int sw_agent_broadcast_async(struct sw_agent *a, const struct ofp_buf *b)
{
    if (b->len < OFP_HEADER_LEN || os_get_be16(b->data + 2) != b->len)
        return 0; /* cannot happen with the encoders: one whole message */
    int n = sw_connmgr_broadcast_async(a->mgr, b->data, b->len);
    if (n == 0)
        a->stats.async_dropped++;
    return n;
}

void sw_agent_error(const struct sw_req *r, uint16_t type, uint16_t code)
{
    struct ofp_buf b;
    sw_agent_scratch(r->a, &b);
    uint32_t xid = r->len >= OFP_HEADER_LEN ? os_get_be32(r->raw + 4) : 0;
    if (ofp_encode_error(&b, xid, type, code, r->raw, r->len) > 0) {
        sw_agent_send_buf(r->a, r->conn, &b);
        r->a->stats.errors_sent++;
    }
}

bool sw_agent_port_exists(uint16_t port_no, void *agent)
{
    struct sw_agent *a = agent;
    return dp_port_netdev(a->dp, port_no) != NULL;
}

/* Answers GET_CONFIG_REQUEST.  Returns nothing. */
static void get_config(const struct sw_req *r)
{
    struct ofp_buf b;
    sw_agent_scratch(r->a, &b);
    ofp_encode_config(&b, OFPT_GET_CONFIG_REPLY, r->msg->xid, r->a->frag_flags,
                      r->a->miss_send_len);
    sw_agent_send_buf(r->a, r->conn, &b);
}

/* Applies SET_CONFIG.  OFPC_FRAG_REASM is not offered (not in the
 * capabilities): it is treated as NORMAL, as Open vSwitch does.
 * Returns nothing (SET_CONFIG has no reply and no error in OF1.0). */
static void set_config(const struct sw_req *r)
{
    struct sw_agent *a = r->a;
    uint16_t frag = r->msg->u.config.flags & OFPC_FRAG_MASK;
    if (dp_set_frag_mode(a->dp, frag == OFPC_FRAG_DROP ? DP_FRAG_DROP : DP_FRAG_NORMAL))
        OS_WARN("agent", "set_config: fragment mode %u not supported", frag);
    a->frag_flags = frag == OFPC_FRAG_DROP ? OFPC_FRAG_DROP : OFPC_FRAG_NORMAL;
    a->miss_send_len = r->msg->u.config.miss_send_len;
    dp_set_miss_send_len(a->dp, a->miss_send_len);
}

/* Answers a request with a header-only reply of `type`.  Returns nothing. */
static void simple_reply(const struct sw_req *r, uint8_t type)
{
    struct ofp_buf b;
    sw_agent_scratch(r->a, &b);
    ofp_encode_simple(&b, type, r->msg->xid);
    sw_agent_send_buf(r->a, r->conn, &b);
}

/* Routes one decoded request.  Returns nothing. */
static void dispatch(const struct sw_req *r)
{
    switch (r->msg->type) {
    case OFPT_FEATURES_REQUEST: sw_agent_features(r); break;
    case OFPT_GET_CONFIG_REQUEST: get_config(r); break;
    case OFPT_SET_CONFIG: set_config(r); break;
    case OFPT_FLOW_MOD: sw_agent_flow_mod(r); break;
    case OFPT_PACKET_OUT: sw_agent_packet_out(r); break;
    case OFPT_PORT_MOD: sw_agent_port_mod(r); break;
    case OFPT_STATS_REQUEST: sw_agent_stats_request(r); break;
    case OFPT_BARRIER_REQUEST: simple_reply(r, OFPT_BARRIER_REPLY); break;
    case OFPT_QUEUE_GET_CONFIG_REQUEST: sw_agent_queue_config(r); break;
    case OFPT_HELLO: case OFPT_ECHO_REQUEST: case OFPT_ECHO_REPLY:
        break; /* never here: sw_conn answers them (other versions fail decoding) */
    case OFPT_ERROR:
        OS_INFO("agent", "%s reported error type %u code %u", sw_conn_name(r->conn),
                r->msg->u.error.type, r->msg->u.error.code);
        break;
    default: /* messages only a switch sends */
        sw_agent_error(r, OFPET_BAD_REQUEST, OFPBRC_BAD_TYPE);
        break;
    }
}

void sw_agent_on_message(struct sw_conn *c, const uint8_t *raw, size_t len, void *arg)
{
    struct sw_agent *a = arg;
    static struct ofp_msg msg; /* ~10 KiB: too large for the stack; single-threaded */
    struct ofp_err err;
    struct sw_req r = { a, c, raw, len, &msg };

    a->stats.rx_msgs++;
    if (ofp_decode(raw, len, &msg, &err)) {
        sw_agent_error(&r, err.type, err.code);
        return;
    }
    dispatch(&r);
}

void sw_agent_on_connect(struct sw_conn *c, void *arg)
{
    OS_INFO("agent", "%s connected", sw_conn_name(c));
}

void sw_agent_on_disconnect(struct sw_conn *c, void *arg)
{
    OS_INFO("agent", "%s disconnected (%s)", sw_conn_name(c),
            sw_conn_reason_name(sw_conn_close_reason(c)));
}

void sw_agent_run(struct sw_agent *a, uint64_t now_ns)
{
    a->now_ns = now_ns;
    struct dp_table *t = dp_table(a->dp);
    if (dp_table_next_expiry(t) <= now_ns)
        dp_table_expire(t, now_ns, sw_agent_flow_removed, a);
    sw_agent_drain_upcalls(a);
    if (now_ns >= a->next_link_poll) {
        sw_agent_poll_links(a, false);
        sw_pktbuf_expire(&a->bufs, now_ns);
        a->next_link_poll = now_ns + SW_AGENT_LINK_POLL_NS;
    }
}

void sw_agent_set_now(struct sw_agent *a, uint64_t now_ns)
{
    a->now_ns = now_ns;
}

/* Returns true when some port's carrier must be polled on a timer (its
 * changes do not wake a halted CPU). */
static bool links_need_timer(const struct sw_agent *a)
{
    uint16_t nos[DP_MAX_PORTS];
    unsigned n = dp_ports(a->dp, nos, DP_MAX_PORTS);
    for (unsigned i = 0; i < n; i++) {
        const struct netdev *dev = dp_port_netdev(a->dp, nos[i]);
        if (dev && dev->cls->poll_link && !dev->link_wakes)
            return true;
    }
    return false;
}

uint64_t sw_agent_next_deadline(const struct sw_agent *a)
{
    uint64_t t = dp_table_next_expiry(dp_table(a->dp));
    uint64_t h = a->next_link_poll;
    if (!links_need_timer(a))
        h = sw_pktbuf_count(&a->bufs) ? a->next_link_poll - SW_AGENT_LINK_POLL_NS +
                                            SW_AGENT_IDLE_HOUSEKEEPING_NS
                                      : UINT64_MAX;
    return t < h ? t : h;
}

const struct sw_agent_stats *sw_agent_stats(const struct sw_agent *a)
{
    return &a->stats;
}
