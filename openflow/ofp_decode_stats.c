/*
 * ofp_decode_stats.c — STATS_REQUEST and STATS_REPLY bodies of every
 * OpenFlow 1.0 statistics type, and the getters / iterator that read the
 * entries of a decoded reply.
 */
#include <errno.h>
#include <string.h>

#include "os/byteorder.h"

#include "ofp_codec_priv.h"

#define STATS_HDR sizeof(struct ofp_stats_request)

static void flow_req_from_wire(const uint8_t *p, struct ofp_flow_stats_req *r)
{
    ofp_match_from_wire(p, &r->match);
    r->table_id = p[offsetof(struct ofp_flow_stats_request, table_id)];
    r->out_port = os_get_be16(p + offsetof(struct ofp_flow_stats_request, out_port));
}

int ofp_decode_stats_request(const uint8_t *buf, size_t len, struct ofp_msg *m,
                             struct ofp_err *err)
{
    struct ofp_stats_request_msg *r = &m->u.stats_request;
    const uint8_t *body = buf + STATS_HDR;
    size_t blen, want;

    if (len < STATS_HDR)
        return ofp_fail_len(err);
    r->type = os_get_be16(buf + offsetof(struct ofp_stats_request, type));
    r->flags = os_get_be16(buf + offsetof(struct ofp_stats_request, flags));
    blen = len - STATS_HDR;
    switch (r->type) {
    case OFPST_DESC:
    case OFPST_TABLE:
        want = 0;
        break;
    case OFPST_FLOW:
    case OFPST_AGGREGATE:
        want = sizeof(struct ofp_flow_stats_request);
        break;
    case OFPST_PORT:
        want = sizeof(struct ofp_port_stats_request);
        break;
    case OFPST_QUEUE:
        want = sizeof(struct ofp_queue_stats_request);
        break;
    case OFPST_VENDOR:
        return ofp_fail(err, OFPET_BAD_REQUEST, OFPBRC_BAD_VENDOR);
    default:
        return ofp_fail(err, OFPET_BAD_REQUEST, OFPBRC_BAD_STAT);
    }
    if (blen != want)
        return ofp_fail_len(err);
    if (r->type == OFPST_FLOW || r->type == OFPST_AGGREGATE)
        flow_req_from_wire(body, &r->u.flow);
    else if (r->type == OFPST_PORT)
        r->u.port_no = os_get_be16(body);
    else if (r->type == OFPST_QUEUE) {
        r->u.queue.port_no = os_get_be16(body);
        r->u.queue.queue_id = os_get_be32(body + 4);
    }
    return 0;
}

/* Decodes the ofp_flow_stats entry at p (left bytes available) into *e and
 * its length into *elen.  Returns 0 or -EPROTO. */
static int flow_stats_from_wire(const uint8_t *p, size_t left,
                                struct ofp_flow_stats_entry *e, size_t *elen,
                                struct ofp_err *err)
{
    struct ofp_flow_stats w;
    size_t n;

    if (left < sizeof w)
        return ofp_fail_len(err);
    memcpy(&w, p, sizeof w);
    n = os_ntohs(w.length);
    if (n < sizeof w || n > left)
        return ofp_fail_len(err);
    e->table_id = w.table_id;
    ofp_match_from_wire(p + offsetof(struct ofp_flow_stats, match), &e->match);
    e->duration_sec = os_ntohl(w.duration_sec);
    e->duration_nsec = os_ntohl(w.duration_nsec);
    e->priority = os_ntohs(w.priority);
    e->idle_timeout = os_ntohs(w.idle_timeout);
    e->hard_timeout = os_ntohs(w.hard_timeout);
    e->cookie = os_ntohll(w.cookie);
    e->packet_count = os_ntohll(w.packet_count);
    e->byte_count = os_ntohll(w.byte_count);
    *elen = n;
    return ofp_actions_from_wire(p + sizeof w, n - sizeof w, e->actions,
                                 &e->n_actions, err);
}

