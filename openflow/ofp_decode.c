/*
 * ofp_decode.c — ofp_decode(): header checks, dispatch by type, and the
 * messages with simple bodies (hello, echo, error, features, config, port
 * status, port mod, queue config).  Flow-related bodies are decoded in
 * ofp_decode_flow.c, statistics in ofp_decode_stats.c.
 */
#include <errno.h>
#include <string.h>

#include "os/byteorder.h"

#include "ofp_codec_priv.h"

int ofp_fail(struct ofp_err *err, uint16_t type, uint16_t code)
{
    err->type = type;
    err->code = code;
    return -EPROTO;
}

int ofp_fail_len(struct ofp_err *err)
{
    return ofp_fail(err, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
}

void ofp_copy_wire_str(char *dst, const void *src, size_t n)
{
    memcpy(dst, src, n);
    dst[n] = '\0';
}

void ofp_phy_port_from_wire(const uint8_t *p, struct ofp_port_desc *d)
{
    struct ofp_phy_port w;

    memcpy(&w, p, sizeof w);
    d->port_no = os_ntohs(w.port_no);
    memcpy(d->hw_addr, w.hw_addr, OFP_ETH_ALEN);
    ofp_copy_wire_str(d->name, w.name, OFP_MAX_PORT_NAME_LEN);
    d->config = os_ntohl(w.config);
    d->state = os_ntohl(w.state);
    d->curr = os_ntohl(w.curr);
    d->advertised = os_ntohl(w.advertised);
    d->supported = os_ntohl(w.supported);
    d->peer = os_ntohl(w.peer);
}

static const char *const type_names[] = {
    "OFPT_HELLO", "OFPT_ERROR", "OFPT_ECHO_REQUEST", "OFPT_ECHO_REPLY",
    "OFPT_VENDOR", "OFPT_FEATURES_REQUEST", "OFPT_FEATURES_REPLY",
    "OFPT_GET_CONFIG_REQUEST", "OFPT_GET_CONFIG_REPLY", "OFPT_SET_CONFIG",
    "OFPT_PACKET_IN", "OFPT_FLOW_REMOVED", "OFPT_PORT_STATUS", "OFPT_PACKET_OUT",
    "OFPT_FLOW_MOD", "OFPT_PORT_MOD", "OFPT_STATS_REQUEST", "OFPT_STATS_REPLY",
    "OFPT_BARRIER_REQUEST", "OFPT_BARRIER_REPLY", "OFPT_QUEUE_GET_CONFIG_REQUEST",
    "OFPT_QUEUE_GET_CONFIG_REPLY",
};

const char *ofp_type_name(uint8_t type)
{
    return type < sizeof type_names / sizeof type_names[0] ? type_names[type]
                                                           : "OFPT_UNKNOWN";
}

/* Bodies that are opaque bytes (hello, echo) or must be empty. */
static int decode_bytes(const uint8_t *buf, size_t len, struct ofp_msg *m)
{
    m->u.data.data = buf + OFP_HEADER_LEN;
    m->u.data.len = len - OFP_HEADER_LEN;
    return 0;
}

static int decode_empty(const uint8_t *buf, size_t len, struct ofp_msg *m,
                        struct ofp_err *err)
{
    if (len != OFP_HEADER_LEN)
        return ofp_fail_len(err);
    return decode_bytes(buf, len, m);
}

static int decode_error(const uint8_t *buf, size_t len, struct ofp_msg *m,
                        struct ofp_err *err)
{
    struct ofp_error_msg w;

    if (len < sizeof w)
        return ofp_fail_len(err);
    memcpy(&w, buf, sizeof w);
    m->u.error.type = os_ntohs(w.type);
    m->u.error.code = os_ntohs(w.code);
    m->u.error.data.data = buf + sizeof w;
    m->u.error.data.len = len - sizeof w;
    return 0;
}

static int decode_features(const uint8_t *buf, size_t len, struct ofp_msg *m,
                           struct ofp_err *err)
{
    struct ofp_switch_features w;
    struct ofp_features *f = &m->u.features.f;

    if (len < sizeof w || (len - sizeof w) % sizeof(struct ofp_phy_port))
        return ofp_fail_len(err);
    memcpy(&w, buf, sizeof w);
    f->datapath_id = os_ntohll(w.datapath_id);
    f->n_buffers = os_ntohl(w.n_buffers);
    f->n_tables = w.n_tables;
    f->capabilities = os_ntohl(w.capabilities);
    f->actions = os_ntohl(w.actions);
    m->u.features.ports.data = buf + sizeof w;
    m->u.features.ports.len = len - sizeof w;
    m->u.features.n_ports = (len - sizeof w) / sizeof(struct ofp_phy_port);
    return 0;
}

static int decode_config(const uint8_t *buf, size_t len, struct ofp_msg *m,
                         struct ofp_err *err)
{
    struct ofp_switch_config w;

    if (len != sizeof w)
        return ofp_fail_len(err);
    memcpy(&w, buf, sizeof w);
    m->u.config.flags = os_ntohs(w.flags);
    m->u.config.miss_send_len = os_ntohs(w.miss_send_len);
    return 0;
}

static int decode_port_status(const uint8_t *buf, size_t len, struct ofp_msg *m,
                              struct ofp_err *err)
{
    if (len != sizeof(struct ofp_port_status))
        return ofp_fail_len(err);
    m->u.port_status.reason = buf[offsetof(struct ofp_port_status, reason)];
    ofp_phy_port_from_wire(buf + offsetof(struct ofp_port_status, desc),
                           &m->u.port_status.desc);
    return 0;
}

static int decode_port_mod(const uint8_t *buf, size_t len, struct ofp_msg *m,
                           struct ofp_err *err)
{
    struct ofp_port_mod w;
    struct ofp_port_mod_msg *pm = &m->u.port_mod;

    if (len != sizeof w)
        return ofp_fail_len(err);
    memcpy(&w, buf, sizeof w);
    pm->port_no = os_ntohs(w.port_no);
    memcpy(pm->hw_addr, w.hw_addr, OFP_ETH_ALEN);
    pm->config = os_ntohl(w.config);
    pm->mask = os_ntohl(w.mask);
    pm->advertise = os_ntohl(w.advertise);
    return 0;
}

static int decode_queue_request(const uint8_t *buf, size_t len, struct ofp_msg *m,
                                struct ofp_err *err)
{
    struct ofp_queue_get_config_request w;

    if (len != sizeof w)
        return ofp_fail_len(err);
    memcpy(&w, buf, sizeof w);
    m->u.queue_config_request.port = os_ntohs(w.port);
    return 0;
}

/* Checks one ofp_packet_queue at p (left bytes available).  Returns its
 * length, or 0 if it is malformed. */
static size_t check_queue(const uint8_t *p, size_t left)
{
    size_t qlen, off, n = 0;

    if (left < sizeof(struct ofp_packet_queue))
        return 0;
    qlen = os_get_be16(p + offsetof(struct ofp_packet_queue, len));
    if (qlen < sizeof(struct ofp_packet_queue) || qlen > left)
        return 0;
    for (off = sizeof(struct ofp_packet_queue); off < qlen; n++) {
        uint16_t prop, plen;

        if (qlen - off < sizeof(struct ofp_queue_prop_header) || n == OFP_MAX_QUEUE_PROPS)
            return 0;
        prop = os_get_be16(p + off);
        plen = os_get_be16(p + off + 2);
        /* OFPQT_NONE is a bare header; every other property is a rate
         * property shaped like ofp_queue_prop_min_rate (Open vSwitch also
         * sends OpenFlow 1.2's MAX_RATE = 2 this way). */
        if (plen != (prop == OFPQT_NONE ? sizeof(struct ofp_queue_prop_header)
                                        : sizeof(struct ofp_queue_prop_min_rate)))
            return 0;
        if (plen > qlen - off)
            return 0;
        off += plen;
    }
    return qlen;
}

static int decode_queue_reply(const uint8_t *buf, size_t len, struct ofp_msg *m,
                              struct ofp_err *err)
{
    struct ofp_queue_get_config_reply w;
    size_t off, n = 0;

    if (len < sizeof w)
        return ofp_fail_len(err);
    memcpy(&w, buf, sizeof w);
    for (off = sizeof w; off < len; n++) {
        size_t qlen = check_queue(buf + off, len - off);

        if (!qlen)
            return ofp_fail_len(err);
        off += qlen;
    }
    m->u.queue_config_reply.port = os_ntohs(w.port);
    m->u.queue_config_reply.queues.data = buf + sizeof w;
    m->u.queue_config_reply.queues.len = len - sizeof w;
    m->u.queue_config_reply.n_queues = n;
    return 0;
}

static int decode_body(const uint8_t *buf, size_t len, struct ofp_msg *m,
                       struct ofp_err *err)
{
    switch (m->type) {
    case OFPT_HELLO:
    case OFPT_ECHO_REQUEST:
    case OFPT_ECHO_REPLY:
        return decode_bytes(buf, len, m);
    case OFPT_FEATURES_REQUEST:
    case OFPT_GET_CONFIG_REQUEST:
    case OFPT_BARRIER_REQUEST:
    case OFPT_BARRIER_REPLY:
        return decode_empty(buf, len, m, err);
    case OFPT_ERROR:
        return decode_error(buf, len, m, err);
    case OFPT_VENDOR: /* a vendor id is required before we can refuse it */
        if (len < sizeof(struct ofp_vendor_header))
            return ofp_fail(err, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN);
        return ofp_fail(err, OFPET_BAD_REQUEST, OFPBRC_BAD_VENDOR);
    case OFPT_FEATURES_REPLY:
        return decode_features(buf, len, m, err);
    case OFPT_GET_CONFIG_REPLY:
    case OFPT_SET_CONFIG:
        return decode_config(buf, len, m, err);
    case OFPT_PACKET_IN:
        return ofp_decode_packet_in(buf, len, m, err);
    case OFPT_FLOW_REMOVED:
        return ofp_decode_flow_removed(buf, len, m, err);
    case OFPT_PORT_STATUS:
        return decode_port_status(buf, len, m, err);
    case OFPT_PACKET_OUT:
        return ofp_decode_packet_out(buf, len, m, err);
    case OFPT_FLOW_MOD:
        return ofp_decode_flow_mod(buf, len, m, err);
    case OFPT_PORT_MOD:
        return decode_port_mod(buf, len, m, err);
    case OFPT_STATS_REQUEST:
        return ofp_decode_stats_request(buf, len, m, err);
    case OFPT_STATS_REPLY:
        return ofp_decode_stats_reply(buf, len, m, err);
    case OFPT_QUEUE_GET_CONFIG_REQUEST:
        return decode_queue_request(buf, len, m, err);
    case OFPT_QUEUE_GET_CONFIG_REPLY:
        return decode_queue_reply(buf, len, m, err);
    default:
        return ofp_fail(err, OFPET_BAD_REQUEST, OFPBRC_BAD_TYPE);
    }
}

int ofp_decode(const uint8_t *buf, size_t len, struct ofp_msg *msg, struct ofp_err *err)
{
    struct ofp_header h;

    if (!buf || len < sizeof h)
        return ofp_fail_len(err);
    memcpy(&h, buf, sizeof h);
    memset(msg, 0, sizeof *msg); /* padding too: decoded messages compare with memcmp */
    msg->version = h.version;
    msg->type = h.type;
    msg->length = os_ntohs(h.length);
    msg->xid = os_ntohl(h.xid);
    if (h.version != OFP_VERSION && h.type != OFPT_HELLO)
        return ofp_fail(err, OFPET_BAD_REQUEST, OFPBRC_BAD_VERSION);
    if (msg->length != len)
        return ofp_fail_len(err);
    return decode_body(buf, len, msg, err);
}

bool ofp_msg_port_at(const struct ofp_msg *m, size_t i, struct ofp_port_desc *out)
{
    if (m->type != OFPT_FEATURES_REPLY || i >= m->u.features.n_ports)
        return false;
    ofp_phy_port_from_wire(m->u.features.ports.data + i * sizeof(struct ofp_phy_port), out);
    return true;
}

void ofp_queue_iter_init(struct ofp_iter *it, const struct ofp_msg *m)
{
    bool ok = m->type == OFPT_QUEUE_GET_CONFIG_REPLY;

    it->p = ok ? m->u.queue_config_reply.queues.data : NULL;
    it->left = ok ? m->u.queue_config_reply.queues.len : 0;
}

bool ofp_queue_next(struct ofp_iter *it, struct ofp_queue_desc *out)
{
    size_t qlen = check_queue(it->p, it->left), off;

    if (!qlen)
        return false;
    memset(out, 0, sizeof *out);
    out->queue_id = os_get_be32(it->p);
    for (off = sizeof(struct ofp_packet_queue); off < qlen; out->n_props++) {
        uint16_t prop = os_get_be16(it->p + off);

        out->props[out->n_props].property = prop;
        if (prop != OFPQT_NONE) {
            out->props[out->n_props].rate = os_get_be16(it->p + off + 8);
            off += sizeof(struct ofp_queue_prop_min_rate);
        } else {
            off += sizeof(struct ofp_queue_prop_header);
        }
    }
    it->p += qlen;
    it->left -= qlen;
    return true;
}
