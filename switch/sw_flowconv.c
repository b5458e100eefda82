/* sw_flowconv.c — OpenFlow 1.0 (decoded) <-> datapath translation. */
#include "sw_flowconv.h"

#include <errno.h>
#include <string.h>

/* Returns the mask for an OpenFlow nw_src/nw_dst wildcard bit count. */
static uint32_t prefix_mask(uint32_t wild_bits)
{
    return wild_bits >= 32 ? 0 : ~0u << wild_bits;
}

/* Returns the wildcard bit count for a CIDR mask (32 for mask 0). */
static uint32_t prefix_wild_bits(uint32_t mask)
{
    return mask == 0 ? 32 : (uint32_t)__builtin_ctz(mask);
}

void sw_match_to_dp(const struct of_match *m, struct dp_match *out)
{
    struct dp_key *k = &out->key, *mk = &out->mask;
    uint32_t wc = m->wildcards;

    memset(out, 0, sizeof *out);
    if (!(wc & OFPFW_IN_PORT)) {
        k->in_port = m->in_port;
        mk->in_port = 0xffff;
    }
    if (!(wc & OFPFW_DL_VLAN)) {
        k->dl_vlan = m->dl_vlan;
        mk->dl_vlan = 0xffff;
    }
    if (!(wc & OFPFW_DL_VLAN_PCP)) {
        k->dl_vlan_pcp = m->dl_vlan_pcp;
        mk->dl_vlan_pcp = 0xff;
    }
    if (!(wc & OFPFW_DL_SRC)) {
        memcpy(k->dl_src, m->dl_src, 6);
        memset(mk->dl_src, 0xff, 6);
    }
    if (!(wc & OFPFW_DL_DST)) {
        memcpy(k->dl_dst, m->dl_dst, 6);
        memset(mk->dl_dst, 0xff, 6);
    }
    if (!(wc & OFPFW_DL_TYPE)) {
        k->dl_type = m->dl_type;
        mk->dl_type = 0xffff;
    }
    if (!(wc & OFPFW_NW_TOS)) {
        k->nw_tos = m->nw_tos & 0xfc;
        mk->nw_tos = 0xff;
    }
    if (!(wc & OFPFW_NW_PROTO)) {
        k->nw_proto = m->nw_proto;
        mk->nw_proto = 0xff;
    }
    mk->nw_src = prefix_mask((wc & OFPFW_NW_SRC_MASK) >> OFPFW_NW_SRC_SHIFT);
    k->nw_src = m->nw_src & mk->nw_src;
    mk->nw_dst = prefix_mask((wc & OFPFW_NW_DST_MASK) >> OFPFW_NW_DST_SHIFT);
    k->nw_dst = m->nw_dst & mk->nw_dst;
    if (!(wc & OFPFW_TP_SRC)) {
        k->tp_src = m->tp_src;
        mk->tp_src = 0xffff;
    }
    if (!(wc & OFPFW_TP_DST)) {
        k->tp_dst = m->tp_dst;
        mk->tp_dst = 0xffff;
    }
}

void sw_match_from_dp(const struct dp_match *dm, struct of_match *m)
{
    const struct dp_key *k = &dm->key, *mk = &dm->mask;
    uint32_t wc = 0;

    memset(m, 0, sizeof *m);
    if (mk->in_port) m->in_port = k->in_port; else wc |= OFPFW_IN_PORT;
    if (mk->dl_vlan) m->dl_vlan = k->dl_vlan; else wc |= OFPFW_DL_VLAN;
    if (mk->dl_vlan_pcp) m->dl_vlan_pcp = k->dl_vlan_pcp; else wc |= OFPFW_DL_VLAN_PCP;
    if (mk->dl_src[0]) memcpy(m->dl_src, k->dl_src, 6); else wc |= OFPFW_DL_SRC;
    if (mk->dl_dst[0]) memcpy(m->dl_dst, k->dl_dst, 6); else wc |= OFPFW_DL_DST;
    if (mk->dl_type) m->dl_type = k->dl_type; else wc |= OFPFW_DL_TYPE;
    if (mk->nw_tos) m->nw_tos = k->nw_tos; else wc |= OFPFW_NW_TOS;
    if (mk->nw_proto) m->nw_proto = k->nw_proto; else wc |= OFPFW_NW_PROTO;
    if (mk->tp_src) m->tp_src = k->tp_src; else wc |= OFPFW_TP_SRC;
    if (mk->tp_dst) m->tp_dst = k->tp_dst; else wc |= OFPFW_TP_DST;
    wc |= prefix_wild_bits(mk->nw_src) << OFPFW_NW_SRC_SHIFT;
    wc |= prefix_wild_bits(mk->nw_dst) << OFPFW_NW_DST_SHIFT;
    m->nw_src = k->nw_src;
    m->nw_dst = k->nw_dst;
    m->wildcards = wc;
}