static int check_flow_stats(const uint8_t *p, size_t len, size_t *count,
                            struct ofp_err *err)
{
    struct ofp_flow_stats_entry e;
    size_t off = 0, elen = 0;

    for (*count = 0; off < len; ++*count) {
        int rc = flow_stats_from_wire(p + off, len - off, &e, &elen, err);

        if (rc)
            return rc;
        off += elen;
    }
    return 0;
}

static void desc_from_wire(const uint8_t *p, struct ofp_desc_info *d)
{
    ofp_copy_wire_str(d->mfr_desc, p + offsetof(struct ofp_desc_stats, mfr_desc), DESC_STR_LEN);
    ofp_copy_wire_str(d->hw_desc, p + offsetof(struct ofp_desc_stats, hw_desc), DESC_STR_LEN);
    ofp_copy_wire_str(d->sw_desc, p + offsetof(struct ofp_desc_stats, sw_desc), DESC_STR_LEN);
    ofp_copy_wire_str(d->serial_num, p + offsetof(struct ofp_desc_stats, serial_num),
                      SERIAL_NUM_LEN);
    ofp_copy_wire_str(d->dp_desc, p + offsetof(struct ofp_desc_stats, dp_desc), DESC_STR_LEN);
}

static void aggregate_from_wire(const uint8_t *p, struct ofp_aggregate_info *a)
{
    struct ofp_aggregate_stats_reply w;

    memcpy(&w, p, sizeof w);
    a->packet_count = os_ntohll(w.packet_count);
    a->byte_count = os_ntohll(w.byte_count);
    a->flow_count = os_ntohl(w.flow_count);
}

/* Checks a reply body made of fixed-size entries.  Returns 0 or -EPROTO. */
static int check_fixed(size_t blen, size_t esize, size_t *count, struct ofp_err *err)
{
    if (blen % esize)
        return ofp_fail_len(err);
    *count = blen / esize;
    return 0;
}

int ofp_decode_stats_reply(const uint8_t *buf, size_t len, struct ofp_msg *m,
                           struct ofp_err *err)
{
    struct ofp_stats_reply_msg *r = &m->u.stats_reply;
    const uint8_t *body = buf + STATS_HDR;
    size_t blen;

    if (len < STATS_HDR)
        return ofp_fail_len(err);
    r->type = os_get_be16(buf + offsetof(struct ofp_stats_reply, type));
    r->flags = os_get_be16(buf + offsetof(struct ofp_stats_reply, flags));
    blen = len - STATS_HDR;
    r->body.data = body;
    r->body.len = blen;
    r->n_entries = 0;
    switch (r->type) {
    case OFPST_DESC:
        if (blen != sizeof(struct ofp_desc_stats))
            return ofp_fail_len(err);
        desc_from_wire(body, &r->u.desc);
        return 0;
    case OFPST_AGGREGATE:
        if (blen != sizeof(struct ofp_aggregate_stats_reply))
            return ofp_fail_len(err);
        aggregate_from_wire(body, &r->u.aggregate);
        return 0;
    case OFPST_FLOW:
        return check_flow_stats(body, blen, &r->n_entries, err);
    case OFPST_TABLE:
        return check_fixed(blen, sizeof(struct ofp_table_stats), &r->n_entries, err);
    case OFPST_PORT:
        return check_fixed(blen, sizeof(struct ofp_port_stats), &r->n_entries, err);
    case OFPST_QUEUE:
        return check_fixed(blen, sizeof(struct ofp_queue_stats), &r->n_entries, err);
    case OFPST_VENDOR:
        return ofp_fail(err, OFPET_BAD_REQUEST, OFPBRC_BAD_VENDOR);
    default:
        return ofp_fail(err, OFPET_BAD_REQUEST, OFPBRC_BAD_STAT);
    }
}

