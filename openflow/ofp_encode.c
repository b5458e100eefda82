/*
 * ofp_encode.c — the encoder core (room checks, header), ofp_encode()
 * dispatch, and the messages with simple bodies.  Flow messages are in
 * ofp_encode_flow.c, statistics in ofp_encode_stats.c.
 */
#include <errno.h>
#include <string.h>

#include "os/byteorder.h"

#include "ofp_codec_priv.h"

int ofp_put_msg(struct ofp_buf *b, uint8_t type, uint32_t xid, size_t n, uint8_t **out)
{
    uint8_t *p;

    if (n > OFP_MAX_MSG_LEN)
        return -EMSGSIZE;
    if (b->len > b->cap || n > b->cap - b->len)
        return -ENOSPC;
    p = b->data + b->len;
    memset(p, 0, n);
    p[0] = OFP_VERSION;
    p[1] = type;
    os_put_be16(p + 2, (uint16_t)n);
    os_put_be32(p + 4, xid);
    b->len += n;
    *out = p;
    return 0;
}

void ofp_phy_port_to_wire(const struct ofp_port_desc *d, uint8_t *p)
{
    struct ofp_phy_port w;

    memset(&w, 0, sizeof w);
    w.port_no = os_htons(d->port_no);
    memcpy(w.hw_addr, d->hw_addr, OFP_ETH_ALEN);
    memcpy(w.name, d->name, OFP_MAX_PORT_NAME_LEN);
    w.config = os_htonl(d->config);
    w.state = os_htonl(d->state);
    w.curr = os_htonl(d->curr);
    w.advertised = os_htonl(d->advertised);
    w.supported = os_htonl(d->supported);
    w.peer = os_htonl(d->peer);
    memcpy(p, &w, sizeof w);
}

int ofp_encode_simple(struct ofp_buf *b, uint8_t type, uint32_t xid)
{
    return ofp_encode_echo(b, type, xid, NULL, 0);
}

int ofp_encode_echo(struct ofp_buf *b, uint8_t type, uint32_t xid, const void *data,
                    size_t len)
{
    uint8_t *p;
    int rc;

    if (!data)
        len = 0;
    if (len > OFP_MAX_MSG_LEN)
        return -EMSGSIZE;
    rc = ofp_put_msg(b, type, xid, OFP_HEADER_LEN + len, &p);
    if (rc)
        return rc;
    if (len)
        memcpy(p + OFP_HEADER_LEN, data, len);
    return (int)(OFP_HEADER_LEN + len);
}

/* An ERROR carrying all len bytes of data. */
static int encode_error_raw(struct ofp_buf *b, uint32_t xid, uint16_t type, uint16_t code,
                            const uint8_t *data, size_t len)
{
    size_t n = sizeof(struct ofp_error_msg) + len;
    uint8_t *p;
    int rc;

    if (len > OFP_MAX_MSG_LEN)
        return -EMSGSIZE;
    rc = ofp_put_msg(b, OFPT_ERROR, xid, n, &p);
    if (rc)
        return rc;
    os_put_be16(p + offsetof(struct ofp_error_msg, type), type);
    os_put_be16(p + offsetof(struct ofp_error_msg, code), code);
    if (len)
        memcpy(p + sizeof(struct ofp_error_msg), data, len);
    return (int)n;
}

int ofp_encode_error(struct ofp_buf *b, uint32_t xid, uint16_t type, uint16_t code,
                     const uint8_t *offending, size_t off_len)
{
    if (!offending)
        off_len = 0;
    return encode_error_raw(b, xid, type, code, offending,
                            off_len < OFP_ERROR_DATA_MAX ? off_len : OFP_ERROR_DATA_MAX);
}

/* Writes the fixed part of FEATURES_REPLY after the header at p. */
static void features_to_wire(const struct ofp_features *f, uint8_t *p)
{
    os_put_be64(p + offsetof(struct ofp_switch_features, datapath_id), f->datapath_id);
    os_put_be32(p + offsetof(struct ofp_switch_features, n_buffers), f->n_buffers);
    p[offsetof(struct ofp_switch_features, n_tables)] = f->n_tables;
    os_put_be32(p + offsetof(struct ofp_switch_features, capabilities), f->capabilities);
    os_put_be32(p + offsetof(struct ofp_switch_features, actions), f->actions);
}

int ofp_encode_features_reply(struct ofp_buf *b, uint32_t xid, const struct ofp_features *f,
                              const struct ofp_port_desc *ports, size_t n_ports)
{
    size_t i, n;
    uint8_t *p;
    int rc;

    if (n_ports > OFP_MAX_MSG_LEN / sizeof(struct ofp_phy_port))
        return -EMSGSIZE;
    n = sizeof(struct ofp_switch_features) + n_ports * sizeof(struct ofp_phy_port);
    rc = ofp_put_msg(b, OFPT_FEATURES_REPLY, xid, n, &p);
    if (rc)
        return rc;
    features_to_wire(f, p);
    for (i = 0; i < n_ports; i++)
        ofp_phy_port_to_wire(&ports[i], p + sizeof(struct ofp_switch_features)
                                            + i * sizeof(struct ofp_phy_port));
    return (int)n;
}