/* Returns true when `port` may be the target of an OUTPUT (or of an
 * ENQUEUE when `enqueue`). */
static bool out_port_ok(uint16_t port, bool packet_out, bool enqueue,
                        sw_port_exists_fn *exists, void *arg)
{
    if (port == 0)
        return false;
    if (port <= OFPP_MAX)
        return !exists || exists(port, arg);
    switch (port) {
    case OFPP_IN_PORT:
        return true;
    case OFPP_NORMAL: case OFPP_FLOOD: case OFPP_ALL:
    case OFPP_CONTROLLER: case OFPP_LOCAL:
        return !enqueue;
    case OFPP_TABLE:
        return packet_out && !enqueue;
    default:
        return false;
    }
}

/* Translates one action.  Returns true, or false with the OFPBAC_* code in
 * *code (OFPBAC_BAD_TYPE is 0, so the code cannot double as the result). */
static bool action_to_dp(const struct of_action *a, bool packet_out,
                         sw_port_exists_fn *exists, void *arg, struct dp_action *d,
                         uint16_t *code)
{
    *code = OFPBAC_BAD_ARGUMENT;
    memset(d, 0, sizeof *d);
    switch (a->type) {
    case OFPAT_OUTPUT:
        d->type = DP_ACT_OUTPUT;
        d->u.output.port = a->u.output.port;
        d->u.output.max_len = a->u.output.max_len;
        *code = OFPBAC_BAD_OUT_PORT;
        return out_port_ok(a->u.output.port, packet_out, false, exists, arg);
    case OFPAT_ENQUEUE:
        d->type = DP_ACT_ENQUEUE;
        d->u.enqueue.port = a->u.enqueue.port;
        d->u.enqueue.queue_id = a->u.enqueue.queue_id;
        *code = OFPBAC_BAD_OUT_PORT;
        return out_port_ok(a->u.enqueue.port, packet_out, true, exists, arg);
    case OFPAT_SET_VLAN_VID:
        d->type = DP_ACT_SET_VLAN_VID;
        d->u.vid = a->u.vlan_vid;
        return a->u.vlan_vid <= 0x0fff;
    case OFPAT_SET_VLAN_PCP:
        d->type = DP_ACT_SET_VLAN_PCP;
        d->u.pcp = a->u.vlan_pcp;
        return a->u.vlan_pcp <= 7;
    case OFPAT_STRIP_VLAN:
        d->type = DP_ACT_STRIP_VLAN;
        return true;
    case OFPAT_SET_DL_SRC:
    case OFPAT_SET_DL_DST:
        d->type = a->type == OFPAT_SET_DL_SRC ? DP_ACT_SET_DL_SRC : DP_ACT_SET_DL_DST;
        memcpy(d->u.mac, a->u.dl_addr, 6);
        return true;
    case OFPAT_SET_NW_SRC:
    case OFPAT_SET_NW_DST:
        d->type = a->type == OFPAT_SET_NW_SRC ? DP_ACT_SET_NW_SRC : DP_ACT_SET_NW_DST;
        d->u.ipv4 = a->u.nw_addr;
        return true;
    case OFPAT_SET_NW_TOS:
        d->type = DP_ACT_SET_NW_TOS;
        d->u.tos = a->u.nw_tos;
        return !(a->u.nw_tos & 0x03);
    case OFPAT_SET_TP_SRC:
    case OFPAT_SET_TP_DST:
        d->type = a->type == OFPAT_SET_TP_SRC ? DP_ACT_SET_TP_SRC : DP_ACT_SET_TP_DST;
        d->u.tp = a->u.tp_port;
        return true;
    case OFPAT_VENDOR:
        *code = OFPBAC_BAD_VENDOR;
        return false;
    default:
        *code = OFPBAC_BAD_TYPE;
        return false;
    }
}

int sw_actions_to_dp(const struct of_action *a, unsigned n, bool packet_out,
                     sw_port_exists_fn *exists, void *arg, struct dp_action *out,
                     struct sw_ofp_error *err)
{
    for (unsigned i = 0; i < n; i++) {
        uint16_t code;
        if (!action_to_dp(&a[i], packet_out, exists, arg, &out[i], &code)) {
            err->type = OFPET_BAD_ACTION;
            err->code = code;
            return -EINVAL;
        }
    }
    return 0;
}

