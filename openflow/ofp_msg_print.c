/*
 * ofp_msg_print.c — one line per decoded OpenFlow 1.0 message.
 */
#include <stdio.h>
#include <string.h>

#include "ofp_msg_print.h"
#include "ofp_print.h"

/* An snprintf accumulator: keeps the total length, writes what fits. */
struct out {
    char *buf;
    size_t size;
    size_t len;
};

__attribute__((format(printf, 2, 3)))
static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    size_t room = o->len < o->size ? o->size - o->len : 0;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len += (size_t)n;
}

/* Accounts for n bytes an ofp_print.h formatter wrote (or wanted to). */
static void took(struct out *o, int n)
{
    if (n > 0)
        o->len += (size_t)n;
}

/* Returns where the next bytes go (NULL when full) and the room there. */
static char *tail(struct out *o, size_t *room)
{
    *room = o->len < o->size ? o->size - o->len : 0;
    return *room ? o->buf + o->len : NULL;
}

static void put_port(struct out *o, uint16_t port)
{
    size_t room;
    char *t = tail(o, &room);

    took(o, ofp_format_port(port, t, room));
}

static void put_match(struct out *o, const struct of_match *m)
{
    size_t room;
    char *t = tail(o, &room);

    took(o, ofp_format_match(m, t, room));
}

static void put_actions(struct out *o, const struct of_action *a, unsigned n)
{
    size_t room;
    char *t;

    put(o, "actions=");
    t = tail(o, &room);
    took(o, ofp_format_actions(a, n, t, room));
}

static void put_flow_mod(struct out *o, const struct of_flow_mod *fm)
{
    size_t room;
    char *t = tail(o, &room);

    took(o, ofp_format_flow_mod(fm, t, room));
}

static const char *const err_types[] = {
    "OFPET_HELLO_FAILED", "OFPET_BAD_REQUEST", "OFPET_BAD_ACTION",
    "OFPET_FLOW_MOD_FAILED", "OFPET_PORT_MOD_FAILED", "OFPET_QUEUE_OP_FAILED",
};
static const char *const hfc[] = { "OFPHFC_INCOMPATIBLE", "OFPHFC_EPERM" };
static const char *const brc[] = {
    "OFPBRC_BAD_VERSION", "OFPBRC_BAD_TYPE", "OFPBRC_BAD_STAT", "OFPBRC_BAD_VENDOR",
    "OFPBRC_BAD_SUBTYPE", "OFPBRC_EPERM", "OFPBRC_BAD_LEN", "OFPBRC_BUFFER_EMPTY",
    "OFPBRC_BUFFER_UNKNOWN",
};
static const char *const bac[] = {
    "OFPBAC_BAD_TYPE", "OFPBAC_BAD_LEN", "OFPBAC_BAD_VENDOR", "OFPBAC_BAD_VENDOR_TYPE",
    "OFPBAC_BAD_OUT_PORT", "OFPBAC_BAD_ARGUMENT", "OFPBAC_EPERM", "OFPBAC_TOO_MANY",
    "OFPBAC_BAD_QUEUE",
};
static const char *const fmfc[] = {
    "OFPFMFC_ALL_TABLES_FULL", "OFPFMFC_OVERLAP", "OFPFMFC_EPERM",
    "OFPFMFC_BAD_EMERG_TIMEOUT", "OFPFMFC_BAD_COMMAND", "OFPFMFC_UNSUPPORTED",
};
static const char *const pmfc[] = { "OFPPMFC_BAD_PORT", "OFPPMFC_BAD_HW_ADDR" };
static const char *const qofc[] = { "OFPQOFC_BAD_PORT", "OFPQOFC_BAD_QUEUE", "OFPQOFC_EPERM" };

#define N(a) (sizeof(a) / sizeof((a)[0]))

const char *ofp_error_type_name(uint16_t type)
{
    return type < N(err_types) ? err_types[type] : NULL;
}

const char *ofp_error_code_name(uint16_t type, uint16_t code)
{
    static const struct {
        const char *const *names;
        size_t n;
    } codes[] = {
        { hfc, N(hfc) }, { brc, N(brc) }, { bac, N(bac) },
        { fmfc, N(fmfc) }, { pmfc, N(pmfc) }, { qofc, N(qofc) },
    };

    if (type >= N(codes) || code >= codes[type].n)
        return NULL;
    return codes[type].names[code];
}