/* Returns entry i of a fixed-size-entry reply of `type`, or NULL. */
static const uint8_t *entry_at(const struct ofp_msg *m, uint16_t type, size_t esize, size_t i)
{
    if (m->type != OFPT_STATS_REPLY || m->u.stats_reply.type != type
        || i >= m->u.stats_reply.n_entries)
        return NULL;
    return m->u.stats_reply.body.data + i * esize;
}

bool ofp_msg_table_stats_at(const struct ofp_msg *m, size_t i,
                            struct ofp_table_stats_entry *out)
{
    const uint8_t *p = entry_at(m, OFPST_TABLE, sizeof(struct ofp_table_stats), i);
    struct ofp_table_stats w;

    if (!p)
        return false;
    memcpy(&w, p, sizeof w);
    out->table_id = w.table_id;
    ofp_copy_wire_str(out->name, w.name, OFP_MAX_TABLE_NAME_LEN);
    out->wildcards = os_ntohl(w.wildcards);
    out->max_entries = os_ntohl(w.max_entries);
    out->active_count = os_ntohl(w.active_count);
    out->lookup_count = os_ntohll(w.lookup_count);
    out->matched_count = os_ntohll(w.matched_count);
    return true;
}

bool ofp_msg_port_stats_at(const struct ofp_msg *m, size_t i,
                           struct ofp_port_stats_entry *out)
{
    const uint8_t *p = entry_at(m, OFPST_PORT, sizeof(struct ofp_port_stats), i);
    struct ofp_port_stats w;

    if (!p)
        return false;
    memcpy(&w, p, sizeof w);
    out->port_no = os_ntohs(w.port_no);
    out->rx_packets = os_ntohll(w.rx_packets);
    out->tx_packets = os_ntohll(w.tx_packets);
    out->rx_bytes = os_ntohll(w.rx_bytes);
    out->tx_bytes = os_ntohll(w.tx_bytes);
    out->rx_dropped = os_ntohll(w.rx_dropped);
    out->tx_dropped = os_ntohll(w.tx_dropped);
    out->rx_errors = os_ntohll(w.rx_errors);
    out->tx_errors = os_ntohll(w.tx_errors);
    out->rx_frame_err = os_ntohll(w.rx_frame_err);
    out->rx_over_err = os_ntohll(w.rx_over_err);
    out->rx_crc_err = os_ntohll(w.rx_crc_err);
    out->collisions = os_ntohll(w.collisions);
    return true;
}

bool ofp_msg_queue_stats_at(const struct ofp_msg *m, size_t i,
                            struct ofp_queue_stats_entry *out)
{
    const uint8_t *p = entry_at(m, OFPST_QUEUE, sizeof(struct ofp_queue_stats), i);
    struct ofp_queue_stats w;

    if (!p)
        return false;
    memcpy(&w, p, sizeof w);
    out->port_no = os_ntohs(w.port_no);
    out->queue_id = os_ntohl(w.queue_id);
    out->tx_bytes = os_ntohll(w.tx_bytes);
    out->tx_packets = os_ntohll(w.tx_packets);
    out->tx_errors = os_ntohll(w.tx_errors);
    return true;
}

void ofp_flow_stats_iter_init(struct ofp_iter *it, const struct ofp_msg *m)
{
    bool ok = m->type == OFPT_STATS_REPLY && m->u.stats_reply.type == OFPST_FLOW;

    it->p = ok ? m->u.stats_reply.body.data : NULL;
    it->left = ok ? m->u.stats_reply.body.len : 0;
}

bool ofp_flow_stats_next(struct ofp_iter *it, struct ofp_flow_stats_entry *out)
{
    struct ofp_err err;
    size_t elen = 0;

    if (!it->left || flow_stats_from_wire(it->p, it->left, out, &elen, &err))
        return false;
    it->p += elen;
    it->left -= elen;
    return true;
}