void sw_actions_from_dp(const struct dp_action *a, unsigned n, struct of_action *out)
{
    static const uint16_t types[] = {
        [DP_ACT_OUTPUT] = OFPAT_OUTPUT, [DP_ACT_SET_VLAN_VID] = OFPAT_SET_VLAN_VID,
        [DP_ACT_SET_VLAN_PCP] = OFPAT_SET_VLAN_PCP, [DP_ACT_STRIP_VLAN] = OFPAT_STRIP_VLAN,
        [DP_ACT_SET_DL_SRC] = OFPAT_SET_DL_SRC, [DP_ACT_SET_DL_DST] = OFPAT_SET_DL_DST,
        [DP_ACT_SET_NW_SRC] = OFPAT_SET_NW_SRC, [DP_ACT_SET_NW_DST] = OFPAT_SET_NW_DST,
        [DP_ACT_SET_NW_TOS] = OFPAT_SET_NW_TOS, [DP_ACT_SET_TP_SRC] = OFPAT_SET_TP_SRC,
        [DP_ACT_SET_TP_DST] = OFPAT_SET_TP_DST, [DP_ACT_ENQUEUE] = OFPAT_ENQUEUE,
    };
    for (unsigned i = 0; i < n; i++) {
        const struct dp_action *d = &a[i];
        struct of_action *o = &out[i];
        memset(o, 0, sizeof *o);
        o->type = types[d->type];
        switch (d->type) {
        case DP_ACT_OUTPUT:
            o->u.output.port = d->u.output.port;
            o->u.output.max_len = d->u.output.max_len;
            break;
        case DP_ACT_ENQUEUE:
            o->u.enqueue.port = d->u.enqueue.port;
            o->u.enqueue.queue_id = d->u.enqueue.queue_id;
            break;
        case DP_ACT_SET_VLAN_VID: o->u.vlan_vid = d->u.vid; break;
        case DP_ACT_SET_VLAN_PCP: o->u.vlan_pcp = d->u.pcp; break;
        case DP_ACT_SET_DL_SRC: case DP_ACT_SET_DL_DST: memcpy(o->u.dl_addr, d->u.mac, 6); break;
        case DP_ACT_SET_NW_SRC: case DP_ACT_SET_NW_DST: o->u.nw_addr = d->u.ipv4; break;
        case DP_ACT_SET_NW_TOS: o->u.nw_tos = d->u.tos; break;
        case DP_ACT_SET_TP_SRC: case DP_ACT_SET_TP_DST: o->u.tp_port = d->u.tp; break;
        default: break;
        }
    }
}

int sw_flow_mod_to_dp(const struct of_flow_mod *fm, sw_port_exists_fn *exists, void *arg,
                      struct dp_flow_mod *out, struct dp_action *acts,
                      struct sw_ofp_error *err)
{
    memset(out, 0, sizeof *out);
    if (fm->command > OFPFC_DELETE_STRICT) {
        err->type = OFPET_FLOW_MOD_FAILED;
        err->code = OFPFMFC_BAD_COMMAND;
        return -EINVAL;
    }
    int rc = sw_actions_to_dp(fm->actions, fm->n_actions, false, exists, arg, acts, err);
    if (rc)
        return rc;
    out->command = (enum dp_flow_cmd)fm->command;
    sw_match_to_dp(&fm->match, &out->match);
    out->priority = fm->priority;
    out->idle_timeout = fm->idle_timeout;
    out->hard_timeout = fm->hard_timeout;
    out->flags = fm->flags & (OFPFF_SEND_FLOW_REM | OFPFF_CHECK_OVERLAP | OFPFF_EMERG);
    out->cookie = fm->cookie;
    out->out_port = fm->out_port;
    out->actions = acts;
    out->n_actions = fm->n_actions;
    return 0;
}

bool sw_table_error(int rc, struct sw_ofp_error *err)
{
    if (rc == 0)
        return false;
    err->type = OFPET_FLOW_MOD_FAILED;
    switch (rc) {
    case -ENOSPC: case -ENOMEM: err->code = OFPFMFC_ALL_TABLES_FULL; break;
    case -EEXIST: err->code = OFPFMFC_OVERLAP; break;
    case -EINVAL: err->code = OFPFMFC_BAD_EMERG_TIMEOUT; break;
    default: err->code = OFPFMFC_EPERM; break;
    }
    return true;
}
