/* sw_agent_flow.c — flow_mod, packet_out, packet_in and flow_removed. */
#include <errno.h>
#include <string.h>

#include "datapath/dp_pipeline.h"
#include "os/clock.h"
#include "os/log.h"
#include "os/pkt.h"
#include "sw_agent_priv.h"
#include "sw_connmgr.h"
#include "sw_flowconv.h"

/* Runs the actions of a just-installed flow on the buffered packet the
 * flow_mod named, as if the packet had been looked up again.  An unknown
 * buffer is reported (the flow stays installed).  Returns nothing. */
static void apply_to_buffer(const struct sw_req *r, const struct dp_flow_mod *dfm)
{
    struct sw_agent *a = r->a;
    uint16_t in_port;
    struct pkt *p = sw_pktbuf_take(&a->bufs, r->msg->u.flow_mod.buffer_id, a->now_ns, &in_port);
    if (!p) {
        sw_agent_error(r, OFPET_BAD_REQUEST, OFPBRC_BUFFER_UNKNOWN);
        return;
    }
    dp_execute_actions(a->dp, p, in_port, dfm->actions, dfm->n_actions, a->now_ns);
}

void sw_agent_flow_mod(const struct sw_req *r)
{
    struct sw_agent *a = r->a;
    const struct of_flow_mod *fm = &r->msg->u.flow_mod;
    static struct dp_action acts[OF_MAX_ACTIONS];
    struct dp_flow_mod dfm;
    struct sw_ofp_error e;

    if (sw_flow_mod_to_dp(fm, sw_agent_port_exists, a, &dfm, acts, &e)) {
        sw_agent_error(r, e.type, e.code);
        return;
    }
    int rc = dp_table_apply(dp_table(a->dp), &dfm, a->now_ns, sw_agent_flow_removed, a);
    if (sw_table_error(rc, &e)) {
        sw_agent_error(r, e.type, e.code);
        return;
    }
    bool adds = fm->command == OFPFC_ADD || fm->command == OFPFC_MODIFY ||
                fm->command == OFPFC_MODIFY_STRICT;
    if (adds && fm->buffer_id != OFP_NO_BUFFER)
        apply_to_buffer(r, &dfm);
}

/* Returns the packet a packet_out sends: the buffered one, or a new packet
 * holding the message's data; NULL after answering with an error. */
static struct pkt *packet_out_pkt(const struct sw_req *r, uint16_t *in_port)
{
    struct sw_agent *a = r->a;
    const struct ofp_packet_out_msg *po = &r->msg->u.packet_out;
    if (po->buffer_id != OFP_NO_BUFFER) {
        uint16_t buffered_port;
        struct pkt *p = sw_pktbuf_take(&a->bufs, po->buffer_id, a->now_ns, &buffered_port);
        if (!p)
            sw_agent_error(r, OFPET_BAD_REQUEST, OFPBRC_BUFFER_UNKNOWN);
        return p;
    }
    struct pkt *p = pkt_alloc(a->pool);
    if (!p) {
        sw_agent_error(r, OFPET_BAD_REQUEST, OFPBRC_BUFFER_EMPTY);
        return NULL;
    }
    uint8_t *d = pkt_put(p, (uint32_t)po->data.len);
    if (!d || po->data.len < 14) {
        pkt_free(p);
        sw_agent_error(r, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
        return NULL;
    }
    memcpy(d, po->data.data, po->data.len);
    p->in_port = *in_port;
    return p;
}

void sw_agent_packet_out(const struct sw_req *r)
{
    struct sw_agent *a = r->a;
    const struct ofp_packet_out_msg *po = &r->msg->u.packet_out;
    static struct dp_action acts[OF_MAX_ACTIONS];
    struct sw_ofp_error e;
    /* OpenFlow 1.0 does not forbid in_port 0 (not a valid port number); the
     * reference switch and Open vSwitch take it as "no input port". */
    uint16_t in_port = po->in_port == 0 ? OFPP_NONE : po->in_port;

    bool port_ok = in_port == OFPP_NONE || in_port == OFPP_CONTROLLER ||
                   in_port == OFPP_LOCAL || (in_port >= 1 && in_port <= OFPP_MAX);
    if (!port_ok) {
        sw_agent_error(r, OFPET_BAD_REQUEST, OFPBRC_EPERM);
        return;
    }
    if (sw_actions_to_dp(po->actions, po->n_actions, true, sw_agent_port_exists, a, acts, &e)) {
        sw_agent_error(r, e.type, e.code);
        return;
    }
    struct pkt *p = packet_out_pkt(r, &in_port);
    if (p)
        dp_execute_actions(a->dp, p, in_port, acts, po->n_actions, a->now_ns);
}

/* Sends one upcall as packet_in to every connection.  Returns nothing. */
static void send_packet_in(struct sw_agent *a, const struct dp_upcall *up)
{
    struct ofp_packet_in_msg pi;
    struct ofp_buf b;
    uint32_t len = up->pkt->len;

    pi.buffer_id = sw_pktbuf_store(&a->bufs, up->pkt, up->in_port, a->now_ns);
    pi.total_len = (uint16_t)(len > 0xffff ? 0xffff : len);
    pi.in_port = up->in_port;
    pi.reason = up->reason;
    pi.data.data = up->pkt->data;
    /* Buffered: max_len bytes; unbuffered: the whole frame (OF1.0 5.4.1). */
    pi.data.len = pi.buffer_id != SW_PKTBUF_NONE && up->max_len < len ? up->max_len : len;
    sw_agent_scratch(a, &b);
    if (ofp_encode_packet_in(&b, 0, &pi) > 0 && sw_agent_broadcast_async(a, &b) > 0)
        a->stats.packet_ins++;
}

void sw_agent_drain_upcalls(struct sw_agent *a)
{
    struct dp_upcall up[PKT_BURST];
    unsigned n;
    bool anyone = sw_connmgr_n_sessions(a->mgr) > 0;
    while ((n = dp_upcall_pop(a->dp, up, PKT_BURST)) > 0) {
        for (unsigned i = 0; i < n; i++) {
            if (anyone)
                send_packet_in(a, &up[i]);
            else
                a->stats.misses_dropped++;
            pkt_free(up[i].pkt);
        }
    }
}

void sw_agent_flow_removed(const struct dp_flow *flow, enum dp_removed_reason why,
                           uint64_t now_ns, void *agent)
{
    struct sw_agent *a = agent;
    if (!(flow->flags & DP_FF_SEND_FLOW_REM) || (flow->flags & DP_FF_EMERG))
        return;
    struct ofp_flow_removed_msg fr;
    struct ofp_buf b;
    uint64_t age = now_ns > flow->created_ns ? now_ns - flow->created_ns : 0;

    memset(&fr, 0, sizeof fr);
    sw_match_from_dp(&flow->match, &fr.match);
    fr.cookie = flow->cookie;
    fr.priority = flow->priority;
    fr.reason = (uint8_t)why;
    fr.duration_sec = (uint32_t)(age / OS_NS_PER_SEC);
    fr.duration_nsec = (uint32_t)(age % OS_NS_PER_SEC);
    fr.idle_timeout = flow->idle_timeout;
    fr.packet_count = flow->n_packets;
    fr.byte_count = flow->n_bytes;
    sw_agent_scratch(a, &b);
    if (ofp_encode_flow_removed(&b, 0, &fr) > 0 && sw_agent_broadcast_async(a, &b) > 0)
        a->stats.flow_removed++;
}
