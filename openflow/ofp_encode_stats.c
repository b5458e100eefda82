/*
 * ofp_encode_stats.c — STATS_REQUEST of every type, the single-body
 * replies (DESC, AGGREGATE), and struct ofp_stats_writer, which appends
 * list replies (FLOW, TABLE, PORT, QUEUE) entry by entry and splits them
 * across messages with OFPSF_REPLY_MORE.
 */
#include <errno.h>
#include <string.h>

#include "os/byteorder.h"

#include "ofp_codec_priv.h"

#define STATS_HDR sizeof(struct ofp_stats_reply)
#define FLAGS_OFF offsetof(struct ofp_stats_reply, flags)

/* Starts a STATS_REQUEST/REPLY of body length blen.  Returns 0 or errno. */
static int put_stats(struct ofp_buf *b, uint8_t msg_type, uint32_t xid, uint16_t type,
                     uint16_t flags, size_t blen, uint8_t **body)
{
    uint8_t *p;
    int rc = ofp_put_msg(b, msg_type, xid, STATS_HDR + blen, &p);

    if (rc)
        return rc;
    os_put_be16(p + offsetof(struct ofp_stats_reply, type), type);
    os_put_be16(p + FLAGS_OFF, flags);
    *body = p + STATS_HDR;
    return 0;
}

int ofp_encode_stats_request(struct ofp_buf *b, uint32_t xid,
                             const struct ofp_stats_request_msg *r)
{
    size_t blen;
    uint8_t *p;
    int rc;

    switch (r->type) {
    case OFPST_DESC:
    case OFPST_TABLE:
        blen = 0;
        break;
    case OFPST_FLOW:
    case OFPST_AGGREGATE:
        blen = sizeof(struct ofp_flow_stats_request);
        break;
    case OFPST_PORT:
    case OFPST_QUEUE:
        blen = sizeof(struct ofp_port_stats_request);
        break;
    default:
        return -EINVAL;
    }
    rc = put_stats(b, OFPT_STATS_REQUEST, xid, r->type, r->flags, blen, &p);
    if (rc)
        return rc;
    if (r->type == OFPST_FLOW || r->type == OFPST_AGGREGATE) {
        ofp_match_to_wire(&r->u.flow.match, p);
        p[offsetof(struct ofp_flow_stats_request, table_id)] = r->u.flow.table_id;
        os_put_be16(p + offsetof(struct ofp_flow_stats_request, out_port), r->u.flow.out_port);
    } else if (r->type == OFPST_PORT) {
        os_put_be16(p, r->u.port_no);
    } else if (r->type == OFPST_QUEUE) {
        os_put_be16(p, r->u.queue.port_no);
        os_put_be32(p + 4, r->u.queue.queue_id);
    }
    return (int)(STATS_HDR + blen);
}

static int desc_reply(struct ofp_buf *b, uint32_t xid, uint16_t flags,
                      const struct ofp_desc_info *d)
{
    uint8_t *p;
    int rc = put_stats(b, OFPT_STATS_REPLY, xid, OFPST_DESC, flags,
                       sizeof(struct ofp_desc_stats), &p);

    if (rc)
        return rc;
    /* strncpy semantics: the wire field is NUL-padded, not NUL-terminated. */
    memcpy(p + offsetof(struct ofp_desc_stats, mfr_desc), d->mfr_desc,
           strnlen(d->mfr_desc, DESC_STR_LEN));
    memcpy(p + offsetof(struct ofp_desc_stats, hw_desc), d->hw_desc,
           strnlen(d->hw_desc, DESC_STR_LEN));
    memcpy(p + offsetof(struct ofp_desc_stats, sw_desc), d->sw_desc,
           strnlen(d->sw_desc, DESC_STR_LEN));
    memcpy(p + offsetof(struct ofp_desc_stats, serial_num), d->serial_num,
           strnlen(d->serial_num, SERIAL_NUM_LEN));
    memcpy(p + offsetof(struct ofp_desc_stats, dp_desc), d->dp_desc,
           strnlen(d->dp_desc, DESC_STR_LEN));
    return (int)(STATS_HDR + sizeof(struct ofp_desc_stats));
}

