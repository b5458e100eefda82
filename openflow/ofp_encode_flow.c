/*
 * ofp_encode_flow.c — encoding of matches, action lists and the messages
 * built on them: FLOW_MOD, PACKET_OUT, PACKET_IN, FLOW_REMOVED.
 */
#include <errno.h>
#include <string.h>

#include "os/byteorder.h"

#include "ofp_codec_priv.h"

void ofp_match_to_wire(const struct of_match *m, uint8_t *p)
{
    struct ofp_match w;

    memset(&w, 0, sizeof w);
    w.wildcards = os_htonl(m->wildcards);
    w.in_port = os_htons(m->in_port);
    memcpy(w.dl_src, m->dl_src, OFP_ETH_ALEN);
    memcpy(w.dl_dst, m->dl_dst, OFP_ETH_ALEN);
    w.dl_vlan = os_htons(m->dl_vlan);
    w.dl_vlan_pcp = m->dl_vlan_pcp;
    w.dl_type = os_htons(m->dl_type);
    w.nw_tos = m->nw_tos;
    w.nw_proto = m->nw_proto;
    w.nw_src = os_htonl(m->nw_src);
    w.nw_dst = os_htonl(m->nw_dst);
    w.tp_src = os_htons(m->tp_src);
    w.tp_dst = os_htons(m->tp_dst);
    memcpy(p, &w, sizeof w);
}

static size_t one_action_len(uint16_t type)
{
    return type == OFPAT_SET_DL_SRC || type == OFPAT_SET_DL_DST || type == OFPAT_ENQUEUE
               ? 16 : 8;
}

size_t ofp_actions_wire_len(const struct of_action *a, unsigned n)
{
    size_t len = 0;
    unsigned i;

    for (i = 0; i < n; i++)
        len += one_action_len(a[i].type);
    return len;
}

/* Writes the body (after type and len) of action a at p. */
static void action_body_to_wire(const struct of_action *a, uint8_t *p)
{
    switch (a->type) {
    case OFPAT_OUTPUT:
        os_put_be16(p + 4, a->u.output.port);
        os_put_be16(p + 6, a->u.output.max_len);
        break;
    case OFPAT_SET_VLAN_VID:
        os_put_be16(p + 4, a->u.vlan_vid);
        break;
    case OFPAT_SET_VLAN_PCP:
        p[4] = a->u.vlan_pcp;
        break;
    case OFPAT_SET_DL_SRC:
    case OFPAT_SET_DL_DST:
        memcpy(p + 4, a->u.dl_addr, OFP_ETH_ALEN);
        break;
    case OFPAT_SET_NW_SRC:
    case OFPAT_SET_NW_DST:
        os_put_be32(p + 4, a->u.nw_addr);
        break;
    case OFPAT_SET_NW_TOS:
        p[4] = a->u.nw_tos;
        break;
    case OFPAT_SET_TP_SRC:
    case OFPAT_SET_TP_DST:
        os_put_be16(p + 4, a->u.tp_port);
        break;
    case OFPAT_ENQUEUE:
        os_put_be16(p + 4, a->u.enqueue.port);
        os_put_be32(p + 12, a->u.enqueue.queue_id);
        break;
    case OFPAT_VENDOR:
        os_put_be32(p + 4, a->u.vendor);
        break;
    default: /* OFPAT_STRIP_VLAN and unknown: header only */
        break;
    }
}

void ofp_actions_to_wire(const struct of_action *a, unsigned n, uint8_t *p)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        size_t len = one_action_len(a[i].type);

        memset(p, 0, len);
        os_put_be16(p, a[i].type);
        os_put_be16(p + 2, (uint16_t)len);
        action_body_to_wire(&a[i], p);
        p += len;
    }
}

