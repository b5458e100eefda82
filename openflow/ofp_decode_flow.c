/*
 * ofp_decode_flow.c — decoding of matches, action lists and the messages
 * built on them: FLOW_MOD, PACKET_OUT, PACKET_IN, FLOW_REMOVED.
 */
#include <errno.h>
#include <string.h>

#include "os/byteorder.h"

#include "ofp_codec_priv.h"

static uint32_t nw_field(uint32_t addr, uint32_t wc, unsigned shift)
{
    unsigned bits = (wc >> shift) & 63;

    if (bits >= 32)
        return 0;
    return bits ? addr & ~((1u << bits) - 1) : addr;
}

void ofp_match_from_wire(const uint8_t *p, struct of_match *m)
{
    struct ofp_match w;
    uint32_t wc;

    memcpy(&w, p, sizeof w);
    memset(m, 0, sizeof *m);
    m->wildcards = wc = os_ntohl(w.wildcards);
    if (!(wc & OFPFW_IN_PORT))
        m->in_port = os_ntohs(w.in_port);
    if (!(wc & OFPFW_DL_SRC))
        memcpy(m->dl_src, w.dl_src, OFP_ETH_ALEN);
    if (!(wc & OFPFW_DL_DST))
        memcpy(m->dl_dst, w.dl_dst, OFP_ETH_ALEN);
    if (!(wc & OFPFW_DL_VLAN))
        m->dl_vlan = os_ntohs(w.dl_vlan);
    if (!(wc & OFPFW_DL_VLAN_PCP))
        m->dl_vlan_pcp = w.dl_vlan_pcp;
    if (!(wc & OFPFW_DL_TYPE))
        m->dl_type = os_ntohs(w.dl_type);
    if (!(wc & OFPFW_NW_TOS))
        m->nw_tos = w.nw_tos;
    if (!(wc & OFPFW_NW_PROTO))
        m->nw_proto = w.nw_proto;
    m->nw_src = nw_field(os_ntohl(w.nw_src), wc, OFPFW_NW_SRC_SHIFT);
    m->nw_dst = nw_field(os_ntohl(w.nw_dst), wc, OFPFW_NW_DST_SHIFT);
    if (!(wc & OFPFW_TP_SRC))
        m->tp_src = os_ntohs(w.tp_src);
    if (!(wc & OFPFW_TP_DST))
        m->tp_dst = os_ntohs(w.tp_dst);
}

/* Returns the wire length OpenFlow 1.0 fixes for action `type`, or 0 for an
 * unknown type (OFPAT_VENDOR has a minimum, not a fixed length). */
static size_t action_len(uint16_t type)
{
    switch (type) {
    case OFPAT_OUTPUT:
    case OFPAT_SET_VLAN_VID:
    case OFPAT_SET_VLAN_PCP:
    case OFPAT_STRIP_VLAN:
    case OFPAT_SET_NW_SRC:
    case OFPAT_SET_NW_DST:
    case OFPAT_SET_NW_TOS:
    case OFPAT_SET_TP_SRC:
    case OFPAT_SET_TP_DST:
        return 8;
    case OFPAT_SET_DL_SRC:
    case OFPAT_SET_DL_DST:
    case OFPAT_ENQUEUE:
        return 16;
    default:
        return 0;
    }
}

/* Fills *a from the action at p whose type and length were checked.
 * Returns 0 or -EPROTO (bad argument). */
static int action_from_wire(const uint8_t *p, struct of_action *a, struct ofp_err *err)
{
    memset(a, 0, sizeof *a);
    a->type = os_get_be16(p);
    switch (a->type) {
    case OFPAT_OUTPUT:
        a->u.output.port = os_get_be16(p + 4);
        a->u.output.max_len = os_get_be16(p + 6);
        return 0;
    case OFPAT_SET_VLAN_VID:
        a->u.vlan_vid = os_get_be16(p + 4);
        return a->u.vlan_vid > 0xfff ? ofp_fail(err, OFPET_BAD_ACTION, OFPBAC_BAD_ARGUMENT) : 0;
    case OFPAT_SET_VLAN_PCP:
        a->u.vlan_pcp = p[4];
        return a->u.vlan_pcp > 7 ? ofp_fail(err, OFPET_BAD_ACTION, OFPBAC_BAD_ARGUMENT) : 0;
    case OFPAT_SET_DL_SRC:
    case OFPAT_SET_DL_DST:
        memcpy(a->u.dl_addr, p + 4, OFP_ETH_ALEN);
        return 0;
    case OFPAT_SET_NW_SRC:
    case OFPAT_SET_NW_DST:
        a->u.nw_addr = os_get_be32(p + 4);
        return 0;
    case OFPAT_SET_NW_TOS:
        a->u.nw_tos = p[4];
        return a->u.nw_tos & 3 ? ofp_fail(err, OFPET_BAD_ACTION, OFPBAC_BAD_ARGUMENT) : 0;
    case OFPAT_SET_TP_SRC:
    case OFPAT_SET_TP_DST:
        a->u.tp_port = os_get_be16(p + 4);
        return 0;
    case OFPAT_ENQUEUE:
        a->u.enqueue.port = os_get_be16(p + 4);
        a->u.enqueue.queue_id = os_get_be32(p + 12);
        return 0;
    default: /* OFPAT_STRIP_VLAN */
        return 0;
    }
}