static const char *stats_name(uint16_t type)
{
    static const char *const names[] = {
        "OFPST_DESC", "OFPST_FLOW", "OFPST_AGGREGATE", "OFPST_TABLE", "OFPST_PORT",
        "OFPST_QUEUE",
    };
    return type < N(names) ? names[type] : type == OFPST_VENDOR ? "OFPST_VENDOR" : "OFPST_?";
}

static void put_mac(struct out *o, const char *key, const uint8_t *a)
{
    put(o, "%s=%02x:%02x:%02x:%02x:%02x:%02x", key, a[0], a[1], a[2], a[3], a[4], a[5]);
}

static void put_port_desc(struct out *o, const struct ofp_port_desc *d)
{
    put(o, "port=");
    put_port(o, d->port_no);
    put(o, "(%.16s) ", d->name);
    put_mac(o, "addr", d->hw_addr);
    put(o, " config=0x%x state=0x%x curr=0x%x", (unsigned)d->config, (unsigned)d->state,
        (unsigned)d->curr);
}

static void format_error(struct out *o, const struct ofp_msg *m)
{
    const char *t = ofp_error_type_name(m->u.error.type);
    const char *c = ofp_error_code_name(m->u.error.type, m->u.error.code);

    if (t)
        put(o, "type=%s", t);
    else
        put(o, "type=%u", m->u.error.type);
    if (c)
        put(o, " code=%s", c);
    else
        put(o, " code=%u", m->u.error.code);
    put(o, " data_len=%zu", m->u.error.data.len);
}

static void format_stats_request(struct out *o, const struct ofp_stats_request_msg *r)
{
    put(o, "%s flags=0x%x", stats_name(r->type), r->flags);
    if (r->type == OFPST_FLOW || r->type == OFPST_AGGREGATE) {
        put(o, " table_id=%u out_port=", r->u.flow.table_id);
        put_port(o, r->u.flow.out_port);
        put(o, " match=");
        put_match(o, &r->u.flow.match);
    } else if (r->type == OFPST_PORT) {
        put(o, " port=");
        put_port(o, r->u.port_no);
    } else if (r->type == OFPST_QUEUE) {
        put(o, " port=");
        put_port(o, r->u.queue.port_no);
        put(o, " queue=0x%x", (unsigned)r->u.queue.queue_id);
    }
}

static void format_stats_reply(struct out *o, const struct ofp_stats_reply_msg *r)
{
    put(o, "%s flags=0x%x", stats_name(r->type), r->flags);
    if (r->type == OFPST_DESC)
        put(o, " mfr=\"%.40s\" hw=\"%.40s\" sw=\"%.40s\" serial=\"%.32s\" dp=\"%.40s\"",
            r->u.desc.mfr_desc, r->u.desc.hw_desc, r->u.desc.sw_desc,
            r->u.desc.serial_num, r->u.desc.dp_desc);
    else if (r->type == OFPST_AGGREGATE)
        put(o, " packet_count=%llu byte_count=%llu flow_count=%u",
            (unsigned long long)r->u.aggregate.packet_count,
            (unsigned long long)r->u.aggregate.byte_count, (unsigned)r->u.aggregate.flow_count);
    else
        put(o, " entries=%zu", r->n_entries);
}