int ofp_encode_desc_stats_reply(struct ofp_buf *b, uint32_t xid, const struct ofp_desc_info *d)
{
    return desc_reply(b, xid, 0, d);
}

static int aggregate_reply(struct ofp_buf *b, uint32_t xid, uint16_t flags,
                           const struct ofp_aggregate_info *a)
{
    uint8_t *p;
    int rc = put_stats(b, OFPT_STATS_REPLY, xid, OFPST_AGGREGATE, flags,
                       sizeof(struct ofp_aggregate_stats_reply), &p);

    if (rc)
        return rc;
    os_put_be64(p + offsetof(struct ofp_aggregate_stats_reply, packet_count), a->packet_count);
    os_put_be64(p + offsetof(struct ofp_aggregate_stats_reply, byte_count), a->byte_count);
    os_put_be32(p + offsetof(struct ofp_aggregate_stats_reply, flow_count), a->flow_count);
    return (int)(STATS_HDR + sizeof(struct ofp_aggregate_stats_reply));
}

int ofp_encode_aggregate_stats_reply(struct ofp_buf *b, uint32_t xid,
                                     const struct ofp_aggregate_info *a)
{
    return aggregate_reply(b, xid, 0, a);
}

/* ---- entries ---- */

void ofp_flow_stats_to_wire(const struct ofp_flow_stats_entry *e, uint8_t *p, size_t len)
{
    unsigned na = e->n_actions < OF_MAX_ACTIONS ? e->n_actions : OF_MAX_ACTIONS;

    os_put_be16(p + offsetof(struct ofp_flow_stats, length), (uint16_t)len);
    p[offsetof(struct ofp_flow_stats, table_id)] = e->table_id;
    ofp_match_to_wire(&e->match, p + offsetof(struct ofp_flow_stats, match));
    os_put_be32(p + offsetof(struct ofp_flow_stats, duration_sec), e->duration_sec);
    os_put_be32(p + offsetof(struct ofp_flow_stats, duration_nsec), e->duration_nsec);
    os_put_be16(p + offsetof(struct ofp_flow_stats, priority), e->priority);
    os_put_be16(p + offsetof(struct ofp_flow_stats, idle_timeout), e->idle_timeout);
    os_put_be16(p + offsetof(struct ofp_flow_stats, hard_timeout), e->hard_timeout);
    os_put_be64(p + offsetof(struct ofp_flow_stats, cookie), e->cookie);
    os_put_be64(p + offsetof(struct ofp_flow_stats, packet_count), e->packet_count);
    os_put_be64(p + offsetof(struct ofp_flow_stats, byte_count), e->byte_count);
    ofp_actions_to_wire(e->actions, na, p + sizeof(struct ofp_flow_stats));
}

void ofp_table_stats_to_wire(const struct ofp_table_stats_entry *e, uint8_t *p)
{
    p[offsetof(struct ofp_table_stats, table_id)] = e->table_id;
    memcpy(p + offsetof(struct ofp_table_stats, name), e->name,
           strnlen(e->name, OFP_MAX_TABLE_NAME_LEN));
    os_put_be32(p + offsetof(struct ofp_table_stats, wildcards), e->wildcards);
    os_put_be32(p + offsetof(struct ofp_table_stats, max_entries), e->max_entries);
    os_put_be32(p + offsetof(struct ofp_table_stats, active_count), e->active_count);
    os_put_be64(p + offsetof(struct ofp_table_stats, lookup_count), e->lookup_count);
    os_put_be64(p + offsetof(struct ofp_table_stats, matched_count), e->matched_count);
}

