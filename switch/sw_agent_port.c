/* sw_agent_port.c — port descriptions, FEATURES_REPLY, port_mod,
 * port_status, and queue configuration. */
#include <string.h>

#include "datapath/dp_pipeline.h"
#include "os/log.h"
#include "os/netdev.h"
#include "sw_agent_priv.h"

#define SW_PORT_CONFIG_BITS                                                              \
    (OFPPC_PORT_DOWN | OFPPC_NO_STP | OFPPC_NO_RECV | OFPPC_NO_RECV_STP | OFPPC_NO_FLOOD | \
     OFPPC_NO_FWD | OFPPC_NO_PACKET_IN)

/* Fills the OpenFlow description of datapath port `port_no`.  Returns
 * false when there is no such port. */
static bool describe_port(struct sw_agent *a, uint16_t port_no, struct ofp_port_desc *d)
{
    const struct netdev *dev = dp_port_netdev(a->dp, port_no);
    if (!dev)
        return false;
    memset(d, 0, sizeof *d);
    d->port_no = port_no;
    memcpy(d->hw_addr, dev->mac, OFP_ETH_ALEN);
    strncpy(d->name, dev->name, OFP_MAX_PORT_NAME_LEN);
    d->config = dp_port_config(a->dp, port_no) & SW_PORT_CONFIG_BITS;
    d->state = dev->link_up ? OFPPS_STP_LISTEN : OFPPS_LINK_DOWN;
    d->curr = dev->curr;
    d->advertised = dev->advertised;
    d->supported = dev->supported;
    d->peer = dev->peer;
    return true;
}

void sw_agent_features(const struct sw_req *r)
{
    struct sw_agent *a = r->a;
    static struct ofp_port_desc ports[DP_MAX_PORTS];
    uint16_t nos[DP_MAX_PORTS];
    unsigned n = dp_ports(a->dp, nos, DP_MAX_PORTS);
    size_t k = 0;
    for (unsigned i = 0; i < n; i++)
        if (describe_port(a, nos[i], &ports[k]))
            k++;
    struct ofp_features f = {
        .datapath_id = a->dpid,
        .n_buffers = SW_PKTBUF_SLOTS,
        .n_tables = 1,
        .capabilities = OFPC_FLOW_STATS | OFPC_TABLE_STATS | OFPC_PORT_STATS |
                        OFPC_QUEUE_STATS | OFPC_ARP_MATCH_IP,
        .actions = (1u << (OFPAT_ENQUEUE + 1)) - 1, /* OUTPUT .. ENQUEUE */
    };
    struct ofp_buf b;
    sw_agent_scratch(a, &b);
    if (ofp_encode_features_reply(&b, r->msg->xid, &f, ports, k) > 0)
        sw_agent_send_buf(a, r->conn, &b);
}

void sw_agent_port_status(struct sw_agent *a, uint16_t port_no, uint8_t reason)
{
    struct ofp_port_desc d;
    struct ofp_buf b;
    if (!describe_port(a, port_no, &d))
        return;
    sw_agent_scratch(a, &b);
    if (ofp_encode_port_status(&b, 0, reason, &d) > 0 && sw_agent_send_buf(a, NULL, &b) == 0)
        a->stats.port_status++;
}

void sw_agent_port_mod(const struct sw_req *r)
{
    struct sw_agent *a = r->a;
    const struct ofp_port_mod_msg *pm = &r->msg->u.port_mod;
    struct netdev *dev = pm->port_no <= OFPP_MAX || pm->port_no == OFPP_LOCAL
                             ? dp_port_netdev(a->dp, pm->port_no) : NULL;
    if (!dev) {
        sw_agent_error(r, OFPET_PORT_MOD_FAILED, OFPPMFC_BAD_PORT);
        return;
    }
    if (memcmp(dev->mac, pm->hw_addr, OFP_ETH_ALEN)) {
        sw_agent_error(r, OFPET_PORT_MOD_FAILED, OFPPMFC_BAD_HW_ADDR);
        return;
    }
    uint32_t mask = pm->mask & SW_PORT_CONFIG_BITS;
    uint32_t before = dp_port_config(a->dp, pm->port_no);
    if (mask && dp_port_set_config(a->dp, pm->port_no, pm->config & mask, mask) == 0 &&
        dp_port_config(a->dp, pm->port_no) != before)
        sw_agent_port_status(a, pm->port_no, OFPPR_MODIFY);
}

void sw_agent_poll_links(struct sw_agent *a, bool waking_only)
{
    uint16_t nos[DP_MAX_PORTS];
    unsigned n = dp_ports(a->dp, nos, DP_MAX_PORTS);
    for (unsigned i = 0; i < n; i++) {
        struct netdev *dev = dp_port_netdev(a->dp, nos[i]);
        if (dev && (!waking_only || dev->link_wakes) && netdev_poll_link(dev)) {
            OS_INFO("agent", "port %u (%s) link %s", nos[i], dev->name,
                    dev->link_up ? "up" : "down");
            sw_agent_port_status(a, nos[i], OFPPR_MODIFY);
        }
    }
}

/* Sluice configures no queues (ENQUEUE goes to a port's only queue), so
 * the reply for an existing port lists none.  Returns nothing. */
void sw_agent_queue_config(const struct sw_req *r)
{
    uint16_t port = r->msg->u.queue_config_request.port;
    if (port == 0 || port > OFPP_MAX || !dp_port_netdev(r->a->dp, port)) {
        sw_agent_error(r, OFPET_QUEUE_OP_FAILED, OFPQOFC_BAD_PORT);
        return;
    }
    struct ofp_buf b;
    sw_agent_scratch(r->a, &b);
    if (ofp_encode_queue_get_config_reply(&b, r->msg->xid, port, NULL, 0) > 0)
        sw_agent_send_buf(r->a, r->conn, &b);
}