static void format_body(struct out *o, const struct ofp_msg *m)
{
    switch (m->type) {
    case OFPT_HELLO:
    case OFPT_ECHO_REQUEST:
    case OFPT_ECHO_REPLY:
        if (m->u.data.len)
            put(o, ": %zu bytes of data", m->u.data.len);
        break;
    case OFPT_ERROR:
        put(o, ": ");
        format_error(o, m);
        break;
    case OFPT_FEATURES_REPLY:
        put(o, ": dpid=%016llx n_tables=%u n_buffers=%u capabilities=0x%x actions=0x%x"
               " ports=%zu", (unsigned long long)m->u.features.f.datapath_id,
            m->u.features.f.n_tables, (unsigned)m->u.features.f.n_buffers,
            (unsigned)m->u.features.f.capabilities, (unsigned)m->u.features.f.actions,
            m->u.features.n_ports);
        break;
    case OFPT_GET_CONFIG_REPLY:
    case OFPT_SET_CONFIG:
        put(o, ": frags=%s miss_send_len=%u",
            (const char *[]){ "normal", "drop", "reassemble", "invalid" }
                [m->u.config.flags & OFPC_FRAG_MASK], m->u.config.miss_send_len);
        break;
    case OFPT_PACKET_IN:
        put(o, ": total_len=%u in_port=", m->u.packet_in.total_len);
        put_port(o, m->u.packet_in.in_port);
        put(o, " reason=%s buffer=0x%08x data_len=%zu",
            m->u.packet_in.reason == OFPR_NO_MATCH ? "no_match"
            : m->u.packet_in.reason == OFPR_ACTION ? "action" : "?",
            (unsigned)m->u.packet_in.buffer_id, m->u.packet_in.data.len);
        break;
    case OFPT_FLOW_REMOVED:
        put(o, ": ");
        put_match(o, &m->u.flow_removed.match);
        put(o, " reason=%s priority=%u cookie=0x%llx duration=%u.%09us idle=%u"
               " pkts=%llu bytes=%llu",
            (const char *[]){ "idle", "hard", "delete", "?" }
                [m->u.flow_removed.reason < 3 ? m->u.flow_removed.reason : 3],
            m->u.flow_removed.priority, (unsigned long long)m->u.flow_removed.cookie,
            (unsigned)m->u.flow_removed.duration_sec,
            (unsigned)m->u.flow_removed.duration_nsec, m->u.flow_removed.idle_timeout,
            (unsigned long long)m->u.flow_removed.packet_count,
            (unsigned long long)m->u.flow_removed.byte_count);
        break;
    case OFPT_PORT_STATUS:
        put(o, ": %s ", (const char *[]){ "ADD", "DEL", "MOD", "?" }
                           [m->u.port_status.reason < 3 ? m->u.port_status.reason : 3]);
        put_port_desc(o, &m->u.port_status.desc);
        break;
    case OFPT_PACKET_OUT:
        put(o, ": in_port=");
        put_port(o, m->u.packet_out.in_port);
        put(o, " ");
        put_actions(o, m->u.packet_out.actions, m->u.packet_out.n_actions);
        put(o, " buffer=0x%08x data_len=%zu", (unsigned)m->u.packet_out.buffer_id,
            m->u.packet_out.data.len);
        break;
    case OFPT_FLOW_MOD:
        put(o, ": ");
        put_flow_mod(o, &m->u.flow_mod);
        break;
    case OFPT_PORT_MOD:
        put(o, ": port=");
        put_port(o, m->u.port_mod.port_no);
        put(o, " ");
        put_mac(o, "addr", m->u.port_mod.hw_addr);
        put(o, " config=0x%x mask=0x%x advertise=0x%x", (unsigned)m->u.port_mod.config,
            (unsigned)m->u.port_mod.mask, (unsigned)m->u.port_mod.advertise);
        break;
    case OFPT_STATS_REQUEST:
        put(o, ": ");
        format_stats_request(o, &m->u.stats_request);
        break;
    case OFPT_STATS_REPLY:
        put(o, ": ");
        format_stats_reply(o, &m->u.stats_reply);
        break;
    case OFPT_QUEUE_GET_CONFIG_REQUEST:
        put(o, ": port=");
        put_port(o, m->u.queue_config_request.port);
        break;
    case OFPT_QUEUE_GET_CONFIG_REPLY:
        put(o, ": port=");
        put_port(o, m->u.queue_config_reply.port);
        put(o, " queues=%zu", m->u.queue_config_reply.n_queues);
        break;
    default:
        break;
    }
}

int ofp_msg_format(const struct ofp_msg *m, char *buf, size_t size)
{
    struct out o = { buf, size, 0 };

    if (size)
        buf[0] = '\0';
    put(&o, "%s (xid=0x%x)", ofp_type_name(m->type), (unsigned)m->xid);
    if (m->version != OFP_VERSION)
        put(&o, " version=0x%02x", m->version);
    format_body(&o, m);
    if (size) {
        size_t end = o.len < size ? o.len : size - 1;
        size_t i;

        buf[end] = '\0';
        for (i = 0; i < end; i++) /* port names and descs are untrusted */
            if ((unsigned char)buf[i] < 0x20 || (unsigned char)buf[i] == 0x7f)
                buf[i] = '?';
    }
    return (int)o.len;
}