int ofp_actions_from_wire(const uint8_t *p, size_t len, struct of_action *a,
                          uint16_t *n, struct ofp_err *err)
{
    size_t off = 0;
    unsigned i = 0;

    while (off < len) {
        size_t left = len - off, alen, want;
        uint16_t type;
        int rc;

        if (left < sizeof(struct ofp_action_header))
            return ofp_fail(err, OFPET_BAD_ACTION, OFPBAC_BAD_LEN);
        type = os_get_be16(p + off);
        alen = os_get_be16(p + off + 2);
        if (alen < 8 || alen % 8 || alen > left)
            return ofp_fail(err, OFPET_BAD_ACTION, OFPBAC_BAD_LEN);
        if (type == OFPAT_VENDOR)
            return ofp_fail(err, OFPET_BAD_ACTION, OFPBAC_BAD_VENDOR);
        want = action_len(type);
        if (!want)
            return ofp_fail(err, OFPET_BAD_ACTION, OFPBAC_BAD_TYPE);
        if (alen != want)
            return ofp_fail(err, OFPET_BAD_ACTION, OFPBAC_BAD_LEN);
        if (i == OF_MAX_ACTIONS)
            return ofp_fail(err, OFPET_BAD_ACTION, OFPBAC_TOO_MANY);
        rc = action_from_wire(p + off, &a[i], err);
        if (rc)
            return rc;
        i++;
        off += alen;
    }
    *n = (uint16_t)i;
    return 0;
}

int ofp_decode_flow_mod(const uint8_t *buf, size_t len, struct ofp_msg *m,
                        struct ofp_err *err)
{
    struct ofp_flow_mod w;
    struct of_flow_mod *fm = &m->u.flow_mod;

    if (len < sizeof w)
        return ofp_fail_len(err);
    memcpy(&w, buf, sizeof w);
    ofp_match_from_wire(buf + offsetof(struct ofp_flow_mod, match), &fm->match);
    fm->cookie = os_ntohll(w.cookie);
    fm->command = os_ntohs(w.command);
    fm->idle_timeout = os_ntohs(w.idle_timeout);
    fm->hard_timeout = os_ntohs(w.hard_timeout);
    fm->priority = os_ntohs(w.priority);
    fm->buffer_id = os_ntohl(w.buffer_id);
    fm->out_port = os_ntohs(w.out_port);
    fm->flags = os_ntohs(w.flags);
    if (fm->command > OFPFC_DELETE_STRICT)
        return ofp_fail(err, OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_COMMAND);
    if ((fm->flags & OFPFF_EMERG) && fm->command < OFPFC_DELETE
        && (fm->idle_timeout || fm->hard_timeout))
        return ofp_fail(err, OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_EMERG_TIMEOUT);
    return ofp_actions_from_wire(buf + sizeof w, len - sizeof w, fm->actions,
                                 &fm->n_actions, err);
}

int ofp_decode_packet_out(const uint8_t *buf, size_t len, struct ofp_msg *m,
                          struct ofp_err *err)
{
    struct ofp_packet_out w;
    struct ofp_packet_out_msg *po = &m->u.packet_out;
    size_t alen;
    int rc;

    if (len < sizeof w)
        return ofp_fail_len(err);
    memcpy(&w, buf, sizeof w);
    alen = os_ntohs(w.actions_len);
    if (alen > len - sizeof w)
        return ofp_fail_len(err);
    po->buffer_id = os_ntohl(w.buffer_id);
    po->in_port = os_ntohs(w.in_port);
    rc = ofp_actions_from_wire(buf + sizeof w, alen, po->actions, &po->n_actions, err);
    if (rc)
        return rc;
    po->data.data = buf + sizeof w + alen;
    po->data.len = len - sizeof w - alen;
    return 0;
}

int ofp_decode_packet_in(const uint8_t *buf, size_t len, struct ofp_msg *m,
                         struct ofp_err *err)
{
    struct ofp_packet_in_msg *pi = &m->u.packet_in;

    if (len < OFP_PACKET_IN_DATA_OFFSET)
        return ofp_fail_len(err);
    pi->buffer_id = os_get_be32(buf + offsetof(struct ofp_packet_in, buffer_id));
    pi->total_len = os_get_be16(buf + offsetof(struct ofp_packet_in, total_len));
    pi->in_port = os_get_be16(buf + offsetof(struct ofp_packet_in, in_port));
    pi->reason = buf[offsetof(struct ofp_packet_in, reason)];
    pi->data.data = buf + OFP_PACKET_IN_DATA_OFFSET;
    pi->data.len = len - OFP_PACKET_IN_DATA_OFFSET;
    return 0;
}

int ofp_decode_flow_removed(const uint8_t *buf, size_t len, struct ofp_msg *m,
                            struct ofp_err *err)
{
    struct ofp_flow_removed w;
    struct ofp_flow_removed_msg *fr = &m->u.flow_removed;

    if (len != sizeof w)
        return ofp_fail_len(err);
    memcpy(&w, buf, sizeof w);
    ofp_match_from_wire(buf + offsetof(struct ofp_flow_removed, match), &fr->match);
    fr->cookie = os_ntohll(w.cookie);
    fr->priority = os_ntohs(w.priority);
    fr->reason = w.reason;
    fr->duration_sec = os_ntohl(w.duration_sec);
    fr->duration_nsec = os_ntohl(w.duration_nsec);
    fr->idle_timeout = os_ntohs(w.idle_timeout);
    fr->packet_count = os_ntohll(w.packet_count);
    fr->byte_count = os_ntohll(w.byte_count);
    return 0;
}