int ofp_encode_config(struct ofp_buf *b, uint8_t type, uint32_t xid, uint16_t flags,
                      uint16_t miss_send_len)
{
    uint8_t *p;
    int rc = ofp_put_msg(b, type, xid, sizeof(struct ofp_switch_config), &p);

    if (rc)
        return rc;
    os_put_be16(p + offsetof(struct ofp_switch_config, flags), flags);
    os_put_be16(p + offsetof(struct ofp_switch_config, miss_send_len), miss_send_len);
    return (int)sizeof(struct ofp_switch_config);
}

int ofp_encode_port_status(struct ofp_buf *b, uint32_t xid, uint8_t reason,
                           const struct ofp_port_desc *desc)
{
    uint8_t *p;
    int rc = ofp_put_msg(b, OFPT_PORT_STATUS, xid, sizeof(struct ofp_port_status), &p);

    if (rc)
        return rc;
    p[offsetof(struct ofp_port_status, reason)] = reason;
    ofp_phy_port_to_wire(desc, p + offsetof(struct ofp_port_status, desc));
    return (int)sizeof(struct ofp_port_status);
}

int ofp_encode_port_mod(struct ofp_buf *b, uint32_t xid, const struct ofp_port_mod_msg *pm)
{
    uint8_t *p;
    int rc = ofp_put_msg(b, OFPT_PORT_MOD, xid, sizeof(struct ofp_port_mod), &p);

    if (rc)
        return rc;
    os_put_be16(p + offsetof(struct ofp_port_mod, port_no), pm->port_no);
    memcpy(p + offsetof(struct ofp_port_mod, hw_addr), pm->hw_addr, OFP_ETH_ALEN);
    os_put_be32(p + offsetof(struct ofp_port_mod, config), pm->config);
    os_put_be32(p + offsetof(struct ofp_port_mod, mask), pm->mask);
    os_put_be32(p + offsetof(struct ofp_port_mod, advertise), pm->advertise);
    return (int)sizeof(struct ofp_port_mod);
}

int ofp_encode_queue_get_config_request(struct ofp_buf *b, uint32_t xid, uint16_t port)
{
    uint8_t *p;
    int rc = ofp_put_msg(b, OFPT_QUEUE_GET_CONFIG_REQUEST, xid,
                         sizeof(struct ofp_queue_get_config_request), &p);

    if (rc)
        return rc;
    os_put_be16(p + offsetof(struct ofp_queue_get_config_request, port), port);
    return (int)sizeof(struct ofp_queue_get_config_request);
}

static size_t prop_len(uint16_t property)
{
    return property == OFPQT_NONE ? sizeof(struct ofp_queue_prop_header)
                                  : sizeof(struct ofp_queue_prop_min_rate);
}

static size_t queue_len(const struct ofp_queue_desc *q)
{
    size_t n = sizeof(struct ofp_packet_queue);
    unsigned i;

    for (i = 0; i < q->n_props && i < OFP_MAX_QUEUE_PROPS; i++)
        n += prop_len(q->props[i].property);
    return n;
}

/* Writes queue q at p.  Returns the bytes written. */
static size_t queue_to_wire(const struct ofp_queue_desc *q, uint8_t *p)
{
    size_t off = sizeof(struct ofp_packet_queue), qlen = queue_len(q);
    unsigned i;

    os_put_be32(p, q->queue_id);
    os_put_be16(p + offsetof(struct ofp_packet_queue, len), (uint16_t)qlen);
    for (i = 0; i < q->n_props && i < OFP_MAX_QUEUE_PROPS; i++) {
        size_t plen = prop_len(q->props[i].property);

        os_put_be16(p + off, q->props[i].property);
        os_put_be16(p + off + 2, (uint16_t)plen);
        if (q->props[i].property != OFPQT_NONE)
            os_put_be16(p + off + 8, q->props[i].rate);
        off += plen;
    }
    return qlen;
}

int ofp_encode_queue_get_config_reply(struct ofp_buf *b, uint32_t xid, uint16_t port,
                                      const struct ofp_queue_desc *q, size_t n)
{
    size_t i, total = sizeof(struct ofp_queue_get_config_reply), off;
    uint8_t *p;
    int rc;

    for (i = 0; i < n && total <= OFP_MAX_MSG_LEN; i++)
        total += queue_len(&q[i]);
    rc = ofp_put_msg(b, OFPT_QUEUE_GET_CONFIG_REPLY, xid, total, &p);
    if (rc)
        return rc;
    os_put_be16(p + offsetof(struct ofp_queue_get_config_reply, port), port);
    off = sizeof(struct ofp_queue_get_config_reply);
    for (i = 0; i < n; i++)
        off += queue_to_wire(&q[i], p + off);
    return (int)total;
}