int ofp_encode_flow_mod(struct ofp_buf *b, uint32_t xid, const struct of_flow_mod *fm)
{
    unsigned na = fm->n_actions < OF_MAX_ACTIONS ? fm->n_actions : OF_MAX_ACTIONS;
    size_t n = sizeof(struct ofp_flow_mod) + ofp_actions_wire_len(fm->actions, na);
    uint8_t *p;
    int rc = ofp_put_msg(b, OFPT_FLOW_MOD, xid, n, &p);

    if (rc)
        return rc;
    ofp_match_to_wire(&fm->match, p + offsetof(struct ofp_flow_mod, match));
    os_put_be64(p + offsetof(struct ofp_flow_mod, cookie), fm->cookie);
    os_put_be16(p + offsetof(struct ofp_flow_mod, command), fm->command);
    os_put_be16(p + offsetof(struct ofp_flow_mod, idle_timeout), fm->idle_timeout);
    os_put_be16(p + offsetof(struct ofp_flow_mod, hard_timeout), fm->hard_timeout);
    os_put_be16(p + offsetof(struct ofp_flow_mod, priority), fm->priority);
    os_put_be32(p + offsetof(struct ofp_flow_mod, buffer_id), fm->buffer_id);
    os_put_be16(p + offsetof(struct ofp_flow_mod, out_port), fm->out_port);
    os_put_be16(p + offsetof(struct ofp_flow_mod, flags), fm->flags);
    ofp_actions_to_wire(fm->actions, na, p + sizeof(struct ofp_flow_mod));
    return (int)n;
}

int ofp_encode_packet_out(struct ofp_buf *b, uint32_t xid, const struct ofp_packet_out_msg *po)
{
    unsigned na = po->n_actions < OF_MAX_ACTIONS ? po->n_actions : OF_MAX_ACTIONS;
    size_t alen = ofp_actions_wire_len(po->actions, na);
    size_t n, dlen = po->data.data ? po->data.len : 0;
    uint8_t *p;
    int rc;

    if (dlen > OFP_MAX_MSG_LEN)
        return -EMSGSIZE;
    n = sizeof(struct ofp_packet_out) + alen + dlen;
    rc = ofp_put_msg(b, OFPT_PACKET_OUT, xid, n, &p);
    if (rc)
        return rc;
    os_put_be32(p + offsetof(struct ofp_packet_out, buffer_id), po->buffer_id);
    os_put_be16(p + offsetof(struct ofp_packet_out, in_port), po->in_port);
    os_put_be16(p + offsetof(struct ofp_packet_out, actions_len), (uint16_t)alen);
    ofp_actions_to_wire(po->actions, na, p + sizeof(struct ofp_packet_out));
    if (dlen)
        memcpy(p + sizeof(struct ofp_packet_out) + alen, po->data.data, dlen);
    return (int)n;
}

int ofp_encode_packet_in(struct ofp_buf *b, uint32_t xid, const struct ofp_packet_in_msg *pi)
{
    size_t n, dlen = pi->data.data ? pi->data.len : 0;
    uint8_t *p;
    int rc;

    if (dlen > OFP_MAX_MSG_LEN)
        return -EMSGSIZE;
    n = OFP_PACKET_IN_DATA_OFFSET + dlen;
    rc = ofp_put_msg(b, OFPT_PACKET_IN, xid, n, &p);
    if (rc)
        return rc;
    os_put_be32(p + offsetof(struct ofp_packet_in, buffer_id), pi->buffer_id);
    os_put_be16(p + offsetof(struct ofp_packet_in, total_len), pi->total_len);
    os_put_be16(p + offsetof(struct ofp_packet_in, in_port), pi->in_port);
    p[offsetof(struct ofp_packet_in, reason)] = pi->reason;
    if (dlen)
        memcpy(p + OFP_PACKET_IN_DATA_OFFSET, pi->data.data, dlen);
    return (int)n;
}

int ofp_encode_flow_removed(struct ofp_buf *b, uint32_t xid,
                            const struct ofp_flow_removed_msg *fr)
{
    uint8_t *p;
    int rc = ofp_put_msg(b, OFPT_FLOW_REMOVED, xid, sizeof(struct ofp_flow_removed), &p);

    if (rc)
        return rc;
    ofp_match_to_wire(&fr->match, p + offsetof(struct ofp_flow_removed, match));
    os_put_be64(p + offsetof(struct ofp_flow_removed, cookie), fr->cookie);
    os_put_be16(p + offsetof(struct ofp_flow_removed, priority), fr->priority);
    p[offsetof(struct ofp_flow_removed, reason)] = fr->reason;
    os_put_be32(p + offsetof(struct ofp_flow_removed, duration_sec), fr->duration_sec);
    os_put_be32(p + offsetof(struct ofp_flow_removed, duration_nsec), fr->duration_nsec);
    os_put_be16(p + offsetof(struct ofp_flow_removed, idle_timeout), fr->idle_timeout);
    os_put_be64(p + offsetof(struct ofp_flow_removed, packet_count), fr->packet_count);
    os_put_be64(p + offsetof(struct ofp_flow_removed, byte_count), fr->byte_count);
    return (int)sizeof(struct ofp_flow_removed);
}