void ofp_port_stats_to_wire(const struct ofp_port_stats_entry *e, uint8_t *p)
{
    const uint64_t v[12] = {
        e->rx_packets, e->tx_packets, e->rx_bytes, e->tx_bytes,
        e->rx_dropped, e->tx_dropped, e->rx_errors, e->tx_errors,
        e->rx_frame_err, e->rx_over_err, e->rx_crc_err, e->collisions,
    };
    unsigned i;

    os_put_be16(p, e->port_no);
    for (i = 0; i < 12; i++)
        os_put_be64(p + offsetof(struct ofp_port_stats, rx_packets) + 8 * i, v[i]);
}

void ofp_queue_stats_to_wire(const struct ofp_queue_stats_entry *e, uint8_t *p)
{
    os_put_be16(p + offsetof(struct ofp_queue_stats, port_no), e->port_no);
    os_put_be32(p + offsetof(struct ofp_queue_stats, queue_id), e->queue_id);
    os_put_be64(p + offsetof(struct ofp_queue_stats, tx_bytes), e->tx_bytes);
    os_put_be64(p + offsetof(struct ofp_queue_stats, tx_packets), e->tx_packets);
    os_put_be64(p + offsetof(struct ofp_queue_stats, tx_errors), e->tx_errors);
}

/* ---- the writer ---- */

void ofp_stats_writer_init(struct ofp_stats_writer *w, struct ofp_buf *b, uint32_t xid,
                           uint16_t type, size_t max_len)
{
    w->b = b;
    w->xid = xid;
    w->type = type;
    w->final_flags = 0;
    w->max_len = max_len == 0 || max_len > OFP_MAX_MSG_LEN ? OFP_MAX_MSG_LEN : max_len;
    w->start = b->len;
    w->cur = SIZE_MAX;
    w->n_msgs = 0;
}

static int writer_open(struct ofp_stats_writer *w)
{
    uint8_t *body;
    int rc = put_stats(w->b, OFPT_STATS_REPLY, w->xid, w->type, 0, 0, &body);

    if (rc)
        return rc;
    w->cur = (size_t)(body - STATS_HDR - w->b->data);
    w->n_msgs++;
    return 0;
}

/* Reserves elen zeroed bytes for one entry, opening a new message (and
 * marking the previous one REPLY_MORE) when the current one is full.
 * Returns 0 with *out set, or a negative errno with nothing changed. */
static int writer_reserve(struct ofp_stats_writer *w, uint16_t type, size_t elen,
                          uint8_t **out)
{
    struct ofp_buf *b = w->b;
    size_t save_len = b->len, save_cur = w->cur;
    unsigned save_n = w->n_msgs;
    int rc = 0;

    if (type != w->type)
        return -EINVAL;
    if (elen > w->max_len - STATS_HDR)
        return -EMSGSIZE;
    if (w->cur != SIZE_MAX && b->len - w->cur + elen > w->max_len) {
        os_put_be16(b->data + w->cur + FLAGS_OFF, OFPSF_REPLY_MORE);
        w->cur = SIZE_MAX;
    }
    if (w->cur == SIZE_MAX)
        rc = writer_open(w);
    if (!rc && elen > b->cap - b->len)
        rc = -ENOSPC;
    if (rc) {
        b->len = save_len;
        w->cur = save_cur;
        w->n_msgs = save_n;
        if (save_cur != SIZE_MAX)
            os_put_be16(b->data + save_cur + FLAGS_OFF, 0);
        return rc;
    }
    *out = b->data + b->len;
    memset(*out, 0, elen);
    b->len += elen;
    os_put_be16(b->data + w->cur + 2, (uint16_t)(b->len - w->cur));
    return 0;
}