/* Re-encodes a decoded QUEUE_GET_CONFIG_REPLY queue by queue (a validated
 * queue's length is exactly the sum of its properties'). */
static int reencode_queue_reply(struct ofp_buf *b, const struct ofp_msg *m)
{
    size_t total = sizeof(struct ofp_queue_get_config_reply) + m->u.queue_config_reply.queues.len;
    size_t off = sizeof(struct ofp_queue_get_config_reply);
    struct ofp_queue_desc q;
    struct ofp_iter it;
    uint8_t *p;
    int rc = ofp_put_msg(b, OFPT_QUEUE_GET_CONFIG_REPLY, m->xid, total, &p);

    if (rc)
        return rc;
    os_put_be16(p + offsetof(struct ofp_queue_get_config_reply, port),
                m->u.queue_config_reply.port);
    ofp_queue_iter_init(&it, m);
    while (ofp_queue_next(&it, &q))
        off += queue_to_wire(&q, p + off);
    return (int)total;
}

/* Re-encodes a decoded FEATURES_REPLY port by port. */
static int reencode_features(struct ofp_buf *b, const struct ofp_msg *m)
{
    size_t total = sizeof(struct ofp_switch_features) + m->u.features.ports.len, i;
    struct ofp_port_desc d;
    uint8_t *p;
    int rc = ofp_put_msg(b, OFPT_FEATURES_REPLY, m->xid, total, &p);

    if (rc)
        return rc;
    features_to_wire(&m->u.features.f, p);
    for (i = 0; ofp_msg_port_at(m, i, &d); i++)
        ofp_phy_port_to_wire(&d, p + sizeof(struct ofp_switch_features)
                                     + i * sizeof(struct ofp_phy_port));
    return (int)total;
}

int ofp_encode(struct ofp_buf *b, const struct ofp_msg *m)
{
    int rc;

    switch (m->type) {
    case OFPT_HELLO:
        rc = ofp_encode_echo(b, m->type, m->xid, m->u.data.data, m->u.data.len);
        if (rc > 0)
            b->data[b->len - (size_t)rc] = m->version;
        return rc;
    case OFPT_ECHO_REQUEST:
    case OFPT_ECHO_REPLY:
        return ofp_encode_echo(b, m->type, m->xid, m->u.data.data, m->u.data.len);
    case OFPT_FEATURES_REQUEST:
    case OFPT_GET_CONFIG_REQUEST:
    case OFPT_BARRIER_REQUEST:
    case OFPT_BARRIER_REPLY:
        return ofp_encode_simple(b, m->type, m->xid);
    case OFPT_ERROR:
        return encode_error_raw(b, m->xid, m->u.error.type, m->u.error.code,
                                m->u.error.data.data, m->u.error.data.len);
    case OFPT_FEATURES_REPLY:
        return reencode_features(b, m);
    case OFPT_GET_CONFIG_REPLY:
    case OFPT_SET_CONFIG:
        return ofp_encode_config(b, m->type, m->xid, m->u.config.flags,
                                 m->u.config.miss_send_len);
    case OFPT_PACKET_IN:
        return ofp_encode_packet_in(b, m->xid, &m->u.packet_in);
    case OFPT_FLOW_REMOVED:
        return ofp_encode_flow_removed(b, m->xid, &m->u.flow_removed);
    case OFPT_PORT_STATUS:
        return ofp_encode_port_status(b, m->xid, m->u.port_status.reason,
                                      &m->u.port_status.desc);
    case OFPT_PACKET_OUT:
        return ofp_encode_packet_out(b, m->xid, &m->u.packet_out);
    case OFPT_FLOW_MOD:
        return ofp_encode_flow_mod(b, m->xid, &m->u.flow_mod);
    case OFPT_PORT_MOD:
        return ofp_encode_port_mod(b, m->xid, &m->u.port_mod);
    case OFPT_STATS_REQUEST:
        return ofp_encode_stats_request(b, m->xid, &m->u.stats_request);
    case OFPT_STATS_REPLY:
        return ofp_reencode_stats_reply(b, m);
    case OFPT_QUEUE_GET_CONFIG_REQUEST:
        return ofp_encode_queue_get_config_request(b, m->xid,
                                                   m->u.queue_config_request.port);
    case OFPT_QUEUE_GET_CONFIG_REPLY:
        return reencode_queue_reply(b, m);
    default:
        return -EINVAL;
    }
}