int ofp_stats_add_flow(struct ofp_stats_writer *w, const struct ofp_flow_stats_entry *e)
{
    unsigned na = e->n_actions < OF_MAX_ACTIONS ? e->n_actions : OF_MAX_ACTIONS;
    size_t len = sizeof(struct ofp_flow_stats) + ofp_actions_wire_len(e->actions, na);
    uint8_t *p;
    int rc = writer_reserve(w, OFPST_FLOW, len, &p);

    if (!rc)
        ofp_flow_stats_to_wire(e, p, len);
    return rc;
}

int ofp_stats_add_table(struct ofp_stats_writer *w, const struct ofp_table_stats_entry *e)
{
    uint8_t *p;
    int rc = writer_reserve(w, OFPST_TABLE, sizeof(struct ofp_table_stats), &p);

    if (!rc)
        ofp_table_stats_to_wire(e, p);
    return rc;
}

int ofp_stats_add_port(struct ofp_stats_writer *w, const struct ofp_port_stats_entry *e)
{
    uint8_t *p;
    int rc = writer_reserve(w, OFPST_PORT, sizeof(struct ofp_port_stats), &p);

    if (!rc)
        ofp_port_stats_to_wire(e, p);
    return rc;
}

int ofp_stats_add_queue(struct ofp_stats_writer *w, const struct ofp_queue_stats_entry *e)
{
    uint8_t *p;
    int rc = writer_reserve(w, OFPST_QUEUE, sizeof(struct ofp_queue_stats), &p);

    if (!rc)
        ofp_queue_stats_to_wire(e, p);
    return rc;
}

int ofp_stats_writer_finish(struct ofp_stats_writer *w)
{
    if (w->cur == SIZE_MAX && w->n_msgs == 0) {
        int rc = writer_open(w);

        if (rc)
            return rc;
    }
    if (w->cur != SIZE_MAX)
        os_put_be16(w->b->data + w->cur + FLAGS_OFF, w->final_flags);
    return (int)(w->b->len - w->start);
}

/* ---- re-encoding a decoded reply ---- */

static int reencode_list(struct ofp_buf *b, const struct ofp_msg *m)
{
    const struct ofp_stats_reply_msg *r = &m->u.stats_reply;
    struct ofp_stats_writer w;
    size_t i, before = b->len;
    int rc = 0;

    ofp_stats_writer_init(&w, b, m->xid, r->type, 0);
    w.final_flags = r->flags;
    if (r->type == OFPST_FLOW) {
        struct ofp_flow_stats_entry e;
        struct ofp_iter it;

        ofp_flow_stats_iter_init(&it, m);
        while (!rc && ofp_flow_stats_next(&it, &e))
            rc = ofp_stats_add_flow(&w, &e);
    } else {
        for (i = 0; !rc && i < r->n_entries; i++) {
            struct ofp_table_stats_entry t;
            struct ofp_port_stats_entry p;
            struct ofp_queue_stats_entry q;

            if (ofp_msg_table_stats_at(m, i, &t))
                rc = ofp_stats_add_table(&w, &t);
            else if (ofp_msg_port_stats_at(m, i, &p))
                rc = ofp_stats_add_port(&w, &p);
            else if (ofp_msg_queue_stats_at(m, i, &q))
                rc = ofp_stats_add_queue(&w, &q);
        }
    }
    if (!rc)
        rc = ofp_stats_writer_finish(&w);
    if (rc < 0)
        b->len = before;
    return rc;
}

int ofp_reencode_stats_reply(struct ofp_buf *b, const struct ofp_msg *m)
{
    const struct ofp_stats_reply_msg *r = &m->u.stats_reply;

    switch (r->type) {
    case OFPST_DESC:
        return desc_reply(b, m->xid, r->flags, &r->u.desc);
    case OFPST_AGGREGATE:
        return aggregate_reply(b, m->xid, r->flags, &r->u.aggregate);
    case OFPST_FLOW:
    case OFPST_TABLE:
    case OFPST_PORT:
    case OFPST_QUEUE:
        return reencode_list(b, m);
    default:
        return -EINVAL;
    }
}
